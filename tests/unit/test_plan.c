/* SPDX-License-Identifier: MIT */
/*
 * The repair planner (src/plan.c) on fixture wheels built by
 * tests/fixtures: the output's name and tags, the fate of every member,
 * the new WHEEL, grafts (host libraries found through --ldpaths-style
 * directories of fixture libraries), rejections and their causes, the
 * time stamp - and that planning writes nothing.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, symlink */
#include <dirent.h>
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

#include <cmocka.h>

#include "wheelaudit/hash.h"
#include "wheelaudit/plan.h"

#define WHL(name) WA_FIXTURE_DIR "/" name
#define PLAN_LIBS WA_FIXTURE_DIR "/elf/plan_libs"
#define PLAN_LIBS_NEW WA_FIXTURE_DIR "/elf/plan_libs_new"
#define EXAMPLE WHL("wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl")
#define SIGNED WHL("plan_signed-0.1-7-cp311-cp311-linux_x86_64.whl")
#define GRAFT WHL("plan_graft-0.1-cp311-cp311-linux_x86_64.whl")
#define PURE WHL("pure_pkg-0.1-py3-none-any.whl")
#define TAKEN WHL("plan_taken-0.1-cp311-cp311-linux_x86_64.whl")
#define CLASH WHL("plan_clash-0.1-cp311-cp311-linux_x86_64.whl")

#define G_MOD "plan_graft/_mod.cpython-311-x86_64-linux-gnu.so"
#define G_INNER "plan_graft/sub/_inner.cpython-311-x86_64-linux-gnu.so"
#define G_PLAIN "plan_graft/_plain.cpython-311-x86_64-linux-gnu.so"
#define G_TOOL "plan_graft-0.1.data/scripts/pg-tool"
#define GEN "Generator: wheelaudit " WA_PROJECT_VERSION

struct state {
	struct wa_policy_set *policies;
	char tmp[256];       /* scratch directory of the group */
	char wheel_dir[300]; /* the planner's wheel_dir: must never appear */
	char empty[300];     /* an empty library directory */
	char only_a[300];    /* a library directory with libwa_plan_a alone */
};

/* ---- helpers ---- */

static int setup(void **state)
{
	struct state *st = calloc(1, sizeof(*st));
	const char *tmp = getenv("TMPDIR");
	struct wa_error err;

	wa_error_clear(&err);
	if (!st)
		return -1;
	snprintf(st->tmp, sizeof(st->tmp), "%s/wa-plan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(st->tmp) || wa_policy_set_load_builtin(&st->policies, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		free(st);
		return -1;
	}
	snprintf(st->wheel_dir, sizeof(st->wheel_dir), "%s/out/wheelhouse", st->tmp);
	snprintf(st->empty, sizeof(st->empty), "%s/empty", st->tmp);
	snprintf(st->only_a, sizeof(st->only_a), "%s/only_a", st->tmp);
	if (mkdir(st->empty, 0755) || mkdir(st->only_a, 0755))
		return -1;
	{
		char link[400];

		snprintf(link, sizeof(link), "%s/libwa_plan_a.so.1", st->only_a);
		if (symlink(PLAN_LIBS "/libwa_plan_a.so.1", link))
			return -1;
	}
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	struct state *st = *state;
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", st->tmp);
	if (system(cmd) != 0)
		return -1;
	wa_policy_set_free(st->policies);
	free(st);
	return 0;
}

static void options(struct wa_repair_options *opt, const struct state *st)
{
	wa_repair_options_init(opt);
	opt->audit.policies = st->policies;
	opt->audit.threads = 1;
	opt->wheel_dir = st->wheel_dir;
	opt->ld.ldpaths = PLAN_LIBS;
}

struct planned {
	struct wa_wheel *w;
	struct wa_audit *audit;        /* the audit that decided */
	struct wa_audit *audit_before; /* the audit before planning (borrowed) */
	struct wa_repair_plan *plan;
	int rc;
	struct wa_error err;
};

static void plan_wheel(struct planned *p, const char *path, const struct wa_repair_options *opt)
{
	int rc;

	memset(p, 0, sizeof(*p));
	wa_error_clear(&p->err);
	if (access(path, R_OK) != 0)
		fail_msg("fixture %s is missing (build target wa_fixtures)", path);
	rc = wa_wheel_open(&p->w, path, &opt->audit.limits, &p->err);
	if (rc)
		fail_msg("%s: %s: %s", path, p->err.member, p->err.message);
	rc = wa_audit_run(&p->audit, p->w, &opt->audit, &p->err);
	if (rc)
		fail_msg("%s: audit: %s: %s", path, p->err.member, p->err.message);
	p->audit_before = p->audit;
	p->rc = wa_plan_build(&p->plan, p->w, &p->audit, opt, &p->err);
}

/* Plans and requires success (a rejection is a success). */
static void plan_ok(struct planned *p, const char *path, const struct wa_repair_options *opt)
{
	plan_wheel(p, path, opt);
	if (p->rc)
		fail_msg("%s: plan failed: %d %s: %s", path, p->rc, p->err.member, p->err.message);
	assert_non_null(p->plan);
}

