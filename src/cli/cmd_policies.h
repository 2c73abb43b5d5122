/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit policies`: lists the loaded policy tables, or shows one.
 */
#ifndef WHEELAUDIT_CLI_CMD_POLICIES_H
#define WHEELAUDIT_CLI_CMD_POLICIES_H

#include "wheelaudit/policy.h"

/*
 * wheelaudit policies [--arch ARCH] [--json]
 * wheelaudit policies [--json] NAME        (name or alias, optional _ARCH suffix)
 *
 * argv[0] is the subcommand name ("policies"); set is the loaded, finished
 * policy set (borrowed).  Writes to stdout, diagnostics to stderr.  Returns
 * an exit code: 0 ok (also for --help), 2 usage error or unknown policy or
 * architecture, 6 out of memory.  Does not flush or close stdout.
 */
int cmd_policies(int argc, char **argv, const struct wa_policy_set *set);

#endif
