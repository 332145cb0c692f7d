/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory for the real-time thread: allocated once, zeroed, and locked into RAM so that touching
 * it from the JACK process callback never causes a page fault. Locking is best effort: without
 * the privilege (RLIMIT_MEMLOCK) the memory is still usable and ts_rtmem_locked() says so.
 *
 * Threads: not the real-time thread.
 */
#ifndef TRIGSEQ_RTMEM_H
#define TRIGSEQ_RTMEM_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroed, page-aligned memory of `size` bytes, touched and locked; NULL when out of memory. */
void *ts_rtmem_alloc(size_t size);
/* Release memory from ts_rtmem_alloc (NULL is fine). */
void ts_rtmem_free(void *mem);
/* Whether that memory is locked into RAM. */
bool ts_rtmem_locked(const void *mem);

#endif
