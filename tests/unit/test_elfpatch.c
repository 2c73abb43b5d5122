/* SPDX-License-Identifier: MIT */
/*
 * The ELF patcher (src/elfpatch.c) on images built here, byte by byte, for
 * both classes and byte orders: one PT_LOAD, PT_DYNAMIC, .dynstr, .dynsym
 * with DT_HASH, and a .gnu.version_r entry, with or without section
 * headers.  Results are read back with wa_elf_inspect() and with a small
 * program header reader of our own; hostile variants must be refused with
 * WA_EBADELF.  Compiled fixtures (zmod.so, tool.exe) are patched too when
 * they were built.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wheelaudit/elf.h"
#include "wheelaudit/elfpatch.h"

/* ===== building a small ELF image ===== */

struct spec {
	bool is64, msb;
	uint16_t type;
	uint64_t base;  /* p_vaddr of file offset 0 */
	uint64_t align; /* PT_LOAD p_align */
	bool phdr_segment;
	bool phdr_gap; /* one zeroed, unused program header slot after the table */
	bool sections;
	unsigned spare_nulls; /* DT_NULL entries beyond the terminating one */
	const char *undef[4]; /* undefined symbols (their names go first in .dynstr) */
	const char *needed[4];
	const char *soname, *rpath, *runpath;
	const char *verneed_file, *verneed_version;
};

struct image {
	unsigned char *b;
	size_t size, cap;
	bool is64, msb;
	/* where things are, for the hostile tests */
	size_t phoff, dyn_off, dyn_count, verneed_off, strtab_entry, strsz_entry;
};

static void grow(struct image *m, size_t need)
{
	if (need <= m->cap)
		return;
	size_t cap = need * 2;
	m->b = realloc(m->b, cap);
	assert_non_null(m->b);
	memset(m->b + m->cap, 0, cap - m->cap);
	m->cap = cap;
}

static void wr(struct image *m, size_t off, uint64_t v, size_t width)
{
	grow(m, off + width);
	for (size_t i = 0; i < width; i++) {
		m->b[m->msb ? off + width - 1 - i : off + i] = (unsigned char)v;
		v >>= 8;
	}
	if (off + width > m->size)
		m->size = off + width;
}

static uint64_t rd(const unsigned char *b, bool msb, size_t off, size_t width)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | b[msb ? off + i : off + width - 1 - i];
	return v;
}

#define OFF(is64, T, f) ((is64) ? offsetof(Elf64_##T, f) : offsetof(Elf32_##T, f))
#define WID(is64, T, f) ((is64) ? sizeof(((Elf64_##T *)0)->f) : sizeof(((Elf32_##T *)0)->f))
#define SZ(is64, T) ((is64) ? sizeof(Elf64_##T) : sizeof(Elf32_##T))
#define PUT(m, at, T, f, v) wr(m, (at) + OFF((m)->is64, T, f), v, WID((m)->is64, T, f))
#define GET(b, is64, msb, at, T, f) rd(b, msb, (at) + OFF(is64, T, f), WID(is64, T, f))

/* A string table that shares identical strings and tails, like ld does. */
struct strtab {
	char b[512];
	size_t size;
};

static size_t str_add(struct strtab *t, const char *s)
{
	size_t len = strlen(s);

	if (t->size == 0)
		t->b[t->size++] = '\0';
	for (size_t i = 0; i + len < t->size; i++)
		if (memcmp(t->b + i, s, len + 1) == 0)
			return i;
	assert_true(t->size + len + 1 <= sizeof(t->b));
	memcpy(t->b + t->size, s, len + 1);
	t->size += len + 1;
	return t->size - len - 1;
}

