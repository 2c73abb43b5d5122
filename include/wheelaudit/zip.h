/* SPDX-License-Identifier: MIT */
/*
 * Read-only access to a zip archive: the only file that includes <zip.h>.
 * Knows nothing about wheels.  A struct wa_zip is used by one thread at a
 * time; to read in parallel, open the same path once per thread.  Besides
 * libzip's decompressed view, it gives each entry's raw records so that a
 * writer can copy an entry without recompressing it.
 */
#ifndef WHEELAUDIT_ZIP_H
#define WHEELAUDIT_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"

struct wa_zip;

struct wa_zip_entry {
	const char *name;   /* borrowed, valid until wa_zip_free; raw bytes of the name */
	uint64_t size;      /* declared uncompressed size (untrusted) */
	uint64_t comp_size; /* declared compressed size (untrusted) */
	uint16_t method;    /* ZIP_CM_* */
	bool method_supported;
	bool encrypted;
	uint8_t opsys;     /* ZIP_OPSYS_* of the external attributes */
	uint32_t ext_attr; /* external attributes (unix mode in the high 16 bits) */
};

/* Opens path read-only, with libzip's consistency checks.  *out owned by the caller. */
int wa_zip_open(struct wa_zip **out, const char *path, struct wa_error *err);
void wa_zip_free(struct wa_zip *z);

size_t wa_zip_count(const struct wa_zip *z);
int wa_zip_entry(struct wa_zip *z, size_t index, struct wa_zip_entry *out, struct wa_error *err);

/*
 * Reads entry index, handing each decompressed chunk to sink.  Never
 * trusts the declared size: reading stops with WA_ELIMIT once more than
 * max bytes came out.  A sink returning non-zero stops the read and its
 * value is returned.  CRC errors and short data are WA_ECORRUPT.
 */
/*
 * An entry as its records spell it, for copying it byte for byte: the
 * compressed bytes lie at data_offset in the file (wa_zip_fd) and stay as
 * they are.  ZIP64 fields are already applied to the sizes.  The extra
 * and comment pointers are valid until the next call on z.
 */
struct wa_zip_raw {
	uint16_t version_made_by, version_needed, flags, method;
	uint16_t dos_time, dos_date, internal_attr;
	uint32_t crc, external_attr;
	uint64_t comp_size, size, data_offset;
	const unsigned char *name, *central_extra, *local_extra, *comment; /* name: raw bytes */
	size_t name_len, central_extra_len, local_extra_len, comment_len;
};

/* Reads entry index's central and local records (checked against each other). */
int wa_zip_raw_entry(struct wa_zip *z, size_t index, struct wa_zip_raw *out, struct wa_error *err);

/* The open archive file, for pread/copy_file_range of raw data (never read()/lseek). */
int wa_zip_fd(const struct wa_zip *z);

typedef int (*wa_zip_sink_fn)(void *ctx, const void *data, size_t len);
int wa_zip_read(struct wa_zip *z, size_t index, uint64_t max, wa_zip_sink_fn sink, void *ctx,
		struct wa_error *err);

#endif
