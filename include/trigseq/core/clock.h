/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MIDI clock slave: follows a master's 24-PPQN clock (F8), Start (FA), Continue (FB), Stop (FC) and
 * Song Position Pointer (F2), and says where the master's song is at any frame.
 *
 * Time is absolute frames (uint64) at a fixed sample rate. Events must be fed in frame order, as
 * they arrive; a tick whose frame goes backwards is ignored and counted (bad_frames).
 *
 * The position is filtered: the integer tick count is exactly the number of ticks received (so
 * step k, at tick 6k, never drifts against the master), and only the phase between ticks comes
 * from a bank of delay-locked loops (second-order DLLs, F. Adriaensen, "Using a DLL to filter
 * time", 2005). Each loop predicts the next tick; the one whose recent predictions were best is
 * followed: a narrow loop for a steady master whose ticks jitter on the cable (its jitter is not
 * copied into our steps), a wide one for a master whose tempo wanders from tick to tick. Every loop
 * starts as a least-squares line fit (wide, so lock takes a few ticks) and narrows as ticks come.
 * Never beyond the last tick received + 1: without ticks the position holds there. The clock is
 * unlocked from 3.5 tick intervals after the last tick (3 ticks missing), or until the tempo
 * estimate has settled after a (re)start.
 *
 * Song position is in ticks (1x step = 6 ticks). Following MIDI, Start sets the song to 0 and
 * Continue resumes it where Stop left it (or where an SPP put it); in both cases the next tick
 * received is the one at that position, and the filtered grid reaches it where the loop predicts
 * that tick.
 *
 * Threads: every function is real-time safe [RT]: no allocation, locks, I/O or syscalls; the
 * caller owns the ts_clock (embed it anywhere). One thread at a time per clock; hand the UI a
 * ts_clock_status copy, not the clock.
 */
#ifndef TRIGSEQ_CLOCK_H
#define TRIGSEQ_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/midi_in.h"

#define TS_CLOCK_TICKS_PER_STEP 6    /* 24 PPQN: a 16th note, a 1x step, an SPP unit */
#define TS_CLOCK_LOOPS 4             /* DLLs in the bank, narrowest first */

/* Ticks in the tempo estimate's window: 4 beats. */
#define TS_CLOCK_ENV 96

/* One DLL of the bank. Plain data; only clock.c touches it. */
typedef struct {
	double t0;       /* filtered frame of the last tick, relative to ts_clock.origin */
	double per;      /* filtered tick interval, frames */
	double mse;      /* running mean square of its prediction errors, frames^2 */
	uint32_t mse_n;  /* errors in mse since the loop started, saturating */
	uint32_t n;      /* ticks since it (re)started, saturating: sets its least-squares gains */
} ts_clock_loop;

/* Clock state. Plain data so the caller can embed it; only the functions below touch the fields. */
typedef struct {
	double rate;
	uint64_t origin;          /* frame the loops' times are relative to */
	uint64_t last_frame;      /* arrival of the last tick */
	int64_t ticks;            /* ticks received (the loops' index of the last tick) */
	bool have_tick;
	ts_clock_loop loop[TS_CLOCK_LOOPS];
	int best;                 /* loop followed */
	double per_prev;          /* tempo of the last tick, for the settling test */
	uint32_t settled;         /* consecutive ticks with a steady tempo estimate */
	/* transport */
	bool running;
	int64_t anchor_tick;      /* loop index of the tick at song position anchor_song */
	int64_t anchor_song;
	int64_t song_next;        /* while stopped: song tick Continue resumes at */
	bool await_tick;          /* (re)started with no live clock: nothing is due before a tick */
	double cusum_hi, cusum_lo;/* tempo-change detector on the followed loop's errors */
	uint32_t epoch;           /* + 1 on each Start, Continue, Stop and SPP */
	/* counters, saturating */
	uint32_t bad_frames;      /* ticks ignored because their frame went backwards */
	uint32_t resyncs;         /* times the loops restarted from a tick (first tick, clock loss) */
	uint32_t switches;        /* times a different loop of the bank was followed */
	uint32_t tempo_changes;   /* times the detector restarted the loops for a new tempo */
	/* the last ticks' arrivals (relative to origin) since the tempo last changed, for the tempo
	 * estimate from their lower envelope */
	double env[TS_CLOCK_ENV];
	uint32_t env_n;           /* ticks stored (saturating), the newest at env_head */
	uint32_t env_head;
} ts_clock;

typedef struct {
	bool running;             /* Start/Continue received and no Stop since */
	bool locked;
	double bpm;               /* measured tempo; 0 before two ticks */
	double position;          /* song position in ticks (filtered); see ts_clock_position */
	uint32_t epoch;
	int loop;                 /* loop of the bank followed, 0 = narrowest */
	int64_t ticks;            /* ticks received */
	uint32_t bad_frames;
	uint32_t resyncs;
	uint32_t switches;
	uint32_t tempo_changes;
} ts_clock_status;

/* A fresh clock at `rate` frames per second: stopped, at song position 0, no ticks. [RT] */
void ts_clock_init(ts_clock *c, uint32_t rate);
/* Forget ticks and transport (keeps the rate; counters back to 0). [RT] */
void ts_clock_reset(ts_clock *c);

/* A clock tick (F8) that arrived at `frame`. [RT] */
void ts_clock_tick(ts_clock *c, uint64_t frame);
/* Start (FA): song position 0 at the next tick; running. [RT] */
void ts_clock_start(ts_clock *c, uint64_t frame);
/* Continue (FB): resume from where Stop or an SPP left the song, at the next tick. [RT] */
void ts_clock_continue(ts_clock *c, uint64_t frame);
/* Stop (FC): the song stops where the last tick put it. [RT] */
void ts_clock_stop(ts_clock *c, uint64_t frame);
/* Song Position Pointer (F2) in 16ths (6 ticks each): where Continue will resume. Masters send it
 * while stopped; one that arrives while running relocates the next tick received to it. [RT] */
void ts_clock_song_position(ts_clock *c, uint64_t frame, uint16_t sixteenths);
/* Any message from ts_midi_in: the five above are used, others ignored. Returns whether it was
 * one of them. [RT] */
bool ts_clock_feed(ts_clock *c, const ts_midi_msg *msg);

/* Song position in ticks at `frame` (>= the last event fed), a real number on the filtered grid.
 * Running: never beyond the last tick received + 1; before the first tick after Start/Continue it
 * is at most the resume position (resume - 1 when no tick has ever been seen). Stopped: the
 * position Continue resumes at. [RT] */
double ts_clock_position(const ts_clock *c, uint64_t frame);

/* The frame (real; round it) at which the filtered grid reaches song position `song_tick`, for
 * placing a step there. False when it cannot be known yet: stopped, no tick seen, or song_tick
 * beyond the last tick received + 1. A frame earlier than the last event means "already due".
 * [RT] */
bool ts_clock_tick_frame(const ts_clock *c, double song_tick, double *frame);

/* The same two for a caller that has received `ahead` more ticks, later than every event fed, and
 * holds them back (to feed them once it has scheduled up to them): the grid may then reach the
 * last tick fed + 1 + ahead, since those ticks did come. [RT] */
double ts_clock_position_ahead(const ts_clock *c, uint64_t frame, int ahead);
bool ts_clock_tick_frame_ahead(const ts_clock *c, double song_tick, int ahead, double *frame);

/* Whether a tick arriving at `frame` restarts the loops: no tick yet, or none for 3.5 intervals
 * (the clock was lost). Nothing predicts such a tick; it is the grid. [RT] */
bool ts_clock_stale(const ts_clock *c, uint64_t frame);

/* Locked at `frame`: ticks arriving (none missing for 3.5 intervals) and the tempo settled. [RT] */
bool ts_clock_locked(const ts_clock *c, uint64_t frame);
/* Measured tempo in BPM (quarter notes per minute); 0 before two ticks. [RT] */
double ts_clock_bpm(const ts_clock *c);
bool ts_clock_running(const ts_clock *c);

void ts_clock_get_status(const ts_clock *c, uint64_t frame, ts_clock_status *st);

#endif
