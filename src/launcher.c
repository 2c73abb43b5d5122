/* SPDX-License-Identifier: MIT */
/*
 * The script launcher (launcher.h).  Installers give "#!python" the
 * interpreter's path.  The program is looked for where the installer put
 * the packages: next to bin/ for `pip install --target`, then sys.path,
 * then the install schemes.
 */
#include "wheelaudit/launcher.h"

#include <string.h>

static const char head[] = "#!python\n"
			   "# Launcher written by wheelaudit repair: the ELF program lives in\n"
			   "# the package tree, where $ORIGIN reaches the grafted libraries.\n"
			   "import os\nimport sys\nimport sysconfig\n\n";

static const char body[] =
	"\n\n"
	"def find_program():\n"
	"    top = os.path.realpath(__file__)\n"
	"    for _ in range(DEPTH + 2):\n"
	"        top = os.path.dirname(top)\n"
	"    places = [top] + sys.path\n"
	"    for key in (\"platlib\", \"purelib\"):\n"
	"        try:\n"
	"            places.append(sysconfig.get_path(key))\n"
	"        except KeyError:\n"
	"            pass\n"
	"    for place in places:\n"
	"        candidate = os.path.join(place or \".\", REL)\n"
	"        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):\n"
	"            return candidate\n"
	"    sys.exit(\"cannot find %s beside the installed packages\" % REL)\n\n\n"
	"if __name__ == \"__main__\":\n"
	"    program = find_program()\n"
	"    os.execv(program, [sys.argv[0]] + sys.argv[1:])\n";

/* s as the body of a Python string literal in double quotes (in a). */
static const char *py_string(struct wa_arena *a, const char *s)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = s; *p; p++)
		n += *p == '"' || *p == '\\' ? 2 : 1;
	out = wa_arena_alloc(a, n + 1);
	if (!out)
		return NULL;
	o = out;
	for (const char *p = s; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

const char *wa_launcher_text(struct wa_arena *a, const char *dir, const char *name, size_t *len)
{
	const char *d = py_string(a, dir), *n = py_string(a, name);
	const char *t;
	int depth = 0; /* directories between bin/ and the launcher */

	for (const char *p = name; *p; p++)
		depth += *p == '/';
	/* From <top>/bin/<name>, <top> is DEPTH + 2 dirname()s up: the one
	 * that pip install --target uses for the packages too. */
	t = d && n ? wa_arena_printf(a, "%sREL = os.path.join(\"%s\", \"%s\")\nDEPTH = %d\n%s",
				     head, d, n, depth, body)
		   : NULL;

	*len = t ? strlen(t) : 0;
	return t;
}
