/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine: spec/pattern-format.md §5 over integer musical positions (units U, engine.h).
 *
 * Two clocks run inside ts_engine_run():
 *   - evaluation walks the steps of all tracks in the global order (step start, track 1 … 12),
 *     deciding which trigs fire (conditions, PRNG, passes, lock returns) and queueing what they play;
 *   - emission pops the queue in (frame, track, class, origin) order and turns entries into MIDI,
 *     keeping the table of sounding notes (cuts, held notes, slides).
 * Evaluation only ever reads evaluation state and emission only emission state (with one exception,
 * the stop of an endless retrig, argued in ts_engine_run()), and before any frame f is emitted
 * every step that could emit at f has been evaluated. Hence the output does not depend on how the
 * frames are cut into periods.
 *
 * Patterns live in slots (pat_slot); the chain names them through phys[]. ts_engine_update(), between
 * two runs, puts a new version in a free slot: evaluation reads the chain's slots, each queued entry
 * the slot it was queued from, so what was evaluated before the update sounds as it was decided.
 * The same update at the same frame gives the same output whatever the period sizes, because what
 * is evaluated once a frame has run depends on that frame only.
 *
 * The files: engine_eval.c holds the map from positions to frames, the queue and evaluation;
 * engine_emit.c emission, ts_engine_run() and ts_engine_stop(); this one the other public calls
 * (transport, chain, status, loading and replacing patterns); engine_internal.h what they share.
 *
 * Real-time: every table is part of struct ts_engine (engine_internal.h), allocated once in
 * ts_engine_new().
 */
#include "engine_internal.h"

#include <string.h>

#include "trigseq/core/rtmem.h"

/* ---- control ---- */

/* Step and pass of a track at position pos of the sounding pattern (closed form, as below). */
static void step_at(const ts_engine *eng, int t, int64_t pos, uint8_t *step, uint32_t *pass,
		    uint16_t *phase);

/* Where a track's step clock is at `pos` of pattern cur (started at cur_start): its next step to
 * evaluate is the first one starting at or after pos, and its pass counts the step 1 starts
 * before that one. */
void ts_engine_place_track(ts_engine *eng, int t, int64_t pos)
{
	trk_rt *r = &eng->trk[t];
	const pat_slot *ps = chain_slot(eng, eng->cur);
	int64_t S = ps->tc[t].S, master = ps->master, len = ps->pat.tracks[t].length;
	int64_t rel = pos - eng->rep_start, cycle = 0, steps = 0, reset = 0;
	if (master > 0) {
		cycle = rel / master;
		reset = cycle * master;
		steps = (master + S - 1) / S; /* step starts per master period */
	}
	r->j = (rel - reset + S - 1) / S;
	if (master > 0 && r->j >= steps) {
		cycle++;
		reset += master;
		r->j = 0;
	}
	r->reset_pos = eng->rep_start + reset;
	r->next_start = r->reset_pos + r->j * S;
	int64_t per_cycle = master > 0 ? (steps + len - 1) / len : 0;
	r->pass = (uint32_t)(cycle * per_cycle + (r->j + len - 1) / len);
	/* a song row's earlier repeats (song-format §5.3: passes count across them) */
	if (eng->rep_index > 0)
		r->pass += eng->rep_index * ts_engine_passes_in(eng, eng->phys[eng->cur], t,
								 eng->change_at - eng->rep_start);
}

/* The pattern of the chain sounding at pos, and where it started, when the chain plays from
 * pattern `first` at 0 with nothing queued: the same whatever the period sizes or relocations. */
static void chain_locate(const ts_engine *eng, int64_t pos, int *index, int64_t *start)
{
	int p = eng->first;
	int64_t at = 0, cycle = 0;
	*index = p;
	*start = 0;
	if (eng->cfg.bank) {
		*start = pos >= eng->first_start ? eng->first_start : 0;
		return;
	}
	if (eng->npat < 2)
		return;
	for (int k = 0; k < eng->npat; k++) {
		if (chain_slot(eng, k)->change == 0) {
			cycle = 0; /* a pattern without change points ends the chain there */
			break;
		}
		cycle += chain_slot(eng, k)->change;
	}
	if (cycle > 0)
		at = pos / cycle * cycle;
	while (chain_slot(eng, p)->change > 0 && at + chain_slot(eng, p)->change <= pos) {
		at += chain_slot(eng, p)->change;
		p = (p + 1) % eng->npat;
	}
	*index = p;
	*start = at;
}

