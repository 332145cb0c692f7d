/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the editor's document (edit.h), shared by its two files: edit.c (the document, the
 * history, the cursor, trig edits and the clipboard) and edit_field.c (the inspector's fields).
 * Not a public header. The UI thread only, as edit.h.
 */
#ifndef TRIGSEQ_EDIT_IMPL_H
#define TRIGSEQ_EDIT_IMPL_H

#include <string.h>

#include "trigseq/core/edit.h"

/* Why an edit was refused (ts_edit_message). */
#define MSG_NO_TRIG "no trig at this step"
#define MSG_BEYOND "step beyond the track's length"
#define MSG_ADVANCED "length and speed per track need mode advanced"
#define MSG_LIMIT "at the limit"
#define MSG_NO_CHANGE "no change"
#define MSG_NO_CLIP "nothing copied"
#define MSG_NO_UNDO "nothing to undo"
#define MSG_NO_REDO "nothing to redo"
#define MSG_NOMEM "out of memory: the edit was not made"
#define MSG_NO_TRACK "no such track"
#define MSG_NO_KIND "no such trig kind"
#define MSG_NOTE_RANGE "note out of range (0 ... 127)"
#define MSG_PAGE_BEYOND "page beyond every track's length"
#define MSG_TYPED "this field is typed: e"
#define MSG_NOT_HIT "not a hit: euclid pl1 pl2 ro1 ro2 tro op place the trigs (Z freezes)"
#define MSG_EUCLID_OFF "euclid is off on this track: pl1 turns it on"
#define MSG_NOT_EUCLID "this track is not euclidean: nothing to freeze"
#define MSG_REC_EUCLID "a euclid track records nothing: freeze it first (Z)"

/* One undo or redo step: the pattern on the other side of an edit, its state number, and the
 * cursor where the edit was made. */
struct snap {
	ts_pattern pat;
	uint64_t state;
	ts_edit_cursor cur;
};

struct ts_edit {
	ts_pattern pat;
	ts_pattern before;                  /* the pattern as the current edit found it */
	ts_comments *comments;              /* of the file, written back on save */
	char *path;                         /* NULL: untitled */
	ts_edit_cursor cur;
	const char *msg;
	char msgbuf[160];                   /* msg of a refusal that says more (ts_edit_set_text) */

	uint64_t version;
	uint64_t state, saved_state, last_state;
	uint64_t rec_version;               /* version the recovery file was last brought up to */

	struct snap *undo[TS_EDIT_UNDO];    /* ring, oldest at undo_first */
	int undo_first, undo_n;
	struct snap *redo[TS_EDIT_UNDO];    /* stack, newest last */
	int redo_n;
	struct snap *spare[TS_EDIT_UNDO];   /* allocated, unused */
	int spare_n;
	bool group;                         /* an undo group is open (ts_edit_group_begin) */
	bool group_step;                    /* and its undo step is recorded */

	ts_clip_kind clip;
	ts_trig clip_trig;
	ts_track clip_track;
	ts_trig clip_page[TS_TRACKS][TS_EDIT_PAGE];
};

/* An edit: ts_edit_begin() keeps the pattern as it was, the edit changes ed->pat, and
 * ts_edit_commit() settles it and makes it an undo step when it changed (or when forced), else
 * refuses with `unchanged`. ts_edit_refuse/refusef: false, with the reason as the message. */
void ts_edit_begin(ts_edit *ed);
bool ts_edit_commit(ts_edit *ed, const char *unchanged, bool force);
bool ts_edit_refuse(ts_edit *ed, const char *why);
bool ts_edit_refusef(ts_edit *ed, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Why the cursor's step has no trig to edit, or NULL. */
const char *ts_edit_no_trig(const ts_edit *ed);

static inline int ts_edit_clamp(long long v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

static inline ts_track *ts_edit_cur_track(ts_edit *ed)
{
	return &ed->pat.tracks[ed->cur.track];
}

/* The grid step whose trig the cursor's step plays and edits: the step itself, or under euclid
 * grid step k(s) of the hit s (euclid.md §3.3.2), -1 when the step is not a hit. */
static inline int ts_edit_trig_index(const ts_edit *ed)
{
	return ts_track_trig_of(&ed->pat.tracks[ed->cur.track], ed->cur.step);
}

/* The trig at the cursor (callers check ts_edit_no_step first: a step that is not a hit has
 * none; the step itself is returned then). */
static inline ts_trig *ts_edit_cur_trig(ts_edit *ed)
{
	int k = ts_edit_trig_index(ed);
	return &ed->pat.tracks[ed->cur.track].steps[k >= 0 ? k : ed->cur.step];
}

static inline const ts_trig *ts_edit_cur_trig_c(const ts_edit *ed)
{
	int k = ts_edit_trig_index(ed);
	return &ed->pat.tracks[ed->cur.track].steps[k >= 0 ? k : ed->cur.step];
}

/* Why the cursor's step holds no trig to edit (beyond the length, or not a euclid hit), or
 * NULL. */
const char *ts_edit_no_step(const ts_edit *ed);

/* notes become the one note `note`. */
static inline void ts_edit_one_note(uint8_t *nnotes, uint8_t notes[TS_MAX_NOTES], int note)
{
	memset(notes, 0, TS_MAX_NOTES);
	notes[0] = (uint8_t)note;
	*nnotes = 1;
}

#endif
