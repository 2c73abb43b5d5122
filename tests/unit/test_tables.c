/* SPDX-License-Identifier: MIT */
/*
 * The two tables the rest derives from: WA_FAMILY_MAP (src/family.c) -
 * reading policy tags and names, spelling them, each family's libc - and
 * WA_OUTCOME_MAP (src/outcome.c) - outcome names, exit classes, a
 * rejection's exit code taken from its cause, errors as outcomes.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/family.h"
#include "wheelaudit/outcome.h"

/* ---- families ---- */

static void expect_tag(const char *tag, enum wa_family family, int major, int minor,
		       const char *arch)
{
	enum wa_family f = WA_FAMILY_COUNT;
	int ma = -1, mi = -1;
	const char *a = NULL;

	if (!wa_family_parse_tag(tag, &f, &ma, &mi, &a))
		fail_msg("%s: not read as a policy tag", tag);
	if (f != family || ma != major || mi != minor)
		fail_msg("%s: read as %s %d.%d, expected %s %d.%d", tag, wa_family_name(f), ma, mi,
			 wa_family_name(family), major, minor);
	assert_non_null(a);
	assert_string_equal(a, arch);
	/* the architecture points into the tag */
	assert_true(a >= tag && a <= tag + strlen(tag));
}

static void parse_tag_reads_pep600_manylinux_tags(void **state)
{
	(void)state;
	expect_tag("manylinux_2_17_x86_64", WA_FAMILY_MANYLINUX, 2, 17, "x86_64");
	expect_tag("manylinux_2_28_aarch64", WA_FAMILY_MANYLINUX, 2, 28, "aarch64");
	expect_tag("manylinux_2_5_i686", WA_FAMILY_MANYLINUX, 2, 5, "i686");
	expect_tag("manylinux_2_31_armv7l", WA_FAMILY_MANYLINUX, 2, 31, "armv7l");
}

static void parse_tag_reads_legacy_manylinux_names(void **state)
{
	(void)state;
	expect_tag("manylinux2014_aarch64", WA_FAMILY_MANYLINUX, 2, 17, "aarch64");
	expect_tag("manylinux2010_x86_64", WA_FAMILY_MANYLINUX, 2, 12, "x86_64");
	expect_tag("manylinux1_i686", WA_FAMILY_MANYLINUX, 2, 5, "i686");
	expect_tag("manylinux2014", WA_FAMILY_MANYLINUX, 2, 17, "");
}

static void parse_tag_reads_musllinux_and_android_tags(void **state)
{
	(void)state;
	expect_tag("musllinux_1_2_armv7l", WA_FAMILY_MUSLLINUX, 1, 2, "armv7l");
	expect_tag("musllinux_1_1_x86_64", WA_FAMILY_MUSLLINUX, 1, 1, "x86_64");
	/* an API level has no minor; the ABI name has underscores of its own */
	expect_tag("android_24_arm64_v8a", WA_FAMILY_ANDROID, 24, 0, "arm64_v8a");
	expect_tag("android_21_armeabi_v7a", WA_FAMILY_ANDROID, 21, 0, "armeabi_v7a");
}

static void parse_tag_reads_policy_names_without_an_architecture(void **state)
{
	(void)state;
	expect_tag("manylinux_2_28", WA_FAMILY_MANYLINUX, 2, 28, "");
	expect_tag("musllinux_1_2", WA_FAMILY_MUSLLINUX, 1, 2, "");
	expect_tag("android_24", WA_FAMILY_ANDROID, 24, 0, "");
}