void ts_engine_start(ts_engine *eng)
{
	ts_engine_continue(eng, 0);
}

void ts_engine_continue(ts_engine *eng, int64_t pos)
{
	if (!eng || pos < 0)
		return;
	eng->direct = eng->jump = false;
	eng->pc_pending = -1;
	eng->song_map = eng->has_song && eng->song_tempo;
	eng->ended = false;
	if (eng->has_song) {
		if (eng->song_pending) {
			eng->song = eng->song_next;
			eng->song_pending = false;
		}
		ts_song_locate(eng, pos);
	} else {
		chain_locate(eng, pos, &eng->cur, &eng->cur_start);
		eng->rep_start = eng->cur_start;
		eng->rep_index = 0;
		eng->queued = eng->npat > 1 && !eng->cfg.bank ? (eng->cur + 1) % eng->npat : -1;
		int64_t change = chain_slot(eng, eng->cur)->change;
		eng->change_at = -1;
		if (change > 0)
			eng->change_at = eng->cur_start +
					 ((pos - eng->cur_start) / change + 1) * change;
	}
	eng->playing = eng->cur;
	eng->playing_start = eng->cur_start;
	eng->changes = 0;
	for (int t = 0; t < TS_TRACKS; t++) {
		trk_rt *r = &eng->trk[t];
		ts_engine_place_track(eng, t, pos);
		r->prev_nlocked = 0;
		r->has_result = false;
		r->last_result = false;
		r->inf_count = 0;
		memset(r->inf, 0, sizeof(r->inf));
		r->nfired = 0;
		r->nheld = 0;
		r->nvheld = 0;
		memset(r->vnotes, 0, sizeof(r->vnotes));
	}
	for (int p = 0; p < TS_MAX_PORTS; p++)
		for (int ch = 0; ch < 16; ch++)
			if (eng->used[p][ch])
				memset(eng->notes[p][ch], 0, sizeof(eng->notes[0][0]));
	if (eng->has_song)
		ts_song_located(eng);
	ts_engine_update_eval_min(eng);
	ts_engine_q_clear(eng);
	/* Frames keep counting on the timeline where position 0 is frame 0, at the tempo now. */
	eng->start_pos = pos;
	eng->anchor_pos = 0;
	eng->anchor_frame = 0;
	eng->now = ts_engine_pos_frame(eng, pos);
	eng->ordinal = 0;
	eng->lost = 0;
	eng->peak = 0;
	eng->running = true;
	eng->start_pending = true;
}

bool ts_engine_queue(ts_engine *eng, int index)
{
	if (!eng || index < 0 || index >= eng->npat || eng->has_song)
		return false;
	if (eng->running) {
		eng->queued = index;
		eng->pc_pending = index;
		if (eng->direct) { /* a direct selection not sounding yet gives way */
			eng->direct = eng->jump = false;
			eng->change_at = ts_engine_next_change_point(eng,
								     chain_slot(eng, eng->cur)->change);
		}
	} else {
		eng->first = index;
		eng->first_start = 0;
		eng->cur = eng->playing = index;
	}
	return true;
}

bool ts_engine_select(ts_engine *eng, int index, ts_select_mode mode)
{
	if (!eng || index < 0 || index >= eng->npat || eng->has_song)
		return false;
	if (!eng->running || mode == TS_SELECT_SEQUENTIAL)
		return ts_engine_queue(eng, index);
	/* every step starting before eval_min is evaluated, none at or after it */
	eng->change_at = (eng->eval_min + TS_UNITS_PER_STEP - 1) / TS_UNITS_PER_STEP *
			 TS_UNITS_PER_STEP;
	eng->queued = index;
	eng->direct = true;
	eng->jump = mode == TS_SELECT_DIRECT_JUMP;
	eng->pc_pending = index;
	return true;
}

int ts_engine_patterns(const ts_engine *eng)
{
	return eng ? eng->npat : 0;
}

int ts_engine_ports(const ts_engine *eng)
{
	return eng ? eng->nports : 0;
}

ts_status ts_engine_add_port(ts_engine *eng, const char *name)
{
	if (!eng || !name)
		return TS_ERR_RANGE;
	size_t len = strnlen(name, TS_PORT_NAME_MAX + 1);
	if (len == 0 || len > TS_PORT_NAME_MAX)
		return TS_ERR_RANGE;
	for (int k = 0; k < eng->nports; k++)
		if (strcmp(eng->port_names[k], name) == 0)
			return TS_ERR_RANGE;
	if (eng->nports == TS_MAX_PORTS)
		return TS_ERR_FULL;
	memcpy(eng->port_names[eng->nports], name, len);
	eng->port_names[eng->nports][len] = '\0';
	eng->nports++;
	return TS_OK;
}

