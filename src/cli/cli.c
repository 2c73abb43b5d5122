/* SPDX-License-Identifier: MIT */
/* Messages, exit-code ranking and option-value parsing for the commands. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("wheelaudit: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(see 'wheelaudit --help')\n", stderr);
	return WA_EXIT_USAGE;
}

void cli_warning(const char *fmt, ...)
{
	va_list ap;

	fputs("wheelaudit: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_print_error(const char *wheel, const struct wa_error *err)
{
	fprintf(stderr, "wheelaudit: error: %s: ", wheel);
	if (err->member[0])
		fprintf(stderr, "%s: ", err->member);
	fprintf(stderr, "%s\n", err->message[0] ? err->message : wa_error_default_text(err->code));
}

static int rank(int code)
{
	switch (code) {
	case WA_EXIT_INTERNAL: return 6;
	case WA_EXIT_INVALID: return 5;
	case WA_EXIT_MISMATCH: return 4;
	case WA_EXIT_POLICY: return 3;
	case WA_EXIT_USAGE: return 2;
	case WA_EXIT_PURE: return 1;
	default: return 0;
	}
}

int cli_combine_exit(int a, int b)
{
	return rank(a) >= rank(b) ? a : b;
}

bool cli_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned shift = 0;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return false;
	switch (*end) {
	case 'K':
	case 'k':
		shift = 10;
		end++;
		break;
	case 'M':
	case 'm':
		shift = 20;
		end++;
		break;
	case 'G':
	case 'g':
		shift = 30;
		end++;
		break;
	case 'T':
	case 't':
		shift = 40;
		end++;
		break;
	default: break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

bool cli_color_wanted(void)
{
	const char *no = getenv("NO_COLOR");

	if (no && *no)
		return false;
	return isatty(STDOUT_FILENO) == 1;
}

static int parse_positive(const char *arg, const char *option, uint64_t *out)
{
	if (!cli_parse_size(arg, out) || *out == 0)
		return cli_usage_error("%s: '%s' is not a positive number", option, arg);
	return 0;
}

int cli_audit_option(int c, const char *arg, struct cli_audit_args *args)
{
	switch (c) {
	case CLI_OPT_JSON: args->json = true; return 0;
	case CLI_OPT_PLAT: args->audit.plat = arg; return 0;
	case CLI_OPT_ALLOW_PURE: args->audit.allow_pure = true; return 0;
	case CLI_OPT_NO_ISA: args->audit.disable_isa_check = true; return 0;
	case CLI_OPT_POLICY_DIR: return 0; /* loaded by main before the command runs */
	case CLI_OPT_VERBOSE: args->text.verbose = true; return 0;
	case CLI_OPT_MAX_MEMBER:
		if (!cli_parse_size(arg, &args->audit.limits.max_member_bytes))
			return cli_usage_error("--max-member-size: '%s' is not a size", arg);
		return 0;
	case CLI_OPT_MAX_WHEEL:
		if (!cli_parse_size(arg, &args->audit.limits.max_total_bytes))
			return cli_usage_error("--max-wheel-size: '%s' is not a size", arg);
		return 0;
	case CLI_OPT_MAX_RATIO:
		if (!cli_parse_size(arg, &args->audit.limits.max_ratio))
			return cli_usage_error("--max-ratio: '%s' is not a number (0: no limit)",
					       arg);
		return 0;
	case CLI_OPT_MAX_MEMBERS: {
		uint64_t n;

		if (!cli_parse_size(arg, &n) || n < 1 || n > SIZE_MAX)
			return cli_usage_error("--max-members: '%s' is not a positive number", arg);
		args->audit.limits.max_members = (size_t)n;
		return 0;
	}
	case CLI_OPT_MAX_ELF_ENTRIES:
		return parse_positive(arg, "--max-elf-entries",
				      &args->audit.elf_limits.max_entries);
	case CLI_OPT_MAX_ELF_SYMBOLS:
		return parse_positive(arg, "--max-elf-symbols",
				      &args->audit.elf_limits.max_symbols);
	case CLI_OPT_MAX_ELF_STRING:
		return parse_positive(arg, "--max-elf-string", &args->audit.elf_limits.max_string);
	case CLI_OPT_THREADS: {
		char *end;
		long n = strtol(arg, &end, 10);

		if (*end || n < 1 || n > 16)
			return cli_usage_error("--threads: '%s' is not a number from 1 to 16", arg);
		args->audit.threads = (unsigned)n;
		return 0;
	}
	case CLI_OPT_COLOR:
		if (strcmp(arg, "always") == 0)
			args->text.color = true;
		else if (strcmp(arg, "never") == 0)
			args->text.color = false;
		else if (strcmp(arg, "auto") != 0)
			return cli_usage_error("--color: '%s' is not auto, always or never", arg);
		return 0;
	default: return -1;
	}
}

int cli_check_plat(const struct wa_policy_set *set, const char *plat, const char *source)
{
	if (!plat || strcmp(plat, "auto") == 0 || wa_policy_find(set, plat, NULL, 0))
		return 0;
	return cli_usage_error("%s: '%s' is not a known policy (see 'wheelaudit policies')", source,
			       plat);
}

int cli_bad_option(const char *command, char **argv)
{
	if (optopt && optopt < 256)
		return cli_usage_error("%s: unknown option '-%c' or missing value", command,
				       optopt);
	return cli_usage_error("%s: unknown or incomplete option '%s'", command, argv[optind - 1]);
}
