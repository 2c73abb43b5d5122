/* SPDX-License-Identifier: MIT */
/*
 * Policy families and the C libraries behind them: one table
 * (WA_FAMILY_MAP) from which every family-dependent name, tag form and
 * rule is derived.  This header and src/family.c are the only places that
 * spell the family names; adding a family is a row here plus its table in
 * policies/ (docs/architecture.md, "Adding a policy family").
 */
#ifndef WHEELAUDIT_FAMILY_H
#define WHEELAUDIT_FAMILY_H

#include <stdbool.h>
#include <stddef.h>

/* The C library an object depends on, as far as its ELF data shows. */
enum wa_libc {
	WA_LIBC_NONE, /* no libc dependency (none, or linked statically) */
	WA_LIBC_GLIBC,
	WA_LIBC_MUSL,
	WA_LIBC_BIONIC,   /* Android */
	WA_LIBC_CONFLICT, /* evidence for more than one */
};
const char *wa_libc_name(enum wa_libc libc);

/* How a policy's platform version is spelled in its tag. */
enum wa_version_form {
	WA_VERSION_PAIR,  /* manylinux_2_17: the libc release 2.17 */
	WA_VERSION_LEVEL, /* android_24: the API level 24 */
};

/* Whether a family's policies judge symbol-version nodes ("max" in its table). */
enum wa_nodes {
	WA_NODES_REQUIRED,  /* glibc: every policy gives its maxima */
	WA_NODES_FORBIDDEN, /* musl has no symbol versioning */
	WA_NODES_OPTIONAL,
};

/*
 * XX(ID, name, libc, policy file, version form, nodes, retag, legacy names)
 *   name:        the tag prefix before "_<version>" and the "family" of a table
 *   policy file: the embedded table (policies/<file>)
 *   retag:       true: a linux_<arch> wheel is judged by the family and repair
 *                gives it the family's best tag; false: the family judges only
 *                wheels already tagged for it, and they keep their tag
 *   legacy:      older tag spellings of some policies, "alias=X.Y ..." (PEP 600)
 */
#define WA_FAMILY_MAP(XX)                                                                          \
	XX(MANYLINUX, "manylinux", WA_LIBC_GLIBC, "manylinux.json", WA_VERSION_PAIR,               \
	   WA_NODES_REQUIRED, true, "manylinux1=2.5 manylinux2010=2.12 manylinux2014=2.17")        \
	XX(MUSLLINUX, "musllinux", WA_LIBC_MUSL, "musllinux.json", WA_VERSION_PAIR,                \
	   WA_NODES_FORBIDDEN, true, "")                                                           \
	XX(ANDROID, "android", WA_LIBC_BIONIC, "android.json", WA_VERSION_LEVEL,                   \
	   WA_NODES_OPTIONAL, false, "")

enum wa_family {
#define XX(id, name, libc, file, form, nodes, retag, legacy) WA_FAMILY_##id,
	WA_FAMILY_MAP(XX)
#undef XX
		WA_FAMILY_COUNT
};

const char *wa_family_name(enum wa_family f); /* "manylinux" */
enum wa_libc wa_family_libc(enum wa_family f);
const char *wa_family_file(enum wa_family f); /* "manylinux.json" */
enum wa_version_form wa_family_version_form(enum wa_family f);
enum wa_nodes wa_family_nodes(enum wa_family f);
bool wa_family_retag(enum wa_family f);

/* The family named name (len bytes; a table's "family"); false when none is. */
bool wa_family_find(const char *name, size_t len, enum wa_family *out);

/* The family whose C library is libc; false for none/conflict. */
bool wa_family_of_libc(enum wa_libc libc, enum wa_family *out);

/*
 * Reads a policy tag or name: "manylinux_2_17_x86_64", "manylinux2014_aarch64",
 * "android_24_arm64_v8a", or without the architecture ("manylinux_2_17").
 * Sets the family, the version (minor 0 for an API level) and *arch to the
 * rest after the version ("" when none; points into tag).  False when tag
 * is not of any family.
 */
bool wa_family_parse_tag(const char *tag, enum wa_family *f, int *major, int *minor,
			 const char **arch);

/* The policy name of a version: "manylinux_2_17", "android_24".  Returns snprintf's count. */
int wa_family_policy_name(char *buf, size_t size, enum wa_family f, int major, int minor);

/* The platform version for people: "glibc 2.17", "musl 1.2", "API level 24". */
int wa_family_version_text(char *buf, size_t size, enum wa_family f, int major, int minor);

/*
 * The spelling of a canonical architecture in the family's tags: Android
 * names ABIs ("aarch64" -> "arm64_v8a", "armv7l" -> "armeabi_v7a", "i686" ->
 * "x86"); the other families use the name as it is.
 */
const char *wa_family_tag_arch(enum wa_family f, const char *arch);

#endif
