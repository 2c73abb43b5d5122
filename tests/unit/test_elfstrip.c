/* SPDX-License-Identifier: MIT */
/*
 * The ELF stripper (src/elfstrip.c) on files built by the fixtures: gcc
 * output with debug information (a versioned library, a PIE, a library
 * linked with --emit-relocs) and mkelf files for the layouts of
 * docs/elf-patching.md ("Stripping"): 32-bit big-endian and s390x, debug
 * sections numbered below .dynamic, the section header table before the
 * sections, extended numbering, more than 65280 sections, no section
 * headers, nothing to strip.  Results are read back with a small section
 * reader of our own and with wa_elf_inspect(); hostile variants of the
 * mkelf files must be refused with WA_EBADELF and never crash.  The tools
 * (eu-elflint, readelf, the loaders, qemu) check results in
 * tests/patch/patch_cases.py, cases strip_*.
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
#include "wheelaudit/elfstrip.h"

/* ===== reading ELF files (independently of the code under test) ===== */

#define OFF(is64, T, f) ((is64) ? offsetof(Elf64_##T, f) : offsetof(Elf32_##T, f))
#define WID(is64, T, f) ((is64) ? sizeof(((Elf64_##T *)0)->f) : sizeof(((Elf32_##T *)0)->f))
#define SZ(is64, T) ((is64) ? sizeof(Elf64_##T) : sizeof(Elf32_##T))

struct file {
	unsigned char *b;
	size_t size;
};

static uint64_t rd(const unsigned char *b, bool msb, size_t off, size_t width)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | b[msb ? off + i : off + width - 1 - i];
	return v;
}

static void wr(unsigned char *b, bool msb, size_t off, size_t width, uint64_t v)
{
	for (size_t i = 0; i < width; i++) {
		b[msb ? off + width - 1 - i : off + i] = (unsigned char)v;
		v >>= 8;
	}
}

#define GET(f, at, T, m) rd((f)->b, is_msb(f), (at) + OFF(is_64(f), T, m), WID(is_64(f), T, m))
#define SET(f, at, T, m, v)                                                                        \
	wr((f)->b, is_msb(f), (at) + OFF(is_64(f), T, m), WID(is_64(f), T, m), v)

static bool is_64(const struct file *f)
{
	return f->b[EI_CLASS] == ELFCLASS64;
}

static bool is_msb(const struct file *f)
{
	return f->b[EI_DATA] == ELFDATA2MSB;
}

struct sect {
	const char *name; /* into the file's bytes; "" when unnamed */
	uint32_t type, link, info;
	uint64_t flags, addr, offset, size, entsize;
};

struct layout {
	uint64_t shoff, phoff;
	size_t n_sh, n_ph, shstrndx, shent, phent;
	struct sect *sh;
};

/* The section headers of f, with extended numbering. */
static struct layout read_layout(const struct file *f)
{
	struct layout l = {0};
	bool w = is_64(f);

	l.shoff = GET(f, 0, Ehdr, e_shoff);
	l.phoff = GET(f, 0, Ehdr, e_phoff);
	l.n_ph = GET(f, 0, Ehdr, e_phnum);
	l.shent = SZ(w, Shdr);
	l.phent = SZ(w, Phdr);
	if (!l.shoff)
		return l;
	l.n_sh = GET(f, 0, Ehdr, e_shnum);
	if (l.n_sh == 0)
		l.n_sh = GET(f, l.shoff, Shdr, sh_size);
	l.shstrndx = GET(f, 0, Ehdr, e_shstrndx);
	if (l.shstrndx == SHN_XINDEX)
		l.shstrndx = GET(f, l.shoff, Shdr, sh_link);
	assert_true(l.shoff + l.n_sh * l.shent <= f->size);
	assert_true(l.shstrndx < l.n_sh);
	l.sh = calloc(l.n_sh, sizeof(*l.sh));
	assert_non_null(l.sh);
	for (size_t i = 0; i < l.n_sh; i++) {
		uint64_t at = l.shoff + i * l.shent;
		struct sect *s = &l.sh[i];

		*s = (struct sect){"",
				   GET(f, at, Shdr, sh_type),
				   GET(f, at, Shdr, sh_link),
				   GET(f, at, Shdr, sh_info),
				   GET(f, at, Shdr, sh_flags),
				   GET(f, at, Shdr, sh_addr),
				   GET(f, at, Shdr, sh_offset),
				   GET(f, at, Shdr, sh_size),
				   GET(f, at, Shdr, sh_entsize)};
		if (s->type != SHT_NOBITS && s->type != SHT_NULL)
			assert_true(s->offset <= f->size && s->size <= f->size - s->offset);
	}
	const struct sect *t = &l.sh[l.shstrndx];
	for (size_t i = 0; l.shstrndx && i < l.n_sh; i++) {
		uint64_t name = GET(f, l.shoff + i * l.shent, Shdr, sh_name);

		if (l.sh[i].type == SHT_NULL)
			continue;
		assert_true(name < t->size);
		assert_non_null(memchr(f->b + t->offset + name, 0, t->size - name));
		l.sh[i].name = (const char *)f->b + t->offset + name;
	}
	return l;
}

