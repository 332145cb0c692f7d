/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The JACK adapter (jack_io.h). The process callback clears every output, reads what the main
 * thread asks for and JACK transport into a ts_timeline_input, and runs one cycle of the timeline
 * (timeline.h), which reads the MIDI input through this adapter when its time source wants it,
 * runs the engine where the source's song is and hands each event back at its frame offset, in
 * frame order (clock bytes first within a frame), so jack_midi_event_write() sees non-decreasing
 * times. Then the voices are rendered and the status is published whole.
 *
 * Threads and what they touch:
 *   - main: everything in struct ts_jack before activation; afterwards only the atomics, the
 *     reader's side of the status snapshot and the read-only configuration.
 *   - process [RT]: the timeline and its engine, the input parsers, the port buffers, the
 *     atomics, the writer's side of the status snapshot, the producer side of the monitor ring
 *     (cfg.monitor). No allocation, locks, I/O, syscalls.
 *   - JACK's notification thread: the xrun counter; the shutdown flag and one write() to wake_fd.
 */
#define _DEFAULT_SOURCE /* clock_gettime, nanosleep with the strict C11 flags */
#include "trigseq/rt/jack_io.h"

#include <errno.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <jack/transport.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jack_internal.h"
#include "trigseq/core/rtmem.h"
#include "trigseq/rt/jackport.h"
#include "trigseq/rt/voice.h"

/* The editor's commands pass through to the timeline as they are. */
_Static_assert(TS_JACK_PLAY == (int)TS_TIMELINE_PLAY && TS_JACK_CONTINUE == (int)TS_TIMELINE_CONTINUE &&
		       TS_JACK_STOP == (int)TS_TIMELINE_STOP,
	       "ts_jack_cmd is ts_timeline_cmd");

static const char *const in_names[N_IN] = {"clock_in", "midi_in"};
static const char *const audio_names[AUDIO_OUTS] = {"audio_out_1", "audio_out_2"};
static const char clock_name[] = "clock_out";

/* ---- the process callback [RT] ---- */

/* ---- the MIDI monitor (cfg.monitor) [RT] ---- */

void ts_jack_mon_flush_in(ts_jack *j, uint64_t upto)
{
	while (j->mon_head < j->mon_n && j->mon_in[j->mon_head].frame <= upto)
		ts_monitor_push(j->cfg.monitor, &j->mon_in[j->mon_head++]);
	if (j->mon_head == j->mon_n)
		j->mon_head = j->mon_n = 0;
}

/* The copy of a message written to a port, at offset `frame` of this cycle. */
static void mon_out(ts_jack *j, const ts_event *ev)
{
	ts_monitor_rec r = {.frame = j->now64 + ev->frame, .dir = TS_MON_OUT,
			    .port = ev->port == TS_PORT_CLOCK ? TS_MON_PORT_CLOCK_OUT : ev->port,
			    .track = ev->track, .size = ev->size};
	memcpy(r.bytes, ev->bytes, sizeof(r.bytes));
	ts_jack_mon_flush_in(j, r.frame);
	ts_monitor_push(j->cfg.monitor, &r);
}

/* ---- writing [RT] ---- */

/* Write one MIDI event (see jack_internal.h): route to the port and drop the clock kinds not
 * asked for. */
bool ts_jack_write_midi(ts_jack *j, const ts_event *ev)
{
	void *buf;
	if (ev->port == TS_PORT_CLOCK) {
		/* clock and transport as asked; program changes (program send) always */
		bool tick = ev->bytes[0] == 0xF8, prog = (ev->bytes[0] & 0xF0) == 0xC0;
		if (tick ? !j->cfg.send_clock : !prog && !j->cfg.send_transport)
			return false;
		buf = j->clock_buf;
	} else if (ev->port < j->nports_rt) {
		buf = j->buf[ev->port];
	} else {
		j->lost_here++;
		return false;
	}
	if (ev->frame >= j->nframes ||
	    jack_midi_event_write(buf, ev->frame, ev->bytes, ev->size) != 0) {
		j->lost_here++;
		return false;
	}
	if (j->cfg.monitor)
		mon_out(j, ev);
	return true;
}

/* The timeline's output. True when the event went out on a MIDI port. The thru events waiting
 * at or before its frame go first, so every port stays in frame order. */
static bool put_event(void *ctx, const ts_event *ev)
{
	ts_jack *j = ctx;
	if (ev->port == TS_PORT_VOICE) {
		/* for the mixer, not MIDI (and never the monitor: its port ids are not these) */
		if (!j->voices || ev->frame >= j->nframes)
			return false;
		if (ev->track == 0) {
			ts_voices_click(j->voices, ev->bytes[1], ev->frame);
		} else {
			ts_voices_trigger(j->voices, ev->pattern, ev->track, ev->bytes[2],
					  ev->frame);
			j->hits_here++;
		}
		return false;
	}
	ts_jack_thru_flush(j, ev->frame);
	return ts_jack_send(j, ev, true);
}

/* ---- the output queue (sync link) [RT] ---- */

