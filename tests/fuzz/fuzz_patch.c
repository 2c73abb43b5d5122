/* SPDX-License-Identifier: MIT */
/*
 * fuzz_patch: wa_elf_patch and wa_elf_strip on hostile ELF images, with the
 * edits repair makes (docs/elf-patching.md): the grafting edits, the
 * removal of a DT_NEEDED, stripping alone and combined with an edit in
 * either order.
 *
 * Input layout: an input that starts with the ELF magic is the image, and
 * every edit below is applied to it in turn (so the fixture seeds reach
 * them all); any other input is EDIT IMAGE, its first byte choosing one
 * edit (modulo their number).
 *
 * Beyond memory errors, leaks and hangs, it checks the patcher's contract:
 *  - a failure is WA_EBADELF (or WA_ENOMEM) with a message, *out NULL;
 *  - a result is no bigger than the input plus the new segment plus the
 *    zero padding the placement rules may demand (out_bound);
 *  - when wa_elf_inspect accepts the input, it accepts the result, which
 *    shows exactly the edit: the requested SONAME, the renamed DT_NEEDED
 *    entries and nothing else changed in the list, the requested search
 *    path with the other kind gone (everything else as before);
 *  - the same edit applied to the result changes nothing: the patcher
 *    returns the same bytes (the doc promises a byte-for-byte copy).
 * and the stripper's:
 *  - a failure as above;
 *  - a result keeps the ELF header (but its section fields), the program
 *    header table and every byte a segment covers; it is at most a few
 *    pages plus four times the input (see place_like in elfstrip.c);
 *  - when wa_elf_inspect accepts the input, it accepts the result and sees
 *    the same dynamic section;
 *  - stripping the result returns the same bytes.
 */
#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/elfpatch.h"
#include "wheelaudit/elfstrip.h"

static const unsigned char elf_magic[4] = {0x7f, 'E', 'L', 'F'};

/* Whether and when an edit strips: not, only (no edit), after or before it. */
enum strip_mode { NO_STRIP, STRIP_ONLY, PATCH_THEN_STRIP, STRIP_THEN_PATCH };

/* What an edit is made of; the rename's and removal's names are filled in
 * per input. */
struct edit_spec {
	const char *what;
	bool soname, rename;
	const char *rpath;
	bool as_runpath;
	bool remove; /* remove the last DT_NEEDED */
	enum strip_mode strip;
};

/* Short paths fit in place over a longer old one; long ones make the
 * string table grow (a new PT_LOAD). */
static const char short_path[] = "$ORIGIN";
static const char long_path[] = "$ORIGIN/../fz.libs:$ORIGIN/../../lib/a/rather/long/search/"
				"path/that/is/longer/than/any/fixture/has";

static const struct edit_spec edits[] = {
	{"soname", true, false, NULL, false, false, NO_STRIP},
	{"rename", false, true, NULL, false, false, NO_STRIP},
	{"rpath-short", false, false, short_path, false, false, NO_STRIP},
	{"rpath-long", false, false, long_path, false, false, NO_STRIP},
	{"runpath", false, false, long_path, true, false, NO_STRIP},
	{"runpath-empty", false, false, "", true, false, NO_STRIP},
	{"all-rpath", true, true, long_path, false, false, NO_STRIP},
	{"all-runpath", true, true, short_path, true, false, NO_STRIP},
	{"remove-needed", false, false, NULL, false, true, NO_STRIP},
	{"remove-all", true, true, long_path, true, true, NO_STRIP},
	{"strip", false, false, NULL, false, false, STRIP_ONLY},
	{"patch-strip", true, true, long_path, false, true, PATCH_THEN_STRIP},
	{"strip-patch", true, true, long_path, true, false, STRIP_THEN_PATCH},
};
enum { N_EDITS = sizeof(edits) / sizeof(edits[0]) };

static const char new_soname[] = "libfz-patched.so.1";
static const char default_from[] = "libc.so.6";
static const char default_removed[] = "libpython3.11.so.1.0";

/* The padding the patcher refuses beyond (MAX_PADDING in elfpatch.c). */
#define MAX_PADDING ((uint64_t)256 << 20)

static uint64_t rd(const uint8_t *p, size_t width, bool msb)
{
	uint64_t v = 0;

	for (size_t i = 0; i < width; i++)
		v = v << 8 | p[msb ? i : width - 1 - i];
	return v;
}