static const struct sect *find(const struct layout *l, const char *name)
{
	for (size_t i = 0; i < l->n_sh; i++)
		if (strcmp(l->sh[i].name, name) == 0)
			return &l->sh[i];
	return NULL;
}

static bool removable_name(const char *n)
{
	return strncmp(n, ".debug", 6) == 0 || strncmp(n, ".zdebug", 7) == 0 ||
	       strcmp(n, ".symtab") == 0 || strcmp(n, ".strtab") == 0 ||
	       strncmp(n, ".rela.debug", 11) == 0 || strncmp(n, ".rel.debug", 10) == 0;
}

/* ===== the properties every result has ===== */

/* The ELF header (but for the section header fields), the program header
 * table and every byte a segment covers are unchanged. */
static void assert_loader_view_kept(const struct file *in, const struct file *out)
{
	bool w = is_64(in);
	size_t ehsize = SZ(w, Ehdr);
	struct layout a = read_layout(in);
	unsigned char *h0 = malloc(ehsize), *h1 = malloc(ehsize);
	struct file x = {h0, ehsize}, y = {h1, ehsize};

	assert_non_null(h0);
	assert_non_null(h1);
	memcpy(h0, in->b, ehsize);
	memcpy(h1, out->b, ehsize);
	SET(&x, 0, Ehdr, e_shoff, 0);
	SET(&x, 0, Ehdr, e_shnum, 0);
	SET(&x, 0, Ehdr, e_shstrndx, 0);
	SET(&y, 0, Ehdr, e_shoff, 0);
	SET(&y, 0, Ehdr, e_shnum, 0);
	SET(&y, 0, Ehdr, e_shstrndx, 0);
	assert_memory_equal(h0, h1, ehsize);
	free(h0);
	free(h1);
	assert_true(out->size >= a.phoff + a.n_ph * a.phent);
	assert_memory_equal(in->b + a.phoff, out->b + a.phoff, a.n_ph * a.phent);
	for (size_t i = 0; i < a.n_ph; i++) {
		uint64_t at = a.phoff + i * a.phent;
		uint64_t off = GET(in, at, Phdr, p_offset), filesz = GET(in, at, Phdr, p_filesz);

		if (GET(in, at, Phdr, p_type) == PT_NULL || filesz == 0)
			continue;
		assert_true(off + filesz <= out->size);
		/* the ELF header's section fields are the only change */
		for (uint64_t k = off; k < off + filesz; k++)
			if (k >= ehsize && in->b[k] != out->b[k])
				fail_msg("segment %zu: byte %#llx changed", i,
					 (unsigned long long)k);
	}
	free(a.sh);
}

/* Every allocated section is where it was, with the same contents; no
 * removable section is left; every link names a section; every index a
 * dynamic symbol uses names the section it named before. */
