/* SPDX-License-Identifier: MIT */
/* Wheel file names (PEP 427) and platform tags (PEP 425, 600, 656, 738). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/tag.h"

static int arena_setup(void **state)
{
	static struct wa_arena a;

	wa_arena_init(&a);
	*state = &a;
	return 0;
}

static int arena_teardown(void **state)
{
	wa_arena_release(*state);
	return 0;
}

static void name_without_build_tag_splits_into_five_parts(void **state)
{
	struct wa_wheel_name n;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_wheel_name_parse(&n, *state,
					     "wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl",
					     &err),
			 0);
	assert_string_equal(n.distribution, "wheelaudit_example");
	assert_string_equal(n.version, "0.1");
	assert_null(n.build);
	assert_string_equal(n.python, "cp311");
	assert_string_equal(n.abi, "cp311");
	assert_string_equal(n.platform, "linux_x86_64");
	assert_int_equal(n.n_platforms, 1);
	assert_string_equal(n.platforms[0], "linux_x86_64");
}

static void name_with_build_tag_keeps_it(void **state)
{
	struct wa_wheel_name n;
	struct wa_error err;

	assert_int_equal(wa_wheel_name_parse(&n, *state, "foo-1.0-1b-py3-none-any.whl", &err), 0);
	assert_string_equal(n.distribution, "foo");
	assert_string_equal(n.version, "1.0");
	assert_non_null(n.build);
	assert_string_equal(n.build, "1b");
	assert_string_equal(n.python, "py3");
	assert_string_equal(n.abi, "none");
	assert_string_equal(n.platform, "any");
}

static void name_given_as_path_uses_only_the_last_component(void **state)
{
	struct wa_wheel_name n;
	struct wa_error err;

	assert_int_equal(wa_wheel_name_parse(
				 &n, *state,
				 "/tmp/dir-with-dashes-1/foo-1.0-cp36-abi3-linux_i686.whl", &err),
			 0);
	assert_string_equal(n.distribution, "foo");
	assert_string_equal(n.abi, "abi3");
	assert_string_equal(n.platform, "linux_i686");
}

static void name_with_compressed_tag_sets_splits_platforms(void **state)
{
	struct wa_wheel_name n;
	struct wa_error err;

	assert_int_equal(
		wa_wheel_name_parse(
			&n, *state,
			"numpy-1.26.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"
			".whl",
			&err),
		0);
	assert_string_equal(n.platform, "manylinux_2_17_x86_64.manylinux2014_x86_64");
	assert_int_equal(n.n_platforms, 2);
	assert_string_equal(n.platforms[0], "manylinux_2_17_x86_64");
	assert_string_equal(n.platforms[1], "manylinux2014_x86_64");

	assert_int_equal(wa_wheel_name_parse(&n, *state, "six-1.16.0-py2.py3-none-any.whl", &err),
			 0);
	assert_string_equal(n.python, "py2.py3");
	assert_int_equal(n.n_platforms, 1);
}

static void name_rejections_are_notwheel(void **state)
{
	static const char *bad[] = {
		"foo-1.0-py3-none-any.zip",       /* not .whl */
		"foo-1.0-py3-none.whl",           /* four parts */
		"foo-1.0-x-y-py3-none-any.whl",   /* seven parts */
		"foo--py3-none-any.whl",          /* empty part */
		"foo-1.0-build-py3-none-any.whl", /* build tag without a digit */
		".whl",
		"",
	};

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct wa_wheel_name n;
		struct wa_error err;

		wa_error_clear(&err);
		int rc = wa_wheel_name_parse(&n, *state, bad[i], &err);
		if (rc != -WA_ENOTWHEEL)
			fail_msg("'%s' gave %d, expected -WA_ENOTWHEEL", bad[i], rc);
		assert_int_equal(err.code, WA_ENOTWHEEL);
	}
}

static void platform_any_is_any(void **state)
{
	struct wa_platform p;

	(void)state;
	wa_platform_parse(&p, "any");
	assert_int_equal(p.kind, WA_PLATFORM_ANY);
}

