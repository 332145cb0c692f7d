/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sample voices: one one-shot sample per track of each pattern (spec §3 `sample`, `dest
 * int`/`int+ext`), played on the engine's voice events, and a metronome click, mixed to a stereo
 * pair.
 *
 * A sample is any file libsndfile reads (WAV, AIFF, FLAC, Ogg ...), mono or stereo (of more
 * channels the first two; mono goes to both sides), resampled once at load with libsamplerate
 * (SRC_SINC_MEDIUM_QUALITY; not at all when the rates agree) to the mixer's rate and kept as
 * float stereo in locked memory (rtmem.h). A file used by several patterns or tracks is loaded
 * once. Each pattern of the chain (or bank) has its own samples, as each Rytm pattern has its own
 * kit: a voice event plays the sample of the pattern it came from (ts_event.pattern).
 *
 * Each hit plays the sample from its start, at the exact frame of its trigger, with gain
 * velocity / 127, to its end, unless the track is hit again: the old hit then fades out linearly
 * over TS_VOICE_FADE_MS while the new one starts at its own frame, so a cut does not click (up to
 * 4 cut hits of a track fade at once; a fifth within 2 ms ends the one nearest its end). Hits of
 * one track at the same frame (the notes of a chord: a sample has no pitch) are one hit, at the
 * loudest of their velocities. The click is a voice of its own with the same rules: a 25 ms
 * decaying sine, 1.5 kHz on a bar's first beat, 1 kHz on the others.
 *
 * Samples change while playing: ts_voices_load on the main thread reads the file, then hands the
 * sample to the real-time side through a single-producer, single-consumer ring (ring.h);
 * ts_voices_render takes it at the start of its next period. The sample it replaces goes back
 * through a second ring once no hit plays it any more (a hit playing it plays on to its end or
 * its cut), and ts_voices_collect frees it. Before the real-time thread runs, the same calls load
 * a whole bank (the ring holds TS_VOICE_HANDOVER changes).
 *
 * Threads: ts_voices_new, _free on a non-real-time thread with no render running; _load,
 * _load_pattern, _frames, _collect, _bytes on one non-real-time thread (the "main" thread), also
 * while another renders; ts_voices_sample_path on any but the real-time thread.
 * ts_voices_trigger, _click, _render, _reset, _sounding and _lost are real-time safe [RT]: no
 * allocation, locks, I/O or syscalls; one thread at a time.
 */
#ifndef TRIGSEQ_VOICE_H
#define TRIGSEQ_VOICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/status.h"

/* How long a cut hit fades out: long enough not to click, short enough to sound like a cut. */
#define TS_VOICE_FADE_MS 2
/* Triggers one period may hold (more are dropped and counted: ts_voices_lost). */
#define TS_VOICE_QUEUE 512
/* The longest sample kept, in seconds at the mixer's rate. */
#define TS_VOICE_MAX_SECONDS 600
/* Sample changes waiting for the real-time side (a bank of 128 patterns of 12 tracks fits). */
#define TS_VOICE_HANDOVER 2048

typedef struct ts_voices ts_voices;

/* A mixer for `rate` frames a second (1000 ... 384000) and chain indices 0 ... patterns - 1 (1
 * ... 255), no samples loaded. NULL when out of memory or out of range. */
ts_voices *ts_voices_new(uint32_t rate, int patterns);
/* Free the mixer and every sample (NULL is fine). */
void ts_voices_free(ts_voices *v);

/*
 * Make the file at `path` the sample of `track` (1 ... 12) in chain pattern `pattern`; NULL or
 * "" for none. The real-time side plays it from its next period. On failure nothing changes and
 * err (when not NULL) holds "PATH: why" for the user: TS_ERR_IO for a missing or unreadable file
 * (libsndfile's reason), TS_ERR_RANGE for an empty or too long one or a bad track or pattern,
 * TS_ERR_NOMEM, TS_ERR_BUSY when TS_VOICE_HANDOVER changes wait for the real-time side (call
 * ts_voices_collect and try again).
 */
ts_status ts_voices_load(ts_voices *v, int pattern, int track, const char *path, char *err,
			 size_t errlen);

/* The longest path of a sample, its pattern file's folder included. */
#define TS_VOICE_PATH_MAX 4096

/* The path of the track's sample when it has a voice (dest int or int+ext and a sample): a
 * relative path is taken from the folder of `file`, the pattern's file (NULL: the working
 * directory). False, and "", when it has none. */
bool ts_voices_sample_path(const ts_track *tk, const char *file, char *out, size_t len);

/* Called for each sample that cannot be loaded, with its track and "PATH: why". */
typedef void (*ts_voices_report_fn)(void *ctx, int track, const char *why);

/*
 * Every track's sample of chain pattern `pattern` as `pat` gives it (ts_voices_sample_path;
 * `file` is the pattern's file), the tracks without a voice none. Returns how many could not be
 * loaded, after reporting each through fn (when not NULL); those tracks play nothing.
 */
int ts_voices_load_pattern(ts_voices *v, int pattern, const ts_pattern *pat, const char *file,
			   ts_voices_report_fn fn, void *ctx);

/* Frames of a track's sample (the last one loaded for it) at the mixer's rate; 0 without one. */
size_t ts_voices_frames(const ts_voices *v, int pattern, int track);
/* Free the samples the real-time side no longer plays. */
void ts_voices_collect(ts_voices *v);
/* Bytes of sample data held (locked), the replaced ones not collected yet included. */
size_t ts_voices_bytes(const ts_voices *v);

/* Hit `track` (1 ... 12) with the sample of chain pattern `pattern`, at `frame` (0 ...
 * nframes-1) of the next ts_voices_render period, with velocity 1 ... 127. Triggers of a period
 * come in ascending frame order (the engine's); a frame before the previous trigger's is taken
 * as that one. Without a sample there, nothing plays. [RT] */
void ts_voices_trigger(ts_voices *v, int pattern, int track, uint8_t velocity, uint32_t frame);
/* The metronome: a click at `frame` of the next period, accented on a bar's first beat. [RT] */
void ts_voices_click(ts_voices *v, bool accent, uint32_t frame);
/* Take the samples handed over, then add the next nframes of every voice to left and right
 * (mixed in, not cleared), starting the hits triggered for this period at their frames; then the
 * trigger queue is empty. [RT] */
void ts_voices_render(ts_voices *v, float *left, float *right, uint32_t nframes);
/* Silence every voice at once and forget the pending triggers. [RT] */
void ts_voices_reset(ts_voices *v);
/* Whether any voice still sounds (or a trigger is pending). [RT] */
bool ts_voices_sounding(const ts_voices *v);
/* Triggers dropped because a period held more than TS_VOICE_QUEUE (should stay 0). [RT] */
uint32_t ts_voices_lost(const ts_voices *v);

#endif
