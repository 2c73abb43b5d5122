/* SPDX-License-Identifier: MIT */
/*
 * Rendering audits: text for people, JSON for machines.  Renderers never
 * analyse; they print what the audit holds, in a deterministic order.
 */
#ifndef WHEELAUDIT_REPORT_H
#define WHEELAUDIT_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "wheelaudit/audit.h"
#include "wheelaudit/lddtree.h"
#include "wheelaudit/policy.h"
#include "wheelaudit/repair.h"

struct wa_text_options {
	bool color;   /* ANSI colours (the CLI decides: TTY and no NO_COLOR) */
	bool verbose; /* every symbol row, every info finding */
};

/* Writes the verdict line and the report of one audit.  Returns 0 or -1 on a write error. */
int wa_report_text(FILE *out, const struct wa_audit *a, const struct wa_text_options *opt);

/*
 * Writes what a dry run of repair planned (outcome planned): the output,
 * its tags, the libraries grafted, and each member written anew, moved
 * or dropped.  Returns 0 or -1 on a write error.
 */
int wa_report_plan_text(FILE *out, const struct wa_repair *rep, const struct wa_text_options *opt);

/*
 * What grafting would give a wheel whose audit needs it (show with
 * --ldpaths): the tags of a dry-run repair rep, each library with the file
 * found for it, or why it cannot be repaired.  Returns 0 or -1.
 */
int wa_report_graft_preview_text(FILE *out, const struct wa_repair *rep,
				 const struct wa_text_options *opt);

/*
 * The verdict line of a wheel that could not be audited, so that every
 * wheel of a batch gets exactly one: "NAME: invalid (reason)" (or "error"
 * for an I/O or internal error).  Returns 0 or -1 on a write error.
 */
int wa_report_error_line(FILE *out, const char *path, const struct wa_error *err);

/* Writes s with the bytes a terminal would act on escaped (text.h). */
int wa_report_escaped(FILE *out, const char *s);

/* A JSON document collecting the results of several wheels. */
struct wa_json_report;

int wa_json_report_new(struct wa_json_report **out, const char *tool_version);
/* Adds the result of one audit / one wheel that could not be audited. */
int wa_json_report_add_audit(struct wa_json_report *r, const struct wa_audit *a);
/* The same, with the result of a dry-run repair (rep, or NULL when none
 * ran) as its "after_graft" object: what grafting would give. */
int wa_json_report_add_audit_preview(struct wa_json_report *r, const struct wa_audit *a,
				     const struct wa_repair *rep);
int wa_json_report_add_error(struct wa_json_report *r, const char *path, int exit_code,
			     const struct wa_error *err);
/*
 * Adds the result of repairing one wheel (docs/repair-v1.schema.json):
 * rep when the repair ran (written, copied or rejected), else the error.
 */
int wa_json_report_add_repair(struct wa_json_report *r, const char *path, int exit_code,
			      const struct wa_repair *rep, const struct wa_error *err);
/* The document of `lddtree --json`: one entry per input, a tree or its error. */
int wa_json_lddtree_new(struct wa_json_report **out);
int wa_json_report_add_lddtree(struct wa_json_report *r, const struct wa_lddtree *t);
int wa_json_report_add_lddtree_error(struct wa_json_report *r, const char *path,
				     const struct wa_error *err);

/* Entries added so far. */
size_t wa_json_report_count(const struct wa_json_report *r);
/* Writes the document and a newline.  Returns 0 or -1 (write error or no memory). */
int wa_json_report_write(struct wa_json_report *r, FILE *out);
void wa_json_report_free(struct wa_json_report *r);

/* `lddtree` as text: each input, then its members' trees, indented. */
int wa_report_lddtree_text(FILE *out, const struct wa_lddtree *t);

/* `policies` as text: every policy (only those for arch, when not NULL),
 * or one policy in full.  Return 0 or -1 on a write error. */
int wa_report_policies_text(FILE *out, const struct wa_policy_set *set, const char *arch);
int wa_report_policy_text(FILE *out, const struct wa_policy *p, const char *arch);

/* `policies --json`: the list, or one policy in full.  0 or -1. */
int wa_json_policies_write(FILE *out, const struct wa_policy_set *set, const char *arch);
int wa_json_policy_write(FILE *out, const struct wa_policy *p, const char *arch);

#endif
