/* SPDX-License-Identifier: MIT */
/*
 * Owners of files in package databases synthesized in a temporary root:
 * dpkg (list files, status, merged /usr, links, a package not installed,
 * two architectures, garbage), apk, rpm through tests/sbom/fake_rpm.py first
 * on PATH, os-release variants, no database at all.  The real databases of
 * this machine are tests/sbom's business.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wheelaudit/pkgdb.h"

#define FAKE_RPM WA_SOURCE_DIR "/tests/sbom/fake_rpm.py"

struct fx {
	char root[256];
	char bin[300];
	char *old_path;
};

/* ===== building a root ==================================================== */

static void mkdirs(const char *path)
{
	char p[1024];

	snprintf(p, sizeof p, "%s", path);
	for (char *s = p + 1; *s; s++) {
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	}
	mkdir(p, 0755);
}

static void put(const struct fx *f, const char *rel, const void *data, size_t len)
{
	char p[1024], dir[1024];
	FILE *o;

	snprintf(p, sizeof p, "%s/%s", f->root, rel);
	snprintf(dir, sizeof dir, "%s", p);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	o = fopen(p, "wb");
	assert_non_null(o);
	assert_int_equal(fwrite(data, 1, len, o), len);
	assert_int_equal(fclose(o), 0);
}

static void puts_(const struct fx *f, const char *rel, const char *text)
{
	put(f, rel, text, strlen(text));
}

static void link_(const struct fx *f, const char *target, const char *rel)
{
	char p[1024], dir[1024];

	snprintf(p, sizeof p, "%s/%s", f->root, rel);
	snprintf(dir, sizeof dir, "%s", p);
	*strrchr(dir, '/') = '\0';
	mkdirs(dir);
	assert_int_equal(symlink(target, p), 0);
}

static char *in_root(const struct fx *f, const char *rel)
{
	static char bufs[8][1024];
	static int next;
	char *b = bufs[next++ % 8];

	snprintf(b, 1024, "%s%s", f->root, rel);
	return b;
}

static int remove_tree(const char *path)
{
	char cmd[1200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	return system(cmd);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *p = getenv("PATH");

	if (!f)
		return -1;
	snprintf(f->root, sizeof f->root, "/tmp/wa-pkgdb-XXXXXX");
	if (!mkdtemp(f->root))
		return -1;
	snprintf(f->bin, sizeof f->bin, "%s.bin", f->root);
	f->old_path = strdup(p ? p : "/usr/bin:/bin");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	setenv("PATH", f->old_path, 1);
	unsetenv("FAKE_RPM_DB");
	unsetenv("FAKE_RPM_LOG");
	unsetenv("FAKE_RPM_SLEEP");
	unsetenv("FAKE_RPM_READ_STDIN");
	remove_tree(f->root);
	remove_tree(f->bin);
	free(f->old_path);
	free(f);
	return 0;
}

/* Looks up the paths; the owners array must be freed by the caller. */
static struct wa_pkg_owner **owners_of(const struct fx *f, const char *const *paths, size_t n)
{
	struct wa_pkgdb_options opt = {f->root, 0};
	struct wa_pkg_owner **o = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_pkgdb_owners(&o, paths, n, &opt, &err), 0);
	assert_int_equal(err.code, 0);
	assert_non_null(o);
	return o;
}

/* ===== dpkg =============================================================== */

static const char debian_os_release[] =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"NAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\n"
	"VERSION_CODENAME=bookworm\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n";

/*
 * A merged-/usr Debian root: /lib is a link to usr/lib; zlib1g:amd64 lists
 * its files under /lib (as bookworm's does) and the files live under
 * /usr/lib; libfoo1 lists only the real file, not the soname link.
 */
