/* SPDX-License-Identifier: MIT */
/*
 * The renderers (src/report_text.c, report_json.c, report_policies.c) on
 * real audits, repairs planned with --dry-run, dependency trees and the
 * built-in policy tables.  JSON output is parsed back with cJSON and its
 * keys checked against the "required" lists of docs/show-v1.schema.json
 * and docs/repair-v1.schema.json, so the documents and the docs agree.
 */
#define _XOPEN_SOURCE 700 /* open_memstream, mkdtemp */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "wheelaudit/report.h"

#define WHL(name) WA_FIXTURE_DIR "/" name
#define PLAN_LIBS WA_FIXTURE_DIR "/elf/plan_libs"
#define EXAMPLE_NAME "wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl"
#define EXAMPLE WHL(EXAMPLE_NAME)
#define EXT_LIB WHL("ext_lib-0.1-cp311-cp311-linux_x86_64.whl")
#define ISA_V3 WHL("isa_v3-0.1-cp311-cp311-linux_x86_64.whl")
#define GRAFT WHL("plan_graft-0.1-cp311-cp311-linux_x86_64.whl")
#define SIGNED WHL("plan_signed-0.1-7-cp311-cp311-linux_x86_64.whl")
#define PURE WHL("pure_pkg-0.1-py3-none-any.whl")
#define GLIBC234 WHL("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl")
#define G_MOD "plan_graft/_mod.cpython-311-x86_64-linux-gnu.so"
#define G_TOOL "plan_graft-0.1.data/scripts/pg-tool"

struct state {
	struct wa_policy_set *policies;
	cJSON *show_schema, *repair_schema;
	char tmp[256];
	char wheel_dir[300]; /* never created: the repairs here are dry runs */
	char empty[300];
};

/* ---- helpers ---- */

static cJSON *parse_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text;
	long n;
	cJSON *j;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) {
		free(text);
		fclose(f);
		return NULL;
	}
	fclose(f);
	j = cJSON_Parse(text);
	free(text);
	return j;
}

static int setup(void **state)
{
	struct state *st = calloc(1, sizeof(*st));
	const char *tmp = getenv("TMPDIR");
	struct wa_error err;

	wa_error_clear(&err);
	if (!st)
		return -1;
	snprintf(st->tmp, sizeof(st->tmp), "%s/wa-report-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(st->tmp) || wa_policy_set_load_builtin(&st->policies, &err))
		return -1;
	snprintf(st->wheel_dir, sizeof(st->wheel_dir), "%s/wheelhouse", st->tmp);
	snprintf(st->empty, sizeof(st->empty), "%s/empty", st->tmp);
	if (mkdir(st->empty, 0755))
		return -1;
	st->show_schema = parse_file(WA_SOURCE_DIR "/docs/show-v1.schema.json");
	st->repair_schema = parse_file(WA_SOURCE_DIR "/docs/repair-v1.schema.json");
	if (!st->show_schema || !st->repair_schema) {
		fprintf(stderr, "setup: cannot read the schemas in " WA_SOURCE_DIR "/docs\n");
		return -1;
	}
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	struct state *st = *state;
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", st->tmp);
	if (system(cmd) != 0)
		return -1;
	cJSON_Delete(st->show_schema);
	cJSON_Delete(st->repair_schema);
	wa_policy_set_free(st->policies);
	free(st);
	return 0;
}

static void audit_options(struct wa_audit_options *opt, const struct state *st)
{
	wa_audit_options_init(opt);
	opt->policies = st->policies;
	opt->threads = 1;
}

static struct wa_audit *audit(const struct state *st, const char *path)
{
	struct wa_audit_options opt;
	struct wa_audit *a = NULL;
	struct wa_error err;

	audit_options(&opt, st);
	wa_error_clear(&err);
	if (access(path, R_OK) != 0)
		fail_msg("fixture %s is missing (build target wa_fixtures)", path);
	if (wa_audit_wheel(&a, path, &opt, &err))
		fail_msg("%s: %s: %s", path, err.member, err.message);
	return a;
}

/* A dry run of repair (writes nothing); ldpaths: where libraries are found. */
static struct wa_repair *dry_run(const struct state *st, const char *path, const char *ldpaths)
{
	struct wa_repair_options opt;
	struct wa_repair *rep = NULL;
	struct wa_error err;
	struct stat sb;

	wa_repair_options_init(&opt);
	opt.audit.policies = st->policies;
	opt.audit.threads = 1;
	opt.wheel_dir = st->wheel_dir;
	opt.ld.ldpaths = ldpaths;
	opt.dry_run = true;
	wa_error_clear(&err);
	if (wa_repair_wheel(&rep, path, &opt, &err))
		fail_msg("%s: %s: %s", path, err.member, err.message);
	assert_int_equal(stat(st->wheel_dir, &sb), -1);
	return rep;
}

/* Output captured in memory. */
struct capture {
	FILE *f;
	char *text;
	size_t len;
};

static FILE *capture_start(struct capture *c)
{
	memset(c, 0, sizeof(*c));
	c->f = open_memstream(&c->text, &c->len);
	assert_non_null(c->f);
	return c->f;
}

/* The text (owned by c; capture_free releases it). */
static const char *capture_end(struct capture *c)
{
	assert_int_equal(fclose(c->f), 0);
	c->f = NULL;
	return c->text;
}

static void capture_free(struct capture *c)
{
	free(c->text);
}

static void assert_contains(const char *text, const char *part)
{
	if (!strstr(text, part))
		fail_msg("expected\n%s\nin\n%s", part, text);
}

static void assert_lacks(const char *text, const char *part)
{
	if (strstr(text, part))
		fail_msg("did not expect\n%s\nin\n%s", part, text);
}

/* The first line, without its newline, in buf. */
static const char *first_line(const char *text, char *buf, size_t size)
{
	size_t n = strcspn(text, "\n");

	assert_true(n < size);
	memcpy(buf, text, n);
	buf[n] = '\0';
	return buf;
}

/* Every key the schema's definition def requires is in obj. */
static void assert_documented_keys(const cJSON *schema, const char *def, const cJSON *obj)
{
	const cJSON *d =
		cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(schema, "$defs"),
						 def);
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(d, "required"), *k;

	if (!req || !cJSON_IsArray(req) || cJSON_GetArraySize(req) == 0)
		fail_msg("the schema has no required keys for %s", def);
	assert_true(cJSON_IsObject(obj));
	cJSON_ArrayForEach(k, req)
	{
		if (!cJSON_HasObjectItem(obj, k->valuestring))
			fail_msg("%s object without the documented key '%s'", def, k->valuestring);
	}
}

