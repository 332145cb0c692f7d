/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A single-producer / single-consumer ring of fixed-size elements, lock-free, with its memory
 * fixed at ts_ring_new (locked into RAM, rtmem.h). It carries the MIDI monitor's records
 * (monitor.h), the received SysEx bytes (sysex.h) and the samples handed to and from the audio
 * thread (voice.h).
 *
 * One thread writes, one thread reads; either may be the real-time one. A write is all or
 * nothing: when its elements do not fit, nothing is written, they are counted as dropped and
 * the writer goes on (it never waits). Elements come out in the order they went in.
 *
 * Memory ordering: each side owns one index (elements written, elements read, since creation,
 * modulo 2^32) and is the only one to store it. A call loads the other side's index once with
 * acquire (the elements behind it are complete, or no longer read), copies, then stores its own
 * once with release (the copy is done before the other side can see it). The indices sit on
 * cache lines of their own so the two sides do not take each other's line on every call.
 *
 * Threads:
 *   - ts_ring_new, ts_ring_free, ts_ring_reset: any non-real-time thread while neither side
 *     uses the ring.
 *   - ts_ring_write, ts_ring_write_space: the producer only, one thread [RT].
 *   - ts_ring_read, ts_ring_read_space, ts_ring_discard: the consumer only, one thread [RT].
 *   - ts_ring_capacity, ts_ring_elem_size, ts_ring_dropped: any thread [RT].
 */
#ifndef TRIGSEQ_RING_H
#define TRIGSEQ_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct ts_ring ts_ring;

/* The most bytes of elements a ring holds (so at most 2^30 elements: the fill level, write
 * index minus read index, is exact in 32-bit unsigned arithmetic). */
#define TS_RING_MAX_BYTES ((size_t)1 << 30)

/* A ring of at least `capacity` elements (rounded up to a power of two) of `elem_size` bytes
 * each, empty, nothing dropped. NULL when capacity or elem_size is 0, when the rounded capacity
 * times elem_size is above TS_RING_MAX_BYTES, or out of memory. */
ts_ring *ts_ring_new(size_t capacity, size_t elem_size);
/* NULL is fine. */
void ts_ring_free(ts_ring *r);

/* Elements the ring holds at most (a power of two), and the size of one. */
size_t ts_ring_capacity(const ts_ring *r);
size_t ts_ring_elem_size(const ts_ring *r);

/* Elements that can be written now (at least this many when the consumer reads meanwhile). */
size_t ts_ring_write_space(const ts_ring *r);
/* Copy n elements from src, all or none: false when they do not fit (nothing written, n more
 * dropped). n = 0 is true. */
bool ts_ring_write(ts_ring *r, const void *src, size_t n);

/* Elements waiting to be read (at least this many when the producer writes meanwhile). */
size_t ts_ring_read_space(const ts_ring *r);
/* Take up to n of the oldest elements into dst, in order; returns how many. */
size_t ts_ring_read(ts_ring *r, void *dst, size_t n);
/* Throw away every element waiting; returns how many. */
size_t ts_ring_discard(ts_ring *r);

/* Elements refused by ts_ring_write because they did not fit, since ts_ring_new. */
uint64_t ts_ring_dropped(const ts_ring *r);

/* Empty the ring with both indices at `start` and nothing dropped: what ts_ring_new gives,
 * start = 0. Tests start near 2^32 to cross the indices' wrap. */
void ts_ring_reset(ts_ring *r, uint32_t start);

#endif
