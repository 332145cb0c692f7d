/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Analog Rytm pattern dumps <-> trigseq patterns (rytm.h). The byte layout is that of
 * spec/rytm-semantics.md §7; every choice the spec leaves open (its §8) is marked "Choice:" here
 * and listed in the README, and import and export make the same choice.
 *
 * Per-step values map one to one: the Rytm's note byte is the MIDI note, its length and retrig
 * length indices are trigseq's length table, its micro timing unit is trigseq's 1/24 step, its
 * retrig rates and condition codes are trigseq's (pattern.h keeps the Rytm's raw codes). So a value
 * needs a warning only when one side's range is wider than the other's.
 */
#include "trigseq/core/rytm.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- warnings ---- */

struct ts_rytm_warnings {
	char **lines;
	size_t n, cap;
	bool nomem;
};

ts_rytm_warnings *ts_rytm_warnings_new(void)
{
	return calloc(1, sizeof(ts_rytm_warnings));
}

void ts_rytm_warnings_free(ts_rytm_warnings *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->lines[i]);
	free(w->lines);
	free(w);
}

size_t ts_rytm_warnings_count(const ts_rytm_warnings *w)
{
	return w ? w->n : 0;
}

const char *ts_rytm_warnings_get(const ts_rytm_warnings *w, size_t i)
{
	return w && i < w->n ? w->lines[i] : NULL;
}

static void warn(ts_rytm_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void warn(ts_rytm_warnings *w, const char *fmt, ...)
{
	if (!w || w->nomem)
		return;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;
		char **lines = realloc(w->lines, cap * sizeof(*lines));
		if (!lines) {
			w->nomem = true;
			return;
		}
		w->lines = lines;
		w->cap = cap;
	}
	char *line = strdup(buf);
	if (!line) {
		w->nomem = true;
		return;
	}
	w->lines[w->n++] = line;
}

/* "step 5" or "steps 1, 5, 9" (1-based) from a mask of 0-based steps. */
static const char *steps_text(uint64_t mask, char *buf, size_t size)
{
	int count = 0;
	for (int s = 0; s < 64; s++)
		count += (int)((mask >> s) & 1);
	size_t len = (size_t)snprintf(buf, size, "%s", count == 1 ? "step" : "steps");
	const char *sep = " ";
	for (int s = 0; s < 64 && len < size; s++) {
		if (!((mask >> s) & 1))
			continue;
		len += (size_t)snprintf(buf + len, size - len, "%s%d", sep, s + 1);
		sep = ", ";
	}
	return buf;
}

/* ---- framing: 7-bit packing, checksum (§7.1, §7.2) ---- */

size_t ts_rytm_packed_size(size_t n)
{
	return n / 7 * 8 + (n % 7 ? n % 7 + 1 : 0);
}

size_t ts_rytm_unpacked_size(size_t n)
{
	return n / 8 * 7 + (n % 8 > 1 ? n % 8 - 1 : 0);
}

size_t ts_rytm_pack7(const uint8_t *raw, size_t n, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 7) {
		size_t k = n - i < 7 ? n - i : 7;
		uint8_t top = 0;
		for (size_t j = 0; j < k; j++)
			top |= (uint8_t)((raw[i + j] >> 7) << (6 - j));
		out[o++] = top;
		for (size_t j = 0; j < k; j++)
			out[o++] = raw[i + j] & 0x7F;
	}
	return o;
}

size_t ts_rytm_unpack7(const uint8_t *packed, size_t n, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 8) {
		size_t k = n - i < 8 ? n - i : 8;
		uint8_t top = packed[i];
		for (size_t j = 1; j < k; j++)
			out[o++] = (uint8_t)((packed[i + j] & 0x7F) | (((top >> (7 - j)) & 1) << 7));
	}
	return o;
}

unsigned ts_rytm_checksum(const uint8_t *packed, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += packed[i];
	return sum & 0x3FFF;
}

/* ---- the two raw layouts (§7.3, §7.4) ---- */

#define NTRACKS 13          /* 12 drum tracks and the FX track */
#define FX_TRACK 12
#define NLANES 72
#define LANE_SIZE 66

