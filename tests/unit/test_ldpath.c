/* SPDX-License-Identifier: MIT */
/*
 * Library search (src/ldpath.c) on a fake root built in a temporary
 * directory: etc/ld.so.conf with include files, etc/ld-musl-<arch>.path,
 * a bin/sh whose PT_INTERP names the loader, library directories holding
 * hand-written ELF headers of chosen class/machine/flags (and, where the
 * compilers exist, real musl and aarch64 glibc builds from the fixtures).
 * Each test builds its own root, so the probe cache of one config never
 * sees another test's files.
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

static struct wa_ld_config *load_rules(const struct root *r, enum wa_ld_rules host,
				       const char *ldpaths, const char *llp, const char *extra)
{
	struct wa_ld_options opt = {.root = r->dir,
				    .ldpaths = ldpaths,
				    .ld_library_path = llp,
				    .extra_paths = extra,
				    .host = host};
	struct wa_ld_config *cfg = NULL;
	struct wa_error err;

	wa_error_clear(&err);
	assert_int_equal(wa_ld_config_load(&cfg, &opt, &err), 0);
	assert_non_null(cfg);
	return cfg;
}

static struct wa_ld_config *load(const struct root *r, const char *ldpaths, const char *llp,
				 const char *extra)
{
	return load_rules(r, WA_LD_RULES_AUTO, ldpaths, llp, extra);
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

/* ---- host detection ---- */

/* A 64-bit x86-64 ELF file with one program header: PT_INTERP naming
 * interp, or (interp NULL) a PT_LOAD, as a static program has. */
static void write_prog(const struct root *r, const char *rel, const char *interp)
{
	unsigned char b[256] = {0};
	size_t ilen = interp ? strlen(interp) + 1 : 0;

	assert_true(ilen < sizeof(b) - 120);
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = ELFCLASS64;
	b[EI_DATA] = ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put16(b + 16, ET_DYN, true);
	put16(b + 18, EM_X86_64, true);
	put32(b + 20, EV_CURRENT, true);
	put32(b + 32, 64, true); /* e_phoff */
	put16(b + 52, 64, true); /* e_ehsize */
	put16(b + 54, 56, true); /* e_phentsize */
	put16(b + 56, 1, true);  /* e_phnum */
	put32(b + 64, interp ? PT_INTERP : PT_LOAD, true);
	put32(b + 64 + 8, 120, true);             /* p_offset */
	put32(b + 64 + 32, (uint32_t)ilen, true); /* p_filesz */
	if (interp)
		memcpy(b + 120, interp, ilen);
	write_file(r, rel, b, 120 + ilen);
}

static void link_to(const struct root *r, const char *rel, const char *target)
{
	char parent[512], *slash;

	snprintf(parent, sizeof(parent), "%s", rel);
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		mkdirs(r, parent);
	}
	assert_int_equal(symlink(target, at(r, rel)), 0);
}

static void detect_musl_from_bin_sh(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;
	char slashed[600];

	/* Alpine: /bin/sh -> /bin/busybox, an absolute link that must stay
	 * inside the root */
	write_prog(r, "/bin/busybox", "/lib/ld-musl-x86_64.so.1");
	link_to(r, "/bin/sh", "/bin/busybox");
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_MUSL);
	snprintf(slashed, sizeof(slashed), "%s//", r->dir);
	assert_int_equal(wa_ld_detect_rules(slashed), WA_LD_RULES_MUSL);
	cfg = load(r, NULL, NULL, NULL);
	assert_int_equal(wa_ld_config_rules(cfg), WA_LD_RULES_MUSL);
	assert_string_equal(wa_ld_rules_name(wa_ld_config_rules(cfg)), "musl");
	wa_ld_config_free(cfg);
}

static void detect_glibc_from_bin_sh_despite_musl_loader(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;

	/* Debian with musl-tools installed: /lib/ld-musl-x86_64.so.1 exists,
	 * but /bin/sh (merged /usr, relative links) is a glibc program */
	link_to(r, "/bin", "usr/bin");
	link_to(r, "/usr/bin/sh", "dash");
	write_prog(r, "/usr/bin/dash", "/lib64/ld-linux-x86-64.so.2");
	write_x86_64(r, "/lib/x86_64-linux-musl/libc.so");
	link_to(r, "/lib/ld-musl-x86_64.so.1", "x86_64-linux-musl/libc.so");
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_GLIBC);
	cfg = load(r, NULL, NULL, NULL);
	assert_int_equal(wa_ld_config_rules(cfg), WA_LD_RULES_GLIBC);
	assert_string_equal(wa_ld_rules_name(WA_LD_RULES_GLIBC), "glibc");
	wa_ld_config_free(cfg);
}

