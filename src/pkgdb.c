/* SPDX-License-Identifier: MIT */
/*
 * Owners of host files in the OS package databases (pkgdb.h).  The files read
 * here are the host's, not the wheel's, but they are still read as untrusted
 * text: lines are cut at MAX_LINE, NUL bytes and odd names make a line or
 * record count for nothing, symbolic links under a root are resolved inside
 * it, and only regular files are opened (a FIFO would block).  Only the
 * wanted spellings are matched; no table of every file on the system is built.
 */
#include "wheelaudit/pkgdb.h"

#include "wheelaudit/arena.h"
#include "wheelaudit/buf.h"
#include "wheelaudit/path.h"
#include "wheelaudit/purl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* No path or field this module needs is longer; a longer line is skipped. */
#define MAX_LINE 4096
/* Buffers for one path while it is resolved (Linux's PATH_MAX). */
#define PATH_CAP 4096
/* Links followed while resolving one path (the kernel's own limit). */
#define MAX_LINKS 40
#define RPM_OUTPUT_MAX ((size_t)64 << 20)
#define RPM_TIMEOUT_MS 60000u

/* Spellings of a wanted path.  TIER_FILE (the path with its symbolic links
 * resolved) is preferred to TIER_FOUND (the path as the loader found it):
 * what was copied into the wheel is the file the links lead to. */
enum { TIER_FILE = 0, TIER_FOUND = 1 };

struct want {
	const char *s; /* in the arena */
	size_t len;
	size_t path; /* index into the caller's paths */
	int tier;
};

struct pkg {
	const char *name, *arch_hint; /* as the database names it (dpkg: list file) */
	const char *version, *arch, *epoch;
	bool ok; /* installed, with a version: may own files */
};

struct cand {
	size_t path, pkg;
	int tier;
	const char *spelling; /* in the arena */
};

struct db {
	struct wa_arena a;
	const char *root; /* "" or "/dir" without a trailing slash */
	struct want *wants;
	size_t nwants;
	uint8_t lens[MAX_LINE / 8 + 1]; /* lengths some spelling has: a quick refusal */
	struct cand *cands;
	size_t ncands, capc;
	struct pkg *pkgs;
	size_t npkgs, capp;
	const char *id, *version_id; /* os-release */
	struct wa_error *err;
};

static int nomem(struct db *db)
{
	return wa_error_set(db->err, WA_ENOMEM, NULL, "out of memory reading the package database");
}

/* ===== lines ============================================================== */

/* Lines of a file descriptor or of a buffer, each cut at MAX_LINE. */
struct lines {
	int fd; /* -1: the text is data[0..end) */
	const char *data;
	size_t pos, end;
	bool eof;
	char line[MAX_LINE + 1];
	size_t len;
	bool bad; /* the line was longer than MAX_LINE or held a NUL byte */
	char buf[65536];
};

static struct lines *lines_fd(int fd)
{
	struct lines *r = malloc(sizeof(*r));

	if (r) {
		r->fd = fd;
		r->data = r->buf;
		r->pos = r->end = 0;
		r->eof = false;
	}
	return r;
}

static struct lines *lines_mem(const char *text, size_t len)
{
	struct lines *r = lines_fd(-1);

	if (r) {
		r->data = text;
		r->end = len;
		r->eof = true;
	}
	return r;
}

/* 1: a line in r->line (r->len bytes, terminated), 0: the end, -1: a read
 * error (errno says which). */
static int next_line(struct lines *r)
{
	bool any = false;

	r->len = 0;
	r->bad = false;
	for (;;) {
		const char *start, *nl;
		size_t take;

		if (r->pos == r->end) {
			ssize_t got;

			if (r->eof)
				break;
			got = read(r->fd, r->buf, sizeof r->buf);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0)
				return -1;
			if (got == 0) {
				r->eof = true;
				break;
			}
			r->pos = 0;
			r->end = (size_t)got;
		}
		start = r->data + r->pos;
		nl = memchr(start, '\n', r->end - r->pos);
		take = nl ? (size_t)(nl - start) : r->end - r->pos;
		any = true;
		if (!r->bad && r->len + take <= MAX_LINE) {
			memcpy(r->line + r->len, start, take);
			r->len += take;
		} else {
			r->bad = true;
		}
		r->pos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (!any)
		return 0;
	r->line[r->len] = '\0';
	if (memchr(r->line, '\0', r->len))
		r->bad = true;
	return 1;
}

/* ===== paths inside the root ============================================== */

/*
 * path (absolute, relative to the root) with every symbolic link resolved
 * inside the root, as realpath(3) would inside a chroot: an absolute link
 * target starts again at the root, ".." never climbs above it.  NULL when a
 * component does not exist, a link loops, or the path grows past PATH_CAP;
 * *oom is set when the arena ran out.
 */