static size_t align_to(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

struct dyn_list {
	uint64_t tag[32], val[32];
	size_t n;
};

static void dyn_add(struct dyn_list *d, uint64_t tag, uint64_t val)
{
	d->tag[d->n] = tag;
	d->val[d->n++] = val;
}

static void put_phdr(struct image *m, size_t at, uint32_t type, uint32_t flags, uint64_t off,
		     uint64_t vaddr, uint64_t size, uint64_t align)
{
	PUT(m, at, Phdr, p_type, type);
	PUT(m, at, Phdr, p_flags, flags);
	PUT(m, at, Phdr, p_offset, off);
	PUT(m, at, Phdr, p_vaddr, vaddr);
	PUT(m, at, Phdr, p_paddr, vaddr);
	PUT(m, at, Phdr, p_filesz, size);
	PUT(m, at, Phdr, p_memsz, size);
	PUT(m, at, Phdr, p_align, align);
}

static void put_shdr(struct image *m, size_t at, uint32_t name, uint32_t type, uint64_t flags,
		     uint64_t addr, uint64_t off, uint64_t size, uint32_t link, uint32_t info,
		     uint64_t entsize)
{
	PUT(m, at, Shdr, sh_name, name);
	PUT(m, at, Shdr, sh_type, type);
	PUT(m, at, Shdr, sh_flags, flags);
	PUT(m, at, Shdr, sh_addr, addr);
	PUT(m, at, Shdr, sh_offset, off);
	PUT(m, at, Shdr, sh_size, size);
	PUT(m, at, Shdr, sh_link, link);
	PUT(m, at, Shdr, sh_info, info);
	PUT(m, at, Shdr, sh_addralign, 1);
	PUT(m, at, Shdr, sh_entsize, entsize);
}

static unsigned long sysv_hash(const char *name)
{
	unsigned long h = 0, g;

	for (; *name; name++) {
		h = (h << 4) + (unsigned char)*name;
		if ((g = h & 0xf0000000))
			h ^= g >> 24;
		h &= ~g;
	}
	return h;
}

static struct image build(const struct spec *s)
{
	struct image m = {.is64 = s->is64, .msb = s->msb};
	struct strtab st = {0};
	struct dyn_list d = {0};
	size_t n_undef = 0, n_ph = s->phdr_segment ? 3 : 2;
	size_t ehsize = SZ(s->is64, Ehdr), phent = SZ(s->is64, Phdr), shent = SZ(s->is64, Shdr);
	size_t syment = SZ(s->is64, Sym), dynent = SZ(s->is64, Dyn);
	size_t undef_name[4], vn_file = 0, vna_name = 0;

	/* strings: symbol names first, so a library name can be their tail */
	for (; n_undef < 4 && s->undef[n_undef]; n_undef++)
		undef_name[n_undef] = str_add(&st, s->undef[n_undef]);
	for (size_t i = 0; i < 4 && s->needed[i]; i++)
		dyn_add(&d, DT_NEEDED, str_add(&st, s->needed[i]));
	if (s->soname)
		dyn_add(&d, DT_SONAME, str_add(&st, s->soname));
	if (s->rpath)
		dyn_add(&d, DT_RPATH, str_add(&st, s->rpath));
	if (s->runpath)
		dyn_add(&d, DT_RUNPATH, str_add(&st, s->runpath));
	if (s->verneed_file) {
		vn_file = str_add(&st, s->verneed_file);
		vna_name = str_add(&st, s->verneed_version);
	}

	m.phoff = ehsize;
	size_t strtab = align_to(m.phoff + (n_ph + (s->phdr_gap ? 1 : 0)) * phent, 8);
	size_t symtab = align_to(strtab + st.size, 8);
	size_t nsyms = n_undef + 1;
	size_t hash = align_to(symtab + nsyms * syment, 8);
	size_t verneed = align_to(hash + (2 + 1 + nsyms) * 4, 8);
	size_t dyn = align_to(verneed + (s->verneed_file ? 32 : 0), 8);

	/* ELF header */
	grow(&m, ehsize);
	memcpy(m.b, ELFMAG, SELFMAG);
	m.b[EI_CLASS] = s->is64 ? ELFCLASS64 : ELFCLASS32;
	m.b[EI_DATA] = s->msb ? ELFDATA2MSB : ELFDATA2LSB;
	m.b[EI_VERSION] = EV_CURRENT;
	m.size = EI_NIDENT;
	PUT(&m, 0, Ehdr, e_type, s->type);
	PUT(&m, 0, Ehdr, e_machine, s->is64 ? EM_X86_64 : EM_PPC);
	PUT(&m, 0, Ehdr, e_version, EV_CURRENT);
	PUT(&m, 0, Ehdr, e_phoff, m.phoff);
	PUT(&m, 0, Ehdr, e_ehsize, ehsize);
	PUT(&m, 0, Ehdr, e_phentsize, phent);
	PUT(&m, 0, Ehdr, e_phnum, n_ph);

	/* .dynstr, .dynsym, .hash */
	grow(&m, strtab + st.size);
	memcpy(m.b + strtab, st.b, st.size);
	for (size_t i = 0; i < n_undef; i++) {
		size_t at = symtab + (i + 1) * syment;

		PUT(&m, at, Sym, st_name, undef_name[i]);
		PUT(&m, at, Sym, st_info, ELF64_ST_INFO(STB_GLOBAL, STT_FUNC));
	}
	wr(&m, hash, 1, 4);
	wr(&m, hash + 4, nsyms, 4);
	wr(&m, hash + 8 + 4 * (1 + nsyms) - 4, 0, 4);

	/* .gnu.version_r: one library, one version */
	if (s->verneed_file) {
		wr(&m, verneed, 1, 2);
		wr(&m, verneed + 2, 1, 2);
		wr(&m, verneed + 4, vn_file, 4);
		wr(&m, verneed + 8, 16, 4);
		wr(&m, verneed + 12, 0, 4);
		wr(&m, verneed + 16, sysv_hash(s->verneed_version), 4);
		wr(&m, verneed + 20, 0, 2);
		wr(&m, verneed + 22, 2, 2);
		wr(&m, verneed + 24, vna_name, 4);
		wr(&m, verneed + 28, 0, 4);
		m.verneed_off = verneed;
	}

	/* .dynamic */
	m.strtab_entry = d.n;
	dyn_add(&d, DT_STRTAB, s->base + strtab);
	m.strsz_entry = d.n;
	dyn_add(&d, DT_STRSZ, st.size);
	dyn_add(&d, DT_SYMTAB, s->base + symtab);
	dyn_add(&d, DT_SYMENT, syment);
	dyn_add(&d, DT_HASH, s->base + hash);
	if (s->verneed_file) {
		dyn_add(&d, DT_VERNEED, s->base + verneed);
		dyn_add(&d, DT_VERNEEDNUM, 1);
	}
	for (unsigned i = 0; i <= s->spare_nulls; i++)
		dyn_add(&d, DT_NULL, 0);
	for (size_t i = 0; i < d.n; i++) {
		PUT(&m, dyn + i * dynent, Dyn, d_tag, d.tag[i]);
		PUT(&m, dyn + i * dynent, Dyn, d_un, d.val[i]);
	}
	m.dyn_off = dyn;
	m.dyn_count = d.n;
	size_t load_end = dyn + d.n * dynent;

	/* program headers */
	size_t at = m.phoff;
	if (s->phdr_segment) {
		put_phdr(&m, at, PT_PHDR, PF_R, m.phoff, s->base + m.phoff, n_ph * phent, 8);
		at += phent;
	}
	put_phdr(&m, at, PT_LOAD, PF_R | PF_W, 0, s->base, load_end, s->align);
	put_phdr(&m, at + phent, PT_DYNAMIC, PF_R | PF_W, dyn, s->base + dyn, d.n * dynent, 8);

	if (s->sections) {
		static const char names[] = "\0.dynstr\0.dynsym\0.hash\0.gnu.version_r\0"
					    ".dynamic\0.shstrtab";
		size_t shstr = load_end, shoff = align_to(shstr + sizeof(names), 8);

		grow(&m, shstr + sizeof(names));
		memcpy(m.b + shstr, names, sizeof(names));
		m.size = shstr + sizeof(names);
		PUT(&m, 0, Ehdr, e_shoff, shoff);
		PUT(&m, 0, Ehdr, e_shentsize, shent);
		PUT(&m, 0, Ehdr, e_shnum, 7);
		PUT(&m, 0, Ehdr, e_shstrndx, 6);
		put_shdr(&m, shoff, 0, SHT_NULL, 0, 0, 0, 0, 0, 0, 0);
		put_shdr(&m, shoff + shent, 1, SHT_STRTAB, SHF_ALLOC, s->base + strtab, strtab,
			 st.size, 0, 0, 0);
		put_shdr(&m, shoff + 2 * shent, 9, SHT_DYNSYM, SHF_ALLOC, s->base + symtab, symtab,
			 nsyms * syment, 1, 1, syment);
		put_shdr(&m, shoff + 3 * shent, 17, SHT_HASH, SHF_ALLOC, s->base + hash, hash,
			 (2 + 1 + nsyms) * 4, 2, 0, 4);
		put_shdr(&m, shoff + 4 * shent, 23, SHT_GNU_verneed, SHF_ALLOC, s->base + verneed,
			 verneed, s->verneed_file ? 32 : 0, 1, s->verneed_file ? 1 : 0, 0);
		put_shdr(&m, shoff + 5 * shent, 38, SHT_DYNAMIC, SHF_ALLOC | SHF_WRITE,
			 s->base + dyn, dyn, d.n * dynent, 1, 0, dynent);
		put_shdr(&m, shoff + 6 * shent, 47, SHT_STRTAB, 0, 0, shstr, sizeof(names), 0, 0,
			 0);
	}
	return m;
}

/* ===== reading results back ===== */

struct phdr {
	uint64_t type, flags, offset, vaddr, paddr, filesz, memsz, align;
};

static size_t read_phdrs(const unsigned char *b, size_t size, struct phdr *out, size_t max)
{
	bool is64 = b[EI_CLASS] == ELFCLASS64, msb = b[EI_DATA] == ELFDATA2MSB;
	uint64_t phoff = GET(b, is64, msb, 0, Ehdr, e_phoff);
	size_t n = GET(b, is64, msb, 0, Ehdr, e_phnum), phent = SZ(is64, Phdr);

	assert_true(n <= max);
	assert_true(phoff + n * phent <= size);
	for (size_t i = 0; i < n; i++) {
		size_t at = phoff + i * phent;

		out[i] = (struct phdr){
			GET(b, is64, msb, at, Phdr, p_type),
			GET(b, is64, msb, at, Phdr, p_flags),
			GET(b, is64, msb, at, Phdr, p_offset),
			GET(b, is64, msb, at, Phdr, p_vaddr),
			GET(b, is64, msb, at, Phdr, p_paddr),
			GET(b, is64, msb, at, Phdr, p_filesz),
			GET(b, is64, msb, at, Phdr, p_memsz),
			GET(b, is64, msb, at, Phdr, p_align),
		};
	}
	return n;
}

struct patched {
	void *bytes;
	size_t size;
	struct wa_elf_info *info;
};

static struct patched patch_ok(const void *in, size_t size, const struct wa_elf_edit *edit)
{
	struct patched p = {0};
	struct wa_error err;
	int rc;

	wa_error_clear(&err);
	rc = wa_elf_patch(&p.bytes, &p.size, in, size, edit, "m.so", &err);
	if (rc)
		fail_msg("patch failed: %d %s", rc, err.message);
	{
		/* patched over itself: the very same bytes */
		void *buf = malloc(size ? size : 1);
		size_t n = size;

		assert_non_null(buf);
		memcpy(buf, in, size);
		rc = wa_elf_patch_in_place(&buf, &n, edit, "m.so", &err);
		if (rc)
			fail_msg("in-place patch failed: %d %s", rc, err.message);
		if (n != p.size || memcmp(buf, p.bytes, n) != 0)
			fail_msg("the in-place patch gives other bytes");
		free(buf);
	}
	rc = wa_elf_inspect(&p.info, p.bytes, p.size, "m.so", &err);
	if (rc)
		fail_msg("patched file does not inspect: %s", err.message);
	return p;
}

static void patched_free(struct patched *p)
{
	wa_elf_info_free(p->info);
	free(p->bytes);
}

static void assert_refused(const void *in, size_t size, const struct wa_elf_edit *edit)
{
	struct wa_error err;
	void *out = (void *)1;
	size_t out_size = 1;

	wa_error_clear(&err);
	{
		void *buf = malloc(size ? size : 1);
		size_t n = size;

		assert_non_null(buf);
		memcpy(buf, in, size);
		assert_int_equal(wa_elf_patch_in_place(&buf, &n, edit, "m.so", &err), -WA_EBADELF);
		free(buf);
		wa_error_clear(&err);
	}
	assert_int_equal(wa_elf_patch(&out, &out_size, in, size, edit, "m.so", &err), -WA_EBADELF);
	assert_int_equal(err.code, WA_EBADELF);
	assert_string_equal(err.member, "m.so");
	assert_null(out);
	assert_int_equal(out_size, 0);
}

static const char *needed_of(const struct wa_elf_info *i, size_t k)
{
	assert_true(k < i->n_needed);
	return i->needed[k];
}

/* A new segment keeps the first PT_LOAD's p_vaddr - p_offset when the
 * program header table moved into it and its address matters (ET_EXEC,
 * PT_INTERP or PT_PHDR); otherwise it is placed compactly. */
static bool keeps_delta(const struct phdr *ph, size_t n, const unsigned char *b,
			const unsigned char *after)
{
	bool is64 = b[EI_CLASS] == ELFCLASS64, msb = b[EI_DATA] == ELFDATA2MSB;
	bool matters = GET(b, is64, msb, 0, Ehdr, e_type) == ET_EXEC;

	for (size_t i = 0; i < n; i++)
		if (ph[i].type == PT_INTERP || ph[i].type == PT_PHDR)
			matters = true;
	return matters &&
	       GET(b, is64, msb, 0, Ehdr, e_phoff) != GET(after, is64, msb, 0, Ehdr, e_phoff);
}

/* Every PT_LOAD of before is unchanged in after, in the same order; the
 * one new PT_LOAD (returned) comes right after them, placed by the rules. */
static struct phdr assert_grown(const void *before, size_t before_size, const void *after,
				size_t after_size)
{
	struct phdr a[16], b[16], added = {0};
	size_t na = read_phdrs(before, before_size, a, 16),
	       nb = read_phdrs(after, after_size, b, 16);
	size_t ia = 0, loads_a = 0;
	uint64_t top = 0, max_align = 0, delta = UINT64_MAX;
	bool seen_new = false;

	assert_int_equal(nb, na + 1);
	for (size_t i = 0; i < na; i++) {
		if (a[i].memsz && a[i].vaddr + a[i].memsz > top)
			top = a[i].vaddr + a[i].memsz;
		if (a[i].type != PT_LOAD)
			continue;
		loads_a++;
		if (delta == UINT64_MAX)
			delta = a[i].vaddr - a[i].offset;
		if (a[i].align > max_align)
			max_align = a[i].align;
	}
	for (size_t i = 0; i < nb; i++) {
		if (b[i].type != PT_LOAD)
			continue;
		if (loads_a == 0) {
			assert_false(seen_new);
			added = b[i];
			seen_new = true;
			continue;
		}
		while (a[ia].type != PT_LOAD)
			ia++;
		assert_memory_equal(&a[ia], &b[i], sizeof(b[i]));
		ia++;
		loads_a--;
	}
	assert_true(seen_new);
	assert_int_equal(added.align, max_align);
	assert_int_equal(added.offset % added.align, added.vaddr % added.align);
	assert_true(added.vaddr / max_align * max_align >=
		    (top + max_align - 1) / max_align * max_align);
	assert_true(added.offset >= before_size);
	if (keeps_delta(a, na, before, after))
		assert_int_equal(added.vaddr - added.offset, delta);
	else
		assert_true(added.offset - before_size < 16); /* a library: no page of padding */
	assert_int_equal(added.offset + added.filesz, after_size);
	/* PT_PHDR stays first and describes the table e_phoff points at */
	if (b[0].type == PT_PHDR) {
		const unsigned char *x = after;
		bool is64 = x[EI_CLASS] == ELFCLASS64, msb = x[EI_DATA] == ELFDATA2MSB;

		assert_int_equal(b[0].offset, GET(x, is64, msb, 0, Ehdr, e_phoff));
		assert_int_equal(b[0].filesz, nb * SZ(is64, Phdr));
		if (keeps_delta(a, na, before, after))
			assert_int_equal(b[0].vaddr - b[0].offset, delta);
	}
	return added;
}

/* ===== tests ===== */

static const struct spec spec64 = {
	.is64 = true,
	.msb = false,
	.type = ET_DYN,
	.base = 0,
	.align = 0x1000,
	.sections = true,
	.undef = {"deflate"},
	.needed = {"libz.so.1", "libc.so.6"},
	.soname = "libmine.so.1",
	.verneed_file = "libz.so.1",
	.verneed_version = "ZLIB_1.2.0",
};

static const struct spec spec32be = {
	.is64 = false,
	.msb = true,
	.type = ET_EXEC,
	.base = 0x10000000,
	.align = 0x10000,
	.phdr_segment = true,
	.sections = false,
	.undef = {"deflate"},
	.needed = {"libz.so.1"},
	.verneed_file = "libz.so.1",
	.verneed_version = "ZLIB_1.2.0",
};

static void shorter_rename_is_done_in_place(void **state)
{
	struct image m = build(&spec64);
	struct wa_elf_rename r = {"libz.so.1", "libq.so.1"};
	struct wa_elf_edit e = {.renames = &r, .n_renames = 1};
	struct patched p = patch_ok(m.b, m.size, &e);

	(void)state;
	assert_int_equal(p.size, m.size);
	assert_string_equal(needed_of(p.info, 0), "libq.so.1");
	assert_string_equal(needed_of(p.info, 1), "libc.so.6");
	assert_int_equal(p.info->n_needs, 1);
	assert_string_equal(p.info->needs[0].library, "libq.so.1");
	assert_string_equal(p.info->needs[0].version, "ZLIB_1.2.0");
	assert_string_equal(p.info->soname, "libmine.so.1");
	patched_free(&p);
	free(m.b);
}

static void longer_rename_grows_64_le(void **state)
{
	struct image m = build(&spec64);
	struct wa_elf_rename r = {"libz.so.1", "libz-0123abcd.so.1"};
	struct wa_elf_edit e = {.renames = &r, .n_renames = 1, .rpath = "$ORIGIN/../m.libs"};
	struct patched p = patch_ok(m.b, m.size, &e);

	(void)state;
	assert_true(p.size > m.size);
	assert_grown(m.b, m.size, p.bytes, p.size);
	assert_string_equal(needed_of(p.info, 0), "libz-0123abcd.so.1");
	assert_string_equal(p.info->needs[0].library, "libz-0123abcd.so.1");
	assert_int_equal(p.info->n_rpath, 1);
	assert_string_equal(p.info->rpath[0], "$ORIGIN/../m.libs");
	assert_int_equal(p.info->n_runpath, 0);
	assert_string_equal(p.info->soname, "libmine.so.1");
	assert_true(p.info->has_section_headers);
	assert_int_equal(p.info->n_notes, 0); /* sections agree with the dynamic data */
	patched_free(&p);
	free(m.b);
}

static void grow_32_be_executable_moves_phdr_table(void **state)
{
	struct image m = build(&spec32be);
	struct wa_elf_rename r = {"libz.so.1", "libz-0123abcd.so.1"};
	struct wa_elf_edit e = {.soname = "libexe-soname-that-is-long.so",
				.renames = &r,
				.n_renames = 1,
				.rpath = "$ORIGIN/lib",
				.as_runpath = true};
	struct patched p = patch_ok(m.b, m.size, &e);
	struct phdr ph[16];

	(void)state;
	struct phdr added = assert_grown(m.b, m.size, p.bytes, p.size);
	size_t n = read_phdrs(p.bytes, p.size, ph, 16);
	assert_int_equal(ph[0].type, PT_PHDR);
	assert_int_equal(ph[0].offset, added.offset); /* the table moved to the new segment */
	assert_int_equal(added.flags, PF_R | PF_W);   /* it holds .dynamic */
	for (size_t i = 0; i < n; i++)
		if (ph[i].type == PT_DYNAMIC)
			assert_true(ph[i].offset >= added.offset);
	assert_string_equal(needed_of(p.info, 0), "libz-0123abcd.so.1");
	assert_string_equal(p.info->needs[0].library, "libz-0123abcd.so.1");
	assert_string_equal(p.info->soname, "libexe-soname-that-is-long.so");
	assert_int_equal(p.info->n_runpath, 1);
	assert_string_equal(p.info->runpath[0], "$ORIGIN/lib");
	assert_int_equal(p.info->n_rpath, 0);
	assert_int_equal(p.info->data, ELFDATA2MSB);
	patched_free(&p);
	free(m.b);
}

static void spare_dt_null_takes_a_new_entry_in_place(void **state)
{
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.spare_nulls = 2;
	s.soname = NULL;
	s.rpath = "/x";
	s.runpath = "/y";
	m = build(&s);
	/* the name is already in the table: no new string, one new entry */
	struct wa_elf_edit e = {.soname = "libz.so.1"};
	struct patched p = patch_ok(m.b, m.size, &e);
	assert_int_equal(p.size, m.size);
	assert_string_equal(p.info->soname, "libz.so.1");
	patched_free(&p);

	/* both search paths present: the result keeps one, in place ("" is any NUL) */
	struct wa_elf_edit e2 = {.rpath = "", .as_runpath = true};
	p = patch_ok(m.b, m.size, &e2);
	assert_int_equal(p.size, m.size);
	assert_int_equal(p.info->n_rpath, 0);
	assert_int_equal(p.info->n_runpath, 1);
	assert_string_equal(p.info->runpath[0], "");
	patched_free(&p);
	free(m.b);
}

static void soname_without_spare_slot_moves_dynamic(void **state)
{
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.soname = NULL;
	m = build(&s);
	struct wa_elf_edit e = {.soname = "libc.so.6"}; /* string exists: only .dynamic grows */
	struct patched p = patch_ok(m.b, m.size, &e);
	struct phdr added = assert_grown(m.b, m.size, p.bytes, p.size);
	assert_int_equal(added.flags, PF_R | PF_W);
	assert_string_equal(p.info->soname, "libc.so.6");
	assert_int_equal(p.info->n_needed, 2);
	patched_free(&p);
	free(m.b);
}

static void string_table_only_growth_is_read_only(void **state)
{
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.spare_nulls = 1;
	m = build(&s);
	struct wa_elf_edit e = {.rpath = "/a/new/path/not/in/the/table"};
	struct patched p = patch_ok(m.b, m.size, &e);
	struct phdr added = assert_grown(m.b, m.size, p.bytes, p.size);
	assert_int_equal(added.flags, PF_R);
	assert_string_equal(p.info->rpath[0], "/a/new/path/not/in/the/table");
	patched_free(&p);
	free(m.b);
}

static void free_slot_after_phdr_table_is_used(void **state)
{
	struct spec s = spec64;
	struct image m;
	struct phdr before[16], after[16];

	(void)state;
	s.phdr_segment = true;
	s.phdr_gap = true;
	m = build(&s);
	struct wa_elf_edit e = {.soname = "a-brand-new-soname.so"};
	struct patched p = patch_ok(m.b, m.size, &e);
	size_t n0 = read_phdrs(m.b, m.size, before, 16);
	size_t n1 = read_phdrs(p.bytes, p.size, after, 16);
	assert_grown(m.b, m.size, p.bytes, p.size);
	assert_int_equal(n1, n0 + 1);
	assert_int_equal(after[0].offset, before[0].offset); /* the table stayed */
	assert_int_equal(after[0].filesz, n1 * sizeof(Elf64_Phdr));
	assert_string_equal(p.info->soname, "a-brand-new-soname.so");
	patched_free(&p);
	free(m.b);
}

static void tail_shared_string_is_not_overwritten(void **state)
{
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.undef[0] = "xlibbar.so";
	s.needed[0] = "libbar.so"; /* the tail of the symbol's name */
	s.needed[1] = NULL;
	s.verneed_file = NULL;
	m = build(&s);
	struct wa_elf_rename r = {"libbar.so", "libq.so"}; /* would fit */
	struct wa_elf_edit e = {.renames = &r, .n_renames = 1};
	struct patched p = patch_ok(m.b, m.size, &e);
	assert_true(p.size > m.size);
	assert_string_equal(needed_of(p.info, 0), "libq.so");
	assert_int_equal(p.info->n_undefs, 1);
	assert_string_equal(p.info->undefs[0].name, "xlibbar.so");
	patched_free(&p);
	free(m.b);
}

static void soname_shared_with_needed_is_not_overwritten(void **state)
{
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.soname = "libc.so.6"; /* same bytes as the second DT_NEEDED */
	s.spare_nulls = 1;
	m = build(&s);
	struct wa_elf_edit e = {.soname = "libd.so"};
	struct patched p = patch_ok(m.b, m.size, &e);
	assert_string_equal(p.info->soname, "libd.so");
	assert_string_equal(needed_of(p.info, 1), "libc.so.6");
	patched_free(&p);
	free(m.b);
}

static void same_edit_twice_is_a_byte_identical_copy(void **state)
{
	const struct spec *specs[] = {&spec64, &spec32be};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct image m = build(specs[k]);
		struct wa_elf_rename r = {"libz.so.1", "libz-0123abcd.so.1"};
		struct wa_elf_edit e = {.soname = "libself-long-name.so.1",
					.renames = &r,
					.n_renames = 1,
					.rpath = "$ORIGIN"};
		struct patched once = patch_ok(m.b, m.size, &e);
		struct patched twice = patch_ok(once.bytes, once.size, &e);

		assert_int_equal(twice.size, once.size);
		assert_memory_equal(twice.bytes, once.bytes, once.size);
		patched_free(&once);
		patched_free(&twice);
		free(m.b);
	}
}

