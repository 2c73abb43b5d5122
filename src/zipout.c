/* SPDX-License-Identifier: MIT */
/*
 * The zip writer behind `repair`.  We write the format ourselves rather
 * than through libzip because a repaired wheel must keep every unchanged
 * entry exactly as it was (compressed bytes, CRC, method, DOS time and
 * extra fields): libzip rebuilds entries from its parsed view, converting
 * timestamps through local time and dropping extra fields it does not
 * know.  New entries are deflated with libdeflate, which compresses a
 * whole buffer (our members are whole buffers) several times faster than
 * zlib at the same level and size, and deterministically: the same input
 * and level give the same bytes on every run and thread count.
 *
 * Layout written: for each entry a local header (sizes and CRC filled in,
 * never a trailing data descriptor), its data; then the central directory,
 * ZIP64 end records when needed, and the end record.
 */
#include "wheelaudit/zipout.h"

#include <stdlib.h>
#include <string.h>
#include <libdeflate.h>
#include <time.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/outfile.h"
#include "wheelaudit/buf.h"
#include "zip_format.h"
#include "wheelaudit/bytes.h"

enum {
	FLAG_DATA_DESCRIPTOR = 0x0008,
	VERSION_ZIP64 = 45,
	METHOD_STORE = 0,
	METHOD_DEFLATE = 8,
};

#define MAX16 0xFFFFu
#define MAX32 0xFFFFFFFFu

struct wa_zipout {
	struct wa_outfile *file; /* owned */
	struct wa_buf central;   /* the central directory, built as entries are written */
	uint64_t count;
	bool force_zip64;
};

/* ===== little-endian byte building ===== */

/* Appends v as width little-endian bytes. */
static void put_le(struct wa_buf *b, size_t width, uint64_t v)
{
	unsigned char p[8];

	wa_store_uint(p, width, false, v);
	wa_buf_add(b, p, width);
}

static void put16(struct wa_buf *b, uint32_t v)
{
	put_le(b, 2, v);
}

static void put32(struct wa_buf *b, uint32_t v)
{
	put_le(b, 4, v);
}

static void put64(struct wa_buf *b, uint64_t v)
{
	put_le(b, 8, v);
}

/* ===== entries ===== */

/* What the headers of one entry say. */
struct entry {
	const unsigned char *name;
	size_t name_len;
	uint16_t version_made_by, version_needed, flags, method, dos_time, dos_date;
	uint16_t internal_attr;
	uint32_t crc, external_attr;
	uint64_t comp_size, size;
	const unsigned char *local_extra, *central_extra, *comment;
	size_t local_extra_len, central_extra_len, comment_len;
};

/* Copies extra fields except ZIP64 ones (we write our own when needed);
 * a field that runs past the end is dropped with the rest. */
static void put_extra_without_zip64(struct wa_buf *b, const unsigned char *x, size_t len)
{
	for (size_t pos = 0; pos + 4 <= len;) {
		size_t sz = wa_le16(x + pos + 2);

		if (pos + 4 + sz > len)
			break;
		if (wa_le16(x + pos) != ZIP_EXTRA_ZIP64)
			wa_buf_add(b, x + pos, 4 + sz);
		pos += 4 + sz;
	}
}

