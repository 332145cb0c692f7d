/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trigseq/core/thru.h"

#include <string.h>

/* A held note, packed: HELD, SENT when it went out, then port, channel - 1 and track - 1. */
#define HELD 0x8000u
#define SENT 0x4000u

static uint16_t pack(int track, const ts_thru_dest *sent_to)
{
	uint16_t h = (uint16_t)(HELD | ((track - 1u) & 0xFu));
	if (sent_to)
		h |= (uint16_t)(SENT | (sent_to->port & 0xFu) << 8 |
				((sent_to->channel - 1u) & 0xFu) << 4);
	return h;
}

static int held_track(uint16_t h)
{
	return (h & 0xF) + 1;
}

static ts_thru_dest held_dest(uint16_t h)
{
	return (ts_thru_dest){.track = (uint8_t)held_track(h), .on = true,
			      .port = (uint8_t)(h >> 8 & 0xF), .channel = (uint8_t)((h >> 4 & 0xF) + 1)};
}

static void count(uint32_t *c)
{
	if (*c != UINT32_MAX)
		(*c)++;
}

ts_thru_dest ts_thru_dest_of(const ts_pattern *pat, int n, bool on)
{
	if (n < 1 || n > TS_TRACKS)
		return (ts_thru_dest){0};
	const ts_track *tk = &pat->tracks[n - 1];
	bool midi = ts_track_sends_midi(tk, NULL);
	return (ts_thru_dest){.track = (uint8_t)n, .on = on,
			      .port = (uint8_t)ts_pattern_track_port(pat, n),
			      .channel = midi ? tk->channel : 0};
}

void ts_thru_init(ts_thru *t, int in_channel)
{
	memset(t, 0, sizeof(*t));
	t->in_channel = in_channel >= 1 && in_channel <= 16 ? (uint8_t)in_channel : 0;
}

bool ts_thru_accepts(ts_thru *t, const ts_midi_msg *m)
{
	uint8_t kind = ts_midi_msg_kind(m);
	if (kind >= 0xF0 || kind == 0xC0 || m->size < 2)
		return false;
	if (t->in_channel && (m->bytes[0] & 0x0F) != t->in_channel - 1) {
		count(&t->count.other_channel);
		return false;
	}
	return true;
}

/* Whether thru sends to dest now. */
static bool sends(const ts_thru_dest *d)
{
	return d->on && d->track >= 1 && d->track <= TS_TRACKS && d->channel >= 1 &&
	       d->channel <= 16 && d->port < TS_MAX_PORTS;
}

/* The message with the destination's channel, to its port. */
static void put(ts_thru *t, const ts_midi_msg *m, const ts_thru_dest *d, ts_event *ev)
{
	*ev = (ts_event){.frame = 0, .port = d->port, .track = d->track, .size = m->size};
	memcpy(ev->bytes, m->bytes, sizeof(ev->bytes));
	ev->bytes[0] = (uint8_t)((m->bytes[0] & 0xF0) | (d->channel - 1));
	count(&t->count.sent);
}

/* Forget a held note; its note-off (the message m, or a plain one) where it went, if it went. */
static int end_held(ts_thru *t, uint16_t *h, const ts_midi_msg *m, uint8_t note, ts_event *ev)
{
	int n = 0;
	if (*h & SENT) {
		ts_thru_dest d = held_dest(*h);
		ts_midi_msg off = {.size = 3, .bytes = {0x80, note, 0x40}};
		put(t, m ? m : &off, &d, ev);
		t->nsent--;
		n = 1;
	}
	*h = 0;
	return n;
}

int ts_thru_route(ts_thru *t, const ts_midi_msg *m, const ts_thru_dest *dest, ts_event *out,
		  int *track)
{
	uint8_t kind = ts_midi_msg_kind(m), ch = m->bytes[0] & 0x0F, note = m->bytes[1] & 0x7F;
	bool send = sends(dest);
	int dtrack = dest->track >= 1 && dest->track <= TS_TRACKS ? dest->track : 0;
	uint16_t *h = &t->held[ch][note];
	*track = dtrack;
	if (kind == 0x90 && m->bytes[2] == 0)
		kind = 0x80; /* a note-on with velocity 0 is a note-off */
	switch (kind) {
	case 0x80:
		if (!*h) {
			count(&t->count.unmatched_offs);
			*track = 0;
			return 0;
		}
		*track = held_track(*h);
		return end_held(t, h, m, note, out);
	case 0x90: {
		int n = *h ? end_held(t, h, NULL, note, out) : 0; /* still held: it ends first */
		if (dtrack)
			*h = pack(dtrack, send ? dest : NULL);
		if (!send) {
			count(&t->count.not_sent);
			return n;
		}
		put(t, m, dest, &out[n++]);
		t->nsent++;
		return n;
	}
	case 0xA0:
		if (*h) {
			*track = held_track(*h);
			if (*h & SENT) {
				ts_thru_dest d = held_dest(*h);
				put(t, m, &d, &out[0]);
				return 1;
			}
		} else if (send) {
			put(t, m, dest, &out[0]);
			return 1;
		}
		break;
	default: /* CC, channel pressure, pitch bend */
		if (send) {
			put(t, m, dest, &out[0]);
			return 1;
		}
		break;
	}
	count(&t->count.not_sent);
	return 0;
}

int ts_thru_held(const ts_thru *t)
{
	return t->nsent;
}

void ts_thru_release(ts_thru *t, ts_event_fn fn, void *ctx)
{
	for (int ch = 0; ch < 16; ch++)
		for (int note = 0; note < 128; note++) {
			uint16_t *h = &t->held[ch][note];
			ts_event ev;
			if (*h && end_held(t, h, NULL, (uint8_t)note, &ev))
				fn(ctx, &ev);
		}
}
