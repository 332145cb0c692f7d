/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The inspector's fields (edit.h: TS_EDIT_FIELDS): what up/down changes, what is shown, what can
 * be typed. FIELDS below says each field once; the operations (field_get, field_set, the text,
 * reading a typed value) read it, and what depends only on the kind of value (how it is written
 * and read) is said once per kind.
 *
 * A scalar field's value is a position on its scale lo … hi, where up is +1: a length is its index
 * in the length table, a condition its place in the order edit.h gives, a speed minus its enum (up
 * is faster), retrig 0 for off and then 1 + the rate, the pattern length 1025 for inf, change 1
 * for off.
 */
#include "edit_impl.h"
#include "trigseq/core/grammar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EDIT_FIELD_NAME(id, name, scope) name,
static const char *const field_names[TS_F_COUNT] = {TS_EDIT_FIELDS(EDIT_FIELD_NAME)};
#undef EDIT_FIELD_NAME
#define EDIT_FIELD_SCOPE(id, name, scope) TS_SCOPE_##scope,
static const ts_edit_scope field_scopes[TS_F_COUNT] = {TS_EDIT_FIELDS(EDIT_FIELD_SCOPE)};
#undef EDIT_FIELD_SCOPE

const char *ts_edit_field_name(int field)
{
	return field >= 0 && field < TS_F_COUNT ? field_names[field] : "?";
}

ts_edit_scope ts_edit_field_scope(int field)
{
	return field >= 0 && field < TS_F_COUNT ? field_scopes[field] : TS_SCOPE_PATTERN;
}

/* Conditions in the order up/down steps through them: none, the probabilities rising, A:B by B
 * then A (1:2 2:2 1:3 … 8:8), then fill !fill pre !pre nei !nei 1st !1st. */
#define COND_POSITIONS (1 + 22 + (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1) + 8)

static int cond_position(int cond)
{
	if (cond >= 0 && cond < 22)
		return 1 + cond;
	if (cond >= TS_COND_AB_FIRST && cond <= TS_COND_AB_LAST)
		return 23 + cond - TS_COND_AB_FIRST;
	if (cond >= TS_COND_FILL && cond <= TS_COND_NOT_1ST)
		return 23 + (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1) + cond - TS_COND_FILL;
	return 0;
}

static int cond_at(int pos)
{
	if (pos <= 0)
		return TS_COND_NONE;
	if (pos < 23)
		return pos - 1;
	if (pos < 23 + (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1))
		return TS_COND_AB_FIRST + pos - 23;
	return TS_COND_FILL + pos - 23 - (TS_COND_AB_LAST - TS_COND_AB_FIRST + 1);
}

/* Switch the mode keeping what plays as close as the modes allow (edit.h). */
static void set_mode(ts_pattern *pat, int mode)
{
	if (mode == TS_MODE_ADVANCED) {
		for (int t = 0; t < TS_TRACKS; t++) {
			pat->tracks[t].length_set = true;
			pat->tracks[t].speed_set = true;
		}
		if (pat->length < 2)
			pat->length = 2;
	} else {
		int longest = 1;
		for (int t = 0; t < TS_TRACKS; t++) {
			pat->tracks[t].length_set = false;
			pat->tracks[t].speed_set = false;
			if (pat->tracks[t].length > longest)
				longest = pat->tracks[t].length;
		}
		pat->length = (uint16_t)longest;
	}
	pat->mode = (uint8_t)mode;
}

/* pl1 off turns euclid off (the settings are kept for turning it on again); any pulse count
 * turns it on. */
static void euclid_pl1(ts_track *trk, int v)
{
	trk->euclid.on = v >= 0;
	if (v >= 0)
		trk->euclid.pl1 = (uint8_t)v;
}

/* How a value is written, read and typed. The typed kinds have no scale: only
 * ts_edit_set_text sets them. */
