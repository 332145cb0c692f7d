/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `trigseq dump`: every event the engine sends, one line each (commands.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/app/cli.h"
#include "trigseq/app/commands.h"
#include "trigseq/app/offline.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/options.h"
#include "trigseq/core/pattern.h"

#define EXIT_INVALID 1

static const char *const usage_dump =
	"usage: trigseq dump FILE...|SONG.tss [--bars N] [--rate HZ] [--bpm T] [--seed S]\n"
	"                    [--fill] [--clock] [--click]\n"
	"\n"
	"Print every event the engine sends for the first N bars, one line each:\n"
	"  <frame> <port> <byte> <byte> ...\n"
	"  -b, --bars N    bars of 16 steps at 1x to play (default 4, at most 100000)\n"
	"  -r, --rate HZ   sample rate (default 48000; 1000 ... 384000)\n"
	"  -t, --bpm T     tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S    seed of the probability draws (default 0)\n"
	"  -f, --fill      fill mode on (fill / !fill conditions)\n"
	"  -c, --clock     add MIDI clock on port clock_out (FA, F8 every tick, FC)\n"
	"  -k, --click     add the metronome's clicks on the pseudo port click: 90 01 7F on a\n"
	"                  bar's first beat, 90 00 7F on the other quarter notes\n"
	"Several files play as a chain, as with 'trigseq play': each pattern until its change\n"
	"point, then the next, looping, at the first one's tempo (or --bpm).\n"
	"A song (one .tss file) plays to its end (or --bars N bars if sooner; 4 bars if it\n"
	"loops forever), each row at its tempo; --bpm replaces the song's tempo.\n"
	"Exit status: 0 success, 1 invalid pattern or song, 2 bad usage.\n";


typedef struct {
	FILE *out;
	uint64_t base;                      /* absolute frame of the current period's start */
	const char *ports[TS_MAX_PORTS];
	int nports;
} dump_ctx;

static void dump_event(void *ctx, const ts_event *ev)
{
	dump_ctx *d = ctx;
	const char *port = ev->port == TS_PORT_CLOCK ? "clock_out"
			   : ev->port == TS_PORT_VOICE ? (ev->track ? "voice" : "click")
			   : ev->port < d->nports   ? d->ports[ev->port]
						    : "?";
	fprintf(d->out, "%" PRIu64 " %s", d->base + ev->frame, port);
	for (int i = 0; i < ev->size; i++)
		fprintf(d->out, " %02X", ev->bytes[i]);
	fputc('\n', d->out);
}

int ts_dump_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_dump, stdout);
		return 0;
	}
	ts_offline_opts o;
	int rc = ts_offline_parse("dump", argc, argv,
				  TS_OFFLINE_RATE | TS_OFFLINE_CLOCK | TS_OFFLINE_CLICK, 1000, NULL, &o);
	ts_pattern *pat = NULL;
	if (!rc)
		rc = ts_offline_load("dump", &o, &pat);
	ts_engine *eng = rc ? NULL : ts_offline_engine(&o, pat, (uint32_t)o.rate);
	if (!eng) {
		free(pat);
		ts_offline_free(&o);
		return rc ? rc : EXIT_INVALID;
	}
	dump_ctx d = {.out = stdout};
	d.nports = ts_patterns_ports(pat, o.npats, d.ports);
	uint64_t end = ts_offline_end(&o, pat, (uint32_t)o.rate, false);
	ts_offline_run(eng, end, &d.base, dump_event, &d);
	ts_engine_free(eng);
	free(pat);
	ts_offline_free(&o);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "trigseq: writing the dump failed: %s\n", strerror(errno));
		return EXIT_INVALID;
	}
	return 0;
}
