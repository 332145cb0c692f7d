/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The triple buffer (snapshot.h): what a read gives, and a writer and a reader thread at once,
 * every read one whole publication. */
#include "testutil.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "trigseq/core/snapshot.h"

#define WORDS 40 /* about the size of ts_jack_status: more than a cache line */

typedef struct {
	uint64_t seq;
	uint64_t w[WORDS]; /* w[i] = seq * (i + 1): fields written together */
} payload;

static void fill(payload *p, uint64_t seq)
{
	p->seq = seq;
	for (int i = 0; i < WORDS; i++)
		p->w[i] = seq * (uint64_t)(i + 1);
}

static bool whole(const payload *p)
{
	for (int i = 0; i < WORDS; i++)
		if (p->w[i] != p->seq * (uint64_t)(i + 1))
			return false;
	return true;
}

static void reads_in_one_thread(void **state)
{
	(void)state;
	payload slots[3], init, p, got;
	fill(&init, 7);
	ts_snapshot s;
	ts_snapshot_init(&s, slots, sizeof(payload), &init);
	/* nothing published: the initial copy, not fresh */
	assert_false(ts_snapshot_read(&s, &got));
	assert_int_equal(got.seq, 7);
	fill(&p, 8);
	ts_snapshot_publish(&s, &p);
	fill(&p, 99); /* the writer's own copy changes after: the published one does not */
	assert_true(ts_snapshot_read(&s, &got));
	assert_int_equal(got.seq, 8);
	assert_true(whole(&got));
	/* read again: the same copy, not fresh */
	assert_false(ts_snapshot_read(&s, &got));
	assert_int_equal(got.seq, 8);
	/* two publications between reads: the newer one */
	for (uint64_t seq = 9; seq <= 10; seq++) {
		fill(&p, seq);
		ts_snapshot_publish(&s, &p);
	}
	assert_true(ts_snapshot_read(&s, &got));
	assert_int_equal(got.seq, 10);
	/* many publications, each read at once: every one comes through in turn */
	for (uint64_t seq = 11; seq < 1000; seq++) {
		fill(&p, seq);
		ts_snapshot_publish(&s, &p);
		assert_true(ts_snapshot_read(&s, &got));
		assert_int_equal(got.seq, seq);
		assert_true(whole(&got));
	}
}

/* The writer publishes until the reader has read READS times and seen DISTINCT publications
 * change under it, or for MAX_SECONDS on a machine too busy to run both threads at once. */
#define READS 1000000
#define DISTINCT 20000
#define MAX_SECONDS 3

typedef struct {
	ts_snapshot snap;
	payload slots[3];
	atomic_bool stop, done;
	atomic_uint_fast64_t last; /* the writer's last publication */
} shared;

static void *writer(void *arg)
{
	shared *sh = arg;
	payload p;
	uint64_t seq = 0;
	while (!atomic_load_explicit(&sh->stop, memory_order_relaxed)) {
		fill(&p, ++seq);
		ts_snapshot_publish(&sh->snap, &p);
	}
	atomic_store_explicit(&sh->last, seq, memory_order_relaxed);
	atomic_store_explicit(&sh->done, true, memory_order_release);
	return NULL;
}

static double seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void writer_and_reader_threads(void **state)
{
	(void)state;
	static shared sh;
	payload init, got;
	fill(&init, 0);
	ts_snapshot_init(&sh.snap, sh.slots, sizeof(payload), &init);
	atomic_init(&sh.stop, false);
	atomic_init(&sh.done, false);
	atomic_init(&sh.last, 0);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, writer, &sh), 0);
	uint64_t last = 0, reads = 0, torn = 0, backwards = 0, distinct = 0;
	double t0 = seconds();
	for (;;) {
		bool done = atomic_load_explicit(&sh.done, memory_order_acquire);
		bool fresh = ts_snapshot_read(&sh.snap, &got);
		reads++;
		if (!whole(&got))
			torn++;
		if (got.seq < last)
			backwards++;
		if (fresh && got.seq == last)
			backwards++; /* "fresh" must mean a newer publication */
		if (got.seq != last)
			distinct++;
		last = got.seq;
		if (done && !fresh)
			break;
		if ((distinct >= DISTINCT && reads >= READS) ||
		    (reads % 4096 == 0 && seconds() - t0 > MAX_SECONDS))
			atomic_store_explicit(&sh.stop, true, memory_order_relaxed);
	}
	pthread_join(t, NULL);
	uint64_t published = atomic_load_explicit(&sh.last, memory_order_relaxed);
	print_message("%llu reads, %llu distinct publications seen of %llu, torn %llu, backwards "
		      "%llu\n", (unsigned long long)reads, (unsigned long long)distinct,
		      (unsigned long long)published, (unsigned long long)torn,
		      (unsigned long long)backwards);
	assert_int_equal(torn, 0);
	assert_int_equal(backwards, 0);
	/* the last read after the writer finished is its last publication */
	assert_int_equal(last, published);
	assert_true(distinct >= 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reads_in_one_thread),
		cmocka_unit_test(writer_and_reader_threads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
