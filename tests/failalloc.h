/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A failing allocator for the tests (tests/test_alloc*.c): once armed with fa_arm(n), the nth
 * allocation from then on fails (malloc, calloc, realloc, strdup, strndup, and mmap, which is
 * where ts_rtmem_alloc gets its memory); fa_live counts the allocations not yet released.
 *
 * fa_sweep(op, ctx) fails allocation 1 of op, then 2, 3, ... until op runs with no failure left
 * to inject: each failing run must report an error (op returns false), each run, failing or not,
 * must release all it took (fa_live back where it was), and under ASan nothing may crash or
 * touch freed memory. It returns the number of failure points it went through.
 * fa_sweep_absorbing is the same for an operation that may do without some allocations.
 *
 * It replaces the allocator of the whole test program: include it once, in one file, and not
 * with alloccount.h; the file defines _DEFAULT_SOURCE (MAP_ANONYMOUS). Under ASan (TEST_ASAN) it forwards to the sanitizer's allocator (gcc's
 * libasan exports it as __interceptor_*), so ASan still checks every access and LeakSanitizer
 * every leak; otherwise to glibc's own (__libc_*).
 */
#ifndef TRIGSEQ_FAILALLOC_H
#define TRIGSEQ_FAILALLOC_H

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>

static long fa_fail_at; /* the allocation (1-based, from fa_arm) that fails; 0: none */
static long fa_seen;    /* allocations since fa_arm */
static bool fa_hit;     /* the failure was injected */
static long fa_live;    /* allocations (and mappings) not released */

#ifdef TEST_ASAN
#define FA_REAL(f) __interceptor_##f
#else
#define FA_REAL(f) __libc_##f
#endif
void *FA_REAL(malloc)(size_t n);
void *FA_REAL(calloc)(size_t n, size_t size);
void *FA_REAL(realloc)(void *p, size_t n);
void FA_REAL(free)(void *p);
/* mmap and munmap go to the kernel themselves (the C library's own names for them are private) */
long syscall(long number, ...);
#ifdef TEST_ASAN
void *__interceptor_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
#define FA_MMAP __interceptor_mmap
#else
static void *fa_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}
#define FA_MMAP fa_mmap
#endif

static void fa_arm(long n)
{
	fa_fail_at = n;
	fa_seen = 0;
	fa_hit = false;
}

static void fa_disarm(void)
{
	fa_fail_at = 0;
}

/* With fa_ours_only, only the allocations the test program's own code makes (the modules
 * tested, linked in) count and fail; the shared libraries' (libsndfile's, libsamplerate's) go
 * through: those libraries are not ours to test, and libsndfile crashes on some of its own. */
static bool fa_ours_only;
extern const char __executable_start[], etext[];

static bool fa_fails(const void *caller)
{
	if (fa_ours_only && ((const char *)caller < __executable_start || (const char *)caller >= etext))
		return false;
	if (fa_fail_at <= 0 || ++fa_seen != fa_fail_at)
		return false;
	fa_hit = true;
	errno = ENOMEM;
	return true;
}

static void *fa_malloc(size_t n, const void *caller)
{
	void *p = fa_fails(caller) ? NULL : FA_REAL(malloc)(n);
	fa_live += p != NULL;
	return p;
}

void *malloc(size_t n)
{
	return fa_malloc(n, __builtin_return_address(0));
}

void *calloc(size_t n, size_t size)
{
	void *p = fa_fails(__builtin_return_address(0)) ? NULL : FA_REAL(calloc)(n, size);
	fa_live += p != NULL;
	return p;
}

void *realloc(void *p, size_t n)
{
	if (fa_fails(__builtin_return_address(0)))
		return NULL;
	void *q = FA_REAL(realloc)(p, n);
	fa_live += p == NULL && q != NULL;
	return q;
}

void free(void *p)
{
	fa_live -= p != NULL;
	FA_REAL(free)(p);
}

char *strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = fa_malloc(n, __builtin_return_address(0));
	return d ? memcpy(d, s, n) : NULL;
}

char *strndup(const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	char *d = fa_malloc(n + 1, __builtin_return_address(0));
	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

#ifdef TEST_ASAN
/* The sanitizer's realpath allocates the answer itself, past malloc: here it is counted, and
 * fails as glibc's does (its malloc called from the C library). */
char *__interceptor_realpath(const char *path, char *resolved);
char *realpath(const char *path, char *resolved)
{
	if (resolved)
		return __interceptor_realpath(path, resolved);
	char buf[PATH_MAX];
	if (!__interceptor_realpath(path, buf))
		return NULL;
	size_t n = strlen(buf) + 1;
	char *d = fa_malloc(n, fa_ours_only ? NULL : __builtin_return_address(0));
	return d ? memcpy(d, buf, n) : NULL;
}
#endif

/* Anonymous mappings only: ts_rtmem_alloc's. Files mapped by the C library are not counted. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	bool anon = (flags & MAP_ANONYMOUS) != 0;
	if (anon && fa_fails(__builtin_return_address(0)))
		return MAP_FAILED;
	void *p = FA_MMAP(addr, len, prot, flags, fd, off);
	fa_live += anon && p != MAP_FAILED;
	return p;
}

/* (every munmap of the program is ts_rtmem_free's: the C library unmaps through its own) */
int munmap(void *addr, size_t len)
{
	int r = (int)syscall(SYS_munmap, addr, len);
	fa_live -= r == 0;
	return r;
}

/* fa_sweep OP CTX: as said at the top; the failure points it went through. */
/* A test program may use fa_arm alone, without the sweeps. */
__attribute__((unused)) static long fa_sweep_absorbing(bool (*op)(void *ctx), void *ctx,
						       long *absorbed);
__attribute__((unused)) static long fa_sweep(bool (*op)(void *ctx), void *ctx)
{
	return fa_sweep_absorbing(op, ctx, NULL);
}

/* The same for an operation that may go on without some of its allocations (a cache, a nicer
 * name): a failure it absorbs (op succeeds all the same) is counted in *absorbed, not an error. */
static long fa_sweep_absorbing(bool (*op)(void *ctx), void *ctx, long *absorbed)
{
	if (absorbed)
		*absorbed = 0;
	for (long n = 1;; n++) {
		long live = fa_live;
		fa_arm(n);
		bool ok = op(ctx);
		bool hit = fa_hit;
		fa_disarm();
		if (fa_live != live)
			fail_msg("allocation %ld failing: %ld allocations not released", n, fa_live - live);
		if (!hit) {
			if (!ok)
				fail_msg("with no allocation failing (%ld of them) the operation fails", n - 1);
			return n - 1;
		}
		if (ok && !absorbed)
			fail_msg("allocation %ld failed and the operation says it succeeded", n);
		if (ok)
			++*absorbed;
	}
}

#endif
