/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * jitter_clock: a steady MIDI clock master for the clock-slave tests, written for them.
 *
 * It models a crystal clock sent over a USB MIDI cable: tick k belongs at its exact frame
 * start + k·R·60/(T·24) (a steady grid, no drift), but each one arrives late by an independent
 * uniform random 0 … J ms. Start (FA) goes out with tick 0, Stop (FC) after the last tick.
 * For each tick it prints "<true frame> <sent frame>" (absolute JACK frames) to stdout, so a test
 * can measure a follower against the true grid, not against the jittered arrivals.
 *
 * usage: jitter_clock [--bpm T] [--jitter-ms J] [--seed S] [--ticks N] [--delay-ms D] [--no-start]
 *                     [--connect PORT]
 * Honours JACK_DEFAULT_SERVER. Exits 0 after the last tick has been written.
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

static jack_client_t *client;
static jack_port_t *out_port;
static double bpm = 120.0, jitter_ms = 2.0, delay_ms = 500.0;
static uint64_t seed = 1;
static long nticks = 2000;
static bool send_start = true;

/* Filled before activation, read by the process thread only. */
static uint64_t *true_frame, *sent_frame;
static long next_tick;           /* next tick to write, process thread only */
static bool stop_sent;
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

/* The grid and the late arrivals, computed once the first period fixes the origin. */
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
}

static int process(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	void *buf = jack_port_get_buffer(out_port, nframes);
	jack_midi_clear_buffer(buf);
	uint64_t start = jack_last_frame_time(client), end = start + nframes;
	if (!atomic_load(&have_origin)) {
		origin = start + (uint64_t)(delay_ms * jack_get_sample_rate(client) / 1000.0);
		plan(jack_get_sample_rate(client));
		atomic_store(&have_origin, 1);
	}
	while (next_tick < nticks && sent_frame[next_tick] < end) {
		uint64_t f = sent_frame[next_tick] < start ? start : sent_frame[next_tick];
		if (next_tick == 0 && send_start) {
			jack_midi_data_t fa = 0xFA;
			jack_midi_event_write(buf, (jack_nframes_t)(f - start), &fa, 1);
		}
		jack_midi_data_t f8 = 0xF8;
		jack_midi_event_write(buf, (jack_nframes_t)(f - start), &f8, 1);
		sent_frame[next_tick] = f;
		next_tick++;
	}
	if (next_tick == nticks && !stop_sent) {
		jack_midi_data_t fc = 0xFC;
		jack_midi_event_write(buf, nframes - 1, &fc, 1);
		stop_sent = true;
		atomic_store(&done, 1);
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: jitter_clock [--bpm T] [--jitter-ms J] [--seed S] [--ticks N] "
			"[--delay-ms D] [--no-start] [--connect PORT]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *connect_to = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--no-start") == 0) {
			send_start = false;
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
		else if (strcmp(a, "--connect") == 0)
			connect_to = v;
		else
			usage();
	}
	if (bpm < 20 || bpm > 400 || jitter_ms < 0 || nticks < 1 || nticks > MAX_TICKS)
		usage();
	rng_state = seed;
	true_frame = calloc((size_t)nticks, sizeof(*true_frame));
	sent_frame = calloc((size_t)nticks, sizeof(*sent_frame));
	if (!true_frame || !sent_frame)
		return 1;
	jack_status_t st;
	client = jack_client_open("jitter_clock", JackNoStartServer, &st);
	if (!client) {
		fprintf(stderr, "jitter_clock: cannot connect to the JACK server\n");
		return 1;
	}
	out_port = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
	if (!out_port || jack_set_process_callback(client, process, NULL) || jack_activate(client)) {
		fprintf(stderr, "jitter_clock: cannot set up the JACK client\n");
		return 1;
	}
	if (connect_to && jack_connect(client, jack_port_name(out_port), connect_to) != 0) {
		fprintf(stderr, "jitter_clock: cannot connect to %s\n", connect_to);
		return 1;
	}
	struct timespec pause = {0, 10 * 1000 * 1000};
	while (!atomic_load(&done))
		nanosleep(&pause, NULL);
	nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL); /* let the last period go out */
	jack_deactivate(client);
	jack_client_close(client);
	for (long k = 0; k < nticks; k++)
		printf("%" PRIu64 " %" PRIu64 "\n", true_frame[k], sent_frame[k]);
	free(true_frame);
	free(sent_frame);
	return 0;
}
