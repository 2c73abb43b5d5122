/* SPDX-License-Identifier: MIT */
/* libnew.so.1: needs arc4random_uniform@GLIBC_2.36, too new for manylinux_2_17. */
#include <stdint.h>

extern uint32_t arc4random_uniform(uint32_t upper_bound);
int new_value(void);
int new_value(void)
{
	return 7 + (int)arc4random_uniform(1); /* arc4random_uniform(1) is 0 */
}
