/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading and writing `.tsq` pattern files (spec/pattern-format.md, format 1).
 *
 * The loader never half-loads: on any error the output pattern is left untouched and every
 * problem found (up to TS_DIAG_MAX) is reported as FILE:LINE:COL: message.
 * The writer prints the canonical form; loading a canonical file and writing it again gives the
 * same bytes. Comments are kept: each comment line is attached to the statement that follows it,
 * a comment after a statement on the same line to that statement, and they are written back with it.
 *
 * Threads: any but the real-time thread (these allocate and do I/O).
 */
#ifndef TRIGSEQ_PATFILE_H
#define TRIGSEQ_PATFILE_H

#include <stddef.h>
#include <stdio.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/status.h"

#define TS_DIAG_MAX 50              /* problems reported per file; more are summarised */
#define TS_FILE_MAX (1u << 20)      /* a pattern file is at most 1 MiB */
#define TS_LINE_MAX 4096            /* bytes in one line */

typedef struct {
	int line;                   /* 1-based; 0 when the problem is the whole file */
	int col;                    /* 1-based, in bytes */
	char msg[160];
} ts_diag;

typedef struct {
	int count;                  /* problems found (may exceed TS_DIAG_MAX) */
	ts_diag items[TS_DIAG_MAX];
} ts_diags;

/* Comments of a file, kept beside the pattern. Opaque; NULL means "no comments". */
typedef struct ts_comments ts_comments;
void ts_comments_free(ts_comments *c);

/* Parse `len` bytes (no NUL needed). On success fills *pat, and *comments if not NULL (the caller
 * frees it), and returns TS_OK. On a parse error returns TS_ERR_PARSE with *diags filled.
 * Returns TS_ERR_NOMEM if an allocation fails. */
ts_status ts_patfile_parse(const char *text, size_t len, ts_pattern *pat, ts_comments **comments,
			   ts_diags *diags);

/* Read and parse a file. I/O problems (missing, unreadable, a directory, over TS_FILE_MAX) are
 * reported as one diag with line 0 and TS_ERR_IO (or TS_ERR_PARSE for a too-large file). */
ts_status ts_patfile_load(const char *path, ts_pattern *pat, ts_comments **comments,
			  ts_diags *diags);

/* The canonical text of a pattern. Returns a malloc'd NUL-terminated string (*len set), or NULL
 * when out of memory. comments may be NULL. */
char *ts_patfile_format(const ts_pattern *pat, const ts_comments *comments, size_t *len);

/* Write the canonical text to `path` atomically: a temporary file in the same folder, fsync, the
 * old file kept as PATH~, rename over PATH. On failure the old file is untouched and errno is set. */
ts_status ts_patfile_save(const char *path, const ts_pattern *pat, const ts_comments *comments);

/* Print diags as "FILE:LINE:COL: message" lines (line 0: "FILE: message"). */
void ts_diags_print(FILE *out, const char *file, const ts_diags *diags);

#endif
