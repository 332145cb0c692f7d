/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * send_midi: a JACK client for the tests that sends given MIDI messages at given times.
 *
 * usage: send_midi [--name NAME] [--ref PORT] [--frames] --connect PORT [--connect PORT]...
 *                  "TIME[*N] HEX HEX ..." ...
 * Each message goes out on its own JACK event, TIME after the origin, at its exact frame: TIME in
 * seconds, or in frames with --frames. The origin is the first process cycle; with --ref, the
 * frame of the first note-on (velocity > 0) that arrives from PORT (connected to our input
 * `in`), so that messages land at exact distances from what a sequencer plays. "*N" sends N
 * copies at that frame (a flood: as many as the port buffer takes in a cycle, the rest in the
 * next cycles). A message is up to 64 raw bytes, garbage included. For each message sent it
 * prints "<frame> <hex bytes>" (absolute JACK frames; with --ref first "ref <frame>"), and exits
 * 0 once the last one is written and another cycle has run (1 when --ref saw nothing within
 * 20 s). Honours JACK_DEFAULT_SERVER.
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

#define MAX_MSGS 16384
#define MAX_CONNECT 8

typedef struct {
	double at;           /* seconds (frames with --frames) after the origin */
	uint64_t frame;      /* absolute, set once the origin is known */
	uint8_t len;
	uint8_t bytes[64];
} message;

static jack_client_t *client;
static jack_port_t *out, *in;
static bool in_frames;       /* --frames */
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
	if (!have_origin && in) {
		/* the origin: the first note-on from the reference port */
		void *ib = jack_port_get_buffer(in, nframes);
		uint32_t n = jack_midi_get_event_count(ib);
		for (uint32_t i = 0; i < n && !have_origin; i++) {
			jack_midi_event_t ev;
			if (jack_midi_event_get(&ev, ib, i) == 0 && ev.size == 3 &&
			    (ev.buffer[0] & 0xF0) == 0x90 && ev.buffer[2] > 0) {
				have_origin = true;
				origin = now + ev.time;
			}
		}
		if (!have_origin)
			return 0;
	} else if (!have_origin) {
		have_origin = true;
		origin = now;
	}
	if (!msgs[0].frame) {
		double rate = in_frames ? 1.0 : jack_get_sample_rate(client);
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

/* "TIME[*N] HEX ...": one message into m, its copies count into *copies. */
static bool parse_message(const char *arg, message *m, long *copies)
{
	char *end;
	errno = 0;
	m->at = strtod(arg, &end);
	if (errno || end == arg || m->at < 0)
		return false;
	*copies = 1;
	if (*end == '*') {
		char *c = end + 1;
		*copies = strtol(c, &end, 10);
		if (end == c || *copies < 1 || *copies > MAX_MSGS)
			return false;
	}
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
	const char *name = "send_midi", *connect[MAX_CONNECT], *ref = NULL;
	int nconnect = 0;
	long copies;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--name") == 0 && i + 1 < argc) {
			name = argv[++i];
		} else if (strcmp(argv[i], "--ref") == 0 && i + 1 < argc) {
			ref = argv[++i];
		} else if (strcmp(argv[i], "--frames") == 0) {
			in_frames = true;
		} else if (strcmp(argv[i], "--connect") == 0 && i + 1 < argc && nconnect < MAX_CONNECT) {
			connect[nconnect++] = argv[++i];
		} else if (nmsgs < MAX_MSGS && parse_message(argv[i], &msgs[nmsgs], &copies)) {
			if (nmsgs > 0 && msgs[nmsgs].at < msgs[nmsgs - 1].at) {
				fprintf(stderr, "send_midi: messages must be in time order\n");
				return 2;
			}
			if (nmsgs + copies > MAX_MSGS) {
				fprintf(stderr, "send_midi: at most %d messages\n", MAX_MSGS);
				return 2;
			}
			for (long c = 1; c < copies; c++)
				msgs[nmsgs + c] = msgs[nmsgs];
			nmsgs += (int)copies;
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
	if (ref)
		in = jack_port_register(client, "in", JACK_DEFAULT_MIDI_TYPE, JackPortIsInput, 0);
	if (!out || (ref && !in) || jack_set_process_callback(client, process, NULL) != 0 ||
	    jack_activate(client) != 0) {
		fprintf(stderr, "send_midi: cannot set up the client\n");
		return 1;
	}
	for (int c = 0; c < nconnect; c++) {
		if (jack_connect(client, jack_port_name(out), connect[c]) != 0) {
			fprintf(stderr, "send_midi: cannot connect to %s\n", connect[c]);
			return 1;
		}
	}
	if (ref && jack_connect(client, ref, jack_port_name(in)) != 0) {
		fprintf(stderr, "send_midi: cannot connect %s to our input\n", ref);
		return 1;
	}
	struct timespec ts = {0, 10 * 1000 * 1000};
	for (int waited = 0; !atomic_load(&done); waited++) {
		if (ref && waited == 2000 && atomic_load(&sent) == 0) {
			fprintf(stderr, "send_midi: no note-on from %s in 20 s\n", ref);
			return 1;
		}
		nanosleep(&ts, NULL);
	}
	if (ref)
		printf("ref %" PRIu64 "\n", origin);
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
