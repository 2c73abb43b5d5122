/* SPDX-License-Identifier: MIT */
/*
 * ELF machine -> platform-tag architecture.  The tag names are what
 * `uname -m` prints and what pip puts in linux_<arch>; the ABI details
 * (ARM float ABI, PowerPC ELF ABI version, MIPS ABI, RISC-V float ABI)
 * come from e_flags, because two objects with one e_machine may still be
 * unable to run on the same system.
 */
#include "wheelaudit/arch.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

static void set(struct wa_arch *out, const char *name, const char *abi, const char *family)
{
	snprintf(out->name, sizeof(out->name), "%s", name);
	snprintf(out->abi, sizeof(out->abi), "%s", abi);
	if (*abi)
		snprintf(out->description, sizeof(out->description), "%s (%s, %s)", family, name,
			 abi);
	else
		snprintf(out->description, sizeof(out->description), "%s (%s)", family, name);
}

static void describe_arm(struct wa_arch *out, const struct wa_elf_info *info)
{
	unsigned eabi = (info->flags & EF_ARM_EABIMASK) >> 24;
	bool hard = (info->flags & EF_ARM_ABI_FLOAT_HARD) != 0;
	bool big = info->data == ELFDATA2MSB;
	char abi[64];

	if (big) {
		snprintf(abi, sizeof(abi), "big-endian EABI%u", eabi);
		set(out, "armeb", abi, "ARM 32-bit");
		return;
	}
	if (eabi == 0) {
		set(out, "armv4l", "old ABI (OABI)", "ARM 32-bit");
		return;
	}
	snprintf(abi, sizeof(abi), "EABI%u %s", eabi, hard ? "hard-float" : "soft-float");
	/* Hard-float EABI is the armhf port (ARMv7 baseline, also run by ARMv6
	 * Raspbian); soft-float is armel (ARMv5TE baseline). */
	set(out, hard ? "armv7l" : "armv5l", abi, "ARM 32-bit");
}

static void describe_mips(struct wa_arch *out, const struct wa_elf_info *info)
{
	bool is64 = info->elf_class == ELFCLASS64;
	bool little = info->data == ELFDATA2LSB;
	const char *abi;

	if (is64)
		abi = little ? "n64, little-endian" : "n64, big-endian";
	else if (info->flags & EF_MIPS_ABI2)
		abi = little ? "n32, little-endian" : "n32, big-endian";
	else
		abi = little ? "o32, little-endian" : "o32, big-endian";
	set(out, is64 ? "mips64" : "mips", abi, is64 ? "MIPS 64-bit" : "MIPS 32-bit");
}

void wa_arch_from_elf(struct wa_arch *out, const struct wa_elf_info *info)
{
	bool is64 = info->elf_class == ELFCLASS64;
	bool little = info->data == ELFDATA2LSB;

	memset(out, 0, sizeof(*out));
	switch (info->machine) {
	case EM_X86_64:
		if (is64)
			set(out, "x86_64", "", "x86-64");
		else
			set(out, "x32", "x32 ABI", "x86-64 with 32-bit pointers");
		return;
	case EM_386: set(out, "i686", "", "x86 32-bit"); return;
	case EM_AARCH64: set(out, little ? "aarch64" : "aarch64_be", "", "ARM 64-bit"); return;
	case EM_ARM: describe_arm(out, info); return;
	case EM_PPC64: {
		unsigned v = info->flags & 3;
		char abi[32];

		snprintf(abi, sizeof(abi), "ELFv%u", v ? v : (little ? 2 : 1));
		set(out, little ? "ppc64le" : "ppc64", abi,
		    little ? "PowerPC 64-bit little-endian" : "PowerPC 64-bit big-endian");
		return;
	}
	case EM_PPC: set(out, little ? "ppcle" : "ppc", "", "PowerPC 32-bit"); return;
	case EM_S390:
		set(out, is64 ? "s390x" : "s390", "", is64 ? "IBM Z 64-bit" : "IBM S/390 31-bit");
		return;
	case EM_RISCV: {
		static const char *const fabi[] = {"soft-float", "single-float", "double-float",
						   "quad-float"};
		const char *f = fabi[(info->flags & EF_RISCV_FLOAT_ABI) >> 1];

		set(out, is64 ? "riscv64" : "riscv32", f, is64 ? "RISC-V 64-bit" : "RISC-V 32-bit");
		return;
	}
	case EM_LOONGARCH: set(out, is64 ? "loongarch64" : "loongarch32", "", "LoongArch"); return;
	case EM_MIPS: describe_mips(out, info); return;
	case EM_SPARCV9: set(out, "sparc64", "", "SPARC 64-bit"); return;
	case EM_SPARC: set(out, "sparc", "", "SPARC 32-bit"); return;
	case EM_IA_64: set(out, "ia64", "", "Itanium"); return;
	case EM_ALPHA: set(out, "alpha", "", "Alpha"); return;
	case EM_PARISC: set(out, "parisc", "", "PA-RISC"); return;
	case EM_SH: set(out, "sh4", "", "SuperH"); return;
	case EM_68K: set(out, "m68k", "", "Motorola 68000"); return;
	default: {
		char name[32];

		snprintf(name, sizeof(name), "EM_%u", (unsigned)info->machine);
		set(out, name, "", "unknown machine");
		return;
	}
	}
}

/* Tag spellings that name the same target as a canonical one. */
static const struct {
	const char *alias, *canonical;
} tag_aliases[] = {
	{"i386", "i686"},
	{"i486", "i686"},
	{"i586", "i686"},
	{"amd64", "x86_64"},
	{"arm64", "aarch64"},
	{"armv8l", "armv7l"},
	{"ppc64el", "ppc64le"},
	/* Android names ABIs, not machines (PEP 738) */
	{"arm64_v8a", "aarch64"},
	{"armeabi_v7a", "armv7l"},
	{"x86", "i686"},
};

const char *wa_arch_canonical_tag(const char *tag_arch)
{
	for (size_t i = 0; i < sizeof(tag_aliases) / sizeof(tag_aliases[0]); i++)
		if (strcmp(tag_arch, tag_aliases[i].alias) == 0)
			return tag_aliases[i].canonical;
	return tag_arch;
}

bool wa_arch_fits_tag(const struct wa_arch *elf_arch, const char *tag_arch)
{
	const char *tag = wa_arch_canonical_tag(tag_arch);

	if (strcmp(elf_arch->name, tag) == 0)
		return true;
	/* ARMv6 hard-float systems (Raspberry Pi OS) run armhf objects. */
	if (strcmp(elf_arch->name, "armv7l") == 0)
		return strcmp(tag, "armv6l") == 0;
	/* armel objects name their target in several ways. */
	if (strcmp(elf_arch->name, "armv5l") == 0)
		return strcmp(tag, "armv5tel") == 0 || strcmp(tag, "armv5tejl") == 0 ||
		       strcmp(tag, "armv4tl") == 0;
	/* Debian's mips64el is tagged mips64 by pip, as uname -m reports it. */
	if (strcmp(elf_arch->name, "mips64") == 0)
		return strcmp(tag, "mips64el") == 0;
	return false;
}

bool wa_arch_is_32bit(const char *arch)
{
	static const char *const bits32[] = {"i686", "armv7l", "armv6l", "armv5l",  "armv5tel",
					     "ppc",  "mips",   "s390",   "riscv32", "x32"};

	for (size_t i = 0; i < sizeof(bits32) / sizeof(bits32[0]); i++)
		if (strcmp(arch, bits32[i]) == 0)
			return true;
	return false;
}
