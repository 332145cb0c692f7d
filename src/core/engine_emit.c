/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine's emission clock (engine.c describes both clocks): pops the queue in (frame, track,
 * class, origin) order and turns entries into MIDI and voice events, keeping the table of sounding
 * notes (cuts, held notes, slides); and ts_engine_run(), which drives both clocks.
 *
 * Real-time: everything here runs inside ts_engine_run() or ts_engine_stop().
 */
#include "engine_internal.h"

#include <string.h>

/* ---- output ---- */

/* Hand `ev` to the sink at absolute frame `frame`, as an offset into the period being run. */
static void emit(ts_engine *eng, uint64_t frame, ts_event *ev)
{
	ev->frame = frame > eng->base ? (uint32_t)(frame - eng->base) : 0; /* never late: see run */
	eng->fn(eng->ctx, ev);
}

static void emit3(ts_engine *eng, uint64_t frame, int port, int track, int size, int b0, int b1,
		  int b2)
{
	ts_event ev = {.port = (uint8_t)port, .track = (uint8_t)track, .size = (uint8_t)size,
		       .bytes = {(uint8_t)b0, (uint8_t)b1, (uint8_t)b2}};
	emit(eng, frame, &ev);
}

static void note_off(ts_engine *eng, uint64_t frame, int port, int chan, int owner, int note)
{
	emit3(eng, frame, port, owner, 3, 0x80 | chan, note, 0x40);
}

/* ---- emission ---- */

static void handle_locks(ts_engine *eng, uint64_t frame, const qent *e)
{
	int t = e->track - 1;
	trk_rt *r = &eng->trk[t];
	const ts_track *tk = &eng->ps[e->pat].pat.tracks[t];
	const trk_const *c = tc_of(eng, e->pat, t);
	const ts_trig *tr = &tk->steps[e->a];
	uint8_t prev[TS_MAX_LOCKS];
	int nprev = r->prev_nlocked;
	memcpy(prev, r->prev_locked, (size_t)nprev);

	/* "The previous fired trig" is the one that sounded before this one, not the one evaluated
	 * before: when micro timing or swing reorders trigs, a trig without a lock must still sound
	 * with the base value, not with the lock of a later step that fired earlier. */
	r->prev_nlocked = tr->nlocks;
	for (int i = 0; i < tr->nlocks; i++) {
		r->prev_locked[i] = tr->locks[i].cc;
		emit3(eng, frame, c->port, e->track, 3, 0xB0 | c->chan, tr->locks[i].cc,
		      tr->locks[i].value);
	}
	/* p-locks last one trig: controllers the previous fired trig locked go back to base values,
	 * in ascending controller order. */
	uint8_t back[TS_MAX_LOCKS];
	int nback = 0;
	for (int i = 0; i < nprev; i++) {
		int cc = prev[i];
		bool locked_now = false;
		for (int k = 0; k < tr->nlocks; k++)
			locked_now |= tr->locks[k].cc == cc;
		if (locked_now || tk->base_cc[cc] == TS_CC_NONE)
			continue;
		int k = nback++;
		while (k > 0 && back[k - 1] > cc) {
			back[k] = back[k - 1];
			k--;
		}
		back[k] = (uint8_t)cc;
	}
	for (int i = 0; i < nback; i++)
		emit3(eng, frame, c->port, e->track, 3, 0xB0 | c->chan, back[i], tk->base_cc[back[i]]);
}

static bool held_valid(const ts_engine *eng, int track, const struct held *h)
{
	const note_slot *s = &eng->notes[h->port][h->chan][h->note];
	return s->state == NOTE_HELD && s->owner == track && s->gen == h->gen;
}

static bool voice_held_valid(const trk_rt *r, const struct held *h)
{
	return r->vnotes[h->note].held && r->vnotes[h->note].gen == h->gen;
}

/* Add a note to the notes the track holds on MIDI (c's port and channel), or in its voice. False
 * when the list is full of notes still held: then the gate applies instead. */
