/* SPDX-License-Identifier: MIT */
/*
 * libzip adapter.  Turns zip_error_t into wa_error, and reads entries in
 * bounded chunks.  It never writes: the input file is only read.
 */
#include "wheelaudit/zip.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

struct wa_zip {
	zip_t *archive; /* owned */
	char *path;     /* owned */
};

static int set_zip_error(struct wa_error *err, int code, const char *member, const char *what,
			 zip_error_t *ze)
{
	return wa_error_set(err, code, member, "%s: %s", what, zip_error_strerror(ze));
}

/* ===== naming a duplicate entry =====
 *
 * libzip refuses an archive whose central directory holds one name twice
 * (ZIP_ER_EXISTS) without saying which name.  A duplicate is a classic
 * trick (two different contents behind one name), so we read the central
 * directory ourselves to name it.  Plain zip only; ZIP64 archives get the
 * message without the name.
 */

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

struct name_ref {
	const unsigned char *name;
	size_t len;
};

static int compare_refs(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static bool find_duplicate_name(const char *path, char *out, size_t outsize)
{
	enum { TAIL = 65536 + 22, MAX_CDIR = 256 << 20 };
	unsigned char *tail = NULL, *cdir = NULL;
	struct name_ref *refs = NULL;
	bool found = false;
	FILE *f = fopen(path, "rb");
	long size;
	size_t tail_len, eocd = SIZE_MAX, n = 0, count;
	uint32_t cd_size, cd_off;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 22)
		goto out;
	tail_len = (size_t)size < TAIL ? (size_t)size : TAIL;
	tail = malloc(tail_len);
	if (!tail || fseek(f, size - (long)tail_len, SEEK_SET) != 0 ||
	    fread(tail, 1, tail_len, f) != tail_len)
		goto out;
	for (size_t i = tail_len - 22 + 1; i-- > 0;)
		if (le32(tail + i) == 0x06054b50) {
			eocd = i;
			break;
		}
	if (eocd == SIZE_MAX)
		goto out;
	count = le16(tail + eocd + 10);
	cd_size = le32(tail + eocd + 12);
	cd_off = le32(tail + eocd + 16);
	if (cd_size > MAX_CDIR || (uint64_t)cd_off + cd_size > (uint64_t)size)
		goto out;
	cdir = malloc(cd_size ? cd_size : 1);
	refs = calloc(count ? count : 1, sizeof(*refs));
	if (!cdir || !refs || fseek(f, (long)cd_off, SEEK_SET) != 0 ||
	    fread(cdir, 1, cd_size, f) != cd_size)
		goto out;
	for (size_t off = 0; n < count && off + 46 <= cd_size;) {
		size_t name_len = le16(cdir + off + 28);
		size_t rec = 46 + name_len + le16(cdir + off + 30) + le16(cdir + off + 32);

		if (le32(cdir + off) != 0x02014b50 || off + rec > cd_size)
			break;
		refs[n++] = (struct name_ref){cdir + off + 46, name_len};
		off += rec;
	}
	qsort(refs, n, sizeof(*refs), compare_refs);
	for (size_t i = 1; i < n && !found; i++)
		if (compare_refs(&refs[i - 1], &refs[i]) == 0) {
			snprintf(out, outsize, "%.*s", (int)refs[i].len, (const char *)refs[i].name);
			found = true;
		}
out:
	if (f)
		fclose(f);
	free(tail);
	free(cdir);
	free(refs);
	return found;
}

