/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared lexical rules of the pattern and song readers (lex.h). */
#include "lex.h"

#include <stdarg.h>
#include <stdint.h>

#include "patfile_impl.h"

static void PRINTF_LIKE(4, 5) err(ts_diags *d, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_patfile_diag(d, line, col, fmt, ap);
	va_end(ap);
}


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

bool ts_lex_text(ts_diags *d, int line, const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0) {
			err(d, line, (int)i + 1, "NUL byte (expected UTF-8 text)");
			return false;
		}
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			err(d, line, (int)i + 1, "control character 0x%02X (expected text)", c);
			return false;
		}
		size_t l = utf8_len((const unsigned char *)s + i, n - i);
		if (!l) {
			err(d, line, (int)i + 1, "invalid UTF-8 byte 0x%02X (expected UTF-8 text)", c);
			return false;
		}
		i += l;
	}
	return true;
}

bool ts_lex_tokens(ts_lexer *p, const char *s, size_t n, size_t start, const char **cmt,
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
					err(p->diags, p->line, t->col, "unterminated string (expected a closing \")");
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
					err(p->diags, p->line, (int)j + 1,
					    "unknown escape in string (expected \\\" or \\\\)");
					return false;
				}
				if (s[j] == '\t') {
					/* The writer could not give it back: a name or path is text
					 * of one line without tabs. */
					err(p->diags, p->line, (int)j + 1, "tab in a string (expected text; use spaces)");
					return false;
				}
				p->strbuf[out++] = s[j++];
			}
			t->len = (size_t)(p->strbuf + out - t->s);
			t->quoted = true;
			j++;
			if (j < n && s[j] != ' ' && s[j] != '\t') {
				err(p->diags, p->line, (int)j + 1,
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

