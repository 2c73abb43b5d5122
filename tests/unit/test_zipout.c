/* SPDX-License-Identifier: MIT */
/*
 * The zip writer: archives it writes read back through libzip (wa_zip),
 * copied entries keep their raw records, ZIP64 records parse, DOS times
 * are right, and a writer that is not committed leaves nothing behind.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "wheelaudit/zip.h"
#include "wheelaudit/zipout.h"

static char dir[256];

static int make_dir(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/wa_test_zipout.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512];

	(void)state;
	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	return rmdir(dir);
}

static size_t entries_in_dir(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

struct buf {
	unsigned char data[1 << 16];
	size_t len;
};

static int buf_sink(void *ctx, const void *data, size_t len)
{
	struct buf *b = ctx;

	if (b->len + len > sizeof(b->data))
		return -1;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

static const char text[] = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
			   "Tag: py3-none-any\nTag: py3-none-any\nTag: py3-none-any\n";

/* Writes a two-member archive (one stored, one deflated) at path. */
static void write_sample(const char *path, bool zip64)
{
	struct wa_zipout_options opt = {.force_zip64 = zip64};
	struct wa_zipout *z = NULL;
	struct wa_error err;
	struct wa_zipout_meta stored = {.method = 0,
					.dos_time = 0x6000,
					.dos_date = 0x5821,
					.version_made_by = 0x031e,
					.external_attr = 0100644u << 16};
	struct wa_zipout_meta deflated = stored;

	deflated.method = 8;
	deflated.external_attr = 0100755u << 16;
	assert_int_equal(wa_zipout_open(&z, path, &opt, &err), 0);
	assert_int_equal(wa_zipout_add(z, "pkg/a.txt", &stored, text, strlen(text), &err), 0);
	assert_int_equal(wa_zipout_add(z, "pkg/b.txt", &deflated, text, strlen(text), &err), 0);
	assert_int_equal(wa_zipout_commit(z, &err), 0);
	wa_zipout_free(z);
}

static void assert_reads_back(const char *path)
{
	struct wa_zip *zip = NULL;
	struct wa_error err;
	struct wa_zip_raw raw;

	assert_int_equal(wa_zip_open(&zip, path, SIZE_MAX, &err), 0);
	assert_int_equal(wa_zip_count(zip), 2);
	for (size_t i = 0; i < 2; i++) {
		struct buf b = {.len = 0};

		assert_int_equal(wa_zip_read(zip, i, 1 << 16, buf_sink, &b, &err), 0);
		assert_int_equal(b.len, strlen(text));
		assert_memory_equal(b.data, text, b.len);
		assert_int_equal(wa_zip_raw_entry(zip, i, &raw, &err), 0);
		assert_int_equal(raw.method, i == 0 ? 0 : 8);
		assert_int_equal(raw.dos_time, 0x6000);
		assert_int_equal(raw.dos_date, 0x5821);
		assert_int_equal(raw.size, strlen(text));
		assert_int_equal(raw.external_attr >> 16, i == 0 ? 0100644 : 0100755);
		if (i == 1)
			assert_true(raw.comp_size < raw.size); /* really deflated */
	}
	wa_zip_free(zip);
}

static void written_archive_reads_back_through_libzip(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/plain.zip", dir);
	write_sample(path, false);
	assert_reads_back(path);
}

static void zip64_records_read_back_through_libzip_and_our_parser(void **state)
{
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/z64.zip", dir);
	write_sample(path, true);
	assert_reads_back(path);
}

/* The raw records of an entry, for comparison. */
struct raw_copy {
	struct wa_zip_raw raw;
	unsigned char data[4096];
};

static void read_raw(struct wa_zip *zip, size_t i, struct raw_copy *out)
{
	struct wa_error err;

	assert_int_equal(wa_zip_raw_entry(zip, i, &out->raw, &err), 0);
	assert_true(out->raw.comp_size <= sizeof(out->data));
	assert_int_equal(pread(wa_zip_fd(zip), out->data, out->raw.comp_size,
			       (off_t)out->raw.data_offset),
			 (ssize_t)out->raw.comp_size);
}

