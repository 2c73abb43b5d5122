/* SPDX-License-Identifier: MIT */
/*
 * Wheel structure (PEP 427): member-name safety, .dist-info/WHEEL and
 * RECORD, and the single pass that reads every member.  RECORD paths are
 * only ever compared with member names, never used as file-system paths.
 */
#include "wheelaudit/wheel.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/hash.h"
#include "wheelaudit/text.h"

#include "wheelaudit/zip.h"
#include "wheelaudit/buf.h"

/* Unix file-type bits in a zip entry's external attributes (as in st_mode). */
enum {
	UNIX_TYPE_MASK = 0170000,
	UNIX_TYPE_FIFO = 0010000,
	UNIX_TYPE_CHAR = 0020000,
	UNIX_TYPE_BLOCK = 0060000,
	UNIX_TYPE_SYMLINK = 0120000,
	UNIX_TYPE_SOCKET = 0140000,
	HOST_UNIX = 3,
};

enum { RECORD_MAX_BYTES = 64 << 20, WHEEL_MAX_BYTES = 1 << 20 };

struct record_entry {
	const char *path;
	const char *algorithm; /* "sha256", or NULL when no digest */
	const char *digest;    /* urlsafe base64, no padding */
	long long size;        /* -1 when not given */
	long member;           /* index of the member, -1 when absent */
};

struct wa_wheel {
	struct wa_arena arena;
	char *path;
	struct wa_limits limits;
	struct wa_wheel_name name;
	struct wa_member *members;
	size_t n_members;
	struct record_entry **by_member; /* member index -> its RECORD entry or NULL */
	long *by_name;                   /* hash slots: member index, or -1 (see find_member) */
	size_t by_name_mask;
	struct wa_zip *zip; /* owned; read by the thread that calls wa_wheel_scan */
	const char *dist_info;
	const char *wheel_version;
	bool purelib;
	struct wa_ptrvec tags;
	struct wa_ptrvec notes;
	long wheel_member, record_member;
	const char *wheel_text, *record_text; /* as stored (NUL-terminated copies) */
	size_t wheel_text_len, record_text_len;
	struct wa_record_line *record_lines;
	size_t n_record_lines;
};

void wa_limits_default(struct wa_limits *l)
{
	l->max_member_bytes = 2ULL << 30;
	l->max_total_bytes = 16ULL << 30;
	l->max_members = 200000;
	l->max_ratio = 1100;
}

/* ===== member names ===== */

