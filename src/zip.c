/* SPDX-License-Identifier: MIT */
/*
 * The zip reader.  The central directory is parsed here, at open, and that
 * parse is authoritative: the audit's entries and the raw copier's records
 * both come from it.  Stored and deflated entries are inflated here from
 * the data range the copier copies; libzip decompresses only the other
 * methods, after its own reading of the directory was checked against
 * ours entry by entry.  An archive that
 * two readers could take differently is refused here, with the reason.
 * Nothing here writes: the input file is only read.
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
#include <zlib.h>

#include "zip_format.h"

enum {
	EOCD_LEN = 22,
	EOCD64_LEN = 56,
	LOCATOR_LEN = 20,
	CENTRAL_LEN = 46,
	LOCAL_LEN = 30,
	MAX_COMMENT = 65535,
	MAX_CDIR = 256 << 20, /* far above what max_members entries can need */
	FLAG_ENCRYPTED = 0x0001,
	FLAG_DESCRIPTOR = 0x0008,
	FLAG_STRONG_ENCRYPTION = 0x0040,
	METHOD_STORE = 0,
	METHOD_DEFLATE = 8,
	METHOD_AES = 99, /* WinZip AES: the data is encrypted */
	WINDOW = 64 << 10,
};

#define MAX16 0xFFFFu
#define MAX32 0xFFFFFFFFu

/* One entry as its central record and its local header spell it. */
struct zent {
	size_t record;        /* offset of the central record in cdir.bytes */
	size_t name;          /* offset of the NUL-terminated name in cdir.names */
	uint64_t offset;      /* of the local header */
	uint64_t data_offset; /* of the compressed data */
	uint64_t end;         /* end of the data and of its data descriptor, if any */
	uint64_t size, comp_size;
	uint32_t crc, ext_attr;
	uint16_t name_len, method, flags, version_made_by;
};

/* The parsed central directory; immutable once wa_zip_open returns. */
struct cdir {
	unsigned char *bytes; /* owned: the central directory as stored */
	size_t len;
	uint64_t offset; /* of the central directory in the file */
	char *names;     /* owned: every name, NUL-terminated */
	struct zent *ents;
	size_t count;
};

/*
 * Reads through a window: headers are read a few bytes at a time, mostly
 * in file order, so small reads are served from WINDOW bytes read ahead
 * (one pread per 64 KiB rather than one or more per header).
 */
struct reader {
	int fd;
	uint64_t size;      /* of the file: the window never reaches past it */
	unsigned char *win; /* owned, allocated on first use */
	uint64_t win_off;
	size_t win_len;
};

struct fd_source;

struct wa_zip {
	int fd; /* owned unless borrowed: read with pread() only */
	uint64_t file_size;
	struct cdir *cd; /* owned unless borrowed */
	bool borrowed;   /* fd and cd belong to the handle this one was reopened from */
	struct reader rd;
	unsigned char *local; /* owned: the last local header read (name + extra) */
	size_t local_cap;
	unsigned char *in, *out; /* owned: buffers of read_entry */
	z_stream zs;             /* inflate state, reset for each entry */
	bool zs_ready;
	zip_t *archive;        /* owned; opened when an entry needs libzip */
	struct fd_source *src; /* owned: what libzip reads through */
};

/* ===== bytes ===== */

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

static bool reader_get(struct reader *r, void *dst, size_t n, uint64_t off)
{
	if (off >= r->win_off && off - r->win_off <= r->win_len &&
	    n <= r->win_len - (off - r->win_off)) {
		memcpy(dst, r->win + (off - r->win_off), n);
		return true;
	}
	if (n >= WINDOW / 2 || off >= r->size || (!r->win && !(r->win = malloc(WINDOW))))
		return read_at(r->fd, dst, n, off);
	r->win_off = off;
	r->win_len = r->size - off < WINDOW ? (size_t)(r->size - off) : WINDOW;
	if (r->win_len < n || !read_at(r->fd, r->win, r->win_len, off)) {
		r->win_len = 0;
		return false;
	}
	memcpy(dst, r->win, n);
	return true;
}

static void reader_release(struct reader *r)
{
	free(r->win);
	r->win = NULL;
	r->win_len = 0;
}

/* A name from a hostile header, fit to quote in a message. */
static const char *printable(char *out, size_t outsize, const unsigned char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 1 < outsize; i++)
		out[o++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	out[o] = '\0';
	return out;
}

static const char *name_of(const struct cdir *cd, const struct zent *e)
{
	return cd->names + e->name;
}

/* ===== the end records =====
 *
 * The end of central directory record sits at the end of the file, after
 * a comment of up to 65535 bytes, so a reader looks for its signature in
 * that tail.  Readers differ in which signature they take: libzip tries
 * every one and weighs the directories they lead to, Python's zipfile
 * takes the last one, others the first that parses.  A comment can hold a
 * second, self-consistent end record (with a ZIP64 locator) that leads to
 * another directory, and then two readers see two archives.  So every
 * signature in the tail is examined, and when more than one leads to
 * something a reader could take for a central directory, the archive is
 * refused.  We are more liberal here than any reader (no comment-length
 * check, either view of a ZIP64 record), so none can pick one we skipped.
 */

struct end_view {
	uint64_t pos;     /* of the end record */
	uint64_t dir_end; /* where the directory must end: the ZIP64 end record, or pos */
	uint64_t cd_off, cd_size, count;
	bool zip64;
	bool plausible;
	const char *why; /* what is wrong, when not plausible */
};

/* Whether [cd_off, cd_off + cd_size) before limit looks like a directory. */
static bool dir_plausible(int fd, uint64_t limit, uint64_t cd_off, uint64_t cd_size, uint64_t count,
			  bool empty_ok, const char **why)
{
	unsigned char sig[4];

	if (cd_off > limit || cd_size > limit - cd_off) {
		*why = "central directory lies outside the file (truncated or corrupt archive)";
		return false;
	}
	if (count == 0 && cd_size == 0) {
		if (!empty_ok)
			*why = "empty central directory";
		return empty_ok;
	}
	if (cd_size < CENTRAL_LEN || !read_at(fd, sig, 4, cd_off) || le32(sig) != ZIP_SIG_CENTRAL) {
		/* Python's zipfile would look right before the end record. */
		if (cd_size >= CENTRAL_LEN && read_at(fd, sig, 4, limit - cd_size) &&
		    le32(sig) == ZIP_SIG_CENTRAL)
			*why = "the central directory is not where the end record says but right "
			       "before it: offsets shifted by data prepended to the archive";
		else
			*why = "no central directory record where the end record points (truncated or "
			       "corrupt archive)";
		return false;
	}
	return true;
}

