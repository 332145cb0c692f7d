/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The grammar of values (grammar.h). Decimals are read by one scanner, scan_decimal(); tempos and
 * lengths then apply the rules of their dialect to what it saw, so the dialects differ only where
 * grammar.h says they do.
 */
#include "trigseq/core/grammar.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ts_gram_onoff[2] = {"off", "on"};
const char *const ts_gram_dests[3] = {"ext", "int", "int+ext"};
const char *const ts_gram_modes[2] = {"normal", "advanced"};
const char *const ts_gram_swings[3] = {"auto", "on", "off"};

int ts_gram_word(const char *s, size_t len, const char *const *words, int n)
{
	for (int i = 0; i < n; i++)
		if (strlen(words[i]) == len && memcmp(s, words[i], len) == 0)
			return i;
	return -1;
}

/* ---- integers ---- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static ts_gram_status file_long(const char *s, size_t len, long *out)
{
	size_t i = 0;
	bool neg = false;
	if (len > 0 && s[0] == '-') {
		neg = true;
		i = 1;
	}
	if (i == len)
		return TS_GRAM_SYNTAX;
	long v = 0;
	for (; i < len; i++) {
		if (!is_digit(s[i]))
			return TS_GRAM_SYNTAX;
		if (v < 1000000000L)
			v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return TS_GRAM_OK;
}

/* strtol's base 10 over s[0 … len): white space, a sign, digits; with no digits it reads nothing
 * (and 0). Then the rest must be empty or "%". */
static ts_gram_status prompt_long(const char *s, size_t len, long *out)
{
	size_t i = 0;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	bool neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	size_t first = i;
	unsigned long mag = 0;
	bool over = false;
	unsigned long limit = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	for (; i < len && is_digit(s[i]); i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (mag > (limit - d) / 10)
			over = true;
		else
			mag = mag * 10 + d;
	}
	if (i == first) {   /* no digits: strtol reads nothing */
		i = 0;
		mag = 0;
		neg = false;
	}
	if (len == 0 || over || !(i == len || (s[i] == '%' && i + 1 == len)))
		return TS_GRAM_SYNTAX;
	*out = neg && mag ? -(long)(mag - 1) - 1 : (long)mag;
	return TS_GRAM_OK;
}

ts_gram_status ts_gram_long(const char *s, size_t len, ts_gram_dialect d, long *v)
{
	return d == TS_GRAM_PROMPT ? prompt_long(s, len, v) : file_long(s, len, v);
}

ts_gram_status ts_gram_u64(const char *s, size_t len, uint64_t lo, uint64_t hi, uint64_t *v)
{
	if (len == 0)
		return TS_GRAM_SYNTAX;
	uint64_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i]))
			return TS_GRAM_SYNTAX;
		unsigned d = (unsigned)(s[i] - '0');
		if (n > (UINT64_MAX - d) / 10)
			return TS_GRAM_SYNTAX;
		n = n * 10 + d;
	}
	if (n < lo || n > hi)
		return TS_GRAM_RANGE;
	*v = n;
	return TS_GRAM_OK;
}

ts_gram_status ts_gram_seconds(const char *s, double lo, double hi, double *v)
{
	size_t digits = strspn(s, "0123456789");
	const char *rest = s + digits;
	if (*rest == '.')
		rest += 1 + strspn(rest + 1, "0123456789");
	if (digits == 0 || *rest)
		return TS_GRAM_SYNTAX;
	double x = strtod(s, NULL);
	if (!(x >= lo) || x > hi)
		return TS_GRAM_RANGE;
	*v = x;
	return TS_GRAM_OK;
}

/* ---- decimals: tempos and lengths ---- */

struct decimal {
	size_t int_digits;
	long long ipart;        /* stops growing once at 100000 or more: "far beyond any range" */
	bool point;
	size_t frac_digits;
	int first_frac;         /* the first decimal */
	long long frac, scale;  /* the first nine decimals: frac / scale */
	size_t end;             /* bytes read: digits, '.', digits */
};

static void scan_decimal(const char *s, size_t len, struct decimal *d)
{
	size_t i = 0;
	*d = (struct decimal){.scale = 1};
	for (; i < len && is_digit(s[i]); i++, d->int_digits++)
		if (d->ipart < 100000)
			d->ipart = d->ipart * 10 + (s[i] - '0');
	if (i < len && s[i] == '.') {
		d->point = true;
		for (i++; i < len && is_digit(s[i]); i++, d->frac_digits++) {
			if (d->frac_digits == 0)
				d->first_frac = s[i] - '0';
			if (d->scale < 1000000000LL) {
				d->frac = d->frac * 10 + (s[i] - '0');
				d->scale *= 10;
			}
		}
	}
	d->end = i;
}

