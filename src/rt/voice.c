/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sample voices (voice.h): samples read and resampled at load, mixed sample-accurately. */
#define _DEFAULT_SOURCE /* M_PI, realpath */
#include "trigseq/rt/voice.h"

#include <errno.h>
#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/ring.h"
#include "trigseq/core/rtmem.h"

/* Hits of a track fading out at once: more than one only when hits come less than
 * TS_VOICE_FADE_MS apart; past that many the oldest ends at once. */
#define FADES 4

/* The click: CLICK_MS of a sine decaying by CLICK_DECAY a second, at this gain. */
#define CLICK_MS 25
#define CLICK_DECAY 180.0
#define CLICK_GAIN 0.5

/* A sample at the mixer's rate. The real-time side reads data and frames; the rest is the main
 * thread's (the list of loaded samples, and how many tracks of patterns it has been given to). */
typedef struct sample {
	float *data;             /* interleaved stereo, locked (rtmem) */
	size_t frames;
	char *path;              /* as loaded (realpath when it resolves): files are shared by it */
	uint32_t refs;           /* entries of want[] holding it, plus hand-overs not returned */
	struct sample *next;
} sample;

/* A hit fading out: left of fade_len frames to go (0: the slot is free). */
typedef struct {
	const sample *s;
	size_t pos;
	float gain;
	uint32_t left;
} fade;

/* What one track (or the click) plays. */
typedef struct {
	const sample *s;         /* the hit playing, when on */
	bool on;
	size_t pos;
	float gain;
	fade fades[FADES];       /* the hits it cut */
} voice;

typedef struct {
	uint32_t frame;
	uint8_t pattern;         /* chain index; for the click: accented */
	uint8_t track;           /* 1 ... TS_TRACKS; 0: the click */
	uint8_t velocity;
} trigger;

/* A sample change for the real-time side: `s` (NULL for none) becomes map[pattern][track]. */
typedef struct {
	uint16_t pattern;
	uint8_t track;
	sample *s;
} change;

struct ts_voices {
	uint32_t rate;
	uint32_t fade_len;       /* frames of a cut's fade, at least 1 */
	int patterns;
	/* real-time side */
	voice voices[TS_TRACKS + 1];  /* [0]: the click */
	trigger queue[TS_VOICE_QUEUE];
	uint32_t nqueue;
	uint32_t lost;
	sample click[2];         /* plain, accented */
	sample **map;            /* [pattern * TS_TRACKS + track - 1]: what a voice event plays */
	sample *retiring[TS_VOICE_HANDOVER]; /* replaced, maybe still sounding */
	uint32_t nretiring;
	ts_ring *in;             /* main -> real-time: changes */
	ts_ring *out;            /* real-time -> main: replaced samples no hit plays any more */
	/* main thread only */
	sample **want;           /* map as the main thread has asked for it */
	sample *loaded;          /* every sample held */
};

static void click_make(sample *s, uint32_t rate, double hz)
{
	for (size_t i = 0; i < s->frames; i++) {
		double t = (double)i / rate;
		float x = (float)(CLICK_GAIN * exp(-CLICK_DECAY * t) * sin(2 * M_PI * hz * t));
		s->data[2 * i] = s->data[2 * i + 1] = x;
	}
}

ts_voices *ts_voices_new(uint32_t rate, int patterns)
{
	if (rate < 1000 || rate > 384000 || patterns < 1 || patterns > 255)
		return NULL;
	size_t nmap = (size_t)patterns * TS_TRACKS;
	size_t click_frames = (size_t)rate * CLICK_MS / 1000;
	ts_voices *v = ts_rtmem_alloc(sizeof(*v));
	if (!v)
		return NULL;
	v->map = ts_rtmem_alloc(nmap * sizeof(*v->map));
	v->want = calloc(nmap, sizeof(*v->want));
	v->in = ts_ring_new(TS_VOICE_HANDOVER, sizeof(change));
	v->out = ts_ring_new(TS_VOICE_HANDOVER, sizeof(sample *));
	for (int k = 0; k < 2; k++) {
		v->click[k].frames = click_frames;
		v->click[k].data = ts_rtmem_alloc(click_frames * 2 * sizeof(float));
	}
	if (!v->map || !v->want || !v->in || !v->out || !v->click[0].data || !v->click[1].data) {
		ts_voices_free(v);
		return NULL;
	}
	v->rate = rate;
	v->patterns = patterns;
	v->fade_len = rate * TS_VOICE_FADE_MS / 1000;
	if (v->fade_len < 1)
		v->fade_len = 1;
	click_make(&v->click[0], rate, 1000);
	click_make(&v->click[1], rate, 1500);
	return v;
}