const char *wa_member_name_problem(const char *name)
{
	const char *p;
	size_t component = 0;

	if (!*name)
		return "empty member name";
	if (strlen(name) > WA_MEMBER_NAME_MAX)
		return "longer than 4096 bytes";
	if (!wa_utf8_valid(name, strlen(name)))
		return "not valid UTF-8 (RECORD lists names as UTF-8)";
	for (p = name; *p; p++) {
		component = *p == '/' ? 0 : component + 1;
		if (component > 255)
			return "a path component longer than 255 bytes";
	}
	if (name[0] == '/')
		return "absolute path";
	for (p = name; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f)
			return "control character in the name";
		if (c == '\\')
			return "backslash in the name";
	}
	if (name[1] == ':' && ((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z'))
		return "drive letter in the name";
	/* '..' as a whole path component escapes the extraction directory */
	for (p = name; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return "'..' path component";
	}
	return NULL;
}

static bool looks_like_library(const char *name)
{
	const char *base = strrchr(name, '/');
	const char *so;

	base = base ? base + 1 : name;
	so = strstr(base, ".so");
	while (so) {
		const char *t = so + 3;

		/* ".so" at the end, or followed by ".N[.N...]" */
		while (*t == '.' && t[1] >= '0' && t[1] <= '9') {
			t++;
			while (*t >= '0' && *t <= '9')
				t++;
		}
		if (*t == '\0')
			return true;
		so = strstr(so + 1, ".so");
	}
	return false;
}

/*
 * What a member's Unix file type makes it, when not a plain file or a
 * directory.  The type is read from the high 16 bits whatever host system
 * the entry claims: Info-ZIP's unzip honours Unix modes from Unix, VMS,
 * Atari, BeOS and other hosts (and PKZip for Unix writes them under the
 * MS-DOS host), so "host 3 only" lets a symlink through under another
 * host byte.
 */
static const char *special_type(uint32_t ext_attr)
{
	switch ((ext_attr >> 16) & UNIX_TYPE_MASK) {
	case UNIX_TYPE_SYMLINK: return "symbolic link";
	case UNIX_TYPE_CHAR: return "character device";
	case UNIX_TYPE_BLOCK: return "block device";
	case UNIX_TYPE_FIFO: return "FIFO";
	case UNIX_TYPE_SOCKET: return "socket";
	default: return NULL;
	}
}

/* ===== members by name =====
 *
 * RECORD names members line by line, so finding a member by name must not
 * cost a pass over all members: with 200000 members that made RECORD
 * matching take a minute.  Open addressing over the members' indices,
 * filled once at open (where a second entry of a name is a duplicate).
 */

static size_t hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot holding name, or the empty slot where it would go. */
static size_t name_slot(const struct wa_wheel *w, const char *name)
{
	size_t i = hash_name(name) & w->by_name_mask;

	while (w->by_name[i] >= 0 && strcmp(w->members[w->by_name[i]].name, name) != 0)
		i = (i + 1) & w->by_name_mask;
	return i;
}

static long find_member(const struct wa_wheel *w, const char *name)
{
	return w->by_name[name_slot(w, name)];
}

static int index_names(struct wa_wheel *w, struct wa_error *err)
{
	size_t cap = 16;

	while (cap < 2 * w->n_members)
		cap *= 2;
	w->by_name = wa_arena_alloc(&w->arena, cap * sizeof(*w->by_name));
	if (!w->by_name)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < cap; i++)
		w->by_name[i] = -1;
	w->by_name_mask = cap - 1;
	for (size_t i = 0; i < w->n_members; i++) {
		size_t at = name_slot(w, w->members[i].name);

		if (w->by_name[at] >= 0)
			return wa_error_set(err, WA_EUNSAFE, w->members[i].name,
					    "duplicate member name");
		w->by_name[at] = (long)i;
	}
	return 0;
}

static int load_members(struct wa_wheel *w, struct wa_zip *z, struct wa_error *err)
{
	size_t n = wa_zip_count(z);

	if (n > w->limits.max_members)
		return wa_error_set(err, WA_ELIMIT, NULL,
				    "archive has %zu members, more than the limit of %zu", n,
				    w->limits.max_members);
	w->members = wa_arena_alloc(&w->arena, (n ? n : 1) * sizeof(*w->members));
	w->by_member = wa_arena_alloc(&w->arena, (n ? n : 1) * sizeof(*w->by_member));
	if (!w->members || !w->by_member)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	w->n_members = n;
	for (size_t i = 0; i < n; i++) {
		struct wa_zip_entry e;
		struct wa_member *m = &w->members[i];
		const char *why;
		int rc = wa_zip_entry(z, i, &e, err);

		if (rc)
			return rc;
		m->name = wa_arena_strdup(&w->arena, e.name);
		if (!m->name)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		why = strlen(m->name) != e.name_len ? "control character in the name"
						    : wa_member_name_problem(m->name);
		if (why)
			return wa_error_set(err, WA_EUNSAFE, m->name, "unsafe member name: %s",
					    why);
		why = special_type(e.ext_attr);
		if (why)
			return wa_error_set(err, WA_EUNSAFE, m->name,
					    "member is a %s (wheels hold regular files only)", why);
		if (e.encrypted)
			return wa_error_set(err, WA_EUNSAFE, m->name, "member is encrypted");
		m->mode = e.opsys == HOST_UNIX ? (e.ext_attr >> 16) & 0xffff : 0;
		m->size = e.size;
		m->comp_size = e.comp_size;
		m->is_dir = m->name[strlen(m->name) - 1] == '/';
		if (!m->is_dir && !e.method_supported)
			return wa_error_set(err, WA_ECORRUPT, m->name,
					    "unsupported compression method %u", e.method);
		if (e.size > w->limits.max_member_bytes)
			return wa_error_set(
				err, WA_ELIMIT, m->name,
				"member declares %llu bytes, more than the limit of %llu "
				"(raise it with --max-member-size)",
				(unsigned long long)e.size,
				(unsigned long long)w->limits.max_member_bytes);
		m->looks_like_library = looks_like_library(m->name);
	}
	return index_names(w, err);
}

/* ===== small whole-member reads (WHEEL, RECORD) ===== */

static int membuf_sink(void *ctx, const void *data, size_t len)
{
	struct wa_buf *b = ctx;

	wa_buf_add(b, data, len);
	return b->oom ? -WA_ENOMEM : 0;
}

static int read_small(struct wa_zip *z, size_t index, const char *name, uint64_t max,
		      struct wa_buf *out, struct wa_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	rc = wa_zip_read(z, index, max, membuf_sink, out, err);
	if (rc == -WA_ENOMEM)
		rc = wa_error_set(err, WA_ENOMEM, name, "out of memory");
	if (!rc && !out->data && membuf_sink(out, "", 0))
		rc = wa_error_set(err, WA_ENOMEM, name, "out of memory");
	if (rc)
		wa_buf_release(out);
	return rc;
}

/* ===== .dist-info and WHEEL ===== */

/* Length of the UTF-8 sequence at p (n bytes left), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

/*
 * WHEEL and RECORD are parsed as C strings and rewritten line by line, so
 * a NUL byte would silently end them early (dropping every later line,
 * Root-Is-Purelib and Build included); both must be UTF-8 text (PEP 427,
 * PEP 376), but only WHEEL is checked for it: RECORD lines are compared
 * with member names, which are bytes.  Refused, naming the line.
 */
static int check_text(const struct wa_buf *b, bool utf8, const char *member, const char *what,
		      struct wa_error *err)
{
	const unsigned char *p = (const unsigned char *)b->data;
	size_t line = 1;

	for (size_t i = 0; i < b->len;) {
		size_t len = utf8 ? utf8_len(p + i, b->len - i) : 1;

		if (p[i] == '\0')
			return wa_error_set(err, WA_ENOTWHEEL, member, "NUL byte in line %zu of %s",
					    line, what);
		if (!len)
			return wa_error_set(err, WA_ENOTWHEEL, member,
					    "invalid UTF-8 in line %zu of %s", line, what);
		line += p[i] == '\n';
		i += len;
	}
	return 0;
}

/* PEP 503 normalisation, enough to compare directory and file names. */
static void normalize(char *s)
{
	for (; *s; s++) {
		if (*s == '-' || *s == '.')
			*s = '_';
		else if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s + 32);
	}
}

