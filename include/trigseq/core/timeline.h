/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline: where the song is at each frame of a cycle, and the engine run there. It is the
 * part of a real-time adapter (rt/jack_io.c) that is arithmetic over frames and ticks: given the
 * frames of a cycle and what a time source says about them, it decides when play starts, stops,
 * continues or relocates, runs the engine (engine.h) up to where the source's song is at the end
 * of the cycle, and hands every event to the host at the frame of the cycle where the source's
 * song reaches its position. Nothing here knows JACK: the host reads its ports and its transport
 * and passes them in as plain data.
 *
 * Time sources (ts_timeline_source). Each answers "which musical position is at frame f":
 *   - INTERNAL: our own tempo (cfg.tempo10, or the editor's). The engine's frames are the
 *     cycle's frames. Play starts on the main thread's request (start_req) or the editor's
 *     commands (cfg.interactive).
 *   - MIDI_CLOCK: a master's 24-PPQN clock, Start, Continue, Stop and Song Position Pointer on
 *     the clock input, filtered by the DLL bank of clock.h. The engine runs on a virtual timeline
 *     at cfg.tempo10; every cycle it is run up to the song position the filtered grid reaches at
 *     the end of the cycle, and each event's virtual frame is mapped back to the frame where the
 *     grid reaches its position. A cycle's ticks are fed to the clock after the part of the cycle
 *     before them is scheduled (the grid predicts ahead); Start, Continue, Stop and SPP act at
 *     their own frame.
 *   - JACK: a transport given as plain data each cycle (ts_timeline_transport: state, frame and,
 *     from a timebase master, bar|beat|tick and tempo). Rolling plays, anything else stops; the
 *     engine runs on its virtual timeline up to the position the transport reaches at the end of
 *     the cycle; a jump of more than a cycle's worth while rolling is a locate.
 *   - LINK: an Ableton Link session given as plain data each cycle (ts_timeline_link: its beat
 *     line over the cycle's frames, as heard, and its playing state). It works as the JACK
 *     source with BBT does, the song's position being the session's beat less an origin: when
 *     the session plays, step 1 is at the first multiple of the quantum at or after the beat
 *     where it started playing, and not before the beat it is at (joining a session that plays
 *     already: its next quantum boundary). The engine starts there and runs on its virtual
 *     timeline up to where the line is at the end of the cycle; each event goes to the frame
 *     where the line reaches it, so a tempo change is followed from the next cycle on. The
 *     session stopping stops play; a jump of the line by more than a cycle's worth is a locate.
 *     The port's output latency is the host's: the beat given is the one heard.
 *
 * Free-running clock (cfg.clock_while_stopped; not with MIDI_CLOCK). While the engine does not
 * run, MIDI clock ticks alone go out on TS_PORT_CLOCK: tick k at floor(k * R * 60 / (T * 24) +
 * 1/2) frames after its origin (R the rate, T the tempo in BPM), from integer tick counts. It
 * starts at the first cycle and, after the engine stops, resumes on the grid of the last tick
 * sent. A start is never sooner than a tick interval - 1 frame after the last tick sent: INTERNAL
 * delays it by up to one tick; JACK holds the transport in Starting (sync_ready, for a slow-sync
 * callback) and sends no tick while it is Starting that the start could follow too closely.
 *
 * Program changes (cfg.program_receive) on either input queue that chain pattern for its next
 * change point (ts_engine_queue): the chain's switching points are the engine's.
 *
 * Threads: every function is real-time safe [RT] except ts_timeline_init: no allocation, locks,
 * I/O or syscalls. The caller owns the ts_timeline (plain data: embed it, as ts_clock) and calls
 * it from one thread; hand other threads a copy of ts_timeline_status, never the timeline.
 */
#ifndef TRIGSEQ_TIMELINE_H
#define TRIGSEQ_TIMELINE_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/clock.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/midi_in.h"

typedef enum {
	TS_TIMELINE_INTERNAL,     /* our tempo (sync int) */
	TS_TIMELINE_MIDI_CLOCK,   /* a MIDI clock master on the clock input (sync midi) */
	TS_TIMELINE_JACK,         /* JACK transport (sync jack) */
	TS_TIMELINE_LINK          /* an Ableton Link session (sync link) */
} ts_timeline_source;

/* The editor's transport commands (cfg.interactive); the values of ts_jack_cmd. */
typedef enum { TS_TIMELINE_PLAY = 1, TS_TIMELINE_CONTINUE, TS_TIMELINE_STOP } ts_timeline_cmd;

typedef enum {
	TS_TRANSPORT_STOPPED,
	TS_TRANSPORT_ROLLING,
	TS_TRANSPORT_STARTING     /* any other state: waiting for slow-sync clients */
} ts_transport_state;

/* A transport's state at a cycle's first frame, as JACK's jack_position_t has it. */
typedef struct {
	ts_transport_state state;
	uint32_t frame;           /* transport frame */
	bool bbt;                 /* a timebase master gives the fields below */
	int32_t bar, beat, tick;  /* 1-based bar and beat, tick in the beat */
	double ticks_per_beat;
	float beats_per_bar;
	float beat_type;          /* the note value of a beat: 4 = quarter notes */
	double bpm;               /* beats per minute */
} ts_timeline_transport;

/* An Ableton Link session at a cycle's first frame, as the host captured it (rt/link.h): a beat
 * line over the cycle's frames, taken at the moment each frame is heard (the host adds the
 * output latency), and the session's playing state. */
typedef struct {
	bool playing;             /* the session plays (start/stop sync; without it, the host says
				     true from our start on) */
	double beat;              /* the session's beat at the cycle's first frame, for quantum */
	double beats_per_frame;   /* the line's slope: tempo / 60 / rate */
	double tempo;             /* the session's tempo, BPM (for the status) */
	double start_beat;        /* playing: the session's beat where it started playing */
	uint32_t stop_off;        /* not playing: the offset in this cycle where it stopped (0:
				     before the cycle); play goes on up to there */
	double quantum;           /* beats; step 1 falls on a multiple of it (4 when <= 0) */
} ts_timeline_link;

/* What a cycle is: the host fills one every cycle. */
typedef struct {
	uint64_t frame;           /* the cycle's first frame, counted from the host's start; the
				     frames of the MIDI messages fed are on the same count */
	uint32_t nframes;         /* frames in the cycle, >= 1 */
	bool start_req;           /* the main thread asked to play (INTERNAL) or to follow the
				     source (the others); stays set */
	bool stop_req;            /* the main thread asked to stop; stays set */
	int command;              /* interactive: the editor's command waiting (ts_timeline_cmd),
				     0 none; status.command_taken says whether it was taken */
	uint16_t tempo10;         /* interactive INTERNAL: the editor's tempo, 0 none yet */
	ts_timeline_transport transport; /* TS_TIMELINE_JACK */
	ts_timeline_link link;    /* TS_TIMELINE_LINK */
} ts_timeline_input;

/* The host's side of a cycle. The timeline calls these during ts_timeline_cycle only, and calls
 * `editor` and `input` itself rather than taking their results in ts_timeline_input because where
 * they come in a cycle depends on the source (a stop's note-offs, the editor's notes and what a
 * message makes happen can share a frame, and their order there is part of the output). */
typedef struct ts_timeline ts_timeline;
typedef struct {
	void *ctx;
	/* Write an event at offset ev->frame of the cycle (< nframes); true when it went out on a
	 * MIDI port (the free-running clock keeps its grid on the ticks actually sent). */
	bool (*out)(void *ctx, const ts_event *ev);
	/* interactive: take the editor's hand-over now (patterns, selection, fill, notes it plays,
	 * written at the cycle's first frame) */
	void (*editor)(void *ctx);
	/* Read this cycle's MIDI input now, in frame order per port, calling ts_timeline_midi for
	 * each message. */
	void (*input)(void *ctx);
} ts_timeline_host;

typedef struct {
	ts_timeline_source source;
	uint32_t rate;            /* frames per second */
	uint16_t tempo10;         /* the engine's tempo at start (TS_TEMPO10_MIN ... _MAX) */
	bool interactive;         /* the editor's commands drive play; it follows from the first
				     cycle without start_req */
	bool clock_while_stopped; /* the free-running clock (not with MIDI_CLOCK) */
	uint8_t program_receive;  /* 1 … 16: program changes on this channel queue patterns */
} ts_timeline_config;

/* What the host reports. Updated where it happens during a cycle. */
typedef struct {
	bool started;             /* play has started once */
	uint32_t start_frame;     /* low 32 bits of the frame of that first start (interactive
				     INTERNAL: of the last PLAY) */
	bool running;             /* the engine plays */
	bool listening;           /* following the source (start_req seen, or interactive) */
	bool stop_done;           /* stop_req has been acted on */
	bool command_taken;       /* this cycle took in.command */
	bool sync_ready;          /* a start at the end of this cycle would not follow the last
				     free-running tick too closely (JACK's slow-sync answer) */
	uint32_t starts;          /* starts and resumes by the source */
	/* MIDI_CLOCK, at the end of the last cycle */
	bool clock_locked, clock_running;
	uint32_t clock_mbpm;      /* measured tempo, BPM x 1000 */
	int64_t clock_ticks;
	/* JACK (LINK: rolling is the session's playing, mbpm its tempo), at the last cycle */
	bool tp_rolling, tp_bbt;
	uint32_t tp_frame;
	uint32_t tp_mbpm;         /* BBT tempo in quarter notes per minute x 1000, else ours */
	/* program changes (cfg.program_receive) */
	int pc_last;              /* last program received on the channel, -1 none */
	uint32_t pc_taken, pc_ignored;
} ts_timeline_status;

/* Ticks of one cycle held back until the part of the cycle before them is scheduled; when full,
 * the cycle is split there (only a flood of ticks fills it). */
#define TS_TIMELINE_PENDING 64

/* Plain data; only timeline.c touches the fields. */
struct ts_timeline {
	ts_timeline_config cfg;
	ts_engine *eng;
	ts_timeline_status st;
	/* this cycle */
	const ts_timeline_host *host;
	const ts_timeline_input *in;
	uint64_t now;             /* first frame */
	uint32_t nframes;
	bool stopped;             /* stop_req acted on */
	/* MIDI_CLOCK */
	ts_clock clock;
	uint64_t vnow;            /* the engine's frame counter (its virtual timeline) */
	uint64_t vbase;           /* virtual frame of the running ts_engine_run's frame 0 */
	uint32_t seg_lo;          /* this cycle is scheduled up to here (offset) */
	uint32_t seg_hi;          /* the part being scheduled ends here */
	uint32_t last_off;        /* offset of the last event written this cycle */
	bool direct;              /* events get offsets, not virtual frames (a stop) */
	double song_hi;           /* the clock's position can go no further (song ticks) */
	int npend;
	uint64_t pend[TS_TIMELINE_PENDING];
	/* JACK; also vnow, vbase, last_off, direct */
	bool tp_bbt;              /* this cycle's position comes from BBT */
	uint32_t tp_frame;        /* transport frame of this cycle's first frame */
	double tp_u0;             /* musical position (U) there */
	double tp_upf;            /* U per frame at the transport's tempo */
	double tp_expect;         /* position the next cycle starts at if nothing jumps */
	bool tp_held;             /* interactive: stopped here by the editor while rolling */
	/* LINK; also the JACK fields above, on the line from the origin */
	bool lk_have_origin;      /* the session plays and step 1's beat is chosen */
	double lk_origin;         /* the session's beat of step 1 */
	/* INTERNAL */
	int64_t resume_pos;       /* interactive: where CONTINUE resumes */
	uint16_t tempo_seen;      /* interactive: the editor's tempo playing, 0 none */
	/* the free-running clock */
	bool have_tick;           /* a tick has gone out */
	uint64_t last_tick;       /* its frame */
	bool fr_on;               /* the free-running clock runs */
	uint64_t fr_origin;       /* frame of its tick 0 */
	uint64_t fr_k;            /* its next tick */
	uint32_t fr_mbpm;         /* its tempo, BPM x 1000 */
};

/* Ready to follow `cfg.source` with the engine `eng` (made at cfg.rate, pattern loaded,
 * stopped); the engine belongs to the timeline's thread from then on. */
void ts_timeline_init(ts_timeline *tl, const ts_timeline_config *cfg, ts_engine *eng);

/* One cycle: act on the requests and the command, read the input through the host, run the
 * engine for the cycle and write its events, then the free-running clock's ticks. [RT] */
void ts_timeline_cycle(ts_timeline *tl, const ts_timeline_input *in, const ts_timeline_host *host);

/* A message read from an input port (host.input, during ts_timeline_cycle): `clock_port` for
 * the clock input, which MIDI_CLOCK follows; program changes on either. [RT] */
void ts_timeline_midi(ts_timeline *tl, bool clock_port, const ts_midi_msg *msg);

/* The song's musical position (U, engine.h) at `frame`, a frame of the last cycle run, where the
 * time source puts it: our tempo's map, the MIDI clock's filtered grid, the transport's line.
 * False when the engine was not playing there. Call after ts_timeline_cycle. [RT] */
bool ts_timeline_position_at(const ts_timeline *tl, uint64_t frame, int64_t *pos);

const ts_timeline_status *ts_timeline_get_status(const ts_timeline *tl);
/* The MIDI clock follower (MIDI_CLOCK), for its status. */
const ts_clock *ts_timeline_clock(const ts_timeline *tl);

/* The free-running clock's frame of tick k after its origin at `rate` and `mbpm` (BPM x 1000):
 * floor(k * rate * 60000 / (mbpm * 24) + 1/2), exact in integers. */
uint64_t ts_timeline_tick_frame(uint32_t rate, uint32_t mbpm, uint64_t k);

#endif
