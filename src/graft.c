/* SPDX-License-Identifier: MIT */
/*
 * The graft plan (see include/wheelaudit/graft.h): find, check, read,
 * name and (on paper) patch the host libraries a wheel needs.
 *
 * Finding is the resolver's (resolve.h): each member's load is replayed
 * with only the names the audit calls external searched, so a wheel
 * member's DT_RPATH/DT_RUNPATH and the DT_RPATH chain of a host library
 * are honoured as the loader honours them.  Legitimate builds point their
 * search paths at the libraries they were linked with, so absolute
 * entries are searched too; what keeps a crafted search path from packing
 * arbitrary files into the output is the check of each candidate: a
 * regular file outside the kernel's pseudo file systems, and a shared
 * library (ET_DYN, no program interpreter unless it has a SONAME).
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "wheelaudit/graft.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/buf.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/path.h"
#include "wheelaudit/resolve.h"
#include "wheelaudit/strmap.h"
#include "wheelaudit/wheel.h"

struct plan_state {
	struct wa_graft_plan *plan;
	const struct wa_audit *a;
	const struct wa_audit_options *opt;
	struct wa_resolver *resolver;
	struct wa_strmap by_name;  /* DT_NEEDED name -> struct wa_graft_lib (or &missing) */
	struct wa_strmap by_ident; /* host file identity -> struct wa_graft_lib */
	struct wa_ptrvec libs, missing;
	const struct wa_elf_info **found; /* per lib: the original file's inspection */
	size_t n_found_cap;
	bool oom;
};

static char missing_marker; /* by_name value of a name already reported missing */

static const char *pstr(struct plan_state *s, const char *str)
{
	char *p = wa_arena_strdup(&s->plan->arena, str);

	if (!p)
		s->oom = true;
	return p;
}

/* ===== names ===== */

/* "libfoo.so.1" + hash -> "libfoo-1a2b3c4d.so.1"; a name without ".so"
 * keeps its whole self as the stem. */
static const char *hashed_name(struct plan_state *s, const char *needed, const char *hex8)
{
	const char *base = wa_path_base(needed);
	const char *so = base;

	while ((so = strstr(so, ".so")) != NULL) {
		if (so[3] == '\0' || so[3] == '.')
			break;
		so += 3;
	}
	if (!so)
		return wa_arena_printf(&s->plan->arena, "%s-%.8s", base, hex8);
	return wa_arena_printf(&s->plan->arena, "%.*s-%.8s%s", (int)(so - base), base, hex8, so);
}

