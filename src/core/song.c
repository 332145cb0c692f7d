/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The walk of a song's statements (spec/song-format.md §3.1), song.h. Pure and real-time safe. */
#include "trigseq/core/song.h"

#include <string.h>

#include "trigseq/core/engine.h"

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

void ts_song_walk_init(ts_song_walk *w)
{
	memset(w, 0, sizeof(*w));
	ts_song_cursor_init(&w->cur);
	w->row = -1;
}

uint64_t ts_song_walk_frame(const ts_song_walk *w, int64_t pos, uint32_t rate)
{
	return w->seg_f + ts_pos_to_frame(pos - w->seg_q, rate, w->seg_tempo10);
}

bool ts_song_walk_next(ts_song_walk *w, const ts_song *s, const ts_song_pattern *pats,
		       uint32_t rate)
{
	if (w->done)
		return false;
	int row = ts_song_next(s, &w->cur);
	if (row < 0) {
		w->done = true;
		w->row = -1;
		return false;
	}
	const ts_song_row *r = &s->rows[row];
	int64_t period = r->length ? (int64_t)r->length * pats[r->pattern].mstep
				   : pats[r->pattern].period;
	if (period <= 0)
		period = pats[r->pattern].mstep; /* a row that never ends: songfile refuses it */
	uint16_t t10 = ts_song_row_tempo(s, row);
	int64_t q = w->n > 0 ? w->end : 0;
	if (w->n == 0) {
		w->seg_q = 0;
		w->seg_f = 0;
		w->seg_tempo10 = t10;
	} else if (t10 != w->seg_tempo10) {
		w->seg_f = ts_song_walk_frame(w, q, rate);
		w->seg_q = q;
		w->seg_tempo10 = t10;
	}
	w->row = row;
	w->q = q;
	w->period = period;
	w->end = q + period * r->repeat;
	w->n++;
	return true;
}

uint64_t ts_song_frame(const ts_song *s, const ts_song_pattern *pats, uint32_t rate, int64_t pos,
		       bool *ended)
{
	ts_song_walk w;
	ts_song_walk_init(&w);
	*ended = false;
	while (ts_song_walk_next(&w, s, pats, rate))
		if (w.end > pos)
			return ts_song_walk_frame(&w, pos, rate);
	*ended = true;
	return w.n > 0 ? ts_song_walk_frame(&w, w.end, rate) : 0;
}

void ts_song_patterns(const ts_pattern *pats, int n, ts_song_pattern *out)
{
	for (int p = 0; p < n; p++) {
		int num, den;
		ts_speed_ratio(pats[p].speed, &num, &den);
		int64_t mstep = (int64_t)TS_UNITS_PER_STEP * den / num;
		out[p].mstep = mstep;
		out[p].period = (pats[p].change > 0 ? pats[p].change : pats[p].length) * mstep;
	}
}
