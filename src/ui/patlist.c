/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pattern list: row 14 (the pattern edited, the one playing and the one next), the list
 * pane (b), and choosing, going to and opening patterns. Program n is the list's file n, named
 * as on the Rytm (A01 = 0).
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/ui/ui_internal.h"

/* The Rytm's name of program n: bank A … H, pattern 01 … 16. */
void ts_ui_rytm_name(int n, char *buf, size_t size)
{
	snprintf(buf, size, "%c%02d", 'A' + n / 16 % 8, n % 16 + 1);
}

const char *ts_ui_base_name(const char *path)
{
	const char *b = path ? strrchr(path, '/') : NULL;
	return b ? b + 1 : path ? path : "untitled";
}

const char *ts_ui_doc_path(const ts_ui_doc *d)
{
	return d->ed && ts_edit_path(d->ed) ? ts_edit_path(d->ed) : d->path;
}

static const char *const mode_names[] = {"sequential", "direct start", "direct jump"};

/* Row 14: the pattern edited, the one playing and the one next, the mode, program send. */
void ts_ui_draw_pattern_line(ts_ui *u)
{
	char cur[8], play[8], next[8] = "";
	ts_ui_rytm_name(u->cur, cur, sizeof(cur));
	ts_ui_rytm_name(u->st.pattern, play, sizeof(play));
	if (u->st.running && u->st.queued >= 0)
		ts_ui_rytm_name(u->st.queued, next, sizeof(next));
	char prg[24] = "";
	if (u->op.program_send)
		snprintf(prg, sizeof(prg), "  prg out ch %d", u->op.program_send);
	ts_ui_put(14, 0, A_BOLD, "%s", cur);
	ts_ui_put(14, 4, 0, "%d/%d %-.20s", u->cur + 1, u->ndocs,
		  ts_ui_base_name(ts_ui_doc_path(&u->docs[u->cur])));
	if (!u->ses.jack)
		return;
	if (u->song.song) {
		char line[80];
		ts_ui_song_line(u, line, sizeof(line));
		ts_ui_put(14, 34, 0, "%s%s", line, prg);
		return;
	}
	if (u->st.running)
		ts_ui_put(14, 34, 0, "plays %s%s%s", play, next[0] ? " next " : "", next);
	ts_ui_put(14, 54, 0, "%-.12s%s", mode_names[u->play.select_mode], prg);
}

/* The pattern list (b): program, Rytm name, file; > edited, * unsaved, ! not opened; the one
 * playing bold, the one next underlined. */
void ts_ui_draw_patterns(ts_ui *u)
{
	ts_ui_put(15, 0, A_BOLD, "patterns (b closes; ( ) choose, g go to, B mode: %s, O open)",
		  mode_names[u->play.select_mode]);
	int rows = 7, cols = 4, per = rows * cols;
	int first = u->cur / per * per;
	for (int k = first; k < u->ndocs && k < first + per; k++) {
		const ts_ui_doc *d = &u->docs[k];
		char name[8];
		ts_ui_rytm_name(k, name, sizeof(name));
		int attr = 0;
		if (u->st.running && u->st.pattern == k)
			attr |= A_BOLD;
		if (u->st.running && u->st.queued == k)
			attr |= A_UNDERLINE;
		if (k == u->cur)
			attr |= A_REVERSE;
		char mark = !d->ed ? '!' : ts_edit_dirty(d->ed) ? '*' : ' ';
		const char *file = ts_ui_base_name(ts_ui_doc_path(d));
		int len = (int)strlen(file);
		if (len > 4 && strcmp(file + len - 4, ".tsq") == 0)
			len -= 4;
		ts_ui_put(16 + (k - first) % rows, (k - first) / rows * 20, attr, "%c%3d %s %-.*s",
			  mark, k, name, len < 11 ? len : 11, file);
	}
}

/* Pattern k (one that opened) becomes the one edited; the clipboard goes along. The tempo plays
 * on (the Rytm's project tempo) until this pattern's is edited. */
void ts_ui_edit_doc(ts_ui *u, int k)
{
	if (k == u->cur)
		return;
	ts_edit_copy_clipboard(u->docs[k].ed, u->ed);
	u->cur = k;
	u->ed = u->docs[k].ed;
	u->play.doc_tempo10 = ts_edit_pattern(u->ed)->tempo10;
}

/* Edit pattern k and have the engine play it, in the mode chosen (B). */
static void select_doc(ts_ui *u, int k)
{
	ts_ui_doc *d = &u->docs[k];
	if (!d->ed) {
		ts_ui_say(u, "%.40s did not open: %.100s", ts_ui_base_name(d->path), d->why);
		return;
	}
	ts_ui_edit_doc(u, k);
	char name[8];
	ts_ui_rytm_name(k, name, sizeof(name));
	if (!u->ses.jack || ts_jack_server_gone(u->ses.jack)) {
		ts_ui_say(u, "editing %s %.40s", name, ts_ui_base_name(ts_ui_doc_path(d)));
		return;
	}
	ts_ui_sync_engine(u); /* a file just opened joins first: the selection waits for it */
	if (u->song.song) {
		ts_ui_say(u, "editing %s %.40s; the song plays on", name,
			  ts_ui_base_name(ts_ui_doc_path(d)));
		return;
	}
	ts_jack_select(u->ses.jack, k, u->play.select_mode);
	if (u->st.running)
		ts_ui_say(u, "%s %.40s %s", name, ts_ui_base_name(ts_ui_doc_path(d)),
			  u->play.select_mode == TS_SELECT_SEQUENTIAL ? "plays at the next change point"
							  : "plays from the next 16th");
	else
		ts_ui_say(u, "%s %.40s: play starts with it", name, ts_ui_base_name(ts_ui_doc_path(d)));
}