static void detect_musl_from_loader_file(void **state)
{
	struct root *r = *state;

	/* nothing at /bin/sh: glibc */
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_GLIBC);
	/* only a musl loader (of another architecture even) */
	write_elf(r, "/lib/ld-musl-aarch64.so.1", ELFCLASS64, ELFDATA2LSB, EM_AARCH64, 0);
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_MUSL);
	/* a static /bin/sh says nothing: the loader file decides */
	write_prog(r, "/bin/sh", NULL);
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_MUSL);
}

static void detect_survives_link_loops_and_escapes(void **state)
{
	struct root *r = *state;

	link_to(r, "/bin/sh", "sh2");
	link_to(r, "/bin/sh2", "/bin/sh");
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_GLIBC);
	unlink(at(r, "/bin/sh"));
	/* ".." cannot climb above the root: /bin/../../../lib/x is /lib/x */
	write_prog(r, "/lib/sh", "/lib/ld-musl-x86_64.so.1");
	link_to(r, "/bin/sh", "../../../../lib/sh");
	assert_int_equal(wa_ld_detect_rules(r->dir), WA_LD_RULES_MUSL);
}

static void forced_rules_win_over_detection(void **state)
{
	struct root *r = *state;
	struct wa_ld_options opt = {.root = r->dir, .host = (enum wa_ld_rules)42};
	struct wa_ld_config *cfg = NULL;
	struct wa_error err;

	write_prog(r, "/bin/sh", "/lib/ld-musl-x86_64.so.1");
	write_text(r, "/etc/ld.so.conf", "/conf\n");
	write_x86_64(r, "/conf/libc1.so");
	cfg = load_rules(r, WA_LD_RULES_GLIBC, NULL, NULL, NULL);
	assert_int_equal(wa_ld_config_rules(cfg), WA_LD_RULES_GLIBC);
	expect_find(r, cfg, &x86_64_req, "libc1.so", "/conf/libc1.so", "ld.so.conf");
	wa_ld_config_free(cfg);
	cfg = load_rules(r, WA_LD_RULES_AUTO, NULL, NULL, NULL);
	assert_int_equal(wa_ld_config_rules(cfg), WA_LD_RULES_MUSL);
	expect_find(r, cfg, &x86_64_req, "libc1.so", NULL, NULL);
	wa_ld_config_free(cfg);
	wa_error_clear(&err);
	assert_int_not_equal(wa_ld_config_load(&cfg, &opt, &err), 0);
	assert_null(cfg);
	assert_int_equal(err.code, WA_ECONFIG);
	assert_string_equal(wa_ld_rules_name(WA_LD_RULES_ANDROID), "android");
	assert_string_equal(wa_ld_rules_name(WA_LD_RULES_AUTO), "auto");
}

/* ---- musl ---- */

static void expect_dirs(const struct root *r, const struct wa_ld_config *cfg,
			const struct wa_ld_request *req, const char *const *want, size_t n)
{
	const char *const *dirs;
	size_t got = wa_ld_system_dirs(cfg, req, &dirs);

	for (size_t i = 0; i < got && i < n; i++)
		assert_string_equal(dirs[i], at(r, want[i]));
	assert_int_equal(got, n);
}

static void musl_path_file_colon_and_newline(void **state)
{
	static const char *const want[] = {"/opt/a", "/opt/b", "/opt/c", "/opt/d"};
	struct root *r = *state;
	struct wa_ld_config *cfg;

	/* colons and newlines alike, empty entries and repeats dropped,
	 * relative entries (and musl's $ORIGIN, which it does not expand
	 * there) left out */
	write_text(r, "/etc/ld-musl-x86_64.path",
		   "/opt/a:/opt/b\n/opt/c\n\n::relative:$ORIGIN/x\n/opt/a/\n/opt//d");
	write_x86_64(r, "/opt/c/libm1.so");
	write_x86_64(r, "/lib/libm1.so");
	write_x86_64(r, "/lib/libm2.so");
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	expect_dirs(r, cfg, &x86_64_req, want, 4);
	expect_find(r, cfg, &x86_64_req, "libm1.so", "/opt/c/libm1.so", "ld-musl path");
	/* the file replaces the defaults */
	expect_find(r, cfg, &x86_64_req, "libm2.so", NULL, NULL);
	wa_ld_config_free(cfg);
}

