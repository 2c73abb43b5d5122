/* SPDX-License-Identifier: MIT */
/*
 * The maxima of every manylinux policy on every architecture, typed by hand
 * from the facts tables (docs/policies.md names the source; manylinux-policy
 * tables @6.8.1), checked against the embedded policies/ tables through
 * wa_policy_check_node.  Deliberately not generated from the JSON: this is the
 * second, independent copy that catches a slip in either.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/policy.h"

#define E NULL /* the family is present with an empty list */

struct row {
	const char *arch;
	const char *policy;
	const char *max[6]; /* GLIBC GLIBCXX CXXABI GCC LIBATOMIC ZLIB */
};

static const char *const families[6] = {"GLIBC", "GLIBCXX", "CXXABI", "GCC", "LIBATOMIC", "ZLIB"};

static const struct row rows[] = {
	/* x86_64 */
	{"x86_64", "manylinux_2_5", {"2.5", "3.4.8", "1.3.1", "4.2.0", E, E}},
	{"x86_64", "manylinux_2_12", {"2.12", "3.4.13", "1.3.3", "4.3.0", E, "1.2.2.4"}},
	{"x86_64", "manylinux_2_17", {"2.17", "3.4.19", "1.3.7", "4.8.0", E, "1.2.5.2"}},
	{"x86_64", "manylinux_2_24", {"2.24", "3.4.22", "1.3.10", "4.8.0", "1.2", "1.2.5.2"}},
	{"x86_64", "manylinux_2_26", {"2.26", "3.4.22", "1.3.10", "4.8.0", "1.2", "1.2.5.2"}},
	{"x86_64", "manylinux_2_27", {"2.27", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"x86_64", "manylinux_2_28", {"2.28", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"x86_64", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"x86_64", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"x86_64", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.9"}},
	{"x86_64", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.9"}},
	{"x86_64", "manylinux_2_37", {"2.36", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.12"}},
	{"x86_64", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.12"}},
	{"x86_64", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"x86_64", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"x86_64", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* i686 */
	{"i686", "manylinux_2_5", {"2.5", "3.4.8", "1.3.1", "4.2.0", E, E}},
	{"i686", "manylinux_2_12", {"2.12", "3.4.13", "1.3.3", "4.5.0", E, "1.2.2.4"}},
	{"i686", "manylinux_2_17", {"2.17", "3.4.19", "1.3.7", "4.8.0", "1.0", "1.2.5.2"}},
	{"i686", "manylinux_2_24", {"2.24", "3.4.22", "1.3.10", "4.8.0", "1.2", "1.2.5.2"}},
	{"i686", "manylinux_2_26", {"2.26", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"i686", "manylinux_2_27", {"2.27", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"i686", "manylinux_2_28", {"2.28", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"i686", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"i686", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"i686", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.9"}},
	{"i686", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.12"}},
	{"i686", "manylinux_2_37", {"2.37", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.12"}},
	{"i686", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "12.0.0", "1.2", "1.2.12"}},
	{"i686", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"i686", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"i686", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* aarch64 */
	{"aarch64", "manylinux_2_17", {"2.18", "3.4.19", "1.3.7", "4.7.0", "1.0", "1.2.5.2"}},
	{"aarch64", "manylinux_2_24", {"2.24", "3.4.22", "1.3.10", "4.7.0", "1.2", "1.2.5.2"}},
	{"aarch64", "manylinux_2_26", {"2.26", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.5.2"}},
	{"aarch64", "manylinux_2_27", {"2.27", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"aarch64", "manylinux_2_28", {"2.28", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"aarch64", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"aarch64", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "11.0", "1.2", "1.2.9"}},
	{"aarch64", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "11.0", "1.2", "1.2.9"}},
	{"aarch64", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "11.0", "1.2", "1.2.9"}},
	{"aarch64", "manylinux_2_37", {"2.36", "3.4.30", "1.3.13", "11.0", "1.2", "1.2.12"}},
	{"aarch64", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "11.0", "1.2", "1.2.12"}},
	{"aarch64", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"aarch64", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"aarch64", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* armv7l */
	{"armv7l", "manylinux_2_17", {"2.17", "3.4.19", "1.3.7", "4.7.0", "1.0", "1.2.5.2"}},
	{"armv7l", "manylinux_2_24", {"2.24", "3.4.22", "1.3.10", "4.7.0", "1.2", "1.2.5.2"}},
	{"armv7l", "manylinux_2_26", {"2.26", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_27", {"2.27", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_28", {"2.28", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"armv7l", "manylinux_2_37", {"2.37", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"armv7l", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"armv7l", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"armv7l", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"armv7l", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* ppc64le */
	{"ppc64le", "manylinux_2_17", {"2.17", "3.4.19", "1.3.7", "4.7.0", "1.0", "1.2.5.2"}},
	{"ppc64le", "manylinux_2_24", {"2.24", "3.4.22", "1.3.10", "4.7.0", "1.2", "1.2.5.2"}},
	{"ppc64le", "manylinux_2_26", {"2.26", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_27", {"2.27", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_28", {"2.28", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"ppc64le", "manylinux_2_37", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"ppc64le", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"ppc64le", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"ppc64le", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"ppc64le", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* ppc64 (big-endian) */
	{"ppc64", "manylinux_2_17", {"2.17", "3.4.19", "1.3.7", "4.8.0", "1.0", "1.2.5.2"}},
	/* s390x */
	{"s390x", "manylinux_2_17", {"2.17", "3.4.19", "1.3.7", "4.7.0", E, "1.2.5.2"}},
	{"s390x", "manylinux_2_24", {"2.24", "3.4.22", "1.3.10", "4.7.0", "1.2", "1.2.5.2"}},
	{"s390x", "manylinux_2_26", {"2.26", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_27", {"2.27", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_28", {"2.28", "3.4.24", "1.3.11", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"s390x", "manylinux_2_37", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"s390x", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"s390x", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"s390x", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"s390x", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* riscv64 */
	{"riscv64", "manylinux_2_31", {"2.31", "3.4.28", "1.3.12", "7.0.0", "1.2", "1.2.9"}},
	{"riscv64", "manylinux_2_34", {"2.34", "3.4.29", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"riscv64", "manylinux_2_35", {"2.35", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"riscv64", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"riscv64", "manylinux_2_37", {"2.37", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"riscv64", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"riscv64", "manylinux_2_39", {"2.39", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"riscv64", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"riscv64", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	/* loongarch64 */
	{"loongarch64", "manylinux_2_36", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.9"}},
	{"loongarch64", "manylinux_2_37", {"2.36", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"loongarch64", "manylinux_2_38", {"2.38", "3.4.30", "1.3.13", "7.0.0", "1.2", "1.2.12"}},
	{"loongarch64", "manylinux_2_39", {"2.39", "3.4.32", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"loongarch64", "manylinux_2_40", {"2.40", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
	{"loongarch64", "manylinux_2_41", {"2.41", "3.4.33", "1.3.15", "14.0.0", "1.2", "1.2.12"}},
};

/* Node sets from the facts ("Full node sets"); GLIBC and GCC differ per arch. */
struct nodeset {
	const char *arch;
	const char *glibc; /* space-separated, ascending */
	const char *gcc;
};

#define X86_64_G                                                                                   \
	"2.2.5 2.2.6 2.3 2.3.2 2.3.3 2.3.4 2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 "                \
	"2.13 2.14 2.15 2.16 2.17 2.18 2.22 2.23 2.24 2.25 2.26 2.27 2.28 2.29 2.30 2.31 "         \
	"2.32 2.33 2.34 2.35 2.36 2.38 2.39 2.40 2.41"
#define G_4_18 "2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 2.17 2.18"
#define G_22_36 "2.22 2.23 2.24 2.25 2.26 2.27 2.28 2.29 2.30 2.31 2.32 2.33 2.34 2.35 2.36"
#define G_38_41 "2.38 2.39 2.40 2.41"

static const struct nodeset nodesets[] = {
	{"x86_64", X86_64_G,
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.7.0 4.8.0 7.0.0 12.0.0 13.0.0 14.0.0"},
	{"i686",
	 "2.0 2.1 2.1.1 2.1.2 2.1.3 2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.6 2.3 2.3.2 2.3.3 2.3.4 " G_4_18
	 " " G_22_36 " 2.37 " G_38_41,
	 "3.0 3.3 3.3.1 3.4 3.4.2 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 4.8.0 7.0.0 12.0.0 13.0.0 "
	 "14.0.0"},
	{"aarch64", "2.0 2.17 2.18 " G_22_36 " " G_38_41,
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.5.0 4.7.0 7.0.0 11.0 13.0.0 14.0 "
	 "14.0.0"},
	{"armv7l", "2.0 " G_4_18 " " G_22_36 " 2.37 " G_38_41,
	 "3.0 3.3 3.3.1 3.3.4 3.4 3.4.2 3.5 4.0.0 4.2.0 4.3.0 4.7.0 7.0.0 14.0.0"},
	{"ppc64le", "2.0 2.17 2.18 " G_22_36 " " G_38_41,
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.7.0 7.0.0 14.0.0"},
	{"ppc64",
	 "2.0 2.1 2.1.1 2.1.2 2.1.3 2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.5 2.2.6 2.3 2.3.2 2.3.3 2.3.4 "
	 "2.4 2.5 2.6 2.7 2.8 2.9 2.10 2.11 2.12 2.13 2.14 2.15 2.16 2.17",
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 4.8.0"},
	{"s390x",
	 "2.2 2.2.1 2.2.2 2.2.3 2.2.4 2.2.6 2.3 2.3.2 2.3.3 2.3.4 " G_4_18 " 2.19 " G_22_36
	 " " G_38_41,
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.1.0 4.2.0 4.3.0 4.7.0 7.0.0 14.0.0"},
	{"riscv64", "2.0 2.27 2.28 2.29 2.30 2.31 2.32 2.33 2.34 2.35 2.36 2.37 " G_38_41,
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 7.0.0 14.0.0"},
	{"loongarch64", "2.0 2.36 " G_38_41,
	 "3.0 3.3 3.3.1 3.4 3.4.2 3.4.4 4.0.0 4.2.0 4.3.0 4.4.0 4.5.0 4.7.0 7.0.0 14.0.0"},
};

#define GLIBCXX_ALL                                                                                \
	"3.4 3.4.1 3.4.2 3.4.3 3.4.4 3.4.5 3.4.6 3.4.7 3.4.8 3.4.9 3.4.10 3.4.11 "                 \
	"3.4.12 3.4.13 3.4.14 3.4.15 3.4.16 3.4.17 3.4.18 3.4.19 3.4.20 3.4.21 3.4.22 3.4.23 "     \
	"3.4.24 3.4.25 3.4.26 3.4.27 3.4.28 3.4.29 3.4.30 3.4.31 3.4.32 3.4.33"
#define CXXABI_ALL                                                                                 \
	"1.3 1.3.1 1.3.2 1.3.3 1.3.4 1.3.5 1.3.6 1.3.7 1.3.8 1.3.9 1.3.10 1.3.11 "                 \
	"1.3.12 1.3.13 1.3.14 1.3.15"
#define LIBATOMIC_ALL "1.0 1.1 1.2"
#define ZLIB_ALL                                                                                   \
	"1.2.0 1.2.0.2 1.2.0.8 1.2.2 1.2.2.3 1.2.2.4 1.2.3.3 1.2.3.4 1.2.3.5 "                     \
	"1.2.5.1 1.2.5.2 1.2.7.1 1.2.9 1.2.12"

static const char *nodes_of(const char *arch, int fam)
{
	for (size_t i = 0; i < sizeof(nodesets) / sizeof(nodesets[0]); i++) {
		if (strcmp(nodesets[i].arch, arch) != 0)
			continue;
		switch (fam) {
		case 0: return nodesets[i].glibc;
		case 3: return nodesets[i].gcc;
		}
	}
	switch (fam) {
	case 1: return GLIBCXX_ALL;
	case 2: return CXXABI_ALL;
	case 4: return LIBATOMIC_ALL;
	case 5: return ZLIB_ALL;
	}
	return NULL;
}

/* The word after `word` in the space-separated list, into out; false at the end. */
static bool next_node(const char *list, const char *word, char *out, size_t size)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		bool starts = p == list || p[-1] == ' ';
		if (starts && (p[n] == ' ' || p[n] == '\0')) {
			const char *q = p + n;
			size_t len;
			if (!*q)
				return false;
			q++;
			len = strcspn(q, " ");
			snprintf(out, size, "%.*s", (int)len, q);
			return true;
		}
		p += n;
	}
	fail_msg("'%s' is not in the node list", word);
	return false;
}

static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static const char *last_word(const char *list)
{
	const char *s = strrchr(list, ' ');
	return s ? s + 1 : list;
}

static enum wa_node_verdict check(const struct wa_policy *p, const char *arch, const char *fam,
				  const char *version)
{
	char node[64];
	const char *lib = strcmp(fam, "GLIBC") == 0 ? "libc.so.6" : "libstdc++.so.6";

	snprintf(node, sizeof(node), "%s_%s", fam, version);
	return wa_policy_check_node(p, arch, lib, node);
}

static void facts_table_matches_policies(void **state)
{
	const struct wa_policy_set *set = *state;
	size_t checked = 0;

	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		const struct row *row = &rows[r];
		const struct wa_policy *p = wa_policy_find(set, row->policy, NULL, 0);

		assert_non_null(p);
		assert_true(wa_policy_has_arch(p, row->arch));
		for (int f = 0; f < 6; f++) {
			const char *list = nodes_of(row->arch, f);
			const char *fam = families[f];
			char next[32], bump[40];
			enum wa_node_verdict v;

			if (!row->max[f]) {
				/* ∅: even the oldest node of the family fails. */
				char first[32];
				snprintf(first, sizeof(first), "%.*s", (int)strcspn(list, " "),
					 list);
				v = check(p, row->arch, fam, first);
				if (v != WA_NODE_EMPTY)
					fail_msg("%s %s %s_%s: %s, expected empty", row->policy,
						 row->arch, fam, first, wa_node_verdict_name(v));
				checked++;
				continue;
			}
			v = check(p, row->arch, fam, row->max[f]);
			if (v != WA_NODE_OK)
				fail_msg("%s %s %s_%s: %s, expected ok", row->policy, row->arch,
					 fam, row->max[f], wa_node_verdict_name(v));
			/* The next existing node is too new ... */
			if (next_node(list, row->max[f], next, sizeof(next))) {
				v = check(p, row->arch, fam, next);
				if (v != WA_NODE_TOO_NEW)
					fail_msg("%s %s %s_%s: %s, expected too-new", row->policy,
						 row->arch, fam, next, wa_node_verdict_name(v));
			}
			/* ... and the number just above the maximum is too new when it
			 * exists or lies beyond the newest node, else not on the arch. */
			snprintf(bump, sizeof(bump), "%.*s%d",
				 (int)(strrchr(row->max[f], '.') - row->max[f] + 1), row->max[f],
				 atoi(strrchr(row->max[f], '.') + 1) + 1);
			{
				enum wa_node_verdict want = WA_NODE_NOT_ON_ARCH;
				if (in_list(list, bump) ||
				    wa_version_compare(bump, last_word(list)) > 0)
					want = WA_NODE_TOO_NEW;
				v = check(p, row->arch, fam, bump);
				if (v != want)
					fail_msg("%s %s %s_%s: %s, expected %s", row->policy,
						 row->arch, fam, bump, wa_node_verdict_name(v),
						 wa_node_verdict_name(want));
			}
			checked++;
		}
	}
	assert_int_equal(checked, sizeof(rows) / sizeof(rows[0]) * 6);
}

/* Every (policy, arch) pair of the JSON has a row here, and no more. */
static void facts_table_covers_every_arch(void **state)
{
	const struct wa_policy_set *set = *state;
	size_t pairs = 0;

	for (size_t i = 0; i < wa_policy_count(set); i++) {
		const struct wa_policy *p = wa_policy_at(set, i);
		if (wa_policy_family(p) != WA_FAMILY_MANYLINUX)
			continue;
		for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
			bool found = false;
			for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]) && !found; r++)
				found = strcmp(rows[r].policy, wa_policy_name(p)) == 0 &&
					strcmp(rows[r].arch, wa_policy_arch(p, a)) == 0;
			if (!found)
				fail_msg("%s %s has no row", wa_policy_name(p),
					 wa_policy_arch(p, a));
			pairs++;
		}
	}
	assert_int_equal(pairs, sizeof(rows) / sizeof(rows[0]));
}

/* The GLIBC node counts "(#)" of the facts tables, for a few rows. */
static void facts_glibc_counts_match(void **state)
{
	static const struct {
		const char *arch, *policy;
		int count;
	} counts[] = {
		{"x86_64", "manylinux_2_5", 8},   {"x86_64", "manylinux_2_17", 20},
		{"x86_64", "manylinux_2_37", 36}, {"x86_64", "manylinux_2_41", 40},
		{"i686", "manylinux_2_5", 17},    {"i686", "manylinux_2_41", 50},
		{"aarch64", "manylinux_2_17", 3}, {"aarch64", "manylinux_2_41", 22},
		{"armv7l", "manylinux_2_17", 15}, {"ppc64le", "manylinux_2_17", 2},
		{"ppc64", "manylinux_2_17", 30},  {"s390x", "manylinux_2_24", 29},
		{"riscv64", "manylinux_2_31", 6}, {"loongarch64", "manylinux_2_37", 2},
	};
	const struct wa_policy_set *set = *state;

	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		const struct wa_policy *p = wa_policy_find(set, counts[i].policy, NULL, 0);
		const char *list = nodes_of(counts[i].arch, 0);
		char word[16];
		int ok = 0;

		for (const char *s = list; *s;) {
			size_t n = strcspn(s, " ");
			snprintf(word, sizeof(word), "%.*s", (int)n, s);
			/* GLIBC_2.0 counts through libgcc_s.so.1 where it lives there. */
			char node[32];
			snprintf(node, sizeof(node), "GLIBC_%s", word);
			if (wa_policy_check_node(p, counts[i].arch, "libgcc_s.so.1", node) ==
			    WA_NODE_OK)
				ok++;
			s += n;
			while (*s == ' ')
				s++;
		}
		if (ok != counts[i].count)
			fail_msg("%s %s: %d GLIBC nodes allowed, facts say %d", counts[i].policy,
				 counts[i].arch, ok, counts[i].count);
	}
}

static int setup(void **state)
{
	struct wa_policy_set *set = NULL;
	struct wa_error err = {0};

	if (wa_policy_set_load_builtin(&set, &err)) {
		fprintf(stderr, "%s\n", err.message);
		return -1;
	}
	*state = set;
	return 0;
}

static int teardown(void **state)
{
	wa_policy_set_free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facts_table_matches_policies),
		cmocka_unit_test(facts_table_covers_every_arch),
		cmocka_unit_test(facts_glibc_counts_match),
	};
	return cmocka_run_group_tests_name("policy_facts", tests, setup, teardown);
}
