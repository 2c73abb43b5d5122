/* SPDX-License-Identifier: MIT */
/*
 * Wheel file names (PEP 427 / binary distribution format) and platform
 * tags (PEP 425, 600, 656, 738).  Pure string logic.
 */
#ifndef WHEELAUDIT_TAG_H
#define WHEELAUDIT_TAG_H

#include <stdbool.h>
#include <stddef.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/error.h"
#include "wheelaudit/family.h"

/* The parts of NAME-VERSION(-BUILD)?-PY-ABI-PLAT.whl, each a compressed tag set. */
struct wa_wheel_name {
	const char *distribution;
	const char *version;
	const char *build;  /* NULL when absent */
	const char *python; /* e.g. "cp311" or "py2.py3" */
	const char *abi;
	const char *platform;   /* e.g. "manylinux_2_17_x86_64.manylinux2014_x86_64" */
	const char **platforms; /* platform split at '.' */
	size_t n_platforms;
};

/*
 * Parses a wheel file name (a path is allowed: only the last component is
 * used).  Strings live in arena a.  Errors are WA_ENOTWHEEL.
 */
int wa_wheel_name_parse(struct wa_wheel_name *out, struct wa_arena *a, const char *filename,
			struct wa_error *err);

enum wa_platform_kind {
	WA_PLATFORM_ANY,    /* "any" */
	WA_PLATFORM_LINUX,  /* linux_<arch> */
	WA_PLATFORM_POLICY, /* a policy family's tag: manylinux_X_Y_<arch>, android_<api>_<abi>, ...
			     */
	WA_PLATFORM_OTHER,  /* macosx_*, win_*, ... */
};

struct wa_platform {
	enum wa_platform_kind kind;
	enum wa_family family; /* WA_PLATFORM_POLICY only */
	int major, minor;      /* the family's version: glibc/musl X.Y, or the API level */
	char arch[48];         /* as spelled in the tag: "x86_64", "armv7l", "arm64_v8a" */
};

/* Splits one platform tag; never fails (unknown forms are WA_PLATFORM_OTHER). */
void wa_platform_parse(struct wa_platform *out, const char *tag);

/* The Python tag says which interpreter: "cp311" -> "311"; NULL for py3 etc. */
const char *wa_cpython_version(const char *python_tag);

#endif