static void absent_library_changes_nothing(void **state)
{
	struct image m = build(&spec32be);
	struct wa_elf_rename r = {"libnot-there.so", "libother.so"};
	struct wa_elf_edit e = {.renames = &r, .n_renames = 1};
	struct patched p = patch_ok(m.b, m.size, &e);

	(void)state;
	assert_int_equal(p.size, m.size);
	assert_memory_equal(p.bytes, m.b, m.size);
	patched_free(&p);
	free(m.b);
}

static void renames_match_the_input_names_at_once(void **state)
{
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.needed[1] = "libb.so";
	s.needed[0] = "liba.so";
	s.verneed_file = NULL;
	m = build(&s);
	struct wa_elf_rename r[] = {{"liba.so", "libb.so"}, {"libb.so", "libc.so"}};
	struct wa_elf_edit e = {.renames = r, .n_renames = 2};
	struct patched p = patch_ok(m.b, m.size, &e);
	assert_string_equal(needed_of(p.info, 0), "libb.so");
	assert_string_equal(needed_of(p.info, 1), "libc.so");
	patched_free(&p);
	free(m.b);
}

static void invalid_edit_is_an_internal_error(void **state)
{
	struct image m = build(&spec64);
	struct wa_elf_rename r = {"libz.so.1", ""};
	struct wa_elf_edit e = {.renames = &r, .n_renames = 1};
	struct wa_error err;
	void *out;
	size_t size;

	(void)state;
	assert_int_equal(wa_elf_patch(&out, &size, m.b, m.size, &e, "m.so", &err), -WA_EINTERNAL);
	assert_null(out);
	free(m.b);
}

