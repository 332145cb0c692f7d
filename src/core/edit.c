/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The editor's document (edit.h): one pattern, the cursor, the clipboard and the undo history;
 * the inspector's fields are in edit_field.c.
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
 * undo and redo only swap contents and never allocate. An undo group's edits after its first
 * share that first edit's undo step: the step holds the pattern before the group, and undoing
 * it swaps in the pattern after the group's last edit. Each pattern content along the history
 * has a state number; the document is dirty when the current state is not the saved one, so
 * undoing back to the saved pattern makes it clean again.
 */
#include "edit_impl.h"
#include "trigseq/core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	/* The group's undo step went with the history: later edits need one of their own. */
	ed->group = ed->group_step = false;
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

bool ts_edit_refuse(ts_edit *ed, const char *why)
{
	ed->msg = why;
	return false;
}

bool ts_edit_refusef(ts_edit *ed, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ed->msgbuf, sizeof(ed->msgbuf), fmt, ap);
	va_end(ap);
	ed->msg = ed->msgbuf;
	return false;
}

void ts_edit_begin(ts_edit *ed)
{
	memcpy(&ed->before, &ed->pat, sizeof(ed->pat));
}

/* Lengths and speeds by the mode; a step beyond its track's length is empty (the file could not
 * hold it and the engine refuses it). */