static char *resolve(struct db *db, const char *path, bool *oom)
{
	char out[PATH_CAP], rest[PATH_CAP], full[2 * PATH_CAP], target[PATH_CAP];
	size_t olen = 0, rlen = strlen(path), rootlen = strlen(db->root);
	const char *r = rest;
	int links = 0;

	if (rlen >= sizeof rest)
		return NULL;
	memcpy(rest, path, rlen + 1);
	out[0] = '\0';
	while (*r) {
		size_t cl, keep;
		struct stat st;
		ssize_t k;

		while (*r == '/')
			r++;
		cl = strcspn(r, "/");
		if (cl == 0)
			break;
		if (cl == 1 && r[0] == '.') {
			r++;
			continue;
		}
		if (cl == 2 && r[0] == '.' && r[1] == '.') {
			while (olen && out[olen - 1] != '/')
				olen--;
			if (olen)
				olen--;
			out[olen] = '\0';
			r += 2;
			continue;
		}
		if (olen + 1 + cl >= sizeof out)
			return NULL;
		keep = olen;
		out[olen++] = '/';
		memcpy(out + olen, r, cl);
		olen += cl;
		out[olen] = '\0';
		r += cl;
		memcpy(full, db->root, rootlen);
		memcpy(full + rootlen, out, olen + 1);
		if (lstat(full, &st) != 0)
			return NULL;
		if (!S_ISLNK(st.st_mode)) {
			if (r[strspn(r, "/")] && !S_ISDIR(st.st_mode))
				return NULL; /* a file where a directory should be */
			continue;
		}
		if (++links > MAX_LINKS)
			return NULL;
		k = readlink(full, target, sizeof target);
		if (k <= 0 || (size_t)k >= sizeof target)
			return NULL;
		/* the rest of the path now follows the link's target */
		rlen = strlen(r);
		if ((size_t)k + rlen >= sizeof rest)
			return NULL;
		memmove(rest + k, r, rlen + 1); /* r is empty or starts with '/' */
		memcpy(rest, target, (size_t)k);
		r = rest;
		olen = target[0] == '/' ? 0 : keep;
		out[olen] = '\0';
	}
	if (olen == 0) {
		out[0] = '/';
		out[1] = '\0';
	}
	{
		char *s = wa_arena_strdup(&db->a, out);

		if (!s)
			*oom = true;
		return s;
	}
}

/*
 * Opens the regular file rel (absolute, relative to the root) for reading,
 * its links resolved inside the root.  1: *fd is open; 0: there is no such
 * regular file; <0: an error (recorded).
 */
static int open_in_root(struct db *db, const char *rel, int *fd)
{
	char full[2 * PATH_CAP];
	bool oom = false;
	char *res = resolve(db, rel, &oom);
	struct stat st;

	*fd = -1;
	if (oom)
		return nomem(db);
	if (!res)
		return 0;
	if ((size_t)snprintf(full, sizeof full, "%s%s", db->root, res) >= sizeof full)
		return 0;
	/* O_NONBLOCK: opening a FIFO left in place of a database must not wait
	 * for a writer; reads of a regular file ignore the flag. */
	*fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (*fd < 0) {
		if (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)
			return 0;
		return wa_error_set(db->err, WA_EIO, NULL, "cannot open %s: %s", full,
				    strerror(errno));
	}
	if (fstat(*fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(*fd);
		*fd = -1;
		return 0;
	}
	return 1;
}

static bool is_file_in_root(struct db *db, const char *rel, bool dir)
{
	char full[2 * PATH_CAP];
	bool oom = false;
	char *res = resolve(db, rel, &oom);
	struct stat st;

	if (!res || (size_t)snprintf(full, sizeof full, "%s%s", db->root, res) >= sizeof full)
		return false;
	if (stat(full, &st) != 0)
		return false;
	return dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode);
}

/* ===== wanted spellings =================================================== */

static int want_cmp_key(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	return c ? c : (alen > blen) - (alen < blen);
}

static int want_cmp(const void *x, const void *y)
{
	const struct want *a = x, *b = y;
	int c = want_cmp_key(a->s, a->len, b->s, b->len);

	if (c)
		return c;
	if (a->path != b->path)
		return a->path < b->path ? -1 : 1;
	return a->tier - b->tier;
}

/* The directories merged-/usr systems keep only under /usr (Debian's list). */
static const char *const merged_dirs[] = {"bin",   "sbin",   "lib",   "lib32",
					  "lib64", "libx32", "libo32"};

/* The other spelling of p on a merged-/usr system: "/usr/lib/x" <-> "/lib/x";
 * NULL when p is in none of those directories. */
static char *merged_alternative(struct db *db, const char *p, bool *oom)
{
	for (size_t i = 0; i < sizeof merged_dirs / sizeof merged_dirs[0]; i++) {
		size_t n = strlen(merged_dirs[i]);
		char *s = NULL;

		if (strncmp(p, "/usr/", 5) == 0 && strncmp(p + 5, merged_dirs[i], n) == 0 &&
		    p[5 + n] == '/')
			s = wa_arena_strdup(&db->a, p + 4);
		else if (p[0] == '/' && strncmp(p + 1, merged_dirs[i], n) == 0 && p[1 + n] == '/')
			s = wa_arena_printf(&db->a, "/usr%s", p);
		else
			continue;
		if (!s)
			*oom = true;
		return s;
	}
	return NULL;
}

static void add_want(struct db *db, size_t *cap, const char *s, size_t path, int tier, bool *oom)
{
	if (!s || *oom)
		return;
	if (db->nwants == *cap) {
		size_t ncap = *cap ? 2 * *cap : 16;
		struct want *w = realloc(db->wants, ncap * sizeof(*w));

		if (!w) {
			*oom = true;
			return;
		}
		db->wants = w;
		*cap = ncap;
	}
	db->wants[db->nwants++] = (struct want){s, strlen(s), path, tier};
}

