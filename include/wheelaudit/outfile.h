/* SPDX-License-Identifier: MIT */
/*
 * An output file that appears all at once or not at all: it is written
 * to a temporary file in the target's directory and renamed into place by
 * wa_outfile_commit.  Until then, freeing it (after any error) removes
 * the temporary file, so a failed run never leaves a partial output.
 */
#ifndef WHEELAUDIT_OUTFILE_H
#define WHEELAUDIT_OUTFILE_H

#include <stddef.h>
#include <stdint.h>

#include "wheelaudit/error.h"

struct wa_outfile;

/* Creates ".NAME.XXXXXX.tmp" next to final_path (mode 0666 less the umask). */
int wa_outfile_create(struct wa_outfile **out, const char *final_path, struct wa_error *err);

/* Appends bytes (buffered). */
int wa_outfile_write(struct wa_outfile *o, const void *data, size_t len, struct wa_error *err);

/* Appends len bytes read from in_fd at in_off, in the kernel where it can. */
int wa_outfile_copy_range(struct wa_outfile *o, int in_fd, uint64_t in_off, uint64_t len,
			  struct wa_error *err);

/* Bytes written so far (the offset of the next byte). */
uint64_t wa_outfile_offset(const struct wa_outfile *o);

/* Flushes, closes and renames the file into place.  After an error nothing remains. */
int wa_outfile_commit(struct wa_outfile *o, struct wa_error *err);

/* Removes the temporary file unless committed, and frees o (NULL is fine). */
void wa_outfile_free(struct wa_outfile *o);

/*
 * Removes the temporary file of the output being written, if any.  Only
 * async-signal-safe calls: meant for a SIGINT/SIGTERM handler, so that an
 * interrupted run leaves nothing behind either.
 */
void wa_outfile_signal_cleanup(void);

#endif