static void assert_sections_stripped(const struct file *in, const struct file *out)
{
	struct layout a = read_layout(in), b = read_layout(out);
	bool w = is_64(in);
	size_t syment = SZ(w, Sym);

	for (size_t i = 1; i < a.n_sh; i++) {
		const struct sect *s = &a.sh[i], *t;

		if (!(s->flags & SHF_ALLOC) || s->type == SHT_NULL)
			continue;
		t = find(&b, s->name);
		assert_non_null(t);
		assert_int_equal(t->type, s->type);
		assert_int_equal(t->flags, s->flags);
		assert_int_equal(t->addr, s->addr);
		assert_int_equal(t->offset, s->offset);
		assert_int_equal(t->size, s->size);
		if (s->type != SHT_NOBITS)
			assert_memory_equal(in->b + s->offset, out->b + t->offset, s->size);
	}
	for (size_t i = 1; i < b.n_sh; i++) {
		const struct sect *t = &b.sh[i], *s;

		assert_false(removable_name(t->name));
		assert_int_not_equal(t->type, SHT_SYMTAB);
		assert_true(t->link < b.n_sh);
		if (t->type == SHT_REL || t->type == SHT_RELA)
			assert_true(t->info < b.n_sh);
		if (t->type == SHT_NULL || t->type == SHT_NOBITS || t->size == 0 ||
		    (t->flags & SHF_ALLOC) || i == b.shstrndx)
			continue;
		/* a kept non-allocated section has its old contents */
		s = find(&a, t->name);
		assert_non_null(s);
		assert_int_equal(t->size, s->size);
		assert_memory_equal(in->b + s->offset, out->b + t->offset, s->size);
	}
	for (size_t i = 1; i < a.n_sh; i++) {
		const struct sect *s = &a.sh[i];

		if (s->type != SHT_DYNSYM)
			continue;
		for (uint64_t at = s->offset; at + syment <= s->offset + s->size; at += syment) {
			uint64_t ndx = GET(in, at, Sym, st_shndx);

			if (ndx == SHN_UNDEF || ndx >= SHN_LORESERVE)
				continue;
			assert_true(ndx < b.n_sh);
			assert_string_equal(b.sh[ndx].name, a.sh[ndx].name);
			assert_int_equal(b.sh[ndx].addr, a.sh[ndx].addr);
		}
	}
	free(a.sh);
	free(b.sh);
}

/* What the loader-level inspection sees is the same. */
static void assert_same_inspection(const struct file *in, const struct file *out)
{
	struct wa_elf_info *a = NULL, *b = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	if (wa_elf_inspect(&a, in->b, in->size, "m.so", &err) != 0)
		return; /* mkelf's foreign machines are inspected all the same; a
			   file inspection refuses says nothing here */
	if (wa_elf_inspect(&b, out->b, out->size, "m.so", &err) != 0)
		fail_msg("the stripped file does not inspect: %s", err.message);
	assert_int_equal(a->n_needed, b->n_needed);
	for (size_t i = 0; i < a->n_needed; i++)
		assert_string_equal(a->needed[i], b->needed[i]);
	assert_true((a->soname == NULL) == (b->soname == NULL));
	if (a->soname)
		assert_string_equal(a->soname, b->soname);
	assert_int_equal(a->n_needs, b->n_needs);
	for (size_t i = 0; i < a->n_needs; i++) {
		assert_string_equal(a->needs[i].library, b->needs[i].library);
		assert_string_equal(a->needs[i].version, b->needs[i].version);
	}
	assert_int_equal(a->n_undefs, b->n_undefs);
	assert_int_equal(a->n_dynsyms, b->n_dynsyms);
	assert_int_equal(b->n_notes, 0); /* sections agree with the dynamic data */
	wa_elf_info_free(a);
	wa_elf_info_free(b);
}

static struct file strip_ok(const struct file *in)
{
	struct file out = {0};
	struct wa_error err;
	void *bytes = NULL;

	wa_error_clear(&err);
	if (wa_elf_strip(&bytes, &out.size, in->b, in->size, "m.so", &err) != 0)
		fail_msg("strip failed: %s", err.message);
	out.b = bytes;
	return out;
}

/* Strips in and checks everything; returns the result. */
static struct file strip_checked(const struct file *in)
{
	struct file out = strip_ok(in), again;

	assert_loader_view_kept(in, &out);
	assert_sections_stripped(in, &out);
	assert_same_inspection(in, &out);
	again = strip_ok(&out);
	assert_int_equal(again.size, out.size); /* idempotent */
	assert_memory_equal(again.b, out.b, out.size);
	free(again.b);
	return out;
}