static void debian_root(const struct fx *f)
{
	const char *t = "x86_64-linux-gnu";
	char p[256];

	puts_(f, "etc/os-release", debian_os_release);
	link_(f, "usr/lib", "lib");
	snprintf(p, sizeof p, "usr/lib/%s/libz.so.1.2.13", t);
	puts_(f, p, "zlib");
	link_(f, "libz.so.1.2.13", "usr/lib/x86_64-linux-gnu/libz.so.1");
	puts_(f, "usr/lib/x86_64-linux-gnu/libfoo.so.1.0", "foo");
	link_(f, "libfoo.so.1.0", "usr/lib/x86_64-linux-gnu/libfoo.so.1");
	puts_(f, "usr/lib/x86_64-linux-gnu/libold.so.1", "old");
	puts_(f, "usr/lib/x86_64-linux-gnu/libbar.so.2", "bar amd64");
	puts_(f, "usr/lib/i386-linux-gnu/libbar.so.2", "bar i386");
	puts_(f, "usr/lib/x86_64-linux-gnu/libdup.so.1", "dup");
	puts_(f, "usr/lib/x86_64-linux-gnu/libattr.so.1", "attr");
	puts_(f, "usr/lib/x86_64-linux-gnu/libtail.so.1", "tail");
	puts_(f, "usr/local/lib/libmine.so.1", "mine");

	puts_(f, "var/lib/dpkg/info/zlib1g:amd64.list",
	      "/.\n/lib\n/lib/x86_64-linux-gnu\n/lib/x86_64-linux-gnu/libz.so.1.2.13\n"
	      "/usr/share/doc/zlib1g/copyright\n/lib/x86_64-linux-gnu/libz.so.1\n");
	puts_(f, "var/lib/dpkg/info/zlib1g:amd64.md5sums",
	      "0123  lib/x86_64-linux-gnu/libz.so.1.2.13\n");
	puts_(f, "var/lib/dpkg/info/libfoo1.list",
	      "/.\n/usr\n/usr/lib/x86_64-linux-gnu/libfoo.so.1.0\n");
	puts_(f, "var/lib/dpkg/info/oldlib1.list", "/usr/lib/x86_64-linux-gnu/libold.so.1\n");
	puts_(f, "var/lib/dpkg/info/libbar2:amd64.list", "/usr/lib/x86_64-linux-gnu/libbar.so.2\n");
	puts_(f, "var/lib/dpkg/info/libbar2:i386.list", "/usr/lib/i386-linux-gnu/libbar.so.2\n");
	/* two packages list one file: the first by name wins, whatever the order */
	puts_(f, "var/lib/dpkg/info/zzdup.list", "/usr/lib/x86_64-linux-gnu/libdup.so.1\n");
	puts_(f, "var/lib/dpkg/info/aadup.list", "/usr/lib/x86_64-linux-gnu/libdup.so.1\n");
	puts_(f, "var/lib/dpkg/info/libattr1:amd64.list",
	      "/usr/lib/x86_64-linux-gnu/libattr.so.1\n");
	/* the last line has no newline */
	puts_(f, "var/lib/dpkg/info/libtail1.list", "/usr\n/usr/lib/x86_64-linux-gnu/libtail.so.1");

	puts_(f, "var/lib/dpkg/status",
	      "Package: zlib1g\nStatus: install ok installed\nPriority: required\n"
	      "Architecture: amd64\nMulti-Arch: same\nSource: zlib\n"
	      "Version: 1:1.2.13.dfsg-1\nDescription: compression library - runtime\n"
	      " zlib is a library implementing the deflate compression method found\n"
	      " .\n Package: not-a-field\n"
	      "\n"
	      "Package: libfoo1\nStatus: install ok installed\nArchitecture: amd64\n"
	      "Version: 2.0-1\n"
	      "\n"
	      "Package: oldlib1\nStatus: deinstall ok config-files\nArchitecture: amd64\n"
	      "Version: 0.9-1\n"
	      "\n"
	      "Package: libbar2\nStatus: install ok installed\nArchitecture: i386\n"
	      "Version: 2.2-1\n"
	      "\n"
	      "Package: libbar2\nStatus: install ok installed\nArchitecture: amd64\n"
	      "Version: 2.2-1\n"
	      "\n"
	      "Package: aadup\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
	      "\n"
	      "Package: zzdup\nStatus: install ok installed\nArchitecture: all\nVersion: 1\n"
	      "\n"
	      /* field names in another case, spaces around values, pending triggers */
	      "package: libattr1\nstatus: install ok triggers-pending\n"
	      "ARCHITECTURE:   amd64  \nversion: 1:2.4.47-2+b1~bpo12\n"
	      "\n"
	      "Package: libtail1\nStatus: hold ok installed\nArchitecture: amd64\nVersion: 3\n");
}

