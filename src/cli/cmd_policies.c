/* SPDX-License-Identifier: MIT */
/*
 * `wheelaudit policies`: what each policy allows, read from the loaded tables
 * (never from built-in knowledge), as text for people or JSON for scripts.
 */
#include "cmd_policies.h"

#include <cjson/cJSON.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "wheelaudit/error.h"

static const char usage[] =
	"usage: wheelaudit policies [--arch ARCH] [--json]\n"
	"       wheelaudit policies [--json] NAME\n"
	"\n"
	"Lists the policies (manylinux, then musllinux, most compatible first) with\n"
	"their aliases, priority, architectures and the newest version allowed per\n"
	"symbol-version family.  With NAME (e.g. manylinux2014, manylinux_2_17 or\n"
	"manylinux_2_17_aarch64) shows that policy in full: maxima, allowed\n"
	"non-numeric version nodes, library whitelist, blacklisted symbols and the\n"
	"documented exceptions.\n"
	"\n"
	"  --arch ARCH  only policies for ARCH, and only ARCH's maxima\n"
	"  --json       print JSON instead of text\n"
	"  -h, --help   show this help\n"
	"\n"
	"A maximum shown as 'none' means the family is judged but no version of it\n"
	"is allowed; '-' means the family is not judged by the policy.\n";

enum { TEXT_WIDTH = 80 };

/* ------------------------------------------------------------------ */
/* Text                                                                 */
/* ------------------------------------------------------------------ */

static const char *libc_name(const struct wa_policy *p)
{
	return wa_libc_name(wa_family_libc(wa_policy_family(p)));
}

/* Prints words after a label, wrapping at TEXT_WIDTH with a hanging indent. */
struct wrap {
	size_t col;
	size_t indent;
};

static void wrap_start(struct wrap *w, const char *label, size_t indent)
{
	printf("%*s%s", (int)(indent > 2 ? 2 : indent), "", label);
	w->col = (indent > 2 ? 2 : indent) + strlen(label);
	w->indent = indent;
}

static void wrap_word(struct wrap *w, const char *word)
{
	size_t n = strlen(word);

	if (w->col > w->indent && w->col + 1 + n > TEXT_WIDTH) {
		printf("\n%*s", (int)w->indent, "");
		w->col = w->indent;
	} else if (w->col > w->indent || w->col < w->indent) {
		if (w->col < w->indent) {
			printf("%*s", (int)(w->indent - w->col), "");
			w->col = w->indent;
		} else {
			putchar(' ');
			w->col++;
		}
	}
	fputs(word, stdout);
	w->col += n;
}

static void wrap_end(struct wrap *w)
{
	(void)w;
	putchar('\n');
}

static void print_header(const struct wa_policy *p)
{
	int major, minor;

	wa_policy_libc_version(p, &major, &minor);
	printf("%s", wa_policy_name(p));
	for (size_t i = 0; i < wa_policy_alias_count(p); i++)
		printf("%s%s", i ? ", " : " (alias ", wa_policy_alias(p, i));
	printf("%s, priority %d, %s %d.%d\n", wa_policy_alias_count(p) ? ")" : "",
	       wa_policy_priority(p), libc_name(p), major, minor);
}

/* Families judged on any of the shown arches, in order of first appearance. */
#define MAX_FAMILIES 16
static size_t collect_families(const struct wa_policy *p, const char *only_arch, const char **fams)
{
	size_t n = 0;

	for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		for (size_t i = 0; i < wa_policy_family_count(p, arch); i++) {
			const char *max;
			const char *f = wa_policy_family_at(p, arch, i, &max);
			bool seen = false;
			for (size_t j = 0; j < n && !seen; j++)
				seen = strcmp(fams[j], f) == 0;
			if (!seen && n < MAX_FAMILIES)
				fams[n++] = f;
		}
	}
	return n;
}

static const char *max_text(const struct wa_policy *p, const char *arch, const char *fam)
{
	bool checked;
	const char *max = wa_policy_family_max(p, arch, fam, &checked);

	return !checked ? "-" : (max ? max : "none");
}