static void add_spellings(struct db *db, size_t *cap, const char *s, size_t path, int tier,
			  bool *oom)
{
	if (!s)
		return;
	add_want(db, cap, s, path, tier, oom);
	add_want(db, cap, merged_alternative(db, s, oom), path, tier, oom);
}

static int build_wants(struct db *db, const char *const *paths, size_t n)
{
	size_t cap = 0, rootlen = strlen(db->root), kept = 0;
	bool oom = false;

	for (size_t i = 0; i < n && !oom; i++) {
		const char *p = paths[i], *rel;

		if (!p || strncmp(p, db->root, rootlen) != 0 || p[rootlen] != '/')
			continue; /* not absolute, or not under the root */
		rel = p + rootlen;
		if (strchr(rel, '\n'))
			continue; /* no line-based database can list it */
		add_spellings(db, &cap, wa_path_normalise(&db->a, rel, false, &oom), i, TIER_FOUND,
			      &oom);
		add_spellings(db, &cap, resolve(db, rel, &oom), i, TIER_FILE, &oom);
	}
	if (oom)
		return nomem(db);
	if (db->nwants)
		qsort(db->wants, db->nwants, sizeof(*db->wants), want_cmp);
	/* one entry per spelling and path, at its best tier */
	for (size_t i = 0; i < db->nwants; i++) {
		struct want *w = &db->wants[i];

		if (kept && db->wants[kept - 1].path == w->path &&
		    want_cmp_key(db->wants[kept - 1].s, db->wants[kept - 1].len, w->s, w->len) == 0)
			continue;
		db->wants[kept++] = *w;
		if (w->len <= MAX_LINE)
			db->lens[w->len / 8] |= (uint8_t)(1u << (w->len % 8));
	}
	db->nwants = kept;
	return 0;
}

/* The first want spelled s (len bytes), or NULL. */
static const struct want *find_want(const struct db *db, const char *s, size_t len)
{
	size_t lo = 0, hi = db->nwants;

	if (len > MAX_LINE || !(db->lens[len / 8] & (1u << (len % 8))))
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (want_cmp_key(db->wants[mid].s, db->wants[mid].len, s, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < db->nwants && want_cmp_key(db->wants[lo].s, db->wants[lo].len, s, len) == 0)
		return &db->wants[lo];
	return NULL;
}

/* ===== candidates and packages ============================================ */

static int add_cand(struct db *db, size_t path, int tier, size_t pkg, const char *spelling)
{
	if (db->ncands == db->capc) {
		size_t ncap = db->capc ? 2 * db->capc : 16;
		struct cand *c = realloc(db->cands, ncap * sizeof(*c));

		if (!c)
			return nomem(db);
		db->cands = c;
		db->capc = ncap;
	}
	db->cands[db->ncands++] = (struct cand){path, pkg, tier, spelling};
	return 0;
}

/* Every wanted path spelled s becomes a candidate of package pkg. */
static int match_line(struct db *db, const char *s, size_t len, size_t pkg)
{
	const struct want *w = find_want(db, s, len);

	for (; w && w < db->wants + db->nwants && want_cmp_key(w->s, w->len, s, len) == 0; w++) {
		int rc = add_cand(db, w->path, w->tier, pkg, w->s);

		if (rc)
			return rc;
	}
	return 0;
}

/* The index of a new package, or SIZE_MAX when out of memory (recorded). */
static size_t add_pkg(struct db *db, const struct pkg *p)
{
	if (db->npkgs == db->capp) {
		size_t ncap = db->capp ? 2 * db->capp : 8;
		struct pkg *v = realloc(db->pkgs, ncap * sizeof(*v));

		if (!v) {
			nomem(db);
			return SIZE_MAX;
		}
		db->pkgs = v;
		db->capp = ncap;
	}
	db->pkgs[db->npkgs] = *p;
	return db->npkgs++;
}

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Orders candidates of one path: tier, then name, architecture, version. */
static bool better(const struct db *db, const struct cand *a, const struct cand *b)
{
	const struct pkg *p = &db->pkgs[a->pkg], *q = &db->pkgs[b->pkg];
	int c;

	if (a->tier != b->tier)
		return a->tier < b->tier;
	if ((c = strcmp(p->name, q->name)) != 0)
		return c < 0;
	if ((c = cmp_opt(p->arch, q->arch)) != 0)
		return c < 0;
	return cmp_opt(p->version, q->version) < 0;
}

/* ===== os-release ========================================================= */

/* The value of an os-release assignment: quotes removed, backslash escapes
 * inside double quotes undone (the file is shell-compatible). */
static void unquote(char *v)
{
	char q = v[0], *o = v;

	if (q != '"' && q != '\'') {
		v[strcspn(v, " \t")] = '\0';
		return;
	}
	for (char *p = v + 1; *p && *p != q; p++) {
		if (q == '"' && *p == '\\' && p[1])
			p++;
		*o++ = *p;
	}
	*o = '\0';
}

/* os-release's ID and VERSION_ID are lower-case letters, digits, '.', '_'
 * and '-'; anything else is ignored rather than carried into a purl. */
static const char *os_value(struct db *db, char *v)
{
	size_t n = 0;

	unquote(v);
	for (char *p = v; *p; p++, n++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("._-", *p)))
			return NULL;
	}
	return n && n <= 64 ? wa_arena_strdup(&db->a, v) : NULL;
}

