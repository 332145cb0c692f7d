/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline (timeline.h) without a JACK server: synthetic masters (a MIDI clock with cable
 * jitter, tempo ramps, Start/Stop/Continue, SPP, clock loss, garbage; a JACK transport as plain
 * data, with and without BBT) drive it cycle by cycle, and the notes it writes are measured
 * against the master's true grid with the limits of the JACK tests (tests/slave/analyse.py:
 * every step once, the right one, within 3 ms of its true tick; a steady master's jitter filtered
 * to a tenth of a naive follower's), or compared frame for frame with the engine's own output
 * where the timeline is our own tempo.
 *
 * The pattern is tests/slave/every-step.tsq: a note-on on every step, pitch 59 + step.
 */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/timeline.h"

#define R 48000
#define T0 1000000u /* the host's frame count at the first cycle */

static const char every_step[] =
	"trigseq 1\nname \"Numbered steps\"\ntempo 120.0\nlength 16\n"
	"track 1 \"STEPS\"\n  channel 1\n  note C4\n  gate 0.5\n  steps xxxx xxxx xxxx xxxx\n"
	"  step 2 note C#4\n  step 3 note D4\n  step 4 note D#4\n  step 5 note E4\n"
	"  step 6 note F4\n  step 7 note F#4\n  step 8 note G4\n  step 9 note G#4\n"
	"  step 10 note A4\n  step 11 note A#4\n  step 12 note B4\n  step 13 note C5\n"
	"  step 14 note C#5\n  step 15 note D5\n  step 16 note D#5\n";

/* A second pattern for chains: every step plays note 90. */
static const char other[] = "trigseq 1\nname \"Other\"\ntempo 120.0\nlength 16\n"
			    "track 1 \"O\"\n  channel 1\n  note F#6\n  gate 0.5\n"
			    "  steps xxxx xxxx xxxx xxxx\n";

static void parse(const char *text, ts_pattern *pat)
{
	ts_diags d;
	assert_int_equal(ts_patfile_parse(text, strlen(text), pat, NULL, &d), TS_OK);
}

/* ---- the master: messages on the clock input, and the true frame of every tick ---- */

typedef struct {
	ts_midi_msg *m;
	size_t n, cap;
	double *truef;  /* each tick sent: its frame on the master's grid ... */
	int64_t *song;  /* ... and the song tick it stands for */
	size_t nt, tcap;
	uint64_t rng;
} master;

static double uniform(master *ma) /* [0, 1) */
{
	ma->rng ^= ma->rng << 13;
	ma->rng ^= ma->rng >> 7;
	ma->rng ^= ma->rng << 17;
	return (double)(ma->rng >> 11) / 9007199254740992.0;
}

static void send(master *ma, uint64_t frame, uint8_t b0, uint8_t b1, uint8_t b2, uint16_t value)
{
	if (ma->n == ma->cap) {
		ma->cap = ma->cap ? 2 * ma->cap : 4096;
		ma->m = realloc(ma->m, ma->cap * sizeof(*ma->m));
		assert_non_null(ma->m);
	}
	ma->m[ma->n++] = (ts_midi_msg){.frame = frame, .value = value, .size = 1,
				       .bytes = {b0, b1, b2}};
}

/* A tick on the grid at `truef`, sent `late` frames after it. */
static void tick(master *ma, double truef, double late, int64_t song)
{
	send(ma, (uint64_t)floor(truef + late), 0xF8, 0, 0, 0);
	if (ma->nt == ma->tcap) {
		ma->tcap = ma->tcap ? 2 * ma->tcap : 4096;
		ma->truef = realloc(ma->truef, ma->tcap * sizeof(double));
		ma->song = realloc(ma->song, ma->tcap * sizeof(int64_t));
		assert_true(ma->truef && ma->song);
	}
	ma->truef[ma->nt] = truef;
	ma->song[ma->nt++] = song;
}

static void master_free(master *ma)
{
	free(ma->m);
	free(ma->truef);
	free(ma->song);
}

/* Ticks k0 … k1-1 of a steady grid (tick 0 at `start`, `per` frames apart), each late by a
 * uniform lo … hi ms, standing for song ticks from song0. */
static void grid(master *ma, double start, double per, int k0, int k1, double lo_ms, double hi_ms,
		 int64_t song0)
{
	for (int k = k0; k < k1; k++) {
		double late = (lo_ms + (hi_ms - lo_ms) * uniform(ma)) * R / 1000;
		tick(ma, start + k * per, late, song0 + (k - k0));
	}
}

/* ---- the host ---- */

typedef struct {
	uint64_t frame;
	uint8_t port, b[3];
} out_rec;

typedef struct {
	ts_timeline tl;
	ts_engine *eng;
	const master *ma;
	size_t next;           /* the master's next message */
	out_rec *out;
	size_t nout, cap;
	uint64_t now;
	uint32_t nframes;
	uint32_t last[256];    /* per port: offset of the last event this cycle */
	int editor_calls;
	ts_timeline_input in;  /* the next cycle's input (frame and nframes set by step()) */
	ts_timeline_host host;
} sim;

static bool host_out(void *ctx, const ts_event *ev)
{
	sim *s = ctx;
	assert_true(ev->frame < s->nframes);
	if (ev->port == TS_PORT_VOICE)
		return false;
	/* JACK wants every port's events in frame order */
	assert_true(ev->frame >= s->last[ev->port]);
	s->last[ev->port] = ev->frame;
	if (s->nout == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 4096;
		s->out = realloc(s->out, s->cap * sizeof(*s->out));
		assert_non_null(s->out);
	}
	s->out[s->nout++] = (out_rec){.frame = s->now + ev->frame, .port = ev->port,
				      .b = {ev->bytes[0], ev->bytes[1], ev->bytes[2]}};
	return true;
}

