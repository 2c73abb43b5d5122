/* SPDX-License-Identifier: MIT */
/*
 * Library search as glibc's dynamic loader does it, for any architecture:
 * which file a DT_NEEDED name resolves to, given the object that needs it.
 * Nothing here looks inside a wheel; the caller resolves in-wheel names
 * first.  Nothing prints.
 *
 * Order (ld.so(8)): DT_RPATH of the object and of the objects that loaded
 * it (only when the object has no DT_RUNPATH; an ancestor with DT_RUNPATH
 * passes no DT_RPATH on), LD_LIBRARY_PATH, DT_RUNPATH (the object's own,
 * not inherited), the ld.so.conf directories (with
 * their include files, in file order), then the default directories of the
 * architecture (multiarch triplet dirs, lib64/lib32 for biarch ones, /lib,
 * /usr/lib).  $ORIGIN, $LIB and $PLATFORM (and ${...}) are expanded.  A
 * candidate of the wrong class, byte order or machine is skipped.
 */
#ifndef WHEELAUDIT_LDPATH_H
#define WHEELAUDIT_LDPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"

struct wa_ld_options {
	const char *root;            /* prefix for /etc/ld.so.conf and the default dirs
				      * ("" or NULL: the real root); for tests */
	const char *ldpaths;         /* --ldpaths: colon list replacing ld.so.conf and the
				      * default dirs (used as given, without root);
				      * NULL: the system's */
	const char *extra_paths;     /* WHEELAUDIT_LD_LIBRARY_PATH: searched after
				      * LD_LIBRARY_PATH, before DT_RUNPATH; or NULL */
	const char *ld_library_path; /* the LD_LIBRARY_PATH to honour, or NULL */
};

struct wa_ld_config; /* opaque: the parsed configuration */

/* Reads ld.so.conf (when ldpaths is NULL).  *out is freed with wa_ld_config_free.
 * A missing ld.so.conf is not an error; an include loop is cut, not an error. */
int wa_ld_config_load(struct wa_ld_config **out, const struct wa_ld_options *opt,
		      struct wa_error *err);
void wa_ld_config_free(struct wa_ld_config *cfg);

/*
 * One object of a load chain: its search paths as stored, and the object
 * that loaded it (the loader inherits DT_RPATH along this chain).
 */
struct wa_ld_object {
	const struct wa_ld_object *loader; /* or NULL for the first object */
	const char *origin;       /* its host directory for $ORIGIN, or NULL (a wheel member:
				   * entries using $ORIGIN point inside the wheel and are skipped) */
	const char *const *rpath; /* DT_RPATH entries, unexpanded */
	size_t n_rpath;
	const char *const *runpath; /* DT_RUNPATH entries, unexpanded */
	size_t n_runpath;
};

/* The requesting object: what the candidate must match, and where it searches. */
struct wa_ld_request {
	uint8_t elf_class;  /* ELFCLASS32 / ELFCLASS64 */
	uint8_t data;       /* ELFDATA2LSB / ELFDATA2MSB */
	uint16_t machine;   /* EM_* */
	uint32_t flags;     /* e_flags (ARM hard/soft float must match) */
	const char *origin; /* for wa_ld_expand*: the directory $ORIGIN names, or NULL */
	const struct wa_ld_object *object; /* the requester in its load chain, or NULL:
					    * no search paths of its own */
};

/*
 * Finds needed for req.  A name containing '/' is used as a path as is.
 * On success *path is a malloc'd path of the file found (the caller frees
 * it), or NULL when nothing matched - not an error.  *why, when not NULL,
 * is set to a static string saying which list found it ("rpath",
 * "LD_LIBRARY_PATH" - which also covers extra_paths -, "runpath",
 * "ld.so.conf", "default", "ldpaths", or "path" for a name with a '/') or
 * NULL.  Errors are only out-of-memory.  Candidates are probed once per
 * config (the result is cached, under a lock: several threads may search
 * with one config); files changed on disk meanwhile are not noticed.
 */
int wa_ld_find(const struct wa_ld_config *cfg, const struct wa_ld_request *req, const char *needed,
	       char **path, const char **why, struct wa_error *err);

/* Expands $ORIGIN/${ORIGIN}, $LIB/${LIB}, $PLATFORM/${PLATFORM} in one search-path
 * entry for an object of req's architecture.  Returns a malloc'd string, or NULL
 * with *skip set when the entry cannot be expanded (no origin) - the loader
 * ignores such entries - or NULL with err set on out-of-memory. */
char *wa_ld_expand(const struct wa_ld_request *req, const char *entry, bool *skip,
		   struct wa_error *err);

/* The same, with $LIB as cfg's system defines it: Debian and Ubuntu (recognised
 * by /etc/debian_version under the root) expand it to "lib/<triplet>", other
 * systems to the last part of glibc's slibdir ("lib64", "lib", ...), which is
 * what wa_ld_expand (no config) gives.  cfg may be NULL.  wa_ld_find expands
 * LD_LIBRARY_PATH, extra_paths and DT_RUNPATH entries with this; callers
 * expanding DT_RPATH entries for a request should use it too. */
char *wa_ld_expand_with(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			const char *entry, bool *skip, struct wa_error *err);

/* True when the loader would accept an object with this header for req: same
 * class, byte order and machine, and the same ABI variant where the loader
 * checks one (ARM float ABI, MIPS n32/o32, RISC-V float ABI, PPC64 ELFv1/v2;
 * for ARM and PPC64 an object that states none is accepted). */
bool wa_ld_compatible(const struct wa_ld_request *req, uint8_t elf_class, uint8_t data,
		      uint16_t machine, uint32_t flags);

/* The directories searched after RPATH/LD_LIBRARY_PATH/RUNPATH for req, in
 * order (for lddtree --json and tests): borrowed, valid until cfg is freed. */
size_t wa_ld_system_dirs(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			 const char *const **dirs);

#endif
