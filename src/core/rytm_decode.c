/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Raw pattern data of either layout to a trigseq pattern (rytm.h: ts_rytm_decode). What trigseq
 * cannot hold is one warning per kind and track, naming the steps; a value out of range is
 * clamped or replaced by the default, and said so.
 */
#include "rytm_internal.h"

#include <stdlib.h>
#include <string.h>

/* Lock type codes of the drum tracks (§7.7). */
static const char *lock_name(int type, char *buf, size_t size)
{
	static const char *const names[] = {
		"machine param 1", "machine param 2", "machine param 3", "machine param 4",
		"machine param 5", "machine param 6", "machine param 7", "machine param 8",
		"sample tune", "sample fine", "sample slot", "sample bit reduction",
		"sample start", "sample end", "sample loop", "sample level",
		"filter attack", "filter sustain", "filter decay", "filter release",
		"filter freq", "filter reso", "filter type", "filter env depth",
		"amp attack", "amp hold", "amp decay", "amp drive",
		"amp delay send", "amp reverb send", "amp pan", "amp volume",
		NULL, "LFO speed", "LFO multiplier", "LFO fade",
		"LFO dest", "LFO wave", "LFO phase", "LFO trig mode", "LFO depth",
	};
	if (type >= 0 && type < (int)(sizeof(names) / sizeof(names[0])) && names[type])
		snprintf(buf, size, "%s", names[type]);
	else
		snprintf(buf, size, "parameter 0x%02X", type);
	return buf;
}

/* What a track loses on import, a mask of steps per kind, reported as one line per kind. */
enum {
	L_SOUND, L_SWITCH, L_ACCENT_MUTED, L_ACCENT_LOCK, L_MUTED_LOCK, L_UNKNOWN_BITS, L_VEL0,
	L_VEL_BAD, L_LEN_BAD, L_MICRO, L_RATE_BAD, L_RATE_OFF, L_COND_BAD, L_COUNT
};

static const char *const loss_text[L_COUNT] = {
	[L_SOUND] = "sound locks not kept (trigseq has no Rytm sounds)",
	[L_SWITCH] = "SYN/SMP/ENV/LFO trig switch locks not kept (the trig plays as a note trig)",
	[L_ACCENT_MUTED] = "accent on a muted trig not kept",
	[L_ACCENT_LOCK] = "accent on a lock trig not kept",
	[L_MUTED_LOCK] = "muted lock trig imported as a muted trig",
	[L_UNKNOWN_BITS] = "FW 1.50-1.61 trig flag bits 1/6 (meaning unknown) not kept",
	[L_VEL0] = "velocity 0 imported as 1 (trigseq's velocities are 1 ... 127)",
	[L_VEL_BAD] = "velocity byte over 127 (not 0xFF) imported as the track default",
	[L_LEN_BAD] = "length byte over 127 (not 0xFF) imported as the track default",
	[L_MICRO] = "micro timing beyond -23 ... 23 clamped",
	[L_RATE_BAD] = "retrig rate code over 16 imported as the track default 1/16",
	[L_RATE_OFF] = "retrig rate on trigs whose retrig is off not kept",
	[L_COND_BAD] = "condition code 65 ... 126 (undefined) imported as no condition",
};