static int find_dist_info(struct wa_wheel *w, struct wa_error *err)
{
	const char *found = NULL;
	size_t count = 0;
	char *want = wa_arena_printf(&w->arena, "%s-%s.dist-info", w->name.distribution,
				     w->name.version);

	if (!want)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	normalize(want);
	for (size_t i = 0; i < w->n_members; i++) {
		const char *name = w->members[i].name;
		const char *slash = strchr(name, '/');
		char *dir;

		if (!slash || strcmp(slash, "/WHEEL") != 0 || slash - name < 11 ||
		    strncmp(slash - 10, ".dist-info", 10) != 0)
			continue;
		dir = wa_arena_strndup(&w->arena, name, (size_t)(slash - name));
		if (!dir)
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		count++;
		if (!found) {
			found = dir;
		} else {
			char *a = wa_arena_strdup(&w->arena, dir);

			if (!a)
				return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
			normalize(a);
			if (strcmp(a, want) == 0)
				found = dir;
		}
	}
	if (!found) {
		char expected[512];

		snprintf(expected, sizeof(expected), "%s-%s.dist-info/WHEEL", w->name.distribution,
			 w->name.version);
		return wa_error_set(err, WA_ENOTWHEEL, expected,
				    "the wheel has no .dist-info/WHEEL metadata file");
	}
	w->dist_info = found;
	if (count > 1) {
		char *note = wa_arena_printf(&w->arena, "%zu .dist-info directories; using '%s'",
					     count, found);
		if (!note || wa_ptrvec_push(&w->arena, &w->notes, note))
			return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	return 0;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int parse_wheel_file(struct wa_wheel *w, char *text, const char *member,
			    struct wa_error *err)
{
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');
		char *key, *value;

		if (!colon)
			continue;
		*colon = '\0';
		key = trim(line);
		value = trim(colon + 1);
		if (strcmp(key, "Wheel-Version") == 0) {
			w->wheel_version = wa_arena_strdup(&w->arena, value);
		} else if (strcmp(key, "Root-Is-Purelib") == 0) {
			w->purelib = strcmp(value, "true") == 0;
		} else if (strcmp(key, "Tag") == 0) {
			char *tag = wa_arena_strdup(&w->arena, value);

			if (!tag || wa_ptrvec_push(&w->arena, &w->tags, tag))
				return wa_error_set(err, WA_ENOMEM, member, "out of memory");
		}
	}
	if (!w->wheel_version)
		return wa_error_set(err, WA_ENOTWHEEL, member, "WHEEL has no Wheel-Version line");
	if (strncmp(w->wheel_version, "1.", 2) != 0)
		return wa_error_set(err, WA_ENOTWHEEL, member,
				    "unsupported Wheel-Version '%s' (this tool reads 1.x)",
				    w->wheel_version);
	return 0;
}

/* ===== RECORD ===== */

/* Reads one CSV field (RFC 4180 quoting) from *p; returns NULL at end of line. */
static char *csv_field(char **p, bool *more)
{
	char *s = *p, *out = *p, *start = *p;

	*more = false;
	if (*s == '"') {
		s++;
		for (;;) {
			if (*s == '\0')
				break;
			if (*s == '"') {
				if (s[1] == '"') {
					*out++ = '"';
					s += 2;
					continue;
				}
				s++;
				break;
			}
			*out++ = *s++;
		}
	} else {
		while (*s && *s != ',')
			*out++ = *s++;
	}
	if (*s == ',') {
		*more = true;
		s++;
	}
	*out = '\0';
	*p = s;
	return start;
}

/* Counts the lines of text (a last line without '\n' counts too). */
static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (const char *p = text; *p; n++) {
		const char *nl = strchr(p, '\n');

		p = nl ? nl + 1 : p + strlen(p);
	}
	return n;
}

