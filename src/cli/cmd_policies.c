/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit policies`: what each policy allows, read from the loaded
 * tables (never from built-in knowledge), as text for people or JSON for
 * scripts.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "wheelaudit/policy.h"
#include "wheelaudit/report.h"

enum { OPT_ARCH = CLI_OWN, OPT_JSON, OPT_POLICY_DIR };

static const struct cli_opt own_options[] = {
	{"arch", 0, "ARCH", OPT_ARCH, "only policies for ARCH, and only ARCH's maxima",
	 "Show only the policies for *ARCH*, and only the maxima for that architecture.", NULL},
	{"json", 0, NULL, OPT_JSON, "print JSON instead of text", "Print JSON instead of text.",
	 NULL},
	{"policy-dir", 0, "DIR", OPT_POLICY_DIR,
	 "load policy tables from DIR (also WHEELAUDIT_POLICY_DIR)",
	 "As the global option of the same name.", NULL},
	{NULL, 0, NULL, 0, NULL, NULL, NULL},
};

struct policies_args {
	const char *arch, *policy_dir;
	bool json;
};

static int apply(void *vargs, const struct cli_opt *opt, const char *value, const char *spelled)
{
	struct policies_args *args = vargs;

	(void)spelled;
	switch (opt->id) {
	case OPT_ARCH: args->arch = value; break;
	case OPT_POLICY_DIR: args->policy_dir = value; break;
	default: args->json = true; break;
	}
	return 0;
}

static bool arch_known(const struct wa_policy_set *set, const char *arch)
{
	for (size_t i = 0; i < wa_policy_count(set); i++)
		if (wa_policy_has_arch(wa_policy_at(set, i), arch))
			return true;
	return false;
}

static int run(struct cli_ctx *ctx, void *vargs, int argc, char **argv)
{
	struct policies_args *args = vargs;
	const struct wa_policy_set *set;
	const struct wa_policy *p;
	const char *arch = args->arch, *name = argc > 0 ? argv[0] : NULL;
	char suffix[64];
	int code = 0;

	if (argc > 1)
		return cli_usage_error("policies", "policies: unexpected argument '%s'", argv[1]);
	if (args->policy_dir)
		ctx->policy_dir = args->policy_dir;
	set = cli_policies(ctx, &code);
	if (!set)
		return code;
	if (arch && !arch_known(set, arch))
		return cli_usage_error("policies", "policies: no policy covers architecture '%s'",
				       arch);
	if (!name) {
		code = args->json ? wa_json_policies_write(stdout, set, arch)
				  : wa_report_policies_text(stdout, set, arch);
		return code ? cli_error("writing the policies failed") : WA_EXIT_OK;
	}
	p = wa_policy_find(set, name, suffix, sizeof(suffix));
	if (!p)
		return cli_usage_error("policies",
				       "policies: unknown policy '%s' (run 'wheelaudit policies' "
				       "to list them)",
				       name);
	if (suffix[0]) {
		if (arch && strcmp(arch, suffix) != 0)
			return cli_usage_error(
				"policies",
				"policies: '%s' names architecture '%s' but --arch is '%s'", name,
				suffix, arch);
		arch = suffix;
	}
	if (arch && !wa_policy_has_arch(p, arch))
		return cli_usage_error("policies", "policies: policy '%s' does not cover '%s'",
				       wa_policy_name(p), arch);
	code = args->json ? wa_json_policy_write(stdout, p, arch)
			  : wa_report_policy_text(stdout, p, arch);
	return code ? cli_error("writing the policy failed") : WA_EXIT_OK;
}

static const struct cli_opt *const tables[] = {own_options, NULL};

const struct cli_command cli_cmd_policies = {
	.name = "policies",
	.summary = "list the policies of every family, or show one",
	.usage = "[--arch ARCH] [--json] [NAME]",
	.description = "Lists the policies (by family, most compatible first) with their aliases,\n"
		       "priority, architectures and the newest version allowed per symbol-version\n"
		       "family.  With NAME (e.g. manylinux2014, manylinux_2_17 or\n"
		       "manylinux_2_17_aarch64) shows that policy in full: maxima, allowed\n"
		       "non-numeric version nodes, library whitelist, blacklisted symbols and the\n"
		       "documented exceptions.\n",
	.footer = "A maximum shown as 'none' means the family is judged but no version of it\n"
		  "is allowed; '-' means the family is not judged by the policy.\n",
	.tables = tables,
	.apply = apply,
	.run = run,
	.args_size = sizeof(struct policies_args),
};
