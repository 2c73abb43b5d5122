/* SPDX-License-Identifier: MIT */
/*
 * Dependency trees (see include/wheelaudit/lddtree.h).
 *
 * Per root, the loader's breadth-first loading is replayed over
 * "objects" (one per distinct file) in a scratch arena; each object keeps
 * the DT_RPATH chain it passes on, its in-wheel search directories and
 * the edges of its needed entries.  The display tree is then cut from
 * that graph depth first.  Host libraries are read through the context,
 * once per real path, by mapping the file instead of copying it.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "wheelaudit/lddtree.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/elf.h"
#include "wheelaudit/wheel.h"
#include "wheelaudit/path.h"

/* Deeper chains than this are shown cut (no real program nests so deep). */
#define MAX_DISPLAY_DEPTH 256

/* ---- host libraries, read once ---------------------------------------- */

struct host_lib {
	const char *real;         /* realpath: the identity */
	struct wa_elf_info *info; /* NULL when it could not be read or inspected */
};

struct wa_lddtree_ctx {
	const struct wa_ld_config *cfg;
	struct wa_arena arena;
	struct wa_ptrvec libs; /* struct host_lib * */
};

int wa_lddtree_ctx_new(struct wa_lddtree_ctx **out, const struct wa_ld_config *cfg,
		       struct wa_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	(*out)->cfg = cfg;
	return 0;
}

void wa_lddtree_ctx_free(struct wa_lddtree_ctx *ctx)
{
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->libs.len; i++)
		wa_elf_info_free(((struct host_lib *)ctx->libs.items[i])->info);
	wa_arena_release(&ctx->arena);
	free(ctx);
}

/* Maps a regular file and inspects it.  name is used in error messages. */
static int inspect_host_file(const char *path, const char *name, struct wa_elf_info **info,
			     struct wa_error *err)
{
	struct stat st;
	void *map;
	int fd, rc;

