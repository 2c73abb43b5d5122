/* SPDX-License-Identifier: MIT */
/*
 * Atomic output files.  The temporary file lives in the target directory
 * so that the final rename(2) never crosses a file system (rename is
 * atomic only within one).  Unchanged zip entries are copied with
 * copy_file_range(2), which lets the kernel move (or reflink) the bytes
 * without passing them through user space.
 */
#define _GNU_SOURCE /* copy_file_range */
#include "wheelaudit/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { BUFFER_SIZE = 1 << 20, COPY_CHUNK = 1 << 20 };

struct wa_outfile {
	int fd;
	char *tmp_path;     /* owned */
	char *final_path;   /* owned */
	uint64_t offset;    /* bytes handed to us so far */
	unsigned char *buf; /* owned; pending bytes */
	size_t buf_len;
	bool committed;
};

/*
 * The temporary path of the output being written, for the signal handler.
 * One output is written at a time; the flag says whether the path is
 * valid, and is cleared before the path changes.
 */
static char pending_path[4096];
static volatile sig_atomic_t pending_set;

static void pending_register(const char *path)
{
	pending_set = 0;
	if (strlen(path) < sizeof(pending_path)) {
		memcpy(pending_path, path, strlen(path) + 1);
		pending_set = 1;
	}
}

static void pending_clear(void)
{
	pending_set = 0;
}

void wa_outfile_signal_cleanup(void)
{
	if (pending_set)
		unlink(pending_path);
	pending_set = 0;
}

static int io_error(struct wa_error *err, const char *what, const char *path)
{
	int e = errno;
	int rc = wa_error_set(err, WA_EIO, NULL, "cannot %s %s: %s", what, path, wa_strerror(e));

	if (err)
		err->sys_errno = e;
	return rc;
}

int wa_outfile_create(struct wa_outfile **out, const char *final_path, struct wa_error *err)
{
	struct wa_outfile *o;
	const char *slash = strrchr(final_path, '/');
	size_t dir_len = slash ? (size_t)(slash - final_path) + 1 : 0;
	const char *base = final_path + dir_len;
	size_t cap = strlen(final_path) + 32;
	sigset_t fatal, saved;

	*out = NULL;
	o = calloc(1, sizeof(*o));
	if (!o || !(o->final_path = strdup(final_path)) || !(o->tmp_path = malloc(cap)) ||
	    !(o->buf = malloc(BUFFER_SIZE))) {
		if (o) {
			free(o->final_path);
			free(o->tmp_path);
		}
		free(o);
		return wa_error_set(err, WA_ENOMEM, NULL, "out of memory");
	}
	o->fd = -1;
	/* The fatal signals wait while the file is created and registered, so
	 * the handler never misses a file that already exists. */
	sigemptyset(&fatal);
	sigaddset(&fatal, SIGINT);
	sigaddset(&fatal, SIGTERM);
	sigaddset(&fatal, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &fatal, &saved);
	/* O_EXCL makes each attempt safe against another process picking the
	 * same name; the mode (less the umask) is what a plain create gives. */
	for (unsigned attempt = 0; attempt < 100 && o->fd < 0; attempt++) {
		unsigned long salt = (unsigned long)getpid() * 2654435761u ^
				     (unsigned long)time(NULL) ^ (attempt * 40503u);

		snprintf(o->tmp_path, cap, "%.*s.%s.%06lx.tmp", (int)dir_len, final_path, base,
			 salt & 0xffffffu);
		o->fd = open(o->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		if (o->fd < 0 && errno != EEXIST)
			break;
	}
	if (o->fd >= 0)
		pending_register(o->tmp_path);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (o->fd < 0) {
		int rc = io_error(err, "create a file in the directory of", final_path);

		free(o->buf);
		free(o->final_path);
		free(o->tmp_path);
		free(o);
		return rc;
	}
	*out = o;
	return 0;
}

static int write_all(struct wa_outfile *o, const unsigned char *p, size_t len, struct wa_error *err)
{
	while (len) {
		ssize_t n = write(o->fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return io_error(err, "write", o->final_path);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int flush(struct wa_outfile *o, struct wa_error *err)
{
	int rc = o->buf_len ? write_all(o, o->buf, o->buf_len, err) : 0;

	o->buf_len = 0;
	return rc;
}

int wa_outfile_write(struct wa_outfile *o, const void *data, size_t len, struct wa_error *err)
{
	const unsigned char *p = data;
	int rc;

	o->offset += len;
	if (o->buf_len + len <= BUFFER_SIZE) {
		memcpy(o->buf + o->buf_len, p, len);
		o->buf_len += len;
		return 0;
	}
	rc = flush(o, err);
	if (rc)
		return rc;
	if (len >= BUFFER_SIZE)
		return write_all(o, p, len, err);
	memcpy(o->buf, p, len);
	o->buf_len = len;
	return 0;
}

/* The portable way, for file systems or kernels without copy_file_range. */
static int copy_by_reading(struct wa_outfile *o, int in_fd, uint64_t in_off, uint64_t len,
			   struct wa_error *err)
{
	while (len) {
		size_t want = len < BUFFER_SIZE ? (size_t)len : BUFFER_SIZE;
		ssize_t n = pread(in_fd, o->buf, want, (off_t)in_off);
		int rc;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO; /* the input shrank under us */
			return io_error(err, "read the input for", o->final_path);
		}
		rc = write_all(o, o->buf, (size_t)n, err);
		if (rc)
			return rc;
		in_off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

int wa_outfile_copy_range(struct wa_outfile *o, int in_fd, uint64_t in_off, uint64_t len,
			  struct wa_error *err)
{
	int rc = flush(o, err);

	if (rc)
		return rc;
	o->offset += len;
	while (len) {
		loff_t src = (loff_t)in_off;
		size_t want = len < COPY_CHUNK ? (size_t)len : COPY_CHUNK;
		ssize_t n = copy_file_range(in_fd, &src, o->fd, NULL, want, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* Not supported here (other file system, old kernel,
			 * special file): fall back for the rest.  Real write
			 * errors (ENOSPC, EFBIG, EIO) are reported as such. */
			if (n == 0 || errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
			    errno == EOPNOTSUPP || errno == EPERM || errno == ETXTBSY)
				return copy_by_reading(o, in_fd, in_off, len, err);
			return io_error(err, "write", o->final_path);
		}
		in_off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	return 0;
}

uint64_t wa_outfile_offset(const struct wa_outfile *o)
{
	return o->offset;
}

int wa_outfile_commit(struct wa_outfile *o, struct wa_error *err)
{
	int rc = flush(o, err);

	if (rc)
		return rc;
	/* close() is where some file systems (NFS) report a failed write. */
	rc = close(o->fd);
	o->fd = -1;
	if (rc != 0)
		return io_error(err, "write", o->final_path);
	if (rename(o->tmp_path, o->final_path) != 0)
		return io_error(err, "rename the output into", o->final_path);
	o->committed = true;
	pending_clear();
	return 0;
}

void wa_outfile_free(struct wa_outfile *o)
{
	if (!o)
		return;
	if (o->fd >= 0)
		close(o->fd);
	if (!o->committed) {
		unlink(o->tmp_path);
		pending_clear();
	}
	free(o->buf);
	free(o->tmp_path);
	free(o->final_path);
	free(o);
}
