/* SPDX-License-Identifier: MIT */
/*
 * Writing a zip archive, entry by entry, in the order given: entries of
 * an input archive copied without recompression (same compressed bytes,
 * CRC, method, timestamps and attributes), and new entries compressed
 * here.  The archive is an atomic output file (outfile.h): it appears
 * under its final name only when wa_zipout_commit succeeds.
 */
#ifndef WHEELAUDIT_ZIPOUT_H
#define WHEELAUDIT_ZIPOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"
#include "wheelaudit/zip.h"

struct wa_zipout;

/* The deflate level of new entries unless -z says otherwise.  The yardstick
 * is zlib's 6, the level zip, Python's zipfile and auditwheel default to:
 * libdeflate's 5 stays within 1 % of its size (0.3 % smaller on the graft
 * bench) and runs some 15 % faster than libdeflate's 6, while 4 is 2 %
 * bigger (docs/repair.md, "Speed and memory"). */
#define WA_ZIP_LEVEL_DEFAULT 5

struct wa_zipout_options {
	bool force_zip64; /* ZIP64 records even when small (tests the large-archive path) */
};

/* opt may be NULL. */
int wa_zipout_open(struct wa_zipout **out, const char *final_path,
		   const struct wa_zipout_options *opt, struct wa_error *err);

/* Copies entry index of in as it is stored (see wa_zip_raw_entry). */
int wa_zipout_copy(struct wa_zipout *o, struct wa_zip *in, size_t index, struct wa_error *err);

/* How a new entry is stored. */
struct wa_zipout_meta {
	uint16_t method; /* 0 stored or 8 deflated; other methods are deflated */
	int level;       /* deflate level 1-9, or -1 (or 0 with method 8): WA_ZIP_LEVEL_DEFAULT */
	uint16_t dos_time, dos_date;
	uint16_t version_made_by; /* high byte: host system (3 = Unix) */
	uint32_t external_attr;   /* Unix mode in the high 16 bits */
};

/* Adds an entry with the given content (compressed here, deterministically):
 * wa_zipout_pack then wa_zipout_put. */
int wa_zipout_add(struct wa_zipout *o, const char *name, const struct wa_zipout_meta *meta,
		  const void *data, size_t len, struct wa_error *err);

/*
 * A new entry made ready to write: CRC computed and content compressed.
 * Packing touches no shared state, so any number of threads may pack at
 * once while one thread puts the packed entries in order - the bytes are
 * the same whichever thread packed what.
 */
struct wa_zipout_packed {
	const char *name; /* not owned: must outlive wa_zipout_put */
	uint16_t method;  /* 0 stored, 8 deflated */
	struct wa_zipout_meta meta;
	uint32_t crc;
	uint64_t size; /* uncompressed */
	void *data;    /* what the entry stores (owned) */
	size_t len;
};

int wa_zipout_pack(struct wa_zipout_packed *out, const char *name,
		   const struct wa_zipout_meta *meta, const void *data, size_t len,
		   struct wa_error *err);

/* Writes a packed entry (its content stays p's). */
int wa_zipout_put(struct wa_zipout *o, const struct wa_zipout_packed *p, struct wa_error *err);

/* Frees what p owns; p may be all zeros. */
void wa_zipout_packed_release(struct wa_zipout_packed *p);

/* Writes the central directory and renames the archive into place. */
int wa_zipout_commit(struct wa_zipout *o, struct wa_error *err);

/* Frees o; an uncommitted archive is removed. */
void wa_zipout_free(struct wa_zipout *o);

/* DOS date and time (UTC) of a Unix time, clamped to 1980..2107. */
void wa_zipout_dos_time(int64_t unix_time, uint16_t *dos_time, uint16_t *dos_date);

#endif
