/* SPDX-License-Identifier: MIT */
/*
 * The repair writer (src/writer.c) on a planned graft of the fixture wheel
 * plan_graft (two host libraries, two patched modules, WHEEL, RECORD and
 * the SBOM written anew): the same bytes whatever the thread count, -z 0
 * as stored entries, and a failure half-way - the first in output order is
 * the error, nothing is left behind, whatever the thread count.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
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

#include "wheelaudit/plan.h"
#include "wheelaudit/writer.h"
#include "wheelaudit/zip.h"

#define GRAFT WA_FIXTURE_DIR "/plan_graft-0.1-cp311-cp311-linux_x86_64.whl"
#define PLAN_LIBS WA_FIXTURE_DIR "/elf/plan_libs"

struct state {
	struct wa_policy_set *policies;
	char tmp[256];
	char wheel_dir[300];
};

struct planned {
	struct wa_wheel *w;
	struct wa_audit *audit;
	struct wa_repair_plan *plan;
};

static int setup(void **state)
{
	struct state *st = calloc(1, sizeof(*st));
	const char *tmp = getenv("TMPDIR");
	struct wa_error err;

	wa_error_clear(&err);
	if (!st)
		return -1;
	snprintf(st->tmp, sizeof(st->tmp), "%s/wa-writer-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(st->tmp) || wa_policy_set_load_builtin(&st->policies, &err)) {
		fprintf(stderr, "setup: %s\n", err.message);
		free(st);
		return -1;
	}
	snprintf(st->wheel_dir, sizeof(st->wheel_dir), "%s/wheelhouse", st->tmp);
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

static void plan_graft(struct planned *p, const struct state *st, int zip_level)
{
	struct wa_repair_options opt;
	struct wa_error err;

	memset(p, 0, sizeof(*p));
	wa_error_clear(&err);
	wa_repair_options_init(&opt);
	opt.audit.policies = st->policies;
	opt.audit.threads = 1;
	opt.wheel_dir = st->wheel_dir;
	opt.ld.ldpaths = PLAN_LIBS;
	opt.zip_level = zip_level;
	if (access(GRAFT, R_OK) != 0)
		fail_msg("fixture %s is missing (build target wa_fixtures)", GRAFT);
	if (wa_wheel_open(&p->w, GRAFT, &opt.audit.limits, &err) ||
	    wa_audit_run(&p->audit, p->w, &opt.audit, &err) ||
	    wa_plan_build(&p->plan, p->w, &p->audit, &opt, &err))
		fail_msg("%s: %s", err.member ? err.member : GRAFT, err.message);
	assert_int_equal(p->plan->outcome, WA_OUTCOME_REPAIRED);
	assert_true(p->plan->n_additions >= 3); /* two libraries and the SBOM */
}

static void planned_free(struct planned *p)
{
	wa_plan_free(p->plan);
	wa_audit_free(p->audit);
	wa_wheel_free(p->w);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data;
	long n;

	if (!f)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	data = malloc((size_t)n + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return data;
}

/* Writes p's plan to dir/name with the given threads; returns the rc. */
static int write_to(struct planned *p, const char *path, unsigned threads,
		    struct wa_write_stats *stats, struct wa_error *err)
{
	const char *output = p->plan->output;
	int rc;

	p->plan->output = path;
	rc = wa_plan_write(p->plan, p->w, threads, stats, err);
	p->plan->output = output;
	return rc;
}

/* The entries of dir (not "." or ".."). */
static size_t entries_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static void every_thread_count_writes_the_same_bytes(void **state)
{
	struct state *st = *state;
	struct planned p;
	const unsigned counts[] = {1, 2, 3, 4, 16};
	char *first = NULL;
	size_t first_len = 0;

	plan_graft(&p, st, -1);
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		char path[400];
		struct wa_write_stats stats;
		struct wa_error err;
		size_t len;
		char *data;

		wa_error_clear(&err);
		snprintf(path, sizeof(path), "%s/t%u/out.whl", st->tmp, counts[i]);
		if (write_to(&p, path, counts[i], &stats, &err))
			fail_msg("--threads %u: %s", counts[i], err.message);
		assert_true(stats.rewritten >= 7); /* 2 libraries, SBOM, 2 modules, WHEEL, RECORD */
		data = slurp(path, &len);
		if (!first) {
			first = data;
			first_len = len;
			continue;
		}
		if (len != first_len || memcmp(data, first, len) != 0)
			fail_msg("--threads %u wrote other bytes than --threads 1", counts[i]);
		free(data);
	}
	free(first);
	planned_free(&p);
}

