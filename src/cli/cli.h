/* SPDX-License-Identifier: MIT */
/*
 * The command line's own machinery: option tables from which the parser,
 * `--help` and the man page's option lists are all made (the docs check
 * compares the man page with `wheelaudit --list-options`), the one place
 * that prints messages, the exit-code ranking, and the settings every
 * command shares.  Only src/cli knows argv, the environment and stdout.
 */
#ifndef WHEELAUDIT_CLI_H
#define WHEELAUDIT_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "wheelaudit/audit.h"
#include "wheelaudit/error.h"
#include "wheelaudit/ldpath.h"
#include "wheelaudit/policy.h"
#include "wheelaudit/report.h"

/* ===== option tables ===== */

/*
 * One option.  A table is an array ending with a row whose name is NULL.
 * help is what `--help` prints (lines separated by '\n'); doc is the man
 * page's text (NULL: help), in which **x** is bold and *x* italic.
 */
struct cli_opt {
	const char *name; /* the long name, without "--" */
	char short_name;  /* or 0 */
	const char *arg;  /* the value's name ("DIR"), or NULL for a flag */
	int id;           /* what the command's apply function is handed */
	const char *help;
	const char *doc;
	const char *aliases; /* other long spellings, space-separated, or NULL */
};

struct cli_ctx;

/*
 * A command: its name and texts, its option tables (shared ones first; a
 * later row of the same name gives that option a meaning of its own), and
 * the function that runs it with the operands left after the options.
 */
struct cli_command {
	const char *name;
	const char *summary;                 /* one line, for `wheelaudit --help` */
	const char *usage;                   /* after "wheelaudit NAME " */
	const char *description;             /* `--help` paragraph(s) */
	const char *footer;                  /* `--help` text after the options (exit codes) */
	const struct cli_opt *const *tables; /* NULL-terminated */
	/* Applies one option (value NULL for a flag); spelled is what the user
	 * typed.  Returns 0, or an exit code after printing why. */
	int (*apply)(void *args, const struct cli_opt *opt, const char *value, const char *spelled);
	int (*run)(struct cli_ctx *ctx, void *args, int argc, char **argv);
	size_t args_size; /* the size of the command's argument struct */
	void (*init)(struct cli_ctx *ctx, void *args); /* defaults, before the options */
	void (*fini)(void *args);                      /* frees what apply allocated, or NULL */
	bool options_first; /* the options end at the first operand (those before a command) */
};

/* What every command is run with. */
struct cli_ctx {
	const char *program;            /* "wheelaudit", or "auditwheel" when invoked so */
	const char *policy_dir;         /* --policy-dir or WHEELAUDIT_POLICY_DIR, or NULL */
	int verbosity;                  /* -v, before the command or after it; repeatable */
	struct wa_policy_set *policies; /* loaded on first use (cli_policies) */
};

/* The tables and their rows, for --help, --list-options and the commands. */
extern const struct cli_command cli_cmd_show, cli_cmd_repair, cli_cmd_lddtree, cli_cmd_policies;
extern const struct cli_opt cli_global_options[];
extern const struct cli_opt cli_audit_options[]; /* show's and repair's */

/*
 * Parses argv (argv[0] is the command's name) against cmd's tables,
 * handing each option to cmd->apply.  Prints cmd's help for -h/--help and
 * returns -1; returns 0 with *first set to the first operand, or an exit
 * code after printing why the command line is wrong.
 */
int cli_parse(const struct cli_ctx *ctx, const struct cli_command *cmd, int argc, char **argv,
	      void *args, int *first);

/* Prints the help of cmd (or of the program when cmd is NULL) to out. */
void cli_print_help(FILE *out, const struct cli_ctx *ctx, const struct cli_command *cmd);

/* Prints every option of every table as tab-separated rows (--list-options). */
void cli_list_options(FILE *out);

/* A variable of the environment some command reads. */
struct cli_env_var {
	const char *name;
	const char *commands; /* space-separated */
	const char *doc;      /* the man page's text (**bold**, *italic*) */
};
extern const struct cli_env_var cli_environment[];

/* Prints the variables as tab-separated rows (--list-environment). */
void cli_list_environment(FILE *out);

/* The row of cmd's tables that applies to a long name (the command's own first). */
const struct cli_opt *cli_find_option(const struct cli_command *cmd, const char *name);

/* ===== messages ===== */

/* "wheelaudit: error: <message>" on stderr.  Returns WA_EXIT_INTERNAL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A usage error of command (NULL: of the program), pointing to its --help.  Returns 2. */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "wheelaudit: error: <wheel>: <member>: <message>" for a failed operation. */
void cli_print_error(const char *wheel, const struct wa_error *err);

