/* SPDX-License-Identifier: MIT */
/*
 * The loader model (resolve.h).  Members are indexed once by path and by
 * the names they answer to; a load keeps maps of what it has loaded, so
 * every lookup is a hash probe and a load is linear in the objects times
 * their needed entries.  Host files are mapped, inspected once per
 * resolver and then unmapped: only their wa_elf_info is kept.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "wheelaudit/resolve.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/path.h"
#include "wheelaudit/strmap.h"

/* A host file, inspected once. */
struct host_file {
	const char *real;
	struct wa_elf_info *info; /* NULL when it could not be inspected */
	const char *problem;      /* why not, or NULL */
};

/* The members answering to one name, in archive order. */
struct name_list {
	size_t *idx;
	size_t n, cap;
};

/* A member's own search directories inside the wheel. */
struct wheel_dirs {
	bool ready;
	const char **rpath, **runpath;
	size_t n_rpath, n_runpath;
};

struct wa_resolver {
	struct wa_arena arena;
	const struct wa_ld_config *cfg;
	const struct wa_resolver_member *members;
	size_t n_members;
	struct wa_elf_limits limits;
	struct wa_strmap by_path; /* member path -> index + 1 */
	struct wa_strmap by_name; /* file name, SONAME, provides -> struct name_list */
	struct wa_strmap host;    /* real path -> struct host_file */
	struct wheel_dirs *dirs;  /* per member */
	enum wa_ld_rules rules;   /* of the host searches (AUTO: the config's) */
};

/* What a node of a load searches (the resolver's part of a node). */
struct wa_load_paths {
	struct wa_ld_object obj;        /* host search chain: own paths, loader's obj */
	const struct wa_load_paths *up; /* the loader's paths, or NULL */
	const char *wheel_dir;         /* a member's directory in the wheel, NULL for a host file */
	const struct wheel_dirs *dirs; /* a member's in-wheel directories */
};

static int nomem(struct wa_error *err)
{
	return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
}

/* ===== the member index ===== */

static int add_name(struct wa_resolver *r, const char *name, size_t i)
{
	struct name_list *l = wa_strmap_get(&r->by_name, name);

	if (!l) {
		l = wa_arena_alloc(&r->arena, sizeof(*l));
		if (!l || wa_strmap_put(&r->arena, &r->by_name, name, l))
			return -1;
	}
	if (l->n && l->idx[l->n - 1] == i)
		return 0; /* file name and SONAME alike */
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 2;
		size_t *idx = wa_arena_alloc(&r->arena, cap * sizeof(*idx));

		if (!idx)
			return -1;
		if (l->n)
			memcpy(idx, l->idx, l->n * sizeof(*idx));
		l->idx = idx;
		l->cap = cap;
	}
	l->idx[l->n++] = i;
	return 0;
}

int wa_resolver_new(struct wa_resolver **out, const struct wa_ld_config *cfg,
		    const struct wa_resolver_member *members, size_t n_members,
		    const struct wa_elf_limits *limits, struct wa_error *err)
{
	struct wa_resolver *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return nomem(err);
	r->cfg = cfg;
	r->members = members;
	r->n_members = n_members;
	if (limits)
		r->limits = *limits;
	else
		wa_elf_limits_default(&r->limits);
	r->dirs = wa_arena_alloc(&r->arena, (n_members ? n_members : 1) * sizeof(*r->dirs));
	if (!r->dirs)
		goto oom;
	for (size_t i = 0; i < n_members; i++) {
		const struct wa_resolver_member *m = &members[i];

		if (!m->elf)
			continue;
		if (wa_strmap_put(&r->arena, &r->by_path, m->path, (void *)(uintptr_t)(i + 1)) ||
		    add_name(r, wa_path_base(m->path), i) ||
		    (m->elf->soname && add_name(r, m->elf->soname, i)) ||
		    (m->provides && add_name(r, m->provides, i)))
			goto oom;
	}
	*out = r;
	return 0;
oom:
	wa_resolver_free(r);
	return nomem(err);
}