static void decode_step(const layout *L, const uint8_t *trk, int s, ts_track *t, uint64_t *loss)
{
	uint64_t bit = (uint64_t)1 << s;
	unsigned unknown;
	unsigned f = get_flags(L, trk, s, &unknown);
	ts_trig *g = &t->steps[s];
	ts_trig_init(g);
	bool trigless = (f & F_EN_ALL) == F_EN_ALL && !(f & F_SW_ALL);
	if (unknown)
		loss[L_UNKNOWN_BITS] |= bit;
	if (f & F_MUTE) {
		g->kind = TS_TRIG_MUTED;
		if (f & F_ACCENT)
			loss[L_ACCENT_MUTED] |= bit;
		if (trigless)
			loss[L_MUTED_LOCK] |= bit;
	} else if (trigless) {
		g->kind = TS_TRIG_LOCK;
		if (f & F_ACCENT)
			loss[L_ACCENT_LOCK] |= bit;
	} else {
		/* Choice (§8): the Rytm's accent effect on MIDI velocity is unknown; trigseq's
		 * accent adds the pattern's `accent` amount. */
		g->kind = f & F_ACCENT ? TS_TRIG_ACCENT : TS_TRIG_NOTE;
	}
	/* a note trig with every component locked on is what the track's default switches give */
	if (!trigless && (f & F_EN_ALL) && (f & (F_EN_ALL | F_SW_ALL)) != (F_EN_ALL | F_SW_ALL))
		loss[L_SWITCH] |= bit;

	uint8_t note = trk[L->notes + (size_t)s], vel = trk[L->vels + (size_t)s];
	uint8_t len = trk[L->lens + (size_t)s], micro = trk[L->micros + (size_t)s];
	uint8_t rlen = trk[L->rlens + (size_t)s], rrate = trk[L->rrates + (size_t)s];
	int8_t rvel = (int8_t)trk[L->rvels + (size_t)s];

	if ((note & 0x7F) != 0x7F) {
		g->nnotes = 1;
		g->notes[0] = note & 0x7F;
	}
	if (vel == 0) {
		g->vel = 1;
		loss[L_VEL0] |= bit;
	} else if (vel <= 127) {
		g->vel = vel;
	} else if (vel != 0xFF) {
		loss[L_VEL_BAD] |= bit;
	}
	if (len <= 127)
		g->gate = len;
	else if (len != 0xFF)
		loss[L_LEN_BAD] |= bit;
	int m = micro & 0x3F;
	if (m & 0x20)
		m -= 64;
	if (m < -23 || m > 23) {
		m = m < 0 ? -23 : 23;
		loss[L_MICRO] |= bit;
	}
	g->micro = (int8_t)m;
	int cond = (note >> 7) << 6 | (micro >> 6) << 4 | (rlen >> 7) << 3 | rrate >> 5;
	if (cond <= TS_COND_AB_LAST)
		g->cond = (uint8_t)cond_from_rytm(cond);
	else if (cond != TS_COND_NONE)
		loss[L_COND_BAD] |= bit;

	/* Per-step retrig values are always explicit on the Rytm (its track defaults live in the
	 * kit); the imported track has trigseq's defaults, so values equal to them stay unset. */
	int rate = rrate & 0x1F;
	g->retrig = (f & F_RETRIG) != 0;
	if (!g->retrig) {
		if (rate != t->retrig_rate)
			loss[L_RATE_OFF] |= bit;
	} else if (rate > 16) {
		loss[L_RATE_BAD] |= bit;
	} else if (rate != t->retrig_rate) {
		g->retrig_rate = (uint8_t)rate;
	}
	if ((rlen & 0x7F) != t->retrig_len)
		g->retrig_len = rlen & 0x7F;
	if (rvel != t->retrig_vel)
		g->retrig_vel = rvel;
	g->slide = (f & F_SLIDE) != 0;
	/* Choice (§8, default swing-trig layout not decoded): the SWING bit says whether the trig
	 * is swung; trigseq swings even steps unless told, so only the exceptions are written. */
	bool even = (s + 1) % 2 == 0;
	if (((f & F_SWING) != 0) != even)
		g->swing = f & F_SWING ? TS_SWING_ON : TS_SWING_OFF;
}

/* Fields of a track trigseq does not hold, with the value export writes. */
static void decode_track_extras(const layout *L, const uint8_t *trk, int n, ts_rytm_warnings *w)
{
	unsigned sw = get16(trk + L->def_sw);
	if (sw != RYTM_DEFAULT_SWITCHES)
		warn(w, "track %d: default TRIG page switches 0x%04X not kept (their bits are not "
			"decoded; export writes 0x%04X)", n, sw, RYTM_DEFAULT_SWITCHES);
	if (trk[L->quant])
		warn(w, "track %d: track quantize amount %d not kept", n, trk[L->quant]);
	if (L->pad_scale && trk[L->pad_scale] != RYTM_PAD_SCALE_CHROMATIC)
		warn(w, "track %d: pad scale %d not kept (live pad play only)", n,
		     trk[L->pad_scale]);
	if (L->root && trk[L->root] != RYTM_ROOT_DEFAULT)
		warn(w, "track %d: pad root note %d and row offset %d not kept (live pad play only)",
		     n, trk[L->root] & 0x0F, trk[L->root] >> 4);
}

