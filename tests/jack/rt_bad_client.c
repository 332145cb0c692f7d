/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A JACK client that breaks the real-time rules on purpose: its process callback allocates and
 * frees. Run under rtcheck.so, it must be reported; that proves the interposer sees violations.
 * usage: rt_bad_client SECONDS
 */
#include <jack/jack.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void *volatile keep;

static int process(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	free(keep);
	keep = malloc(nframes); /* the violation */
	return 0;
}

int main(int argc, char **argv)
{
	int seconds = argc > 1 ? atoi(argv[1]) : 1;
	jack_client_t *c = jack_client_open("rt_bad_client", JackNoStartServer, NULL);
	if (!c) {
		fputs("rt_bad_client: no JACK server\n", stderr);
		return 1;
	}
	jack_set_process_callback(c, process, NULL);
	if (jack_activate(c) != 0)
		return 1;
	struct timespec ts = {seconds, 0};
	nanosleep(&ts, NULL);
	jack_deactivate(c);
	jack_client_close(c);
	free(keep);
	return 0;
}
