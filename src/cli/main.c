/* SPDX-License-Identifier: MIT */
/*
 * wheelaudit: the command table and the process-level duties - the
 * options before the command, dispatching, signals, and making sure
 * stdout was really written (a full disk or a closed pipe is exit 6, not
 * silence).  Invoked as `auditwheel` (a link or copy of that name), it
 * answers to auditwheel's command lines with its own formats and codes.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/family.h"
#include "wheelaudit/outcome.h"
#include "wheelaudit/outfile.h"
#include "wheelaudit/path.h"

/* Adding a command: a file with its struct cli_command, a row here, and
 * its section in the man page (docs/architecture.md, "Adding a command"). */
static const struct cli_command *const commands[] = {
	&cli_cmd_show,
	&cli_cmd_repair,
	&cli_cmd_policies,
	&cli_cmd_lddtree,
};

enum {
	GLOBAL_VERSION = 1,
	GLOBAL_VERBOSE,
	GLOBAL_POLICY_DIR,
	GLOBAL_LIST_OUTCOMES,
	GLOBAL_LIST_FINDINGS,
	GLOBAL_LIST_ERRORS,
	GLOBAL_LIST_FAMILIES,
	GLOBAL_LIST_OPTIONS,
	GLOBAL_LIST_ENVIRONMENT,
};

const struct cli_opt cli_global_options[] = {
	{"version", 'V', NULL, GLOBAL_VERSION, "print the version", "Print the version.", NULL},
	{"verbose", 'v', NULL, GLOBAL_VERBOSE,
	 "more detail on stderr (repeatable: -vv); the same as\n--verbose after the command",
	 "Give more detail: what the command decided and why, on standard error (with **-vv**, "
	 "each library search as well). Repeatable; the same as **--verbose** after the "
	 "command, as in auditwheel.",
	 NULL},
	{"policy-dir", 0, "DIR", GLOBAL_POLICY_DIR,
	 "load policy tables from DIR (also WHEELAUDIT_POLICY_DIR)",
	 "Load the policy tables from the JSON files in *DIR* instead of the built-in tables "
	 "(format: docs/policies.md). Accepted before the command and with every command that "
	 "reads policies. Overrides **WHEELAUDIT_POLICY_DIR**.",
	 NULL},
	{"list-outcomes", 0, NULL, GLOBAL_LIST_OUTCOMES,
	 "print the outcome table: name, exit code, scope, meaning",
	 "Print the table of outcomes (name, exit code or **cause**, scope, meaning), one per "
	 "line, tab-separated. The **--list-** options print the tables the code is generated "
	 "from, for scripts and for checking documentation.",
	 NULL},
	{"list-findings", 0, NULL, GLOBAL_LIST_FINDINGS, "print the finding kinds",
	 "Print the finding kinds (docs/exit-codes.md), one per line.", NULL},
	{"list-errors", 0, NULL, GLOBAL_LIST_ERRORS, "print the error codes: name, exit code, text",
	 "Print the error codes: name, exit code, default text.", NULL},
	{"list-families", 0, NULL, GLOBAL_LIST_FAMILIES,
	 "print the policy families: name, libc, table",
	 "Print the policy families: name, C library, embedded table.", NULL},
	{"list-options", 0, NULL, GLOBAL_LIST_OPTIONS, "print every option of every command",
	 "Print every option of every command: scope, name, short name, value, aliases, help "
	 "and manual text. The OPTIONS section of this page is made from it.",
	 NULL},
	{"list-environment", 0, NULL, GLOBAL_LIST_ENVIRONMENT,
	 "print the environment variables read, with their commands",
	 "Print the environment variables wheelaudit reads: name, the commands that read it, "
	 "meaning. The ENVIRONMENT section of this page is made from it.",
	 NULL},
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

static void list_table(int which)
{
	static const char *const scopes[] = {"audit", "repair", "error"};

	switch (which) {
	case GLOBAL_LIST_OUTCOMES:
		for (int o = 0; o < WA_OUTCOME_COUNT; o++) {
			int code = wa_outcome_exit_class((enum wa_outcome)o);
			char exit_text[16];

			snprintf(exit_text, sizeof(exit_text), "%d", code);
			printf("%s\t%s\t%s\t%s\n", wa_outcome_name((enum wa_outcome)o),
			       code == WA_EXIT_FROM_CAUSE ? "cause" : exit_text,
			       scopes[wa_outcome_scope((enum wa_outcome)o)],
			       wa_outcome_description((enum wa_outcome)o));
		}
		break;
	case GLOBAL_LIST_FINDINGS:
		for (int k = 0; k < WA_FINDING_COUNT; k++)
			printf("%s\n", wa_finding_kind_name((enum wa_finding_kind)k));
		break;
	case GLOBAL_LIST_ERRORS:
		for (int c = 1; c < WA_ERROR_COUNT; c++)
			printf("%s\t%d\t%s\n", wa_error_name(c), wa_error_exit_code(c),
			       wa_error_default_text(c));
		break;
	case GLOBAL_LIST_FAMILIES:
		for (int f = 0; f < WA_FAMILY_COUNT; f++)
			printf("%s\t%s\t%s\n", wa_family_name((enum wa_family)f),
			       wa_libc_name(wa_family_libc((enum wa_family)f)),
			       wa_family_file((enum wa_family)f));
		break;
	case GLOBAL_LIST_ENVIRONMENT: cli_list_environment(stdout); break;
	default: cli_list_options(stdout); break;
	}
}

/* Flushes and closes stdout; a failed write becomes exit 6 (as git and jq do). */
static int finish_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			cli_error("writing to standard output: %s", strerror(errno));
		return WA_EXIT_INTERNAL;
	}
	return code;
}

