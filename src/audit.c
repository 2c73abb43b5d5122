/* SPDX-License-Identifier: MIT */
/*
 * The audit: one pass over the wheel (wheel.c) hands every ELF member to
 * the inspector (elf.c); then, for each member of the wheel's
 * architecture, every policy of the possible libc families is judged, and
 * the most compatible policy that all members meet is the verdict.
 *
 * Order of the work, and why:
 *   1. architecture first - a member of another architecture is its own
 *      finding and its symbols are never judged (they would be nonsense);
 *   2. libc next - it decides which policy family applies at all;
 *   3. then per policy: symbol versions, blacklist, whitelist, ISA;
 *   4. then the verdict, claims in the file name and --plat.
 */
#include "wheelaudit/audit.h"
#include "wheelaudit/path.h"
#include "wheelaudit/resolve.h"
#include "wheelaudit/strmap.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Why a member fails one policy: bits, so "best after grafting" can ignore one. */
enum {
	FAIL_SYMBOL = 1,    /* a version too new, not on the arch, or a musl symbol */
	FAIL_BLACKLIST = 2, /* a blacklisted symbol */
	FAIL_EXTERNAL = 4,  /* a library outside the whitelist (graftable) */
	FAIL_BLOCKING = 8,  /* UCS2, PyFPE, ISA: nothing helps */
};

/* ===== names ===== */

const char *wa_severity_name(enum wa_severity s)
{
	return s == WA_SEV_ERROR ? "error" : s == WA_SEV_WARNING ? "warning" : "info";
}

const char *wa_finding_kind_name(enum wa_finding_kind k)
{
	static const char *const names[] = {
#define XX(name, text) text,
		WA_FINDING_MAP(XX)
#undef XX
	};
	return (size_t)k < sizeof(names) / sizeof(names[0]) ? names[k] : "unknown";
}

void wa_audit_options_init(struct wa_audit_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	wa_limits_default(&opt->limits);
	wa_elf_limits_default(&opt->elf_limits);
}

/* ===== working state ===== */

struct audit_state {
	struct wa_audit *a;
	const struct wa_audit_options *opt;
	struct wa_wheel *wheel;
	struct wa_audit_graft *grafts; /* regraft: libraries added as members */
	size_t n_grafts;
	struct wa_elf_info **elf_by_member; /* indexed by wheel member */
	struct wa_ptrvec findings, symbols, externals;
	/* policies of each family that exist for the wheel's arch, most compatible first */
	const struct wa_policy **fam[WA_FAMILY_COUNT];
	size_t n_fam[WA_FAMILY_COUNT];
	unsigned char **fails; /* [member][policy index in the set] */
	struct wa_strmap external_by_name;
	struct wa_strmap blacklisted_libs; /* libraries any policy has a blacklist for */
	/* per member being evaluated: its distinct DT_NEEDED names that have a
	 * blacklist, and its undefined symbols grouped by version need */
	const char **bl_needed;
	size_t n_bl_needed;
	size_t *undef_order, *need_start;
	bool candidate[WA_FAMILY_COUNT]; /* families the platform tags allow */
	bool mismatch, no_policy, oom;
	bool not_linux; /* a platform tag of another system: no policy question arises */
};

static void *aalloc(struct audit_state *s, size_t size)
{
	void *p = wa_arena_alloc(&s->a->arena, size);

	if (!p)
		s->oom = true;
	return p;
}

static const char *astr(struct audit_state *s, const char *str)
{
	char *p;

	if (!str)
		return NULL;
	p = wa_arena_strdup(&s->a->arena, str);
	if (!p)
		s->oom = true;
	return p;
}

static struct wa_finding *add_finding(struct audit_state *s, enum wa_finding_kind kind,
				      enum wa_severity sev, const char *member, const char *fmt,
				      ...) __attribute__((format(printf, 5, 6)));

static struct wa_finding *add_finding(struct audit_state *s, enum wa_finding_kind kind,
				      enum wa_severity sev, const char *member, const char *fmt,
				      ...)
{
	struct wa_finding *f = aalloc(s, sizeof(*f));
	char msg[1024];
	va_list ap;

	if (!f)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	f->kind = kind;
	f->severity = sev;
	f->member = member;
	f->message = astr(s, msg);
	if (wa_ptrvec_push(&s->a->arena, &s->findings, f))
		s->oom = true;
	return f;
}

const char *wa_audit_policy_tag(struct wa_audit *a, const struct wa_policy *p)
{
	return wa_arena_printf(&a->arena, "%s_%s", wa_policy_name(p),
			       wa_family_tag_arch(wa_policy_family(p), a->arch));
}

static size_t policy_index(const struct wa_policy_set *set, const struct wa_policy *p)
{
	for (size_t i = 0; i < wa_policy_count(set); i++)
		if (wa_policy_at(set, i) == p)
			return i;
	return 0;
}

/* ===== scanning ===== */

static int on_elf(void *ctx, size_t member, const char *name, const void *bytes, size_t size,
		  struct wa_error *err)
{
	struct audit_state *s = ctx;

	return wa_elf_inspect_limited(&s->elf_by_member[member], bytes, size, name,
				      &s->opt->elf_limits, err);
}

unsigned wa_default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > WA_DEFAULT_THREADS_MAX ? WA_DEFAULT_THREADS_MAX : (unsigned)n;
}

/* ===== file-name facts ===== */

/* The libc an extension module's file name asks for: "x.cpython-311-x86_64-linux-gnu.so". */
/* The libc an extension module's file name asks for (tag.c: wa_ext_suffix_parse). */
static enum wa_libc soabi_libc(const char *path)
{
	struct wa_ext_suffix x;

	wa_ext_suffix_parse(&x, path);
	return x.libc;
}

static bool is_loader_name(const char *n)
{
	return strncmp(n, "ld-linux", 8) == 0 || strncmp(n, "ld64.so.", 8) == 0 ||
	       strcmp(n, "ld.so.1") == 0;
}

static bool is_musl_libc_name(const char *n)
{
	return strcmp(n, "libc.so") == 0 || strncmp(n, "libc.musl-", 10) == 0 ||
	       strncmp(n, "ld-musl-", 8) == 0;
}

/* Names musl's loader maps to itself (it has one library for all of them). */
static bool is_musl_builtin(const char *n)
{
	static const char *const prefixes[] = {"libc.",  "libpthread.", "libm.",    "libdl.",
					       "librt.", "libutil.",    "libxnet.", "ld-musl-"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static bool is_glibc_name(const char *n)
{
	return strcmp(n, "libc.so.6") == 0 || strcmp(n, "libc.so.6.1") == 0 || is_loader_name(n);
}

/* ===== libc of one member ===== */

/* True when a platform tag of the wheel is android_<api>_<abi> (PEP 738). */
static bool tagged_android(const struct audit_state *s)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);

	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform p;

		wa_platform_parse(&p, wn->platforms[i]);
		if (p.kind == WA_PLATFORM_POLICY && p.family == WA_FAMILY_ANDROID)
			return true;
	}
	return false;
}

