/* SPDX-License-Identifier: MIT */
/*
 * Package URLs (purl, the package-url specification, ECMA-427): the
 * canonical string built from its parts, and the PyPI name rule.  Nothing
 * here parses a purl; wheelaudit only writes them (docs/sbom.md).
 */
#ifndef WHEELAUDIT_PURL_H
#define WHEELAUDIT_PURL_H

#include <stddef.h>

struct wa_purl_qualifier {
	const char *key;   /* lowercase ASCII, written as it is */
	const char *value; /* any bytes; NULL or "" leaves the qualifier out */
};

/*
 * The purl "pkg:TYPE/NAMESPACE/NAME@VERSION?K=V&...".  type is written as
 * it is (a lowercase ASCII type such as "deb").  namespace (NULL or "" for
 * none) is split at '/' and each segment percent-encoded; name, version
 * (NULL or "" for none) and qualifier values are percent-encoded: every
 * byte but ASCII letters, digits, ".-_~" and ':' becomes %XX with
 * upper-case hex, so "2.4.47-2+b1" is written "2.4.47-2%2Bb1" and an epoch
 * "1:" stays as it is.  Qualifiers are sorted by key.  Normalising a name
 * (lower case for deb, PEP 503 for pypi) is the caller's business.
 * Returns a malloc'd string the caller frees, or NULL when out of memory.
 */
char *wa_purl_build(const char *type, const char *ns, const char *name, const char *version,
		    const struct wa_purl_qualifier *qualifiers, size_t n);

/*
 * A PyPI project name normalised as PEP 503 and the purl "pypi" type say:
 * ASCII letters lowered, every run of '-', '_' and '.' one '-'.  Returns a
 * malloc'd string, or NULL when out of memory.
 */
char *wa_purl_pypi_name(const char *name);

#endif
