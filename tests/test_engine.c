/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Engine tests: every expectation is computed by hand from spec/pattern-format.md §5; the
 * arithmetic is in the comments. Unless a test says otherwise: 48000 Hz, 120.0 BPM, so one 1x step
 * S1 = 48000·60/(120·4) = 6000 frames, 1/24 step = 250 frames; velocity 100 = 0x64, note 60 = 0x3C,
 * track N on channel N (status 0x90 + N − 1), gate 1 step.
 * Expected output is written like `trigseq dump` lines: "<frame> <bytes>".
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/pattern.h"

#include "alloccount.h"

/* ---- collecting events ---- */

typedef struct {
	uint64_t frame; /* absolute: run start + ev->frame */
	uint8_t port, track, pattern, size, b[3];
} rec;

typedef struct {
	rec *v;
	size_t n, cap;
	uint64_t base;
} coll;

static void collect(void *ctx, const ts_event *ev)
{
	coll *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
		assert_non_null(c->v);
	}
	rec *r = &c->v[c->n++];
	memset(r, 0, sizeof(*r));
	r->frame = c->base + ev->frame;
	r->port = ev->port;
	r->track = ev->track;
	r->pattern = ev->pattern;
	r->size = ev->size;
	memcpy(r->b, ev->bytes, 3);
}

static void coll_free(coll *c)
{
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static ts_engine_config cfg_std(void)
{
	ts_engine_config cfg = {.rate = 48000, .tempo10 = 0, .seed = 1, .send_clock = false};
	return cfg;
}

/* Play `frames` frames in periods cycling through `periods` (one call when nper is 0; a 0 entry
 * means a pseudo-random size 1 … 2000), then stop at the end. */
static void render_chain(coll *c, const ts_pattern *pats, int npat, const ts_engine_config *cfg,
			 bool fill, uint64_t frames, const uint32_t *periods, size_t nper)
{
	ts_engine_config cc = *cfg;
	cc.chain_max = npat;
	ts_engine *eng = ts_engine_new(&cc);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, pats, npat), TS_OK);
	ts_engine_set_fill(eng, fill);
	ts_engine_start(eng);
	uint64_t done = 0, lcg = 12345;
	size_t k = 0;
	while (done < frames) {
		uint64_t n = frames - done;
		if (nper > 0) {
			uint64_t want = periods[k++ % nper];
			if (want == 0) {
				lcg = lcg * 6364136223846793005u + 1442695040888963407u;
				want = 1 + (lcg >> 33) % 2000;
			}
			if (want < n)
				n = want;
		}
		c->base = done;
		ts_engine_run(eng, (uint32_t)n, collect, c);
		done += n;
	}
	c->base = frames;
	ts_engine_stop(eng, 0, collect, c);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.lost_events, 0);
	ts_engine_free(eng);
}

static void render(coll *c, const ts_pattern *pat, const ts_engine_config *cfg, bool fill,
		   uint64_t frames, const uint32_t *periods, size_t nper)
{
	render_chain(c, pat, 1, cfg, fill, frames, periods, nper);
}

static char textbuf[1 << 16];

/* "frame B0 B1 B2\n" per event; "frame voice B0 B1 B2\n" for a voice event, as dump prints it */
static const char *text(const coll *c)
{
	size_t at = 0;
	textbuf[0] = '\0';
	for (size_t i = 0; i < c->n && at < sizeof(textbuf) - 64; i++) {
		const rec *r = &c->v[i];
		at += (size_t)snprintf(textbuf + at, sizeof(textbuf) - at, "%llu%s",
				       (unsigned long long)r->frame,
				       r->port == TS_PORT_VOICE ? " voice" : "");
		for (int k = 0; k < r->size; k++)
			at += (size_t)snprintf(textbuf + at, sizeof(textbuf) - at, " %02X", r->b[k]);
		textbuf[at++] = '\n';
		textbuf[at] = '\0';
	}
	return textbuf;
}

static coll last; /* the events of the last play(), for tests that look at ports and tracks */

static const char *play_cfg(const ts_pattern *pat, const ts_engine_config *cfg, bool fill,
			    uint64_t frames)
{
	coll_free(&last);
	render(&last, pat, cfg, fill, frames, NULL, 0);
	return text(&last);
}

static const char *play(const ts_pattern *pat, uint64_t frames)
{
	ts_engine_config cfg = cfg_std();
	return play_cfg(pat, &cfg, false, frames);
}

static int count_note_ons(const coll *c, int status)
{
	int n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->v[i].size == 3 && c->v[i].b[0] == status && c->v[i].b[2] > 0;
	return n;
}

/* ---- building patterns ---- */

static ts_pattern pat;

static int setup(void **state)
{
	(void)state;
	ts_pattern_init(&pat);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	coll_free(&last);
	return 0;
}

static ts_trig *put(int track, int step, int kind)
{
	ts_trig *t = &pat.tracks[track - 1].steps[step - 1];
	t->kind = (uint8_t)kind;
	return t;
}

static ts_trig *note(int track, int step, int n)
{
	ts_trig *t = put(track, step, TS_TRIG_NOTE);
	t->nnotes = 1;
	t->notes[0] = (uint8_t)n;
	return t;
}

static int len_idx(int len16)
{
	int i = ts_len_index(len16);
	assert_true(i >= 0);
	return i;
}

static int rate_idx(int div)
{
	int i = ts_rate_index(div);
	assert_true(i >= 0);
	return i;
}

static void lock(ts_trig *t, int cc, int value)
{
	t->locks[t->nlocks].cc = (uint8_t)cc;
	t->locks[t->nlocks].value = (uint8_t)value;
	t->nlocks++;
}

/* ---- time ---- */

static void test_pos_to_frame(void **state)
{
	(void)state;
	/* K = tempo10·192; frame = floor(p·rate/K + 1/2) */
	assert_int_equal(ts_pos_to_frame(0, 48000, 1200), 0);
	assert_int_equal(ts_pos_to_frame(-100, 48000, 1200), 0);
	assert_int_equal(ts_pos_to_frame(28800, 48000, 1200), 6000);
	/* 120 BPM at 48 kHz: 4.8 U per frame. 12 U = 2.5 frames -> 3; 7 U = 1.458 -> 1; 3 U = 0.625 -> 1;
	 * 2 U = 0.417 -> 0 */
	assert_int_equal(ts_pos_to_frame(12, 48000, 1200), 3);
	assert_int_equal(ts_pos_to_frame(7, 48000, 1200), 1);
	assert_int_equal(ts_pos_to_frame(3, 48000, 1200), 1);
	assert_int_equal(ts_pos_to_frame(2, 48000, 1200), 0);
	/* 44100 Hz, 120 BPM: one step = 5512.5 frames -> 5513 (half rounds up) */
	assert_int_equal(ts_pos_to_frame(28800, 44100, 1200), 5513);
	/* 123.7 BPM: one step = 48000·60/(123.7·4) = 5820.53 -> 5821; two = 11641.07 -> 11641;
	 * five = 29102.67 -> 29103 */
	assert_int_equal(ts_pos_to_frame(28800, 48000, 1237), 5821);
	assert_int_equal(ts_pos_to_frame(57600, 48000, 1237), 11641);
	assert_int_equal(ts_pos_to_frame(5 * 28800, 48000, 1237), 29103);
	/* a billion steps: 6·10^12 frames, no overflow */
	assert_true(ts_pos_to_frame(28800LL * 1000000000LL, 48000, 1200) == 6000000000000ULL);
	/* extremes: 384 kHz at 30.0 BPM, one step = 384000·60/120 = 192000 frames */
	assert_int_equal(ts_pos_to_frame(28800, 384000, 300), 192000);
	/* 1000 Hz at 300 BPM, one step = 50 frames; a 1/24 step = 2.083 -> 2 */
	assert_int_equal(ts_pos_to_frame(1200, 1000, 3000), 2);
}

/* Every musical quantity is an exact integer in U for every speed (the time model's premise). */
static void test_units_are_exact(void **state)
{
	(void)state;
	for (int sp = 0; sp < TS_SPEED_COUNT; sp++) {
		int num, den;
		ts_speed_ratio(sp, &num, &den);
		assert_int_equal((28800 * den) % num, 0);
		int64_t S = 28800LL * den / num;
		assert_int_equal(S % 24, 0);           /* micro */
		for (int sw = 50; sw <= 80; sw++)      /* swing */
			assert_int_equal((S * (2 * sw - 100)) % 100, 0);
		for (int g = 0; g < TS_LEN_COUNT; g++) /* gate, retrig length */
			assert_int_equal((ts_len16(g) * S) % 16, 0);
		for (int r = 0; r < TS_RATE_COUNT; r++) /* retrig interval */
			assert_int_equal((16 * S) % ts_rate_div(r), 0);
	}
	assert_int_equal(TS_UNITS_PER_TICK * 6, TS_UNITS_PER_STEP); /* 6 ticks per 16th */
}

static void test_plain_timing(void **state)
{
	(void)state;
	put(1, 1, TS_TRIG_NOTE);
	put(1, 5, TS_TRIG_NOTE);
	/* steps 1 and 5 at 0 and 4·6000; gate one step */
	assert_string_equal(play(&pat, 96000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "24000 90 3C 64\n"
					       "30000 80 3C 40\n");
}

static void test_fractional_tempo(void **state)
{
	(void)state;
	put(1, 2, TS_TRIG_NOTE);
	put(1, 6, TS_TRIG_NOTE);
	/* 123.7 BPM: S1 = 5820.53; step 2 at 5820.53 -> 5821, its end 11641.07 -> 11641;
	 * step 6 at 5·S1 = 29102.67 -> 29103, end 6·S1 = 34923.20 -> 34923 */
	const char *want = "5821 90 3C 64\n"
			   "11641 80 3C 40\n"
			   "29103 90 3C 64\n"
			   "34923 80 3C 40\n";
	ts_engine_config cfg = cfg_std();
	cfg.tempo10 = 1237; /* the config's tempo wins over the pattern's */
	pat.tempo10 = 900;
	assert_string_equal(play_cfg(&pat, &cfg, false, 40000), want);
	pat.tempo10 = 1237; /* tempo10 0: the pattern's */
	assert_string_equal(play(&pat, 40000), want);
	/* 44100 Hz, 120 BPM: S1 = 5512.5; step 2 at 5512.5 -> 5513, end 11025 */
	pat.tempo10 = 1200;
	cfg = cfg_std();
	cfg.rate = 44100;
	assert_string_equal(play_cfg(&pat, &cfg, false, 12000), "5513 90 3C 64\n"
								 "11025 80 3C 40\n");
}

static void test_speeds(void **state)
{
	(void)state;
	/* step 2 starts at S = S1/m and the gate ends at 2·S */
	static const uint64_t start[TS_SPEED_COUNT] = {3000, 4000, 6000, 8000, 12000, 24000, 48000};
	for (int sp = 0; sp < TS_SPEED_COUNT; sp++) {
		ts_pattern_init(&pat);
		pat.speed = (uint8_t)sp;
		ts_pattern_settle(&pat);
		put(1, 2, TS_TRIG_NOTE);
		char want[128];
		snprintf(want, sizeof(want), "%llu 90 3C 64\n%llu 80 3C 40\n",
			 (unsigned long long)start[sp], (unsigned long long)(2 * start[sp]));
		assert_string_equal(play(&pat, 2 * start[sp] + 1), want);
	}
}

static void test_track_length_wrap(void **state)
{
	(void)state;
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 0; /* inf: no master resets */
	pat.tracks[0].length = 3;
	pat.tracks[0].length_set = true;
	pat.tracks[1].length = 5;
	pat.tracks[1].length_set = true;
	ts_pattern_settle(&pat);
	put(1, 1, TS_TRIG_NOTE);
	put(2, 1, TS_TRIG_NOTE);
	/* track 1 every 3 steps (0, 18000, 36000, 54000), track 2 every 5 (0, 30000); at 36000
	 * track 1's note-on comes before track 2's note-off (track order first); the note still
	 * sounding at 60000 ends at stop */
	assert_string_equal(play(&pat, 60000), "0 90 3C 64\n"
					       "0 91 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 81 3C 40\n"
					       "18000 90 3C 64\n"
					       "24000 80 3C 40\n"
					       "30000 91 3C 64\n"
					       "36000 90 3C 64\n"
					       "36000 81 3C 40\n"
					       "42000 80 3C 40\n"
					       "54000 90 3C 64\n"
					       "60000 80 3C 40\n");
	/* status at the last frame run, 59999: 59999/6000 -> step count 9; track 1: 9 mod 3 + 1 = 1,
	 * pass 9/3 + 1 = 4; track 2: 9 mod 5 + 1 = 5, pass 2 */
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.step[0], 0);
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	ts_engine_start(eng);
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.step[0], 1);
	assert_int_equal(st.pass[0], 1);
	coll c = {0};
	ts_engine_run(eng, 60000, collect, &c);
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.frames, 60000);
	assert_int_equal(st.step[0], 1);
	assert_int_equal(st.pass[0], 4);
	assert_int_equal(st.step[1], 5);
	assert_int_equal(st.pass[1], 2);
	assert_int_equal(st.step[2], 10); /* 16 steps: 9 mod 16 + 1 */
	assert_true(st.queue_peak > 0);
	ts_engine_free(eng);
	coll_free(&c);
}

