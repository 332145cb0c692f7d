/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MIDI clock slave against simulated masters: lock, jitter, wander, tempo change, transport, loss. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>

#include "trigseq/core/clock.h"

#define RATE 48000

static uint64_t prng_state;

static double uniform(void) /* splitmix64, [0, 1) */
{
	uint64_t z = (prng_state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return (double)((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static double tick_frames(double bpm)
{
	return RATE * 60.0 / (bpm * 24);
}

enum { EXACT, LATE_0_2MS, WANDER_5PC };

/* truth[k] = the master's tick k; arrival[k] = when it reached us. */
static void master(int kind, double bpm, uint64_t seed, size_t n, double *truth, uint64_t *arrival)
{
	prng_state = seed;
	double per = tick_frames(bpm), t = 4800;
	for (size_t k = 0; k < n; k++) {
		double late = 0;
		if (kind == WANDER_5PC) {
			if (k > 0)
				t += per * (1 + 0.05 * (2 * uniform() - 1));
		} else {
			t = 4800 + (double)k * per;
			if (kind == LATE_0_2MS)
				late = uniform() * 0.002 * RATE;
		}
		truth[k] = t;
		arrival[k] = (uint64_t)floor(t + late + 0.5);
	}
}

/* The engine's scheduler: steps due before `limit`, at their grid frame, never before `cursor`;
 * fired[k] counts firings of step k, at[k] keeps the frame. */
static void fire_due(const ts_clock *c, int64_t *next, uint64_t cursor, uint64_t limit,
		     double *at, int *fired, size_t nsteps)
{
	double f;
	while (ts_clock_tick_frame(c, (double)*next, &f) && f < (double)limit) {
		size_t k = (size_t)(*next / 6);
		if (k < nsteps) {
			at[k] = fmax(floor(f + 0.5), (double)cursor);
			fired[k]++;
		}
		*next += 6;
	}
}

static void run(ts_clock *c, const uint64_t *arrival, size_t n, double *at, int *fired, size_t nsteps)
{
	for (size_t k = 0; k < nsteps; k++)
		fired[k] = 0;
	ts_clock_init(c, RATE);
	ts_clock_start(c, arrival[0]);
	int64_t next = 0;
	uint64_t cursor = arrival[0];
	for (size_t i = 0; i < n; i++) {
		fire_due(c, &next, cursor, arrival[i], at, fired, nsteps);
		ts_clock_tick(c, arrival[i]);
		cursor = arrival[i];
	}
}

static void steady_exact(double bpm)
{
	enum { N = 2400 };
	double *truth = malloc(N * sizeof *truth);
	uint64_t *arr = malloc(N * sizeof *arr);
	assert_non_null(truth);
	assert_non_null(arr);
	master(EXACT, bpm, 1, N, truth, arr);
	ts_clock c;
	ts_clock_init(&c, RATE);
	ts_clock_start(&c, arr[0]);
	size_t locked_at = 0;
	for (size_t i = 0; i < N; i++) {
		ts_clock_tick(&c, arr[i]);
		if (!locked_at && ts_clock_locked(&c, arr[i]) && fabs(ts_clock_bpm(&c) - bpm) < 0.1)
			locked_at = i + 1;
		if (locked_at && i >= 24) {
			/* Halfway to the next tick, the grid says k + 0.5 to within 0.01 tick. */
			uint64_t mid = (uint64_t)(truth[i] + tick_frames(bpm) / 2);
			assert_true(fabs(ts_clock_position(&c, mid) - ((double)i + 0.5)) < 0.01);
			assert_true(ts_clock_locked(&c, mid));
		}
	}
	assert_true(locked_at > 0 && locked_at <= 24);
	assert_true(fabs(ts_clock_bpm(&c) - bpm) < 0.001);
	free(truth);
	free(arr);
}

static void lock_steady_120(void **state)
{
	(void)state;
	steady_exact(120);
}

static void lock_steady_123_7(void **state)
{
	(void)state;
	steady_exact(123.7);
}

/* Ticks until the tempo estimate (the status bpm) is within 0.1 BPM of a steady master whose ticks
 * are late by 0-2 ms, and stays there for the rest of n ticks; -1 if it never does. */
static long jittered_lock(double bpm, uint64_t seed, size_t n, uint32_t *tempo_changes)
{
	double *truth = malloc(n * sizeof *truth);
	uint64_t *arr = malloc(n * sizeof *arr);
	assert_true(truth && arr);
	master(LATE_0_2MS, bpm, seed, n, truth, arr);
	ts_clock c;
	ts_clock_init(&c, RATE);
	long since = -1;
	ts_clock_status st;
	for (size_t i = 0; i < n; i++) {
		ts_clock_tick(&c, arr[i]);
		ts_clock_get_status(&c, arr[i], &st);
		if (fabs(st.bpm - bpm) > 0.1)
			since = -1;
		else if (since < 0)
			since = (long)i + 1;
	}
	*tempo_changes = st.tempo_changes;
	free(truth);
	free(arr);
	return since;
}

/* Masters whose lock took 28-42 ticks while the tempo-change detector, judging the first ticks by a
 * mean square that started from 0, took their jitter for a tempo change and cut the tempo
 * estimate back to 3 ticks. */
static void jittered_lock_within_24(void **state)
{
	(void)state;
	static const uint64_t seeds[] = {110, 124, 184, 196};
	for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
		uint32_t changes;
		long t = jittered_lock(120, seeds[k], 1000, &changes);
		assert_int_equal(changes, 0);
		assert_true(t > 0 && t <= 24);
	}
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Not every jittered master can lock within 24 ticks: with arrivals late by a uniform 0-2 ms, even
 * the best estimate from 24 ticks (knowing that law) is off by more than 0.1 BPM for about 1 master
 * in 8. So the spread over 100 masters is held here, and no tempo change is ever seen in them. */
static void jittered_lock_spread(void **state)
{
	(void)state;
	enum { RUNS = 100 };
	long t[RUNS];
	for (int r = 0; r < RUNS; r++) {
		uint32_t changes;
		t[r] = jittered_lock(r % 2 ? 123.7 : 120, 100 + (uint64_t)r, 1000, &changes);
		assert_int_equal(changes, 0);
		assert_true(t[r] > 0);
	}
	qsort(t, RUNS, sizeof t[0], cmp_long);
	assert_true(t[RUNS / 2] <= 24);
	assert_true(t[RUNS * 3 / 4] <= 30);
	assert_true(t[RUNS - 1] <= 60);
}

/* RMS about its mean of at[k] - ref[k] over k in [from, n). */
static double rms(const double *at, const double *ref, size_t from, size_t n)
{
	double sum = 0, sum2 = 0;
	for (size_t k = from; k < n; k++)
		sum += at[k] - ref[k];
	double mean = sum / (double)(n - from);
	for (size_t k = from; k < n; k++)
		sum2 += (at[k] - ref[k] - mean) * (at[k] - ref[k] - mean);
	return sqrt(sum2 / (double)(n - from));
}

static void jitter_is_filtered(void **state)
{
	(void)state;
	enum { N = 48 * 180, STEPS = N / 6 - 1, FROM = 160 }; /* narrow from 20 s on */
	double *truth = malloc(N * sizeof *truth), *at = malloc(STEPS * sizeof *at);
	double *grid = malloc(STEPS * sizeof *grid), *naive = malloc(STEPS * sizeof *naive);
	uint64_t *arr = malloc(N * sizeof *arr);
	int *fired = malloc(STEPS * sizeof *fired);
	assert_true(truth && at && grid && naive && arr && fired);
	for (uint64_t seed = 10; seed < 13; seed++) {
		master(LATE_0_2MS, 120, seed, N, truth, arr);
		ts_clock c;
		run(&c, arr, N, at, fired, STEPS);
		for (size_t k = 0; k < STEPS; k++) {
			assert_int_equal(fired[k], 1);
			grid[k] = truth[6 * k];
			naive[k] = (double)arr[6 * k];
		}
		double slave = rms(at, grid, FROM, STEPS), copy = rms(naive, grid, FROM, STEPS);
		assert_true(copy > 0.5 * 0.001 * RATE); /* the naive follower copies ~0.58 ms */
		assert_true(slave <= copy / 10);
		assert_true(ts_clock_locked(&c, arr[N - 1]));
	}
	free(truth);
	free(at);
	free(grid);
	free(naive);
	free(arr);
	free(fired);
}

static void wandering_master_followed(void **state)
{
	(void)state;
	enum { N = 48 * 300, STEPS = N / 6 - 1 };
	double *truth = malloc(N * sizeof *truth), *at = malloc(STEPS * sizeof *at);
	uint64_t *arr = malloc(N * sizeof *arr);
	int *fired = malloc(STEPS * sizeof *fired);
	assert_true(truth && at && arr && fired);
	for (uint64_t seed = 20; seed < 23; seed++) {
		master(WANDER_5PC, 120, seed, N, truth, arr);
		ts_clock c;
		run(&c, arr, N, at, fired, STEPS);
		for (size_t k = 0; k < STEPS; k++) {
			assert_int_equal(fired[k], 1);
			assert_true(fabs(at[k] - (double)arr[6 * k]) <= 0.003 * RATE);
		}
	}
	free(truth);
	free(at);
	free(arr);
	free(fired);
}

static void tempo_change_followed(void **state)
{
	(void)state;
	ts_clock c;
	ts_clock_init(&c, RATE);
	double t = 1000;
	for (int i = 0; i < 480; i++, t += tick_frames(120))
		ts_clock_tick(&c, (uint64_t)floor(t + 0.5));
	assert_true(fabs(ts_clock_bpm(&c) - 120) < 0.01);
	int followed_at = -1;
	for (int i = 0; i < 480; i++) {
		t += tick_frames(140);
		ts_clock_tick(&c, (uint64_t)floor(t + 0.5));
		/* The grid reaches the next tick within 1 ms of it. */
		double f;
		ts_clock_start(&c, 0); /* anchor song 0 at the next tick, to ask where it is due */
		assert_true(ts_clock_tick_frame(&c, 0, &f));
		bool close = fabs(f - (t + tick_frames(140))) < 0.001 * RATE;
		if (!close)
			followed_at = -1;
		else if (followed_at < 0)
			followed_at = i + 1;
	}
	assert_true(followed_at > 0 && followed_at <= 8);
	assert_true(fabs(ts_clock_bpm(&c) - 140) < 0.01);
	assert_true(ts_clock_locked(&c, (uint64_t)t));
}

static void transport_start_stop_continue_spp(void **state)
{
	(void)state;
	ts_clock c;
	ts_clock_init(&c, RATE);
	double per = tick_frames(120);
	uint64_t f = 1000;
	/* Clock runs while stopped: the position is where play would begin. */
	for (int i = 0; i < 48; i++, f += (uint64_t)per)
		ts_clock_tick(&c, f);
	assert_false(ts_clock_running(&c));
	assert_true(ts_clock_position(&c, f) == 0);
	uint32_t epoch = c.epoch;
	/* Start: song 0 is the next tick, and the grid predicts it. */
	ts_clock_start(&c, f - (uint64_t)per / 2);
	assert_true(ts_clock_running(&c));
	assert_true(c.epoch != epoch);
	double at;
	assert_true(ts_clock_tick_frame(&c, 0, &at));
	assert_true(fabs(at - (double)f) < 2);
	assert_false(ts_clock_tick_frame(&c, 1, &at)); /* beyond the next tick: unknown */
	assert_true(ts_clock_position(&c, f - 10) < 0);
	for (int i = 0; i < 13; i++, f += (uint64_t)per)
		ts_clock_tick(&c, f);
	/* 13 ticks played: songs 0 … 12; halfway to song 13. */
	assert_true(fabs(ts_clock_position(&c, f - (uint64_t)per / 2) - 12.5) < 0.01);
	/* Stop: holds at the tick Continue will play. */
	ts_clock_stop(&c, f - 100);
	assert_false(ts_clock_running(&c));
	assert_true(ts_clock_position(&c, f + 5000) == 13);
	assert_false(ts_clock_tick_frame(&c, 13, &at));
	for (int i = 0; i < 24; i++, f += (uint64_t)per)
		ts_clock_tick(&c, f);
	assert_true(ts_clock_position(&c, f) == 13);
	/* Continue: the next tick is song 13. */
	ts_clock_continue(&c, f - 100);
	assert_true(ts_clock_tick_frame(&c, 13, &at));
	assert_true(fabs(at - (double)f) < 2);
	ts_clock_tick(&c, f);
	f += (uint64_t)per;
	ts_clock_tick(&c, f);
	assert_true(fabs(ts_clock_position(&c, f) - 14) < 0.01);
	/* Stop, SPP to 16th 32 (tick 192), Continue. */
	ts_clock_stop(&c, f + 10);
	ts_clock_song_position(&c, f + 20, 32);
	assert_true(ts_clock_position(&c, f + 30) == 192);
	ts_clock_continue(&c, f + 40);
	f += (uint64_t)per;
	ts_clock_tick(&c, f);
	assert_true(fabs(ts_clock_position(&c, f) - 192) < 0.01);
	/* Start again from 0 while running. */
	ts_clock_start(&c, f + 10);
	f += (uint64_t)per;
	ts_clock_tick(&c, f);
	assert_true(fabs(ts_clock_position(&c, f) - 0) < 0.01);

	/* A master that sends clock only while playing: Start, then the first tick. Nothing is due
	 * before that tick, and song 0 lands on it. */
	ts_clock_init(&c, RATE);
	ts_clock_start(&c, 500);
	assert_true(ts_clock_stale(&c, 500));
	assert_false(ts_clock_tick_frame(&c, 0, &at));
	assert_true(ts_clock_position(&c, 600) < 0);
	ts_clock_tick(&c, 700);
	assert_true(ts_clock_tick_frame(&c, 0, &at));
	assert_true(at == 700);
}

static void clock_loss_and_garbage(void **state)
{
	(void)state;
	ts_clock c;
	ts_clock_init(&c, RATE);
	ts_clock_start(&c, 0);
	double per = tick_frames(120);
	uint64_t f = 1000;
	for (int i = 0; i < 100; i++, f += (uint64_t)per)
		ts_clock_tick(&c, f);
	uint64_t last = f - (uint64_t)per;
	assert_true(ts_clock_locked(&c, last + (uint64_t)(2.5 * per)));
	/* Unlocked once 3 ticks are missing; the position never runs past the last tick + 1. */
	assert_false(ts_clock_locked(&c, last + (uint64_t)(3.6 * per)));
	/* Stale from 3.5 intervals: a tick then restarts the loops, as the first tick ever does. */
	assert_false(ts_clock_stale(&c, last + (uint64_t)(3.4 * per)));
	assert_true(ts_clock_stale(&c, last + (uint64_t)(3.6 * per)));
	for (uint64_t t = last; t < last + 60 * RATE; t += 997)
		assert_true(ts_clock_position(&c, t) <= 100.0 + 1e-9);
	assert_true(ts_clock_position(&c, last + 10 * RATE) >= 99.0);
	/* Ticks come back: counted on from there, locked again after a few. */
	f = last + 5 * RATE;
	for (int i = 0; i < 12; i++, f += (uint64_t)per)
		ts_clock_tick(&c, f);
	assert_true(ts_clock_locked(&c, f - (uint64_t)per));
	assert_true(fabs(ts_clock_position(&c, f - (uint64_t)per) - 111) < 0.01);
	/* Frames going backwards are ignored and counted. */
	ts_clock_status st;
	ts_clock_get_status(&c, f, &st);
	int64_t ticks = st.ticks;
	ts_clock_tick(&c, 5);
	ts_clock_tick(&c, f - 2 * (uint64_t)per);
	ts_clock_get_status(&c, f, &st);
	assert_int_equal(st.ticks, ticks);
	assert_int_equal(st.bad_frames, 2);
	assert_true(st.locked);
	assert_true(fabs(st.bpm - 120) < 0.5);
	/* One tick delayed by 10 ms (an xrun upstream) does not throw the grid off. */
	ts_clock_tick(&c, f + (uint64_t)(0.010 * RATE));
	f += (uint64_t)per;
	ts_clock_tick(&c, f);
	double pos = ts_clock_position(&c, f);
	assert_true(fabs(pos - (st.position + 1)) < 0.02);
}

static void feed_from_parser(void **state)
{
	(void)state;
	ts_clock c;
	ts_clock_init(&c, RATE);
	ts_midi_msg m = {.frame = 10, .size = 1, .bytes = {0xFA}};
	assert_true(ts_clock_feed(&c, &m));
	assert_true(ts_clock_running(&c));
	m = (ts_midi_msg){.frame = 20, .size = 3, .bytes = {0x90, 60, 100}};
	assert_false(ts_clock_feed(&c, &m));
	m = (ts_midi_msg){.frame = 30, .size = 1, .bytes = {0xFC}};
	assert_true(ts_clock_feed(&c, &m));
	m = (ts_midi_msg){.frame = 40, .size = 3, .bytes = {0xF2, 0x05, 0x01}, .value = 133};
	assert_true(ts_clock_feed(&c, &m));
	assert_true(ts_clock_position(&c, 50) == 133 * 6);
	m = (ts_midi_msg){.frame = 60, .size = 1, .bytes = {0xF8}};
	assert_true(ts_clock_feed(&c, &m));
	ts_clock_status st;
	ts_clock_get_status(&c, 60, &st);
	assert_int_equal(st.ticks, 1);
	assert_false(st.locked);
	assert_true(st.bpm == 0);
}

/* Ticks received but held back (a period longer than a tick) let the grid run past the last tick
 * fed, one tick further each, and no further. */
static void position_ahead(void **state)
{
	(void)state;
	static double truth[64];
	static uint64_t arrival[64];
	master(EXACT, 120, 1, 64, truth, arrival);
	ts_clock c;
	ts_clock_init(&c, RATE);
	ts_clock_start(&c, arrival[0]);
	for (int k = 0; k < 48; k++)
		ts_clock_tick(&c, arrival[k]);
	double per = tick_frames(120), f;
	uint64_t later = arrival[47] + (uint64_t)(2.5 * per);
	/* song tick of the last tick fed is 47 */
	assert_true(fabs(ts_clock_position(&c, later) - 48.0) < 1e-9);
	assert_true(fabs(ts_clock_position_ahead(&c, later, 1) - 49.0) < 1e-9);
	assert_true(fabs(ts_clock_position_ahead(&c, later, 2) - 49.5) < 0.01);
	assert_true(fabs(ts_clock_position_ahead(&c, later, -3) - 48.0) < 1e-9);
	assert_false(ts_clock_tick_frame(&c, 49, &f));
	assert_true(ts_clock_tick_frame_ahead(&c, 49, 1, &f));
	assert_true(fabs(f - truth[49]) < 1.0);
	assert_false(ts_clock_tick_frame_ahead(&c, 50, 1, &f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lock_steady_120),
		cmocka_unit_test(lock_steady_123_7),
		cmocka_unit_test(jittered_lock_within_24),
		cmocka_unit_test(jittered_lock_spread),
		cmocka_unit_test(jitter_is_filtered),
		cmocka_unit_test(wandering_master_followed),
		cmocka_unit_test(tempo_change_followed),
		cmocka_unit_test(transport_start_stop_continue_spp),
		cmocka_unit_test(clock_loss_and_garbage),
		cmocka_unit_test(feed_from_parser),
		cmocka_unit_test(position_ahead),
	};
	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
