/* SPDX-License-Identifier: MIT */
/* Architecture names from ELF headers and whether a member fits a wheel's tag. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/arch.h"

/* ELF constants spelled out, so the test does not need <elf.h>. */
enum { C32 = 1, C64 = 2, LSB = 1, MSB = 2 };

static struct wa_arch arch_of(uint16_t machine, uint8_t cls, uint8_t data, uint32_t flags)
{
	struct wa_elf_info info;
	struct wa_arch a;

	memset(&info, 0, sizeof info);
	info.machine = machine;
	info.elf_class = cls;
	info.data = data;
	info.flags = flags;
	info.type = 3;              /* ET_DYN */
	memset(&a, 0x55, sizeof a); /* everything must be overwritten */
	wa_arch_from_elf(&a, &info);
	assert_non_null(memchr(a.name, '\0', sizeof a.name));
	assert_non_null(memchr(a.description, '\0', sizeof a.description));
	assert_non_null(memchr(a.abi, '\0', sizeof a.abi));
	assert_true(a.description[0] != '\0');
	return a;
}

static void x86_64_object_is_named_x86_64(void **state)
{
	(void)state;
	assert_string_equal(arch_of(62, C64, LSB, 0).name, "x86_64");
}

static void i386_object_is_named_i686(void **state)
{
	(void)state;
	assert_string_equal(arch_of(3, C32, LSB, 0).name, "i686");
}

static void aarch64_object_is_named_aarch64(void **state)
{
	(void)state;
	assert_string_equal(arch_of(183, C64, LSB, 0).name, "aarch64");
}

static void arm_hard_float_object_is_armv7l(void **state)
{
	struct wa_arch a = arch_of(40, C32, LSB, 0x05000400);

	(void)state;
	assert_string_equal(a.name, "armv7l");
	assert_non_null(strstr(a.abi, "hard"));
}

static void arm_soft_float_object_is_armv5l(void **state)
{
	struct wa_arch a = arch_of(40, C32, LSB, 0x05000200);

	(void)state;
	assert_string_equal(a.name, "armv5l");
	assert_non_null(strstr(a.abi, "soft"));
}

static void ppc64_big_endian_v1_is_ppc64(void **state)
{
	struct wa_arch a = arch_of(21, C64, MSB, 1);

	(void)state;
	assert_string_equal(a.name, "ppc64");
	assert_string_equal(a.abi, "ELFv1");
}

static void ppc64_little_endian_v2_is_ppc64le(void **state)
{
	struct wa_arch a = arch_of(21, C64, LSB, 2);

	(void)state;
	assert_string_equal(a.name, "ppc64le");
	assert_string_equal(a.abi, "ELFv2");
}

static void s390x_object_is_named_s390x(void **state)
{
	(void)state;
	assert_string_equal(arch_of(22, C64, MSB, 0).name, "s390x");
}

static void riscv64_double_float_is_riscv64(void **state)
{
	struct wa_arch a = arch_of(243, C64, LSB, 0x5);

	(void)state;
	assert_string_equal(a.name, "riscv64");
	assert_non_null(strstr(a.abi, "double"));
}

static void loongarch64_object_is_named_loongarch64(void **state)
{
	(void)state;
	assert_string_equal(arch_of(258, C64, LSB, 0x43).name, "loongarch64");
}

static void mips64_object_is_named_mips64(void **state)
{
	(void)state;
	assert_string_equal(arch_of(8, C64, LSB, 0x80000007).name, "mips64");
}

static void unknown_machine_is_named_by_number(void **state)
{
	struct wa_arch a = arch_of(1234, C64, LSB, 0);

	(void)state;
	assert_string_equal(a.name, "EM_1234");
}

static void hard_float_arm_fits_armv7l_and_armv6l_only(void **state)
{
	struct wa_arch a = arch_of(40, C32, LSB, 0x05000400);

	(void)state;
	assert_true(wa_arch_fits_tag(&a, "armv7l"));
	assert_true(wa_arch_fits_tag(&a, "armv6l"));
	assert_false(wa_arch_fits_tag(&a, "aarch64"));
	assert_false(wa_arch_fits_tag(&a, "armv5l"));
	assert_false(wa_arch_fits_tag(&a, "x86_64"));
}

