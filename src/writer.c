/* SPDX-License-Identifier: MIT */
/*
 * The repair writer (writer.h).  The plan becomes a list of jobs in output
 * order: copy an input entry as stored, produce a member (read, strip,
 * patch, hash for RECORD, compress), or build RECORD.  Producing is where
 * the time goes - compression above all - so a small pool of workers
 * produces members while this thread writes the finished ones strictly in
 * order: the output is the same bytes for every thread count.  A worker
 * takes a job only while what the jobs in hand hold - being produced, or
 * produced and waiting to be written - fits a memory budget, so memory
 * stays bounded whatever the number of members and threads.  RECORD is built by the writing thread
 * once every digest it lists is known: at its place in the input, or at
 * the end when a rewritten member follows it there.
 */
#include "wheelaudit/writer.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/buf.h"
#include "wheelaudit/elfstrip.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/path.h"
#include "wheelaudit/zipout.h"

/* What RECORD lists for a member written anew. */
struct digest {
	char b64[48];
	size_t size;
	bool set;
};

struct write_state {
	const struct wa_repair_plan *p;
	struct wa_wheel *w;
	struct wa_zipout *z;
	struct wa_write_stats *stats;
	struct digest *members;   /* per input member */
	struct digest *additions; /* per addition; each slot written by one job */
};

/* What one produced member left for the writer. */
struct produced {
	struct wa_zipout_packed packed;
	char *unstripped_why; /* --strip refused this file: why (owned) */
};

static void digest_of(struct digest *d, const void *data, size_t len, bool *oom)
{
	struct wa_sha256 h;
	uint8_t sum[32];

	if (wa_sha256_init(&h)) {
		*oom = true;
		return;
	}
	wa_sha256_update(&h, data, len);
	wa_sha256_final(&h, sum);
	wa_b64url_nopad(sum, 32, d->b64, sizeof(d->b64));
	d->size = len;
	d->set = true;
}

/* ===== producing members ===== */

/* A member's bytes being produced (malloc'd, owned). */
struct bytes {
	void *data;
	size_t len;
};

static int sink_to_buf(void *ctx, const void *data, size_t len)
{
	struct wa_buf *b = ctx;

	wa_buf_add(b, data, len);
	return b->oom ? -1 : 0;
}

/* The content of input member index, decompressed (the second read of a
 * member that is patched: the scan did not keep it). */
static int read_member(struct write_state *s, struct wa_zip *zip, size_t index, struct bytes *out,
		       struct wa_error *err)
{
	const struct wa_member *m = wa_wheel_member(s->w, index);
	struct wa_buf b = {0};
	int rc = wa_zip_read(zip, index, m->size, sink_to_buf, &b, err);

	if (rc == -1 || (!rc && b.oom))
		rc = wa_error_set(err, WA_ENOMEM, m->name, "out of memory");
	if (rc) {
		wa_buf_release(&b);
		return rc;
	}
	out->data = b.data;
	out->len = b.len;
	return 0;
}

/*
 * --strip, before the edit (a patched file grows at its end, where the
 * stripped sections would have gone).  A file the stripper refuses (data
 * appended after its sections, ...) is written as it is, and why is kept
 * for the writer to count and name the first one (in output order).
 */
static int apply_strip(struct produced *out, struct bytes *b, const char *name,
		       struct wa_error *err)
{
	void *data = NULL;
	size_t size = 0;
	struct wa_error serr;
	int rc;

	wa_error_clear(&serr);
	rc = wa_elf_strip(&data, &size, b->data, b->len, name, &serr);
	if (rc == -WA_ENOMEM)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (rc) {
		size_t n = strlen(name) + strlen(serr.message) + 3;

		out->unstripped_why = malloc(n);
		if (!out->unstripped_why)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		snprintf(out->unstripped_why, n, "%s: %s", name, serr.message);
		return 0;
	}
	free(b->data);
	b->data = data;
	b->len = size;
	return 0;
}

