/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The `.tss` reader and writer (songfile.h, spec/song-format.md §1 to §4, §6 fmt): the lexical
 * rules are the pattern reader's (lex.h); statements, validation and the canonical form here;
 * then the song loaded with its patterns (ts_songfile_open).
 */
#define _DEFAULT_SOURCE /* realpath */
#include "trigseq/core/songfile.h"
#include "trigseq/core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lex.h"
#include "patfile_impl.h"
#include "trigseq/core/grammar.h"

enum { S_HEADER, S_NAME, S_TEMPO, S_ROW, S_LOOP, S_END };

/* One statement as written, with its comments. */
struct sstmt {
	int kind;
	int line, col;
	char *file;               /* S_ROW: the path as written */
	int file_col;
	int repeat, length, tempo10; /* 0: not given */
	uint16_t mute;
	int row;                  /* S_ROW: its number (1-based); S_LOOP: the row it goes to */
	int count;                /* S_LOOP: 1 … 256, or 0 for inf */
	char *pre;                /* comment lines before it, each ending in '\n' (NULL: none) */
	char *trail;              /* the comment after it on its line (NULL: none) */
};

struct ts_songfile {
	struct sstmt *v;
	int n, cap;
	char name[TS_SONG_NAME_MAX * 4 + 1];
	bool has_name;
	int tempo10;              /* 0: not given */
	int nrows;
	char *end_comments;       /* comment lines after the last statement */
};

struct sparser {
	ts_songfile *sf;
	ts_diags diags;
	bool nomem;
	bool header_seen, stop, too_many_rows;
	int row_lines;      /* `row` statements, valid or not: "no row" only when there is none */
	int line;
	struct pos name_at, tempo_at, end_at, inf_at;
	struct tok tok[TS_LEX_TOKENS];
	int ntok;
	char strbuf[TS_LINE_MAX + 1];
	char *pending;            /* comment lines waiting for the next statement */
};

#define SHOW_MAX 24

static void PRINTF_LIKE(4, 5) err(struct sparser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(&p->diags, line, col, fmt, ap);
	va_end(ap);
}

/* A token as a message shows it: at most SHOW_MAX bytes, then "...". */
static const char *show(const struct tok *t, char *buf)
{
	size_t n = t->len > SHOW_MAX ? SHOW_MAX : t->len;
	while (n < t->len && n > 0 && ((unsigned char)t->s[n] & 0xC0) == 0x80)
		n--; /* not inside a UTF-8 sequence */
	memcpy(buf, t->s, n);
	strcpy(buf + n, n < t->len ? "..." : "");
	return buf;
}

static bool tok_is(const struct tok *t, const char *word)
{
	return !t->quoted && t->len == strlen(word) && memcmp(t->s, word, t->len) == 0;
}

/* Text to the end of a growing string (NULL: a new one). False when out of memory. */
static bool append(char **to, const char *s, size_t len)
{
	size_t have = *to ? strlen(*to) : 0;
	char *n = realloc(*to, have + len + 2);
	if (!n)
		return false;
	memcpy(n + have, s, len);
	n[have + len] = '\n';
	n[have + len + 1] = '\0';
	*to = n;
	return true;
}

static struct sstmt *new_stmt(struct sparser *p, int kind, int col)
{
	ts_songfile *sf = p->sf;
	if (sf->n == sf->cap) {
		int cap = sf->cap ? 2 * sf->cap : 32;
		struct sstmt *v = realloc(sf->v, (size_t)cap * sizeof(*v));
		if (!v) {
			p->nomem = true;
			return NULL;
		}
		sf->v = v;
		sf->cap = cap;
	}
	struct sstmt *s = &sf->v[sf->n++];
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->line = p->line;
	s->col = col;
	s->pre = p->pending;
	p->pending = NULL;
	return s;
}