/* Steps are evaluated up to one longest step ahead of the output, so a change reaches the trigs
 * of steps not yet evaluated: at most that much later than the call. */
void ts_engine_set_fill(ts_engine *eng, bool fill)
{
	if (eng)
		eng->fill = fill;
}

void ts_engine_set_click(ts_engine *eng, bool click)
{
	if (eng)
		eng->click = click;
}

/*
 * The song goes on from ts_engine_position(), the first position not emitted yet, which sounds
 * at now, the first frame of the next period: everything before it has sounded at the old tempo
 * and stays as it was, everything from it is timed anew. Anchoring that position at exactly now
 * moves it by at most half a frame (less than one U where a U is longer than a frame). Entries
 * already queued are at or after it, so none moves before now, and none is emitted twice.
 */
ts_status ts_engine_set_tempo(ts_engine *eng, uint16_t tempo10)
{
	if (!eng || tempo10 < TS_TEMPO10_MIN || tempo10 > TS_TEMPO10_MAX)
		return TS_ERR_RANGE;
	uint64_t K = (uint64_t)tempo10 * 192;
	if (K == eng->K && !eng->song_map)
		return TS_OK; /* a new anchor would move frames by rounding */
	if (eng->start_pending) {
		eng->song_map = false;
		/* Nothing is queued nor evaluated yet: play starts from start_pos at the new tempo,
		 * as if it had been set before the start. */
		eng->K = K;
		eng->now = ts_engine_pos_frame(eng, eng->start_pos);
		return TS_OK;
	}
	/* Stopped, this keeps ts_engine_position(): where a Continue would take up the song. A
	 * song's own tempo map ends here too: the live tempo plays every row from now on. */
	eng->anchor_pos = ts_engine_pos_ceil(eng, eng->now);
	eng->anchor_frame = eng->now;
	eng->K = K;
	eng->song_map = false;
	ts_engine_q_retime(eng);
	return TS_OK;
}

bool ts_engine_running(const ts_engine *eng)
{
	return eng && eng->running;
}

int64_t ts_engine_position(const ts_engine *eng)
{
	return eng ? ts_engine_pos_ceil(eng, eng->now) : 0;
}

static void step_at(const ts_engine *eng, int t, int64_t pos, uint8_t *step, uint32_t *pass,
		    uint16_t *phase)
{
	const pat_slot *ps = chain_slot(eng, eng->playing);
	int64_t S = ps->tc[t].S, master = ps->master;
	int64_t len = ps->pat.tracks[t].length, k = 0, per_reset = 0, origin, period;
	uint32_t reps;
	ts_song_origin(eng, pos, &origin, &reps, &period);
	uint32_t before = reps ? reps * ts_engine_passes_in(eng, eng->phys[eng->playing], t, period)
			       : 0;
	pos -= origin;
	if (pos < 0)
		pos = 0;
	if (master > 0) {
		k = pos / master;
		pos -= k * master;
		int64_t steps = (master + S - 1) / S; /* step starts per master period */
		per_reset = (steps + len - 1) / len;
	}
	int64_t j = pos / S;
	*step = (uint8_t)(j % len + 1);
	*phase = (uint16_t)((pos - j * S) * TS_PHASE_STEP / S);
	*pass = before + (uint32_t)(k * per_reset + j / len + 1);
}

/* The position at engine frame f (f >= 1 past a start), exact and rounded down: after a tempo
 * change, frames before its anchor take the last position that sounded before it. */
static int64_t frame_pos(const ts_engine *eng, uint64_t f)
{
	uint64_t rate = eng->cfg.rate;
	const struct song_inst *in = eng->song_map ? ts_song_find_frame(eng, f, true) : NULL;
	if (in && f >= in->seg_f) {
		f -= in->seg_f;
		return in->seg_q + (int64_t)(f / rate * in->K + f % rate * in->K / rate);
	}
	if (f < eng->anchor_frame)
		return eng->anchor_pos > 0 ? eng->anchor_pos - 1 : 0;
	f -= eng->anchor_frame;
	return eng->anchor_pos + (int64_t)(f / rate * eng->K + f % rate * eng->K / rate);
}

uint64_t ts_engine_frames(const ts_engine *eng)
{
	return eng ? eng->now : 0;
}