static const char *hex_digest(struct plan_state *s, const uint8_t d[32])
{
	static const char digits[] = "0123456789abcdef";
	char hex[65];

	for (int i = 0; i < 32; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[64] = '\0';
	return pstr(s, hex);
}

/*
 * Only plain file names are searched for grafting.  A DT_NEEDED with a '/'
 * is a path the loader opens as it is: on the build machine it names a
 * file the wheel's author may not even know about (a hostile wheel could
 * point it at any ELF file of this machine), so it is reported as not
 * found rather than copied.  Control bytes and non-names have no place in
 * a member name.
 */
static bool graftable_name(const char *needed)
{
	if (!*needed || strcmp(needed, ".") == 0 || strcmp(needed, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)needed; *p; p++)
		if (*p == '/' || *p == '\\' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/* ===== recording ===== */

static void add_needed_by(struct plan_state *s, struct wa_graft_lib *l, const char *who)
{
	for (size_t i = 0; i < l->n_needed_by; i++)
		if (strcmp(l->needed_by[i], who) == 0)
			return;
	if (l->n_needed_by == l->needed_by_cap) {
		size_t cap = l->needed_by_cap ? 2 * l->needed_by_cap : 4;
		const char **by = wa_arena_alloc(&s->plan->arena, cap * sizeof(*by));

		if (!by) {
			s->oom = true;
			return;
		}
		if (l->n_needed_by)
			memcpy(by, l->needed_by, l->n_needed_by * sizeof(*by));
		l->needed_by = by;
		l->needed_by_cap = cap;
	}
	l->needed_by[l->n_needed_by++] = who;
}

/* Records a library that is not grafted, once, naming the first member that needs it. */
static void add_missing(struct plan_state *s, const char *name, const char *who, const char *reason)
{
	struct wa_graft_missing *m;

	if (wa_strmap_get(&s->by_name, name))
		return;
	m = wa_arena_alloc(&s->plan->arena, sizeof(*m));
	if (!m || wa_ptrvec_push(&s->plan->arena, &s->missing, m) || !(m->name = pstr(s, name)) ||
	    !(m->needed_by = pstr(s, who)) || (reason && !(m->reason = pstr(s, reason))) ||
	    wa_strmap_put(&s->plan->arena, &s->by_name, m->name, &missing_marker))
		s->oom = true;
}

/* ===== candidates ===== */

static bool on_pseudo_fs(const char *path)
{
	static const char *const pseudo[] = {"/proc/", "/sys/", "/dev/"};

	for (size_t i = 0; path && i < sizeof(pseudo) / sizeof(pseudo[0]); i++)
		if (strncmp(path, pseudo[i], strlen(pseudo[i])) == 0)
			return true;
	return false;
}

/*
 * Why a file found for a needed name is not grafted, or NULL when it is a
 * shared library to graft.  shown is the path as found ("." and ".."
 * folded), real the same with symbolic links resolved: both are checked,
 * as /proc/self/exe resolves to a path outside /proc.
 */
static const char *refusal(const char *shown, const char *real, const struct stat *st,
			   const struct wa_elf_info *e, const char *problem)
{
	if (on_pseudo_fs(shown) || on_pseudo_fs(real))
		return "it lies on a pseudo file system";
	if (!S_ISREG(st->st_mode))
		return "it is not a regular file";
	if (!e)
		return problem ? problem : "it cannot be inspected";
	if (e->type != ET_DYN)
		return e->type == ET_EXEC ? "it is an executable, not a shared library"
					  : "it is not a shared library (ELF type)";
	/* A PIE program is ET_DYN too; some libraries (libc, libcap) carry a
	 * PT_INTERP so they can be run, but they have a SONAME. */
	if (e->interp && !e->soname)
		return "it is a program (PT_INTERP and no DT_SONAME), not a shared library";
	/* a static-pie program has neither PT_INTERP nor DT_NEEDED, but the
	 * linker marks every position-independent program */
	if (e->pie)
		return "it is a program (DF_1_PIE), not a shared library";
	return NULL;
}

/* Maps the file at real (checked against the identity recorded), hashes it. */
static int hash_file(struct plan_state *s, struct wa_graft_lib *l, const char *real,
		     struct wa_error *err)
{
	struct wa_sha256 h;
	uint8_t d[32];
	struct stat st;
	void *map = MAP_FAILED;
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK), rc = 0;

	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return wa_error_set(err, WA_EIO, real, "cannot read the library %s: %s", real,
				    wa_strerror(e));
	}
	if ((uint64_t)st.st_size > s->opt->limits.max_member_bytes) {
		close(fd);
		return wa_error_set(err, WA_ELIMIT, real,
				    "the library %s is larger than --max-member-size", real);
	}
	if (st.st_size > 0)
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (st.st_size > 0 && map == MAP_FAILED)
		return wa_error_set(err, WA_EIO, real, "cannot read the library %s: %s", real,
				    wa_strerror(errno));
	l->file.dev = (uint64_t)st.st_dev;
	l->file.ino = (uint64_t)st.st_ino;
	l->file.size = (uint64_t)st.st_size;
	l->file.mtime_sec = (int64_t)st.st_mtim.tv_sec;
	l->file.mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
	if (wa_sha256_init(&h))
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!rc) {
		wa_sha256_update(&h, st.st_size > 0 ? map : "", (size_t)st.st_size);
		wa_sha256_final(&h, d);
		l->sha256 = hex_digest(s, d);
	}
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	return rc;
}