/* The engine's own output, for comparison. */
static void ref_out(void *ctx, const ts_event *ev)
{
	host_out(ctx, ev);
}

/* Stop (FC) half a tick after the master's last tick: no step is due on a tick that never
 * comes (jitter_clock does the same). */
static void stop_after_last(master *ma, double per)
{
	send(ma, (uint64_t)(ma->truef[ma->nt - 1] + per / 2), 0xFC, 0, 0, 0);
}

static void host_editor(void *ctx)
{
	((sim *)ctx)->editor_calls++;
}

/* The master's messages of this cycle, on the clock input. */
static void host_input(void *ctx)
{
	sim *s = ctx;
	while (s->ma && s->next < s->ma->n && s->ma->m[s->next].frame < s->now + s->nframes) {
		const ts_midi_msg *m = &s->ma->m[s->next++];
		assert_true(m->frame >= s->now);
		ts_timeline_midi(&s->tl, true, m);
	}
}

static ts_engine *engine(const char *const *texts, int n)
{
	ts_pattern pats[2];
	for (int i = 0; i < n; i++)
		parse(texts[i], &pats[i]);
	ts_engine_config ec = {.rate = R, .seed = 1, .send_clock = true, .chain_max = n};
	ts_engine *eng = ts_engine_new(&ec);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, pats, n), TS_OK);
	return eng;
}

static void sim_init(sim *s, ts_timeline_source source, bool interactive, bool cws,
		     uint8_t program_receive, int npat)
{
	static const char *const texts[] = {every_step, other};
	memset(s, 0, sizeof(*s));
	s->eng = engine(texts, npat);
	ts_timeline_config tc = {.source = source, .rate = R, .tempo10 = 1200,
				 .interactive = interactive, .clock_while_stopped = cws,
				 .program_receive = program_receive};
	ts_timeline_init(&s->tl, &tc, s->eng);
	s->host = (ts_timeline_host){.ctx = s, .out = host_out, .editor = host_editor,
				     .input = host_input};
	s->now = T0;
}

static void sim_free(sim *s)
{
	ts_engine_status es;
	ts_engine_get_status(s->eng, &es);
	assert_int_equal(es.lost_events, 0);
	ts_engine_free(s->eng);
	free(s->out);
}

/* One cycle of `nframes` with s->in as it is; the command is cleared once taken. */
static void step(sim *s, uint32_t nframes)
{
	s->nframes = nframes;
	s->in.frame = s->now;
	s->in.nframes = nframes;
	memset(s->last, 0, sizeof(s->last));
	ts_timeline_cycle(&s->tl, &s->in, &s->host);
	if (ts_timeline_get_status(&s->tl)->command_taken)
		s->in.command = 0;
	s->now += nframes;
}

static void run_until(sim *s, uint64_t frame, uint32_t nframes)
{
	while (s->now < frame)
		step(s, nframes);
}

/* ---- what came out ---- */

typedef struct {
	uint64_t frame;
	int pitch;
} note;

/* Note-ons (0x90, pitch, 100) on port 0. */
static size_t note_ons(const sim *s, note *v, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nout && n < max; i++)
		if (s->out[i].port == 0 && s->out[i].b[0] == 0x90 && s->out[i].b[2] == 100)
			v[n++] = (note){s->out[i].frame, s->out[i].b[1]};
	return n;
}

/* Whether every note switched on has been switched off by `frame` (inclusive). */
static bool silent_at(const sim *s, uint64_t frame)
{
	int sounding[128] = {0};
	for (size_t i = 0; i < s->nout && s->out[i].frame <= frame; i++)
		if (s->out[i].port == 0 && (s->out[i].b[0] & 0xE0) == 0x80)
			sounding[s->out[i].b[1]] += s->out[i].b[0] == 0x90 ? 1 : -1;
	for (int p = 0; p < 128; p++)
		if (sounding[p] != 0)
			return false;
	return true;
}

typedef struct {
	size_t steps;
	double max_ms;      /* largest |step - its true tick| */
	double min_ms;      /* most negative step - true tick (early) */
	double rms_ours, rms_naive, mean_ours;
	double drift_ms;    /* mean error of the last 100 steps - of the 100 after skip_s */
} figures;

static double rms_of(const double *x, size_t n, double *mean)
{
	double m = 0, v = 0;
	for (size_t i = 0; i < n; i++)
		m += x[i] / (double)n;
	for (size_t i = 0; i < n; i++)
		v += (x[i] - m) * (x[i] - m);
	return *mean = m, sqrt(v / (double)n);
}

/* Note-ons against the master's ticks that carry a step (song tick a multiple of 6), in order:
 * exactly one per step, the right pitch, within tol_ms. The jitter figures count the steps whose
 * true tick is skip_s after the first tick. */
