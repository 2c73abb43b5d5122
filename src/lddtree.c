/* SPDX-License-Identifier: MIT */
/*
 * Dependency trees (see include/wheelaudit/lddtree.h): each root is loaded
 * by the resolver (resolve.h), the one model of the loader, and the display
 * tree is cut from the load depth first.
 */
#include "wheelaudit/lddtree.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/elf.h"
#include "wheelaudit/path.h"

#include "wheelaudit/resolve.h"
#include "wheelaudit/tag.h"
#include "wheelaudit/wheel.h"

/* Deeper chains than this are shown cut (no real program nests so deep). */
#define MAX_DISPLAY_DEPTH 256

/* What stays between inputs: the configuration and a resolver for host
 * files, so each host library is read and inspected once. */
struct wa_lddtree_ctx {
	const struct wa_ld_config *cfg;
	struct wa_resolver *files;
};

int wa_lddtree_ctx_new(struct wa_lddtree_ctx **out, const struct wa_ld_config *cfg,
		       struct wa_error *err)
{
	struct wa_lddtree_ctx *ctx = calloc(1, sizeof(*ctx));
	int rc;

	*out = NULL;
	if (!ctx)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	ctx->cfg = cfg;
	rc = wa_resolver_new(&ctx->files, cfg, NULL, 0, NULL, err);
	if (rc) {
		free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

void wa_lddtree_ctx_free(struct wa_lddtree_ctx *ctx)
{
	if (!ctx)
		return;
	wa_resolver_free(ctx->files);
	free(ctx);
}

/* ---- the display tree ----------------------------------------------- */

static int show_edges(struct wa_lddtree *t, const struct wa_load_node *o, bool *shown,
		      struct wa_lddtree_node **out, size_t *n_out, int depth, struct wa_error *err);

static int show_edge(struct wa_lddtree *t, const struct wa_load_edge *e, bool *shown,
		     struct wa_lddtree_node *node, int depth, struct wa_error *err)
{
	const struct wa_load_node *x = e->target;

	node->name = wa_arena_strdup(&t->arena, e->name);
	if (!node->name)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (!x) {
		t->n_missing++;
		return 0;
	}
	/* shown with "." and ".." folded (--ldpaths a/../b shows b/libx.so);
	 * the search itself used the path as given */
	node->path = wa_path_normalise(&t->arena, x->path, false, NULL);
	node->found_by = x->found_by;
	if (!node->path)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (shown[x->index] || depth >= MAX_DISPLAY_DEPTH) {
		node->repeated = x->n_edges > 0;
		return 0;
	}
	shown[x->index] = true;
	return show_edges(t, x, shown, &node->needed, &node->n_needed, depth + 1, err);
}

static int show_edges(struct wa_lddtree *t, const struct wa_load_node *o, bool *shown,
		      struct wa_lddtree_node **out, size_t *n_out, int depth, struct wa_error *err)
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
		if (show_edge(t, &o->edges[i], shown, &(*out)[i], depth, err))
			return -WA_ENOMEM;
	return 0;
}

/* Cuts the tree of one load into out. */
static int show_load(struct wa_lddtree *t, const struct wa_load *load, struct wa_lddtree_root *out,
		     struct wa_error *err)
{
	bool *shown = calloc(load->n_nodes ? load->n_nodes : 1, sizeof(*shown));
	int rc;

	if (!shown)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	shown[0] = true;
	rc = show_edges(t, load->nodes[0], shown, &out->needed, &out->n_needed, 0, err);
	free(shown);
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
	struct wa_load *load = NULL;
	int rc = wa_resolver_load_file(&load, ctx->files, path, NULL, err);

	t->n_roots = 1;
	t->roots[0].member = t->input;
	if (!rc)
		rc = show_load(t, load, &t->roots[0], err);
	wa_load_free(load);
	return rc;
}

/* The ELF members of a wheel, inspected by the scan. */
struct wheel_set {
	struct wa_resolver_member *members; /* indexed by member number */
	struct wa_elf_info **infos;         /* owned */
	size_t n;
};

static int collect_member(void *ctx, size_t member, const char *name, const void *bytes,
			  size_t size, struct wa_error *err)
{
	struct wheel_set *ws = ctx;

	ws->members[member].path = name;
	return wa_elf_inspect(&ws->infos[member], bytes, size, name, err);
}

static void wheel_set_release(struct wheel_set *ws)
{
	for (size_t i = 0; ws->infos && i < ws->n; i++)
		wa_elf_info_free(ws->infos[i]);
	free(ws->infos);
	free(ws->members);
	memset(ws, 0, sizeof(*ws));
}

static int build_wheel_roots(struct wa_lddtree *t, struct wa_resolver *r,
			     const struct wheel_set *ws, struct wa_error *err)
{
	int rc = 0;

	for (size_t i = 0; i < ws->n && rc == 0; i++) {
		struct wa_lddtree_root *root = &t->roots[t->n_roots];
		struct wa_load *load = NULL;

		if (!ws->infos[i])
			continue;
		root->member = wa_arena_strdup(&t->arena, ws->members[i].path);
		rc = root->member ? wa_resolver_load_member(&load, r, i, NULL, err)
				  : wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		if (rc == 0)
			rc = show_load(t, load, root, err);
		t->n_roots++;
		wa_load_free(load);
	}
	return rc;
}

/* An android_<api>_<abi> wheel: its libraries are searched as Android's
 * loader would (--ldpaths and the variables only), as repair does. */
static bool wheel_is_android(struct wa_wheel *w)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(w);

	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform p;

		wa_platform_parse(&p, wn->platforms[i]);
		if (p.kind == WA_PLATFORM_POLICY && p.family == WA_FAMILY_ANDROID)
			return true;
	}
	return false;
}

static int build_wheel(struct wa_lddtree **out, struct wa_lddtree_ctx *ctx, const char *path,
		       struct wa_error *err)
{
	struct wheel_set ws = {0};
	struct wa_resolver *r = NULL;
	struct wa_wheel *w = NULL;
	struct wa_limits limits;
	int rc;

	wa_limits_default(&limits);
	rc = wa_wheel_open(&w, path, &limits, err);
	if (rc)
		return rc;
	ws.n = wa_wheel_member_count(w);
	ws.members = calloc(ws.n ? ws.n : 1, sizeof(*ws.members));
	ws.infos = calloc(ws.n ? ws.n : 1, sizeof(*ws.infos));
	if (!ws.members || !ws.infos)
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (rc == 0)
		rc = wa_wheel_scan(w, 1, collect_member, &ws, err);
	for (size_t i = 0; rc == 0 && i < ws.n; i++)
		ws.members[i].elf = ws.infos[i];
	if (rc == 0)
		rc = wa_resolver_new(&r, ctx->cfg, ws.members, ws.n, NULL, err);
	if (rc == 0 && wheel_is_android(w))
		wa_resolver_set_rules(r, WA_LD_RULES_ANDROID);
	if (rc == 0)
		rc = tree_new(out, path, ws.n, err);
	if (rc == 0) {
		(*out)->is_wheel = true;
		rc = build_wheel_roots(*out, r, &ws, err);
	}
	wa_resolver_free(r);
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
		return wa_error_set(err, WA_EIO, NULL, "%s: %s", path, wa_strerror(errno));
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
