/* SPDX-License-Identifier: MIT */
/*
 * The audit behind `show` (and later `repair`): wheel + ELF inspection +
 * policies -> a self-contained result.  Findings are data, not errors: a
 * wheel that meets no policy is a successful audit with exit code 1.
 * Nothing here prints.
 */
#ifndef WHEELAUDIT_AUDIT_H
#define WHEELAUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "wheelaudit/arch.h"
#include "wheelaudit/arena.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/error.h"
#include "wheelaudit/family.h"
#include "wheelaudit/outcome.h"
#include "wheelaudit/policy.h"
#include "wheelaudit/wheel.h"

struct wa_audit_options {
	const struct wa_policy_set *policies; /* borrowed, required */
	struct wa_limits limits;
	struct wa_elf_limits elf_limits;
	unsigned threads;           /* scan and repair's compression; 0: wa_default_threads() */
	bool allow_pure;            /* a pure wheel is exit 0 rather than 5 */
	bool disable_isa_check;     /* x86-64-v2+ modules do not rule out policies */
	const char *plat;           /* --plat target, or NULL */
	const char *const *exclude; /* --exclude globs: libraries not to count as external */
	size_t n_exclude;
	bool libpython_dropped; /* repair removes DT_NEEDED libpython* (the audit after it) */
};

/* The thread count when none is asked for: the online CPUs, at most
 * WA_DEFAULT_THREADS_MAX - enough for the scan and repair's compression,
 * whose memory grows with the count (docs/repair.md, "Speed"). */
#define WA_DEFAULT_THREADS_MAX 4
unsigned wa_default_threads(void);

/* Sets the defaults (limits, threads); policies and plat stay NULL. */
void wa_audit_options_init(struct wa_audit_options *opt);

enum wa_severity { WA_SEV_INFO, WA_SEV_WARNING, WA_SEV_ERROR };
const char *wa_severity_name(enum wa_severity s);

#define WA_FINDING_MAP(XX)                                                                         \
	XX(FOREIGN_ARCH, "foreign-arch")                                                           \
	XX(TAG_ARCH_MISMATCH, "tag-arch-mismatch")                                                 \
	XX(MIXED_LIBC, "mixed-libc")                                                               \
	XX(LIBC_CONFLICT, "libc-conflict")                                                         \
	XX(NO_POLICY_FOR_ARCH, "no-policy-for-arch")                                               \
	XX(UNSUPPORTED_PLATFORM, "unsupported-platform")                                           \
	XX(SYMBOL_TOO_NEW, "symbol-too-new")                                                       \
	XX(SYMBOL_NOT_ON_ARCH, "symbol-not-on-arch")                                               \
	XX(BLACKLISTED_SYMBOL, "blacklisted-symbol")                                               \
	XX(EXTERNAL_LIBRARY, "external-library")                                                   \
	XX(EXCLUDED_LIBRARY, "excluded-library")                                                   \
	XX(LIBPYTHON, "libpython")                                                                 \
	XX(UCS2, "ucs2")                                                                           \
	XX(PYFPE, "pyfpe")                                                                         \
	XX(ISA_LEVEL, "isa-level")                                                                 \
	XX(MUSL_SYMBOL, "musl-symbol")                                                             \
	XX(WEAK_VERSION, "weak-version")                                                           \
	XX(STATIC_LIBC_WITH_DEPS, "static-libc-with-deps")                                         \
	XX(SOABI_MISMATCH, "soabi-mismatch")                                                       \
	XX(NOT_ELF_LIBRARY, "not-elf-library")                                                     \
	XX(CLAIM_NOT_MET, "claim-not-met")                                                         \
	XX(PLAT_NOT_MET, "plat-not-met")                                                           \
	XX(ABSOLUTE_RPATH, "absolute-rpath")                                                       \
	XX(ELF_CROSS_CHECK, "elf-cross-check")                                                     \
	XX(PURELIB_WITH_ELF, "purelib-with-elf")                                                   \
	XX(WHEEL_NOTE, "wheel-note")

enum wa_finding_kind {
#define XX(name, text) WA_FIND_##name,
	WA_FINDING_MAP(XX)
#undef XX
		WA_FINDING_COUNT
};
const char *wa_finding_kind_name(enum wa_finding_kind k);

struct wa_finding {
	enum wa_finding_kind kind;
	enum wa_severity severity;
	const char *member;             /* or NULL */
	const char *symbol;             /* or NULL */
	const char *version;            /* or NULL */
	const char *library;            /* or NULL */
	const struct wa_policy *lowest; /* most compatible policy allowing it, or NULL */
	const char *message;
};

