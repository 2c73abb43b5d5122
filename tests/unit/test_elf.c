/* SPDX-License-Identifier: MIT */
/*
 * ELF inspection on generated fixtures: files synthesized by mkelf for
 * every machine, class and byte order the tool names, modules compiled at
 * build time, truncated and corrupted images, and our own binaries.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wheelaudit/elf.h"

#define FIX(name) WA_FIXTURE_DIR "/elf/" name

enum { C32 = 1, C64 = 2, LSB = 1, MSB = 2, ET_DYN_ = 3, ET_EXEC_ = 2 };

struct loaded {
	unsigned char *bytes;
	size_t size;
};

/* Reads a whole file, or returns false when it was not generated here. */
static bool load(const char *path, struct loaded *out)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0;

	out->bytes = NULL;
	out->size = 0;
	if (!f)
		return false;
	for (;;) {
		if (out->size == cap) {
			cap = cap ? cap * 2 : 65536;
			out->bytes = realloc(out->bytes, cap);
			assert_non_null(out->bytes);
		}
		size_t n = fread(out->bytes + out->size, 1, cap - out->size, f);
		if (!n)
			break;
		out->size += n;
	}
	fclose(f);
	return true;
}

/* Inspects a fixture that must exist and be valid. */
static struct wa_elf_info *inspect_ok(const char *path)
{
	struct loaded l;
	struct wa_elf_info *info = NULL;
	struct wa_error err;

	if (!load(path, &l))
		fail_msg("fixture %s is missing (build target wa_fixtures)", path);
	wa_error_clear(&err);
	int rc = wa_elf_inspect(&info, l.bytes, l.size, "member.so", &err);
	free(l.bytes);
	if (rc)
		fail_msg("%s: inspect failed: %d %s: %s", path, rc, err.member, err.message);
	assert_non_null(info);
	return info;
}

/* Inspects a fixture that may be absent (optional toolchains); NULL then. */
static struct wa_elf_info *inspect_optional(const char *path)
{
	if (access(path, R_OK) != 0)
		return NULL;
	return inspect_ok(path);
}

static bool has_needed(const struct wa_elf_info *i, const char *lib)
{
	for (size_t k = 0; k < i->n_needed; k++)
		if (!strcmp(i->needed[k], lib))
			return true;
	return false;
}

static const struct wa_elf_verneed *find_need(const struct wa_elf_info *i, const char *version)
{
	for (size_t k = 0; k < i->n_needs; k++)
		if (!strcmp(i->needs[k].version, version))
			return &i->needs[k];
	return NULL;
}

static const struct wa_elf_undef *find_undef(const struct wa_elf_info *i, const char *name)
{
	for (size_t k = 0; k < i->n_undefs; k++)
		if (!strcmp(i->undefs[k].name, name))
			return &i->undefs[k];
	return NULL;
}

/* The symbol is bound to version of library. */
static void assert_symbol_version(const struct wa_elf_info *i, const char *sym, const char *library,
				  const char *version)
{
	const struct wa_elf_undef *u = find_undef(i, sym);

	if (!u)
		fail_msg("undefined symbol %s not found", sym);
	if (u->verneed < 0 || (size_t)u->verneed >= i->n_needs)
		fail_msg("symbol %s has no version (verneed %d)", sym, u->verneed);
	assert_string_equal(i->needs[u->verneed].version, version);
	assert_string_equal(i->needs[u->verneed].library, library);
}

static void assert_header(const struct wa_elf_info *i, uint16_t machine, uint8_t cls, uint8_t data,
			  uint32_t flags)
{
	assert_int_equal(i->machine, machine);
	assert_int_equal(i->elf_class, cls);
	assert_int_equal(i->data, data);
	assert_int_equal(i->flags, flags);
}

/* ---- synthesized foreign architectures ---- */

static void elf_reads_armhf_executable_with_interp_and_glibc_2_4(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("armhf.exe"));

	(void)state;
	assert_header(i, 40, C32, LSB, 0x05000400);
	assert_int_equal(i->type, ET_EXEC_);
	assert_true(i->has_dynamic);
	assert_non_null(i->interp);
	assert_string_equal(i->interp, "/lib/ld-linux-armhf.so.3");
	assert_true(has_needed(i, "libc.so.6"));
	assert_symbol_version(i, "puts", "libc.so.6", "GLIBC_2.4");
	assert_true(i->has_section_headers);
	wa_elf_info_free(i);
}