static bool hold_note(ts_engine *eng, trk_rt *r, const trk_const *c, int track, bool voice,
		      int note, uint32_t gen, bool slide)
{
	struct held *list = voice ? r->vheld : r->held;
	int *n = voice ? &r->nvheld : &r->nheld;
	if (*n == HELD_MAX) {
		int k = 0;
		for (int i = 0; i < *n; i++)
			if (voice ? voice_held_valid(r, &list[i]) : held_valid(eng, track, &list[i]))
				list[k++] = list[i];
		*n = k;
		if (k == HELD_MAX)
			return false;
	}
	list[*n].port = voice ? 0 : c->port;
	list[*n].chan = voice ? 0 : c->chan;
	list[*n].note = (uint8_t)note;
	list[*n].gen = gen;
	list[*n].slide = slide;
	(*n)++;
	return true;
}

/* Round half away from zero of num/den, den > 0. */
static int round_div(int num, int den)
{
	return num >= 0 ? (2 * num + den) / (2 * den) : -((-2 * num + den) / (2 * den));
}

/* What a hit plays, worked out once for MIDI and the voice. */
struct hit_notes {
	uint8_t notes[TS_MAX_NOTES];
	int nnotes, vel;
	int64_t len;             /* a note's length in U, 0 = held (endless gate) */
	bool first;              /* hit 0: the trig's notes end what its track holds */
	bool hold, hold_slide;   /* held past the gate: until the next note trig, by slide? */
};

/* The MIDI side of a hit: note-ons and their note-offs on the track's port and channel. */
static void midi_hit(ts_engine *eng, uint64_t frame, const qent *e, const struct hit_notes *h)
{
	int t = e->track - 1, track = e->track;
	trk_rt *r = &eng->trk[t];
	const trk_const *c = tc_of(eng, e->pat, t);
	uint64_t ord = e->sub >> 24;
	int64_t len = h->len;
	struct held old[HELD_MAX];
	int nold = 0;
	bool tied[HELD_MAX] = {false};

	if (h->first) {
		/* A fired note trig ends the notes its track holds: endless gates right before its
		 * note-ons, slides right after them (legato), a note in both continues (tie). */
		nold = r->nheld;
		memcpy(old, r->held, (size_t)nold * sizeof(old[0]));
		r->nheld = 0;
		for (int i = 0; i < nold; i++) {
			if (old[i].slide || !held_valid(eng, track, &old[i]))
				continue;
			note_off(eng, frame, old[i].port, old[i].chan, track, old[i].note);
			eng->notes[old[i].port][old[i].chan][old[i].note].state = NOTE_OFF;
		}
	}
	for (int k = 0; k < h->nnotes; k++) {
		int n = h->notes[k];
		note_slot *s = &eng->notes[c->port][c->chan][n];
		bool tie = false;
		for (int i = 0; i < nold && !tie; i++)
			if (old[i].slide && old[i].note == n && old[i].port == c->port &&
			    old[i].chan == c->chan && held_valid(eng, track, &old[i]))
				tie = tied[i] = true;
		if (!tie) {
			/* Channels are shared across tracks: any note still sounding on this
			 * port and channel ends here, and its pending note-off becomes stale. */
			if (s->state != NOTE_OFF)
				note_off(eng, frame, c->port, c->chan, s->owner, n);
			s->gen++;
			emit3(eng, frame, c->port, track, 3, 0x90 | c->chan, n, h->vel);
		}
		s->owner = (uint8_t)track;
		s->state = NOTE_ON;
		if (h->hold && hold_note(eng, r, c, track, false, n, s->gen, h->hold_slide)) {
			s->state = NOTE_HELD;
			continue;
		}
		if (len == 0)
			len = c->S; /* not reached: endless gates always hold (a fresh list has room) */
		qent off = ts_engine_ent_at(eng, e->pos + len, track, CLS_OFF, ord, e->hit, k);
		off.kind = ENT_OFF;
		off.gen = s->gen;
		off.a = c->port;
		off.b = c->chan;
		off.n = (uint16_t)n;
		ts_engine_q_push(eng, off);
	}
	for (int i = 0; i < nold; i++) {
		if (!old[i].slide || tied[i] || !held_valid(eng, track, &old[i]))
			continue;
		note_off(eng, frame, old[i].port, old[i].chan, track, old[i].note);
		eng->notes[old[i].port][old[i].chan][old[i].note].state = NOTE_OFF;
	}
}