static void musl_defaults_per_arch_and_empty_file(void **state)
{
	static const char *const defaults[] = {"/lib", "/usr/local/lib", "/usr/lib"};
	static const char *const mine[] = {"/x86"};
	struct root *r = *state;
	struct wa_ld_request a64 = {.elf_class = ELFCLASS64,
				    .data = ELFDATA2LSB,
				    .machine = EM_AARCH64};
	struct wa_ld_config *cfg;

	write_x86_64(r, "/usr/local/lib/libm3.so");
	write_elf(r, "/usr/lib/libm3.so", ELFCLASS64, ELFDATA2LSB, EM_AARCH64, 0);
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	expect_dirs(r, cfg, &x86_64_req, defaults, 3);
	expect_find(r, cfg, &x86_64_req, "libm3.so", "/usr/local/lib/libm3.so", "musl default");
	expect_find(r, cfg, &a64, "libm3.so", "/usr/lib/libm3.so", "musl default");
	wa_ld_config_free(cfg);
	/* each architecture has its own file */
	write_text(r, "/etc/ld-musl-x86_64.path", "/x86\n");
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	expect_dirs(r, cfg, &x86_64_req, mine, 1);
	expect_dirs(r, cfg, &a64, defaults, 3);
	wa_ld_config_free(cfg);
	/* an empty file: musl searches no system directory at all */
	write_text(r, "/etc/ld-musl-x86_64.path", "");
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	expect_dirs(r, cfg, &x86_64_req, NULL, 0);
	expect_find(r, cfg, &x86_64_req, "libm3.so", NULL, NULL);
	wa_ld_config_free(cfg);
	/* --ldpaths replaces the file */
	cfg = load_rules(r, WA_LD_RULES_MUSL, at(r, "/usr/local/lib"), NULL, NULL);
	expect_find(r, cfg, &x86_64_req, "libm3.so", "/usr/local/lib/libm3.so", "ldpaths");
	wa_ld_config_free(cfg);
}

static void musl_reads_no_ld_so_conf(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;

	write_text(r, "/etc/ld.so.conf", "/conf\n");
	write_x86_64(r, "/conf/libm4.so");
	write_x86_64(r, "/usr/lib/x86_64-linux-gnu/libm5.so");
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	expect_find(r, cfg, &x86_64_req, "libm4.so", NULL, NULL);
	/* nor glibc's multiarch default directories */
	expect_find(r, cfg, &x86_64_req, "libm5.so", NULL, NULL);
	wa_ld_config_free(cfg);
	cfg = load_rules(r, WA_LD_RULES_GLIBC, NULL, NULL, NULL);
	expect_find(r, cfg, &x86_64_req, "libm4.so", "/conf/libm4.so", "ld.so.conf");
	expect_find(r, cfg, &x86_64_req, "libm5.so", "/usr/lib/x86_64-linux-gnu/libm5.so",
		    "default");
	wa_ld_config_free(cfg);
}

static void musl_ld_library_path_comes_first(void **state)
{
	struct root *r = *state;
	char rp[600], llp[1200];
	const char *rpv[] = {rp};
	struct wa_ld_object obj = {.rpath = rpv, .n_rpath = 1};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	req.object = &obj;
	snprintf(rp, sizeof(rp), "%s", at(r, "/rpath"));
	/* musl splits at newlines, not at ';' */
	snprintf(llp, sizeof(llp), "%s\n%s;x", at(r, "/nl"), at(r, "/llp"));
	write_x86_64(r, "/rpath/libm6.so");
	write_x86_64(r, "/nl/libm6.so");
	write_x86_64(r, "/llp/libm7.so");
	write_x86_64(r, "/rpath/libm7.so");
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, llp, NULL);
	expect_find(r, cfg, &req, "libm6.so", "/nl/libm6.so", "LD_LIBRARY_PATH");
	expect_find(r, cfg, &req, "libm7.so", "/rpath/libm7.so", "rpath");
	wa_ld_config_free(cfg);
	/* glibc: DT_RPATH before LD_LIBRARY_PATH */
	cfg = load_rules(r, WA_LD_RULES_GLIBC, NULL, llp, NULL);
	expect_find(r, cfg, &req, "libm6.so", "/rpath/libm6.so", "rpath");
	wa_ld_config_free(cfg);
}