static void classify_libc(struct audit_state *s, struct wa_audit_member *m)
{
	const struct wa_elf_info *e = m->elf;
	bool glibc = false, musl = false, android = false;
	const char *why_glibc = NULL, *why_musl = NULL, *why_android = NULL;
	/* bionic and musl both call their C library libc.so: the NDK's note
	 * or the wheel's android tag tell which one a bare libc.so is */
	bool bionic_libc_so = e->android_api || tagged_android(s);

	if (e->android_api)
		android = true, why_android = "its .note.android.ident";

	if (e->interp) {
		if (strstr(e->interp, "ld-musl-"))
			musl = true, why_musl = e->interp;
		else if (strstr(e->interp, "/system/bin/linker"))
			android = true, why_android = e->interp;
		else
			glibc = true, why_glibc = e->interp;
	}
	for (size_t i = 0; i < e->n_needed; i++) {
		if (is_glibc_name(e->needed[i]))
			glibc = true, why_glibc = why_glibc ? why_glibc : e->needed[i];
		else if (bionic_libc_so && strcmp(e->needed[i], "libc.so") == 0)
			android = true, why_android = why_android ? why_android
								  : "libc.so of an "
								    "android wheel";
		else if (is_musl_libc_name(e->needed[i]))
			musl = true, why_musl = why_musl ? why_musl : e->needed[i];
	}
	for (size_t i = 0; i < e->n_needs; i++) {
		const char *v = e->needs[i].version;

		if (strncmp(v, "GLIBC_", 6) == 0)
			glibc = true, why_glibc = why_glibc ? why_glibc : v;
		else if ((strcmp(v, "LIBC") == 0 || strncmp(v, "LIBC_", 5) == 0) &&
			 strcmp(e->needs[i].library, "libc.so") == 0)
			android = true, why_android = why_android ? why_android : v;
	}
	if (android) {
		/* bionic's libc.so is also named libc.so: its LIBC version wins */
		musl = false;
	}
	if (m->soabi_libc == WA_LIBC_BIONIC && !glibc && !musl)
		android = true,
		why_android = why_android ? why_android : "-linux-android file name";
	if ((glibc && musl) || (glibc && android)) {
		m->libc = WA_LIBC_CONFLICT;
		m->libc_evidence = wa_arena_printf(&s->a->arena, "%s and %s", why_glibc,
						   musl ? why_musl : why_android);
		return;
	}
	if (glibc)
		m->libc = WA_LIBC_GLIBC, m->libc_evidence = why_glibc;
	else if (musl)
		m->libc = WA_LIBC_MUSL, m->libc_evidence = why_musl;
	else if (android)
		m->libc = WA_LIBC_BIONIC, m->libc_evidence = why_android;
	else
		m->libc = WA_LIBC_NONE, m->libc_evidence = "no libc in DT_NEEDED, PT_INTERP or "
							   "symbol versions";
}

/* ===== architecture ===== */

static bool is_extension_name(const char *path)
{
	struct wa_ext_suffix x;

	wa_ext_suffix_parse(&x, path);
	return x.kind != WA_EXT_NONE;
}

/*
 * The wheel's architecture: from its platform tag when it has one, else
 * from its first extension module (else first ELF member).
 */
static void decide_wheel_arch(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);

	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform p;

		wa_platform_parse(&p, wn->platforms[i]);
		if (p.kind == WA_PLATFORM_LINUX || p.kind == WA_PLATFORM_POLICY) {
			snprintf(a->arch, sizeof(a->arch), "%s", wa_arch_canonical_tag(p.arch));
			a->arch_source = "tag";
			return;
		}
	}
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < a->n_members; i++)
			if (pass == 1 || is_extension_name(a->members[i].path)) {
				snprintf(a->arch, sizeof(a->arch), "%s", a->members[i].arch.name);
				a->arch_source = "elf";
				return;
			}
}

/* The member the others must be able to share a process with: the first
 * extension module of the wheel's architecture, else its first member. */
static const struct wa_audit_member *reference_member(const struct wa_audit *a)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < a->n_members; i++)
			if (!a->members[i].foreign &&
			    (pass == 1 || is_extension_name(a->members[i].path)))
				return &a->members[i];
	return NULL;
}

/*
 * Marks the members that cannot run where the wheel is installed: of
 * another architecture than the wheel's, or - as the loader checks it -
 * of another class, byte order or ABI than the wheel's reference member
 * (a big-endian MIPS library in a little-endian mips64 wheel carries the
 * same architecture name).  Each platform tag of the file name must also
 * be matched by an ELF member.
 */
static void check_architecture(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);
	const struct wa_audit_member *ref;
	struct wa_ld_request req;
	size_t foreign = 0;

	for (size_t i = 0; i < a->n_members; i++)
		a->members[i].foreign = !wa_arch_fits_tag(&a->members[i].arch, a->arch);
	ref = reference_member(a);
	if (ref) {
		memset(&req, 0, sizeof(req));
		req.elf_class = ref->elf->elf_class;
		req.data = ref->elf->data;
		req.machine = ref->elf->machine;
		req.flags = ref->elf->flags;
	}
	for (size_t i = 0; i < a->n_members; i++) {
		struct wa_audit_member *m = &a->members[i];

		if (ref && !m->foreign &&
		    !wa_ld_compatible(&req, m->elf->elf_class, m->elf->data, m->elf->machine,
				      m->elf->flags))
			m->foreign = true;
		foreign += m->foreign;
	}
	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform p;
		const char *arch;
		bool covered = false;

		wa_platform_parse(&p, wn->platforms[i]);
		if (p.kind != WA_PLATFORM_LINUX && p.kind != WA_PLATFORM_POLICY)
			continue;
		arch = wa_arch_canonical_tag(p.arch);
		for (size_t k = 0; k < a->n_members && !covered; k++)
			covered = wa_arch_fits_tag(&a->members[k].arch, arch);
		if (covered)
			continue;
		s->mismatch = true;
		add_finding(s, WA_FIND_TAG_ARCH_MISMATCH, WA_SEV_ERROR, NULL,
			    "the wheel is tagged %s but none of its ELF members is %s: %s is %s",
			    wn->platforms[i], arch, a->members[0].path,
			    a->members[0].arch.description);
	}
	if (!foreign)
		return;
	s->mismatch = true;
	for (size_t i = 0; i < a->n_members; i++) {
		const struct wa_audit_member *m = &a->members[i];

		if (!m->foreign)
			continue;
		if (ref && strcmp(m->arch.name, ref->arch.name) == 0)
			add_finding(s, WA_FIND_FOREIGN_ARCH, WA_SEV_ERROR, m->path,
				    "member %s is %s, the wheel is %s (%s is %s): the loader would "
				    "refuse it",
				    m->path, m->arch.description, a->arch, ref->path,
				    ref->arch.description);
		else
			add_finding(s, WA_FIND_FOREIGN_ARCH, WA_SEV_ERROR, m->path,
				    "member %s is %s, the wheel is %s", m->path,
				    m->arch.description, a->arch);
	}
}

/* ===== policies that apply ===== */

static void collect_family_policies(struct audit_state *s)
{
	const struct wa_policy_set *set = s->opt->policies;
	size_t n = wa_policy_count(set);

	for (int f = 0; f < WA_FAMILY_COUNT; f++) {
		s->fam[f] = aalloc(s, (n ? n : 1) * sizeof(*s->fam[f]));
		if (!s->fam[f])
			return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct wa_policy *p = wa_policy_at(set, i);
		enum wa_family f = wa_policy_family(p);

		if (s->candidate[f] && wa_policy_has_arch(p, s->a->arch))
			s->fam[f][s->n_fam[f]++] = p;
	}
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		s->a->widest[f] = s->n_fam[f] ? s->fam[f][s->n_fam[f] - 1] : NULL;
}

/* The candidate families' names, "manylinux or musllinux", for messages. */
static const char *candidate_names(struct audit_state *s)
{
	char buf[256] = "";
	size_t used = 0, n = 0, total = 0;

	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		total += s->candidate[f];
	for (int f = 0; f < WA_FAMILY_COUNT && used < sizeof(buf); f++) {
		int k;

		if (!s->candidate[f])
			continue;
		n++;
		k = snprintf(buf + used, sizeof(buf) - used, "%s%s",
			     n == 1       ? ""
			     : n == total ? " or "
					  : ", ",
			     wa_family_name((enum wa_family)f));
		if (k > 0)
			used += (size_t)k;
	}
	return astr(s, buf);
}

/* The first family the wheel can be judged by (findings said once, not per family). */
static enum wa_family first_possible_family(const struct wa_audit *a)
{
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		if (a->family_possible[f])
			return (enum wa_family)f;
	return WA_FAMILY_COUNT;
}

