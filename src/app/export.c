/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `trigseq export`: what the engine sends, as a Standard MIDI File (commands.h). */
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
#include "trigseq/core/smf.h"

#define EXIT_INVALID 1

static const char *const usage_export =
	"usage: trigseq export FILE...|SONG.tss -o OUT.mid [--bars N] [--bpm T] [--seed S] [--fill]\n"
	"\n"
	"Write what the engine sends in the first N bars as a Standard MIDI File: format 1,\n"
	"960 ticks per quarter note, a conductor track (pattern name, tempo, 4/4) and one track\n"
	"per sequencer track that sends MIDI (channel on, send-midi on), named with its number,\n"
	"name and port. Every event is at the tick nearest its exact time; what 'trigseq dump'\n"
	"prints, event for event. The file is replaced atomically.\n"
	"  -o, --output OUT.mid  the file to write\n"
	"  -b, --bars N          bars of 16 steps at 1x (default 4, at most 100000)\n"
	"  -t, --bpm T           tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S          seed of the probability draws (default 0)\n"
	"  -f, --fill            fill mode on\n"
	"Several files play as a chain, as with 'trigseq dump'. A song (one .tss file) plays to\n"
	"its end as 'trigseq dump' plays it: ticks from its positions (240 a 16th), a tempo\n"
	"event at each tempo change, the song's name on the conductor track.\n"
	"Exit status: 0 success, 1 invalid pattern or the file not written, 2 bad usage.\n";

/* The engine runs at tempo10 * 192 frames a second, so that a frame is a unit of position
 * (engine.h): 960 PPQN is 240 ticks a 16th, 120 units a tick, and each event goes to the tick
 * nearest its exact position. */
#define SMF_PPQN 960
#define UNITS_PER_TICK (TS_UNITS_PER_STEP / (SMF_PPQN / 4))

typedef struct {
	uint64_t tick;
	ts_event ev;
} export_rec;

typedef struct {
	uint64_t base;
	export_rec *v;                      /* every event of the tracks, in time order */
	size_t n, cap;
	bool nomem;
	uint64_t per_track[TS_TRACKS + 1];
} export_ctx;

static void export_event(void *ctx, const ts_event *ev)
{
	export_ctx *x = ctx;
	/* clock and transport are not in the file, nor voice events (they are not MIDI) */
	if (ev->track < 1 || ev->track > TS_TRACKS || ev->port == TS_PORT_VOICE || x->nomem)
		return;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 4096;
		export_rec *v = realloc(x->v, cap * sizeof(*v));
		if (!v) {
			x->nomem = true;
			return;
		}
		x->v = v;
		x->cap = cap;
	}
	export_rec *r = &x->v[x->n++];
	r->tick = (x->base + ev->frame + UNITS_PER_TICK / 2) / UNITS_PER_TICK;
	r->ev = *ev;
	x->per_track[ev->track]++;
}

