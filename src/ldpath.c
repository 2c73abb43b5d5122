/* SPDX-License-Identifier: MIT */
/*
 * Library search as glibc's, musl's or bionic's dynamic loader does it
 * (see ldpath.h).
 *
 * The configuration holds what does not depend on the requester: the host
 * rules (detected or forced), the --ldpaths directories and the raw
 * LD_LIBRARY_PATH / WHEELAUDIT_LD_LIBRARY_PATH entries.  What does depend
 * on it - the system directories of a rule set and architecture (the
 * ld.so.conf ones, read once on first use; the ld-musl-<arch>.path ones;
 * the defaults), $LIB, $PLATFORM - is worked out per request and kept,
 * keyed by rules and architecture.  Every candidate file is opened and its ELF
 * header read once: a cache behind the (const) configuration remembers
 * what each path turned out to be, so a repair that searches for dozens
 * of libraries through the same directories costs a handful of syscalls.
 * The cache is locked, so several threads may search with one config.
 *
 * Deliberate differences from the loaders (documented in docs/lddtree.md):
 * /etc/ld.so.cache is not read (its directories come from ld.so.conf and
 * the defaults, which is what the cache is built from); glibc-hwcaps and
 * legacy hwcap subdirectories are not searched, and a directory that is
 * such a subdirectory is skipped wherever it is listed (a library copied
 * from it would need an ISA level the wheel does not state); an empty
 * path entry (which glibc takes as the current directory) is skipped; a
 * candidate that is not ELF or has the wrong byte order or machine is
 * skipped, where glibc would stop with an error and musl would take the
 * first file that opens.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "wheelaudit/ldpath.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wheelaudit/arena.h"
#include "wheelaudit/buf.h"
#include "wheelaudit/bytes.h"

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif
#ifndef EF_ARM_ABI_FLOAT_SOFT
#define EF_ARM_ABI_FLOAT_SOFT 0x200
#endif
#ifndef EF_ARM_ABI_FLOAT_HARD
#define EF_ARM_ABI_FLOAT_HARD 0x400
#endif
#ifndef EF_MIPS_ABI2
#define EF_MIPS_ABI2 0x20
#endif
#define RISCV_FLOAT_ABI_MASK 0x6u /* EF_RISCV_FLOAT_ABI */
#define PPC64_ABI_MASK 0x3u       /* EF_PPC64_ABI: ELFv1 / ELFv2 */

/* Bounds that keep a hostile or broken ld.so.conf from running away. */
#define MAX_CONF_FILES 4096
#define MAX_CONF_DEPTH 32
/* musl reads its path file whole; a larger one is not a path list. */
#define MAX_MUSL_PATH_FILE (1u << 20)
/* Symbolic links followed while resolving /bin/sh inside a root (as Linux). */
#define MAX_LINKS 40
#ifndef EF_MIPS_ARCH
#define EF_MIPS_ARCH 0xf0000000u
#endif
#define MIPS_ARCH_32R6 0x90000000u
#define MIPS_ARCH_64R6 0xa0000000u

/* ---- what a candidate file turned out to be --------------------------- */

enum probe_state {
	PROBE_ABSENT,  /* cannot be opened, or not a regular file */
	PROBE_NOT_ELF, /* too short, no ELF magic, or not a loadable type */
	PROBE_ELF,
	PROBE_DIR_OK,      /* (directory keys) exists and is a directory */
	PROBE_DIR_MISSING, /* (directory keys) cannot be searched */
};

struct probe {
	char *path; /* key: a file path, or a directory path ending in '/' */
	enum probe_state state;
	uint8_t elf_class, data;
	uint16_t machine;
	uint32_t flags;
};

/* The system directories for one rule set and architecture, built on first use. */
struct arch_dirs {
	struct arch_dirs *next;
	enum wa_ld_rules rules;
	uint8_t elf_class, data;
	uint16_t machine;
	uint32_t abi; /* the e_flags bits that pick the ABI variant */
	const char **dirs;
	const char **why;
	size_t n;
};

struct ld_cache {
	pthread_mutex_t lock;
	struct wa_arena arena;
	struct probe **slots; /* open addressing; heap */
	size_t cap, len;
	struct arch_dirs *arches;
	bool conf_read;             /* ld.so.conf has been read into conf_dirs */
	struct wa_ptrvec conf_dirs; /* root-prefixed, normalised, de-duplicated */
};

struct wa_ld_config {
	struct wa_arena arena;
	const char *root;           /* "" for the real root, else without a trailing '/' */
	enum wa_ld_rules rules;     /* the host's: GLIBC, MUSL or (forced) ANDROID */
	bool replaced;              /* --ldpaths given: ldpaths replaces the system lists */
	bool debian_lib;            /* Debian's glibc: $LIB is "lib/<triplet>" */
	struct wa_ptrvec ldpaths;   /* normalised, de-duplicated */
	struct wa_ptrvec llp_glibc; /* LD_LIBRARY_PATH, raw entries split as glibc does */
	struct wa_ptrvec llp_musl;  /* the same split as musl does */
	struct wa_ptrvec extra;     /* raw entries */
	struct ld_cache *cache;     /* mutable behind the const config */
};

/* ---- the architecture table ------------------------------------------ */

/*
 * What glibc and Debian call an architecture: the multiarch triplet, the
 * directory glibc installs into (slibdir's last part; "lib" needs no
 * extra entry), and the AT_PLATFORM string the kernel usually passes
 * (NULL where it passes none: $PLATFORM entries are then dropped).
 */
struct arch_info {
	const char *triplet;
	const char *libdir;  /* "lib64", "lib32", "libx32", "lib64/lp64d", "lib" */
	const char *lib_dst; /* upstream $LIB: the last part of slibdir */
	const char *platform;
};

static bool is_lsb(const struct wa_ld_request *r)
{
	return r->data == ELFDATA2LSB;
}

static bool is_64(const struct wa_ld_request *r)
{
	return r->elf_class == ELFCLASS64;
}

static struct arch_info arm_info(const struct wa_ld_request *r)
{
	bool hard = (r->flags & EF_ARM_ABI_FLOAT_HARD) != 0;

	if (!is_lsb(r))
		return (struct arch_info){hard ? "armeb-linux-gnueabihf" : "armeb-linux-gnueabi",
					  "lib", "lib", "v7b"};
	return (struct arch_info){hard ? "arm-linux-gnueabihf" : "arm-linux-gnueabi", "lib", "lib",
				  "v7l"};
}

static struct arch_info mips_info(const struct wa_ld_request *r)
{
	bool le = is_lsb(r);

	if (is_64(r))
		return (struct arch_info){le ? "mips64el-linux-gnuabi64" : "mips64-linux-gnuabi64",
					  "lib64", "lib64", le ? "mips64el" : "mips64"};
	if (r->flags & EF_MIPS_ABI2)
		return (struct arch_info){le ? "mips64el-linux-gnuabin32"
					     : "mips64-linux-gnuabin32",
					  "lib32", "lib32", le ? "mips64el" : "mips64"};
	return (struct arch_info){le ? "mipsel-linux-gnu" : "mips-linux-gnu", "lib", "lib",
				  le ? "mipsel" : "mips"};
}

