/* SPDX-License-Identifier: MIT */
/*
 * The zip reader's own parse of the central directory, on archives written
 * record by record into a temporary directory: what a well-formed archive
 * yields, and each shape that could be read two ways, refused with its
 * code and the member it concerns.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zlib.h>

#include "wheelaudit/zip.h"

static char dir[256];
static char path[512];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/wa_test_zip.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/t.zip", dir);
	return 0;
}

static int remove_dir(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[600];

	(void)state;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d)
		closedir(d);
	return rmdir(dir);
}

/* ===== writing archives by hand ===== */

struct bytes {
	unsigned char p[1 << 16];
	size_t len;
};

static void put(struct bytes *b, const void *d, size_t n)
{
	assert_true(b->len + n <= sizeof(b->p));
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put16(struct bytes *b, uint32_t v)
{
	unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};

	put(b, x, 2);
}

static void put32(struct bytes *b, uint32_t v)
{
	put16(b, v & 0xffff);
	put16(b, v >> 16);
}

static void put64(struct bytes *b, uint64_t v)
{
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

/* One stored entry; the fields a test changes to make it hostile. */
struct ent {
	const char *name;
	const char *data;
	const char *local_name;    /* NULL: name */
	uint64_t offset;           /* set by put_local */
	uint32_t central_offset32; /* 0: offset */
	struct bytes *central_extra, *local_extra;
	uint16_t flags;
	uint32_t mode;
	uint16_t host;
	/* to store other bytes than data: deflated data, a wrong CRC or size */
	const unsigned char *comp; /* NULL: data, stored */
	size_t comp_len;
	bool lie_crc;    /* declare the CRC of data with one bit flipped */
	size_t lie_size; /* when not 0: the size declared */
};

static uint32_t crc_of(const char *s)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), (const Bytef *)s, (uInt)strlen(s));
}

static uint32_t crc_declared(const struct ent *e)
{
	return crc_of(e->data) ^ (e->lie_crc ? 1u : 0u);
}

static size_t size_declared(const struct ent *e)
{
	return e->lie_size ? e->lie_size : strlen(e->data);
}

static size_t comp_len(const struct ent *e)
{
	return e->comp ? e->comp_len : strlen(e->data);
}

static void put_local(struct bytes *b, struct ent *e, bool descriptor)
{
	const char *n = e->local_name ? e->local_name : e->name;

	e->offset = b->len;
	put32(b, 0x04034b50);
	put16(b, 20);
	put16(b, e->flags | (descriptor ? 8 : 0));
	put16(b, e->comp ? 8 : 0);
	put16(b, 0);
	put16(b, 0x5821);
	put32(b, descriptor ? 0 : crc_declared(e));
	put32(b, descriptor ? 0 : (uint32_t)comp_len(e));
	put32(b, descriptor ? 0 : (uint32_t)size_declared(e));
	put16(b, (uint32_t)strlen(n));
	put16(b, e->local_extra ? (uint32_t)e->local_extra->len : 0);
	put(b, n, strlen(n));
	if (e->local_extra)
		put(b, e->local_extra->p, e->local_extra->len);
	if (e->comp)
		put(b, e->comp, e->comp_len);
	else
		put(b, e->data, strlen(e->data));
}

static void put_central(struct bytes *b, const struct ent *e)
{
	put32(b, 0x02014b50);
	put16(b, (uint32_t)(e->host ? e->host : 3) << 8 | 20);
	put16(b, 20);
	put16(b, e->flags);
	put16(b, e->comp ? 8 : 0);
	put16(b, 0);
	put16(b, 0x5821);
	put32(b, crc_declared(e));
	put32(b, (uint32_t)comp_len(e));
	put32(b, (uint32_t)size_declared(e));
	put16(b, (uint32_t)strlen(e->name));
	put16(b, e->central_extra ? (uint32_t)e->central_extra->len : 0);
	put16(b, 0);
	put16(b, 0);
	put16(b, 0);
	put32(b, (e->mode ? e->mode : 0100644u) << 16);
	put32(b, e->central_offset32 ? e->central_offset32 : (uint32_t)e->offset);
	put(b, e->name, strlen(e->name));
	if (e->central_extra)
		put(b, e->central_extra->p, e->central_extra->len);
}

