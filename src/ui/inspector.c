/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inspector (rows 15-22): every field of the trig under the cursor with the pattern's, or
 * every setting of its track (euclid's pl1 pl2 ro1 ro2 tro op included); Tab selects one, +/-
 * change it, e types it.
 */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "trigseq/app/cli.h"
#include "trigseq/ui/ui_internal.h"

/* Fields that take two cells of the inspector: lists and paths. */
static bool wide_field(int f)
{
	return f == TS_F_LOCKS || f == TS_F_T_CC || f == TS_F_T_SAMPLE;
}

/* Two views, following the selected field: the trig's fields with the pattern's, or every
 * setting of the track (every track key of the file format). Four 20-column cells a row. */
void ts_ui_draw_inspector(ts_ui *u)
{
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[c.track];
	bool track_view = ts_edit_field_scope(c.field) == TS_SCOPE_TRACK;
	char head[96];
	if (track_view)
		snprintf(head, sizeof(head), "track %d settings", c.track + 1);
	else
		snprintf(head, sizeof(head), "track %d step %d%s", c.track + 1, c.step + 1,
			 c.step >= tk->length ? " (beyond the track's length)" : "");
	ts_ui_put(15, 0, A_BOLD, "%s", head);
	/* the track view fills rows 16-22: why the track cannot sound goes up here */
	const char *why = ts_ui_silent_reason(u, c.track);
	if (track_view && why)
		ts_ui_put(15, 20, A_BOLD, "cannot sound: %.45s", why);
	else
		ts_ui_put(15, 44, A_DIM, "Tab fields  e types a value");
	int row = 16, col = 0;
	ts_edit_scope last = TS_SCOPE_TRIG;
	for (int f = 0; f < TS_F_COUNT; f++) {
		ts_edit_scope scope = ts_edit_field_scope(f);
		if ((scope == TS_SCOPE_TRACK) != track_view)
			continue;
		if (scope != last) {
			last = scope;
			if (col)
				row++;
			col = 0;
		}
		int cells = wide_field(f) ? 2 : 1;
		if (col + cells > 4) {
			col = 0;
			row++;
		}
		char val[80];
		ts_edit_field_text(u->ed, f, val, sizeof(val));
		int w = 20 * cells - 2 - (int)strlen(ts_edit_field_name(f));
		ts_ui_put(row, col * 20, f == c.field ? A_REVERSE : 0, "%s %-.*s", ts_edit_field_name(f),
			  w, val);
		col += cells;
		if (col == 4) {
			col = 0;
			row++;
		}
	}
	if (why && !track_view)
		ts_ui_put(22, 0, A_BOLD, "track %d cannot sound: %s", c.track + 1, why);
}

void ts_ui_act_field(ts_ui *u, int delta)
{
	ts_edit_select_field(u->ed, delta);
}

void ts_ui_act_adjust(ts_ui *u, int delta)
{
	ts_ui_edited(u, ts_edit_adjust(u->ed, delta));
}

static void got_note(ts_ui *u, const char *text)
{
	int n = ts_note_parse(text, strlen(text));
	if (n < 0) {
		ts_ui_say(u, "'%.40s' is not a note: 0 ... 127 or a name like C4, D#2, Eb3", text);
		return;
	}
	ts_ui_edited(u, ts_edit_set_note(u->ed, n));
}

void ts_ui_act_note(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_start_prompt(u, "note (C4 = 60, or 0 ... 127)", NULL, got_note);
}

static void got_name(ts_ui *u, const char *text)
{
	ts_ui_edited(u, ts_edit_set_track_name(u->ed, ts_edit_get_cursor(u->ed).track, text));
}

void ts_ui_act_name(ts_ui *u, int arg)
{
	(void)arg;
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	ts_ui_start_prompt(u, "track name", ts_edit_pattern(u->ed)->tracks[c.track].name, got_name);
}

static void got_field_text(ts_ui *u, const char *text)
{
	ts_ui_edited(u, ts_edit_set_text(u->ed, text));
}

/* e: type the selected field's value, starting from what it is (without "(trk)"). */
void ts_ui_act_type(ts_ui *u, int arg)
{
	(void)arg;
	int f = ts_edit_get_cursor(u->ed).field;
	char now[300], label[40];
	ts_edit_field_text(u->ed, f, now, sizeof(now));
	char *inherited = strstr(now, " (trk)");
	if (inherited)
		*inherited = '\0';
	if (strcmp(now, "-") == 0 || ((f == TS_F_LOCKS || f == TS_F_T_CC) && !strcmp(now, "none")))
		now[0] = '\0';
	snprintf(label, sizeof(label), "%s", ts_edit_field_name(f));
	ts_ui_start_prompt(u, label, now, got_field_text);
}
