/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An LD_PRELOAD interposer that catches real-time violations in a JACK process callback.
 *
 * It wraps jack_set_process_callback() to put a trampoline around the program's callback; the
 * trampoline marks its thread as "inside the callback" (a thread-local flag) for the duration.
 * Allocation, locking, blocking and I/O functions called while the flag is set count as
 * violations. At exit it prints one line to stderr:
 *   rtcheck: V violations in C callbacks (first: NAME)
 * Test code only: never linked into trigseq.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <jack/jack.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

static __thread int in_callback __attribute__((tls_model("initial-exec")));
static atomic_ulong violations, callbacks;
static _Atomic(const char *) first_violation;

static void violation(const char *what)
{
	if (!in_callback)
		return;
	const char *none = NULL;
	atomic_compare_exchange_strong(&first_violation, &none, what);
	atomic_fetch_add(&violations, 1);
}

/* ---- the trampoline ---- */

static JackProcessCallback user_cb;
static void *user_arg;

static int trampoline(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	atomic_fetch_add(&callbacks, 1);
	in_callback = 1;
	int rc = user_cb(nframes, user_arg);
	in_callback = 0;
	return rc;
}

int jack_set_process_callback(jack_client_t *client, JackProcessCallback cb, void *arg)
{
	int (*real)(jack_client_t *, JackProcessCallback, void *) =
		(int (*)(jack_client_t *, JackProcessCallback, void *))dlsym(RTLD_NEXT,
									    "jack_set_process_callback");
	user_cb = cb;
	user_arg = arg;
	return real(client, trampoline, arg);
}

/* ---- allocation: glibc's own entry points, so no dlsym() is needed (it allocates) ---- */

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);

void *malloc(size_t n)
{
	violation("malloc");
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	violation("calloc");
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	violation("realloc");
	return __libc_realloc(p, n);
}

void free(void *p)
{
	if (p)
		violation("free");
	__libc_free(p);
}

int posix_memalign(void **out, size_t align, size_t n)
{
	violation("posix_memalign");
	void *p = __libc_memalign(align, n);
	if (!p)
		return 12; /* ENOMEM */
	*out = p;
	return 0;
}

void *aligned_alloc(size_t align, size_t n)
{
	violation("aligned_alloc");
	return __libc_memalign(align, n);
}

/* ---- everything else, resolved once at load time (never inside a callback) ---- */

#define WRAPPED(X)                                                                            \
	X(int, pthread_mutex_lock, (pthread_mutex_t * m), (m))                               \
	X(int, pthread_mutex_trylock, (pthread_mutex_t * m), (m))                            \
	X(int, pthread_cond_wait, (pthread_cond_t * c, pthread_mutex_t * m), (c, m))         \
	X(int, pthread_cond_signal, (pthread_cond_t * c), (c))                               \
	X(int, pthread_cond_broadcast, (pthread_cond_t * c), (c))                            \
	X(int, sem_wait, (sem_t * s), (s))                                                   \
	X(int, sem_post, (sem_t * s), (s))                                                   \
	X(ssize_t, read, (int fd, void *b, size_t n), (fd, b, n))                            \
	X(ssize_t, write, (int fd, const void *b, size_t n), (fd, b, n))                     \
	X(int, close, (int fd), (fd))                                                        \
	X(FILE *, fopen, (const char *p, const char *m), (p, m))                             \
	X(size_t, fwrite, (const void *b, size_t s, size_t n, FILE *f), (b, s, n, f))        \
	X(int, fputs, (const char *s, FILE *f), (s, f))                                      \
	X(int, puts, (const char *s), (s))                                                   \
	X(int, fflush, (FILE * f), (f))                                                      \
	X(int, vfprintf, (FILE * f, const char *fmt, va_list ap), (f, fmt, ap))              \
	X(int, vprintf, (const char *fmt, va_list ap), (fmt, ap))                            \
	X(int, usleep, (useconds_t u), (u))                                                  \
	X(int, nanosleep, (const struct timespec *a, struct timespec *b), (a, b))            \
	X(unsigned, sleep, (unsigned s), (s))                                                \
	X(int, poll, (struct pollfd * p, nfds_t n, int t), (p, n, t))                        \
	X(int, select, (int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *t), (n, r, w, e, t))

#define DECLARE(ret, name, params, args) static ret(*real_##name) params;
WRAPPED(DECLARE)

/* Another library's constructor may call a wrapped function before ours has run (sed's do,
 * through libselinux): each wrapper resolves everything on first use too. */
static void resolve(void);

#define DEFINE(ret, name, params, args)    \
	ret name params                    \
	{                                  \
		if (!real_##name)          \
			resolve();         \
		violation(#name);          \
		return real_##name args;   \
	}
WRAPPED(DEFINE)

/* open/openat/printf/fprintf take varargs: wrapped by hand. */
static int (*real_open)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	unsigned mode = va_arg(ap, unsigned);
	va_end(ap);
	if (!real_open)
		resolve();
	violation("open");
	return real_open(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	unsigned mode = va_arg(ap, unsigned);
	va_end(ap);
	if (!real_openat)
		resolve();
	violation("openat");
	return real_openat(dir, path, flags, mode);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!real_vprintf)
		resolve();
	violation("printf");
	int rc = real_vprintf(fmt, ap);
	va_end(ap);
	return rc;
}

int fprintf(FILE *f, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!real_vfprintf)
		resolve();
	violation("fprintf");
	int rc = real_vfprintf(f, fmt, ap);
	va_end(ap);
	return rc;
}

static void resolve(void)
{
#define RESOLVE(ret, name, params, args) real_##name = (ret(*) params)dlsym(RTLD_NEXT, #name);
	WRAPPED(RESOLVE)
	real_open = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	real_openat = (int (*)(int, const char *, int, ...))dlsym(RTLD_NEXT, "openat");
}

__attribute__((constructor)) static void rtcheck_init(void)
{
	resolve();
}

__attribute__((destructor)) static void rtcheck_report(void)
{
	const char *first = atomic_load(&first_violation);
	char line[160];
	int n = snprintf(line, sizeof(line), "rtcheck: %lu violations in %lu callbacks (first: %s)\n",
			 atomic_load(&violations), atomic_load(&callbacks), first ? first : "none");
	if (n > 0 && real_write)
		real_write(2, line, (size_t)n);
}
