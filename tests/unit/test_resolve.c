/* SPDX-License-Identifier: MIT */
/*
 * The loader model (src/resolve.c).  Each test synthesizes its ELF files
 * with mkelf (tests/fixtures/mkelf.c) in a temporary directory: wheel
 * members are those files' inspections under member paths of the test's
 * choosing, host libraries are files in directories a wa_ld_config names
 * as --ldpaths.  Decoys (a member of the same name earlier in archive
 * order, or elsewhere) make each search rule decide the answer.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp, symlink, realpath */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "wheelaudit/resolve.h"

#define MAX_FILES 32

struct rs {
	char dir[256];
	struct wa_elf_info *infos[MAX_FILES];
	size_t n_infos;
	struct wa_resolver_member members[MAX_FILES];
	size_t n_members;
	struct wa_ld_config *cfg;
	struct wa_resolver *r;
	int seq;
};

/* ---- helpers ---- */

static int setup(void **state)
{
	struct rs *s = calloc(1, sizeof(*s));
	const char *tmp = getenv("TMPDIR");

	if (!s)
		return -1;
	snprintf(s->dir, sizeof(s->dir), "%s/wa-resolve-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(s->dir)) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct rs *s = *state;
	char cmd[300];

	wa_resolver_free(s->r);
	wa_ld_config_free(s->cfg);
	for (size_t i = 0; i < s->n_infos; i++)
		wa_elf_info_free(s->infos[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

static char *at(const struct rs *s, const char *rel)
{
	static char buf[8][512];
	static int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s/%s", s->dir, rel);
	return b;
}

/* mkdir -p of the directory part of dir/rel. */
static void parent_dirs(const struct rs *s, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", s->dir, rel);
	for (char *p = path + strlen(s->dir) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0755) != 0 && errno != EEXIST)
				fail_msg("mkdir %s: %s", path, strerror(errno));
			*p = '/';
		}
}

/* Runs mkelf -o dir/rel with the NULL-terminated arguments. */
static void run_mkelf(struct rs *s, const char *rel, va_list ap)
{
	const char *argv[48] = {WA_MKELF, "-o", at(s, rel)};
	size_t n = 3;
	const char *a;
	int status;
	pid_t pid;

	while ((a = va_arg(ap, const char *)) != NULL) {
		assert_true(n < sizeof(argv) / sizeof(argv[0]) - 1);
		argv[n++] = a;
	}
	argv[n] = NULL;
	parent_dirs(s, rel);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execv(WA_MKELF, (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("mkelf -o %s failed", rel);
}

/* A host file made by mkelf at dir/rel (arguments end with NULL). */
static void host_elf(struct rs *s, const char *rel, ...)
{
	va_list ap;

	va_start(ap, rel);
	run_mkelf(s, rel, ap);
	va_end(ap);
}

static struct wa_elf_info *inspect(struct rs *s, const char *path)
{
	struct wa_elf_info *info = NULL;
	struct wa_error err;
	FILE *f = fopen(path, "rb");
	static unsigned char buf[1 << 16];
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	wa_error_clear(&err);
	if (wa_elf_inspect(&info, buf, n, path, &err))
		fail_msg("%s: %s", path, err.message);
	assert_true(s->n_infos < MAX_FILES);
	s->infos[s->n_infos++] = info;
	return info;
}

/* A wheel member at path whose ELF data mkelf makes from the arguments (end with NULL). */
static size_t member(struct rs *s, const char *path, const char *provides, ...)
{
	char rel[64];
	va_list ap;
	size_t i = s->n_members;

	snprintf(rel, sizeof(rel), "members/%d.so", s->seq++);
	va_start(ap, provides);
	run_mkelf(s, rel, ap);
	va_end(ap);
	assert_true(i < MAX_FILES);
	s->members[i] = (struct wa_resolver_member){path, inspect(s, at(s, rel)), provides};
	s->n_members++;
	return i;
}

/* A member that is not ELF. */
static size_t text_member(struct rs *s, const char *path)
{
	size_t i = s->n_members++;

	s->members[i] = (struct wa_resolver_member){path, NULL, NULL};
	return i;
}

/* The resolver over the members, searching the host in ldpaths (NULL: not at all). */
static struct wa_resolver *resolver(struct rs *s, const char *ldpaths)
{
	struct wa_error err;

	wa_error_clear(&err);
	if (ldpaths) {
		struct wa_ld_options opt = {.ldpaths = ldpaths};

		assert_int_equal(wa_ld_config_load(&s->cfg, &opt, &err), 0);
	}
	assert_int_equal(wa_resolver_new(&s->r, s->cfg, s->members, s->n_members, NULL, &err), 0);
	assert_non_null(s->r);
	return s->r;
}

static long in_wheel(struct rs *s, size_t from, const char *needed)
{
	struct wa_error err;
	long m;

	wa_error_clear(&err);
	m = wa_resolver_in_wheel(s->r, from, needed, &err);
	assert_int_equal(err.code, 0);
	return m;
}

static struct wa_load *load_member(struct rs *s, size_t root, const struct wa_load_filter *f)
{
	struct wa_load *load = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	if (wa_resolver_load_member(&load, s->r, root, f, &err))
		fail_msg("load of %s: %s", s->members[root].path, err.message);
	assert_non_null(load);
	assert_true(load->n_nodes >= 1);
	return load;
}

/* The node reached from node through its needed entry name (NULL: not found). */
static const struct wa_load_node *edge(const struct wa_load_node *node, const char *name)
{
	for (size_t i = 0; i < node->n_edges; i++)
		if (strcmp(node->edges[i].name, name) == 0)
			return node->edges[i].target;
	fail_msg("%s has no needed entry %s", node->path, name);
	return NULL;
}

static const char *path_of(const struct wa_load_node *n)
{
	return n ? n->path : "(not found)";
}

static void expect_edge(const struct wa_load_node *from, const char *name, const char *path)
{
	const struct wa_load_node *to = edge(from, name);

	if (!path) {
		if (to)
			fail_msg("%s: %s found at %s, expected nothing", from->path, name,
				 to->path);
		return;
	}
	if (!to || strcmp(to->path, path) != 0)
		fail_msg("%s: %s found at %s, expected %s", from->path, name, path_of(to), path);
}

/* ---- inside the wheel: wa_resolver_in_wheel ---- */

static void origin_rpath_directory_inside_the_wheel_comes_before_a_name_match(void **state)
{
	struct rs *s = *state;
	size_t decoy = member(s, "aaa/libx.so.1", NULL, "--soname", "libx.so.1", NULL);
	size_t lib = member(s, "pkg.libs/libx.so.1", NULL, "--soname", "libx.so.1", NULL);
	size_t mod = member(s, "pkg/_mod.so", NULL, "--needed", "libx.so.1", "--rpath",
			    "$ORIGIN/../pkg.libs", NULL);
	size_t plain = member(s, "pkg/_plain.so", NULL, "--needed", "libx.so.1", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "libx.so.1"), lib);
	/* without the search path the first member by name answers */
	assert_int_equal(in_wheel(s, plain, "libx.so.1"), decoy);
}

static void origin_runpath_directory_inside_the_wheel_comes_before_a_name_match(void **state)
{
	struct rs *s = *state;

	member(s, "aaa/libx.so.1", NULL, NULL);
	size_t lib = member(s, "pkg/deps/libx.so.1", NULL, NULL);
	size_t mod = member(s, "pkg/_mod.so", NULL, "--needed", "libx.so.1", "--runpath",
			    "/nowhere:${ORIGIN}/deps", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "libx.so.1"), lib);
}

static void search_path_that_climbs_out_of_the_wheel_is_ignored(void **state)
{
	struct rs *s = *state;
	size_t decoy = member(s, "aaa/libx.so.1", NULL, NULL);

	member(s, "pkg.libs/libx.so.1", NULL, NULL);
	/* "pkg/../../pkg.libs" leaves the wheel: clamping it to "pkg.libs" would be wrong */
	size_t up = member(s, "pkg/_mod.so", NULL, "--needed", "libx.so.1", "--rpath",
			   "$ORIGIN/../../pkg.libs", NULL);
	/* an absolute entry names the host, never a member */
	size_t abs = member(s, "pkg/_abs.so", NULL, "--needed", "libx.so.1", "--rpath", "/pkg.libs",
			    NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, up, "libx.so.1"), decoy);
	assert_int_equal(in_wheel(s, abs, "libx.so.1"), decoy);
}

static void name_match_in_the_requesters_directory_comes_first(void **state)
{
	struct rs *s = *state;
	size_t first = member(s, "a/libx.so.1", NULL, NULL);
	size_t beside = member(s, "pkg/libx.so.1", NULL, NULL);
	size_t mod = member(s, "pkg/_mod.so", NULL, "--needed", "libx.so.1", NULL);
	size_t other = member(s, "other/_mod.so", NULL, "--needed", "libx.so.1", NULL);
	size_t top = member(s, "_top.so", NULL, "--needed", "libx.so.1", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "libx.so.1"), beside);
	assert_int_equal(in_wheel(s, other, "libx.so.1"), first);
	assert_int_equal(in_wheel(s, top, "libx.so.1"), first);
}

