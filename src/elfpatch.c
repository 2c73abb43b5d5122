/* SPDX-License-Identifier: MIT */
/*
 * The ELF patcher: DT_SONAME, DT_NEEDED (renamed with the matching
 * .gnu.version_r vn_file, or removed) and DT_RPATH/DT_RUNPATH edits on an
 * image held in memory.
 *
 * The file is read the way the loader reads it: program headers, then
 * PT_DYNAMIC, then the addresses in the dynamic table translated through
 * PT_LOAD.  Section headers are optional; when present they are kept in
 * step with what moved.  Every structure is read and written with our own
 * byte-order-aware accessors, with the field layouts of <elf.h>, so both
 * classes and both byte orders take the same path.
 *
 * Work happens in three steps:
 *   1. parse and check everything we rely on (any violation: WA_EBADELF);
 *   2. plan: the final dynamic entries, and where every string they (and
 *      the version records) must point to goes: overwritten in place when
 *      nothing else shares its bytes and the new text fits, found already
 *      present, or appended to a copy of the string table;
 *   3. write: when the string table grew or the dynamic table has no spare
 *      slot, the new copies (and, when needed, the program header table)
 *      go into one new PT_LOAD at the end of the file; nothing existing
 *      moves.
 * Design and refused cases: docs/elf-patching.md.
 */
#include "wheelaudit/elfpatch.h"
#include "wheelaudit/bytes.h"
#include "elf_field.h"

#include <elf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef DT_MIPS_RLD_MAP_REL
#define DT_MIPS_RLD_MAP_REL 0x70000035
#endif

/* A program's new segment is placed above every existing one, and its file
 * offset follows its address; a huge .bss can thus demand a huge run of
 * zeros.  Beyond this we refuse rather than write a file that large. */
#define MAX_PADDING ((uint64_t)256 << 20)

/* Smallest page size we assume when the file's own p_align is smaller. */
#define MIN_PAGE 4096

/*
 * The largest page size a kernel of the architecture may run with (the
 * linkers' default max-page-size): the new segment is aligned to at least
 * this, so it maps on a 64 KiB-page kernel even when the file's own
 * segments say less.
 */
uint64_t wa_elf_patch_min_align(uint16_t machine)
{
	switch (machine) {
	case EM_AARCH64:
	case EM_ARM:
	case EM_PPC:
	case EM_PPC64:
	case EM_MIPS:
	case 258: /* EM_LOONGARCH, missing from older <elf.h> */ return 65536;
	default: return MIN_PAGE;
	}
}

/* ===== the parsed image ===== */

struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct shdr {
	uint32_t type;
	uint64_t flags, addr, offset, size, entsize;
};

/* A section whose contents now live elsewhere. */
struct moved_section {
	size_t index;
	uint64_t old_addr, old_size, new_addr;
};

struct dyn {
	uint64_t tag, val;
};

struct image {
	const unsigned char *bytes;
	size_t size;
	bool is64, msb;
	uint16_t type, machine;
	const char *member;
	struct wa_error *err;

	uint64_t phoff;
	size_t phentsize;
	struct phdr *ph;
	size_t n_ph;

	uint64_t shoff;
	size_t shentsize;
	struct shdr *sh;
	size_t n_sh;

	size_t i_dynamic; /* index of PT_DYNAMIC in ph */
	size_t dynent;
	struct dyn *dyn; /* entries before the first DT_NULL */
	size_t n_dyn;
	size_t dyn_slots; /* n_dyn + the run of DT_NULLs that follows */

	uint64_t strtab_vaddr, strtab_off, strsz;
	uint64_t records_left; /* budget against looping version chains */
};

static bool in_file(const struct image *im, uint64_t off, uint64_t len)
{
	return off <= im->size && len <= im->size - off;
}

static uint64_t get(const struct image *im, uint64_t at, struct field f)
{
	return wa_load_uint(im->bytes + at + f.off, f.width, im->msb);
}

static void put(const struct image *im, unsigned char *out, uint64_t at, struct field f, uint64_t v)
{
	wa_store_uint(out + at + f.off, f.width, im->msb, v);
}

static int bad(const struct image *im, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const struct image *im, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return wa_error_set(im->err, WA_EBADELF, im->member, "cannot patch ELF file: %s", what);
}

static int nomem(const struct image *im)
{
	return wa_error_set(im->err, WA_ENOMEM, im->member, "out of memory");
}

static bool is_pow2_or_zero(uint64_t v)
{
	return (v & (v - 1)) == 0;
}

static bool add_overflows(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b;
}

/* Rounds v up to a multiple of a (a power of two); false on overflow. */
static bool align_up(uint64_t v, uint64_t a, uint64_t *out)
{
	if (add_overflows(v, a - 1))
		return false;
	*out = (v + a - 1) & ~(a - 1);
	return true;
}

/* Translates [vaddr, vaddr+len) to file offsets through the PT_LOAD whose
 * file bytes hold it, as the loader would map it. */
static bool vaddr_to_offset(const struct image *im, uint64_t vaddr, uint64_t len, uint64_t *off)
{
	for (size_t i = 0; i < im->n_ph; i++) {
		const struct phdr *p = &im->ph[i];

		if (p->type != PT_LOAD || vaddr < p->vaddr || vaddr - p->vaddr >= p->filesz)
			continue;
		if (len > p->filesz - (vaddr - p->vaddr))
			return false;
		*off = p->offset + (vaddr - p->vaddr);
		return true;
	}
	return false;
}

/* ----- headers ----- */

static int parse_ehdr(struct image *im, uint64_t *phnum, uint64_t *shnum)
{
	const unsigned char *b = im->bytes;

	if (im->size < EI_NIDENT || memcmp(b, ELFMAG, SELFMAG) != 0)
		return bad(im, "not an ELF file");
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return bad(im, "unknown ELF class %u", b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB && b[EI_DATA] != ELFDATA2MSB)
		return bad(im, "unknown byte order %u", b[EI_DATA]);
	im->is64 = b[EI_CLASS] == ELFCLASS64;
	im->msb = b[EI_DATA] == ELFDATA2MSB;
	if (im->size < SIZEOF(im->is64, Ehdr))
		return bad(im, "truncated ELF header");

	uint64_t type = get(im, 0, FIELD(im->is64, Ehdr, e_type));
	if (type != ET_EXEC && type != ET_DYN)
		return bad(im, "only executables and shared objects can be patched (e_type %llu)",
			   (unsigned long long)type);
	im->type = (uint16_t)type;
	im->machine = (uint16_t)get(im, 0, FIELD(im->is64, Ehdr, e_machine));

	im->phoff = get(im, 0, FIELD(im->is64, Ehdr, e_phoff));
	im->phentsize = get(im, 0, FIELD(im->is64, Ehdr, e_phentsize));
	*phnum = get(im, 0, FIELD(im->is64, Ehdr, e_phnum));
	if (*phnum == 0)
		return bad(im, "no program headers");
	if (*phnum == PN_XNUM)
		return bad(im, "extended program header numbering (PN_XNUM) is not supported");
	if (im->phentsize != SIZEOF(im->is64, Phdr))
		return bad(im, "e_phentsize is %zu", im->phentsize);
	if (!in_file(im, im->phoff, *phnum * im->phentsize))
		return bad(im, "program header table lies outside the file");

	im->shoff = get(im, 0, FIELD(im->is64, Ehdr, e_shoff));
	im->shentsize = get(im, 0, FIELD(im->is64, Ehdr, e_shentsize));
	*shnum = get(im, 0, FIELD(im->is64, Ehdr, e_shnum));
	if (im->shoff == 0) {
		*shnum = 0;
		return 0;
	}
	if (im->shentsize != SIZEOF(im->is64, Shdr))
		return bad(im, "e_shentsize is %zu", im->shentsize);
	if (!in_file(im, im->shoff, im->shentsize))
		return bad(im, "section header table lies outside the file");
	if (*shnum == 0) /* extended numbering: the count is section 0's sh_size */
		*shnum = get(im, im->shoff, FIELD(im->is64, Shdr, sh_size));
	if (*shnum > (im->size - im->shoff) / im->shentsize)
		return bad(im, "section header table lies outside the file");
	return 0;
}