static void elf_reads_armel_soft_float_flags(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("armel.so"));

	(void)state;
	assert_header(i, 40, C32, LSB, 0x05000200);
	assert_int_equal(i->type, ET_DYN_);
	assert_null(i->interp);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.4");
	wa_elf_info_free(i);
}

static void elf_reads_aarch64_soname_runpath_and_versions(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("aarch64_217.so"));

	(void)state;
	assert_header(i, 183, C64, LSB, 0);
	assert_non_null(i->soname);
	assert_string_equal(i->soname, "libwa_aarch64.so.1");
	assert_int_equal(i->n_runpath, 1);
	assert_string_equal(i->runpath[0], "$ORIGIN/../wa.libs");
	assert_int_equal(i->n_rpath, 0);
	assert_int_equal(i->n_needed, 1);
	assert_string_equal(i->needed[0], "libc.so.6");
	assert_int_equal(i->n_needs, 1);
	assert_string_equal(i->needs[0].library, "libc.so.6");
	assert_string_equal(i->needs[0].version, "GLIBC_2.17");
	assert_false(i->needs[0].weak);
	assert_int_equal(i->needs[0].index, 2);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.17");
	assert_symbol_version(i, "strlen", "libc.so.6", "GLIBC_2.17");
	assert_int_equal(i->n_dynsyms, 3);
	wa_elf_info_free(i);
}

static void elf_reads_aarch64_module_needing_glibc_2_4(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("aarch64_24.so"));

	(void)state;
	assert_header(i, 183, C64, LSB, 0);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.4");
	wa_elf_info_free(i);
}

static void elf_reads_big_endian_ppc64_elfv1(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("ppc64_v1.so"));

	(void)state;
	assert_header(i, 21, C64, MSB, 1);
	assert_true(has_needed(i, "libc.so.6"));
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.3");
	wa_elf_info_free(i);
}

static void elf_reads_little_endian_ppc64le_elfv2(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("ppc64le_v2.so"));

	(void)state;
	assert_header(i, 21, C64, LSB, 2);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.17");
	wa_elf_info_free(i);
}

static void elf_reads_big_endian_s390x_with_64_bit_hash_entries(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("s390x.so"));

	(void)state;
	assert_header(i, 22, C64, MSB, 0);
	/* s390x's DT_HASH has 8-byte entries: nchain is the second one */
	assert_int_equal(i->n_dynsyms, 3);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.2");
	const struct wa_elf_undef *u = find_undef(i, "PyLong_FromLong");
	assert_non_null(u);
	assert_int_equal(u->verneed, -1);
	wa_elf_info_free(i);
}

static void elf_reads_i386_with_two_glibc_versions(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("i386.so"));

	(void)state;
	assert_header(i, 3, C32, LSB, 0);
	assert_int_equal(i->n_needs, 2);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.0");
	assert_symbol_version(i, "__cxa_finalize", "libc.so.6", "GLIBC_2.1.3");
	wa_elf_info_free(i);
}

static void elf_reads_mips64(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("mips64.so"));

	(void)state;
	assert_header(i, 8, C64, LSB, 0x80000007);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.0");
	wa_elf_info_free(i);
}

static void elf_reads_riscv64_double_float(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("riscv64.so"));

	(void)state;
	assert_header(i, 243, C64, LSB, 0x5);
	assert_symbol_version(i, "memcpy", "libc.so.6", "GLIBC_2.27");
	wa_elf_info_free(i);
}

/* ---- synthesized x86_64 special cases ---- */

static void elf_without_section_headers_still_finds_glibc_2_36(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("x86_64_nosh_236.so"));

	(void)state;
	assert_header(i, 62, C64, LSB, 0);
	assert_false(i->has_section_headers);
	assert_true(i->has_dynamic);
	const struct wa_elf_verneed *n = find_need(i, "GLIBC_2.36");
	assert_non_null(n);
	assert_string_equal(n->library, "libc.so.6");
	assert_symbol_version(i, "arc4random", "libc.so.6", "GLIBC_2.36");
	assert_symbol_version(i, "free", "libc.so.6", "GLIBC_2.2.5");
	assert_int_equal(i->n_dynsyms, 3);
	wa_elf_info_free(i);
}

