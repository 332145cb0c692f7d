/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a MIDI keyboard or controller plays on midi_in: thru to the cursor's track (I switches it),
 * and with record armed (r), step entry while stopped and live recording while playing, through
 * the recorder (core/record.h). The process callback routes thru and says where each message
 * landed (jack_io.h, ts_jack_input); this file keeps the thru destination up with the cursor and
 * turns those records into edits of the pattern that plays.
 */
#include <stdio.h>
#include <string.h>

#include "trigseq/ui/ui_internal.h"

/* Where thru sends now: the cursor's track of the document edited, on its port and channel
 * (channel 0: the track sends no MIDI, or its port is not registered yet). */
static ts_thru_dest thru_dest(const ts_ui *u)
{
	int t = ts_edit_get_cursor(u->ed).track;
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[t];
	/* (the session's index: the engine's ports are the union of the documents') */
	int port = ts_session_port_index(&u->ses, tk->port, strlen(tk->port));
	ts_thru_dest d = {.track = (uint8_t)(t + 1), .on = u->midi.thru};
	if (port >= 0 && ts_track_sends_midi(tk, NULL)) {
		d.port = (uint8_t)port;
		d.channel = tk->channel;
	}
	return d;
}

/* "thru 3", "thru off", "thru 5 -" (track 5 sends no MIDI): the track's port and channel are on
 * its row of the grid. */
void ts_ui_thru_text(const ts_ui *u, char *buf, size_t len)
{
	ts_thru_dest d = thru_dest(u);
	if (!u->midi.thru)
		snprintf(buf, len, "thru off");
	else
		snprintf(buf, len, "thru %d%s", d.track, d.channel ? "" : " -");
}

/* ---- the recording pass ---- */

static ts_edit *pass_doc(ts_ui *u)
{
	return u->midi.pass_doc >= 0 && u->midi.pass_doc < u->ndocs ? u->docs[u->midi.pass_doc].ed
								     : NULL;
}

/* End the pass: notes still held get their length up to where their tracks are now. */
void ts_ui_record_end(ts_ui *u)
{
	ts_edit *ed = pass_doc(u);
	if (ts_rec_in_pass(&u->midi.rec) && ed)
		ts_rec_pass_end(&u->midi.rec, ed, u->st.track_time);
	u->midi.pass_doc = -1;
}

/* A pass runs while record is armed and the pattern edited plays: one undo step, whatever the
 * number of loops. */
static void keep_pass(ts_ui *u)
{
	bool want = u->keys.record && u->st.running && u->st.pattern == u->cur && u->ed;
	bool in = ts_rec_in_pass(&u->midi.rec);
	if (in && (!want || u->midi.pass_doc != u->cur))
		ts_ui_record_end(u);
	if (want && !ts_rec_in_pass(&u->midi.rec)) {
		ts_rec_pass_begin(&u->midi.rec, u->ed);
		u->midi.pass_doc = u->cur;
	}
}

/* ---- the records ---- */

/* A live record: the note, its end or the CC where the process callback says it landed. */
static bool record_live(ts_ui *u, const ts_jack_input *r, uint8_t kind)
{
	ts_edit *ed = pass_doc(u);
	if (!ed || !r->playing || r->pattern != u->midi.pass_doc || !r->track)
		return false;
	ts_rec_pos p = {.track = r->track - 1, .step = r->step, .micro = r->micro, .time = r->time};
	switch (kind) {
	case 0x90:
		return ts_rec_note_on(&u->midi.rec, ed, &p, r->bytes[1], r->bytes[2], u->keys.micro);
	case 0x80:
		return ts_rec_note_off(&u->midi.rec, ed, &p, r->bytes[1]);
	case 0xB0:
		return ts_rec_cc(&u->midi.rec, ed, &p, r->bytes[1], r->bytes[2]);
	default:
		return false; /* pitch bend and pressure are played, not recorded */
	}
}

/* Step entry: stopped with record armed, at the cursor of the pattern edited. */
static bool record_step(ts_ui *u, const ts_jack_input *r, uint8_t kind)
{
	if (kind == 0x90) {
		ts_rec_step_on(&u->midi.rec, r->bytes[1], r->bytes[2]);
		return false;
	}
	if (kind != 0x80)
		return false;
	bool wrote = ts_rec_step_off(&u->midi.rec, u->ed, r->bytes[1]);
	if (!wrote && ts_edit_message(u->ed)[0])
		ts_ui_edited(u, false);
	return wrote;
}

bool ts_ui_drain_input(ts_ui *u)
{
	if (!u->ses.jack)
		return false;
	ts_thru_dest d = thru_dest(u);
	ts_jack_set_thru(u->ses.jack, &d);
	keep_pass(u);
	if (!u->ses.input)
		return false;
	bool dirty = false;
	ts_jack_input in[64];
	size_t n;
	while ((n = ts_ring_read(u->ses.input, in, 64)) > 0) {
		for (size_t i = 0; i < n; i++) {
			const ts_jack_input *r = &in[i];
			uint8_t kind = r->bytes[0] & 0xF0;
			if (kind == 0x90 && r->bytes[2] == 0)
				kind = 0x80;
			u->midi.received++;
			if (!u->keys.record || !u->ed)
				continue;
			bool changed = ts_rec_in_pass(&u->midi.rec) ? record_live(u, r, kind)
								    : !u->st.running &&
									      record_step(u, r, kind);
			dirty = dirty || changed;
		}
	}
	uint64_t lost = ts_ring_dropped(u->ses.input);
	if (lost != u->midi.lost_seen) {
		ts_ui_say(u, "MIDI input: %llu messages were lost (more than the editor could take "
			  "in time)", (unsigned long long)(lost - u->midi.lost_seen));
		u->midi.lost_seen = lost;
		dirty = true;
	}
	return dirty;
}

void ts_ui_act_thru(ts_ui *u, int arg)
{
	(void)arg;
	u->midi.thru = !u->midi.thru;
	ts_ui_say(u, "MIDI thru %s", u->midi.thru ? "on: midi_in plays the cursor's track, on its port "
						    "and channel"
					  : "off: midi_in plays nothing (held notes still end where "
					    "they went)");
}

void ts_ui_act_record(ts_ui *u, int arg)
{
	(void)arg;
	u->keys.record = !u->keys.record;
	ts_ui_say(u, "record %s", u->keys.record ? "armed: MIDI notes go to the cursor's track "
						   "(stopped: at the cursor, step by step)"
						 : "off");
}

void ts_ui_act_micro(ts_ui *u, int arg)
{
	(void)arg;
	u->keys.micro = !u->keys.micro;
	ts_ui_say(u, "recording %s", u->keys.micro ? "keeps each note's micro timing (24ths of a step)"
						 : "quantizes to the nearest step");
}
