/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The SPSC ring (ring.h): creation and its failures, full and empty, all-or-nothing writes and
 * drops, runs split across the array's end, the indices' wrap at 2^32, element sizes 1, 8 and
 * 16, and a producer and a consumer thread passing millions of numbered elements.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, for failalloc.h */
#include "testutil.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "failalloc.h"

#include "trigseq/core/ring.h"

/* Element k of a numbered stream, `es` bytes: every byte depends on k, so a lost, doubled,
 * reordered or torn element shows. */
static void fill(unsigned char *buf, size_t es, uint64_t k, size_t n)
{
	for (size_t i = 0; i < n; i++, k++)
		for (size_t j = 0; j < es; j++)
			buf[i * es + j] = (unsigned char)(k * 131 + j * 29 + (k >> 8) + (k >> 16));
}

static void check(const unsigned char *buf, size_t es, uint64_t k, size_t n)
{
	unsigned char want[64 * 16];
	assert_true(n <= 64 && es <= 16);
	fill(want, es, k, n);
	assert_memory_equal(buf, want, n * es);
}

/* ---- creation ---- */

static void create_and_refuse(void **state)
{
	(void)state;
	assert_null(ts_ring_new(0, 1));
	assert_null(ts_ring_new(1, 0));
	assert_null(ts_ring_new(SIZE_MAX, 1));
	assert_null(ts_ring_new(TS_RING_MAX_BYTES + 1, 1));
	assert_null(ts_ring_new(TS_RING_MAX_BYTES / 16 + 1, 16));
	assert_null(ts_ring_new(1, TS_RING_MAX_BYTES + 1));
	assert_null(ts_ring_new(2, SIZE_MAX));
	/* fits as asked, not once rounded up: 3 * 2^29 bytes */
	assert_null(ts_ring_new(((size_t)1 << 28) + 1, 3));
	ts_ring_free(NULL);
	size_t caps[][3] = {{1, 1, 1}, {2, 8, 2}, {5, 16, 8}, {4096, 1, 4096}, {4097, 8, 8192},
			    {1000, 3, 1024}};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		ts_ring *r = ts_ring_new(caps[i][0], caps[i][1]);
		assert_non_null(r);
		assert_int_equal(ts_ring_capacity(r), caps[i][2]);
		assert_int_equal(ts_ring_elem_size(r), caps[i][1]);
		assert_int_equal(ts_ring_read_space(r), 0);
		assert_int_equal(ts_ring_write_space(r), caps[i][2]);
		assert_int_equal(ts_ring_dropped(r), 0);
		unsigned char out[16];
		assert_int_equal(ts_ring_read(r, out, 1), 0);
		ts_ring_free(r);
	}
}

static bool new_and_free(void *ctx)
{
	(void)ctx;
	ts_ring *r = ts_ring_new(1000, 16);
	ts_ring_free(r);
	return r != NULL;
}

static void out_of_memory(void **state)
{
	(void)state;
	assert_true(fa_sweep(new_and_free, NULL) > 0);
}

/* ---- one thread ---- */

static void full_and_empty(void **state)
{
	(void)state;
	ts_ring *r = ts_ring_new(8, 16);
	assert_non_null(r);
	unsigned char in[16 * 16], out[16 * 16];
	fill(in, 16, 0, 16);
	assert_true(ts_ring_write(r, in, 0));
	assert_true(ts_ring_write(r, in, 8));
	assert_int_equal(ts_ring_write_space(r), 0);
	assert_int_equal(ts_ring_read_space(r), 8);
	assert_false(ts_ring_write(r, in, 1));
	assert_false(ts_ring_write(r, in, 3));
	assert_int_equal(ts_ring_dropped(r), 4);
	assert_int_equal(ts_ring_read(r, out, 3), 3);
	check(out, 16, 0, 3);
	assert_int_equal(ts_ring_write_space(r), 3);
	assert_false(ts_ring_write(r, in + 8 * 16, 4)); /* all or nothing */
	assert_int_equal(ts_ring_dropped(r), 8);
	assert_true(ts_ring_write(r, in + 8 * 16, 3));
	assert_int_equal(ts_ring_read(r, out, 16), 8);
	check(out, 16, 3, 5);
	check(out + 5 * 16, 16, 8, 3);
	assert_int_equal(ts_ring_read(r, out, 16), 0);
	assert_int_equal(ts_ring_read(r, out, 0), 0);
	assert_int_equal(ts_ring_discard(r), 0);
	assert_true(ts_ring_write(r, in, 5));
	assert_int_equal(ts_ring_discard(r), 5);
	assert_int_equal(ts_ring_read_space(r), 0);
	assert_int_equal(ts_ring_write_space(r), 8);
	assert_int_equal(ts_ring_dropped(r), 8);
	ts_ring_reset(r, 0);
	assert_int_equal(ts_ring_dropped(r), 0);
	ts_ring_free(r);
}

