/* SPDX-License-Identifier: MIT */
/*
 * The ELF stripper: removes the symbol table, debug information and the
 * sections that only describe them from an executable or shared object
 * held in memory.
 *
 * The loader reads program headers and the segments they map; it never
 * reads a section header.  So everything up to the end of the last
 * segment's file bytes is kept exactly as it was, and only what lies
 * beyond it (the non-allocated sections, the section names, the section
 * header table) is laid out again.  Work happens in four steps:
 *   1. read the ELF header, the program headers and the section headers,
 *      checking every offset, size and count (any violation: WA_EBADELF);
 *   2. choose: the symbol tables, their strings and the debug sections go,
 *      so do non-allocated sections that only describe a removed one
 *      (their relocations); a section something kept refers to stays;
 *   3. number: kept sections keep their order; a removed one below the
 *      highest section index a kept symbol table uses (.dynsym's st_shndx,
 *      which we never rewrite) becomes an inactive SHT_NULL header, so
 *      those indices still name the same sections; the rest vanish;
 *   4. lay out and write: the kept bytes, then the kept non-allocated
 *      sections, the rebuilt name table and the section header table.
 * Design, the section-by-section choices and the refused cases:
 * docs/elf-patching.md, "Stripping".
 */
#include "wheelaudit/elfstrip.h"
#include "elf_field.h"
#include "wheelaudit/bytes.h"

#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A moved section keeps its offset modulo its sh_addralign, but modulo no
 * more than a page: for a non-allocated section the field constrains an
 * address it does not have, and a forged huge value must not pad the
 * file. */
#define MAX_ALIGN 4096

/* No new index: the section header vanishes from the result. */
#define GONE_INDEX SIZE_MAX

enum { UNSEEN, OPEN, REMOVED, KEPT };

struct sec {
	uint32_t name, type, link, info;
	uint64_t flags, offset, size, addralign;
	const char *sname; /* NULL when the file has no section name table */
	bool candidate;    /* removed for what it is (before what refers to it) */
	unsigned char state;
	size_t new_index;
	uint64_t new_offset;
	bool moved; /* written after the kept bytes, at new_offset */
	uint32_t new_name;
};

struct range {
	uint64_t off, len;
};

struct strip {
	const unsigned char *bytes;
	size_t size;
	bool is64, msb;
	const char *member;
	struct wa_error *err;

	uint64_t phoff;
	size_t phentsize, n_ph;

	uint64_t shoff;
	size_t shentsize, n_sh;
	size_t shstrndx; /* 0: no section name table */
	struct sec *sh;

	uint64_t keep_end;       /* bytes [0, keep_end) are kept where they are */
	const char *over_fields; /* what lies on e_shoff/e_shnum/e_shstrndx, or NULL */
	struct range *prot;      /* sorted, disjoint: bytes never zeroed or overwritten */
	size_t n_prot, cap_prot;

	size_t n_removed, pin, n_out;

	bool rebuild; /* the name table is rebuilt (else kept like any section) */
	unsigned char *names;
	size_t names_size;
	uint64_t names_off, sht_off, out_size;
};

static bool in_file(const struct strip *st, uint64_t off, uint64_t len)
{
	return off <= st->size && len <= st->size - off;
}

static uint64_t get(const struct strip *st, uint64_t at, struct field f)
{
	return wa_load_uint(st->bytes + at + f.off, f.width, st->msb);
}

static void put(const struct strip *st, unsigned char *out, uint64_t at, struct field f, uint64_t v)
{
	wa_store_uint(out + at + f.off, f.width, st->msb, v);
}

static int bad(const struct strip *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const struct strip *st, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return wa_error_set(st->err, WA_EBADELF, st->member, "cannot strip ELF file: %s", what);
}

static int nomem(const struct strip *st)
{
	return wa_error_set(st->err, WA_ENOMEM, st->member, "out of memory");
}

static bool has_bytes(const struct sec *s)
{
	return s->type != SHT_NULL && s->type != SHT_NOBITS && s->size > 0;
}

static bool is_alloc(const struct sec *s)
{
	return (s->flags & SHF_ALLOC) != 0;
}

/* sh_info is a section index for relocations and with SHF_INFO_LINK; for
 * other types it counts something (symbols, versions). */
static bool info_is_index(const struct sec *s)
{
	return s->type == SHT_REL || s->type == SHT_RELA || (s->flags & SHF_INFO_LINK);
}

/* Writes "section [i] 'name'" into buf, for messages. */
static const char *describe(const struct strip *st, size_t i, char *buf, size_t size)
{
	const char *n = i < st->n_sh ? st->sh[i].sname : NULL;

	if (n && n[0])
		snprintf(buf, size, "section [%zu] '%.64s'", i, n);
	else
		snprintf(buf, size, "section [%zu]", i);
	return buf;
}

