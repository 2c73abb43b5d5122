/* SPDX-License-Identifier: MIT */
/*
 * ELF inspection from memory with libelf.
 *
 * The loader never looks at section headers: it follows PT_DYNAMIC and the
 * addresses in it.  We do the same, so a file whose section headers were
 * stripped (or lie) is judged by what will actually be loaded.  Section
 * headers are read last, only to note disagreements.
 *
 * Every offset and count read from the file is checked against the image
 * size before use; a file is untrusted input.
 */
#include "wheelaudit/elf.h"
#include "wheelaudit/bytes.h"

#include <gelf.h>
#include <libelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wa_elf_limits_default(struct wa_elf_limits *l)
{
	l->max_entries = 1 << 20;
	l->max_symbols = 1 << 24;
	l->max_string = 1 << 20;
}

static pthread_once_t library_once = PTHREAD_ONCE_INIT;
static int library_ok;

static void library_init_once(void)
{
	library_ok = elf_version(EV_CURRENT) != EV_NONE;
}

int wa_elf_library_init(struct wa_error *err)
{
	pthread_once(&library_once, library_init_once);
	if (!library_ok)
		return wa_error_set(err, WA_EINTERNAL, NULL, "libelf is too old or broken");
	return 0;
}

bool wa_elf_is_elf(const void *bytes, size_t size)
{
	return size >= 4 && memcmp(bytes, ELFMAG, SELFMAG) == 0;
}

/* ===== reading the image ===== */

struct load_seg {
	uint64_t vaddr, offset, filesz;
};

struct image {
	const unsigned char *bytes;
	size_t size;
	bool big_endian;
	bool is64;
	Elf *elf;
	const char *member;
	struct wa_elf_info *info;
	struct load_seg *loads;
	size_t n_loads;
	const struct wa_elf_limits *limits;
};

/* A limit was hit: an error of its own kind, saying which option raises it. */
static int over_limit(struct image *im, struct wa_error *err, const char *what, uint64_t limit,
		      const char *option)
{
	return wa_error_set(err, WA_ELIMIT, im->member,
			    "%s: more than %llu (raise the limit with %s)", what,
			    (unsigned long long)limit, option);
}

static bool in_file(const struct image *im, uint64_t off, uint64_t len)
{
	return off <= im->size && len <= im->size - off;
}

static uint16_t rd16(const struct image *im, uint64_t off)
{
	return (uint16_t)wa_load_uint(im->bytes + off, 2, im->big_endian);
}

static uint32_t rd32(const struct image *im, uint64_t off)
{
	return (uint32_t)wa_load_uint(im->bytes + off, 4, im->big_endian);
}

static uint64_t rd64(const struct image *im, uint64_t off)
{
	return wa_load_uint(im->bytes + off, 8, im->big_endian);
}

/* Translates a virtual address to a file offset through PT_LOAD, as the loader maps it. */
static bool vaddr_to_offset(const struct image *im, uint64_t vaddr, uint64_t *off)
{
	for (size_t i = 0; i < im->n_loads; i++) {
		const struct load_seg *s = &im->loads[i];

		if (vaddr >= s->vaddr && vaddr - s->vaddr < s->filesz) {
			*off = s->offset + (vaddr - s->vaddr);
			return *off < im->size;
		}
	}
	return false;
}

static int bad(struct image *im, struct wa_error *err, const char *what)
{
	return wa_error_set(err, WA_EBADELF, im->member, "malformed ELF file: %s", what);
}

static int nomem(struct image *im, struct wa_error *err)
{
	return wa_error_set(err, WA_ENOMEM, im->member, "out of memory");
}

static int add_note(struct image *im, const char *text)
{
	struct wa_elf_info *info = im->info;
	const char **notes = wa_arena_alloc(&info->arena, (info->n_notes + 1) * sizeof(char *));
	char *copy = wa_arena_strdup(&info->arena, text);

	if (!notes || !copy)
		return -1;
	if (info->n_notes)
		memcpy(notes, info->notes, info->n_notes * sizeof(char *));
	notes[info->n_notes++] = copy;
	info->notes = notes;
	return 0;
}

/* ===== dynamic section ===== */

