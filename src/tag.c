/* SPDX-License-Identifier: MIT */
/*
 * Wheel file names and platform tags.  The file name has five or six
 * dash-separated parts (PEP 427); a platform tag is split into its
 * policy family, version and architecture through the family table
 * (family.h: PEP 600 manylinux_X_Y and its legacy aliases, PEP 656
 * musllinux_X_Y, PEP 738 android_<api>_<abi>).
 */
#include "wheelaudit/tag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int split_dots(struct wa_arena *a, const char *s, const char ***out, size_t *n)
{
	struct wa_ptrvec v = {0};
	const char *p = s;

	for (;;) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		char *part = wa_arena_strndup(a, p, len);

		if (!part || wa_ptrvec_push(a, &v, part))
			return -1;
		if (!dot)
			break;
		p = dot + 1;
	}
	*out = (const char **)v.items;
	*n = v.len;
	return 0;
}

int wa_wheel_name_parse(struct wa_wheel_name *out, struct wa_arena *a, const char *filename,
			struct wa_error *err)
{
	const char *base = strrchr(filename, '/');
	const char *parts[6];
	size_t n = 0, len;
	char *copy, *p;

	memset(out, 0, sizeof(*out));
	base = base ? base + 1 : filename;
	len = strlen(base);
	if (len < 5 || strcmp(base + len - 4, ".whl") != 0)
		return wa_error_set(err, WA_ENOTWHEEL, NULL,
				    "file name '%s' does not end in '.whl'", base);
	copy = wa_arena_strndup(a, base, len - 4);
	if (!copy)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	p = copy;
	for (;;) {
		char *dash = strchr(p, '-');

		if (n == 6)
			return wa_error_set(err, WA_ENOTWHEEL, NULL,
					    "file name '%s' has too many '-' separated parts",
					    base);
		parts[n++] = p;
		if (!dash)
			break;
		*dash = '\0';
		p = dash + 1;
	}
	if (n < 5)
		return wa_error_set(
			err, WA_ENOTWHEEL, NULL,
			"file name '%s' is not NAME-VERSION[-BUILD]-PY-ABI-PLATFORM.whl", base);
	for (size_t i = 0; i < n; i++)
		if (!*parts[i])
			return wa_error_set(err, WA_ENOTWHEEL, NULL,
					    "file name '%s' has an empty part", base);
	out->distribution = parts[0];
	out->version = parts[1];
	out->build = n == 6 ? parts[2] : NULL;
	/* A build tag must start with a digit (PEP 427). */
	if (out->build && (out->build[0] < '0' || out->build[0] > '9'))
		return wa_error_set(err, WA_ENOTWHEEL, NULL,
				    "file name '%s': build tag '%s' does not start with a digit",
				    base, out->build);
	out->python = parts[n - 3];
	out->abi = parts[n - 2];
	out->platform = parts[n - 1];
	if (split_dots(a, out->platform, &out->platforms, &out->n_platforms))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return 0;
}

static void set_arch(struct wa_platform *out, const char *arch)
{
	snprintf(out->arch, sizeof(out->arch), "%s", arch);
}

void wa_platform_parse(struct wa_platform *out, const char *tag)
{
	const char *arch;

	memset(out, 0, sizeof(*out));
	out->kind = WA_PLATFORM_OTHER;
	if (strcmp(tag, "any") == 0) {
		out->kind = WA_PLATFORM_ANY;
	} else if (strncmp(tag, "linux_", 6) == 0) {
		out->kind = WA_PLATFORM_LINUX;
		set_arch(out, tag + 6);
	} else if (wa_family_parse_tag(tag, &out->family, &out->major, &out->minor, &arch) &&
		   *arch) {
		out->kind = WA_PLATFORM_POLICY;
		set_arch(out, arch);
	}
}

const char *wa_cpython_version(const char *python_tag)
{
	if (strncmp(python_tag, "cp", 2) == 0 && python_tag[2] >= '0' && python_tag[2] <= '9')
		return python_tag + 2;
	return NULL;
}

/* The libc a platform triplet names ("x86_64-linux-gnu", "arm-linux-gnueabihf"). */
static enum wa_libc triplet_libc(const char *t, size_t len)
{
	static const struct {
		const char *marker;
		enum wa_libc libc;
	} markers[] = {
		{"-linux-gnu", WA_LIBC_GLIBC},
		{"-linux-musl", WA_LIBC_MUSL},
		{"-linux-android", WA_LIBC_BIONIC},
	};

	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++) {
		size_t m = strlen(markers[i].marker);

		for (size_t k = 0; k + m <= len; k++)
			if (strncmp(t + k, markers[i].marker, m) == 0)
				return markers[i].libc;
	}
	return WA_LIBC_NONE;
}

void wa_ext_suffix_parse(struct wa_ext_suffix *out, const char *path)
{
	const char *base = strrchr(path, '/'), *tag, *end;
	size_t len;

	memset(out, 0, sizeof(*out));
	base = base ? base + 1 : path;
	len = strlen(base);
	if (len < 4 || strcmp(base + len - 3, ".so") != 0)
		return;
	end = base + len - 3; /* the suffix ends before ".so" */
	if ((tag = strstr(base, ".cpython-")) != NULL && tag < end) {
		const char *v = tag + 9, *d = v;
		size_t digits;

		while (d < end && *d >= '0' && *d <= '9')
			d++;
		digits = (size_t)(d - v);
		if (!digits || digits >= sizeof(out->cpython))
			return;
		out->kind = WA_EXT_CPYTHON;
		memcpy(out->cpython, v, digits);
		out->libc = triplet_libc(d, (size_t)(end - d));
		/* before 3.11, musl builds named themselves -linux-gnu as well */
		if (out->libc == WA_LIBC_GLIBC && v[0] == '3' &&
		    (digits < 3 || strtol(v + 1, NULL, 10) <= 10))
			out->libc = WA_LIBC_NONE;
		return;
	}
	for (const char *p = base; (p = strstr(p, ".abi3")) != NULL; p++) {
		const char *q = p + 5;

		if (*q == 't')
			q++;
		if (q == end || (*q == '-' && q < end)) {
			out->kind = WA_EXT_ABI3;
			out->libc = q == end ? WA_LIBC_NONE : triplet_libc(q, (size_t)(end - q));
			return;
		}
	}
	if ((tag = strstr(base, ".pypy")) != NULL && tag < end)
		out->kind = WA_EXT_PYPY;
}
