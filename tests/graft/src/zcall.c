/* SPDX-License-Identifier: MIT */
/* Linked into a module with -l:libz.so.1 (whitelisted: never grafted). */
extern unsigned long compressBound(unsigned long source_len);
int z_value(void);
int z_value(void)
{
	return (int)compressBound(0); /* 13 with zlib 1.2.x */
}