	*info = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return wa_error_set(err, WA_EIO, NULL, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		return wa_error_set(err, WA_EBADELF, NULL, "%s: not a regular, non-empty file",
				    path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return wa_error_set(err, WA_EIO, NULL, "%s: %s", path, strerror(errno));
	if (!wa_elf_is_elf(map, (size_t)st.st_size))
		rc = wa_error_set(err, WA_EBADELF, NULL, "%s: not an ELF file", path);
	else
		rc = wa_elf_inspect(info, map, (size_t)st.st_size, name, err);
	munmap(map, (size_t)st.st_size);
	return rc;
}

/* The inspected host library at real path, read on first use; NULL info
 * when it cannot be read (the loader would have refused it too, or it
 * changed since the search looked at it). */
static int host_lib_get(struct wa_lddtree_ctx *ctx, const char *real, struct host_lib **out,
			struct wa_error *err)
{
	struct wa_error ignored;
	struct host_lib *lib;

	for (size_t i = 0; i < ctx->libs.len; i++) {
		lib = ctx->libs.items[i];
		if (strcmp(lib->real, real) == 0) {
			*out = lib;
			return 0;
		}
	}
	lib = wa_arena_alloc(&ctx->arena, sizeof(*lib));
	if (!lib || !(lib->real = wa_arena_strdup(&ctx->arena, real)) ||
	    wa_ptrvec_push(&ctx->arena, &ctx->libs, lib))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	wa_error_clear(&ignored);
	if (inspect_host_file(real, real, &lib->info, &ignored) && ignored.code == WA_ENOMEM)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	*out = lib;
	return 0;
}

/* ---- wheel members ---------------------------------------------------- */

struct wheel_elf {
	const char *name; /* member name, borrowed from the wheel */
	struct wa_elf_info *info;
};

struct wheel_set {
	struct wheel_elf *members; /* indexed by member number; info NULL when not ELF */
	size_t n;
};

static int collect_member(void *ctx, size_t member, const char *name, const void *bytes,
			  size_t size, struct wa_error *err)
{
	struct wheel_set *ws = ctx;

	ws->members[member].name = name;
	return wa_elf_inspect(&ws->members[member].info, bytes, size, name, err);
}

static void wheel_set_release(struct wheel_set *ws)
{
	for (size_t i = 0; i < ws->n; i++)
		wa_elf_info_free(ws->members[i].info);
	free(ws->members);
	ws->members = NULL;
	ws->n = 0;
}

/* ---- the loader replay ------------------------------------------------ */

struct object;

struct edge {
	const char *name;
	struct object *target; /* NULL: not found */
};

struct object {
	const char *path;  /* host path as found, or the member name */
	const char *ident; /* real path, or "wheel:" + member name */
	const char *found_by;
	const struct wa_elf_info *info; /* NULL: could not be inspected */
	bool in_wheel;
	const char *origin;             /* host directory for $ORIGIN, or NULL */
	const char *wheel_dir;          /* its directory inside the wheel ("" at the top) */
	struct wa_ptrvec names;         /* the names it was requested by */
	struct wa_ptrvec host_rpath;    /* DT_RPATH chain passed on: own, then the loader's */
	struct wa_ptrvec wheel_rpath;   /* the same, as directories inside the wheel */
	struct wa_ptrvec wheel_runpath; /* own DT_RUNPATH as directories inside the wheel */
	struct edge *edges;
	size_t n_edges;
	bool shown; /* display: its needs are listed already */
};

struct replay {
	struct wa_lddtree_ctx *ctx;
	const struct wheel_set *wheel; /* NULL for a host file */
	struct wa_arena *a;            /* scratch, released after the root */
	struct wa_ptrvec loaded;       /* struct object *, in load order */
};

static struct wa_ld_request request_for(const struct object *o)
{
	struct wa_ld_request r = {
		.elf_class = o->info->elf_class,
		.data = o->info->data,
		.machine = o->info->machine,
		.flags = o->info->flags,
		.origin = o->origin,
	};
	return r;
}

/*
 * Resolves "/"-rooted path with "." and ".." like the kernel would with no
 * symbolic links; returns it without the leading '/', or NULL when ".."
 * climbs out of the top (out of the wheel).
 */
static char *wheel_normalise(struct wa_arena *a, const char *abs)
{
	char *out = wa_arena_alloc(a, strlen(abs) + 1);
	size_t n = 0;
	const char *p = abs;

	if (!out)
		return NULL;
	while (*p) {
		size_t len;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 0)
			break;
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (n == 0)
				return NULL;
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
		} else {
			if (n > 0)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len;
	}
	out[n] = '\0';
	return out;
}

static bool starts_with_origin(const char *e)
{
	if (strncmp(e, "${ORIGIN}", 9) == 0)
		return e[9] == '\0' || e[9] == '/';
	return strncmp(e, "$ORIGIN", 7) == 0 && (e[7] == '\0' || e[7] == '/');
}

/* Adds an entry's directory inside the wheel when it is $ORIGIN-relative and stays inside. */
static int add_wheel_dir(struct replay *rp, const struct object *o, const char *entry,
			 struct wa_ptrvec *out, struct wa_error *err)
{
	struct wa_ld_request req = request_for(o);
	char *fake_origin, *expanded, *dir;
	bool skip;

	if (!starts_with_origin(entry))
		return 0;
	/* Expanding against "/<member dir>" turns the result into a path
	 * that climbs out of the wheel exactly when it climbs above "/". */
	fake_origin = wa_arena_printf(rp->a, "/%s", o->wheel_dir);
	if (!fake_origin)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	req.origin = fake_origin;
	expanded = wa_ld_expand_with(rp->ctx->cfg, &req, entry, &skip, err);
	if (!expanded)
		return skip ? 0 : -WA_ENOMEM;
	dir = wheel_normalise(rp->a, expanded);
	free(expanded);
	if (!dir)
		return 0;
	return wa_ptrvec_push(rp->a, out, dir) ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory")
					       : 0;
}

/* Adds an entry expanded for the host, unless it cannot be (no origin). */
static int add_host_dir(struct replay *rp, const struct object *o, const char *entry,
			struct wa_ptrvec *out, struct wa_error *err)
{
	struct wa_ld_request req = request_for(o);
	char *expanded, *copy;
	bool skip;