static void member_answers_to_its_soname(void **state)
{
	struct rs *s = *state;
	size_t lib = member(s, "pkg/libreal-1a2b.so", NULL, "--soname", "libx.so.1", NULL);
	size_t mod = member(s, "other/_mod.so", NULL, "--needed", "libx.so.1", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "libx.so.1"), lib);
	assert_int_equal(in_wheel(s, mod, "libreal-1a2b.so"), lib);
	assert_int_equal(in_wheel(s, mod, "libreal.so"), -1);
}

static void member_answers_to_the_name_it_provides(void **state)
{
	struct rs *s = *state;
	size_t lib = member(s, "pkg.libs/libz-0badf00d.so.1", "libz.so.1", NULL);
	size_t mod = member(s, "pkg/_mod.so", NULL, "--needed", "libz.so.1", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "libz.so.1"), lib);
	assert_int_equal(in_wheel(s, mod, "libz-0badf00d.so.1"), lib);
}

static void member_of_another_architecture_never_answers(void **state)
{
	struct rs *s = *state;

	member(s, "pkg/libx.so.1", NULL, "--machine", "183", "--soname", "libx.so.1", NULL);
	member(s, "pkg.libs/libx.so.1", NULL, "--class", "32", "--machine", "3", NULL);
	member(s, "pkg/liby.so", "liby.so.1", "--data", "msb", NULL);
	text_member(s, "pkg/libz.so");
	size_t mod = member(s, "pkg/_mod.so", NULL, "--needed", "libx.so.1", "--rpath",
			    "$ORIGIN/../pkg.libs", NULL);
	size_t arm =
		member(s, "pkg/_arm.so", NULL, "--machine", "183", "--needed", "libx.so.1", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "libx.so.1"), -1);
	assert_int_equal(in_wheel(s, mod, "liby.so.1"), -1);
	assert_int_equal(in_wheel(s, mod, "libz.so"), -1);
	/* the control: the same member answers one of its own architecture */
	assert_int_equal(in_wheel(s, arm, "libx.so.1"), 0);
	/* a member that is not ELF asks nothing */
	assert_int_equal(in_wheel(s, 3, "libx.so.1"), -1);
	assert_int_equal(in_wheel(s, 99, "libx.so.1"), -1);
}