static int parse_phdrs(struct image *im, uint64_t phnum)
{
	bool w = im->is64;

	im->ph = calloc(phnum, sizeof(*im->ph));
	if (!im->ph)
		return nomem(im);
	im->n_ph = phnum;
	for (size_t i = 0; i < phnum; i++) {
		uint64_t at = im->phoff + i * im->phentsize;
		struct phdr *p = &im->ph[i];

		p->type = get(im, at, FIELD(w, Phdr, p_type));
		p->flags = get(im, at, FIELD(w, Phdr, p_flags));
		p->offset = get(im, at, FIELD(w, Phdr, p_offset));
		p->vaddr = get(im, at, FIELD(w, Phdr, p_vaddr));
		p->paddr = get(im, at, FIELD(w, Phdr, p_paddr));
		p->filesz = get(im, at, FIELD(w, Phdr, p_filesz));
		p->memsz = get(im, at, FIELD(w, Phdr, p_memsz));
		p->align = get(im, at, FIELD(w, Phdr, p_align));
		if (p->type != PT_LOAD)
			continue;
		if (!in_file(im, p->offset, p->filesz))
			return bad(im, "PT_LOAD %zu lies outside the file", i);
		if (p->filesz > p->memsz || add_overflows(p->vaddr, p->memsz))
			return bad(im, "PT_LOAD %zu has impossible sizes", i);
		if (!is_pow2_or_zero(p->align))
			return bad(im, "PT_LOAD %zu has p_align %llu, not a power of two", i,
				   (unsigned long long)p->align);
	}
	return 0;
}

static int parse_shdrs(struct image *im, uint64_t shnum)
{
	bool w = im->is64;

	if (shnum == 0)
		return 0;
	im->sh = calloc(shnum, sizeof(*im->sh));
	if (!im->sh)
		return nomem(im);
	im->n_sh = shnum;
	for (size_t i = 0; i < shnum; i++) {
		uint64_t at = im->shoff + i * im->shentsize;
		struct shdr *s = &im->sh[i];

		s->type = get(im, at, FIELD(w, Shdr, sh_type));
		s->flags = get(im, at, FIELD(w, Shdr, sh_flags));
		s->addr = get(im, at, FIELD(w, Shdr, sh_addr));
		s->offset = get(im, at, FIELD(w, Shdr, sh_offset));
		s->size = get(im, at, FIELD(w, Shdr, sh_size));
		s->entsize = get(im, at, FIELD(w, Shdr, sh_entsize));
	}
	return 0;
}

/* ----- the dynamic table ----- */

static int find_dynamic(struct image *im)
{
	size_t n_loads = 0, n_dynamic = 0;

	for (size_t i = 0; i < im->n_ph; i++) {
		if (im->ph[i].type == PT_LOAD)
			n_loads++;
		if (im->ph[i].type == PT_DYNAMIC) {
			n_dynamic++;
			im->i_dynamic = i;
		}
	}
	if (n_loads == 0)
		return bad(im, "no PT_LOAD segment");
	if (n_dynamic == 0)
		return bad(im, "no PT_DYNAMIC segment (statically linked?)");
	if (n_dynamic > 1)
		return bad(im, "more than one PT_DYNAMIC segment");
	return 0;
}

static int parse_dynamic(struct image *im)
{
	const struct phdr *d = &im->ph[im->i_dynamic];
	struct field tag = FIELD(im->is64, Dyn, d_tag), val = FIELD(im->is64, Dyn, d_un);
	uint64_t slots, mapped;
	size_t first_null;

	im->dynent = SIZEOF(im->is64, Dyn);
	if (!in_file(im, d->offset, d->filesz))
		return bad(im, "PT_DYNAMIC lies outside the file");
	slots = d->filesz / im->dynent;
	/* We edit the file bytes; they must be the bytes the loader maps. */
	if (!vaddr_to_offset(im, d->vaddr, slots * im->dynent, &mapped) || mapped != d->offset)
		return bad(im, "PT_DYNAMIC is not mapped from its own file bytes by a PT_LOAD");
	for (first_null = 0; first_null < slots; first_null++)
		if (get(im, d->offset + first_null * im->dynent, tag) == DT_NULL)
			break;
	if (first_null == slots)
		return bad(im, "the dynamic table has no DT_NULL terminator");
	im->dyn = calloc(first_null ? first_null : 1, sizeof(*im->dyn));
	if (!im->dyn)
		return nomem(im);
	im->n_dyn = first_null;
	for (size_t i = 0; i < first_null; i++) {
		uint64_t at = d->offset + i * im->dynent;

		im->dyn[i].tag = get(im, at, tag);
		im->dyn[i].val = get(im, at, val);
	}
	im->dyn_slots = first_null;
	while (im->dyn_slots < slots &&
	       get(im, d->offset + im->dyn_slots * im->dynent, tag) == DT_NULL)
		im->dyn_slots++;
	return 0;
}

/* The value of the last entry with tag (the loader keeps the last one). */
static bool dyn_value(const struct image *im, uint64_t tagv, uint64_t *val)
{
	bool found = false;

	for (size_t i = 0; i < im->n_dyn; i++) {
		if (im->dyn[i].tag == tagv) {
			*val = im->dyn[i].val;
			found = true;
		}
	}
	return found;
}

static int find_strtab(struct image *im)
{
	if (!dyn_value(im, DT_STRTAB, &im->strtab_vaddr))
		return bad(im, "no DT_STRTAB in the dynamic table");
	if (!dyn_value(im, DT_STRSZ, &im->strsz))
		return bad(im, "no DT_STRSZ in the dynamic table");
	if (!vaddr_to_offset(im, im->strtab_vaddr, im->strsz, &im->strtab_off))
		return bad(im, "the dynamic string table is not inside a PT_LOAD's file bytes");
	return 0;
}

/* The string at off in .dynstr, or NULL when it is not a terminated string there. */
static const char *dynstr_at(const struct image *im, uint64_t off)
{
	const char *base = (const char *)im->bytes + im->strtab_off;

	if (off >= im->strsz || !memchr(base + off, '\0', im->strsz - off))
		return NULL;
	return base + off;
}

static bool is_string_tag(uint64_t tag)
{
	switch (tag) {
	case DT_NEEDED:
	case DT_SONAME:
	case DT_RPATH:
	case DT_RUNPATH:
	case DT_AUXILIARY:
	case DT_FILTER:
	case DT_CONFIG:
	case DT_DEPAUDIT:
	case DT_AUDIT: return true;
	default: return false;
	}
}

static int parse_image(struct image *im)
{
	uint64_t phnum = 0, shnum = 0;
	int rc;

	if ((rc = parse_ehdr(im, &phnum, &shnum)) || (rc = parse_phdrs(im, phnum)) ||
	    (rc = parse_shdrs(im, shnum)) || (rc = find_dynamic(im)) || (rc = parse_dynamic(im)) ||
	    (rc = find_strtab(im)))
		return rc;
	for (size_t i = 0; i < im->n_dyn; i++)
		if (is_string_tag(im->dyn[i].tag) && !dynstr_at(im, im->dyn[i].val))
			return bad(im, "dynamic entry %zu names no string in the string table", i);
	im->records_left = im->size / 8 + 16;
	return 0;
}

static void image_free(struct image *im)
{
	free(im->ph);
	free(im->sh);
	free(im->dyn);
}

/* ===== the plan ===== */

/* A dynamic entry of the result.  want: the string it must name (NULL: keep
 * val); orig: its index in the input table, or -1 when added. */
struct out_dyn {
	uint64_t tag, val;
	const char *want;
	long orig;
};

enum target_kind { TARGET_DYN, TARGET_VN_FILE };

/* One string reference that must end up naming text. */
struct target {
	enum target_kind kind;
	uint64_t where;   /* index into plan.dyn, or file offset of the Elf_Verneed */
	bool has_old;     /* an existing string the reference names now */
	uint64_t old_off; /* its offset ... */
	uint64_t old_end; /* ... and that of its terminating NUL (shared by tail-merged strings) */
	const char *text;
	uint64_t new_off;
};

/* A part of the input: one the write step rewrites where it is, or one the
 * plan read (version records) and that must therefore stay as it was. */
struct region {
	uint64_t off, len;
	const char *what;
};