	expanded = wa_ld_expand_with(rp->ctx->cfg, &req, entry, &skip, err);
	if (!expanded)
		return skip ? 0 : -WA_ENOMEM;
	copy = wa_arena_strdup(rp->a, expanded);
	free(expanded);
	if (!copy || wa_ptrvec_push(rp->a, out, copy))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return 0;
}

static int append_all(struct wa_arena *a, struct wa_ptrvec *to, const struct wa_ptrvec *from,
		      struct wa_error *err)
{
	for (size_t i = 0; i < from->len; i++)
		if (wa_ptrvec_push(a, to, from->items[i]))
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return 0;
}

/*
 * Works out the search directories an object uses and passes on: its own
 * DT_RPATH (ignored, as by the loader, when it has DT_RUNPATH) followed by
 * its loader's chain; its own DT_RUNPATH inside the wheel.
 */
static int prepare_paths(struct replay *rp, struct object *o, const struct object *loader,
			 struct wa_error *err)
{
	const struct wa_elf_info *in = o->info;
	int rc = 0;

	if (!in)
		return 0;
	if (in->n_runpath == 0) {
		for (size_t i = 0; i < in->n_rpath && rc == 0; i++) {
			rc = add_host_dir(rp, o, in->rpath[i], &o->host_rpath, err);
			if (rc == 0 && o->in_wheel)
				rc = add_wheel_dir(rp, o, in->rpath[i], &o->wheel_rpath, err);
		}
	}
	for (size_t i = 0; o->in_wheel && i < in->n_runpath && rc == 0; i++)
		rc = add_wheel_dir(rp, o, in->runpath[i], &o->wheel_runpath, err);
	if (rc == 0 && loader) {
		rc = append_all(rp->a, &o->host_rpath, &loader->host_rpath, err);
		if (rc == 0)
			rc = append_all(rp->a, &o->wheel_rpath, &loader->wheel_rpath, err);
	}
	return rc;
}

/* The directory part of a member name ("" at the top). */
static char *dir_part(struct wa_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	return wa_arena_strndup(a, path, slash ? (size_t)(slash - path) : 0);
}

static bool member_fits(const struct wheel_elf *m, const struct wa_ld_request *req)
{
	return m->info && wa_ld_compatible(req, m->info->elf_class, m->info->data, m->info->machine,
					   m->info->flags);
}

/* The member at dir/name of req's architecture, or -1. */
static long wheel_at(const struct wheel_set *ws, const char *dir, const char *name,
		     const struct wa_ld_request *req)
{
	size_t dlen = strlen(dir);

	for (size_t i = 0; i < ws->n; i++) {
		const char *m = ws->members[i].name;

		if (!member_fits(&ws->members[i], req))
			continue;
		if (dlen == 0 ? strcmp(m, name) == 0
			      : strncmp(m, dir, dlen) == 0 && m[dlen] == '/' &&
					strcmp(m + dlen + 1, name) == 0)
			return (long)i;
	}
	return -1;
}

/* True when member lies directly in dir ("" is the top). */
static bool in_dir(const char *member, const char *dir)
{
	const char *base = wa_path_base(member);
	size_t dlen = base == member ? 0 : (size_t)(base - member - 1);

	return dlen == strlen(dir) && strncmp(member, dir, dlen) == 0;
}

/* Any member called name (file name or SONAME): the requester's directory first. */
static long wheel_by_name(const struct wheel_set *ws, const struct object *o, const char *name,
			  const struct wa_ld_request *req)
{
	long first = -1;

	for (size_t i = 0; i < ws->n; i++) {
		const struct wheel_elf *m = &ws->members[i];

		if (!member_fits(m, req))
			continue;
		if (strcmp(wa_path_base(m->name), name) != 0 &&
		    !(m->info->soname && strcmp(m->info->soname, name) == 0))
			continue;
		if (in_dir(m->name, o->wheel_dir))
			return (long)i;
		if (first < 0)
			first = (long)i;
	}
	return first;
}

/* Where the wheel would provide name to o: its RPATH, RUNPATH, then by name. */
static long wheel_find(const struct replay *rp, const struct object *o, const char *name)
{
	struct wa_ld_request req = request_for(o);
	long m;

	if (!rp->wheel || !o->in_wheel || strchr(name, '/'))
		return -1;
	if (o->info->n_runpath == 0)
		for (size_t i = 0; i < o->wheel_rpath.len; i++)
			if ((m = wheel_at(rp->wheel, o->wheel_rpath.items[i], name, &req)) >= 0)
				return m;
	for (size_t i = 0; i < o->wheel_runpath.len; i++)
		if ((m = wheel_at(rp->wheel, o->wheel_runpath.items[i], name, &req)) >= 0)
			return m;
	return wheel_by_name(rp->wheel, o, name, &req);
}

/* An object already loaded under this name or SONAME (the loader's first check). */
static struct object *loaded_by_name(const struct replay *rp, const char *name)
{
	for (size_t i = 0; i < rp->loaded.len; i++) {
		struct object *x = rp->loaded.items[i];

		for (size_t j = 0; j < x->names.len; j++)
			if (strcmp(x->names.items[j], name) == 0)
				return x;
		if (x->info && x->info->soname && strcmp(x->info->soname, name) == 0)
			return x;
	}
	return NULL;
}

static struct object *loaded_by_ident(const struct replay *rp, const char *ident)
{
	for (size_t i = 0; i < rp->loaded.len; i++) {
		struct object *x = rp->loaded.items[i];

		if (strcmp(x->ident, ident) == 0)
			return x;
	}
	return NULL;
}

/* Creates and queues a loaded object; name is what it was requested by (or NULL). */
static int new_object(struct replay *rp, struct object **out, const char *name,
		      struct wa_error *err)
{
	struct object *o = wa_arena_alloc(rp->a, sizeof(*o));