static void musl_inherits_rpath_and_runpath_along_chain(void **state)
{
	struct root *r = *state;
	char ra[600], rb[600], rc[600], rc2[600];
	const char *rav[] = {ra}, *rbv[] = {rb}, *rcv[] = {rc}, *rc2v[] = {rc2};
	/* a loads b loads c; a has DT_RPATH, b DT_RUNPATH, c both */
	struct wa_ld_object a = {.rpath = rav, .n_rpath = 1};
	struct wa_ld_object b = {.loader = &a, .runpath = rbv, .n_runpath = 1};
	struct wa_ld_object c = {.loader = &b,
				 .rpath = rcv,
				 .n_rpath = 1,
				 .runpath = rc2v,
				 .n_runpath = 1};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	snprintf(ra, sizeof(ra), "%s", at(r, "/ra"));
	snprintf(rb, sizeof(rb), "%s", at(r, "/rb"));
	snprintf(rc, sizeof(rc), "%s", at(r, "/rc"));
	snprintf(rc2, sizeof(rc2), "%s", at(r, "/rc2"));
	write_x86_64(r, "/ra/libn1.so");
	write_x86_64(r, "/rb/libn2.so");
	write_x86_64(r, "/ra/libn2.so");
	write_x86_64(r, "/rc/libn3.so"); /* c's DT_RPATH: hidden by its DT_RUNPATH */
	write_x86_64(r, "/rb/libn3.so");
	write_x86_64(r, "/rc2/libn4.so");
	write_x86_64(r, "/rb/libn4.so");
	req.object = &c;
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	expect_find(r, cfg, &req, "libn1.so", "/ra/libn1.so", "rpath");
	expect_find(r, cfg, &req, "libn2.so", "/rb/libn2.so", "runpath");
	expect_find(r, cfg, &req, "libn3.so", "/rb/libn3.so", "runpath");
	expect_find(r, cfg, &req, "libn4.so", "/rc2/libn4.so", "runpath");
	wa_ld_config_free(cfg);
	/* glibc: c has DT_RUNPATH, so no DT_RPATH at all, and b's DT_RUNPATH
	 * is b's alone */
	cfg = load_rules(r, WA_LD_RULES_GLIBC, NULL, NULL, NULL);
	expect_find(r, cfg, &req, "libn1.so", NULL, NULL);
	expect_find(r, cfg, &req, "libn2.so", NULL, NULL);
	expect_find(r, cfg, &req, "libn4.so", "/rc2/libn4.so", "runpath");
	wa_ld_config_free(cfg);
}

static void musl_expands_origin_only(void **state)
{
	struct root *r = *state;
	char origin[600], lib_entry[600];
	const char *own[] = {"$ORIGIN/../libs", "${ORIGIN}/more"};
	const char *bad[] = {lib_entry, "$ORIGIN/sib"};
	struct wa_ld_object loader = {.runpath = own, .n_runpath = 2};
	struct wa_ld_object obj = {.loader = &loader, .rpath = bad, .n_rpath = 2};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	snprintf(origin, sizeof(origin), "%s", at(r, "/pkg/mod"));
	snprintf(lib_entry, sizeof(lib_entry), "%s/$LIB", r->dir);
	loader.origin = origin;
	obj.origin = origin;
	req.object = &obj;
	write_x86_64(r, "/pkg/libs/libo1.so");
	write_x86_64(r, "/pkg/mod/more/libo2.so");
	write_x86_64(r, "/lib64/libo3.so"); /* what glibc's $LIB would reach */
	write_x86_64(r, "/pkg/mod/sib/libo4.so");
	cfg = load_rules(r, WA_LD_RULES_MUSL, at(r, "/none"), NULL, NULL);
	expect_find(r, cfg, &req, "libo2.so", "/pkg/mod/more/libo2.so", "runpath");
	{
		char *path = NULL;
		const char *why = NULL;
		struct wa_error err;

		wa_error_clear(&err);
		assert_int_equal(wa_ld_find(cfg, &req, "libo1.so", &path, &why, &err), 0);
		assert_non_null(path);
		assert_string_equal(path, at(r, "/pkg/mod/../libs/libo1.so"));
		assert_string_equal(why, "runpath");
		free(path);
	}
	/* the object's path holds $LIB: musl ignores all of it, the $ORIGIN
	 * entry beside it included */
	expect_find(r, cfg, &req, "libo3.so", NULL, NULL);
	expect_find(r, cfg, &req, "libo4.so", NULL, NULL);
	/* one expansion at a time, through the API */
	req.origin = "/o";
	req.rules = WA_LD_RULES_MUSL;
	expect_expand(NULL, &req, "$ORIGIN/x:${ORIGIN}/y", "/o/x:/o/y");
	expect_expand(NULL, &req, "$ORIGINAL", "/oAL");
	expect_expand(NULL, &req, "/usr/$LIB", NULL);
	expect_expand(NULL, &req, "/usr/$PLATFORM", NULL);
	expect_expand(NULL, &req, "/plain", "/plain");
	req.origin = NULL;
	expect_expand(NULL, &req, "$ORIGIN/x", NULL);
	wa_ld_config_free(cfg);
}