/*
 * Narrows the candidate families to those of the members' C library (from
 * their ELF data, or for a libc-free extension module from its file name:
 * only interpreters of that libc import it).  Two C libraries in one wheel
 * are a mismatch; a C library no candidate family is built on leaves no
 * policy to judge by.
 */
static void decide_families(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	const char *by_libc[WA_LIBC_CONFLICT + 1] = {0};
	enum wa_libc found = WA_LIBC_NONE;

	for (size_t i = 0; i < a->n_members; i++) {
		const struct wa_audit_member *m = &a->members[i];
		enum wa_libc l = m->libc;

		if (m->foreign)
			continue;
		if (l == WA_LIBC_NONE)
			l = m->soabi_libc;
		if (l == WA_LIBC_CONFLICT) {
			s->mismatch = true;
			add_finding(s, WA_FIND_LIBC_CONFLICT, WA_SEV_ERROR, m->path,
				    "member %s shows evidence of two C libraries (%s)", m->path,
				    m->libc_evidence);
		} else if (l != WA_LIBC_NONE && !by_libc[l]) {
			by_libc[l] = m->path;
			if (found != WA_LIBC_NONE && a->libc != WA_LIBC_CONFLICT) {
				s->mismatch = true;
				add_finding(s, WA_FIND_MIXED_LIBC, WA_SEV_ERROR, m->path,
					    "%s and %s members in one wheel: %s is %s, %s is %s",
					    wa_libc_name(found), wa_libc_name(l), by_libc[found],
					    wa_libc_name(found), m->path, wa_libc_name(l));
				a->libc = WA_LIBC_CONFLICT;
			}
			if (found == WA_LIBC_NONE)
				found = l;
		}
	}
	if (a->libc == WA_LIBC_CONFLICT)
		return;
	a->libc = found;
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		a->family_possible[f] =
			s->candidate[f] && !s->mismatch &&
			(found == WA_LIBC_NONE || wa_family_libc((enum wa_family)f) == found);
	if (s->mismatch || s->no_policy || found == WA_LIBC_NONE ||
	    first_possible_family(a) != WA_FAMILY_COUNT)
		return;
	s->no_policy = true;
	add_finding(s, WA_FIND_UNSUPPORTED_PLATFORM, WA_SEV_ERROR, by_libc[found],
		    "%s objects (%s): no %s policy applies to them", wa_libc_name(found),
		    by_libc[found], candidate_names(s));
}

/* ===== judging one member against the policies ===== */

/*
 * Marks, once, which DT_NEEDED entries the wheel itself provides, as the
 * loader model (resolve.h) finds them: a member of another architecture
 * provides nothing, a grafted copy also answers to the name it stands in
 * for.
 */
static void resolve_in_wheel(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	struct wa_resolver_member *rm = calloc(a->n_members + 1, sizeof(*rm));
	struct wa_resolver *r = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	for (size_t i = 0; rm && i < a->n_members; i++)
		if (!a->members[i].foreign)
			rm[i] = (struct wa_resolver_member){a->members[i].path, a->members[i].elf,
							    a->members[i].provides};
	if (!rm || wa_resolver_new(&r, NULL, rm, a->n_members, NULL, &err)) {
		s->oom = true;
		free(rm);
		return;
	}
	for (size_t i = 0; i < a->n_members && !s->oom; i++) {
		struct wa_audit_member *m = &a->members[i];
		bool *in = aalloc(s, (m->elf->n_needed ? m->elf->n_needed : 1) * sizeof(bool));

		if (!in)
			break;
		for (size_t k = 0; k < m->elf->n_needed; k++) {
			long found = rm[i].elf ? wa_resolver_in_wheel(r, i, m->elf->needed[k], &err)
					       : -1;

			if (found == -2)
				s->oom = true;
			in[k] = found >= 0;
		}
		m->needed_in_wheel = in;
	}
	wa_resolver_free(r);
	free(rm);
}

static bool is_libpython(const char *name)
{
	return strncmp(name, "libpython", 9) == 0;
}

/* True when the library comes with the C library itself on this family. */
static bool libc_provides(enum wa_family f, const char *name)
{
	switch (wa_family_libc(f)) {
	case WA_LIBC_MUSL: return is_musl_builtin(name);
	case WA_LIBC_GLIBC: return is_loader_name(name);
	default: return false;
	}
}

/* --exclude: the user provides this library some other way. */
static bool excluded(const struct audit_state *s, const char *name)
{
	for (size_t i = 0; i < s->opt->n_exclude; i++)
		if (fnmatch(s->opt->exclude[i], name, 0) == 0)
			return true;
	return false;
}

/*
 * True when p lets an object of C library libc need name: the policy's
 * whitelist, or a name the family's C library provides itself - but only
 * to objects built against that C library: a module that links none needs
 * every name on the whitelist (musl's loader would answer libpthread.so.0
 * itself, yet the musllinux policy does not list it).
 */
static bool lib_allowed(const struct wa_policy *p, const char *name, enum wa_libc libc)
{
	enum wa_family f = wa_policy_family(p);

	return wa_policy_lib_allowed(p, name) ||
	       (libc == wa_family_libc(f) && libc_provides(f, name));
}

static bool node_ok(enum wa_node_verdict v)
{
	return v == WA_NODE_OK || v == WA_NODE_UNCHECKED;
}

/* Bits of why member m fails policy p. */
static unsigned judge(struct audit_state *s, const struct wa_audit_member *m,
		      const struct wa_policy *p, bool blocking)
{
	const struct wa_elf_info *e = m->elf;
	const char *arch = s->a->arch;
	unsigned bits = blocking ? FAIL_BLOCKING : 0;

	/* the NDK built it for an API level: it may call what that level
	 * added (resolved at run time), so no lower level can take it */
	if (e->android_api && wa_policy_family(p) == WA_FAMILY_ANDROID) {
		int level, unused;

		wa_policy_libc_version(p, &level, &unused);
		if (level < (int)e->android_api)
			bits |= FAIL_SYMBOL;
	}
	for (size_t i = 0; i < e->n_needed; i++) {
		const char *n = e->needed[i];

		if (is_libpython(n)) {
			/* repair removes it (not for Android, where it belongs) */
			if (wa_policy_family(p) != WA_FAMILY_ANDROID && !s->opt->libpython_dropped)
				bits |= FAIL_EXTERNAL;
			continue;
		}
		if (!lib_allowed(p, n, m->libc) && !m->needed_in_wheel[i] && !excluded(s, n))
			bits |= FAIL_EXTERNAL;
	}
	for (size_t i = 0; i < e->n_needs; i++) {
		const struct wa_elf_verneed *v = &e->needs[i];

		if (v->weak || !lib_allowed(p, v->library, m->libc))
			continue;
		if (!node_ok(wa_policy_check_node(p, arch, v->library, v->version)))
			bits |= FAIL_SYMBOL;
	}
	for (size_t i = 0; i < e->n_undefs; i++) {
		const struct wa_elf_undef *u = &e->undefs[i];

		if (u->verneed >= 0) {
			if (!u->weak &&
			    wa_policy_symbol_blacklisted(p, e->needs[u->verneed].library, u->name))
				bits |= FAIL_BLACKLIST;
			continue;
		}
		for (size_t k = 0; !u->weak && k < s->n_bl_needed; k++)
			if (wa_policy_symbol_blacklisted(p, s->bl_needed[k], u->name))
				bits |= FAIL_BLACKLIST;
		if (m->libc == WA_LIBC_MUSL &&
		    wa_family_libc(wa_policy_family(p)) == WA_LIBC_MUSL) {
			const char *rel = wa_policy_musl_symbol_release(s->opt->policies, u->name,
									wa_arch_is_32bit(arch));

			if (rel && !wa_policy_musl_release_ok(p, rel))
				bits |= FAIL_SYMBOL;
		}
	}
	return bits;
}