	*out = o;
	if (!o || wa_ptrvec_push(rp->a, &rp->loaded, o) ||
	    (name && wa_ptrvec_push(rp->a, &o->names, (void *)name)))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return 0;
}

/* A wheel member found for o: the loaded object, new or not. */
static int load_member(struct replay *rp, const struct object *o, long m, const char *name,
		       struct object **out, struct wa_error *err)
{
	const struct wheel_elf *we = &rp->wheel->members[m];
	char *ident = wa_arena_printf(rp->a, "wheel:%s", we->name);
	struct object *x;

	if (!ident)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if ((x = loaded_by_ident(rp, ident)) != NULL) {
		*out = x;
		return wa_ptrvec_push(rp->a, &x->names, (void *)name)
			       ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory")
			       : 0;
	}
	if (new_object(rp, &x, name, err))
		return -WA_ENOMEM;
	x->path = we->name;
	x->ident = ident;
	x->found_by = "wheel";
	x->info = we->info;
	x->in_wheel = true;
	x->wheel_dir = dir_part(rp->a, we->name);
	if (!x->wheel_dir)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	*out = x;
	return prepare_paths(rp, x, o, err);
}

/* A host file found for o at path: the loaded object, new or not. */
static int load_host(struct replay *rp, const struct object *o, const char *path, const char *why,
		     const char *name, struct object **out, struct wa_error *err)
{
	char *real = realpath(path, NULL);
	struct host_lib *lib;
	struct object *x;
	int rc;

	if (!real)
		real = strdup(path); /* vanished meanwhile: still its own identity */
	if (!real)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if ((x = loaded_by_ident(rp, real)) != NULL) {
		free(real);
		*out = x;
		return wa_ptrvec_push(rp->a, &x->names, (void *)name)
			       ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory")
			       : 0;
	}
	rc = host_lib_get(rp->ctx, real, &lib, err);
	free(real);
	if (rc || new_object(rp, &x, name, err))
		return -WA_ENOMEM;
	x->ident = lib->real;
	x->info = lib->info;
	x->found_by = why;
	x->path = wa_arena_strdup(rp->a, path);
	/* The loader's $ORIGIN is the directory of the path it opened. */
	x->origin = x->path ? dir_part(rp->a, path) : NULL;
	if (!x->path || !x->origin)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!x->origin[0])
		x->origin = "/";
	*out = x;
	return prepare_paths(rp, x, o, err);
}

/* Resolves one needed entry of o as the loader would. */
static int resolve(struct replay *rp, struct object *o, const char *name, struct object **out,
		   struct wa_error *err)
{
	struct wa_ld_request req = request_for(o);
	const char *why = NULL;
	char *path = NULL;
	long m;
	int rc;

