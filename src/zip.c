/* SPDX-License-Identifier: MIT */
/*
 * libzip adapter.  Turns zip_error_t into wa_error, reads entries in
 * bounded chunks, and reads the raw records a writer needs to copy an
 * entry unchanged.  It never writes: the input file is only read.
 */
#include "wheelaudit/zip.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "zip_format.h"

/* The central directory as we parse it ourselves (see "raw entries"). */
struct cdir {
	unsigned char *bytes; /* owned: the whole central directory */
	size_t len;
	size_t count;
	size_t *record; /* owned: offset of each entry's record in bytes */
};

struct wa_zip {
	zip_t *archive; /* owned */
	char *path;     /* owned */
	int fd;         /* owned: the same open file, for raw reads (pread only) */
	uint64_t file_size;
	struct cdir cdir; /* parsed on the first raw request */
	bool cdir_loaded;
	unsigned char *local; /* owned: the last local header read (name + extra) */
	size_t local_cap;
};

static int set_zip_error(struct wa_error *err, int code, const char *member, const char *what,
			 zip_error_t *ze)
{
	return wa_error_set(err, code, member, "%s: %s", what, zip_error_strerror(ze));
}

/* ===== the central directory, read by us =====
 *
 * libzip reads the archive for us, but two jobs need the raw records:
 * naming a duplicate entry (libzip refuses such an archive with
 * ZIP_ER_EXISTS and no name; a duplicate is a classic trick, two contents
 * behind one name) and copying an entry byte for byte into a repaired
 * wheel (libzip's stat gives neither the DOS timestamp fields nor the
 * offset of the data).  ZIP64 records are understood.
 */

