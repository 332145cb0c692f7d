/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The options and the run of the offline commands: dump, export, render (offline.h). */
#include "trigseq/app/offline.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/options.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2

enum { OPT_OUT, OPT_BARS, OPT_RATE, OPT_BPM, OPT_SEED, OPT_FILL, OPT_CLOCK, OPT_CLICK, NOPT };

/* The options outside a command's mask are unknown to it. */
static const ts_option options[NOPT] = {
	[OPT_OUT] = {"output", 'o', true, TS_OFFLINE_OUT},
	[OPT_BARS] = {"bars", 'b', true, 0},
	[OPT_RATE] = {"rate", 'r', true, TS_OFFLINE_RATE},
	[OPT_BPM] = {"bpm", 't', true, 0},
	[OPT_SEED] = {"seed", 's', true, 0},
	[OPT_FILL] = {"fill", 'f', false, 0},
	[OPT_CLOCK] = {"clock", 'c', false, TS_OFFLINE_CLOCK},
	[OPT_CLICK] = {"click", 'k', false, TS_OFFLINE_CLICK},
};

/* One option's value into *o: 0, or the usage exit status. */
static int apply_option(const char *cmd, int opt, const char *v, uint64_t min_rate,
			ts_offline_opts *o)
{
	switch (opt) {
	case OPT_OUT:
		o->out = v;
		break;
	case OPT_BARS:
		if (!ts_cli_u64(v, 1, 100000, &o->bars))
			return ts_cli_usage(cmd, "--bars '%s': expected a whole number 1 ... 100000", v);
		o->bars_set = true;
		break;
	case OPT_RATE:
		if (!ts_cli_u64(v, min_rate, 384000, &o->rate))
			return ts_cli_usage(cmd, "--rate '%s': expected a rate in Hz, %" PRIu64
					    " ... 384000", v, min_rate);
		break;
	case OPT_BPM:
		if (!ts_cli_tempo(v, &o->tempo10))
			return ts_cli_usage(cmd, "--bpm '%s': expected a tempo 30.0 ... 300.0 with at most one decimal", v);
		break;
	case OPT_SEED:
		if (!ts_cli_u64(v, 0, UINT64_MAX, &o->seed))
			return ts_cli_usage(cmd, "--seed '%s': expected a whole number 0 ... 18446744073709551615", v);
		break;
	case OPT_FILL:
		o->fill = true;
		break;
	case OPT_CLOCK:
		o->clock = true;
		break;
	case OPT_CLICK:
		o->click = true;
		break;
	}
	return 0;
}

int ts_offline_parse(const char *cmd, int argc, char **argv, unsigned mask, uint64_t min_rate,
		     const char *out_hint, ts_offline_opts *o)
{
	*o = (ts_offline_opts){.bars = 4, .rate = 48000};
	o->files = calloc((size_t)argc + 1, sizeof(*o->files));
	if (!o->files) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		return EXIT_INVALID;
	}
	/* a misspelt option is reported before any bad value */
	int rc = ts_opts_check(options, NOPT, mask, argc, argv, cmd, ts_cli_usage);
	ts_opts p;
	ts_opts_begin(&p, options, NOPT, mask, argc, argv);
	for (int opt; !rc && (opt = ts_opts_next(&p)) != TS_OPTS_END;) {
		if (opt == TS_OPTS_ARG)
			o->files[o->nfiles++] = p.value;
		else
			rc = apply_option(cmd, opt, p.value, min_rate, o);
	}
	if (!rc && o->nfiles == 0)
		rc = ts_cli_usage(cmd, "%s", "no pattern file given");
	if (!rc && o->nfiles > TS_CHAIN_MAX)
		rc = ts_cli_usage(cmd, "at most %d pattern files in a chain", TS_CHAIN_MAX);
	if (!rc && (mask & TS_OFFLINE_OUT) && !o->out)
		rc = ts_cli_usage(cmd, "no output file: -o %s", out_hint);
	return rc;
}

