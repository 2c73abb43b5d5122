/* SPDX-License-Identifier: MIT */
/*
 * Policy tables: reading the JSON files of policies/ (our own format, described in
 * docs/policies.md) into an arena-backed wa_policy_set, validating it, and
 * answering read-only questions about one policy.  cJSON stays inside this
 * file; nothing here prints or reads the wheel.  After wa_policy_set_finish
 * nothing is modified any more, so lookups may run from several threads.
 */
#include "wheelaudit/policy.h"

#include "wheelaudit/arch.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wheelaudit/arena.h"

/* A policy file bigger than this is not a policy file. */
enum { MAX_TABLE_BYTES = 16 * 1024 * 1024 };
/* Room for a JSON path such as "$.policies[12].max.loongarch64.GLIBCXX". */
enum { PATH_MAX_LEN = 256 };

/* ------------------------------------------------------------------ */
/* Data                                                                 */
/* ------------------------------------------------------------------ */

struct strlist {
	const char **items; /* arena */
	size_t n;
};

/* Every numeric node of one family that exists on an architecture. */
struct fam_nodes {
	const char *family;      /* "GLIBC" */
	struct strlist versions; /* ascending: "2.2.5", "2.2.6", ... */
};

/* A node that exists on the architecture only in some libraries. */
struct only_from {
	const char *node; /* "GLIBC_2.0" */
	struct strlist libraries;
};

/* The node sets of one libc family on one architecture. */
struct arch_table {
	enum wa_family family;
	const char *arch;
	const char *file;
	struct fam_nodes *fams;
	size_t nfams;
	struct only_from *only;
	size_t nonly;
};

struct fam_max {
	const char *family;
	const char *max; /* NULL: the family is present but empty */
};

struct policy_arch {
	const char *arch;
	struct fam_max *max;
	size_t nmax;
	struct strlist non_numeric;     /* full node names, cumulative */
	const struct arch_table *table; /* borrowed, set by finish; may be NULL */
	const char *unverified;         /* reason, set by finish, or NULL */
};

struct bl_entry {
	const char *library;
	struct strlist symbols;
};

struct exception {
	const char *policy; /* name or "*" */
	const char *arch;   /* name or "*" */
	const char *key;    /* "arches", "max.GLIBC", "non_numeric", ... */
	const char *reason;
	bool unverified;
	enum wa_family family; /* of the file that declares it */
};

struct wa_policy {
	const char *file; /* table it came from, for messages */
	size_t index;     /* position in $.policies of that file */
	const char *name;
	enum wa_family family;
	int priority;
	struct strlist aliases;
	const char *libc_version;
	int libc_major, libc_minor;
	struct policy_arch *arches;
	size_t narches;
	bool has_max; /* "max" given: version nodes are judged */
	struct strlist whitelist;
	struct bl_entry *blacklist;
	size_t nblacklist;
	struct wa_ptrvec exceptions; /* struct exception *, set by finish */
};

struct musl_sym {
	const char *name;
	const char *release;
	bool only_32bit;
};

struct wa_policy_set {
	struct wa_arena arena;
	struct wa_ptrvec policies; /* struct wa_policy * */
	struct wa_ptrvec tables;   /* struct arch_table * */
	struct wa_ptrvec exceptions;
	struct musl_sym *musl;
	size_t nmusl;
	const char *musl_oldest;
	const char *musl_file;
	struct strlist known_arches; /* sorted union of every policy's arches */
	bool finished;
};

/* ------------------------------------------------------------------ */
/* Versions                                                             */
/* ------------------------------------------------------------------ */

