/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trigseq play FILE [options]`: play a pattern on JACK, headless, until SIGINT, SIGTERM or
 * --duration, then stop cleanly. Threads: the program's main thread.
 */
#ifndef TRIGSEQ_PLAY_H
#define TRIGSEQ_PLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/engine.h"

#define TS_PLAY_MAX_CONNECT 64

/* The options of `trigseq play`, which the editor (`trigseq [FILE]`) shares. */
typedef struct {
	const char *files[TS_CHAIN_MAX];
	int nfiles;
	const char *name;
	const char *server;
	const char *connect[TS_PLAY_MAX_CONNECT];
	int nconnect;
	bool send_clock, send_transport, fill, verbose;
	bool sync_midi, sync_jack, sync_link, no_start, clock_while_stopped;
	bool link_start_stop;          /* sync link: start/stop sync (default on) */
	double quantum;                /* sync link: beats a bar, 4 by default */
	bool no_jack;                  /* editor: edit without JACK */
	bool click;                    /* the metronome on audio_out_1/2 */
	uint16_t tempo10;              /* 0 = the pattern's */
	uint8_t program_receive;       /* MIDI channel 1 … 16, 0 = off */
	uint8_t program_send;          /* MIDI channel 1 … 16, 0 = off */
	uint8_t thru_track;            /* play: midi_in thru to this track (1 … 12), 0 = off */
	uint8_t midi_in_channel;       /* thru and recording listen to this channel, 0 = all */
	uint64_t seed;
	double duration;               /* seconds; 0 = until a signal */
} ts_play_options;

/* Parse play's options (argv after "play"), or the editor's (editor: at most one file, none
 * needed, --no-jack, and not the options it does not take yet). Returns 0, or prints the
 * problem and returns 2. */
int ts_play_parse_options(int argc, char **argv, ts_play_options *op, bool editor);

/* argv holds the arguments after "play". Returns the exit status: 0, 1 (a file or JACK problem),
 * 2 (bad usage). */
int ts_play_main(int argc, char **argv);

#endif