static void level_zero_stores_what_it_writes(void **state)
{
	struct state *st = *state;
	struct planned p;
	struct wa_write_stats stats;
	struct wa_error err;
	struct wa_zip *z;
	char path[400];
	size_t stored = 0, copied_stored = 0;

	wa_error_clear(&err);
	plan_graft(&p, st, 0);
	snprintf(path, sizeof(path), "%s/z0/out.whl", st->tmp);
	if (write_to(&p, path, 2, &stats, &err))
		fail_msg("%s", err.message);
	if (wa_zip_open(&z, path, 1000, &err))
		fail_msg("%s: %s", path, err.message);
	for (size_t i = 0; i < wa_zip_count(z); i++) {
		struct wa_zip_raw raw;

		assert_int_equal(wa_zip_raw_entry(z, i, &raw, &err), 0);
		stored += raw.method == 0;
	}
	wa_zip_free(z);
	/* every member written anew is stored; copies keep their method */
	for (size_t i = 0; i < p.plan->n_members; i++) {
		struct wa_zip_raw raw;

		if (p.plan->members[i].action != WA_PLAN_COPY)
			continue;
		assert_int_equal(wa_zip_raw_entry(wa_wheel_zip(p.w), i, &raw, &err), 0);
		copied_stored += raw.method == 0;
	}
	assert_true(stats.rewritten >= 7);
	assert_int_equal(stored, stats.rewritten + copied_stored);
	planned_free(&p);
}

/*
 * Two grafted libraries "change" after planning: the first one in output
 * order is the error, for every thread count, and neither the output nor a
 * temporary file is left in its directory.
 */
static void the_first_failure_in_output_order_wins_and_nothing_is_left(void **state)
{
	struct state *st = *state;
	struct planned p;
	struct wa_host_file *files[2];
	size_t n = 0;
	const unsigned counts[] = {1, 2, 4};

	plan_graft(&p, st, -1);
	for (size_t i = 0; i < p.plan->n_additions && n < 2; i++)
		if (p.plan->additions[i].file)
			files[n++] = (struct wa_host_file *)p.plan->additions[i].file;
	assert_int_equal(n, 2);
	files[0]->size += 1;
	files[1]->size += 1;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		char dir[400], path[420];
		struct wa_write_stats stats;
		struct wa_error err;
		int rc;

		wa_error_clear(&err);
		snprintf(dir, sizeof(dir), "%s/fail%u", st->tmp, counts[i]);
		snprintf(path, sizeof(path), "%s/out.whl", dir);
		rc = write_to(&p, path, counts[i], &stats, &err);
		assert_int_equal(rc, -WA_EIO);
		if (!strstr(err.message, files[0]->path) || !strstr(err.message, "changed"))
			fail_msg("--threads %u: %s (expected %s first)", counts[i], err.message,
				 files[0]->path);
		assert_int_equal(entries_in(dir), 0);
	}
	files[0]->size -= 1;
	files[1]->size -= 1;
	planned_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_thread_count_writes_the_same_bytes),
		cmocka_unit_test(level_zero_stores_what_it_writes),
		cmocka_unit_test(the_first_failure_in_output_order_wins_and_nothing_is_left),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