	*out = loaded_by_name(rp, name);
	if (*out)
		return 0;
	m = wheel_find(rp, o, name);
	if (m >= 0)
		return load_member(rp, o, m, name, out, err);
	req.rpath = (const char *const *)o->host_rpath.items;
	req.n_rpath = o->host_rpath.len;
	req.runpath = o->info->runpath;
	req.n_runpath = o->info->n_runpath;
	rc = wa_ld_find(rp->ctx->cfg, &req, name, &path, &why, err);
	if (rc || !path)
		return rc;
	rc = load_host(rp, o, path, why, name, out, err);
	free(path);
	return rc;
}

/* Loads breadth first from the root, as the loader maps dependencies. */
static int replay_loads(struct replay *rp, struct wa_error *err)
{
	for (size_t i = 0; i < rp->loaded.len; i++) {
		struct object *o = rp->loaded.items[i];

		if (!o->info || o->info->n_needed == 0)
			continue;
		o->edges = wa_arena_alloc(rp->a, o->info->n_needed * sizeof(*o->edges));
		if (!o->edges)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		o->n_edges = o->info->n_needed;
		for (size_t j = 0; j < o->n_edges; j++) {
			o->edges[j].name = o->info->needed[j];
			if (resolve(rp, o, o->edges[j].name, &o->edges[j].target, err))
				return -WA_ENOMEM;
		}
	}
	return 0;
}

/* ---- the display tree --------------------------------------------------- */

static int show_edges(struct wa_lddtree *t, const struct object *o, struct wa_lddtree_node **out,
		      size_t *n_out, int depth, struct wa_error *err);

static int show_edge(struct wa_lddtree *t, const struct edge *e, struct wa_lddtree_node *node,
		     int depth, struct wa_error *err)
{
	struct object *x = e->target;

	node->name = wa_arena_strdup(&t->arena, e->name);
	if (!node->name)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!x) {
		t->n_missing++;
		return 0;
	}
	node->path = wa_arena_strdup(&t->arena, x->path);
	node->found_by = x->found_by;
	if (!node->path)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (x->shown || depth >= MAX_DISPLAY_DEPTH) {
		node->repeated = x->n_edges > 0;
		return 0;
	}
	x->shown = true;
	return show_edges(t, x, &node->needed, &node->n_needed, depth + 1, err);
}

static int show_edges(struct wa_lddtree *t, const struct object *o, struct wa_lddtree_node **out,
		      size_t *n_out, int depth, struct wa_error *err)
{
	*out = NULL;
	*n_out = 0;
	if (o->n_edges == 0)
		return 0;
	*out = wa_arena_alloc(&t->arena, o->n_edges * sizeof(**out));
	if (!*out)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	*n_out = o->n_edges;
	for (size_t i = 0; i < o->n_edges; i++)
		if (show_edge(t, &o->edges[i], &(*out)[i], depth, err))
			return -WA_ENOMEM;
	return 0;
}

/* Replays one root and adds its tree. */
static int build_root(struct wa_lddtree *t, struct replay *rp, struct object *root,
		      struct wa_lddtree_root *out, struct wa_error *err)
{
	int rc = prepare_paths(rp, root, NULL, err);

	if (rc == 0)
		rc = replay_loads(rp, err);
	root->shown = true;
	if (rc == 0)
		rc = show_edges(t, root, &out->needed, &out->n_needed, 0, err);
	return rc;
}

/* ---- inputs --------------------------------------------------------------- */

static int tree_new(struct wa_lddtree **out, const char *path, size_t n_roots, struct wa_error *err)
{
	struct wa_lddtree *t = calloc(1, sizeof(*t));

	*out = t;
	if (!t)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	t->input = wa_arena_strdup(&t->arena, path);
	t->roots = n_roots ? wa_arena_alloc(&t->arena, n_roots * sizeof(*t->roots)) : NULL;
	if (!t->input || (n_roots && !t->roots))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return 0;
}

static int build_file(struct wa_lddtree *t, struct wa_lddtree_ctx *ctx, const char *path,
		      struct wa_error *err)
{
	struct wa_arena scratch = {0};
	struct replay rp = {.ctx = ctx, .a = &scratch};
	struct wa_elf_info *info = NULL;
	struct object *root;
	char *real, *origin;
	int rc;