static void put_eocd(struct bytes *b, size_t count, uint64_t cd_size, uint64_t cd_off,
		     const void *comment, size_t comment_len)
{
	put32(b, 0x06054b50);
	put16(b, 0);
	put16(b, 0);
	put16(b, (uint32_t)count);
	put16(b, (uint32_t)count);
	put32(b, (uint32_t)cd_size);
	put32(b, (uint32_t)cd_off);
	put16(b, (uint32_t)comment_len);
	put(b, comment, comment_len);
}

/* entries[] laid out after `prefix` bytes of padding, then the directory. */
static void write_archive(struct ent *es, size_t n, size_t prefix, const void *comment,
			  size_t comment_len)
{
	static struct bytes b;
	uint64_t cd_off;
	FILE *f;

	b.len = 0;
	for (size_t i = 0; i < prefix; i++)
		put(&b, "#", 1);
	for (size_t i = 0; i < n; i++)
		put_local(&b, &es[i], false);
	cd_off = b.len;
	for (size_t i = 0; i < n; i++)
		put_central(&b, &es[i]);
	put_eocd(&b, n, b.len - cd_off, cd_off, comment, comment_len);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
	fclose(f);
}

static void write_bytes(const struct bytes *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->p, 1, b->len, f), b->len);
	fclose(f);
}

static struct wa_zip *open_ok(void)
{
	struct wa_zip *z = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	if (wa_zip_open(&z, path, SIZE_MAX, &err) != 0)
		fail_msg("open failed: %s: %s", err.member, err.message);
	return z;
}

/* Opening fails with code, naming member ("" for none), saying `says`. */
static void assert_refused(int code, const char *member, const char *says)
{
	struct wa_zip *z = NULL;
	struct wa_error err;
	int rc;

	wa_error_clear(&err);
	rc = wa_zip_open(&z, path, SIZE_MAX, &err);
	if (rc != -code || strcmp(err.member, member) != 0 || !strstr(err.message, says))
		fail_msg("expected %d '%s' '...%s...', got %d '%s' '%s'", -code, member, says, rc,
			 err.member, err.message);
	assert_null(z);
}

static struct ent two[2];

static void two_entries(void)
{
	memset(two, 0, sizeof(two));
	two[0] = (struct ent){.name = "pkg/a.py", .data = "print('a')\n"};
	two[1] = (struct ent){.name = "pkg/b.txt", .data = "bee\n"};
}

static struct bytes *unicode_path(const char *name, const char *raw)
{
	static struct bytes x;

	x.len = 0;
	put16(&x, 0x7075);
	put16(&x, (uint32_t)(5 + strlen(name)));
	put(&x, "\x01", 1);
	put32(&x, crc_of(raw));
	put(&x, name, strlen(name));
	return &x;
}

/* ===== what a good archive gives ===== */

static void zip_gives_each_entry_as_the_central_directory_says(void **state)
{
	struct wa_zip *z;
	struct wa_zip_entry e;
	struct wa_zip_raw raw;
	struct wa_error err;

	(void)state;
	two_entries();
	two[1].mode = 0100755;
	write_archive(two, 2, 0, "a comment", 9);
	z = open_ok();
	assert_int_equal(wa_zip_count(z), 2);
	assert_int_equal(wa_zip_entry(z, 1, &e, &err), 0);
	assert_string_equal(e.name, "pkg/b.txt");
	assert_int_equal(e.name_len, 9);
	assert_int_equal(e.size, 4);
	assert_int_equal(e.comp_size, 4);
	assert_int_equal(e.crc, crc_of("bee\n"));
	assert_int_equal(e.method, 0);
	assert_true(e.method_supported);
	assert_false(e.encrypted);
	assert_int_equal(e.opsys, 3);
	assert_int_equal(e.ext_attr >> 16, 0100755);
	assert_int_equal(wa_zip_raw_entry(z, 1, &raw, &err), 0);
	assert_int_equal(raw.data_offset, two[1].offset + 30 + 9);
	assert_int_equal(raw.crc, e.crc);
	assert_memory_equal(raw.name, "pkg/b.txt", 9);
	wa_zip_free(z);
}