static figures measure(const sim *s, const master *ma, double tol_ms, double skip_s)
{
	note *ons = calloc(ma->nt + 16, sizeof(note));
	double *ours = calloc(ma->nt + 16, sizeof(double));
	double *naive = calloc(ma->nt + 16, sizeof(double));
	assert_true(ons && ours && naive);
	size_t n = note_ons(s, ons, ma->nt + 16), k = 0, nj = 0;
	figures f = {.min_ms = 1e9};
	size_t sent = 0; /* the master's message of the t-th tick */
	for (size_t t = 0; t < ma->nt; t++) {
		while (ma->m[sent].bytes[0] != 0xF8 || ma->m[sent].bytes[1] == 1)
			sent++;
		uint64_t sent_frame = ma->m[sent++].frame;
		if (ma->song[t] % 6 != 0)
			continue;
		if (k >= n)
			fail_msg("%zu note-ons for more steps (song tick %lld)", n, (long long)ma->song[t]);
		int want = 60 + (int)(ma->song[t] / 6 % 16);
		if (ons[k].pitch != want)
			fail_msg("step of song tick %lld played pitch %d, not %d", (long long)ma->song[t],
				 ons[k].pitch, want);
		double err = ((double)ons[k].frame - ma->truef[t]) * 1000.0 / R;
		if (fabs(err) > tol_ms)
			fail_msg("step of song tick %lld at %+.3f ms from its tick (limit %.1f)",
				 (long long)ma->song[t], err, tol_ms);
		f.max_ms = fmax(f.max_ms, fabs(err));
		f.min_ms = fmin(f.min_ms, err);
		if (ma->truef[t] - ma->truef[0] >= skip_s * R) {
			ours[nj] = err;
			naive[nj++] = ((double)sent_frame - ma->truef[t]) * 1000.0 / R;
		}
		k++;
	}
	if (k != n)
		fail_msg("%zu note-ons for %zu steps (a step doubled)", n, k);
	f.steps = k;
	if (nj >= 200) {
		double mn;
		f.rms_ours = rms_of(ours, nj, &f.mean_ours);
		f.rms_naive = rms_of(naive, nj, &mn);
		double a = 0, b = 0;
		for (size_t i = 0; i < 100; i++) {
			a += ours[i];
			b += ours[nj - 100 + i];
		}
		f.drift_ms = (b - a) / 100;
	}
	free(ons), free(ours), free(naive);
	return f;
}

/* A MIDI clock follower listening from the first cycle, fed `ma` until `end`. */
static void follow(sim *s, const master *ma, uint64_t end, uint32_t nframes)
{
	s->ma = ma;
	s->in.start_req = true;
	run_until(s, end, nframes);
}

/* ---- the MIDI clock follower ---- */

/* Tests 1 and 9 of tests/slave/run-all.sh: a steady 120 BPM master, every tick 0-2 ms late (as
 * over a cable), 60 s, with 256- and 2048-frame periods. */
static void steady_jitter(void **state)
{
	(void)state;
	static const uint32_t periods[] = {256, 2048};
	for (int p = 0; p < 2; p++) {
		master ma = {.rng = 11};
		double per = R * 60.0 / (120 * 24), start = T0 + 5000;
		send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
		grid(&ma, start, per, 0, 2880, 0, 2, 0);
		stop_after_last(&ma, per);
		sim s;
		sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
		follow(&s, &ma, (uint64_t)(start + 2881 * per), periods[p]);
		figures f = measure(&s, &ma, 3.0, 10);
		double ratio = f.rms_ours / f.rms_naive;
		print_message("period %u: %zu steps, RMS %.3f ms vs naive %.3f ms (ratio %.3f), mean %+.3f "
			      "ms, max |error| %.3f ms, earliest %+.3f ms, drift %+.4f ms\n", periods[p],
			      f.steps, f.rms_ours, f.rms_naive, ratio, f.mean_ours, f.max_ms, f.min_ms,
			      f.drift_ms);
		assert_int_equal(f.steps, 480);
		assert_true(ratio <= 0.1);
		/* late ticks only: the filtered grid is never ahead of the true one by more than
		 * its own ripple, and does not drift over the minute */
		assert_true(f.min_ms > -0.5);
		assert_true(fabs(f.drift_ms) < 0.1);
		/* Start: step 1 on the first tick's own frame (nothing to predict it from) */
		note first;
		assert_int_equal(note_ons(&s, &first, 1), 1);
		assert_int_equal(first.frame, ma.m[1].frame);
		const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
		assert_true(st->started);
		assert_int_equal(st->start_frame, (uint32_t)ma.m[1].frame);
		assert_int_equal(st->starts, 1);
		assert_int_equal(st->clock_ticks, 2880);
		assert_true(fabs(st->clock_mbpm - 120000.0) < 100);
		sim_free(&s), master_free(&ma);
	}
}

/* USB-like jitter: each tick up to 1 ms early or late, and ten minutes of it: no drift. */
static void usb_jitter_ten_minutes(void **state)
{
	(void)state;
	master ma = {.rng = 42};
	double per = R * 60.0 / (123.7 * 24), start = T0 + 3000 + 48; /* tick 0 is >= T0 */
	send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
	grid(&ma, start + 48, per, 0, 24 * 1237, -1, 1, 0); /* 10 minutes at 123.7 BPM */
	stop_after_last(&ma, per);
	sim s;
	sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
	follow(&s, &ma, (uint64_t)(start + 48 + 24 * 1237 * per + per), 256);
	figures f = measure(&s, &ma, 3.0, 10);
	print_message("%zu steps, RMS %.3f ms vs naive %.3f ms (ratio %.3f), mean %+.3f ms, max "
		      "|error| %.3f ms, drift over 10 min %+.4f ms\n",
		      f.steps, f.rms_ours, f.rms_naive, f.rms_ours / f.rms_naive, f.mean_ours,
		      f.max_ms, f.drift_ms);
	assert_int_equal(f.steps, 24 * 1237 / 6);
	assert_true(f.rms_ours / f.rms_naive <= 0.1);
	assert_true(fabs(f.mean_ours) < 0.1);
	assert_true(fabs(f.drift_ms) < 0.1);
	sim_free(&s), master_free(&ma);
}

