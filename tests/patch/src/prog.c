/* SPDX-License-Identifier: MIT */
/* A program linked against a test library: prints "NAME(7) = RESULT" for
 * the function named by -DFN (b_func or a_func).  No #include. */
int printf(const char *fmt, ...);

#ifndef FN
#define FN b_func
#endif
#define STR2(x) #x
#define STR(x) STR2(x)

int FN(int x);

int main(void)
{
	printf("%s(7) = %d\n", STR(FN), FN(7));
	return 0;
}