/* ----- removing DT_NEEDED ----- */

/* The dynamic table of image b as (tag, value) pairs up to PT_DYNAMIC's
 * end; returns the number of slots. */
static size_t read_dynamic(const unsigned char *b, size_t size, uint64_t *tags, size_t max)
{
	bool is64 = b[EI_CLASS] == ELFCLASS64, msb = b[EI_DATA] == ELFDATA2MSB;
	struct phdr ph[16];
	size_t n = read_phdrs(b, size, ph, 16), dynent = SZ(is64, Dyn);

	for (size_t i = 0; i < n; i++) {
		if (ph[i].type != PT_DYNAMIC)
			continue;
		size_t slots = ph[i].filesz / dynent;
		assert_true(slots <= max);
		for (size_t k = 0; k < slots; k++)
			tags[k] = GET(b, is64, msb, ph[i].offset + k * dynent, Dyn, d_tag);
		return slots;
	}
	fail_msg("no PT_DYNAMIC");
	return 0;
}

static void removed_needed_shifts_the_entries_up(void **state)
{
	const char *remove[] = {"libc.so.6"};
	struct image m = build(&spec64);
	struct wa_elf_edit e = {.remove_needed = remove, .n_remove_needed = 1};
	struct patched p = patch_ok(m.b, m.size, &e);
	uint64_t before[32], after[32];
	size_t n0 = read_dynamic(m.b, m.size, before, 32), n1;

	(void)state;
	n1 = read_dynamic(p.bytes, p.size, after, 32);
	assert_int_equal(p.size, m.size); /* in place: the table keeps its size */
	assert_int_equal(n1, n0);
	assert_int_equal(after[0], DT_NEEDED);
	assert_int_equal(after[1], DT_SONAME); /* moved up one slot */
	for (size_t i = 1; i + 1 < n0; i++)
		assert_int_equal(after[i], before[i + 1]);
	assert_int_equal(after[n0 - 1], DT_NULL);
	assert_int_equal(after[n0 - 2], DT_NULL);
	assert_int_equal(p.info->n_needed, 1);
	assert_string_equal(needed_of(p.info, 0), "libz.so.1");
	assert_string_equal(p.info->soname, "libmine.so.1");
	assert_int_equal(p.info->n_needs, 1);
	assert_string_equal(p.info->needs[0].library, "libz.so.1");
	assert_string_equal(p.info->needs[0].version, "ZLIB_1.2.0");
	/* the bytes outside the dynamic table are untouched */
	assert_memory_equal(p.bytes, m.b, m.dyn_off);
	patched_free(&p);
	free(m.b);
}