static struct arch_info riscv_info(const struct wa_ld_request *r)
{
	/* glibc installs RISC-V libraries under lib64/<abi> (lp64d for the
	 * double-float ABI every distribution ships); the kernel passes no
	 * AT_PLATFORM. */
	bool dbl = (r->flags & RISCV_FLOAT_ABI_MASK) == 0x4;

	if (is_64(r))
		return (struct arch_info){"riscv64-linux-gnu", dbl ? "lib64/lp64d" : "lib64/lp64",
					  dbl ? "lp64d" : "lp64", NULL};
	return (struct arch_info){"riscv32-linux-gnu", dbl ? "lib32/ilp32d" : "lib32/ilp32",
				  dbl ? "ilp32d" : "ilp32", NULL};
}

/*
 * AT_PLATFORM is the kernel's, and depends on the CPU on some
 * architectures (POWER and Z name the processor generation); the value
 * used is that of the oldest CPU the manylinux policies allow.
 */
static struct arch_info arch_of(const struct wa_ld_request *r)
{
	switch (r->machine) {
	case EM_X86_64:
		if (!is_64(r)) /* x32 */
			return (struct arch_info){"x86_64-linux-gnux32", "libx32", "libx32",
						  "x86_64"};
		return (struct arch_info){"x86_64-linux-gnu", "lib64", "lib64", "x86_64"};
	case EM_386: return (struct arch_info){"i386-linux-gnu", "lib", "lib", "i686"};
	case EM_AARCH64:
		return (struct arch_info){is_lsb(r) ? "aarch64-linux-gnu" : "aarch64_be-linux-gnu",
					  "lib64", "lib64", is_lsb(r) ? "aarch64" : "aarch64_be"};
	case EM_ARM: return arm_info(r);
	case EM_PPC64:
		return (struct arch_info){is_lsb(r) ? "powerpc64le-linux-gnu"
						    : "powerpc64-linux-gnu",
					  "lib64", "lib64", "power8"};
	case EM_PPC: return (struct arch_info){"powerpc-linux-gnu", "lib", "lib", "ppc"};
	case EM_S390:
		if (is_64(r))
			return (struct arch_info){"s390x-linux-gnu", "lib64", "lib64", "z13"};
		return (struct arch_info){"s390-linux-gnu", "lib", "lib", "z13"};
	case EM_RISCV: return riscv_info(r);
	case EM_MIPS: return mips_info(r);
	case EM_LOONGARCH:
		return (struct arch_info){"loongarch64-linux-gnu", "lib64", "lib64", "loongarch"};
	case EM_SPARCV9:
		return (struct arch_info){"sparc64-linux-gnu", "lib64", "lib64", "sparc64"};
	case EM_SPARC:
	case EM_SPARC32PLUS: return (struct arch_info){"sparc-linux-gnu", "lib", "lib", "sparc"};
	default: return (struct arch_info){NULL, "lib", "lib", NULL};
	}
}

/* The e_flags bits the loader compares for this machine (0: none). */
static uint32_t abi_bits(uint16_t machine, uint8_t elf_class, uint32_t flags)
{
	switch (machine) {
	case EM_ARM: return flags & (EF_ARM_ABI_FLOAT_HARD | EF_ARM_ABI_FLOAT_SOFT);
	case EM_MIPS: return elf_class == ELFCLASS32 ? (flags & EF_MIPS_ABI2) : 0;
	case EM_RISCV: return flags & RISCV_FLOAT_ABI_MASK;
	case EM_PPC64: return flags & PPC64_ABI_MASK;
	default: return 0;
	}
}

bool wa_ld_compatible(const struct wa_ld_request *req, uint8_t elf_class, uint8_t data,
		      uint16_t machine, uint32_t flags)
{
	uint32_t want, have;

	if (elf_class != req->elf_class || data != req->data || machine != req->machine)
		return false;
	want = abi_bits(req->machine, req->elf_class, req->flags);
	have = abi_bits(machine, elf_class, flags);
	switch (machine) {
	case EM_ARM:
	case EM_PPC64:
		/* An object that states no float ABI (old EABI) or no ELF ABI
		 * version is accepted by either loader. */
		return !want || !have || want == have;
	default: return want == have;
	}
}

/* ---- musl's architecture names ------------------------------------------ */

/*
 * musl names its loader and path file after the port it was built for:
 * the base name, then suffixes for the ISA revision (MIPS r6), the byte
 * order when it is not the port's usual one ("el", "eb", "_be", "le") and
 * the float ABI ("hf" for ARM hard float; "-sf"/"-sp" for soft and single
 * float on RISC-V and LoongArch).
 */
static const char *musl_mips(const struct wa_ld_request *r)
{
	static const char *const names[3][2][2] = {
		{{"mips", "mipsel"}, {"mipsr6", "mipsr6el"}},
		{{"mipsn32", "mipsn32el"}, {"mipsn32r6", "mipsn32r6el"}},
		{{"mips64", "mips64el"}, {"mips64r6", "mips64r6el"}},
	};
	uint32_t arch = r->flags & EF_MIPS_ARCH;
	int abi = is_64(r) ? 2 : (r->flags & EF_MIPS_ABI2) ? 1 : 0;
	int r6 = arch == MIPS_ARCH_32R6 || arch == MIPS_ARCH_64R6;

	return names[abi][r6][is_lsb(r)];
}

static const char *musl_riscv(const struct wa_ld_request *r)
{
	/* soft, single, double; musl has no quad-float port */
	static const char *const names[2][3] = {{"riscv32-sf", "riscv32-sp", "riscv32"},
						{"riscv64-sf", "riscv64-sp", "riscv64"}};
	uint32_t fabi = (r->flags & RISCV_FLOAT_ABI_MASK) >> 1;

	return fabi < 3 ? names[is_64(r)][fabi] : NULL;
}

const char *wa_ld_musl_arch(const struct wa_ld_request *req)
{
	static const char *const arm[2][2] = {{"armeb", "armebhf"}, {"arm", "armhf"}};

	switch (req->machine) {
	case EM_X86_64: return is_64(req) ? "x86_64" : "x32";
	case EM_386: return "i386";
	case EM_AARCH64: return is_lsb(req) ? "aarch64" : "aarch64_be";
	case EM_ARM: return arm[is_lsb(req)][(req->flags & EF_ARM_ABI_FLOAT_HARD) != 0];
	case EM_MIPS: return musl_mips(req);
	case EM_PPC: return "powerpc";
	case EM_PPC64: return is_lsb(req) ? "powerpc64le" : "powerpc64";
	case EM_S390: return is_64(req) ? "s390x" : NULL;
	case EM_RISCV: return musl_riscv(req);
	case EM_LOONGARCH:
		/* EF_LOONGARCH_ABI_MODIFIER: 1 soft, 2 single, 3 double float */
		switch (req->flags & 0x7u) {
		case 1: return "loongarch64-sf";
		case 2: return "loongarch64-sp";
		default: return "loongarch64";
		}
	default: return NULL;
	}
}

/* ---- small string helpers --------------------------------------------- */

