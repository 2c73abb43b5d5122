/* SPDX-License-Identifier: MIT */
/*
 * Path strings as text (src/path.c): the last component, the directory,
 * and folding "." and ".." - including the refusal to climb out of a root
 * when the path is a member path inside a wheel (untrusted input).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/path.h"

static int setup(void **state)
{
	struct wa_arena *a = calloc(1, sizeof(*a));

	if (!a)
		return -1;
	wa_arena_init(a);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	wa_arena_release(*state);
	free(*state);
	return 0;
}

static void expect_norm(struct wa_arena *a, const char *in, bool inside, const char *want)
{
	bool oom = true;
	char *got = wa_path_normalise(a, in, inside, &oom);

	assert_false(oom);
	if (!want) {
		if (got)
			fail_msg("'%s'%s: '%s', expected NULL", in, inside ? " inside" : "", got);
		return;
	}
	if (!got)
		fail_msg("'%s'%s: NULL, expected '%s'", in, inside ? " inside" : "", want);
	if (strcmp(got, want) != 0)
		fail_msg("'%s'%s: '%s', expected '%s'", in, inside ? " inside" : "", got, want);
}

static void base_is_the_last_component(void **state)
{
	(void)state;
	assert_string_equal(wa_path_base("a/b/libx.so"), "libx.so");
	assert_string_equal(wa_path_base("libx.so"), "libx.so");
	assert_string_equal(wa_path_base("/libx.so"), "libx.so");
	assert_string_equal(wa_path_base("a/b/"), "");
	assert_string_equal(wa_path_base(""), "");
	/* borrowed from the argument, not copied */
	{
		const char *p = "pkg/_mod.so";

		assert_ptr_equal(wa_path_base(p), p + 4);
	}
}

static void dir_is_everything_before_the_last_slash(void **state)
{
	struct wa_arena *a = *state;

	assert_string_equal(wa_path_dir(a, "a/b/libx.so"), "a/b");
	assert_string_equal(wa_path_dir(a, "a/libx.so"), "a");
	assert_string_equal(wa_path_dir(a, "libx.so"), "");
	assert_string_equal(wa_path_dir(a, "/usr/lib/libc.so.6"), "/usr/lib");
	assert_string_equal(wa_path_dir(a, ""), "");
}

static void normalise_folds_dots_and_repeated_slashes(void **state)
{
	struct wa_arena *a = *state;

	expect_norm(a, "/a/./b/../c/", false, "/a/c");
	expect_norm(a, "a//b///c/", false, "a/b/c");
	expect_norm(a, "./a", false, "a");
	expect_norm(a, "a/./././b", false, "a/b");
	expect_norm(a, "a/b/c/../../d", false, "a/d");
	expect_norm(a, "pkg/../pkg.libs", false, "pkg.libs");
	/* names that only look like dots are names */
	expect_norm(a, "a/.../b", false, "a/.../b");
	expect_norm(a, "a/..b/.c", false, "a/..b/.c");
}

static void normalise_of_nothing_is_the_empty_string(void **state)
{
	struct wa_arena *a = *state;

	expect_norm(a, "", false, "");
	expect_norm(a, ".", false, "");
	expect_norm(a, "a/..", false, "");
	expect_norm(a, "./", false, "");
	expect_norm(a, "", true, "");
	expect_norm(a, "a/b/../..", true, "");
}

static void normalise_keeps_leading_dotdot_of_a_relative_path(void **state)
{
	struct wa_arena *a = *state;

	expect_norm(a, "a/../../b", false, "../b");
	expect_norm(a, "../../x", false, "../../x");
	expect_norm(a, "../a/../..", false, "../..");
	expect_norm(a, "..", false, "..");
	expect_norm(a, "../", false, "..");
}

static void normalise_keeps_a_leading_slash_and_stops_at_the_root(void **state)
{
	struct wa_arena *a = *state;

	expect_norm(a, "/", false, "/");
	expect_norm(a, "//", false, "/");
	expect_norm(a, "/..", false, "/");
	expect_norm(a, "/../a", false, "/a");
	expect_norm(a, "/a/..", false, "/");
	expect_norm(a, "/a/b/../../..", false, "/");
}

static void normalise_inside_refuses_to_climb_out_of_the_root(void **state)
{
	struct wa_arena *a = *state;

	expect_norm(a, "..", true, NULL);
	expect_norm(a, "../x", true, NULL);
	expect_norm(a, "a/../../b", true, NULL);
	expect_norm(a, "a/b/../../../c", true, NULL);
	expect_norm(a, "pkg/../../pkg.libs", true, NULL);
	expect_norm(a, "/../a", true, NULL);
	/* climbing and coming back within the root is fine */
	expect_norm(a, "a/b/../../c", true, "c");
	expect_norm(a, "pkg/sub/../../pkg.libs", true, "pkg.libs");
}

static void normalise_inside_reads_a_leading_slash_as_the_root(void **state)
{
	struct wa_arena *a = *state;

	expect_norm(a, "/a/b", true, "a/b");
	expect_norm(a, "/pkg/../pkg.libs", true, "pkg.libs");
	expect_norm(a, "//a", true, "a");
}

static void normalise_without_oom_flag_is_allowed(void **state)
{
	struct wa_arena *a = *state;
	char *p = wa_path_normalise(a, "a/../..", true, NULL);

	assert_null(p);
	p = wa_path_normalise(a, "a/./b", false, NULL);
	assert_string_equal(p, "a/b");
}

static void normalise_handles_a_long_path(void **state)
{
	struct wa_arena *a = *state;
	size_t n = 20000;
	char *in = malloc(5 * n + 2), *p = in;
	char *out;

	assert_non_null(in);
	for (size_t i = 0; i < n; i++) {
		memcpy(p, "a/", 2);
		p += 2;
	}
	for (size_t i = 0; i < n - 1; i++) {
		memcpy(p, "../", 3);
		p += 3;
	}
	memcpy(p, "z", 2);
	out = wa_path_normalise(a, in, true, NULL);
	assert_non_null(out);
	assert_string_equal(out, "a/z");
	free(in);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(base_is_the_last_component),
		T(dir_is_everything_before_the_last_slash),
		T(normalise_folds_dots_and_repeated_slashes),
		T(normalise_of_nothing_is_the_empty_string),
		T(normalise_keeps_leading_dotdot_of_a_relative_path),
		T(normalise_keeps_a_leading_slash_and_stops_at_the_root),
		T(normalise_inside_refuses_to_climb_out_of_the_root),
		T(normalise_inside_reads_a_leading_slash_as_the_root),
		T(normalise_without_oom_flag_is_allowed),
		T(normalise_handles_a_long_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
