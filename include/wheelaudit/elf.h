/* SPDX-License-Identifier: MIT */
/*
 * ELF inspection from memory.  The only module (with a future patcher) that
 * includes <libelf.h>.  The result is self-contained: every string is
 * copied into the info's own arena, so it outlives the input bytes.
 *
 * The dynamic data is found the way the loader finds it: PT_DYNAMIC, then
 * DT_STRTAB / DT_SYMTAB / DT_VERNEED / DT_VERSYM translated through PT_LOAD.
 * Section headers, when present, serve only as a cross-check.
 */
#ifndef WHEELAUDIT_ELF_H
#define WHEELAUDIT_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/error.h"

/* One version requirement (Elf_Vernaux) with the library that must provide it. */
struct wa_elf_verneed {
	const char *library; /* vn_file, e.g. "libc.so.6" */
	const char *version; /* vna_name, e.g. "GLIBC_2.17" */
	bool weak;           /* VER_FLG_WEAK: the loader does not fail without it */
	uint16_t index;      /* vna_other: the index symbols refer to */
};

/* One undefined dynamic symbol. */
struct wa_elf_undef {
	const char *name;
	int verneed; /* index into needs[], or -1 when unversioned */
	bool weak;   /* STB_WEAK binding */
};

enum wa_elf_isa {
	WA_ISA_NONE = 0, /* no GNU_PROPERTY_X86_ISA_1_NEEDED note */
	WA_ISA_BASELINE = 1,
	WA_ISA_V2 = 2,
	WA_ISA_V3 = 3,
	WA_ISA_V4 = 4,
};

struct wa_elf_info {
	struct wa_arena arena; /* owns every string and array below */

	/* Header */
	uint8_t elf_class; /* ELFCLASS32 / ELFCLASS64 */
	uint8_t data;      /* ELFDATA2LSB / ELFDATA2MSB */
	uint8_t osabi;
	uint16_t type;    /* ET_DYN, ET_EXEC, ... */
	uint16_t machine; /* EM_* */
	uint32_t flags;   /* e_flags */

	/* Dynamic data (all NULL/empty for a static executable) */
	const char *interp; /* PT_INTERP, or NULL */
	const char *soname; /* DT_SONAME, or NULL */
	const char **needed;
	size_t n_needed;
	const char **rpath; /* DT_RPATH split at ':' */
	size_t n_rpath;
	const char **runpath; /* DT_RUNPATH split at ':' */
	size_t n_runpath;
	struct wa_elf_verneed *needs;
	size_t n_needs;
	struct wa_elf_undef *undefs;
	size_t n_undefs;
	size_t n_dynsyms; /* symbols in the dynamic symbol table */
	bool has_dynamic; /* has a PT_DYNAMIC segment */
	bool pie;         /* DT_FLAGS_1 has DF_1_PIE: a position-independent program */

	enum wa_elf_isa x86_isa_needed; /* highest level named by the note */
	uint32_t android_api; /* .note.android.ident: the API level built for (0: no note) */

	/* Cross-check against section headers */
	bool has_section_headers;
	const char **notes; /* human-readable remarks (disagreements found) */
	size_t n_notes;
};

/* Initialises libelf once per process; safe to call repeatedly and from threads. */
int wa_elf_library_init(struct wa_error *err);

/* True when the buffer starts with the ELF magic bytes. */
bool wa_elf_is_elf(const void *bytes, size_t size);

/*
 * Bounds on what one ELF file may make us read or keep.  Hitting one is an
 * error (WA_ELIMIT), never a silently shorter list.
 */
struct wa_elf_limits {
	uint64_t max_entries; /* program headers, dynamic entries, version-needs entries */
	uint64_t max_symbols; /* dynamic symbols */
	uint64_t max_string;  /* bytes of one name (library, version, symbol, path list) */
};

/* 1 Mi entries, 16 Mi symbols, 1 MiB strings: far above real files. */
void wa_elf_limits_default(struct wa_elf_limits *l);

/*
 * Inspects an ELF image held in memory.  member names the wheel member, for
 * errors.  On success *out is owned by the caller (wa_elf_info_free).  A
 * malformed file returns WA_EBADELF with the member and what is wrong.
 * The bytes are only read, and need not outlive the call.
 */
int wa_elf_inspect(struct wa_elf_info **out, const void *bytes, size_t size, const char *member,
		   struct wa_error *err);
/* The same with explicit limits (NULL: the defaults). */
int wa_elf_inspect_limited(struct wa_elf_info **out, const void *bytes, size_t size,
			   const char *member, const struct wa_elf_limits *limits,
			   struct wa_error *err);

/* Frees an info and everything in it; NULL is allowed. */
void wa_elf_info_free(struct wa_elf_info *info);

#endif
