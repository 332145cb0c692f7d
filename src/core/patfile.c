/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading and writing `.tsq` pattern files (spec/pattern-format.md, format 1).
 *
 * Parsing works line by line into a heap copy of the pattern, so the caller's pattern is only
 * written when the whole file is valid. Checks that depend on later lines (mode, lengths, the grid
 * under each `step K`) run once at the end, with the position of the statement they blame.
 *
 * The canonical form, written by ts_patfile_format() (formatting a loaded canonical file gives the
 * same bytes; loading a formatted pattern gives the same pattern):
 *  - `trigseq 1` first. Then `name` (only if not empty), `tempo` always with one decimal
 *    (`tempo 120.0`), `swing`, `mode`, `length` always, `speed`, `change`, `accent`; the optional
 *    ones only when not the default.
 *  - A blank line, then each track in number order that was declared or differs from a default
 *    track: `track N` plus ` "NAME"` when named. Track lines are indented by two spaces:
 *    `channel` and `note` always; then only when not the default, in the spec's table order:
 *    `port`, `velocity`, `gate`, `length` and `speed` (advanced mode, when given), `send-midi`,
 *    `mute`, `prob`, `program`, `cc C=V` (one line each, ascending controller), `retrig-rate`,
 *    `retrig-len`, `retrig-vel`, `sample`, `dest`. Then `steps` always, in groups of four
 *    separated by one space, then a `step K` line, ascending K, for every trig with an explicit
 *    attribute. Attributes in spec §3.2 order: note vel gate micro cond retrig (`retrig=1/D` when
 *    the trig has its own rate) retrig-len retrig-vel `cc C=V` (one `cc` per lock, lock order)
 *    slide swing|noswing.
 *  - Notes as names with sharps (C#4), chords joined by '+'; lengths as the shortest decimal
 *    (0.125, 1, 1.5, 128) or inf; strings quoted with \" and \\ (control bytes, which the parser
 *    never lets in, are written as '?'). One statement per line, '\n' line ends, exactly one
 *    newline at the end.
 *  - Comments: the lines above a statement are written above it at its indentation, a trailing
 *    comment after it and one space. A statement carrying a comment is written even when its
 *    value is the default. Comments after the last statement come last, after a blank line;
 *    comments whose statement no longer exists (the pattern was edited) are written there too.
 */
#include "trigseq/core/patfile.h"
#include "trigseq/core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

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
	_(STEPS, "steps", AT_TRACK)                                                                \
	_(STEP, "step", AT_TRACK)                                                                  \
	_(END, "", 0)

#define KEY_ENUM(id, text, where) K_##id,
enum { KEYS(KEY_ENUM) K_COUNT };
#define KEY_TABLE(id, text, where) {text, where},
static const struct {
	const char *name;
	int where;
} keys[K_COUNT] = {KEYS(KEY_TABLE)};

/* Trig attributes of a `step K` line; `swing` and `noswing` share one slot. */
#define ATTRS(_)                                                                                  \
	_(NOTE, "note")                                                                           \
	_(VEL, "vel")                                                                             \
	_(GATE, "gate")                                                                           \
	_(MICRO, "micro")                                                                         \
	_(COND, "cond")                                                                           \
	_(RETRIG, "retrig")                                                                       \
	_(RETRIG_LEN, "retrig-len")                                                               \
	_(RETRIG_VEL, "retrig-vel")                                                               \
	_(CC, "cc")                                                                               \
	_(SLIDE, "slide")                                                                         \
	_(SWING, "swing")                                                                         \
	_(NOSWING, "noswing")

#define ATTR_ENUM(id, text) A_##id,
enum { ATTRS(ATTR_ENUM) A_COUNT };
#define ATTR_TABLE(id, text) text,
static const char *const attr_names[A_COUNT] = {ATTRS(ATTR_TABLE)};

#define EXPECT_NOTE "a note 0 ... 127 or a name like C4, D#2, Eb3; up to 4 joined by '+'"
#define EXPECT_LEN "a step count such as 0.125, 0.5, 1, 1.5, 128, or inf"
#define EXPECT_SPEED "2x 3/2x 1x 3/4x 1/2x 1/4x 1/8x"
#define EXPECT_RATE "1/1 1/2 1/3 1/4 1/5 1/6 1/8 1/10 1/12 1/16 1/20 1/24 1/32 1/40 1/48 1/64 1/80"

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

void ts_comments_free(ts_comments *c)
{
	if (!c)
		return;
	free(c->v);
	free(c->text);
	free(c);
}

static bool comments_add(ts_comments *c, const char *s, size_t len, uint32_t id, bool trailing)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		struct comment *v = realloc(c->v, cap * sizeof(*v));
		if (!v)
			return false;
		c->v = v;
		c->cap = cap;
	}
	if (c->tcap - c->tlen < len) {
		size_t cap = c->tcap ? c->tcap : 256;
		while (cap - c->tlen < len)
			cap *= 2;
		char *t = realloc(c->text, cap);
		if (!t)
			return false;
		c->text = t;
		c->tcap = cap;
	}
	memcpy(c->text + c->tlen, s, len);
	c->v[c->n] = (struct comment){id, (uint32_t)c->n, trailing, c->tlen, len};
	c->n++;
	c->tlen += len;
	return true;
}

