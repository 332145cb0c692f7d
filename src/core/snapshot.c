/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The triple buffer of snapshot.h; the memory ordering is explained there. */
#include "trigseq/core/snapshot.h"

#include <string.h>

#define FRESH 4u
#define INDEX 3u

void ts_snapshot_init(ts_snapshot *s, void *slots, size_t size, const void *initial)
{
	unsigned char *p = slots;
	for (int i = 0; i < 3; i++) {
		s->slot[i] = p + (size_t)i * size;
		memcpy(s->slot[i], initial, size);
	}
	s->size = size;
	s->front = 0;
	atomic_init(&s->middle, 1);
	s->back = 2;
}

void ts_snapshot_publish(ts_snapshot *s, const void *src)
{
	memcpy(s->slot[s->back], src, s->size);
	unsigned old = atomic_exchange_explicit(&s->middle, s->back | FRESH, memory_order_acq_rel);
	s->back = old & INDEX;
}

bool ts_snapshot_read(ts_snapshot *s, void *dst)
{
	bool fresh = atomic_load_explicit(&s->middle, memory_order_relaxed) & FRESH;
	if (fresh) {
		unsigned old = atomic_exchange_explicit(&s->middle, s->front, memory_order_acq_rel);
		s->front = old & INDEX;
	}
	memcpy(dst, s->slot[s->front], s->size);
	return fresh;
}