/* Parses the writable copy text of RECORD; line spans refer to the
 * same offsets in w->record_text, which stays as stored. */
static int parse_record(struct wa_wheel *w, char *text, const char *member, struct wa_error *err)
{
	char *line = text;
	size_t lineno = 0;

	w->record_lines =
		wa_arena_alloc(&w->arena, (count_lines(text) + 1) * sizeof(*w->record_lines));
	if (!w->record_lines)
		return wa_error_set(err, WA_ENOMEM, member, "out of memory");
	while (line && *line) {
		char *next = strchr(line, '\n');
		char *fields[3] = {NULL, NULL, NULL};
		struct wa_record_line *span = &w->record_lines[w->n_record_lines++];
		struct record_entry *e;
		bool more = true;
		size_t nf = 0;
		char *p;

		span->text = w->record_text + (line - text);
		span->len = next ? (size_t)(next - line) + 1 : strlen(line);
		span->member = -1;
		if (next)
			*next++ = '\0';
		lineno++;
		p = trim(line);
		if (!*p) {
			line = next;
			continue;
		}
		while (more && nf < 3)
			fields[nf++] = csv_field(&p, &more);
		e = wa_arena_alloc(&w->arena, sizeof(*e));
		if (!e)
			return wa_error_set(err, WA_ENOMEM, member, "out of memory");
		e->path = fields[0];
		e->size = -1;
		e->member = find_member(w, e->path);
		if (e->member < 0)
			return wa_error_set(
				err, WA_ERECORD, e->path,
				"RECORD line %zu lists '%s', which is not in the archive", lineno,
				e->path);
		if (w->by_member[e->member])
			return wa_error_set(err, WA_ERECORD, e->path, "RECORD lists '%s' twice",
					    e->path);
		if (fields[1] && *fields[1]) {
			char *eq = strchr(fields[1], '=');

			if (!eq)
				return wa_error_set(err, WA_ERECORD, e->path,
						    "RECORD line %zu: hash '%s' is not ALGO=DIGEST",
						    lineno, fields[1]);
			*eq = '\0';
			e->algorithm = fields[1];
			e->digest = eq + 1;
			if (strcmp(e->algorithm, "sha256") != 0) {
				char *note =
					wa_arena_printf(&w->arena,
							"RECORD gives a %s digest for %s; only "
							"sha256 is verified",
							e->algorithm, e->path);

				if (!note || wa_ptrvec_push(&w->arena, &w->notes, note))
					return wa_error_set(err, WA_ENOMEM, member,
							    "out of memory");
			}
		}
		if (fields[2] && *fields[2]) {
			char *end;

			e->size = strtoll(fields[2], &end, 10);
			if (*end || e->size < 0)
				return wa_error_set(err, WA_ERECORD, e->path,
						    "RECORD line %zu: size '%s' is not a number",
						    lineno, fields[2]);
		}
		w->by_member[e->member] = e;
		w->members[e->member].in_record = true;
		span->member = e->member;
		line = next;
	}
	return 0;
}

