/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit repair WHEEL...`: write a retagged copy of each compliant
 * wheel into the wheel directory, or reject it with the audit report.
 * stdout carries only the paths written (one per line), so a script can
 * capture them; reports and messages go to stderr.  With --json, stdout
 * carries one result document (docs/repair-v1.schema.json) and the
 * reports of rejected wheels go to stderr as a show document.
 */
#include "cmd_repair.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wheelaudit/repair.h"
#include "wheelaudit/report.h"

static const char usage[] =
	"usage: wheelaudit repair [options] WHEEL...\n"
	"\n"
	"Audit each wheel; when it meets a policy, write a copy tagged with the\n"
	"most compatible platform tags (or --plat) into the wheel directory:\n"
	"new file name, WHEEL Tag lines and RECORD, every other member copied\n"
	"byte for byte.  Needed libraries outside the policy's whitelist are\n"
	"found as the loader would, copied into <dist>.libs/ under hashed names,\n"
	"and the members that need them patched (DT_NEEDED, DT_RPATH $ORIGIN).\n"
	"A wheel that falls short is rejected: nothing is written and its\n"
	"report goes to stderr.  stdout lists the files written.\n"
	"\n"
	"options:\n"
	"  -w, --wheel-dir DIR      where to write (default wheelhouse/, created if missing)\n"
	"  --plat TAG|auto          target policy, e.g. manylinux_2_17_x86_64, manylinux2014,\n"
	"                           manylinux_2_28 (default auto: the best the wheel meets;\n"
	"                           also WHEELAUDIT_PLAT, or AUDITWHEEL_PLAT)\n"
	"  --only-plat              tag only --plat, not also a more compatible policy met\n"
	"  --exclude GLOB           a needed library the user provides (e.g. 'libcuda.so.*'):\n"
	"                           not external, never grafted; repeatable\n"
	"  --ldpaths DIRS           colon-separated directories searched for libraries to\n"
	"                           graft instead of ld.so.conf and the system defaults\n"
	"                           (WHEELAUDIT_LD_LIBRARY_PATH adds directories, after\n"
	"                           LD_LIBRARY_PATH)\n"
	"  --dry-run                print what would be written (output name and tags, grafted\n"
	"                           libraries, patched and moved members) and write nothing\n"
	"  --json                   print one JSON result document (docs/repair-v1.schema.json)\n"
	"  --allow-pure             copy a wheel without ELF members unchanged (else exit 5)\n" CLI_AUDIT_OPTIONS_HELP
	"  --verbose                a line per wheel written; full reports on rejection\n"
	"  --color WHEN             auto (default), always or never, for reports on stderr\n"
	"  -h, --help               this help\n"
	"\n"
	"Rewritten members get the time SOURCE_DATE_EPOCH when it is set, else the\n"
	"input's WHEEL entry time: repairing the same input twice gives the same bytes.\n"
	"\n"
	"exit codes: 0 written, 1 rejected by policy (or no policy for the arch, or\n"
	"a library to graft not found or too new), 2 usage, 3 invalid or unsafe input (RECORD\n"
	"mismatch included), 4 architecture or libc mismatch inside the wheel,\n"
	"5 pure wheel, 6 I/O or internal error (nothing is left behind).  With\n"
	"several wheels the highest-ranked outcome wins: 6, 3, 4, 1, 5, 0.\n";

enum {
	OPT_ONLY_PLAT = CLI_OPT_OWN,
	OPT_EXCLUDE,
	OPT_LDPATHS,
	OPT_DRY_RUN,
};

static const struct option long_options[] = {
	CLI_AUDIT_LONG_OPTIONS,
	{"wheel-dir", required_argument, NULL, 'w'},
	{"only-plat", no_argument, NULL, OPT_ONLY_PLAT},
	{"exclude", required_argument, NULL, OPT_EXCLUDE},
	{"ldpaths", required_argument, NULL, OPT_LDPATHS},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{NULL, 0, NULL, 0},
};

struct repair_args {
	struct cli_audit_args common;
	struct wa_repair_options repair;
	const char **exclude; /* owned array; the strings are argv's */
	size_t n_exclude;
};

static int add_exclude(struct repair_args *args, const char *glob)
{
	const char **p = realloc(args->exclude, (args->n_exclude + 1) * sizeof(*p));

	if (!p) {
		fputs("wheelaudit: error: out of memory\n", stderr);
		return WA_EXIT_INTERNAL;
	}
	p[args->n_exclude++] = glob;
	args->exclude = p;
	return 0;
}

/* Defaults users know from auditwheel: ours first, then AUDITWHEEL_PLAT. */
static const char *plat_from_environment(const char **source)
{
	const char *v = getenv("WHEELAUDIT_PLAT");

	*source = "WHEELAUDIT_PLAT";
	if (v && *v)
		return v;
	v = getenv("AUDITWHEEL_PLAT");
	*source = "AUDITWHEEL_PLAT";
	return v && *v ? v : NULL;
}

static int source_date_epoch(struct wa_repair_options *opt)
{
	const char *v = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long t;

	if (!v || !*v)
		return 0;
	errno = 0;
	t = strtoll(v, &end, 10);
	if (errno || *end || t < 0)
		return cli_usage_error("SOURCE_DATE_EPOCH: '%s' is not a number of seconds", v);
	opt->have_source_date_epoch = true;
	opt->source_date_epoch = t;
	return 0;
}

static int parse_args(int argc, char **argv, struct repair_args *args)
{
	const char *plat_source = "--plat";
	int c, rc;

	args->common.text.color = isatty(STDERR_FILENO) == 1 && !getenv("NO_COLOR");
	args->common.audit.plat = plat_from_environment(&plat_source);
	/* the loader's own variable, then ours for directories only the build has */
	args->repair.ld.ld_library_path = getenv("LD_LIBRARY_PATH");
	args->repair.ld.extra_paths = getenv("WHEELAUDIT_LD_LIBRARY_PATH");
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "hw:", long_options, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return -1;
		case 'w':
			if (!*optarg)
				return cli_usage_error("--wheel-dir: empty directory name");
			args->repair.wheel_dir = optarg;
			continue;
		case OPT_ONLY_PLAT: args->repair.only_plat = true; continue;
		case OPT_LDPATHS:
			args->repair.ld.ldpaths = optarg;
			continue;
		case OPT_DRY_RUN:
			args->repair.dry_run = true;
			continue;
		case OPT_EXCLUDE:
			rc = add_exclude(args, optarg);
			if (rc)
				return rc;
			continue;
		case CLI_OPT_PLAT: plat_source = "--plat"; break;
		default: break;
		}
		rc = cli_audit_option(c, optarg, &args->common);
		if (rc > 0)
			return rc;
		if (rc < 0)
			return cli_bad_option("repair", argv);
	}
	if (optind >= argc)
		return cli_usage_error("repair: no wheel given");
	if (args->repair.only_plat &&
	    (!args->common.audit.plat || strcmp(args->common.audit.plat, "auto") == 0))
		return cli_usage_error("--only-plat needs a --plat policy");
	rc = cli_check_plat(args->common.audit.policies, args->common.audit.plat, plat_source);
	if (!rc)
		rc = source_date_epoch(&args->repair);
	return rc;
}

/* A rejected wheel: its report and the reason, on stderr. */
static int report_rejection(const struct repair_args *args, const struct wa_repair *rep,
			    struct wa_json_report *rejected)
{
	if (rejected)
		return wa_json_report_add_audit(rejected, rep->audit) ? WA_EXIT_INTERNAL : 0;
	if (wa_report_text(stderr, rep->audit, &args->common.text))
		return WA_EXIT_INTERNAL;
	fprintf(stderr, "wheelaudit: error: %s: rejected: %s\n", rep->audit->wheel,
		rep->plan->reason ? rep->plan->reason : wa_outcome_name(rep->outcome));
	return 0;
}

static void verbose_summary(const char *path, const struct wa_repair *rep)
{
	const struct wa_graft_plan *g = rep->plan->graft;

	fprintf(stderr, "wheelaudit: %s -> %s (%zu members copied, %zu rewritten)\n", path,
		rep->output, rep->stats.copied, rep->stats.rewritten);
	for (size_t i = 0; g && i < g->n_libs; i++)
		fprintf(stderr, "wheelaudit: %s: grafted %s from %s as %s\n", path,
			g->libs[i]->needed, g->libs[i]->file.path, g->libs[i]->member);
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
			if (args->common.text.verbose)
				verbose_summary(path, rep);
		} else if (report_rejection(args, rep, rejected)) {
			code = WA_EXIT_INTERNAL;
		}
	}
	if (json && wa_json_report_add_repair(json, path, code, rep, rc ? &err : NULL))
		code = WA_EXIT_INTERNAL;
	wa_repair_free(rep);
	return code;
}

int cmd_repair(int argc, char **argv, const struct wa_policy_set *set)
{
	struct repair_args args;
	struct wa_json_report *json = NULL, *rejected = NULL;
	int exit_code = WA_EXIT_OK, rc;

	memset(&args, 0, sizeof(args));
	wa_repair_options_init(&args.repair);
	wa_audit_options_init(&args.common.audit);
	args.common.audit.policies = set;
	rc = parse_args(argc, argv, &args);
	if (rc) {
		free(args.exclude);
		return rc < 0 ? WA_EXIT_OK : rc;
	}
	args.common.audit.exclude = args.exclude;
	args.common.audit.n_exclude = args.n_exclude;
	args.repair.audit = args.common.audit;
	/* no output may replace any input of the run, read or still to be read */
	args.repair.protect = (const char *const *)argv + optind;
	args.repair.n_protect = (size_t)(argc - optind);
	if (args.common.json && (wa_json_report_new(&json, "wheelaudit " WA_VERSION) ||
				 wa_json_report_new(&rejected, "wheelaudit " WA_VERSION))) {
		fputs("wheelaudit: error: out of memory\n", stderr);
		exit_code = WA_EXIT_INTERNAL;
		goto out;
	}
	for (int i = optind; i < argc; i++)
		exit_code = cli_combine_exit(exit_code, repair_one(&args, argv[i], json, rejected));
	if (json && wa_json_report_write(json, stdout))
		exit_code = cli_combine_exit(exit_code, WA_EXIT_INTERNAL);
	if (rejected && wa_json_report_count(rejected) && wa_json_report_write(rejected, stderr))
		exit_code = cli_combine_exit(exit_code, WA_EXIT_INTERNAL);
out:
	wa_json_report_free(json);
	wa_json_report_free(rejected);
	free(args.exclude);
	return exit_code;
}