/* How much later than the largest latency's frame an event of this port is written. */
static uint32_t port_delay(ts_jack *j, uint8_t port)
{
	unsigned most = atomic_load_explicit(&j->latency, memory_order_relaxed);
	int i = port == TS_PORT_CLOCK ? TS_MAX_PORTS : port < TS_MAX_PORTS ? port : -1;
	if (i < 0)
		return 0;
	unsigned own = atomic_load_explicit(&j->port_latency[i], memory_order_relaxed);
	return own < most ? most - own : 0;
}

bool ts_jack_send(ts_jack *j, const ts_event *ev, bool delayed)
{
	if (!j->cfg.link)
		return ts_jack_write_midi(j, ev);
	if (j->outq_n == TS_JACK_OUTQ_MAX) {
		j->lost_here++;
		return false;
	}
	uint64_t f = j->now64 + ev->frame + (delayed ? port_delay(j, ev->port) : 0);
	/* sorted by frame, then arrival: most arrive in order, so look from the end */
	uint32_t i = j->outq_n++;
	for (; i > 0 && j->outq[i - 1].frame > f; i--)
		j->outq[i] = j->outq[i - 1];
	j->outq[i] = (struct outq_ent){.frame = f, .seq = j->outq_seq++, .ev = *ev};
	return true;
}

/* Write what is due in this cycle, in frame order; the rest waits. */
static void outq_flush(ts_jack *j)
{
	uint64_t end = j->now64 + j->nframes;
	uint32_t k = 0;
	for (; k < j->outq_n && j->outq[k].frame < end; k++) {
		ts_event ev = j->outq[k].ev;
		ev.frame = j->outq[k].frame > j->now64 ? (uint32_t)(j->outq[k].frame - j->now64) : 0;
		ts_jack_write_midi(j, &ev);
	}
	if (k > 0) {
		memmove(j->outq, j->outq + k, (j->outq_n - k) * sizeof(j->outq[0]));
		j->outq_n -= k;
	}
}

/* JACK's sync callback (slow-sync client, sync_jack with the free-running clock): hold the
 * transport in Starting until a start would not follow the last tick too closely. */
static int on_sync(jack_transport_state_t state, jack_position_t *pos, void *arg)
{
	(void)pos;
	ts_jack *j = arg;
	if (state == JackTransportStopped || state == JackTransportRolling)
		return 1;
	return atomic_load_explicit(&j->sync_ready, memory_order_relaxed);
}

/* ---- interactive play (cfg.interactive) [RT] ---- */

/* The newest pattern from ts_jack_send_pattern goes to the engine; when the engine has no free
 * slot (old events still read the previous versions), it is tried again next cycle. */
static void take_pattern(ts_jack *j)
{
	unsigned pub = atomic_load_explicit(&j->pat_pub, memory_order_acquire);
	if (pub == atomic_load_explicit(&j->pat_taken, memory_order_relaxed))
		return;
	int index = j->mbox_index[pub & 1];
	ts_status st = index == ts_engine_patterns(j->eng)
			       ? ts_engine_append(j->eng, &j->mbox[pub & 1])
			       : ts_engine_update(j->eng, index, &j->mbox[pub & 1]);
	if (st == TS_ERR_BUSY) {
		j->rt.st.pattern_busy++;
		return; /* again next cycle */
	}
	/* Taken, or refused for good (a port the client does not have): not retried. */
	if (st != TS_OK)
		j->rt.st.pattern_refused++;
	atomic_store_explicit(&j->pat_taken, pub, memory_order_release);
}

/* The editor's pattern selection, once the pattern is in the engine: one just opened may not
 * be appended yet (the mailbox takes one version at a time), and the selection waits for it. A
 * newer selection replaces one that waits. */
static void take_select(ts_jack *j)
{
	unsigned seq = atomic_load_explicit(&j->sel_seq, memory_order_acquire);
	if (seq == j->sel_seen)
		return;
	int index = atomic_load_explicit(&j->sel_index, memory_order_relaxed);
	if (index >= ts_engine_patterns(j->eng))
		return;
	ts_engine_select(j->eng, index,
			 (ts_select_mode)atomic_load_explicit(&j->sel_mode, memory_order_relaxed));
	j->sel_seen = seq;
}

/* What the editor hands over in every sync mode: its newest pattern and selection, the fill flag
 * and the notes it plays (preview, keyboard). Those go out at the cycle's first frame, so this runs before
 * anything later in the cycle is written (a stop's note-offs are at that frame too): every port
 * stays in frame order. Not the tempo: in the slave modes the master's plays (ts_jack_set_tempo). */
/* The editor's song, reloaded (ts_engine_set_song), and its jumps to a row. */
static void take_song(ts_jack *j)
{
	unsigned pub = atomic_load_explicit(&j->song_pub, memory_order_acquire);
	if (pub != atomic_load_explicit(&j->song_taken, memory_order_relaxed)) {
		ts_engine_set_song(j->eng, &j->song_box);
		atomic_store_explicit(&j->song_taken, pub, memory_order_release);
	}
	unsigned seq = atomic_load_explicit(&j->jump_seq, memory_order_acquire);
	if (seq != j->jump_seen) {
		j->jump_seen = seq;
		ts_engine_song_jump(j->eng, atomic_load_explicit(&j->jump_row, memory_order_relaxed));
	}
}