struct plan {
	struct out_dyn *dyn;
	size_t n_dyn;
	bool dyn_changed;

	struct target *targets;
	size_t n_targets, cap_targets;

	unsigned char *str; /* the string table of the result: a copy, then appended to */
	size_t str_size, str_cap;
	bool str_changed;

	/* Bit per string-table byte, set at the NUL ending a string that some
	 * reference we do not rewrite uses (foreign) / that we overwrote (dirty). */
	unsigned char *foreign, *dirty;
	bool refs_unknown; /* some references could not be found: never overwrite */

	/* What the plan read and the result must keep as it was: the version
	 * records walked (a Verneed without its vn_file field; a rewrite there
	 * would change the chain planned for) and the interpreter path. */
	struct region *records;
	size_t n_records, cap_records;
};

static void plan_free(struct plan *p)
{
	free(p->dyn);
	free(p->targets);
	free(p->str);
	free(p->foreign);
	free(p->dirty);
	free(p->records);
}

static int add_record_region(struct plan *p, const struct image *im, uint64_t off, uint64_t len,
			     const char *what)
{
	if (!len)
		return 0;
	if (p->n_records == p->cap_records) {
		size_t cap = p->cap_records ? p->cap_records * 2 : 16;
		struct region *r = realloc(p->records, cap * sizeof(*r));

		if (!r)
			return nomem(im);
		p->records = r;
		p->cap_records = cap;
	}
	p->records[p->n_records++] = (struct region){off, len, what};
	return 0;
}

static void bit_set(unsigned char *bits, uint64_t i)
{
	bits[i / 8] |= (unsigned char)(1u << (i % 8));
}

static bool bit_get(const unsigned char *bits, uint64_t i)
{
	return bits[i / 8] >> (i % 8) & 1;
}

/* Offset of the NUL that ends the string starting at off (strsz if none). */
static uint64_t string_end(const struct image *im, uint64_t off)
{
	const unsigned char *base = im->bytes + im->strtab_off;
	const unsigned char *nul = memchr(base + off, '\0', im->strsz - off);

	return nul ? (uint64_t)(nul - base) : im->strsz;
}

/* Records a reference we leave alone: its bytes may not be overwritten. */
static void mark_foreign(struct plan *p, const struct image *im, uint64_t off)
{
	if (off < im->strsz)
		bit_set(p->foreign, string_end(im, off));
}

static int add_target(struct plan *p, const struct image *im, enum target_kind kind, uint64_t where,
		      bool has_old, uint64_t old_off, const char *text)
{
	if (p->n_targets == p->cap_targets) {
		size_t cap = p->cap_targets ? p->cap_targets * 2 : 16;
		struct target *t = realloc(p->targets, cap * sizeof(*t));

		if (!t)
			return nomem(im);
		p->targets = t;
		p->cap_targets = cap;
	}
	p->targets[p->n_targets++] = (struct target){
		.kind = kind,
		.where = where,
		.has_old = has_old,
		.old_off = old_off,
		.old_end = has_old ? string_end(im, old_off) : 0,
		.text = text,
	};
	return 0;
}

/* Whether the input has a DT_NEEDED entry naming name. */
static bool needs(const struct image *im, const char *name)
{
	for (size_t i = 0; i < im->n_dyn; i++)
		if (im->dyn[i].tag == DT_NEEDED && strcmp(dynstr_at(im, im->dyn[i].val), name) == 0)
			return true;
	return false;
}

/* Whether the edit removes the DT_NEEDED entries of name. */
static bool removed(const struct wa_elf_edit *edit, const char *name)
{
	for (size_t i = 0; i < edit->n_remove_needed; i++)
		if (strcmp(edit->remove_needed[i], name) == 0)
			return true;
	return false;
}

/* The new name for a library, or NULL.  Renames match the input's names,
 * all at once: {a->b, b->c} turns a into b, not c. */
static const char *renamed(const struct wa_elf_edit *edit, const char *name)
{
	for (size_t i = 0; i < edit->n_renames; i++)
		if (strcmp(edit->renames[i].from, name) == 0)
			return strcmp(edit->renames[i].to, name) == 0 ? NULL : edit->renames[i].to;
	return NULL;
}

static bool is_search_path(uint64_t tag)
{
	return tag == DT_RPATH || tag == DT_RUNPATH;
}

/* Decides the dynamic entries of the result: which strings change, which
 * DT_RPATH/DT_RUNPATH survive (and with which tag), what is added. */
static int plan_dynamic(struct plan *p, const struct image *im, const struct wa_elf_edit *edit)
{
	uint64_t path_tag = edit->as_runpath ? DT_RUNPATH : DT_RPATH;
	bool have_soname = false;
	long keep_path = -1;

	p->dyn = calloc(im->n_dyn + 2, sizeof(*p->dyn));
	if (!p->dyn)
		return nomem(im);
	/* The entry that carries the search path: one of the desired tag if
	 * any, else the first of the other. */
	for (size_t i = 0; edit->rpath && i < im->n_dyn; i++) {
		if (im->dyn[i].tag == path_tag) {
			keep_path = (long)i;
			break;
		}
		if (keep_path < 0 && is_search_path(im->dyn[i].tag))
			keep_path = (long)i;
	}
	for (size_t i = 0; i < im->n_dyn; i++) {
		struct out_dyn d = {im->dyn[i].tag, im->dyn[i].val, NULL, (long)i};
		const char *s = is_string_tag(d.tag) ? dynstr_at(im, d.val) : NULL;

		if (d.tag == DT_SONAME && edit->soname) {
			have_soname = true;
			if (strcmp(s, edit->soname) != 0)
				d.want = edit->soname;
		} else if (d.tag == DT_NEEDED && removed(edit, s)) {
			/* the entries after it move up; the freed slot becomes a
			 * DT_NULL (or takes an added entry) */
			p->dyn_changed = true;
			continue;
		} else if (d.tag == DT_NEEDED) {
			d.want = renamed(edit, s);
		} else if (edit->rpath && is_search_path(d.tag)) {
			if ((long)i != keep_path) {
				p->dyn_changed = true; /* dropped: the result has one */
				continue;
			}
			if (d.tag != path_tag)
				p->dyn_changed = true;
			d.tag = path_tag;
			if (strcmp(s, edit->rpath) != 0)
				d.want = edit->rpath;
		}
		p->dyn[p->n_dyn++] = d;
	}
	if (edit->soname && !have_soname)
		p->dyn[p->n_dyn++] = (struct out_dyn){DT_SONAME, 0, edit->soname, -1};
	if (edit->rpath && keep_path < 0)
		p->dyn[p->n_dyn++] = (struct out_dyn){path_tag, 0, edit->rpath, -1};
	for (size_t i = 0; i < p->n_dyn; i++) {
		struct out_dyn *d = &p->dyn[i];
		int rc;

		if (d->orig < 0)
			p->dyn_changed = true;
		if (d->want) {
			rc = add_target(p, im, TARGET_DYN, i, d->orig >= 0, d->val, d->want);
			if (rc)
				return rc;
		} else if (is_string_tag(d->tag)) {
			mark_foreign(p, im, d->val);
		}
	}
	return 0;
}

/* Translates one version record; errors when it is not in loaded file bytes. */
static int version_record(struct image *im, uint64_t vaddr, uint64_t len, const char *what,
			  uint64_t *off)
{
	if (im->records_left == 0)
		return bad(im, "%s chain loops or is implausibly long", what);
	im->records_left--;
	if (!vaddr_to_offset(im, vaddr, len, off))
		return bad(im, "%s record at %#llx is outside the loaded file bytes", what,
			   (unsigned long long)vaddr);
	return 0;
}

/* Walks .gnu.version_r as glibc does (vn_next until 0): vn_file equal to a
 * renamed library becomes a target, every other name a foreign reference. */
