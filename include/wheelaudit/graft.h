/* SPDX-License-Identifier: MIT */
/*
 * Grafting: which host libraries a wheel needs copied in, under which
 * names, and the ELF edits that make the wheel's members (and the copies)
 * load them.  Reads host files through the library search (ldpath.h);
 * patches in memory (elfpatch.h); writes nothing.  Nothing prints.
 *
 * The plan is built from an audit: its external libraries are resolved on
 * the host the way the loader would for the member that needs them, then
 * each found library's own external dependencies, and so on.  Each library
 * is read, hashed and inspected once, however many members need it.
 */
#ifndef WHEELAUDIT_GRAFT_H
#define WHEELAUDIT_GRAFT_H

#include <stdbool.h>
#include <stddef.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/error.h"
#include "wheelaudit/ldpath.h"

struct wa_graft_lib {
	const char *needed;     /* the DT_NEEDED name it satisfies: "libfoo.so.1" */
	const char *host_path;  /* the file found on this machine */
	const char *found_by;   /* which search list found it (ldpath.h) */
	const char *new_name;   /* "libfoo-1a2b3c4d.so.1" (8 hex of the file's sha256) */
	const char *member;     /* "<dist>.libs/libfoo-1a2b3c4d.so.1" */
	const char **needed_by; /* wheel members and other grafted libraries */
	size_t n_needed_by, needed_by_cap;
	void *bytes; /* the file as read (malloc'd, owned; freed once patched) */
	size_t size;
	void *patched; /* after wa_graft_patch_libs (malloc'd, owned) */
	size_t patched_size;
	struct wa_elf_info *elf;  /* of bytes, then of patched; owned until wa_audit_regraft */
	const char **rpath_chain; /* DT_RPATH dirs its own dependencies inherit (expanded) */
	size_t n_rpath_chain;
};

/* A library no search found (the repair is then rejected). */
struct wa_graft_missing {
	const char *name;
	const char *needed_by;
};

struct wa_graft_plan {
	struct wa_arena arena;
	const char *libs_dir; /* "<dist>.libs" */
	struct wa_graft_lib **libs;
	size_t n_libs;
	struct wa_graft_missing *missing;
	size_t n_missing;
};

/*
 * Builds the plan for the audit's external libraries (a->externals), for a
 * wheel whose distribution name is dist.  opt is the audit's options (for
 * --exclude).  A library that is not found is listed in missing, not an
 * error.  Errors: out of memory, a found library that cannot be read or is
 * not valid ELF (WA_EIO / WA_EBADELF naming its path), or one that
 * exceeds the member limits.
 */
int wa_graft_plan_build(struct wa_graft_plan **out, const struct wa_audit *a,
			const struct wa_audit_options *opt, const struct wa_ld_config *cfg,
			const char *dist, struct wa_error *err);
void wa_graft_plan_free(struct wa_graft_plan *plan);

/* The grafted library that stands in for a DT_NEEDED name, or NULL. */
const struct wa_graft_lib *wa_graft_find(const struct wa_graft_plan *plan, const char *needed);

/* Patches every planned library: SONAME = new name, its grafted
 * dependencies renamed, DT_RPATH $ORIGIN where it has a search path or
 * needs another grafted library.  Each library's elf then describes the
 * patched copy (inspected with limits), and its original bytes are freed. */
int wa_graft_patch_libs(struct wa_graft_plan *plan, const struct wa_elf_limits *limits,
			struct wa_error *err);

/*
 * Patches the wheel member `member` (its current bytes in, elf its
 * inspection): DT_NEEDED entries with a grafted stand-in renamed, and
 * DT_RPATH = its search-path entries that stay inside the installed tree,
 * then $ORIGIN/<relative path from new_dir to the .libs dir>.  Paths are
 * as installed (relative to site-packages): installed is where the member
 * lands today (a .data/platlib/ member lands at the root), new_dir the
 * directory it will land in (another one for a moved script).  *out is
 * malloc'd; *changed is false (and *out NULL) when the member needs no
 * grafted library.
 */
int wa_graft_patch_member(const struct wa_graft_plan *plan, const char *member,
			  const char *installed, const char *new_dir, const struct wa_elf_info *elf,
			  const void *bytes, size_t size, void **out, size_t *out_size,
			  bool *changed, struct wa_error *err);

/* True when the member needs at least one grafted library. */
bool wa_graft_member_affected(const struct wa_graft_plan *plan, const struct wa_elf_info *elf);

#endif