enum kind {
	V_INT,          /* "%d" */
	V_PERCENT,      /* "%d%%" */
	V_NOTE,         /* names and numbers; typed as notes joined by '+' */
	V_LEN,          /* the length table */
	V_COND,         /* none, then the order of cond_position */
	V_RETRIG,       /* off, then 1/1 … 1/80 */
	V_RATE,         /* 1/1 … 1/80 */
	V_ONOFF,
	V_SWING,        /* auto on off */
	V_DEST,         /* ext int int+ext */
	V_CHANNEL,      /* off, 1 … 16 */
	V_PROGRAM,      /* none, 0 … 127 */
	V_SPEED,
	V_TEMPO,        /* tenths of a BPM */
	V_PLEN,         /* the pattern length: inf on top in mode advanced */
	V_CHANGE,       /* off, 2 … 1024 */
	V_MODE,
	V_EUPL,         /* euclid pl1: off, then 0 … 64 */
	V_EUOP,         /* or xor and sub */
	V_LOCKS,        /* typed: the trig's cc locks */
	V_PORT,         /* typed */
	V_CC,           /* typed: the track's base cc values */
	V_SAMPLE,       /* typed */
};

#define ADV 1           /* a track's length or speed: mode advanced only */
#define EUC 2           /* a euclid setting other than pl1: while euclid is on */

/* Every field: id, kind, flags, its scale lo … hi, its position at the cursor (get), how a
 * position v is set (set), and whether a trig field is unset and shows the track's value. In
 * these expressions pat, trk and tr are the cursor's pattern, track and trig, and adv says the
 * pattern is in mode advanced. Unset trig values read as the track's. */
