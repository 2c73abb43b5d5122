/* SPDX-License-Identifier: MIT */
/* Outcome lookups, generated from WA_OUTCOME_MAP (outcome.h). */
#include "wheelaudit/outcome.h"

static const struct {
	const char *name, *text;
	int exit;
	enum wa_outcome_scope scope;
} outcomes[WA_OUTCOME_COUNT] = {
#define XX(id, name, exit, scope, text) {name, text, exit, scope},
	WA_OUTCOME_MAP(XX)
#undef XX
};

const char *wa_outcome_name(enum wa_outcome o)
{
	return (unsigned)o < WA_OUTCOME_COUNT ? outcomes[o].name : "error";
}

const char *wa_outcome_description(enum wa_outcome o)
{
	return (unsigned)o < WA_OUTCOME_COUNT ? outcomes[o].text : "";
}

int wa_outcome_exit_class(enum wa_outcome o)
{
	return (unsigned)o < WA_OUTCOME_COUNT ? outcomes[o].exit : WA_EXIT_INTERNAL;
}

enum wa_outcome_scope wa_outcome_scope(enum wa_outcome o)
{
	return (unsigned)o < WA_OUTCOME_COUNT ? outcomes[o].scope : WA_SCOPE_ERROR;
}

int wa_outcome_exit(enum wa_outcome o, enum wa_outcome cause)
{
	int code = wa_outcome_exit_class(o);

	if (code != WA_EXIT_FROM_CAUSE)
		return code;
	code = wa_outcome_exit_class(cause);
	/* a rejection always has a cause that is not itself a rejection */
	return code == WA_EXIT_FROM_CAUSE ? WA_EXIT_INTERNAL : code;
}

enum wa_outcome wa_outcome_of_error(int code)
{
	switch (wa_error_exit_code(code)) {
	case WA_EXIT_INVALID: return WA_OUTCOME_INVALID;
	case WA_EXIT_USAGE: return WA_OUTCOME_REFUSED;
	default: return WA_OUTCOME_ERROR;
	}
}
