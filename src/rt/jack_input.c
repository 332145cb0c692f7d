/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JACK adapter's input side (jack_io.h, "Thru and recording"): midi_in is parsed at the
 * start of each cycle, thru's events wait in frame order for their turn among what the engine
 * writes (jack_io.c flushes them before each event it writes), the timeline gets every message
 * when its source reads input, and at the end of the cycle the records for recording get where
 * their tracks are. clock_in is parsed when the timeline reads it, as before.
 *
 * Threads: the process thread [RT], but ts_jack_set_thru's packing (any thread).
 */
#include <jack/midiport.h>
#include <string.h>

#include "jack_internal.h"

/* ---- the monitor's copies of what is received [RT] ---- */

/* A received message waits for the first message sent at or after its frame (or the end of the
 * cycle). The two input ports are read one after the other: keep the waiting ones sorted. */
static void mon_add_in(ts_jack *j, const ts_monitor_rec *r)
{
	if (j->mon_n == MON_PENDING)
		ts_jack_mon_flush_in(j, UINT64_MAX);
	int i = j->mon_n++;
	for (; i > j->mon_head && j->mon_in[i - 1].frame > r->frame; i--)
		j->mon_in[i] = j->mon_in[i - 1];
	j->mon_in[i] = *r;
}

/* read_input's handler with the monitor on: the message's copy waits (see mon_add_in) after the
 * handler has run, so that what it sends before the message's frame comes first. */
static void mon_in(void *ctx, const ts_midi_msg *m)
{
	ts_jack *j = ctx;
	j->in_fn(j, m);
	ts_monitor_rec r = {.frame = m->frame, .dir = TS_MON_IN,
			    .port = j->in_mon_port, .size = m->size};
	if (m->bytes[0] == 0xF0)
		ts_monitor_sysex_rec(&r, m->sysex_len);
	else
		memcpy(r.bytes, m->bytes, sizeof(r.bytes));
	mon_add_in(j, &r);
}

/* ---- reading [RT] ---- */

static void on_clock_in(void *ctx, const ts_midi_msg *m)
{
	ts_jack *j = ctx;
	ts_timeline_midi(&j->tl, true, m);
}

static void on_midi_in(void *ctx, const ts_midi_msg *m)
{
	ts_jack *j = ctx;
	ts_timeline_midi(&j->tl, false, m);
}

/* Feed one input port's events of this cycle to its parser. */
static void read_input(ts_jack *j, int port, ts_midi_msg_fn fn)
{
	uint32_t nframes = j->nframes;
	void *buf = jack_port_get_buffer(j->in[port], nframes);
	uint32_t n = jack_midi_get_event_count(buf);
	if (j->cfg.monitor) {
		j->in_fn = fn;
		j->in_mon_port = port == IN_CLOCK ? TS_MON_PORT_CLOCK_IN : TS_MON_PORT_MIDI_IN;
		fn = mon_in;
	}
	for (uint32_t i = 0; i < n; i++) {
		jack_midi_event_t ev;
		if (jack_midi_event_get(&ev, buf, i) != 0)
			continue;
		uint32_t off = ev.time < nframes ? ev.time : nframes - 1;
		ts_midi_in_feed(&j->parser[port], j->now64 + off, ev.buffer, ev.size, fn, j);
	}
}

/* The thru destination travels packed in one atomic: track in bits 0-3, on in bit 4, port in
 * bits 8-11, channel (0 … 16) in bits 12-16. */
unsigned ts_jack_thru_pack(const ts_thru_dest *d)
{
	return (d->track & 0xFu) | (d->on ? 0x10u : 0) | (d->port & 0xFu) << 8 |
	       (d->channel & 0x1Fu) << 12;
}

static ts_thru_dest thru_unpack(unsigned v)
{
	return (ts_thru_dest){.track = (uint8_t)(v & 0xF), .on = (v & 0x10) != 0,
			      .port = (uint8_t)(v >> 8 & 0xF), .channel = (uint8_t)(v >> 12 & 0x1F)};
}

/* Route this cycle's messages: the track of each, thru's events in frame order. */
static void route_thru(ts_jack *j)
{
	ts_thru_dest d = thru_unpack(atomic_load_explicit(&j->thru_dest, memory_order_relaxed));
	if (!j->cfg.thru)
		d.on = false;
	for (uint32_t i = 0; i < j->in_n; i++) {
		const ts_midi_msg *m = &j->in_msg[i];
		j->in_track[i] = 0xFF;
		if (!ts_thru_accepts(&j->thru, m))
			continue;
		ts_event out[TS_THRU_OUT_MAX];
		int track;
		int n = ts_thru_route(&j->thru, m, &d, out, &track);
		j->in_track[i] = (uint8_t)track;
		for (int k = 0; k < n; k++) {
			out[k].frame = (uint32_t)(m->frame - j->now64);
			j->thru_ev[j->thru_n++] = out[k];
		}
	}
}