struct dynamic {
	uint64_t strtab, strsz, symtab, syment, hash, gnu_hash, versym, verneed, verneednum;
	bool has_strtab, has_strsz, has_symtab, has_hash, has_gnu_hash, has_versym, has_verneed,
		has_verneednum;
	uint64_t soname;
	bool has_soname;
	uint64_t rpath, runpath;
	bool has_rpath, has_runpath;
	uint64_t *needed; /* string offsets */
	size_t n_needed;
	/* the string table as a file range */
	uint64_t str_off, str_len;
	/* Strings may start below this index: it is one past the table's last
	 * NUL, so every such string ends inside the table. */
	uint64_t str_valid;
	/* What keep_string has copied so far, and the whole table once the
	 * copies would outgrow it. */
	uint64_t copied;
	const char *table_copy;
};

static const char *dyn_string(struct image *im, const struct dynamic *d, uint64_t index)
{
	/* O(1): a hostile file may make every one of millions of references
	 * point into one long string, and scanning it each time for its NUL
	 * would take time quadratic in the file size. */
	if (index >= d->str_valid)
		return NULL;
	return (const char *)im->bytes + d->str_off + index;
}

/* Slack over the table size before keep_string copies the whole table. */
enum { KEEP_SLACK = 64 << 10 };

/*
 * Keeps a string s of the dynamic string table (found by dyn_string) in
 * the info's arena.  Copying each reference on its own would let a small
 * file demand memory quadratic in its size: every DT_NEEDED entry, version
 * name and symbol may name the same long string.  So the bytes copied are
 * counted, and once they would exceed the table itself the whole table is
 * copied, once, and later strings point into that copy.  Memory stays
 * within about twice the table; ordinary files, whose references cover
 * the table about once, never need the full copy.
 */
static const char *keep_string(struct image *im, struct dynamic *d, const char *s)
{
	const char *table = (const char *)im->bytes + d->str_off;
	size_t len;

	if (!d->table_copy) {
		len = strlen(s);
		if (d->copied + len + 1 <= d->str_len + KEEP_SLACK) {
			d->copied += len + 1;
			return wa_arena_strndup(&im->info->arena, s, len);
		}
		/* wa_arena_alloc zeroes, so the copy is NUL-terminated too */
		char *copy = wa_arena_alloc(&im->info->arena, (size_t)d->str_len + 1);

		if (!copy)
			return NULL;
		memcpy(copy, table, (size_t)d->str_len);
		d->table_copy = copy;
	}
	return d->table_copy + (s - table);
}

static int read_dynamic(struct image *im, const GElf_Phdr *ph, struct dynamic *d,
			struct wa_error *err)
{
	size_t entsize = gelf_fsize(im->elf, ELF_T_DYN, 1, EV_CURRENT);
	size_t count;
	Elf_Data *data;

