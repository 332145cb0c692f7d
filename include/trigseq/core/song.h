/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A song as the engine plays it (spec/song-format.md): rows that play a pattern of the engine's
 * chain, loops back to earlier rows, and the walk of that program (§3.1). Plain data, no files:
 * songfile.h reads and writes the `.tss` text and builds this from it; the engine walks it.
 *
 * The patterns of a song are the engine's chain, in the song's order of first use: row.pattern
 * is an index into it (ts_engine_load_chain). Every row plays one *row instance* per visit.
 */
#ifndef TRIGSEQ_SONG_H
#define TRIGSEQ_SONG_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/pattern.h"

#define TS_SONG_ROWS_MAX 256
#define TS_SONG_LOOPS_MAX 256
#define TS_SONG_FILES_MAX 128
/* rows, loops and an `end` */
#define TS_SONG_STMTS_MAX (TS_SONG_ROWS_MAX + TS_SONG_LOOPS_MAX + 1)
#define TS_SONG_REPEAT_MAX 256
#define TS_SONG_LENGTH_MAX 1024
#define TS_SONG_COUNT_MAX 256
#define TS_SONG_INF 0            /* loop count: forever */
#define TS_SONG_NAME_MAX 32      /* characters (UTF-8) */

typedef struct {
	uint8_t pattern;         /* index in the engine's chain: the song's distinct files in order
				  * of first use */
	uint16_t stmt;           /* its statement (ts_song.stmts), where a loop back to it goes */
	uint16_t repeat;         /* 1 … TS_SONG_REPEAT_MAX */
	uint16_t length;         /* master steps of each repeat, 1 … 1024; 0 = the pattern's period
				  * (its `change`, else its `length`) */
	uint16_t tempo10;        /* BPM x 10; 0 = the song's tempo */
	uint16_t mute;           /* bit t set: track t + 1 is muted in this row */
} ts_song_row;

enum { TS_SONG_STMT_ROW = 0, TS_SONG_STMT_LOOP };

typedef struct {
	uint8_t kind;            /* TS_SONG_STMT_ROW or TS_SONG_STMT_LOOP */
	uint16_t row;            /* ROW: its row (0-based); LOOP: the row it jumps back to */
	uint16_t count;          /* LOOP: 1 … TS_SONG_COUNT_MAX, or TS_SONG_INF */
} ts_song_stmt;

typedef struct {
	char name[TS_SONG_NAME_MAX * 4 + 1];
	uint16_t tempo10;        /* BPM x 10 of rows without their own (the loader resolves the
				  * default, row 1's pattern's tempo, and --bpm) */
	int nrows, nstmts;       /* `end` is not a statement here: the song ends after the last */
	ts_song_row rows[TS_SONG_ROWS_MAX];
	ts_song_stmt stmts[TS_SONG_STMTS_MAX];
} ts_song;

/* Where the walk of §3.1 is: the next statement and every loop's counter. */
typedef struct {
	uint16_t pc;
	uint16_t count[TS_SONG_STMTS_MAX];
} ts_song_cursor;

/* Before the first row. */
void ts_song_cursor_init(ts_song_cursor *c);

/* The row of the next row instance (0-based), or -1 when the song has ended. A song whose loops
 * never reach a row would walk forever: songfile.h refuses it, and this gives -1 after
 * TS_SONG_STMTS_MAX statements without a row. */
int ts_song_next(const ts_song *s, ts_song_cursor *c);

/*
 * The row instances of a song in play order with their times (song-format §5.1, §5.2): the one
 * walk the engine, dump, render and export share. Positions are in U (engine.h: 28800 a 1x
 * step); frames at `rate`. Tempo segment s starts at q_s, exact frame F_s, and F_{s+1} is where
 * the old tempo puts q_{s+1}, rounded: so a frame is computed from one segment's integers.
 */
typedef struct {
	ts_song_cursor cur;
	int row;                 /* the instance's row; -1 before the first and after the end */
	int64_t q;               /* its start */
	int64_t period;          /* U per repeat: the row's length, else its pattern's period */
	int64_t end;             /* q + repeat · period: where the next one starts */
	int64_t seg_q;           /* its tempo segment's start ... */
	uint64_t seg_f;          /* ... at this frame ... */
	uint16_t seg_tempo10;    /* ... and tempo */
	uint64_t n;              /* instances so far */
	bool done;               /* the song has ended (at `end`) */
} ts_song_walk;

/* Per pattern of the chain: U per repeat of a row without `length` (the pattern's `change`,
 * else its `length`, in master steps; 0 = none) and its master step in U. */
typedef struct {
	int64_t period;
	int64_t mstep;
} ts_song_pattern;

/* The table for the n patterns of a song's chain. */
void ts_song_patterns(const ts_pattern *pats, int n, ts_song_pattern *out);

void ts_song_walk_init(ts_song_walk *w);
/* On to the next row instance; false at the song's end (w->done, w->end = the end's position). */
bool ts_song_walk_next(ts_song_walk *w, const ts_song *s, const ts_song_pattern *pats,
		       uint32_t rate);
/* The frame of position pos >= w->seg_q, on the tempo segment of the instance walked last. */
uint64_t ts_song_walk_frame(const ts_song_walk *w, int64_t pos, uint32_t rate);
/* The frame of position pos (or the song's end, if before: *ended), walking the whole song
 * from its start: for the offline commands. */
uint64_t ts_song_frame(const ts_song *s, const ts_song_pattern *pats, uint32_t rate, int64_t pos,
		       bool *ended);

/* The row's tempo (its own, else the song's). */
static inline uint16_t ts_song_row_tempo(const ts_song *s, int row)
{
	return s->rows[row].tempo10 ? s->rows[row].tempo10 : s->tempo10;
}

/* A song that plays its rows 1 … n once each, then loops forever to row 1: a chain of n patterns
 * (spec §5.6), each row at its pattern's period, no tempo of its own. */
void ts_song_of_chain(ts_song *s, int n, uint16_t tempo10);

/* True when the song has a `loop … inf`: it never ends. */
bool ts_song_endless(const ts_song *s);

#endif