void wa_resolver_free(struct wa_resolver *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->host.cap; i++)
		if (r->host.keys[i])
			wa_elf_info_free(((struct host_file *)r->host.values[i])->info);
	wa_arena_release(&r->arena);
	free(r);
}

/* ===== looking inside the wheel ===== */

static struct wa_ld_request request_for(const struct wa_elf_info *e, const char *origin)
{
	struct wa_ld_request req = {
		.elf_class = e->elf_class,
		.data = e->data,
		.machine = e->machine,
		.flags = e->flags,
		.origin = origin,
	};
	return req;
}

static bool fits(const struct wa_resolver *r, size_t i, const struct wa_ld_request *req)
{
	const struct wa_elf_info *e = r->members[i].elf;

	return e && wa_ld_compatible(req, e->elf_class, e->data, e->machine, e->flags);
}

static bool starts_with_origin(const char *e)
{
	if (strncmp(e, "${ORIGIN}", 9) == 0)
		return e[9] == '\0' || e[9] == '/';
	return strncmp(e, "$ORIGIN", 7) == 0 && (e[7] == '\0' || e[7] == '/');
}

/* The in-wheel directories of $ORIGIN-relative entries that stay inside the wheel. */
static int wheel_list(struct wa_resolver *r, const struct wa_elf_info *e, const char *dir,
		      const char *const *entries, size_t n, const char ***out, size_t *n_out)
{
	struct wa_ld_request req;
	char *fake_origin;

	*out = NULL;
	*n_out = 0;
	if (!n)
		return 0;
	/* Expanding against "/<member dir>" makes an entry that climbs above
	 * "/" exactly one that leaves the wheel. */
	fake_origin = wa_arena_printf(&r->arena, "/%s", dir);
	*out = wa_arena_alloc(&r->arena, n * sizeof(**out));
	if (!fake_origin || !*out)
		return -1;
	req = request_for(e, fake_origin);
	for (size_t i = 0; i < n; i++) {
		bool skip = false, oom = false;
		char *x, *d;

		if (!starts_with_origin(entries[i]))
			continue;
		x = wa_ld_expand_with(r->cfg, &req, entries[i], &skip, NULL);
		if (!x) {
			if (skip)
				continue;
			return -1;
		}
		d = wa_path_normalise(&r->arena, x, true, &oom);
		free(x);
		if (oom)
			return -1;
		if (d)
			(*out)[(*n_out)++] = d;
	}
	return 0;
}

static const struct wheel_dirs *member_dirs(struct wa_resolver *r, size_t i)
{
	struct wheel_dirs *d = &r->dirs[i];
	const struct wa_elf_info *e = r->members[i].elf;
	char *dir;

	if (d->ready)
		return d;
	dir = wa_path_dir(&r->arena, r->members[i].path);
	if (!dir ||
	    wheel_list(r, e, dir, (const char *const *)e->rpath, e->n_rpath, &d->rpath,
		       &d->n_rpath) ||
	    wheel_list(r, e, dir, (const char *const *)e->runpath, e->n_runpath, &d->runpath,
		       &d->n_runpath))
		return NULL;
	d->ready = true;
	return d;
}

/* The member at dir/name fitting req, or -1 (-2 when out of memory). */
static long member_at(struct wa_resolver *r, const char *dir, const char *name,
		      const struct wa_ld_request *req)
{
	char stack[512], *key = stack;
	size_t need = strlen(dir) + strlen(name) + 2;
	uintptr_t v;

	if (need > sizeof(stack) && !(key = malloc(need)))
		return -2;
	snprintf(key, need, "%s%s%s", dir, *dir ? "/" : "", name);
	v = (uintptr_t)wa_strmap_get(&r->by_path, key);
	if (key != stack)
		free(key);
	return v && fits(r, v - 1, req) ? (long)(v - 1) : -1;
}

