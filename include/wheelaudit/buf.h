/* SPDX-License-Identifier: MIT */
/* A growable heap byte buffer with a sticky out-of-memory flag. */
#ifndef WHEELAUDIT_BUF_H
#define WHEELAUDIT_BUF_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A growable byte buffer on the heap (not in an arena: its holder frees
 * it with wa_buf_release, or takes data over).  Once a byte is added, data
 * is NUL-terminated after len, so text can be built in it too.  Running
 * out of memory is sticky: oom is set and later additions do nothing, so
 * a builder checks once at the end.  Zero-initialisation is an empty buffer.
 */
struct wa_buf {
	char *data;
	size_t len, cap;
	bool oom;
};

void wa_buf_add(struct wa_buf *b, const void *bytes, size_t n);
void wa_buf_str(struct wa_buf *b, const char *s);
void wa_buf_release(struct wa_buf *b);

#endif
