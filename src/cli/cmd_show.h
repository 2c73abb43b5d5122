/* SPDX-License-Identifier: MIT */
#ifndef WHEELAUDIT_CMD_SHOW_H
#define WHEELAUDIT_CMD_SHOW_H

#include "wheelaudit/policy.h"

/* `wheelaudit show`: argv[0] is "show".  Returns the exit code of the contract. */
int cmd_show(int argc, char **argv, const struct wa_policy_set *set);

#endif
