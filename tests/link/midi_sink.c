/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * midi_sink: a test peer that plays the part of a MIDI interface with an output latency. Its
 * input port declares a playback latency of LATENCY frames (JACK then reports it on every port
 * connected to it), and it prints each event it receives as "<absolute JACK frame> <hex
 * bytes>", until SIGINT or SIGTERM.
 * usage: midi_sink NAME LATENCY
 */
#define _DEFAULT_SOURCE
#include <inttypes.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_EVENTS 65536

typedef struct {
	uint64_t frame;
	uint8_t size, bytes[3];
} event;

static jack_client_t *client;
static jack_port_t *in;
static jack_nframes_t latency;
static event events[MAX_EVENTS];
static atomic_int nevents;
static volatile sig_atomic_t stop;

static int process(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	void *buf = jack_port_get_buffer(in, nframes);
	uint64_t now = jack_last_frame_time(client);
	uint32_t n = jack_midi_get_event_count(buf);
	int k = atomic_load(&nevents);
	for (uint32_t i = 0; i < n && k < MAX_EVENTS; i++) {
		jack_midi_event_t ev;
		if (jack_midi_event_get(&ev, buf, i) != 0 || ev.size < 1 || ev.size > 3)
			continue;
		events[k] = (event){.frame = now + ev.time, .size = (uint8_t)ev.size};
		for (size_t b = 0; b < ev.size; b++)
			events[k].bytes[b] = ev.buffer[b];
		k++;
	}
	atomic_store(&nevents, k);
	return 0;
}

/* The port is heard `latency` frames after it is written: say so to JACK. */
static void on_latency(jack_latency_callback_mode_t mode, void *arg)
{
	(void)arg;
	if (mode != JackPlaybackLatency)
		return;
	jack_latency_range_t r = {latency, latency};
	jack_port_set_latency_range(in, JackPlaybackLatency, &r);
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: midi_sink NAME LATENCY\n");
		return 2;
	}
	latency = (jack_nframes_t)atoi(argv[2]);
	client = jack_client_open(argv[1], JackNoStartServer, NULL);
	if (!client) {
		fprintf(stderr, "midi_sink: no JACK server\n");
		return 1;
	}
	in = jack_port_register(client, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
	if (!in || jack_set_process_callback(client, process, NULL) ||
	    jack_set_latency_callback(client, on_latency, NULL) || jack_activate(client)) {
		fprintf(stderr, "midi_sink: cannot set up the client\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		pause();
	jack_deactivate(client);
	int n = atomic_load(&nevents);
	for (int i = 0; i < n; i++) {
		printf("%" PRIu64, events[i].frame);
		for (int b = 0; b < events[i].size; b++)
			printf(" %02X", events[i].bytes[b]);
		putchar('\n');
	}
	jack_client_close(client);
	return 0;
}
