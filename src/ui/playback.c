/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What plays: the JACK session (session.h) the editor opens, every document's new versions and
 * samples handed to the engine and the voices, the status read back, transport, tempo, fill and
 * click.
 */
#define _DEFAULT_SOURCE /* usleep */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/rt/voice.h"
#include "trigseq/ui/ui_internal.h"

#define OPEN_ROOM 16                  /* files the engine has room for beyond the list (O) */

/* A terminal tells no key release: a held F repeats, and the fill lasts until 0.7 s after the
 * last repeat (longer than the usual delay before a key repeats). */
#define FILL_HOLD_S 0.7

bool ts_ui_fill_on(const ts_ui *u)
{
	return u->play.fill || ts_ui_now() < u->play.fill_until;
}

/* Each track's sample of pattern k, as the document has it now, to the voices: only what changed
 * is read (on this thread: a long file holds the screen for as long as it takes to read). A
 * sample that cannot be read is said once, and the track stays silent until it changes. */
static void sync_samples(ts_ui *u, int k)
{
	ts_ui_doc *d = &u->docs[k];
	if (!u->ses.voices || !d->ed)
		return;
	const ts_pattern *pat = ts_edit_pattern(d->ed);
	for (int t = 0; t < TS_TRACKS; t++) {
		char path[TS_VOICE_PATH_MAX], err[TS_VOICE_PATH_MAX + 256];
		ts_voices_sample_path(&pat->tracks[t], ts_edit_path(d->ed), path, sizeof(path));
		if (d->sample_asked[t] && strcmp(path, d->sample_asked[t]) == 0)
			continue;
		char *asked = strdup(path);
		ts_status st = asked ? ts_voices_load(u->ses.voices, k, t + 1, path, err, sizeof(err))
				     : TS_ERR_NOMEM;
		if (st == TS_ERR_BUSY || !asked) {
			free(asked);
			return; /* the audio thread has not taken the last ones yet: next time */
		}
		free(d->sample_asked[t]);
		d->sample_asked[t] = asked;
		d->sample_why[t][0] = '\0';
		if (st != TS_OK) {
			ts_voices_load(u->ses.voices, k, t + 1, NULL, NULL, 0);
			snprintf(d->sample_why[t], sizeof(d->sample_why[t]), "%.150s", err);
			ts_ui_say(u, "%.120s (track %d plays nothing)", err, t + 1);
		}
	}
}

/* A --connect done (ts_session_connected_fn): a failure is said, and the others are tried. */
static bool connect_said(void *ctx, const char *spec, const char *port, int count, const char *err)
{
	(void)port;
	(void)count;
	if (err)
		ts_ui_say(ctx, "--connect %.40s: %.100s", spec, err);
	return true;
}

/* The JACK session (session.h), or the reason there is none on the screen: editing goes on
 * without it. */
