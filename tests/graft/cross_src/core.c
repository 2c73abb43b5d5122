/* SPDX-License-Identifier: MIT */
/* The stand-in for graftmod/_core.<abi>.so: a shared object that needs
 * libgreet.so.1 and exports core_value() (no Python headers, no #include). */
int greet_value(void);
int core_value(void);

int core_value(void)
{
	return greet_value();
}
