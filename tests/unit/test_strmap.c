/* SPDX-License-Identifier: MIT */
/*
 * The arena-backed string map (src/strmap.c): lookups by content, growth
 * past many doublings (100 000 keys), replacement, and keys that share a
 * probe chain.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/strmap.h"

enum { MANY = 100000 };

static void empty_map_finds_nothing(void **state)
{
	struct wa_strmap m = {0};

	(void)state;
	assert_null(wa_strmap_get(&m, "libc.so.6"));
	assert_null(wa_strmap_get(&m, ""));
	assert_int_equal(m.len, 0);
}

static void key_is_found_by_content_not_by_pointer(void **state)
{
	struct wa_arena a;
	struct wa_strmap m = {0};
	char key[] = "libfoo.so.1", probe[] = "libfoo.so.1";
	int v = 7;

	(void)state;
	wa_arena_init(&a);
	assert_int_equal(wa_strmap_put(&a, &m, key, &v), 0);
	assert_ptr_equal(wa_strmap_get(&m, probe), &v);
	assert_null(wa_strmap_get(&m, "libfoo.so"));
	assert_null(wa_strmap_get(&m, "libfoo.so.10"));
	assert_null(wa_strmap_get(&m, ""));
	wa_arena_release(&a);
}

static void putting_a_key_again_replaces_its_value(void **state)
{
	struct wa_arena a;
	struct wa_strmap m = {0};
	int one = 1, two = 2;

	(void)state;
	wa_arena_init(&a);
	assert_int_equal(wa_strmap_put(&a, &m, "k", &one), 0);
	assert_int_equal(wa_strmap_put(&a, &m, "other", &one), 0);
	assert_int_equal(wa_strmap_put(&a, &m, "k", &two), 0);
	assert_int_equal(m.len, 2);
	assert_ptr_equal(wa_strmap_get(&m, "k"), &two);
	assert_ptr_equal(wa_strmap_get(&m, "other"), &one);
	wa_arena_release(&a);
}

static void empty_string_is_a_key_like_any_other(void **state)
{
	struct wa_arena a;
	struct wa_strmap m = {0};
	int v = 0;

	(void)state;
	wa_arena_init(&a);
	assert_int_equal(wa_strmap_put(&a, &m, "", &v), 0);
	assert_ptr_equal(wa_strmap_get(&m, ""), &v);
	assert_null(wa_strmap_get(&m, "x"));
	wa_arena_release(&a);
}

static void map_of_100k_keys_finds_each_and_replaces_each(void **state)
{
	struct wa_arena a;
	struct wa_strmap m = {0};
	char(*keys)[16] = malloc(MANY * sizeof(*keys));
	int *values = malloc(MANY * sizeof(*values));
	int *again = malloc(MANY * sizeof(*again));
	char probe[16];

	(void)state;
	assert_non_null(keys);
	assert_non_null(values);
	assert_non_null(again);
	wa_arena_init(&a);
	for (int i = 0; i < MANY; i++) {
		snprintf(keys[i], sizeof(keys[i]), "lib%d.so", i);
		values[i] = i;
		assert_int_equal(wa_strmap_put(&a, &m, keys[i], &values[i]), 0);
	}
	assert_int_equal(m.len, MANY);
	/* a power of two, at most half full */
	assert_int_equal(m.cap & (m.cap - 1), 0);
	assert_true(m.cap >= 2 * m.len);
	for (int i = 0; i < MANY; i++) {
		int *v;

		snprintf(probe, sizeof(probe), "lib%d.so", i);
		v = wa_strmap_get(&m, probe);
		if (!v || *v != i)
			fail_msg("%s: %d", probe, v ? *v : -1);
	}
	snprintf(probe, sizeof(probe), "lib%d.so", MANY);
	assert_null(wa_strmap_get(&m, probe));
	for (int i = 0; i < MANY; i++) {
		again[i] = -i;
		assert_int_equal(wa_strmap_put(&a, &m, keys[MANY - 1 - i], &again[MANY - 1 - i]),
				 0);
	}
	assert_int_equal(m.len, MANY);
	for (int i = 0; i < MANY; i += 997)
		assert_int_equal(*(int *)wa_strmap_get(&m, keys[i]), -i);
	wa_arena_release(&a);
	free(keys);
	free(values);
	free(again);
}

static void keys_differing_in_one_byte_stay_apart(void **state)
{
	struct wa_arena a;
	struct wa_strmap m = {0};
	static char keys[256][4];
	static int values[256];

	(void)state;
	wa_arena_init(&a);
	for (int i = 1; i < 256; i++) {
		keys[i][0] = 'k';
		keys[i][1] = (char)i;
		keys[i][2] = '\0';
		values[i] = i;
		assert_int_equal(wa_strmap_put(&a, &m, keys[i], &values[i]), 0);
	}
	assert_int_equal(m.len, 255);
	for (int i = 1; i < 256; i++)
		assert_int_equal(*(int *)wa_strmap_get(&m, keys[i]), i);
	wa_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_map_finds_nothing),
		cmocka_unit_test(key_is_found_by_content_not_by_pointer),
		cmocka_unit_test(putting_a_key_again_replaces_its_value),
		cmocka_unit_test(empty_string_is_a_key_like_any_other),
		cmocka_unit_test(map_of_100k_keys_finds_each_and_replaces_each),
		cmocka_unit_test(keys_differing_in_one_byte_stay_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