static void dpkg_finds_owners_under_both_spellings_of_merged_usr(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {
		in_root(f, "/usr/lib/x86_64-linux-gnu/libz.so.1"),
		in_root(f, "/lib/x86_64-linux-gnu/libz.so.1"),
		in_root(f, "/usr/lib/x86_64-linux-gnu/libz.so.1.2.13"),
	};
	struct wa_pkg_owner **o;

	debian_root(f);
	assert_int_equal(wa_pkgdb_detect(f->root), WA_PKGDB_DPKG);
	o = owners_of(f, paths, 3);
	for (int i = 0; i < 3; i++) {
		assert_non_null(o[i]);
		assert_string_equal(o[i]->type, "deb");
		assert_string_equal(o[i]->vendor, "debian");
		assert_string_equal(o[i]->name, "zlib1g");
		assert_string_equal(o[i]->version, "1:1.2.13.dfsg-1");
		assert_string_equal(o[i]->arch, "amd64");
		assert_string_equal(o[i]->distro, "debian-12");
		assert_null(o[i]->epoch);
		assert_string_equal(
			o[i]->purl,
			"pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
		/* the file the link leads to, spelled as the database spells it */
		assert_string_equal(o[i]->listed_as, "/lib/x86_64-linux-gnu/libz.so.1.2.13");
	}
	wa_pkgdb_owners_free(o, 3);
}

static void dpkg_finds_the_file_a_soname_link_leads_to(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libfoo.so.1"),
			       in_root(f, "/lib/x86_64-linux-gnu/libfoo.so.1")};
	struct wa_pkg_owner **o;

	debian_root(f);
	o = owners_of(f, paths, 2);
	for (int i = 0; i < 2; i++) {
		assert_non_null(o[i]);
		assert_string_equal(o[i]->purl,
				    "pkg:deb/debian/libfoo1@2.0-1?arch=amd64&distro=debian-12");
		assert_string_equal(o[i]->listed_as, "/usr/lib/x86_64-linux-gnu/libfoo.so.1.0");
	}
	wa_pkgdb_owners_free(o, 2);
}

static void dpkg_ignores_packages_that_are_not_installed(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libold.so.1")};
	struct wa_pkg_owner **o;

	debian_root(f);
	o = owners_of(f, paths, 1);
	assert_null(o[0]);
	wa_pkgdb_owners_free(o, 1);
}

static void dpkg_matches_the_architecture_of_a_multiarch_list(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libbar.so.2"),
			       in_root(f, "/usr/lib/i386-linux-gnu/libbar.so.2")};
	struct wa_pkg_owner **o;

	debian_root(f);
	o = owners_of(f, paths, 2);
	assert_non_null(o[0]);
	assert_non_null(o[1]);
	assert_string_equal(o[0]->purl, "pkg:deb/debian/libbar2@2.2-1?arch=amd64&distro=debian-12");
	assert_string_equal(o[1]->purl, "pkg:deb/debian/libbar2@2.2-1?arch=i386&distro=debian-12");
	wa_pkgdb_owners_free(o, 2);
}

static void dpkg_takes_the_first_of_two_owners_by_name(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libdup.so.1")};
	struct wa_pkg_owner **o;

	debian_root(f);
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->name, "aadup");
	assert_string_equal(o[0]->arch, "all");
	wa_pkgdb_owners_free(o, 1);
}

