/* SPDX-License-Identifier: MIT */
/*
 * wa-sbom: a test tool over pkgdb.h and sbom.h, for tests/sbom/sbom_cases.py
 * and bench/pkgdb_lookup.sh.
 *
 *   wa-sbom owners [--root DIR] [--timeout-ms N] [--repeat N] PATH...
 *       one line per path: PATH TAB purl TAB listed-as ("-" when no owner);
 *       with --repeat, the lookup runs N times and the times go to stderr
 *   wa-sbom document [--root DIR] [--epoch N] [--tool-version V] MANIFEST
 *       the SBOM of the manifest's wheel and libraries on stdout; MANIFEST
 *       lines, fields separated by tabs:
 *         wheel NAME VERSION FILE-NAME
 *         lib MEMBER HOST-PATH [ORIGINAL-NAME]   (sha256 read from HOST-PATH;
 *                                 the name defaults to the resolved file's)
 *         edge FROM TO            (FROM "wheel" or a member, TO a member)
 *       the owners come from wa_pkgdb_owners (under --root when given)
 * Exit 0, 1 on an error (message on stderr), 2 on a usage error.
 */
#define _XOPEN_SOURCE 700 /* realpath(3) */

#include "wheelaudit/hash.h"
#include "wheelaudit/pkgdb.h"
#include "wheelaudit/sbom.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LIBS 256

static int usage(void)
{
	fputs("usage: wa-sbom owners [--root DIR] [--timeout-ms N] [--repeat N] PATH...\n"
	      "       wa-sbom document [--root DIR] [--epoch N] [--tool-version V] MANIFEST\n",
	      stderr);
	return 2;
}

static int fail(const struct wa_error *err)
{
	fprintf(stderr, "wa-sbom: %s: %s%s%s\n", wa_error_name(err->code), err->message,
		err->member[0] ? " in " : "", err->member);
	return 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int cmd_owners(int argc, char **argv)
{
	struct wa_pkgdb_options opt = {0};
	struct wa_error err;
	long repeat = 0;
	int i = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--root") == 0)
			opt.root = argv[++i];
		else if (strcmp(argv[i], "--timeout-ms") == 0)
			opt.rpm_timeout_ms = (unsigned)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--repeat") == 0)
			repeat = strtol(argv[++i], NULL, 10);
		else
			return usage();
	}
	if (i == argc)
		return usage();
	if (repeat > 0) {
		double *t = calloc((size_t)repeat, sizeof(*t));

		if (!t)
			return 1;
		for (long r = 0; r < repeat; r++) {
			struct wa_pkg_owner **o;
			double t0 = now();

			wa_error_clear(&err);
			if (wa_pkgdb_owners(&o, (const char *const *)argv + i, (size_t)(argc - i),
					    &opt, &err)) {
				free(t);
				return fail(&err);
			}
			t[r] = now() - t0;
			wa_pkgdb_owners_free(o, (size_t)(argc - i));
		}
		qsort(t, (size_t)repeat, sizeof(*t), cmp_double);
		fprintf(stderr, "lookup of %d paths (%s): %ld runs, best %.2f ms, median %.2f ms\n",
			argc - i, wa_pkgdb_kind_name(wa_pkgdb_detect(opt.root)), repeat, t[0] * 1e3,
			t[repeat / 2] * 1e3);
		free(t);
	}
	{
		struct wa_pkg_owner **o;

		wa_error_clear(&err);
		if (wa_pkgdb_owners(&o, (const char *const *)argv + i, (size_t)(argc - i), &opt,
				    &err))
			return fail(&err);
		for (int k = i; k < argc; k++) {
			const struct wa_pkg_owner *w = o ? o[k - i] : NULL;

			printf("%s\t%s\t%s\n", argv[k], w ? w->purl : "-", w ? w->listed_as : "-");
		}
		wa_pkgdb_owners_free(o, (size_t)(argc - i));
	}
	return 0;
}