/*
 * Reads the end record at pos (rec: its 22 bytes).  An empty directory
 * counts only where a reader would take it: at the last signature (as
 * Python does) or with a comment that ends exactly at the end of the file
 * (as libzip requires); a stored empty zip inside a member is not one.
 */
static void read_end(int fd, uint64_t size, const unsigned char *rec, uint64_t pos, bool last,
		     struct end_view *v)
{
	unsigned char loc[LOCATOR_LEN], r64[EOCD64_LEN];
	bool empty_ok = last || pos + EOCD_LEN + le16(rec + 20) == size;
	const char *why32 = NULL;
	bool ok32;

	memset(v, 0, sizeof(*v));
	v->pos = pos;
	v->dir_end = pos;
	v->count = le16(rec + 10);
	v->cd_size = le32(rec + 12);
	v->cd_off = le32(rec + 16);
	ok32 = dir_plausible(fd, pos, v->cd_off, v->cd_size, v->count, empty_ok, &why32);
	v->plausible = ok32;
	v->why = why32;
	/* A locator right before the record makes every reader use ZIP64. */
	if (pos < LOCATOR_LEN || !read_at(fd, loc, LOCATOR_LEN, pos - LOCATOR_LEN) ||
	    le32(loc) != ZIP_SIG_EOCD64_LOCATOR)
		return;
	v->zip64 = true;
	{
		uint64_t off64 = le64(loc + 8);
		const char *why64 = NULL;

		if (off64 > pos - LOCATOR_LEN || pos - LOCATOR_LEN - off64 < EOCD64_LEN ||
		    !read_at(fd, r64, EOCD64_LEN, off64) || le32(r64) != ZIP_SIG_EOCD64) {
			why64 = "broken ZIP64 end of central directory record (truncated or corrupt "
				"archive)";
		} else {
			v->dir_end = off64;
			v->count = le64(r64 + 32);
			v->cd_size = le64(r64 + 40);
			v->cd_off = le64(r64 + 48);
			if (dir_plausible(fd, off64, v->cd_off, v->cd_size, v->count, empty_ok,
					  &why64))
				why64 = NULL;
		}
		/* Plausible if either reading is; the ZIP64 one is what counts. */
		v->plausible = ok32 || !why64;
		v->why = why64;
	}
}

/* Checks the chosen end record in full: one reading of every field. */
static const char *check_end(int fd, uint64_t size, const unsigned char *rec,
			     const struct end_view *v)
{
	uint64_t comment_end = v->pos + EOCD_LEN + le16(rec + 20);

	if (v->why)
		return v->why;
	if (v->zip64) {
		unsigned char loc[LOCATOR_LEN], r64[EOCD64_LEN];

		if (!read_at(fd, loc, LOCATOR_LEN, v->pos - LOCATOR_LEN) ||
		    !read_at(fd, r64, EOCD64_LEN, v->dir_end))
			return "cannot read the ZIP64 end of central directory record";
		if (le32(loc + 4) != 0 || le32(loc + 16) > 1 || le32(r64 + 16) != 0 ||
		    le32(r64 + 20) != 0 || le64(r64 + 24) != v->count)
			return "multi-disk archives are not supported";
		/* Python's zipfile reads the ZIP64 record right before the
		 * locator, whatever the locator says: it must be there. */
		if (le64(r64 + 4) != EOCD64_LEN - 12 ||
		    v->dir_end + EOCD64_LEN != v->pos - LOCATOR_LEN)
			return "the ZIP64 end record does not end where its locator starts";
		/* The 32-bit fields are either placeholders or the same values. */
		if ((le16(rec + 4) != 0 && le16(rec + 4) != MAX16) ||
		    (le16(rec + 6) != 0 && le16(rec + 6) != MAX16) ||
		    (le16(rec + 8) != MAX16 && le16(rec + 8) != v->count) ||
		    (le16(rec + 10) != MAX16 && le16(rec + 10) != v->count) ||
		    (le32(rec + 12) != MAX32 && le32(rec + 12) != v->cd_size) ||
		    (le32(rec + 16) != MAX32 && le32(rec + 16) != v->cd_off))
			return "the end record and the ZIP64 end record disagree";
	} else if (le16(rec + 4) != 0 || le16(rec + 6) != 0 || le16(rec + 8) != v->count) {
		return "multi-disk archives are not supported";
	}
	/* Python's zipfile moves every offset by the difference (data prepended
	 * to an archive), libzip does not: the two must not differ. */
	if (v->cd_off + v->cd_size != v->dir_end)
		return "the central directory does not end where the end record starts";
	if (comment_end != size)
		return comment_end < size ? "bytes after the archive comment"
					  : "the archive comment runs past the end of the file";
	if (v->cd_size > MAX_CDIR)
		return "central directory is too large";
	if (v->count > v->cd_size / CENTRAL_LEN)
		return "central directory holds fewer records than it claims";
	return NULL;
}

/* Finds the one end record; fills *v or returns an error. */
static int find_end(int fd, uint64_t size, size_t max_entries, struct end_view *v,
		    struct wa_error *err)
{
	enum { TAIL = MAX_COMMENT + EOCD_LEN };
	size_t tail_len = size < TAIL ? (size_t)size : TAIL, plausible = 0;
	uint64_t tail_off = size - tail_len, first_pos = 0;
	unsigned char *tail = malloc(tail_len ? tail_len : 1), chosen_rec[EOCD_LEN] = {0};
	struct end_view last = {0};
	bool seen = false;
	const char *why;
	int rc = 0;

