/* SPDX-License-Identifier: MIT */
/*
 * The ELF patcher: the dynamic-section edits grafting needs, done in
 * memory, for 32- and 64-bit files of either byte order, with no external
 * program.  Design, guarantees and refused cases: docs/elf-patching.md.
 *
 * An edit never changes the file layout when it fits in place (a string
 * that fits where its old bytes are and that nothing else shares, a
 * dynamic entry that has a spare DT_NULL slot).  Otherwise the dynamic
 * string table (and, when an entry must be added, the dynamic table) gets
 * a new copy in a new PT_LOAD segment at the end of the file; existing
 * segments keep their offsets and addresses.
 */
#ifndef WHEELAUDIT_ELFPATCH_H
#define WHEELAUDIT_ELFPATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"

/* One DT_NEEDED rename: every DT_NEEDED entry equal to from, and every
 * .gnu.version_r vn_file equal to from, becomes to. */
struct wa_elf_rename {
	const char *from;
	const char *to;
};

struct wa_elf_edit {
	const char *soname;                  /* set (or add) DT_SONAME; NULL: leave it */
	const struct wa_elf_rename *renames; /* NULL when n_renames is 0 */
	size_t n_renames;
	const char *rpath; /* NULL: leave both; else the new search path ("" allowed) */
	bool as_runpath;   /* store rpath as DT_RUNPATH instead of DT_RPATH */
	/* DT_NEEDED names to remove (libpython3.11.so.1.0 from an extension
	 * module, whose symbols the interpreter provides); NULL when
	 * n_remove_needed is 0 */
	const char *const *remove_needed;
	size_t n_remove_needed;
};

/*
 * Applies edit to the ELF image in (in_size bytes, only read).  On success
 * *out is a malloc'd image of *out_size bytes that the caller frees; it is
 * a byte-for-byte copy when the edit changes nothing.  A rename whose from
 * is not needed by the file is not an error (nothing happens), nor is the
 * removal of a name the file does not need.  Setting rpath replaces
 * DT_RPATH and DT_RUNPATH: the result has exactly one of them.  Removing a
 * DT_NEEDED takes out every entry of that name (renames and removals both
 * match the input's names; removal wins); it is refused when
 * .gnu.version_r requires versions of that library.  A file the patcher
 * cannot edit safely (no PT_DYNAMIC, no DT_STRTAB, tables outside the
 * file, ...) returns WA_EBADELF with member and the reason; nothing is
 * allocated then.
 */
int wa_elf_patch(void **out, size_t *out_size, const void *in, size_t in_size,
		 const struct wa_elf_edit *edit, const char *member, struct wa_error *err);

/*
 * The same edit applied to the malloc'd image *buf of *size bytes, which
 * it takes over: on success *buf (reallocated) and *size are the result,
 * the same bytes wa_elf_patch gives, without holding a second copy - so
 * a big library costs its size once, not twice.  On an error *buf is
 * still the caller's to free, but its content is undefined.
 */
int wa_elf_patch_in_place(void **buf, size_t *size, const struct wa_elf_edit *edit,
			  const char *member, struct wa_error *err);

/* The smallest p_align a new segment gets for a machine (EM_*): the
 * largest page size its kernels may use (64 KiB on AArch64, ARM, PowerPC,
 * MIPS and LoongArch; 4 KiB elsewhere). */
uint64_t wa_elf_patch_min_align(uint16_t machine);

#endif
