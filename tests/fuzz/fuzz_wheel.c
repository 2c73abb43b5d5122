/* SPDX-License-Identifier: MIT */
/*
 * fuzz_wheel: the whole `wheelaudit show` path: wa_audit_wheel with the
 * built-in policies, then both renderers, then everything freed.
 *
 * Input layout: [ FILENAME '\n' ] BODY.  The wheel's file name decides the
 * architecture, the claimed tags and the SOABI checks, so the fuzzer may
 * choose it: an input that starts with neither the zip magic "PK" nor the
 * ELF magic begins with its file name (up to the first newline, '/'
 * replaced).  BODY is then either
 *  - a zip, audited as it is (the archive and wheel structure), or
 *  - ELF images, when it starts with the ELF magic: every further magic
 *    starts another image, and a valid wheel is written around them
 *    (WHEEL, RECORD with correct digests, the first image as an extension
 *    module, the others as bundled libraries fz.libs/lib<N>.so).  Member
 *    bytes inside a zip are compressed and CRC-checked, so mutating a zip
 *    seldom changes an ELF member; this way the audit's judging of hostile
 *    ELF contents (libc, versions, libraries in the wheel) is reached.
 * The seeds carry the fixture wheels and ELF files with fitting names, and
 * the hostile zip shapes of tests/fuzz/zip_seeds.py.
 *
 * Besides the audit, every input that opens as an archive is read the two
 * ways wheelaudit reads a wheel: each entry the scan would accept (it
 * decompresses, with its CRC checked by libzip) must also come out of the
 * raw reader `repair` copies from, with the same name, method, CRC and
 * sizes, and its data inside the file.  One archive, one truth: `show`
 * must never vouch for bytes `repair` does not copy.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/policy.h"
#include "wheelaudit/report.h"
#include "wheelaudit/zip.h"

enum {
	MAX_NAME = 200,
	MAX_IMAGES = 8,
	MAX_MEMBER = 32u << 20, /* as the audit's limits below */
	MAX_TOTAL = 64u << 20,
	MAX_MEMBERS = 5000,
};

static const char default_name[] = "fz-1.0-cp311-cp311-linux_x86_64.whl";

static struct wa_policy_set *policies; /* loaded once, kept for the process */
static FILE *sink;                     /* /dev/null: the renderers must only not fail */

static void init_once(void)
{
	struct wa_error err;

	if (policies)
		return;
	wa_error_clear(&err);
	if (wa_policy_set_load_builtin(&policies, &err) != 0) {
		fprintf(stderr, "fuzz_wheel: built-in policies: %s\n", err.message);
		abort();
	}
	sink = fopen("/dev/null", "w");
	FUZZ_CHECK(sink != NULL);
}

static void render(const struct wa_audit *a, const char *path, int rc, const struct wa_error *err)
{
	struct wa_text_options topt = {.color = true, .verbose = true};
	struct wa_json_report *r = NULL;

	if (!rc)
		FUZZ_CHECK(wa_report_text(sink, a, &topt) == 0);
	FUZZ_CHECK(wa_json_report_new(&r, "fuzz") == 0);
	if (rc)
		FUZZ_CHECK(wa_json_report_add_error(r, path, wa_error_exit_code(err->code), err) ==
			   0);
	else
		FUZZ_CHECK(wa_json_report_add_audit(r, a) == 0);
	FUZZ_CHECK(wa_json_report_write(r, sink) == 0);
	wa_json_report_free(r);
}

static const unsigned char elf_magic[4] = {0x7f, 'E', 'L', 'F'};

static const uint8_t *find_magic(const uint8_t *p, const uint8_t *end)
{
	for (; end - p >= 4; p++) {
		p = memchr(p, elf_magic[0], (size_t)(end - p));
		if (!p || end - p < 4)
			return NULL;
		if (memcmp(p, elf_magic, 4) == 0)
			return p;
	}
	return NULL;
}

