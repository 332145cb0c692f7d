/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trigseq/core/clock.h"

#include <math.h>
#include <string.h>

/*
 * Each loop is a second-order DLL written in predictor form: with e the error between a tick's
 * arrival and the loop's prediction of it,
 *     t0 = prediction + a * e        (filtered frame of this tick)
 *     per = per + b * e              (filtered interval)
 *     next prediction = t0 + per
 * which is Adriaensen's DLL with his (b, c) = (a + b, b) here. The gains start as those of a
 * least-squares line through the n ticks seen (a = 2(2n-1)/(n(n+1)), b = 6/(n(n+1))), the widest
 * sensible loop, and shrink with n down to each loop's floor, so lock is fast and the steady state
 * is narrow. The floors span the bank: loop 0 averages ~100 ticks of cable jitter away, loop 3
 * follows every tick of a master that wanders.
 */
static const double gain_floor[TS_CLOCK_LOOPS][2] = {
	{0.009, 0.00004},
	{0.070, 0.0018},
	{0.250, 0.020},
	{1.000, 0.050},
};

#define MSE_WEIGHT (1.0 / 64)    /* memory of the prediction-error averages, ticks */
#define NARROW_PREFERENCE 1.3    /* a narrower loop is followed while its error is within this */
#define LOSS_INTERVALS 3.5       /* no tick for this long: 3 ticks missing, clock lost */
#define LOST_PHASE 0.5           /* a loop this far off (in ticks) is re-seeded */
#define SETTLE_TICKS 4           /* tempo steady for this many ticks: locked */
#define SETTLE_CHANGE 0.005      /* "steady": relative change of the interval per tick */
#define OUTLIER_AFTER_N 8         /* loops with this many ticks clip their error ... */
#define OUTLIER_SIGMAS 4.0        /* ... to this many rms errors of the followed loop ... */
#define OUTLIER_FLOOR_S 0.0005    /* ... or this many seconds, whichever is larger */
#define MIN_PER 1.0              /* the shortest tick interval, frames */
#define RESTART_N 3              /* a tempo change restarts the loops as if from this many ticks */
/* CUSUM on errors normalised by the followed loop's rms error (at least 1 frame): a drift of k
 * sigma per tick is tolerated, h sigma of accumulated drift is a tempo change, and no single tick
 * counts for more than clip sigma, so one late tick cannot restart the loops by itself. */
#define CUSUM_K 1.0
#define CUSUM_H 8.0
#define CUSUM_CLIP 5.0
#define CUSUM_AFTER_N 16       /* ticks before the detector is armed */

static void count(uint32_t *c)
{
	if (*c != UINT32_MAX)
		(*c)++;
}

void ts_clock_init(ts_clock *c, uint32_t rate)
{
	memset(c, 0, sizeof *c);
	c->rate = rate > 0 ? rate : 48000;
}

void ts_clock_reset(ts_clock *c)
{
	ts_clock_init(c, (uint32_t)c->rate);
}

static double nominal_per(const ts_clock *c)
{
	return c->rate * 60.0 / (120.0 * 24.0);
}

static double rel(const ts_clock *c, uint64_t frame)
{
	return frame >= c->origin ? (double)(frame - c->origin) : -(double)(c->origin - frame);
}

static bool stale(const ts_clock *c, uint64_t frame)
{
	return !c->have_tick ||
	       (frame > c->last_frame &&
		(double)(frame - c->last_frame) > LOSS_INTERVALS * c->loop[c->best].per);
}

/* The measured tempo comes from the lower envelope of the arrivals, not from a mean: a clock sent
 * over a cable or USB is only ever late, never early, so the earliest arrivals lie on the master's
 * true grid and a line under them finds its period far sooner than a least-squares fit through
 * the late ones (error ~ J/n^2 instead of ~ J/n^1.5 for jitter up to J over n ticks). */
static void env_push(ts_clock *c, double x)
{
	c->env_head = (c->env_head + 1) % TS_CLOCK_ENV;
	c->env[c->env_head] = x;
	if (c->env_n < UINT32_MAX)
		c->env_n++;
}