/* Findings that rule out every policy, whatever the policy says. */
static bool blocking_findings(struct audit_state *s, const struct wa_audit_member *m)
{
	const struct wa_elf_info *e = m->elf;
	bool blocking = false;
	bool ucs2 = false, fpe = false;

	/* libpython: on Android the interpreter is a shared libpython3.X.so
	 * that modules link as a matter of course; elsewhere the interpreter
	 * may have it linked in statically, so the DT_NEEDED is one repair
	 * removes (the symbols come from the process either way) */
	for (size_t i = 0; i < e->n_needed && m->libc != WA_LIBC_BIONIC; i++)
		if (is_libpython(e->needed[i])) {
			struct wa_finding *f =
				s->opt->libpython_dropped
					? add_finding(s, WA_FIND_LIBPYTHON, WA_SEV_INFO, m->path,
						      "%s: the DT_NEEDED on %s is removed (the "
						      "interpreter provides its symbols)",
						      m->path, e->needed[i])
					: add_finding(
						  s, WA_FIND_LIBPYTHON, WA_SEV_ERROR, m->path,
						  "%s links %s: the interpreter provides it, and "
						  "one linked statically has no such file; repair "
						  "removes this DT_NEEDED",
						  m->path, e->needed[i]);
			if (f)
				f->library = e->needed[i];
		}
	for (size_t i = 0; i < e->n_undefs; i++) {
		const char *n = e->undefs[i].name;

		if (!ucs2 && strncmp(n, "PyUnicodeUCS2_", 14) == 0) {
			struct wa_finding *f = add_finding(
				s, WA_FIND_UCS2, WA_SEV_ERROR, m->path,
				"%s was built for a UCS2 (narrow-unicode) Python: %s; no supported "
				"interpreter is such a build",
				m->path, n);
			if (f)
				f->symbol = n;
			ucs2 = blocking = true;
		}
		if (!fpe && strcmp(n, "PyFPE_jbuf") == 0) {
			struct wa_finding *f = add_finding(
				s, WA_FIND_PYFPE, WA_SEV_ERROR, m->path,
				"%s needs PyFPE_jbuf, which only --with-fpectl interpreters have",
				m->path);
			if (f)
				f->symbol = n;
			fpe = blocking = true;
		}
	}
	if (e->x86_isa_needed > WA_ISA_BASELINE && !s->opt->disable_isa_check &&
	    (e->machine == 62 || e->machine == 3)) {
		add_finding(s, WA_FIND_ISA_LEVEL, WA_SEV_ERROR, m->path,
			    "%s needs x86-64-v%d (GNU_PROPERTY_X86_ISA_1_NEEDED); the policies "
			    "promise only the baseline instruction set",
			    m->path, (int)e->x86_isa_needed);
		blocking = true;
	}
	return blocking;
}

/* ===== per-symbol rows and findings ===== */

/* The most compatible policy of family f that allows this version need. */
static const struct wa_policy *lowest_for_need(struct audit_state *s, enum wa_family f,
					       const struct wa_elf_verneed *v,
					       enum wa_node_verdict *worst)
{
	*worst = WA_NODE_OK;
	for (size_t i = 0; i < s->n_fam[f]; i++) {
		enum wa_node_verdict r =
			wa_policy_check_node(s->fam[f][i], s->a->arch, v->library, v->version);

		if (node_ok(r))
			return s->fam[f][i];
		*worst = r;
	}
	return NULL;
}

static void add_row(struct audit_state *s, const char *member, const char *symbol,
		    const char *version, const char *library, const struct wa_policy *lowest,
		    bool weak)
{
	struct wa_symbol_row *r = aalloc(s, sizeof(*r));

	if (!r)
		return;
	*r = (struct wa_symbol_row){member, symbol, version, library, lowest, weak};
	if (wa_ptrvec_push(&s->a->arena, &s->symbols, r))
		s->oom = true;
}

static void version_rows(struct audit_state *s, const struct wa_audit_member *m, enum wa_family f)
{
	const struct wa_elf_info *e = m->elf;

	if (!s->n_fam[f])
		return;
	for (size_t i = 0; i < e->n_needs; i++) {
		const struct wa_elf_verneed *v = &e->needs[i];
		enum wa_node_verdict worst;
		const struct wa_policy *lowest;
		bool any_symbol = false;

		if (!lib_allowed(s->fam[f][s->n_fam[f] - 1], v->library, m->libc))
			continue; /* external library: its versions are its own business */
		lowest = lowest_for_need(s, f, v, &worst);
		if (lowest == s->fam[f][0])
			continue; /* does not limit the tag */
		if (v->weak) {
			/* Listed for the record, flagged weak: the loader does not
			 * fail without the version, so it does not decide the tag. */
			add_finding(s, WA_FIND_WEAK_VERSION, WA_SEV_INFO, m->path,
				    "%s needs %s from %s only weakly (VER_FLG_WEAK): it does not "
				    "decide the tag",
				    m->path, v->version, v->library);
			for (size_t j = s->need_start[i]; j < s->need_start[i + 1]; j++)
				add_row(s, m->path, e->undefs[s->undef_order[j]].name, v->version,
					v->library, lowest, true);
			continue;
		}
		for (size_t j = s->need_start[i]; j < s->need_start[i + 1]; j++) {
			const struct wa_elf_undef *u = &e->undefs[s->undef_order[j]];

			add_row(s, m->path, u->name, v->version, v->library, lowest, u->weak);
			any_symbol = true;
		}
		if (!any_symbol)
			add_row(s, m->path, NULL, v->version, v->library, lowest, false);
		if (!lowest) {
			struct wa_finding *fi;

			if (worst == WA_NODE_NOT_ON_ARCH)
				fi = add_finding(
					s, WA_FIND_SYMBOL_NOT_ON_ARCH, WA_SEV_ERROR, m->path,
					"%s needs %s from %s, which no %s release has: not "
					"from this architecture",
					m->path, v->version, v->library, s->a->arch);
			else
				fi = add_finding(s, WA_FIND_SYMBOL_TOO_NEW, WA_SEV_ERROR, m->path,
						 "%s needs %s from %s, newer than every %s policy",
						 m->path, v->version, v->library,
						 wa_family_name(f));
			if (fi) {
				fi->version = v->version;
				fi->library = v->library;
			}
		}
	}
}

/* musl has no symbol versions: the symbols it first exported in a later
 * release date the module instead (family f is built on musl). */
static void musl_rows(struct audit_state *s, const struct wa_audit_member *m, enum wa_family f)
{
	const struct wa_elf_info *e = m->elf;

	if (m->libc != WA_LIBC_MUSL || !s->n_fam[f])
		return;
	for (size_t i = 0; i < e->n_undefs; i++) {
		const struct wa_elf_undef *u = &e->undefs[i];
		const char *rel;
		const struct wa_policy *lowest = NULL;
		struct wa_finding *fi;

		if (u->verneed >= 0)
			continue;
		rel = wa_policy_musl_symbol_release(s->opt->policies, u->name,
						    wa_arch_is_32bit(s->a->arch));
		if (!rel)
			continue;
		for (size_t k = 0; k < s->n_fam[f] && !lowest; k++)
			if (wa_policy_musl_release_ok(s->fam[f][k], rel))
				lowest = s->fam[f][k];
		add_row(s, m->path, u->name, wa_arena_printf(&s->a->arena, "musl %s", rel),
			"libc (musl)", lowest, u->weak);
		fi = add_finding(s, WA_FIND_MUSL_SYMBOL, WA_SEV_INFO, m->path,
				 "%s imports %s, first exported by musl %s%s", m->path, u->name,
				 rel, lowest ? "" : ": no policy of the family has it");
		if (fi) {
			fi->symbol = u->name;
			fi->version = rel;
			fi->lowest = lowest;
		}
	}
}

static void blacklist_findings(struct audit_state *s, const struct wa_audit_member *m,
			       enum wa_family f)
{
	const struct wa_elf_info *e = m->elf;