/*
 * The voice side of a hit: a voice event {0x90, note, velocity} on TS_PORT_VOICE, tagged with the
 * chain index of the hit's pattern (whose sample it plays), for each note-on
 * MIDI would send, decided on the track's own table of notes rather than on a port and channel:
 * the same holds, slides and ties as on MIDI, so a tied note plays no new hit, but nothing another
 * track sends can cut or untie them. So the voice plays the same whatever the track's channel,
 * port, send-midi, or whether it sends MIDI at all. Samples are one-shots: no note-offs.
 */
static void voice_hit(ts_engine *eng, uint64_t frame, int track, uint8_t index,
		      const struct hit_notes *h)
{
	trk_rt *r = &eng->trk[track - 1];
	struct held old[HELD_MAX];
	int nold = 0;
	bool tied[HELD_MAX] = {false};

	if (h->first) {
		nold = r->nvheld;
		memcpy(old, r->vheld, (size_t)nold * sizeof(old[0]));
		r->nvheld = 0;
		for (int i = 0; i < nold; i++)
			if (!old[i].slide && voice_held_valid(r, &old[i]))
				r->vnotes[old[i].note].held = false;
	}
	for (int k = 0; k < h->nnotes; k++) {
		int n = h->notes[k];
		voice_note *s = &r->vnotes[n];
		bool tie = false;
		for (int i = 0; i < nold && !tie; i++)
			if (old[i].slide && old[i].note == n && voice_held_valid(r, &old[i]))
				tie = tied[i] = true;
		if (!tie) {
			s->gen++;
			ts_event ev = {.port = TS_PORT_VOICE, .track = (uint8_t)track,
				       .pattern = index, .size = 3,
				       .bytes = {0x90, (uint8_t)n, (uint8_t)h->vel}};
			emit(eng, frame, &ev);
		}
		s->held = h->hold && hold_note(eng, r, NULL, track, true, n, s->gen, h->hold_slide);
	}
	for (int i = 0; i < nold; i++)
		if (old[i].slide && !tied[i] && voice_held_valid(r, &old[i]))
			r->vnotes[old[i].note].held = false;
}

