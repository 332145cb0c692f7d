/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The editor's document (edit.h): one pattern, the cursor, the clipboard and the undo history.
 *
 * Every edit runs the same way: begin() keeps the pattern as it was, the edit changes ed->pat in
 * place, and commit() settles the pattern (track lengths and speeds by the mode, steps beyond a
 * track's length emptied) and compares it with the kept copy. Nothing changed: the edit is
 * refused and leaves no trace. Changed: the kept copy becomes an undo step. So no edit can leave
 * an invalid pattern or an undo step that does nothing.
 *
 * History: undo and redo steps are whole-pattern snapshots (a pattern is ~47 KB and has no
 * pointers), allocated on demand, at most TS_EDIT_UNDO of them in all: undo steps + redo steps
 * never exceed that, so a full history reuses its oldest undo step instead of allocating, and
 * undo and redo only swap contents and never allocate. Each pattern content along the history
 * has a state number; the document is dirty when the current state is not the saved one, so
 * undoing back to the saved pattern makes it clean again.
 */
#include "trigseq/core/edit.h"
#include "trigseq/core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EDIT_FIELD_NAME(id, name, scope) name,
static const char *const field_names[TS_F_COUNT] = {TS_EDIT_FIELDS(EDIT_FIELD_NAME)};
#undef EDIT_FIELD_NAME
#define EDIT_FIELD_SCOPE(id, name, scope) TS_SCOPE_##scope,
static const ts_edit_scope field_scopes[TS_F_COUNT] = {TS_EDIT_FIELDS(EDIT_FIELD_SCOPE)};
#undef EDIT_FIELD_SCOPE

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

	ts_clip_kind clip;
	ts_trig clip_trig;
	ts_track clip_track;
	ts_trig clip_page[TS_TRACKS][TS_EDIT_PAGE];
};

const char *ts_edit_field_name(int field)
{
	return field >= 0 && field < TS_F_COUNT ? field_names[field] : "?";
}

ts_edit_scope ts_edit_field_scope(int field)
{
	return field >= 0 && field < TS_F_COUNT ? field_scopes[field] : TS_SCOPE_PATTERN;
}

/* ---- the document ---- */

ts_edit *ts_edit_new(const char *path)
{
	ts_edit *ed = calloc(1, sizeof(*ed));
	if (!ed)
		return NULL;
	if (path) {
		ed->path = strdup(path);
		if (!ed->path) {
			free(ed);
			return NULL;
		}
	}
	ts_pattern_init(&ed->pat);
	ed->msg = "";
	return ed;
}

static void history_free(ts_edit *ed)
{
	for (int i = 0; i < ed->undo_n; i++)
		free(ed->undo[(ed->undo_first + i) % TS_EDIT_UNDO]);
	for (int i = 0; i < ed->redo_n; i++)
		free(ed->redo[i]);
	for (int i = 0; i < ed->spare_n; i++)
		free(ed->spare[i]);
	ed->undo_first = ed->undo_n = ed->redo_n = ed->spare_n = 0;
}

void ts_edit_free(ts_edit *ed)
{
	if (!ed)
		return;
	history_free(ed);
	ts_comments_free(ed->comments);
	free(ed->path);
	free(ed);
}