static int read_os_release(struct db *db)
{
	static const char *const where[] = {"/etc/os-release", "/usr/lib/os-release"};
	struct lines *r;
	int fd = -1, rc = 0, got;

	for (size_t i = 0; i < 2 && fd < 0; i++) {
		rc = open_in_root(db, where[i], &fd);
		if (rc < 0)
			return rc;
	}
	if (fd < 0)
		return 0;
	rc = 0;
	r = lines_fd(fd);
	if (!r) {
		close(fd);
		return nomem(db);
	}
	while ((got = next_line(r)) > 0) {
		char *eq = strchr(r->line, '=');

		if (r->bad || !eq)
			continue;
		*eq = '\0';
		if (strcmp(r->line, "ID") == 0)
			db->id = os_value(db, eq + 1);
		else if (strcmp(r->line, "VERSION_ID") == 0)
			db->version_id = os_value(db, eq + 1);
	}
	if (got < 0)
		rc = wa_error_set(db->err, WA_EIO, NULL, "cannot read os-release: %s",
				  strerror(errno));
	free(r);
	close(fd);
	return rc;
}

/* ===== dpkg =============================================================== */

static bool valid_chars(const char *s, size_t n, const char *extra)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c)))
			return false;
	}
	return true;
}

/* One info/<pkg>[:<arch>].list file: its lines that are wanted spellings. */
static int scan_list(struct db *db, int dfd, const char *fname)
{
	size_t flen = strlen(fname), stem, colon;
	struct pkg p = {0};
	size_t pkg = SIZE_MAX;
	struct lines *r;
	struct stat st;
	int fd, got, rc = 0;

	if (flen <= 5 || strcmp(fname + flen - 5, ".list") != 0)
		return 0;
	stem = flen - 5;
	colon = strcspn(fname, ":");
	if (colon > stem)
		colon = stem;
	/* Debian package names are [a-z0-9][a-z0-9+.-]*; architectures [a-z0-9-] */
	if (!valid_chars(fname, colon, "+.-") || fname[0] == '+' || fname[0] == '.' ||
	    fname[0] == '-' ||
	    (colon < stem && !valid_chars(fname + colon + 1, stem - colon - 1, "-")))
		return 0;
	fd = openat(dfd, fname, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return 0; /* removed meanwhile, or a link: not dpkg's own file */
		return wa_error_set(db->err, WA_EIO, NULL, "cannot open dpkg list %s: %s", fname,
				    strerror(errno));
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	r = lines_fd(fd);
	if (!r) {
		close(fd);
		return nomem(db);
	}
	while (rc == 0 && (got = next_line(r)) > 0) {
		if (r->bad || !find_want(db, r->line, r->len))
			continue;
		if (pkg == SIZE_MAX) {
			p.name = wa_arena_strndup(&db->a, fname, colon);
			p.arch_hint = colon < stem ? wa_arena_strndup(&db->a, fname + colon + 1,
								      stem - colon - 1)
						   : NULL;
			if (!p.name || (colon < stem && !p.arch_hint)) {
				rc = nomem(db);
				break;
			}
			pkg = add_pkg(db, &p);
			if (pkg == SIZE_MAX) {
				rc = -WA_ENOMEM;
				break;
			}
		}
		rc = match_line(db, r->line, r->len, pkg);
	}
	if (rc == 0 && got < 0)
		rc = wa_error_set(db->err, WA_EIO, NULL, "cannot read dpkg list %s: %s", fname,
				  strerror(errno));
	free(r);
	close(fd);
	return rc;
}

/* Status "want flag state": the state says whether the files are there.
 * triggers-pending and triggers-awaited packages are configured and
 * installed; half-installed, unpacked, config-files and not-installed
 * ones are not counted. */
static bool dpkg_installed(const char *status)
{
	const char *s = status;

	for (int word = 0; word < 2; word++) {
		s += strcspn(s, " \t");
		s += strspn(s, " \t");
	}
	return strcmp(s, "installed") == 0 || strcmp(s, "triggers-pending") == 0 ||
	       strcmp(s, "triggers-awaited") == 0;
}

struct para {
	char package[MAX_LINE + 1], status[MAX_LINE + 1], arch[MAX_LINE + 1], version[MAX_LINE + 1];
};

static int finish_para(struct db *db, struct para *f)
{
	if (f->package[0] && f->version[0] && dpkg_installed(f->status)) {
		for (size_t i = 0; i < db->npkgs; i++) {
			struct pkg *p = &db->pkgs[i];

			if (p->ok || strcmp(p->name, f->package) != 0 ||
			    (p->arch_hint && strcmp(p->arch_hint, f->arch) != 0))
				continue;
			p->version = wa_arena_strdup(&db->a, f->version);
			p->arch = f->arch[0] ? wa_arena_strdup(&db->a, f->arch) : NULL;
			if (!p->version || (f->arch[0] && !p->arch))
				return nomem(db);
			p->ok = true;
		}
	}
	f->package[0] = f->status[0] = f->arch[0] = f->version[0] = '\0';
	return 0;
}

/* A "Field: value" line of the paragraph (continuation lines are skipped:
 * none of the fields read here has any). */
static void para_field(struct para *f, char *line)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
		{"Package", offsetof(struct para, package)},
		{"Status", offsetof(struct para, status)},
		{"Architecture", offsetof(struct para, arch)},
		{"Version", offsetof(struct para, version)},
	};
	char *colon = strchr(line, ':'), *v;
	size_t vlen;

	if (line[0] == ' ' || line[0] == '\t' || !colon)
		return;
	*colon = '\0';
	v = colon + 1 + strspn(colon + 1, " \t");
	vlen = strlen(v);
	while (vlen && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t' || v[vlen - 1] == '\r'))
		v[--vlen] = '\0';
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcasecmp(line, fields[i].name) == 0) { /* deb822 names ignore case */
			memcpy((char *)f + fields[i].off, v, vlen + 1);
			return;
		}
	}
}