static void decode_lanes(const layout *L, const uint8_t *raw, ts_rytm_warnings *w)
{
	for (int i = 0; i < NLANES; i++) {
		const uint8_t *lane = raw + L->lanes + (size_t)i * LANE_SIZE;
		int type = lane[0], trk = lane[1];
		if (type == 0xFF || trk == 0xFF || (type == 128 && trk == 128))
			continue;   /* free, or the low byte of the lane before (reported with it) */
		uint64_t mask = 0;
		for (int s = 0; s < 64; s++)
			if (lane[2 + s] != 0xFF)
				mask |= (uint64_t)1 << s;
		if (!mask)
			continue;
		char steps[300], name[40];
		bool hires = i + 1 < NLANES && lane[LANE_SIZE] == 128 && lane[LANE_SIZE + 1] == 128;
		if (trk < FX_TRACK)
			warn(w, "track %d %s: p-lock of %s%s not kept (trigseq cannot lock Rytm sound "
				"parameters)", trk + 1, steps_text(mask, steps, sizeof(steps)),
			     lock_name(type, name, sizeof(name)), hires ? " (high resolution)" : "");
		else if (trk == FX_TRACK)
			warn(w, "FX track %s: p-lock of FX parameter %d not kept (trigseq has no FX "
				"track)", steps_text(mask, steps, sizeof(steps)), type);
		else
			warn(w, "p-lock lane %d names track %d (expected 0 ... 12): not kept", i + 1,
			     trk);
	}
}

static int decode_speed(int code, const char *what, int n, ts_rytm_warnings *w)
{
	if (code < TS_SPEED_COUNT)
		return code;
	if (n)
		warn(w, "track %d: %s code %d unknown (expected 0 ... 6): 1x", n, what, code);
	else
		warn(w, "%s code %d unknown (expected 0 ... 6): 1x", what, code);
	return TS_SPEED_1X;
}

static int decode_track_length(int len, int n, ts_rytm_warnings *w)
{
	if (len >= 1 && len <= 64)
		return len;
	int c = len < 1 ? 1 : 64;
	warn(w, "track %d: length %d out of 1 ... 64: %d", n, len, c);
	return c;
}

/* The layout that the version word names, or NULL with err set. */
static const layout *pick_layout(const uint8_t *raw, size_t n, char err[TS_RYTM_ERR_MAX])
{
	if (n < 4) {
		snprintf(err, TS_RYTM_ERR_MAX, "pattern data of %zu bytes has no version word", n);
		return NULL;
	}
	const layout *L = NULL;
	if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == ts_rytm_v5.version)
		L = &ts_rytm_v5;
	else if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == ts_rytm_v4.version)
		L = &ts_rytm_v4;
	if (!L) {
		snprintf(err, TS_RYTM_ERR_MAX, "unknown pattern version %02X %02X %02X %02X: expected "
			 "00 00 00 05 (FW 1.70) or 00 00 00 03 (FW 1.50-1.61)", raw[0], raw[1], raw[2],
			 raw[3]);
		return NULL;
	}
	if (n != L->raw_size) {
		snprintf(err, TS_RYTM_ERR_MAX, "pattern data (version %d, FW %s) is %zu bytes: "
			 "expected %zu", L->version, L->layout == 5 ? "1.70" : "1.50-1.61", n,
			 L->raw_size);
		return NULL;
	}
	return L;
}