/* Nothing was created: neither the wheel directory nor its parent. */
static void assert_nothing_written(const struct state *st)
{
	char parent[320];
	struct stat sb;

	snprintf(parent, sizeof(parent), "%s/out", st->tmp);
	if (stat(st->wheel_dir, &sb) == 0 || stat(parent, &sb) == 0)
		fail_msg("the planner created %s", parent);
	assert_int_equal(errno, ENOENT);
}

static void planned_free(struct planned *p, const struct state *st)
{
	wa_plan_free(p->plan);
	wa_audit_free(p->audit);
	wa_wheel_free(p->w);
	assert_nothing_written(st);
}

static size_t member_index(const struct planned *p, const char *name)
{
	for (size_t i = 0; i < wa_wheel_member_count(p->w); i++)
		if (strcmp(wa_wheel_member(p->w, i)->name, name) == 0)
			return i;
	fail_msg("no member %s", name);
	return 0;
}

static const struct wa_plan_member *pm(const struct planned *p, const char *name)
{
	size_t i = member_index(p, name);

	assert_int_equal(p->plan->n_members, wa_wheel_member_count(p->w));
	return &p->plan->members[i];
}

static char *path_in(const char *dir, const char *name)
{
	static char buf[4][600];
	static int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s/%s", dir, name);
	return b;
}

static void assert_tags(const struct wa_repair_plan *plan, const char *const *want, size_t n)
{
	char joined[512] = "";

	assert_int_equal(plan->n_tags, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(plan->tags[i], want[i]);
		if (i)
			strcat(joined, ".");
		strcat(joined, want[i]);
	}
	assert_string_equal(plan->tagset, joined);
}

/* The first 8 hex digits of the SHA-256 of a file. */
static void hex8_of(const char *path, char out[9])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char buf[65536];
	struct wa_sha256 h;
	uint8_t d[32];
	FILE *f = fopen(path, "rb");
	size_t n;

	assert_non_null(f);
	assert_int_equal(wa_sha256_init(&h), 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		wa_sha256_update(&h, buf, n);
	fclose(f);
	wa_sha256_final(&h, d);
	wa_sha256_release(&h);
	for (int i = 0; i < 4; i++) {
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[8] = '\0';
}

static const struct wa_plan_addition *addition(const struct wa_repair_plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->n_additions; i++)
		if (strcmp(plan->additions[i].name, name) == 0)
			return &plan->additions[i];
	fail_msg("no addition %s", name);
	return NULL;
}

static void assert_one_rename(const struct wa_elf_edit *e, const char *from, const char *to)
{
	assert_int_equal(e->n_renames, 1);
	assert_string_equal(e->renames[0].from, from);
	assert_string_equal(e->renames[0].to, to);
}

/* The output's member names (kept input members, then additions) are distinct. */
static void assert_output_names_distinct(const struct planned *p)
{
	size_t n = p->plan->n_members + p->plan->n_additions, k = 0;
	const char **names = calloc(n + 1, sizeof(*names));

	assert_non_null(names);
	for (size_t i = 0; i < p->plan->n_members; i++)
		if (p->plan->members[i].action != WA_PLAN_DROP)
			names[k++] = wa_wheel_member(p->w, i)->name;
	for (size_t i = 0; i < p->plan->n_additions; i++)
		names[k++] = p->plan->additions[i].name;
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				const char *twice = names[i];

				free(names);
				fail_msg("the output would hold %s twice", twice);
			}
	free(names);
}

/* ---- a compliant wheel ---- */

