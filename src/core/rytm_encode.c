/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A trigseq pattern to raw v5 pattern data (rytm.h: ts_rytm_encode). What the Rytm cannot hold is
 * one warning per kind and track, naming the steps.
 */
#include "rytm_internal.h"

#include <string.h>

static const char *const track_names[NTRACKS] = {
	"BD", "SD", "RS", "CP", "BT", "LT", "MT", "HT", "CH", "OH", "CY", "CB", "FX",
};

/* A note the Rytm can hold: the same pitch class, moved by octaves into 36 ... 84. */
static int fold_note(int note)
{
	while (note < TS_RYTM_NOTE_MIN)
		note += 12;
	while (note > TS_RYTM_NOTE_MAX)
		note -= 12;
	return note;
}

enum { E_CHORD, E_RANGE, E_LOCKS, E_COUNT };

static const char *const export_loss_text[E_COUNT] = {
	[E_CHORD] = "chord reduced to its first note (a Rytm trig has one note)",
	[E_RANGE] = "note outside the Rytm's 36 ... 84 moved by octaves into it",
	[E_LOCKS] = "cc locks not kept (the Rytm locks its own sound parameters, not MIDI CCs)",
};

static void encode_empty_track(uint8_t *trk, const layout *L)
{
	memset(trk, 0, L->track_size);
	for (int s = 0; s < 64; s++) {
		trk[L->notes + (size_t)s] = 0xFF;
		trk[L->vels + (size_t)s] = 0xFF;
		trk[L->lens + (size_t)s] = 0xFF;
		trk[L->micros + (size_t)s] = 0xC0;
		trk[L->rlens + (size_t)s] = 0x80 | RYTM_DEFAULT_RLEN;
		trk[L->rrates + (size_t)s] = 0xE0 | RYTM_DEFAULT_RRATE;
		trk[L->rvels + (size_t)s] = 0;
		trk[L->sound_locks + (size_t)s] = 0xFF;
	}
	trk[L->def_note] = 60;
	trk[L->def_vel] = 100;
	trk[L->def_len] = TS_LEN_ONE;
	put16(trk + L->def_sw, RYTM_DEFAULT_SWITCHES);
	trk[L->trk_len] = 16;
	trk[L->speed] = TS_SPEED_1X;
	trk[L->prob] = 100;
	trk[L->euclid + 3] = RYTM_EUCLID_ROTATION;
	trk[L->euclid + 4] = RYTM_EUCLID_ROTATION;
	trk[L->euclid + 5] = RYTM_EUCLID_ROTATION;
	trk[L->pad_scale] = RYTM_PAD_SCALE_CHROMATIC;
	trk[L->root] = RYTM_ROOT_DEFAULT;
}

