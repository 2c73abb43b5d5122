/* SPDX-License-Identifier: MIT */
/* Test library "b": a versioned symbol (libb.map) that calls into libc,
 * optionally into the third library of the chain (-DWITH_C).  No #include:
 * cross toolchains without libc headers build it too. */
int snprintf(char *buf, __SIZE_TYPE__ n, const char *fmt, ...);
__SIZE_TYPE__ strlen(const char *s);

#ifdef WITH_C
int c_func(int x);
#endif

int b_func(int x)
{
	char buf[32];

	snprintf(buf, sizeof buf, "b%d", x);
#ifdef WITH_C
	x = c_func(x);
#endif
	return (int)strlen(buf) * 1000 + x * 3;
}