int64_t ts_engine_frame_position(const ts_engine *eng, uint64_t frame)
{
	return eng ? frame_pos(eng, frame) : 0;
}

/* A track's time at pos since its pattern started, in 1/TS_PHASE_STEP of its steps. */
static int64_t track_time(const ts_engine *eng, int t, int64_t pos)
{
	const pat_slot *ps = chain_slot(eng, eng->playing);
	int64_t S = ps->tc[t].S;
	pos -= eng->playing_start;
	return pos < 0 ? 0 : pos / S * TS_PHASE_STEP + pos % S * TS_PHASE_STEP / S;
}

bool ts_engine_track_near(const ts_engine *eng, int t, int64_t pos, ts_track_near *out)
{
	if (!eng || t < 0 || t >= TS_TRACKS || (!eng->running && eng->now == 0))
		return false;
	const pat_slot *ps = chain_slot(eng, eng->playing);
	int64_t S = ps->tc[t].S, u24 = S / 24; /* every speed's step is a multiple of 24 U */
	int64_t origin, period;
	uint32_t reps;
	ts_song_origin(eng, pos, &origin, &reps, &period);
	int64_t rel = pos - origin;
	if (rel < 0)
		rel = 0;
	/* to the nearest 24th, then to the nearest step: up to half a step late stays on its step,
	 * more goes to the next one, early */
	int64_t q = (rel + u24 / 2) / u24;
	int64_t j = (q + 11) / 24;
	uint8_t step;
	uint16_t ph;
	uint32_t pass;
	step_at(eng, t, origin + j * S, &step, &pass, &ph);
	out->step = step - 1;
	out->micro = (int)(q - j * 24);
	out->time = track_time(eng, t, pos);
	return true;
}

void ts_engine_get_status(const ts_engine *eng, ts_engine_status *st)
{
	memset(st, 0, sizeof(*st));
	if (!eng)
		return;
	st->frames = eng->now;
	st->lost_events = eng->lost;
	st->queue_peak = eng->peak;
	st->pattern = eng->playing;
	st->queued = eng->running ? eng->queued : -1;
	st->changes = eng->changes;
	st->updates = eng->updates;
	st->tempo10 = (uint16_t)(eng->K / 192);
	st->row = -1;
	st->ended = eng->ended;
	if (eng->has_song) {
		st->rows = eng->song.nrows;
		st->row = eng->song.stmts[0].row;
		st->repeat = 1;
		st->repeats = eng->song.rows[st->row].repeat;
	}
	if (!eng->running && eng->now == 0)
		return;
	/* the step sounding at the last frame run (frame 0 right after start): the exact position at
	 * that frame, or, right after a tempo change, the last one that sounded before it */
	int64_t pos = frame_pos(eng, eng->now > 0 ? eng->now - 1 : 0);
	if (eng->has_song && eng->playing_inst < eng->gen_n &&
	    eng->playing_inst + SONG_RING >= eng->gen_n) {
		const struct song_inst *in = &eng->inst[eng->playing_inst % SONG_RING];
		int64_t origin, period;
		uint32_t reps;
		ts_song_origin(eng, pos, &origin, &reps, &period);
		st->row = in->row;
		st->repeat = (uint16_t)(reps + 1);
		st->repeats = in->repeat;
		if (eng->song_map || eng->has_song)
			st->tempo10 = (uint16_t)((eng->song_map ? in->K : eng->K) / 192);
	}
	for (int t = 0; t < TS_TRACKS; t++) {
		step_at(eng, t, pos, &st->step[t], &st->pass[t], &st->phase[t]);
		st->time[t] = track_time(eng, t, pos);
	}
}

/* ---- setup (not real-time) ---- */

static bool trig_ok(const ts_trig *tr)
{
	if (tr->kind > TS_TRIG_MUTED || tr->nnotes > TS_MAX_NOTES || tr->nlocks > TS_MAX_LOCKS)
		return false;
	for (int i = 0; i < tr->nnotes; i++)
		if (tr->notes[i] > 127)
			return false;
	for (int i = 0; i < tr->nlocks; i++)
		if (tr->locks[i].cc > 127 || tr->locks[i].value > 127)
			return false;
	if ((tr->vel != TS_UNSET && (tr->vel < 1 || tr->vel > 127)) ||
	    (tr->gate != TS_UNSET && tr->gate > TS_LEN_INF) ||
	    (tr->retrig_rate != TS_UNSET && tr->retrig_rate >= TS_RATE_COUNT) ||
	    (tr->retrig_len != TS_UNSET && tr->retrig_len > TS_LEN_INF) ||
	    (tr->retrig_vel != TS_UNSET_I16 && (tr->retrig_vel < -128 || tr->retrig_vel > 127)) ||
	    tr->micro < -23 || tr->micro > 23 || tr->swing > TS_SWING_OFF)
		return false;
	int a, b;
	return tr->cond == TS_COND_NONE || ts_cond_percent(tr->cond) >= 0 ||
	       ts_cond_ab(tr->cond, &a, &b) || (tr->cond >= TS_COND_FILL && tr->cond <= TS_COND_NOT_1ST);
}