static void zip_accepts_a_comment_with_a_signature_that_leads_nowhere(void **state)
{
	/* An end-record signature whose directory offset holds no directory. */
	static const char comment[] = "PK\x05\x06 not a record at all, really...";

	(void)state;
	two_entries();
	write_archive(two, 2, 0, comment, sizeof(comment) - 1);
	wa_zip_free(open_ok());
}

static void zip_reads_entries_with_data_descriptors(void **state)
{
	static struct bytes b;
	struct ent e = {.name = "pkg/d.txt", .data = "described\n"};
	uint64_t cd_off;
	struct wa_zip *z;
	struct wa_zip_raw raw;
	struct wa_error err;

	(void)state;
	for (int sig = 0; sig < 2; sig++) {
		b.len = 0;
		put_local(&b, &e, true);
		if (sig)
			put32(&b, 0x08074b50);
		put32(&b, crc_of(e.data));
		put32(&b, (uint32_t)strlen(e.data));
		put32(&b, (uint32_t)strlen(e.data));
		cd_off = b.len;
		e.flags = 8;
		put_central(&b, &e);
		e.flags = 0;
		put_eocd(&b, 1, b.len - cd_off, cd_off, "", 0);
		write_bytes(&b);
		z = open_ok();
		assert_int_equal(wa_zip_raw_entry(z, 0, &raw, &err), 0);
		assert_int_equal(raw.size, strlen(e.data));
		wa_zip_free(z);
	}
	/* a descriptor that gives another CRC is no descriptor of this entry */
	b.p[cd_off - 12] ^= 1;
	write_bytes(&b);
	assert_refused(WA_ENOTZIP, "pkg/d.txt", "data descriptor");
}

static int text_sink(void *ctx, const void *data, size_t len)
{
	char *t = ctx;
	size_t have = strlen(t);

	if (have + len >= 64)
		return -1;
	memcpy(t + have, data, len);
	t[have + len] = '\0';
	return 0;
}

static void zip_reopen_reads_the_same_file_and_directory(void **state)
{
	struct wa_zip *z, *c = NULL;
	struct wa_zip_entry a, b;
	struct wa_error err;
	char other[600], text[64] = "";

	(void)state;
	two_entries();
	write_archive(two, 2, 0, "", 0);
	z = open_ok();
	/* The path now names another archive: a scan thread must still read
	 * the one that was opened and checked. */
	snprintf(other, sizeof(other), "%s/other.zip", dir);
	assert_int_equal(rename(path, other), 0);
	two[0].data = "print('replaced')\n";
	write_archive(two, 2, 0, "", 0);
	assert_int_equal(wa_zip_reopen(&c, z, &err), 0);
	assert_int_equal(wa_zip_count(c), 2);
	assert_int_equal(wa_zip_entry(z, 0, &a, &err), 0);
	assert_int_equal(wa_zip_entry(c, 0, &b, &err), 0);
	assert_ptr_equal(a.name, b.name);
	assert_int_equal(wa_zip_read(c, 0, 64, text_sink, text, &err), 0);
	assert_string_equal(text, "print('a')\n");
	/* Two handles on one descriptor keep their own positions. */
	text[0] = '\0';
	assert_int_equal(wa_zip_read(z, 1, 64, text_sink, text, &err), 0);
	assert_string_equal(text, "bee\n");
	wa_zip_free(c);
	wa_zip_free(z);
}