void ts_jack_input_begin(ts_jack *j)
{
	j->in_n = 0;
	j->thru_head = j->thru_n = 0;
	uint32_t nframes = j->nframes;
	void *buf = jack_port_get_buffer(j->in[IN_MIDI], nframes);
	uint32_t n = jack_midi_get_event_count(buf);
	for (uint32_t i = 0; i < n; i++) {
		jack_midi_event_t ev;
		if (jack_midi_event_get(&ev, buf, i) != 0)
			continue;
		uint32_t off = ev.time < nframes ? ev.time : nframes - 1;
		j->in_n += (uint32_t)ts_midi_in_feed_array(&j->parser[IN_MIDI], j->now64 + off,
							   ev.buffer, ev.size, &j->in_msg[j->in_n],
							   TS_JACK_IN_MAX - j->in_n);
	}
	if (j->cfg.thru || j->cfg.input)
		route_thru(j);
}

/* The timeline reads the input when its source wants it (ts_timeline_host.input): midi_in's
 * messages as parsed at the cycle's start, then clock_in. */
void ts_jack_host_input(void *ctx)
{
	ts_jack *j = ctx;
	ts_midi_msg_fn fn = on_midi_in;
	if (j->cfg.monitor) {
		j->in_fn = fn;
		j->in_mon_port = TS_MON_PORT_MIDI_IN;
		fn = mon_in;
	}
	for (uint32_t i = 0; i < j->in_n; i++)
		fn(j, &j->in_msg[i]);
	read_input(j, IN_CLOCK, on_clock_in);
}

void ts_jack_thru_flush(ts_jack *j, uint32_t upto)
{
	while (j->thru_head < j->thru_n && j->thru_ev[j->thru_head].frame <= upto)
		if (!ts_jack_send(j, &j->thru_ev[j->thru_head++], false))
			j->thru_lost++;
}

static void put_release(void *ctx, const ts_event *ev)
{
	ts_jack *j = ctx;
	ts_event e = *ev;
	e.frame = j->nframes - 1; /* after everything of the cycle */
	if (!ts_jack_send(j, &e, false))
		j->thru_lost++;
}

/* The records for recording: each message thru took, and where its track is at its frame. */
static void push_records(ts_jack *j)
{
	bool have_st = false;
	ts_engine_status es;
	for (uint32_t i = 0; i < j->in_n; i++) {
		if (j->in_track[i] == 0xFF)
			continue;
		const ts_midi_msg *m = &j->in_msg[i];
		ts_jack_input r = {.frame = m->frame, .size = m->size, .track = j->in_track[i]};
		memcpy(r.bytes, m->bytes, sizeof(r.bytes));
		int64_t pos;
		ts_track_near near;
		if (r.track && ts_timeline_position_at(&j->tl, m->frame, &pos) &&
		    ts_engine_track_near(j->eng, r.track - 1, pos, &near)) {
			if (!have_st) {
				ts_engine_get_status(j->eng, &es);
				have_st = true;
			}
			r.playing = true;
			r.pattern = (uint8_t)es.pattern;
			r.step = (uint8_t)near.step;
			r.micro = (int8_t)near.micro;
			r.time = near.time;
		}
		ts_ring_write(j->cfg.input, &r, 1); /* a full ring drops and counts it */
	}
}

void ts_jack_input_end(ts_jack *j)
{
	ts_jack_thru_flush(j, UINT32_MAX);
	bool running = ts_engine_running(j->eng);
	unsigned seq = atomic_load_explicit(&j->release_seq, memory_order_acquire);
	if ((j->was_running && !running) || seq != j->release_seen) {
		if (ts_thru_held(&j->thru) > 0) {
			ts_thru_release(&j->thru, put_release, j);
			j->thru_releases++;
		}
		j->release_seen = seq;
		j->rt.release_done = seq;
	}
	j->was_running = running;
	if (j->cfg.input)
		push_records(j);
}

void ts_jack_input_status(ts_jack *j, ts_jack_status *st)
{
	ts_midi_in_counters mc;
	ts_midi_in_get_counters(&j->parser[IN_MIDI], &mc);
	st->midi_in_dropped = mc.dropped_bytes + mc.discarded_msgs;
	st->midi_in_overflow = mc.overflows;
	st->input_lost = j->cfg.input ? (uint32_t)ts_ring_dropped(j->cfg.input) : 0;
	st->thru_sent = j->thru.count.sent;
	st->thru_unmatched = j->thru.count.unmatched_offs;
	st->thru_other_channel = j->thru.count.other_channel;
	st->thru_lost = j->thru_lost;
	st->thru_held = (uint32_t)ts_thru_held(&j->thru);
	st->thru_releases = j->thru_releases;
}