static void handle_hit(ts_engine *eng, uint64_t frame, const qent *e)
{
	int t = e->track - 1, track = e->track;
	trk_rt *r = &eng->trk[t];
	const ts_pattern *pat = &eng->ps[e->pat].pat;
	const ts_track *tk = &pat->tracks[t];
	const trk_const *c = tc_of(eng, e->pat, t);
	const ts_trig *tr = &tk->steps[e->a];
	uint64_t ord = e->sub >> 24;
	int hit = e->hit;
	bool retrig = tr->retrig, endless = retrig && e->n == 0;
	struct inf_slot *slot = &r->inf[e->b];
	struct hit_notes h;

	h.first = hit == 0;
	/* An endless retrig stops at the track's next fired note trig (hit 0 always plays). */
	if (endless && !h.first && (slot->ord != ord || e->pos >= slot->stop))
		return;

	h.nnotes = ts_trig_notes(tk, tr, h.notes);
	h.vel = ts_trig_vel(tk, tr);
	if (tr->kind == TS_TRIG_ACCENT)
		h.vel = h.vel + pat->accent > 127 ? 127 : h.vel + pat->accent;
	int g16 = ts_len16(ts_trig_gate(tk, tr)); /* 0 = inf */
	int64_t interval = 0;
	bool slide_ok = tr->slide && c->note_trigs > 1;
	h.len = g16 * c->S / 16;

	if (retrig) {
		int d = ts_rate_div(ts_trig_retrig_rate(tk, tr));
		interval = 16 * c->S / d;
		if (g16 == 0 || g16 * d > 256)
			h.len = interval;
		if (!endless) {
			int rv = ts_trig_retrig_vel(tk, tr);
			h.vel = round_div(h.vel * e->n + rv * hit, e->n);
			h.vel = h.vel < 1 ? 1 : h.vel > 127 ? 127 : h.vel;
		}
		/* Slide applies to the last hit. An endless retrig's last hit is only known when the
		 * next trig comes, so each of its hits is held until the next hit re-strikes it. */
		h.hold = h.hold_slide = slide_ok && (endless || hit == e->n - 1);
	} else {
		h.hold = slide_ok || g16 == 0;
		h.hold_slide = slide_ok;
	}

	/* The voice's events of a hit come right after its MIDI (engine.h). */
	if (c->midi)
		midi_hit(eng, frame, e, &h);
	if (c->voice)
		voice_hit(eng, frame, track, eng->ps[e->pat].index, &h);

	if (retrig && (endless || hit + 1 < e->n)) {
		int64_t pos = e->pos + interval;
		if (endless && pos >= slot->stop)
			return;
		qent next = ts_engine_ent_at(eng, pos, track, CLS_ON, ord, hit + 1, 0);
		next.kind = ENT_HIT;
		next.pat = e->pat;
		next.a = e->a;
		next.b = e->b;
		next.n = e->n;
		next.hit = (uint16_t)(hit + 1 > 0xFFFF ? 0xFFFF : hit + 1);
		ts_engine_q_push(eng, next);
	}
}

static void emit_setup(ts_engine *eng, uint64_t frame, int p);

/* Program send: the chain index of a pattern chosen, on the clock port. */
static void emit_program(ts_engine *eng, uint64_t frame, int index)
{
	emit3(eng, frame, TS_PORT_CLOCK, 0, 2, 0xC0 | (eng->cfg.program_send - 1), index, 0);
}

/* The change point sounds: notes the old pattern holds end, the new pattern's setup goes out, and
 * lock returns start afresh (the base values were just sent). */
static void handle_change(ts_engine *eng, uint64_t frame, const qent *e)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		trk_rt *r = &eng->trk[t];
		for (int i = 0; i < r->nheld; i++) {
			struct held *h = &r->held[i];
			if (!held_valid(eng, t + 1, h))
				continue;
			note_off(eng, frame, h->port, h->chan, t + 1, h->note);
			eng->notes[h->port][h->chan][h->note].state = NOTE_OFF;
		}
		r->nheld = 0;
		/* and so do the voice's: the new pattern's first note plays, tie or not */
		for (int i = 0; i < r->nvheld; i++)
			r->vnotes[r->vheld[i].note].held = false;
		r->nvheld = 0;
		r->prev_nlocked = 0;
	}
	emit_setup(eng, frame, e->pat);
	if (eng->cfg.program_send && e->b > 0)
		emit_program(eng, frame, e->b - 1);
	eng->playing = e->a;
	eng->playing_start = (int64_t)e->sub;
	eng->playing_inst = (uint64_t)e->n << 32 | e->gen;
	eng->changes++;
}

/* A clock tick at position `pos`: F8 when the clock is sent; the metronome's click on a beat
 * (a bar's first beat accented: 4/4 from the song's start). The ticks are queued whether or not
 * either is on, so the click can be switched on at any time. */
