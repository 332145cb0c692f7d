/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `trigseq render`: the sample voices played offline into an audio file (commands.h). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sndfile.h>

#include "trigseq/app/cli.h"
#include "trigseq/app/commands.h"
#include "trigseq/app/offline.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/options.h"
#include "trigseq/core/pattern.h"
#include "trigseq/rt/voice.h"

#define EXIT_INVALID 1

static const char *const usage_render =
	"usage: trigseq render FILE...|SONG.tss -o OUT.wav [--bars N] [--rate HZ] [--bpm T]\n"
	"                      [--seed S] [--fill] [--click]\n"
	"\n"
	"Play the sample voices (tracks with a sample and dest int or int+ext) of the first N bars\n"
	"offline, with the engine and mixer that play them live, into a stereo audio file: each\n"
	"hit at the frame 'trigseq dump' gives it, followed by the ring-out of the hits still\n"
	"sounding at the end. The extension chooses the format: .wav, .aiff (24-bit), .flac\n"
	"(24-bit), .ogg (Vorbis). The file is replaced atomically.\n"
	"  -o, --output OUT.wav  the file to write\n"
	"  -b, --bars N          bars of 16 steps at 1x (default 4, at most 100000)\n"
	"  -r, --rate HZ         sample rate (default 48000; 8000 ... 384000)\n"
	"  -t, --bpm T           tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S          seed of the probability draws (default 0)\n"
	"  -f, --fill            fill mode on\n"
	"  -k, --click           the metronome too, as 'trigseq play --click' plays it\n"
	"Several files play as a chain, as with 'trigseq dump', each pattern's hits with its own\n"
	"samples; a song (one .tss file) plays to its end as 'trigseq dump' plays it, with\n"
	"each pattern's samples. A sample that cannot be read is named on stderr with the reason; the other\n"
	"tracks still render, and the exit status is 1.\n"
	"Exit status: 0 success, 1 invalid pattern, unreadable sample or the file not written,\n"
	"2 bad usage.\n";

#define RENDER_PERIOD 1024

