/* SPDX-License-Identifier: MIT */
/*
 * Path strings, handled as text: the last component, the directory part,
 * and "." / ".." folded away.  Nothing here touches the file system, so the
 * same rules serve host paths and member paths inside a wheel.
 */
#ifndef WHEELAUDIT_PATH_H
#define WHEELAUDIT_PATH_H

#include <stdbool.h>

#include "wheelaudit/arena.h"

/* The last component: "a/b/libx.so" -> "libx.so" (borrowed from path). */
const char *wa_path_base(const char *path);

/* The directory part, "" when there is none: "a/b/x" -> "a/b" (in arena a). */
char *wa_path_dir(struct wa_arena *a, const char *path);

/*
 * Folds "." and ".." and repeated or trailing slashes: "/a/./b/../c/" ->
 * "/a/c", "a/../../b" -> "../b".  A leading "/" is kept.  When inside is
 * true the path is taken as relative to a root it must not leave (a wheel):
 * a ".." that would climb above it makes the result NULL, as does running
 * out of memory (then *oom is set when oom is not NULL).  The result lives
 * in arena a; "" when nothing is left of a relative path.
 */
char *wa_path_normalise(struct wa_arena *a, const char *path, bool inside, bool *oom);

#endif
