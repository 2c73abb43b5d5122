/* SPDX-License-Identifier: MIT */
/* The error table and the helpers that fill struct wa_error. */
#include "wheelaudit/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct error_row {
	const char *name;
	int exit_code;
	const char *text;
};

static const struct error_row error_rows[] = {{"OK", WA_EXIT_OK, "success"},
#define XX(name, exit, text) {#name, exit, text},
					      WA_ERROR_MAP(XX)
#undef XX
};

static const struct error_row *row_of(int code)
{
	if (code < 0)
		code = -code;
	if (code >= WA_ERROR_COUNT)
		code = WA_EINTERNAL;
	return &error_rows[code];
}

void wa_error_clear(struct wa_error *err)
{
	if (!err)
		return;
	err->code = 0;
	err->sys_errno = 0;
	err->member[0] = '\0';
	err->message[0] = '\0';
}

int wa_error_set(struct wa_error *err, int code, const char *member, const char *fmt, ...)
{
	if (code < 0)
		code = -code;
	if (err) {
		va_list ap;

		err->code = code;
		snprintf(err->member, sizeof(err->member), "%s", member ? member : "");
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return -code;
}

const char *wa_error_name(int code)
{
	return row_of(code)->name;
}

int wa_error_exit_code(int code)
{
	return row_of(code)->exit_code;
}

const char *wa_error_default_text(int code)
{
	return row_of(code)->text;
}

const char *wa_strerror(int e)
{
	static _Thread_local char text[128];

	/* the XSI strerror_r (error.c does not ask for _GNU_SOURCE) */
	if (strerror_r(e, text, sizeof(text)) != 0)
		snprintf(text, sizeof(text), "error %d", e);
	return text;
}