/* Writes a well-formed wheel holding the ELF images of body to path. */
static void write_elf_wheel(const char *path, const uint8_t *body, size_t size)
{
	static const char wheel[] = "Wheel-Version: 1.0\nGenerator: fuzz\nRoot-Is-Purelib: false\n"
				    "Tag: cp311-cp311-linux_x86_64\n";
	char names[MAX_IMAGES][64], record[MAX_IMAGES * 160 + 256];
	struct fuzz_member members[MAX_IMAGES + 2];
	const uint8_t *p = body, *end = body + size;
	size_t n = 0, used = 0;

	while (p && n < MAX_IMAGES) {
		const uint8_t *next = n + 1 < MAX_IMAGES ? find_magic(p + 4, end) : NULL;
		size_t len = (size_t)((next ? next : end) - p);
		struct wa_sha256 h;
		uint8_t digest[32];
		char b64[64];

		if (n == 0)
			snprintf(names[n], sizeof(names[n]),
				 "fz/_mod.cpython-311-x86_64-linux-gnu.so");
		else
			snprintf(names[n], sizeof(names[n]), "fz.libs/lib%zu.so", n);
		FUZZ_CHECK(wa_sha256_init(&h) == 0);
		wa_sha256_update(&h, p, len);
		wa_sha256_final(&h, digest);
		wa_b64url_nopad(digest, sizeof(digest), b64, sizeof(b64));
		used += (size_t)snprintf(record + used, sizeof(record) - used, "%s,sha256=%s,%zu\n",
					 names[n], b64, len);
		members[n] = (struct fuzz_member){names[n], p, len};
		n++;
		p = next;
	}
	used += (size_t)snprintf(record + used, sizeof(record) - used,
				 "fz-1.0.dist-info/WHEEL,,\nfz-1.0.dist-info/RECORD,,\n");
	FUZZ_CHECK(used < sizeof(record));
	members[n++] = (struct fuzz_member){"fz-1.0.dist-info/WHEEL", wheel, sizeof(wheel) - 1};
	members[n++] = (struct fuzz_member){"fz-1.0.dist-info/RECORD", record, used};
	FUZZ_CHECK(fuzz_write_zip(path, members, n) == (int)n);
}

struct content {
	uLong crc;
	uint64_t len;
};

static int content_sink(void *ctx, const void *data, size_t len)
{
	struct content *c = ctx;

	c->crc = crc32(c->crc, data, (uInt)len);
	c->len += len;
	return 0;
}

/* The scan's view (libzip decompressing) and the raw copier's must agree
 * on every entry the scan accepts; see the top of the file. */
static void check_raw_reader_agrees(const char *path)
{
	struct wa_zip *z = NULL;
	struct wa_error err;
	uint64_t total = 0;
	off_t file_size;
	FILE *f;

	wa_error_clear(&err);
	if (wa_zip_open(&z, path, MAX_MEMBERS, &err) != 0) {
		FUZZ_CHECK(err.code != 0 && z == NULL);
		return;
	}
	f = fopen(path, "rb");
	FUZZ_CHECK(f != NULL && fseeko(f, 0, SEEK_END) == 0);
	file_size = ftello(f);
	fclose(f);
	for (size_t i = 0; i < wa_zip_count(z) && total <= MAX_TOTAL; i++) {
		struct content c = {crc32(0L, Z_NULL, 0), 0};
		struct wa_zip_entry e;
		struct wa_zip_raw raw;

		FUZZ_CHECK(wa_zip_entry(z, i, &e, &err) == 0);
		FUZZ_CHECK(strlen(e.name) == e.name_len);
		if (e.encrypted || !e.method_supported) /* refused before the scan */
			continue;
		if (wa_zip_read(z, i, MAX_MEMBER, content_sink, &c, &err) != 0)
			continue; /* the scan would fail here: nothing is vouched for */
		total += c.len;
		wa_error_clear(&err);
		if (wa_zip_raw_entry(z, i, &raw, &err) != 0) {
			fprintf(stderr,
				"fuzz_wheel: entry %zu '%s' reads but has no raw record: %s\n", i,
				e.name, err.message);
			FUZZ_CHECK(!"raw reader refuses an entry the scan accepts");
		}
		FUZZ_CHECK(raw.name_len == e.name_len && memcmp(raw.name, e.name, e.name_len) == 0);
		FUZZ_CHECK(raw.method == e.method);
		FUZZ_CHECK(raw.crc == e.crc && raw.crc == (uint32_t)c.crc);
		FUZZ_CHECK(raw.size == e.size && raw.size == c.len);
		FUZZ_CHECK(raw.comp_size == e.comp_size);
		FUZZ_CHECK(raw.data_offset <= (uint64_t)file_size &&
			   raw.comp_size <= (uint64_t)file_size - raw.data_offset);
	}
	wa_zip_free(z);
}