static void take_editor(ts_jack *j)
{
	take_pattern(j);
	take_select(j);
	take_song(j);
	ts_engine_set_fill(j->eng, atomic_load_explicit(&j->fill, memory_order_relaxed));
	if (j->cfg.inject) {
		ts_monitor_rec in[32];
		size_t n = ts_monitor_pop(j->cfg.inject, in, 32);
		for (size_t i = 0; i < n; i++) {
			ts_event ev = {.frame = 0, .port = in[i].port, .track = in[i].track,
				       .size = in[i].size};
			memcpy(ev.bytes, in[i].bytes, sizeof(ev.bytes));
			if (ev.size >= 1 && ev.size <= 3 && ev.port < j->nports_rt) {
				ts_jack_thru_flush(j, 0);
				ts_jack_send(j, &ev, false);
			}
		}
	}
}

static void host_editor(void *ctx)
{
	take_editor(ctx);
}

/* ---- the cycle [RT] ---- */

/* The timeline's part of the status: what it says, rounded as the status has it. */
static void timeline_status(ts_jack *j, ts_jack_status *st)
{
	const ts_timeline_status *ts = ts_timeline_get_status(&j->tl);
	st->started = ts->started;
	st->start_frame = ts->start_frame;
	st->running = ts->running;
	st->starts = ts->starts;
	st->listening = ts->listening;
	st->program_last = ts->pc_last;
	st->programs_taken = ts->pc_taken;
	st->programs_ignored = ts->pc_ignored;
	if (j->tl.cfg.source == TS_TIMELINE_MIDI_CLOCK) {
		ts_midi_in_counters mc;
		ts_midi_in_get_counters(&j->parser[IN_CLOCK], &mc);
		st->clock_locked = ts->clock_locked;
		st->clock_running = ts->clock_running;
		st->clock_bpm = ts->clock_mbpm / 1000.0;
		st->clock_ticks = ts->clock_ticks;
		st->in_dropped = mc.dropped_bytes + mc.discarded_msgs;
	}
	if (j->tl.cfg.source == TS_TIMELINE_JACK || j->tl.cfg.source == TS_TIMELINE_LINK) {
		st->transport_rolling = ts->tp_rolling;
		st->transport_bbt = ts->tp_bbt;
		st->transport_frame = ts->tp_frame;
		st->transport_bpm = ts->tp_mbpm / 1000.0;
	}
	j->rt.stop_done = ts->stop_done;
}

/* The Link session as heard at this cycle's first frame: its beat line over the cycle's frames. */
static void link_input(ts_jack *j, ts_timeline_input *in)
{
	jack_nframes_t cur_frames;
	jack_time_t cur_us, next_us;
	float period_us;
	double q = j->cfg.quantum;
	if (jack_get_cycle_times(j->client, &cur_frames, &cur_us, &next_us, &period_us) != 0) {
		cur_us = jack_get_time();
		next_us = cur_us + (jack_time_t)((double)j->nframes * 1e6 / j->rate);
	}
	double us_per_frame = (double)(next_us - cur_us) / j->nframes;
	if (!(us_per_frame > 0))
		us_per_frame = 1e6 / j->rate;
	unsigned lat = atomic_load_explicit(&j->latency, memory_order_relaxed);
	int64_t t0 = (int64_t)cur_us + (int64_t)(lat * us_per_frame);
	ts_link_state ls;
	ts_link_capture(j->cfg.link, t0, q, &ls);
	ts_timeline_link *lk = &in->link;
	lk->beat = ls.beat;
	lk->beats_per_frame = ls.tempo / 60e6 * us_per_frame;
	lk->tempo = ls.tempo;
	lk->quantum = q;
	lk->playing = j->cfg.link_start_stop ? ls.playing
		      : j->cfg.interactive    ? atomic_load_explicit(&j->link_play,
								  memory_order_relaxed)
					      : in->start_req;
	lk->start_beat = j->cfg.link_start_stop
				 ? ls.beat + (double)(ls.playing_us - t0) * ls.tempo / 60e6
				 : ls.beat;
	/* a stop by a peer acts at its own frame: still playing before it, at its offset inside
	 * this cycle, at once when it is past */
	lk->stop_off = 0;
	if (j->cfg.link_start_stop && !ls.playing && ls.playing_us > t0) {
		double off = (double)(ls.playing_us - t0) / us_per_frame;
		if (off >= j->nframes)
			lk->playing = j->tl.lk_have_origin; /* (what played plays on until then) */
		else
			lk->stop_off = (uint32_t)off;
	}
}

/* What the timeline needs to know of this cycle: the main thread's requests, the editor's
 * command and tempo, and JACK transport as plain data. */
