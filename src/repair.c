/* SPDX-License-Identifier: MIT */
/*
 * Repair = audit + decide the output's tags + write a new archive.
 *
 * The writer works from an edit list: members whose content is replaced
 * (WHEEL, RECORD, patched ELF members, launchers of moved scripts), members
 * dropped (RECORD signatures, which the new RECORD would invalidate) and
 * members added (grafted libraries, moved scripts).  Every other member is
 * copied raw.  RECORD is computed last from the edits, so every edit gets
 * its hash line from one place.
 *
 * Grafting (when the audit says external libraries are all that stands in
 * the way): plan the libraries (graft.c), audit the wheel again as it will
 * be with them (their symbol versions count like the wheel's own), and only
 * then patch the members that need them.
 */
#define _GNU_SOURCE /* memmem */
#include "wheelaudit/repair.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wheelaudit/graft.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/wheel.h"
#include "wheelaudit/zipout.h"
#include "wheelaudit/buf.h"
#include "wheelaudit/path.h"

#ifndef WA_VERSION
#define WA_VERSION "0"
#endif

void wa_repair_options_init(struct wa_repair_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	wa_audit_options_init(&opt->audit);
	opt->wheel_dir = "wheelhouse";
}

/* ===== working state ===== */

struct replacement {
	size_t member;
	char *data; /* owned by the repair state */
	size_t len;
};

/* A member the output gains (a grafted library, a moved script). */
struct addition {
	const char *name;
	const void *data; /* borrowed from the plan, or owned (owned_data) */
	size_t len;
	unsigned mode;
	char *owned_data;
};

struct repair_state {
	struct wa_repair *r;
	const struct wa_repair_options *opt;
	struct wa_wheel *wheel;
	struct wa_audit *audit;
	struct wa_ptrvec tags, notes;
	bool *dropped; /* per member */
	struct replacement wheel_file, record;
	struct replacement *patched;  /* per member: new ELF bytes or launcher, data NULL if none */
	struct wa_ptrvec additions;   /* struct addition *, in output order */
	struct wa_audit *first_audit; /* before grafting (its strings back the plan) */
	struct wa_graft_plan *plan;
	const char *eol;             /* line terminator of the input's WHEEL */
	uint16_t dos_time, dos_date; /* of rewritten members */
	bool oom;
};

static const char *rstr(struct repair_state *s, const char *str)
{
	char *p = wa_arena_strdup(&s->r->arena, str);

	if (!p)
		s->oom = true;
	return p;
}

static void add_note(struct repair_state *s, const char *note)
{
	if (!note || wa_ptrvec_push(&s->r->arena, &s->notes, (void *)note))
		s->oom = true;
}

/* ===== RECORD must match the archive exactly ===== */

static bool is_signature(const struct wa_wheel *w, const char *name)
{
	const char *di = wa_wheel_dist_info(w);
	size_t n = strlen(di);

	return strncmp(name, di, n) == 0 && name[n] == '/' &&
	       (strcmp(name + n + 1, "RECORD.jws") == 0 || strcmp(name + n + 1, "RECORD.p7s") == 0);
}

/*
 * The scan already checked every digest and size RECORD gives, and that
 * everything it lists exists.  A repair also needs the converse: each
 * member listed with a digest we verified, since the new RECORD vouches
 * for them all.  (RECORD itself and its signatures are exempt, as in the
 * wheel format.)
 */
static int check_record_complete(struct repair_state *s, struct wa_error *err)
{
	struct wa_wheel *w = s->wheel;

	for (size_t i = 0; i < wa_wheel_member_count(w); i++) {
		const struct wa_member *m = wa_wheel_member(w, i);
		const char *algo;

		if (m->is_dir || i == wa_wheel_record_member(w) || is_signature(w, m->name))
			continue;
		if (!m->in_record)
			return wa_error_set(err, WA_ERECORD, m->name,
					    "not listed in RECORD; a repaired wheel would vouch "
					    "for a file its builder did not");
		algo = wa_wheel_record_digest(w, i);
		if (!m->record_hashed)
			return wa_error_set(err, WA_ERECORD, m->name,
					    algo ? "RECORD gives a %s digest, which wheelaudit "
						   "cannot verify (only sha256)"
						 : "RECORD gives no digest%s",
					    algo ? algo : "");
	}
	return 0;
}

/* ===== the output's tags ===== */