static void removing_a_versioned_library_is_refused(void **state)
{
	const char *remove[] = {"libz.so.1"};
	struct image m = build(&spec64);
	struct wa_elf_edit e = {.remove_needed = remove, .n_remove_needed = 1};
	struct wa_error err;
	void *out = NULL;
	size_t size = 0;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_elf_patch(&out, &size, m.b, m.size, &e, "m.so", &err), -WA_EBADELF);
	assert_null(out);
	assert_non_null(strstr(err.message, "libz.so.1"));
	assert_non_null(strstr(err.message, ".gnu.version_r"));
	free(m.b);
}

static void removing_an_absent_library_changes_nothing(void **state)
{
	const char *remove[] = {"libpython3.11.so.1.0"};
	struct image m = build(&spec32be);
	struct wa_elf_edit e = {.remove_needed = remove, .n_remove_needed = 1};
	struct patched p = patch_ok(m.b, m.size, &e);

	(void)state;
	assert_int_equal(p.size, m.size);
	assert_memory_equal(p.bytes, m.b, m.size);
	patched_free(&p);
	free(m.b);
}

/* A removed entry frees a slot: a SONAME added in the same edit fits. */
static void removal_frees_a_slot_for_an_added_entry(void **state)
{
	const char *remove[] = {"libpython3.11.so.1.0"};
	struct spec s = spec32be;
	struct image m;

	(void)state;
	s.needed[0] = "libpython3.11.so.1.0";
	s.needed[1] = "libz.so.1";
	m = build(&s);
	struct wa_elf_edit e = {.soname = "libz.so.1", /* text already in the table */
				.remove_needed = remove,
				.n_remove_needed = 1};
	struct patched p = patch_ok(m.b, m.size, &e);
	assert_int_equal(p.size, m.size);
	assert_int_equal(p.info->n_needed, 1);
	assert_string_equal(needed_of(p.info, 0), "libz.so.1");
	assert_string_equal(p.info->soname, "libz.so.1");
	assert_int_equal(p.info->data, ELFDATA2MSB);
	/* again: nothing left to do, a byte-for-byte copy */
	struct patched q = patch_ok(p.bytes, p.size, &e);
	assert_int_equal(q.size, p.size);
	assert_memory_equal(q.bytes, p.bytes, p.size);
	patched_free(&q);
	patched_free(&p);
	free(m.b);
}

