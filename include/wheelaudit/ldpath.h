/* SPDX-License-Identifier: MIT */
/*
 * Library search as a Linux dynamic loader does it, for any architecture:
 * which file a DT_NEEDED name resolves to, given the object that needs it.
 * Three rule sets (docs/lddtree.md has the details):
 *
 * - glibc (ld.so(8)): DT_RPATH of the object and of the objects that
 *   loaded it (only when the object has no DT_RUNPATH; an ancestor with
 *   DT_RUNPATH passes no DT_RPATH on), LD_LIBRARY_PATH, DT_RUNPATH (the
 *   object's own, not inherited), the ld.so.conf directories (with their
 *   include files, in file order), then the default directories of the
 *   architecture (multiarch triplet dirs, lib64/lib32 for biarch ones,
 *   /lib, /usr/lib).  $ORIGIN, $LIB and $PLATFORM (and ${...}) expand.
 * - musl: LD_LIBRARY_PATH, then the search path of the object and of each
 *   object that loaded it in turn (an object's path is its DT_RUNPATH when
 *   it has one, else its DT_RPATH: both are inherited), then the entries
 *   of /etc/ld-musl-<arch>.path, else /lib:/usr/local/lib:/usr/lib.  Only
 *   $ORIGIN expands; no ld.so.conf, no cache.
 * - Android (bionic, chosen per request by the caller: the wheel is
 *   cross-compiled): extra_paths, the $ORIGIN entries of the object's own
 *   DT_RUNPATH (DT_RPATH is not read), then ldpaths - never the build
 *   machine's LD_LIBRARY_PATH, ld.so.conf or default directories.
 *
 * In every rule set a directory with a glibc-hwcaps component is skipped,
 * and a candidate of the wrong class, byte order or machine is passed
 * over.  Nothing here looks inside a wheel; the caller resolves in-wheel
 * names first.  Nothing prints.
 */
#ifndef WHEELAUDIT_LDPATH_H
#define WHEELAUDIT_LDPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"

/* Whose loader a search follows. */
enum wa_ld_rules {
	WA_LD_RULES_AUTO = 0, /* options.host: detect the host's; request.rules: the config's */
	WA_LD_RULES_GLIBC,
	WA_LD_RULES_MUSL,
	WA_LD_RULES_ANDROID,
};

struct wa_ld_options {
	const char *root;            /* the system searched: prefix for /etc/ld.so.conf,
				      * /etc/ld-musl-<arch>.path, the default dirs and the
				      * host detection ("" or NULL: the real root) */
	const char *ldpaths;         /* --ldpaths: colon list replacing ld.so.conf (or the
				      * ld-musl path file) and the default dirs, used as
				      * given, without root; the only system list under
				      * Android rules; NULL: the system's */
	const char *extra_paths;     /* WHEELAUDIT_LD_LIBRARY_PATH: searched right after
				      * LD_LIBRARY_PATH (in its place under Android
				      * rules); or NULL */
	const char *ld_library_path; /* the LD_LIBRARY_PATH to honour (never under
				      * Android rules), or NULL */
	enum wa_ld_rules host;       /* the host loader's rules; AUTO: wa_ld_detect_rules(root) */
};

struct wa_ld_config; /* opaque: the parsed configuration */

/* Prepares a configuration; *out is freed with wa_ld_config_free.  The
 * host's system lists (ld.so.conf, the ld-musl path file) are read on first
 * use, once per config: a missing file is not an error, an include loop is
 * cut.  An unknown opt->host is WA_ECONFIG. */
int wa_ld_config_load(struct wa_ld_config **out, const struct wa_ld_options *opt,
		      struct wa_error *err);
void wa_ld_config_free(struct wa_ld_config *cfg);

/* The host rules cfg follows (detected or forced; never AUTO). */
enum wa_ld_rules wa_ld_config_rules(const struct wa_ld_config *cfg);

/* "glibc", "musl", "android" or "auto": for messages and JSON. */
const char *wa_ld_rules_name(enum wa_ld_rules rules);

/* The host loader of the system under root ("" or NULL: the real root):
 * MUSL when the PT_INTERP of <root>/bin/sh (symbolic links followed inside
 * root) is an ld-musl-* loader; when /bin/sh gives no answer (missing,
 * static, unreadable), MUSL when <root>/lib holds an ld-musl-* file;
 * GLIBC otherwise. */
enum wa_ld_rules wa_ld_detect_rules(const char *root);

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
	enum wa_ld_rules rules;            /* AUTO: the config's host rules; ANDROID for an
					    * Android wheel (its libraries come from
					    * extra_paths and ldpaths only) */
};

/* The rules a search for req follows under cfg (cfg may be NULL: glibc's). */
enum wa_ld_rules wa_ld_request_rules(const struct wa_ld_config *cfg,
				     const struct wa_ld_request *req);

/* musl's name for req's architecture, as in /etc/ld-musl-<name>.path and
 * /lib/ld-musl-<name>.so.1 ("x86_64", "armhf", "aarch64_be", "mips64el",
 * "powerpc64le", "riscv64"...), or NULL where musl has no port.  Soft-float
 * MIPS and PowerPC ("-sf") cannot be told from the ELF header: the
 * hard-float name is given. */
const char *wa_ld_musl_arch(const struct wa_ld_request *req);

/*
 * Finds needed for req.  A name containing '/' is used as a path as is.
 * On success *path is a malloc'd path of the file found (the caller frees
 * it), or NULL when nothing matched - not an error.  *why, when not NULL,
 * is set to a static string saying which list found it ("rpath",
 * "LD_LIBRARY_PATH" - which also covers extra_paths -, "runpath",
 * "ld.so.conf", "default", "ld-musl path", "musl default", "ldpaths", or
 * "path" for a name with a '/') or NULL.  Under musl rules an inherited
 * path says "rpath" or "runpath" after the tag it came from.  Errors are only out-of-memory.
 * Candidates are probed once per config (the result is cached, under a lock: several threads may
 * search with one config); files changed on disk meanwhile are not noticed.
 */
int wa_ld_find(const struct wa_ld_config *cfg, const struct wa_ld_request *req, const char *needed,
	       char **path, const char **why, struct wa_error *err);

/* Expands $ORIGIN/${ORIGIN}, $LIB/${LIB}, $PLATFORM/${PLATFORM} in one search-path
 * entry for an object of req's architecture.  Returns a malloc'd string, or NULL
 * with *skip set when the entry cannot be expanded (no origin) - the loader
 * ignores such entries - or NULL with err set on out-of-memory.
 * Under musl rules only $ORIGIN/${ORIGIN} expand (matched as a prefix, as
 * musl does: "$ORIGINAL" is the origin followed by "AL"), and an entry with
 * any other '$' is skipped (musl ignores the object's whole path then);
 * under Android rules $ORIGIN and $LIB ("lib64" or "lib") expand the same
 * way and any other '$' stays as written. */
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

/* The directories searched after RPATH/LD_LIBRARY_PATH/RUNPATH for req under
 * its rules, in order (for lddtree --json and tests): ld.so.conf and the
 * defaults (glibc), the ld-musl path file or musl's defaults (musl), or
 * --ldpaths instead of either; --ldpaths only (Android).  Borrowed, valid
 * until cfg is freed. */
size_t wa_ld_system_dirs(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			 const char *const **dirs);

#endif