/* Any member answering to name and fitting req; one in dir first. */
static long member_by_name(struct wa_resolver *r, const char *dir, const char *name,
			   const struct wa_ld_request *req)
{
	const struct name_list *l = wa_strmap_get(&r->by_name, name);
	size_t dlen = strlen(dir);
	long first = -1;

	for (size_t k = 0; l && k < l->n; k++) {
		size_t i = l->idx[k];
		const char *p = r->members[i].path, *base = wa_path_base(p);
		size_t plen = base == p ? 0 : (size_t)(base - p - 1);

		if (!fits(r, i, req))
			continue;
		if (plen == dlen && strncmp(p, dir, dlen) == 0)
			return (long)i;
		if (first < 0)
			first = (long)i;
	}
	return first;
}

static long search_dirs(struct wa_resolver *r, const char *const *dirs, size_t n, const char *name,
			const struct wa_ld_request *req)
{
	for (size_t i = 0; i < n; i++) {
		long m = member_at(r, dirs[i], name, req);

		if (m != -1)
			return m;
	}
	return -1;
}

/*
 * The in-wheel lookup for a member with paths p, whose loaders are chained
 * through p->obj, as the rules' loader searches: glibc, DT_RPATH directories
 * of the chain (unless the member has DT_RUNPATH), its DT_RUNPATH
 * directories; musl, each object's DT_RUNPATH or else DT_RPATH up the chain;
 * Android, its own DT_RUNPATH; then, for all, by name anywhere in the wheel.
 */
static long wheel_find(struct wa_resolver *r, const struct wa_load_paths *p,
		       const struct wa_elf_info *e, const char *name)
{
	struct wa_ld_request req = request_for(e, NULL);
	long m;

	enum wa_ld_rules rules = r->rules != WA_LD_RULES_AUTO ? r->rules
				 : r->cfg                     ? wa_ld_config_rules(r->cfg)
							      : WA_LD_RULES_GLIBC;

	if (strchr(name, '/'))
		return -1;
	if (rules == WA_LD_RULES_MUSL) {
		/* musl: each object's DT_RUNPATH, or else its DT_RPATH, up the
		 * chain of loaders */
		for (const struct wa_load_paths *x = p; x; x = x->up) {
			if (!x->dirs)
				continue;
			m = x->obj.n_runpath
				    ? search_dirs(r, x->dirs->runpath, x->dirs->n_runpath, name,
						  &req)
				    : search_dirs(r, x->dirs->rpath, x->dirs->n_rpath, name, &req);
			if (m != -1)
				return m;
		}
		return member_by_name(r, p->wheel_dir, name, &req);
	}
	if (rules == WA_LD_RULES_ANDROID) {
		/* bionic: the object's own DT_RUNPATH; DT_RPATH is not read */
		if ((m = search_dirs(r, p->dirs->runpath, p->dirs->n_runpath, name, &req)) != -1)
			return m;
		return member_by_name(r, p->wheel_dir, name, &req);
	}
	if (e->n_runpath == 0)
		for (const struct wa_load_paths *x = p; x; x = x->up) {
			/* an ancestor with DT_RUNPATH passes no DT_RPATH on */
			if (x->dirs && x->obj.n_runpath == 0 &&
			    (m = search_dirs(r, x->dirs->rpath, x->dirs->n_rpath, name, &req)) !=
				    -1)
				return m;
		}
	if ((m = search_dirs(r, p->dirs->runpath, p->dirs->n_runpath, name, &req)) != -1)
		return m;
	return member_by_name(r, p->wheel_dir, name, &req);
}

long wa_resolver_in_wheel(struct wa_resolver *r, size_t from, const char *needed,
			  struct wa_error *err)
{
	struct wa_load_paths p = {0};
	char *dir;
	long m;