/* A whole number token in [lo, hi] for `what` (`what` N out of range / is not a number). */
static bool get_num(struct sparser *p, const struct tok *t, const char *what, long lo, long hi,
		    const char *expected, long *out)
{
	char b[SHOW_MAX + 4];
	long n;
	if (t->quoted || ts_gram_long(t->s, t->len, TS_GRAM_FILE, &n) != TS_GRAM_OK) {
		err(p, p->line, t->col, "%s '%s' is not a number (expected %s)", what, show(t, b),
		    expected);
		return false;
	}
	if (n < lo || n > hi) {
		err(p, p->line, t->col, "%s %s out of range (expected %s)", what, show(t, b), expected);
		return false;
	}
	*out = n;
	return true;
}

static bool get_tempo(struct sparser *p, const struct tok *t, int *t10)
{
	char b[SHOW_MAX + 4];
	switch (t->quoted ? TS_GRAM_SYNTAX : ts_gram_tempo(t->s, t->len, TS_GRAM_FILE, t10)) {
	case TS_GRAM_OK:
		return true;
	case TS_GRAM_DECIMALS:
		err(p, p->line, t->col,
		    "tempo %s has more than one decimal (expected 30.0 ... 300.0, at most one "
		    "decimal)",
		    show(t, b));
		return false;
	case TS_GRAM_RANGE:
		err(p, p->line, t->col, "tempo %s out of range (expected 30.0 ... 300.0)", show(t, b));
		return false;
	default:
		err(p, p->line, t->col, "tempo '%s' is not a number (expected 30.0 ... 300.0)",
		    show(t, b));
		return false;
	}
}

/* Nothing after the values: "unexpected 'x' after ..." otherwise. */
static void no_more(struct sparser *p, int from, const char *after)
{
	char b[SHOW_MAX + 4];
	if (p->ntok > from)
		err(p, p->line, p->tok[from].col, "unexpected '%s' after %s (expected end of line)",
		    show(&p->tok[from], b), after);
}

/* `mute 3,5,12`: the track bits, or false (reported). */
static bool get_mute(struct sparser *p, const struct tok *t, uint16_t *mask)
{
	char b[SHOW_MAX + 4];
	const char *expected = "track numbers 1 ... 12 joined by ','";
	*mask = 0;
	if (t->quoted) {
		err(p, p->line, t->col, "mute '%s' is not a track list (expected %s)", show(t, b),
		    expected);
		return false;
	}
	size_t at = 0;
	while (at <= t->len) {
		size_t end = at;
		while (end < t->len && t->s[end] != ',')
			end++;
		long n;
		struct tok part = {.s = t->s + at, .len = end - at, .col = t->col + (int)at};
		if (end == at || ts_gram_long(part.s, part.len, TS_GRAM_FILE, &n) != TS_GRAM_OK ||
		    n < 1 || n > TS_TRACKS || part.s[0] == '-') {
			err(p, p->line, end == at ? t->col : part.col,
			    "mute '%s' is not a track list (expected %s)",
			    show(end == at ? t : &part, b), expected);
			return false;
		}
		if (*mask >> (n - 1) & 1) {
			err(p, p->line, part.col, "track %ld muted twice on the row", n);
			return false;
		}
		*mask |= (uint16_t)(1u << (n - 1));
		at = end + 1;
	}
	return true;
}

#define ROW_USAGE "row \"FILE.tsq\" [repeat N] [length L] [tempo T] [mute LIST]"

