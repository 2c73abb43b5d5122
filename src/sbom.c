/* SPDX-License-Identifier: MIT */
/*
 * The SBOM document (sbom.h): checks the caller's input, lays it out in a
 * fixed order (sbom_model.h) and derives the serial number from the result.
 * sbom_json.c writes the JSON; nothing here knows cJSON.
 */
#include "sbom_model.h"

#include "wheelaudit/arena.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/purl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The namespace of the serial numbers' name-based UUIDs: itself the
 * version-5 UUID of the URL "https://wheelaudit.invalid/sbom" in RFC 4122's
 * URL namespace, 2ff04864-42e8-5a2e-aeec-b6bc7593085d.
 */
static const uint8_t serial_namespace[16] = {0x2f, 0xf0, 0x48, 0x64, 0x42, 0xe8, 0x5a, 0x2e,
					     0xae, 0xec, 0xb6, 0xbc, 0x75, 0x93, 0x08, 0x5d};

/* The last second CycloneDX's date-time (RFC 3339, four-digit years) can say. */
#define MAX_TIMESTAMP INT64_C(253402300799)

static void hex(const uint8_t *d, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * n] = '\0';
}

static bool is_sha256_hex(const char *s)
{
	size_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
			return false;
	return n == 64;
}

/*
 * The serial number: RFC 4122's version-5 (SHA-1, name-based) UUID whose
 * name is the lower-case hex SHA-256 of the document without a serialNumber.
 * Version 5 rather than RFC 9562's SHA-256 version 8: the CycloneDX 1.4 to
 * 1.6 schemas of some validators accept only versions 1 to 5.
 */
static int serial_of(const struct wa_buf *doc, char out[37])
{
	uint8_t d256[32], d1[20], name[16 + 64];
	char h[65], u[33];
	struct wa_sha256 h256;

	if (wa_sha256_init(&h256))
		return -1;
	wa_sha256_update(&h256, doc->data, doc->len);
	wa_sha256_final(&h256, d256);
	hex(d256, 32, h);
	memcpy(name, serial_namespace, 16);
	memcpy(name + 16, h, 64);
	if (wa_sha1(name, sizeof name, d1))
		return -1;
	d1[6] = (uint8_t)((d1[6] & 0x0f) | 0x50); /* version 5 */
	d1[8] = (uint8_t)((d1[8] & 0x3f) | 0x80); /* the RFC 4122 variant */
	hex(d1, 16, u);
	snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", u, u + 8, u + 12, u + 16, u + 20);
	return 0;
}

static int nomem(struct wa_error *err)
{
	return wa_error_set(err, WA_ENOMEM, NULL, "out of memory writing the sbom");
}

static int cmp_file(const void *x, const void *y)
{
	const struct sbom_file *a = x, *b = y;

	return strcmp(a->lib->member, b->lib->member);
}

/* Owned files by package purl, then member. */
static int cmp_owned(const void *x, const void *y)
{
	const struct sbom_file *a = x, *b = y;
	int c = strcmp(a->lib->owner->purl, b->lib->owner->purl);

	return c ? c : strcmp(a->lib->member, b->lib->member);
}

struct pair {
	const char *from, *to;
};

static int cmp_pair(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	int c = strcmp(a->from, b->from);

	return c ? c : strcmp(a->to, b->to);
}

static int check_input(const struct wa_sbom_input *in, struct wa_error *err)
{
	if (!in->name || !*in->name || !in->version || !*in->version || !in->file_name ||
	    !*in->file_name || !in->tool_version || !*in->tool_version)
		return wa_error_set(err, WA_EINTERNAL, NULL,
				    "sbom: the wheel's name, version, file name or the tool "
				    "version is missing");
	if (in->nlibs && !in->libs)
		return wa_error_set(err, WA_EINTERNAL, NULL, "sbom: no library array");
	if (in->nedges && !in->edges)
		return wa_error_set(err, WA_EINTERNAL, NULL, "sbom: no edge array");
	for (size_t i = 0; i < in->nlibs; i++) {
		const struct wa_sbom_lib *l = &in->libs[i];

		if (!l->member || !*l->member)
			return wa_error_set(err, WA_EINTERNAL, NULL,
					    "sbom: library %zu has no member name", i);
		if (!l->name || !*l->name || (l->host_path && !*l->host_path))
			return wa_error_set(err, WA_EINTERNAL, l->member,
					    "sbom: library without its file name, or an empty host "
					    "path");
		if (!l->sha256 || !is_sha256_hex(l->sha256))
			return wa_error_set(err, WA_EINTERNAL, l->member,
					    "sbom: sha256 is not 64 lower-case hex digits");
		if (l->owner && (!l->owner->purl || !l->owner->name || !l->owner->version))
			return wa_error_set(err, WA_EINTERNAL, l->member,
					    "sbom: owning package without a name, version or purl");
	}
	for (size_t i = 0; i < in->nedges; i++) {
		const struct wa_sbom_edge *e = &in->edges[i];

		if (e->to >= in->nlibs || (e->from != WA_SBOM_WHEEL && e->from >= in->nlibs))
			return wa_error_set(err, WA_EINTERNAL, NULL,
					    "sbom: edge %zu names a library that does not exist",
					    i);
	}
	if (in->have_timestamp && (in->timestamp < 0 || in->timestamp > MAX_TIMESTAMP))
		return wa_error_set(err, WA_EINTERNAL, NULL, "sbom: timestamp %lld is out of range",
				    (long long)in->timestamp);
	return 0;
}

