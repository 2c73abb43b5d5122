/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit lddtree FILE|WHEEL...`: the dependency tree of an ELF file,
 * or of every ELF member of a wheel, as the dynamic loader would resolve
 * it on this host (libraries in the wheel first).  Text is an indented
 * tree; --json one document for all inputs.  Exit 1 when a library is
 * not found: for an auditor that is a finding, not a failure.
 */
#include "cmd_lddtree.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "wheelaudit/lddtree.h"
#include "wheelaudit/ldpath.h"

static const char usage[] =
	"usage: wheelaudit lddtree [options] FILE|WHEEL...\n"
	"\n"
	"Show which file each needed library resolves to, recursively, the way\n"
	"glibc's loader searches: DT_RPATH (own and inherited, unless DT_RUNPATH),\n"
	"LD_LIBRARY_PATH, WHEELAUDIT_LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.conf,\n"
	"then the architecture's default directories.  For a wheel, every ELF\n"
	"member is a root and libraries inside the wheel are found there first.\n"
	"Each line reads  NAME => PATH (how found)  or  NAME => not found.\n"
	"\n"
	"options:\n"
	"  --ldpaths DIRS           colon-separated directories that replace\n"
	"                           /etc/ld.so.conf and the default directories\n"
	"  --json                   print one JSON document (docs/lddtree.md)\n"
	"  -h, --help               this help\n"
	"\n"
	"exit codes: 0 every library found, 1 a library not found, 2 usage,\n"
	"3 invalid input (neither ELF nor a valid wheel), 6 I/O or internal error.\n";

enum { OPT_LDPATHS = CLI_OPT_OWN, OPT_JSON };

static const struct option long_options[] = {
	{"ldpaths", required_argument, NULL, OPT_LDPATHS},
	{"json", no_argument, NULL, OPT_JSON},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

struct lddtree_args {
	const char *ldpaths;
	bool json;
};

/* Returns 0 to go on, -1 after --help, or an exit code. */
static int parse_args(int argc, char **argv, struct lddtree_args *args)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_options, NULL)) != -1) {
		switch (c) {
		case 'h': fputs(usage, stdout); return -1;
		case OPT_LDPATHS: args->ldpaths = optarg; break;
		case OPT_JSON: args->json = true; break;
		default: return cli_bad_option("lddtree", argv);
		}
	}
	if (optind >= argc)
		return cli_usage_error("lddtree: no file or wheel given");
	return 0;
}

/* An environment variable, or NULL when unset or empty. */
static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* ---- text ---- */

static void print_nodes(FILE *out, const struct wa_lddtree_node *nodes, size_t n, int indent)
{
	for (size_t i = 0; i < n; i++) {
		const struct wa_lddtree_node *node = &nodes[i];

		if (node->path)
			fprintf(out, "%*s%s => %s (%s)\n", indent, "", node->name, node->path,
				node->found_by);
		else
			fprintf(out, "%*s%s => not found\n", indent, "", node->name);
		print_nodes(out, node->needed, node->n_needed, indent + 2);
	}
}

static void print_text(FILE *out, const struct wa_lddtree *t)
{
	fprintf(out, "%s\n", t->input);
	for (size_t i = 0; i < t->n_roots; i++) {
		const struct wa_lddtree_root *r = &t->roots[i];

		if (t->is_wheel) {
			fprintf(out, "  %s\n", r->member);
			print_nodes(out, r->needed, r->n_needed, 4);
		} else {
			print_nodes(out, r->needed, r->n_needed, 2);
		}
	}
}

/* ---- JSON ---- */

static cJSON *string_or_null(const char *s)
{
	return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

static cJSON *json_nodes(const struct wa_lddtree_node *nodes, size_t n)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; arr && i < n; i++) {
		cJSON *o = cJSON_CreateObject();

		if (!o || !cJSON_AddItemToArray(arr, o) ||
		    !cJSON_AddStringToObject(o, "name", nodes[i].name) ||
		    !cJSON_AddItemToObject(o, "path", string_or_null(nodes[i].path)) ||
		    !cJSON_AddItemToObject(o, "found_by", string_or_null(nodes[i].found_by)) ||
		    !cJSON_AddItemToObject(o, "needed",
					   json_nodes(nodes[i].needed, nodes[i].n_needed))) {
			cJSON_Delete(arr);
			return NULL;
		}
	}
	return arr;
}

static cJSON *json_input(const struct wa_lddtree *t)
{
	cJSON *in = cJSON_CreateObject(), *members = NULL;

	if (!in || !cJSON_AddStringToObject(in, "path", t->input) ||
	    !cJSON_AddStringToObject(in, "kind", t->is_wheel ? "wheel" : "elf") ||
	    !(members = cJSON_AddArrayToObject(in, "members")))
		goto fail;
	for (size_t i = 0; i < t->n_roots; i++) {
		cJSON *m = cJSON_CreateObject();

		if (!m || !cJSON_AddItemToArray(members, m) ||
		    !cJSON_AddStringToObject(m, "member", t->roots[i].member) ||
		    !cJSON_AddItemToObject(m, "needed",
					   json_nodes(t->roots[i].needed, t->roots[i].n_needed)))
			goto fail;
	}
	return in;
fail:
	cJSON_Delete(in);
	return NULL;
}

/* An input that could not be read: its error instead of members. */
static cJSON *json_error(const char *path, const struct wa_error *err)
{
	cJSON *in = cJSON_CreateObject(), *e = NULL;

	if (!in || !cJSON_AddStringToObject(in, "path", path) ||
	    !cJSON_AddArrayToObject(in, "members") || !(e = cJSON_AddObjectToObject(in, "error")) ||
	    !cJSON_AddStringToObject(e, "code", wa_error_name(err->code)) ||
	    !cJSON_AddStringToObject(e, "message",
				     err->message[0] ? err->message
						     : wa_error_default_text(err->code)) ||
	    !cJSON_AddItemToObject(e, "member",
				   string_or_null(err->member[0] ? err->member : NULL))) {
		cJSON_Delete(in);
		return NULL;
	}
	return in;
}

static int write_json(cJSON *doc)
{
	char *text = cJSON_Print(doc);
	int rc = 0;

	if (!text)
		return -1;
	if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF)
		rc = -1;
	free(text);
	return rc;
}

/* ---- the command ---- */

/* Builds and reports one input; returns its exit code. */
static int run_input(struct wa_lddtree_ctx *ctx, const char *path, cJSON *inputs)
{
	struct wa_lddtree *t = NULL;
	struct wa_error err;
	int code;

	wa_error_clear(&err);
	if (wa_lddtree_build(&t, ctx, path, &err)) {
		cli_print_error(path, &err);
		code = wa_error_exit_code(err.code);
		if (inputs && !cJSON_AddItemToArray(inputs, json_error(path, &err)))
			code = WA_EXIT_INTERNAL;
		return code;
	}
	code = t->n_missing ? WA_EXIT_POLICY : WA_EXIT_OK;
	if (inputs) {
		if (!cJSON_AddItemToArray(inputs, json_input(t)))
			code = WA_EXIT_INTERNAL;
	} else {
		print_text(stdout, t);
	}
	wa_lddtree_free(t);
	return code;
}

static int run_all(int argc, char **argv, const struct lddtree_args *args,
		   const struct wa_ld_config *cfg)
{
	struct wa_lddtree_ctx *ctx = NULL;
	cJSON *doc = NULL, *inputs = NULL;
	struct wa_error err;
	int exit_code = WA_EXIT_OK;

	wa_error_clear(&err);
	if (wa_lddtree_ctx_new(&ctx, cfg, &err)) {
		cli_print_error("lddtree", &err);
		return WA_EXIT_INTERNAL;
	}
	if (args->json) {
		doc = cJSON_CreateObject();
		if (!doc || !cJSON_AddNumberToObject(doc, "version", 1) ||
		    !cJSON_AddStringToObject(doc, "kind", "lddtree") ||
		    !(inputs = cJSON_AddArrayToObject(doc, "inputs"))) {
			fputs("wheelaudit: error: out of memory\n", stderr);
			exit_code = WA_EXIT_INTERNAL;
		}
	}
	for (int i = optind; i < argc && exit_code != WA_EXIT_INTERNAL; i++)
		exit_code = cli_combine_exit(exit_code, run_input(ctx, argv[i], inputs));
	if (doc && exit_code != WA_EXIT_INTERNAL && write_json(doc))
		exit_code = WA_EXIT_INTERNAL;
	cJSON_Delete(doc);
	wa_lddtree_ctx_free(ctx);
	return exit_code;
}

int cmd_lddtree(int argc, char **argv, const struct wa_policy_set *set)
{
	struct lddtree_args args = {0};
	struct wa_ld_options opt = {0};
	struct wa_ld_config *cfg = NULL;
	struct wa_error err;
	int rc;

	(void)set;
	rc = parse_args(argc, argv, &args);
	if (rc)
		return rc < 0 ? WA_EXIT_OK : rc;
	opt.ldpaths = args.ldpaths;
	opt.ld_library_path = env("LD_LIBRARY_PATH");
	opt.extra_paths = env("WHEELAUDIT_LD_LIBRARY_PATH");
	wa_error_clear(&err);
	if (wa_ld_config_load(&cfg, &opt, &err)) {
		cli_print_error("lddtree", &err);
		return wa_error_exit_code(err.code);
	}
	rc = run_all(argc, argv, &args, cfg);
	wa_ld_config_free(cfg);
	return rc;
}
