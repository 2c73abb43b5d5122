/* SPDX-License-Identifier: MIT */
/*
 * Library search (src/ldpath.c) on a fake root built in a temporary
 * directory: etc/ld.so.conf with include files, library directories
 * holding hand-written ELF headers of chosen class/machine/flags.  Each
 * test builds its own root, so the probe cache of one config never sees
 * another test's files.
 */
#define _XOPEN_SOURCE 700 /* mkdtemp */
#include <elf.h>
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

#include "wheelaudit/ldpath.h"

/* ---- fake root helpers ---- */

struct root {
	char dir[256];
};

static char *at(const struct root *r, const char *rel)
{
	static char buf[8][512];
	static int next;
	char *b = buf[next++ % 8];

	snprintf(b, sizeof(buf[0]), "%s%s", r->dir, rel);
	return b;
}

/* mkdir -p of root + rel. */
static void mkdirs(const struct root *r, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s%s", r->dir, rel);
	for (char *p = path + strlen(r->dir) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	mkdir(path, 0755);
}

static void write_file(const struct root *r, const char *rel, const void *data, size_t n)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s", rel);
	slash = strrchr(path, '/');
	if (slash && slash != path) {
		*slash = '\0';
		mkdirs(r, path);
	}
	f = fopen(at(r, rel), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void write_text(const struct root *r, const char *rel, const char *text)
{
	write_file(r, rel, text, strlen(text));
}

static void put16(unsigned char *b, uint16_t v, bool lsb)
{
	b[lsb ? 0 : 1] = v & 0xff;
	b[lsb ? 1 : 0] = v >> 8;
}

static void put32(unsigned char *b, uint32_t v, bool lsb)
{
	for (int i = 0; i < 4; i++)
		b[lsb ? i : 3 - i] = (v >> (8 * i)) & 0xff;
}

/* A file holding just an ELF header: enough for the loader's first check. */
static void write_elf(const struct root *r, const char *rel, uint8_t cls, uint8_t data,
		      uint16_t machine, uint32_t flags)
{
	unsigned char h[64] = {0};
	bool lsb = data == ELFDATA2LSB;

	memcpy(h, ELFMAG, SELFMAG);
	h[EI_CLASS] = cls;
	h[EI_DATA] = data;
	h[EI_VERSION] = EV_CURRENT;
	put16(h + 16, ET_DYN, lsb);
	put16(h + 18, machine, lsb);
	put32(h + (cls == ELFCLASS64 ? 48 : 36), flags, lsb);
	write_file(r, rel, h, cls == ELFCLASS64 ? 64 : 52);
}

static void write_x86_64(const struct root *r, const char *rel)
{
	write_elf(r, rel, ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0);
}

static void remove_tree(const char *dir)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int setup_root(void **state)
{
	struct root *r = calloc(1, sizeof(*r));
	const char *tmp = getenv("TMPDIR");

	if (!r)
		return -1;
	snprintf(r->dir, sizeof(r->dir), "%s/wa-ldpath-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(r->dir)) {
		free(r);
		return -1;
	}
	*state = r;
	return 0;
}

static int teardown_root(void **state)
{
	struct root *r = *state;

	remove_tree(r->dir);
	free(r);
	return 0;
}

static const struct wa_ld_request x86_64_req = {
	.elf_class = ELFCLASS64,
	.data = ELFDATA2LSB,
	.machine = EM_X86_64,
};

static struct wa_ld_config *load(const struct root *r, const char *ldpaths, const char *llp,
				 const char *extra)
{
	struct wa_ld_options opt = {.root = r->dir,
				    .ldpaths = ldpaths,
				    .ld_library_path = llp,
				    .extra_paths = extra};
	struct wa_ld_config *cfg = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_ld_config_load(&cfg, &opt, &err), 0);
	assert_non_null(cfg);
	return cfg;
}

/* Finds needed and checks the path (relative to the root; NULL: not found) and why. */
static void expect_find(const struct root *r, const struct wa_ld_config *cfg,
			const struct wa_ld_request *req, const char *needed, const char *rel,
			const char *why)
{
	const char *got_why = "unset";
	char *path = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_ld_find(cfg, req, needed, &path, &got_why, &err), 0);
	if (!rel) {
		assert_null(path);
		assert_null(got_why);
		return;
	}
	if (!path)
		fail_msg("%s: not found, expected %s", needed, rel);
	assert_string_equal(path, at(r, rel));
	assert_string_equal(got_why, why);
	free(path);
}

