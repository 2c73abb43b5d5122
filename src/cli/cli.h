/* SPDX-License-Identifier: MIT */
/* Helpers shared by the commands: messages, exit-code ranking, option values. */
#ifndef WHEELAUDIT_CLI_H
#define WHEELAUDIT_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "wheelaudit/audit.h"
#include "wheelaudit/error.h"
#include "wheelaudit/report.h"

/*
 * Options shared by the commands that audit (show, repair).  Their codes
 * start at 256 so they never collide with a short option; a command's own
 * long options start at CLI_OPT_OWN.
 */
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
	CLI_OPT_OWN = 300,
};

#define CLI_AUDIT_LONG_OPTIONS                                                                     \
	{"json", no_argument, NULL, CLI_OPT_JSON},                                                 \
		{"plat", required_argument, NULL, CLI_OPT_PLAT},                                   \
		{"allow-pure", no_argument, NULL, CLI_OPT_ALLOW_PURE},                             \
		{"disable-isa-check", no_argument, NULL, CLI_OPT_NO_ISA},                          \
		{"policy-dir", required_argument, NULL, CLI_OPT_POLICY_DIR},                       \
		{"max-member-size", required_argument, NULL, CLI_OPT_MAX_MEMBER},                  \
		{"max-wheel-size", required_argument, NULL, CLI_OPT_MAX_WHEEL},                    \
		{"max-ratio", required_argument, NULL, CLI_OPT_MAX_RATIO},                         \
		{"max-members", required_argument, NULL, CLI_OPT_MAX_MEMBERS},                     \
		{"max-elf-entries", required_argument, NULL, CLI_OPT_MAX_ELF_ENTRIES},             \
		{"max-elf-symbols", required_argument, NULL, CLI_OPT_MAX_ELF_SYMBOLS},             \
		{"max-elf-string", required_argument, NULL, CLI_OPT_MAX_ELF_STRING},               \
		{"threads", required_argument, NULL, CLI_OPT_THREADS},                             \
		{"verbose", no_argument, NULL, CLI_OPT_VERBOSE},                                   \
		{"color", required_argument, NULL, CLI_OPT_COLOR},                                 \
	{                                                                                          \
		"help", no_argument, NULL, 'h'                                                     \
	}

/* --help lines of the shared options that read the same for every command. */
#define CLI_AUDIT_OPTIONS_HELP                                                                     \
	"  --disable-isa-check      do not rule out policies for x86-64-v2/v3/v4 modules\n"        \
	"  --policy-dir DIR         load policy tables from DIR (also WHEELAUDIT_POLICY_DIR)\n"    \
	"  --max-member-size BYTES  decompressed bytes allowed per member (default 2G)\n"          \
	"  --max-wheel-size BYTES   decompressed bytes allowed per wheel (default 16G)\n"          \
	"  --max-ratio N            decompressed/compressed ratio allowed per member\n"            \
	"                           beyond 1 MiB (default 1100; 0 = none; zip bombs)\n"            \
	"  --max-members N          members allowed in the archive (default 200000)\n"             \
	"  --max-elf-entries N      program headers, dynamic and version-needs entries\n"          \
	"                           per ELF file (default 1M)\n"                                   \
	"  --max-elf-symbols N      dynamic symbols per ELF file (default 16M)\n"                  \
	"  --max-elf-string BYTES   length of one name in an ELF file (default 1M)\n"              \
	"  --threads N              threads reading members (default: 2 when available)\n"

/* What the shared options set. */
struct cli_audit_args {
	struct wa_audit_options audit;
	struct wa_text_options text;
	bool json;
};

/*
 * Applies shared option c (with getopt's optarg).  Returns 0 when it
 * handled c, -1 when c is not a shared option, or WA_EXIT_USAGE after
 * printing why the value is wrong.
 */
int cli_audit_option(int c, const char *arg, struct cli_audit_args *args);

/* Checks a --plat value ("auto" or a known policy); prints and returns 2 when wrong. */
int cli_check_plat(const struct wa_policy_set *set, const char *plat, const char *source);

/* The message for an option getopt rejected (optopt / argv[optind - 1]). */
int cli_bad_option(const char *command, char **argv);

/* Prints "wheelaudit: error: <message>" to stderr and returns WA_EXIT_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints "wheelaudit: error: <wheel>: <member>: <message>" for a failed operation. */
void cli_print_error(const char *wheel, const struct wa_error *err);

/* Prints "wheelaudit: warning: <message>". */
void cli_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Several wheels: the exit code is the highest-ranked outcome, in this
 * order: 6 (internal), 3 (invalid input), 4 (mismatch), 1 (policy),
 * 5 (pure), 0.  Returns the combined code of a and b.
 */
int cli_combine_exit(int a, int b);

/* Parses "123", "64K", "2M", "3G" into bytes; false when malformed. */
bool cli_parse_size(const char *s, uint64_t *out);

/* True when colour may be used on stdout (a TTY and NO_COLOR unset). */
bool cli_color_wanted(void);

#endif