static void dpkg_reads_fields_in_any_case_and_encodes_the_version(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libattr.so.1"),
			       in_root(f, "/usr/lib/x86_64-linux-gnu/libtail.so.1")};
	struct wa_pkg_owner **o;

	debian_root(f);
	o = owners_of(f, paths, 2);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->version, "1:2.4.47-2+b1~bpo12");
	/* '+' encoded, ':' and '~' as they are (purl specification) */
	assert_string_equal(o[0]->purl, "pkg:deb/debian/libattr1@1:2.4.47-2%2Bb1~bpo12?arch=amd64&"
					"distro=debian-12");
	assert_non_null(o[1]); /* a list whose last line has no newline; a held package */
	assert_string_equal(o[1]->name, "libtail1");
	wa_pkgdb_owners_free(o, 2);
}

static void dpkg_gives_no_owner_to_paths_it_cannot_match(void **state)
{
	struct fx *f = *state;
	char outside[300];
	const char *paths[] = {
		in_root(f, "/usr/local/lib/libmine.so.1"), /* no package lists it */
		"usr/lib/x86_64-linux-gnu/libz.so.1",      /* relative */
		NULL,
		outside, /* not under the root */
		in_root(f, "/usr/lib/x86_64-linux-gnu/libz.so.1\n/lib/x86_64-linux-gnu/libz.so.1"),
	};
	struct wa_pkg_owner **o;

	snprintf(outside, sizeof outside, "%sx/usr/lib/x86_64-linux-gnu/libz.so.1", f->root);
	debian_root(f);
	o = owners_of(f, paths, 5);
	for (int i = 0; i < 5; i++)
		assert_null(o[i]);
	wa_pkgdb_owners_free(o, 5);
}

static void dpkg_survives_garbage_in_its_files(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libz.so.1"),
			       in_root(f, "/usr/lib/x86_64-linux-gnu/libg.so.1")};
	static char big[3 * 4096 + 100];
	struct wa_pkg_owner **o;
	char fifo[512];

	debian_root(f);
	puts_(f, "usr/lib/x86_64-linux-gnu/libg.so.1", "g");
	/* a line far longer than any path, then the wanted path */
	memset(big, 'x', sizeof big);
	big[0] = '/';
	memcpy(big + sizeof big - 36, "\n/usr/lib/x86_64-linux-gnu/libg.so.1", 36);
	put(f, "var/lib/dpkg/info/libg1.list", big, sizeof big);
	/* the wanted path behind a NUL byte must not match */
	put(f, "var/lib/dpkg/info/nul1.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\0junk\n", 41);
	/* names dpkg never writes, a directory and a FIFO named like list files */
	puts_(f, "var/lib/dpkg/info/Bad Name!.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n");
	puts_(f, "var/lib/dpkg/info/.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n");
	puts_(f, "var/lib/dpkg/info/-x.list", "/usr/lib/x86_64-linux-gnu/libz.so.1\n");
	mkdirs(in_root(f, "/var/lib/dpkg/info/dir.list"));
	snprintf(fifo, sizeof fifo, "%s/var/lib/dpkg/info/fifo.list", f->root);
	assert_int_equal(mkfifo(fifo, 0644), 0);
	/* status: garbage, then libg1 (no version: owns nothing) */
	{
		FILE *s;
		char st[512];

		snprintf(st, sizeof st, "%s/var/lib/dpkg/status", f->root);
		s = fopen(st, "ab");
		assert_non_null(s);
		fputs("\n\n::::\n\x01\x02\xff\n: no name\nPackage:\nVersion:\n\n", s);
		fputs("Package: libg1\nStatus: install ok installed\nVersion:\n\n", s);
		fputs("Package: nul1\nStatus: install ok installed\nVersion: 1\n", s);
		fclose(s);
	}
	o = owners_of(f, paths, 2);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->name, "zlib1g");
	assert_null(o[1]);
	wa_pkgdb_owners_free(o, 2);
}

