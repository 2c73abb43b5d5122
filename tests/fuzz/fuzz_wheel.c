/* SPDX-License-Identifier: MIT */
/*
 * fuzz_wheel: the whole `wheelaudit show` path on one zip: wa_audit_wheel
 * with the built-in policies, then both renderers, then everything freed.
 *
 * Input layout: [ FILENAME '\n' ] ZIP.  The wheel's file name decides the
 * architecture, the claimed tags and the SOABI checks, so the fuzzer may
 * choose it: an input that does not start with the zip magic "PK" begins
 * with its file name (up to the first newline, '/' replaced).  The seeds
 * carry the fixture wheels' real names that way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "wheelaudit/audit.h"
#include "wheelaudit/policy.h"
#include "wheelaudit/report.h"

enum { MAX_NAME = 200 };

static const char default_name[] = "fz-1.0-cp311-cp311-linux_x86_64.whl";

static struct wa_policy_set *policies; /* loaded once, kept for the process */
static FILE *sink;                     /* /dev/null: the renderers must only not fail */

static void init_once(void)
{
	struct wa_error err;

	if (policies)
		return;
	wa_error_clear(&err);
	if (wa_policy_set_load_builtin(&policies, &err) != 0) {
		fprintf(stderr, "fuzz_wheel: built-in policies: %s\n", err.message);
		abort();
	}
	sink = fopen("/dev/null", "w");
	FUZZ_CHECK(sink != NULL);
}

static void render(const struct wa_audit *a, const char *path, int rc, const struct wa_error *err)
{
	struct wa_text_options topt = {.color = true, .verbose = true};
	struct wa_json_report *r = NULL;

	if (!rc)
		FUZZ_CHECK(wa_report_text(sink, a, &topt) == 0);
	FUZZ_CHECK(wa_json_report_new(&r, "fuzz") == 0);
	if (rc)
		FUZZ_CHECK(wa_json_report_add_error(r, path, wa_error_exit_code(err->code), err) == 0);
	else
		FUZZ_CHECK(wa_json_report_add_audit(r, a) == 0);
	FUZZ_CHECK(wa_json_report_write(r, sink) == 0);
	wa_json_report_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[MAX_NAME + 1], path[4096];
	struct wa_audit_options opt;
	struct wa_audit *a = NULL;
	struct wa_error err;
	int rc;

	init_once();
	snprintf(name, sizeof(name), "%s", default_name);
	if (!(size >= 2 && data[0] == 'P' && data[1] == 'K')) {
		const uint8_t *nl = memchr(data, '\n', size);

		if (nl) {
			size_t n = (size_t)(nl - data);

			if (n > 0 && n <= MAX_NAME) {
				memcpy(name, data, n);
				name[n] = '\0';
				for (size_t i = 0; i < n; i++)
					if (name[i] == '/' || name[i] == '\0')
						name[i] = '_';
				/* "." and ".." name directories, not files */
				if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
					name[0] = '_';
			}
			size -= (size_t)(nl - data) + 1;
			data = nl + 1;
		}
	}
	fuzz_scratch_path(path, sizeof(path), name);
	fuzz_write_file(path, data, size);

	wa_audit_options_init(&opt);
	opt.policies = policies;
	/* One scan thread: libFuzzer wants one input's run to be repeatable. */
	opt.threads = 1;
	/* Inflating a member up to the real 2 GiB default is no bug, only slow:
	 * smaller limits keep each run short and within -rss_limit_mb. */
	opt.limits.max_member_bytes = 32u << 20;
	opt.limits.max_total_bytes = 64u << 20;
	opt.limits.max_members = 5000;
	wa_error_clear(&err);
	rc = wa_audit_wheel(&a, path, &opt, &err);
	if (rc) {
		FUZZ_CHECK(rc < 0 && err.code == -rc && a == NULL);
	} else {
		FUZZ_CHECK(a != NULL && a->outcome && a->tagset);
		FUZZ_CHECK(a->exit_code >= WA_EXIT_OK && a->exit_code <= WA_EXIT_PURE);
	}
	/* To see how far seeds get: WA_FUZZ_VERBOSE=1 fuzz_wheel FILE... */
	if (getenv("WA_FUZZ_VERBOSE"))
		fprintf(stderr, "%s: %s %s\n", name, rc ? wa_error_name(err.code) : a->outcome,
			rc ? err.message : a->tagset);
	render(a, path, rc, &err);
	wa_audit_free(a);
	unlink(path);
	return 0;
}