static void test_master_reset(void **state)
{
	(void)state;
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 4; /* master: 4 steps at 1x = 24000 frames */
	pat.tracks[1].length = 3;
	pat.tracks[1].length_set = true;
	ts_pattern_settle(&pat);
	put(1, 1, TS_TRIG_NOTE);
	put(1, 5, TS_TRIG_NOTE); /* never reached: the reset comes after step 4 */
	put(2, 1, TS_TRIG_NOTE);
	/* track 2: 0, 18000 (wrap), 24000 (reset), 42000 (wrap); track 1: 0, 24000 */
	assert_string_equal(play(&pat, 48000), "0 90 3C 64\n"
					       "0 91 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 81 3C 40\n"
					       "18000 91 3C 64\n"
					       "24000 90 3C 64\n"
					       "24000 81 3C 40\n"
					       "24000 91 3C 64\n"
					       "30000 80 3C 40\n"
					       "30000 81 3C 40\n"
					       "42000 91 3C 64\n"
					       "48000 81 3C 40\n");

	/* passes count resets too: track 2's step 1 starts passes 1 (0), 2 (18000), 3 (24000),
	 * 4 (42000); 2:2 fires on 2 and 4 */
	pat.tracks[1].steps[0].cond = (uint8_t)ts_cond_from_ab(2, 2);
	put(1, 1, TS_TRIG_NONE);
	put(1, 5, TS_TRIG_NONE);
	assert_string_equal(play(&pat, 48000), "18000 91 3C 64\n"
					       "24000 81 3C 40\n"
					       "42000 91 3C 64\n"
					       "48000 81 3C 40\n");

	/* master speed: pattern speed 1/2x, length 2 -> reset every 2·12000 = 24000 frames; track 1
	 * set to 1x keeps its own step clock: steps 1 (0) and 4 (18000), then 1 again at 24000 */
	ts_pattern_init(&pat);
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 2;
	pat.speed = TS_SPEED_1_2X;
	pat.tracks[0].speed = TS_SPEED_1X;
	pat.tracks[0].speed_set = true;
	ts_pattern_settle(&pat);
	put(1, 1, TS_TRIG_NOTE)->gate = (uint8_t)len_idx(8);
	put(1, 4, TS_TRIG_NOTE)->gate = (uint8_t)len_idx(8);
	assert_string_equal(play(&pat, 48000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "18000 90 3C 64\n"
					       "21000 80 3C 40\n"
					       "24000 90 3C 64\n"
					       "27000 80 3C 40\n"
					       "42000 90 3C 64\n"
					       "45000 80 3C 40\n");

	/* length inf: no reset, the track plays its 16 steps */
	pat.length = 0;
	assert_string_equal(play(&pat, 48000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "18000 90 3C 64\n"
					       "21000 80 3C 40\n");
}

static void test_swing(void **state)
{
	(void)state;
	int half = len_idx(8); /* gate 0.5 step = 3000 */
	pat.swing = 66;        /* delay (2·66/100 − 1)·6000 = 1920 */
	put(1, 1, TS_TRIG_NOTE)->gate = (uint8_t)half;
	put(1, 2, TS_TRIG_NOTE)->gate = (uint8_t)half;
	put(1, 3, TS_TRIG_NOTE)->gate = (uint8_t)half;
	put(1, 4, TS_TRIG_NOTE)->gate = (uint8_t)half;
	pat.tracks[0].steps[2].swing = TS_SWING_ON;  /* odd step forced: 12000 + 1920 */
	pat.tracks[0].steps[3].swing = TS_SWING_OFF; /* even step straight: 18000 */
	assert_string_equal(play(&pat, 24000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "7920 90 3C 64\n"
					       "10920 80 3C 40\n"
					       "13920 90 3C 64\n"
					       "16920 80 3C 40\n"
					       "18000 90 3C 64\n"
					       "21000 80 3C 40\n");
	/* step 2 alone: 50% no delay; 80% delay 0.6·6000 = 3600 */
	ts_pattern_init(&pat);
	put(1, 2, TS_TRIG_NOTE)->gate = (uint8_t)half;
	pat.swing = 50;
	assert_string_equal(play(&pat, 12000), "6000 90 3C 64\n9000 80 3C 40\n");
	pat.swing = 80;
	assert_string_equal(play(&pat, 13000), "9600 90 3C 64\n12600 80 3C 40\n");
	/* at 2x a step is 3000: delay 0.6·3000 = 1800 on step 2 (3000) */
	pat.speed = TS_SPEED_2X;
	ts_pattern_settle(&pat);
	assert_string_equal(play(&pat, 12000), "4800 90 3C 64\n6300 80 3C 40\n");
}

static void test_micro(void **state)
{
	(void)state;
	int half = len_idx(8);
	pat.length = 4; /* a pass is 24000 frames */
	ts_pattern_settle(&pat);
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->micro = -12; /* pass 1: clamped to 0; pass 2: 24000 − 12·250 = 21000 */
	t->gate = (uint8_t)half;
	t = note(1, 2, 62);
	t->micro = 12; /* 6000 + 3000 = 9000 */
	t->gate = (uint8_t)half;
	t = note(1, 3, 64);
	t->micro = -23; /* 12000 − 5750 = 6250: before step 2's trig */
	t->gate = (uint8_t)half;
	assert_string_equal(play(&pat, 27000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "6250 90 40 64\n"
					       "9000 90 3E 64\n"
					       "9250 80 40 40\n"
					       "12000 80 3E 40\n"
					       "21000 90 3C 64\n"
					       "24000 80 3C 40\n");
}

static void test_accent(void **state)
{
	(void)state;
	pat.tracks[0].velocity = 120;
	put(1, 1, TS_TRIG_ACCENT);       /* 120 + 32 -> clamped 127 */
	put(1, 2, TS_TRIG_ACCENT)->vel = 90; /* 90 + 32 = 122 = 0x7A */
	put(1, 3, TS_TRIG_NOTE)->vel = 90;   /* 0x5A */
	assert_string_equal(play(&pat, 18000), "0 90 3C 7F\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 7A\n"
					       "12000 80 3C 40\n"
					       "12000 90 3C 5A\n"
					       "18000 80 3C 40\n");
	pat.accent = 5; /* 90 + 5 = 95 = 0x5F */
	assert_string_equal(play(&pat, 7000), "0 90 3C 7D\n"
					      "6000 80 3C 40\n"
					      "6000 90 3C 5F\n"
					      "7000 80 3C 40\n");
}

static void test_locks_and_returns(void **state)
{
	(void)state;
	ts_track *tk = &pat.tracks[0];
	tk->base_cc[74] = 64; /* 4A = 40 */
	tk->base_cc[71] = 20; /* 47 = 14 */
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	lock(t, 74, 10); /* in the trig's order: 74 then 71 */
	lock(t, 71, 30);
	t = put(1, 2, TS_TRIG_LOCK); /* locks 71: 74 returns to 64; no note */
	lock(t, 71, 40);
	put(1, 3, TS_TRIG_NOTE);     /* 71 returns to 20 */
	lock(put(1, 4, TS_TRIG_NOTE), 1, 5); /* step 3 locked nothing: no return */
	put(1, 5, TS_TRIG_NOTE);     /* cc 1 has no base value: no return */
	/* frame 0: base values ascending first (71, 74), then step 1 */
	assert_string_equal(play(&pat, 30000), "0 B0 47 14\n"
					       "0 B0 4A 40\n"
					       "0 B0 4A 0A\n"
					       "0 B0 47 1E\n"
					       "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 B0 47 28\n"
					       "6000 B0 4A 40\n"
					       "12000 B0 47 14\n"
					       "12000 90 3C 64\n"
					       "18000 80 3C 40\n"
					       "18000 B0 01 05\n"
					       "18000 90 3C 64\n"
					       "24000 80 3C 40\n"
					       "24000 90 3C 64\n"
					       "30000 80 3C 40\n");
	/* a trig whose condition fails is not the "previous fired trig": step 6 (fill, false) locks
	 * 74, step 7 follows step 5, which locked nothing, so nothing returns */
	ts_pattern_init(&pat);
	pat.tracks[0].base_cc[74] = 64;
	t = put(1, 1, TS_TRIG_NOTE);
	lock(t, 74, 1);
	t->gate = (uint8_t)len_idx(8);
	t = put(1, 2, TS_TRIG_NOTE);
	lock(t, 74, 2);
	t->cond = TS_COND_FILL;
	put(1, 3, TS_TRIG_NOTE)->gate = (uint8_t)len_idx(8);
	/* step 3 returns 74 (locked by step 1, the previous fired trig) */
	assert_string_equal(play(&pat, 18000), "0 B0 4A 40\n"
					       "0 B0 4A 01\n"
					       "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "12000 B0 4A 40\n"
					       "12000 90 3C 64\n"
					       "15000 80 3C 40\n");
}

static void test_start_setup(void **state)
{
	(void)state;
	ts_track *t1 = &pat.tracks[0];
	t1->program = 5;
	t1->base_cc[7] = 100;
	t1->base_cc[1] = 0;
	pat.tracks[1].program = 7; /* muted: the sound is still set up */
	pat.tracks[1].mute = true;
	pat.tracks[1].base_cc[10] = 64;
	put(2, 1, TS_TRIG_NOTE);
	pat.tracks[2].program = 9; /* channel off: nothing */
	pat.tracks[2].channel = TS_CHANNEL_OFF;
	pat.tracks[3].program = 3; /* send-midi off: nothing */
	pat.tracks[3].send_midi = false;
	put(1, 1, TS_TRIG_NOTE);
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	/* clock start and tick 0, then per track program and base values, then notes; the stop at
	 * 1000 sends clock stop, then the note-off */
	assert_string_equal(play_cfg(&pat, &cfg, false, 1000), "0 FA\n"
							       "0 F8\n"
							       "0 C0 05\n"
							       "0 B0 01 00\n"
							       "0 B0 07 64\n"
							       "0 C1 07\n"
							       "0 B1 0A 40\n"
							       "0 90 3C 64\n"
							       "1000 FC\n"
							       "1000 80 3C 40\n");
	assert_int_equal(last.v[0].port, TS_PORT_CLOCK);
	assert_int_equal(last.v[0].track, 0);
	assert_int_equal(last.v[2].port, 0);
	assert_int_equal(last.v[2].track, 1);
	assert_int_equal(last.v[5].track, 2);
}

static void test_mute_and_muted_trig(void **state)
{
	(void)state;
	ts_trig *t = put(1, 1, TS_TRIG_MUTED); /* '-': nothing, no condition, no lock */
	t->cond = (uint8_t)ts_cond_from_percent(50);
	lock(t, 74, 1);
	put(1, 2, TS_TRIG_NOTE);
	pat.tracks[1].mute = true;
	put(2, 1, TS_TRIG_NOTE)->cond = TS_COND_1ST; /* not evaluated: no stored result */
	lock(put(2, 2, TS_TRIG_LOCK), 74, 1);
	put(3, 1, TS_TRIG_NOTE)->cond = TS_COND_NEI;     /* track 2 has no result: false */
	put(3, 2, TS_TRIG_NOTE)->cond = TS_COND_NOT_NEI; /* true */
	assert_string_equal(play(&pat, 12000), "6000 90 3C 64\n"
					       "6000 92 3C 64\n"
					       "12000 80 3C 40\n"
					       "12000 82 3C 40\n");
}

static void test_channel_off_send_midi_off(void **state)
{
	(void)state;
	pat.tracks[0].channel = TS_CHANNEL_OFF;
	pat.tracks[0].program = 5;
	pat.tracks[0].base_cc[7] = 1;
	lock(put(1, 1, TS_TRIG_NOTE), 7, 2);
	pat.tracks[0].steps[0].cond = TS_COND_1ST; /* evaluated (the internal voice plays): true */
	put(2, 1, TS_TRIG_NOTE)->cond = TS_COND_NEI; /* sees track 1's true */
	pat.tracks[2].send_midi = false;
	pat.tracks[2].program = 3;
	put(3, 1, TS_TRIG_NOTE);
	put(4, 1, TS_TRIG_NOTE)->cond = TS_COND_NOT_NEI; /* track 3 stored nothing: true */
	assert_string_equal(play(&pat, 6000), "0 91 3C 64\n"
					      "0 93 3C 64\n"
					      "6000 81 3C 40\n"
					      "6000 83 3C 40\n");
}

static void test_cond_fill(void **state)
{
	(void)state;
	pat.length = 2;
	ts_pattern_settle(&pat);
	put(1, 1, TS_TRIG_NOTE)->cond = TS_COND_FILL;
	put(1, 2, TS_TRIG_NOTE)->cond = TS_COND_NOT_FILL;
	ts_engine_config cfg = cfg_std();
	assert_string_equal(play_cfg(&pat, &cfg, false, 12000), "6000 90 3C 64\n"
								"12000 80 3C 40\n");
	assert_string_equal(play_cfg(&pat, &cfg, true, 12000), "0 90 3C 64\n"
							       "6000 80 3C 40\n");
}

static void test_cond_1st(void **state)
{
	(void)state;
	pat.length = 2; /* a pass is 12000 */
	ts_pattern_settle(&pat);
	put(1, 1, TS_TRIG_NOTE)->cond = TS_COND_1ST;
	put(1, 2, TS_TRIG_NOTE)->cond = TS_COND_NOT_1ST;
	assert_string_equal(play(&pat, 36000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "18000 90 3C 64\n"
					       "24000 80 3C 40\n"
					       "30000 90 3C 64\n"
					       "36000 80 3C 40\n");
}

static void test_cond_ab(void **state)
{
	(void)state;
	int half = len_idx(8);
	pat.length = 1; /* pass k starts at (k − 1)·6000 */
	ts_pattern_settle(&pat);
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->cond = (uint8_t)ts_cond_from_ab(2, 3); /* passes 2, 5, 8 */
	t->gate = (uint8_t)half;
	t = put(2, 1, TS_TRIG_NOTE);
	t->cond = (uint8_t)ts_cond_from_ab(1, 2); /* passes 1, 3, 5, 7 */
	t->gate = (uint8_t)half;
	assert_string_equal(play(&pat, 48000), "0 91 3C 64\n"
					       "3000 81 3C 40\n"
					       "6000 90 3C 64\n"
					       "9000 80 3C 40\n"
					       "12000 91 3C 64\n"
					       "15000 81 3C 40\n"
					       "24000 90 3C 64\n"
					       "24000 91 3C 64\n"
					       "27000 80 3C 40\n"
					       "27000 81 3C 40\n"
					       "36000 91 3C 64\n"
					       "39000 81 3C 40\n"
					       "42000 90 3C 64\n"
					       "45000 80 3C 40\n");
}

static void test_cond_pre(void **state)
{
	(void)state;
	int half = len_idx(8);
	pat.length = 4; /* a pass is 24000 */
	ts_pattern_settle(&pat);
	static const uint8_t conds1[4] = {TS_COND_1ST, TS_COND_PRE, TS_COND_PRE, TS_COND_NOT_PRE};
	for (int k = 0; k < 4; k++) {
		ts_trig *t = put(1, k + 1, TS_TRIG_NOTE);
		t->cond = conds1[k];
		t->gate = (uint8_t)half;
	}
	ts_trig *t = put(2, 1, TS_TRIG_NOTE);
	t->cond = TS_COND_PRE; /* nothing stored yet: false */
	t->gate = (uint8_t)half;
	t = put(2, 2, TS_TRIG_NOTE);
	t->cond = TS_COND_NOT_PRE; /* true */
	t->gate = (uint8_t)half;
	/* pass 1: 1st true (stored), pre, pre (the first pre did not overwrite), !pre false;
	 * pass 2: 1st false (stored), pre false, pre false, !pre true at 24000 + 18000 */
	assert_string_equal(play(&pat, 48000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "6000 91 3C 64\n"
					       "9000 80 3C 40\n"
					       "9000 81 3C 40\n"
					       "12000 90 3C 64\n"
					       "15000 80 3C 40\n"
					       "30000 91 3C 64\n"
					       "33000 81 3C 40\n"
					       "42000 90 3C 64\n"
					       "45000 80 3C 40\n");
}

static void test_cond_nei(void **state)
{
	(void)state;
	int half = len_idx(8);
	pat.length = 4;
	ts_pattern_settle(&pat);
	static const struct {
		int track, step;
		uint8_t cond;
	} trigs[] = {
		{1, 1, TS_COND_NOT_NEI}, /* track 1 has no neighbour: true, stores nothing */
		{1, 2, TS_COND_NEI},     /* false */
		{1, 3, TS_COND_1ST},     /* true, stored */
		{2, 1, TS_COND_NEI},     /* track 1 has no stored result yet: false */
		{2, 3, TS_COND_NEI},     /* track 1's result of this same step: true */
		{2, 4, TS_COND_NOT_NEI}, /* false */
	};
	for (size_t i = 0; i < sizeof(trigs) / sizeof(trigs[0]); i++) {
		ts_trig *t = put(trigs[i].track, trigs[i].step, TS_TRIG_NOTE);
		t->cond = trigs[i].cond;
		t->gate = (uint8_t)half;
	}
	assert_string_equal(play(&pat, 24000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "12000 90 3C 64\n"
					       "12000 91 3C 64\n"
					       "15000 80 3C 40\n"
					       "15000 81 3C 40\n");
}

static void test_cond_probability(void **state)
{
	(void)state;
	int half = len_idx(8);
	for (int k = 1; k <= 16; k++) {
		ts_trig *t = put(1, k, TS_TRIG_NOTE);
		t->cond = (uint8_t)ts_cond_from_percent(50);
		t->gate = (uint8_t)half;
		put(2, k, TS_TRIG_NOTE)->gate = (uint8_t)half;
		put(3, k, TS_TRIG_NOTE)->gate = (uint8_t)half;
		put(4, k, TS_TRIG_NOTE)->gate = (uint8_t)half;
	}
	pat.tracks[1].prob = 25; /* no condition: track prob */
	pat.tracks[2].prob = 0;
	/* track 4: prob 100, always */
	const uint64_t bars = 1000, frames = bars * 96000; /* 16000 trigs per track */
	ts_engine_config cfg = cfg_std();
	cfg.seed = 7;
	coll a = {0}, b = {0}, c = {0};
	render(&a, &pat, &cfg, false, frames, NULL, 0);
	render(&b, &pat, &cfg, false, frames, NULL, 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.v, b.v, a.n * sizeof(rec)); /* same seed, same output */
	/* 50%: mean 8000, sigma 63; 25%: mean 4000, sigma 55. Tolerances are > 5 sigma. */
	int on1 = count_note_ons(&a, 0x90), on2 = count_note_ons(&a, 0x91);
	assert_in_range(on1, 8000 - 400, 8000 + 400);
	assert_in_range(on2, 4000 - 300, 4000 + 300);
	assert_int_equal(count_note_ons(&a, 0x92), 0);
	assert_int_equal(count_note_ons(&a, 0x93), 16000);

	cfg.seed = 8; /* another seed, other draws */
	render(&c, &pat, &cfg, false, 96000 * 10, NULL, 0);
	bool differs = false;
	for (size_t i = 0; i < c.n && i < a.n && !differs; i++)
		differs = memcmp(&a.v[i], &c.v[i], sizeof(rec)) != 0;
	assert_true(differs);
	coll_free(&b);
	coll_free(&c);

	/* one stream per track: without tracks 2 … 4, track 1 draws the same */
	ts_pattern_init(&pat);
	for (int k = 1; k <= 16; k++) {
		ts_trig *t = put(1, k, TS_TRIG_NOTE);
		t->cond = (uint8_t)ts_cond_from_percent(50);
		t->gate = (uint8_t)half;
	}
	cfg.seed = 7;
	render(&b, &pat, &cfg, false, 96000 * 20, NULL, 0);
	size_t n1 = 0;
	for (size_t i = 0; i < a.n && a.v[i].frame < 96000 * 20; i++)
		if ((a.v[i].b[0] & 0x0F) == 0)
			a.v[n1++] = a.v[i];
	assert_int_equal(n1, b.n);
	assert_memory_equal(a.v, b.v, n1 * sizeof(rec));
	coll_free(&a);
	coll_free(&b);
}

/* A muted trig draws nothing: the same 50% trigs with or without muted 50% trigs between them. */
static void test_muted_trig_draws_nothing(void **state)
{
	(void)state;
	int half = len_idx(8);
	coll a = {0}, b = {0};
	ts_engine_config cfg = cfg_std();
	for (int k = 2; k <= 16; k += 2) {
		ts_trig *t = put(1, k, TS_TRIG_NOTE);
		t->cond = (uint8_t)ts_cond_from_percent(50);
		t->gate = (uint8_t)half;
	}
	render(&a, &pat, &cfg, false, 96000 * 20, NULL, 0);
	for (int k = 1; k <= 16; k += 2)
		put(1, k, TS_TRIG_MUTED)->cond = (uint8_t)ts_cond_from_percent(50);
	render(&b, &pat, &cfg, false, 96000 * 20, NULL, 0);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.v, b.v, a.n * sizeof(rec));
	coll_free(&a);
	coll_free(&b);
}

static void test_chord(void **state)
{
	(void)state;
	ts_track *tk = &pat.tracks[0];
	tk->nnotes = 3;
	tk->notes[0] = 60;
	tk->notes[1] = 64;
	tk->notes[2] = 67;
	put(1, 1, TS_TRIG_NOTE);
	ts_trig *t = put(1, 3, TS_TRIG_NOTE); /* the trig's own chord */
	t->nnotes = 2;
	t->notes[0] = 62;
	t->notes[1] = 65;
	assert_string_equal(play(&pat, 18000), "0 90 3C 64\n"
					       "0 90 40 64\n"
					       "0 90 43 64\n"
					       "6000 80 3C 40\n"
					       "6000 80 40 40\n"
					       "6000 80 43 40\n"
					       "12000 90 3E 64\n"
					       "12000 90 41 64\n"
					       "18000 80 3E 40\n"
					       "18000 80 41 40\n");
}

static void test_gate_inf(void **state)
{
	(void)state;
	pat.tracks[0].gate = TS_LEN_INF;
	put(1, 1, TS_TRIG_NOTE);
	note(1, 5, 62); /* ends 60 just before its note-on */
	lock(note(1, 9, 62), 74, 3); /* same note: off, then on again; locks before both */
	put(1, 13, TS_TRIG_NOTE)->cond = TS_COND_FILL; /* does not fire: 62 goes on sounding */
	assert_string_equal(play(&pat, 90000), "0 90 3C 64\n"
					       "24000 80 3C 40\n"
					       "24000 90 3E 64\n"
					       "48000 B0 4A 03\n"
					       "48000 80 3E 40\n"
					       "48000 90 3E 64\n"
					       "90000 80 3E 40\n");
}

static void test_note_cut(void **state)
{
	(void)state;
	/* same track: gate 4 steps; the second note-on ends the first (its 24000 note-off is
	 * dropped), the second ends at 6000 + 24000 */
	pat.tracks[0].gate = (uint8_t)len_idx(64);
	put(1, 1, TS_TRIG_NOTE);
	put(1, 2, TS_TRIG_NOTE);
	assert_string_equal(play(&pat, 36000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "30000 80 3C 40\n");

	/* two tracks on channel 1: track 2 cuts track 1's long note */
	put(1, 2, TS_TRIG_NONE);
	pat.tracks[1].channel = 1;
	put(2, 2, TS_TRIG_NOTE);
	assert_string_equal(play(&pat, 36000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "12000 80 3C 40\n");
	assert_int_equal(last.v[1].track, 1); /* the cut note is track 1's */
	assert_int_equal(last.v[2].track, 2);

	/* another port, same channel number: no cut */
	strcpy(pat.tracks[1].port, "synth");
	assert_string_equal(play(&pat, 36000), "0 90 3C 64\n"
					       "6000 90 3C 64\n"
					       "12000 80 3C 40\n"
					       "24000 80 3C 40\n");
	assert_int_equal(last.v[0].port, 0);
	assert_int_equal(last.v[1].port, 1);
	assert_int_equal(last.v[2].port, 1);

	/* equal frames: a track's own note-off before its note-on; across tracks, track order */
	ts_pattern_init(&pat);
	put(1, 1, TS_TRIG_NOTE);
	put(1, 2, TS_TRIG_NOTE);
	put(2, 1, TS_TRIG_NOTE);
	assert_string_equal(play(&pat, 12000), "0 90 3C 64\n"
					       "0 91 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "6000 81 3C 40\n"
					       "12000 80 3C 40\n");
	/* track 2's note-on at 6000 comes after track 1's note-off, though on the same channel */
	ts_pattern_init(&pat);
	pat.tracks[1].channel = 1;
	put(1, 1, TS_TRIG_NOTE);
	put(2, 2, TS_TRIG_NOTE);
	assert_string_equal(play(&pat, 12000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "12000 80 3C 40\n");
}

static void test_retrig(void **state)
{
	(void)state;
	/* 1/32, length 1: hits while i·16/32 < 1 -> i = 0, 1 (n = 2) every 3000; each lasts
	 * min(1, 1/2) step = 3000; velocity curve −100: 100, 100 − 100·1/2 = 50 = 0x32; the lock
	 * once before hit 0 */
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_rate = (uint8_t)rate_idx(32);
	t->retrig_vel = -100;
	lock(t, 74, 1);
	assert_string_equal(play(&pat, 12000), "0 B0 4A 01\n"
					       "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "3000 90 3C 32\n"
					       "6000 80 3C 40\n");
}

static void test_retrig_velocity_curve(void **state)
{
	(void)state;
	/* 1/64, length 1: n = 4 hits every 1500 frames, each 1500 long.
	 * track 1, +10: 100, 102.5 -> 103 (0x67), 105 (0x69), 107.5 -> 108 (0x6C)
	 * track 2, −10: 100, 97.5 -> 98 (0x62), 95 (0x5F), 92.5 -> 93 (0x5D) */
	static const int rv[2] = {10, -10};
	for (int k = 0; k < 2; k++) {
		ts_trig *t = put(k + 1, 1, TS_TRIG_NOTE);
		t->retrig = true;
		t->retrig_rate = (uint8_t)rate_idx(64);
		t->retrig_vel = (int16_t)rv[k];
	}
	assert_string_equal(play(&pat, 7000), "0 90 3C 64\n"
					      "0 91 3C 64\n"
					      "1500 80 3C 40\n"
					      "1500 90 3C 67\n"
					      "1500 81 3C 40\n"
					      "1500 91 3C 62\n"
					      "3000 80 3C 40\n"
					      "3000 90 3C 69\n"
					      "3000 81 3C 40\n"
					      "3000 91 3C 5F\n"
					      "4500 80 3C 40\n"
					      "4500 90 3C 6C\n"
					      "4500 81 3C 40\n"
					      "4500 91 3C 5D\n"
					      "6000 80 3C 40\n"
					      "6000 81 3C 40\n");
	/* clamps: 120 + 127·1/2 = 183.5 -> 127; 10 − 128·1/2 = −54 -> 1; the curve starts from
	 * the accented velocity: 100 + 32 = 132 -> 127, then 127 − 100/2 = 77 = 0x4D */
	ts_pattern_init(&pat);
	static const int vel[3] = {120, 10, 100}, rv2[3] = {127, -128, -100};
	for (int k = 0; k < 3; k++) {
		ts_trig *t = put(k + 1, 1, k == 2 ? TS_TRIG_ACCENT : TS_TRIG_NOTE);
		t->retrig = true;
		t->retrig_rate = (uint8_t)rate_idx(32);
		t->retrig_vel = (int16_t)rv2[k];
		t->vel = (uint8_t)vel[k];
	}
	assert_string_equal(play(&pat, 5000), "0 90 3C 78\n"
					      "0 91 3C 0A\n"
					      "0 92 3C 7F\n"
					      "3000 80 3C 40\n"
					      "3000 90 3C 7F\n"
					      "3000 81 3C 40\n"
					      "3000 91 3C 01\n"
					      "3000 82 3C 40\n"
					      "3000 92 3C 4D\n"
					      "5000 80 3C 40\n"
					      "5000 81 3C 40\n"
					      "5000 82 3C 40\n");
}

static void test_retrig_rates(void **state)
{
	(void)state;
	/* 1/5, length 8: i·16/5 < 8 -> i = 0, 1, 2; interval 3.2 steps = 19200; each hit
	 * min(gate 1, 3.2) = 6000 */
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_rate = (uint8_t)rate_idx(5);
	t->retrig_len = (uint8_t)len_idx(128);
	assert_string_equal(play(&pat, 60000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "19200 90 3C 64\n"
					       "25200 80 3C 40\n"
					       "38400 90 3C 64\n"
					       "44400 80 3C 40\n");
	/* 1/16, length 2, gate 0.5: two hits 6000 apart, each 3000 */
	t->retrig_rate = (uint8_t)rate_idx(16);
	t->retrig_len = (uint8_t)len_idx(32);
	t->gate = (uint8_t)len_idx(8);
	assert_string_equal(play(&pat, 20000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "9000 80 3C 40\n");
	/* 1/80, length 0.125: 0·16/80 < 0.125 but 1·0.2 is not: one hit, min(1, 0.2) = 1200 */
	t->retrig_rate = (uint8_t)rate_idx(80);
	t->retrig_len = 0;
	t->gate = TS_UNSET;
	assert_string_equal(play(&pat, 20000), "0 90 3C 64\n"
					       "1200 80 3C 40\n");
	/* at 2x (step 3000) 1/32, length 1: hits every 1500, each 1500; gate inf counts as longer
	 * than the interval */
	pat.speed = TS_SPEED_2X;
	ts_pattern_settle(&pat);
	t->retrig_rate = (uint8_t)rate_idx(32);
	t->retrig_len = TS_LEN_ONE;
	t->gate = TS_LEN_INF;
	assert_string_equal(play(&pat, 20000), "0 90 3C 64\n"
					       "1500 80 3C 40\n"
					       "1500 90 3C 64\n"
					       "3000 80 3C 40\n");
	/* 1/3 at 1x: interval 16/3 steps = 32000; length 16 -> i·16/3 < 16: i = 0, 1, 2 */
	ts_pattern_init(&pat);
	t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_rate = (uint8_t)rate_idx(3);
	t->retrig_len = (uint8_t)len_idx(256);
	assert_string_equal(play(&pat, 90000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "32000 90 3C 64\n"
					       "38000 80 3C 40\n"
					       "64000 90 3C 64\n"
					       "70000 80 3C 40\n");
}

static void test_retrig_inf(void **state)
{
	(void)state;
	/* endless 1/16 retrig from step 1, velocity constant; the next note trig (step 4, 18000)
	 * ends it: no hit at 18000 */
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_len = TS_LEN_INF;
	t->retrig_vel = 50;
	note(1, 4, 62);
	put(1, 3, TS_TRIG_LOCK); /* a lock trig does not end it */
	assert_string_equal(play(&pat, 30000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "12000 80 3C 40\n"
					       "12000 90 3C 64\n"
					       "18000 80 3C 40\n"
					       "18000 90 3E 64\n"
					       "24000 80 3E 40\n");
	/* alone, 1/8 (every 12000): until stop */
	ts_pattern_init(&pat);
	t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_len = TS_LEN_INF;
	t->retrig_rate = (uint8_t)rate_idx(8);
	assert_string_equal(play(&pat, 30000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "12000 90 3C 64\n"
					       "18000 80 3C 40\n"
					       "24000 90 3C 64\n"
					       "30000 80 3C 40\n");
	/* the next trig fires earlier than a hit by micro timing: step 3 with micro −12 at 9000
	 * stops the 1/32 hits (every 3000) from 9000 on */
	ts_pattern_init(&pat);
	t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_len = TS_LEN_INF;
	t->retrig_rate = (uint8_t)rate_idx(32);
	t = note(1, 3, 62);
	t->micro = -12;
	assert_string_equal(play(&pat, 16000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "3000 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "9000 80 3C 40\n"
					       "9000 90 3E 64\n"
					       "15000 80 3E 40\n");
}

/* Micro timing can make a step sound before the step evaluated just before it. What follows the
 * previous trig then follows it in time, not in evaluation order. */
static void test_reordered_trigs(void **state)
{
	(void)state;
	/* Lock returns: step 3 (micro −20: 12000 − 5000 = 7000) sounds before step 2 (micro +20:
	 * 6000 + 5000 = 11000), which locks 74. Step 3 follows step 1 in time, which locked
	 * nothing: no return at 7000. Step 5 (24000) follows step 2: 74 returns to 64.
	 * Gates 0.25 step = 1500 frames. */
	ts_track *tk = &pat.tracks[0];
	tk->base_cc[74] = 64;
	tk->gate = (uint8_t)len_idx(4);
	put(1, 1, TS_TRIG_NOTE);
	ts_trig *t = put(1, 2, TS_TRIG_NOTE);
	t->micro = 20;
	lock(t, 74, 10);
	put(1, 3, TS_TRIG_NOTE)->micro = -20;
	put(1, 5, TS_TRIG_NOTE);
	assert_string_equal(play(&pat, 30000), "0 B0 4A 40\n"
					       "0 90 3C 64\n"
					       "1500 80 3C 40\n"
					       "7000 90 3C 64\n"
					       "8500 80 3C 40\n"
					       "11000 B0 4A 0A\n"
					       "11000 90 3C 64\n"
					       "12500 80 3C 40\n"
					       "24000 B0 4A 40\n"
					       "24000 90 3C 64\n"
					       "25500 80 3C 40\n");
	/* Endless retrig 1/32 (hits every 3000) from step 1: step 4 (micro −20: 13000) is the next
	 * note trig in time, before step 3 (micro +20: 17000). Hits stop from 13000: the hit at
	 * 15000 is not played. Hits last min(gate 1, 1/32 = 0.5 step) = 3000. */
	ts_pattern_init(&pat);
	t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_len = TS_LEN_INF;
	t->retrig_rate = (uint8_t)rate_idx(32);
	note(1, 3, 62)->micro = 20;
	note(1, 4, 64)->micro = -20;
	assert_string_equal(play(&pat, 24000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "3000 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 90 3C 64\n"
					       "9000 80 3C 40\n"
					       "9000 90 3C 64\n"
					       "12000 80 3C 40\n"
					       "12000 90 3C 64\n"
					       "13000 90 40 64\n"
					       "15000 80 3C 40\n"
					       "17000 90 3E 64\n"
					       "19000 80 40 40\n"
					       "23000 80 3E 40\n");
}

/* Nothing sounds before play starts, on any pass: an advanced pattern whose master length
 * (2 steps = 12000) is shorter than a 1/8x step's micro offset (−12/24 · 48000 = −24000) puts
 * passes 2 and 3 of step 1 before frame 0 too; they are sent at 0 (each cutting the one before)
 * and their gates (0.125 step = 6000) count from 0. Pass 4 is at 36000 − 24000 = 12000. */
static void test_clamp_before_start(void **state)
{
	(void)state;
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 2;
	pat.tracks[0].speed = TS_SPEED_1_8X;
	pat.tracks[0].speed_set = true;
	ts_pattern_settle(&pat);
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->micro = -12;
	t->gate = (uint8_t)len_idx(2);
	assert_string_equal(play(&pat, 36000), "0 90 3C 64\n"
					       "0 80 3C 40\n"
					       "0 90 3C 64\n"
					       "0 80 3C 40\n"
					       "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "12000 90 3C 64\n"
					       "18000 80 3C 40\n"
					       "24000 90 3C 64\n"
					       "30000 80 3C 40\n");
}

/* Note-ons (status 9x, velocity > 0) of a collection, with frames shifted by `shift`. */
static size_t note_ons(const coll *c, uint64_t from, int64_t shift, rec *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n && n < max; i++) {
		const rec *r = &c->v[i];
		if (r->size == 3 && (r->b[0] & 0xF0) == 0x90 && r->b[2] > 0 && r->frame >= from) {
			out[n] = *r;
			out[n].frame = (uint64_t)((int64_t)r->frame + shift);
			n++;
		}
	}
	return n;
}

/* Play from position pos for `frames` frames (events framed from 0 = pos). */
static void render_from(coll *c, const ts_pattern *p, int64_t pos, uint64_t frames)
{
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, p), TS_OK);
	ts_engine_continue(eng, pos);
	/* positions are finer than frames: one frame is 1200·192/48000 = 4.8 U at 120 BPM */
	int64_t at = ts_engine_position(eng);
	assert_true(at > pos - 5 && at <= pos);
	for (uint64_t done = 0; done < frames; done += 700) {
		c->base = done;
		ts_engine_run(eng, (uint32_t)(frames - done < 700 ? frames - done : 700), collect, c);
	}
	ts_engine_free(eng);
}

/* Continuing at a position plays, from there on, exactly the note-ons that playing from the start
 * plays: same steps, passes (1st, A:B) and random draws. No pre/nei (their stored results start
 * empty), no micro timing (a negative one would reach before the position), swing 50. */
static void test_continue_matches_play(void **state)
{
	(void)state;
	static const uint8_t conds[] = {10, 30, TS_COND_1ST, TS_COND_NOT_1ST, TS_COND_NONE, 3, 38, 7};
	for (int variant = 0; variant < 2; variant++) {
		ts_pattern_init(&pat);
		if (variant == 1) {
			pat.mode = TS_MODE_ADVANCED;
			pat.length = 12; /* resets every 12 steps = 72000 frames */
		}
		for (int t = 1; t <= 4; t++) {
			ts_track *tk = &pat.tracks[t - 1];
			tk->prob = t == 4 ? 70 : 100;
			if (variant == 1) {
				tk->length = (uint8_t)(3 + 2 * t);
				tk->length_set = true;
				tk->speed = (uint8_t)(t == 2 ? TS_SPEED_2X : t == 3 ? TS_SPEED_3_4X : TS_SPEED_1X);
				tk->speed_set = true;
			}
		}
		ts_pattern_settle(&pat);
		for (int t = 1; t <= 4; t++)
			for (int k = 1; k <= pat.tracks[t - 1].length; k++)
				note(t, k, 40 + k)->cond = conds[(t + k) % 8];
		static const int64_t steps[] = {16, 21, 100};
		for (size_t i = 0; i < 3; i++) {
			int64_t pos = steps[i] * TS_UNITS_PER_STEP;
			uint64_t f0 = ts_pos_to_frame(pos, 48000, 1200), span = 200000;
			coll full = {0}, part = {0};
			render(&full, &pat, &(ts_engine_config){.rate = 48000, .seed = 1}, false, f0 + span,
			       NULL, 0);
			render_from(&part, &pat, pos, span);
			static rec a[4096], b[4096];
			size_t na = note_ons(&full, f0, -(int64_t)f0, a, 4096);
			size_t nb = note_ons(&part, 0, 0, b, 4096);
			assert_true(na > 20);
			assert_int_equal(na, nb);
			for (size_t k = 0; k < na; k++) {
				assert_int_equal(a[k].frame, b[k].frame);
				assert_memory_equal(a[k].b, b[k].b, 3);
			}
			coll_free(&full);
			coll_free(&part);
		}
	}
}

/* Continue at step 18 (position 17 · 28800 = 489600, frame 102000) with clock: Song Position
 * Pointer 17 sixteenths (F2 11 00), Continue, the tick at the position, and the next tick 1000
 * frames later; step 18 sounds at once. */
static void test_continue_clock(void **state)
{
	(void)state;
	note(1, 18 - 16, 62);
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	ts_engine_continue(eng, 17 * TS_UNITS_PER_STEP);
	coll c = {0};
	ts_engine_run(eng, 1500, collect, &c);
	assert_string_equal(text(&c), "0 F2 11 00\n"
				      "0 FB\n"
				      "0 F8\n"
				      "0 90 3E 64\n"
				      "1000 F8\n");
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.step[0], 2);
	assert_int_equal(st.pass[0], 2);
	coll_free(&c);
	ts_engine_free(eng);
}

static void test_slide(void **state)
{
	(void)state;
	/* legato: the next note-on first, then the slid note's note-off */
	put(1, 1, TS_TRIG_NOTE)->slide = true;
	note(1, 2, 64);
	assert_string_equal(play(&pat, 13000), "0 90 3C 64\n"
					       "6000 90 40 64\n"
					       "6000 80 3C 40\n"
					       "12000 80 40 40\n");
	/* tie: 64 is in both chords, not re-sent, and ends with step 2's gate */
	ts_pattern_init(&pat);
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->slide = true;
	t->nnotes = 2;
	t->notes[0] = 60;
	t->notes[1] = 64;
	t = put(1, 2, TS_TRIG_NOTE);
	t->nnotes = 2;
	t->notes[0] = 64;
	t->notes[1] = 67;
	assert_string_equal(play(&pat, 13000), "0 90 3C 64\n"
					       "0 90 40 64\n"
					       "6000 90 43 64\n"
					       "6000 80 3C 40\n"
					       "12000 80 40 40\n"
					       "12000 80 43 40\n");
	/* alone on its track (a lock trig is not a note trig): the gate applies */
	ts_pattern_init(&pat);
	put(1, 1, TS_TRIG_NOTE)->slide = true;
	put(1, 5, TS_TRIG_LOCK);
	assert_string_equal(play(&pat, 13000), "0 90 3C 64\n"
					       "6000 80 3C 40\n");
	/* held until stop when the next note trig is later */
	ts_pattern_init(&pat);
	put(1, 1, TS_TRIG_NOTE)->slide = true;
	note(1, 9, 64);
	assert_string_equal(play(&pat, 30000), "0 90 3C 64\n"
					       "30000 80 3C 40\n");
	/* with retrig the last hit slides: 1/32 hits at 0 and 3000; the second is held into
	 * step 2 */
	ts_pattern_init(&pat);
	t = put(1, 1, TS_TRIG_NOTE);
	t->slide = true;
	t->retrig = true;
	t->retrig_rate = (uint8_t)rate_idx(32);
	note(1, 2, 64);
	assert_string_equal(play(&pat, 13000), "0 90 3C 64\n"
					       "3000 80 3C 40\n"
					       "3000 90 3C 64\n"
					       "6000 90 40 64\n"
					       "6000 80 3C 40\n"
					       "12000 80 40 40\n");
}

static void test_stop(void **state)
{
	(void)state;
	ts_track *t1 = &pat.tracks[0];
	t1->gate = TS_LEN_INF;
	t1->nnotes = 2;
	t1->notes[0] = 67; /* sent in chord order, ended in ascending order */
	t1->notes[1] = 60;
	pat.tracks[1].gate = TS_LEN_INF;
	note(2, 1, 50);
	put(1, 1, TS_TRIG_NOTE);
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	ts_engine_start(eng);
	assert_true(ts_engine_running(eng));
	coll c = {0};
	ts_engine_run(eng, 12000, collect, &c);
	assert_int_equal(ts_engine_load(eng, &pat), TS_ERR_USAGE); /* not while playing */
	c.n = 0;
	c.base = 0;
	ts_engine_stop(eng, 100, collect, &c);
	assert_string_equal(text(&c), "100 FC\n"
				      "100 80 3C 40\n"
				      "100 80 43 40\n"
				      "100 81 32 40\n");
	assert_false(ts_engine_running(eng));
	c.n = 0;
	ts_engine_run(eng, 100000, collect, &c); /* stopped: nothing */
	ts_engine_stop(eng, 0, collect, &c);
	assert_int_equal(c.n, 0);
	/* start again: the same as the first time */
	ts_engine_start(eng);
	ts_engine_run(eng, 1, collect, &c);
	assert_string_equal(text(&c), "0 FA\n"
				      "0 F8\n"
				      "0 90 43 64\n"
				      "0 90 3C 64\n"
				      "0 91 32 64\n");
	ts_engine_free(eng);
	ts_engine_free(NULL);
	coll_free(&c);
}

static void test_clock(void **state)
{
	(void)state;
	put(1, 2, TS_TRIG_NOTE);
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	/* a tick every 6000/6 = 1000 frames; tick 6 before the note at 6000 */
	assert_string_equal(play_cfg(&pat, &cfg, false, 6001), "0 FA\n"
							       "0 F8\n"
							       "1000 F8\n"
							       "2000 F8\n"
							       "3000 F8\n"
							       "4000 F8\n"
							       "5000 F8\n"
							       "6000 F8\n"
							       "6000 90 3C 64\n"
							       "6001 FC\n"
							       "6001 80 3C 40\n");
	/* 123.7 BPM: tick k at floor(k·48000·60/(123.7·24) + 0.5) = floor(k·970.09 + 0.5) */
	ts_pattern_init(&pat);
	cfg.tempo10 = 1237;
	assert_string_equal(play_cfg(&pat, &cfg, false, 2500), "0 FA\n"
							       "0 F8\n"
							       "970 F8\n"
							       "1940 F8\n"
							       "2500 FC\n");
}

static void test_api_edges(void **state)
{
	(void)state;
	ts_engine_config cfg = cfg_std();
	cfg.rate = 999;
	assert_null(ts_engine_new(&cfg));
	cfg = cfg_std();
	cfg.tempo10 = 299;
	assert_null(ts_engine_new(&cfg));
	assert_null(ts_engine_new(NULL));
	cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	pat.tracks[0].steps[0].kind = TS_TRIG_NOTE;
	pat.tracks[0].steps[0].micro = 24;
	assert_int_equal(ts_engine_load(eng, &pat), TS_ERR_RANGE);
	pat.tracks[0].steps[0].micro = 0;
	pat.tracks[0].steps[0].cond = 65;
	assert_int_equal(ts_engine_load(eng, &pat), TS_ERR_RANGE);
	pat.tracks[0].steps[0].cond = TS_COND_NONE;
	pat.tracks[0].channel = 17;
	assert_int_equal(ts_engine_load(eng, &pat), TS_ERR_RANGE);
	pat.tracks[0].channel = 1;
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	/* the default pattern of a new engine plays nothing */
	ts_engine_free(eng);
	eng = ts_engine_new(&cfg);
	coll c = {0};
	ts_engine_run(eng, 100, collect, &c); /* not started: nothing */
	ts_engine_start(eng);
	ts_engine_run(eng, 100000, collect, &c);
	ts_engine_stop(eng, 0, collect, &c);
	assert_int_equal(c.n, 0);
	ts_engine_free(eng);
	coll_free(&c);
}

/* ---- the property: period sizes do not change the output ---- */

static uint64_t rnd_state;

static uint32_t rnd(uint32_t n)
{
	rnd_state = rnd_state * 6364136223846793005u + 1442695040888963407u;
	return (uint32_t)((rnd_state >> 33) % n);
}

/* 12 tracks with every feature: advanced mode, speeds and lengths of all kinds, negative micro,
 * swing, finite and endless retrigs, slides, endless gates, chords, locks, every condition kind,
 * shared channels, two ports, a muted and a channel-off track. */
static void dense_pattern(ts_pattern *p, uint64_t seed, bool master_inf)
{
	static const uint8_t conds[] = {TS_COND_NONE, TS_COND_NONE, TS_COND_NONE, 10, 3, 18,
					31, 33, 47, TS_COND_FILL, TS_COND_NOT_FILL, TS_COND_PRE,
					TS_COND_NOT_PRE, TS_COND_NEI, TS_COND_NOT_NEI, TS_COND_1ST,
					TS_COND_NOT_1ST};
	rnd_state = seed;
	ts_pattern_init(p);
	p->mode = TS_MODE_ADVANCED;
	p->length = master_inf ? 0 : 37;
	p->speed = TS_SPEED_1X;
	p->swing = 62;
	for (int t = 0; t < TS_TRACKS; t++) {
		ts_track *tk = &p->tracks[t];
		tk->speed = (uint8_t)(t % TS_SPEED_COUNT);
		tk->speed_set = true;
		tk->length = (uint8_t)(3 + rnd(62));
		tk->length_set = true;
		tk->prob = (uint8_t)(t % 3 == 0 ? 70 : 100);
		tk->program = (int16_t)(t % 2 ? t : TS_PROGRAM_NONE);
		tk->base_cc[10 + t] = (int16_t)(t * 5);
		tk->base_cc[74] = 64;
		tk->retrig_vel = (int16_t)(rnd(200) - 100);
		if (t == 5)
			tk->channel = 5; /* shares channel 5 with track 5 */
		if (t == 8)
			strcpy(tk->port, "synth");
		tk->mute = t == 10;
		if (t == 11)
			tk->channel = TS_CHANNEL_OFF;
		/* internal voices: int+ext (one on the shared channel, one with channel off), int,
		 * int without a sample (silent), ext with a sample (no voice) */
		static const uint8_t dests[TS_TRACKS] = {
			TS_DEST_EXT, TS_DEST_INT_EXT, TS_DEST_EXT, TS_DEST_INT, TS_DEST_EXT,
			TS_DEST_INT_EXT, TS_DEST_EXT, TS_DEST_INT, TS_DEST_EXT, TS_DEST_EXT,
			TS_DEST_INT, TS_DEST_INT_EXT};
		tk->dest = dests[t];
		if (t != 7)
			strcpy(tk->sample, t == 9 ? "unheard.wav" : "hit.wav");
		for (int k = 0; k < tk->length; k++) {
			ts_trig *tr = &tk->steps[k];
			uint32_t kind = rnd(10);
			tr->kind = kind < 6   ? TS_TRIG_NOTE
				   : kind < 7 ? TS_TRIG_ACCENT
				   : kind < 8 ? TS_TRIG_LOCK
				   : kind < 9 ? TS_TRIG_MUTED
					      : TS_TRIG_NONE;
			tr->micro = (int8_t)(rnd(47) - 23);
			tr->cond = conds[rnd(sizeof(conds))];
			if (rnd(4) == 0) {
				tr->nnotes = (uint8_t)(1 + rnd(4));
				for (int n = 0; n < tr->nnotes; n++)
					tr->notes[n] = (uint8_t)(55 + rnd(12));
			}
			if (rnd(3) == 0)
				tr->gate = (uint8_t)(rnd(5) == 0 ? TS_LEN_INF : rnd(80));
			if (rnd(4) == 0) {
				tr->retrig = true;
				tr->retrig_rate = (uint8_t)rnd(TS_RATE_COUNT);
				tr->retrig_len = (uint8_t)(rnd(6) == 0 ? TS_LEN_INF : rnd(70));
			}
			tr->slide = rnd(6) == 0;
			tr->swing = (uint8_t)rnd(3);
			int nl = (int)rnd(4);
			for (int l = 0; l < nl; l++)
				lock(tr, l == 0 ? 74 : (int)(10 + rnd(20)), (int)rnd(128));
			/* locks name each controller once */
			if (tr->nlocks == 3 && tr->locks[1].cc == tr->locks[2].cc)
				tr->nlocks = 2;
		}
	}
	ts_pattern_settle(p);
}

static void test_period_independence(void **state)
{
	(void)state;
	static const uint32_t one[] = {1}, p64[] = {64}, p256[] = {256}, p1024[] = {1024},
			      random_sizes[] = {0}, mixed[] = {7, 1, 999, 64, 3, 2048, 1};
	static const struct {
		const uint32_t *v;
		size_t n;
	} splits[] = {{one, 1}, {p64, 1}, {p256, 1}, {p1024, 1}, {random_sizes, 1}, {mixed, 7}};
	static ts_pattern dense;
	const uint64_t frames = 16 * 96000; /* 16 bars */
	for (uint64_t seed = 1; seed <= 4; seed++) {
		dense_pattern(&dense, seed * 7919, seed == 4);
		ts_engine_config cfg = cfg_std();
		cfg.seed = seed;
		cfg.send_clock = seed % 2 == 0;
		cfg.tempo10 = (uint16_t)(seed == 3 ? 1237 : 0);
		bool fill = seed == 2;
		coll whole = {0};
		render(&whole, &dense, &cfg, fill, frames, NULL, 0);
		assert_true(whole.n > 1000);
		size_t voices = 0;
		for (size_t i = 0; i < whole.n; i++)
			voices += whole.v[i].port == TS_PORT_VOICE;
		assert_true(voices > 100);
		for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
			coll part = {0};
			render(&part, &dense, &cfg, fill, frames, splits[s].v, splits[s].n);
			assert_int_equal(part.n, whole.n);
			for (size_t i = 0; i < whole.n; i++)
				if (memcmp(&part.v[i], &whole.v[i], sizeof(rec)) != 0)
					fail_msg("seed %llu split %zu: event %zu differs (frame %llu vs "
						 "%llu)",
						 (unsigned long long)seed, s, i,
						 (unsigned long long)part.v[i].frame,
						 (unsigned long long)whole.v[i].frame);
			coll_free(&part);
		}
		/* frames never go backwards */
		for (size_t i = 1; i < whole.n; i++)
			assert_true(whole.v[i].frame >= whole.v[i - 1].frame);
		coll_free(&whole);
	}
}

/* ---- no allocation after ts_engine_new ---- */

static unsigned long counted;

static void count_sink(void *ctx, const ts_event *ev)
{
	(void)ctx;
	counted += ev->size;
}

static void test_no_allocation(void **state)
{
	(void)state;
	/* a chain of the dense pattern and a variant, so pattern changes, queueing and updates run
	 * too (an update with a third version, every 3 s) */
	static ts_pattern dense[3];
	dense_pattern(&dense[0], 99, false);
	dense_pattern(&dense[1], 98, false);
	dense_pattern(&dense[2], 97, false);
	dense[1].change = 7;
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	cfg.chain_max = 2;
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, dense, 2), TS_OK);
	alloc_count_init();
	unsigned long a0 = n_allocs, f0 = n_frees;
	ts_engine_status st;
	for (int round = 0; round < 2; round++) {
		ts_engine_set_fill(eng, round == 1);
		ts_engine_start(eng);
		/* 10 minutes of audio in 64-frame periods, then 10 more in 256-frame ones */
		for (uint64_t f = 0; f < 48000ULL * 600; f += 64)
			ts_engine_run(eng, 64, count_sink, NULL);
		for (uint64_t f = 0; f < 48000ULL * 600; f += 256) {
			if (f % (48000 * 5) == 0)
				ts_engine_queue(eng, (int)(f / 256 % 2));
			if (f % (48000 * 3) == 0)
				ts_engine_update(eng, (int)(f / 256 % 2), &dense[f / 7 % 3]);
			if (f % (48000 * 2) == 0)
				ts_engine_set_tempo(eng, (uint16_t)(600 + f / 256 % 1800));
			ts_engine_run(eng, 256, count_sink, NULL);
		}
		ts_engine_get_status(eng, &st);
		assert_true(st.changes > 100);
		ts_engine_stop(eng, 0, count_sink, NULL);
		assert_int_equal(ts_engine_update(eng, 0, &dense[2 - round]), TS_OK); /* stopped */
		assert_int_equal(ts_engine_set_tempo(eng, 1200), TS_OK);
	}
	assert_true(st.updates > 100);
	unsigned long a1 = n_allocs, f1 = n_frees;
	assert_int_equal(a1 - a0, 0);
	assert_int_equal(f1 - f0, 0);
	assert_true(counted > 100000);
	assert_int_equal(st.lost_events, 0);
	ts_engine_free(eng);
}


/* ---- chains ---- */

static ts_pattern chain[3];

/* Pattern building on `pat`, then keeping it as chain[k]. */
static void keep(int k)
{
	ts_pattern_settle(&pat);
	chain[k] = pat;
	ts_pattern_init(&pat);
}

static const char *play_chain(int n, uint64_t frames)
{
	ts_engine_config cfg = cfg_std();
	coll_free(&last);
	render_chain(&last, chain, n, &cfg, false, frames, NULL, 0);
	return text(&last);
}

/* ---- voices (engine.h, "Destinations" and "Voice events") ---- */

static void voice(int track, int dest)
{
	ts_track *tk = &pat.tracks[track - 1];
	strcpy(tk->sample, "hit.wav");
	tk->dest = (uint8_t)dest;
}

/* Every voice event is {0x90, note, velocity} of its track, on TS_PORT_VOICE. */
static void assert_voice_events_well_formed(const coll *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const rec *r = &c->v[i];
		if (r->port != TS_PORT_VOICE)
			continue;
		assert_int_equal(r->size, 3);
		assert_int_equal(r->b[0], 0x90);
		assert_true(r->track >= 1 && r->track <= TS_TRACKS);
		assert_true(r->b[2] >= 1 && r->b[2] <= 127);
	}
}

/* Each dest, and what decides MIDI and voice: the same trigs on six tracks, each with a program,
 * a base value of cc 7 and a lock of it on step 1. */
static void test_voice_dest(void **state)
{
	(void)state;
	for (int t = 1; t <= 6; t++) {
		pat.tracks[t - 1].program = 5;
		pat.tracks[t - 1].base_cc[7] = 1;
		lock(put(t, 1, TS_TRIG_NOTE), 7, 2);
		put(t, 2, TS_TRIG_NOTE);
	}
	voice(1, TS_DEST_EXT);     /* a sample, but dest ext: MIDI only */
	voice(2, TS_DEST_INT);     /* voice only: no notes, locks, program or base cc */
	voice(3, TS_DEST_INT_EXT); /* both: the voice event right after the note-on */
	pat.tracks[3].dest = TS_DEST_INT; /* int without a sample: nothing at all */
	voice(5, TS_DEST_INT_EXT);
	pat.tracks[4].channel = TS_CHANNEL_OFF; /* no MIDI, the voice plays */
	voice(6, TS_DEST_INT_EXT);
	pat.tracks[5].send_midi = false; /* likewise */
	assert_string_equal(play(&pat, 12000), "0 C0 05\n"
					       "0 B0 07 01\n"
					       "0 C2 05\n"
					       "0 B2 07 01\n"
					       "0 B0 07 02\n"
					       "0 90 3C 64\n"
					       "0 voice 90 3C 64\n"
					       "0 B2 07 02\n"
					       "0 92 3C 64\n"
					       "0 voice 90 3C 64\n"
					       "0 voice 90 3C 64\n"
					       "0 voice 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "6000 B0 07 01\n"
					       "6000 90 3C 64\n"
					       "6000 voice 90 3C 64\n"
					       "6000 82 3C 40\n"
					       "6000 B2 07 01\n"
					       "6000 92 3C 64\n"
					       "6000 voice 90 3C 64\n"
					       "6000 voice 90 3C 64\n"
					       "6000 voice 90 3C 64\n"
					       "12000 80 3C 40\n"
					       "12000 82 3C 40\n");
	static const int tracks[] = {2, 3, 5, 6, 2, 3, 5, 6};
	size_t k = 0;
	for (size_t i = 0; i < last.n; i++) {
		if (last.v[i].port != TS_PORT_VOICE)
			continue;
		assert_true(k < 8);
		assert_int_equal(last.v[i].track, tracks[k++]);
	}
	assert_int_equal(k, 8);
	assert_voice_events_well_formed(&last);
}

/* Velocity, accent (clamped), chords: one event per note, in the chord's order. */
static void test_voice_notes(void **state)
{
	(void)state;
	voice(1, TS_DEST_INT);
	put(1, 1, TS_TRIG_NOTE);
	put(1, 2, TS_TRIG_ACCENT); /* 100 + 32 -> 127 */
	ts_trig *t = put(1, 3, TS_TRIG_NOTE);
	t->nnotes = 3;
	t->notes[0] = 67;
	t->notes[1] = 60;
	t->notes[2] = 64;
	t->vel = 50;
	put(1, 4, TS_TRIG_ACCENT)->vel = 90; /* 122 = 0x7A */
	assert_string_equal(play(&pat, 24000), "0 voice 90 3C 64\n"
					       "6000 voice 90 3C 7F\n"
					       "12000 voice 90 43 32\n"
					       "12000 voice 90 3C 32\n"
					       "12000 voice 90 40 32\n"
					       "18000 voice 90 3C 7A\n");
	assert_voice_events_well_formed(&last);
}

/* Each retrig hit with its velocity curve (test_retrig_velocity_curve's figures); an endless
 * retrig until the track's next note trig. */
static void test_voice_retrig(void **state)
{
	(void)state;
	static const int rv[2] = {10, -10};
	for (int k = 0; k < 2; k++) {
		ts_trig *t = put(k + 1, 1, TS_TRIG_NOTE);
		t->retrig = true;
		t->retrig_rate = (uint8_t)rate_idx(64);
		t->retrig_vel = (int16_t)rv[k];
	}
	voice(1, TS_DEST_INT_EXT);
	voice(2, TS_DEST_INT);
	assert_string_equal(play(&pat, 7000), "0 90 3C 64\n"
					      "0 voice 90 3C 64\n"
					      "0 voice 90 3C 64\n"
					      "1500 80 3C 40\n"
					      "1500 90 3C 67\n"
					      "1500 voice 90 3C 67\n"
					      "1500 voice 90 3C 62\n"
					      "3000 80 3C 40\n"
					      "3000 90 3C 69\n"
					      "3000 voice 90 3C 69\n"
					      "3000 voice 90 3C 5F\n"
					      "4500 80 3C 40\n"
					      "4500 90 3C 6C\n"
					      "4500 voice 90 3C 6C\n"
					      "4500 voice 90 3C 5D\n"
					      "6000 80 3C 40\n");
	ts_pattern_init(&pat);
	voice(1, TS_DEST_INT);
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_len = TS_LEN_INF;
	t->retrig_vel = 50; /* no curve without an end */
	put(1, 3, TS_TRIG_LOCK); /* a lock trig does not end it */
	note(1, 4, 62);
	assert_string_equal(play(&pat, 30000), "0 voice 90 3C 64\n"
					       "6000 voice 90 3C 64\n"
					       "12000 voice 90 3C 64\n"
					       "18000 voice 90 3E 64\n");
}

/* Conditions, fill, mute, lock and muted trigs: as for notes. */
static void test_voice_conditions(void **state)
{
	(void)state;
	pat.length = 2;
	ts_pattern_settle(&pat);
	for (int t = 1; t <= 6; t++)
		voice(t, t == 3 ? TS_DEST_INT_EXT : TS_DEST_INT);
	put(1, 1, TS_TRIG_NOTE)->cond = TS_COND_FILL;
	put(1, 2, TS_TRIG_NOTE)->cond = TS_COND_NOT_FILL;
	pat.tracks[1].mute = true;
	put(2, 1, TS_TRIG_NOTE);
	put(3, 1, TS_TRIG_MUTED);
	lock(put(3, 2, TS_TRIG_LOCK), 74, 1); /* its cc, no note and no voice */
	put(4, 1, TS_TRIG_NOTE)->cond = TS_COND_1ST;
	put(4, 2, TS_TRIG_NOTE)->cond = TS_COND_PRE;
	pat.tracks[4].prob = 0;
	put(5, 1, TS_TRIG_NOTE);
	put(6, 2, TS_TRIG_NOTE)->cond = TS_COND_NEI; /* track 5's draws store nothing: false */
	ts_engine_config cfg = cfg_std();
	/* 1st and pre are true on pass 1 only: step 1 of pass 2 at 12000 is not */
	assert_string_equal(play_cfg(&pat, &cfg, false, 24000), "0 voice 90 3C 64\n"
								 "6000 voice 90 3C 64\n"
								 "6000 B2 4A 01\n"
								 "6000 voice 90 3C 64\n"
								 "18000 voice 90 3C 64\n"
								 "18000 B2 4A 01\n");
	assert_string_equal(play_cfg(&pat, &cfg, true, 12000), "0 voice 90 3C 64\n"
								"0 voice 90 3C 64\n"
								"6000 B2 4A 01\n"
								"6000 voice 90 3C 64\n");
	/* probability: the voice fires exactly when the note does (same draw) */
	ts_pattern_init(&pat);
	pat.tracks[0].prob = 50;
	for (int k = 1; k <= 16; k++)
		put(1, k, TS_TRIG_NOTE)->cond = (uint8_t)(k % 2 ? TS_COND_NONE : ts_cond_from_percent(50));
	voice(1, TS_DEST_INT_EXT);
	play(&pat, 16 * 6000 * 4);
	int ons = 0, voices = 0;
	for (size_t i = 0; i < last.n; i++) {
		const rec *r = &last.v[i];
		if (r->b[0] == 0x90 && r->port != TS_PORT_VOICE) {
			ons++;
			assert_true(i + 1 < last.n);
			assert_int_equal(last.v[i + 1].port, TS_PORT_VOICE);
			assert_int_equal(last.v[i + 1].frame, r->frame);
		}
		voices += r->port == TS_PORT_VOICE;
	}
	assert_int_equal(ons, voices);
	assert_true(ons > 10 && ons < 54); /* some fired, some did not */
}

/* Micro timing (clamped at the start), swing. */
static void test_voice_timing(void **state)
{
	(void)state;
	pat.swing = 62; /* even steps 0.24 step late: 1440 frames */
	voice(1, TS_DEST_INT);
	put(1, 1, TS_TRIG_NOTE)->micro = -12; /* clamped to 0 on the first pass */
	put(1, 2, TS_TRIG_NOTE);
	put(1, 3, TS_TRIG_NOTE)->micro = 5;   /* + 1250 */
	put(1, 4, TS_TRIG_NOTE)->swing = TS_SWING_OFF;
	assert_string_equal(play(&pat, 24000), "0 voice 90 3C 64\n"
					       "7440 voice 90 3C 64\n"
					       "13250 voice 90 3C 64\n"
					       "18000 voice 90 3C 64\n");
	/* pass 2's step 1 is not clamped: 96000 − 3000 */
	play(&pat, 96000);
	assert_int_equal(last.v[4].frame, 93000);
	assert_int_equal(last.v[4].port, TS_PORT_VOICE);
}

/* Slides and ties: a tied note plays no new voice event, and the voice's ties are the track's
 * own: another track on its channel that cuts the held note on MIDI does not untie it. */
static void test_voice_slide(void **state)
{
	(void)state;
	for (int dest = TS_DEST_INT; dest <= TS_DEST_INT_EXT; dest++) {
		ts_pattern_init(&pat);
		voice(1, dest);
		ts_trig *t = put(1, 1, TS_TRIG_NOTE);
		t->slide = true;
		t->nnotes = 2;
		t->notes[0] = 60;
		t->notes[1] = 64;
		t = put(1, 2, TS_TRIG_NOTE);
		t->nnotes = 2;
		t->notes[0] = 64;
		t->notes[1] = 67;
		if (dest == TS_DEST_INT)
			assert_string_equal(play(&pat, 13000), "0 voice 90 3C 64\n"
							       "0 voice 90 40 64\n"
							       "6000 voice 90 43 64\n");
		else
			assert_string_equal(play(&pat, 13000), "0 90 3C 64\n"
							       "0 90 40 64\n"
							       "0 voice 90 3C 64\n"
							       "0 voice 90 40 64\n"
							       "6000 90 43 64\n"
							       "6000 80 3C 40\n"
							       "6000 voice 90 43 64\n"
							       "12000 80 40 40\n"
							       "12000 80 43 40\n");
		/* track 2 on channel 1 strikes 64 at 3000: on MIDI it cuts track 1's held 64, which
		 * is then struck again at 6000, not tied; the voice still ties it */
		pat.tracks[1].channel = 1;
		note(2, 1, 64)->micro = 12;
		if (dest == TS_DEST_INT)
			assert_string_equal(play(&pat, 13000), "0 voice 90 3C 64\n"
							       "0 voice 90 40 64\n"
							       "3000 90 40 64\n"
							       "6000 voice 90 43 64\n"
							       "9000 80 40 40\n");
		else
			assert_string_equal(play(&pat, 13000), "0 90 3C 64\n"
							       "0 90 40 64\n"
							       "0 voice 90 3C 64\n"
							       "0 voice 90 40 64\n"
							       "3000 80 40 40\n"
							       "3000 90 40 64\n"
							       "6000 80 40 40\n"
							       "6000 90 40 64\n"
							       "6000 90 43 64\n"
							       "6000 80 3C 40\n"
							       "6000 voice 90 43 64\n"
							       "12000 80 40 40\n"
							       "12000 80 43 40\n");
	}
	/* a slide into a note trig of the next pattern is not a tie: the change point ends it */
	ts_pattern_init(&pat);
	pat.length = 2;
	voice(1, TS_DEST_INT);
	put(1, 1, TS_TRIG_NOTE);
	put(1, 2, TS_TRIG_NOTE)->slide = true;
	keep(0);
	pat.length = 2;
	voice(1, TS_DEST_INT);
	put(1, 1, TS_TRIG_NOTE);
	put(1, 2, TS_TRIG_NOTE);
	keep(1);
	assert_string_equal(play_chain(2, 24000), "0 voice 90 3C 64\n"
						  "6000 voice 90 3C 64\n"
						  "12000 voice 90 3C 64\n"
						  "18000 voice 90 3C 64\n");
	/* within one pattern, the same slide ties: step 1 of pass 2 plays nothing new */
	assert_string_equal(play(&chain[0], 24000), "0 voice 90 3C 64\n"
						    "6000 voice 90 3C 64\n"
						    "18000 voice 90 3C 64\n");
}

/* The voice events of a track are its note-ons (frame, note, velocity) when it has a channel of
 * its own, and the same whatever its channel, port, send-midi or dest int / int+ext. */
static void test_voice_matches_notes(void **state)
{
	(void)state;
	static ts_pattern own, other;
	const uint64_t frames = 16 * 96000;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		dense_pattern(&own, seed * 104729, seed == 3);
		other = own;
		for (int t = 0; t < TS_TRACKS; t++) {
			ts_track *tk = &own.tracks[t];
			tk->channel = (uint8_t)(t + 1);
			tk->send_midi = true;
			tk->dest = TS_DEST_INT_EXT;
			strcpy(tk->sample, "hit.wav");
			/* as dense, channels shared and off, but every track with a voice */
			other.tracks[t].dest = t % 2 ? TS_DEST_INT : TS_DEST_INT_EXT;
			strcpy(other.tracks[t].sample, "hit.wav");
			other.tracks[t].send_midi = t % 3 != 0;
		}
		ts_engine_config cfg = cfg_std();
		cfg.seed = seed;
		coll a = {0}, b = {0};
		render(&a, &own, &cfg, seed == 2, frames, NULL, 0);
		render(&b, &other, &cfg, seed == 2, frames, NULL, 0);
		assert_voice_events_well_formed(&a);
		assert_voice_events_well_formed(&b);
		size_t nv = 0, ib = 0;
		for (size_t i = 0; i < a.n; i++) {
			const rec *r = &a.v[i];
			if (r->port != TS_PORT_VOICE)
				continue;
			nv++;
			while (ib < b.n && b.v[ib].port != TS_PORT_VOICE)
				ib++;
			assert_true(ib < b.n);
			assert_memory_equal(&b.v[ib++], r, sizeof(*r));
		}
		while (ib < b.n)
			assert_true(b.v[ib++].port != TS_PORT_VOICE);
		assert_true(nv > 500);
		/* per track, the note-ons and the voice events, in order */
		for (int t = 1; t <= TS_TRACKS; t++) {
			size_t iv = 0, n = 0;
			for (size_t i = 0; i < a.n; i++) {
				const rec *on = &a.v[i];
				if (on->track != t || on->port == TS_PORT_VOICE ||
				    on->b[0] != (0x90 | (t - 1)))
					continue;
				while (iv < a.n && (a.v[iv].track != t || a.v[iv].port != TS_PORT_VOICE))
					iv++;
				assert_true(iv < a.n);
				assert_int_equal(a.v[iv].frame, on->frame);
				assert_int_equal(a.v[iv].b[1], on->b[1]);
				assert_int_equal(a.v[iv].b[2], on->b[2]);
				iv++;
				n++;
			}
			while (iv < a.n && (a.v[iv].track != t || a.v[iv].port != TS_PORT_VOICE))
				iv++;
			assert_true(iv == a.n);
			assert_true(t == 11 || n > 0); /* track 11 is muted */
		}
		coll_free(&a);
		coll_free(&b);
	}
}

/* A voice event names the chain index of its trig's pattern: the mixer plays that pattern's
 * sample. */
static void test_voice_pattern_index(void **state)
{
	(void)state;
	pat.length = 2;
	voice(1, TS_DEST_INT);
	note(1, 1, 60);
	keep(0);
	pat.length = 2;
	voice(1, TS_DEST_INT);
	note(1, 1, 62);
	keep(1);
	assert_string_equal(play_chain(2, 48000), "0 voice 90 3C 64\n12000 voice 90 3E 64\n"
						  "24000 voice 90 3C 64\n36000 voice 90 3E 64\n");
	for (size_t i = 0; i < last.n; i++)
		assert_int_equal(last.v[i].pattern, last.v[i].b[1] == 62);
}

/* The metronome: an event on every quarter note, the bar's first beat accented; switched on
 * while playing, it starts at the next beat, and it runs without the MIDI clock. */
static void test_click(void **state)
{
	(void)state;
	note(1, 1, 60);
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	coll c = {0};
	ts_engine_start(eng);
	ts_engine_run(eng, 30000, collect, &c);
	assert_int_equal(c.n, 2); /* the note, its note-off: no click yet */
	ts_engine_set_click(eng, true);
	for (c.base = 30000; c.base < 200000; c.base += 1000)
		ts_engine_run(eng, 1000, collect, &c);
	static const uint64_t beat[] = {48000, 72000, 96000, 120000, 144000, 168000, 192000};
	size_t k = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (c.v[i].port != TS_PORT_VOICE)
			continue;
		assert_true(k < 7);
		assert_int_equal(c.v[i].track, 0);
		assert_int_equal(c.v[i].frame, beat[k]);
		assert_int_equal(c.v[i].b[0], 0x90);
		assert_int_equal(c.v[i].b[1], beat[k] == 96000 || beat[k] == 192000);
		assert_int_equal(c.v[i].b[2], 127);
		k++;
	}
	assert_int_equal(k, 7);
	/* Start with the click on: the first beat at frame 0, accented */
	ts_engine_stop(eng, 0, collect, &c);
	coll_free(&c);
	ts_engine_start(eng);
	ts_engine_run(eng, 100, collect, &c);
	assert_int_equal(c.n, 2);
	assert_true(c.v[0].port == TS_PORT_VOICE && c.v[0].frame == 0 && c.v[0].b[1] == 1);
	assert_int_equal(c.v[1].port, 0); /* the note, after the click as clock comes first */
	coll_free(&c);
	ts_engine_free(eng);
}

/* A plays until its change point (its length, 4 steps = 24000), then B (2 steps), then A again,
 * each at step 1 of pass 1 (1ST is true again), each sending its programs and base values at its
 * change point before any note. */
static void test_chain_basic(void **state)
{
	(void)state;
	pat.length = 4;
	pat.tracks[0].program = 5;
	note(1, 1, 60);
	note(1, 3, 60)->cond = TS_COND_1ST;
	keep(0);
	pat.length = 2;
	pat.tempo10 = 1300; /* not used: the chain plays at A's tempo */
	pat.tracks[0].channel = 2;
	pat.tracks[0].program = 7;
	pat.tracks[0].base_cc[74] = 10;
	note(1, 1, 62);
	keep(1);
	assert_string_equal(play_chain(2, 60000),
			    "0 C0 05\n0 90 3C 64\n6000 80 3C 40\n12000 90 3C 64\n18000 80 3C 40\n"
			    "24000 C1 07\n24000 B1 4A 0A\n24000 91 3E 64\n30000 81 3E 40\n"
			    "36000 C0 05\n36000 90 3C 64\n42000 80 3C 40\n48000 90 3C 64\n"
			    "54000 80 3C 40\n");
	/* a single pattern loops on its own: no setup again at its length */
	assert_string_equal(play_chain(1, 30000),
			    "0 C0 05\n0 90 3C 64\n6000 80 3C 40\n12000 90 3C 64\n18000 80 3C 40\n"
			    "24000 90 3C 64\n30000 80 3C 40\n");
}

/* `change 2`: A hands over after 2 steps, while its swung, late step 2 (6000 + swing
 * (2·80/100 − 1)·6000 = 3600 + micro 23·250 = 5750 → 15350) still sounds after the change point;
 * B's first trig, 12 / 24 early, is clamped to its start. */
static void test_chain_change_point(void **state)
{
	(void)state;
	pat.length = 4;
	pat.change = 2;
	pat.swing = 80;
	note(1, 1, 60);
	note(1, 2, 64)->micro = 23;
	keep(0);
	pat.length = 2;
	note(1, 1, 67)->micro = -12;
	keep(1);
	assert_string_equal(play_chain(2, 48000),
			    "0 90 3C 64\n6000 80 3C 40\n12000 90 43 64\n15350 90 40 64\n"
			    "18000 80 43 40\n21350 80 40 40\n24000 90 3C 64\n30000 80 3C 40\n"
			    "36000 90 43 64\n39350 90 40 64\n42000 80 43 40\n45350 80 40 40\n");
}

/* Notes the old pattern holds (an endless gate, a slide) end at the change point, before the new
 * pattern's setup; an endless retrig stops there; finite gates run out. */
static void test_chain_held_notes_end(void **state)
{
	(void)state;
	pat.length = 2;
	note(1, 1, 60)->gate = TS_LEN_INF;
	ts_trig *r = note(2, 2, 50);
	r->retrig = true;
	r->retrig_len = TS_LEN_INF;
	r->retrig_rate = (uint8_t)rate_idx(32); /* hits every 3000, each lasting 3000 */
	note(3, 2, 70)->gate = (uint8_t)len_idx(48); /* 3 steps: past the change point */
	keep(0);
	pat.length = 2;
	pat.tracks[3].program = 1;
	note(4, 2, 40);
	keep(1);
	assert_string_equal(play_chain(2, 24000),
			    "0 90 3C 64\n"
			    "6000 91 32 64\n6000 92 46 64\n9000 81 32 40\n9000 91 32 64\n"
			    "12000 80 3C 40\n12000 C3 01\n12000 81 32 40\n"
			    "18000 93 28 64\n24000 82 46 40\n24000 83 28 40\n");
}

/* The queue: a program change picks the pattern after the current one; the chain goes on from
 * it. While stopped it picks the pattern play starts with. */
static void test_chain_queue(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++) {
		pat.length = 2;
		note(1, 1, 60 + k);
		keep(k);
	}
	ts_engine_config cfg = cfg_std();
	cfg.chain_max = 3;
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, chain, 3), TS_OK);
	assert_false(ts_engine_queue(eng, 3));
	assert_false(ts_engine_queue(eng, -1));
	assert_true(ts_engine_queue(eng, 1)); /* stopped: start with B */
	coll_free(&last);
	ts_engine_start(eng);
	last.base = 0;
	ts_engine_run(eng, 1000, collect, &last);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.pattern, 1);
	assert_int_equal(st.queued, 2);
	assert_true(ts_engine_queue(eng, 0)); /* B, then A instead of C */
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.queued, 0);
	for (uint64_t f = 1000; f < 48000; f += 1000) {
		last.base = f;
		ts_engine_run(eng, 1000, collect, &last);
	}
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.changes, 3);
	assert_int_equal(st.pattern, 2); /* B A B C ... at 36000: C */
	ts_engine_stop(eng, 0, collect, &last);
	assert_string_equal(text(&last), "0 90 3D 64\n6000 80 3D 40\n12000 90 3C 64\n18000 80 3C 40\n"
					 "24000 90 3D 64\n30000 80 3D 40\n36000 90 3E 64\n"
					 "42000 80 3E 40\n");
	ts_engine_free(eng);
	/* a chain needs room for it */
	cfg.chain_max = 2;
	eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load_chain(eng, chain, 3), TS_ERR_RANGE);
	ts_engine_free(eng);
	cfg.chain_max = TS_CHAIN_MAX + 1;
	assert_null(ts_engine_new(&cfg));
}

