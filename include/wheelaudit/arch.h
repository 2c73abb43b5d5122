/* SPDX-License-Identifier: MIT */
/*
 * Architectures: naming an ELF file's machine the way platform tags do,
 * describing it for people, and deciding whether a member fits a wheel.
 */
#ifndef WHEELAUDIT_ARCH_H
#define WHEELAUDIT_ARCH_H

#include <stdbool.h>

#include "wheelaudit/elf.h"

struct wa_arch {
	char name[32];         /* tag spelling: "x86_64", "armv7l", "armv5l", "mips64", ... */
	char description[128]; /* "ARM 32-bit (armv7l, hard-float)" */
	char abi[64];          /* "EABI5 hard-float", "ELFv2", "n64", "lp64d", or "" */
};

/* Describes the architecture of an inspected ELF file. */
void wa_arch_from_elf(struct wa_arch *out, const struct wa_elf_info *info);

/*
 * True when a member of architecture elf_arch can run where a wheel tagged
 * for tag_arch is installed, e.g. an ARM hard-float object in an armv6l or
 * armv7l wheel, an i386 object in an i686 wheel.
 */
bool wa_arch_fits_tag(const struct wa_arch *elf_arch, const char *tag_arch);

/* The canonical name of a tag's architecture ("i386" -> "i686", "armv5tel" kept). */
const char *wa_arch_canonical_tag(const char *tag_arch);

/* True when the name is a 32-bit architecture (musl's time64 symbols apply). */
bool wa_arch_is_32bit(const char *arch);

#endif