	if (from >= r->n_members || !r->members[from].elf)
		return -1;
	p.dirs = member_dirs(r, from);
	dir = wa_path_dir(&r->arena, r->members[from].path);
	if (!p.dirs || !dir) {
		nomem(err);
		return -2;
	}
	p.wheel_dir = dir;
	p.obj.n_runpath = r->members[from].elf->n_runpath;
	m = wheel_find(r, &p, r->members[from].elf, needed);
	if (m == -2)
		nomem(err);
	return m;
}

/* ===== host files ===== */

/* Maps and inspects a regular file; the problem is kept, not returned. */
static int inspect_host(struct wa_resolver *r, struct host_file *h, const char *shown_as)
{
	struct wa_error e;
	struct stat st;
	void *map;
	int fd;

	wa_error_clear(&e);
	fd = open(h->real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		h->problem = wa_arena_printf(&r->arena, "cannot open: %s", wa_strerror(errno));
		return h->problem ? 0 : -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
		close(fd);
		h->problem = "not a regular, non-empty file";
		return 0;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		h->problem = wa_arena_printf(&r->arena, "cannot map: %s", wa_strerror(errno));
		return h->problem ? 0 : -1;
	}
	if (!wa_elf_is_elf(map, (size_t)st.st_size))
		h->problem = "not an ELF file";
	else if (wa_elf_inspect_limited(&h->info, map, (size_t)st.st_size, shown_as, &r->limits,
					&e))
		h->problem =
			e.code == WA_ENOMEM ? NULL : wa_arena_printf(&r->arena, "%s", e.message);
	munmap(map, (size_t)st.st_size);
	return e.code == WA_ENOMEM || (e.code && !h->problem) ? -1 : 0;
}

static struct host_file *host_get(struct wa_resolver *r, const char *real, const char *shown_as)
{
	struct host_file *h = wa_strmap_get(&r->host, real);

	if (h)
		return h;
	h = wa_arena_alloc(&r->arena, sizeof(*h));
	if (!h || !(h->real = wa_arena_strdup(&r->arena, real)) ||
	    wa_strmap_put(&r->arena, &r->host, h->real, h) || inspect_host(r, h, shown_as))
		return NULL;
	return h;
}

/* ===== loads ===== */

struct walk {
	struct wa_resolver *r;
	struct wa_load *load;
	const struct wa_load_filter *filter;
	struct wa_strmap by_name;  /* names loaded under, and SONAMEs -> node */
	struct wa_strmap by_ident; /* identity -> node */
	struct wa_ptrvec nodes;
};

static int new_node(struct walk *w, struct wa_load_node **out, const char *ident, const char *name)
{
	struct wa_load_node *n = wa_arena_alloc(&w->load->arena, sizeof(*n));

	*out = n;
	if (!n || !(n->ident = wa_arena_strdup(&w->load->arena, ident)) ||
	    !(n->paths = wa_arena_alloc(&w->load->arena, sizeof(*n->paths))) ||
	    wa_ptrvec_push(&w->load->arena, &w->nodes, n) ||
	    wa_strmap_put(&w->load->arena, &w->by_ident, n->ident, n) ||
	    (name && wa_strmap_put(&w->load->arena, &w->by_name, name, n)))
		return -1;
	n->member = -1;
	n->index = w->nodes.len - 1;
	return 0;
}

