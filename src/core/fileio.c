/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Atomic file replacement (fileio.h): pattern saves, recovery files, exported files.
 */
#include "trigseq/core/fileio.h"

#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool ts_file_write_all(int fd, const void *buf, size_t n)
{
	const char *s = buf;
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return false;
		s += w;
		n -= (size_t)w;
	}
	return true;
}

/* PATH~ becomes the previous version: a hard link when the file system has them, else a copy. */
static bool keep_backup(const char *path, const char *backup)
{
	if (unlink(backup) != 0 && errno != ENOENT)
		return false;
	if (link(path, backup) == 0)
		return true;
	int in = open(path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return false;
	int out = open(backup, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0) {
		int e = errno;
		close(in);
		errno = e;
		return false;
	}
	char buf[8192];
	bool ok = true;
	for (;;) {
		ssize_t r = read(in, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ok = r == 0;
			break;
		}
		if (!ts_file_write_all(out, buf, (size_t)r)) {
			ok = false;
			break;
		}
	}
	int e = errno;
	if (close(out) != 0 && ok) {
		e = errno;
		ok = false;
	}
	close(in);
	errno = e;
	return ok;
}

/* The file a path names, following symbolic links, so that saving through a link updates its
 * target instead of replacing the link. malloc'd; NULL with errno set on failure. */
static char *follow_links(const char *path)
{
	size_t n = strlen(path);
	char *cur = malloc(n + 1);
	if (!cur)
		return NULL;
	memcpy(cur, path, n + 1);
	for (int depth = 0; depth < 40; depth++) {
		struct stat st;
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
			return cur;     /* missing or not a link: the path itself */
		char target[4096];
		ssize_t tl = readlink(cur, target, sizeof(target));
		if (tl < 0 || (size_t)tl >= sizeof(target)) {
			if (tl >= 0)
				errno = ENAMETOOLONG;
			free(cur);
			return NULL;
		}
		const char *slash = strrchr(cur, '/');
		size_t keep = target[0] == '/' || !slash ? 0 : (size_t)(slash - cur) + 1;
		char *next = malloc(keep + (size_t)tl + 1);
		if (!next) {
			free(cur);
			return NULL;
		}
		memcpy(next, cur, keep);
		memcpy(next + keep, target, (size_t)tl);
		next[keep + (size_t)tl] = '\0';
		free(cur);
		cur = next;
	}
	free(cur);
	errno = ELOOP;
	return NULL;
}

static void tx_free(ts_file_tx *tx)
{
	free(tx->path);
	free(tx->tmp);
	tx->path = tx->tmp = NULL;
	tx->fd = -1;
}

ts_status ts_file_begin(ts_file_tx *tx, const char *link_path, unsigned flags)
{
	memset(tx, 0, sizeof(*tx));
	tx->fd = -1;
	tx->flags = flags;
	tx->path = follow_links(link_path);
	if (!tx->path)
		return errno == ENOMEM ? TS_ERR_NOMEM : TS_ERR_IO;
	const char *slash = strrchr(tx->path, '/');
	const char *base = slash ? slash + 1 : tx->path;
	int e = 0;
	struct stat old;
	tx->exists = stat(tx->path, &old) == 0;
	if (!*base)
		e = EISDIR;
	else if (!tx->exists && errno != ENOENT)
		e = errno;
	else if (tx->exists && (flags & TS_FILE_NO_CLOBBER))
		e = EEXIST;
	else if (tx->exists && !S_ISREG(old.st_mode))
		e = S_ISDIR(old.st_mode) ? EISDIR : EINVAL;
	size_t n = strlen(tx->path) + 16;
	if (!e && !(tx->tmp = malloc(n)))
		e = ENOMEM;
	if (!e) {
		/* "DIR/.BASE.tmp.XXXXXX": hidden, beside the file, on the same file system */
		snprintf(tx->tmp, n, "%.*s.%s.tmp.XXXXXX", (int)(base - tx->path), tx->path, base);
		tx->fd = mkstemp(tx->tmp);
		if (tx->fd < 0)
			e = errno;
	}
	mode_t mode = 0600;
	if (!e && tx->exists) {
		mode = old.st_mode & 07777;
	} else if (!e && !(flags & TS_FILE_PRIVATE)) {
		/* umask() is the only way to read the mask; files are saved from one thread. */
		mode_t mask = umask(022);
		umask(mask);
		mode = 0666 & ~mask;
	}
	if (!e && fchmod(tx->fd, mode) != 0)
		e = errno;
	if (e) {
		ts_file_abort(tx);
		errno = e;
		return e == ENOMEM ? TS_ERR_NOMEM : TS_ERR_IO;
	}
	return TS_OK;
}

void ts_file_abort(ts_file_tx *tx)
{
	int e = errno;
	if (tx->fd >= 0) {
		close(tx->fd);
		unlink(tx->tmp);
	}
	tx_free(tx);
	errno = e;
}

ts_status ts_file_commit(ts_file_tx *tx)
{
	int e = 0;
	if (fsync(tx->fd) != 0)
		e = errno;
	if (close(tx->fd) != 0 && !e)
		e = errno;
	tx->fd = -1;
	if (!e && tx->exists && (tx->flags & TS_FILE_BACKUP)) {
		char *backup = malloc(strlen(tx->path) + 2);
		if (!backup)
			e = ENOMEM;
		else if (sprintf(backup, "%s~", tx->path) < 0 || !keep_backup(tx->path, backup))
			e = errno;
		free(backup);
	}
	if (!e && rename(tx->tmp, tx->path) != 0)
		e = errno;
	if (e) {
		unlink(tx->tmp);
		tx_free(tx);
		errno = e;
		return e == ENOMEM ? TS_ERR_NOMEM : TS_ERR_IO;
	}
	/* The folder, so the rename itself survives a crash. Some file systems cannot sync a
	 * folder (EINVAL); the rename is done either way. */
	const char *slash = strrchr(tx->path, '/');
	char *dir = NULL;
	if (slash == tx->path)
		dir = strdup("/");
	else if (slash)
		dir = strndup(tx->path, (size_t)(slash - tx->path));
	else
		dir = strdup(".");
	int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
	if (dfd < 0 || (fsync(dfd) != 0 && errno != EINVAL))
		e = dir ? errno : ENOMEM;
	if (dfd >= 0)
		close(dfd);
	free(dir);
	tx_free(tx);
	errno = e;
	return e ? (e == ENOMEM ? TS_ERR_NOMEM : TS_ERR_IO) : TS_OK;
}

ts_status ts_file_replace(const char *path, const void *buf, size_t len, unsigned flags)
{
	ts_file_tx tx;
	ts_status st = ts_file_begin(&tx, path, flags);
	if (st != TS_OK)
		return st;
	if (!ts_file_write_all(tx.fd, buf, len)) {
		ts_file_abort(&tx);
		return TS_ERR_IO;
	}
	return ts_file_commit(&tx);
}

ts_status ts_file_read(const char *path, size_t max, const char *kind, char **out, size_t *len,
		       char *why, size_t why_size)
{
	*out = NULL;
	why[0] = '\0';
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, why_size, "cannot open: %s", strerror(errno));
		return TS_ERR_IO;
	}
	struct stat st;
	int e = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (e == 0 && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max)
		e = EFBIG;
	if (e) {
		close(fd);
		if (e == EISDIR)
			snprintf(why, why_size, "is a directory (expected a %s file)", kind);
		else if (e == EFBIG)
			snprintf(why, why_size, "file is %jd bytes, over the limit of %zu bytes for a %s "
				 "file", (intmax_t)st.st_size, max, kind);
		else
			snprintf(why, why_size, "cannot read: %s", strerror(e));
		errno = e;
		return e == EFBIG ? TS_ERR_PARSE : TS_ERR_IO;
	}
	/* A regular file may still grow while we read it, and a pipe has no size: read at most one
	 * byte more than the limit. */
	size_t cap = (S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536) + 1, n = 0;
	char *b = malloc(cap);
	while (b) {
		if (n == cap) {
			size_t ncap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			if (ncap <= cap)
				break;
			char *nb = realloc(b, ncap);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			free(b);
			close(fd);
			snprintf(why, why_size, "cannot read: %s", strerror(e));
			errno = e;
			return TS_ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (!b) {
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	if (n > max) {
		free(b);
		snprintf(why, why_size, "file is over the limit of %zu bytes for a %s file", max, kind);
		errno = EFBIG;
		return TS_ERR_PARSE;
	}
	*out = b;
	*len = n;
	return TS_OK;
}
