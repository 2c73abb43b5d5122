/* SPDX-License-Identifier: MIT */
/* Messages, exit-code ranking and option-value parsing for the commands. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
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