static void needed_path_with_a_slash_is_not_looked_up_in_the_wheel(void **state)
{
	struct rs *s = *state;

	member(s, "pkg/libx.so.1", NULL, NULL);
	size_t mod = member(s, "pkg/_mod.so", NULL, "--needed", "pkg/libx.so.1", NULL);

	resolver(s, NULL);
	assert_int_equal(in_wheel(s, mod, "pkg/libx.so.1"), -1);
	assert_int_equal(in_wheel(s, mod, "./libx.so.1"), -1);
}

/* ---- loads ---- */

static void load_is_breadth_first_in_needed_order(void **state)
{
	struct rs *s = *state;
	size_t root =
		member(s, "pkg/root.so", NULL, "--needed", "liba.so", "--needed", "libb.so", NULL);
	size_t a = member(s, "pkg/liba.so", NULL, "--needed", "libq.so", NULL);
	size_t b = member(s, "pkg/libb.so", NULL, "--needed", "libd.so", NULL);
	size_t q = member(s, "pkg/libq.so", NULL, NULL);
	size_t d = member(s, "pkg/libd.so", NULL, NULL);
	const size_t order[] = {root, a, b, q, d};
	struct wa_load *load;

	resolver(s, NULL);
	load = load_member(s, root, NULL);
	assert_int_equal(load->n_nodes, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct wa_load_node *n = load->nodes[i];

		if (n->member != (long)order[i])
			fail_msg("node %zu is %s, expected %s", i, n->path,
				 s->members[order[i]].path);
		assert_int_equal(n->index, i);
		assert_string_equal(n->path, s->members[order[i]].path);
		assert_ptr_equal(n->elf, s->members[order[i]].elf);
		assert_true(n->expanded);
		assert_null(n->problem);
	}
	assert_string_equal(load->nodes[0]->found_by, "root");
	assert_null(load->nodes[0]->loader);
	assert_string_equal(load->nodes[0]->ident, "wheel:pkg/root.so");
	assert_string_equal(load->nodes[1]->found_by, "wheel");
	assert_ptr_equal(load->nodes[3]->loader, load->nodes[1]);
	assert_ptr_equal(load->nodes[4]->loader, load->nodes[2]);
	assert_ptr_equal(edge(load->nodes[0], "libb.so"), load->nodes[2]);
	wa_load_free(load);
}

