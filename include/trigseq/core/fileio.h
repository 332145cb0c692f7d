/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing a file so that a crash, a full disk or a kill never leaves it half written: the new
 * content goes to a temporary file beside it, is synced, and replaces the old one by rename(),
 * and the folder is synced. Through a symbolic link the link's target is replaced, not the link.
 * The old file's mode is kept. Not for the real-time thread.
 *
 *   ts_file_tx tx;
 *   if (ts_file_begin(&tx, path, 0) == TS_OK) { write(tx.fd, ...) ...; ts_file_commit(&tx); }
 *
 * Every call that fails leaves the old file as it was, sets errno, and (commit, begin) cleans
 * up the temporary file.
 */
#ifndef TRIGSEQ_FILEIO_H
#define TRIGSEQ_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "trigseq/core/status.h"

enum {
	TS_FILE_BACKUP = 1,      /* the old file is kept as PATH~ (a hard link, else a copy) */
	TS_FILE_PRIVATE = 2,     /* a new file gets mode 0600, not 0666 & ~umask */
	TS_FILE_NO_CLOBBER = 4,  /* refuse (EEXIST, TS_ERR_IO) when the file exists */
};

typedef struct {
	int fd;                  /* the temporary file, open for writing */
	char *path;              /* the file replaced (links followed) */
	char *tmp;
	unsigned flags;
	bool exists;
} ts_file_tx;

/* Start replacing `path`: tx->fd is a new temporary file beside it. TS_ERR_IO (errno set) when
 * the folder cannot take it, the path is a folder, or TS_FILE_NO_CLOBBER finds a file. */
ts_status ts_file_begin(ts_file_tx *tx, const char *path, unsigned flags);
/* Sync and close tx->fd, keep the backup, rename, sync the folder. Either way tx is released. */
ts_status ts_file_commit(ts_file_tx *tx);
/* Give up: the temporary file is removed, the old file stays. */
void ts_file_abort(ts_file_tx *tx);
/* write() until all n bytes are written (EINTR retried). */
bool ts_file_write_all(int fd, const void *buf, size_t n);
/* The whole of it: begin, write, commit. */
ts_status ts_file_replace(const char *path, const void *buf, size_t len, unsigned flags);

/* Reading a text file whole, at most `max` bytes (a file growing while read, or a pipe, is read
 * to max + 1 bytes at most): TS_OK and a malloc'd *out of *len bytes; else errno set, and `why`
 * says it for a FILE: message, naming the kind of file expected ("pattern", "song"): TS_ERR_IO
 * (cannot open or read, a folder), TS_ERR_PARSE (over the limit), TS_ERR_NOMEM (why empty). */
ts_status ts_file_read(const char *path, size_t max, const char *kind, char **out, size_t *len,
		       char *why, size_t why_size);

#endif