ts_engine *ts_offline_engine(const ts_offline_opts *o, const ts_pattern *pat, uint32_t rate)
{
	ts_engine_config cfg = {
		.rate = rate, .tempo10 = o->tempo10, .seed = o->seed, .send_clock = o->clock,
		.chain_max = o->nfiles,
	};
	cfg.chain_max = o->npats;
	ts_engine *eng = ts_engine_new(&cfg);
	if (!eng || (o->song ? ts_engine_load_song(eng, pat, o->npats, o->song)
			     : ts_engine_load_chain(eng, pat, o->npats)) != TS_OK) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		ts_engine_free(eng);
		return NULL;
	}
	ts_engine_set_fill(eng, o->fill);
	ts_engine_set_click(eng, o->click);
	return eng;
}

/* Periods of a typical JACK size: the engine's output does not depend on them. */
void ts_offline_run(ts_engine *eng, uint64_t end, uint64_t *base, ts_event_fn fn, void *ctx)
{
	ts_engine_start(eng);
	*base = 0;
	while (*base < end) {
		uint32_t period = end - *base < 1024 ? (uint32_t)(end - *base) : 1024;
		ts_engine_run(eng, period, fn, ctx);
		*base += period;
	}
	ts_engine_stop(eng, 0, fn, ctx);
}

int ts_offline_load(const char *cmd, ts_offline_opts *o, ts_pattern **pat)
{
	*pat = NULL;
	o->npats = o->nfiles;
	bool song = false;
	for (int i = 0; i < o->nfiles; i++)
		song |= ts_cli_is_song(o->files[i]);
	if (song && o->nfiles > 1)
		return ts_cli_usage(cmd, "%s", "a song plays alone (give one .tss file and no pattern "
				    "file)");
	if (!song) {
		*pat = ts_cli_load_chain(o->files, o->nfiles, o->tempo10 != 0);
		return *pat ? 0 : EXIT_INVALID;
	}
	o->song = malloc(sizeof(*o->song));
	if (!o->song) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		return EXIT_INVALID;
	}
	*pat = ts_cli_load_song(o->files[0], o->tempo10, o->song, &o->npats, &o->paths);
	return *pat ? 0 : EXIT_INVALID;
}

const char *ts_offline_file(const ts_offline_opts *o, int p)
{
	return o->song ? o->paths[p] : o->files[p];
}

uint64_t ts_offline_end(const ts_offline_opts *o, const ts_pattern *pat, uint32_t rate, bool units)
{
	int64_t bars_pos = (int64_t)o->bars * 16 * TS_UNITS_PER_STEP;
	if (!o->song) {
		uint16_t t10 = o->tempo10 ? o->tempo10 : pat->tempo10;
		return units ? (uint64_t)bars_pos : ts_pos_to_frame(bars_pos, rate, t10);
	}
	ts_song_pattern sp[TS_SONG_FILES_MAX];
	ts_song_patterns(pat, o->npats, sp);
	ts_song s = *o->song;
	if (units) /* every row at one tempo, a unit of position a frame */
		for (int r = 0; r < s.nrows; r++)
			s.rows[r].tempo10 = 0;
	uint32_t r8 = units ? (uint32_t)s.tempo10 * 192 : rate;
	bool ended;
	if (o->bars_set || ts_song_endless(&s))
		return ts_song_frame(&s, sp, r8, bars_pos, &ended); /* the end, if sooner */
	return ts_song_frame(&s, sp, r8, INT64_MAX, &ended);
}

void ts_offline_free(ts_offline_opts *o)
{
	free(o->files);
	o->files = NULL;
	if (o->paths)
		for (int p = 0; p < o->npats; p++)
			free(o->paths[p]);
	free(o->paths);
	o->paths = NULL;
	free(o->song);
	o->song = NULL;
}
