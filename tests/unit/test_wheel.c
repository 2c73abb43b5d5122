/* SPDX-License-Identifier: MIT */
/*
 * Wheel structure on generated fixture wheels: opening, RECORD checks,
 * the scan over every member, unsafe and broken variants, limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "wheelaudit/elf.h"
#include "wheelaudit/wheel.h"

#define WHL(name) WA_FIXTURE_DIR "/" name
#define EXAMPLE "wheelaudit_example-0.1-cp311-cp311-linux_x86_64.whl"
#define EXAMPLE_SO "wheelaudit_example/_example.cpython-311-x86_64-linux-gnu.so"
#define BAD_SO "bad/_example.cpython-311-x86_64-linux-gnu.so"

static struct wa_wheel *open_ok(const char *path)
{
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;

	wa_limits_default(&l);
	wa_error_clear(&err);
	if (access(path, R_OK) != 0)
		fail_msg("fixture %s is missing (build target wa_fixtures)", path);
	int rc = wa_wheel_open(&w, path, &l, &err);
	if (rc)
		fail_msg("%s: open failed: %d %s: %s", path, rc, err.member, err.message);
	assert_non_null(w);
	return w;
}

static const struct wa_member *member_named(const struct wa_wheel *w, const char *name)
{
	for (size_t i = 0; i < wa_wheel_member_count(w); i++)
		if (!strcmp(wa_wheel_member(w, i)->name, name))
			return wa_wheel_member(w, i);
	return NULL;
}

struct counter {
	atomic_int elf;
	atomic_int bad;
};

static int count_elf(void *ctx, size_t member, const char *name, const void *bytes, size_t size,
		     struct wa_error *err)
{
	struct counter *c = ctx;

	(void)member;
	(void)err;
	(void)name;
	if (!wa_elf_is_elf(bytes, size))
		atomic_fetch_add(&c->bad, 1);
	atomic_fetch_add(&c->elf, 1);
	return 0;
}

static int inspect_elf(void *ctx, size_t member, const char *name, const void *bytes, size_t size,
		       struct wa_error *err)
{
	struct wa_elf_info *info = NULL;

	(void)ctx;
	(void)member;
	int rc = wa_elf_inspect(&info, bytes, size, name, err);
	wa_elf_info_free(info);
	return rc;
}

static int refuse_elf(void *ctx, size_t member, const char *name, const void *bytes, size_t size,
		      struct wa_error *err)
{
	(void)ctx;
	(void)member;
	(void)bytes;
	(void)size;
	return wa_error_set(err, WA_EBADELF, name, "refused by the test");
}

/* ---- good wheels ---- */

static void wheel_opens_example_and_reads_wheel_metadata(void **state)
{
	struct wa_wheel *w = open_ok(WHL(EXAMPLE));

	(void)state;
	assert_string_equal(wa_wheel_dist_info(w), "wheelaudit_example-0.1.dist-info");
	assert_string_equal(wa_wheel_version(w), "1.0");
	assert_false(wa_wheel_root_is_purelib(w));
	assert_int_equal(wa_wheel_tag_count(w), 1);
	assert_string_equal(wa_wheel_tag(w, 0), "cp311-cp311-linux_x86_64");
	assert_string_equal(wa_wheel_filename(w)->distribution, "wheelaudit_example");
	assert_string_equal(wa_wheel_filename(w)->platform, "linux_x86_64");
	assert_non_null(strstr(wa_wheel_path(w), EXAMPLE));
	assert_int_equal(wa_wheel_member_count(w), 5);
	wa_wheel_free(w);
}

static void wheel_members_carry_mode_record_and_library_flags(void **state)
{
	struct wa_wheel *w = open_ok(WHL(EXAMPLE));

	(void)state;
	const struct wa_member *so = member_named(w, EXAMPLE_SO);
	const struct wa_member *py = member_named(w, "wheelaudit_example/__init__.py");
	assert_non_null(so);
	assert_non_null(py);
	assert_int_equal(so->mode & 0777, 0755);
	assert_int_equal(py->mode & 0777, 0644);
	assert_true(so->in_record);
	assert_true(py->in_record);
	assert_true(so->looks_like_library);
	assert_false(py->looks_like_library);
	assert_false(so->is_dir);
	wa_wheel_free(w);
}

