/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline following an Ableton Link session (TS_TIMELINE_LINK), without a network: the
 * session is a synthetic beat line over the frames (piecewise, for tempo changes) with a playing
 * state, as the host would capture it each cycle. Step k of a pattern with a note on every step
 * must sound at the frame where the line reaches its beat (origin + (k-1)/4), within a frame:
 * alone from beat 0, joining a session that plays already (the next quantum boundary), after a
 * tempo change, with quantum 3, after the session stops and starts again; and MIDI clock on the
 * line (a tick every 1/24 beat).
 */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/timeline.h"

#define R 48000
#define N 256

static const char every_step[] = "trigseq 1\ntempo 120.0\nlength 16\ntrack 1\n  channel 1\n"
				 "  note C4\n  gate 0.5\n  steps xxxx xxxx xxxx xxxx\n";

typedef struct {
	uint64_t frame;
	uint8_t b[3];
} rec;

typedef struct {
	ts_timeline tl;
	ts_engine *eng;
	rec out[8192];
	int nout;
	uint64_t now;
	/* the session: beat(f) = beat_at + (f - frame_at) * bpf, piecewise from the last change */
	double beat_at, bpf;
	uint64_t frame_at;
	bool playing;
	double start_beat, quantum;
	uint32_t stop_off;
} sim;

static bool host_out(void *ctx, const ts_event *ev)
{
	sim *s = ctx;
	assert_true(ev->frame < N);
	if (ev->port == TS_PORT_VOICE)
		return false;
	assert_true(s->nout < 8192);
	s->out[s->nout++] = (rec){.frame = s->now + ev->frame, .b = {ev->bytes[0], ev->bytes[1],
								      ev->bytes[2]}};
	return true;
}

static void no_op(void *ctx)
{
	(void)ctx;
}

static double beat_at(const sim *s, double f)
{
	return s->beat_at + (f - (double)s->frame_at) * s->bpf;
}

static void sim_init(sim *s, double bpm, double quantum)
{
	memset(s, 0, sizeof(*s));
	ts_pattern pat;
	ts_diags d;
	assert_int_equal(ts_patfile_parse(every_step, strlen(every_step), &pat, NULL, &d), TS_OK);
	ts_engine_config ec = {.rate = R, .seed = 1, .send_clock = true};
	s->eng = ts_engine_new(&ec);
	assert_non_null(s->eng);
	assert_int_equal(ts_engine_load(s->eng, &pat), TS_OK);
	ts_timeline_config tc = {.source = TS_TIMELINE_LINK, .rate = R, .tempo10 = 1200};
	ts_timeline_init(&s->tl, &tc, s->eng);
	s->now = 1000000;
	s->frame_at = s->now;
	s->bpf = bpm / 60 / R;
	s->quantum = quantum;
}

/* A tempo change at frame f: the line goes on from where it is there. */
static void set_tempo(sim *s, uint64_t f, double bpm)
{
	s->beat_at = beat_at(s, (double)f);
	s->frame_at = f;
	s->bpf = bpm / 60 / R;
}

static void run(sim *s, int cycles)
{
	ts_timeline_host host = {.ctx = s, .out = host_out, .editor = no_op, .input = no_op};
	for (int c = 0; c < cycles; c++) {
		ts_timeline_input in = {.frame = s->now, .nframes = N, .start_req = true};
		in.link = (ts_timeline_link){.playing = s->playing, .beat = beat_at(s, (double)s->now),
					     .beats_per_frame = s->bpf, .start_beat = s->start_beat,
					     .quantum = s->quantum, .stop_off = s->stop_off};
		ts_timeline_cycle(&s->tl, &in, &host);
		s->now += N;
	}
}

/* Every note-on from index `from` on is at the frame where the line reaches origin + (k-1)/4
 * for k = 1, 2, ... (within a frame, the line's rounding); returns how many were checked. */
static int check_steps(const sim *s, int from, double origin)
{
	int k = 0;
	for (int i = from; i < s->nout; i++) {
		if ((s->out[i].b[0] & 0xF0) != 0x90 || s->out[i].b[2] == 0)
			continue;
		double want_beat = origin + k * 0.25;
		double err = beat_at(s, (double)s->out[i].frame) - want_beat;
		if (fabs(err / s->bpf) > 1.0)
			fail_msg("step %d: at beat %.6f, wanted %.6f (%.2f frames off)", k + 1,
				 beat_at(s, (double)s->out[i].frame), want_beat, err / s->bpf);
		k++;
	}
	return k;
}

static void sim_free(sim *s)
{
	ts_engine_free(s->eng);
}

/* Alone: the session starts at beat 0 a little ahead of now; step 1 falls there. */
static void alone_from_beat_0(void **state)
{
	(void)state;
	sim *s = calloc(1, sizeof(*s));
	sim_init(s, 120, 4);
	s->beat_at = -0.3; /* beat 0 is 0.15 s ahead */
	run(s, 4);
	assert_int_equal(s->nout, 0); /* not playing: nothing */
	s->playing = true;
	s->start_beat = 0;
	run(s, 1600);
	assert_true(check_steps(s, 0, 0) > 30);
	sim_free(s);
	free(s);
}

/* Joining a session that has played for a while: the next multiple of the quantum. */
static void join_at_next_boundary(void **state)
{
	(void)state;
	sim *s = calloc(1, sizeof(*s));
	sim_init(s, 133, 4);
	s->beat_at = 21.7;
	s->playing = true;
	s->start_beat = -8;
	run(s, 1600);
	assert_true(check_steps(s, 0, 24) > 30);
	sim_free(s);
	free(s);
}