/* The pattern's own fields: tempo, swing, scale mode, master speed, change and length. */
static void decode_master(const layout *L, const uint8_t *raw, ts_pattern *pat,
			  ts_rytm_warnings *w)
{
	int tempo_raw = (int)get16(raw + L->bpm);
	int tempo10 = (tempo_raw + 6) / 12;   /* BPM x 120 -> BPM x 10 */
	if (tempo10 < TS_TEMPO10_MIN || tempo10 > TS_TEMPO10_MAX) {
		int c = tempo10 < TS_TEMPO10_MIN ? TS_TEMPO10_MIN : TS_TEMPO10_MAX;
		warn(w, "tempo %d.%03d BPM out of 30 ... 300: %d.%d", tempo_raw / 120,
		     tempo_raw % 120 * 1000 / 120, c / 10, c % 10);
		tempo10 = c;
	} else if (tempo_raw % 12) {
		warn(w, "tempo %d/120 BPM rounded to %d.%d (trigseq keeps tenths of a BPM)",
		     tempo_raw, tempo10 / 10, tempo10 % 10);
	}
	pat->tempo10 = (uint16_t)tempo10;
	int swing = raw[L->swing];
	if (swing > 30) {
		warn(w, "swing code %d out of 0 ... 30 (50 ... 80 %%): 80 %%", swing);
		swing = 30;
	}
	pat->swing = (uint8_t)(50 + swing);
	int mode = raw[L->time_mode];
	if (mode > 1)
		warn(w, "scale mode code %d unknown (expected 0 normal, 1 advanced): normal", mode);
	pat->mode = mode == 1 ? TS_MODE_ADVANCED : TS_MODE_NORMAL;
	pat->speed = (uint8_t)decode_speed(raw[L->mspeed], "master speed", 0, w);
	unsigned chg = get16(raw + L->mchg);
	if (chg == 0 || chg > 1024) {
		warn(w, "master change %u out of 1 (off) ... 1024: %s", chg, chg ? "1024" : "off");
		chg = chg ? 1024 : 1;
	}
	pat->change = (uint16_t)(chg == 1 ? 0 : chg);
	const uint8_t *trk0 = raw + L->track0;
	if (pat->mode == TS_MODE_ADVANCED) {
		unsigned ml = get16(raw + L->mlen);
		if (ml == 0 || ml > 1024) {
			warn(w, "master length %u out of 1 (inf) ... 1024: %s", ml, ml ? "1024" : "inf");
			ml = ml ? 1024 : 1;
		}
		pat->length = (uint16_t)(ml == 1 ? 0 : ml);
	} else {
		/* Choice: in NORMAL mode the pattern length is track 1's length (every track
		 * shares it); the master length field is not used in that mode. */
		pat->length = (uint16_t)decode_track_length(trk0[L->trk_len], 1, w);
	}
	if (raw[L->kit] != RYTM_NO_KIT)
		warn(w, "the pattern's kit link (kit %d) is not kept (trigseq has no kits)",
		     raw[L->kit] + 1);
	if (raw[L->gquant])
		warn(w, "global quantize amount %d not kept", raw[L->gquant]);
}

/* trigseq has no FX track: its trigs are counted in one warning. */
static void decode_fx_track(const layout *L, const uint8_t *trk, ts_rytm_warnings *w)
{
	int count = 0;
	for (int s = 0; s < 64; s++) {
		unsigned unk;
		count += (get_flags(L, trk, s, &unk) & F_ENABLE) != 0;
	}
	if (count)
		warn(w, "FX track: %d trig%s not kept (trigseq has no FX track)", count,
		     count == 1 ? "" : "s");
}

/* The FW 1.70 euclidean fields (euclid.md §3.3.3): bit 7 of 0x279 on, bits 1-0 the operator;
 * pulses 0 … 64; rotations 0 … 126 with 63 the centre. Bit 7 clear: no euclid, the rest unread. */