static const char *timestamp_text(struct wa_arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (!gmtime_r(&tt, &tm) || !strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return wa_arena_strdup(a, s);
}

/* The dependency graph: the edges as refs, sorted, once each, grouped by "from". */
static int build_deps(struct wa_arena *a, struct sbom_model *m, const char *const *refs,
		      struct wa_error *err)
{
	const struct wa_sbom_input *in = m->in;
	struct pair *pairs;

	if (!in->nedges)
		return 0;
	pairs = wa_arena_alloc(a, in->nedges * sizeof(*pairs));
	m->deps = wa_arena_alloc(a, in->nedges * sizeof(*m->deps));
	if (!pairs || !m->deps)
		return nomem(err);
	for (size_t i = 0; i < in->nedges; i++) {
		const struct wa_sbom_edge *e = &in->edges[i];

		pairs[i].from = e->from == WA_SBOM_WHEEL ? m->wheel_purl : refs[e->from];
		pairs[i].to = refs[e->to];
	}
	qsort(pairs, in->nedges, sizeof(*pairs), cmp_pair);
	for (size_t i = 0; i < in->nedges; i++) {
		struct sbom_dep *d;

		if (i && cmp_pair(&pairs[i - 1], &pairs[i]) == 0)
			continue;
		if (i == 0 || strcmp(pairs[i - 1].from, pairs[i].from) != 0) {
			d = &m->deps[m->ndeps++];
			d->ref = pairs[i].from;
			d->on = wa_arena_alloc(a, in->nedges * sizeof(*d->on));
			if (!d->on)
				return nomem(err);
		}
		d = &m->deps[m->ndeps - 1];
		d->on[d->non++] = pairs[i].to;
	}
	return 0;
}

static int build_model(struct wa_arena *a, struct sbom_model *m, struct wa_error *err)
{
	const struct wa_sbom_input *in = m->in;
	struct wa_purl_qualifier q = {"file_name", in->file_name};
	const char **refs = NULL;
	struct sbom_file *files = NULL, *owned = NULL;
	size_t nowned = 0;
	char *pname = NULL, *purl = NULL;

	pname = wa_purl_pypi_name(in->name);
	purl = pname ? wa_purl_build("pypi", NULL, pname, in->version, &q, 1) : NULL;
	m->wheel_purl = purl ? wa_arena_strdup(a, purl) : NULL;
	free(pname);
	free(purl);
	if (!m->wheel_purl)
		return nomem(err);
	if (in->have_timestamp && !(m->timestamp = timestamp_text(a, in->timestamp)))
		return wa_error_set(err, WA_EINTERNAL, NULL, "sbom: timestamp %lld is out of range",
				    (long long)in->timestamp);
	if (in->nlibs) {
		refs = wa_arena_alloc(a, in->nlibs * sizeof(*refs));
		files = wa_arena_alloc(a, in->nlibs * sizeof(*files));
		owned = wa_arena_alloc(a, in->nlibs * sizeof(*owned));
		m->orphans = wa_arena_alloc(a, in->nlibs * sizeof(*m->orphans));
		m->pkgs = wa_arena_alloc(a, in->nlibs * sizeof(*m->pkgs));
		if (!refs || !files || !owned || !m->orphans || !m->pkgs)
			return nomem(err);
	}
	for (size_t i = 0; i < in->nlibs; i++) {
		refs[i] = wa_arena_printf(a, "file:%s", in->libs[i].member);
		if (!refs[i])
			return nomem(err);
		files[i] = (struct sbom_file){&in->libs[i], refs[i]};
	}
	if (in->nlibs)
		qsort(files, in->nlibs, sizeof(*files), cmp_file);
	for (size_t i = 0; i < in->nlibs; i++) {
		if (i && strcmp(files[i - 1].lib->member, files[i].lib->member) == 0)
			return wa_error_set(err, WA_EINTERNAL, files[i].lib->member,
					    "sbom: two libraries with one member name");
		if (files[i].lib->owner)
			owned[nowned++] = files[i];
		else
			m->orphans[m->norphans++] = files[i];
	}
	if (nowned)
		qsort(owned, nowned, sizeof(*owned), cmp_owned);
	for (size_t i = 0; i < nowned; i++) {
		if (i == 0 || strcmp(owned[i - 1].lib->owner->purl, owned[i].lib->owner->purl) != 0)
			m->pkgs[m->npkgs++] = (struct sbom_pkg){owned[i].lib->owner, &owned[i], 0};
		m->pkgs[m->npkgs - 1].nfiles++;
	}
	return build_deps(a, m, refs, err);
}

int wa_sbom_render(struct wa_buf *out, const struct wa_sbom_input *in, struct wa_error *err)
{
	struct wa_arena a;
	struct sbom_model m = {0};
	struct wa_buf doc = {0};
	char serial[37];
	int rc;

	rc = check_input(in, err);
	if (rc)
		return rc;
	wa_arena_init(&a);
	m.in = in;
	rc = build_model(&a, &m, err);
	if (rc)
		goto out;
	/* the document without its serial number names the serial number */
	if (wa_sbom_json(&doc, &m, NULL) || serial_of(&doc, serial)) {
		rc = nomem(err);
		goto out;
	}
	wa_buf_release(&doc);
	if (wa_sbom_json(&doc, &m, serial)) {
		rc = nomem(err);
		goto out;
	}
	wa_buf_add(out, doc.data, doc.len);
	if (out->oom)
		rc = nomem(err);
out:
	wa_buf_release(&doc);
	wa_arena_release(&a);
	return rc;
}
