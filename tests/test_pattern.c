/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The shared value tables and pattern defaults. */
#include "testutil.h"

#include <string.h>

#include "trigseq/core/pattern.h"

static void lengths_follow_the_rytm_table(void **state)
{
	(void)state;
	/* rytm-semantics §3.2, in sixteenths of a step. */
	assert_int_equal(ts_len16(0), 2);        /* 0.125 */
	assert_int_equal(ts_len16(2), 4);        /* 1/64 note = 0.25 step */
	assert_int_equal(ts_len16(6), 8);        /* 0.5 */
	assert_int_equal(ts_len16(14), 16);      /* 1 */
	assert_int_equal(ts_len16(16), 18);      /* 1.125 (the table's index-16 typo is 1.125) */
	assert_int_equal(ts_len16(30), 32);      /* 2 */
	assert_int_equal(ts_len16(38), 48);      /* 3 */
	assert_int_equal(ts_len16(46), 64);      /* 4 */
	assert_int_equal(ts_len16(62), 128);     /* 8 */
	assert_int_equal(ts_len16(78), 256);     /* 16 */
	assert_int_equal(ts_len16(94), 512);     /* 32 */
	assert_int_equal(ts_len16(110), 1024);   /* 64 */
	assert_int_equal(ts_len16(126), 2048);   /* 128 */
	assert_int_equal(ts_len16(TS_LEN_INF), 0);
	assert_int_equal(ts_len16(-1), 0);
	for (int i = 1; i < TS_LEN_COUNT; i++)
		assert_true(ts_len16(i) > ts_len16(i - 1));
	for (int i = 0; i < TS_LEN_COUNT; i++)
		assert_int_equal(ts_len_index(ts_len16(i)), i);
	assert_int_equal(ts_len_index(17), 15);  /* 1.0625 */
	assert_int_equal(ts_len_index(33), -1);  /* 2.0625 is between 2 and 2.125 */
	assert_int_equal(ts_len_index(2049), -1);
}

static void rates_and_speeds(void **state)
{
	(void)state;
	assert_int_equal(ts_rate_div(TS_RATE_1_16), 16);
	assert_int_equal(ts_rate_div(0), 1);
	assert_int_equal(ts_rate_div(16), 80);
	assert_int_equal(ts_rate_index(48), 14);
	assert_int_equal(ts_rate_index(7), -1);
	int num, den;
	ts_speed_ratio(TS_SPEED_3_4X, &num, &den);
	assert_int_equal(num, 3);
	assert_int_equal(den, 4);
	assert_string_equal(ts_speed_name(TS_SPEED_3_2X), "3/2x");
	assert_int_equal(ts_speed_parse("1/8x", 4), TS_SPEED_1_8X);
	assert_int_equal(ts_speed_parse("1/8", 3), -1);
	assert_int_equal(ts_speed_parse("4x", 2), -1);
}

static void conditions_use_the_rytm_codes(void **state)
{
	(void)state;
	char buf[16];
	assert_int_equal(ts_cond_parse("50%", 3), 10);
	assert_int_equal(ts_cond_parse("100%", 4), 21);
	assert_int_equal(ts_cond_parse("2%", 2), -1);
	assert_int_equal(ts_cond_parse("1:2", 3), 30);
	assert_int_equal(ts_cond_parse("2:2", 3), 31);
	assert_int_equal(ts_cond_parse("1:3", 3), 32);
	assert_int_equal(ts_cond_parse("1:8", 3), 57);
	assert_int_equal(ts_cond_parse("8:8", 3), 64);
	assert_int_equal(ts_cond_parse("9:8", 3), -1);
	assert_int_equal(ts_cond_parse("0:2", 3), -1);
	assert_int_equal(ts_cond_parse("1:1", 3), -1);
	assert_int_equal(ts_cond_parse("!nei", 4), TS_COND_NOT_NEI);
	assert_int_equal(ts_cond_parse("1st", 3), TS_COND_1ST);
	assert_int_equal(ts_cond_parse("Fill", 4), -1);
	for (int c = 0; c <= TS_COND_AB_LAST; c++) {
		const char *text = ts_cond_format(c, buf, sizeof(buf));
		assert_int_equal(ts_cond_parse(text, strlen(text)), c);
	}
	int a, b;
	assert_true(ts_cond_ab(38, &a, &b));
	assert_int_equal(a, 4);
	assert_int_equal(b, 4);
	assert_false(ts_cond_ab(TS_COND_NONE, &a, &b));
	assert_int_equal(ts_cond_percent(0), 1);
	assert_int_equal(ts_cond_percent(TS_COND_FILL), -1);
}