	for (size_t i = 0; i < e->n_undefs; i++) {
		const struct wa_elf_undef *u = &e->undefs[i];

		for (size_t k = 0; k < (u->verneed >= 0 ? 1 : s->n_bl_needed); k++) {
			const char *lib =
				u->verneed >= 0 ? e->needs[u->verneed].library : s->bl_needed[k];
			const struct wa_policy *first = NULL, *last = NULL, *lowest = NULL;
			struct wa_finding *fi;

			for (size_t p = 0; p < s->n_fam[f]; p++) {
				if (wa_policy_symbol_blacklisted(s->fam[f][p], lib, u->name)) {
					first = first ? first : s->fam[f][p];
					last = s->fam[f][p];
				} else if (first && !lowest) {
					lowest = s->fam[f][p];
				}
			}
			if (!first)
				continue;
			/* a weak reference binds to NULL where the library lacks
			 * the symbol: the module still loads, so it does not decide */
			fi = add_finding(s, WA_FIND_BLACKLISTED_SYMBOL,
					 u->weak ? WA_SEV_WARNING : WA_SEV_ERROR, m->path,
					 "%s uses %s%s from %s, forbidden by %s%s%s%s", m->path,
					 u->name, u->weak ? " (weak)" : "", lib,
					 wa_policy_name(first), first == last ? "" : " ... ",
					 first == last ? "" : wa_policy_name(last),
					 u->weak ? "; a weak reference, which does not decide the "
						   "tag"
						 : "");
			if (fi) {
				fi->symbol = u->name;
				fi->library = lib;
				fi->lowest = lowest;
			}
		}
	}
}

static void note_external(struct audit_state *s, const char *lib, const char *member)
{
	struct wa_external *x = wa_strmap_get(&s->external_by_name, lib);

	if (!x) {
		x = aalloc(s, sizeof(*x));
		if (!x || wa_ptrvec_push(&s->a->arena, &s->externals, x) ||
		    wa_strmap_put(&s->a->arena, &s->external_by_name, lib, x)) {
			s->oom = true;
			return;
		}
		x->name = lib;
	}
	/* once per member, however often it lists the library (and whichever
	 * family is being evaluated) */
	if (x->n_needed_by && x->needed_by[x->n_needed_by - 1] == member)
		return;
	if (x->n_needed_by == x->needed_by_cap) {
		size_t cap = x->needed_by_cap ? 2 * x->needed_by_cap : 4;
		const char **by = aalloc(s, cap * sizeof(*by));

		if (!by)
			return;
		if (x->n_needed_by)
			memcpy(by, x->needed_by, x->n_needed_by * sizeof(*by));
		x->needed_by = by;
		x->needed_by_cap = cap;
	}
	x->needed_by[x->n_needed_by++] = member;
}

static void external_findings(struct audit_state *s, const struct wa_audit_member *m,
			      enum wa_family f)
{
	const struct wa_policy *widest;
	const struct wa_elf_info *e = m->elf;

	if (!s->n_fam[f])
		return;
	widest = s->fam[f][s->n_fam[f] - 1];
	for (size_t i = 0; i < e->n_needed; i++) {
		const char *n = e->needed[i];
		struct wa_finding *fi;

		if (lib_allowed(widest, n, m->libc) || m->needed_in_wheel[i] || is_libpython(n))
			continue;
		if (excluded(s, n)) {
			/* once per member, whichever families are evaluated */
			if (f == first_possible_family(s->a)) {
				fi = add_finding(s, WA_FIND_EXCLUDED_LIBRARY, WA_SEV_INFO, m->path,
						 "%s needs %s, excluded by --exclude: not grafted, "
						 "the user must provide it",
						 m->path, n);
				if (fi)
					fi->library = n;
			}
			continue;
		}
		note_external(s, n, m->path);
		fi = add_finding(s, WA_FIND_EXTERNAL_LIBRARY, WA_SEV_ERROR, m->path,
				 "%s needs %s, which is not on the %s whitelist: it must be "
				 "grafted into the wheel (or --exclude'd if users provide it)%s",
				 m->path, n, wa_family_name(f),
				 m->libc != wa_family_libc(f) && libc_provides(f, n)
					 ? "; the module links no C library, and although the "
					   "C library's loader would answer the name itself, the "
					   "policy does not list it"
					 : "");
		if (fi)
			fi->library = n;
	}
}

static void member_warnings(struct audit_state *s, const struct wa_audit_member *m)
{
	const struct wa_elf_info *e = m->elf;
	const char *wheel_cp = wa_cpython_version(wa_wheel_filename(s->wheel)->python);
	struct wa_ext_suffix x;

	if (m->libc == WA_LIBC_NONE && e->n_needed && m->soabi_libc == WA_LIBC_NONE)
		add_finding(s, WA_FIND_STATIC_LIBC_WITH_DEPS, WA_SEV_WARNING, m->path,
			    "%s has no libc dependency of its own (libc linked statically?) but "
			    "needs %s%s: that library brings the libc it was built for, which "
			    "breaks the module's portability",
			    m->path, e->needed[0], e->n_needed > 1 ? " and others" : "");
	wa_ext_suffix_parse(&x, m->path);
	if (x.kind == WA_EXT_CPYTHON && wheel_cp && strcmp(x.cpython, wheel_cp) != 0)
		add_finding(s, WA_FIND_SOABI_MISMATCH, WA_SEV_WARNING, m->path,
			    "%s is built for CPython %s, the wheel is tagged %s", m->path,
			    x.cpython, wa_wheel_filename(s->wheel)->python);
	for (size_t i = 0; i < e->n_rpath + e->n_runpath; i++) {
		const char *dir = i < e->n_rpath ? e->rpath[i] : e->runpath[i - e->n_rpath];

		if (dir[0] == '/')
			add_finding(
				s, WA_FIND_ABSOLUTE_RPATH, WA_SEV_WARNING, m->path,
				"%s searches %s (absolute %s), a directory of the build machine",
				m->path, dir, i < e->n_rpath ? "DT_RPATH" : "DT_RUNPATH");
	}
	for (size_t i = 0; i < e->n_notes; i++)
		add_finding(s, WA_FIND_ELF_CROSS_CHECK, WA_SEV_WARNING, m->path, "%s: %s", m->path,
			    e->notes[i]);
}

/* ===== the verdict ===== */

static bool policy_met(struct audit_state *s, const struct wa_policy *p, unsigned ignore)
{
	size_t idx = policy_index(s->opt->policies, p);

	for (size_t i = 0; i < s->a->n_members; i++)
		if (!s->a->members[i].foreign && (s->fails[i][idx] & ~ignore))
			return false;
	return true;
}

/* The libraries some policy blacklists symbols of (a handful in all). */
static void collect_blacklisted_libs(struct audit_state *s)
{
	static char present;
	const struct wa_policy_set *set = s->opt->policies;

	for (size_t i = 0; i < wa_policy_count(set); i++) {
		const struct wa_policy *p = wa_policy_at(set, i);

		for (size_t k = 0; k < wa_policy_blacklist_count(p); k++) {
			size_t n;
			const char *lib = wa_policy_blacklist_at(p, k, &n);

			if (wa_strmap_put(&s->a->arena, &s->blacklisted_libs, lib, &present))
				s->oom = true;
		}
	}
}

/*
 * Per-member tables that keep judging linear: the distinct DT_NEEDED names
 * with a blacklist (an unversioned symbol is checked against those only),
 * and the undefined symbols grouped by their version need (a counting sort).
 */
