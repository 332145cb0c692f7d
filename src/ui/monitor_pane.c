/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MIDI monitor pane (i): what the process callback sends and receives, decoded, with the
 * seconds from play's start.
 */
#include <curses.h>
#include <inttypes.h>

#include "trigseq/core/monitor.h"
#include "trigseq/ui/ui_internal.h"

/* Decoded lines of what the process callback logged, clock ticks and active sensing left out
 * (they would flood it); true when any came. */
bool ts_ui_drain_monitor(ts_ui *u)
{
	if (!u->ses.monitor)
		return false;
	bool any = false;
	ts_monitor_rec recs[128];
	size_t n;
	while ((n = ts_monitor_pop(u->ses.monitor, recs, 128)) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (ts_monitor_is_tick(&recs[i]) || ts_monitor_is_active_sensing(&recs[i]))
				continue;
			uint64_t origin = ts_monitor_extend_frame(recs[i].frame, u->st.start_frame);
			ts_monitor_format(&recs[i], u->ses.ports, u->ses.nports,
					  ts_jack_rate(u->ses.jack), origin,
					  u->mon.lines[u->mon.count % MON_LINES], MON_WIDTH);
			u->mon.count++;
			any = true;
		}
	}
	uint64_t d = ts_monitor_dropped(u->ses.monitor);
	if (d != u->mon.dropped) {
		u->mon.dropped = d;
		any = true;
	}
	return any;
}

void ts_ui_draw_monitor(ts_ui *u)
{
	ts_ui_put(15, 0, A_BOLD, "MIDI monitor (i closes): seconds from play start, what goes out and "
			   "comes in");
	if (!u->ses.monitor) {
		ts_ui_put(16, 0, 0, "no JACK client: nothing is sent or received");
		return;
	}
	int rows = 6;
	unsigned first = u->mon.count > (unsigned)rows ? u->mon.count - (unsigned)rows : 0;
	for (unsigned k = first; k < u->mon.count; k++)
		ts_ui_put(16 + (int)(k - first), 0, 0, "%.*s", COLS, u->mon.lines[k % MON_LINES]);
	if (u->mon.dropped)
		ts_ui_put(15, 60, A_BOLD, "%" PRIu64 " dropped", u->mon.dropped);
	/* what midi_in brought that went nowhere: never silently */
	const ts_jack_status *st = &u->st;
	ts_ui_put(22, 0, A_DIM,
		  "midi_in: %" PRIu32 " garbage bytes dropped, %" PRIu32 " note-offs without a note, %" PRIu32
		  " lost (full)",
		  st->midi_in_dropped, st->thru_unmatched,
		  st->midi_in_overflow + st->thru_lost + st->input_lost);
}

void ts_ui_act_monitor(ts_ui *u, int arg)
{
	(void)arg;
	u->view.show_monitor = !u->view.show_monitor;
}