	if (!in_file(im, ph->p_offset, ph->p_filesz))
		return bad(im, err,
			   "the dynamic segment lies past the end of the file (truncated?)");
	count = entsize ? ph->p_filesz / entsize : 0;
	if (count > im->limits->max_entries)
		return over_limit(im, err, "dynamic entries", im->limits->max_entries,
				  "--max-elf-entries");
	if (!count)
		return 0;
	data = elf_getdata_rawchunk(im->elf, (int64_t)ph->p_offset, count * entsize, ELF_T_DYN);
	if (!data)
		return bad(im, err, "the dynamic segment cannot be read");
	d->needed = wa_arena_alloc(&im->info->arena, count * sizeof(uint64_t));
	if (!d->needed)
		return nomem(im, err);
	for (size_t i = 0; i < count; i++) {
		GElf_Dyn dyn;

		if (!gelf_getdyn(data, (int)i, &dyn))
			return bad(im, err, "a dynamic entry cannot be read");
		switch (dyn.d_tag) {
		case DT_NULL: i = count; break;
		case DT_NEEDED: d->needed[d->n_needed++] = dyn.d_un.d_val; break;
		case DT_SONAME: d->soname = dyn.d_un.d_val, d->has_soname = true; break;
		case DT_RPATH: d->rpath = dyn.d_un.d_val, d->has_rpath = true; break;
		case DT_RUNPATH: d->runpath = dyn.d_un.d_val, d->has_runpath = true; break;
		case DT_STRTAB: d->strtab = dyn.d_un.d_ptr, d->has_strtab = true; break;
		case DT_STRSZ: d->strsz = dyn.d_un.d_val, d->has_strsz = true; break;
		case DT_SYMTAB: d->symtab = dyn.d_un.d_ptr, d->has_symtab = true; break;
		case DT_SYMENT: d->syment = dyn.d_un.d_val; break;
		case DT_HASH: d->hash = dyn.d_un.d_ptr, d->has_hash = true; break;
		case DT_GNU_HASH: d->gnu_hash = dyn.d_un.d_ptr, d->has_gnu_hash = true; break;
		case DT_VERSYM: d->versym = dyn.d_un.d_ptr, d->has_versym = true; break;
		case DT_VERNEED: d->verneed = dyn.d_un.d_ptr, d->has_verneed = true; break;
		case DT_VERNEEDNUM: d->verneednum = dyn.d_un.d_val, d->has_verneednum = true; break;
		case DT_FLAGS_1:
			im->info->pie = im->info->pie || (dyn.d_un.d_val & DF_1_PIE);
			break;
		default: break;
		}
	}
	if (!d->has_strtab) {
		if (d->n_needed || d->has_soname || d->has_rpath || d->has_runpath)
			return bad(im, err, "DT_NEEDED or DT_SONAME without DT_STRTAB");
		return 0;
	}
	if (!vaddr_to_offset(im, d->strtab, &d->str_off))
		return bad(im, err, "DT_STRTAB points outside the loaded segments");
	d->str_len = im->size - d->str_off;
	if (d->has_strsz) {
		if (d->strsz > d->str_len)
			return bad(im, err,
				   "the dynamic string table runs past the end of the file "
				   "(truncated?)");
		d->str_len = d->strsz;
	}
	/* One backward scan here makes every later lookup O(1). */
	for (d->str_valid = d->str_len; d->str_valid > 0; d->str_valid--)
		if (im->bytes[d->str_off + d->str_valid - 1] == '\0')
			break;
	return 0;
}

static const char *copy_dyn_string(struct image *im, struct dynamic *d, uint64_t index,
				   const char *what, struct wa_error *err, int *rc)
{
	const char *s = dyn_string(im, d, index);
	const char *copy;

	*rc = 0;
	if (!s) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%s string lies outside the string table", what);
		*rc = bad(im, err, msg);
		return NULL;
	}
	if (strlen(s) > im->limits->max_string) {
		*rc = over_limit(im, err, "bytes in one string", im->limits->max_string,
				 "--max-elf-string");
		return NULL;
	}
	copy = keep_string(im, d, s);
	if (!copy)
		*rc = nomem(im, err);
	return copy;
}

/*
 * Splits a ':'-separated list with two allocations, the bytes once and the
 * pointers once.  One arena block per entry would cost some forty bytes
 * for each ':' of a hostile list made of nothing else; this costs nine.
 */
static int split_path_list(struct image *im, const char *s, const char ***out, size_t *n)
{
	size_t len = strlen(s), count = 1;
	char *copy = wa_arena_strndup(&im->info->arena, s, len);
	const char **items;

	if (!copy)
		return -1;
	for (size_t i = 0; i < len; i++)
		count += copy[i] == ':';
	items = wa_arena_alloc(&im->info->arena, count * sizeof(*items));
	if (!items)
		return -1;
	*n = 0;
	items[(*n)++] = copy;
	for (size_t i = 0; i < len; i++)
		if (copy[i] == ':') {
			copy[i] = '\0';
			items[(*n)++] = copy + i + 1;
		}
	*out = items;
	return 0;
}

static int copy_dynamic_strings(struct image *im, struct dynamic *d, struct wa_error *err)
{
	struct wa_elf_info *info = im->info;
	int rc = 0;

	info->needed = wa_arena_alloc(&info->arena, (d->n_needed + 1) * sizeof(char *));
	if (!info->needed)
		return nomem(im, err);
	for (size_t i = 0; i < d->n_needed; i++) {
		info->needed[i] = copy_dyn_string(im, d, d->needed[i], "a DT_NEEDED", err, &rc);
		if (rc)
			return rc;
	}
	info->n_needed = d->n_needed;
	if (d->has_soname &&
	    !(info->soname = copy_dyn_string(im, d, d->soname, "the DT_SONAME", err, &rc)))
		return rc;
	if (d->has_rpath) {
		const char *s = copy_dyn_string(im, d, d->rpath, "the DT_RPATH", err, &rc);

		if (!s)
			return rc;
		if (split_path_list(im, s, &info->rpath, &info->n_rpath))
			return nomem(im, err);
	}
	if (d->has_runpath) {
		const char *s = copy_dyn_string(im, d, d->runpath, "the DT_RUNPATH", err, &rc);

		if (!s)
			return rc;
		if (split_path_list(im, s, &info->runpath, &info->n_runpath))
			return nomem(im, err);
	}
	return 0;
}

