/* SPDX-License-Identifier: MIT */
/*
 * Repair = open + audit (audit.c) + plan (plan.c) + write (writer.c).
 * The planner decides everything, the writer does what the plan says;
 * this file only strings them together and keeps what the reports need.
 */
#include "wheelaudit/repair.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* An output must never take the place of a file the run reads. */
static int check_protected(const struct wa_repair_options *opt, const char *output,
			   struct wa_error *err)
{
	struct stat o, in;

	if (stat(output, &o) != 0)
		return 0;
	for (size_t i = 0; i < opt->n_protect; i++)
		if (stat(opt->protect[i], &in) == 0 && in.st_dev == o.st_dev &&
		    in.st_ino == o.st_ino)
			return wa_error_set(err, WA_EUSAGE, NULL,
					    "the output %s would replace the input %s; choose "
					    "another --wheel-dir",
					    output, opt->protect[i]);
	return 0;
}

int wa_repair_wheel(struct wa_repair **out, const char *path, const struct wa_repair_options *opt,
		    struct wa_error *err)
{
	struct wa_repair *r = calloc(1, sizeof(*r));
	struct wa_wheel *w = NULL;
	int rc;

	*out = NULL;
	if (!r)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	rc = wa_wheel_open(&w, path, &opt->audit.limits, err);
	if (!rc)
		rc = wa_audit_run(&r->audit, w, &opt->audit, err);
	if (!rc)
		rc = wa_plan_build(&r->plan, w, &r->audit, opt, err);
	if (!rc) {
		r->outcome = r->plan->outcome;
		r->cause = r->plan->cause;
		if (r->outcome != WA_OUTCOME_REJECTED && opt->dry_run)
			r->outcome = WA_OUTCOME_PLANNED;
	}
	if (!rc && (r->outcome == WA_OUTCOME_REPAIRED || r->outcome == WA_OUTCOME_COPIED)) {
		rc = check_protected(opt, r->plan->output, err);
		if (!rc && opt->before_write)
			opt->before_write(r->plan);
		if (!rc)
			rc = wa_plan_write(r->plan, w,
					   opt->audit.threads ? opt->audit.threads
							      : wa_default_threads(),
					   &r->stats, err);
		if (!rc)
			r->output = r->plan->output;
	}
	wa_wheel_free(w);
	if (rc) {
		wa_repair_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

void wa_repair_free(struct wa_repair *r)
{
	if (!r)
		return;
	wa_plan_free(r->plan);
	wa_audit_free(r->audit);
	free(r);
}
