/* SPDX-License-Identifier: MIT */
/*
 * Policy tables: boundaries of every policy on x86_64 and aarch64, nodes
 * that do not exist on an architecture, empty families, whitelists,
 * blacklists, names and aliases, version comparison, musl symbol releases,
 * the loader's validation messages and loading a directory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wheelaudit/policy.h"

static const struct wa_policy_set *builtin;

static const struct wa_policy *find(const char *name)
{
	const struct wa_policy *p = wa_policy_find(builtin, name, NULL, 0);
	if (!p)
		fail_msg("policy '%s' not found", name);
	return p;
}

static void expect(const char *policy, const char *arch, const char *lib, const char *node,
		   enum wa_node_verdict want)
{
	enum wa_node_verdict got = wa_policy_check_node(find(policy), arch, lib, node);
	if (got != want)
		fail_msg("%s %s %s from %s: %s, expected %s", policy, arch, node, lib,
			 wa_node_verdict_name(got), wa_node_verdict_name(want));
}

/* ------------------------------------------------------------------ */

struct boundary {
	const char *policy;
	const char *ok;      /* highest GLIBC node allowed */
	const char *too_new; /* next existing node */
};

static void policy_glibc_boundaries_x86_64(void **state)
{
	static const struct boundary b[] = {
		{"manylinux_2_5", "2.5", "2.6"},    {"manylinux_2_12", "2.12", "2.13"},
		{"manylinux_2_17", "2.17", "2.18"}, {"manylinux_2_24", "2.24", "2.25"},
		{"manylinux_2_26", "2.26", "2.27"}, {"manylinux_2_27", "2.27", "2.28"},
		{"manylinux_2_28", "2.28", "2.29"}, {"manylinux_2_31", "2.31", "2.32"},
		{"manylinux_2_34", "2.34", "2.35"}, {"manylinux_2_35", "2.35", "2.36"},
		{"manylinux_2_36", "2.36", "2.38"}, {"manylinux_2_37", "2.36", "2.38"},
		{"manylinux_2_38", "2.38", "2.39"}, {"manylinux_2_39", "2.39", "2.40"},
		{"manylinux_2_40", "2.40", "2.41"}, {"manylinux_2_41", "2.41", "2.42"},
	};
	char node[32];

	(void)state;
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		snprintf(node, sizeof(node), "GLIBC_%s", b[i].ok);
		expect(b[i].policy, "x86_64", "libc.so.6", node, WA_NODE_OK);
		snprintf(node, sizeof(node), "GLIBC_%s", b[i].too_new);
		expect(b[i].policy, "x86_64", "libc.so.6", node, WA_NODE_TOO_NEW);
		/* The x86_64 baseline is allowed everywhere. */
		expect(b[i].policy, "x86_64", "libc.so.6", "GLIBC_2.2.5", WA_NODE_OK);
	}
}

static void policy_glibc_boundaries_aarch64(void **state)
{
	static const struct boundary b[] = {
		{"manylinux_2_17", "2.18", "2.22"}, {"manylinux_2_24", "2.24", "2.25"},
		{"manylinux_2_26", "2.26", "2.27"}, {"manylinux_2_27", "2.27", "2.28"},
		{"manylinux_2_28", "2.28", "2.29"}, {"manylinux_2_31", "2.31", "2.32"},
		{"manylinux_2_34", "2.34", "2.35"}, {"manylinux_2_35", "2.35", "2.36"},
		{"manylinux_2_36", "2.36", "2.38"}, {"manylinux_2_37", "2.36", "2.38"},
		{"manylinux_2_38", "2.38", "2.39"}, {"manylinux_2_39", "2.39", "2.40"},
		{"manylinux_2_40", "2.40", "2.41"}, {"manylinux_2_41", "2.41", "2.42"},
	};
	char node[32];

	(void)state;
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		snprintf(node, sizeof(node), "GLIBC_%s", b[i].ok);
		expect(b[i].policy, "aarch64", "libc.so.6", node, WA_NODE_OK);
		snprintf(node, sizeof(node), "GLIBC_%s", b[i].too_new);
		expect(b[i].policy, "aarch64", "libc.so.6", node, WA_NODE_TOO_NEW);
		expect(b[i].policy, "aarch64", "libc.so.6", "GLIBC_2.17", WA_NODE_OK);
	}
	/* manylinux_2_5 and 2_12 have no aarch64: nothing is judged. */
	assert_false(wa_policy_has_arch(find("manylinux_2_5"), "aarch64"));
	expect("manylinux_2_12", "aarch64", "libc.so.6", "GLIBC_2.17", WA_NODE_UNCHECKED);
}