/* ===== symbols ===== */

/* The number of dynamic symbols from DT_HASH (nchain) or DT_GNU_HASH, as the loader knows it. */
static int count_dynsyms(struct image *im, const struct dynamic *d, size_t *out,
			 struct wa_error *err)
{
	uint64_t off;

	*out = 0;
	if (d->has_hash) {
		/* 64-bit s390 and Alpha use 8-byte hash-table entries. */
		bool wide =
			im->is64 && (im->info->machine == EM_S390 || im->info->machine == EM_ALPHA);

		if (!vaddr_to_offset(im, d->hash, &off) || !in_file(im, off, wide ? 16 : 8))
			return bad(im, err, "DT_HASH points outside the file");
		*out = wide ? (size_t)rd64(im, off + 8) : rd32(im, off + 4);
		return 0;
	}
	if (d->has_gnu_hash) {
		uint32_t nbuckets, symoffset, bloom_size, maxsym = 0;
		uint64_t buckets, chains, word = im->is64 ? 8 : 4;

		if (!vaddr_to_offset(im, d->gnu_hash, &off) || !in_file(im, off, 16))
			return bad(im, err, "DT_GNU_HASH points outside the file");
		nbuckets = rd32(im, off);
		symoffset = rd32(im, off + 4);
		bloom_size = rd32(im, off + 8);
		buckets = off + 16 + (uint64_t)bloom_size * word;
		if (!in_file(im, buckets, (uint64_t)nbuckets * 4))
			return bad(im, err, "the GNU hash table runs past the end of the file");
		for (uint32_t b = 0; b < nbuckets; b++) {
			uint32_t v = rd32(im, buckets + 4ULL * b);

			if (v > maxsym)
				maxsym = v;
		}
		/* Undefined symbols are never hashed: with no hashed symbol
		 * at all the table cannot tell how many there are. */
		if (maxsym < symoffset)
			return 0;
		chains = buckets + 4ULL * nbuckets;
		/* Walk the last chain to its end marker (low bit set). */
		for (uint64_t i = maxsym;; i++) {
			uint64_t at = chains + 4 * (i - symoffset);

			if (i - maxsym > im->limits->max_symbols || !in_file(im, at, 4))
				return bad(im, err,
					   "the GNU hash chain runs past the end of the file");
			if (rd32(im, at) & 1) {
				*out = (size_t)i + 1;
				return 0;
			}
		}
	}
	return 0;
}

/*
 * When the hash tables cannot give the symbol count (an object that
 * exports nothing), take it from a .dynsym section at the same address,
 * else from the distance to the next dynamic table after DT_SYMTAB (the
 * link editor lays them out back to back), as other ELF readers do.
 */
static size_t fallback_dynsym_count(struct image *im, const struct dynamic *d, size_t symsize)
{
	const uint64_t others[] = {d->strtab, d->versym, d->verneed, d->hash, d->gnu_hash};
	const bool have[] = {d->has_strtab, d->has_versym, d->has_verneed, d->has_hash,
			     d->has_gnu_hash};
	uint64_t best = UINT64_MAX;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(im->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_DYNSYM && sh.sh_addr == d->symtab &&
		    sh.sh_entsize == symsize)
			return (size_t)(sh.sh_size / symsize);
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (have[i] && others[i] > d->symtab && others[i] - d->symtab < best)
			best = others[i] - d->symtab;
	if (best == UINT64_MAX || !symsize)
		return 0;
	return (size_t)(best / symsize);
}