static void decode_euclid(const layout *L, const uint8_t *trk, int n, ts_track *t,
			  ts_rytm_warnings *w)
{
	if (!L->euclid || !(trk[L->euclid] & 0x80))
		return;
	const uint8_t *e = trk + L->euclid;
	ts_euclid *eu = &t->euclid;
	eu->on = true;
	eu->op = e[0] & 3;
	if (e[0] & 0x7C)
		warn(w, "track %d: euclid mode bits 6-2 (0x%02X) not kept (their meaning is unknown)",
		     n, e[0] & 0x7C);
	static const char *const pl_name[2] = {"PL1", "PL2"};
	for (int i = 0; i < 2; i++) {
		int v = e[1 + i];
		if (v > TS_EUCLID_PULSES_MAX) {
			warn(w, "track %d: euclid %s %d out of 0 ... 64: 64", n, pl_name[i], v);
			v = TS_EUCLID_PULSES_MAX;
		}
		*(i ? &eu->pl2 : &eu->pl1) = (uint8_t)v;
	}
	static const char *const ro_name[3] = {"RO1", "RO2", "TRO"};
	int8_t *ro[3] = {&eu->ro1, &eu->ro2, &eu->tro};
	for (int i = 0; i < 3; i++) {
		int v = e[3 + i];
		if (v > 2 * TS_EUCLID_ROT_MAX) {
			warn(w, "track %d: euclid %s %d out of 0 ... 126: 126 (+63)", n, ro_name[i], v);
			v = 2 * TS_EUCLID_ROT_MAX;
		}
		*ro[i] = (int8_t)(v - TS_EUCLID_ROT_MAX);
	}
}

/* A drum track's settings (track tn, 1-based): length and speed, probability, defaults. Returns
 * the length its steps play to. */
static int decode_track_settings(const layout *L, const uint8_t *trk, int tn,
				 const ts_pattern *pat, ts_track *t, ts_rytm_warnings *w)
{
	int len = decode_track_length(trk[L->trk_len], tn, w);
	int speed = decode_speed(trk[L->speed] & 7, "speed", tn, w);
	if (pat->mode == TS_MODE_ADVANCED) {
		t->length = (uint8_t)len;
		t->length_set = len != 16;
		t->speed = (uint8_t)speed;
		t->speed_set = speed != pat->speed;
	} else {
		if (len != pat->length)
			warn(w, "track %d: length %d not used in NORMAL mode (the pattern length "
				"is track 1's, %d)", tn, len, pat->length);
		if (speed != pat->speed)
			warn(w, "track %d: speed %s not used in NORMAL mode (the pattern speed is "
				"the master speed, %s)", tn, ts_speed_name(speed),
			     ts_speed_name(pat->speed));
		len = pat->length;
	}
	t->send_midi = (trk[L->speed] & 0x80) != 0;
	if (L->prob) {
		int prob = trk[L->prob];
		if (prob > 100) {
			warn(w, "track %d: probability %d out of 0 ... 100: 100", tn, prob);
			prob = 100;
		}
		t->prob = (uint8_t)prob;
	}
	int dn = trk[L->def_note];
	if (dn > 127) {
		warn(w, "track %d: default note byte %d over 127: 60", tn, dn);
		dn = 60;
	}
	t->notes[0] = (uint8_t)dn;
	int dv = trk[L->def_vel];
	if (dv < 1 || dv > 127) {
		warn(w, "track %d: default velocity %d out of 1 ... 127: 100", tn, dv);
		dv = 100;
	}
	t->velocity = (uint8_t)dv;
	int dl = trk[L->def_len];
	if (dl > 127) {
		warn(w, "track %d: default length byte %d over 127: 1 step", tn, dl);
		dl = TS_LEN_ONE;
	}
	t->gate = (uint8_t)dl;
	decode_track_extras(L, trk, tn, w);
	decode_euclid(L, trk, tn, t, w);
	return len;
}

/* Whether step s holds any value of a trig besides ENABLE and SWING (SWING belongs to the step,
 * not to the trig): flags, note, velocity, length, micro timing, condition, retrig values or a
 * sound lock different from an empty step's. */
static bool holds_value(const layout *L, const uint8_t *trk, int s)
{
	unsigned unk;
	unsigned f = get_flags(L, trk, s, &unk) & ~(unsigned)(F_ENABLE | F_SWING);
	return f || unk || trk[L->notes + (size_t)s] != 0xFF || trk[L->vels + (size_t)s] != 0xFF ||
	       trk[L->lens + (size_t)s] != 0xFF || trk[L->micros + (size_t)s] != 0xC0 ||
	       trk[L->rlens + (size_t)s] != (0x80 | RYTM_DEFAULT_RLEN) ||
	       trk[L->rrates + (size_t)s] != (0xE0 | RYTM_DEFAULT_RRATE) ||
	       trk[L->rvels + (size_t)s] != 0 || trk[L->sound_locks + (size_t)s] != 0xFF;
}

