/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The statements of a `.tsq` file (spec/pattern-format.md): pattern keys, `track N` and its keys,
 * the grid and `step K` lines. Each value is read by the grammar (grammar.h, dialect
 * TS_GRAM_FILE); the messages, with the column of the problem, are said here.
 */
#include "patfile_impl.h"
#include "trigseq/core/grammar.h"

#include <stdlib.h>
#include <string.h>

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

static void PRINTF_LIKE(3, 4) err(struct parser *p, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(&p->diags, p->line, col, fmt, ap);
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

/* ---- values ---- */

/* An integer of the file: '-'? digits (grammar.h). */
static bool parse_long(const char *s, size_t len, long *out)
{
	return ts_gram_long(s, len, TS_GRAM_FILE, out) == TS_GRAM_OK;
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
	int idx, below, above;
	ts_gram_status st = ts_gram_len(t->s, t->len, TS_GRAM_FILE, &idx, &below, &above);
	if (st == TS_GRAM_OK) {
		*out = (uint8_t)idx;
		return true;
	}
	if (st == TS_GRAM_SYNTAX) {
		err(p, t->col, "%s '%s' is not a note length (expected %s)", what, tshow(t, b),
		    EXPECT_LEN);
		return false;
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
	int n;
	size_t at, at_len;
	switch (ts_gram_notes(t->s, t->len, notes, &n, &at, &at_len)) {
	case TS_GRAM_OK:
		*count = (uint8_t)n;
		return true;
	case TS_GRAM_TOO_MANY:
		err(p, t->col, "%s '%s' has more than %d notes (expected %s)", what, tshow(t, b),
		    TS_MAX_NOTES, EXPECT_NOTE);
		return false;
	default:
		err(p, t->col + (int)at, "%s '%s' is not a note (expected %s)", what,
		    shown(t->s + at, at_len, b, SHOW_MAX), EXPECT_NOTE);
		return false;
	}
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
	int idx;
	if (ts_gram_rate(t->s, t->len, TS_GRAM_FILE, &idx) != TS_GRAM_OK) {
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
	int w = ts_gram_word(t->s, t->len, ts_gram_onoff, 2);
	if (w >= 0) {
		*out = w;
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
		int t10;
		switch (ts_gram_tempo(v->s, v->len, TS_GRAM_FILE, &t10)) {
		case TS_GRAM_OK:
			pat->tempo10 = (uint16_t)t10;
			break;
		case TS_GRAM_DECIMALS:
			err(p, v->col,
			    "tempo %s has more than one decimal (expected 30.0 ... 300.0, at most one "
			    "decimal)",
			    tshow(v, b));
			break;
		case TS_GRAM_RANGE:
			err(p, v->col, "tempo %s out of range (expected 30.0 ... 300.0)", tshow(v, b));
			break;
		default:
			err(p, v->col, "tempo '%s' is not a number (expected 30.0 ... 300.0)",
			    tshow(v, b));
			break;
		}
		break;
	}
	case K_SWING:
		if ((v = one_value(p, false, "50 ... 80")) && get_int(p, v, "swing", 50, 80, &n))
			pat->swing = (uint8_t)n;
		break;
	case K_MODE:
		if (!(v = one_value(p, false, "normal or advanced")))
			break;
		if ((n = ts_gram_word(v->s, v->len, ts_gram_modes, 2)) >= 0)
			pat->mode = (uint8_t)n;
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

/* `euclid pl1 N [pl2 N] [ro1 R] [ro2 R] [tro R] [op or|xor|and|sub]` (euclid.md §3.3): each
 * attribute at most once, in any order; pl1 required. */
static void euclid_line(struct parser *p)
{
	static const char *const names[] = {"pl1", "pl2", "ro1", "ro2", "tro", "op"};
	enum { PL1, PL2, RO1, RO2, TRO, OP, NATTR };
	ts_track *trk = cur_track(p);
	ts_euclid e = {.on = true, .op = TS_EUCLID_OR};
	int seen_col[NATTR] = {0};
	char b[SHOW_BUF];
	long n;
	for (int i = 1; i < p->ntok;) {
		const struct tok *t = &p->tok[i++];
		int a = 0;
		while (a < NATTR && !(!t->quoted && tok_is(t, names[a])))
			a++;
		if (a == NATTR) {
			err(p, t->col,
			    "unknown euclid attribute '%s' (expected pl1, pl2, ro1, ro2, tro, op)",
			    tshow(t, b));
			return;
		}
		if (seen_col[a]) {
			err(p, t->col, "'%s' given twice on euclid, first at col %d", names[a],
			    seen_col[a]);
			return;
		}
		seen_col[a] = t->col;
		const char *expect = a == OP ? "or, xor, and, sub" : a <= PL2 ? "0 ... 64" : "-63 ... 63";
		if (i >= p->ntok || p->tok[i].quoted) {
			err(p, i >= p->ntok ? t->col : p->tok[i].col, "'%s' needs a value (expected %s)",
			    names[a], expect);
			return;
		}
		const struct tok *v = &p->tok[i++];
		if (a == OP) {
			int op = ts_euclid_op_parse(v->s, v->len);
			if (op < 0) {
				err(p, v->col, "op '%s' is not an operator (expected or, xor, and, sub)",
				    tshow(v, b));
				return;
			}
			e.op = (uint8_t)op;
		} else if (a <= PL2) {
			if (!get_int(p, v, names[a], 0, TS_EUCLID_PULSES_MAX, &n))
				return;
			*(a == PL1 ? &e.pl1 : &e.pl2) = (uint8_t)n;
		} else {
			if (!get_int(p, v, names[a], -TS_EUCLID_ROT_MAX, TS_EUCLID_ROT_MAX, &n))
				return;
			*(a == RO1 ? &e.ro1 : a == RO2 ? &e.ro2 : &e.tro) = (int8_t)n;
		}
	}
	if (!seen_col[PL1]) {
		err(p, p->tok[0].col, "'euclid' needs pl1 (expected euclid pl1 N ...)");
		return;
	}
	trk->euclid = e;
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
		if (ts_gram_port(v->s, v->len)) {
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
		if ((n = ts_gram_word(v->s, v->len, ts_gram_dests, 3)) >= 0)
			trk->dest = (uint8_t)n;
		else
			err(p, v->col, "dest '%s' is not a destination (expected ext, int or int+ext)",
			    tshow(v, b));
		break;
	case K_EUCLID:
		euclid_line(p);
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

void ts_patfile_statement(struct parser *p)
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