/* ===== 1. reading ===== */

/* *no_sections: the file has no section header table (nothing to strip). */
static int parse_ehdr(struct strip *st, bool *no_sections)
{
	const unsigned char *b = st->bytes;
	bool w;

	*no_sections = false;
	if (st->size < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) != 0)
		return bad(st, "not an ELF file");
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return bad(st, "unknown ELF class %u", b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB && b[EI_DATA] != ELFDATA2MSB)
		return bad(st, "unknown byte order %u", b[EI_DATA]);
	w = st->is64 = b[EI_CLASS] == ELFCLASS64;
	st->msb = b[EI_DATA] == ELFDATA2MSB;
	if (st->size < SIZEOF(w, Ehdr))
		return bad(st, "truncated ELF header");

	/* A relocatable object needs its symbol table; a core file has nothing
	 * of this kind to remove. */
	uint64_t type = get(st, 0, FIELD(w, Ehdr, e_type));
	if (type != ET_EXEC && type != ET_DYN)
		return bad(st, "only executables and shared objects can be stripped (e_type %llu)",
			   (unsigned long long)type);

	st->phoff = get(st, 0, FIELD(w, Ehdr, e_phoff));
	st->phentsize = get(st, 0, FIELD(w, Ehdr, e_phentsize));
	st->n_ph = get(st, 0, FIELD(w, Ehdr, e_phnum));
	if (st->n_ph == PN_XNUM)
		return bad(st, "extended program header numbering (PN_XNUM) is not supported");
	if (st->n_ph && st->phentsize != SIZEOF(w, Phdr))
		return bad(st, "e_phentsize is %zu", st->phentsize);
	if (!in_file(st, st->phoff, (uint64_t)st->n_ph * st->phentsize))
		return bad(st, "the program header table lies outside the file");

	st->shoff = get(st, 0, FIELD(w, Ehdr, e_shoff));
	if (st->shoff == 0) {
		*no_sections = true;
		return 0;
	}
	st->shentsize = get(st, 0, FIELD(w, Ehdr, e_shentsize));
	if (st->shentsize != SIZEOF(w, Shdr))
		return bad(st, "e_shentsize is %zu", st->shentsize);
	if (!in_file(st, st->shoff, st->shentsize))
		return bad(st, "the section header table lies outside the file");
	/* Extended numbering: with e_shnum 0 the count is section 0's sh_size,
	 * with e_shstrndx SHN_XINDEX the index is section 0's sh_link. */
	uint64_t n = get(st, 0, FIELD(w, Ehdr, e_shnum));
	if (n == 0)
		n = get(st, st->shoff, FIELD(w, Shdr, sh_size));
	if (n > (st->size - st->shoff) / st->shentsize)
		return bad(st, "the section header table lies outside the file");
	st->n_sh = n;
	if (n == 0) {
		*no_sections = true;
		return 0;
	}
	uint64_t strndx = get(st, 0, FIELD(w, Ehdr, e_shstrndx));
	if (strndx == SHN_XINDEX)
		strndx = get(st, st->shoff, FIELD(w, Shdr, sh_link));
	if (strndx >= n)
		return bad(st, "e_shstrndx %llu is not a section", (unsigned long long)strndx);
	st->shstrndx = strndx;
	return 0;
}

static int add_prot(struct strip *st, uint64_t off, uint64_t len)
{
	if (len == 0)
		return 0;
	if (st->n_prot == st->cap_prot) {
		size_t cap = st->cap_prot ? st->cap_prot * 2 : 32;
		struct range *r = realloc(st->prot, cap * sizeof(*r));

		if (!r)
			return nomem(st);
		st->prot = r;
		st->cap_prot = cap;
	}
	st->prot[st->n_prot++] = (struct range){off, len};
	return 0;
}