/* An interrupted repair must not leave its temporary file behind. */
static void on_fatal_signal(int sig)
{
	wa_outfile_signal_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signal_handlers(void)
{
	static const int fatal[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	/* A closed pipe (`wheelaudit show --json | head`) must be a write
	 * error we report as exit 6, not a silent death by SIGPIPE; a file
	 * size limit (ulimit -f) must be a write error (EFBIG) likewise. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
}

/* What the options before the command ask for. */
struct global_args {
	struct cli_ctx *ctx;
	int done; /* a table or the version was printed: nothing else to do */
};

static int global_apply(void *vargs, const struct cli_opt *opt, const char *value,
			const char *spelled)
{
	struct global_args *g = vargs;

	(void)spelled;
	switch (opt->id) {
	case GLOBAL_VERSION:
		printf("wheelaudit " WA_VERSION "\n");
		g->done = 1;
		return -1;
	case GLOBAL_VERBOSE: g->ctx->verbosity++; return 0;
	case GLOBAL_POLICY_DIR: g->ctx->policy_dir = value; return 0;
	default:
		list_table(opt->id);
		g->done = 1;
		return -1;
	}
}

static const struct cli_opt *const global_tables[] = {cli_global_options, NULL};

/* The options before the command, parsed like a command's, stopping at the
 * command's name. */
static const struct cli_command global_command = {
	.name = NULL,
	.tables = global_tables,
	.apply = global_apply,
	.options_first = true,
};

/*
 * The options before the command.  Returns 0 with *command_at set to the
 * command's index in argv, -1 when they were all that was asked for (help,
 * version, a table), or an exit code.
 */
static int parse_global(struct cli_ctx *ctx, int argc, char **argv, int *command_at)
{
	struct global_args g = {ctx, 0};
	int first = 0, rc = cli_parse(ctx, &global_command, argc, argv, &g, &first);

	if (rc < 0 || g.done)
		return -1; /* help, version or a table was printed */
	if (rc)
		return rc;
	if (first >= argc)
		return cli_usage_error(NULL, "no command given");
	*command_at = first;
	return 0;
}

static int run_command(struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv)
{
	void *args = calloc(1, cmd->args_size ? cmd->args_size : 1);
	int first = 0, rc;

	if (!args)
		return cli_oom();
	if (cmd->init)
		cmd->init(ctx, args);
	rc = cli_parse(ctx, cmd, argc, argv, args, &first);
	if (rc == 0)
		rc = cmd->run(ctx, args, argc - first, argv + first);
	else if (rc < 0)
		rc = WA_EXIT_OK; /* --help */
	if (cmd->fini)
		cmd->fini(args);
	free(args);
	return rc;
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {.program = "wheelaudit"};
	const struct cli_command *cmd = NULL;
	struct wa_error err;
	int at = 0, code;

	wa_error_clear(&err);
	install_signal_handlers();
	if (argc > 0 && strcmp(wa_path_base(argv[0]), "auditwheel") == 0)
		ctx.program = "auditwheel";
	ctx.policy_dir = cli_env("WHEELAUDIT_POLICY_DIR");
	code = parse_global(&ctx, argc, argv, &at);
	if (code)
		return code < 0 ? finish_stdout(WA_EXIT_OK) : code;
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[at], commands[i]->name) == 0)
			cmd = commands[i];
	if (!cmd)
		return cli_usage_error(NULL, "'%s' is not a command", argv[at]);
	if (wa_elf_library_init(&err)) {
		cli_print_error(ctx.program, &err);
		return WA_EXIT_INTERNAL;
	}
	code = run_command(&ctx, cmd, argc - at, argv + at);
	wa_policy_set_free(ctx.policies);
	return finish_stdout(code);
}
