/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot one thread publishes whole and another thread reads whole (the status the process
 * callback shows the UI): a triple buffer. Neither side ever waits: the writer fills its own
 * buffer and swaps it with the middle one; the reader, when the middle one is newer than its own,
 * swaps its own with it. So every read is one complete publication, the newest at the time of the
 * swap, never a mix of two; a reader that reads faster than the writer publishes gets the same
 * copy again.
 *
 * Memory ordering. The only shared variable is `middle`: the index of the middle buffer and a
 * FRESH bit (set by the writer, cleared by the reader's swap). Both swaps are one
 * atomic_exchange with memory_order_acq_rel:
 *   - release on the writer's side: its copy into the buffer happens before the reader acquires
 *     that buffer's index;
 *   - acquire on the writer's side: the buffer it gets back may be the one the reader has just
 *     given up, and the reader's release makes its last read of it happen before the writer's
 *     next copy into it;
 *   - the same two, the other way round, on the reader's side.
 * The reader first looks at FRESH with a relaxed load, only to skip the swap when nothing is new;
 * the exchange alone decides what it reads. Each buffer belongs to one side at a time, so no
 * byte is ever read and written at once: no data race, no torn read, with plain memcpy.
 *
 * Threads: one writer thread and one reader thread, fixed. ts_snapshot_publish is real-time safe
 * [RT] (a copy of `size` bytes and one atomic exchange); ts_snapshot_read is as cheap and also
 * never blocks. ts_snapshot_init before either thread uses it. The caller owns the storage
 * (plain data: embed the ts_snapshot and its three slots anywhere); nothing is allocated.
 */
#ifndef TRIGSEQ_SNAPSHOT_H
#define TRIGSEQ_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
	unsigned char *slot[3];
	size_t size;
	atomic_uint middle;  /* index of the middle buffer | TS_SNAPSHOT_FRESH */
	unsigned back;       /* the writer's buffer (writer only) */
	unsigned front;      /* the reader's buffer (reader only) */
} ts_snapshot;

/* `slots` holds three buffers of `size` bytes one after the other (an array of 3 of the
 * published type); each starts as a copy of `initial`. */
void ts_snapshot_init(ts_snapshot *s, void *slots, size_t size, const void *initial);

/* Writer: publish a copy of `size` bytes at src. [RT] */
void ts_snapshot_publish(ts_snapshot *s, const void *src);

/* Reader: copy the newest complete publication (or `initial`) to dst. Returns whether it is newer
 * than what the last read gave. [RT] */
bool ts_snapshot_read(ts_snapshot *s, void *dst);

#endif