static int load_metadata(struct wa_wheel *w, struct wa_zip *z, struct wa_error *err)
{
	struct wa_buf wheel = {0}, record = {0};
	char *wheel_name = NULL, *record_name = NULL;
	long wi, ri;
	int rc;

	rc = find_dist_info(w, err);
	if (rc)
		return rc;
	wheel_name = wa_arena_printf(&w->arena, "%s/WHEEL", w->dist_info);
	record_name = wa_arena_printf(&w->arena, "%s/RECORD", w->dist_info);
	if (!wheel_name || !record_name)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	wi = find_member(w, wheel_name);
	ri = find_member(w, record_name);
	if (wi < 0)
		return wa_error_set(err, WA_ENOTWHEEL, wheel_name, "the wheel has no WHEEL file");
	if (ri < 0)
		return wa_error_set(err, WA_ENOTWHEEL, record_name, "the wheel has no RECORD");
	w->wheel_member = wi;
	w->record_member = ri;
	rc = read_small(z, (size_t)wi, wheel_name, WHEEL_MAX_BYTES, &wheel, err);
	if (!rc)
		rc = check_text(&wheel, true, wheel_name, "WHEEL", err);
	if (!rc) {
		/* Kept as stored, for a writer that rewrites WHEEL line by line. */
		w->wheel_text = wa_arena_strndup(&w->arena, wheel.data, wheel.len);
		w->wheel_text_len = wheel.len;
		rc = w->wheel_text ? parse_wheel_file(w, wheel.data, wheel_name, err)
				   : wa_error_set(err, WA_ENOMEM, wheel_name, "out of memory");
	}
	if (!rc)
		rc = read_small(z, (size_t)ri, record_name, RECORD_MAX_BYTES, &record, err);
	if (!rc)
		rc = check_text(&record, false, record_name, "RECORD", err);
	if (!rc) {
		/* Strings of RECORD entries point into this copy; record_text
		 * keeps the original bytes. */
		char *copy = wa_arena_strndup(&w->arena, record.data, record.len);

		w->record_text = wa_arena_strndup(&w->arena, record.data, record.len);
		w->record_text_len = record.len;
		rc = copy && w->record_text
			     ? parse_record(w, copy, record_name, err)
			     : wa_error_set(err, WA_ENOMEM, record_name, "out of memory");
	}
	free(wheel.data);
	free(record.data);
	return rc;
}

/* "Foo.Bar-1.0" -> "foo_bar_1_0": lower case, runs of '-', '_' and '.' as one '_'
 * (the binary distribution format's normalisation, enough to compare names). */
static void normalise_name(char *s)
{
	char *out = s;

	for (const char *p = s; *p; p++) {
		if (*p == '-' || *p == '_' || *p == '.') {
			if (out == s || out[-1] != '_')
				*out++ = '_';
		} else {
			*out++ = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		}
	}
	*out = '\0';
}

/*
 * The .dist-info directory must name the distribution and version of the
 * file name: pip refuses a wheel whose directory names another project,
 * and a version-only mismatch would install the wrong version silently.
 */
static int check_dist_info_name(struct wa_wheel *w, struct wa_error *err)
{
	size_t stem = strlen(w->dist_info) - strlen(".dist-info");
	char *have = wa_arena_strndup(&w->arena, w->dist_info, stem);
	char *want = wa_arena_printf(&w->arena, "%s-%s", w->name.distribution, w->name.version);
	char member[512];

	if (!have || !want)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	normalise_name(have);
	normalise_name(want);
	if (strcmp(have, want) == 0)
		return 0;
	snprintf(member, sizeof(member), "%s/", w->dist_info);
	return wa_error_set(err, WA_ENOTWHEEL, member,
			    "the .dist-info directory '%s' does not match the file name's "
			    "'%s-%s' (installers refuse it or install another version)",
			    w->dist_info, w->name.distribution, w->name.version);
}

/*
 * Every file of a wheel is listed in RECORD (RECORD itself and its
 * signatures aside): an installer does not track, and cannot verify or
 * uninstall, a file that is not.
 */
static int check_record_lists_all(struct wa_wheel *w, struct wa_error *err)
{
	for (size_t i = 0; i < w->n_members; i++) {
		const struct wa_member *m = &w->members[i];

		if (m->is_dir || m->in_record || (long)i == w->record_member ||
		    wa_wheel_is_signature(w, m->name))
			continue;
		return wa_error_set(
			err, WA_ERECORD, m->name,
			"not listed in RECORD (every file of a wheel must be: installers "
			"would neither track nor verify it)");
	}
	return 0;
}

int wa_wheel_open(struct wa_wheel **out, const char *path, const struct wa_limits *limits,
		  struct wa_error *err)
{
	struct wa_wheel *w = NULL;
	struct wa_zip *z = NULL;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof(*w));
	if (!w)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	wa_arena_init(&w->arena);
	if (limits)
		w->limits = *limits;
	else
		wa_limits_default(&w->limits);
	w->path = wa_arena_strdup(&w->arena, path);
	if (!w->path) {
		rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		goto out;
	}
	/* the file first: a path that does not exist (an unexpanded dist glob)
	 * is an I/O error, whatever its name looks like */
	rc = wa_zip_open(&z, path, w->limits.max_members, err);
	if (rc)
		goto out;
	rc = wa_wheel_name_parse(&w->name, &w->arena, path, err);
	if (rc)
		goto out;
	rc = load_members(w, z, err);
	if (rc)
		goto out;
	rc = load_metadata(w, z, err);
	if (rc)
		goto out;
	rc = check_dist_info_name(w, err);
	if (rc)
		goto out;
	rc = check_record_lists_all(w, err);