/* A master whose tempo ramps from 100 to 140 BPM over 1000 ticks, then one whose every interval
 * is +-5% off (jack_midi_clock -J 5, test 2: within 5 ms). */
static void tempo_ramp_and_wander(void **state)
{
	(void)state;
	for (int wander = 0; wander < 2; wander++) {
		master ma = {.rng = 7};
		double t = T0 + 2000;
		send(&ma, (uint64_t)t, 0xFA, 0, 0, 0);
		for (int k = 0; k < 1200; k++) {
			tick(&ma, t, 0, k);
			double bpm = wander ? 120 : 100 + 40.0 * (k < 1000 ? k : 1000) / 1000;
			double per = R * 60.0 / (bpm * 24);
			t += wander ? per * (1 + 0.05 * (2 * uniform(&ma) - 1)) : per;
		}
		stop_after_last(&ma, R * 60.0 / (140 * 24));
		sim s;
		sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
		follow(&s, &ma, (uint64_t)t + 2000, 256);
		figures f = measure(&s, &ma, wander ? 5.0 : 3.0, 0);
		print_message("%s: %zu steps, max |step - master tick| %.3f ms\n",
			      wander ? "+-5% wander" : "ramp 100-140 BPM", f.steps, f.max_ms);
		assert_int_equal(f.steps, 200);
		if (!wander)
			assert_true(fabs(ts_timeline_get_status(&s.tl)->clock_mbpm - 140000.0) < 500);
		sim_free(&s), master_free(&ma);
	}
}

/* Test 3: Stop after 480 ticks, 96 ticks of silent grid with SPP 40 half-way, Continue with
 * the next tick (song tick 240): steps to the Stop, note-offs at its frame, nothing in the
 * pause, then steps 41 … from the SPP on their ticks. Then Stop after song tick 722 and Continue
 * without SPP: play resumes at the next 16th (song tick 726), on its tick. */
static void stop_spp_continue(void **state)
{
	(void)state;
	master ma = {.rng = 12};
	double per = 1000, start = T0 + 4000;
	send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
	grid(&ma, start, per, 0, 480, 0, 2, 0);
	uint64_t stop = (uint64_t)(start + 479.5 * per);
	send(&ma, stop, 0xFC, 0, 0, 0);
	send(&ma, (uint64_t)(start + 527.5 * per), 0xF2, 0, 0, 40);
	uint64_t cont = (uint64_t)(start + 576 * per);
	send(&ma, cont, 0xFB, 0, 0, 0);
	grid(&ma, start + 576 * per, per, 0, 483, 0, 2, 240);
	/* a second Stop after song tick 722, Continue without SPP: from the next 16th, 726 */
	stop_after_last(&ma, per);
	send(&ma, (uint64_t)(start + 1069 * per), 0xFB, 0, 0, 0);
	grid(&ma, start + 1069 * per, per, 0, 120, 0, 2, 723);
	stop_after_last(&ma, per);
	sim s;
	sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
	follow(&s, &ma, (uint64_t)(start + 1190 * per), 256);
	figures f = measure(&s, &ma, 3.0, 0);
	assert_int_equal(f.steps, 80 + 81 + 20);
	assert_true(silent_at(&s, stop));
	note ons[200];
	size_t n = note_ons(&s, ons, 200);
	for (size_t i = 0; i < n; i++)
		assert_false(ons[i].frame >= stop && ons[i].frame < cont);
	assert_int_equal(ons[80].pitch, 60 + 40 % 16); /* step 41 */
	/* the Continue played on */
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	assert_int_equal(st->starts, 3);
	assert_false(st->clock_running);
	print_message("%zu steps, max |step - true tick| %.3f ms, silent from the Stop to the "
		      "Continue, step 41 after the SPP\n", f.steps, f.max_ms);
	sim_free(&s), master_free(&ma);
}

/* Test 6: SPP while running, half-way to tick 200 (to 16th 5) and to tick 302 (to 16th 40):
 * the steps of the song as each SPP sets it, what sounds switched off at the SPP's frame. */
static void spp_while_running(void **state)
{
	(void)state;
	master ma = {.rng = 15};
	double per = 1000, start = T0 + 1000;
	send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
	int64_t song = 0;
	uint64_t spp[2];
	for (int k = 0; k < 500; k++) {
		double late = 2 * uniform(&ma) * R / 1000;
		if (k == 200 || k == 302) {
			spp[k == 302] = (uint64_t)(start + (k - 0.5) * per);
			send(&ma, spp[k == 302], 0xF2, 0, 0, k == 200 ? 5 : 40);
			song = k == 200 ? 30 : 240;
		}
		tick(&ma, start + k * per, late, song++);
	}
	stop_after_last(&ma, per);
	sim s;
	sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
	follow(&s, &ma, (uint64_t)(start + 501 * per), 256);
	figures f = measure(&s, &ma, 3.0, 0);
	print_message("%zu steps on the song the SPPs set, max |error| %.3f ms\n", f.steps,
		      f.max_ms);
	assert_true(silent_at(&s, spp[0]));
	assert_true(silent_at(&s, spp[1]));
	sim_free(&s), master_free(&ma);
}

/* Test 4: the clock stops without Stop after 200 ticks, then 3 s of nothing: no note more than
 * a step after the last tick (the position holds), and the clock says unlocked, running. */
