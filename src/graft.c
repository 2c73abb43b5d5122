/* SPDX-License-Identifier: MIT */
/*
 * The graft plan (see include/wheelaudit/graft.h): resolve, read, name
 * and patch the host libraries a wheel needs.
 *
 * Resolution follows the loader's rules for the object that asks: a wheel
 * member searches its own DT_RPATH/DT_RUNPATH (entries with $ORIGIN point
 * inside the wheel, which the audit already covered, so they are skipped
 * here), then the system; a host library searches with its own directory
 * as $ORIGIN and inherits the DT_RPATH chain of whoever loaded it, as
 * ld.so does.
 */
#define _GNU_SOURCE /* memrchr */
#include "wheelaudit/graft.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/elfpatch.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/buf.h"
#include "wheelaudit/path.h"

struct plan_state {
	struct wa_graft_plan *plan;
	const struct wa_audit *a;
	const struct wa_audit_options *opt;
	const struct wa_ld_config *cfg;
	struct wa_ptrvec libs, missing;
	const char **in_wheel; /* sorted names the wheel's own members provide */
	size_t n_in_wheel;
	bool oom;
};

static const char *pstr(struct plan_state *s, const char *str)
{
	char *p = wa_arena_strdup(&s->plan->arena, str);

	if (!p)
		s->oom = true;
	return p;
}

static int compare_strings(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ===== names ===== */

/* "libfoo.so.1" + hash -> "libfoo-1a2b3c4d.so.1"; a name without ".so"
 * keeps its whole self as the stem. */
static const char *hashed_name(struct plan_state *s, const char *needed, const char hex8[9])
{
	const char *base = wa_path_base(needed);
	const char *so = base;

	while ((so = strstr(so, ".so")) != NULL) {
		if (so[3] == '\0' || so[3] == '.')
			break;
		so += 3;
	}
	if (!so)
		return wa_arena_printf(&s->plan->arena, "%s-%s", base, hex8);
	return wa_arena_printf(&s->plan->arena, "%.*s-%s%s", (int)(so - base), base, hex8, so);
}

static void sha256_hex8(const void *bytes, size_t size, char out[9])
{
	static const char digits[] = "0123456789abcdef";
	struct wa_sha256 h;
	uint8_t d[32];

	memset(d, 0, sizeof(d));
	if (wa_sha256_init(&h) == 0) {
		wa_sha256_update(&h, bytes, size);
		wa_sha256_final(&h, d);
	}
	for (int i = 0; i < 4; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[8] = '\0';
}

/* ===== reading a host library ===== */

static int read_host_file(const char *path, uint64_t max, void **out, size_t *size,
			  struct wa_error *err)
{
	struct stat st;
	size_t done = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	*out = NULL;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		return wa_error_set(err, WA_EIO, path, "cannot read the library %s: %s", path,
				    fd >= 0 && e == 0 ? "not a regular file" : strerror(e));
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return wa_error_set(err, WA_ELIMIT, path,
				    "the library %s is larger than --max-member-bytes", path);
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return wa_error_set(err, WA_EIO, path, "cannot read the library %s: %s",
					    path, strerror(e));
		}
		done += (size_t)n;
	}
	close(fd);
	*out = buf;
	*size = done;
	return 0;
}

/* ===== the search requests ===== */

static void request_arch(struct wa_ld_request *req, const struct wa_elf_info *e)
{
	memset(req, 0, sizeof(*req));
	req->elf_class = e->elf_class;
	req->data = e->data;
	req->machine = e->machine;
	req->flags = e->flags;
}

/* Expands an object's DT_RPATH entries (none when it has DT_RUNPATH, which
 * disables them) for origin, skipping those that cannot be expanded. */
static int expand_own_rpath(struct plan_state *s, const struct wa_ld_request *req,
			    const struct wa_elf_info *e, struct wa_ptrvec *into,
			    struct wa_error *err)
{
	if (e->n_runpath)
		return 0;
	for (size_t i = 0; i < e->n_rpath; i++) {
		bool skip = false;
		char *x = wa_ld_expand_with(s->cfg, req, e->rpath[i], &skip, err);

		if (!x) {
			if (skip)
				continue;
			return -WA_ENOMEM;
		}
		if (!*x) {
			free(x);
			continue;
		}
		if (wa_ptrvec_push(&s->plan->arena, into, (void *)pstr(s, x)))
			s->oom = true;
		free(x);
	}
	return s->oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory") : 0;
}

