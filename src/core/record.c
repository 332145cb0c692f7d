/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Recording into the editor's document (record.h). Each call is one edit of the document through
 * its begin/commit, so recording leaves the same traces as a key would (dirty, a new version,
 * the pattern settled) and the document's undo group turns a whole pass into one step.
 *
 * What a pass remembers is what the pattern cannot say: which steps a note of this pass already
 * landed on (a later note there joins the chord instead of replacing the trig again), which
 * controllers it locked on each step (they survive the replacement by the step's first note, the
 * trig's other locks do not), and the notes held with where and when they began.
 */
#include "edit_impl.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/record.h"

#include <string.h>

_Static_assert(TS_MAX_STEPS <= 64, "a pass keeps the steps of a track in one uint64_t");

#define MSG_NOT_RECORDING "not recording"
#define MSG_VEL_RANGE "velocity out of range (1 ... 127)"
#define MSG_CC_RANGE "controller out of range (0 ... 127)"
#define MSG_VALUE_RANGE "value out of range (0 ... 127)"
#define MSG_MICRO_RANGE "micro timing out of range (-23 ... 23)"
#define MSG_CHORD_FULL "the chord has 4 notes already"
#define MSG_LOCKS_FULL "the trig has 16 locks already"

_Static_assert(TS_MAX_NOTES == 4 && TS_MAX_LOCKS == 16, "the messages say the limits");

static bool note_in(const uint64_t set[2], int n)
{
	return set[n / 64] >> (n % 64) & 1;
}

static void note_put(uint64_t set[2], int n, bool in)
{
	uint64_t bit = (uint64_t)1 << (n % 64);
	set[n / 64] = in ? set[n / 64] | bit : set[n / 64] & ~bit;
}

void ts_rec_init(ts_recorder *r)
{
	memset(r, 0, sizeof(*r));
}

int ts_rec_gate(int64_t held)
{
	/* Compared in 1/TS_PHASE_STEP of a step: a sixteenth is TS_PHASE_STEP / 16 of them. Clamped
	 * so that no difference below can overflow. */
	const int64_t sixteenth = TS_PHASE_STEP / 16;
	int64_t longest = ts_len16(TS_LEN_COUNT - 1) * sixteenth;
	if (held < 0)
		held = 0;
	if (held > 2 * longest)
		held = 2 * longest;
	int best = 0;
	int64_t best_d = INT64_MAX;
	/* The table rises, so the first of two as near is the shorter. */
	for (int i = 0; i < TS_LEN_COUNT; i++) {
		int64_t d = ts_len16(i) * sixteenth - held;
		if (d < 0)
			d = -d;
		if (d < best_d) {
			best_d = d;
			best = i;
		}
	}
	return best;
}

/* ---- step entry ---- */

void ts_rec_step_on(ts_recorder *r, int note, int vel)
{
	if (note < 0 || note > 127 || vel < 1 || vel > 127 || note_in(r->down, note))
		return;
	note_put(r->down, note, true);
	r->ndown++;
	if (!memchr(r->chord, note, r->nchord)) {
		if (r->nchord == TS_MAX_NOTES) {
			r->notes_ignored++;
			return;
		}
		r->chord[r->nchord++] = (uint8_t)note;
	}
	if (vel > r->chord_vel)
		r->chord_vel = (uint8_t)vel;
}

/* The chord at the cursor, then the cursor to the next step. */
static bool write_chord(ts_edit *ed, const uint8_t *notes, int n, int vel)
{
	ts_edit_cursor c = ts_edit_get_cursor(ed);
	int length = ed->pat.tracks[c.track].length;
	if (c.step >= length)
		return ts_edit_refuse(ed, MSG_BEYOND);
	ts_trig t; /* copied whole, padding included: the document compares patterns byte by byte */
	memcpy(&t, ts_edit_cur_trig(ed), sizeof(t));
	if (t.kind == TS_TRIG_NONE) {
		ts_trig_init(&t);
		t.kind = TS_TRIG_NOTE;
	}
	memset(t.notes, 0, sizeof(t.notes));
	memcpy(t.notes, notes, (size_t)n);
	t.nnotes = (uint8_t)n;
	t.vel = (uint8_t)vel;
	bool changed = false;
	if (memcmp(&t, ts_edit_cur_trig(ed), sizeof(t)) == 0) {
		/* Played again over itself: nothing to undo, but the player moves on. */
		ts_edit_refuse(ed, MSG_NO_CHANGE);
	} else {
		ts_edit_begin(ed);
		memcpy(ts_edit_cur_trig(ed), &t, sizeof(t));
		changed = ts_edit_commit(ed, MSG_NO_CHANGE, false);
		if (!changed)
			return false; /* out of memory: the chord was not written, stay on it */
	}
	ts_edit_move_to(ed, c.track, (c.step + 1) % length);
	return changed;
}

bool ts_rec_step_off(ts_recorder *r, ts_edit *ed, int note)
{
	if (note < 0 || note > 127 || !note_in(r->down, note))
		return false;
	note_put(r->down, note, false);
	if (--r->ndown > 0)
		return false;
	uint8_t notes[TS_MAX_NOTES];
	int n = r->nchord, vel = r->chord_vel;
	memcpy(notes, r->chord, sizeof(notes));
	r->nchord = r->chord_vel = 0;
	return n > 0 && write_chord(ed, notes, n, vel);
}

/* ---- passes ---- */

/* Forgets everything of a pass but that it runs. */
static void pass_forget(ts_recorder *r)
{
	memset(r->noted, 0, sizeof(r->noted));
	memset(r->locked, 0, sizeof(r->locked));
	r->nheld = 0;
}

void ts_rec_pass_begin(ts_recorder *r, ts_edit *ed)
{
	if (r->pass)
		return;
	memset(r->down, 0, sizeof(r->down));
	r->ndown = r->nchord = r->chord_vel = 0;
	pass_forget(r);
	r->pass = true;
	ts_edit_group_begin(ed);
}

/* An undo or redo during the pass ended its group: what the pass knows of the pattern may have
 * gone with it, so the pass goes on as a new one (record.h). */
static void pass_resume(ts_recorder *r, ts_edit *ed)
{
	if (ts_edit_in_group(ed))
		return;
	pass_forget(r);
	ts_edit_group_begin(ed);
}

bool ts_rec_in_pass(const ts_recorder *r)
{
	return r->pass;
}

/* Why a pass cannot record at p, or NULL. */
static const char *pos_refused(const ts_recorder *r, const ts_edit *ed, const ts_rec_pos *p)
{
	if (!r->pass)
		return MSG_NOT_RECORDING;
	if (p->track < 0 || p->track >= TS_TRACKS)
		return MSG_NO_TRACK;
	if (p->step < 0 || p->step >= ed->pat.tracks[p->track].length)
		return MSG_BEYOND;
	if (ed->pat.tracks[p->track].euclid.on)
		return MSG_REC_EUCLID;
	return NULL;
}

static int held_find(const ts_recorder *r, int track, int note)
{
	for (int i = 0; i < r->nheld; i++)
		if (r->held[i].track == track && r->held[i].note == note)
			return i;
	return -1;
}

/* The held note i ends at `time`: the gate of its trig, inside an edit begun; it is no longer
 * held. */
static void held_end(ts_recorder *r, ts_edit *ed, int i, int64_t time)
{
	ts_rec_held h = r->held[i];
	r->held[i] = r->held[--r->nheld];
	ts_trig *tr = &ed->pat.tracks[h.track].steps[h.step];
	/* The trig is the pass's still unless the player emptied the step since. */
	if (tr->kind == TS_TRIG_NONE || !(r->noted[h.track] >> h.step & 1))
		return;
	int g = ts_rec_gate(time - h.on);
	if (tr->gate == TS_UNSET || tr->gate < g)
		tr->gate = (uint8_t)g;
}

bool ts_rec_pass_end(ts_recorder *r, ts_edit *ed, const int64_t now[TS_TRACKS])
{
	if (!r->pass)
		return false;
	bool changed = false;
	if (ts_edit_in_group(ed) && r->nheld) {
		ts_edit_begin(ed);
		while (r->nheld)
			held_end(r, ed, r->nheld - 1, now[r->held[r->nheld - 1].track]);
		changed = ts_edit_commit(ed, MSG_NO_CHANGE, false);
	}
	ts_edit_group_end(ed);
	pass_forget(r);
	r->pass = false;
	return changed;
}

/* The step's first note of the pass: a fresh note trig, with the locks the pass recorded there. */
static void trig_replace(ts_trig *tr, const uint64_t locked[2], int note, int vel, int micro)
{
	ts_trig old = *tr;
	ts_trig_init(tr);
	tr->kind = TS_TRIG_NOTE;
	ts_edit_one_note(&tr->nnotes, tr->notes, note);
	tr->vel = (uint8_t)vel;
	tr->micro = (int8_t)micro;
	for (int i = 0; i < old.nlocks; i++)
		if (note_in(locked, old.locks[i].cc))
			tr->locks[tr->nlocks++] = old.locks[i];
}

static const char *note_refused(const ts_rec_pos *p, int note, int vel, bool keep_micro)
{
	if (note < 0 || note > 127)
		return MSG_NOTE_RANGE;
	if (vel < 1 || vel > 127)
		return MSG_VEL_RANGE;
	if (keep_micro && (p->micro < -23 || p->micro > 23))
		return MSG_MICRO_RANGE;
	return NULL;
}

bool ts_rec_note_on(ts_recorder *r, ts_edit *ed, const ts_rec_pos *p, int note, int vel,
		    bool keep_micro)
{
	const char *why = pos_refused(r, ed, p);
	if (!why)
		why = note_refused(p, note, vel, keep_micro);
	if (why)
		return ts_edit_refuse(ed, why);
	pass_resume(r, ed);
	int t = p->track, s = p->step;
	ts_trig *tr = &ed->pat.tracks[t].steps[s];
	bool first = !(r->noted[t] >> s & 1) || tr->kind == TS_TRIG_NONE;
	bool joins = first || memchr(tr->notes, note, tr->nnotes) || tr->nnotes < TS_MAX_NOTES;
	if (!joins) {
		r->notes_ignored++;
		return ts_edit_refuse(ed, MSG_CHORD_FULL);
	}
	ts_edit_begin(ed);
	int i = held_find(r, t, note);
	if (i >= 0)
		held_end(r, ed, i, p->time);
	if (first) {
		trig_replace(tr, r->locked[t][s], note, vel, keep_micro ? p->micro : 0);
		r->noted[t] |= (uint64_t)1 << s;
	} else {
		if (!memchr(tr->notes, note, tr->nnotes))
			tr->notes[tr->nnotes++] = (uint8_t)note;
		if (tr->vel == TS_UNSET || tr->vel < vel)
			tr->vel = (uint8_t)vel;
	}
	if (r->nheld < TS_REC_HELD)
		r->held[r->nheld++] = (ts_rec_held){.track = (uint8_t)t, .note = (uint8_t)note,
						    .step = (uint8_t)s, .on = p->time};
	else
		r->lengths_ignored++;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_rec_note_off(ts_recorder *r, ts_edit *ed, const ts_rec_pos *p, int note)
{
	if (!r->pass || p->track < 0 || p->track >= TS_TRACKS || note < 0 || note > 127)
		return false;
	pass_resume(r, ed);
	int i = held_find(r, p->track, note);
	if (i < 0)
		return false;
	ts_edit_begin(ed);
	held_end(r, ed, i, p->time);
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_rec_cc(ts_recorder *r, ts_edit *ed, const ts_rec_pos *p, int cc, int value)
{
	const char *why = pos_refused(r, ed, p);
	if (!why && (cc < 0 || cc > 127))
		why = MSG_CC_RANGE;
	if (!why && (value < 0 || value > 127))
		why = MSG_VALUE_RANGE;
	if (why)
		return ts_edit_refuse(ed, why);
	pass_resume(r, ed);
	ts_trig *tr = &ed->pat.tracks[p->track].steps[p->step];
	int i = 0;
	while (i < tr->nlocks && tr->locks[i].cc != cc)
		i++;
	if (i == TS_MAX_LOCKS) {
		r->locks_ignored++;
		return ts_edit_refuse(ed, MSG_LOCKS_FULL);
	}
	ts_edit_begin(ed);
	if (tr->kind == TS_TRIG_NONE) {
		ts_trig_init(tr);
		tr->kind = TS_TRIG_LOCK;
	}
	if (i == tr->nlocks)
		tr->locks[tr->nlocks++] = (ts_lock){.cc = (uint8_t)cc, .value = (uint8_t)value};
	else
		tr->locks[i].value = (uint8_t)value;
	note_put(r->locked[p->track][p->step], cc, true);
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}
