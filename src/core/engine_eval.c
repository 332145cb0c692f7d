/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine's evaluation clock (engine.c describes both clocks): the map from positions to
 * frames, the event queue both clocks share, the random draws, and the walk over the steps of all
 * tracks in the global order that decides which trigs fire and queues what they play.
 *
 * Real-time: everything here runs inside ts_engine_run() or the control calls of engine.c.
 */
#include "engine_internal.h"

#include <string.h>

/* ---- time ---- */

uint64_t ts_pos_to_frame(int64_t pos, uint32_t rate, uint16_t tempo10)
{
	if (pos <= 0 || rate == 0 || tempo10 == 0)
		return 0;
	/* floor(pos·rate/K + 1/2) = floor((2·pos·rate + K) / 2K), split so nothing overflows. */
	uint64_t K = (uint64_t)tempo10 * 192, p = (uint64_t)pos;
	uint64_t q = p / K, r = p % K;
	return q * rate + (2 * r * rate + K) / (2 * K);
}

/*
 * ts_engine_pos_frame and ts_engine_pos_ceil are the only two places that know the map. Each frame
 * is computed from integers (the anchor and the position), so nothing accumulates across tempo
 * changes. Positions
 * before the anchor have sounded already (ts_engine_set_tempo anchors at the first position not
 * emitted yet); they would map to the anchor's frame.
 */
uint64_t ts_engine_pos_frame(const ts_engine *eng, int64_t pos)
{
	int64_t aq = eng->anchor_pos;
	uint64_t af = eng->anchor_frame, K = eng->K;
	const struct song_inst *in = eng->song_map ? ts_song_find(eng, pos, NULL) : NULL;
	if (in) {
		aq = in->seg_q;
		af = in->seg_f;
		K = in->K;
	}
	return af + ts_pos_to_frame(pos - aq, eng->cfg.rate, (uint16_t)(K / 192));
}

/* The smallest position whose frame is >= f, for f >= the anchor's frame (the frames still to
 * run): anchor_pos + ceil(K·(2g − 1) / 2·rate) with g = f − anchor_frame > 0. On the song's map,
 * the anchor is the segment of the last instance that starts before f: the old tempo's formula
 * holds up to the next segment's start, whose frame is >= f. */
int64_t ts_engine_pos_ceil(const ts_engine *eng, uint64_t f)
{
	int64_t aq = eng->anchor_pos;
	uint64_t af = eng->anchor_frame, K = eng->K;
	const struct song_inst *in = eng->song_map ? ts_song_find_frame(eng, f, false) : NULL;
	if (in) {
		aq = in->seg_q;
		af = in->seg_f;
		K = in->K;
	}
	if (f <= af)
		return aq;
	uint64_t m = 2 * (f - af) - 1, d = 2 * (uint64_t)eng->cfg.rate;
	uint64_t q = m / d, r = m % d;
	return aq + (int64_t)(q * K + (r * K + d - 1) / d);
}

/* ---- the queue: a binary heap ---- */

static bool ent_less(const qent *x, const qent *y)
{
	return x->key < y->key || (x->key == y->key && x->sub < y->sub);
}

/* Entries that read their pattern's data when they sound. */
static bool slot_refers(const qent *e)
{
	return e->kind == ENT_LOCKS || e->kind == ENT_HIT || e->kind == ENT_CHANGE;
}

void ts_engine_q_push(ts_engine *eng, qent e)
{
	if (eng->nq == QCAP) {
		eng->lost++;
		return;
	}
	if (slot_refers(&e))
		eng->ps[e.pat].refs++;
	uint32_t i = eng->nq++;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;
		if (!ent_less(&e, &eng->q[parent]))
			break;
		eng->q[i] = eng->q[parent];
		i = parent;
	}
	eng->q[i] = e;
	if (eng->nq > eng->peak)
		eng->peak = eng->nq;
}

/* Put e at hole i of the heap of the first n entries, moving it down to its place. */
static void q_sift_down(ts_engine *eng, uint32_t i, uint32_t n, qent e)
{
	for (;;) {
		uint32_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && ent_less(&eng->q[c + 1], &eng->q[c]))
			c++;
		if (!ent_less(&eng->q[c], &e))
			break;
		eng->q[i] = eng->q[c];
		i = c;
	}
	eng->q[i] = e;
}

