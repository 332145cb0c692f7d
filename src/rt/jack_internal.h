/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the JACK adapter's files share (jack_io.c: the client, the process callback, writing,
 * the main thread's calls; jack_input.c: reading midi_in and clock_in, thru and the records for
 * recording). Private to src/rt/jack_*.c. Threads: as jack_io.h and the comments below.
 */
#ifndef TRIGSEQ_JACK_INTERNAL_H
#define TRIGSEQ_JACK_INTERNAL_H

#include <jack/jack.h>
#include <stdatomic.h>

#include "trigseq/core/midi_in.h"
#include "trigseq/core/snapshot.h"
#include "trigseq/core/thru.h"
#include "trigseq/core/timeline.h"
#include "trigseq/rt/jack_io.h"

/* Events the output queue holds (sync link): a few cycles of the densest pattern. */
#define TS_JACK_OUTQ_MAX 4096

enum { IN_CLOCK, IN_MIDI, N_IN };
enum { AUDIO_OUTS = 2 };

/* Received messages of one cycle waiting for their place among the records of what is sent. */
#define MON_PENDING 64

/* What the process thread publishes each cycle: the status, and the flags ts_jack_start and
 * ts_jack_stop wait for. */
typedef struct {
	ts_jack_status st;
	bool stop_done;
	unsigned release_done;            /* the last release_seq acted on */
} rt_status;

struct ts_jack {
	/* fixed after ts_jack_open */
	ts_jack_config cfg;
	char port_names[TS_MAX_PORTS][TS_PORT_NAME_MAX + 1];
	jack_client_t *client;
	jack_port_t *out[TS_MAX_PORTS];   /* pattern ports */
	jack_port_t *clock_out;
	jack_port_t *in[N_IN];
	jack_port_t *audio[AUDIO_OUTS];
	uint32_t rate;
	bool active;

	/* pattern ports registered: cfg.nports at open, more by ts_jack_add_port (its name and port
	 * written before the count is released) */
	atomic_int nports_live;

	/* process thread only */
	int nports_rt;                    /* the ports the process thread and the engine know */
	ts_engine *eng;
	ts_voices *voices;                /* NULL: the audio outputs stay silent */
	void *buf[TS_MAX_PORTS];          /* this period's pattern port buffers */
	void *clock_buf;
	float *audio_buf[AUDIO_OUTS];     /* this period's audio outputs, cleared */
	uint32_t nframes;
	uint32_t hits_here;               /* voice events given to the mixer */
	uint32_t lost_here;               /* refused writes, total */
	ts_midi_in parser[N_IN];
	ts_midi_msg_fn in_fn;             /* read_input's handler, behind the monitor's copy */
	uint8_t in_mon_port;              /* the monitor's id of the port being read */
	int mon_head, mon_n;              /* mon_in[mon_head … mon_n-1] wait, in frame order */
	ts_monitor_rec mon_in[MON_PENDING];
	/* process thread only: this cycle's midi_in (jack_input.c) */
	uint32_t in_n;                    /* messages parsed at the cycle's start */
	ts_midi_msg in_msg[TS_JACK_IN_MAX];
	uint8_t in_track[TS_JACK_IN_MAX]; /* the track each belongs to, 0xFF: not thru's */
	ts_thru thru;
	uint32_t thru_head, thru_n;       /* thru_ev[thru_head … thru_n-1] wait, in frame order */
	ts_event thru_ev[TS_JACK_IN_MAX * TS_THRU_OUT_MAX];
	uint32_t midi_in_overflow, thru_lost, thru_releases;
	bool was_running;                 /* the engine played at the end of the last cycle */

	/* process thread only: where the song is, the engine run there (timeline.h) */
	ts_timeline tl;
	ts_timeline_host host;
	uint64_t now64;                   /* JACK frame of this cycle's first frame, 64 bits */
	uint32_t now32;
	bool have_now;
	atomic_bool sync_ready;           /* process -> sync callback (same thread in JACK 2) */

