/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the MIDI byte parser (midi_in.h) and the clock follower behind it
 * (clock.h). Bytes 0 and 1 of the input seed the chunking; the rest is the stream. It is fed
 * twice: in chunks of 0 … 16 bytes through the three entry points in turn (the callback, the
 * array with room for 0 … 4 messages, one byte at a time), each chunk at a later frame, and one
 * byte at a time into a second parser. Both must emit the same messages (the array's overflow
 * excepted, counted instead), so the chunking never changes what is parsed.
 *
 * Every message must be well formed: a status byte that may reach a caller, data bytes below
 * 0x80, the size its status takes, the 14-bit value of a pitch bend or SPP, a SysEx length of at
 * least F0 F7, unused bytes zero, the frame of its chunk. The counters must add up: every
 * real-time byte (but the undefined F9 FD) is a message, messages = delivered + overflows, and
 * no more bytes dropped or in messages than came in. The messages also drive a ts_clock, whose
 * figures must stay finite and whose stopped position must hold, and MIDI thru (thru.h) to a
 * destination that changes as the seed says (track, port, channel, on or off, the channel
 * listened to): what it sends must be well formed and on the destination's channel, and once
 * the held notes are released every note-on sent has had its note-off: no stuck note.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/clock.h"
#include "trigseq/core/midi_in.h"
#include "trigseq/core/thru.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_MSGS 8192

typedef struct {
	ts_midi_msg msg[MAX_MSGS];
	size_t n;
} msg_list;

static msg_list chunked, single;
static ts_clock clock_;

static void collect(void *ctx, const ts_midi_msg *m)
{
	msg_list *l = ctx;
	if (l->n < MAX_MSGS)
		l->msg[l->n++] = *m;
}

static void check_msg(const ts_midi_msg *m, uint64_t frame)
{
	uint8_t s = m->bytes[0];
	uint8_t want;
	if (s < 0x80 || m->frame != frame)
		abort();
	if (s < 0xF0)
		want = (s & 0xF0) == 0xC0 || (s & 0xF0) == 0xD0 ? 2 : 3;
	else if (s == 0xF1 || s == 0xF3)
		want = 2;
	else if (s == 0xF2)
		want = 3;
	else if (s == 0xF4 || s == 0xF5 || s == 0xF7 || s == 0xF9 || s == 0xFD)
		abort(); /* undefined, or an F7 that is not part of a SysEx */
	else
		want = 1;
	if (m->size != want)
		abort();
	for (int i = 1; i < 3; i++)
		if (i < m->size ? m->bytes[i] > 0x7F : m->bytes[i] != 0)
			abort();
	uint16_t value = 0;
	if (s == 0xF2 || (s & 0xF0) == 0xE0)
		value = (uint16_t)(m->bytes[1] | m->bytes[2] << 7);
	if (m->value != value)
		abort();
	if (s == 0xF0 ? m->sysex_len < 2 : m->sysex_len != 0)
		abort();
}

/* The clock's figures at `frame`, after a message: finite, and a stopped song holds still. */
static void check_clock(uint64_t frame)
{
	ts_clock_status st;
	ts_clock_get_status(&clock_, frame, &st);
	if (!isfinite(st.bpm) || st.bpm < 0 || !isfinite(st.position) || st.loop < 0 ||
	    st.loop >= TS_CLOCK_LOOPS || st.running != ts_clock_running(&clock_))
		abort();
	double at;
	if (ts_clock_tick_frame(&clock_, st.position, &at) && !isfinite(at))
		abort();
	if (!st.running && ts_clock_position(&clock_, frame + 48000) != st.position)
		abort();
	/* running: never beyond the last tick received + 1 (white box: the anchor fields) */
	if (st.running && st.position > (double)(clock_.anchor_song - clock_.anchor_tick +
						 clock_.ticks + 1) + 1e-6)
		abort();
}

/* Note-ons sent thru less their note-offs, per port, channel and note; the entries touched by
 * this input (cleared after it, so no input pays for clearing the whole table), and their sum. */
