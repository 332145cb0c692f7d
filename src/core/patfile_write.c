/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing `.tsq` pattern files: the canonical form, written by ts_patfile_format() (formatting a
 * loaded canonical file gives the same bytes; loading a formatted pattern gives the same pattern):
 *  - `trigseq 1` first. Then `name` (only if not empty), `tempo` always with one decimal
 *    (`tempo 120.0`), `swing`, `mode`, `length` always, `speed`, `change`, `accent`; the optional
 *    ones only when not the default.
 *  - A blank line, then each track in number order that was declared or differs from a default
 *    track: `track N` plus ` "NAME"` when named. Track lines are indented by two spaces:
 *    `channel` and `note` always; then only when not the default, in the spec's table order:
 *    `port`, `velocity`, `gate`, `length` and `speed` (advanced mode, when given), `send-midi`,
 *    `mute`, `prob`, `program`, `cc C=V` (one line each, ascending controller), `retrig-rate`,
 *    `retrig-len`, `retrig-vel`, `sample`, `dest`, `euclid` (pl1, then pl2 ro1 ro2 tro op where
 *    not the default). Then `steps` always, in groups of four
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
#include "patfile_impl.h"
#include "trigseq/core/grammar.h"

#include <stdlib.h>
#include <string.h>

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
		for (size_t i = ts_comments_find(o->com, id); i < o->com->n && o->com->v[i].id == id;
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
		for (size_t i = ts_comments_find(o->com, id); i < o->com->n && o->com->v[i].id == id;
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
	return differs || ts_comments_has(o->com, id);
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
	SIMPLE(K_SEND_MIDI, !t->send_midi, putf(o, "send-midi %s", ts_gram_onoff[t->send_midi]));
	SIMPLE(K_MUTE, t->mute, putf(o, "mute %s", ts_gram_onoff[t->mute]));
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
	SIMPLE(K_DEST, t->dest != TS_DEST_EXT,
	       putf(o, "dest %s", ts_gram_dests[t->dest <= TS_DEST_INT_EXT ? t->dest : 0]));
	const ts_euclid *eu = &t->euclid;
	SIMPLE(K_EUCLID, eu->on, putf(o, "euclid pl1 %d", eu->pl1);
	       if (eu->pl2) putf(o, " pl2 %d", eu->pl2);
	       if (eu->ro1) putf(o, " ro1 %d", eu->ro1);
	       if (eu->ro2) putf(o, " ro2 %d", eu->ro2);
	       if (eu->tro) putf(o, " tro %d", eu->tro);
	       if (eu->op) putf(o, " op %s", ts_euclid_op_names[eu->op < TS_EUCLID_OPS ? eu->op : 0]));
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
		    (trig_has_attrs(trig) || ts_comments_has(o->com, STMT_ID(n, K_STEP, k))))
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
	char tempo[16];
	putf(&o, "tempo %s", ts_gram_tempo_format(pat->tempo10, tempo, sizeof(tempo)));
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
	PSIMPLE(K_MODE, adv, putf(&o, "mode %s", ts_gram_modes[adv]));
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