static char *expand(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
		    const char *entry, bool *skip)
{
	struct wa_error err;
	char *out;

	wa_error_clear(&err);
	out = wa_ld_expand_with(cfg, req, entry, skip, &err);
	assert_int_equal(err.code, 0);
	return out;
}

static void expect_expand(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			  const char *entry, const char *want)
{
	bool skip = true;
	char *got = expand(cfg, req, entry, &skip);

	if (!want) {
		assert_null(got);
		assert_true(skip);
		return;
	}
	assert_false(skip);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* ---- ld.so.conf ---- */

static void conf_order_includes_and_loops(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;
	const char *const *dirs;
	size_t n;

	write_text(r, "/etc/ld.so.conf",
		   "# comment\n"
		   "\n"
		   "   /opt/first   # trailing comment\n"
		   "include ld.so.conf.d/*.conf\n"
		   "hwcap 0 nosegneg\n"
		   "relative/ignored\n"
		   "/opt/typed=libc6\n"
		   "/opt/last/\n");
	/* glob order is sorted: a.conf before b.conf */
	write_text(r, "/etc/ld.so.conf.d/b.conf", "/opt/b\ninclude /etc/ld.so.conf\n");
	write_text(r, "/etc/ld.so.conf.d/a.conf",
		   "/opt/a\n/opt/first\ninclude sub/*.conf /etc/extra.conf\n");
	write_text(r, "/etc/ld.so.conf.d/sub/s.conf", "/opt/sub\ninclude ../a.conf\n");
	write_text(r, "/etc/extra.conf", "/usr/lib/x86_64-linux-gnu\n");
	write_text(r, "/etc/ld.so.conf.d/ignored.txt", "/opt/not-included\n");
	cfg = load(r, NULL, NULL, NULL);
	n = wa_ld_system_dirs(cfg, &x86_64_req, &dirs);
	const char *want[] = {
		"/opt/first",
		"/opt/a",
		"/opt/sub",
		"/usr/lib/x86_64-linux-gnu",
		"/opt/b",
		"/opt/typed",
		"/opt/last",
		/* defaults: the triplet dir given by extra.conf keeps its first place */
		"/lib/x86_64-linux-gnu",
		"/lib64",
		"/usr/lib64",
		"/lib",
		"/usr/lib",
	};
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_string_equal(dirs[i], at(r, want[i]));
	wa_ld_config_free(cfg);
}

static void missing_conf_gives_defaults_per_arch(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg = load(r, NULL, NULL, NULL);
	struct wa_ld_request i386 = {.elf_class = ELFCLASS32,
				     .data = ELFDATA2LSB,
				     .machine = EM_386};
	struct wa_ld_request armhf = {.elf_class = ELFCLASS32,
				      .data = ELFDATA2LSB,
				      .machine = EM_ARM,
				      .flags = 0x05000400};
	struct wa_ld_request arm = armhf;
	const char *const *dirs;
	size_t n;

	arm.flags = 0x05000200;
	n = wa_ld_system_dirs(cfg, &i386, &dirs);
	assert_int_equal(n, 4);
	assert_string_equal(dirs[0], at(r, "/lib/i386-linux-gnu"));
	assert_string_equal(dirs[1], at(r, "/usr/lib/i386-linux-gnu"));
	assert_string_equal(dirs[2], at(r, "/lib"));
	assert_string_equal(dirs[3], at(r, "/usr/lib"));
	n = wa_ld_system_dirs(cfg, &armhf, &dirs);
	assert_int_equal(n, 4);
	assert_string_equal(dirs[0], at(r, "/lib/arm-linux-gnueabihf"));
	n = wa_ld_system_dirs(cfg, &arm, &dirs);
	assert_string_equal(dirs[0], at(r, "/lib/arm-linux-gnueabi"));
	n = wa_ld_system_dirs(cfg, &x86_64_req, &dirs);
	assert_int_equal(n, 6);
	assert_string_equal(dirs[2], at(r, "/lib64"));
	wa_ld_config_free(cfg);
}

static void ldpaths_replace_conf_and_defaults(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;
	const char *const *dirs;
	size_t n;

	write_text(r, "/etc/ld.so.conf", "/opt/conf\n");
	write_x86_64(r, "/opt/conf/libc.so.6");
	write_x86_64(r, "/lib/x86_64-linux-gnu/libm.so.6");
	write_x86_64(r, "/mine/libm.so.6");
	cfg = load(r, at(r, "/mine:") /* empty entry: skipped */, NULL, NULL);
	n = wa_ld_system_dirs(cfg, &x86_64_req, &dirs);
	assert_int_equal(n, 1);
	assert_string_equal(dirs[0], at(r, "/mine"));
	expect_find(r, cfg, &x86_64_req, "libm.so.6", "/mine/libm.so.6", "ldpaths");
	expect_find(r, cfg, &x86_64_req, "libc.so.6", NULL, NULL);
	wa_ld_config_free(cfg);
}

/* ---- search order ---- */

static void precedence_of_every_list(void **state)
{
	static const char *const order[][2] = {
		{"/rpath", "rpath"},           {"/llp", "LD_LIBRARY_PATH"},
		{"/extra", "LD_LIBRARY_PATH"}, {"/runpath", "runpath"},
		{"/conf", "ld.so.conf"},       {"/usr/lib/x86_64-linux-gnu", "default"},
		{"/usr/lib", "default"},
	};
	struct root *r = *state;
	char llp[600], extra[600], rp[600], run[600];
	const char *rpv[] = {rp}, *runv[] = {run};
	struct wa_ld_object obj = {0};
	struct wa_ld_request req = x86_64_req;
	size_t n = sizeof(order) / sizeof(order[0]);

	write_text(r, "/etc/ld.so.conf", "/conf\n");
	snprintf(llp, sizeof(llp), "%s;%s", at(r, "/nowhere"), at(r, "/llp"));
	snprintf(extra, sizeof(extra), "%s", at(r, "/extra"));
	snprintf(rp, sizeof(rp), "%s", at(r, "/rpath"));
	snprintf(run, sizeof(run), "%s", at(r, "/runpath"));
	for (size_t i = 0; i < n; i++) {
		char rel[128];

		snprintf(rel, sizeof(rel), "%s/libx.so.1", order[i][0]);
		write_x86_64(r, rel);
	}
	/* Each round removes the winner of the previous one; a fresh config
	 * each time, since a config remembers what it probed. */
	for (size_t i = 0; i < n; i++) {
		struct wa_ld_config *cfg = load(r, NULL, llp, extra);
		char rel[128];

		obj.rpath = rpv;
		obj.n_rpath = 1;
		obj.runpath = i <= 3 ? runv : NULL;
		obj.n_runpath = i <= 3 && i > 0 ? 1 : 0;
		req.object = &obj;
		snprintf(rel, sizeof(rel), "%s/libx.so.1", order[i][0]);
		expect_find(r, cfg, &req, "libx.so.1", rel, order[i][1]);
		wa_ld_config_free(cfg);
		unlink(at(r, rel));
	}
	{
		struct wa_ld_config *cfg = load(r, NULL, llp, extra);

		expect_find(r, cfg, &req, "libx.so.1", NULL, NULL);
		wa_ld_config_free(cfg);
	}
}

static void runpath_disables_rpath(void **state)
{
	struct root *r = *state;
	char rp[600], run[600];
	const char *rpv[] = {rp}, *runv[] = {run};
	struct wa_ld_object obj = {0};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	req.object = &obj;
	snprintf(rp, sizeof(rp), "%s", at(r, "/rpath"));
	snprintf(run, sizeof(run), "%s", at(r, "/runpath"));
	write_x86_64(r, "/rpath/liby.so");
	write_x86_64(r, "/runpath/liby.so");
	write_x86_64(r, "/llp/liby.so");
	cfg = load(r, NULL, at(r, "/llp"), NULL);
	obj.rpath = rpv;
	obj.n_rpath = 1;
	expect_find(r, cfg, &req, "liby.so", "/rpath/liby.so", "rpath");
	obj.runpath = runv;
	obj.n_runpath = 1;
	/* With DT_RUNPATH, DT_RPATH (own and inherited) is not searched and
	 * LD_LIBRARY_PATH comes first. */
	expect_find(r, cfg, &req, "liby.so", "/llp/liby.so", "LD_LIBRARY_PATH");
	wa_ld_config_free(cfg);
}

static void inherited_rpath_entries_follow_own(void **state)
{
	struct root *r = *state;
	char own[600], parent[600];
	const char *own_v[] = {own}, *parent_v[] = {parent};
	struct wa_ld_object loader = {.rpath = parent_v, .n_rpath = 1};
	struct wa_ld_object obj = {.loader = &loader, .rpath = own_v, .n_rpath = 1};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	snprintf(own, sizeof(own), "%s", at(r, "/own"));
	snprintf(parent, sizeof(parent), "%s", at(r, "/parent"));
	write_x86_64(r, "/parent/libz.so");
	write_x86_64(r, "/own/libw.so");
	write_x86_64(r, "/parent/libw.so");
	cfg = load(r, NULL, NULL, NULL);
	req.object = &obj;
	expect_find(r, cfg, &req, "libz.so", "/parent/libz.so", "rpath");
	expect_find(r, cfg, &req, "libw.so", "/own/libw.so", "rpath");
	wa_ld_config_free(cfg);
}

static void runpath_is_expanded_with_origin(void **state)
{
	struct root *r = *state;
	const char *runv[] = {"$ORIGIN/../libs", "${ORIGIN}/more"};
	struct wa_ld_object obj = {.runpath = runv, .n_runpath = 2};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;
	char origin[600];

	snprintf(origin, sizeof(origin), "%s", at(r, "/pkg/mod"));
	write_x86_64(r, "/pkg/more/x");
	write_x86_64(r, "/pkg/mod/more/libq.so");
	write_x86_64(r, "/pkg/libs/libp.so");
	cfg = load(r, NULL, NULL, NULL);
	obj.origin = origin;
	req.object = &obj;
	expect_find(r, cfg, &req, "libq.so", "/pkg/mod/more/libq.so", "runpath");
	{
		char *path = NULL;
		const char *why = NULL;
		struct wa_error err;

		wa_error_clear(&err);
		assert_int_equal(wa_ld_find(cfg, &req, "libp.so", &path, &why, &err), 0);
		assert_non_null(path);
		assert_string_equal(path, at(r, "/pkg/mod/../libs/libp.so"));
		free(path);
	}
	/* Without an origin the $ORIGIN entries are dropped. */
	obj.origin = NULL;
	expect_find(r, cfg, &req, "libq.so", NULL, NULL);
	wa_ld_config_free(cfg);
}

/* ---- candidates the loader rejects ---- */

static void wrong_candidates_are_skipped(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;
	char ldp[2000];
	struct wa_ld_request armhf = {.elf_class = ELFCLASS32,
				      .data = ELFDATA2LSB,
				      .machine = EM_ARM,
				      .flags = 0x05000400};

	snprintf(ldp, sizeof(ldp), "%s:%s:%s:%s:%s:%s:%s", at(r, "/d1"), at(r, "/d2"), at(r, "/d3"),
		 at(r, "/d4"), at(r, "/d5"), at(r, "/d6"), at(r, "/d7"));
	write_elf(r, "/d1/libk.so", ELFCLASS64, ELFDATA2LSB, EM_AARCH64, 0); /* machine */
	write_elf(r, "/d2/libk.so", ELFCLASS32, ELFDATA2LSB, EM_X86_64, 0);  /* class (x32) */
	write_elf(r, "/d3/libk.so", ELFCLASS64, ELFDATA2MSB, EM_X86_64, 0);  /* byte order */
	write_text(r, "/d4/libk.so", "INPUT(-lk)\n");                        /* not ELF */
	mkdirs(r, "/d5/libk.so");                                            /* a directory */
	write_file(r, "/d6/libk.so", ELFMAG, SELFMAG);                       /* truncated */
	write_x86_64(r, "/d7/libk.so");
	write_elf(r, "/d1/libf.so", ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x05000200); /* soft */
	write_elf(r, "/d2/libf.so", ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x05000400); /* hard */
	/* an old object that states no float ABI: accepted */
	write_elf(r, "/d1/libold.so", ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x00000002);
	cfg = load(r, ldp, NULL, NULL);
	expect_find(r, cfg, &x86_64_req, "libk.so", "/d7/libk.so", "ldpaths");
	expect_find(r, cfg, &armhf, "libk.so", NULL, NULL);
	expect_find(r, cfg, &armhf, "libf.so", "/d2/libf.so", "ldpaths");
	expect_find(r, cfg, &armhf, "libold.so", "/d1/libold.so", "ldpaths");
	/* asked twice: the cached probes answer the same */
	expect_find(r, cfg, &x86_64_req, "libk.so", "/d7/libk.so", "ldpaths");
	wa_ld_config_free(cfg);
}

static void name_with_slash_is_a_path(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;
	const char *why = NULL;
	char *path = NULL;
	struct wa_error err;

	write_x86_64(r, "/direct/libd.so");
	cfg = load(r, NULL, NULL, NULL);
	wa_error_clear(&err);
	assert_int_equal(wa_ld_find(cfg, &x86_64_req, at(r, "/direct/libd.so"), &path, &why, &err),
			 0);
	assert_non_null(path);
	assert_string_equal(path, at(r, "/direct/libd.so"));
	assert_string_equal(why, "path");
	free(path);
	assert_int_equal(wa_ld_find(cfg, &x86_64_req, at(r, "/direct/nope.so"), &path, &why, &err),
			 0);
	assert_null(path);
	wa_ld_config_free(cfg);
}

/* ---- expansion ---- */

static void tokens_expand_per_architecture(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg = load(r, NULL, NULL, NULL);
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_request i386 = {.elf_class = ELFCLASS32,
				     .data = ELFDATA2LSB,
				     .machine = EM_386,
				     .origin = "/o"};
	struct wa_ld_request a64 = {.elf_class = ELFCLASS64,
				    .data = ELFDATA2LSB,
				    .machine = EM_AARCH64};
	struct wa_ld_request rv = {.elf_class = ELFCLASS64,
				   .data = ELFDATA2LSB,
				   .machine = EM_RISCV,
				   .flags = 0x5};

	req.origin = "/x/y";
	expect_expand(cfg, &req, "$ORIGIN/lib", "/x/y/lib");
	expect_expand(cfg, &req, "${ORIGIN}/../lib", "/x/y/../lib");
	expect_expand(cfg, &req, "/usr/$LIB/$PLATFORM", "/usr/lib64/x86_64");
	expect_expand(cfg, &req, "/a/${LIB}b/${PLATFORM}", "/a/lib64b/x86_64");
	expect_expand(cfg, &req, "/a/$ORIGINAL/$LIBS/$", "/a/$ORIGINAL/$LIBS/$");
	expect_expand(cfg, &req, "/a/${ORIGIN", "/a/${ORIGIN");
	expect_expand(cfg, &req, "", "");
	expect_expand(cfg, &i386, "$ORIGIN/$LIB/$PLATFORM", "/o/lib/i686");
	expect_expand(cfg, &a64, "/$LIB/$PLATFORM", "/lib64/aarch64");
	expect_expand(cfg, &rv, "/$LIB", "/lp64d");
	expect_expand(cfg, &rv, "/$PLATFORM/x", NULL); /* no AT_PLATFORM on RISC-V */
	req.origin = NULL;
	expect_expand(cfg, &req, "$ORIGIN/lib", NULL);
	expect_expand(cfg, &req, "/plain", "/plain");
	wa_ld_config_free(cfg);
	/* wa_ld_expand is the same without a config */
	{
		bool skip = true;
		char *s;
		struct wa_error err;

		wa_error_clear(&err);
		s = wa_ld_expand(&a64, "/usr/$LIB", &skip, &err);
		assert_non_null(s);
		assert_false(skip);
		assert_string_equal(s, "/usr/lib64");
		free(s);
	}
}

static void debian_lib_is_the_triplet_dir(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;

	write_text(r, "/etc/debian_version", "12.0\n");
	cfg = load(r, NULL, NULL, NULL);
	expect_expand(cfg, &x86_64_req, "/usr/$LIB", "/usr/lib/x86_64-linux-gnu");
	wa_ld_config_free(cfg);
}

static void lib_token_in_runpath_search(void **state)
{
	struct root *r = *state;
	const char *runv[] = {NULL};
	char entry[600];
	struct wa_ld_object obj = {.runpath = runv, .n_runpath = 1};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	snprintf(entry, sizeof(entry), "%s/$LIB/$PLATFORM", r->dir);
	runv[0] = entry;
	write_x86_64(r, "/lib64/x86_64/libt.so");
	cfg = load(r, NULL, NULL, NULL);
	req.object = &obj;
	expect_find(r, cfg, &req, "libt.so", "/lib64/x86_64/libt.so", "runpath");
	wa_ld_config_free(cfg);
}

#define ROOTED(t) cmocka_unit_test_setup_teardown(t, setup_root, teardown_root)

int main(void)
{
	const struct CMUnitTest tests[] = {
		ROOTED(conf_order_includes_and_loops),
		ROOTED(missing_conf_gives_defaults_per_arch),
		ROOTED(ldpaths_replace_conf_and_defaults),
		ROOTED(precedence_of_every_list),
		ROOTED(runpath_disables_rpath),
		ROOTED(inherited_rpath_entries_follow_own),
		ROOTED(runpath_is_expanded_with_origin),
		ROOTED(wrong_candidates_are_skipped),
		ROOTED(name_with_slash_is_a_path),
		ROOTED(tokens_expand_per_architecture),
		ROOTED(debian_lib_is_the_triplet_dir),
		ROOTED(lib_token_in_runpath_search),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
