/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * send_midi: a JACK client for the tests that sends given MIDI messages at given times.
 *
 * usage: send_midi [--name NAME] --connect PORT [--connect PORT]... "SECONDS HEX HEX ..." ...
 * Each message goes out on its own JACK event, SECONDS after the first process cycle, at its
 * exact frame. For each message sent it prints "<frame> <hex bytes>" (absolute JACK frames), and
 * exits 0 once the last one is written and another cycle has run. Honours JACK_DEFAULT_SERVER.
 */
#include <errno.h>
#include <inttypes.h>
#include <jack/jack.h>
#include <jack/midiport.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_MSGS 64
#define MAX_CONNECT 8

typedef struct {
	double at;           /* seconds after the first cycle */
	uint64_t frame;      /* absolute, set in the first cycle */
	uint8_t len;
	uint8_t bytes[16];
} message;

static jack_client_t *client;
static jack_port_t *out;
static message msgs[MAX_MSGS];
static int nmsgs;
static atomic_int sent;      /* messages written */
static atomic_bool done;     /* a cycle after the last one */
static bool have_origin;
static uint64_t origin;
static uint64_t sent_frame[MAX_MSGS];

static int process(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	void *buf = jack_port_get_buffer(out, nframes);
	jack_midi_clear_buffer(buf);
	uint64_t now = jack_last_frame_time(client);
	if (!have_origin) {
		have_origin = true;
		origin = now;
		double rate = jack_get_sample_rate(client);
		for (int i = 0; i < nmsgs; i++)
			msgs[i].frame = origin + (uint64_t)(msgs[i].at * rate + 0.5);
	}
	int k = atomic_load(&sent);
	if (k == nmsgs) {
		atomic_store(&done, true);
		return 0;
	}
	while (k < nmsgs && msgs[k].frame < now + nframes) {
		uint64_t f = msgs[k].frame < now ? now : msgs[k].frame;
		if (jack_midi_event_write(buf, (jack_nframes_t)(f - now), msgs[k].bytes, msgs[k].len) != 0)
			break;
		sent_frame[k] = f;
		k++;
	}
	atomic_store(&sent, k);
	return 0;
}

static bool parse_message(const char *arg, message *m)
{
	char *end;
	errno = 0;
	m->at = strtod(arg, &end);
	if (errno || end == arg || m->at < 0)
		return false;
	m->len = 0;
	for (;;) {
		while (*end == ' ')
			end++;
		if (!*end)
			break;
		char *next;
		unsigned long b = strtoul(end, &next, 16);
		if (next == end || b > 0xFF || m->len == sizeof(m->bytes))
			return false;
		m->bytes[m->len++] = (uint8_t)b;
		end = next;
	}
	return m->len > 0;
}

int main(int argc, char **argv)
{
	const char *name = "send_midi", *connect[MAX_CONNECT];
	int nconnect = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc && nconnect < MAX_CONNECT) {
			connect[nconnect++] = argv[++i];
		} else if (nmsgs < MAX_MSGS && parse_message(argv[i], &msgs[nmsgs])) {
			if (nmsgs > 0 && msgs[nmsgs].at < msgs[nmsgs - 1].at) {
				fprintf(stderr, "send_midi: messages must be in time order\n");
				return 2;
			}
			nmsgs++;
		} else {
			fprintf(stderr, "send_midi: bad argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (nmsgs == 0 || nconnect == 0) {
		fprintf(stderr, "usage: send_midi [--name NAME] --connect PORT... \"SECONDS HEX ...\"...\n");
		return 2;
	}
	jack_status_t st;
	client = jack_client_open(name, JackNoStartServer, &st);
	if (!client) {
		fprintf(stderr, "send_midi: no JACK server (status 0x%x)\n", (unsigned)st);
		return 1;
	}
	out = jack_port_register(client, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
	if (!out || jack_set_process_callback(client, process, NULL) != 0 || jack_activate(client) != 0) {
		fprintf(stderr, "send_midi: cannot set up the client\n");
		return 1;
	}
	for (int c = 0; c < nconnect; c++) {
		if (jack_connect(client, jack_port_name(out), connect[c]) != 0) {
			fprintf(stderr, "send_midi: cannot connect to %s\n", connect[c]);
			return 1;
		}
	}
	struct timespec ts = {0, 10 * 1000 * 1000};
	while (!atomic_load(&done))
		nanosleep(&ts, NULL);
	for (int i = 0; i < nmsgs; i++) {
		printf("%" PRIu64, sent_frame[i]);
		for (int b = 0; b < msgs[i].len; b++)
			printf(" %02X", msgs[i].bytes[b]);
		putchar('\n');
	}
	jack_deactivate(client);
	jack_client_close(client);
	return 0;
}
