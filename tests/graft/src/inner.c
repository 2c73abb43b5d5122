/* SPDX-License-Identifier: MIT */
/* libinner.so.1: needed by libouter.so.1 only (a dependency of a dependency). */
int inner_value(void);
int inner_value(void)
{
	return 21;
}
