/* SPDX-License-Identifier: MIT */
/*
 * Grafting: which host libraries a wheel needs copied in, under which
 * names, and the ELF edits that make the wheel's members (and the copies)
 * load them.  Libraries are found by the loader model (resolve.h), read
 * and hashed here, and checked to be shared libraries; nothing is written
 * and no member is patched here (the repair writer applies the edits).
 * Nothing prints.
 *
 * The plan is built from an audit: every member's load is replayed, with
 * only the names the audit calls external searched, and the host objects
 * found for them followed in turn.  Each library is read, hashed and
 * inspected once, however many members need it.
 */
#ifndef WHEELAUDIT_GRAFT_H
#define WHEELAUDIT_GRAFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/elfpatch.h"
#include "wheelaudit/error.h"
#include "wheelaudit/ldpath.h"

/* The file a library was read from, as the writer must find it again. */
struct wa_host_file {
	const char *path;    /* as found, read from */
	const char *display; /* the same with "." and ".." folded, for reports */
	uint64_t dev, ino, size;
	int64_t mtime_sec, mtime_nsec;
};

/*
 * Reads the library f records into a malloc'd buffer (*out, *len bytes;
 * one spare byte).  WA_EIO when it cannot be read or is no longer that
 * file - the planner and the writer read the bytes the name was hashed
 * from, or nothing.
 */
int wa_host_file_read(const struct wa_host_file *f, void **out, size_t *len, struct wa_error *err);

struct wa_graft_lib {
	const char *needed; /* the DT_NEEDED name it satisfies: "libfoo.so.1" */
	struct wa_host_file file;
	const char *found_by;   /* which search list found it (ldpath.h) */
	const char *sha256;     /* hex digest of the file as found */
	const char *new_name;   /* "libfoo-1a2b3c4d.so.1" (8 hex of the sha256) */
	const char *member;     /* "<libs dir>/libfoo-1a2b3c4d.so.1" */
	const char **needed_by; /* wheel members and other grafted libraries (their member) */
	size_t n_needed_by, needed_by_cap;
	struct wa_elf_edit edit; /* SONAME = new name, grafted needs renamed, DT_RPATH $ORIGIN */
	struct wa_elf_info *elf; /* of the patched copy; owned until the second audit takes it */
};

/* A library no search found, or whose candidate was refused (the repair is then rejected). */
struct wa_graft_missing {
	const char *name;
	const char *needed_by;
	const char *reason; /* NULL: not found; else why the file found is not grafted */
};

struct wa_graft_plan {
	struct wa_arena arena;
	const char *libs_dir; /* "<dist>.libs" */
	bool runpath;         /* search paths as DT_RUNPATH (Android), else DT_RPATH */
	struct wa_graft_lib **libs;
	size_t n_libs;
	struct wa_graft_missing *missing;
	size_t n_missing;
};

/*
 * Builds the plan for the audit's external libraries, to be copied into
 * libs_dir.  opt is the audit's options (--exclude, limits).  A library
 * that is not found, or whose file is no shared library of the wheel's
 * architecture, is listed in missing, not an error.  Errors: out of memory,
 * a found library that cannot be read (WA_EIO naming its path) or patched
 * (WA_EBADELF), or one beyond the member size limit (WA_ELIMIT).
 */
int wa_graft_plan_build(struct wa_graft_plan **out, const struct wa_audit *a,
			const struct wa_audit_options *opt, const struct wa_ld_config *cfg,
			const char *libs_dir, struct wa_error *err);
void wa_graft_plan_free(struct wa_graft_plan *plan);

/* The grafted library that stands in for a DT_NEEDED name, or NULL. */
const struct wa_graft_lib *wa_graft_find(const struct wa_graft_plan *plan, const char *needed);

/* True when the member (elf) needs at least one grafted library. */
bool wa_graft_member_affected(const struct wa_graft_plan *plan, const struct wa_elf_info *elf);

/*
 * The edit of a member that needs grafted libraries: its DT_NEEDED entries
 * with a grafted stand-in renamed, and DT_RPATH = its search-path entries
 * that stay inside the installed tree, then $ORIGIN/<relative path from
 * new_dir to the libs dir>.  Paths are as installed (relative to
 * site-packages): installed is where the member lands today (a
 * .data/platlib/ member lands at the root), new_dir the directory it will
 * land in (another one for a moved script).  Strings go to arena a.
 * Returns 0 or -WA_ENOMEM (err set).
 */
int wa_graft_member_edit(const struct wa_graft_plan *plan, const char *installed,
			 const char *new_dir, const struct wa_elf_info *elf, struct wa_arena *a,
			 struct wa_elf_edit *edit, struct wa_error *err);

#endif