static int thru_on[TS_MAX_PORTS][16][128];
static int *touched[2 * MAX_MSGS + TS_MAX_PORTS * 16 * 128];
static size_t ntouched;
static long outstanding;

static void thru_out(const ts_event *ev, const ts_thru_dest *d)
{
	uint8_t kind = ev->bytes[0] & 0xF0, ch = ev->bytes[0] & 0x0F;
	if (ev->bytes[0] < 0x80 || ev->bytes[0] >= 0xF0 || kind == 0xC0 || ev->port >= TS_MAX_PORTS ||
	    ev->track < 1 || ev->track > TS_TRACKS || ev->size < 2 || ev->size > 3 ||
	    ev->bytes[1] > 0x7F || (ev->size == 3 && ev->bytes[2] > 0x7F))
		abort();
	/* new messages go to the destination; note-offs and poly pressure where their note went */
	if (kind != 0x80 && kind != 0xA0 && !(kind == 0x90 && ev->bytes[2] == 0) &&
	    (ev->port != d->port || ch != d->channel - 1 || ev->track != d->track))
		abort();
	int *on = &thru_on[ev->port][ch][ev->bytes[1]];
	if (kind == 0x90 && ev->bytes[2] > 0) {
		touched[ntouched++] = on;
		(*on)++;
		outstanding++;
	} else if (kind == 0x80 || kind == 0x90) {
		(*on)--;
		outstanding--;
	}
	/* two input channels' same note may both sound on the destination's one channel: a count,
	 * never below zero (a note-off of nothing sent) */
	if (*on < 0)
		abort();
}

static void thru_released(void *ctx, const ts_event *ev)
{
	thru_out(ev, ctx);
}

static void drive_thru(const msg_list *l, uint32_t seed)
{
	ts_thru t;
	ts_thru_init(&t, (int)(seed % 18)); /* 0: every channel, 1 … 16, and 17 (taken as 0) */
	ts_thru_dest d = {0};
	for (size_t i = 0; i < l->n; i++) {
		seed = seed * 1103515245u + 12345u;
		if ((seed >> 16) % 8 == 0) /* the cursor moves, thru switches, the track changes */
			d = (ts_thru_dest){.track = (uint8_t)((seed >> 8) % (TS_TRACKS + 1)),
					   .on = (seed >> 20) % 4 != 0,
					   .port = (uint8_t)((seed >> 22) % TS_MAX_PORTS),
					   .channel = (uint8_t)((seed >> 26) % 17)};
		if (!ts_thru_accepts(&t, &l->msg[i]))
			continue;
		ts_event out[TS_THRU_OUT_MAX];
		int track;
		int n = ts_thru_route(&t, &l->msg[i], &d, out, &track);
		if (n < 0 || n > TS_THRU_OUT_MAX || track < 0 || track > TS_TRACKS)
			abort();
		for (int k = 0; k < n; k++)
			thru_out(&out[k], &d);
	}
	ts_thru_release(&t, thru_released, &d);
	if (ts_thru_held(&t) != 0 || outstanding != 0)
		abort(); /* a stuck note */
	for (size_t i = 0; i < ntouched; i++)
		*touched[i] = 0;
	ntouched = 0;
}