qent ts_engine_q_pop(ts_engine *eng)
{
	qent top = eng->q[0], last = eng->q[--eng->nq];
	if (eng->nq > 0)
		q_sift_down(eng, 0, eng->nq, last);
	return top;
}

/* Every key again from its entry's position, after the map changed, then the heap property
 * again (bottom-up heap construction). O(nq), and nq <= QCAP: bounded, and done only on a tempo
 * change. The order of (key, sub) is total, so the heap pops the same sequence whatever order
 * its entries were pushed in. */
void ts_engine_q_retime(ts_engine *eng)
{
	for (uint32_t i = 0; i < eng->nq; i++) {
		qent *e = &eng->q[i];
		e->key = ts_engine_pos_frame(eng, e->pos) << 6 | (e->key & 0x3F);
	}
	for (uint32_t i = eng->nq / 2; i-- > 0;)
		q_sift_down(eng, i, eng->nq, eng->q[i]);
}

/* After an entry popped from the queue was handled. */
void ts_engine_q_release(ts_engine *eng, const qent *e)
{
	if (slot_refers(e))
		eng->ps[e->pat].refs--;
}

void ts_engine_q_clear(ts_engine *eng)
{
	eng->nq = 0;
	for (int s = 0; s < eng->nslots; s++)
		eng->ps[s].refs = 0;
}

qent ts_engine_ent_at(ts_engine *eng, int64_t pos, int track, int cls, uint64_t ord, int hit,
		      int idx)
{
	if (eng->song_map)
		ts_song_gen_pos(eng, pos);
	qent e;
	memset(&e, 0, sizeof(e));
	e.key = ts_engine_pos_frame(eng, pos) << 6 | (uint64_t)track << 2 | (uint64_t)cls;
	e.sub = ord << 24 | (uint64_t)(hit > 0xFFFF ? 0xFFFF : hit) << 8 | (uint64_t)idx;
	e.pos = pos;
	e.track = (uint8_t)track;
	return e;
}

/*
 * ---- random draws ----
 * A draw is a pure function of (seed, track, step start position): the splitmix64 finaliser of
 * key = seed ^ track·G ^ start·H, then of key + G, key + 2G … while rejecting. So a relocation
 * (Continue, Song Position Pointer) plays the same random choices as playing from the start did,
 * and editing one track or step never reshuffles another's. A trig draws at most once per step.
 */
#define DRAW_G 0x9E3779B97F4A7C15u
#define DRAW_H 0xD1B54A32D192ED03u

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* Uniform 0 … 99: rejecting the top partial block of 2^64 removes the modulo bias. */
static int draw100(const ts_engine *eng, int t, int64_t start)
{
	const uint64_t limit = UINT64_MAX - (UINT64_MAX % 100 + 1) % 100; /* 2^64 − 2^64 mod 100 − 1 */
	uint64_t key = eng->cfg.seed ^ (uint64_t)(t + 1) * DRAW_G ^ (uint64_t)start * DRAW_H;
	for (uint64_t k = 0;; k++) {
		uint64_t x = mix64(key + k * DRAW_G);
		if (x <= limit)
			return (int)(x % 100);
	}
}

/* ---- evaluation ---- */

static bool cond_true(ts_engine *eng, int t, trk_rt *r, const ts_track *tk, const ts_trig *tr,
		      int64_t start)
{
	int c = tr->cond, a, b, pct;
	bool v;

	if (c == TS_COND_NONE)
		return tk->prob >= 100 || draw100(eng, t, start) < tk->prob;
	switch (c) {
	case TS_COND_PRE:
		return r->has_result && r->last_result;
	case TS_COND_NOT_PRE:
		return !(r->has_result && r->last_result);
	case TS_COND_NEI:
		return t > 0 && eng->trk[t - 1].has_result && eng->trk[t - 1].last_result;
	case TS_COND_NOT_NEI:
		return !(t > 0 && eng->trk[t - 1].has_result && eng->trk[t - 1].last_result);
	case TS_COND_FILL:
		v = eng->fill;
		break;
	case TS_COND_NOT_FILL:
		v = !eng->fill;
		break;
	case TS_COND_1ST:
		v = r->pass == 1;
		break;
	case TS_COND_NOT_1ST:
		v = r->pass != 1;
		break;
	default:
		if ((pct = ts_cond_percent(c)) >= 0)
			v = draw100(eng, t, start) < pct;
		else if (ts_cond_ab(c, &a, &b))
			v = (int)((r->pass - 1) % (uint32_t)b) + 1 == a;
		else
			v = true; /* not reached: ts_engine_load() refuses unknown codes */
		break;
	}
	r->has_result = true;
	r->last_result = v;
	return v;
}

