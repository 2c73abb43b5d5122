/* SPDX-License-Identifier: MIT */
/*
 * The SBOM as sbom.c lays it out and sbom_json.c writes it: everything
 * sorted and every bom-ref made, so that the writer only copies.  Private to
 * those two files.
 */
#ifndef WHEELAUDIT_SBOM_MODEL_H
#define WHEELAUDIT_SBOM_MODEL_H

#include "wheelaudit/sbom.h"

struct sbom_file {
	const struct wa_sbom_lib *lib;
	const char *ref; /* "file:" + member */
};

/* One OS package: the files it owns are nested in its component. */
struct sbom_pkg {
	const struct wa_pkg_owner *owner; /* of its first file; the purl is the key */
	struct sbom_file *files;          /* sorted by member */
	size_t nfiles;
};

struct sbom_dep {
	const char *ref;
	const char **on; /* sorted, distinct */
	size_t non;
};

struct sbom_model {
	const struct wa_sbom_input *in;
	const char *wheel_purl; /* the wheel's bom-ref too */
	const char *timestamp;  /* "2021-06-01T12:00:00Z", or NULL */
	struct sbom_pkg *pkgs;  /* sorted by purl */
	size_t npkgs;
	struct sbom_file *orphans; /* files no package owns, sorted by member */
	size_t norphans;
	struct sbom_dep *deps; /* sorted by ref */
	size_t ndeps;
};

/* Appends the JSON document of m with serialNumber "urn:uuid:<serial>", or
 * without one when serial is NULL.  Returns 0, or -1 when out of memory. */
int wa_sbom_json(struct wa_buf *out, const struct sbom_model *m, const char *serial);

#endif