static double env_at(const ts_clock *c, uint32_t w, uint32_t i) /* i-th oldest of the last w */
{
	return c->env[(c->env_head + TS_CLOCK_ENV - (w - 1 - i)) % TS_CLOCK_ENV];
}

/* The period of the line under the window's arrivals: starting from the chord, move the slope to
 * join the earliest arrival (smallest residual) of each half, a few times over. */
static double env_period(const ts_clock *c)
{
	uint32_t w = c->env_n < TS_CLOCK_ENV ? c->env_n : TS_CLOCK_ENV, half = w / 2;
	double per = (env_at(c, w, w - 1) - env_at(c, w, 0)) / (w - 1);
	for (int round = 0; round < 4; round++) {
		uint32_t i1 = 0, i2 = half;
		double r1 = env_at(c, w, 0), r2 = env_at(c, w, half) - half * per;
		for (uint32_t i = 1; i < w; i++) {
			double r = env_at(c, w, i) - i * per;
			if (i < half && r < r1) {
				r1 = r;
				i1 = i;
			} else if (i > half && r < r2) {
				r2 = r;
				i2 = i;
			}
		}
		per += (r2 - r1) / (double)(i2 - i1);
	}
	return per;
}

/* Start every loop afresh at this tick: the first tick, or the first after the clock was lost. */
static void resync(ts_clock *c, uint64_t frame)
{
	double per = c->have_tick ? c->loop[0].per : nominal_per(c);
	c->origin = frame;
	for (int j = 0; j < TS_CLOCK_LOOPS; j++)
		c->loop[j] = (ts_clock_loop){.t0 = 0, .per = per, .mse = 0, .mse_n = 0, .n = 1};
	c->best = 0;
	c->settled = 0;
	c->per_prev = per;
	c->cusum_hi = c->cusum_lo = 0;
	c->env_n = 0;
	env_push(c, 0);
	count(&c->resyncs);
}

static void gains(uint32_t n, int j, double *a, double *b)
{
	double dn = n;
	if (n <= 2) {
		*a = 1;
		*b = 1;
	} else {
		*a = 2 * (2 * dn - 1) / (dn * (dn + 1));
		*b = 6 / (dn * (dn + 1));
	}
	if (*a < gain_floor[j][0])
		*a = gain_floor[j][0];
	if (*b < gain_floor[j][1])
		*b = gain_floor[j][1];
}

/* Returns the prediction error of this loop for the tick at x. Once settled, a loop moves by at most
 * `limit` per tick, so one tick late by an upstream xrun barely shifts it; a real tempo change keeps
 * erring the same way and restarts the loops (detect_change), which lifts the limit. */
static double loop_update(ts_clock_loop *l, int j, double x, double limit)
{
	double pred = l->t0 + l->per;
	double raw = x - pred, e = raw;
	if (l->n >= OUTLIER_AFTER_N)
		e = e > limit ? limit : e < -limit ? -limit : e;
	if (l->n >= 2) {
		/* A plain mean until MSE_WEIGHT's memory is full: an average that starts from 0 would
		 * call the first ticks' errors many sigmas, and the tempo-change detector fires on
		 * cable jitter. */
		if (l->mse_n < UINT32_MAX)
			l->mse_n++;
		l->mse += (e * e - l->mse) * fmax(MSE_WEIGHT, 1.0 / l->mse_n);
	}
	if (l->n < UINT32_MAX)
		l->n++;
	double a, b;
	gains(l->n, j, &a, &b);
	l->t0 = pred + a * e;
	l->per += b * e;
	/* Ticks in one frame (a sender that packs several into one event) would make the interval 0,
	 * the position 0/0 and the tempo infinite, and every later resync would inherit it. */
	if (l->per < MIN_PER)
		l->per = MIN_PER;
	return raw;
}

