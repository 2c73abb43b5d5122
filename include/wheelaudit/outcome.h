/* SPDX-License-Identifier: MIT */
/*
 * What happened to one wheel: the outcome of an audit or a repair.  One
 * table (WA_OUTCOME_MAP) gives each outcome its name (as JSON and the docs
 * print it), its exit-code class and a description; the command line maps
 * outcomes to exit codes from it, the docs check reads it through
 * `wheelaudit --list-outcomes`.
 */
#ifndef WHEELAUDIT_OUTCOME_H
#define WHEELAUDIT_OUTCOME_H

#include "wheelaudit/error.h"

/* The exit class of an outcome that takes its code from its cause (a rejection). */
#define WA_EXIT_FROM_CAUSE (-1)

enum wa_outcome_scope { WA_SCOPE_AUDIT, WA_SCOPE_REPAIR, WA_SCOPE_ERROR };

/*
 * XX(ID, name, exit class, scope, description)
 *   scope: WA_SCOPE_AUDIT (an audit's outcome, show and repair), WA_SCOPE_REPAIR
 *          (what repair did), WA_SCOPE_ERROR (a wheel that could not be handled)
 */
#define WA_OUTCOME_MAP(XX)                                                                          \
	/* audits (show, and the audit inside repair) */                                            \
	XX(COMPLIANT, "compliant", WA_EXIT_OK, WA_SCOPE_AUDIT,                                      \
	   "the wheel meets a policy (and the --plat target)")                                      \
	XX(POLICY_VIOLATION, "policy-violation", WA_EXIT_POLICY, WA_SCOPE_AUDIT,                    \
	   "no policy is met, or a claimed or requested tag is not met")                            \
	XX(NEEDS_GRAFT, "needs-graft", WA_EXIT_POLICY, WA_SCOPE_AUDIT,                              \
	   "only what repair fixes stands in the way: libraries to graft, a "                       \
	   "libpython to unlink")                                                                   \
	XX(NO_POLICY, "no-policy", WA_EXIT_POLICY, WA_SCOPE_AUDIT,                                  \
	   "no policy exists for the architecture or platform")                                     \
	XX(MISMATCH, "mismatch", WA_EXIT_MISMATCH, WA_SCOPE_AUDIT,                                  \
	   "a member of another architecture, a tag the content contradicts, or mixed C libraries") \
	XX(PURE, "pure", WA_EXIT_PURE, WA_SCOPE_AUDIT,                                              \
	   "no ELF members, nothing to audit (exit 0 with --allow-pure)")                           \
	/* repairs */                                                                               \
	XX(REPAIRED, "repaired", WA_EXIT_OK, WA_SCOPE_REPAIR, "a repaired wheel was written")       \
	XX(COPIED, "copied", WA_EXIT_OK, WA_SCOPE_REPAIR,                                           \
	   "a pure wheel was copied unchanged (--allow-pure)")                                      \
	XX(PLANNED, "planned", WA_EXIT_OK, WA_SCOPE_REPAIR,                                         \
	   "--dry-run: the repair was planned, nothing written")                                    \
	XX(REJECTED, "rejected", WA_EXIT_FROM_CAUSE, WA_SCOPE_REPAIR,                               \
	   "nothing was written; the exit code is that of the cause (the audit's outcome)")         \
	/* wheels that could not be audited */                                                      \
	XX(INVALID, "invalid", WA_EXIT_INVALID, WA_SCOPE_ERROR, "invalid or unsafe input")          \
	XX(REFUSED, "refused", WA_EXIT_USAGE, WA_SCOPE_ERROR,                                       \
	   "the command refused the wheel (an output that would replace an input)")                 \
	XX(ERROR, "error", WA_EXIT_INTERNAL, WA_SCOPE_ERROR, "an I/O or internal error")

enum wa_outcome {
#define XX(id, name, exit, scope, text) WA_OUTCOME_##id,
	WA_OUTCOME_MAP(XX)
#undef XX
		WA_OUTCOME_COUNT
};

const char *wa_outcome_name(enum wa_outcome o);
const char *wa_outcome_description(enum wa_outcome o);
/* The exit class (enum wa_exit), or WA_EXIT_FROM_CAUSE. */
int wa_outcome_exit_class(enum wa_outcome o);
enum wa_outcome_scope wa_outcome_scope(enum wa_outcome o);
/* The exit code: the class, or for a rejection the class of its cause. */
int wa_outcome_exit(enum wa_outcome o, enum wa_outcome cause);
/* The outcome of a wheel that failed with error code (WA_E*): invalid, refused or error. */
enum wa_outcome wa_outcome_of_error(int code);

#endif