/* Applies an edit to b, over its own bytes (no second copy of a big library). */
static int apply_edit(struct bytes *b, const struct wa_elf_edit *edit, const char *name,
		      struct wa_error *err)
{
	void *data = b->data;
	size_t len = b->len;
	int rc = wa_elf_patch_in_place(&data, &len, edit, name, err);

	b->data = data; /* the caller frees it either way */
	if (!rc)
		b->len = len;
	return rc;
}

/* ===== producing entries (any thread) ===== */

/* Hashes and packs content as input member index: it keeps the input's
 * method (deflate for anything we cannot write), mode and host; -z
 * overrides the method. */
static int pack_member(struct write_state *s, struct wa_zip *zip, size_t index, const void *data,
		       size_t len, struct produced *out, struct wa_error *err)
{
	struct wa_zip_raw raw;
	struct wa_zipout_meta meta;
	bool oom = false;
	int rc = wa_zip_raw_entry(zip, index, &raw, err);

	if (rc)
		return rc;
	/* -z: the level asked for (0 stores); else the input's method */
	meta.method = s->p->zip_level >= 0 ? (s->p->zip_level ? 8 : 0) : raw.method == 0 ? 0 : 8;
	meta.level = s->p->zip_level;
	meta.version_made_by = raw.version_made_by;
	meta.external_attr = raw.external_attr;
	meta.dos_time = s->p->dos_time;
	meta.dos_date = s->p->dos_date;
	/* WHEEL and launchers were hashed ahead (RECORD may be read meanwhile) */
	if (!s->members[index].set)
		digest_of(&s->members[index], data, len, &oom);
	if (oom)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return wa_zipout_pack(&out->packed, wa_wheel_member(s->w, index)->name, &meta, data, len,
			      err);
}

/* An input member written anew: WHEEL, a launcher, or a patched file. */
static int produce_member(struct write_state *s, struct wa_zip *zip, size_t index,
			  struct produced *out, struct wa_error *err)
{
	const struct wa_plan_member *m = &s->p->members[index];
	const char *name = wa_wheel_member(s->w, index)->name;
	struct bytes b = {0};
	int rc;

	if (m->action == WA_PLAN_WHEEL)
		return pack_member(s, zip, index, s->p->wheel_text, s->p->wheel_len, out, err);
	if (m->action == WA_PLAN_LAUNCHER)
		return pack_member(s, zip, index, m->text, m->text_len, out, err);
	rc = read_member(s, zip, index, &b, err);
	if (!rc && m->strip)
		rc = apply_strip(out, &b, name, err);
	if (!rc)
		rc = apply_edit(&b, &m->edit, name, err);
	if (!rc)
		rc = pack_member(s, zip, index, b.data, b.len, out, err);
	free(b.data);
	return rc;
}

/* A member the plan adds: a grafted library, a moved file, the SBOM. */
static int produce_addition(struct write_state *s, struct wa_zip *zip, size_t i,
			    struct produced *out, struct wa_error *err)
{
	const struct wa_plan_addition *add = &s->p->additions[i];
	struct wa_zipout_meta meta = {
		.method = s->p->zip_level == 0 ? 0 : 8,
		.level = s->p->zip_level,
		.dos_time = s->p->dos_time,
		.dos_date = s->p->dos_date,
		.version_made_by = 3 << 8 | 20, /* Unix, zip 2.0 */
		.external_attr = (uint32_t)(S_IFREG | add->mode) << 16,
	};
	struct bytes b = {0};
	bool oom = false;
	int rc;

	if (add->text) {
		/* content the plan made (the SBOM): no file to read, nothing to edit */
		digest_of(&s->additions[i], add->text, add->text_len, &oom);
		return oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory")
			   : wa_zipout_pack(&out->packed, add->name, &meta, add->text,
					    add->text_len, err);
	}
	rc = add->file ? wa_host_file_read(add->file, &b.data, &b.len, err)
		       : read_member(s, zip, add->member, &b, err);
	if (!rc && add->strip)
		rc = apply_strip(out, &b, add->name, err);
	if (!rc)
		rc = apply_edit(&b, &add->edit, add->name, err);
	if (!rc) {
		digest_of(&s->additions[i], b.data, b.len, &oom);
		rc = oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory")
			 : wa_zipout_pack(&out->packed, add->name, &meta, b.data, b.len, err);
	}
	free(b.data);
	return rc;
}