bool wa_version_is_numeric(const char *v)
{
	bool digit_seen = false;

	if (!v || !*v)
		return false;
	for (; *v; v++) {
		if (*v >= '0' && *v <= '9') {
			digit_seen = true;
		} else if (*v == '.' && digit_seen) {
			digit_seen = false;
		} else {
			return false;
		}
	}
	return digit_seen;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * Compares components as numbers of any length (leading zeros dropped,
 * then the longer digit string is the bigger number), so "2.2.5" < "2.17"
 * and no overflow is possible.  Non-numeric components compare bytewise,
 * which gives a total order for arbitrary input.
 */
static int compare_component(const char *a, size_t na, const char *b, size_t nb)
{
	if (all_digits(a, na) && all_digits(b, nb)) {
		while (na > 1 && *a == '0') {
			a++;
			na--;
		}
		while (nb > 1 && *b == '0') {
			b++;
			nb--;
		}
		if (na != nb)
			return na < nb ? -1 : 1;
		int c = memcmp(a, b, na);
		return (c > 0) - (c < 0);
	}
	size_t n = na < nb ? na : nb;
	int c = memcmp(a, b, n);
	if (c)
		return (c > 0) - (c < 0);
	return na == nb ? 0 : (na < nb ? -1 : 1);
}

int wa_version_compare(const char *a, const char *b)
{
	for (;;) {
		size_t na = strcspn(a, ".");
		size_t nb = strcspn(b, ".");
		int c = compare_component(a, na, b, nb);

		if (c)
			return c;
		a += na;
		b += nb;
		if (!*a || !*b)
			return *a ? 1 : (*b ? -1 : 0);
		a++;
		b++;
	}
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */
/* ------------------------------------------------------------------ */

static bool strlist_has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Everything a loader step needs: where we are and where to put things. */
struct ctx {
	struct wa_policy_set *set;
	const char *file;
	enum wa_family family;
	struct wa_error *err;
};

static int oom(struct ctx *c)
{
	return wa_error_set(c->err, WA_ENOMEM, NULL, "%s: out of memory loading policy table",
			    c->file);
}

static int bad(struct ctx *c, const char *path, const char *what)
{
	return wa_error_set(c->err, WA_ECONFIG, NULL, "%s: %s: %s", c->file, path, what);
}

static int badf(struct ctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int badf(struct ctx *c, const char *path, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bad(c, path, msg);
}

/* Child paths: "$.a" + ".b", "$.a" + "[3]". */
/* A path too long for the buffer is cut short: it only feeds messages. */
static void path_key(char *out, const char *parent, const char *key)
{
	if (snprintf(out, PATH_MAX_LEN, "%s.%s", parent, key) >= PATH_MAX_LEN)
		out[PATH_MAX_LEN - 1] = '\0';
}

static void path_index(char *out, const char *parent, size_t i)
{
	if (snprintf(out, PATH_MAX_LEN, "%s[%zu]", parent, i) >= PATH_MAX_LEN)
		out[PATH_MAX_LEN - 1] = '\0';
}

static const char *dup_str(struct ctx *c, const char *s)
{
	return wa_arena_strdup(&c->set->arena, s);
}

/* Rejects keys we do not know, so that a typo does not silently drop data. */
static int check_keys(struct ctx *c, const cJSON *obj, const char *path, const char *const *allowed)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj)
	{
		bool ok = strcmp(it->string, "comment") == 0;
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = strcmp(it->string, allowed[i]) == 0;
		if (!ok) {
			char p[PATH_MAX_LEN];
			path_key(p, path, it->string);
			return bad(c, p, "unknown key");
		}
	}
	return 0;
}

static int get_string(struct ctx *c, const cJSON *obj, const char *key, const char *path,
		      bool required, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char p[PATH_MAX_LEN];

	*out = NULL;
	path_key(p, path, key);
	if (!v)
		return required ? bad(c, p, "missing") : 0;
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return bad(c, p, "not a non-empty string");
	if (!(*out = dup_str(c, v->valuestring)))
		return oom(c);
	return 0;
}

enum str_kind { ANY_STRING, NUMERIC_VERSION };

/* Reads an array of non-empty strings; duplicates are an error. */
static int get_strlist(struct ctx *c, const cJSON *arr, const char *path, enum str_kind kind,
		       struct strlist *out)
{
	const cJSON *it;
	size_t i = 0;

	out->items = NULL;
	out->n = 0;
	if (!cJSON_IsArray(arr))
		return bad(c, path, "not an array");
	out->items = wa_arena_alloc(&c->set->arena,
				    sizeof(*out->items) * ((size_t)cJSON_GetArraySize(arr) + 1));
	if (!out->items)
		return oom(c);
	cJSON_ArrayForEach(it, arr)
	{
		char p[PATH_MAX_LEN];

		path_index(p, path, i++);
		if (!cJSON_IsString(it) || !it->valuestring[0])
			return bad(c, p, "not a non-empty string");
		if (kind == NUMERIC_VERSION && !wa_version_is_numeric(it->valuestring))
			return badf(c, p, "'%s' is not a version", it->valuestring);
		if (strlist_has(out, it->valuestring))
			return badf(c, p, "duplicate '%s'", it->valuestring);
		if (!(out->items[out->n++] = dup_str(c, it->valuestring)))
			return oom(c);
	}
	return 0;
}

/* A family key is the part of a node name before the first '_'. */
static bool is_family_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* Splits "GLIBCXX_LDBL_3.4" into family length 7 and rest "LDBL_3.4". */
static size_t split_node(const char *node, const char **rest)
{
	const char *u = strchr(node, '_');

	if (!u) {
		*rest = node + strlen(node);
		return strlen(node);
	}
	*rest = u + 1;
	return (size_t)(u - node);
}

/* ------------------------------------------------------------------ */
/* Loading one file                                                     */
/* ------------------------------------------------------------------ */

static int load_arch_table(struct ctx *c, const char *arch, const cJSON *obj, const char *path)
{
	static const char *const keys[] = {"note", "nodes", "only_from", NULL};
	struct arch_table *t;
	const cJSON *nodes, *only, *it;
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	int rc;

	if (!cJSON_IsObject(obj))
		return bad(c, path, "not an object");
	if ((rc = check_keys(c, obj, path, keys)))
		return rc;
	for (size_t i = 0; i < c->set->tables.len; i++) {
		const struct arch_table *o = c->set->tables.items[i];
		if (o->family == c->family && strcmp(o->arch, arch) == 0)
			return badf(c, path, "node sets for '%s' already given in %s", arch,
				    o->file);
	}
	if (!(t = wa_arena_alloc(&c->set->arena, sizeof(*t))))
		return oom(c);
	t->family = c->family;
	t->file = c->file;
	if (!(t->arch = dup_str(c, arch)))
		return oom(c);

	path_key(p, path, "nodes");
	nodes = cJSON_GetObjectItemCaseSensitive(obj, "nodes");
	if (!nodes)
		return bad(c, p, "missing");
	if (!cJSON_IsObject(nodes))
		return bad(c, p, "not an object");
	t->fams = wa_arena_alloc(&c->set->arena,
				 sizeof(*t->fams) * ((size_t)cJSON_GetArraySize(nodes) + 1));
	if (!t->fams)
		return oom(c);
	cJSON_ArrayForEach(it, nodes)
	{
		struct fam_nodes *f = &t->fams[t->nfams++];

		path_key(q, p, it->string);
		if (!is_family_name(it->string))
			return bad(c, q, "not a family name (capital letters and digits)");
		if (!(f->family = dup_str(c, it->string)))
			return oom(c);
		if ((rc = get_strlist(c, it, q, NUMERIC_VERSION, &f->versions)))
			return rc;
		/* Sorted order lets "above the newest node" be one comparison. */
		for (size_t i = 1; i < f->versions.n; i++) {
			if (wa_version_compare(f->versions.items[i - 1], f->versions.items[i]) >=
			    0) {
				char r[PATH_MAX_LEN];
				path_index(r, q, i);
				return badf(c, r, "'%s' is not above the previous node '%s'",
					    f->versions.items[i], f->versions.items[i - 1]);
			}
		}
	}

	only = cJSON_GetObjectItemCaseSensitive(obj, "only_from");
	if (only) {
		path_key(p, path, "only_from");
		if (!cJSON_IsObject(only))
			return bad(c, p, "not an object");
		t->only = wa_arena_alloc(&c->set->arena,
					 sizeof(*t->only) * ((size_t)cJSON_GetArraySize(only) + 1));
		if (!t->only)
			return oom(c);
		cJSON_ArrayForEach(it, only)
		{
			struct only_from *o = &t->only[t->nonly++];
			const char *rest;
			size_t flen = split_node(it->string, &rest);
			bool found = false;

			path_key(q, p, it->string);
			for (size_t i = 0; i < t->nfams && !found; i++) {
				const struct fam_nodes *f = &t->fams[i];
				if (strlen(f->family) == flen &&
				    strncmp(f->family, it->string, flen) == 0)
					found = strlist_has(&f->versions, rest);
			}
			if (!found)
				return bad(c, q, "not a node of this architecture's node sets");
			if (!(o->node = dup_str(c, it->string)))
				return oom(c);
			if ((rc = get_strlist(c, it, q, ANY_STRING, &o->libraries)))
				return rc;
			if (o->libraries.n == 0)
				return bad(c, q, "empty library list");
		}
	}
	if (wa_ptrvec_push(&c->set->arena, &c->set->tables, t))
		return oom(c);
	return 0;
}

/* The policy's platform version in its family's form: "2.17", or an API level "24". */
static int parse_libc_version(struct ctx *c, const char *v, const char *path, int *major,
			      int *minor)
{
	char *end;
	long a, b;

	errno = 0;
	a = strtol(v, &end, 10);
	if (wa_family_version_form(c->family) == WA_VERSION_LEVEL) {
		if (end == v || *end || a < 0 || a > 1000 || errno)
			return bad(c, path, "not an API level");
		*major = (int)a;
		*minor = 0;
		return 0;
	}
	if (end == v || *end != '.' || a < 0 || a > 1000)
		return bad(c, path, "not a major.minor version");
	v = end + 1;
	b = strtol(v, &end, 10);
	if (end == v || *end || b < 0 || b > 1000 || errno)
		return bad(c, path, "not a major.minor version");
	*major = (int)a;
	*minor = (int)b;
	return 0;
}

static int load_policy_arch(struct ctx *c, struct wa_policy *pol, struct policy_arch *pa,
			    const cJSON *max, const cJSON *nonnum, const char *path)
{
	char p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	const cJSON *m, *it;
	int rc;

	if (max) {
		snprintf(p, sizeof(p), "%s.max.%s", path, pa->arch);
		m = cJSON_GetObjectItemCaseSensitive(max, pa->arch);
		if (!m)
			return bad(c, p,
				   "missing (every architecture of the policy needs its maxima)");
		if (!cJSON_IsObject(m))
			return bad(c, p, "not an object");
		pa->max = wa_arena_alloc(&c->set->arena,
					 sizeof(*pa->max) * ((size_t)cJSON_GetArraySize(m) + 1));
		if (!pa->max)
			return oom(c);
		cJSON_ArrayForEach(it, m)
		{
			struct fam_max *fm = &pa->max[pa->nmax++];

			path_key(q, p, it->string);
			if (!is_family_name(it->string))
				return bad(c, q, "not a family name (capital letters and digits)");
			if (!(fm->family = dup_str(c, it->string)))
				return oom(c);
			if (cJSON_IsNull(it))
				continue; /* present and empty: no version allowed */
			if (!cJSON_IsString(it) || !wa_version_is_numeric(it->valuestring))
				return bad(c, q, "not a version");
			if (!(fm->max = dup_str(c, it->valuestring)))
				return oom(c);
		}
	}
	if (nonnum) {
		snprintf(p, sizeof(p), "%s.non_numeric.%s", path, pa->arch);
		m = cJSON_GetObjectItemCaseSensitive(nonnum, pa->arch);
		if (m) {
			if ((rc = get_strlist(c, m, p, ANY_STRING, &pa->non_numeric)))
				return rc;
			for (size_t i = 0; i < pa->non_numeric.n; i++) {
				const char *rest;
				const char *node = pa->non_numeric.items[i];
				size_t flen = split_node(node, &rest);
				bool known = false;

				for (size_t j = 0; j < pa->nmax && !known; j++)
					known = strlen(pa->max[j].family) == flen &&
						strncmp(pa->max[j].family, node, flen) == 0;
				path_index(q, p, i);
				/* a bare family name ("LIBC", bionic's first node) is non-numeric
				 */
				if (*rest && wa_version_is_numeric(rest))
					return badf(c, q, "'%s' is not a non-numeric node", node);
				if (!known)
					return badf(c, q, "family of '%s' has no maximum for %s",
						    node, pa->arch);
			}
		}
	}
	(void)pol;
	return 0;
}

static int load_policy(struct ctx *c, const cJSON *obj, size_t index)
{
	static const char *const keys[] = {"name",      "aliases", "priority",    "libc_version",
					   "arches",    "max",     "non_numeric", "whitelist",
					   "blacklist", NULL};
	struct wa_policy *pol;
	char path[PATH_MAX_LEN], p[PATH_MAX_LEN], q[PATH_MAX_LEN];
	const cJSON *v, *max, *nonnum, *it;
	struct strlist arches;
	int rc;

	snprintf(path, sizeof(path), "$.policies[%zu]", index);
	if (!cJSON_IsObject(obj))
		return bad(c, path, "not an object");
	if ((rc = check_keys(c, obj, path, keys)))
		return rc;
	if (!(pol = wa_arena_alloc(&c->set->arena, sizeof(*pol))))
		return oom(c);
	pol->file = c->file;
	pol->index = index;
	pol->family = c->family;

	if ((rc = get_string(c, obj, "name", path, true, &pol->name)))
		return rc;
	path_key(p, path, "name");
	if (strncmp(pol->name, wa_family_name(c->family), strlen(wa_family_name(c->family))) != 0)
		return badf(c, p, "'%s' does not start with '%s' (the file's family)", pol->name,
			    wa_family_name(c->family));

	path_key(p, path, "aliases");
	v = cJSON_GetObjectItemCaseSensitive(obj, "aliases");
	if (v && (rc = get_strlist(c, v, p, ANY_STRING, &pol->aliases)))
		return rc;

	path_key(p, path, "priority");
	v = cJSON_GetObjectItemCaseSensitive(obj, "priority");
	if (!v)
		return bad(c, p, "missing");
	/* The range test comes before the (int) cast: converting a double out
	 * of int's range is undefined, and "1e999" parses as infinity. */
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= 0 && v->valuedouble <= 10000) ||
	    v->valuedouble != (double)(int)v->valuedouble)
		return bad(c, p, "not an integer between 0 and 10000");
	pol->priority = (int)v->valuedouble;

	if ((rc = get_string(c, obj, "libc_version", path, true, &pol->libc_version)))
		return rc;
	path_key(p, path, "libc_version");
	if ((rc = parse_libc_version(c, pol->libc_version, p, &pol->libc_major, &pol->libc_minor)))
		return rc;

	path_key(p, path, "arches");
	v = cJSON_GetObjectItemCaseSensitive(obj, "arches");
	if (!v)
		return bad(c, p, "missing");
	if ((rc = get_strlist(c, v, p, ANY_STRING, &arches)))
		return rc;
	if (arches.n == 0)
		return bad(c, p, "empty");

	max = cJSON_GetObjectItemCaseSensitive(obj, "max");
	nonnum = cJSON_GetObjectItemCaseSensitive(obj, "non_numeric");
	path_key(p, path, "max");
	if (max && wa_family_nodes(c->family) == WA_NODES_FORBIDDEN)
		return badf(c, p, "%s has no symbol versioning: %s policies judge no nodes",
			    wa_libc_name(wa_family_libc(c->family)), wa_family_name(c->family));
	if (max && !cJSON_IsObject(max))
		return bad(c, p, "not an object");
	if (!max && wa_family_nodes(c->family) == WA_NODES_REQUIRED)
		return bad(c, p, "missing");
	pol->has_max = max != NULL;
	path_key(p, path, "non_numeric");
	if (nonnum && !max)
		return bad(c, p, "given without \"max\"");
	if (nonnum && !cJSON_IsObject(nonnum))
		return bad(c, p, "not an object");
	/* Maxima or nodes for an arch the policy does not list are a typo. */
	for (int k = 0; k < 2; k++) {
		const cJSON *o = k ? nonnum : max;
		if (!o)
			continue;
		cJSON_ArrayForEach(it, o)
		{
			if (!strlist_has(&arches, it->string)) {
				path_key(p, path, k ? "non_numeric" : "max");
				path_key(q, p, it->string);
				return bad(c, q, "architecture not in \"arches\"");
			}
		}
	}

	pol->arches = wa_arena_alloc(&c->set->arena, sizeof(*pol->arches) * arches.n);
	if (!pol->arches)
		return oom(c);
	for (size_t i = 0; i < arches.n; i++) {
		struct policy_arch *pa = &pol->arches[pol->narches++];
		pa->arch = arches.items[i];
		if ((rc = load_policy_arch(c, pol, pa, max, nonnum, path)))
			return rc;
	}

	path_key(p, path, "whitelist");
	v = cJSON_GetObjectItemCaseSensitive(obj, "whitelist");
	if (!v)
		return bad(c, p, "missing");
	if ((rc = get_strlist(c, v, p, ANY_STRING, &pol->whitelist)))
		return rc;

	v = cJSON_GetObjectItemCaseSensitive(obj, "blacklist");
	if (v) {
		path_key(p, path, "blacklist");
		if (!cJSON_IsObject(v))
			return bad(c, p, "not an object");
		pol->blacklist =
			wa_arena_alloc(&c->set->arena, sizeof(*pol->blacklist) *
							       ((size_t)cJSON_GetArraySize(v) + 1));
		if (!pol->blacklist)
			return oom(c);
		cJSON_ArrayForEach(it, v)
		{
			struct bl_entry *b = &pol->blacklist[pol->nblacklist++];
			path_key(q, p, it->string);
			if (!(b->library = dup_str(c, it->string)))
				return oom(c);
			if ((rc = get_strlist(c, it, q, ANY_STRING, &b->symbols)))
				return rc;
		}
	}
	if (wa_ptrvec_push(&c->set->arena, &c->set->policies, pol))
		return oom(c);
	return 0;
}