static void assert_refused(const struct file *in, const char *why)
{
	struct wa_error err;
	void *out = (void *)1;
	size_t size = 1;

	wa_error_clear(&err);
	assert_int_equal(wa_elf_strip(&out, &size, in->b, in->size, "m.so", &err), -WA_EBADELF);
	assert_int_equal(err.code, WA_EBADELF);
	assert_string_equal(err.member, "m.so");
	assert_null(out);
	assert_int_equal(size, 0);
	if (why && !strstr(err.message, why))
		fail_msg("refused for \"%s\", expected a message with \"%s\"", err.message, why);
}

/* ===== fixtures ===== */

static bool load(const char *name, struct file *f)
{
	char path[4096];
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/elf/%s", WA_FIXTURE_DIR, name);
	fp = fopen(path, "rb");
	if (!fp)
		return false;
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	f->b = malloc((size_t)n);
	assert_non_null(f->b);
	assert_int_equal(fread(f->b, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	f->size = (size_t)n;
	return true;
}

/* mkelf fixtures are always built (the tool is ours). */
static struct file must_load(const char *name)
{
	struct file f;

	if (!load(name, &f))
		fail_msg("fixture %s was not built", name);
	return f;
}

static size_t count_type(const struct layout *l, uint32_t type)
{
	size_t n = 0;

	for (size_t i = 1; i < l->n_sh; i++)
		n += l->sh[i].type == type;
	return n;
}

/* ===== compiled objects ===== */

static void gcc_debug_output_is_stripped(void **state)
{
	static const char *names[] = {"debug_lib.so", "debug_prog.exe"};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct file in = must_load(names[k]), out;
		struct layout a = read_layout(&in), b;

		assert_non_null(find(&a, ".debug_info")); /* built with -g */
		assert_non_null(find(&a, ".symtab"));
		out = strip_checked(&in);
		b = read_layout(&out);
		assert_true(out.size < in.size);
		assert_null(find(&b, ".symtab"));
		assert_null(find(&b, ".strtab"));
		assert_non_null(find(&b, ".comment")); /* as strip --strip-all */
		assert_non_null(find(&b, ".shstrtab"));
		/* every section but those removed, none inactive */
		assert_int_equal(count_type(&b, SHT_NULL), 0);
		size_t removed = 0;
		for (size_t i = 1; i < a.n_sh; i++)
			removed += removable_name(a.sh[i].name);
		assert_int_equal(b.n_sh, a.n_sh - removed);
		/* the section header table follows the last kept section */
		assert_int_equal(b.shoff + b.n_sh * b.shent, out.size);
		free(a.sh);
		free(b.sh);
		free(in.b);
		free(out.b);
	}
}

/* --emit-relocs leaves non-allocated relocation sections between the
 * allocated ones; .dynsym names .text by index after them.  Those below
 * become inactive headers, so .dynsym is still right. */
static void removed_sections_below_dynsym_indices_become_inactive(void **state)
{
	struct file in = must_load("debug_relocs.so"), out;
	struct layout a = read_layout(&in), b;
	size_t below = 0;

	(void)state;
	out = strip_checked(&in);
	b = read_layout(&out);
	const struct sect *text = find(&a, ".text");
	assert_non_null(text);
	for (size_t i = 1; text && &a.sh[i] < text; i++)
		below += a.sh[i].type == SHT_RELA && !(a.sh[i].flags & SHF_ALLOC);
	assert_true(below > 0); /* the linker did what this test is about */
	assert_int_equal(count_type(&b, SHT_NULL), below);
	assert_int_equal(find(&b, ".text") - b.sh, text - a.sh);
	assert_int_equal(count_type(&b, SHT_RELA), 2); /* .rela.dyn, .rela.plt */
	free(a.sh);
	free(b.sh);
	free(in.b);
	free(out.b);
}

static void patch_and_strip_in_either_order(void **state)
{
	struct file in = must_load("debug_lib.so");
	struct wa_elf_rename r = {"libc.so.6", "libc-0123abcd.so.6"};
	struct wa_elf_edit e = {.soname = "libb-89abcdef.so.1",
				.renames = &r,
				.n_renames = 1,
				.rpath = "$ORIGIN/../a/long/enough/path/to/grow/the/string/table"};
	struct wa_error err;
	struct file patched = {0}, ps, sp = {0}, s;
	void *bytes;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_elf_patch(&bytes, &patched.size, in.b, in.size, &e, "m.so", &err), 0);
	patched.b = bytes;
	assert_true(patched.size > in.size);
	/* patch, then strip: the new segment ends the file, so removed
	 * sections below it are zeroed, not dropped; the headers stay */
	ps = strip_checked(&patched);
	assert_true(ps.size <= patched.size);
	struct layout lp = read_layout(&patched);
	const struct sect *info = find(&lp, ".debug_info");
	assert_non_null(info);
	for (uint64_t k = info->offset; k < info->offset + info->size; k++)
		assert_int_equal(ps.b[k], 0);
	/* strip, then patch: the file shrinks, then grows by the segment */
	s = strip_checked(&in);
	assert_int_equal(wa_elf_patch(&bytes, &sp.size, s.b, s.size, &e, "m.so", &err), 0);
	sp.b = bytes;
	assert_true(sp.size < patched.size);
	assert_same_inspection(&ps, &sp);
	free(lp.sh);
	free(in.b);
	free(patched.b);
	free(ps.b);
	free(s.b);
	free(sp.b);
}