/* Continue at a song position inside the chain plays what the chain plays there from the start;
 * period sizes change nothing. */
static void test_chain_continue_and_periods(void **state)
{
	(void)state;
	pat.length = 4;
	note(1, 1, 60);
	note(1, 3, 61)->micro = 5;
	keep(0);
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 6;
	pat.tracks[1].length = 4;
	pat.tracks[1].length_set = true;
	pat.tracks[1].speed = TS_SPEED_3_2X;
	pat.tracks[1].speed_set = true;
	note(2, 1, 62);
	note(2, 3, 63)->retrig = true;
	keep(1);
	ts_engine_config cfg = cfg_std();
	const uint64_t frames = 400000;
	coll whole = {0}, cut = {0};
	render_chain(&whole, chain, 2, &cfg, false, frames, NULL, 0);
	static const uint32_t periods[] = {1, 64, 0, 256, 0, 1024, 7};
	render_chain(&cut, chain, 2, &cfg, false, frames, periods, 7);
	assert_int_equal(whole.n, cut.n);
	assert_memory_equal(whole.v, cut.v, whole.n * sizeof(rec));

	/* From 15 steps in (inside B's first pass, which starts at 4 steps = 24000). */
	int64_t pos = 15 * TS_UNITS_PER_STEP;
	uint64_t f0 = ts_pos_to_frame(pos, 48000, 1200);
	cfg.chain_max = 2;
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load_chain(eng, chain, 2), TS_OK);
	coll from = {0};
	ts_engine_continue(eng, pos);
	for (uint64_t f = f0; f < frames; f += 500) {
		from.base = f;
		ts_engine_run(eng, (uint32_t)(frames - f < 500 ? frames - f : 500), collect, &from);
	}
	ts_engine_free(eng);
	/* note-ons from f0 on are the same */
	size_t i = 0, k = 0, matched = 0;
	for (;;) {
		while (i < whole.n && !(whole.v[i].frame >= f0 && (whole.v[i].b[0] & 0xF0) == 0x90))
			i++;
		while (k < from.n && (from.v[k].b[0] & 0xF0) != 0x90)
			k++;
		if (i == whole.n || k == from.n)
			break;
		assert_int_equal(whole.v[i].frame, from.v[k].frame);
		assert_memory_equal(whole.v[i].b, from.v[k].b, 3);
		i++, k++, matched++;
	}
	assert_int_equal(i, whole.n);
	assert_int_equal(k, from.n);
	assert_true(matched > 20);
	coll_free(&whole);
	coll_free(&cut);
	coll_free(&from);
}

