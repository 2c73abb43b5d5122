/* SPDX-License-Identifier: MIT */
/* The policy families (family.h): every lookup derives from WA_FAMILY_MAP. */
#include "wheelaudit/family.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct family_row {
	const char *name, *file, *legacy;
	enum wa_libc libc;
	enum wa_version_form form;
	enum wa_nodes nodes;
	bool retag;
};

static const struct family_row families[WA_FAMILY_COUNT] = {
#define XX(id, name, libc, file, form, nodes, retag, legacy)                                       \
	{name, file, legacy, libc, form, nodes, retag},
	WA_FAMILY_MAP(XX)
#undef XX
};

const char *wa_libc_name(enum wa_libc libc)
{
	switch (libc) {
	case WA_LIBC_NONE: return "none";
	case WA_LIBC_GLIBC: return "glibc";
	case WA_LIBC_MUSL: return "musl";
	case WA_LIBC_BIONIC: return "bionic";
	case WA_LIBC_CONFLICT: return "conflict";
	}
	return "unknown";
}

static const struct family_row *row(enum wa_family f)
{
	return &families[(unsigned)f < WA_FAMILY_COUNT ? f : 0];
}

const char *wa_family_name(enum wa_family f)
{
	return row(f)->name;
}

enum wa_libc wa_family_libc(enum wa_family f)
{
	return row(f)->libc;
}

const char *wa_family_file(enum wa_family f)
{
	return row(f)->file;
}

enum wa_version_form wa_family_version_form(enum wa_family f)
{
	return row(f)->form;
}

enum wa_nodes wa_family_nodes(enum wa_family f)
{
	return row(f)->nodes;
}

bool wa_family_retag(enum wa_family f)
{
	return row(f)->retag;
}

bool wa_family_find(const char *name, size_t len, enum wa_family *out)
{
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		if (strlen(families[f].name) == len && strncmp(families[f].name, name, len) == 0) {
			*out = (enum wa_family)f;
			return true;
		}
	return false;
}

bool wa_family_of_libc(enum wa_libc libc, enum wa_family *out)
{
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		if (families[f].libc == libc) {
			*out = (enum wa_family)f;
			return true;
		}
	return false;
}

/* Reads a decimal number of at most 4 digits; NULL when there is none. */
static const char *number(const char *s, int *out)
{
	int v = 0, n = 0;

	while (*s >= '0' && *s <= '9') {
		if (++n > 4)
			return NULL;
		v = v * 10 + (*s++ - '0');
	}
	*out = v;
	return n ? s : NULL;
}

/* The rest after "<version>" when it ends the tag or is followed by '_'. */
static bool version_then_arch(const char *s, enum wa_version_form form, int *major, int *minor,
			      const char **arch)
{
	s = number(s, major);
	if (!s)
		return false;
	*minor = 0;
	if (form == WA_VERSION_PAIR) {
		if (*s != '_' || !(s = number(s + 1, minor)))
			return false;
	}
	if (*s != '\0' && *s != '_')
		return false;
	*arch = *s ? s + 1 : s;
	return true;
}

/* "manylinux2014_..." and its kind: the legacy names of a family. */
static bool legacy_tag(const struct family_row *r, const char *tag, int *major, int *minor,
		       const char **arch)
{
	for (const char *p = r->legacy; *p;) {
		size_t len = strcspn(p, "=");
		const char *ver = p + len + 1;
		char *end;

		if (!p[len])
			break;
		if (strncmp(tag, p, len) == 0 && (tag[len] == '_' || tag[len] == '\0')) {
			*major = (int)strtol(ver, &end, 10);
			*minor = *end == '.' ? (int)strtol(end + 1, NULL, 10) : 0;
			*arch = tag[len] ? tag + len + 1 : tag + len;
			return true;
		}
		p = ver + strcspn(ver, " ");
		p += strspn(p, " ");
	}
	return false;
}

bool wa_family_parse_tag(const char *tag, enum wa_family *f, int *major, int *minor,
			 const char **arch)
{
	for (int i = 0; i < WA_FAMILY_COUNT; i++) {
		const struct family_row *r = &families[i];
		size_t n = strlen(r->name);

		*f = (enum wa_family)i;
		if (legacy_tag(r, tag, major, minor, arch))
			return true;
		if (strncmp(tag, r->name, n) == 0 && tag[n] == '_' &&
		    version_then_arch(tag + n + 1, r->form, major, minor, arch))
			return true;
	}
	return false;
}

int wa_family_policy_name(char *buf, size_t size, enum wa_family f, int major, int minor)
{
	if (row(f)->form == WA_VERSION_LEVEL)
		return snprintf(buf, size, "%s_%d", row(f)->name, major);
	return snprintf(buf, size, "%s_%d_%d", row(f)->name, major, minor);
}

int wa_family_version_text(char *buf, size_t size, enum wa_family f, int major, int minor)
{
	if (row(f)->form == WA_VERSION_LEVEL)
		return snprintf(buf, size, "API level %d", major);
	return snprintf(buf, size, "%s %d.%d", wa_libc_name(row(f)->libc), major, minor);
}

const char *wa_family_tag_arch(enum wa_family f, const char *arch)
{
	static const struct {
		const char *arch, *abi;
	} android_abis[] = {
		{"aarch64", "arm64_v8a"},
		{"armv7l", "armeabi_v7a"},
		{"i686", "x86"},
		{"x86_64", "x86_64"},
	};

	if (row(f)->libc != WA_LIBC_BIONIC)
		return arch;
	for (size_t i = 0; i < sizeof(android_abis) / sizeof(android_abis[0]); i++)
		if (strcmp(arch, android_abis[i].arch) == 0)
			return android_abis[i].abi;
	return arch;
}
