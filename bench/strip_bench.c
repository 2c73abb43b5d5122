/* SPDX-License-Identifier: MIT */
/*
 * strip_bench FILE [RUNS]: the time wa_elf_strip takes on FILE held in
 * memory (best of RUNS, default 5), without reading or writing files.
 * Built and run by bench/strip_speed.sh against src/elfstrip.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "wheelaudit/elfstrip.h"

int main(int argc, char **argv)
{
	FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
	int runs = argc > 2 ? atoi(argv[2]) : 5;
	double best = -1;
	size_t out_size = 0;
	unsigned char *in;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0) {
		fprintf(stderr, "usage: strip_bench FILE [RUNS]\n");
		return 2;
	}
	rewind(f);
	in = malloc((size_t)n);
	if (!in || fread(in, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "strip_bench: cannot read %s\n", argv[1]);
		return 2;
	}
	fclose(f);
	for (int r = 0; r < runs; r++) {
		struct timespec t0, t1;
		struct wa_error err;
		void *out;
		double t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (wa_elf_strip(&out, &out_size, in, (size_t)n, argv[1], &err) != 0) {
			fprintf(stderr, "strip_bench: %s\n", err.message);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		t = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		if (best < 0 || t < best)
			best = t;
		free(out);
	}
	printf("%.4f %zu\n", best, out_size);
	free(in);
	return 0;
}
