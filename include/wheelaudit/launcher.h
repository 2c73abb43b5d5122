/* SPDX-License-Identifier: MIT */
/*
 * The launcher repair leaves in <dist>-<version>.data/scripts/ in place of
 * an ELF program it moves into the package tree (where $ORIGIN reaches the
 * grafted libraries): a small Python script that finds the program beside
 * the installed packages and execs it.
 */
#ifndef WHEELAUDIT_LAUNCHER_H
#define WHEELAUDIT_LAUNCHER_H

#include <stddef.h>

#include "wheelaudit/arena.h"

/*
 * The launcher of program name, moved to "<dir>/<name>" relative to the
 * packages' directory.  name is the program's path under scripts/ and may
 * have directories ("tools/run": the launcher is installed as
 * bin/tools/run).  The text lives in arena a; NULL when out of memory.
 */
const char *wa_launcher_text(struct wa_arena *a, const char *dir, const char *name, size_t *len);

#endif