/* A sustained one-sided error of the followed loop is a tempo change: widen every loop again. */
static void detect_change(ts_clock *c, double e, double mse_before)
{
	/* While the loops are still least-squares fits of their few ticks they follow any tempo; a
	 * restart then only throws ticks away (false alarms on jitter were the slowest locks). */
	if (c->loop[0].n < CUSUM_AFTER_N) {
		c->cusum_hi = c->cusum_lo = 0;
		return;
	}
	double sigma = sqrt(mse_before);
	if (sigma < 1)
		sigma = 1;
	double z = e / sigma;
	if (z > CUSUM_CLIP)
		z = CUSUM_CLIP;
	if (z < -CUSUM_CLIP)
		z = -CUSUM_CLIP;
	c->cusum_hi = fmax(0, c->cusum_hi + z - CUSUM_K);
	c->cusum_lo = fmax(0, c->cusum_lo - z - CUSUM_K);
	if (c->cusum_hi < CUSUM_H && c->cusum_lo < CUSUM_H)
		return;
	c->cusum_hi = c->cusum_lo = 0;
	count(&c->tempo_changes);
	for (int j = 0; j < TS_CLOCK_LOOPS; j++)
		if (c->loop[j].n > RESTART_N)
			c->loop[j].n = RESTART_N;
	/* the new tempo's envelope starts from the last few ticks, as the loops do */
	if (c->env_n > RESTART_N)
		c->env_n = RESTART_N;
}

void ts_clock_tick(ts_clock *c, uint64_t frame)
{
	if (c->have_tick && frame < c->last_frame) {
		count(&c->bad_frames);
		return;
	}
	c->ticks++;
	c->await_tick = false;
	if (stale(c, frame)) {
		resync(c, frame);
		c->have_tick = true;
		c->last_frame = frame;
		return;
	}
	c->last_frame = frame;

	double x = rel(c, frame);
	env_push(c, x);
	double e[TS_CLOCK_LOOPS];
	double best_mse = c->loop[c->best].mse;
	double limit = fmax(OUTLIER_SIGMAS * sqrt(best_mse), OUTLIER_FLOOR_S * c->rate);
	bool lost[TS_CLOCK_LOOPS];
	int ok = -1;
	for (int j = 0; j < TS_CLOCK_LOOPS; j++) {
		double per = c->loop[j].per;
		e[j] = loop_update(&c->loop[j], j, x, limit);
		lost[j] = fabs(e[j]) > LOST_PHASE * per;
		if (!lost[j] && (ok < 0 || c->loop[j].mse < c->loop[ok].mse))
			ok = j;
	}
	if (ok < 0) {
		/* Every loop is half a tick off: a jump no filter should smooth over. */
		resync(c, frame);
		return;
	}
	for (int j = 0; j < TS_CLOCK_LOOPS; j++) {
		if (!lost[j])
			continue;
		c->loop[j] = c->loop[ok];
		c->loop[j].n = RESTART_N;
		c->loop[j].mse *= 2; /* earn being followed again */
	}

	/* Follow the narrowest loop that predicts about as well as the best: on a steady master the
	 * narrow and the medium loops err almost alike on the cable jitter, and the narrow one is
	 * the one that keeps it out of our steps. */
	int prev = c->best, pick = ok;
	for (int j = 0; j < ok; j++) {
		if (!lost[j] && c->loop[j].mse <= NARROW_PREFERENCE * c->loop[ok].mse) {
			pick = j;
			break;
		}
	}
	if (pick != prev) {
		c->best = pick;
		count(&c->switches);
	}
	detect_change(c, e[prev], best_mse);

	/* Tempo comes from the longest memory: a wandering master's tempo is its average. */
	double per = c->loop[0].per;
	if (c->loop[0].n >= SETTLE_TICKS && fabs(per - c->per_prev) < SETTLE_CHANGE * per) {
		if (c->settled < UINT32_MAX)
			c->settled++;
	} else {
		c->settled = 0;
	}
	c->per_prev = per;
}

/* Where the loops are, in ticks received, at frame: never beyond the next tick. */
static double loop_position(const ts_clock *c, uint64_t frame, int ahead)
{
	const ts_clock_loop *l = &c->loop[c->best];
	double p = (double)c->ticks + (rel(c, frame) - l->t0) / l->per;
	double lo = (double)c->ticks - 1, hi = (double)c->ticks + 1 + ahead;
	return p < lo ? lo : p > hi ? hi : p;
}