/* "wheelaudit: warning: <message>". */
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "wheelaudit: <message>". */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "wheelaudit: <message>" when the verbosity is at least level. */
void cli_info(const struct cli_ctx *ctx, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Running out of memory in the command line itself.  Returns WA_EXIT_INTERNAL. */
int cli_oom(void);

/* ===== shared settings ===== */

/*
 * Several wheels: the exit code is the highest-ranked outcome, in this
 * order: 6 (internal), 3 (invalid input), 4 (mismatch), 1 (policy),
 * 2 (usage), 5 (pure), 0.  Returns the combined code of a and b.
 */
int cli_combine_exit(int a, int b);

/* Parses "123", "64K", "2M", "3G" into bytes; false when malformed. */
bool cli_parse_size(const char *s, uint64_t *out);

/* The environment variable name, or NULL when unset or empty. */
const char *cli_env(const char *name);

/* The first of two variables that is set (ours, then auditwheel's), or
 * NULL; *which names it, for messages. */
const char *cli_env2(const char *ours, const char *theirs, const char **which);

/*
 * Whether to colour what goes to stream f under --color WHEN ("auto",
 * "always", "never"; NULL is auto): auto colours a terminal unless
 * NO_COLOR is set (to anything) or TERM is "dumb".
 */
bool cli_color(FILE *f, const char *when);

/* The policy tables (--policy-dir, WHEELAUDIT_POLICY_DIR, or the built-in
 * ones), loaded on first use.  NULL after printing why they cannot be. */
const struct wa_policy_set *cli_policies(struct cli_ctx *ctx, int *exit_code);

/* ===== show's and repair's options ===== */

/* ===== the library search's options (show, repair, lddtree) ===== */

struct cli_search_args {
	struct wa_ld_options ld;
	char *extra_paths; /* owned: WHEELAUDIT_LD_LIBRARY_PATH and AUDITWHEEL_LD_LIBRARY_PATH */
	char *root;        /* owned: --root made absolute */
	bool asked;        /* --ldpaths or one of those variables: show searches too */
};

extern const struct cli_opt cli_search_options[];

/* Applies --ldpaths, --root, --host-libc; returns 0, an exit code after
 * printing why, or -1 when opt is not one of them. */
int cli_search_apply(struct cli_search_args *args, const struct cli_opt *opt, const char *value,
		     const char *spelled);
/* After parsing: the environment's part (cli_ld_from_environment). */
int cli_search_finish(struct cli_search_args *args);
void cli_search_args_fini(struct cli_search_args *args);

/* What the shared options set. */
struct cli_audit_args {
	struct cli_ctx *ctx;
	struct wa_audit_options audit;
	struct wa_text_options text;
	struct cli_search_args search; /* where libraries outside the wheel are searched */
	const char **exclude;          /* owned array (--exclude); the strings are argv's */
	size_t n_exclude;
	const char *color;       /* --color WHEN, or NULL (auto) */
	const char *plat_source; /* where plat came from, for messages */
	const char *policy_dir;  /* the command's --policy-dir, or NULL */
	bool json;
};

/* Ids of the shared options; a command's own ids start at CLI_OWN. */
enum {
	CLI_OPT_JSON = 256,
	CLI_OPT_PLAT,
	CLI_OPT_ALLOW_PURE,
	CLI_OPT_NO_ISA,
	CLI_OPT_POLICY_DIR,
	CLI_OPT_MAX_MEMBER,
	CLI_OPT_MAX_WHEEL,
	CLI_OPT_THREADS,
	CLI_OPT_VERBOSE,
	CLI_OPT_COLOR,
	CLI_OPT_MAX_RATIO,
	CLI_OPT_MAX_MEMBERS,
	CLI_OPT_MAX_ELF_ENTRIES,
	CLI_OPT_MAX_ELF_SYMBOLS,
	CLI_OPT_MAX_ELF_STRING,
	CLI_OPT_HELP,
	CLI_OPT_EXCLUDE,
	CLI_OPT_LDPATHS,
	CLI_OPT_HOST_LIBC,
	CLI_OPT_ROOT,
	CLI_OWN = 400,
};

void cli_audit_args_init(struct cli_ctx *ctx, struct cli_audit_args *args);
void cli_audit_args_fini(struct cli_audit_args *args);

/* The environment's part of the library search (LD_LIBRARY_PATH and the
 * extra directories of WHEELAUDIT_LD_LIBRARY_PATH, AUDITWHEEL_LD_LIBRARY_PATH),
 * into ld; *extra is the allocation the caller frees.  Returns 0 or an
 * exit code. */
int cli_ld_from_environment(struct wa_ld_options *ld, char **extra, bool *asked);

/* Applies a shared option; returns 0, an exit code after printing why, or
 * -1 when opt is not a shared one. */
int cli_audit_apply(struct cli_audit_args *args, const struct cli_opt *opt, const char *value,
		    const char *spelled);

/* After parsing: policies loaded and --plat checked ("auto" or a known
 * policy).  Returns 0 or an exit code after printing why. */
int cli_audit_finish(struct cli_ctx *ctx, struct cli_audit_args *args, const char *command);

#endif
