/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit lddtree FILE|WHEEL...`: the dependency tree of an ELF file,
 * or of every ELF member of a wheel, as the dynamic loader would resolve
 * it on this host (libraries in the wheel first).  Text is an indented
 * tree; --json one document for all inputs.  Exit 1 when a library is
 * not found: for an auditor that is a finding, not a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wheelaudit/lddtree.h"
#include "wheelaudit/ldpath.h"
#include "wheelaudit/report.h"

enum { OPT_JSON = CLI_OWN };

static const struct cli_opt own_options[] = {
	{"json", 0, NULL, OPT_JSON, "print one JSON document (docs/lddtree.md)",
	 "Print one JSON document for all inputs (docs/lddtree.md).", NULL},
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

struct lddtree_args {
	struct cli_search_args search;
	bool json;
};

static int apply(void *vargs, const struct cli_opt *opt, const char *value, const char *spelled)
{
	struct lddtree_args *args = vargs;

	if (opt->id == OPT_JSON) {
		args->json = true;
		return 0;
	}
	return cli_search_apply(&args->search, opt, value, spelled);
}

static void fini(void *vargs)
{
	cli_search_args_fini(&((struct lddtree_args *)vargs)->search);
}

/* Builds and reports one input; returns its exit code. */
static int run_input(struct wa_lddtree_ctx *ctx, const char *path, struct wa_json_report *json)
{
	struct wa_lddtree *t = NULL;
	struct wa_error err;
	int code;

	wa_error_clear(&err);
	if (wa_lddtree_build(&t, ctx, path, &err)) {
		cli_print_error(path, &err);
		code = wa_error_exit_code(err.code);
		if (json && wa_json_report_add_lddtree_error(json, path, &err))
			code = WA_EXIT_INTERNAL;
		return code;
	}
	code = t->n_missing ? WA_EXIT_POLICY : WA_EXIT_OK;
	if (json ? wa_json_report_add_lddtree(json, t) : wa_report_lddtree_text(stdout, t))
		code = WA_EXIT_INTERNAL;
	wa_lddtree_free(t);
	return code;
}

static int run(struct cli_ctx *cctx, void *vargs, int argc, char **argv)
{
	struct lddtree_args *args = vargs;
	struct wa_ld_config *cfg = NULL;
	struct wa_lddtree_ctx *ctx = NULL;
	struct wa_json_report *json = NULL;
	struct wa_error err;
	int exit_code = WA_EXIT_OK;

	(void)cctx;
	if (argc < 1)
		return cli_usage_error("lddtree", "lddtree: no file or wheel given");
	exit_code = cli_search_finish(&args->search);
	if (exit_code)
		return exit_code;
	wa_error_clear(&err);
	if (wa_ld_config_load(&cfg, &args->search.ld, &err) ||
	    wa_lddtree_ctx_new(&ctx, cfg, &err)) {
		cli_print_error("lddtree", &err);
		wa_ld_config_free(cfg);
		return wa_error_exit_code(err.code);
	}
	if (args->json && wa_json_lddtree_new(&json))
		exit_code = cli_oom();
	for (int i = 0; i < argc && exit_code != WA_EXIT_INTERNAL; i++)
		exit_code = cli_combine_exit(exit_code, run_input(ctx, argv[i], json));
	if (json && exit_code != WA_EXIT_INTERNAL && wa_json_report_write(json, stdout))
		exit_code = WA_EXIT_INTERNAL;
	wa_json_report_free(json);
	wa_lddtree_ctx_free(ctx);
	wa_ld_config_free(cfg);
	return exit_code;
}

static const struct cli_opt *const tables[] = {cli_search_options, own_options, NULL};

const struct cli_command cli_cmd_lddtree = {
	.name = "lddtree",
	.summary = "show how the loader resolves the libraries of files and wheels",
	.usage = "[options] FILE|WHEEL...",
	.description =
		"Show which file each needed library resolves to, recursively, the way\n"
		"glibc's loader searches: DT_RPATH (own and inherited, unless DT_RUNPATH),\n"
		"LD_LIBRARY_PATH, WHEELAUDIT_LD_LIBRARY_PATH (or AUDITWHEEL_...), DT_RUNPATH,\n"
		"/etc/ld.so.conf,\n"
		"then the architecture's default directories.  For a wheel, every ELF\n"
		"member is a root and libraries inside the wheel are found there first.\n"
		"Each line reads  NAME => PATH (how found)  or  NAME => not found.\n",
	.footer = "exit codes: 0 every library found, 1 a library not found, 2 usage,\n"
		  "3 invalid input (neither ELF nor a valid wheel), 6 I/O or internal error.\n",
	.tables = tables,
	.apply = apply,
	.run = run,
	.args_size = sizeof(struct lddtree_args),
	.fini = fini,
};
