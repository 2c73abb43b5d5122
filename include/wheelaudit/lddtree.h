/* SPDX-License-Identifier: MIT */
/*
 * Dependency trees of ELF files and of the ELF members of wheels, resolved
 * the way glibc's loader would resolve them (ldpath.h), with libraries
 * inside the wheel found inside the wheel first.
 *
 * For each root (a host ELF file, or each ELF member of a wheel) the
 * loader is simulated: dependencies are loaded breadth first, a needed
 * name that matches an object already loaded (by the name it was loaded
 * under or its SONAME, or the same file reached by another path) is that
 * object, and DT_RPATH is inherited from the object that first loaded a
 * library.  The result is a tree for display: a library's own needs are
 * listed under its first appearance only, which also cuts cycles.
 */
#ifndef WHEELAUDIT_LDDTREE_H
#define WHEELAUDIT_LDDTREE_H

#include <stdbool.h>
#include <stddef.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/error.h"
#include "wheelaudit/ldpath.h"

struct wa_lddtree_node {
	const char *name;     /* the DT_NEEDED entry */
	const char *path;     /* host path as found, or the wheel member; NULL: not found */
	const char *found_by; /* "wheel", or a search list of ldpath.h's wa_ld_find
			       * ("rpath", "runpath", "ld.so.conf", "ld-musl path",
			       * ...); NULL when not found */
	struct wa_lddtree_node *needed; /* its own needs (first appearance only) */
	size_t n_needed;
	bool repeated; /* listed (with its needs) earlier in this tree */
};

struct wa_lddtree_root {
	const char *member; /* the wheel member, or the file as given */
	struct wa_lddtree_node *needed;
	size_t n_needed;
};

struct wa_lddtree {
	struct wa_arena arena; /* owns everything below */
	const char *input;     /* the path as given */
	bool is_wheel;
	struct wa_lddtree_root *roots; /* archive order for a wheel */
	size_t n_roots;
	size_t n_missing; /* needed entries not found, over all roots */
};

/* Keeps what is shared between inputs: the configuration (borrowed) and
 * every host library read so far (each is read and inspected once). */
struct wa_lddtree_ctx;

int wa_lddtree_ctx_new(struct wa_lddtree_ctx **out, const struct wa_ld_config *cfg,
		       struct wa_error *err);
void wa_lddtree_ctx_free(struct wa_lddtree_ctx *ctx);

/*
 * Builds the tree of one input: an ELF file (by its magic bytes) or a
 * wheel.  Errors: WA_EIO (cannot read), WA_EBADELF / WA_ENOTWHEEL /
 * wheel errors (invalid input), WA_ENOMEM.  A dependency that cannot be
 * found is not an error (n_missing counts them); one that is found but
 * cannot be inspected is shown without needs.
 */
int wa_lddtree_build(struct wa_lddtree **out, struct wa_lddtree_ctx *ctx, const char *path,
		     struct wa_error *err);
void wa_lddtree_free(struct wa_lddtree *tree);

#endif
