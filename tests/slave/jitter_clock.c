/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jitter_clock: a steady MIDI clock master for the clock-slave tests, written for them.
 *
 * It models a crystal clock sent over a USB MIDI cable: tick k belongs at its exact frame
 * start + k·R·60/(T·24) (a steady grid, no drift), but each one arrives late by an independent
 * uniform random 0 … J ms. Start (FA) goes out with tick 0, Stop (FC) after the last tick.
 * For each tick sent it prints "<true frame> <sent frame> <song tick>" (absolute JACK frames; the
 * song position the tick stands for) to stdout, so a test can measure a follower against the
 * true grid, not against the jittered arrivals. Transport it sends is printed as comment lines:
 * "# start|stop|continue|spp <sent frame> [<value>]".
 *
 * Options beyond a steady run, each for one test:
 *   --stop-after N --pause-ticks P --spp S
 *       after N ticks send Stop (half-way to tick N); the grid goes on silently for P ticks; then
 *       Song Position Pointer S (16ths) half-way through the pause, and Continue with the next
 *       tick, which is song tick 6·S.
 *   --lose-after N --tail-ms D
 *       send N ticks, then nothing at all (no Stop) for D ms before exiting: a lost clock.
 *   --lose-after N --resume-after M
 *       the same, but after M ticks of the grid not sent, send it again from tick N + M (its song
 *       ticks go on from N: a slave counts the ticks it gets) and Stop after the last.
 *   --spp-at K:S (up to 8 times)
 *       while running, Song Position Pointer S (16ths) half-way between ticks K - 1 and K; tick K
 *       is song tick 6·S.
 *   --garbage
 *       between ticks, junk bytes (never F2 F8 FA FB FC); some ticks inside a note-on's bytes
 *       or a SysEx, in one JACK event.
 *
 * A second output, `clean`, carries the same ticks and transport at the same frames without the
 * junk (every tick a lone F8), for a monitor that should not parse junk: --monitor PORT.
 *
 * usage: jitter_clock [--bpm T] [--jitter-ms J] [--seed S] [--ticks N] [--delay-ms D] [--no-start]
 *                     [--name NAME] [--connect PORT]... [--monitor PORT]... [the options above]
 * Honours JACK_DEFAULT_SERVER. Exits 0 after the last event has been written.
 */
#include <errno.h>
#include <inttypes.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_TICKS 200000
#define MAX_CONNECT 8
#define MAX_SPP_AT 8

typedef struct {
	uint64_t frame;
	uint8_t len;
	uint8_t bytes[6];
	uint8_t clean;       /* what `clean` gets: 0 nothing (junk), else this one byte ... */
	uint8_t clean_spp;   /* ... or the SPP in bytes[] */
} planned;

static jack_client_t *client;
static jack_port_t *out_port, *clean_port;
static double bpm = 120.0, jitter_ms = 2.0, delay_ms = 500.0, tail_ms = 0;
static uint64_t seed = 1;
static long nticks = 2000, stop_after = -1, pause_ticks = 48, lose_after = -1, resume_after = -1;
static unsigned spp = 0;
static long spp_at_tick[MAX_SPP_AT];
static unsigned spp_at_song[MAX_SPP_AT];
static int nspp_at;
static bool send_start = true, garbage;

/* Filled before activation (the plan, in the first period), read by the process thread only. */
static uint64_t *true_frame, *sent_frame;
static int64_t *song_tick;       /* -1: the grid tick was not sent */
static planned *ev;
static long nev, next_ev;
static uint64_t end_frame;
static _Atomic int done;
static uint64_t origin;          /* frame of tick 0 on the true grid */
static _Atomic int have_origin;

