/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The MIDI monitor: the ring (order, wrap-around, drops, two threads) and every message kind's
 * text. */
#include "testutil.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "trigseq/core/monitor.h"

static ts_monitor_rec rec(uint64_t frame, uint8_t dir, uint8_t port, uint8_t size, uint8_t b0,
			  uint8_t b1, uint8_t b2)
{
	ts_monitor_rec r = {.frame = frame, .dir = dir, .port = port, .size = size,
			    .bytes = {b0, b1, b2}};
	return r;
}

static ts_monitor_rec seq_rec(uint64_t i)
{
	ts_monitor_rec r = rec(i, (uint8_t)(i & 1), (uint8_t)(i % 13), 3, (uint8_t)(0x90 | (i & 15)),
			       (uint8_t)(i >> 4 & 127), (uint8_t)(i >> 11 & 127));
	r.track = (uint8_t)(i >> 18);
	return r;
}

static void assert_seq_rec(const ts_monitor_rec *got, uint64_t i)
{
	ts_monitor_rec want = seq_rec(i);
	assert_int_equal(got->frame, i);
	assert_memory_equal(got, &want, sizeof(want));
}

/* ---- the ring ---- */

static void create_and_free(void **state)
{
	(void)state;
	assert_null(ts_monitor_new(0));
	assert_null(ts_monitor_new(TS_MONITOR_MAX_CAPACITY + 1));
	assert_null(ts_monitor_new(SIZE_MAX));
	ts_monitor_free(NULL);
	size_t caps[][2] = {{1, 1}, {2, 2}, {5, 8}, {4096, 4096}, {4097, 8192}};
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		ts_monitor *m = ts_monitor_new(caps[i][0]);
		assert_non_null(m);
		assert_int_equal(ts_monitor_capacity(m), caps[i][1]);
		assert_int_equal(ts_monitor_dropped(m), 0);
		ts_monitor_rec out[2];
		assert_int_equal(ts_monitor_pop(m, out, 2), 0);
		ts_monitor_free(m);
	}
}

/* Batches of every size in and out, over many laps: the order holds across the array's end. */
static void order_across_wrap(void **state)
{
	(void)state;
	ts_monitor *m = ts_monitor_new(8);
	assert_non_null(m);
	uint64_t next_in = 0, next_out = 0;
	ts_monitor_rec out[8];
	for (int lap = 0; lap < 200; lap++) {
		int in = 1 + lap % 8, want_out = 1 + (lap * 5) % 8;
		for (int k = 0; k < in && next_in - next_out < 8; k++) {
			ts_monitor_rec r = seq_rec(next_in++);
			assert_true(ts_monitor_push(m, &r));
		}
		size_t n = ts_monitor_pop(m, out, (size_t)want_out);
		size_t held = (size_t)(next_in - next_out);
		assert_int_equal(n, held < (size_t)want_out ? held : (size_t)want_out);
		for (size_t k = 0; k < n; k++)
			assert_seq_rec(&out[k], next_out++);
	}
	assert_int_equal(ts_monitor_pop(m, out, 8), next_in - next_out);
	assert_int_equal(ts_monitor_dropped(m), 0);
	ts_monitor_free(m);
}

/* A full ring keeps the oldest records and drops, and counts, the new ones. */
static void full_drops_newest(void **state)
{
	(void)state;
	ts_monitor *m = ts_monitor_new(4);
	assert_non_null(m);
	for (uint64_t i = 0; i < 4; i++) {
		ts_monitor_rec r = seq_rec(i);
		assert_true(ts_monitor_push(m, &r));
	}
	for (uint64_t i = 100; i < 103; i++) {
		ts_monitor_rec r = seq_rec(i);
		assert_false(ts_monitor_push(m, &r));
	}
	assert_int_equal(ts_monitor_dropped(m), 3);
	ts_monitor_rec out[4];
	assert_int_equal(ts_monitor_pop(m, out, 1), 1);
	assert_seq_rec(&out[0], 0);
	ts_monitor_rec r = seq_rec(4);
	assert_true(ts_monitor_push(m, &r));
	r = seq_rec(5);
	assert_false(ts_monitor_push(m, &r));
	assert_int_equal(ts_monitor_dropped(m), 4);
	assert_int_equal(ts_monitor_pop(m, out, 4), 4);
	for (uint64_t i = 0; i < 4; i++)
		assert_seq_rec(&out[i], i + 1);
	ts_monitor_free(m);
}