static const cJSON *item(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!v)
		fail_msg("no key '%s'", key);
	return v;
}

static const char *str(const cJSON *obj, const char *key)
{
	const cJSON *v = item(obj, key);

	if (!cJSON_IsString(v))
		fail_msg("'%s' is not a string", key);
	return v->valuestring;
}

static double num(const cJSON *obj, const char *key)
{
	const cJSON *v = item(obj, key);

	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

static cJSON *parse_capture(struct capture *c)
{
	const char *text = capture_end(c);
	cJSON *j = cJSON_Parse(text);

	if (!j)
		fail_msg("not JSON:\n%s", text);
	/* one document and a newline */
	assert_true(c->len > 0 && text[c->len - 1] == '\n');
	return j;
}

/* ---- the text report ---- */

static void text_report_starts_with_the_verdict_line_naming_wheel_and_tagset(void **state)
{
	struct state *st = *state;
	struct wa_audit *ok = audit(st, EXAMPLE), *bad = audit(st, ISA_V3);
	struct capture c;
	char line[1024], want[1024];

	wa_report_text(capture_start(&c), ok, NULL);
	assert_string_equal(first_line(capture_end(&c), line, sizeof(line)),
			    EXAMPLE_NAME ": manylinux1_x86_64.manylinux_2_5_x86_64");
	capture_free(&c);

	assert_non_null(bad->reason);
	wa_report_text(capture_start(&c), bad, NULL);
	snprintf(want, sizeof(want), "%s: %s (%s)", bad->wheel, bad->tagset, bad->reason);
	assert_string_equal(first_line(capture_end(&c), line, sizeof(line)), want);
	assert_int_equal(strncmp(want, "isa_v3-0.1-cp311-cp311-linux_x86_64.whl: linux_x86_64 (",
				 55),
			 0);
	capture_free(&c);
	wa_audit_free(ok);
	wa_audit_free(bad);
}

static void text_report_of_a_pure_wheel_is_its_verdict_line(void **state)
{
	struct state *st = *state;
	struct wa_audit *a = audit(st, PURE);
	struct capture c;
	const char *text;
	char line[512];

	wa_report_text(capture_start(&c), a, NULL);
	text = capture_end(&c);
	first_line(text, line, sizeof(line));
	assert_int_equal(strncmp(line, "pure_pkg-0.1-py3-none-any.whl: ", 31), 0);
	assert_lacks(text, "members:");
	capture_free(&c);
	wa_audit_free(a);
}

static void text_report_has_colour_codes_only_when_asked(void **state)
{
	struct state *st = *state;
	struct wa_audit *ok = audit(st, EXAMPLE), *bad = audit(st, ISA_V3);
	struct wa_text_options plain = {.color = false}, color = {.color = true};
	struct capture c;
	const char *text;

	wa_report_text(capture_start(&c), bad, &plain);
	assert_lacks(capture_end(&c), "\033");
	capture_free(&c);
	wa_report_text(capture_start(&c), ok, NULL);
	assert_lacks(capture_end(&c), "\033");
	capture_free(&c);

	wa_report_text(capture_start(&c), ok, &color);
	text = capture_end(&c);
	assert_contains(text, ": \033[32mmanylinux1_x86_64.manylinux_2_5_x86_64\033[0m\n");
	capture_free(&c);
	wa_report_text(capture_start(&c), bad, &color);
	text = capture_end(&c);
	assert_contains(text, ": \033[31mlinux_x86_64\033[0m (");
	capture_free(&c);
	wa_audit_free(ok);
	wa_audit_free(bad);
}

static void text_report_marks_external_libraries_and_who_needs_them(void **state)
{
	struct state *st = *state;
	struct wa_audit *a = audit(st, EXT_LIB);
	struct capture c;
	const char *text;

	wa_report_text(capture_start(&c), a, NULL);
	text = capture_end(&c);
	assert_contains(text, "  architecture x86_64 (from the platform tag), libc glibc, 1 ELF "
			      "member\n");
	assert_contains(text, "      needs: libfoo.so.1 [external] libc.so.6\n");
	assert_contains(text, "      rpath: /opt/foo/lib\n");
	assert_contains(text, "  external libraries (not on the whitelist; repair grafts them):\n"
			      "    libfoo.so.1, needed by "
			      "ext_lib/_mod.cpython-311-x86_64-linux-gnu.so\n");
	assert_contains(text, "  findings:\n");
	capture_free(&c);
	wa_audit_free(a);
}

/* ---- JSON: show ---- */

static void json_show_document_parses_and_has_the_documented_keys(void **state)
{
	struct state *st = *state;
	const char *const paths[] = {EXAMPLE, EXT_LIB, ISA_V3, PURE, GLIBC234};
	struct wa_json_report *r = NULL;
	struct wa_error err;
	struct capture c;
	cJSON *doc;
	const cJSON *wheels, *w;
	size_t members = 0, findings = 0, symbols = 0, externals = 0;

	assert_int_equal(wa_json_report_new(&r, "wheelaudit test"), 0);
	for (size_t i = 0; i < 5; i++) {
		struct wa_audit *a = audit(st, paths[i]);

		assert_int_equal(wa_json_report_add_audit(r, a), 0);
		wa_audit_free(a); /* the report holds copies */
	}
	wa_error_clear(&err);
	wa_error_set(&err, WA_ENOTZIP, NULL, "not a zip archive: \"quoted\"\tand tabbed");
	assert_int_equal(wa_json_report_add_error(r, "/x/broken.whl", WA_EXIT_INVALID, &err), 0);
	assert_int_equal(wa_json_report_count(r), 6);
	assert_int_equal(wa_json_report_write(r, capture_start(&c)), 0);
	wa_json_report_free(r);
	doc = parse_capture(&c);

	assert_int_equal(num(doc, "version"), 1);
	assert_string_equal(str(doc, "tool"), "wheelaudit test");
	wheels = item(doc, "wheels");
	assert_int_equal(cJSON_GetArraySize(wheels), 6);
	for (int i = 0; i < 5; i++) {
		const cJSON *x;

		w = cJSON_GetArrayItem(wheels, i);
		assert_documented_keys(st->show_schema, "audit", w);
		assert_true(cJSON_IsNull(item(w, "error")));
		cJSON_ArrayForEach(x, item(w, "members"))
		{
			assert_documented_keys(st->show_schema, "member", x);
			assert_documented_keys(st->show_schema, "elf", item(x, "elf"));
			members++;
		}
		cJSON_ArrayForEach(x, item(w, "findings"))
		{
			assert_documented_keys(st->show_schema, "finding", x);
			findings++;
		}
		cJSON_ArrayForEach(x, item(w, "symbols"))
		{
			assert_documented_keys(st->show_schema, "symbol", x);
			symbols++;
		}
		cJSON_ArrayForEach(x, item(w, "external_libraries"))
		{
			assert_documented_keys(st->show_schema, "external", x);
			externals++;
		}
		assert_documented_keys(st->show_schema, "family_best", item(w, "best"));
	}
	/* every kind of object was seen at least once */
	assert_true(members >= 3);
	assert_true(findings >= 1);
	assert_true(symbols >= 1);
	assert_int_equal(externals, 1);

	w = cJSON_GetArrayItem(wheels, 0);
	assert_string_equal(str(w, "wheel"), EXAMPLE_NAME);
	assert_string_equal(str(w, "outcome"), "compliant");
	assert_int_equal(num(w, "exit_code"), 0);
	assert_string_equal(str(item(w, "verdict"), "tagset"),
			    "manylinux1_x86_64.manylinux_2_5_x86_64");
	assert_string_equal(str(item(w, "best"), "manylinux"), "manylinux_2_5_x86_64");
	assert_true(cJSON_IsNull(item(item(w, "best"), "musllinux")));
	w = cJSON_GetArrayItem(wheels, 1);
	assert_string_equal(str(w, "outcome"), "needs-graft");
	assert_string_equal(str(cJSON_GetArrayItem(item(w, "external_libraries"), 0), "name"),
			    "libfoo.so.1");
	w = cJSON_GetArrayItem(wheels, 3);
	assert_string_equal(str(w, "outcome"), "pure");
	assert_int_equal(num(w, "exit_code"), WA_EXIT_PURE);

	w = cJSON_GetArrayItem(wheels, 4);
	assert_string_equal(str(cJSON_GetArrayItem(item(w, "symbols"), 0), "version"),
			    "GLIBC_2.34");

	w = cJSON_GetArrayItem(wheels, 5);
	assert_documented_keys(st->show_schema, "error", w);
	assert_string_equal(str(w, "wheel"), "broken.whl");
	assert_string_equal(str(w, "outcome"), "invalid");
	assert_int_equal(num(w, "exit_code"), WA_EXIT_INVALID);
	assert_true(cJSON_IsNull(item(w, "verdict")));
	assert_string_equal(str(item(w, "error"), "code"), "NOTZIP");
	assert_string_equal(str(item(w, "error"), "message"),
			    "not a zip archive: \"quoted\"\tand tabbed");
	assert_true(cJSON_IsNull(item(item(w, "error"), "member")));
	cJSON_Delete(doc);
	capture_free(&c);
}

/* ---- JSON: repair ---- */

static void json_repair_result_of_a_dry_run_has_the_plan_and_documented_keys(void **state)
{
	struct state *st = *state;
	struct wa_repair *rep = dry_run(st, GRAFT, PLAN_LIBS);
	struct wa_json_report *r = NULL;
	struct capture c;
	cJSON *doc;
	const cJSON *w, *plan, *x;
	bool launcher = false, patched = false;

	assert_int_equal(rep->outcome, WA_OUTCOME_PLANNED);
	assert_null(rep->output);
	assert_int_equal(wa_json_report_new(&r, "wheelaudit test"), 0);
	assert_int_equal(wa_json_report_add_repair(r, GRAFT, 0, rep, NULL), 0);
	assert_int_equal(wa_json_report_write(r, capture_start(&c)), 0);
	wa_json_report_free(r);
	doc = parse_capture(&c);
	w = cJSON_GetArrayItem(item(doc, "wheels"), 0);
	assert_documented_keys(st->repair_schema, "result", w);
	assert_string_equal(str(w, "outcome"), "planned");
	assert_true(cJSON_IsNull(item(w, "output"))); /* nothing written */
	assert_string_equal(str(w, "tagset"), rep->plan->tagset);
	assert_int_equal(cJSON_GetArraySize(item(w, "tags")), 2);
	assert_int_equal(cJSON_GetArraySize(item(w, "missing")), 0);
	assert_int_equal(cJSON_GetArraySize(item(w, "grafted")), 2);
	cJSON_ArrayForEach(x, item(w, "grafted"))
	{
		assert_string_equal(str(x, "found_by"), "ldpaths");
		assert_int_equal(strncmp(str(x, "member"), "plan_graft.libs/", 16), 0);
		assert_int_equal(strncmp(str(x, "source"), PLAN_LIBS "/", strlen(PLAN_LIBS) + 1),
				 0);
		assert_true(cJSON_IsArray(item(x, "needed_by")));
	}
	assert_documented_keys(st->show_schema, "audit", item(w, "audit"));
	assert_string_equal(str(item(w, "audit"), "outcome"), "compliant");

	plan = item(w, "plan");
	assert_documented_keys(st->repair_schema, "plan", plan);
	assert_string_equal(str(plan, "output"), rep->plan->output);
	assert_int_equal(num(plan, "copied"), 3);
	cJSON_ArrayForEach(x, item(plan, "changed"))
	{
		const char *action = str(x, "action");

		if (strcmp(action, "patch") == 0) {
			assert_documented_keys(st->repair_schema, "edit", item(x, "edit"));
			patched |= strcmp(str(x, "member"), G_MOD) == 0;
		} else {
			assert_true(cJSON_IsNull(item(x, "edit")));
		}
		launcher |=
			strcmp(action, "launcher") == 0 && strcmp(str(x, "member"), G_TOOL) == 0;
	}
	assert_true(patched);
	assert_true(launcher);
	/* two libraries, the moved program, the SBOM (which has no edit) */
	assert_int_equal(cJSON_GetArraySize(item(plan, "added")), 4);
	cJSON_ArrayForEach(x, item(plan, "added"))
	{
		const cJSON *e = item(x, "edit");

		if (strstr(str(x, "member"), "/sboms/")) {
			assert_true(cJSON_IsNull(e));
			continue;
		}
		assert_documented_keys(st->repair_schema, "edit", e);
		assert_true(cJSON_IsArray(item(e, "renames")));
	}
	cJSON_Delete(doc);
	capture_free(&c);
	wa_repair_free(rep);
}

static void json_repair_result_of_a_rejection_lists_what_is_missing(void **state)
{
	struct state *st = *state;
	struct wa_repair *rep = dry_run(st, GRAFT, st->empty);
	struct wa_json_report *r = NULL;
	struct wa_error err;
	struct capture c;
	cJSON *doc;
	const cJSON *w;
	int code = wa_outcome_exit(rep->outcome, rep->cause);

	assert_int_equal(rep->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(code, WA_EXIT_POLICY);
	assert_int_equal(wa_json_report_new(&r, "wheelaudit test"), 0);
	assert_int_equal(wa_json_report_add_repair(r, GRAFT, code, rep, NULL), 0);
	wa_error_clear(&err);
	wa_error_set(&err, WA_ERECORD, "x/y.py", "not listed in RECORD");
	assert_int_equal(wa_json_report_add_repair(r, "/w/x-1-py3-none-any.whl", 3, NULL, &err), 0);
	assert_int_equal(wa_json_report_write(r, capture_start(&c)), 0);
	wa_json_report_free(r);
	doc = parse_capture(&c);

	w = cJSON_GetArrayItem(item(doc, "wheels"), 0);
	assert_documented_keys(st->repair_schema, "result", w);
	assert_string_equal(str(w, "outcome"), "rejected");
	assert_int_equal(num(w, "exit_code"), WA_EXIT_POLICY);
	assert_true(cJSON_IsNull(item(w, "plan")));
	assert_true(cJSON_IsNull(item(w, "output")));
	assert_true(cJSON_IsNull(item(w, "tagset")));
	assert_int_equal(cJSON_GetArraySize(item(w, "tags")), 0);
	assert_int_equal(cJSON_GetArraySize(item(w, "grafted")), 0);
	assert_int_equal(cJSON_GetArraySize(item(w, "missing")), 1);
	assert_int_equal(strncmp(cJSON_GetArrayItem(item(w, "missing"), 0)->valuestring,
				 "libwa_plan_a.so.1 (needed by ", 29),
			 0);
	assert_non_null(strstr(str(w, "reason"), "libwa_plan_a.so.1"));
	assert_string_equal(str(item(w, "audit"), "outcome"), "needs-graft");

	w = cJSON_GetArrayItem(item(doc, "wheels"), 1);
	assert_documented_keys(st->repair_schema, "result", w);
	assert_string_equal(str(w, "outcome"), "invalid");
	assert_true(cJSON_IsNull(item(w, "audit")));
	assert_string_equal(str(item(w, "error"), "code"), "RECORD");
	assert_string_equal(str(item(w, "error"), "member"), "x/y.py");
	cJSON_Delete(doc);
	capture_free(&c);
	wa_repair_free(rep);
}

/* ---- the plan as text (--dry-run) ---- */

static void plan_text_lists_grafts_patches_moves_and_rewrites(void **state)
{
	struct state *st = *state;
	struct wa_repair *rep = dry_run(st, GRAFT, PLAN_LIBS);
	const struct wa_graft_lib *a = wa_graft_find(rep->plan->graft, "libwa_plan_a.so.1");
	const struct wa_graft_lib *b = wa_graft_find(rep->plan->graft, "libwa_plan_b.so.1");
	struct capture c;
	const char *text;
	char want[1024], line[1024];

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(wa_report_plan_text(capture_start(&c), rep, NULL), 0);
	text = capture_end(&c);
	snprintf(want, sizeof(want), "plan_graft-0.1-cp311-cp311-linux_x86_64.whl: would write %s",
		 rep->plan->output);
	assert_string_equal(first_line(text, line, sizeof(line)), want);
	assert_contains(text, "\n  tags: manylinux1_x86_64.manylinux_2_5_x86_64\n");
	snprintf(want, sizeof(want),
		 "\n  graft libwa_plan_a.so.1 (found by ldpaths: " PLAN_LIBS
		 "/libwa_plan_a.so.1) as %s, needed by " G_TOOL ", " G_MOD
		 ", plan_graft/sub/_inner.cpython-311-x86_64-linux-gnu.so\n"
		 "        DT_SONAME %s\n"
		 "        DT_NEEDED libwa_plan_b.so.1 -> %s\n"
		 "        DT_RPATH $ORIGIN\n",
		 a->member, a->new_name, b->new_name);
	assert_contains(text, want);
	snprintf(want, sizeof(want),
		 "\n  patch " G_MOD "\n"
		 "        DT_NEEDED libwa_plan_a.so.1 -> %s\n"
		 "        DT_RPATH $ORIGIN/../plan_graft.libs\n",
		 a->new_name);
	assert_contains(text, want);
	assert_contains(text, "\n  replace " G_TOOL " with a launcher\n");
	assert_contains(text, "\n  move " G_TOOL " to plan_graft.scripts/pg-tool\n");
	assert_contains(text, "\n  rewrite plan_graft-0.1.dist-info/WHEEL\n");
	assert_contains(text, "\n  rewrite plan_graft-0.1.dist-info/RECORD\n");
	/* the last line counts the members copied as stored */
	assert_true(c.len > 30);
	assert_string_equal(text + c.len - strlen("  3 members copied as stored\n"),
			    "  3 members copied as stored\n");
	capture_free(&c);
	wa_repair_free(rep);
}

static void plan_text_lists_a_dropped_signature(void **state)
{
	struct state *st = *state;
	struct wa_repair *rep = dry_run(st, SIGNED, PLAN_LIBS);
	struct capture c;
	const char *text;

	assert_int_equal(wa_report_plan_text(capture_start(&c), rep, NULL), 0);
	text = capture_end(&c);
	assert_contains(text, "\n  drop plan_signed-0.1.dist-info/RECORD.jws\n");
	assert_lacks(text, "graft ");
	assert_lacks(text, "patch ");
	capture_free(&c);
	wa_repair_free(rep);
}

/* ---- lddtree ---- */

static struct wa_lddtree *tree_of(const char *path, struct wa_ld_config **cfg,
				  struct wa_lddtree_ctx **ctx)
{
	struct wa_ld_options opt = {.ldpaths = PLAN_LIBS};
	struct wa_lddtree *t = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_ld_config_load(cfg, &opt, &err), 0);
	assert_int_equal(wa_lddtree_ctx_new(ctx, *cfg, &err), 0);
	if (wa_lddtree_build(&t, *ctx, path, &err))
		fail_msg("%s: %s", path, err.message);
	return t;
}

static void tree_free(struct wa_lddtree *t, struct wa_ld_config *cfg, struct wa_lddtree_ctx *ctx)
{
	wa_lddtree_free(t);
	wa_lddtree_ctx_free(ctx);
	wa_ld_config_free(cfg);
}

static void lddtree_text_of_a_wheel_shows_each_member_and_its_tree(void **state)
{
	struct wa_ld_config *cfg = NULL;
	struct wa_lddtree_ctx *ctx = NULL;
	struct wa_lddtree *t = tree_of(GRAFT, &cfg, &ctx);
	struct capture c;
	const char *text;
	char line[1024];

	(void)state;
	assert_int_equal(wa_report_lddtree_text(capture_start(&c), t), 0);
	text = capture_end(&c);
	assert_string_equal(first_line(text, line, sizeof(line)), GRAFT);
	assert_contains(text,
			"\n  " G_MOD "\n"
			"    libwa_plan_a.so.1 => " PLAN_LIBS "/libwa_plan_a.so.1 (ldpaths)\n"
			"      libwa_plan_b.so.1 => " PLAN_LIBS "/libwa_plan_b.so.1 (ldpaths)\n");
	assert_contains(text, "\n  plan_graft/_plain.cpython-311-x86_64-linux-gnu.so\n"
			      "    libc.so.6 => not found\n");
	/* text members are no roots */
	assert_lacks(text, "__init__.py");
	capture_free(&c);
	tree_free(t, cfg, ctx);
}

static void lddtree_text_of_an_elf_file_starts_its_needs_at_two_spaces(void **state)
{
	struct wa_ld_config *cfg = NULL;
	struct wa_lddtree_ctx *ctx = NULL;
	struct wa_lddtree *t = tree_of(PLAN_LIBS "/libwa_plan_a.so.1", &cfg, &ctx);
	struct capture c;

	(void)state;
	assert_false(t->is_wheel);
	assert_int_equal(wa_report_lddtree_text(capture_start(&c), t), 0);
	assert_string_equal(capture_end(&c), PLAN_LIBS "/libwa_plan_a.so.1\n"
						       "  libwa_plan_b.so.1 => " PLAN_LIBS
						       "/libwa_plan_b.so.1 (ldpaths)\n"
						       "    libc.so.6 => not found\n"
						       "  libc.so.6 => not found\n");
	capture_free(&c);
	tree_free(t, cfg, ctx);
}

static void lddtree_json_has_inputs_members_and_nested_needs(void **state)
{
	struct wa_ld_config *cfg = NULL;
	struct wa_lddtree_ctx *ctx = NULL;
	struct wa_lddtree *t = tree_of(GRAFT, &cfg, &ctx);
	struct wa_lddtree *e = NULL;
	struct wa_json_report *r = NULL;
	struct wa_error err;
	struct capture c;
	cJSON *doc;
	const cJSON *in, *m, *need;
	bool seen_mod = false;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_lddtree_build(&e, ctx, PLAN_LIBS "/libwa_plan_b.so.1", &err), 0);
	assert_int_equal(wa_json_lddtree_new(&r), 0);
	assert_int_equal(wa_json_report_add_lddtree(r, t), 0);
	assert_int_equal(wa_json_report_add_lddtree(r, e), 0);
	wa_error_set(&err, WA_EBADELF, NULL, "x.so: not an ELF file");
	assert_int_equal(wa_json_report_add_lddtree_error(r, "/x.so", &err), 0);
	assert_int_equal(wa_json_report_count(r), 3);
	assert_int_equal(wa_json_report_write(r, capture_start(&c)), 0);
	wa_json_report_free(r);
	doc = parse_capture(&c);
	assert_int_equal(num(doc, "version"), 1);
	assert_string_equal(str(doc, "kind"), "lddtree");
	assert_int_equal(cJSON_GetArraySize(item(doc, "inputs")), 3);

	in = cJSON_GetArrayItem(item(doc, "inputs"), 0);
	assert_string_equal(str(in, "path"), GRAFT);
	assert_string_equal(str(in, "kind"), "wheel");
	assert_int_equal(cJSON_GetArraySize(item(in, "members")), 4);
	cJSON_ArrayForEach(m, item(in, "members"))
	{
		if (strcmp(str(m, "member"), G_MOD) != 0)
			continue;
		seen_mod = true;
		need = cJSON_GetArrayItem(item(m, "needed"), 0);
		assert_string_equal(str(need, "name"), "libwa_plan_a.so.1");
		assert_string_equal(str(need, "path"), PLAN_LIBS "/libwa_plan_a.so.1");
		assert_string_equal(str(need, "found_by"), "ldpaths");
		need = cJSON_GetArrayItem(item(need, "needed"), 0);
		assert_string_equal(str(need, "name"), "libwa_plan_b.so.1");
		need = cJSON_GetArrayItem(item(m, "needed"), 1);
		assert_string_equal(str(need, "name"), "libc.so.6");
		assert_true(cJSON_IsNull(item(need, "path")));
		assert_true(cJSON_IsNull(item(need, "found_by")));
		assert_int_equal(cJSON_GetArraySize(item(need, "needed")), 0);
	}
	assert_true(seen_mod);

	in = cJSON_GetArrayItem(item(doc, "inputs"), 1);
	assert_string_equal(str(in, "kind"), "elf");
	m = cJSON_GetArrayItem(item(in, "members"), 0);
	assert_string_equal(str(m, "member"), PLAN_LIBS "/libwa_plan_b.so.1");

	in = cJSON_GetArrayItem(item(doc, "inputs"), 2);
	assert_string_equal(str(in, "path"), "/x.so");
	assert_int_equal(cJSON_GetArraySize(item(in, "members")), 0);
	assert_string_equal(str(item(in, "error"), "code"), "BADELF");
	assert_true(cJSON_IsNull(item(item(in, "error"), "member")));
	cJSON_Delete(doc);
	capture_free(&c);
	wa_lddtree_free(e);
	tree_free(t, cfg, ctx);
}