static void parse_tag_refuses_malformed_tags(void **state)
{
	static const char *const bad[] = {
		"",
		"linux_x86_64",
		"any",
		"manylinux",
		"manylinux_",
		"manylinux_2",
		"manylinux_2_",
		"manylinux__17_x86_64",
		"manylinux_x_17_x86_64",
		"manylinux_2_x_x86_64",
		"manylinux_2_17x86_64",
		"manylinux_-2_17_x86_64",
		"manylinux_12345_1_x86_64", /* more digits than any release has */
		"manylinux_2_99999",
		"manylinux10_x86_64",
		"manylinux2014x86_64",
		"Manylinux_2_17_x86_64",
		"manylinux-2-17-x86_64",
		"musllinux_1",
		"musllinux1_2_x86_64",
		"android_",
		"android_x86_64",
		"android_24x",
		"macosx_11_0_arm64",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		enum wa_family f;
		int ma, mi;
		const char *a;

		if (wa_family_parse_tag(bad[i], &f, &ma, &mi, &a))
			fail_msg("'%s' was read as %s %d.%d arch '%s'", bad[i], wa_family_name(f),
				 ma, mi, a);
	}
}

static void policy_name_spells_each_version_form(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(wa_family_policy_name(buf, sizeof(buf), WA_FAMILY_MANYLINUX, 2, 17), 14);
	assert_string_equal(buf, "manylinux_2_17");
	wa_family_policy_name(buf, sizeof(buf), WA_FAMILY_MUSLLINUX, 1, 2);
	assert_string_equal(buf, "musllinux_1_2");
	wa_family_policy_name(buf, sizeof(buf), WA_FAMILY_ANDROID, 24, 0);
	assert_string_equal(buf, "android_24");
	/* snprintf's contract: the full length, the text cut */
	assert_int_equal(wa_family_policy_name(buf, 4, WA_FAMILY_MANYLINUX, 2, 17), 14);
	assert_string_equal(buf, "man");
}

static void policy_name_reads_back_as_the_same_policy(void **state)
{
	(void)state;
	for (int f = 0; f < WA_FAMILY_COUNT; f++) {
		char buf[64], tag[80];
		enum wa_family g;
		int ma, mi;
		const char *a;
		int minor = wa_family_version_form((enum wa_family)f) == WA_VERSION_PAIR ? 34 : 0;

		wa_family_policy_name(buf, sizeof(buf), (enum wa_family)f, 2, minor);
		snprintf(tag, sizeof(tag), "%s_%s", buf,
			 wa_family_tag_arch((enum wa_family)f, "aarch64"));
		assert_true(wa_family_parse_tag(tag, &g, &ma, &mi, &a));
		assert_int_equal(g, f);
		assert_int_equal(ma, 2);
		assert_int_equal(mi, minor);
		assert_string_equal(a, wa_family_tag_arch((enum wa_family)f, "aarch64"));
	}
}

static void version_text_names_the_c_library_or_api_level(void **state)
{
	char buf[64];

	(void)state;
	wa_family_version_text(buf, sizeof(buf), WA_FAMILY_MANYLINUX, 2, 17);
	assert_string_equal(buf, "glibc 2.17");
	wa_family_version_text(buf, sizeof(buf), WA_FAMILY_MUSLLINUX, 1, 2);
	assert_string_equal(buf, "musl 1.2");
	wa_family_version_text(buf, sizeof(buf), WA_FAMILY_ANDROID, 24, 0);
	assert_string_equal(buf, "API level 24");
}

static void tag_arch_spells_android_abis_and_leaves_others_alone(void **state)
{
	(void)state;
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_ANDROID, "aarch64"), "arm64_v8a");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_ANDROID, "armv7l"), "armeabi_v7a");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_ANDROID, "i686"), "x86");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_ANDROID, "x86_64"), "x86_64");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_ANDROID, "riscv64"), "riscv64");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_MANYLINUX, "aarch64"), "aarch64");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_MUSLLINUX, "armv7l"), "armv7l");
	assert_string_equal(wa_family_tag_arch(WA_FAMILY_MANYLINUX, "i686"), "i686");
}