/* Copies a directory path with repeated and trailing slashes removed. */
static char *normalise_dir(struct wa_arena *a, const char *dir, size_t len)
{
	char *out = wa_arena_alloc(a, len + 1);
	size_t n = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (dir[i] == '/' && n > 0 && out[n - 1] == '/')
			continue;
		out[n++] = dir[i];
	}
	while (n > 1 && out[n - 1] == '/')
		n--;
	out[n] = '\0';
	return out;
}

static bool contains(const struct wa_ptrvec *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(v->items[i], s) == 0)
			return true;
	return false;
}

/* Splits a list at any of seps and appends the non-empty entries as copies. */
static int split_list(struct wa_arena *a, struct wa_ptrvec *v, const char *list, const char *seps)
{
	const char *p = list;

	while (p && *p) {
		size_t n = strcspn(p, seps);
		char *entry;

		/* The loader reads an empty entry as the current directory;
		 * for an auditor that is never what was meant. */
		if (n > 0) {
			entry = wa_arena_strndup(a, p, n);
			if (!entry || wa_ptrvec_push(a, v, entry))
				return -1;
		}
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* ---- ld.so.conf ------------------------------------------------------- */

struct conf_reader {
	const char *root;
	struct wa_arena *arena;
	struct wa_ptrvec *dirs; /* where the directories go */
	struct wa_ptrvec seen;  /* real paths of the files read, to cut loops */
	size_t files;
};

/* Adds an absolute directory of a system list, root-prefixed and normalised. */
static int add_rooted_dir(struct wa_arena *a, struct wa_ptrvec *dirs, const char *root,
			  const char *dir, size_t len)
{
	char *full, *norm;

	if (len == 0 || dir[0] != '/')
		return 0;
	full = wa_arena_printf(a, "%s%.*s", root, (int)len, dir);
	if (!full)
		return -1;
	norm = normalise_dir(a, full, strlen(full));
	if (!norm)
		return -1;
	if (contains(dirs, norm))
		return 0;
	return wa_ptrvec_push(a, dirs, norm);
}

static int add_conf_dir(struct conf_reader *r, const char *dir, size_t len)
{
	/* ldconfig takes only absolute directories; "DIR=TYPE" is the old
	 * libc4/5 notation, of which the directory counts. */
	return add_rooted_dir(r->arena, r->dirs, r->root, dir, len);
}

static int read_conf_file(struct conf_reader *r, const char *path, int depth);

/* "include PATTERN...": relative patterns are relative to the including file. */
static int read_conf_include(struct conf_reader *r, const char *including, const char *pattern,
			     int depth)
{
	struct wa_arena *a = r->arena;
	const char *full;
	glob_t gl;
	int rc = 0;

	if (pattern[0] == '/') {
		full = wa_arena_printf(a, "%s%s", r->root, pattern);
	} else {
		const char *slash = strrchr(including, '/');
		int dirlen = slash ? (int)(slash - including) : 1;

		full = wa_arena_printf(a, "%.*s/%s", dirlen, slash ? including : ".", pattern);
	}
	if (!full)
		return -1;
	memset(&gl, 0, sizeof(gl));
	if (glob(full, 0, NULL, &gl) != 0) {
		globfree(&gl);
		return 0; /* no match, or unreadable: nothing to include */
	}
	for (size_t i = 0; i < gl.gl_pathc && rc == 0; i++)
		rc = read_conf_file(r, gl.gl_pathv[i], depth + 1);
	globfree(&gl);
	return rc;
}

/* One line: "include ...", "hwcap ..." (ignored), or a directory. */
static int read_conf_line(struct conf_reader *r, const char *file, char *line, int depth)
{
	char *hash = strchr(line, '#');
	char *p, *end;

	if (hash)
		*hash = '\0';
	p = line + strspn(line, " \t\r\n");
	end = p + strlen(p);
	while (end > p && strchr(" \t\r\n", end[-1]))
		end--;
	*end = '\0';
	if (*p == '\0')
		return 0;
	if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
		p += 8;
		while (*p) {
			size_t n;

			p += strspn(p, " \t");
			n = strcspn(p, " \t");
			if (n == 0)
				break;
			if (p[n])
				p[n++] = '\0';
			if (read_conf_include(r, file, p, depth))
				return -1;
			p += n;
		}
		return 0;
	}
	if (strncmp(p, "hwcap", 5) == 0 && (p[5] == ' ' || p[5] == '\t'))
		return 0;
	return add_conf_dir(r, p, strcspn(p, "="));
}

/* Reads one configuration file; a missing or unreadable one adds nothing. */
static int read_conf_file(struct conf_reader *r, const char *path, int depth)
{
	char *real, *line = NULL;
	size_t cap = 0;
	struct stat st;
	FILE *f;
	int rc = 0;

	if (depth > MAX_CONF_DEPTH || r->files >= MAX_CONF_FILES)
		return 0;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	real = realpath(path, NULL);
	if (!real)
		return 0;
	if (contains(&r->seen, real)) { /* an include loop, or a file included twice */
		free(real);
		return 0;
	}
	rc = wa_ptrvec_push(r->arena, &r->seen, wa_arena_strdup(r->arena, real));
	free(real);
	if (rc || !r->seen.items[r->seen.len - 1])
		return -1;
	r->files++;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0)
		rc = read_conf_line(r, path, line, depth);
	free(line);
	fclose(f);
	return rc;
}

/* ---- the host's loader -------------------------------------------------- */

/*
 * The host path of an absolute path inside root, with symbolic links
 * followed as if root were "/": an absolute target starts again at root,
 * ".." never climbs above it.  A component that is not a link (or does
 * not exist) is kept as it is.  malloc'd; NULL on a link loop, an
 * overlong path or no memory.
 */
static char *path_in_root(const char *root, const char *path)
{
	char done[PATH_MAX], todo[PATH_MAX], target[PATH_MAX], host[PATH_MAX];
	size_t dlen = 0;
	int links = 0;
	const char *p;

	if (!*root)
		return strdup(path);
	if (snprintf(todo, sizeof(todo), "%s", path) >= (int)sizeof(todo))
		return NULL;
	done[0] = '\0';
	p = todo;
	while (*p) {
		size_t n;
		ssize_t l;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0 || (n == 1 && p[0] == '.')) {
			p += n;
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash = strrchr(done, '/');

			dlen = slash ? (size_t)(slash - done) : 0;
			done[dlen] = '\0';
			p += n;
			continue;
		}
		if (dlen + 1 + n >= sizeof(done))
			return NULL;
		done[dlen] = '/';
		memcpy(done + dlen + 1, p, n);
		done[dlen + 1 + n] = '\0';
		p += n;
		if (snprintf(host, sizeof(host), "%s%s", root, done) >= (int)sizeof(host))
			return NULL;
		l = readlink(host, target, sizeof(target) - 1);
		if (l < 0) {
			dlen += 1 + n;
			continue;
		}
		if (++links > MAX_LINKS)
			return NULL;
		target[l] = '\0';
		/* what is left of the path now follows the link's target */
		if (snprintf(host, sizeof(host), "%s/%s", target, p) >= (int)sizeof(host))
			return NULL;
		memcpy(todo, host, strlen(host) + 1);
		p = todo;
		if (target[0] == '/')
			dlen = 0;
		done[dlen] = '\0';
	}
	{
		size_t rlen = strlen(root);
		char *out = malloc(rlen + dlen + 2);

		if (out)
			snprintf(out, rlen + dlen + 2, "%s%s", root, dlen ? done : "/");
		return out;
	}
}