static void soft_float_arm_fits_armv5l_and_armv5tel_not_armv7l(void **state)
{
	struct wa_arch a = arch_of(40, C32, LSB, 0x05000200);

	(void)state;
	assert_true(wa_arch_fits_tag(&a, "armv5l"));
	assert_true(wa_arch_fits_tag(&a, "armv5tel"));
	assert_false(wa_arch_fits_tag(&a, "armv7l"));
	assert_false(wa_arch_fits_tag(&a, "aarch64"));
}

static void i386_fits_i686_and_i386_tags(void **state)
{
	struct wa_arch a = arch_of(3, C32, LSB, 0);

	(void)state;
	assert_true(wa_arch_fits_tag(&a, "i686"));
	assert_true(wa_arch_fits_tag(&a, "i386"));
	assert_false(wa_arch_fits_tag(&a, "x86_64"));
}

static void x86_64_does_not_fit_aarch64(void **state)
{
	struct wa_arch a = arch_of(62, C64, LSB, 0);

	(void)state;
	assert_true(wa_arch_fits_tag(&a, "x86_64"));
	assert_false(wa_arch_fits_tag(&a, "aarch64"));
	assert_false(wa_arch_fits_tag(&a, "i686"));
}

static void ppc64_big_endian_does_not_fit_ppc64le(void **state)
{
	struct wa_arch be = arch_of(21, C64, MSB, 1);
	struct wa_arch le = arch_of(21, C64, LSB, 2);

	(void)state;
	assert_false(wa_arch_fits_tag(&be, "ppc64le"));
	assert_true(wa_arch_fits_tag(&le, "ppc64le"));
	assert_false(wa_arch_fits_tag(&le, "ppc64"));
}

static void canonical_tag_of_i386_is_i686(void **state)
{
	(void)state;
	assert_string_equal(wa_arch_canonical_tag("i386"), "i686");
	assert_string_equal(wa_arch_canonical_tag("x86_64"), "x86_64");
	assert_string_equal(wa_arch_canonical_tag("armv5tel"), "armv5tel");
}

static void thirty_two_bit_arches_are_recognised(void **state)
{
	(void)state;
	assert_true(wa_arch_is_32bit("i686"));
	assert_true(wa_arch_is_32bit("armv7l"));
	assert_false(wa_arch_is_32bit("x86_64"));
	assert_false(wa_arch_is_32bit("aarch64"));
	assert_false(wa_arch_is_32bit("s390x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(x86_64_object_is_named_x86_64),
		cmocka_unit_test(i386_object_is_named_i686),
		cmocka_unit_test(aarch64_object_is_named_aarch64),
		cmocka_unit_test(arm_hard_float_object_is_armv7l),
		cmocka_unit_test(arm_soft_float_object_is_armv5l),
		cmocka_unit_test(ppc64_big_endian_v1_is_ppc64),
		cmocka_unit_test(ppc64_little_endian_v2_is_ppc64le),
		cmocka_unit_test(s390x_object_is_named_s390x),
		cmocka_unit_test(riscv64_double_float_is_riscv64),
		cmocka_unit_test(loongarch64_object_is_named_loongarch64),
		cmocka_unit_test(mips64_object_is_named_mips64),
		cmocka_unit_test(unknown_machine_is_named_by_number),
		cmocka_unit_test(hard_float_arm_fits_armv7l_and_armv6l_only),
		cmocka_unit_test(soft_float_arm_fits_armv5l_and_armv5tel_not_armv7l),
		cmocka_unit_test(i386_fits_i686_and_i386_tags),
		cmocka_unit_test(x86_64_does_not_fit_aarch64),
		cmocka_unit_test(ppc64_big_endian_does_not_fit_ppc64le),
		cmocka_unit_test(canonical_tag_of_i386_is_i686),
		cmocka_unit_test(thirty_two_bit_arches_are_recognised),
	};

	return cmocka_run_group_tests_name("arch", tests, NULL, NULL);
}
