/* SPDX-License-Identifier: MIT */
/*
 * Read-only access to a zip archive: the only file that includes <zip.h>.
 * Knows nothing about wheels.  The central directory is parsed here, once,
 * when the archive is opened, and that parse is the archive's one truth:
 * entries, names, sizes, CRCs and data ranges come from it, for reading
 * (stored and deflated entries straight from their data range; other
 * methods through libzip, after its own reading was checked against
 * ours) and for raw copies alike.  An archive that readers could take in more
 * than one way is refused at open (see docs/limits.md, "One archive, one
 * reading").  A struct wa_zip is used by one thread at a time; other
 * threads use wa_zip_reopen.
 */
#ifndef WHEELAUDIT_ZIP_H
#define WHEELAUDIT_ZIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"

struct wa_zip;

struct wa_zip_entry {
	const char *name; /* borrowed, valid until wa_zip_free; the raw name, which holds no NUL */
	size_t name_len;  /* strlen(name) */
	uint64_t size;    /* declared uncompressed size (untrusted) */
	uint64_t comp_size; /* compressed size: the data's extent in the file */
	uint32_t crc;       /* declared CRC-32 of the content */
	uint16_t method;    /* ZIP_CM_* */
	bool method_supported;
	bool encrypted;
	uint8_t opsys;     /* host system: the high byte of "version made by" */
	uint32_t ext_attr; /* external attributes (unix mode in the high 16 bits) */
};

/*
 * Opens path read-only and reads its central directory.  Fails with
 * WA_ENOTZIP when the archive is damaged or can be read in more than one
 * way: more than one end-of-central-directory record that points at a
 * central directory, a directory that does not end where its end record
 * starts, bytes before the first local header or between entries, entries
 * whose headers and data overlap, a local header or Unicode Path extra
 * field that disagrees with the central record (WA_EUNSAFE for names), or
 * libzip reading an entry otherwise than we do; every error that concerns
 * one entry names it.  More than max_entries entries is WA_ELIMIT.
 * *out owned by the caller.
 */
int wa_zip_open(struct wa_zip **out, const char *path, size_t max_entries, struct wa_error *err);

/*
 * Another handle on the archive z has open, for another thread: its own
 * libzip handle, reading z's open file and sharing z's parsed directory,
 * so z must outlive it.  *out owned by the caller.
 */
int wa_zip_reopen(struct wa_zip **out, const struct wa_zip *z, struct wa_error *err);
void wa_zip_free(struct wa_zip *z);

size_t wa_zip_count(const struct wa_zip *z);
int wa_zip_entry(const struct wa_zip *z, size_t index, struct wa_zip_entry *out,
		 struct wa_error *err);

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

/*
 * Reads entry index's records as the open parsed them; its local header
 * is read again and must still agree with them (name, method, sizes and
 * CRC unless deferred to a data descriptor, the data's place), else
 * WA_ECORRUPT.
 */
int wa_zip_raw_entry(struct wa_zip *z, size_t index, struct wa_zip_raw *out, struct wa_error *err);

/* The open archive file, for pread/copy_file_range of raw data (never read()/lseek). */
int wa_zip_fd(const struct wa_zip *z);

typedef int (*wa_zip_sink_fn)(void *ctx, const void *data, size_t len);
/*
 * Reads entry index, handing each decompressed chunk to sink.  Never
 * trusts the declared size: reading stops with WA_ELIMIT once more than
 * max bytes came out.  A sink returning non-zero stops the read and its
 * value is returned.  CRC errors and short data are WA_ECORRUPT.
 */
int wa_zip_read(struct wa_zip *z, size_t index, uint64_t max, wa_zip_sink_fn sink, void *ctx,
		struct wa_error *err);

#endif