static int load_exceptions(struct ctx *c, const cJSON *arr)
{
	static const char *const keys[] = {"policy", "arch", "key", "reason", "unverified", NULL};
	const cJSON *it;
	size_t i = 0;
	int rc;

	if (!cJSON_IsArray(arr))
		return bad(c, "$.exceptions", "not an array");
	cJSON_ArrayForEach(it, arr)
	{
		char path[PATH_MAX_LEN], p[PATH_MAX_LEN];
		struct exception *e;
		const cJSON *u;

		path_index(path, "$.exceptions", i++);
		if (!cJSON_IsObject(it))
			return bad(c, path, "not an object");
		if ((rc = check_keys(c, it, path, keys)))
			return rc;
		if (!(e = wa_arena_alloc(&c->set->arena, sizeof(*e))))
			return oom(c);
		e->family = c->family;
		if ((rc = get_string(c, it, "policy", path, true, &e->policy)) ||
		    (rc = get_string(c, it, "arch", path, true, &e->arch)) ||
		    (rc = get_string(c, it, "key", path, true, &e->key)) ||
		    (rc = get_string(c, it, "reason", path, true, &e->reason)))
			return rc;
		u = cJSON_GetObjectItemCaseSensitive(it, "unverified");
		if (u) {
			path_key(p, path, "unverified");
			if (!cJSON_IsBool(u))
				return bad(c, p, "not true or false");
			e->unverified = cJSON_IsTrue(u);
		}
		if (wa_ptrvec_push(&c->set->arena, &c->set->exceptions, e))
			return oom(c);
	}
	return 0;
}