static void stmt_row(struct sparser *p)
{
	char b[SHOW_MAX + 4];
	const struct tok *key = &p->tok[0];
	if (p->ntok < 2) {
		err(p, p->line, key->col, "'row' needs a pattern file (expected " ROW_USAGE ")");
		return;
	}
	const struct tok *f = &p->tok[1];
	if (!f->quoted) {
		err(p, p->line, f->col, "row file '%s' is not a quoted string (expected \"FILE.tsq\")",
		    show(f, b));
		return;
	}
	if (f->len == 0) {
		err(p, p->line, f->col, "'row' needs a pattern file (expected " ROW_USAGE ")");
		return;
	}
	struct sstmt s = {.kind = S_ROW, .line = p->line, .col = key->col, .file_col = f->col};
	static const char *const attrs[] = {"repeat", "length", "tempo", "mute"};
	int seen[4] = {0};
	bool ok = true;
	for (int i = 2; i < p->ntok; i += 2) {
		const struct tok *a = &p->tok[i];
		int k = 0;
		while (k < 4 && !tok_is(a, attrs[k]))
			k++;
		if (k == 4) {
			err(p, p->line, a->col,
			    "unknown row attribute '%s' (expected repeat, length, tempo, mute)",
			    show(a, b));
			return;
		}
		if (seen[k]) {
			err(p, p->line, a->col, "'%s' given twice on the row, first at col %d", attrs[k],
			    seen[k]);
			ok = false;
		}
		seen[k] = a->col;
		if (i + 1 >= p->ntok) {
			static const char *const what[] = {"1 ... 256", "1 ... 1024", "30.0 ... 300.0",
							   "track numbers 1 ... 12 joined by ','"};
			err(p, p->line, a->col, "'%s' needs a value (expected %s)", attrs[k], what[k]);
			return;
		}
		const struct tok *v = &p->tok[i + 1];
		long n;
		switch (k) {
		case 0:
			ok &= get_num(p, v, "repeat", 1, TS_SONG_REPEAT_MAX, "1 ... 256", &n);
			s.repeat = (int)n;
			break;
		case 1:
			ok &= get_num(p, v, "length", 1, TS_SONG_LENGTH_MAX, "1 ... 1024", &n);
			s.length = (int)n;
			break;
		case 2:
			ok &= get_tempo(p, v, &s.tempo10);
			break;
		default:
			ok &= get_mute(p, v, &s.mute);
			break;
		}
	}
	if (!ok)
		return;
	struct sstmt *d = new_stmt(p, S_ROW, key->col);
	if (!d)
		return;
	char *pre = d->pre;
	*d = s;
	d->pre = pre;
	d->row = ++p->sf->nrows;
	d->file = strndup(f->s, f->len);
	if (!d->file)
		p->nomem = true;
}

#define LOOP_USAGE "expected loop ROW COUNT, COUNT 1 ... 256 or inf"

static void stmt_loop(struct sparser *p)
{
	char b[SHOW_MAX + 4];
	const struct tok *key = &p->tok[0];
	if (p->ntok < 3) {
		err(p, p->line, key->col, "'loop' needs a row and a count (" LOOP_USAGE ")");
		return;
	}
	const struct tok *r = &p->tok[1], *c = &p->tok[2];
	int rows = p->sf->nrows;
	long row = 0, count = 0;
	bool ok = true;
	if (r->quoted || ts_gram_long(r->s, r->len, TS_GRAM_FILE, &row) != TS_GRAM_OK) {
		err(p, p->line, r->col, "loop row '%s' is not a row number (expected 1 ... %d)",
		    show(r, b), rows > 0 ? rows : 1);
		ok = false;
	} else if (row < 1 || row > rows) {
		if (rows == 0)
			err(p, p->line, r->col,
			    "loop row %s does not come before this loop (there is no row before it)",
			    show(r, b));
		else
			err(p, p->line, r->col,
			    "loop row %s does not come before this loop (expected 1 ... %d)",
			    show(r, b), rows);
		ok = false;
	}
	if (tok_is(c, "inf"))
		count = 0;
	else if (c->quoted || ts_gram_long(c->s, c->len, TS_GRAM_FILE, &count) != TS_GRAM_OK) {
		err(p, p->line, c->col, "loop count '%s' is not a number (expected 1 ... 256 or inf)",
		    show(c, b));
		ok = false;
	} else if (count < 1 || count > TS_SONG_COUNT_MAX) {
		err(p, p->line, c->col, "loop count %s out of range (expected 1 ... 256 or inf)",
		    show(c, b));
		ok = false;
	}
	no_more(p, 3, "the loop's count");
	if (!ok)
		return;
	struct sstmt *s = new_stmt(p, S_LOOP, key->col);
	if (!s)
		return;
	s->row = (int)row;
	s->count = (int)count;
	if (count == 0 && !p->inf_at.line)
		p->inf_at = (struct pos){p->line, key->col};
}