void ts_ui_act_pattern_step(ts_ui *u, int delta)
{
	int k = u->cur;
	for (int n = 0; n < u->ndocs; n++) {
		k = (k + delta + u->ndocs) % u->ndocs;
		if (u->docs[k].ed)
			break;
	}
	if (k == u->cur) {
		ts_ui_say(u, "no other pattern in the list: O opens one");
		return;
	}
	select_doc(u, k);
}

void ts_ui_act_patterns(ts_ui *u, int arg)
{
	(void)arg;
	u->view.show_patterns = !u->view.show_patterns;
	u->view.show_monitor = false;
}

void ts_ui_act_select_mode(ts_ui *u, int arg)
{
	(void)arg;
	u->play.select_mode = (ts_select_mode)((u->play.select_mode + 1) % 3);
	ts_ui_say(u, "pattern mode %s: %s", mode_names[u->play.select_mode],
		  u->play.select_mode == TS_SELECT_SEQUENTIAL ? "a pattern chosen plays at the change point"
		  : u->play.select_mode == TS_SELECT_DIRECT_START ? "at the next 16th, from step 1"
						       : "at the next 16th, from the step playing");
}

/* "5" (program), "A06" (Rytm name) or a file name of the list. */
static int find_doc(const ts_ui *u, const char *text)
{
	char *end;
	long n = strtol(text, &end, 10);
	if (*text && !*end)
		return n >= 0 && n < u->ndocs ? (int)n : -1;
	if (strlen(text) == 3 && text[0] >= 'A' && text[0] <= 'H' && text[1] >= '0' &&
	    text[1] <= '9' && text[2] >= '0' && text[2] <= '9') {
		int k = (text[0] - 'A') * 16 + (text[1] - '0') * 10 + (text[2] - '0') - 1;
		return (text[1] - '0') * 10 + (text[2] - '0') >= 1 &&
				       (text[1] - '0') * 10 + (text[2] - '0') <= 16 && k < u->ndocs
			       ? k
			       : -1;
	}
	for (int k = 0; k < u->ndocs; k++)
		if (strcmp(ts_ui_doc_path(&u->docs[k]), text) == 0 ||
		    strcmp(ts_ui_base_name(ts_ui_doc_path(&u->docs[k])), text) == 0)
			return k;
	return -1;
}

static void got_goto(ts_ui *u, const char *text)
{
	int k = find_doc(u, text);
	if (k < 0)
		ts_ui_say(u, "no pattern '%.40s' in the list (0 ... %d, A01 ..., or a file name)", text,
			  u->ndocs - 1);
	else
		select_doc(u, k);
}

void ts_ui_act_goto(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_start_prompt(u, "pattern (number, A01, or file)", NULL, got_goto);
}

/* O: a file of the list is chosen; another joins the list (and the engine; ports it needs are
 * registered). */
static void got_open(ts_ui *u, const char *text)
{
	if (!*text) {
		ts_ui_say(u, "no file name");
		return;
	}
	int k = find_doc(u, text);
	if (k >= 0) {
		select_doc(u, k);
		return;
	}
	char why[160];
	k = ts_ui_add_doc(u, text, false, why, sizeof(why));
	if (k < 0) {
		ts_ui_say(u, "%.150s", why);
		return;
	}
	select_doc(u, k);
}

int ts_ui_add_doc(ts_ui *u, const char *path, bool must_exist, char *why, size_t len)
{
	if (u->ndocs == TS_CHAIN_MAX || (u->play.cap && u->ndocs == u->play.cap)) {
		snprintf(why, len, "the list is full (%d patterns): restart the editor to open more",
			 u->ndocs);
		return -1;
	}
	ts_ui_doc *grown = realloc(u->docs, (size_t)(u->ndocs + 1) * sizeof(*grown));
	if (!grown) {
		snprintf(why, len, "%s", ts_strerror(TS_ERR_NOMEM));
		return -1;
	}
	u->docs = grown;
	u->ed = u->docs[u->cur].ed;
	ts_ui_doc *d = &u->docs[u->ndocs];
	memset(d, 0, sizeof(*d));
	if (!ts_ui_open_doc(d, path, must_exist)) {
		snprintf(why, len, "%.40s not opened: %.100s", path, d->why);
		free(d->path);
		return -1;
	}
	d->recovery_version = ts_edit_version(d->ed);
	return u->ndocs++;
}

void ts_ui_act_open(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_start_prompt(u, "open (a file of the list, or another)", NULL, got_open);
}