static uint64_t rng_state;
static uint64_t next_random(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

static void add(uint64_t frame, int len, const uint8_t *b)
{
	planned *p = &ev[nev++];
	p->frame = frame;
	p->len = (uint8_t)len;
	memcpy(p->bytes, b, (size_t)len);
	p->clean = 0;
	p->clean_spp = b[0] == 0xF2;
	for (int i = 0; i < len; i++)
		if (b[i] == 0xF8 || b[i] == 0xFA || b[i] == 0xFB || b[i] == 0xFC)
			p->clean = b[i];
}

static uint8_t junk_byte(void)
{
	for (;;) {
		uint8_t b = (uint8_t)(next_random() >> 56);
		if (b != 0xF2 && b != 0xF8 && b != 0xFA && b != 0xFB && b != 0xFC)
			return b;
	}
}

/* The grid, the late arrivals and every event, computed once the first period fixes the origin. */
static void plan(uint32_t rate)
{
	double frames_per_tick = rate * 60.0 / (bpm * 24.0);
	uint64_t prev = 0;
	for (long k = 0; k < nticks; k++) {
		/* exact grid: floor(origin + k·R·60/(T·24) + 0.5), from k, not accumulated */
		true_frame[k] = origin + (uint64_t)((double)k * frames_per_tick + 0.5);
		double late = (double)(next_random() >> 11) / (double)(1ull << 53) * jitter_ms;
		sent_frame[k] = true_frame[k] + (uint64_t)(late * rate / 1000.0 + 0.5);
		if (sent_frame[k] < prev) /* MIDI is a serial line: a tick never overtakes the one before */
			sent_frame[k] = prev;
		prev = sent_frame[k];
	}
	long resume = stop_after >= 0 ? stop_after + pause_ticks : -1;
	int64_t song = 0;
	for (long k = 0; k < nticks; k++) {
		song_tick[k] = -1;
		if (lose_after >= 0 && k >= lose_after && (resume_after < 0 || k < lose_after + resume_after))
			continue;
		for (int i = 0; i < nspp_at; i++) {
			if (k != spp_at_tick[i])
				continue;
			unsigned s = spp_at_song[i];
			add(true_frame[k - 1] + (true_frame[k] - true_frame[k - 1]) / 2, 3,
			    (const uint8_t[]){0xF2, s & 0x7F, (s >> 7) & 0x7F});
			song = (int64_t)s * 6;
		}
		if (k == stop_after) /* half-way between two ticks: after the last, well before the next */
			add(k > 0 ? true_frame[k - 1] + (true_frame[k] - true_frame[k - 1]) / 2 : sent_frame[k],
			    1, (const uint8_t[]){0xFC});
		if (resume >= 0 && k == stop_after + pause_ticks / 2)
			add(sent_frame[k], 3, (const uint8_t[]){0xF2, spp & 0x7F, (spp >> 7) & 0x7F});
		if (stop_after >= 0 && k >= stop_after && k < resume)
			continue;
		if (k == resume) {
			add(sent_frame[k], 1, (const uint8_t[]){0xFB});
			song = (int64_t)spp * 6;
		}
		if (k == 0 && send_start)
			add(sent_frame[k], 1, (const uint8_t[]){0xFA});
		if (garbage && k > 0) {
			/* junk half-way from the previous tick: 1 to 3 random bytes */
			uint64_t mid = sent_frame[k - 1] + (sent_frame[k] - sent_frame[k - 1]) / 2;
			uint8_t junk[3];
			int n = 1 + (int)(next_random() % 3);
			for (int i = 0; i < n; i++)
				junk[i] = junk_byte();
			add(mid, n, junk);
		}
		uint64_t r = garbage ? next_random() % 4 : 0;
		if (r == 1) /* the tick between the data bytes of a note-on */
			add(sent_frame[k], 4, (const uint8_t[]){0x91, 0x3C, 0xF8, 0x40});
		else if (r == 2) /* the tick inside a SysEx */
			add(sent_frame[k], 5, (const uint8_t[]){0xF0, 0x7D, 0xF8, 0x01, 0xF7});
		else
			add(sent_frame[k], 1, (const uint8_t[]){0xF8});
		song_tick[k] = song++;
	}
	if ((lose_after < 0 || resume_after >= 0) && nticks > 0)
		add(sent_frame[nticks - 1] + 1, 1, (const uint8_t[]){0xFC});
	end_frame = (nev ? ev[nev - 1].frame : origin) + (uint64_t)(tail_ms * rate / 1000.0);
}

static int process(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	void *buf = jack_port_get_buffer(out_port, nframes);
	void *cbuf = jack_port_get_buffer(clean_port, nframes);
	jack_midi_clear_buffer(buf);
	jack_midi_clear_buffer(cbuf);
	uint64_t start = jack_last_frame_time(client), end = start + nframes;
	if (!atomic_load(&have_origin)) {
		origin = start + (uint64_t)(delay_ms * jack_get_sample_rate(client) / 1000.0);
		plan(jack_get_sample_rate(client));
		atomic_store(&have_origin, 1);
	}
	while (next_ev < nev && ev[next_ev].frame < end) {
		planned *p = &ev[next_ev];
		if (p->frame < start)
			p->frame = start;
		jack_nframes_t off = (jack_nframes_t)(p->frame - start);
		jack_midi_event_write(buf, off, p->bytes, p->len);
		if (p->clean_spp)
			jack_midi_event_write(cbuf, off, p->bytes, 3);
		else if (p->clean)
			jack_midi_event_write(cbuf, off, &p->clean, 1);
		next_ev++;
	}
	if (next_ev == nev && end > end_frame)
		atomic_store(&done, 1);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: jitter_clock [--bpm T] [--jitter-ms J] [--seed S] [--ticks N] "
			"[--delay-ms D] [--no-start] [--name NAME] [--connect PORT]... "
			"[--monitor PORT]...\n"
			"       [--stop-after N [--pause-ticks P] [--spp S]] [--lose-after N "
			"[--tail-ms D] [--resume-after M]] [--spp-at K:S]... [--garbage]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *connect_to[MAX_CONNECT], *monitor[MAX_CONNECT], *name = "jitter_clock";
	int nconnect = 0, nmonitor = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--no-start") == 0) {
			send_start = false;
			continue;
		}
		if (strcmp(a, "--garbage") == 0) {
			garbage = true;
			continue;
		}
		if (!v)
			usage();
		i++;
		if (strcmp(a, "--bpm") == 0)
			bpm = atof(v);
		else if (strcmp(a, "--jitter-ms") == 0)
			jitter_ms = atof(v);
		else if (strcmp(a, "--seed") == 0)
			seed = strtoull(v, NULL, 10);
		else if (strcmp(a, "--ticks") == 0)
			nticks = atol(v);
		else if (strcmp(a, "--delay-ms") == 0)
			delay_ms = atof(v);
		else if (strcmp(a, "--stop-after") == 0)
			stop_after = atol(v);
		else if (strcmp(a, "--pause-ticks") == 0)
			pause_ticks = atol(v);
		else if (strcmp(a, "--spp") == 0)
			spp = (unsigned)atol(v);
		else if (strcmp(a, "--lose-after") == 0)
			lose_after = atol(v);
		else if (strcmp(a, "--resume-after") == 0)
			resume_after = atol(v);
		else if (strcmp(a, "--spp-at") == 0 && nspp_at < MAX_SPP_AT &&
			 sscanf(v, "%ld:%u", &spp_at_tick[nspp_at], &spp_at_song[nspp_at]) == 2)
			nspp_at++;
		else if (strcmp(a, "--tail-ms") == 0)
			tail_ms = atof(v);
		else if (strcmp(a, "--name") == 0)
			name = v;
		else if (strcmp(a, "--connect") == 0 && nconnect < MAX_CONNECT)
			connect_to[nconnect++] = v;
		else if (strcmp(a, "--monitor") == 0 && nmonitor < MAX_CONNECT)
			monitor[nmonitor++] = v;
		else
			usage();
	}
	if (bpm < 20 || bpm > 400 || jitter_ms < 0 || nticks < 1 || nticks > MAX_TICKS ||
	    pause_ticks < 2 || spp > 16383 || tail_ms < 0 || (resume_after >= 0 && lose_after < 0))
		usage();
	for (int i = 0; i < nspp_at; i++)
		if (spp_at_tick[i] < 1 || spp_at_song[i] > 16383)
			usage();
	rng_state = seed;
	true_frame = calloc((size_t)nticks, sizeof(*true_frame));
	sent_frame = calloc((size_t)nticks, sizeof(*sent_frame));
	song_tick = calloc((size_t)nticks, sizeof(*song_tick));
	ev = calloc((size_t)nticks * 3 + 8 + MAX_SPP_AT, sizeof(*ev));
	if (!true_frame || !sent_frame || !song_tick || !ev)
		return 1;
	jack_status_t st;
	client = jack_client_open(name, JackNoStartServer, &st);
	if (!client) {
		fprintf(stderr, "jitter_clock: cannot connect to the JACK server\n");
		return 1;
	}
	out_port = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
	clean_port = jack_port_register(client, "clean", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
	if (!out_port || !clean_port || jack_set_process_callback(client, process, NULL) || jack_activate(client)) {
		fprintf(stderr, "jitter_clock: cannot set up the JACK client\n");
		return 1;
	}
	for (int c = 0; c < nconnect; c++) {
		if (jack_connect(client, jack_port_name(out_port), connect_to[c]) != 0) {
			fprintf(stderr, "jitter_clock: cannot connect to %s\n", connect_to[c]);
			return 1;
		}
	}
	for (int c = 0; c < nmonitor; c++) {
		if (jack_connect(client, jack_port_name(clean_port), monitor[c]) != 0) {
			fprintf(stderr, "jitter_clock: cannot connect to %s\n", monitor[c]);
			return 1;
		}
	}
	struct timespec pause = {0, 10 * 1000 * 1000};
	while (!atomic_load(&done))
		nanosleep(&pause, NULL);
	nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL); /* let the last period go out */
	jack_deactivate(client);
	jack_client_close(client);
	for (long e = 0; e < nev; e++) {
		uint8_t b = ev[e].bytes[0];
		const char *what = b == 0xFA ? "start" : b == 0xFB ? "continue" : b == 0xFC ? "stop"
				 : b == 0xF2 ? "spp" : NULL;
		if (what)
			printf("# %s %" PRIu64 "\n", what, ev[e].frame);
	}
	for (long k = 0; k < nticks; k++)
		if (song_tick[k] >= 0)
			printf("%" PRIu64 " %" PRIu64 " %" PRId64 "\n", true_frame[k], sent_frame[k],
			       song_tick[k]);
	free(true_frame);
	free(sent_frame);
	free(song_tick);
	free(ev);
	return 0;
}
