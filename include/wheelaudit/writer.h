/* SPDX-License-Identifier: MIT */
/*
 * The repair writer: executes a plan (plan.h) into the output archive.
 * Members are written in the input's order - copied as stored, left out,
 * or produced anew (patched, launcher, WHEEL) - with the added members
 * before the first .dist-info member and RECORD rebuilt from the digests
 * of what was written.  The output appears atomically (outfile.h); after
 * any error nothing is left behind.  The input is only read.
 */
#ifndef WHEELAUDIT_WRITER_H
#define WHEELAUDIT_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"
#include "wheelaudit/plan.h"
#include "wheelaudit/wheel.h"

struct wa_write_stats {
	size_t copied;            /* members copied as stored */
	size_t rewritten;         /* members written anew (patched, added, WHEEL, RECORD) */
	size_t unstripped;        /* --strip: ELF files the stripper refused, written unstripped */
	char unstripped_why[256]; /* the first of them and why */
};

/* What the members being produced at once may hold (inputs and their
 * compressed forms), for a largest input of l bytes: twice its size and
 * 48 MiB, leaving 16 MiB of the 64 MiB margin docs/repair.md promises for
 * the rest of the process. */
#define WA_WRITE_BUDGET(l) (2 * (uint64_t)(l) + ((uint64_t)48 << 20))

/* The most threads that produce members; more gain nothing on the
 * machines this runs on and only hold more members in memory. */
#define WA_WRITE_MAX_THREADS 16

/*
 * Writes plan (outcome repaired or copied) for wheel w, creating the
 * output's directory.  threads produce (read, patch, compress) the members
 * written anew while this thread writes them in order - 1 does all here;
 * the bytes written are the same for every count.  Memory stays within
 * WA_WRITE_BUDGET of the largest member, whatever the count.  The first error in output order is
 * the one returned.  Refuses (WA_EUSAGE) an output that is the input
 * file itself.  Errors: WA_EIO / WA_ENOMEM, WA_EBADELF when a member or
 * library cannot be patched, WA_EIO when a host library changed since it
 * was planned.
 */
int wa_plan_write(const struct wa_repair_plan *plan, struct wa_wheel *w, unsigned threads,
		  struct wa_write_stats *stats, struct wa_error *err);

#endif