static int prepare_member(struct audit_state *s, const struct wa_audit_member *m)
{
	const struct wa_elf_info *e = m->elf;
	struct wa_strmap seen = {0};
	static char present;
	size_t *count;

	s->n_bl_needed = 0;
	s->bl_needed = aalloc(s, (e->n_needed ? e->n_needed : 1) * sizeof(*s->bl_needed));
	s->undef_order = aalloc(s, (e->n_undefs ? e->n_undefs : 1) * sizeof(*s->undef_order));
	s->need_start = aalloc(s, (e->n_needs + 2) * sizeof(*s->need_start));
	count = aalloc(s, (e->n_needs + 2) * sizeof(*count));
	if (!s->bl_needed || !s->undef_order || !s->need_start || !count)
		return -1;
	for (size_t k = 0; k < e->n_needed; k++) {
		const char *n = e->needed[k];

		if (!wa_strmap_get(&s->blacklisted_libs, n) || wa_strmap_get(&seen, n))
			continue;
		if (wa_strmap_put(&s->a->arena, &seen, n, &present)) {
			s->oom = true;
			return -1;
		}
		s->bl_needed[s->n_bl_needed++] = n;
	}
	/* symbols of need i go to undef_order[need_start[i] .. need_start[i + 1]) */
	for (size_t k = 0; k < e->n_undefs; k++)
		if (e->undefs[k].verneed >= 0 && (size_t)e->undefs[k].verneed < e->n_needs)
			count[e->undefs[k].verneed]++;
	s->need_start[0] = 0;
	for (size_t i = 0; i < e->n_needs; i++)
		s->need_start[i + 1] = s->need_start[i] + count[i];
	memset(count, 0, (e->n_needs + 1) * sizeof(*count));
	for (size_t k = 0; k < e->n_undefs; k++) {
		int v = e->undefs[k].verneed;

		if (v >= 0 && (size_t)v < e->n_needs)
			s->undef_order[s->need_start[v] + count[v]++] = k;
	}
	return 0;
}

static void evaluate(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	size_t np = wa_policy_count(s->opt->policies);

	if (s->oom)
		return; /* the per-member tables below may be missing */
	s->fails = aalloc(s, (a->n_members ? a->n_members : 1) * sizeof(*s->fails));
	if (!s->fails)
		return;
	collect_blacklisted_libs(s);
	for (size_t i = 0; i < a->n_members; i++) {
		struct wa_audit_member *m = &a->members[i];
		bool blocking;

		s->fails[i] = aalloc(s, np ? np : 1);
		if (!s->fails[i] || m->foreign)
			continue;
		if (prepare_member(s, m))
			return;
		blocking = blocking_findings(s, m);
		for (int f = 0; f < WA_FAMILY_COUNT; f++) {
			if (!a->family_possible[f])
				continue;
			for (size_t k = 0; k < s->n_fam[f]; k++) {
				const struct wa_policy *p = s->fam[f][k];
				unsigned bits = judge(s, m, p, blocking);

				s->fails[i][policy_index(s->opt->policies, p)] =
					(unsigned char)bits;
				if (!bits && !m->best[f])
					m->best[f] = p;
			}
			version_rows(s, m, (enum wa_family)f);
			blacklist_findings(s, m, (enum wa_family)f);
			external_findings(s, m, (enum wa_family)f);
		}
		for (int f = 0; f < WA_FAMILY_COUNT; f++)
			if (a->family_possible[f] &&
			    wa_family_libc((enum wa_family)f) == WA_LIBC_MUSL)
				musl_rows(s, m, (enum wa_family)f);
	}
	for (int f = 0; f < WA_FAMILY_COUNT; f++) {
		if (!a->family_possible[f])
			continue;
		for (size_t k = 0; k < s->n_fam[f]; k++) {
			if (!a->best[f] && policy_met(s, s->fam[f][k], 0))
				a->best[f] = s->fam[f][k];
			if (!a->best_after_graft[f] && policy_met(s, s->fam[f][k], FAIL_EXTERNAL))
				a->best_after_graft[f] = s->fam[f][k];
		}
	}
}

/* Checks each policy tag the file name claims. */
static bool check_claims(struct audit_state *s)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);
	bool ok = true;

	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform pl;
		char name[64];
		const struct wa_policy *p;

		wa_platform_parse(&pl, wn->platforms[i]);
		if (pl.kind != WA_PLATFORM_POLICY)
			continue;
		wa_family_policy_name(name, sizeof(name), pl.family, pl.major, pl.minor);
		p = wa_policy_find(s->opt->policies, name, NULL, 0);
		if (p && wa_policy_has_arch(p, s->a->arch) &&
		    s->a->family_possible[wa_policy_family(p)] && policy_met(s, p, 0))
			continue;
		ok = false;
		add_finding(s, WA_FIND_CLAIM_NOT_MET, WA_SEV_ERROR, NULL,
			    "the file name claims %s, which the content does not meet%s",
			    wn->platforms[i], p ? "" : " (no such policy is known)");
	}
	return ok;
}

static bool check_plat(struct audit_state *s)
{
	char arch[48] = "";
	const struct wa_policy *p;

	if (!s->opt->plat || strcmp(s->opt->plat, "auto") == 0)
		return true;
	p = wa_policy_find(s->opt->policies, s->opt->plat, arch, sizeof(arch));
	if (p && (!*arch || strcmp(wa_arch_canonical_tag(arch), s->a->arch) == 0) &&
	    wa_policy_has_arch(p, s->a->arch) && s->a->family_possible[wa_policy_family(p)] &&
	    policy_met(s, p, 0))
		return true;
	add_finding(s, WA_FIND_PLAT_NOT_MET, WA_SEV_ERROR, NULL, "the wheel does not meet %s%s",
		    s->opt->plat, p ? "" : " (no such policy is known)");
	return false;
}

static void push_tag(struct audit_state *s, struct wa_ptrvec *v, const char *tag)
{
	if (!tag || wa_ptrvec_push(&s->a->arena, v, (void *)tag))
		s->oom = true;
}

/* The first error finding of a kind, for the one-line reason. */
static const struct wa_finding *first_of(struct audit_state *s, enum wa_finding_kind kind)
{
	for (size_t i = 0; i < s->findings.len; i++) {
		const struct wa_finding *f = s->findings.items[i];

		if (f->kind == kind && f->severity == WA_SEV_ERROR)
			return f;
	}
	return NULL;
}

static const char *externals_list(struct audit_state *s)
{
	char buf[512] = "";
	size_t used = 0;

	for (size_t i = 0; i < s->externals.len && used < sizeof(buf) - 64; i++) {
		const struct wa_external *x = s->externals.items[i];
		int n = snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : "", x->name);

		if (n > 0)
			used += (size_t)n;
	}
	return astr(s, buf);
}

static const char *no_tag_reason(struct audit_state *s)
{
	static const enum wa_finding_kind order[] = {
		WA_FIND_LIBPYTHON,
		WA_FIND_UCS2,
		WA_FIND_PYFPE,
		WA_FIND_ISA_LEVEL,
		WA_FIND_BLACKLISTED_SYMBOL,
		WA_FIND_SYMBOL_NOT_ON_ARCH,
		WA_FIND_SYMBOL_TOO_NEW,
	};
	const struct wa_audit *a = s->a;

	if (s->externals.len) {
		const struct wa_policy *g = NULL;

		for (int f = 0; f < WA_FAMILY_COUNT && !g; f++)
			g = a->best_after_graft[f];

		return wa_arena_printf(&s->a->arena,
				       "needs external libraries: %s; %s%s once they are grafted",
				       externals_list(s), g ? "at best " : "no policy even",
				       g ? wa_audit_policy_tag(s->a, g) : "");
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const struct wa_finding *f = first_of(s, order[i]);

		if (f)
			return f->message;
	}
	return "no policy is met";
}