/* Ports: the union of the chain's, in order of first use. */
static void test_chain_ports(void **state)
{
	(void)state;
	strcpy(pat.tracks[1].port, "virus");
	note(2, 1, 60);
	keep(0);
	strcpy(pat.tracks[0].port, "rev2");
	strcpy(pat.tracks[1].port, "virus");
	note(1, 1, 61);
	note(2, 1, 62);
	keep(1);
	const char *names[TS_MAX_PORTS];
	assert_int_equal(ts_patterns_ports(chain, 2, names), 3);
	assert_string_equal(names[1], "virus");
	assert_string_equal(names[2], "rev2");
	play_chain(2, 100000); /* B from 16 steps = 96000 */
	int seen_rev2 = 0;
	for (size_t i = 0; i < last.n; i++)
		if (last.v[i].b[0] == 0x90 && last.v[i].b[1] == 61)
			seen_rev2 += last.v[i].port == 2;
	assert_int_equal(seen_rev2, 1);
	for (int k = 0; k < 3; k++)
		for (int t = 0; t < TS_TRACKS; t++)
			snprintf(chain[k].tracks[t].port, sizeof(chain[k].tracks[t].port), "p%d", k * 12 + t);
	assert_int_equal(ts_patterns_ports(chain, 3, names), -1);
}

