/* SPDX-License-Identifier: MIT */
#ifndef WHEELAUDIT_CMD_LDDTREE_H
#define WHEELAUDIT_CMD_LDDTREE_H

#include "wheelaudit/policy.h"

/* `wheelaudit lddtree`: argv[0] is "lddtree".  Returns the exit code of the contract. */
int cmd_lddtree(int argc, char **argv, const struct wa_policy_set *set);

#endif
