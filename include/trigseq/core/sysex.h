/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SysEx librarian, the pure part: no JACK, no terminal.
 *
 * - ts_sysex_split: a .syx file's bytes checked and cut into messages, or the first problem with
 *   its byte offset. A .syx file is F0 … F7 messages back to back and nothing else: every byte
 *   between F0 and F7 is a data byte (00 … 7F), a message holds at least one (the manufacturer
 *   ID), nothing precedes, follows or separates the messages.
 * - ts_sysex_due: when byte k of the stream is due, in frames, from integer arithmetic only.
 * - ts_sysex_rx: the receive side's assembler: MIDI bytes in, as they arrive (split across
 *   events any way), complete messages out, concatenated as a .syx file.
 * - ts_sysex_ring: a lock-free single-producer / single-consumer ring of bytes, to carry what
 *   the JACK process callback receives to the main thread: a ts_ring of 1-byte elements
 *   (ring.h), which the ts_sysex_ring_* calls wrap.
 *
 * Threads: everything marked [RT] is real-time safe (no allocation, locks, I/O or syscalls) and
 * may run on the JACK process thread; the rest is for other threads. A ts_sysex_rx belongs to one
 * thread at a time.
 */
#ifndef TRIGSEQ_SYSEX_H
#define TRIGSEQ_SYSEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/status.h"

/* The largest .syx file read or written: far above any instrument's dump (an Analog Rytm's
 * whole project is about 1 MiB), small enough to hold in memory without a second thought. */
#define TS_SYSEX_MAX_FILE ((size_t)16 << 20)

/* DIN MIDI: 31250 baud, 10 bits a byte. */
#define TS_SYSEX_DIN_RATE 3125u

/* ---- a .syx file ---- */

/* One message in the buffer: data[offset] is F0, data[offset + len - 1] is F7. */
typedef struct {
	size_t offset;
	size_t len;
} ts_sysex_span;

typedef struct {
	size_t offset;     /* where the problem is, from the start of the buffer */
	char text[192];    /* e.g. "offset 0x1A3: byte 0x9C above 0x7F inside the SysEx message at
			      offset 0x100", without a newline */
} ts_sysex_error;

/* Check `len` bytes and find their messages: *spans gets a malloc'd array of *count messages in
 * order, covering the buffer exactly (free() it). TS_ERR_SYSEX and *err on the first problem
 * (an empty buffer, a byte outside F0 … F7, a byte above 7F inside a message, a message with
 * no data byte, no F7 before the end, more than TS_SYSEX_MAX_FILE bytes); TS_ERR_NOMEM.
 * *spans is NULL and *count 0 unless TS_OK. */
ts_status ts_sysex_split(const uint8_t *data, size_t len, ts_sysex_span **spans, size_t *count,
			 ts_sysex_error *err);

/* Read a whole file of at most TS_SYSEX_MAX_FILE bytes into *data (malloc'd; free() it).
 * TS_ERR_IO with errno set, TS_ERR_RANGE when it is larger, TS_ERR_NOMEM. */
ts_status ts_sysex_read_file(const char *path, uint8_t **data, size_t *len);

/* ---- pacing ---- */

typedef struct {
	uint32_t sample_rate;     /* frames a second, 1 … 1000000 */
	uint32_t bytes_per_sec;   /* 1 … 1000000 */
	uint32_t gap_ms;          /* silence between messages, 0 … 60000 */
} ts_sysex_pace;

/*
 * The frame, counted from byte 0's, at which byte k of the stream is due when it belongs to
 * message m (0-based): floor(t * sample_rate + 1/2) for t = k / bytes_per_sec + m * gap_ms /
 * 1000 seconds. So bytes follow each other at the byte rate, and the first byte of a message
 * starts gap_ms after the last byte of the one before it ended (it took 1 / bytes_per_sec to
 * send). Computed exactly in integers for every k and m below TS_SYSEX_MAX_FILE: no drift.
 * [RT]
 */
uint64_t ts_sysex_due(const ts_sysex_pace *p, uint64_t k, uint64_t m);

/* ---- receiving ---- */

typedef struct ts_sysex_rx ts_sysex_rx;

typedef struct {
	uint64_t messages;         /* complete messages kept */
	uint64_t bytes;            /* their bytes, F0 and F7 included */
	uint64_t realtime_dropped; /* real-time bytes (F8 … FF) inside a message, left out of it */
	uint64_t ignored;          /* bytes outside any message: clock, notes, running data … */
	uint64_t broken;           /* messages cut off (by a status byte, the end, the size limit):
				      not kept */
	uint64_t seen;             /* bytes that began or belonged to a message, broken or not,
				      real-time bytes inside included: what says a dump is on */
	size_t open;               /* bytes of the message being received now, 0 = none */
	bool full;                 /* a message would have gone past the limit */
} ts_sysex_rx_stats;

/* An assembler keeping at most max_bytes of complete messages (and the one open); NULL when out
 * of memory. */
ts_sysex_rx *ts_sysex_rx_new(size_t max_bytes);
/* NULL is fine. */
void ts_sysex_rx_free(ts_sysex_rx *rx);

/*
 * n more bytes of the stream. F0 opens a message, F7 completes it; real-time bytes (F8 … FF)
 * inside are dropped and counted; any other status byte (80 … F6, F0 included) cuts the open
 * message off: it is counted as broken and its bytes are thrown away. Outside a message every
 * byte but F0 is ignored. TS_ERR_FULL when a message would make the kept bytes exceed the limit:
 * that message is broken, stats.full is set, and the bytes after it are still read (the next
 * message may fit). TS_ERR_NOMEM when growing fails (the open message is broken).
 */
ts_status ts_sysex_rx_feed(ts_sysex_rx *rx, const uint8_t *bytes, size_t n);

/* The stream ended: a message still open is broken. */
void ts_sysex_rx_end(ts_sysex_rx *rx);

/* The complete messages, back to back (a valid .syx file when *len > 0). */
const uint8_t *ts_sysex_rx_data(const ts_sysex_rx *rx, size_t *len);

void ts_sysex_rx_get_stats(const ts_sysex_rx *rx, ts_sysex_rx_stats *st);

/* What happened to the last broken message, e.g. "message 3 cut off after 120 bytes by status
 * byte 0x90"; "" when none broke. */
const char *ts_sysex_rx_last_broken(const ts_sysex_rx *rx);

/* ---- the ring ---- */

struct ts_ring;
typedef struct ts_ring ts_sysex_ring;

/* A ring of at least `capacity` bytes (rounded up to a power of two, at most 1 GiB), locked
 * into RAM when the system allows it; NULL when out of memory or capacity is 0. */
ts_sysex_ring *ts_sysex_ring_new(size_t capacity);
/* NULL is fine; only when neither side uses it. */
void ts_sysex_ring_free(ts_sysex_ring *r);
/* All n bytes or none: false when they do not fit (nothing written). The producer only. [RT] */
bool ts_sysex_ring_write(ts_sysex_ring *r, const uint8_t *bytes, size_t n);
/* Up to n of the oldest bytes into out; returns how many. The consumer only. [RT] */
size_t ts_sysex_ring_read(ts_sysex_ring *r, uint8_t *out, size_t n);

#endif