static void clock_loss(void **state)
{
	(void)state;
	master ma = {.rng = 13};
	double per = 1000, start = T0 + 1000;
	send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
	grid(&ma, start, per, 0, 200, 0, 2, 0);
	sim s;
	sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
	uint64_t last = ma.m[ma.n - 1].frame;
	follow(&s, &ma, last + 3 * R, 256);
	note ons[64];
	size_t n = note_ons(&s, ons, 64);
	/* 34 steps on ticks 0 … 198; the grid goes no further than tick 200 */
	assert_int_equal(n, 34);
	for (size_t i = 0; i < n; i++)
		assert_true(ons[i].frame <= last + 6 * per);
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	assert_true(st->clock_running);
	assert_false(st->clock_locked);
	assert_true(st->running); /* held, not stopped */
	sim_free(&s), master_free(&ma);
}

/* Tests 7 and 8: the clock lost after song tick 202 for 9 ticks, then on again: every step of
 * the ticks received once, the first after the resumed tick on its grid; without jitter and
 * with 2048-frame periods within 0.05 ms, with jitter and 256 frames within 3 ms. */
static void loss_and_resume(void **state)
{
	(void)state;
	for (int k2 = 0; k2 < 2; k2++) {
		master ma = {.rng = 16};
		double per = 1000, start = T0 + 1000, hi = k2 ? 0 : 2;
		send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
		grid(&ma, start, per, 0, 203, 0, hi, 0);
		grid(&ma, start + 212 * per, per, 0, 127, 0, hi, 203);
		stop_after_last(&ma, per);
		sim s;
		sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 0, 1);
		follow(&s, &ma, (uint64_t)(start + 340 * per), k2 ? 2048 : 256);
		figures f = measure(&s, &ma, k2 ? 0.05 : 3.0, 0);
		print_message("%u-frame periods: %zu steps, max |error| %.3f ms\n", k2 ? 2048 : 256,
			      f.steps, f.max_ms);
		assert_int_equal(f.steps, 55);
		assert_true(ts_timeline_clock(&s.tl)->resyncs >= 2);
		sim_free(&s), master_free(&ma);
	}
}

/* Garbage on the clock input: messages that are not clock (notes, active sensing, a program
 * change on a channel not listened to), and ticks whose frame goes backwards: ignored and
 * counted, every step still on its tick. */
static void garbage_and_backwards_frames(void **state)
{
	(void)state;
	master ma = {.rng = 14};
	double per = 1000, start = T0 + 1000;
	send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
	for (int k = 0; k < 600; k++) {
		double late = 2 * uniform(&ma) * R / 1000;
		tick(&ma, start + k * per, late, k);
		uint64_t f = ma.m[ma.n - 1].frame;
		/* a tick from the past (a host's frame gone backwards), in the same cycle */
		if (k % 7 == 3 && (f - T0) % 256 >= 40)
			send(&ma, f - 40, 0xF8, 1, 0, 0);
		if (k % 5 == 1)
			send(&ma, f + 100, 0x90, 64, 100, 0);
		if (k % 11 == 2)
			send(&ma, f + 200, 0xFE, 0, 0, 0);
		if (k % 13 == 4)
			send(&ma, f + 300, 0xC3, 1, 0, 0);
	}
	stop_after_last(&ma, per);
	sim s;
	sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 1, 1);
	follow(&s, &ma, (uint64_t)(start + 601 * per), 256);
	figures f = measure(&s, &ma, 3.0, 0);
	const ts_clock *c = ts_timeline_clock(&s.tl);
	print_message("%zu steps, max |error| %.3f ms; %u backwards ticks ignored\n", f.steps,
		      f.max_ms, c->bad_frames);
	assert_int_equal(f.steps, 100);
	assert_true(c->bad_frames > 40);
	assert_int_equal(c->ticks, 600);
	assert_int_equal(ts_timeline_get_status(&s.tl)->pc_taken, 0);
	sim_free(&s), master_free(&ma);
}

/* A chain of two patterns following the master: a program change during the first pattern
 * queues it again in place of the second (which would follow by itself), so it plays twice,
 * switching on the master's tick 96 (song step 17), and the second one takes over after it, on
 * tick 192. */
static void chain_switch_following_clock(void **state)
{
	(void)state;
	master ma = {.rng = 21};
	double per = 1000, start = T0 + 1000;
	send(&ma, (uint64_t)start, 0xFA, 0, 0, 0);
	grid(&ma, start, per, 0, 40, 0, 2, 0);
	send(&ma, ma.m[ma.n - 1].frame + 10, 0xC0, 0, 0, 0); /* program 1 on channel 1 */
	grid(&ma, start, per, 40, 240, 0, 2, 40);
	stop_after_last(&ma, per);
	sim s;
	sim_init(&s, TS_TIMELINE_MIDI_CLOCK, false, false, 1, 2);
	follow(&s, &ma, (uint64_t)(start + 241 * per), 256);
	note ons[64];
	size_t n = note_ons(&s, ons, 64);
	assert_int_equal(n, 40);
	for (size_t i = 0; i < n; i++) {
		double err = ((double)ons[i].frame - ma.truef[6 * i]) * 1000 / R;
		assert_true(fabs(err) <= 3.0);
		assert_int_equal(ons[i].pitch, i < 32 ? 60 + (int)(i % 16) : 90);
	}
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	assert_int_equal(st->pc_last, 0);
	assert_int_equal(st->pc_taken, 1);
	sim_free(&s), master_free(&ma);
}

/* ---- JACK transport ---- */

/* The transport as a timebase master would give it: rolling from `from` (host frame) at
 * transport frame tf, with BBT at `bpm` in 4/4 when asked (24000 ticks a beat: exact). */