ts_status ts_edit_open(ts_edit *ed, const char *path, ts_diags *diags)
{
	char *p = strdup(path);
	if (!p) {
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_comments *com = NULL;
	ts_status st = ts_patfile_load(path, &ed->before, &com, diags);
	if (st != TS_OK) {
		int e = errno;
		free(p);
		errno = e;
		return st;
	}
	free(ed->path);
	ed->path = p;
	ts_comments_free(ed->comments);
	ed->comments = com;
	memcpy(&ed->pat, &ed->before, sizeof(ed->pat));
	history_free(ed);
	ed->state = ed->saved_state = ++ed->last_state;
	ed->version++;
	ed->rec_version = ed->version;
	ed->cur.track = ed->cur.step = 0;
	ed->msg = "";
	return TS_OK;
}

const ts_pattern *ts_edit_pattern(const ts_edit *ed)
{
	return &ed->pat;
}

const char *ts_edit_path(const ts_edit *ed)
{
	return ed->path;
}

bool ts_edit_dirty(const ts_edit *ed)
{
	return ed->state != ed->saved_state;
}

uint64_t ts_edit_version(const ts_edit *ed)
{
	return ed->version;
}

const char *ts_edit_message(const ts_edit *ed)
{
	return ed->msg;
}

/* ---- saving and the recovery file ---- */

/* "DIR/.NAME.recover" for "DIR/NAME"; malloc'd, NULL when out of memory. */
static char *recovery_path(const char *path)
{
	const char *p = path ? path : "untitled.tsq";
	const char *slash = strrchr(p, '/');
	size_t dirlen = slash ? (size_t)(slash - p) + 1 : 0;
	size_t n = strlen(p) + sizeof("..recover");
	char *r = malloc(n);
	if (r)
		snprintf(r, n, "%.*s.%s.recover", (int)dirlen, p, p + dirlen);
	return r;
}

ts_status ts_edit_save(ts_edit *ed, const char *path)
{
	const char *target = path ? path : ed->path;
	if (!target) {
		errno = EINVAL;
		return TS_ERR_USAGE;
	}
	bool renamed = path && (!ed->path || strcmp(path, ed->path) != 0);
	/* every name first: once the file is saved, both recovery files must go */
	char *oldrec = recovery_path(ed->path);
	char *newpath = renamed ? strdup(path) : NULL;
	char *newrec = renamed ? recovery_path(path) : NULL;
	if (!oldrec || (renamed && (!newpath || !newrec))) {
		free(oldrec);
		free(newpath);
		free(newrec);
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_status st = ts_patfile_save(target, &ed->pat, ed->comments);
	if (st != TS_OK) {
		int e = errno;
		free(oldrec);
		free(newpath);
		free(newrec);
		errno = e;
		return st;
	}
	unlink(oldrec);
	free(oldrec);
	if (newpath) {
		free(ed->path);
		ed->path = newpath;
		unlink(newrec);
		free(newrec);
	}
	ed->saved_state = ed->state;
	ed->rec_version = ed->version;
	return TS_OK;
}

/* Replace `path` by `text` atomically. Unlike ts_patfile_save no PATH~ is kept (a recovery file
 * needs no backup of its own), and a new one is private. */
static ts_status write_atomic(const char *path, const char *text, size_t len)
{
	return ts_file_replace(path, text, len, TS_FILE_PRIVATE);
}

ts_status ts_edit_write_recovery(ts_edit *ed)
{
	if (ed->version == ed->rec_version)
		return TS_OK;
	char *rp = recovery_path(ed->path);
	if (!rp) {
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_status st = TS_OK;
	if (!ts_edit_dirty(ed)) {
		/* Back at the saved pattern (undo): the file itself is the state to recover. */
		if (unlink(rp) != 0 && errno != ENOENT)
			st = TS_ERR_IO;
	} else {
		size_t len;
		char *text = ts_patfile_format(&ed->pat, ed->comments, &len);
		if (!text) {
			errno = ENOMEM;
			st = TS_ERR_NOMEM;
		} else {
			st = write_atomic(rp, text, len);
			free(text);
		}
	}
	int e = errno;
	free(rp);
	if (st == TS_OK)
		ed->rec_version = ed->version;
	errno = e;
	return st;
}

bool ts_edit_recovery_newer(const ts_edit *ed)
{
	char *rp = recovery_path(ed->path);
	if (!rp)
		return false;
	struct stat r, f;
	bool newer = false;
	if (stat(rp, &r) == 0 && S_ISREG(r.st_mode)) {
		if (!ed->path || stat(ed->path, &f) != 0)
			newer = true;
		else
			newer = r.st_mtim.tv_sec > f.st_mtim.tv_sec ||
				(r.st_mtim.tv_sec == f.st_mtim.tv_sec &&
				 r.st_mtim.tv_nsec > f.st_mtim.tv_nsec);
	}
	free(rp);
	return newer;
}

void ts_edit_remove_recovery(const ts_edit *ed)
{
	char *rp = recovery_path(ed->path);
	if (rp)
		unlink(rp);
	free(rp);
}

/* ---- the history ---- */

static bool refuse(ts_edit *ed, const char *why)
{
	ed->msg = why;
	return false;
}

static bool refusef(ts_edit *ed, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool refusef(ts_edit *ed, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ed->msgbuf, sizeof(ed->msgbuf), fmt, ap);
	va_end(ap);
	ed->msg = ed->msgbuf;
	return false;
}

static void begin(ts_edit *ed)
{
	memcpy(&ed->before, &ed->pat, sizeof(ed->pat));
}

/* Lengths and speeds by the mode; a step beyond its track's length is empty (the file could not
 * hold it and the engine refuses it). */
static void settle(ts_pattern *pat)
{
	ts_pattern_settle(pat);
	for (int t = 0; t < TS_TRACKS; t++)
		for (int k = pat->tracks[t].length; k < TS_MAX_STEPS; k++)
			ts_trig_init(&pat->tracks[t].steps[k]);
}

/* A snapshot for a new undo step, without touching the redo list: a spare one, one from the
 * redo list (about to be dropped), the oldest undo step when the history is full, or a new one. */
static struct snap *snap_get(ts_edit *ed)
{
	if (ed->spare_n)
		return ed->spare[--ed->spare_n];
	if (ed->redo_n)
		return ed->redo[--ed->redo_n];
	if (ed->undo_n == TS_EDIT_UNDO) {
		struct snap *s = ed->undo[ed->undo_first];
		ed->undo_first = (ed->undo_first + 1) % TS_EDIT_UNDO;
		ed->undo_n--;
		return s;
	}
	return malloc(sizeof(struct snap));
}

static void undo_push(ts_edit *ed, struct snap *s)
{
	ed->undo[(ed->undo_first + ed->undo_n) % TS_EDIT_UNDO] = s;
	ed->undo_n++;
}

/* Ends an edit begun with begin(): an undo step when the pattern changed (or when forced). */
static bool commit(ts_edit *ed, const char *unchanged, bool force)
{
	settle(&ed->pat);
	if (!force && memcmp(&ed->pat, &ed->before, sizeof(ed->pat)) == 0)
		return refuse(ed, unchanged);
	struct snap *s = snap_get(ed);
	if (!s) {
		memcpy(&ed->pat, &ed->before, sizeof(ed->pat));
		return refuse(ed, MSG_NOMEM);
	}
	while (ed->redo_n)
		ed->spare[ed->spare_n++] = ed->redo[--ed->redo_n];
	memcpy(&s->pat, &ed->before, sizeof(s->pat));
	s->state = ed->state;
	s->cur = ed->cur;
	undo_push(ed, s);
	ed->state = ++ed->last_state;
	ed->version++;
	ed->msg = "";
	return true;
}

/* The document takes the snapshot's pattern and state, the snapshot the document's; the cursor
 * goes where the edit was made. */
static void swap_with(ts_edit *ed, struct snap *s)
{
	memcpy(&ed->before, &ed->pat, sizeof(ed->pat));
	memcpy(&ed->pat, &s->pat, sizeof(ed->pat));
	memcpy(&s->pat, &ed->before, sizeof(ed->pat));
	uint64_t st = ed->state;
	ed->state = s->state;
	s->state = st;
	ed->cur = s->cur;
	ed->version++;
	ed->msg = "";
}

bool ts_edit_undo(ts_edit *ed)
{
	if (!ed->undo_n)
		return refuse(ed, MSG_NO_UNDO);
	ed->undo_n--;
	struct snap *s = ed->undo[(ed->undo_first + ed->undo_n) % TS_EDIT_UNDO];
	swap_with(ed, s);
	ed->redo[ed->redo_n++] = s;
	return true;
}

bool ts_edit_redo(ts_edit *ed)
{
	if (!ed->redo_n)
		return refuse(ed, MSG_NO_REDO);
	struct snap *s = ed->redo[--ed->redo_n];
	swap_with(ed, s);
	undo_push(ed, s);
	return true;
}

ts_status ts_edit_recover(ts_edit *ed, ts_diags *diags)
{
	char *rp = recovery_path(ed->path);
	if (!rp) {
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	begin(ed);
	ts_comments *com = NULL;
	ts_status st = ts_patfile_load(rp, &ed->pat, &com, diags);
	int e = errno;
	free(rp);
	if (st != TS_OK) {
		errno = e;
		return st;
	}
	if (!commit(ed, MSG_NO_CHANGE, true)) {
		ts_comments_free(com);
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_comments_free(ed->comments);
	ed->comments = com;
	return TS_OK;
}

/* ---- cursor ---- */

static int clampi(long long v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : (int)v;
}

ts_edit_cursor ts_edit_get_cursor(const ts_edit *ed)
{
	return ed->cur;
}

void ts_edit_move(ts_edit *ed, int dt, int ds)
{
	/* Steps go as far as the longest track (no page beyond the pattern), or stay where a
	 * shortened pattern left the cursor. */
	int last = 0;
	for (int t = 0; t < TS_TRACKS; t++)
		if (ed->pat.tracks[t].length - 1 > last)
			last = ed->pat.tracks[t].length - 1;
	if (ed->cur.step > last)
		last = ed->cur.step;
	ts_edit_move_to(ed, clampi((long long)ed->cur.track + dt, 0, TS_TRACKS - 1),
			clampi((long long)ed->cur.step + ds, 0, last));
}

void ts_edit_move_to(ts_edit *ed, int track, int step)
{
	ed->cur.track = clampi(track, 0, TS_TRACKS - 1);
	ed->cur.step = clampi(step, 0, TS_MAX_STEPS - 1);
}

void ts_edit_select_field(ts_edit *ed, int delta)
{
	int f = (int)(((long long)ed->cur.field + delta) % TS_F_COUNT);
	ed->cur.field = f < 0 ? f + TS_F_COUNT : f;
}

int ts_edit_page(const ts_edit *ed)
{
	return ed->cur.step / TS_EDIT_PAGE;
}

/* ---- what the cursor is on ---- */

static ts_track *cur_track(ts_edit *ed)
{
	return &ed->pat.tracks[ed->cur.track];
}

static ts_trig *cur_trig(ts_edit *ed)
{
	return &ed->pat.tracks[ed->cur.track].steps[ed->cur.step];
}

static bool beyond(const ts_edit *ed)
{
	return ed->cur.step >= ed->pat.tracks[ed->cur.track].length;
}

/* Why the cursor's step has no trig to edit, or NULL. */
static const char *no_trig(ts_edit *ed)
{
	if (beyond(ed))
		return MSG_BEYOND;
	return cur_trig(ed)->kind == TS_TRIG_NONE ? MSG_NO_TRIG : NULL;
}

static void set_one_note(uint8_t *nnotes, uint8_t notes[TS_MAX_NOTES], int note)
{
	memset(notes, 0, TS_MAX_NOTES);
	notes[0] = (uint8_t)note;
	*nnotes = 1;
}

/* ---- the inspector ---- */

/* Conditions in the order up/down steps through them: none, the probabilities rising, A:B by B
 * then A (1:2 2:2 1:3 … 8:8), then fill !fill pre !pre nei !nei 1st !1st. */
#define COND_POSITIONS (1 + 22 + (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1) + 8)

static int cond_position(int cond)
{
	if (cond >= 0 && cond < 22)
		return 1 + cond;
	if (cond >= TS_COND_AB_FIRST && cond <= TS_COND_AB_LAST)
		return 23 + cond - TS_COND_AB_FIRST;
	if (cond >= TS_COND_FILL && cond <= TS_COND_NOT_1ST)
		return 23 + (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1) + cond - TS_COND_FILL;
	return 0;
}

static int cond_at(int pos)
{
	if (pos <= 0)
		return TS_COND_NONE;
	if (pos < 23)
		return pos - 1;
	if (pos < 23 + (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1))
		return TS_COND_AB_FIRST + pos - 23;
	return TS_COND_FILL + pos - 23 - (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1);
}

/* The field's value at the cursor as a position on its scale (lo … hi), where up is +1.
 * Unset trig values read as the track's. */
static int field_get(ts_edit *ed, int field, int *lo, int *hi)
{
	const ts_pattern *pat = &ed->pat;
	const ts_track *trk = cur_track(ed);
	const ts_trig *tr = cur_trig(ed);
	*lo = 0;
	switch (field) {
	case TS_F_NOTE:
		*hi = 127;
		return tr->nnotes ? tr->notes[0] : trk->notes[0];
	case TS_F_VEL:
		*lo = 1;
		*hi = 127;
		return ts_trig_vel(trk, tr);
	case TS_F_GATE:
		*hi = TS_LEN_INF;
		return ts_trig_gate(trk, tr);
	case TS_F_MICRO:
		*lo = -23;
		*hi = 23;
		return tr->micro;
	case TS_F_COND:
		*hi = COND_POSITIONS - 1;
		return cond_position(tr->cond);
	case TS_F_RETRIG:   /* 0 off, then 1/1 … 1/80 */
		*hi = TS_RATE_COUNT;
		return tr->retrig ? ts_trig_retrig_rate(trk, tr) + 1 : 0;
	case TS_F_RETRIG_LEN:
		*hi = TS_LEN_INF;
		return ts_trig_retrig_len(trk, tr);
	case TS_F_RETRIG_VEL:
		*lo = -128;
		*hi = 127;
		return ts_trig_retrig_vel(trk, tr);
	case TS_F_SLIDE:
		*hi = 1;
		return tr->slide;
	case TS_F_TRIG_SWING:
		*hi = TS_SWING_OFF;
		return tr->swing;
	case TS_F_T_SEND:
		*hi = 1;
		return trk->send_midi;
	case TS_F_T_MUTE:
		*hi = 1;
		return trk->mute;
	case TS_F_T_RRATE:
		*hi = TS_RATE_COUNT - 1;
		return trk->retrig_rate;
	case TS_F_T_RLEN:
		*hi = TS_LEN_INF;
		return trk->retrig_len;
	case TS_F_T_RVEL:
		*lo = -128;
		*hi = 127;
		return trk->retrig_vel;
	case TS_F_T_DEST:
		*hi = TS_DEST_INT_EXT;
		return trk->dest;
	case TS_F_T_CHANNEL:
		*hi = 16;
		return trk->channel;
	case TS_F_T_NOTE:
		*hi = 127;
		return trk->notes[0];
	case TS_F_T_VEL:
		*lo = 1;
		*hi = 127;
		return trk->velocity;
	case TS_F_T_GATE:
		*hi = TS_LEN_INF;
		return trk->gate;
	case TS_F_T_LENGTH:
		*lo = 1;
		*hi = TS_MAX_STEPS;
		return trk->length;
	case TS_F_T_SPEED:  /* up is faster: the speed enum runs from 2x down */
		*lo = -(TS_SPEED_COUNT - 1);
		*hi = 0;
		return -trk->speed;
	case TS_F_T_PROB:
		*hi = 100;
		return trk->prob;
	case TS_F_T_PROGRAM:
		*lo = TS_PROGRAM_NONE;
		*hi = 127;
		return trk->program;
	case TS_F_TEMPO:
		*lo = TS_TEMPO10_MIN;
		*hi = TS_TEMPO10_MAX;
		return pat->tempo10;
	case TS_F_SWING:
		*lo = 50;
		*hi = 80;
		return pat->swing;
	case TS_F_LENGTH:   /* advanced: 2 … 1024, then inf */
		if (pat->mode == TS_MODE_NORMAL) {
			*lo = 1;
			*hi = TS_MAX_STEPS;
			return pat->length;
		}
		*lo = 2;
		*hi = 1025;
		return pat->length ? pat->length : 1025;
	case TS_F_SPEED:
		*lo = -(TS_SPEED_COUNT - 1);
		*hi = 0;
		return -pat->speed;
	case TS_F_ACCENT:
		*hi = 127;
		return pat->accent;
	case TS_F_CHANGE:   /* 1 stands for off */
		*lo = 1;
		*hi = 1024;
		return pat->change ? pat->change : 1;
	case TS_F_MODE:
		*hi = TS_MODE_ADVANCED;
		return pat->mode;
	}
	*hi = 0;
	return 0;
}

/* Switch the mode keeping what plays as close as the modes allow (edit.h). */
static void set_mode(ts_pattern *pat, int mode)
{
	if (mode == TS_MODE_ADVANCED) {
		for (int t = 0; t < TS_TRACKS; t++) {
			pat->tracks[t].length_set = true;
			pat->tracks[t].speed_set = true;
		}
		if (pat->length < 2)
			pat->length = 2;
	} else {
		int longest = 1;
		for (int t = 0; t < TS_TRACKS; t++) {
			pat->tracks[t].length_set = false;
			pat->tracks[t].speed_set = false;
			if (pat->tracks[t].length > longest)
				longest = pat->tracks[t].length;
		}
		pat->length = (uint16_t)longest;
	}
	pat->mode = (uint8_t)mode;
}

static void field_set(ts_edit *ed, int field, int v)
{
	ts_pattern *pat = &ed->pat;
	ts_track *trk = cur_track(ed);
	ts_trig *tr = cur_trig(ed);
	switch (field) {
	case TS_F_NOTE:
		set_one_note(&tr->nnotes, tr->notes, v);
		break;
	case TS_F_VEL:
		tr->vel = (uint8_t)v;
		break;
	case TS_F_GATE:
		tr->gate = (uint8_t)v;
		break;
	case TS_F_MICRO:
		tr->micro = (int8_t)v;
		break;
	case TS_F_COND:
		tr->cond = (uint8_t)cond_at(v);
		break;
	case TS_F_RETRIG:
		tr->retrig = v > 0;
		tr->retrig_rate = v > 0 ? (uint8_t)(v - 1) : TS_UNSET;
		break;
	case TS_F_RETRIG_LEN:
		tr->retrig_len = (uint8_t)v;
		break;
	case TS_F_RETRIG_VEL:
		tr->retrig_vel = (int16_t)v;
		break;
	case TS_F_SLIDE:
		tr->slide = v;
		break;
	case TS_F_TRIG_SWING:
		tr->swing = (uint8_t)v;
		break;
	case TS_F_T_SEND:
		trk->send_midi = v;
		break;
	case TS_F_T_MUTE:
		trk->mute = v;
		break;
	case TS_F_T_RRATE:
		trk->retrig_rate = (uint8_t)v;
		break;
	case TS_F_T_RLEN:
		trk->retrig_len = (uint8_t)v;
		break;
	case TS_F_T_RVEL:
		trk->retrig_vel = (int16_t)v;
		break;
	case TS_F_T_DEST:
		trk->dest = (uint8_t)v;
		break;
	case TS_F_T_CHANNEL:
		trk->channel = (uint8_t)v;
		break;
	case TS_F_T_NOTE:
		set_one_note(&trk->nnotes, trk->notes, v);
		break;
	case TS_F_T_VEL:
		trk->velocity = (uint8_t)v;
		break;
	case TS_F_T_GATE:
		trk->gate = (uint8_t)v;
		break;
	case TS_F_T_LENGTH:
		trk->length = (uint8_t)v;
		trk->length_set = true;
		break;
	case TS_F_T_SPEED:
		trk->speed = (uint8_t)-v;
		trk->speed_set = true;
		break;
	case TS_F_T_PROB:
		trk->prob = (uint8_t)v;
		break;
	case TS_F_T_PROGRAM:
		trk->program = (int16_t)v;
		break;
	case TS_F_TEMPO:
		pat->tempo10 = (uint16_t)v;
		break;
	case TS_F_SWING:
		pat->swing = (uint8_t)v;
		break;
	case TS_F_LENGTH:
		pat->length = (uint16_t)(v == 1025 ? 0 : v);
		break;
	case TS_F_SPEED:
		pat->speed = (uint8_t)-v;
		break;
	case TS_F_ACCENT:
		pat->accent = (uint8_t)v;
		break;
	case TS_F_CHANGE:
		pat->change = (uint16_t)(v == 1 ? 0 : v);
		break;
	case TS_F_MODE:
		set_mode(pat, v);
		break;
	}
}

/* Fields with no scale: set by ts_edit_set_text only. */
static bool typed_only(int field)
{
	return field == TS_F_LOCKS || field == TS_F_T_PORT || field == TS_F_T_CC ||
	       field == TS_F_T_SAMPLE;
}

bool ts_edit_adjust(ts_edit *ed, int delta)
{
	int field = ed->cur.field;
	if (field < 0 || field >= TS_F_COUNT)
		return refuse(ed, MSG_NO_CHANGE);
	if (ts_edit_field_scope(field) == TS_SCOPE_TRIG && no_trig(ed))
		return refuse(ed, no_trig(ed));
	if ((field == TS_F_T_LENGTH || field == TS_F_T_SPEED) && ed->pat.mode == TS_MODE_NORMAL)
		return refuse(ed, MSG_ADVANCED);
	if (typed_only(field))
		return refuse(ed, MSG_TYPED);
	int lo, hi;
	int old = field_get(ed, field, &lo, &hi);
	int v = clampi((long long)old + delta, lo, hi);
	if (v == old)
		return refuse(ed, delta ? MSG_LIMIT : MSG_NO_CHANGE);
	begin(ed);
	field_set(ed, field, v);
	return commit(ed, MSG_NO_CHANGE, false);
}

static const char *const swing_names[] = {"auto", "on", "off"};
static const char *const dest_names[] = {"ext", "int", "int+ext"};

static void locks_text(const ts_trig *tr, char *buf, size_t size)
{
	size_t at = 0;
	snprintf(buf, size, "none");
	for (int i = 0; i < tr->nlocks && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%d=%d", i ? " " : "", tr->locks[i].cc,
				       tr->locks[i].value);
}

static void base_cc_text(const ts_track *trk, char *buf, size_t size)
{
	size_t at = 0;
	snprintf(buf, size, "none");
	for (int cc = 0; cc < 128 && at < size; cc++)
		if (trk->base_cc[cc] != TS_CC_NONE)
			at += (size_t)snprintf(buf + at, size - at, "%s%d=%d", at ? " " : "", cc,
					       trk->base_cc[cc]);
}

/* Appends the notes as "C4 (60)+E4 (64)". */
static void notes_text(const uint8_t *notes, int n, char *buf, size_t size)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && at < size; i++) {
		char name[8];
		int w = snprintf(buf + at, size - at, "%s%s (%d)", i ? "+" : "",
				 ts_note_name(notes[i], name, sizeof(name)), notes[i]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

const char *ts_edit_field_text(const ts_edit *ed, int field, char *buf, size_t size)
{
	if (!size)
		return buf;
	buf[0] = '\0';
	if (field < 0 || field >= TS_F_COUNT)
		return buf;
	const ts_pattern *pat = &ed->pat;
	const ts_track *trk = &pat->tracks[ed->cur.track];
	const ts_trig *tr = &trk->steps[ed->cur.step];
	if (ts_edit_field_scope(field) == TS_SCOPE_TRIG && tr->kind == TS_TRIG_NONE) {
		snprintf(buf, size, "-");
		return buf;
	}
	char v[64];
	uint8_t notes[TS_MAX_NOTES];
	bool unset = false;
	switch (field) {
	case TS_F_NOTE:
		unset = !tr->nnotes;
		notes_text(notes, ts_trig_notes(trk, tr, notes), v, sizeof(v));
		break;
	case TS_F_VEL:
		unset = tr->vel == TS_UNSET;
		snprintf(v, sizeof(v), "%d", ts_trig_vel(trk, tr));
		break;
	case TS_F_GATE:
		unset = tr->gate == TS_UNSET;
		ts_len_format(ts_trig_gate(trk, tr), v, sizeof(v));
		break;
	case TS_F_MICRO:
		snprintf(v, sizeof(v), "%d", tr->micro);
		break;
	case TS_F_COND:
		ts_cond_format(tr->cond, v, sizeof(v));
		break;
	case TS_F_RETRIG:
		if (tr->retrig) {
			unset = tr->retrig_rate == TS_UNSET;
			snprintf(v, sizeof(v), "1/%d", ts_rate_div(ts_trig_retrig_rate(trk, tr)));
		} else {
			snprintf(v, sizeof(v), "off");
		}
		break;
	case TS_F_RETRIG_LEN:
		unset = tr->retrig_len == TS_UNSET;
		ts_len_format(ts_trig_retrig_len(trk, tr), v, sizeof(v));
		break;
	case TS_F_RETRIG_VEL:
		unset = tr->retrig_vel == TS_UNSET_I16;
		snprintf(v, sizeof(v), "%d", ts_trig_retrig_vel(trk, tr));
		break;
	case TS_F_SLIDE:
		snprintf(v, sizeof(v), "%s", tr->slide ? "on" : "off");
		break;
	case TS_F_TRIG_SWING:
		snprintf(v, sizeof(v), "%s", swing_names[tr->swing < 3 ? tr->swing : 0]);
		break;
	case TS_F_LOCKS:
		locks_text(tr, v, sizeof(v));
		break;
	case TS_F_T_PORT:
		snprintf(v, sizeof(v), "%s", trk->port);
		break;
	case TS_F_T_SEND:
		snprintf(v, sizeof(v), "%s", trk->send_midi ? "on" : "off");
		break;
	case TS_F_T_MUTE:
		snprintf(v, sizeof(v), "%s", trk->mute ? "on" : "off");
		break;
	case TS_F_T_RRATE:
		snprintf(v, sizeof(v), "1/%d", ts_rate_div(trk->retrig_rate));
		break;
	case TS_F_T_RLEN:
		ts_len_format(trk->retrig_len, v, sizeof(v));
		break;
	case TS_F_T_RVEL:
		snprintf(v, sizeof(v), "%d", trk->retrig_vel);
		break;
	case TS_F_T_DEST:
		snprintf(v, sizeof(v), "%s", dest_names[trk->dest < 3 ? trk->dest : 0]);
		break;
	case TS_F_T_CC:
		base_cc_text(trk, v, sizeof(v));
		break;
	case TS_F_T_SAMPLE:
		snprintf(v, sizeof(v), "%.60s", trk->sample[0] ? trk->sample : "none");
		break;
	case TS_F_T_CHANNEL:
		if (trk->channel == TS_CHANNEL_OFF)
			snprintf(v, sizeof(v), "off");
		else
			snprintf(v, sizeof(v), "%d", trk->channel);
		break;
	case TS_F_T_NOTE:
		notes_text(trk->notes, trk->nnotes, v, sizeof(v));
		break;
	case TS_F_T_VEL:
		snprintf(v, sizeof(v), "%d", trk->velocity);
		break;
	case TS_F_T_GATE:
		ts_len_format(trk->gate, v, sizeof(v));
		break;
	case TS_F_T_LENGTH:
		snprintf(v, sizeof(v), "%d", trk->length);
		break;
	case TS_F_T_SPEED:
		snprintf(v, sizeof(v), "%s", ts_speed_name(trk->speed));
		break;
	case TS_F_T_PROB:
		snprintf(v, sizeof(v), "%d%%", trk->prob);
		break;
	case TS_F_T_PROGRAM:
		if (trk->program == TS_PROGRAM_NONE)
			snprintf(v, sizeof(v), "none");
		else
			snprintf(v, sizeof(v), "%d", trk->program);
		break;
	case TS_F_TEMPO:
		snprintf(v, sizeof(v), "%d.%d", pat->tempo10 / 10, pat->tempo10 % 10);
		break;
	case TS_F_SWING:
		snprintf(v, sizeof(v), "%d%%", pat->swing);
		break;
	case TS_F_LENGTH:
		if (pat->mode == TS_MODE_ADVANCED && pat->length == 0)
			snprintf(v, sizeof(v), "inf");
		else
			snprintf(v, sizeof(v), "%d", pat->length);
		break;
	case TS_F_SPEED:
		snprintf(v, sizeof(v), "%s", ts_speed_name(pat->speed));
		break;
	case TS_F_ACCENT:
		snprintf(v, sizeof(v), "%d", pat->accent);
		break;
	case TS_F_CHANGE:
		if (pat->change)
			snprintf(v, sizeof(v), "%d", pat->change);
		else
			snprintf(v, sizeof(v), "off");
		break;
	case TS_F_MODE:
		snprintf(v, sizeof(v), "%s", pat->mode == TS_MODE_ADVANCED ? "advanced" : "normal");
		break;
	}
	snprintf(buf, size, "%s%s", v, unset ? " (trk)" : "");
	return buf;
}

/* ---- typed values (ts_edit_set_text) ---- */

static bool parse_int(const char *t, long *v)
{
	char *end;
	errno = 0;
	*v = strtol(t, &end, 10);
	return *t && (*end == '\0' || (*end == '%' && end[1] == '\0')) && errno == 0;
}

/* A length as the file writes it ("0.5", "4", "inf"): its index, -1 when not in the table. */
static int parse_len(const char *t)
{
	if (strcmp(t, "inf") == 0)
		return TS_LEN_INF;
	/* a decimal with up to 4 places: 16ths are 0.0625 apart */
	long whole = 0, frac = 0, scale = 1;
	const char *p = t;
	if (!*p)
		return -1;
	while (*p >= '0' && *p <= '9' && whole < 100000)
		whole = whole * 10 + (*p++ - '0');
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9' && scale < 10000000) {
			frac = frac * 10 + (*p++ - '0');
			scale *= 10;
		}
	}
	if (*p || p == t || (frac * 16) % scale != 0)
		return -1;
	return ts_len_index((int)(whole * 16 + frac * 16 / scale));
}

static int parse_rate(const char *t)
{
	long div;
	return strncmp(t, "1/", 2) == 0 && parse_int(t + 2, &div) && div > 0 && div < 1000
		       ? ts_rate_index((int)div)
		       : -1;
}

static int parse_word(const char *t, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (strcmp(t, words[i]) == 0)
			return i;
	return -1;
}

/* "C4+E4" into notes; the count, 0 when not notes. */
static int parse_notes(const char *t, uint8_t notes[TS_MAX_NOTES])
{
	int n = 0;
	for (;;) {
		size_t len = strcspn(t, "+");
		int note = ts_note_parse(t, len);
		if (note < 0 || n == TS_MAX_NOTES)
			return 0;
		notes[n++] = (uint8_t)note;
		if (!t[len])
			return n;
		t += len + 1;
	}
}

/* "74=100 71=20" (spaces or commas between), "none" or "": each controller at most once. */
static int parse_ccs(const char *t, ts_lock *out, int max)
{
	int n = 0;
	if (strcmp(t, "none") == 0)
		return 0;
	while (*t) {
		while (*t == ' ' || *t == ',')
			t++;
		if (!*t)
			break;
		char *end;
		long cc = strtol(t, &end, 10), val;
		if (end == t || *end != '=' || cc < 0 || cc > 127)
			return -1;
		t = end + 1;
		val = strtol(t, &end, 10);
		if (end == t || val < 0 || val > 127 || (*end && *end != ' ' && *end != ','))
			return -1;
		t = end;
		for (int i = 0; i < n; i++)
			if (out[i].cc == cc)
				return -1;
		if (n == max)
			return -1;
		out[n].cc = (uint8_t)cc;
		out[n++].value = (uint8_t)val;
	}
	return n;
}

/* The text of a scalar field as a position on its scale (field_get's), or false. */
static bool scale_of(ts_edit *ed, int field, const char *t, int *v)
{
	static const char *const off_on[] = {"off", "on"};
	long n;
	int k;
	switch (field) {
	case TS_F_NOTE:
	case TS_F_T_NOTE:
		return (*v = ts_note_parse(t, strlen(t))) >= 0;
	case TS_F_GATE:
	case TS_F_T_GATE:
	case TS_F_RETRIG_LEN:
	case TS_F_T_RLEN:
		return (*v = parse_len(t)) >= 0;
	case TS_F_COND:
		if (strcmp(t, "none") == 0) {
			*v = 0;
			return true;
		}
		k = ts_cond_parse(t, strlen(t));
		*v = cond_position(k);
		return k >= 0 && *v > 0;
	case TS_F_RETRIG:
		if (strcmp(t, "off") == 0) {
			*v = 0;
			return true;
		}
		return (*v = parse_rate(t) + 1) > 0;
	case TS_F_T_RRATE:
		return (*v = parse_rate(t)) >= 0;
	case TS_F_SLIDE:
	case TS_F_T_SEND:
	case TS_F_T_MUTE:
		return (*v = parse_word(t, off_on, 2)) >= 0;
	case TS_F_TRIG_SWING:
		return (*v = parse_word(t, swing_names, 3)) >= 0;
	case TS_F_T_DEST:
		return (*v = parse_word(t, dest_names, 3)) >= 0;
	case TS_F_MODE: {
		static const char *const modes[] = {"normal", "advanced"};
		return (*v = parse_word(t, modes, 2)) >= 0;
	}
	case TS_F_T_SPEED:
	case TS_F_SPEED:
		k = ts_speed_parse(t, strlen(t));
		*v = -k;
		return k >= 0;
	case TS_F_T_CHANNEL:
		if (strcmp(t, "off") == 0) {
			*v = TS_CHANNEL_OFF;
			return true;
		}
		break;
	case TS_F_T_PROGRAM:
		if (strcmp(t, "none") == 0) {
			*v = TS_PROGRAM_NONE;
			return true;
		}
		break;
	case TS_F_CHANGE:
		if (strcmp(t, "off") == 0) {
			*v = 1;
			return true;
		}
		break;
	case TS_F_LENGTH:
		if (strcmp(t, "inf") == 0 && ed->pat.mode == TS_MODE_ADVANCED) {
			*v = 1025;
			return true;
		}
		break;
	case TS_F_TEMPO: {
		/* BPM with one decimal at most */
		long whole = 0, tenth = 0;
		const char *p = t;
		while (*p >= '0' && *p <= '9' && whole < 10000)
			whole = whole * 10 + (*p++ - '0');
		if (p == t)
			return false;
		if (*p == '.' && p[1] >= '0' && p[1] <= '9') {
			tenth = p[1] - '0';
			p += 2;
		}
		*v = (int)(whole * 10 + tenth);
		return *p == '\0';
	}
	default:
		break;
	}
	if (!parse_int(t, &n) || n < -100000 || n > 100000 || (field == TS_F_CHANGE && n == 1))
		return false;
	*v = (int)n;
	return true;
}

bool ts_edit_set_text(ts_edit *ed, const char *text)
{
	int field = ed->cur.field;
	char t[300];
	/* trimmed */
	while (*text == ' ')
		text++;
	snprintf(t, sizeof(t), "%s", text);
	for (size_t n = strlen(t); n > 0 && t[n - 1] == ' '; n--)
		t[n - 1] = '\0';
	if (field < 0 || field >= TS_F_COUNT)
		return refuse(ed, MSG_NO_CHANGE);
	if (ts_edit_field_scope(field) == TS_SCOPE_TRIG && no_trig(ed))
		return refuse(ed, no_trig(ed));
	if ((field == TS_F_T_LENGTH || field == TS_F_T_SPEED) && ed->pat.mode == TS_MODE_NORMAL)
		return refuse(ed, MSG_ADVANCED);
	const char *name = ts_edit_field_name(field);
	ts_trig *tr = cur_trig(ed);
	ts_track *trk = cur_track(ed);
	uint8_t notes[TS_MAX_NOTES];
	ts_lock ccs[128];
	int n;
	switch (field) {
	case TS_F_NOTE:
	case TS_F_T_NOTE:
		n = parse_notes(t, notes);
		if (n == 0)
			return refusef(ed, "%s: '%.40s' is not notes: C4 = 60, D#2, Eb3, 0 ... 127, up "
				       "to 4 joined by +", name, t);
		begin(ed);
		if (field == TS_F_NOTE) {
			tr->nnotes = (uint8_t)n;
			memcpy(tr->notes, notes, (size_t)n);
		} else {
			trk->nnotes = (uint8_t)n;
			memcpy(trk->notes, notes, (size_t)n);
		}
		return commit(ed, MSG_NO_CHANGE, false);
	case TS_F_LOCKS:
	case TS_F_T_CC:
		n = parse_ccs(t, ccs, field == TS_F_LOCKS ? TS_MAX_LOCKS : 128);
		if (n < 0)
			return refusef(ed, "%s: '%.40s' is not a list like 74=100 71=20 (controller and "
				       "value 0 ... 127, each controller once%s)", name, t,
				       field == TS_F_LOCKS ? ", 16 at most" : "");
		begin(ed);
		if (field == TS_F_LOCKS) {
			tr->nlocks = (uint8_t)n;
			memcpy(tr->locks, ccs, (size_t)n * sizeof(ccs[0]));
		} else {
			for (int cc = 0; cc < 128; cc++)
				trk->base_cc[cc] = TS_CC_NONE;
			for (int i = 0; i < n; i++)
				trk->base_cc[ccs[i].cc] = ccs[i].value;
		}
		return commit(ed, MSG_NO_CHANGE, false);
	case TS_F_T_PORT: {
		size_t len = strlen(t);
		bool ok = len >= 1 && len <= TS_PORT_NAME_MAX && t[0] >= 'a' && t[0] <= 'z';
		for (size_t i = 1; ok && i < len; i++)
			ok = (t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9') || t[i] == '_';
		if (!ok)
			return refusef(ed, "port: '%.40s' is not a port name: a lower-case letter, then "
				       "up to 15 of a-z 0-9 _", t);
		begin(ed);
		memset(trk->port, 0, sizeof(trk->port)); /* as the parser leaves it */
		memcpy(trk->port, t, len);
		return commit(ed, MSG_NO_CHANGE, false);
	}
	case TS_F_T_SAMPLE: {
		size_t len = strcmp(t, "none") ? strlen(t) : 0;
		if (len >= sizeof(trk->sample) || strchr(t, '"'))
			return refusef(ed, "sample: a path of at most %zu bytes, without \"",
				       sizeof(trk->sample) - 1);
		begin(ed);
		memset(trk->sample, 0, sizeof(trk->sample));
		memcpy(trk->sample, t, len);
		return commit(ed, MSG_NO_CHANGE, false);
	}
	default:
		break;
	}
	int lo, hi, v;
	field_get(ed, field, &lo, &hi);
	if (!scale_of(ed, field, t, &v)) {
		char now[64];
		return refusef(ed, "%s: '%.40s' is not a value of this field (now %s)", name, t,
			       ts_edit_field_text(ed, field, now, sizeof(now)));
	}
	if (v < lo || v > hi)
		return refusef(ed, "%s: '%.40s' is out of range", name, t);
	begin(ed);
	field_set(ed, field, v);
	return commit(ed, MSG_NO_CHANGE, false);
}

/* ---- trig edits ---- */

bool ts_edit_toggle(ts_edit *ed)
{
	if (beyond(ed))
		return refuse(ed, MSG_BEYOND);
	ts_trig *tr = cur_trig(ed);
	bool was_empty = tr->kind == TS_TRIG_NONE;
	begin(ed);
	ts_trig_init(tr);
	if (was_empty)
		tr->kind = TS_TRIG_NOTE;
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_kind(ts_edit *ed, int kind)
{
	if (kind < TS_TRIG_NONE || kind > TS_TRIG_MUTED)
		return refuse(ed, MSG_NO_KIND);
	if (beyond(ed))
		return refuse(ed, MSG_BEYOND);
	ts_trig *tr = cur_trig(ed);
	begin(ed);
	if (kind == TS_TRIG_NONE || tr->kind == TS_TRIG_NONE)
		ts_trig_init(tr);
	tr->kind = (uint8_t)kind;
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_note(ts_edit *ed, int note)
{
	if (note < 0 || note > 127)
		return refuse(ed, MSG_NOTE_RANGE);
	if (beyond(ed))
		return refuse(ed, MSG_BEYOND);
	ts_trig *tr = cur_trig(ed);
	begin(ed);
	if (tr->kind == TS_TRIG_NONE) {
		ts_trig_init(tr);
		tr->kind = TS_TRIG_NOTE;
	}
	set_one_note(&tr->nnotes, tr->notes, note);
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_record_note(ts_edit *ed, int note, int micro)
{
	if (note < 0 || note > 127)
		return refuse(ed, MSG_NOTE_RANGE);
	if (micro < -23 || micro > 23)
		return refuse(ed, "micro timing is -23 ... 23 (24ths of a step)");
	if (beyond(ed))
		return refuse(ed, MSG_BEYOND);
	ts_trig *tr = cur_trig(ed);
	begin(ed);
	if (tr->kind == TS_TRIG_NONE) {
		ts_trig_init(tr);
		tr->kind = TS_TRIG_NOTE;
	}
	set_one_note(&tr->nnotes, tr->notes, note);
	tr->micro = (int8_t)micro;
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_toggle_slide(ts_edit *ed)
{
	if (no_trig(ed))
		return refuse(ed, no_trig(ed));
	begin(ed);
	cur_trig(ed)->slide = !cur_trig(ed)->slide;
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_toggle_mute(ts_edit *ed, int track)
{
	if (track < 0 || track >= TS_TRACKS)
		return refuse(ed, MSG_NO_TRACK);
	begin(ed);
	ed->pat.tracks[track].mute = !ed->pat.tracks[track].mute;
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_track_name(ts_edit *ed, int track, const char *name)
{
	if (track < 0 || track >= TS_TRACKS)
		return refuse(ed, MSG_NO_TRACK);
	size_t len = strlen(name);
	if (len > TS_NAME_MAX)
		return refuse(ed, "a name has at most 32 bytes");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7F)
			return refuse(ed, "a name has no control characters");
	begin(ed);
	ts_track *tk = &ed->pat.tracks[track];
	memcpy(tk->name, name, len + 1);
	tk->declared = true;
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_toggle_send(ts_edit *ed, int track)
{
	if (track < 0 || track >= TS_TRACKS)
		return refuse(ed, MSG_NO_TRACK);
	begin(ed);
	ed->pat.tracks[track].send_midi = !ed->pat.tracks[track].send_midi;
	return commit(ed, MSG_NO_CHANGE, false);
}

/* ---- clipboard ---- */

void ts_edit_copy(ts_edit *ed, ts_clip_kind what)
{
	const ts_track *trk = cur_track(ed);
	int first = ts_edit_page(ed) * TS_EDIT_PAGE;
	switch (what) {
	case TS_CLIP_TRIG:
		memcpy(&ed->clip_trig, cur_trig(ed), sizeof(ed->clip_trig));
		break;
	case TS_CLIP_TRACK:
		memcpy(&ed->clip_track, trk, sizeof(ed->clip_track));
		break;
	case TS_CLIP_PAGE:
		for (int t = 0; t < TS_TRACKS; t++)
			memcpy(ed->clip_page[t], &ed->pat.tracks[t].steps[first],
			       sizeof(ed->clip_page[t]));
		break;
	case TS_CLIP_NONE:
		break;
	}
	ed->clip = what;
}

void ts_edit_copy_clipboard(ts_edit *to, const ts_edit *from)
{
	if (to == from)
		return;
	to->clip = from->clip;
	to->clip_trig = from->clip_trig;
	to->clip_track = from->clip_track;
	memcpy(to->clip_page, from->clip_page, sizeof(to->clip_page));
}

/* The clipboard's track over the cursor's, keeping the name; in advanced mode it keeps its
 * length and speed even where they were the defaults of its own pattern. */
static void paste_track(ts_edit *ed)
{
	ts_track *trk = cur_track(ed);
	char name[sizeof(trk->name)];
	memcpy(name, trk->name, sizeof(name));
	memcpy(trk, &ed->clip_track, sizeof(*trk));
	memcpy(trk->name, name, sizeof(name));
	trk->declared = true;
	if (ed->pat.mode == TS_MODE_ADVANCED) {
		trk->length_set |= trk->length != 16;
		trk->speed_set |= trk->speed != ed->pat.speed;
	}
}

/* Whether any track reaches into the cursor's page. */
static bool page_reached(const ts_edit *ed)
{
	for (int t = 0; t < TS_TRACKS; t++)
		if (ed->pat.tracks[t].length > ts_edit_page(ed) * TS_EDIT_PAGE)
			return true;
	return false;
}

bool ts_edit_paste(ts_edit *ed)
{
	int first = ts_edit_page(ed) * TS_EDIT_PAGE;
	switch (ed->clip) {
	case TS_CLIP_NONE:
		return refuse(ed, MSG_NO_CLIP);
	case TS_CLIP_TRIG:
		if (beyond(ed))
			return refuse(ed, MSG_BEYOND);
		begin(ed);
		memcpy(cur_trig(ed), &ed->clip_trig, sizeof(ed->clip_trig));
		break;
	case TS_CLIP_TRACK:
		begin(ed);
		paste_track(ed);
		break;
	case TS_CLIP_PAGE:
		if (!page_reached(ed))
			return refuse(ed, MSG_PAGE_BEYOND);
		begin(ed);
		for (int t = 0; t < TS_TRACKS; t++) {
			ts_track *trk = &ed->pat.tracks[t];
			for (int i = 0; i < TS_EDIT_PAGE && first + i < trk->length; i++)
				memcpy(&trk->steps[first + i], &ed->clip_page[t][i],
				       sizeof(ts_trig));
		}
		break;
	}
	return commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_clear(ts_edit *ed, ts_clip_kind what)
{
	int first = ts_edit_page(ed) * TS_EDIT_PAGE;
	ts_track *trk = cur_track(ed);
	switch (what) {
	case TS_CLIP_NONE:
		return refuse(ed, MSG_NO_CHANGE);
	case TS_CLIP_TRIG:
		if (no_trig(ed))
			return refuse(ed, no_trig(ed));
		begin(ed);
		ts_trig_init(cur_trig(ed));
		break;
	case TS_CLIP_TRACK: {
		begin(ed);
		char name[sizeof(trk->name)];
		bool declared = trk->declared;
		memcpy(name, trk->name, sizeof(name));
		ts_track_init(trk, ed->cur.track + 1);
		memcpy(trk->name, name, sizeof(name));
		trk->declared = declared;
		break;
	}
	case TS_CLIP_PAGE:
		begin(ed);
		for (int t = 0; t < TS_TRACKS; t++)
			for (int i = 0; i < TS_EDIT_PAGE; i++)
				ts_trig_init(&ed->pat.tracks[t].steps[first + i]);
		break;
	}
	return commit(ed, MSG_NO_CHANGE, false);
}
