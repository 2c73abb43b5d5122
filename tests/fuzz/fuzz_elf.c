/* SPDX-License-Identifier: MIT */
/*
 * fuzz_elf: wa_elf_inspect on raw bytes, as the scan hands it a member
 * (any machine, class or byte order), then the architecture naming that
 * every audit applies to the result.  Beyond memory errors, it checks
 * what the rest of the audit relies on: a failure always carries an error,
 * a success holds only readable strings and in-range indices, and its
 * memory grows no faster than the input.
 */
#include <elf.h>
#include <string.h>

#include "fuzz.h"
#include "wheelaudit/arch.h"
#include "wheelaudit/elf.h"

/* Reads every byte of s, so a dangling or unterminated string trips ASan. */
static size_t touch(const char *s)
{
	FUZZ_CHECK(s != NULL);
	return strlen(s);
}

static size_t touch_list(const char *const *list, size_t n)
{
	size_t sum = 0;

	FUZZ_CHECK(n == 0 || list != NULL);
	for (size_t i = 0; i < n; i++)
		sum += touch(list[i]);
	return sum;
}

/*
 * What an info may hold for an input of size bytes.  Every table in it is
 * linear in the input (the worst, version-needs entries overlapping every
 * four bytes, costs under 30 bytes per input byte), so anything beyond
 * this bound means some reference is copied over and over: memory
 * quadratic in the file size, which a compressed wheel member makes cheap.
 */
static size_t arena_bound(size_t size)
{
	return 64 * size + (1u << 20);
}

static void check_info(const struct wa_elf_info *e, size_t size)
{
	volatile size_t sum = 0;
	struct wa_arch arch;

	FUZZ_CHECK(e->elf_class == ELFCLASS32 || e->elf_class == ELFCLASS64);
	FUZZ_CHECK(e->data == ELFDATA2LSB || e->data == ELFDATA2MSB);
	if (e->interp)
		sum += touch(e->interp);
	if (e->soname)
		sum += touch(e->soname);
	sum += touch_list(e->needed, e->n_needed);
	sum += touch_list(e->rpath, e->n_rpath);
	sum += touch_list(e->runpath, e->n_runpath);
	sum += touch_list(e->notes, e->n_notes);
	FUZZ_CHECK(e->n_needs == 0 || e->needs != NULL);
	for (size_t i = 0; i < e->n_needs; i++) {
		sum += touch(e->needs[i].library);
		sum += touch(e->needs[i].version);
	}
	/* audit.c indexes needs[] with verneed without checking it. */
	FUZZ_CHECK(e->n_undefs == 0 || e->undefs != NULL);
	FUZZ_CHECK(e->n_undefs <= e->n_dynsyms);
	for (size_t i = 0; i < e->n_undefs; i++) {
		sum += touch(e->undefs[i].name);
		FUZZ_CHECK(e->undefs[i].verneed >= -1 &&
			   e->undefs[i].verneed < (long long)e->n_needs);
	}
	FUZZ_CHECK(e->x86_isa_needed >= WA_ISA_NONE && e->x86_isa_needed <= WA_ISA_V4);
	FUZZ_CHECK(e->arena.total <= arena_bound(size));

	wa_arch_from_elf(&arch, e);
	FUZZ_CHECK(arch.name[0] != '\0');
	sum += touch(arch.description) + touch(arch.abi);
	(void)wa_arch_fits_tag(&arch, "x86_64");
	(void)wa_arch_fits_tag(&arch, arch.name);
	(void)wa_arch_is_32bit(arch.name);
	(void)wa_arch_canonical_tag(arch.name);
	(void)sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_elf_info *info = (struct wa_elf_info *)1; /* must be reset */
	struct wa_error err;
	int rc;

	wa_error_clear(&err);
	(void)wa_elf_is_elf(data, size);
	rc = wa_elf_inspect(&info, data, size, "pkg/_mod.so", &err);
	if (rc) {
		FUZZ_CHECK(rc < 0 && err.code == -rc && info == NULL);
		FUZZ_CHECK(err.message[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(info != NULL && err.code == 0);
	check_info(info, size);
	wa_elf_info_free(info);
	return 0;
}
