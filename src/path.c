/* SPDX-License-Identifier: MIT */
/* Path strings as text (path.h). */
#include "wheelaudit/path.h"

#include <string.h>

const char *wa_path_base(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

char *wa_path_dir(struct wa_arena *a, const char *path)
{
	const char *slash = strrchr(path, '/');

	return wa_arena_strndup(a, path, slash ? (size_t)(slash - path) : 0);
}

char *wa_path_normalise(struct wa_arena *a, const char *path, bool inside, bool *oom)
{
	size_t len = strlen(path), n = 0, floor = 0;
	bool absolute = path[0] == '/';
	char *out = wa_arena_alloc(a, len + 2);
	const char *p = path;

	if (oom)
		*oom = false;
	if (!out) {
		if (oom)
			*oom = true;
		return NULL;
	}
	if (absolute && !inside)
		out[n++] = '/';
	floor = n; /* nothing before this is ever removed */
	while (*p) {
		size_t part;

		p += strspn(p, "/");
		part = strcspn(p, "/");
		if (part == 0)
			break;
		if (part == 1 && p[0] == '.') {
			/* the same directory */
		} else if (part == 2 && p[0] == '.' && p[1] == '.') {
			if (n > floor) {
				/* drop the last component (and the slash before it) */
				while (n > floor && out[n - 1] != '/')
					n--;
				if (n > floor)
					n--;
			} else if (inside) {
				return NULL; /* climbs out of the root */
			} else if (!absolute) {
				/* a relative path may start with ".." */
				if (n > 0)
					out[n++] = '/';
				memcpy(out + n, "..", 2);
				n += 2;
				floor = n;
			}
			/* "/.." is "/" */
		} else {
			if (n > 0 && out[n - 1] != '/')
				out[n++] = '/';
			memcpy(out + n, p, part);
			n += part;
		}
		p += part;
	}
	out[n] = '\0';
	return out;
}