static struct wa_graft_lib *find_lib(struct plan_state *s, const char *needed)
{
	for (size_t i = 0; i < s->libs.len; i++) {
		struct wa_graft_lib *l = s->libs.items[i];

		if (strcmp(l->needed, needed) == 0)
			return l;
	}
	return NULL;
}

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

/* Records a library no search found, once (naming the first member that
 * needs it), however many members need it. */
static void add_missing(struct plan_state *s, const char *name, const char *who)
{
	struct wa_graft_missing *m;

	for (size_t i = 0; i < s->missing.len; i++)
		if (strcmp(((struct wa_graft_missing *)s->missing.items[i])->name, name) == 0)
			return;
	m = wa_arena_alloc(&s->plan->arena, sizeof(*m));

	if (!m || wa_ptrvec_push(&s->plan->arena, &s->missing, m)) {
		s->oom = true;
		return;
	}
	m->name = pstr(s, name);
	m->needed_by = pstr(s, who);
}

/*
 * Only plain file names are searched for grafting.  A DT_NEEDED with a '/'
 * is a path the loader opens as it is: on the build machine it names a
 * file the wheel's author may not even know about (a hostile wheel could
 * point it at any ELF file of this machine), so it is reported as not
 * found rather than copied.  Control bytes have no place in a member name.
 */