static void object_needed_twice_is_loaded_once(void **state)
{
	struct rs *s = *state;
	size_t root =
		member(s, "pkg/root.so", NULL, "--needed", "liba.so", "--needed", "libb.so", NULL);

	member(s, "pkg/liba.so", NULL, "--needed", "libb.so", "--needed", "liba.so", NULL);
	member(s, "pkg/libb.so", NULL, "--needed", "liba.so", NULL); /* a cycle */
	struct wa_load *load;

	resolver(s, NULL);
	load = load_member(s, root, NULL);
	assert_int_equal(load->n_nodes, 3);
	assert_ptr_equal(edge(load->nodes[1], "libb.so"), load->nodes[2]);
	assert_ptr_equal(edge(load->nodes[0], "libb.so"), load->nodes[2]);
	assert_ptr_equal(edge(load->nodes[2], "liba.so"), load->nodes[1]);
	assert_ptr_equal(edge(load->nodes[1], "liba.so"), load->nodes[1]);
	wa_load_free(load);
}

static void needed_name_matching_a_loaded_soname_is_that_object(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;
	const struct wa_load_node *real;

	host_elf(s, "lib/libreal.so", "--soname", "libx.so.1", NULL);
	host_elf(s, "lib/libx.so.1", "--soname", "libother.so", NULL);
	host_elf(s, "lib/liby.so", "--needed", "libx.so.1", NULL);
	root = member(s, "pkg/root.so", NULL, "--needed", "libreal.so", "--needed", "liby.so",
		      NULL);
	resolver(s, at(s, "lib"));
	load = load_member(s, root, NULL);
	assert_int_equal(load->n_nodes, 3);
	real = edge(load->nodes[0], "libreal.so");
	assert_non_null(real);
	assert_string_equal(real->path, at(s, "lib/libreal.so"));
	assert_ptr_equal(edge(edge(load->nodes[0], "liby.so"), "libx.so.1"), real);
	for (size_t i = 0; i < load->n_nodes; i++)
		assert_string_not_equal(load->nodes[i]->path, at(s, "lib/libx.so.1"));
	wa_load_free(load);
}

static void same_file_reached_under_two_names_is_one_object(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;
	char real[PATH_MAX];

	host_elf(s, "lib/libq.so.1", NULL);
	assert_int_equal(symlink("libq.so.1", at(s, "lib/libq-link.so")), 0);
	root = member(s, "pkg/root.so", NULL, "--needed", "libq.so.1", "--needed", "libq-link.so",
		      NULL);
	resolver(s, at(s, "lib"));
	load = load_member(s, root, NULL);
	assert_int_equal(load->n_nodes, 2);
	assert_non_null(edge(load->nodes[0], "libq.so.1"));
	assert_ptr_equal(edge(load->nodes[0], "libq-link.so"), edge(load->nodes[0], "libq.so.1"));
	assert_non_null(realpath(at(s, "lib/libq.so.1"), real));
	assert_string_equal(load->nodes[1]->ident, real);
	wa_load_free(load);
}