/* A host object found for a name: recorded as a library to graft, or refused. */
static int take_host(struct plan_state *s, const struct wa_load_node *node, const char *name,
		     const char *who, struct wa_error *err)
{
	struct wa_graft_lib *l = wa_strmap_get(&s->by_ident, node->ident);
	const char *why, *shown;
	struct stat st;
	int rc;

	if (l) { /* the same file under another name: one copy serves both */
		if (!wa_strmap_get(&s->by_name, name) &&
		    wa_strmap_put(&s->plan->arena, &s->by_name, pstr(s, name), l))
			s->oom = true;
		add_needed_by(s, l, who);
		return 0;
	}
	if (stat(node->ident, &st) != 0)
		memset(&st, 0, sizeof(st));
	shown = wa_path_normalise(&s->plan->arena, node->path, false, NULL);
	why = refusal(shown ? shown : node->path, node->ident, &st, node->elf, node->problem);
	if (why) {
		char reason[1024];

		snprintf(reason, sizeof(reason), "%s was found but %s", shown ? shown : node->path,
			 why);
		add_missing(s, name, who, reason);
		return 0;
	}
	l = wa_arena_alloc(&s->plan->arena, sizeof(*l));
	if (!l)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	l->needed = pstr(s, name);
	l->file.path = pstr(s, node->path);
	l->file.display = wa_path_normalise(&s->plan->arena, node->path, false, NULL);
	if (!l->file.display)
		s->oom = true;
	l->found_by = node->found_by;
	rc = hash_file(s, l, node->ident, err);
	if (rc)
		return rc;
	l->new_name = l->sha256 ? hashed_name(s, name, l->sha256) : NULL;
	l->member = l->new_name ? wa_arena_printf(&s->plan->arena, "%s/%s", s->plan->libs_dir,
						  l->new_name)
				: NULL;
	/* the copy's name must pass the rules every member name passes, or the
	 * output would be a wheel wheelaudit itself refuses */
	if (l->member && (why = wa_member_name_problem(l->member)) != NULL) {
		char reason[600];

		snprintf(reason, sizeof(reason), "its member name would be %s", why);
		add_missing(s, name, who, reason);
		return 0;
	}
	if (s->oom || !l->member || wa_ptrvec_push(&s->plan->arena, &s->libs, l) ||
	    wa_strmap_put(&s->plan->arena, &s->by_name, l->needed, l) ||
	    wa_strmap_put(&s->plan->arena, &s->by_ident, pstr(s, node->ident), l))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (s->libs.len > s->n_found_cap) {
		size_t cap = 2 * s->libs.len;
		const struct wa_elf_info **f = wa_arena_alloc(&s->plan->arena, cap * sizeof(*f));

		if (!f)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		if (s->found)
			memcpy(f, s->found, (s->libs.len - 1) * sizeof(*f));
		s->found = f;
		s->n_found_cap = cap;
	}
	s->found[s->libs.len - 1] = node->elf;
	add_needed_by(s, l, who);
	return 0;
}

/* ===== walking the loads ===== */

struct walk_ctx {
	struct plan_state *s;
	const char *root; /* the member whose load this is */
};

/* Only the names the audit calls external are searched (and reported). */
static bool want(void *ctx, const struct wa_load_node *from, const char *needed)
{
	struct walk_ctx *w = ctx;

	(void)from;
	if (!wa_audit_is_external(w->s->a, w->s->opt, needed))
		return false;
	if (!graftable_name(needed)) {
		add_missing(w->s, needed, w->root,
			    "a DT_NEEDED path is opened as it is, never copied from the build "
			    "machine");
		return false;
	}
	return true;
}

/* A host library found for an external name brings its own dependencies. */
static bool descend(void *ctx, const struct wa_load_node *node)
{
	(void)ctx;
	return node->member < 0;
}

/* Who needs a library, as the plan names it: a member, or a grafted copy's member. */
static const char *needer(struct plan_state *s, const struct wa_load_node *from)
{
	const struct wa_graft_lib *l;

	if (from->member >= 0)
		return from->path;
	l = wa_strmap_get(&s->by_ident, from->ident);
	return l ? l->member : from->path;
}

