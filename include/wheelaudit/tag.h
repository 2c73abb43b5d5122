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

/*
 * Extension-module file names (PEP 3149 and the stable ABI): which
 * interpreters import a file, and whether its name restricts the C library.
 *   NAME.cpython-311-x86_64-linux-gnu.so, NAME.cpython-313t-...-linux-musl.so
 *   NAME.abi3.so, NAME.abi3t.so, and from CPython 3.15 NAME.abi3-<triplet>.so,
 *   NAME.abi3t-<triplet>.so
 *   NAME.pypy39-pp73-x86_64-linux-gnu.so, NAME.pypy-73.so
 */
enum wa_ext_kind {
	WA_EXT_NONE,    /* not an extension module's name */
	WA_EXT_CPYTHON, /* one CPython version */
	WA_EXT_ABI3,    /* the stable ABI */
	WA_EXT_PYPY,
};

struct wa_ext_suffix {
	enum wa_ext_kind kind;
	char cpython[8];   /* WA_EXT_CPYTHON: the version digits ("311"), else "" */
	enum wa_libc libc; /* the C library its interpreters use, when the name says so */
};

/*
 * Reads the suffix of a member's file name.  The libc is restricted only
 * where interpreters tell them apart: CPython on musl names its suffix
 * "-linux-musl" from 3.11 on, and before that "-linux-gnu" like a glibc
 * build, so a "-linux-gnu" name of 3.10 or older says nothing; the triplet
 * forms of the stable ABI (3.15 on) restrict like their triplet; "-linux-
 * android" is bionic.
 */
void wa_ext_suffix_parse(struct wa_ext_suffix *out, const char *path);

/* The Python tag says which interpreter: "cp311" -> "311"; NULL for py3 etc. */
const char *wa_cpython_version(const char *python_tag);

#endif