	/* main -> process: interactive transport (cfg.interactive) and pattern edits */
	atomic_uint cmd_seq;              /* bumped by ts_jack_command */
	atomic_int cmd;                   /* the newest command */
	atomic_uint cmd_done;             /* process: the last cmd_seq acted on */
	unsigned cmd_seen;                /* process thread only */
	atomic_uint pat_pub;              /* ts_jack_send_pattern: mbox[pat_pub & 1] is new */
	atomic_uint pat_taken;            /* process: the last pat_pub the engine took */
	atomic_bool fill;                 /* ts_jack_set_fill: the fill flag the engine reads */
	atomic_bool click;                /* ts_jack_set_click: the metronome */
	atomic_uint tempo_req;            /* ts_jack_set_tempo: BPM x 10, 0 = none yet */
	ts_pattern mbox[2];
	int mbox_index[2];                /* chain index of each: the engine's count = append */
	atomic_uint sel_seq;              /* ts_jack_select: a new selection ... */
	atomic_int sel_index, sel_mode;   /* ... of this pattern in this mode */
	unsigned sel_seen;                /* process thread only */
	atomic_uint song_pub;             /* ts_jack_send_song: song_box is new ... */
	atomic_uint song_taken;           /* ... until the process thread took this one */
	ts_song song_box;
	atomic_uint jump_seq;             /* ts_jack_song_jump: a new jump ... */
	atomic_int jump_row;              /* ... to this row */
	unsigned jump_seen;               /* process thread only */
	/* main -> process */
	atomic_bool start_req;
	atomic_bool stop_req;
	atomic_uint thru_dest;            /* ts_jack_set_thru, packed (jack_input.c) */
	atomic_bool link_play;            /* sync link without start/stop sync: the editor's own
					     play (ts_jack_command) */
	uint16_t link_tempo10;            /* main thread: the tempo last proposed to the session */
	atomic_uint latency;              /* JACK's latency callback: the largest playback latency
					     of the pattern ports and clock_out, frames (sync link) */
	atomic_uint port_latency[TS_MAX_PORTS + 1]; /* each one's; [TS_MAX_PORTS]: clock_out */
	/* process thread only, sync link: what is written this cycle or later, in frame order, so
	 * that each port's events can be written earlier by its own latency (jack_io.c) */
	uint32_t outq_n, outq_seq;
	struct outq_ent {
		uint64_t frame;           /* absolute */
		uint32_t seq;             /* order of arrival, for equal frames */
		ts_event ev;
	} outq[TS_JACK_OUTQ_MAX];
	atomic_uint release_seq;          /* bumped by ts_jack_release_thru ... */
	unsigned release_seen;            /* process thread only: ... the last one acted on */
	/* process -> main: the status, built by the process thread in `rt` during a cycle and
	 * published whole at its end; the main thread reads it whole (snapshot.h), so position,
	 * tempo, sync state and counters always come from the same cycle */
	rt_status rt;
	rt_status snap_slot[3];
	ts_snapshot snap;
	rt_status seen;                   /* main thread only: the last copy read */
	/* process -> main, reset by the reader: not in the snapshot, whose only writer is the
	 * process thread (a reset there would be undone by its next publication) */
	atomic_uint cb_ns_max;
	/* notification thread -> main */
	atomic_uint xruns;
	atomic_bool gone;
};

/* ---- jack_io.c [RT] ---- */

/* Send an event at offset ev->frame of this cycle to its MIDI port. Following Link it goes
 * through the output queue: `delayed` (the engine's events) later by how much less its port's
 * playback latency is than the largest, so every port is heard on the beat; the rest (thru, the
 * editor's notes, releases) at their frame. Otherwise written at once (ts_jack_write_midi). */
bool ts_jack_send(ts_jack *j, const ts_event *ev, bool delayed);

/* Write an event at offset ev->frame of this cycle to its MIDI port (not the voices), with the
 * monitor's copy. True when it went out. The caller keeps each port in frame order. */
bool ts_jack_write_midi(ts_jack *j, const ts_event *ev);
/* Push the received messages waiting for the monitor whose frame is at most `upto`. */
void ts_jack_mon_flush_in(ts_jack *j, uint64_t upto);

/* ---- jack_input.c [RT] ---- */

/* The cycle's start: parse midi_in, route what thru takes (its events wait, in frame order). */
void ts_jack_input_begin(ts_jack *j);
/* The timeline's host.input: midi_in's messages (parsed already) and clock_in's, to the
 * timeline (and the monitor). */
void ts_jack_host_input(void *ctx);
/* Write the thru events waiting whose offset is at most `upto` (UINT32_MAX: all). */
void ts_jack_thru_flush(ts_jack *j, uint32_t upto);
/* The cycle's end, after the timeline: the rest of thru, the release of held notes when play
 * stopped or the main thread asked, the records for recording with where their tracks are. */
void ts_jack_input_end(ts_jack *j);
/* The input's part of the status. */
void ts_jack_input_status(ts_jack *j, ts_jack_status *st);
/* ts_jack_set_thru's value of thru_dest (any thread). */
unsigned ts_jack_thru_pack(const ts_thru_dest *d);

#endif