/* ---- ts_engine_update: edits while playing ---- */

/* An update of chain pattern `index` to *pat, applied between two ts_engine_run calls once `frame`
 * frames have run; `want` is the status it must return. */
typedef struct {
	uint64_t frame;
	int index;
	const ts_pattern *pat;
	int want;                /* a ts_status, or -1: any (got[] records it) */
} edit;

/* Like render_chain, with the edits applied at their frames (periods are cut there). */
static void render_edits(coll *c, const ts_pattern *pats, int npat, const ts_engine_config *cfg,
			 const edit *ed, size_t ned, ts_status *got, uint64_t frames,
			 const uint32_t *periods, size_t nper)
{
	ts_engine_config cc = *cfg;
	cc.chain_max = npat;
	ts_engine *eng = ts_engine_new(&cc);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, pats, npat), TS_OK);
	ts_engine_start(eng);
	uint64_t done = 0, lcg = 12345;
	size_t k = 0, e = 0;
	while (done < frames) {
		for (; e < ned && ed[e].frame == done; e++) {
			ts_status st = ts_engine_update(eng, ed[e].index, ed[e].pat);
			if (got)
				got[e] = st;
			if (ed[e].want >= 0 && (int)st != ed[e].want)
				fail_msg("edit %zu at %llu: status %d, want %d", e,
					 (unsigned long long)done, (int)st, (int)ed[e].want);
		}
		uint64_t n = frames - done;
		if (e < ned && ed[e].frame - done < n)
			n = ed[e].frame - done;
		if (nper > 0) {
			uint64_t want = periods[k++ % nper];
			if (want == 0) {
				lcg = lcg * 6364136223846793005u + 1442695040888963407u;
				want = 1 + (lcg >> 33) % 2000;
			}
			if (want < n)
				n = want;
		}
		c->base = done;
		ts_engine_run(eng, (uint32_t)n, collect, c);
		done += n;
	}
	assert_int_equal(e, ned);
	c->base = frames;
	ts_engine_stop(eng, 0, collect, c);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.lost_events, 0);
	ts_engine_free(eng);
}

