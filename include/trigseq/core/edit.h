/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The editor's document: one pattern file being edited, the cursor, the clipboard and the undo
 * history, and every edit a key can make. Pure: no terminal, no JACK, no I/O but opening,
 * saving and the recovery file, so the effect of every key is unit-tested (tests/test_edit.c).
 * The terminal UI (src/ui.c) binds keys to these calls and draws what they leave.
 *
 * Every edit that changes the pattern records an undo step first (up to TS_EDIT_UNDO steps; the
 * oldest go; the edits of an open undo group share one), clears the redo list, marks the document
 * dirty and bumps its version, so the UI knows to hand the engine the new pattern. An edit that
 * cannot apply (nothing to paste, a value at its limit, a step beyond the track's length) changes
 * nothing and returns false; the UI says why with ts_edit_message(). Cursor moves never touch the
 * pattern, the history or the version.
 *
 * Threads: the UI thread only. Nothing here is real-time.
 */
#ifndef TRIGSEQ_EDIT_H
#define TRIGSEQ_EDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/status.h"

#define TS_EDIT_UNDO 200     /* undo steps kept */
#define TS_EDIT_PAGE 16      /* steps shown per page */

/* What the inspector's up/down keys change at the cursor. Trig fields apply to the trig under
 * the cursor (an empty step refuses them), track fields to the cursor's track, pattern fields to
 * the pattern. The order is the inspector's. A trig field that is unset (the track default) starts
 * from the track's value when first changed. Every value moves along its scale without wrapping:
 * lengths through the length table with inf at the top; cond from none through the
 * probabilities rising (1% … 100%), A:B by B then A (1:2 2:2 1:3 2:3 3:3 … 8:8), then fill !fill
 * pre !pre nei !nei 1st !1st; retrig from off through 1/1 … 1/80 (setting the trig's own rate);
 * speeds from 1/8x up to 2x. Shortening a track (or, in normal mode, the pattern) empties the
 * steps beyond its new length; undo brings them back. */
#define TS_EDIT_FIELDS(X)                                                   \
	X(TS_F_NOTE, "note", TRIG)          /* trig note (sets one note) */  \
	X(TS_F_VEL, "vel", TRIG)                                             \
	X(TS_F_GATE, "gate", TRIG)          /* length table index */          \
	X(TS_F_MICRO, "micro", TRIG)                                         \
	X(TS_F_COND, "cond", TRIG)          /* none, P%, A:B, fill … (above) */ \
	X(TS_F_RETRIG, "retrig", TRIG)      /* off, then rates 1/1 … 1/80 */  \
	X(TS_F_RETRIG_LEN, "rtrg len", TRIG)                                 \
	X(TS_F_RETRIG_VEL, "rtrg vel", TRIG)                                 \
	X(TS_F_SLIDE, "slide", TRIG)        /* off, on */                     \
	X(TS_F_TRIG_SWING, "swing", TRIG)   /* auto (step parity), on, off */ \
	X(TS_F_LOCKS, "locks", TRIG)        /* typed (e): "74=100 71=20" */   \
	X(TS_F_T_CHANNEL, "channel", TRACK) /* off, 1 … 16 */                 \
	X(TS_F_T_PORT, "port", TRACK)       /* typed (e) */                   \
	X(TS_F_T_NOTE, "trk note", TRACK)   /* sets one note */               \
	X(TS_F_T_VEL, "trk vel", TRACK)                                      \
	X(TS_F_T_GATE, "trk gate", TRACK)                                    \
	X(TS_F_T_LENGTH, "length", TRACK)   /* advanced mode only */          \
	X(TS_F_T_SPEED, "speed", TRACK)     /* advanced only; up = faster */  \
	X(TS_F_T_PROB, "prob", TRACK)                                        \
	X(TS_F_T_PROGRAM, "program", TRACK) /* none, 0 … 127 */               \
	X(TS_F_T_SEND, "send-midi", TRACK)  /* off, on */                     \
	X(TS_F_T_MUTE, "mute", TRACK)       /* off, on */                     \
	X(TS_F_T_RRATE, "trk rtrg", TRACK)  /* retrig-rate: 1/1 … 1/80 */     \
	X(TS_F_T_RLEN, "trk rlen", TRACK)   /* retrig-len */                  \
	X(TS_F_T_RVEL, "trk rvel", TRACK)   /* retrig-vel */                  \
	X(TS_F_T_DEST, "dest", TRACK)       /* ext, int, int+ext */           \
	X(TS_F_T_CC, "cc", TRACK)           /* base values, typed (e) */      \
	X(TS_F_T_SAMPLE, "sample", TRACK)   /* typed (e) */                   \
	X(TS_F_T_PL1, "pl1", TRACK)         /* euclid: off, then pulses 0 … 64 */ \
	X(TS_F_T_PL2, "pl2", TRACK)         /* the rest while euclid is on */ \
	X(TS_F_T_RO1, "ro1", TRACK)         /* rotations -63 … 63 */          \
	X(TS_F_T_RO2, "ro2", TRACK)                                          \
	X(TS_F_T_TRO, "tro", TRACK)                                          \
	X(TS_F_T_OP, "op", TRACK)           /* or, xor, and, sub */           \
	X(TS_F_TEMPO, "tempo", PATTERN)     /* 0.1 BPM a step, 1 BPM coarse */ \
	X(TS_F_SWING, "pat swing", PATTERN)                                  \
	X(TS_F_LENGTH, "pat len", PATTERN)  /* normal: every track's; adv: inf on top */ \
	X(TS_F_SPEED, "pat speed", PATTERN) /* up = faster */                 \
	X(TS_F_ACCENT, "accent", PATTERN)                                    \
	X(TS_F_CHANGE, "change", PATTERN)   /* off, then 2 … 1024 */          \
	X(TS_F_MODE, "mode", PATTERN)       /* normal, advanced: see below */

#define TS_EDIT_FIELD_ENUM(id, name, scope) id,
typedef enum { TS_EDIT_FIELDS(TS_EDIT_FIELD_ENUM) TS_F_COUNT } ts_edit_field;
#undef TS_EDIT_FIELD_ENUM

/* Mode: normal -> advanced keeps every track's length and speed (they become the tracks' own)
 * and makes the pattern length the master length; advanced -> normal makes every track the
 * longest track's length (at most 64) and the pattern's speed. */
typedef enum { TS_SCOPE_TRIG, TS_SCOPE_TRACK, TS_SCOPE_PATTERN } ts_edit_scope;

/* A field's label (as in the table) and scope. */
const char *ts_edit_field_name(int field);
ts_edit_scope ts_edit_field_scope(int field);

typedef enum { TS_CLIP_NONE = 0, TS_CLIP_TRIG, TS_CLIP_TRACK, TS_CLIP_PAGE } ts_clip_kind;

typedef struct ts_edit ts_edit;

/* A new document: an empty pattern (ts_pattern_init) named by `path` (may be NULL: untitled),
 * not dirty. NULL when out of memory. */
ts_edit *ts_edit_new(const char *path);
void ts_edit_free(ts_edit *ed);

/* Load `path` (its comments are kept for saving). On a parse error the document is unchanged
 * and diags holds the problems. A missing file is TS_ERR_IO with errno ENOENT: the caller may
 * start a new pattern under that name with ts_edit_new. On success the history is cleared, the
 * document is clean and the cursor goes to track 1 step 1; the clipboard stays. */
ts_status ts_edit_open(ts_edit *ed, const char *path, ts_diags *diags);

/* Save atomically (ts_patfile_save: temp file, fsync, NAME~ kept, rename) to `path`, or to the
 * document's own path when NULL (untitled and NULL: TS_ERR_USAGE); on success the document takes
 * that path and is clean, and the recovery file (of the old path and of the new) is removed. On
 * failure the file is untouched (errno set) and the document keeps its path and dirtiness. */
ts_status ts_edit_save(ts_edit *ed, const char *path);

/* The recovery file of the document: "DIR/.NAME.recover" beside the file (untitled: in the
 * current directory, ".untitled.tsq.recover"). ts_edit_write_recovery writes the pattern there
 * atomically (temp file, fsync, rename; mode 0600; no NAME~ backup). Call it a few seconds after
 * edits: it does nothing when the version did not change since the last write, the open or the
 * save, and when the document is clean again (undone to the saved pattern) it removes the file
 * instead. ts_edit_recovery_newer: whether one exists that is newer (mtime) than the file, or the
 * file is missing (a crash or a kill left it). ts_edit_recover loads it as the document's content
 * with its comments, dirty, keeping the path; it is one undo step (undo gives the file's content
 * back). ts_edit_remove_recovery: when the user declines it. */
ts_status ts_edit_write_recovery(ts_edit *ed);
bool ts_edit_recovery_newer(const ts_edit *ed);
ts_status ts_edit_recover(ts_edit *ed, ts_diags *diags);
void ts_edit_remove_recovery(const ts_edit *ed);

const ts_pattern *ts_edit_pattern(const ts_edit *ed);
const char *ts_edit_path(const ts_edit *ed);     /* NULL: untitled */
bool ts_edit_dirty(const ts_edit *ed);
uint64_t ts_edit_version(const ts_edit *ed);     /* bumped by every change, undo and redo */
/* Why the last call that returned false did nothing, or "" (a static string). */
const char *ts_edit_message(const ts_edit *ed);

/* ---- cursor ---- */
typedef struct {
	int track;        /* 0 … 11 */
	int step;         /* 0 … 63 (may be beyond the track's length: shown as not there) */
	int field;        /* ts_edit_field selected in the inspector */
} ts_edit_cursor;

ts_edit_cursor ts_edit_get_cursor(const ts_edit *ed);
/* Move by dt tracks and ds steps, clamped (no wrap) to the tracks and to the longest track's
 * steps; page moves are ±16 steps. ts_edit_move_to clamps to 0 … 63 only. */
void ts_edit_move(ts_edit *ed, int dt, int ds);
void ts_edit_move_to(ts_edit *ed, int track, int step);
void ts_edit_select_field(ts_edit *ed, int delta);   /* wraps */
int ts_edit_page(const ts_edit *ed);                  /* cursor's page: step / 16 */

/* The value of `field` at the cursor as the inspector shows it, into buf: notes as name and
 * number ("D#2 (39)", several joined by '+'), lengths as the file writes them ("0.5", "inf"),
 * conditions as in files ("1:2", "!fill"), "-" for a trig field on an empty step, "(trk)" suffix
 * when a trig field is unset and shows the track's value. Returns buf. */
const char *ts_edit_field_text(const ts_edit *ed, int field, char *buf, size_t size);

/* ---- edits at the cursor (each one undoable; false = nothing changed) ---- */

/* Empty step -> note trig ('x', every attribute unset: the track's defaults); any trig -> empty
 * (its parameters go too: byte for byte an empty step, so the file is as if it never was). */
bool ts_edit_toggle(ts_edit *ed);
/* Set the trig kind at the cursor: TS_TRIG_NOTE, _ACCENT, _LOCK, _MUTED (an empty step gets a
 * plain trig of that kind; a trig keeps its attributes), or _NONE (as toggling it off). */
bool ts_edit_set_kind(ts_edit *ed, int kind);
/* Change the selected field by delta (fine: ±1; the UI passes ±12 for notes, ±10 for others, as
 * coarse). Trig fields need a trig at the cursor. Values clamp at their ends (false there). */
bool ts_edit_adjust(ts_edit *ed, int delta);
/* Set the selected field from text, as the pattern file writes its value (`D#2`, `C4+E4`,
 * `50%`, `3:4`, `0.5`, `1/32`, `off`, `74=100 71=20`, a port name, a sample path …): the only
 * way to set locks, base cc values, the port and the sample. Refused with the reason. */
bool ts_edit_set_text(ts_edit *ed, const char *text);
/* Set the trig's note (0 … 127): the cursor's trig becomes a single-note trig; an empty step gets
 * a note trig first (so typing notes into empty steps writes a line). */
bool ts_edit_set_note(ts_edit *ed, int note);
/* A note recorded live: ts_edit_set_note and the trig's micro timing (-23 … 23), one edit. */
bool ts_edit_record_note(ts_edit *ed, int note, int micro);
/* Flags of the cursor's trig. */
bool ts_edit_toggle_slide(ts_edit *ed);
/* Track mute on/off (the file's `mute`); track 0 … 11 as in the cursor. */
bool ts_edit_toggle_mute(ts_edit *ed, int track);
/* Name a track (0 … 11): at most TS_NAME_MAX bytes, no control characters. */
bool ts_edit_set_track_name(ts_edit *ed, int track, const char *name);
/* Track send-midi on/off; track 0 … 11. */
bool ts_edit_toggle_send(ts_edit *ed, int track);
/* Freeze the cursor's euclid track (euclid.md §3.3.2, the Rytm's FUNC + EUCLID off): its trigs
 * move to the steps where its hits play ('.' as x) and euclid goes; what plays is unchanged. One
 * undo step; refused on a track that is not euclidean. */
bool ts_edit_freeze(ts_edit *ed);

/* Clipboard: copy never changes the pattern; paste and clear are undoable. Trig: the cursor's
 * step (an empty one too: pasting it empties the target); track: the cursor's track (all its
 * settings, channel included, and steps; the target keeps its name and becomes declared; in
 * advanced mode it takes the copied length and speed, in normal mode the pattern's); page: the 16
 * steps of the cursor's page on every track (steps beyond a target track's length are not
 * pasted). The clipboard survives ts_edit_open. Clear: the trig; the track back to a default
 * track (name kept); the page's steps on every track. */
void ts_edit_copy(ts_edit *ed, ts_clip_kind what);
bool ts_edit_paste(ts_edit *ed);          /* what was copied, at the cursor's step/track/page */
bool ts_edit_clear(ts_edit *ed, ts_clip_kind what);
/* Give `to` the clipboard of `from` (an editor of several patterns copies between them). */
void ts_edit_copy_clipboard(ts_edit *to, const ts_edit *from);

/* Undo and redo end an open group first (below), so an undo during a recording pass undoes the
 * whole pass so far. */
bool ts_edit_undo(ts_edit *ed);
bool ts_edit_redo(ts_edit *ed);

/* Undo groups: the edits between begin and end are one undo step (a recording pass, which makes
 * one edit per note). The first edit of the group that changes the pattern records the undo
 * step as any edit does (the pattern before it, the cursor where it was made); later edits of the
 * group change the pattern, bump the version, mark the document dirty and clear the redo list,
 * but record no step of their own. A group in which nothing changed, or whose edits undid each
 * other, leaves no undo step. Begin while a group is open and end while none is do nothing;
 * undo, redo and ts_edit_open end an open group. */
void ts_edit_group_begin(ts_edit *ed);
void ts_edit_group_end(ts_edit *ed);
bool ts_edit_in_group(const ts_edit *ed);

#endif