typedef struct {
	int layout;
	uint8_t version;        /* last byte of the version word */
	size_t raw_size, track0, track_size;
	int flag_bits;          /* 14: a packed bit stream; 16: big-endian words */
	size_t notes, vels, lens, micros, rlens, rrates, rvels;
	size_t def_note, def_vel, def_len, def_sw, trk_len, quant, sound_locks, speed;
	size_t prob, euclid, pad_scale, root;   /* 0: not in this layout */
	size_t lanes, mlen, mchg, kit, swing, time_mode, mspeed, gquant, bpm;
} layout;

static const layout v5 = {
	.layout = 5, .version = 5, .raw_size = TS_RYTM_V5_RAW_SIZE, .track0 = 4,
	.track_size = 0x281, .flag_bits = 14,
	.notes = 0x070, .vels = 0x0B0, .lens = 0x0F0, .micros = 0x130, .rlens = 0x170,
	.rrates = 0x1B0, .rvels = 0x1F0, .def_note = 0x230, .def_vel = 0x231, .def_len = 0x232,
	.def_sw = 0x233, .trk_len = 0x235, .quant = 0x236, .sound_locks = 0x237, .speed = 0x277,
	.prob = 0x278, .euclid = 0x279, .pad_scale = 0x27F, .root = 0x280,
	.lanes = 0x2091, .mlen = 0x3321, .mchg = 0x3323, .kit = 0x3325, .swing = 0x3326,
	.time_mode = 0x3327, .mspeed = 0x3328, .gquant = 0x3329, .bpm = 0x332A,
};

/* Choice: the byte before v4's master length (0x3389, "unknown, likely the MSB") is read as the
 * high byte of a 16-bit length, as in v5. */
static const layout v4 = {
	.layout = 4, .version = 3, .raw_size = TS_RYTM_V4_RAW_SIZE, .track0 = 4,
	.track_size = 0x289, .flag_bits = 16,
	.notes = 0x080, .vels = 0x0C0, .lens = 0x100, .micros = 0x140, .rlens = 0x180,
	.rrates = 0x1C0, .rvels = 0x200, .def_note = 0x240, .def_vel = 0x241, .def_len = 0x242,
	.def_sw = 0x243, .trk_len = 0x246, .quant = 0x247, .sound_locks = 0x248, .speed = 0x288,
	.lanes = 0x20F9, .mlen = 0x3389, .mchg = 0x338B, .kit = 0x338D, .swing = 0x338E,
	.time_mode = 0x338F, .mspeed = 0x3390, .gquant = 0x3391, .bpm = 0x3392,
};

/* Trig flags in v5 numbering (§7.5); v4 words are renumbered on reading. */
enum {
	F_ENABLE = 1 << 0, F_RETRIG = 1 << 1, F_MUTE = 1 << 2, F_ACCENT = 1 << 3,
	F_SWING = 1 << 4, F_SLIDE = 1 << 5, F_EN_LFO = 1 << 6,
	F_SW_SYN = 1 << 7, F_SW_SMP = 1 << 8, F_SW_ENV = 1 << 9, F_SW_LFO = 1 << 10,
	F_EN_SYN = 1 << 11, F_EN_SMP = 1 << 12, F_EN_ENV = 1 << 13,
};
#define F_EN_ALL (F_EN_SYN | F_EN_SMP | F_EN_ENV | F_EN_LFO)
#define F_SW_ALL (F_SW_SYN | F_SW_SMP | F_SW_ENV | F_SW_LFO)

/* Choice (§8, FILL polarity): 22 = FILL as libanalogrytm and rytm-rs label it. A 1.72 hardware
 * capture says 23; changing this one constant swaps both directions. */
#define RYTM_FILL_CODE 22

/* Choice (§8, default TRIG page switches not decoded): export writes the four "locked state"
 * bits (SYN, SMP, ENV, LFO on) in trig-flag numbering, so that new trigs play every component;
 * import warns only when a track's value differs from it. */
#define RYTM_DEFAULT_SWITCHES 0x0780