static void dpkg_without_os_release_assumes_debian_without_distro(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libfoo.so.1")};
	struct wa_pkg_owner **o;
	char p[512];

	debian_root(f);
	snprintf(p, sizeof p, "%s/etc/os-release", f->root);
	assert_int_equal(unlink(p), 0);
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->vendor, "debian");
	assert_null(o[0]->distro);
	assert_string_equal(o[0]->purl, "pkg:deb/debian/libfoo1@2.0-1?arch=amd64");
	wa_pkgdb_owners_free(o, 1);
}

static void os_release_is_read_from_usr_lib_through_an_absolute_link(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libfoo.so.1")};
	struct wa_pkg_owner **o;
	char p[512];

	debian_root(f);
	snprintf(p, sizeof p, "%s/etc/os-release", f->root);
	assert_int_equal(unlink(p), 0);
	/* an absolute link must be followed inside the root, not to the host */
	link_(f, "/usr/lib/os-release", "etc/os-release");
	puts_(f, "usr/lib/os-release",
	      "# comment\nNAME='Ubuntu'\nID=ubuntu\nVERSION_ID='22.04'\nID_LIKE=debian\n");
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->purl,
			    "pkg:deb/ubuntu/libfoo1@2.0-1?arch=amd64&distro=ubuntu-22.04");
	wa_pkgdb_owners_free(o, 1);
}

static void os_release_values_that_are_not_identifiers_are_ignored(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libfoo.so.1")};
	struct wa_pkg_owner **o;
	char p[512];

	debian_root(f);
	snprintf(p, sizeof p, "%s/etc/os-release", f->root);
	assert_int_equal(unlink(p), 0);
	puts_(f, "etc/os-release", "ID=\"Bad Id/x\"\nVERSION_ID=\"12\"\n");
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->purl, "pkg:deb/debian/libfoo1@2.0-1?arch=amd64");
	wa_pkgdb_owners_free(o, 1);
	assert_int_equal(unlink(p), 0);
	puts_(f, "etc/os-release", "ID=\"Debian\"\nVERSION_ID=\"12\\\"x\"\n");
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->purl, "pkg:deb/debian/libfoo1@2.0-1?arch=amd64");
	wa_pkgdb_owners_free(o, 1);
}

/* ===== apk ================================================================ */

static void alpine_root(const struct fx *f)
{
	puts_(f, "etc/os-release",
	      "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.1\n"
	      "PRETTY_NAME=\"Alpine Linux v3.19\"\n");
	puts_(f, "lib/libz.so.1.3.1", "z");
	link_(f, "libz.so.1.3.1", "lib/libz.so.1");
	puts_(f, "usr/lib/libyaml-0.so.2.0.9", "y");
	link_(f, "libyaml-0.so.2.0.9", "usr/lib/libyaml-0.so.2");
	puts_(f, "usr/lib/libnone.so.1", "n");
	puts_(f, "lib/apk/db/installed",
	      "C:Q1abc=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\nS:383152\nT:the musl c library\n"
	      "F:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q1xyz=\nR:libc.musl-x86_64.so.1\n"
	      "\n"
	      "P:zlib\nV:1.3.1-r0\nA:x86_64\nF:lib\nR:libz.so.1\nR:libz.so.1.3.1\n"
	      "F:usr/share/doc\nR:README\n"
	      "\n"
	      /* P: after the files; trailing slash on the directory */
	      "V:0.2.5-r2\nA:x86_64\nF:usr/lib/\nR:libyaml-0.so.2\nR:libyaml-0.so.2.0.9\n"
	      "P:YAML\n"
	      "\n"
	      /* no name: owns nothing; garbage lines */
	      "V:1\nF:usr/lib\nR:libnone.so.1\nxx\n:\nR\n\n\n"
	      "P:bad name\nV:1\nF:usr/lib\nR:libnone.so.1\n");
}

