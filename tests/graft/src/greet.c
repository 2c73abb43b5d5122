/* SPDX-License-Identifier: MIT */
/* libgreet.so.1: the external library most graft cases graft. */
#ifndef GREET_VALUE
#define GREET_VALUE 4242
#endif

int greet_value(void);
int greet_value(void)
{
	return GREET_VALUE;
}