static void musl_arch_names(void **state)
{
	static const struct {
		uint8_t cls, data;
		uint16_t machine;
		uint32_t flags;
		const char *name;
	} cases[] = {
		{ELFCLASS64, ELFDATA2LSB, EM_X86_64, 0, "x86_64"},
		{ELFCLASS32, ELFDATA2LSB, EM_X86_64, 0, "x32"},
		{ELFCLASS32, ELFDATA2LSB, EM_386, 0, "i386"},
		{ELFCLASS64, ELFDATA2LSB, EM_AARCH64, 0, "aarch64"},
		{ELFCLASS64, ELFDATA2MSB, EM_AARCH64, 0, "aarch64_be"},
		{ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x05000400, "armhf"},
		{ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x05000200, "arm"},
		{ELFCLASS32, ELFDATA2MSB, EM_ARM, 0x05000200, "armeb"},
		{ELFCLASS32, ELFDATA2MSB, EM_ARM, 0x05000400, "armebhf"},
		{ELFCLASS32, ELFDATA2MSB, EM_MIPS, 0x50001007, "mips"},
		{ELFCLASS32, ELFDATA2LSB, EM_MIPS, 0x50001007, "mipsel"},
		{ELFCLASS32, ELFDATA2LSB, EM_MIPS, 0x90001407, "mipsr6el"},
		{ELFCLASS32, ELFDATA2MSB, EM_MIPS, 0x80000027, "mipsn32"},
		{ELFCLASS64, ELFDATA2LSB, EM_MIPS, 0x80000007, "mips64el"},
		{ELFCLASS64, ELFDATA2MSB, EM_MIPS, 0xa0000407, "mips64r6"},
		{ELFCLASS32, ELFDATA2MSB, EM_PPC, 0, "powerpc"},
		{ELFCLASS64, ELFDATA2MSB, EM_PPC64, 1, "powerpc64"},
		{ELFCLASS64, ELFDATA2LSB, EM_PPC64, 2, "powerpc64le"},
		{ELFCLASS64, ELFDATA2MSB, EM_S390, 0, "s390x"},
		{ELFCLASS64, ELFDATA2LSB, EM_RISCV, 0x5, "riscv64"},
		{ELFCLASS64, ELFDATA2LSB, EM_RISCV, 0x1, "riscv64-sf"},
		{ELFCLASS64, ELFDATA2LSB, EM_RISCV, 0x3, "riscv64-sp"},
		{ELFCLASS32, ELFDATA2LSB, EM_RISCV, 0x5, "riscv32"},
		{ELFCLASS64, ELFDATA2LSB, 258 /* LoongArch */, 0x43, "loongarch64"},
		{ELFCLASS64, ELFDATA2LSB, 258, 0x41, "loongarch64-sf"},
		{ELFCLASS32, ELFDATA2MSB, EM_S390, 0, NULL},
		{ELFCLASS64, ELFDATA2LSB, EM_RISCV, 0x7, NULL}, /* quad float */
		{ELFCLASS64, ELFDATA2MSB, EM_SPARCV9, 0, NULL},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct wa_ld_request req = {.elf_class = cases[i].cls,
					    .data = cases[i].data,
					    .machine = cases[i].machine,
					    .flags = cases[i].flags};
		const char *got = wa_ld_musl_arch(&req);

		if (!cases[i].name) {
			if (got)
				fail_msg("case %zu: %s, expected none", i, got);
			continue;
		}
		if (!got || strcmp(got, cases[i].name) != 0)
			fail_msg("case %zu: %s, expected %s", i, got ? got : "(none)",
				 cases[i].name);
	}
}