static bool track_ok(const ts_track *tk)
{
	if (tk->channel > 16 || tk->nnotes < 1 || tk->nnotes > TS_MAX_NOTES || tk->velocity < 1 ||
	    tk->velocity > 127 || tk->gate > TS_LEN_INF || tk->length < 1 ||
	    tk->length > TS_MAX_STEPS || tk->speed >= TS_SPEED_COUNT || tk->prob > 100 ||
	    tk->program > 127 || tk->retrig_rate >= TS_RATE_COUNT || tk->retrig_len > TS_LEN_INF ||
	    tk->retrig_vel < -128 || tk->retrig_vel > 127 || tk->dest > TS_DEST_INT_EXT)
		return false;
	const ts_euclid *e = &tk->euclid;
	if (e->on && (e->pl1 > TS_EUCLID_PULSES_MAX || e->pl2 > TS_EUCLID_PULSES_MAX ||
		      e->ro1 < -TS_EUCLID_ROT_MAX || e->ro1 > TS_EUCLID_ROT_MAX ||
		      e->ro2 < -TS_EUCLID_ROT_MAX || e->ro2 > TS_EUCLID_ROT_MAX ||
		      e->tro < -TS_EUCLID_ROT_MAX || e->tro > TS_EUCLID_ROT_MAX || e->op >= TS_EUCLID_OPS))
		return false;
	for (int i = 0; i < tk->nnotes; i++)
		if (tk->notes[i] > 127)
			return false;
	for (int c = 0; c < 128; c++)
		if (tk->base_cc[c] > 127 || tk->base_cc[c] < TS_CC_NONE)
			return false;
	for (int k = 0; k < tk->length; k++)
		if (!trig_ok(&tk->steps[k]))
			return false;
	return true;
}

ts_status ts_engine_load(ts_engine *eng, const ts_pattern *pat)
{
	return ts_engine_load_chain(eng, pat, 1);
}

static ts_status pattern_ok(const ts_pattern *pat)
{
	if (pat->tempo10 < TS_TEMPO10_MIN || pat->tempo10 > TS_TEMPO10_MAX || pat->swing < 50 ||
	    pat->swing > 80 || pat->speed >= TS_SPEED_COUNT || pat->mode > TS_MODE_ADVANCED ||
	    pat->length > 1024 || (pat->mode == TS_MODE_NORMAL && pat->length < 1) ||
	    pat->accent > 127 || pat->change == 1 || pat->change > 1024)
		return TS_ERR_RANGE;
	for (int t = 0; t < TS_TRACKS; t++)
		if (!track_ok(&pat->tracks[t]))
			return TS_ERR_RANGE;
	return TS_OK;
}

static void prepare(ts_engine *eng, int slot);
static int64_t chain_max_step(const ts_engine *eng);