/* ===== RECORD ===== */

/* A CSV field as Python's csv module writes it (quoted only when needed). */
static void csv_path(struct wa_buf *t, const char *path)
{
	if (!strpbrk(path, ",\"\r\n")) {
		wa_buf_str(t, path);
		return;
	}
	wa_buf_str(t, "\"");
	for (const char *p = path; *p; p++) {
		if (*p == '"')
			wa_buf_str(t, "\"\""); /* a quote inside quotes is doubled */
		else
			wa_buf_add(t, p, 1);
	}
	wa_buf_str(t, "\"");
}

static void record_line(struct wa_buf *t, const char *path, const struct digest *d, const char *eol)
{
	csv_path(t, path);
	if (d) {
		char size[32];

		snprintf(size, sizeof(size), "%zu", d->size);
		wa_buf_str(t, ",sha256=");
		wa_buf_str(t, d->b64);
		wa_buf_str(t, ",");
		wa_buf_str(t, size);
	} else {
		wa_buf_str(t, ",,");
	}
	wa_buf_str(t, eol);
}

static void record_additions(struct write_state *s, struct wa_buf *t, const char *eol)
{
	for (size_t i = 0; i < s->p->n_additions; i++)
		record_line(t, s->p->additions[i].name, &s->additions[i], eol);
}

/*
 * Unchanged lines are kept byte for byte; the lines of rewritten members
 * get their new digest and size; RECORD's own line has neither; dropped
 * members lose their line; the added members are listed before RECORD.
 */