static void policy_cxx_boundaries(void **state)
{
	(void)state;
	expect("manylinux_2_5", "x86_64", "libstdc++.so.6", "GLIBCXX_3.4.8", WA_NODE_OK);
	expect("manylinux_2_5", "x86_64", "libstdc++.so.6", "GLIBCXX_3.4.9", WA_NODE_TOO_NEW);
	expect("manylinux_2_5", "x86_64", "libstdc++.so.6", "CXXABI_1.3.1", WA_NODE_OK);
	expect("manylinux_2_5", "x86_64", "libstdc++.so.6", "CXXABI_1.3.2", WA_NODE_TOO_NEW);
	expect("manylinux_2_17", "x86_64", "libstdc++.so.6", "GLIBCXX_3.4.19", WA_NODE_OK);
	expect("manylinux_2_17", "x86_64", "libstdc++.so.6", "GLIBCXX_3.4.20", WA_NODE_TOO_NEW);
	expect("manylinux_2_17", "aarch64", "libstdc++.so.6", "CXXABI_1.3.7", WA_NODE_OK);
	expect("manylinux_2_17", "aarch64", "libstdc++.so.6", "CXXABI_1.3.8", WA_NODE_TOO_NEW);
	/* x86_64 manylinux_2_26 keeps 2_24's C++ maxima; i686 moves on. */
	expect("manylinux_2_26", "x86_64", "libstdc++.so.6", "GLIBCXX_3.4.22", WA_NODE_OK);
	expect("manylinux_2_26", "x86_64", "libstdc++.so.6", "GLIBCXX_3.4.23", WA_NODE_TOO_NEW);
	expect("manylinux_2_26", "i686", "libstdc++.so.6", "GLIBCXX_3.4.24", WA_NODE_OK);
	expect("manylinux_2_26", "x86_64", "libgcc_s.so.1", "GCC_7.0.0", WA_NODE_TOO_NEW);
	expect("manylinux_2_26", "aarch64", "libz.so.1", "ZLIB_1.2.5.2", WA_NODE_OK);
	expect("manylinux_2_26", "aarch64", "libz.so.1", "ZLIB_1.2.7.1", WA_NODE_TOO_NEW);
	/* GCC nodes are arch specific: aarch64 jumps to 11.0 at 2_34. */
	expect("manylinux_2_34", "aarch64", "libgcc_s.so.1", "GCC_11.0", WA_NODE_OK);
	expect("manylinux_2_34", "aarch64", "libgcc_s.so.1", "GCC_13.0.0", WA_NODE_TOO_NEW);
	expect("manylinux_2_34", "x86_64", "libgcc_s.so.1", "GCC_11.0", WA_NODE_NOT_ON_ARCH);
	expect("manylinux_2_39", "loongarch64", "libstdc++.so.6", "GLIBCXX_3.4.32", WA_NODE_OK);
	expect("manylinux_2_39", "loongarch64", "libstdc++.so.6", "GLIBCXX_3.4.33",
	       WA_NODE_TOO_NEW);
}

static void policy_reports_nodes_not_on_arch(void **state)
{
	(void)state;
	expect("manylinux_2_28", "aarch64", "libc.so.6", "GLIBC_2.4", WA_NODE_NOT_ON_ARCH);
	expect("manylinux_2_28", "x86_64", "libc.so.6", "GLIBC_2.20", WA_NODE_NOT_ON_ARCH);
	expect("manylinux_2_41", "x86_64", "libc.so.6", "GLIBC_2.37", WA_NODE_NOT_ON_ARCH);
	expect("manylinux_2_41", "i686", "libc.so.6", "GLIBC_2.37", WA_NODE_OK);
	expect("manylinux_2_17", "x86_64", "libc.so.6", "GLIBC_2.0", WA_NODE_NOT_ON_ARCH);
	expect("manylinux_2_17", "i686", "libc.so.6", "GLIBC_2.2.5", WA_NODE_NOT_ON_ARCH);
	/* s390x is the only arch with GLIBC_2.19. */
	expect("manylinux_2_24", "s390x", "libc.so.6", "GLIBC_2.19", WA_NODE_OK);
	expect("manylinux_2_24", "x86_64", "libc.so.6", "GLIBC_2.19", WA_NODE_NOT_ON_ARCH);
	/* GLIBC_2.0 on aarch64 is libgcc_s.so.1's node, never glibc's. */
	expect("manylinux_2_17", "aarch64", "libgcc_s.so.1", "GLIBC_2.0", WA_NODE_OK);
	expect("manylinux_2_17", "aarch64", "libc.so.6", "GLIBC_2.0", WA_NODE_NOT_ON_ARCH);
	expect("manylinux_2_31", "riscv64", "libgcc_s.so.1", "GLIBC_2.0", WA_NODE_OK);
	expect("manylinux_2_31", "riscv64", "libm.so.6", "GLIBC_2.0", WA_NODE_NOT_ON_ARCH);
	/* i686's GLIBC_2.0 is glibc's own. */
	expect("manylinux_2_5", "i686", "libc.so.6", "GLIBC_2.0", WA_NODE_OK);
	/* Too new wins over "not on arch" above the newest known node. */
	expect("manylinux_2_17", "aarch64", "libc.so.6", "GLIBC_2.99", WA_NODE_TOO_NEW);
}