/*
 * What an audit may hold for ELF images of size bytes.  Its findings and
 * rows are linear in the images (a DT_NEEDED entry of 16 bytes may give a
 * finding of a few hundred bytes per policy family), so beyond this bound
 * something is repeated per pair of entries: memory quadratic in the
 * member size.  (For a zip input the decompressed size is unknown here.)
 */
static size_t audit_bound(size_t size)
{
	return 256 * size + (1u << 20);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[MAX_NAME + 1], path[4096];
	struct wa_audit_options opt;
	struct wa_audit *a = NULL;
	struct wa_error err;
	bool elf_images;
	int rc;

	init_once();
	snprintf(name, sizeof(name), "%s", default_name);
	if (!(size >= 2 && data[0] == 'P' && data[1] == 'K') &&
	    !(size >= 4 && memcmp(data, elf_magic, 4) == 0)) {
		const uint8_t *nl = memchr(data, '\n', size);

		if (nl) {
			size_t n = (size_t)(nl - data);

			if (n > 0 && n <= MAX_NAME) {
				memcpy(name, data, n);
				name[n] = '\0';
				for (size_t i = 0; i < n; i++)
					if (name[i] == '/' || name[i] == '\0')
						name[i] = '_';
				/* "." and ".." name directories, not files */
				if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
					name[0] = '_';
			}
			size -= (size_t)(nl - data) + 1;
			data = nl + 1;
		}
	}
	fuzz_scratch_path(path, sizeof(path), name);
	elf_images = size >= 4 && memcmp(data, elf_magic, 4) == 0;
	if (elf_images)
		write_elf_wheel(path, data, size);
	else
		fuzz_write_file(path, data, size);

	wa_audit_options_init(&opt);
	opt.policies = policies;
	/* One scan thread: libFuzzer wants one input's run to be repeatable. */
	opt.threads = 1;
	/* Inflating a member up to the real 2 GiB default is no bug, only slow:
	 * smaller limits keep each run short and within -rss_limit_mb. */
	opt.limits.max_member_bytes = MAX_MEMBER;
	opt.limits.max_total_bytes = MAX_TOTAL;
	opt.limits.max_members = MAX_MEMBERS;
	wa_error_clear(&err);
	rc = wa_audit_wheel(&a, path, &opt, &err);
	if (rc) {
		FUZZ_CHECK(rc < 0 && err.code == -rc && a == NULL);
	} else {
		FUZZ_CHECK(a != NULL && a->outcome < WA_OUTCOME_COUNT && a->tagset);
		FUZZ_CHECK(wa_audit_exit(a) >= WA_EXIT_OK && wa_audit_exit(a) <= WA_EXIT_PURE);
		if (elf_images)
			FUZZ_CHECK(a->arena.total <= audit_bound(size));
	}
	/* To see how far seeds get: WA_FUZZ_VERBOSE=1 fuzz_wheel FILE... */
	if (getenv("WA_FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %s %s (audit %zu bytes)\n", name,
			rc ? wa_error_name(err.code) : wa_outcome_name(a->outcome),
			rc ? err.message : a->tagset, rc ? (size_t)0 : a->arena.total);
	render(a, path, rc, &err);
	wa_audit_free(a);
	check_raw_reader_agrees(path);
	unlink(path);
	return 0;
}
