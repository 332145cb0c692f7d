/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "trigseq/core/rtmem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* A header page before the user's memory keeps its size and whether mlock succeeded. */
typedef struct {
	size_t size;   /* of the whole mapping */
	bool locked;
} rtmem_head;

static size_t page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);
	return p > 0 ? (size_t)p : 4096;
}

void *ts_rtmem_alloc(size_t size)
{
	size_t page = page_size();
	if (size > SIZE_MAX - 2 * page)
		return NULL;
	size_t total = (size + page - 1) / page * page + page;
	/* mmap gives zeroed pages; memset makes them resident before the lock is even tried. */
	void *base = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		return NULL;
	memset(base, 0, total);
	rtmem_head *head = base;
	head->size = total;
	head->locked = mlock(base, total) == 0;
	return (char *)base + page;
}

void ts_rtmem_free(void *mem)
{
	if (!mem)
		return;
	rtmem_head *head = (void *)((char *)mem - page_size());
	size_t total = head->size;
	if (head->locked)
		munlock(head, total);
	munmap(head, total);
}

bool ts_rtmem_locked(const void *mem)
{
	if (!mem)
		return false;
	const rtmem_head *head = (const void *)((const char *)mem - page_size());
	return head->locked;
}