static int add_record(struct write_state *s, struct wa_error *err)
{
	struct wa_wheel *w = s->w;
	size_t record_member = wa_wheel_record_member(w);
	const char *record_name = wa_wheel_member(w, record_member)->name;
	struct produced rec = {0};
	struct wa_buf t = {0};
	bool listed = false;
	const char *eol = "\n";
	int rc;

	for (size_t i = 0; i < wa_wheel_record_line_count(w); i++) {
		const struct wa_record_line *l = wa_wheel_record_line(w, i);
		const char *line_eol = l->len >= 2 && l->text[l->len - 2] == '\r' ? "\r\n" : "\n";

		if (i == 0 && l->len && l->text[l->len - 1] == '\n')
			eol = line_eol;
		if (l->member >= 0 && s->p->members[l->member].action == WA_PLAN_DROP)
			continue;
		if (l->member == (long)record_member) {
			record_additions(s, &t, line_eol);
			record_line(&t, record_name, NULL, line_eol);
			listed = true;
		} else if (l->member >= 0 && s->members[l->member].set) {
			record_line(&t, wa_wheel_member(w, (size_t)l->member)->name,
				    &s->members[l->member], line_eol);
		} else {
			wa_buf_add(&t, l->text, l->len);
			if (!l->len || l->text[l->len - 1] != '\n')
				wa_buf_str(&t, eol);
		}
	}
	if (!listed) {
		record_additions(s, &t, eol);
		record_line(&t, record_name, NULL, eol);
	}
	if (t.oom) {
		wa_buf_release(&t);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	rc = pack_member(s, wa_wheel_zip(s->w), record_member, t.data ? t.data : "", t.len, &rec,
			 err);
	wa_buf_release(&t);
	if (!rc)
		rc = wa_zipout_put(s->z, &rec.packed, err);
	wa_zipout_packed_release(&rec.packed);
	if (!rc)
		s->stats->rewritten++;
	return rc;
}

/* ===== the archive ===== */

static int make_dirs(const char *dir, struct wa_error *err)
{
	char *p;
	int rc = 0;

	if (!*dir)
		return 0; /* the root or the current directory: there already */
	p = strdup(dir);
	if (!p)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (char *q = p + 1;; q++) {
		bool last = *q == '\0';

		if (*q != '/' && !last)
			continue;
		*q = '\0';
		if (*p && mkdir(p, 0777) != 0 && errno != EEXIST) {
			int e = errno;

			rc = wa_error_set(err, WA_EIO, NULL, "cannot create the directory %s: %s",
					  p, wa_strerror(e));
			if (err)
				err->sys_errno = e;
			break;
		}
		if (last)
			break;
		*q = '/';
	}
	free(p);
	return rc;
}

/* Refuses to let the output take the input's place: the input is never touched. */
static int check_not_input(const char *input, const char *output, struct wa_error *err)
{
	struct stat a, b;

	if (stat(input, &a) == 0 && stat(output, &b) == 0 && a.st_dev == b.st_dev &&
	    a.st_ino == b.st_ino)
		return wa_error_set(err, WA_EUSAGE, NULL,
				    "the output %s would replace the input wheel; choose another "
				    "--wheel-dir",
				    output);
	return 0;
}

/*
 * Must RECORD wait for the end?  Only when a patched member follows it in
 * the input's order (as in every wheel whose members are sorted: "pkg-1.0.
 * dist-info/" sorts before "pkg/"): its digest is known once it is written,
 * and holding it until then would cost its whole size in memory.  RECORD
 * then goes last, where the wheel format recommends the .dist-info files
 * to be anyway.  Texts the plan holds (WHEEL, launchers) are hashed ahead.
 */
static bool record_waits(const struct write_state *s)
{
	size_t record = wa_wheel_record_member(s->w);

	for (size_t i = record + 1; i < s->p->n_members; i++)
		if (s->p->members[i].action == WA_PLAN_PATCH)
			return true;
	return false;
}

static int hash_texts_ahead(struct write_state *s, struct wa_error *err)
{
	bool oom = false;

	for (size_t i = 0; i < s->p->n_members; i++) {
		const struct wa_plan_member *m = &s->p->members[i];

		if (m->action == WA_PLAN_WHEEL)
			digest_of(&s->members[i], s->p->wheel_text, s->p->wheel_len, &oom);
		else if (m->action == WA_PLAN_LAUNCHER)
			digest_of(&s->members[i], m->text, m->text_len, &oom);
	}
	return oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory") : 0;
}

/* ===== jobs in output order ===== */

enum job_kind {
	JOB_COPY,     /* an input entry as stored (the writing thread) */
	JOB_MEMBER,   /* input member `index` written anew */
	JOB_ADDITION, /* plan addition `index` */
	JOB_RECORD,   /* RECORD (the writing thread, when it gets there) */
};

struct job {
	enum job_kind kind;
	size_t index;
	/* set by whoever produced it (guarded by the pool's lock until done) */
	bool claimed, done;
	int rc;
	struct wa_error err;
	struct produced out;
};

static bool produced_by_workers(const struct job *j)
{
	return j->kind == JOB_MEMBER || j->kind == JOB_ADDITION;
}

/* The jobs of plan p in the order their entries are written: the input's
 * order, the additions before the first .dist-info member. */
static int list_jobs(struct write_state *s, struct job **out, size_t *n_out, struct wa_error *err)
{
	const struct wa_repair_plan *p = s->p;
	struct job *jobs = calloc(p->n_members + p->n_additions + 1, sizeof(*jobs));
	bool added = false, deferred = record_waits(s);
	size_t n = 0;

	if (!jobs)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < p->n_members; i++) {
		enum wa_plan_action a = p->members[i].action;

		if (!added && wa_wheel_in_dist_info(s->w, wa_wheel_member(s->w, i)->name)) {
			added = true;
			for (size_t k = 0; k < p->n_additions; k++)
				jobs[n++] = (struct job){.kind = JOB_ADDITION, .index = k};
		}
		if (a == WA_PLAN_DROP || (a == WA_PLAN_RECORD && deferred))
			continue;
		jobs[n++] = (struct job){
			.kind = a == WA_PLAN_COPY     ? JOB_COPY
				: a == WA_PLAN_RECORD ? JOB_RECORD
						      : JOB_MEMBER,
			.index = i,
		};
	}
	for (size_t k = 0; !added && k < p->n_additions; k++)
		jobs[n++] = (struct job){.kind = JOB_ADDITION, .index = k};
	if (deferred)
		jobs[n++] = (struct job){.kind = JOB_RECORD, .index = wa_wheel_record_member(s->w)};
	*out = jobs;
	*n_out = n;
	return 0;
}