static void drive_clock(const msg_list *l, size_t from)
{
	for (size_t i = from; i < l->n; i++) {
		ts_clock_feed(&clock_, &l->msg[i]);
		check_clock(l->msg[i].frame);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint32_t seed = (uint32_t)data[0] | (uint32_t)data[1] << 8;
	const uint8_t *in = data + 2;
	size_t n = size - 2 < MAX_MSGS / 2 ? size - 2 : MAX_MSGS / 2;

	ts_midi_in a, b;
	ts_midi_in_init(&a);
	ts_midi_in_init(&b);
	ts_clock_init(&clock_, 48000);
	chunked.n = single.n = 0;
	size_t lost = 0;
	uint64_t frame = 0;
	ts_midi_msg arr[4];

	for (size_t at = 0; at <= n;) {
		seed = seed * 1103515245u + 12345u;
		size_t len = (seed >> 16) % 17;
		unsigned how = (seed >> 24) % 3;
		if (len > n - at)
			len = n - at;
		/* frames advance by up to ~1.4 s, often by a MIDI byte's time, sometimes not at all */
		frame += (seed >> 8) & 1 ? (seed >> 9) % 64 : (uint64_t)((seed >> 9) % 65536) << 4;

		size_t before = chunked.n, got;
		switch (how) {
		case 0:
			ts_midi_in_feed(&a, frame, in + at, len, collect, &chunked);
			break;
		case 1: {
			size_t max = (seed >> 4) % 5;
			got = ts_midi_in_feed_array(&a, frame, in + at, len, arr, max);
			if (got > max)
				abort();
			for (size_t i = 0; i < got; i++)
				collect(&chunked, &arr[i]);
			break;
		}
		default:
			for (size_t i = 0; i < len; i++) {
				ts_midi_msg m;
				memset(&m, 0xA5, sizeof m);
				if (ts_midi_in_byte(&a, frame, in[at + i], &m))
					collect(&chunked, &m);
			}
			break;
		}
		for (size_t i = before; i < chunked.n; i++)
			check_msg(&chunked.msg[i], frame);

		size_t sbefore = single.n;
		for (size_t i = 0; i < len; i++) {
			ts_midi_msg m;
			if (ts_midi_in_byte(&b, frame, in[at + i], &m))
				collect(&single, &m);
		}
		/* the array path loses what did not fit: the chunk's first messages must match */
		size_t got_a = chunked.n - before, got_b = single.n - sbefore;
		if (got_a > got_b || (how != 1 && got_a != got_b) ||
		    memcmp(&single.msg[sbefore], &chunked.msg[before], got_a * sizeof(ts_midi_msg)) != 0)
			abort();
		lost += got_b - got_a;
		drive_clock(&chunked, before);
		if (at == n)
			break;
		at += len;
	}

	ts_midi_in_counters ca, cb;
	ts_midi_in_get_counters(&a, &ca);
	ts_midi_in_get_counters(&b, &cb);
	if (ca.dropped_bytes != cb.dropped_bytes || ca.discarded_msgs != cb.discarded_msgs ||
	    ca.messages != cb.messages || cb.overflows != 0 || ca.overflows != lost ||
	    ca.messages != chunked.n + ca.overflows || cb.messages != single.n)
		abort();

	size_t rt = 0, undefined_rt = 0, status = 0, datab = 0;
	for (size_t i = 0; i < n; i++) {
		if (in[i] == 0xF9 || in[i] == 0xFD)
			undefined_rt++;
		else if (in[i] >= 0xF8)
			rt++;
		else if (in[i] >= 0x80)
			status++;
		else
			datab++;
	}
	/* every real-time byte is a message of its own at once; data bytes are used at most once */
	size_t rt_seen = 0, used = 0;
	for (size_t i = 0; i < single.n; i++) {
		const ts_midi_msg *m = &single.msg[i];
		if (m->bytes[0] >= 0xF8)
			rt_seen++;
		else if (m->bytes[0] == 0xF0)
			used += m->sysex_len - 2;
		else
			used += m->size - 1u;
	}
	if (rt_seen != rt ||
	    cb.dropped_bytes < undefined_rt || cb.dropped_bytes > n ||
	    used + cb.dropped_bytes > datab + status + undefined_rt ||
	    cb.discarded_msgs > status)
		abort();

	drive_thru(&single, (uint32_t)data[0] << 8 | data[1]);

	/* a reset forgets the message in progress and keeps the counters */
	ts_midi_in_reset(&b);
	ts_midi_in_get_counters(&b, &ca);
	if (memcmp(&ca, &cb, sizeof ca) != 0 || b.status || b.in_sysex || b.have)
		abort();
	return 0;
}