static void platform_legacy_aliases_map_to_glibc_versions(void **state)
{
	static const struct {
		const char *tag;
		int major, minor;
		const char *arch;
	} v[] = {
		{"manylinux1_x86_64", 2, 5, "x86_64"},
		{"manylinux1_i686", 2, 5, "i686"},
		{"manylinux2010_x86_64", 2, 12, "x86_64"},
		{"manylinux2014_aarch64", 2, 17, "aarch64"},
		{"manylinux2014_armv7l", 2, 17, "armv7l"},
		{"manylinux2014_ppc64le", 2, 17, "ppc64le"},
	};
	struct wa_platform p;

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		wa_platform_parse(&p, v[i].tag);
		assert_int_equal(p.kind, WA_PLATFORM_POLICY);
		assert_int_equal(p.family, WA_FAMILY_MANYLINUX);
		assert_int_equal(p.major, v[i].major);
		assert_int_equal(p.minor, v[i].minor);
		assert_string_equal(p.arch, v[i].arch);
	}
}

static void platform_pep600_tag_gives_version_and_arch(void **state)
{
	struct wa_platform p;

	(void)state;
	wa_platform_parse(&p, "manylinux_2_28_aarch64");
	assert_int_equal(p.kind, WA_PLATFORM_POLICY);
	assert_int_equal(p.family, WA_FAMILY_MANYLINUX);
	assert_int_equal(p.major, 2);
	assert_int_equal(p.minor, 28);
	assert_string_equal(p.arch, "aarch64");

	wa_platform_parse(&p, "manylinux_2_5_x86_64");
	assert_int_equal(p.minor, 5);
	assert_string_equal(p.arch, "x86_64");
}

static void platform_musllinux_tag_gives_musl_version_and_arch(void **state)
{
	struct wa_platform p;

	(void)state;
	wa_platform_parse(&p, "musllinux_1_2_armv7l");
	assert_int_equal(p.kind, WA_PLATFORM_POLICY);
	assert_int_equal(p.family, WA_FAMILY_MUSLLINUX);
	assert_int_equal(p.major, 1);
	assert_int_equal(p.minor, 2);
	assert_string_equal(p.arch, "armv7l");
}

static void platform_linux_tag_keeps_the_arch_as_spelled(void **state)
{
	struct wa_platform p;

	(void)state;
	wa_platform_parse(&p, "linux_armv6l");
	assert_int_equal(p.kind, WA_PLATFORM_LINUX);
	assert_string_equal(p.arch, "armv6l");
	wa_platform_parse(&p, "linux_x86_64");
	assert_int_equal(p.kind, WA_PLATFORM_LINUX);
	assert_string_equal(p.arch, "x86_64");
}

static void platform_android_tag_gives_api_level_and_abi(void **state)
{
	struct wa_platform p;

	(void)state;
	wa_platform_parse(&p, "android_24_arm64_v8a");
	assert_int_equal(p.kind, WA_PLATFORM_POLICY);
	assert_int_equal(p.family, WA_FAMILY_ANDROID);
	assert_int_equal(p.major, 24);
	assert_string_equal(p.arch, "arm64_v8a");
}

static void platform_unknown_forms_are_other(void **state)
{
	static const char *v[] = {
		"macosx_11_0_arm64", "win_amd64", "manylinux_x_y_x86_64", "musllinux_1_x86_64", "",
	};
	struct wa_platform p;

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		wa_platform_parse(&p, v[i]);
		if (p.kind != WA_PLATFORM_OTHER)
			fail_msg("'%s' parsed as kind %d", v[i], (int)p.kind);
	}
}

static void cpython_tag_gives_the_version_digits(void **state)
{
	(void)state;
	assert_string_equal(wa_cpython_version("cp311"), "311");
	assert_string_equal(wa_cpython_version("cp36"), "36");
	assert_null(wa_cpython_version("py3"));
	assert_null(wa_cpython_version("pp39"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(name_without_build_tag_splits_into_five_parts,
						arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(name_with_build_tag_keeps_it, arena_setup,
						arena_teardown),
		cmocka_unit_test_setup_teardown(name_given_as_path_uses_only_the_last_component,
						arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(name_with_compressed_tag_sets_splits_platforms,
						arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(name_rejections_are_notwheel, arena_setup,
						arena_teardown),
		cmocka_unit_test(platform_any_is_any),
		cmocka_unit_test(platform_legacy_aliases_map_to_glibc_versions),
		cmocka_unit_test(platform_pep600_tag_gives_version_and_arch),
		cmocka_unit_test(platform_musllinux_tag_gives_musl_version_and_arch),
		cmocka_unit_test(platform_linux_tag_keeps_the_arch_as_spelled),
		cmocka_unit_test(platform_android_tag_gives_api_level_and_abi),
		cmocka_unit_test(platform_unknown_forms_are_other),
		cmocka_unit_test(cpython_tag_gives_the_version_digits),
	};

	return cmocka_run_group_tests_name("tag", tests, NULL, NULL);
}