/* One row per arch, one column per family, each as wide as its widest cell. */
static void print_maxima(const struct wa_policy *p, const char *only_arch)
{
	const char *fams[MAX_FAMILIES];
	size_t nf = collect_families(p, only_arch, fams);
	int width[MAX_FAMILIES];
	int archw = 4;

	if (nf == 0) {
		printf("  no symbol versions are judged%s%s%s\n",
		       wa_family_nodes(wa_policy_family(p)) == WA_NODES_FORBIDDEN ? " (" : "",
		       wa_family_nodes(wa_policy_family(p)) == WA_NODES_FORBIDDEN ? libc_name(p)
										  : "",
		       wa_family_nodes(wa_policy_family(p)) == WA_NODES_FORBIDDEN
			       ? " has no symbol versioning)"
			       : "");
		return;
	}
	for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
		int n = (int)strlen(wa_policy_arch(p, a));
		archw = n > archw ? n : archw;
	}
	for (size_t f = 0; f < nf; f++) {
		width[f] = (int)strlen(fams[f]);
		for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
			int n = (int)strlen(max_text(p, wa_policy_arch(p, a), fams[f]));
			width[f] = n > width[f] ? n : width[f];
		}
	}
	printf("  %-*s", archw, "arch");
	for (size_t f = 0; f < nf; f++)
		printf(" %-*s", f + 1 < nf ? width[f] : 0, fams[f]);
	putchar('\n');
	for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		printf("  %-*s", archw, arch);
		for (size_t f = 0; f < nf; f++)
			printf(" %-*s", f + 1 < nf ? width[f] : 0, max_text(p, arch, fams[f]));
		putchar('\n');
	}
}

static void print_arches(const struct wa_policy *p)
{
	struct wrap w;

	wrap_start(&w, "arches:", 10);
	for (size_t a = 0; a < wa_policy_arch_count(p); a++)
		wrap_word(&w, wa_policy_arch(p, a));
	wrap_end(&w);
}

static void print_list_text(const struct wa_policy_set *set, const char *arch)
{
	bool first = true;

	for (size_t i = 0; i < wa_policy_count(set); i++) {
		const struct wa_policy *p = wa_policy_at(set, i);
		if (arch && !wa_policy_has_arch(p, arch))
			continue;
		if (!first)
			putchar('\n');
		first = false;
		print_header(p);
		print_arches(p);
		print_maxima(p, arch);
	}
}

/* Prints a long text (a reason) wrapped at word boundaries. */
static void print_prose(const char *label, const char *text, size_t indent)
{
	struct wrap w;
	char word[256];

	wrap_start(&w, label, indent);
	while (*text) {
		size_t n = strcspn(text, " ");
		if (n) {
			snprintf(word, sizeof(word), "%.*s", (int)n, text);
			wrap_word(&w, word);
		}
		text += n;
		while (*text == ' ')
			text++;
	}
	wrap_end(&w);
}

static void print_one_text(const struct wa_policy *p, const char *only_arch)
{
	print_header(p);
	print_arches(p);
	printf("\nnewest allowed version per family:\n");
	print_maxima(p, only_arch);

	for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		const char *why = wa_policy_unverified_reason(p, arch);
		size_t n = wa_policy_non_numeric_count(p, arch);
		struct wrap w;
		char label[64];

		if ((only_arch && strcmp(arch, only_arch) != 0) ||
		    wa_family_nodes(wa_policy_family(p)) == WA_NODES_FORBIDDEN)
			continue;
		if (a == 0 || only_arch)
			printf("\nnon-numeric version nodes allowed:\n");
		snprintf(label, sizeof(label), "%s:", arch);
		wrap_start(&w, label, 14);
		if (n == 0)
			wrap_word(&w, "(none)");
		for (size_t i = 0; i < n; i++)
			wrap_word(&w, wa_policy_non_numeric_at(p, arch, i));
		wrap_end(&w);
		if (why)
			print_prose("unverified:", why, 14);
	}

	printf("\nlibrary whitelist (%zu):\n", wa_policy_whitelist_count(p));
	{
		struct wrap w;
		wrap_start(&w, "", 2);
		for (size_t i = 0; i < wa_policy_whitelist_count(p); i++)
			wrap_word(&w, wa_policy_whitelist_at(p, i));
		wrap_end(&w);
	}

	printf("\nblacklisted symbols:\n");
	if (wa_policy_blacklist_count(p) == 0)
		printf("  (none)\n");
	for (size_t i = 0; i < wa_policy_blacklist_count(p); i++) {
		size_t ns;
		const char *lib = wa_policy_blacklist_at(p, i, &ns);
		char label[128];
		struct wrap w;

		snprintf(label, sizeof(label), "%s (%zu):", lib, ns);
		wrap_start(&w, label, 4);
		printf("\n    ");
		w.col = 4;
		for (size_t j = 0; j < ns; j++)
			wrap_word(&w, wa_policy_blacklist_symbol(p, i, j));
		wrap_end(&w);
	}

	if (wa_policy_exception_count(p)) {
		printf("\ndocumented exceptions:\n");
		for (size_t i = 0; i < wa_policy_exception_count(p); i++) {
			const char *arch, *key;
			bool unverified;
			const char *reason = wa_policy_exception_at(p, i, &arch, &key, &unverified);
			char label[160];

			if (only_arch && strcmp(arch, "*") != 0 && strcmp(arch, only_arch) != 0)
				continue;
			snprintf(label, sizeof(label),
				 "- %s, %s%s:", strcmp(arch, "*") ? arch : "all arches", key,
				 unverified ? " (unverified)" : "");
			print_prose(label, reason, 4);
		}
	}
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */
/* ------------------------------------------------------------------ */

