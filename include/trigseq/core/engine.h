/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine: a pure, deterministic function from (pattern, rate, tempo, seed, fill, frames) to
 * MIDI events and voice events, implementing section 5 of spec/pattern-format.md to the letter.
 *
 * Destinations (spec §3 `dest`, `sample`). A track's trigs go to MIDI with `dest ext` (the
 * default) or `int+ext`, and to its internal voice with `dest int` or `int+ext` when it has a
 * `sample`. MIDI is everything the track sends on its port: notes, locks and lock returns, and
 * its program change and base cc values at play start and change points; so a `dest int` track
 * sends no MIDI at all, as one with `channel off` or `send-midi off` (the spec is silent on the
 * setup of a `dest int` track; it would only reach a synth that plays none of its notes). A
 * `dest int` track without a sample sends nothing, and still evaluates its conditions (pre, nei).
 * `dest ext` with a sample has no voice.
 *
 * Voice events. Every note-on the track's MIDI would send (spec §5.4 to §5.6: each note of a
 * chord, accents, each retrig hit with its velocity curve) is also an event {TS_PORT_VOICE,
 * track, pattern, size 3, {0x90, note, velocity}}, at the same frame (pattern: the chain index of
 * the trig's pattern, whose sample the track plays), whether or not the track sends MIDI:
 * same conditions, probability, mute, fill, micro timing, swing and clamping. Lock trigs and
 * muted trigs play none. There are no voice note-offs: a sample is a one-shot, playing to its end
 * or until the track's next voice event cuts it (the mixer's rule). Slides and ties work as on
 * MIDI, decided on the track's own notes rather than on its port and channel: a note tied by a
 * slide plays no new event, and another track on the same channel cannot cut or untie it, so a
 * track's voice events are the same whatever its channel, port, send-midi and dest int or
 * int+ext. Within a frame, a trig hit's voice events come right after that hit's MIDI (its
 * note-ons and the note-offs of the notes it slides from), in the order of its notes; where
 * the track sends no MIDI, where they would be.
 *
 * Time. Musical positions are integers in units U = S1 / 28800 (S1 = one 1x step, a 16th note), so
 * every step start, swing delay, micro offset, gate, retrig hit and MIDI clock tick of any track
 * speed is an exact integer (a 24-PPQN clock tick is 4800 U). Position p is at exact frame
 * p * rate / (tempo10 * 192) and is emitted at floor(that + 0.5). Nothing accumulates rounding.
 * A live tempo change (ts_engine_set_tempo) makes the map piecewise: from the change on, position
 * p is at exact frame F0 + (p - P0) * rate / (tempo10' * 192), where P0 is the first position not
 * emitted yet and F0 the first frame not run yet, each frame still computed from integers.
 *
 * Threads: ts_engine_new/free/load/load_chain on a non-real-time thread. ts_engine_start, _continue,
 * _run, _stop, _queue, _update, _set_fill, _set_click, _set_tempo are real-time safe [RT]: no allocation,
 * locks, I/O or syscalls; memory is fixed at ts_engine_new. One thread at a time per engine: an
 * editor hands its patterns (or tempo) to the thread that runs the engine (a ring), which calls
 * ts_engine_update (ts_engine_set_tempo) between two ts_engine_run calls.
 */
#ifndef TRIGSEQ_ENGINE_H
#define TRIGSEQ_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/song.h"
#include "trigseq/core/status.h"

#define TS_UNITS_PER_STEP 28800   /* U per 1x step */
#define TS_UNITS_PER_TICK 4800    /* U per MIDI clock tick (24 PPQN) */
/* Audio rates go to 384 kHz; offline work may run the engine at tempo10 * 192 frames a second,
 * where a frame is a unit of position (up to 300.0 BPM). */
#define TS_ENGINE_RATE_MAX 576000
#define TS_PHASE_STEP 384         /* ts_engine_status.phase per step: 16 per micro timing unit */

/* Port index of MIDI clock output, beside the pattern's ports 0 … TS_MAX_PORTS-1. */
#define TS_PORT_CLOCK 0xFE
/* Pseudo port of voice events (above): not MIDI, for the voice mixer; a MIDI sink skips them. */
#define TS_PORT_VOICE 0xFD

/* Patterns in a chain: a program change 0 … 127 selects one. */
#define TS_CHAIN_MAX 128

/* Pattern slots beyond the chain's, for ts_engine_update(): each holds a new version while the
 * entries queued from the old one finish (see there). */
#define TS_EDIT_SLOTS 2

typedef struct {
	uint32_t frame;          /* offset inside the current ts_engine_run() period */
	uint8_t port;            /* pattern port index (ts_pattern_ports), TS_PORT_CLOCK or
				  * TS_PORT_VOICE */
	uint8_t track;           /* 1 … 12; 0 for clock and transport */
	uint8_t pattern;         /* TS_PORT_VOICE: chain index of the pattern whose trig it is
				  * (whose sample plays); 0 for the others */
	uint8_t size;            /* 1 … 3 */
	uint8_t bytes[3];
} ts_event;

/* Receives every event of a period, in emission order (frame, then track, then spec §5.4, voice
 * events after their hit's MIDI). [RT] */
typedef void (*ts_event_fn)(void *ctx, const ts_event *ev);

typedef struct {
	uint32_t rate;           /* frames per second, 1000 … TS_ENGINE_RATE_MAX */
	uint16_t tempo10;        /* BPM x 10; 0 = the pattern's tempo */
	uint64_t seed;           /* seed of the probability draws */
	bool send_clock;         /* FA at start, F8 per tick, FC at stop on TS_PORT_CLOCK */
	int chain_max;           /* patterns a chain may hold, 1 … TS_CHAIN_MAX (0 means 1) */
	bool bank;               /* the patterns are a bank, not a chain (the editor's pattern
				  * list): each plays on until another one is queued or selected */
	uint8_t program_send;    /* 1 … 16: program changes on this channel on TS_PORT_CLOCK when
				  * a pattern is chosen (ts_engine_queue); 0 = none */
} ts_engine_config;

/* How a selected pattern takes over while playing (the Rytm's pattern modes). */
typedef enum {
	TS_SELECT_SEQUENTIAL,    /* at the next change point, every track at step 1 */
	TS_SELECT_DIRECT_START,  /* at the next 16th, every track at step 1 */
	TS_SELECT_DIRECT_JUMP    /* at the next 16th, every track at the step it is at */
} ts_select_mode;

typedef struct {
	uint64_t frames;         /* frames run since start */
	uint32_t lost_events;    /* events dropped because a fixed queue was full (should stay 0) */
	uint32_t queue_peak;     /* largest number of pending events seen */
	uint8_t step[TS_TRACKS]; /* current step (1-based) of each track, 0 before start */
	uint32_t pass[TS_TRACKS];
	uint16_t phase[TS_TRACKS]; /* how far into that step, in 1/TS_PHASE_STEP of it */
	int64_t time[TS_TRACKS]; /* each track's time since its pattern started, in 1/TS_PHASE_STEP
				  * of its steps (ts_engine_track_near) */
	int pattern;             /* chain index of the pattern sounding (or to start from) */
	int queued;              /* chain index taking over at the next change point, -1 none */
	uint32_t changes;        /* pattern changes since start */
	uint32_t updates;        /* ts_engine_update() calls that succeeded since the chain's load */
	uint16_t tempo10;        /* BPM x 10 playing now (or at the next start) */
	/* a song (ts_engine_load_song): the row sounding (0-based; -1 without a song), its repeat
	 * 1 … repeats, the song's rows; ended: it stopped at its end by itself */
	int row, rows;
	uint16_t repeat, repeats;
	bool ended;
} ts_engine_status;

typedef struct ts_engine ts_engine;

/* Allocate an engine with all its fixed memory. NULL when out of memory. */
ts_engine *ts_engine_new(const ts_engine_config *cfg);
void ts_engine_free(ts_engine *eng);

/* Give the engine a pattern (copied): a chain of one. Not while running: stop first. */
ts_status ts_engine_load(ts_engine *eng, const ts_pattern *pat);

/*
 * Give the engine a chain of n patterns (copied), 1 <= n <= cfg.chain_max. Not while running.
 * With cfg.bank the patterns are a bank instead: play starts with the one chosen (ts_engine_queue,
 * _select; the first at load) and it loops on, change point after change point, until another
 * is queued; stop keeps the pattern playing (or queued) for the next Start, and Continue resumes
 * it where it stopped. Otherwise, like the Rytm's chains: play starts with pattern 0 (or the one ts_engine_queue() chose while
 * stopped); each pattern plays until its change point, then the next one (after the last, the
 * first) takes over, every track at step 1 of pass 1. The change point comes every `change`
 * master steps from the pattern's start (`change off`: every `length`; at the pattern's speed in
 * normal mode, the master speed in advanced mode); an advanced pattern with `length inf` and
 * `change off` has none and plays on. At the change point, in its frame before any note: the
 * notes the old pattern holds (slide, endless gate) end, then every track of the new pattern sends
 * its program change and base cc values, as at frame 0. Trigs of the old pattern that sound after
 * the change point (micro timing, swing, retrigs, gates) still play; the new pattern's trigs never
 * sound before it (negative micro timing of its first steps is clamped to the change point). The
 * chain plays at one tempo: cfg.tempo10, else pattern 0's (the Rytm's project tempo), until
 * ts_engine_set_tempo() changes it; a load sets it again. Ports are
 * the union of the patterns' ports (ts_patterns_ports order); TS_ERR_RANGE if more than
 * TS_MAX_PORTS. A single pattern has no changes unless one is queued.
 */
ts_status ts_engine_load_chain(ts_engine *eng, const ts_pattern *pats, int n);

/*
 * Give the engine a song (spec/song-format.md): its patterns as a chain of n (copied, in the
 * song's order of first use: row.pattern indexes them) and its program (copied). Not while
 * running. Start and Continue play the song from its start, or from a position as if it had
 * played from its start (§5): row instances one after another, each repeat restarting every
 * track at step 1 with passes counting on, each row boundary a change point (§5.4), the row's
 * mutes, and the song's tempo map (§5.2: each row's tempo, else the song's; cfg.tempo10, when
 * set, replaces the song's). At the song's end (§5.5) the engine stops by itself as
 * ts_engine_stop does, at that frame (ts_engine_ended); a position at or after the end plays
 * nothing. ts_engine_set_tempo, or ts_engine_song_tempo(false) before a start, puts a single tempo
 * in place of the map (a live tempo, a master's). TS_ERR_RANGE: an invalid song, a row past the
 * chain or one that never ends (no `length` and a pattern without change points).
 * ts_engine_queue and _select are for chains and banks; a song ignores what they queue.
 */
ts_status ts_engine_load_song(ts_engine *eng, const ts_pattern *pats, int n, const ts_song *song);
/* Whether Start and Continue time a song by its own tempo map (true at ts_engine_load_song), or
 * by the tempo of ts_engine_set_tempo (a clock master's): not while running. */
void ts_engine_song_tempo(ts_engine *eng, bool on);
/* Replace the song's program by *song (copied; its rows' patterns must be in the chain): at once
 * when stopped, else from the next Start or Continue (what plays goes on). The engine must have
 * a song (ts_engine_load_song). TS_ERR_RANGE for an invalid song or none loaded. [RT: a copy] */
ts_status ts_engine_set_song(ts_engine *eng, const ts_song *song);
/* Jump to song row `row` (0-based) at the next row boundary, as the sequential pattern mode
 * does: the row instance being evaluated (about one longest step ahead of what sounds) plays to
 * its end, then the song goes on from that row's statement with every loop counter at 0. What
 * is queued past that boundary is timed again on the new tempo map. Stopped: play starts from
 * the song's start anyway. False without a song, for a row out of range, or after the song's
 * last row instance has been evaluated. [RT] */
bool ts_engine_song_jump(ts_engine *eng, int row);
/* The song stopped at its end by itself (it is not running). [RT] */
bool ts_engine_ended(const ts_engine *eng);

/* Queue chain pattern `index` for the next change point, in place of the chain's next pattern;
 * the chain goes on from the one after it. A change point less than one longest step of the
 * chain away is already decided: the queue then waits for the one after. While stopped, it
 * chooses the pattern play starts from (Start and Continue then count the chain from it).
 * False if index is not in the chain. [RT] */
bool ts_engine_queue(ts_engine *eng, int index);
/*
 * Select chain pattern `index` to take over in `mode` (an editor's pattern keys). [RT]
 * SEQUENTIAL is ts_engine_queue(). Stopped, every mode chooses the pattern play starts from.
 * Playing, DIRECT_START and DIRECT_JUMP switch at P, the first 16th of the song (a multiple of
 * TS_UNITS_PER_STEP from position 0, so on the clock's grid) where no step has been evaluated
 * yet: about one longest step of the chain ahead of what is sounding, never sooner. Steps of the
 * old pattern starting before P play, as at a change point; at P its held notes end and the new
 * pattern's setup goes out as at a change point. DIRECT_START: the new pattern starts at P,
 * every track at step 1 of pass 1, its change points counted from P. DIRECT_JUMP: every track
 * goes on from the step it has at P counted from the old pattern's start (tracks keep their
 * step numbers; a shorter track wraps, another speed counts its own steps), and so do the change
 * points. A later selection before P replaces this one; a SEQUENTIAL one then waits for the
 * pattern's next change point again. Bank or chain, the pattern after it is chosen as after a
 * change point. False if index is not in the chain.
 */
bool ts_engine_select(ts_engine *eng, int index, ts_select_mode mode);
/* Add *pat (copied) to the end of the chain, playing or stopped: an editor opening another
 * file. TS_ERR_FULL when the chain holds cfg.chain_max patterns, TS_ERR_RANGE for an invalid
 * pattern or a port not among the chain's (as ts_engine_update), TS_ERR_BUSY when no slot is
 * free yet. [RT] */
ts_status ts_engine_append(ts_engine *eng, const ts_pattern *pat);
/* Patterns in the chain. */
int ts_engine_patterns(const ts_engine *eng);
/* A port beyond the chain's (a client that registered one more while running): index
 * ts_engine_ports() before the call, so patterns sending to it can be updated or appended.
 * TS_ERR_FULL beyond TS_MAX_PORTS, TS_ERR_RANGE for a name already there or too long. [RT] */
ts_status ts_engine_add_port(ts_engine *eng, const char *name);
int ts_engine_ports(const ts_engine *eng);

/*
 * Replace chain pattern `index` by *pat (copied), playing or stopped; play goes on. [RT]
 *
 * Steps not evaluated yet use the new pattern; what is queued already finishes from the old one
 * (late micro or swing trigs, retrig hits, lock values, a change point's setup). Steps are
 * evaluated up to about one longest step of the chain ahead of the output (ts_engine_run), so an
 * edit is heard from the first step of the track that starts after that look-ahead: a step inside
 * it keeps its old trig. Notes sounding end as they would have (note-offs and held notes know their
 * port and channel, so a track moved to another channel leaves none hanging).
 *
 * If `index` is the pattern being evaluated, its tracks go on from where they are ("direct jump"):
 * a track whose step length, and the pattern's master length and mode, are unchanged keeps its step
 * and pass counters (a changed track length wraps the same count: the step is the one it has at
 * that point counted from the pattern's start); any other track goes on the new step grid, counted
 * from the pattern's start, at the first step starting at or after its next unevaluated one. A new
 * change point spacing (`change`, `length`, speed) counts from the pattern's start too: the next
 * change point is the first one on the new spacing not yet reached by evaluation.
 *
 * Not sent again: program changes and base cc values (lock returns use the new base values from
 * then on). Not changed: the chain's tempo (cfg.tempo10, else pattern 0's at load) and its ports:
 * every track port of *pat must be one of the chain's (ts_patterns_ports at load), else
 * TS_ERR_RANGE, as for an invalid pattern or index. TS_ERR_BUSY: no slot is free, because the
 * versions replaced by recent updates still have queued entries (a finite retrig for up to its
 * length; an endless one until its track's next fired note trig, a change point or stop); nothing
 * changed, try again in a later period (an editor sends its latest pattern then).
 */
ts_status ts_engine_update(ts_engine *eng, int index, const ts_pattern *pat);

/* Begin play at the start of the next ts_engine_run() period, every track at step 1 of pass 1.
 * Emits (at frame 0): with cfg.program_send the pattern's program change (its chain index), then
 * clock Start and tick 0 if send_clock, then for each track 1 … 12 its program change and base cc
 * values, then the notes of step 1; then, with program_send in a chain, the program change of
 * the pattern queued next. [RT]
 *
 * Program send (cfg.program_send), like the Rytm's PRG CH SEND: a program change whose number is
 * the chain index goes out on TS_PORT_CLOCK whenever the next pattern is chosen, so a follower
 * that queues what it receives (a Rytm in sequential mode) changes at the same change point: at
 * play start (above), at a change point for the chain's next pattern (at its frame, before the
 * setup), and at the first frame of the next period after ts_engine_queue() or _select() while
 * playing. */
void ts_engine_start(ts_engine *eng);

/* Begin play at musical position `pos` (>= 0; 0 is ts_engine_start) at the start of the next
 * period: where a Song Position Pointer or a stop left the song. Every track is at the step and
 * pass it has at pos (steps starting before pos are not played); random draws are the ones a play
 * from the start makes, but stored condition results (pre, nei) start empty. With send_clock,
 * frame 0 carries Song Position Pointer (pos in 16ths: a multiple of TS_UNITS_PER_STEP is sent
 * exactly, others rounded down), Continue, and the tick at pos if pos is on one. [RT] */
void ts_engine_continue(ts_engine *eng, int64_t pos);

/* The musical position of the next frame to run: the smallest position that sounds at or after
 * that frame (positions are finer than frames). [RT] */
int64_t ts_engine_position(const ts_engine *eng);

/* Advance by nframes, handing every event in [now, now + nframes) to fn. Any nframes >= 1; the
 * output for a given pattern is the same whatever the period sizes. Does nothing when stopped. [RT] */
void ts_engine_run(ts_engine *eng, uint32_t nframes, ts_event_fn fn, void *ctx);

/* Stop at offset `frame` of the next period (0 = right now): clock Stop (FC) if send_clock, then a
 * note-off for every sounding note, by track. Pending events are dropped. [RT] */
void ts_engine_stop(ts_engine *eng, uint32_t frame, ts_event_fn fn, void *ctx);

/*
 * Change the tempo (BPM x 10, TS_TEMPO10_MIN ... TS_TEMPO10_MAX) from the next period on, keeping
 * play going: the song continues from where it is at the new tempo. [RT]
 *
 * Live control, as the Rytm's tempo knob: a pattern file has one tempo, and `trigseq dump` never
 * changes it. What has been emitted stays; from ts_engine_position(), the first position not
 * emitted yet, which is placed at the first frame of the next period, every position is timed at
 * the new tempo: steps, micro timing, gates of notes already sounding, retrig hits, change points
 * and MIDI clock ticks. So a gate that straddles the change lasts its part before it at the old
 * tempo and the rest at the new, and so does the clock tick interval in progress. No event comes
 * before the next period or twice, frames never go backwards, and the output is the same whatever
 * the period sizes, given the same changes after the same frames. The same tempo is no change.
 * Stopped: Start and Continue play at the new tempo (from frame 0 of their own timeline, as
 * always), and ts_engine_position() stays where it is. Between ts_engine_start/_continue and the
 * first run, play starts at the new tempo. TS_ERR_RANGE for a tempo out of range. The queued
 * events are re-timed: O(pending events), bounded by the fixed queue.
 */
ts_status ts_engine_set_tempo(ts_engine *eng, uint16_t tempo10);

/* The fill flag read by fill / !fill conditions. [RT] */
void ts_engine_set_fill(ts_engine *eng, bool fill);
/* The metronome: from the next tick on, an event {TS_PORT_VOICE, track 0, {0x90, accent, 127}}
 * on every quarter note of the song (position a multiple of 4 steps), accent 1 on a bar's first
 * beat (every 16 steps from the song's start), else 0. Off at ts_engine_new. [RT] */
void ts_engine_set_click(ts_engine *eng, bool click);

bool ts_engine_running(const ts_engine *eng);
void ts_engine_get_status(const ts_engine *eng, ts_engine_status *st);

/* Frames run since start (ts_engine_status.frames). [RT] */
uint64_t ts_engine_frames(const ts_engine *eng);

/* The musical position at the engine's frame `frame` (counted from its start, as
 * ts_engine_status.frames), a frame run already: the position at that exact frame, rounded
 * down (before a tempo change's first frame: the last position that sounded before it). [RT] */
int64_t ts_engine_frame_position(const ts_engine *eng, uint64_t frame);

/* Where a track of the pattern playing is at a musical position: what recording from a keyboard
 * needs (the Rytm's rule, as in live record: to the nearest step, keeping the micro timing). */
typedef struct {
	int step;                /* the nearest step, 0-based (0 … length-1): a position up to half a
				  * step late stays on its step, more goes to the next one, early;
				  * just before the pattern's end that is step 1 again */
	int micro;               /* the position's distance from that step in 24ths of a step,
				  * rounded to the nearest: -11 … 12 (positive: late) */
	int64_t time;            /* the track's time since its pattern started, in 1/TS_PHASE_STEP of
				  * its steps (a length is a difference of two) */
} ts_track_near;

/* Track t (0 … 11) of the pattern playing at musical position pos (ts_engine_position,
 * ts_engine_frame_position). False before play has started. [RT] */
bool ts_engine_track_near(const ts_engine *eng, int t, int64_t pos, ts_track_near *out);

/* Exact frame (rounded as the spec says) of musical position `pos` at this rate and tempo, when
 * play started at position 0 and the tempo did not change since. */
uint64_t ts_pos_to_frame(int64_t pos, uint32_t rate, uint16_t tempo10);

#endif
