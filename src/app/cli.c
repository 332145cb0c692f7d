/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trigseq/app/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/grammar.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/songfile.h"

/* The command line's values are the grammar's, dialect TS_GRAM_ARG (grammar.h). */
bool ts_cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	return ts_gram_u64(s, strlen(s), lo, hi, out) == TS_GRAM_OK;
}

bool ts_cli_tempo(const char *s, uint16_t *tempo10)
{
	int t10;
	if (ts_gram_tempo(s, strlen(s), TS_GRAM_ARG, &t10) != TS_GRAM_OK)
		return false;
	*tempo10 = (uint16_t)t10;
	return true;
}

bool ts_cli_seconds(const char *s, double lo, double hi, double *out)
{
	return ts_gram_seconds(s, lo, hi, out) == TS_GRAM_OK;
}

ts_pattern *ts_cli_load_chain(const char *const *paths, int n, bool tempo_elsewhere)
{
	static ts_diags diags;
	if (n < 1 || n > TS_CHAIN_MAX) {
		fprintf(stderr, "trigseq: a chain holds 1 ... %d patterns, not %d\n", TS_CHAIN_MAX, n);
		return NULL;
	}
	ts_pattern *pats = malloc((size_t)n * sizeof(*pats));
	if (!pats) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		return NULL;
	}
	bool ok = true;
	for (int i = 0; i < n; i++) {
		ts_status st = ts_patfile_load(paths[i], &pats[i], NULL, &diags);
		if (st == TS_ERR_NOMEM)
			fprintf(stderr, "%s: %s\n", paths[i], ts_strerror(st));
		else if (st != TS_OK)
			ts_diags_print(stderr, paths[i], &diags);
		ok &= st == TS_OK;
	}
	const char *ports[TS_MAX_PORTS];
	if (ok && ts_patterns_ports(pats, n, ports) < 0) {
		fprintf(stderr, "trigseq: the chain's tracks use more than %d output port names "
				"(midi_out and %d others); use fewer\n", TS_MAX_PORTS, TS_MAX_PORTS - 1);
		ok = false;
	}
	if (!ok) {
		free(pats);
		return NULL;
	}
	for (int i = 1; i < n && !tempo_elsewhere; i++) {
		char t0[16], ti[16];
		if (pats[i].tempo10 != pats[0].tempo10)
			fprintf(stderr, "trigseq: note: the chain plays at %s's tempo %s BPM; %s's "
					"tempo %s is not used\n",
				paths[0], ts_gram_tempo_format(pats[0].tempo10, t0, sizeof(t0)),
				paths[i], ts_gram_tempo_format(pats[i].tempo10, ti, sizeof(ti)));
	}
	for (int i = 0; i < n && n > 1; i++)
		if (pats[i].mode == TS_MODE_ADVANCED && pats[i].length == 0 && pats[i].change == 0)
			fprintf(stderr, "trigseq: note: %s has length inf and change off: the chain "
					"stays on it (give it a change point, e.g. 'change 64')\n",
				paths[i]);
	return pats;
}

bool ts_cli_is_song(const char *path)
{
	return ts_songfile_is_song(path);
}

/* A pattern's own problems, before the song's (songfile.h). */
static void pattern_problems(void *ctx, const char *path, const ts_diags *diags)
{
	(void)ctx;
	ts_diags_print(stderr, path, diags);
}

ts_pattern *ts_cli_load_song(const char *path, uint16_t tempo10_override, ts_song *song,
			     int *npats, char ***paths)
{
	static ts_diags diags;
	ts_song_loaded l;
	ts_status st = ts_songfile_open(path, tempo10_override, &l, &diags, pattern_problems, NULL);
	if (st == TS_ERR_NOMEM) {
		fprintf(stderr, "%s: %s\n", path, ts_strerror(st));
		return NULL;
	}
	if (st != TS_OK) {
		ts_diags_print(stderr, path, &diags);
		return NULL;
	}
	*song = l.song;
	*npats = l.npats;
	*paths = l.paths;
	return l.pats;
}

void ts_cli_sample_report(void *file, int track, const char *why)
{
	fprintf(stderr, "trigseq: %s (track %d of %s plays nothing)\n", why, track,
		(const char *)file);
}

int ts_cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fputs("trigseq: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'trigseq %s%s--help'.\n", cmd ? cmd : "", cmd ? " " : "");
	return 2;
}
