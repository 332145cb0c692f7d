/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keys: one table (bindings[]) is the single source of what each key does and of the help
 * screen (?); ts_ui_handle_key sends a key to the prompt, the question, the help, keyboard mode
 * or the table.
 */
#include <curses.h>
#include <stdio.h>

#include "trigseq/ui/ui_internal.h"

static void act_help(ts_ui *u, int arg)
{
	(void)arg;
	u->view.mode = MODE_HELP;
	u->view.help_page = 0;
}

/* The key table: the single source of the bindings and of the help screen. Rows with a label
 * are listed in the help; the others are aliases of the row above. */
typedef struct {
	int key;
	const char *label;
	const char *help;
	void (*fn)(ts_ui *u, int arg);
	int arg;
} binding;

static const binding bindings[] = {
	{KEY_LEFT, "Left h", "move left", ts_ui_act_move, 0},
	{'h', NULL, NULL, ts_ui_act_move, 0},
	{KEY_RIGHT, "Right l", "move right", ts_ui_act_move, 1},
	{'l', NULL, NULL, ts_ui_act_move, 1},
	{KEY_UP, "Up k", "track up", ts_ui_act_move, 2},
	{'k', NULL, NULL, ts_ui_act_move, 2},
	{KEY_DOWN, "Down j", "track down", ts_ui_act_move, 3},
	{'j', NULL, NULL, ts_ui_act_move, 3},
	{KEY_PPAGE, "PgUp [", "previous page (16 steps)", ts_ui_act_move, 4},
	{'[', NULL, NULL, ts_ui_act_move, 4},
	{KEY_NPAGE, "PgDn ]", "next page", ts_ui_act_move, 5},
	{']', NULL, NULL, ts_ui_act_move, 5},
	{' ', "Space Enter", "trig on/off", ts_ui_act_toggle, 0},
	{'\n', NULL, NULL, ts_ui_act_toggle, 0},
	{KEY_ENTER, NULL, NULL, ts_ui_act_toggle, 0},
	{'x', "x", "note trig", ts_ui_act_kind, TS_TRIG_NOTE},
	{'X', "X", "accent trig", ts_ui_act_kind, TS_TRIG_ACCENT},
	{'o', "o", "lock trig (no note)", ts_ui_act_kind, TS_TRIG_LOCK},
	{'z', "z", "muted trig (plays nothing)", ts_ui_act_kind, TS_TRIG_MUTED},
	{'\t', "Tab", "next field of the inspector", ts_ui_act_field, 1},
	{KEY_BTAB, "Shift-Tab", "previous field", ts_ui_act_field, -1},
	{'+', "+ =", "field up", ts_ui_act_adjust, 1},
	{'=', NULL, NULL, ts_ui_act_adjust, 1},
	{'-', "-", "field down", ts_ui_act_adjust, -1},
	{'}', "}", "field up coarse (octave/10)", ts_ui_act_adjust, 10},
	{'{', "{", "field down coarse", ts_ui_act_adjust, -10},
	{'n', "n", "type the note (C4 = 60)", ts_ui_act_note, 0},
	{'e', "e", "type the field's value", ts_ui_act_type, 0},
	{'N', "N", "name the track", ts_ui_act_name, 0},
	{'/', "/", "slide on/off", ts_ui_act_slide, 0},
	{'m', "m", "mute the track on/off", ts_ui_act_mute, 0},
	{'M', "M", "track MIDI send on/off", ts_ui_act_send, 0},
	{'S', "S", "solo the track (not saved)", ts_ui_act_solo, 0},
	{'Z', "Z", "euclid: freeze the track's hits into trigs", ts_ui_act_freeze, 0},
	{'c', "c", "copy trig", ts_ui_act_copy, TS_CLIP_TRIG},
	{'C', "C", "copy track", ts_ui_act_copy, TS_CLIP_TRACK},
	{CTRL_KEY('c'), NULL, NULL, ts_ui_act_quit, 0},
	{'K', "K", "copy page", ts_ui_act_copy, TS_CLIP_PAGE},
	{'v', "v", "paste", ts_ui_act_paste, 0},
	{'d', "d", "clear trig", ts_ui_act_clear, TS_CLIP_TRIG},
	{'D', "D", "clear track", ts_ui_act_clear, TS_CLIP_TRACK},
	{'E', "E", "clear page", ts_ui_act_clear, TS_CLIP_PAGE},
	{'u', "u", "undo", ts_ui_act_undo, 0},
	{CTRL_KEY('r'), "Ctrl-R", "redo", ts_ui_act_undo, 1},
	{'p', "p", "play from step 1 / stop", ts_ui_act_transport, TS_JACK_PLAY},
	{'P', "P", "continue where it stopped", ts_ui_act_transport, TS_JACK_CONTINUE},
	{'f', "f", "fill mode on/off (latched)", ts_ui_act_fill, 0},
	{'F', "F", "fill while held (momentary)", ts_ui_act_fill, 1},
	{'t', "t", "type the tempo", ts_ui_act_tempo, 0},
	{'<', "< >", "tempo -/+ 0.1 BPM", ts_ui_act_nudge, -1},
	{'>', NULL, NULL, ts_ui_act_nudge, 1},
	{'T', "T", "tap tempo (tap on the beat)", ts_ui_act_tap, 0},
	{'i', "i", "MIDI monitor on/off", ts_ui_act_monitor, 0},
	{'y', "y", "metronome click on/off", ts_ui_act_click, 0},
	{'`', "`", "keyboard mode: letters play", ts_ui_act_keys_mode, 0},
	{'r', "r", "record MIDI in on/off (armed)", ts_ui_act_record, 0},
	{'Q', "Q", "record: micro timing / quantized", ts_ui_act_micro, 0},
	{'I', "I", "MIDI thru to the track on/off", ts_ui_act_thru, 0},
	{'b', "b", "pattern list on/off", ts_ui_act_patterns, 0},
	{')', "( )", "next / previous pattern", ts_ui_act_pattern_step, 1},
	{'(', NULL, NULL, ts_ui_act_pattern_step, -1},
	{'g', "g", "go to pattern: 5, A06, file", ts_ui_act_goto, 0},
	{'B', "B", "mode: sequential/start/jump", ts_ui_act_select_mode, 0},
	{'O', "O", "open a pattern file", ts_ui_act_open, 0},
	{'G', "G", "song: jump to a row (next row boundary)", ts_ui_act_song_jump, 0},
	{'A', "A", "song: edit the .tss in $EDITOR, reload", ts_ui_act_song_edit, 0},
	{'L', "L", "page follows play / locked", ts_ui_act_follow, 0},
	{'w', "w", "save (old file kept: FILE~)", ts_ui_act_save, 0},
	{'W', "W", "save as", ts_ui_act_save, 1},
	{'q', "q Ctrl-C", "quit (asks if unsaved)", ts_ui_act_quit, 0},
	{'?', "?", "this help", act_help, 0},
};

