/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The grid (rows 1-13): a line per track, its settings and 16 steps of the page, the playheads;
 * the keys and mouse clicks that edit trigs and tracks on it.
 */
#include <curses.h>
#include <stdio.h>

#include "trigseq/ui/ui_internal.h"

static const char kind_chars[] = ".xXo-";

/* Why a track cannot sound, or NULL. */
const char *ts_ui_silent_reason(const ts_ui *u, int t)
{
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[t];
	const char *why = u->docs[u->cur].sample_why[t];
	if (tk->dest != TS_DEST_EXT && why[0])
		return why;
	if (tk->dest == TS_DEST_INT)
		return tk->sample[0] ? NULL : "dest int without a sample";
	if (tk->channel == TS_CHANNEL_OFF)
		return "channel off";
	if (!tk->send_midi)
		return "send-midi off";
	if (tk->mute)
		return "muted";
	if (u->play.solo && !(u->play.solo >> t & 1))
		return "another track is soloed";
	return NULL;
}

/* The second character of a cell: one mark for what the trig carries, most telling first. */
static char trig_mark(const ts_trig *tr)
{
	if (tr->kind == TS_TRIG_NONE)
		return ' ';
	if (tr->retrig)
		return 'r';
	if (tr->cond != TS_COND_NONE)
		return '?';
	if (tr->slide)
		return '/';
	if (tr->nlocks > 0)
		return 'L';
	if (tr->micro != 0)
		return '~';
	return ' ';
}

/* The step a track plays (1-based), 0 when stopped or another pattern plays. */
static int st_step(const ts_ui *u, int t)
{
	return u->st.running && u->st.pattern == u->cur ? u->st.step[t] : 0;
}

void ts_ui_draw_tracks(ts_ui *u)
{
	const ts_pattern *pat = ts_edit_pattern(u->ed);
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	int page = ts_edit_page(u->ed), first = page * TS_EDIT_PAGE;
	int maxlen = 0;
	for (int t = 0; t < TS_TRACKS; t++)
		if (pat->tracks[t].length > maxlen)
			maxlen = pat->tracks[t].length;
	int pages = (maxlen + TS_EDIT_PAGE - 1) / TS_EDIT_PAGE;
	ts_ui_put(1, 0, A_BOLD, " # name    ch port     note len spd");
	for (int k = 0; k < TS_EDIT_PAGE; k += 4)
		ts_ui_put(1, 37 + 2 * k + k / 4, A_BOLD, "%d", first + k + 1);
	ts_ui_put(1, 73, A_BOLD, "p%d/%d%s", page + 1, pages > 0 ? pages : 1, u->view.follow ? "f" : "");
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *tk = &pat->tracks[t];
		int y = 2 + t;
		const char *why = ts_ui_silent_reason(u, t);
		int dim = why ? (u->view.colour ? COLOR_PAIR(PAIR_MUTED) : A_DIM) : 0;
		char mark = why ? (tk->mute ? 'M' : u->play.solo && !(u->play.solo >> t & 1) ? 's' : 'S')
				: u->play.solo >> t & 1 ? '*' : ' ';
		char ch[8], note[8];
		/* where it goes: a channel, "smp" for the sample alone, "+" after the channel for
		 * both */
		if (tk->dest == TS_DEST_INT)
			snprintf(ch, sizeof(ch), "smp");
		else if (tk->channel == TS_CHANNEL_OFF)
			snprintf(ch, sizeof(ch), "off");
		else
			snprintf(ch, sizeof(ch), "%d%s", tk->channel,
				 tk->dest == TS_DEST_INT_EXT && tk->sample[0] ? "+" : "");
		ts_note_name(tk->notes[0], note, sizeof(note));
		ts_ui_put(y, 0, dim | (t == c.track ? A_BOLD : 0), "%2d %-6.6s %3s %-8.8s %-4s %2d %-4s%c",
			  t + 1, tk->name[0] ? tk->name : "", ch, tk->port, note, tk->length,
			  ts_speed_name(tk->speed), mark);
		int play = st_step(u, t);
		/* A euclid track shows its hits where they play, each with the kind of the grid
		 * step it plays ('.' as x), underlined; the steps between hits are blank dots. */
		uint8_t hit[TS_MAX_STEPS];
		ts_euclid_hits(tk, hit);
		for (int k = 0; k < TS_EDIT_PAGE; k++) {
			int step = first + k, x = 37 + 2 * k + k / 4;
			char cell[3] = "  ";
			int attr = dim;
			if (step < tk->length) {
				int idx = hit[step] ? hit[step] - 1 : -1;
				const ts_trig *tr = &tk->steps[idx >= 0 ? idx : step];
				int kind = tr->kind <= TS_TRIG_MUTED ? tr->kind : 0;
				if (tk->euclid.on && idx >= 0 && kind == TS_TRIG_NONE)
					kind = TS_TRIG_NOTE;
				cell[0] = kind_chars[idx >= 0 ? kind : 0];
				cell[1] = idx >= 0 ? trig_mark(tr) : ' ';
				if (tk->euclid.on && idx >= 0)
					attr |= A_UNDERLINE;
			}
			if (play == step + 1)
				attr |= u->view.colour ? COLOR_PAIR(PAIR_PLAYHEAD) | A_BOLD : A_UNDERLINE | A_BOLD;
			if (t == c.track && step == c.step)
				attr |= A_REVERSE;
			ts_ui_put(y, x, attr, "%s", cell);
		}
	}
}