static const char *play_edits(const ts_pattern *p0, const edit *ed, size_t ned, uint64_t frames)
{
	ts_engine_config cfg = cfg_std();
	coll_free(&last);
	render_edits(&last, p0, 1, &cfg, ed, ned, NULL, frames, NULL, 0);
	return text(&last);
}

/*
 * The look-ahead: after frames [0, F) have run, every step starting before pos_ceil(F + 1) + one
 * longest step (here 1x: 28800 U = 6000 frames) is evaluated. pos_ceil(F + 1) is the smallest
 * position at frame >= F + 1: p/4.8 + 1/2 >= F + 1, p >= 4.8·F + 2.4.
 *   F = 9000: 43202.4 -> 43203, + 28800 = 72003 U (frame 15000.6): steps 1 … 3 (0, 6000, 12000)
 *     are evaluated, step 4 (18000 = 86400 U) is not;
 *   F = 11999: 57597.6 -> 57598, + 28800 = 86398 < 86400: step 4 not yet evaluated;
 *   F = 12000: 57602.4 -> 57603, + 28800 = 86403: step 4 evaluated.
 */
static void test_update_trigs(void **state)
{
	(void)state;
	static ts_pattern p0, p1;
	note(1, 1, 60);
	note(1, 3, 60);
	note(1, 5, 62);
	ts_pattern_settle(&pat);
	p0 = pat;
	note(1, 3, 65); /* already evaluated at 9000: the old 60 sounds */
	note(1, 4, 64); /* added, not evaluated yet: heard at 18000 */
	put(1, 5, TS_TRIG_NONE); /* removed, not evaluated yet: silent at 24000 */
	p1 = pat;
	edit ed = {9000, 0, &p1, TS_OK};
	assert_string_equal(play_edits(&p0, &ed, 1, 36000), "0 90 3C 64\n"
							    "6000 80 3C 40\n"
							    "12000 90 3C 64\n"
							    "18000 80 3C 40\n"
							    "18000 90 40 64\n"
							    "24000 80 40 40\n");
	/* without the update step 5 sounds: the test above can tell */
	assert_string_equal(play(&p0, 30000), "0 90 3C 64\n"
					      "6000 80 3C 40\n"
					      "12000 90 3C 64\n"
					      "18000 80 3C 40\n"
					      "24000 90 3E 64\n"
					      "30000 80 3E 40\n");

	/* the look-ahead's edge: step 4 added at 11999 is heard, at 12000 it is one step away and
	 * already evaluated (from p0, where it is empty) */
	ts_pattern_init(&pat);
	note(1, 1, 60);
	p0 = pat;
	note(1, 4, 64);
	p1 = pat;
	ed.frame = 11999;
	assert_string_equal(play_edits(&p0, &ed, 1, 30000), "0 90 3C 64\n"
							    "6000 80 3C 40\n"
							    "18000 90 40 64\n"
							    "24000 80 40 40\n");
	ed.frame = 12000;
	assert_string_equal(play_edits(&p0, &ed, 1, 30000), "0 90 3C 64\n"
							    "6000 80 3C 40\n");
	/* while stopped: play starts with the new pattern */
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, &p0), TS_OK);
	assert_int_equal(ts_engine_update(eng, 0, &p1), TS_OK);
	coll c = {0};
	ts_engine_start(eng);
	ts_engine_run(eng, 20000, collect, &c);
	assert_string_equal(text(&c), "0 90 3C 64\n"
				      "6000 80 3C 40\n"
				      "18000 90 40 64\n");
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.updates, 1);
	coll_free(&c);
	ts_engine_free(eng);
}

/*
 * What is queued finishes from the old version. Track 1: a 1/16 retrig over 4 steps (hits at 0,
 * 6000, 12000, 18000, each 6000 long, velocity 100 as retrig velocity is 0); track 2 on channel 2:
 * a gate of 8 steps (ends at 48000). At 3000 both trigs are cleared, track 1's notes become 72 at
 * velocity 50, and track 2 moves to channel 5: the hits still play 60 at 100, the long note still
 * ends on channel 2.
 */
static void test_update_old_entries_finish(void **state)
{
	(void)state;
	static ts_pattern p0, p1;
	ts_trig *t = put(1, 1, TS_TRIG_NOTE);
	t->retrig = true;
	t->retrig_rate = (uint8_t)rate_idx(16);
	t->retrig_len = (uint8_t)len_idx(64);
	note(2, 1, 50)->gate = (uint8_t)len_idx(128);
	ts_pattern_settle(&pat);
	p0 = pat;
	put(1, 1, TS_TRIG_NONE);
	put(2, 1, TS_TRIG_NONE);
	pat.tracks[0].notes[0] = 72;
	pat.tracks[0].velocity = 50;
	pat.tracks[1].channel = 5;
	note(2, 3, 51); /* at 12000 on channel 5: no cut of the channel 2 note */
	p1 = pat;
	edit ed = {3000, 0, &p1, TS_OK};
	assert_string_equal(play_edits(&p0, &ed, 1, 60000), "0 90 3C 64\n"
							    "0 91 32 64\n"
							    "6000 80 3C 40\n"
							    "6000 90 3C 64\n"
							    "12000 80 3C 40\n"
							    "12000 90 3C 64\n"
							    "12000 94 33 64\n"
							    "18000 80 3C 40\n"
							    "18000 90 3C 64\n"
							    "18000 84 33 40\n"
							    "24000 80 3C 40\n"
							    "48000 81 32 40\n");
}

/*
 * Advanced mode, no master length. At 9000 (steps 1 … 3 evaluated, every track's frontier at
 * step 4 = 18000, j = 3):
 *   - track 1 goes from 1x to 2x (S = 3000 frames = 14400 U): placed on the 2x grid at its
 *     frontier 86400 U: j = 86400 / 14400 = 6, step 7 at 18000, step 9 at 24000; its old trigs
 *     (every step, 60) at 0, 6000, 12000 were evaluated and sound; 2x steps 4 … 6 (9000 … 15000)
 *     start before its frontier and are not played;
 *   - track 3 from length 16 to 4, same speed: keeps j, its next steps j = 3 (step 4, 18000) and
 *     j = 4 (step 4 mod 4 + 1 = 1, 24000), where its new trig is; its old one at step 5 is gone;
 *   - track 2 is the same: steps 1 and 5 (0, 24000).
 * Gates half a step: 3000 at 1x, 1500 at 2x.
 */
static void test_update_speed_length(void **state)
{
	(void)state;
	static ts_pattern p0, p1;
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 0;
	for (int t = 0; t < 3; t++)
		pat.tracks[t].gate = (uint8_t)len_idx(8);
	for (int k = 1; k <= 16; k++)
		note(1, k, 60);
	note(2, 1, 50);
	note(2, 5, 50);
	note(3, 5, 41);
	ts_pattern_settle(&pat);
	p0 = pat;
	for (int k = 1; k <= 16; k++)
		put(1, k, TS_TRIG_NONE);
	pat.tracks[0].speed = TS_SPEED_2X;
	pat.tracks[0].speed_set = true;
	note(1, 4, 64);
	note(1, 6, 66);
	note(1, 7, 67);
	note(1, 9, 69);
	pat.tracks[2].length = 4;
	put(3, 5, TS_TRIG_NONE);
	note(3, 1, 40);
	p1 = pat;
	edit ed = {9000, 0, &p1, TS_OK};
	assert_string_equal(play_edits(&p0, &ed, 1, 36000), "0 90 3C 64\n"
							    "0 91 32 64\n"
							    "3000 80 3C 40\n"
							    "3000 81 32 40\n"
							    "6000 90 3C 64\n"
							    "9000 80 3C 40\n"
							    "12000 90 3C 64\n"
							    "15000 80 3C 40\n"
							    "18000 90 43 64\n"
							    "19500 80 43 40\n"
							    "24000 90 45 64\n"
							    "24000 91 32 64\n"
							    "24000 92 28 64\n"
							    "25500 80 45 40\n"
							    "27000 81 32 40\n"
							    "27000 82 28 40\n");
	/* the status counts from the pattern's start on the new grids: at frame 35999 (172795.2 U)
	 * track 1 is at 2x step 172795 / 14400 + 1 = 12, track 2 at 1x step 6, track 3 at
	 * 5 mod 4 + 1 = 2 */
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load(eng, &p0), TS_OK);
	ts_engine_start(eng);
	coll c = {0};
	ts_engine_run(eng, 9000, collect, &c);
	assert_int_equal(ts_engine_update(eng, 0, &p1), TS_OK);
	ts_engine_run(eng, 27000, collect, &c);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.step[0], 12);
	assert_int_equal(st.step[1], 6);
	assert_int_equal(st.step[2], 2);
	coll_free(&c);
	ts_engine_free(eng);
}

/*
 * A chain A (16 steps), B (2 steps). A's change point is at its length, 96000. At 9000 A's
 * length becomes 4: its change points are every 24000 from its start, and 24000 is after the
 * frontier (18000): B takes over at 24000, then A (now 4 steps) at 36000. Updated at 21000
 * instead, the frontier is at step 6 (30000: steps before pos_ceil(21001) + 28800 = 100803 +
 * 28800 U = frame 27000.6 are evaluated; step 5 at 24000 was, from the old A, empty), past 24000:
 * the change point is the next one, 48000.
 */
static void test_update_change_point(void **state)
{
	(void)state;
	static ts_pattern ab[2], a4;
	note(1, 1, 60);
	ts_pattern_settle(&pat);
	ab[0] = pat;
	pat.length = 4;
	ts_pattern_settle(&pat);
	a4 = pat;
	ts_pattern_init(&pat);
	pat.length = 2;
	note(1, 1, 62);
	ts_pattern_settle(&pat);
	ab[1] = pat;
	ts_engine_config cfg = cfg_std();
	for (int v = 0; v < 2; v++) {
		edit ed = {v == 0 ? 9000 : 21000, 0, &a4, TS_OK};
		coll c = {0};
		render_edits(&c, ab, 2, &cfg, &ed, 1, NULL, 60000, NULL, 0);
		assert_string_equal(text(&c), v == 0 ? "0 90 3C 64\n6000 80 3C 40\n"
						       "24000 90 3E 64\n30000 80 3E 40\n"
						       "36000 90 3C 64\n42000 80 3C 40\n"
						     : "0 90 3C 64\n6000 80 3C 40\n"
						       "48000 90 3E 64\n54000 80 3E 40\n");
		coll_free(&c);
	}
}

/*
 * Slots: a chain of one has 1 + TS_EDIT_SLOTS = 3. Each version holds a 1/16 retrig of 16 steps
 * (hits every 6000 for 96000) that keeps its slot until its last hit has sounded:
 *   A (slot 0): track 1 step 1, hits 0 … 90000;
 *   B (slot 1, from 3000): track 2 step 3, evaluated by 7000 (frontier frame 13000.6), hits
 *     12000 … 102000;
 *   C (slot 2, from 7000): track 3 step 5, hits 24000 … 114000.
 * D at 8000 finds no free slot: TS_ERR_BUSY, and again at 90000 (A's last hit not sounded yet);
 * at 90001 slot 0 is free. Then, on a quiet track, updates succeed again and again.
 */
static void test_update_slots_busy(void **state)
{
	(void)state;
	static ts_pattern v[4];
	for (int k = 0; k < 3; k++) {
		ts_pattern_init(&pat);
		ts_trig *t = note(k + 1, 2 * k + 1, 60 + k);
		t->retrig = true;
		t->retrig_rate = (uint8_t)rate_idx(16);
		t->retrig_len = (uint8_t)len_idx(256);
		ts_pattern_settle(&pat);
		v[k] = pat;
	}
	ts_pattern_init(&pat);
	note(4, 1, 70);
	v[3] = pat;
	edit ed[] = {{3000, 0, &v[1], TS_OK},        {7000, 0, &v[2], TS_OK},
		     {8000, 0, &v[3], TS_ERR_BUSY},  {90000, 0, &v[3], TS_ERR_BUSY},
		     {90001, 0, &v[3], TS_OK}};
	coll c = {0};
	ts_engine_config cfg = cfg_std();
	render_edits(&c, v, 1, &cfg, ed, 5, NULL, 100000, NULL, 0);
	/* A's 16 hits, B's from 12000, C's from 24000, each note 60 + k on channel k + 1 */
	assert_int_equal(count_note_ons(&c, 0x90), 16);
	assert_int_equal(count_note_ons(&c, 0x91), 15); /* 12000 … 96000 */
	assert_int_equal(count_note_ons(&c, 0x92), 13); /* 24000 … 96000 */
	/* D's step 1 at 96000 (460800 U) was evaluated from C by 90000 (432003 + 28800 U) */
	assert_int_equal(count_note_ons(&c, 0x93), 0);
	coll_free(&c);
	assert_string_equal(ts_strerror(TS_ERR_BUSY), "busy, try again later");

	/* no entries left behind: a thousand updates in a row, running in between, all succeed */
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load(eng, &v[3]), TS_OK);
	ts_engine_start(eng);
	for (int k = 0; k < 1000; k++) {
		assert_int_equal(ts_engine_update(eng, 0, &v[3]), TS_OK);
		ts_engine_run(eng, 256, collect, &c);
	}
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.updates, 1000);
	ts_engine_free(eng);
	coll_free(&c);
}

