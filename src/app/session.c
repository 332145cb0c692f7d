/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JACK session (session.h): the set-up that `trigseq play` and the editor share, written once.
 * What each does with a failure (a message and an exit status, or a line on the screen and
 * editing on without JACK) stays with the caller.
 */
#include "trigseq/app/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trigseq/app/wakeup.h"

/* A connect spec's port part ("midi_out" of "midi_out=synth:in"); longer than any port name, so
 * that a name too long is still named whole enough in JACK's refusal. */
#define CONNECT_PORT_MAX 64

bool ts_session_ports(ts_session *s, const ts_pattern *pats, int n)
{
	memset(s, 0, sizeof(*s));
	int nports = ts_patterns_ports(pats, n, s->ports);
	if (nports < 0)
		return false;
	/* the names point into the patterns, which the caller may free before the session ends */
	for (int p = 0; p < nports; p++) {
		snprintf(s->port_store[p], sizeof(s->port_store[p]), "%s", s->ports[p]);
		s->ports[p] = s->port_store[p];
	}
	s->nports = nports;
	return true;
}

int ts_session_port_index(const ts_session *s, const char *name, size_t len)
{
	for (int p = 0; p < s->nports; p++)
		if (strlen(s->ports[p]) == len && strncmp(name, s->ports[p], len) == 0)
			return p;
	return -1;
}

bool ts_session_has_port(const ts_session *s, const char *name, size_t len)
{
	return ts_session_port_index(s, name, len) >= 0;
}

static void sleep_ms(int ms)
{
	struct timespec ts = {0, (long)ms * 1000000L};
	nanosleep(&ts, NULL);
}

ts_status ts_session_open(ts_session *s, const ts_session_config *cfg, bool *no_server,
			  char *err, size_t errlen)
{
	const ts_play_options *op = cfg->op;
	ts_jack_config jc = {
		.client_name = op->name,
		.server_name = op->server,
		.nports = s->nports,
		.send_clock = op->send_clock,
		.send_transport = op->send_transport,
		.wake_fd = ts_wakeup_write_fd(),
		.jack_messages = op->verbose,
		.sync_midi = op->sync_midi,
		.sync_jack = op->sync_jack,
		/* A slave's engine runs at the pattern's tempo on its own timeline, warped onto the
		 * master's grid (jack_io.h): --bpm means nothing there. */
		.tempo10 = op->tempo10 && !op->sync_midi ? op->tempo10
							  : cfg->pats[cfg->lead].tempo10,
		.clock_while_stopped = op->clock_while_stopped,
		.interactive = cfg->editor,
		.program_receive = op->program_receive,
		.thru = cfg->editor || op->thru_track,
		.midi_in_channel = op->midi_in_channel,
	};
	memcpy(jc.ports, s->ports, sizeof(jc.ports));
	if (op->sync_link) {
		/* Join first, then act: alone, our tempo is the session's; peers on this host are
		 * found within milliseconds, and a start before that would land on a timeline of
		 * our own that then jumps (play starts after ts_session_activate) */
		s->link = ts_link_new(jc.tempo10 / 10.0);
		if (!s->link) {
			snprintf(err, errlen, "%s", "Ableton Link did not start");
			return TS_ERR_IO;
		}
		ts_link_start_stop_sync(s->link, op->link_start_stop);
		ts_link_enable(s->link, true);
		for (int ms = 0; ms < 200 && ts_link_peers(s->link) == 0; ms += 5)
			sleep_ms(5);
		jc.link = s->link;
		jc.quantum = op->quantum;
		jc.link_start_stop = op->link_start_stop;
		jc.link_start = !op->no_start;
	}
	if (cfg->editor) {
		/* a ring that cannot be made is a monitor showing nothing, not a reason to stop */
		s->monitor = ts_monitor_new(TS_MONITOR_DEFAULT_CAPACITY);
		s->inject = ts_monitor_new(256);
		jc.monitor = s->monitor;
		jc.inject = s->inject;
		/* without it the editor plays thru but records nothing from midi_in */
		s->input = ts_ring_new(4096, sizeof(ts_jack_input));
		jc.input = s->input;
	}
	s->jack = ts_jack_open(&jc, no_server, err, errlen);
	if (!s->jack) {
		ts_session_close(s);
		return TS_ERR_IO;
	}
	return TS_OK;
}

