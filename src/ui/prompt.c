/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bottom line (row 23): the last message, a prompt being typed (MODE_PROMPT), a question
 * waiting for one key (MODE_ASK), or the keys' hint.
 */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trigseq/ui/ui_internal.h"

void ts_ui_say(ts_ui *u, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->view.message, sizeof(u->view.message), fmt, ap);
	va_end(ap);
}

/* After an edit call: what the document says when it refused. */
void ts_ui_edited(ts_ui *u, bool changed)
{
	if (!changed && *ts_edit_message(u->ed))
		ts_ui_say(u, "%s", ts_edit_message(u->ed));
}

void ts_ui_start_prompt(ts_ui *u, const char *label, const char *initial, ts_ui_prompt_fn fn)
{
	u->view.mode = MODE_PROMPT;
	snprintf(u->prompt.label, sizeof(u->prompt.label), "%s", label);
	snprintf(u->prompt.text, sizeof(u->prompt.text), "%s", initial ? initial : "");
	u->prompt.len = strlen(u->prompt.text);
	u->prompt.on_enter = fn;
}

void ts_ui_ask(ts_ui *u, ts_ui_ask_fn fn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->prompt.ask_text, sizeof(u->prompt.ask_text), fmt, ap);
	va_end(ap);
	u->view.mode = MODE_ASK;
	u->prompt.on_ask = fn;
}

void ts_ui_prompt_key(ts_ui *u, int key)
{
	if (key == 27 || key == CTRL_KEY('c')) {
		u->view.mode = MODE_GRID;
		ts_ui_say(u, "cancelled");
	} else if (key == '\n' || key == KEY_ENTER) {
		u->view.mode = MODE_GRID;
		u->view.message[0] = '\0';
		char text[PROMPT_MAX];
		snprintf(text, sizeof(text), "%s", u->prompt.text);
		u->prompt.on_enter(u, text);
	} else if (key == CTRL_KEY('u')) {
		u->prompt.len = 0;
		u->prompt.text[0] = '\0';
	} else if (key == KEY_BACKSPACE || key == 127 || key == 8) {
		if (u->prompt.len > 0)
			u->prompt.text[--u->prompt.len] = '\0';
	} else if (key >= 32 && key < 127 && u->prompt.len + 1 < sizeof(u->prompt.text)) {
		u->prompt.text[u->prompt.len++] = (char)key;
		u->prompt.text[u->prompt.len] = '\0';
	}
}

void ts_ui_draw_bottom(ts_ui *u)
{
	if (u->view.mode == MODE_PROMPT) {
		ts_ui_put(23, 0, A_BOLD, "%s: ", u->prompt.label);
		ts_ui_put(23, (int)strlen(u->prompt.label) + 2, 0, "%s", u->prompt.text);
		curs_set(1);
		return;
	}
	curs_set(0);
	if (u->view.mode == MODE_ASK) {
		ts_ui_put(23, 0, A_BOLD | A_REVERSE, "%s", u->prompt.ask_text);
		return;
	}
	if (u->view.message[0]) {
		ts_ui_put(23, 0, 0, "%s", u->view.message);
	} else if (u->keys.on) {
		char c[8];
		ts_note_name((u->keys.octave + 1) * 12, c, sizeof(c));
		ts_ui_put(23, 0, A_BOLD, "KEYS a=%s w s e d f t g y h u j k  z x oct  r rec %s  Q %s  space "
				   "rest  ` leaves", c, u->keys.record ? "ON" : "off",
		    u->keys.micro ? "MICRO" : "quant");
	} else
		ts_ui_put(23, 0, A_DIM, "? keys  space trig  hjkl move  tab field  +/- value  p play  w save  "
				  "q quit");
}
