/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The whole screen: the status line on row 0 (file, FILL, PLAY, the tempo and its source,
 * JACK), then the grid, row 14, one pane (inspector, pattern list or monitor) and the bottom
 * line; or the help. 80x24 at least.
 */
#include <curses.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trigseq/ui/ui_internal.h"

void ts_ui_put(int y, int x, int attr, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (attr)
		attron(attr);
	mvaddnstr(y, x, buf, COLS - x > 0 ? COLS - x : 0);
	if (attr)
		attroff(attr);
}

/* The tempo and where it comes from. As the master: the tempo playing and `int`. Following a
 * MIDI clock: `midi`, LOCK (locked, with the measured BPM), free (the master runs, the clock is
 * not locked) or wait (neither); following JACK transport: `jack`, roll or stop, the tempo
 * followed and BBT when a timebase master gives it (else the tempo is ours); in a Link session:
 * `LINK`, the number of peers and the session's tempo. */
static void sync_text(const ts_ui *u, char *buf, size_t len)
{
	const ts_jack_status *st = &u->st;
	if (u->op.sync_midi && u->ses.jack && st->clock_locked)
		snprintf(buf, len, "midi LOCK %5.1f", st->clock_bpm);
	else if (u->op.sync_midi && u->ses.jack && st->clock_running && st->clock_bpm > 0)
		snprintf(buf, len, "midi free %5.1f", st->clock_bpm);
	else if (u->op.sync_midi)
		snprintf(buf, len, "midi wait");
	else if (u->op.sync_jack && u->ses.jack)
		snprintf(buf, len, "jack %s %5.1f%s", st->transport_rolling ? "roll" : "stop",
			 st->transport_bpm, st->transport_bbt ? " BBT" : "");
	else if (u->op.sync_jack)
		snprintf(buf, len, "jack");
	else if (u->ses.link)
		snprintf(buf, len, "LINK %zu %5.1f", u->play.link_peers, st->transport_bpm);
	else if (u->op.sync_link)
		snprintf(buf, len, "link");
	else
		snprintf(buf, len, "%3u.%u BPM int", u->play.tempo10 / 10, u->play.tempo10 % 10);
}

/* From column 29: REC when record is armed, the tempo and its source, what clock_out sends (out,
 * off, or always with --clock-while-stopped), the click, where MIDI thru goes (the cursor's track,
 * off, or "-" after it when that track sends no MIDI), then JACK's client, rate, xruns and DSP
 * load. It fits the terminal (80 columns at least): what goes first when it does not is the
 * client's name, then the rate, then the clock's part; never a cut xrun count or load, which
 * are what change. */
static void draw_status(ts_ui *u)
{
	const char *path = ts_edit_path(u->ed);
	const ts_jack_status *st = &u->st;
	bool gone = u->ses.jack && st->server_gone;
	char sync[40], clock[24], thru[32] = "", mode[120], tail[48], jack[160];
	sync_text(u, sync, sizeof(sync));
	snprintf(clock, sizeof(clock), "clock %s  ",
		 !u->op.send_clock ? "off" : u->op.clock_while_stopped ? "always" : "out");
	if (u->ses.jack && !gone)
		ts_ui_thru_text(u, thru, sizeof(thru));
	const char *state = u->play.jack_state, *rate = strrchr(state, ' ');
	for (int fit = 0;; fit++) {
		snprintf(mode, sizeof(mode), "%s%s  %s%s%s%s", u->keys.record ? "REC " : "", sync,
			 fit < 3 ? clock : "", u->play.click ? "click  " : "", thru,
			 thru[0] ? "  " : "");
		if (gone) {
			snprintf(jack, sizeof(jack), "JACK: server gone");
		} else if (u->ses.jack) {
			snprintf(tail, sizeof(tail), "xr %" PRIu32 " dsp %.1f%%", st->xruns, st->dsp_load);
			const char *shown = fit == 0 || !rate ? state : fit == 1 || fit == 3 ? rate + 1 : "";
			snprintf(jack, sizeof(jack), "%s%s%s", shown, shown[0] ? " " : "", tail);
		} else {
			snprintf(jack, sizeof(jack), "%s", u->play.jack_state);
		}
		if (29 + strlen(mode) + strlen(jack) <= (size_t)COLS || fit == 4 || !u->ses.jack)
			break;
	}
	const char *base = path ? strrchr(path, '/') : NULL;
	base = base ? base + 1 : path ? path : "untitled";
	ts_ui_put(0, 0, A_REVERSE, "%-*s", COLS, "");
	ts_ui_put(0, 0, A_REVERSE | A_BOLD, " %.15s%s", base, ts_edit_dirty(u->ed) ? " *" : "");
	ts_ui_put(0, 19, A_REVERSE | A_BOLD, "%s", ts_ui_fill_on(u) ? "FILL" : "");
	ts_ui_put(0, 24, A_REVERSE | A_BOLD, "%s", st->running ? "PLAY" : "STOP");
	ts_ui_put(0, 29, A_REVERSE, "%s%s", mode, jack);
}

void ts_ui_draw(ts_ui *u)
{
	erase();
	if (LINES < 24 || COLS < 80) {
		ts_ui_put(0, 0, A_BOLD, "trigseq needs 80x24; this terminal is %dx%d", COLS, LINES);
		refresh();
		return;
	}
	if (u->view.mode == MODE_HELP) {
		ts_ui_draw_help(u);
	} else {
		draw_status(u);
		ts_ui_draw_tracks(u);
		ts_ui_draw_pattern_line(u);
		if (u->view.show_monitor)
			ts_ui_draw_monitor(u);
		else if (u->view.show_patterns)
			ts_ui_draw_patterns(u);
		else
			ts_ui_draw_inspector(u);
	}
	ts_ui_draw_bottom(u);
	refresh();
}
