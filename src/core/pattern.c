/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pattern defaults and the value tables every module shares. */
#include "trigseq/core/pattern.h"

#include <stdio.h>
#include <string.h>

static const uint8_t rate_divs[TS_RATE_COUNT] = {
	1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80,
};

static const struct {
	const char *name;
	uint8_t num, den;
} speeds[TS_SPEED_COUNT] = {
	{"2x", 2, 1}, {"3/2x", 3, 2}, {"1x", 1, 1}, {"3/4x", 3, 4},
	{"1/2x", 1, 2}, {"1/4x", 1, 4}, {"1/8x", 1, 8},
};

/* Raw probability codes 0 … 21 (rytm-semantics §3.4). */
static const uint8_t cond_percents[22] = {
	1, 3, 4, 6, 9, 13, 19, 25, 33, 41, 50, 59, 67, 75, 81, 87, 91, 94, 96, 98, 99, 100,
};

static const struct {
	uint8_t code;
	const char *name;
} cond_words[] = {
	{TS_COND_FILL, "fill"}, {TS_COND_NOT_FILL, "!fill"}, {TS_COND_PRE, "pre"},
	{TS_COND_NOT_PRE, "!pre"}, {TS_COND_NEI, "nei"}, {TS_COND_NOT_NEI, "!nei"},
	{TS_COND_1ST, "1st"}, {TS_COND_NOT_1ST, "!1st"},
};

void ts_track_init(ts_track *trk, int n)
{
	memset(trk, 0, sizeof(*trk));
	trk->channel = (uint8_t)n;
	strcpy(trk->port, "midi_out");
	trk->nnotes = 1;
	trk->notes[0] = 60;
	trk->velocity = 100;
	trk->gate = TS_LEN_ONE;
	trk->length = 16;
	trk->speed = TS_SPEED_1X;
	trk->send_midi = true;
	trk->prob = 100;
	trk->program = TS_PROGRAM_NONE;
	for (int c = 0; c < 128; c++)
		trk->base_cc[c] = TS_CC_NONE;
	trk->retrig_rate = TS_RATE_1_16;
	trk->retrig_len = TS_LEN_ONE;
	trk->retrig_vel = 0;
	trk->dest = TS_DEST_EXT;
	for (int k = 0; k < TS_MAX_STEPS; k++)
		ts_trig_init(&trk->steps[k]);
}

void ts_trig_init(ts_trig *t)
{
	memset(t, 0, sizeof(*t));
	t->vel = TS_UNSET;
	t->gate = TS_UNSET;
	t->cond = TS_COND_NONE;
	t->retrig_rate = TS_UNSET;
	t->retrig_len = TS_UNSET;
	t->retrig_vel = TS_UNSET_I16;
}

void ts_pattern_init(ts_pattern *pat)
{
	memset(pat, 0, sizeof(*pat));
	pat->tempo10 = 1200;
	pat->swing = 50;
	pat->mode = TS_MODE_NORMAL;
	pat->length = 16;
	pat->speed = TS_SPEED_1X;
	pat->change = 0;
	pat->accent = 32;
	for (int n = 1; n <= TS_TRACKS; n++)
		ts_track_init(&pat->tracks[n - 1], n);
	ts_pattern_settle(pat);
}

void ts_pattern_settle(ts_pattern *pat)
{
	for (int i = 0; i < TS_TRACKS; i++) {
		ts_track *trk = &pat->tracks[i];
		if (pat->mode == TS_MODE_NORMAL) {
			trk->length = (uint8_t)pat->length;
			trk->speed = pat->speed;
			trk->length_set = false;
			trk->speed_set = false;
		} else {
			if (!trk->length_set)
				trk->length = 16;
			if (!trk->speed_set)
				trk->speed = pat->speed;
		}
	}
}

int ts_pattern_ports(const ts_pattern *pat, const char *names[TS_MAX_PORTS])
{
	return ts_patterns_ports(pat, 1, names); /* 12 tracks + midi_out always fit */
}

int ts_patterns_ports(const ts_pattern *pats, int n, const char *names[TS_MAX_PORTS])
{
	int count = 1;
	names[0] = "midi_out";
	for (int k = 0; k < n; k++) {
		for (int i = 0; i < TS_TRACKS; i++) {
			const char *p = pats[k].tracks[i].port;
			int j = 0;
			while (j < count && strcmp(names[j], p) != 0)
				j++;
			if (j < count)
				continue;
			if (count == TS_MAX_PORTS)
				return -1;
			names[count++] = p;
		}
	}
	return count;
}

int ts_pattern_track_port(const ts_pattern *pat, int n)
{
	const char *names[TS_MAX_PORTS];
	int count = ts_pattern_ports(pat, names);
	for (int j = 0; j < count; j++)
		if (strcmp(names[j], pat->tracks[n - 1].port) == 0)
			return j;
	return 0;
}

