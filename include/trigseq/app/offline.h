/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the commands that run the engine offline share (`trigseq dump`, `export`, `render`):
 * their options, the engine on the loaded chain, and the run from the start to a frame. Threads:
 * the program's main thread.
 */
#ifndef TRIGSEQ_OFFLINE_H
#define TRIGSEQ_OFFLINE_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/song.h"

/* The options beyond --bars, --bpm, --seed and --fill that a command takes: a mask. */
enum { TS_OFFLINE_OUT = 1, TS_OFFLINE_RATE = 2, TS_OFFLINE_CLOCK = 4, TS_OFFLINE_CLICK = 8 };

typedef struct {
	const char **files;                 /* malloc'd array of argv's strings */
	int nfiles;
	const char *out;                    /* -o */
	uint64_t bars, rate, seed;
	uint16_t tempo10;                   /* 0: the pattern's */
	bool fill, clock, click;
	bool bars_set;                      /* --bars given */
	/* ts_offline_load: */
	int npats;                          /* the patterns loaded: the chain, or the song's */
	ts_song *song;                      /* a song (one .tss file): its program, else NULL */
	char **paths;                       /* the song's pattern files, in its chain's order */
} ts_offline_opts;

/*
 * Parse the options of `cmd` (those of the mask, plus --bars, --bpm, --seed, --fill): 0, or the
 * exit status with the message printed. --rate takes min_rate ... 384000; -o is required with
 * TS_OFFLINE_OUT (out_hint names it in the message). The caller frees o->files either way.
 */
int ts_offline_parse(const char *cmd, int argc, char **argv, unsigned mask, uint64_t min_rate,
		     const char *out_hint, ts_offline_opts *o);

/* Load what o->files name: a song (one `.tss` file, alone: "a song plays alone", exit 2) or a
 * chain; every problem said on stderr. 0 and *pat (free() it, and ts_offline_free(o)), or the
 * exit status. */
int ts_offline_load(const char *cmd, ts_offline_opts *o, ts_pattern **pat);
/* The pattern file of chain index p (for messages and samples' folders). */
const char *ts_offline_file(const ts_offline_opts *o, int p);
/* Where the run ends, in frames at `rate` (a song: on its tempo map, unless units: at the
 * song's tempo, one frame a unit of position): a chain after --bars bars (default 4); a song at
 * its end, or after --bars bars if sooner, or after 4 bars if it never ends. */
uint64_t ts_offline_end(const ts_offline_opts *o, const ts_pattern *pat, uint32_t rate, bool units);
/* What ts_offline_parse and ts_offline_load allocated. */
void ts_offline_free(ts_offline_opts *o);

/* The engine of an offline command at `rate`, the chain pat (o->nfiles patterns) loaded, fill
 * and click as asked; NULL (said on stderr) when out of memory. */
ts_engine *ts_offline_engine(const ts_offline_opts *o, const ts_pattern *pat, uint32_t rate);

/* Play from the start to frame `end`, then stop there; *base is the frame each period starts at,
 * for the sink. */
void ts_offline_run(ts_engine *eng, uint64_t end, uint64_t *base, ts_event_fn fn, void *ctx);

#endif