ts_status ts_engine_load_chain(ts_engine *eng, const ts_pattern *pats, int n)
{
	if (!eng || !pats || n < 1 || n > eng->cap)
		return TS_ERR_RANGE;
	if (eng->running)
		return TS_ERR_USAGE; /* the patterns are read while playing: stop first */
	for (int p = 0; p < n; p++)
		if (pattern_ok(&pats[p]) != TS_OK)
			return TS_ERR_RANGE;
	const char *ports[TS_MAX_PORTS];
	int nports = ts_patterns_ports(pats, n, ports);
	if (nports < 0)
		return TS_ERR_RANGE;

	eng->nports = nports;
	for (int k = 0; k < nports; k++) {
		size_t len = strnlen(ports[k], TS_PORT_NAME_MAX);
		memcpy(eng->port_names[k], ports[k], len);
		eng->port_names[k][len] = '\0';
	}
	for (int s = 0; s < eng->nslots; s++) {
		eng->ps[s].mapped = s < n;
		eng->ps[s].refs = 0;
	}
	for (int p = 0; p < n; p++) {
		eng->ps[p].pat = pats[p];
		eng->ps[p].index = (uint8_t)p;
		eng->phys[p] = (uint8_t)p;
	}
	eng->npat = n;
	eng->has_song = eng->song_map = eng->eval_done = eng->ended = false;
	eng->ev_mute = 0;
	eng->rep_start = eng->cur_start = eng->playing_start = 0;
	eng->rep_index = 0;
	eng->first = eng->cur = eng->playing = 0;
	eng->first_start = 0;
	eng->queued = -1;
	eng->direct = eng->jump = false;
	eng->pc_pending = -1;
	eng->updates = 0;
	eng->K = (uint64_t)(eng->cfg.tempo10 ? eng->cfg.tempo10 : pats[0].tempo10) * 192;
	memset(eng->used, 0, sizeof(eng->used));
	for (int p = 0; p < n; p++)
		prepare(eng, p);
	eng->max_step = chain_max_step(eng);
	return TS_OK;
}

/* A program that plays the chain's n patterns. */
static bool song_ok(const ts_song *song, int n)
{
	if (!song || song->nrows < 1 || song->nrows > TS_SONG_ROWS_MAX ||
	    song->nstmts < 1 || song->nstmts > TS_SONG_STMTS_MAX || song->tempo10 < TS_TEMPO10_MIN ||
	    song->tempo10 > TS_TEMPO10_MAX)
		return false;
	for (int i = 0; i < song->nrows; i++) {
		const ts_song_row *r = &song->rows[i];
		if (r->pattern >= n || r->repeat < 1 || r->repeat > TS_SONG_REPEAT_MAX ||
		    r->length > TS_SONG_LENGTH_MAX || r->stmt >= song->nstmts ||
		    song->stmts[r->stmt].kind != TS_SONG_STMT_ROW || song->stmts[r->stmt].row != i ||
		    (r->tempo10 != 0 &&
		     (r->tempo10 < TS_TEMPO10_MIN || r->tempo10 > TS_TEMPO10_MAX)))
			return false;
	}
	for (int i = 0; i < song->nstmts; i++) {
		const ts_song_stmt *st = &song->stmts[i];
		if (st->kind > TS_SONG_STMT_LOOP || st->row >= song->nrows ||
		    (st->kind == TS_SONG_STMT_LOOP &&
		     (song->rows[st->row].stmt >= i || st->count > TS_SONG_COUNT_MAX)))
			return false;
	}
	return true;
}

/* Every row of the song ends: a `length`, or a pattern with change points. */
static bool song_rows_end(const ts_engine *eng, const ts_song *song)
{
	for (int i = 0; i < song->nrows; i++) {
		const ts_song_row *r = &song->rows[i];
		if (!r->length && chain_slot(eng, r->pattern)->change <= 0)
			return false;
	}
	return true;
}

ts_status ts_engine_set_song(ts_engine *eng, const ts_song *song)
{
	if (!eng || !eng->has_song || !song_ok(song, eng->npat) || !song_rows_end(eng, song))
		return TS_ERR_RANGE;
	uint16_t tempo10 = eng->cfg.tempo10 ? eng->cfg.tempo10 : song->tempo10;
	if (eng->running || eng->start_pending) {
		eng->song_next = *song;
		eng->song_next.tempo10 = tempo10;
		eng->song_pending = true;
		return TS_OK;
	}
	eng->song = *song;
	eng->song.tempo10 = tempo10;
	eng->song_pending = false;
	return TS_OK;
}

ts_status ts_engine_load_song(ts_engine *eng, const ts_pattern *pats, int n, const ts_song *song)
{
	if (!eng || !song_ok(song, n))
		return TS_ERR_RANGE;
	ts_status s = ts_engine_load_chain(eng, pats, n);
	if (s != TS_OK)
		return s;
	if (!song_rows_end(eng, song))
		return TS_ERR_RANGE; /* a row would never end */
	eng->song = *song;
	eng->song_pending = false;
	if (eng->cfg.tempo10)
		eng->song.tempo10 = eng->cfg.tempo10;
	eng->K = (uint64_t)eng->song.tempo10 * 192;
	eng->has_song = true;
	eng->song_tempo = true;
	eng->cur = eng->playing = eng->song.rows[eng->song.stmts[0].row].pattern;
	eng->first = eng->cur;
	return TS_OK;
}