/* ---- policies ---- */

static void assert_lines_fit(const char *text, size_t width)
{
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, "\n");

		if (n > width)
			fail_msg("line longer than %zu columns:\n%.*s", width, (int)n, p);
		p += n + (p[n] == '\n');
	}
}

static void policies_text_lists_every_policy_or_those_of_one_arch(void **state)
{
	struct state *st = *state;
	struct capture c;
	const char *text;

	assert_int_equal(wa_report_policies_text(capture_start(&c), st->policies, NULL), 0);
	text = capture_end(&c);
	for (size_t i = 0; i < wa_policy_count(st->policies); i++) {
		char want[128];

		snprintf(want, sizeof(want), "%s%s", i ? "\n\n" : "",
			 wa_policy_name(wa_policy_at(st->policies, i)));
		if (i == 0)
			assert_int_equal(strncmp(text, want, strlen(want)), 0);
		else
			assert_contains(text, want);
	}
	assert_contains(text, "manylinux_2_17 (alias manylinux2014), priority 80, glibc 2.17\n");
	assert_lines_fit(text, 80);
	capture_free(&c);

	assert_int_equal(wa_report_policies_text(capture_start(&c), st->policies, "aarch64"), 0);
	text = capture_end(&c);
	assert_contains(text, "manylinux_2_17 (alias manylinux2014)");
	assert_lacks(text, "manylinux_2_5 ");
	assert_contains(text, "  aarch64 2.18 ");
	assert_lacks(text, "  x86_64 2.17 ");
	capture_free(&c);
}