/* ===== synthesized layouts ===== */

static void mkelf_layouts_are_stripped(void **state)
{
	static const char *names[] = {"strip_x86_64.so",    "strip_ppc32be.so",
				      "strip_s390x.so",     "strip_debug_early.so",
				      "strip_sht_first.so", "strip_xindex.so"};

	(void)state;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct file in = must_load(names[k]), out = strip_checked(&in);
		struct layout b = read_layout(&out);

		assert_true(out.size < in.size);
		assert_non_null(find(&b, ".comment"));
		assert_non_null(find(&b, ".dynamic"));
		/* extended numbering only where the counts need it */
		assert_int_not_equal(rd(out.b, is_msb(&out), OFF(is_64(&out), Ehdr, e_shnum), 2),
				     0);
		assert_int_not_equal(rd(out.b, is_msb(&out), OFF(is_64(&out), Ehdr, e_shstrndx), 2),
				     SHN_XINDEX);
		/* the debug sections numbered below .dynamic (which a dynamic
		 * symbol names) left inactive headers */
		assert_int_equal(count_type(&b, SHT_NULL), k == 3 ? 4 : 0);
		free(b.sh);
		free(in.b);
		free(out.b);
	}
}

static void extended_numbering_stays_when_needed(void **state)
{
	struct file in = must_load("strip_many.so"), out = strip_checked(&in);
	struct layout a = read_layout(&in), b = read_layout(&out);

	(void)state;
	assert_true(b.n_sh >= SHN_LORESERVE);
	assert_int_equal(b.n_sh, a.n_sh - 6); /* 3 debug, .rela.debug_info, .symtab, .strtab */
	assert_int_equal(rd(out.b, is_msb(&out), OFF(true, Ehdr, e_shnum), 2), 0);
	assert_int_equal(rd(out.b, is_msb(&out), OFF(true, Ehdr, e_shstrndx), 2), SHN_XINDEX);
	assert_string_equal(b.sh[b.shstrndx].name, ".shstrtab");
	free(a.sh);
	free(b.sh);
	free(in.b);
	free(out.b);
}

static void nothing_to_strip_is_a_byte_copy(void **state)
{
	static const char *names[] = {"strip_clean.so", "x86_64_nosh_236.so"};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct file in = must_load(names[k]), out = strip_ok(&in);

		assert_int_equal(out.size, in.size);
		assert_memory_equal(out.b, in.b, in.size);
		free(in.b);
		free(out.b);
	}
}

/* ===== hostile input ===== */

/* Section i's header field, read and written in place. */
static size_t shdr_at(const struct file *f, size_t i)
{
	struct layout l = read_layout(f);
	size_t at = l.shoff + i * l.shent;

	free(l.sh);
	return at;
}

static size_t index_of(const struct file *f, const char *name)
{
	struct layout l = read_layout(f);
	const struct sect *s = find(&l, name);
	size_t i;

	assert_non_null(s);
	i = (size_t)(s - l.sh);
	free(l.sh);
	return i;
}