/* A drum track's trigs within its length, then one warning per kind of loss and one for the
 * trigs beyond the length. */
static void decode_track_steps(const layout *L, const uint8_t *trk, int tn, int len,
			       ts_track *t, ts_rytm_warnings *w)
{
	uint64_t loss[L_COUNT] = {0};
	uint64_t sound = 0;
	int beyond = 0;
	/* Under euclid the hits play steps 1 … nhits forced on: those are read without ENABLE too,
	 * as x when they hold any value of a trig (euclid.md §3.3.3). */
	uint8_t hit[TS_MAX_STEPS] = {0};
	int nhits = 0;
	if (t->euclid.on) {
		ts_track tmp = *t;
		tmp.length = (uint8_t)len;
		nhits = ts_euclid_hits(&tmp, hit);
	}
	uint64_t forced = 0;
	for (int s = 0; s < 64; s++) {
		unsigned unk;
		if (!(get_flags(L, trk, s, &unk) & F_ENABLE)) {
			if (s >= nhits || !holds_value(L, trk, s))
				continue;
			forced |= (uint64_t)1 << s;
		}
		if (s >= len) {
			beyond++;
			continue;
		}
		decode_step(L, trk, s, t, loss);
		if (trk[L->sound_locks + (size_t)s] != 0xFF)
			sound |= (uint64_t)1 << s;
	}
	loss[L_SOUND] = sound;
	/* SWING is a bit of the step where a trig plays: under euclid trig k(s) takes step s's. */
	for (int s = 0; s < len && nhits; s++) {
		if (!hit[s])
			continue;
		unsigned unk;
		bool swung = (get_flags(L, trk, s, &unk) & F_SWING) != 0, even = (s + 1) % 2 == 0;
		ts_trig *g = &t->steps[hit[s] - 1];
		g->swing = swung == even ? TS_SWING_AUTO : swung ? TS_SWING_ON : TS_SWING_OFF;
		if (g->kind == TS_TRIG_NONE && g->swing != TS_SWING_AUTO) {
			g->kind = TS_TRIG_NOTE;
			forced |= (uint64_t)1 << (hit[s] - 1);
		}
	}
	char steps[300];
	if (forced)
		warn(w, "track %d %s: euclid hit trigs stored without ENABLE imported as x (export "
			"adds ENABLE)", tn, steps_text(forced, steps, sizeof(steps)));
	for (int k = 0; k < L_COUNT; k++)
		if (loss[k])
			warn(w, "track %d %s: %s", tn, steps_text(loss[k], steps, sizeof(steps)),
			     loss_text[k]);
	if (beyond)
		warn(w, "track %d: %d trig%s beyond the track length %d not kept", tn, beyond,
		     beyond == 1 ? "" : "s", len);
}

ts_status ts_rytm_decode(const uint8_t *raw, size_t n, ts_pattern *out, ts_rytm_warnings *w,
			 char err[TS_RYTM_ERR_MAX])
{
	const layout *L = pick_layout(raw, n, err);
	if (!L)
		return TS_ERR_PARSE;
	ts_pattern *pat = malloc(sizeof(*pat));
	if (!pat)
		return TS_ERR_NOMEM;
	ts_pattern_init(pat);
	decode_master(L, raw, pat, w);
	for (int i = 0; i < NTRACKS; i++) {
		const uint8_t *trk = raw + L->track0 + (size_t)i * L->track_size;
		if (i == FX_TRACK) {
			decode_fx_track(L, trk, w);
			continue;
		}
		int len = decode_track_settings(L, trk, i + 1, pat, &pat->tracks[i], w);
		decode_track_steps(L, trk, i + 1, len, &pat->tracks[i], w);
	}
	decode_lanes(L, raw, w);
	ts_pattern_settle(pat);
	if (w && w->nomem) {
		free(pat);
		return TS_ERR_NOMEM;
	}
	memcpy(out, pat, sizeof(*out));   /* padding too: patterns are compared with memcmp */
	free(pat);
	return TS_OK;
}