static void zip_raw_entry_reads_the_local_header_again(void **state)
{
	struct wa_zip *z;
	struct wa_zip_raw raw;
	struct wa_error err;
	FILE *f;

	(void)state;
	two_entries();
	write_archive(two, 2, 0, "", 0);
	z = open_ok();
	/* The file changes under the open archive: the copy must not follow. */
	f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, (long)two[1].offset + 30, SEEK_SET);
	fputc('q', f);
	fclose(f);
	assert_int_equal(wa_zip_raw_entry(z, 0, &raw, &err), 0);
	assert_true(wa_zip_raw_entry(z, 1, &raw, &err) < 0);
	assert_string_equal(err.member, "pkg/b.txt");
	wa_zip_free(z);
}

/* ===== reading what the directory gives ===== */

static int text_sink(void *ctx, const void *data, size_t len);

/* Raw deflate of s, plus `junk` stray bytes; returns its length. */
static size_t deflated(const char *s, unsigned char *out, size_t cap, size_t junk)
{
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)s;
	zs.avail_in = (uInt)strlen(s);
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	deflateEnd(&zs);
	assert_true(zs.total_out + junk <= cap);
	memset(out + zs.total_out, 0x5a, junk);
	return zs.total_out + junk;
}

/* Reads entry 0 of the archive at path: 0, or fails naming "pkg/z.txt". */
static int read_first(char *text, int expect_code, const char *says)
{
	struct wa_zip *z = open_ok();
	struct wa_error err;
	int rc;

	text[0] = '\0';
	wa_error_clear(&err);
	rc = wa_zip_read(z, 0, 1 << 16, text_sink, text, &err);
	wa_zip_free(z);
	if (rc != -expect_code ||
	    (expect_code && (strcmp(err.member, "pkg/z.txt") != 0 || !strstr(err.message, says))))
		fail_msg("expected %d '...%s...', got %d '%s' '%s'", -expect_code, says, rc,
			 err.member, err.message);
	return rc;
}

static void zip_inflates_deflated_entries_itself(void **state)
{
	static const char text_in[] = "deflated text, deflated text, deflated text\n";
	unsigned char comp[256];
	struct ent e = {.name = "pkg/z.txt", .data = text_in, .comp = comp};
	char text[64];

	(void)state;
	e.comp_len = deflated(text_in, comp, sizeof(comp), 0);
	write_archive(&e, 1, 0, "", 0);
	read_first(text, 0, NULL);
	assert_string_equal(text, text_in);
}

static void zip_read_checks_the_crc(void **state)
{
	struct ent e = {.name = "pkg/z.txt", .data = "stored\n", .lie_crc = true};
	char text[64];

	(void)state;
	write_archive(&e, 1, 0, "", 0);
	read_first(text, WA_ECORRUPT, "CRC error");
}

static void zip_read_refuses_bytes_after_the_deflate_stream(void **state)
{
	unsigned char comp[256];
	struct ent e = {.name = "pkg/z.txt", .data = "some text\n", .comp = comp};
	char text[64];

	(void)state;
	e.comp_len = deflated(e.data, comp, sizeof(comp), 3);
	write_archive(&e, 1, 0, "", 0);
	read_first(text, WA_ECORRUPT, "3 bytes after the end of the deflate stream");
}

static void zip_read_refuses_a_cut_deflate_stream(void **state)
{
	unsigned char comp[256];
	struct ent e = {.name = "pkg/z.txt", .data = "some text, some more text\n", .comp = comp};
	char text[64];

	(void)state;
	e.comp_len = deflated(e.data, comp, sizeof(comp), 0) - 2;
	write_archive(&e, 1, 0, "", 0);
	read_first(text, WA_ECORRUPT, "cut short");
}

static void zip_read_stops_past_the_declared_size(void **state)
{
	struct ent e = {.name = "pkg/z.txt", .data = "more than declared\n", .lie_size = 4};
	unsigned char comp[256];
	char text[64];

	(void)state;
	/* stored: sizes would differ, which the headers may not say; deflated */
	e.comp = comp;
	e.comp_len = deflated(e.data, comp, sizeof(comp), 0);
	write_archive(&e, 1, 0, "", 0);
	read_first(text, WA_ECORRUPT, "more than the 4 bytes it declares");
}