static int read_dpkg_status(struct db *db)
{
	struct para *f;
	struct lines *r;
	int fd, rc, got;

	rc = open_in_root(db, "/var/lib/dpkg/status", &fd);
	if (rc <= 0)
		return rc;
	r = lines_fd(fd);
	f = calloc(1, sizeof(*f));
	if (!r || !f) {
		free(r);
		free(f);
		close(fd);
		return nomem(db);
	}
	rc = 0;
	while (rc == 0 && (got = next_line(r)) > 0) {
		if (r->len == 0)
			rc = finish_para(db, f);
		else if (!r->bad)
			para_field(f, r->line);
	}
	if (rc == 0 && got < 0)
		rc = wa_error_set(db->err, WA_EIO, NULL, "cannot read the dpkg status file: %s",
				  strerror(errno));
	if (rc == 0)
		rc = finish_para(db, f);
	free(f);
	free(r);
	close(fd);
	return rc;
}

static int scan_dpkg(struct db *db)
{
	char full[2 * PATH_CAP];
	bool oom = false;
	char *info = resolve(db, "/var/lib/dpkg/info", &oom);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	if (oom)
		return nomem(db);
	if (!info || (size_t)snprintf(full, sizeof full, "%s%s", db->root, info) >= sizeof full)
		return read_dpkg_status(db);
	d = opendir(full);
	if (!d) {
		if (errno == ENOENT || errno == ENOTDIR)
			return read_dpkg_status(db);
		return wa_error_set(db->err, WA_EIO, NULL, "cannot list %s: %s", full,
				    strerror(errno));
	}
	for (;;) {
		errno = 0;
		e = readdir(d);
		if (!e)
			break;
		rc = scan_list(db, dirfd(d), e->d_name);
		if (rc)
			break;
	}
	if (rc == 0 && errno)
		rc = wa_error_set(db->err, WA_EIO, NULL, "cannot list %s: %s", full,
				  strerror(errno));
	closedir(d);
	return rc ? rc : read_dpkg_status(db);
}

/* ===== apk ================================================================ */

/* lib/apk/db/installed: one record per package, records separated by a blank
 * line, each line "K:value": P name, V version, A architecture, F a directory
 * (relative to the root), R a file in the last F. */
struct apk_record {
	char name[MAX_LINE + 1], version[MAX_LINE + 1], arch[MAX_LINE + 1], dir[MAX_LINE + 1];
	char path[2 * MAX_LINE + 3];
	size_t first; /* candidates of this record start here */
};

static int finish_apk(struct db *db, struct apk_record *a)
{
	if (db->ncands > a->first) {
		struct pkg p = {0};
		size_t pkg;

		for (char *c = a->name; *c; c++) /* a purl's apk names are lower case */
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');

		if (!a->name[0] || !a->version[0] ||
		    !valid_chars(a->name, strlen(a->name), "+._-")) {
			db->ncands = a->first; /* a record without a usable name owns nothing */
		} else {
			p.name = wa_arena_strdup(&db->a, a->name);
			p.version = wa_arena_strdup(&db->a, a->version);
			p.arch = a->arch[0] ? wa_arena_strdup(&db->a, a->arch) : NULL;
			p.ok = true;
			if (!p.name || !p.version || (a->arch[0] && !p.arch))
				return nomem(db);
			pkg = add_pkg(db, &p);
			if (pkg == SIZE_MAX)
				return -WA_ENOMEM;
			for (size_t i = a->first; i < db->ncands; i++)
				db->cands[i].pkg = pkg;
		}
	}
	a->name[0] = a->version[0] = a->arch[0] = a->dir[0] = '\0';
	a->first = db->ncands;
	return 0;
}

static int apk_line(struct db *db, struct apk_record *a, const char *line, size_t len)
{
	const char *v = line + 2;
	size_t vlen = len - 2;

	switch (line[0]) {
	case 'P': memcpy(a->name, v, vlen + 1); break;
	case 'V': memcpy(a->version, v, vlen + 1); break;
	case 'A': memcpy(a->arch, v, vlen + 1); break;
	case 'F':
		while (vlen && v[vlen - 1] == '/')
			vlen--;
		while (vlen && v[0] == '/') {
			v++;
			vlen--;
		}
		memcpy(a->dir, v, vlen);
		a->dir[vlen] = '\0';
		break;
	case 'R': {
		int n = snprintf(a->path, sizeof a->path, "%s%s/%s", a->dir[0] ? "/" : "", a->dir,
				 v);

		if (n > 0 && (size_t)n < sizeof a->path)
			/* the package is known at the end of the record */
			return match_line(db, a->path, (size_t)n, SIZE_MAX);
		break;
	}
	default: break;
	}
	return 0;
}

