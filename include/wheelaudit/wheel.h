/* SPDX-License-Identifier: MIT */
/*
 * Wheel semantics over the zip adapter: safe member names, the .dist-info
 * directory, WHEEL and RECORD, and one pass over every member that hashes
 * it, checks it against RECORD and hands ELF members to a callback.
 */
#ifndef WHEELAUDIT_WHEEL_H
#define WHEELAUDIT_WHEEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"
#include "wheelaudit/tag.h"

/* Bounds on what a wheel may make us read; a wheel is untrusted input. */
struct wa_limits {
	uint64_t max_member_bytes; /* decompressed bytes of one member */
	uint64_t max_total_bytes;  /* decompressed bytes of all members */
	size_t max_members;        /* entries in the archive */
	uint64_t max_ratio;        /* decompressed / compressed bytes of a member (0: none) */
};

/*
 * Fills the defaults: 2 GiB per member, 16 GiB per wheel, 200000 members,
 * ratio 1100 (above deflate's ceiling of about 1032:1, so only methods
 * that can expand further - bzip2, xz, zstd - can reach it).
 */
void wa_limits_default(struct wa_limits *l);

struct wa_member {
	const char *name;        /* borrowed from the wheel */
	uint64_t size;           /* decompressed size (declared before the scan, actual after) */
	uint64_t comp_size;      /* compressed size as stored */
	unsigned mode;           /* unix mode bits when recorded, else 0 */
	bool is_dir;             /* a directory entry ("a/b/") */
	bool is_elf;             /* starts with the ELF magic (known after the scan) */
	bool in_record;          /* RECORD lists it */
	bool record_hashed;      /* RECORD gives a digest we verified */
	bool looks_like_library; /* named *.so or *.so.N */
};

struct wa_wheel;

/* The longest member name accepted, in bytes. */
#define WA_MEMBER_NAME_MAX 4096

/*
 * Why name cannot be a member of a wheel - read or written - or NULL when
 * it can: empty, absolute, a drive letter, a '..' component, a backslash
 * or control byte, not valid UTF-8, over WA_MEMBER_NAME_MAX bytes or with a
 * component over 255.  The same rules judge input names and the names
 * repair makes (grafted libraries, moved programs).
 */
const char *wa_member_name_problem(const char *name);

/*
 * Opens a wheel read-only and checks its structure: member names (no
 * absolute paths, no '..', no backslashes or control characters, no
 * duplicates, no symlinks, no encryption, supported compression), the file
 * name, the .dist-info directory, WHEEL and RECORD (every listed path must
 * exist).  Errors name the member at fault.  *out owned by the caller.
 */
int wa_wheel_open(struct wa_wheel **out, const char *path, const struct wa_limits *limits,
		  struct wa_error *err);
void wa_wheel_free(struct wa_wheel *w);

/* Borrowed views, valid until wa_wheel_free. */
const char *wa_wheel_path(const struct wa_wheel *w);
const struct wa_wheel_name *wa_wheel_filename(const struct wa_wheel *w);
const char *wa_wheel_dist_info(const struct wa_wheel *w); /* "foo-1.0.dist-info" */
const char *wa_wheel_version(const struct wa_wheel *w);   /* Wheel-Version */
bool wa_wheel_root_is_purelib(const struct wa_wheel *w);
size_t wa_wheel_tag_count(const struct wa_wheel *w);
const char *wa_wheel_tag(const struct wa_wheel *w, size_t i); /* WHEEL "Tag:" lines */
size_t wa_wheel_member_count(const struct wa_wheel *w);
const struct wa_member *wa_wheel_member(const struct wa_wheel *w, size_t i);
/*
 * What a writer needs to produce a repaired copy: the open archive (for
 * raw entry copies; only from the thread that opened the wheel, and not
 * during wa_wheel_scan), the indices of WHEEL and RECORD, WHEEL's text as
 * stored, and RECORD as lines (each with its terminator, and the member it
 * lists, or -1 for a blank line).
 */
struct wa_zip *wa_wheel_zip(struct wa_wheel *w);
size_t wa_wheel_wheel_member(const struct wa_wheel *w);
size_t wa_wheel_record_member(const struct wa_wheel *w);
const char *wa_wheel_wheel_text(const struct wa_wheel *w, size_t *len);

struct wa_record_line {
	const char *text; /* not NUL-terminated at len */
	size_t len;       /* including the '\n', when there is one */
	long member;
};
size_t wa_wheel_record_line_count(const struct wa_wheel *w);
const struct wa_record_line *wa_wheel_record_line(const struct wa_wheel *w, size_t i);
/* The digest algorithm RECORD gives for a member ("sha256"), or NULL when none. */
const char *wa_wheel_record_digest(const struct wa_wheel *w, size_t member);

/* Remarks found while reading (RECORD without digests, unknown hash names). */
size_t wa_wheel_note_count(const struct wa_wheel *w);
const char *wa_wheel_note(const struct wa_wheel *w, size_t i);

/*
 * Called once for each ELF member with its whole content in memory.  May be
 * called from several threads at once (never twice for the same member);
 * the bytes are freed when it returns.  A non-zero return is an error for
 * that member (fill err).
 */
typedef int (*wa_wheel_elf_fn)(void *ctx, size_t member, const char *name, const void *bytes,
			       size_t size, struct wa_error *err);

/*
 * Reads every member exactly once with up to `threads` threads: hashes it
 * and compares with RECORD (digest and size), notes whether it is ELF, and
 * passes ELF members to fn.  Non-ELF members are streamed, never held.
 * When several members fail, the error of the first in archive order is
 * returned, so results do not depend on thread timing.
 */
int wa_wheel_scan(struct wa_wheel *w, unsigned threads, wa_wheel_elf_fn fn, void *ctx,
		  struct wa_error *err);

/* ===== wheel layout (PEP 427) =====
 *
 * Where members of a wheel go, decided from names alone.  dist_info is
 * "<name>-<version>.dist-info"; its data directory is
 * "<name>-<version>.data".
 */

/* True when name lies inside the .dist-info directory. */
bool wa_wheel_in_dist_info(const struct wa_wheel *w, const char *name);

/* True for RECORD's signatures (RECORD.jws, RECORD.p7s), which a new RECORD invalidates. */
bool wa_wheel_is_signature(const struct wa_wheel *w, const char *name);

/*
 * When name is under the data directory's key/ subdirectory ("scripts",
 * "platlib", "purelib", "headers", "data"), returns the rest of the name
 * after "<data dir>/<key>/", else NULL.
 */
const char *wa_wheel_data_part(const struct wa_wheel *w, const char *name, const char *key);

/*
 * Where an installer puts a member, relative to the directory that holds
 * the packages (site-packages): platlib/ and purelib/ members land at its
 * root, the rest as named.  *scheme, when not NULL, is set to "platlib",
 * "purelib" or NULL (the wheel's root, which WHEEL's Root-Is-Purelib maps
 * to one of them).
 */
const char *wa_wheel_installed_path(const struct wa_wheel *w, const char *name,
				    const char **scheme);

#endif