static void settle(ts_pattern *pat)
{
	ts_pattern_settle(pat);
	ts_trig empty;
	ts_trig_init(&empty);
	for (int t = 0; t < TS_TRACKS; t++) {
		ts_track *trk = &pat->tracks[t];
		for (int k = trk->length; k < TS_MAX_STEPS; k++)
			ts_trig_init(&trk->steps[k]);
		/* An edit of a euclid hit that plays a '.' (it plays as x) gives it attributes: it
		 * becomes the x it sounds as, since a '.' holds none (pattern-format §3.2). */
		for (int k = 0; k < trk->length && trk->euclid.on; k++)
			if (trk->steps[k].kind == TS_TRIG_NONE &&
			    memcmp(&trk->steps[k], &empty, sizeof(empty)) != 0)
				trk->steps[k].kind = TS_TRIG_NOTE;
	}
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

/* Ends an edit begun with ts_edit_begin(): an undo step when the pattern changed (or when
 * forced), unless the open group has its step already. */
bool ts_edit_commit(ts_edit *ed, const char *unchanged, bool force)
{
	settle(&ed->pat);
	if (!force && memcmp(&ed->pat, &ed->before, sizeof(ed->pat)) == 0)
		return ts_edit_refuse(ed, unchanged);
	if (!(ed->group && ed->group_step)) {
		struct snap *s = snap_get(ed);
		if (!s) {
			memcpy(&ed->pat, &ed->before, sizeof(ed->pat));
			return ts_edit_refuse(ed, MSG_NOMEM);
		}
		memcpy(&s->pat, &ed->before, sizeof(s->pat));
		s->state = ed->state;
		s->cur = ed->cur;
		undo_push(ed, s);
		ed->group_step = ed->group;
	}
	while (ed->redo_n)
		ed->spare[ed->spare_n++] = ed->redo[--ed->redo_n];
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

void ts_edit_group_begin(ts_edit *ed)
{
	if (ed->group)
		return;
	ed->group = true;
	ed->group_step = false;
}

/* A group whose edits undid each other (a note recorded, then cleared) leaves no undo step either:
 * no undo step does nothing. */
void ts_edit_group_end(ts_edit *ed)
{
	if (ed->group_step) {
		struct snap *s = ed->undo[(ed->undo_first + ed->undo_n - 1) % TS_EDIT_UNDO];
		if (memcmp(&s->pat, &ed->pat, sizeof(ed->pat)) == 0) {
			ed->undo_n--;
			ed->spare[ed->spare_n++] = s;
			ed->state = s->state;
		}
	}
	ed->group = ed->group_step = false;
}

bool ts_edit_in_group(const ts_edit *ed)
{
	return ed->group;
}

bool ts_edit_undo(ts_edit *ed)
{
	ts_edit_group_end(ed);
	if (!ed->undo_n)
		return ts_edit_refuse(ed, MSG_NO_UNDO);
	ed->undo_n--;
	struct snap *s = ed->undo[(ed->undo_first + ed->undo_n) % TS_EDIT_UNDO];
	swap_with(ed, s);
	ed->redo[ed->redo_n++] = s;
	return true;
}

bool ts_edit_redo(ts_edit *ed)
{
	ts_edit_group_end(ed);
	if (!ed->redo_n)
		return ts_edit_refuse(ed, MSG_NO_REDO);
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
	ts_edit_begin(ed);
	ts_comments *com = NULL;
	ts_status st = ts_patfile_load(rp, &ed->pat, &com, diags);
	int e = errno;
	free(rp);
	if (st != TS_OK) {
		errno = e;
		return st;
	}
	if (!ts_edit_commit(ed, MSG_NO_CHANGE, true)) {
		ts_comments_free(com);
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_comments_free(ed->comments);
	ed->comments = com;
	return TS_OK;
}

/* ---- cursor ---- */

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
	ts_edit_move_to(ed, ts_edit_clamp((long long)ed->cur.track + dt, 0, TS_TRACKS - 1),
			ts_edit_clamp((long long)ed->cur.step + ds, 0, last));
}

void ts_edit_move_to(ts_edit *ed, int track, int step)
{
	ed->cur.track = ts_edit_clamp(track, 0, TS_TRACKS - 1);
	ed->cur.step = ts_edit_clamp(step, 0, TS_MAX_STEPS - 1);
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

static bool beyond(const ts_edit *ed)
{
	return ed->cur.step >= ed->pat.tracks[ed->cur.track].length;
}

const char *ts_edit_no_step(const ts_edit *ed)
{
	if (beyond(ed))
		return MSG_BEYOND;
	return ts_edit_trig_index(ed) < 0 ? MSG_NOT_HIT : NULL;
}

/* Under euclid a hit on a '.' plays as x: its fields can be edited (the edit makes it x). */
const char *ts_edit_no_trig(const ts_edit *ed)
{
	if (ts_edit_no_step(ed))
		return ts_edit_no_step(ed);
	return ts_edit_cur_trig_c(ed)->kind == TS_TRIG_NONE &&
			       !ed->pat.tracks[ed->cur.track].euclid.on
		       ? MSG_NO_TRIG
		       : NULL;
}

/* ---- trig edits ---- */

bool ts_edit_toggle(ts_edit *ed)
{
	if (ts_edit_no_step(ed))
		return ts_edit_refuse(ed, ts_edit_no_step(ed));
	ts_trig *tr = ts_edit_cur_trig(ed);
	bool was_empty = tr->kind == TS_TRIG_NONE;
	ts_edit_begin(ed);
	if (ts_edit_cur_track(ed)->euclid.on) {
		/* a hit always plays ('.' as x): space mutes it or plays it again, attributes kept */
		tr->kind = tr->kind == TS_TRIG_MUTED ? TS_TRIG_NOTE : TS_TRIG_MUTED;
		return ts_edit_commit(ed, MSG_NO_CHANGE, false);
	}
	ts_trig_init(tr);
	if (was_empty)
		tr->kind = TS_TRIG_NOTE;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_kind(ts_edit *ed, int kind)
{
	if (kind < TS_TRIG_NONE || kind > TS_TRIG_MUTED)
		return ts_edit_refuse(ed, MSG_NO_KIND);
	if (ts_edit_no_step(ed))
		return ts_edit_refuse(ed, ts_edit_no_step(ed));
	ts_trig *tr = ts_edit_cur_trig(ed);
	ts_edit_begin(ed);
	if (kind == TS_TRIG_NONE || tr->kind == TS_TRIG_NONE)
		ts_trig_init(tr);
	tr->kind = (uint8_t)kind;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_note(ts_edit *ed, int note)
{
	if (note < 0 || note > 127)
		return ts_edit_refuse(ed, MSG_NOTE_RANGE);
	if (ts_edit_no_step(ed))
		return ts_edit_refuse(ed, ts_edit_no_step(ed));
	ts_trig *tr = ts_edit_cur_trig(ed);
	ts_edit_begin(ed);
	if (tr->kind == TS_TRIG_NONE) {
		ts_trig_init(tr);
		tr->kind = TS_TRIG_NOTE;
	}
	ts_edit_one_note(&tr->nnotes, tr->notes, note);
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_record_note(ts_edit *ed, int note, int micro)
{
	if (note < 0 || note > 127)
		return ts_edit_refuse(ed, MSG_NOTE_RANGE);
	if (micro < -23 || micro > 23)
		return ts_edit_refuse(ed, "micro timing is -23 ... 23 (24ths of a step)");
	if (ts_edit_no_step(ed))
		return ts_edit_refuse(ed, ts_edit_no_step(ed));
	ts_trig *tr = ts_edit_cur_trig(ed);
	ts_edit_begin(ed);
	if (tr->kind == TS_TRIG_NONE) {
		ts_trig_init(tr);
		tr->kind = TS_TRIG_NOTE;
	}
	ts_edit_one_note(&tr->nnotes, tr->notes, note);
	tr->micro = (int8_t)micro;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_toggle_slide(ts_edit *ed)
{
	if (ts_edit_no_trig(ed))
		return ts_edit_refuse(ed, ts_edit_no_trig(ed));
	ts_edit_begin(ed);
	ts_edit_cur_trig(ed)->slide = !ts_edit_cur_trig(ed)->slide;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_toggle_mute(ts_edit *ed, int track)
{
	if (track < 0 || track >= TS_TRACKS)
		return ts_edit_refuse(ed, MSG_NO_TRACK);
	ts_edit_begin(ed);
	ed->pat.tracks[track].mute = !ed->pat.tracks[track].mute;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_track_name(ts_edit *ed, int track, const char *name)
{
	if (track < 0 || track >= TS_TRACKS)
		return ts_edit_refuse(ed, MSG_NO_TRACK);
	size_t len = strlen(name);
	if (len > TS_NAME_MAX)
		return ts_edit_refuse(ed, "a name has at most 32 bytes");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == 0x7F)
			return ts_edit_refuse(ed, "a name has no control characters");
	ts_edit_begin(ed);
	ts_track *tk = &ed->pat.tracks[track];
	memcpy(tk->name, name, len + 1);
	tk->declared = true;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_toggle_send(ts_edit *ed, int track)
{
	if (track < 0 || track >= TS_TRACKS)
		return ts_edit_refuse(ed, MSG_NO_TRACK);
	ts_edit_begin(ed);
	ed->pat.tracks[track].send_midi = !ed->pat.tracks[track].send_midi;
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_freeze(ts_edit *ed)
{
	ts_track *trk = ts_edit_cur_track(ed);
	if (!trk->euclid.on)
		return ts_edit_refuse(ed, MSG_NOT_EUCLID);
	ts_edit_begin(ed);
	ts_euclid_freeze(trk);
	return ts_edit_commit(ed, MSG_NO_CHANGE, true);
}

/* ---- clipboard ---- */

void ts_edit_copy(ts_edit *ed, ts_clip_kind what)
{
	const ts_track *trk = ts_edit_cur_track(ed);
	int first = ts_edit_page(ed) * TS_EDIT_PAGE;
	switch (what) {
	case TS_CLIP_TRIG:
		memcpy(&ed->clip_trig, ts_edit_cur_trig(ed), sizeof(ed->clip_trig));
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
	ts_track *trk = ts_edit_cur_track(ed);
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
		return ts_edit_refuse(ed, MSG_NO_CLIP);
	case TS_CLIP_TRIG:
		if (ts_edit_no_step(ed))
			return ts_edit_refuse(ed, ts_edit_no_step(ed));
		ts_edit_begin(ed);
		memcpy(ts_edit_cur_trig(ed), &ed->clip_trig, sizeof(ed->clip_trig));
		break;
	case TS_CLIP_TRACK:
		ts_edit_begin(ed);
		paste_track(ed);
		break;
	case TS_CLIP_PAGE:
		if (!page_reached(ed))
			return ts_edit_refuse(ed, MSG_PAGE_BEYOND);
		ts_edit_begin(ed);
		for (int t = 0; t < TS_TRACKS; t++) {
			ts_track *trk = &ed->pat.tracks[t];
			for (int i = 0; i < TS_EDIT_PAGE && first + i < trk->length; i++)
				memcpy(&trk->steps[first + i], &ed->clip_page[t][i],
				       sizeof(ts_trig));
		}
		break;
	}
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_clear(ts_edit *ed, ts_clip_kind what)
{
	int first = ts_edit_page(ed) * TS_EDIT_PAGE;
	ts_track *trk = ts_edit_cur_track(ed);
	switch (what) {
	case TS_CLIP_NONE:
		return ts_edit_refuse(ed, MSG_NO_CHANGE);
	case TS_CLIP_TRIG:
		if (ts_edit_no_trig(ed))
			return ts_edit_refuse(ed, ts_edit_no_trig(ed));
		ts_edit_begin(ed);
		ts_trig_init(ts_edit_cur_trig(ed));
		break;
	case TS_CLIP_TRACK: {
		ts_edit_begin(ed);
		char name[sizeof(trk->name)];
		bool declared = trk->declared;
		memcpy(name, trk->name, sizeof(name));
		ts_track_init(trk, ed->cur.track + 1);
		memcpy(trk->name, name, sizeof(name));
		trk->declared = declared;
		break;
	}
	case TS_CLIP_PAGE:
		ts_edit_begin(ed);
		for (int t = 0; t < TS_TRACKS; t++)
			for (int i = 0; i < TS_EDIT_PAGE; i++)
				ts_trig_init(&ed->pat.tracks[t].steps[first + i]);
		break;
	}
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}
