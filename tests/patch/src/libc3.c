/* SPDX-License-Identifier: MIT */
/* Test library "c", the end of the chain liba -> libb -> libc3. */
int c_func(int x)
{
	return x + 5;
}