	if (!tail)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (size < EOCD_LEN || !read_at(fd, tail, tail_len, tail_off)) {
		rc = wa_error_set(err, WA_ENOTZIP, NULL,
				  "no end of central directory record (truncated or corrupt "
				  "archive)");
		goto out;
	}
	for (size_t i = tail_len - EOCD_LEN + 1; i-- > 0;) {
		struct end_view c;

		if (le32(tail + i) != ZIP_SIG_EOCD)
			continue;
		read_end(fd, size, tail + i, tail_off + i, !seen, &c);
		if (!seen)
			last = c; /* the last signature: its trouble is reported */
		seen = true;
		if (!c.plausible)
			continue;
		if (plausible++ == 0) {
			*v = c;
			memcpy(chosen_rec, tail + i, EOCD_LEN);
		} else {
			first_pos = c.pos;
		}
	}
	if (plausible > 1) {
		rc = wa_error_set(err, WA_ENOTZIP, NULL,
				  "ambiguous archive: %zu end of central directory records (at "
				  "bytes %llu and %llu) lead to central directories; zip readers "
				  "differ in which they take",
				  plausible, (unsigned long long)first_pos,
				  (unsigned long long)v->pos);
		goto out;
	}
	if (plausible == 0) {
		rc = wa_error_set(err, WA_ENOTZIP, NULL, "%s",
				  seen ? last.why
				       : "no end of central directory record (truncated or corrupt "
					 "archive)");
		goto out;
	}
	why = check_end(fd, size, chosen_rec, v);
	if (why) {
		rc = wa_error_set(err, WA_ENOTZIP, NULL, "%s", why);
		goto out;
	}
	if (v->count > max_entries)
		rc = wa_error_set(err, WA_ELIMIT, NULL,
				  "archive has %llu members, more than the limit of %zu",
				  (unsigned long long)v->count, max_entries);
out:
	free(tail);
	return rc;
}

/* ===== extra fields ===== */

struct extras {
	const unsigned char *zip64, *upath;
	size_t zip64_len, upath_len;
};

/*
 * Walks an extra-field block.  A field that runs past the block, or a
 * second ZIP64 or Unicode Path field (readers differ in which they use),
 * is an error; up to 3 zero bytes of padding at the end are allowed, as
 * libzip allows them (zipalign leaves them).
 */
static const char *walk_extra(const unsigned char *x, size_t len, struct extras *out)
{
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (len - pos >= 4) {
		uint16_t id = le16(x + pos), sz = le16(x + pos + 2);

		if (sz > len - pos - 4)
			return "an extra field runs past the end of its block";
		if (id == ZIP_EXTRA_ZIP64) {
			if (out->zip64)
				return "two ZIP64 extra fields";
			out->zip64 = x + pos + 4;
			out->zip64_len = sz;
		} else if (id == ZIP_EXTRA_UNICODE_PATH) {
			if (out->upath)
				return "two Unicode Path extra fields";
			out->upath = x + pos + 4;
			out->upath_len = sz;
		}
		pos += 4 + (size_t)sz;
	}
	for (; pos < len; pos++)
		if (x[pos])
			return "stray bytes after the last extra field";
	return NULL;
}

/*
 * The ZIP64 field supplies, in this order, each of size, compressed size,
 * offset (and disk) whose 32-bit field holds the placeholder.  As libzip
 * does, it is read only when a placeholder is there, and must then hold
 * exactly the values it supplies (Python's zipfile would read a longer one
 * differently).
 */
static const char *central_zip64(const struct extras *x, uint64_t *size, uint64_t *comp,
				 uint64_t *offset, uint32_t *disk)
{
	size_t used = 0;

	if (*size != MAX32 && *comp != MAX32 && *offset != MAX32)
		return NULL;
	if (!x->zip64)
		return "no ZIP64 extra field for a size or offset that needs one";
	if (*size == MAX32) {
		if (x->zip64_len - used < 8)
			return "ZIP64 extra field too short";
		*size = le64(x->zip64 + used);
		used += 8;
	}
	if (*comp == MAX32) {
		if (x->zip64_len - used < 8)
			return "ZIP64 extra field too short";
		*comp = le64(x->zip64 + used);
		used += 8;
	}
	if (*offset == MAX32) {
		if (x->zip64_len - used < 8)
			return "ZIP64 extra field too short";
		*offset = le64(x->zip64 + used);
		used += 8;
	}
	if (*disk == MAX16) {
		if (x->zip64_len - used < 4)
			return "ZIP64 extra field too short";
		*disk = le32(x->zip64 + used);
		used += 4;
	}
	return used == x->zip64_len ? NULL : "ZIP64 extra field longer than its values";
}

/*
 * A Unicode Path field names the entry a second time; libzip and Info-ZIP
 * use it (when its CRC matches the raw name), Python's zipfile does not.
 * Only a field that repeats the raw name byte for byte lets all of them
 * see the same name.
 */
static int check_upath(const struct extras *x, const unsigned char *raw, size_t raw_len,
		       const char *name, const char *where, struct wa_error *err)
{
	char shown[256];

	if (!x->upath)
		return 0;
	if (x->upath_len < 5)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "malformed Unicode Path extra field in %s", where);
	if (x->upath_len - 5 == raw_len && memcmp(x->upath + 5, raw, raw_len) == 0)
		return 0;
	return wa_error_set(err, WA_EUNSAFE, name,
			    "the Unicode Path extra field in %s names it '%s': zip readers differ "
			    "in which of the two names they use",
			    where, printable(shown, sizeof(shown), x->upath + 5, x->upath_len - 5));
}

/* ===== the central directory ===== */

static void cdir_free(struct cdir *cd)
{
	if (!cd)
		return;
	free(cd->bytes);
	free(cd->names);
	free(cd->ents);
	free(cd);
}

static int parse_record(struct cdir *cd, size_t i, size_t *pos, size_t *names_used,
			struct wa_error *err)
{
	const unsigned char *r = cd->bytes + *pos;
	struct zent *e = &cd->ents[i];
	struct extras x;
	const char *why, *name;
	size_t n, m, k;
	uint32_t disk;