static void musl_path_file_named_after_arch(void **state)
{
	struct root *r = *state;
	struct wa_ld_request armhf = {.elf_class = ELFCLASS32,
				      .data = ELFDATA2LSB,
				      .machine = EM_ARM,
				      .flags = 0x05000400};
	struct wa_ld_request arm = armhf;
	struct wa_ld_config *cfg;

	arm.flags = 0x05000200;
	write_text(r, "/etc/ld-musl-armhf.path", "/hf\n");
	write_text(r, "/etc/ld-musl-arm.path", "/sf\n");
	write_elf(r, "/hf/libp.so", ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x05000400);
	write_elf(r, "/sf/libp.so", ELFCLASS32, ELFDATA2LSB, EM_ARM, 0x05000200);
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	/* one config, two float ABIs: each reads its own file */
	expect_find(r, cfg, &armhf, "libp.so", "/hf/libp.so", "ld-musl path");
	expect_find(r, cfg, &arm, "libp.so", "/sf/libp.so", "ld-musl path");
	expect_find(r, cfg, &armhf, "libp.so", "/hf/libp.so", "ld-musl path");
	wa_ld_config_free(cfg);
}

/* Copies a fixture file into the root. */
static void copy_fixture(const struct root *r, const char *fixture, const char *rel)
{
	char src[512], *buf;
	FILE *in;
	struct stat st;

	snprintf(src, sizeof(src), "%s/elf/%s", WA_FIXTURE_DIR, fixture);
	if (stat(src, &st) != 0)
		fail_msg("fixture %s was not built", src);
	buf = malloc((size_t)st.st_size + 1);
	assert_non_null(buf);
	in = fopen(src, "rb");
	assert_non_null(in);
	assert_int_equal(fread(buf, 1, (size_t)st.st_size, in), (size_t)st.st_size);
	fclose(in);
	write_file(r, rel, buf, (size_t)st.st_size);
	free(buf);
}

static void musl_rules_find_real_musl_library(void **state)
{
#if !defined(WA_HAVE_MUSL)
	(void)state;
	skip(); /* musl-gcc is not installed: no musl build to find */
#else
	struct root *r = *state;
	struct wa_ld_request a64 = {.elf_class = ELFCLASS64,
				    .data = ELFDATA2LSB,
				    .machine = EM_AARCH64};
	struct wa_ld_config *cfg;

	/* the aarch64 glibc build comes first in the path file: the class and
	 * machine filter passes over it (where musl would stop at it) */
	write_text(r, "/etc/ld-musl-x86_64.path", "/opt/cross/lib:/opt/musl/lib\n");
#if defined(WA_HAVE_AARCH64_GCC)
	copy_fixture(r, "ldlib_aarch64_glibc.so", "/opt/cross/lib/libwald.so.1");
#else
	copy_fixture(r, "aarch64_217.so", "/opt/cross/lib/libwald.so.1");
#endif
	copy_fixture(r, "ldlib_musl.so", "/opt/musl/lib/libwald.so.1");
	write_prog(r, "/bin/sh", "/lib/ld-musl-x86_64.so.1");
	cfg = load(r, NULL, NULL, NULL);
	assert_int_equal(wa_ld_config_rules(cfg), WA_LD_RULES_MUSL);
	expect_find(r, cfg, &x86_64_req, "libwald.so.1", "/opt/musl/lib/libwald.so.1",
		    "ld-musl path");
	/* the aarch64 build is what an aarch64 requester would get, from
	 * musl's defaults (no ld-musl-aarch64.path here) only: none */
	expect_find(r, cfg, &a64, "libwald.so.1", NULL, NULL);
	wa_ld_config_free(cfg);
	cfg = load(r, at(r, "/opt/cross/lib"), NULL, NULL);
	expect_find(r, cfg, &a64, "libwald.so.1", "/opt/cross/lib/libwald.so.1", "ldpaths");
	expect_find(r, cfg, &x86_64_req, "libwald.so.1", NULL, NULL);
	wa_ld_config_free(cfg);
#endif
}

/* ---- Android ---- */