static void anchor(ts_clock *c, uint64_t frame, int64_t song)
{
	c->running = true;
	c->anchor_tick = c->ticks + 1;
	c->anchor_song = song;
	c->await_tick = stale(c, frame);
	c->epoch++;
}

void ts_clock_start(ts_clock *c, uint64_t frame)
{
	anchor(c, frame, 0);
}

void ts_clock_continue(ts_clock *c, uint64_t frame)
{
	if (!c->running)
		anchor(c, frame, c->song_next);
}

static int64_t song_next_tick(const ts_clock *c)
{
	return c->ticks >= c->anchor_tick ? c->anchor_song + (c->ticks - c->anchor_tick) + 1
					  : c->anchor_song;
}

void ts_clock_stop(ts_clock *c, uint64_t frame)
{
	(void)frame;
	if (!c->running)
		return;
	c->song_next = song_next_tick(c);
	c->running = false;
	c->epoch++;
}

void ts_clock_song_position(ts_clock *c, uint64_t frame, uint16_t sixteenths)
{
	int64_t song = (int64_t)(sixteenths & 0x3FFF) * TS_CLOCK_TICKS_PER_STEP;
	if (c->running)
		anchor(c, frame, song);
	else
		c->song_next = song;
	c->epoch++;
}

bool ts_clock_feed(ts_clock *c, const ts_midi_msg *msg)
{
	switch (ts_midi_msg_kind(msg)) {
	case 0xF8: ts_clock_tick(c, msg->frame); return true;
	case 0xFA: ts_clock_start(c, msg->frame); return true;
	case 0xFB: ts_clock_continue(c, msg->frame); return true;
	case 0xFC: ts_clock_stop(c, msg->frame); return true;
	case 0xF2: ts_clock_song_position(c, msg->frame, msg->value); return true;
	default: return false;
	}
}

double ts_clock_position(const ts_clock *c, uint64_t frame)
{
	return ts_clock_position_ahead(c, frame, 0);
}

double ts_clock_position_ahead(const ts_clock *c, uint64_t frame, int ahead)
{
	if (!c->running)
		return (double)c->song_next;
	if (c->await_tick)
		return (double)c->anchor_song - 1;
	ahead = ahead < 0 ? 0 : ahead;
	return (double)c->anchor_song + (loop_position(c, frame, ahead) - (double)c->anchor_tick);
}

bool ts_clock_tick_frame(const ts_clock *c, double song_tick, double *frame)
{
	return ts_clock_tick_frame_ahead(c, song_tick, 0, frame);
}

bool ts_clock_tick_frame_ahead(const ts_clock *c, double song_tick, int ahead, double *frame)
{
	if (!c->running || c->await_tick || !c->have_tick)
		return false;
	double k = song_tick - (double)c->anchor_song + (double)c->anchor_tick;
	if (k > (double)c->ticks + 1 + (ahead < 0 ? 0 : ahead))
		return false;
	const ts_clock_loop *l = &c->loop[c->best];
	*frame = (double)c->origin + l->t0 + (k - (double)c->ticks) * l->per;
	return true;
}

bool ts_clock_stale(const ts_clock *c, uint64_t frame)
{
	return stale(c, frame);
}

bool ts_clock_locked(const ts_clock *c, uint64_t frame)
{
	return !stale(c, frame) && c->settled >= SETTLE_TICKS;
}

double ts_clock_bpm(const ts_clock *c)
{
	if (!c->have_tick || c->loop[0].n < 2)
		return 0;
	double per = c->env_n >= 3 ? env_period(c) : c->loop[0].per;
	return c->rate * 60.0 / (24.0 * per);
}

bool ts_clock_running(const ts_clock *c)
{
	return c->running;
}

void ts_clock_get_status(const ts_clock *c, uint64_t frame, ts_clock_status *st)
{
	*st = (ts_clock_status){
		.running = c->running,
		.locked = ts_clock_locked(c, frame),
		.bpm = ts_clock_bpm(c),
		.position = ts_clock_position(c, frame),
		.epoch = c->epoch,
		.loop = c->best,
		.ticks = c->ticks,
		.bad_frames = c->bad_frames,
		.resyncs = c->resyncs,
		.switches = c->switches,
		.tempo_changes = c->tempo_changes,
	};
}
