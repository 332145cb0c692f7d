/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lexical rules the `.tsq` and `.tss` readers share (pattern-format §1): text checks of a
 * line and its tokens (bare words, quoted strings with \" and \\, a comment from a '#' that
 * begins a token). Private to src/core (patfile.c, songfile.c).
 */
#ifndef TRIGSEQ_LEX_H
#define TRIGSEQ_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "trigseq/core/patfile.h"

struct tok {
	const char *s;      /* bare text in the line, or the decoded string */
	size_t len;
	int col;            /* 1-based byte column of the token's first byte */
	bool quoted;
};

#define TS_LEX_TOKENS (TS_LINE_MAX / 2 + 2)

/* Where a line's tokens go: the reader's own arrays. */
typedef struct {
	ts_diags *diags;    /* where problems go, at line `line` */
	int line;
	struct tok *tok;    /* room for TS_LEX_TOKENS */
	int ntok;
	char *strbuf;       /* room for TS_LINE_MAX + 1 bytes: the decoded strings */
} ts_lexer;

/* Text checks of one line: NUL, control bytes (tabs are fine), invalid UTF-8. False (reported)
 * on the first one. */
bool ts_lex_text(ts_diags *d, int line, const char *s, size_t n);

/* Split a line (from byte start) into p->tok; a comment goes to *cmt (NULL: none). False
 * (reported) on a lexical error. */
bool ts_lex_tokens(ts_lexer *p, const char *s, size_t n, size_t start, const char **cmt,
		   size_t *cmtlen);

#endif
