/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIDI thru, the Elektron "auto channel": what a keyboard or controller plays on the MIDI input
 * goes at once to one track (in the editor, the cursor's), on that track's port and channel.
 *
 * What goes thru: note on and off, poly pressure, control change, channel pressure and pitch
 * bend, on the channel listened to (every channel, or one). Program changes do not (they choose
 * patterns: timeline.h), nor system messages. Each message keeps its bytes; only the channel
 * becomes the track's.
 *
 * No stuck notes. Every note played is remembered (input channel and note -> the track it
 * belongs to, and the port and channel it went to when it was sent) until its note-off, which
 * goes there whatever the destination is by then: the cursor moved, thru switched off, the
 * track's channel changed. A note-on with velocity 0 is a note-off. A note-on for a note still
 * held ends it first (a note-off where it went) and goes to the destination of now. A note-off of
 * a note not held is dropped and counted (nothing was sent for it). ts_thru_release ends every
 * held note (stop, quit).
 *
 * Poly pressure follows its note while held, as the note-off does; the other messages go to the
 * destination of now. With thru off, or a track that sends no MIDI, nothing new is sent (the
 * track is still the one the message belongs to, for recording), but held notes still get their
 * note-offs.
 *
 * Threads: every function is real-time safe [RT]: no allocation, locks, I/O or syscalls. The
 * caller owns the ts_thru (plain data) and calls it from one thread.
 */
#ifndef TRIGSEQ_THRU_H
#define TRIGSEQ_THRU_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/midi_in.h"
#include "trigseq/core/pattern.h"

/* Where thru sends now: the track (in the editor, the cursor's), and its port and channel when
 * it sends MIDI. */
typedef struct {
	uint8_t track;            /* 1 … 12; 0: none */
	bool on;                  /* thru is switched on */
	uint8_t port;             /* the track's port index (ts_pattern_ports), < TS_MAX_PORTS */
	uint8_t channel;          /* the track's channel, 1 … 16; 0: it sends no MIDI */
} ts_thru_dest;

typedef struct {
	uint32_t sent;            /* messages sent thru (note-offs of held notes included) */
	uint32_t other_channel;   /* channel messages on a channel not listened to */
	uint32_t unmatched_offs;  /* note-offs of notes not held: dropped */
	uint32_t not_sent;        /* messages not sent: thru off, no track, or one without MIDI */
} ts_thru_counters;

/* Plain data; only thru.c touches the fields. */
typedef struct {
	uint8_t in_channel;       /* 0: every channel; 1 … 16: that one */
	uint16_t held[16][128];   /* per input channel and note: 0, or held (and where it went) */
	uint16_t nsent;           /* notes held that were sent */
	ts_thru_counters count;
} ts_thru;

/* At most this many events come out of one message (a held note's note-off, then the note-on). */
#define TS_THRU_OUT_MAX 2

/* Where thru sends for track n (1 … 12) of pat: its port and channel, or channel 0 when it sends
 * no MIDI; `on` as given. [RT] */
ts_thru_dest ts_thru_dest_of(const ts_pattern *pat, int n, bool on);

/* A thru that listens to `in_channel` (0: every channel, 1 … 16: one), nothing held. [RT] */
void ts_thru_init(ts_thru *t, int in_channel);

/* Whether a received message is one for thru and recording: a channel message of a kind thru
 * sends, on a channel listened to. Counts other_channel for the others of those kinds. [RT] */
bool ts_thru_accepts(ts_thru *t, const ts_midi_msg *m);

/* Route an accepted message (ts_thru_accepts) to `dest`: writes 0 … TS_THRU_OUT_MAX events to
 * out (frame 0: the caller sets it; port, track, size and bytes set) and returns how many. *track
 * is the track the message belongs to (1 … 12), for recording: for a note-off or poly pressure
 * of a held note, the track of its note-on; for a note-off of a note not held, 0; else dest's
 * (0: none). [RT] */
int ts_thru_route(ts_thru *t, const ts_midi_msg *m, const ts_thru_dest *dest, ts_event *out,
		  int *track);

/* Notes sent thru and held now (no note-off yet). [RT] */
int ts_thru_held(const ts_thru *t);

/* A note-off for every held note, handed to fn (frame 0), then nothing is held. [RT] */
void ts_thru_release(ts_thru *t, ts_event_fn fn, void *ctx);

#endif