/* The Rytm length table: segments of 16 indices, each doubling the increment. */
int ts_len16(int idx)
{
	if (idx < 0 || idx >= TS_LEN_COUNT)
		return 0;
	if (idx <= 14)
		return 2 + idx;
	int seg = (idx - 14) / 16;       /* 0 for 14 … 29, 1 for 30 … 45, … */
	int base = 16 << seg;            /* length at the segment start, in sixteenths */
	int inc = 1 << seg;              /* increment per index, in sixteenths */
	return base + inc * ((idx - 14) % 16);
}

int ts_len_index(int len16)
{
	for (int i = 0; i < TS_LEN_COUNT; i++)
		if (ts_len16(i) == len16)
			return i;
	return -1;
}

const char *ts_len_format(int idx, char *buf, size_t size)
{
	if (idx == TS_LEN_INF) {
		snprintf(buf, size, "inf");
		return buf;
	}
	int l16 = ts_len16(idx);
	if (l16 % 16 == 0) {
		snprintf(buf, size, "%d", l16 / 16);
		return buf;
	}
	char frac[8];
	snprintf(frac, sizeof(frac), "%04d", (l16 % 16) * 625);
	size_t n = strlen(frac);
	while (n > 1 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(buf, size, "%d.%s", l16 / 16, frac);
	return buf;
}

int ts_rate_div(int idx)
{
	return idx >= 0 && idx < TS_RATE_COUNT ? rate_divs[idx] : 0;
}

int ts_rate_index(int div)
{
	for (int i = 0; i < TS_RATE_COUNT; i++)
		if (rate_divs[i] == div)
			return i;
	return -1;
}

void ts_speed_ratio(int speed, int *num, int *den)
{
	if (speed < 0 || speed >= TS_SPEED_COUNT)
		speed = TS_SPEED_1X;
	*num = speeds[speed].num;
	*den = speeds[speed].den;
}

const char *ts_speed_name(int speed)
{
	return speed >= 0 && speed < TS_SPEED_COUNT ? speeds[speed].name : "?";
}

int ts_speed_parse(const char *text, size_t len)
{
	for (int i = 0; i < TS_SPEED_COUNT; i++)
		if (strlen(speeds[i].name) == len && memcmp(speeds[i].name, text, len) == 0)
			return i;
	return -1;
}

int ts_cond_percent(int cond)
{
	return cond >= 0 && cond < 22 ? cond_percents[cond] : -1;
}

bool ts_cond_ab(int cond, int *a, int *b)
{
	if (cond < TS_COND_AB_FIRST || cond > TS_COND_AB_LAST)
		return false;
	for (int bb = 2; bb <= 8; bb++) {
		int first = ts_cond_from_ab(1, bb);
		if (cond >= first && cond < first + bb) {
			*a = cond - first + 1;
			*b = bb;
			return true;
		}
	}
	return false;
}

int ts_cond_from_ab(int a, int b)
{
	if (b < 2 || b > 8 || a < 1 || a > b)
		return -1;
	return TS_COND_AB_FIRST + (b * (b - 1) / 2 - 1) + (a - 1);
}

int ts_cond_from_percent(int percent)
{
	for (int i = 0; i < 22; i++)
		if (cond_percents[i] == percent)
			return i;
	return -1;
}

const char *ts_cond_format(int cond, char *buf, size_t size)
{
	int a, b;
	if (ts_cond_percent(cond) >= 0) {
		snprintf(buf, size, "%d%%", ts_cond_percent(cond));
		return buf;
	}
	if (ts_cond_ab(cond, &a, &b)) {
		snprintf(buf, size, "%d:%d", a, b);
		return buf;
	}
	for (size_t i = 0; i < sizeof(cond_words) / sizeof(cond_words[0]); i++)
		if (cond_words[i].code == cond) {
			snprintf(buf, size, "%s", cond_words[i].name);
			return buf;
		}
	snprintf(buf, size, "none");
	return buf;
}

/* Parse a small unsigned decimal; -1 if not all digits or too long. */
static int parse_uint(const char *s, size_t len)
{
	if (len == 0 || len > 4)
		return -1;
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int ts_cond_parse(const char *text, size_t len)
{
	for (size_t i = 0; i < sizeof(cond_words) / sizeof(cond_words[0]); i++)
		if (strlen(cond_words[i].name) == len && memcmp(cond_words[i].name, text, len) == 0)
			return cond_words[i].code;
	if (len >= 2 && text[len - 1] == '%') {
		int p = parse_uint(text, len - 1);
		return p < 0 ? -1 : ts_cond_from_percent(p);
	}
	const char *colon = memchr(text, ':', len);
	if (colon) {
		int a = parse_uint(text, (size_t)(colon - text));
		int b = parse_uint(colon + 1, len - (size_t)(colon - text) - 1);
		return a < 0 || b < 0 ? -1 : ts_cond_from_ab(a, b);
	}
	return -1;
}

static const char *const note_letters[12] = {
	"C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
};

const char *ts_note_name(int note, char *buf, size_t size)
{
	if (note < 0 || note > 127) {
		snprintf(buf, size, "?");
		return buf;
	}
	snprintf(buf, size, "%s%d", note_letters[note % 12], note / 12 - 1);
	return buf;
}

int ts_note_parse(const char *s, size_t len)
{
	if (len == 0)
		return -1;
	if (s[0] >= '0' && s[0] <= '9') {
		int v = parse_uint(s, len);
		return v >= 0 && v <= 127 ? v : -1;
	}
	static const int8_t letter_pc[7] = {9, 11, 0, 2, 4, 5, 7}; /* A B C D E F G */
	if (s[0] < 'A' || s[0] > 'G')
		return -1;
	int pc = letter_pc[s[0] - 'A'];
	size_t i = 1;
	if (i < len && (s[i] == '#' || s[i] == 'b')) {
		pc += s[i] == '#' ? 1 : -1;
		i++;
	}
	bool neg = false;
	if (i < len && s[i] == '-') {
		neg = true;
		i++;
	}
	if (i + 1 != len || s[i] < '0' || s[i] > '9')
		return -1;
	int octave = s[i] - '0';
	if (neg) {
		if (octave != 1)
			return -1;
		octave = -1;
	}
	int note = (octave + 1) * 12 + pc;
	return note >= 0 && note <= 127 ? note : -1;
}

int ts_trig_notes(const ts_track *trk, const ts_trig *trig, uint8_t notes[TS_MAX_NOTES])
{
	const uint8_t *src = trig->nnotes ? trig->notes : trk->notes;
	int n = trig->nnotes ? trig->nnotes : trk->nnotes;
	memcpy(notes, src, (size_t)n);
	return n;
}

int ts_trig_vel(const ts_track *trk, const ts_trig *trig)
{
	return trig->vel != TS_UNSET ? trig->vel : trk->velocity;
}

int ts_trig_gate(const ts_track *trk, const ts_trig *trig)
{
	return trig->gate != TS_UNSET ? trig->gate : trk->gate;
}

int ts_trig_retrig_rate(const ts_track *trk, const ts_trig *trig)
{
	return trig->retrig_rate != TS_UNSET ? trig->retrig_rate : trk->retrig_rate;
}

int ts_trig_retrig_len(const ts_track *trk, const ts_trig *trig)
{
	return trig->retrig_len != TS_UNSET ? trig->retrig_len : trk->retrig_len;
}

int ts_trig_retrig_vel(const ts_track *trk, const ts_trig *trig)
{
	return trig->retrig_vel != TS_UNSET_I16 ? trig->retrig_vel : trk->retrig_vel;
}

bool ts_track_sends_midi(const ts_track *trk, const char **why)
{
	const char *w = trk->channel == TS_CHANNEL_OFF ? "channel off"
			: !trk->send_midi		   ? "send-midi off"
			: trk->dest == TS_DEST_INT	   ? "dest int"
							   : NULL;
	if (why)
		*why = w;
	return w == NULL;
}

/* ---- euclidean mode ---- */

const char *const ts_euclid_op_names[TS_EUCLID_OPS] = {"or", "xor", "and", "sub"};

int ts_euclid_op_parse(const char *text, size_t len)
{
	for (int i = 0; i < TS_EUCLID_OPS; i++)
		if (strlen(ts_euclid_op_names[i]) == len && memcmp(ts_euclid_op_names[i], text, len) == 0)
			return i;
	return -1;
}

/*
 * Bjorklund's algorithm as Toussaint states it (euclid.md §3.3.1): k groups "1" and n − k groups
 * "0"; while more than one remainder group is left, append the first m remainders to the first m
 * groups (m = the smaller count) and let the leftovers of either side be the new remainder.
 * Groups are kept as (start, length) runs in two fixed arrays of bytes, so nothing allocates.
 */
void ts_euclid_bjorklund(int k, int n, uint8_t out[TS_MAX_STEPS])
{
	if (n < 1 || n > TS_MAX_STEPS)
		return;
	if (k < 0)
		k = 0;
	if (k > n)
		k = n;
	if (k == 0 || k == n) {
		memset(out, k == n, (size_t)n);
		return;
	}
	/* each group is a sequence of bits; na groups in a, nb in b */
	uint8_t a[TS_MAX_STEPS][TS_MAX_STEPS], b[TS_MAX_STEPS][TS_MAX_STEPS];
	uint8_t la[TS_MAX_STEPS], lb[TS_MAX_STEPS];
	int na = k, nb = n - k;
	for (int i = 0; i < na; i++) {
		a[i][0] = 1;
		la[i] = 1;
	}
	for (int i = 0; i < nb; i++) {
		b[i][0] = 0;
		lb[i] = 1;
	}
	while (nb > 1) {
		int m = na < nb ? na : nb;
		/* new b = a[m:] + b[m:] (computed before a changes) */
		uint8_t nbuf[TS_MAX_STEPS][TS_MAX_STEPS], nlb[TS_MAX_STEPS];
		int nn = 0;
		for (int i = m; i < na; i++, nn++) {
			memcpy(nbuf[nn], a[i], la[i]);
			nlb[nn] = la[i];
		}
		for (int i = m; i < nb; i++, nn++) {
			memcpy(nbuf[nn], b[i], lb[i]);
			nlb[nn] = lb[i];
		}
		for (int i = 0; i < m; i++) {
			memcpy(a[i] + la[i], b[i], lb[i]);
			la[i] = (uint8_t)(la[i] + lb[i]);
		}
		na = m;
		nb = nn;
		for (int i = 0; i < nb; i++) {
			memcpy(b[i], nbuf[i], nlb[i]);
			lb[i] = nlb[i];
		}
	}
	int o = 0;
	for (int i = 0; i < na; i++)
		for (int j = 0; j < la[i]; j++)
			out[o++] = a[i][j];
	for (int i = 0; i < nb; i++)
		for (int j = 0; j < lb[i]; j++)
			out[o++] = b[i][j];
}

/* rot(X, r)[i] = X[(i − r) mod n]: positive r is later. */
static void rotate(const uint8_t *x, int n, int r, uint8_t *out)
{
	int m = ((r % n) + n) % n;
	for (int i = 0; i < n; i++)
		out[(i + m) % n] = x[i];
}

int ts_euclid_hits(const ts_track *trk, uint8_t hit[TS_MAX_STEPS])
{
	int n = trk->length < 1 ? 1 : trk->length > TS_MAX_STEPS ? TS_MAX_STEPS : trk->length;
	memset(hit, 0, TS_MAX_STEPS);
	if (!trk->euclid.on) {
		for (int s = 0; s < n; s++)
			hit[s] = (uint8_t)(s + 1);
		return n;
	}
	const ts_euclid *e = &trk->euclid;
	uint8_t g1[TS_MAX_STEPS], g2[TS_MAX_STEPS], a[TS_MAX_STEPS], b[TS_MAX_STEPS], c[TS_MAX_STEPS],
		h[TS_MAX_STEPS];
	ts_euclid_bjorklund(e->pl1, n, g1);
	ts_euclid_bjorklund(e->pl2, n, g2);
	rotate(g1, n, e->ro1, a);
	rotate(g2, n, e->ro2, b);
	for (int i = 0; i < n; i++) {
		switch (e->op) {
		case TS_EUCLID_XOR:
			c[i] = a[i] ^ b[i];
			break;
		case TS_EUCLID_AND:
			c[i] = a[i] & b[i];
			break;
		case TS_EUCLID_SUB:
			c[i] = a[i] & !b[i];
			break;
		default:
			c[i] = a[i] | b[i];
			break;
		}
	}
	rotate(c, n, e->tro, h);
	int k = 0;
	for (int s = 0; s < n; s++)
		if (h[s])
			hit[s] = (uint8_t)++k;
	return k;
}

int ts_track_trig_of(const ts_track *trk, int s)
{
	if (!trk->euclid.on)
		return s;
	uint8_t hit[TS_MAX_STEPS];
	ts_euclid_hits(trk, hit);
	return s >= 0 && s < TS_MAX_STEPS && hit[s] ? hit[s] - 1 : -1;
}

void ts_euclid_freeze(ts_track *trk)
{
	if (!trk->euclid.on)
		return;
	uint8_t hit[TS_MAX_STEPS];
	ts_euclid_hits(trk, hit);
	ts_trig old[TS_MAX_STEPS];
	memcpy(old, trk->steps, sizeof(old));
	for (int s = 0; s < TS_MAX_STEPS; s++) {
		if (s < trk->length && hit[s]) {
			trk->steps[s] = old[hit[s] - 1];
			if (trk->steps[s].kind == TS_TRIG_NONE)
				trk->steps[s].kind = TS_TRIG_NOTE;
		} else {
			ts_trig_init(&trk->steps[s]);
		}
	}
	memset(&trk->euclid, 0, sizeof(trk->euclid));
}