static int plan_verneed(struct plan *p, struct image *im, const struct wa_elf_edit *edit)
{
	bool w = im->is64;
	uint64_t vaddr = 0, rec = 0, aux_rec = 0;
	int rc;

	if (!dyn_value(im, DT_VERNEED, &vaddr))
		return 0;
	for (;;) {
		if ((rc = version_record(im, vaddr, SIZEOF(w, Verneed), "version-needs", &rec)))
			return rc;
		/* the record stays as read, but for its vn_file (a rename target) */
		struct field vf = FIELD(w, Verneed, vn_file);
		if ((rc = add_record_region(p, im, rec, vf.off, "a version record")) ||
		    (rc = add_record_region(p, im, rec + vf.off + vf.width,
					    SIZEOF(w, Verneed) - vf.off - vf.width,
					    "a version record")))
			return rc;
		uint64_t file = get(im, rec, FIELD(w, Verneed, vn_file));
		uint64_t cnt = get(im, rec, FIELD(w, Verneed, vn_cnt));
		uint64_t aux = vaddr + get(im, rec, FIELD(w, Verneed, vn_aux));
		uint64_t next = get(im, rec, FIELD(w, Verneed, vn_next));
		const char *name = dynstr_at(im, file);
		const char *to;

		if (!name)
			return bad(im, "a version-needs vn_file names no string");
		/* The loader requires every library named by a Verneed entry to
		 * be loaded; dropping the entry would also mean rewriting the
		 * version index of every symbol bound to it (.gnu.version). */
		if (removed(edit, name) && needs(im, name))
			return bad(im,
				   "cannot remove DT_NEEDED %s: symbols require versions of it "
				   "(.gnu.version_r)",
				   name);
		if ((to = renamed(edit, name))) {
			if ((rc = add_target(p, im, TARGET_VN_FILE, rec, true, file, to)))
				return rc;
		} else {
			mark_foreign(p, im, file);
		}
		for (uint64_t i = 0; i < cnt; i++) {
			if ((rc = version_record(im, aux, SIZEOF(w, Vernaux), "version-needs",
						 &aux_rec)) ||
			    (rc = add_record_region(p, im, aux_rec, SIZEOF(w, Vernaux),
						    "a version record")))
				return rc;
			mark_foreign(p, im, get(im, aux_rec, FIELD(w, Vernaux, vna_name)));
			uint64_t aux_next = get(im, aux_rec, FIELD(w, Vernaux, vna_next));
			if (aux_next == 0)
				break;
			aux += aux_next;
		}
		if (next == 0)
			return 0;
		vaddr += next;
	}
}

/* Version definitions name the file itself (often the DT_SONAME string)
 * and its versions: all foreign references. */
static int plan_verdef(struct plan *p, struct image *im)
{
	bool w = im->is64;
	uint64_t vaddr = 0, rec = 0, aux_rec = 0;
	int rc;

	if (!dyn_value(im, DT_VERDEF, &vaddr))
		return 0;
	for (;;) {
		if ((rc = version_record(im, vaddr, SIZEOF(w, Verdef), "version-definition",
					 &rec)) ||
		    (rc = add_record_region(p, im, rec, SIZEOF(w, Verdef), "a version record")))
			return rc;
		uint64_t cnt = get(im, rec, FIELD(w, Verdef, vd_cnt));
		uint64_t aux = vaddr + get(im, rec, FIELD(w, Verdef, vd_aux));
		uint64_t next = get(im, rec, FIELD(w, Verdef, vd_next));

		for (uint64_t i = 0; i < cnt; i++) {
			if ((rc = version_record(im, aux, SIZEOF(w, Verdaux), "version-definition",
						 &aux_rec)) ||
			    (rc = add_record_region(p, im, aux_rec, SIZEOF(w, Verdaux),
						    "a version record")))
				return rc;
			mark_foreign(p, im, get(im, aux_rec, FIELD(w, Verdaux, vda_name)));
			uint64_t aux_next = get(im, aux_rec, FIELD(w, Verdaux, vda_next));
			if (aux_next == 0)
				break;
			aux += aux_next;
		}
		if (next == 0)
			return 0;
		vaddr += next;
	}
}

/* Reads one 32-bit word at a virtual address, if loaded from the file. */
static bool word_at(const struct image *im, uint64_t vaddr, uint64_t *v)
{
	uint64_t off;

	if (!vaddr_to_offset(im, vaddr, 4, &off))
		return false;
	*v = wa_load_uint(im->bytes + off, 4, im->msb);
	return true;
}

/* Symbol count from DT_GNU_HASH: past the highest bucket's chain end;
 * *len is the table's size up to that end. */
static bool count_from_gnu_hash(const struct image *im, uint64_t h, uint64_t *count, uint64_t *len)
{
	uint64_t nbuckets, symoffset, bloom_size, last = 0, v;
	uint64_t word = im->is64 ? 8 : 4;

	if (!word_at(im, h, &nbuckets) || !word_at(im, h + 4, &symoffset) ||
	    !word_at(im, h + 8, &bloom_size))
		return false;
	if (nbuckets > im->size || bloom_size > im->size)
		return false;
	uint64_t buckets = h + 16 + bloom_size * word;
	for (uint64_t i = 0; i < nbuckets; i++) {
		if (!word_at(im, buckets + 4 * i, &v))
			return false;
		if (v > last)
			last = v;
	}
	uint64_t chains = buckets + 4 * nbuckets;
	if (last < symoffset) {
		*count = symoffset;
		*len = chains - h;
		return true;
	}
	for (uint64_t i = last; i - symoffset < im->size / 4; i++) {
		if (!word_at(im, chains + 4 * (i - symoffset), &v))
			return false;
		if (v & 1) {
			*count = i + 1;
			*len = chains + 4 * (i - symoffset + 1) - h;
			return true;
		}
	}
	return false;
}

/* DT_HASH: nbucket and nchain words, then that many entries. */
static bool hash_table_size(const struct image *im, uint64_t h, uint64_t *count, uint64_t *len)
{
	/* s390x keeps 64-bit hash words; the counts are their low halves */
	bool wide = im->is64 && im->machine == EM_S390;
	uint64_t entry = wide ? 8 : 4, lo = wide && im->msb ? 4 : 0, nbucket;

	if (!word_at(im, h + lo, &nbucket) || !word_at(im, h + entry + lo, count))
		return false;
	if (nbucket > im->size || *count > im->size)
		return false;
	*len = entry * (2 + nbucket + *count);
	return true;
}

/* The GNU hash table's header, bloom filter and buckets as far as they are
 * loaded from the file: the header alone when the rest is not. */
static uint64_t gnu_hash_head_size(const struct image *im, uint64_t h)
{
	uint64_t nbuckets, bloom_size, off, len;

	if (!word_at(im, h, &nbuckets) || !word_at(im, h + 8, &bloom_size) || nbuckets > im->size ||
	    bloom_size > im->size)
		return vaddr_to_offset(im, h, 16, &off) ? 16 : 0;
	len = 16 + bloom_size * (im->is64 ? 8 : 4) + 4 * nbuckets;
	return vaddr_to_offset(im, h, len, &off) ? len : 16;
}

/* The symbol hash tables are read, never written: keep them as they are
 * (a forged file may lay one over a region that is rewritten). */
static int keep_hash_tables(struct plan *p, const struct image *im)
{
	uint64_t h = 0, count, len, off;
	int rc = 0;

	if (dyn_value(im, DT_HASH, &h)) {
		if (!hash_table_size(im, h, &count, &len) || !vaddr_to_offset(im, h, len, &off))
			len = im->is64 && im->machine == EM_S390 ? 16 : 8; /* the counts */
		if (vaddr_to_offset(im, h, len, &off))
			rc = add_record_region(p, im, off, len, "the hash table");
	}
	if (rc || !dyn_value(im, DT_GNU_HASH, &h))
		return rc;
	/* readers take the header, bloom filter and buckets before any chain:
	 * keep those even when the chains cannot be walked to their end */
	if (!count_from_gnu_hash(im, h, &count, &len) || !vaddr_to_offset(im, h, len, &off))
		len = gnu_hash_head_size(im, h);
	if (len && vaddr_to_offset(im, h, len, &off))
		rc = add_record_region(p, im, off, len, "the GNU hash table");
	return rc;
}

/* The number of dynamic symbols, from the section header, DT_HASH or
 * DT_GNU_HASH; false when none of them tells. */
