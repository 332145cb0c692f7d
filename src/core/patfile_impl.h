/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the `.tsq` reader and writer (patfile.h), shared by its three files: patfile.c (lines,
 * tokens, whole-file checks, loading), patfile_stmt.c (the statements and their values) and
 * patfile_write.c (the canonical form). Not a public header: nothing outside these files uses it.
 */
#ifndef TRIGSEQ_PATFILE_IMPL_H
#define TRIGSEQ_PATFILE_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "trigseq/core/patfile.h"

#include "lex.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Every key of the file: id, text, where it may appear. */
#define AT_PATTERN 1
#define AT_TRACK 2
#define KEYS(_)                                                                                   \
	_(HEADER, "trigseq", 0)                                                                   \
	_(NAME, "name", AT_PATTERN)                                                                \
	_(TEMPO, "tempo", AT_PATTERN)                                                              \
	_(SWING, "swing", AT_PATTERN)                                                              \
	_(MODE, "mode", AT_PATTERN)                                                                \
	_(LENGTH, "length", AT_PATTERN | AT_TRACK)                                                 \
	_(SPEED, "speed", AT_PATTERN | AT_TRACK)                                                   \
	_(CHANGE, "change", AT_PATTERN)                                                            \
	_(ACCENT, "accent", AT_PATTERN)                                                            \
	_(TRACK, "track", AT_PATTERN | AT_TRACK)                                                   \
	_(CHANNEL, "channel", AT_TRACK)                                                            \
	_(PORT, "port", AT_TRACK)                                                                  \
	_(NOTE, "note", AT_TRACK)                                                                  \
	_(VELOCITY, "velocity", AT_TRACK)                                                          \
	_(GATE, "gate", AT_TRACK)                                                                  \
	_(SEND_MIDI, "send-midi", AT_TRACK)                                                        \
	_(MUTE, "mute", AT_TRACK)                                                                  \
	_(PROB, "prob", AT_TRACK)                                                                  \
	_(PROGRAM, "program", AT_TRACK)                                                            \
	_(CC, "cc", AT_TRACK)                                                                      \
	_(RETRIG_RATE, "retrig-rate", AT_TRACK)                                                    \
	_(RETRIG_LEN, "retrig-len", AT_TRACK)                                                      \
	_(RETRIG_VEL, "retrig-vel", AT_TRACK)                                                      \
	_(SAMPLE, "sample", AT_TRACK)                                                              \
	_(DEST, "dest", AT_TRACK)                                                                  \
	_(EUCLID, "euclid", AT_TRACK)                                                              \
	_(STEPS, "steps", AT_TRACK)                                                                \
	_(STEP, "step", AT_TRACK)                                                                  \
	_(END, "", 0)

#define KEY_ENUM(id, text, where) K_##id,
enum { KEYS(KEY_ENUM) K_COUNT };

/* ---- comments ---- */

/* A comment's statement: scope (0 pattern, 1 … 12 track), key, and step K or cc controller. */
#define STMT_ID(scope, key, arg) (((uint32_t)(scope) << 24) | ((uint32_t)(key) << 16) | (uint32_t)(arg))
#define ID_PENDING UINT32_MAX
#define ID_END STMT_ID(0, K_END, 0)

struct comment {
	uint32_t id;
	uint32_t seq;       /* file order */
	bool trailing;
	size_t off, len;    /* text in ts_comments.text */
};

struct ts_comments {
	struct comment *v;
	size_t n, cap;
	char *text;
	size_t tlen, tcap;
};

/* The first comment of statement id (comments sorted), or c->n; whether there is one. */
size_t ts_comments_find(const ts_comments *c, uint32_t id);
bool ts_comments_has(const ts_comments *c, uint32_t id);

struct pos {
	int line, col;      /* line 0: not seen */
};

enum { SCRATCH = TS_TRACKS + 1, NSCOPES = TS_TRACKS + 2 };

struct parser {
	ts_pattern pat;
	ts_track scratch;   /* the block of an invalid `track` line: checked, then dropped */
	ts_diags diags;
	ts_comments *com;   /* NULL: the caller does not want comments */
	bool nomem;

	int line;
	int scope;          /* 0: pattern level; 1 … 12 track; SCRATCH */
	bool header_seen;
	bool stop;          /* a newer format version: the rest is not ours to read */
	uint32_t stmt_id;   /* statement of the current line, for its comments */
	size_t pending;     /* comments[pending …] wait for the next statement */

	struct pos seen[NSCOPES][K_COUNT];
	struct pos cc_seen[NSCOPES][128];
	struct pos step_seen[NSCOPES][TS_MAX_STEPS + 1];
	int grid_count[NSCOPES];    /* -1: no `steps` line */

	bool mode_bad;      /* `mode` was invalid: mode-dependent checks would only add noise */
	bool len_bad;
	bool plen_inf;      /* pattern `length`, checked at the end against `mode` */
	long plen;

	struct tok tok[TS_LEX_TOKENS];
	int ntok;
	char strbuf[TS_LINE_MAX + 1];
};

/* One problem into d (counted even beyond TS_DIAG_MAX, which are not kept). */
void ts_patfile_diag(ts_diags *d, int line, int col, const char *fmt, va_list ap)
	PRINTF_LIKE(4, 0);

/* The statement of the line in p->tok[0 … ntok) (patfile_stmt.c). */
void ts_patfile_statement(struct parser *p);

#endif