static int plan_member(struct plan_state *s, size_t index, const char *path, struct wa_error *err)
{
	struct walk_ctx w = {s, path};
	struct wa_load_filter filter = {want, descend, &w};
	struct wa_load *load = NULL;
	int rc = wa_resolver_load_member(&load, s->resolver, index, &filter, err);

	for (size_t i = 0; !rc && i < (load ? load->n_nodes : 0); i++) {
		const struct wa_load_node *o = load->nodes[i];

		/* a node refused as a candidate is no library of the plan: its
		 * own needs do not count */
		if (i > 0 && o->member < 0 && !wa_strmap_get(&s->by_ident, o->ident))
			continue;
		for (size_t k = 0; !rc && k < o->n_edges; k++) {
			const struct wa_load_edge *e = &o->edges[k];
			const char *who = needer(s, o);
			struct wa_graft_lib *known;

			if (e->skipped || (e->target && e->target->member >= 0))
				continue; /* not external, or the wheel provides it */
			known = wa_strmap_get(&s->by_name, e->name);
			if (known == (void *)&missing_marker)
				continue;
			if (known) {
				add_needed_by(s, known, who);
				continue;
			}
			if (!e->target)
				add_missing(s, e->name, who, NULL);
			else
				rc = take_host(s, e->target, e->name, who, err);
		}
	}
	wa_load_free(load);
	return rc ? rc : s->oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory") : 0;
}

/* ===== the copies' edits ===== */

/* One rename per DT_NEEDED with a grafted stand-in (each name once). */
static size_t collect_renames(const struct wa_graft_plan *plan, const struct wa_elf_info *e,
			      struct wa_elf_rename *r)
{
	size_t n = 0;

	for (size_t i = 0; i < e->n_needed; i++) {
		const struct wa_graft_lib *l = wa_graft_find(plan, e->needed[i]);
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= strcmp(r[k].from, e->needed[i]) == 0;
		if (l && !seen) {
			r[n].from = e->needed[i];
			r[n].to = l->new_name;
			n++;
		}
	}
	return n;
}

/*
 * Each copy's edit (SONAME = its new name, grafted dependencies renamed,
 * DT_RPATH $ORIGIN where it searched anywhere), tried on the file so the
 * plan is known to be doable, and the patched copy inspected for the
 * second audit.  The bytes are not kept: the writer patches again.
 */
static int plan_copies(struct plan_state *s, struct wa_error *err)
{
	struct wa_graft_plan *plan = s->plan;

	for (size_t i = 0; i < plan->n_libs; i++) {
		struct wa_graft_lib *l = plan->libs[i];
		const struct wa_elf_info *orig = s->found[i];
		struct wa_elf_rename *r =
			wa_arena_alloc(&plan->arena, (orig->n_needed + 1) * sizeof(*r));
		void *patched = NULL;
		size_t patched_size = 0;
		int rc;

		if (!r)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		l->edit.soname = l->new_name;
		l->edit.renames = r;
		l->edit.n_renames = collect_renames(plan, orig, r);
		/* orig belongs to the resolver, freed with it: the plan keeps copies */
		for (size_t k = 0; k < l->edit.n_renames; k++)
			if (!(r[k].from = pstr(s, r[k].from)))
				return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		/* the copies live side by side: $ORIGIN finds the grafted ones, and a
		 * search path that pointed at the build machine must not survive */
		if (l->edit.n_renames || orig->n_rpath || orig->n_runpath)
			l->edit.rpath = "$ORIGIN";
		l->edit.as_runpath = plan->runpath;
		/* read, then patched over itself: the library is held once */
		rc = wa_host_file_read(&l->file, &patched, &patched_size, err);
		if (!rc)
			rc = wa_elf_patch_in_place(&patched, &patched_size, &l->edit, l->member,
						   err);
		if (!rc)
			rc = wa_elf_inspect_limited(&l->elf, patched, patched_size, l->member,
						    &s->opt->elf_limits, err);
		free(patched);
		if (rc)
			return rc;
	}
	return 0;
}

/* Reads a host library whole, refusing one that is no longer the file
 * recorded (another inode, size or time: it changed since it was found). */