static void removal_combines_with_the_other_edits(void **state)
{
	const char *remove[] = {"libpython3.11.so.1.0", "libnot-needed.so"};
	struct spec s = spec64;
	struct image m;

	(void)state;
	s.needed[0] = "libpython3.11.so.1.0";
	s.needed[1] = "libz.so.1";
	s.needed[2] = "libc.so.6";
	s.needed[3] = "libpython3.11.so.1.0"; /* twice: both go */
	m = build(&s);
	struct wa_elf_rename r[] = {{"libz.so.1", "libz-0123abcd.so.1"},
				    {"libpython3.11.so.1.0", "libpy-renamed.so"}};
	struct wa_elf_edit e = {.soname = "libmine-89abcdef.so.1",
				.renames = r,
				.n_renames = 2,
				.rpath = "$ORIGIN/../m.libs",
				.remove_needed = remove,
				.n_remove_needed = 2};
	struct patched p = patch_ok(m.b, m.size, &e);
	assert_grown(m.b, m.size, p.bytes, p.size);
	assert_int_equal(p.info->n_needed, 2); /* removal wins over the rename */
	assert_string_equal(needed_of(p.info, 0), "libz-0123abcd.so.1");
	assert_string_equal(needed_of(p.info, 1), "libc.so.6");
	assert_string_equal(p.info->needs[0].library, "libz-0123abcd.so.1");
	assert_string_equal(p.info->soname, "libmine-89abcdef.so.1");
	assert_int_equal(p.info->n_rpath, 1);
	assert_string_equal(p.info->rpath[0], "$ORIGIN/../m.libs");
	patched_free(&p);
	free(m.b);
}

