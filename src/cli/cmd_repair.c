/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit repair WHEEL...`: write a repaired copy of each wheel into
 * the wheel directory, or reject it with the audit report.  stdout carries
 * only the paths written (one per line), so a script can capture them;
 * reports and messages go to stderr.  With --json, stdout carries one
 * result document (docs/repair-v1.schema.json) and the reports of rejected
 * wheels go to stderr as a show document.
 */
#include <errno.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wheelaudit/repair.h"
#include "wheelaudit/report.h"

enum {
	OPT_WHEEL_DIR = CLI_OWN,
	OPT_ONLY_PLAT,
	OPT_DRY_RUN,
	OPT_LIB_SDIR,
	OPT_NO_UPDATE_TAGS,
	OPT_STRIP,
	OPT_ZIP_LEVEL,
	OPT_PATCHER,
};

static const struct cli_opt own_options[] = {
	{"wheel-dir", 'w', "DIR", OPT_WHEEL_DIR,
	 "where to write (default wheelhouse/, created if missing)",
	 "Write the repaired wheels into *DIR* (default **wheelhouse**, relative to the current "
	 "directory), created with its parents if missing. A file of the same name already "
	 "there is replaced, but no output may replace an input wheel of the run: that is a "
	 "usage error (exit 2) for that wheel and nothing is written for it.",
	 NULL},
	{"plat", 0, "TAG", CLI_OPT_PLAT,
	 "target policy, e.g. manylinux_2_17_x86_64, manylinux2014,\nmanylinux_2_28 (default "
	 "auto: the best the wheel meets;\nalso WHEELAUDIT_PLAT, or AUDITWHEEL_PLAT)",
	 "The target policy, as a policy name or alias with or without the architecture: "
	 "**manylinux_2_17_x86_64**, **manylinux2014_x86_64**, **manylinux2014**, "
	 "**manylinux_2_17**, **musllinux_1_2**. A wheel that does not meet it is rejected "
	 "(exit 1); so is a wheel of another architecture than the one the tag names. The output "
	 "is tagged with the target and its legacy alias, plus, unless **--only-plat** is given, "
	 "the most compatible policy met in each family, so that no compatibility is lost. "
	 "**auto** (the default) tags the most compatible policy met in each family. Without "
	 "**--plat**, **WHEELAUDIT_PLAT** or else **AUDITWHEEL_PLAT** gives the target; an "
	 "unknown name is a usage error that names where it came from.",
	 NULL},
	{"only-plat", 0, NULL, OPT_ONLY_PLAT,
	 "tag only --plat, not also a more compatible policy met",
	 "Tag the output with the **--plat** target (and its alias) only. Without a target "
	 "(or with **auto**) it has no effect, as in auditwheel.",
	 NULL},
	{"lib-sdir", 'L', "SUFFIX", OPT_LIB_SDIR,
	 "grafted libraries go to <dist>SUFFIX/ (default .libs)",
	 "Put the grafted libraries in the directory named by the distribution followed by "
	 "*SUFFIX* (default **.libs**, giving **<dist>.libs/**), at the wheel's root; the "
	 "patched RPATHs point there. The directory must be a plain relative path outside the "
	 "**.dist-info** and **.data** directories.",
	 NULL},
	{"no-update-tags", 0, NULL, OPT_NO_UPDATE_TAGS,
	 "graft, but keep the file name and the WHEEL tags",
	 "Graft and patch as usual, and still check the policies, but keep the input's file "
	 "name and the Tag lines of WHEEL. The output then has the input's name: write it to "
	 "another **--wheel-dir**.",
	 NULL},
	{"strip", 0, NULL, OPT_STRIP,
	 "remove symbol tables and debug sections from every ELF\nmember and grafted library",
	 "Remove the symbol table, debug sections and other sections the loader never reads "
	 "from every ELF member and every grafted library, with wheelaudit's own ELF patcher "
	 "(no **strip** program). **.dynsym** and symbol versions stay. Members that change are "
	 "written anew (see docs/elf-patching.md).",
	 NULL},
	{"zip-compression-level", 'z', "N", OPT_ZIP_LEVEL,
	 "deflate level 0-9 of the members repair writes\n(0: stored; default: as the input, "
	 "level 5)",
	 "Compress the members that repair writes (WHEEL, RECORD, grafted libraries, patched "
	 "members) at deflate level *N* from 0 to 9; 0 stores them uncompressed. Members that "
	 "do not change are still copied as they are stored. Without it, a rewritten member "
	 "keeps its input's method (stored or deflated) and deflates at level 5 (libdeflate's, "
	 "as small as zlib's 6). Also "
	 "**WHEELAUDIT_ZIP_COMPRESSION_LEVEL** or **AUDITWHEEL_ZIP_COMPRESSION_LEVEL**.",
	 NULL},
	{"patcher", 0, "NAME", OPT_PATCHER,
	 "patchelf, lief-patchelf or none: accepted for auditwheel's\nsake; none refuses to "
	 "patch",
	 "Accepted for compatibility with auditwheel: wheelaudit always uses its own ELF "
	 "patcher, whatever **patchelf** or **lief-patchelf** names (**-v** says so). **none** "
	 "forbids patching: a wheel that needs grafting is rejected (exit 1) and **--strip** is "
	 "a usage error. Also **WHEELAUDIT_PATCHER** or **AUDITWHEEL_PATCHER**.",
	 NULL},
	{"dry-run", 0, NULL, OPT_DRY_RUN,
	 "print what would be written (output name and tags, grafted\nlibraries, patched and "
	 "moved members) and write nothing",
	 "Audit and plan each repair, print the plan and write nothing: the output's name and "
	 "tags, each library to graft with the file it comes from and its new name, the edits "
	 "of each patched member, moved programs and dropped signatures. With **--json**, the "
	 "plan is the **plan** object of each result (outcome **planned**). The exit code is "
	 "the one the repair would give.",
	 NULL},
	{"json", 0, NULL, CLI_OPT_JSON,
	 "print one JSON result document (docs/repair-v1.schema.json)",
	 "Print one result document for all wheels on standard output "
	 "(docs/repair-v1.schema.json) instead of the paths; the reports of rejected wheels "
	 "then go to standard error as one **show --json** document.",
	 NULL},
	{"allow-pure", 0, NULL, CLI_OPT_ALLOW_PURE,
	 "copy a wheel without ELF members unchanged (else exit 5)",
	 "Copy a wheel without ELF members unchanged (same name, every entry as stored) instead "
	 "of rejecting it with exit 5.",
	 "allow-pure-python-wheel"},
	{"verbose", 'v', NULL, CLI_OPT_VERBOSE,
	 "a line per wheel written, full reports on rejection;\n-vv: the plan of each wheel "
	 "written",
	 "Print a line per wheel written on standard error (*input* -> *output*, members copied "
	 "and rewritten, libraries grafted), and full reports for rejected wheels; given twice "
	 "(or **-v** before the command too), also the plan of each wheel written, as "
	 "**--dry-run** prints it.",
	 NULL},
	{"color", 0, "WHEN", CLI_OPT_COLOR,
	 "auto (default), always or never, for reports on stderr",
	 "As for **show**, but for the reports on standard error: **auto** colours them when "
	 "standard error is a terminal.",
	 NULL},
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

struct repair_args {
	struct cli_audit_args common; /* first: the shared options apply to it */
	struct wa_repair_options repair;
	const char *patcher;        /* --patcher or the variables, or NULL */
	const char *patcher_source; /* where it came from */
	bool zip_level_given;
};

static int set_zip_level(struct repair_args *args, const char *value, const char *source)
{
	if (!value[0] || value[1] || value[0] < '0' || value[0] > '9')
		return cli_usage_error("repair", "%s: '%s' is not a level from 0 to 9", source,
				       value);
	args->repair.zip_level = value[0] - '0';
	args->zip_level_given = true;
	return 0;
}

static int set_patcher(struct repair_args *args, const char *value, const char *source)
{
	if (strcmp(value, "patchelf") != 0 && strcmp(value, "lief-patchelf") != 0 &&
	    strcmp(value, "none") != 0)
		return cli_usage_error("repair", "%s: '%s' is not patchelf, lief-patchelf or none",
				       source, value);
	args->patcher = value;
	args->patcher_source = source;
	args->repair.no_patcher = strcmp(value, "none") == 0;
	return 0;
}

static int apply(void *vargs, const struct cli_opt *opt, const char *value, const char *spelled)
{
	struct repair_args *args = vargs;

	switch (opt->id) {
	case OPT_WHEEL_DIR:
		if (!*value)
			return cli_usage_error("repair", "%s: empty directory name", spelled);
		args->repair.wheel_dir = value;
		return 0;
	case OPT_ONLY_PLAT: args->repair.only_plat = true; return 0;
	case OPT_DRY_RUN: args->repair.dry_run = true; return 0;
	case OPT_LIB_SDIR:
		if (!*value)
			return cli_usage_error("repair", "%s: empty suffix", spelled);
		args->repair.lib_sdir = value;
		return 0;
	case OPT_NO_UPDATE_TAGS: args->repair.keep_tags = true; return 0;
	case OPT_STRIP: args->repair.strip = true; return 0;
	case OPT_ZIP_LEVEL: return set_zip_level(args, value, spelled);
	case OPT_PATCHER: return set_patcher(args, value, spelled);
	default: break;
	}
	switch (cli_audit_apply(&args->common, opt, value, spelled)) {
	case 0: return 0;
	case -1: return cli_usage_error("repair", "repair: unexpected option '%s'", spelled);
	default: return WA_EXIT_USAGE;
	}
}

/*
 * A repair that writes big members (grafted libraries, their compressed
 * forms) holds them one after another on several threads.  glibc serves
 * blocks below a threshold that grows up to 32 MB from its heaps, which
 * keep freed memory for reuse, so the peak would grow with every
 * mid-sized library; a fixed 8 MiB threshold maps each big block on its
 * own and gives it back when freed, and the heaps give back what the scan
 * and the plan freed (docs/repair.md, "Speed and memory").
 * Only then: mapping every member the scan reads costs a retagging repair
 * some 5 % in page faults.
 */
static void return_big_blocks(const struct wa_repair_plan *plan)
{
#if defined(__GLIBC__)
	bool big = plan->n_additions > 0;

	for (size_t i = 0; !big && i < plan->n_members; i++)
		big = plan->members[i].action == WA_PLAN_PATCH;
	if (big) {
		mallopt(M_MMAP_THRESHOLD, 8 << 20);
		malloc_trim(0); /* and what the scan and the plan freed goes back */
	}
#else
	(void)plan;
#endif
}

static void init(struct cli_ctx *ctx, void *vargs)
{
	struct repair_args *args = vargs;
	const char *plat, *which;

	cli_audit_args_init(ctx, &args->common);
	wa_repair_options_init(&args->repair);
	args->repair.before_write = return_big_blocks;
	/* defaults users know from auditwheel: ours first, then AUDITWHEEL_PLAT */
	if ((plat = cli_env2("WHEELAUDIT_PLAT", "AUDITWHEEL_PLAT", &which)) != NULL) {
		args->common.audit.plat = plat;
		args->common.plat_source = which;
	}
}

static void fini(void *vargs)
{
	cli_audit_args_fini(&((struct repair_args *)vargs)->common);
}

/* The defaults the environment gives to -z and --patcher (after the
 * options, so that an option wins and a bad variable it overrides is not
 * an error). */
static int environment_defaults(struct repair_args *args)
{
	const char *v, *which;

	if (!args->zip_level_given &&
	    (v = cli_env2("WHEELAUDIT_ZIP_COMPRESSION_LEVEL", "AUDITWHEEL_ZIP_COMPRESSION_LEVEL",
			  &which)) != NULL &&
	    set_zip_level(args, v, which))
		return WA_EXIT_USAGE;
	if (!args->patcher && (v = cli_env2("WHEELAUDIT_PATCHER", "AUDITWHEEL_PATCHER", &which)) &&
	    set_patcher(args, v, which))
		return WA_EXIT_USAGE;
	return 0;
}

static int source_date_epoch(struct wa_repair_options *opt)
{
	const char *v = cli_env("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (!v)
		return 0;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno || *end || t < 0)
		return cli_usage_error("repair",
				       "SOURCE_DATE_EPOCH: '%s' is not a number of seconds", v);
	opt->have_source_date_epoch = true;
	opt->source_date_epoch = t;
	return 0;
}

/* A rejected wheel: its report and the reason, on stderr. */
static int report_rejection(const struct repair_args *args, const struct wa_repair *rep,
			    struct wa_json_report *rejected)
{
	if (rejected)
		return wa_json_report_add_audit(rejected, rep->audit) ? WA_EXIT_INTERNAL : 0;
	if (wa_report_text(stderr, rep->audit, &args->common.text))
		return WA_EXIT_INTERNAL;
	cli_error("%s: rejected: %s", rep->audit->wheel,
		  rep->plan->reason ? rep->plan->reason : wa_outcome_name(rep->outcome));
	return 0;
}

static void verbose_summary(const char *path, const struct wa_repair *rep)
{
	const struct wa_graft_plan *g = rep->plan->graft;

	cli_note("%s -> %s (%zu members copied, %zu rewritten)", path, rep->output,
		 rep->stats.copied, rep->stats.rewritten);
	for (size_t i = 0; g && i < g->n_libs; i++)
		cli_note("%s: grafted %s from %s as %s", path, g->libs[i]->needed,
			 g->libs[i]->file.display, g->libs[i]->member);
}

static int repair_one(const struct repair_args *args, const char *path, struct wa_json_report *json,
		      struct wa_json_report *rejected)
{
	struct wa_repair *rep = NULL;
	struct wa_error err;
	int code, rc;

	wa_error_clear(&err);
	rc = wa_repair_wheel(&rep, path, &args->repair, &err);
	if (rc) {
		code = wa_error_exit_code(-rc);
		cli_print_error(path, &err);
	} else {
		code = wa_outcome_exit(rep->outcome, rep->cause);
		for (size_t i = 0; i < rep->plan->n_notes; i++)
			cli_warning("%s: %s", path, rep->plan->notes[i]);
		if (rep->outcome == WA_OUTCOME_PLANNED) {
			if (!json && wa_report_plan_text(stdout, rep, &args->common.text))
				code = WA_EXIT_INTERNAL;
		} else if (rep->output) {
			if (!json && printf("%s\n", rep->output) < 0)
				code = WA_EXIT_INTERNAL;
			fflush(stdout);
			if (rep->stats.unstripped)
				cli_warning(
					"%s: --strip: %zu ELF file%s written unstripped, the first "
					"%s",
					path, rep->stats.unstripped,
					rep->stats.unstripped == 1 ? "" : "s",
					rep->stats.unstripped_why);
			if (args->common.text.verbose)
				verbose_summary(path, rep);
			if (args->common.ctx->verbosity >= 2 &&
			    wa_report_plan_text(stderr, rep, &args->common.text))
				code = WA_EXIT_INTERNAL;
		} else if (report_rejection(args, rep, rejected)) {
			code = WA_EXIT_INTERNAL;
		}
	}
	if (json && wa_json_report_add_repair(json, path, code, rep, rc ? &err : NULL))
		code = WA_EXIT_INTERNAL;
	wa_repair_free(rep);
	return code;
}

static int run(struct cli_ctx *ctx, void *vargs, int argc, char **argv)
{
	struct repair_args *args = vargs;
	struct wa_json_report *json = NULL, *rejected = NULL;
	int exit_code = WA_EXIT_OK, rc;

	if (argc < 1)
		rc = cli_usage_error("repair", "repair: no wheel given");
	else
		rc = environment_defaults(args);
	if (!rc && args->repair.strip && args->repair.no_patcher)
		rc = cli_usage_error("repair",
				     "--strip needs the ELF patcher, and %s none forbids it",
				     args->patcher_source);
	if (!rc)
		rc = cli_audit_finish(ctx, &args->common, "repair");
	if (!rc)
		rc = source_date_epoch(&args->repair);
	if (rc)
		goto out;
	if (args->repair.only_plat &&
	    (!args->common.audit.plat || strcmp(args->common.audit.plat, "auto") == 0)) {
		cli_info(ctx, 1, "--only-plat without a --plat policy has no effect");
		args->repair.only_plat = false;
	}
	if (args->patcher && !args->repair.no_patcher)
		cli_info(ctx, 1, "%s %s: wheelaudit patches with its own ELF patcher",
			 args->patcher_source, args->patcher);
	args->repair.ld = args->common.search.ld;
	args->common.text.color = cli_color(stderr, args->common.color);
	args->repair.audit = args->common.audit;
	/* no output may replace any input of the run, read or still to be read */
	args->repair.protect = (const char *const *)argv;
	args->repair.n_protect = (size_t)argc;
	if (args->common.json && (wa_json_report_new(&json, "wheelaudit " WA_VERSION) ||
				  wa_json_report_new(&rejected, "wheelaudit " WA_VERSION))) {
		rc = cli_oom();
		goto out;
	}
	for (int i = 0; i < argc; i++)
		exit_code = cli_combine_exit(exit_code, repair_one(args, argv[i], json, rejected));
	if (json && wa_json_report_write(json, stdout))
		exit_code = cli_combine_exit(exit_code, WA_EXIT_INTERNAL);
	if (rejected && wa_json_report_count(rejected) && wa_json_report_write(rejected, stderr))
		exit_code = cli_combine_exit(exit_code, WA_EXIT_INTERNAL);
	rc = exit_code;
out:
	wa_json_report_free(json);
	wa_json_report_free(rejected);
	return rc;
}

static const struct cli_opt *const tables[] = {cli_audit_options, cli_search_options, own_options,
					       NULL};

const struct cli_command cli_cmd_repair = {
	.name = "repair",
	.summary = "retag wheels, grafting the libraries they need, or reject them",
	.usage = "[options] WHEEL...",
	.description = "Audit each wheel; when it meets a policy, write a copy tagged with the\n"
		       "most compatible platform tags (or --plat) into the wheel directory:\n"
		       "new file name, WHEEL Tag lines and RECORD, every other member copied\n"
		       "byte for byte.  Needed libraries outside the policy's whitelist are\n"
		       "found as the loader would, copied into <dist>.libs/ under hashed names,\n"
		       "and the members that need them patched (DT_NEEDED, DT_RPATH $ORIGIN).\n"
		       "A wheel that falls short is rejected: nothing is written and its\n"
		       "report goes to stderr.  stdout lists the files written.\n",
	.footer = "Rewritten members get the time SOURCE_DATE_EPOCH when it is set, else the\n"
		  "input's WHEEL entry time: repairing the same input twice gives the same bytes.\n"
		  "\n"
		  "exit codes: 0 written, 1 rejected by policy (or no policy for the arch, or\n"
		  "a library to graft not found or too new), 2 usage, 3 invalid or unsafe input "
		  "(RECORD\n"
		  "mismatch included), 4 architecture or libc mismatch inside the wheel,\n"
		  "5 pure wheel, 6 I/O or internal error (nothing is left behind).  With\n"
		  "several wheels the highest-ranked outcome wins: 6, 3, 4, 1, 5, 0.\n",
	.tables = tables,
	.apply = apply,
	.run = run,
	.args_size = sizeof(struct repair_args),
	.init = init,
	.fini = fini,
};