static void dt_rpath_is_inherited_along_the_load_chain(void **state)
{
	struct rs *s = *state;
	size_t decoy = member(s, "aaa/libb.so", NULL, NULL);
	size_t deep = member(s, "deep/libb.so", NULL, NULL);
	size_t a = member(s, "pkg.libs/liba.so", NULL, "--needed", "libb.so", NULL);
	size_t root = member(s, "pkg/_mod.so", NULL, "--needed", "liba.so", "--rpath",
			     "$ORIGIN/../deep", NULL);
	struct wa_load *load;

	resolver(s, NULL);
	load = load_member(s, root, NULL);
	expect_edge(load->nodes[0], "liba.so", "pkg.libs/liba.so");
	expect_edge(edge(load->nodes[0], "liba.so"), "libb.so", "deep/libb.so");
	assert_int_equal(edge(edge(load->nodes[0], "liba.so"), "libb.so")->member, deep);
	wa_load_free(load);
	/* loaded on its own, liba inherits nothing */
	load = load_member(s, a, NULL);
	assert_int_equal(edge(load->nodes[0], "libb.so")->member, decoy);
	wa_load_free(load);
	assert_int_equal(in_wheel(s, a, "libb.so"), decoy);
}

static void own_dt_runpath_stops_dt_rpath_inheritance(void **state)
{
	struct rs *s = *state;

	member(s, "aaa/libb.so", NULL, NULL);
	member(s, "deep/libb.so", NULL, NULL);
	member(s, "pkg.libs/liba.so", NULL, "--needed", "libb.so", "--runpath", "$ORIGIN", NULL);
	size_t root = member(s, "pkg/_mod.so", NULL, "--needed", "liba.so", "--rpath",
			     "$ORIGIN/../deep", NULL);
	struct wa_load *load;

	resolver(s, NULL);
	load = load_member(s, root, NULL);
	expect_edge(edge(load->nodes[0], "liba.so"), "libb.so", "aaa/libb.so");
	wa_load_free(load);
}

static void ancestor_with_dt_runpath_passes_on_no_dt_rpath_but_its_loaders_do(void **state)
{
	struct rs *s = *state;

	member(s, "aaa/libb.so", NULL, NULL);
	member(s, "deep/libb.so", NULL, NULL);
	member(s, "pkg.libs/liba.so", NULL, "--needed", "libb.so", NULL);
	/* mid has DT_RPATH and DT_RUNPATH: the loader ignores its DT_RPATH */
	member(s, "mid/libmid.so", NULL, "--needed", "liba.so", "--rpath", "$ORIGIN/../deep",
	       "--runpath", "$ORIGIN/../none", NULL);
	member(s, "mid2/libmid2.so", NULL, "--needed", "liba.so", "--rpath", "$ORIGIN/../deep",
	       NULL);
	member(s, "mid3/libmid3.so", NULL, "--needed", "liba.so", "--runpath", "$ORIGIN/../none",
	       NULL);
	size_t via_mid = member(s, "pkg/_mod.so", NULL, "--needed", "libmid.so", NULL);
	size_t via_mid2 = member(s, "pkg/_mod2.so", NULL, "--needed", "libmid2.so", NULL);
	size_t via_mid3 = member(s, "pkg/_mod3.so", NULL, "--needed", "libmid3.so", "--rpath",
				 "$ORIGIN/../deep", NULL);
	struct wa_load *load;

	resolver(s, NULL);
	load = load_member(s, via_mid, NULL);
	expect_edge(edge(edge(load->nodes[0], "libmid.so"), "liba.so"), "libb.so", "aaa/libb.so");
	wa_load_free(load);
	/* the control: the same DT_RPATH without DT_RUNPATH is inherited */
	load = load_member(s, via_mid2, NULL);
	expect_edge(edge(edge(load->nodes[0], "libmid2.so"), "liba.so"), "libb.so", "deep/libb.so");
	wa_load_free(load);
	/* mid3 passes none of its own on, but the root's DT_RPATH still counts */
	load = load_member(s, via_mid3, NULL);
	expect_edge(edge(edge(load->nodes[0], "libmid3.so"), "liba.so"), "libb.so", "deep/libb.so");
	wa_load_free(load);
}