static bool graftable_name(const char *needed)
{
	if (!*needed || strcmp(needed, ".") == 0 || strcmp(needed, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)needed; *p; p++)
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

/*
 * Finds needed for the requester and, when found, reads and inspects it and
 * adds it to the plan with the DT_RPATH chain its own dependencies inherit
 * (its own DT_RPATH, then the requester's chain).
 */
static int plan_library(struct plan_state *s, const struct wa_ld_request *req,
			const char *const *parent_chain, size_t n_parent_chain, const char *needed,
			const char *who, struct wa_error *err)
{
	struct wa_graft_lib *l = find_lib(s, needed);
	struct wa_ld_request own;
	struct wa_ptrvec chain = {0};
	const char *why = NULL;
	char *path = NULL, hex[9], *dir;
	int rc;

	if (l) {
		add_needed_by(s, l, who);
		return 0;
	}
	if (!graftable_name(needed)) {
		add_missing(s, needed, who);
		return 0;
	}
	rc = wa_ld_find(s->cfg, req, needed, &path, &why, err);
	if (rc)
		return rc;
	if (!path) {
		add_missing(s, needed, who);
		return 0;
	}
	l = wa_arena_alloc(&s->plan->arena, sizeof(*l));
	if (!l) {
		free(path);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	memset(l, 0, sizeof(*l));
	l->needed = pstr(s, needed);
	l->host_path = pstr(s, path);
	l->found_by = why ? why : "search";
	free(path);
	if (s->oom || wa_ptrvec_push(&s->plan->arena, &s->libs, l))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	add_needed_by(s, l, who);
	rc = read_host_file(l->host_path, s->opt->limits.max_member_bytes, &l->bytes, &l->size,
			    err);
	if (!rc)
		rc = wa_elf_inspect_limited(&l->elf, l->bytes, l->size, l->host_path,
					    &s->opt->elf_limits, err);
	if (rc)
		return rc;
	sha256_hex8(l->bytes, l->size, hex);
	l->new_name = hashed_name(s, needed, hex);
	l->member = wa_arena_printf(&s->plan->arena, "%s/%s", s->plan->libs_dir,
				    l->new_name ? l->new_name : "");
	/* its dependencies see it at its own directory, and inherit its chain */
	request_arch(&own, l->elf);
	dir = wa_arena_strdup(&s->plan->arena, l->host_path);
	if (!dir || !l->new_name || !l->member)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (strrchr(dir, '/'))
		*strrchr(dir, '/') = '\0';
	own.origin = *dir ? dir : "/";
	rc = expand_own_rpath(s, &own, l->elf, &chain, err);
	for (size_t i = 0; !rc && i < n_parent_chain; i++)
		if (wa_ptrvec_push(&s->plan->arena, &chain, (void *)parent_chain[i]))
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	l->rpath_chain = (const char **)chain.items;
	l->n_rpath_chain = chain.len;
	return rc;
}

static bool in_wheel(const struct plan_state *s, const char *name)
{
	return s->n_in_wheel && bsearch(&name, s->in_wheel, s->n_in_wheel, sizeof(*s->in_wheel),
					compare_strings) != NULL;
}

/* Names the wheel's own members answer to: file names and SONAMEs. */
static int collect_in_wheel(struct plan_state *s, struct wa_error *err)
{
	const struct wa_audit *a = s->a;
	size_t n = 0;

	s->in_wheel = wa_arena_alloc(&s->plan->arena, (2 * a->n_members + 1) * sizeof(char *));
	if (!s->in_wheel)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < a->n_members; i++) {
		const struct wa_audit_member *m = &a->members[i];

		if (m->foreign || !m->elf)
			continue;
		s->in_wheel[n++] = wa_path_base(m->path);
		if (m->elf->soname)
			s->in_wheel[n++] = m->elf->soname;
	}
	qsort(s->in_wheel, n, sizeof(*s->in_wheel), compare_strings);
	s->n_in_wheel = n;
	return 0;
}

static int compare_member_paths(const void *x, const void *y)
{
	const struct wa_audit_member *const *a = x, *const *b = y;

	return strcmp((*a)->path, (*b)->path);
}

/* The audit's members sorted by path, so each needed_by entry is found by
 * bisection (a wheel may have many members needing one library). */
static const struct wa_audit_member **members_by_path(struct plan_state *s, size_t *n)
{
	const struct wa_audit *a = s->a;
	const struct wa_audit_member **v =
		wa_arena_alloc(&s->plan->arena, (a->n_members + 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < a->n_members; i++)
		if (a->members[i].elf)
			v[(*n)++] = &a->members[i];
	qsort(v, *n, sizeof(*v), compare_member_paths);
	return v;
}

static const struct wa_audit_member *member_by_path(const struct wa_audit_member **sorted, size_t n,
						    const char *path)
{
	struct wa_audit_member key = {.path = path};
	const struct wa_audit_member *k = &key, **hit;

	hit = n ? bsearch(&k, sorted, n, sizeof(*sorted), compare_member_paths) : NULL;
	return hit ? *hit : NULL;
}

/* The wheel's external libraries, each resolved for the members that need it. */
static int plan_externals(struct plan_state *s, struct wa_error *err)
{
	const struct wa_audit *a = s->a;
	size_t n_sorted;
	const struct wa_audit_member **sorted = members_by_path(s, &n_sorted);

	if (!sorted)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < a->n_externals; i++) {
		const struct wa_external *x = a->externals[i];

		for (size_t k = 0; k < x->n_needed_by; k++) {
			const struct wa_audit_member *m =
				member_by_path(sorted, n_sorted, x->needed_by[k]);
			struct wa_graft_lib *known = find_lib(s, x->name);
			struct wa_ld_request req;
			struct wa_ptrvec chain = {0};
			int rc;

			if (!m)
				continue;
			if (known) { /* found for an earlier member: one copy serves all */
				add_needed_by(s, known, m->path);
				continue;
			}
			request_arch(&req, m->elf);
			rc = expand_own_rpath(s, &req, m->elf, &chain, err);
			req.rpath = (const char *const *)chain.items;
			req.n_rpath = chain.len;
			req.runpath = (const char *const *)m->elf->runpath;
			req.n_runpath = m->elf->n_runpath;
			if (!rc)
				rc = plan_library(s, &req, req.rpath, req.n_rpath, x->name, m->path,
						  err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* Then the planned libraries' own external dependencies (the list grows
 * while it is walked; each name is planned once). */
static int plan_dependencies(struct plan_state *s, struct wa_error *err)
{
	for (size_t i = 0; i < s->libs.len; i++) {
		struct wa_graft_lib *l = s->libs.items[i];
		const struct wa_elf_info *e = l->elf;

		for (size_t k = 0; k < e->n_needed; k++) {
			const char *n = e->needed[k];
			struct wa_ld_request req;
			char *dir;
			int rc;

			if (in_wheel(s, n) || !wa_audit_is_external(s->a, s->opt, n))
				continue;
			request_arch(&req, e);
			dir = wa_arena_strdup(&s->plan->arena, l->host_path);
			if (!dir)
				return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
			if (strrchr(dir, '/'))
				*strrchr(dir, '/') = '\0';
			req.origin = *dir ? dir : "/";
			req.rpath = l->rpath_chain;
			req.n_rpath = l->n_rpath_chain;
			req.runpath = (const char *const *)e->runpath;
			req.n_runpath = e->n_runpath;
			rc = plan_library(s, &req, l->rpath_chain, l->n_rpath_chain, n, l->member,
					  err);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int wa_graft_plan_build(struct wa_graft_plan **out, const struct wa_audit *a,
			const struct wa_audit_options *opt, const struct wa_ld_config *cfg,
			const char *dist, struct wa_error *err)
{
	struct wa_graft_plan *plan = calloc(1, sizeof(*plan));
	struct plan_state s = {.plan = plan, .a = a, .opt = opt, .cfg = cfg};
	int rc;

	*out = NULL;
	if (!plan)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	wa_arena_init(&plan->arena);
	plan->libs_dir = wa_arena_printf(&plan->arena, "%s.libs", dist);
	rc = plan->libs_dir ? collect_in_wheel(&s, err)
			    : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!rc)
		rc = plan_externals(&s, err);
	if (!rc)
		rc = plan_dependencies(&s, err);
	plan->libs = (struct wa_graft_lib **)s.libs.items;
	plan->n_libs = s.libs.len;
	plan->n_missing = s.missing.len;
	if (!rc && s.missing.len) {
		plan->missing =
			wa_arena_alloc(&plan->arena, s.missing.len * sizeof(*plan->missing));
		if (!plan->missing)
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		for (size_t i = 0; !rc && i < s.missing.len; i++)
			plan->missing[i] = *(struct wa_graft_missing *)s.missing.items[i];
	}
	if (!rc && s.oom)
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
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
	for (size_t i = 0; i < plan->n_libs; i++) {
		free(plan->libs[i]->bytes);
		free(plan->libs[i]->patched);
		wa_elf_info_free(plan->libs[i]->elf);
	}
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

/* ===== patching ===== */

/* The renames an object needs: one per DT_NEEDED with a grafted stand-in. */
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

bool wa_graft_member_affected(const struct wa_graft_plan *plan, const struct wa_elf_info *e)
{
	for (size_t i = 0; i < e->n_needed; i++)
		if (wa_graft_find(plan, e->needed[i]))
			return true;
	return false;
}

int wa_graft_patch_libs(struct wa_graft_plan *plan, const struct wa_elf_limits *limits,
			struct wa_error *err)
{
	for (size_t i = 0; i < plan->n_libs; i++) {
		struct wa_graft_lib *l = plan->libs[i];
		struct wa_elf_rename *r = calloc(l->elf->n_needed + 1, sizeof(*r));
		struct wa_elf_edit edit = {.soname = l->new_name};
		int rc;

		if (!r)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		edit.renames = r;
		edit.n_renames = collect_renames(plan, l->elf, r);
		/* the copies live side by side: $ORIGIN finds the grafted ones, and a
		 * search path that pointed at the build machine must not survive */
		if (edit.n_renames || l->elf->n_rpath || l->elf->n_runpath)
			edit.rpath = "$ORIGIN";
		rc = wa_elf_patch(&l->patched, &l->patched_size, l->bytes, l->size, &edit,
				  l->member, err);
		free(r);
		if (rc)
			return rc;
		/* the patched copy is all that is written: a large library is held once */
		free(l->bytes);
		l->bytes = NULL;
		/* and what the second audit judges (and reports) is that copy */
		wa_elf_info_free(l->elf);
		l->elf = NULL;
		rc = wa_elf_inspect_limited(&l->elf, l->patched, l->patched_size, l->member, limits,
					    err);
		if (rc)
			return rc;
	}
	return 0;
}

/* ===== search paths inside the wheel ===== */

/*
 * Normalises dir + "/" + rel (both inside the wheel, "" is the root) into
 * out.  Returns false when the result would leave the wheel.
 */
static bool join_in_wheel(const char *dir, const char *rel, struct wa_buf *out)
{
	struct wa_buf parts = {0};
	char *joined, *save = NULL;
	bool ok = true;

	wa_buf_str(&parts, dir);
	wa_buf_str(&parts, "/");
	wa_buf_str(&parts, rel);
	wa_buf_add(&parts, "", 1);
	if (parts.oom) {
		wa_buf_release(&parts);
		return false;
	}
	joined = (char *)parts.data;
	for (char *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0) {
			char *slash;

			if (!out->len) {
				ok = false;
				break;
			}
			slash = memrchr(out->data, '/', out->len);
			out->len = slash ? (size_t)(slash - (char *)out->data) : 0;
			continue;
		}
		if (out->len)
			wa_buf_str(out, "/");
		wa_buf_str(out, c);
	}
	/* terminate at len (".." may have cut it), and have data even when empty */
	wa_buf_add(out, "", 1);
	out->len--;
	wa_buf_release(&parts);
	return ok && !out->oom;
}

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

/* The in-wheel directory an $ORIGIN entry names, or false when the entry
 * does not use $ORIGIN or leaves the wheel. */
static bool entry_in_wheel(const char *member_dir, const char *entry, struct wa_buf *dir)
{
	const char *rest;

	if (strncmp(entry, "$ORIGIN", 7) == 0)
		rest = entry + 7;
	else if (strncmp(entry, "${ORIGIN}", 9) == 0)
		rest = entry + 9;
	else
		return false;
	if (*rest && *rest != '/')
		return false;
	return join_in_wheel(member_dir, rest, dir);
}

static void dir_of(const char *path, struct wa_buf *out)
{
	const char *slash = strrchr(path, '/');

	if (slash)
		wa_buf_add(out, path, (size_t)(slash - path));
	wa_buf_add(out, "", 1);
	out->len--;
}

/* The new search path: kept in-wheel entries (re-expressed from the
 * member's new directory), then the .libs dir, each once. */
static int member_rpath(const struct wa_graft_plan *plan, const char *path,
			const char *dir_in_wheel, const struct wa_elf_info *e, struct wa_buf *rp)
{
	struct wa_buf old_dir = {0};
	const char *const *entries =
		e->n_runpath ? (const char *const *)e->runpath : (const char *const *)e->rpath;
	size_t n = e->n_runpath ? e->n_runpath : e->n_rpath;
	struct wa_ptrvec seen = {0};
	struct wa_arena scratch;
	int rc = 0;

	wa_arena_init(&scratch);
	dir_of(path, &old_dir);
	for (size_t i = 0; i <= n && !rc; i++) {
		struct wa_buf target = {0}, rel = {0};
		bool dup = false;

		if (i < n) {
			if (!entry_in_wheel(old_dir.data ? (char *)old_dir.data : "", entries[i],
					    &target)) {
				wa_buf_release(&target);
				continue;
			}
		} else {
			wa_buf_str(&target, plan->libs_dir);
		}
		origin_relative(dir_in_wheel, target.data ? (char *)target.data : "", &rel);
		wa_buf_add(&rel, "", 1);
		for (size_t k = 0; !rel.oom && k < seen.len; k++)
			dup |= strcmp(seen.items[k], (char *)rel.data) == 0;
		if (rel.oom || target.oom ||
		    (!dup &&
		     wa_ptrvec_push(&scratch, &seen, wa_arena_strdup(&scratch, (char *)rel.data))))
			rc = -WA_ENOMEM;
		else if (!dup) {
			if (rp->len)
				wa_buf_str(rp, ":");
			wa_buf_str(rp, (char *)rel.data);
		}
		wa_buf_release(&target);
		wa_buf_release(&rel);
	}
	wa_buf_add(rp, "", 1);
	wa_buf_release(&old_dir);
	wa_arena_release(&scratch);
	return rc || rp->oom ? -WA_ENOMEM : 0;
}

int wa_graft_patch_member(const struct wa_graft_plan *plan, const char *member,
			  const char *installed, const char *new_dir, const struct wa_elf_info *e,
			  const void *bytes, size_t size, void **out, size_t *out_size,
			  bool *changed, struct wa_error *err)
{
	struct wa_elf_rename *r;
	struct wa_elf_edit edit = {0};
	struct wa_buf rp = {0};
	int rc;

	*out = NULL;
	*out_size = 0;
	*changed = false;
	if (!wa_graft_member_affected(plan, e))
		return 0;
	r = calloc(e->n_needed + 1, sizeof(*r));
	if (!r)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	edit.renames = r;
	edit.n_renames = collect_renames(plan, e, r);
	if (member_rpath(plan, installed, new_dir, e, &rp)) {
		free(r);
		wa_buf_release(&rp);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	edit.rpath = (const char *)rp.data;
	rc = wa_elf_patch(out, out_size, bytes, size, &edit, member, err);
	free(r);
	wa_buf_release(&rp);
	*changed = rc == 0;
	return rc;
}