static void extend_keep(struct strip *st, uint64_t end)
{
	if (end > st->keep_end)
		st->keep_end = end;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* Whether [off, off+len) shares bytes with e_shoff, e_shnum or e_shstrndx,
 * the ELF header fields a result rewrites. */
static bool on_section_fields(const struct strip *st, uint64_t off, uint64_t len)
{
	struct field f[] = {FIELD(st->is64, Ehdr, e_shoff), FIELD(st->is64, Ehdr, e_shnum),
			    FIELD(st->is64, Ehdr, e_shstrndx)};

	for (size_t i = 0; i < 3; i++)
		if (ranges_overlap(off, len, f[i].off, f[i].width))
			return true;
	return false;
}

/* Every byte a segment describes is kept, whatever its type: the loader
 * maps PT_LOAD, and the others (notes, PT_INTERP, ...) lie inside them in
 * any linker's output; a forged one outside is kept too.  Only a PT_LOAD
 * may cover the ELF header's section fields, which a result rewrites (the
 * loader maps the header but reads none of them); a program header table
 * or another segment there would change (forged files). */
static int parse_phdrs(struct strip *st)
{
	bool w = st->is64;
	int rc;

	if (st->n_ph && on_section_fields(st, st->phoff, st->n_ph * st->phentsize))
		st->over_fields = "the program header table";

	extend_keep(st, SIZEOF(w, Ehdr));
	if ((rc = add_prot(st, 0, SIZEOF(w, Ehdr))))
		return rc;
	if (st->n_ph) {
		extend_keep(st, st->phoff + st->n_ph * st->phentsize);
		if ((rc = add_prot(st, st->phoff, st->n_ph * st->phentsize)))
			return rc;
	}
	for (size_t i = 0; i < st->n_ph; i++) {
		uint64_t at = st->phoff + i * st->phentsize;
		uint64_t type = get(st, at, FIELD(w, Phdr, p_type));
		uint64_t off = get(st, at, FIELD(w, Phdr, p_offset));
		uint64_t filesz = get(st, at, FIELD(w, Phdr, p_filesz));

		if (type == PT_NULL || filesz == 0)
			continue;
		if (!in_file(st, off, filesz))
			return bad(st, "segment %zu lies outside the file", i);
		if (type != PT_LOAD && on_section_fields(st, off, filesz))
			st->over_fields = "a segment other than PT_LOAD";
		extend_keep(st, off + filesz);
		if ((rc = add_prot(st, off, filesz)))
			return rc;
	}
	return 0;
}

static int parse_shdrs(struct strip *st)
{
	bool w = st->is64;
	char d[96];

	st->sh = calloc(st->n_sh, sizeof(*st->sh));
	if (!st->sh)
		return nomem(st);
	for (size_t i = 0; i < st->n_sh; i++) {
		uint64_t at = st->shoff + i * st->shentsize;
		struct sec *s = &st->sh[i];

		s->name = get(st, at, FIELD(w, Shdr, sh_name));
		s->type = get(st, at, FIELD(w, Shdr, sh_type));
		s->flags = get(st, at, FIELD(w, Shdr, sh_flags));
		s->offset = get(st, at, FIELD(w, Shdr, sh_offset));
		s->size = get(st, at, FIELD(w, Shdr, sh_size));
		s->link = get(st, at, FIELD(w, Shdr, sh_link));
		s->info = get(st, at, FIELD(w, Shdr, sh_info));
		s->addralign = get(st, at, FIELD(w, Shdr, sh_addralign));
		s->new_offset = s->offset;
		if (i == 0 || s->type == SHT_NULL)
			continue; /* inactive: its other fields mean nothing */
		if (has_bytes(s) && !in_file(st, s->offset, s->size))
			return bad(st, "%s lies outside the file", describe(st, i, d, sizeof(d)));
		/* allocated contents are what the loader maps: they stay */
		if (is_alloc(s) && has_bytes(s)) {
			extend_keep(st, s->offset + s->size);
			if (on_section_fields(st, s->offset, s->size))
				st->over_fields = "an allocated section";
		}
	}
	if (!st->shstrndx)
		return 0;
	const struct sec *t = &st->sh[st->shstrndx];
	if (!has_bytes(t))
		return bad(st, "the section name table (section [%zu]) has no contents",
			   st->shstrndx);
	const char *base = (const char *)st->bytes + t->offset;
	for (size_t i = 1; i < st->n_sh; i++) {
		struct sec *s = &st->sh[i];

		if (s->type == SHT_NULL)
			continue;
		if (s->name >= t->size || !memchr(base + s->name, '\0', t->size - s->name))
			return bad(st, "section [%zu] has no name in the section name table", i);
		s->sname = base + s->name;
	}
	return 0;
}

/* ===== 2. choosing ===== */

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Debug information by name, as binutils and the debuggers know it: DWARF
 * (.debug*, compressed .zdebug*, LTO's .gnu.debuglto_*, DWARF 1's .line and
 * .gnu.linkonce.wi.*), stabs, MIPS ECOFF .mdebug and GDB's index of
 * .debug_info.  The links to separate debug files (.gnu_debuglink,
 * .gnu_debugaltlink) stay: they are how a debugger finds what we removed. */
static bool is_debug_name(const char *n)
{
	return starts_with(n, ".debug") || starts_with(n, ".zdebug") ||
	       starts_with(n, ".gnu.debuglto_") || starts_with(n, ".gnu.linkonce.wi.") ||
	       strcmp(n, ".line") == 0 || strcmp(n, ".stab") == 0 || strcmp(n, ".stabstr") == 0 ||
	       starts_with(n, ".stab.") || strcmp(n, ".mdebug") == 0 ||
	       strcmp(n, ".gdb_index") == 0;
}

/* A section whose fate does not depend on others: allocated ones, the name
 * table and inactive headers stay; candidates go. */
static bool fate_is_fixed(const struct strip *st, size_t i)
{
	const struct sec *s = &st->sh[i];

	return s->candidate || is_alloc(s) || s->type == SHT_NULL || i == st->shstrndx;
}

/* The sections s refers to by index: sh_link, and sh_info where it is an
 * index.  Out-of-range values are left out (checked when numbering). */
static size_t deps_of(const struct strip *st, size_t i, size_t dep[2])
{
	const struct sec *s = &st->sh[i];
	size_t n = 0;

	if (s->type == SHT_NULL)
		return 0;
	if (s->link && s->link < st->n_sh)
		dep[n++] = s->link;
	if (info_is_index(s) && s->info && s->info < st->n_sh)
		dep[n++] = s->info;
	return n;
}

static void mark_candidates(struct strip *st)
{
	for (size_t i = 1; i < st->n_sh; i++) {
		struct sec *s = &st->sh[i];

		if (is_alloc(s) || s->type == SHT_NULL || i == st->shstrndx)
			continue;
		if (s->type == SHT_SYMTAB) {
			s->candidate = true;
			/* its string table, unless it is something we keep anyway */
			if (s->link && s->link < st->n_sh && s->link != st->shstrndx &&
			    st->sh[s->link].type == SHT_STRTAB && !is_alloc(&st->sh[s->link]))
				st->sh[s->link].candidate = true;
		} else if (s->sname && is_debug_name(s->sname)) {
			s->candidate = true;
		}
	}
}

/*
 * The fate of every section: a candidate goes; a non-allocated section
 * whose sh_link is a removed section, or a relocation section whose sh_info
 * is one, goes with it (the relocations of a debug section, the
 * --emit-relocs relocations against .symtab, SHT_SYMTAB_SHNDX); everything
 * else stays.  A depth-first walk with an explicit stack (forged link
 * chains can be as long as the table); a cycle counts as kept.
 */
static int resolve(struct strip *st)
{
	size_t cap = 3 * st->n_sh + 1, top = 0;
	size_t *stack = malloc(cap * sizeof(*stack));

	if (!stack)
		return nomem(st);
	st->sh[0].state = KEPT;
	for (size_t r = 1; r < st->n_sh; r++) {
		if (st->sh[r].state != UNSEEN)
			continue;
		stack[top++] = r;
		while (top) {
			size_t i = stack[top - 1], dep[2], n = deps_of(st, i, dep);
			struct sec *s = &st->sh[i];

			if (s->state == UNSEEN && fate_is_fixed(st, i)) {
				s->state = s->candidate ? REMOVED : KEPT;
			} else if (s->state == UNSEEN) {
				s->state = OPEN;
				for (size_t k = 0; k < n; k++)
					if (st->sh[dep[k]].state == UNSEEN)
						stack[top++] = dep[k];
				continue;
			} else if (s->state == OPEN) {
				bool gone = false;

				for (size_t k = 0; k < n; k++)
					gone |= st->sh[dep[k]].state == REMOVED;
				s->state = gone ? REMOVED : KEPT;
			}
			top--;
		}
	}
	free(stack);
	return 0;
}

/* What a kept section refers to stays too (an allocated section linked to
 * .symtab keeps it, and .symtab then keeps .strtab): the result never
 * refers to a section it lacks. */
static int keep_referenced(struct strip *st)
{
	size_t *work = malloc(st->n_sh * sizeof(*work)), n = 0;

	if (!work)
		return nomem(st);
	for (size_t i = 0; i < st->n_sh; i++)
		if (st->sh[i].state == KEPT)
			work[n++] = i;
	while (n) {
		size_t i = work[--n], dep[2], k = deps_of(st, i, dep);

		for (size_t j = 0; j < k; j++) {
			if (st->sh[dep[j]].state == REMOVED) {
				st->sh[dep[j]].state = KEPT;
				work[n++] = dep[j];
			}
		}
	}
	free(work);
	for (size_t i = 1; i < st->n_sh; i++)
		st->n_removed += st->sh[i].state == REMOVED;
	return 0;
}

/* ===== 3. numbering ===== */

/* The highest section index the symbols of the kept symbol tables name
 * (.dynsym always; .symtab only in forged files).  Every section up to it
 * keeps its index.  SHN_XINDEX or an entry size we do not know: all. */
static void find_pin(struct strip *st)
{
	bool w = st->is64;
	size_t syment = SIZEOF(w, Sym);

	st->pin = 0;
	for (size_t i = 1; i < st->n_sh; i++) {
		const struct sec *s = &st->sh[i];
		uint64_t entsize;

		if (s->state != KEPT || !has_bytes(s) ||
		    (s->type != SHT_DYNSYM && s->type != SHT_SYMTAB))
			continue;
		entsize = get(st, st->shoff + i * st->shentsize, FIELD(w, Shdr, sh_entsize));
		if (entsize != syment) {
			st->pin = st->n_sh - 1;
			return;
		}
		for (uint64_t at = s->offset; at + syment <= s->offset + s->size; at += syment) {
			uint64_t shndx = get(st, at, FIELD(w, Sym, st_shndx));

			if (shndx == SHN_XINDEX) {
				st->pin = st->n_sh - 1;
				return;
			}
			if (shndx < SHN_LORESERVE && shndx < st->n_sh && shndx > st->pin)
				st->pin = shndx;
		}
	}
}

static int number(struct strip *st)
{
	char d[96];
	size_t j = 1;

	find_pin(st);
	st->sh[0].new_index = 0;
	for (size_t i = 1; i < st->n_sh; i++) {
		struct sec *s = &st->sh[i];

		if (s->state == KEPT || i <= st->pin)
			s->new_index = j++;
		else
			s->new_index = GONE_INDEX;
		if (s->state != KEPT || s->type == SHT_NULL)
			continue;
		if (s->link >= st->n_sh)
			return bad(st, "%s links to section %u, which does not exist",
				   describe(st, i, d, sizeof(d)), s->link);
		if (info_is_index(s) && s->info >= st->n_sh)
			return bad(st, "%s applies to section %u, which does not exist",
				   describe(st, i, d, sizeof(d)), s->info);
	}
	st->n_out = j;
	return 0;
}

/* ===== 4. layout ===== */

struct name_ref {
	const char *s;
	size_t len, sec;
};

/* Orders names by their reversed text, so that a name that is the tail of
 * another ("plt" of ".rela.plt") comes right before the names it ends. */
static int by_reversed_text(const void *a, const void *b)
{
	const struct name_ref *x = a, *y = b;
	size_t i = x->len, j = y->len;

	while (i && j) {
		unsigned char cx = (unsigned char)x->s[--i], cy = (unsigned char)y->s[--j];

		if (cx != cy)
			return cx < cy ? -1 : 1;
	}
	if (i != j)
		return i < j ? -1 : 1;
	return x->sec < y->sec ? -1 : x->sec > y->sec;
}

/* The name table of the result: the names of the kept sections, a name
 * that ends another sharing its bytes, as linkers do; never larger than the
 * old table (which held all these names and more). */
static int build_names(struct strip *st)
{
	struct name_ref *refs = malloc(st->n_sh * sizeof(*refs));
	size_t n = 0, size = 1;

	if (!refs)
		return nomem(st);
	for (size_t i = 1; i < st->n_sh; i++) {
		struct sec *s = &st->sh[i];

		s->new_name = 0;
		if (s->state == KEPT && s->type != SHT_NULL && s->sname[0])
			refs[n++] = (struct name_ref){s->sname, strlen(s->sname), i};
	}
	qsort(refs, n, sizeof(*refs), by_reversed_text);
	/* offsets from the last (longest of each tail family) to the first */
	for (size_t k = n; k-- > 0;) {
		const struct name_ref *r = &refs[k], *next = k + 1 < n ? &refs[k + 1] : NULL;

		if (next && next->len >= r->len &&
		    memcmp(next->s + next->len - r->len, r->s, r->len) == 0) {
			st->sh[r->sec].new_name =
				st->sh[next->sec].new_name + (uint32_t)(next->len - r->len);
		} else {
			st->sh[r->sec].new_name = (uint32_t)size;
			size += r->len + 1;
		}
	}
	st->names = calloc(size, 1);
	if (!st->names) {
		free(refs);
		return nomem(st);
	}
	for (size_t k = 0; k < n; k++)
		memcpy(st->names + st->sh[refs[k].sec].new_name, refs[k].s, refs[k].len);
	st->names_size = size;
	free(refs);
	return 0;
}

/* The name table is rebuilt unless it is allocated or another kept
 * section refers to it (a symbol table sharing it): then the old one stays
 * as it is, and so do the names' offsets. */
static bool names_rebuildable(const struct strip *st)
{
	size_t dep[2];

	if (!st->shstrndx || is_alloc(&st->sh[st->shstrndx]))
		return false;
	for (size_t i = 1; i < st->n_sh; i++) {
		size_t n = st->sh[i].state == KEPT && i != st->shstrndx ? deps_of(st, i, dep) : 0;

		for (size_t k = 0; k < n; k++)
			if (dep[k] == st->shstrndx)
				return false;
	}
	return true;
}

static int compare_ranges(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* Sorts and merges the protected ranges into disjoint ones. */
static void merge_prot(struct strip *st)
{
	size_t n = 0;

	qsort(st->prot, st->n_prot, sizeof(*st->prot), compare_ranges);
	for (size_t i = 0; i < st->n_prot; i++) {
		struct range r = st->prot[i];

		if (n && r.off <= st->prot[n - 1].off + st->prot[n - 1].len) {
			uint64_t end = r.off + r.len;

			if (end > st->prot[n - 1].off + st->prot[n - 1].len)
				st->prot[n - 1].len = end - st->prot[n - 1].off;
		} else {
			st->prot[n++] = r;
		}
	}
	st->n_prot = n;
}

/* The first protected range that ends after off. */
static size_t first_prot_after(const struct strip *st, uint64_t off)
{
	size_t lo = 0, hi = st->n_prot;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->prot[mid].off + st->prot[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whether [off, off+len) lies in the kept bytes and touches nothing kept. */
static bool free_in_kept(const struct strip *st, uint64_t off, uint64_t len)
{
	size_t i = first_prot_after(st, off);

	if (off > st->keep_end || len > st->keep_end - off)
		return false;
	return i == st->n_prot || st->prot[i].off >= off + len;
}

/* Bytes after the kept ones that no section and no header table claims
 * must be padding (zeros): anything else is data appended to the file
 * (self-extracting archives, signatures) that some program may read. */
static int check_unclaimed(const struct strip *st)
{
	struct range *c = malloc((st->n_sh + 1) * sizeof(*c));
	uint64_t pos = st->keep_end;
	size_t n = 0;

	if (!c)
		return nomem(st);
	for (size_t i = 1; i < st->n_sh; i++)
		if (has_bytes(&st->sh[i]))
			c[n++] = (struct range){st->sh[i].offset, st->sh[i].size};
	c[n++] = (struct range){st->shoff, st->n_sh * st->shentsize};
	qsort(c, n, sizeof(*c), compare_ranges);
	for (size_t i = 0; i <= n && pos < st->size; i++) {
		uint64_t next = i < n ? c[i].off : st->size;

		if (next > st->size)
			next = st->size;
		for (uint64_t k = pos; k < next; k++) {
			if (st->bytes[k]) {
				free(c);
				return bad(
					st,
					"the %llu bytes at offset %#llx belong to no section and "
					"are not padding (data appended to the file?)",
					(unsigned long long)(next - pos), (unsigned long long)pos);
			}
		}
		if (i < n && c[i].off + c[i].len > pos)
			pos = c[i].off + c[i].len;
	}
	free(c);
	return 0;
}

/* A section to move, by its old place: moved ones keep their order. */
struct move {
	uint64_t offset;
	size_t index;
};

static int by_offset(const void *a, const void *b)
{
	const struct move *x = a, *y = b;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Moves *pos up to the next offset congruent to old modulo align (0 and
 * forged values that are not a power of two count as 1, more than
 * MAX_ALIGN as MAX_ALIGN); false on overflow.  Linkers align offsets, so
 * this is plain alignment for them; and since every alignment divides
 * MAX_ALIGN, a section never lands more than a page beyond where the one
 * before it pushed it, so the result stays within a few pages of the
 * input's size whatever the file claims.
 */
static bool place_like(uint64_t *pos, uint64_t align, uint64_t old)
{
	uint64_t delta;

	if (align == 0 || (align & (align - 1)))
		align = 1;
	if (align > MAX_ALIGN)
		align = MAX_ALIGN;
	delta = (old - *pos) & (align - 1);
	if (*pos > UINT64_MAX - delta)
		return false;
	*pos += delta;
	return true;
}

/* A non-allocated kept section goes after the kept bytes when any of it
 * lies beyond them (an empty one when it starts beyond them). */
static bool must_move(const struct strip *st, size_t i)
{
	const struct sec *s = &st->sh[i];

	if (s->state != KEPT || s->type == SHT_NULL || is_alloc(s) ||
	    (st->rebuild && i == st->shstrndx))
		return false;
	return has_bytes(s) ? s->offset + s->size > st->keep_end : s->offset > st->keep_end;
}

static int layout(struct strip *st)
{
	struct move *moved = malloc(st->n_sh * sizeof(*moved));
	size_t n = 0;
	uint64_t pos = st->keep_end, word = st->is64 ? 8 : 4;
	uint64_t sht_size = (uint64_t)st->n_out * st->shentsize;
	bool names_in_place = false;
	char d1[96], d2[96];
	int rc = 0;

	if (!moved)
		return nomem(st);
	for (size_t i = 1; i < st->n_sh && !rc; i++) {
		const struct sec *s = &st->sh[i];

		if (s->state == KEPT && has_bytes(s) && !(st->rebuild && i == st->shstrndx))
			rc = add_prot(st, s->offset, s->size);
	}
	if (rc) {
		free(moved);
		return rc;
	}
	merge_prot(st);
	for (size_t i = 1; i < st->n_sh; i++)
		if (must_move(st, i))
			moved[n++] = (struct move){st->sh[i].offset, i};
	qsort(moved, n, sizeof(*moved), by_offset);
	for (size_t k = 0, last = 0; k < n; k++) {
		struct sec *s = &st->sh[moved[k].index];

		/* forged overlaps would be written twice: the result could
		 * outgrow any bound */
		if (last && has_bytes(s) && st->sh[last].offset + st->sh[last].size > s->offset) {
			rc = bad(st, "%s and %s share bytes", describe(st, last, d1, sizeof(d1)),
				 describe(st, moved[k].index, d2, sizeof(d2)));
			break;
		}
		if (has_bytes(s))
			last = moved[k].index;
		if (!place_like(&pos, s->addralign, s->offset) ||
		    (has_bytes(s) && s->size > UINT64_MAX - pos)) {
			rc = bad(st, "the sections do not fit the file");
			break;
		}
		s->moved = true;
		s->new_offset = pos;
		if (has_bytes(s))
			pos += s->size;
	}
	free(moved);
	if (rc)
		return rc;

	/* The rebuilt name table and the section header table go where the
	 * old ones were when those bytes are free (a file grown by
	 * wa_elf_patch has them below its last segment), else after the
	 * moved sections. */
	if (st->rebuild) {
		const struct sec *t = &st->sh[st->shstrndx];

		names_in_place = st->names_size <= t->size && free_in_kept(st, t->offset, t->size);
		if (names_in_place) {
			st->names_off = t->offset;
		} else {
			if (!place_like(&pos, t->addralign, t->offset))
				return bad(st, "the sections do not fit the file");
			st->names_off = pos;
			pos += st->names_size;
		}
	}
	if (sht_size <= (uint64_t)st->n_sh * st->shentsize &&
	    free_in_kept(st, st->shoff, st->n_sh * st->shentsize) &&
	    !(names_in_place && st->names_off < st->shoff + sht_size &&
	      st->shoff < st->names_off + st->names_size)) {
		st->sht_off = st->shoff;
	} else {
		if (!place_like(&pos, word, st->shoff) || sht_size > UINT64_MAX - pos)
			return bad(st, "the sections do not fit the file");
		st->sht_off = pos;
		pos += sht_size;
	}
	st->out_size = pos > st->keep_end ? pos : st->keep_end;
	if (!st->is64 && st->out_size > UINT32_MAX)
		return bad(st, "the result does not fit a 32-bit file");
	if (st->out_size > SIZE_MAX)
		return nomem(st);
	return 0;
}

/* ===== writing ===== */

/* Zeroes the bytes of [off, off+len) that lie in the kept bytes and in no
 * protected range (segments, headers, kept sections). */
static void zero_unprotected(const struct strip *st, unsigned char *out, uint64_t off, uint64_t len)
{
	uint64_t end;

	if (off >= st->keep_end)
		return;
	end = len > st->keep_end - off ? st->keep_end : off + len;
	for (size_t i = first_prot_after(st, off); off < end; i++) {
		uint64_t stop = i < st->n_prot && st->prot[i].off < end ? st->prot[i].off : end;

		if (stop > off)
			memset(out + off, 0, stop - off);
		if (i >= st->n_prot)
			break;
		off = st->prot[i].off + st->prot[i].len;
	}
}

static void write_shdrs(const struct strip *st, unsigned char *out)
{
	bool w = st->is64;
	uint64_t at0 = st->sht_off;

	for (size_t i = 0; i < st->n_sh; i++) {
		const struct sec *s = &st->sh[i];
		uint64_t at;

		if (s->new_index == GONE_INDEX)
			continue;
		at = at0 + s->new_index * st->shentsize;
		/* An inactive header keeps the indices above it; its fields mean
		 * nothing, so it is written as zeros (section 0 gets its
		 * extended numbering fields below), never pointing past the end
		 * of the result. */
		if (s->state != KEPT || i == 0 || s->type == SHT_NULL) {
			memset(out + at, 0, st->shentsize);
			continue;
		}
		memcpy(out + at, st->bytes + st->shoff + i * st->shentsize, st->shentsize);
		if (st->rebuild)
			put(st, out, at, FIELD(w, Shdr, sh_name), s->new_name);
		if (s->moved)
			put(st, out, at, FIELD(w, Shdr, sh_offset), s->new_offset);
		if (st->rebuild && i == st->shstrndx) {
			put(st, out, at, FIELD(w, Shdr, sh_offset), st->names_off);
			put(st, out, at, FIELD(w, Shdr, sh_size), st->names_size);
		}
		if (s->link)
			put(st, out, at, FIELD(w, Shdr, sh_link), st->sh[s->link].new_index);
		if (info_is_index(s) && s->info)
			put(st, out, at, FIELD(w, Shdr, sh_info), st->sh[s->info].new_index);
	}

	/* the counts, with extended numbering where they need it */
	size_t strndx = st->shstrndx ? st->sh[st->shstrndx].new_index : 0;
	bool xnum = st->n_out >= SHN_LORESERVE, xstr = strndx >= SHN_LORESERVE;

	put(st, out, at0, FIELD(w, Shdr, sh_size), xnum ? st->n_out : 0);
	put(st, out, at0, FIELD(w, Shdr, sh_link), xstr ? strndx : 0);
	put(st, out, 0, FIELD(w, Ehdr, e_shoff), st->sht_off);
	put(st, out, 0, FIELD(w, Ehdr, e_shnum), xnum ? 0 : st->n_out);
	put(st, out, 0, FIELD(w, Ehdr, e_shstrndx), xstr ? SHN_XINDEX : strndx);
}

static int write_result(void **out, size_t *out_size, const struct strip *st)
{
	unsigned char *o = malloc(st->out_size ? st->out_size : 1);

	if (!o)
		return nomem(st);
	memcpy(o, st->bytes, st->keep_end);
	memset(o + st->keep_end, 0, st->out_size - st->keep_end);
	/* what is gone leaves no trace below the last segment either, where
	 * its bytes cannot be dropped (a file grown by wa_elf_patch) */
	for (size_t i = 1; i < st->n_sh; i++)
		if (st->sh[i].state == REMOVED && has_bytes(&st->sh[i]))
			zero_unprotected(st, o, st->sh[i].offset, st->sh[i].size);
	zero_unprotected(st, o, st->shoff, st->n_sh * st->shentsize);
	if (st->rebuild)
		zero_unprotected(st, o, st->sh[st->shstrndx].offset, st->sh[st->shstrndx].size);
	for (size_t i = 1; i < st->n_sh; i++) {
		const struct sec *s = &st->sh[i];

		if (s->moved && has_bytes(s))
			memcpy(o + s->new_offset, st->bytes + s->offset, s->size);
	}
	if (st->rebuild)
		memcpy(o + st->names_off, st->names, st->names_size);
	write_shdrs(st, o);
	*out = o;
	*out_size = st->out_size;
	return 0;
}

static int copy_unchanged(void **out, size_t *out_size, const struct strip *st)
{
	unsigned char *o = malloc(st->size ? st->size : 1);

	if (!o)
		return nomem(st);
	memcpy(o, st->bytes, st->size);
	*out = o;
	*out_size = st->size;
	return 0;
}

int wa_elf_strip(void **out, size_t *out_size, const void *in, size_t in_size, const char *member,
		 struct wa_error *err)
{
	struct strip st = {.bytes = in, .size = in_size, .member = member, .err = err};
	bool no_sections = false;
	int rc;

	*out = NULL;
	*out_size = 0;
	if (!in)
		return wa_error_set(err, WA_EINTERNAL, member, "no ELF image to strip");
	if ((rc = parse_ehdr(&st, &no_sections)))
		goto done;
	if (no_sections) {
		rc = copy_unchanged(out, out_size, &st);
		goto done;
	}
	if ((rc = parse_phdrs(&st)) || (rc = parse_shdrs(&st)))
		goto done;
	mark_candidates(&st);
	if ((rc = resolve(&st)) || (rc = keep_referenced(&st)))
		goto done;
	if (st.n_removed == 0) {
		rc = copy_unchanged(out, out_size, &st);
		goto done;
	}
	if (st.over_fields) {
		rc = bad(&st, "%s lies on the ELF header's section fields", st.over_fields);
		goto done;
	}
	st.rebuild = names_rebuildable(&st);
	if ((rc = number(&st)) || (rc = check_unclaimed(&st)) ||
	    (st.rebuild && (rc = build_names(&st))) || (rc = layout(&st)))
		goto done;
	rc = write_result(out, out_size, &st);
done:
	free(st.sh);
	free(st.prot);
	free(st.names);
	return rc;
}