int wa_zip_open(struct wa_zip **out, const char *path, struct wa_error *err)
{
	struct wa_zip *z = NULL;
	int zerr = 0;
	zip_t *archive;

	*out = NULL;
	archive = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &zerr);
	if (!archive) {
		zip_error_t ze;
		int code = WA_ENOTZIP;

		if (zerr == ZIP_ER_EXISTS) {
			char name[512] = "";

			find_duplicate_name(path, name, sizeof(name));
			return wa_error_set(err, WA_EUNSAFE, name[0] ? name : NULL,
					    "duplicate member name in the central directory");
		}
		zip_error_init_with_code(&ze, zerr);
		if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT ||
		    zerr == ZIP_ER_SEEK)
			code = WA_EIO;
		if (zerr == ZIP_ER_MEMORY)
			code = WA_ENOMEM;
		wa_error_set(err, code, NULL, "%s%s", zip_error_strerror(&ze),
			     code == WA_ENOTZIP ? " (truncated or corrupt archive)" : "");
		zip_error_fini(&ze);
		return -code;
	}
	z = calloc(1, sizeof(*z));
	if (!z || !(z->path = strdup(path))) {
		free(z);
		zip_discard(archive);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	z->archive = archive;
	*out = z;
	return 0;
}

void wa_zip_free(struct wa_zip *z)
{
	if (!z)
		return;
	zip_discard(z->archive);
	free(z->path);
	free(z);
}

size_t wa_zip_count(const struct wa_zip *z)
{
	zip_int64_t n = zip_get_num_entries(z->archive, 0);

	return n < 0 ? 0 : (size_t)n;
}

int wa_zip_entry(struct wa_zip *z, size_t index, struct wa_zip_entry *out, struct wa_error *err)
{
	zip_stat_t st;
	zip_uint8_t opsys = 0;
	zip_uint32_t attr = 0;

	memset(out, 0, sizeof(*out));
	zip_stat_init(&st);
	if (zip_stat_index(z->archive, index, ZIP_FL_ENC_RAW, &st) != 0)
		return set_zip_error(err, WA_ENOTZIP, NULL, "cannot read the central directory",
				     zip_get_error(z->archive));
	out->name = st.name ? st.name : "";
	out->size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
	out->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	out->method = (st.valid & ZIP_STAT_COMP_METHOD) ? st.comp_method : 0;
	out->method_supported = zip_compression_method_supported((zip_int32_t)out->method, 0) != 0;
	out->encrypted = (st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE;
	if (zip_file_get_external_attributes(z->archive, index, 0, &opsys, &attr) == 0) {
		out->opsys = opsys;
		out->ext_attr = attr;
	}
	return 0;
}

int wa_zip_read(struct wa_zip *z, size_t index, uint64_t max, wa_zip_sink_fn sink, void *ctx,
		struct wa_error *err)
{
	enum { CHUNK = 1 << 18 };
	zip_file_t *f = NULL;
	unsigned char *buf = NULL;
	const char *name = zip_get_name(z->archive, index, ZIP_FL_ENC_RAW);
	uint64_t total = 0;
	int rc = 0;

	if (!name)
		name = "";
	buf = malloc(CHUNK);
	if (!buf)
		return wa_error_set(err, WA_ENOMEM, name, "out of memory");
	f = zip_fopen_index(z->archive, index, 0);
	if (!f) {
		zip_error_t *ze = zip_get_error(z->archive);
		int code = zip_error_code_zip(ze) == ZIP_ER_MEMORY ? WA_ENOMEM : WA_ECORRUPT;

		rc = set_zip_error(err, code, name, "cannot open member", ze);
		goto out;
	}
	for (;;) {
		zip_int64_t n = zip_fread(f, buf, CHUNK);

		if (n < 0) {
			rc = set_zip_error(err, WA_ECORRUPT, name, "cannot decompress member",
					   zip_file_get_error(f));
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > max) {
			rc = wa_error_set(err, WA_ELIMIT, name,
					  "member decompresses to more than %llu bytes (raise the "
					  "limit with --max-member-size)",
					  (unsigned long long)max);
			goto out;
		}
		rc = sink(ctx, buf, (size_t)n);
		if (rc)
			goto out;
	}
out:
	if (f)
		zip_fclose(f);
	free(buf);
	return rc;
}
