/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How long the engine takes per JACK-sized period on a pattern far denser than music needs:
 * 12 tracks, a trig on every step, retrigs of 1/32 … 1/80, chords, 2–3 locks per trig, mixed
 * conditions. Prints the median over several repetitions of 60 s of audio each.
 *
 * Then the same as a song that changes row and tempo all the time (song-format §5): the dense
 * pattern and a variant in rows of 1, 2 and 3 steps, each row at another tempo, looping forever;
 * its median, and its slowest period against the plain pattern's. And the dense pattern with every
 * track euclidean (euclid.md): the hit map costs a table lookup a step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/song.h"

#define RATE 48000
#define PERIOD 64
#define SECONDS 60
#define REPEATS 7

static unsigned long events;

static void sink(void *ctx, const ts_event *ev)
{
	(void)ctx;
	events += ev->size; /* touch the event so nothing is optimised away */
}

static void dense(ts_pattern *p)
{
	static const int rates[] = {32, 40, 48, 64, 80};
	static const uint8_t conds[] = {TS_COND_NONE, 10, TS_COND_PRE, TS_COND_NOT_NEI, 31,
					TS_COND_NOT_FILL, TS_COND_NONE, 18};
	ts_pattern_init(p);
	p->swing = 60;
	for (int t = 0; t < TS_TRACKS; t++) {
		ts_track *tk = &p->tracks[t];
		tk->base_cc[74] = 64;
		tk->base_cc[71] = 10;
		tk->base_cc[20 + t] = 5;
		tk->prob = 90;
		for (int k = 0; k < tk->length; k++) {
			ts_trig *tr = &tk->steps[k];
			tr->kind = k % 4 == 3 ? TS_TRIG_ACCENT : TS_TRIG_NOTE;
			tr->retrig = true;
			tr->retrig_rate = (uint8_t)ts_rate_index(rates[(t + k) % 5]);
			tr->retrig_vel = (int16_t)((k % 2 ? 1 : -1) * 40);
			tr->cond = conds[(t + k) % 8];
			tr->micro = (int8_t)((k * 7 + t) % 47 - 23);
			tr->nnotes = (uint8_t)(1 + (k + t) % 3);
			for (int n = 0; n < tr->nnotes; n++)
				tr->notes[n] = (uint8_t)(48 + t + 4 * n);
			int nl = 2 + (k % 2);
			for (int l = 0; l < nl; l++) {
				tr->locks[l].cc = (uint8_t)(l == 0 ? 74 : l == 1 ? 71 : 20 + t);
				tr->locks[l].value = (uint8_t)((k * 13 + l * 31) % 128);
			}
			tr->nlocks = (uint8_t)nl;
		}
	}
	ts_pattern_settle(p);
}

static double now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* REPEATS runs of SECONDS of audio from a start: each run's ns per period in per_period
 * (sorted), the slowest period in *worst; returns the lost events; *st is the last run's status. */
static uint32_t measure(ts_engine *eng, double per_period[REPEATS], double *worst,
			ts_engine_status *st)
{
	const unsigned long periods = (unsigned long)RATE * SECONDS / PERIOD;
	uint32_t lost = 0;
	*worst = 0;
	for (int r = 0; r < REPEATS; r++) {
		ts_engine_start(eng);
		double t0 = now_ns();
		for (unsigned long i = 0; i < periods; i++) {
			double a = now_ns();
			ts_engine_run(eng, PERIOD, sink, NULL);
			double b = now_ns() - a;
			*worst = b > *worst ? b : *worst;
		}
		double t1 = now_ns();
		ts_engine_get_status(eng, st);
		ts_engine_stop(eng, 0, sink, NULL);
		per_period[r] = (t1 - t0) / (double)periods;
		lost += st->lost_events;
	}
	qsort(per_period, REPEATS, sizeof(per_period[0]), cmp_double);
	return lost;
}

