/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine's song mode (spec/song-format.md §5): row instances generated ahead of play, the
 * tempo map they carry, and evaluation's moves at repeat and row boundaries.
 *
 * Instances are generated in play order by walking the song (ts_song_next) whenever a position
 * or a frame beyond the last one generated is asked for, and kept in a ring (SONG_RING, whose
 * bound is argued in engine_internal.h). Each carries the tempo segment it starts in: segment s
 * starts at q_s, exact frame F_s, and F_{s+1} is the frame the old tempo gives q_{s+1}
 * (song-format §5.2), so a frame is always computed from one segment's integers and never
 * accumulates rounding within a segment.
 *
 * Real-time: everything here runs inside the engine's [RT] calls; the walk is O(1) per row
 * instance except for a relocation, which walks the song from its start to the position.
 */
#include "engine_internal.h"

#include <string.h>

static struct song_inst *slot_of(ts_engine *eng, uint64_t n)
{
	return &eng->inst[n % SONG_RING];
}

static uint64_t oldest(const ts_engine *eng)
{
	return eng->gen_n > SONG_RING ? eng->gen_n - SONG_RING : 0;
}

static uint64_t frame_in(const ts_engine *eng, const struct song_inst *in, int64_t pos)
{
	return in->seg_f + ts_pos_to_frame(pos - in->seg_q, eng->cfg.rate, (uint16_t)(in->K / 192));
}

/* The next row instance, or false at the song's end. */
static bool gen_one(ts_engine *eng)
{
	for (int p = 0; p < eng->npat; p++) {
		eng->sp[p].period = chain_slot(eng, p)->change;
		eng->sp[p].mstep = chain_slot(eng, p)->mstep;
	}
	ts_song_walk *w = &eng->gen;
	if (!ts_song_walk_next(w, &eng->song, eng->sp, eng->cfg.rate))
		return false;
	*slot_of(eng, eng->gen_n++) = (struct song_inst){
		.q = w->q, .period = w->period, .seg_q = w->seg_q, .seg_f = w->seg_f,
		.K = (uint64_t)w->seg_tempo10 * 192, .row = (uint16_t)w->row,
		.repeat = eng->song.rows[w->row].repeat,
	};
	return true;
}

void ts_song_gen_pos(ts_engine *eng, int64_t pos)
{
	while (!eng->gen.done && (eng->gen_n == 0 || eng->gen.end <= pos))
		gen_one(eng);
}

void ts_song_gen_frame(ts_engine *eng, uint64_t f)
{
	if (eng->gen_n == 0)
		gen_one(eng);
	while (!eng->gen.done && eng->gen_n > 0 &&
	       ts_song_walk_frame(&eng->gen, eng->gen.end, eng->cfg.rate) <= f)
		gen_one(eng);
}

const struct song_inst *ts_song_inst(ts_engine *eng, uint64_t n)
{
	while (eng->gen_n <= n && gen_one(eng))
		;
	if (n >= eng->gen_n || n < oldest(eng))
		return NULL;
	return slot_of(eng, n);
}

const struct song_inst *ts_song_find(const ts_engine *eng, int64_t pos, uint64_t *n)
{
	uint64_t lo = oldest(eng), hi = eng->gen_n;
	if (lo == hi)
		return NULL;
	/* the last one in [lo, hi) starting at or before pos, else lo */
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (eng->inst[mid % SONG_RING].q <= pos)
			lo = mid;
		else
			hi = mid;
	}
	if (n)
		*n = lo;
	return &eng->inst[lo % SONG_RING];
}

const struct song_inst *ts_song_find_frame(const ts_engine *eng, uint64_t f, bool or_at)
{
	uint64_t lo = oldest(eng), hi = eng->gen_n;
	if (lo == hi)
		return NULL;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;
		const struct song_inst *in = &eng->inst[mid % SONG_RING];
		uint64_t fs = frame_in(eng, in, in->q);
		if (fs < f || (or_at && fs == f))
			lo = mid;
		else
			hi = mid;
	}
	return &eng->inst[lo % SONG_RING];
}

uint32_t ts_engine_passes_in(const ts_engine *eng, int slot, int t, int64_t rel)
{
	const pat_slot *ps = &eng->ps[slot];
	int64_t S = ps->tc[t].S, master = ps->master, len = ps->pat.tracks[t].length;
	if (rel <= 0)
		return 0;
	int64_t cycles = 0, rem = rel, per = 0;
	if (master > 0) {
		cycles = rel / master;
		rem = rel % master;
		per = ((master + S - 1) / S + len - 1) / len;
	}
	int64_t j = (rem + S - 1) / S;
	return (uint32_t)(cycles * per + (j + len - 1) / len);
}

/* The pattern of instance n + 1 (what plays after it), or -1 after the last. */
static int pattern_after(ts_engine *eng, uint64_t n)
{
	const struct song_inst *nx = ts_song_inst(eng, n + 1);
	return nx ? eng->song.rows[nx->row].pattern : -1;
}

