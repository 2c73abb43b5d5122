/* SPDX-License-Identifier: MIT */
/* libouter.so.1: needs libinner.so.1; the module needs only this one. */
int inner_value(void);
int outer_value(void);
int outer_value(void)
{
	return inner_value() * 2;
}
