/* SPDX-License-Identifier: MIT */
/*
 * Shared by the libFuzzer harnesses (fuzz_*.c) and the plain replay driver
 * (regress.c): the entry point every harness defines, a way to stop loudly
 * when the library breaks one of its own promises, and scratch files for
 * the parts of the API that only take a path.
 */
#ifndef WHEELAUDIT_FUZZ_H
#define WHEELAUDIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Called once per input; always returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A broken contract (say, a failure without an error code) is as much a
 * bug as a crash, so it is turned into one: libFuzzer keeps the input.
 */
#define FUZZ_CHECK(cond)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			fuzz_fail(__FILE__, __LINE__, #cond);                                      \
	} while (0)

_Noreturn void fuzz_fail(const char *file, int line, const char *what);

/*
 * Writes path_out (of size out_size) with the path of a file called name in
 * this process's scratch directory, which is created on first use under
 * $TMPDIR (else /tmp) and removed at exit.  name must not contain '/'.
 */
void fuzz_scratch_path(char *path_out, size_t out_size, const char *name);

/* Replaces the file at path with the bytes given; aborts on I/O errors. */
void fuzz_write_file(const char *path, const void *data, size_t size);

/* One member of a zip the harness writes; the bytes are borrowed. */
struct fuzz_member {
	const char *name;
	const void *data;
	size_t size;
};

/*
 * Writes a zip of the members, stored (not compressed), to path.  A member
 * libzip refuses (a duplicate or empty name) is left out; returns the
 * number written, or -1 when libzip cannot write the archive at all.
 */
int fuzz_write_zip(const char *path, const struct fuzz_member *members, size_t n);

#endif