/* ---- filters ---- */

struct filter_log {
	int want_calls, descend_calls, descend_root;
	const struct wa_load_node *want_from;
};

static bool want_all_but_libb(void *ctx, const struct wa_load_node *from, const char *needed)
{
	struct filter_log *log = ctx;

	log->want_calls++;
	if (!log->want_from)
		log->want_from = from;
	return strcmp(needed, "libb.so") != 0;
}

static bool descend_not_into_liba(void *ctx, const struct wa_load_node *node)
{
	struct filter_log *log = ctx;

	log->descend_calls++;
	log->descend_root += node->index == 0;
	return strcmp(node->path, "pkg/liba.so") != 0;
}

static void filter_want_leaves_an_unwanted_edge_skipped_and_unsearched(void **state)
{
	struct rs *s = *state;
	size_t root =
		member(s, "pkg/root.so", NULL, "--needed", "liba.so", "--needed", "libb.so", NULL);
	struct filter_log log = {0};
	struct wa_load_filter f = {.want = want_all_but_libb, .ctx = &log};
	struct wa_load *load;

	member(s, "pkg/liba.so", NULL, NULL);
	member(s, "pkg/libb.so", NULL, NULL);
	resolver(s, NULL);
	load = load_member(s, root, &f);
	assert_int_equal(load->n_nodes, 2);
	assert_int_equal(load->nodes[0]->n_edges, 2);
	assert_false(load->nodes[0]->edges[0].skipped);
	assert_non_null(load->nodes[0]->edges[0].target);
	assert_true(load->nodes[0]->edges[1].skipped);
	assert_null(load->nodes[0]->edges[1].target);
	assert_int_equal(log.want_calls, 2);
	assert_ptr_equal(log.want_from, load->nodes[0]);
	wa_load_free(load);
}

static void filter_descend_leaves_a_node_unexpanded(void **state)
{
	struct rs *s = *state;
	size_t root =
		member(s, "pkg/root.so", NULL, "--needed", "liba.so", "--needed", "libc2.so", NULL);
	struct filter_log log = {0};
	struct wa_load_filter f = {.descend = descend_not_into_liba, .ctx = &log};
	struct wa_load *load;

	member(s, "pkg/liba.so", NULL, "--needed", "libq.so", NULL);
	member(s, "pkg/libc2.so", NULL, "--needed", "libd.so", NULL);
	member(s, "pkg/libq.so", NULL, NULL);
	member(s, "pkg/libd.so", NULL, NULL);
	resolver(s, NULL);
	load = load_member(s, root, &f);
	/* root, liba (not expanded), libc2, libd; libq never loaded */
	assert_int_equal(load->n_nodes, 4);
	assert_string_equal(load->nodes[1]->path, "pkg/liba.so");
	assert_false(load->nodes[1]->expanded);
	assert_int_equal(load->nodes[1]->n_edges, 0);
	assert_true(load->nodes[2]->expanded);
	assert_string_equal(load->nodes[3]->path, "pkg/libd.so");
	/* the root is always expanded, without asking */
	assert_int_equal(log.descend_root, 0);
	assert_int_equal(log.descend_calls, 3);
	wa_load_free(load);
}

/* ---- the host ---- */

static void host_library_is_found_through_ldpaths_and_inspected(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;
	const struct wa_load_node *h;
	char real[PATH_MAX];

	host_elf(s, "lib/libhost.so.1", "--soname", "libhost.so.1", "--needed", "libgone.so", NULL);
	root = member(s, "pkg/root.so", NULL, "--needed", "libhost.so.1", NULL);
	resolver(s, at(s, "lib"));
	load = load_member(s, root, NULL);
	assert_int_equal(load->n_nodes, 2);
	h = load->nodes[1];
	assert_string_equal(h->path, at(s, "lib/libhost.so.1"));
	assert_string_equal(h->found_by, "ldpaths");
	assert_int_equal(h->member, -1);
	assert_non_null(realpath(h->path, real));
	assert_string_equal(h->ident, real);
	assert_non_null(h->elf);
	assert_string_equal(h->elf->soname, "libhost.so.1");
	assert_ptr_equal(h->loader, load->nodes[0]);
	assert_true(h->expanded);
	expect_edge(h, "libgone.so", NULL);
	wa_load_free(load);
}

