/* SPDX-License-Identifier: MIT */
/* A chunked arena allocator: many small blocks, one release. */
#include "wheelaudit/arena.h"

#include <stdarg.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct wa_arena_chunk {
	struct wa_arena_chunk *next;
	size_t used;
	size_t size;
	alignas(max_align_t) unsigned char data[];
};

enum { CHUNK_DEFAULT = 16384 };

void wa_arena_init(struct wa_arena *a)
{
	a->head = NULL;
	a->total = 0;
}

void wa_arena_release(struct wa_arena *a)
{
	struct wa_arena_chunk *c = a->head;

	while (c) {
		struct wa_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
}

void *wa_arena_alloc(struct wa_arena *a, size_t size)
{
	const size_t align = alignof(max_align_t);
	struct wa_arena_chunk *c = a->head;
	size_t rounded;

	if (size > SIZE_MAX - align)
		return NULL;
	rounded = (size + align - 1) & ~(align - 1);
	if (!c || c->size - c->used < rounded) {
		size_t want = rounded > CHUNK_DEFAULT ? rounded : CHUNK_DEFAULT;

		if (want > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + want);
		if (!c)
			return NULL;
		c->size = want;
		c->used = 0;
		/* A big block gets its own chunk behind the head, so the
		 * head's free space stays usable for small blocks. */
		if (rounded > CHUNK_DEFAULT && a->head) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = c->data + c->used;
	c->used += rounded;
	a->total += rounded;
	memset(p, 0, size);
	return p;
}

char *wa_arena_strndup(struct wa_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		return NULL;
	p = wa_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *wa_arena_strdup(struct wa_arena *a, const char *s)
{
	return wa_arena_strndup(a, s, strlen(s));
}

char *wa_arena_printf(struct wa_arena *a, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	p = wa_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int wa_ptrvec_push(struct wa_arena *a, struct wa_ptrvec *v, void *item)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items;

		if (cap > SIZE_MAX / sizeof(void *))
			return -1;
		items = wa_arena_alloc(a, cap * sizeof(void *));
		if (!items)
			return -1;
		if (v->len)
			memcpy(items, v->items, v->len * sizeof(void *));
		v->items = items;
		v->cap = cap;
	}
	v->items[v->len++] = item;
	return 0;
}