static int comment_cmp(const void *a, const void *b)
{
	const struct comment *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Index of the first comment of statement id (comments sorted), or c->n. */
static size_t comments_find(const ts_comments *c, uint32_t id)
{
	size_t lo = 0, hi = c ? c->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool comments_has(const ts_comments *c, uint32_t id)
{
	size_t i = comments_find(c, id);
	return c && i < c->n && c->v[i].id == id;
}

/* ---- diagnostics ---- */

/* Shorten text quoted in a message to `max` bytes, at a UTF-8 boundary, marking the cut. */
static const char *shown(const char *s, size_t len, char *buf, size_t max)
{
	size_t n = len;
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	strcpy(buf + n, n < len ? "..." : "");
	return buf;
}

#define SHOW_MAX 24
#define SHOW_BUF (SHOW_MAX + 4)

static void PRINTF_LIKE(4, 0) diag_v(ts_diags *d, int line, int col, const char *fmt, va_list ap)
{
	d->count++;
	if (d->count > TS_DIAG_MAX)
		return;
	ts_diag *item = &d->items[d->count - 1];
	item->line = line;
	item->col = col;
	int n = vsnprintf(item->msg, sizeof(item->msg), fmt, ap);
	if (n >= (int)sizeof(item->msg)) {
		/* Cut: drop a partial UTF-8 sequence at the end. */
		size_t end = sizeof(item->msg) - 1;
		size_t k = end;
		while (k > 0 && ((unsigned char)item->msg[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && ((unsigned char)item->msg[k - 1] & 0xC0) == 0xC0)
			item->msg[k - 1] = '\0';
	}
}

/* ---- the parser ---- */

struct tok {
	const char *s;      /* bare text in the line, or the decoded string */
	size_t len;
	int col;            /* 1-based byte column of the token's first byte */
	bool quoted;
};

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

	struct tok tok[TS_LINE_MAX / 2 + 2];
	int ntok;
	char strbuf[TS_LINE_MAX + 1];
};

static void PRINTF_LIKE(3, 4) err(struct parser *p, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_v(&p->diags, p->line, col, fmt, ap);
	va_end(ap);
}

static void PRINTF_LIKE(3, 4) err_at(struct parser *p, struct pos at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_v(&p->diags, at.line, at.col, fmt, ap);
	va_end(ap);
}

static bool tok_is(const struct tok *t, const char *word)
{
	return !t->quoted && t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

static const char *tshow(const struct tok *t, char *buf)
{
	return shown(t->s, t->len, buf, SHOW_MAX);
}

/* Decimal integer with optional '-'; saturates far beyond any range so range errors still say
 * "out of range". False when not a number. */
static bool parse_long(const char *s, size_t len, long *out)
{
	size_t i = 0;
	bool neg = false;
	if (len > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return false;
	long v = 0;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v < 1000000000L)
			v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

static bool get_int(struct parser *p, const struct tok *t, const char *what, long lo, long hi,
		    long *out)
{
	char b[SHOW_BUF];
	long v;
	if (!parse_long(t->s, t->len, &v)) {
		err(p, t->col, "%s '%s' is not a number (expected %ld ... %ld)", what, tshow(t, b), lo,
		    hi);
		return false;
	}
	if (v < lo || v > hi) {
		err(p, t->col, "%s %s out of range (expected %ld ... %ld)", what, tshow(t, b), lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* Lengths: "inf" or a decimal that is exactly a value of the Rytm length table. */
static bool get_len(struct parser *p, const struct tok *t, const char *what, uint8_t *out)
{
	char b[SHOW_BUF];
	if (tok_is(t, "inf")) {
		*out = TS_LEN_INF;
		return true;
	}
	/* value = ipart + frac / 10^nfrac, compared exactly against table values x 10^nfrac. */
	size_t i = 0;
	long long ipart = 0, frac = 0, scale = 1;
	while (i < t->len && t->s[i] >= '0' && t->s[i] <= '9') {
		if (ipart < 100000)
			ipart = ipart * 10 + (t->s[i] - '0');
		i++;
	}
	bool ok = i > 0;
	if (ok && i < t->len && t->s[i] == '.') {
		size_t start = ++i;
		while (i < t->len && t->s[i] >= '0' && t->s[i] <= '9') {
			if (scale < 1000000000LL) {
				frac = frac * 10 + (t->s[i] - '0');
				scale *= 10;
			}
			i++;
		}
		ok = i > start;
	}
	if (!ok || i != t->len) {
		err(p, t->col, "%s '%s' is not a note length (expected %s)", what, tshow(t, b),
		    EXPECT_LEN);
		return false;
	}
	long long v = ipart * scale * 16 + frac * 16;   /* sixteenths x scale */
	int below = -1, above = -1;
	for (int k = 0; k < TS_LEN_COUNT; k++) {
		long long tv = (long long)ts_len16(k) * scale;
		if (tv == v) {
			*out = (uint8_t)k;
			return true;
		}
		if (tv < v)
			below = k;
		else if (above < 0)
			above = k;
	}
	char lo[16], hi[16];
	if (below >= 0 && above >= 0) {
		ts_len_format(below, lo, sizeof(lo));
		ts_len_format(above, hi, sizeof(hi));
		err(p, t->col, "%s %s is not a note length (nearest valid: %s or %s)", what,
		    tshow(t, b), lo, hi);
	} else {
		ts_len_format(below >= 0 ? below : above, lo, sizeof(lo));
		err(p, t->col, "%s %s is not a note length (nearest valid: %s)", what, tshow(t, b),
		    lo);
	}
	return false;
}

static bool get_notes(struct parser *p, const struct tok *t, const char *what, uint8_t *notes,
		      uint8_t *count)
{
	char b[SHOW_BUF];
	uint8_t tmp[TS_MAX_NOTES];
	int n = 0;
	size_t start = 0;
	for (size_t i = 0; i <= t->len; i++) {
		if (i < t->len && t->s[i] != '+')
			continue;
		if (n == TS_MAX_NOTES) {
			err(p, t->col, "%s '%s' has more than %d notes (expected %s)", what,
			    tshow(t, b), TS_MAX_NOTES, EXPECT_NOTE);
			return false;
		}
		int v = ts_note_parse(t->s + start, i - start);
		if (v < 0) {
			err(p, t->col + (int)start, "%s '%s' is not a note (expected %s)", what,
			    shown(t->s + start, i - start, b, SHOW_MAX), EXPECT_NOTE);
			return false;
		}
		tmp[n++] = (uint8_t)v;
		start = i + 1;
	}
	memcpy(notes, tmp, (size_t)n);
	*count = (uint8_t)n;
	return true;
}

static bool get_cond(struct parser *p, const struct tok *t, uint8_t *out)
{
	char b[SHOW_BUF];
	int c = ts_cond_parse(t->s, t->len);
	if (c >= 0) {
		*out = (uint8_t)c;
		return true;
	}
	if (t->len > 0 && t->s[t->len - 1] == '%')
		err(p, t->col,
		    "cond '%s' is not a condition (expected P%% with P in 1 3 4 6 9 13 19 25 33 41 50 "
		    "59 67 75 81 87 91 94 96 98 99 100)",
		    tshow(t, b));
	else
		err(p, t->col,
		    "cond '%s' is not a condition (expected P%% with P in 1 3 4 ... 100, A:B with "
		    "1 <= A <= B, 2 <= B <= 8, fill, !fill, pre, !pre, nei, !nei, 1st, !1st)",
		    shown(t->s, t->len, b, 8));    /* a long message: keep it within ts_diag.msg */
	return false;
}

static bool get_rate(struct parser *p, const struct tok *t, const char *what, uint8_t *out)
{
	char b[SHOW_BUF];
	long d;
	int idx = -1;
	if (t->len > 2 && t->s[0] == '1' && t->s[1] == '/' && parse_long(t->s + 2, t->len - 2, &d) &&
	    d > 0 && d <= 80)
		idx = ts_rate_index((int)d);
	if (idx < 0) {
		err(p, t->col, "%s '%s' is not a rate (expected %s)", what, tshow(t, b), EXPECT_RATE);
		return false;
	}
	*out = (uint8_t)idx;
	return true;
}

static bool get_speed(struct parser *p, const struct tok *t, uint8_t *out)
{
	char b[SHOW_BUF];
	int s = ts_speed_parse(t->s, t->len);
	if (s < 0) {
		err(p, t->col, "speed '%s' is not a speed (expected %s)", tshow(t, b), EXPECT_SPEED);
		return false;
	}
	*out = (uint8_t)s;
	return true;
}

static bool get_onoff(struct parser *p, const struct tok *t, const char *what, bool *out)
{
	char b[SHOW_BUF];
	if (tok_is(t, "on") || tok_is(t, "off")) {
		*out = tok_is(t, "on");
		return true;
	}
	err(p, t->col, "%s '%s' is not on or off (expected on or off)", what, tshow(t, b));
	return false;
}

static bool get_string(struct parser *p, const struct tok *t, const char *what, size_t max,
		       char *out)
{
	if (t->len > max) {
		err(p, t->col, "%s is %zu bytes (expected at most %zu)", what, t->len, max);
		return false;
	}
	memcpy(out, t->s, t->len);
	out[t->len] = '\0';
	return true;
}

/* `C=V`, both 0 … 127. */
static bool get_pair(struct parser *p, const struct tok *t, int *cc, int *val)
{
	char b[SHOW_BUF];
	const char *eq = t->quoted ? NULL : memchr(t->s, '=', t->len);
	long c, v;
	if (!eq) {
		err(p, t->col, "cc '%s' is not C=V (expected controller=value, both 0 ... 127)",
		    tshow(t, b));
		return false;
	}
	size_t cl = (size_t)(eq - t->s);
	struct tok ct = {t->s, cl, t->col, false};
	struct tok vt = {eq + 1, t->len - cl - 1, t->col + (int)cl + 1, false};
	if (!get_int(p, &ct, "cc controller", 0, 127, &c) ||
	    !get_int(p, &vt, "cc value", 0, 127, &v))
		return false;
	*cc = (int)c;
	*val = (int)v;
	return true;
}

/* The one value of a `key VALUE` statement, or NULL after reporting why not. */
static const struct tok *one_value(struct parser *p, bool want_string, const char *expected)
{
	const struct tok *key = &p->tok[0];
	char b[SHOW_BUF];
	if (p->ntok < 2) {
		err(p, key->col, "'%s' needs a value (expected %s)", tshow(key, b), expected);
		return NULL;
	}
	const struct tok *v = &p->tok[1];
	if (want_string && !v->quoted) {
		err(p, v->col, "'%s' needs a quoted string (expected %s)", tshow(key, b), expected);
		return NULL;
	}
	if (!want_string && v->quoted) {
		err(p, v->col, "'%s' takes a plain value, not a quoted string (expected %s)",
		    tshow(key, b), expected);
		return NULL;
	}
	if (p->ntok > 2) {
		char b2[SHOW_BUF];
		err(p, p->tok[2].col, "unexpected '%s' after the value of '%s' (expected end of line)",
		    tshow(&p->tok[2], b2), tshow(key, b));
		return NULL;
	}
	return v;
}

static ts_track *cur_track(struct parser *p)
{
	return p->scope == SCRATCH ? &p->scratch : &p->pat.tracks[p->scope - 1];
}

/* Records the key of the current line in its scope; false (reported) when it was given before. */
static bool first_time(struct parser *p, int kid)
{
	struct pos *s = &p->seen[p->scope][kid];
	const struct tok *key = &p->tok[0];
	if (s->line) {
		err(p, key->col, "'%s' given twice, first at line %d", keys[kid].name, s->line);
		return false;
	}
	*s = (struct pos){p->line, key->col};
	return true;
}

static void pattern_stmt(struct parser *p, int kid)
{
	ts_pattern *pat = &p->pat;
	const struct tok *v;
	char b[SHOW_BUF];
	long n;
	p->stmt_id = STMT_ID(0, kid, 0);
	if (!first_time(p, kid))
		return;
	switch (kid) {
	case K_NAME:
		if ((v = one_value(p, true, "a quoted name of at most 32 bytes")))
			get_string(p, v, "name", TS_NAME_MAX, pat->name);
		break;
	case K_TEMPO: {
		if (!(v = one_value(p, false, "30.0 ... 300.0")))
			break;
		size_t i = 0;
		long t10 = 0;
		while (i < v->len && v->s[i] >= '0' && v->s[i] <= '9') {
			if (t10 < 1000000)
				t10 = t10 * 10 + (v->s[i] - '0');
			i++;
		}
		bool ok = i > 0;
		size_t decimals = 0;
		t10 *= 10;
		if (ok && i < v->len && v->s[i] == '.') {
			i++;
			while (i < v->len && v->s[i] >= '0' && v->s[i] <= '9') {
				if (decimals == 0)
					t10 += v->s[i] - '0';
				decimals++;
				i++;
			}
			ok = decimals > 0;
		}
		if (!ok || i != v->len)
			err(p, v->col, "tempo '%s' is not a number (expected 30.0 ... 300.0)",
			    tshow(v, b));
		else if (decimals > 1)
			err(p, v->col,
			    "tempo %s has more than one decimal (expected 30.0 ... 300.0, at most one "
			    "decimal)",
			    tshow(v, b));
		else if (t10 < TS_TEMPO10_MIN || t10 > TS_TEMPO10_MAX)
			err(p, v->col, "tempo %s out of range (expected 30.0 ... 300.0)", tshow(v, b));
		else
			pat->tempo10 = (uint16_t)t10;
		break;
	}
	case K_SWING:
		if ((v = one_value(p, false, "50 ... 80")) && get_int(p, v, "swing", 50, 80, &n))
			pat->swing = (uint8_t)n;
		break;
	case K_MODE:
		if (!(v = one_value(p, false, "normal or advanced")))
			break;
		if (tok_is(v, "normal") || tok_is(v, "advanced"))
			pat->mode = tok_is(v, "normal") ? TS_MODE_NORMAL : TS_MODE_ADVANCED;
		else {
			err(p, v->col, "mode '%s' is not a mode (expected normal or advanced)",
			    tshow(v, b));
			p->mode_bad = true;
		}
		break;
	case K_LENGTH:
		if (!(v = one_value(p, false, "1 ... 64, or in mode advanced 2 ... 1024 or inf")))
			break;
		if (tok_is(v, "inf"))
			p->plen_inf = true;
		else if (parse_long(v->s, v->len, &n))
			p->plen = n;
		else {
			err(p, v->col,
			    "length '%s' is not a number (expected 1 ... 64, or in mode advanced 2 ... "
			    "1024 or inf)",
			    tshow(v, b));
			p->len_bad = true;
		}
		break;
	case K_SPEED:
		if ((v = one_value(p, false, EXPECT_SPEED)))
			get_speed(p, v, &pat->speed);
		break;
	case K_CHANGE:
		if (!(v = one_value(p, false, "off or 2 ... 1024")))
			break;
		if (tok_is(v, "off"))
			pat->change = 0;
		else if (!parse_long(v->s, v->len, &n))
			err(p, v->col, "change '%s' is not a number (expected off or 2 ... 1024)",
			    tshow(v, b));
		else if (n < 2 || n > 1024)
			err(p, v->col, "change %s out of range (expected off or 2 ... 1024)",
			    tshow(v, b));
		else
			pat->change = (uint16_t)n;
		break;
	case K_ACCENT:
		if ((v = one_value(p, false, "0 ... 127")) && get_int(p, v, "accent", 0, 127, &n))
			pat->accent = (uint8_t)n;
		break;
	default:
		break;
	}
}

static void track_line(struct parser *p)
{
	const struct tok *key = &p->tok[0];
	char b[SHOW_BUF];
	long n;
	/* Until the line proves valid, its block is checked against a scratch track. */
	p->scope = SCRATCH;
	ts_track_init(&p->scratch, 1);
	memset(p->seen[SCRATCH], 0, sizeof(p->seen[SCRATCH]));
	memset(p->cc_seen[SCRATCH], 0, sizeof(p->cc_seen[SCRATCH]));
	memset(p->step_seen[SCRATCH], 0, sizeof(p->step_seen[SCRATCH]));
	p->grid_count[SCRATCH] = -1;
	p->stmt_id = STMT_ID(SCRATCH, K_TRACK, 0);
	if (p->ntok < 2) {
		err(p, key->col, "'track' needs a number (expected track N [\"NAME\"], N 1 ... 12)");
		return;
	}
	const struct tok *num = &p->tok[1];
	if (num->quoted) {
		err(p, num->col, "track number '%s' is a string (expected 1 ... 12)", tshow(num, b));
		return;
	}
	if (!get_int(p, num, "track", 1, TS_TRACKS, &n))
		return;
	struct pos *s = &p->seen[n][K_TRACK];
	if (s->line) {
		err(p, key->col, "track %ld given twice, first at line %d", n, s->line);
		return;
	}
	*s = (struct pos){p->line, key->col};
	p->scope = (int)n;
	p->stmt_id = STMT_ID(n, K_TRACK, 0);
	ts_track *trk = cur_track(p);
	trk->declared = true;
	if (p->ntok >= 3) {
		const struct tok *name = &p->tok[2];
		if (!name->quoted)
			err(p, name->col, "track name '%s' is not a quoted string (expected \"NAME\")",
			    tshow(name, b));
		else
			get_string(p, name, "track name", TS_NAME_MAX, trk->name);
	}
	if (p->ntok > 3)
		err(p, p->tok[3].col, "unexpected '%s' after the track name (expected end of line)",
		    tshow(&p->tok[3], b));
}

static void base_cc(struct parser *p)
{
	ts_track *trk = cur_track(p);
	char b[SHOW_BUF];
	if (p->ntok < 2) {
		err(p, p->tok[0].col, "'cc' needs a value (expected C=V with C and V in 0 ... 127)");
		return;
	}
	for (int i = 1; i < p->ntok; i++) {
		int c, v;
		if (p->tok[i].quoted) {
			err(p, p->tok[i].col, "cc '%s' is a string (expected C=V)", tshow(&p->tok[i], b));
			return;
		}
		if (!get_pair(p, &p->tok[i], &c, &v))
			return;
		if (i == 1)
			p->stmt_id = STMT_ID(p->scope, K_CC, c);
		struct pos *s = &p->cc_seen[p->scope][c];
		if (s->line) {
			err(p, p->tok[i].col, "cc %d given twice, first at line %d", c, s->line);
			return;
		}
		*s = (struct pos){p->line, p->tok[i].col};
		trk->base_cc[c] = (int16_t)v;
	}
}

static void grid(struct parser *p)
{
	ts_track *trk = cur_track(p);
	char b[8];
	if (p->ntok < 2) {
		err(p, p->tok[0].col, "'steps' needs a grid (expected one of . x X o - per step)");
		return;
	}
	int count = 0;
	for (int i = 1; i < p->ntok; i++) {
		const struct tok *t = &p->tok[i];
		if (t->quoted) {
			err(p, t->col, "grid is a quoted string (expected one of . x X o - per step)");
			return;
		}
		for (size_t j = 0; j < t->len; j++) {
			static const char chars[] = ".xXo-";
			const char *at = memchr(chars, t->s[j], 5);
			if (!at || t->s[j] == '\0') {
				size_t n = 1;
				while (j + n < t->len && ((unsigned char)t->s[j + n] & 0xC0) == 0x80)
					n++;
				err(p, t->col + (int)j,
				    "grid character '%s' at step %d is not a trig (expected . x X o -)",
				    shown(t->s + j, n, b, 4), count + 1);
				return;
			}
			if (count < TS_MAX_STEPS)
				trk->steps[count].kind = (uint8_t)(at - chars);
			count++;
		}
	}
	p->grid_count[p->scope] = count;
}

/* `step K attr…`: the attributes of the trig at step K. */
static void step_line(struct parser *p)
{
	char b[SHOW_BUF];
	long k, n;
	const struct tok *key = &p->tok[0];
	if (p->ntok < 2) {
		err(p, key->col, "'step' needs a step number (expected step K followed by trig "
				 "attributes)");
		return;
	}
	if (p->tok[1].quoted || !get_int(p, &p->tok[1], "step", 1, TS_MAX_STEPS, &k)) {
		if (p->tok[1].quoted)
			err(p, p->tok[1].col, "step number is a string (expected 1 ... 64)");
		return;
	}
	p->stmt_id = STMT_ID(p->scope, K_STEP, k);
	struct pos *s = &p->step_seen[p->scope][k];
	if (s->line) {
		err(p, key->col, "step %ld given twice, first at line %d", k, s->line);
		return;
	}
	*s = (struct pos){p->line, key->col};
	ts_trig *trig = &cur_track(p)->steps[k - 1];
	int seen_col[A_COUNT] = {0};
	for (int i = 2; i < p->ntok;) {
		const struct tok *t = &p->tok[i++];
		if (t->quoted) {
			err(p, t->col, "unexpected string '%s' (expected a trig attribute)",
			    tshow(t, b));
			return;
		}
		size_t nlen = t->len;
		const char *eq = memchr(t->s, '=', t->len);
		if (eq)
			nlen = (size_t)(eq - t->s);
		int a = 0;
		while (a < A_COUNT && !(strlen(attr_names[a]) == nlen &&
					memcmp(attr_names[a], t->s, nlen) == 0))
			a++;
		if (a == A_COUNT || (eq && a != A_RETRIG)) {
			err(p, t->col,
			    "unknown trig attribute '%s' (expected note, vel, gate, micro, cond, retrig, "
			    "retrig-len, retrig-vel, cc, slide, swing, noswing)",
			    tshow(t, b));
			return;
		}
		int slot = a == A_NOSWING ? A_SWING : a;
		if (a != A_CC && seen_col[slot]) {
			err(p, t->col, "'%s' given twice on step %ld, first at col %d",
			    shown(t->s, nlen, b, SHOW_MAX), k, seen_col[slot]);
			return;
		}
		seen_col[slot] = t->col;
		const struct tok *v = NULL;
		static const char *const expect[A_COUNT] = {
			[A_NOTE] = EXPECT_NOTE, [A_VEL] = "1 ... 127", [A_GATE] = EXPECT_LEN,
			[A_MICRO] = "-23 ... 23", [A_COND] = "a condition such as 50%, 1:2, fill",
			[A_RETRIG_LEN] = EXPECT_LEN, [A_RETRIG_VEL] = "-128 ... 127",
			[A_CC] = "C=V with C and V in 0 ... 127",
		};
		if (expect[a]) {
			if (i >= p->ntok || p->tok[i].quoted) {
				err(p, i >= p->ntok ? t->col : p->tok[i].col,
				    "'%s' needs a value (expected %s)", attr_names[a], expect[a]);
				return;
			}
			v = &p->tok[i++];
		}
		bool ok = true;
		switch (a) {
		case A_NOTE:
			ok = get_notes(p, v, "note", trig->notes, &trig->nnotes);
			break;
		case A_VEL:
			if ((ok = get_int(p, v, "vel", 1, 127, &n)))
				trig->vel = (uint8_t)n;
			break;
		case A_GATE:
			ok = get_len(p, v, "gate", &trig->gate);
			break;
		case A_MICRO:
			if ((ok = get_int(p, v, "micro", -23, 23, &n)))
				trig->micro = (int8_t)n;
			break;
		case A_COND:
			ok = get_cond(p, v, &trig->cond);
			break;
		case A_RETRIG:
			trig->retrig = true;
			if (eq) {
				struct tok r = {eq + 1, t->len - nlen - 1, t->col + (int)nlen + 1, false};
				ok = get_rate(p, &r, "retrig", &trig->retrig_rate);
			}
			break;
		case A_RETRIG_LEN:
			ok = get_len(p, v, "retrig-len", &trig->retrig_len);
			break;
		case A_RETRIG_VEL:
			if ((ok = get_int(p, v, "retrig-vel", -128, 127, &n)))
				trig->retrig_vel = (int16_t)n;
			break;
		case A_CC:
			/* One or more pairs: `cc 74=1 71=3` as well as `cc 74=1 cc 71=3`. */
			for (i--; ok && i < p->ntok; i++) {
				const struct tok *pt = &p->tok[i];
				/* After the first pair, a token is a pair only if it looks like one. */
				if (pt != v && (pt->quoted || !memchr(pt->s, '=', pt->len) ||
						(pt->s[0] >= 'a' && pt->s[0] <= 'z')))
					break;
				int c, val;
				if (!(ok = get_pair(p, pt, &c, &val)))
					break;
				for (int j = 0; j < trig->nlocks; j++)
					if (trig->locks[j].cc == c) {
						err(p, pt->col, "cc %d locked twice on step %ld", c, k);
						ok = false;
					}
				if (ok && trig->nlocks == TS_MAX_LOCKS) {
					err(p, pt->col, "more than %d cc locks on step %ld",
					    TS_MAX_LOCKS, k);
					ok = false;
				}
				if (ok)
					trig->locks[trig->nlocks++] = (ts_lock){(uint8_t)c, (uint8_t)val};
			}
			break;
		case A_SLIDE:
			trig->slide = true;
			break;
		case A_SWING:
			trig->swing = TS_SWING_ON;
			break;
		case A_NOSWING:
			trig->swing = TS_SWING_OFF;
			break;
		default:
			break;
		}
		if (!ok)
			return;
	}
}

static void track_stmt(struct parser *p, int kid)
{
	ts_track *trk = cur_track(p);
	const struct tok *v;
	char b[SHOW_BUF];
	long n;
	if (kid == K_CC) {
		base_cc(p);
		return;
	}
	if (kid == K_STEP) {
		step_line(p);
		return;
	}
	p->stmt_id = STMT_ID(p->scope, kid, 0);
	if (!first_time(p, kid))
		return;
	switch (kid) {
	case K_CHANNEL:
		if (!(v = one_value(p, false, "1 ... 16 or off")))
			break;
		if (tok_is(v, "off"))
			trk->channel = TS_CHANNEL_OFF;
		else if (!parse_long(v->s, v->len, &n))
			err(p, v->col, "channel '%s' is not a number (expected 1 ... 16 or off)",
			    tshow(v, b));
		else if (n < 1 || n > 16)
			err(p, v->col, "channel %s out of range (expected 1 ... 16 or off)",
			    tshow(v, b));
		else
			trk->channel = (uint8_t)n;
		break;
	case K_PORT: {
		if (!(v = one_value(p, false, "a name: a-z, then up to 15 of a-z 0-9 _")))
			break;
		bool ok = v->len >= 1 && v->len <= TS_PORT_NAME_MAX && v->s[0] >= 'a' &&
			  v->s[0] <= 'z';
		for (size_t i = 1; ok && i < v->len; i++)
			ok = (v->s[i] >= 'a' && v->s[i] <= 'z') || (v->s[i] >= '0' && v->s[i] <= '9') ||
			     v->s[i] == '_';
		if (ok) {
			memset(trk->port, 0, sizeof(trk->port));
			memcpy(trk->port, v->s, v->len);
		} else {
			err(p, v->col, "port '%s' is not a port name (expected a-z, then up to 15 of "
				       "a-z 0-9 _)",
			    tshow(v, b));
		}
		break;
	}
	case K_NOTE:
		if ((v = one_value(p, false, EXPECT_NOTE))) {
			uint8_t notes[TS_MAX_NOTES], count;
			if (get_notes(p, v, "note", notes, &count)) {
				memset(trk->notes, 0, sizeof(trk->notes));
				memcpy(trk->notes, notes, count);
				trk->nnotes = count;
			}
		}
		break;
	case K_VELOCITY:
		if ((v = one_value(p, false, "1 ... 127")) && get_int(p, v, "velocity", 1, 127, &n))
			trk->velocity = (uint8_t)n;
		break;
	case K_GATE:
		if ((v = one_value(p, false, EXPECT_LEN)))
			get_len(p, v, "gate", &trk->gate);
		break;
	case K_LENGTH:
		if ((v = one_value(p, false, "1 ... 64")) &&
		    get_int(p, v, "length", 1, TS_MAX_STEPS, &n)) {
			trk->length = (uint8_t)n;
			trk->length_set = true;
		}
		break;
	case K_SPEED:
		if ((v = one_value(p, false, EXPECT_SPEED)) && get_speed(p, v, &trk->speed))
			trk->speed_set = true;
		break;
	case K_SEND_MIDI:
		if ((v = one_value(p, false, "on or off")))
			get_onoff(p, v, "send-midi", &trk->send_midi);
		break;
	case K_MUTE:
		if ((v = one_value(p, false, "on or off")))
			get_onoff(p, v, "mute", &trk->mute);
		break;
	case K_PROB:
		if ((v = one_value(p, false, "0 ... 100")) && get_int(p, v, "prob", 0, 100, &n))
			trk->prob = (uint8_t)n;
		break;
	case K_PROGRAM:
		if ((v = one_value(p, false, "0 ... 127")) && get_int(p, v, "program", 0, 127, &n))
			trk->program = (int16_t)n;
		break;
	case K_RETRIG_RATE:
		if ((v = one_value(p, false, EXPECT_RATE)))
			get_rate(p, v, "retrig-rate", &trk->retrig_rate);
		break;
	case K_RETRIG_LEN:
		if ((v = one_value(p, false, EXPECT_LEN)))
			get_len(p, v, "retrig-len", &trk->retrig_len);
		break;
	case K_RETRIG_VEL:
		if ((v = one_value(p, false, "-128 ... 127")) &&
		    get_int(p, v, "retrig-vel", -128, 127, &n))
			trk->retrig_vel = (int16_t)n;
		break;
	case K_SAMPLE:
		if ((v = one_value(p, true, "a quoted path shorter than 256 bytes")))
			get_string(p, v, "sample path", sizeof(trk->sample) - 1, trk->sample);
		break;
	case K_DEST:
		if (!(v = one_value(p, false, "ext, int or int+ext")))
			break;
		if (tok_is(v, "ext"))
			trk->dest = TS_DEST_EXT;
		else if (tok_is(v, "int"))
			trk->dest = TS_DEST_INT;
		else if (tok_is(v, "int+ext"))
			trk->dest = TS_DEST_INT_EXT;
		else
			err(p, v->col, "dest '%s' is not a destination (expected ext, int or int+ext)",
			    tshow(v, b));
		break;
	case K_STEPS:
		grid(p);
		break;
	default:
		break;
	}
}

/* Edit distance of short words, for "did you mean". */
static int distance(const char *a, size_t la, const char *b, size_t lb)
{
	int row[24];
	if (la > 20 || lb > 20)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int diag = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int up = row[j];
			int best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

static void unknown_key(struct parser *p)
{
	const struct tok *key = &p->tok[0];
	char b[SHOW_BUF];
	if (p->scope == 0) {
		err(p, key->col,
		    "unknown key '%s' (expected one of: name, tempo, swing, mode, length, speed, "
		    "change, accent, track)",
		    tshow(key, b));
		return;
	}
	int best = -1, bestd = 3;
	for (int k = 0; k < K_COUNT; k++) {
		if (!(keys[k].where & AT_TRACK))
			continue;
		int d = distance(key->s, key->len, keys[k].name, strlen(keys[k].name));
		if (d < bestd) {
			bestd = d;
			best = k;
		}
	}
	if (best >= 0)
		err(p, key->col, "unknown key '%s' (did you mean '%s'?)", tshow(key, b),
		    keys[best].name);
	else
		err(p, key->col,
		    "unknown key '%s' (expected a track key such as channel, note, velocity, gate, "
		    "prob, cc, steps, step, or track)",
		    tshow(key, b));
}

static void statement(struct parser *p)
{
	const struct tok *key = &p->tok[0];
	char b[SHOW_BUF];
	if (!p->header_seen) {
		p->header_seen = true;
		if (tok_is(key, "trigseq") && p->ntok >= 2 && !p->tok[1].quoted) {
			const struct tok *ver = &p->tok[1];
			long n;
			p->seen[0][K_HEADER] = (struct pos){p->line, key->col};
			p->stmt_id = STMT_ID(0, K_HEADER, 0);
			if (tok_is(ver, "1")) {
				if (p->ntok > 2)
					err(p, p->tok[2].col,
					    "unexpected '%s' after 'trigseq 1' (expected end of line)",
					    tshow(&p->tok[2], b));
				return;
			}
			if (parse_long(ver->s, ver->len, &n) && ver->s[0] != '-' && n > 1) {
				err(p, ver->col,
				    "format version %s is newer than this trigseq reads (1)",
				    tshow(ver, b));
				p->stop = true;
				return;
			}
		}
		err(p, key->col, "missing header: the first statement must be 'trigseq 1'");
		if (tok_is(key, "trigseq"))
			return;
	}
	if (key->quoted) {
		err(p, key->col, "unexpected string '%s' (expected a key)", tshow(key, b));
		return;
	}
	int kid = 0;
	while (kid < K_COUNT && !(keys[kid].name[0] && strlen(keys[kid].name) == key->len &&
				  memcmp(keys[kid].name, key->s, key->len) == 0))
		kid++;
	if (kid == K_HEADER) {
		err(p, key->col, "'trigseq' given twice, first at line %d", p->seen[0][K_HEADER].line);
		return;
	}
	if (kid == K_COUNT) {
		unknown_key(p);
		return;
	}
	if (kid == K_TRACK) {
		track_line(p);
	} else if (p->scope == 0) {
		if (keys[kid].where & AT_PATTERN)
			pattern_stmt(p, kid);
		else
			err(p, key->col, "'%s' is a track key; it must come after a 'track N' line",
			    keys[kid].name);
	} else {
		if (keys[kid].where & AT_TRACK)
			track_stmt(p, kid);
		else
			err(p, key->col, "'%s' is a pattern key; it must come before the first track",
			    keys[kid].name);
	}
}

/* Length of the valid UTF-8 sequence at s, or 0 (overlong forms and surrogates are invalid). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	unsigned c = s[0];
	size_t len;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
	    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
		return 0;
	return len;
}

/* Text checks of one line: NUL, control bytes (tabs are fine), invalid UTF-8. */
static bool line_is_text(struct parser *p, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0) {
			err(p, (int)i + 1, "NUL byte (expected UTF-8 text)");
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			err(p, (int)i + 1, "control character 0x%02X (expected text)", c);
			return false;
		}
		size_t l = utf8_len((const unsigned char *)s + i, n - i);
		if (!l) {
			err(p, (int)i + 1, "invalid UTF-8 byte 0x%02X (expected UTF-8 text)", c);
			return false;
		}
		i += l;
	}
	return true;
}

/* Split a line into tokens; a comment goes to *cmt. False (reported) on a lexical error. */
static bool tokenize(struct parser *p, const char *s, size_t n, size_t start, const char **cmt,
		     size_t *cmtlen)
{
	size_t out = 0;
	p->ntok = 0;
	*cmt = NULL;
	for (size_t i = start; i < n;) {
		if (s[i] == ' ' || s[i] == '\t') {
			i++;
			continue;
		}
		struct tok *t = &p->tok[p->ntok];
		t->col = (int)i + 1;
		if (s[i] == '#') {
			size_t e = n;
			while (e > i && (s[e - 1] == ' ' || s[e - 1] == '\t'))
				e--;
			*cmt = s + i;
			*cmtlen = e - i;
			return true;
		}
		if (s[i] == '"') {
			size_t j = i + 1;
			t->s = p->strbuf + out;
			for (;;) {
				if (j >= n) {
					err(p, t->col, "unterminated string (expected a closing \")");
					return false;
				}
				if (s[j] == '"')
					break;
				if (s[j] == '\\') {
					if (j + 1 < n && (s[j + 1] == '"' || s[j + 1] == '\\')) {
						p->strbuf[out++] = s[j + 1];
						j += 2;
						continue;
					}
					err(p, (int)j + 1,
					    "unknown escape in string (expected \\\" or \\\\)");
					return false;
				}
				p->strbuf[out++] = s[j++];
			}
			t->len = (size_t)(p->strbuf + out - t->s);
			t->quoted = true;
			j++;
			if (j < n && s[j] != ' ' && s[j] != '\t') {
				err(p, (int)j + 1,
				    "unexpected text after the closing quote (expected a space)");
				return false;
			}
			i = j;
		} else {
			size_t j = i;
			while (j < n && s[j] != ' ' && s[j] != '\t')
				j++;
			t->s = s + i;
			t->len = j - i;
			t->quoted = false;
			i = j;
		}
		p->ntok++;
	}
	return true;
}

static void add_comment(struct parser *p, const char *s, size_t len, uint32_t id, bool trailing)
{
	if (p->com && !p->nomem && !comments_add(p->com, s, len, id, trailing))
		p->nomem = true;
}

static void parse_line(struct parser *p, const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > TS_LINE_MAX) {
		err(p, 1, "line too long: %zu bytes (expected at most %d)", n, TS_LINE_MAX);
		return;
	}
	if (!line_is_text(p, s, n))
		return;
	size_t start = 0;
	if (p->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		start = 3;    /* a UTF-8 byte order mark */
	const char *cmt;
	size_t cmtlen = 0;
	if (!tokenize(p, s, n, start, &cmt, &cmtlen))
		return;
	if (p->ntok == 0) {
		if (cmt)
			add_comment(p, cmt, cmtlen, ID_PENDING, false);
		return;
	}
	p->stmt_id = STMT_ID(SCRATCH, K_END, 0);
	statement(p);
	if (p->com) {
		for (size_t i = p->pending; i < p->com->n; i++)
			p->com->v[i].id = p->stmt_id;
		if (cmt)
			add_comment(p, cmt, cmtlen, p->stmt_id, true);
		p->pending = p->com->n;
	}
}

/* Whole-file rules: mode against lengths and speeds, grid lengths, `step K` against the grid. */
static void final_checks(struct parser *p)
{
	ts_pattern *pat = &p->pat;
	struct pos lpos = p->seen[0][K_LENGTH];
	bool len_ok = !p->len_bad;
	if (p->mode_bad)
		return;
	if (lpos.line && len_ok) {
		if (pat->mode == TS_MODE_NORMAL) {
			if (p->plen_inf) {
				err_at(p, lpos, "length inf needs mode advanced (expected 1 ... 64 in "
						   "mode normal)");
				len_ok = false;
			} else if (p->plen < 1 || p->plen > TS_MAX_STEPS) {
				err_at(p, lpos,
				       "length %ld out of range (expected 1 ... 64 in mode normal)",
				       p->plen);
				len_ok = false;
			} else {
				pat->length = (uint16_t)p->plen;
			}
		} else if (p->plen_inf) {
			pat->length = 0;
		} else if (p->plen < 2 || p->plen > 1024) {
			err_at(p, lpos,
			       "length %ld out of range (expected 2 ... 1024 or inf in mode advanced)",
			       p->plen);
			len_ok = false;
		} else {
			pat->length = (uint16_t)p->plen;
		}
	}
	for (int n = 1; n <= TS_TRACKS; n++) {
		ts_track *trk = &pat->tracks[n - 1];
		int len;
		if (pat->mode == TS_MODE_NORMAL) {
			if (p->seen[n][K_LENGTH].line)
				err_at(p, p->seen[n][K_LENGTH],
				       "track length needs mode advanced (in mode normal every track "
				       "has the pattern length)");
			if (p->seen[n][K_SPEED].line)
				err_at(p, p->seen[n][K_SPEED],
				       "track speed needs mode advanced (in mode normal every track has "
				       "the pattern speed)");
			if (!len_ok)
				continue;
			len = pat->length;
		} else {
			len = trk->length_set ? trk->length : 16;
		}
		int count = p->grid_count[n];
		if (count >= 0 && count != len) {
			err_at(p, p->seen[n][K_STEPS], "grid has %d steps, track %d has length %d",
			       count, n, len);
		}
		for (int k = 1; k <= TS_MAX_STEPS; k++) {
			struct pos at = p->step_seen[n][k];
			if (!at.line)
				continue;
			if (k > len)
				err_at(p, at, "step %d is beyond the track length (expected 1 ... %d)",
				       k, len);
			else if (trk->steps[k - 1].kind == TS_TRIG_NONE)
				err_at(p, at, "step %d has no trig (grid character '.')", k);
		}
	}
}

static int diag_cmp(const void *a, const void *b)
{
	const ts_diag *x = a, *y = b;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return (x->col > y->col) - (x->col < y->col);
}

ts_status ts_patfile_parse(const char *text, size_t len, ts_pattern *pat, ts_comments **comments,
			   ts_diags *diags)
{
	if (comments)
		*comments = NULL;
	if (diags)
		diags->count = 0;
	if (!text)
		len = 0;
	struct parser *p = calloc(1, sizeof(*p));
	if (!p)
		return TS_ERR_NOMEM;
	if (comments) {
		p->com = calloc(1, sizeof(*p->com));
		if (!p->com) {
			free(p);
			return TS_ERR_NOMEM;
		}
	}
	ts_pattern_init(&p->pat);
	for (int s = 0; s < NSCOPES; s++)
		p->grid_count[s] = -1;
	p->plen = 16;

	size_t at = 0;
	while (at < len && !p->stop) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		p->line++;
		parse_line(p, text + at, end - at);
		at = end + 1;
	}
	if (!p->header_seen) {
		p->line = 0;
		err(p, 0, "missing header: the first statement must be 'trigseq 1' (the file has no "
			  "statements)");
	}
	if (!p->stop)
		final_checks(p);
	if (p->com) {
		for (size_t i = p->pending; i < p->com->n; i++)
			p->com->v[i].id = ID_END;
		if (p->com->n)
			qsort(p->com->v, p->com->n, sizeof(p->com->v[0]), comment_cmp);
	}
	ts_status st = TS_OK;
	if (p->nomem) {
		st = TS_ERR_NOMEM;
	} else if (p->diags.count) {
		int shown_n = p->diags.count < TS_DIAG_MAX ? p->diags.count : TS_DIAG_MAX;
		qsort(p->diags.items, (size_t)shown_n, sizeof(ts_diag), diag_cmp);
		if (diags)
			*diags = p->diags;
		st = TS_ERR_PARSE;
	} else {
		ts_pattern_settle(&p->pat);
		if (pat)
			memcpy(pat, &p->pat, sizeof(*pat));
		if (comments) {
			*comments = p->com;
			p->com = NULL;
		}
	}
	ts_comments_free(p->com);
	free(p);
	return st;
}

/* ---- loading ---- */

static ts_status load_fail(ts_diags *diags, ts_status st, const char *fmt, ...) PRINTF_LIKE(3, 4);

static ts_status load_fail(ts_diags *diags, ts_status st, const char *fmt, ...)
{
	int saved = errno;
	if (diags) {
		va_list ap;
		diags->count = 0;
		va_start(ap, fmt);
		diag_v(diags, 0, 0, fmt, ap);
		va_end(ap);
	}
	errno = saved;
	return st;
}

ts_status ts_patfile_load(const char *path, ts_pattern *pat, ts_comments **comments,
			  ts_diags *diags)
{
	if (comments)
		*comments = NULL;
	if (diags)
		diags->count = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return load_fail(diags, TS_ERR_IO, "cannot open: %s", strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return load_fail(diags, TS_ERR_IO, "cannot read: %s", strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return load_fail(diags, TS_ERR_IO, "is a directory (expected a pattern file)");
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > TS_FILE_MAX) {
		close(fd);
		errno = EFBIG;
		return load_fail(diags, TS_ERR_PARSE,
				 "file is %jd bytes, over the limit of %u bytes for a pattern file",
				 (intmax_t)st.st_size, TS_FILE_MAX);
	}
	/* A regular file may still grow while we read it, and a pipe has no size: read at most one
	 * byte more than the limit. */
	size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	size_t len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		close(fd);
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	for (;;) {
		if (len == cap) {
			size_t ncap = cap * 2 > (size_t)TS_FILE_MAX + 1 ? (size_t)TS_FILE_MAX + 1 : cap * 2;
			if (ncap <= cap)
				break;
			char *nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return TS_ERR_NOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		ssize_t r = read(fd, buf + len, cap - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			close(fd);
			errno = e;
			return load_fail(diags, TS_ERR_IO, "cannot read: %s", strerror(e));
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (len > TS_FILE_MAX) {
		free(buf);
		errno = EFBIG;
		return load_fail(diags, TS_ERR_PARSE,
				 "file is over the limit of %u bytes for a pattern file", TS_FILE_MAX);
	}
	ts_status rc = ts_patfile_parse(buf, len, pat, comments, diags);
	free(buf);
	return rc;
}

/* ---- the writer ---- */

struct out {
	char *s;
	size_t len, cap;
	bool fail;
	const ts_comments *com;
	bool *used;         /* per comment: written with its statement */
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->fail)
		return;
	if (o->cap - o->len <= n) {
		size_t cap = o->cap ? o->cap : 4096;
		while (cap - o->len <= n)
			cap *= 2;
		char *ns = realloc(o->s, cap);
		if (!ns) {
			o->fail = true;
			return;
		}
		o->s = ns;
		o->cap = cap;
	}
	memcpy(o->s + o->len, s, n);
	o->len += n;
	o->s[o->len] = '\0';
}

static void puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

static void PRINTF_LIKE(2, 3) putf(struct out *o, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		o->fail = true;     /* every caller prints short numbers and words */
	else
		put(o, buf, (size_t)n);
}

/* A quoted string; the parser never accepts control bytes, so they cannot be written either. */
static void put_string(struct out *o, const char *s, size_t max)
{
	size_t n = strnlen(s, max);
	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			put(o, "\\", 1);
		if (c < 0x20 || c == 0x7F)
			c = '?';
		put(o, (const char *)&c, 1);
	}
	put(o, "\"", 1);
}

static void put_comment(struct out *o, size_t i)
{
	const struct comment *c = &o->com->v[i];
	put(o, o->com->text + c->off, c->len);
	o->used[i] = true;
}

/* Starts a statement: its comment lines, then the indentation. */
static void begin(struct out *o, uint32_t id, const char *indent)
{
	if (o->com)
		for (size_t i = comments_find(o->com, id); i < o->com->n && o->com->v[i].id == id;
		     i++)
			if (!o->com->v[i].trailing) {
				puts_(o, indent);
				put_comment(o, i);
				put(o, "\n", 1);
			}
	puts_(o, indent);
}

/* Ends a statement: its trailing comment, then the newline. */
static void end(struct out *o, uint32_t id)
{
	if (o->com)
		for (size_t i = comments_find(o->com, id); i < o->com->n && o->com->v[i].id == id;
		     i++)
			if (o->com->v[i].trailing) {
				put(o, " ", 1);
				put_comment(o, i);
			}
	put(o, "\n", 1);
}

static void put_len(struct out *o, int idx)
{
	char buf[16];
	ts_len_format(idx, buf, sizeof(buf));
	puts_(o, buf);
}

static void put_notes(struct out *o, const uint8_t *notes, int n)
{
	char buf[8];
	if (n < 1)
		n = 1;
	if (n > TS_MAX_NOTES)
		n = TS_MAX_NOTES;
	for (int i = 0; i < n; i++) {
		if (i)
			put(o, "+", 1);
		puts_(o, ts_note_name(notes[i], buf, sizeof(buf)));
	}
}

/* A plain `key value` statement, written when forced or carrying a comment. */
static bool wanted(struct out *o, bool differs, uint32_t id)
{
	return differs || comments_has(o->com, id);
}

static bool trig_has_attrs(const ts_trig *t)
{
	return t->nnotes || t->vel != TS_UNSET || t->gate != TS_UNSET || t->micro ||
	       t->cond != TS_COND_NONE || t->retrig || t->retrig_len != TS_UNSET ||
	       t->retrig_vel != TS_UNSET_I16 || t->nlocks || t->slide || t->swing != TS_SWING_AUTO;
}

static void write_step(struct out *o, int n, int k, const ts_trig *t)
{
	char buf[16];
	uint32_t id = STMT_ID(n, K_STEP, k);
	begin(o, id, "  ");
	putf(o, "step %d", k);
	if (t->nnotes) {
		puts_(o, " note ");
		put_notes(o, t->notes, t->nnotes);
	}
	if (t->vel != TS_UNSET)
		putf(o, " vel %d", t->vel);
	if (t->gate != TS_UNSET) {
		puts_(o, " gate ");
		put_len(o, t->gate);
	}
	if (t->micro)
		putf(o, " micro %d", t->micro);
	if (t->cond != TS_COND_NONE)
		putf(o, " cond %s", ts_cond_format(t->cond, buf, sizeof(buf)));
	if (t->retrig) {
		if (t->retrig_rate != TS_UNSET)
			putf(o, " retrig=1/%d", ts_rate_div(t->retrig_rate));
		else
			puts_(o, " retrig");
	}
	if (t->retrig_len != TS_UNSET) {
		puts_(o, " retrig-len ");
		put_len(o, t->retrig_len);
	}
	if (t->retrig_vel != TS_UNSET_I16)
		putf(o, " retrig-vel %d", t->retrig_vel);
	for (int i = 0; i < t->nlocks && i < TS_MAX_LOCKS; i++)
		putf(o, " cc %d=%d", t->locks[i].cc, t->locks[i].value);
	if (t->slide)
		puts_(o, " slide");
	if (t->swing == TS_SWING_ON)
		puts_(o, " swing");
	else if (t->swing == TS_SWING_OFF)
		puts_(o, " noswing");
	end(o, id);
}

/* A default track as ts_pattern_settle() would leave it in this pattern. */
static void default_track(const ts_pattern *pat, const ts_track *trk, int n, ts_track *def)
{
	ts_track_init(def, n);
	def->declared = trk->declared;
	if (pat->mode == TS_MODE_ADVANCED) {
		def->speed = pat->speed;
	} else {
		def->length = (uint8_t)pat->length;
		def->speed = pat->speed;
	}
}

static void write_track(struct out *o, const ts_pattern *pat, int n)
{
	const ts_track *t = &pat->tracks[n - 1];
	bool adv = pat->mode == TS_MODE_ADVANCED;
	const char *in = "  ";
	uint32_t id;

	put(o, "\n", 1);
	id = STMT_ID(n, K_TRACK, 0);
	begin(o, id, "");
	putf(o, "track %d", n);
	if (strnlen(t->name, sizeof(t->name))) {
		put(o, " ", 1);
		put_string(o, t->name, TS_NAME_MAX);
	}
	end(o, id);

	id = STMT_ID(n, K_CHANNEL, 0);
	begin(o, id, in);
	if (t->channel == TS_CHANNEL_OFF)
		puts_(o, "channel off");
	else
		putf(o, "channel %d", t->channel);
	end(o, id);

	id = STMT_ID(n, K_NOTE, 0);
	begin(o, id, in);
	puts_(o, "note ");
	put_notes(o, t->notes, t->nnotes);
	end(o, id);

#define SIMPLE(key, differs, ...)                                                                 \
	do {                                                                                      \
		uint32_t sid = STMT_ID(n, key, 0);                                                \
		if (wanted(o, differs, sid)) {                                                    \
			begin(o, sid, in);                                                        \
			__VA_ARGS__;                                                              \
			end(o, sid);                                                              \
		}                                                                                 \
	} while (0)

	SIMPLE(K_PORT, strncmp(t->port, "midi_out", sizeof(t->port)) != 0, puts_(o, "port ");
	       put(o, t->port, strnlen(t->port, sizeof(t->port))));
	SIMPLE(K_VELOCITY, t->velocity != 100, putf(o, "velocity %d", t->velocity));
	SIMPLE(K_GATE, t->gate != TS_LEN_ONE, puts_(o, "gate "); put_len(o, t->gate));
	if (adv && t->length_set)
		SIMPLE(K_LENGTH, true, putf(o, "length %d", t->length));
	if (adv && t->speed_set)
		SIMPLE(K_SPEED, true, putf(o, "speed %s", ts_speed_name(t->speed)));
	SIMPLE(K_SEND_MIDI, !t->send_midi, putf(o, "send-midi %s", t->send_midi ? "on" : "off"));
	SIMPLE(K_MUTE, t->mute, putf(o, "mute %s", t->mute ? "on" : "off"));
	SIMPLE(K_PROB, t->prob != 100, putf(o, "prob %d", t->prob));
	if (t->program != TS_PROGRAM_NONE)
		SIMPLE(K_PROGRAM, true, putf(o, "program %d", t->program));
	for (int c = 0; c < 128; c++)
		if (t->base_cc[c] != TS_CC_NONE) {
			id = STMT_ID(n, K_CC, c);
			begin(o, id, in);
			putf(o, "cc %d=%d", c, t->base_cc[c]);
			end(o, id);
		}
	SIMPLE(K_RETRIG_RATE, t->retrig_rate != TS_RATE_1_16,
	       putf(o, "retrig-rate 1/%d", ts_rate_div(t->retrig_rate)));
	SIMPLE(K_RETRIG_LEN, t->retrig_len != TS_LEN_ONE, puts_(o, "retrig-len ");
	       put_len(o, t->retrig_len));
	SIMPLE(K_RETRIG_VEL, t->retrig_vel != 0, putf(o, "retrig-vel %d", t->retrig_vel));
	SIMPLE(K_SAMPLE, strnlen(t->sample, sizeof(t->sample)) > 0, puts_(o, "sample ");
	       put_string(o, t->sample, sizeof(t->sample) - 1));
	static const char *const dests[] = {"ext", "int", "int+ext"};
	SIMPLE(K_DEST, t->dest != TS_DEST_EXT,
	       putf(o, "dest %s", dests[t->dest <= TS_DEST_INT_EXT ? t->dest : 0]));
#undef SIMPLE

	int len = t->length < 1 ? 1 : t->length > TS_MAX_STEPS ? TS_MAX_STEPS : t->length;
	id = STMT_ID(n, K_STEPS, 0);
	begin(o, id, in);
	puts_(o, "steps ");
	for (int k = 0; k < len; k++) {
		static const char chars[] = ".xXo-";
		if (k && k % 4 == 0)
			put(o, " ", 1);
		put(o, &chars[t->steps[k].kind <= TS_TRIG_MUTED ? t->steps[k].kind : 0], 1);
	}
	end(o, id);

	for (int k = 1; k <= len; k++) {
		const ts_trig *trig = &t->steps[k - 1];
		if (trig->kind != TS_TRIG_NONE &&
		    (trig_has_attrs(trig) || comments_has(o->com, STMT_ID(n, K_STEP, k))))
			write_step(o, n, k, trig);
	}
}

static bool track_written(const ts_pattern *pat, int n)
{
	const ts_track *t = &pat->tracks[n - 1];
	ts_track def;
	if (t->declared)
		return true;
	default_track(pat, t, n, &def);
	return memcmp(&def, t, sizeof(def)) != 0;
}

char *ts_patfile_format(const ts_pattern *pat, const ts_comments *comments, size_t *len)
{
	struct out o = {0};
	const ts_comments *com = comments && comments->n ? comments : NULL;
	o.com = com;
	if (com) {
		o.used = calloc(com->n, sizeof(bool));
		if (!o.used)
			return NULL;
	}
	bool adv = pat->mode == TS_MODE_ADVANCED;
	uint32_t id;

	id = STMT_ID(0, K_HEADER, 0);
	begin(&o, id, "");
	puts_(&o, "trigseq 1");
	end(&o, id);
	id = STMT_ID(0, K_NAME, 0);
	if (wanted(&o, strnlen(pat->name, sizeof(pat->name)) > 0, id)) {
		begin(&o, id, "");
		puts_(&o, "name ");
		put_string(&o, pat->name, TS_NAME_MAX);
		end(&o, id);
	}
	id = STMT_ID(0, K_TEMPO, 0);
	begin(&o, id, "");
	putf(&o, "tempo %d.%d", pat->tempo10 / 10, pat->tempo10 % 10);
	end(&o, id);
#define PSIMPLE(key, differs, ...)                                                                \
	do {                                                                                      \
		uint32_t sid = STMT_ID(0, key, 0);                                                \
		if (wanted(&o, differs, sid)) {                                                   \
			begin(&o, sid, "");                                                       \
			__VA_ARGS__;                                                              \
			end(&o, sid);                                                             \
		}                                                                                 \
	} while (0)
	PSIMPLE(K_SWING, pat->swing != 50, putf(&o, "swing %d", pat->swing));
	PSIMPLE(K_MODE, adv, putf(&o, "mode %s", adv ? "advanced" : "normal"));
	PSIMPLE(K_LENGTH, true,
		adv && pat->length == 0 ? puts_(&o, "length inf") : putf(&o, "length %d", pat->length));
	PSIMPLE(K_SPEED, pat->speed != TS_SPEED_1X, putf(&o, "speed %s", ts_speed_name(pat->speed)));
	PSIMPLE(K_CHANGE, pat->change != 0,
		pat->change ? putf(&o, "change %d", pat->change) : puts_(&o, "change off"));
	PSIMPLE(K_ACCENT, pat->accent != 32, putf(&o, "accent %d", pat->accent));
#undef PSIMPLE

	for (int n = 1; n <= TS_TRACKS; n++)
		if (track_written(pat, n))
			write_track(&o, pat, n);

	/* Comments after the last statement, and those whose statement is gone. */
	if (com) {
		bool first = true;
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < com->n; i++) {
				if (o.used[i] || (pass == 0) == (com->v[i].id == ID_END))
					continue;
				if (first)
					put(&o, "\n", 1);
				first = false;
				put_comment(&o, i);
				put(&o, "\n", 1);
			}
	}
	free(o.used);
	if (o.fail) {
		free(o.s);
		return NULL;
	}
	if (len)
		*len = o.len;
	return o.s;
}

/* ---- saving ---- */

ts_status ts_patfile_save(const char *path, const ts_pattern *pat, const ts_comments *comments)
{
	size_t len;
	char *text = ts_patfile_format(pat, comments, &len);
	if (!text) {
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_status st = ts_file_replace(path, text, len, TS_FILE_BACKUP);
	int e = errno;
	free(text);
	errno = e;
	return st;
}

void ts_diags_print(FILE *out, const char *file, const ts_diags *diags)
{
	int n = diags->count < TS_DIAG_MAX ? diags->count : TS_DIAG_MAX;
	for (int i = 0; i < n; i++) {
		const ts_diag *d = &diags->items[i];
		if (d->line > 0)
			fprintf(out, "%s:%d:%d: %s\n", file, d->line, d->col, d->msg);
		else
			fprintf(out, "%s: %s\n", file, d->msg);
	}
	if (diags->count > TS_DIAG_MAX)
		fprintf(out, "%s: %d more problems not shown\n", file, diags->count - TS_DIAG_MAX);
}