/* What export writes in the fields trigseq does not hold; import warns when a dump's differ. */
#define RYTM_PAD_SCALE_CHROMATIC 255
#define RYTM_ROOT_DEFAULT 0x60      /* root C, pad row offset 6 */
#define RYTM_EUCLID_ROTATION 63     /* centre */
#define RYTM_NO_KIT 0xFF

/* Per-step values of an empty step as export writes them: condition "none" (every scattered bit
 * set), note/velocity/length "track default", retrig 1/16 for 1 step, curve 0. */
#define RYTM_DEFAULT_RLEN TS_LEN_ONE
#define RYTM_DEFAULT_RRATE TS_RATE_1_16

static unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static unsigned get_flags(const layout *L, const uint8_t *trk, int s, unsigned *unknown)
{
	*unknown = 0;
	if (L->flag_bits == 16) {
		unsigned f4 = get16(trk + 2 * s);
		*unknown = f4 & 0x0042;     /* v4 bits 1 and 6 have no known meaning */
		return (f4 & 0x3FBD) | ((f4 >> 14) & 1) << 6 | ((f4 >> 15) & 1) << 1;
	}
	unsigned v = 0;
	for (int b = 0; b < 14; b++) {
		int bit = 14 * s + b;
		v = v << 1 | ((trk[bit / 8] >> (7 - bit % 8)) & 1);
	}
	return v;
}

static void put_flags14(uint8_t *trk, int s, unsigned v)
{
	for (int b = 0; b < 14; b++) {
		int bit = 14 * s + b;
		uint8_t m = (uint8_t)(1u << (7 - bit % 8));
		if ((v >> (13 - b)) & 1)
			trk[bit / 8] |= m;
		else
			trk[bit / 8] &= (uint8_t)~m;
	}
}

static int cond_from_rytm(int raw)
{
	if (raw == 22 || raw == 23)
		return raw == RYTM_FILL_CODE ? TS_COND_FILL : TS_COND_NOT_FILL;
	return raw;
}

static int cond_to_rytm(int cond)
{
	if (cond == TS_COND_FILL)
		return RYTM_FILL_CODE;
	if (cond == TS_COND_NOT_FILL)
		return 45 - RYTM_FILL_CODE;
	return cond;
}

/* ---- decoding ---- */

static const char *const track_names[NTRACKS] = {
	"BD", "SD", "RS", "CP", "BT", "LT", "MT", "HT", "CH", "OH", "CY", "CB", "FX",
};

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
	if (L->euclid && trk[L->euclid])
		warn(w, "track %d: euclidean mode (pulses %d, %d) not kept: the imported trigs are "
			"the stored ones", n, trk[L->euclid + 1], trk[L->euclid + 2]);
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