/* Reads the PT_INTERP string of an ELF file into out; false when it has none. */
static bool read_interp(const char *path, char *out, size_t cap)
{
	unsigned char h[sizeof(Elf64_Ehdr)], ph[sizeof(Elf64_Phdr)];
	bool found = false, msb, c64;
	uint64_t phoff, off, size;
	size_t entsize, phnum, need;
	struct stat st;
	ssize_t n = -1;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return false;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		n = pread(fd, h, sizeof(h), 0);
	c64 = n > EI_CLASS && h[EI_CLASS] == ELFCLASS64;
	if (n < (ssize_t)(c64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)) ||
	    memcmp(h, ELFMAG, SELFMAG) != 0 ||
	    (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64))
		goto out;
	msb = h[EI_DATA] == ELFDATA2MSB;
	phoff = wa_load_uint(h + (c64 ? 32 : 28), c64 ? 8 : 4, msb);
	entsize = (size_t)wa_load_uint(h + (c64 ? 54 : 42), 2, msb);
	phnum = (size_t)wa_load_uint(h + (c64 ? 56 : 44), 2, msb);
	need = c64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (entsize < need || phoff > (uint64_t)st.st_size)
		goto out;
	for (size_t i = 0; i < phnum && !found; i++) {
		uint64_t at = phoff + (uint64_t)i * entsize;

		if (at + need > (uint64_t)st.st_size ||
		    pread(fd, ph, need, (off_t)at) != (ssize_t)need)
			break;
		if (wa_load_uint(ph, 4, msb) != PT_INTERP)
			continue;
		off = wa_load_uint(ph + (c64 ? 8 : 4), c64 ? 8 : 4, msb);
		size = wa_load_uint(ph + (c64 ? 32 : 16), c64 ? 8 : 4, msb);
		if (size == 0 || size >= cap || off > (uint64_t)st.st_size ||
		    pread(fd, out, (size_t)size, (off_t)off) != (ssize_t)size)
			break;
		out[size] = '\0';
		found = out[0] != '\0';
	}
out:
	close(fd);
	return found;
}

/* Whether root/lib holds a file named ld-musl-*: musl's loader. */
static bool has_musl_loader(const char *root)
{
	char dir[PATH_MAX];
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (snprintf(dir, sizeof(dir), "%s/lib", root) >= (int)sizeof(dir))
		return false;
	d = opendir(dir);
	if (!d)
		return false;
	while (!found && (e = readdir(d)) != NULL)
		found = strncmp(e->d_name, "ld-musl-", 8) == 0;
	closedir(d);
	return found;
}

/* Detection on a root already normalised ("" for the real root). */
static enum wa_ld_rules detect_rules(const char *root)
{
	char *sh = path_in_root(root, "/bin/sh");
	char interp[PATH_MAX];
	bool have = sh && read_interp(sh, interp, sizeof(interp));

	free(sh);
	if (have) {
		const char *base = strrchr(interp, '/');

		base = base ? base + 1 : interp;
		return strncmp(base, "ld-musl-", 8) == 0 ? WA_LD_RULES_MUSL : WA_LD_RULES_GLIBC;
	}
	/* a static /bin/sh (busybox on some images) says nothing */
	return has_musl_loader(root) ? WA_LD_RULES_MUSL : WA_LD_RULES_GLIBC;
}

/* root without repeated or trailing slashes, "" for "/" (into buf). */
static const char *root_text(const char *root, char *buf, size_t cap)
{
	size_t n = 0;

	for (const char *p = root ? root : ""; *p && n + 1 < cap; p++)
		if (!(*p == '/' && n > 0 && buf[n - 1] == '/'))
			buf[n++] = *p;
	while (n > 0 && buf[n - 1] == '/')
		n--;
	buf[n] = '\0';
	return buf;
}

enum wa_ld_rules wa_ld_detect_rules(const char *root)
{
	char buf[PATH_MAX];

	return detect_rules(root_text(root, buf, sizeof(buf)));
}

const char *wa_ld_rules_name(enum wa_ld_rules rules)
{
	switch (rules) {
	case WA_LD_RULES_GLIBC: return "glibc";
	case WA_LD_RULES_MUSL: return "musl";
	case WA_LD_RULES_ANDROID: return "android";
	default: return "auto";
	}
}

enum wa_ld_rules wa_ld_config_rules(const struct wa_ld_config *cfg)
{
	return cfg ? cfg->rules : WA_LD_RULES_GLIBC;
}

enum wa_ld_rules wa_ld_request_rules(const struct wa_ld_config *cfg,
				     const struct wa_ld_request *req)
{
	if (req && req->rules >= WA_LD_RULES_GLIBC && req->rules <= WA_LD_RULES_ANDROID)
		return req->rules;
	return wa_ld_config_rules(cfg);
}

/* ---- configuration ---------------------------------------------------- */

static int cache_new(struct ld_cache **out)
{
	struct ld_cache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c)
		return -1;
	c->cap = 256;
	c->slots = calloc(c->cap, sizeof(*c->slots));
	if (!c->slots || pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c->slots);
		free(c);
		return -1;
	}
	*out = c;
	return 0;
}

static void cache_free(struct ld_cache *c)
{
	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	wa_arena_release(&c->arena);
	free(c->slots);
	free(c);
}

static int load_paths(struct wa_ld_config *cfg, const struct wa_ld_options *opt)
{
	struct wa_arena *a = &cfg->arena;

	/* glibc splits LD_LIBRARY_PATH at ':' and ';' alike, musl at ':' and
	 * newlines; both are kept, since one config serves either rules. */
	if (opt->ld_library_path && (split_list(a, &cfg->llp_glibc, opt->ld_library_path, ":;") ||
				     split_list(a, &cfg->llp_musl, opt->ld_library_path, ":\n")))
		return -1;
	if (opt->extra_paths && split_list(a, &cfg->extra, opt->extra_paths, ":"))
		return -1;
	if (opt->ldpaths) {
		struct wa_ptrvec raw = {0};

		cfg->replaced = true;
		if (split_list(a, &raw, opt->ldpaths, ":"))
			return -1;
		for (size_t i = 0; i < raw.len; i++) {
			char *d = normalise_dir(a, raw.items[i], strlen(raw.items[i]));

			if (!d)
				return -1;
			if (!contains(&cfg->ldpaths, d) && wa_ptrvec_push(a, &cfg->ldpaths, d))
				return -1;
		}
	}
	return 0;
}

int wa_ld_config_load(struct wa_ld_config **out, const struct wa_ld_options *opt,
		      struct wa_error *err)
{
	static const struct wa_ld_options none;
	struct wa_ld_config *cfg;
	const char *root;
	char *marker;
	struct stat st;