static bool count_dynsyms(const struct image *im, uint64_t symtab, size_t syment, uint64_t *count)
{
	uint64_t h = 0, len;

	for (size_t i = 0; i < im->n_sh; i++) {
		const struct shdr *s = &im->sh[i];

		if (s->type == SHT_DYNSYM && s->addr == symtab && s->entsize == syment) {
			*count = s->size / syment;
			return true;
		}
	}
	if (dyn_value(im, DT_HASH, &h))
		return hash_table_size(im, h, count, &len);
	if (dyn_value(im, DT_GNU_HASH, &h))
		return count_from_gnu_hash(im, h, count, &len);
	return false;
}

/* Symbol names are foreign references.  When the symbols cannot be
 * counted, no string is overwritten at all.  The symbols and their
 * version indices are read, never written: they are kept as they are. */
static int plan_dynsym(struct plan *p, const struct image *im)
{
	size_t syment = SIZEOF(im->is64, Sym);
	uint64_t symtab = 0, count = 0, off = 0, versym = 0, voff;
	int rc;

	if (!dyn_value(im, DT_SYMTAB, &symtab))
		return 0;
	if (!count_dynsyms(im, symtab, syment, &count) || count > im->size / syment ||
	    !vaddr_to_offset(im, symtab, count * syment, &off)) {
		p->refs_unknown = true;
		return 0;
	}
	for (uint64_t i = 0; i < count; i++)
		mark_foreign(p, im, get(im, off + i * syment, FIELD(im->is64, Sym, st_name)));
	if (dyn_value(im, DT_VERSYM, &versym) && vaddr_to_offset(im, versym, count * 2, &voff) &&
	    (rc = add_record_region(p, im, voff, count * 2, "the symbol versions")))
		return rc;
	return add_record_region(p, im, off, count * syment, "the dynamic symbol table");
}

/* ----- where each string goes ----- */

static int by_end_then_start(const void *a, const void *b)
{
	const struct target *x = a, *y = b;

	if (x->has_old != y->has_old)
		return x->has_old ? -1 : 1;
	if (x->old_end != y->old_end)
		return x->old_end < y->old_end ? -1 : 1;
	if (x->old_off != y->old_off)
		return x->old_off < y->old_off ? -1 : 1;
	return 0;
}

/* True when the targets [first, last) - all ending at the same NUL - may
 * overwrite their string: nothing else uses those bytes, they all start at
 * the same place and want the same text, and it fits. */
static bool may_overwrite(const struct plan *p, const struct target *first,
			  const struct target *last)
{
	if (p->refs_unknown || !first->has_old || bit_get(p->foreign, first->old_end))
		return false;
	for (const struct target *t = first; t < last; t++)
		if (t->old_off != first->old_off || strcmp(t->text, first->text) != 0)
			return false;
	return strlen(first->text) <= first->old_end - first->old_off;
}

static void overwrite_in_place(struct plan *p, struct target *first, struct target *last)
{
	size_t len = strlen(first->text);

	memcpy(p->str + first->old_off, first->text, len);
	memset(p->str + first->old_off + len, 0, first->old_end - first->old_off - len + 1);
	bit_set(p->dirty, first->old_end);
	p->str_changed = true;
	for (struct target *t = first; t < last; t++)
		t->new_off = first->old_off;
}

/* Finds text (with its NUL) already in the table, outside overwritten strings. */
static bool find_existing(const struct plan *p, const struct image *im, const char *text,
			  uint64_t *off)
{
	size_t len = strlen(text);

	for (size_t i = 0; i + len < p->str_size; i++) {
		const unsigned char *hit = memchr(p->str + i, text[0], p->str_size - len - i);

		if (!hit)
			return false;
		i = (size_t)(hit - p->str);
		if (memcmp(hit, text, len + 1) != 0)
			continue;
		if (i + len < im->strsz && bit_get(p->dirty, i + len))
			continue;
		*off = i;
		return true;
	}
	return false;
}

static int append_string(struct plan *p, const struct image *im, const char *text, uint64_t *off)
{
	size_t len = strlen(text) + 1;

	if (len > SIZE_MAX / 2 - p->str_size)
		return nomem(im);
	if (p->str_size + len > p->str_cap) {
		size_t cap = (p->str_size + len) * 2;
		unsigned char *s = realloc(p->str, cap);

		if (!s)
			return nomem(im);
		p->str = s;
		p->str_cap = cap;
	}
	memcpy(p->str + p->str_size, text, len);
	*off = p->str_size;
	p->str_size += len;
	p->str_changed = true;
	return 0;
}

static int place_strings(struct plan *p, const struct image *im)
{
	size_t i, j;
	int rc;

	if (p->n_targets == 0)
		return 0;
	qsort(p->targets, p->n_targets, sizeof(*p->targets), by_end_then_start);
	/* Overwrites first, so that reuse below never picks bytes that change. */
	for (i = 0; i < p->n_targets && p->targets[i].has_old; i = j) {
		for (j = i + 1; j < p->n_targets && p->targets[j].has_old &&
				p->targets[j].old_end == p->targets[i].old_end;
		     j++)
			;
		if (may_overwrite(p, &p->targets[i], &p->targets[j]))
			overwrite_in_place(p, &p->targets[i], &p->targets[j]);
		else
			for (size_t k = i; k < j; k++)
				p->targets[k].new_off = UINT64_MAX;
	}
	for (; i < p->n_targets; i++)
		p->targets[i].new_off = UINT64_MAX;
	for (i = 0; i < p->n_targets; i++) {
		struct target *t = &p->targets[i];

		if (t->new_off != UINT64_MAX || find_existing(p, im, t->text, &t->new_off))
			continue;
		if ((rc = append_string(p, im, t->text, &t->new_off)))
			return rc;
	}
	return 0;
}

/* The interpreter path must read the same afterwards: no rewrite may touch
 * its bytes (a forged PT_INTERP can lie over the headers). */
static int keep_interp(struct plan *p, const struct image *im)
{
	for (size_t i = 0; i < im->n_ph; i++)
		if (im->ph[i].type == PT_INTERP && in_file(im, im->ph[i].offset, im->ph[i].filesz))
			return add_record_region(p, im, im->ph[i].offset, im->ph[i].filesz,
						 "the interpreter path");
	return 0;
}

static int plan_build(struct plan *p, struct image *im, const struct wa_elf_edit *edit)
{
	size_t bits = (im->strsz + 1 + 7) / 8;
	int rc;

	p->str_cap = im->strsz ? im->strsz : 1;
	p->str = malloc(p->str_cap);
	p->foreign = calloc(bits, 1);
	p->dirty = calloc(bits, 1);
	if (!p->str || !p->foreign || !p->dirty)
		return nomem(im);
	memcpy(p->str, im->bytes + im->strtab_off, im->strsz);
	p->str_size = im->strsz;
	if ((rc = plan_dynamic(p, im, edit)) || (rc = plan_verneed(p, im, edit)) ||
	    (rc = plan_verdef(p, im)) || (rc = keep_interp(p, im)) || (rc = plan_dynsym(p, im)) ||
	    (rc = keep_hash_tables(p, im)))
		return rc;
	return place_strings(p, im);
}

/* ===== the new layout ===== */

struct layout {
	bool str_moves, dyn_moves, ph_moves, ph_grows;
	uint64_t seg_off, seg_vaddr, seg_size, align;
	uint64_t str_pos, dyn_pos; /* offsets inside the new segment */
	size_t insert_at;          /* index of the new PT_LOAD in the new table */
	uint64_t out_size;
};

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return alen && blen && a < b + blen && b < a + alen;
}

/* Whether [off, off+len) right after the program header table is unused:
 * no section, no segment other than PT_LOAD/PT_PHDR, zero bytes, and inside
 * the PT_LOAD that maps the table.  Without section headers we cannot
 * know what the bytes are, so never. */
static bool free_after_phdrs(const struct image *im, uint64_t off, uint64_t len)
{
	bool mapped = false;

	if (im->n_sh == 0 || !in_file(im, off, len))
		return false;
	for (uint64_t i = 0; i < len; i++)
		if (im->bytes[off + i])
			return false;
	for (size_t i = 1; i < im->n_sh; i++) {
		const struct shdr *s = &im->sh[i];

		if (s->type != SHT_NOBITS && ranges_overlap(off, len, s->offset, s->size))
			return false;
	}
	if (ranges_overlap(off, len, im->shoff, im->n_sh * im->shentsize))
		return false;
	for (size_t i = 0; i < im->n_ph; i++) {
		const struct phdr *p = &im->ph[i];

		if (p->type == PT_LOAD) {
			if (p->offset <= im->phoff && off + len <= p->offset + p->filesz)
				mapped = true;
		} else if (p->type != PT_PHDR && ranges_overlap(off, len, p->offset, p->filesz)) {
			return false;
		}
	}
	return mapped;
}

