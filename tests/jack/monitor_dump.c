/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * monitor_dump: plays a pattern through trigseq's JACK adapter with the MIDI monitor on, and
 * prints every record the monitor ring gives, for tests/jack/run-all.sh to compare with what
 * peers sent and received.
 *
 * usage: monitor_dump NAME PATTERN SECONDS [PORT=DEST]...
 * Client NAME, clock and transport on clock_out; PORT=DEST connects as --connect does. Plays
 * SECONDS, stops, and prints one line per record:
 *   <frame> <in|out> <port name> <hex bytes> | <ts_monitor_format text>
 * (times from the record's own frame, so 0.000) then "dropped N". Exits 1 if the records' frames ever go backwards. Honours
 * JACK_DEFAULT_SERVER. Test code only.
 */
#define _DEFAULT_SOURCE /* nanosleep */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/engine.h"
#include "trigseq/rt/jack_io.h"
#include "trigseq/core/monitor.h"

typedef struct {
	const char *const *names;
	int nports;
	uint32_t rate;
	uint64_t last;
	bool any, backwards;
} drain_state;

static void drain(ts_monitor *m, drain_state *d)
{
	ts_monitor_rec recs[256];
	size_t n;
	while ((n = ts_monitor_pop(m, recs, sizeof(recs) / sizeof(recs[0]))) > 0) {
		for (size_t i = 0; i < n; i++) {
			const ts_monitor_rec *r = &recs[i];
			if (d->any && r->frame < d->last)
				d->backwards = true;
			d->any = true;
			d->last = r->frame;
			char text[160], port[32];
			/* origin = the record's frame: "  0.000 s out " then the port's name */
			ts_monitor_format(r, d->names, d->nports, d->rate, r->frame, text, sizeof(text));
			if (sscanf(text + 14, "%31s", port) != 1)
				port[0] = '\0';
			printf("%" PRIu64 " %s %s", r->frame, r->dir == TS_MON_IN ? "in" : "out", port);
			for (int b = 0; b < r->size && b < 3; b++)
				printf(" %02X", (unsigned)r->bytes[b]);
			printf(" | %s\n", text);
		}
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, ms % 1000 * 1000000L};
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fputs("usage: monitor_dump NAME PATTERN SECONDS [PORT=DEST]...\n", stderr);
		return 2;
	}
	const char *paths[1] = {argv[2]};
	ts_pattern *pat = ts_cli_load_chain(paths, 1, false);
	ts_monitor *mon = ts_monitor_new(TS_MONITOR_DEFAULT_CAPACITY);
	if (!pat || !mon)
		return 2;
	ts_jack_config jc = {
		.client_name = argv[1],
		.send_clock = true,
		.send_transport = true,
		.wake_fd = -1,
		.tempo10 = pat->tempo10,
		.monitor = mon,
	};
	jc.nports = ts_pattern_ports(pat, jc.ports);
	char err[512];
	bool no_server;
	ts_jack *j = ts_jack_open(&jc, &no_server, err, sizeof(err));
	if (!j) {
		fprintf(stderr, "monitor_dump: %s\n", err);
		return 2;
	}
	ts_engine_config ec = {.rate = ts_jack_rate(j), .send_clock = true, .chain_max = 1};
	ts_engine *eng = ts_engine_new(&ec);
	if (!eng || ts_engine_load_chain(eng, pat, 1) != TS_OK ||
	    ts_jack_activate(j, eng, NULL, err, sizeof(err)) != TS_OK) {
		fprintf(stderr, "monitor_dump: cannot set up the engine: %s\n", err);
		return 2;
	}
	for (int i = 4; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		int count;
		if (!eq)
			return 2;
		*eq = '\0';
		if (ts_jack_connect(j, argv[i], eq + 1, &count, err, sizeof(err)) != TS_OK) {
			fprintf(stderr, "monitor_dump: %s\n", err);
			return 2;
		}
	}
	drain_state d = {.names = jc.ports, .nports = jc.nports, .rate = ts_jack_rate(j)};
	if (!ts_jack_start(j, 5000)) {
		fputs("monitor_dump: no start\n", stderr);
		return 2;
	}
	long ms = (long)(atof(argv[3]) * 1000);
	for (long t = 0; t < ms; t += 10) {
		drain(mon, &d);
		sleep_ms(10);
	}
	bool stopped = ts_jack_stop(j, 5000);
	drain(mon, &d);
	printf("dropped %" PRIu64 "\n", ts_monitor_dropped(mon));
	ts_jack_close(j);
	ts_engine_free(eng);
	ts_monitor_free(mon);
	free(pat);
	if (d.backwards)
		fputs("monitor_dump: the records' frames went backwards\n", stderr);
	return stopped && !d.backwards ? 0 : 1;
}