static void statement(struct sparser *p)
{
	char b[SHOW_MAX + 4];
	const struct tok *key = &p->tok[0];
	ts_songfile *sf = p->sf;
	if (!p->header_seen) {
		p->header_seen = true;
		if (tok_is(key, "trigseq-song") && p->ntok >= 2 && !p->tok[1].quoted) {
			const struct tok *ver = &p->tok[1];
			long n;
			if (tok_is(ver, "1")) {
				new_stmt(p, S_HEADER, key->col);
				no_more(p, 2, "'trigseq-song 1'");
				return;
			}
			if (ts_gram_long(ver->s, ver->len, TS_GRAM_FILE, &n) == TS_GRAM_OK &&
			    ver->s[0] != '-' && n > 1) {
				err(p, p->line, ver->col,
				    "format version %s is newer than this trigseq reads (1)",
				    show(ver, b));
				p->stop = true;
				return;
			}
		}
		err(p, p->line, key->col,
		    "missing header: the first statement must be 'trigseq-song 1'");
		if (tok_is(key, "trigseq-song"))
			return;
	}
	if (key->quoted) {
		err(p, p->line, key->col, "unexpected string '%s' (expected a key)", show(key, b));
		return;
	}
	bool is_row = tok_is(key, "row"), is_loop = tok_is(key, "loop");
	bool is_end = tok_is(key, "end"), is_name = tok_is(key, "name");
	bool is_tempo = tok_is(key, "tempo");
	if (tok_is(key, "trigseq-song")) {
		err(p, p->line, key->col, "'trigseq-song' given twice, first at line 1");
		return;
	}
	if (!is_row && !is_loop && !is_end && !is_name && !is_tempo) {
		err(p, p->line, key->col,
		    "unknown key '%s' (expected one of: name, tempo, row, loop, end)", show(key, b));
		return;
	}
	if (p->end_at.line) {
		err(p, p->end_at.line, p->end_at.col,
		    "'end' must be the last statement (line %d follows it)", p->line);
		p->end_at.line = 0; /* said once */
	} else if (p->inf_at.line) {
		err(p, p->line, key->col, "'%s' after 'loop %d inf' (line %d) is never reached",
		    show(key, b), sf->v[sf->n - 1].row, p->inf_at.line);
	}
	if (is_name || is_tempo) {
		struct pos *at = is_name ? &p->name_at : &p->tempo_at;
		if (sf->nrows > 0) {
			err(p, p->line, key->col, "'%s' must come before the first row",
			    is_name ? "name" : "tempo");
			return;
		}
		if (at->line) {
			err(p, p->line, key->col, "'%s' given twice, first at line %d",
			    is_name ? "name" : "tempo", at->line);
			return;
		}
		*at = (struct pos){p->line, key->col};
		if (p->ntok < 2) {
			err(p, p->line, key->col, "'%s' needs a value (expected %s)",
			    is_name ? "name" : "tempo",
			    is_name ? "a quoted name of at most 32 characters" : "30.0 ... 300.0");
			return;
		}
		const struct tok *v = &p->tok[1];
		no_more(p, 2, is_name ? "the name" : "the tempo");
		if (is_name) {
			size_t chars = 0;
			for (size_t i = 0; i < v->len; i++)
				chars += ((unsigned char)v->s[i] & 0xC0) != 0x80;
			if (!v->quoted) {
				err(p, p->line, v->col, "'name' needs a quoted string (expected a quoted "
							 "name of at most 32 characters)");
			} else if (chars > TS_SONG_NAME_MAX) {
				err(p, p->line, v->col, "name is %zu characters (expected at most %d)",
				    chars, TS_SONG_NAME_MAX);
			} else if (new_stmt(p, S_NAME, key->col)) {
				memcpy(sf->name, v->s, v->len);
				sf->name[v->len] = '\0';
				sf->has_name = true;
			}
		} else {
			int t10;
			if (get_tempo(p, v, &t10) && new_stmt(p, S_TEMPO, key->col))
				sf->tempo10 = t10;
		}
		return;
	}
	if (is_end) {
		no_more(p, 1, "'end'");
		if (new_stmt(p, S_END, key->col))
			p->end_at = (struct pos){p->line, key->col};
		return;
	}
	if (is_row) {
		p->row_lines++;
		if (sf->nrows == TS_SONG_ROWS_MAX) {
			p->too_many_rows = true;
			return;
		}
		stmt_row(p);
		return;
	}
	int loops = 0;
	for (int i = 0; i < sf->n; i++)
		loops += sf->v[i].kind == S_LOOP;
	if (loops == TS_SONG_LOOPS_MAX) {
		err(p, p->line, key->col, "more than %d loops", TS_SONG_LOOPS_MAX);
		return;
	}
	stmt_loop(p);
}