/*
 * How far a result may reach beyond the input's end, from the input's
 * program headers: the new segment starts at the end of the file (rounded
 * to 16), or, when its offset must follow its address, at "page above the
 * highest segment end - (p_vaddr - p_offset of the first PT_LOAD)"; never
 * more than MAX_PADDING of zeros.  Anything the header does not let us
 * compute counts as the full MAX_PADDING.
 */
static uint64_t padding_bound(const uint8_t *d, size_t size)
{
	bool is64, msb;
	uint64_t phoff, phnum, phent, top = 0, align = 4096, delta = 0, vmin;
	bool have_first = false;

	if (size < EI_NIDENT || memcmp(d, elf_magic, 4) != 0)
		return 0;
	is64 = d[EI_CLASS] == ELFCLASS64;
	if (size < (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return 0;
	msb = d[EI_DATA] == ELFDATA2MSB;
	phoff = is64 ? rd(d + 32, 8, msb) : rd(d + 28, 4, msb);
	phent = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	phnum = rd(d + (is64 ? 56 : 44), 2, msb);
	align = wa_elf_patch_min_align((uint16_t)rd(d + 18, 2, msb));
	if (phoff > size || phnum * phent > size - phoff)
		return 0; /* the patcher refuses it */
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *p = d + phoff + i * phent;
		uint32_t type = (uint32_t)rd(p, 4, msb);
		uint64_t off = is64 ? rd(p + 8, 8, msb) : rd(p + 4, 4, msb);
		uint64_t vaddr = is64 ? rd(p + 16, 8, msb) : rd(p + 8, 4, msb);
		uint64_t memsz = is64 ? rd(p + 40, 8, msb) : rd(p + 20, 4, msb);
		uint64_t al = is64 ? rd(p + 48, 8, msb) : rd(p + 28, 4, msb);

		if (type == PT_LOAD && al > align)
			align = al;
		if (type == PT_LOAD && !have_first) {
			have_first = true;
			delta = vaddr >= off ? vaddr - off : 0;
		}
		if (type == PT_NULL || memsz == 0)
			continue;
		if (vaddr > UINT64_MAX - memsz)
			return MAX_PADDING;
		if (vaddr + memsz > top)
			top = vaddr + memsz;
	}
	if (align > (uint64_t)1 << 62 || top > UINT64_MAX - 2 * align)
		return MAX_PADDING;
	vmin = (top + align - 1) & ~(align - 1);
	if (vmin < delta || vmin - delta <= size)
		return 16;
	return vmin - delta - size > MAX_PADDING ? MAX_PADDING : vmin - delta - size + 16;
}

/*
 * The new segment holds at most: the program header table plus one entry,
 * a copy of the string table plus each new string once (an appended string
 * is found again by later references), and the dynamic table plus the
 * added SONAME and search path entries and DT_NULL.  Each of those tables
 * lies inside the input, hence 3 * size, plus some slack for the entries
 * added and the alignment.
 */
static uint64_t out_bound(const uint8_t *d, size_t size, const struct wa_elf_edit *e)
{
	uint64_t texts = 0;

	if (e->soname)
		texts += strlen(e->soname) + 1;
	for (size_t i = 0; i < e->n_renames; i++)
		texts += strlen(e->renames[i].to) + 1;
	if (e->rpath)
		texts += strlen(e->rpath) + 1;
	return (uint64_t)size + padding_bound(d, size) + 3 * (uint64_t)size + texts + 256;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Whether a split search path list reads back as path. */
static bool path_is(const char *const *list, size_t n, const char *path)
{
	size_t at = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(list[i]);

		if (strncmp(path + at, list[i], len) != 0)
			return false;
		at += len;
		if (i + 1 < n) {
			if (path[at] != ':')
				return false;
			at++;
		}
	}
	return path[at] == '\0';
}

static bool same_list(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

/* The result shows exactly the edit: compared with what the input showed. */
static void check_result(const struct wa_elf_info *in, const struct wa_elf_info *out,
			 const struct wa_elf_edit *e)
{
	size_t k = 0;

	FUZZ_CHECK(same_str(out->soname, e->soname ? e->soname : in->soname));
	for (size_t i = 0; i < in->n_needed; i++) {
		const char *want = in->needed[i];

		/* removal wins over a rename of the same name */
		if (e->n_remove_needed && strcmp(want, e->remove_needed[0]) == 0)
			continue;
		if (e->n_renames && strcmp(want, e->renames[0].from) == 0)
			want = e->renames[0].to;
		FUZZ_CHECK(k < out->n_needed && strcmp(out->needed[k], want) == 0);
		k++;
	}
	FUZZ_CHECK(k == out->n_needed);
	if (!e->rpath) {
		FUZZ_CHECK(same_list(out->rpath, out->n_rpath, in->rpath, in->n_rpath));
		FUZZ_CHECK(same_list(out->runpath, out->n_runpath, in->runpath, in->n_runpath));
	} else if (e->as_runpath) {
		FUZZ_CHECK(out->n_rpath == 0);
		FUZZ_CHECK(path_is(out->runpath, out->n_runpath, e->rpath));
	} else {
		FUZZ_CHECK(out->n_runpath == 0);
		FUZZ_CHECK(path_is(out->rpath, out->n_rpath, e->rpath));
	}
	FUZZ_CHECK(same_str(out->interp, in->interp));
	FUZZ_CHECK(out->machine == in->machine && out->elf_class == in->elf_class &&
		   out->data == in->data && out->type == in->type);
}

/*
 * Whether inspecting a result may fail on its symbols for a reason the
 * patch did not create.  When neither DT_HASH nor DT_GNU_HASH gives the
 * number of dynamic symbols, wa_elf_inspect guesses it from the distance
 * to the next table it knows (DT_STRTAB among them); a moved string table
 * changes that guess, and a bigger guess may run past the end of the file
 * or over the symbol limit.
 * The patcher never moves or changes the symbols, their versions or the
 * hash tables, and keeps every old string offset valid, so with a count
 * the file states nothing about symbols can break.
 */
static bool symbols_guessed(const struct wa_error *err)
{
	return (err->code == WA_EBADELF || err->code == WA_ELIMIT) &&
	       strstr(err->message, "symbol") != NULL;
}

static void check_failure(int rc, const void *out, size_t out_size, const struct wa_error *err)
{
	FUZZ_CHECK(rc == -WA_EBADELF || rc == -WA_ENOMEM);
	FUZZ_CHECK(err->code == -rc);
	FUZZ_CHECK(err->message[0] != '\0');
	FUZZ_CHECK(out == NULL && out_size == 0);
}

/* Applies e to the image and checks the patcher's contract; returns the
 * result (the caller frees it) or NULL when the patcher refused. */
static void *patch_checked(const uint8_t *data, size_t size, const struct edit_spec *spec,
			   const struct wa_elf_edit *e, const struct wa_elf_info *in_info,
			   size_t *result_size)
{
	struct wa_elf_info *out_info = NULL;
	struct wa_error err;
	void *out = (void *)1, *again = (void *)1; /* must be reset */
	size_t out_size = 1, again_size = 1;
	int rc;

	wa_error_clear(&err);
	rc = wa_elf_patch(&out, &out_size, data, size, e, "pkg/_mod.so", &err);
	if (getenv("WA_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_patch: %s: %s\n", spec->what, rc ? err.message : "patched");
	if (rc) {
		void *buf = malloc(size ? size : 1);
		size_t n = size;
		struct wa_error err2;

		check_failure(rc, out, out_size, &err);
		/* the in-place patch refuses what the copying one refuses */
		FUZZ_CHECK(buf != NULL);
		memcpy(buf, data, size);
		wa_error_clear(&err2);
		FUZZ_CHECK(wa_elf_patch_in_place(&buf, &n, e, "pkg/_mod.so", &err2) == rc);
		free(buf);
		return NULL;
	}
	FUZZ_CHECK(err.code == 0 && out != NULL);
	FUZZ_CHECK(out_size >= size && out_size <= out_bound(data, size, e));
	{
		/* patched over itself (what repair writes): the very same bytes */
		void *buf = malloc(size ? size : 1);
		size_t n = size;

		FUZZ_CHECK(buf != NULL);
		memcpy(buf, data, size);
		wa_error_clear(&err);
		FUZZ_CHECK(wa_elf_patch_in_place(&buf, &n, e, "pkg/_mod.so", &err) == 0);
		FUZZ_CHECK(n == out_size && memcmp(buf, out, n) == 0);
		free(buf);
	}

	if (in_info) {
		wa_error_clear(&err);
		rc = wa_elf_inspect(&out_info, out, out_size, "pkg/_mod.so", &err);
		if (rc && !symbols_guessed(&err)) {
			fprintf(stderr, "fuzz_patch: %s: the result is rejected: %s\n", spec->what,
				err.message);
			FUZZ_CHECK(rc == 0);
		}
		if (!rc)
			check_result(in_info, out_info, e);
		wa_elf_info_free(out_info);
	}

	/* Once the edit is done, doing it again changes nothing. */
	wa_error_clear(&err);
	rc = wa_elf_patch(&again, &again_size, out, out_size, e, "pkg/_mod.so", &err);
	if (rc)
		fprintf(stderr, "fuzz_patch: %s: patching the result fails: %s\n", spec->what,
			err.message);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(again_size == out_size && memcmp(again, out, out_size) == 0);
	free(again);
	*result_size = out_size;
	return out;
}

/* The ELF header but for e_shoff, e_shnum and e_shstrndx, the program
 * header table and every byte a segment covers are the same in out. */
static void check_loader_bytes(const uint8_t *in, size_t in_size, const uint8_t *out,
			       size_t out_size)
{
	bool is64 = in[EI_CLASS] == ELFCLASS64, msb = in[EI_DATA] == ELFDATA2MSB;
	size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	size_t phent = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	/* e_shoff, e_shnum and e_shstrndx, whose bytes may change */
	size_t shoff_at = is64 ? 40 : 32, shoff_w = is64 ? 8 : 4, shnum_at = is64 ? 60 : 48;
	uint64_t phoff, phnum;

	FUZZ_CHECK(in_size >= ehsize && out_size >= ehsize);
	for (size_t i = 0; i < ehsize; i++)
		if (!(i >= shoff_at && i < shoff_at + shoff_w) &&
		    !(i >= shnum_at && i < shnum_at + 4))
			FUZZ_CHECK(in[i] == out[i]);
	phoff = is64 ? rd(in + 32, 8, msb) : rd(in + 28, 4, msb);
	phnum = rd(in + (is64 ? 56 : 44), 2, msb);
	/* the stripper checked the table lies in the input */
	FUZZ_CHECK(phoff <= in_size && phnum * phent <= in_size - phoff);
	FUZZ_CHECK(phoff + phnum * phent <= out_size);
	FUZZ_CHECK(memcmp(in + phoff, out + phoff, phnum * phent) == 0);
	for (uint64_t i = 0; i < phnum; i++) {
		const uint8_t *p = in + phoff + i * phent;
		uint32_t type = (uint32_t)rd(p, 4, msb);
		uint64_t off = is64 ? rd(p + 8, 8, msb) : rd(p + 4, 4, msb);
		uint64_t filesz = is64 ? rd(p + 32, 8, msb) : rd(p + 16, 4, msb);

		if (type == PT_NULL || filesz == 0)
			continue;
		FUZZ_CHECK(off <= in_size && filesz <= in_size - off && off + filesz <= out_size);
		if (off < ehsize) { /* the header was compared above */
			if (filesz <= ehsize - off)
				continue;
			filesz -= ehsize - off;
			off = ehsize;
		}
		FUZZ_CHECK(memcmp(in + off, out + off, filesz) == 0);
	}
}

/* Strips the image and checks the stripper's contract; returns the result
 * (the caller frees it) or NULL when the stripper refused. */
static void *strip_checked(const uint8_t *data, size_t size, const struct edit_spec *spec,
			   const struct wa_elf_info *in_info, size_t *result_size)
{
	struct wa_elf_info *out_info = NULL;
	struct wa_error err;
	void *out = (void *)1, *again = (void *)1; /* must be reset */
	size_t out_size = 1, again_size = 1;
	int rc;

	wa_error_clear(&err);
	rc = wa_elf_strip(&out, &out_size, data, size, "pkg/_mod.so", &err);
	if (getenv("WA_FUZZ_VERBOSE"))
		fprintf(stderr, "fuzz_patch: %s: %s\n", spec->what, rc ? err.message : "stripped");
	if (rc) {
		check_failure(rc, out, out_size, &err);
		return NULL;
	}
	FUZZ_CHECK(err.code == 0 && out != NULL);
	/* place_like in elfstrip.c: moved sections drift by at most a page */
	FUZZ_CHECK(out_size <= 4 * (uint64_t)size + 4 * 4096 + 64);
	if (out_size != size || memcmp(out, data, size) != 0)
		check_loader_bytes(data, size, out, out_size);

	if (in_info) {
		wa_error_clear(&err);
		rc = wa_elf_inspect(&out_info, out, out_size, "pkg/_mod.so", &err);
		if (rc)
			fprintf(stderr, "fuzz_patch: %s: the result is rejected: %s\n", spec->what,
				err.message);
		FUZZ_CHECK(rc == 0);
		FUZZ_CHECK(same_str(out_info->soname, in_info->soname));
		FUZZ_CHECK(same_str(out_info->interp, in_info->interp));
		FUZZ_CHECK(same_list(out_info->needed, out_info->n_needed, in_info->needed,
				     in_info->n_needed));
		FUZZ_CHECK(same_list(out_info->rpath, out_info->n_rpath, in_info->rpath,
				     in_info->n_rpath));
		FUZZ_CHECK(same_list(out_info->runpath, out_info->n_runpath, in_info->runpath,
				     in_info->n_runpath));
		FUZZ_CHECK(out_info->n_needs == in_info->n_needs);
		FUZZ_CHECK(out_info->machine == in_info->machine &&
			   out_info->elf_class == in_info->elf_class &&
			   out_info->data == in_info->data && out_info->type == in_info->type);
		wa_elf_info_free(out_info);
	}

	/* Stripping twice is stripping once. */
	wa_error_clear(&err);
	rc = wa_elf_strip(&again, &again_size, out, out_size, "pkg/_mod.so", &err);
	if (rc)
		fprintf(stderr, "fuzz_patch: %s: stripping the result fails: %s\n", spec->what,
			err.message);
	FUZZ_CHECK(rc == 0);
	FUZZ_CHECK(again_size == out_size && memcmp(again, out, out_size) == 0);
	free(again);
	*result_size = out_size;
	return out;
}

/* The inspection of an intermediate result, or NULL. */
static struct wa_elf_info *inspect(const void *bytes, size_t size)
{
	struct wa_elf_info *info = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	return wa_elf_inspect(&info, bytes, size, "pkg/_mod.so", &err) == 0 ? info : NULL;
}

static void run_edit(const uint8_t *data, size_t size, const struct edit_spec *spec,
		     const struct wa_elf_info *in_info)
{
	struct wa_elf_rename rename = {default_from, NULL};
	const char *removed = default_removed;
	struct wa_elf_edit e = {0};
	struct wa_elf_info *mid_info;
	void *mid, *out;
	size_t mid_size = 0, out_size = 0;
	char *to = NULL;

	if (spec->soname)
		e.soname = new_soname;
	if (spec->rename) {
		/* The first DT_NEEDED as inspection sees it, to a longer name:
		 * never fits in place, so the string table always grows. */
		if (in_info && in_info->n_needed && in_info->needed[0][0])
			rename.from = in_info->needed[0];
		to = malloc(strlen(rename.from) + sizeof("fz-renamed-"));
		FUZZ_CHECK(to != NULL);
		sprintf(to, "fz-renamed-%s", rename.from);
		rename.to = to;
		e.renames = &rename;
		e.n_renames = 1;
	}
	if (spec->remove) {
		/* the last DT_NEEDED (the first too when there is one) */
		if (in_info && in_info->n_needed && in_info->needed[in_info->n_needed - 1][0])
			removed = in_info->needed[in_info->n_needed - 1];
		e.remove_needed = &removed;
		e.n_remove_needed = 1;
	}
	e.rpath = spec->rpath;
	e.as_runpath = spec->as_runpath;

	switch (spec->strip) {
	case NO_STRIP: free(patch_checked(data, size, spec, &e, in_info, &out_size)); break;
	case STRIP_ONLY: free(strip_checked(data, size, spec, in_info, &out_size)); break;
	case PATCH_THEN_STRIP:
		mid = patch_checked(data, size, spec, &e, in_info, &mid_size);
		if (!mid)
			break;
		mid_info = in_info ? inspect(mid, mid_size) : NULL;
		free(strip_checked(mid, mid_size, spec, mid_info, &out_size));
		wa_elf_info_free(mid_info);
		free(mid);
		break;
	case STRIP_THEN_PATCH:
		mid = strip_checked(data, size, spec, in_info, &mid_size);
		if (!mid)
			break;
		/* the stripped file shows what the input showed (checked) */
		out = patch_checked(mid, mid_size, spec, &e, in_info, &out_size);
		free(out);
		free(mid);
		break;
	}
	free(to);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_elf_info *in_info = NULL;
	struct wa_error err;
	size_t first = 0, last = N_EDITS;

	if (size == 0)
		return 0;
	if (size < 4 || memcmp(data, elf_magic, 4) != 0) {
		first = data[0] % N_EDITS;
		last = first + 1;
		data++;
		size--;
	}
	wa_error_clear(&err);
	if (wa_elf_inspect(&in_info, data, size, "pkg/_mod.so", &err) != 0)
		in_info = NULL;
	for (size_t i = first; i < last; i++)
		run_edit(data, size, &edits[i], in_info);
	wa_elf_info_free(in_info);
	return 0;
}
