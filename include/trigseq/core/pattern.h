/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pattern: plain data with Analog Rytm trig/track semantics, exactly the content of a `.tsq`
 * file (spec/pattern-format.md). No pointers inside, so a pattern can be copied with memcpy and
 * handed to the real-time thread. Comments of the file live beside it (patfile.h), not in it.
 *
 * "Unset" values (TS_UNSET, TS_UNSET_I16, nnotes == 0) mean "use the track default"; they are kept
 * distinct from an explicit value equal to the default so that files round-trip byte for byte.
 *
 * Threads: any. Nothing here allocates.
 */
#ifndef TRIGSEQ_PATTERN_H
#define TRIGSEQ_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TS_TRACKS 12
#define TS_MAX_STEPS 64
#define TS_MAX_NOTES 4       /* notes of a chord */
#define TS_MAX_LOCKS 16      /* cc parameter locks on one trig */
#define TS_NAME_MAX 32       /* pattern and track names, in bytes, without the NUL */
#define TS_PORT_NAME_MAX 16  /* `[a-z][a-z0-9_]{0,15}` */
#define TS_MAX_PORTS (1 + TS_TRACKS)

#define TS_UNSET 0xFF        /* uint8 fields: use the track default */
#define TS_UNSET_I16 INT16_MIN

#define TS_TEMPO10_MIN 300   /* tempo in tenths of a BPM */
#define TS_TEMPO10_MAX 3000

/* Lengths (gate, retrig length) are an index into the Rytm length table, 0 … 126, or TS_LEN_INF.
 * ts_len16() gives the length in sixteenths of a step, which is always an integer (2 … 2048). */
#define TS_LEN_COUNT 127
#define TS_LEN_INF 127
#define TS_LEN_ONE 14        /* index of length 1 (one step) */

/* Retrig rates 1/D: index 0 … 16 into {1,2,3,4,5,6,8,10,12,16,20,24,32,40,48,64,80}. */
#define TS_RATE_COUNT 17
#define TS_RATE_1_16 9       /* index of 1/16, the default */

/* Speeds, in the Rytm's raw order. Multiplier = num/den. */
typedef enum {
	TS_SPEED_2X = 0,   /* 2/1 */
	TS_SPEED_3_2X,     /* 3/2 */
	TS_SPEED_1X,       /* 1/1 */
	TS_SPEED_3_4X,     /* 3/4 */
	TS_SPEED_1_2X,     /* 1/2 */
	TS_SPEED_1_4X,     /* 1/4 */
	TS_SPEED_1_8X,     /* 1/8 */
	TS_SPEED_COUNT
} ts_speed;

typedef enum { TS_MODE_NORMAL = 0, TS_MODE_ADVANCED } ts_mode;

typedef enum {
	TS_TRIG_NONE = 0,  /* '.' */
	TS_TRIG_NOTE,      /* 'x' */
	TS_TRIG_ACCENT,    /* 'X' */
	TS_TRIG_LOCK,      /* 'o' trigless lock */
	TS_TRIG_MUTED,     /* '-' */
} ts_trig_kind;

/* Trig conditions. Probabilities and A:B use the Rytm's raw codes (rytm-semantics §3.4) so that
 * import and export are a table lookup: 0 … 21 are P%, 30 … 64 are A:B. */
enum {
	TS_COND_FILL = 22,
	TS_COND_NOT_FILL = 23,
	TS_COND_PRE = 24,
	TS_COND_NOT_PRE = 25,
	TS_COND_NEI = 26,
	TS_COND_NOT_NEI = 27,
	TS_COND_1ST = 28,
	TS_COND_NOT_1ST = 29,
	TS_COND_AB_FIRST = 30,
	TS_COND_AB_LAST = 64,
	TS_COND_NONE = 127,
};

typedef enum { TS_SWING_AUTO = 0, TS_SWING_ON, TS_SWING_OFF } ts_swing_force;
typedef enum { TS_DEST_EXT = 0, TS_DEST_INT, TS_DEST_INT_EXT } ts_dest;

#define TS_CHANNEL_OFF 0     /* channel field: 1 … 16, or off */
#define TS_PROGRAM_NONE (-1)
#define TS_CC_NONE (-1)      /* base_cc entry with no base value */

typedef struct {
	uint8_t cc;
	uint8_t value;
} ts_lock;