static int produce(struct write_state *s, struct wa_zip *zip, struct job *j)
{
	wa_error_clear(&j->err);
	return j->kind == JOB_MEMBER ? produce_member(s, zip, j->index, &j->out, &j->err)
				     : produce_addition(s, zip, j->index, &j->out, &j->err);
}

/* ===== the worker pool ===== */

/*
 * Memory: producing a member holds its input - patched over itself - and
 * then its compressed output as it grows beside it (about a third of the
 * input for code); stripping holds a second copy for a moment.  The pool
 * lets workers produce members at once only while what they hold stays
 * within the budget (WA_WRITE_BUDGET of the largest input: twice it and
 * 48 MiB), so the largest members are produced one at a time while
 * smaller ones share the cores beside them.  The member the writer waits
 * for may always start when nothing else is being produced, so the writer
 * never waits for ever.
 */
struct pool {
	struct write_state *s;
	struct job *jobs;
	size_t n_jobs;
	pthread_mutex_t lock;
	pthread_cond_t work; /* a worker may take a job (or must stop) */
	pthread_cond_t done; /* a job was produced */
	size_t next;         /* every job before it is taken or not a worker's */
	size_t waiting;      /* the job the writer writes next */
	size_t held;         /* produced or being produced, not yet written */
	size_t window;       /* the most `held` may be (the writer's job aside) */
	unsigned busy;       /* jobs being produced */
	uint64_t in_use;     /* their peaks, and the packed size of those held */
	uint64_t budget;     /* the most in_use may be (the writer's job aside) */
	bool stop;
};

struct worker {
	struct pool *pool;
	struct wa_zip *zip; /* this worker's handle on the input (owned) */
	pthread_t thread;
	bool started;
};

/* How many jobs may be in hand at once: the budget bounds their bytes;
 * this bounds the look-ahead past a slow job the writer waits for. */
#define WRITE_WINDOW(workers) (4 * (size_t)(workers) + 8)

/* The bytes job j holds before it compresses (see struct pool). */
static uint64_t job_input(const struct write_state *s, const struct job *j)
{
	uint64_t size = 0;

	if (j->kind == JOB_MEMBER) {
		const struct wa_plan_member *m = &s->p->members[j->index];

		size = m->action == WA_PLAN_WHEEL      ? s->p->wheel_len
		       : m->action == WA_PLAN_LAUNCHER ? m->text_len
						       : wa_wheel_member(s->w, j->index)->size;
	} else if (j->kind == JOB_ADDITION) {
		const struct wa_plan_addition *a = &s->p->additions[j->index];

		size = a->text   ? a->text_len
		       : a->file ? a->file->size
				 : wa_wheel_member(s->w, a->member)->size;
		if (a->strip)
			size *= 2;
	}
	if (j->kind == JOB_MEMBER && s->p->members[j->index].strip)
		size *= 2;
	return size;
}

/* The input and, growing beside it, its compressed form: about a third
 * of it for code. */
static uint64_t job_peak(const struct write_state *s, const struct job *j)
{
	uint64_t size = job_input(s, j);

	return size + size / 3;
}

/* The job a worker may take now, or NULL: the first not taken, among the
 * next `window` of the workers' jobs, that fits the budget. */
static struct job *next_job(struct pool *pl)
{
	size_t seen = 0;

	while (pl->next < pl->n_jobs &&
	       (!produced_by_workers(&pl->jobs[pl->next]) || pl->jobs[pl->next].claimed))
		pl->next++;
	for (size_t i = pl->next; i < pl->n_jobs && seen <= pl->window; i++) {
		struct job *j = &pl->jobs[i];
		bool writers = i == pl->waiting;
		uint64_t peak;

		if (!produced_by_workers(j))
			continue;
		seen++;
		if (j->claimed)
			continue;
		if (pl->held >= pl->window && !writers)
			continue;
		peak = job_peak(pl->s, j);
		/* the writer's job starts when nothing else runs, whatever
		 * the finished jobs waiting for it hold */
		if (pl->in_use + peak > pl->budget && (pl->busy || !writers))
			continue;
		return j;
	}
	return NULL;
}