static const struct phdr *first_load(const struct image *im)
{
	for (size_t i = 0; i < im->n_ph; i++)
		if (im->ph[i].type == PT_LOAD)
			return &im->ph[i];
	return NULL;
}

/* Whether a moved program header table must be found at "first PT_LOAD's
 * p_vaddr - p_offset + e_phoff", as kernels before 5.18 compute AT_PHDR:
 * for files the kernel maps itself (ET_EXEC, or with PT_INTERP) and for
 * any file that declares the table's address in PT_PHDR. */
static bool phdr_address_follows_first_load(const struct image *im)
{
	if (im->type == ET_EXEC)
		return true;
	for (size_t i = 0; i < im->n_ph; i++)
		if (im->ph[i].type == PT_INTERP || im->ph[i].type == PT_PHDR)
			return true;
	return false;
}

/* Chooses the new segment's offset and address: first page above every
 * existing segment's pages, file offset at or after the current end,
 * p_offset congruent to p_vaddr modulo p_align. */
static int place_segment(struct layout *l, const struct image *im, bool keep_delta)
{
	const struct phdr *first = first_load(im);
	uint64_t delta, top = 0, vmin, off;

	l->align = wa_elf_patch_min_align(im->machine);
	for (size_t i = 0; i < im->n_ph; i++) {
		const struct phdr *p = &im->ph[i];

		if (p->type == PT_LOAD && p->align > l->align)
			l->align = p->align;
		if (p->type == PT_NULL || p->memsz == 0)
			continue;
		if (add_overflows(p->vaddr, p->memsz))
			return bad(im, "segment %zu ends beyond the address space", i);
		if (p->vaddr + p->memsz > top)
			top = p->vaddr + p->memsz;
	}
	if (!align_up(top, l->align, &vmin) || !align_up(im->size, 16, &off) ||
	    add_overflows(vmin, l->align))
		return bad(im, "no room for a new segment in the address space");
	if (!keep_delta) {
		/* The address follows the offset: a few bytes of padding. */
		l->seg_off = off;
		l->seg_vaddr = vmin + off % l->align;
		return 0;
	}
	/* p_vaddr - p_offset as in the first PT_LOAD, so that the moved table
	 * is where "first load + e_phoff" says. */
	if (first->vaddr < first->offset)
		return bad(im, "the first PT_LOAD has p_vaddr below p_offset");
	delta = first->vaddr - first->offset;
	if (delta % l->align)
		return bad(im, "the first PT_LOAD's p_vaddr - p_offset is not a multiple of %llu",
			   (unsigned long long)l->align);
	if (vmin < delta)
		vmin = delta;
	if (vmin - delta > off)
		off = vmin - delta;
	if (off - im->size > MAX_PADDING)
		return bad(im, "a new segment would need %llu bytes of padding (huge .bss?)",
			   (unsigned long long)(off - im->size));
	/* off may exceed vmin - delta (the end of the file is above it); the
	 * address must not wrap around to below the existing segments then */
	if (add_overflows(off, delta))
		return bad(im, "no room for a new segment in the address space");
	l->seg_off = off;
	l->seg_vaddr = off + delta;
	return 0;
}

static void layout_contents(struct layout *l, const struct image *im, const struct plan *p)
{
	uint64_t pos = 0, word = im->is64 ? 8 : 4;

	if (l->ph_moves)
		pos = (im->n_ph + 1) * im->phentsize;
	if (l->str_moves) {
		l->str_pos = pos;
		pos += p->str_size;
	}
	if (l->dyn_moves) {
		pos = (pos + word - 1) & ~(word - 1);
		l->dyn_pos = pos;
		pos += (p->n_dyn + 1) * im->dynent;
	}
	l->seg_size = pos;
}

