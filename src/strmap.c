/* SPDX-License-Identifier: MIT */
/* The arena-backed string map (strmap.h). */
#include "wheelaudit/strmap.h"

#include <stdint.h>
#include <string.h>

static uint64_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void **slot(const struct wa_strmap *m, const char *key, size_t *at)
{
	size_t i = (size_t)hash_name(key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	*at = i;
	return m->keys[i] ? &m->values[i] : NULL;
}

void *wa_strmap_get(const struct wa_strmap *m, const char *key)
{
	size_t at;
	void **v = m->cap ? slot(m, key, &at) : NULL;

	return v ? *v : NULL;
}

int wa_strmap_put(struct wa_arena *a, struct wa_strmap *m, const char *key, void *value)
{
	size_t at;

	if (2 * (m->len + 1) > m->cap) {
		struct wa_strmap bigger = {.cap = m->cap ? 2 * m->cap : 64};

		bigger.keys = wa_arena_alloc(a, bigger.cap * sizeof(*bigger.keys));
		bigger.values = wa_arena_alloc(a, bigger.cap * sizeof(*bigger.values));
		if (!bigger.keys || !bigger.values)
			return -1;
		for (size_t i = 0; i < m->cap; i++)
			if (m->keys[i]) {
				slot(&bigger, m->keys[i], &at);
				bigger.keys[at] = m->keys[i];
				bigger.values[at] = m->values[i];
				bigger.len++;
			}
		*m = bigger;
	}
	if (!slot(m, key, &at)) {
		m->keys[at] = key;
		m->len++;
	}
	m->values[at] = value;
	return 0;
}