int ts_export_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_export, stdout);
		return 0;
	}
	ts_offline_opts o;
	int rc = ts_offline_parse("export", argc, argv, TS_OFFLINE_OUT, 0, "OUT.mid", &o);
	uint64_t bars = o.bars;
	uint16_t tempo10 = o.tempo10;
	const char *out = o.out;
	ts_pattern *pat = NULL;
	if (!rc)
		rc = ts_offline_load("export", &o, &pat);
	if (rc) {
		ts_offline_free(&o);
		return rc;
	}
	const char *first = o.files[0]; /* in argv */
	int nfiles = o.npats;

	uint16_t t10 = tempo10 ? tempo10 : o.song ? o.song->tempo10 : pat->tempo10;
	/* a frame a unit of position: a song's tempo map does not move the ticks */
	ts_engine *eng = ts_offline_engine(&o, pat, (uint32_t)t10 * 192);
	if (eng && o.song)
		ts_engine_song_tempo(eng, false);
	ts_smf *smf = eng ? ts_smf_new(SMF_PPQN) : NULL;
	export_ctx x = {0};
	if (!smf) {
		if (eng)
			fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		ts_engine_free(eng);
		ts_offline_free(&o);
		free(pat);
		return EXIT_INVALID;
	}
	uint64_t end = ts_offline_end(&o, pat, (uint32_t)t10 * 192, true);
	ts_offline_run(eng, end, &x.base, export_event, &x);
	ts_engine_free(eng);

	/* the song's name, else the first pattern's that has one, else the file's */
	const char *slash = strrchr(first, '/');
	const char *title = slash ? slash + 1 : first;
	for (int p = o.song ? nfiles - 1 : 0; p >= 0; p--)
		if (pat[p].name[0])
			title = pat[p].name;
	if (o.song && o.song->name[0])
		title = o.song->name;
	ts_status st = x.nomem ? TS_ERR_NOMEM : ts_smf_meta(smf, 0, 0, 0x03, title, strlen(title));
	if (st == TS_OK)
		st = ts_smf_time_signature(smf, 0, 4, 2);
	if (st == TS_OK)
		st = ts_smf_tempo(smf, 0, o.song ? ts_song_row_tempo(o.song, o.song->stmts[0].row)
						 : t10);
	/* a song: a tempo event at each tempo segment's start before the end */
	if (o.song) {
		ts_song_pattern sp[TS_SONG_FILES_MAX];
		ts_song_patterns(pat, nfiles, sp);
		ts_song_walk w;
		ts_song_walk_init(&w);
		uint16_t playing = 0;
		while (st == TS_OK && ts_song_walk_next(&w, o.song, sp, (uint32_t)t10 * 192) &&
		       (uint64_t)w.q < end) {
			if (w.n > 1 && w.seg_tempo10 != playing)
				st = ts_smf_tempo(smf, (uint64_t)w.q / UNITS_PER_TICK, w.seg_tempo10);
			playing = w.seg_tempo10;
		}
	}
	/* a track of the file for each sequencer track that sent something, in track order, named
	 * by the first pattern of the chain that declares it */
	int ntracks = 0;
	for (int t = 1; t <= TS_TRACKS && st == TS_OK; t++) {
		if (!x.per_track[t])
			continue;
		const ts_track *named = NULL;
		for (int p = 0; p < nfiles && !named; p++)
			if (pat[p].tracks[t - 1].declared)
				named = &pat[p].tracks[t - 1];
		if (!named)
			named = &pat[0].tracks[t - 1];
		char name[80];
		snprintf(name, sizeof(name), "%d%s%s %s", t, named->name[0] ? " " : "", named->name,
			 named->port);
		int k = ts_smf_add_track(smf, name);
		st = k < 0 ? TS_ERR_NOMEM : TS_OK;
		for (size_t i = 0; i < x.n && st == TS_OK; i++)
			if (x.v[i].ev.track == t)
				st = ts_smf_event(smf, k, x.v[i].tick, x.v[i].ev.bytes, x.v[i].ev.size);
		ntracks++;
	}
	free(pat);
	free(x.v);
	bool song = o.song != NULL;
	ts_offline_free(&o);
	if (st == TS_OK)
		st = ts_smf_write(smf, out, end / UNITS_PER_TICK);
	ts_smf_free(smf);
	if (st != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out,
			st == TS_ERR_IO ? strerror(errno) : ts_strerror(st));
		return EXIT_INVALID;
	}
	if (song)
		printf("%s: %d track%s and a conductor track, %zu events, the song (%.2f bars), "
		       "%d PPQN\n", out, ntracks, ntracks == 1 ? "" : "s", x.n,
		       (double)end / (16.0 * TS_UNITS_PER_STEP), SMF_PPQN);
	else
		printf("%s: %d track%s and a conductor track, %zu events, %" PRIu64 " bar%s at "
		       "%u.%u BPM, %d PPQN\n", out, ntracks, ntracks == 1 ? "" : "s", x.n, bars,
		       bars == 1 ? "" : "s", t10 / 10, t10 % 10, SMF_PPQN);
	return 0;
}