static void forged_fields_are_refused(void **state)
{
	static const char *names[] = {"strip_x86_64.so", "strip_ppc32be.so"};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct file f = must_load(names[k]);
		unsigned char *orig = malloc(f.size);
		size_t comment = index_of(&f, ".comment"), symtab = index_of(&f, ".symtab");
		size_t c_at = shdr_at(&f, comment), at;

		assert_non_null(orig);
		memcpy(orig, f.b, f.size);
#define RESET() memcpy(f.b, orig, f.size)
		SET(&f, c_at, Shdr, sh_link, 999); /* a kept section links nowhere */
		assert_refused(&f, "does not exist");
		RESET();
		/* .symtab as a plain section is kept (and .strtab with it): two
		 * kept sections after the segment that share bytes */
		SET(&f, shdr_at(&f, symtab), Shdr, sh_type, SHT_PROGBITS);
		SET(&f, shdr_at(&f, symtab), Shdr, sh_size,
		    GET(&f, shdr_at(&f, symtab), Shdr, sh_size) + 8);
		assert_refused(&f, "share bytes");
		RESET();
		SET(&f, c_at, Shdr, sh_offset, f.size - 2); /* past the end */
		assert_refused(&f, "outside the file");
		RESET();
		SET(&f, c_at, Shdr, sh_name, 0xffffff); /* no name */
		assert_refused(&f, "no name");
		RESET();
		SET(&f, 0, Ehdr, e_shstrndx, 999);
		assert_refused(&f, "e_shstrndx");
		RESET();
		SET(&f, 0, Ehdr, e_shentsize, 7);
		assert_refused(&f, "e_shentsize");
		RESET();
		SET(&f, 0, Ehdr, e_shoff, f.size - 8);
		assert_refused(&f, "outside the file");
		RESET();
		SET(&f, 0, Ehdr, e_shnum, 0); /* extended count from section 0: huge */
		SET(&f, GET(&f, 0, Ehdr, e_shoff), Shdr, sh_size, UINT32_MAX);
		assert_refused(&f, "outside the file");
		RESET();
		/* the header's own bytes as program headers (in the 32-bit file the
		 * first of them already lies outside the file) */
		SET(&f, 0, Ehdr, e_phoff, 0);
		assert_refused(&f, k == 0 ? "the program header table lies on the ELF header's"
					  : "segment 0 lies outside");
		RESET();
		/* the second program header (PT_DYNAMIC) as a note over e_shoff */
		at = GET(&f, 0, Ehdr, e_phoff) + SZ(is_64(&f), Phdr);
		SET(&f, at, Phdr, p_type, PT_NOTE);
		SET(&f, at, Phdr, p_offset, 32);
		SET(&f, at, Phdr, p_filesz, 16);
		assert_refused(&f, "a segment other than PT_LOAD lies on");
		RESET();
		SET(&f, 0, Ehdr, e_type, ET_REL);
		assert_refused(&f, "only executables and shared objects");
		RESET();
		SET(&f, 0, Ehdr, e_phnum, PN_XNUM);
		assert_refused(&f, "PN_XNUM");
		RESET();
		SET(&f, GET(&f, 0, Ehdr, e_phoff), Phdr, p_filesz, f.size * 2);
		assert_refused(&f, "segment 0 lies outside");
		RESET();
		f.b[EI_CLASS] = 9;
		assert_refused(&f, "class");
		RESET();
		memcpy(f.b,
		       "\x7f"
		       "ELG",
		       4);
		assert_refused(&f, "not an ELF file");
#undef RESET
		free(orig);
		free(f.b);
	}
}

/* An inactive (SHT_NULL) header may hold anything; the result has zeros
 * there, not a range past its end (wa_elf_inspect checks them all). */
