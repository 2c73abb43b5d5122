/* SPDX-License-Identifier: MIT */
/* Test tool around wa_elf_patch (being written). */
int main(void)
{
	return 1;
}