static void encode_step(const layout *L, uint8_t *trk, int s, const ts_track *t, uint64_t *loss)
{
	const ts_trig *g = &t->steps[s];
	uint64_t bit = (uint64_t)1 << s;
	unsigned f = F_ENABLE;
	if (g->kind == TS_TRIG_MUTED)
		f |= F_MUTE;
	else if (g->kind == TS_TRIG_LOCK)
		f |= F_EN_ALL;
	else if (g->kind == TS_TRIG_ACCENT)
		f |= F_ACCENT;
	if (g->retrig)
		f |= F_RETRIG;
	if (g->slide)
		f |= F_SLIDE;
	bool swung = g->swing == TS_SWING_ON || (g->swing == TS_SWING_AUTO && (s + 1) % 2 == 0);
	if (swung)
		f |= F_SWING;
	put_flags14(trk, s, f);

	int cond = cond_to_rytm(g->cond);
	int note = 0x7F;
	if (g->nnotes) {
		note = fold_note(g->notes[0]);
		if (g->nnotes > 1)
			loss[E_CHORD] |= bit;
		if (note != g->notes[0])
			loss[E_RANGE] |= bit;
	}
	if (g->nlocks)
		loss[E_LOCKS] |= bit;
	int rate = g->retrig ? ts_trig_retrig_rate(t, g) : RYTM_DEFAULT_RRATE;
	int rlen = g->retrig ? ts_trig_retrig_len(t, g)
		   : g->retrig_len != TS_UNSET ? g->retrig_len : RYTM_DEFAULT_RLEN;
	int rvel = g->retrig ? ts_trig_retrig_vel(t, g)
		   : g->retrig_vel != TS_UNSET_I16 ? g->retrig_vel : 0;
	trk[L->notes + (size_t)s] = (uint8_t)(note | ((cond >> 6) & 1) << 7);
	trk[L->vels + (size_t)s] = g->vel;
	trk[L->lens + (size_t)s] = g->gate;
	trk[L->micros + (size_t)s] = (uint8_t)((g->micro & 0x3F) | ((cond >> 4) & 3) << 6);
	trk[L->rlens + (size_t)s] = (uint8_t)(rlen | ((cond >> 3) & 1) << 7);
	trk[L->rrates + (size_t)s] = (uint8_t)(rate | (cond & 7) << 5);
	trk[L->rvels + (size_t)s] = (uint8_t)(int8_t)rvel;
}

/* The FW 1.70 euclidean fields (euclid.md §3.3.3), and the SWING bit of each hit step s from
 * the trig k(s) that plays there (the bit belongs to the step; encode_step wrote each step's
 * own). */
static void encode_euclid(const layout *L, uint8_t *trk, const ts_track *t, int len)
{
	const ts_euclid *e = &t->euclid;
	trk[L->euclid] = (uint8_t)(0x80 | (e->op & 3));
	trk[L->euclid + 1] = e->pl1;
	trk[L->euclid + 2] = e->pl2;
	trk[L->euclid + 3] = (uint8_t)(e->ro1 + RYTM_EUCLID_ROTATION);
	trk[L->euclid + 4] = (uint8_t)(e->ro2 + RYTM_EUCLID_ROTATION);
	trk[L->euclid + 5] = (uint8_t)(e->tro + RYTM_EUCLID_ROTATION);
	ts_track tmp = *t;
	tmp.length = (uint8_t)len;
	uint8_t hit[TS_MAX_STEPS];
	ts_euclid_hits(&tmp, hit);
	for (int s = 0; s < len && s < 64; s++) {
		if (!hit[s])
			continue;
		const ts_trig *g = &t->steps[hit[s] - 1];
		bool swung = g->swing == TS_SWING_ON || (g->swing == TS_SWING_AUTO && (s + 1) % 2 == 0);
		unsigned unk, f = get_flags(L, trk, s, &unk);
		put_flags14(trk, s, swung ? f | F_SWING : f & ~(unsigned)F_SWING);
	}
}