/* The ports are the chain's, registered at start: an update cannot add one. */
static void test_update_ports(void **state)
{
	(void)state;
	static ts_pattern p0, p1;
	strcpy(pat.tracks[8].port, "synth");
	ts_pattern_settle(&pat);
	p0 = pat;
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load(eng, &p0), TS_OK);
	ts_engine_start(eng);
	coll c = {0};
	ts_engine_run(eng, 1000, collect, &c);
	p1 = p0;
	strcpy(p1.tracks[1].port, "virus");
	assert_int_equal(ts_engine_update(eng, 0, &p1), TS_ERR_RANGE);
	p1 = p0;
	p1.tracks[11].channel = TS_CHANNEL_OFF; /* even on a silent track */
	strcpy(p1.tracks[11].port, "virus");
	assert_int_equal(ts_engine_update(eng, 0, &p1), TS_ERR_RANGE);
	/* invalid patterns and indices as for a load */
	p1 = p0;
	p1.tracks[0].steps[0].micro = 24;
	assert_int_equal(ts_engine_update(eng, 0, &p1), TS_ERR_RANGE);
	assert_int_equal(ts_engine_update(eng, 1, &p0), TS_ERR_RANGE);
	assert_int_equal(ts_engine_update(eng, -1, &p0), TS_ERR_RANGE);
	assert_int_equal(ts_engine_update(eng, 0, NULL), TS_ERR_RANGE);
	assert_int_equal(ts_engine_update(NULL, 0, &p0), TS_ERR_RANGE);
	/* a port the chain has: track 2 moves to synth (port 1); its step 3 (12000, not evaluated at
	 * 1000) sounds there */
	p1 = p0;
	strcpy(p1.tracks[1].port, "synth");
	p1.tracks[1].steps[2].kind = TS_TRIG_NOTE;
	assert_int_equal(ts_engine_update(eng, 0, &p1), TS_OK);
	c.n = 0;
	c.base = 1000;
	ts_engine_run(eng, 12000, collect, &c);
	assert_string_equal(text(&c), "12000 91 3C 64\n");
	assert_int_equal(c.v[0].port, 1);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.updates, 1);
	coll_free(&c);
	ts_engine_free(eng);
}

/* Updates at fixed frames give the same bytes whatever the period sizes: dense patterns (every
 * feature, speeds, master lengths and change points changing) in a chain of two, updated every
 * 0.3 … 2 s, some refused for lack of a slot, the same ones every time. */
static void test_update_period_independence(void **state)
{
	(void)state;
	static ts_pattern dense[6];
	for (int k = 0; k < 6; k++)
		dense_pattern(&dense[k], 7919 * (uint64_t)(k + 1), k == 3);
	dense[1].change = 7;
	dense[4].change = 3;
	dense[5].length = 11;
	enum { NED = 40 };
	static edit ed[NED];
	rnd_state = 42;
	uint64_t at = 0;
	for (int k = 0; k < NED; k++) {
		at += 14400 + rnd(81600);
		ed[k] = (edit){at, (int)rnd(2), &dense[rnd(6)], -1};
	}
	static const uint32_t one[] = {1}, p64[] = {64}, random_sizes[] = {0},
			      mixed[] = {7, 1, 999, 64, 3, 2048, 1};
	static const struct {
		const uint32_t *v;
		size_t n;
	} splits[] = {{one, 1}, {p64, 1}, {random_sizes, 1}, {mixed, 7}};
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	const uint64_t frames = at + 96000;
	coll whole = {0};
	ts_status got0[NED], got[NED];
	render_edits(&whole, dense, 2, &cfg, ed, NED, got0, frames, NULL, 0);
	int ok = 0, busy = 0;
	for (int k = 0; k < NED; k++) {
		ok += got0[k] == TS_OK;
		busy += got0[k] == TS_ERR_BUSY;
	}
	assert_int_equal(ok + busy, NED);
	assert_true(ok >= NED / 2); /* 37 and 3 with these patterns */
	assert_true(busy >= 1);
	assert_true(whole.n > 1000);
	for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
		coll part = {0};
		render_edits(&part, dense, 2, &cfg, ed, NED, got, frames, splits[s].v, splits[s].n);
		assert_memory_equal(got, got0, sizeof(got));
		assert_int_equal(part.n, whole.n);
		for (size_t i = 0; i < whole.n; i++)
			if (memcmp(&part.v[i], &whole.v[i], sizeof(rec)) != 0)
				fail_msg("split %zu: event %zu differs (frame %llu vs %llu)", s, i,
					 (unsigned long long)part.v[i].frame,
					 (unsigned long long)whole.v[i].frame);
		coll_free(&part);
	}
	for (size_t i = 1; i < whole.n; i++)
		assert_true(whole.v[i].frame >= whole.v[i - 1].frame);
	coll_free(&whole);
}

/* An endless retrig stops at the next note trig in time, even one evaluated before it: step 1
 * late by 13/24 (3250) sounds after step 2's endless retrig, 13/24 early (6000 - 3250 = 2750). */
static void test_endless_stopped_by_earlier_step(void **state)
{
	(void)state;
	pat.length = 4;
	pat.tracks[0].gate = (uint8_t)len_idx(8);
	note(1, 1, 60)->micro = 13;
	ts_trig *r = note(1, 2, 62);
	r->micro = -13;
	r->retrig = true;
	r->retrig_len = TS_LEN_INF;
	ts_pattern_settle(&pat);
	assert_string_equal(play(&pat, 24000), "2750 90 3E 64\n3250 90 3C 64\n5750 80 3E 40\n"
					       "6250 80 3C 40\n");
}

/* ---- ts_engine_set_tempo: the tempo changes while playing ---- */

/* A tempo change applied between two ts_engine_run calls once `frame` frames have run. */
typedef struct {
	uint64_t frame;
	uint16_t tempo10;
} tempo_at;

/* Like render_chain, with the tempo changes applied at their frames (periods are cut there);
 * *pos_end gets ts_engine_position() and *st the status, both just before the stop. */
static void render_tempo(coll *c, const ts_pattern *pats, int npat, const ts_engine_config *cfg,
			 const tempo_at *tc, size_t ntc, uint64_t frames, const uint32_t *periods,
			 size_t nper, int64_t *pos_end, ts_engine_status *st)
{
	ts_engine_config cc = *cfg;
	cc.chain_max = npat;
	ts_engine *eng = ts_engine_new(&cc);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, pats, npat), TS_OK);
	ts_engine_start(eng);
	uint64_t done = 0, lcg = 12345;
	size_t k = 0, e = 0;
	while (done < frames) {
		for (; e < ntc && tc[e].frame == done; e++)
			assert_int_equal(ts_engine_set_tempo(eng, tc[e].tempo10), TS_OK);
		uint64_t n = frames - done;
		if (e < ntc && tc[e].frame - done < n)
			n = tc[e].frame - done;
		if (nper > 0) {
			uint64_t want = periods[k++ % nper];
			if (want == 0) {
				lcg = lcg * 6364136223846793005u + 1442695040888963407u;
				want = 1 + (lcg >> 33) % 2000;
			}
			if (want < n)
				n = want;
		}
		c->base = done;
		ts_engine_run(eng, (uint32_t)n, collect, c);
		done += n;
	}
	assert_int_equal(e, ntc);
	if (pos_end)
		*pos_end = ts_engine_position(eng);
	ts_engine_status s;
	ts_engine_get_status(eng, &s);
	if (st)
		*st = s;
	c->base = frames;
	ts_engine_stop(eng, 0, collect, c);
	ts_engine_get_status(eng, &s);
	assert_int_equal(s.lost_events, 0);
	ts_engine_free(eng);
}

static const char *play_tempo(const ts_pattern *p, const ts_engine_config *cfg, const tempo_at *tc,
			      size_t ntc, uint64_t frames)
{
	coll_free(&last);
	render_tempo(&last, p, 1, cfg, tc, ntc, frames, NULL, 0, NULL, NULL);
	return text(&last);
}

/*
 * A note every step at 120 BPM (6000 frames a step, 4.8 U a frame), 150 BPM from frame 12000 on
 * (4800 frames a step, 6 U a frame). The anchor: P0 = pos_ceil(12000), the smallest p with
 * p/4.8 + 1/2 >= 12000, p >= 57597.6: 57598, at frame F0 = 12000. Step 3 (57600 U, queued before
 * the change) stays at 12000 + floor(2/6 + 1/2) = 12000; step 3 + k at
 * 12000 + floor((57600 + 28800k − 57598)/6 + 1/2) = 12000 + floor(4800k + 0.83) = 12000 + 4800k.
 */
static void test_tempo_change_steps(void **state)
{
	(void)state;
	for (int k = 1; k <= 16; k++)
		put(1, k, TS_TRIG_NOTE);
	ts_engine_config cfg = cfg_std();
	const tempo_at tc[] = {{12000, 1500}};
	const char *want = "0 90 3C 64\n"
			   "6000 80 3C 40\n6000 90 3C 64\n"
			   "12000 80 3C 40\n12000 90 3C 64\n"
			   "16800 80 3C 40\n16800 90 3C 64\n"
			   "21600 80 3C 40\n21600 90 3C 64\n"
			   "26400 80 3C 40\n26400 90 3C 64\n"
			   "31200 80 3C 40\n31200 90 3C 64\n"
			   "33000 80 3C 40\n";
	assert_string_equal(play_tempo(&pat, &cfg, tc, 1, 33000), want);

	/* the same whatever the periods */
	static const uint32_t one[] = {1}, mixed[] = {7, 1, 999, 64, 3, 2048, 1}, rnd0[] = {0};
	const uint32_t *splits[] = {one, mixed, rnd0};
	const size_t nsplit[] = {1, 7, 1};
	for (size_t s = 0; s < 3; s++) {
		coll c = {0};
		render_tempo(&c, &pat, 1, &cfg, tc, 1, 33000, splits[s], nsplit[s], NULL, NULL);
		assert_string_equal(text(&c), want);
		coll_free(&c);
	}

	/* Position and status after the run: position = pos_ceil(33000) = 57598 +
	 * ceil(6·(2·21000 − 1)/2) = 57598 + 125997 = 183595. The last frame run, 32999, is at
	 * 57598 + 20999·6 = 183592 U, in step 7 (from 172800 = 6·28800), sounding from 31200. */
	coll c = {0};
	int64_t pos;
	ts_engine_status st;
	render_tempo(&c, &pat, 1, &cfg, tc, 1, 33000, NULL, 0, &pos, &st);
	assert_int_equal(pos, 183595);
	assert_int_equal(st.tempo10, 1500);
	assert_int_equal(st.step[0], 7);
	assert_int_equal(st.frames, 33000);
	coll_free(&c);
}

/*
 * A change in the middle of a gate moves its note-off. Step 1 with a 4-step gate, 150 BPM from
 * frame 3000 on, half a step in: P0 = ceil(4.8·5999/2) = ceil(14397.6) = 14398. The note-off at
 * 4·28800 = 115200 U, at 24000 on the old map, is at 3000 + floor((115200 − 14398)/6 + 1/2) =
 * 3000 + 16800 = 19800 (half a step at 6000, three and a half at 4800). Step 5 (115200 U) too.
 * Slower, 60 BPM from 3000 on (2.4 U a frame): 3000 + floor(100802/2.4 + 1/2) = 3000 + 42001 =
 * 45001: 3.5 steps of 12000 after the anchor, and the anchor itself, whose exact time was
 * 14398/4.8 = 2999.58, now exactly 3000 (it moves by less than half a frame).
 */
static void test_tempo_change_mid_gate(void **state)
{
	(void)state;
	pat.tracks[0].gate = (uint8_t)len_idx(64);
	note(1, 1, 60);
	note(1, 5, 62);
	ts_engine_config cfg = cfg_std();
	assert_string_equal(play_tempo(&pat, &cfg, NULL, 0, 25000), "0 90 3C 64\n"
								  "24000 80 3C 40\n"
								  "24000 90 3E 64\n"
								  "25000 80 3E 40\n");
	const tempo_at faster[] = {{3000, 1500}};
	assert_string_equal(play_tempo(&pat, &cfg, faster, 1, 20000), "0 90 3C 64\n"
								       "19800 80 3C 40\n"
								       "19800 90 3E 64\n"
								       "20000 80 3E 40\n");
	const tempo_at slower[] = {{3000, 600}};
	assert_string_equal(play_tempo(&pat, &cfg, slower, 1, 46000), "0 90 3C 64\n"
								       "45001 80 3C 40\n"
								       "45001 90 3E 64\n"
								       "46000 80 3E 40\n");
	/* a change and back before the next period is no change: same anchor, same tempo */
	const tempo_at back[] = {{3000, 1500}, {3000, 1200}};
	assert_string_equal(play_tempo(&pat, &cfg, back, 2, 25000), "0 90 3C 64\n"
								     "24000 80 3C 40\n"
								     "24000 90 3E 64\n"
								     "25000 80 3E 40\n");
}

/*
 * MIDI clock across changes: tick k at k·4800 U, 1000 frames apart at 120 BPM, 800 at 150.
 * 150 BPM from 2500 on: P0 = ceil(4.8·4999/2) = 11998; tick 3 (14400) at
 * 2500 + floor(2402/6 + 1/2) = 2900, tick 4 at 2500 + floor(7202/6 + 1/2) = 3700, then every 800.
 * The tick in progress is 500 frames at the old tempo and 400 at the new: 900.
 * 60 BPM from 2500 on (2000 frames a tick): tick 3 at 2500 + floor(2402/2.4 + 1/2) = 3501, tick 4
 * at 2500 + floor(7202/2.4 + 1/2) = 5501. The tick in progress takes 500 + 1000 (+ the anchor's
 * 0.42 frame): a slower tempo cannot make it a whole new interval without delaying it.
 */
static void test_tempo_change_clock(void **state)
{
	(void)state;
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	const tempo_at faster[] = {{2500, 1500}};
	assert_string_equal(play_tempo(&pat, &cfg, faster, 1, 4600), "0 FA\n0 F8\n1000 F8\n2000 F8\n"
								      "2900 F8\n3700 F8\n4500 F8\n"
								      "4600 FC\n");
	const tempo_at slower[] = {{2500, 600}};
	assert_string_equal(play_tempo(&pat, &cfg, slower, 1, 7600), "0 FA\n0 F8\n1000 F8\n2000 F8\n"
								      "3501 F8\n5501 F8\n7501 F8\n"
								      "7600 FC\n");
}

/* Ticks under many changes: consecutive (one per 4800 U up to the end position, none lost or
 * doubled), frames strictly rising, and each interval between the two tempos' intervals less one
 * frame and more one and a half. A tick interval at tempo10 is rate·25/tempo10 frames. The bounds,
 * for tick k after the change (anchor P0 at F0, P0's exact old time F0 − s, 0 < s <= 1/2 at
 * 48 kHz from 60 BPM up, where a U is less than half a frame): its exact distance to tick k − 1 is
 * s plus a part of a tick at the old tempo and the rest at the new, and each tick rounds by at
 * most half a frame. Changes are more than a tick apart, so no interval sees three tempos. */
static void test_tempo_change_clock_property(void **state)
{
	(void)state;
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	enum { NTC = 60 };
	static tempo_at tc[NTC];
	rnd_state = 77;
	uint64_t at = 0;
	for (int k = 0; k < NTC; k++) {
		at += 2500 + rnd(30000);
		tc[k] = (tempo_at){at, (uint16_t)(600 + rnd(2401))};
	}
	const uint64_t frames = at + 10000;
	coll c = {0};
	int64_t pos;
	render_tempo(&c, &pat, 1, &cfg, tc, NTC, frames, NULL, 0, &pos, NULL);
	uint64_t prev = 0;
	size_t ticks = 0, e = 0;
	uint32_t t_prev = 1200; /* tempo at the previous tick */
	for (size_t i = 0; i < c.n; i++) {
		if (c.v[i].b[0] != 0xF8)
			continue;
		uint64_t f = c.v[i].frame;
		while (e < NTC && tc[e].frame <= f)
			e++;
		uint32_t t_now = e > 0 ? tc[e - 1].tempo10 : 1200;
		if (ticks > 0) {
			uint64_t gap = f - prev, r25 = 25ULL * cfg.rate;
			uint32_t fast = t_prev > t_now ? t_prev : t_now, slow = t_prev + t_now - fast;
			assert_true(gap > 0);
			/* gap > min interval − 1 and gap < max interval + 1.5 */
			if (!((gap + 1) * fast > r25 && 2 * gap * slow < 2 * r25 + 3 * slow))
				fail_msg("tick %zu at %llu: gap %llu, tempos %u and %u", ticks,
					 (unsigned long long)f, (unsigned long long)gap, t_prev, t_now);
		}
		prev = f;
		t_prev = t_now;
		ticks++;
	}
	/* ticks 0 … ceil(pos / 4800) − 1 are the positions before the end */
	assert_int_equal(ticks, (size_t)((pos + TS_UNITS_PER_TICK - 1) / TS_UNITS_PER_TICK));
	assert_true(ticks > 1000);
	coll_free(&c);
}

/* Tempo changes at fixed frames give the same bytes whatever the period sizes: a chain of two dense
 * patterns (every feature, change points), 80 changes 0 … 2 s apart over the whole range, some
 * at the same frame. */