static void elf_reports_weak_version_requirement(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("x86_64_weak.so"));

	(void)state;
	const struct wa_elf_verneed *weak = find_need(i, "GLIBC_2.34");
	const struct wa_elf_verneed *strong = find_need(i, "GLIBC_2.17");
	assert_non_null(weak);
	assert_non_null(strong);
	assert_true(weak->weak);
	assert_false(strong->weak);
	const struct wa_elf_undef *u = find_undef(i, "closefrom");
	assert_non_null(u);
	assert_true(u->weak);
	assert_false(find_undef(i, "clock_gettime")->weak);
	assert_symbol_version(i, "closefrom", "libc.so.6", "GLIBC_2.34");
	wa_elf_info_free(i);
}

static void elf_attributes_glibcxx_version_to_libstdcxx(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("x86_64_glibcxx.so"));

	(void)state;
	assert_true(has_needed(i, "libstdc++.so.6"));
	assert_true(has_needed(i, "libc.so.6"));
	const struct wa_elf_verneed *n = find_need(i, "GLIBCXX_3.4.30");
	assert_non_null(n);
	assert_string_equal(n->library, "libstdc++.so.6");
	assert_string_equal(find_need(i, "GLIBC_2.2.5")->library, "libc.so.6");
	assert_symbol_version(i, "_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE",
			      "libstdc++.so.6", "GLIBCXX_3.4.30");
	wa_elf_info_free(i);
}

static void elf_splits_rpath_and_keeps_unversioned_symbols(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("x86_64_libfoo.so"));

	(void)state;
	assert_true(has_needed(i, "libfoo.so.1"));
	assert_int_equal(i->n_rpath, 2);
	assert_string_equal(i->rpath[0], "/opt/foo/lib");
	assert_string_equal(i->rpath[1], "$ORIGIN");
	assert_int_equal(i->n_runpath, 0);
	assert_null(i->soname);
	const struct wa_elf_undef *u = find_undef(i, "foo_init");
	assert_non_null(u);
	assert_int_equal(u->verneed, -1);
	assert_false(u->weak);
	wa_elf_info_free(i);
}

static void elf_reads_synthesized_isa_v3_note(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("x86_64_isa_v3.so"));

	(void)state;
	assert_int_equal(i->x86_isa_needed, WA_ISA_V3);
	wa_elf_info_free(i);
}

static void elf_without_isa_note_reports_none(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("x86_64_libfoo.so"));

	(void)state;
	assert_int_equal(i->x86_isa_needed, WA_ISA_NONE);
	wa_elf_info_free(i);
}

/* ---- modules compiled at build time ---- */

static void elf_reads_compiled_isa_v3_module(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("isa_v3.so"));

	(void)state;
	assert_int_equal(i->x86_isa_needed, WA_ISA_V3);
	wa_elf_info_free(i);
}

static void elf_reads_compiled_glibc_2_34_module(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("glibc234.so"));

	(void)state;
	assert_header(i, 62, C64, LSB, 0);
	assert_int_equal(i->type, ET_DYN_);
	assert_true(i->has_section_headers);
	assert_true(has_needed(i, "libc.so.6"));
	assert_symbol_version(i, "closefrom", "libc.so.6", "GLIBC_2.34");
	wa_elf_info_free(i);
}

static void elf_reads_compiled_zlib_module(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("zmod.so"));

	(void)state;
	assert_true(has_needed(i, "libz.so.1"));
	assert_symbol_version(i, "compressBound", "libz.so.1", "ZLIB_1.2.0");
	wa_elf_info_free(i);
}

static void elf_reads_compiled_cxx_module(void **state)
{
	struct wa_elf_info *i = inspect_optional(FIX("cxxmod.so"));

	(void)state;
	if (!i)
		skip();
	assert_true(has_needed(i, "libstdc++.so.6"));
	bool glibcxx = false;
	for (size_t k = 0; k < i->n_needs; k++)
		if (!strncmp(i->needs[k].version, "GLIBCXX_", 8)) {
			glibcxx = true;
			assert_string_equal(i->needs[k].library, "libstdc++.so.6");
		}
	assert_true(glibcxx);
	wa_elf_info_free(i);
}

