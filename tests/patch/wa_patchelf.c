/* SPDX-License-Identifier: MIT */
/*
 * wa-patchelf: a test tool that applies one wa_elf_patch edit and/or
 * wa_elf_strip to a file, so tests/patch/patch_cases.py can check the
 * result with other tools.
 *
 *   wa-patchelf [--set-soname NAME] [--replace-needed OLD NEW]...
 *               [--remove-needed NAME]... [--set-rpath PATH | --set-runpath PATH]
 *               [--strip] IN OUT
 *
 * With an edit and --strip, the edit is applied first and its result
 * stripped (strip first, then edit: run the tool twice).  Without an edit
 * only wa_elf_strip runs, so files the patcher refuses (static programs)
 * can be stripped.
 * OUT gets IN's permission bits.  Errors: "wa-patchelf: IN: message" on
 * stderr, exit 1 (exit 2 for a bad command line).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "wheelaudit/elfpatch.h"
#include "wheelaudit/elfstrip.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: wa-patchelf [--set-soname NAME] [--replace-needed OLD NEW]...\n"
		"                   [--remove-needed NAME]...\n"
		"                   [--set-rpath PATH | --set-runpath PATH] [--strip] IN OUT\n");
	return 2;
}

static int fail(const char *path, const char *what)
{
	fprintf(stderr, "wa-patchelf: %s: %s\n", path, what);
	return 1;
}

/* Reads a whole file into a malloc'd buffer. */
static int read_file(const char *path, unsigned char **bytes, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	unsigned char *b = malloc(cap);

	if (!f || !b) {
		free(b);
		if (f)
			fclose(f);
		return -1;
	}
	for (;;) {
		if (n == cap) {
			unsigned char *nb = realloc(b, cap * 2);

			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
		size_t got = fread(b + n, 1, cap - n, f);
		if (got == 0)
			break;
		n += got;
	}
	if (ferror(f) || n == cap) {
		fclose(f);
		free(b);
		return -1;
	}
	fclose(f);
	*bytes = b;
	*size = n;
	return 0;
}

static int write_file(const char *path, const void *bytes, size_t size, mode_t mode)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(bytes, 1, size, f) != size) {
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0)
		return -1;
	return chmod(path, mode & 07777);
}

/* Strips *out (the edit's result) or, when there was no edit, the input;
 * the stripped image replaces *out. */
static int strip_in_turn(void **out, size_t *out_size, const unsigned char *in, size_t in_size,
			 const char *path, struct wa_error *err)
{
	const void *from = *out ? *out : in;
	size_t from_size = *out ? *out_size : in_size;
	void *stripped = NULL;
	size_t stripped_size = 0;
	int rc = wa_elf_strip(&stripped, &stripped_size, from, from_size, path, err);

	if (rc)
		return rc;
	free(*out);
	*out = stripped;
	*out_size = stripped_size;
	return 0;
}

int main(int argc, char **argv)
{
	struct wa_elf_rename *renames = calloc((size_t)argc, sizeof(*renames));
	const char **removals = calloc((size_t)argc, sizeof(*removals));
	struct wa_elf_edit edit = {0};
	const char *paths[2];
	size_t n_paths = 0;
	bool strip = false, edits = false;
	int rc = 1;

	if (!renames || !removals) {
		free(renames);
		free(removals);
		return fail("wa-patchelf", "out of memory");
	}
	edit.renames = renames;
	edit.remove_needed = removals;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--set-soname") == 0 && i + 1 < argc) {
			edit.soname = argv[++i];
			edits = true;
		} else if (strcmp(a, "--replace-needed") == 0 && i + 2 < argc) {
			renames[edit.n_renames].from = argv[i + 1];
			renames[edit.n_renames++].to = argv[i + 2];
			i += 2;
			edits = true;
		} else if (strcmp(a, "--remove-needed") == 0 && i + 1 < argc) {
			removals[edit.n_remove_needed++] = argv[++i];
			edits = true;
		} else if ((strcmp(a, "--set-rpath") == 0 || strcmp(a, "--set-runpath") == 0) &&
			   i + 1 < argc && !edit.rpath) {
			edit.as_runpath = strcmp(a, "--set-runpath") == 0;
			edit.rpath = argv[++i];
			edits = true;
		} else if (strcmp(a, "--strip") == 0) {
			strip = true;
		} else if (a[0] == '-' && a[1] == '-') {
			n_paths = 3; /* usage */
			break;
		} else if (n_paths < 2) {
			paths[n_paths++] = a;
		} else {
			n_paths = 3;
			break;
		}
	}
	if (n_paths != 2 || (!edits && !strip)) {
		free(renames);
		free(removals);
		return usage();
	}

	unsigned char *in = NULL;
	size_t in_size = 0;
	void *out = NULL;
	size_t out_size = 0;
	struct stat st;
	struct wa_error err;

	wa_error_clear(&err);
	if (stat(paths[0], &st) != 0 || read_file(paths[0], &in, &in_size) != 0) {
		rc = fail(paths[0], strerror(errno ? errno : EIO));
	} else if (edits &&
		   wa_elf_patch(&out, &out_size, in, in_size, &edit, paths[0], &err) != 0) {
		rc = fail(paths[0], err.message);
	} else if (strip && strip_in_turn(&out, &out_size, in, in_size, paths[0], &err) != 0) {
		rc = fail(paths[0], err.message);
	} else if (write_file(paths[1], out, out_size, st.st_mode) != 0) {
		rc = fail(paths[1], strerror(errno ? errno : EIO));
	} else {
		rc = 0;
	}
	free(out);
	free(in);
	free(renames);
	free(removals);
	return rc;
}