static void notes_are_scientific_pitch(void **state)
{
	(void)state;
	char buf[8];
	assert_int_equal(ts_note_parse("C4", 2), 60);
	assert_int_equal(ts_note_parse("C-1", 3), 0);
	assert_int_equal(ts_note_parse("G9", 2), 127);
	assert_int_equal(ts_note_parse("G#9", 3), -1);
	assert_int_equal(ts_note_parse("Cb4", 3), 59);
	assert_int_equal(ts_note_parse("B#3", 3), 60);
	assert_int_equal(ts_note_parse("D#2", 3), 39);
	assert_int_equal(ts_note_parse("Cb-1", 4), -1);
	assert_int_equal(ts_note_parse("C-2", 3), -1);
	assert_int_equal(ts_note_parse("H4", 2), -1);
	assert_int_equal(ts_note_parse("c4", 2), -1);
	assert_int_equal(ts_note_parse("127", 3), 127);
	assert_int_equal(ts_note_parse("128", 3), -1);
	assert_int_equal(ts_note_parse("C10", 3), -1);
	assert_string_equal(ts_note_name(39, buf, sizeof(buf)), "D#2");
	assert_string_equal(ts_note_name(0, buf, sizeof(buf)), "C-1");
	assert_string_equal(ts_note_name(127, buf, sizeof(buf)), "G9");
	for (int n = 0; n < 128; n++) {
		const char *name = ts_note_name(n, buf, sizeof(buf));
		assert_int_equal(ts_note_parse(name, strlen(name)), n);
	}
}

static void defaults_and_settle(void **state)
{
	(void)state;
	static ts_pattern pat;
	ts_pattern_init(&pat);
	assert_int_equal(pat.tempo10, 1200);
	assert_int_equal(pat.accent, 32);
	assert_int_equal(pat.tracks[4].channel, 5);
	assert_int_equal(pat.tracks[0].notes[0], 60);
	assert_int_equal(pat.tracks[0].steps[0].cond, TS_COND_NONE);
	pat.length = 32;
	pat.speed = TS_SPEED_2X;
	ts_pattern_settle(&pat);
	assert_int_equal(pat.tracks[11].length, 32);
	assert_int_equal(pat.tracks[11].speed, TS_SPEED_2X);
	pat.mode = TS_MODE_ADVANCED;
	pat.length = 0;
	pat.tracks[1].length = 7;
	pat.tracks[1].length_set = true;
	ts_pattern_settle(&pat);
	assert_int_equal(pat.tracks[0].length, 16);
	assert_int_equal(pat.tracks[1].length, 7);
}

static void ports_in_order_of_first_use(void **state)
{
	(void)state;
	static ts_pattern pat;
	ts_pattern_init(&pat);
	strcpy(pat.tracks[2].port, "virus");
	strcpy(pat.tracks[5].port, "rev2");
	strcpy(pat.tracks[7].port, "virus");
	const char *names[TS_MAX_PORTS];
	assert_int_equal(ts_pattern_ports(&pat, names), 3);
	assert_string_equal(names[0], "midi_out");
	assert_string_equal(names[1], "virus");
	assert_string_equal(names[2], "rev2");
	assert_int_equal(ts_pattern_track_port(&pat, 8), 1);
	assert_int_equal(ts_pattern_track_port(&pat, 6), 2);
	assert_int_equal(ts_pattern_track_port(&pat, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lengths_follow_the_rytm_table),
		cmocka_unit_test(rates_and_speeds),
		cmocka_unit_test(conditions_use_the_rytm_codes),
		cmocka_unit_test(notes_are_scientific_pitch),
		cmocka_unit_test(defaults_and_settle),
		cmocka_unit_test(ports_in_order_of_first_use),
	};
	return cmocka_run_group_tests_name("pattern", tests, NULL, NULL);
}
