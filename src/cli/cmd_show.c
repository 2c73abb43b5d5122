/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit show WHEEL...`: audit each wheel and print its verdict and
 * report (text, or one JSON document).  The exit code follows the
 * contract in docs/exit-codes.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/repair.h"
#include "wheelaudit/report.h"

static const struct cli_opt own_options[] = {
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

static int apply(void *args, const struct cli_opt *opt, const char *value, const char *spelled)
{
	int rc = cli_audit_apply(args, opt, value, spelled);

	return rc < 0 ? cli_usage_error("show", "show: unexpected option '%s'", spelled) : rc;
}

static void init(struct cli_ctx *ctx, void *args)
{
	cli_audit_args_init(ctx, args);
}

static void fini(void *args)
{
	cli_audit_args_fini(args);
}

/*
 * With --ldpaths (or the variables), a wheel that needs grafting is also
 * planned as repair would plan it, so the report can say what grafting
 * gives: the libraries found and the tags with their own symbol versions.
 * The plan is made without --plat: show's --plat only sets the exit code.
 */
static int preview(const struct cli_audit_args *args, const char *path, struct wa_repair **rep,
		   struct wa_error *err)
{
	struct wa_repair_options opt;

	wa_repair_options_init(&opt);
	opt.audit = args->audit;
	opt.audit.plat = NULL;
	opt.ld = args->search.ld;
	opt.dry_run = true;
	return wa_repair_wheel(rep, path, &opt, err);
}

static int run(struct cli_ctx *ctx, void *vargs, int argc, char **argv)
{
	struct cli_audit_args *args = vargs;
	struct wa_json_report *json = NULL;
	int exit_code = WA_EXIT_OK, rc;

	if (argc < 1)
		return cli_usage_error("show", "show: no wheel given");
	rc = cli_audit_finish(ctx, args, "show");
	if (rc)
		return rc;
	args->text.color = cli_color(stdout, args->color);
	if (args->json && wa_json_report_new(&json, "wheelaudit " WA_VERSION))
		return cli_oom();
	for (int i = 0; i < argc; i++) {
		struct wa_audit *audit = NULL;
		struct wa_error err;
		int code;

		wa_error_clear(&err);
		/* reports of several wheels are separated by a blank line */
		if (!json && i > 0 && fputc('\n', stdout) == EOF)
			exit_code = WA_EXIT_INTERNAL;
		rc = wa_audit_wheel(&audit, argv[i], &args->audit, &err);
		if (rc) {
			code = wa_error_exit_code(-rc);
			cli_print_error(argv[i], &err);
			/* every wheel gets its one verdict line on stdout */
			if (json ? wa_json_report_add_error(json, argv[i], code, &err)
				 : wa_report_error_line(stdout, argv[i], &err))
				code = WA_EXIT_INTERNAL;
		} else {
			struct wa_repair *rep = NULL;

			code = wa_audit_exit(audit);
			if (args->search.asked && audit->outcome == WA_OUTCOME_NEEDS_GRAFT &&
			    preview(args, argv[i], &rep, &err)) {
				/* the wheel was audited: a host library that cannot be
				 * read only takes the preview away */
				cli_print_error(argv[i], &err);
				code = cli_combine_exit(code, wa_error_exit_code(err.code));
			}
			if (json) {
				if (args->search.asked
					    ? wa_json_report_add_audit_preview(json, audit, rep)
					    : wa_json_report_add_audit(json, audit))
					code = WA_EXIT_INTERNAL;
			} else if (wa_report_text(stdout, audit, &args->text) ||
				   (rep &&
				    wa_report_graft_preview_text(stdout, rep, &args->text))) {
				code = WA_EXIT_INTERNAL;
			}
			wa_repair_free(rep);
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

static const struct cli_opt *const tables[] = {cli_audit_options, cli_search_options, own_options,
					       NULL};

const struct cli_command cli_cmd_show = {
	.name = "show",
	.summary = "audit wheels and print the most compatible platform tags",
	.usage = "[options] WHEEL...",
	.description = "Audit each wheel: architecture and libc of every ELF member, their\n"
		       "needed libraries and versioned symbols, judged against the policies.\n"
		       "The first line per wheel is the verdict:\n"
		       "  WHEEL: TAGSET            (the most compatible tags the content allows)\n"
		       "  WHEEL: linux_ARCH (why)  (no policy is met)\n",
	.footer = "exit codes: 0 compliant, 1 policy violation (or no policy for the arch, or\n"
		  "external libraries to graft), 2 usage, 3 invalid or unsafe input,\n"
		  "4 architecture or libc mismatch inside the wheel, 5 pure wheel, 6 I/O or\n"
		  "internal error.  With several wheels the highest-ranked outcome wins:\n"
		  "6, 3, 4, 1, 5, 0.\n",
	.tables = tables,
	.apply = apply,
	.run = run,
	.args_size = sizeof(struct cli_audit_args),
	.init = init,
	.fini = fini,
};