out:
	/* Kept: the scan reads through it, so the central directory is not parsed again. */
	w->zip = z;
	if (rc) {
		wa_wheel_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

void wa_wheel_free(struct wa_wheel *w)
{
	if (!w)
		return;
	wa_zip_free(w->zip);
	wa_arena_release(&w->arena);
	free(w);
}

const char *wa_wheel_path(const struct wa_wheel *w)
{
	return w->path;
}
const struct wa_wheel_name *wa_wheel_filename(const struct wa_wheel *w)
{
	return &w->name;
}
const char *wa_wheel_dist_info(const struct wa_wheel *w)
{
	return w->dist_info;
}
const char *wa_wheel_version(const struct wa_wheel *w)
{
	return w->wheel_version;
}
struct wa_zip *wa_wheel_zip(struct wa_wheel *w)
{
	return w->zip;
}
size_t wa_wheel_wheel_member(const struct wa_wheel *w)
{
	return (size_t)w->wheel_member;
}
size_t wa_wheel_record_member(const struct wa_wheel *w)
{
	return (size_t)w->record_member;
}

const char *wa_wheel_wheel_text(const struct wa_wheel *w, size_t *len)
{
	*len = w->wheel_text_len;
	return w->wheel_text;
}

size_t wa_wheel_record_line_count(const struct wa_wheel *w)
{
	return w->n_record_lines;
}

const struct wa_record_line *wa_wheel_record_line(const struct wa_wheel *w, size_t i)
{
	return &w->record_lines[i];
}

const char *wa_wheel_record_digest(const struct wa_wheel *w, size_t member)
{
	const struct record_entry *e = w->by_member[member];

	return e && e->algorithm ? e->algorithm : NULL;
}
bool wa_wheel_root_is_purelib(const struct wa_wheel *w)
{
	return w->purelib;
}
size_t wa_wheel_tag_count(const struct wa_wheel *w)
{
	return w->tags.len;
}
const char *wa_wheel_tag(const struct wa_wheel *w, size_t i)
{
	return w->tags.items[i];
}
size_t wa_wheel_member_count(const struct wa_wheel *w)
{
	return w->n_members;
}
const struct wa_member *wa_wheel_member(const struct wa_wheel *w, size_t i)
{
	return &w->members[i];
}
size_t wa_wheel_note_count(const struct wa_wheel *w)
{
	return w->notes.len;
}
const char *wa_wheel_note(const struct wa_wheel *w, size_t i)
{
	return w->notes.items[i];
}

/* ===== the scan ===== */

struct scan_shared {
	struct wa_wheel *w;
	wa_wheel_elf_fn fn;
	void *ctx;
	atomic_size_t next;          /* next member to take */
	atomic_uint_least64_t total; /* decompressed bytes so far */
	/* Held while a big ELF member is in memory, so two threads never hold
	 * two big members at once: peak memory stays near the largest member. */
	pthread_mutex_t big_lock;
	pthread_mutex_t lock; /* guards the fields below */
	long err_member;      /* lowest failing member, -1 when none */
	struct wa_error first_err;
};

/* Per-member reading state: the digest always, the bytes only for ELF. */
struct member_reader {
	struct scan_shared *shared;
	struct wa_sha256 sha;
	unsigned char head[4];
	size_t head_len;
	bool elf;
	unsigned char *bytes;
	size_t len, cap;
	uint64_t declared;
	uint64_t compressed; /* bytes this member is inflated from */
	bool ratio_exceeded;
	uint64_t count; /* bytes seen */
	bool holds_big; /* holds shared->big_lock */
};

/* Members at least this big are buffered one at a time (see big_lock);
 * the compression ratio is only judged beyond RATIO_FLOOR bytes. */
enum { BIG_MEMBER = 16 << 20, RATIO_FLOOR = 1 << 20 };

static int reader_sink(void *ctx, const void *data, size_t len)
{
	struct member_reader *r = ctx;
	const unsigned char *d = data;
	uint64_t total;

	total = atomic_fetch_add(&r->shared->total, len) + len;
	if (total > r->shared->w->limits.max_total_bytes)
		return -WA_ELIMIT;
	wa_sha256_update(&r->sha, data, len);
	r->count += len;
	/* A zip bomb: stop as soon as the output outgrows the ratio (past a
	 * floor, since tiny members of zeros legitimately compress well). */
	if (r->shared->w->limits.max_ratio && r->count > RATIO_FLOOR &&
	    r->count / r->shared->w->limits.max_ratio > r->compressed) {
		r->ratio_exceeded = true;
		return -WA_ELIMIT;
	}
	for (size_t i = 0; r->head_len < 4 && i < len; i++) {
		r->head[r->head_len++] = d[i];
		if (r->head_len == 4)
			r->elf = wa_elf_is_elf(r->head, 4);
	}
	if (r->elf && !r->holds_big && r->declared >= BIG_MEMBER) {
		pthread_mutex_lock(&r->shared->big_lock);
		r->holds_big = true;
	}
	if (!r->elf && r->head_len == 4)
		return 0;
	/* An ELF candidate (or fewer than 4 bytes so far): keep the bytes. */
	if (r->len + len > r->cap) {
		/* Start from the declared size (usually right), but never trust a
		 * huge one before the bytes arrive. */
		size_t cap =
			r->cap ? r->cap
			       : (size_t)(r->declared && r->declared <= (64u << 20) ? r->declared
										    : 65536);
		unsigned char *p;

		while (cap < r->len + len)
			cap *= 2;
		p = realloc(r->bytes, cap);
		if (!p)
			return -WA_ENOMEM;
		r->bytes = p;
		r->cap = cap;
	}
	memcpy(r->bytes + r->len, d, len);
	r->len += len;
	return 0;
}

static int verify_record(const struct wa_wheel *w, size_t i, const uint8_t digest[32],
			 uint64_t size, struct wa_error *err)
{
	const struct record_entry *e = w->by_member[i];
	const char *name = w->members[i].name;
	char encoded[64];

	/* RECORD cannot hold its own digest: a line that tries is ignored,
	 * as installers do. */
	if (!e || (long)i == w->record_member)
		return 0;
	if (e->size >= 0 && (uint64_t)e->size != size)
		return wa_error_set(err, WA_ERECORD, name,
				    "size mismatch: RECORD says %lld bytes, the member has %llu",
				    e->size, (unsigned long long)size);
	if (!e->algorithm)
		return 0;
	if (strcmp(e->algorithm, "sha256") != 0)
		return 0; /* noted at open; only sha256 is verified */
	wa_b64url_nopad(digest, 32, encoded, sizeof(encoded));
	if (strcmp(encoded, e->digest) != 0)
		return wa_error_set(err, WA_ERECORD, name,
				    "sha256 mismatch: RECORD says %s, the member hashes to %s",
				    e->digest, encoded);
	return 0;
}

static int scan_member(struct scan_shared *s, struct wa_zip *z, size_t i, struct wa_error *err)
{
	struct wa_wheel *w = s->w;
	struct wa_member *m = &w->members[i];
	struct member_reader r = {.shared = s, .declared = m->size, .compressed = m->comp_size};
	uint8_t digest[32];
	int rc;

	if (m->is_dir)
		return 0;
	if (wa_sha256_init(&r.sha))
		return wa_error_set(err, WA_ENOMEM, m->name, "out of memory");
	rc = wa_zip_read(z, i, w->limits.max_member_bytes, reader_sink, &r, err);
	if (rc == -WA_ENOMEM)
		rc = wa_error_set(err, WA_ENOMEM, m->name, "out of memory");
	else if (rc == -WA_ELIMIT && r.ratio_exceeded)
		rc = wa_error_set(
			err, WA_ELIMIT, m->name,
			"member expands more than %llu times its %llu compressed bytes (a "
			"zip bomb?); raise the limit with --max-ratio",
			(unsigned long long)w->limits.max_ratio, (unsigned long long)m->comp_size);
	else if (rc == -WA_ELIMIT && !err->message[0])
		rc = wa_error_set(err, WA_ELIMIT, m->name,
				  "the wheel decompresses to more than %llu bytes (raise the limit "
				  "with --max-wheel-size)",
				  (unsigned long long)w->limits.max_total_bytes);
	if (rc)
		goto out;
	wa_sha256_final(&r.sha, digest);
	m->size = r.count;
	rc = verify_record(w, i, digest, r.count, err);
	if (rc)
		goto out;
	m->is_elf = r.elf;
	m->record_hashed = w->by_member[i] && w->by_member[i]->algorithm &&
			   strcmp(w->by_member[i]->algorithm, "sha256") == 0;
	if (r.elf)
		rc = s->fn(s->ctx, i, m->name, r.bytes, r.len, err);
out:
	wa_sha256_release(&r.sha);
	free(r.bytes);
	if (r.holds_big)
		pthread_mutex_unlock(&s->big_lock);
	return rc;
}

static void record_failure(struct scan_shared *s, size_t i, const struct wa_error *err)
{
	pthread_mutex_lock(&s->lock);
	if (s->err_member < 0 || (long)i < s->err_member) {
		s->err_member = (long)i;
		s->first_err = *err;
	}
	pthread_mutex_unlock(&s->lock);
}

/* Members are handed out one at a time, so a big member does not hold up
 * the others; each thread has its own archive handle (libzip handles are
 * not shared between threads). */
static void scan_members(struct scan_shared *s, struct wa_zip *z)
{
	struct wa_error err;

	for (;;) {
		size_t i = atomic_fetch_add(&s->next, 1);
		int rc;

		if (i >= s->w->n_members)
			break;
		wa_error_clear(&err);
		rc = scan_member(s, z, i, &err);
		if (rc) {
			if (!err.code)
				wa_error_set(&err, -rc, s->w->members[i].name, "%s",
					     wa_error_default_text(-rc));
			record_failure(s, i, &err);
		}
	}
}

/* An extra thread has its own handle (buffers, inflate state, libzip when
 * needed: libzip handles are not shared) on the wheel's file and directory. */
static void *scan_worker(void *arg)
{
	struct scan_shared *s = arg;
	struct wa_zip *z = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	if (wa_zip_reopen(&z, s->w->zip, &err)) {
		record_failure(s, 0, &err);
		return NULL;
	}
	scan_members(s, z);
	wa_zip_free(z);
	return NULL;
}

int wa_wheel_scan(struct wa_wheel *w, unsigned threads, wa_wheel_elf_fn fn, void *ctx,
		  struct wa_error *err)
{
	struct scan_shared s = {.w = w, .fn = fn, .ctx = ctx, .err_member = -1};
	pthread_t tids[16];
	unsigned started = 0;

	if (threads < 1)
		threads = 1;
	if (threads > 16)
		threads = 16;
	if (threads > w->n_members)
		threads = w->n_members ? (unsigned)w->n_members : 1;
	atomic_init(&s.next, 0);
	atomic_init(&s.total, 0);
	wa_error_clear(&s.first_err);
	pthread_mutex_init(&s.lock, NULL);
	pthread_mutex_init(&s.big_lock, NULL);
	/* The calling thread works too; extra threads only when there is
	 * more than one member. */
	for (unsigned t = 1; t < threads; t++)
		if (pthread_create(&tids[started], NULL, scan_worker, &s) == 0)
			started++;
	scan_members(&s, w->zip);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tids[t], NULL);
	pthread_mutex_destroy(&s.lock);
	pthread_mutex_destroy(&s.big_lock);
	if (s.err_member >= 0) {
		if (err)
			*err = s.first_err;
		return -(s.first_err.code ? s.first_err.code : WA_EINTERNAL);
	}
	return 0;
}

