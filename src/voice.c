/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The sample voices (voice.h): samples read and resampled at load, mixed sample-accurately. */
#include "trigseq/voice.h"

#include <errno.h>
#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/pattern.h"

/* Hits of a track fading out at once: more than one only when hits come less than
 * TS_VOICE_FADE_MS apart; past that many the oldest ends at once. */
#define FADES 4

/* A hit fading out: left of fade_len frames to go (0: the slot is free). */
typedef struct {
	size_t pos;
	float gain;
	uint32_t left;
} fade;

typedef struct {
	float *data;             /* interleaved stereo at the mixer's rate */
	size_t frames;
	/* the hit playing */
	bool on;
	size_t pos;
	float gain;
	/* the hits it cut */
	fade fades[FADES];
} voice;

typedef struct {
	uint32_t frame;
	uint8_t track;           /* 1 ... TS_TRACKS */
	uint8_t velocity;
} trigger;

struct ts_voices {
	uint32_t rate;
	uint32_t fade_len;       /* frames of a cut's fade, at least 1 */
	voice voices[TS_TRACKS];
	trigger queue[TS_VOICE_QUEUE];
	uint32_t nqueue;
	uint32_t lost;
};

ts_voices *ts_voices_new(uint32_t rate)
{
	if (rate < 1000 || rate > 384000)
		return NULL;
	ts_voices *v = calloc(1, sizeof(*v));
	if (!v)
		return NULL;
	v->rate = rate;
	v->fade_len = rate * TS_VOICE_FADE_MS / 1000;
	if (v->fade_len < 1)
		v->fade_len = 1;
	return v;
}

void ts_voices_free(ts_voices *v)
{
	if (!v)
		return;
	for (int t = 0; t < TS_TRACKS; t++)
		free(v->voices[t].data);
	free(v);
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
		set_err(err, errlen, path, sf_strerror(NULL));
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

ts_status ts_voices_load(ts_voices *v, int track, const char *path, char *err, size_t errlen)
{
	if (track < 1 || track > TS_TRACKS) {
		set_err(err, errlen, path, "no such track");
		return TS_ERR_RANGE;
	}
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
	voice *vo = &v->voices[track - 1];
	free(vo->data);
	*vo = (voice){.data = data, .frames = frames};
	return TS_OK;
}

void ts_voices_unload(ts_voices *v, int track)
{
	if (track < 1 || track > TS_TRACKS)
		return;
	voice *vo = &v->voices[track - 1];
	free(vo->data);
	*vo = (voice){0};
}

size_t ts_voices_frames(const ts_voices *v, int track)
{
	return track >= 1 && track <= TS_TRACKS ? v->voices[track - 1].frames : 0;
}

void ts_voices_trigger(ts_voices *v, int track, uint8_t velocity, uint32_t frame)
{
	if (track < 1 || track > TS_TRACKS || !v->voices[track - 1].data || velocity == 0)
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
	v->queue[v->nqueue++] = (trigger){frame, (uint8_t)track, velocity};
}

/* Mix frames [from, to) of the period of every voice into left and right. */
static void mix(ts_voices *v, float *left, float *right, uint32_t from, uint32_t to)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		voice *vo = &v->voices[t];
		for (int k = 0; k < FADES; k++) {
			fade *fd = &vo->fades[k];
			if (!fd->left)
				continue;
			size_t n = to - from;
			if (n > fd->left)
				n = fd->left;
			if (n > vo->frames - fd->pos)
				n = vo->frames - fd->pos;
			const float *d = vo->data + 2 * fd->pos;
			float step = fd->gain / (float)v->fade_len;
			for (size_t i = 0; i < n; i++) {
				float g = step * (float)(fd->left - i);
				left[from + i] += g * d[2 * i];
				right[from + i] += g * d[2 * i + 1];
			}
			fd->pos += n;
			fd->left = fd->pos < vo->frames ? fd->left - (uint32_t)n : 0;
		}
		if (vo->on) {
			size_t n = to - from;
			if (n > vo->frames - vo->pos)
				n = vo->frames - vo->pos;
			const float *d = vo->data + 2 * vo->pos;
			for (size_t i = 0; i < n; i++) {
				left[from + i] += vo->gain * d[2 * i];
				right[from + i] += vo->gain * d[2 * i + 1];
			}
			vo->pos += n;
			vo->on = vo->pos < vo->frames;
		}
	}
}

/* A new hit: the one playing (if any) fades out, in a free slot, else in the one nearest its
 * end. */
static void start(ts_voices *v, voice *vo, uint8_t velocity)
{
	if (vo->on) {
		fade *fd = &vo->fades[0];
		for (int k = 1; k < FADES; k++)
			if (vo->fades[k].left < fd->left)
				fd = &vo->fades[k];
		*fd = (fade){vo->pos, vo->gain, v->fade_len};
	}
	vo->on = true;
	vo->pos = 0;
	vo->gain = (float)velocity / 127.0f;
}

void ts_voices_render(ts_voices *v, float *left, float *right, uint32_t nframes)
{
	uint32_t at = 0;
	for (uint32_t i = 0; i < v->nqueue; i++) {
		const trigger *q = &v->queue[i];
		uint32_t f = q->frame < nframes ? q->frame : nframes ? nframes - 1 : 0;
		if (f > at) {
			mix(v, left, right, at, f);
			at = f;
		}
		start(v, &v->voices[q->track - 1], q->velocity);
	}
	v->nqueue = 0;
	mix(v, left, right, at, nframes);
}

void ts_voices_reset(ts_voices *v)
{
	for (int t = 0; t < TS_TRACKS; t++) {
		v->voices[t].on = false;
		memset(v->voices[t].fades, 0, sizeof(v->voices[t].fades));
	}
	v->nqueue = 0;
}

bool ts_voices_sounding(const ts_voices *v)
{
	if (v->nqueue)
		return true;
	for (int t = 0; t < TS_TRACKS; t++) {
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