static void *work(void *arg)
{
	struct worker *wk = arg;
	struct pool *pl = wk->pool;

	pthread_mutex_lock(&pl->lock);
	for (;;) {
		struct job *j;
		uint64_t peak;

		if (pl->stop)
			break;
		j = next_job(pl);
		if (!j) {
			if (pl->next >= pl->n_jobs)
				break; /* every job is taken */
			pthread_cond_wait(&pl->work, &pl->lock);
			continue;
		}
		peak = job_peak(pl->s, j);
		j->claimed = true;
		pl->held++;
		pl->busy++;
		pl->in_use += peak;
		pthread_mutex_unlock(&pl->lock);
		j->rc = produce(pl->s, wk->zip, j);
		pthread_mutex_lock(&pl->lock);
		j->done = true;
		pl->busy--;
		pl->in_use -= peak;
		pl->in_use += j->out.packed.len; /* until the writer takes it */
		pthread_cond_broadcast(&pl->done);
		pthread_cond_broadcast(&pl->work);
	}
	pthread_mutex_unlock(&pl->lock);
	return NULL;
}

/* Waits until job j is produced (pool NULL: produces it here). */
static void await(struct pool *pl, struct write_state *s, struct job *j)
{
	if (!pl) {
		j->rc = produce(s, wa_wheel_zip(s->w), j);
		j->done = true;
		return;
	}
	pthread_mutex_lock(&pl->lock);
	pl->waiting = (size_t)(j - pl->jobs);
	pthread_cond_broadcast(&pl->work); /* it may start beyond the window */
	while (!j->done)
		pthread_cond_wait(&pl->done, &pl->lock);
	pthread_mutex_unlock(&pl->lock);
}

/* The writer is done with a produced job: its place in the window is free. */
static void release(struct pool *pl, struct job *j)
{
	size_t packed_len = j->out.packed.len;

	wa_zipout_packed_release(&j->out.packed);
	free(j->out.unstripped_why);
	j->out.unstripped_why = NULL;
	if (!pl)
		return;
	pthread_mutex_lock(&pl->lock);
	pl->held--;
	pl->in_use -= packed_len;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->lock);
}

/* Writes job j, produced. */
static int put_produced(struct write_state *s, struct job *j, struct wa_error *err)
{
	int rc;

	if (j->rc) {
		if (err)
			*err = j->err;
		return j->rc;
	}
	if (j->out.unstripped_why && !s->stats->unstripped++)
		snprintf(s->stats->unstripped_why, sizeof(s->stats->unstripped_why), "%s",
			 j->out.unstripped_why);
	rc = wa_zipout_put(s->z, &j->out.packed, err);
	if (!rc)
		s->stats->rewritten++;
	return rc;
}

static int write_jobs(struct write_state *s, struct pool *pl, struct job *jobs, size_t n,
		      struct wa_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < n; i++) {
		struct job *j = &jobs[i];

		switch (j->kind) {
		case JOB_COPY:
			rc = wa_zipout_copy(s->z, wa_wheel_zip(s->w), j->index, err);
			s->stats->copied++;
			break;
		case JOB_RECORD: rc = add_record(s, err); break;
		case JOB_MEMBER:
		case JOB_ADDITION:
			await(pl, s, j);
			rc = put_produced(s, j, err);
			release(pl, j);
			break;
		}
	}
	return rc;
}