static int read_verneed(struct image *im, struct dynamic *d, struct wa_error *err)
{
	struct wa_elf_info *info = im->info;
	uint64_t max = im->limits->max_entries;
	uint64_t off, limit = d->has_verneednum ? d->verneednum : max;
	size_t cap = 16, total_aux = 0;
	int rc = 0;

	if (!d->has_verneed)
		return 0;
	if (!vaddr_to_offset(im, d->verneed, &off))
		return bad(im, err, "DT_VERNEED points outside the loaded segments");
	if (limit > max)
		return over_limit(im, err, "DT_VERNEEDNUM version-needs entries", max,
				  "--max-elf-entries");
	info->needs = wa_arena_alloc(&info->arena, cap * sizeof(*info->needs));
	if (!info->needs)
		return nomem(im, err);
	for (uint64_t k = 0; k < limit; k++) {
		uint16_t vn_cnt;
		uint32_t vn_file, vn_aux, vn_next;
		const char *file;
		uint64_t aux;

		if (!in_file(im, off, 16))
			return bad(im, err, "a version-needs entry lies past the end of the file");
		vn_cnt = rd16(im, off + 2);
		vn_file = rd32(im, off + 4);
		vn_aux = rd32(im, off + 8);
		vn_next = rd32(im, off + 12);
		file = copy_dyn_string(im, d, vn_file, "a version-needs file", err, &rc);
		if (!file)
			return rc;
		aux = off + vn_aux;
		for (uint16_t j = 0; j < vn_cnt; j++) {
			uint16_t flags, other;
			uint32_t name, next;
			struct wa_elf_verneed *n;

			if (++total_aux > max)
				return over_limit(im, err, "version-needs aux entries", max,
						  "--max-elf-entries");
			if (!in_file(im, aux, 16))
				return bad(
					im, err,
					"a version-needs aux entry lies past the end of the file");
			flags = rd16(im, aux + 4);
			other = rd16(im, aux + 6);
			name = rd32(im, aux + 8);
			next = rd32(im, aux + 12);
			if (info->n_needs == cap) {
				struct wa_elf_verneed *bigger =
					wa_arena_alloc(&info->arena, 2 * cap * sizeof(*bigger));

				if (!bigger)
					return nomem(im, err);
				memcpy(bigger, info->needs, cap * sizeof(*bigger));
				info->needs = bigger;
				cap *= 2;
			}
			n = &info->needs[info->n_needs];
			n->library = file;
			n->version = copy_dyn_string(im, d, name, "a version name", err, &rc);
			if (!n->version)
				return rc;
			n->weak = (flags & VER_FLG_WEAK) != 0;
			n->index = other & 0x7fff;
			info->n_needs++;
			if (!next) {
				/* as for DT_VERNEEDNUM below: a count the chain does
				 * not hold means a damaged or forged table */
				if (j + 1 < vn_cnt)
					return bad(
						im, err,
						"the version-needs aux chain ends before vn_cnt");
				break;
			}
			aux += next;
		}
		if (!vn_next) {
			if (d->has_verneednum && k + 1 < limit)
				return bad(im, err,
					   "the version-needs chain ends before DT_VERNEEDNUM");
			break;
		}
		off += vn_next;
	}
	return 0;
}