/* ===== wheel layout ===== */

/* The length of "<name>-<version>" of the .dist-info directory. */
static size_t stem_length(const struct wa_wheel *w)
{
	return strlen(w->dist_info) - strlen(".dist-info");
}

bool wa_wheel_in_dist_info(const struct wa_wheel *w, const char *name)
{
	size_t n = strlen(w->dist_info);

	return strncmp(name, w->dist_info, n) == 0 && name[n] == '/';
}

bool wa_wheel_is_signature(const struct wa_wheel *w, const char *name)
{
	size_t n = strlen(w->dist_info);

	return wa_wheel_in_dist_info(w, name) &&
	       (strcmp(name + n + 1, "RECORD.jws") == 0 || strcmp(name + n + 1, "RECORD.p7s") == 0);
}

const char *wa_wheel_data_part(const struct wa_wheel *w, const char *name, const char *key)
{
	size_t n = stem_length(w), k = strlen(key);

	if (strncmp(name, w->dist_info, n) != 0 || strncmp(name + n, ".data/", 6) != 0 ||
	    strncmp(name + n + 6, key, k) != 0 || name[n + 6 + k] != '/')
		return NULL;
	return name + n + 6 + k + 1;
}

const char *wa_wheel_installed_path(const struct wa_wheel *w, const char *name, const char **scheme)
{
	static const char *const schemes[] = {"platlib", "purelib"};

	for (size_t i = 0; i < 2; i++) {
		const char *rest = wa_wheel_data_part(w, name, schemes[i]);

		if (rest) {
			if (scheme)
				*scheme = schemes[i];
			return rest;
		}
	}
	if (scheme)
		*scheme = NULL;
	return name;
}