typedef struct {
	uint8_t kind;                    /* ts_trig_kind */
	uint8_t nnotes;                  /* 0: the track's notes */
	uint8_t notes[TS_MAX_NOTES];
	uint8_t vel;                     /* 1 … 127, or TS_UNSET */
	uint8_t gate;                    /* length index, or TS_UNSET */
	int8_t micro;                    /* -23 … 23 */
	uint8_t cond;                    /* TS_COND_* or a raw P% / A:B code */
	bool retrig;
	uint8_t retrig_rate;             /* rate index, or TS_UNSET */
	uint8_t retrig_len;              /* length index, or TS_UNSET */
	int16_t retrig_vel;              /* -128 … 127, or TS_UNSET_I16 */
	bool slide;
	uint8_t swing;                   /* ts_swing_force */
	uint8_t nlocks;
	ts_lock locks[TS_MAX_LOCKS];     /* in file order; each controller at most once */
} ts_trig;

/* Euclidean mode (euclid.md §3.3): two pulse generators, their rotations, a boolean operator and a
 * rotation of the result decide which steps are hits; hit k plays grid step k. */
typedef enum { TS_EUCLID_OR = 0, TS_EUCLID_XOR, TS_EUCLID_AND, TS_EUCLID_SUB, TS_EUCLID_OPS } ts_euclid_op;
#define TS_EUCLID_PULSES_MAX 64
#define TS_EUCLID_ROT_MAX 63   /* rotations -63 … 63 */

typedef struct {
	bool on;                         /* an `euclid` line */
	uint8_t pl1, pl2;                /* 0 … 64 */
	int8_t ro1, ro2, tro;            /* -63 … 63 */
	uint8_t op;                      /* ts_euclid_op */
} ts_euclid;

typedef struct {
	bool declared;                   /* a `track N` line exists (the writer omits others) */
	char name[TS_NAME_MAX + 1];
	uint8_t channel;                 /* 1 … 16, or TS_CHANNEL_OFF */
	char port[TS_PORT_NAME_MAX + 1]; /* "midi_out" by default */
	uint8_t nnotes;                  /* 1 … 4 */
	uint8_t notes[TS_MAX_NOTES];
	uint8_t velocity;
	uint8_t gate;                    /* length index */
	uint8_t length;                  /* 1 … 64; set from the pattern length in normal mode */
	bool length_set;                 /* `length` given (advanced mode only) */
	uint8_t speed;                   /* ts_speed; from the pattern in normal mode */
	bool speed_set;                  /* `speed` given (advanced mode only) */
	bool send_midi;
	bool mute;
	uint8_t prob;                    /* 0 … 100 */
	int16_t program;                 /* 0 … 127, or TS_PROGRAM_NONE */
	int16_t base_cc[128];            /* base value per controller, or TS_CC_NONE */
	uint8_t retrig_rate;             /* rate index */
	uint8_t retrig_len;              /* length index */
	int16_t retrig_vel;              /* -128 … 127 */
	char sample[256];                /* path relative to the pattern file, "" = none */
	uint8_t dest;                    /* ts_dest */
	ts_euclid euclid;                /* .on false: trigs play where the grid puts them */
	ts_trig steps[TS_MAX_STEPS];     /* steps[k - 1] is step k; kind NONE beyond length */
} ts_track;

typedef struct {
	char name[TS_NAME_MAX + 1];
	uint16_t tempo10;                /* BPM x 10, 300 … 3000 */
	uint8_t swing;                   /* 50 … 80 */
	uint8_t mode;                    /* ts_mode */
	uint16_t length;                 /* normal: 1 … 64; advanced: 2 … 1024, or 0 for inf */
	uint8_t speed;                   /* ts_speed */
	uint16_t change;                 /* 0 = off, or 2 … 1024 */
	uint8_t accent;                  /* 0 … 127 */
	ts_track tracks[TS_TRACKS];      /* tracks[n - 1] is track n */
} ts_pattern;

/* A pattern with every default of the spec and no trigs (tracks not declared). */
void ts_pattern_init(ts_pattern *pat);

/* Default values of a track `n` (1 … 12) of a pattern whose pattern-level fields are set. */
void ts_track_init(ts_track *trk, int n);

/* An empty step ('.'): kind NONE and every attribute unset. Every empty step of a pattern from
 * ts_pattern_init() or the loader is byte for byte this, padding included. */
void ts_trig_init(ts_trig *trig);

/* Apply the normal-mode rule (every track takes the pattern length and speed) and the advanced
 * defaults (tracks without `length`/`speed` get 16 / the pattern speed). Call after editing
 * pattern-level fields; the loader calls it. */
void ts_pattern_settle(ts_pattern *pat);

/* Output ports: index 0 is "midi_out", then every other distinct track port name in order of
 * first use by track number. Returns the number of ports; names[i] point into pat. */
int ts_pattern_ports(const ts_pattern *pat, const char *names[TS_MAX_PORTS]);
/* Output ports of a chain of n patterns: "midi_out", then every other distinct track port name in
 * order of first use by pattern, then track number. Returns the number of ports, or -1 when there
 * would be more than TS_MAX_PORTS; names[i] point into pats. */