static void policy_reports_empty_families(void **state)
{
	(void)state;
	expect("manylinux_2_17", "x86_64", "libatomic.so.1", "LIBATOMIC_1.0", WA_NODE_EMPTY);
	expect("manylinux_2_17", "s390x", "libatomic.so.1", "LIBATOMIC_1.0", WA_NODE_EMPTY);
	expect("manylinux_2_17", "i686", "libatomic.so.1", "LIBATOMIC_1.0", WA_NODE_OK);
	expect("manylinux_2_17", "i686", "libatomic.so.1", "LIBATOMIC_1.1", WA_NODE_TOO_NEW);
	expect("manylinux_2_5", "x86_64", "libz.so.1", "ZLIB_1.2.0", WA_NODE_EMPTY);
	expect("manylinux_2_12", "x86_64", "libz.so.1", "ZLIB_1.2.2.4", WA_NODE_OK);
	expect("manylinux_2_24", "x86_64", "libatomic.so.1", "LIBATOMIC_1.2", WA_NODE_OK);
	assert_true(wa_policy_lib_allowed(find("manylinux_2_17"), "libatomic.so.1"));
}

static void policy_judges_non_numeric_nodes(void **state)
{
	(void)state;
	expect("manylinux_2_17", "x86_64", "libstdc++.so.6", "CXXABI_TM_1", WA_NODE_OK);
	expect("manylinux_2_12", "x86_64", "libstdc++.so.6", "CXXABI_TM_1", WA_NODE_NOT_ALLOWED);
	expect("manylinux_2_24", "x86_64", "libstdc++.so.6", "CXXABI_FLOAT128", WA_NODE_OK);
	expect("manylinux_2_24", "aarch64", "libstdc++.so.6", "CXXABI_FLOAT128",
	       WA_NODE_NOT_ALLOWED);
	expect("manylinux_2_17", "ppc64le", "libstdc++.so.6", "GLIBCXX_LDBL_3.4", WA_NODE_OK);
	expect("manylinux_2_17", "ppc64le", "libstdc++.so.6", "GLIBCXX_LDBL_3.4.21",
	       WA_NODE_NOT_ALLOWED);
	expect("manylinux_2_24", "ppc64le", "libstdc++.so.6", "GLIBCXX_LDBL_3.4.21", WA_NODE_OK);
	expect("manylinux_2_35", "x86_64", "libc.so.6", "GLIBC_ABI_DT_RELR", WA_NODE_NOT_ALLOWED);
	expect("manylinux_2_36", "x86_64", "libc.so.6", "GLIBC_ABI_DT_RELR", WA_NODE_OK);
	expect("manylinux_2_36", "aarch64", "libc.so.6", "GLIBC_ABI_DT_RELR", WA_NODE_OK);
	/* riscv64 gets GLIBC_ABI_DT_RELR only at manylinux_2_38. */
	expect("manylinux_2_36", "riscv64", "libc.so.6", "GLIBC_ABI_DT_RELR", WA_NODE_NOT_ALLOWED);
	expect("manylinux_2_37", "riscv64", "libc.so.6", "GLIBC_ABI_DT_RELR", WA_NODE_NOT_ALLOWED);
	expect("manylinux_2_38", "riscv64", "libc.so.6", "GLIBC_ABI_DT_RELR", WA_NODE_OK);
	expect("manylinux_2_41", "x86_64", "libc.so.6", "GLIBC_PRIVATE", WA_NODE_NOT_ALLOWED);
	/* Families outside the table are not judged. */
	expect("manylinux_2_17", "x86_64", "libssl.so.3", "OPENSSL_3.0.0", WA_NODE_UNCHECKED);
	expect("manylinux_2_17", "x86_64", "libgomp.so.1", "GOMP_4.0", WA_NODE_UNCHECKED);
}