static void cycle_input(ts_jack *j, ts_timeline_input *in, unsigned *cmd_seq)
{
	*in = (ts_timeline_input){.frame = j->now64, .nframes = j->nframes};
	in->start_req = atomic_load_explicit(&j->start_req, memory_order_acquire);
	in->stop_req = atomic_load_explicit(&j->stop_req, memory_order_acquire);
	*cmd_seq = atomic_load_explicit(&j->cmd_seq, memory_order_acquire);
	if (j->cfg.interactive && *cmd_seq != j->cmd_seen)
		in->command = atomic_load_explicit(&j->cmd, memory_order_relaxed);
	in->tempo10 = (uint16_t)atomic_load_explicit(&j->tempo_req, memory_order_relaxed);
	if (j->tl.cfg.source == TS_TIMELINE_LINK) {
		link_input(j, in);
		return;
	}
	if (j->tl.cfg.source != TS_TIMELINE_JACK)
		return;
	jack_position_t pos;
	jack_transport_state_t state = jack_transport_query(j->client, &pos);
	ts_timeline_transport *tp = &in->transport;
	tp->state = state == JackTransportRolling   ? TS_TRANSPORT_ROLLING
		    : state == JackTransportStopped ? TS_TRANSPORT_STOPPED
						    : TS_TRANSPORT_STARTING;
	tp->frame = pos.frame;
	tp->bbt = (pos.valid & JackPositionBBT) != 0;
	tp->bar = pos.bar;
	tp->beat = pos.beat;
	tp->tick = pos.tick;
	tp->ticks_per_beat = pos.ticks_per_beat;
	tp->beats_per_bar = pos.beats_per_bar;
	tp->beat_type = pos.beat_type;
	tp->bpm = pos.beats_per_minute;
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts); /* vDSO: no system call */
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int process(jack_nframes_t nframes, void *arg)
{
	ts_jack *j = arg;
	uint64_t t0 = now_ns();

	/* Ports registered since the last cycle: the engine learns them in the same order. */
	int np = atomic_load_explicit(&j->nports_live, memory_order_acquire);
	for (; j->nports_rt < np; j->nports_rt++)
		if (j->eng)
			ts_engine_add_port(j->eng, j->port_names[j->nports_rt]);
	/* Every output is cleared before anything can return early. */
	for (int p = 0; p < j->nports_rt; p++) {
		j->buf[p] = jack_port_get_buffer(j->out[p], nframes);
		jack_midi_clear_buffer(j->buf[p]);
	}
	j->clock_buf = jack_port_get_buffer(j->clock_out, nframes);
	jack_midi_clear_buffer(j->clock_buf);
	for (int a = 0; a < AUDIO_OUTS; a++) {
		j->audio_buf[a] = jack_port_get_buffer(j->audio[a], nframes);
		memset(j->audio_buf[a], 0, nframes * sizeof(float));
	}
	j->nframes = nframes;
	jack_nframes_t f32 = jack_last_frame_time(j->client);
	j->now64 = j->have_now ? j->now64 + (uint32_t)(f32 - j->now32) : f32;
	j->now32 = f32;
	j->have_now = true;

	if (j->eng) {
		ts_engine_set_click(j->eng, atomic_load_explicit(&j->click, memory_order_relaxed));
		/* read input, feed the timeline, run the engine through it, write its events */
		ts_timeline_input in;
		unsigned cmd_seq;
		cycle_input(j, &in, &cmd_seq);
		ts_jack_input_begin(j);
		ts_timeline_cycle(&j->tl, &in, &j->host);
		ts_jack_input_end(j);
		if (j->cfg.link)
			outq_flush(j);
		if (j->tl.st.command_taken) {
			j->cmd_seen = cmd_seq;
			atomic_store_explicit(&j->cmd_done, cmd_seq, memory_order_release);
		}
		atomic_store_explicit(&j->sync_ready, j->tl.st.sync_ready, memory_order_relaxed);
	}
	if (j->cfg.monitor)
		ts_jack_mon_flush_in(j, UINT64_MAX); /* what came after the last message sent */
	/* the hits of this period start at their frames */
	ts_jack_status *st = &j->rt.st;
	if (j->voices) {
		ts_voices_render(j->voices, j->audio_buf[0], j->audio_buf[1], nframes);
		st->voice_hits = j->hits_here;
		st->voices_lost = ts_voices_lost(j->voices);
	}
	if (j->eng) {
		ts_engine_status es;
		ts_engine_get_status(j->eng, &es);
		st->frames = es.frames;
		st->step1 = es.step[0];
		memcpy(st->step, es.step, sizeof(st->step));
		memcpy(st->phase, es.phase, sizeof(st->phase));
		memcpy(st->track_time, es.time, sizeof(st->track_time));
		st->lost_events = j->lost_here + es.lost_events;
		st->pattern = es.pattern;
		st->queued = es.queued;
		st->changes = es.changes;
		st->song_row = es.row;
		st->song_rows = es.rows;
		st->song_repeat = es.repeat;
		st->song_repeats = es.repeats;
		st->song_ended = es.ended;
		timeline_status(j, st);
		ts_jack_input_status(j, st);
	}
	st->period_frames = nframes;
	st->cycles++;
	ts_snapshot_publish(&j->snap, &j->rt);

	uint64_t dt = now_ns() - t0;
	unsigned ns = dt > UINT32_MAX ? UINT32_MAX : (unsigned)dt;
	unsigned seen = atomic_load_explicit(&j->cb_ns_max, memory_order_relaxed);
	while (ns > seen && !atomic_compare_exchange_weak_explicit(&j->cb_ns_max, &seen, ns,
								     memory_order_relaxed,
								     memory_order_relaxed))
		;
	return 0;
}

