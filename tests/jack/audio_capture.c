/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A test peer that records two audio inputs with the JACK frame time of the first frame kept.
 *
 * usage: audio_capture CLIENT OUT SECONDS
 *   registers CLIENT:in_1 and CLIENT:in_2, records from activation for SECONDS (or until SIGINT
 *   or SIGTERM), then writes OUT: one text line "FRAME0 RATE FRAMES\n" (FRAME0 the JACK frame
 *   time of the first frame recorded), then FRAMES frames of float32 stereo, interleaved, in
 *   the machine's byte order. Prints "ready" on stdout once active.
 */
#define _DEFAULT_SOURCE
#include <jack/jack.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static jack_port_t *in[2];
static jack_client_t *client;
static float *buf;
static size_t cap;
static atomic_size_t pos;
static atomic_uint frame0;
static atomic_bool have_frame0;
static atomic_bool stop;

static int process(jack_nframes_t n, void *arg)
{
	(void)arg;
	if (!atomic_load(&have_frame0)) {
		atomic_store(&frame0, jack_last_frame_time(client));
		atomic_store(&have_frame0, true);
	}
	const float *l = jack_port_get_buffer(in[0], n), *r = jack_port_get_buffer(in[1], n);
	size_t at = atomic_load(&pos);
	for (jack_nframes_t i = 0; i < n && at < cap; i++, at++) {
		buf[2 * at] = l[i];
		buf[2 * at + 1] = r[i];
	}
	atomic_store(&pos, at);
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&stop, true);
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fputs("usage: audio_capture CLIENT OUT SECONDS\n", stderr);
		return 2;
	}
	client = jack_client_open(argv[1], JackNoStartServer, NULL);
	if (!client) {
		fputs("audio_capture: no JACK server\n", stderr);
		return 1;
	}
	jack_nframes_t rate = jack_get_sample_rate(client);
	cap = (size_t)(atof(argv[3]) * rate);
	buf = calloc(cap * 2 + 2, sizeof(*buf));
	in[0] = jack_port_register(client, "in_1", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	in[1] = jack_port_register(client, "in_2", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
	if (!buf || !in[0] || !in[1] || jack_set_process_callback(client, process, NULL) != 0 ||
	    jack_activate(client) != 0) {
		fputs("audio_capture: setup failed\n", stderr);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!atomic_load(&stop) && atomic_load(&pos) < cap)
		usleep(10000);
	jack_deactivate(client);
	jack_client_close(client);
	size_t n = atomic_load(&pos);
	FILE *f = fopen(argv[2], "wb");
	if (!f || fprintf(f, "%u %u %zu\n", atomic_load(&frame0), rate, n) < 0 ||
	    fwrite(buf, 2 * sizeof(float), n, f) != n || fclose(f) != 0) {
		perror(argv[2]);
		return 1;
	}
	free(buf);
	return 0;
}