static int scan_apk(struct db *db)
{
	struct apk_record *a;
	struct lines *r;
	int fd = -1, rc = 0, got;

	rc = open_in_root(db, "/lib/apk/db/installed", &fd);
	if (rc == 0)
		rc = open_in_root(db, "/usr/lib/apk/db/installed", &fd);
	if (rc <= 0)
		return rc;
	r = lines_fd(fd);
	a = calloc(1, sizeof(*a));
	if (!r || !a) {
		free(r);
		free(a);
		close(fd);
		return nomem(db);
	}
	rc = 0;
	a->first = db->ncands;
	while (rc == 0 && (got = next_line(r)) > 0) {
		if (r->len == 0)
			rc = finish_apk(db, a);
		else if (!r->bad && r->len >= 2 && r->line[1] == ':')
			rc = apk_line(db, a, r->line, r->len);
	}
	if (rc == 0 && got < 0)
		rc = wa_error_set(db->err, WA_EIO, NULL, "cannot read the apk database: %s",
				  strerror(errno));
	if (rc == 0)
		rc = finish_apk(db, a);
	free(a);
	free(r);
	close(fd);
	return rc;
}

/* ===== rpm ================================================================ */

/*
 * The query format (rpm's queryformat documentation; the behaviour of
 * lib/query.c).  `rpm -qf` prints, for each argument, the format once per
 * package that owns it, or "file X is not owned by any package" (a notice,
 * on standard output), or "error: file X: ..." on standard error when X does
 * not exist; the output does not say which argument a block answers.  So
 * each owner prints a header line and then its whole file list ([...]
 * iterates the FILENAMES array, one full path per line), and the lists are
 * matched against the wanted spellings as dpkg's are.  %|EPOCH?{..}:{..}|
 * prints the epoch only when the package has one (a bare %{EPOCH} would say
 * "(none)", which the parser also takes for no epoch).  An argument owned
 * by several packages gives several blocks.
 */
#define RPM_HEADER "@@\t"
static const char rpm_format[] = RPM_HEADER "%{NAME}\\t%|EPOCH?{%{EPOCH}}:{}|\\t%{VERSION}\\t"
					    "%{RELEASE}\\t%{ARCH}\\n[%{FILENAMES}\\n]";

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kill_group(pid_t pid)
{
	int st;

	kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/*
 * Runs argv (argv[0] looked up on PATH) with standard input and error on
 * /dev/null, in a process group of its own so that a timeout kills whatever
 * it started too; its standard output goes to *out.  *ran is false when
 * there is no such program.
 */
static int run_capture(struct db *db, char *const *argv, unsigned timeout_ms, struct wa_buf *out,
		       bool *ran)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dflt;
	long long deadline = now_ms() + timeout_ms;
	int p[2], rc, st;
	pid_t pid;

	*ran = false;
	if (pipe(p) != 0)
		return wa_error_set(db->err, WA_EIO, NULL, "cannot run rpm: %s", strerror(errno));
	fcntl(p[0], F_SETFD, FD_CLOEXEC);
	fcntl(p[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE); /* the caller may ignore SIGPIPE; rpm should not */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dflt);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
					      POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[1]);
	if (rc == ENOENT) {
		close(p[0]);
		return 0;
	}
	if (rc != 0) {
		close(p[0]);
		return wa_error_set(db->err, WA_EIO, NULL, "cannot run rpm: %s", strerror(rc));
	}
	*ran = true;
	for (;;) {
		struct pollfd pfd = {p[0], POLLIN, 0};
		long long left = deadline - now_ms();
		char chunk[65536];
		ssize_t got;

		if (left <= 0) {
			close(p[0]);
			kill_group(pid);
			return wa_error_set(db->err, WA_EIO, NULL,
					    "rpm -qf did not finish within %u ms", timeout_ms);
		}
		rc = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
		if (rc < 0 && errno != EINTR) {
			rc = errno;
			close(p[0]);
			kill_group(pid);
			return wa_error_set(db->err, WA_EIO, NULL, "reading rpm's output: %s",
					    strerror(rc));
		}
		if (rc <= 0)
			continue;
		got = read(p[0], chunk, sizeof chunk);
		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0)
			break; /* end of output (or an error reading it: the same to us) */
		wa_buf_add(out, chunk, (size_t)got);
		if (out->oom || out->len > RPM_OUTPUT_MAX) {
			close(p[0]);
			kill_group(pid);
			if (out->oom)
				return nomem(db);
			return wa_error_set(db->err, WA_EIO, NULL,
					    "rpm -qf wrote more than %zu bytes", RPM_OUTPUT_MAX);
		}
	}
	close(p[0]);
	/* the output is complete; rpm has its own time left to exit */
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return 0; /* ECHILD: the caller reaps children itself */
		if (now_ms() >= deadline) {
			kill_group(pid);
			return wa_error_set(db->err, WA_EIO, NULL,
					    "rpm -qf did not finish within %u ms", timeout_ms);
		}
		nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
	}
	if (WIFSIGNALED(st))
		return wa_error_set(db->err, WA_EIO, NULL, "rpm -qf was killed by signal %d",
				    WTERMSIG(st));
	return 0; /* its exit status counts the arguments no package owns */
}