static void android_uses_only_extra_runpath_and_ldpaths(void **state)
{
	struct root *r = *state;
	char origin[600], rp[600], abs_run[600], llp[600];
	const char *rpv[] = {rp};
	const char *runv[] = {abs_run, "$ORIGIN/../sib", "${ORIGIN}/$LIB"};
	struct wa_ld_object loader = {.runpath = runv + 1, .n_runpath = 1};
	struct wa_ld_object obj = {.loader = &loader,
				   .rpath = rpv,
				   .n_rpath = 1,
				   .runpath = runv,
				   .n_runpath = 3};
	struct wa_ld_request req = x86_64_req;
	struct wa_ld_config *cfg;

	snprintf(origin, sizeof(origin), "%s", at(r, "/sysroot/mod"));
	snprintf(rp, sizeof(rp), "%s", at(r, "/rpath"));
	snprintf(abs_run, sizeof(abs_run), "%s", at(r, "/absrun"));
	snprintf(llp, sizeof(llp), "%s", at(r, "/llp"));
	obj.origin = origin;
	loader.origin = origin;
	req.object = &obj;
	req.rules = WA_LD_RULES_ANDROID;
	write_text(r, "/etc/ld.so.conf", "/conf\n");
	write_text(r, "/etc/ld-musl-x86_64.path", "/muslp\n");
	write_x86_64(r, "/conf/liba1.so");
	write_x86_64(r, "/usr/lib/liba1.so");
	write_x86_64(r, "/lib/x86_64-linux-gnu/liba1.so");
	write_x86_64(r, "/muslp/liba1.so");
	write_x86_64(r, "/llp/liba1.so");
	write_x86_64(r, "/rpath/liba1.so");
	write_x86_64(r, "/absrun/liba1.so");
	write_x86_64(r, "/extra/liba2.so");
	write_x86_64(r, "/sysroot/lib/liba2.so");
	write_x86_64(r, "/sysroot/sib/liba3.so");
	write_x86_64(r, "/sysroot/lib/liba3.so");
	write_x86_64(r, "/sysroot/mod/lib64/liba4.so");
	write_x86_64(r, "/sysroot/lib/liba5.so");
	write_x86_64(r, "/conf/liba6.so");

	/* without --ldpaths nothing of the build machine is searched */
	cfg = load_rules(r, WA_LD_RULES_AUTO, NULL, llp, at(r, "/extra"));
	expect_dirs(r, cfg, &req, NULL, 0);
	expect_find(r, cfg, &req, "liba1.so", NULL, NULL);
	expect_find(r, cfg, &req, "liba2.so", "/extra/liba2.so", "LD_LIBRARY_PATH");
	expect_find(r, cfg, &req, "liba3.so", "/sysroot/mod/../sib/liba3.so", "runpath");
	expect_find(r, cfg, &req, "liba4.so", "/sysroot/mod/lib64/liba4.so", "runpath");
	expect_find(r, cfg, &req, "liba5.so", NULL, NULL);
	/* the same config serves the host's rules: its own lists */
	{
		struct wa_ld_request host = req;

		host.rules = WA_LD_RULES_AUTO;
		expect_find(r, cfg, &host, "liba1.so", "/llp/liba1.so", "LD_LIBRARY_PATH");
		expect_find(r, cfg, &host, "liba6.so", "/conf/liba6.so", "ld.so.conf");
		expect_find(r, cfg, &req, "liba6.so", NULL, NULL);
		expect_find(r, cfg, &req, "liba1.so", NULL, NULL);
	}
	wa_ld_config_free(cfg);

	/* with --ldpaths (and a musl host, whose rules do not apply) */
	cfg = load_rules(r, WA_LD_RULES_MUSL, at(r, "/sysroot/lib"), llp, NULL);
	{
		static const char *const want[] = {"/sysroot/lib"};

		expect_dirs(r, cfg, &req, want, 1);
	}
	expect_find(r, cfg, &req, "liba1.so", NULL, NULL);
	expect_find(r, cfg, &req, "liba2.so", "/sysroot/lib/liba2.so", "ldpaths");
	expect_find(r, cfg, &req, "liba3.so", "/sysroot/mod/../sib/liba3.so", "runpath");
	expect_find(r, cfg, &req, "liba5.so", "/sysroot/lib/liba5.so", "ldpaths");
	/* a wheel member (no host directory): its $ORIGIN entries point into
	 * the wheel, the caller's business */
	obj.origin = NULL;
	expect_find(r, cfg, &req, "liba3.so", "/sysroot/lib/liba3.so", "ldpaths");
	wa_ld_config_free(cfg);

	/* bionic's tokens: $ORIGIN and $LIB by prefix, others as written */
	req.origin = "/o";
	expect_expand(NULL, &req, "$ORIGIN/$LIB/$PLATFORM", "/o/lib64/$PLATFORM");
	expect_expand(NULL, &req, "${ORIGIN}/${LIB}x", "/o/lib64x");
	req.elf_class = ELFCLASS32;
	req.machine = EM_386;
	expect_expand(NULL, &req, "$ORIGIN/$LIB", "/o/lib");
}

/* ---- glibc-hwcaps ---- */

