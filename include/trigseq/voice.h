/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sample voices: one one-shot sample per track (spec §3 `sample`, `dest int`/`int+ext`),
 * played on the engine's voice events, mixed to a stereo pair.
 *
 * A sample is any file libsndfile reads (WAV, AIFF, FLAC, Ogg ...), mono or stereo (of more
 * channels the first two; mono goes to both sides), resampled once at load with libsamplerate
 * (SRC_SINC_MEDIUM_QUALITY; not at all when the rates agree) to the mixer's rate and kept as
 * float stereo. Each hit plays the sample from its start, at the exact frame of its trigger, with
 * gain velocity / 127, to its end, unless the track is hit again: the old hit then fades out
 * linearly over TS_VOICE_FADE_MS while the new one starts at its own frame, so a cut does not
 * click (up to 4 cut hits of a track fade at once; a fifth within 2 ms ends the one nearest its
 * end). Hits of one track at the same frame (the notes of a chord: a sample has no pitch) are
 * one hit, at the loudest of their velocities.
 *
 * Threads: ts_voices_new, _free, _load, _unload on a non-real-time thread, never while another
 * thread renders. ts_voices_trigger, _render, _reset and _sounding are real-time safe [RT]: no
 * allocation, locks, I/O or syscalls; one thread at a time.
 */
#ifndef TRIGSEQ_VOICE_H
#define TRIGSEQ_VOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/status.h"

/* How long a cut hit fades out: long enough not to click, short enough to sound like a cut. */
#define TS_VOICE_FADE_MS 2
/* Triggers one period may hold (more are dropped and counted: ts_voices_lost). */
#define TS_VOICE_QUEUE 512
/* The longest sample kept, in seconds at the mixer's rate. */
#define TS_VOICE_MAX_SECONDS 600

typedef struct ts_voices ts_voices;

/* A mixer for `rate` frames a second (1000 ... 384000), no samples loaded. NULL when out of
 * memory or the rate is out of range. */
ts_voices *ts_voices_new(uint32_t rate);
void ts_voices_free(ts_voices *v);

/*
 * Read the file at `path` as track `track`'s sample (1 ... 12), replacing the one it had. On
 * failure the track keeps its old sample, and err (when not NULL) holds "PATH: why" for the
 * user: TS_ERR_IO for a missing or unreadable file (libsndfile's reason), TS_ERR_RANGE for an
 * empty or too long one or a bad track, TS_ERR_NOMEM.
 */
ts_status ts_voices_load(ts_voices *v, int track, const char *path, char *err, size_t errlen);
/* The track plays nothing from now on. */
void ts_voices_unload(ts_voices *v, int track);
/* Frames of the track's sample at the mixer's rate; 0 without one. */
size_t ts_voices_frames(const ts_voices *v, int track);

/* Hit `track` (1 ... 12) at `frame` (0 ... nframes-1) of the next ts_voices_render period, with
 * velocity 1 ... 127. Triggers of a period come in ascending frame order (the engine's); a frame
 * before the previous trigger's is taken as that one. A track without a sample ignores it. [RT] */
void ts_voices_trigger(ts_voices *v, int track, uint8_t velocity, uint32_t frame);
/* Add the next nframes of every voice to left and right (mixed in, not cleared), starting the
 * hits triggered for this period at their frames; then the trigger queue is empty. [RT] */
void ts_voices_render(ts_voices *v, float *left, float *right, uint32_t nframes);
/* Silence every voice at once and forget the pending triggers (transport stop). [RT] */
void ts_voices_reset(ts_voices *v);
/* Whether any voice still sounds (or a trigger is pending). [RT] */
bool ts_voices_sounding(const ts_voices *v);
/* Triggers dropped because a period held more than TS_VOICE_QUEUE (should stay 0). [RT] */
uint32_t ts_voices_lost(const ts_voices *v);

#endif