static void emit_tick(ts_engine *eng, uint64_t frame, int64_t pos)
{
	if (eng->cfg.send_clock)
		emit3(eng, frame, TS_PORT_CLOCK, 0, 1, 0xF8, 0, 0);
	if (eng->click && pos % (4 * TS_UNITS_PER_STEP) == 0)
		emit3(eng, frame, TS_PORT_VOICE, 0, 3, 0x90, pos % (16 * TS_UNITS_PER_STEP) == 0,
		      127);
}

static void handle(ts_engine *eng, const qent *e)
{
	uint64_t frame = e->key >> 6;
	switch (e->kind) {
	case ENT_CLOCK: {
		emit_tick(eng, frame, e->pos);
		qent next = ts_engine_ent_at(eng, e->pos + TS_UNITS_PER_TICK, 0, 0, 0, 0, 0);
		next.kind = ENT_CLOCK;
		ts_engine_q_push(eng, next);
		break;
	}
	case ENT_OFF: {
		note_slot *s = &eng->notes[e->a][e->b][e->n];
		if (s->state == NOTE_OFF || s->gen != e->gen)
			break; /* ended earlier by a cut or a tie took it over */
		emit3(eng, frame, e->a, e->track, 3, 0x80 | e->b, e->n, 0x40);
		s->state = NOTE_OFF;
		break;
	}
	case ENT_LOCKS:
		handle_locks(eng, frame, e);
		break;
	case ENT_HIT:
		handle_hit(eng, frame, e);
		break;
	case ENT_CHANGE:
		handle_change(eng, frame, e);
		break;
	}
}

/* Each track's sound setup before any note: program change, then base cc values. Muted tracks get
 * theirs too: mute silences notes and locks, not the sound's setup. */
static void emit_setup(ts_engine *eng, uint64_t frame, int slot)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		const trk_const *c = tc_of(eng, slot, t);
		const ts_track *tk = &eng->ps[slot].pat.tracks[t];
		if (!c->midi)
			continue;
		if (tk->program != TS_PROGRAM_NONE)
			emit3(eng, frame, c->port, t + 1, 2, 0xC0 | c->chan, tk->program, 0);
		for (int cc = 0; cc < 128; cc++)
			if (tk->base_cc[cc] != TS_CC_NONE)
				emit3(eng, frame, c->port, t + 1, 3, 0xB0 | c->chan, cc,
				      tk->base_cc[cc]);
	}
}

/* Frame 0 of play: clock start and tick 0, then the sound setup of the pattern. */
static void emit_start(ts_engine *eng)
{
	if (eng->cfg.program_send)
		emit_program(eng, 0, eng->cur);
	/* From the start: Start. From elsewhere: where (Song Position Pointer, in 16ths), then
	 * Continue; either way the tick at the position right away if it is on one. */
	int64_t first = (eng->start_pos + TS_UNITS_PER_TICK - 1) / TS_UNITS_PER_TICK;
	if (eng->cfg.send_clock && eng->start_pos == 0) {
		emit3(eng, 0, TS_PORT_CLOCK, 0, 1, 0xFA, 0, 0);
	} else if (eng->cfg.send_clock) {
		int64_t spp = eng->start_pos / TS_UNITS_PER_STEP;
		emit3(eng, 0, TS_PORT_CLOCK, 0, 3, 0xF2, (int)(spp & 0x7F), (int)(spp >> 7 & 0x7F));
		emit3(eng, 0, TS_PORT_CLOCK, 0, 1, 0xFB, 0, 0);
	}
	if (first * TS_UNITS_PER_TICK == eng->start_pos) {
		emit_tick(eng, 0, eng->start_pos);
		first++;
	}
	qent e = ts_engine_ent_at(eng, first * TS_UNITS_PER_TICK, 0, 0, 0, 0, 0);
	e.kind = ENT_CLOCK;
	ts_engine_q_push(eng, e);
	emit_setup(eng, 0, eng->phys[eng->cur]);
	if (eng->cfg.program_send && eng->queued >= 0)
		emit_program(eng, 0, eng->queued);
}

