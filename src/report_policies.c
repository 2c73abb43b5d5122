/* SPDX-License-Identifier: MIT */
/*
 * The text of `wheelaudit policies`: what each policy allows, read from
 * the loaded tables (never from built-in knowledge), wrapped at 80 columns.
 */
#include "wheelaudit/report.h"

#include <stdio.h>
#include <string.h>

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
	FILE *out;
	size_t col;
	size_t indent;
};

static void wrap_start(FILE *out, struct wrap *w, const char *label, size_t indent)
{
	w->out = out;
	fprintf(out, "%*s%s", (int)(indent > 2 ? 2 : indent), "", label);
	w->col = (indent > 2 ? 2 : indent) + strlen(label);
	w->indent = indent;
}

static void wrap_word(struct wrap *w, const char *word)
{
	size_t n = strlen(word);

	if (w->col > w->indent && w->col + 1 + n > TEXT_WIDTH) {
		fprintf(w->out, "\n%*s", (int)w->indent, "");
		w->col = w->indent;
	} else if (w->col > w->indent || w->col < w->indent) {
		if (w->col < w->indent) {
			fprintf(w->out, "%*s", (int)(w->indent - w->col), "");
			w->col = w->indent;
		} else {
			fputc(' ', w->out);
			w->col++;
		}
	}
	fputs(word, w->out);
	w->col += n;
}

static void wrap_end(struct wrap *w)
{
	fputc('\n', w->out);
}

static void print_header(FILE *out, const struct wa_policy *p)
{
	char version[64];
	int major, minor;

	wa_policy_libc_version(p, &major, &minor);
	wa_family_version_text(version, sizeof(version), wa_policy_family(p), major, minor);
	fprintf(out, "%s", wa_policy_name(p));
	for (size_t i = 0; i < wa_policy_alias_count(p); i++)
		fprintf(out, "%s%s", i ? ", " : " (alias ", wa_policy_alias(p, i));
	fprintf(out, "%s, priority %d, %s\n", wa_policy_alias_count(p) ? ")" : "",
		wa_policy_priority(p), version);
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
static void print_maxima(FILE *out, const struct wa_policy *p, const char *only_arch)
{
	const char *fams[MAX_FAMILIES];
	size_t nf = collect_families(p, only_arch, fams);
	int width[MAX_FAMILIES];
	int archw = 4;

	if (nf == 0) {
		fprintf(out, "  no symbol versions are judged%s%s%s\n",
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
	fprintf(out, "  %-*s", archw, "arch");
	for (size_t f = 0; f < nf; f++)
		fprintf(out, " %-*s", f + 1 < nf ? width[f] : 0, fams[f]);
	fputc('\n', out);
	for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);
		if (only_arch && strcmp(arch, only_arch) != 0)
			continue;
		fprintf(out, "  %-*s", archw, arch);
		for (size_t f = 0; f < nf; f++)
			fprintf(out, " %-*s", f + 1 < nf ? width[f] : 0,
				max_text(p, arch, fams[f]));
		fputc('\n', out);
	}
}

static void print_arches(FILE *out, const struct wa_policy *p)
{
	struct wrap w;

	wrap_start(out, &w, "arches:", 10);
	for (size_t a = 0; a < wa_policy_arch_count(p); a++)
		wrap_word(&w, wa_policy_arch(p, a));
	wrap_end(&w);
}

static void print_list_text(FILE *out, const struct wa_policy_set *set, const char *arch)
{
	bool first = true;

	for (size_t i = 0; i < wa_policy_count(set); i++) {
		const struct wa_policy *p = wa_policy_at(set, i);
		if (arch && !wa_policy_has_arch(p, arch))
			continue;
		if (!first)
			fputc('\n', out);
		first = false;
		print_header(out, p);
		print_arches(out, p);
		print_maxima(out, p, arch);
	}
}

/* Prints a long text (a reason) wrapped at word boundaries. */
static void print_prose(FILE *out, const char *label, const char *text, size_t indent)
{
	struct wrap w;
	char word[256];

	wrap_start(out, &w, label, indent);
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

static void print_one_text(FILE *out, const struct wa_policy *p, const char *only_arch)
{
	print_header(out, p);
	print_arches(out, p);
	fprintf(out, "\nnewest allowed version per family:\n");
	print_maxima(out, p, only_arch);

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
			fprintf(out, "\nnon-numeric version nodes allowed:\n");
		snprintf(label, sizeof(label), "%s:", arch);
		wrap_start(out, &w, label, 14);
		if (n == 0)
			wrap_word(&w, "(none)");
		for (size_t i = 0; i < n; i++)
			wrap_word(&w, wa_policy_non_numeric_at(p, arch, i));
		wrap_end(&w);
		if (why)
			print_prose(out, "unverified:", why, 14);
	}

	fprintf(out, "\nlibrary whitelist (%zu):\n", wa_policy_whitelist_count(p));
	{
		struct wrap w;
		wrap_start(out, &w, "", 2);
		for (size_t i = 0; i < wa_policy_whitelist_count(p); i++)
			wrap_word(&w, wa_policy_whitelist_at(p, i));
		wrap_end(&w);
	}

	fprintf(out, "\nblacklisted symbols:\n");
	if (wa_policy_blacklist_count(p) == 0)
		fprintf(out, "  (none)\n");
	for (size_t i = 0; i < wa_policy_blacklist_count(p); i++) {
		size_t ns;
		const char *lib = wa_policy_blacklist_at(p, i, &ns);
		char label[128];
		struct wrap w;

		snprintf(label, sizeof(label), "%s (%zu):", lib, ns);
		wrap_start(out, &w, label, 4);
		fprintf(out, "\n    ");
		w.col = 4;
		for (size_t j = 0; j < ns; j++)
			wrap_word(&w, wa_policy_blacklist_symbol(p, i, j));
		wrap_end(&w);
	}

	if (wa_policy_exception_count(p)) {
		fprintf(out, "\ndocumented exceptions:\n");
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
			print_prose(out, label, reason, 4);
		}
	}
}

int wa_report_policies_text(FILE *out, const struct wa_policy_set *set, const char *arch)
{
	print_list_text(out, set, arch);
	return ferror(out) ? -1 : 0;
}

int wa_report_policy_text(FILE *out, const struct wa_policy *p, const char *arch)
{
	print_one_text(out, p, arch);
	return ferror(out) ? -1 : 0;
}