static void sample_free(sample *s)
{
	if (!s)
		return;
	ts_rtmem_free(s->data);
	free(s->path);
	free(s);
}

void ts_voices_free(ts_voices *v)
{
	if (!v)
		return;
	while (v->loaded) {
		sample *next = v->loaded->next;
		sample_free(v->loaded);
		v->loaded = next;
	}
	ts_rtmem_free(v->click[0].data);
	ts_rtmem_free(v->click[1].data);
	ts_rtmem_free(v->map);
	free(v->want);
	ts_ring_free(v->in);
	ts_ring_free(v->out);
	ts_rtmem_free(v);
}

static void set_err(char *err, size_t errlen, const char *path, const char *why)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, why);
}

/* The file's first two channels as interleaved stereo (mono on both sides), at its own rate. */
static ts_status read_stereo(const char *path, float **out, size_t *frames, int *file_rate,
			     char *err, size_t errlen)
{
	SF_INFO info = {0};
	SNDFILE *sf = sf_open(path, SFM_READ, &info);
	if (!sf) {
		/* libsndfile says "System error : ..." for a file it cannot open: the system's words */
		set_err(err, errlen, path, access(path, R_OK) != 0 ? strerror(errno) : sf_strerror(NULL));
		errno = EIO;
		return TS_ERR_IO;
	}
	ts_status st = TS_OK;
	float *raw = NULL, *st2 = NULL;
	if (info.frames <= 0 || info.channels < 1 || info.samplerate <= 0) {
		set_err(err, errlen, path, "no audio in it");
		st = TS_ERR_RANGE;
		goto out;
	}
	if (info.frames > (sf_count_t)TS_VOICE_MAX_SECONDS * info.samplerate) {
		char why[80];
		snprintf(why, sizeof(why), "longer than %d s", TS_VOICE_MAX_SECONDS);
		set_err(err, errlen, path, why);
		st = TS_ERR_RANGE;
		goto out;
	}
	size_t n = (size_t)info.frames, ch = (size_t)info.channels;
	raw = malloc(n * ch * sizeof(*raw));
	st2 = malloc(n * 2 * sizeof(*st2));
	if (!raw || !st2) {
		set_err(err, errlen, path, ts_strerror(TS_ERR_NOMEM));
		st = TS_ERR_NOMEM;
		goto out;
	}
	sf_count_t got = sf_readf_float(sf, raw, info.frames);
	if (got <= 0) {
		set_err(err, errlen, path, sf_strerror(sf)[0] ? sf_strerror(sf) : "cannot read it");
		st = TS_ERR_IO;
		goto out;
	}
	n = (size_t)got;
	for (size_t i = 0; i < n; i++) {
		st2[2 * i] = raw[i * ch];
		st2[2 * i + 1] = raw[i * ch + (ch > 1)];
	}
	*out = st2;
	st2 = NULL;
	*frames = n;
	*file_rate = info.samplerate;
out:
	free(raw);
	free(st2);
	sf_close(sf);
	return st;
}

/* The file at `path` read, resampled to the mixer's rate and copied into locked memory; `key` is
 * the name it is shared by (find_loaded). */