int ts_patterns_ports(const ts_pattern *pats, int n, const char *names[TS_MAX_PORTS]);

/* The port index of track n (1 … 12), consistent with ts_pattern_ports(). */
int ts_pattern_track_port(const ts_pattern *pat, int n);
/* Whether a track sends MIDI (engine.h, "Destinations"): a channel, send-midi on, not dest int.
 * When it does not, *why (if given) says why in a few words ("channel off" …). */
bool ts_track_sends_midi(const ts_track *trk, const char **why);

/* ---- euclidean mode (euclid.md §3.3) ---- */

/* E(k, n): k pulses on n steps (1 … 64) by Bjorklund's algorithm as Toussaint states it, k clamped
 * to 0 … n, into out[0 … n-1] (1 = pulse). */
void ts_euclid_bjorklund(int k, int n, uint8_t out[TS_MAX_STEPS]);
/* The hit map of a track of length L: hit[s-1] = k(s), the hit number of step s (1 … ), or 0 when
 * step s is not a hit; hit[i] = 0 for i >= L. Without euclid every step s is hit s. Returns the
 * number of hits. */
int ts_euclid_hits(const ts_track *trk, uint8_t hit[TS_MAX_STEPS]);
/* The grid step (0-based) whose trig step s (0-based) plays, or -1 when it plays none: s itself
 * without euclid, k(s) − 1 with it. */
int ts_track_trig_of(const ts_track *trk, int s);
/* Freeze (euclid.md §3.3.2): grid'[s] = grid[k(s)] ('.' becomes 'x', attributes moved with it) at
 * hits, '.' elsewhere, and euclid off. What the track plays does not change. */
void ts_euclid_freeze(ts_track *trk);
/* Operator names "or" "xor" "and" "sub"; text -> op, or -1. */
extern const char *const ts_euclid_op_names[TS_EUCLID_OPS];
int ts_euclid_op_parse(const char *text, size_t len);

/* ---- value tables (the single source of truth for parser, writer, engine and UI) ---- */

/* Length index -> sixteenths of a step (index 0 -> 2, TS_LEN_ONE -> 16, 126 -> 2048).
 * TS_LEN_INF -> 0. */
int ts_len16(int len_index);
/* Sixteenths of a step -> length index, or -1 when not in the table. */
int ts_len_index(int len16);
/* Length index as files write it: the shortest decimal ("0.125", "1", "1.5", "128") or "inf".
 * Returns buf. */
const char *ts_len_format(int len_index, char *buf, size_t size);
/* Retrig rate index -> D of 1/D. */
int ts_rate_div(int rate_index);
/* D -> rate index, or -1. */
int ts_rate_index(int div);

/* Speed -> multiplier num/den (2x = 2/1, 3/4x = 3/4 …) and text ("2x", "3/4x" …). */
void ts_speed_ratio(int speed, int *num, int *den);
const char *ts_speed_name(int speed);
/* Text -> speed, or -1. */
int ts_speed_parse(const char *text, size_t len);

/* Probability condition codes 0 … 21 -> percent; -1 for other codes. */
int ts_cond_percent(int cond);
/* A:B codes -> a and b; false for other codes. */
bool ts_cond_ab(int cond, int *a, int *b);
/* a:b -> code, or -1 (1 <= a <= b, 2 <= b <= 8). Percent -> code, or -1 if not in the table. */
int ts_cond_from_ab(int a, int b);
int ts_cond_from_percent(int percent);
/* Condition text as written in files ("50%", "1:2", "fill", "!pre" …) into buf; returns buf. */
const char *ts_cond_format(int cond, char *buf, size_t size);
/* Text -> condition code, or -1. */
int ts_cond_parse(const char *text, size_t len);

/* Note names, scientific pitch (C4 = 60, C-1 = 0, G9 = 127): "C#4", "D-1". Sharps when writing.
 * ts_note_parse() accepts a number 0 … 127 or a name with '#' or 'b'; returns -1 if invalid. */
const char *ts_note_name(int note, char *buf, size_t size);
int ts_note_parse(const char *text, size_t len);

/* The track's effective value for a trig (explicit, or the track default). */
int ts_trig_notes(const ts_track *trk, const ts_trig *trig, uint8_t notes[TS_MAX_NOTES]);
int ts_trig_vel(const ts_track *trk, const ts_trig *trig);
int ts_trig_gate(const ts_track *trk, const ts_trig *trig);
int ts_trig_retrig_rate(const ts_track *trk, const ts_trig *trig);
int ts_trig_retrig_len(const ts_track *trk, const ts_trig *trig);
int ts_trig_retrig_vel(const ts_track *trk, const ts_trig *trig);

#endif