static void wheel_scan_hands_only_elf_members_to_the_callback(void **state)
{
	struct wa_wheel *w = open_ok(WHL(EXAMPLE));
	struct counter c = {0};
	struct wa_error err;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_scan(w, 1, count_elf, &c, &err), 0);
	assert_int_equal(atomic_load(&c.elf), 1);
	assert_int_equal(atomic_load(&c.bad), 0);
	assert_true(member_named(w, EXAMPLE_SO)->is_elf);
	assert_true(member_named(w, EXAMPLE_SO)->record_hashed);
	assert_false(member_named(w, "wheelaudit_example/__init__.py")->is_elf);
	assert_true(member_named(w, "wheelaudit_example/__init__.py")->record_hashed);
	wa_wheel_free(w);
}

static void wheel_scan_with_threads_finds_the_same_members(void **state)
{
	struct wa_wheel *w = open_ok(WHL("i386_in_x86_64-0.1-cp311-cp311-linux_x86_64.whl"));
	struct counter c = {0};
	struct wa_error err;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_scan(w, 4, count_elf, &c, &err), 0);
	assert_int_equal(atomic_load(&c.elf), 2);
	wa_wheel_free(w);
}

static void wheel_scan_finds_executables_in_data_scripts(void **state)
{
	struct wa_wheel *w = open_ok(WHL("data_scripts-0.1-cp311-cp311-linux_x86_64.whl"));
	struct counter c = {0};
	struct wa_error err;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_scan(w, 2, count_elf, &c, &err), 0);
	assert_int_equal(atomic_load(&c.elf), 2);
	const struct wa_member *exe = member_named(w, "data_scripts-0.1.data/scripts/ds-tool");
	assert_non_null(exe);
	assert_true(exe->is_elf);
	assert_false(exe->looks_like_library);
	wa_wheel_free(w);
}

static void wheel_pure_wheel_is_purelib(void **state)
{
	struct wa_wheel *w = open_ok(WHL("pure_pkg-0.1-py3-none-any.whl"));
	struct counter c = {0};
	struct wa_error err;

	(void)state;
	assert_true(wa_wheel_root_is_purelib(w));
	assert_string_equal(wa_wheel_tag(w, 0), "py3-none-any");
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_scan(w, 1, count_elf, &c, &err), 0);
	assert_int_equal(atomic_load(&c.elf), 0);
	wa_wheel_free(w);
}

/* Every file of a wheel is in RECORD: one that is not makes it invalid. */
static void wheel_unlisted_member_is_refused_by_name(void **state)
{
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;

	(void)state;
	wa_limits_default(&l);
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_open(&w, WHL("unlisted-0.1-cp311-cp311-linux_x86_64.whl"), &l,
				       &err),
			 -WA_ERECORD);
	assert_null(w);
	assert_string_equal(err.member, "unlisted/extra.py");
	assert_non_null(strstr(err.message, "not listed in RECORD"));
}

static void wheel_callback_error_names_the_member(void **state)
{
	struct wa_wheel *w = open_ok(WHL(EXAMPLE));
	struct wa_error err;

	(void)state;
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_scan(w, 1, refuse_elf, NULL, &err), -WA_EBADELF);
	assert_int_equal(err.code, WA_EBADELF);
	assert_string_equal(err.member, EXAMPLE_SO);
	wa_wheel_free(w);
}

/* ---- broken and unsafe wheels ---- */