static void push_policy_tags(struct repair_state *s, const struct wa_policy *p)
{
	struct wa_audit *a = s->audit;
	const char *tag = wa_audit_policy_tag(a, p);

	if (!tag || wa_ptrvec_push(&s->r->arena, &s->tags, (void *)tag))
		s->oom = true;
	for (size_t k = 0; k < wa_policy_alias_count(p); k++) {
		tag = wa_arena_printf(&a->arena, "%s_%s", wa_policy_alias(p, k), a->arch);
		if (!tag || wa_ptrvec_push(&s->r->arena, &s->tags, (void *)tag))
			s->oom = true;
	}
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/*
 * auto: the best policy of each family the wheel can claim.  A named
 * policy: that one, and (unless --only-plat) the better one of its family
 * and the other family's best, so no compatibility the wheel has is lost.
 */
static void decide_tags(struct repair_state *s)
{
	const struct wa_audit *a = s->audit;
	const char *plat = s->opt->audit.plat;
	const struct wa_policy *target = NULL;
	size_t n = 0;

	if (plat && strcmp(plat, "auto") != 0)
		target = wa_policy_find(s->opt->audit.policies, plat, NULL, 0);
	if (target)
		push_policy_tags(s, target);
	for (int f = 0; f < WA_FAMILY_COUNT; f++) {
		const struct wa_policy *best = a->best[f];

		if (!best || best == target)
			continue;
		if (target && s->opt->only_plat)
			continue;
		push_policy_tags(s, best);
	}
	if (s->oom)
		return;
	qsort(s->tags.items, s->tags.len, sizeof(void *), compare_strings);
	for (size_t i = 0; i < s->tags.len; i++)
		if (!n || strcmp(s->tags.items[n - 1], s->tags.items[i]) != 0)
			s->tags.items[n++] = s->tags.items[i];
	s->tags.len = n;
}

static const char *join_tags(struct repair_state *s)
{
	struct wa_buf t = {0};
	const char *out;

	for (size_t i = 0; i < s->tags.len; i++) {
		if (i)
			wa_buf_str(&t, ".");
		wa_buf_str(&t, s->tags.items[i]);
	}
	out = t.oom ? NULL : rstr(s, t.data ? t.data : "");
	if (t.oom)
		s->oom = true;
	free(t.data);
	return out;
}

/* ===== WHEEL ===== */

static bool line_key_is(const char *line, size_t len, const char *key)
{
	size_t k = strlen(key);

	if (len <= k || strncmp(line, key, k) != 0)
		return false;
	for (size_t i = k; i < len; i++) {
		if (line[i] == ':')
			return true;
		if (line[i] != ' ' && line[i] != '\t')
			return false;
	}
	return false;
}

static void add_tag_lines(struct repair_state *s, struct wa_buf *t)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);
	char *py = strdup(wn->python), *abi = strdup(wn->abi);
	char *save1 = NULL;

	if (!py || !abi) {
		s->oom = true;
		goto out;
	}
	for (char *p = strtok_r(py, ".", &save1); p; p = strtok_r(NULL, ".", &save1)) {
		char *abi_copy = strdup(abi), *save2 = NULL;

		if (!abi_copy) {
			s->oom = true;
			break;
		}
		for (char *b = strtok_r(abi_copy, ".", &save2); b; b = strtok_r(NULL, ".", &save2))
			for (size_t i = 0; i < s->tags.len; i++) {
				wa_buf_str(t, "Tag: ");
				wa_buf_str(t, p);
				wa_buf_str(t, "-");
				wa_buf_str(t, b);
				wa_buf_str(t, "-");
				wa_buf_str(t, s->tags.items[i]);
				wa_buf_str(t, s->eol);
			}
		free(abi_copy);
	}
out:
	free(py);
	free(abi);
}

static void add_generator_line(struct repair_state *s, struct wa_buf *t)
{
	wa_buf_str(t, "Generator: wheelaudit " WA_VERSION);
	wa_buf_str(t, s->eol);
}

struct line {
	const char *text;
	size_t full; /* with its terminator */
	size_t body; /* without */
};

static bool is_our_generator(const struct line *l)
{
	return line_key_is(l->text, l->body, "Generator") &&
	       memmem(l->text, l->body, "wheelaudit", 10) != NULL;
}

/*
 * Rewrites WHEEL line by line: the Tag lines are replaced where the first
 * one stood, other lines keep their order, and "Generator: wheelaudit V"
 * follows the last Generator line (one from an earlier repair is
 * replaced).  Headers end at the first blank line; anything after it is
 * kept untouched.
 */