/* Quantum 3: step 1 on a multiple of 3. */
static void quantum_3(void **state)
{
	(void)state;
	sim *s = calloc(1, sizeof(*s));
	sim_init(s, 100, 3);
	s->beat_at = 4.2;
	s->playing = true;
	s->start_beat = 0;
	run(s, 1600);
	assert_true(check_steps(s, 0, 6) > 20);
	sim_free(s);
	free(s);
}

/* A peer changes the tempo while playing: the steps follow the new slope from the next cycle on
 * (the change is at a cycle boundary here: the host captures the line once a cycle). */
static void tempo_change_followed(void **state)
{
	(void)state;
	sim *s = calloc(1, sizeof(*s));
	sim_init(s, 120, 4);
	s->beat_at = -0.1;
	s->playing = true;
	run(s, 150);
	set_tempo(s, s->now, 150);
	int before = s->nout;
	run(s, 300);
	assert_true(s->nout > before + 20);
	/* every note-on, before and after, on the piecewise line */
	int k = 0;
	for (int i = 0; i < s->nout; i++) {
		if ((s->out[i].b[0] & 0xF0) != 0x90 || !s->out[i].b[2])
			continue;
		double f = (double)s->out[i].frame;
		/* the line as it was when that frame played */
		double b = f < (double)s->frame_at
				   ? -0.1 + (f - 1000000.0) * (120.0 / 60 / R)
				   : beat_at(s, f);
		double per = f < (double)s->frame_at ? 120.0 / 60 / R : s->bpf;
		assert_true(fabs((b - k * 0.25) / per) <= 1.0);
		k++;
	}
	sim_free(s);
	free(s);
}

/* The session stops: note-offs at once, nothing after; it starts again: the next boundary from
 * where it started. MIDI clock: Start at step 1, a tick every 1/24 beat on the line. */
static void stop_and_start_again(void **state)
{
	(void)state;
	sim *s = calloc(1, sizeof(*s));
	sim_init(s, 120, 4);
	s->beat_at = -0.2;
	s->playing = true;
	run(s, 200);
	s->playing = false;
	int stop_at = s->nout;
	uint64_t stop_frame = s->now;
	run(s, 50);
	for (int i = stop_at; i < s->nout; i++)
		assert_true(s->out[i].b[0] != 0x90 && s->out[i].b[0] != 0xF8);
	assert_true(s->nout > stop_at); /* the note-offs and Stop */
	assert_int_equal(s->out[stop_at].frame, stop_frame);
	double b = beat_at(s, (double)s->now);
	s->playing = true;
	s->start_beat = b + 0.5; /* a peer starts half a beat ahead */
	int again = s->nout;
	run(s, 1600);
	double origin = ceil((b + 0.5) / 4) * 4;
	assert_true(check_steps(s, again, origin) > 20);
	/* clock ticks of the restart on the line, 1/24 beat apart */
	int k = 0;
	for (int i = again; i < s->nout; i++) {
		if (s->out[i].b[0] != 0xF8)
			continue;
		double err = beat_at(s, (double)s->out[i].frame) - (origin + k / 24.0);
		assert_true(fabs(err / s->bpf) <= 1.0);
		k++;
	}
	assert_true(k > 100);
	sim_free(s);
	free(s);
}

/* A peer stops the session inside a cycle: what comes before that frame plays, the note-offs
 * and Stop are at it. */
static void stop_inside_a_cycle(void **state)
{
	(void)state;
	sim *s = calloc(1, sizeof(*s));
	sim_init(s, 120, 4);
	s->beat_at = -0.05;
	s->playing = true;
	/* run until a cycle that holds a step's note-on after its offset 100 */
	double origin = 0;
	for (int c = 0; c < 2000; c++) {
		double b0 = beat_at(s, (double)s->now), b1 = beat_at(s, (double)(s->now + N));
		double next = origin + ceil((b0 - origin) * 4) / 4; /* the next step's beat */
		if (next > b0 && next < b1 && (next - b0) / s->bpf > 150 && c > 100)
			break;
		run(s, 1);
	}
	double b0 = beat_at(s, (double)s->now);
	uint32_t step_off = (uint32_t)((ceil(b0 * 4) / 4 - b0) / s->bpf);
	s->playing = false;
	s->stop_off = step_off - 50; /* just before that step */
	int from = s->nout;
	uint64_t cycle = s->now;
	run(s, 1);
	int fc = -1;
	for (int i = from; i < s->nout; i++) {
		assert_true(s->out[i].b[0] != 0x90 || s->out[i].b[2] == 0 ||
			    s->out[i].frame < cycle + s->stop_off);
		if (s->out[i].b[0] == 0xFC)
			fc = i;
	}
	assert_true(fc >= 0);
	assert_int_equal(s->out[fc].frame, cycle + s->stop_off);
	/* and a stop at its frame leaves the next step unplayed, then nothing */
	s->stop_off = 0;
	int after = s->nout;
	run(s, 100);
	assert_int_equal(s->nout, after);
	sim_free(s);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(alone_from_beat_0),
		cmocka_unit_test(join_at_next_boundary),
		cmocka_unit_test(quantum_3),
		cmocka_unit_test(tempo_change_followed),
		cmocka_unit_test(stop_and_start_again),
		cmocka_unit_test(stop_inside_a_cycle),
	};
	return cmocka_run_group_tests_name("timeline_link", tests, NULL, NULL);
}