static void elf_reads_static_musl_module_without_needed(void **state)
{
	struct wa_elf_info *i = inspect_optional(FIX("_core.abi3.so"));

	(void)state;
	if (!i)
		skip();
	assert_true(i->has_dynamic);
	assert_int_equal(i->n_needed, 0);
	assert_int_equal(i->n_needs, 0);
	wa_elf_info_free(i);
}

static void elf_reads_dynamic_musl_module_needing_libc_so(void **state)
{
	struct wa_elf_info *i = inspect_optional(FIX("muslmod.so"));

	(void)state;
	if (!i)
		skip();
	assert_true(has_needed(i, "libc.so"));
	assert_int_equal(i->n_needs, 0);
	for (size_t k = 0; k < i->n_undefs; k++)
		assert_int_equal(i->undefs[k].verneed, -1);
	wa_elf_info_free(i);
}

static void elf_reads_compiled_pie_executable(void **state)
{
	struct wa_elf_info *i = inspect_ok(FIX("tool.exe"));

	(void)state;
	assert_non_null(i->interp);
	assert_non_null(strstr(i->interp, "ld-linux"));
	assert_true(has_needed(i, "libc.so.6"));
	wa_elf_info_free(i);
}

static void elf_scans_the_test_binary_itself(void **state)
{
	struct wa_elf_info *i = inspect_ok("/proc/self/exe");

	(void)state;
	assert_true(i->has_dynamic);
	assert_true(has_needed(i, "libc.so.6"));
	assert_non_null(find_need(i, "GLIBC_2.2.5"));
	assert_true(i->n_undefs > 10);
	wa_elf_info_free(i);
}

static void elf_scans_our_own_wheelaudit_binary(void **state)
{
	const char *path = WA_FIXTURE_DIR "/../../wheelaudit";
	struct wa_elf_info *i = inspect_optional(path);

	(void)state;
	if (!i)
		skip();
	assert_int_equal(i->machine, 62);
#ifdef WA_STATIC_BUILD
	/* the static build: no loader and no library (a static-pie keeps a
	 * dynamic segment for its own relocations, nothing else) */
	assert_null(i->interp);
	assert_int_equal(i->n_needed, 0);
	assert_int_equal(i->n_needs, 0);
#else
	assert_true(has_needed(i, "libc.so.6"));
	assert_true(has_needed(i, "libelf.so.1"));
	assert_non_null(find_need(i, "ELFUTILS_1.0"));
	assert_string_equal(find_need(i, "ELFUTILS_1.0")->library, "libelf.so.1");
#endif
	wa_elf_info_free(i);
}

/* ---- malformed input ---- */

static void assert_badelf(const void *bytes, size_t size, const char *member)
{
	struct wa_elf_info *info = (struct wa_elf_info *)(uintptr_t)1;
	struct wa_error err;

	wa_error_clear(&err);
	int rc = wa_elf_inspect(&info, bytes, size, member, &err);
	if (rc != -WA_EBADELF)
		fail_msg("size %zu: expected -WA_EBADELF, got %d (%s)", size, rc, err.message);
	assert_int_equal(err.code, WA_EBADELF);
	assert_string_equal(err.member, member);
	assert_null(info);
}

static uint64_t le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	for (int k = n - 1; k >= 0; k--)
		v = v << 8 | p[k];
	return v;
}

/* Offsets in a 64-bit little-endian ET_DYN fixture whose vaddrs equal offsets. */
struct layout {
	uint64_t phoff, dynoff, strtab;
	unsigned phnum;
};

static struct layout layout_of(const struct loaded *l)
{
	struct layout y = {0};

	y.phoff = le(l->bytes + 32, 8);
	y.phnum = (unsigned)le(l->bytes + 56, 2);
	for (unsigned k = 0; k < y.phnum; k++) {
		const unsigned char *ph = l->bytes + y.phoff + 56ULL * k;
		if (le(ph, 4) == 2 /* PT_DYNAMIC */)
			y.dynoff = le(ph + 8, 8);
	}
	assert_true(y.dynoff > 0);
	for (uint64_t d = y.dynoff; d + 16 <= l->size; d += 16) {
		uint64_t tag = le(l->bytes + d, 8);
		if (tag == 0)
			break;
		if (tag == 5 /* DT_STRTAB */)
			y.strtab = le(l->bytes + d + 8, 8);
	}
	assert_true(y.strtab > 0);
	return y;
}