static void hwcaps_directories_are_skipped(void **state)
{
	struct root *r = *state;
	struct wa_ld_config *cfg;
	char llp[1200], ldp[1200], rp[600], direct[600];
	const char *rpv[] = {rp};
	struct wa_ld_object obj = {.rpath = rpv, .n_rpath = 1};
	struct wa_ld_request req = x86_64_req;
	const char *const *dirs;
	size_t n;

	write_text(r, "/etc/ld.so.conf",
		   "/usr/lib/glibc-hwcaps/x86-64-v3\n/opt/glibc-hwcapsish\n/opt/ok\n");
	write_x86_64(r, "/usr/lib/glibc-hwcaps/x86-64-v3/libh1.so");
	write_x86_64(r, "/opt/ok/libh1.so");
	write_x86_64(r, "/opt/glibc-hwcapsish/libh2.so");
	write_x86_64(r, "/hw/glibc-hwcaps/x86-64-v4/libh3.so");
	write_x86_64(r, "/plain/libh3.so");
	write_x86_64(r, "/rp/glibc-hwcaps/x86-64-v2/libh4.so");
	cfg = load(r, NULL, NULL, NULL);
	n = wa_ld_system_dirs(cfg, &x86_64_req, &dirs);
	for (size_t i = 0; i < n; i++)
		assert_null(strstr(dirs[i], "glibc-hwcaps/"));
	assert_string_equal(dirs[0], at(r, "/opt/glibc-hwcapsish"));
	expect_find(r, cfg, &x86_64_req, "libh1.so", "/opt/ok/libh1.so", "ld.so.conf");
	expect_find(r, cfg, &x86_64_req, "libh2.so", "/opt/glibc-hwcapsish/libh2.so", "ld.so.conf");
	/* a name with a slash into such a directory */
	snprintf(direct, sizeof(direct), "%s", at(r, "/hw/glibc-hwcaps/x86-64-v4/libh3.so"));
	expect_find(r, cfg, &x86_64_req, direct, NULL, NULL);
	wa_ld_config_free(cfg);

	snprintf(llp, sizeof(llp), "%s:%s", at(r, "/hw/glibc-hwcaps/x86-64-v4"), at(r, "/plain"));
	snprintf(ldp, sizeof(ldp), "%s:%s", at(r, "/hw/glibc-hwcaps/x86-64-v4/"), at(r, "/plain"));
	snprintf(rp, sizeof(rp), "%s", at(r, "/rp/glibc-hwcaps/x86-64-v2"));
	req.object = &obj;
	cfg = load(r, ldp, llp, NULL);
	expect_find(r, cfg, &x86_64_req, "libh3.so", "/plain/libh3.so", "LD_LIBRARY_PATH");
	n = wa_ld_system_dirs(cfg, &x86_64_req, &dirs);
	assert_int_equal(n, 1);
	assert_string_equal(dirs[0], at(r, "/plain"));
	expect_find(r, cfg, &req, "libh4.so", NULL, NULL);
	wa_ld_config_free(cfg);
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, llp, NULL);
	expect_find(r, cfg, &req, "libh3.so", "/plain/libh3.so", "LD_LIBRARY_PATH");
	expect_find(r, cfg, &req, "libh4.so", NULL, NULL);
	wa_ld_config_free(cfg);
	write_text(r, "/etc/ld-musl-x86_64.path", "/usr/lib/glibc-hwcaps/x86-64-v3:/opt/ok\n");
	cfg = load_rules(r, WA_LD_RULES_MUSL, NULL, NULL, NULL);
	n = wa_ld_system_dirs(cfg, &x86_64_req, &dirs);
	assert_int_equal(n, 1);
	expect_find(r, cfg, &x86_64_req, "libh1.so", "/opt/ok/libh1.so", "ld-musl path");
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
		ROOTED(detect_musl_from_bin_sh),
		ROOTED(detect_glibc_from_bin_sh_despite_musl_loader),
		ROOTED(detect_musl_from_loader_file),
		ROOTED(detect_survives_link_loops_and_escapes),
		ROOTED(forced_rules_win_over_detection),
		ROOTED(musl_path_file_colon_and_newline),
		ROOTED(musl_defaults_per_arch_and_empty_file),
		ROOTED(musl_reads_no_ld_so_conf),
		ROOTED(musl_ld_library_path_comes_first),
		ROOTED(musl_inherits_rpath_and_runpath_along_chain),
		ROOTED(musl_expands_origin_only),
		cmocka_unit_test(musl_arch_names),
		ROOTED(musl_path_file_named_after_arch),
		ROOTED(musl_rules_find_real_musl_library),
		ROOTED(android_uses_only_extra_runpath_and_ldpaths),
		ROOTED(hwcaps_directories_are_skipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