/* The package of an rpm header line "@@\tNAME\tEPOCH\tVERSION\tRELEASE\tARCH". */
static size_t rpm_header(struct db *db, char *line, bool *oom)
{
	char *f[5];
	char *s = line + strlen(RPM_HEADER);
	struct pkg p = {0};
	size_t pkg;

	for (int i = 0; i < 5; i++) {
		f[i] = s;
		s += strcspn(s, "\t");
		if (i < 4) {
			if (*s != '\t')
				return SIZE_MAX;
			*s++ = '\0';
		}
	}
	if (*s || !f[0][0] || !f[2][0] || strcmp(f[2], "(none)") == 0)
		return SIZE_MAX;
	p.name = wa_arena_strdup(&db->a, f[0]);
	p.version = f[3][0] && strcmp(f[3], "(none)") != 0
			    ? wa_arena_printf(&db->a, "%s-%s", f[2], f[3])
			    : wa_arena_strdup(&db->a, f[2]);
	p.epoch = f[1][0] && strcmp(f[1], "(none)") != 0 ? wa_arena_strdup(&db->a, f[1]) : NULL;
	p.arch = f[4][0] && strcmp(f[4], "(none)") != 0 ? wa_arena_strdup(&db->a, f[4]) : NULL;
	p.ok = true;
	if (!p.name || !p.version || (f[1][0] && strcmp(f[1], "(none)") != 0 && !p.epoch) ||
	    (f[4][0] && strcmp(f[4], "(none)") != 0 && !p.arch)) {
		*oom = true;
		return SIZE_MAX;
	}
	/* the same package again: rpm prints one block per argument it owns */
	for (size_t i = 0; i < db->npkgs; i++) {
		const struct pkg *q = &db->pkgs[i];

		if (strcmp(q->name, p.name) == 0 && strcmp(q->version, p.version) == 0 &&
		    cmp_opt(q->epoch, p.epoch) == 0 && cmp_opt(q->arch, p.arch) == 0)
			return i;
	}
	pkg = add_pkg(db, &p);
	if (pkg == SIZE_MAX)
		*oom = true;
	return pkg;
}

static int parse_rpm(struct db *db, const struct wa_buf *out)
{
	struct lines *r = lines_mem(out->data ? out->data : "", out->len);
	size_t pkg = SIZE_MAX;
	bool oom = false;
	int rc = 0;

	if (!r)
		return nomem(db);
	while (rc == 0 && next_line(r) > 0) {
		if (r->bad) {
			continue;
		} else if (strncmp(r->line, RPM_HEADER, strlen(RPM_HEADER)) == 0) {
			pkg = rpm_header(db, r->line, &oom);
			if (oom)
				rc = nomem(db);
		} else if (r->line[0] == '/' && pkg != SIZE_MAX) {
			rc = match_line(db, r->line, r->len, pkg);
		} else {
			pkg = SIZE_MAX; /* a notice or anything else ends a file list */
		}
	}
	free(r);
	return rc;
}

static int scan_rpm(struct db *db, unsigned timeout_ms)
{
	size_t nargs = 0, maxargs = db->nwants + 8;
	char **argv = calloc(maxargs, sizeof(*argv));
	struct wa_buf out = {0};
	bool ran;
	int rc;

	if (!argv)
		return nomem(db);
	argv[nargs++] = "rpm";
	if (db->root[0]) {
		argv[nargs++] = "--root";
		argv[nargs++] = (char *)db->root;
	}
	argv[nargs++] = "-qf";
	argv[nargs++] = "--queryformat";
	argv[nargs++] = (char *)rpm_format;
	/* every distinct spelling once (the wants are sorted); paths start with
	 * '/', so none can be taken for an option */
	for (size_t i = 0; i < db->nwants; i++)
		if (i == 0 || want_cmp_key(db->wants[i - 1].s, db->wants[i - 1].len, db->wants[i].s,
					   db->wants[i].len) != 0)
			argv[nargs++] = (char *)db->wants[i].s;
	argv[nargs] = NULL;
	rc = run_capture(db, argv, timeout_ms, &out, &ran);
	if (rc == 0 && ran)
		rc = parse_rpm(db, &out);
	wa_buf_release(&out);
	free(argv);
	return rc;
}

/* ===== owners ============================================================= */

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static void owner_free(struct wa_pkg_owner *o)
{
	if (!o)
		return;
	free(o->type);
	free(o->vendor);
	free(o->name);
	free(o->version);
	free(o->arch);
	free(o->epoch);
	free(o->distro);
	free(o->purl);
	free(o->listed_as);
	free(o);
}