static void policy_text_in_full_has_whitelist_blacklist_and_nodes(void **state)
{
	struct state *st = *state;
	const struct wa_policy *p = wa_policy_find(st->policies, "manylinux2014", NULL, 0);
	struct capture c;
	const char *text;
	char want[64];

	assert_non_null(p);
	assert_int_equal(wa_report_policy_text(capture_start(&c), p, NULL), 0);
	text = capture_end(&c);
	assert_int_equal(strncmp(text, "manylinux_2_17 (alias manylinux2014)", 36), 0);
	snprintf(want, sizeof(want), "\nlibrary whitelist (%zu):\n", wa_policy_whitelist_count(p));
	assert_contains(text, want);
	assert_contains(text, "libstdc++.so.6");
	assert_contains(text, "\nblacklisted symbols:\n");
	assert_contains(text, "\nnon-numeric version nodes allowed:\n");
	assert_contains(text, "  x86_64:     CXXABI_TM_1\n");
	assert_lines_fit(text, 80);
	capture_free(&c);
}

static void policies_json_lists_names_aliases_and_maxima(void **state)
{
	struct state *st = *state;
	struct capture c;
	cJSON *doc;
	const cJSON *x, *found = NULL;

	assert_int_equal(wa_json_policies_write(capture_start(&c), st->policies, NULL), 0);
	doc = parse_capture(&c);
	assert_int_equal(num(doc, "version"), 1);
	assert_int_equal(cJSON_GetArraySize(item(doc, "policies")),
			 (int)wa_policy_count(st->policies));
	cJSON_ArrayForEach(x, item(doc, "policies"))
	{
		static const char *const keys[] = {"name", "aliases",      "family", "priority",
						   "libc", "libc_version", "arches", "max"};

		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			item(x, keys[k]);
		assert_null(
			cJSON_GetObjectItemCaseSensitive(x, "whitelist")); /* the list is short */
		if (strcmp(str(x, "name"), "manylinux_2_17") == 0)
			found = x;
	}
	assert_non_null(found);
	assert_string_equal(cJSON_GetArrayItem(item(found, "aliases"), 0)->valuestring,
			    "manylinux2014");
	assert_string_equal(str(found, "family"), "manylinux");
	assert_string_equal(str(found, "libc"), "glibc");
	assert_string_equal(str(found, "libc_version"), "2.17");
	assert_string_equal(str(item(item(found, "max"), "x86_64"), "GLIBC"), "2.17");
	assert_string_equal(str(item(item(found, "max"), "aarch64"), "GLIBC"), "2.18");
	cJSON_Delete(doc);
	capture_free(&c);

	/* one arch: only the policies for it, and only its maxima */
	assert_int_equal(wa_json_policies_write(capture_start(&c), st->policies, "aarch64"), 0);
	doc = parse_capture(&c);
	cJSON_ArrayForEach(x, item(doc, "policies"))
	{
		assert_string_not_equal(str(x, "name"), "manylinux_2_5");
		assert_int_equal(cJSON_GetArraySize(item(x, "max")), 1);
		item(item(x, "max"), "aarch64");
	}
	cJSON_Delete(doc);
	capture_free(&c);
}