static void discard_empties(void **state)
{
	(void)state;
	ts_monitor *m = ts_monitor_new(8);
	assert_non_null(m);
	for (uint64_t i = 0; i < 6; i++) {
		ts_monitor_rec r = seq_rec(i);
		assert_true(ts_monitor_push(m, &r));
	}
	assert_int_equal(ts_monitor_discard(m), 6);
	assert_int_equal(ts_monitor_discard(m), 0);
	ts_monitor_rec out[8];
	assert_int_equal(ts_monitor_pop(m, out, 8), 0);
	for (uint64_t i = 6; i < 14; i++) {
		ts_monitor_rec r = seq_rec(i);
		assert_true(ts_monitor_push(m, &r));
	}
	assert_int_equal(ts_monitor_pop(m, out, 8), 8);
	for (uint64_t i = 0; i < 8; i++)
		assert_seq_rec(&out[i], i + 6);
	ts_monitor_free(m);
}

/* ---- two threads ---- */

#define THREAD_RECORDS 1000000u

typedef struct {
	ts_monitor *m;
	bool retry;              /* push again until it is taken (then nothing may be lost) */
	uint64_t refused;        /* pushes that returned false */
	atomic_bool done;
} producer_arg;

static void *producer(void *arg)
{
	producer_arg *p = arg;
	for (uint64_t i = 0; i < THREAD_RECORDS; i++) {
		ts_monitor_rec r = seq_rec(i);
		while (!ts_monitor_push(p->m, &r)) {
			p->refused++;
			if (!p->retry)
				break;
			sched_yield();
		}
	}
	atomic_store_explicit(&p->done, true, memory_order_release);
	return NULL;
}

/* Pops until the producer is done and the ring empty; every record arrives whole and in order.
 * Returns how many arrived. */
static uint64_t consume(ts_monitor *m, producer_arg *p, bool lossless)
{
	ts_monitor_rec out[61]; /* not a divisor of the capacity: batches straddle the wrap */
	uint64_t got = 0, next = 0;
	for (;;) {
		bool done = atomic_load_explicit(&p->done, memory_order_acquire);
		size_t n = ts_monitor_pop(m, out, sizeof(out) / sizeof(out[0]));
		for (size_t k = 0; k < n; k++) {
			if (lossless)
				assert_int_equal(out[k].frame, next);
			else
				assert_true(out[k].frame >= next);
			assert_seq_rec(&out[k], out[k].frame);
			next = out[k].frame + 1;
		}
		got += n;
		if (n == 0 && done)
			return got;
		if (n == 0)
			sched_yield();
	}
}

static void run_threads(bool retry)
{
	ts_monitor *m = ts_monitor_new(1024);
	assert_non_null(m);
	producer_arg p = {.m = m, .retry = retry};
	atomic_init(&p.done, false);
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, producer, &p), 0);
	uint64_t got = consume(m, &p, retry);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(ts_monitor_dropped(m), p.refused);
	if (retry)
		assert_int_equal(got, THREAD_RECORDS);
	else
		assert_int_equal(got + ts_monitor_dropped(m), THREAD_RECORDS);
	assert_true(got > 0);
	ts_monitor_free(m);
}

static void two_threads_lossless(void **state)
{
	(void)state;
	run_threads(true);
}

static void two_threads_dropping(void **state)
{
	(void)state;
	run_threads(false);
}

/* ---- decoding ---- */