/* Opens, then scans with ELF inspection; the first failure must match. */
static void assert_bad(const char *file, int code, const char *member)
{
	char path[1024];
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;

	snprintf(path, sizeof path, "%s/%s", WA_FIXTURE_DIR, file);
	if (access(path, R_OK) != 0)
		fail_msg("fixture %s is missing (build target wa_fixtures)", path);
	wa_limits_default(&l);
	wa_error_clear(&err);
	int rc = wa_wheel_open(&w, path, &l, &err);
	if (rc == 0) {
		assert_non_null(w);
		rc = wa_wheel_scan(w, 2, inspect_elf, NULL, &err);
		wa_wheel_free(w);
	} else {
		assert_null(w);
	}
	if (rc != -code)
		fail_msg("%s: expected %s, got %d (%s: %s)", file, wa_error_name(code), rc,
			 err.member, err.message);
	assert_int_equal(err.code, code);
	assert_string_equal(err.member, member);
	assert_true(err.message[0] != '\0');
}

static void wheel_rejects_dotdot_member(void **state)
{
	(void)state;
	assert_bad("bad_dotdot-0.1-cp311-cp311-linux_x86_64.whl", WA_EUNSAFE, "../evil.py");
}

static void wheel_rejects_absolute_member(void **state)
{
	(void)state;
	assert_bad("bad_absolute-0.1-cp311-cp311-linux_x86_64.whl", WA_EUNSAFE, "/abs/evil.py");
}

static void wheel_rejects_backslash_member(void **state)
{
	(void)state;
	assert_bad("bad_backslash-0.1-cp311-cp311-linux_x86_64.whl", WA_EUNSAFE, "bad\\evil.py");
}

static void wheel_rejects_symlink_member(void **state)
{
	(void)state;
	assert_bad("bad_symlink-0.1-cp311-cp311-linux_x86_64.whl", WA_EUNSAFE, "bad/link.so");
}

static void wheel_rejects_duplicate_member(void **state)
{
	(void)state;
	assert_bad("bad_duplicate-0.1-cp311-cp311-linux_x86_64.whl", WA_EUNSAFE, BAD_SO);
}

static void wheel_rejects_bad_record_hash(void **state)
{
	(void)state;
	assert_bad("bad_hash-0.1-cp311-cp311-linux_x86_64.whl", WA_ERECORD, BAD_SO);
}

static void wheel_rejects_bad_record_size(void **state)
{
	(void)state;
	assert_bad("bad_size-0.1-cp311-cp311-linux_x86_64.whl", WA_ERECORD, BAD_SO);
}

static void wheel_rejects_record_entry_without_member(void **state)
{
	(void)state;
	assert_bad("bad_extra_record-0.1-cp311-cp311-linux_x86_64.whl", WA_ERECORD,
		   "bad/missing.py");
}

static void wheel_without_wheel_file_is_notwheel(void **state)
{
	(void)state;
	assert_bad("bad_no_wheel-0.1-cp311-cp311-linux_x86_64.whl", WA_ENOTWHEEL,
		   "bad_no_wheel-0.1.dist-info/WHEEL");
}

static void wheel_without_record_is_notwheel(void **state)
{
	(void)state;
	assert_bad("bad_no_record-0.1-cp311-cp311-linux_x86_64.whl", WA_ENOTWHEEL,
		   "bad_no_record-0.1.dist-info/RECORD");
}

static void wheel_truncated_archive_is_notzip(void **state)
{
	(void)state;
	assert_bad("bad_truncated-0.1-cp311-cp311-linux_x86_64.whl", WA_ENOTZIP, "");
}

static void wheel_truncated_elf_member_is_badelf(void **state)
{
	(void)state;
	assert_bad("bad_elf_truncated-0.1-cp311-cp311-linux_x86_64.whl", WA_EBADELF, BAD_SO);
}

static void wheel_missing_file_is_an_error(void **state)
{
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;

	(void)state;
	wa_limits_default(&l);
	wa_error_clear(&err);
	int rc = wa_wheel_open(&w, WA_FIXTURE_DIR "/no-such-0.1-py3-none-any.whl", &l, &err);
	assert_true(rc == -WA_EIO || rc == -WA_ENOTZIP);
	assert_null(w);
}

/* ---- limits ---- */