ts_status ts_rytm_decode(const uint8_t *raw, size_t n, ts_pattern *out, ts_rytm_warnings *w,
			 char err[TS_RYTM_ERR_MAX])
{
	if (n < 4) {
		snprintf(err, TS_RYTM_ERR_MAX, "pattern data of %zu bytes has no version word", n);
		return TS_ERR_PARSE;
	}
	const layout *L = NULL;
	if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == v5.version)
		L = &v5;
	else if (raw[0] == 0 && raw[1] == 0 && raw[2] == 0 && raw[3] == v4.version)
		L = &v4;
	if (!L) {
		snprintf(err, TS_RYTM_ERR_MAX, "unknown pattern version %02X %02X %02X %02X: expected "
			 "00 00 00 05 (FW 1.70) or 00 00 00 03 (FW 1.50-1.61)", raw[0], raw[1], raw[2],
			 raw[3]);
		return TS_ERR_PARSE;
	}
	if (n != L->raw_size) {
		snprintf(err, TS_RYTM_ERR_MAX, "pattern data (version %d, FW %s) is %zu bytes: "
			 "expected %zu", L->version, L->layout == 5 ? "1.70" : "1.50-1.61", n,
			 L->raw_size);
		return TS_ERR_PARSE;
	}
	ts_pattern *pat = malloc(sizeof(*pat));
	if (!pat)
		return TS_ERR_NOMEM;
	ts_pattern_init(pat);

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

	for (int i = 0; i < NTRACKS; i++) {
		const uint8_t *trk = trk0 + (size_t)i * L->track_size;
		int tn = i + 1;
		if (i == FX_TRACK) {
			int count = 0;
			for (int s = 0; s < 64; s++) {
				unsigned unk;
				count += (get_flags(L, trk, s, &unk) & F_ENABLE) != 0;
			}
			if (count)
				warn(w, "FX track: %d trig%s not kept (trigseq has no FX track)", count,
				     count == 1 ? "" : "s");
			continue;
		}
		ts_track *t = &pat->tracks[i];
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

		uint64_t loss[L_COUNT] = {0};
		uint64_t sound = 0;
		int beyond = 0;
		for (int s = 0; s < 64; s++) {
			unsigned unk;
			if (!(get_flags(L, trk, s, &unk) & F_ENABLE))
				continue;
			if (s >= len) {
				beyond++;
				continue;
			}
			decode_step(L, trk, s, t, loss);
			if (trk[L->sound_locks + (size_t)s] != 0xFF)
				sound |= (uint64_t)1 << s;
		}
		loss[L_SOUND] = sound;
		char steps[300];
		for (int k = 0; k < L_COUNT; k++)
			if (loss[k])
				warn(w, "track %d %s: %s", tn, steps_text(loss[k], steps, sizeof(steps)),
				     loss_text[k]);
		if (beyond)
			warn(w, "track %d: %d trig%s beyond the track length %d not kept", tn, beyond,
			     beyond == 1 ? "" : "s", len);
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

/* ---- the SysEx message ---- */

static const char *dump_kind(int id)
{
	static const char *const kinds[] = {"kit", "sound", "pattern", "song", "settings", "global"};
	if (id >= 0x52 && id <= 0x57)
		return kinds[id - 0x52];
	if (id >= 0x58 && id <= 0x5D)
		return kinds[id - 0x58];
	return "unknown";
}

/* The framing of one message msg[0 ... n) (F0 ... F7, realtime bytes removed), whatever its dump
 * type: false with err set (after `where`, which names the message in a file of several). */
static bool check_framing(const uint8_t *msg, size_t n, const char *where, char *err)
{
	size_t plen = n >= 15 ? n - 15 : 0;
	size_t bad = 1;
	while (bad < n - 1 && !(msg[bad] & 0x80))
		bad++;
	if (n < 16)
		snprintf(err, TS_RYTM_ERR_MAX, "%smessage of %zu bytes is too short for a Rytm dump "
			 "(at least 16)", where, n);
	else if (msg[1] != 0x00 || msg[2] != 0x20 || msg[3] != 0x3C)
		snprintf(err, TS_RYTM_ERR_MAX, "%smanufacturer ID %02X %02X %02X: expected 00 20 3C "
			 "(Elektron)", where, msg[1], msg[2], msg[3]);
	else if (msg[4] != 0x07)
		snprintf(err, TS_RYTM_ERR_MAX, "%sproduct ID 0x%02X: expected 0x07 (Analog Rytm)",
			 where, msg[4]);
	else if (msg[7] != 0x01 || msg[8] != 0x01)
		snprintf(err, TS_RYTM_ERR_MAX, "%scontainer version %02X %02X: expected 01 01", where,
			 msg[7], msg[8]);
	else if (bad < n - 1)
		snprintf(err, TS_RYTM_ERR_MAX, "%sbyte 0x%02X at offset %zu inside the message: "
			 "expected 7-bit data", where, msg[bad], bad);
	else if (((unsigned)msg[n - 3] << 7 | msg[n - 2]) != ((plen + 5) & 0x3FFF))
		snprintf(err, TS_RYTM_ERR_MAX, "%slength field %u: expected %zu (%zu payload bytes + "
			 "5); the message is truncated or damaged", where,
			 (unsigned)msg[n - 3] << 7 | msg[n - 2], plen + 5, plen);
	else if (((unsigned)msg[n - 5] << 7 | msg[n - 4]) != ts_rytm_checksum(msg + 10, plen))
		snprintf(err, TS_RYTM_ERR_MAX, "%sbad checksum: found 0x%04X, expected 0x%04X (the "
			 "message is damaged)", where, (unsigned)msg[n - 5] << 7 | msg[n - 4],
			 ts_rytm_checksum(msg + 10, plen));
	else
		return true;
	return false;
}

static bool is_pattern(const uint8_t *msg)
{
	return msg[6] == 0x54 || msg[6] == 0x5A;
}

/* The messages of a file, split at F0 ... F7: *count of them in spans (start, length pairs,
 * malloc'd), or false with err set. */
static bool split_messages(const uint8_t *msg, size_t n, size_t **spans, int *count, char *err)
{
	*count = 0;
	/* A message is 2 bytes at least (F0 F7): n / 2 of them at most, two numbers each. */
	*spans = malloc((n / 2 + 1) * 2 * sizeof(**spans));
	if (!*spans) {
		snprintf(err, TS_RYTM_ERR_MAX, "out of memory");
		return false;
	}
	if (n == 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "empty file: expected a SysEx message (F0 ... F7)");
		return false;
	}
	for (size_t i = 0; i < n;) {
		if (msg[i] != 0xF0) {
			if (i == 0)
				snprintf(err, TS_RYTM_ERR_MAX, "not a SysEx message: first byte 0x%02X, "
					 "expected 0xF0", msg[0]);
			else
				snprintf(err, TS_RYTM_ERR_MAX, "byte 0x%02X at offset %zu after a message: "
					 "expected another message (F0) or the end of the file", msg[i], i);
			return false;
		}
		size_t end = i + 1;
		while (end < n && msg[end] != 0xF7 && msg[end] != 0xF0)
			end++;
		if (end == n || msg[end] == 0xF0) {
			snprintf(err, TS_RYTM_ERR_MAX, "truncated message: %zu bytes from offset %zu and "
				 "no end byte F7", end - i, i);
			return false;
		}
		(*spans)[2 * *count] = i;
		(*spans)[2 * *count + 1] = end + 1 - i;
		++*count;
		i = end + 1;
	}
	return true;
}