	if (cd->len - *pos < CENTRAL_LEN || le32(r) != ZIP_SIG_CENTRAL)
		return wa_error_set(err, WA_ENOTZIP, NULL,
				    "central directory record %zu is malformed", i);
	n = le16(r + 28);
	m = le16(r + 30);
	k = le16(r + 32);
	if (cd->len - *pos - CENTRAL_LEN < n + m + k)
		return wa_error_set(err, WA_ENOTZIP, NULL,
				    "central directory record %zu runs past the directory's end",
				    i);
	e->record = *pos;
	e->name = *names_used;
	memcpy(cd->names + *names_used, r + CENTRAL_LEN, n);
	cd->names[*names_used + n] = '\0';
	*names_used += n + 1;
	name = cd->names + e->name;
	e->name_len = (uint16_t)n;
	e->version_made_by = le16(r + 4);
	e->flags = le16(r + 8);
	e->method = le16(r + 10);
	e->crc = le32(r + 16);
	e->comp_size = le32(r + 20);
	e->size = le32(r + 24);
	disk = le16(r + 34);
	e->ext_attr = le32(r + 38);
	e->offset = le32(r + 42);
	*pos += CENTRAL_LEN + n + m + k;
	/* C strings end at a NUL: libzip and we would name different things. */
	if (memchr(r + CENTRAL_LEN, 0, n))
		return wa_error_set(err, WA_EUNSAFE, name, "NUL byte in the member name");
	why = walk_extra(r + CENTRAL_LEN + n, m, &x);
	if (!why)
		why = central_zip64(&x, &e->size, &e->comp_size, &e->offset, &disk);
	if (why)
		return wa_error_set(err, WA_ENOTZIP, name, "central directory: %s", why);
	if (disk != 0)
		return wa_error_set(err, WA_ENOTZIP, name, "multi-disk archives are not supported");
	return check_upath(&x, r + CENTRAL_LEN, n, name, "the central directory", err);
}

/* Reads the directory the end record leads to and parses every record. */
static int read_cdir(int fd, const struct end_view *v, struct cdir **out, struct wa_error *err)
{
	struct cdir *cd = calloc(1, sizeof(*cd));
	size_t pos = 0, names_used = 0;
	int rc = 0;

	*out = NULL;
	if (!cd)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	cd->len = (size_t)v->cd_size;
	cd->offset = v->cd_off;
	cd->count = (size_t)v->count;
	cd->bytes = malloc(cd->len ? cd->len : 1);
	cd->names = malloc(cd->len + cd->count + 1);
	cd->ents = calloc(cd->count ? cd->count : 1, sizeof(*cd->ents));
	if (!cd->bytes || !cd->names || !cd->ents) {
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if (!read_at(fd, cd->bytes, cd->len, cd->offset)) {
		rc = wa_error_set(err, WA_EIO, NULL, "cannot read the central directory");
		goto out;
	}
	for (size_t i = 0; i < cd->count && !rc; i++)
		rc = parse_record(cd, i, &pos, &names_used, err);
	if (!rc && pos != cd->len)
		rc = wa_error_set(err, WA_ENOTZIP, NULL,
				  "the central directory holds %zu bytes after its %zu records",
				  cd->len - pos, cd->count);
out:
	if (rc)
		cdir_free(cd);
	else
		*out = cd;
	return rc;
}

/* ===== local headers and data ranges ===== */

struct local {
	size_t extra_len;
	const unsigned char *extra; /* in the caller's buffer */
	uint64_t data_offset, end;
};

/*
 * The length of the data descriptor at d (avail bytes there), or 0 when
 * none matches the central record.  Its size fields are 8 bytes when the
 * local header has a ZIP64 field, else 4 (other widths are tried too, for
 * writers that differ); its signature is optional.
 */
static size_t descriptor_len(const unsigned char *d, size_t avail, const struct zent *e, bool zip64)
{
	for (int pass = 0; pass < 2; pass++) {
		bool wide = zip64 ^ (pass == 1);

		for (size_t s = 4;; s = 0) {
			size_t len = s + (wide ? 20 : 12);

			if (avail >= len && (s == 0 || le32(d) == ZIP_SIG_DESCRIPTOR) &&
			    le32(d + s) == e->crc &&
			    (wide ? le64(d + s + 4) == e->comp_size && le64(d + s + 12) == e->size
				  : le32(d + s + 4) == e->comp_size && le32(d + s + 8) == e->size))
				return len;
			if (s == 0)
				break;
		}
	}
	return 0;
}

/*
 * Reads entry e's local header (into *buf) and checks it against the
 * central record as strictly as libzip does and more: the same name
 * (and Unicode Path), method, encryption, time, sizes and CRC (unless
 * deferred to a data descriptor, which must then match), and the header,
 * data and descriptor inside the file before the central directory.
 */
static int read_local(struct reader *r, const struct cdir *cd, const struct zent *e,
		      unsigned char **buf, size_t *cap, struct local *lo, struct wa_error *err)
{
	const unsigned char *c = cd->bytes + e->record;
	const char *name = name_of(cd, e), *why;
	uint64_t room, lsize, lcomp;
	size_t want, n, m;
	unsigned char *h;
	uint16_t lflags;
	struct extras x;
	uint32_t lcrc;
	char shown[256];
	int rc;

	if (e->offset > cd->offset || cd->offset - e->offset < LOCAL_LEN)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "local header offset %llu lies outside the archive's entries",
				    (unsigned long long)e->offset);
	room = cd->offset - e->offset;
	/* One read usually gets all: the local name and extra tend to be the
	 * central ones. */
	want = LOCAL_LEN + e->name_len + le16(c + 30) + 64;
	if (want > room)
		want = (size_t)room;
	if (want > *cap) {
		unsigned char *p = realloc(*buf, want);

		if (!p)
			return wa_error_set(err, WA_ENOMEM, name, "out of memory");
		*buf = p;
		*cap = want;
	}
	h = *buf;
	if (!reader_get(r, h, want, e->offset))
		return wa_error_set(err, WA_EIO, name, "cannot read the local header");
	if (le32(h) != ZIP_SIG_LOCAL)
		return wa_error_set(err, WA_ENOTZIP, name, "no local header at offset %llu",
				    (unsigned long long)e->offset);
	n = le16(h + 26);
	m = le16(h + 28);
	if (LOCAL_LEN + n + m > room)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "local header runs into the central directory");
	if (LOCAL_LEN + n + m > want) {
		unsigned char *p = realloc(*buf, LOCAL_LEN + n + m);

		if (!p)
			return wa_error_set(err, WA_ENOMEM, name, "out of memory");
		*buf = h = p;
		*cap = LOCAL_LEN + n + m;
		if (!reader_get(r, h + want, LOCAL_LEN + n + m - want, e->offset + want))
			return wa_error_set(err, WA_EIO, name, "cannot read the local header");
	}
	if (n != e->name_len || memcmp(h + LOCAL_LEN, c + CENTRAL_LEN, n) != 0)
		return wa_error_set(
			err, WA_EUNSAFE, name,
			"the local header names it '%s': zip readers differ in which of "
			"the two names they use",
			printable(shown, sizeof(shown), h + LOCAL_LEN, n));
	why = walk_extra(h + LOCAL_LEN + n, m, &x);
	if (why)
		return wa_error_set(err, WA_ENOTZIP, name, "local header: %s", why);
	rc = check_upath(&x, c + CENTRAL_LEN, n, name, "the local header", err);
	if (rc)
		return rc;
	lflags = le16(h + 6);
	if (le16(h + 8) != e->method)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "the local header gives compression method %u, the central "
				    "directory %u",
				    le16(h + 8), e->method);
	if ((lflags ^ e->flags) & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION))
		return wa_error_set(err, WA_ENOTZIP, name,
				    "the local header and the central directory disagree on "
				    "encryption");
	/* libzip refuses these two as well, without saying which entry. */
	if (le16(h + 10) != le16(c + 12) || le16(h + 12) != le16(c + 14))
		return wa_error_set(err, WA_ENOTZIP, name,
				    "the local header and the central directory give different "
				    "modification times");
	if (le16(h + 4) > le16(c + 6))
		return wa_error_set(err, WA_ENOTZIP, name,
				    "the local header needs zip version %u, the central directory "
				    "says %u",
				    le16(h + 4), le16(c + 6));
	lcrc = le32(h + 14);
	lcomp = le32(h + 18);
	lsize = le32(h + 22);
	if (lsize == MAX32 || lcomp == MAX32) {
		/* A local ZIP64 field holds both sizes, and nothing else. */
		if (!x.zip64 || x.zip64_len != 16)
			return wa_error_set(err, WA_ENOTZIP, name,
					    "local header: malformed or missing ZIP64 extra field");
		if (lsize == MAX32)
			lsize = le64(x.zip64);
		if (lcomp == MAX32)
			lcomp = le64(x.zip64 + 8);
	}
	if (lflags & FLAG_DESCRIPTOR
		    ? (lcrc && lcrc != e->crc) || (lcomp && lcomp != e->comp_size) ||
			      (lsize && lsize != e->size)
		    : lcrc != e->crc || lcomp != e->comp_size || lsize != e->size)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "the local header and the central directory give different "
				    "sizes or CRCs");
	lo->extra = h + LOCAL_LEN + n;
	lo->extra_len = m;
	lo->data_offset = e->offset + LOCAL_LEN + n + m;
	if (e->comp_size > cd->offset - lo->data_offset)
		return wa_error_set(err, WA_ENOTZIP, name,
				    "the compressed data runs into the central directory");
	lo->end = lo->data_offset + e->comp_size;
	if (lflags & FLAG_DESCRIPTOR) {
		unsigned char d[24];
		size_t avail = cd->offset - lo->end < sizeof(d) ? (size_t)(cd->offset - lo->end)
								: sizeof(d);
		size_t len;

		if (!reader_get(r, d, avail, lo->end))
			return wa_error_set(err, WA_EIO, name, "cannot read the data descriptor");
		len = descriptor_len(d, avail, e, x.zip64 != NULL);
		if (!len)
			return wa_error_set(err, WA_ENOTZIP, name,
					    "no data descriptor matching the central directory "
					    "after the data");
		lo->end += len;
	}
	return 0;
}