/* ---- other JACK callbacks (not real-time, but not ours either: atomics only) ---- */

static int on_xrun(void *arg)
{
	ts_jack *j = arg;
	atomic_fetch_add_explicit(&j->xruns, 1, memory_order_relaxed);
	return 0;
}

/* JACK's latency callback (not real-time; JACK's thread): the playback latency of each of our
 * pattern ports and clock_out (what they are connected to says it is heard that much later),
 * and the largest. A port's latency and the largest are read separately by the process thread:
 * for a cycle after a change they may disagree, and an event is then up to that change off. */
static void on_latency(jack_latency_callback_mode_t mode, void *arg)
{
	ts_jack *j = arg;
	if (mode != JackPlaybackLatency)
		return;
	unsigned most = 0;
	int np = atomic_load_explicit(&j->nports_live, memory_order_acquire);
	for (int p = 0; p <= np; p++) {
		jack_latency_range_t r;
		jack_port_get_latency_range(p < np ? j->out[p] : j->clock_out, JackPlaybackLatency,
					    &r);
		atomic_store_explicit(&j->port_latency[p < np ? p : TS_MAX_PORTS], r.max,
				      memory_order_relaxed);
		if (r.max > most)
			most = r.max;
	}
	atomic_store_explicit(&j->latency, most, memory_order_relaxed);
}

static void on_shutdown(jack_status_t code, const char *reason, void *arg)
{
	(void)code;
	(void)reason;
	ts_jack *j = arg;
	atomic_store(&j->gone, true);
	if (j->cfg.wake_fd >= 0) {
		int saved = errno;
		ssize_t w = write(j->cfg.wake_fd, "j", 1);
		(void)w; /* a full pipe already wakes the reader */
		errno = saved;
	}
}

/* ---- setup and control (main thread) ---- */

/* libjack reports through these. Its lines repeat what our own messages say (no server, the
 * server went away) in its own words, so they are shown only when asked for (--verbose), and
 * never while opening: a missing server gets one line, ours. */
static atomic_bool jack_quiet;

static void jack_message(const char *msg)
{
	if (!atomic_load(&jack_quiet))
		fprintf(stderr, "trigseq: JACK: %s\n", msg);
}

static bool is_fixed_name(const char *name)
{
	if (strcmp(name, clock_name) == 0)
		return true;
	for (int i = 0; i < N_IN; i++)
		if (strcmp(name, in_names[i]) == 0)
			return true;
	for (int i = 0; i < AUDIO_OUTS; i++)
		if (strcmp(name, audio_names[i]) == 0)
			return true;
	return false;
}