static int load_musl_symbols(struct ctx *c, const cJSON *obj)
{
	static const char *const keys[] = {"oldest_release", "source", "symbols", NULL};
	const char *path = "$.musl_symbols";
	const cJSON *syms, *it;
	const char *source;
	size_t i = 0;
	int rc;

	if (wa_family_libc(c->family) != WA_LIBC_MUSL)
		return bad(c, path, "only the table of a musl family can list musl symbols");
	if (c->set->musl)
		return badf(c, path, "musl symbols already given in %s", c->set->musl_file);
	if (!cJSON_IsObject(obj))
		return bad(c, path, "not an object");
	if ((rc = check_keys(c, obj, path, keys)))
		return rc;
	if ((rc = get_string(c, obj, "oldest_release", path, true, &c->set->musl_oldest)) ||
	    (rc = get_string(c, obj, "source", path, false, &source)))
		return rc;
	if (!wa_version_is_numeric(c->set->musl_oldest))
		return bad(c, "$.musl_symbols.oldest_release", "not a version");
	syms = cJSON_GetObjectItemCaseSensitive(obj, "symbols");
	if (!cJSON_IsArray(syms))
		return bad(c, "$.musl_symbols.symbols", syms ? "not an array" : "missing");
	c->set->musl =
		wa_arena_alloc(&c->set->arena,
			       sizeof(*c->set->musl) * ((size_t)cJSON_GetArraySize(syms) + 1));
	if (!c->set->musl)
		return oom(c);
	c->set->musl_file = c->file;
	cJSON_ArrayForEach(it, syms)
	{
		char p[PATH_MAX_LEN];
		struct musl_sym *s = &c->set->musl[c->set->nmusl++];
		const cJSON *n = cJSON_GetArrayItem(it, 0), *r = cJSON_GetArrayItem(it, 1),
			    *sc = cJSON_GetArrayItem(it, 2);

		path_index(p, "$.musl_symbols.symbols", i++);
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != 3 || !cJSON_IsString(n) ||
		    !cJSON_IsString(r) || !cJSON_IsString(sc) || !n->valuestring[0])
			return bad(c, p, "not a [name, release, scope] triple of strings");
		if (!wa_version_is_numeric(r->valuestring))
			return badf(c, p, "release '%s' is not a version", r->valuestring);
		if (wa_version_compare(r->valuestring, c->set->musl_oldest) <= 0)
			return badf(c, p, "release '%s' is not newer than oldest_release",
				    r->valuestring);
		if (strcmp(sc->valuestring, "all") != 0 && strcmp(sc->valuestring, "32-bit") != 0)
			return badf(c, p, "scope '%s' is neither \"all\" nor \"32-bit\"",
				    sc->valuestring);
		s->only_32bit = sc->valuestring[0] == '3';
		if (!(s->name = dup_str(c, n->valuestring)) ||
		    !(s->release = dup_str(c, r->valuestring)))
			return oom(c);
	}
	return 0;
}

/* Line number of a parse error, for "x.json: line 3: invalid JSON". */
static size_t line_of(const char *json, const char *at)
{
	size_t line = 1;
	for (const char *p = json; p < at; p++)
		if (*p == '\n')
			line++;
	return line;
}

