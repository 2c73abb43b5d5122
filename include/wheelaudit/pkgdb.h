/* SPDX-License-Identifier: MIT */
/*
 * Which OS package owns a host file: the Debian (dpkg), Alpine (apk) or RPM
 * package a grafted library came from, for the SBOM (docs/sbom.md).  The
 * databases are read as text, once per call; RPM's is asked through one
 * `rpm -qf` process.  Nothing is cached between calls and nothing is written.
 */
#ifndef WHEELAUDIT_PKGDB_H
#define WHEELAUDIT_PKGDB_H

#include <stddef.h>

#include "wheelaudit/error.h"

/* One owning OS package.  Every string is owned by the struct. */
struct wa_pkg_owner {
	char *type;      /* purl type: "deb", "apk" or "rpm" */
	char *vendor;    /* purl namespace: os-release ID ("debian", "ubuntu", "alpine",
			    "fedora", ...); "debian"/"alpine" when os-release has none;
			    NULL for rpm without one */
	char *name;      /* package name (lower case for deb and apk) */
	char *version;   /* deb: Version as dpkg records it, epoch included ("1:2.4-1+b1");
			    apk: the package version ("1.3.1-r0"); rpm: VERSION-RELEASE */
	char *arch;      /* "amd64", "all", "x86_64", "noarch", ...; NULL when unknown */
	char *epoch;     /* rpm's epoch when the package has one, else NULL */
	char *distro;    /* "<os-release ID>-<VERSION_ID>" ("debian-12"), or NULL */
	char *purl;      /* the package URL of the fields above (purl.h) */
	char *listed_as; /* the spelling under which the database lists the file
			    ("/lib/x86_64-linux-gnu/libz.so.1.2.13"), for diagnostics */
};

enum wa_pkgdb_kind {
	WA_PKGDB_NONE,
	WA_PKGDB_DPKG, /* var/lib/dpkg/status is a file */
	WA_PKGDB_APK,  /* lib/apk/db/installed (or usr/lib/apk/db/installed) is a file */
	WA_PKGDB_RPM,  /* var/lib/rpm (or usr/lib/sysimage/rpm) is a directory */
};

struct wa_pkgdb_options {
	const char *root;        /* NULL, "" or "/": the real root; else a directory whose
				    etc/os-release and databases are read, and whose prefix
				    the paths carry */
	unsigned rpm_timeout_ms; /* how long `rpm -qf` may run; 0: 60000 */
};

/*
 * The database wa_pkgdb_owners would read under root (NULL or "" for the real
 * root): dpkg first, then apk, then rpm; WA_PKGDB_NONE when there is none.
 */
enum wa_pkgdb_kind wa_pkgdb_detect(const char *root);

/* "dpkg", "apk", "rpm" or "none". */
const char *wa_pkgdb_kind_name(enum wa_pkgdb_kind kind);

/*
 * Finds the owning package of each of the n host paths (absolute, as the
 * library was found, under opt->root when one is set; paths[i] may be NULL).
 * On success *out is a calloc'd array of n pointers (NULL when n is 0): the
 * owner of paths[i], or NULL when no package lists the file (or the path is
 * not absolute, not under the root, or there is no database).  The caller
 * frees it with wa_pkgdb_owners_free.  opt may be NULL.
 *
 * Each path is looked up under several spellings: as given, with its
 * symbolic links resolved inside the root, and each of these with the
 * merged-/usr alternative ("/usr/lib/x" <-> "/lib/x", also for bin, sbin,
 * lib32, lib64, libx32).  The owner of the resolved file wins over the owner
 * of a link to it; several owners of one spelling are ordered by name,
 * architecture and version and the first is taken.
 *
 * dpkg: every var/lib/dpkg/info/<pkg>[:<arch>].list is scanned once, then
 * var/lib/dpkg/status gives Version and Architecture of the packages found
 * (a package whose Status is not installed owns nothing).  apk: the records
 * of lib/apk/db/installed.  rpm (neither of the others present): one
 * `rpm [--root ROOT] -qf --queryformat FORMAT PATHS...` found on PATH, its standard
 * input /dev/null, killed after opt->rpm_timeout_ms; no rpm on PATH is no
 * owner, not an error.  dpkg diversions are not read.
 *
 * Errors: WA_ENOMEM; WA_EIO when a database that exists cannot be read, or
 * rpm could not be started, ran too long, wrote more than 64 MiB or was
 * killed by a signal (message says which; *out is NULL then).
 */
int wa_pkgdb_owners(struct wa_pkg_owner ***out, const char *const *paths, size_t n,
		    const struct wa_pkgdb_options *opt, struct wa_error *err);

/* Frees the array of wa_pkgdb_owners and every owner in it (owners may be NULL). */
void wa_pkgdb_owners_free(struct wa_pkg_owner **owners, size_t n);

#endif