ts_status ts_session_load(ts_session *s, const ts_session_config *cfg, char *err, size_t errlen)
{
	const ts_play_options *op = cfg->op;
	ts_engine_config ec = {
		.rate = ts_jack_rate(s->jack),
		.tempo10 = cfg->engine_tempo10,
		.seed = op->seed,
		.send_clock = op->send_clock || op->send_transport,
		.chain_max = cfg->room,
		.bank = cfg->editor,
		.program_send = op->program_send,
	};
	s->eng = ts_engine_new(&ec);
	if (!s->eng) {
		snprintf(err, errlen, "%s", ts_strerror(TS_ERR_NOMEM));
		return TS_ERR_NOMEM;
	}
	if ((cfg->song ? ts_engine_load_song(s->eng, cfg->pats, cfg->npats, cfg->song)
		       : ts_engine_load_chain(s->eng, cfg->pats, cfg->npats)) != TS_OK) {
		snprintf(err, errlen, "the engine refused the %s", cfg->song ? "song" : "pattern");
		return TS_ERR_RANGE;
	}
	if (cfg->song && (op->sync_midi || op->sync_jack || op->sync_link))
		ts_engine_song_tempo(s->eng, false);
	ts_engine_set_fill(s->eng, op->fill);
	s->voices = ts_voices_new(ts_jack_rate(s->jack), cfg->room);
	if (!s->voices) {
		snprintf(err, errlen, "%s", ts_strerror(TS_ERR_NOMEM));
		return TS_ERR_NOMEM;
	}
	return TS_OK;
}

ts_status ts_session_activate(ts_session *s, bool click, char *err, size_t errlen)
{
	ts_jack_set_click(s->jack, click);
	return ts_jack_activate(s->jack, s->eng, s->voices, err, errlen);
}

ts_status ts_session_add_port(ts_session *s, const char *name, char *err, size_t errlen)
{
	ts_status st = ts_jack_add_port(s->jack, name, err, errlen);
	if (st != TS_OK)
		return st;
	snprintf(s->port_store[s->nports], sizeof(s->port_store[s->nports]), "%s", name);
	s->ports[s->nports] = s->port_store[s->nports];
	s->nports++;
	return TS_OK;
}

bool ts_session_connect(ts_session *s, const ts_play_options *op, ts_session_connected_fn fn,
			void *ctx)
{
	bool all = true;
	for (int c = 0; c < op->nconnect; c++) {
		const char *spec = op->connect[c];
		size_t len = strcspn(spec, "=");
		char port[CONNECT_PORT_MAX], err[512];
		snprintf(port, sizeof(port), "%.*s", (int)len, spec);
		int count = 0;
		ts_status st = ts_jack_connect(s->jack, port, spec + len + 1, &count, err,
					       sizeof(err));
		bool ok = st == TS_OK;
		all = all && ok;
		if (!fn(ctx, spec, port, count, ok ? NULL : err))
			break;
	}
	return all;
}

void ts_session_close(ts_session *s)
{
	ts_jack_close(s->jack);
	s->jack = NULL;
	ts_link_free(s->link); /* leaving is not stopping: the others play on */
	s->link = NULL;
	ts_monitor_free(s->monitor);
	s->monitor = NULL;
	ts_monitor_free(s->inject);
	s->inject = NULL;
	ts_ring_free(s->input);
	s->input = NULL;
	ts_engine_free(s->eng);
	s->eng = NULL;
	ts_voices_free(s->voices);
	s->voices = NULL;
}