/* ===== one archive, one reading ===== */

static void zip_refuses_a_second_end_record_in_the_comment(void **state)
{
	/* The comment holds an end record for a directory of just "pkg/a.py"
	 * (its record is the first of the real directory). */
	static struct bytes comment;
	uint64_t local_len = 30 + 8 + strlen("print('a')\n");
	uint64_t local_b = 30 + 9 + strlen("bee\n");
	uint64_t cd_off = local_len + local_b;

	(void)state;
	two_entries();
	comment.len = 0;
	put32(&comment, 0x06054b50);
	put16(&comment, 0);
	put16(&comment, 0);
	put16(&comment, 1);
	put16(&comment, 1);
	put32(&comment, 46 + 8);
	put32(&comment, (uint32_t)cd_off);
	put16(&comment, 0);
	write_archive(two, 2, 0, comment.p, comment.len);
	assert_refused(WA_ENOTZIP, "", "ambiguous archive");
}

static void zip_refuses_bytes_before_the_first_local_header(void **state)
{
	(void)state;
	two_entries();
	write_archive(two, 2, 100, "", 0);
	assert_refused(WA_ENOTZIP, "pkg/a.py", "100 bytes before the first local header");
}

static void zip_refuses_a_directory_that_does_not_end_at_the_end_record(void **state)
{
	static struct bytes b;
	uint64_t cd_off;

	(void)state;
	two_entries();
	b.len = 0;
	put_local(&b, &two[0], false);
	cd_off = b.len;
	put_central(&b, &two[0]);
	put32(&b, 0);
	put_eocd(&b, 1, b.len - 4 - cd_off, cd_off, "", 0);
	write_bytes(&b);
	assert_refused(WA_ENOTZIP, "", "does not end where the end record starts");
}

static void zip_refuses_bytes_between_entries(void **state)
{
	static struct bytes b;
	uint64_t cd_off;

	(void)state;
	two_entries();
	b.len = 0;
	put_local(&b, &two[0], false);
	put(&b, "hidden", 6);
	put_local(&b, &two[1], false);
	cd_off = b.len;
	put_central(&b, &two[0]);
	put_central(&b, &two[1]);
	put_eocd(&b, 2, b.len - cd_off, cd_off, "", 0);
	write_bytes(&b);
	assert_refused(WA_ENOTZIP, "pkg/b.txt", "6 unaccounted bytes between 'pkg/a.py'");
}

static void zip_refuses_entries_that_overlap(void **state)
{
	static struct bytes b;
	uint64_t cd_off;

	(void)state;
	two_entries();
	two[1].name = two[0].name;
	two[1].data = two[0].data;
	b.len = 0;
	put_local(&b, &two[0], false);
	two[1].offset = two[0].offset;
	cd_off = b.len;
	put_central(&b, &two[0]);
	put_central(&b, &two[1]);
	put_eocd(&b, 2, b.len - cd_off, cd_off, "", 0);
	write_bytes(&b);
	assert_refused(WA_ENOTZIP, "pkg/a.py", "overlaps 'pkg/a.py'");
}

static void zip_refuses_a_zip64_offset_that_wraps(void **state)
{
	static struct bytes x;

	(void)state;
	two_entries();
	x.len = 0;
	put16(&x, 1);
	put16(&x, 8);
	put64(&x, UINT64_MAX - 7);
	two[1].central_extra = &x;
	two[1].central_offset32 = 0xFFFFFFFFu;
	write_archive(two, 2, 0, "", 0);
	assert_refused(WA_ENOTZIP, "pkg/b.txt", "lies outside the archive");
}