struct span {
	uint64_t offset;
	size_t index;
};

static int compare_spans(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Entries in file order must tile the file from its first byte to the
 * central directory: a local header, its data, its descriptor, the next
 * local header.  A directory may list them in another order, that is
 * legal; overlapping entries are not (many entries sharing one deflate
 * stream is the zip bomb that inflates gigabytes from kilobytes), and
 * bytes that no entry accounts for are where a second archive or a hidden
 * entry would sit.  Checked from the directory alone, before anything is
 * inflated.
 */
static int check_tiling(const struct cdir *cd, struct wa_error *err)
{
	struct span *s = malloc((cd->count ? cd->count : 1) * sizeof(*s));
	uint64_t at = 0;
	const struct zent *prev = NULL;
	int rc = 0;

	if (!s)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < cd->count; i++)
		s[i] = (struct span){cd->ents[i].offset, i};
	qsort(s, cd->count, sizeof(*s), compare_spans);
	for (size_t k = 0; k < cd->count && !rc; k++) {
		const struct zent *e = &cd->ents[s[k].index];

		if (e->offset > at && !prev)
			rc = wa_error_set(err, WA_ENOTZIP, name_of(cd, e),
					  "%llu bytes before the first local header (data "
					  "prepended to the archive)",
					  (unsigned long long)e->offset);
		else if (e->offset > at)
			rc = wa_error_set(err, WA_ENOTZIP, name_of(cd, e),
					  "%llu unaccounted bytes between '%s' and this member",
					  (unsigned long long)(e->offset - at), name_of(cd, prev));
		else if (e->offset < at)
			rc = wa_error_set(err, WA_ENOTZIP, name_of(cd, e),
					  "member overlaps '%s' (bytes %llu to %llu): overlapping "
					  "entries are a zip-bomb trick",
					  name_of(cd, prev), (unsigned long long)e->offset,
					  (unsigned long long)at);
		at = e->end;
		prev = e;
	}
	if (!rc && at != cd->offset && prev)
		rc = wa_error_set(err, WA_ENOTZIP, name_of(cd, prev),
				  "%llu unaccounted bytes between the last member and the central "
				  "directory",
				  (unsigned long long)(cd->offset - at));
	else if (!rc && at != cd->offset)
		rc = wa_error_set(err, WA_ENOTZIP, NULL,
				  "%llu bytes before the central directory of an empty archive",
				  (unsigned long long)cd->offset);
	free(s);
	return rc;
}