/* Stops the workers, waits for them and frees what they produced. */
static void pool_end(struct pool *pl, struct worker *wk, unsigned n_workers)
{
	pthread_mutex_lock(&pl->lock);
	pl->stop = true;
	pthread_cond_broadcast(&pl->work);
	pthread_mutex_unlock(&pl->lock);
	for (unsigned t = 0; t < n_workers; t++) {
		if (wk[t].started)
			pthread_join(wk[t].thread, NULL);
		wa_zip_free(wk[t].zip);
	}
	for (size_t i = 0; i < pl->n_jobs; i++) {
		wa_zipout_packed_release(&pl->jobs[i].out.packed);
		free(pl->jobs[i].out.unstripped_why);
	}
	pthread_cond_destroy(&pl->work);
	pthread_cond_destroy(&pl->done);
	pthread_mutex_destroy(&pl->lock);
}

/* How many workers: no more than there are members to produce. */
static unsigned count_workers(const struct job *jobs, size_t n, unsigned threads)
{
	size_t produced = 0;

	for (size_t i = 0; i < n; i++)
		produced += produced_by_workers(&jobs[i]);
	if (threads > WA_WRITE_MAX_THREADS)
		threads = WA_WRITE_MAX_THREADS;
	return produced < 2 || threads < 2 ? 0 : produced < threads ? (unsigned)produced : threads;
}

static int write_members(struct write_state *s, unsigned threads, struct wa_error *err)
{
	struct job *jobs = NULL;
	size_t n = 0;
	struct pool pl;
	struct worker wk[WA_WRITE_MAX_THREADS];
	unsigned n_workers;
	uint64_t largest = 0;
	int rc = hash_texts_ahead(s, err);

	if (!rc)
		rc = list_jobs(s, &jobs, &n, err);
	if (rc)
		return rc;
	n_workers = count_workers(jobs, n, threads);
	if (!n_workers) { /* one thread: produce each member where it is written */
		rc = write_jobs(s, NULL, jobs, n, err);
		free(jobs);
		return rc;
	}
	pl = (struct pool){.s = s, .jobs = jobs, .n_jobs = n, .window = WRITE_WINDOW(n_workers)};
	for (size_t i = 0; i < n; i++)
		if (produced_by_workers(&jobs[i]) && job_input(s, &jobs[i]) > largest)
			largest = job_input(s, &jobs[i]);
	pl.budget = WA_WRITE_BUDGET(largest);
	pthread_mutex_init(&pl.lock, NULL);
	pthread_cond_init(&pl.work, NULL);
	pthread_cond_init(&pl.done, NULL);
	memset(wk, 0, sizeof(wk));
	for (unsigned t = 0; !rc && t < n_workers; t++) {
		wk[t].pool = &pl;
		rc = wa_zip_reopen(&wk[t].zip, wa_wheel_zip(s->w), err);
		if (!rc && pthread_create(&wk[t].thread, NULL, work, &wk[t]) != 0)
			rc = wa_error_set(err, WA_ENOMEM, NULL, "cannot start a thread");
		wk[t].started = !rc;
	}
	if (!rc)
		rc = write_jobs(s, &pl, jobs, n, err);
	pool_end(&pl, wk, n_workers);
	free(jobs);
	return rc;
}

int wa_plan_write(const struct wa_repair_plan *plan, struct wa_wheel *w, unsigned threads,
		  struct wa_write_stats *stats, struct wa_error *err)
{
	struct write_state s = {.p = plan, .w = w, .stats = stats};
	struct wa_arena scratch = {0};
	const char *dir = plan->output ? wa_path_dir(&scratch, plan->output) : NULL;
	int rc;

	memset(stats, 0, sizeof(*stats));
	if (!plan->output)
		return wa_error_set(err, WA_EINTERNAL, NULL, "no output to write");
	s.members = calloc(plan->n_members + 1, sizeof(*s.members));
	s.additions = calloc(plan->n_additions + 1, sizeof(*s.additions));
	rc = dir && s.members && s.additions ? make_dirs(dir, err)
					     : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = check_not_input(wa_wheel_path(w), plan->output, err);
	if (!rc)
		rc = wa_zipout_open(&s.z, plan->output, NULL, err);
	if (!rc)
		rc = write_members(&s, threads, err);
	if (!rc)
		rc = wa_zipout_commit(s.z, err);
	wa_zipout_free(s.z);
	free(s.members);
	free(s.additions);
	wa_arena_release(&scratch);
	return rc;
}