#define FIELDS(X)                                                                                 \
	X(TS_F_NOTE, V_NOTE, 0, 0, 127, tr->nnotes ? tr->notes[0] : trk->notes[0],                \
	  ts_edit_one_note(&tr->nnotes, tr->notes, v), !tr->nnotes)                               \
	X(TS_F_VEL, V_INT, 0, 1, 127, ts_trig_vel(trk, tr), tr->vel = (uint8_t)v,                  \
	  tr->vel == TS_UNSET)                                                                    \
	X(TS_F_GATE, V_LEN, 0, 0, TS_LEN_INF, ts_trig_gate(trk, tr), tr->gate = (uint8_t)v,        \
	  tr->gate == TS_UNSET)                                                                   \
	X(TS_F_MICRO, V_INT, 0, -23, 23, tr->micro, tr->micro = (int8_t)v, false)                  \
	X(TS_F_COND, V_COND, 0, 0, COND_POSITIONS - 1, cond_position(tr->cond),                    \
	  tr->cond = (uint8_t)cond_at(v), false)                                                  \
	X(TS_F_RETRIG, V_RETRIG, 0, 0, TS_RATE_COUNT,                                              \
	  tr->retrig ? ts_trig_retrig_rate(trk, tr) + 1 : 0,                                      \
	  (tr->retrig = v > 0, tr->retrig_rate = v > 0 ? (uint8_t)(v - 1) : TS_UNSET),            \
	  tr->retrig && tr->retrig_rate == TS_UNSET)                                              \
	X(TS_F_RETRIG_LEN, V_LEN, 0, 0, TS_LEN_INF, ts_trig_retrig_len(trk, tr),                   \
	  tr->retrig_len = (uint8_t)v, tr->retrig_len == TS_UNSET)                                \
	X(TS_F_RETRIG_VEL, V_INT, 0, -128, 127, ts_trig_retrig_vel(trk, tr),                       \
	  tr->retrig_vel = (int16_t)v, tr->retrig_vel == TS_UNSET_I16)                            \
	X(TS_F_SLIDE, V_ONOFF, 0, 0, 1, tr->slide, tr->slide = v, false)                           \
	X(TS_F_TRIG_SWING, V_SWING, 0, 0, TS_SWING_OFF, tr->swing, tr->swing = (uint8_t)v, false)  \
	X(TS_F_LOCKS, V_LOCKS, 0, 0, 0, 0, (void)v, false)                                         \
	X(TS_F_T_CHANNEL, V_CHANNEL, 0, 0, 16, trk->channel, trk->channel = (uint8_t)v, false)     \
	X(TS_F_T_PORT, V_PORT, 0, 0, 0, 0, (void)v, false)                                         \
	X(TS_F_T_NOTE, V_NOTE, 0, 0, 127, trk->notes[0],                                           \
	  ts_edit_one_note(&trk->nnotes, trk->notes, v), false)                                   \
	X(TS_F_T_VEL, V_INT, 0, 1, 127, trk->velocity, trk->velocity = (uint8_t)v, false)          \
	X(TS_F_T_GATE, V_LEN, 0, 0, TS_LEN_INF, trk->gate, trk->gate = (uint8_t)v, false)          \
	X(TS_F_T_LENGTH, V_INT, ADV, 1, TS_MAX_STEPS, trk->length,                                 \
	  (trk->length = (uint8_t)v, trk->length_set = true), false)                              \
	X(TS_F_T_SPEED, V_SPEED, ADV, -(TS_SPEED_COUNT - 1), 0, -trk->speed,                       \
	  (trk->speed = (uint8_t)-v, trk->speed_set = true), false)                               \
	X(TS_F_T_PROB, V_PERCENT, 0, 0, 100, trk->prob, trk->prob = (uint8_t)v, false)             \
	X(TS_F_T_PROGRAM, V_PROGRAM, 0, TS_PROGRAM_NONE, 127, trk->program,                        \
	  trk->program = (int16_t)v, false)                                                       \
	X(TS_F_T_SEND, V_ONOFF, 0, 0, 1, trk->send_midi, trk->send_midi = v, false)                \
	X(TS_F_T_MUTE, V_ONOFF, 0, 0, 1, trk->mute, trk->mute = v, false)                          \
	X(TS_F_T_RRATE, V_RATE, 0, 0, TS_RATE_COUNT - 1, trk->retrig_rate,                         \
	  trk->retrig_rate = (uint8_t)v, false)                                                   \
	X(TS_F_T_RLEN, V_LEN, 0, 0, TS_LEN_INF, trk->retrig_len, trk->retrig_len = (uint8_t)v,     \
	  false)                                                                                  \
	X(TS_F_T_RVEL, V_INT, 0, -128, 127, trk->retrig_vel, trk->retrig_vel = (int16_t)v, false)  \
	X(TS_F_T_DEST, V_DEST, 0, 0, TS_DEST_INT_EXT, trk->dest, trk->dest = (uint8_t)v, false)    \
	X(TS_F_T_CC, V_CC, 0, 0, 0, 0, (void)v, false)                                             \
	X(TS_F_T_SAMPLE, V_SAMPLE, 0, 0, 0, 0, (void)v, false)                                     \
	X(TS_F_T_PL1, V_EUPL, 0, -1, TS_EUCLID_PULSES_MAX, trk->euclid.on ? trk->euclid.pl1 : -1,   \
	  euclid_pl1(trk, v), false)                                                              \
	X(TS_F_T_PL2, V_INT, EUC, 0, TS_EUCLID_PULSES_MAX, trk->euclid.pl2,                        \
	  trk->euclid.pl2 = (uint8_t)v, false)                                                    \
	X(TS_F_T_RO1, V_INT, EUC, -TS_EUCLID_ROT_MAX, TS_EUCLID_ROT_MAX, trk->euclid.ro1,          \
	  trk->euclid.ro1 = (int8_t)v, false)                                                     \
	X(TS_F_T_RO2, V_INT, EUC, -TS_EUCLID_ROT_MAX, TS_EUCLID_ROT_MAX, trk->euclid.ro2,          \
	  trk->euclid.ro2 = (int8_t)v, false)                                                     \
	X(TS_F_T_TRO, V_INT, EUC, -TS_EUCLID_ROT_MAX, TS_EUCLID_ROT_MAX, trk->euclid.tro,          \
	  trk->euclid.tro = (int8_t)v, false)                                                     \
	X(TS_F_T_OP, V_EUOP, EUC, 0, TS_EUCLID_OPS - 1, trk->euclid.op, trk->euclid.op = (uint8_t)v, \
	  false)                                                                                  \
	X(TS_F_TEMPO, V_TEMPO, 0, TS_TEMPO10_MIN, TS_TEMPO10_MAX, pat->tempo10,                    \
	  pat->tempo10 = (uint16_t)v, false)                                                      \
	X(TS_F_SWING, V_PERCENT, 0, 50, 80, pat->swing, pat->swing = (uint8_t)v, false)            \
	X(TS_F_LENGTH, V_PLEN, 0, adv ? 2 : 1, adv ? 1025 : TS_MAX_STEPS,                          \
	  adv && !pat->length ? 1025 : pat->length, pat->length = (uint16_t)(v == 1025 ? 0 : v),  \
	  false)                                                                                  \
	X(TS_F_SPEED, V_SPEED, 0, -(TS_SPEED_COUNT - 1), 0, -pat->speed,                           \
	  pat->speed = (uint8_t)-v, false)                                                        \
	X(TS_F_ACCENT, V_INT, 0, 0, 127, pat->accent, pat->accent = (uint8_t)v, false)             \
	X(TS_F_CHANGE, V_CHANGE, 0, 1, 1024, pat->change ? pat->change : 1,                        \
	  pat->change = (uint16_t)(v == 1 ? 0 : v), false)                                        \
	X(TS_F_MODE, V_MODE, 0, 0, TS_MODE_ADVANCED, pat->mode, set_mode(pat, v), false)

