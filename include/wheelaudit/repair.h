/* SPDX-License-Identifier: MIT */
/*
 * `repair`: audit a wheel, then either write a retagged copy (new file
 * name, WHEEL Tag lines and RECORD; every other member copied without
 * recompression) or reject it.  Rejection is a result, not an error: the
 * audit it carries says why.  Nothing here prints.
 */
#ifndef WHEELAUDIT_REPAIR_H
#define WHEELAUDIT_REPAIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/error.h"
#include "wheelaudit/ldpath.h"

struct wa_repair_options {
	struct wa_audit_options audit; /* its plat is the target ("auto" or NULL: the best) */
	const char *wheel_dir;         /* created if missing */
	bool only_plat;                /* only the requested policy, not a more compatible one */
	struct wa_ld_options ld;       /* where external libraries are looked for */
	bool have_source_date_epoch;   /* timestamp of rewritten members: this ... */
	int64_t source_date_epoch;     /* ... or else the input's WHEEL entry's */
};

/* Fills the defaults (audit defaults, wheel_dir "wheelhouse"). */
void wa_repair_options_init(struct wa_repair_options *opt);

/* One library copied into the wheel. */
struct wa_repair_graft {
	const char *name;       /* the DT_NEEDED name: "libfoo.so.1" */
	const char *source;     /* the file copied */
	const char *found_by;   /* the search list that found it */
	const char *member;     /* "<dist>.libs/libfoo-1a2b3c4d.so.1" */
	const char **needed_by; /* members and grafted libraries */
	size_t n_needed_by;
};

struct wa_repair {
	struct wa_arena arena;
	struct wa_audit *audit;  /* owned */
	enum wa_outcome outcome; /* repaired, copied (pure, --allow-pure), planned, rejected */
	enum wa_outcome cause;   /* rejected: the audit outcome behind it (the exit code's) */
	const char *output;      /* path written, or NULL */
	const char **tags;       /* platform tags of the output, sorted */
	size_t n_tags;
	const char *tagset; /* tags joined with '.' */
	const char *reason; /* why it was rejected, or NULL */
	const char **notes; /* remarks about the output (dropped signatures, ...) */
	size_t n_notes;
	size_t copied, rewritten;        /* members copied raw / written anew */
	struct wa_repair_graft *grafted; /* in the order they were found */
	size_t n_grafted;
	const char **missing; /* "libfoo.so.1 (needed by pkg/_x.so)": not found, rejected */
	size_t n_missing;
};

/*
 * Repairs the wheel at path into opt->wheel_dir.  Returns 0 with *out set
 * (check exit_code) or a negative WA_E* code: invalid input (a RECORD that
 * does not match the archive, names the member), or an I/O error while
 * writing, after which no output file remains.  The input is never
 * modified.
 */
int wa_repair_wheel(struct wa_repair **out, const char *path, const struct wa_repair_options *opt,
		    struct wa_error *err);
void wa_repair_free(struct wa_repair *r);

#endif