ts_jack *ts_jack_open(const ts_jack_config *cfg, bool *no_server, char *err, size_t errlen)
{
	*no_server = false;
	if (cfg->nports < 1 || cfg->nports > TS_MAX_PORTS) {
		snprintf(err, errlen, "%s", "no output port");
		return NULL;
	}
	for (int p = 0; p < cfg->nports; p++) {
		if (is_fixed_name(cfg->ports[p])) {
			snprintf(err, errlen,
				 "a track's port '%s' has the name of one of trigseq's own ports; "
				 "rename it in the pattern",
				 cfg->ports[p]);
			return NULL;
		}
	}
	ts_jack *j = ts_rtmem_alloc(sizeof(*j));
	if (!j) {
		snprintf(err, errlen, "%s", ts_strerror(TS_ERR_NOMEM));
		return NULL;
	}
	j->cfg = *cfg;
	atomic_init(&j->nports_live, cfg->nports);
	j->nports_rt = cfg->nports;
	for (int i = 0; i < N_IN; i++)
		ts_midi_in_init(&j->parser[i]);
	ts_thru_init(&j->thru, cfg->midi_in_channel);
	j->link_tempo10 = cfg->tempo10; /* the session's when joining: not proposed again */
	if (!(cfg->quantum > 0))
		j->cfg.quantum = 4;
	for (int p = 0; p < cfg->nports; p++) {
		snprintf(j->port_names[p], sizeof(j->port_names[p]), "%s", cfg->ports[p]);
		j->cfg.ports[p] = j->port_names[p];
	}

	jack_status_t st = 0;
	jack_options_t opts = JackNoStartServer;
	if (cfg->server_name)
		opts |= JackServerName;
	jack_set_error_function(jack_message);
	jack_set_info_function(jack_message);
	atomic_store(&jack_quiet, true);
	j->client = cfg->server_name ? jack_client_open(cfg->client_name, opts, &st, cfg->server_name)
				     : jack_client_open(cfg->client_name, opts, &st);
	atomic_store(&jack_quiet, !cfg->jack_messages);
	if (!j->client) {
		const char *server = cfg->server_name ? cfg->server_name : getenv("JACK_DEFAULT_SERVER");
		if (!server || !*server)
			server = "default";
		if (st & JackServerFailed) {
			*no_server = true;
			snprintf(err, errlen,
				 "no JACK server is running (server \"%s\"); start one, e.g. "
				 "'jackd -d dummy -r 48000 -p 256 &' or with qjackctl",
				 server);
		} else if (st & (JackInvalidOption | JackNameNotUnique)) {
			snprintf(err, errlen, "JACK refused the client name '%s'", cfg->client_name);
		} else {
			snprintf(err, errlen, "cannot open a JACK client on server \"%s\" (status 0x%x)",
				 server, (unsigned)st);
		}
		ts_rtmem_free(j);
		return NULL;
	}
	j->rate = jack_get_sample_rate(j->client);
	if (cfg->tempo10 < TS_TEMPO10_MIN || cfg->tempo10 > TS_TEMPO10_MAX)
		j->cfg.tempo10 = 1200;
	if (cfg->sync_midi || !cfg->send_clock)
		j->cfg.clock_while_stopped = false;
	atomic_store(&j->sync_ready, true);
	j->rt.st.program_last = -1;
	j->rt.st.queued = -1;
	ts_snapshot_init(&j->snap, j->snap_slot, sizeof(rt_status), &j->rt);

	const char *failed = NULL;
	for (int p = 0; p < cfg->nports && !failed; p++) {
		j->out[p] = jack_port_register(j->client, j->port_names[p], JACK_DEFAULT_MIDI_TYPE,
					       JackPortIsOutput, 0);
		if (!j->out[p])
			failed = j->port_names[p];
	}
	if (!failed && !(j->clock_out = jack_port_register(j->client, clock_name,
							    JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0)))
		failed = clock_name;
	for (int i = 0; i < N_IN && !failed; i++)
		if (!(j->in[i] = jack_port_register(j->client, in_names[i], JACK_DEFAULT_MIDI_TYPE,
						    JackPortIsInput, 0)))
			failed = in_names[i];
	for (int a = 0; a < AUDIO_OUTS && !failed; a++)
		if (!(j->audio[a] = jack_port_register(j->client, audio_names[a],
						       JACK_DEFAULT_AUDIO_TYPE, JackPortIsOutput, 0)))
			failed = audio_names[a];
	if (failed || jack_set_process_callback(j->client, process, j) != 0 ||
	    jack_set_xrun_callback(j->client, on_xrun, j) != 0 ||
	    (cfg->link && jack_set_latency_callback(j->client, on_latency, j) != 0) ||
	    (j->cfg.clock_while_stopped && j->cfg.sync_jack &&
	     jack_set_sync_callback(j->client, on_sync, j) != 0)) {
		snprintf(err, errlen, "cannot register JACK port '%s'", failed ? failed : "(callback)");
		jack_client_close(j->client);
		ts_rtmem_free(j);
		return NULL;
	}
	jack_on_info_shutdown(j->client, on_shutdown, j);
	return j;
}

uint32_t ts_jack_rate(const ts_jack *j)
{
	return j->rate;
}

const char *ts_jack_client_name(const ts_jack *j)
{
	return jack_get_client_name(j->client);
}

static jack_port_t *our_port(const ts_jack *j, const char *name)
{
	int np = atomic_load_explicit(&j->nports_live, memory_order_acquire);
	for (int p = 0; p < np; p++)
		if (strcmp(name, j->port_names[p]) == 0)
			return j->out[p];
	if (strcmp(name, clock_name) == 0)
		return j->clock_out;
	for (int i = 0; i < N_IN; i++)
		if (strcmp(name, in_names[i]) == 0)
			return j->in[i];
	for (int a = 0; a < AUDIO_OUTS; a++)
		if (strcmp(name, audio_names[a]) == 0)
			return j->audio[a];
	return NULL;
}

bool ts_jack_has_port(const ts_jack *j, const char *port)
{
	return our_port(j, port) != NULL;
}

ts_status ts_jack_add_port(ts_jack *j, const char *name, char *err, size_t errlen)
{
	int n = atomic_load_explicit(&j->nports_live, memory_order_relaxed);
	if (our_port(j, name)) {
		snprintf(err, errlen, "port '%s' exists already", name);
		return TS_ERR_RANGE;
	}
	if (is_fixed_name(name) || strlen(name) > TS_PORT_NAME_MAX) {
		snprintf(err, errlen, "'%s' cannot be a track's port name", name);
		return TS_ERR_RANGE;
	}
	if (n == TS_MAX_PORTS) {
		snprintf(err, errlen, "no room for port '%s': %d ports at most", name, TS_MAX_PORTS);
		return TS_ERR_FULL;
	}
	snprintf(j->port_names[n], sizeof(j->port_names[n]), "%s", name);
	j->out[n] = jack_port_register(j->client, j->port_names[n], JACK_DEFAULT_MIDI_TYPE,
				       JackPortIsOutput, 0);
	if (!j->out[n]) {
		snprintf(err, errlen, "JACK would not register port '%s'", name);
		return TS_ERR_IO;
	}
	atomic_store_explicit(&j->nports_live, n + 1, memory_order_release);
	return TS_OK;
}