static int write_entry(struct wa_zipout *o, const struct entry *e, struct wa_error *err)
{
	struct wa_buf local = {0}, lextra = {0}, cextra = {0};
	uint64_t offset = wa_outfile_offset(o->file);
	bool big_sizes = o->force_zip64 || e->size >= MAX32 || e->comp_size >= MAX32;
	bool big_offset = o->force_zip64 || offset >= MAX32;
	uint16_t needed = e->version_needed;
	uint16_t flags = e->flags & (uint16_t)~FLAG_DATA_DESCRIPTOR;
	int rc = 0;

	if (big_sizes || big_offset)
		needed = needed < VERSION_ZIP64 ? VERSION_ZIP64 : needed;
	/* Local extra: the input's fields, then ZIP64 sizes when needed. */
	put_extra_without_zip64(&lextra, e->local_extra, e->local_extra_len);
	if (big_sizes) {
		put16(&lextra, ZIP_EXTRA_ZIP64);
		put16(&lextra, 16);
		put64(&lextra, e->size);
		put64(&lextra, e->comp_size);
	}
	/* Central extra: ZIP64 values in the order the format fixes. */
	put_extra_without_zip64(&cextra, e->central_extra, e->central_extra_len);
	if (big_sizes || big_offset) {
		put16(&cextra, ZIP_EXTRA_ZIP64);
		put16(&cextra, (big_sizes ? 16 : 0) + (big_offset ? 8 : 0));
		if (big_sizes) {
			put64(&cextra, e->size);
			put64(&cextra, e->comp_size);
		}
		if (big_offset)
			put64(&cextra, offset);
	}
	if (lextra.oom || cextra.oom) {
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (lextra.len > MAX16 || cextra.len > MAX16 || e->name_len > MAX16) {
		rc = wa_error_set(err, WA_ELIMIT, (const char *)e->name,
				  "name or extra fields too long for a zip header");
		goto out;
	}
	put32(&local, ZIP_SIG_LOCAL);
	put16(&local, needed);
	put16(&local, flags);
	put16(&local, e->method);
	put16(&local, e->dos_time);
	put16(&local, e->dos_date);
	put32(&local, e->crc);
	put32(&local, big_sizes ? MAX32 : (uint32_t)e->comp_size);
	put32(&local, big_sizes ? MAX32 : (uint32_t)e->size);
	put16(&local, (uint32_t)e->name_len);
	put16(&local, (uint32_t)lextra.len);
	wa_buf_add(&local, e->name, e->name_len);
	wa_buf_add(&local, lextra.data, lextra.len);

	put32(&o->central, ZIP_SIG_CENTRAL);
	put16(&o->central, e->version_made_by);
	put16(&o->central, needed);
	put16(&o->central, flags);
	put16(&o->central, e->method);
	put16(&o->central, e->dos_time);
	put16(&o->central, e->dos_date);
	put32(&o->central, e->crc);
	put32(&o->central, big_sizes ? MAX32 : (uint32_t)e->comp_size);
	put32(&o->central, big_sizes ? MAX32 : (uint32_t)e->size);
	put16(&o->central, (uint32_t)e->name_len);
	put16(&o->central, (uint32_t)cextra.len);
	put16(&o->central, (uint32_t)(e->comment_len <= MAX16 ? e->comment_len : 0));
	put16(&o->central, 0); /* disk number */
	put16(&o->central, e->internal_attr);
	put32(&o->central, e->external_attr);
	put32(&o->central, big_offset ? MAX32 : (uint32_t)offset);
	wa_buf_add(&o->central, e->name, e->name_len);
	wa_buf_add(&o->central, cextra.data, cextra.len);
	if (e->comment_len <= MAX16)
		wa_buf_add(&o->central, e->comment, e->comment_len);
	if (local.oom || o->central.oom) {
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		goto out;
	}
	rc = wa_outfile_write(o->file, local.data, local.len, err);
	o->count++;
out:
	free(local.data);
	free(lextra.data);
	free(cextra.data);
	return rc;
}

int wa_zipout_open(struct wa_zipout **out, const char *final_path,
		   const struct wa_zipout_options *opt, struct wa_error *err)
{
	struct wa_zipout *o = calloc(1, sizeof(*o));
	int rc;

	*out = NULL;
	if (!o)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	o->force_zip64 = opt && opt->force_zip64;
	rc = wa_outfile_create(&o->file, final_path, err);
	if (rc) {
		free(o);
		return rc;
	}
	*out = o;
	return 0;
}

int wa_zipout_copy(struct wa_zipout *o, struct wa_zip *in, size_t index, struct wa_error *err)
{
	struct wa_zip_raw r;
	struct entry e;
	int rc = wa_zip_raw_entry(in, index, &r, err);

	if (rc)
		return rc;
	e = (struct entry){
		.name = r.name,
		.name_len = r.name_len,
		.version_made_by = r.version_made_by,
		.version_needed = r.version_needed,
		.flags = r.flags,
		.method = r.method,
		.dos_time = r.dos_time,
		.dos_date = r.dos_date,
		.internal_attr = r.internal_attr,
		.crc = r.crc,
		.external_attr = r.external_attr,
		.comp_size = r.comp_size,
		.size = r.size,
		.local_extra = r.local_extra,
		.local_extra_len = r.local_extra_len,
		.central_extra = r.central_extra,
		.central_extra_len = r.central_extra_len,
		.comment = r.comment,
		.comment_len = r.comment_len,
	};
	rc = write_entry(o, &e, err);
	if (!rc)
		rc = wa_outfile_copy_range(o->file, wa_zip_fd(in), r.data_offset, r.comp_size, err);
	return rc;
}

/* Raw deflate (the zip method 8 stream), the given level (default when
 * not 1-9).  The output buffer is the library's bound: pages of it that
 * are never written are never made resident. */
static int deflate_all(const void *data, size_t len, int level, struct wa_zipout_packed *out,
		       const char *name, struct wa_error *err)
{
	struct libdeflate_compressor *c;
	size_t bound;

	if (level < 1 || level > 9)
		level = WA_ZIP_LEVEL_DEFAULT;
	c = libdeflate_alloc_compressor(level);
	if (!c)
		return wa_error_set(err, WA_ENOMEM, name, "out of memory");
	bound = libdeflate_deflate_compress_bound(c, len);
	out->data = malloc(bound ? bound : 1);
	if (!out->data) {
		libdeflate_free_compressor(c);
		return wa_error_set(err, WA_ENOMEM, name, "out of memory");
	}
	out->len = libdeflate_deflate_compress(c, data, len, out->data, bound);
	libdeflate_free_compressor(c);
	if (!out->len)
		return wa_error_set(err, WA_EINTERNAL, name, "compression failed");
	if (out->len < bound / 2) { /* give back the unused bound (small ones stay) */
		void *fit = realloc(out->data, out->len);

		if (fit)
			out->data = fit;
	}
	return 0;
}

int wa_zipout_pack(struct wa_zipout_packed *out, const char *name,
		   const struct wa_zipout_meta *meta, const void *data, size_t len,
		   struct wa_error *err)
{
	bool store = meta->method == METHOD_STORE;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->name = name;
	out->meta = *meta;
	out->method = store ? METHOD_STORE : METHOD_DEFLATE;
	out->size = len;
	out->crc = (uint32_t)libdeflate_crc32(0, data, len);
	if (store) {
		out->data = malloc(len ? len : 1);
		if (!out->data)
			return wa_error_set(err, WA_ENOMEM, name, "out of memory");
		if (len)
			memcpy(out->data, data, len);
		out->len = len;
	} else {
		rc = deflate_all(data, len, meta->level, out, name, err);
	}
	if (rc)
		wa_zipout_packed_release(out);
	return rc;
}

void wa_zipout_packed_release(struct wa_zipout_packed *p)
{
	free(p->data);
	p->data = NULL;
	p->len = 0;
}

int wa_zipout_put(struct wa_zipout *o, const struct wa_zipout_packed *p, struct wa_error *err)
{
	bool store = p->method == METHOD_STORE;
	struct entry e = {
		.name = (const unsigned char *)p->name,
		.name_len = strlen(p->name),
		.version_made_by = p->meta.version_made_by,
		.version_needed = store ? 10 : 20,
		/* bit 11: the name is UTF-8, as wheel member names are */
		.flags = 0x0800,
		.method = p->method,
		.dos_time = p->meta.dos_time,
		.dos_date = p->meta.dos_date,
		.crc = p->crc,
		.external_attr = p->meta.external_attr,
		.comp_size = p->len,
		.size = p->size,
	};
	int rc = write_entry(o, &e, err);

	if (!rc)
		rc = wa_outfile_write(o->file, p->data, p->len, err);
	return rc;
}

int wa_zipout_add(struct wa_zipout *o, const char *name, const struct wa_zipout_meta *meta,
		  const void *data, size_t len, struct wa_error *err)
{
	struct wa_zipout_packed p;
	int rc = wa_zipout_pack(&p, name, meta, data, len, err);

	if (!rc)
		rc = wa_zipout_put(o, &p, err);
	wa_zipout_packed_release(&p);
	return rc;
}

int wa_zipout_commit(struct wa_zipout *o, struct wa_error *err)
{
	struct wa_buf end = {0};
	uint64_t cd_off = wa_outfile_offset(o->file), cd_size = o->central.len;
	bool zip64 = o->force_zip64 || o->count >= MAX16 || cd_off >= MAX32 || cd_size >= MAX32;
	int rc;

	if (zip64) {
		uint64_t eocd64_off = cd_off + cd_size;

		put32(&end, ZIP_SIG_EOCD64);
		put64(&end, 44); /* size of the rest of this record */
		put16(&end, (3 << 8) | VERSION_ZIP64);
		put16(&end, VERSION_ZIP64);
		put32(&end, 0); /* this disk */
		put32(&end, 0); /* disk of the central directory */
		put64(&end, o->count);
		put64(&end, o->count);
		put64(&end, cd_size);
		put64(&end, cd_off);
		put32(&end, ZIP_SIG_EOCD64_LOCATOR);
		put32(&end, 0);
		put64(&end, eocd64_off);
		put32(&end, 1); /* total disks */
	}
	put32(&end, ZIP_SIG_EOCD);
	put16(&end, 0);
	put16(&end, 0);
	put16(&end, zip64 ? MAX16 : (uint32_t)o->count);
	put16(&end, zip64 ? MAX16 : (uint32_t)o->count);
	put32(&end, zip64 ? MAX32 : (uint32_t)cd_size);
	put32(&end, zip64 ? MAX32 : (uint32_t)cd_off);
	put16(&end, 0); /* comment length */
	if (end.oom || o->central.oom)
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	else
		rc = wa_outfile_write(o->file, o->central.data, o->central.len, err);
	if (!rc)
		rc = wa_outfile_write(o->file, end.data, end.len, err);
	if (!rc)
		rc = wa_outfile_commit(o->file, err);
	free(end.data);
	return rc;
}

void wa_zipout_free(struct wa_zipout *o)
{
	if (!o)
		return;
	wa_outfile_free(o->file);
	free(o->central.data);
	free(o);
}

void wa_zipout_dos_time(int64_t unix_time, uint16_t *dos_time, uint16_t *dos_date)
{
	/* 1980-01-01 and 2107-12-31 23:59:58 UTC bound what DOS dates can say. */
	const int64_t lo = 315532800, hi = 4354819198LL;
	time_t t = (time_t)(unix_time < lo ? lo : unix_time > hi ? hi : unix_time);
	struct tm tm;

	gmtime_r(&t, &tm);
	*dos_time = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
	*dos_date = (uint16_t)((tm.tm_year - 80) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}