/* A write and a read each in two pieces: 3 elements to the end of the array, 4 from its start. */
static void split_across_the_end(void **state)
{
	(void)state;
	static const size_t sizes[] = {1, 8, 16};
	for (size_t s = 0; s < 3; s++) {
		size_t es = sizes[s];
		ts_ring *r = ts_ring_new(16, es);
		assert_non_null(r);
		unsigned char in[7 * 16], out[7 * 16];
		fill(in, es, 1000, 7);
		ts_ring_reset(r, 13);
		assert_true(ts_ring_write(r, in, 7));
		assert_int_equal(ts_ring_read(r, out, 7), 7);
		check(out, es, 1000, 7);
		ts_ring_reset(r, 13);
		assert_true(ts_ring_write(r, in, 2));
		assert_true(ts_ring_write(r, in + 2 * es, 5));
		assert_int_equal(ts_ring_read(r, out, 5), 5);
		assert_int_equal(ts_ring_read(r, out + 5 * es, 5), 2);
		check(out, es, 1000, 7);
		ts_ring_free(r);
	}
}

/* Laps of writes and reads of every size from 1 to 17 (most not dividing the capacity), from
 * indices starting near 2^31 and 2^32: order, fill levels and space hold across the wrap. */
static void laps(size_t es, uint32_t start)
{
	ts_ring *r = ts_ring_new(16, es);
	assert_non_null(r);
	ts_ring_reset(r, start);
	unsigned char in[64 * 16], out[64 * 16];
	uint64_t wrote = 0, read = 0;
	for (int lap = 0; lap < 200; lap++) {
		size_t n = (size_t)lap % 17 + 1, held = (size_t)(wrote - read);
		fill(in, es, wrote, n);
		bool fits = n <= 16 - held;
		assert_int_equal(ts_ring_write_space(r), 16 - held);
		assert_int_equal(ts_ring_write(r, in, n), fits);
		if (fits)
			wrote += n;
		assert_int_equal(ts_ring_read_space(r), (size_t)(wrote - read));
		size_t m = (size_t)(lap * 7) % 13 + 1, got = ts_ring_read(r, out, m);
		assert_int_equal(got, m < wrote - read ? m : wrote - read);
		check(out, es, read, got);
		read += got;
	}
	assert_true(wrote > 1000);
	assert_int_equal(ts_ring_read(r, out, 64), (size_t)(wrote - read));
	check(out, es, read, (size_t)(wrote - read));
	ts_ring_free(r);
}

static void wrap_of_the_indices(void **state)
{
	(void)state;
	static const size_t sizes[] = {1, 8, 16};
	static const uint32_t starts[] = {0, 5, (uint32_t)1 << 31, ((uint32_t)1 << 31) - 7,
					  UINT32_MAX - 100, UINT32_MAX - 6, UINT32_MAX};
	for (size_t s = 0; s < 3; s++)
		for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
			laps(sizes[s], starts[i]);
}

/* ---- two threads ---- */

#define THREAD_ELEMS 3000000u

typedef struct {
	ts_ring *r;
	size_t es;
	uint64_t refused;  /* elements written again after a full ring */
} producer_arg;

/* Batches of 1 … 37 numbered elements, each written again until it fits. */
static void *producer(void *arg)
{
	producer_arg *p = arg;
	unsigned char buf[37 * 16];
	for (uint64_t k = 0; k < THREAD_ELEMS;) {
		size_t n = (size_t)(k % 37) + 1;
		if (n > THREAD_ELEMS - k)
			n = (size_t)(THREAD_ELEMS - k);
		fill(buf, p->es, k, n);
		while (!ts_ring_write(p->r, buf, n)) {
			p->refused += n;
			sched_yield();
		}
		k += n;
	}
	return NULL;
}

static void run_threads(size_t es, uint32_t start)
{
	ts_ring *r = ts_ring_new(1000, es);
	assert_non_null(r);
	ts_ring_reset(r, start);
	producer_arg p = {.r = r, .es = es};
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, producer, &p), 0);
	unsigned char out[61 * 16]; /* 61 does not divide the capacity: reads straddle the end */
	uint64_t next = 0;
	while (next < THREAD_ELEMS) {
		size_t n = ts_ring_read(r, out, 61);
		if (n == 0) {
			sched_yield();
			continue;
		}
		check(out, es, next, n > 32 ? 32 : n);
		if (n > 32)
			check(out + 32 * es, es, next + 32, n - 32);
		next += n;
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(next, THREAD_ELEMS);
	assert_int_equal(ts_ring_read(r, out, 61), 0);
	assert_int_equal(ts_ring_dropped(r), p.refused);
	ts_ring_free(r);
}

static void two_threads(void **state)
{
	(void)state;
	run_threads(8, 0);
	run_threads(16, UINT32_MAX - 5000);
	run_threads(1, UINT32_MAX - 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_and_refuse),
		cmocka_unit_test(out_of_memory),
		cmocka_unit_test(full_and_empty),
		cmocka_unit_test(split_across_the_end),
		cmocka_unit_test(wrap_of_the_indices),
		cmocka_unit_test(two_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
