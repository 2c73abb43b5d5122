/* SPDX-License-Identifier: MIT */
/* Test library "a": needs libb (a versioned reference to b_func).  With
 * -DBIG_BSS=N it has an N-byte .bss that a_func checks is zero and writable
 * (a segment added past the file part of the data segment must not land on
 * it). */
int b_func(int x);

#ifdef BIG_BSS
static unsigned char big[BIG_BSS];
#endif

int a_func(int x)
{
#ifdef BIG_BSS
	unsigned long i;

	for (i = 0; i < sizeof big; i += 512) {
		if (big[i] != 0)
			return -1;
		big[i] = 1;
	}
	for (i = 0; i < sizeof big; i += 512)
		big[i] = 0;
#endif
	return b_func(x) + 100;
}
