/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The grammar of values, written once for the three places that read them: the `.tsq` reader
 * (patfile), the editor's typed values (edit: ts_edit_set_text) and the command line (cli). Each
 * parser takes the text and its length (no NUL needed unless said), says what is wrong with a
 * status, and leaves the wording of the message to its caller, who knows the key, the column and
 * the expected values.
 *
 * The three readers do not accept exactly the same texts, and users rely on each as it is; a
 * dialect says whose rules apply where they differ (every difference is listed at its parser):
 *  - TS_GRAM_FILE: the reader's tokens. Integers are [-]digits, nothing else.
 *  - TS_GRAM_PROMPT: what the editor accepts. Integers are strtol's (leading white space, a sign,
 *    an optional '%' after the digits; "%" alone reads 0), refused when they overflow a long.
 *  - TS_GRAM_ARG: command-line arguments.
 *
 * The value tables themselves (lengths, rates, speeds, conditions, note names) are in pattern.h:
 * ts_len_format, ts_rate_index, ts_speed_parse, ts_cond_parse, ts_note_parse …
 *
 * Threads: any. Nothing here allocates.
 */
#ifndef TRIGSEQ_GRAMMAR_H
#define TRIGSEQ_GRAMMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trigseq/core/pattern.h"

typedef enum { TS_GRAM_FILE, TS_GRAM_PROMPT, TS_GRAM_ARG } ts_gram_dialect;

typedef enum {
	TS_GRAM_OK = 0,
	TS_GRAM_SYNTAX,      /* not a value of this kind */
	TS_GRAM_RANGE,       /* well formed but out of range (the value is still given) */
	TS_GRAM_DECIMALS,    /* a tempo with more than one decimal (TS_GRAM_FILE only) */
	TS_GRAM_TOO_MANY,    /* more than TS_MAX_NOTES notes */
	TS_GRAM_NO_LENGTH,   /* a decimal that is not in the length table */
} ts_gram_status;

/* Words of the file and the prompts, in the order of their values. */
extern const char *const ts_gram_onoff[2];   /* off on */
extern const char *const ts_gram_dests[3];   /* ext int int+ext (ts_dest) */
extern const char *const ts_gram_modes[2];   /* normal advanced (ts_mode) */
extern const char *const ts_gram_swings[3];  /* auto on off (ts_swing_force, the prompt's) */

/* The index of s in words[0 … n-1], or -1. */
int ts_gram_word(const char *s, size_t len, const char *const *words, int n);

/* An integer. FILE: '-'? digits, saturating far beyond any range (so a range check still says
 * "out of range"). PROMPT: as strtol in base 10 reads all of s, or all but a final '%'.
 * SYNTAX when not one. */
ts_gram_status ts_gram_long(const char *s, size_t len, ts_gram_dialect d, long *v);

/* A whole decimal number in [lo, hi]: digits only (no sign, no space), as the command line takes
 * counts, seeds and rates. SYNTAX when not one (or beyond uint64), RANGE outside [lo, hi]. */
ts_gram_status ts_gram_u64(const char *s, size_t len, uint64_t lo, uint64_t hi, uint64_t *v);

/* Plain decimal seconds: digits, then optionally '.' and digits ("10", "1.5", "10."), no sign or
 * exponent, in [lo, hi]. s is NUL-terminated (strtod gives the value). */
ts_gram_status ts_gram_seconds(const char *s, double lo, double hi, double *v);

/* A tempo in BPM with at most one decimal, as tenths (*tempo10); RANGE outside TS_TEMPO10_MIN …
 * TS_TEMPO10_MAX. Every dialect: digits, then optionally '.' and at least one digit. FILE: any
 * number of digits before the point; two or more decimals are DECIMALS. PROMPT: below 100000
 * before the point; two or more decimals are SYNTAX. ARG: at most four digits before the point;
 * two or more decimals are SYNTAX. */
ts_gram_status ts_gram_tempo(const char *s, size_t len, ts_gram_dialect d, int *tempo10);

/* "120.0": the tempo as files, prompts and messages write it. Returns buf. */
const char *ts_gram_tempo_format(int tempo10, char *buf, size_t size);

/* A length: "inf" or a decimal that is exactly a value of the length table (pattern.h), as its
 * index. FILE: digits before the point, and at least one after it when there is a point; any
 * number of decimals (the first nine count). PROMPT: "1." and ".5" too, at most seven decimals.
 * NO_LENGTH when well formed but not in the table: *below and *above are then the nearest
 * indices on each side (-1 when there is none). */
ts_gram_status ts_gram_len(const char *s, size_t len, ts_gram_dialect d, int *idx, int *below,
			   int *above);

/* A retrig rate "1/D" as its index (ts_rate_index). The D is an integer of the dialect (FILE or
 * PROMPT); SYNTAX when it is not a rate of the table. */
ts_gram_status ts_gram_rate(const char *s, size_t len, ts_gram_dialect d, int *idx);

/* Notes joined by '+' ("C4+E4", "60", "D#2"), at most TS_MAX_NOTES. SYNTAX: the note at
 * s[*at … *at + *at_len) is not a note; TOO_MANY: there are more. On OK, *n notes in notes. */
ts_gram_status ts_gram_notes(const char *s, size_t len, uint8_t notes[TS_MAX_NOTES], int *n,
			     size_t *at, size_t *at_len);

/* A port name: a lower-case letter, then up to 15 of a-z 0-9 _. */
bool ts_gram_port(const char *s, size_t len);

/* The prompt's list of controller values "74=100 71=20" (spaces or commas between; each number
 * as strtol reads it), "none" or "": each controller at most once, at most max of them. s is
 * NUL-terminated. The count, or -1 when it is not such a list. (The file writes one `cc C=V`
 * token per pair and checks each number as a FILE integer.) */
int ts_gram_cc_list(const char *s, ts_lock *out, int max);

#endif
