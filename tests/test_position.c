/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the song is at a frame, for recording from a keyboard: ts_engine_frame_position,
 * ts_engine_track_near (the nearest step and the micro timing in 24ths, the Rytm's live-record
 * rule) and ts_timeline_position_at for our own tempo and a JACK transport. No JACK server.
 */
#include "testutil.h"

#include <string.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/timeline.h"

#define R 48000
#define S1 TS_UNITS_PER_STEP
#define U24 (TS_UNITS_PER_STEP / 24)

/* 120 BPM: a 1x step is 6000 frames. Track 2 runs at 2x with 8 steps (advanced mode). */
static const char text[] = "trigseq 1\ntempo 120.0\nmode advanced\nlength 16\n"
			   "track 1\n  steps x... x... x... x...\n"
			   "track 2\n  length 8\n  speed 2x\n  steps x... ....\n";

static ts_engine *engine(void)
{
	ts_pattern pat;
	ts_diags d;
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &d), TS_OK);
	ts_engine_config ec = {.rate = R, .seed = 1};
	ts_engine *eng = ts_engine_new(&ec);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	return eng;
}

static void ignore(void *ctx, const ts_event *ev)
{
	(void)ctx;
	(void)ev;
}

static ts_track_near near(const ts_engine *eng, int t, int64_t pos)
{
	ts_track_near n;
	assert_true(ts_engine_track_near(eng, t, pos, &n));
	return n;
}

static void nearest_step_and_micro(void **state)
{
	(void)state;
	ts_engine *eng = engine();
	ts_track_near n;
	assert_false(ts_engine_track_near(eng, 0, 0, &n)); /* before play */
	ts_engine_start(eng);
	ts_engine_run(eng, 256, ignore, NULL);
	/* on the step, 5/24 late, exactly half a step late, just over half: the next step early */
	n = near(eng, 0, 3 * S1);
	assert_int_equal(n.step, 3);
	assert_int_equal(n.micro, 0);
	n = near(eng, 0, 3 * S1 + 5 * U24);
	assert_int_equal(n.step, 3);
	assert_int_equal(n.micro, 5);
	n = near(eng, 0, 3 * S1 + 12 * U24);
	assert_int_equal(n.step, 3);
	assert_int_equal(n.micro, 12);
	n = near(eng, 0, 3 * S1 + 13 * U24);
	assert_int_equal(n.step, 4);
	assert_int_equal(n.micro, -11);
	/* to the nearest 24th: 0.4 of one rounds down, 0.6 up */
	n = near(eng, 0, 3 * S1 + 2 * U24 + U24 * 2 / 5);
	assert_int_equal(n.micro, 2);
	n = near(eng, 0, 3 * S1 + 2 * U24 + U24 * 3 / 5);
	assert_int_equal(n.micro, 3);
	/* just before the bar line: step 1 of the next loop, early; time keeps counting */
	n = near(eng, 0, 15 * S1 + 20 * U24);
	assert_int_equal(n.step, 0);
	assert_int_equal(n.micro, -4);
	assert_int_equal(n.time, 15 * TS_PHASE_STEP + 20 * TS_PHASE_STEP / 24);
	n = near(eng, 0, 17 * S1);
	assert_int_equal(n.step, 1);
	assert_int_equal(n.time, 17 * TS_PHASE_STEP);
	/* track 2: 2x, 8 steps: half a 1x step is its step */
	n = near(eng, 1, 3 * S1);
	assert_int_equal(n.step, 6);
	assert_int_equal(n.micro, 0);
	assert_int_equal(n.time, 6 * TS_PHASE_STEP);
	n = near(eng, 1, 4 * S1 + S1 / 4);
	assert_int_equal(n.step, 0); /* its step 9 is step 1 again, half a step late */
	assert_int_equal(n.micro, 12);
	ts_engine_free(eng);
}