/* Evaluation has passed the song's end: no step is evaluated any more. */
static void eval_end(ts_engine *eng)
{
	eng->eval_done = true;
	eng->change_at = -1;
	eng->queued = -1;
	for (int t = 0; t < TS_TRACKS; t++)
		eng->trk[t].next_start = POS_MAX;
	ts_engine_update_eval_min(eng);
}

void ts_song_locate(ts_engine *eng, int64_t pos)
{
	ts_song_walk_init(&eng->gen);
	eng->gen_n = 0;
	eng->eval_done = false;
	ts_song_gen_pos(eng, pos);
	uint64_t n = 0;
	const struct song_inst *in = ts_song_find(eng, pos, &n);
	if (!in || (eng->gen.done && pos >= eng->gen.end)) {
		/* at or after the end: nothing plays (the caller places the tracks, then this holds) */
		in = slot_of(eng, eng->gen_n > 0 ? eng->gen_n - 1 : 0);
		n = eng->gen_n > 0 ? eng->gen_n - 1 : 0;
		eng->eval_done = true;
	}
	struct song_inst cur = *in;
	eng->ev = eng->playing_inst = n;
	eng->ev_mute = eng->song.rows[cur.row].mute;
	eng->cur = eng->song.rows[cur.row].pattern;
	eng->cur_start = cur.q;
	int64_t rep = (pos - cur.q) / cur.period;
	if (rep >= cur.repeat)
		rep = cur.repeat - 1;
	if (rep < 0)
		rep = 0;
	eng->rep_index = (uint32_t)rep;
	eng->rep_start = cur.q + rep * cur.period;
	eng->change_at = eng->rep_start + cur.period;
	eng->queued = eng->eval_done ? -1 : pattern_after(eng, n);
}

void ts_song_located(ts_engine *eng)
{
	if (eng->eval_done)
		eval_end(eng);
}

void ts_song_boundary(ts_engine *eng)
{
	const struct song_inst *in = ts_song_inst(eng, eng->ev);
	int64_t at = eng->change_at;
	if (in && eng->rep_index + 1u < in->repeat) {
		/* A repeat: every track restarts at step 1 (a master-length reset); passes, stored
		 * results, held notes, endless retrigs and lock returns carry on. */
		eng->rep_index++;
		eng->rep_start = at;
		eng->change_at = at + in->period;
		for (int t = 0; t < TS_TRACKS; t++) {
			trk_rt *r = &eng->trk[t];
			r->reset_pos = at;
			r->j = 0;
			r->next_start = at;
		}
		ts_engine_update_eval_min(eng);
		return;
	}
	const struct song_inst *nx = ts_song_inst(eng, eng->ev + 1);
	if (!nx) {
		eval_end(eng);
		return;
	}
	struct song_inst next = *nx;
	eng->ev++;
	eng->ev_mute = eng->song.rows[next.row].mute;
	eng->rep_index = 0;
	ts_engine_change_to(eng, eng->song.rows[next.row].pattern, next.q, false,
			    pattern_after(eng, eng->ev), eng->ev);
	eng->change_at = next.q + next.period;
}

bool ts_engine_song_jump(ts_engine *eng, int row)
{
	if (!eng || !eng->has_song || row < 0 || row >= eng->song.nrows || !eng->running ||
	    eng->eval_done || eng->ev < oldest(eng) || eng->ev >= eng->gen_n)
		return false;
	/* the walk as it was right after instance ev, from the row's statement, counters at 0 */
	struct song_inst cur = *slot_of(eng, eng->ev);
	ts_song_walk *w = &eng->gen;
	ts_song_cursor_init(&w->cur);
	w->cur.pc = eng->song.rows[row].stmt;
	w->row = cur.row;
	w->q = cur.q;
	w->period = cur.period;
	w->end = cur.q + cur.period * cur.repeat;
	w->seg_q = cur.seg_q;
	w->seg_f = cur.seg_f;
	w->seg_tempo10 = (uint16_t)(cur.K / 192);
	w->n = eng->ev + 1;
	w->done = false;
	eng->gen_n = eng->ev + 1;
	eng->queued = pattern_after(eng, eng->ev);
	eng->pc_pending = eng->queued;
	if (eng->song_map)
		ts_engine_q_retime(eng);
	return true;
}

void ts_song_origin(const ts_engine *eng, int64_t pos, int64_t *origin, uint32_t *reps,
		    int64_t *period)
{
	*origin = eng->playing_start;
	*reps = 0;
	*period = 0;
	if (!eng->has_song || eng->playing_inst < oldest(eng) || eng->playing_inst >= eng->gen_n)
		return;
	const struct song_inst *in = &eng->inst[eng->playing_inst % SONG_RING];
	int64_t rep = pos > in->q ? (pos - in->q) / in->period : 0;
	if (rep >= in->repeat)
		rep = in->repeat - 1;
	*origin = in->q + rep * in->period;
	*reps = (uint32_t)rep;
	*period = in->period;
}