static void family_rows_give_libc_file_form_nodes_and_retag(void **state)
{
	(void)state;
	assert_string_equal(wa_family_name(WA_FAMILY_MANYLINUX), "manylinux");
	assert_string_equal(wa_family_name(WA_FAMILY_MUSLLINUX), "musllinux");
	assert_string_equal(wa_family_name(WA_FAMILY_ANDROID), "android");
	assert_int_equal(wa_family_libc(WA_FAMILY_MANYLINUX), WA_LIBC_GLIBC);
	assert_int_equal(wa_family_libc(WA_FAMILY_MUSLLINUX), WA_LIBC_MUSL);
	assert_int_equal(wa_family_libc(WA_FAMILY_ANDROID), WA_LIBC_BIONIC);
	assert_string_equal(wa_family_file(WA_FAMILY_MANYLINUX), "manylinux.json");
	assert_string_equal(wa_family_file(WA_FAMILY_ANDROID), "android.json");
	assert_int_equal(wa_family_version_form(WA_FAMILY_MUSLLINUX), WA_VERSION_PAIR);
	assert_int_equal(wa_family_version_form(WA_FAMILY_ANDROID), WA_VERSION_LEVEL);
	assert_int_equal(wa_family_nodes(WA_FAMILY_MANYLINUX), WA_NODES_REQUIRED);
	assert_int_equal(wa_family_nodes(WA_FAMILY_MUSLLINUX), WA_NODES_FORBIDDEN);
	assert_int_equal(wa_family_nodes(WA_FAMILY_ANDROID), WA_NODES_OPTIONAL);
	assert_true(wa_family_retag(WA_FAMILY_MANYLINUX));
	assert_true(wa_family_retag(WA_FAMILY_MUSLLINUX));
	assert_false(wa_family_retag(WA_FAMILY_ANDROID));
}

static void family_find_matches_the_whole_name_only(void **state)
{
	enum wa_family f = WA_FAMILY_COUNT;

	(void)state;
	assert_true(wa_family_find("manylinux", 9, &f));
	assert_int_equal(f, WA_FAMILY_MANYLINUX);
	assert_true(wa_family_find("musllinux_1_2", 9, &f)); /* len bounds the name */
	assert_int_equal(f, WA_FAMILY_MUSLLINUX);
	assert_true(wa_family_find("android", 7, &f));
	assert_int_equal(f, WA_FAMILY_ANDROID);
	assert_false(wa_family_find("many", 4, &f));
	assert_false(wa_family_find("manylinuxx", 10, &f));
	assert_false(wa_family_find("", 0, &f));
}

static void family_of_libc_is_the_one_family_per_c_library(void **state)
{
	enum wa_family f = WA_FAMILY_COUNT;

	(void)state;
	assert_true(wa_family_of_libc(WA_LIBC_GLIBC, &f));
	assert_int_equal(f, WA_FAMILY_MANYLINUX);
	assert_true(wa_family_of_libc(WA_LIBC_MUSL, &f));
	assert_int_equal(f, WA_FAMILY_MUSLLINUX);
	assert_true(wa_family_of_libc(WA_LIBC_BIONIC, &f));
	assert_int_equal(f, WA_FAMILY_ANDROID);
	assert_false(wa_family_of_libc(WA_LIBC_NONE, &f));
	assert_false(wa_family_of_libc(WA_LIBC_CONFLICT, &f));
	assert_string_equal(wa_libc_name(WA_LIBC_GLIBC), "glibc");
	assert_string_equal(wa_libc_name(WA_LIBC_NONE), "none");
	assert_string_equal(wa_libc_name(WA_LIBC_CONFLICT), "conflict");
}

/* ---- outcomes ---- */

static void every_outcome_has_a_distinct_lowercase_name_and_a_description(void **state)
{
	(void)state;
	for (int o = 0; o < WA_OUTCOME_COUNT; o++) {
		const char *name = wa_outcome_name((enum wa_outcome)o);

		assert_non_null(name);
		assert_true(*name);
		for (const char *p = name; *p; p++)
			if (!islower((unsigned char)*p) && *p != '-')
				fail_msg("outcome name '%s' is not lowercase words joined by '-'",
					 name);
		assert_true(*wa_outcome_description((enum wa_outcome)o));
		for (int k = 0; k < o; k++)
			assert_string_not_equal(name, wa_outcome_name((enum wa_outcome)k));
	}
	assert_string_equal(wa_outcome_name(WA_OUTCOME_NEEDS_GRAFT), "needs-graft");
	assert_string_equal(wa_outcome_name(WA_OUTCOME_POLICY_VIOLATION), "policy-violation");
}