/* Fills what a new node searches with, once its ELF data is known. */
static int set_paths(struct walk *w, struct wa_load_node *n, const struct wa_load_node *loader)
{
	struct wa_load_paths *p = n->paths;
	const struct wa_elf_info *e = n->elf;

	n->loader = loader;
	p->up = loader ? loader->paths : NULL;
	p->obj.loader = loader ? &loader->paths->obj : NULL;
	if (!e)
		return 0;
	if (e->soname && !wa_strmap_get(&w->by_name, e->soname) &&
	    wa_strmap_put(&w->load->arena, &w->by_name, e->soname, n))
		return -1;
	p->obj.rpath = (const char *const *)e->rpath;
	p->obj.n_rpath = e->n_rpath;
	p->obj.runpath = (const char *const *)e->runpath;
	p->obj.n_runpath = e->n_runpath;
	if (n->member >= 0) {
		p->dirs = member_dirs(w->r, (size_t)n->member);
		p->wheel_dir = wa_path_dir(&w->load->arena, n->path);
		if (!p->dirs || !p->wheel_dir)
			return -1;
	} else {
		char *dir = wa_path_dir(&w->load->arena, n->path);

		if (!dir)
			return -1;
		/* the loader's $ORIGIN: the directory of the path it opened */
		p->obj.origin = *dir ? dir : "/";
	}
	return 0;
}

static int load_member_node(struct walk *w, const struct wa_load_node *from, long m,
			    const char *name, struct wa_load_node **out)
{
	const struct wa_resolver_member *mem = &w->r->members[m];
	char *ident = wa_arena_printf(&w->load->arena, "wheel:%s", mem->path);
	struct wa_load_node *n;

	if (!ident)
		return -1;
	if ((n = wa_strmap_get(&w->by_ident, ident)) != NULL) {
		*out = n;
		return name && !wa_strmap_get(&w->by_name, name)
			       ? wa_strmap_put(&w->load->arena, &w->by_name, name, n)
			       : 0;
	}
	if (new_node(w, &n, ident, name))
		return -1;
	n->path = mem->path;
	n->found_by = from ? "wheel" : "root";
	n->elf = mem->elf;
	n->member = m;
	*out = n;
	return set_paths(w, n, from);
}

static int load_host_node(struct walk *w, const struct wa_load_node *from, const char *path,
			  const char *why, const char *name, struct wa_load_node **out)
{
	char *real = realpath(path, NULL);
	struct host_file *h;
	struct wa_load_node *n;
	int rc;

	if (!real && !(real = strdup(path))) /* vanished meanwhile: still its own identity */
		return -1;
	if ((n = wa_strmap_get(&w->by_ident, real)) != NULL) {
		free(real);
		*out = n;
		return name && !wa_strmap_get(&w->by_name, name)
			       ? wa_strmap_put(&w->load->arena, &w->by_name, name, n)
			       : 0;
	}
	h = host_get(w->r, real, real);
	rc = h ? new_node(w, &n, real, name) : -1;
	free(real);
	if (rc)
		return -1;
	n->path = wa_arena_strdup(&w->load->arena, path);
	n->found_by = why;
	n->elf = h->info;
	n->problem = h->problem;
	*out = n;
	return n->path ? set_paths(w, n, from) : -1;
}

/* Resolves one needed entry of node o as the loader would. */
static int resolve(struct walk *w, struct wa_load_node *o, const char *name,
		   struct wa_load_node **out, struct wa_error *err)
{
	struct wa_ld_request req;
	const char *why = NULL;
	char *path = NULL;
	long m;
	int rc;

	*out = wa_strmap_get(&w->by_name, name);
	if (*out)
		return 0;
	if (o->member >= 0) {
		m = wheel_find(w->r, o->paths, o->elf, name);
		if (m == -2)
			return -1;
		if (m >= 0)
			return load_member_node(w, o, m, name, out);
	}
	if (!w->r->cfg)
		return 0;
	req = request_for(o->elf, o->paths->obj.origin);
	/* an object the NDK built searches as Android's loader would,
	 * whatever the host: never the build machine's directories */
	req.rules = w->r->rules == WA_LD_RULES_AUTO && o->elf->android_api ? WA_LD_RULES_ANDROID
									   : w->r->rules;
	req.object = &o->paths->obj;
	if (wa_ld_find(w->r->cfg, &req, name, &path, &why, err))
		return -1;
	if (!path)
		return 0;
	rc = load_host_node(w, o, path, why, name, out);
	free(path);
	return rc;
}

