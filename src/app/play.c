/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trigseq play`: options, the lifecycle of the JACK client and the engine, signals, status.
 *
 * The main thread sleeps in poll() on a self-pipe, with a timeout of at most a second for
 * --verbose and --duration. SIGINT and SIGTERM, and JACK's shutdown notice, only set an atomic
 * flag and write one byte to that pipe. Signals are blocked while JACK creates its threads, so
 * they are only ever delivered to the main thread, never to the process thread.
 */
#define _DEFAULT_SOURCE /* mlockall, pthread_sigmask, clock_gettime */
#include "trigseq/app/play.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/app/session.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/options.h"
#include "trigseq/rt/jack_io.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"
#include "trigseq/rt/voice.h"
#include "trigseq/app/wakeup.h"

#define EXIT_FAIL 1
#define STOP_TIMEOUT_MS 2000

static const char *const usage_play =
	"usage: trigseq play FILE...|SONG.tss [OPTIONS]\n"
	"\n"
	"Play a pattern on JACK, headless, until SIGINT, SIGTERM or --duration; then stop\n"
	"(note-offs for every sounding note, MIDI Stop) and exit 0. Several files play as a\n"
	"chain: each pattern until its change point (its 'change', else its 'length'), then\n"
	"the next, looping, each sending its tracks' programs when it starts; all at the first\n"
	"pattern's tempo (or --bpm). A song (one .tss file) plays as 'trigseq dump' prints it:\n"
	"its rows in order, each at its tempo (a master's when following one), and play stops\n"
	"and exits 0 at its end.\n"
	"  --name NAME             JACK client name (default trigseq)\n"
	"  --server NAME           JACK server (default: $JACK_DEFAULT_SERVER, else the default)\n"
	"  --connect PORT=DEST     connect our PORT (midi_out, clock_out, a track port ...) to DEST,\n"
	"                          a full JACK port name or an extended regex (every match);\n"
	"                          repeatable\n"
	"  --sync int|midi|jack    tempo source: int = the pattern's tempo, trigseq is the master;\n"
	"                          midi = follow MIDI clock, Start, Stop, Continue and Song\n"
	"                          Position Pointer on clock_in (play waits for Start or\n"
	"                          Continue; --bpm is ignored); jack = follow JACK transport\n"
	"                          (plays while it rolls, from its position rounded up to the\n"
	"                          next 16th; its timebase master's BBT tempo if there is one,\n"
	"                          else the pattern's or --bpm)\n"
	"  --sync link             join the Ableton Link session on the network: its tempo (ours\n"
	"                          when alone), step 1 on its quantum boundaries, MIDI clock on\n"
	"                          clock_out on its beats; starting starts the session, a peer\n"
	"                          starting or stopping it starts or stops play; leaving at the\n"
	"                          end does not stop the others\n"
	"  --quantum N             with --sync link: beats a bar (1 ... 64, default 4)\n"
	"  --no-link-start-stop    with --sync link: no start/stop sync (play starts on the next\n"
	"                          quantum boundary and stops alone)\n"
	"  --no-start              with --sync midi, jack or link: wait for the master's Start,\n"
	"                          the transport, or a Link peer's start (the default for midi and\n"
	"                          jack)\n"
	"  --send-clock, --no-send-clock\n"
	"                          MIDI clock ticks (F8) on clock_out (default on)\n"
	"  --send-transport, --no-send-transport\n"
	"                          MIDI Start (FA) at start and Stop (FC) at stop (default on)\n"
	"  --clock-while-stopped   clock ticks (F8 alone) on clock_out while not playing too: with\n"
	"                          --sync jack while the transport is stopped, with --sync int\n"
	"                          until the start (not with --sync midi or --no-send-clock)\n"
	"  --program-receive CH    a program change n on MIDI channel CH (1 ... 16) arriving on\n"
	"                          clock_in or midi_in queues the n-th file (0-based) for the\n"
	"                          next change point (while stopped: the one to start with)\n"
	"  --program-send CH       program changes on MIDI channel CH on clock_out: the file\n"
	"                          play starts with, then each one chosen next (the chain's\n"
	"                          next at each change point, or one --program-receive queued)\n"
	;
/* (two strings: C keeps a string literal to 4095 characters) */
static const char *const usage_play_more =
	"  --thru TRACK            play thru: notes, CC, pitch bend and pressure arriving on\n"
	"                          midi_in go at once to track TRACK (1 ... 12) of the first\n"
	"                          file, on its port and MIDI channel, at the frame they came\n"
	"                          in; held notes are released at the end\n"
	"  --midi-in-channel CH    thru listens to MIDI channel CH (1 ... 16) only (default:\n"
	"                          every channel)\n"
	"  -t, --bpm T             tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S            seed of the probability draws (default 0)\n"
	"  -f, --fill              fill mode on\n"
	"  -k, --click             a metronome click on audio_out_1/2 on every quarter note\n"
	"                          (1.5 kHz on a bar's first beat), in every sync mode\n"
	"  -d, --duration SECONDS  stop after this long (default: until a signal)\n"
	"  -v, --verbose           the start frame, then status on stderr once a second\n"
	"Tracks with a sample and dest int or int+ext play it on audio_out_1/2 (a relative path\n"
	"is taken from the pattern file's folder); a sample that cannot be read is named on\n"
	"stderr, and the rest plays.\n"
	"Exit status: 0 stopped cleanly, 1 a pattern or JACK problem, 2 bad usage.\n";

/* Who takes an option: `trigseq play`, the editor, or both (scope 0). */
enum { FOR_PLAY = 1, FOR_EDITOR = 2 };

/* Options: id, long name, short name, takes a value, who takes it. The editor has no end but
 * quitting (--duration), shows its status on screen (--verbose), and following a master waits
 * for it anyway (--no-start); --no-jack is the editor's alone. */
#define PLAY_OPTIONS(X)                                                      \
	X(OPT_NAME, "name", 0, true, 0)                                      \
	X(OPT_SERVER, "server", 0, true, 0)                                  \
	X(OPT_CONNECT, "connect", 0, true, 0)                                \
	X(OPT_SYNC, "sync", 0, true, 0)                                      \
	X(OPT_SEND_CLOCK, "send-clock", 0, false, 0)                         \
	X(OPT_NO_SEND_CLOCK, "no-send-clock", 0, false, 0)                   \
	X(OPT_SEND_TRANSPORT, "send-transport", 0, false, 0)                 \
	X(OPT_NO_SEND_TRANSPORT, "no-send-transport", 0, false, 0)           \
	X(OPT_BPM, "bpm", 't', true, 0)                                      \
	X(OPT_SEED, "seed", 's', true, 0)                                    \
	X(OPT_FILL, "fill", 'f', false, 0)                                   \
	X(OPT_DURATION, "duration", 'd', true, FOR_PLAY)                     \
	X(OPT_VERBOSE, "verbose", 'v', false, FOR_PLAY)                      \
	X(OPT_NO_START, "no-start", 0, false, FOR_PLAY)                      \
	X(OPT_CLOCK_WHILE_STOPPED, "clock-while-stopped", 0, false, 0)       \
	X(OPT_PROGRAM_RECEIVE, "program-receive", 0, true, 0)                \
	X(OPT_PROGRAM_SEND, "program-send", 0, true, 0)                      \
	X(OPT_NO_JACK, "no-jack", 0, false, FOR_EDITOR)                      \
	X(OPT_CLICK, "click", 'k', false, 0)                                 \
	X(OPT_THRU, "thru", 0, true, FOR_PLAY)                               \
	X(OPT_MIDI_IN_CHANNEL, "midi-in-channel", 0, true, 0)                \
	X(OPT_QUANTUM, "quantum", 0, true, 0)                                \
	X(OPT_NO_LINK_START_STOP, "no-link-start-stop", 0, false, 0)

#define AS_ENUM(id, name, short_name, value, scope) id,
enum { PLAY_OPTIONS(AS_ENUM) OPT_COUNT };
#undef AS_ENUM

static const ts_option options[OPT_COUNT] = {
#define AS_ROW(id, name, short_name, value, scope) {name, short_name, value, scope},
	PLAY_OPTIONS(AS_ROW)
#undef AS_ROW
};

typedef ts_play_options play_opts;

/* The command whose options are being parsed, for the hint after a usage error. */
static const char *hint_cmd = "play";


/* ---- options ---- */

/* One option and its value into *op; returns 0 or the usage exit status. */
static int apply_option(play_opts *op, int o, const char *v)
{
	switch (o) {
	case OPT_NAME:
		if (!*v)
			return ts_cli_usage(hint_cmd, "%s", "--name: the client name is empty");
		op->name = v;
		break;
	case OPT_SERVER:
		if (!*v)
			return ts_cli_usage(hint_cmd, "%s", "--server: the server name is empty");
		op->server = v;
		break;
	case OPT_CONNECT: {
		const char *eq = strchr(v, '=');
		if (!eq || eq == v || !eq[1])
			return ts_cli_usage(hint_cmd, "--connect '%s': expected PORT=DEST, e.g. "
					   "midi_out=system:midi_playback_1", v);
		if (op->nconnect == TS_PLAY_MAX_CONNECT)
			return ts_cli_usage(hint_cmd, "at most %d --connect options", TS_PLAY_MAX_CONNECT);
		op->connect[op->nconnect++] = v;
		break;
	}
	case OPT_SYNC:
		if (strcmp(v, "int") != 0 && strcmp(v, "midi") != 0 && strcmp(v, "jack") != 0 &&
		    strcmp(v, "link") != 0)
			return ts_cli_usage(hint_cmd, "--sync '%s': expected int, midi, jack or link", v);
		op->sync_midi = strcmp(v, "midi") == 0;
		op->sync_jack = strcmp(v, "jack") == 0;
		op->sync_link = strcmp(v, "link") == 0;
		break;
	case OPT_QUANTUM: {
		uint64_t q;
		if (!ts_cli_u64(v, 1, 64, &q))
			return ts_cli_usage(hint_cmd, "--quantum '%s': expected beats 1 ... 64", v);
		op->quantum = (double)q;
		break;
	}
	case OPT_NO_LINK_START_STOP:
		op->link_start_stop = false;
		break;
	case OPT_SEND_CLOCK:
	case OPT_NO_SEND_CLOCK:
		op->send_clock = o == OPT_SEND_CLOCK;
		break;
	case OPT_SEND_TRANSPORT:
	case OPT_NO_SEND_TRANSPORT:
		op->send_transport = o == OPT_SEND_TRANSPORT;
		break;
	case OPT_BPM:
		if (!ts_cli_tempo(v, &op->tempo10))
			return ts_cli_usage(hint_cmd, "--bpm '%s': expected a tempo 30.0 ... 300.0 with at most "
					   "one decimal", v);
		break;
	case OPT_SEED:
		if (!ts_cli_u64(v, 0, UINT64_MAX, &op->seed))
			return ts_cli_usage(hint_cmd, "--seed '%s': expected a whole number 0 ... "
					   "18446744073709551615", v);
		break;
	case OPT_FILL:
		op->fill = true;
		break;
	case OPT_DURATION:
		if (!ts_cli_seconds(v, 1e-9, 366.0 * 24 * 3600, &op->duration))
			return ts_cli_usage(hint_cmd, "--duration '%s': expected seconds, more than 0, e.g. 10 "
					   "or 2.5", v);
		break;
	case OPT_VERBOSE:
		op->verbose = true;
		break;
	case OPT_NO_START:
		op->no_start = true;
		break;
	case OPT_CLOCK_WHILE_STOPPED:
		op->clock_while_stopped = true;
		break;
	case OPT_CLICK:
		op->click = true;
		break;
	case OPT_NO_JACK:
		op->no_jack = true;
		break;
	case OPT_THRU: {
		uint64_t t;
		if (!ts_cli_u64(v, 1, TS_TRACKS, &t))
			return ts_cli_usage(hint_cmd, "--thru '%s': expected a track 1 ... 12", v);
		op->thru_track = (uint8_t)t;
		break;
	}
	case OPT_MIDI_IN_CHANNEL:
	case OPT_PROGRAM_RECEIVE:
	case OPT_PROGRAM_SEND: {
		uint64_t ch;
		if (!ts_cli_u64(v, 1, 16, &ch))
			return ts_cli_usage(hint_cmd, "--%s '%s': expected a MIDI channel 1 ... 16",
					   options[o].name, v);
		*(o == OPT_PROGRAM_SEND	     ? &op->program_send
		  : o == OPT_PROGRAM_RECEIVE ? &op->program_receive
					     : &op->midi_in_channel) = (uint8_t)ch;
		break;
	}
	}
	return 0;
}

int ts_play_parse_options(int argc, char **argv, ts_play_options *op, bool editor)
{
	hint_cmd = editor ? NULL : "play";
	*op = (play_opts){.name = "trigseq", .send_clock = true, .send_transport = true,
			  .link_start_stop = true, .quantum = 4};
	ts_opts p;
	ts_opts_begin(&p, options, OPT_COUNT, editor ? FOR_EDITOR : FOR_PLAY, argc, argv);
	for (int o; (o = ts_opts_next(&p)) != TS_OPTS_END;) {
		if (o == TS_OPTS_ARG) {
			if (op->nfiles == TS_CHAIN_MAX)
				return ts_cli_usage(hint_cmd, "at most %d pattern files in a chain", TS_CHAIN_MAX);
			op->files[op->nfiles++] = p.value;
			continue;
		}
		if (o == TS_OPTS_REFUSED)
			return ts_cli_usage(hint_cmd, "'%s' is for 'trigseq %s' only", p.arg,
					    editor ? "play" : "[FILE]");
		if (o < 0)
			return ts_opts_complain(&p, hint_cmd, ts_cli_usage);
		int rc = apply_option(op, o, p.value);
		if (rc)
			return rc;
	}
	if (op->nfiles == 0 && !editor)
		return ts_cli_usage(hint_cmd, "%s", "no pattern file given");
	/* A master has nobody to wait for: in this version --no-start is for the followers only,
	 * where it is what happens anyway (the master's Start, the transport rolling). */
	if (op->no_start && !op->sync_midi && !op->sync_jack && !op->sync_link)
		return ts_cli_usage(hint_cmd, "%s", "--no-start needs --sync midi, jack or link (trigseq then "
					 "waits for the master's Start on clock_in, for JACK "
					 "transport to roll, or for a Link peer to start)");
	if ((op->quantum != 4 || !op->link_start_stop) && !op->sync_link)
		return ts_cli_usage(hint_cmd, "%s", "--quantum and --no-link-start-stop go with --sync link");
	if (op->no_start && op->sync_link && !op->link_start_stop)
		return ts_cli_usage(hint_cmd, "%s", "--no-start with --sync link waits for a peer to start the "
					 "session: it needs start/stop sync (not --no-link-start-stop)");
	if (op->clock_while_stopped && op->sync_midi)
		return ts_cli_usage(hint_cmd, "%s", "--clock-while-stopped cannot go with --sync midi: a clock "
					 "slave's clock_out carries the master's clock, regenerated, "
					 "and only while the master runs");
	if (op->clock_while_stopped && !op->send_clock)
		return ts_cli_usage(hint_cmd, "%s", "--clock-while-stopped sends clock ticks: it cannot go with "
					 "--no-send-clock");
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the command ---- */

/* The end of a status line: where the chain is, what program changes did. */
/* A song (one .tss file): its pattern files, in its chain's order. */
static char **song_files;

static void print_chain(const ts_jack_status *st, const play_opts *op)
{
	if (song_files && st->song_row >= 0) {
		fprintf(stderr, ", row %d/%d repeat %u/%u %s%s", st->song_row + 1, st->song_rows,
			st->song_repeat, st->song_repeats, song_files[st->pattern],
			st->song_ended ? ", the song has ended" : "");
	} else if (op->nfiles > 1 || op->program_receive) {
		fprintf(stderr, ", pattern %d/%d %s", st->pattern + 1, op->nfiles,
			op->files[st->pattern]);
		if (st->queued >= 0)
			fprintf(stderr, ", next %d %s", st->queued + 1, op->files[st->queued]);
		fprintf(stderr, ", changes %" PRIu32, st->changes);
	}
	if (op->program_receive) {
		fprintf(stderr, ", program changes on channel %u: %" PRIu32 " taken, %" PRIu32
				" beyond the chain",
			op->program_receive, st->programs_taken, st->programs_ignored);
		if (st->program_last >= 0)
			fprintf(stderr, " (last %d)", st->program_last);
	}
	fputc('\n', stderr);
}

/* The end of a status line with --thru: what went thru, what was dropped. */
static void print_thru(const ts_jack_status *st, const play_opts *op)
{
	if (!op->thru_track)
		return;
	fprintf(stderr, ", thru to track %u: %" PRIu32 " sent, %" PRIu32 " held, %" PRIu32
			" note-offs without a note, %" PRIu32 " lost, midi_in bytes dropped %" PRIu32,
		op->thru_track, st->thru_sent, st->thru_held, st->thru_unmatched,
		st->thru_lost + st->midi_in_overflow, st->midi_in_dropped);
	if (op->midi_in_channel)
		fprintf(stderr, ", %" PRIu32 " on other channels", st->thru_other_channel);
}

static void print_status(ts_jack *j, uint16_t tempo10, const play_opts *op, ts_link *link)
{
	bool sync_midi = op->sync_midi;
	ts_jack_status st;
	ts_jack_get_status(j, &st);
	double period_ns = st.period_frames ? st.period_frames * 1e9 / ts_jack_rate(j) : 0;
	if (link) {
		size_t peers = ts_link_peers(link);
		fprintf(stderr,
			"trigseq: sync link, %zu peer%s, session %s, %.2f BPM, %s, xruns %" PRIu32
			", lost events %" PRIu32 ", track 1 step %u, callback max %.3f%% of the period "
			"(%.1f us), DSP load %.1f%%",
			peers, peers == 1 ? "" : "s", st.transport_rolling ? "playing" : "stopped",
			st.transport_bpm, st.running ? "running" : "stopped", st.xruns, st.lost_events,
			st.step1, period_ns > 0 ? 100.0 * st.callback_ns_max / period_ns : 0.0,
			st.callback_ns_max / 1000.0, st.dsp_load);
		print_thru(&st, op);
		print_chain(&st, op);
		return;
	}
	if (op->sync_jack) {
		fprintf(stderr,
			"trigseq: sync jack, transport %s, frame %" PRIu32 ", %s, %.2f BPM, %s, xruns %"
			PRIu32 ", lost events %" PRIu32 ", track 1 step %u, callback max %.3f%% of the "
			"period (%.1f us), DSP load %.1f%%",
			st.transport_rolling ? "rolling" : "stopped", st.transport_frame,
			st.transport_bbt ? "BBT valid" : "no BBT", st.transport_bpm,
			st.running ? "running" : "stopped", st.xruns, st.lost_events, st.step1,
			period_ns > 0 ? 100.0 * st.callback_ns_max / period_ns : 0.0,
			st.callback_ns_max / 1000.0, st.dsp_load);
		print_thru(&st, op);
		print_chain(&st, op);
		return;
	}
	if (sync_midi) {
		fprintf(stderr,
			"trigseq: sync midi (slave), %s, %.2f BPM measured, master %s, %s, ticks %" PRId64
			", xruns %" PRIu32 ", lost events %" PRIu32 ", clock_in bytes dropped %" PRIu32
			", track 1 step %u, callback max %.3f%% of the period (%.1f us), DSP load %.1f%%",
			st.clock_locked ? "locked" : "unlocked", st.clock_bpm,
			st.clock_running ? "running" : "stopped", st.running ? "running" : "stopped",
			st.clock_ticks, st.xruns, st.lost_events, st.in_dropped, st.step1,
			period_ns > 0 ? 100.0 * st.callback_ns_max / period_ns : 0.0,
			st.callback_ns_max / 1000.0, st.dsp_load);
		print_thru(&st, op);
		print_chain(&st, op);
		return;
	}
	fprintf(stderr,
		"trigseq: %u.%u BPM, sync int (master), %s, xruns %" PRIu32 ", lost events %" PRIu32
		", sample hits %" PRIu32 ", track 1 step %u, callback max %.3f%% of the period (%.1f "
		"us), DSP load %.1f%%",
		tempo10 / 10, tempo10 % 10, st.running ? "running" : "stopped", st.xruns,
		st.lost_events + st.voices_lost, st.voice_hits, st.step1,
		period_ns > 0 ? 100.0 * st.callback_ns_max / period_ns : 0.0,
		st.callback_ns_max / 1000.0, st.dsp_load);
	print_thru(&st, op);
	print_chain(&st, op);
}

static const char *const gone_msg = "trigseq: the JACK server went away; stopped\n";

/* --sync link: peers joining and leaving, said on stderr as they come (Link's thread counts
 * them; looked at every 100 ms). */
static void say_peers(ts_link *link, size_t *seen)
{
	size_t n = ts_link_peers(link);
	if (n != *seen)
		fprintf(stderr, "trigseq: Link: %zu peer%s%s\n", n, n == 1 ? "" : "s",
			n > *seen ? " (one joined)" : " (one left)");
	*seen = n;
}

/* Sleep until a signal, the server's going, or the duration; printing status on the way.
 * Returns true when the server went away. */
static bool run_until_done(ts_jack *j, const play_opts *op, uint16_t tempo10, ts_link *link)
{
	double start = now_s(), next_status = start + 1.0;
	double end = op->duration > 0 ? start + op->duration : INFINITY;
	size_t peers = link ? ts_link_peers(link) : 0;
	for (;;) {
		if (ts_jack_server_gone(j))
			return true;
		if (ts_wakeup_signal(false))
			return false;
		if (song_files) {
			ts_jack_status st;
			ts_jack_get_status(j, &st);
			if (st.song_ended)
				return false;
		}
		double now = now_s();
		if (now >= end)
			return false;
		if (link)
			say_peers(link, &peers);
		if (op->verbose && now >= next_status) {
			print_status(j, tempo10, op, link);
			next_status += 1.0;
		}
		double wait = fmin(end, next_status) - now;
		if (link && wait > 0.1)
			wait = 0.1;
		int ms = wait <= 0 ? 0 : wait > 1.0 ? 1000 : (int)ceil(wait * 1000);
		ts_wakeup_wait(ms);
	}
}

/* Every --connect PORT names one of our ports: checked before JACK is touched. */
static int check_connect_ports(const play_opts *op, const ts_session *s)
{
	static const char *const fixed[] = {"clock_out", "clock_in", "midi_in", "audio_out_1",
					    "audio_out_2"};
	for (int c = 0; c < op->nconnect; c++) {
		const char *spec = op->connect[c];
		size_t len = strcspn(spec, "=");
		bool known = ts_session_has_port(s, spec, len);
		for (size_t f = 0; f < sizeof(fixed) / sizeof(fixed[0]) && !known; f++)
			known = strlen(fixed[f]) == len && strncmp(spec, fixed[f], len) == 0;
		if (!known)
			return ts_cli_usage(hint_cmd, "--connect '%s': '%.*s' is not a port of trigseq for this "
					   "pattern (midi_out, the tracks' ports, clock_out, clock_in, "
					   "midi_in, audio_out_1, audio_out_2)",
					   spec, (int)len, spec);
	}
	return 0;
}

/* A --connect done (ts_session_connected_fn): the first that fails ends play's start. */
static bool connected(void *ctx, const char *spec, const char *port, int count, const char *err)
{
	const play_opts *op = ctx;
	if (err) {
		fprintf(stderr, "trigseq: --connect %s: %s\n", spec, err);
		return false;
	}
	if (op->verbose)
		fprintf(stderr, "trigseq: connected %s to %d port%s matching '%s'\n", port, count,
			count == 1 ? "" : "s", strchr(spec, '=') + 1);
	return true;
}

/* --verbose: the client, the rate, what plays and how it starts. */
static void print_start(ts_jack *j, const play_opts *op, uint16_t tempo10)
{
	char what[600];
	if (song_files)
		snprintf(what, sizeof(what), "song %s", op->files[0]);
	else if (op->nfiles > 1)
		snprintf(what, sizeof(what), "chain of %d patterns from %s", op->nfiles, op->files[0]);
	else
		snprintf(what, sizeof(what), "%s", op->files[0]);
	if (op->sync_link) {
		fprintf(stderr, "trigseq: client %s, %" PRIu32 " Hz, %s, sync link: %s (quantum %g%s)\n",
			ts_jack_client_name(j), ts_jack_rate(j), what,
			op->no_start ? "waiting for a peer to start the session"
				     : "playing from the session's next quantum boundary",
			op->quantum, op->link_start_stop ? ", start/stop sync" : "");
	} else if (op->sync_jack) {
		fprintf(stderr, "trigseq: client %s, %" PRIu32 " Hz, %s, sync jack: following JACK "
				"transport (%u.%u BPM without a timebase master)\n",
			ts_jack_client_name(j), ts_jack_rate(j), what, tempo10 / 10, tempo10 % 10);
	} else if (op->sync_midi) {
		fprintf(stderr, "trigseq: client %s, %" PRIu32 " Hz, %s, sync midi: waiting for MIDI "
				"Start on clock_in\n",
			ts_jack_client_name(j), ts_jack_rate(j), what);
	} else {
		ts_jack_status st;
		ts_jack_get_status(j, &st);
		fprintf(stderr, "trigseq: client %s, %" PRIu32 " Hz, %s at %u.%u BPM, started at frame %" PRIu32 "\n",
			ts_jack_client_name(j), ts_jack_rate(j), what, tempo10 / 10, tempo10 % 10,
			st.start_frame);
	}
}

int ts_play_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_play, stdout);
		fputs(usage_play_more, stdout);
		return 0;
	}
	play_opts op;
	int rc = ts_play_parse_options(argc, argv, &op, false);
	if (rc)
		return rc;

	bool is_song = false;
	for (int i = 0; i < op.nfiles; i++)
		is_song |= ts_cli_is_song(op.files[i]);
	if (is_song && op.nfiles > 1)
		return ts_cli_usage("play", "%s", "a song plays alone (give one .tss file and no "
				    "pattern file)");
	if (is_song && op.program_receive)
		return ts_cli_usage("play", "%s", "--program-receive chooses patterns of a chain; a "
				    "song plays its rows in order");
	int npats = op.nfiles;
	ts_song *song = is_song ? malloc(sizeof(*song)) : NULL;
	ts_pattern *pat = NULL;
	if (is_song && song)
		pat = ts_cli_load_song(op.files[0], op.sync_midi ? 0 : op.tempo10, song, &npats,
				       &song_files);
	else if (!is_song)
		pat = ts_cli_load_chain(op.files, op.nfiles, op.tempo10 || op.sync_midi);
	else
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
	if (!pat) {
		free(song);
		return EXIT_FAIL;
	}
	ts_session s;
	ts_session_ports(&s, pat, npats); /* a chain with too many ports did not load */
	if ((rc = check_connect_ports(&op, &s)) != 0) {
		free(pat);
		free(song);
		return rc;
	}
	if (!ts_wakeup_open(false)) {
		fprintf(stderr, "trigseq: cannot set up signal handling: %s\n", strerror(errno));
		ts_wakeup_close();
		free(pat);
		free(song);
		return EXIT_FAIL;
	}
	const ts_session_config sc = {
		.op = &op,
		.pats = pat,
		.npats = npats,
		.room = npats,
		.song = song,
		/* 0: the pattern's; a slave's timeline is at the pattern's tempo (jack_io.h) */
		.engine_tempo10 = op.sync_midi ? 0 : op.tempo10,
	};
	/* A slave's engine runs at the pattern's tempo on its own timeline, warped onto the
	 * master's grid (jack_io.h): --bpm means nothing there. */
	uint16_t tempo10 = op.tempo10 && !op.sync_midi ? op.tempo10
			   : song			 ? song->tempo10
							 : pat->tempo10;

	/* JACK's threads inherit this mask: signals go to the main thread only. */
	ts_wakeup_block(true);
	char err[512];
	bool no_server;
	rc = EXIT_FAIL;
	if (ts_session_open(&s, &sc, &no_server, err, sizeof(err)) != TS_OK ||
	    ts_session_load(&s, &sc, err, sizeof(err)) != TS_OK) {
		fprintf(stderr, "trigseq: %s\n", err);
		goto out;
	}
	/* a sample that cannot be read silences its track, not the rest */
	for (int p = 0; p < npats; p++) {
		const char *file = song ? song_files[p] : op.files[p];
		ts_voices_load_pattern(s.voices, p, &pat[p], file, ts_cli_sample_report,
				       (void *)file);
	}
	if (op.verbose && ts_voices_bytes(s.voices))
		fprintf(stderr, "trigseq: samples: %.1f MB at %" PRIu32 " Hz on audio_out_1/2\n",
			ts_voices_bytes(s.voices) / 1e6, ts_jack_rate(s.jack));
	/* Best effort, as JACK clients do: without the privilege the engine's own block is still
	 * locked if RLIMIT_MEMLOCK allows it (rtmem.h). */
	if (mlockall(MCL_CURRENT | MCL_FUTURE) != 0 && op.verbose)
		fprintf(stderr, "trigseq: could not lock memory (%s); playing anyway\n",
			strerror(errno));
	if (op.thru_track) {
		/* a track that sends nothing would make thru silent: say so rather than play */
		const char *why;
		if (!ts_track_sends_midi(&pat[0].tracks[op.thru_track - 1], &why)) {
			fprintf(stderr, "trigseq: --thru %u: track %u of %s sends no MIDI (%s)\n",
				op.thru_track, op.thru_track, op.files[0], why);
			goto out;
		}
		ts_thru_dest d = ts_thru_dest_of(&pat[0], op.thru_track, true);
		ts_jack_set_thru(s.jack, &d);
		if (op.verbose)
			fprintf(stderr, "trigseq: thru: midi_in (%s) to track %u, port %s, channel "
					"%u\n",
				op.midi_in_channel ? "one channel" : "every channel", op.thru_track,
				s.ports[d.port], d.channel);
	}
	if (ts_session_activate(&s, op.click, err, sizeof(err)) != TS_OK) {
		fprintf(stderr, "trigseq: %s\n", err);
		goto out;
	}
	if (!ts_session_connect(&s, &op, connected, &op))
		goto out;
	ts_wakeup_block(false);
	rc = 0;
	ts_jack *j = s.jack;

	if (!ts_jack_start(j, STOP_TIMEOUT_MS)) {
		fputs(ts_jack_server_gone(j) ? gone_msg : "trigseq: JACK did not run trigseq's process "
						  "callback; is the server stuck?\n",
		      stderr);
		rc = EXIT_FAIL;
		goto out;
	}
	if (op.verbose)
		print_start(j, &op, tempo10);
	if (s.link)
		fprintf(stderr, "trigseq: Link: %zu peer%s\n", ts_link_peers(s.link),
			ts_link_peers(s.link) == 1 ? "" : "s");
	bool gone = run_until_done(j, &op, tempo10, s.link);
	if (!gone && !ts_jack_stop(j, STOP_TIMEOUT_MS)) {
		gone = ts_jack_server_gone(j);
		if (!gone)
			fputs("trigseq: the stop was not confirmed by the process callback in time\n",
			      stderr);
	}
	if (gone) {
		fputs(gone_msg, stderr);
		rc = EXIT_FAIL;
	} else if (op.verbose) {
		print_status(j, tempo10, &op, s.link);
		fputs("trigseq: stopped\n", stderr);
	}
out:
	ts_session_close(&s);
	ts_wakeup_block(false);
	ts_wakeup_close();
	free(pat);
	free(song);
	if (song_files)
		for (int p = 0; p < npats; p++)
			free(song_files[p]);
	free(song_files);
	song_files = NULL;
	return rc;
}