ts_status ts_rytm_import(const uint8_t *data, size_t len, ts_pattern *pat, ts_rytm_info *info,
			 ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX])
{
	return ts_rytm_import_select(data, len, -1, pat, info, w, err);
}

ts_status ts_rytm_import_select(const uint8_t *data, size_t len, int number, ts_pattern *pat,
				ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX])
{
	/* The messages without realtime bytes, which MIDI lets in anywhere. */
	uint8_t *msg = malloc(len ? len : 1);
	if (!msg)
		return TS_ERR_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (data[i] < 0xF8)
			msg[n++] = data[i];
	size_t *spans = NULL;
	int count = 0;
	ts_status st = TS_ERR_PARSE;
	uint8_t *raw = NULL;
	if (!split_messages(msg, n, &spans, &count, err)) {
		st = spans ? TS_ERR_PARSE : TS_ERR_NOMEM;
		goto out;
	}
	/* Every message must be a sound Rytm message: a damaged file is refused whole. */
	int patterns = 0, chosen = -1, others[7] = {0};    /* by dump_kind(), 6: unknown */
	char names[120] = "";
	size_t nl = 0;
	for (int k = 0; k < count; k++) {
		const uint8_t *m = msg + spans[2 * k];
		char where[48] = "";
		if (count > 1)
			snprintf(where, sizeof(where), "message %d of %d: ", k + 1, count);
		if (!check_framing(m, spans[2 * k + 1], where, err))
			goto out;
		if (!is_pattern(m)) {
			int id = m[6];
			others[id >= 0x52 && id <= 0x5D ? (id - 0x52) % 6 : 6]++;
			if (count == 1) {
				snprintf(err, TS_RYTM_ERR_MAX, "dump ID 0x%02X (%s): expected 0x54 or 0x5A "
					 "(pattern)", id, dump_kind(id));
				goto out;
			}
			continue;
		}
		patterns++;
		if (nl < sizeof(names) - 8)
			nl += (size_t)snprintf(names + nl, sizeof(names) - nl, "%s%c%02d",
					       nl ? ", " : "", 'A' + m[9] / 16, m[9] % 16 + 1);
		if ((number < 0 || m[9] == number) && chosen < 0)
			chosen = k;
	}
	if (patterns == 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "no pattern dump among the file's %d messages", count);
		goto out;
	}
	if (number < 0 && patterns > 1) {
		snprintf(err, TS_RYTM_ERR_MAX, "the file holds %d pattern dumps (%s%s): choose one "
			 "with --pattern", patterns, names, nl >= sizeof(names) - 8 ? ", ..." : "");
		goto out;
	}
	if (chosen < 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "no dump of pattern %c%02d in the file (it holds %s%s)",
			 'A' + number / 16, number % 16 + 1, names,
			 nl >= sizeof(names) - 8 ? ", ..." : "");
		goto out;
	}
	const uint8_t *m = msg + spans[2 * chosen];
	size_t plen = spans[2 * chosen + 1] - 15;
	if (!(raw = malloc(ts_rytm_unpacked_size(plen) + 1))) {
		st = TS_ERR_NOMEM;
		goto out;
	}
	size_t rn = ts_rytm_unpack7(m + 10, plen, raw);
	st = ts_rytm_decode(raw, rn, pat, w, err);
	if (st == TS_OK && info) {
		info->layout = raw[3] == 5 ? 5 : 4;
		info->device = m[5];
		info->dump_id = m[6];
		info->number = m[9];
	}
	static const char *const kinds[7] = {"kit", "sound", "pattern", "song", "settings",
					     "global", "unknown"};
	for (int k = 0; k < 7 && st == TS_OK; k++)
		if (others[k])
			warn(w, "%d %s dump%s in the file skipped (only patterns are imported)",
			     others[k], kinds[k], others[k] == 1 ? "" : "s");
	if (st == TS_OK && patterns > 1)
		warn(w, "%d other pattern dump%s in the file skipped (it holds %s)", patterns - 1,
		     patterns == 2 ? "" : "s", names);
	if (st == TS_OK && w && w->nomem)
		st = TS_ERR_NOMEM;