static ts_status sample_read(const ts_voices *v, const char *path, const char *key, sample **out,
			     char *err, size_t errlen)
{
	float *in;
	size_t frames;
	int file_rate;
	ts_status st = read_stereo(path, &in, &frames, &file_rate, err, errlen);
	if (st != TS_OK)
		return st;
	float *data = in;
	if ((uint32_t)file_rate != v->rate) {
		double ratio = (double)v->rate / file_rate;
		/* a few frames more than the exact length: the converter may give one more */
		size_t cap = (size_t)ceil((double)frames * ratio) + 16;
		data = malloc(cap * 2 * sizeof(*data));
		if (!data) {
			free(in);
			set_err(err, errlen, path, ts_strerror(TS_ERR_NOMEM));
			return TS_ERR_NOMEM;
		}
		SRC_DATA src = {
			.data_in = in, .data_out = data, .input_frames = (long)frames,
			.output_frames = (long)cap, .src_ratio = ratio,
		};
		int e = src_simple(&src, SRC_SINC_MEDIUM_QUALITY, 2);
		free(in);
		if (e || src.output_frames_gen <= 0) {
			free(data);
			set_err(err, errlen, path, e ? src_strerror(e) : "nothing after resampling");
			return TS_ERR_RANGE;
		}
		frames = (size_t)src.output_frames_gen;
	}
	sample *smp = calloc(1, sizeof(*smp));
	if (smp) {
		smp->data = ts_rtmem_alloc(frames * 2 * sizeof(float));
		smp->path = strdup(key);
	}
	if (!smp || !smp->data || !smp->path) {
		free(data);
		sample_free(smp);
		set_err(err, errlen, path, ts_strerror(TS_ERR_NOMEM));
		return TS_ERR_NOMEM;
	}
	memcpy(smp->data, data, frames * 2 * sizeof(float));
	free(data);
	smp->frames = frames;
	*out = smp;
	return TS_OK;
}

static sample *find_loaded(const ts_voices *v, const char *path)
{
	for (sample *s = v->loaded; s; s = s->next)
		if (strcmp(s->path, path) == 0)
			return s;
	return NULL;
}

ts_status ts_voices_load(ts_voices *v, int pattern, int track, const char *path, char *err,
			 size_t errlen)
{
	const char *name = path ? path : "";
	if (track < 1 || track > TS_TRACKS) {
		set_err(err, errlen, name, "no such track");
		return TS_ERR_RANGE;
	}
	if (pattern < 0 || pattern >= v->patterns) {
		set_err(err, errlen, name, "no such pattern");
		return TS_ERR_RANGE;
	}
	ts_voices_collect(v);
	size_t at = (size_t)pattern * TS_TRACKS + (size_t)track - 1;
	/* the same file under another name is the same sample */
	char *real = path && *path ? realpath(path, NULL) : NULL;
	const char *key = real ? real : path;
	sample *s = path && *path ? find_loaded(v, key) : NULL;
	bool fresh = path && *path && !s;
	ts_status st = TS_OK;
	if (!fresh && v->want[at] == s)
		goto out;
	/* room in the ring first: a file is not read for nothing */
	if (ts_ring_write_space(v->in) == 0) {
		st = TS_ERR_BUSY;
		set_err(err, errlen, name, ts_strerror(st));
		goto out;
	}
	if (fresh && (st = sample_read(v, path, key, &s, err, errlen)) != TS_OK)
		goto out;
	/* the space seen above can only have grown: this write fits */
	ts_ring_write(v->in, &(change){(uint16_t)pattern, (uint8_t)track, s}, 1);
	if (fresh) {
		s->next = v->loaded;
		v->loaded = s;
	}
	if (s)
		s->refs++;
	v->want[at] = s;
out:
	free(real);
	return st;
}

bool ts_voices_sample_path(const ts_track *tk, const char *file, char *out, size_t len)
{
	if (len)
		out[0] = '\0';
	if (tk->dest == TS_DEST_EXT || !tk->sample[0])
		return false;
	const char *slash = file ? strrchr(file, '/') : NULL;
	int dirlen = tk->sample[0] == '/' || !slash ? 0 : (int)(slash - file + 1);
	snprintf(out, len, "%.*s%s", dirlen, file, tk->sample);
	return true;
}

