/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Standard MIDI Files (format 1) built in memory and written atomically (fileio.h): what
 * `trigseq export` makes of the engine's events. Not for the real-time thread.
 *
 * Track 0 is the conductor track (created with the file): the caller puts its tempo, time
 * signature and name there as meta events. Events of a track are added in time order; each
 * track ends with End of Track at the end tick given to ts_smf_write (or at its last event).
 * Delta times are variable-length quantities; no running status is used, which every reader
 * accepts.
 */
#ifndef TRIGSEQ_SMF_H
#define TRIGSEQ_SMF_H

#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/status.h"

typedef struct ts_smf ts_smf;

/* An empty file of `ppqn` ticks per quarter note (1 … 32767) with its conductor track. */
ts_smf *ts_smf_new(uint16_t ppqn);
void ts_smf_free(ts_smf *smf);
/* A new track (1, 2, …) named `name` (a Track Name meta event at tick 0 when not NULL); -1 when
 * out of memory or beyond 65535 tracks. */
int ts_smf_add_track(ts_smf *smf, const char *name);
/* A channel message (1 … 3 bytes, status first) at `tick`, not before the track's last event.
 * TS_ERR_RANGE for a bad message or tick, TS_ERR_NOMEM. */
ts_status ts_smf_event(ts_smf *smf, int track, uint64_t tick, const uint8_t *bytes, int size);
/* A meta event (FF type len data). */
ts_status ts_smf_meta(ts_smf *smf, int track, uint64_t tick, uint8_t type, const void *data,
		      size_t len);
/* The tempo (Set Tempo, microseconds per quarter note, rounded) and a time signature n/2^d. */
ts_status ts_smf_tempo(ts_smf *smf, uint64_t tick, uint16_t tempo10);
ts_status ts_smf_time_signature(ts_smf *smf, uint64_t tick, uint8_t num, uint8_t denom_pow2);
int ts_smf_tracks(const ts_smf *smf);
/* The file's bytes (malloc'd, *len set), every track ending at end_tick or its last event. */
uint8_t *ts_smf_bytes(const ts_smf *smf, uint64_t end_tick, size_t *len);
/* Write it atomically to path (fileio.h). */
ts_status ts_smf_write(const ts_smf *smf, const char *path, uint64_t end_tick);

#endif
