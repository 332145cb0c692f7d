/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JACK adapter: one JACK client with trigseq's ports, whose process callback runs the engine
 * and writes its events at their exact frame offsets. Nothing else happens in the callback.
 *
 * Ports (DESIGN.md): one MIDI output per pattern port (index 0 is `midi_out`), `clock_out`,
 * `clock_in`, `midi_in`, `audio_out_1`, `audio_out_2`. `midi_in` is parsed for program changes
 * (program_receive); `clock_in` feeds the MIDI clock slave when it is asked for (sync_midi).
 *
 * Audio. The engine's voice events (engine.h) go to the sample voices (voice.h) at the frame
 * each is written at, in every sync mode (following a master: where the master's grid puts
 * them, as the MIDI), and so does the metronome (ts_jack_set_click); after the engine has run
 * for the cycle, the mixer renders the cycle into audio_out_1 (left) and audio_out_2 (right),
 * cleared first like every output. A stop lets the hits ring out, as on the Rytm.
 *
 * Clock slave (sync_midi). The engine runs on its own virtual timeline at the pattern's tempo;
 * every cycle it is run up to the song position the clock's filtered grid reaches at the end of
 * the cycle, and each event's virtual frame is mapped back to the real frame where the filtered
 * grid reaches its position. The clock is fed a cycle's ticks after that cycle is scheduled (the
 * grid predicts ahead), and the ticks held back let the grid run past the last tick fed, one
 * tick further for each, so a period longer than a tick delays nothing; Start, Continue, Stop
 * and Song Position Pointer act at their own frame, and so does the first tick after a
 * (re)start or a clock loss, when no live tick predicts it. Without ticks the position holds at
 * the last tick received + 1: the engine holds, it never runs away.
 *
 * JACK transport (sync_jack). Every cycle jack_transport_query() gives the transport's state and
 * position. Rolling plays, anything else (Stopped, Starting) stops: note-offs and MIDI Stop. The
 * musical position is the timebase master's bar|beat|tick when there is one (JackPositionBBT,
 * scaled to quarter notes by beat_type, at its beats_per_minute), else the transport frame at the
 * engine's tempo (position U = frame * tempo10 * 192 / rate, the inverse of ts_pos_to_frame). The
 * engine runs on its own virtual timeline at its tempo, as in the clock slave, up to the position
 * the transport reaches at the end of the cycle, and each event goes to the frame of the cycle
 * where the transport reaches its position. Without BBT the virtual frame is the transport frame,
 * so the output is the master's frame for frame, offset by the frame where the transport was at
 * 0. Rolling from position 0 starts the engine (ts_engine_start); rolling from anywhere else, or a
 * jump of the position by more than a cycle's worth while rolling (a locate), continues it at that
 * position rounded up to the next 16th (ts_engine_continue), so play resumes on a step boundary.
 *
 * Clock while stopped (clock_while_stopped; not with sync_midi). While the engine does not run,
 * a free-running generator sends F8 alone on clock_out: tick k at floor(k * R * 60 / (T * 24) +
 * 1/2) frames after its origin, from integer tick counts (T in milli-BPM: cfg.tempo10, or the
 * timebase master's BBT tempo when it gives one). It starts at activation (origin: that cycle)
 * and, after the engine stops, resumes on the grid of the last tick sent (origin: that tick, so
 * never two ticks closer than a tick interval - 1 frame). A start is never sooner than a tick
 * interval - 1 frame after the last tick: sync_int delays its start by up to one tick; sync_jack
 * registers a sync callback (a slow-sync client) that keeps the transport Starting until then,
 * and sends no free-running tick while it is Starting that the start could follow too closely.
 *
 * MIDI monitor (monitor). With a ring given, the process callback pushes a copy of every message
 * it writes to a MIDI output (what actually goes out, clock included: not what the port refuses
 * or the clock kinds not asked for) and of every message parsed from clock_in and midi_in, with
 * its absolute frame (jack_frame_time extended to 64 bits). What is sent goes in in the order it
 * is written, which is frame order; a received message goes in just before the first message
 * sent at or after its frame (a cause, Start say, before what it makes happen at that frame),
 * so the records are in frame order unless more than 64 messages arrive in one cycle. When the
 * ring is full records are dropped and counted (ts_monitor_dropped): play is never held up.
 * The ring is the caller's: made before ts_jack_open (ts_monitor_new), drained by one thread
 * (ts_monitor_pop), freed after ts_jack_close.
 *
 * The editor (interactive), in every sync mode. Each cycle takes the editor's newest pattern
 * (ts_engine_update), its fill flag and the notes it plays (ts_jack_send_midi, at the cycle's
 * first frame), and the monitor gets what goes out and comes in, as above. With sync int the
 * editor's commands and tempo drive play. Following a master (sync_midi, sync_jack) the master
 * owns transport and tempo: play starts and stops with it from the first cycle (no
 * ts_jack_start), ts_jack_set_tempo is ignored (the tempo edited is the file's, not what plays),
 * and the commands only stop here or join the master again (see ts_jack_command).
 *
 * Thru and recording (cfg.thru, cfg.input, every sync mode). Each cycle's midi_in is parsed
 * first, and every channel message thru takes (thru.h: notes, pressure, CC, pitch bend on the
 * channel listened to) goes at once to the track set by ts_jack_set_thru, on its port and
 * channel, at the offset it arrived at in the same cycle: zero added latency (the events of
 * that port stay in frame order among what the engine writes). Held notes end where they went
 * (no stuck note when the track changes or thru goes off), and are released when play stops
 * (at the cycle's last frame), on ts_jack_release_thru and on ts_jack_close. With cfg.input,
 * each of those messages also goes to the ring with the track it belongs to and, while the
 * engine plays, where that track is at its frame (timeline.h: ts_timeline_position_at, so in
 * every sync mode the position is the master's), for the editor to record.
 *
 * Ableton Link (cfg.link). Each cycle the session is captured for the moment the cycle's first
 * frame is heard: its host time from jack_get_cycle_times (JACK's clock is Link's here,
 * CLOCK_MONOTONIC_RAW) plus the largest playback latency of our pattern ports and clock_out
 * (JACK's latency callback keeps each), and its beat line over the cycle's frames goes to the
 * timeline (LINK). Each port is heard on the beat: what the engine sends to a port of a smaller
 * latency is written later by the difference, through an output queue that writes every port
 * in frame order, this cycle or a later one; thru, the editor's notes and releases go at their
 * frame. A
 * start (ts_jack_start) with start/stop sync starts the session at the next cycle, asking for
 * beat 0 there (alone, step 1 plays then; with peers, at their next quantum boundary); without
 * it, play follows the session from the next quantum boundary. A stop stops here only: leaving
 * is not stopping, the others play on. The editor's commands start and stop the session (with
 * start/stop sync; without, they are its own play), and its tempo (ts_jack_set_tempo) is
 * proposed to the session, whose tempo plays.
 *
 * Lifecycle, all on one non-real-time thread (the "main" thread):
 *   ts_jack_open -> ts_jack_rate -> (make the engine at that rate) -> ts_jack_activate ->
 *   ts_jack_connect ... -> ts_jack_start -> ... ts_jack_get_status ... -> ts_jack_stop ->
 *   ts_jack_close.
 * The process callback [RT] talks to the main thread only through _Atomic variables (commands:
 * start, stop, the editor's) one way and one status snapshot (snapshot.h) the other: it publishes
 * the whole ts_jack_status at the end of every cycle, and ts_jack_get_status reads the last
 * complete one, so every field of a status read comes from the same cycle. JACK's other callbacks
 * (xrun, shutdown) only touch atomics and write one byte to the caller's wake-up descriptor.
 * The musical arithmetic (where the song is at each frame, following a master, the free-running
 * clock) is the timeline's (timeline.h): this adapter only passes it what JACK says.
 */
#ifndef TRIGSEQ_JACK_IO_H
#define TRIGSEQ_JACK_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/monitor.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/ring.h"
#include "trigseq/core/status.h"
#include "trigseq/core/thru.h"
#include "trigseq/rt/link.h"
#include "trigseq/rt/voice.h"

typedef struct ts_jack ts_jack;

typedef struct {
	const char *client_name;          /* "trigseq" unless --name */
	const char *server_name;          /* NULL: JACK_DEFAULT_SERVER, else the default server */
	const char *ports[TS_MAX_PORTS];  /* the pattern's output ports, ts_pattern_ports() order */
	int nports;
	bool send_clock;                  /* F8 ticks on clock_out */
	bool send_transport;              /* FA at start, FC at stop on clock_out */
	int wake_fd;                      /* one byte is written here when the server goes away */
	bool jack_messages;               /* show libjack's own messages on stderr (else quiet) */
	bool sync_midi;                   /* follow MIDI clock and transport on clock_in */
	bool sync_jack;                   /* follow JACK transport (not with sync_midi) */
	ts_link *link;                    /* follow this Ableton Link session (sync link; not with
					     sync_midi or sync_jack): made and enabled by the caller
					     before ts_jack_activate, freed after ts_jack_close */
	double quantum;                   /* sync link: beats; step 1 on its multiples (4 if 0) */
	bool link_start_stop;             /* sync link: start/stop sync: our start starts the
					     session, the session's start and stop are ours */
	bool link_start;                  /* sync link with start/stop sync: ts_jack_start starts
					     the session (else it waits for a peer to) */
	uint16_t tempo10;                 /* the engine's tempo (the pattern's, or --bpm except
					     with sync_midi) */
	bool clock_while_stopped;         /* free-running F8 on clock_out while the engine is not
					     running (not with sync_midi; needs send_clock) */
	bool interactive;                 /* the editor drives play: ts_jack_command,
					     ts_jack_send_pattern, fill, inject (every sync
					     mode); ts_jack_start and ts_jack_stop are not used */
	uint8_t program_receive;          /* 1 … 16: a program change n on this channel, on
					     clock_in or midi_in, queues chain pattern n
					     (ts_engine_queue); 0 = ignore program changes */
	ts_monitor *monitor;              /* a copy of the MIDI sent and received goes here (see
					     above); NULL = none */
	ts_monitor *inject;               /* interactive: messages the main thread sends with
					     ts_jack_send_midi (the ring used the other way: the
					     main thread produces, the process thread consumes) */
	/* MIDI input for playing (see "Thru and recording" above) */
	bool thru;                        /* route midi_in thru to ts_jack_set_thru's track */
	uint8_t midi_in_channel;          /* 0: every channel; 1 … 16: thru and input listen to
					     that one only */
	ts_ring *input;                   /* a ts_jack_input for every message thru accepts
					     (ts_thru_accepts), for the editor to record; NULL =
					     none. Made (ts_ring_new, elements of
					     sizeof(ts_jack_input)) before ts_jack_open, drained by
					     one thread, freed after ts_jack_close */
} ts_jack_config;

/* A message played on midi_in, for recording (cfg.input). */
typedef struct {
	uint64_t frame;                   /* absolute JACK frame, as the monitor's */
	int64_t time;                     /* playing: ts_track_near.time of `track` there */
	uint8_t size;                     /* 2 or 3 */
	uint8_t bytes[3];                 /* as received (the input channel) */
	uint8_t track;                    /* 1 … 12: the track it belongs to (thru.h: a note-off
					     goes with its note-on); 0: none (an unmatched
					     note-off) */
	bool playing;                     /* the engine played at its frame: the fields below */
	uint8_t pattern;                  /* chain index playing */
	uint8_t step;                     /* ts_track_near of `track`: the nearest step, 0-based */
	int8_t micro;                     /* and its micro timing in 24ths, -11 … 12 */
} ts_jack_input;

typedef struct {
	bool started;                     /* the engine's frame 0 has been played */
	bool running;                     /* the engine is playing */
	bool server_gone;                 /* JACK shut us down: the client is unusable */
	uint32_t start_frame;             /* JACK frame time of the engine's frame 0 (sync_midi:
					     of the first Start or Continue followed) */
	uint64_t cycles;                  /* process cycles run */
	uint64_t frames;                  /* engine frames since start */
	uint32_t xruns;
	uint32_t lost_events;             /* events JACK refused (port buffer full) + engine losses */
	uint32_t voice_hits;              /* voice events given to the mixer since activation */
	uint32_t voices_lost;             /* hits the mixer dropped (its queue full; stays 0) */
	uint8_t step1;                    /* current step of track 1, 0 before start */
	uint8_t step[TS_TRACKS];          /* current step of every track (1-based), 0 before start */
	uint16_t phase[TS_TRACKS];        /* how far into it (ts_engine_status.phase) */
	bool pattern_updates_waiting;     /* interactive: a pattern sent is not taken yet */
	uint32_t pattern_busy;            /* interactive: cycles an update waited for a free slot */
	uint32_t pattern_refused;         /* interactive: versions the engine refused (a port the
					     client has not registered): not played */
	uint32_t callback_ns_max;         /* longest process callback since the last status read */
	uint32_t period_frames;
	float dsp_load;                   /* JACK's DSP load estimate, percent */
	/* sync_midi only */
	bool listening;                   /* ts_jack_start done: transport on clock_in is followed */
	bool clock_locked;                /* the clock's locked state at the end of the last cycle */
	bool clock_running;               /* the master's transport: Start/Continue and no Stop */
	double clock_bpm;                 /* measured tempo, 0 before two ticks */
	int64_t clock_ticks;              /* ticks received */
	uint32_t in_dropped;              /* clock_in: garbage bytes dropped + broken messages */
	uint32_t starts;                  /* times the engine was (re)started by Start/Continue
					     (sync_jack: by the transport rolling or a locate) */
	/* sync_jack only (listening is set too); sync link: rolling is the session's playing,
	 * bpm its tempo */
	bool transport_rolling;           /* JACK transport state Rolling */
	bool transport_bbt;               /* a timebase master gives bar, beat, tick and tempo */
	uint32_t transport_frame;         /* transport frame at the start of the last cycle */
	double transport_bpm;             /* BBT tempo in quarter notes per minute, else ours */
	/* the chain (every mode) */
	int pattern;                      /* chain index sounding (or to start from) */
	int queued;                       /* chain index at the next change point, -1 none */
	uint32_t changes;                 /* pattern changes since the last start */
	int program_last;                 /* last program number received on the channel, -1 */
	uint32_t programs_taken;          /* program changes that queued a pattern */
	uint32_t programs_ignored;        /* program changes beyond the chain */
	/* a song (ts_engine_load_song): the row sounding (0-based, -1 without a song), its repeat
	 * 1 ... repeats, the rows, and whether it stopped at its end by itself */
	int song_row, song_rows;
	uint16_t song_repeat, song_repeats;
	bool song_ended;
	/* where each track is: ts_engine_status.time at the last frame run (recording) */
	int64_t track_time[TS_TRACKS];
	/* midi_in (every mode) and thru (cfg.thru) */
	uint32_t midi_in_dropped;         /* garbage bytes dropped + broken messages */
	uint32_t midi_in_overflow;        /* messages beyond what a cycle reads (TS_JACK_IN_MAX) */
	uint32_t input_lost;              /* ts_jack_input records the full ring dropped */
	uint32_t thru_sent;               /* messages sent thru, note-offs of releases included */
	uint32_t thru_unmatched;          /* note-offs of notes not held: dropped */
	uint32_t thru_other_channel;      /* on a channel not listened to (midi_in_channel) */
	uint32_t thru_lost;               /* thru messages the port refused (buffer full) */
	uint32_t thru_held;               /* notes sent thru and held now */
	uint32_t thru_releases;           /* times held notes were released (stop, quit) */
} ts_jack_status;

/* Messages of one cycle's midi_in that are read; more are counted (midi_in_overflow). */
#define TS_JACK_IN_MAX 2048

/* Open a client and register every port. On failure returns NULL and writes one line to err;
 * *no_server tells whether the failure is that no server runs. The client is not active. */
ts_jack *ts_jack_open(const ts_jack_config *cfg, bool *no_server, char *err, size_t errlen);

/* Sample rate of the server, and the name JACK gave the client (may differ from the one asked). */
uint32_t ts_jack_rate(const ts_jack *j);
const char *ts_jack_client_name(const ts_jack *j);

/* Whether `port` is one of our port names (short form, e.g. "midi_out"). */
bool ts_jack_has_port(const ts_jack *j, const char *port);
/* Register one more pattern port (an editor whose track was given a new port), active or not,
 * from the main thread: its index is the number of ports before the call. The process thread
 * and the engine (ts_engine_add_port) learn it at the start of the next cycle, before any pattern
 * sent after this call, so a pattern sending to it can then be played. TS_ERR_RANGE for a name
 * taken or not allowed, TS_ERR_FULL beyond TS_MAX_PORTS, TS_ERR_IO when JACK refuses; err says
 * which. */
ts_status ts_jack_add_port(ts_jack *j, const char *name, char *err, size_t errlen);

/* Hand over the engine (made at ts_jack_rate(), pattern loaded, stopped) and the sample voices
 * (made at that rate, the chain's samples loaded; NULL: audio_out_1/2 stay silent), and
 * activate. Both belong to the process callback until ts_jack_close(), except the mixer's main
 * thread side (ts_voices_load, _collect: samples change while playing). Free them after. */
ts_status ts_jack_activate(ts_jack *j, ts_engine *eng, ts_voices *voices, char *err,
			   size_t errlen);

/* Connect our `port` to `dest`: a full JACK port name, or else an extended regular expression
 * matched against every port of the right direction and type. Connects every match; returns the
 * number connected in *count. TS_ERR_RANGE and a message in err when nothing matches. */
ts_status ts_jack_connect(ts_jack *j, const char *port, const char *dest, int *count, char *err,
			  size_t errlen);

/* Start play in the next process cycle (frame 0 of the engine = the first frame of that cycle)
 * and wait until it has happened. False if it did not within timeout_ms or the server went away.
 * sync_midi: start following transport on clock_in (play begins at the master's Start or
 * Continue) and wait until the process callback does. sync_jack: likewise for JACK transport
 * (play begins when it rolls, at once if it rolls already). */
bool ts_jack_start(ts_jack *j, int timeout_ms);

/* Stop in the next process cycle (note-offs and FC at its first frame) and wait until that cycle
 * has been written and one more has run, so that peers have read it. False on timeout. */
bool ts_jack_stop(ts_jack *j, int timeout_ms);

/* Interactive play (cfg.interactive), from the main thread, never blocking: the command acts in
 * the next process cycle, at its first frame. PLAY starts from step 1 (stopping first if
 * playing), CONTINUE resumes where the last STOP left the song (rounded up to the next 16th,
 * with Song Position Pointer and Continue on clock_out), STOP stops (note-offs, MIDI Stop). A
 * newer command before the older one acted replaces it. With clock_while_stopped a start waits
 * until it is a tick interval - 1 frame after the last free-running tick (a tick at most).
 * Following a master the master decides: STOP stops here until the master's next Start or
 * Continue (sync_midi), or until the transport stops, rolls again or is located (sync_jack);
 * PLAY and CONTINUE, while the master runs, join it again at its next 16th (with SPP and
 * Continue on clock_out), and do nothing while it is stopped. */
typedef enum { TS_JACK_PLAY = 1, TS_JACK_CONTINUE, TS_JACK_STOP } ts_jack_cmd;
void ts_jack_command(ts_jack *j, ts_jack_cmd cmd);
/* The metronome on or off from the next cycle (every mode, playing or not; needs cfg.voices):
 * a click on audio_out_1/2 on every quarter note of the song the engine plays, accented on a
 * bar's first beat (ts_engine_set_click). */
void ts_jack_set_click(ts_jack *j, bool click);
/* Fill mode on or off from the next cycle (interactive, every sync mode): the engine's fill
 * flag, which fill and !fill conditions read for steps not evaluated yet. */
void ts_jack_set_fill(ts_jack *j, bool fill);
/* The tempo from the next cycle (interactive, sync int), BPM x 10: the song goes on from where it
 * is at the new tempo (ts_engine_set_tempo), MIDI clock included. Ignored when following a
 * master: the engine's timeline is warped onto the master's grid at the tempo it was opened with
 * (sync_jack without a timebase master: that tempo is the one that plays until the client is
 * opened again). */
void ts_jack_set_tempo(ts_jack *j, uint16_t tempo10);
/* Send a MIDI message (1 … 3 bytes) on one of the pattern's ports at the first frame of the next
 * cycle (interactive, cfg.inject, every sync mode): the editor's preview and keyboard notes. track is what the
 * monitor shows (0 = none). False when the ring is full or the port or size is wrong. */
bool ts_jack_send_midi(ts_jack *j, int port, int track, const uint8_t *bytes, int size);
/* Where thru sends from the next cycle (cfg.thru; any thread, never blocking): dest->track
 * (1 … 12; 0 none) on its port and channel, when dest->on. A note-off still goes where its
 * note-on went. */
void ts_jack_set_thru(ts_jack *j, const ts_thru_dest *dest);
/* Release every note held through thru (a note-off where each went) in the next cycle, and wait
 * until one more cycle has run, so peers have read them. False on timeout or when the server
 * went away. ts_jack_close does it too. */
bool ts_jack_release_thru(ts_jack *j, int timeout_ms);

/* Whether the process thread has acted on the last command. */
bool ts_jack_command_done(ts_jack *j);
/* Hand the engine a new version of chain pattern `index` (copied), playing or not: the process
 * thread passes it to ts_engine_update in its next cycle (or later, when the engine has no free
 * slot); an index equal to the number of patterns the engine has appends it (ts_engine_append).
 * False, and nothing done, while the previous one is not taken yet: send it again later. */
bool ts_jack_send_pattern(ts_jack *j, int index, const ts_pattern *pat);
/* Hand the engine a song's new program (copied; ts_engine_set_song: at once when stopped, else
 * from the next start) in the next cycle. False, and nothing done, while the previous one is
 * not taken yet. */
bool ts_jack_send_song(ts_jack *j, const ts_song *song);
/* Jump to song row `row` (0-based) at the next row boundary (ts_engine_song_jump), from the
 * next cycle. */
void ts_jack_song_jump(ts_jack *j, int row);
/* Select chain pattern `index` in `mode` from the next cycle (interactive, ts_engine_select); a
 * pattern being appended is selected once it is in. A newer selection replaces one not acted on. */
void ts_jack_select(ts_jack *j, int index, ts_select_mode mode);

/* Whether JACK has shut the client down (the server went away). */
bool ts_jack_server_gone(const ts_jack *j);

/* The status the process callback published at the end of its last cycle, every field of that
 * one cycle, with xruns, server_gone, pattern_updates_waiting, callback_ns_max and dsp_load as
 * they are now. Resets callback_ns_max. The main thread only (the snapshot has one reader, which
 * ts_jack_start and ts_jack_stop also are). */
void ts_jack_get_status(ts_jack *j, ts_jack_status *st);

/* Deactivate (unless the server went away) and close. NULL is fine. The engine is not freed. */
void ts_jack_close(ts_jack *j);

#endif