int ts_voices_load_pattern(ts_voices *v, int pattern, const ts_pattern *pat, const char *file,
			   ts_voices_report_fn fn, void *ctx)
{
	int failed = 0;
	for (int t = 1; t <= TS_TRACKS; t++) {
		char path[TS_VOICE_PATH_MAX], err[TS_VOICE_PATH_MAX + 256];
		ts_voices_sample_path(&pat->tracks[t - 1], file, path, sizeof(path));
		if (ts_voices_load(v, pattern, t, path, err, sizeof(err)) != TS_OK) {
			/* the track keeps nothing of an old sample */
			ts_voices_load(v, pattern, t, NULL, NULL, 0);
			if (fn)
				fn(ctx, t, err);
			failed++;
		}
	}
	return failed;
}

size_t ts_voices_frames(const ts_voices *v, int pattern, int track)
{
	if (pattern < 0 || pattern >= v->patterns || track < 1 || track > TS_TRACKS)
		return 0;
	const sample *s = v->want[(size_t)pattern * TS_TRACKS + (size_t)track - 1];
	return s ? s->frames : 0;
}

void ts_voices_collect(ts_voices *v)
{
	sample *back[64];
	size_t n;
	while ((n = ts_ring_read(v->out, back, sizeof(back) / sizeof(back[0]))) > 0) {
		for (size_t i = 0; i < n; i++) {
			sample *s = back[i];
			if (--s->refs)
				continue;
			sample **p = &v->loaded;
			while (*p != s)
				p = &(*p)->next;
			*p = s->next;
			sample_free(s);
		}
	}
}

size_t ts_voices_bytes(const ts_voices *v)
{
	size_t n = 0;
	for (const sample *s = v->loaded; s; s = s->next)
		n += s->frames * 2 * sizeof(float);
	return n;
}

/* ---- the real-time side ---- */

void ts_voices_trigger(ts_voices *v, int pattern, int track, uint8_t velocity, uint32_t frame)
{
	if (track < 1 || track > TS_TRACKS || pattern < 0 || pattern >= v->patterns ||
	    velocity == 0)
		return;
	if (v->nqueue && frame < v->queue[v->nqueue - 1].frame)
		frame = v->queue[v->nqueue - 1].frame;
	/* a chord: one hit, the loudest */
	for (uint32_t i = v->nqueue; i-- > 0 && v->queue[i].frame == frame;) {
		if (v->queue[i].track == track) {
			if (velocity > v->queue[i].velocity)
				v->queue[i].velocity = velocity;
			return;
		}
	}
	if (v->nqueue == TS_VOICE_QUEUE) {
		v->lost++;
		return;
	}
	v->queue[v->nqueue++] = (trigger){frame, (uint8_t)pattern, (uint8_t)track, velocity};
}

void ts_voices_click(ts_voices *v, bool accent, uint32_t frame)
{
	if (v->nqueue && frame < v->queue[v->nqueue - 1].frame)
		frame = v->queue[v->nqueue - 1].frame;
	if (v->nqueue == TS_VOICE_QUEUE) {
		v->lost++;
		return;
	}
	v->queue[v->nqueue++] = (trigger){frame, accent, 0, 127};
}

static bool in_use(const ts_voices *v, const sample *s)
{
	for (int t = 0; t <= TS_TRACKS; t++) {
		const voice *vo = &v->voices[t];
		if (vo->on && vo->s == s)
			return true;
		for (int k = 0; k < FADES; k++)
			if (vo->fades[k].left && vo->fades[k].s == s)
				return true;
	}
	return false;
}

/* The main thread's changes, then the replaced samples that no hit plays go back to it. */
static void take_changes(ts_voices *v)
{
	/* In batches no larger than the room left in retiring[]: each change retires at most one
	 * sample, so none is lost when it is full (the rest wait for the next period). */
	change batch[64];
	size_t n, room;
	while ((room = TS_VOICE_HANDOVER - v->nretiring) > 0 &&
	       (n = ts_ring_read(v->in, batch, room < 64 ? room : 64)) > 0) {
		for (size_t i = 0; i < n; i++) {
			sample **slot = &v->map[(size_t)batch[i].pattern * TS_TRACKS + batch[i].track - 1];
			if (*slot)
				v->retiring[v->nretiring++] = *slot;
			*slot = batch[i].s;
		}
	}
	size_t space = v->nretiring ? ts_ring_write_space(v->out) : 0;
	for (uint32_t i = 0; i < v->nretiring && space > 0;) {
		if (in_use(v, v->retiring[i])) {
			i++;
			continue;
		}
		ts_ring_write(v->out, &v->retiring[i], 1);
		space--;
		v->retiring[i] = v->retiring[--v->nretiring];
	}
}