static void halt(ts_engine *eng, uint64_t frame);

void ts_engine_run(ts_engine *eng, uint32_t nframes, ts_event_fn fn, void *ctx)
{
	if (!eng || !eng->running || nframes == 0)
		return;
	uint64_t end = eng->now + nframes;
	eng->base = eng->now;
	eng->fn = fn;
	eng->ctx = ctx;
	if (eng->start_pending) {
		eng->start_pending = false;
		emit_start(eng);
	} else if (eng->pc_pending >= 0 && eng->cfg.program_send) {
		emit_program(eng, eng->now, eng->pc_pending);
	}
	eng->pc_pending = -1;
	/*
	 * Before frame f is emitted, every step starting before ts_engine_pos_ceil(f + 1) + max_step
	 * is evaluated: a trig fires at most 23/24 of its step before its step start, so no other
	 * step can emit at or before f. Steps are evaluated one at a time and only when needed, which
	 * keeps the queue short whatever the period size.
	 * The same bound makes endless retrigs exact: a hit at h is emitted only once every step
	 * starting before h + max_step is evaluated, which includes the track's next note trig if it
	 * fires at or before h.
	 */
	for (;;) {
		uint64_t f = end;
		if (eng->nq > 0 && (eng->q[0].key >> 6) < end)
			f = eng->q[0].key >> 6;
		if (eng->song_map)
			ts_song_gen_frame(eng, f + 1);
		if (eng->eval_min < ts_engine_pos_ceil(eng, f + 1) + eng->max_step) {
			ts_engine_evaluate_next(eng);
			continue; /* its entries may come before the head */
		}
		/* The song's end (song-format §5.5): what comes before its frame is sent, nothing at
		 * or after it but the stop. */
		if (eng->eval_done && eng->gen.done) {
			uint64_t fe = ts_engine_pos_frame(eng, eng->gen.end);
			if (fe <= f && fe < end) {
				halt(eng, fe);
				eng->ended = true;
				break;
			}
		}
		if (eng->nq == 0 || (eng->q[0].key >> 6) >= end)
			break;
		qent e = ts_engine_q_pop(eng);
		handle(eng, &e);
		ts_engine_q_release(eng, &e);
	}
	eng->now = end;
}


/* Stop at absolute frame `frame` of the period being run (eng->base its first). */
static void halt(ts_engine *eng, uint64_t frame)
{
	if (eng->cfg.send_clock)
		emit3(eng, frame, TS_PORT_CLOCK, 0, 1, 0xFC, 0, 0);
	if (eng->cfg.bank) {
		/* the next Start plays what was playing, or what was queued; Continue resumes it */
		eng->first = eng->queued >= 0 ? eng->queued : eng->playing;
		eng->first_start = eng->queued >= 0 ? 0 : eng->playing_start;
		eng->cur = eng->playing = eng->first;
		eng->queued = -1;
		eng->direct = eng->jump = false;
	}
	/* By track; a track's notes can sound on the ports and channels of several patterns. */
	for (int t = 0; t < TS_TRACKS; t++) {
		for (int p = 0; p < TS_MAX_PORTS; p++) {
			for (int ch = 0; ch < 16; ch++) {
				if (!eng->used[p][ch])
					continue;
				for (int n = 0; n < 128; n++) {
					note_slot *s = &eng->notes[p][ch][n];
					if (s->state != NOTE_OFF && s->owner == t + 1) {
						note_off(eng, frame, p, ch, t + 1, n);
						s->state = NOTE_OFF;
					}
				}
			}
		}
	}
	ts_engine_q_clear(eng);
	eng->running = false;
	eng->start_pending = false;
}

void ts_engine_stop(ts_engine *eng, uint32_t frame, ts_event_fn fn, void *ctx)
{
	if (!eng || !eng->running)
		return;
	eng->fn = fn;
	eng->ctx = ctx;
	eng->base = 0;
	halt(eng, frame);
}