out:
	free(raw);
	free(spans);
	free(msg);
	return st;
}

/* ---- encoding ---- */

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
	const layout *L = &v5;
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

ts_status ts_rytm_export(const ts_pattern *pat, int number, uint8_t **out, size_t *len,
			 ts_rytm_warnings *w)
{
	if (number < 0 || number > 127)
		return TS_ERR_RANGE;
	uint8_t *raw = malloc(TS_RYTM_V5_RAW_SIZE);
	size_t plen = ts_rytm_packed_size(TS_RYTM_V5_RAW_SIZE);
	uint8_t *msg = malloc(plen + 15);
	if (!raw || !msg) {
		free(raw);
		free(msg);
		return TS_ERR_NOMEM;
	}
	ts_rytm_encode(pat, raw, w);
	static const uint8_t head[10] = {0xF0, 0x00, 0x20, 0x3C, 0x07, 0x00, 0x54, 0x01, 0x01, 0};
	memcpy(msg, head, sizeof(head));
	msg[9] = (uint8_t)number;
	ts_rytm_pack7(raw, TS_RYTM_V5_RAW_SIZE, msg + 10);
	free(raw);
	unsigned sum = ts_rytm_checksum(msg + 10, plen);
	size_t k = 10 + plen;
	msg[k++] = (uint8_t)(sum >> 7);
	msg[k++] = sum & 0x7F;
	msg[k++] = (uint8_t)(((plen + 5) >> 7) & 0x7F);
	msg[k++] = (plen + 5) & 0x7F;
	msg[k++] = 0xF7;
	if (w && w->nomem) {
		free(msg);
		return TS_ERR_NOMEM;
	}
	*out = msg;
	*len = k;
	return TS_OK;
}

int ts_rytm_pattern_parse(const char *s)
{
	if (s[0] >= 'A' && s[0] <= 'H' && s[1] >= '0' && s[1] <= '9') {
		int slot = s[1] - '0';
		if (s[2] >= '0' && s[2] <= '9' && !s[3])
			slot = slot * 10 + s[2] - '0';
		else if (s[2])
			return -1;
		if (slot < 1 || slot > 16)
			return -1;
		return (s[0] - 'A') * 16 + slot - 1;
	}
	int v = 0, digits = 0;
	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		v = v * 10 + (*s - '0');
	return digits && !*s && v <= 127 ? v : -1;
}