/* Following: the cursor goes to the page the playhead of its track is on, same column. */
bool ts_ui_follow_page(ts_ui *u)
{
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	int play = st_step(u, c.track);
	if (!u->view.follow || play == 0)
		return false;
	int page = (play - 1) / TS_EDIT_PAGE;
	if (page == c.step / TS_EDIT_PAGE)
		return false;
	int step = page * TS_EDIT_PAGE + c.step % TS_EDIT_PAGE;
	int len = ts_edit_pattern(u->ed)->tracks[c.track].length;
	ts_edit_move_to(u->ed, c.track, step < len ? step : len - 1);
	return true;
}

void ts_ui_act_follow(ts_ui *u, int arg)
{
	(void)arg;
	u->view.follow = !u->view.follow;
	ts_ui_say(u, "%s", u->view.follow ? "page follows the playhead (the cursor goes with it)"
			       : "page locked: it stays where the cursor is");
	ts_ui_follow_page(u);
}

void ts_ui_act_move(ts_ui *u, int arg)
{
	static const int dt[] = {0, 0, -1, 1, 0, 0}, ds[] = {-1, 1, 0, 0, -TS_EDIT_PAGE,
							     TS_EDIT_PAGE};
	ts_edit_move(u->ed, dt[arg], ds[arg]);
}

void ts_ui_act_toggle(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_edited(u, ts_edit_toggle(u->ed));
}

void ts_ui_act_kind(ts_ui *u, int kind)
{
	ts_ui_edited(u, ts_edit_set_kind(u->ed, kind));
}

void ts_ui_act_slide(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_edited(u, ts_edit_toggle_slide(u->ed));
}

void ts_ui_act_mute(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_edited(u, ts_edit_toggle_mute(u->ed, ts_edit_get_cursor(u->ed).track));
}

void ts_ui_act_send(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_edited(u, ts_edit_toggle_send(u->ed, ts_edit_get_cursor(u->ed).track));
}

void ts_ui_act_freeze(ts_ui *u, int arg)
{
	(void)arg;
	int t = ts_edit_get_cursor(u->ed).track;
	bool done = ts_edit_freeze(u->ed);
	ts_ui_edited(u, done);
	if (done)
		ts_ui_say(u, "track %d frozen: its trigs are where its hits played, euclid off "
			     "(u undoes)", t + 1);
}

void ts_ui_act_solo(ts_ui *u, int arg)
{
	(void)arg;
	int t = ts_edit_get_cursor(u->ed).track;
	u->play.solo ^= (uint16_t)(1u << t);
	ts_ui_say(u, "track %d %s", t + 1,
		  u->play.solo >> t & 1 ? "soloed: the others are silent (not saved)"
					: "not soloed");
}

void ts_ui_act_copy(ts_ui *u, int what)
{
	ts_edit_copy(u->ed, what);
	static const char *const names[] = {"", "trig", "track", "page"};
	ts_ui_say(u, "copied the %s", names[what]);
}

void ts_ui_act_paste(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_edited(u, ts_edit_paste(u->ed));
}

void ts_ui_act_clear(ts_ui *u, int what)
{
	ts_ui_edited(u, ts_edit_clear(u->ed, what));
}

void ts_ui_act_undo(ts_ui *u, int redo)
{
	/* the recording pass so far is one step; recording goes on in a new pass */
	ts_ui_record_end(u);
	ts_ui_edited(u, redo ? ts_edit_redo(u->ed) : ts_edit_undo(u->ed));
}

/* The mouse: a click on a grid cell moves there and toggles its trig; the wheel changes the
 * selected field (over the grid: of the cell under the pointer). */
void ts_ui_handle_mouse(ts_ui *u)
{
	MEVENT ev;
	if (getmouse(&ev) != OK || u->view.mode != MODE_GRID)
		return;
	int t = ev.y - 2, x = ev.x - 37;
	int k = x >= 0 ? (x - x / 9) / 2 : -1; /* cells are 2 wide, a space every 4 */
	bool on_cell = t >= 0 && t < TS_TRACKS && x >= 0 && k < TS_EDIT_PAGE && x % 9 != 8;
	int step = ts_edit_page(u->ed) * TS_EDIT_PAGE + k;
	if (on_cell)
		ts_edit_move_to(u->ed, t, step);
	if (ev.bstate & (BUTTON4_PRESSED)) {
		ts_ui_edited(u, ts_edit_adjust(u->ed, 1));
	} else if (ev.bstate & BUTTON5_PRESSED) {
		ts_ui_edited(u, ts_edit_adjust(u->ed, -1));
	} else if (on_cell && (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))) {
		ts_ui_edited(u, ts_edit_toggle(u->ed));
	}
}
