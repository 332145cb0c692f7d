/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline (timeline.h): one cycle per source, top to bottom as the host's cycle goes. The
 * engine writes through one of three sinks, which place its events in the cycle: put_direct (its
 * frames are the cycle's: INTERNAL, and every stop), put_slave (the MIDI clock's filtered grid)
 * and put_transport (the JACK transport's position). All three end in emit(), the host's out.
 */
#include "trigseq/core/timeline.h"

#include <math.h>
#include <string.h>

/* ---- writing [RT] ---- */

static void emit(ts_timeline *tl, const ts_event *ev)
{
	if (tl->host->out(tl->host->ctx, ev) && ev->port == TS_PORT_CLOCK && ev->bytes[0] == 0xF8) {
		tl->have_tick = true;
		tl->last_tick = tl->now + ev->frame;
	}
}

static void put_direct(void *ctx, const ts_event *ev)
{
	emit(ctx, ev);
}

/* ---- the free-running clock [RT] ---- */

/* A tick interval is I = N / M frames: N = rate * 2500, M = tempo in milli-BPM. */
static uint64_t fr_n(const ts_timeline *tl)
{
	return (uint64_t)tl->cfg.rate * 2500;
}

uint64_t ts_timeline_tick_frame(uint32_t rate, uint32_t mbpm, uint64_t k)
{
	uint64_t m = mbpm;
	return (2 * k * ((uint64_t)rate * 2500) + m) / (2 * m);
}

/* Frame of tick k after the origin: floor(k * N / M + 1/2), exact in integers. */
static uint64_t fr_at(const ts_timeline *tl, uint64_t k)
{
	return ts_timeline_tick_frame(tl->cfg.rate, tl->fr_mbpm, k);
}

/* Whether a tick (or a start) at frame `at` is at least I - 1 frames after the last tick. */
static bool far_enough(const ts_timeline *tl, uint64_t at, uint32_t mbpm)
{
	if (!tl->have_tick || at >= tl->last_tick + (1ull << 32))
		return true;
	if (at < tl->last_tick)
		return false;
	return (int64_t)((at - tl->last_tick) * mbpm) >= (int64_t)fr_n(tl) - (int64_t)mbpm;
}

/* The tempo of the free-running clock: the timebase master's when it gives one, else ours. */
static uint32_t fr_tempo(const ts_timeline *tl, bool bbt, double bpm)
{
	if (bbt && bpm >= 1.0 && bpm <= 2000.0)
		return (uint32_t)(bpm * 1000 + 0.5);
	return (uint32_t)tl->cfg.tempo10 * 100;
}

/* (Re)start at `mbpm` on the grid of the last tick sent (its tick 0), at the first of its ticks
 * at or after `now`; without a recent tick, tick 0 is at `now`. */
static void fr_start(ts_timeline *tl, uint64_t now, uint32_t mbpm)
{
	tl->fr_on = true;
	tl->fr_mbpm = mbpm;
	if (!tl->have_tick || tl->last_tick > now || now - tl->last_tick > (1ull << 32)) {
		tl->fr_origin = now;
		tl->fr_k = 0;
		return;
	}
	tl->fr_origin = tl->last_tick;
	uint64_t d = now - tl->last_tick, k = d ? (d * 2 - 1) * mbpm / (2 * fr_n(tl)) : 1;
	while (k > 1 && fr_at(tl, k - 1) >= d)
		k--;
	while (k < 1 || fr_at(tl, k) < d)
		k++;
	tl->fr_k = k;
}

/* Write this cycle's ticks. With `hold`, only those at least I - 1 frames before the end of the
 * cycle (where the engine may start next); the others are not sent. Ticks in the past are
 * skipped. The origin moves to every tick that falls on a whole frame, so k stays small. */
static void fr_run(ts_timeline *tl, uint64_t now, uint32_t nframes, bool hold)
{
	uint64_t end = now + nframes, n = fr_n(tl);
	for (;;) {
		uint64_t t = tl->fr_origin + fr_at(tl, tl->fr_k);
		if (t >= end)
			break;
		if (hold && (int64_t)((end - t) * tl->fr_mbpm) < (int64_t)n - (int64_t)tl->fr_mbpm)
			break;
		if (t >= now) {
			ts_event ev = {.frame = (uint32_t)(t - now), .port = TS_PORT_CLOCK, .size = 1,
				       .bytes = {0xF8}};
			emit(tl, &ev);
		}
		tl->fr_k++;
		if (tl->fr_k * n % tl->fr_mbpm == 0) {
			tl->fr_origin += tl->fr_k * n / tl->fr_mbpm;
			tl->fr_k = 0;
		}
	}
}

/* One cycle of the free-running clock: `run` when the engine does not run, `hold` when it may
 * start at the end of the cycle. Sets sync_ready: whether a start at the end of this cycle would
 * come at least I - 1 frames after the last tick. */
static void fr_cycle(ts_timeline *tl, bool run, bool hold, uint32_t mbpm)
{
	if (!run) {
		tl->fr_on = false;
	} else {
		if (!tl->fr_on || tl->fr_mbpm != mbpm)
			fr_start(tl, tl->now, mbpm);
		fr_run(tl, tl->now, tl->nframes, hold);
	}
	tl->st.sync_ready = far_enough(tl, tl->now + tl->nframes, mbpm);
}

/* ---- requests, commands and program changes [RT] ---- */

static void played(ts_timeline *tl, uint64_t frame)
{
	tl->st.starts++;
	if (!tl->st.started) {
		tl->st.start_frame = (uint32_t)frame;
		tl->st.started = true;
	}
}

/* The main thread's requests in the modes that follow a source: a start request only makes the
 * cycle listen to it; returns true once, in the cycle that must do the stop (the caller does its
 * stop, then stop_done()). The editor (cfg.interactive) sends no start: it listens from the
 * first cycle. */
static bool take_requests(ts_timeline *tl)
{
	if (tl->in->stop_req)
		return !tl->stopped;
	if (!tl->st.listening && (tl->cfg.interactive || tl->in->start_req))
		tl->st.listening = true;
	return false;
}

static void stop_done(ts_timeline *tl)
{
	tl->stopped = true;
	tl->st.stop_done = true;
}

/* The editor's command of this cycle, taken once; false when there is none. */
static bool take_command(ts_timeline *tl, int *cmd)
{
	if (!tl->cfg.interactive || tl->in->command == 0 || tl->st.command_taken)
		return false;
	tl->st.command_taken = true;
	*cmd = tl->in->command;
	return true;
}

/* A program change on the channel asked for (cfg.program_receive) queues that pattern of the
 * chain for its next change point, or picks the first one while stopped. */
static void take_program(ts_timeline *tl, const ts_midi_msg *m)
{
	if (tl->cfg.program_receive == 0 || ts_midi_msg_kind(m) != 0xC0 ||
	    (m->bytes[0] & 0x0F) != tl->cfg.program_receive - 1)
		return;
	tl->st.pc_last = m->bytes[1];
	if (ts_engine_queue(tl->eng, m->bytes[1]))
		tl->st.pc_taken++;
	else
		tl->st.pc_ignored++;
}

/* ---- the MIDI clock slave [RT] ---- */

/* Song position (ticks) of a frame of the engine's virtual timeline: the inverse of
 * ts_pos_to_frame to within the rounding, split so that nothing overflows. */
static double vframe_to_tick(const ts_timeline *tl, uint64_t vf)
{
	uint64_t K = (uint64_t)tl->cfg.tempo10 * 192, q = vf / tl->cfg.rate, r = vf % tl->cfg.rate;
	double u = (double)(q * K) + (double)r * (double)K / (double)tl->cfg.rate;
	return u / TS_UNITS_PER_TICK;
}

/* The engine's sink in slave mode: each event goes where the filtered grid reaches its
 * position, inside the part of the cycle being scheduled, never before the previous event
 * (the host wants them in order). Late ones (due before this part) go at its first frame. */
/* Run the engine on its virtual timeline from where it is up to virtual frame vt (nothing when
 * it is there already), handing each event to `put`, which maps it back to a frame of the cycle. */
static void run_virtual(ts_timeline *tl, uint64_t vt, ts_event_fn put)
{
	if (vt <= tl->vnow)
		return;
	uint64_t v = vt - tl->vnow;
	uint32_t n = v > (1u << 30) ? (1u << 30) : (uint32_t)v;
	tl->vbase = tl->vnow;
	ts_engine_run(tl->eng, n, put, tl);
	tl->vnow += n;
}

static void put_slave(void *ctx, const ts_event *ev)
{
	ts_timeline *tl = ctx;
	int64_t off, lo = tl->last_off > tl->seg_lo ? tl->last_off : tl->seg_lo, hi = tl->seg_hi - 1;
	if (tl->direct) {
		off = ev->frame;
	} else {
		double tick = vframe_to_tick(tl, tl->vbase + ev->frame), real;
		if (tick > tl->song_hi)
			tick = tl->song_hi;
		off = ts_clock_tick_frame_ahead(&tl->clock, tick, tl->npend, &real)
			      ? (int64_t)floor(real + 0.5) - (int64_t)tl->now
			      : hi;
	}
	off = off < lo ? lo : off > hi ? hi : off;
	tl->last_off = (uint32_t)off;
	ts_event out = *ev;
	out.frame = (uint32_t)off;
	emit(tl, &out);
}

/* Run the engine up to where the clock's grid is at offset `hi` of this cycle, with the clock
 * as it is now (ticks of this part not fed yet), then feed those ticks. The grid may reach past
 * the last tick fed by the ticks held back: they came, so with periods longer than a tick the
 * steps between them are not held until the next cycle. */
static void schedule_to(ts_timeline *tl, uint32_t hi)
{
	if (hi > tl->seg_lo && ts_engine_running(tl->eng) && ts_clock_running(&tl->clock)) {
		double pos = ts_clock_position_ahead(&tl->clock, tl->now + hi, tl->npend);
		tl->song_hi = ts_clock_position_ahead(&tl->clock, UINT64_MAX, tl->npend);
		tl->seg_hi = hi;
		uint64_t vt = 0;
		if (pos >= 0)
			vt = ts_pos_to_frame((int64_t)floor(pos * TS_UNITS_PER_TICK), tl->cfg.rate,
					     tl->cfg.tempo10);
		/* At the limit (the next tick is due by `hi`), what sits on that tick plays here,
		 * where the grid predicts it; nothing beyond it does. */
		if (pos >= 0 && pos >= tl->song_hi)
			vt++;
		run_virtual(tl, vt, put_slave);
	}
	for (int i = 0; i < tl->npend; i++)
		ts_clock_tick(&tl->clock, tl->pend[i]);
	tl->npend = 0;
	if (hi > tl->seg_lo)
		tl->seg_lo = hi;
}

static void stop_engine(ts_timeline *tl, uint32_t off)
{
	tl->direct = true;
	tl->seg_hi = tl->nframes;
	ts_engine_stop(tl->eng, off, put_slave, tl);
	tl->direct = false;
}

/* Play from song tick `tick` (where Stop or an SPP left the song), rounded up to the next 16th so
 * that the Song Position Pointer we send on is exact; the engine holds until the grid gets there. */
static void resume_engine(ts_timeline *tl, double tick)
{
	int64_t t = tick > 0 ? (int64_t)ceil(tick) : 0;
	t = (t + TS_CLOCK_TICKS_PER_STEP - 1) / TS_CLOCK_TICKS_PER_STEP * TS_CLOCK_TICKS_PER_STEP;
	int64_t pos = t * TS_UNITS_PER_TICK;
	ts_engine_continue(tl->eng, pos);
	tl->vnow = ts_pos_to_frame(pos, tl->cfg.rate, tl->cfg.tempo10);
}

/* Start, Continue, Stop, Song Position Pointer: at their own frame. */
static void transport(ts_timeline *tl, const ts_midi_msg *m)
{
	uint32_t off = (uint32_t)(m->frame - tl->now);
	bool follow = tl->st.listening && !tl->stopped;
	bool was_running = ts_clock_running(&tl->clock);
	double resume = ts_clock_position(&tl->clock, m->frame); /* stopped: where Continue resumes */
	switch (m->bytes[0]) {
	case 0xFA:
		ts_clock_start(&tl->clock, m->frame);
		if (!follow)
			break;
		if (ts_engine_running(tl->eng))
			stop_engine(tl, off);
		ts_engine_start(tl->eng);
		tl->vnow = 0;
		played(tl, m->frame);
		break;
	case 0xFB:
		ts_clock_continue(&tl->clock, m->frame);
		if (follow && !was_running && !ts_engine_running(tl->eng)) {
			resume_engine(tl, resume);
			played(tl, m->frame);
		}
		break;
	case 0xFC:
		if (follow && ts_engine_running(tl->eng))
			stop_engine(tl, off);
		ts_clock_stop(&tl->clock, m->frame);
		break;
	case 0xF2:
		ts_clock_song_position(&tl->clock, m->frame, m->value);
		/* Running, it relocates: what sounds stops, play goes on from there. */
		if (follow && was_running && ts_engine_running(tl->eng)) {
			stop_engine(tl, off);
			resume_engine(tl, (double)m->value * TS_CLOCK_TICKS_PER_STEP);
		}
		break;
	}
}

static void clock_msg(ts_timeline *tl, const ts_midi_msg *m)
{
	uint32_t off = (uint32_t)(m->frame - tl->now);
	switch (ts_midi_msg_kind(m)) {
	case 0xF8:
		/* Running with nothing to predict from (the first tick after a Start without a live
		 * clock, or after the clock was lost): this tick is the grid, and it acts at once. */
		if (ts_clock_running(&tl->clock) && ts_clock_stale(&tl->clock, m->frame)) {
			schedule_to(tl, off);
			ts_clock_tick(&tl->clock, m->frame);
			return;
		}
		if (tl->npend == TS_TIMELINE_PENDING)
			schedule_to(tl, off);
		tl->pend[tl->npend++] = m->frame;
		return;
	case 0xFA:
	case 0xFB:
	case 0xFC:
	case 0xF2:
		schedule_to(tl, off);
		transport(tl, m);
		return;
	default:
		take_program(tl, m);
		return;
	}
}

void ts_timeline_midi(ts_timeline *tl, bool clock_port, const ts_midi_msg *msg)
{
	if (clock_port && tl->cfg.source == TS_TIMELINE_MIDI_CLOCK)
		clock_msg(tl, msg);
	else
		take_program(tl, msg);
}

/* The editor's transport keys while a MIDI clock master owns transport: STOP stops here
 * (note-offs, MIDI Stop) until the master's next Start or Continue, which play as usual; PLAY and
 * CONTINUE, while the master runs, join it at its next 16th, as a Continue from where it is
 * would. While the master is stopped they do nothing: its Start or Continue plays. */
static void slave_command(ts_timeline *tl)
{
	int cmd;
	if (!take_command(tl, &cmd))
		return;
	bool running = ts_engine_running(tl->eng);
	if (cmd == TS_TIMELINE_STOP && running) {
		stop_engine(tl, 0);
	} else if (cmd != TS_TIMELINE_STOP && !running && tl->st.listening && !tl->stopped &&
		   ts_clock_running(&tl->clock)) {
		resume_engine(tl, ts_clock_position(&tl->clock, tl->now));
		played(tl, tl->now);
	}
}

static void slave_cycle(ts_timeline *tl)
{
	tl->seg_lo = 0;
	tl->last_off = 0;
	tl->npend = 0;
	if (take_requests(tl)) {
		tl->seg_hi = tl->nframes;
		ts_engine_stop(tl->eng, 0, put_direct, tl);
		stop_done(tl);
	}
	if (tl->cfg.interactive) {
		tl->host->editor(tl->host->ctx);
		slave_command(tl);
	}
	tl->host->input(tl->host->ctx);
	schedule_to(tl, tl->nframes);

	ts_clock_status cs;
	ts_clock_get_status(&tl->clock, tl->now + tl->nframes, &cs);
	tl->st.running = ts_engine_running(tl->eng);
	tl->st.clock_locked = cs.locked;
	tl->st.clock_running = cs.running;
	tl->st.clock_mbpm = cs.bpm > 0 && cs.bpm < 4e6 ? (unsigned)(cs.bpm * 1000 + 0.5) : 0;
	tl->st.clock_ticks = cs.ticks;
}

/* ---- JACK transport [RT] ---- */

/* The engine's sink when following the transport: each event at the frame of this cycle where
 * the transport reaches its position, never before the previous event. */
static void put_transport(void *ctx, const ts_event *ev)
{
	ts_timeline *tl = ctx;
	int64_t off, hi = (int64_t)tl->nframes - 1;
	uint64_t vf = tl->vbase + ev->frame;
	if (tl->direct) {
		off = ev->frame;
	} else if (tl->tp_bbt) {
		double u = vframe_to_tick(tl, vf) * TS_UNITS_PER_TICK;
		off = (int64_t)floor((u - tl->tp_u0) / tl->tp_upf + 0.5);
	} else {
		off = (int64_t)vf - (int64_t)tl->tp_frame; /* virtual frame = transport frame */
	}
	off = off < (int64_t)tl->last_off ? (int64_t)tl->last_off : off > hi ? hi : off;
	tl->last_off = (uint32_t)off;
	ts_event out = *ev;
	out.frame = (uint32_t)off;
	emit(tl, &out);
}

static void transport_stop(ts_timeline *tl)
{
	tl->direct = true;
	ts_engine_stop(tl->eng, 0, put_transport, tl);
	tl->direct = false;
}

/* Play from where the transport is: position 0 starts, anything else continues at the position
 * rounded up to the next 16th (a step boundary); the engine holds until the transport is there. */
static void transport_play(ts_timeline *tl)
{
	int64_t p;
	if (tl->tp_bbt) {
		if (tl->tp_u0 < 1e-6) {
			p = 0;
		} else {
			double c = ceil(tl->tp_u0 - 1e-6);
			p = c > (double)(INT64_MAX / 2) ? INT64_MAX / 2 : (int64_t)c;
		}
	} else {
		/* exact: ceil(frame * K / rate); frame < 2^32 and K < 2^20 */
		uint64_t num = (uint64_t)tl->tp_frame * ((uint64_t)tl->cfg.tempo10 * 192);
		p = (int64_t)((num + tl->cfg.rate - 1) / tl->cfg.rate);
	}
	if (p == 0) {
		ts_engine_start(tl->eng);
		tl->vnow = 0;
	} else {
		p = (p + TS_UNITS_PER_STEP - 1) / TS_UNITS_PER_STEP * TS_UNITS_PER_STEP;
		ts_engine_continue(tl->eng, p);
		tl->vnow = ts_pos_to_frame(p, tl->cfg.rate, tl->cfg.tempo10);
	}
	played(tl, tl->now);
}

/* The editor's transport keys while JACK transport owns play: STOP stops here (note-offs, MIDI
 * Stop) and holds while the transport rolls on, until it stops, starts again or is located; PLAY
 * and CONTINUE end the hold, so play joins a rolling transport at its position (rounded up to the
 * next 16th), as after a locate. While it is stopped they do nothing: its rolling plays. */
static void transport_command(ts_timeline *tl)
{
	int cmd;
	if (!take_command(tl, &cmd))
		return;
	if (cmd == TS_TIMELINE_STOP) {
		if (ts_engine_running(tl->eng))
			transport_stop(tl);
		tl->tp_held = true;
	} else {
		tl->tp_held = false;
	}
}

/* The musical position (U) at the cycle's first frame and U per frame, from the timebase
 * master's bar|beat|tick (scaled to quarter notes by beat_type) when it gives them, else from the
 * transport frame at our tempo. Returns the tempo in quarter notes per minute. */
static double transport_position(ts_timeline *tl, const ts_timeline_transport *pos)
{
	double K = (double)tl->cfg.tempo10 * 192, bpm;
	tl->tp_frame = pos->frame;
	tl->tp_bbt = pos->bbt && pos->bpm > 0 && pos->beats_per_bar > 0 && pos->beat_type > 0 &&
		     pos->ticks_per_beat > 0;
	if (tl->tp_bbt) {
		double scale = 4.0 / pos->beat_type;
		double q = ((double)(pos->bar - 1) * pos->beats_per_bar + (double)(pos->beat - 1) +
			    pos->tick / pos->ticks_per_beat) * scale;
		bpm = pos->bpm * scale;
		tl->tp_u0 = q > 0 ? q * 4 * TS_UNITS_PER_STEP : 0;
		tl->tp_upf = bpm / 60 * 4 * TS_UNITS_PER_STEP / tl->cfg.rate;
	} else {
		bpm = tl->cfg.tempo10 / 10.0;
		tl->tp_u0 = (double)pos->frame * K / tl->cfg.rate;
		tl->tp_upf = K / tl->cfg.rate;
	}
	return bpm;
}

/* Stop, play or relocate as the transport says, then run the engine to where it is at the end
 * of the cycle. */
static void transport_follow(ts_timeline *tl, bool rolling)
{
	uint32_t nframes = tl->nframes;
	bool jumped = fabs(tl->tp_u0 - tl->tp_expect) > nframes * tl->tp_upf + 0.5;
	transport_command(tl);
	if (tl->tp_held && (!rolling || jumped))
		tl->tp_held = false;
	bool running = ts_engine_running(tl->eng);
	if (running && !rolling) {
		transport_stop(tl);
	} else if (running && jumped) {
		transport_stop(tl); /* a locate while rolling */
		transport_play(tl);
	} else if (!running && rolling && !tl->tp_held) {
		transport_play(tl);
	}
	/* (a Link session's line is before step 1 until its origin: nothing to run yet) */
	double end = tl->tp_u0 + nframes * tl->tp_upf;
	if (rolling && ts_engine_running(tl->eng) && (!tl->tp_bbt || end > 0)) {
		uint64_t vt;
		if (tl->tp_bbt)
			vt = ts_pos_to_frame((int64_t)floor(end), tl->cfg.rate, tl->cfg.tempo10);
		else
			vt = (uint64_t)tl->tp_frame + nframes;
		run_virtual(tl, vt, put_transport);
	}
}

/* The start of a cycle that follows a line (JACK transport, Link): the main thread's stop, the
 * editor's hand-over, the input. */
static void line_cycle_begin(ts_timeline *tl)
{
	tl->last_off = 0;
	if (take_requests(tl)) {
		transport_stop(tl);
		stop_done(tl);
	}
	if (tl->cfg.interactive)
		tl->host->editor(tl->host->ctx);
	tl->host->input(tl->host->ctx);
}

static void transport_cycle(ts_timeline *tl)
{
	const ts_timeline_transport *pos = &tl->in->transport;
	line_cycle_begin(tl);

	bool rolling = pos->state == TS_TRANSPORT_ROLLING;
	double bpm = transport_position(tl, pos);
	if (tl->st.listening && !tl->stopped)
		transport_follow(tl, rolling);
	tl->tp_expect = tl->tp_u0 + tl->nframes * tl->tp_upf;
	/* Free-running ticks while the transport is stopped; none that a start could follow too
	 * closely while it is Starting (the host's sync callback holds it there until then). */
	if (tl->cfg.clock_while_stopped) {
		bool run = !tl->stopped && !ts_engine_running(tl->eng) && !rolling;
		fr_cycle(tl, run, pos->state != TS_TRANSPORT_STOPPED, fr_tempo(tl, tl->tp_bbt, bpm));
		if (tl->stopped)
			tl->st.sync_ready = true;
	}

	tl->st.running = ts_engine_running(tl->eng);
	tl->st.tp_rolling = rolling;
	tl->st.tp_bbt = tl->tp_bbt;
	tl->st.tp_frame = pos->frame;
	tl->st.tp_mbpm = bpm > 0 && bpm < 4e6 ? (unsigned)(bpm * 1000 + 0.5) : 0;
}

/* ---- an Ableton Link session [RT] ---- */

/* The line from the session's beats to the song's positions: the origin (step 1's beat) is
 * chosen when the session starts playing, or when we join it playing. */
static double link_position(ts_timeline *tl, const ts_timeline_link *lk)
{
	double q = lk->quantum > 0 ? lk->quantum : 4, per_beat = 4.0 * TS_UNITS_PER_STEP;
	if (lk->playing && !tl->lk_have_origin) {
		double from = lk->start_beat > lk->beat ? lk->start_beat : lk->beat;
		tl->lk_origin = ceil(from / q - 1e-9) * q;
		tl->lk_have_origin = true;
	}
	tl->tp_bbt = true;
	tl->tp_frame = 0;
	tl->tp_upf = lk->beats_per_frame * per_beat;
	tl->tp_u0 = tl->lk_have_origin ? (lk->beat - tl->lk_origin) * per_beat : 0;
	return lk->tempo > 0 ? lk->tempo : lk->beats_per_frame * 60 * tl->cfg.rate;
}

static void link_cycle(ts_timeline *tl)
{
	const ts_timeline_link *lk = &tl->in->link;
	line_cycle_begin(tl);

	bool was = tl->lk_have_origin;
	double bpm = link_position(tl, lk);
	if (!was && tl->lk_have_origin)
		tl->tp_expect = tl->tp_u0; /* a new origin is no locate */
	/* The session stopped inside this cycle: play up to there, stop there. */
	if (!lk->playing && was && lk->stop_off > 0 && lk->stop_off < tl->nframes &&
	    ts_engine_running(tl->eng) && !tl->tp_held) {
		double end = tl->tp_u0 + lk->stop_off * tl->tp_upf;
		if (end > 0)
			run_virtual(tl, ts_pos_to_frame((int64_t)floor(end), tl->cfg.rate,
							tl->cfg.tempo10),
				    put_transport);
		tl->direct = true;
		ts_engine_stop(tl->eng, lk->stop_off, put_transport, tl);
		tl->direct = false;
	}
	if (!lk->playing)
		tl->lk_have_origin = false;
	if (tl->st.listening && !tl->stopped)
		transport_follow(tl, lk->playing);
	tl->tp_expect = tl->tp_u0 + tl->nframes * tl->tp_upf;
	if (tl->cfg.clock_while_stopped)
		fr_cycle(tl, !tl->stopped && !ts_engine_running(tl->eng), false,
			 fr_tempo(tl, true, bpm));
	tl->st.running = ts_engine_running(tl->eng);
	tl->st.tp_rolling = lk->playing;
	tl->st.tp_bbt = true;
	tl->st.tp_frame = 0;
	tl->st.tp_mbpm = bpm > 0 && bpm < 4e6 ? (unsigned)(bpm * 1000 + 0.5) : 0;
}

/* ---- our own tempo [RT] ---- */

/* Whether the command waiting is a start that the free-running clock (cfg.clock_while_stopped)
 * holds back: one that would follow the last tick sent by less than a tick interval - 1 frame.
 * It waits a cycle or two at most (the ticks it could follow too closely are not sent). */
static bool start_held(const ts_timeline *tl, uint32_t mbpm)
{
	if (!tl->cfg.clock_while_stopped || ts_engine_running(tl->eng) ||
	    !tl->cfg.interactive || tl->in->command == 0 || tl->in->command == TS_TIMELINE_STOP)
		return false;
	return !far_enough(tl, tl->now, mbpm);
}

static void interactive_command(ts_timeline *tl, int cmd)
{
	bool running = ts_engine_running(tl->eng);
	switch (cmd) {
	case TS_TIMELINE_PLAY:
		if (running)
			ts_engine_stop(tl->eng, 0, put_direct, tl);
		ts_engine_start(tl->eng);
		tl->st.start_frame = (uint32_t)tl->now;
		break;
	case TS_TIMELINE_CONTINUE:
		if (!running)
			ts_engine_continue(tl->eng, tl->resume_pos);
		break;
	case TS_TIMELINE_STOP:
		if (running) {
			/* Continue resumes on the next step boundary, with an exact SPP. */
			int64_t p = ts_engine_position(tl->eng);
			tl->resume_pos = (p + TS_UNITS_PER_STEP - 1) / TS_UNITS_PER_STEP *
					 TS_UNITS_PER_STEP;
			ts_engine_stop(tl->eng, 0, put_direct, tl);
		}
		break;
	default:
		break;
	}
}

/* Play, continue and stop as the editor asks, any number of times (sync int: trigseq is the
 * master, and the editor's tempo plays). */
static void interactive_cycle(ts_timeline *tl)
{
	tl->host->editor(tl->host->ctx);
	uint16_t t10 = tl->in->tempo10;
	if (t10 != tl->tempo_seen) {
		tl->tempo_seen = t10;
		ts_engine_set_tempo(tl->eng, t10);
	}
	uint32_t mbpm = (tl->tempo_seen ? tl->tempo_seen : tl->cfg.tempo10) * 100u;
	bool held = start_held(tl, mbpm);
	int cmd;
	if (!held && take_command(tl, &cmd))
		interactive_command(tl, cmd);
	ts_engine_run(tl->eng, tl->nframes, put_direct, tl);
	/* Free-running ticks while stopped; none that a start held back could follow too closely. */
	if (tl->cfg.clock_while_stopped)
		fr_cycle(tl, !ts_engine_running(tl->eng), held, mbpm);
	tl->st.running = ts_engine_running(tl->eng);
}

/* `trigseq play`: start once when asked, stop once when asked. */
static void play_cycle(ts_timeline *tl)
{
	if (tl->in->stop_req) {
		if (!tl->stopped) {
			ts_engine_stop(tl->eng, 0, put_direct, tl);
			tl->stopped = true;
			tl->st.running = false;
			tl->st.stop_done = true;
		}
	} else if (tl->in->start_req && !tl->st.started &&
		   (!tl->cfg.clock_while_stopped || far_enough(tl, tl->now, fr_tempo(tl, false, 0)))) {
		ts_engine_start(tl->eng);
		tl->st.start_frame = (uint32_t)tl->now;
		tl->st.running = true;
		tl->st.started = true;
	}
	ts_engine_run(tl->eng, tl->nframes, put_direct, tl);
	/* Free-running ticks until the start; once it is asked for, none that it could follow too
	 * closely (it waits for a tick interval - 1 frame after the last). */
	if (tl->cfg.clock_while_stopped)
		fr_cycle(tl, !tl->stopped && !tl->st.started, tl->in->start_req,
			 fr_tempo(tl, false, 0));
}

/* ---- the public functions ---- */

void ts_timeline_init(ts_timeline *tl, const ts_timeline_config *cfg, ts_engine *eng)
{
	memset(tl, 0, sizeof(*tl));
	tl->cfg = *cfg;
	tl->eng = eng;
	ts_clock_init(&tl->clock, cfg->rate);
	tl->st.sync_ready = true;
	tl->st.pc_last = -1;
}

void ts_timeline_cycle(ts_timeline *tl, const ts_timeline_input *in, const ts_timeline_host *host)
{
	tl->host = host;
	tl->in = in;
	tl->now = in->frame;
	tl->nframes = in->nframes;
	tl->st.command_taken = false;
	switch (tl->cfg.source) {
	case TS_TIMELINE_MIDI_CLOCK:
		slave_cycle(tl);
		break;
	case TS_TIMELINE_JACK:
		transport_cycle(tl);
		break;
	case TS_TIMELINE_LINK:
		link_cycle(tl);
		break;
	case TS_TIMELINE_INTERNAL:
		host->input(host->ctx);
		if (tl->cfg.interactive)
			interactive_cycle(tl);
		else
			play_cycle(tl);
		break;
	}
	tl->host = NULL;
	tl->in = NULL;
}

bool ts_timeline_position_at(const ts_timeline *tl, uint64_t frame, int64_t *pos)
{
	if (!ts_engine_running(tl->eng) || frame < tl->now || frame >= tl->now + tl->nframes)
		return false;
	uint32_t off = (uint32_t)(frame - tl->now);
	double u;
	switch (tl->cfg.source) {
	case TS_TIMELINE_MIDI_CLOCK:
		u = ts_clock_position(&tl->clock, frame) * TS_UNITS_PER_TICK;
		break;
	case TS_TIMELINE_JACK:
	case TS_TIMELINE_LINK:
		u = tl->tp_u0 + off * tl->tp_upf;
		break;
	default: {
		/* the engine's frames are the cycle's, and it has run to the cycle's end */
		uint64_t end = ts_engine_frames(tl->eng), back = tl->nframes - off;
		if (end < back)
			return false; /* it started after that frame */
		*pos = ts_engine_frame_position(tl->eng, end - back);
		return true;
	}
	}
	if (!(u >= 0) || u > (double)(INT64_MAX / 2))
		return false;
	*pos = (int64_t)floor(u);
	return true;
}

const ts_timeline_status *ts_timeline_get_status(const ts_timeline *tl)
{
	return &tl->st;
}

const ts_clock *ts_timeline_clock(const ts_timeline *tl)
{
	return &tl->clock;
}