static void evaluate_step(ts_engine *eng, int t)
{
	trk_rt *r = &eng->trk[t];
	int slot = eng->phys[eng->cur];
	const ts_pattern *pat = &eng->ps[slot].pat;
	const ts_track *tk = &pat->tracks[t];
	const trk_const *c = tc_of(eng, slot, t);
	int step = (int)(r->j % tk->length);
	int64_t start = r->next_start;

	if (step == 0)
		r->pass++;
	/* Under euclid (euclid.md §3.3.2) only hits play, hit k the trig of grid step k, '.' as 'x';
	 * the step start, swing and draws are those of step s. */
	int idx = c->euclid ? c->hit[step] - 1 : step;
	if (idx < 0)
		return;
	const ts_trig *tr = &tk->steps[idx];
	int kind = c->euclid && tr->kind == TS_TRIG_NONE ? TS_TRIG_NOTE : tr->kind;
	if (kind == TS_TRIG_NONE || kind == TS_TRIG_MUTED || tk->mute || (eng->ev_mute >> t & 1))
		return;
	if (!cond_true(eng, t, r, tk, tr, start))
		return;

	int64_t when = start + tr->micro * c->S / 24;
	bool swung = tr->swing == TS_SWING_ON || (tr->swing == TS_SWING_AUTO && step % 2 == 1);
	if (swung)
		when += c->S * (2 * pat->swing - 100) / 100;
	/* Nothing sounds before the pattern starts (play, or its change point in a chain): pass 1
	 * is clamped as the spec says, and so is a later pass of an advanced pattern whose master
	 * length is shorter than a long step's negative micro offset. Otherwise a later pass fires
	 * early into the previous one, as on the Rytm. */
	if (when < eng->cur_start)
		when = eng->cur_start;

	uint64_t ord = ++eng->ordinal;
	bool note = kind == TS_TRIG_NOTE || kind == TS_TRIG_ACCENT;
	bool endless = note && tr->retrig && ts_trig_retrig_len(tk, tr) == TS_LEN_INF;

	/* A track without MIDI (channel off, send-midi off, dest int) still evaluates and fires:
	 * its internal voice plays, and its condition results feed pre/nei as on the Rytm. Every
	 * fired trig of a track with base values passes through a LOCKS entry, so that lock returns
	 * are decided when it sounds (see handle_locks); the voice has no locks. */
	if (c->midi && (tr->nlocks > 0 || c->has_base_cc)) {
		qent e = ts_engine_ent_at(eng, when, t + 1, CLS_LOCKS, ord, 0, 0);
		e.kind = ENT_LOCKS;
		e.pat = (uint8_t)slot;
		e.a = (uint8_t)idx;
		ts_engine_q_push(eng, e);
	}
	if (note && (c->midi || c->voice)) {
		qent e = ts_engine_ent_at(eng, when, t + 1, CLS_ON, ord, 0, 0);
		e.kind = ENT_HIT;
		e.pat = (uint8_t)slot;
		e.a = (uint8_t)idx;
		e.b = (uint8_t)(r->inf_count % INF_SLOTS);
		e.n = 1;
		if (tr->retrig && !endless) {
			int len16 = ts_len16(ts_trig_retrig_len(tk, tr));
			int d = ts_rate_div(ts_trig_retrig_rate(tk, tr));
			/* hits i with i·16/D < len16/16 */
			e.n = (uint16_t)((len16 * d + 255) / 256);
		} else if (endless) {
			e.n = 0;
		}
		ts_engine_q_push(eng, e);
	}
	if (note) {
		/* A fired note trig stops every endless retrig of its track that started before it in
		 * time; micro timing can make a step sound before the one evaluated just before it. */
		for (int i = 0; i < INF_SLOTS; i++)
			if (r->inf[i].start < when && r->inf[i].stop > when)
				r->inf[i].stop = when;
		if (endless) {
			struct inf_slot *inf = &r->inf[r->inf_count++ % INF_SLOTS];
			inf->ord = ord;
			inf->start = when;
			inf->stop = POS_MAX;
			inf->step = (uint8_t)idx;
			/* ... and a note trig evaluated before it that sounds after it stops it */
			uint32_t n = r->nfired < FIRED_KEEP ? r->nfired : FIRED_KEEP;
			for (uint32_t k = 0; k < n; k++)
				if (r->fired_when[k] > when && r->fired_when[k] < inf->stop)
					inf->stop = r->fired_when[k];
		}
		r->fired_when[r->nfired++ % FIRED_KEEP] = when;
	}
}

