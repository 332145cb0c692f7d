/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sample voices' cost per JACK period, without JACK: 12 tracks, each with a 0.5 s stereo
 * sample, hit so that all 12 always sound (every track cut by its next hit, so fades run too),
 * plus the click on every beat, mixed in 64-frame periods at 48 kHz for 10 minutes of audio.
 * Prints the time per period (median and worst of 7 runs) as a share of the period.
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trigseq/rt/voice.h"

enum { RATE = 48000, PERIOD = 64, SECONDS = 600, RUNS = 7 };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(void)
{
	char dir[] = "/tmp/ts-bench-voice-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	ts_voices *v = ts_voices_new(RATE, 1);
	if (!v)
		return 1;
	static float buf[RATE / 2 * 2];
	char path[12][64], err[512];
	for (int t = 1; t <= 12; t++) {
		for (int i = 0; i < RATE / 2; i++) {
			float x = (float)(0.05 * sin(2 * M_PI * (100.0 * t) * i / RATE) * exp(-4.0 * i / RATE));
			buf[2 * i] = x;
			buf[2 * i + 1] = -x;
		}
		snprintf(path[t - 1], sizeof(path[0]), "%s/%d.wav", dir, t);
		SF_INFO info = {.samplerate = RATE, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
		SNDFILE *sf = sf_open(path[t - 1], SFM_WRITE, &info);
		if (!sf || sf_writef_float(sf, buf, RATE / 2) != RATE / 2)
			return 1;
		sf_close(sf);
		if (ts_voices_load(v, 0, t, path[t - 1], err, sizeof(err)) != TS_OK) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
	}
	static float l[PERIOD], r[PERIOD];
	long periods = (long)SECONDS * RATE / PERIOD;
	double per[RUNS];
	for (int run = 0; run < RUNS; run++) {
		double t0 = now();
		for (long p = 0; p < periods; p++) {
			/* a hit every 0.25 s per track (a 16th at 60 BPM), staggered over the period */
			for (int t = 1; t <= 12; t++)
				if ((p + 15L * t) % 188 == 0)
					ts_voices_trigger(v, 0, t, 100, (uint32_t)(t * 5) % PERIOD);
			if (p % 750 == 0)
				ts_voices_click(v, p % 3000 == 0, 0);
			memset(l, 0, sizeof(l));
			memset(r, 0, sizeof(r));
			ts_voices_render(v, l, r, PERIOD);
		}
		per[run] = (now() - t0) / periods;
	}
	qsort(per, RUNS, sizeof(per[0]), cmp);
	double period_s = (double)PERIOD / RATE;
	printf("sample voices (12 sounding, cuts and the click), %d-frame periods at %d Hz: "
	       "median %.0f ns (%.3f%% of the period), worst run %.0f ns (%.3f%%), %d runs of %d s "
	       "of audio; lost triggers %u\n",
	       PERIOD, RATE, per[RUNS / 2] * 1e9, 100 * per[RUNS / 2] / period_s,
	       per[RUNS - 1] * 1e9, 100 * per[RUNS - 1] / period_s, RUNS, SECONDS, ts_voices_lost(v));
	ts_voices_free(v);
	for (int t = 0; t < 12; t++)
		unlink(path[t]);
	rmdir(dir);
	return 0;
}