static void every_outcome_has_its_exit_class(void **state)
{
	static const struct {
		enum wa_outcome o;
		int exit;
		enum wa_outcome_scope scope;
	} want[] = {
		{WA_OUTCOME_COMPLIANT, WA_EXIT_OK, WA_SCOPE_AUDIT},
		{WA_OUTCOME_POLICY_VIOLATION, WA_EXIT_POLICY, WA_SCOPE_AUDIT},
		{WA_OUTCOME_NEEDS_GRAFT, WA_EXIT_POLICY, WA_SCOPE_AUDIT},
		{WA_OUTCOME_NO_POLICY, WA_EXIT_POLICY, WA_SCOPE_AUDIT},
		{WA_OUTCOME_MISMATCH, WA_EXIT_MISMATCH, WA_SCOPE_AUDIT},
		{WA_OUTCOME_PURE, WA_EXIT_PURE, WA_SCOPE_AUDIT},
		{WA_OUTCOME_REPAIRED, WA_EXIT_OK, WA_SCOPE_REPAIR},
		{WA_OUTCOME_COPIED, WA_EXIT_OK, WA_SCOPE_REPAIR},
		{WA_OUTCOME_PLANNED, WA_EXIT_OK, WA_SCOPE_REPAIR},
		{WA_OUTCOME_REJECTED, WA_EXIT_FROM_CAUSE, WA_SCOPE_REPAIR},
		{WA_OUTCOME_INVALID, WA_EXIT_INVALID, WA_SCOPE_ERROR},
		{WA_OUTCOME_REFUSED, WA_EXIT_USAGE, WA_SCOPE_ERROR},
		{WA_OUTCOME_ERROR, WA_EXIT_INTERNAL, WA_SCOPE_ERROR},
	};

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), WA_OUTCOME_COUNT);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_int_equal(wa_outcome_exit_class(want[i].o), want[i].exit);
		assert_int_equal(wa_outcome_scope(want[i].o), want[i].scope);
	}
}

static void rejection_takes_the_exit_code_of_its_cause(void **state)
{
	(void)state;
	assert_int_equal(wa_outcome_exit(WA_OUTCOME_REJECTED, WA_OUTCOME_PURE), WA_EXIT_PURE);
	assert_int_equal(wa_outcome_exit(WA_OUTCOME_REJECTED, WA_OUTCOME_MISMATCH),
			 WA_EXIT_MISMATCH);
	assert_int_equal(wa_outcome_exit(WA_OUTCOME_REJECTED, WA_OUTCOME_NEEDS_GRAFT),
			 WA_EXIT_POLICY);
	assert_int_equal(wa_outcome_exit(WA_OUTCOME_REJECTED, WA_OUTCOME_POLICY_VIOLATION),
			 WA_EXIT_POLICY);
	/* every audit outcome a rejection can carry */
	for (int o = 0; o < WA_OUTCOME_COUNT; o++)
		if (wa_outcome_scope((enum wa_outcome)o) == WA_SCOPE_AUDIT)
			assert_int_equal(wa_outcome_exit(WA_OUTCOME_REJECTED, (enum wa_outcome)o),
					 wa_outcome_exit_class((enum wa_outcome)o));
	/* a rejection caused by a rejection is a bug: internal, never -1 */
	assert_int_equal(wa_outcome_exit(WA_OUTCOME_REJECTED, WA_OUTCOME_REJECTED),
			 WA_EXIT_INTERNAL);
}

static void other_outcomes_ignore_the_cause(void **state)
{
	(void)state;
	for (int o = 0; o < WA_OUTCOME_COUNT; o++) {
		if (o == WA_OUTCOME_REJECTED)
			continue;
		assert_int_equal(wa_outcome_exit((enum wa_outcome)o, WA_OUTCOME_PURE),
				 wa_outcome_exit_class((enum wa_outcome)o));
		assert_true(wa_outcome_exit((enum wa_outcome)o, WA_OUTCOME_REJECTED) >= 0);
	}
}

