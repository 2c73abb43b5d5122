/* SPDX-License-Identifier: MIT */
/*
 * A string-keyed hash map whose storage lives in an arena: open addressing,
 * FNV-1a, doubled when half full.  Names a hostile file can repeat a
 * million times are looked up through it, so no step is quadratic in what
 * one input declares.  Keys are borrowed and must outlive the map.
 */
#ifndef WHEELAUDIT_STRMAP_H
#define WHEELAUDIT_STRMAP_H

#include <stddef.h>

#include "wheelaudit/arena.h"

/* Zero-initialisation is an empty map. */
struct wa_strmap {
	const char **keys;
	void **values;
	size_t cap, len; /* cap: 0 or a power of two, at least twice len */
};

/* The value stored under key, or NULL. */
void *wa_strmap_get(const struct wa_strmap *m, const char *key);

/* Adds or replaces key; -1 when out of memory (the map is then unchanged). */
int wa_strmap_put(struct wa_arena *a, struct wa_strmap *m, const char *key, void *value);

#endif