static void policy_json_in_full_has_whitelist_blacklist_and_exceptions(void **state)
{
	struct state *st = *state;
	const struct wa_policy *p = wa_policy_find(st->policies, "manylinux_2_17", NULL, 0);
	struct capture c;
	cJSON *doc;
	const cJSON *wl;

	assert_int_equal(wa_json_policy_write(capture_start(&c), p, NULL), 0);
	doc = parse_capture(&c);
	assert_string_equal(str(doc, "name"), "manylinux_2_17");
	wl = item(doc, "whitelist");
	assert_int_equal(cJSON_GetArraySize(wl), (int)wa_policy_whitelist_count(p));
	assert_string_equal(cJSON_GetArrayItem(wl, 0)->valuestring, wa_policy_whitelist_at(p, 0));
	assert_true(cJSON_IsObject(item(doc, "blacklist")));
	assert_int_equal(cJSON_GetArraySize(item(doc, "blacklist")),
			 (int)wa_policy_blacklist_count(p));
	assert_true(cJSON_IsArray(item(doc, "exceptions")));
	assert_int_equal(cJSON_GetArraySize(item(doc, "exceptions")),
			 (int)wa_policy_exception_count(p));
	assert_true(cJSON_IsArray(item(item(doc, "non_numeric"), "x86_64")));
	cJSON_Delete(doc);
	capture_free(&c);
}