static void test_tempo_change_period_independence(void **state)
{
	(void)state;
	static ts_pattern dense[2];
	dense_pattern(&dense[0], 4242, false);
	dense_pattern(&dense[1], 4243, true);
	dense[1].change = 5;
	enum { NTC = 80 };
	static tempo_at tc[NTC];
	rnd_state = 4711;
	uint64_t at = 0;
	for (int k = 0; k < NTC; k++) {
		at += k % 9 == 4 ? 0 : 1 + rnd(96000);
		uint32_t t10 = TS_TEMPO10_MIN + rnd(TS_TEMPO10_MAX - TS_TEMPO10_MIN + 1);
		tc[k] = (tempo_at){at, (uint16_t)t10};
	}
	static const uint32_t one[] = {1}, p64[] = {64}, random_sizes[] = {0},
			      mixed[] = {7, 1, 999, 64, 3, 2048, 1};
	static const struct {
		const uint32_t *v;
		size_t n;
	} splits[] = {{one, 1}, {p64, 1}, {random_sizes, 1}, {mixed, 7}};
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	const uint64_t frames = at + 96000;
	coll whole = {0};
	render_tempo(&whole, dense, 2, &cfg, tc, NTC, frames, NULL, 0, NULL, NULL);
	assert_true(whole.n > 1000);
	for (size_t s = 0; s < sizeof(splits) / sizeof(splits[0]); s++) {
		coll part = {0};
		render_tempo(&part, dense, 2, &cfg, tc, NTC, frames, splits[s].v, splits[s].n, NULL,
			     NULL);
		assert_int_equal(part.n, whole.n);
		for (size_t i = 0; i < whole.n; i++)
			if (memcmp(&part.v[i], &whole.v[i], sizeof(rec)) != 0)
				fail_msg("split %zu: event %zu differs (frame %llu vs %llu)", s, i,
					 (unsigned long long)part.v[i].frame,
					 (unsigned long long)whole.v[i].frame);
		coll_free(&part);
	}
	for (size_t i = 1; i < whole.n; i++)
		assert_true(whole.v[i].frame >= whole.v[i - 1].frame);
	coll_free(&whole);
}

/*
 * Stopped, or started but not run yet: the next play is at the new tempo on its own timeline
 * (position 0 at frame 0). Step 2 at 150 BPM is at 4800. Stopped, the position stays: after
 * 10000 frames at 120 BPM it is pos_ceil(10000) = ceil(4.8·19999/2) = 47998, and a Continue from
 * it starts at frame ts_pos_to_frame(47998, 150 BPM) = floor(47998/6 + 1/2) = 8000.
 */
static void test_tempo_change_stopped(void **state)
{
	(void)state;
	note(1, 2, 60);
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.tempo10, 1200);
	coll c = {0};

	/* before any start */
	assert_int_equal(ts_engine_set_tempo(eng, 1500), TS_OK);
	ts_engine_start(eng);
	ts_engine_run(eng, 5000, collect, &c);
	assert_string_equal(text(&c), "4800 90 3C 64\n");

	/* started, not run yet */
	ts_engine_stop(eng, 0, collect, &c);
	assert_int_equal(ts_engine_set_tempo(eng, 1200), TS_OK);
	ts_engine_start(eng);
	assert_int_equal(ts_engine_set_tempo(eng, 1500), TS_OK);
	c.n = 0;
	ts_engine_run(eng, 5000, collect, &c);
	assert_string_equal(text(&c), "4800 90 3C 64\n");

	/* stopped after a while at 120 BPM */
	ts_engine_stop(eng, 0, collect, &c);
	assert_int_equal(ts_engine_set_tempo(eng, 1200), TS_OK);
	ts_engine_start(eng);
	ts_engine_run(eng, 10000, collect, &c);
	ts_engine_stop(eng, 0, collect, &c);
	assert_int_equal(ts_engine_position(eng), 47998);
	assert_int_equal(ts_engine_set_tempo(eng, 1500), TS_OK);
	assert_int_equal(ts_engine_position(eng), 47998);
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.tempo10, 1500);
	ts_engine_continue(eng, ts_engine_position(eng));
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.frames, 8000);
	assert_int_equal(st.frames, ts_pos_to_frame(47998, 48000, 1500));
	ts_engine_start(eng);
	c.n = 0;
	ts_engine_run(eng, 5000, collect, &c);
	assert_string_equal(text(&c), "4800 90 3C 64\n");
	ts_engine_free(eng);
	coll_free(&c);
}

static void test_tempo_invalid(void **state)
{
	(void)state;
	ts_engine_config cfg = cfg_std();
	ts_engine *eng = ts_engine_new(&cfg);
	assert_int_equal(ts_engine_set_tempo(NULL, 1200), TS_ERR_RANGE);
	assert_int_equal(ts_engine_set_tempo(eng, TS_TEMPO10_MIN - 1), TS_ERR_RANGE);
	assert_int_equal(ts_engine_set_tempo(eng, TS_TEMPO10_MAX + 1), TS_ERR_RANGE);
	assert_int_equal(ts_engine_set_tempo(eng, 0), TS_ERR_RANGE);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.tempo10, 1200);
	assert_int_equal(ts_engine_set_tempo(eng, TS_TEMPO10_MIN), TS_OK);
	assert_int_equal(ts_engine_set_tempo(eng, TS_TEMPO10_MAX), TS_OK);
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.tempo10, TS_TEMPO10_MAX);
	/* a load sets the chain's tempo again */
	assert_int_equal(ts_engine_load(eng, &pat), TS_OK);
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.tempo10, 1200);
	ts_engine_free(eng);
}

/* An endless retrig whose trig an update removes stops at the update (it has no later note trig
 * to stop it): hits every 6000 (1/16) at 0 and 6000, the update at 9000, nothing after. Without
 * the update it runs on. The same for a track the update mutes. */
static void test_update_stops_orphan_retrig(void **state)
{
	(void)state;
	static ts_pattern p0, p1;
	ts_trig *r = note(1, 1, 60);
	r->retrig = true;
	r->retrig_len = TS_LEN_INF;
	r->gate = (uint8_t)len_idx(8);
	pat.length = 4;
	ts_pattern_settle(&pat);
	p0 = pat;
	put(1, 1, TS_TRIG_NONE);
	p1 = pat;
	edit ed = {9000, 0, &p1, TS_OK};
	assert_string_equal(play_edits(&p0, &ed, 1, 30000), "0 90 3C 64\n3000 80 3C 40\n"
							    "6000 90 3C 64\n9000 80 3C 40\n");
	assert_string_equal(play(&p0, 18000), "0 90 3C 64\n3000 80 3C 40\n6000 90 3C 64\n"
					      "9000 80 3C 40\n12000 90 3C 64\n15000 80 3C 40\n");
	p1 = p0;
	p1.tracks[0].mute = true;
	assert_string_equal(play_edits(&p0, &ed, 1, 30000), "0 90 3C 64\n3000 80 3C 40\n"
							    "6000 90 3C 64\n9000 80 3C 40\n");
}


/* ---- banks: the editor's pattern list and the Rytm's pattern modes ---- */

static ts_engine *bank_eng;

/* Bank of n patterns of chain[]; frames in periods of 1000 from `from` to `to`. */
static ts_engine *bank_new(int n, bool bank, int program_send)
{
	ts_engine_config cfg = cfg_std();
	cfg.chain_max = n + 1;
	cfg.bank = bank;
	cfg.program_send = (uint8_t)program_send;
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load_chain(eng, chain, n), TS_OK);
	coll_free(&last);
	return eng;
}

static void run_to(ts_engine *eng, uint64_t from, uint64_t to)
{
	for (uint64_t f = from; f < to; f += 1000) {
		last.base = f;
		ts_engine_run(eng, 1000, collect, &last);
	}
}

/* A: 4 steps, notes 60 … 63; B: 8 steps, notes 70 … 77 (the note tells the step). */
static void bank_patterns(void)
{
	pat.length = 4;
	for (int k = 0; k < 4; k++)
		note(1, k + 1, 60 + k);
	keep(0);
	pat.length = 8;
	for (int k = 0; k < 8; k++)
		note(1, k + 1, 70 + k);
	keep(1);
}

/* Note-ons of the last run as "frame note ..." */
static const char *ons(void)
{
	static char buf[4096];
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < last.n && at < sizeof(buf) - 32; i++)
		if ((last.v[i].b[0] & 0xF0) == 0x90)
			at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%llu %d",
					       at ? " " : "", (unsigned long long)last.v[i].frame,
					       last.v[i].b[1]);
	return buf;
}

/* A bank's pattern loops; one queued in sequential mode takes over at the change point, then
 * loops in its turn (a chain would go on to the next). */
static void test_bank_sequential(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(2, true, 0);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 30000);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_SEQUENTIAL));
	run_to(bank_eng, 30000, 150000);
	assert_string_equal(ons(), "0 60 6000 61 12000 62 18000 63 24000 60 30000 61 36000 62 "
				   "42000 63 48000 70 54000 71 60000 72 66000 73 72000 74 "
				   "78000 75 84000 76 90000 77 96000 70 102000 71 108000 72 "
				   "114000 73 120000 74 126000 75 132000 76 138000 77 144000 70");
	ts_engine_status st;
	ts_engine_get_status(bank_eng, &st);
	assert_int_equal(st.pattern, 1);
	assert_int_equal(st.queued, -1);
	assert_int_equal(st.changes, 1);
	/* frame 149999: B's step 1 began at 144000, 5999 of its 6000 frames ago */
	assert_int_equal(st.step[0], 1);
	assert_int_equal(st.phase[0], 383);
	ts_engine_free(bank_eng);
}

/* Direct start: at the first 16th not evaluated yet (steps up to 12000 are, at frame 10000), B
 * from its step 1; its change points count from there. Direct jump: B from the step A is at
 * (4: note 73), counting on from A's start. */
static void test_bank_direct(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(2, true, 0);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 10000);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_DIRECT_START));
	run_to(bank_eng, 10000, 72000);
	assert_string_equal(ons(), "0 60 6000 61 12000 62 18000 70 24000 71 30000 72 36000 73 "
				   "42000 74 48000 75 54000 76 60000 77 66000 70");
	ts_engine_status st;
	ts_engine_get_status(bank_eng, &st);
	assert_int_equal(st.pattern, 1);
	assert_int_equal(st.step[0], 1); /* frame 71999: B's step 1 of pass 2, from 66000 */
	ts_engine_free(bank_eng);

	bank_eng = bank_new(2, true, 0);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 10000);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_DIRECT_JUMP));
	run_to(bank_eng, 10000, 60000);
	assert_string_equal(ons(), "0 60 6000 61 12000 62 18000 73 24000 74 30000 75 36000 76 "
				   "42000 77 48000 70 54000 71");
	ts_engine_get_status(bank_eng, &st);
	assert_int_equal(st.step[0], 2);
	/* and back to A by a jump: at frame 60000 steps up to 66000 are evaluated, so P is 72000,
	 * the song's step 13, A's step 1 (note 60) */
	assert_true(ts_engine_select(bank_eng, 0, TS_SELECT_DIRECT_JUMP));
	coll_free(&last);
	run_to(bank_eng, 60000, 84000);
	assert_string_equal(ons(), "60000 72 66000 73 72000 60 78000 61");
	ts_engine_free(bank_eng);
}

/* A sequential selection after a direct one, before it sounds, waits for the change point; the
 * latest selection wins. */
static void test_bank_direct_then_sequential(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(2, true, 0);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 10000);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_DIRECT_START));
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_SEQUENTIAL));
	run_to(bank_eng, 10000, 30000);
	assert_string_equal(ons(), "0 60 6000 61 12000 62 18000 63 24000 70");
	ts_engine_free(bank_eng);
}

/* Stop keeps a bank's pattern: Start plays it from step 1, Continue resumes it where it stopped
 * (its steps counted from where it took over). A pattern queued at the stop is the next one. */
static void test_bank_stop_start_continue(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(2, true, 0);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 10000);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_DIRECT_START)); /* B from 18000 */
	run_to(bank_eng, 10000, 32000);
	ts_engine_stop(bank_eng, 0, collect, &last);
	coll_free(&last);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 13000);
	assert_string_equal(ons(), "0 70 6000 71 12000 72");
	ts_engine_stop(bank_eng, 0, collect, &last);
	coll_free(&last);
	/* the position 36000 of the song: B started at 0 in this play, so its step 7 */
	ts_engine_continue(bank_eng, 36000 / 6000 * TS_UNITS_PER_STEP);
	ts_engine_status st;
	ts_engine_get_status(bank_eng, &st);
	assert_int_equal(st.pattern, 1);
	run_to(bank_eng, 36000, 49000);
	assert_string_equal(ons(), "36000 76 42000 77 48000 70");
	/* queued at the stop: the next Start plays it */
	assert_true(ts_engine_select(bank_eng, 0, TS_SELECT_SEQUENTIAL));
	ts_engine_stop(bank_eng, 0, collect, &last);
	coll_free(&last);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 7000);
	assert_string_equal(ons(), "0 60 6000 61");
	ts_engine_free(bank_eng);
}

/* Program send: the pattern play starts with, before Start; a selection at the next period's
 * first frame; in a chain, the pattern queued next, at start and at each change point. */
static void test_program_send(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(2, true, 10);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 10000);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_SEQUENTIAL));
	run_to(bank_eng, 10000, 12000);
	ts_engine_free(bank_eng);
	assert_string_equal(text(&last), "0 C9 00\n0 90 3C 64\n6000 80 3C 40\n6000 90 3D 64\n"
					 "10000 C9 01\n");
	ts_engine_config cfg = cfg_std();
	cfg.send_clock = true;
	cfg.program_send = 16;
	chain[1].length = 2;
	chain[1].tracks[0].program = 3;
	coll_free(&last);
	render_chain(&last, chain, 2, &cfg, false, 30000, NULL, 0);
	size_t k = 0;
	char got[512] = "";
	for (size_t i = 0; i < last.n; i++)
		if (last.v[i].b[0] == 0xCF || last.v[i].b[0] == 0xFA || last.v[i].b[0] == 0xC0)
			k += (size_t)snprintf(got + k, sizeof(got) - k, "%llu %02X %02X ",
					      (unsigned long long)last.v[i].frame, last.v[i].b[0],
					      last.v[i].b[1]);
	assert_string_equal(got, "0 CF 00 0 FA 00 0 CF 01 24000 C0 03 24000 CF 00 ");
	cfg.program_send = 17;
	assert_null(ts_engine_new(&cfg));
}

/* Append: a file opened later joins the bank and can be selected; a full bank, or a port the
 * engine does not have, refuses. */
static void test_bank_append(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(1, true, 0);
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 3000);
	assert_false(ts_engine_select(bank_eng, 1, TS_SELECT_DIRECT_START));
	assert_int_equal(ts_engine_append(bank_eng, &chain[1]), TS_OK);
	assert_int_equal(ts_engine_patterns(bank_eng), 2);
	assert_true(ts_engine_select(bank_eng, 1, TS_SELECT_DIRECT_START));
	run_to(bank_eng, 3000, 13000);
	assert_string_equal(ons(), "0 60 6000 61 12000 70");
	ts_pattern other = chain[1];
	snprintf(other.tracks[0].port, sizeof(other.tracks[0].port), "virus");
	assert_int_equal(ts_engine_append(bank_eng, &other), TS_ERR_FULL);
	ts_engine_free(bank_eng);
	bank_eng = bank_new(1, true, 0);
	assert_int_equal(ts_engine_append(bank_eng, &other), TS_ERR_RANGE);
	ts_engine_free(bank_eng);
}

/* A port added while playing: a pattern sending to it is taken then, not before. */
static void test_add_port(void **state)
{
	(void)state;
	bank_patterns();
	bank_eng = bank_new(2, true, 0);
	assert_int_equal(ts_engine_ports(bank_eng), 1);
	ts_pattern other = chain[1];
	snprintf(other.tracks[0].port, sizeof(other.tracks[0].port), "virus");
	ts_engine_start(bank_eng);
	run_to(bank_eng, 0, 3000);
	assert_int_equal(ts_engine_update(bank_eng, 0, &other), TS_ERR_RANGE);
	assert_int_equal(ts_engine_add_port(bank_eng, "virus"), TS_OK);
	assert_int_equal(ts_engine_add_port(bank_eng, "virus"), TS_ERR_RANGE);
	assert_int_equal(ts_engine_add_port(bank_eng, "a_name_too_long_x"), TS_ERR_RANGE);
	assert_int_equal(ts_engine_ports(bank_eng), 2);
	assert_int_equal(ts_engine_update(bank_eng, 0, &other), TS_OK);
	run_to(bank_eng, 3000, 13000);
	/* from the first step evaluated after the update (12000), on port 1 */
	size_t k = 0;
	for (size_t i = 0; i < last.n; i++) {
		if ((last.v[i].b[0] & 0xF0) != 0x90)
			continue;
		assert_int_equal(last.v[i].port, last.v[i].frame >= 12000 ? 1 : 0);
		k++;
	}
	assert_int_equal(k, 3);
	for (int p = 2; p < TS_MAX_PORTS; p++) {
		char name[16];
		snprintf(name, sizeof(name), "p%d", p);
		assert_int_equal(ts_engine_add_port(bank_eng, name), TS_OK);
	}
	assert_int_equal(ts_engine_add_port(bank_eng, "more"), TS_ERR_FULL);
	ts_engine_free(bank_eng);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pos_to_frame, setup, teardown),
		cmocka_unit_test_setup_teardown(test_units_are_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(test_plain_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fractional_tempo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_speeds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_track_length_wrap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_master_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_micro, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locks_and_returns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_setup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mute_and_muted_trig, setup, teardown),
		cmocka_unit_test_setup_teardown(test_channel_off_send_midi_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_fill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_1st, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_ab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_pre, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_nei, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cond_probability, setup, teardown),
		cmocka_unit_test_setup_teardown(test_muted_trig_draws_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chord, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gate_inf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_note_cut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrig, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrig_velocity_curve, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrig_rates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrig_inf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reordered_trigs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clamp_before_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_continue_matches_play, setup, teardown),
		cmocka_unit_test_setup_teardown(test_continue_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api_edges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_period_independence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_allocation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_endless_stopped_by_earlier_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_dest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_retrig, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_conditions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_slide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_matches_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_voice_pattern_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_click, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_change_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_held_notes_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_continue_and_periods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_trigs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_stops_orphan_retrig, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_old_entries_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_speed_length, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_change_point, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_slots_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_ports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_period_independence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tempo_change_steps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tempo_change_mid_gate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tempo_change_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tempo_change_clock_property, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tempo_change_period_independence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tempo_change_stopped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tempo_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bank_sequential, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bank_direct, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bank_direct_then_sequential, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bank_stop_start_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_program_send, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bank_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_port, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