static void wheel_member_larger_than_the_limit_is_elimit(void **state)
{
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;
	struct counter c = {0};

	(void)state;
	wa_limits_default(&l);
	l.max_member_bytes = 1000; /* the dist-info files fit, the module does not */
	wa_error_clear(&err);
	int rc = wa_wheel_open(&w, WHL(EXAMPLE), &l, &err);
	if (rc == 0) {
		rc = wa_wheel_scan(w, 1, count_elf, &c, &err);
		wa_wheel_free(w);
	}
	assert_int_equal(rc, -WA_ELIMIT);
	assert_int_equal(err.code, WA_ELIMIT);
	assert_string_equal(err.member, EXAMPLE_SO);
}

static void wheel_with_more_members_than_the_limit_is_elimit(void **state)
{
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;

	(void)state;
	wa_limits_default(&l);
	l.max_members = 2;
	wa_error_clear(&err);
	assert_int_equal(wa_wheel_open(&w, WHL(EXAMPLE), &l, &err), -WA_ELIMIT);
	assert_int_equal(err.code, WA_ELIMIT);
	assert_null(w);
}

static void wheel_total_size_limit_is_elimit(void **state)
{
	struct wa_wheel *w = NULL;
	struct wa_limits l;
	struct wa_error err;
	struct counter c = {0};

	(void)state;
	wa_limits_default(&l);
	l.max_total_bytes = 2000;
	wa_error_clear(&err);
	int rc = wa_wheel_open(&w, WHL(EXAMPLE), &l, &err);
	if (rc == 0) {
		rc = wa_wheel_scan(w, 1, count_elf, &c, &err);
		wa_wheel_free(w);
	}
	assert_int_equal(rc, -WA_ELIMIT);
	assert_int_equal(err.code, WA_ELIMIT);
}

static void wheel_default_limits_are_documented_values(void **state)
{
	struct wa_limits l;

	(void)state;
	wa_limits_default(&l);
	assert_true(l.max_member_bytes == 2ULL << 30);
	assert_true(l.max_total_bytes == 16ULL << 30);
	assert_int_equal(l.max_members, 200000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wheel_opens_example_and_reads_wheel_metadata),
		cmocka_unit_test(wheel_members_carry_mode_record_and_library_flags),
		cmocka_unit_test(wheel_scan_hands_only_elf_members_to_the_callback),
		cmocka_unit_test(wheel_scan_with_threads_finds_the_same_members),
		cmocka_unit_test(wheel_scan_finds_executables_in_data_scripts),
		cmocka_unit_test(wheel_pure_wheel_is_purelib),
		cmocka_unit_test(wheel_unlisted_member_is_refused_by_name),
		cmocka_unit_test(wheel_callback_error_names_the_member),
		cmocka_unit_test(wheel_rejects_dotdot_member),
		cmocka_unit_test(wheel_rejects_absolute_member),
		cmocka_unit_test(wheel_rejects_backslash_member),
		cmocka_unit_test(wheel_rejects_symlink_member),
		cmocka_unit_test(wheel_rejects_duplicate_member),
		cmocka_unit_test(wheel_rejects_bad_record_hash),
		cmocka_unit_test(wheel_rejects_bad_record_size),
		cmocka_unit_test(wheel_rejects_record_entry_without_member),
		cmocka_unit_test(wheel_without_wheel_file_is_notwheel),
		cmocka_unit_test(wheel_without_record_is_notwheel),
		cmocka_unit_test(wheel_truncated_archive_is_notzip),
		cmocka_unit_test(wheel_truncated_elf_member_is_badelf),
		cmocka_unit_test(wheel_missing_file_is_an_error),
		cmocka_unit_test(wheel_member_larger_than_the_limit_is_elimit),
		cmocka_unit_test(wheel_with_more_members_than_the_limit_is_elimit),
		cmocka_unit_test(wheel_total_size_limit_is_elimit),
		cmocka_unit_test(wheel_default_limits_are_documented_values),
	};

	return cmocka_run_group_tests_name("wheel", tests, NULL, NULL);
}