enum {
	EOCD_LEN = 22,
	CENTRAL_LEN = 46,
	LOCAL_LEN = 30,
	MAX_CDIR = 256 << 20, /* far above what max_members entries can need */
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool read_at(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *b = buf;

	while (len) {
		ssize_t n = pread(fd, b, len, (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		b += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return true;
}

static void cdir_free(struct cdir *cd)
{
	free(cd->bytes);
	free(cd->record);
	memset(cd, 0, sizeof(*cd));
}

/* Finds the end-of-central-directory record: the last signature in the
 * final 64 KiB + 22 bytes (the comment may hold up to 65535 bytes). */
static const char *find_cdir(int fd, uint64_t size, uint64_t *cd_off, uint64_t *cd_size,
			     uint64_t *count)
{
	enum { TAIL = 65535 + EOCD_LEN };
	size_t tail_len = size < TAIL ? (size_t)size : TAIL;
	uint64_t tail_off = size - tail_len, eocd_pos;
	unsigned char *tail = malloc(tail_len ? tail_len : 1);
	unsigned char loc[20], rec[56];
	const char *why = NULL;
	size_t eocd = SIZE_MAX;

	if (!tail)
		return "out of memory";
	if (size < EOCD_LEN || !read_at(fd, tail, tail_len, tail_off)) {
		why = "cannot read the end of the archive";
		goto out;
	}
	for (size_t i = tail_len - EOCD_LEN + 1; i-- > 0;)
		if (le32(tail + i) == ZIP_SIG_EOCD) {
			eocd = i;
			break;
		}
	if (eocd == SIZE_MAX) {
		why = "no end of central directory record";
		goto out;
	}
	*count = le16(tail + eocd + 10);
	*cd_size = le32(tail + eocd + 12);
	*cd_off = le32(tail + eocd + 16);
	eocd_pos = tail_off + eocd;
	/* ZIP64: a locator right before the record points at the real one. */
	if (eocd_pos >= 20 && read_at(fd, loc, 20, eocd_pos - 20) &&
	    le32(loc) == ZIP_SIG_EOCD64_LOCATOR) {
		uint64_t off64 = le64(loc + 8);

		if (off64 > size - 56 || !read_at(fd, rec, 56, off64) ||
		    le32(rec) != ZIP_SIG_EOCD64) {
			why = "broken ZIP64 end of central directory";
			goto out;
		}
		*count = le64(rec + 32);
		*cd_size = le64(rec + 40);
		*cd_off = le64(rec + 48);
	}
	if (*cd_off > size || *cd_size > size - *cd_off)
		why = "central directory lies outside the file";
	else if (*cd_size > MAX_CDIR)
		why = "central directory is too large";
	else if (*count > *cd_size / CENTRAL_LEN)
		why = "central directory holds fewer records than it claims";
out:
	free(tail);
	return why;
}

/* Reads and indexes the central directory; returns NULL or why it failed. */
static const char *cdir_load(int fd, uint64_t size, struct cdir *cd)
{
	uint64_t off, len, count;
	const char *why = find_cdir(fd, size, &off, &len, &count);
	size_t pos = 0;

	if (why)
		return why;
	cd->bytes = malloc(len ? (size_t)len : 1);
	cd->record = malloc((count ? (size_t)count : 1) * sizeof(*cd->record));
	if (!cd->bytes || !cd->record)
		return "out of memory";
	if (!read_at(fd, cd->bytes, (size_t)len, off))
		return "cannot read the central directory";
	cd->len = (size_t)len;
	for (cd->count = 0; cd->count < count; cd->count++) {
		const unsigned char *r = cd->bytes + pos;
		size_t rec;

		if (pos + CENTRAL_LEN > cd->len || le32(r) != ZIP_SIG_CENTRAL)
			return "malformed central directory record";
		rec = CENTRAL_LEN + (size_t)le16(r + 28) + le16(r + 30) + le16(r + 32);
		if (pos + rec > cd->len)
			return "central directory record runs past its end";
		cd->record[cd->count] = pos;
		pos += rec;
	}
	return NULL;
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

static bool find_duplicate_name(int fd, uint64_t size, char *out, size_t outsize)
{
	struct cdir cd = {0};
	struct name_ref *refs = NULL;
	bool found = false;

	if (cdir_load(fd, size, &cd) || !(refs = calloc(cd.count ? cd.count : 1, sizeof(*refs))))
		goto out;
	for (size_t i = 0; i < cd.count; i++)
		refs[i] = (struct name_ref){cd.bytes + cd.record[i] + CENTRAL_LEN,
					    le16(cd.bytes + cd.record[i] + 28)};
	qsort(refs, cd.count, sizeof(*refs), compare_refs);
	for (size_t i = 1; i < cd.count && !found; i++)
		if (compare_refs(&refs[i - 1], &refs[i]) == 0) {
			snprintf(out, outsize, "%.*s", (int)refs[i].len,
				 (const char *)refs[i].name);
			found = true;
		}
out:
	cdir_free(&cd);
	free(refs);
	return found;
}

static int open_error(struct wa_error *err, int zerr, int fd, uint64_t size)
{
	zip_error_t ze;
	int code = WA_ENOTZIP;

	if (zerr == ZIP_ER_EXISTS) {
		char name[512] = "";

		find_duplicate_name(fd, size, name, sizeof(name));
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

/*
 * One open(2) serves libzip (through a duplicate descriptor) and our raw
 * reads, so both see the same file even if the path is replaced meanwhile.
 */
int wa_zip_open(struct wa_zip **out, const char *path, struct wa_error *err)
{
	struct wa_zip *z = NULL;
	struct stat st;
	int zerr = 0, fd, zfd = -1, rc;
	zip_t *archive;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		rc = wa_error_set(err, WA_EIO, NULL, "cannot open: %s", strerror(e));
		if (err)
			err->sys_errno = e;
		return rc;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return wa_error_set(err, WA_EIO, NULL, "not a regular file");
	}
	zfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	archive = zfd < 0 ? NULL : zip_fdopen(zfd, ZIP_CHECKCONS, &zerr);
	if (!archive) {
		if (zfd < 0)
			zerr = ZIP_ER_OPEN;
		else
			close(zfd); /* zip_fdopen leaves it open on failure */
		rc = open_error(err, zerr, fd, (uint64_t)st.st_size);
		close(fd);
		return rc;
	}
	z = calloc(1, sizeof(*z));
	if (!z || !(z->path = strdup(path))) {
		free(z);
		zip_discard(archive);
		close(fd);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	z->archive = archive;
	z->fd = fd;
	z->file_size = (uint64_t)st.st_size;
	*out = z;
	return 0;
}

void wa_zip_free(struct wa_zip *z)
{
	if (!z)
		return;
	zip_discard(z->archive);
	close(z->fd);
	cdir_free(&z->cdir);
	free(z->local);
	free(z->path);
	free(z);
}

int wa_zip_fd(const struct wa_zip *z)
{
	return z->fd;
}

/* ===== raw entries ===== */

/* Applies a ZIP64 extended-information field to the 32-bit placeholders. */
static bool apply_zip64(const unsigned char *extra, size_t len, struct wa_zip_raw *r,
			bool want_offset, uint64_t *offset)
{
	for (size_t pos = 0; pos + 4 <= len;) {
		uint16_t id = le16(extra + pos), sz = le16(extra + pos + 2);
		const unsigned char *d = extra + pos + 4;
		size_t used = 0;

		if (pos + 4 + sz > len)
			return false;
		if (id == ZIP_EXTRA_ZIP64) {
			if (r->size == 0xFFFFFFFFu) {
				if (used + 8 > sz)
					return false;
				r->size = le64(d + used);
				used += 8;
			}
			if (r->comp_size == 0xFFFFFFFFu) {
				if (used + 8 > sz)
					return false;
				r->comp_size = le64(d + used);
				used += 8;
			}
			if (want_offset) {
				if (used + 8 > sz)
					return false;
				*offset = le64(d + used);
			}
			return true;
		}
		pos += 4 + (size_t)sz;
	}
	return r->size != 0xFFFFFFFFu && r->comp_size != 0xFFFFFFFFu && !want_offset;
}

static int load_cdir(struct wa_zip *z, struct wa_error *err)
{
	const char *why;

	if (z->cdir_loaded)
		return 0;
	why = cdir_load(z->fd, z->file_size, &z->cdir);
	if (!why && z->cdir.count != wa_zip_count(z))
		why = "central directory entry count disagrees with libzip's";
	if (why) {
		cdir_free(&z->cdir);
		return wa_error_set(err, strcmp(why, "out of memory") ? WA_ENOTZIP : WA_ENOMEM,
				    NULL, "%s", why);
	}
	z->cdir_loaded = true;
	return 0;
}

int wa_zip_raw_entry(struct wa_zip *z, size_t index, struct wa_zip_raw *out, struct wa_error *err)
{
	const unsigned char *c;
	unsigned char lh[LOCAL_LEN];
	const char *name = zip_get_name(z->archive, index, ZIP_FL_ENC_RAW);
	size_t name_len, local_name_len, local_extra_len;
	uint64_t offset;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = load_cdir(z, err);
	if (rc)
		return rc;
	if (index >= z->cdir.count || !name)
		return wa_error_set(err, WA_EINTERNAL, NULL, "no entry %zu", index);
	c = z->cdir.bytes + z->cdir.record[index];
	name_len = le16(c + 28);
	/* Our index must be libzip's: the same record, the same name. */
	if (strlen(name) != name_len || memcmp(name, c + CENTRAL_LEN, name_len) != 0)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "central directory record %zu does not match libzip's", index);
	out->name = c + CENTRAL_LEN;
	out->name_len = name_len;
	out->version_made_by = le16(c + 4);
	out->version_needed = le16(c + 6);
	out->flags = le16(c + 8);
	out->method = le16(c + 10);
	out->dos_time = le16(c + 12);
	out->dos_date = le16(c + 14);
	out->crc = le32(c + 16);
	out->comp_size = le32(c + 20);
	out->size = le32(c + 24);
	out->internal_attr = le16(c + 36);
	out->external_attr = le32(c + 38);
	offset = le32(c + 42);
	out->central_extra = c + CENTRAL_LEN + name_len;
	out->central_extra_len = le16(c + 30);
	out->comment = out->central_extra + out->central_extra_len;
	out->comment_len = le16(c + 32);
	if (!apply_zip64(out->central_extra, out->central_extra_len, out, offset == 0xFFFFFFFFu,
			 &offset))
		return wa_error_set(err, WA_ENOTZIP, name, "malformed ZIP64 extra field");
	if (offset > z->file_size - LOCAL_LEN || !read_at(z->fd, lh, LOCAL_LEN, offset) ||
	    le32(lh) != ZIP_SIG_LOCAL)
		return wa_error_set(err, WA_ECORRUPT, name, "no local header at offset %llu",
				    (unsigned long long)offset);
	local_name_len = le16(lh + 26);
	local_extra_len = le16(lh + 28);
	if (local_name_len + local_extra_len > z->local_cap) {
		unsigned char *p = realloc(z->local, local_name_len + local_extra_len);

		if (!p)
			return wa_error_set(err, WA_ENOMEM, name, "out of memory");
		z->local = p;
		z->local_cap = local_name_len + local_extra_len;
	}
	if (local_name_len != name_len ||
	    !read_at(z->fd, z->local, local_name_len + local_extra_len, offset + LOCAL_LEN) ||
	    memcmp(z->local, name, name_len) != 0)
		return wa_error_set(err, WA_ECORRUPT, name,
				    "local header does not match the central directory");
	out->local_extra = z->local + local_name_len;
	out->local_extra_len = local_extra_len;
	out->data_offset = offset + LOCAL_LEN + local_name_len + local_extra_len;
	if (out->data_offset > z->file_size || out->comp_size > z->file_size - out->data_offset)
		return wa_error_set(err, WA_ECORRUPT, name, "compressed data runs past the end");
	return 0;
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
	out->encrypted =
		(st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE;
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