int wa_host_file_read(const struct wa_host_file *f, void **out, size_t *len, struct wa_error *err)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char *data;
	size_t done = 0;

	*out = NULL;
	*len = 0;
	if (fd < 0 || fstat(fd, &st) != 0) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return wa_error_set(err, WA_EIO, f->path, "cannot read the library %s: %s", f->path,
				    wa_strerror(e));
	}
	if ((uint64_t)st.st_dev != f->dev || (uint64_t)st.st_ino != f->ino ||
	    (uint64_t)st.st_size != f->size || (int64_t)st.st_mtim.tv_sec != f->mtime_sec ||
	    (int64_t)st.st_mtim.tv_nsec != f->mtime_nsec) {
		close(fd);
		return wa_error_set(err, WA_EIO, f->path,
				    "the library %s changed while the repair ran", f->path);
	}
	data = malloc((size_t)f->size + 1);
	if (!data) {
		close(fd);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	while (done < f->size) {
		ssize_t n = read(fd, data + done, (size_t)f->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : 0;

			free(data);
			close(fd);
			return wa_error_set(err, WA_EIO, f->path, "cannot read the library %s: %s",
					    f->path, e ? wa_strerror(e) : "it got shorter");
		}
		done += (size_t)n;
	}
	close(fd);
	*out = data;
	*len = done;
	return 0;
}

int wa_graft_plan_build(struct wa_graft_plan **out, const struct wa_audit *a,
			const struct wa_audit_options *opt, const struct wa_ld_config *cfg,
			const char *libs_dir, struct wa_error *err)
{
	struct wa_graft_plan *plan = calloc(1, sizeof(*plan));
	struct plan_state s = {.plan = plan, .a = a, .opt = opt};
	struct wa_resolver_member *members = NULL;
	int rc = 0;

	*out = NULL;
	if (!plan)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	plan->libs_dir = wa_arena_strdup(&plan->arena, libs_dir);
	members = calloc(a->n_members + 1, sizeof(*members));
	if (!plan->libs_dir || !members)
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	/* a member of another architecture provides nothing to the others */
	for (size_t i = 0; !rc && i < a->n_members; i++)
		if (!a->members[i].foreign && !a->members[i].grafted)
			members[i] = (struct wa_resolver_member){a->members[i].path,
								 a->members[i].elf, NULL};
	/* Android: its loader honours DT_RUNPATH only, and its libraries come
	 * from --ldpaths alone */
	plan->runpath = a->libc == WA_LIBC_BIONIC;
	if (!rc)
		rc = wa_resolver_new(&s.resolver, cfg, members, a->n_members, &opt->elf_limits,
				     err);
	if (!rc && plan->runpath)
		wa_resolver_set_rules(s.resolver, WA_LD_RULES_ANDROID);
	for (size_t i = 0; !rc && i < a->n_members; i++)
		if (members[i].elf)
			rc = plan_member(&s, i, members[i].path, err);
	plan->libs = (struct wa_graft_lib **)s.libs.items;
	plan->n_libs = s.libs.len;
	if (!rc && s.missing.len) {
		plan->missing =
			wa_arena_alloc(&plan->arena, s.missing.len * sizeof(*plan->missing));
		if (!plan->missing)
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		for (size_t i = 0; !rc && i < s.missing.len; i++)
			plan->missing[i] = *(struct wa_graft_missing *)s.missing.items[i];
		plan->n_missing = rc ? 0 : s.missing.len;
	}
	if (!rc && !plan->n_missing)
		rc = plan_copies(&s, err);
	wa_resolver_free(s.resolver);
	free(members);
	if (rc) {
		wa_graft_plan_free(plan);
		return rc;
	}
	*out = plan;
	return 0;
}

void wa_graft_plan_free(struct wa_graft_plan *plan)
{
	if (!plan)
		return;
	for (size_t i = 0; i < plan->n_libs; i++)
		wa_elf_info_free(plan->libs[i]->elf);
	wa_arena_release(&plan->arena);
	free(plan);
}

const struct wa_graft_lib *wa_graft_find(const struct wa_graft_plan *plan, const char *needed)
{
	for (size_t i = 0; i < plan->n_libs; i++)
		if (strcmp(plan->libs[i]->needed, needed) == 0)
			return plan->libs[i];
	return NULL;
}

bool wa_graft_member_affected(const struct wa_graft_plan *plan, const struct wa_elf_info *e)
{
	for (size_t i = 0; i < e->n_needed; i++)
		if (wa_graft_find(plan, e->needed[i]))
			return true;
	return false;
}