static void inactive_headers_are_written_as_zeros(void **state)
{
	struct file f = must_load("strip_x86_64.so"), out;
	size_t comment = index_of(&f, ".comment"), at = shdr_at(&f, comment);
	struct wa_elf_info *info = NULL;
	struct wa_error err;

	(void)state;
	/* its old bytes, now claimed by no section, must read as padding */
	memset(f.b + GET(&f, at, Shdr, sh_offset), 0, GET(&f, at, Shdr, sh_size));
	SET(&f, at, Shdr, sh_type, SHT_NULL);
	SET(&f, at, Shdr, sh_offset, f.size - 16);
	SET(&f, at, Shdr, sh_size, 4096);
	out = strip_ok(&f);
	struct layout b = read_layout(&out);
	assert_int_equal(b.sh[comment].type, SHT_NULL);
	assert_int_equal(b.sh[comment].offset, 0);
	assert_int_equal(b.sh[comment].size, 0);
	wa_error_clear(&err);
	if (wa_elf_inspect(&info, out.b, out.size, "m.so", &err) != 0)
		fail_msg("%s", err.message);
	wa_elf_info_free(info);
	free(b.sh);
	free(out.b);
	free(f.b);
}

/* Bytes after the sections that belong to none are padding when zero
 * (dropped), data appended to the file otherwise (refused). */
static void appended_data_is_refused_padding_dropped(void **state)
{
	struct file in = must_load("strip_x86_64.so"), f, out;

	(void)state;
	f.size = in.size + 64;
	f.b = calloc(f.size, 1);
	assert_non_null(f.b);
	memcpy(f.b, in.b, in.size);
	out = strip_ok(&f);
	struct file plain = strip_ok(&in);
	assert_int_equal(out.size, plain.size);
	assert_memory_equal(out.b, plain.b, plain.size);
	memcpy(f.b + in.size + 10, "PAYLOAD", 7);
	assert_refused(&f, "belong to no section");
	free(plain.b);
	free(out.b);
	free(f.b);
	free(in.b);
}

static void every_truncation_is_handled(void **state)
{
	static const char *names[] = {"strip_x86_64.so", "strip_ppc32be.so"};

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		struct file in = must_load(names[k]);

		for (size_t n = 0; n < in.size; n++) {
			struct file cut = {malloc(n ? n : 1), n};
			struct wa_error err;
			void *out = NULL;
			size_t size = 0;

			memcpy(cut.b, in.b, n);
			/* the section header table is last: every cut loses it */
			assert_int_equal(wa_elf_strip(&out, &size, cut.b, n, "m.so", &err),
					 -WA_EBADELF);
			assert_null(out);
			free(cut.b);
		}
		free(in.b);
	}
}

/* Any single corrupted byte: a result or WA_EBADELF, never a crash (the
 * sanitizers watch every access); a result strips to itself. */
static void corrupted_bytes_never_crash(void **state)
{
	static const char *names[] = {"strip_x86_64.so", "strip_ppc32be.so",
				      "strip_debug_early.so"};
	static const unsigned char values[] = {0x00, 0xff, 0x7f, 0x80, 0x01, 0x10};

	(void)state;
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
		struct file m = must_load(names[k]);

		for (size_t i = 0; i < m.size; i++) {
			for (size_t v = 0; v < sizeof(values); v++) {
				unsigned char saved = m.b[i];
				struct wa_error err;
				void *out = NULL, *again = NULL;
				size_t size = 0, again_size = 0;

				m.b[i] = values[v];
				int rc = wa_elf_strip(&out, &size, m.b, m.size, "m.so", &err);
				assert_true(rc == 0 || rc == -WA_EBADELF);
				assert_true(rc == 0 || out == NULL);
				if (rc == 0) {
					assert_int_equal(wa_elf_strip(&again, &again_size, out,
								      size, "m.so", &err),
							 0);
					assert_int_equal(again_size, size);
					assert_memory_equal(again, out, size);
				}
				free(out);
				free(again);
				m.b[i] = saved;
			}
		}
		free(m.b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gcc_debug_output_is_stripped),
		cmocka_unit_test(removed_sections_below_dynsym_indices_become_inactive),
		cmocka_unit_test(patch_and_strip_in_either_order),
		cmocka_unit_test(mkelf_layouts_are_stripped),
		cmocka_unit_test(extended_numbering_stays_when_needed),
		cmocka_unit_test(nothing_to_strip_is_a_byte_copy),
		cmocka_unit_test(forged_fields_are_refused),
		cmocka_unit_test(inactive_headers_are_written_as_zeros),
		cmocka_unit_test(appended_data_is_refused_padding_dropped),
		cmocka_unit_test(every_truncation_is_handled),
		cmocka_unit_test(corrupted_bytes_never_crash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
