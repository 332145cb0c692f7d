/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MIDI monitor: a copy of every MIDI message trigseq sends and receives, for the editor's
 * monitor pane, and the decoder that turns one into a line of text.
 *
 * The ring is single-producer / single-consumer, lock-free, of fixed-size records, with its
 * memory fixed at ts_monitor_new (locked into RAM): a ts_ring of ts_monitor_rec (ring.h), which
 * the ts_monitor_* calls below wrap. The producer is the JACK process
 * callback; the consumer is the UI thread. A push into a full ring drops the record and counts
 * it: the producer never waits. The same ring also carries the editor's own notes the other
 * way (ts_jack_config.inject): the UI thread pushes, the process callback pops; pop and push are
 * both real-time safe, so either side may be the real-time one.
 *
 * Threads:
 *   - ts_monitor_new, ts_monitor_free: any non-real-time thread, while neither side uses the
 *     ring (before the JACK client is activated, after it is closed).
 *   - ts_monitor_push: the producer only, one thread [RT] (no allocation, locks, I/O, syscalls).
 *   - ts_monitor_pop, ts_monitor_discard: the consumer only, one thread [RT].
 *   - ts_monitor_dropped, ts_monitor_capacity: any thread.
 *   - ts_monitor_format and the helpers below it: pure, any thread [RT].
 */
#ifndef TRIGSEQ_MONITOR_H
#define TRIGSEQ_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ts_ring;
typedef struct ts_ring ts_monitor;

/* A ring of this many records (64 KiB) holds several seconds of a busy pattern between two
 * redraws. */
#define TS_MONITOR_DEFAULT_CAPACITY 4096u
#define TS_MONITOR_MAX_CAPACITY (1u << 24)

/* Which way a message went. */
enum { TS_MON_OUT = 0, TS_MON_IN = 1 };

/* Port ids beside the pattern's output ports 0 … TS_MAX_PORTS-1 (ts_pattern_ports order). */
enum {
	TS_MON_PORT_MIDI_IN = 0xFC,
	TS_MON_PORT_CLOCK_IN = 0xFD,
	TS_MON_PORT_CLOCK_OUT = 0xFE, /* = TS_PORT_CLOCK */
};

typedef struct {
	uint64_t frame;   /* absolute JACK frame: jack_frame_time() extended to 64 bits */
	uint8_t dir;      /* TS_MON_OUT, TS_MON_IN */
	uint8_t port;     /* pattern port index, or a TS_MON_PORT_* id */
	uint8_t track;    /* 1 … 12 for a track's output; 0 for clock, transport and input */
	uint8_t size;     /* bytes used: 1 … 3 */
	/* The message as sent or parsed: status first. A received SysEx is the single byte F0 with
	 * its length (F0 to F7 inclusive) in bytes[1] | bytes[2] << 8, saturating at 65535 (see
	 * ts_monitor_sysex_rec). */
	uint8_t bytes[3];
} ts_monitor_rec;

/* A ring of at least `capacity` records (rounded up to a power of two), empty, nothing dropped.
 * NULL when capacity is 0 or above TS_MONITOR_MAX_CAPACITY, or out of memory. */
ts_monitor *ts_monitor_new(size_t capacity);
/* NULL is fine. */
void ts_monitor_free(ts_monitor *m);

/* Records the ring holds at most (a power of two). */
size_t ts_monitor_capacity(const ts_monitor *m);

/* Append a copy of *r. False when the ring is full: the record is dropped and counted. [RT] */
bool ts_monitor_push(ts_monitor *m, const ts_monitor_rec *r);

/* Take up to n of the oldest records, in the order they were pushed, into out[0 … n-1]; returns
 * how many. */
size_t ts_monitor_pop(ts_monitor *m, ts_monitor_rec *out, size_t n);

/* Throw away every record waiting (a pane that was hidden starts afresh); returns how many. */
size_t ts_monitor_discard(ts_monitor *m);

/* Records dropped because the ring was full, since ts_monitor_new. The consumer shows the
 * difference from the last value it saw. */
uint64_t ts_monitor_dropped(const ts_monitor *m);

/* ---- decoding (pure) ---- */

/* One line of text for a record, NUL-terminated, without a newline, e.g.
 *   "  1.234 s out midi_out  ch 3 note-on  D#2 (39) vel 100  track 2"
 *   "  0.500 s in  clock_in  start"
 *   "  0.520 s out clock_out tick"
 * Time is (frame - origin) / rate in seconds (negative before origin); then the direction, the
 * port's name (port_names[port] for a pattern port below nports, port_names may be NULL; fixed
 * names for the TS_MON_PORT_* ids), and the message. Channels are 1-based; notes are given by
 * name (scientific pitch, C4 = 60) and number; program numbers and controller values are the
 * bytes sent (0-based). A record that is not a well-formed message shows its bytes in hex.
 * Returns the length of the text written: at most size - 1 (the text is cut to fit), 0 when
 * size is 0. */
size_t ts_monitor_format(const ts_monitor_rec *r, const char *const *port_names, int nports,
			 uint32_t rate, uint64_t origin, char *buf, size_t size);

/* Only the message part, e.g. "ch 3 note-on  D#2 (39) vel 100" or "tick". Same return. */
size_t ts_monitor_format_msg(const ts_monitor_rec *r, char *buf, size_t size);

/* The message's kind: the status without its channel for channel messages (0x80 … 0xE0), the
 * whole status byte for system messages (0xF0 … 0xFF), 0 for a record without a status byte. */
static inline uint8_t ts_monitor_kind(const ts_monitor_rec *r)
{
	uint8_t s = r->size ? r->bytes[0] : 0;
	return s < 0x80 ? 0 : s < 0xF0 ? (uint8_t)(s & 0xF0) : s;
}

/* The two messages that flood a monitor and that the pane may hide: the clock tick (F8) and
 * active sensing (FE). */
static inline bool ts_monitor_is_tick(const ts_monitor_rec *r)
{
	return ts_monitor_kind(r) == 0xF8;
}

static inline bool ts_monitor_is_active_sensing(const ts_monitor_rec *r)
{
	return ts_monitor_kind(r) == 0xFE;
}

/* Fill the bytes and size of a received SysEx record of `len` bytes (F0 to F7). */
static inline void ts_monitor_sysex_rec(ts_monitor_rec *r, uint32_t len)
{
	uint16_t l = len > 0xFFFF ? 0xFFFF : (uint16_t)len;
	r->size = 1;
	r->bytes[0] = 0xF0;
	r->bytes[1] = (uint8_t)(l & 0xFF);
	r->bytes[2] = (uint8_t)(l >> 8);
}

/* The 64-bit frame nearest to `near` whose low 32 bits are `frame32`: turns a 32-bit JACK frame
 * time (ts_jack_status.start_frame) into the records' count, to use as the origin. */
static inline uint64_t ts_monitor_extend_frame(uint64_t near, uint32_t frame32)
{
	int32_t d = (int32_t)(frame32 - (uint32_t)near);
	return near + (uint64_t)(int64_t)d;
}

#endif