static void outcome_out_of_range_reads_as_an_error(void **state)
{
	(void)state;
	assert_string_equal(wa_outcome_name(WA_OUTCOME_COUNT), "error");
	assert_string_equal(wa_outcome_name((enum wa_outcome) - 1), "error");
	assert_int_equal(wa_outcome_exit_class(WA_OUTCOME_COUNT), WA_EXIT_INTERNAL);
	assert_int_equal(wa_outcome_scope(WA_OUTCOME_COUNT), WA_SCOPE_ERROR);
	assert_string_equal(wa_outcome_description(WA_OUTCOME_COUNT), "");
}

static void error_codes_map_to_invalid_refused_or_error(void **state)
{
	(void)state;
	assert_int_equal(wa_outcome_of_error(WA_ENOTZIP), WA_OUTCOME_INVALID);
	assert_int_equal(wa_outcome_of_error(-WA_ENOTZIP), WA_OUTCOME_INVALID);
	assert_int_equal(wa_outcome_of_error(WA_EUNSAFE), WA_OUTCOME_INVALID);
	assert_int_equal(wa_outcome_of_error(WA_ERECORD), WA_OUTCOME_INVALID);
	assert_int_equal(wa_outcome_of_error(WA_ELIMIT), WA_OUTCOME_INVALID);
	assert_int_equal(wa_outcome_of_error(WA_EBADELF), WA_OUTCOME_INVALID);
	assert_int_equal(wa_outcome_of_error(WA_EUSAGE), WA_OUTCOME_REFUSED);
	assert_int_equal(wa_outcome_of_error(-WA_EUSAGE), WA_OUTCOME_REFUSED);
	assert_int_equal(wa_outcome_of_error(WA_ECONFIG), WA_OUTCOME_REFUSED);
	assert_int_equal(wa_outcome_of_error(WA_ENOMEM), WA_OUTCOME_ERROR);
	assert_int_equal(wa_outcome_of_error(WA_EIO), WA_OUTCOME_ERROR);
	assert_int_equal(wa_outcome_of_error(WA_EINTERNAL), WA_OUTCOME_ERROR);
	assert_int_equal(wa_outcome_of_error(9999), WA_OUTCOME_ERROR);
	/* and the outcome's exit code is the error's */
	for (int c = 1; c < WA_ERROR_COUNT; c++)
		assert_int_equal(wa_outcome_exit(wa_outcome_of_error(c), WA_OUTCOME_ERROR),
				 wa_error_exit_code(c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_tag_reads_pep600_manylinux_tags),
		cmocka_unit_test(parse_tag_reads_legacy_manylinux_names),
		cmocka_unit_test(parse_tag_reads_musllinux_and_android_tags),
		cmocka_unit_test(parse_tag_reads_policy_names_without_an_architecture),
		cmocka_unit_test(parse_tag_refuses_malformed_tags),
		cmocka_unit_test(policy_name_spells_each_version_form),
		cmocka_unit_test(policy_name_reads_back_as_the_same_policy),
		cmocka_unit_test(version_text_names_the_c_library_or_api_level),
		cmocka_unit_test(tag_arch_spells_android_abis_and_leaves_others_alone),
		cmocka_unit_test(family_rows_give_libc_file_form_nodes_and_retag),
		cmocka_unit_test(family_find_matches_the_whole_name_only),
		cmocka_unit_test(family_of_libc_is_the_one_family_per_c_library),
		cmocka_unit_test(every_outcome_has_a_distinct_lowercase_name_and_a_description),
		cmocka_unit_test(every_outcome_has_its_exit_class),
		cmocka_unit_test(rejection_takes_the_exit_code_of_its_cause),
		cmocka_unit_test(other_outcomes_ignore_the_cause),
		cmocka_unit_test(outcome_out_of_range_reads_as_an_error),
		cmocka_unit_test(error_codes_map_to_invalid_refused_or_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
