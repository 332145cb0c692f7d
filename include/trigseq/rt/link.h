/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ableton Link, behind a C interface: the one C++ file of trigseq (src/rt/link.cpp, on Debian's
 * ableton-link-dev 3.0.6 headers) so that everything else stays C11.
 *
 * A Link session is a shared beat timeline: at host time t (microseconds of Link's clock, which
 * on Linux is CLOCK_MONOTONIC_RAW, ts_link_clock_us) the session is at beat b(t), a line whose
 * slope is the session's tempo; peers agree on it, and on where quantum boundaries fall (beat
 * multiples of the quantum, so bars line up). With start/stop sync the session also has a
 * playing state, changed at a host time.
 *
 * NOTHING HERE MAY RUN ON THE HOST NETWORK IN TESTS: an enabled Link announces itself by UDP
 * multicast on every interface. Tests enable it only inside ../shared/tools/netns-run.
 *
 * Threads:
 *   - ts_link_new, _free, _enable, _start_stop_sync: the main thread (not real-time: they start
 *     and stop Link's own threads, which do the network).
 *   - ts_link_capture: the real-time thread (Link's audio-session capture: no allocation, lock
 *     or system call).
 *   - ts_link_is_playing, _request_tempo, _request_playing: the main thread (Link's app-session commit: its
 *     audio-session commit wakes Link's thread with a condition variable, which the real-time
 *     thread must not do).
 *   - ts_link_peers, _clock_us, _get_news: any thread (counters Link's thread updates).
 */
#ifndef TRIGSEQ_LINK_H
#define TRIGSEQ_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ts_link ts_link;

/* The session as the real-time thread captured it: beat(t) = beat + (t - at_us) * tempo / 60e6
 * for the quantum asked (a line: exact between tempo changes). */
typedef struct {
	double tempo;             /* beats (quarter notes) a minute */
	int64_t at_us;            /* the host time the beat below is at */
	double beat;              /* the session's beat there, for the quantum asked */
	bool playing;             /* start/stop sync: the session plays */
	int64_t playing_us;       /* the host time playing last changed */
} ts_link_state;

/* What Link's thread saw since ts_link_new: peers coming and going, tempo changes by peers,
 * start/stop changes. For the main thread to report. */
typedef struct {
	uint64_t peer_changes;
	size_t peers;
	uint64_t tempo_changes;
	double tempo;
	uint64_t start_stop_changes;
	bool playing;
} ts_link_news;

/* A Link instance at `bpm`, not enabled (no network until ts_link_enable). NULL when out of
 * memory or when Link cannot start. */
ts_link *ts_link_new(double bpm);
/* Leave the session (disabling: the others play on) and free. NULL is fine. */
void ts_link_free(ts_link *l);
/* Join (true) or leave (false) the session. */
void ts_link_enable(ts_link *l, bool on);
/* Start/stop sync on or off (Link 3). */
void ts_link_start_stop_sync(ts_link *l, bool on);

/* Peers in the session now (others than us). */
size_t ts_link_peers(const ts_link *l);
/* Link's host clock now, microseconds. */
int64_t ts_link_clock_us(const ts_link *l);
/* What Link's thread has seen (see ts_link_news). */
void ts_link_get_news(const ts_link *l, ts_link_news *n);

/* The session at host time at_us for `quantum` beats. [RT] */
void ts_link_capture(ts_link *l, int64_t at_us, double quantum, ts_link_state *out);
/* Whether the session plays (start/stop sync), as the main thread sees it. */
bool ts_link_is_playing(ts_link *l);
/* Propose a tempo from host time at_us on. */
void ts_link_request_tempo(ts_link *l, double bpm, int64_t at_us);
/* Start or stop the session at host time at_us (start/stop sync), asking that `beat` be at
 * the start, in `quantum` (Link moves it to the quantum's phase). */
void ts_link_request_playing(ts_link *l, bool playing, int64_t at_us, double beat, double quantum);

#ifdef __cplusplus
}
#endif

#endif