	rc = inspect_host_file(path, path, &info, err);
	if (rc)
		return rc;
	real = realpath(path, NULL);
	if (!real) {
		wa_elf_info_free(info);
		return wa_error_set(err, WA_EIO, NULL, "%s: %s", path, strerror(errno));
	}
	rc = new_object(&rp, &root, NULL, err);
	if (rc == 0) {
		root->path = path;
		root->ident = wa_arena_strdup(&scratch, real);
		root->found_by = "path";
		root->info = info;
		origin = dir_part(&scratch, real);
		root->origin = origin && !origin[0] ? "/" : origin;
		if (!root->ident || !origin)
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	free(real);
	t->n_roots = 1;
	t->roots[0].member = t->input;
	if (rc == 0)
		rc = build_root(t, &rp, root, &t->roots[0], err);
	wa_arena_release(&scratch);
	wa_elf_info_free(info);
	return rc;
}

static int build_wheel_roots(struct wa_lddtree *t, struct wa_lddtree_ctx *ctx,
			     const struct wheel_set *ws, struct wa_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < ws->n && rc == 0; i++) {
		struct wa_arena scratch = {0};
		struct replay rp = {.ctx = ctx, .wheel = ws, .a = &scratch};
		struct wa_lddtree_root *r = &t->roots[t->n_roots];
		struct object *root;

		if (!ws->members[i].info)
			continue;
		rc = new_object(&rp, &root, NULL, err);
		if (rc == 0) {
			root->path = ws->members[i].name;
			root->ident = wa_arena_printf(&scratch, "wheel:%s", root->path);
			root->found_by = "wheel";
			root->info = ws->members[i].info;
			root->in_wheel = true;
			root->wheel_dir = dir_part(&scratch, root->path);
			r->member = wa_arena_strdup(&t->arena, root->path);
			if (!root->ident || !root->wheel_dir || !r->member)
				rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		}
		if (rc == 0)
			rc = build_root(t, &rp, root, r, err);
		t->n_roots++;
		wa_arena_release(&scratch);
	}
	return rc;
}

static int build_wheel(struct wa_lddtree **out, struct wa_lddtree_ctx *ctx, const char *path,
		       struct wa_error *err)
{
	struct wheel_set ws = {0};
	struct wa_wheel *w = NULL;
	struct wa_limits limits;
	int rc;

	wa_limits_default(&limits);
	rc = wa_wheel_open(&w, path, &limits, err);
	if (rc)
		return rc;
	ws.n = wa_wheel_member_count(w);
	ws.members = calloc(ws.n ? ws.n : 1, sizeof(*ws.members));
	if (!ws.members)
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (rc == 0)
		rc = wa_wheel_scan(w, 1, collect_member, &ws, err);
	if (rc == 0)
		rc = tree_new(out, path, ws.n, err);
	if (rc == 0) {
		(*out)->is_wheel = true;
		rc = build_wheel_roots(*out, ctx, &ws, err);
	}
	wheel_set_release(&ws);
	wa_wheel_free(w);
	return rc;
}

/* What the input is, from its first bytes: 1 ELF, 0 anything else. */
static int sniff_elf(const char *path, bool *is_elf, struct wa_error *err)
{
	unsigned char magic[4];
	struct stat st;
	ssize_t n;
	int fd;

	*is_elf = false;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return wa_error_set(err, WA_EIO, NULL, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return wa_error_set(err, WA_ENOTWHEEL, NULL, "%s: not a regular file", path);
	}
	n = read(fd, magic, sizeof(magic));
	close(fd);
	*is_elf = n == (ssize_t)sizeof(magic) && wa_elf_is_elf(magic, sizeof(magic));
	return 0;
}

int wa_lddtree_build(struct wa_lddtree **out, struct wa_lddtree_ctx *ctx, const char *path,
		     struct wa_error *err)
{
	bool is_elf;
	int rc;

	*out = NULL;
	rc = sniff_elf(path, &is_elf, err);
	if (rc)
		return rc;
	if (is_elf) {
		rc = tree_new(out, path, 1, err);
		if (rc == 0)
			rc = build_file(*out, ctx, path, err);
	} else {
		rc = build_wheel(out, ctx, path, err);
	}
	if (rc) {
		wa_lddtree_free(*out);
		*out = NULL;
	}
	return rc;
}

void wa_lddtree_free(struct wa_lddtree *tree)
{
	if (!tree)
		return;
	wa_arena_release(&tree->arena);
	free(tree);
}