static void wheel_member_comes_before_a_host_file_of_the_same_name(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;

	host_elf(s, "lib/libx.so.1", NULL);
	member(s, "zzz/libx.so.1", NULL, NULL);
	root = member(s, "pkg/root.so", NULL, "--needed", "libx.so.1", NULL);
	resolver(s, at(s, "lib"));
	load = load_member(s, root, NULL);
	expect_edge(load->nodes[0], "libx.so.1", "zzz/libx.so.1");
	assert_string_equal(edge(load->nodes[0], "libx.so.1")->found_by, "wheel");
	wa_load_free(load);
}

static void without_a_host_config_nothing_outside_the_wheel_is_found(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;

	host_elf(s, "lib/libx.so.1", NULL);
	root = member(s, "pkg/root.so", NULL, "--needed", "libx.so.1", NULL);
	resolver(s, NULL);
	load = load_member(s, root, NULL);
	assert_int_equal(load->n_nodes, 1);
	expect_edge(load->nodes[0], "libx.so.1", NULL);
	wa_load_free(load);
}

static void host_file_that_cannot_be_inspected_is_a_node_with_a_problem(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;
	const struct wa_load_node *n;

	/* an ELF header alone passes the loader's first check but cannot be inspected */
	host_elf(s, "lib/libcut.so", NULL);
	assert_int_equal(truncate(at(s, "lib/libcut.so"), 64), 0);
	root = member(s, "pkg/root.so", NULL, "--needed", "libcut.so", NULL);
	resolver(s, at(s, "lib"));
	load = load_member(s, root, NULL);
	n = edge(load->nodes[0], "libcut.so");
	assert_non_null(n);
	assert_null(n->elf);
	assert_non_null(n->problem);
	assert_false(n->expanded);
	assert_int_equal(n->n_edges, 0);
	wa_load_free(load);
}

static void host_file_of_another_architecture_is_passed_over(void **state)
{
	struct rs *s = *state;
	size_t root;
	struct wa_load *load;

	host_elf(s, "lib/libarm.so", "--machine", "183", NULL);
	host_elf(s, "lib2/libarm.so", NULL);
	root = member(s, "pkg/root.so", NULL, "--needed", "libarm.so", NULL);
	{
		char dirs[600];

		snprintf(dirs, sizeof(dirs), "%s:%s", at(s, "lib"), at(s, "lib2"));
		resolver(s, dirs);
	}
	load = load_member(s, root, NULL);
	expect_edge(load->nodes[0], "libarm.so", at(s, "lib2/libarm.so"));
	wa_load_free(load);
}

static void host_root_passes_its_dt_rpath_to_the_libraries_it_loads(void **state)
{
	struct rs *s = *state;
	struct wa_load *load = NULL;
	struct wa_error err;
	const struct wa_load_node *a;
	char real[PATH_MAX];

	host_elf(s, "deep/libb.so", NULL);
	host_elf(s, "lib/liba.so", "--needed", "libb.so", NULL);
	host_elf(s, "lib/libr.so", "--needed", "libb.so", "--runpath", "/nowhere", NULL);
	host_elf(s, "bin/prog.so", "--needed", "liba.so", "--needed", "libr.so", "--rpath",
		 "$ORIGIN/../deep", NULL);
	resolver(s, at(s, "lib"));
	wa_error_clear(&err);
	assert_int_equal(wa_resolver_load_file(&load, s->r, at(s, "bin/prog.so"), NULL, &err), 0);
	assert_string_equal(load->nodes[0]->found_by, "path");
	assert_int_equal(load->nodes[0]->member, -1);
	a = edge(load->nodes[0], "liba.so");
	assert_non_null(a);
	assert_string_equal(a->found_by, "ldpaths");
	assert_non_null(edge(a, "libb.so"));
	assert_non_null(realpath(at(s, "deep/libb.so"), real));
	assert_string_equal(edge(a, "libb.so")->ident, real);
	assert_string_equal(edge(a, "libb.so")->found_by, "rpath");
	/* libr has DT_RUNPATH: it inherits nothing, and libb is the object already loaded */
	assert_ptr_equal(edge(edge(load->nodes[0], "libr.so"), "libb.so"), edge(a, "libb.so"));
	wa_load_free(load);
}

