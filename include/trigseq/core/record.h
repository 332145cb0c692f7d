/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Recording from a MIDI keyboard or controller into the editor's document (edit.h): step entry
 * while the transport is stopped, and live passes while it plays. Pure and plain data: no JACK,
 * no terminal, no allocation; the real-time thread only measures where an event fell (a
 * ts_rec_pos) and hands it over, and the UI thread calls these with it.
 *
 * Every write is an ordinary edit of the document (its begin/commit: the pattern settled, the
 * document dirty, a new version), so a function that returns true changed the pattern and the UI
 * hands the engine the new version; false changed nothing. A refused call (a track, step, note,
 * velocity, controller or value out of range) says why with ts_edit_message(). Nothing here moves
 * the cursor but step entry's advance.
 *
 * Threads: the UI thread only. Nothing here is real-time.
 */
#ifndef TRIGSEQ_RECORD_H
#define TRIGSEQ_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/edit.h"
#include "trigseq/core/pattern.h"

#define TS_REC_HELD 32       /* notes of a pass held at once whose lengths are measured */

/* Where an event fell, as the real-time thread measured it. */
typedef struct {
	int track;           /* 0 … 11 */
	int step;            /* 0 … length-1: the track's step nearest to the event */
	int micro;           /* -11 … 12: 24ths of a step from that step, positive = late */
	int64_t time;        /* the track's time since its pattern started, in 1/TS_PHASE_STEP
			      * (engine.h: 384) of the track's steps; never decreases in a pass */
} ts_rec_pos;

/* A note of a pass held down: where it was written and when it began. */
typedef struct {
	uint8_t track;
	uint8_t note;
	uint8_t step;
	int64_t on;          /* ts_rec_pos.time of its note-on */
} ts_rec_held;

/* The recorder. Plain data (about 13 KB): embed it, call ts_rec_init, and read nothing but the
 * counters, which count from ts_rec_init on for the UI to show. */
typedef struct {
	unsigned long notes_ignored;    /* the chord was full (TS_MAX_NOTES): not written */
	unsigned long lengths_ignored;  /* TS_REC_HELD notes held: written without a length */
	unsigned long locks_ignored;    /* TS_MAX_LOCKS locks on the trig: not written */

	/* step entry: the keys down, the chord since they were last all up, its loudest velocity */
	uint64_t down[2];
	uint8_t chord[TS_MAX_NOTES];
	uint8_t nchord;
	uint8_t chord_vel;
	int ndown;

	/* a pass: the steps a note of it landed on (bit k: step k), the controllers it locked on
	 * each step (bit c of the pair: controller c), the notes held */
	bool pass;
	uint64_t noted[TS_TRACKS];
	uint64_t locked[TS_TRACKS][TS_MAX_STEPS][2];
	ts_rec_held held[TS_REC_HELD];
	int nheld;
} ts_recorder;

/* Nothing held, no pass, the counters at 0. */
void ts_rec_init(ts_recorder *r);

/* ---- step entry (stopped, record armed) ---- */

/* A key down: its note joins the chord, which is every note pressed since the keys were last all
 * up, in the order pressed; a note in it already is not added twice, and beyond TS_MAX_NOTES
 * notes are ignored and counted (notes_ignored). The chord's velocity is the loudest of its notes.
 * A note already down, or out of range (note 0 … 127, vel 1 … 127; vel 0 is a note-off for the
 * caller to turn into ts_rec_step_off) is ignored. */
void ts_rec_step_on(ts_recorder *r, int note, int vel);
/* A key up. When it was the last key down, the chord is written at the cursor as one edit (one
 * undo step): an empty step becomes a note trig, a trig keeps its kind and other attributes (as
 * ts_edit_set_note); its notes become the chord's and its vel the chord's velocity. Then the
 * cursor moves to the next step of its track, wrapping at the track's length: the same chord
 * played again over what is there changes nothing (false) but still moves on. A cursor beyond the
 * track's length refuses (the chord is dropped, the cursor stays). True when the pattern changed.
 * A key that is not down (held since before record was armed) does nothing at all. */
bool ts_rec_step_off(ts_recorder *r, ts_edit *ed, int note);

/* ---- live passes (playing, record armed) ---- */

/* A pass records from here to ts_rec_pass_end as one undo group (edit.h), so the whole pass is one
 * undo step, and redo gives it back. Begin forgets the keys down for step entry; begin during a
 * pass does nothing. An undo or redo during a pass ends its group and takes back (or gives back)
 * what it recorded so far: the next call of the pass starts it again as a new group, having
 * forgotten its notes held and the steps it wrote, since their trigs may be gone. */
void ts_rec_pass_begin(ts_recorder *r, ts_edit *ed);
/* Ends the pass: each note still held gets its length up to now[its track] (the tracks' times, as
 * ts_rec_pos.time), in one edit; then the group ends and the held notes are forgotten. True when
 * those lengths changed the pattern; false, doing nothing, outside a pass. */
bool ts_rec_pass_end(ts_recorder *r, ts_edit *ed, const int64_t now[TS_TRACKS]);
bool ts_rec_in_pass(const ts_recorder *r);

/* A note-on in a pass, on step p->step of track p->track. The first note of the pass on that step
 * replaces the trig there by a fresh note trig (ts_trig_init, kind note, notes = {note}, vel,
 * micro = p->micro when keep_micro, else 0, all else unset) that keeps only the locks this pass
 * recorded on that step before (ts_rec_cc). A later note of the pass on the step joins the chord
 * (once; beyond TS_MAX_NOTES refused and counted in notes_ignored), and the trig's vel becomes the
 * loudest; its micro stays the first note's. Steps no note of the pass landed on keep their trigs
 * (overdub). The note is held until its note-off for its length (beyond TS_REC_HELD held, it is
 * written without a length and counted in lengths_ignored). A note-on of a note of the track held
 * already ends that one first, as its note-off would. Refused outside a pass, and for a track,
 * step, note (0 … 127), vel (1 … 127) or, when kept, micro (-23 … 23) out of range. */
bool ts_rec_note_on(ts_recorder *r, ts_edit *ed, const ts_rec_pos *p, int note, int vel,
		    bool keep_micro);
/* A note-off in a pass: the held note (p->track, note) ends at p->time (p->step and p->micro do
 * not matter), and the trig it was written on gets the gate ts_rec_gate(p->time - its on time),
 * or keeps its own when that is longer (a chord's gate is its longest note's). A note not held
 * does nothing at all (false): a key pressed before the pass, or a note not written. */
bool ts_rec_note_off(ts_recorder *r, ts_edit *ed, const ts_rec_pos *p, int note);
/* A controller in a pass: a parameter lock cc=value on step p->step of track p->track (p->micro
 * does not matter). A trig there with a lock of that controller takes the new value (so of
 * several values in one step the last stays); another trig gets the lock added, unless it has
 * TS_MAX_LOCKS already (refused, counted in locks_ignored); an empty step becomes a lock trig
 * ('o') with that lock alone. Refused outside a pass and for a track, step, controller or value
 * (0 … 127) out of range. */
bool ts_rec_cc(ts_recorder *r, ts_edit *ed, const ts_rec_pos *p, int cc, int value);

/* The gate for a note held `held` 1/TS_PHASE_STEP of a step: the index of the length table
 * (ts_len16) whose value is nearest, the shorter of two as near; index 0 below the table, its
 * longest finite length (128 steps) above it, never inf. */
int ts_rec_gate(int64_t held);

#endif
