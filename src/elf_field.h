/* SPDX-License-Identifier: MIT */
/*
 * Where the members of the <elf.h> structures lie for a file's class, so
 * the ELF writers (elfpatch.c, elfstrip.c) read and write both classes in
 * either byte order with the same code (wa_load_uint / wa_store_uint from
 * bytes.h at these offsets).  Private to src/.
 */
#ifndef WHEELAUDIT_ELF_FIELD_H
#define WHEELAUDIT_ELF_FIELD_H

#include <elf.h>
#include <stddef.h>

struct field {
	size_t off, width;
};

#define FIELD(is64, T, m)                                                                          \
	((is64) ? (struct field){offsetof(Elf64_##T, m), sizeof(((Elf64_##T *)0)->m)}              \
		: (struct field){offsetof(Elf32_##T, m), sizeof(((Elf32_##T *)0)->m)})
#define SIZEOF(is64, T) ((is64) ? sizeof(Elf64_##T) : sizeof(Elf32_##T))

#endif
