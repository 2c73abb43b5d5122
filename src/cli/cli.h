/* SPDX-License-Identifier: MIT */
/* Helpers shared by the commands: messages, exit-code ranking, option values. */
#ifndef WHEELAUDIT_CLI_H
#define WHEELAUDIT_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "wheelaudit/error.h"

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