static int compare_regions(const void *x, const void *y)
{
	const struct region *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

/* The first of the sorted, disjoint regions w[0..n) that ends after off. */
static size_t first_ending_after(const struct region *w, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w[mid].off + w[mid].len <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The regions rewritten in place (r[0..n) and every vn_file target) must
 * not share bytes with each other, nor with a version record the plan
 * read.  Sorting makes it linear-logarithmic however many records a
 * forged file chains together.
 */
static int check_written_apart(const struct image *im, const struct plan *p, const struct region *r,
			       size_t n, struct field vn_file)
{
	struct region *w = malloc((n + p->n_targets + 1) * sizeof(*w));
	size_t m = 0;
	int rc = 0;

	if (!w)
		return nomem(im);
	for (size_t i = 0; i < n; i++)
		if (r[i].len)
			w[m++] = r[i];
	for (size_t t = 0; t < p->n_targets; t++)
		if (p->targets[t].kind == TARGET_VN_FILE)
			w[m++] = (struct region){p->targets[t].where + vn_file.off, vn_file.width,
						 "a vn_file"};
	qsort(w, m, sizeof(*w), compare_regions);
	for (size_t i = 1; i < m && !rc; i++)
		if (ranges_overlap(w[i - 1].off, w[i - 1].len, w[i].off, w[i].len))
			rc = bad(im, "%s and %s share bytes", w[i - 1].what, w[i].what);
	for (size_t k = 0; k < p->n_records && !rc; k++) {
		const struct region *rec = &p->records[k];
		size_t i = first_ending_after(w, m, rec->off);

		if (i < m && ranges_overlap(rec->off, rec->len, w[i].off, w[i].len))
			rc = bad(im, "%s and %s share bytes", rec->what, w[i].what);
	}
	free(w);
	return rc;
}

/* The write step rewrites parts of the input in place one after the other
 * (vn_file fields, the string table, the dynamic table, the ELF header and
 * program headers, the section headers and .symtab).  Where two of them
 * share bytes the later write undoes the earlier one, and the result
 * silently lacks an edit or names strings nobody asked for (a string table
 * laid over the dynamic table loses its overwritten string).  Only forged
 * files overlap them, so they are refused. */
static int check_rewrites(const struct layout *l, const struct image *im, const struct plan *p)
{
	struct field vn_file = FIELD(im->is64, Verneed, vn_file);
	bool relaid = l->str_moves || l->dyn_moves;
	size_t syment = SIZEOF(im->is64, Sym), n = 0;
	struct region r[5];
	int rc;

	if (!l->str_moves)
		r[n++] = (struct region){im->strtab_off, im->strsz, "the string table"};
	if (!l->dyn_moves)
		r[n++] = (struct region){im->ph[im->i_dynamic].offset, im->dyn_slots * im->dynent,
					 "the dynamic table"};
	if (relaid) {
		r[n++] = (struct region){0, SIZEOF(im->is64, Ehdr), "the ELF header"};
		if (l->ph_grows)
			r[n++] = (struct region){im->phoff, (im->n_ph + 1) * im->phentsize,
						 "the program header table"};
		if (im->n_sh)
			r[n++] = (struct region){im->shoff, im->n_sh * im->shentsize,
						 "the section header table"};
	} else {
		/* Not rewritten this time, but no in-place write may land on them
		 * either (a forged string table over the ELF identification). */
		r[n++] = (struct region){0, SIZEOF(im->is64, Ehdr), "the ELF header"};
		r[n++] = (struct region){im->phoff, im->n_ph * im->phentsize,
					 "the program header table"};
	}
	if ((rc = check_written_apart(im, p, r, n, vn_file)))
		return rc;
	/* .symtab values follow moved sections (move_symbols) */
	for (size_t s = 1; relaid && s < im->n_sh; s++) {
		const struct shdr *sh = &im->sh[s];

		if (sh->type != SHT_SYMTAB || sh->entsize != syment ||
		    !in_file(im, sh->offset, sh->size))
			continue;
		for (size_t i = 0; i < n; i++)
			if (ranges_overlap(sh->offset, sh->size, r[i].off, r[i].len))
				return bad(im, "the symbol table and %s share bytes", r[i].what);
	}
	return 0;
}

static int plan_layout(struct layout *l, const struct image *im, const struct plan *p)
{
	int rc;

	memset(l, 0, sizeof(*l));
	l->out_size = im->size;
	l->str_moves = p->str_size != im->strsz;
	l->dyn_moves = p->n_dyn + 1 > im->dyn_slots;
	if (!l->str_moves && !l->dyn_moves)
		return check_rewrites(l, im, p);
	if (im->n_ph + 1 >= PN_XNUM)
		return bad(im, "too many program headers to add one");
	l->ph_grows = free_after_phdrs(im, im->phoff + im->n_ph * im->phentsize, im->phentsize);
	l->ph_moves = !l->ph_grows;
	if ((rc = place_segment(l, im, l->ph_moves && phdr_address_follows_first_load(im))))
		return rc;
	layout_contents(l, im, p);
	if (!im->is64 &&
	    (l->seg_off + l->seg_size > UINT32_MAX || l->seg_vaddr + l->seg_size > UINT32_MAX))
		return bad(im, "the new segment does not fit a 32-bit file");
	if (l->seg_off + l->seg_size > SIZE_MAX)
		return nomem(im);
	/* Segments whose addresses wrap are refused on input (and by loaders);
	 * the new one must not be the first. */
	if (add_overflows(l->seg_vaddr, l->seg_size))
		return bad(im, "no room for a new segment in the address space");
	l->out_size = l->seg_off + l->seg_size;
	l->insert_at = 0;
	for (size_t i = 0; i < im->n_ph; i++)
		if (im->ph[i].type == PT_LOAD)
			l->insert_at = i + 1;
	return check_rewrites(l, im, p);
}

/* ===== writing ===== */

static void write_phdr(const struct image *im, unsigned char *out, uint64_t at,
		       const struct phdr *p)
{
	bool w = im->is64;

	put(im, out, at, FIELD(w, Phdr, p_type), p->type);
	put(im, out, at, FIELD(w, Phdr, p_flags), p->flags);
	put(im, out, at, FIELD(w, Phdr, p_offset), p->offset);
	put(im, out, at, FIELD(w, Phdr, p_vaddr), p->vaddr);
	put(im, out, at, FIELD(w, Phdr, p_paddr), p->paddr);
	put(im, out, at, FIELD(w, Phdr, p_filesz), p->filesz);
	put(im, out, at, FIELD(w, Phdr, p_memsz), p->memsz);
	put(im, out, at, FIELD(w, Phdr, p_align), p->align);
}

/* The program header table with the new PT_LOAD after the last existing
 * one, PT_DYNAMIC and PT_PHDR updated; e_phoff/e_phnum follow. */
static void write_phdrs(const struct image *im, const struct layout *l, unsigned char *out,
			uint64_t dyn_off, uint64_t dyn_vaddr, uint64_t dyn_size)
{
	uint64_t table_off = l->ph_moves ? l->seg_off : im->phoff;
	uint64_t table_vaddr_delta = l->seg_vaddr - l->seg_off;
	size_t n = im->n_ph + 1, from = 0;

	for (size_t i = 0; i < n; i++) {
		struct phdr p;

		if (i == l->insert_at) {
			/* writable only when it holds .dynamic (DT_DEBUG is written at
			 * run time); eu-elflint rejects a writable segment without a
			 * writable section */
			uint32_t flags = PF_R | (l->dyn_moves ? PF_W : 0);

			p = (struct phdr){PT_LOAD,      flags,       l->seg_off,  l->seg_vaddr,
					  l->seg_vaddr, l->seg_size, l->seg_size, l->align};
		} else {
			p = im->ph[from++];
			if (p.type == PT_DYNAMIC && l->dyn_moves) {
				p.offset = dyn_off;
				p.vaddr = p.paddr = dyn_vaddr;
				p.filesz = p.memsz = dyn_size;
			} else if (p.type == PT_PHDR) {
				if (l->ph_moves) {
					p.offset = l->seg_off;
					p.vaddr = p.paddr = l->seg_off + table_vaddr_delta;
				}
				p.filesz = p.memsz = n * im->phentsize;
			}
		}
		write_phdr(im, out, table_off + i * im->phentsize, &p);
	}
	put(im, out, 0, FIELD(im->is64, Ehdr, e_phoff), table_off);
	put(im, out, 0, FIELD(im->is64, Ehdr, e_phnum), n);
}

/* The dynamic table of the result at off/vaddr, DT_NULL-filled to slots. */
static void write_dynamic(const struct image *im, const struct plan *p, unsigned char *out,
			  uint64_t off, uint64_t vaddr, size_t slots, uint64_t str_vaddr)
{
	struct field tag = FIELD(im->is64, Dyn, d_tag), val = FIELD(im->is64, Dyn, d_un);
	uint64_t old_vaddr = im->ph[im->i_dynamic].vaddr;

	for (size_t i = 0; i < slots; i++) {
		uint64_t at = off + i * im->dynent;
		struct out_dyn d =
			i < p->n_dyn ? p->dyn[i] : (struct out_dyn){DT_NULL, 0, NULL, -1};

		if (d.tag == DT_STRTAB)
			d.val = str_vaddr;
		else if (d.tag == DT_STRSZ)
			d.val = p->str_size;
		/* MIPS: this entry's value is relative to the entry's own address */
		if (d.tag == DT_MIPS_RLD_MAP_REL && im->machine == EM_MIPS && d.orig >= 0)
			d.val += old_vaddr + (uint64_t)d.orig * im->dynent -
				 (vaddr + i * im->dynent);
		put(im, out, at, tag, d.tag);
		put(im, out, at, val, d.val);
	}
}

static void set_target_values(struct plan *p, const struct image *im, unsigned char *out)
{
	for (size_t i = 0; i < p->n_targets; i++) {
		const struct target *t = &p->targets[i];

		if (t->kind == TARGET_DYN)
			p->dyn[t->where].val = t->new_off;
		else
			put(im, out, t->where, FIELD(im->is64, Verneed, vn_file), t->new_off);
	}
}

/* In the static symbol table (.symtab: never used at run time), a symbol
 * defined in a moved section (its section symbol, _DYNAMIC) follows it, so
 * that the file stays self-consistent for tools.  .dynsym is left alone. */
static void move_symbols(const struct image *im, unsigned char *out, const struct moved_section *m,
			 size_t n_moved)
{
	bool w = im->is64;
	size_t syment = SIZEOF(w, Sym);

	for (size_t i = 1; i < im->n_sh; i++) {
		const struct shdr *s = &im->sh[i];

		if (s->type != SHT_SYMTAB || s->entsize != syment ||
		    !in_file(im, s->offset, s->size))
			continue;
		for (uint64_t at = s->offset; at + syment <= s->offset + s->size; at += syment) {
			uint64_t shndx = get(im, at, FIELD(w, Sym, st_shndx));
			uint64_t value = get(im, at, FIELD(w, Sym, st_value));

			for (size_t k = 0; k < n_moved; k++)
				if (shndx == m[k].index && value >= m[k].old_addr &&
				    value - m[k].old_addr <= m[k].old_size)
					put(im, out, at, FIELD(w, Sym, st_value),
					    value - m[k].old_addr + m[k].new_addr);
		}
	}
}

static void move_section(const struct image *im, unsigned char *out, size_t i, uint64_t off,
			 uint64_t addr, uint64_t size, struct moved_section *m)
{
	uint64_t at = im->shoff + i * im->shentsize;
	bool w = im->is64;

	*m = (struct moved_section){i, im->sh[i].addr, im->sh[i].size, addr};
	put(im, out, at, FIELD(w, Shdr, sh_offset), off);
	put(im, out, at, FIELD(w, Shdr, sh_addr), addr);
	put(im, out, at, FIELD(w, Shdr, sh_size), size);
}

/* Points the .dynstr and .dynamic section headers at the moved copies. */
static int update_sections(const struct image *im, unsigned char *out, const struct layout *l,
			   const struct plan *p, uint64_t dyn_off, uint64_t dyn_vaddr)
{
	uint64_t old_dyn_vaddr = im->ph[im->i_dynamic].vaddr;
	struct moved_section *moved = calloc(im->n_sh ? im->n_sh : 1, sizeof(*moved));
	size_t n_moved = 0;

	if (!moved)
		return nomem(im);
	for (size_t i = 1; i < im->n_sh; i++) {
		const struct shdr *s = &im->sh[i];

		if (l->str_moves && s->type == SHT_STRTAB && (s->flags & SHF_ALLOC) &&
		    s->addr == im->strtab_vaddr)
			move_section(im, out, i, l->seg_off + l->str_pos, l->seg_vaddr + l->str_pos,
				     p->str_size, &moved[n_moved++]);
		else if (l->dyn_moves && s->type == SHT_DYNAMIC && s->addr == old_dyn_vaddr)
			move_section(im, out, i, dyn_off, dyn_vaddr, (p->n_dyn + 1) * im->dynent,
				     &moved[n_moved++]);
	}
	move_symbols(im, out, moved, n_moved);
	free(moved);
	return 0;
}

/*
 * Whether the result can be written over the input itself: only the
 * static symbol table is read while the result is written (move_symbols),
 * so the two ways give the same bytes unless a .symtab shares bytes with
 * what is rewritten in place - the ELF header, the program header table
 * (one entry longer), .dynstr, .dynamic, the Verneed entries or the
 * section header table - which only a crafted file does.
 */
static bool writable_in_place(const struct image *im, const struct plan *p, const struct layout *l)
{
	const struct phdr *dyn = &im->ph[im->i_dynamic];
	uint64_t written[5][2] = {
		{0, im->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)},
		{l->ph_moves ? l->seg_off : im->phoff, (uint64_t)(im->n_ph + 1) * im->phentsize},
		{l->str_moves ? l->seg_off + l->str_pos : im->strtab_off, p->str_size},
		{l->dyn_moves ? l->seg_off + l->dyn_pos : dyn->offset,
		 (uint64_t)(l->dyn_moves ? p->n_dyn + 1 : im->dyn_slots) * im->dynent},
		{im->shoff, (uint64_t)im->n_sh * im->shentsize},
	};

	for (size_t i = 1; i < im->n_sh; i++) {
		const struct shdr *s = &im->sh[i];

		if (s->type != SHT_SYMTAB)
			continue;
		for (size_t k = 0; k < 5; k++)
			if (ranges_overlap(s->offset, s->size, written[k][0], written[k][1]))
				return false;
		for (size_t k = 0; k < p->n_targets; k++)
			if (p->targets[k].kind != TARGET_DYN &&
			    ranges_overlap(s->offset, s->size, p->targets[k].where,
					   im->is64 ? sizeof(Elf64_Verneed)
						    : sizeof(Elf32_Verneed)))
				return false;
	}
	return true;
}

/* Writes the result into o (out_size bytes; its first im->size are the
 * input's, either a copy or the input itself). */
static int write_result(void **out, size_t *out_size, const struct image *im, struct plan *p,
			const struct layout *l, unsigned char *o)
{
	const struct phdr *dyn = &im->ph[im->i_dynamic];
	uint64_t str_off = im->strtab_off, str_vaddr = im->strtab_vaddr;
	uint64_t dyn_off = dyn->offset, dyn_vaddr = dyn->vaddr;
	size_t dyn_slots = im->dyn_slots;

	if (o != im->bytes)
		memcpy(o, im->bytes, im->size);
	memset(o + im->size, 0, l->out_size - im->size);
	if (l->str_moves) {
		str_off = l->seg_off + l->str_pos;
		str_vaddr = l->seg_vaddr + l->str_pos;
	}
	if (l->dyn_moves) {
		dyn_off = l->seg_off + l->dyn_pos;
		dyn_vaddr = l->seg_vaddr + l->dyn_pos;
		dyn_slots = p->n_dyn + 1;
	}
	set_target_values(p, im, o);
	memcpy(o + str_off, p->str, p->str_size);
	write_dynamic(im, p, o, dyn_off, dyn_vaddr, dyn_slots, str_vaddr);
	if (l->str_moves || l->dyn_moves) {
		write_phdrs(im, l, o, dyn_off, dyn_vaddr, dyn_slots * im->dynent);
		int rc = update_sections(im, o, l, p, dyn_off, dyn_vaddr);
		if (rc) {
			if (o != im->bytes)
				free(o);
			return rc;
		}
	}
	*out = o;
	*out_size = l->out_size;
	return 0;
}

static int copy_unchanged(void **out, size_t *out_size, const struct image *im)
{
	unsigned char *o = malloc(im->size ? im->size : 1);

	if (!o)
		return nomem(im);
	memcpy(o, im->bytes, im->size);
	*out = o;
	*out_size = im->size;
	return 0;
}

static bool edit_is_valid(const struct wa_elf_edit *edit)
{
	if (edit->soname && !edit->soname[0])
		return false;
	if ((edit->n_renames && !edit->renames) || (edit->n_remove_needed && !edit->remove_needed))
		return false;
	for (size_t i = 0; i < edit->n_remove_needed; i++)
		if (!edit->remove_needed[i] || !edit->remove_needed[i][0])
			return false;
	for (size_t i = 0; i < edit->n_renames; i++)
		if (!edit->renames[i].from || !edit->renames[i].to || !edit->renames[i].from[0] ||
		    !edit->renames[i].to[0])
			return false;
	return true;
}

int wa_elf_patch(void **out, size_t *out_size, const void *in, size_t in_size,
		 const struct wa_elf_edit *edit, const char *member, struct wa_error *err)
{
	struct image im = {.bytes = in, .size = in_size, .member = member, .err = err};
	struct plan p = {0};
	struct layout l;
	int rc;

	*out = NULL;
	*out_size = 0;
	if (!in || !edit || !edit_is_valid(edit))
		return wa_error_set(err, WA_EINTERNAL, member,
				    "invalid ELF edit (empty name, missing rename or removal)");
	if ((rc = parse_image(&im)) || (rc = plan_build(&p, &im, edit)))
		goto done;
	if (!p.dyn_changed && !p.str_changed && p.n_targets == 0) {
		rc = copy_unchanged(out, out_size, &im);
		goto done;
	}
	if ((rc = plan_layout(&l, &im, &p)))
		goto done;
	{
		unsigned char *o = malloc(l.out_size ? l.out_size : 1);

		rc = o ? write_result(out, out_size, &im, &p, &l, o) : nomem(&im);
	}
done:
	plan_free(&p);
	image_free(&im);
	return rc;
}

int wa_elf_patch_in_place(void **buf, size_t *size, const struct wa_elf_edit *edit,
			  const char *member, struct wa_error *err)
{
	struct image im = {.bytes = *buf, .size = *size, .member = member, .err = err};
	struct plan p = {0};
	struct layout l;
	unsigned char *o;
	void *out = NULL;
	size_t out_size = 0;
	int rc;

	if (!*buf || !edit || !edit_is_valid(edit))
		return wa_error_set(err, WA_EINTERNAL, member,
				    "invalid ELF edit (empty name, missing rename or removal)");
	if ((rc = parse_image(&im)) || (rc = plan_build(&p, &im, edit)))
		goto done;
	if (!p.dyn_changed && !p.str_changed && p.n_targets == 0)
		goto done; /* nothing changes */
	if ((rc = plan_layout(&l, &im, &p)))
		goto done;
	if (!writable_in_place(&im, &p, &l)) {
		o = malloc(l.out_size ? l.out_size : 1);
		rc = o ? write_result(&out, &out_size, &im, &p, &l, o) : nomem(&im);
		if (!rc) {
			free(*buf);
			*buf = out;
			*size = out_size;
		}
		goto done;
	}
	/* realloc keeps the bytes (and, for big blocks, moves pages rather
	 * than copying them); the parsed image reads them at their new place */
	o = realloc(*buf, l.out_size ? l.out_size : 1);
	if (!o) {
		rc = nomem(&im);
		goto done;
	}
	*buf = o;
	im.bytes = o;
	rc = write_result(&out, &out_size, &im, &p, &l, o);
	if (!rc)
		*size = out_size;
	/* on an error o holds the input, possibly partly rewritten: the
	 * caller frees it (the repair fails) */
done:
	plan_free(&p);
	image_free(&im);
	return rc;
}
