/* SPDX-License-Identifier: MIT */
/*
 * Scratch files for the harnesses.  wa_wheel_open and wa_audit_wheel read
 * a path (libzip opens the file itself, once per scan thread), so inputs
 * meant for them must be written to disk first.  Each process gets its own
 * directory, so several fuzzers (or ctest jobs) never share a file.
 */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>

static char scratch_dir[4096];

_Noreturn void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: contract broken: %s\n", file, line, what);
	abort();
}

/* Removes the files we wrote; a crash leaves the directory for inspection. */
static void remove_scratch(void)
{
	DIR *d = opendir(scratch_dir);
	struct dirent *de;
	char path[sizeof(scratch_dir) + 256];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", scratch_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(scratch_dir);
}

void fuzz_scratch_path(char *path_out, size_t out_size, const char *name)
{
	if (!scratch_dir[0]) {
		const char *tmp = getenv("TMPDIR");

		snprintf(scratch_dir, sizeof(scratch_dir), "%s/wa-fuzz-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(scratch_dir)) {
			perror("fuzz: cannot create a scratch directory");
			abort();
		}
		atexit(remove_scratch);
	}
	FUZZ_CHECK(strchr(name, '/') == NULL);
	if ((size_t)snprintf(path_out, out_size, "%s/%s", scratch_dir, name) >= out_size) {
		fprintf(stderr, "fuzz: scratch path too long for '%s'\n", name);
		abort();
	}
}

void fuzz_write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		perror(path);
		abort();
	}
}

int fuzz_write_zip(const char *path, const struct fuzz_member *members, size_t n)
{
	int zerr = 0, written = 0;
	zip_t *za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);

	if (!za) {
		fprintf(stderr, "fuzz: cannot create %s (libzip error %d)\n", path, zerr);
		abort();
	}
	for (size_t i = 0; i < n; i++) {
		zip_source_t *src = zip_source_buffer(za, members[i].data, members[i].size, 0);
		zip_int64_t idx;

		FUZZ_CHECK(src != NULL);
		idx = zip_file_add(za, members[i].name, src, ZIP_FL_ENC_RAW);
		if (idx < 0) {
			zip_source_free(src);
			continue;
		}
		/* Stored: compressing only costs time, and the reader sees the
		 * bytes whatever the method. */
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0);
		written++;
	}
	if (zip_close(za) != 0) {
		zip_discard(za);
		unlink(path);
		return -1;
	}
	return written;
}
