/* SPDX-License-Identifier: MIT */
/*
 * The SBOM a repair writes into a wheel that grafts libraries (PEP 770):
 * a CycloneDX 1.6 JSON document naming the wheel, each grafted library file
 * and the OS package it came from (docs/sbom.md, docs/sbom.schema.json).
 * This module only renders the document from what the caller found; finding
 * the owners is pkgdb.h's job, putting the file into the wheel the writer's.
 */
#ifndef WHEELAUDIT_SBOM_H
#define WHEELAUDIT_SBOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/buf.h"
#include "wheelaudit/error.h"
#include "wheelaudit/pkgdb.h"

/* Where the document goes, inside the wheel's <dist>-<version>.dist-info/. */
#define WA_SBOM_FILE "sboms/wheelaudit.cdx.json"

/* The "from" of an edge that starts at the wheel's own members. */
#define WA_SBOM_WHEEL SIZE_MAX

/* One grafted library.  Strings are borrowed for the call. */
struct wa_sbom_lib {
	const char *member;    /* the copy in the wheel: "foo.libs/libz-1a2b3c4d.so.1.2.13" */
	const char *name;      /* the original's file name: "libz.so.1.2.13" */
	const char *host_path; /* where the original was read, or NULL: not recorded */
	const char *sha256;    /* of the original file: 64 lower-case hex digits */
	const struct wa_pkg_owner *owner; /* its OS package, or NULL */
};

/* "from needs to": from is WA_SBOM_WHEEL or a library index, to a library index. */
struct wa_sbom_edge {
	size_t from, to;
};

struct wa_sbom_input {
	const char *name;         /* distribution name as in the wheel file name */
	const char *version;      /* version as in the wheel file name */
	const char *file_name;    /* the output wheel's file name */
	const char *tool_version; /* wheelaudit's version */
	bool have_timestamp;      /* SOURCE_DATE_EPOCH was given: metadata.timestamp */
	int64_t timestamp;        /* seconds since the epoch, 0 to 253402300799 */
	const struct wa_sbom_lib *libs;
	size_t nlibs;
	const struct wa_sbom_edge *edges; /* duplicates are written once */
	size_t nedges;
};

/*
 * Appends the document (UTF-8 JSON, one trailing newline) to out.  The same
 * input gives the same bytes: components, nested files and dependencies are
 * sorted, bom-refs are derived from the content (the wheel's purl, each
 * package's purl, "file:" and the member name), there is no timestamp
 * unless have_timestamp, and the serialNumber is the version-5 UUID of the
 * SHA-256 of the document rendered without it (docs/sbom.md).
 *
 * Errors: WA_EINTERNAL for input no caller should give (a missing string, a
 * sha256 that is not 64 lower-case hex digits, two libraries with one
 * member name, an edge to a library that does not exist, a timestamp out of
 * range; err->member names the library when there is one); WA_ENOMEM.
 * Nothing is appended on error.
 */
int wa_sbom_render(struct wa_buf *out, const struct wa_sbom_input *in, struct wa_error *err);

#endif
