/* SPDX-License-Identifier: MIT */
/*
 * `repair`: audit a wheel, plan its repair (plan.h), and unless the plan
 * is a rejection or a dry run, write it (writer.h).  Rejection is a result,
 * not an error: the audit it carries says why.  Nothing here prints.
 */
#ifndef WHEELAUDIT_REPAIR_H
#define WHEELAUDIT_REPAIR_H

#include "wheelaudit/audit.h"
#include "wheelaudit/error.h"
#include "wheelaudit/outcome.h"
#include "wheelaudit/plan.h"
#include "wheelaudit/writer.h"

struct wa_repair {
	struct wa_audit *audit;      /* owned: the audit that decided (after grafting, the
				      * audit of the wheel with its grafts) */
	struct wa_repair_plan *plan; /* owned: the plan (tags, grafts, notes, members) */
	enum wa_outcome outcome;     /* repaired, copied, planned (--dry-run) or rejected */
	enum wa_outcome cause;       /* rejected: the audit outcome behind it */
	const char *output;          /* the path written, or NULL */
	struct wa_write_stats stats;
};

/*
 * Repairs the wheel at path into opt->wheel_dir.  Returns 0 with *out set
 * (its exit code: wa_outcome_exit(outcome, cause)) or a negative WA_E*
 * code: invalid input (a RECORD that does not vouch for every member
 * names the member), an output that would replace one of opt->protect
 * (WA_EUSAGE), or an I/O error while writing, after which no output file
 * remains.  The input is never modified.
 */
int wa_repair_wheel(struct wa_repair **out, const char *path, const struct wa_repair_options *opt,
		    struct wa_error *err);
void wa_repair_free(struct wa_repair *r);

#endif