static void parse_line(struct sparser *p, const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (n > TS_LINE_MAX) {
		err(p, p->line, 1, "line too long: %zu bytes (expected at most %d)", n, TS_LINE_MAX);
		return;
	}
	if (!ts_lex_text(&p->diags, p->line, s, n))
		return;
	size_t start = p->line == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	ts_lexer lx = {.diags = &p->diags, .line = p->line, .tok = p->tok, .strbuf = p->strbuf};
	const char *cmt;
	size_t cmtlen = 0;
	if (!ts_lex_tokens(&lx, s, n, start, &cmt, &cmtlen))
		return;
	p->ntok = lx.ntok;
	if (p->ntok == 0) {
		if (cmt && !append(&p->pending, cmt, cmtlen))
			p->nomem = true;
		return;
	}
	int before = p->sf->n;
	statement(p);
	if (cmt) {
		if (p->sf->n > before) {
			p->sf->v[p->sf->n - 1].trail = strndup(cmt, cmtlen);
			if (!p->sf->v[p->sf->n - 1].trail)
				p->nomem = true;
		} else if (!append(&p->pending, cmt, cmtlen)) {
			p->nomem = true;
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

void ts_songfile_free(ts_songfile *sf)
{
	if (!sf)
		return;
	for (int i = 0; i < sf->n; i++) {
		free(sf->v[i].file);
		free(sf->v[i].pre);
		free(sf->v[i].trail);
	}
	free(sf->v);
	free(sf->end_comments);
	free(sf);
}

ts_status ts_songfile_parse(const char *text, size_t len, ts_songfile **out, ts_diags *diags)
{
	*out = NULL;
	if (diags)
		diags->count = 0;
	struct sparser *p = calloc(1, sizeof(*p));
	ts_songfile *sf = calloc(1, sizeof(*sf));
	if (!p || !sf) {
		free(p);
		free(sf);
		return TS_ERR_NOMEM;
	}
	p->sf = sf;
	size_t at = 0;
	while (at < len && !p->stop) {
		const char *nl = memchr(text + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - text) : len;
		p->line++;
		parse_line(p, text + at, end - at);
		at = end + 1;
	}
	if (!p->header_seen)
		err(p, 0, 0, "missing header: the first statement must be 'trigseq-song 1' (the file "
			     "has no statements)");
	else if (!p->stop && p->row_lines == 0)
		err(p, 0, 0, "no row (a song plays at least one row)");
	if (p->too_many_rows)
		err(p, 0, 0, "more than %d rows", TS_SONG_ROWS_MAX);
	sf->end_comments = p->pending;
	p->pending = NULL;
	ts_status st = TS_OK;
	if (p->nomem) {
		st = TS_ERR_NOMEM;
	} else if (p->diags.count) {
		int shown_n = p->diags.count < TS_DIAG_MAX ? p->diags.count : TS_DIAG_MAX;
		qsort(p->diags.items, (size_t)shown_n, sizeof(ts_diag), diag_cmp);
		if (diags)
			*diags = p->diags;
		st = TS_ERR_PARSE;
	}
	if (st == TS_OK)
		*out = sf;
	else
		ts_songfile_free(sf);
	free(p);
	return st;
}

bool ts_songfile_is_song(const char *path)
{
	size_t n = strlen(path);
	return n >= 4 && strcmp(path + n - 4, ".tss") == 0;
}

/* ---- the canonical form ---- */

struct buf {
	char *s;
	size_t len, cap;
	bool nomem;
};

static void PRINTF_LIKE(2, 3) put(struct buf *b, const char *fmt, ...)
{
	if (b->nomem)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->nomem = true;
			return;
		}
		if (b->s && b->len + (size_t)n < b->cap) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = (b->cap ? 2 * b->cap : 1024) + (size_t)n;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->nomem = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* A string as the file writes it: quoted, with \" and \\. */
static void put_quoted(struct buf *b, const char *s)
{
	put(b, "\"");
	for (; *s; s++)
		put(b, "%s%c", *s == '"' || *s == '\\' ? "\\" : "", *s);
	put(b, "\"");
}

static void put_stmt_end(struct buf *b, const struct sstmt *s)
{
	if (s->trail)
		put(b, " %s", s->trail);
	put(b, "\n");
}

char *ts_songfile_format(const ts_songfile *sf, size_t *len)
{
	struct buf b = {0};
	char t[16];
	/* the header, name and tempo first, in that order, then a blank line */
	static const int head[] = {S_HEADER, S_NAME, S_TEMPO};
	for (int h = 0; h < 3; h++) {
		for (int i = 0; i < sf->n; i++) {
			const struct sstmt *s = &sf->v[i];
			if (s->kind != head[h])
				continue;
			if (s->pre)
				put(&b, "%s", s->pre);
			if (h == 0) {
				put(&b, "trigseq-song 1");
			} else if (h == 1) {
				put(&b, "name ");
				put_quoted(&b, sf->name);
			} else {
				put(&b, "tempo %s", ts_gram_tempo_format(sf->tempo10, t, sizeof(t)));
			}
			put_stmt_end(&b, s);
		}
	}
	put(&b, "\n");
	for (int i = 0; i < sf->n; i++) {
		const struct sstmt *s = &sf->v[i];
		if (s->kind <= S_TEMPO)
			continue;
		if (s->pre)
			put(&b, "%s", s->pre);
		if (s->kind == S_ROW) {
			put(&b, "row ");
			put_quoted(&b, s->file);
			if (s->repeat > 1)
				put(&b, " repeat %d", s->repeat);
			if (s->length)
				put(&b, " length %d", s->length);
			if (s->tempo10)
				put(&b, " tempo %s", ts_gram_tempo_format(s->tempo10, t, sizeof(t)));
			if (s->mute) {
				put(&b, " mute");
				const char *sep = " ";
				for (int k = 0; k < TS_TRACKS; k++)
					if (s->mute >> k & 1) {
						put(&b, "%s%d", sep, k + 1);
						sep = ",";
					}
			}
		} else if (s->kind == S_LOOP) {
			if (s->count)
				put(&b, "loop %d %d", s->row, s->count);
			else
				put(&b, "loop %d inf", s->row);
		} else {
			put(&b, "end");
		}
		put_stmt_end(&b, s);
	}
	/* as in a .tsq: comments after the last statement come last, after a blank line */
	if (sf->end_comments)
		put(&b, "\n%s", sf->end_comments);
	if (b.nomem) {
		free(b.s);
		return NULL;
	}
	*len = b.len;
	return b.s;
}

/* ---- loading ---- */

static ts_status load_fail(ts_diags *d, ts_status st, const char *fmt, ...) PRINTF_LIKE(3, 4);
static ts_status load_fail(ts_diags *d, ts_status st, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	d->count = 0;
	va_start(ap, fmt);
	ts_patfile_diag(d, 0, 0, fmt, ap);
	va_end(ap);
	errno = saved;
	return st;
}

/* The whole file, at most TS_FILE_MAX bytes, in a malloc'd buffer. */
static ts_status read_all(const char *path, char **out, size_t *len, ts_diags *d)
{
	char why[160];
	ts_status st = ts_file_read(path, TS_FILE_MAX, "song", out, len, why, sizeof(why));
	return st != TS_OK && why[0] ? load_fail(d, st, "%s", why) : st;
}

ts_status ts_songfile_load(const char *path, ts_songfile **out, ts_diags *diags)
{
	*out = NULL;
	char *text;
	size_t len;
	ts_status st = read_all(path, &text, &len, diags);
	if (st != TS_OK)
		return st;
	st = ts_songfile_parse(text, len, out, diags);
	free(text);
	return st;
}

void ts_song_loaded_free(ts_song_loaded *l)
{
	for (int p = 0; l->paths && p < l->npats; p++)
		free(l->paths[p]);
	free(l->paths);
	free(l->pats);
	memset(l, 0, sizeof(*l));
}

static void PRINTF_LIKE(2, 3) whole(ts_diags *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(d, 0, 0, fmt, ap);
	va_end(ap);
}

/* The row's file from the song's folder (absolute: as it is); malloc'd. */
static char *join(const char *song, const char *file)
{
	const char *slash = strrchr(song, '/');
	size_t dir = file[0] == '/' || !slash ? 0 : (size_t)(slash - song) + 1;
	char *s = malloc(dir + strlen(file) + 1);
	if (s) {
		memcpy(s, song, dir);
		strcpy(s + dir, file);
	}
	return s;
}

static void PRINTF_LIKE(4, 5) at_row(ts_diags *d, const struct sstmt *s, bool file_col,
				     const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(d, s->line, file_col ? s->file_col : s->col, fmt, ap);
	va_end(ap);
}

ts_status ts_songfile_open(const char *path, uint16_t tempo10_override, ts_song_loaded *out,
			   ts_diags *diags, ts_songfile_pattern_fn fn, void *ctx)
{
	memset(out, 0, sizeof(*out));
	ts_songfile *sf;
	ts_status st = ts_songfile_load(path, &sf, diags);
	if (st != TS_OK)
		return st;
	diags->count = 0;
	/* the resolved paths of the files loaded, and of those found invalid (said once) */
	char(*real)[PATH_MAX] = malloc(TS_SONG_FILES_MAX * sizeof(*real));
	char(*bad)[PATH_MAX] = malloc(TS_SONG_ROWS_MAX * sizeof(*bad));
	int nbad = 0;
	int row_pat[TS_SONG_ROWS_MAX];
	ts_diags *pd = malloc(sizeof(*pd));
	out->pats = malloc(TS_SONG_FILES_MAX * sizeof(*out->pats));
	out->paths = calloc(TS_SONG_FILES_MAX, sizeof(*out->paths));
	if (!pd || !out->pats || !out->paths || !real || !bad) {
		free(real);
		free(bad);
		free(pd);
		ts_song_loaded_free(out);
		ts_songfile_free(sf);
		return TS_ERR_NOMEM;
	}
	bool too_many = false, nomem = false;
	int r = 0;
	for (int i = 0; i < sf->n && !nomem; i++) {
		const struct sstmt *s = &sf->v[i];
		if (s->kind != S_ROW)
			continue;
		int row = r++;
		row_pat[row] = -1;
		char *file = join(path, s->file);
		char rp[PATH_MAX];
		if (!file) {
			nomem = true;
			break;
		}
		if (!realpath(file, rp)) {
			at_row(diags, s, true, "cannot read \"%s\": %s", s->file, strerror(errno));
			free(file);
			continue;
		}
		int k = 0, b = 0;
		while (k < out->npats && strcmp(real[k], rp) != 0)
			k++;
		while (b < nbad && strcmp(bad[b], rp) != 0)
			b++;
		if (b < nbad) {
			at_row(diags, s, true, "\"%s\" is not a valid pattern", s->file);
			free(file);
			continue;
		}
		if (k < out->npats) {
			row_pat[row] = k;
			free(file);
		} else if (ts_songfile_is_song(rp) || ts_songfile_is_song(s->file)) {
			at_row(diags, s, true, "\"%s\" is a song (expected a pattern file)", s->file);
			free(file);
			continue;
		} else if (out->npats == TS_SONG_FILES_MAX) {
			if (!too_many)
				whole(diags, "more than %d pattern files", TS_SONG_FILES_MAX);
			too_many = true;
			free(file);
			continue;
		} else {
			ts_status ps = ts_patfile_load(file, &out->pats[k], NULL, pd);
			if (ps == TS_ERR_NOMEM) {
				free(file);
				nomem = true;
				break;
			}
			if (ps == TS_ERR_IO) {
				at_row(diags, s, true, "cannot read \"%s\": %s", s->file, strerror(errno));
				free(file);
				continue;
			}
			if (ps != TS_OK) {
				if (fn)
					fn(ctx, file, pd);
				at_row(diags, s, true, "\"%s\" is not a valid pattern", s->file);
				snprintf(bad[nbad++], sizeof(bad[0]), "%s", rp);
				free(file);
				continue;
			}
			snprintf(real[k], sizeof(real[k]), "%s", rp);
			out->paths[k] = file;
			out->npats++;
			row_pat[row] = k;
		}
		const ts_pattern *pat = &out->pats[row_pat[row]];
		if (!s->length && pat->mode == TS_MODE_ADVANCED && pat->length == 0 && pat->change == 0)
			at_row(diags, s, true,
			       "\"%s\" has length inf and change off: the row never ends (give the row "
			       "a length)",
			       s->file);
	}
	free(pd);
	free(real);
	free(bad);
	const char *ports[TS_MAX_PORTS];
	if (!nomem && diags->count == 0 && ts_patterns_ports(out->pats, out->npats, ports) < 0)
		whole(diags, "the song's tracks use more than %d output port names (midi_out and %d "
			     "others)",
		      TS_MAX_PORTS, TS_MAX_PORTS - 1);
	if (nomem || diags->count) {
		if (diags->count) {
			int n = diags->count < TS_DIAG_MAX ? diags->count : TS_DIAG_MAX;
			qsort(diags->items, (size_t)n, sizeof(ts_diag), diag_cmp);
		}
		ts_song_loaded_free(out);
		ts_songfile_free(sf);
		return nomem ? TS_ERR_NOMEM : TS_ERR_PARSE;
	}
	/* the program */
	ts_song *song = &out->song;
	memset(song, 0, sizeof(*song));
	snprintf(song->name, sizeof(song->name), "%s", sf->name);
	int row = 0;
	for (int i = 0; i < sf->n; i++) {
		const struct sstmt *s = &sf->v[i];
		if (s->kind == S_ROW) {
			song->rows[row] = (ts_song_row){
				.pattern = (uint8_t)row_pat[row], .stmt = (uint16_t)song->nstmts,
				.repeat = (uint16_t)(s->repeat ? s->repeat : 1),
				.length = (uint16_t)s->length, .tempo10 = (uint16_t)s->tempo10,
				.mute = s->mute};
			song->stmts[song->nstmts++] = (ts_song_stmt){.kind = TS_SONG_STMT_ROW,
								     .row = (uint16_t)row};
			row++;
		} else if (s->kind == S_LOOP) {
			song->stmts[song->nstmts++] = (ts_song_stmt){
				.kind = TS_SONG_STMT_LOOP, .row = (uint16_t)(s->row - 1),
				.count = (uint16_t)(s->count ? s->count : TS_SONG_INF)};
		}
	}
	song->nrows = row;
	song->tempo10 = (uint16_t)(tempo10_override ? tempo10_override
				   : sf->tempo10      ? sf->tempo10
						      : out->pats[song->rows[0].pattern].tempo10);
	ts_songfile_free(sf);
	return TS_OK;
}
