/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * midi_flood: a JACK client for bench/callback.sh that fills every period with N MIDI events
 * (note-ons and their note-offs by turns, on channel 1, spread over the period's frames) on its
 * output `out`, connected to PORT, until SIGINT or SIGTERM. Benchmark code only.
 * usage: midi_flood N PORT
 */
#include <jack/jack.h>
#include <jack/midiport.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static jack_port_t *out;
static int per_period;
static unsigned long written, refused;
static volatile sig_atomic_t stop;

static int process(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	void *buf = jack_port_get_buffer(out, nframes);
	jack_midi_clear_buffer(buf);
	static unsigned k;
	for (int i = 0; i < per_period; i++, k++) {
		/* note k % 128 on, then off the next time round: nothing stays held */
		unsigned char m[3] = {(unsigned char)(k / 128 % 2 ? 0x80 : 0x90),
				      (unsigned char)(k % 128), 100};
		jack_nframes_t f = (jack_nframes_t)((unsigned long)i * nframes / per_period);
		if (jack_midi_event_write(buf, f, m, 3) == 0)
			written++;
		else
			refused++;
	}
	return 0;
}

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (per_period = atoi(argv[1])) < 1) {
		fprintf(stderr, "usage: midi_flood N PORT\n");
		return 2;
	}
	jack_client_t *c = jack_client_open("midi_flood", JackNoStartServer, NULL);
	if (!c) {
		fprintf(stderr, "midi_flood: no JACK server\n");
		return 1;
	}
	out = jack_port_register(c, "out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
	if (!out || jack_set_process_callback(c, process, NULL) || jack_activate(c) ||
	    jack_connect(c, jack_port_name(out), argv[2])) {
		fprintf(stderr, "midi_flood: cannot set up or connect to %s\n", argv[2]);
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		pause();
	jack_deactivate(c);
	jack_client_close(c);
	fprintf(stderr, "midi_flood: %lu events written, %lu refused (port buffer full)\n", written,
		refused);
	return 0;
}