/* ===== search paths inside the wheel ===== */

/* "$ORIGIN/<path from from_dir to to_dir>", both normalised in-wheel dirs. */
static void origin_relative(const char *from_dir, const char *to_dir, struct wa_buf *out)
{
	size_t common = 0, i = 0;

	/* the longest shared prefix that ends at a component boundary */
	for (;; i++) {
		bool fend = from_dir[i] == '\0' || from_dir[i] == '/';
		bool tend = to_dir[i] == '\0' || to_dir[i] == '/';

		if (fend && tend)
			common = i;
		if (from_dir[i] != to_dir[i] || !from_dir[i])
			break;
	}
	wa_buf_str(out, "$ORIGIN");
	for (const char *p = from_dir + common; *p;) {
		if (*p == '/')
			p++;
		if (!*p)
			break;
		wa_buf_str(out, "/..");
		while (*p && *p != '/')
			p++;
	}
	if (to_dir[common] == '/')
		common++;
	if (to_dir[common]) {
		wa_buf_str(out, "/");
		wa_buf_str(out, to_dir + common);
	}
}

/* The in-wheel directory an $ORIGIN entry names, or NULL when the entry
 * does not use $ORIGIN or leaves the wheel (*oom set when out of memory). */
static const char *entry_in_wheel(struct wa_arena *a, const char *member_dir, const char *entry,
				  bool *oom)
{
	const char *rest;
	char *joined;

	if (strncmp(entry, "$ORIGIN", 7) == 0)
		rest = entry + 7;
	else if (strncmp(entry, "${ORIGIN}", 9) == 0)
		rest = entry + 9;
	else
		return NULL;
	if (*rest && *rest != '/')
		return NULL;
	joined = wa_arena_printf(a, "%s/%s", member_dir, rest);
	if (!joined) {
		*oom = true;
		return NULL;
	}
	return wa_path_normalise(a, joined, true, oom);
}

int wa_graft_member_edit(const struct wa_graft_plan *plan, const char *installed,
			 const char *new_dir, const struct wa_elf_info *e, struct wa_arena *a,
			 struct wa_elf_edit *edit, struct wa_error *err)
{
	const char *const *entries =
		e->n_runpath ? (const char *const *)e->runpath : (const char *const *)e->rpath;
	size_t n = e->n_runpath ? e->n_runpath : e->n_rpath;
	struct wa_elf_rename *r = wa_arena_alloc(a, (e->n_needed + 1) * sizeof(*r));
	const char *old_dir = wa_path_dir(a, installed);
	struct wa_ptrvec seen = {0};
	struct wa_buf rp = {0};
	bool oom = !r || !old_dir;

	memset(edit, 0, sizeof(*edit));
	if (oom)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	edit->renames = r;
	edit->n_renames = collect_renames(plan, e, r);
	/* kept in-wheel entries (re-expressed from the new directory), then the
	 * libs dir, each once */
	for (size_t i = 0; i <= n && !oom; i++) {
		const char *target =
			i < n ? entry_in_wheel(a, old_dir, entries[i], &oom) : plan->libs_dir;
		struct wa_buf rel = {0};
		bool dup = false;

		if (!target)
			continue;
		origin_relative(new_dir, target, &rel);
		wa_buf_add(&rel, "", 1);
		for (size_t k = 0; !rel.oom && k < seen.len; k++)
			dup |= strcmp(seen.items[k], rel.data) == 0;
		if (!rel.oom && !dup) {
			char *copy = wa_arena_strdup(a, rel.data);

			oom = !copy || wa_ptrvec_push(a, &seen, copy);
		}
		if (rel.oom)
			oom = true;
		else if (!dup && !oom) {
			if (rp.len)
				wa_buf_str(&rp, ":");
			wa_buf_str(&rp, rel.data);
		}
		wa_buf_release(&rel);
	}
	wa_buf_add(&rp, "", 1);
	edit->rpath = oom || rp.oom ? NULL : wa_arena_strdup(a, rp.data);
	edit->as_runpath = plan->runpath;
	wa_buf_release(&rp);
	return edit->rpath ? 0 : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
}