#define ROW_COUNT(id, kind, flags, lo, hi, get, set, unset) +1
_Static_assert(0 FIELDS(ROW_COUNT) == TS_F_COUNT, "FIELDS has one row per field of edit.h");
#undef ROW_COUNT

#define ROW_KIND(id, kind, flags, lo, hi, get, set, unset) [id] = kind,
static const unsigned char field_kinds[TS_F_COUNT] = {FIELDS(ROW_KIND)};
#undef ROW_KIND
#define ROW_FLAGS(id, kind, flags, lo, hi, get, set, unset) [id] = flags,
static const unsigned char field_flags[TS_F_COUNT] = {FIELDS(ROW_FLAGS)};
#undef ROW_FLAGS

/* The typed kinds come last in enum kind. */
static bool typed_only(int field)
{
	return field_kinds[field] >= V_LOCKS;
}

/* The field's position at the cursor and its scale. */
static int field_get(const ts_edit *ed, int field, int *lo, int *hi)
{
	const ts_pattern *pat = &ed->pat;
	const ts_track *trk = &pat->tracks[ed->cur.track];
	const ts_trig *tr = ts_edit_cur_trig_c(ed);
	bool adv = pat->mode != TS_MODE_NORMAL;
	switch (field) {
#define ROW_GET(id, kind, flags, l, h, get, set, unset)                                           \
	case id:                                                                                  \
		*lo = (l);                                                                        \
		*hi = (h);                                                                        \
		return (get);
		FIELDS(ROW_GET)
#undef ROW_GET
	}
	*lo = *hi = 0;
	return 0;
}

static void field_set(ts_edit *ed, int field, int v)
{
	ts_pattern *pat = &ed->pat;
	ts_track *trk = ts_edit_cur_track(ed);
	ts_trig *tr = ts_edit_cur_trig(ed);
	switch (field) {
#define ROW_SET(id, kind, flags, lo, hi, get, set, unset)                                         \
	case id:                                                                                  \
		set;                                                                              \
		break;
		FIELDS(ROW_SET)
#undef ROW_SET
	}
}

static bool field_unset(const ts_edit *ed, int field)
{
	const ts_trig *tr = ts_edit_cur_trig_c(ed);
	switch (field) {
#define ROW_UNSET(id, kind, flags, lo, hi, get, set, unset)                                       \
	case id:                                                                                  \
		return (unset);
		FIELDS(ROW_UNSET)
#undef ROW_UNSET
	}
	return false;
}

/* Why the field cannot be edited at the cursor now, or NULL. */
static const char *not_editable(const ts_edit *ed, int field)
{
	if (ts_edit_field_scope(field) == TS_SCOPE_TRIG && ts_edit_no_trig(ed))
		return ts_edit_no_trig(ed);
	if ((field_flags[field] & ADV) && ed->pat.mode == TS_MODE_NORMAL)
		return MSG_ADVANCED;
	if ((field_flags[field] & EUC) && !ed->pat.tracks[ed->cur.track].euclid.on)
		return MSG_EUCLID_OFF;
	return NULL;
}