static void empty_removal_is_an_internal_error(void **state)
{
	const char *remove[] = {""};
	struct image m = build(&spec64);
	struct wa_elf_edit e = {.remove_needed = remove, .n_remove_needed = 1};
	struct wa_elf_edit e2 = {.n_remove_needed = 1};
	struct wa_error err;
	void *out;
	size_t size;

	(void)state;
	assert_int_equal(wa_elf_patch(&out, &size, m.b, m.size, &e, "m.so", &err), -WA_EINTERNAL);
	assert_int_equal(wa_elf_patch(&out, &size, m.b, m.size, &e2, "m.so", &err), -WA_EINTERNAL);
	free(m.b);
}

/* ----- hostile input ----- */

static const struct wa_elf_rename hostile_rename = {"libz.so.1", "libz-0123abcd.so.1"};
static const struct wa_elf_edit hostile_edit = {.soname = "libnew.so",
						.renames = &hostile_rename,
						.n_renames = 1,
						.rpath = "$ORIGIN"};

static void every_truncation_is_refused(void **state)
{
	const struct spec *specs[] = {&spec64, &spec32be};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct image m = build(specs[k]);

		for (size_t n = 0; n < m.size; n++) {
			unsigned char *copy = malloc(n ? n : 1);

			memcpy(copy, m.b, n);
			assert_refused(copy, n, &hostile_edit);
			free(copy);
		}
		free(m.b);
	}
}