void ts_ui_jack_setup(ts_ui *u)
{
	if (u->op.no_jack) {
		snprintf(u->play.jack_state, sizeof(u->play.jack_state), "no JACK (--no-jack)");
		return;
	}
	/* The engine gets the whole list as a bank; a file that did not open holds a blank
	 * pattern, never selected. Room is left for files opened later (O). */
	ts_pattern *pats = malloc((size_t)u->ndocs * sizeof(*pats));
	if (!pats) {
		snprintf(u->play.jack_state, sizeof(u->play.jack_state), "JACK: out of memory");
		return;
	}
	for (int k = 0; k < u->ndocs; k++) {
		if (u->docs[k].ed)
			pats[k] = *ts_edit_pattern(u->docs[k].ed);
		else
			ts_pattern_init(&pats[k]);
	}
	if (!ts_session_ports(&u->ses, pats, u->ndocs)) {
		snprintf(u->play.jack_state, sizeof(u->play.jack_state), "JACK: too many ports");
		ts_ui_say(u, "the patterns use more than %d ports together: open fewer files",
			  TS_MAX_PORTS);
		free(pats);
		return;
	}
	/* The engine has room for the list, files opened later, and the versions edits leave
	 * behind. It plays at the edited pattern's tempo (the Rytm's pattern tempo); a MIDI clock
	 * slave's timeline is at the pattern's tempo (--bpm means nothing there). */
	const ts_session_config sc = {
		.op = &u->op,
		.editor = true,
		.pats = pats,
		.npats = u->ndocs,
		.lead = u->cur,
		.room = u->ndocs + OPEN_ROOM < TS_CHAIN_MAX ? u->ndocs + OPEN_ROOM : TS_CHAIN_MAX,
		.engine_tempo10 = u->op.sync_midi ? pats[u->cur].tempo10 : u->play.tempo10,
		.song = u->song.song,
	};
	char err[512] = "";
	bool no_server;
	if (ts_session_open(&u->ses, &sc, &no_server, err, sizeof(err)) != TS_OK) {
		snprintf(u->play.jack_state, sizeof(u->play.jack_state), "%s",
			 no_server ? "no JACK server: edit only" : "JACK: no client");
		ts_ui_say(u, "%.150s", err);
		free(pats);
		return;
	}
	bool ok = ts_session_load(&u->ses, &sc, err, sizeof(err)) == TS_OK;
	if (ok) {
		u->play.cap = sc.room;
		for (int k = 0; k < u->ndocs; k++)
			sync_samples(u, k);
	}
	ok = ok && (u->song.song || ts_engine_queue(u->ses.eng, u->cur)) &&
	     ts_session_activate(&u->ses, u->play.click, err, sizeof(err)) == TS_OK;
	free(pats);
	if (!ok) {
		u->play.cap = 0;
		ts_session_close(&u->ses);
		snprintf(u->play.jack_state, sizeof(u->play.jack_state), "JACK: setup failed");
		ts_ui_say(u, "%.150s", err);
		return;
	}
	ts_jack_set_tempo(u->ses.jack, u->play.tempo10);
	u->play.fill = u->op.fill;
	u->play.fill_sent = u->play.fill;
	ts_jack_set_fill(u->ses.jack, u->play.fill);
	for (int k = 0; k < u->ndocs; k++) {
		ts_ui_doc *d = &u->docs[k];
		d->in_engine = true;
		d->sent_version = d->ed ? ts_edit_version(d->ed) : 0;
	}
	u->play.seen_pattern = u->cur;
	ts_session_connect(&u->ses, &u->op, connect_said, u);
	snprintf(u->play.jack_state, sizeof(u->play.jack_state), "%.16s %" PRIu32 "k",
		 ts_jack_client_name(u->ses.jack), ts_jack_rate(u->ses.jack) / 1000);
}

/* Quitting: play stops (note-offs, MIDI Stop) and peers get to read that before the client
 * closes. */
void ts_ui_jack_end(ts_ui *u)
{
	if (!u->ses.jack)
		return;
	/* Leaving a Link session is not stopping it: leave first, so the stop is ours alone */
	if (u->ses.link)
		ts_link_enable(u->ses.link, false);
	if (u->st.running)
		ts_jack_command(u->ses.jack, TS_JACK_STOP);
	for (int i = 0; i < 200 && !ts_jack_command_done(u->ses.jack) &&
			!ts_jack_server_gone(u->ses.jack);
	     i++)
		usleep(1000);
	usleep(30000); /* the stop cycle is read by peers */
}

static bool doc_behind(const ts_ui *u, const ts_ui_doc *d)
{
	return d->ed && (!d->in_engine || d->sent_version != ts_edit_version(d->ed) ||
			 d->sent_solo != u->play.solo);
}

/* A track given a port the client does not have yet: it is registered now (the engine learns it
 * before the pattern that needs it), and the user told to connect it. */