static void copied_entries_keep_their_compressed_bytes_and_records(void **state)
{
	char a[512], b[512];
	struct wa_zip *in = NULL, *out = NULL;
	struct wa_zipout *z = NULL;
	struct wa_error err;

	(void)state;
	snprintf(a, sizeof(a), "%s/a.zip", dir);
	snprintf(b, sizeof(b), "%s/b.zip", dir);
	write_sample(a, false);
	assert_int_equal(wa_zip_open(&in, a, SIZE_MAX, &err), 0);
	assert_int_equal(wa_zipout_open(&z, b, NULL, &err), 0);
	/* reversed order: the writer follows the caller, not the input */
	assert_int_equal(wa_zipout_copy(z, in, 1, &err), 0);
	assert_int_equal(wa_zipout_copy(z, in, 0, &err), 0);
	assert_int_equal(wa_zipout_commit(z, &err), 0);
	wa_zipout_free(z);
	assert_int_equal(wa_zip_open(&out, b, SIZE_MAX, &err), 0);
	for (size_t i = 0; i < 2; i++) {
		struct raw_copy x, y;

		read_raw(in, 1 - i, &x);
		read_raw(out, i, &y);
		assert_int_equal(x.raw.crc, y.raw.crc);
		assert_int_equal(x.raw.method, y.raw.method);
		assert_int_equal(x.raw.dos_time, y.raw.dos_time);
		assert_int_equal(x.raw.dos_date, y.raw.dos_date);
		assert_int_equal(x.raw.external_attr, y.raw.external_attr);
		assert_int_equal(x.raw.comp_size, y.raw.comp_size);
		assert_memory_equal(x.data, y.data, x.raw.comp_size);
	}
	wa_zip_free(in);
	wa_zip_free(out);
}

static void same_input_gives_the_same_bytes(void **state)
{
	char a[512], b[512];
	unsigned char x[8192], y[8192];
	FILE *fa, *fb;
	size_t na, nb;

	(void)state;
	snprintf(a, sizeof(a), "%s/r1.zip", dir);
	snprintf(b, sizeof(b), "%s/r2.zip", dir);
	write_sample(a, false);
	write_sample(b, false);
	fa = fopen(a, "rb");
	fb = fopen(b, "rb");
	assert_non_null(fa);
	assert_non_null(fb);
	na = fread(x, 1, sizeof(x), fa);
	nb = fread(y, 1, sizeof(y), fb);
	fclose(fa);
	fclose(fb);
	assert_int_equal(na, nb);
	assert_memory_equal(x, y, na);
}

static void uncommitted_writer_leaves_nothing_behind(void **state)
{
	char path[512];
	struct wa_zipout *z = NULL;
	struct wa_error err;
	struct wa_zipout_meta m = {.method = 8};
	size_t before = entries_in_dir();

	(void)state;
	snprintf(path, sizeof(path), "%s/never.zip", dir);
	assert_int_equal(wa_zipout_open(&z, path, NULL, &err), 0);
	assert_int_equal(entries_in_dir(), before + 1); /* the temporary file */
	assert_int_equal(wa_zipout_add(z, "x", &m, text, strlen(text), &err), 0);
	wa_zipout_free(z);
	assert_int_equal(entries_in_dir(), before);
	assert_int_equal(access(path, F_OK), -1);
}

static void missing_directory_is_an_io_error(void **state)
{
	char path[512];
	struct wa_zipout *z = NULL;
	struct wa_error err;

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/x.zip", dir);
	wa_error_clear(&err);
	assert_int_equal(wa_zipout_open(&z, path, NULL, &err), -WA_EIO);
	assert_null(z);
	assert_non_null(strstr(err.message, "No such file"));
}

static void dos_time_is_utc_and_clamped(void **state)
{
	uint16_t t, d;

	(void)state;
	/* 2023-11-14 22:13:20 UTC */
	wa_zipout_dos_time(1700000000, &t, &d);
	assert_int_equal(d, (43 << 9) | (11 << 5) | 14);
	assert_int_equal(t, (22 << 11) | (13 << 5) | 10);
	/* before 1980: the earliest DOS date */
	wa_zipout_dos_time(0, &t, &d);
	assert_int_equal(d, (0 << 9) | (1 << 5) | 1);
	assert_int_equal(t, 0);
	/* odd seconds round down (DOS keeps 2-second steps) */
	wa_zipout_dos_time(315532800 + 59, &t, &d);
	assert_int_equal(t, (0 << 11) | (0 << 5) | 29);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(written_archive_reads_back_through_libzip),
		cmocka_unit_test(zip64_records_read_back_through_libzip_and_our_parser),
		cmocka_unit_test(copied_entries_keep_their_compressed_bytes_and_records),
		cmocka_unit_test(same_input_gives_the_same_bytes),
		cmocka_unit_test(uncommitted_writer_leaves_nothing_behind),
		cmocka_unit_test(missing_directory_is_an_io_error),
		cmocka_unit_test(dos_time_is_utc_and_clamped),
	};

	return cmocka_run_group_tests_name("zipout", tests, make_dir, remove_dir);
}
