/* SPDX-License-Identifier: MIT */
/*
 * wheelaudit: the command table and the process-level duties - loading
 * the policy tables, dispatching, and making sure stdout was really
 * written (a full disk or a closed pipe is exit 6, not silence).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cmd_lddtree.h"
#include "cmd_policies.h"
#include "cmd_repair.h"
#include "cmd_show.h"
#include "wheelaudit/elf.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/family.h"
#include "wheelaudit/outcome.h"
#include "wheelaudit/outfile.h"
#include "wheelaudit/policy.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv, const struct wa_policy_set *set);
	const char *summary;
};

static const struct command commands[] = {
	{"show", cmd_show, "audit wheels and print the most compatible platform tags"},
	{"repair", cmd_repair, "retag wheels, grafting the libraries they need, or reject them"},
	{"policies", cmd_policies, "list the manylinux/musllinux policies, or show one"},
	{"lddtree", cmd_lddtree, "show how the loader resolves the libraries of files and wheels"},
};

static void print_help(FILE *out)
{
	fputs("usage: wheelaudit [--version] [--help] COMMAND [ARGS]\n\ncommands:\n", out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'wheelaudit COMMAND --help' describes a command's options.\n"
	      "\nexit codes: 0 compliant, 1 policy violation (lddtree: a library not\n"
	      "found), 2 usage, 3 invalid or unsafe input, 4 architecture or libc\n"
	      "mismatch, 5 pure wheel, 6 I/O or internal error (docs/exit-codes.md).\n",
	      out);
}

/* The policy directory: --policy-dir of any command, else $WHEELAUDIT_POLICY_DIR. */
static const char *policy_dir_from(int argc, char **argv)
{
	const char *dir = getenv("WHEELAUDIT_POLICY_DIR");

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--policy-dir") == 0 && i + 1 < argc)
			dir = argv[++i];
		else if (strncmp(argv[i], "--policy-dir=", 13) == 0)
			dir = argv[i] + 13;
	}
	return dir && *dir ? dir : NULL;
}

/*
 * Removes the global --policy-dir option from a command's arguments (it
 * has been acted on already), in place; returns the new argc.
 */
static int drop_policy_dir(int argc, char **argv)
{
	int out = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--policy-dir") == 0 && i + 1 < argc) {
			i++;
			continue;
		}
		if (strncmp(argv[i], "--policy-dir=", 13) == 0)
			continue;
		argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

/*
 * --list-KIND: the tables the code is generated from, one row per line,
 * tab-separated, for scripts and for the documentation check
 * (tests/check_docs.py), which must never scrape C source.
 */
static bool list_table(const char *what)
{
	static const char *const scopes[] = {"audit", "repair", "error"};

	if (strcmp(what, "--list-outcomes") == 0) {
		for (int o = 0; o < WA_OUTCOME_COUNT; o++) {
			int code = wa_outcome_exit_class((enum wa_outcome)o);
			char exit_text[16];

			snprintf(exit_text, sizeof(exit_text), "%d", code);
			printf("%s\t%s\t%s\t%s\n", wa_outcome_name((enum wa_outcome)o),
			       code == WA_EXIT_FROM_CAUSE ? "cause" : exit_text,
			       scopes[wa_outcome_scope((enum wa_outcome)o)],
			       wa_outcome_description((enum wa_outcome)o));
		}
	} else if (strcmp(what, "--list-findings") == 0) {
		for (int k = 0; k < WA_FINDING_COUNT; k++)
			printf("%s\n", wa_finding_kind_name((enum wa_finding_kind)k));
	} else if (strcmp(what, "--list-errors") == 0) {
		for (int c = 1; c < WA_ERROR_COUNT; c++)
			printf("%s\t%d\t%s\n", wa_error_name(c), wa_error_exit_code(c),
			       wa_error_default_text(c));
	} else if (strcmp(what, "--list-families") == 0) {
		for (int f = 0; f < WA_FAMILY_COUNT; f++)
			printf("%s\t%s\t%s\n", wa_family_name((enum wa_family)f),
			       wa_libc_name(wa_family_libc((enum wa_family)f)),
			       wa_family_file((enum wa_family)f));
	} else {
		return false;
	}
	return true;
}

/* Flushes and closes stdout; a failed write becomes exit 6 (as git and jq do). */
static int finish_stdout(int code)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		if (errno != EPIPE)
			fprintf(stderr, "wheelaudit: error: writing to standard output: %s\n",
				strerror(errno));
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

int main(int argc, char **argv)
{
	const struct command *cmd = NULL;
	struct wa_policy_set *set = NULL;
	struct wa_error err;
	const char *dir;
	int code;

	wa_error_clear(&err);
	install_signal_handlers();
	if (argc < 2)
		return cli_usage_error("no command given");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		print_help(stdout);
		return finish_stdout(WA_EXIT_OK);
	}
	if (list_table(argv[1]))
		return finish_stdout(WA_EXIT_OK);
	if (strcmp(argv[1], "--version") == 0) {
		puts("wheelaudit " WA_VERSION);
		return finish_stdout(WA_EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			cmd = &commands[i];
	if (!cmd)
		return cli_usage_error("'%s' is not a command", argv[1]);
	if (wa_elf_library_init(&err)) {
		cli_print_error("wheelaudit", &err);
		return WA_EXIT_INTERNAL;
	}
	dir = policy_dir_from(argc, argv);
	if (dir ? wa_policy_set_load_dir(&set, dir, &err)
		: wa_policy_set_load_builtin(&set, &err)) {
		fprintf(stderr, "wheelaudit: error: policy tables: %s\n", err.message);
		return dir ? WA_EXIT_USAGE : WA_EXIT_INTERNAL;
	}
	code = cmd->fn(drop_policy_dir(argc - 1, argv + 1), argv + 1, set);
	wa_policy_set_free(set);
	return finish_stdout(code);
}