static void compliant_wheel_is_repaired_into_wheel_dir_under_its_retagged_name(void **state)
{
	struct state *st = *state;
	static const char *const tags[] = {"manylinux1_x86_64", "manylinux_2_5_x86_64"};
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	plan_ok(&p, EXAMPLE, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_null(p.plan->reason);
	assert_string_equal(p.plan->output,
			    path_in(st->wheel_dir, "wheelaudit_example-0.1-cp311-cp311-"
						   "manylinux1_x86_64.manylinux_2_5_x86_64.whl"));
	assert_tags(p.plan, tags, 2);
	assert_null(p.plan->graft);
	assert_null(p.plan->first_audit);
	assert_ptr_equal(p.audit, p.audit_before);
	assert_int_equal(p.plan->n_additions, 0);
	assert_int_equal(p.plan->n_notes, 0);
	planned_free(&p, st);
}

static void wheel_dir_with_a_trailing_slash_gives_no_double_slash(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	char dir[320];

	options(&opt, st);
	snprintf(dir, sizeof(dir), "%s/", st->wheel_dir);
	opt.wheel_dir = dir;
	plan_ok(&p, EXAMPLE, &opt);
	assert_string_equal(p.plan->output,
			    path_in(st->wheel_dir, "wheelaudit_example-0.1-cp311-cp311-"
						   "manylinux1_x86_64.manylinux_2_5_x86_64.whl"));
	planned_free(&p, st);
}

static void plan_rewrites_wheel_and_record_and_copies_every_other_member(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	size_t wheel, record;

	options(&opt, st);
	plan_ok(&p, EXAMPLE, &opt);
	wheel = member_index(&p, "wheelaudit_example-0.1.dist-info/WHEEL");
	record = member_index(&p, "wheelaudit_example-0.1.dist-info/RECORD");
	assert_int_equal(p.plan->n_members, 5);
	for (size_t i = 0; i < p.plan->n_members; i++) {
		const struct wa_plan_member *m = &p.plan->members[i];

		if (i == wheel) {
			assert_int_equal(m->action, WA_PLAN_WHEEL);
			assert_string_equal(m->name, "wheelaudit_example-0.1.dist-info/WHEEL");
		} else if (i == record) {
			assert_int_equal(m->action, WA_PLAN_RECORD);
			assert_string_equal(m->name, "wheelaudit_example-0.1.dist-info/RECORD");
		} else {
			if (m->action != WA_PLAN_COPY)
				fail_msg("%s: %s, expected copy", wa_wheel_member(p.w, i)->name,
					 wa_plan_action_name(m->action));
		}
	}
	planned_free(&p, st);
}

static void new_wheel_file_has_the_tag_lines_and_our_generator_line(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	const char *want = "Wheel-Version: 1.0\n"
			   "Generator: mkwheel\n" GEN "\n"
			   "Root-Is-Purelib: false\n"
			   "Tag: cp311-cp311-manylinux1_x86_64\n"
			   "Tag: cp311-cp311-manylinux_2_5_x86_64\n";

	options(&opt, st);
	plan_ok(&p, EXAMPLE, &opt);
	assert_non_null(p.plan->wheel_text);
	assert_string_equal(p.plan->wheel_text, want);
	assert_int_equal(p.plan->wheel_len, strlen(want));
	planned_free(&p, st);
}

static void
new_wheel_file_keeps_crlf_other_headers_and_the_body_and_replaces_our_old_generator(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	const char *want = "Wheel-Version: 1.0\r\n"
			   "Generator: bdist_wheel (0.41.2)\r\n" GEN "\r\n"
			   "Root-Is-Purelib: false\r\n"
			   "Tag: cp311-cp311-manylinux1_x86_64\r\n"
			   "Tag: cp311-cp311-manylinux_2_5_x86_64\r\n"
			   "Build: 7\r\n"
			   "\r\n"
			   "kept as it is\r\n";

	options(&opt, st);
	plan_ok(&p, SIGNED, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_string_equal(p.plan->wheel_text, want);
	assert_int_equal(p.plan->wheel_len, strlen(want));
	/* the build tag stays in the name */
	assert_string_equal(p.plan->output,
			    path_in(st->wheel_dir, "plan_signed-0.1-7-cp311-cp311-"
						   "manylinux1_x86_64.manylinux_2_5_x86_64.whl"));
	planned_free(&p, st);
}

static void record_signature_is_dropped_with_a_note(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	const struct wa_plan_member *sig;

	options(&opt, st);
	plan_ok(&p, SIGNED, &opt);
	sig = pm(&p, "plan_signed-0.1.dist-info/RECORD.jws");
	assert_int_equal(sig->action, WA_PLAN_DROP);
	assert_string_equal(sig->name, "plan_signed-0.1.dist-info/RECORD.jws");
	assert_int_equal(p.plan->n_notes, 1);
	assert_non_null(strstr(p.plan->notes[0], "dropped plan_signed-0.1.dist-info/RECORD.jws"));
	assert_int_equal(pm(&p, "plan_signed/__init__.py")->action, WA_PLAN_COPY);
	assert_int_equal(pm(&p, "plan_signed-0.1.dist-info/METADATA")->action, WA_PLAN_COPY);
	planned_free(&p, st);
}

/* ---- --plat and --only-plat ---- */

static void plat_target_joins_the_better_tags_the_wheel_already_meets(void **state)
{
	struct state *st = *state;
	static const char *const tags[] = {"manylinux1_x86_64", "manylinux2014_x86_64",
					   "manylinux_2_17_x86_64", "manylinux_2_5_x86_64"};
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.audit.plat = "manylinux_2_17_x86_64";
	plan_ok(&p, EXAMPLE, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_tags(p.plan, tags, 4);
	assert_string_equal(
		p.plan->output,
		path_in(st->wheel_dir,
			"wheelaudit_example-0.1-cp311-cp311-manylinux1_x86_64."
			"manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_5_x86_64."
			"whl"));
	planned_free(&p, st);
}

static void only_plat_gives_only_the_target_and_its_aliases(void **state)
{
	struct state *st = *state;
	static const char *const tags[] = {"manylinux2014_x86_64", "manylinux_2_17_x86_64"};
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.audit.plat = "manylinux2014_x86_64";
	opt.only_plat = true;
	plan_ok(&p, EXAMPLE, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_tags(p.plan, tags, 2);
	assert_non_null(strstr(p.plan->wheel_text, "Tag: cp311-cp311-manylinux2014_x86_64\n"
						   "Tag: cp311-cp311-manylinux_2_17_x86_64\n"));
	assert_null(strstr(p.plan->wheel_text, "manylinux1"));
	planned_free(&p, st);
}

static void plat_auto_is_the_best_policy(void **state)
{
	struct state *st = *state;
	static const char *const tags[] = {"manylinux1_x86_64", "manylinux_2_5_x86_64"};
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.audit.plat = "auto";
	opt.only_plat = true;
	plan_ok(&p, EXAMPLE, &opt);
	assert_tags(p.plan, tags, 2);
	planned_free(&p, st);
}

static void plat_the_wheel_does_not_meet_is_rejected_as_a_policy_violation(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.audit.plat = "manylinux_2_17_x86_64";
	plan_ok(&p, WHL("glibc234_mod-0.1-cp311-cp311-linux_x86_64.whl"), &opt);
	assert_int_equal(p.audit->outcome, WA_OUTCOME_POLICY_VIOLATION);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(p.plan->cause, WA_OUTCOME_POLICY_VIOLATION);
	assert_null(p.plan->output);
	assert_int_equal(p.plan->n_tags, 0);
	assert_non_null(p.plan->reason);
	assert_string_equal(p.plan->reason, p.audit->reason);
	planned_free(&p, st);
}

/* ---- pure wheels ---- */

static void pure_wheel_without_allow_pure_is_rejected_with_cause_pure(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	plan_ok(&p, PURE, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(p.plan->cause, WA_OUTCOME_PURE);
	assert_null(p.plan->output);
	assert_non_null(p.plan->reason);
	assert_non_null(strstr(p.plan->reason, "--allow-pure"));
	assert_int_equal(wa_outcome_exit(p.plan->outcome, p.plan->cause), WA_EXIT_PURE);
	planned_free(&p, st);
}

static void pure_wheel_with_allow_pure_is_copied_unchanged_under_its_own_name(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.audit.allow_pure = true;
	plan_ok(&p, PURE, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_COPIED);
	assert_string_equal(p.plan->output,
			    path_in(st->wheel_dir, "pure_pkg-0.1-py3-none-any.whl"));
	assert_string_equal(p.plan->tagset, "any");
	assert_int_equal(p.plan->n_tags, 0);
	assert_null(p.plan->wheel_text);
	for (size_t i = 0; i < p.plan->n_members; i++)
		assert_int_equal(p.plan->members[i].action, WA_PLAN_COPY);
	planned_free(&p, st);
}

/* ---- rejections carry the audit's outcome ---- */

static void expect_rejected(const struct state *st, const char *wheel, enum wa_outcome cause)
{
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	plan_ok(&p, wheel, &opt);
	assert_int_equal(p.audit->outcome, cause);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	if (p.plan->cause != cause)
		fail_msg("%s: cause %s, expected %s", wheel, wa_outcome_name(p.plan->cause),
			 wa_outcome_name(cause));
	assert_null(p.plan->output);
	assert_null(p.plan->wheel_text);
	assert_null(p.plan->graft);
	assert_non_null(p.plan->reason);
	if (p.audit->reason)
		assert_string_equal(p.plan->reason, p.audit->reason);
	for (size_t i = 0; i < p.plan->n_members; i++)
		assert_int_equal(p.plan->members[i].action, WA_PLAN_COPY);
	planned_free(&p, st);
}

static void policy_violating_wheel_is_rejected_with_cause_policy_violation(void **state)
{
	expect_rejected(*state, WHL("isa_v3-0.1-cp311-cp311-linux_x86_64.whl"),
			WA_OUTCOME_POLICY_VIOLATION);
	expect_rejected(*state, WHL("zlib_blacklist-0.1-cp311-cp311-linux_x86_64.whl"),
			WA_OUTCOME_POLICY_VIOLATION);
}

static void mismatched_wheel_is_rejected_with_cause_mismatch(void **state)
{
	expect_rejected(*state, WHL("i386_in_x86_64-0.1-cp311-cp311-linux_x86_64.whl"),
			WA_OUTCOME_MISMATCH);
}

static void wheel_without_policy_for_its_arch_is_rejected_with_cause_no_policy(void **state)
{
	expect_rejected(*state, WHL("armel_soft-0.1-cp311-cp311-linux_armv5l.whl"),
			WA_OUTCOME_NO_POLICY);
}

static void record_that_does_not_list_a_member_is_an_error_naming_it(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct wa_wheel *w = NULL;
	struct wa_error err;

	/* Refused when the wheel is opened, before anything is planned: show
	 * and repair judge a wheel with an unlisted member alike. */
	options(&opt, st);
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_open(&w, WHL("unlisted-0.1-cp311-cp311-linux_x86_64.whl"),
				       &opt.audit.limits, &err),
			 -WA_ERECORD);
	assert_null(w);
	assert_string_equal(err.member, "unlisted/extra.py");
}

/* ---- grafting ---- */

static void needed_library_is_grafted_under_a_hashed_name_in_the_libs_dir(void **state)
{
	struct state *st = *state;
	static const char *const tags[] = {"manylinux1_x86_64", "manylinux_2_5_x86_64"};
	struct wa_repair_options opt;
	struct planned p;
	char hex[9], name[128];
	const struct wa_plan_addition *a;

	options(&opt, st);
	plan_ok(&p, GRAFT, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_tags(p.plan, tags, 2);
	assert_non_null(p.plan->graft);
	assert_string_equal(p.plan->graft->libs_dir, "plan_graft.libs");
	assert_int_equal(p.plan->graft->n_missing, 0);

	hex8_of(PLAN_LIBS "/libwa_plan_a.so.1", hex);
	snprintf(name, sizeof(name), "plan_graft.libs/libwa_plan_a-%s.so.1", hex);
	a = addition(p.plan, name);
	assert_non_null(a->file);
	assert_string_equal(a->file->path, PLAN_LIBS "/libwa_plan_a.so.1");
	assert_string_equal(a->source, PLAN_LIBS "/libwa_plan_a.so.1");
	assert_string_equal(a->edit.soname, name + strlen("plan_graft.libs/"));
	assert_int_equal(a->mode & 0777, 0755);
	{
		const struct wa_graft_lib *l = wa_graft_find(p.plan->graft, "libwa_plan_a.so.1");

		assert_non_null(l);
		assert_string_equal(l->member, name);
		assert_string_equal(l->found_by, "ldpaths");
		assert_int_equal(strncmp(l->sha256, hex, 8), 0);
		assert_int_equal(strlen(l->sha256), 64);
		/* every member that needs it, and only those */
		assert_int_equal(l->n_needed_by, 3);
	}
	planned_free(&p, st);
}

static void grafted_library_brings_its_own_dependency_renamed_in_the_copy(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	char hex_a[9], hex_b[9], a_name[128], b_name[128], b_base[64];
	const struct wa_plan_addition *a, *b;

	options(&opt, st);
	plan_ok(&p, GRAFT, &opt);
	hex8_of(PLAN_LIBS "/libwa_plan_a.so.1", hex_a);
	hex8_of(PLAN_LIBS "/libwa_plan_b.so.1", hex_b);
	snprintf(a_name, sizeof(a_name), "plan_graft.libs/libwa_plan_a-%s.so.1", hex_a);
	snprintf(b_base, sizeof(b_base), "libwa_plan_b-%s.so.1", hex_b);
	snprintf(b_name, sizeof(b_name), "plan_graft.libs/%s", b_base);
	/* the libraries come first, in the order they were found */
	assert_true(p.plan->n_additions >= 2);
	assert_string_equal(p.plan->additions[0].name, a_name);
	assert_string_equal(p.plan->additions[1].name, b_name);
	a = addition(p.plan, a_name);
	b = addition(p.plan, b_name);
	assert_one_rename(&a->edit, "libwa_plan_b.so.1", b_base);
	assert_string_equal(a->edit.rpath, "$ORIGIN");
	assert_false(a->edit.as_runpath);
	/* b needs nothing grafted and searched nowhere: only its SONAME changes */
	assert_string_equal(b->edit.soname, b_base);
	assert_int_equal(b->edit.n_renames, 0);
	assert_null(b->edit.rpath);
	{
		const struct wa_graft_lib *l = wa_graft_find(p.plan->graft, "libwa_plan_b.so.1");

		assert_non_null(l);
		assert_int_equal(l->n_needed_by, 1);
		assert_string_equal(l->needed_by[0], a_name);
	}
	planned_free(&p, st);
}

static void members_that_need_a_grafted_library_are_patched_with_renames_and_rpath(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	char hex[9], a_base[64];
	const struct wa_plan_member *mod, *inner;

	options(&opt, st);
	plan_ok(&p, GRAFT, &opt);
	hex8_of(PLAN_LIBS "/libwa_plan_a.so.1", hex);
	snprintf(a_base, sizeof(a_base), "libwa_plan_a-%s.so.1", hex);
	mod = pm(&p, G_MOD);
	inner = pm(&p, G_INNER);
	assert_int_equal(mod->action, WA_PLAN_PATCH);
	assert_string_equal(mod->name, G_MOD);
	assert_one_rename(&mod->edit, "libwa_plan_a.so.1", a_base);
	assert_string_equal(mod->edit.rpath, "$ORIGIN/../plan_graft.libs");
	assert_null(mod->edit.soname);
	assert_int_equal(inner->action, WA_PLAN_PATCH);
	assert_one_rename(&inner->edit, "libwa_plan_a.so.1", a_base);
	assert_string_equal(inner->edit.rpath, "$ORIGIN/../../plan_graft.libs");
	/* a member that needs nothing grafted, and the rest, are copied */
	assert_int_equal(pm(&p, G_PLAIN)->action, WA_PLAN_COPY);
	assert_int_equal(pm(&p, "plan_graft/__init__.py")->action, WA_PLAN_COPY);
	assert_int_equal(pm(&p, "plan_graft-0.1.dist-info/METADATA")->action, WA_PLAN_COPY);
	assert_int_equal(pm(&p, "plan_graft-0.1.dist-info/WHEEL")->action, WA_PLAN_WHEEL);
	assert_int_equal(pm(&p, "plan_graft-0.1.dist-info/RECORD")->action, WA_PLAN_RECORD);
	planned_free(&p, st);
}

static void program_under_data_scripts_is_moved_behind_a_launcher(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	char hex[9], a_base[64];
	const struct wa_plan_member *tool;
	const struct wa_plan_addition *moved;
	bool noted = false;

	options(&opt, st);
	plan_ok(&p, GRAFT, &opt);
	hex8_of(PLAN_LIBS "/libwa_plan_a.so.1", hex);
	snprintf(a_base, sizeof(a_base), "libwa_plan_a-%s.so.1", hex);
	tool = pm(&p, G_TOOL);
	assert_int_equal(tool->action, WA_PLAN_LAUNCHER);
	assert_non_null(tool->text);
	assert_int_equal(tool->text_len, strlen(tool->text));
	assert_int_equal(strncmp(tool->text, "#!python\n", 9), 0);
	assert_non_null(strstr(tool->text, "\"plan_graft.scripts\", \"pg-tool\""));
	/* the launcher's member carries no edit: the moved copy does */
	assert_int_equal(tool->edit.n_renames, 0);
	assert_null(tool->edit.rpath);
	moved = addition(p.plan, "plan_graft.scripts/pg-tool");
	assert_null(moved->file);
	assert_int_equal(moved->member, member_index(&p, G_TOOL));
	assert_string_equal(moved->source, G_TOOL);
	assert_int_equal(moved->mode & 0777, 0755);
	assert_one_rename(&moved->edit, "libwa_plan_a.so.1", a_base);
	assert_string_equal(moved->edit.rpath, "$ORIGIN/../plan_graft.libs");
	/* two libraries, the moved program, the SBOM */
	assert_int_equal(p.plan->n_additions, 4);
	assert_non_null(p.plan->sbom);
	assert_non_null(addition(p.plan, p.plan->sbom)->text);
	for (size_t i = 0; i < p.plan->n_notes; i++)
		noted |= strstr(p.plan->notes[i],
				"moved " G_TOOL " to plan_graft.scripts/pg-tool") != NULL;
	assert_true(noted);
	planned_free(&p, st);
}

static void repaired_output_never_holds_two_members_of_one_name(void **state)
{
	struct state *st = *state;
	const char *const wheels[] = {EXAMPLE, SIGNED, GRAFT};

	for (size_t i = 0; i < sizeof(wheels) / sizeof(wheels[0]); i++) {
		struct wa_repair_options opt;
		struct planned p;

		options(&opt, st);
		plan_ok(&p, wheels[i], &opt);
		assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
		assert_output_names_distinct(&p);
		planned_free(&p, st);
	}
}

/* Two programs named pg-tool, in .data/scripts/a/ and .data/scripts/b/,
 * both need grafted libraries: each keeps its path under scripts/. */
static void programs_of_one_name_in_data_scripts_move_to_distinct_paths(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	bool a = false, b = false;

	options(&opt, st);
	plan_ok(&p, CLASH, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_output_names_distinct(&p);
	for (size_t i = 0; i < p.plan->n_additions; i++) {
		a |= strcmp(p.plan->additions[i].name, "plan_clash.scripts/a/pg-tool") == 0;
		b |= strcmp(p.plan->additions[i].name, "plan_clash.scripts/b/pg-tool") == 0;
	}
	assert_true(a && b);
	planned_free(&p, st);
}

/* The wheel already has plan_taken.scripts/pg-tool, where its program
 * scripts/pg-tool would move: refused, naming the member. */
static void moved_program_never_takes_the_name_of_an_input_member(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	plan_ok(&p, TAKEN, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(p.plan->cause, WA_OUTCOME_NEEDS_GRAFT);
	assert_non_null(strstr(p.plan->reason, "plan_taken.scripts/pg-tool"));
	assert_null(p.plan->output);
	planned_free(&p, st);
}

static void grafting_audits_the_wheel_again_and_keeps_the_first_audit(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	size_t grafted = 0;

	options(&opt, st);
	plan_ok(&p, GRAFT, &opt);
	assert_ptr_not_equal(p.audit, p.audit_before);
	assert_ptr_equal(p.plan->first_audit, p.audit_before);
	assert_int_equal(p.plan->first_audit->outcome, WA_OUTCOME_NEEDS_GRAFT);
	assert_int_equal(p.audit->outcome, WA_OUTCOME_COMPLIANT);
	for (size_t i = 0; i < p.audit->n_members; i++)
		if (p.audit->members[i].grafted) {
			grafted++;
			assert_non_null(p.audit->members[i].elf);
			assert_int_equal(strncmp(p.audit->members[i].path, "plan_graft.libs/", 16),
					 0);
		}
	assert_int_equal(grafted, 2);
	/* the plan's libraries handed their inspections to the second audit */
	for (size_t i = 0; i < p.plan->graft->n_libs; i++)
		assert_null(p.plan->graft->libs[i]->elf);
	planned_free(&p, st);
}

static void grafted_library_with_newer_symbols_lowers_the_tags(void **state)
{
	struct state *st = *state;
	static const char *const tags[] = {"manylinux_2_28_x86_64"};
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.ld.ldpaths = PLAN_LIBS_NEW;
	plan_ok(&p, GRAFT, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_tags(p.plan, tags, 1);
	planned_free(&p, st);
}

static void grafted_library_that_misses_the_target_rejects_naming_the_library(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.ld.ldpaths = PLAN_LIBS_NEW;
	opt.audit.plat = "manylinux_2_17_x86_64";
	plan_ok(&p, GRAFT, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(p.plan->cause, WA_OUTCOME_POLICY_VIOLATION);
	assert_null(p.plan->output);
	assert_non_null(p.plan->reason);
	assert_non_null(
		strstr(p.plan->reason, "held back by grafted plan_graft.libs/libwa_plan_a-"));
	assert_non_null(strstr(p.plan->reason, "GLIBC_2.28"));
	planned_free(&p, st);
}

static void library_not_found_rejects_with_cause_needs_graft_and_a_missing_entry(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	const struct wa_graft_missing *m;

	options(&opt, st);
	opt.ld.ldpaths = st->empty;
	plan_ok(&p, GRAFT, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(p.plan->cause, WA_OUTCOME_NEEDS_GRAFT);
	assert_int_equal(wa_outcome_exit(p.plan->outcome, p.plan->cause), WA_EXIT_POLICY);
	assert_null(p.plan->output);
	assert_int_equal(p.plan->n_additions, 0);
	assert_non_null(p.plan->graft);
	assert_int_equal(p.plan->graft->n_missing, 1);
	m = &p.plan->graft->missing[0];
	assert_string_equal(m->name, "libwa_plan_a.so.1");
	assert_null(m->reason);
	/* the first member in archive order that needs it */
	assert_string_equal(m->needed_by, G_TOOL);
	assert_non_null(p.plan->reason);
	assert_non_null(strstr(p.plan->reason, "libwa_plan_a.so.1 (needed by " G_TOOL ")"));
	/* the first audit still decides */
	assert_ptr_equal(p.audit, p.audit_before);
	for (size_t i = 0; i < p.plan->n_members; i++)
		assert_int_equal(p.plan->members[i].action, WA_PLAN_COPY);
	planned_free(&p, st);
}

static void missing_dependency_of_a_grafted_library_names_the_copy_as_needer(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;
	char hex[9], a_name[128];

	options(&opt, st);
	opt.ld.ldpaths = st->only_a;
	plan_ok(&p, GRAFT, &opt);
	hex8_of(PLAN_LIBS "/libwa_plan_a.so.1", hex);
	snprintf(a_name, sizeof(a_name), "plan_graft.libs/libwa_plan_a-%s.so.1", hex);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REJECTED);
	assert_int_equal(p.plan->cause, WA_OUTCOME_NEEDS_GRAFT);
	assert_int_equal(p.plan->graft->n_missing, 1);
	assert_string_equal(p.plan->graft->missing[0].name, "libwa_plan_b.so.1");
	assert_string_equal(p.plan->graft->missing[0].needed_by, a_name);
	planned_free(&p, st);
}

static void excluded_library_is_neither_grafted_nor_missing(void **state)
{
	struct state *st = *state;
	static const char *const exclude[] = {"libwa_plan_a.so.1"};
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.ld.ldpaths = st->empty;
	opt.audit.exclude = exclude;
	opt.audit.n_exclude = 1;
	plan_ok(&p, GRAFT, &opt);
	assert_int_equal(p.plan->outcome, WA_OUTCOME_REPAIRED);
	assert_null(p.plan->graft);
	assert_int_equal(p.plan->n_additions, 0);
	assert_int_equal(pm(&p, G_MOD)->action, WA_PLAN_COPY);
	assert_int_equal(pm(&p, G_TOOL)->action, WA_PLAN_COPY);
	planned_free(&p, st);
}

/* ---- time stamp ---- */

static void timestamp_follows_source_date_epoch(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	opt.have_source_date_epoch = true;
	opt.source_date_epoch = 1700000000; /* 2023-11-14 22:13:20 UTC */
	plan_ok(&p, EXAMPLE, &opt);
	assert_int_equal(p.plan->dos_date, (2023 - 1980) << 9 | 11 << 5 | 14);
	assert_int_equal(p.plan->dos_time, 22 << 11 | 13 << 5 | 20 / 2);
	planned_free(&p, st);
}

static void timestamp_without_source_date_epoch_is_the_input_wheel_entrys(void **state)
{
	struct state *st = *state;
	struct wa_repair_options opt;
	struct planned p;

	options(&opt, st);
	plan_ok(&p, EXAMPLE, &opt);
	/* mkwheel stamps every entry 2000-01-01 00:00:00 */
	assert_int_equal(p.plan->dos_date, 0x2821);
	assert_int_equal(p.plan->dos_time, 0);
	planned_free(&p, st);
}

/* ---- writes nothing ---- */

static size_t entries_of(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void planner_creates_no_file_and_no_directory(void **state)
{
	struct state *st = *state;
	const char *const wheels[] = {EXAMPLE, SIGNED, GRAFT, PURE};
	size_t before = entries_of(st->tmp), fixtures = entries_of(WA_FIXTURE_DIR);

	for (size_t i = 0; i < sizeof(wheels) / sizeof(wheels[0]); i++) {
		struct wa_repair_options opt;
		struct planned p;

		options(&opt, st);
		opt.audit.allow_pure = true;
		plan_ok(&p, wheels[i], &opt);
		assert_true(p.plan->outcome == WA_OUTCOME_REPAIRED ||
			    p.plan->outcome == WA_OUTCOME_COPIED);
		assert_non_null(p.plan->output);
		assert_int_equal(access(p.plan->output, F_OK), -1);
		planned_free(&p, st);
	}
	assert_int_equal(entries_of(st->tmp), before);
	assert_int_equal(entries_of(WA_FIXTURE_DIR), fixtures);
}

static void every_action_has_a_name(void **state)
{
	(void)state;
	assert_string_equal(wa_plan_action_name(WA_PLAN_COPY), "copy");
	assert_string_equal(wa_plan_action_name(WA_PLAN_DROP), "drop");
	assert_string_equal(wa_plan_action_name(WA_PLAN_WHEEL), "wheel");
	assert_string_equal(wa_plan_action_name(WA_PLAN_RECORD), "record");
	assert_string_equal(wa_plan_action_name(WA_PLAN_PATCH), "patch");
	assert_string_equal(wa_plan_action_name(WA_PLAN_LAUNCHER), "launcher");
}

static void repair_options_default_to_wheelhouse(void **state)
{
	struct wa_repair_options opt;

	(void)state;
	memset(&opt, 0xff, sizeof(opt));
	wa_repair_options_init(&opt);
	assert_string_equal(opt.wheel_dir, "wheelhouse");
	assert_false(opt.only_plat);
	assert_false(opt.dry_run);
	assert_false(opt.have_source_date_epoch);
	assert_null(opt.audit.plat);
	assert_null(opt.ld.ldpaths);
	assert_int_equal(opt.n_protect, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			compliant_wheel_is_repaired_into_wheel_dir_under_its_retagged_name),
		cmocka_unit_test(wheel_dir_with_a_trailing_slash_gives_no_double_slash),
		cmocka_unit_test(plan_rewrites_wheel_and_record_and_copies_every_other_member),
		cmocka_unit_test(new_wheel_file_has_the_tag_lines_and_our_generator_line),
		cmocka_unit_test(
			new_wheel_file_keeps_crlf_other_headers_and_the_body_and_replaces_our_old_generator),
		cmocka_unit_test(record_signature_is_dropped_with_a_note),
		cmocka_unit_test(plat_target_joins_the_better_tags_the_wheel_already_meets),
		cmocka_unit_test(only_plat_gives_only_the_target_and_its_aliases),
		cmocka_unit_test(plat_auto_is_the_best_policy),
		cmocka_unit_test(plat_the_wheel_does_not_meet_is_rejected_as_a_policy_violation),
		cmocka_unit_test(pure_wheel_without_allow_pure_is_rejected_with_cause_pure),
		cmocka_unit_test(pure_wheel_with_allow_pure_is_copied_unchanged_under_its_own_name),
		cmocka_unit_test(policy_violating_wheel_is_rejected_with_cause_policy_violation),
		cmocka_unit_test(mismatched_wheel_is_rejected_with_cause_mismatch),
		cmocka_unit_test(
			wheel_without_policy_for_its_arch_is_rejected_with_cause_no_policy),
		cmocka_unit_test(record_that_does_not_list_a_member_is_an_error_naming_it),
		cmocka_unit_test(needed_library_is_grafted_under_a_hashed_name_in_the_libs_dir),
		cmocka_unit_test(grafted_library_brings_its_own_dependency_renamed_in_the_copy),
		cmocka_unit_test(
			members_that_need_a_grafted_library_are_patched_with_renames_and_rpath),
		cmocka_unit_test(program_under_data_scripts_is_moved_behind_a_launcher),
		cmocka_unit_test(repaired_output_never_holds_two_members_of_one_name),
		cmocka_unit_test(programs_of_one_name_in_data_scripts_move_to_distinct_paths),
		cmocka_unit_test(moved_program_never_takes_the_name_of_an_input_member),
		cmocka_unit_test(grafting_audits_the_wheel_again_and_keeps_the_first_audit),
		cmocka_unit_test(grafted_library_with_newer_symbols_lowers_the_tags),
		cmocka_unit_test(grafted_library_that_misses_the_target_rejects_naming_the_library),
		cmocka_unit_test(
			library_not_found_rejects_with_cause_needs_graft_and_a_missing_entry),
		cmocka_unit_test(missing_dependency_of_a_grafted_library_names_the_copy_as_needer),
		cmocka_unit_test(excluded_library_is_neither_grafted_nor_missing),
		cmocka_unit_test(timestamp_follows_source_date_epoch),
		cmocka_unit_test(timestamp_without_source_date_epoch_is_the_input_wheel_entrys),
		cmocka_unit_test(planner_creates_no_file_and_no_directory),
		cmocka_unit_test(every_action_has_a_name),
		cmocka_unit_test(repair_options_default_to_wheelhouse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