/* Mix frames [from, to) of the period of every voice into left and right. */
static void mix(ts_voices *v, float *left, float *right, uint32_t from, uint32_t to)
{
	for (int t = 0; t <= TS_TRACKS; t++) {
		voice *vo = &v->voices[t];
		for (int k = 0; k < FADES; k++) {
			fade *fd = &vo->fades[k];
			if (!fd->left)
				continue;
			size_t n = to - from;
			if (n > fd->left)
				n = fd->left;
			if (n > fd->s->frames - fd->pos)
				n = fd->s->frames - fd->pos;
			const float *d = fd->s->data + 2 * fd->pos;
			float step = fd->gain / (float)v->fade_len;
			for (size_t i = 0; i < n; i++) {
				float g = step * (float)(fd->left - i);
				left[from + i] += g * d[2 * i];
				right[from + i] += g * d[2 * i + 1];
			}
			fd->pos += n;
			fd->left = fd->pos < fd->s->frames ? fd->left - (uint32_t)n : 0;
		}
		if (vo->on) {
			size_t n = to - from;
			if (n > vo->s->frames - vo->pos)
				n = vo->s->frames - vo->pos;
			const float *d = vo->s->data + 2 * vo->pos;
			for (size_t i = 0; i < n; i++) {
				left[from + i] += vo->gain * d[2 * i];
				right[from + i] += vo->gain * d[2 * i + 1];
			}
			vo->pos += n;
			vo->on = vo->pos < vo->s->frames;
		}
	}
}

/* A new hit of `s`: the one playing (if any) fades out, in a free slot, else in the one nearest
 * its end. */
static void start(ts_voices *v, voice *vo, const sample *s, uint8_t velocity)
{
	if (vo->on) {
		fade *fd = &vo->fades[0];
		for (int k = 1; k < FADES; k++)
			if (vo->fades[k].left < fd->left)
				fd = &vo->fades[k];
		*fd = (fade){vo->s, vo->pos, vo->gain, v->fade_len};
	}
	vo->s = s;
	vo->on = true;
	vo->pos = 0;
	vo->gain = (float)velocity / 127.0f;
}

void ts_voices_render(ts_voices *v, float *left, float *right, uint32_t nframes)
{
	take_changes(v);
	uint32_t at = 0;
	for (uint32_t i = 0; i < v->nqueue; i++) {
		const trigger *q = &v->queue[i];
		uint32_t f = q->frame < nframes ? q->frame : nframes ? nframes - 1 : 0;
		const sample *s = q->track
					  ? v->map[(size_t)q->pattern * TS_TRACKS + q->track - 1]
					  : &v->click[q->pattern ? 1 : 0];
		if (!s)
			continue;
		if (f > at) {
			mix(v, left, right, at, f);
			at = f;
		}
		start(v, &v->voices[q->track], s, q->velocity);
	}
	v->nqueue = 0;
	mix(v, left, right, at, nframes);
}

void ts_voices_reset(ts_voices *v)
{
	for (int t = 0; t <= TS_TRACKS; t++) {
		v->voices[t].on = false;
		memset(v->voices[t].fades, 0, sizeof(v->voices[t].fades));
	}
	v->nqueue = 0;
}

bool ts_voices_sounding(const ts_voices *v)
{
	if (v->nqueue)
		return true;
	for (int t = 0; t <= TS_TRACKS; t++) {
		if (v->voices[t].on)
			return true;
		for (int k = 0; k < FADES; k++)
			if (v->voices[t].fades[k].left)
				return true;
	}
	return false;
}

uint32_t ts_voices_lost(const ts_voices *v)
{
	return v->lost;
}