/* libsndfile's format for the output's extension; 0 for an unknown one. */
static int render_format(const char *path)
{
	static const struct {
		const char *ext;
		int format;
	} formats[] = {
		{".wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24},
		{".aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24},
		{".aif", SF_FORMAT_AIFF | SF_FORMAT_PCM_24},
		{".flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24},
		{".ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot, formats[i].ext) == 0)
			return formats[i].format;
	return 0;
}

typedef struct {
	ts_voices *voices;
	uint64_t hits;
} render_ctx;

static void render_event(void *ctx, const ts_event *ev)
{
	render_ctx *r = ctx;
	if (ev->port != TS_PORT_VOICE || ev->size != 3)
		return;
	if (ev->track == 0) {
		ts_voices_click(r->voices, ev->bytes[1], ev->frame);
		return;
	}
	ts_voices_trigger(r->voices, ev->pattern, ev->track, ev->bytes[2], ev->frame);
	r->hits++;
}

/* Mix a period of the voices and write it; tracks the peak. */
static bool render_period(SNDFILE *sf, ts_voices *v, uint32_t n, float *peak)
{
	static float left[RENDER_PERIOD], right[RENDER_PERIOD], both[2 * RENDER_PERIOD];
	memset(left, 0, n * sizeof(*left));
	memset(right, 0, n * sizeof(*right));
	ts_voices_render(v, left, right, n);
	for (uint32_t i = 0; i < n; i++) {
		both[2 * i] = left[i];
		both[2 * i + 1] = right[i];
		if (fabsf(left[i]) > *peak)
			*peak = fabsf(left[i]);
		if (fabsf(right[i]) > *peak)
			*peak = fabsf(right[i]);
	}
	return sf_writef_float(sf, both, n) == n;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int ts_render_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_render, stdout);
		return 0;
	}
	double t0 = seconds_now();
	ts_offline_opts o;
	int rc = ts_offline_parse("render", argc, argv,
				  TS_OFFLINE_OUT | TS_OFFLINE_RATE | TS_OFFLINE_CLICK, 8000, "OUT.wav", &o);
	uint64_t bars = o.bars, rate = o.rate;
	uint16_t tempo10 = o.tempo10;
	const char *out = o.out;
	int format = out ? render_format(out) : 0;
	if (!rc && !format)
		rc = ts_cli_usage("render", "'%s': expected an output ending in .wav, .aiff, .flac or .ogg",
				 out);
	ts_pattern *pat = NULL;
	if (!rc)
		rc = ts_offline_load("render", &o, &pat);
	if (rc) {
		ts_offline_free(&o);
		return rc;
	}
	int npats = o.npats;

	ts_engine *eng = ts_offline_engine(&o, pat, (uint32_t)rate);
	render_ctx r = {.voices = eng ? ts_voices_new((uint32_t)rate, npats) : NULL};
	if (!r.voices) {
		if (eng)
			fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		ts_engine_free(eng);
		ts_offline_free(&o);
		free(pat);
		return EXIT_INVALID;
	}
	/* a missing sample spoils the render, not the rest of it: the others still play, and the
	 * status says it at the end */
	for (int p = 0; p < npats; p++)
		if (ts_voices_load_pattern(r.voices, p, &pat[p], ts_offline_file(&o, p),
					   ts_cli_sample_report, (void *)ts_offline_file(&o, p)))
			rc = EXIT_INVALID;
	uint16_t t10 = tempo10 ? tempo10 : o.song ? o.song->tempo10 : pat->tempo10;
	uint64_t end = ts_offline_end(&o, pat, (uint32_t)rate, false);
	bool song = o.song != NULL;
	ts_offline_free(&o);
	free(pat);

	ts_file_tx tx;
	SF_INFO info = {.samplerate = (int)rate, .channels = 2, .format = format};
	SNDFILE *sf = NULL;
	if (ts_file_begin(&tx, out, 0) != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, strerror(errno));
		ts_engine_free(eng);
		ts_voices_free(r.voices);
		return EXIT_INVALID;
	}
	sf = sf_open_fd(tx.fd, SFM_WRITE, &info, SF_FALSE);
	if (!sf) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, sf_strerror(NULL));
		ts_file_abort(&tx);
		ts_engine_free(eng);
		ts_voices_free(r.voices);
		return EXIT_INVALID;
	}
	/* overs clip rather than wrap around in the integer formats */
	sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
	sf_set_string(sf, SF_STR_SOFTWARE, "trigseq " TS_VERSION);

	float peak = 0;
	bool written = true;
	uint64_t frames = 0;
	ts_engine_start(eng);
	while (frames < end && written) {
		uint32_t period = end - frames < RENDER_PERIOD ? (uint32_t)(end - frames) : RENDER_PERIOD;
		ts_engine_run(eng, period, render_event, &r);
		written = render_period(sf, r.voices, period, &peak);
		frames += period;
	}
	ts_engine_stop(eng, 0, render_event, &r);
	/* the ring-out: the hits still sounding play to their end */
	while (written && ts_voices_sounding(r.voices)) {
		written = render_period(sf, r.voices, RENDER_PERIOD, &peak);
		frames += RENDER_PERIOD;
	}
	ts_engine_free(eng);
	ts_voices_free(r.voices);
	if (!written)
		fprintf(stderr, "trigseq: %s not written: %s\n", out, sf_strerror(sf));
	if (sf_close(sf) != 0 && written) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, sf_strerror(NULL));
		written = false;
	}
	if (!written) {
		ts_file_abort(&tx);
		return EXIT_INVALID;
	}
	if (ts_file_commit(&tx) != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, strerror(errno));
		return EXIT_INVALID;
	}
	char what[64];
	if (song)
		snprintf(what, sizeof(what), "the song (%.3f s) from %u.%u BPM",
			 (double)end / (double)rate, t10 / 10, t10 % 10);
	else
		snprintf(what, sizeof(what), "%" PRIu64 " bar%s at %u.%u BPM", bars,
			 bars == 1 ? "" : "s", t10 / 10, t10 % 10);
	printf("%s: %.3f s of audio at %" PRIu64 " Hz, %s, %" PRIu64
	       " voice events, peak %.1f dBFS, rendered in %.3f s\n", out, (double)frames / (double)rate,
	       rate, what, r.hits, peak > 0 ? 20 * log10(peak) : -INFINITY, seconds_now() - t0);
	return rc;
}