static int sha256_file(const char *path, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	FILE *f = fopen(path, "rb");
	struct wa_sha256 h;
	unsigned char buf[65536];
	uint8_t d[32];
	size_t n;

	if (!f)
		return -1;
	if (wa_sha256_init(&h)) {
		fclose(f);
		return -1;
	}
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		wa_sha256_update(&h, buf, n);
	fclose(f);
	wa_sha256_final(&h, d);
	for (int i = 0; i < 32; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* Splits line at tabs into at most max fields; returns their number. */
static int split(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

static long find_member(char **members, size_t n, const char *m)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(members[i], m) == 0)
			return (long)i;
	return -1;
}

static int cmd_document(int argc, char **argv)
{
	static char lines[MAX_LIBS * 4][8192];
	struct wa_pkgdb_options opt = {0};
	struct wa_sbom_input in = {.tool_version = "0.0.0-test"};
	struct wa_sbom_lib libs[MAX_LIBS] = {{0}};
	struct wa_sbom_edge edges[MAX_LIBS * 2];
	char *members[MAX_LIBS], *hosts[MAX_LIBS], sums[MAX_LIBS][65];
	char *names[MAX_LIBS];
	struct wa_pkg_owner **owners = NULL;
	struct wa_buf out = {0};
	struct wa_error err;
	size_t nlibs = 0, nedges = 0, nl = 0;
	FILE *f;
	int i = 0, rc = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (i + 1 >= argc)
			return usage();
		if (strcmp(argv[i], "--root") == 0) {
			opt.root = argv[++i];
		} else if (strcmp(argv[i], "--epoch") == 0) {
			in.have_timestamp = true;
			in.timestamp = strtoll(argv[++i], NULL, 10);
		} else if (strcmp(argv[i], "--tool-version") == 0) {
			in.tool_version = argv[++i];
		} else {
			return usage();
		}
	}
	if (i + 1 != argc)
		return usage();
	f = fopen(argv[i], "r");
	if (!f) {
		fprintf(stderr, "wa-sbom: %s: %s\n", argv[i], strerror(errno));
		return 1;
	}
	while (nl < sizeof lines / sizeof lines[0] && fgets(lines[nl], sizeof lines[nl], f)) {
		char *fld[4];
		int n = split(lines[nl++], fld, 4);

		if (strcmp(fld[0], "wheel") == 0 && n == 4) {
			in.name = fld[1];
			in.version = fld[2];
			in.file_name = fld[3];
		} else if (strcmp(fld[0], "lib") == 0 && n >= 3 && nlibs < MAX_LIBS) {
			members[nlibs] = fld[1];
			hosts[nlibs] = fld[2];
			names[nlibs] = n == 4 ? fld[3] : NULL;
			nlibs++;
		} else if (strcmp(fld[0], "edge") == 0 && n == 3 && nedges < MAX_LIBS * 2) {
			long from = strcmp(fld[1], "wheel") == 0
					    ? -2
					    : find_member(members, nlibs, fld[1]);
			long to = find_member(members, nlibs, fld[2]);

			if (from == -1 || to < 0) {
				fprintf(stderr, "wa-sbom: edge %s -> %s: unknown member\n", fld[1],
					fld[2]);
				fclose(f);
				return 1;
			}
			edges[nedges].from = from == -2 ? WA_SBOM_WHEEL : (size_t)from;
			edges[nedges++].to = (size_t)to;
		} else if (fld[0][0] && fld[0][0] != '#') {
			fprintf(stderr, "wa-sbom: bad manifest line: %s\n", fld[0]);
			fclose(f);
			return 1;
		}
	}
	fclose(f);
	wa_error_clear(&err);
	if (wa_pkgdb_owners(&owners, (const char *const *)hosts, nlibs, &opt, &err))
		return fail(&err);
	for (size_t k = 0; k < nlibs; k++) {
		char *real = realpath(hosts[k], NULL);

		if (!real || sha256_file(real, sums[k])) {
			fprintf(stderr, "wa-sbom: cannot read %s\n", hosts[k]);
			free(real);
			wa_pkgdb_owners_free(owners, nlibs);
			return 1;
		}
		if (!names[k]) {
			const char *base = strrchr(real, '/');

			names[k] = strdup(base ? base + 1 : real);
		} else {
			names[k] = strdup(names[k]);
		}
		free(real);
		libs[k] = (struct wa_sbom_lib){members[k], names[k], hosts[k], sums[k],
					       owners ? owners[k] : NULL};
	}
	in.libs = libs;
	in.nlibs = nlibs;
	in.edges = edges;
	in.nedges = nedges;
	wa_error_clear(&err);
	if (wa_sbom_render(&out, &in, &err))
		rc = fail(&err);
	else if (fwrite(out.data, 1, out.len, stdout) != out.len)
		rc = 1;
	wa_buf_release(&out);
	for (size_t k = 0; k < nlibs; k++)
		free(names[k]);
	wa_pkgdb_owners_free(owners, nlibs);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "owners") == 0)
		return cmd_owners(argc - 2, argv + 2);
	if (argc >= 2 && strcmp(argv[1], "document") == 0)
		return cmd_document(argc - 2, argv + 2);
	return usage();
}