static void advance_track(ts_engine *eng, int t)
{
	trk_rt *r = &eng->trk[t];
	const pat_slot *ps = chain_slot(eng, eng->cur);
	int64_t S = ps->tc[t].S, master = ps->master;
	r->j++;
	r->next_start = r->reset_pos + r->j * S;
	if (master > 0 && r->next_start >= r->reset_pos + master) {
		r->reset_pos += master;
		r->j = 0;
		r->next_start = r->reset_pos;
	}
}

void ts_engine_change_to(ts_engine *eng, int next, int64_t at, bool jump, int after, uint64_t inst)
{
	eng->cur = next;
	if (!jump)
		eng->cur_start = at; /* a jump keeps counting from the old pattern's start */
	eng->rep_start = eng->cur_start;
	eng->rep_index = 0;
	eng->queued = after;
	int64_t change = chain_slot(eng, next)->change;
	eng->change_at = -1;
	if (change > 0)
		eng->change_at = eng->cur_start + ((at - eng->cur_start) / change + 1) * change;
	for (int t = 0; t < TS_TRACKS; t++) {
		trk_rt *r = &eng->trk[t];
		ts_engine_place_track(eng, t, at);
		r->has_result = false;
		r->last_result = false;
		/* endless retrigs of the old pattern end at the change */
		for (int i = 0; i < INF_SLOTS; i++)
			if (r->inf[i].stop > at)
				r->inf[i].stop = at;
	}
	ts_engine_update_eval_min(eng);
	qent e = ts_engine_ent_at(eng, at, 0, CLS_CHANGE, 0, 0, 0);
	e.kind = ENT_CHANGE;
	e.pat = eng->phys[next];
	e.a = (uint8_t)next;
	e.b = (uint8_t)(after + 1);
	e.gen = (uint32_t)inst;
	e.n = (uint16_t)(inst >> 32);
	e.sub = (uint64_t)eng->cur_start; /* alone at its key: nothing to order against */
	ts_engine_q_push(eng, e);
}

/* The change point: the queued pattern takes over, every track at step 1 of its pass 1. Called
 * once every step starting before it is evaluated; steps of the old pattern that straddle it are
 * cut there. */
static void change_pattern(ts_engine *eng)
{
	bool jump = eng->direct && eng->jump;
	int next = eng->queued;
	eng->direct = eng->jump = false;
	ts_engine_change_to(eng, next, eng->change_at, jump,
			    eng->npat > 1 && !eng->cfg.bank ? (next + 1) % eng->npat : -1, 0);
}

/* The first change point of pattern cur that no evaluated step reaches, or -1. */
int64_t ts_engine_next_change_point(const ts_engine *eng, int64_t change)
{
	if (change <= 0)
		return -1;
	int64_t k = (eng->eval_min - eng->cur_start + change - 1) / change;
	return eng->cur_start + (k < 1 ? 1 : k) * change;
}

void ts_engine_update_eval_min(ts_engine *eng)
{
	eng->eval_min = eng->trk[0].next_start;
	for (int t = 1; t < TS_TRACKS; t++)
		if (eng->trk[t].next_start < eng->eval_min)
			eng->eval_min = eng->trk[t].next_start;
}

/*
 * Evaluate the next step in the global order (step start, track 1 … 12), so the evaluated steps are
 * always a prefix of one fixed sequence, whatever the period sizes.
 */
void ts_engine_evaluate_next(ts_engine *eng)
{
	/* Change points with nothing queued pass by (a single pattern loops on its length). */
	while (eng->change_at >= 0 && eng->eval_min >= eng->change_at) {
		if (eng->has_song) {
			ts_song_boundary(eng);
			if (eng->eval_done)
				return;
			continue;
		}
		if (eng->queued >= 0) {
			change_pattern(eng);
			break;
		}
		eng->change_at += chain_slot(eng, eng->cur)->change;
	}
	int best = 0;
	for (int t = 1; t < TS_TRACKS; t++)
		if (eng->trk[t].next_start < eng->trk[best].next_start)
			best = t;
	evaluate_step(eng, best);
	advance_track(eng, best);
	ts_engine_update_eval_min(eng);
}
