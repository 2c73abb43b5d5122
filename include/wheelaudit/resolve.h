/* SPDX-License-Identifier: MIT */
/*
 * One model of the dynamic loader for the whole tool: which file provides
 * a DT_NEEDED name to an object, and which objects a root loads.
 *
 * A name is looked up as the loader would find it once the wheel is
 * installed: first among the wheel's own members - in the requester's
 * DT_RPATH/DT_RUNPATH directories inside the wheel (DT_RPATH inherited
 * along the load chain, as ld.so does), then any member of the requester's
 * architecture answering to the name (file name, SONAME, or the name a
 * grafted copy stands in for), one in the requester's directory first -
 * and only then on the host, through the library search of ldpath.h.
 *
 * lddtree displays the loads, the graft plan collects the host libraries
 * from them, and the audit asks which needed names the wheel provides.
 * Host files are read (mapped) and inspected once per resolver.  Nothing
 * here prints.
 */
#ifndef WHEELAUDIT_RESOLVE_H
#define WHEELAUDIT_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/error.h"
#include "wheelaudit/ldpath.h"

/* A wheel member the resolver may answer with. */
struct wa_resolver_member {
	const char *path;              /* member path inside the wheel */
	const struct wa_elf_info *elf; /* NULL: not ELF (never answers) */
	const char *provides;          /* a further name it answers to, or NULL */
};

struct wa_resolver;

/* The rules of the resolver's host searches: WA_LD_RULES_ANDROID for an
 * Android wheel (cross-compiled: never the build machine's directories);
 * the default, WA_LD_RULES_AUTO, follows the config's host rules. */
void wa_resolver_set_rules(struct wa_resolver *r, enum wa_ld_rules rules);

/*
 * A resolver over members (borrowed; they, their strings and cfg must
 * outlive it).  cfg NULL: no host search (names not in the wheel are not
 * found).  limits bound the inspection of host files (NULL: defaults).
 */
int wa_resolver_new(struct wa_resolver **out, const struct wa_ld_config *cfg,
		    const struct wa_resolver_member *members, size_t n_members,
		    const struct wa_elf_limits *limits, struct wa_error *err);
void wa_resolver_free(struct wa_resolver *r);

/*
 * The member that provides needed to member from, inside the wheel, or -1:
 * from's own DT_RPATH (unless it has DT_RUNPATH) and DT_RUNPATH directories
 * inside the wheel, then by name anywhere.  Sets err only when out of
 * memory (then returns -2).
 */
long wa_resolver_in_wheel(struct wa_resolver *r, size_t from, const char *needed,
			  struct wa_error *err);

/* ---- loads ---------------------------------------------------------- */

struct wa_load_node;

struct wa_load_edge {
	const char *name;            /* the DT_NEEDED entry */
	struct wa_load_node *target; /* NULL: not found, or not searched */
	bool skipped;                /* the filter did not want it searched */
};

struct wa_load_node {
	const char *path;                  /* host path as found, or the member path */
	const char *ident;                 /* its identity: the real path, or "wheel:<member>" */
	const char *found_by;              /* "root", "wheel", or a search list of wa_ld_find
					    * ("rpath", "runpath", "ld.so.conf", "ld-musl path", ...) */
	const struct wa_elf_info *elf;     /* NULL: it could not be inspected (problem says why) */
	const char *problem;               /* or NULL */
	long member;                       /* the wheel member, or -1 for a host file */
	size_t index;                      /* its place in the load's nodes */
	const struct wa_load_node *loader; /* the object that first loaded it; NULL: root */
	struct wa_load_edge *edges;        /* its DT_NEEDED entries, resolved */
	size_t n_edges;
	bool expanded;               /* its dependencies were loaded (edges are set) */
	struct wa_load_paths *paths; /* the resolver's own: its search paths */
};

/* One root and what it loads, breadth first, in load order. */
struct wa_load {
	struct wa_arena arena;
	struct wa_load_node **nodes; /* nodes[0] is the root */
	size_t n_nodes;
};

/*
 * Narrows a load.  want: search this needed entry of from at all (else the
 * edge is skipped)?  descend: load the dependencies of this newly found
 * object too?  Either may be NULL (yes).
 */
struct wa_load_filter {
	bool (*want)(void *ctx, const struct wa_load_node *from, const char *needed);
	bool (*descend)(void *ctx, const struct wa_load_node *node);
	void *ctx;
};

/*
 * Loads member (or the host file at path) and its dependencies as the
 * loader does: breadth first; a name matching an object already loaded
 * (by a name it was requested by, or its SONAME) is that object; the same
 * file reached twice is one object.  Errors: out of memory; for a file
 * root, WA_EIO/WA_EBADELF when it cannot be read or inspected.  A
 * dependency that is not found, or cannot be inspected, is not an error.
 * *out is owned by the caller (wa_load_free); its nodes point into the
 * resolver's host files, so it must not outlive the resolver.
 */
int wa_resolver_load_member(struct wa_load **out, struct wa_resolver *r, size_t member,
			    const struct wa_load_filter *filter, struct wa_error *err);
int wa_resolver_load_file(struct wa_load **out, struct wa_resolver *r, const char *path,
			  const struct wa_load_filter *filter, struct wa_error *err);
void wa_load_free(struct wa_load *load);

#endif
