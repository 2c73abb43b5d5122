/* SPDX-License-Identifier: MIT */
/*
 * Replays saved inputs through a harness without libFuzzer, so any
 * compiler (and the ordinary ASan/UBSan "dev" build) can run the inputs
 * that once broke something as regression tests.
 *
 * Usage: regress_<harness> [--timeout=SECONDS] PATH...
 * Each PATH is a file, or a directory whose regular files are all replayed
 * (in name order, so a failure is reproducible).  A missing directory means
 * "nothing saved for this harness yet": exit 77, which ctest reports as
 * skipped.  A crash is the failure; the harness decides what a crash is.
 * As under libFuzzer's -timeout, an input that runs longer than SECONDS
 * (default 60, 0 for none) is a failure too: some inputs saved here once
 * made the code take time quadratic in their size.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

enum { EXIT_SKIP = 77, DEFAULT_TIMEOUT = 60 };

static unsigned timeout_seconds = DEFAULT_TIMEOUT;

/* Only async-signal-safe calls: the input being replayed is already named
 * on stderr by replay_file. */
static void on_alarm(int sig)
{
	static const char msg[] = "regress: timeout: the input above runs too long\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more can be done */
	}
	abort();
}

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		perror(path);
		return -1;
	}
	for (;;) {
		size_t got;

		if (len == cap) {
			unsigned char *p;

			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				fprintf(stderr, "%s: out of memory\n", path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	fprintf(stderr, "replaying %s (%zu bytes)\n", path, len);
	/* An exactly sized copy, as libFuzzer gives it, so ASan sees overreads. */
	{
		unsigned char *exact = malloc(len ? len : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		if (len)
			memcpy(exact, buf, len);
		free(buf);
		alarm(timeout_seconds);
		LLVMFuzzerTestOneInput(exact, len);
		alarm(0);
		free(exact);
	}
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of dir; returns the count, or -1. */
static long replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long count = 0;

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..", and hidden files such as .gitkeep */
		if (n == cap) {
			char **p;

			cap = cap ? cap * 2 : 64;
			p = realloc(names, cap * sizeof(*names));
			if (!p)
				goto oom;
			names = p;
		}
		if (!(names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2)))
			goto oom;
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	d = NULL;
	qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(names[i]) != 0) {
			count = -1;
			break;
		}
		count++;
	}
	goto out;
oom:
	fprintf(stderr, "%s: out of memory\n", dir);
	count = -1;
out:
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;
	int missing = 0, first = 1;

	if (argc > 1 && strncmp(argv[1], "--timeout=", 10) == 0) {
		char *end;
		unsigned long t = strtoul(argv[1] + 10, &end, 10);

		if (*end || end == argv[1] + 10 || t > 86400) {
			fprintf(stderr, "%s: bad %s\n", argv[0], argv[1]);
			return 2;
		}
		timeout_seconds = (unsigned)t;
		first = 2;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: %s [--timeout=SECONDS] FILE|DIR...\n", argv[0]);
		return 2;
	}
	signal(SIGALRM, on_alarm);
	for (int i = first; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) != 0) {
			if (errno == ENOENT) {
				fprintf(stderr, "%s: does not exist, nothing to replay\n", argv[i]);
				missing++;
				continue;
			}
			perror(argv[i]);
			return 1;
		}
		n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : (replay_file(argv[i]) ? -1 : 1);
		if (n < 0)
			return 1;
		total += n;
	}
	fprintf(stderr, "%ld input(s) replayed without a crash\n", total);
	return total == 0 && missing ? EXIT_SKIP : 0;
}