static void elf_reports_zero_byte_input(void **state)
{
	static const unsigned char nothing[1];

	(void)state;
	assert_badelf(nothing, 0, "pkg/empty.so");
}

static void elf_reports_truncated_ident(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("x86_64_libfoo.so"), &l));
	assert_badelf(l.bytes, 4, "pkg/ident4.so");
	assert_badelf(l.bytes, 10, "pkg/ident10.so");
	free(l.bytes);
}

static void elf_reports_truncated_header(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("x86_64_libfoo.so"), &l));
	assert_badelf(l.bytes, 40, "pkg/ehdr.so");
	free(l.bytes);
}

static void elf_reports_truncated_phdr(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("x86_64_libfoo.so"), &l));
	struct layout y = layout_of(&l);
	assert_badelf(l.bytes, (size_t)y.phoff + 20, "pkg/phdr.so");
	assert_badelf(l.bytes, (size_t)y.phoff + 56 * y.phnum - 1, "pkg/phdr-end.so");
	free(l.bytes);
}

static void elf_reports_truncated_dynamic_segment(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("x86_64_libfoo.so"), &l));
	struct layout y = layout_of(&l);
	assert_badelf(l.bytes, (size_t)y.dynoff + 8, "pkg/dynamic.so");
	free(l.bytes);
}

static void elf_reports_truncated_string_table(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("x86_64_libfoo.so"), &l));
	struct layout y = layout_of(&l);
	assert_badelf(l.bytes, (size_t)y.strtab + 3, "pkg/strtab.so");
	free(l.bytes);
}

static void elf_reports_truncated_compiled_module_at_every_tenth(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("glibc234.so"), &l));
	/* a compiled module loses its dynamic data somewhere in the first 45% */
	for (size_t pct = 1; pct <= 4; pct++) {
		struct wa_elf_info *info = NULL;
		struct wa_error err;
		wa_error_clear(&err);
		int rc = wa_elf_inspect(&info, l.bytes, l.size * pct / 10, "pkg/cut.so", &err);
		if (rc == 0) {
			/* acceptable only if everything the loader needs was still there */
			assert_non_null(info);
			wa_elf_info_free(info);
			continue;
		}
		assert_int_equal(rc, -WA_EBADELF);
		assert_string_equal(err.member, "pkg/cut.so");
	}
	free(l.bytes);
}

static void elf_rejects_non_elf_text(void **state)
{
	static const char script[] = "/* GNU ld script */\nGROUP ( /lib/libc.so.6 )\n";

	(void)state;
	assert_false(wa_elf_is_elf(script, sizeof script - 1));
	assert_badelf(script, sizeof script - 1, "pkg/libc.so");
}

static void elf_magic_is_recognised(void **state)
{
	static const unsigned char magic[] = {0x7f, 'E', 'L', 'F', 2, 1, 1};

	(void)state;
	assert_true(wa_elf_is_elf(magic, sizeof magic));
	assert_false(wa_elf_is_elf(magic, 3));
	assert_false(wa_elf_is_elf("PK\3\4", 4));
}

static void elf_rejects_unknown_class(void **state)
{
	struct loaded l;

	(void)state;
	assert_true(load(FIX("x86_64_libfoo.so"), &l));
	l.bytes[4] = 7; /* EI_CLASS */
	assert_badelf(l.bytes, l.size, "pkg/class.so");
	free(l.bytes);
}

static void on_alarm_fail(int sig)
{
	(void)sig;
	static const char m[] = "looping vn_next chain did not terminate\n";
	(void)!write(2, m, sizeof m - 1);
	_exit(1);
}

static void elf_looping_vn_next_chain_terminates(void **state)
{
	struct loaded l;
	struct wa_elf_info *info = NULL;
	struct wa_error err;

	(void)state;
	/* vn_next of the first Elf_Verneed points 16 bytes back, DT_VERNEEDNUM is 100000 */
	assert_true(load(FIX("x86_64_vnloop.so"), &l));
	signal(SIGALRM, on_alarm_fail);
	alarm(20);
	wa_error_clear(&err);
	int rc = wa_elf_inspect(&info, l.bytes, l.size, "pkg/loop.so", &err);
	alarm(0);
	if (rc) {
		assert_int_equal(rc, -WA_EBADELF);
		assert_string_equal(err.member, "pkg/loop.so");
	} else {
		/* a bounded result: no more requirements than the bytes could hold */
		assert_true(info->n_needs <= l.size / 16);
		wa_elf_info_free(info);
	}
	free(l.bytes);
}

