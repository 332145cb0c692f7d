/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Keyboard mode (`): the letter keys are a piano for the cursor's track. A note is heard at once
 * (a preview sent through the process callback) and written at the cursor (step entry), or,
 * while playing with record on, where the track is.
 */
#include <string.h>

#include "trigseq/ui/ui_internal.h"

/* The piano: the home row for the white keys, the row above for the black ones. */
static const char piano[] = "awsedftgyhujkolp;";

/* Whether the track sends MIDI (engine.h, "Destinations"): a `dest int` track plays only its
 * voice, which the keyboard cannot play yet. */
static bool track_can_send(const ts_ui *u, int t)
{
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[t];
	return u->ses.jack && !ts_jack_server_gone(u->ses.jack) && ts_track_sends_midi(tk, NULL);
}

/* Note-offs of previewed notes that are due (all of them with `all`). */
void ts_ui_preview_offs(ts_ui *u, bool all)
{
	double now = ts_ui_now();
	int k = 0;
	for (int i = 0; i < u->keys.noffs; i++) {
		ts_ui_preview_off *o = &u->keys.offs[i];
		if ((all || now >= o->due) && u->ses.jack &&
		    ts_jack_send_midi(u->ses.jack, o->port, o->track, o->bytes, 3))
			continue;
		if (all || now >= o->due)
			continue; /* the ring is full or JACK is gone: dropped, not retried forever */
		u->keys.offs[k++] = *o;
	}
	u->keys.noffs = k;
}

/* Play a note on the cursor's track now, for its gate (at the playing tempo; 0.05 … 1 s). */
static void preview(ts_ui *u, int note)
{
	int t = ts_edit_get_cursor(u->ed).track;
	int max_offs = (int)(sizeof(u->keys.offs) / sizeof(u->keys.offs[0]));
	if (!track_can_send(u, t) || u->keys.noffs == max_offs)
		return;
	const ts_pattern *pat = ts_edit_pattern(u->ed);
	const ts_track *tk = &pat->tracks[t];
	int port = ts_pattern_track_port(pat, t + 1), chan = tk->channel - 1;
	uint8_t on[3] = {(uint8_t)(0x90 | chan), (uint8_t)note, tk->velocity};
	if (!ts_jack_send_midi(u->ses.jack, port, t + 1, on, 3))
		return;
	int g16 = ts_len16(tk->gate);
	double step_s = 60.0 / (u->play.tempo10 / 10.0 * 4), len = g16 ? g16 / 16.0 * step_s : 0.5;
	len = len < 0.05 ? 0.05 : len > 1.0 ? 1.0 : len;
	ts_ui_preview_off *o = &u->keys.offs[u->keys.noffs++];
	o->due = ts_ui_now() + len;
	o->port = port;
	o->track = t + 1;
	o->bytes[0] = (uint8_t)(0x80 | chan);
	o->bytes[1] = (uint8_t)note;
	o->bytes[2] = 0x40;
}

/* Recording: the note goes where the track is now (a fresh status: the end of the last period
 * run), to the nearest step, with its micro timing in 24ths of a step when micro_rec is on. So a
 * key struck a little early lands on the coming step, pulled early. Only into the pattern that
 * is playing. */
static void record_key(ts_ui *u, int note)
{
	ts_jack_status now;
	ts_jack_get_status(u->ses.jack, &now);
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	int t = c.track, len = ts_edit_pattern(u->ed)->tracks[t].length;
	if (!now.running || now.pattern != u->cur || now.step[t] == 0)
		return;
	int step = now.step[t] - 1;
	int micro = (now.phase[t] + TS_PHASE_STEP / 48) / (TS_PHASE_STEP / 24); /* 0 … 24 */
	if (micro > 12) {
		step = (step + 1) % len;
		micro -= 24;
	}
	if (!u->keys.micro)
		micro = 0;
	ts_edit_move_to(u->ed, t, step);
	ts_ui_edited(u, ts_edit_record_note(u->ed, note, micro));
	ts_edit_move_to(u->ed, t, c.step);
}

/* A piano key: heard at once; written at the cursor, which moves on (step entry), or while
 * playing with record on, where the track is (record_key). */
static void piano_key(ts_ui *u, int semitone)
{
	int note = (u->keys.octave + 1) * 12 + semitone;
	if (note < 0 || note > 127) {
		ts_ui_say(u, "note out of range: change the octave (z x)");
		return;
	}
	preview(u, note);
	ts_edit_cursor c = ts_edit_get_cursor(u->ed);
	const ts_track *tk = &ts_edit_pattern(u->ed)->tracks[c.track];
	if (u->keys.record && u->st.running && u->ses.jack) {
		record_key(u, note);
		return;
	}
	ts_ui_edited(u, ts_edit_set_note(u->ed, note));
	ts_edit_move_to(u->ed, c.track, (c.step + 1) % tk->length);
}

void ts_ui_act_keys_mode(ts_ui *u, int arg)
{
	(void)arg;
	u->keys.on = !u->keys.on;
	if (!u->keys.on) {
		ts_ui_preview_offs(u, true);
		u->keys.record = false;
	}
}

/* Keys of keyboard mode; false for the others (they keep their meaning). */
bool ts_ui_keyboard_key(ts_ui *u, int key)
{
	const char *at = key > 0 && key < 128 ? strchr(piano, key) : NULL;
	if (key == '`' || key == 27) {
		ts_ui_act_keys_mode(u, 0);
	} else if (at && key) {
		piano_key(u, (int)(at - piano));
	} else if (key == 'z' || key == 'x') {
		int o = u->keys.octave + (key == 'x' ? 1 : -1);
		if (o >= -1 && o <= 9)
			u->keys.octave = o;
	} else if (key == 'r') {
		u->keys.record = !u->keys.record;
	} else if (key == 'Q') {
		u->keys.micro = !u->keys.micro;
	} else if (key == ' ') {
		ts_edit_cursor c = ts_edit_get_cursor(u->ed);
		int len = ts_edit_pattern(u->ed)->tracks[c.track].length;
		ts_edit_move_to(u->ed, c.track, (c.step + 1) % len); /* a rest */
	} else {
		return false;
	}
	return true;
}