int wa_policy_set_add_json(struct wa_policy_set *set, const char *name, const char *json,
			   size_t len, struct wa_error *err)
{
	static const char *const keys[] = {"format",     "format_version", "family",
					   "libc",       "arches",         "policies",
					   "exceptions", "musl_symbols",   NULL};
	struct ctx c = {set, NULL, (enum wa_family)0, err};
	const char *end = NULL, *fam = NULL, *libc = NULL, *format = NULL;
	cJSON *root = NULL;
	const cJSON *v, *it;
	size_t i;
	int rc;

	if (set->finished)
		return wa_error_set(err, WA_EINTERNAL, NULL,
				    "policy table added after wa_policy_set_finish");
	if (!(c.file = wa_arena_strdup(&set->arena, name ? name : "<policy table>")))
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory loading policy table");

	/* Parse with an end pointer rather than cJSON_GetErrorPtr(), which is a
	 * global and so not safe when two threads load tables. */
	root = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (!root) {
		rc = wa_error_set(err, WA_ECONFIG, NULL, "%s: line %zu: invalid JSON", c.file,
				  end ? line_of(json, end) : (size_t)0);
		goto out;
	}
	if (!cJSON_IsObject(root)) {
		rc = bad(&c, "$", "not an object");
		goto out;
	}
	if ((rc = check_keys(&c, root, "$", keys)))
		goto out;
	if ((rc = get_string(&c, root, "format", "$", true, &format)))
		goto out;
	if (strcmp(format, "wheelaudit-policies") != 0) {
		rc = bad(&c, "$.format", "not \"wheelaudit-policies\"");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "format_version");
	if (!cJSON_IsNumber(v) || v->valuedouble != 1) {
		rc = bad(&c, "$.format_version",
			 v ? "unsupported version (this build reads 1)" : "missing");
		goto out;
	}
	if ((rc = get_string(&c, root, "family", "$", true, &fam)) ||
	    (rc = get_string(&c, root, "libc", "$", false, &libc)))
		goto out;
	if (!wa_family_find(fam, strlen(fam), &c.family)) {
		rc = bad(&c, "$.family", "not a known policy family (family.h)");
		goto out;
	}

	v = cJSON_GetObjectItemCaseSensitive(root, "arches");
	if (v) {
		if (wa_family_nodes(c.family) == WA_NODES_FORBIDDEN) {
			rc = bad(&c, "$.arches", "the family judges no nodes: no node sets");
			goto out;
		}
		if (!cJSON_IsObject(v)) {
			rc = bad(&c, "$.arches", "not an object");
			goto out;
		}
		cJSON_ArrayForEach(it, v)
		{
			char p[PATH_MAX_LEN];
			path_key(p, "$.arches", it->string);
			if ((rc = load_arch_table(&c, it->string, it, p)))
				goto out;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "policies");
	if (v) {
		if (!cJSON_IsArray(v)) {
			rc = bad(&c, "$.policies", "not an array");
			goto out;
		}
		i = 0;
		cJSON_ArrayForEach(it, v)
		{
			if ((rc = load_policy(&c, it, i++)))
				goto out;
		}
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "exceptions");
	if (v && (rc = load_exceptions(&c, v)))
		goto out;
	v = cJSON_GetObjectItemCaseSensitive(root, "musl_symbols");
	if (v && (rc = load_musl_symbols(&c, v)))
		goto out;
	rc = 0;
out:
	cJSON_Delete(root);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Whole sets                                                           */
/* ------------------------------------------------------------------ */

int wa_policy_set_new(struct wa_policy_set **out, struct wa_error *err)
{
	struct wa_policy_set *set = calloc(1, sizeof(*set));

	*out = NULL;
	if (!set)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory creating policy set");
	wa_arena_init(&set->arena);
	*out = set;
	return 0;
}

void wa_policy_set_free(struct wa_policy_set *set)
{
	if (!set)
		return;
	wa_arena_release(&set->arena);
	free(set);
}

/* In family-table order, then highest priority (most compatible) first. */
static int cmp_policy(const void *a, const void *b)
{
	const struct wa_policy *x = *(const struct wa_policy *const *)a;
	const struct wa_policy *y = *(const struct wa_policy *const *)b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->priority != y->priority)
		return x->priority > y->priority ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_musl(const void *a, const void *b)
{
	return strcmp(((const struct musl_sym *)a)->name, ((const struct musl_sym *)b)->name);
}

static bool match_or_star(const char *pattern, const char *s)
{
	return strcmp(pattern, "*") == 0 || strcmp(pattern, s) == 0;
}

/* An exception key "max" covers "max.GLIBC"; "max.GLIBC" covers only itself. */
static bool key_covers(const char *pattern, const char *key)
{
	size_t n = strlen(pattern);
	return strncmp(pattern, key, n) == 0 && (key[n] == '\0' || key[n] == '.');
}

static bool exception_applies(const struct exception *e, const struct wa_policy *q)
{
	return e->family == q->family && match_or_star(e->policy, q->name);
}

static const struct exception *find_exception(const struct wa_policy_set *set,
					      const struct wa_policy *q, const char *arch,
					      const char *key)
{
	for (size_t i = 0; i < set->exceptions.len; i++) {
		const struct exception *e = set->exceptions.items[i];
		if (exception_applies(e, q) && match_or_star(e->arch, arch) &&
		    key_covers(e->key, key))
			return e;
	}
	return NULL;
}

static const struct policy_arch *find_parch(const struct wa_policy *p, const char *arch)
{
	for (size_t i = 0; i < p->narches; i++)
		if (strcmp(p->arches[i].arch, arch) == 0)
			return &p->arches[i];
	return NULL;
}

static const struct fam_max *find_max(const struct policy_arch *pa, const char *family, size_t flen)
{
	for (size_t i = 0; i < pa->nmax; i++)
		if (strlen(pa->max[i].family) == flen &&
		    strncmp(pa->max[i].family, family, flen) == 0)
			return &pa->max[i];
	return NULL;
}

static const struct fam_nodes *find_fam_nodes(const struct arch_table *t, const char *family,
					      size_t flen)
{
	if (!t)
		return NULL;
	for (size_t i = 0; i < t->nfams; i++)
		if (strlen(t->fams[i].family) == flen &&
		    strncmp(t->fams[i].family, family, flen) == 0)
			return &t->fams[i];
	return NULL;
}

/* Error about policy q at a sub-path of its own entry. */
static int bad_policy(struct wa_error *err, const struct wa_policy *q, const char *sub,
		      const char *what)
{
	return wa_error_set(err, WA_ECONFIG, NULL, "%s: $.policies[%zu]%s: %s", q->file, q->index,
			    sub, what);
}

/*
 * Going from p (more compatible) to q (the next, less compatible policy of
 * the same family) nothing may be taken away, because a wheel that meets p
 * must also meet q: whitelist, arches, maxima and non-numeric nodes only
 * grow, unless the table records an exception with its reason.  Blacklists
 * may shrink (that is their expected direction).
 */
static int check_monotonic(const struct wa_policy_set *set, const struct wa_policy *p,
			   const struct wa_policy *q, struct wa_error *err)
{
	char sub[PATH_MAX_LEN], what[768], key[PATH_MAX_LEN];

	for (size_t i = 0; i < p->whitelist.n; i++) {
		const char *lib = p->whitelist.items[i];
		if (!strlist_has(&q->whitelist, lib) && !find_exception(set, q, "*", "whitelist")) {
			snprintf(what, sizeof(what),
				 "drops '%s' that more compatible %s allows, and no exception "
				 "records why",
				 lib, p->name);
			return bad_policy(err, q, ".whitelist", what);
		}
	}
	for (size_t a = 0; a < p->narches; a++) {
		const struct policy_arch *pa = &p->arches[a];
		const struct policy_arch *qa = find_parch(q, pa->arch);

		if (!qa) {
			if (!find_exception(set, q, pa->arch, "arches")) {
				snprintf(what, sizeof(what),
					 "lacks '%s' that more compatible %s has, and no "
					 "exception records why",
					 pa->arch, p->name);
				return bad_policy(err, q, ".arches", what);
			}
			continue;
		}
		for (size_t f = 0; f < pa->nmax; f++) {
			const struct fam_max *pm = &pa->max[f];
			const struct fam_max *qm = find_max(qa, pm->family, strlen(pm->family));

			/* Absent in q means not judged at all: never stricter. */
			if (!qm || !pm->max)
				continue;
			if (qm->max && wa_version_compare(qm->max, pm->max) >= 0)
				continue;
			snprintf(key, sizeof(key), "max.%s", pm->family);
			if (find_exception(set, q, pa->arch, key))
				continue;
			snprintf(sub, sizeof(sub), ".max.%s.%s", pa->arch, pm->family);
			snprintf(what, sizeof(what),
				 "%s is below %s of more compatible %s, and no exception "
				 "records why",
				 qm->max ? qm->max : "the empty set", pm->max, p->name);
			return bad_policy(err, q, sub, what);
		}
		for (size_t i = 0; i < pa->non_numeric.n; i++) {
			const char *node = pa->non_numeric.items[i];
			if (strlist_has(&qa->non_numeric, node) ||
			    find_exception(set, q, pa->arch, "non_numeric"))
				continue;
			snprintf(sub, sizeof(sub), ".non_numeric.%s", pa->arch);
			snprintf(what, sizeof(what),
				 "drops '%s' that more compatible %s allows, and no exception "
				 "records why",
				 node, p->name);
			return bad_policy(err, q, sub, what);
		}
	}
	return 0;
}

/* Links each policy arch to its node sets and checks maxima against them. */
static int link_tables(struct wa_policy_set *set, struct wa_policy *q, struct wa_error *err)
{
	char sub[PATH_MAX_LEN], what[512];

	for (size_t a = 0; a < q->narches; a++) {
		struct policy_arch *pa = &q->arches[a];

		for (size_t i = 0; i < set->tables.len && !pa->table; i++) {
			const struct arch_table *t = set->tables.items[i];
			if (t->family == q->family && strcmp(t->arch, pa->arch) == 0)
				pa->table = t;
		}
		for (size_t i = 0; i < set->exceptions.len && !pa->unverified; i++) {
			const struct exception *e = set->exceptions.items[i];
			if (e->unverified && exception_applies(e, q) &&
			    match_or_star(e->arch, pa->arch))
				pa->unverified = e->reason;
		}
		for (size_t f = 0; f < pa->nmax; f++) {
			const struct fam_max *m = &pa->max[f];
			const struct fam_nodes *fn =
				find_fam_nodes(pa->table, m->family, strlen(m->family));
			if (!m->max || !fn || strlist_has(&fn->versions, m->max))
				continue;
			snprintf(sub, sizeof(sub), ".max.%s.%s", pa->arch, m->family);
			snprintf(what, sizeof(what),
				 "%s is not a node of %s (see $.arches.%s.nodes.%s)", m->max,
				 pa->arch, pa->arch, m->family);
			return bad_policy(err, q, sub, what);
		}
	}
	return 0;
}

int wa_policy_set_finish(struct wa_policy_set *set, struct wa_error *err)
{
	struct wa_policy **pols = (struct wa_policy **)set->policies.items;
	size_t n = set->policies.len, narch = 0;
	int rc;

	if (set->finished)
		return 0;
	if (n == 0)
		return wa_error_set(err, WA_ECONFIG, NULL, "no policy tables loaded");
	qsort(pols, n, sizeof(*pols), cmp_policy);

	for (size_t i = 0; i < n; i++) {
		const struct wa_policy *q = pols[i];

		/* Names and aliases share one namespace: a tag must mean one policy. */
		for (size_t j = 0; j < i; j++) {
			const struct wa_policy *o = pols[j];
			for (size_t k = 0; k <= q->aliases.n; k++) {
				const char *s = k ? q->aliases.items[k - 1] : q->name;
				if (strcmp(s, o->name) == 0 || strlist_has(&o->aliases, s))
					return wa_error_set(err, WA_ECONFIG, NULL,
							    "%s: $.policies[%zu]: name or alias "
							    "'%s' is also used by %s (%s)",
							    q->file, q->index, s, o->name, o->file);
			}
			if (o->family == q->family && o->priority == q->priority)
				return wa_error_set(err, WA_ECONFIG, NULL,
						    "%s: $.policies[%zu].priority: %d is also the "
						    "priority of %s; priorities must be strictly "
						    "ordered",
						    q->file, q->index, q->priority, o->name);
		}
		for (size_t k = 0; k < q->aliases.n; k++)
			if (strcmp(q->aliases.items[k], q->name) == 0)
				return wa_error_set(err, WA_ECONFIG, NULL,
						    "%s: $.policies[%zu].aliases: '%s' repeats the "
						    "name",
						    q->file, q->index, q->name);
		if ((rc = link_tables(set, pols[i], err)))
			return rc;
		narch += q->narches;
	}
	for (size_t i = 0; i < set->exceptions.len; i++) {
		const struct exception *e = set->exceptions.items[i];
		bool found = strcmp(e->policy, "*") == 0;
		for (size_t j = 0; j < n && !found; j++)
			found = strcmp(pols[j]->name, e->policy) == 0;
		if (!found)
			return wa_error_set(err, WA_ECONFIG, NULL,
					    "$.exceptions: policy '%s' of an exception is not "
					    "defined",
					    e->policy);
	}
	for (size_t i = 0; i + 1 < n; i++) {
		if (pols[i]->family != pols[i + 1]->family)
			continue;
		if ((rc = check_monotonic(set, pols[i], pols[i + 1], err)))
			return rc;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < set->exceptions.len; j++) {
			struct exception *e = set->exceptions.items[j];
			if (exception_applies(e, pols[i]) &&
			    wa_ptrvec_push(&set->arena, &pols[i]->exceptions, e))
				return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		}

	if (set->nmusl) {
		qsort(set->musl, set->nmusl, sizeof(*set->musl), cmp_musl);
		for (size_t i = 1; i < set->nmusl; i++)
			if (strcmp(set->musl[i - 1].name, set->musl[i].name) == 0)
				return wa_error_set(err, WA_ECONFIG, NULL,
						    "%s: $.musl_symbols.symbols: '%s' is listed "
						    "twice",
						    set->musl_file, set->musl[i].name);
	}

	/* The union of arches lets wa_policy_find tell "_x86_64" from a typo. */
	set->known_arches.items = wa_arena_alloc(&set->arena, sizeof(char *) * (narch + 1));
	if (!set->known_arches.items)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++)
		for (size_t a = 0; a < pols[i]->narches; a++)
			if (!strlist_has(&set->known_arches, pols[i]->arches[a].arch))
				set->known_arches.items[set->known_arches.n++] =
					pols[i]->arches[a].arch;
	qsort(set->known_arches.items, set->known_arches.n, sizeof(char *), cmp_str);
	set->finished = true;
	return 0;
}

int wa_policy_set_load_builtin(struct wa_policy_set **out, struct wa_error *err)
{
	struct wa_policy_set *set = NULL;
	int rc;

	*out = NULL;
	if ((rc = wa_policy_set_new(&set, err)))
		return rc;
	for (const struct wa_embedded_file *f = wa_builtin_policy_files; f->name; f++) {
		char name[PATH_MAX_LEN];

		snprintf(name, sizeof(name), "policies/%s", f->name);
		if ((rc = wa_policy_set_add_json(set, name, (const char *)f->data, f->size, err)))
			goto out;
	}
	if ((rc = wa_policy_set_finish(set, err)))
		goto out;
	*out = set;
	set = NULL;
out:
	wa_policy_set_free(set);
	return rc;
}

static bool ends_with_json(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && strcmp(name + n - 5, ".json") == 0 && name[0] != '.';
}

/* Reads a whole (small) file; *out is malloc'd and NUL-terminated. */
static int read_file(const char *path, char **out, size_t *len, struct wa_error *err)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	if (!(f = fopen(path, "rb"))) {
		rc = wa_error_set(err, WA_EIO, NULL, "%s: cannot open: %s", path,
				  wa_strerror(errno));
		if (err)
			err->sys_errno = errno;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			char *nb;
			if (cap >= MAX_TABLE_BYTES) {
				rc = wa_error_set(err, WA_ECONFIG, NULL,
						  "%s: larger than %d bytes: not a policy table",
						  path, MAX_TABLE_BYTES);
				goto out;
			}
			cap = cap ? cap * 2 : 65536;
			if (!(nb = realloc(buf, cap + 1))) {
				rc = wa_error_set(err, WA_ENOMEM, NULL, "%s: out of memory", path);
				goto out;
			}
			buf = nb;
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = wa_error_set(err, WA_EIO, NULL, "%s: read error", path);
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
out:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

int wa_policy_set_load_dir(struct wa_policy_set **out, const char *dir, struct wa_error *err)
{
	struct wa_policy_set *set = NULL;
	DIR *d = NULL;
	struct dirent *de;
	struct wa_ptrvec names = {0};
	struct wa_arena tmp;
	char *data = NULL;
	int rc = 0;

	*out = NULL;
	wa_arena_init(&tmp);
	if ((rc = wa_policy_set_new(&set, err)))
		goto out;
	if (!(d = opendir(dir))) {
		int e = errno;
		rc = wa_error_set(err, e == ENOENT || e == ENOTDIR ? WA_ECONFIG : WA_EIO, NULL,
				  "%s: cannot open policy directory: %s", dir, wa_strerror(e));
		if (err)
			err->sys_errno = e;
		goto out;
	}
	/* Sorted, so that the load order (and any error) does not depend on
	 * the directory's order on disk. */
	while ((de = readdir(d))) {
		char *p;
		if (!ends_with_json(de->d_name))
			continue;
		if (!(p = wa_arena_printf(&tmp, "%s/%s", dir, de->d_name)) ||
		    wa_ptrvec_push(&tmp, &names, p)) {
			rc = wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
			goto out;
		}
	}
	if (names.len == 0) {
		rc = wa_error_set(err, WA_ECONFIG, NULL, "%s: no *.json policy table", dir);
		goto out;
	}
	qsort(names.items, names.len, sizeof(void *), cmp_str);
	for (size_t i = 0; i < names.len; i++) {
		size_t len = 0;
		if ((rc = read_file(names.items[i], &data, &len, err)))
			goto out;
		if ((rc = wa_policy_set_add_json(set, names.items[i], data, len, err)))
			goto out;
		free(data);
		data = NULL;
	}
	if ((rc = wa_policy_set_finish(set, err)))
		goto out;
	*out = set;
	set = NULL;
out:
	free(data);
	if (d)
		closedir(d);
	wa_arena_release(&tmp);
	wa_policy_set_free(set);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Queries (read-only)                                                  */
/* ------------------------------------------------------------------ */

size_t wa_policy_count(const struct wa_policy_set *set)
{
	return set->policies.len;
}

const struct wa_policy *wa_policy_at(const struct wa_policy_set *set, size_t i)
{
	return i < set->policies.len ? set->policies.items[i] : NULL;
}

const struct wa_policy *wa_policy_find(const struct wa_policy_set *set, const char *name,
				       char *arch_out, size_t arch_size)
{
	const struct wa_policy *best = NULL;
	const char *best_arch = "";
	size_t best_len = 0;

	if (arch_out && arch_size)
		arch_out[0] = '\0';
	for (size_t i = 0; i < set->policies.len; i++) {
		const struct wa_policy *p = set->policies.items[i];
		for (size_t k = 0; k <= p->aliases.n; k++) {
			const char *s = k ? p->aliases.items[k - 1] : p->name;
			size_t n = strlen(s);

			if (strncmp(name, s, n) != 0)
				continue;
			if (name[n] == '\0') {
				best = p;
				best_arch = "";
				best_len = SIZE_MAX;
			} else if (name[n] == '_' && n > best_len &&
				   strlist_has(&set->known_arches,
					       wa_arch_canonical_tag(name + n + 1))) {
				/* "manylinux_2_1" must not swallow "manylinux_2_17_x86_64":
				 * the suffix must be exactly a known architecture, and the
				 * longest matching name wins. */
				best = p;
				best_arch = name + n + 1;
				best_len = n;
			}
		}
	}
	if (best && arch_out && arch_size)
		snprintf(arch_out, arch_size, "%s", best_arch);
	return best;
}

const char *wa_policy_name(const struct wa_policy *p)
{
	return p->name;
}

enum wa_family wa_policy_family(const struct wa_policy *p)
{
	return p->family;
}

int wa_policy_priority(const struct wa_policy *p)
{
	return p->priority;
}

size_t wa_policy_alias_count(const struct wa_policy *p)
{
	return p->aliases.n;
}

const char *wa_policy_alias(const struct wa_policy *p, size_t i)
{
	return i < p->aliases.n ? p->aliases.items[i] : NULL;
}

bool wa_policy_has_arch(const struct wa_policy *p, const char *arch)
{
	return find_parch(p, arch) != NULL;
}

void wa_policy_libc_version(const struct wa_policy *p, int *major, int *minor)
{
	*major = p->libc_major;
	*minor = p->libc_minor;
}

/*
 * musl's libc is whitelisted as "libc.so", but on disk and in DT_NEEDED of
 * Alpine-built objects it is often "libc.musl-<arch>.so.1" (the loader
 * ld-musl-<arch>.so.1 is the same file); both name the same library.
 */
static bool is_musl_libc_name(const char *soname)
{
	size_t n = strlen(soname);
	return (strncmp(soname, "libc.musl-", 10) == 0 || strncmp(soname, "ld-musl-", 8) == 0) &&
	       n > 5 && strcmp(soname + n - 5, ".so.1") == 0;
}

bool wa_policy_lib_allowed(const struct wa_policy *p, const char *soname)
{
	if (strlist_has(&p->whitelist, soname))
		return true;
	return wa_family_libc(p->family) == WA_LIBC_MUSL && is_musl_libc_name(soname) &&
	       strlist_has(&p->whitelist, "libc.so");
}

bool wa_policy_symbol_blacklisted(const struct wa_policy *p, const char *library,
				  const char *symbol)
{
	for (size_t i = 0; i < p->nblacklist; i++)
		if (strcmp(p->blacklist[i].library, library) == 0)
			return strlist_has(&p->blacklist[i].symbols, symbol);
	return false;
}

enum wa_node_verdict wa_policy_check_node(const struct wa_policy *p, const char *arch,
					  const char *library, const char *version)
{
	const struct policy_arch *pa;
	const struct fam_max *m;
	const struct fam_nodes *fn;
	const char *rest;
	size_t flen;

	if (!p->has_max || !(pa = find_parch(p, arch)))
		return WA_NODE_UNCHECKED;
	flen = split_node(version, &rest);
	if (!(m = find_max(pa, version, flen)))
		return WA_NODE_UNCHECKED;
	if (!wa_version_is_numeric(rest))
		return strlist_has(&pa->non_numeric, version) ? WA_NODE_OK : WA_NODE_NOT_ALLOWED;
	if (!m->max)
		return WA_NODE_EMPTY;
	fn = find_fam_nodes(pa->table, version, flen);
	if (fn && fn->versions.n) {
		bool found = false;

		if (wa_version_compare(rest, fn->versions.items[fn->versions.n - 1]) > 0)
			return WA_NODE_TOO_NEW;
		for (size_t i = 0; i < fn->versions.n && !found; i++)
			found = wa_version_compare(rest, fn->versions.items[i]) == 0;
		if (!found)
			return WA_NODE_NOT_ON_ARCH;
		/* GLIBC_2.0 on aarch64 is libgcc_s.so.1's node; from libc.so.6
		 * it cannot come from a correct aarch64 binary. */
		for (size_t i = 0; library && i < pa->table->nonly; i++)
			if (strcmp(pa->table->only[i].node, version) == 0 &&
			    !strlist_has(&pa->table->only[i].libraries, library))
				return WA_NODE_NOT_ON_ARCH;
	}
	return wa_version_compare(rest, m->max) <= 0 ? WA_NODE_OK : WA_NODE_TOO_NEW;
}

const char *wa_node_verdict_name(enum wa_node_verdict v)
{
	switch (v) {
	case WA_NODE_OK: return "ok";
	case WA_NODE_UNCHECKED: return "unchecked";
	case WA_NODE_TOO_NEW: return "too-new";
	case WA_NODE_EMPTY: return "empty";
	case WA_NODE_NOT_ON_ARCH: return "not-on-arch";
	case WA_NODE_NOT_ALLOWED: return "not-allowed";
	}
	return "unknown";
}

const char *wa_policy_musl_symbol_release(const struct wa_policy_set *set, const char *symbol,
					  bool arch_is_32bit)
{
	struct musl_sym key = {symbol, NULL, false};
	const struct musl_sym *s;

	if (!set->nmusl)
		return NULL;
	s = bsearch(&key, set->musl, set->nmusl, sizeof(*set->musl), cmp_musl);
	if (!s || (s->only_32bit && !arch_is_32bit))
		return NULL;
	return s->release;
}

bool wa_policy_musl_release_ok(const struct wa_policy *p, const char *release)
{
	char *end;
	long major, minor = 0;

	if (wa_family_libc(p->family) != WA_LIBC_MUSL || !wa_version_is_numeric(release))
		return false;
	major = strtol(release, &end, 10);
	if (*end == '.')
		minor = strtol(end + 1, NULL, 10);
	return major < p->libc_major || (major == p->libc_major && minor <= p->libc_minor);
}

/* Accessors for `wheelaudit policies`. */

size_t wa_policy_arch_count(const struct wa_policy *p)
{
	return p->narches;
}

const char *wa_policy_arch(const struct wa_policy *p, size_t i)
{
	return i < p->narches ? p->arches[i].arch : NULL;
}

size_t wa_policy_family_count(const struct wa_policy *p, const char *arch)
{
	const struct policy_arch *pa = find_parch(p, arch);
	return pa ? pa->nmax : 0;
}

const char *wa_policy_family_at(const struct wa_policy *p, const char *arch, size_t i,
				const char **max_out)
{
	const struct policy_arch *pa = find_parch(p, arch);

	*max_out = NULL;
	if (!pa || i >= pa->nmax)
		return NULL;
	*max_out = pa->max[i].max;
	return pa->max[i].family;
}

const char *wa_policy_family_max(const struct wa_policy *p, const char *arch, const char *family,
				 bool *checked)
{
	const struct policy_arch *pa = find_parch(p, arch);
	const struct fam_max *m = pa ? find_max(pa, family, strlen(family)) : NULL;

	*checked = m != NULL;
	return m ? m->max : NULL;
}

size_t wa_policy_non_numeric_count(const struct wa_policy *p, const char *arch)
{
	const struct policy_arch *pa = find_parch(p, arch);
	return pa ? pa->non_numeric.n : 0;
}

const char *wa_policy_non_numeric_at(const struct wa_policy *p, const char *arch, size_t i)
{
	const struct policy_arch *pa = find_parch(p, arch);
	return pa && i < pa->non_numeric.n ? pa->non_numeric.items[i] : NULL;
}

size_t wa_policy_whitelist_count(const struct wa_policy *p)
{
	return p->whitelist.n;
}

const char *wa_policy_whitelist_at(const struct wa_policy *p, size_t i)
{
	return i < p->whitelist.n ? p->whitelist.items[i] : NULL;
}

size_t wa_policy_blacklist_count(const struct wa_policy *p)
{
	return p->nblacklist;
}

const char *wa_policy_blacklist_at(const struct wa_policy *p, size_t i, size_t *nsymbols)
{
	*nsymbols = i < p->nblacklist ? p->blacklist[i].symbols.n : 0;
	return i < p->nblacklist ? p->blacklist[i].library : NULL;
}

const char *wa_policy_blacklist_symbol(const struct wa_policy *p, size_t i, size_t j)
{
	if (i >= p->nblacklist || j >= p->blacklist[i].symbols.n)
		return NULL;
	return p->blacklist[i].symbols.items[j];
}

const char *wa_policy_unverified_reason(const struct wa_policy *p, const char *arch)
{
	const struct policy_arch *pa = find_parch(p, arch);
	return pa ? pa->unverified : NULL;
}

size_t wa_policy_exception_count(const struct wa_policy *p)
{
	return p->exceptions.len;
}

const char *wa_policy_exception_at(const struct wa_policy *p, size_t i, const char **arch,
				   const char **key, bool *unverified)
{
	const struct exception *e = i < p->exceptions.len ? p->exceptions.items[i] : NULL;

	*arch = e ? e->arch : NULL;
	*key = e ? e->key : NULL;
	*unverified = e ? e->unverified : false;
	return e ? e->reason : NULL;
}
