/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Values on the command line, parsed the same way by every command. Any thread but RT. */
#ifndef TRIGSEQ_CLI_H
#define TRIGSEQ_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/song.h"

/* A whole decimal number in [lo, hi] (no sign, no spaces); false if it is not one. */
bool ts_cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* Plain decimal seconds ("10", "1.5": digits, at most one point, no sign or exponent) in
 * [lo, hi]; false if it is not that. */
bool ts_cli_seconds(const char *s, double lo, double hi, double *out);

/* A tempo "120" or "120.5": at most one decimal, 30.0 … 300.0, as tenths of a BPM. */
bool ts_cli_tempo(const char *s, uint16_t *tempo10);

/* Load the n pattern files of a chain (1 <= n <= TS_CHAIN_MAX) into a new array (free() it).
 * Every problem of every file goes to stderr as FILE:LINE:COL lines, and NULL comes back; so does
 * a chain whose patterns use more than TS_MAX_PORTS port names. With several patterns, notes on
 * stderr say what the chain will not do: play a pattern's own tempo (the chain plays at the first
 * one's, unless tempo_elsewhere: --bpm, a clock master), or move on from a pattern without a change
 * point. */
ts_pattern *ts_cli_load_chain(const char *const *paths, int n, bool tempo_elsewhere);

/* A song file: its name ends in `.tss`. */
bool ts_cli_is_song(const char *path);

/* Load a song and its patterns (song-format §4): the patterns in the song's order of first use
 * (free() the array), *npats of them, their files in *paths (each and the array malloc'd), the
 * program in *song with its tempo resolved (tempo10_override, when not 0, replaces the song's).
 * Every problem goes to stderr as `check` prints it, and NULL comes back. */
ts_pattern *ts_cli_load_song(const char *path, uint16_t tempo10_override, ts_song *song,
			     int *npats, char ***paths);

/* A usage problem on stderr, "trigseq: MESSAGE" and the help hint "Try 'trigseq CMD --help'."
 * ("trigseq --help" when cmd is NULL); returns 2, the usage exit status. */
int ts_cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A sample that cannot be loaded (ts_voices_report_fn, ctx: the pattern's file name), on stderr:
 * "trigseq: PATH: why (track N of FILE plays nothing)". */
void ts_cli_sample_report(void *file, int track, const char *why);

#endif
