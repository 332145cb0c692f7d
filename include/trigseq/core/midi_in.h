/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIDI 1.0 input: a byte-stream parser for the real-time thread.
 *
 * JACK hands MIDI input over as byte arrays with a frame each, but a sloppy or hostile sender may
 * split one message over several events or pack several into one, so every input port is parsed as
 * one continuous stream: bytes in, complete messages out. One parser per port.
 *
 * What comes out:
 * - channel messages (note off/on, poly pressure, CC, program, channel pressure, pitch bend) with
 *   their exact data-byte count, running status included. A note-on with velocity 0 stays a note-on
 *   with velocity 0: the caller decides what it means.
 * - system common: MTC quarter frame (F1), Song Position Pointer (F2, `value` = 14-bit position in
 *   16ths), song select (F3), tune request (F6).
 * - SysEx: not buffered (never unbounded memory); a complete F0 ... F7 is reported once, as the
 *   single byte F0 with `sysex_len` = its length from F0 to F7 inclusive.
 * - real-time bytes F8 FA FB FC FE FF, at once, wherever they appear: between the data bytes of
 *   another message or inside SysEx, which carries on undisturbed.
 * A message's frame is the frame of the byte that completed it.
 *
 * Garbage is dropped and counted, never fatal:
 * - dropped_bytes: data bytes with no status to belong to (including those after an undefined
 *   status), the undefined status bytes F4 F5 F9 FD, and an F7 outside SysEx;
 * - discarded_msgs: incomplete messages (SysEx included) cut off by a new status byte.
 *
 * Threads: every function is real-time safe [RT] (no allocation, locks, I/O or syscalls); the
 * caller owns the ts_midi_in (embed it anywhere). One thread at a time per parser.
 */
#ifndef TRIGSEQ_MIDI_IN_H
#define TRIGSEQ_MIDI_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	uint64_t frame;      /* frame of the byte that completed the message */
	uint32_t sysex_len;  /* F0: bytes from F0 to F7 inclusive (saturates at UINT32_MAX); else 0 */
	uint16_t value;      /* pitch bend (En) and SPP (F2): the 14-bit value; else 0 */
	uint8_t size;        /* bytes used in bytes[]: 1 … 3 (1 for SysEx: F0 alone) */
	uint8_t bytes[3];    /* status (with channel), then data bytes */
} ts_midi_msg;

typedef struct {
	uint32_t dropped_bytes;   /* see above; saturating */
	uint32_t discarded_msgs;  /* see above; saturating */
	uint32_t messages;        /* messages completed (delivered or overflowed); saturating */
	uint32_t overflows;       /* messages lost because the caller's array was full; saturating */
} ts_midi_in_counters;

/* Parser state. Plain data so the caller can embed it; only the functions below touch the fields. */
typedef struct {
	uint8_t status;      /* running status or the current system common; 0 = none */
	uint8_t need;        /* data bytes the current status takes: 0, 1 or 2 */
	uint8_t have;        /* data bytes collected so far */
	uint8_t data[2];
	bool fresh;          /* a status byte arrived and no message has completed since */
	bool in_sysex;
	bool skip_data;      /* after an undefined status: drop data bytes until the next status */
	uint32_t sysex_len;
	ts_midi_in_counters count;
} ts_midi_in;

/* Receives one complete message. [RT] */
typedef void (*ts_midi_msg_fn)(void *ctx, const ts_midi_msg *msg);

/* A fresh parser: no running status, counters zero. [RT] */
void ts_midi_in_init(ts_midi_in *p);
/* Forget any partial message and running status (on a port reconnect, say); counters stay. [RT] */
void ts_midi_in_reset(ts_midi_in *p);

/* Feed one byte received at `frame`. Returns true and fills *out when it completes a message. [RT] */
bool ts_midi_in_byte(ts_midi_in *p, uint64_t frame, uint8_t byte, ts_midi_msg *out);

/* Feed n bytes received at `frame`, calling fn for each message they complete. [RT] */
void ts_midi_in_feed(ts_midi_in *p, uint64_t frame, const uint8_t *bytes, size_t n,
		     ts_midi_msg_fn fn, void *ctx);

/* Feed n bytes received at `frame`, writing the messages they complete to out[0 … max-1].
 * Returns how many were written; any beyond max are counted in `overflows` and lost. [RT] */
size_t ts_midi_in_feed_array(ts_midi_in *p, uint64_t frame, const uint8_t *bytes, size_t n,
			     ts_midi_msg *out, size_t max);

void ts_midi_in_get_counters(const ts_midi_in *p, ts_midi_in_counters *c);

/* The message's kind: the status without its channel for channel messages (0x80 … 0xE0), the
 * whole status byte for system messages (0xF0 … 0xFF). [RT] */
static inline uint8_t ts_midi_msg_kind(const ts_midi_msg *m)
{
	return m->bytes[0] < 0xF0 ? (uint8_t)(m->bytes[0] & 0xF0) : m->bytes[0];
}

#endif
