/* SPDX-License-Identifier: MIT */
/*
 * Read-only access to a zip archive: the only file that includes <zip.h>.
 * Knows nothing about wheels.  A struct wa_zip is used by one thread at a
 * time; to read in parallel, open the same path once per thread.
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
	uint8_t opsys;      /* ZIP_OPSYS_* of the external attributes */
	uint32_t ext_attr;  /* external attributes (unix mode in the high 16 bits) */
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
typedef int (*wa_zip_sink_fn)(void *ctx, const void *data, size_t len);
int wa_zip_read(struct wa_zip *z, size_t index, uint64_t max, wa_zip_sink_fn sink, void *ctx,
		struct wa_error *err);

#endif