/* One row of the per-symbol table: a reference that limits the tag. */
struct wa_symbol_row {
	const char *member;
	const char *symbol;  /* NULL when a version is needed but no symbol binds to it */
	const char *version; /* "GLIBC_2.17", or "musl 1.2.3" for musl evidence */
	const char *library;
	const struct wa_policy *lowest; /* NULL: no policy allows it */
	bool weak;
};

struct wa_external {
	const char *name;
	const char **needed_by; /* each member once */
	size_t n_needed_by;
	size_t needed_by_cap; /* (storage; grows geometrically) */
};

struct wa_audit_member {
	const char *path;
	struct wa_elf_info *elf; /* owned by the audit */
	struct wa_arch arch;
	enum wa_libc libc;
	const char *libc_evidence;
	enum wa_libc soabi_libc; /* from an extension's file name; NONE when it says nothing */
	bool foreign;
	bool grafted;         /* a library repair adds (wa_audit_regraft), not a wheel member */
	const char *provides; /* grafted: the DT_NEEDED name it stands in for */
	size_t wheel_index;   /* the member's index in the wheel; SIZE_MAX when grafted */
	const bool *needed_in_wheel; /* per DT_NEEDED entry: another member provides it */
	const struct wa_policy *best[WA_FAMILY_COUNT];
};

struct wa_audit {
	struct wa_arena arena;
	const char *wheel; /* file name */
	const char *path;
	enum wa_outcome outcome; /* its exit code: wa_audit_exit */
	bool pure_ok;            /* --allow-pure: a pure wheel exits 0 */
	char arch[48];
	const char *arch_source; /* "tag" or "elf" */
	enum wa_libc libc;
	bool family_possible[WA_FAMILY_COUNT]; /* the families the wheel can be judged by */
	bool retag; /* the output takes the best policies' tags (else it keeps its own) */
	const struct wa_policy *best[WA_FAMILY_COUNT];
	const struct wa_policy *best_after_graft[WA_FAMILY_COUNT];
	const struct wa_policy *widest[WA_FAMILY_COUNT]; /* whose whitelist decides "external" */
	const char **tags;                               /* the verdict's tag set */
	size_t n_tags;
	const char *tagset;
	const char *reason; /* or NULL */
	struct wa_audit_member *members;
	size_t n_members;
	struct wa_finding **findings;
	size_t n_findings;
	struct wa_symbol_row **symbols; /* worst first */
	size_t n_symbols;
	struct wa_external **externals;
	size_t n_externals;
};

/*
 * Audits the wheel at path.  On success *out is owned by the caller
 * (wa_audit_free) and holds the verdict and exit code.  Invalid or unsafe
 * input returns a negative WA_E* code with err naming the member.
 */
int wa_audit_wheel(struct wa_audit **out, const char *path, const struct wa_audit_options *opt,
		   struct wa_error *err);

/* The same on a wheel the caller opened (and still owns), e.g. to repair it next. */
int wa_audit_run(struct wa_audit **out, struct wa_wheel *wheel, const struct wa_audit_options *opt,
		 struct wa_error *err);
void wa_audit_free(struct wa_audit *a);

/* The exit code of the audit: its outcome's class (0 for a pure wheel under --allow-pure). */
int wa_audit_exit(const struct wa_audit *a);

/* A library that repair grafts: audited as if it were a member at path. */
struct wa_audit_graft {
	const char *path;        /* its member path in the repaired wheel */
	const char *provides;    /* the DT_NEEDED name it satisfies */
	struct wa_elf_info *elf; /* of the library as found; the audit takes it */
};

/*
 * Audits the wheel again as it will be once the grafts are in: every
 * member of first plus one member per graft, whose provides name counts as
 * present in the wheel.  The ELF infos of first move to *out (first keeps
 * its report but no longer its members' ELF data) and each graft's elf
 * moves too (set to NULL), even on failure.  Nothing is read again.
 */
int wa_audit_regraft(struct wa_audit **out, struct wa_wheel *wheel, struct wa_audit *first,
		     struct wa_audit_graft *grafts, size_t n_grafts,
		     const struct wa_audit_options *opt, struct wa_error *err);

/* True when a library of this name would have to be grafted: on no
 * whitelist of a family the wheel can claim, not libpython, not --exclude'd
 * and not provided by the C library. */
bool wa_audit_is_external(const struct wa_audit *a, const struct wa_audit_options *opt,
			  const char *name);

/* The tag of a policy for an arch: "manylinux_2_17_x86_64" (in the audit's arena). */
const char *wa_audit_policy_tag(struct wa_audit *a, const struct wa_policy *p);

#endif