static void policy_aarch64_2_17_blacklists_2_18_symbols(void **state)
{
	const struct wa_policy *p = find("manylinux_2_17");

	(void)state;
	expect("manylinux_2_17", "aarch64", "libc.so.6", "GLIBC_2.18", WA_NODE_OK);
	assert_true(wa_policy_symbol_blacklisted(p, "libc.so.6", "__issignaling"));
	assert_true(wa_policy_symbol_blacklisted(p, "libc.so.6", "__cxa_thread_atexit_impl"));
	assert_true(wa_policy_symbol_blacklisted(p, "libm.so.6", "__issignalingl"));
	assert_true(
		wa_policy_symbol_blacklisted(p, "libpthread.so.0", "pthread_setattr_default_np"));
	assert_false(wa_policy_symbol_blacklisted(p, "libc.so.6", "malloc"));
	assert_false(wa_policy_symbol_blacklisted(p, "libm.so.6", "pthread_getattr_default_np"));
	assert_true(wa_policy_symbol_blacklisted(p, "libz.so.1", "uncompress2"));
	assert_false(
		wa_policy_symbol_blacklisted(find("manylinux_2_24"), "libc.so.6", "__issignaling"));
	assert_false(
		wa_policy_symbol_blacklisted(find("manylinux_2_34"), "libz.so.1", "uncompress2"));
	assert_true(wa_policy_symbol_blacklisted(find("manylinux_2_36"), "libz.so.1",
						 "crc32_combine_gen"));
	assert_false(wa_policy_symbol_blacklisted(find("manylinux_2_37"), "libz.so.1",
						  "crc32_combine_gen"));
	assert_true(wa_policy_symbol_blacklisted(find("musllinux_1_2"), "libz.so.1", "zcfree"));
	assert_false(wa_policy_symbol_blacklisted(find("musllinux_1_2"), "libz.so.1",
						  "adler32_default"));
}

static void policy_whitelists_grow(void **state)
{
	(void)state;
	assert_false(wa_policy_lib_allowed(find("manylinux_2_5"), "libexpat.so.1"));
	assert_true(wa_policy_lib_allowed(find("manylinux_2_12"), "libexpat.so.1"));
	assert_false(wa_policy_lib_allowed(find("manylinux_2_17"), "libmvec.so.1"));
	assert_true(wa_policy_lib_allowed(find("manylinux_2_24"), "libmvec.so.1"));
	assert_true(wa_policy_lib_allowed(find("manylinux_2_5"), "libgobject-2.0.so.0"));
	assert_false(wa_policy_lib_allowed(find("manylinux_2_41"), "libssl.so.3"));
	assert_int_equal(wa_policy_whitelist_count(find("manylinux_2_5")), 22);
	assert_int_equal(wa_policy_whitelist_count(find("manylinux_2_41")), 24);
	assert_true(wa_policy_lib_allowed(find("musllinux_1_1"), "libc.so"));
	assert_true(wa_policy_lib_allowed(find("musllinux_1_1"), "libc.musl-x86_64.so.1"));
	assert_true(wa_policy_lib_allowed(find("musllinux_1_1"), "libz.so.1"));
	assert_false(wa_policy_lib_allowed(find("musllinux_1_1"), "libstdc++.so.6"));
	assert_false(wa_policy_lib_allowed(find("manylinux_2_17"), "libc.musl-x86_64.so.1"));
}