static int read_symbols(struct image *im, struct dynamic *d, struct wa_error *err)
{
	struct wa_elf_info *info = im->info;
	size_t nsyms, symsize = gelf_fsize(im->elf, ELF_T_SYM, 1, EV_CURRENT);
	uint64_t symoff, versymoff = 0;
	Elf_Data *syms, *versym = NULL;
	size_t n_undef = 0;
	int rc;

	if (!d->has_symtab)
		return 0;
	rc = count_dynsyms(im, d, &nsyms, err);
	if (rc)
		return rc;
	if (!nsyms)
		nsyms = fallback_dynsym_count(im, d, symsize);
	if (!nsyms)
		return 0;
	if (nsyms > im->limits->max_symbols)
		return over_limit(im, err, "dynamic symbols", im->limits->max_symbols,
				  "--max-elf-symbols");
	if (!vaddr_to_offset(im, d->symtab, &symoff) || !in_file(im, symoff, nsyms * symsize))
		return bad(im, err,
			   "the dynamic symbol table runs past the end of the file "
			   "(truncated?)");
	syms = elf_getdata_rawchunk(im->elf, (int64_t)symoff, nsyms * symsize, ELF_T_SYM);
	if (!syms)
		return bad(im, err, "the dynamic symbol table cannot be read");
	if (d->has_versym) {
		if (!vaddr_to_offset(im, d->versym, &versymoff) ||
		    !in_file(im, versymoff, nsyms * 2))
			return bad(im, err,
				   "the symbol version table runs past the end of the file");
		versym = elf_getdata_rawchunk(im->elf, (int64_t)versymoff, nsyms * 2, ELF_T_HALF);
		if (!versym)
			return bad(im, err, "the symbol version table cannot be read");
	}
	info->n_dynsyms = nsyms;
	info->undefs = wa_arena_alloc(&info->arena, nsyms * sizeof(*info->undefs));
	if (!info->undefs)
		return nomem(im, err);
	for (size_t i = 1; i < nsyms; i++) {
		GElf_Sym sym;
		struct wa_elf_undef *u;
		const char *name;
		int bind;

		if (!gelf_getsym(syms, (int)i, &sym))
			return bad(im, err, "a dynamic symbol cannot be read");
		bind = GELF_ST_BIND(sym.st_info);
		if (sym.st_shndx != SHN_UNDEF || sym.st_name == 0 || bind == STB_LOCAL)
			continue;
		name = dyn_string(im, d, sym.st_name);
		if (!name)
			return bad(im, err, "a symbol name lies outside the string table");
		if (strlen(name) > im->limits->max_string)
			return over_limit(im, err, "bytes in one symbol name",
					  im->limits->max_string, "--max-elf-string");
		u = &info->undefs[n_undef++];
		u->name = keep_string(im, d, name);
		if (!u->name)
			return nomem(im, err);
		u->weak = bind == STB_WEAK;
		u->verneed = -1;
		if (versym) {
			uint16_t v = ((const uint16_t *)versym->d_buf)[i] & 0x7fff;

			for (size_t k = 0; v >= 2 && k < info->n_needs; k++)
				if (info->needs[k].index == v) {
					u->verneed = (int)k;
					break;
				}
		}
	}
	info->n_undefs = n_undef;
	return 0;
}

/* ===== notes: the x86 ISA level, the Android API level ===== */

static void read_property_note(struct image *im, uint64_t off, uint64_t len, uint64_t align)
{
	uint64_t end = off + len;
	uint64_t pad = im->is64 ? 8 : 4;

	if (align != 4 && align != 8)
		align = 4;
	while (off + 12 <= end) {
		uint32_t namesz = rd32(im, off), descsz = rd32(im, off + 4),
			 type = rd32(im, off + 8);
		uint64_t name_off = off + 12;
		uint64_t desc_off = (name_off + namesz + align - 1) & ~(align - 1);
		uint64_t next = (desc_off + descsz + align - 1) & ~(align - 1);

		if (desc_off > end || descsz > end - desc_off)
			return;
		/* The NDK's crtbegin marks every Android binary with the API level
		 * it was built for: what tells its libc.so from musl's. */
		if (namesz == 8 && memcmp(im->bytes + name_off, "Android", 8) == 0 && type == 1 &&
		    descsz >= 4) {
			uint32_t api = rd32(im, desc_off);

			im->info->android_api = api ? api : 1;
		}
		if (namesz == 4 && memcmp(im->bytes + name_off, "GNU", 4) == 0 &&
		    type == NT_GNU_PROPERTY_TYPE_0) {
			uint64_t p = desc_off, pend = desc_off + descsz;

			while (p + 8 <= pend) {
				uint32_t pr_type = rd32(im, p), pr_datasz = rd32(im, p + 4);

				if (pr_datasz > pend - p - 8)
					break;
				if (pr_type == GNU_PROPERTY_X86_ISA_1_NEEDED && pr_datasz >= 4) {
					uint32_t bits = rd32(im, p + 8);
					enum wa_elf_isa level = WA_ISA_NONE;

					if (bits & GNU_PROPERTY_X86_ISA_1_BASELINE)
						level = WA_ISA_BASELINE;
					if (bits & GNU_PROPERTY_X86_ISA_1_V2)
						level = WA_ISA_V2;
					if (bits & GNU_PROPERTY_X86_ISA_1_V3)
						level = WA_ISA_V3;
					if (bits & GNU_PROPERTY_X86_ISA_1_V4)
						level = WA_ISA_V4;
					if (level > im->info->x86_isa_needed)
						im->info->x86_isa_needed = level;
				}
				p += 8 + ((pr_datasz + pad - 1) & ~(pad - 1));
			}
		}
		if (next <= off)
			return;
		off = next;
	}
}