static cJSON *policy_json(const struct wa_policy *p, const char *only_arch, bool full)
{
	cJSON *o = cJSON_CreateObject(), *arr, *max, *x;
	char ver[32];
	int major, minor;
	bool ok = o != NULL;

	wa_policy_libc_version(p, &major, &minor);
	snprintf(ver, sizeof(ver), "%d.%d", major, minor);
	ok = ok && cJSON_AddStringToObject(o, "name", wa_policy_name(p));
	ok = ok && (arr = cJSON_AddArrayToObject(o, "aliases"));
	for (size_t i = 0; ok && i < wa_policy_alias_count(p); i++)
		ok = cJSON_AddItemToArray(arr, cJSON_CreateString(wa_policy_alias(p, i)));
	ok = ok && cJSON_AddStringToObject(o, "family", wa_family_name(wa_policy_family(p)));
	ok = ok && cJSON_AddNumberToObject(o, "priority", wa_policy_priority(p));
	ok = ok && cJSON_AddStringToObject(o, "libc", libc_name(p));
	ok = ok && cJSON_AddStringToObject(o, "libc_version", ver);
	ok = ok && (arr = cJSON_AddArrayToObject(o, "arches"));
	for (size_t a = 0; ok && a < wa_policy_arch_count(p); a++)
		ok = cJSON_AddItemToArray(arr, cJSON_CreateString(wa_policy_arch(p, a)));
	ok = ok && (max = cJSON_AddObjectToObject(o, "max"));
	for (size_t a = 0; ok && a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		ok = (x = cJSON_AddObjectToObject(max, arch)) != NULL;
		for (size_t i = 0; ok && i < wa_policy_family_count(p, arch); i++) {
			const char *m;
			const char *f = wa_policy_family_at(p, arch, i, &m);
			ok = m ? cJSON_AddStringToObject(x, f, m) != NULL
			       : cJSON_AddNullToObject(x, f) != NULL;
		}
	}
	if (!full)
		return ok ? o : (cJSON_Delete(o), NULL);

	ok = ok && (x = cJSON_AddObjectToObject(o, "non_numeric"));
	for (size_t a = 0; ok && a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		ok = (arr = cJSON_AddArrayToObject(x, arch)) != NULL;
		for (size_t i = 0; ok && i < wa_policy_non_numeric_count(p, arch); i++)
			ok = cJSON_AddItemToArray(arr,
						  cJSON_CreateString(
							  wa_policy_non_numeric_at(p, arch, i)));
	}
	ok = ok && (arr = cJSON_AddArrayToObject(o, "whitelist"));
	for (size_t i = 0; ok && i < wa_policy_whitelist_count(p); i++)
		ok = cJSON_AddItemToArray(arr, cJSON_CreateString(wa_policy_whitelist_at(p, i)));
	ok = ok && (x = cJSON_AddObjectToObject(o, "blacklist"));
	for (size_t i = 0; ok && i < wa_policy_blacklist_count(p); i++) {
		size_t ns;
		const char *lib = wa_policy_blacklist_at(p, i, &ns);
		ok = (arr = cJSON_AddArrayToObject(x, lib)) != NULL;
		for (size_t j = 0; ok && j < ns; j++)
			ok = cJSON_AddItemToArray(arr,
						  cJSON_CreateString(
							  wa_policy_blacklist_symbol(p, i, j)));
	}
	ok = ok && (arr = cJSON_AddArrayToObject(o, "exceptions"));
	for (size_t i = 0; ok && i < wa_policy_exception_count(p); i++) {
		const char *arch, *key;
		bool unverified;
		const char *reason = wa_policy_exception_at(p, i, &arch, &key, &unverified);
		cJSON *e = cJSON_CreateObject();
		ok = e && cJSON_AddItemToArray(arr, e);
		ok = ok && cJSON_AddStringToObject(e, "arch", arch);
		ok = ok && cJSON_AddStringToObject(e, "key", key);
		ok = ok && cJSON_AddBoolToObject(e, "unverified", unverified);
		ok = ok && cJSON_AddStringToObject(e, "reason", reason);
	}
	if (ok && only_arch) {
		const char *why = wa_policy_unverified_reason(p, only_arch);
		ok = why ? cJSON_AddStringToObject(o, "unverified", why) != NULL : true;
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int print_json(cJSON *root)
{
	char *text = root ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (!text) {
		fputs("wheelaudit: error: out of memory\n", stderr);
		return WA_EXIT_INTERNAL;
	}
	fputs(text, stdout);
	putchar('\n');
	cJSON_free(text);
	return WA_EXIT_OK;
}

static int list_json(const struct wa_policy_set *set, const char *arch)
{
	cJSON *root = cJSON_CreateObject(), *arr;

	if (!root || !cJSON_AddNumberToObject(root, "version", 1) ||
	    !(arr = cJSON_AddArrayToObject(root, "policies")))
		goto fail;
	for (size_t i = 0; i < wa_policy_count(set); i++) {
		const struct wa_policy *p = wa_policy_at(set, i);
		cJSON *o;
		if (arch && !wa_policy_has_arch(p, arch))
			continue;
		if (!(o = policy_json(p, arch, false)) || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			goto fail;
		}
	}
	return print_json(root);
fail:
	cJSON_Delete(root);
	return print_json(NULL);
}

/* ------------------------------------------------------------------ */

static bool arch_known(const struct wa_policy_set *set, const char *arch)
{
	for (size_t i = 0; i < wa_policy_count(set); i++)
		if (wa_policy_has_arch(wa_policy_at(set, i), arch))
			return true;
	return false;
}

int cmd_policies(int argc, char **argv, const struct wa_policy_set *set)
{
	static const struct option longopts[] = {
		{"arch", required_argument, NULL, 'a'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *arch = NULL, *name = NULL;
	const struct wa_policy *p;
	char suffix[64];
	bool json = false;
	int c;

	/* main hands us argv from the subcommand on; getopt must start afresh
	 * and we print our own message for unknown options. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'a': arch = optarg; break;
		case 'j': json = true; break;
		case 'h': fputs(usage, stdout); return WA_EXIT_OK;
		case ':':
			fprintf(stderr, "wheelaudit policies: option '%s' needs a value\n",
				argv[optind - 1]);
			fputs("try 'wheelaudit policies --help'\n", stderr);
			return WA_EXIT_USAGE;
		default:
			fprintf(stderr, "wheelaudit policies: unknown option '%s'\n",
				argv[optind - 1]);
			fputs("try 'wheelaudit policies --help'\n", stderr);
			return WA_EXIT_USAGE;
		}
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "wheelaudit policies: unexpected argument '%s'\n", argv[optind]);
		return WA_EXIT_USAGE;
	}
	if (arch && !arch_known(set, arch)) {
		fprintf(stderr, "wheelaudit policies: no policy covers architecture '%s'\n", arch);
		return WA_EXIT_USAGE;
	}
	if (!name) {
		if (json)
			return list_json(set, arch);
		print_list_text(set, arch);
		return WA_EXIT_OK;
	}

	p = wa_policy_find(set, name, suffix, sizeof(suffix));
	if (!p) {
		fprintf(stderr, "wheelaudit policies: unknown policy '%s'\n", name);
		fputs("run 'wheelaudit policies' to list them\n", stderr);
		return WA_EXIT_USAGE;
	}
	if (suffix[0]) {
		if (arch && strcmp(arch, suffix) != 0) {
			fprintf(stderr,
				"wheelaudit policies: '%s' names architecture '%s' but --arch "
				"is '%s'\n",
				name, suffix, arch);
			return WA_EXIT_USAGE;
		}
		arch = suffix;
	}
	if (arch && !wa_policy_has_arch(p, arch)) {
		fprintf(stderr, "wheelaudit policies: policy '%s' does not cover '%s'\n",
			wa_policy_name(p), arch);
		return WA_EXIT_USAGE;
	}
	if (json)
		return print_json(policy_json(p, arch, true));
	print_one_text(p, arch);
	return WA_EXIT_OK;
}