#define NBINDINGS (sizeof(bindings) / sizeof(bindings[0]))

/* Rows of 40 columns, as many columns as fit; pages when they do not all fit (80x24: two). */
static int help_per_page(void)
{
	int cols = COLS / 40 > 0 ? COLS / 40 : 1;
	return cols * (LINES - 2);
}

static int help_pages(void)
{
	int n = 0;
	for (size_t i = 0; i < NBINDINGS; i++)
		n += bindings[i].label != NULL;
	return (n + help_per_page() - 1) / help_per_page();
}

void ts_ui_draw_help(const ts_ui *u)
{
	int pages = help_pages(), page = u->view.help_page < pages ? u->view.help_page : pages - 1;
	char title[80];
	if (pages > 1)
		snprintf(title, sizeof(title), " trigseq keys %d/%d  (Space: more, any other key "
			 "closes)", page + 1, pages);
	else
		snprintf(title, sizeof(title), " trigseq keys  (any key closes)");
	ts_ui_put(0, 0, A_REVERSE | A_BOLD, "%-*s", COLS, title);
	int rows = LINES - 2, y = 1, x = 0, k = 0, first = page * help_per_page();
	for (size_t i = 0; i < NBINDINGS; i++) {
		if (!bindings[i].label || k++ < first)
			continue;
		ts_ui_put(y, x, A_BOLD, "%-11s", bindings[i].label);
		ts_ui_put(y, x + 12, 0, "%-.27s", bindings[i].help);
		if (++y > rows) {
			y = 1;
			x += 40;
			if (x + 40 > COLS)
				break;
		}
	}
}

void ts_ui_handle_key(ts_ui *u, int key)
{
	if (key == KEY_RESIZE)
		return;
	if (key == KEY_MOUSE) {
		ts_ui_handle_mouse(u);
		return;
	}
	switch (u->view.mode) {
	case MODE_PROMPT:
		ts_ui_prompt_key(u, key);
		return;
	case MODE_ASK:
		u->view.mode = MODE_GRID;
		u->view.message[0] = '\0';
		u->prompt.on_ask(u, key);
		return;
	case MODE_HELP:
		if (key == ' ' && u->view.help_page + 1 < help_pages())
			u->view.help_page++;
		else
			u->view.mode = MODE_GRID;
		return;
	case MODE_GRID:
		break;
	}
	u->view.message[0] = '\0';
	if (u->keys.on && ts_ui_keyboard_key(u, key))
		return;
	for (size_t i = 0; i < NBINDINGS; i++) {
		if (bindings[i].key == key) {
			bindings[i].fn(u, bindings[i].arg);
			return;
		}
	}
	ts_ui_say(u, "no key %s here; ? lists them", keyname(key) ? keyname(key) : "?");
}
