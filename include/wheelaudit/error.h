/* SPDX-License-Identifier: MIT */
/*
 * Error values shared by every module.  A function that can fail returns 0
 * or a negative WA_E* code and fills a caller-provided struct wa_error.
 * Recording an error never allocates, so it works when memory has run out.
 */
#ifndef WHEELAUDIT_ERROR_H
#define WHEELAUDIT_ERROR_H

#include <stddef.h>

/* Exit codes of the command-line tool: the documented contract. */
enum wa_exit {
	WA_EXIT_OK = 0,       /* the wheel satisfies a policy */
	WA_EXIT_POLICY = 1,   /* policy violation, or no policy for the arch */
	WA_EXIT_USAGE = 2,    /* bad command line or configuration */
	WA_EXIT_INVALID = 3,  /* invalid or unsafe input */
	WA_EXIT_MISMATCH = 4, /* architecture or libc mismatch inside the wheel */
	WA_EXIT_PURE = 5,     /* pure wheel: nothing to audit */
	WA_EXIT_INTERNAL = 6, /* I/O or internal error */
};

/*
 * One table of error codes: name, exit-code class, default text.
 * The enum below and the lookup functions are generated from it.
 */
#define WA_ERROR_MAP(XX)                                                                           \
	XX(USAGE, WA_EXIT_USAGE, "usage error")                                                    \
	XX(CONFIG, WA_EXIT_USAGE, "invalid configuration")                                         \
	XX(NOTZIP, WA_EXIT_INVALID, "not a readable zip archive")                                  \
	XX(NOTWHEEL, WA_EXIT_INVALID, "not a wheel")                                               \
	XX(UNSAFE, WA_EXIT_INVALID, "unsafe member")                                               \
	XX(CORRUPT, WA_EXIT_INVALID, "corrupt member")                                             \
	XX(BADELF, WA_EXIT_INVALID, "malformed ELF file")                                          \
	XX(RECORD, WA_EXIT_INVALID, "RECORD does not match the archive")                           \
	XX(LIMIT, WA_EXIT_INVALID, "resource limit exceeded")                                      \
	XX(NOMEM, WA_EXIT_INTERNAL, "out of memory")                                               \
	XX(IO, WA_EXIT_INTERNAL, "input/output error")                                             \
	XX(INTERNAL, WA_EXIT_INTERNAL, "internal error")

enum wa_error_code {
	WA_OK = 0,
#define XX(name, exit, text) WA_E##name,
	WA_ERROR_MAP(XX)
#undef XX
		WA_ERROR_COUNT
};

struct wa_error {
	int code;           /* enum wa_error_code, positive; 0 when no error */
	int sys_errno;      /* errno at the time, or 0 */
	char member[512];   /* wheel member at fault, or "" */
	char message[1024]; /* human-readable text, lowercase, no full stop */
};

/* Resets err to "no error". */
void wa_error_clear(struct wa_error *err);

/*
 * Records an error and returns -code, so callers can write
 * `return wa_error_set(err, WA_ECORRUPT, member, "...", ...)`.
 * member may be NULL.  err may be NULL (the error is then dropped).
 */
int wa_error_set(struct wa_error *err, int code, const char *member, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Symbolic name ("NOTZIP") and exit class of a code; unknown codes map to INTERNAL. */
/* strerror(e) for any thread: the text lives in a buffer of the calling
 * thread, valid until its next call (scan threads format messages too). */
const char *wa_strerror(int e);

const char *wa_error_name(int code);
int wa_error_exit_code(int code);
const char *wa_error_default_text(int code);

#endif
