/* SPDX-License-Identifier: MIT */
/* graft-tool: an ELF executable shipped in <dist>-<ver>.data/scripts/, needing libgreet
 * (or, with -DNO_GREET, nothing external). */
#include <stdio.h>

#ifdef NO_GREET
/* graft-plain: the same program without the library (never moved). */
static int greet_value(void)
{
	return 0;
}
#else
int greet_value(void);
#endif

int main(int argc, char **argv)
{
	(void)argv;
	printf("graft-tool %d %d\n", greet_value(), argc - 1);
	return 0;
}