/* ===== section headers: a cross-check only ===== */

static int cross_check_sections(struct image *im, const struct dynamic *d, struct wa_error *err)
{
	size_t shnum = 0;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	char msg[160];

	if (!gelf_getehdr(im->elf, &eh) || eh.e_shoff == 0)
		return 0;
	/* Checked on the raw header: libelf reports no sections at all when
	 * the table lies outside the image, which would hide the damage. */
	if (!in_file(im, eh.e_shoff, (uint64_t)(eh.e_shnum ? eh.e_shnum : 1) * eh.e_shentsize))
		return bad(im, err,
			   "the section header table lies past the end of the file "
			   "(truncated?)");
	if (elf_getshdrnum(im->elf, &shnum) != 0)
		return bad(im, err, "the section header table cannot be read");
	if (!shnum)
		return 0;
	if (!in_file(im, eh.e_shoff, (uint64_t)shnum * eh.e_shentsize))
		return bad(im, err,
			   "the section header table lies past the end of the file "
			   "(truncated?)");
	im->info->has_section_headers = true;
	while ((scn = elf_nextscn(im->elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			return bad(im, err, "a section header cannot be read");
		if (sh.sh_type != SHT_NOBITS && sh.sh_size &&
		    !in_file(im, sh.sh_offset, sh.sh_size))
			return bad(im, err, "a section lies past the end of the file (truncated?)");
		if (sh.sh_type == SHT_GNU_verneed && d->has_verneednum &&
		    sh.sh_info != d->verneednum) {
			snprintf(
				msg, sizeof(msg),
				"section headers list %u version-needs entries, DT_VERNEEDNUM %llu "
				"(the loader uses DT_VERNEEDNUM)",
				(unsigned)sh.sh_info, (unsigned long long)d->verneednum);
			if (add_note(im, msg))
				return nomem(im, err);
		}
		if (sh.sh_type == SHT_GNU_verneed && !d->has_verneed) {
			if (add_note(im, "a .gnu.version_r section exists but PT_DYNAMIC has no "
					 "DT_VERNEED (the loader ignores the section)"))
				return nomem(im, err);
		}
		if (sh.sh_type == SHT_DYNSYM && sh.sh_entsize && im->info->n_dynsyms &&
		    sh.sh_size / sh.sh_entsize != im->info->n_dynsyms) {
			snprintf(msg, sizeof(msg),
				 "section headers give %llu dynamic symbols, the hash table %zu",
				 (unsigned long long)(sh.sh_size / sh.sh_entsize),
				 im->info->n_dynsyms);
			if (add_note(im, msg))
				return nomem(im, err);
		}
	}
	return 0;
}

/* ===== the entry point ===== */

static int read_program_headers(struct image *im, struct dynamic *d, struct wa_error *err)
{
	struct wa_elf_info *info = im->info;
	size_t phnum = 0;
	GElf_Phdr dyn_ph = {0};
	bool has_dyn = false;
	int rc;

	GElf_Ehdr eh;

	if (elf_getphdrnum(im->elf, &phnum) != 0 || !gelf_getehdr(im->elf, &eh))
		return bad(im, err, "the program header table cannot be read (truncated?)");
	/* libelf quietly shortens a table cut off by the end of the file. */
	if ((eh.e_phnum != PN_XNUM && phnum != eh.e_phnum) ||
	    (phnum && !in_file(im, eh.e_phoff, (uint64_t)phnum * eh.e_phentsize)))
		return bad(im, err,
			   "the program header table runs past the end of the file "
			   "(truncated?)");
	if (phnum > im->limits->max_entries)
		return over_limit(im, err, "program headers", im->limits->max_entries,
				  "--max-elf-entries");
	im->loads = wa_arena_alloc(&info->arena, (phnum ? phnum : 1) * sizeof(*im->loads));
	if (!im->loads)
		return nomem(im, err);
	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(im->elf, (int)i, &ph))
			return bad(im, err, "a program header lies past the end of the file");
		switch (ph.p_type) {
		case PT_LOAD:
			im->loads[im->n_loads++] =
				(struct load_seg){ph.p_vaddr, ph.p_offset, ph.p_filesz};
			break;
		case PT_DYNAMIC:
			dyn_ph = ph;
			has_dyn = true;
			break;
		case PT_INTERP: {
			const unsigned char *s, *nul;

			if (!in_file(im, ph.p_offset, ph.p_filesz) || !ph.p_filesz)
				return bad(im, err, "PT_INTERP lies past the end of the file");
			s = im->bytes + ph.p_offset;
			nul = memchr(s, '\0', ph.p_filesz);
			info->interp = wa_arena_strndup(&info->arena, (const char *)s,
							nul ? (size_t)(nul - s) : ph.p_filesz);
			if (!info->interp)
				return nomem(im, err);
			break;
		}
		case PT_NOTE:
		case PT_GNU_PROPERTY:
			if (in_file(im, ph.p_offset, ph.p_filesz))
				read_property_note(im, ph.p_offset, ph.p_filesz, ph.p_align);
			break;
		default: break;
		}
	}
	if (!has_dyn)
		return 0;
	info->has_dynamic = true;
	rc = read_dynamic(im, &dyn_ph, d, err);
	if (rc)
		return rc;
	if (!d->has_strtab)
		return 0;
	rc = copy_dynamic_strings(im, d, err);
	if (!rc)
		rc = read_verneed(im, d, err);
	if (!rc)
		rc = read_symbols(im, d, err);
	return rc;
}