static int build_wheel_file(struct repair_state *s, struct wa_error *err)
{
	size_t len, n = 0, header_end, first_tag = SIZE_MAX, last_gen = SIZE_MAX;
	const char *src = wa_wheel_wheel_text(s->wheel, &len);
	const char *end = src + strlen(src);
	const char *first_nl = strchr(src, '\n');
	struct line *lines = calloc(strlen(src) + 1, sizeof(*lines));
	struct wa_buf t = {0};

	if (!lines)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	s->eol = first_nl && first_nl > src && first_nl[-1] == '\r' ? "\r\n" : "\n";
	for (const char *p = src; p < end; n++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct line *l = &lines[n];

		l->text = p;
		l->full = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		l->body = l->full;
		while (l->body && (p[l->body - 1] == '\n' || p[l->body - 1] == '\r'))
			l->body--;
		p += l->full;
	}
	for (header_end = 0; header_end < n && lines[header_end].body; header_end++) {
		const struct line *l = &lines[header_end];

		if (first_tag == SIZE_MAX && line_key_is(l->text, l->body, "Tag"))
			first_tag = header_end;
		if (line_key_is(l->text, l->body, "Generator") && !is_our_generator(l))
			last_gen = header_end;
	}
	for (size_t i = 0; i <= n; i++) {
		const struct line *l = &lines[i];

		if (i == header_end) {
			if (first_tag == SIZE_MAX)
				add_tag_lines(s, &t);
			if (last_gen == SIZE_MAX)
				add_generator_line(s, &t);
		}
		if (i == n)
			break;
		if (i < header_end &&
		    (line_key_is(l->text, l->body, "Tag") || is_our_generator(l))) {
			if (i == first_tag)
				add_tag_lines(s, &t);
			continue;
		}
		wa_buf_add(&t, l->text, l->full);
		if (l->full == l->body && i < header_end)
			wa_buf_str(&t, s->eol); /* a last header line without its newline */
		if (i == last_gen)
			add_generator_line(s, &t);
	}
	free(lines);
	if (t.oom || s->oom) {
		free(t.data);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	s->wheel_file.member = wa_wheel_wheel_member(s->wheel);
	s->wheel_file.data = t.data ? t.data : strdup("");
	s->wheel_file.len = t.len;
	return s->wheel_file.data ? 0 : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
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

static void record_entry(struct repair_state *s, struct wa_buf *t, const char *path,
			 const void *data, size_t len, const char *eol)
{
	uint8_t digest[32];
	char b64[64], size[32];

	csv_path(t, path);
	if (data) {
		struct wa_sha256 h;

		if (wa_sha256_init(&h)) {
			s->oom = true;
			return;
		}
		wa_sha256_update(&h, data, len);
		wa_sha256_final(&h, digest);
		wa_b64url_nopad(digest, 32, b64, sizeof(b64));
		snprintf(size, sizeof(size), "%zu", len);
		wa_buf_str(t, ",sha256=");
		wa_buf_str(t, b64);
		wa_buf_str(t, ",");
		wa_buf_str(t, size);
	} else {
		wa_buf_str(t, ",,");
	}
	wa_buf_str(t, eol);
}

static void record_additions(struct repair_state *s, struct wa_buf *t, const char *eol)
{
	for (size_t i = 0; i < s->additions.len; i++) {
		const struct addition *add = s->additions.items[i];

		record_entry(s, t, add->name, add->data, add->len, eol);
	}
}

/*
 * Unchanged lines are kept byte for byte; the lines of rewritten members
 * get their new digest and size; RECORD's own line has neither; dropped
 * members lose their line.
 */
static int build_record(struct repair_state *s, struct wa_error *err)
{
	struct wa_wheel *w = s->wheel;
	size_t record_member = wa_wheel_record_member(w);
	const char *record_name = wa_wheel_member(w, record_member)->name;
	struct wa_buf t = {0};
	bool record_listed = false;
	const char *eol = "\n";

	for (size_t i = 0; i < wa_wheel_record_line_count(w); i++) {
		const struct wa_record_line *l = wa_wheel_record_line(w, i);
		const char *line_eol = l->len >= 2 && l->text[l->len - 2] == '\r' ? "\r\n" : "\n";

		if (i == 0 && l->len && l->text[l->len - 1] == '\n')
			eol = line_eol;
		if (l->member >= 0 && s->dropped[l->member])
			continue;
		if (l->member == (long)s->wheel_file.member) {
			record_entry(s, &t, wa_wheel_member(w, (size_t)l->member)->name,
				     s->wheel_file.data, s->wheel_file.len, line_eol);
		} else if (l->member >= 0 && s->patched[l->member].data) {
			record_entry(s, &t, wa_wheel_member(w, (size_t)l->member)->name,
				     s->patched[l->member].data, s->patched[l->member].len,
				     line_eol);
		} else if (l->member == (long)record_member) {
			record_additions(s, &t, line_eol);
			record_entry(s, &t, record_name, NULL, 0, line_eol);
			record_listed = true;
		} else {
			wa_buf_add(&t, l->text, l->len);
			if (!l->len || l->text[l->len - 1] != '\n')
				wa_buf_str(&t, eol);
		}
	}
	if (!record_listed) {
		record_additions(s, &t, eol);
		record_entry(s, &t, record_name, NULL, 0, eol);
	}
	if (t.oom || s->oom) {
		free(t.data);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	s->record.member = record_member;
	s->record.data = t.data;
	s->record.len = t.len;
	return 0;
}

/* A rejection is a result: the audit in r says why. */
static void reject(struct repair_state *s, enum wa_outcome cause, const char *reason)
{
	s->r->outcome = WA_OUTCOME_REJECTED;
	s->r->cause = cause;
	s->r->reason = reason;
}

/* ===== grafting ===== */

/* The data directory's scripts: "<name>-<version>.data/scripts/". */
static bool is_data_script(const struct wa_wheel *w, const char *name, const char **base)
{
	const char *di = wa_wheel_dist_info(w);
	size_t n = strlen(di) - strlen(".dist-info");

	if (strncmp(name, di, n) != 0 || strncmp(name + n, ".data/scripts/", 14) != 0)
		return false;
	*base = wa_path_base(name);
	return **base != '\0';
}

static int sink_to_buf(void *ctx, const void *data, size_t len)
{
	struct wa_buf *b = ctx;

	wa_buf_add(b, data, len);
	return b->oom ? -1 : 0;
}

static int read_member(struct repair_state *s, size_t index, struct wa_buf *b, struct wa_error *err)
{
	int rc = wa_zip_read(wa_wheel_zip(s->wheel), index, s->opt->audit.limits.max_member_bytes,
			     sink_to_buf, b, err);

	if (!rc && b->oom)
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return rc;
}

static int add_addition(struct repair_state *s, const char *name, const void *data, size_t len,
			unsigned mode, char *owned)
{
	struct addition *add = wa_arena_alloc(&s->r->arena, sizeof(*add));

	if (!add || !name || wa_ptrvec_push(&s->r->arena, &s->additions, add)) {
		free(owned);
		s->oom = true;
		return -WA_ENOMEM;
	}
	add->name = name;
	add->data = data;
	add->len = len;
	add->mode = mode;
	add->owned_data = owned;
	return 0;
}

/*
 * What takes a moved script's place in <dist>.data/scripts/: a Python
 * launcher (installers give "#!python" the interpreter's path) that finds
 * the program beside the packages and execs it.  It looks where the
 * installer put the packages: next to bin/ for `pip install --target`,
 * then sys.path, then the install schemes.
 */
static char *launcher_text(const char *dist, const char *name, size_t *len)
{
	struct wa_buf t = {0};

	wa_buf_str(&t, "#!python\n"
		       "# Launcher written by wheelaudit repair: the ELF program lives in\n"
		       "# the package tree, where $ORIGIN reaches the grafted libraries.\n"
		       "import os\nimport sys\nimport sysconfig\n\n"
		       "REL = os.path.join(\"");
	wa_buf_str(&t, dist);
	wa_buf_str(&t, ".scripts\", \"");
	wa_buf_str(&t, name);
	wa_buf_str(&t, "\")\n\n\n"
		       "def find_program():\n"
		       "    here = os.path.dirname(os.path.realpath(__file__))\n"
		       "    places = [os.path.dirname(here)] + sys.path\n"
		       "    for key in (\"platlib\", \"purelib\"):\n"
		       "        try:\n"
		       "            places.append(sysconfig.get_path(key))\n"
		       "        except KeyError:\n"
		       "            pass\n"
		       "    for place in places:\n"
		       "        candidate = os.path.join(place or \".\", REL)\n"
		       "        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):\n"
		       "            return candidate\n"
		       "    sys.exit(\"cannot find %s beside the installed packages\" % REL)\n\n\n"
		       "if __name__ == \"__main__\":\n"
		       "    program = find_program()\n"
		       "    os.execv(program, [sys.argv[0]] + sys.argv[1:])\n");
	if (t.oom) {
		free(t.data);
		return NULL;
	}
	*len = t.len;
	return t.data;
}

/* Where an installer puts a member, relative to site-packages: the
 * .data/platlib/ and .data/purelib/ trees land at the root. */
static const char *installed_path(const struct wa_wheel *w, const char *name)
{
	const char *di = wa_wheel_dist_info(w);
	size_t n = strlen(di) - strlen(".dist-info");

	if (strncmp(name, di, n) != 0 || strncmp(name + n, ".data/", 6) != 0)
		return name;
	if (strncmp(name + n + 6, "platlib/", 8) == 0 || strncmp(name + n + 6, "purelib/", 8) == 0)
		return name + n + 14;
	return name;
}

/* Patches one member that needs grafted libraries; a script under
 * .data/scripts moves to <dist>.scripts/ and leaves a launcher. */
static int graft_member(struct repair_state *s, const struct wa_audit_member *m,
			struct wa_error *err)
{
	const char *dist = wa_wheel_filename(s->wheel)->distribution;
	const char *script = NULL, *dir, *installed = installed_path(s->wheel, m->path);
	struct wa_buf in = {0};
	void *out = NULL;
	size_t out_size = 0, i = m->wheel_index;
	bool changed = false, moved;
	int rc;

	moved = is_data_script(s->wheel, m->path, &script);
	if (moved) {
		dir = wa_arena_printf(&s->r->arena, "%s.scripts", dist);
	} else {
		const char *slash = strrchr(installed, '/');

		dir = wa_arena_strndup(&s->r->arena, installed,
				       slash ? (size_t)(slash - installed) : 0);
	}
	if (!dir)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	rc = read_member(s, i, &in, err);
	if (!rc)
		rc = wa_graft_patch_member(s->plan, m->path, installed, dir, m->elf, in.data,
					   in.len, &out, &out_size, &changed, err);
	wa_buf_release(&in);
	if (rc || !changed)
		return rc;
	if (!moved) {
		s->patched[i].member = i;
		s->patched[i].data = out;
		s->patched[i].len = out_size;
		return 0;
	}
	rc = add_addition(s, wa_arena_printf(&s->r->arena, "%s/%s", dir, script), out, out_size,
			  0755, out);
	if (rc)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	s->patched[i].member = i;
	s->patched[i].data = launcher_text(dist, script, &s->patched[i].len);
	add_note(s, wa_arena_printf(&s->r->arena,
				    "moved %s to %s/%s (it needs grafted libraries; $ORIGIN cannot "
				    "reach them from bin/) and left a launcher in its place",
				    m->path, dir, script));
	return s->patched[i].data ? 0 : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
}

static void keep_graft_results(struct repair_state *s)
{
	struct wa_repair *r = s->r;
	const struct wa_graft_plan *plan = s->plan;

	r->grafted = wa_arena_alloc(&r->arena, (plan->n_libs + 1) * sizeof(*r->grafted));
	r->missing = wa_arena_alloc(&r->arena, (plan->n_missing + 1) * sizeof(*r->missing));
	if (!r->grafted || !r->missing) {
		s->oom = true;
		return;
	}
	for (size_t i = 0; i < plan->n_libs; i++) {
		const struct wa_graft_lib *l = plan->libs[i];
		struct wa_repair_graft *g = &r->grafted[r->n_grafted++];

		g->name = rstr(s, l->needed);
		g->source = rstr(s, l->host_path);
		g->found_by = rstr(s, l->found_by);
		g->member = rstr(s, l->member);
		g->needed_by = wa_arena_alloc(&r->arena, (l->n_needed_by + 1) * sizeof(char *));
		if (!g->needed_by) {
			s->oom = true;
			return;
		}
		for (size_t k = 0; k < l->n_needed_by; k++)
			g->needed_by[g->n_needed_by++] = rstr(s, l->needed_by[k]);
	}
	for (size_t i = 0; i < plan->n_missing; i++)
		r->missing[r->n_missing++] =
			wa_arena_printf(&r->arena, "%s (needed by %s)", plan->missing[i].name,
					plan->missing[i].needed_by);
}

static const char *missing_reason(struct repair_state *s)
{
	struct wa_buf t = {0};
	const char *out;

	wa_buf_str(&t, s->plan->n_missing == 1 ? "a needed library was not found: "
					       : "needed libraries were not found: ");
	for (size_t i = 0; i < s->r->n_missing && i < 20; i++) {
		if (i)
			wa_buf_str(&t, ", ");
		wa_buf_str(&t, s->r->missing[i]);
	}
	if (s->r->n_missing > 20) {
		char more[64];

		/* the JSON "missing" list has them all */
		snprintf(more, sizeof(more), " and %zu more", s->r->n_missing - 20);
		wa_buf_str(&t, more);
	}
	wa_buf_str(&t, " (searched as the loader would; --ldpaths or "
		       "WHEELAUDIT_LD_LIBRARY_PATH add places, --exclude leaves it out)");
	out = t.oom ? NULL : rstr(s, t.data);
	free(t.data);
	return out ? out : "a needed library was not found";
}

/* Why the wheel with its grafts meets no (target) policy, naming the
 * grafted libraries whose own symbol versions hold it back. */
static const char *graft_rejection_reason(struct repair_state *s, const struct wa_audit *second)
{
	struct wa_buf t = {0};
	size_t prefix = strlen(s->plan->libs_dir), named = 0;
	const char *out;

	wa_buf_str(&t, "with the grafted libraries: ");
	wa_buf_str(&t, second->reason ? second->reason : "no policy is met");
	for (size_t i = 0; i < second->n_symbols && named < 3; i++) {
		const struct wa_symbol_row *row = second->symbols[i];
		bool seen = false;

		if (strncmp(row->member, s->plan->libs_dir, prefix) != 0 ||
		    row->member[prefix] != '/')
			continue;
		for (size_t k = 0; k < i; k++)
			seen |= strcmp(second->symbols[k]->member, row->member) == 0;
		if (seen)
			continue;
		wa_buf_str(&t, named++ ? ", " : "; held back by grafted ");
		wa_buf_str(&t, row->member);
		wa_buf_str(&t, " (");
		wa_buf_str(&t, row->version);
		if (row->symbol) {
			wa_buf_str(&t, " ");
			wa_buf_str(&t, row->symbol);
		}
		wa_buf_str(&t, ")");
	}
	out = t.oom ? NULL : rstr(s, t.data);
	free(t.data);
	return out ? out : "out of memory";
}

/*
 * Plans the grafts and audits the wheel as it will be.  Afterwards
 * s->audit is that second audit (r->audit too), so tags, reports and
 * rejections account for the grafted libraries.  Sets *rejected when
 * the wheel cannot be repaired (the reason is in r).
 */
static int plan_grafts(struct repair_state *s, bool *rejected, struct wa_error *err)
{
	struct wa_ld_config *cfg = NULL;
	struct wa_audit_graft *grafts = NULL;
	struct wa_audit *second = NULL;
	int rc = wa_ld_config_load(&cfg, &s->opt->ld, err);

	*rejected = false;
	if (!rc)
		rc = wa_graft_plan_build(&s->plan, s->audit, &s->opt->audit, cfg,
					 wa_wheel_filename(s->wheel)->distribution, err);
	wa_ld_config_free(cfg);
	if (rc)
		return rc;
	keep_graft_results(s);
	if (s->oom)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (s->plan->n_missing) {
		*rejected = true;
		reject(s, WA_OUTCOME_NEEDS_GRAFT, missing_reason(s));
		return 0;
	}
	/* patched now: the second audit takes the libraries' ELF data */
	rc = wa_graft_patch_libs(s->plan, &s->opt->audit.elf_limits, err);
	if (rc)
		return rc;
	grafts = calloc(s->plan->n_libs + 1, sizeof(*grafts));
	if (!grafts)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < s->plan->n_libs; i++) {
		struct wa_graft_lib *l = s->plan->libs[i];

		grafts[i].path = l->member;
		grafts[i].provides = l->needed;
		grafts[i].elf = l->elf;
		l->elf = NULL; /* the audit takes it */
	}
	rc = wa_audit_regraft(&second, s->wheel, s->audit, grafts, s->plan->n_libs, &s->opt->audit,
			      err);
	free(grafts);
	if (rc)
		return rc;
	s->first_audit = s->audit;
	s->audit = second;
	s->r->audit = second;
	if (second->outcome != WA_OUTCOME_COMPLIANT) {
		*rejected = true;
		reject(s, second->outcome, graft_rejection_reason(s, second));
	}
	return 0;
}

/* Adds the patched libraries and patches every member that needs one. */
static int apply_grafts(struct repair_state *s, struct wa_error *err)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < s->plan->n_libs; i++) {
		const struct wa_graft_lib *l = s->plan->libs[i];

		rc = add_addition(s, l->member, l->patched, l->patched_size, 0755, NULL);
		if (rc)
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	/* the second audit holds the ELF data now */
	for (size_t i = 0; !rc && i < s->audit->n_members; i++) {
		const struct wa_audit_member *m = &s->audit->members[i];

		if (m->grafted || m->foreign || !wa_graft_member_affected(s->plan, m->elf))
			continue;
		rc = graft_member(s, m, err);
	}
	return rc;
}

/* ===== writing ===== */

static int make_dirs(const char *dir, struct wa_error *err)
{
	char *p = strdup(dir);
	int rc = 0;

	if (!p)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (char *q = p + 1;; q++) {
		bool last = *q == '\0';

		if (*q != '/' && !last)
			continue;
		*q = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			int e = errno;

			rc = wa_error_set(err, WA_EIO, NULL, "cannot create the directory %s: %s",
					  p, strerror(e));
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

/* The time of every rewritten member: SOURCE_DATE_EPOCH, or else the input's
 * WHEEL entry's time (the build's own timestamp). */
static int decide_timestamp(struct repair_state *s, struct wa_error *err)
{
	struct wa_zip_raw wheel_raw;
	int rc;

	if (s->opt->have_source_date_epoch) {
		wa_zipout_dos_time(s->opt->source_date_epoch, &s->dos_time, &s->dos_date);
		return 0;
	}
	rc = wa_zip_raw_entry(wa_wheel_zip(s->wheel), wa_wheel_wheel_member(s->wheel), &wheel_raw,
			      err);
	s->dos_time = wheel_raw.dos_time;
	s->dos_date = wheel_raw.dos_date;
	return rc;
}

static int add_replacement(struct repair_state *s, struct wa_zipout *z,
			   const struct replacement *rep, struct wa_error *err)
{
	struct wa_zip_raw raw;
	struct wa_zipout_meta meta;
	int rc = wa_zip_raw_entry(wa_wheel_zip(s->wheel), rep->member, &raw, err);

	if (rc)
		return rc;
	/* The input's method (deflate for anything we cannot write), mode and host. */
	meta.method = raw.method == 0 ? 0 : 8;
	meta.version_made_by = raw.version_made_by;
	meta.external_attr = raw.external_attr;
	meta.dos_time = s->dos_time;
	meta.dos_date = s->dos_date;
	s->r->rewritten++;
	return wa_zipout_add(z, wa_wheel_member(s->wheel, rep->member)->name, &meta, rep->data,
			     rep->len, err);
}

static int add_additions(struct repair_state *s, struct wa_zipout *z, struct wa_error *err)
{
	for (size_t i = 0; i < s->additions.len; i++) {
		const struct addition *add = s->additions.items[i];
		struct wa_zipout_meta meta = {
			.method = 8,
			.dos_time = s->dos_time,
			.dos_date = s->dos_date,
			.version_made_by = 3 << 8 | 20, /* Unix, zip 2.0 */
			.external_attr = (uint32_t)(S_IFREG | add->mode) << 16,
		};
		int rc = wa_zipout_add(z, add->name, &meta, add->data, add->len, err);

		if (rc)
			return rc;
		s->r->rewritten++;
	}
	return 0;
}

static bool in_dist_info(const struct wa_wheel *w, const char *name)
{
	const char *di = wa_wheel_dist_info(w);
	size_t n = strlen(di);

	return strncmp(name, di, n) == 0 && name[n] == '/';
}

/*
 * Writes the output archive: members in input order, each dropped, replaced
 * or copied raw, with the additions just before the first .dist-info
 * member (the metadata stays last, as the wheel format recommends).  A
 * pure wheel under --allow-pure has no edits at all, so the same loop
 * copies it unchanged.
 */
static int write_archive(struct repair_state *s, const char *output, struct wa_error *err)
{
	struct wa_zipout *z = NULL;
	struct wa_wheel *w = s->wheel;
	bool added = false;
	int rc = wa_zipout_open(&z, output, NULL, err);

	for (size_t i = 0; !rc && i < wa_wheel_member_count(w); i++) {
		if (!added && in_dist_info(w, wa_wheel_member(w, i)->name)) {
			added = true;
			rc = add_additions(s, z, err);
			if (rc)
				break;
		}
		if (s->dropped[i])
			continue;
		if (s->patched && s->patched[i].data) {
			rc = add_replacement(s, z, &s->patched[i], err);
		} else if (s->wheel_file.data && i == s->wheel_file.member) {
			rc = add_replacement(s, z, &s->wheel_file, err);
		} else if (s->record.data && i == s->record.member) {
			rc = add_replacement(s, z, &s->record, err);
		} else {
			rc = wa_zipout_copy(z, wa_wheel_zip(w), i, err);
			s->r->copied++;
		}
	}
	if (!rc && !added)
		rc = add_additions(s, z, err);
	if (!rc)
		rc = wa_zipout_commit(z, err);
	wa_zipout_free(z);
	return rc;
}

static const char *output_name(struct repair_state *s)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);
	const char *dir = s->opt->wheel_dir;
	size_t dl = strlen(dir);

	return wa_arena_printf(&s->r->arena, "%s%s%s-%s%s%s-%s-%s-%s.whl", dir,
			       dl && dir[dl - 1] == '/' ? "" : "/", wn->distribution, wn->version,
			       wn->build ? "-" : "", wn->build ? wn->build : "", wn->python,
			       wn->abi, s->r->tagset);
}

/* Writes the archive at output (in the wheel directory) and records it. */
static int write_output(struct repair_state *s, const char *input, const char *output,
			bool unchanged_copy, struct wa_error *err)
{
	int rc;

	if (!output)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	rc = make_dirs(s->opt->wheel_dir, err);
	if (!rc)
		rc = check_not_input(input, output, err);
	if (!rc)
		rc = write_archive(s, output, err);
	if (rc)
		return rc;
	s->r->output = output;
	s->r->outcome = unchanged_copy ? WA_OUTCOME_COPIED : WA_OUTCOME_REPAIRED;
	return 0;
}

/* The repair proper, once the audit is in. */
static int repair_audited(struct repair_state *s, const char *path, struct wa_error *err)
{
	struct wa_repair *r = s->r;
	const struct wa_audit *a = s->audit;
	int rc = check_record_complete(s, err);

	if (rc)
		return rc;
	if (a->outcome == WA_OUTCOME_PURE) {
		if (!s->opt->audit.allow_pure) {
			reject(s, a->outcome,
			       "pure wheel: nothing to repair (--allow-pure copies it)");
			return 0;
		}
		/* the wheel (and its strings) is freed before r is */
		r->tagset = rstr(s, wa_wheel_filename(s->wheel)->platform);
		return write_output(s, path,
				    wa_arena_printf(&r->arena, "%s/%s", s->opt->wheel_dir,
						    wa_path_base(path)),
				    true, err);
	}
	if (a->outcome == WA_OUTCOME_NEEDS_GRAFT) {
		bool rejected = false;

		rc = plan_grafts(s, &rejected, err);
		if (rc || rejected)
			return rc;
		a = s->audit;
	} else if (a->outcome != WA_OUTCOME_COMPLIANT) {
		reject(s, a->outcome, a->reason ? a->reason : "no policy is met");
		return 0;
	}
	decide_tags(s);
	r->tagset = join_tags(s);
	if (s->oom || !r->tagset)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!s->tags.len) {
		reject(s, WA_OUTCOME_POLICY_VIOLATION, "no policy is met");
		return 0;
	}
	for (size_t i = 0; i < wa_wheel_member_count(s->wheel); i++)
		if (is_signature(s->wheel, wa_wheel_member(s->wheel, i)->name)) {
			s->dropped[i] = true;
			add_note(s, wa_arena_printf(&r->arena,
						    "dropped %s: the signature would not match the "
						    "new RECORD",
						    wa_wheel_member(s->wheel, i)->name));
		}
	rc = s->plan ? apply_grafts(s, err) : 0;
	if (!rc)
		rc = build_wheel_file(s, err);
	if (!rc)
		rc = build_record(s, err);
	if (!rc)
		rc = decide_timestamp(s, err);
	if (rc)
		return rc;
	return write_output(s, path, output_name(s), false, err);
}