ts_status ts_jack_activate(ts_jack *j, ts_engine *eng, ts_voices *voices, char *err,
			   size_t errlen)
{
	j->eng = eng;
	j->voices = voices;
	ts_timeline_config tc = {
		.source = j->cfg.sync_midi  ? TS_TIMELINE_MIDI_CLOCK
			  : j->cfg.sync_jack ? TS_TIMELINE_JACK
			  : j->cfg.link	     ? TS_TIMELINE_LINK
					     : TS_TIMELINE_INTERNAL,
		.rate = j->rate,
		.tempo10 = j->cfg.tempo10,
		.interactive = j->cfg.interactive,
		.clock_while_stopped = j->cfg.clock_while_stopped,
		.program_receive = j->cfg.program_receive,
	};
	ts_timeline_init(&j->tl, &tc, eng);
	j->host = (ts_timeline_host){.ctx = j, .out = put_event, .editor = host_editor,
				     .input = ts_jack_host_input};
	if (jack_activate(j->client) != 0) {
		snprintf(err, errlen, "%s", "cannot activate the JACK client");
		j->eng = NULL;
		j->voices = NULL;
		return TS_ERR_IO;
	}
	j->active = true;
	return TS_OK;
}

ts_status ts_jack_connect(ts_jack *j, const char *port, const char *dest, int *count, char *err,
			  size_t errlen)
{
	*count = 0;
	jack_port_t *ours = our_port(j, port);
	if (!ours) {
		snprintf(err, errlen, "'%s' is not a port of trigseq", port);
		return TS_ERR_USAGE;
	}
	return ts_jack_port_connect(j->client, ours, port, dest, count, err, errlen);
}