static void frame_positions(void **state)
{
	(void)state;
	ts_engine *eng = engine();
	ts_engine_start(eng);
	ts_engine_run(eng, 20000, ignore, NULL);
	assert_int_equal(ts_engine_frames(eng), 20000);
	/* 120 BPM at 48 kHz: 4.8 U a frame */
	assert_int_equal(ts_engine_frame_position(eng, 0), 0);
	assert_int_equal(ts_engine_frame_position(eng, 6000), S1);
	assert_int_equal(ts_engine_frame_position(eng, 6001), S1 + 4);
	assert_int_equal(ts_engine_frame_position(eng, 19999), 19999 * 48 / 10);
	/* at 150 BPM from frame 20000 on: 6 U a frame */
	assert_int_equal(ts_engine_set_tempo(eng, 1500), TS_OK);
	ts_engine_run(eng, 10000, ignore, NULL);
	int64_t p0 = ts_engine_frame_position(eng, 20000);
	assert_int_equal(ts_engine_frame_position(eng, 29000) - p0, 9000 * 6);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.time[0], ts_engine_frame_position(eng, 29999) * TS_PHASE_STEP / S1);
	ts_engine_free(eng);
}

static bool out_none(void *ctx, const ts_event *ev)
{
	(void)ctx;
	(void)ev;
	return true;
}

static void no_op(void *ctx)
{
	(void)ctx;
}

/* Our own tempo: a frame of the last cycle has the engine's position there; frames outside it,
 * or before play, have none. */
static void timeline_internal(void **state)
{
	(void)state;
	ts_engine *eng = engine();
	ts_timeline tl;
	ts_timeline_config tc = {.source = TS_TIMELINE_INTERNAL, .rate = R, .tempo10 = 1200,
				 .interactive = true};
	ts_timeline_init(&tl, &tc, eng);
	ts_timeline_host host = {.out = out_none, .editor = no_op, .input = no_op};
	ts_timeline_input in = {.frame = 5000, .nframes = 256};
	int64_t pos;
	ts_timeline_cycle(&tl, &in, &host);
	assert_false(ts_timeline_position_at(&tl, 5100, &pos)); /* stopped */
	in = (ts_timeline_input){.frame = 5256, .nframes = 256, .command = TS_TIMELINE_PLAY};
	ts_timeline_cycle(&tl, &in, &host);
	assert_true(ts_timeline_position_at(&tl, 5256, &pos));
	assert_int_equal(pos, 0);
	assert_true(ts_timeline_position_at(&tl, 5256 + 100, &pos));
	assert_int_equal(pos, 480);
	assert_false(ts_timeline_position_at(&tl, 5256 + 256, &pos)); /* not this cycle */
	for (uint64_t f = 5512; f < 5512 + 256 * 40; f += 256) {
		in = (ts_timeline_input){.frame = f, .nframes = 256};
		ts_timeline_cycle(&tl, &in, &host);
	}
	uint64_t last = 5512 + 256 * 39;
	assert_true(ts_timeline_position_at(&tl, last + 10, &pos));
	assert_int_equal(pos, (int64_t)(last + 10 - 5256) * 48 / 10);
	ts_engine_free(eng);
}

/* JACK transport without BBT: the position is the transport frame at our tempo. */
static void timeline_transport(void **state)
{
	(void)state;
	ts_engine *eng = engine();
	ts_timeline tl;
	ts_timeline_config tc = {.source = TS_TIMELINE_JACK, .rate = R, .tempo10 = 1200};
	ts_timeline_init(&tl, &tc, eng);
	ts_timeline_host host = {.out = out_none, .editor = no_op, .input = no_op};
	int64_t pos;
	for (uint32_t k = 0; k < 20; k++) {
		ts_timeline_input in = {.frame = 1000 + k * 512, .nframes = 512, .start_req = true};
		in.transport = (ts_timeline_transport){.state = TS_TRANSPORT_ROLLING,
						       .frame = 48000 + k * 512};
		ts_timeline_cycle(&tl, &in, &host);
	}
	uint64_t f = 1000 + 19 * 512 + 300;
	assert_true(ts_timeline_position_at(&tl, f, &pos));
	assert_int_equal(pos, (int64_t)((48000 + 19 * 512 + 300) * 48 / 10));
	ts_engine_free(eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nearest_step_and_micro),
		cmocka_unit_test(frame_positions),
		cmocka_unit_test(timeline_internal),
		cmocka_unit_test(timeline_transport),
	};
	return cmocka_run_group_tests_name("position", tests, NULL, NULL);
}
