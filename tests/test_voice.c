/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sample voice tests: small WAV files written with libsndfile into a temporary folder, loaded at
 * 48000 Hz (resampled from 44100 or not), rendered in periods; onsets, gains, lengths, the cut's
 * fade and the absence of allocation in the real-time functions.
 */
#include "testutil.h"

#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/rt/voice.h"

#include "alloccount.h"

/* ---- sample files ---- */

static char dir[64];

static void path_of(char *out, size_t len, const char *name)
{
	snprintf(out, len, "%s/%s", dir, name);
}

/* Write `frames` frames of `channels` channels at `rate`, 24-bit WAV, from fn(frame, channel). */
static void write_wav(const char *name, int rate, int channels, int frames,
		      double (*fn)(int frame, int channel))
{
	char path[128];
	path_of(path, sizeof(path), name);
	SF_INFO info = {.samplerate = rate, .channels = channels,
			.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
	SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
	assert_non_null(sf);
	float *buf = calloc((size_t)frames * (size_t)channels, sizeof(*buf));
	assert_non_null(buf);
	for (int i = 0; i < frames; i++)
		for (int c = 0; c < channels; c++)
			buf[i * channels + c] = (float)fn(i, c);
	assert_int_equal(sf_writef_float(sf, buf, frames), frames);
	free(buf);
	sf_close(sf);
}

static double impulse(int frame, int channel)
{
	(void)channel;
	return frame == 0 ? 1.0 : 0.0;
}

static double dc_stereo(int frame, int channel)
{
	(void)frame;
	return channel == 0 ? 0.5 : -0.25;
}

static double dc(int frame, int channel)
{
	(void)frame;
	(void)channel;
	return 0.5;
}

/* 440 Hz from phase 0: a cut of it without a fade would jump by up to 0.8 */
static double sine(int frame, int channel)
{
	(void)channel;
	return 0.8 * sin(2 * 3.14159265358979323846 * 440.0 * frame / 48000.0);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ts-voice-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_wav("impulse48.wav", 48000, 1, 100, impulse);
	write_wav("dc44.wav", 44100, 1, 44100, dc);
	write_wav("stereo48.wav", 48000, 2, 480, dc_stereo);
	write_wav("sine48.wav", 48000, 1, 48000, sine);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const names[] = {"impulse48.wav", "dc44.wav", "stereo48.wav",
					     "sine48.wav", "garbage.wav"};
	char path[128];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		path_of(path, sizeof(path), names[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static ts_voices *load(int track, const char *name)
{
	ts_voices *v = ts_voices_new(48000, 2);
	assert_non_null(v);
	char path[128], err[256];
	path_of(path, sizeof(path), name);
	assert_int_equal(ts_voices_load(v, 0, track, path, err, sizeof(err)), TS_OK);
	return v;
}

/* ---- tests ---- */

/* An impulse at 48000 Hz is not resampled: it lands on the trigger's frame, at velocity/127. */
static void test_onset_and_gain(void **state)
{
	(void)state;
	ts_voices *v = load(3, "impulse48.wav");
	assert_int_equal(ts_voices_frames(v, 0, 3), 100);
	float l[256] = {0}, r[256] = {0};
	ts_voices_trigger(v, 0, 3, 127, 37);
	ts_voices_render(v, l, r, 64);
	for (int i = 0; i < 64; i++) {
		assert_true(l[i] == (i == 37 ? 1.0f : 0.0f));
		assert_true(r[i] == l[i]);
	}
	/* velocity 64 in a later period, at its last frame */
	memset(l, 0, sizeof(l));
	memset(r, 0, sizeof(r));
	ts_voices_trigger(v, 0, 3, 64, 63);
	ts_voices_render(v, l, r, 64);
	assert_float_equal(l[63], 64.0 / 127.0, 1e-6);
	assert_float_equal(r[63], 64.0 / 127.0, 1e-6);
	for (int i = 0; i < 63; i++)
		assert_true(l[i] == 0.0f);
	/* a track without a sample ignores its triggers */
	ts_voices_trigger(v, 0, 4, 127, 0);
	ts_voices_render(v, l + 64, r + 64, 64);
	for (int i = 64; i < 128; i++)
		assert_true(l[i] == 0.0f);
	ts_voices_free(v);
}

/* Stereo stays stereo; the notes of a chord at one frame are one hit at the loudest velocity. */
static void test_stereo_and_chord(void **state)
{
	(void)state;
	ts_voices *v = load(1, "stereo48.wav");
	float l[64] = {0}, r[64] = {0};
	ts_voices_trigger(v, 0, 1, 50, 10);
	ts_voices_trigger(v, 0, 1, 127, 10);
	ts_voices_trigger(v, 0, 1, 90, 10);
	ts_voices_render(v, l, r, 64);
	assert_true(l[9] == 0.0f && r[9] == 0.0f);
	assert_float_equal(l[10], 0.5, 1e-6);
	assert_float_equal(r[10], -0.25, 1e-6);
	assert_float_equal(l[63], 0.5, 1e-6);
	/* it ends after 480 frames, and nothing sounds after it */
	int end = -1;
	for (int p = 1; p < 20; p++) {
		memset(l, 0, sizeof(l));
		ts_voices_render(v, l, r, 64);
		for (int i = 0; i < 64; i++)
			if (l[i] != 0.0f)
				end = p * 64 + i;
	}
	assert_int_equal(end, 10 + 480 - 1);
	assert_false(ts_voices_sounding(v));
	ts_voices_free(v);
}

/* 44100 Hz resampled to 48000: the length scales, the onset stays on its frame. */
static void test_resampled(void **state)
{
	(void)state;
	ts_voices *v = load(12, "dc44.wav");
	size_t n = ts_voices_frames(v, 0, 12);
	assert_true(n >= 47999 && n <= 48001);
	static float l[48000 + 1024], r[48000 + 1024];
	ts_voices_trigger(v, 0, 12, 127, 500);
	for (int p = 0; p < 48; p++)
		ts_voices_render(v, l + p * 1024, r + p * 1024, 1024);
	int onset = -1;
	for (int i = 0; i < 48000 + 1024 && onset < 0; i++)
		if (fabsf(l[i]) > 0.1f)
			onset = i;
	assert_int_equal(onset, 500);
	assert_true(l[499] == 0.0f);
	/* the middle is the DC level */
	assert_float_equal(l[24000], 0.5, 1e-3);
	ts_voices_free(v);
}

/* A hit cutting a loud sine: the old one fades, the sum never jumps more than a sine's step. */
static void test_cut_does_not_click(void **state)
{
	(void)state;
	ts_voices *v = load(5, "sine48.wav");
	enum { PERIOD = 128, PERIODS = 100 };
	static float l[PERIOD * PERIODS], r[PERIOD * PERIODS];
	/* hits at 0, 1234 (a sine peak is near 1227), then 5007 and 5008: the second cuts the
	 * first while the hit from 1234 still fades */
	static const uint32_t hits[] = {0, 1234, 5007, 5008};
	size_t h = 0;
	for (uint32_t p = 0; p < PERIODS; p++) {
		while (h < 4 && hits[h] / PERIOD == p) {
			ts_voices_trigger(v, 0, 5, 127, hits[h] % PERIOD);
			h++;
		}
		ts_voices_render(v, l + p * PERIOD, r + p * PERIOD, PERIOD);
	}
	/* a sine of 0.8 at 440 Hz moves at most 0.8 * 2pi * 440 / 48000 = 0.046 a frame, two of
	 * them in phase (the hits at 5007 and 5008 for the 2 ms fade) twice that; a cut without a
	 * fade near the peak would jump by 0.8 */
	float worst = 0;
	for (int i = 1; i < PERIOD * PERIODS; i++) {
		float d = fabsf(l[i] - l[i - 1]);
		if (d > worst)
			worst = d;
	}
	assert_true(worst < 0.1f);
	/* the fade is over 2 ms after the cut: then only the new hit, from its start */
	assert_float_equal(l[1234 + 96 + 10], sine(96 + 10, 0), 1e-5);
	ts_voices_free(v);
}

static void test_errors(void **state)
{
	(void)state;
	ts_voices *v = ts_voices_new(48000, 2);
	char path[128], err[256];
	path_of(path, sizeof(path), "missing.wav");
	assert_int_equal(ts_voices_load(v, 0, 1, path, err, sizeof(err)), TS_ERR_IO);
	assert_non_null(strstr(err, path));
	path_of(path, sizeof(path), "garbage.wav");
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("not audio at all, just text\n", f);
	fclose(f);
	assert_int_equal(ts_voices_load(v, 0, 1, path, err, sizeof(err)), TS_ERR_IO);
	assert_non_null(strstr(err, "garbage.wav: "));
	assert_int_equal(ts_voices_frames(v, 0, 1), 0);
	path_of(path, sizeof(path), "impulse48.wav");
	assert_int_equal(ts_voices_load(v, 0, 13, path, err, sizeof(err)), TS_ERR_RANGE);
	assert_int_equal(ts_voices_load(v, 0, 0, path, err, sizeof(err)), TS_ERR_RANGE);
	assert_int_equal(ts_voices_load(v, 2, 1, path, err, sizeof(err)), TS_ERR_RANGE);
	assert_int_equal(ts_voices_load(v, -1, 1, path, err, sizeof(err)), TS_ERR_RANGE);
	assert_null(ts_voices_new(999, 1));
	assert_null(ts_voices_new(48000, 0));
	assert_null(ts_voices_new(48000, 256));
	ts_voices_free(v);
	ts_voices_free(NULL);
}

/* Each pattern has its own samples: a voice event plays the one of its pattern. */
static void test_pattern_samples(void **state)
{
	(void)state;
	ts_voices *v = load(1, "impulse48.wav");
	char path[128], err[256];
	path_of(path, sizeof(path), "stereo48.wav");
	assert_int_equal(ts_voices_load(v, 1, 1, path, err, sizeof(err)), TS_OK);
	assert_int_equal(ts_voices_frames(v, 0, 1), 100);
	assert_int_equal(ts_voices_frames(v, 1, 1), 480);
	float l[64] = {0}, r[64] = {0};
	ts_voices_trigger(v, 1, 1, 127, 5);
	ts_voices_render(v, l, r, 64);
	assert_float_equal(l[5], 0.5, 1e-6);
	assert_float_equal(r[5], -0.25, 1e-6);
	memset(l, 0, sizeof(l));
	memset(r, 0, sizeof(r));
	ts_voices_trigger(v, 0, 1, 127, 7);
	ts_voices_render(v, l, r, 64);
	/* the stereo hit is cut (fading) and the impulse is on frame 7 */
	assert_float_equal(l[8] - l[9], 0.5 / 96, 1e-6);
	assert_float_equal(l[7] - l[8], 1.0 + 0.5 / 96, 1e-6);
	/* a pattern without a sample on the track plays nothing */
	ts_voices_load(v, 1, 1, NULL, NULL, 0);
	for (int p = 0; p < 10; p++)
		ts_voices_render(v, l, r, 64);
	memset(l, 0, sizeof(l));
	ts_voices_trigger(v, 1, 1, 127, 0);
	ts_voices_render(v, l, r, 64);
	for (int i = 0; i < 64; i++)
		assert_true(l[i] == 0.0f);
	ts_voices_free(v);
}

/* A file is loaded once, whatever the tracks, patterns and spellings of its path. */
static void test_shared_samples(void **state)
{
	(void)state;
	ts_voices *v = ts_voices_new(48000, 4);
	assert_non_null(v);
	char path[128], other[160], err[256];
	path_of(path, sizeof(path), "sine48.wav");
	snprintf(other, sizeof(other), "%s/./sine48.wav", dir);
	for (int p = 0; p < 4; p++)
		for (int t = 1; t <= 12; t++)
			assert_int_equal(ts_voices_load(v, p, t, t % 2 ? path : other, err,
							sizeof(err)),
					 TS_OK);
	assert_int_equal(ts_voices_bytes(v), 48000 * 2 * sizeof(float));
	ts_voices_free(v);
}

/*
 * A sample replaced while it plays: the hit goes on with the old one until the next hit cuts it
 * (with the fade), the next hit plays the new one, and the old one is freed once nothing plays
 * it. The real-time side neither allocates nor frees through all of it.
 */
static void test_replace_while_playing(void **state)
{
	(void)state;
	ts_voices *v = load(5, "sine48.wav");
	char path[128], err[256];
	enum { PERIOD = 256 };
	float l[PERIOD], r[PERIOD];
	alloc_count_init();
	unsigned long a0 = n_allocs, f0 = n_frees;
	ts_voices_trigger(v, 0, 5, 127, 0);
	ts_voices_render(v, l, r, PERIOD);
	unsigned long a1 = n_allocs, f1 = n_frees;
	path_of(path, sizeof(path), "stereo48.wav");
	assert_int_equal(ts_voices_load(v, 0, 5, path, err, sizeof(err)), TS_OK);
	assert_int_equal(ts_voices_bytes(v), (48000 + 480) * 2 * sizeof(float));
	a0 += n_allocs - a1;
	f0 += n_frees - f1;
	/* the sine plays on */
	memset(l, 0, sizeof(l));
	memset(r, 0, sizeof(r));
	ts_voices_render(v, l, r, PERIOD);
	assert_float_equal(l[10], sine(PERIOD + 10, 0), 1e-6);
	assert_true(ts_voices_sounding(v));
	/* the next hit plays the new sample; the sine fades out over 96 frames */
	memset(l, 0, sizeof(l));
	memset(r, 0, sizeof(r));
	ts_voices_trigger(v, 0, 5, 127, 100);
	ts_voices_render(v, l, r, PERIOD);
	assert_float_equal(l[99], sine(2 * PERIOD + 99, 0), 1e-6);
	assert_float_equal(l[200], 0.5, 1e-6);
	assert_float_equal(r[200], -0.25, 1e-6);
	for (int p = 0; p < 4; p++)
		ts_voices_render(v, l, r, PERIOD);
	assert_int_equal(n_allocs - a0, 0);
	assert_int_equal(n_frees - f0, 0);
	/* the sine is given back and freed */
	ts_voices_collect(v);
	assert_int_equal(ts_voices_bytes(v), 480 * 2 * sizeof(float));
	ts_voices_free(v);
}

/* The click: nothing before its frame, a decaying sine after; the accent is higher. */
static void test_click(void **state)
{
	(void)state;
	ts_voices *v = ts_voices_new(48000, 1);
	assert_non_null(v);
	static float l[2][2048], r[2][2048];
	int crossings[2] = {0, 0};
	for (int a = 0; a < 2; a++) {
		ts_voices_click(v, a, 100);
		ts_voices_render(v, l[a], r[a], 2048);
		for (int i = 0; i < 100; i++)
			assert_true(l[a][i] == 0.0f);
		float peak = 0;
		for (int i = 100; i < 2048; i++) {
			if (fabsf(l[a][i]) > peak)
				peak = fabsf(l[a][i]);
			if (i > 100 && (l[a][i] > 0) != (l[a][i - 1] > 0))
				crossings[a]++;
			assert_true(l[a][i] == r[a][i]);
		}
		assert_true(peak > 0.3f && peak <= 0.5f);
		assert_false(ts_voices_sounding(v));
	}
	/* 25 ms: 25 periods of 1 kHz, 37.5 of 1.5 kHz, two crossings each */
	assert_in_range(crossings[0], 48, 51);
	assert_in_range(crossings[1], 73, 76);
	ts_voices_free(v);
}

/* Trigger and render, for minutes of audio on every track, allocate and free nothing. */
static void test_no_allocation(void **state)
{
	(void)state;
	ts_voices *v = load(1, "sine48.wav");
	char path[128], err[256];
	path_of(path, sizeof(path), "dc44.wav");
	for (int t = 2; t <= 12; t++)
		assert_int_equal(ts_voices_load(v, 0, t, path, err, sizeof(err)), TS_OK);
	static float l[256], r[256];
	alloc_count_init();
	unsigned long a0 = n_allocs, f0 = n_frees;
	for (uint32_t p = 0; p < 48000 * 120 / 256; p++) {
		for (int t = 1; t <= 12; t++)
			if ((p + (uint32_t)t) % 37 == 0)
				ts_voices_trigger(v, 0, t, (uint8_t)(1 + p % 127), (p * 7 + (uint32_t)t) % 256);
		ts_voices_render(v, l, r, 256);
		if (p % 1000 == 999)
			ts_voices_reset(v);
	}
	assert_int_equal(n_allocs - a0, 0);
	assert_int_equal(n_frees - f0, 0);
	assert_int_equal(ts_voices_lost(v), 0);
	ts_voices_free(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_onset_and_gain),
		cmocka_unit_test(test_stereo_and_chord),
		cmocka_unit_test(test_resampled),
		cmocka_unit_test(test_cut_does_not_click),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_pattern_samples),
		cmocka_unit_test(test_shared_samples),
		cmocka_unit_test(test_replace_while_playing),
		cmocka_unit_test(test_click),
		cmocka_unit_test(test_no_allocation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