static void encode_track_losses(const ts_track *t, int n, ts_rytm_warnings *w)
{
	char buf[32];
	if (t->name[0])
		warn(w, "track %d: name \"%s\" not kept (a Rytm track is named by its pad, %s)", n,
		     t->name, track_names[n - 1]);
	if (t->channel != n) {
		if (t->channel == TS_CHANNEL_OFF)
			snprintf(buf, sizeof(buf), "off");
		else
			snprintf(buf, sizeof(buf), "%d", t->channel);
		warn(w, "track %d: channel %s not kept (the Rytm's channels are in MIDI CONFIG > "
			"CHANNELS, not in the pattern)", n, buf);
	}
	if (strcmp(t->port, "midi_out") != 0)
		warn(w, "track %d: port %s not kept", n, t->port);
	if (t->mute)
		warn(w, "track %d: mute not kept (the Rytm keeps mutes in the project, not the "
			"pattern)", n);
	if (t->program != TS_PROGRAM_NONE)
		warn(w, "track %d: program %d not kept", n, t->program);
	int ncc = 0;
	for (int c = 0; c < 128; c++)
		ncc += t->base_cc[c] != TS_CC_NONE;
	if (ncc)
		warn(w, "track %d: %d base cc value%s not kept", n, ncc, ncc == 1 ? "" : "s");
	if (t->sample[0] || t->dest != TS_DEST_EXT)
		warn(w, "track %d: sample voice and dest not kept", n);
	if (t->nnotes > 1)
		warn(w, "track %d: default chord reduced to its first note %s", n,
		     ts_note_name(fold_note(t->notes[0]), buf, sizeof(buf)));
	else if (fold_note(t->notes[0]) != t->notes[0])
		warn(w, "track %d: default note %d outside the Rytm's 36 ... 84: %d", n, t->notes[0],
		     fold_note(t->notes[0]));
	if (t->retrig_rate != TS_RATE_1_16 || t->retrig_len != TS_LEN_ONE || t->retrig_vel != 0)
		warn(w, "track %d: the track's retrig defaults are written into each retrig trig "
			"(the Rytm keeps track retrig defaults in the kit)", n);
}

void ts_rytm_encode(const ts_pattern *pat, uint8_t *raw, ts_rytm_warnings *w)
{
	const layout *L = &ts_rytm_v5;
	memset(raw, 0, L->raw_size);
	raw[3] = L->version;
	bool adv = pat->mode == TS_MODE_ADVANCED;
	if (pat->name[0])
		warn(w, "pattern name \"%s\" not kept (Rytm patterns have no names)", pat->name);
	if (pat->accent != 32)
		warn(w, "accent %d not kept (the Rytm's accent level is in the kit)", pat->accent);
	for (int i = 0; i < NTRACKS; i++) {
		uint8_t *trk = raw + L->track0 + (size_t)i * L->track_size;
		encode_empty_track(trk, L);
		int len = adv ? 16 : pat->length;
		trk[L->trk_len] = (uint8_t)len;
		trk[L->speed] = pat->speed;
		if (i == FX_TRACK)
			continue;
		const ts_track *t = &pat->tracks[i];
		if (adv) {
			len = t->length;
			trk[L->trk_len] = t->length;
			trk[L->speed] = t->speed;
		}
		trk[L->speed] |= (uint8_t)(t->send_midi ? 0x80 : 0);
		trk[L->prob] = t->prob;
		trk[L->def_note] = (uint8_t)fold_note(t->notes[0]);
		trk[L->def_vel] = t->velocity;
		trk[L->def_len] = t->gate;
		encode_track_losses(t, i + 1, w);
		uint64_t loss[E_COUNT] = {0};
		for (int s = 0; s < len && s < 64; s++)
			if (t->steps[s].kind != TS_TRIG_NONE)
				encode_step(L, trk, s, t, loss);
		if (t->euclid.on)
			encode_euclid(L, trk, t, len);
		char steps[300];
		for (int k = 0; k < E_COUNT; k++)
			if (loss[k])
				warn(w, "track %d %s: %s", i + 1, steps_text(loss[k], steps, sizeof(steps)),
				     export_loss_text[k]);
	}
	memset(raw + L->lanes, 0xFF, (size_t)NLANES * LANE_SIZE);
	/* Choice: NORMAL mode writes the pattern length as the master length too. */
	put16(raw + L->mlen, adv ? (pat->length ? pat->length : 1) : pat->length);
	put16(raw + L->mchg, pat->change ? pat->change : 1);
	raw[L->kit] = RYTM_NO_KIT;
	raw[L->swing] = (uint8_t)(pat->swing - 50);
	raw[L->time_mode] = adv ? 1 : 0;
	raw[L->mspeed] = pat->speed;
	raw[L->gquant] = 0;
	put16(raw + L->bpm, (unsigned)pat->tempo10 * 12);
	raw[L->bpm + 2] = 0;   /* pad scale scope: the current track */
}
