/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Analog Rytm pattern dumps (SysEx) to and from trigseq patterns: spec/rytm-semantics.md §7.
 * Pure code: bytes in, a pattern and warnings out, and the reverse. No files, no JACK.
 *
 * Import reads the FW 1.70 layout (raw pattern version 5, "v5") and the FW 1.50-1.61 layout
 * (raw version 3, "v4"); export writes v5. What one side holds and the other cannot is never
 * dropped silently: each loss is one line in a ts_rytm_warnings list, naming the track and steps.
 *
 * Threads: any but the real-time thread (these allocate).
 */
#ifndef TRIGSEQ_RYTM_H
#define TRIGSEQ_RYTM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/status.h"

#define TS_RYTM_V5_RAW_SIZE 13101u   /* FW 1.70 */
#define TS_RYTM_V4_RAW_SIZE 13205u   /* FW 1.50 - 1.61 */
#define TS_RYTM_V5_SYSEX_SIZE 14988u
#define TS_RYTM_FILE_MAX (1u << 20)  /* a dump file is at most 1 MiB */
#define TS_RYTM_ERR_MAX 200          /* bytes of an error message, NUL included */

/* What a dump said about itself. */
typedef struct {
	int layout;          /* 5 (FW 1.70) or 4 (FW 1.50 - 1.61) */
	uint8_t device;      /* device ID 0 ... 15 */
	uint8_t dump_id;     /* 0x54 pattern, 0x5A pattern work buffer */
	uint8_t number;      /* pattern 0 (A01) ... 127 (H16) */
} ts_rytm_info;

/* A list of warning lines (no newline in them). Opaque; free accepts NULL. */
typedef struct ts_rytm_warnings ts_rytm_warnings;
ts_rytm_warnings *ts_rytm_warnings_new(void);
void ts_rytm_warnings_free(ts_rytm_warnings *w);
size_t ts_rytm_warnings_count(const ts_rytm_warnings *w);
const char *ts_rytm_warnings_get(const ts_rytm_warnings *w, size_t i);

/*
 * A whole file holding one pattern dump (MIDI realtime bytes F8-FF may be interleaved; other
 * Rytm dumps beside it are skipped, see ts_rytm_import_select()) into *pat
 * (every field set; *pat is untouched on error). TS_OK; TS_ERR_PARSE with `err` saying what is
 * wrong and what was expected (framing, manufacturer or product ID, dump type, checksum, length,
 * pattern version, raw size); TS_ERR_NOMEM. info may be NULL. Warnings are appended to w.
 */
ts_status ts_rytm_import(const uint8_t *data, size_t len, ts_pattern *pat, ts_rytm_info *info,
			 ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX]);

/*
 * The same for a file of several Rytm dumps (a librarian's bank or project file): every message
 * must be sound; the pattern dump of pattern `number` (0 ... 127) is imported, or with number -1
 * the only pattern dump of the file (several are an error listing them). Other dumps are
 * skipped with a warning.
 */
ts_status ts_rytm_import_select(const uint8_t *data, size_t len, int number, ts_pattern *pat,
				ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX]);

/* As ts_rytm_import_select with `number` 0 ... 127, saying nothing of the file's other dumps:
 * for the patterns of a song dump (ts_rytm_import_song). */
ts_status ts_rytm_import_pattern(const uint8_t *data, size_t len, int number, ts_pattern *pat,
				 ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX]);

/* ---- songs (song-format.md §7: OS 1.72 song dumps, dump ID 0x55, work buffer 0x5B) ---- */

#define TS_RYTM_SONG_RAW_SIZE 1304u
#define TS_RYTM_SONG_ROWS 64
#define TS_RYTM_SONG_POSITIONS 256

/* A Rytm song: rows of pattern positions (a chain) played `repeats` times; the positions of all
 * rows are one pool, taken in row order. */
typedef struct {
	char name[16];           /* printable ASCII, NUL-terminated */
	uint8_t number;          /* song slot 0 ... 15 */
	uint8_t device;
	int nrows;
	struct {
		uint16_t first;      /* its first position in pos[] */
		uint16_t npos;       /* 1 ... */
		uint16_t repeats;    /* 1 ... 256 */
	} rows[TS_RYTM_SONG_ROWS];
	int npos;
	struct {
		uint8_t pattern;     /* 0 (A01) ... 127 (H16) */
		uint16_t mutes;      /* bit t: track t + 1 muted */
	} pos[TS_RYTM_SONG_POSITIONS];
} ts_rytm_song;

/*
 * The song dump of a file of Rytm dumps (every message must be sound, as for patterns): TS_OK
 * with *found true and the song in *song, or *found false when the file holds no song dump;
 * TS_ERR_PARSE with err (*found true when the problem is the song's) (a damaged message, several song dumps, a raw size other than 1304, a
 * song without rows, row counts beyond the 256 positions, a pattern byte over 127). What is not
 * kept (the unknown top mute bits) is warned.
 */
ts_status ts_rytm_import_song(const uint8_t *data, size_t len, ts_rytm_song *song, bool *found,
			      ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX]);

/*
 * The v5 SysEx dump of pat as pattern `number` (0 ... 127), device ID 0, dump ID 0x54: a
 * malloc'd buffer of TS_RYTM_V5_SYSEX_SIZE bytes in *out. What the Rytm cannot hold is appended
 * to w. TS_OK, TS_ERR_RANGE (number), TS_ERR_NOMEM.
 */
ts_status ts_rytm_export(const ts_pattern *pat, int number, uint8_t **out, size_t *len,
			 ts_rytm_warnings *w);

/* "A01" ... "H16" or "0" ... "127" -> pattern number, or -1. */
int ts_rytm_pattern_parse(const char *text);

/* ---- the layers below, for tests ---- */

/* 7-bit packing (§7.2): packed size of n raw bytes, raw size of n packed bytes. */
size_t ts_rytm_packed_size(size_t n);
size_t ts_rytm_unpacked_size(size_t n);
/* out holds ts_rytm_packed_size(n) / ts_rytm_unpacked_size(n) bytes; returns that size. */
size_t ts_rytm_pack7(const uint8_t *raw, size_t n, uint8_t *out);
size_t ts_rytm_unpack7(const uint8_t *packed, size_t n, uint8_t *out);
/* 14-bit sum of the packed payload (§7.1). */
unsigned ts_rytm_checksum(const uint8_t *packed, size_t n);

/* Decode raw (unpacked) pattern data of either layout; the version word picks it. */
ts_status ts_rytm_decode(const uint8_t *raw, size_t n, ts_pattern *pat, ts_rytm_warnings *w,
			 char err[TS_RYTM_ERR_MAX]);
/* Encode pat as v5 raw data (TS_RYTM_V5_RAW_SIZE bytes). */
void ts_rytm_encode(const ts_pattern *pat, uint8_t *raw, ts_rytm_warnings *w);

/* The note mapping, stated once: a Rytm note byte is the MIDI note number (60 = NOTE 0 on the
 * Rytm, C4 in trigseq's scientific naming, which Elektron's naming calls C5). */
#define TS_RYTM_NOTE_MIN 36
#define TS_RYTM_NOTE_MAX 84

#endif