static void ensure_ports(ts_ui *u, const ts_pattern *pat)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		const char *name = pat->tracks[t].port;
		if (ts_session_has_port(&u->ses, name, strlen(name)))
			continue;
		char err[160];
		if (ts_session_add_port(&u->ses, name, err, sizeof(err)) != TS_OK) {
			ts_ui_say(u, "%.150s: the pattern cannot play", err);
			return;
		}
		ts_ui_say(u, "new JACK port %.30s:%s: connect it to the synth",
			  ts_jack_client_name(u->ses.jack), name);
	}
}

/* The engine gets each new version of every document, one at a time (the mailbox holds one);
 * one it cannot take yet goes on a later pass. Files opened later join the engine in list order,
 * then the edited pattern goes first. Solo mutes the other tracks of every pattern. */
void ts_ui_sync_engine(ts_ui *u)
{
	if (!u->ses.jack || ts_jack_server_gone(u->ses.jack))
		return;
	int k = 0;
	while (k < u->ndocs && u->docs[k].in_engine)
		k++;
	if (k == u->ndocs) {
		for (k = 0; k < u->ndocs; k++)
			if (doc_behind(u, &u->docs[(u->cur + k) % u->ndocs]))
				break;
		if (k == u->ndocs)
			return;
		k = (u->cur + k) % u->ndocs;
	}
	ts_ui_doc *d = &u->docs[k];
	uint64_t v = ts_edit_version(d->ed);
	ensure_ports(u, ts_edit_pattern(d->ed));
	/* the new sample before the pattern that plays it */
	ts_voices_collect(u->ses.voices);
	sync_samples(u, k);
	u->play.copy = *ts_edit_pattern(d->ed);
	for (int t = 0; t < TS_TRACKS; t++)
		if (u->play.solo && !(u->play.solo >> t & 1))
			u->play.copy.tracks[t].mute = true;
	if (ts_jack_send_pattern(u->ses.jack, k, &u->play.copy)) {
		d->in_engine = true;
		d->sent_version = v;
		d->sent_solo = u->play.solo;
	}
}

/* The engine plays the document's tempo once it is edited (a --bpm holds until then). */
void ts_ui_sync_tempo(ts_ui *u)
{
	uint16_t doc = ts_edit_pattern(u->ed)->tempo10;
	if (doc == u->play.doc_tempo10)
		return;
	u->play.doc_tempo10 = doc;
	u->play.tempo10 = doc;
	if (u->ses.jack && !ts_jack_server_gone(u->ses.jack))
		ts_jack_set_tempo(u->ses.jack, doc);
}

bool ts_ui_engine_behind(const ts_ui *u)
{
	if (!u->ses.jack || ts_jack_server_gone(u->ses.jack))
		return false;
	for (int k = 0; k < u->ndocs; k++)
		if (doc_behind(u, &u->docs[k]))
			return true;
	return false;
}

