/* SPDX-License-Identifier: MIT */
/*
 * The repair planner: from an audited wheel to a plan of the output - its
 * name and tags, what happens to each input member (copied as stored,
 * dropped, rewritten, patched, replaced by a launcher), the members added
 * (grafted libraries, moved programs) and the new WHEEL - or to a
 * rejection saying why there is no output.  Planning reads (host
 * libraries, the input's records) but writes nothing; the writer
 * (writer.h) executes a plan, and `repair --dry-run` prints one.
 */
#ifndef WHEELAUDIT_PLAN_H
#define WHEELAUDIT_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/elfpatch.h"
#include "wheelaudit/error.h"
#include "wheelaudit/graft.h"
#include "wheelaudit/ldpath.h"
#include "wheelaudit/outcome.h"
#include "wheelaudit/wheel.h"

struct wa_repair_plan;

struct wa_repair_options {
	struct wa_audit_options audit; /* its plat is the target ("auto" or NULL: the best) */
	const char *wheel_dir;         /* created if missing */
	bool only_plat;                /* only the requested policy, not a more compatible one */
	struct wa_ld_options ld;       /* where external libraries are looked for */
	bool have_source_date_epoch;   /* timestamp of rewritten members: this ... */
	int64_t source_date_epoch;     /* ... or else the input's WHEEL entry's */
	bool dry_run;                  /* plan and report, write nothing */
	const char *const *protect;    /* files no output may replace (every input of the run) */
	size_t n_protect;
	const char *lib_sdir; /* grafted libraries go to <dist><lib_sdir>/ (".libs") */
	bool keep_tags;       /* --no-update-tags: the input's name and WHEEL tags */
	bool no_patcher;      /* --patcher none: a wheel that needs patching is refused */
	bool strip;           /* strip every ELF member and grafted library */
	int zip_level;        /* deflate level 0-9 of written members; -1: keep the
			       * input's method, WA_ZIP_LEVEL_DEFAULT */
	/* called (when set) once a plan is made and before it is written */
	void (*before_write)(const struct wa_repair_plan *plan);
};

/* Fills the defaults (audit defaults, wheel_dir "wheelhouse"). */
void wa_repair_options_init(struct wa_repair_options *opt);

/* What happens to one input member. */
enum wa_plan_action {
	WA_PLAN_COPY,     /* copied as it is stored */
	WA_PLAN_DROP,     /* left out: a RECORD signature the new RECORD invalidates */
	WA_PLAN_WHEEL,    /* .dist-info/WHEEL, replaced by the plan's text */
	WA_PLAN_RECORD,   /* .dist-info/RECORD, rebuilt by the writer */
	WA_PLAN_PATCH,    /* an ELF member, patched with its edit */
	WA_PLAN_LAUNCHER, /* a program moved away (see its addition): a launcher takes its place */
};
const char *wa_plan_action_name(enum wa_plan_action a);

struct wa_plan_member {
	enum wa_plan_action action;
	const char *name;        /* the member's name (kept for every action but copy) */
	struct wa_elf_edit edit; /* WA_PLAN_PATCH */
	bool strip;              /* WA_PLAN_PATCH: stripped (--strip) before the edit */
	const char *text;        /* WA_PLAN_LAUNCHER: the launcher */
	size_t text_len;
};

/* A member the output gains: a grafted library, or a moved program. */
struct wa_plan_addition {
	const char *name;                /* its path in the output */
	const struct wa_host_file *file; /* a host library, or NULL ... */
	size_t member;                   /* ... the input member whose bytes it takes */
	const char *source;              /* the host file's or the input member's name */
	struct wa_elf_edit edit;         /* applied to the bytes */
	bool strip;                      /* stripped (--strip) before the edit */
	unsigned mode;                   /* Unix permission bits */
	const char *text;                /* or the content itself (the SBOM), text_len bytes */
	size_t text_len;
};

struct wa_repair_plan {
	struct wa_arena arena;
	enum wa_outcome outcome; /* repaired, copied, or rejected */
	enum wa_outcome cause;   /* rejected: the audit outcome behind it */
	const char *reason;      /* rejected: why, or NULL */
	const char *output;      /* the output path, or NULL when rejected */
	const char **tags;       /* platform tags of the output (empty for a copy), sorted */
	size_t n_tags;
	const char *tagset; /* joined with '.' (a copy: the input's own) */
	const char **notes; /* remarks about the output (dropped signatures, ...) */
	size_t n_notes;
	struct wa_plan_member *members; /* one per input member, in input order */
	size_t n_members;
	struct wa_plan_addition *additions; /* written before the first .dist-info member */
	size_t n_additions;
	const char *wheel_text; /* the new WHEEL */
	size_t wheel_len;
	uint16_t dos_time, dos_date;  /* of every rewritten or added member */
	int zip_level;                /* of every rewritten or added member (-1: default) */
	struct wa_graft_plan *graft;  /* owned, or NULL when nothing is grafted */
	struct wa_audit *first_audit; /* owned: the audit before grafting, when grafted */
	const char *sbom;             /* the SBOM member the output gains, or NULL */
};

/*
 * Plans the repair of wheel w, whose audit is *audit.  When libraries are
 * grafted the wheel is audited again as it will be, and *audit becomes
 * that audit (the first one moves into the plan).  A rejection is a plan
 * with outcome WA_OUTCOME_REJECTED, not an error.  Errors: invalid input
 * (a RECORD that does not vouch for every member), a host library that
 * cannot be read, out of memory.  *out is owned by the caller.
 */
int wa_plan_build(struct wa_repair_plan **out, struct wa_wheel *w, struct wa_audit **audit,
		  const struct wa_repair_options *opt, struct wa_error *err);
void wa_plan_free(struct wa_repair_plan *plan);

#endif