static void apk_finds_owners_and_builds_alpine_purls(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/lib/libz.so.1"), in_root(f, "/usr/lib/libyaml-0.so.2"),
			       in_root(f, "/usr/lib/libnone.so.1")};
	struct wa_pkg_owner **o;

	alpine_root(f);
	assert_int_equal(wa_pkgdb_detect(f->root), WA_PKGDB_APK);
	o = owners_of(f, paths, 3);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->type, "apk");
	assert_string_equal(o[0]->purl,
			    "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64&distro=alpine-3.19.1");
	assert_string_equal(o[0]->listed_as, "/lib/libz.so.1.3.1");
	assert_non_null(o[1]);
	assert_string_equal(o[1]->name, "yaml"); /* lower case in a purl */
	assert_string_equal(o[1]->purl,
			    "pkg:apk/alpine/yaml@0.2.5-r2?arch=x86_64&distro=alpine-3.19.1");
	assert_null(o[2]);
	wa_pkgdb_owners_free(o, 3);
}

static void apk_without_os_release_is_alpine(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/lib/libz.so.1")};
	struct wa_pkg_owner **o;
	char p[512];

	alpine_root(f);
	snprintf(p, sizeof p, "%s/etc/os-release", f->root);
	assert_int_equal(unlink(p), 0);
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->purl, "pkg:apk/alpine/zlib@1.3.1-r0?arch=x86_64");
	wa_pkgdb_owners_free(o, 1);
}

/* ===== rpm ================================================================ */

static void fake_rpm(struct fx *f, const char *db_json)
{
	char p[512], path[4096], db[512], sh[700];

	mkdirs(f->bin);
	snprintf(p, sizeof p, "%s/rpm", f->bin);
	snprintf(sh, sizeof sh, "#!/bin/sh\nexec python3 '%s' \"$@\"\n", FAKE_RPM);
	{
		FILE *o = fopen(p, "w");

		assert_non_null(o);
		fputs(sh, o);
		fclose(o);
	}
	assert_int_equal(chmod(p, 0755), 0);
	snprintf(path, sizeof path, "%s:%s", f->bin, f->old_path);
	setenv("PATH", path, 1);
	puts_(f, "fake-rpm-db.json", db_json);
	snprintf(db, sizeof db, "%s/fake-rpm-db.json", f->root);
	setenv("FAKE_RPM_DB", db, 1);
	snprintf(db, sizeof db, "%s/fake-rpm-log", f->root);
	setenv("FAKE_RPM_LOG", db, 1);
}

static const char fedora_db[] =
	"{\"packages\": ["
	"{\"name\": \"zlib\", \"epoch\": null, \"version\": \"1.2.13\", \"release\": \"5.fc39\","
	" \"arch\": \"x86_64\", \"files\": [\"/usr/lib64/libz.so.1\", \"/usr/lib64/libz.so.1.2.13\"]},"
	"{\"name\": \"openssl-libs\", \"epoch\": 1, \"version\": \"3.1.1\", \"release\": \"4.fc39\","
	" \"arch\": \"x86_64\", \"files\": [\"/usr/lib64/libssl.so.3\", \"/usr/lib64/libssl.so.3.1.1\"]},"
	"{\"name\": \"zz-shared\", \"epoch\": null, \"version\": \"1\", \"release\": \"1\","
	" \"arch\": \"noarch\", \"files\": [\"/usr/lib64/libshared.so.1\"]},"
	"{\"name\": \"aa-shared\", \"epoch\": null, \"version\": \"2\", \"release\": \"1\","
	" \"arch\": \"x86_64\", \"files\": [\"/usr/lib64/libshared.so.1\"]}"
	"]}";

