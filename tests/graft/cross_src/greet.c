/* SPDX-License-Identifier: MIT */
/* libgreet.so.1 for the cross-architecture graft cases (cross_cases.py): the
 * external library the "extension module" core.c needs.  No #include: the
 * cross toolchains have no libc headers.  GREET_VALUE tells builds apart. */
#ifndef GREET_VALUE
#define GREET_VALUE 4242
#endif

int greet_value(void);
int greet_value(void)
{
	return GREET_VALUE;
}