static void transport_at(sim *s, bool rolling, uint32_t tf, bool bbt, double bpm, double beat0)
{
	ts_timeline_transport *tp = &s->in.transport;
	*tp = (ts_timeline_transport){.state = rolling ? TS_TRANSPORT_ROLLING : TS_TRANSPORT_STOPPED,
				      .frame = tf};
	if (!bbt)
		return;
	double beats = beat0;
	tp->bbt = true;
	tp->beats_per_bar = tp->beat_type = 4;
	tp->ticks_per_beat = 24000;
	tp->bpm = bpm;
	tp->bar = (int32_t)(beats / 4) + 1;
	tp->beat = (int32_t)fmod(beats, 4) + 1;
	tp->tick = (int32_t)floor((beats - floor(beats)) * 24000 + 0.5);
	if (tp->tick == 24000) { /* the rounding carried into the next beat */
		tp->tick = 0;
		tp->beat++;
	}
}

/* Without BBT the engine's frame is the transport frame: the output is the engine's own dump,
 * frame for frame, offset by the host frame where the transport was at 0. A stop switches off
 * at its cycle's first frame; a locate while rolling plays on from the next 16th, on the frame
 * where the transport gets there. */
static void transport_frames(void **state)
{
	(void)state;
	sim s;
	sim_init(&s, TS_TIMELINE_JACK, false, false, 0, 1);
	s.in.start_req = true;
	uint32_t tf = 0;
	for (int c = 0; c < 10; c++) { /* stopped */
		transport_at(&s, false, 0, false, 0, 0);
		step(&s, 256);
	}
	uint64_t zero = s.now;
	while (s.now < zero + 100000) {
		transport_at(&s, true, tf, false, 0, 0);
		step(&s, 256);
		tf += 256;
	}
	/* the engine's own output for the same frames */
	static const char *const texts[] = {every_step};
	ts_engine *ref = engine(texts, 1);
	ts_engine_start(ref);
	sim r = {.now = zero, .nframes = (uint32_t)(s.now - zero)};
	ts_engine_run(ref, r.nframes, ref_out, &r);
	assert_int_equal(s.nout, r.nout);
	for (size_t i = 0; i < r.nout; i++) {
		assert_int_equal(s.out[i].frame, r.out[i].frame);
		assert_memory_equal(s.out[i].b, r.out[i].b, 3);
	}
	print_message("%zu events as the engine's dump, from the frame where the transport was 0\n",
		      r.nout);
	/* locate to 150000 while rolling: play on at the next 16th, 150000 frames from 0 being
	 * 25 steps: step 26 (16th 25) at frame 150000 exactly, the rest every 6000 frames */
	size_t before = s.nout;
	tf = 150000 - 1000;
	uint64_t locate = s.now;
	for (int c = 0; c < 100; c++) {
		transport_at(&s, true, tf, false, 0, 0);
		step(&s, 256);
		tf += 256;
	}
	assert_true(silent_at(&s, locate));
	note ons[256];
	size_t n = note_ons(&s, ons, 256), k = 0;
	while (k < n && ons[k].frame < locate)
		k++;
	assert_true(k < n);
	assert_int_equal(ons[k].frame, locate + 1000);
	assert_int_equal(ons[k].pitch, 60 + 25 % 16);
	assert_int_equal(ons[k + 1].frame, locate + 7000);
	/* stop: every note off at the first frame of the stopped cycle, nothing after */
	uint64_t stop = s.now;
	transport_at(&s, false, tf, false, 0, 0);
	step(&s, 256);
	step(&s, 256);
	assert_true(silent_at(&s, stop));
	for (size_t i = before; i < s.nout; i++)
		assert_true(s.out[i].frame <= stop || s.out[i].b[0] != 0x90);
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	assert_int_equal(st->starts, 2);
	assert_false(st->running);
	assert_false(st->tp_rolling);
	assert_int_equal(st->tp_mbpm, 120000);
	ts_engine_free(ref), free(r.out);
	sim_free(&s);
}

/* With BBT the position is the timebase master's: at 120 BPM from beat 0 every step on its
 * frame (6000 apart), then at 150 BPM from beat 8 (4800 apart), within a frame. */
static void transport_bbt_tempo_change(void **state)
{
	(void)state;
	sim s;
	sim_init(&s, TS_TIMELINE_JACK, false, false, 0, 1);
	s.in.start_req = true;
	uint64_t zero = s.now, change = 0;
	double beats = 0, bpm = 120, b_c = 0;
	while (beats < 16) {
		if (beats >= 8 && bpm == 120) {
			bpm = 150;
			change = s.now;
			b_c = beats;
		}
		transport_at(&s, true, (uint32_t)(s.now - zero), true, bpm, beats);
		step(&s, 256);
		beats = change ? b_c + (double)(s.now - change) / 19200 : (double)(s.now - zero) / 24000;
	}
	note ons[128];
	size_t n = note_ons(&s, ons, 128);
	assert_true(n >= 60);
	double worst = 0;
	for (size_t i = 0; i < n; i++) {
		double b = (double)i / 4; /* step i at beat i / 4 */
		double want = b <= b_c ? zero + b * 24000 : change + (b - b_c) * 19200;
		worst = fmax(worst, fabs((double)ons[i].frame - want));
		assert_int_equal(ons[i].pitch, 60 + (int)(i % 16));
	}
	print_message("%zu steps on the BBT grid, 120 then 150 BPM from beat %.3f: max |error| "
		      "%.1f frames\n", n, b_c, worst);
	assert_true(worst <= 1.0);
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	assert_true(st->tp_bbt);
	assert_int_equal(st->tp_mbpm, 150000);
	assert_int_equal(st->starts, 1);
	sim_free(&s);
}

/* ---- our own tempo ---- */

/* `trigseq play`: started on request, the output is the engine's own dump from that cycle's
 * first frame, whatever the periods; the stop switches off at its cycle's first frame. */