static void policy_order_names_and_aliases(void **state)
{
	static const char *const order[] = {
		"manylinux_2_5",  "manylinux_2_12", "manylinux_2_17", "manylinux_2_24",
		"manylinux_2_26", "manylinux_2_27", "manylinux_2_28", "manylinux_2_31",
		"manylinux_2_34", "manylinux_2_35", "manylinux_2_36", "manylinux_2_37",
		"manylinux_2_38", "manylinux_2_39", "manylinux_2_40", "manylinux_2_41",
		"musllinux_1_1",  "musllinux_1_2",  "android_21",     "android_22",
		"android_23",     "android_24",     "android_25",     "android_26",
		"android_27",     "android_28",     "android_29",     "android_30",
		"android_31",     "android_32",     "android_33",     "android_34",
		"android_35",
	};
	const size_t n = sizeof(order) / sizeof(order[0]);
	int major, minor;

	(void)state;
	assert_int_equal(wa_policy_count(builtin), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(wa_policy_name(wa_policy_at(builtin, i)), order[i]);
	assert_null(wa_policy_at(builtin, n));
	assert_ptr_equal(find("manylinux1"), find("manylinux_2_5"));
	assert_ptr_equal(find("manylinux2010"), find("manylinux_2_12"));
	assert_ptr_equal(find("manylinux2014"), find("manylinux_2_17"));
	assert_int_equal(wa_policy_alias_count(find("manylinux_2_17")), 1);
	assert_string_equal(wa_policy_alias(find("manylinux_2_17"), 0), "manylinux2014");
	assert_int_equal(wa_policy_alias_count(find("manylinux_2_24")), 0);
	assert_int_equal(wa_policy_priority(find("manylinux_2_17")), 80);
	assert_int_equal(wa_policy_priority(find("musllinux_1_2")), 90);
	assert_int_equal(wa_policy_family(find("musllinux_1_2")), WA_FAMILY_MUSLLINUX);
	wa_policy_libc_version(find("manylinux2014"), &major, &minor);
	assert_int_equal(major, 2);
	assert_int_equal(minor, 17);
	wa_policy_libc_version(find("musllinux_1_2"), &major, &minor);
	assert_int_equal(major, 1);
	assert_int_equal(minor, 2);
	assert_null(wa_policy_find(builtin, "linux", NULL, 0));
	assert_true(wa_policy_has_arch(find("manylinux_2_17"), "ppc64"));
	assert_false(wa_policy_has_arch(find("manylinux_2_24"), "ppc64"));
	assert_true(wa_policy_has_arch(find("manylinux_2_36"), "loongarch64"));
	assert_false(wa_policy_has_arch(find("manylinux_2_35"), "loongarch64"));
	assert_false(wa_policy_has_arch(find("musllinux_1_1"), "loongarch64"));
	assert_true(wa_policy_has_arch(find("musllinux_1_2"), "loongarch64"));
	assert_non_null(wa_policy_unverified_reason(find("manylinux_2_17"), "ppc64"));
	assert_null(wa_policy_unverified_reason(find("manylinux_2_17"), "ppc64le"));
}

static void policy_find_accepts_arch_suffix(void **state)
{
	char arch[32];

	(void)state;
	assert_ptr_equal(wa_policy_find(builtin, "manylinux2014_x86_64", arch, sizeof(arch)),
			 find("manylinux_2_17"));
	assert_string_equal(arch, "x86_64");
	assert_ptr_equal(wa_policy_find(builtin, "manylinux_2_17", arch, sizeof(arch)),
			 find("manylinux_2_17"));
	assert_string_equal(arch, "");
	assert_ptr_equal(wa_policy_find(builtin, "manylinux_2_17_aarch64", arch, sizeof(arch)),
			 find("manylinux_2_17"));
	assert_string_equal(arch, "aarch64");
	assert_ptr_equal(wa_policy_find(builtin, "musllinux_1_2_aarch64", arch, sizeof(arch)),
			 find("musllinux_1_2"));
	assert_string_equal(arch, "aarch64");
	assert_ptr_equal(wa_policy_find(builtin, "manylinux1_i686", arch, sizeof(arch)),
			 find("manylinux_2_5"));
	assert_string_equal(arch, "i686");
	assert_ptr_equal(wa_policy_find(builtin, "manylinux_2_12_x86_64", NULL, 0),
			 find("manylinux_2_12"));
	/* Suffixes must be architectures; prefixes of names are not names. */
	strcpy(arch, "junk");
	assert_null(wa_policy_find(builtin, "manylinux_2_17_sparc", arch, sizeof(arch)));
	assert_string_equal(arch, "");
	assert_null(wa_policy_find(builtin, "manylinux_2_1", NULL, 0));
	assert_null(wa_policy_find(builtin, "manylinux_2_177", NULL, 0));
	assert_null(wa_policy_find(builtin, "manylinux2014_", NULL, 0));
	assert_null(wa_policy_find(builtin, "", NULL, 0));
}

static void policy_compares_versions_numerically(void **state)
{
	(void)state;
	assert_true(wa_version_compare("2.2.5", "2.17") < 0);
	assert_true(wa_version_compare("2.17", "2.2.5") > 0);
	assert_true(wa_version_compare("1.2.5.2", "1.2.5") > 0);
	assert_true(wa_version_compare("1.2.12", "1.2.9") > 0);
	assert_true(wa_version_compare("3.4.10", "3.4.9") > 0);
	assert_int_equal(wa_version_compare("2.17", "2.17"), 0);
	assert_int_equal(wa_version_compare("2.017", "2.17"), 0);
	assert_true(wa_version_compare("14.0", "14.0.0") < 0);
	assert_true(wa_version_compare("99999999999999999999.1", "9.1") > 0);
	assert_true(wa_version_is_numeric("2.2.5"));
	assert_true(wa_version_is_numeric("1"));
	assert_false(wa_version_is_numeric(""));
	assert_false(wa_version_is_numeric("2..5"));
	assert_false(wa_version_is_numeric(".2"));
	assert_false(wa_version_is_numeric("2."));
	assert_false(wa_version_is_numeric("LDBL_3.4"));
	assert_false(wa_version_is_numeric("2.a"));
}

static void policy_knows_musl_symbol_releases(void **state)
{
	const struct wa_policy *m11 = find("musllinux_1_1"), *m12 = find("musllinux_1_2");

	(void)state;
	assert_string_equal(wa_policy_musl_symbol_release(builtin, "qsort_r", false), "1.2.3");
	assert_string_equal(wa_policy_musl_symbol_release(builtin, "qsort_r", true), "1.2.3");
	assert_string_equal(wa_policy_musl_symbol_release(builtin, "_Fork", false), "1.2.2");
	assert_string_equal(wa_policy_musl_symbol_release(builtin, "statx", false), "1.2.5");
	assert_string_equal(wa_policy_musl_symbol_release(builtin, "__clock_gettime64", true),
			    "1.2.0");
	assert_null(wa_policy_musl_symbol_release(builtin, "__clock_gettime64", false));
	assert_null(wa_policy_musl_symbol_release(builtin, "malloc", false));
	assert_null(wa_policy_musl_symbol_release(builtin, "malloc", true));
	assert_false(wa_policy_musl_release_ok(m11, "1.2.3"));
	assert_false(wa_policy_musl_release_ok(m11, "1.2.0"));
	assert_true(wa_policy_musl_release_ok(m12, "1.2.3"));
	assert_true(wa_policy_musl_release_ok(m12, "1.2.5"));
	assert_true(wa_policy_musl_release_ok(m11, "1.1.24"));
	assert_false(wa_policy_musl_release_ok(m12, "1.3.0"));
	assert_false(wa_policy_musl_release_ok(find("manylinux_2_17"), "1.1"));
	/* musl has no symbol versioning: no family is judged. */
	assert_int_equal(wa_policy_check_node(m12, "x86_64", "libc.so", "GLIBC_2.17"),
			 WA_NODE_UNCHECKED);
	assert_int_equal(wa_policy_family_count(m12, "x86_64"), 0);
}

static void policy_accessors_describe_a_policy(void **state)
{
	const struct wa_policy *p = find("manylinux_2_17");
	const char *max, *arch, *key;
	bool checked, unverified;
	size_t n;

	(void)state;
	assert_int_equal(wa_policy_arch_count(p), 7);
	assert_int_equal(wa_policy_family_count(p, "x86_64"), 6);
	assert_string_equal(wa_policy_family_at(p, "x86_64", 0, &max), "GLIBC");
	assert_string_equal(max, "2.17");
	assert_null(wa_policy_family_max(p, "x86_64", "LIBATOMIC", &checked));
	assert_true(checked);
	assert_null(wa_policy_family_max(p, "x86_64", "OPENSSL", &checked));
	assert_false(checked);
	assert_string_equal(wa_policy_family_max(p, "i686", "LIBATOMIC", &checked), "1.0");
	assert_int_equal(wa_policy_non_numeric_count(p, "armv7l"), 2);
	assert_string_equal(wa_policy_blacklist_at(p, 0, &n), "libc.so.6");
	assert_int_equal(n, 6);
	assert_non_null(wa_policy_blacklist_symbol(p, 0, 5));
	assert_null(wa_policy_blacklist_symbol(p, 0, 6));
	assert_true(wa_policy_exception_count(p) > 0);
	assert_non_null(wa_policy_exception_at(p, 0, &arch, &key, &unverified));
	assert_null(wa_policy_exception_at(p, 999, &arch, &key, &unverified));
	assert_string_equal(wa_node_verdict_name(WA_NODE_NOT_ON_ARCH), "not-on-arch");
}

/* ------------------------------------------------------------------ */
/* Loader validation                                                    */
/* ------------------------------------------------------------------ */

#define HEAD "{\"format\":\"wheelaudit-policies\",\"format_version\":1,\"family\":\"manylinux\","
#define NODES                                                                                      \
	"\"arches\":{\"x86_64\":{\"nodes\":{\"GLIBC\":[\"2.2.5\",\"2.17\",\"2.28\"],"              \
	"\"ZLIB\":[\"1.2.0\"]}}},"
#define POL(name, prio, glibc, wl)                                                                 \
	"{\"name\":\"" name "\",\"priority\":" #prio ",\"libc_version\":\"2.17\","                 \
	"\"arches\":[\"x86_64\"],\"max\":{\"x86_64\":{\"GLIBC\":" glibc ",\"ZLIB\":null}},"        \
	"\"whitelist\":[" wl "]}"

/* Loads one table into a fresh set and finishes it; returns the code. */
static int load_one(const char *json, struct wa_error *err)
{
	struct wa_policy_set *set = NULL;
	int rc;

	memset(err, 0, sizeof(*err));
	assert_int_equal(wa_policy_set_new(&set, err), 0);
	rc = wa_policy_set_add_json(set, "t.json", json, strlen(json), err);
	if (rc == 0)
		rc = wa_policy_set_finish(set, err);
	wa_policy_set_free(set);
	return rc;
}

static void expect_config_error(const char *json, const char *fragment)
{
	struct wa_error err;
	int rc = load_one(json, &err);

	if (rc != -WA_ECONFIG)
		fail_msg("expected ECONFIG (%s), got %d: %s", fragment, rc, err.message);
	assert_int_equal(err.code, WA_ECONFIG);
	if (!strstr(err.message, fragment))
		fail_msg("'%s' not in '%s'", fragment, err.message);
	assert_non_null(strstr(err.message, "t.json"));
}

static void policy_loader_accepts_a_minimal_table(void **state)
{
	struct wa_error err;

	(void)state;
	assert_int_equal(load_one(HEAD NODES "\"policies\":[" POL("manylinux_9_1", 10, "\"2.17\"",
								  "\"libc.so.6\"") "]}",
				  &err),
			 0);
}

static void policy_loader_reports_path_of_errors(void **state)
{
	(void)state;
	expect_config_error("{", "invalid JSON");
	expect_config_error("[]", "$: not an object");
	expect_config_error("{\"format\":\"x\"}", "$.format");
	expect_config_error(HEAD "\"bogus\":1}", "$.bogus: unknown key");
	expect_config_error(HEAD NODES "\"policies\":[" POL("manylinux_a", 10, "\"2.x\"", "") "]}",
			    "$.policies[0].max.x86_64.GLIBC: not a version");
	expect_config_error(HEAD NODES
			    "\"policies\":[" POL("manylinux_a", 10, "\"2.17\"",
						 "") "," POL("manylinux_b", 9, "17", "") "]}",
			    "$.policies[1].max.x86_64.GLIBC: not a version");
	expect_config_error(HEAD NODES "\"policies\":[" POL("musllinux_a", 10, "\"2.17\"", "") "]}",
			    "$.policies[0].name");
	expect_config_error(HEAD NODES "\"policies\":[{\"name\":\"manylinux_a\"}]}",
			    "$.policies[0].priority: missing");
	expect_config_error(HEAD NODES "\"policies\":[" POL("manylinux_a", 10, "\"2.18\"", "") "]}",
			    "$.policies[0].max.x86_64.GLIBC: 2.18 is not a node of x86_64");
	expect_config_error(HEAD
			    "\"arches\":{\"x86_64\":{\"nodes\":{\"GLIBC\":[\"2.17\",\"2.5\"]}}}}",
			    "$.arches.x86_64.nodes.GLIBC[1]");
	expect_config_error(HEAD "\"arches\":{\"x86_64\":{\"nodes\":{\"GLIBC\":[\"2.17\"]},"
				 "\"only_from\":{\"GLIBC_2.0\":[\"libgcc_s.so.1\"]}}}}",
			    "$.arches.x86_64.only_from.GLIBC_2.0");
	{
		/* A set without policies is wrong as a whole, not in one file. */
		struct wa_error err;
		assert_int_equal(load_one(HEAD "\"policies\":[]}", &err), -WA_ECONFIG);
		assert_non_null(strstr(err.message, "no policy tables"));
	}
	expect_config_error(HEAD
			    "\"exceptions\":[{\"policy\":\"x\",\"arch\":\"*\",\"key\":\"max\"}]}",
			    "$.exceptions[0].reason: missing");
}

static void policy_loader_checks_names_and_priorities(void **state)
{
	(void)state;
	expect_config_error(HEAD NODES
			    "\"policies\":[" POL("manylinux_a", 10, "\"2.17\"",
						 "") "," POL("manylinux_a", 9, "\"2.28\"", "") "]}",
			    "'manylinux_a' is also used");
	expect_config_error(HEAD NODES "\"policies\":[" POL("manylinux_a", 10, "\"2.17\"",
							    "") "," POL("manylinux_b", 10,
									"\"2.28\"", "") "]}",
			    "strictly ordered");
}

static void policy_loader_checks_monotonicity(void **state)
{
	(void)state;
	/* The less compatible policy (priority 9) has a lower maximum. */
	expect_config_error(HEAD NODES
			    "\"policies\":[" POL("manylinux_a", 10, "\"2.28\"",
						 "") "," POL("manylinux_b", 9, "\"2.17\"", "") "]}",
			    "$.policies[1].max.x86_64.GLIBC: 2.17 is below 2.28");
	/* ... or drops a whitelisted library. */
	expect_config_error(HEAD NODES
			    "\"policies\":[" POL("manylinux_a", 10, "\"2.17\"",
						 "\"libc.so.6\"") "," POL("manylinux_b", 9,
									  "\"2.28\"", "") "]}",
			    "$.policies[1].whitelist: drops 'libc.so.6'");
	/* A recorded exception with a reason makes the first one acceptable. */
	{
		struct wa_error err;
		assert_int_equal(
			load_one(
				HEAD NODES
				"\"policies\":[" POL("manylinux_a", 10, "\"2.28\"", "") "," POL(
					"manylinux_b", 9, "\"2.17\"",
					"") "],"
					    "\"exceptions\":[{\"policy\":\"manylinux_b\",\"arch\":"
					    "\"x86_64\",\"key\":\"max.GLIBC\",\"reason\":\"test\"}]}",
				&err),
			0);
	}
}

static void policy_loads_a_directory(void **state)
{
	char dir[] = "/tmp/wa-policy-test-XXXXXX";
	char path[256];
	const char *json = HEAD NODES
		"\"policies\":[" POL("manylinux_7_1", 10, "\"2.17\"", "\"libc.so.6\"") "]}";
	struct wa_policy_set *set = NULL;
	struct wa_error err = {0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/a.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(json, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ignored.txt", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("not json", f);
	fclose(f);

	assert_int_equal(wa_policy_set_load_dir(&set, dir, &err), 0);
	assert_int_equal(wa_policy_count(set), 1);
	assert_non_null(wa_policy_find(set, "manylinux_7_1_x86_64", NULL, 0));
	assert_int_equal(wa_policy_check_node(wa_policy_at(set, 0), "x86_64", "libc.so.6",
					      "GLIBC_2.28"),
			 WA_NODE_TOO_NEW);
	wa_policy_set_free(set);

	/* A broken file names itself. */
	snprintf(path, sizeof(path), "%s/b.json", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"format\": 3}", f);
	fclose(f);
	set = NULL;
	assert_int_equal(wa_policy_set_load_dir(&set, dir, &err), -WA_ECONFIG);
	assert_null(set);
	assert_non_null(strstr(err.message, "b.json: $.format"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/a.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/ignored.txt", dir);
	unlink(path);

	/* An empty directory, and one that does not exist. */
	assert_int_equal(wa_policy_set_load_dir(&set, dir, &err), -WA_ECONFIG);
	assert_non_null(strstr(err.message, "no *.json"));
	rmdir(dir);
	assert_int_equal(wa_policy_set_load_dir(&set, dir, &err), -WA_ECONFIG);
	assert_null(set);
}

static int setup(void **state)
{
	struct wa_policy_set *set = NULL;
	struct wa_error err = {0};

	(void)state;
	if (wa_policy_set_load_builtin(&set, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	builtin = set;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	wa_policy_set_free((struct wa_policy_set *)builtin);
	builtin = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_glibc_boundaries_x86_64),
		cmocka_unit_test(policy_glibc_boundaries_aarch64),
		cmocka_unit_test(policy_cxx_boundaries),
		cmocka_unit_test(policy_reports_nodes_not_on_arch),
		cmocka_unit_test(policy_reports_empty_families),
		cmocka_unit_test(policy_judges_non_numeric_nodes),
		cmocka_unit_test(policy_aarch64_2_17_blacklists_2_18_symbols),
		cmocka_unit_test(policy_whitelists_grow),
		cmocka_unit_test(policy_order_names_and_aliases),
		cmocka_unit_test(policy_find_accepts_arch_suffix),
		cmocka_unit_test(policy_compares_versions_numerically),
		cmocka_unit_test(policy_knows_musl_symbol_releases),
		cmocka_unit_test(policy_accessors_describe_a_policy),
		cmocka_unit_test(policy_loader_accepts_a_minimal_table),
		cmocka_unit_test(policy_loader_reports_path_of_errors),
		cmocka_unit_test(policy_loader_checks_names_and_priorities),
		cmocka_unit_test(policy_loader_checks_monotonicity),
		cmocka_unit_test(policy_loads_a_directory),
	};
	return cmocka_run_group_tests_name("policy", tests, setup, teardown);
}