static void fedora_root(struct fx *f)
{
	puts_(f, "etc/os-release",
	      "NAME=\"Fedora Linux\"\nVERSION=\"39 (Container Image)\"\n"
	      "ID=fedora\nVERSION_ID=39\n");
	mkdirs(in_root(f, "/var/lib/rpm"));
	link_(f, "usr/lib64", "lib64");
	puts_(f, "usr/lib64/libz.so.1.2.13", "z");
	link_(f, "libz.so.1.2.13", "usr/lib64/libz.so.1");
	puts_(f, "usr/lib64/libssl.so.3.1.1", "s");
	link_(f, "libssl.so.3.1.1", "usr/lib64/libssl.so.3");
	puts_(f, "usr/lib64/libshared.so.1", "sh");
	puts_(f, "usr/lib64/libmine.so.1", "m");
	fake_rpm(f, fedora_db);
}

static int log_lines(const struct fx *f)
{
	char p[512], line[65536];
	int n = 0;
	FILE *l;

	snprintf(p, sizeof p, "%s/fake-rpm-log", f->root);
	l = fopen(p, "r");
	if (!l)
		return 0;
	while (fgets(line, sizeof line, l))
		n++;
	fclose(l);
	return n;
}

static void rpm_is_asked_once_for_every_path(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {
		in_root(f, "/lib64/libz.so.1"),          /* owned, through the /lib64 link */
		in_root(f, "/usr/lib64/libssl.so.3"),    /* owned, with an epoch */
		in_root(f, "/usr/lib64/libmine.so.1"),   /* exists, not owned */
		in_root(f, "/usr/lib64/libshared.so.1"), /* two owners */
		in_root(f, "/usr/lib64/libgone.so.1"),   /* does not exist */
	};
	struct wa_pkg_owner **o;

	fedora_root(f);
	setenv("FAKE_RPM_READ_STDIN", "1", 1); /* stdin must be at its end at once */
	assert_int_equal(wa_pkgdb_detect(f->root), WA_PKGDB_RPM);
	o = owners_of(f, paths, 5);
	assert_int_equal(log_lines(f), 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->type, "rpm");
	assert_string_equal(o[0]->vendor, "fedora");
	assert_string_equal(o[0]->version, "1.2.13-5.fc39");
	assert_null(o[0]->epoch);
	assert_string_equal(o[0]->purl,
			    "pkg:rpm/fedora/zlib@1.2.13-5.fc39?arch=x86_64&distro=fedora-39");
	assert_string_equal(o[0]->listed_as, "/usr/lib64/libz.so.1.2.13");
	assert_non_null(o[1]);
	assert_string_equal(o[1]->epoch, "1");
	assert_string_equal(o[1]->purl, "pkg:rpm/fedora/openssl-libs@3.1.1-4.fc39?arch=x86_64&"
					"distro=fedora-39&epoch=1");
	assert_null(o[2]);
	assert_non_null(o[3]);
	assert_string_equal(o[3]->name, "aa-shared");
	assert_null(o[4]);
	wa_pkgdb_owners_free(o, 5);
}

static void rpm_that_runs_too_long_is_killed_and_reported(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib64/libz.so.1")};
	struct wa_pkgdb_options opt = {f->root, 300};
	struct wa_pkg_owner **o = (struct wa_pkg_owner **)&opt; /* must be reset */
	struct timespec t0, t1;
	struct wa_error err;

	fedora_root(f);
	setenv("FAKE_RPM_SLEEP", "20", 1);
	wa_error_clear(&err);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(wa_pkgdb_owners(&o, paths, 1, &opt, &err), -WA_EIO);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_null(o);
	assert_int_equal(err.code, WA_EIO);
	assert_non_null(strstr(err.message, "did not finish within 300 ms"));
	assert_true(t1.tv_sec - t0.tv_sec < 10);
}

static void rpm_missing_from_path_gives_no_owner(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib64/libz.so.1")};
	struct wa_pkg_owner **o;

	fedora_root(f);
	setenv("PATH", f->root, 1); /* no rpm there */
	o = owners_of(f, paths, 1);
	assert_null(o[0]);
	wa_pkgdb_owners_free(o, 1);
}