static bool wanted(const struct walk *w, const struct wa_load_node *from, const char *needed)
{
	return !w->filter || !w->filter->want || w->filter->want(w->filter->ctx, from, needed);
}

static bool descend(const struct walk *w, const struct wa_load_node *n)
{
	return !w->filter || !w->filter->descend || w->filter->descend(w->filter->ctx, n);
}

/* Loads breadth first from the root: the list grows while it is walked. */
static int replay(struct walk *w, struct wa_error *err)
{
	for (size_t i = 0; i < w->nodes.len; i++) {
		struct wa_load_node *o = w->nodes.items[i];

		if (!o->elf || (i > 0 && !descend(w, o)))
			continue;
		o->expanded = true;
		if (!o->elf->n_needed)
			continue;
		o->edges = wa_arena_alloc(&w->load->arena, o->elf->n_needed * sizeof(*o->edges));
		if (!o->edges)
			return nomem(err);
		o->n_edges = o->elf->n_needed;
		for (size_t j = 0; j < o->n_edges; j++) {
			struct wa_load_edge *edge = &o->edges[j];

			edge->name = o->elf->needed[j];
			if (!wanted(w, o, edge->name)) {
				edge->skipped = true;
				continue;
			}
			if (resolve(w, o, edge->name, &edge->target, err))
				return err && err->code ? -err->code : nomem(err);
		}
	}
	return 0;
}

static int load_start(struct walk *w, struct wa_load **out, struct wa_resolver *r,
		      const struct wa_load_filter *filter, struct wa_error *err)
{
	memset(w, 0, sizeof(*w));
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return nomem(err);
	w->r = r;
	w->load = *out;
	w->filter = filter;
	return 0;
}

static int load_finish(struct walk *w, struct wa_load **out, int rc, struct wa_error *err)
{
	if (!rc)
		rc = replay(w, err);
	if (rc) {
		wa_load_free(*out);
		*out = NULL;
		return rc;
	}
	(*out)->nodes = (struct wa_load_node **)w->nodes.items;
	(*out)->n_nodes = w->nodes.len;
	return 0;
}

int wa_resolver_load_member(struct wa_load **out, struct wa_resolver *r, size_t member,
			    const struct wa_load_filter *filter, struct wa_error *err)
{
	struct walk w;
	struct wa_load_node *root;
	int rc = load_start(&w, out, r, filter, err);

	if (rc)
		return rc;
	if (member >= r->n_members || !r->members[member].elf)
		rc = wa_error_set(err, WA_EINTERNAL, NULL, "member %zu is not ELF", member);
	else if (load_member_node(&w, NULL, (long)member, NULL, &root))
		rc = nomem(err);
	return load_finish(&w, out, rc, err);
}

int wa_resolver_load_file(struct wa_load **out, struct wa_resolver *r, const char *path,
			  const struct wa_load_filter *filter, struct wa_error *err)
{
	struct walk w;
	struct wa_load_node *root = NULL;
	int rc = load_start(&w, out, r, filter, err);

	if (rc)
		return rc;
	if (load_host_node(&w, NULL, path, "path", NULL, &root)) {
		rc = nomem(err);
	} else if (!root->elf) {
		/* the root itself must be readable ELF: that is the question asked */
		int code = strncmp(root->problem ? root->problem : "", "cannot", 6) == 0
				   ? WA_EIO
				   : WA_EBADELF;

		rc = wa_error_set(err, code, NULL, "%s: %s", path,
				  root->problem ? root->problem : "cannot be inspected");
	} else {
		root->found_by = "path";
	}
	return load_finish(&w, out, rc, err);
}

void wa_load_free(struct wa_load *load)
{
	if (!load)
		return;
	wa_arena_release(&load->arena);
	free(load);
}

void wa_resolver_set_rules(struct wa_resolver *r, enum wa_ld_rules rules)
{
	r->rules = rules;
}