void ts_engine_song_tempo(ts_engine *eng, bool on)
{
	if (eng)
		eng->song_tempo = on;
}

bool ts_engine_ended(const ts_engine *eng)
{
	return eng && eng->ended;
}

/* ---- replacing a pattern while playing ---- */

static bool ports_known(const ts_engine *eng, const ts_pattern *pat)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		int k = 0;
		while (k < eng->nports && strcmp(eng->port_names[k], pat->tracks[t].port) != 0)
			k++;
		if (k == eng->nports)
			return false;
	}
	return true;
}

/* The lowest free slot (so the choice is the same whatever the period sizes), or -1. */
static int free_slot(const ts_engine *eng)
{
	for (int s = 0; s < eng->nslots; s++)
		if (!eng->ps[s].mapped && eng->ps[s].refs == 0)
			return s;
	return -1;
}

/*
 * Pattern cur was replaced by `to` while its steps were being evaluated: its tracks go on from
 * where evaluation is. A track whose step grid is the same (step length, master length, mode) keeps
 * its state, so its next step is the one it would have played anyway (with the new trigs); any
 * other track is placed on the new grid at its own frontier, the start of its first step not
 * evaluated yet, so no step is evaluated twice. Either way the track's steps from then on are the
 * closed form from cur_start (ts_engine_place_track), which is what the status reports.
 */
static void follow_update(ts_engine *eng, const pat_slot *from, const pat_slot *to)
{
	bool same_master = from->master == to->master && from->pat.mode == to->pat.mode;
	for (int t = 0; t < TS_TRACKS; t++)
		if (!same_master || from->tc[t].S != to->tc[t].S)
			ts_engine_place_track(eng, t, eng->trk[t].next_start);
	ts_engine_update_eval_min(eng);
	/* The next change point on the new spacing from the pattern's start that no evaluated step
	 * reaches (a direct selection on its way keeps its own). */
	if (from->change != to->change && !eng->direct && !eng->has_song)
		eng->change_at = ts_engine_next_change_point(eng, to->change);
}

/* An endless retrig runs until its track's next note trig; one whose trig the update removed
 * (or changed into something else, or whose track it muted) may have none coming: it stops now,
 * at the first position of the next period, instead of running on for good. */
static void stop_orphan_retrigs(ts_engine *eng, const ts_pattern *pat)
{
	int64_t now = ts_engine_pos_ceil(eng, eng->now);
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *tk = &pat->tracks[t];
		trk_rt *r = &eng->trk[t];
		for (int i = 0; i < INF_SLOTS; i++) {
			struct inf_slot *inf = &r->inf[i];
			if (inf->stop != POS_MAX)
				continue;
			const ts_trig *tr = &tk->steps[inf->step];
			const trk_const *c = tc_of(eng, eng->phys[eng->cur], t);
			bool kept = !tk->mute && inf->step < (c->euclid ? c->nhits : tk->length) &&
				    ts_engine_trig_is_note(tk, c, inf->step) &&
				    tr->retrig && ts_trig_retrig_len(tk, tr) == TS_LEN_INF;
			if (!kept)
				inf->stop = now > inf->start ? now : inf->start + 1;
		}
	}
}

/* A valid pattern whose ports the chain has, copied into a free slot, now mapped: the slot, or
 * -1 with why in *st. */
static int new_version(ts_engine *eng, const ts_pattern *pat, ts_status *st)
{
	*st = pattern_ok(pat) != TS_OK || !ports_known(eng, pat) ? TS_ERR_RANGE : TS_OK;
	int to = *st == TS_OK ? free_slot(eng) : -1;
	if (*st == TS_OK && to < 0)
		*st = TS_ERR_BUSY;
	if (to < 0)
		return -1;
	memcpy(&eng->ps[to].pat, pat, sizeof(*pat));
	prepare(eng, to);
	eng->ps[to].mapped = true;
	return to;
}

ts_status ts_engine_update(ts_engine *eng, int index, const ts_pattern *pat)
{
	if (!eng || !pat || index < 0 || index >= eng->npat)
		return TS_ERR_RANGE;
	ts_status st;
	int from = eng->phys[index], to = new_version(eng, pat, &st);
	if (to < 0)
		return st;
	eng->ps[from].mapped = false;
	eng->ps[to].index = (uint8_t)index;
	eng->phys[index] = (uint8_t)to;
	/* The look-ahead covers the steps still to be evaluated, which are all the chain's: entries
	 * of an old version are queued already and need none, so it may shrink as well as grow. */
	eng->max_step = chain_max_step(eng);
	if (eng->running && index == eng->cur) {
		follow_update(eng, &eng->ps[from], &eng->ps[to]);
		stop_orphan_retrigs(eng, &eng->ps[to].pat);
	}
	eng->updates++;
	return TS_OK;
}