int wa_repair_wheel(struct wa_repair **out, const char *path, const struct wa_repair_options *opt,
		    struct wa_error *err)
{
	struct repair_state s = {.opt = opt};
	struct wa_repair *r;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	wa_arena_init(&r->arena);
	s.r = r;
	rc = wa_wheel_open(&s.wheel, path, &opt->audit.limits, err);
	if (!rc)
		rc = wa_audit_run(&s.audit, s.wheel, &opt->audit, err);
	if (!rc) {
		r->audit = s.audit;
		s.dropped = wa_arena_alloc(&r->arena, wa_wheel_member_count(s.wheel) + 1);
		s.patched = calloc(wa_wheel_member_count(s.wheel) + 1, sizeof(*s.patched));
		rc = s.dropped && s.patched ? repair_audited(&s, path, err)
					    : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	if (!rc) {
		r->tags = (const char **)s.tags.items;
		r->n_tags = s.tags.len;
		r->notes = (const char **)s.notes.items;
		r->n_notes = s.notes.len;
		if (s.oom)
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	free(s.wheel_file.data);
	free(s.record.data);
	if (s.patched)
		for (size_t i = 0; i < wa_wheel_member_count(s.wheel); i++)
			free(s.patched[i].data);
	free(s.patched);
	for (size_t i = 0; i < s.additions.len; i++)
		free(((struct addition *)s.additions.items[i])->owned_data);
	wa_graft_plan_free(s.plan);
	wa_audit_free(s.first_audit);
	wa_wheel_free(s.wheel);
	if (rc) {
		wa_repair_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void wa_repair_free(struct wa_repair *r)
{
	if (!r)
		return;
	wa_audit_free(r->audit);
	wa_arena_release(&r->arena);
	free(r);
}