static void rpm_is_not_asked_when_there_is_a_dpkg_database(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libfoo.so.1")};
	struct wa_pkg_owner **o;

	debian_root(f);
	mkdirs(in_root(f, "/var/lib/rpm"));
	fake_rpm(f, fedora_db);
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->type, "deb");
	assert_int_equal(log_lines(f), 0);
	wa_pkgdb_owners_free(o, 1);
}

/* ===== no database ======================================================== */

static void no_database_means_no_owner(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/libz.so.1"), in_root(f, "/lib/libc.so.6")};
	struct wa_pkg_owner **o;

	puts_(f, "usr/lib/libz.so.1", "z");
	puts_(f, "etc/os-release", debian_os_release);
	assert_int_equal(wa_pkgdb_detect(f->root), WA_PKGDB_NONE);
	assert_string_equal(wa_pkgdb_kind_name(WA_PKGDB_NONE), "none");
	o = owners_of(f, paths, 2);
	assert_null(o[0]);
	assert_null(o[1]);
	wa_pkgdb_owners_free(o, 2);
}

static void no_paths_is_an_empty_answer(void **state)
{
	struct fx *f = *state;
	struct wa_pkgdb_options opt = {f->root, 0};
	struct wa_pkg_owner **o = (struct wa_pkg_owner **)&opt;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_pkgdb_owners(&o, NULL, 0, &opt, &err), 0);
	assert_null(o);
	wa_pkgdb_owners_free(NULL, 0);
}

static void a_link_loop_resolves_to_nothing(void **state)
{
	struct fx *f = *state;
	const char *paths[] = {in_root(f, "/usr/lib/x86_64-linux-gnu/libloop.so.1")};
	struct wa_pkg_owner **o;

	debian_root(f);
	link_(f, "libloop.so.1", "usr/lib/x86_64-linux-gnu/libloop.so.1");
	puts_(f, "var/lib/dpkg/info/loop1.list", "/usr/lib/x86_64-linux-gnu/libloop.so.1\n");
	{
		FILE *s;
		char st[512];

		snprintf(st, sizeof st, "%s/var/lib/dpkg/status", f->root);
		s = fopen(st, "ab");
		assert_non_null(s);
		fputs("\nPackage: loop1\nStatus: install ok installed\nArchitecture: amd64\n"
		      "Version: 1\n",
		      s);
		fclose(s);
	}
	/* the path as found still matches; resolving it gives up */
	o = owners_of(f, paths, 1);
	assert_non_null(o[0]);
	assert_string_equal(o[0]->name, "loop1");
	wa_pkgdb_owners_free(o, 1);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(dpkg_finds_owners_under_both_spellings_of_merged_usr),
		T(dpkg_finds_the_file_a_soname_link_leads_to),
		T(dpkg_ignores_packages_that_are_not_installed),
		T(dpkg_matches_the_architecture_of_a_multiarch_list),
		T(dpkg_takes_the_first_of_two_owners_by_name),
		T(dpkg_reads_fields_in_any_case_and_encodes_the_version),
		T(dpkg_gives_no_owner_to_paths_it_cannot_match),
		T(dpkg_survives_garbage_in_its_files),
		T(dpkg_without_os_release_assumes_debian_without_distro),
		T(os_release_is_read_from_usr_lib_through_an_absolute_link),
		T(os_release_values_that_are_not_identifiers_are_ignored),
		T(apk_finds_owners_and_builds_alpine_purls),
		T(apk_without_os_release_is_alpine),
		T(rpm_is_asked_once_for_every_path),
		T(rpm_that_runs_too_long_is_killed_and_reported),
		T(rpm_missing_from_path_gives_no_owner),
		T(rpm_is_not_asked_when_there_is_a_dpkg_database),
		T(no_database_means_no_owner),
		T(no_paths_is_an_empty_answer),
		T(a_link_loop_resolves_to_nothing),
	};
#undef T

	return cmocka_run_group_tests_name("pkgdb", tests, NULL, NULL);
}