int wa_elf_inspect(struct wa_elf_info **out, const void *bytes, size_t size, const char *member,
		   struct wa_error *err)
{
	return wa_elf_inspect_limited(out, bytes, size, member, NULL, err);
}

int wa_elf_inspect_limited(struct wa_elf_info **out, const void *bytes, size_t size,
			   const char *member, const struct wa_elf_limits *limits,
			   struct wa_error *err)
{
	struct wa_elf_limits defaults;
	struct wa_elf_info *info = NULL;
	struct image im = {.bytes = bytes, .size = size, .member = member, .limits = limits};
	struct dynamic d;
	GElf_Ehdr eh;
	int rc;

	*out = NULL;
	memset(&d, 0, sizeof(d));
	if (!im.limits) {
		wa_elf_limits_default(&defaults);
		im.limits = &defaults;
	}
	rc = wa_elf_library_init(err);
	if (rc)
		return rc;
	if (size < EI_NIDENT || !wa_elf_is_elf(bytes, size))
		return wa_error_set(err, WA_EBADELF, member,
				    "malformed ELF file: truncated inside the ELF identification");
	im.is64 = im.bytes[EI_CLASS] == ELFCLASS64;
	im.big_endian = im.bytes[EI_DATA] == ELFDATA2MSB;
	if ((im.bytes[EI_CLASS] != ELFCLASS32 && !im.is64) ||
	    (im.bytes[EI_DATA] != ELFDATA2LSB && !im.big_endian))
		return wa_error_set(err, WA_EBADELF, member,
				    "malformed ELF file: unknown class %u or byte order %u",
				    im.bytes[EI_CLASS], im.bytes[EI_DATA]);
	info = calloc(1, sizeof(*info));
	if (!info)
		return wa_error_set(err, WA_ENOMEM, member, "out of memory");
	wa_arena_init(&info->arena);
	im.info = info;
	/* libelf only reads this image: it copies whatever it must convert. */
	im.elf = elf_memory((char *)(uintptr_t)bytes, size);
	if (!im.elf) {
		rc = bad(&im, err, elf_errmsg(-1));
		goto out;
	}
	if (elf_kind(im.elf) != ELF_K_ELF || !gelf_getehdr(im.elf, &eh)) {
		rc = bad(&im, err, "truncated or invalid ELF header");
		goto out;
	}
	info->elf_class = im.bytes[EI_CLASS];
	info->data = im.bytes[EI_DATA];
	info->osabi = im.bytes[EI_OSABI];
	info->type = eh.e_type;
	info->machine = eh.e_machine;
	info->flags = eh.e_flags;
	rc = read_program_headers(&im, &d, err);
	if (!rc)
		rc = cross_check_sections(&im, &d, err);
out:
	if (im.elf)
		elf_end(im.elf);
	if (rc) {
		wa_elf_info_free(info);
		return rc;
	}
	*out = info;
	return 0;
}

void wa_elf_info_free(struct wa_elf_info *info)
{
	if (!info)
		return;
	wa_arena_release(&info->arena);
	free(info);
}