static void internal_play_is_the_engine(void **state)
{
	(void)state;
	static const uint32_t periods[] = {64, 256, 1000};
	static const char *const texts[] = {every_step};
	for (int p = 0; p < 3; p++) {
		sim s;
		sim_init(&s, TS_TIMELINE_INTERNAL, false, false, 0, 1);
		step(&s, periods[p]);
		s.in.start_req = true;
		uint64_t start = s.now;
		run_until(&s, start + 200000, periods[p]);
		const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
		assert_true(st->started);
		assert_int_equal(st->start_frame, (uint32_t)start);
		ts_engine *ref = engine(texts, 1);
		ts_engine_start(ref);
		sim r = {.now = start, .nframes = (uint32_t)(s.now - start)};
		ts_engine_run(ref, r.nframes, ref_out, &r);
		assert_int_equal(s.nout, r.nout);
		for (size_t i = 0; i < r.nout; i++) {
			assert_int_equal(s.out[i].frame, r.out[i].frame);
			assert_memory_equal(s.out[i].b, r.out[i].b, 3);
		}
		s.in.stop_req = true;
		uint64_t stop = s.now;
		step(&s, periods[p]);
		step(&s, periods[p]);
		assert_true(st->stop_done);
		assert_false(st->running);
		assert_true(silent_at(&s, stop));
		assert_int_equal(s.out[s.nout - 1].frame, stop);
		ts_engine_free(ref), free(r.out);
		sim_free(&s);
	}
}

/* The free-running clock (clock_while_stopped): tick k at floor(k * R * 60 / (T * 24) + 1/2)
 * frames after the first cycle, whatever the periods, at 120 and 123.7 BPM; the start waits
 * until it is a tick interval - 1 frame after the last tick. */
static void free_running_clock(void **state)
{
	(void)state;
	static const struct {
		uint16_t tempo10;
		uint32_t period;
	} runs[] = {{1200, 256}, {1237, 256}, {1237, 97}, {777, 2048}};
	for (size_t r = 0; r < sizeof(runs) / sizeof(runs[0]); r++) {
		sim s;
		sim_init(&s, TS_TIMELINE_INTERNAL, false, true, 0, 1);
		ts_timeline_config tc = s.tl.cfg;
		tc.tempo10 = runs[r].tempo10; /* as opened at that tempo */
		ts_timeline_init(&s.tl, &tc, s.eng);
		run_until(&s, T0 + 10 * R, runs[r].period);
		uint64_t mbpm = runs[r].tempo10 * 100u, k = 0;
		for (size_t i = 0; i < s.nout; i++, k++) {
			assert_int_equal(s.out[i].b[0], 0xF8);
			/* floor(k * R * 60000 / (mbpm * 24) + 1/2) in integers */
			uint64_t want = T0 + (2 * k * R * 60000 + mbpm * 24) / (2 * mbpm * 24);
			assert_int_equal(s.out[i].frame, want);
			assert_int_equal(ts_timeline_tick_frame(R, (uint32_t)mbpm, k), want - T0);
		}
		assert_true(k + 2 > (uint64_t)(10 * 24 * runs[r].tempo10 / 600));
		/* play asked: not sooner than I - 1 frames after the last tick */
		uint64_t last = s.out[s.nout - 1].frame;
		s.in.start_req = true;
		for (int c = 0; c < 40 && !ts_timeline_get_status(&s.tl)->started; c++)
			step(&s, runs[r].period);
		const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
		assert_true(st->started);
		double interval = R * 60000.0 / (double)(mbpm * 24);
		uint64_t last_free = last;
		for (size_t i = 0; i < s.nout && s.out[i].frame < st->start_frame + 0ull; i++)
			last_free = s.out[i].frame;
		assert_true((double)(st->start_frame - last_free) >= interval - 1);
		print_message("%u.%u BPM, %u-frame periods: %llu ticks on the integer grid; start %llu "
			      "frames after the last tick (interval %.1f)\n",
			      runs[r].tempo10 / 10, runs[r].tempo10 % 10, runs[r].period,
			      (unsigned long long)k,
			      (unsigned long long)(st->start_frame - last_free), interval);
		sim_free(&s);
	}
}

/* The editor (interactive, sync int): PLAY at a cycle's first frame, STOP, CONTINUE from the next
 * 16th with SPP and Continue, a tempo change that spaces the steps anew. */
static void interactive_commands(void **state)
{
	(void)state;
	sim s;
	sim_init(&s, TS_TIMELINE_INTERNAL, true, false, 0, 1);
	step(&s, 256);
	assert_int_equal(s.editor_calls, 1);
	s.in.command = TS_TIMELINE_PLAY;
	uint64_t play = s.now;
	step(&s, 256);
	assert_int_equal(s.in.command, 0); /* taken */
	assert_int_equal(ts_timeline_get_status(&s.tl)->start_frame, (uint32_t)play);
	run_until(&s, play + 20000, 256); /* steps 1 … 4 at 0, 6000, 12000, 18000 */
	s.in.command = TS_TIMELINE_STOP;
	uint64_t stop = s.now;
	step(&s, 256);
	assert_true(silent_at(&s, stop));
	run_until(&s, stop + 5000, 256);
	s.in.command = TS_TIMELINE_CONTINUE;
	uint64_t cont = s.now;
	step(&s, 256);
	/* stopped at position 20224 frames = 3.37 steps: continue from 16th 4 (step 5) */
	bool spp = false, fb = false;
	for (size_t i = 0; i < s.nout; i++) {
		if (s.out[i].frame != cont || s.out[i].port != TS_PORT_CLOCK)
			continue;
		if (s.out[i].b[0] == 0xF2) {
			spp = true;
			assert_int_equal(s.out[i].b[1] | s.out[i].b[2] << 7, 4);
		}
		fb |= s.out[i].b[0] == 0xFB;
	}
	assert_true(spp && fb);
	s.in.tempo10 = 1500; /* from the next cycle on: a 16th is 4800 frames */
	run_until(&s, cont + 30000, 256);
	note ons[32];
	size_t n = note_ons(&s, ons, 32);
	assert_true(n >= 9);
	assert_int_equal(ons[0].frame, play);
	assert_int_equal(ons[3].frame, play + 18000);
	assert_int_equal(ons[4].frame, cont); /* step 5 */
	assert_int_equal(ons[4].pitch, 64);
	for (size_t i = 6; i < n; i++)
		assert_int_equal(ons[i].frame - ons[i - 1].frame, 4800);
	sim_free(&s);
}

