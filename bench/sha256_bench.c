/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 throughput through wheelaudit's own interface (src/hash.c), for
 * whichever provider it was compiled with (bench/sha256.sh builds one
 * binary per provider).  Hashes SIZE MiB (default 1024) in 64 KiB updates,
 * the chunk size of the wheel scan, best of RUNS (default 5), and prints
 * MB/s and the digest (identical for every provider, or the bench is
 * meaningless).
 *
 *   sha256_bench [SIZE_MIB [RUNS]]
 */
#include "wheelaudit/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	enum { CHUNK = 65536 };
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 1024;
	long runs = argc > 2 ? strtol(argv[2], NULL, 10) : 5;
	static unsigned char buf[CHUNK];
	uint8_t digest[32];
	double best = 0;

	if (mib <= 0 || runs <= 0) {
		fprintf(stderr, "usage: sha256_bench [SIZE_MIB [RUNS]]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + (i >> 8));
	for (long r = 0; r < runs; r++) {
		struct wa_sha256 h;
		double t0 = now();

		if (wa_sha256_init(&h) != 0) {
			fprintf(stderr, "sha256_bench: cannot initialise the context\n");
			return 1;
		}
		for (long n = 0; n < mib * (1048576 / CHUNK); n++)
			wa_sha256_update(&h, buf, sizeof(buf));
		wa_sha256_final(&h, digest);
		double t = now() - t0;
		if (r == 0 || t < best)
			best = t;
	}
	printf("%.0f MB/s  (%ld MiB in %.3f s, best of %ld)  ", (double)mib * 1048576 / 1e6 / best,
	       mib, best, runs);
	for (int i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("\n");
	return 0;
}
