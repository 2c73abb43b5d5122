/* SPDX-License-Identifier: MIT */
/*
 * fuzz_names: the text parsers of a wheel.
 *
 * Input layout: NAME [ '\0' WHEEL [ '\0' RECORD ] ].
 *
 *  - NAME goes to the wheel file-name parser (wa_wheel_name_parse), each of
 *    its platform tags and NAME itself to wa_platform_parse, the Python tag
 *    to wa_cpython_version, and the tag architectures to the arch helpers.
 *  - When a '\0' follows, the rest is a WHEEL file and a RECORD file.  Their
 *    parsers are private to src/wheel.c, so they are reached the way a real
 *    wheel reaches them: a stored zip is written holding <dist>/WHEEL,
 *    <dist>/RECORD and an empty member for every path RECORD lists (so the
 *    parser gets past "not in the archive" and the scan checks sizes and
 *    digests), then wa_wheel_open and wa_wheel_scan read it.  NAME is the
 *    zip's file name when it parses, else a fixed valid name.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "wheelaudit/arch.h"
#include "wheelaudit/arena.h"
#include "wheelaudit/tag.h"
#include "wheelaudit/wheel.h"

/* Bounds that keep one input cheap; wheels with more members are no better. */
enum { MAX_LISTED = 64, MAX_NAME = 200 };

static const char default_name[] = "fz-1.0-py3-none-any.whl";
static const char default_dist[] = "fz-1.0.dist-info";

static void parse_names(const char *name, bool *valid)
{
	struct wa_arena a;
	struct wa_wheel_name wn;
	struct wa_platform p;
	struct wa_error err;

	wa_arena_init(&a);
	wa_error_clear(&err);
	*valid = wa_wheel_name_parse(&wn, &a, name, &err) == 0;
	if (*valid) {
		FUZZ_CHECK(wn.distribution && wn.version && wn.python && wn.abi && wn.platform);
		FUZZ_CHECK(wn.n_platforms >= 1 && wn.platforms);
		(void)wa_cpython_version(wn.python);
		for (size_t i = 0; i < wn.n_platforms; i++) {
			wa_platform_parse(&p, wn.platforms[i]);
			FUZZ_CHECK(memchr(p.arch, '\0', sizeof(p.arch)) != NULL);
			(void)wa_arch_is_32bit(wa_arch_canonical_tag(p.arch));
		}
	} else {
		FUZZ_CHECK(err.code != 0);
	}
	wa_platform_parse(&p, name);
	(void)wa_cpython_version(name);
	wa_arena_release(&a);
}

/*
 * The first CSV field of one RECORD line, unquoted the way wheel.c does it
 * (RFC 4180), into out.  Returns false for a blank line.
 */
static bool record_path(const char *line, size_t len, char *out, size_t outsize)
{
	size_t o = 0, i = 0;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	while (len > i && (line[len - 1] == ' ' || line[len - 1] == '\t' || line[len - 1] == '\r'))
		len--;
	if (i == len)
		return false;
	if (line[i] == '"') {
		for (i++; i < len; i++) {
			if (line[i] == '"') {
				if (i + 1 < len && line[i + 1] == '"') {
					i++;
				} else {
					break;
				}
			}
			if (o + 1 < outsize)
				out[o++] = line[i];
		}
	} else {
		for (; i < len && line[i] != ','; i++)
			if (o + 1 < outsize)
				out[o++] = line[i];
	}
	out[o] = '\0';
	return true;
}

/* The .dist-info directory RECORD names for itself, else the default one. */
static void find_dist(const char *record, size_t len, char *dist, size_t distsize)
{
	char path[1024];
	const char *p = record, *end = record + len;

	snprintf(dist, distsize, "%s", default_dist);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t plen;

		/* wheel.c takes the directory before the first '/' only */
		if (record_path(p, n, path, sizeof(path)) && (plen = strlen(path)) > 17 &&
		    strcmp(path + plen - 17, ".dist-info/RECORD") == 0 &&
		    strchr(path, '/') == path + plen - 7 && plen - 7 < distsize) {
			snprintf(dist, distsize, "%.*s", (int)(plen - 7), path);
			return;
		}
		p += n + 1;
	}
}

static int on_elf(void *ctx, size_t member, const char *name, const void *bytes, size_t size,
		  struct wa_error *err)
{
	return 0; /* members are empty here: never ELF */
}

static void check_wheel(const char *zip_name, const char *wheel, size_t wheel_len,
			const char *record, size_t record_len)
{
	static char names[MAX_LISTED][1024]; /* static: 64 KiB is a lot of stack */
	struct fuzz_member members[MAX_LISTED + 2];
	char path[4096], dist[512], wheel_member[600], record_member[600];
	struct wa_limits limits;
	struct wa_wheel *w = NULL;
	struct wa_error err;
	size_t n = 0;
	int rc;

	fuzz_scratch_path(path, sizeof(path), zip_name);
	find_dist(record, record_len, dist, sizeof(dist));
	snprintf(wheel_member, sizeof(wheel_member), "%s/WHEEL", dist);
	snprintf(record_member, sizeof(record_member), "%s/RECORD", dist);
	members[n++] = (struct fuzz_member){wheel_member, wheel, wheel_len};
	members[n++] = (struct fuzz_member){record_member, record, record_len};
	for (const char *p = record, *end = record + record_len; p < end && n < MAX_LISTED + 2;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *name = names[n - 2];

		if (record_path(p, len, name, sizeof(names[0])) && name[0])
			members[n++] = (struct fuzz_member){name, "", 0};
		p += len + 1;
	}
	/* libzip would not write it (say, a name it rejects at close): nothing to read */
	if (fuzz_write_zip(path, members, n) < 0)
		return;

	wa_limits_default(&limits);
	wa_error_clear(&err);
	rc = wa_wheel_open(&w, path, &limits, &err);
	if (rc == 0) {
		volatile size_t sum = strlen(wa_wheel_dist_info(w)) + strlen(wa_wheel_version(w));

		for (size_t i = 0; i < wa_wheel_tag_count(w); i++)
			sum += strlen(wa_wheel_tag(w, i));
		for (size_t i = 0; i < wa_wheel_note_count(w); i++)
			sum += strlen(wa_wheel_note(w, i));
		(void)wa_wheel_root_is_purelib(w);
		(void)sum;
		rc = wa_wheel_scan(w, 1, on_elf, NULL, &err);
		if (rc)
			FUZZ_CHECK(err.code == -rc);
		wa_wheel_free(w);
	} else {
		FUZZ_CHECK(err.code == -rc && w == NULL);
	}
	/* To see how far seeds get: WA_FUZZ_VERBOSE=1 fuzz_names FILE... */
	if (getenv("WA_FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %s %s %s\n", zip_name, rc ? wa_error_name(err.code) : "ok",
			err.member, err.message);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t name_len = nul ? (size_t)(nul - text) : size;
	char *name = malloc(name_len + 1);
	bool valid;

	FUZZ_CHECK(name != NULL);
	memcpy(name, text, name_len);
	name[name_len] = '\0';
	parse_names(name, &valid);
	if (nul) {
		const char *wheel = nul + 1, *end = text + size;
		const char *nul2 = memchr(wheel, '\0', (size_t)(end - wheel));
		const char *record = nul2 ? nul2 + 1 : end;
		size_t wheel_len = (size_t)((nul2 ? nul2 : end) - wheel);
		bool usable = valid && name_len <= MAX_NAME && !strchr(name, '/');

		check_wheel(usable ? name : default_name, wheel, wheel_len, record,
			    (size_t)(end - record));
	}
	free(name);
	return 0;
}
