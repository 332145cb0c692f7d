/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading and writing `.tss` song files (spec/song-format.md, format 1), and loading a song with
 * its patterns into the program the engine plays (song.h).
 *
 * As for `.tsq` (patfile.h): every problem found is reported at once as FILE:LINE:COL: message,
 * sorted by position, and nothing is half-loaded; comments are kept and written back with the
 * statement they belong to (a comment line to the statement that follows it, a comment after a
 * statement on its line to that statement).
 *
 * Threads: any but the real-time thread (these allocate and do I/O).
 */
#ifndef TRIGSEQ_SONGFILE_H
#define TRIGSEQ_SONGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/song.h"
#include "trigseq/core/status.h"

/* A parsed song file: its statements as written. Opaque. */
typedef struct ts_songfile ts_songfile;

/* Parse `len` bytes. TS_OK and *out (ts_songfile_free it); TS_ERR_PARSE with *diags filled;
 * TS_ERR_NOMEM. Only the text's own rules: the patterns are checked by ts_songfile_resolve. */
ts_status ts_songfile_parse(const char *text, size_t len, ts_songfile **out, ts_diags *diags);

/* Read and parse a file (at most TS_FILE_MAX bytes, as a pattern file). */
ts_status ts_songfile_load(const char *path, ts_songfile **out, ts_diags *diags);

void ts_songfile_free(ts_songfile *sf);

/* The canonical text (§6 fmt): malloc'd, NUL-terminated, *len set; NULL when out of memory. */
char *ts_songfile_format(const ts_songfile *sf, size_t *len);

/* Whether a file name is a song's: it ends in `.tss` (§1). */
bool ts_songfile_is_song(const char *path);

/* A pattern's problems, reported as they are found (before the song's own), under its path. */
typedef void (*ts_songfile_pattern_fn)(void *ctx, const char *path, const ts_diags *diags);

/*
 * The song loaded: its program (rows' patterns index pats, the song's distinct files in order of
 * first use), the patterns and their paths (the song's folder joined to the path as written;
 * absolute ones as they are). The song's tempo is `tempo` if given, else row 1's pattern's;
 * tempo10_override (not 0) replaces it (--bpm). Free with ts_songfile_loaded_free.
 */
typedef struct {
	ts_song song;
	int npats;
	ts_pattern *pats;
	char **paths;
} ts_song_loaded;

/* Load song `path` and every pattern it uses, checking all of §4: TS_OK and *out filled, or the
 * song's problems in *diags (after each invalid pattern's own went to fn) and TS_ERR_PARSE (or
 * TS_ERR_IO for a song file that cannot be read, TS_ERR_NOMEM). */
ts_status ts_songfile_open(const char *path, uint16_t tempo10_override, ts_song_loaded *out,
			   ts_diags *diags, ts_songfile_pattern_fn fn, void *ctx);
void ts_song_loaded_free(ts_song_loaded *l);

#endif