static void wrong_fields_are_refused(void **state)
{
	struct image m = build(&spec64);
	size_t dynent = sizeof(Elf64_Dyn);
	unsigned char *orig = malloc(m.size);

	(void)state;
	memcpy(orig, m.b, m.size);
#define RESET() memcpy(m.b, orig, m.size)
	PUT(&m, 0, Ehdr, e_phoff, UINT64_MAX - 8); /* program headers past the end */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, 0, Ehdr, e_phnum, 0xffff); /* huge count */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, 0, Ehdr, e_shoff, m.size - 8); /* section headers past the end */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, 0, Ehdr, e_shnum, 0); /* extended count from section 0: huge */
	PUT(&m, GET(m.b, true, false, 0, Ehdr, e_shoff), Shdr, sh_size, UINT64_MAX / 2);
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.dyn_off + m.strsz_entry * dynent, Dyn, d_un, UINT64_MAX); /* DT_STRSZ huge */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.dyn_off + m.strtab_entry * dynent, Dyn, d_un, 0x7fff0000); /* unmapped */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.dyn_off, Dyn, d_un, 0xfffffff); /* DT_NEEDED past the strings */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	wr(&m, m.verneed_off + 8, 0x7ffffff0, 4); /* vn_aux past the end */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	wr(&m, m.verneed_off + 12, 0x7ffffff0, 4); /* vn_next past the end */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	wr(&m, m.verneed_off + 4, 0xffffff, 4); /* vn_file past the strings */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	for (size_t i = 0; i < m.dyn_count; i++) /* no DT_NULL */
		PUT(&m, m.dyn_off + i * dynent, Dyn, d_tag, DT_DEBUG);
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.phoff + sizeof(Elf64_Phdr), Phdr, p_type, PT_NOTE); /* no PT_DYNAMIC */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.phoff, Phdr, p_type, PT_NOTE); /* no PT_LOAD */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.phoff, Phdr, p_memsz, UINT64_MAX); /* segment wraps the address space */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, m.phoff, Phdr, p_align, 0x3000); /* not a power of two */
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	PUT(&m, 0, Ehdr, e_type, ET_REL);
	assert_refused(m.b, m.size, &hostile_edit);
	RESET();
	m.b[EI_CLASS] = 7;
	assert_refused(m.b, m.size, &hostile_edit);
#undef RESET
	free(orig);
	free(m.b);
}

/* Any single corrupted byte: a result or WA_EBADELF, never a crash (the
 * sanitizers watch every access). */
static void corrupted_bytes_never_crash(void **state)
{
	const struct spec *specs[] = {&spec64, &spec32be};
	static const unsigned char values[] = {0x00, 0xff, 0x7f, 0x80, 0x01};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct image m = build(specs[k]);

		for (size_t i = 0; i < m.size; i++) {
			for (size_t v = 0; v < sizeof(values); v++) {
				unsigned char saved = m.b[i];
				struct wa_error err;
				void *out = NULL;
				size_t size = 0;

				m.b[i] = values[v];
				int rc = wa_elf_patch(&out, &size, m.b, m.size, &hostile_edit,
						      "m.so", &err);
				assert_true(rc == 0 || rc == -WA_EBADELF);
				assert_true(rc == 0 || out == NULL);
				free(out);
				m.b[i] = saved;
			}
		}
		free(m.b);
	}
}

/* ----- compiled objects ----- */

static bool load_fixture(const char *path, unsigned char **bytes, size_t *size)
{
	FILE *f = fopen(path, "rb");
	long n;

	if (!f)
		return false;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	*bytes = malloc((size_t)n);
	assert_non_null(*bytes);
	assert_int_equal(fread(*bytes, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*size = (size_t)n;
	return true;
}

static void compiled_fixtures_are_patched(void **state)
{
	static const char *names[] = {"zmod.so", "tool.exe", "glibc234.so"};
	size_t done = 0;

	(void)state;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		char path[4096];
		unsigned char *b;
		size_t size;

		snprintf(path, sizeof(path), "%s/elf/%s", WA_FIXTURE_DIR, names[k]);
		if (!load_fixture(path, &b, &size))
			continue;
		struct wa_elf_rename r[] = {{"libz.so.1", "libz-0123abcd.so.1"},
					    {"libc.so.6", "libc.so.6"}};
		struct wa_elf_edit e = {.soname = "libwith-a-rather-long-soname-0123456789.so.1",
					.renames = r,
					.n_renames = 2,
					.rpath = "$ORIGIN/../pkg.libs"};
		struct patched p = patch_ok(b, size, &e);
		assert_grown(b, size, p.bytes, p.size);
		assert_string_equal(p.info->soname, e.soname);
		assert_int_equal(p.info->n_rpath, 1);
		assert_string_equal(p.info->rpath[0], "$ORIGIN/../pkg.libs");
		for (size_t i = 0; i < p.info->n_needed; i++)
			assert_string_not_equal(p.info->needed[i], "libz.so.1");
		for (size_t i = 0; i < p.info->n_needs; i++) {
			assert_string_not_equal(p.info->needs[i].library, "libz.so.1");
			if (strcmp(names[k], "zmod.so") == 0 &&
			    strncmp(p.info->needs[i].version, "ZLIB", 4) == 0)
				assert_string_equal(p.info->needs[i].library, "libz-0123abcd.so.1");
		}
		patched_free(&p);
		free(b);
		done++;
	}
	if (done == 0)
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shorter_rename_is_done_in_place),
		cmocka_unit_test(longer_rename_grows_64_le),
		cmocka_unit_test(grow_32_be_executable_moves_phdr_table),
		cmocka_unit_test(spare_dt_null_takes_a_new_entry_in_place),
		cmocka_unit_test(soname_without_spare_slot_moves_dynamic),
		cmocka_unit_test(string_table_only_growth_is_read_only),
		cmocka_unit_test(free_slot_after_phdr_table_is_used),
		cmocka_unit_test(tail_shared_string_is_not_overwritten),
		cmocka_unit_test(soname_shared_with_needed_is_not_overwritten),
		cmocka_unit_test(same_edit_twice_is_a_byte_identical_copy),
		cmocka_unit_test(absent_library_changes_nothing),
		cmocka_unit_test(renames_match_the_input_names_at_once),
		cmocka_unit_test(invalid_edit_is_an_internal_error),
		cmocka_unit_test(removed_needed_shifts_the_entries_up),
		cmocka_unit_test(removing_a_versioned_library_is_refused),
		cmocka_unit_test(removing_an_absent_library_changes_nothing),
		cmocka_unit_test(removal_frees_a_slot_for_an_added_entry),
		cmocka_unit_test(removal_combines_with_the_other_edits),
		cmocka_unit_test(empty_removal_is_an_internal_error),
		cmocka_unit_test(every_truncation_is_refused),
		cmocka_unit_test(wrong_fields_are_refused),
		cmocka_unit_test(corrupted_bytes_never_crash),
		cmocka_unit_test(compiled_fixtures_are_patched),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
