/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit show WHEEL...`: audit each wheel and print its verdict and
 * report (text, or one JSON document).  The exit code follows the
 * contract in docs/exit-codes.md.
 */
#include "cmd_show.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/report.h"

static const char usage[] =
	"usage: wheelaudit show [options] WHEEL...\n"
	"\n"
	"Audit each wheel: architecture and libc of every ELF member, their\n"
	"needed libraries and versioned symbols, judged against the manylinux\n"
	"and musllinux policies.  The first line per wheel is the verdict:\n"
	"  WHEEL: TAGSET            (the most compatible tags the content allows)\n"
	"  WHEEL: linux_ARCH (why)  (no policy is met)\n"
	"\n"
	"options:\n"
	"  --json                   print one JSON document (docs/show-v1.schema.json)\n"
	"  --plat TAG               exit 0 only when TAG (e.g. manylinux2014_x86_64) is met\n"
	"  --allow-pure             a wheel without ELF members exits 0 instead of 5\n" CLI_AUDIT_OPTIONS_HELP
	"  --verbose                every symbol row and informational finding\n"
	"  --color WHEN             auto (default), always or never; NO_COLOR disables\n"
	"  -h, --help               this help\n"
	"\n"
	"exit codes: 0 compliant, 1 policy violation (or no policy for the arch, or\n"
	"external libraries to graft), 2 usage, 3 invalid or unsafe input,\n"
	"4 architecture or libc mismatch inside the wheel, 5 pure wheel, 6 I/O or\n"
	"internal error.  With several wheels the highest-ranked outcome wins:\n"
	"6, 3, 4, 1, 5, 0.\n";

static const struct option long_options[] = {
	CLI_AUDIT_LONG_OPTIONS,
	{NULL, 0, NULL, 0},
};

static int parse_args(int argc, char **argv, struct cli_audit_args *args)
{
	int c, rc;

	args->text.color = cli_color_wanted();
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return -1;
		}
		rc = cli_audit_option(c, optarg, args);
		if (rc > 0)
			return rc;
		if (rc < 0)
			return cli_bad_option("show", argv);
	}
	if (optind >= argc)
		return cli_usage_error("show: no wheel given");
	return cli_check_plat(args->audit.policies, args->audit.plat, "--plat");
}

int cmd_show(int argc, char **argv, const struct wa_policy_set *set)
{
	struct cli_audit_args args;
	struct wa_json_report *json = NULL;
	int exit_code = WA_EXIT_OK, rc;

	memset(&args, 0, sizeof(args));
	wa_audit_options_init(&args.audit);
	args.audit.policies = set;
	rc = parse_args(argc, argv, &args);
	if (rc)
		return rc < 0 ? WA_EXIT_OK : rc;
	if (args.json && wa_json_report_new(&json, "wheelaudit " WA_VERSION)) {
		fputs("wheelaudit: error: out of memory\n", stderr);
		return WA_EXIT_INTERNAL;
	}
	for (int i = optind; i < argc; i++) {
		struct wa_audit *audit = NULL;
		struct wa_error err;
		int code;

		wa_error_clear(&err);
		rc = wa_audit_wheel(&audit, argv[i], &args.audit, &err);
		if (rc) {
			code = wa_error_exit_code(-rc);
			cli_print_error(argv[i], &err);
			if (json && wa_json_report_add_error(json, argv[i], code, &err))
				code = WA_EXIT_INTERNAL;
		} else {
			code = wa_audit_exit(audit);
			if (json) {
				if (wa_json_report_add_audit(json, audit))
					code = WA_EXIT_INTERNAL;
			} else if (wa_report_text(stdout, audit, &args.text)) {
				code = WA_EXIT_INTERNAL;
			}
		}
		exit_code = cli_combine_exit(exit_code, code);
		wa_audit_free(audit);
	}
	if (json) {
		if (wa_json_report_write(json, stdout))
			exit_code = cli_combine_exit(exit_code, WA_EXIT_INTERNAL);
		wa_json_report_free(json);
	}
	return exit_code;
}