/* The whole parse: end record, directory, every local header, tiling. */
static int parse_archive(int fd, uint64_t size, size_t max_entries, struct cdir **out,
			 struct wa_error *err)
{
	struct end_view v = {0};
	struct cdir *cd = NULL;
	struct reader r = {.fd = fd, .size = size};
	unsigned char *buf = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	rc = find_end(fd, size, max_entries, &v, err);
	if (!rc)
		rc = read_cdir(fd, &v, &cd, err);
	for (size_t i = 0; !rc && i < cd->count; i++) {
		struct local lo;
		struct zent *e = &cd->ents[i];

		rc = read_local(&r, cd, e, &buf, &cap, &lo, err);
		if (!rc) {
			e->data_offset = lo.data_offset;
			e->end = lo.end;
		}
	}
	if (!rc)
		rc = check_tiling(cd, err);
	reader_release(&r);
	free(buf);
	if (rc)
		cdir_free(cd);
	else
		*out = cd;
	return rc;
}

/* ===== libzip =====
 *
 * Stored and deflated entries, all that wheels hold, are read by
 * read_entry below.  libzip decompresses the other methods (bzip2, xz,
 * zstd...); it is opened on the first such entry, reads through our
 * descriptor, and its own reading of the directory must then agree with
 * ours entry by entry before it reads anything.
 */

static int set_zip_error(struct wa_error *err, int code, const char *member, const char *what,
			 zip_error_t *ze)
{
	return wa_error_set(err, code, member, "%s: %s", what, zip_error_strerror(ze));
}

static int open_error(struct wa_error *err, int zerr)
{
	zip_error_t ze;
	int code = WA_ENOTZIP;

	zip_error_init_with_code(&ze, zerr);
	/* A seek outside a file whose records we have checked means libzip
	 * reads them otherwise: the input's fault, not an I/O error. */
	if (zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ || zerr == ZIP_ER_NOENT)
		code = WA_EIO;
	if (zerr == ZIP_ER_MEMORY)
		code = WA_ENOMEM;
	wa_error_set(err, code, NULL, "%s%s", zip_error_strerror(&ze),
		     code == WA_ENOTZIP ? " (truncated or corrupt archive)" : "");
	zip_error_fini(&ze);
	return -code;
}

/*
 * The entries libzip would decompress must be ours: the same count, and
 * per entry the same name, sizes, CRC, method and encryption.  (With one
 * end record and a directory that tiles the file it has no other
 * directory to find; this makes sure.)
 */
static int cross_check(zip_t *archive, const struct cdir *cd, struct wa_error *err)
{
	zip_int64_t n = zip_get_num_entries(archive, 0);

	if (n < 0 || (uint64_t)n != cd->count)
		return wa_error_set(err, WA_ENOTZIP, NULL,
				    "libzip finds %lld entries, the central directory %zu",
				    (long long)n, cd->count);
	for (size_t i = 0; i < cd->count; i++) {
		const struct zent *e = &cd->ents[i];
		bool encrypted = (e->flags & FLAG_ENCRYPTED) || e->method == METHOD_AES;
		zip_stat_t st;
		bool same;

		zip_stat_init(&st);
		if (zip_stat_index(archive, i, ZIP_FL_ENC_RAW, &st) != 0)
			return set_zip_error(err, WA_ENOTZIP, name_of(cd, e),
					     "libzip cannot read the entry",
					     zip_get_error(archive));
		same = (st.valid & ZIP_STAT_NAME) && strcmp(st.name, name_of(cd, e)) == 0 &&
		       (st.valid & ZIP_STAT_SIZE) && st.size == e->size &&
		       (st.valid & ZIP_STAT_COMP_SIZE) && st.comp_size == e->comp_size &&
		       (st.valid & ZIP_STAT_CRC) && st.crc == e->crc &&
		       ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
			st.encryption_method != ZIP_EM_NONE) == encrypted &&
		       /* AES entries give libzip the method inside the AES field */
		       (encrypted || ((st.valid & ZIP_STAT_COMP_METHOD) &&
				      st.comp_method == (zip_int32_t)e->method));
		if (!same)
			return wa_error_set(err, WA_ENOTZIP, name_of(cd, e),
					    "libzip reads this entry differently from the central "
					    "directory (name, size, CRC or method)");
	}
	return 0;
}

/*
 * What libzip reads through: our descriptor, through a window at a
 * position kept here.  libzip's own file source stats and seeks the file
 * for every member it opens, and a stdio position could not be shared by
 * the scan threads; the size is known and the file is only read.
 */
struct fd_source {
	struct reader rd;
	uint64_t pos;
	zip_error_t error;
};

static zip_int64_t fd_source_cb(void *ud, void *data, zip_uint64_t len, zip_source_cmd_t cmd)
{
	struct fd_source *s = ud;

	switch (cmd) {
	case ZIP_SOURCE_OPEN: s->pos = 0; return 0;
	case ZIP_SOURCE_READ: {
		uint64_t left = s->rd.size - s->pos;
		size_t n = len < left ? (size_t)len : (size_t)left;

		if (n && !reader_get(&s->rd, data, n, s->pos)) {
			zip_error_set(&s->error, ZIP_ER_READ, errno);
			return -1;
		}
		s->pos += n;
		return (zip_int64_t)n;
	}
	case ZIP_SOURCE_CLOSE:
	case ZIP_SOURCE_FREE: /* the state belongs to the wa_zip */ return 0;
	case ZIP_SOURCE_STAT: {
		zip_stat_t *st = data;

		if (len < sizeof(*st)) {
			zip_error_set(&s->error, ZIP_ER_INTERNAL, 0);
			return -1;
		}
		zip_stat_init(st);
		st->size = s->rd.size;
		st->valid |= ZIP_STAT_SIZE;
		return sizeof(*st);
	}
	case ZIP_SOURCE_ERROR: return zip_error_to_data(&s->error, data, len);
	case ZIP_SOURCE_SEEK: {
		zip_int64_t at =
			zip_source_seek_compute_offset(s->pos, s->rd.size, data, len, &s->error);

		if (at < 0)
			return -1;
		s->pos = (uint64_t)at;
		return 0;
	}
	case ZIP_SOURCE_TELL: return (zip_int64_t)s->pos;
	case ZIP_SOURCE_SUPPORTS:
		return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ,
						      ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
						      ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE,
						      ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL,
						      ZIP_SOURCE_SUPPORTS, -1);
	default: zip_error_set(&s->error, ZIP_ER_OPNOTSUPP, 0); return -1;
	}
}