/* ---- write errors ---- */

static void every_renderer_reports_a_failed_write(void **state)
{
	struct state *st = *state;
	struct wa_audit *a = audit(st, EXAMPLE);
	struct wa_repair *rep = dry_run(st, GRAFT, PLAN_LIBS);
	struct wa_ld_config *cfg = NULL;
	struct wa_lddtree_ctx *ctx = NULL;
	struct wa_lddtree *t = tree_of(GRAFT, &cfg, &ctx);
	struct wa_json_report *r = NULL;
	FILE *ro = fopen("/dev/null", "r"); /* every write fails */
	const struct wa_policy *p = wa_policy_at(st->policies, 0);

	assert_non_null(ro);
	assert_int_equal(wa_report_text(ro, a, NULL), -1);
	assert_int_equal(wa_report_plan_text(ro, rep, NULL), -1);
	assert_int_equal(wa_report_lddtree_text(ro, t), -1);
	assert_int_equal(wa_report_policies_text(ro, st->policies, NULL), -1);
	assert_int_equal(wa_report_policy_text(ro, p, NULL), -1);
	assert_int_equal(wa_json_policies_write(ro, st->policies, NULL), -1);
	assert_int_equal(wa_json_policy_write(ro, p, NULL), -1);
	assert_int_equal(wa_json_report_new(&r, "wheelaudit test"), 0);
	assert_int_equal(wa_json_report_add_audit(r, a), 0);
	assert_int_equal(wa_json_report_write(r, ro), -1);
	wa_json_report_free(r);
	fclose(ro);
	tree_free(t, cfg, ctx);
	wa_repair_free(rep);
	wa_audit_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_report_starts_with_the_verdict_line_naming_wheel_and_tagset),
		cmocka_unit_test(text_report_of_a_pure_wheel_is_its_verdict_line),
		cmocka_unit_test(text_report_has_colour_codes_only_when_asked),
		cmocka_unit_test(text_report_marks_external_libraries_and_who_needs_them),
		cmocka_unit_test(json_show_document_parses_and_has_the_documented_keys),
		cmocka_unit_test(json_repair_result_of_a_dry_run_has_the_plan_and_documented_keys),
		cmocka_unit_test(json_repair_result_of_a_rejection_lists_what_is_missing),
		cmocka_unit_test(plan_text_lists_grafts_patches_moves_and_rewrites),
		cmocka_unit_test(plan_text_lists_a_dropped_signature),
		cmocka_unit_test(lddtree_text_of_a_wheel_shows_each_member_and_its_tree),
		cmocka_unit_test(lddtree_text_of_an_elf_file_starts_its_needs_at_two_spaces),
		cmocka_unit_test(lddtree_json_has_inputs_members_and_nested_needs),
		cmocka_unit_test(policies_text_lists_every_policy_or_those_of_one_arch),
		cmocka_unit_test(policy_text_in_full_has_whitelist_blacklist_and_nodes),
		cmocka_unit_test(policies_json_lists_names_aliases_and_maxima),
		cmocka_unit_test(policy_json_in_full_has_whitelist_blacklist_and_exceptions),
		cmocka_unit_test(every_renderer_reports_a_failed_write),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
