/* SPDX-License-Identifier: MIT */
#ifndef WHEELAUDIT_CMD_REPAIR_H
#define WHEELAUDIT_CMD_REPAIR_H

#include "wheelaudit/policy.h"

/* `wheelaudit repair`: argv[0] is "repair".  Returns the exit code of the contract. */
int cmd_repair(int argc, char **argv, const struct wa_policy_set *set);

#endif
