/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading `.tsq` pattern files (spec/pattern-format.md, format 1): lines, tokens, comments and the
 * whole-file checks; the statements themselves are in patfile_stmt.c, the writer in
 * patfile_write.c.
 *
 * Parsing works line by line into a heap copy of the pattern, so the caller's pattern is only
 * written when the whole file is valid. Checks that depend on later lines (mode, lengths, the grid
 * under each `step K`) run once at the end, with the position of the statement they blame.
 */
#include "patfile_impl.h"
#include "trigseq/core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ---- comments ---- */

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

size_t ts_comments_find(const ts_comments *c, uint32_t id)
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

bool ts_comments_has(const ts_comments *c, uint32_t id)
{
	size_t i = ts_comments_find(c, id);
	return c && i < c->n && c->v[i].id == id;
}

/* ---- diagnostics ---- */

void ts_patfile_diag(ts_diags *d, int line, int col, const char *fmt, va_list ap)
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

static void PRINTF_LIKE(3, 4) err(struct parser *p, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(&p->diags, p->line, col, fmt, ap);
	va_end(ap);
}

static void PRINTF_LIKE(3, 4) err_at(struct parser *p, struct pos at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(&p->diags, at.line, at.col, fmt, ap);
	va_end(ap);
}

/* ---- lines ---- */

/* Split a line into tokens (lex.h); a comment goes to *cmt. False (reported) on a lexical
 * error. */
static bool tokenize(struct parser *p, const char *s, size_t n, size_t start, const char **cmt,
		     size_t *cmtlen)
{
	ts_lexer lx = {.diags = &p->diags, .line = p->line, .tok = p->tok, .strbuf = p->strbuf};
	bool ok = ts_lex_tokens(&lx, s, n, start, cmt, cmtlen);
	p->ntok = lx.ntok;
	return ok;
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
	if (!ts_lex_text(&p->diags, p->line, s, n))
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
	ts_patfile_statement(p);
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
		ts_patfile_diag(diags, 0, 0, fmt, ap);
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
	char *buf, why[160];
	size_t len;
	ts_status st = ts_file_read(path, TS_FILE_MAX, "pattern", &buf, &len, why, sizeof(why));
	if (st != TS_OK)
		return why[0] ? load_fail(diags, st, "%s", why) : st;
	ts_status rc = ts_patfile_parse(buf, len, pat, comments, diags);
	free(buf);
	return rc;
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