bool ts_ui_status_changed(ts_ui *u)
{
	ts_jack_status st;
	memset(&st, 0, sizeof(st));
	if (u->ses.jack)
		ts_jack_get_status(u->ses.jack, &st);
	bool published = st.cycles > 0;
	st.callback_ns_max = 0;
	st.cycles = 0;
	st.frames = 0;
	st.dsp_load = (float)((int)(st.dsp_load * 10)) / 10; /* shown to 0.1% */
	st.transport_frame = 0;
	/* the tempos followed are shown to 0.1 BPM: a measured one wobbles below that */
	st.clock_bpm = (double)(long)(st.clock_bpm * 10 + 0.5) / 10;
	st.transport_bpm = (double)(long)(st.transport_bpm * 10 + 0.5) / 10;
	if (st.pattern_refused != u->st.pattern_refused)
		ts_ui_say(u, "the engine refused this version of the pattern (a port that could not be "
		       "registered): the last one it took plays");
	/* A pattern the engine changed to by itself (a program change received) is edited now,
	 * as on the Rytm; one the editor chose is edited already. Not before the process callback
	 * has published its first status (cycles is read before the pattern). */
	if (u->ses.jack && published && st.pattern != u->play.seen_pattern && !u->song.song) {
		u->play.seen_pattern = st.pattern;
		if (st.pattern != u->cur && st.pattern >= 0 && st.pattern < u->ndocs &&
		    u->docs[st.pattern].ed) {
			ts_ui_edit_doc(u, st.pattern);
			char name[8];
			ts_ui_rytm_name(u->cur, name, sizeof(name));
			ts_ui_say(u, "%s %.40s plays (program change): editing it", name,
				  ts_ui_base_name(ts_ui_doc_path(&u->docs[u->cur])));
		}
	}
	bool link_changed = false;
	if (u->ses.link) {
		size_t n = ts_link_peers(u->ses.link);
		if (n != u->play.link_peers) {
			ts_ui_say(u, "Link: %zu peer%s (one %s)", n, n == 1 ? "" : "s",
				  n > u->play.link_peers ? "joined" : "left");
			u->play.link_peers = n;
			link_changed = true;
		}
	}
	bool changed = link_changed || st.running != u->st.running || st.xruns != u->st.xruns ||
		       st.pattern != u->st.pattern || st.queued != u->st.queued ||
		       st.song_row != u->st.song_row || st.song_repeat != u->st.song_repeat ||
		       st.song_ended != u->st.song_ended ||
		       st.pattern_refused != u->st.pattern_refused ||
		       st.server_gone != u->st.server_gone || st.dsp_load != u->st.dsp_load ||
		       st.clock_locked != u->st.clock_locked ||
		       st.clock_running != u->st.clock_running || st.clock_bpm != u->st.clock_bpm ||
		       st.transport_rolling != u->st.transport_rolling ||
		       st.transport_bbt != u->st.transport_bbt ||
		       st.transport_bpm != u->st.transport_bpm ||
		       st.midi_in_dropped != u->st.midi_in_dropped ||
		       st.thru_unmatched != u->st.thru_unmatched ||
		       st.midi_in_overflow + st.thru_lost + st.input_lost !=
			       u->st.midi_in_overflow + u->st.thru_lost + u->st.input_lost ||
		       memcmp(st.step, u->st.step, sizeof(st.step)) != 0;
	u->st = st;
	return changed;
}

void ts_ui_act_click(ts_ui *u, int arg)
{
	(void)arg;
	u->play.click = !u->play.click;
	if (u->ses.jack)
		ts_jack_set_click(u->ses.jack, u->play.click);
	ts_ui_say(u, "click %s", u->play.click ? "on: audio_out_1/2, every beat, the bar's first higher"
				    : "off");
}

/* p and P when a master owns transport (--sync midi, jack): playing, either stops here (note-offs)
 * until the master starts again; stopped while the master runs, either joins it at its next
 * step; with the master stopped there is nothing to do but say who starts play. */
static void slave_transport(ts_ui *u)
{
	ts_jack_status st;
	ts_jack_get_status(u->ses.jack, &st);
	bool master_runs = u->op.sync_midi ? st.clock_running : st.transport_rolling;
	if (st.running) {
		ts_jack_command(u->ses.jack, TS_JACK_STOP);
		ts_ui_say(u, "stopped here; %s", u->op.sync_midi
			? "the master's next Start or Continue plays again (p joins it now)"
			: "the transport's next roll or locate plays again (p joins it now)");
	} else if (master_runs) {
		ts_jack_command(u->ses.jack, TS_JACK_CONTINUE);
		ts_ui_say(u, "joining the %s at its next step", u->op.sync_midi ? "master" : "transport");
	} else {
		ts_ui_say(u, "play follows the master: %s", u->op.sync_midi
			? "it starts with MIDI Start or Continue on clock_in"
			: "it starts when JACK transport rolls");
	}
}