static int compare_tags(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static void decide_verdict(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	struct wa_ptrvec tags = {0};
	const struct wa_finding *f;
	bool claims_ok, plat_ok;
	char buf[2048];
	size_t used = 0;

	claims_ok = s->mismatch || s->no_policy || check_claims(s);
	plat_ok = s->mismatch || s->no_policy || check_plat(s);
	if (!s->mismatch && !s->no_policy)
		for (int f2 = 0; f2 < WA_FAMILY_COUNT; f2++) {
			const struct wa_policy *p = a->best[f2];

			if (!p)
				continue;
			push_tag(s, &tags, wa_audit_policy_tag(a, p));
			for (size_t k = 0; k < wa_policy_alias_count(p); k++)
				push_tag(s, &tags,
					 wa_arena_printf(&a->arena, "%s_%s", wa_policy_alias(p, k),
							 a->arch));
		}
	if (s->mismatch) {
		a->outcome = WA_OUTCOME_MISMATCH;
		f = first_of(s, WA_FIND_TAG_ARCH_MISMATCH);
		f = f ? f : first_of(s, WA_FIND_FOREIGN_ARCH);
		f = f ? f : first_of(s, WA_FIND_MIXED_LIBC);
		f = f ? f : first_of(s, WA_FIND_LIBC_CONFLICT);
		a->reason = f ? f->message : "architecture or libc mismatch";
	} else if (s->no_policy) {
		a->outcome = WA_OUTCOME_NO_POLICY;
		f = first_of(s, WA_FIND_NO_POLICY_FOR_ARCH);
		f = f ? f : first_of(s, WA_FIND_UNSUPPORTED_PLATFORM);
		a->reason = f ? f->message : "no policy applies";
	} else if (!tags.len) {
		bool graft_helps = false;

		/* "needs-graft" only when grafting would actually lead to a tag */
		for (int f2 = 0; f2 < WA_FAMILY_COUNT; f2++)
			graft_helps |= a->best_after_graft[f2] != NULL;
		const struct wa_finding *lp = first_of(s, WA_FIND_LIBPYTHON);
		/* what repair fixes: libraries to graft, a libpython to unlink */
		bool fixable = s->externals.len || (lp && lp->severity == WA_SEV_ERROR);

		a->outcome = fixable && graft_helps ? WA_OUTCOME_NEEDS_GRAFT
						    : WA_OUTCOME_POLICY_VIOLATION;
		a->reason = no_tag_reason(s);
	} else if (!claims_ok || !plat_ok) {
		a->outcome = WA_OUTCOME_POLICY_VIOLATION;
		f = first_of(s, claims_ok ? WA_FIND_PLAT_NOT_MET : WA_FIND_CLAIM_NOT_MET);
		a->reason = f ? f->message : NULL;
	} else {
		a->outcome = WA_OUTCOME_COMPLIANT;
	}
	/* without a policy tag: the wheel's own tag where the family keeps it */
	if (!tags.len && !a->retag)
		push_tag(s, &tags, astr(s, wa_wheel_filename(s->wheel)->platform));
	else if (!tags.len)
		push_tag(s, &tags, wa_arena_printf(&a->arena, "linux_%s", a->arch));
	/* one order everywhere - verdict, JSON and file names: sorted, as PEP 425
	 * prescribes for compressed tag sets */
	if (tags.len > 1)
		qsort(tags.items, tags.len, sizeof(void *), compare_tags);
	a->tags = (const char **)tags.items;
	a->n_tags = tags.len;
	for (size_t i = 0; i < tags.len && used < sizeof(buf) - 1; i++) {
		int n = snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? "." : "",
				 (const char *)tags.items[i]);
		if (n > 0)
			used += (size_t)n;
	}
	a->tagset = astr(s, buf);
}

/* ===== putting it together ===== */

static int compare_rows(const void *x, const void *y)
{
	const struct wa_symbol_row *a = *(const struct wa_symbol_row *const *)x;
	const struct wa_symbol_row *b = *(const struct wa_symbol_row *const *)y;
	int pa = a->lowest ? wa_policy_priority(a->lowest) : -1;
	int pb = b->lowest ? wa_policy_priority(b->lowest) : -1;
	int c;

	/* Worst first: no policy at all, then the least compatible policy. */
	if (pa != pb)
		return pa < pb ? -1 : 1;
	if ((c = strcmp(a->member, b->member)))
		return c;
	if ((c = strcmp(a->version, b->version)))
		return -c;
	return strcmp(a->symbol ? a->symbol : "", b->symbol ? b->symbol : "");
}

static int build_members(struct audit_state *s, struct wa_error *err)
{
	struct wa_audit *a = s->a;
	size_t n = wa_wheel_member_count(s->wheel), k = 0;

	a->members = aalloc(s, (n + s->n_grafts ? n + s->n_grafts : 1) * sizeof(*a->members));
	if (!a->members)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const struct wa_member *wm = wa_wheel_member(s->wheel, i);
		struct wa_audit_member *m;

		if (!s->elf_by_member[i]) {
			/* an extension module the interpreter cannot load makes the
			 * wheel broken; a non-ELF lib*.so is often a linker script */
			if (!wm->is_dir && is_extension_name(wm->name)) {
				a->n_members = k; /* the members taken so far are freed with a */
				return wa_error_set(err, WA_EBADELF, wm->name,
						    "an extension module that is %s: the wheel "
						    "cannot be imported",
						    wm->size ? "not ELF" : "empty");
			}
			if (!wm->is_dir && wm->looks_like_library && !wm->is_elf)
				add_finding(s, WA_FIND_NOT_ELF_LIBRARY, WA_SEV_WARNING,
					    astr(s, wm->name),
					    "%s is named like a shared library but is not ELF "
					    "(%llu bytes); skipped",
					    wm->name, (unsigned long long)wm->size);
			continue;
		}
		m = &a->members[k++];
		m->path = astr(s, wm->name);
		m->wheel_index = i;
		m->elf = s->elf_by_member[i];
		s->elf_by_member[i] = NULL; /* the audit owns it now */
		wa_arch_from_elf(&m->arch, m->elf);
		m->soabi_libc = soabi_libc(m->path);
		classify_libc(s, m);
	}
	for (size_t g = 0; g < s->n_grafts; g++) {
		struct wa_audit_member *m = &a->members[k++];

		m->path = astr(s, s->grafts[g].path);
		m->provides = astr(s, s->grafts[g].provides);
		m->grafted = true;
		m->wheel_index = SIZE_MAX;
		m->elf = s->grafts[g].elf;
		s->grafts[g].elf = NULL;
		wa_arch_from_elf(&m->arch, m->elf);
		m->soabi_libc = soabi_libc(m->path);
		classify_libc(s, m);
	}
	a->n_members = k;
	return s->oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory") : 0;
}

static void finish_pure(struct audit_state *s)
{
	struct wa_audit *a = s->a;
	const char **tags = aalloc(s, sizeof(*tags));

	a->outcome = WA_OUTCOME_PURE;
	a->pure_ok = s->opt->allow_pure;
	a->reason = "pure wheel: no ELF members, nothing to audit";
	if (tags) {
		tags[0] = astr(s, wa_wheel_filename(s->wheel)->platform);
		a->tags = tags;
		a->n_tags = 1;
		a->tagset = tags[0];
	}
}

/*
 * The families that may judge the wheel, from its platform tags: a family
 * whose wheels keep their own tag (Android) judges only wheels tagged for
 * it; the others judge Linux wheels, whatever policy tag they claim.
 */
static void check_platform_kind(struct audit_state *s)
{
	const struct wa_wheel_name *wn = wa_wheel_filename(s->wheel);
	bool own[WA_FAMILY_COUNT] = {false}, any_own = false;

	s->a->retag = true;

	for (size_t i = 0; i < wn->n_platforms; i++) {
		struct wa_platform p;

		wa_platform_parse(&p, wn->platforms[i]);
		if (p.kind == WA_PLATFORM_POLICY && !wa_family_retag(p.family)) {
			own[p.family] = any_own = true;
		} else if (p.kind == WA_PLATFORM_ANY) {
			/* the build must be fixed, not the name: a pure-Python tag on
			 * compiled code installs it where it cannot run */
			s->mismatch = true;
			add_finding(s, WA_FIND_TAG_ARCH_MISMATCH, WA_SEV_ERROR, NULL,
				    "the wheel is tagged any (pure Python) but holds ELF members, "
				    "e.g. %s (%s)",
				    s->a->members[0].path, s->a->members[0].arch.description);
		} else if (p.kind == WA_PLATFORM_OTHER) {
			s->mismatch = s->not_linux = true;
			add_finding(s, WA_FIND_TAG_ARCH_MISMATCH, WA_SEV_ERROR, NULL,
				    "the wheel is tagged %s, not a Linux platform, but holds Linux "
				    "ELF members",
				    wn->platforms[i]);
			return;
		}
	}
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		s->candidate[f] = any_own ? own[f] : wa_family_retag((enum wa_family)f);
	s->a->retag = !any_own;
}

