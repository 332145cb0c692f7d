/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SPSC ring (ring.h). The slot of index i is i & mask; write - read is the fill level, which
 * unsigned arithmetic keeps right across the indices' wrap at 2^32 (capacity <= 2^30). A run of
 * elements is copied in at most two pieces: up to the end of the array, then from its start.
 */
#include "trigseq/core/ring.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <string.h>

#include "trigseq/core/rtmem.h"

enum { CACHE_LINE = 64 };

/* ts_rtmem_alloc's memory is page-aligned: the alignments below hold. */
struct ts_ring {
	/* fixed at creation: read by both, written by neither, so shared without cost */
	uint32_t mask;
	size_t elem;
	alignas(CACHE_LINE) atomic_uint write;     /* the producer's */
	atomic_uint_fast64_t dropped;              /* the producer's */
	alignas(CACHE_LINE) atomic_uint read;      /* the consumer's */
	alignas(CACHE_LINE) unsigned char buf[];
};

ts_ring *ts_ring_new(size_t capacity, size_t elem_size)
{
	if (capacity == 0 || elem_size == 0 || capacity > TS_RING_MAX_BYTES / elem_size)
		return NULL;
	size_t cap = 1;
	while (cap < capacity)
		cap <<= 1;
	if (cap > TS_RING_MAX_BYTES / elem_size)
		return NULL;
	ts_ring *r = ts_rtmem_alloc(sizeof(*r) + cap * elem_size);
	if (!r)
		return NULL;
	r->mask = (uint32_t)(cap - 1);
	r->elem = elem_size;
	ts_ring_reset(r, 0);
	return r;
}

void ts_ring_free(ts_ring *r)
{
	ts_rtmem_free(r);
}

void ts_ring_reset(ts_ring *r, uint32_t start)
{
	atomic_init(&r->write, start);
	atomic_init(&r->read, start);
	atomic_init(&r->dropped, 0);
}

size_t ts_ring_capacity(const ts_ring *r)
{
	return (size_t)r->mask + 1;
}

size_t ts_ring_elem_size(const ts_ring *r)
{
	return r->elem;
}

size_t ts_ring_write_space(const ts_ring *r)
{
	unsigned w = atomic_load_explicit(&r->write, memory_order_relaxed);
	unsigned rd = atomic_load_explicit(&r->read, memory_order_acquire);
	return (size_t)r->mask + 1 - (w - rd);
}

bool ts_ring_write(ts_ring *r, const void *src, size_t n)
{
	if (n == 0)
		return true;
	unsigned w = atomic_load_explicit(&r->write, memory_order_relaxed);
	unsigned rd = atomic_load_explicit(&r->read, memory_order_acquire);
	if (n > (size_t)r->mask + 1 - (w - rd)) {
		/* Only this thread stores the counter: no read-modify-write needed. */
		uint_fast64_t d = atomic_load_explicit(&r->dropped, memory_order_relaxed);
		atomic_store_explicit(&r->dropped, d + n, memory_order_relaxed);
		return false;
	}
	size_t at = w & r->mask, first = (size_t)r->mask + 1 - at;
	if (first > n)
		first = n;
	memcpy(r->buf + at * r->elem, src, first * r->elem);
	memcpy(r->buf, (const unsigned char *)src + first * r->elem, (n - first) * r->elem);
	atomic_store_explicit(&r->write, w + (unsigned)n, memory_order_release);
	return true;
}

size_t ts_ring_read_space(const ts_ring *r)
{
	unsigned rd = atomic_load_explicit(&r->read, memory_order_relaxed);
	unsigned w = atomic_load_explicit(&r->write, memory_order_acquire);
	return w - rd;
}

size_t ts_ring_read(ts_ring *r, void *dst, size_t n)
{
	unsigned rd = atomic_load_explicit(&r->read, memory_order_relaxed);
	unsigned w = atomic_load_explicit(&r->write, memory_order_acquire);
	if (n > w - rd)
		n = w - rd;
	if (n == 0)
		return 0;
	size_t at = rd & r->mask, first = (size_t)r->mask + 1 - at;
	if (first > n)
		first = n;
	memcpy(dst, r->buf + at * r->elem, first * r->elem);
	memcpy((unsigned char *)dst + first * r->elem, r->buf, (n - first) * r->elem);
	atomic_store_explicit(&r->read, rd + (unsigned)n, memory_order_release);
	return n;
}

size_t ts_ring_discard(ts_ring *r)
{
	unsigned rd = atomic_load_explicit(&r->read, memory_order_relaxed);
	unsigned w = atomic_load_explicit(&r->write, memory_order_acquire);
	atomic_store_explicit(&r->read, w, memory_order_release);
	return w - rd;
}

uint64_t ts_ring_dropped(const ts_ring *r)
{
	return atomic_load_explicit(&r->dropped, memory_order_relaxed);
}