bool ts_edit_adjust(ts_edit *ed, int delta)
{
	int field = ed->cur.field;
	if (field < 0 || field >= TS_F_COUNT)
		return ts_edit_refuse(ed, MSG_NO_CHANGE);
	if (not_editable(ed, field))
		return ts_edit_refuse(ed, not_editable(ed, field));
	if (typed_only(field))
		return ts_edit_refuse(ed, MSG_TYPED);
	int lo, hi;
	int old = field_get(ed, field, &lo, &hi);
	int v = ts_edit_clamp((long long)old + delta, lo, hi);
	if (v == old)
		return ts_edit_refuse(ed, delta ? MSG_LIMIT : MSG_NO_CHANGE);
	ts_edit_begin(ed);
	field_set(ed, field, v);
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

/* ---- the text of a value ---- */

static void locks_text(const ts_trig *tr, char *buf, size_t size)
{
	size_t at = 0;
	snprintf(buf, size, "none");
	for (int i = 0; i < tr->nlocks && at < size; i++)
		at += (size_t)snprintf(buf + at, size - at, "%s%d=%d", i ? " " : "", tr->locks[i].cc,
				       tr->locks[i].value);
}

static void base_cc_text(const ts_track *trk, char *buf, size_t size)
{
	size_t at = 0;
	snprintf(buf, size, "none");
	for (int cc = 0; cc < 128 && at < size; cc++)
		if (trk->base_cc[cc] != TS_CC_NONE)
			at += (size_t)snprintf(buf + at, size - at, "%s%d=%d", at ? " " : "", cc,
					       trk->base_cc[cc]);
}

/* Appends the notes as "C4 (60)+E4 (64)". */
static void notes_text(const uint8_t *notes, int n, char *buf, size_t size)
{
	size_t at = 0;
	buf[0] = '\0';
	for (int i = 0; i < n && at < size; i++) {
		char name[8];
		int w = snprintf(buf + at, size - at, "%s%s (%d)", i ? "+" : "",
				 ts_note_name(notes[i], name, sizeof(name)), notes[i]);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

/* The value of field at the cursor, whose position is g, as the inspector shows it. */
static void value_text(const ts_edit *ed, int field, int g, char *v, size_t size)
{
	const ts_pattern *pat = &ed->pat;
	const ts_track *trk = &pat->tracks[ed->cur.track];
	const ts_trig *tr = ts_edit_cur_trig_c(ed);
	uint8_t notes[TS_MAX_NOTES];
	switch ((enum kind)field_kinds[field]) {
	case V_INT:
		snprintf(v, size, "%d", g);
		break;
	case V_PERCENT:
		snprintf(v, size, "%d%%", g);
		break;
	case V_NOTE:
		if (ts_edit_field_scope(field) == TS_SCOPE_TRIG)
			notes_text(notes, ts_trig_notes(trk, tr, notes), v, size);
		else
			notes_text(trk->notes, trk->nnotes, v, size);
		break;
	case V_LEN:
		ts_len_format(g, v, size);
		break;
	case V_COND:
		ts_cond_format(tr->cond, v, size);
		break;
	case V_RETRIG:
		if (g)
			snprintf(v, size, "1/%d", ts_rate_div(g - 1));
		else
			snprintf(v, size, "off");
		break;
	case V_RATE:
		snprintf(v, size, "1/%d", ts_rate_div(g));
		break;
	case V_ONOFF:
		snprintf(v, size, "%s", ts_gram_onoff[g != 0]);
		break;
	case V_SWING:
		snprintf(v, size, "%s", ts_gram_swings[g < 3 ? g : 0]);
		break;
	case V_DEST:
		snprintf(v, size, "%s", ts_gram_dests[g < 3 ? g : 0]);
		break;
	case V_CHANNEL:
		if (g == TS_CHANNEL_OFF)
			snprintf(v, size, "off");
		else
			snprintf(v, size, "%d", g);
		break;
	case V_PROGRAM:
		if (g == TS_PROGRAM_NONE)
			snprintf(v, size, "none");
		else
			snprintf(v, size, "%d", g);
		break;
	case V_SPEED:
		snprintf(v, size, "%s", ts_speed_name(-g));
		break;
	case V_TEMPO:
		ts_gram_tempo_format(g, v, size);
		break;
	case V_PLEN:
		if (pat->mode == TS_MODE_ADVANCED && pat->length == 0)
			snprintf(v, size, "inf");
		else
			snprintf(v, size, "%d", pat->length);
		break;
	case V_CHANGE:
		if (pat->change)
			snprintf(v, size, "%d", pat->change);
		else
			snprintf(v, size, "off");
		break;
	case V_MODE:
		snprintf(v, size, "%s", ts_gram_modes[pat->mode == TS_MODE_ADVANCED]);
		break;
	case V_EUPL:
		if (g < 0)
			snprintf(v, size, "off");
		else
			snprintf(v, size, "%d", g);
		break;
	case V_EUOP:
		snprintf(v, size, "%s", ts_euclid_op_names[g >= 0 && g < TS_EUCLID_OPS ? g : 0]);
		break;
	case V_LOCKS:
		locks_text(tr, v, size);
		break;
	case V_PORT:
		snprintf(v, size, "%s", trk->port);
		break;
	case V_CC:
		base_cc_text(trk, v, size);
		break;
	case V_SAMPLE:
		snprintf(v, size, "%.60s", trk->sample[0] ? trk->sample : "none");
		break;
	}
}

const char *ts_edit_field_text(const ts_edit *ed, int field, char *buf, size_t size)
{
	if (!size)
		return buf;
	buf[0] = '\0';
	if (field < 0 || field >= TS_F_COUNT)
		return buf;
	const ts_trig *tr = ts_edit_cur_trig_c(ed);
	if (ts_edit_field_scope(field) == TS_SCOPE_TRIG &&
	    (ts_edit_no_step(ed) ||
	     (tr->kind == TS_TRIG_NONE && !ed->pat.tracks[ed->cur.track].euclid.on))) {
		snprintf(buf, size, "-");
		return buf;
	}
	char v[64];
	int lo, hi;
	value_text(ed, field, field_get(ed, field, &lo, &hi), v, sizeof(v));
	snprintf(buf, size, "%s%s", v, field_unset(ed, field) ? " (trk)" : "");
	return buf;
}

/* ---- typed values (ts_edit_set_text) ---- */

/* The text of a scalar field (not a note: notes are typed, set_typed) as a position on its scale
 * (field_get's), or false. Out of the scale
 * is still true: the caller says it is out of range. */
static bool scale_of(const ts_edit *ed, int field, const char *t, int *v)
{
	size_t len = strlen(t);
	long n;
	int k;
	switch ((enum kind)field_kinds[field]) {
	case V_LEN: {
		int below, above;
		return ts_gram_len(t, len, TS_GRAM_PROMPT, v, &below, &above) == TS_GRAM_OK;
	}
	case V_COND:
		if (strcmp(t, "none") == 0) {
			*v = 0;
			return true;
		}
		k = ts_cond_parse(t, len);
		*v = cond_position(k);
		return k >= 0 && *v > 0;
	case V_RETRIG:
		if (strcmp(t, "off") == 0) {
			*v = 0;
			return true;
		}
		if (ts_gram_rate(t, len, TS_GRAM_PROMPT, &k) != TS_GRAM_OK)
			return false;
		*v = k + 1;
		return true;
	case V_RATE:
		return ts_gram_rate(t, len, TS_GRAM_PROMPT, v) == TS_GRAM_OK;
	case V_ONOFF:
		return (*v = ts_gram_word(t, len, ts_gram_onoff, 2)) >= 0;
	case V_SWING:
		return (*v = ts_gram_word(t, len, ts_gram_swings, 3)) >= 0;
	case V_DEST:
		return (*v = ts_gram_word(t, len, ts_gram_dests, 3)) >= 0;
	case V_MODE:
		return (*v = ts_gram_word(t, len, ts_gram_modes, 2)) >= 0;
	case V_EUOP:
		return (*v = ts_euclid_op_parse(t, len)) >= 0;
	case V_EUPL:
		if (strcmp(t, "off") == 0) {
			*v = -1;
			return true;
		}
		break;
	case V_SPEED:
		k = ts_speed_parse(t, len);
		*v = -k;
		return k >= 0;
	case V_TEMPO: {
		ts_gram_status st = ts_gram_tempo(t, len, TS_GRAM_PROMPT, v);
		return st == TS_GRAM_OK || st == TS_GRAM_RANGE;
	}
	/* Their word, else a number as the other kinds. */
	case V_CHANNEL:
		if (strcmp(t, "off") == 0) {
			*v = TS_CHANNEL_OFF;
			return true;
		}
		break;
	case V_PROGRAM:
		if (strcmp(t, "none") == 0) {
			*v = TS_PROGRAM_NONE;
			return true;
		}
		break;
	case V_CHANGE:
		if (strcmp(t, "off") == 0) {
			*v = 1;
			return true;
		}
		break;
	case V_PLEN:
		if (strcmp(t, "inf") == 0 && ed->pat.mode == TS_MODE_ADVANCED) {
			*v = 1025;
			return true;
		}
		break;
	default:
		break;
	}
	if (ts_gram_long(t, len, TS_GRAM_PROMPT, &n) != TS_GRAM_OK || n < -100000 || n > 100000 ||
	    (field_kinds[field] == V_CHANGE && n == 1))
		return false;
	*v = (int)n;
	return true;
}

/* Notes, controller lists, the port and the sample path: set from their text only. False
 * (refused, with the reason) or the result of the edit. */
static bool set_typed(ts_edit *ed, int field, const char *t)
{
	const char *name = ts_edit_field_name(field);
	ts_trig *tr = ts_edit_cur_trig(ed);
	ts_track *trk = ts_edit_cur_track(ed);
	int kind = field_kinds[field];
	uint8_t notes[TS_MAX_NOTES];
	ts_lock ccs[128];
	int n;
	size_t at, at_len, len = strlen(t);
	switch (kind) {
	case V_NOTE:
		if (ts_gram_notes(t, len, notes, &n, &at, &at_len) != TS_GRAM_OK)
			return ts_edit_refusef(ed, "%s: '%.40s' is not notes: C4 = 60, D#2, Eb3, 0 ... "
					       "127, up to 4 joined by +", name, t);
		ts_edit_begin(ed);
		if (ts_edit_field_scope(field) == TS_SCOPE_TRIG) {
			tr->nnotes = (uint8_t)n;
			memcpy(tr->notes, notes, (size_t)n);
		} else {
			trk->nnotes = (uint8_t)n;
			memcpy(trk->notes, notes, (size_t)n);
		}
		break;
	case V_LOCKS:
	case V_CC:
		n = ts_gram_cc_list(t, ccs, kind == V_LOCKS ? TS_MAX_LOCKS : 128);
		if (n < 0)
			return ts_edit_refusef(ed, "%s: '%.40s' is not a list like 74=100 71=20 "
					       "(controller and value 0 ... 127, each controller "
					       "once%s)", name, t, kind == V_LOCKS ? ", 16 at most" : "");
		ts_edit_begin(ed);
		if (kind == V_LOCKS) {
			tr->nlocks = (uint8_t)n;
			memcpy(tr->locks, ccs, (size_t)n * sizeof(ccs[0]));
		} else {
			for (int cc = 0; cc < 128; cc++)
				trk->base_cc[cc] = TS_CC_NONE;
			for (int i = 0; i < n; i++)
				trk->base_cc[ccs[i].cc] = ccs[i].value;
		}
		break;
	case V_PORT:
		if (!ts_gram_port(t, len))
			return ts_edit_refusef(ed, "port: '%.40s' is not a port name: a lower-case "
					       "letter, then up to 15 of a-z 0-9 _", t);
		ts_edit_begin(ed);
		memset(trk->port, 0, sizeof(trk->port)); /* as the parser leaves it */
		memcpy(trk->port, t, len);
		break;
	default: /* V_SAMPLE */
		len = strcmp(t, "none") ? len : 0;
		if (len >= sizeof(trk->sample) || strchr(t, '"'))
			return ts_edit_refusef(ed, "sample: a path of at most %zu bytes, without \"",
					       sizeof(trk->sample) - 1);
		ts_edit_begin(ed);
		memset(trk->sample, 0, sizeof(trk->sample));
		memcpy(trk->sample, t, len);
		break;
	}
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}

bool ts_edit_set_text(ts_edit *ed, const char *text)
{
	int field = ed->cur.field;
	char t[300];
	/* trimmed */
	while (*text == ' ')
		text++;
	snprintf(t, sizeof(t), "%s", text);
	for (size_t n = strlen(t); n > 0 && t[n - 1] == ' '; n--)
		t[n - 1] = '\0';
	if (field < 0 || field >= TS_F_COUNT)
		return ts_edit_refuse(ed, MSG_NO_CHANGE);
	if (not_editable(ed, field))
		return ts_edit_refuse(ed, not_editable(ed, field));
	if (field_kinds[field] == V_NOTE || typed_only(field))
		return set_typed(ed, field, t);
	const char *name = ts_edit_field_name(field);
	int lo, hi, v;
	field_get(ed, field, &lo, &hi);
	if (!scale_of(ed, field, t, &v)) {
		char now[64];
		return ts_edit_refusef(ed, "%s: '%.40s' is not a value of this field (now %s)", name,
				       t, ts_edit_field_text(ed, field, now, sizeof(now)));
	}
	if (v < lo || v > hi)
		return ts_edit_refusef(ed, "%s: '%.40s' is out of range", name, t);
	ts_edit_begin(ed);
	field_set(ed, field, v);
	return ts_edit_commit(ed, MSG_NO_CHANGE, false);
}