/* The editor's PLAY with the free-running clock (clock_while_stopped): held while it would
 * follow the last tick sent by less than a tick interval - 1 frame (999 frames at 120 BPM), the
 * ticks it could follow too closely not sent; then it starts at a cycle's first frame. */
static void interactive_start_held(void **state)
{
	(void)state;
	sim s;
	sim_init(&s, TS_TIMELINE_INTERNAL, true, true, 0, 1);
	run_until(&s, T0 + 1024, 256); /* free-running ticks at T0, T0 + 1000 */
	assert_int_equal(s.nout, 2);
	assert_int_equal(s.out[1].frame, T0 + 1000);
	s.in.command = TS_TIMELINE_PLAY;
	step(&s, 256);
	assert_int_equal(s.in.command, TS_TIMELINE_PLAY); /* held, not taken */
	run_until(&s, T0 + 4096, 256);
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	/* the tick at T0 + 2000 would be 48 frames before the start: not sent */
	assert_int_equal(st->start_frame, (uint32_t)(T0 + 2048));
	assert_int_equal(s.in.command, 0);
	assert_true(st->running);
	assert_int_equal(s.out[2].frame, T0 + 2048);
	assert_int_equal(s.out[2].port, TS_PORT_CLOCK);
	sim_free(&s);
}

/* Chain switching at a pattern's end: a program change received (program_receive) queues the
 * first pattern again in place of the second, which would follow by itself. It starts where the
 * engine's own dump, queued in the same period, starts it: at the first pattern's end, 16 steps =
 * 96000 frames after the start; the second one follows it at 192000. A program beyond the chain
 * and one on another channel are ignored (the first counted). */
static void chain_switch_at_pattern_end(void **state)
{
	(void)state;
	master ma = {0};
	send(&ma, T0 + 256 * 20 + 17, 0xC0, 0, 0, 0);  /* program 1, channel 1 */
	send(&ma, T0 + 256 * 30 + 5, 0xC0, 9, 0, 0);   /* program 10: no such pattern */
	send(&ma, T0 + 256 * 31 + 5, 0xC1, 1, 0, 0);   /* channel 2: not listened to */
	sim s;
	sim_init(&s, TS_TIMELINE_INTERNAL, false, false, 1, 2);
	s.ma = &ma;
	s.in.start_req = true;
	run_until(&s, T0 + 200000, 256);
	static const char *const texts[] = {every_step, other};
	ts_engine *ref = engine(texts, 2);
	ts_engine_start(ref);
	sim r = {.now = T0};
	for (int c = 0; r.now < T0 + 200000; c++) {
		if (c == 20)
			ts_engine_queue(ref, 0);
		r.nframes = 256;
		memset(r.last, 0, sizeof(r.last));
		ts_engine_run(ref, 256, ref_out, &r);
		r.now += 256;
	}
	assert_int_equal(s.nout, r.nout);
	for (size_t i = 0; i < r.nout; i++) {
		assert_int_equal(s.out[i].frame, r.out[i].frame);
		assert_memory_equal(s.out[i].b, r.out[i].b, 3);
	}
	note ons[64];
	size_t n = note_ons(&s, ons, 64);
	assert_true(n >= 34);
	assert_int_equal(ons[15].pitch, 75);
	assert_int_equal(ons[16].pitch, 60);
	assert_int_equal(ons[16].frame, T0 + 96000);
	assert_int_equal(ons[32].pitch, 90);
	assert_int_equal(ons[32].frame, T0 + 192000);
	const ts_timeline_status *st = ts_timeline_get_status(&s.tl);
	assert_int_equal(st->pc_taken, 1);
	assert_int_equal(st->pc_ignored, 1);
	assert_int_equal(st->pc_last, 9);
	ts_engine_free(ref), free(r.out);
	sim_free(&s), master_free(&ma);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(steady_jitter),
		cmocka_unit_test(usb_jitter_ten_minutes),
		cmocka_unit_test(tempo_ramp_and_wander),
		cmocka_unit_test(stop_spp_continue),
		cmocka_unit_test(spp_while_running),
		cmocka_unit_test(clock_loss),
		cmocka_unit_test(loss_and_resume),
		cmocka_unit_test(garbage_and_backwards_frames),
		cmocka_unit_test(chain_switch_following_clock),
		cmocka_unit_test(transport_frames),
		cmocka_unit_test(transport_bbt_tempo_change),
		cmocka_unit_test(internal_play_is_the_engine),
		cmocka_unit_test(free_running_clock),
		cmocka_unit_test(interactive_commands),
		cmocka_unit_test(interactive_start_held),
		cmocka_unit_test(chain_switch_at_pattern_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