static void msg_is(uint8_t size, uint8_t b0, uint8_t b1, uint8_t b2, const char *want)
{
	ts_monitor_rec r = rec(0, TS_MON_OUT, 0, size, b0, b1, b2);
	char buf[128];
	size_t n = ts_monitor_format_msg(&r, buf, sizeof(buf));
	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void channel_messages(void **state)
{
	(void)state;
	msg_is(3, 0x92, 39, 100, "ch 3 note-on  D#2 (39) vel 100");
	msg_is(3, 0x90, 60, 0, "ch 1 note-on  C4 (60) vel 0 (= off)");
	msg_is(3, 0x8F, 0, 64, "ch 16 note-off C-1 (0) vel 64");
	msg_is(3, 0x80, 127, 0, "ch 1 note-off G9 (127) vel 0");
	msg_is(3, 0xA1, 61, 33, "ch 2 poly-pressure C#4 (61) = 33");
	msg_is(3, 0xB0, 74, 64, "ch 1 cc 74 = 64");
	msg_is(3, 0xB0, 7, 100, "ch 1 cc 7 = 100 (volume)");
	msg_is(3, 0xB5, 123, 0, "ch 6 cc 123 = 0 (all notes off)");
	msg_is(3, 0xB0, 0, 1, "ch 1 cc 0 = 1 (bank select)");
	msg_is(3, 0xB0, 64, 127, "ch 1 cc 64 = 127 (sustain)");
	msg_is(2, 0xC9, 5, 0, "ch 10 program 5");
	msg_is(2, 0xC0, 0, 0, "ch 1 program 0");
	msg_is(2, 0xD3, 90, 0, "ch 4 pressure 90");
	msg_is(3, 0xE0, 0, 64, "ch 1 pitch-bend 8192 (+0)");
	msg_is(3, 0xE1, 0, 0, "ch 2 pitch-bend 0 (-8192)");
	msg_is(3, 0xE0, 127, 127, "ch 1 pitch-bend 16383 (+8191)");
}

static void system_messages(void **state)
{
	(void)state;
	msg_is(1, 0xF8, 0, 0, "tick");
	msg_is(1, 0xFA, 0, 0, "start");
	msg_is(1, 0xFB, 0, 0, "continue");
	msg_is(1, 0xFC, 0, 0, "stop");
	msg_is(1, 0xFE, 0, 0, "active sensing");
	msg_is(1, 0xFF, 0, 0, "reset");
	msg_is(1, 0xF6, 0, 0, "tune request");
	msg_is(3, 0xF2, 32, 0, "song position 16ths 32");
	msg_is(3, 0xF2, 0x7F, 0x7F, "song position 16ths 16383");
	msg_is(2, 0xF3, 4, 0, "song select 4");
	msg_is(2, 0xF1, 0x35, 0, "mtc quarter-frame 3 value 5");

	ts_monitor_rec r = {0};
	char buf[64];
	ts_monitor_sysex_rec(&r, 12);
	ts_monitor_format_msg(&r, buf, sizeof(buf));
	assert_string_equal(buf, "sysex 12 bytes");
	ts_monitor_sysex_rec(&r, 300);
	ts_monitor_format_msg(&r, buf, sizeof(buf));
	assert_string_equal(buf, "sysex 300 bytes");
	ts_monitor_sysex_rec(&r, 70000);
	ts_monitor_format_msg(&r, buf, sizeof(buf));
	assert_string_equal(buf, "sysex 65535+ bytes");
}

/* What is not a message comes out as its bytes, never as a wrong decoding. */
static void malformed(void **state)
{
	(void)state;
	msg_is(2, 0x92, 39, 0, "bytes 92 27");       /* a note-on without velocity */
	msg_is(3, 0x92, 0x80, 1, "bytes 92 80 01");  /* a status byte as data */
	msg_is(2, 0x12, 0x34, 0, "bytes 12 34");     /* no status */
	msg_is(1, 0xF4, 0, 0, "bytes F4");           /* undefined */
	msg_is(2, 0xF8, 1, 0, "bytes F8 01");        /* a tick with data */
	msg_is(0, 0x90, 0, 0, "bytes (size 0)");
	msg_is(7, 0x90, 1, 2, "bytes 90 01 02 (size 7)");
}

static void whole_line(void **state)
{
	(void)state;
	const char *names[] = {"midi_out", "rytm"};
	char buf[128];
	uint32_t rate = 48000;
	uint64_t origin = 1000000;

	ts_monitor_rec r = rec(origin + 59232, TS_MON_OUT, 0, 3, 0x92, 39, 100); /* 1.234 s */
	r.track = 2;
	size_t n = ts_monitor_format(&r, names, 2, rate, origin, buf, sizeof(buf));
	assert_string_equal(buf, "  1.234 s out midi_out  ch 3 note-on  D#2 (39) vel 100  track 2");
	assert_int_equal(n, strlen(buf));

	r = rec(origin + 24000, TS_MON_IN, TS_MON_PORT_CLOCK_IN, 1, 0xFA, 0, 0);
	ts_monitor_format(&r, names, 2, rate, origin, buf, sizeof(buf));
	assert_string_equal(buf, "  0.500 s in  clock_in  start");

	r = rec(origin + 24959, TS_MON_OUT, TS_MON_PORT_CLOCK_OUT, 1, 0xF8, 0, 0); /* 0.51998 s */
	ts_monitor_format(&r, names, 2, rate, origin, buf, sizeof(buf));
	assert_string_equal(buf, "  0.519 s out clock_out tick");

	r = rec(origin + 1234 * (uint64_t)rate, TS_MON_IN, TS_MON_PORT_MIDI_IN, 2, 0xC9, 5, 0);
	ts_monitor_format(&r, names, 2, rate, origin, buf, sizeof(buf));
	assert_string_equal(buf, "1234.000 s in  midi_in   ch 10 program 5");

	r = rec(origin - 480, TS_MON_OUT, 1, 3, 0xB0, 74, 64);
	r.track = 12;
	ts_monitor_format(&r, names, 2, rate, origin, buf, sizeof(buf));
	assert_string_equal(buf, " -0.010 s out rytm      ch 1 cc 74 = 64  track 12");

	/* A port beyond the names given, no names at all, no rate, an odd direction. */
	r = rec(origin, 7, 5, 1, 0xFC, 0, 0);
	ts_monitor_format(&r, names, 2, rate, origin, buf, sizeof(buf));
	assert_string_equal(buf, "  0.000 s ?   port 5    stop");
	r = rec(origin, TS_MON_OUT, 0, 1, 0xFC, 0, 0);
	ts_monitor_format(&r, NULL, 0, 0, origin, buf, sizeof(buf));
	assert_string_equal(buf, "      ? s out port 0    stop");
}

/* A short buffer gets the beginning of the line, terminated; the length says what was written. */
static void cut_to_fit(void **state)
{
	(void)state;
	const char *names[] = {"midi_out"};
	ts_monitor_rec r = rec(48000, TS_MON_OUT, 0, 3, 0x92, 39, 100);
	char full[128], buf[128];
	size_t whole = ts_monitor_format(&r, names, 1, 48000, 0, full, sizeof(full));
	for (size_t size = 0; size <= whole + 1; size++) {
		memset(buf, 'x', sizeof(buf));
		size_t n = ts_monitor_format(&r, names, 1, 48000, 0, buf, size);
		size_t want = size == 0 ? 0 : size - 1 < whole ? size - 1 : whole;
		assert_int_equal(n, want);
		if (size > 0) {
			assert_int_equal(buf[n], '\0');
			assert_memory_equal(buf, full, n);
		}
		assert_int_equal(buf[size], 'x');
		n = ts_monitor_format_msg(&r, buf, size);
		assert_true(size == 0 ? n == 0 : n < size);
	}
}

static void helpers(void **state)
{
	(void)state;
	ts_monitor_rec tick = rec(0, TS_MON_OUT, TS_MON_PORT_CLOCK_OUT, 1, 0xF8, 0, 0);
	ts_monitor_rec sense = rec(0, TS_MON_IN, TS_MON_PORT_MIDI_IN, 1, 0xFE, 0, 0);
	ts_monitor_rec note = rec(0, TS_MON_OUT, 0, 3, 0x95, 60, 1);
	ts_monitor_rec start = rec(0, TS_MON_OUT, TS_MON_PORT_CLOCK_OUT, 1, 0xFA, 0, 0);
	ts_monitor_rec junk = rec(0, TS_MON_IN, TS_MON_PORT_MIDI_IN, 1, 0x40, 0, 0);
	ts_monitor_rec empty = rec(0, TS_MON_IN, TS_MON_PORT_MIDI_IN, 0, 0xF8, 0, 0);
	assert_true(ts_monitor_is_tick(&tick));
	assert_false(ts_monitor_is_active_sensing(&tick));
	assert_true(ts_monitor_is_active_sensing(&sense));
	assert_false(ts_monitor_is_tick(&sense));
	assert_false(ts_monitor_is_tick(&note) || ts_monitor_is_active_sensing(&note));
	assert_false(ts_monitor_is_tick(&start) || ts_monitor_is_active_sensing(&start));
	assert_false(ts_monitor_is_tick(&empty));
	assert_int_equal(ts_monitor_kind(&note), 0x90);
	assert_int_equal(ts_monitor_kind(&start), 0xFA);
	assert_int_equal(ts_monitor_kind(&junk), 0);

	assert_int_equal(ts_monitor_extend_frame(0x100000010ull, 0x20), 0x100000020ull);
	assert_int_equal(ts_monitor_extend_frame(0x100000010ull, 0x8), 0x100000008ull);
	/* across the 32-bit wrap, both ways */
	assert_int_equal(ts_monitor_extend_frame(0x1FFFFFFF0ull, 0x10), 0x200000010ull);
	assert_int_equal(ts_monitor_extend_frame(0x200000010ull, 0xFFFFFFF0u), 0x1FFFFFFF0ull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_and_free),
		cmocka_unit_test(order_across_wrap),
		cmocka_unit_test(full_drops_newest),
		cmocka_unit_test(discard_empties),
		cmocka_unit_test(two_threads_lossless),
		cmocka_unit_test(two_threads_dropping),
		cmocka_unit_test(channel_messages),
		cmocka_unit_test(system_messages),
		cmocka_unit_test(malformed),
		cmocka_unit_test(whole_line),
		cmocka_unit_test(cut_to_fit),
		cmocka_unit_test(helpers),
	};
	return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