int main(void)
{
	static ts_pattern pat;
	dense(&pat);
	ts_engine_config cfg = {.rate = RATE, .tempo10 = 1200, .seed = 1, .send_clock = true};
	ts_engine *eng = ts_engine_new(&cfg);
	if (!eng || ts_engine_load(eng, &pat) != TS_OK) {
		fprintf(stderr, "bench_engine: cannot set up the engine\n");
		return 1;
	}
	const unsigned long periods = (unsigned long)RATE * SECONDS / PERIOD;
	double per_period[REPEATS];
	ts_engine_status st;
	uint32_t peak = 0, lost = 0;
	double worst_plain;
	lost = measure(eng, per_period, &worst_plain, &st);
	peak = st.queue_peak;
	double med = per_period[REPEATS / 2];
	double period_ns = 1e9 * PERIOD / RATE;
	printf("engine: dense 12-track pattern, %d-frame periods at %d Hz: %.0f ns/period = %.3f%% "
	       "of the period (target < 1%%)\n",
	       PERIOD, RATE, med, 100.0 * med / period_ns);
	printf("engine: median of %d runs of %d s (min %.0f, max %.0f ns/period); %.1f MIDI bytes per "
	       "period\n",
	       REPEATS, SECONDS, per_period[0], per_period[REPEATS - 1],
	       (double)events / REPEATS / (double)periods);
	printf("engine: queue peak %u entries, %u lost events, slowest period %.1f us\n", peak, lost,
	       worst_plain / 1000.0);
	ts_engine_free(eng);
	if (lost)
		return 1;

	/* every track euclidean: E(11,16) xor E(5,16) rotated by the track (euclid.md) */
	static ts_pattern eu;
	eu = pat;
	for (int t = 0; t < TS_TRACKS; t++)
		eu.tracks[t].euclid = (ts_euclid){.on = true, .pl1 = 11, .pl2 = 5,
						  .ro2 = (int8_t)t, .op = TS_EUCLID_XOR};
	eng = ts_engine_new(&cfg);
	if (!eng || ts_engine_load(eng, &eu) != TS_OK) {
		fprintf(stderr, "bench_engine: cannot set up the euclid pattern\n");
		return 1;
	}
	double worst_eu;
	lost += measure(eng, per_period, &worst_eu, &st);
	printf("engine: the dense pattern with every track euclidean (E(11,16) xor E(5,16)): %.0f "
	       "ns/period = %.3f%% of the period (median of %d), slowest period %.1f us\n",
	       per_period[REPEATS / 2], 100.0 * per_period[REPEATS / 2] / period_ns, REPEATS,
	       worst_eu / 1000.0);
	ts_engine_free(eng);
	if (lost)
		return 1;

	/* the song: rows A B A B A B (lengths 1, 2, 3 steps, tempos 90 ... 190), loop 1 inf */
	static ts_pattern pats[2];
	pats[0] = pat;
	pats[1] = pat;
	pats[1].swing = 50;
	pats[1].tracks[0].base_cc[75] = 1; /* a setup of its own at every row boundary */
	static ts_song song;
	memset(&song, 0, sizeof(song));
	song.tempo10 = 1200;
	for (int r = 0; r < 6; r++) {
		song.rows[r] = (ts_song_row){.pattern = (uint8_t)(r % 2), .stmt = (uint16_t)r,
					     .repeat = (uint16_t)(1 + r % 2),
					     .length = (uint16_t)(1 + r % 3),
					     .tempo10 = (uint16_t)(900 + 200 * r)};
		song.stmts[r] = (ts_song_stmt){.kind = TS_SONG_STMT_ROW, .row = (uint16_t)r};
	}
	song.nrows = 6;
	song.stmts[6] = (ts_song_stmt){.kind = TS_SONG_STMT_LOOP, .row = 0, .count = TS_SONG_INF};
	song.nstmts = 7;
	cfg.tempo10 = 0;
	cfg.chain_max = 2;
	eng = ts_engine_new(&cfg);
	if (!eng || ts_engine_load_song(eng, pats, 2, &song) != TS_OK) {
		fprintf(stderr, "bench_engine: cannot set up the song\n");
		return 1;
	}
	double worst;
	lost += measure(eng, per_period, &worst, &st);
	uint32_t changes = st.changes;
	printf("engine: song of the dense pattern, a row change every 1-3 steps (%u in %d s), each "
	       "at another tempo: %.0f ns/period = %.3f%% of the period (median of %d), slowest "
	       "period %.1f us\n",
	       changes, SECONDS, per_period[REPEATS / 2], 100.0 * per_period[REPEATS / 2] / period_ns,
	       REPEATS, worst / 1000.0);
	ts_engine_free(eng);
	return lost == 0 ? 0 : 1;
}
