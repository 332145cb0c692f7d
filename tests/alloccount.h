/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Counting allocations, for the tests that prove a real-time function allocates nothing
 * (test_engine, test_voice): n_allocs and n_frees count every malloc, calloc, realloc and free
 * of the test program after alloc_count_init(). Include it once, in one test file of a program.
 */
#ifndef TRIGSEQ_ALLOCCOUNT_H
#define TRIGSEQ_ALLOCCOUNT_H

#include <stddef.h>

static unsigned long n_allocs, n_frees;

#ifdef TEST_ASAN
/* Under ASan, malloc is the sanitizer's; it reports every allocation and release to these hooks. */
int __sanitizer_install_malloc_and_free_hooks(void (*on_malloc)(const volatile void *, size_t),
					      void (*on_free)(const volatile void *));
static void hook_malloc(const volatile void *p, size_t n)
{
	(void)p;
	(void)n;
	n_allocs++;
}
static void hook_free(const volatile void *p)
{
	(void)p;
	n_frees++;
}
static void alloc_count_init(void)
{
	__sanitizer_install_malloc_and_free_hooks(hook_malloc, hook_free);
}
#else
/* glibc lets a program replace malloc, free, calloc and realloc; these count and forward to
 * glibc's own allocator. */
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *malloc(size_t n)
{
	n_allocs++;
	return __libc_malloc(n);
}
void *calloc(size_t n, size_t size)
{
	n_allocs++;
	return __libc_calloc(n, size);
}
void *realloc(void *p, size_t n)
{
	n_allocs++;
	return __libc_realloc(p, n);
}
void free(void *p)
{
	if (p)
		n_frees++;
	__libc_free(p);
}
static void alloc_count_init(void)
{
}
#endif

#endif
