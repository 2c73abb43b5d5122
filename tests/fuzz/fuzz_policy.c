/* SPDX-License-Identifier: MIT */
/*
 * fuzz_policy: the policy loader on arbitrary JSON (the same entry point
 * --policy-dir files go through, wa_policy_set_add_json), then validation
 * (wa_policy_set_finish) and, for a table that passes, every query the
 * audit and `wheelaudit policies` make.
 *
 * An input starting with '+' is loaded after the built-in musllinux table,
 * so clashes between files (names, priorities, musl symbol lists,
 * exceptions naming another file's policies) are explored as well.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "wheelaudit/policy.h"

static const struct wa_embedded_file *builtin(const char *name)
{
	for (const struct wa_embedded_file *f = wa_builtin_policy_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* Judges a few nodes of one family, around and at the policy's maximum. */
static void probe_nodes(const struct wa_policy *p, const char *arch, const char *family,
			const char *max)
{
	static const char *const rests[] = {"0",       "2.17", "99999999999999999999",
					    "PRIVATE", "",     "1..2"};
	static const char *const libs[] = {"libc.so.6", "libstdc++.so.6", "libgcc_s.so.1"};
	char node[300];

	for (size_t r = 0; r <= sizeof(rests) / sizeof(rests[0]); r++) {
		const char *rest = r < sizeof(rests) / sizeof(rests[0]) ? rests[r] : max;

		if (!rest)
			continue;
		snprintf(node, sizeof(node), "%s_%s", family, rest);
		(void)wa_node_verdict_name(wa_policy_check_node(p, arch, NULL, node));
		for (size_t l = 0; l < sizeof(libs) / sizeof(libs[0]); l++)
			(void)wa_policy_check_node(p, arch, libs[l], node);
		/* the order must be antisymmetric, or sorting and maxima break */
		if (max)
			FUZZ_CHECK(wa_version_compare(rest, max) == -wa_version_compare(max, rest));
	}
	if (max)
		FUZZ_CHECK(wa_version_compare(max, max) == 0);
}

static void probe_policy(const struct wa_policy_set *set, const struct wa_policy *p)
{
	char arch_out[64], name[300];
	const char *s, *key, *earch, *max;
	size_t nsym;
	bool unverified, checked;
	int major, minor;

	FUZZ_CHECK(wa_policy_find(set, wa_policy_name(p), NULL, 0) == p);
	(void)wa_policy_family(p);
	(void)wa_policy_priority(p);
	wa_policy_libc_version(p, &major, &minor);
	for (size_t i = 0; i < wa_policy_alias_count(p); i++) {
		s = wa_policy_alias(p, i);
		FUZZ_CHECK(s != NULL);
		(void)wa_policy_find(set, s, arch_out, sizeof(arch_out));
	}
	FUZZ_CHECK(wa_policy_alias(p, wa_policy_alias_count(p)) == NULL);
	for (size_t a = 0; a < wa_policy_arch_count(p); a++) {
		const char *arch = wa_policy_arch(p, a);

		FUZZ_CHECK(arch && wa_policy_has_arch(p, arch));
		snprintf(name, sizeof(name), "%s_%s", wa_policy_name(p), arch);
		(void)wa_policy_find(set, name, arch_out, sizeof(arch_out));
		(void)wa_policy_unverified_reason(p, arch);
		for (size_t f = 0; f < wa_policy_family_count(p, arch); f++) {
			const char *fam = wa_policy_family_at(p, arch, f, &max);

			FUZZ_CHECK(fam != NULL);
			(void)wa_policy_family_max(p, arch, fam, &checked);
			FUZZ_CHECK(checked);
			probe_nodes(p, arch, fam, max);
		}
		for (size_t i = 0; i < wa_policy_non_numeric_count(p, arch); i++) {
			s = wa_policy_non_numeric_at(p, arch, i);
			FUZZ_CHECK(s != NULL);
			FUZZ_CHECK(wa_policy_check_node(p, arch, NULL, s) == WA_NODE_OK);
		}
	}
	(void)wa_policy_family_count(p, "no-such-arch");
	for (size_t i = 0; i < wa_policy_whitelist_count(p); i++) {
		s = wa_policy_whitelist_at(p, i);
		FUZZ_CHECK(s && wa_policy_lib_allowed(p, s));
	}
	(void)wa_policy_lib_allowed(p, "libc.musl-x86_64.so.1");
	for (size_t i = 0; i < wa_policy_blacklist_count(p); i++) {
		s = wa_policy_blacklist_at(p, i, &nsym);
		FUZZ_CHECK(s != NULL);
		for (size_t j = 0; j < nsym; j++) {
			const char *sym = wa_policy_blacklist_symbol(p, i, j);

			FUZZ_CHECK(sym != NULL);
			(void)wa_policy_symbol_blacklisted(p, s, sym);
		}
	}
	for (size_t i = 0; i < wa_policy_exception_count(p); i++) {
		s = wa_policy_exception_at(p, i, &earch, &key, &unverified);
		FUZZ_CHECK(s && earch && key);
	}
	(void)wa_policy_musl_release_ok(p, "1.2.3");
	(void)wa_policy_musl_release_ok(p, "99999999999999999999.1");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wa_policy_set *set = NULL;
	struct wa_error err;
	bool with_builtin = size > 0 && data[0] == '+';
	int rc;

	wa_error_clear(&err);
	FUZZ_CHECK(wa_policy_set_new(&set, &err) == 0);
	if (with_builtin) {
		const struct wa_embedded_file *musl = builtin("musllinux.json");

		FUZZ_CHECK(musl != NULL);
		FUZZ_CHECK(wa_policy_set_add_json(set, "policies/musllinux.json",
						  (const char *)musl->data, musl->size, &err) == 0);
		data++;
		size--;
	}
	/* The buffer is not NUL-terminated: the length must be what bounds the parse. */
	rc = wa_policy_set_add_json(set, "fuzz.json", (const char *)data, size, &err);
	if (!rc)
		rc = wa_policy_set_finish(set, &err);
	if (rc) {
		FUZZ_CHECK(rc < 0 && err.code == -rc && err.message[0]);
	} else {
		FUZZ_CHECK(wa_policy_count(set) > 0);
		for (size_t i = 0; i < wa_policy_count(set); i++)
			probe_policy(set, wa_policy_at(set, i));
		FUZZ_CHECK(wa_policy_at(set, wa_policy_count(set)) == NULL);
		(void)wa_policy_musl_symbol_release(set, "qsort_r", false);
		(void)wa_policy_musl_symbol_release(set, "__clock_gettime64", true);
		(void)wa_policy_find(set, "manylinux2014_x86_64", NULL, 0);
	}
	wa_policy_set_free(set);
	return 0;
}