ts_status ts_engine_append(ts_engine *eng, const ts_pattern *pat)
{
	if (!eng || !pat)
		return TS_ERR_RANGE;
	if (eng->npat == eng->cap)
		return TS_ERR_FULL;
	ts_status st;
	int to = new_version(eng, pat, &st);
	if (to < 0)
		return st;
	eng->ps[to].index = (uint8_t)eng->npat;
	eng->phys[eng->npat++] = (uint8_t)to;
	eng->max_step = chain_max_step(eng);
	return TS_OK;
}

/* ---- constants of a slot (ts_engine_load_chain, ts_engine_update) ---- */

static int64_t chain_max_step(const ts_engine *eng)
{
	int64_t max = 0;
	for (int p = 0; p < eng->npat; p++)
		for (int t = 0; t < TS_TRACKS; t++)
			if (chain_slot(eng, p)->tc[t].S > max)
				max = chain_slot(eng, p)->tc[t].S;
	return max;
}

/* Constants of the pattern in `slot`; its ports are among the chain's. */
static void prepare(ts_engine *eng, int slot)
{
	pat_slot *ps = &eng->ps[slot];
	const ts_pattern *pat = &ps->pat;
	int num, den;
	ts_speed_ratio(pat->speed, &num, &den);
	int64_t master_step = (int64_t)TS_UNITS_PER_STEP * den / num;
	ps->master = pat->mode == TS_MODE_ADVANCED && pat->length > 0 ? pat->length * master_step : 0;
	ps->change = (pat->change > 0 ? pat->change : pat->length) * master_step;
	ps->mstep = master_step;
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *tk = &pat->tracks[t];
		trk_const *c = &ps->tc[t];
		ts_speed_ratio(tk->speed, &num, &den);
		c->S = (int64_t)TS_UNITS_PER_STEP * den / num;
		c->midi = ts_track_sends_midi(tk, NULL);
		c->voice = tk->dest != TS_DEST_EXT && tk->sample[0] != '\0';
		c->port = 0;
		for (int k = 0; k < eng->nports; k++)
			if (strcmp(eng->port_names[k], tk->port) == 0)
				c->port = (uint8_t)k;
		c->chan = (uint8_t)(tk->channel > 0 ? tk->channel - 1 : 0);
		c->has_base_cc = false;
		for (int cc = 0; cc < 128; cc++)
			c->has_base_cc |= tk->base_cc[cc] != TS_CC_NONE;
		c->euclid = tk->euclid.on;
		c->nhits = (uint8_t)ts_euclid_hits(tk, c->hit);
		c->note_trigs = 0;
		for (int s = 0; s < tk->length; s++)
			if (c->hit[s] && ts_engine_trig_is_note(tk, c, c->hit[s] - 1))
				c->note_trigs++;
		/* stop and continue look for sounding notes on these; never cleared while playing, as
		 * notes of an older version may still sound there */
		if (c->midi)
			eng->used[c->port][c->chan] = true;
	}
}

/* The only allocation and release of the engine: all its memory is this one block. */
ts_engine *ts_engine_new(const ts_engine_config *cfg)
{
	if (!cfg || cfg->rate < 1000 || cfg->rate > TS_ENGINE_RATE_MAX ||
	    (cfg->tempo10 != 0 && (cfg->tempo10 < TS_TEMPO10_MIN || cfg->tempo10 > TS_TEMPO10_MAX)) ||
	    cfg->chain_max < 0 || cfg->chain_max > TS_CHAIN_MAX || cfg->program_send > 16)
		return NULL;
	int cap = cfg->chain_max > 0 ? cfg->chain_max : 1;
	int nslots = cap + TS_EDIT_SLOTS;
	ts_engine *eng = ts_rtmem_alloc(sizeof(*eng) + (size_t)nslots * sizeof(pat_slot));
	if (!eng)
		return NULL;
	eng->cfg = *cfg;
	eng->cap = cap;
	eng->nslots = nslots;
	ts_pattern blank;
	ts_pattern_init(&blank);
	ts_engine_load_chain(eng, &blank, 1);
	return eng;
}

void ts_engine_free(ts_engine *eng)
{
	ts_rtmem_free(eng);
}
