/* SPDX-License-Identifier: MIT */
/*
 * A growing arena: many small allocations released together.  Results of
 * an inspection (strings copied out of an ELF file, lists of findings) live
 * in the arena of the object that owns them, so one free releases all.
 */
#ifndef WHEELAUDIT_ARENA_H
#define WHEELAUDIT_ARENA_H

#include <stdbool.h>
#include <stddef.h>

struct wa_arena_chunk;

struct wa_arena {
	struct wa_arena_chunk *head; /* owned */
	size_t total;                /* bytes handed out, for limits */
};

/* Zero-initialisation is a valid empty arena; wa_arena_init does just that. */
void wa_arena_init(struct wa_arena *a);
/* Frees every allocation; the arena is empty and reusable afterwards. */
void wa_arena_release(struct wa_arena *a);

/* Returns zeroed memory aligned for any type, or NULL when out of memory. */
void *wa_arena_alloc(struct wa_arena *a, size_t size);
/* Copies n bytes of s and adds a NUL; NULL when out of memory. */
char *wa_arena_strndup(struct wa_arena *a, const char *s, size_t n);
char *wa_arena_strdup(struct wa_arena *a, const char *s);
char *wa_arena_printf(struct wa_arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A growable array of pointers whose storage is in an arena (old storage
 * is simply left behind when it grows).
 */
struct wa_ptrvec {
	void **items;
	size_t len;
	size_t cap;
};
/* Appends item; returns 0, or -1 when out of memory. */
int wa_ptrvec_push(struct wa_arena *a, struct wa_ptrvec *v, void *item);

#endif
