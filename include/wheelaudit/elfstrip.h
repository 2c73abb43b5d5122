/* SPDX-License-Identifier: MIT */
/*
 * The ELF stripper: removes from a shared object or executable held in
 * memory what the loader never reads (the symbol table, debug information,
 * relocations kept for them), for 32- and 64-bit files of either byte order
 * and any machine, with no external program.  What is removed, what is
 * kept and why, the layout of the result and the refused cases:
 * docs/elf-patching.md, "Stripping".
 *
 * Nothing the loader reads changes: every byte that a segment covers, every
 * allocated section and every program header stays where it was, byte for
 * byte (.dynsym, .dynstr, the version tables, .dynamic, the hash tables,
 * the notes).  What changes: the ELF header's e_shoff, e_shnum and
 * e_shstrndx, the section header table, the section names, the
 * non-allocated sections after the last segment (laid out again without
 * the removed ones), and removed sections outside every segment but below
 * the last one's end, which are zeroed (a file grown by wa_elf_patch:
 * strip before patching to make the file smaller).
 */
#ifndef WHEELAUDIT_ELFSTRIP_H
#define WHEELAUDIT_ELFSTRIP_H

#include <stddef.h>

#include "wheelaudit/error.h"

/*
 * Strips the ELF image in (in_size bytes, only read).  On success *out is a
 * malloc'd image of *out_size bytes that the caller frees.  A file without
 * section headers, or with nothing to remove, comes back as a byte-for-byte
 * copy, so stripping twice gives the same bytes as stripping once.  A file
 * the stripper cannot handle safely (not an executable or shared object,
 * headers or sections outside the file, data appended after the sections,
 * ...) returns WA_EBADELF with member and the reason; nothing is allocated
 * then.
 */
int wa_elf_strip(void **out, size_t *out_size, const void *in, size_t in_size, const char *member,
		 struct wa_error *err);

#endif
