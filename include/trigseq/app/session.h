/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JACK session, what `trigseq play` and the editor share: the client opened with the options
 * of play.h, its ports, the engine with the patterns loaded, the sample voices, the editor's
 * monitor rings, activation, the --connect options, and the closing of it all.
 *
 * The steps, in order: ts_session_ports, ts_session_open, ts_session_load, (the caller loads the
 * samples into s->voices), ts_session_activate, ts_session_connect; ts_session_close at the end
 * or after any step that failed (it frees what was made, whatever the step). Messages are the
 * callers': a step that fails writes one line to err (without "trigseq: ") and prints nothing.
 *
 * Threads: every function on the program's main thread. Once activated, the engine and the
 * voices' real-time side belong to the process callback (jack_io.h).
 */
#ifndef TRIGSEQ_SESSION_H
#define TRIGSEQ_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/app/play.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/monitor.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/status.h"
#include "trigseq/rt/jack_io.h"
#include "trigseq/rt/voice.h"

/* What is open. Zero it (or ts_session_ports) before the first step. */
typedef struct {
	ts_jack *jack;                /* NULL: not open */
	ts_engine *eng;
	ts_voices *voices;            /* every pattern's sample voices, and the click */
	ts_monitor *monitor;          /* editor: a copy of the MIDI sent and received */
	ts_monitor *inject;           /* editor: notes the main thread sends (preview, keys) */
	ts_ring *input;               /* editor: what is played on midi_in (ts_jack_input) */
	ts_link *link;                /* --sync link: the Link session joined */
	int nports;                   /* the patterns' ports (ts_pattern_ports order) */
	const char *ports[TS_MAX_PORTS];
	char port_store[TS_MAX_PORTS][TS_PORT_NAME_MAX + 1];
} ts_session;

/* How the session is set up. */
typedef struct {
	const ts_play_options *op;
	bool editor;                  /* an interactive client with the monitor rings; the
					 patterns are a bank (engine.h) */
	const ts_pattern *pats;       /* the chain (play) or the pattern list (editor) */
	int npats;
	int lead;                     /* the pattern play starts with: JACK's tempo is its own
					 unless --bpm (never with --sync midi) */
	int room;                     /* patterns the engine and voices hold (>= npats) */
	uint16_t engine_tempo10;      /* ts_engine_config.tempo10 */
	const ts_song *song;          /* a song: pats are its chain (ts_engine_load_song); its
					 tempo map plays unless a master's tempo does (--sync
					 midi, jack, link) */
} ts_session_config;

/* The ports of n patterns together, copied into s (zeroed first). False when they are more than
 * TS_MAX_PORTS. */
bool ts_session_ports(ts_session *s, const ts_pattern *pats, int n);

/* Whether `name` (its first len characters) is one of the patterns' ports, and its index in
 * s->ports (the engine's and the client's), or -1. */
bool ts_session_has_port(const ts_session *s, const char *name, size_t len);
int ts_session_port_index(const ts_session *s, const char *name, size_t len);

/* Open the client with cfg->op's settings and s's ports (and the editor's rings). On failure
 * *no_server tells whether no server runs, and s has nothing open. */
ts_status ts_session_open(ts_session *s, const ts_session_config *cfg, bool *no_server,
			  char *err, size_t errlen);

/* The engine at the client's rate with cfg's patterns loaded and the fill of --fill, and the
 * voices' mixer (no sample loaded yet). */
ts_status ts_session_load(ts_session *s, const ts_session_config *cfg, char *err, size_t errlen);

/* The click on or off, then activate: the engine and the voices go to the process callback. */
ts_status ts_session_activate(ts_session *s, bool click, char *err, size_t errlen);

/* One more port for an editor's track (ts_jack_add_port), stored in s. */
ts_status ts_session_add_port(ts_session *s, const char *name, char *err, size_t errlen);

/* After each --connect PORT=DEST: the port, how many destinations matched, and err (NULL when it
 * worked). Returns whether to go on with the next one. */
typedef bool (*ts_session_connected_fn)(void *ctx, const char *spec, const char *port, int count,
					const char *err);

/* Connect op's --connect options in order, telling fn of each. False when one failed. */
bool ts_session_connect(ts_session *s, const ts_play_options *op, ts_session_connected_fn fn,
			void *ctx);

/* Close the client (deactivated first), then free the engine, voices and rings. Any state. */
void ts_session_close(ts_session *s);

#endif
