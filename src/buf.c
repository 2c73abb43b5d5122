/* SPDX-License-Identifier: MIT */
/* The growable byte buffer (buf.h). */
#include "wheelaudit/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void wa_buf_add(struct wa_buf *b, const void *bytes, size_t n)
{
	if (b->oom)
		return;
	if (n > SIZE_MAX / 2 - b->len) {
		b->oom = true; /* no buffer grows that far: treat it as exhausted memory */
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 1024;
		char *d;

		while (cap < b->len + n + 1)
			cap *= 2;
		d = realloc(b->data, cap);
		if (!d) {
			b->oom = true;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, bytes, n); /* bytes may be NULL when n is 0 */
	b->len += n;
	b->data[b->len] = '\0';
}

void wa_buf_str(struct wa_buf *b, const char *s)
{
	wa_buf_add(b, s, strlen(s));
}

void wa_buf_release(struct wa_buf *b)
{
	free(b->data);
	*b = (struct wa_buf){0};
}