static void zip_refuses_two_zip64_fields(void **state)
{
	static struct bytes x;

	(void)state;
	two_entries();
	x.len = 0;
	for (int i = 0; i < 2; i++) {
		put16(&x, 1);
		put16(&x, 8);
		put64(&x, 0);
	}
	two[0].central_extra = &x;
	two[0].central_offset32 = 0xFFFFFFFFu;
	write_archive(two, 2, 0, "", 0);
	assert_refused(WA_ENOTZIP, "pkg/a.py", "two ZIP64 extra fields");
}

static void zip_entry_limit_is_elimit(void **state)
{
	struct wa_zip *z = NULL;
	struct wa_error err;

	(void)state;
	two_entries();
	write_archive(two, 2, 0, "", 0);
	assert_int_equal(wa_zip_open(&z, path, 1, &err), -WA_ELIMIT);
	assert_non_null(strstr(err.message, "more than the limit of 1"));
	assert_null(z);
}

/* ===== names ===== */

static void zip_accepts_a_unicode_path_that_repeats_the_name(void **state)
{
	(void)state;
	two_entries();
	two[0].central_extra = two[0].local_extra = unicode_path("pkg/a.py", "pkg/a.py");
	write_archive(two, 2, 0, "", 0);
	wa_zip_free(open_ok());
}

static void zip_refuses_a_unicode_path_that_differs(void **state)
{
	(void)state;
	two_entries();
	two[0].name = "../../a.py";
	two[0].central_extra = unicode_path("pkg/a.py", "../../a.py");
	write_archive(two, 2, 0, "", 0);
	assert_refused(WA_EUNSAFE, "../../a.py", "names it 'pkg/a.py'");
}

static void zip_refuses_a_local_name_that_differs(void **state)
{
	(void)state;
	two_entries();
	two[1].local_name = "pkg/c.txt";
	write_archive(two, 2, 0, "", 0);
	assert_refused(WA_EUNSAFE, "pkg/b.txt", "the local header names it 'pkg/c.txt'");
}

static void zip_refuses_a_nul_byte_in_a_name(void **state)
{
	static struct bytes b;
	uint64_t cd_off;
	struct ent e = {.name = "pkg/x.py", .data = "x"};

	(void)state;
	b.len = 0;
	put_local(&b, &e, false);
	cd_off = b.len;
	put_central(&b, &e);
	b.p[cd_off + 46 + 5] = '\0'; /* "pkg/x\0py" in the central record only */
	put_eocd(&b, 1, b.len - cd_off, cd_off, "", 0);
	write_bytes(&b);
	assert_refused(WA_EUNSAFE, "pkg/x", "NUL byte");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, make_dir, remove_dir)
		T(zip_gives_each_entry_as_the_central_directory_says),
		T(zip_accepts_a_comment_with_a_signature_that_leads_nowhere),
		T(zip_reads_entries_with_data_descriptors),
		T(zip_reopen_reads_the_same_file_and_directory),
		T(zip_inflates_deflated_entries_itself),
		T(zip_read_checks_the_crc),
		T(zip_read_refuses_bytes_after_the_deflate_stream),
		T(zip_read_refuses_a_cut_deflate_stream),
		T(zip_read_stops_past_the_declared_size),
		T(zip_raw_entry_reads_the_local_header_again),
		T(zip_refuses_a_second_end_record_in_the_comment),
		T(zip_refuses_bytes_before_the_first_local_header),
		T(zip_refuses_a_directory_that_does_not_end_at_the_end_record),
		T(zip_refuses_bytes_between_entries),
		T(zip_refuses_entries_that_overlap),
		T(zip_refuses_a_zip64_offset_that_wraps),
		T(zip_refuses_two_zip64_fields),
		T(zip_entry_limit_is_elimit),
		T(zip_accepts_a_unicode_path_that_repeats_the_name),
		T(zip_refuses_a_unicode_path_that_differs),
		T(zip_refuses_a_local_name_that_differs),
		T(zip_refuses_a_nul_byte_in_a_name),
#undef T
	};

	return cmocka_run_group_tests_name("zip", tests, NULL, NULL);
}