/* Opens libzip on z's descriptor, once, and checks it reads z's directory. */
static int need_libzip(struct wa_zip *z, struct wa_error *err)
{
	zip_source_t *src;
	zip_error_t ze;
	int rc;

	if (z->archive)
		return 0;
	if (!z->src) {
		z->src = calloc(1, sizeof(*z->src));
		if (!z->src)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		z->src->rd = (struct reader){.fd = z->fd, .size = z->file_size};
		zip_error_init(&z->src->error);
	}
	zip_error_init(&ze);
	src = zip_source_function_create(fd_source_cb, z->src, &ze);
	/* ZIP_CHECKCONS would read every local header again: ours were read
	 * and the cross-check ties libzip's reading to them. */
	if (src)
		z->archive = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!z->archive) {
		zip_source_free(src); /* a source is the archive's once the open succeeds */
		rc = open_error(err, zip_error_code_zip(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	rc = cross_check(z->archive, z->cd, err);
	if (rc) {
		zip_discard(z->archive);
		z->archive = NULL;
	}
	return rc;
}

/* ===== opening ===== */

/*
 * One open(2) serves every read, so the whole run sees one file even if
 * the path is replaced meanwhile.
 */
int wa_zip_open(struct wa_zip **out, const char *path, size_t max_entries, struct wa_error *err)
{
	struct wa_zip *z = calloc(1, sizeof(*z));
	struct stat st;
	int rc;

	*out = NULL;
	if (!z)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	z->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (z->fd < 0) {
		int e = errno;

		rc = wa_error_set(err, WA_EIO, NULL, "cannot open: %s", wa_strerror(e));
		if (err)
			err->sys_errno = e;
	} else if (fstat(z->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = wa_error_set(err, WA_EIO, NULL, "not a regular file");
	} else {
		z->file_size = (uint64_t)st.st_size;
		z->rd = (struct reader){.fd = z->fd, .size = z->file_size};
		rc = parse_archive(z->fd, z->file_size, max_entries, &z->cd, err);
	}
	if (rc) {
		wa_zip_free(z);
		return rc;
	}
	*out = z;
	return 0;
}

/* Reads with pread() only keep no file position, so handles on one
 * descriptor do not disturb each other. */
int wa_zip_reopen(struct wa_zip **out, const struct wa_zip *z, struct wa_error *err)
{
	struct wa_zip *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	c->fd = z->fd;
	c->file_size = z->file_size;
	c->cd = z->cd;
	c->borrowed = true;
	c->rd = (struct reader){.fd = c->fd, .size = c->file_size};
	*out = c;
	return 0;
}

void wa_zip_free(struct wa_zip *z)
{
	if (!z)
		return;
	zip_discard(z->archive); /* frees the source, whose state is z->src */
	if (z->src) {
		zip_error_fini(&z->src->error);
		reader_release(&z->src->rd);
		free(z->src);
	}
	if (z->zs_ready)
		inflateEnd(&z->zs);
	if (!z->borrowed) {
		if (z->fd >= 0)
			close(z->fd);
		cdir_free(z->cd);
	}
	reader_release(&z->rd);
	free(z->in);
	free(z->out);
	free(z->local);
	free(z);
}

int wa_zip_fd(const struct wa_zip *z)
{
	return z->fd;
}

/* ===== entries ===== */

size_t wa_zip_count(const struct wa_zip *z)
{
	return z->cd->count;
}

int wa_zip_entry(const struct wa_zip *z, size_t index, struct wa_zip_entry *out,
		 struct wa_error *err)
{
	const struct zent *e;

	memset(out, 0, sizeof(*out));
	if (index >= z->cd->count)
		return wa_error_set(err, WA_EINTERNAL, NULL, "no entry %zu", index);
	e = &z->cd->ents[index];
	out->name = name_of(z->cd, e);
	out->name_len = e->name_len;
	out->size = e->size;
	out->comp_size = e->comp_size;
	out->crc = e->crc;
	out->method = e->method;
	out->method_supported = zip_compression_method_supported((zip_int32_t)e->method, 0) != 0;
	out->encrypted = (e->flags & FLAG_ENCRYPTED) || e->method == METHOD_AES;
	out->opsys = (uint8_t)(e->version_made_by >> 8);
	out->ext_attr = e->ext_attr;
	return 0;
}

int wa_zip_raw_entry(struct wa_zip *z, size_t index, struct wa_zip_raw *out, struct wa_error *err)
{
	const struct cdir *cd = z->cd;
	const struct zent *e;
	const unsigned char *c;
	struct local lo;
	int rc;

	memset(out, 0, sizeof(*out));
	if (index >= cd->count)
		return wa_error_set(err, WA_EINTERNAL, NULL, "no entry %zu", index);
	e = &cd->ents[index];
	c = cd->bytes + e->record;
	/* Read again: what we copy must be what was audited. */
	rc = read_local(&z->rd, cd, e, &z->local, &z->local_cap, &lo, err);
	if (rc)
		return rc;
	if (lo.data_offset != e->data_offset || lo.end != e->end)
		return wa_error_set(err, WA_ECORRUPT, name_of(cd, e),
				    "the local header changed since the archive was opened");
	out->name = c + CENTRAL_LEN;
	out->name_len = e->name_len;
	out->version_made_by = e->version_made_by;
	out->version_needed = le16(c + 6);
	out->flags = e->flags;
	out->method = e->method;
	out->dos_time = le16(c + 12);
	out->dos_date = le16(c + 14);
	out->crc = e->crc;
	out->comp_size = e->comp_size;
	out->size = e->size;
	out->internal_attr = le16(c + 36);
	out->external_attr = e->ext_attr;
	out->central_extra = c + CENTRAL_LEN + e->name_len;
	out->central_extra_len = le16(c + 30);
	out->comment = out->central_extra + out->central_extra_len;
	out->comment_len = le16(c + 32);
	out->local_extra = lo.extra;
	out->local_extra_len = lo.extra_len;
	out->data_offset = e->data_offset;
	return 0;
}

/* ===== reading entries ===== */

enum { IN_CHUNK = 64 << 10, OUT_CHUNK = 256 << 10 };

/* The output of one entry so far, checked as it comes. */
struct output {
	const char *name;
	uint64_t max, declared, total;
	uLong crc;
	wa_zip_sink_fn sink;
	void *ctx;
	struct wa_error *err;
};

static int emit(struct output *o, const void *data, size_t len)
{
	o->total += len;
	if (o->total > o->max)
		return wa_error_set(o->err, WA_ELIMIT, o->name,
				    "member decompresses to more than %llu bytes (raise the limit "
				    "with --max-member-size)",
				    (unsigned long long)o->max);
	if (o->total > o->declared)
		return wa_error_set(o->err, WA_ECORRUPT, o->name,
				    "member decompresses to more than the %llu bytes it declares",
				    (unsigned long long)o->declared);
	o->crc = crc32(o->crc, data, (uInt)len);
	return o->sink(o->ctx, data, len);
}

/* Inflates one chunk of input; *ended once the deflate stream is done. */
static int inflate_chunk(struct wa_zip *z, struct output *o, bool *ended)
{
	do {
		int zr;
		size_t got;

		z->zs.next_out = z->out;
		z->zs.avail_out = OUT_CHUNK;
		zr = inflate(&z->zs, Z_NO_FLUSH);
		if (zr == Z_MEM_ERROR)
			return wa_error_set(o->err, WA_ENOMEM, o->name, "out of memory");
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
			return wa_error_set(o->err, WA_ECORRUPT, o->name,
					    "cannot decompress member: %s",
					    z->zs.msg ? z->zs.msg : "invalid deflate data");
		got = OUT_CHUNK - z->zs.avail_out;
		if (got) {
			int rc = emit(o, z->out, got);

			if (rc)
				return rc;
		}
		if (zr == Z_STREAM_END)
			*ended = true;
		if (zr == Z_BUF_ERROR || *ended)
			break;
	} while (z->zs.avail_in || !z->zs.avail_out);
	return 0;
}

/*
 * Reads a stored or deflated entry from exactly the bytes the directory
 * gives it, the bytes `repair` copies: the deflate stream must end with
 * them (no bytes after it), and the output must have the declared size
 * and CRC.
 */
static int read_entry(struct wa_zip *z, const struct zent *e, struct output *o)
{
	uint64_t pos = e->data_offset, left = e->comp_size;
	bool deflated = e->method == METHOD_DEFLATE, ended = !deflated;

	if (e->flags & FLAG_ENCRYPTED)
		return wa_error_set(o->err, WA_ECORRUPT, o->name, "member is encrypted");
	if ((!z->in && !(z->in = malloc(IN_CHUNK))) ||
	    (deflated && !z->out && !(z->out = malloc(OUT_CHUNK))))
		return wa_error_set(o->err, WA_ENOMEM, o->name, "out of memory");
	if (deflated && !z->zs_ready) {
		if (inflateInit2(&z->zs, -15) != Z_OK)
			return wa_error_set(o->err, WA_ENOMEM, o->name, "out of memory");
		z->zs_ready = true;
	} else if (deflated && inflateReset(&z->zs) != Z_OK) {
		return wa_error_set(o->err, WA_EINTERNAL, o->name, "cannot reset zlib");
	}
	while (left) {
		size_t n = left < IN_CHUNK ? (size_t)left : IN_CHUNK;
		int rc;

		if (deflated && ended)
			return wa_error_set(o->err, WA_ECORRUPT, o->name,
					    "%llu bytes after the end of the deflate stream",
					    (unsigned long long)left);
		if (!reader_get(&z->rd, z->in, n, pos))
			return wa_error_set(o->err, WA_EIO, o->name,
					    "cannot read the member's data");
		pos += n;
		left -= n;
		if (!deflated) {
			rc = emit(o, z->in, n);
		} else {
			z->zs.next_in = z->in;
			z->zs.avail_in = (uInt)n;
			rc = inflate_chunk(z, o, &ended);
			if (!rc && ended && z->zs.avail_in)
				rc = wa_error_set(o->err, WA_ECORRUPT, o->name,
						  "%llu bytes after the end of the deflate stream",
						  (unsigned long long)(left + z->zs.avail_in));
		}
		if (rc)
			return rc;
	}
	if (!ended)
		return wa_error_set(o->err, WA_ECORRUPT, o->name,
				    "the deflate stream is cut short (truncated member)");
	if (o->total != e->size)
		return wa_error_set(o->err, WA_ECORRUPT, o->name,
				    "member decompresses to %llu bytes, the directory says %llu",
				    (unsigned long long)o->total, (unsigned long long)e->size);
	if ((uint32_t)o->crc != e->crc)
		return wa_error_set(o->err, WA_ECORRUPT, o->name,
				    "CRC error: the content does not match its CRC-32");
	return 0;
}

/* Any other method, through libzip (which checks the CRC itself). */
static int read_with_libzip(struct wa_zip *z, size_t index, struct output *o)
{
	zip_file_t *f = NULL;
	int rc = need_libzip(z, o->err);

	if (rc)
		return rc;
	if (!z->out && !(z->out = malloc(OUT_CHUNK)))
		return wa_error_set(o->err, WA_ENOMEM, o->name, "out of memory");
	f = zip_fopen_index(z->archive, index, 0);
	if (!f) {
		zip_error_t *ze = zip_get_error(z->archive);
		int code = zip_error_code_zip(ze) == ZIP_ER_MEMORY ? WA_ENOMEM : WA_ECORRUPT;

		return set_zip_error(o->err, code, o->name, "cannot open member", ze);
	}
	for (;;) {
		zip_int64_t n = zip_fread(f, z->out, OUT_CHUNK);

		if (n < 0) {
			rc = set_zip_error(o->err, WA_ECORRUPT, o->name, "cannot decompress member",
					   zip_file_get_error(f));
			break;
		}
		if (n == 0)
			break;
		rc = emit(o, z->out, (size_t)n);
		if (rc)
			break;
	}
	zip_fclose(f);
	return rc;
}

int wa_zip_read(struct wa_zip *z, size_t index, uint64_t max, wa_zip_sink_fn sink, void *ctx,
		struct wa_error *err)
{
	const struct zent *e;
	struct output o;

	if (index >= z->cd->count)
		return wa_error_set(err, WA_EINTERNAL, NULL, "no entry %zu", index);
	e = &z->cd->ents[index];
	o = (struct output){.name = name_of(z->cd, e),
			    .max = max,
			    .declared = e->size,
			    .crc = crc32(0L, Z_NULL, 0),
			    .sink = sink,
			    .ctx = ctx,
			    .err = err};
	if (e->method == METHOD_STORE || e->method == METHOD_DEFLATE)
		return read_entry(z, e, &o);
	return read_with_libzip(z, index, &o);
}