static void elf_huge_verneednum_is_bounded(void **state)
{
	struct loaded l;
	struct wa_elf_info *info = NULL;
	struct wa_error err;

	(void)state;
	assert_true(load(FIX("aarch64_217.so"), &l));
	/* patch DT_VERNEEDNUM (tag 0x6fffffff) to 0xffffffff */
	struct layout y = layout_of(&l);
	bool patched = false;
	for (uint64_t d = y.dynoff; d + 16 <= l.size; d += 16) {
		if (le(l.bytes + d, 8) == 0x6fffffffULL) {
			memset(l.bytes + d + 8, 0xff, 4);
			patched = true;
		}
	}
	assert_true(patched);
	wa_error_clear(&err);
	int rc = wa_elf_inspect(&info, l.bytes, l.size, "pkg/vnum.so", &err);
	if (rc) {
		/* over the entry limit, which the message says how to raise */
		assert_int_equal(rc, -WA_ELIMIT);
		assert_string_equal(err.member, "pkg/vnum.so");
		assert_non_null(strstr(err.message, "--max-elf-entries"));
	} else {
		assert_true(info->n_needs <= l.size / 16);
		wa_elf_info_free(info);
	}
	free(l.bytes);
}

static void elf_info_free_accepts_null(void **state)
{
	(void)state;
	wa_elf_info_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(elf_reads_armhf_executable_with_interp_and_glibc_2_4),
		cmocka_unit_test(elf_reads_armel_soft_float_flags),
		cmocka_unit_test(elf_reads_aarch64_soname_runpath_and_versions),
		cmocka_unit_test(elf_reads_aarch64_module_needing_glibc_2_4),
		cmocka_unit_test(elf_reads_big_endian_ppc64_elfv1),
		cmocka_unit_test(elf_reads_little_endian_ppc64le_elfv2),
		cmocka_unit_test(elf_reads_big_endian_s390x_with_64_bit_hash_entries),
		cmocka_unit_test(elf_reads_i386_with_two_glibc_versions),
		cmocka_unit_test(elf_reads_mips64),
		cmocka_unit_test(elf_reads_riscv64_double_float),
		cmocka_unit_test(elf_without_section_headers_still_finds_glibc_2_36),
		cmocka_unit_test(elf_reports_weak_version_requirement),
		cmocka_unit_test(elf_attributes_glibcxx_version_to_libstdcxx),
		cmocka_unit_test(elf_splits_rpath_and_keeps_unversioned_symbols),
		cmocka_unit_test(elf_reads_synthesized_isa_v3_note),
		cmocka_unit_test(elf_without_isa_note_reports_none),
		cmocka_unit_test(elf_reads_compiled_isa_v3_module),
		cmocka_unit_test(elf_reads_compiled_glibc_2_34_module),
		cmocka_unit_test(elf_reads_compiled_zlib_module),
		cmocka_unit_test(elf_reads_compiled_cxx_module),
		cmocka_unit_test(elf_reads_static_musl_module_without_needed),
		cmocka_unit_test(elf_reads_dynamic_musl_module_needing_libc_so),
		cmocka_unit_test(elf_reads_compiled_pie_executable),
		cmocka_unit_test(elf_scans_the_test_binary_itself),
		cmocka_unit_test(elf_scans_our_own_wheelaudit_binary),
		cmocka_unit_test(elf_reports_zero_byte_input),
		cmocka_unit_test(elf_reports_truncated_ident),
		cmocka_unit_test(elf_reports_truncated_header),
		cmocka_unit_test(elf_reports_truncated_phdr),
		cmocka_unit_test(elf_reports_truncated_dynamic_segment),
		cmocka_unit_test(elf_reports_truncated_string_table),
		cmocka_unit_test(elf_reports_truncated_compiled_module_at_every_tenth),
		cmocka_unit_test(elf_rejects_non_elf_text),
		cmocka_unit_test(elf_magic_is_recognised),
		cmocka_unit_test(elf_rejects_unknown_class),
		cmocka_unit_test(elf_looping_vn_next_chain_terminates),
		cmocka_unit_test(elf_huge_verneednum_is_bounded),
		cmocka_unit_test(elf_info_free_accepts_null),
	};

	return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
