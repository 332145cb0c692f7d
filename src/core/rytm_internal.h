/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the Rytm dump files share (rytm.c: the warnings, the 7-bit framing and the SysEx
 * messages; rytm_layout.c: the two raw layouts; rytm_decode.c: raw data to a pattern;
 * rytm_encode.c: a pattern to raw data). Private to src/core/rytm*.c.
 *
 * Threads: as rytm.h (any but the real-time thread).
 */
#ifndef TRIGSEQ_RYTM_INTERNAL_H
#define TRIGSEQ_RYTM_INTERNAL_H

#include <stdarg.h>
#include <stdio.h>

#include "trigseq/core/rytm.h"

/* ---- warnings ---- */

struct ts_rytm_warnings {
	char **lines;
	size_t n, cap;
	bool nomem;
};

/* Appends one line to w (NULL: none kept); on allocation failure w->nomem is set and later lines
 * are dropped, so the caller fails with TS_ERR_NOMEM once, at the end. */
void ts_rytm_vwarn(ts_rytm_warnings *w, const char *fmt, va_list ap);

static inline void warn(ts_rytm_warnings *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void warn(ts_rytm_warnings *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	ts_rytm_vwarn(w, fmt, ap);
	va_end(ap);
}

/* "step 5" or "steps 1, 5, 9" (1-based) from a mask of 0-based steps. */
static inline const char *steps_text(uint64_t mask, char *buf, size_t size)
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


/* rytm_layout.c */
extern const layout ts_rytm_v5;
extern const layout ts_rytm_v4;

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

static inline unsigned get16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static inline void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline unsigned get_flags(const layout *L, const uint8_t *trk, int s, unsigned *unknown)
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

static inline void put_flags14(uint8_t *trk, int s, unsigned v)
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

static inline int cond_from_rytm(int raw)
{
	if (raw == 22 || raw == 23)
		return raw == RYTM_FILL_CODE ? TS_COND_FILL : TS_COND_NOT_FILL;
	return raw;
}

static inline int cond_to_rytm(int cond)
{
	if (cond == TS_COND_FILL)
		return RYTM_FILL_CODE;
	if (cond == TS_COND_NOT_FILL)
		return 45 - RYTM_FILL_CODE;
	return cond;
}

#endif