	*out = NULL;
	if (!opt)
		opt = &none;
	if ((int)opt->host < (int)WA_LD_RULES_AUTO || (int)opt->host > (int)WA_LD_RULES_ANDROID)
		return wa_error_set(err, WA_ECONFIG, NULL, "unknown loader rules %d",
				    (int)opt->host);
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg || cache_new(&cfg->cache)) {
		free(cfg);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	root = opt->root ? opt->root : "";
	cfg->root = normalise_dir(&cfg->arena, root, strlen(root));
	if (cfg->root && strcmp(cfg->root, "/") == 0)
		cfg->root = "";
	/* Debian and Ubuntu build glibc with multiarch directories and make
	 * $LIB expand to "lib/<triplet>"; /etc/debian_version is how one
	 * recognises them. */
	marker =
		cfg->root ? wa_arena_printf(&cfg->arena, "%s/etc/debian_version", cfg->root) : NULL;
	if (!marker || load_paths(cfg, opt)) {
		wa_ld_config_free(cfg);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	cfg->debian_lib = stat(marker, &st) == 0;
	cfg->rules = opt->host != WA_LD_RULES_AUTO ? opt->host : detect_rules(cfg->root);
	*out = cfg;
	return 0;
}

void wa_ld_config_free(struct wa_ld_config *cfg)
{
	if (!cfg)
		return;
	cache_free(cfg->cache);
	wa_arena_release(&cfg->arena);
	free(cfg);
}

/* ---- expansion of $ORIGIN, $LIB, $PLATFORM ----------------------------- */

/* Length of the token "NAME" or "{NAME}" at s (after the '$'), or 0 (as glibc's is_dst). */
static size_t dst_length(const char *s, const char *name)
{
	size_t n = strlen(name);

	if (s[0] == '{')
		return strncmp(s + 1, name, n) == 0 && s[n + 1] == '}' ? n + 2 : 0;
	if (strncmp(s, name, n) != 0)
		return 0;
	if ((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
	    (s[n] >= '0' && s[n] <= '9') || s[n] == '_')
		return 0;
	return n;
}

/* The value of $LIB for req under cfg (NULL cfg: upstream glibc's). */
static const char *lib_value(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			     struct wa_arena *a)
{
	struct arch_info ai = arch_of(req);

	if (cfg && cfg->debian_lib && ai.triplet)
		return wa_arena_printf(a, "lib/%s", ai.triplet);
	return ai.lib_dst;
}

/*
 * musl's and bionic's expansion: a token is recognised by its first
 * letters only ("$ORIGINAL" is the origin then "AL"), $ORIGIN before $LIB.
 * lib is bionic's $LIB value, NULL for musl, which knows only $ORIGIN and
 * ignores a path holding any other '$' (strict); bionic keeps such a '$'.
 */
static char *expand_prefix_tokens(const char *entry, const char *origin, const char *lib,
				  bool strict, bool *skip, struct wa_error *err)
{
	struct wa_buf out = {0};
	const char *p = entry;

	*skip = false;
	while (*p) {
		size_t lit = strcspn(p, "$"), n;
		const char *value;

		wa_buf_add(&out, p, lit);
		p += lit;
		if (!*p)
			break;
		if (strncmp(p, "$ORIGIN", 7) == 0 || strncmp(p, "${ORIGIN}", 9) == 0) {
			value = origin;
			n = p[1] == '{' ? 9 : 7;
		} else if (lib && (strncmp(p, "$LIB", 4) == 0 || strncmp(p, "${LIB}", 6) == 0)) {
			value = lib;
			n = p[1] == '{' ? 6 : 4;
		} else if (strict) {
			value = NULL;
			n = 0;
		} else {
			wa_buf_add(&out, "$", 1);
			p++;
			continue;
		}
		if (!value) {
			/* no origin known (a wheel member), or a '$' musl refuses */
			wa_buf_release(&out);
			*skip = true;
			return NULL;
		}
		wa_buf_str(&out, value);
		p += n;
	}
	if (!out.oom && !out.data)
		wa_buf_add(&out, "", 0);
	if (out.oom) {
		wa_buf_release(&out);
		wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	return out.data;
}

/* bionic's $LIB: the library directory of the word size. */
static const char *android_lib(const struct wa_ld_request *req)
{
	return is_64(req) ? "lib64" : "lib";
}

char *wa_ld_expand_with(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			const char *entry, bool *skip, struct wa_error *err)
{
	struct wa_arena tmp = {0};
	struct wa_buf out = {0};
	const char *p = entry;

	switch (wa_ld_request_rules(cfg, req)) {
	case WA_LD_RULES_MUSL:
		return expand_prefix_tokens(entry, req->origin, NULL, true, skip, err);
	case WA_LD_RULES_ANDROID:
		return expand_prefix_tokens(entry, req->origin, android_lib(req), false, skip, err);
	default: break;
	}
	*skip = false;
	while (*p) {
		const char *value = NULL;
		size_t n = 0, lit = strcspn(p, "$");

		wa_buf_add(&out, p, lit);
		p += lit;
		if (!*p)
			break;
		if ((n = dst_length(p + 1, "ORIGIN")) != 0) {
			value = req->origin;
		} else if ((n = dst_length(p + 1, "PLATFORM")) != 0) {
			value = arch_of(req).platform;
		} else if ((n = dst_length(p + 1, "LIB")) != 0) {
			value = lib_value(cfg, req, &tmp);
			if (!value)
				out.oom = true;
		} else {
			wa_buf_add(&out, "$", 1); /* not a token: kept as written */
			p++;
			continue;
		}
		if (!value && !out.oom) {
			/* The loader drops an entry whose token has no value. */
			wa_arena_release(&tmp);
			wa_buf_release(&out);
			*skip = true;
			return NULL;
		}
		if (value)
			wa_buf_str(&out, value);
		p += 1 + n;
	}
	wa_arena_release(&tmp);
	if (!out.oom && !out.data)
		wa_buf_add(&out, "", 0);
	if (out.oom) {
		wa_buf_release(&out);
		wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		return NULL;
	}
	return out.data;
}

char *wa_ld_expand(const struct wa_ld_request *req, const char *entry, bool *skip,
		   struct wa_error *err)
{
	return wa_ld_expand_with(NULL, req, entry, skip, err);
}

/* ---- the probe cache --------------------------------------------------- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot holding key, or the empty slot where it belongs.  Lock held. */
static struct probe **cache_slot(struct ld_cache *c, const char *key)
{
	size_t i = hash_str(key) & (c->cap - 1);

	while (c->slots[i] && strcmp(c->slots[i]->path, key) != 0)
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static int cache_grow(struct ld_cache *c)
{
	struct probe **old = c->slots;
	size_t old_cap = c->cap;

	c->slots = calloc(old_cap * 2, sizeof(*c->slots));
	if (!c->slots) {
		c->slots = old;
		return -1;
	}
	c->cap = old_cap * 2;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			*cache_slot(c, old[i]->path) = old[i];
	free(old);
	return 0;
}

/* Looks key up; on a hit copies the entry into *out and returns true. */
static bool cache_get(struct ld_cache *c, const char *key, struct probe *out)
{
	struct probe *p;

	pthread_mutex_lock(&c->lock);
	p = *cache_slot(c, key);
	if (p)
		*out = *p;
	pthread_mutex_unlock(&c->lock);
	return p != NULL;
}

/* Remembers a probe; running out of memory only costs the caching. */
static void cache_put(struct ld_cache *c, const char *key, const struct probe *value)
{
	struct probe **slot, *p;

	pthread_mutex_lock(&c->lock);
	if ((c->len + 1) * 2 > c->cap && cache_grow(c))
		goto out;
	slot = cache_slot(c, key);
	if (*slot)
		goto out; /* another thread was first */
	p = wa_arena_alloc(&c->arena, sizeof(*p));
	if (!p)
		goto out;
	*p = *value;
	p->path = wa_arena_strdup(&c->arena, key);
	if (!p->path)
		goto out;
	*slot = p;
	c->len++;
out:
	pthread_mutex_unlock(&c->lock);
}

/* Reads what the loader looks at first: the ELF header. */
static void parse_header(const unsigned char *h, ssize_t n, struct probe *p)
{
	bool lsb = h[EI_DATA] == ELFDATA2LSB;
	ssize_t need;
	uint16_t type;

	p->state = PROBE_NOT_ELF;
	if (n < EI_NIDENT || memcmp(h, ELFMAG, SELFMAG) != 0)
		return;
	if (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64)
		return;
	if (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB)
		return;
	need = h[EI_CLASS] == ELFCLASS64 ? (ssize_t)sizeof(Elf64_Ehdr)
					 : (ssize_t)sizeof(Elf32_Ehdr);
	if (n < need)
		return;
	type = (uint16_t)wa_load_uint(h + 16, 2, !lsb);
	if (type != ET_DYN && type != ET_EXEC)
		return;
	p->state = PROBE_ELF;
	p->elf_class = h[EI_CLASS];
	p->data = h[EI_DATA];
	p->machine = (uint16_t)wa_load_uint(h + 18, 2, !lsb);
	p->flags = (uint32_t)wa_load_uint(h + (h[EI_CLASS] == ELFCLASS64 ? 48 : 36), 4, !lsb);
}

/* Opens path as the loader would and reads its header; never blocks on a FIFO. */
static void probe_file(const char *path, struct probe *p)
{
	unsigned char h[sizeof(Elf64_Ehdr)];
	struct stat st;
	ssize_t n;
	int fd;

	memset(p, 0, sizeof(*p));
	p->state = PROBE_ABSENT;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		do
			n = pread(fd, h, sizeof(h), 0);
		while (n < 0 && errno == EINTR);
		if (n >= 0)
			parse_header(h, n, p);
	}
	close(fd);
}

/* Whether a directory can hold candidates; remembered, so a missing
 * /usr/lib64 costs one stat for the whole run. */
static bool dir_usable(struct ld_cache *c, const char *dir)
{
	char key[PATH_MAX + 2];
	struct probe p = {0};
	struct stat st;

	if (snprintf(key, sizeof(key), "%s/", dir) >= (int)sizeof(key))
		return false;
	if (!cache_get(c, key, &p)) {
		p.state = stat(dir, &st) == 0 && S_ISDIR(st.st_mode) ? PROBE_DIR_OK
								     : PROBE_DIR_MISSING;
		cache_put(c, key, &p);
	}
	return p.state == PROBE_DIR_OK;
}

/* True when dir/name exists and the loader would accept it for req. */
static bool candidate_fits(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			   const char *path)
{
	struct probe p;

	if (!cache_get(cfg->cache, path, &p)) {
		probe_file(path, &p);
		cache_put(cfg->cache, path, &p);
	}
	return p.state == PROBE_ELF &&
	       wa_ld_compatible(req, p.elf_class, p.data, p.machine, p.flags);
}

/* ---- the search -------------------------------------------------------- */

/* Whether a path has a component named glibc-hwcaps: glibc keeps libraries
 * built for a newer ISA level there (glibc-hwcaps/x86-64-v3/...), and a copy
 * of one would make the wheel need that level. */
static bool in_hwcaps_dir(const char *path)
{
	static const char name[] = "glibc-hwcaps";
	const size_t n = sizeof(name) - 1;

	for (const char *p = path; (p = strstr(p, name)) != NULL; p += n)
		if ((p == path || p[-1] == '/') && (p[n] == '\0' || p[n] == '/'))
			return true;
	return false;
}

/* Tries dir/needed; returns 1 found (*path set), 0 not there, -1 out of memory. */
static int try_dir(const struct wa_ld_config *cfg, const struct wa_ld_request *req, const char *dir,
		   const char *needed, char **path)
{
	char buf[PATH_MAX + 1];
	size_t len = strlen(dir);
	int n;

	if (len == 0 || in_hwcaps_dir(dir))
		return 0;
	while (len > 1 && dir[len - 1] == '/')
		len--;
	n = snprintf(buf, sizeof(buf), "%.*s", (int)len, dir);
	if (n < 0 || (size_t)n >= sizeof(buf) || !dir_usable(cfg->cache, buf))
		return 0;
	/* "/" + name must not become "//name"; any other directory keeps its text */
	n = snprintf(buf, sizeof(buf), "%.*s/%s", len == 1 && dir[0] == '/' ? 0 : (int)len, dir,
		     needed);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return 0; /* the kernel would refuse the name as well */
	if (!candidate_fits(cfg, req, buf))
		return 0;
	*path = strdup(buf);
	return *path ? 1 : -1;
}

/* Tries each directory of a list taken as written (no tokens). */
static int try_plain_list(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			  const struct wa_ptrvec *dirs, const char *needed, char **path)
{
	for (size_t i = 0; i < dirs->len; i++) {
		int rc = try_dir(cfg, req, dirs->items[i], needed, path);

		if (rc)
			return rc;
	}
	return 0;
}

/* Tries the parts of an expanded entry split at any of seps (musl splits an
 * object's path at newlines too; empty parts are skipped, as musl does). */
static int try_split(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
		     const char *dirs, const char *seps, const char *needed, char **path)
{
	char buf[PATH_MAX + 1];

	for (const char *p = dirs; *p;) {
		size_t n = strcspn(p, seps);
		int rc = 0;

		if (n > 0 && n < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			rc = try_dir(cfg, req, buf, needed, path);
		}
		if (rc)
			return rc;
		p += n;
		if (*p)
			p++;
	}
	return 0;
}

/* Searches raw entries that may hold tokens, $ORIGIN being origin
 * (expanded under req's rules; musl's parts also split at newlines). */
static int try_raw_list(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			const char *origin, const char *const *entries, size_t n,
			const char *needed, char **path, struct wa_error *err)
{
	struct wa_ld_request own = *req;
	bool musl = wa_ld_request_rules(cfg, req) == WA_LD_RULES_MUSL;

	own.origin = origin;
	for (size_t i = 0; i < n; i++) {
		bool skip;
		char *dir = wa_ld_expand_with(cfg, &own, entries[i], &skip, err);
		int rc;

		if (!dir) {
			if (skip)
				continue;
			return -1;
		}
		rc = musl ? try_split(cfg, req, dir, ":\n", needed, path)
			  : try_dir(cfg, req, dir, needed, path);
		free(dir);
		if (rc)
			return rc;
	}
	return 0;
}

/* Appends dir (root-prefixed) to a being-built list unless already there;
 * a glibc-hwcaps directory is left out (try_dir would skip it anyway). */
static int add_system_dir(struct wa_arena *a, struct wa_ptrvec *dirs, struct wa_ptrvec *why,
			  const char *dir, const char *reason)
{
	if (contains(dirs, dir) || in_hwcaps_dir(dir))
		return 0;
	if (wa_ptrvec_push(a, dirs, (void *)dir) || wa_ptrvec_push(a, why, (void *)reason))
		return -1;
	return 0;
}

static int add_system_list(struct wa_arena *a, struct wa_ptrvec *dirs, struct wa_ptrvec *why,
			   const struct wa_ptrvec *list, const char *reason)
{
	for (size_t i = 0; i < list->len; i++)
		if (add_system_dir(a, dirs, why, list->items[i], reason))
			return -1;
	return 0;
}

/* The arch's default directories: triplet, lib64-style, then /lib and /usr/lib. */
static int add_default_dirs(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			    struct wa_arena *a, struct wa_ptrvec *dirs, struct wa_ptrvec *why)
{
	struct arch_info ai = arch_of(req);
	const char *list[6];
	size_t n = 0;

	if (ai.triplet) {
		list[n++] = wa_arena_printf(a, "%s/lib/%s", cfg->root, ai.triplet);
		list[n++] = wa_arena_printf(a, "%s/usr/lib/%s", cfg->root, ai.triplet);
	}
	if (strcmp(ai.libdir, "lib") != 0) {
		list[n++] = wa_arena_printf(a, "%s/%s", cfg->root, ai.libdir);
		list[n++] = wa_arena_printf(a, "%s/usr/%s", cfg->root, ai.libdir);
	}
	list[n++] = wa_arena_printf(a, "%s/lib", cfg->root);
	list[n++] = wa_arena_printf(a, "%s/usr/lib", cfg->root);
	for (size_t i = 0; i < n; i++)
		if (!list[i] || add_system_dir(a, dirs, why, list[i], "default"))
			return -1;
	return 0;
}

/* ld.so.conf under the root, read on the first glibc search.  Lock held. */
static int conf_dirs(const struct wa_ld_config *cfg, const struct wa_ptrvec **out)
{
	struct ld_cache *c = cfg->cache;

	if (!c->conf_read) {
		struct conf_reader r = {.root = cfg->root,
					.arena = &c->arena,
					.dirs = &c->conf_dirs};
		char *conf = wa_arena_printf(&c->arena, "%s/etc/ld.so.conf", cfg->root);

		if (!conf || read_conf_file(&r, conf, 0))
			return -1;
		c->conf_read = true;
	}
	*out = &c->conf_dirs;
	return 0;
}

/*
 * musl's system list: the entries of <root>/etc/ld-musl-<arch>.path, split
 * at ':' and newlines, as musl reads it.  A missing file gives musl's
 * defaults; a file that exists but cannot be read, or is empty, gives
 * nothing at all (musl then searches no system directory).  Relative
 * entries, which musl would take from the current directory, are left out
 * like relative ld.so.conf lines.  Lock held.
 */
static int add_musl_dirs(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			 struct wa_arena *a, struct wa_ptrvec *dirs, struct wa_ptrvec *why)
{
	static const char *const defaults[] = {"/lib", "/usr/local/lib", "/usr/lib"};
	const char *arch = wa_ld_musl_arch(req);
	struct wa_ptrvec list = {0};
	struct stat st;
	char *file = NULL, *text;
	ssize_t got;
	int fd = -1;

	if (arch) {
		file = wa_arena_printf(a, "%s/etc/ld-musl-%s.path", cfg->root, arch);
		if (!file)
			return -1;
		fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	}
	if (fd < 0 && (!arch || errno == ENOENT)) {
		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++)
			if (add_rooted_dir(a, &list, cfg->root, defaults[i], strlen(defaults[i])))
				return -1;
		return add_system_list(a, dirs, why, &list, "musl default");
	}
	if (fd < 0)
		return 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_MUSL_PATH_FILE) {
		close(fd);
		return 0;
	}
	text = wa_arena_alloc(a, (size_t)st.st_size + 1);
	for (got = 0; text && got < (ssize_t)st.st_size;) {
		ssize_t r = pread(fd, text + got, (size_t)(st.st_size - got), got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			got = r < 0 ? -1 : got;
			break;
		}
		got += r;
	}
	close(fd);
	if (!text)
		return -1;
	if (got < 0)
		return 0; /* unreadable: musl searches no system directory then */
	text[got] = '\0';
	for (const char *p = text; *p;) {
		size_t n = strcspn(p, ":\n");

		if (add_rooted_dir(a, &list, cfg->root, p, n))
			return -1;
		p += n;
		if (*p)
			p++;
	}
	return add_system_list(a, dirs, why, &list, "ld-musl path");
}

static struct arch_dirs *build_arch_dirs(const struct wa_ld_config *cfg,
					 const struct wa_ld_request *req, enum wa_ld_rules rules,
					 struct wa_arena *a)
{
	struct wa_ptrvec dirs = {0}, why = {0};
	struct arch_dirs *ad = wa_arena_alloc(a, sizeof(*ad));
	const struct wa_ptrvec *conf;
	int rc = 0;

	if (!ad)
		return NULL;
	if (cfg->replaced)
		rc = add_system_list(a, &dirs, &why, &cfg->ldpaths, "ldpaths");
	else if (rules == WA_LD_RULES_GLIBC)
		rc = conf_dirs(cfg, &conf) || add_system_list(a, &dirs, &why, conf, "ld.so.conf") ||
		     add_default_dirs(cfg, req, a, &dirs, &why);
	else if (rules == WA_LD_RULES_MUSL)
		rc = add_musl_dirs(cfg, req, a, &dirs, &why);
	/* Android without --ldpaths: nothing of the build machine's */
	if (rc)
		return NULL;
	ad->rules = rules;
	ad->elf_class = req->elf_class;
	ad->data = req->data;
	ad->machine = req->machine;
	ad->dirs = (const char **)dirs.items;
	ad->why = (const char **)why.items;
	ad->n = dirs.len;
	return ad;
}

/*
 * The system list for req's rules and architecture, built once; NULL when
 * out of memory.  The rules are part of the key: one config serves the
 * host's rules and Android's, whose lists differ.  (The probe cache needs
 * no such key: what a file is does not depend on the rules.)  musl's file
 * name also depends on the ARM float ABI and MIPS ISA revision, which the
 * abi bits do not all cover: for musl the whole e_flags are the key.
 */
static const struct arch_dirs *system_dirs(const struct wa_ld_config *cfg,
					   const struct wa_ld_request *req)
{
	struct ld_cache *c = cfg->cache;
	enum wa_ld_rules rules = wa_ld_request_rules(cfg, req);
	uint32_t abi = rules == WA_LD_RULES_MUSL
			       ? req->flags
			       : abi_bits(req->machine, req->elf_class, req->flags);
	struct arch_dirs *ad;

	pthread_mutex_lock(&c->lock);
	for (ad = c->arches; ad; ad = ad->next)
		if (ad->rules == rules && ad->elf_class == req->elf_class &&
		    ad->data == req->data && ad->machine == req->machine && ad->abi == abi)
			break;
	if (!ad) {
		ad = build_arch_dirs(cfg, req, rules, &c->arena);
		if (ad) {
			ad->abi = abi;
			ad->next = c->arches;
			c->arches = ad;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return ad;
}

size_t wa_ld_system_dirs(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			 const char *const **dirs)
{
	const struct arch_dirs *ad = system_dirs(cfg, req);

	*dirs = ad ? ad->dirs : NULL;
	return ad ? ad->n : 0;
}

/* A name with a slash is opened as it is, relative to the current directory. */
static int find_by_path(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			const char *needed, char **path, const char **why, struct wa_error *err)
{
	if (in_hwcaps_dir(needed) || !candidate_fits(cfg, req, needed))
		return 0;
	*path = strdup(needed);
	if (!*path)
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	if (why)
		*why = "path";
	return 0;
}

/* The system list, last in every rule set. */
static int search_system(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			 const char *needed, char **path, const char **why)
{
	const struct arch_dirs *ad = system_dirs(cfg, req);

	if (!ad)
		return -1;
	for (size_t i = 0; i < ad->n; i++) {
		int rc = try_dir(cfg, req, ad->dirs[i], needed, path);

		if (rc) {
			*why = ad->why[i];
			return rc;
		}
	}
	*why = NULL;
	return 0;
}

/* glibc's order; returns the phase that found it. */
static int search_glibc(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			const char *needed, char **path, const char **why, struct wa_error *err)
{
	const struct wa_ld_object *obj = req->object;
	int rc;

	/* DT_RPATH, unless the object has DT_RUNPATH: its own, then each
	 * loader's in turn (a loader with DT_RUNPATH passes none on) */
	*why = "rpath";
	for (const struct wa_ld_object *o = obj; o && obj->n_runpath == 0; o = o->loader) {
		if (o->n_runpath)
			continue;
		rc = try_raw_list(cfg, req, o->origin, o->rpath, o->n_rpath, needed, path, err);
		if (rc)
			return rc;
	}
	/* LD_LIBRARY_PATH's $ORIGIN is the executable's, which we do not
	 * know: such entries are skipped. */
	*why = "LD_LIBRARY_PATH";
	rc = try_raw_list(cfg, req, NULL, (const char *const *)cfg->llp_glibc.items,
			  cfg->llp_glibc.len, needed, path, err);
	if (rc == 0)
		rc = try_raw_list(cfg, req, NULL, (const char *const *)cfg->extra.items,
				  cfg->extra.len, needed, path, err);
	if (rc)
		return rc;
	*why = "runpath";
	if (obj) {
		rc = try_raw_list(cfg, req, obj->origin, obj->runpath, obj->n_runpath, needed, path,
				  err);
		if (rc)
			return rc;
	}
	return search_system(cfg, req, needed, path, why);
}

/* Whether musl uses an object's path at all: it ignores the whole path
 * when any '$' in it does not start $ORIGIN or ${ORIGIN}. */
static bool musl_path_usable(const char *const *entries, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *p = entries[i]; (p = strchr(p, '$')) != NULL; p++)
			if (strncmp(p, "$ORIGIN", 7) != 0 && strncmp(p, "${ORIGIN}", 9) != 0)
				return false;
	return true;
}

/* musl's order: LD_LIBRARY_PATH (taken as written: musl expands nothing
 * there), then each object's path up the load chain, then the system list. */
static int search_musl(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
		       const char *needed, char **path, const char **why, struct wa_error *err)
{
	int rc;

	*why = "LD_LIBRARY_PATH";
	rc = try_plain_list(cfg, req, &cfg->llp_musl, needed, path);
	if (rc == 0)
		rc = try_plain_list(cfg, req, &cfg->extra, needed, path);
	if (rc)
		return rc;
	for (const struct wa_ld_object *o = req->object; o; o = o->loader) {
		/* an object's path is its DT_RUNPATH when it has one, else its
		 * DT_RPATH; loaders pass theirs on whichever it is */
		bool run = o->n_runpath > 0;
		const char *const *list = run ? o->runpath : o->rpath;
		size_t n = run ? o->n_runpath : o->n_rpath;

		if (!musl_path_usable(list, n))
			continue;
		*why = run ? "runpath" : "rpath";
		rc = try_raw_list(cfg, req, o->origin, list, n, needed, path, err);
		if (rc)
			return rc;
	}
	return search_system(cfg, req, needed, path, why);
}

/* Whether a DT_RUNPATH entry is relative to its object: bionic's $ORIGIN. */
static bool origin_relative(const char *e)
{
	return strncmp(e, "$ORIGIN", 7) == 0 || strncmp(e, "${ORIGIN}", 9) == 0;
}

/*
 * Android: the wheel is cross-compiled, so the build machine's own lists
 * (LD_LIBRARY_PATH, ld.so.conf, default directories) never count.  bionic
 * searches LD_LIBRARY_PATH, then the needing object's own DT_RUNPATH
 * (never DT_RPATH, never inherited), then its default paths; here
 * extra_paths stands for the first and --ldpaths for the last.  Of the
 * DT_RUNPATH only entries relative to the object ($ORIGIN) are searched:
 * an absolute one names a directory of the device, which on the build
 * machine is the build machine's.
 */
static int search_android(const struct wa_ld_config *cfg, const struct wa_ld_request *req,
			  const char *needed, char **path, const char **why, struct wa_error *err)
{
	const struct wa_ld_object *obj = req->object;
	int rc;

	*why = "LD_LIBRARY_PATH";
	rc = try_plain_list(cfg, req, &cfg->extra, needed, path);
	if (rc)
		return rc;
	*why = "runpath";
	for (size_t i = 0; obj && obj->origin && i < obj->n_runpath; i++) {
		if (!origin_relative(obj->runpath[i]))
			continue;
		rc = try_raw_list(cfg, req, obj->origin, obj->runpath + i, 1, needed, path, err);
		if (rc)
			return rc;
	}
	return search_system(cfg, req, needed, path, why);
}

int wa_ld_find(const struct wa_ld_config *cfg, const struct wa_ld_request *req, const char *needed,
	       char **path, const char **why, struct wa_error *err)
{
	const char *found_by = NULL;
	int rc;

	*path = NULL;
	if (why)
		*why = NULL;
	if (!needed || !*needed)
		return 0;
	if (strchr(needed, '/'))
		return find_by_path(cfg, req, needed, path, why, err);
	switch (wa_ld_request_rules(cfg, req)) {
	case WA_LD_RULES_MUSL: rc = search_musl(cfg, req, needed, path, &found_by, err); break;
	case WA_LD_RULES_ANDROID:
		rc = search_android(cfg, req, needed, path, &found_by, err);
		break;
	default: rc = search_glibc(cfg, req, needed, path, &found_by, err); break;
	}
	if (rc < 0) {
		free(*path);
		*path = NULL;
		if (!err || !err->code)
			wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
		return -WA_ENOMEM;
	}
	if (why && *path)
		*why = found_by;
	return 0;
}