static void sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* The newest status the process thread published (the main thread is the snapshot's reader). */
static const rt_status *published(ts_jack *j)
{
	ts_snapshot_read(&j->snap, &j->seen);
	return &j->seen;
}

static bool cycles_reached(const rt_status *r, uint64_t n)
{
	return r->st.cycles >= n;
}

static bool listening(const rt_status *r, uint64_t unused)
{
	(void)unused;
	return r->st.listening;
}

static bool started(const rt_status *r, uint64_t unused)
{
	(void)unused;
	return r->st.started;
}

static bool stopped(const rt_status *r, uint64_t unused)
{
	(void)unused;
	return r->stop_done;
}

/* Wait until the process callback publishes a status where done(status, arg) holds; false on
 * timeout or when the server went away. */
static bool wait_status(ts_jack *j, bool (*done)(const rt_status *, uint64_t), uint64_t arg,
			int timeout_ms)
{
	for (int waited = 0; waited <= timeout_ms; waited++) {
		if (atomic_load(&j->gone))
			return false;
		if (done(published(j), arg))
			return true;
		sleep_ms(1);
	}
	return false;
}

/* Start or stop the Link session (start/stop sync), unless it is so already. A start is two
 * periods ahead, beat 0 asked there: alone, step 1 plays then; with peers, at their next quantum
 * boundary. A stop is now. */
static void link_session_play(ts_jack *j, bool play)
{
	if (play == ts_link_is_playing(j->cfg.link))
		return;
	int64_t now = ts_link_clock_us(j->cfg.link);
	int64_t ahead = 2 * (int64_t)published(j)->st.period_frames * 1000000 / j->rate;
	ts_link_request_playing(j->cfg.link, play, play ? now + ahead : now, 0, j->cfg.quantum);
}

bool ts_jack_start(ts_jack *j, int timeout_ms)
{
	if (!j->active)
		return false;
	/* Connections made just before take effect with the next graph cycle: let two cycles run
	 * so that the first events are not sent into ports nobody reads yet. */
	if (!wait_status(j, cycles_reached, published(j)->st.cycles + 2, timeout_ms))
		return false;
	atomic_store_explicit(&j->start_req, true, memory_order_release);
	if (j->cfg.link && j->cfg.link_start_stop && j->cfg.link_start)
		link_session_play(j, true);
	return wait_status(j, j->cfg.sync_midi || j->cfg.sync_jack || j->cfg.link ? listening : started,
			   0, timeout_ms);
}

bool ts_jack_stop(ts_jack *j, int timeout_ms)
{
	if (!j->active)
		return true;
	atomic_store_explicit(&j->stop_req, true, memory_order_release);
	if (!wait_status(j, stopped, 0, timeout_ms))
		return false;
	/* The stop cycle is written once the callback returns and read by peers later in the
	 * same cycle; one more complete cycle makes sure of both. */
	return wait_status(j, cycles_reached, published(j)->st.cycles + 2, timeout_ms);
}

/* The editor's play and stop with a Link session: with start/stop sync they start and stop the
 * session (a start two periods ahead, beat 0 asked), and the timeline follows it; without, they
 * are the editor's own. */
static void link_command(ts_jack *j, ts_jack_cmd cmd)
{
	bool play = cmd != TS_JACK_STOP;
	if (!j->cfg.link_start_stop) {
		atomic_store_explicit(&j->link_play, play, memory_order_relaxed);
		return;
	}
	link_session_play(j, play);
}

void ts_jack_command(ts_jack *j, ts_jack_cmd cmd)
{
	if (j->cfg.link)
		link_command(j, cmd);
	atomic_store_explicit(&j->cmd, (int)cmd, memory_order_relaxed);
	atomic_fetch_add_explicit(&j->cmd_seq, 1, memory_order_release);
}

bool ts_jack_command_done(ts_jack *j)
{
	return atomic_load_explicit(&j->cmd_done, memory_order_acquire) ==
	       atomic_load_explicit(&j->cmd_seq, memory_order_relaxed);
}

bool ts_jack_send_midi(ts_jack *j, int port, int track, const uint8_t *bytes, int size)
{
	if (!j->cfg.inject || port < 0 || port >= atomic_load(&j->nports_live) || size < 1 ||
	    size > 3)
		return false;
	ts_monitor_rec r;
	memset(&r, 0, sizeof(r));
	r.port = (uint8_t)port;
	r.track = (uint8_t)track;
	r.size = (uint8_t)size;
	memcpy(r.bytes, bytes, (size_t)size);
	return ts_monitor_push(j->cfg.inject, &r);
}

void ts_jack_set_tempo(ts_jack *j, uint16_t tempo10)
{
	/* with Link, the tempo is proposed to the session, whose tempo plays */
	if (j->cfg.link && tempo10 && tempo10 != j->link_tempo10) {
		ts_link_request_tempo(j->cfg.link, tempo10 / 10.0, ts_link_clock_us(j->cfg.link));
		j->link_tempo10 = tempo10;
	}
	atomic_store_explicit(&j->tempo_req, tempo10, memory_order_relaxed);
}

void ts_jack_set_fill(ts_jack *j, bool fill)
{
	atomic_store_explicit(&j->fill, fill, memory_order_relaxed);
}

void ts_jack_set_click(ts_jack *j, bool click)
{
	atomic_store_explicit(&j->click, click, memory_order_relaxed);
}

bool ts_jack_send_pattern(ts_jack *j, int index, const ts_pattern *pat)
{
	unsigned pub = atomic_load_explicit(&j->pat_pub, memory_order_relaxed);
	if (atomic_load_explicit(&j->pat_taken, memory_order_acquire) != pub)
		return false; /* the last one is not taken yet: the process thread may read it */
	j->mbox[(pub + 1) & 1] = *pat;
	j->mbox_index[(pub + 1) & 1] = index;
	atomic_store_explicit(&j->pat_pub, pub + 1, memory_order_release);
	return true;
}

bool ts_jack_send_song(ts_jack *j, const ts_song *song)
{
	unsigned pub = atomic_load_explicit(&j->song_pub, memory_order_relaxed);
	if (atomic_load_explicit(&j->song_taken, memory_order_acquire) != pub)
		return false; /* the process thread may be reading the last one */
	j->song_box = *song;
	atomic_store_explicit(&j->song_pub, pub + 1, memory_order_release);
	return true;
}

void ts_jack_song_jump(ts_jack *j, int row)
{
	atomic_store_explicit(&j->jump_row, row, memory_order_relaxed);
	atomic_fetch_add_explicit(&j->jump_seq, 1, memory_order_release);
}

void ts_jack_select(ts_jack *j, int index, ts_select_mode mode)
{
	atomic_store_explicit(&j->sel_index, index, memory_order_relaxed);
	atomic_store_explicit(&j->sel_mode, (int)mode, memory_order_relaxed);
	atomic_fetch_add_explicit(&j->sel_seq, 1, memory_order_release);
}

void ts_jack_set_thru(ts_jack *j, const ts_thru_dest *dest)
{
	atomic_store_explicit(&j->thru_dest, ts_jack_thru_pack(dest), memory_order_relaxed);
}

static bool released(const rt_status *r, uint64_t seq)
{
	return r->release_done == (unsigned)seq;
}

bool ts_jack_release_thru(ts_jack *j, int timeout_ms)
{
	if (!j->active || !j->eng)
		return true;
	unsigned seq = atomic_fetch_add_explicit(&j->release_seq, 1, memory_order_release) + 1;
	if (!wait_status(j, released, seq, timeout_ms))
		return false;
	/* read by peers once the cycle is over: one more complete cycle makes sure */
	return wait_status(j, cycles_reached, published(j)->st.cycles + 2, timeout_ms);
}

bool ts_jack_server_gone(const ts_jack *j)
{
	return atomic_load(&j->gone);
}

void ts_jack_get_status(ts_jack *j, ts_jack_status *st)
{
	*st = published(j)->st;
	/* what the other threads say, and the main thread's own hand-over */
	st->server_gone = atomic_load(&j->gone);
	st->xruns = atomic_load(&j->xruns);
	st->pattern_updates_waiting = atomic_load(&j->pat_pub) != atomic_load(&j->pat_taken);
	st->callback_ns_max = atomic_exchange(&j->cb_ns_max, 0);
	if (!st->server_gone && j->active)
		st->dsp_load = jack_cpu_load(j->client);
}

void ts_jack_close(ts_jack *j)
{
	if (!j)
		return;
	bool gone = atomic_load(&j->gone);
	/* no note left hanging on a synth played through thru */
	if (j->active && !gone && published(j)->st.thru_held > 0)
		ts_jack_release_thru(j, 500);
	if (j->active && !gone)
		jack_deactivate(j->client);
	jack_client_close(j->client);
	ts_rtmem_free(j);
}
