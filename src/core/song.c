/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The walk of a song's statements (spec/song-format.md §3.1), song.h. Pure and real-time safe. */
#include "trigseq/core/song.h"

#include <string.h>

void ts_song_cursor_init(ts_song_cursor *c)
{
	memset(c, 0, sizeof(*c));
}

int ts_song_next(const ts_song *s, ts_song_cursor *c)
{
	/* A loop always jumps to a row, so a row comes within two statements of a jump; the bound
	 * only guards a program songfile.h would have refused. */
	for (int guard = 0; guard <= TS_SONG_STMTS_MAX && c->pc < s->nstmts; guard++) {
		const ts_song_stmt *st = &s->stmts[c->pc];
		if (st->kind == TS_SONG_STMT_ROW) {
			c->pc++;
			return st->row;
		}
		if (st->count == TS_SONG_INF || c->count[c->pc] < st->count) {
			c->count[c->pc]++;
			c->pc = s->rows[st->row].stmt;
		} else {
			c->count[c->pc] = 0; /* an outer loop runs it again */
			c->pc++;
		}
	}
	return -1;
}

void ts_song_of_chain(ts_song *s, int n, uint16_t tempo10)
{
	memset(s, 0, sizeof(*s));
	s->tempo10 = tempo10;
	for (int i = 0; i < n && i < TS_SONG_ROWS_MAX; i++) {
		s->rows[i] = (ts_song_row){.pattern = (uint8_t)i, .stmt = (uint16_t)i, .repeat = 1};
		s->stmts[i] = (ts_song_stmt){.kind = TS_SONG_STMT_ROW, .row = (uint16_t)i};
		s->nrows = s->nstmts = i + 1;
	}
	s->stmts[s->nstmts++] = (ts_song_stmt){.kind = TS_SONG_STMT_LOOP, .row = 0,
					       .count = TS_SONG_INF};
}

bool ts_song_endless(const ts_song *s)
{
	for (int i = 0; i < s->nstmts; i++)
		if (s->stmts[i].kind == TS_SONG_STMT_LOOP && s->stmts[i].count == TS_SONG_INF)
			return true;
	return false;
}