/* No policy for the architecture: said even when a mismatch outranks it
 * (exit 4 before 1), so the report states both facts. */
static void check_policy_exists(struct audit_state *s)
{
	if (s->not_linux || s->no_policy)
		return;
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		if (s->n_fam[f])
			return;
	s->no_policy = true;
	for (size_t i = 0; i < s->a->n_members; i++) {
		const struct wa_audit_member *m = &s->a->members[i];

		if (!m->foreign) {
			add_finding(s, WA_FIND_NO_POLICY_FOR_ARCH, WA_SEV_ERROR, NULL,
				    "no %s policy exists for %s (%s is %s)", candidate_names(s),
				    s->a->arch, m->path, m->arch.description);
			return;
		}
	}
	add_finding(s, WA_FIND_NO_POLICY_FOR_ARCH, WA_SEV_ERROR, NULL, "no %s policy exists for %s",
		    candidate_names(s), s->a->arch);
}

static void take_lists(struct audit_state *s)
{
	struct wa_audit *a = s->a;

	if (s->symbols.len > 1)
		qsort(s->symbols.items, s->symbols.len, sizeof(void *), compare_rows);
	a->findings = (struct wa_finding **)s->findings.items;
	a->n_findings = s->findings.len;
	a->symbols = (struct wa_symbol_row **)s->symbols.items;
	a->n_symbols = s->symbols.len;
	a->externals = (struct wa_external **)s->externals.items;
	a->n_externals = s->externals.len;
}

/* Everything after the members are known: the judgement and the verdict. */
static int audit_members(struct audit_state *s, struct wa_error *err)
{
	struct wa_audit *a = s->a;
	int rc = build_members(s, err);

	if (rc)
		return rc;
	for (size_t i = 0; i < wa_wheel_note_count(s->wheel); i++)
		add_finding(s, WA_FIND_WHEEL_NOTE, WA_SEV_WARNING, NULL, "%s",
			    wa_wheel_note(s->wheel, i));
	if (!a->n_members) {
		finish_pure(s);
	} else {
		if (wa_wheel_root_is_purelib(s->wheel))
			add_finding(s, WA_FIND_PURELIB_WITH_ELF, WA_SEV_WARNING, NULL,
				    "WHEEL says Root-Is-Purelib: true, but the wheel holds ELF "
				    "members");
		for (size_t i = 0; i < a->n_members; i++)
			if (!a->members[i].grafted &&
			    wa_wheel_data_part(s->wheel, a->members[i].path, "purelib"))
				add_finding(
					s, WA_FIND_PURELIB_WITH_ELF, WA_SEV_WARNING,
					a->members[i].path,
					"%s is an ELF member installed into purelib: installers may "
					"put purelib and platlib in different directories, so repair "
					"cannot graft libraries for it",
					a->members[i].path);
		decide_wheel_arch(s);
		check_platform_kind(s);
		check_architecture(s);
		resolve_in_wheel(s);
		collect_family_policies(s);
		check_policy_exists(s);
		decide_families(s);
		for (size_t i = 0; i < a->n_members; i++)
			if (!a->members[i].foreign)
				member_warnings(s, &a->members[i]);
		if (!s->mismatch && !s->no_policy)
			evaluate(s);
		decide_verdict(s);
	}
	take_lists(s);
	return s->oom ? wa_error_set(err, WA_ENOMEM, NULL, "out of memory") : 0;
}

/* Allocates the result and the per-member ELF slots. */
static int audit_begin(struct audit_state *s, struct wa_error *err)
{
	const char *path = wa_wheel_path(s->wheel);
	size_t n = wa_wheel_member_count(s->wheel);

	s->a = calloc(1, sizeof(*s->a));
	if (!s->a)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	wa_arena_init(&s->a->arena);
	s->a->path = astr(s, path);
	s->a->wheel = astr(s, wa_path_base(path));
	s->elf_by_member = calloc(n ? n : 1, sizeof(*s->elf_by_member));
	if (!s->elf_by_member || s->oom)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	return 0;
}

/* Hands the result over, or frees everything on failure. */
static int audit_end(struct audit_state *s, int rc, struct wa_audit **out)
{
	size_t n = wa_wheel_member_count(s->wheel);

	if (s->elf_by_member)
		for (size_t i = 0; i < n; i++)
			wa_elf_info_free(s->elf_by_member[i]);
	free(s->elf_by_member);
	for (size_t g = 0; g < s->n_grafts; g++) {
		wa_elf_info_free(s->grafts[g].elf);
		s->grafts[g].elf = NULL;
	}
	if (rc) {
		wa_audit_free(s->a);
		return rc;
	}
	*out = s->a;
	return 0;
}

int wa_audit_run(struct wa_audit **out, struct wa_wheel *wheel, const struct wa_audit_options *opt,
		 struct wa_error *err)
{
	struct audit_state s = {.opt = opt, .wheel = wheel};
	int rc;

	*out = NULL;
	rc = audit_begin(&s, err);
	if (!rc)
		rc = wa_wheel_scan(s.wheel, opt->threads ? opt->threads : wa_default_threads(),
				   on_elf, &s, err);
	if (!rc)
		rc = audit_members(&s, err);
	return audit_end(&s, rc, out);
}

int wa_audit_regraft(struct wa_audit **out, struct wa_wheel *wheel, struct wa_audit *first,
		     struct wa_audit_graft *grafts, size_t n_grafts,
		     const struct wa_audit_options *opt, struct wa_error *err)
{
	struct audit_state s = {.opt = opt, .wheel = wheel, .grafts = grafts, .n_grafts = n_grafts};
	size_t n = wa_wheel_member_count(wheel);
	int rc;

	*out = NULL;
	rc = audit_begin(&s, err);
	for (size_t i = 0; i < first->n_members; i++) {
		struct wa_audit_member *m = &first->members[i];

		if (rc || m->grafted || m->wheel_index >= n)
			continue;
		s.elf_by_member[m->wheel_index] = m->elf;
		m->elf = NULL;
	}
	if (!rc)
		rc = audit_members(&s, err);
	return audit_end(&s, rc, out);
}

bool wa_audit_is_external(const struct wa_audit *a, const struct wa_audit_options *opt,
			  const char *name)
{
	struct audit_state s = {.opt = opt};

	if (is_libpython(name) || excluded(&s, name))
		return false;
	for (int f = 0; f < WA_FAMILY_COUNT; f++)
		if (a->family_possible[f] && a->widest[f] &&
		    !lib_allowed(a->widest[f], name, a->libc))
			return true;
	return false;
}

int wa_audit_wheel(struct wa_audit **out, const char *path, const struct wa_audit_options *opt,
		   struct wa_error *err)
{
	struct wa_wheel *w = NULL;
	int rc;

	*out = NULL;
	rc = wa_wheel_open(&w, path, &opt->limits, err);
	if (!rc)
		rc = wa_audit_run(out, w, opt, err);
	wa_wheel_free(w);
	return rc;
}

int wa_audit_exit(const struct wa_audit *a)
{
	if (a->outcome == WA_OUTCOME_PURE && a->pure_ok)
		return WA_EXIT_OK;
	return wa_outcome_exit(a->outcome, a->outcome);
}

void wa_audit_free(struct wa_audit *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_members; i++)
		wa_elf_info_free(a->members[i].elf);
	wa_arena_release(&a->arena);
	free(a);
}