static struct wa_pkg_owner *make_owner(const struct db *db, enum wa_pkgdb_kind kind,
				       const struct pkg *p, const char *spelling)
{
	static const char *const types[] = {NULL, "deb", "apk", "rpm"};
	struct wa_pkg_owner *o = calloc(1, sizeof(*o));
	const char *vendor = db->id;
	bool oom = o == NULL;

	if (!o)
		return NULL;
	if (!vendor && kind == WA_PKGDB_DPKG)
		vendor = "debian";
	if (!vendor && kind == WA_PKGDB_APK)
		vendor = "alpine";
	o->type = dup_or_null(types[kind], &oom);
	o->vendor = dup_or_null(vendor, &oom);
	o->name = dup_or_null(p->name, &oom);
	o->version = dup_or_null(p->version, &oom);
	o->arch = dup_or_null(p->arch, &oom);
	o->epoch = dup_or_null(p->epoch, &oom);
	o->listed_as = dup_or_null(spelling, &oom);
	if (db->id && db->version_id) {
		size_t n = strlen(db->id) + strlen(db->version_id) + 2;

		o->distro = malloc(n);
		if (o->distro)
			snprintf(o->distro, n, "%s-%s", db->id, db->version_id);
		else
			oom = true;
	}
	if (!oom && kind != WA_PKGDB_RPM) /* deb and apk names are lower case in a purl */
		for (char *c = o->name; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				*c = (char)(*c - 'A' + 'a');
	if (!oom) {
		struct wa_purl_qualifier q[] = {{"arch", o->arch},
						{"distro", o->distro},
						{"epoch", o->epoch}};

		o->purl = wa_purl_build(o->type, o->vendor, o->name, o->version, q, 3);
		oom = o->purl == NULL;
	}
	if (oom) {
		owner_free(o);
		return NULL;
	}
	return o;
}

static enum wa_pkgdb_kind detect(struct db *db)
{
	if (is_file_in_root(db, "/var/lib/dpkg/status", false))
		return WA_PKGDB_DPKG;
	if (is_file_in_root(db, "/lib/apk/db/installed", false) ||
	    is_file_in_root(db, "/usr/lib/apk/db/installed", false))
		return WA_PKGDB_APK;
	if (is_file_in_root(db, "/var/lib/rpm", true) ||
	    is_file_in_root(db, "/usr/lib/sysimage/rpm", true))
		return WA_PKGDB_RPM;
	return WA_PKGDB_NONE;
}

/* "" for the real root, else root without trailing slashes (in the arena). */
static const char *root_prefix(struct wa_arena *a, const char *root)
{
	size_t n = root ? strlen(root) : 0;

	while (n && root[n - 1] == '/')
		n--;
	return n ? wa_arena_strndup(a, root, n) : "";
}

enum wa_pkgdb_kind wa_pkgdb_detect(const char *root)
{
	struct db db = {0};
	enum wa_pkgdb_kind k = WA_PKGDB_NONE;

	db.root = root_prefix(&db.a, root);
	if (db.root)
		k = detect(&db);
	wa_arena_release(&db.a);
	return k;
}

const char *wa_pkgdb_kind_name(enum wa_pkgdb_kind kind)
{
	static const char *const names[] = {"none", "dpkg", "apk", "rpm"};

	return (unsigned)kind < 4 ? names[kind] : "none";
}

void wa_pkgdb_owners_free(struct wa_pkg_owner **owners, size_t n)
{
	if (!owners)
		return;
	for (size_t i = 0; i < n; i++)
		owner_free(owners[i]);
	free(owners);
}

int wa_pkgdb_owners(struct wa_pkg_owner ***out, const char *const *paths, size_t n,
		    const struct wa_pkgdb_options *opt, struct wa_error *err)
{
	struct wa_pkg_owner **owners = NULL;
	enum wa_pkgdb_kind kind = WA_PKGDB_NONE;
	struct db db = {0};
	unsigned timeout = opt && opt->rpm_timeout_ms ? opt->rpm_timeout_ms : RPM_TIMEOUT_MS;
	int rc = 0;

	*out = NULL;
	db.err = err;
	if (n == 0)
		return 0;
	owners = calloc(n, sizeof(*owners));
	db.root = root_prefix(&db.a, opt ? opt->root : NULL);
	if (!owners || !db.root) {
		rc = nomem(&db);
		goto out;
	}
	rc = build_wants(&db, paths, n);
	if (rc || db.nwants == 0)
		goto out;
	kind = detect(&db);
	switch (kind) {
	case WA_PKGDB_DPKG: rc = scan_dpkg(&db); break;
	case WA_PKGDB_APK: rc = scan_apk(&db); break;
	case WA_PKGDB_RPM: rc = scan_rpm(&db, timeout); break;
	case WA_PKGDB_NONE: break;
	}
	if (rc == 0 && db.ncands)
		rc = read_os_release(&db);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		const struct cand *best = NULL;

		for (size_t c = 0; c < db.ncands; c++) {
			const struct cand *x = &db.cands[c];

			if (x->path == i && x->pkg < db.npkgs && db.pkgs[x->pkg].ok &&
			    (!best || better(&db, x, best)))
				best = x;
		}
		if (!best)
			continue;
		owners[i] = make_owner(&db, kind, &db.pkgs[best->pkg], best->spelling);
		if (!owners[i])
			rc = nomem(&db);
	}
out:
	free(db.wants);
	free(db.cands);
	free(db.pkgs);
	wa_arena_release(&db.a);
	if (rc) {
		wa_pkgdb_owners_free(owners, n);
		return rc;
	}
	*out = owners;
	return 0;
}