static void host_library_with_dt_runpath_does_not_inherit_dt_rpath(void **state)
{
	struct rs *s = *state;
	struct wa_load *load = NULL;
	struct wa_error err;

	host_elf(s, "deep/libb.so", NULL);
	host_elf(s, "lib/libr.so", "--needed", "libb.so", "--runpath", "/nowhere", NULL);
	host_elf(s, "bin/prog.so", "--needed", "libr.so", "--rpath", "$ORIGIN/../deep", NULL);
	resolver(s, at(s, "lib"));
	wa_error_clear(&err);
	assert_int_equal(wa_resolver_load_file(&load, s->r, at(s, "bin/prog.so"), NULL, &err), 0);
	expect_edge(edge(load->nodes[0], "libr.so"), "libb.so", NULL);
	wa_load_free(load);
}

static void loading_a_file_that_cannot_be_read_or_inspected_is_an_error(void **state)
{
	struct rs *s = *state;
	struct wa_load *load = (struct wa_load *)s;
	struct wa_error err;
	FILE *f;

	resolver(s, NULL);
	wa_error_clear(&err);
	assert_int_equal(wa_resolver_load_file(&load, s->r, at(s, "missing.so"), NULL, &err),
			 -WA_EIO);
	assert_null(load);
	parent_dirs(s, "x");
	f = fopen(at(s, "text.so"), "w");
	assert_non_null(f);
	fputs("not elf\n", f);
	fclose(f);
	load = (struct wa_load *)s;
	wa_error_clear(&err);
	assert_int_equal(wa_resolver_load_file(&load, s->r, at(s, "text.so"), NULL, &err),
			 -WA_EBADELF);
	assert_null(load);
	assert_non_null(strstr(err.message, "text.so"));
}

static void loading_a_member_that_is_not_elf_is_refused(void **state)
{
	struct rs *s = *state;
	struct wa_load *load = (struct wa_load *)s;
	struct wa_error err;
	size_t text = text_member(s, "pkg/data.bin");

	resolver(s, NULL);
	wa_error_clear(&err);
	assert_true(wa_resolver_load_member(&load, s->r, text, NULL, &err) < 0);
	assert_null(load);
	load = (struct wa_load *)s;
	assert_true(wa_resolver_load_member(&load, s->r, 42, NULL, &err) < 0);
	assert_null(load);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(origin_rpath_directory_inside_the_wheel_comes_before_a_name_match),
		T(origin_runpath_directory_inside_the_wheel_comes_before_a_name_match),
		T(search_path_that_climbs_out_of_the_wheel_is_ignored),
		T(name_match_in_the_requesters_directory_comes_first),
		T(member_answers_to_its_soname),
		T(member_answers_to_the_name_it_provides),
		T(member_of_another_architecture_never_answers),
		T(needed_path_with_a_slash_is_not_looked_up_in_the_wheel),
		T(load_is_breadth_first_in_needed_order),
		T(object_needed_twice_is_loaded_once),
		T(needed_name_matching_a_loaded_soname_is_that_object),
		T(same_file_reached_under_two_names_is_one_object),
		T(dt_rpath_is_inherited_along_the_load_chain),
		T(own_dt_runpath_stops_dt_rpath_inheritance),
		T(ancestor_with_dt_runpath_passes_on_no_dt_rpath_but_its_loaders_do),
		T(filter_want_leaves_an_unwanted_edge_skipped_and_unsearched),
		T(filter_descend_leaves_a_node_unexpanded),
		T(host_library_is_found_through_ldpaths_and_inspected),
		T(wheel_member_comes_before_a_host_file_of_the_same_name),
		T(without_a_host_config_nothing_outside_the_wheel_is_found),
		T(host_file_that_cannot_be_inspected_is_a_node_with_a_problem),
		T(host_file_of_another_architecture_is_passed_over),
		T(host_root_passes_its_dt_rpath_to_the_libraries_it_loads),
		T(host_library_with_dt_runpath_does_not_inherit_dt_rpath),
		T(loading_a_file_that_cannot_be_read_or_inspected_is_an_error),
		T(loading_a_member_that_is_not_elf_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