ts_gram_status ts_gram_tempo(const char *s, size_t len, ts_gram_dialect d, int *tempo10)
{
	struct decimal dec;
	scan_decimal(s, len, &dec);
	if (!dec.int_digits || (dec.point && !dec.frac_digits) || dec.end != len)
		return TS_GRAM_SYNTAX;
	if ((d == TS_GRAM_ARG && dec.int_digits > 4) || (d == TS_GRAM_PROMPT && dec.ipart >= 100000))
		return TS_GRAM_SYNTAX;
	if (dec.frac_digits > 1)
		return d == TS_GRAM_FILE ? TS_GRAM_DECIMALS : TS_GRAM_SYNTAX;
	*tempo10 = (int)(dec.ipart * 10 + dec.first_frac);
	if (*tempo10 < TS_TEMPO10_MIN || *tempo10 > TS_TEMPO10_MAX)
		return TS_GRAM_RANGE;
	return TS_GRAM_OK;
}

const char *ts_gram_tempo_format(int tempo10, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%d", tempo10 / 10, tempo10 % 10);
	return buf;
}

ts_gram_status ts_gram_len(const char *s, size_t len, ts_gram_dialect d, int *idx, int *below,
			   int *above)
{
	*below = *above = -1;
	if (len == 3 && memcmp(s, "inf", 3) == 0) {
		*idx = TS_LEN_INF;
		return TS_GRAM_OK;
	}
	struct decimal dec;
	scan_decimal(s, len, &dec);
	bool ok = dec.end == len;
	if (d == TS_GRAM_PROMPT)
		ok = ok && (dec.int_digits || dec.point) && dec.frac_digits <= 7;
	else
		ok = ok && dec.int_digits && (!dec.point || dec.frac_digits);
	if (!ok)
		return TS_GRAM_SYNTAX;
	/* Compared exactly: sixteenths x scale against the table's values x scale. */
	long long v = dec.ipart * dec.scale * 16 + dec.frac * 16;
	for (int k = 0; k < TS_LEN_COUNT; k++) {
		long long tv = (long long)ts_len16(k) * dec.scale;
		if (tv == v) {
			*idx = k;
			return TS_GRAM_OK;
		}
		if (tv < v)
			*below = k;
		else if (*above < 0)
			*above = k;
	}
	return TS_GRAM_NO_LENGTH;
}

/* ---- rates, notes, names, controller lists ---- */

ts_gram_status ts_gram_rate(const char *s, size_t len, ts_gram_dialect d, int *idx)
{
	long div;
	int i = -1;
	if (len > 2 && s[0] == '1' && s[1] == '/' &&
	    ts_gram_long(s + 2, len - 2, d, &div) == TS_GRAM_OK && div > 0 && div <= 80)
		i = ts_rate_index((int)div);
	if (i < 0)
		return TS_GRAM_SYNTAX;
	*idx = i;
	return TS_GRAM_OK;
}

ts_gram_status ts_gram_notes(const char *s, size_t len, uint8_t notes[TS_MAX_NOTES], int *n,
			     size_t *at, size_t *at_len)
{
	uint8_t tmp[TS_MAX_NOTES];
	int count = 0;
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '+')
			continue;
		*at = start;
		*at_len = i - start;
		if (count == TS_MAX_NOTES)
			return TS_GRAM_TOO_MANY;
		int v = ts_note_parse(s + start, i - start);
		if (v < 0)
			return TS_GRAM_SYNTAX;
		tmp[count++] = (uint8_t)v;
		start = i + 1;
	}
	memcpy(notes, tmp, (size_t)count);
	*n = count;
	return TS_GRAM_OK;
}

bool ts_gram_port(const char *s, size_t len)
{
	bool ok = len >= 1 && len <= TS_PORT_NAME_MAX && s[0] >= 'a' && s[0] <= 'z';
	for (size_t i = 1; ok && i < len; i++)
		ok = (s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i]) || s[i] == '_';
	return ok;
}

int ts_gram_cc_list(const char *t, ts_lock *out, int max)
{
	int n = 0;
	if (strcmp(t, "none") == 0)
		return 0;
	while (*t) {
		while (*t == ' ' || *t == ',')
			t++;
		if (!*t)
			break;
		char *end;
		long cc = strtol(t, &end, 10), val;
		if (end == t || *end != '=' || cc < 0 || cc > 127)
			return -1;
		t = end + 1;
		val = strtol(t, &end, 10);
		if (end == t || val < 0 || val > 127 || (*end && *end != ' ' && *end != ','))
			return -1;
		t = end;
		for (int i = 0; i < n; i++)
			if (out[i].cc == cc)
				return -1;
		if (n == max)
			return -1;
		out[n].cc = (uint8_t)cc;
		out[n++].value = (uint8_t)val;
	}
	return n;
}
