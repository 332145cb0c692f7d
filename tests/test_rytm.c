/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Analog Rytm dumps (rytm.h): 7-bit packing, checksum, the decoding of every field from raw bytes
 * placed by hand at the offsets of spec/rytm-semantics.md §7, the framing errors, and export then
 * import giving the same pattern.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "trigseq/core/patfile.h"
#include "trigseq/core/rytm.h"

/* v5 offsets (§7.3, §7.4), written out here rather than taken from rytm.c */
#define TRK(i) (4 + (size_t)(i) * 0x281)
#define V4TRK(i) (4 + (size_t)(i) * 0x289)

static uint8_t raw[TS_RYTM_V4_RAW_SIZE];
static ts_pattern pat, pat2;

static void set_flags14(uint8_t *trk, int s, unsigned v)
{
	for (int b = 0; b < 14; b++) {
		int bit = 14 * s + b;
		if ((v >> (13 - b)) & 1)
			trk[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
		else
			trk[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
	}
}

/* A v5 raw pattern as export writes an empty default pattern: the base the tests poke into. */
static void empty_v5(void)
{
	ts_pattern_init(&pat);
	ts_rytm_encode(&pat, raw, NULL);
}

static ts_rytm_warnings *decode_ok(size_t n)
{
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	char err[TS_RYTM_ERR_MAX] = "";
	assert_int_equal(ts_rytm_decode(raw, n, &pat, w, err), TS_OK);
	return w;
}

static bool has_warning(const ts_rytm_warnings *w, const char *text)
{
	for (size_t i = 0; i < ts_rytm_warnings_count(w); i++)
		if (strstr(ts_rytm_warnings_get(w, i), text))
			return true;
	return false;
}

static void packing(void **state)
{
	(void)state;
	static const uint8_t in[9] = {0x80, 0x01, 0xFF, 0x00, 0x7F, 0x81, 0x02, 0x80, 0x05};
	static const uint8_t want[11] = {0x52, 0x00, 0x01, 0x7F, 0x00, 0x7F, 0x01, 0x02,
					 0x40, 0x00, 0x05};
	uint8_t out[16], back[16];
	assert_int_equal(ts_rytm_pack7(in, 9, out), 11);
	assert_memory_equal(out, want, 11);
	assert_int_equal(ts_rytm_unpack7(out, 11, back), 9);
	assert_memory_equal(back, in, 9);
	/* whole-pattern sizes of §7.1 */
	assert_int_equal(ts_rytm_packed_size(TS_RYTM_V5_RAW_SIZE) + 15, TS_RYTM_V5_SYSEX_SIZE);
	assert_int_equal(ts_rytm_packed_size(TS_RYTM_V4_RAW_SIZE) + 15, 15107);
	for (size_t n = 0; n < 40; n++)
		assert_int_equal(ts_rytm_unpacked_size(ts_rytm_packed_size(n)), n);
	/* random bytes round trip */
	uint8_t *big = malloc(TS_RYTM_V4_RAW_SIZE), *p = malloc(16000), *u = malloc(TS_RYTM_V4_RAW_SIZE);
	srand(7);
	for (size_t i = 0; i < TS_RYTM_V4_RAW_SIZE; i++)
		big[i] = (uint8_t)rand();
	size_t pn = ts_rytm_pack7(big, TS_RYTM_V4_RAW_SIZE, p);
	for (size_t i = 0; i < pn; i++)
		assert_true(p[i] < 0x80);
	assert_int_equal(ts_rytm_unpack7(p, pn, u), TS_RYTM_V4_RAW_SIZE);
	assert_memory_equal(u, big, TS_RYTM_V4_RAW_SIZE);
	free(big);
	free(p);
	free(u);
}

static void checksum(void **state)
{
	(void)state;
	uint8_t b[200];
	memset(b, 0x7F, sizeof(b));
	assert_int_equal(ts_rytm_checksum(b, 200), (200 * 127) & 0x3FFF);
	assert_int_equal(ts_rytm_checksum(b, 0), 0);
}

static void trig_flags_and_kinds(void **state)
{
	(void)state;
	empty_v5();
	uint8_t *t = raw + TRK(0);
	set_flags14(t, 0, 0x0001 | 0x0008);             /* ENABLE ACCENT */
	set_flags14(t, 5, 0x0001 | 0x0004);             /* ENABLE MUTE */
	set_flags14(t, 6, 0x0001 | 0x3841);             /* trigless: every lock enable, no state */
	set_flags14(t, 7, 0x0001 | 0x0002 | 0x0020);    /* RETRIG SLIDE */
	set_flags14(t, 8, 0x0001 | 0x0010);             /* SWING on odd step 9 */
	set_flags14(t, 9, 0x0001);                      /* no SWING on even step 10 */
	set_flags14(t, 11, 0x0001 | 0x0010);            /* SWING on even step 12: the parity */
	set_flags14(t, 12, 0x3FFE);                     /* no ENABLE: no trig */
	set_flags14(t, 13, 0x0001 | 0x0800);            /* SYN lock enable, state off */
	raw[TRK(0) + 0x235] = 16;
	ts_rytm_warnings *w = decode_ok(TS_RYTM_V5_RAW_SIZE);
	const ts_trig *s = pat.tracks[0].steps;
	assert_int_equal(s[0].kind, TS_TRIG_ACCENT);
	assert_int_equal(s[5].kind, TS_TRIG_MUTED);
	assert_int_equal(s[6].kind, TS_TRIG_LOCK);
	assert_int_equal(s[7].kind, TS_TRIG_NOTE);
	assert_true(s[7].retrig);
	assert_true(s[7].slide);
	assert_int_equal(s[8].swing, TS_SWING_ON);
	assert_int_equal(s[9].swing, TS_SWING_OFF);
	assert_int_equal(s[11].swing, TS_SWING_AUTO);
	assert_int_equal(s[12].kind, TS_TRIG_NONE);
	assert_int_equal(s[13].kind, TS_TRIG_NOTE);
	assert_true(has_warning(w, "track 1 step 14: SYN/SMP/ENV/LFO trig switch locks not kept"));
	ts_rytm_warnings_free(w);

	/* the last step's 14 bits end the 112-byte stream */
	empty_v5();
	set_flags14(raw + TRK(2), 63, 0x0001 | 0x0008);
	raw[TRK(2) + 0x235] = 64;
	raw[0x3327] = 1;                                 /* advanced */
	w = decode_ok(TS_RYTM_V5_RAW_SIZE);
	assert_int_equal(pat.tracks[2].steps[63].kind, TS_TRIG_ACCENT);
	assert_int_equal(pat.tracks[2].length, 64);
	assert_int_equal(raw[TRK(2) + 111] & 0x3F, 0x09);   /* bits 0 and 3 of the last word */
	ts_rytm_warnings_free(w);
}

static void step_values_and_conditions(void **state)
{
	(void)state;
	empty_v5();
	uint8_t *t = raw + TRK(1);
	for (int s = 0; s < 8; s++)
		set_flags14(t, s, 1);
	/* step 1: note 48, vel 90, length index 46 (4 steps), micro -1 */
	t[0x70] = 0x80 | 48;              /* bit 7: condition bit 6 */
	t[0xB0] = 90;
	t[0xF0] = 46;
	t[0x130] = 0xC0 | 0x3F;
	/* step 2: condition 45 (1:6 ... B = 6: 30 + 14 + 1 = 45 -> 2:6) scattered over 4 bytes,
	 * micro +23 */
	int c = 45;
	t[0x71] = (uint8_t)(0x7F | ((c >> 6) & 1) << 7);
	t[0x131] = (uint8_t)(23 | ((c >> 4) & 3) << 6);
	t[0x171] = (uint8_t)(14 | ((c >> 3) & 1) << 7);
	t[0x1B1] = (uint8_t)(9 | (c & 7) << 5);
	/* step 3: raw 22 = FILL, micro -23 (0x29) */
	c = 22;
	t[0x72] = (uint8_t)(0x7F | ((c >> 6) & 1) << 7);
	t[0x132] = (uint8_t)(0x29 | ((c >> 4) & 3) << 6);
	t[0x172] = (uint8_t)(14 | ((c >> 3) & 1) << 7);
	t[0x1B2] = (uint8_t)(9 | (c & 7) << 5);
	/* step 4: retrig 1/80 (rate 16), length INF, curve -128; condition 0 (1%) */
	set_flags14(t, 3, 0x0003);
	t[0x133] = 0x00;
	t[0x173] = 127;
	t[0x1B3] = 16;
	t[0x1F3] = 0x80;
	t[0x73] = 0x7F;
	/* step 5: velocity 0 and a length byte 200: warnings */
	t[0xB4] = 0;
	t[0xF4] = 200;
	ts_rytm_warnings *w = decode_ok(TS_RYTM_V5_RAW_SIZE);
	const ts_trig *s = pat.tracks[1].steps;
	assert_int_equal(s[0].nnotes, 1);
	assert_int_equal(s[0].notes[0], 48);
	assert_int_equal(s[0].vel, 90);
	assert_int_equal(s[0].gate, 46);
	assert_int_equal(s[0].micro, -1);
	assert_int_equal(s[0].cond, TS_COND_NONE);
	assert_int_equal(s[1].nnotes, 0);
	assert_int_equal(s[1].vel, TS_UNSET);
	assert_int_equal(s[1].gate, TS_UNSET);
	assert_int_equal(s[1].cond, ts_cond_from_ab(2, 6));
	assert_int_equal(s[1].micro, 23);
	assert_int_equal(s[2].cond, TS_COND_FILL);
	assert_int_equal(s[2].micro, -23);
	assert_true(s[3].retrig);
	assert_int_equal(s[3].cond, 0);
	assert_int_equal(ts_rate_div(s[3].retrig_rate), 80);
	assert_int_equal(s[3].retrig_len, TS_LEN_INF);
	assert_int_equal(s[3].retrig_vel, -128);
	/* retrig values equal to the track defaults stay unset */
	assert_int_equal(s[0].retrig_rate, TS_UNSET);
	assert_int_equal(s[0].retrig_len, TS_UNSET);
	assert_int_equal(s[0].retrig_vel, TS_UNSET_I16);
	assert_int_equal(s[4].vel, 1);
	assert_int_equal(s[4].gate, TS_UNSET);
	assert_true(has_warning(w, "track 2 step 5: velocity 0 imported as 1"));
	assert_true(has_warning(w, "track 2 step 5: length byte over 127"));
	ts_rytm_warnings_free(w);
}

static void track_and_pattern_fields(void **state)
{
	(void)state;
	empty_v5();
	raw[0x3327] = 1;                        /* advanced */
	raw[0x3321] = 0x03;                     /* master length 1000 */
	raw[0x3322] = 0xE8;
	raw[0x3323] = 0;                        /* master change 1 = off */
	raw[0x3324] = 1;
	raw[0x3326] = 30;                       /* swing 80 % */
	raw[0x3328] = 4;                        /* master speed 1/2x */
	raw[0x332A] = (uint8_t)((1234 * 12) >> 8);   /* 123.4 BPM */
	raw[0x332B] = (uint8_t)(1234 * 12);
	uint8_t *t = raw + TRK(4);
	t[0x230] = 36;
	t[0x231] = 7;
	t[0x232] = 127;
	t[0x235] = 33;
	t[0x277] = 0x80 | 0;                    /* send MIDI, 2x */
	t[0x278] = 42;
	raw[TRK(5) + 0x277] = 4;                /* the master speed: speed not set */
	raw[0x3325] = 3;                        /* kit 4 */
	ts_rytm_warnings *w = decode_ok(TS_RYTM_V5_RAW_SIZE);
	assert_int_equal(pat.mode, TS_MODE_ADVANCED);
	assert_int_equal(pat.length, 1000);
	assert_int_equal(pat.change, 0);
	assert_int_equal(pat.swing, 80);
	assert_int_equal(pat.speed, TS_SPEED_1_2X);
	assert_int_equal(pat.tempo10, 1234);
	const ts_track *k = &pat.tracks[4];
	assert_int_equal(k->notes[0], 36);
	assert_int_equal(k->velocity, 7);
	assert_int_equal(k->gate, TS_LEN_INF);
	assert_int_equal(k->length, 33);
	assert_true(k->length_set);
	assert_int_equal(k->speed, TS_SPEED_2X);
	assert_true(k->speed_set);
	assert_true(k->send_midi);
	assert_int_equal(k->prob, 42);
	assert_false(pat.tracks[5].speed_set);
	assert_false(pat.tracks[5].send_midi);
	assert_true(has_warning(w, "kit 4"));
	ts_rytm_warnings_free(w);

	/* master length INF, change 1024 */
	raw[0x3321] = 0;
	raw[0x3322] = 1;
	raw[0x3323] = 4;
	raw[0x3324] = 0;
	w = decode_ok(TS_RYTM_V5_RAW_SIZE);
	assert_int_equal(pat.length, 0);
	assert_int_equal(pat.change, 1024);
	ts_rytm_warnings_free(w);
}

static void plocks_are_warnings(void **state)
{
	(void)state;
	empty_v5();
	uint8_t *lane = raw + 0x2091 + 3 * 66;
	lane[0] = 0x14;         /* filter freq */
	lane[1] = 6;            /* track 7 */
	lane[2 + 4] = 100;
	lane[2 + 63] = 0;
	raw[TRK(6) + 0x237 + 2] = 9;   /* a sound lock on an empty step: not reported */
	ts_rytm_warnings *w = decode_ok(TS_RYTM_V5_RAW_SIZE);
	assert_true(has_warning(w, "track 7 steps 5, 64: p-lock of filter freq not kept"));
	assert_int_equal(ts_rytm_warnings_count(w), 1);
	ts_rytm_warnings_free(w);
}

static void v4_layout(void **state)
{
	(void)state;
	memset(raw, 0, sizeof(raw));
	raw[3] = 3;
	for (int i = 0; i < 13; i++) {
		uint8_t *t = raw + V4TRK(i);
		memset(t + 0x80, 0xFF, 3 * 64);           /* notes, velocities, lengths default */
		memset(t + 0x140, 0xC0, 64);              /* micro 0, no condition */
		memset(t + 0x180, 0x80 | 14, 64);
		memset(t + 0x1C0, 0xE0 | 9, 64);
		memset(t + 0x248, 0xFF, 64);
		t[0x240] = 60;
		t[0x241] = 100;
		t[0x242] = 14;
		t[0x243] = 0x07;
		t[0x244] = 0x80;
		t[0x246] = 16;
		t[0x288] = 2;
	}
	memset(raw + 0x20F9, 0xFF, 72 * 66);
	raw[0x338A] = 16;
	raw[0x338C] = 1;
	raw[0x338D] = 0xFF;
	raw[0x338E] = 8;
	raw[0x3390] = 2;
	raw[0x3392] = (uint8_t)((1200 * 12) >> 8);
	raw[0x3393] = (uint8_t)(1200 * 12);
	uint8_t *t = raw + V4TRK(3);
	t[2 * 2] = 0x80;               /* step 3: RETRIG (bit 15) */
	t[2 * 2 + 1] = 0x01;
	t[0x182] = 0x80 | 30;          /* retrig length 2 */
	t[0x1C2] = 0xE0 | 12;          /* 1/32 */
	t[2 * 5] = 0x78;               /* step 6: trigless (0x7801) */
	t[2 * 5 + 1] = 0x01;
	t[0x288] = 0x80 | 2;
	ts_rytm_warnings *w = decode_ok(TS_RYTM_V4_RAW_SIZE);
	assert_int_equal(ts_rytm_warnings_count(w), 0);
	assert_int_equal(pat.swing, 58);
	assert_int_equal(pat.length, 16);
	assert_int_equal(pat.tempo10, 1200);
	const ts_trig *s = pat.tracks[3].steps;
	assert_int_equal(s[2].kind, TS_TRIG_NOTE);
	assert_true(s[2].retrig);
	assert_int_equal(s[2].retrig_len, 30);
	assert_int_equal(ts_rate_div(s[2].retrig_rate), 32);
	assert_int_equal(s[5].kind, TS_TRIG_LOCK);
	assert_true(pat.tracks[3].send_midi);
	assert_int_equal(pat.tracks[3].prob, 100);
	ts_rytm_warnings_free(w);
}

static void decode_errors(void **state)
{
	(void)state;
	char err[TS_RYTM_ERR_MAX];
	empty_v5();
	raw[3] = 1;
	assert_int_equal(ts_rytm_decode(raw, TS_RYTM_V5_RAW_SIZE, &pat, NULL, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "unknown pattern version 00 00 00 01"));
	raw[3] = 5;
	assert_int_equal(ts_rytm_decode(raw, 13000, &pat, NULL, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "13000 bytes: expected 13101"));
}

static const char *const full_text =
	"trigseq 1\n"
	"tempo 98.7\n"
	"swing 61\n"
	"mode advanced\n"
	"length inf\n"
	"speed 3/4x\n"
	"change 48\n"
	"track 1\n"
	"  note E2\n"
	"  velocity 77\n"
	"  gate 0.5\n"
	"  length 13\n"
	"  speed 2x\n"
	"  send-midi off\n"
	"  prob 33\n"
	"  steps xX-o x... .... x\n"
	"  step 1 note 84 vel 5 gate inf micro -7 cond 99% retrig=1/5 retrig-len 128 retrig-vel -3\n"
	"  step 2 cond fill noswing slide\n"
	"  step 3 cond !fill swing\n"
	"  step 4 cond 7:8 retrig-len 0.25 retrig-vel 9\n"
	"  step 5 cond !nei retrig\n"
	"  step 13 micro 23 cond 1st\n"
	"track 12\n"
	"  length 64\n"
	"  steps .... .... .... .... .... .... .... .... .... .... .... .... .... .... .... ...x\n"
	"  step 64 cond !1st vel 127\n";

static void export_then_import(void **state)
{
	(void)state;
	static ts_diags diags;
	memset(&pat, 0, sizeof(pat));
	assert_int_equal(ts_patfile_parse(full_text, strlen(full_text), &pat, NULL, &diags), TS_OK);
	for (int i = 0; i < TS_TRACKS; i++)
		pat.tracks[i].declared = false;
	uint8_t *dump = NULL;
	size_t len = 0;
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	assert_int_equal(ts_rytm_export(&pat, 127, &dump, &len, w), TS_OK);
	assert_int_equal(ts_rytm_warnings_count(w), 0);
	assert_int_equal(len, TS_RYTM_V5_SYSEX_SIZE);
	ts_rytm_info info;
	char err[TS_RYTM_ERR_MAX];
	assert_int_equal(ts_rytm_import(dump, len, &pat2, &info, w, err), TS_OK);
	assert_int_equal(ts_rytm_warnings_count(w), 0);
	assert_int_equal(info.layout, 5);
	assert_int_equal(info.number, 127);
	assert_int_equal(info.dump_id, 0x54);
	assert_memory_equal(&pat, &pat2, sizeof(pat));

	/* framing errors name what was expected */
	dump[len - 5] ^= 1;
	assert_int_equal(ts_rytm_import(dump, len, &pat2, NULL, w, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "bad checksum"));
	dump[len - 5] ^= 1;
	dump[4] = 0x06;
	assert_int_equal(ts_rytm_import(dump, len, &pat2, NULL, w, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "product ID 0x06: expected 0x07"));
	dump[4] = 0x07;
	dump[len - 2] ^= 1;
	assert_int_equal(ts_rytm_import(dump, len, &pat2, NULL, w, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "length field"));
	dump[len - 2] ^= 1;
	assert_int_equal(ts_rytm_import(dump, len - 1, &pat2, NULL, w, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "truncated"));
	assert_int_equal(ts_rytm_import(dump, 0, &pat2, NULL, w, err), TS_ERR_PARSE);
	dump[6] = 0x52;
	assert_int_equal(ts_rytm_import(dump, len, &pat2, NULL, w, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "(kit)"));
	free(dump);
	ts_rytm_warnings_free(w);
}

/* A file of several dumps: the one asked for, the only one, or an error naming them. */
static void several_dumps(void **state)
{
	(void)state;
	ts_pattern_init(&pat);
	pat.tempo10 = 900;
	uint8_t *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	assert_int_equal(ts_rytm_export(&pat, 3, &a, &alen, NULL), TS_OK);
	pat.tempo10 = 1500;
	assert_int_equal(ts_rytm_export(&pat, 40, &b, &blen, NULL), TS_OK);
	uint8_t *both = malloc(alen + blen);
	memcpy(both, a, alen);
	memcpy(both + alen, b, blen);
	char err[TS_RYTM_ERR_MAX];
	ts_rytm_info info;
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	assert_int_equal(ts_rytm_import(both, alen + blen, &pat2, &info, w, err), TS_ERR_PARSE);
	assert_non_null(strstr(err, "2 pattern dumps (A04, C09)"));
	assert_int_equal(ts_rytm_import_select(both, alen + blen, 40, &pat2, &info, w, err), TS_OK);
	assert_int_equal(pat2.tempo10, 1500);
	assert_int_equal(info.number, 40);
	assert_true(has_warning(w, "1 other pattern dump in the file skipped"));
	assert_int_equal(ts_rytm_import_select(both, alen + blen, 3, &pat2, NULL, w, err), TS_OK);
	assert_int_equal(pat2.tempo10, 900);
	assert_int_equal(ts_rytm_import_select(both, alen + blen, 4, &pat2, NULL, w, err),
			 TS_ERR_PARSE);
	assert_non_null(strstr(err, "no dump of pattern A05"));
	/* a byte between messages */
	both[alen] = 0x00;
	assert_int_equal(ts_rytm_import_select(both, alen + blen, 3, &pat2, NULL, w, err),
			 TS_ERR_PARSE);
	assert_non_null(strstr(err, "after a message"));
	free(a);
	free(b);
	free(both);
	ts_rytm_warnings_free(w);
}

/* Many short messages: the file is split into as many spans as it has messages (a file of
 * empty messages F0 F7 overflowed the span table once; fuzz_rytm found it). */
static void many_short_messages(void **state)
{
	(void)state;
	uint8_t file[64];
	for (size_t i = 0; i < sizeof(file); i += 2) {
		file[i] = 0xF0;
		file[i + 1] = 0xF7;
	}
	char err[TS_RYTM_ERR_MAX];
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	for (size_t n = 2; n <= sizeof(file); n += 2) {
		assert_int_equal(ts_rytm_import(file, n, &pat2, NULL, w, err), TS_ERR_PARSE);
		assert_true(err[0] != '\0');
	}
	const uint8_t three[] = { 0xF0, 0xFF, 0xF7, 0xF0, 0xF7 };
	assert_int_equal(ts_rytm_import(three, sizeof(three), &pat2, NULL, w, err), TS_ERR_PARSE);
	ts_rytm_warnings_free(w);
}

static void export_warnings(void **state)
{
	(void)state;
	static const char text[] =
		"trigseq 1\nname \"x\"\ntrack 2 \"Kick\"\n  channel 9\n  note C1+E1\n"
		"  steps x... .... .... ....\n  step 1 note 100+103 cc 7=1\n";
	static ts_diags diags;
	memset(&pat, 0, sizeof(pat));
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_OK);
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	uint8_t *dump = NULL;
	size_t len = 0;
	assert_int_equal(ts_rytm_export(&pat, 0, &dump, &len, w), TS_OK);
	assert_true(has_warning(w, "pattern name \"x\" not kept"));
	assert_true(has_warning(w, "track 2: name \"Kick\" not kept"));
	assert_true(has_warning(w, "track 2: channel 9 not kept"));
	assert_true(has_warning(w, "track 2: default chord reduced to its first note C2"));
	assert_true(has_warning(w, "track 2 step 1: chord reduced"));
	assert_true(has_warning(w, "track 2 step 1: note outside the Rytm's 36 ... 84"));
	assert_true(has_warning(w, "track 2 step 1: cc locks not kept"));
	char err[TS_RYTM_ERR_MAX];
	assert_int_equal(ts_rytm_import(dump, len, &pat2, NULL, NULL, err), TS_OK);
	assert_int_equal(pat2.tracks[1].notes[0], 36);          /* C1 = 24, up two octaves */
	assert_int_equal(pat2.tracks[1].steps[0].notes[0], 76); /* 100, down two octaves */
	assert_int_equal(ts_rytm_export(&pat, 128, &dump, &len, w), TS_ERR_RANGE);
	free(dump);
	ts_rytm_warnings_free(w);
}

static void pattern_names(void **state)
{
	(void)state;
	assert_int_equal(ts_rytm_pattern_parse("A01"), 0);
	assert_int_equal(ts_rytm_pattern_parse("A1"), 0);
	assert_int_equal(ts_rytm_pattern_parse("B03"), 18);
	assert_int_equal(ts_rytm_pattern_parse("H16"), 127);
	assert_int_equal(ts_rytm_pattern_parse("127"), 127);
	assert_int_equal(ts_rytm_pattern_parse("0"), 0);
	assert_int_equal(ts_rytm_pattern_parse("128"), -1);
	assert_int_equal(ts_rytm_pattern_parse("A17"), -1);
	assert_int_equal(ts_rytm_pattern_parse("A00"), -1);
	assert_int_equal(ts_rytm_pattern_parse("I01"), -1);
	assert_int_equal(ts_rytm_pattern_parse(""), -1);
	assert_int_equal(ts_rytm_pattern_parse("A016"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(packing),
		cmocka_unit_test(checksum),
		cmocka_unit_test(trig_flags_and_kinds),
		cmocka_unit_test(step_values_and_conditions),
		cmocka_unit_test(track_and_pattern_fields),
		cmocka_unit_test(plocks_are_warnings),
		cmocka_unit_test(v4_layout),
		cmocka_unit_test(decode_errors),
		cmocka_unit_test(export_then_import),
		cmocka_unit_test(several_dumps),
		cmocka_unit_test(many_short_messages),
		cmocka_unit_test(export_warnings),
		cmocka_unit_test(pattern_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