void ts_ui_act_transport(ts_ui *u, int cmd)
{
	if (!u->ses.jack || ts_jack_server_gone(u->ses.jack)) {
		ts_ui_say(u, "no play: %s", u->play.jack_state);
		return;
	}
	if (u->op.sync_midi || u->op.sync_jack) {
		slave_transport(u);
		return;
	}
	if (cmd == TS_JACK_PLAY && u->st.running)
		cmd = TS_JACK_STOP; /* p toggles */
	ts_jack_command(u->ses.jack, (ts_jack_cmd)cmd);
}

void ts_ui_sync_fill(ts_ui *u)
{
	bool on = ts_ui_fill_on(u);
	if (on != u->play.fill_sent && u->ses.jack) {
		ts_jack_set_fill(u->ses.jack, on);
		u->play.fill_sent = on;
	}
}

void ts_ui_act_fill(ts_ui *u, int momentary)
{
	if (momentary) {
		u->play.fill_until = ts_ui_now() + FILL_HOLD_S;
	} else {
		u->play.fill = !u->play.fill;
		ts_ui_say(u, "fill %s", u->play.fill ? "on: fill conditions true" : "off");
	}
	ts_ui_sync_fill(u);
}

/* Tempo keys edit the document's tempo (the tempo field), heard at once. */
static bool set_doc_tempo(ts_ui *u, int tempo10)
{
	int cur = ts_edit_get_cursor(u->ed).field;
	int delta = tempo10 - ts_edit_pattern(u->ed)->tempo10;
	ts_edit_select_field(u->ed, TS_F_TEMPO - cur);
	bool changed = delta != 0 && ts_edit_adjust(u->ed, delta);
	ts_edit_select_field(u->ed, cur - TS_F_TEMPO);
	return changed;
}

void ts_ui_act_nudge(ts_ui *u, int delta10)
{
	int t = ts_edit_pattern(u->ed)->tempo10 + delta10;
	t = t < TS_TEMPO10_MIN ? TS_TEMPO10_MIN : t > TS_TEMPO10_MAX ? TS_TEMPO10_MAX : t;
	ts_ui_edited(u, set_doc_tempo(u, t));
}

/* Tap tempo: the mean interval of the last taps (at least 2 within 2 s of each other). */
void ts_ui_act_tap(ts_ui *u, int arg)
{
	(void)arg;
	double now = ts_ui_now();
	if (u->play.ntaps > 0 && now - u->play.taps[u->play.ntaps - 1] > 2.0)
		u->play.ntaps = 0;
	if (u->play.ntaps == 8) {
		memmove(u->play.taps, u->play.taps + 1, 7 * sizeof(u->play.taps[0]));
		u->play.ntaps = 7;
	}
	u->play.taps[u->play.ntaps++] = now;
	if (u->play.ntaps < 2) {
		ts_ui_say(u, "tap: again, on the beat");
		return;
	}
	double beat = (u->play.taps[u->play.ntaps - 1] - u->play.taps[0]) / (u->play.ntaps - 1);
	int t = (int)(600.0 / beat + 0.5);
	t = t < TS_TEMPO10_MIN ? TS_TEMPO10_MIN : t > TS_TEMPO10_MAX ? TS_TEMPO10_MAX : t;
	set_doc_tempo(u, t);
	ts_ui_say(u, "tap: %d.%d BPM from %d taps", t / 10, t % 10, u->play.ntaps);
}

static void got_tempo(ts_ui *u, const char *text)
{
	uint16_t t10;
	if (!ts_cli_tempo(text, &t10)) {
		ts_ui_say(u, "'%.20s' is not a tempo: 30.0 ... 300.0, one decimal at most", text);
		return;
	}
	ts_ui_edited(u, set_doc_tempo(u, t10));
}

void ts_ui_act_tempo(ts_ui *u, int arg)
{
	(void)arg;
	ts_ui_start_prompt(u, "tempo (BPM, e.g. 123.7)", NULL, got_tempo);
}
