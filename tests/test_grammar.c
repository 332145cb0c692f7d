/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The grammar of values, in its three dialects (grammar.h), with the differences kept. */
#include "testutil.h"

#include <string.h>

#include "trigseq/core/grammar.h"

#define S(s) (s), strlen(s)

static void tempos(void **state)
{
	(void)state;
	int t = 0;
	assert_int_equal(ts_gram_tempo(S("120"), TS_GRAM_FILE, &t), TS_GRAM_OK);
	assert_int_equal(t, 1200);
	assert_int_equal(ts_gram_tempo(S("97.3"), TS_GRAM_PROMPT, &t), TS_GRAM_OK);
	assert_int_equal(t, 973);
	assert_int_equal(ts_gram_tempo(S("30.0"), TS_GRAM_ARG, &t), TS_GRAM_OK);
	assert_int_equal(t, TS_TEMPO10_MIN);
	assert_int_equal(ts_gram_tempo(S("300"), TS_GRAM_ARG, &t), TS_GRAM_OK);
	assert_int_equal(t, TS_TEMPO10_MAX);
	assert_int_equal(ts_gram_tempo(S("29.9"), TS_GRAM_FILE, &t), TS_GRAM_RANGE);
	assert_int_equal(ts_gram_tempo(S("300.1"), TS_GRAM_PROMPT, &t), TS_GRAM_RANGE);
	assert_int_equal(t, 3001);   /* the prompt says "out of range" with the value */
	for (int d = TS_GRAM_FILE; d <= TS_GRAM_ARG; d++) {
		assert_int_equal(ts_gram_tempo(S("120."), d, &t), TS_GRAM_SYNTAX);
		assert_int_equal(ts_gram_tempo(S(".5"), d, &t), TS_GRAM_SYNTAX);
		assert_int_equal(ts_gram_tempo(S("1e2"), d, &t), TS_GRAM_SYNTAX);
		assert_int_equal(ts_gram_tempo(S(""), d, &t), TS_GRAM_SYNTAX);
		assert_int_equal(ts_gram_tempo(S("-120"), d, &t), TS_GRAM_SYNTAX);
	}
	/* Where the dialects differ. */
	assert_int_equal(ts_gram_tempo(S("120.55"), TS_GRAM_FILE, &t), TS_GRAM_DECIMALS);
	assert_int_equal(ts_gram_tempo(S("120.55"), TS_GRAM_PROMPT, &t), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_tempo(S("120.55"), TS_GRAM_ARG, &t), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_tempo(S("00120"), TS_GRAM_FILE, &t), TS_GRAM_OK);
	assert_int_equal(ts_gram_tempo(S("00120"), TS_GRAM_PROMPT, &t), TS_GRAM_OK);
	assert_int_equal(ts_gram_tempo(S("00120"), TS_GRAM_ARG, &t), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_tempo(S("99999"), TS_GRAM_PROMPT, &t), TS_GRAM_RANGE);
	assert_int_equal(ts_gram_tempo(S("100000"), TS_GRAM_PROMPT, &t), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_tempo(S("100000"), TS_GRAM_FILE, &t), TS_GRAM_RANGE);
	char buf[16];
	assert_string_equal(ts_gram_tempo_format(1205, buf, sizeof(buf)), "120.5");
	assert_string_equal(ts_gram_tempo_format(300, buf, sizeof(buf)), "30.0");
}

static void lengths(void **state)
{
	(void)state;
	int i, lo, hi;
	assert_int_equal(ts_gram_len(S("inf"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(i, TS_LEN_INF);
	assert_int_equal(ts_gram_len(S("1"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(i, TS_LEN_ONE);
	assert_int_equal(ts_gram_len(S("0.125"), TS_GRAM_PROMPT, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(i, 0);
	assert_int_equal(ts_gram_len(S("128"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(i, 126);
	assert_int_equal(ts_gram_len(S("2.0625"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_NO_LENGTH);
	assert_int_equal(ts_len16(lo), 32);
	assert_int_equal(ts_len16(hi), 34);
	assert_int_equal(ts_gram_len(S("129"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_NO_LENGTH);
	assert_int_equal(lo, 126);
	assert_int_equal(hi, -1);
	assert_int_equal(ts_gram_len(S("0.1"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_NO_LENGTH);
	assert_int_equal(lo, -1);
	assert_int_equal(hi, 0);
	assert_int_equal(ts_gram_len(S("1x"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_len(S(""), TS_GRAM_PROMPT, &i, &lo, &hi), TS_GRAM_SYNTAX);
	/* Where the dialects differ: the prompt takes "1." and ".5", and at most 7 decimals. */
	assert_int_equal(ts_gram_len(S("1."), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_len(S("1."), TS_GRAM_PROMPT, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(i, TS_LEN_ONE);
	assert_int_equal(ts_gram_len(S(".5"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_len(S(".5"), TS_GRAM_PROMPT, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(ts_gram_len(S("0.12500000"), TS_GRAM_FILE, &i, &lo, &hi), TS_GRAM_OK);
	assert_int_equal(ts_gram_len(S("0.12500000"), TS_GRAM_PROMPT, &i, &lo, &hi),
			 TS_GRAM_SYNTAX);
}

static void integers(void **state)
{
	(void)state;
	long v;
	assert_int_equal(ts_gram_long(S("-23"), TS_GRAM_FILE, &v), TS_GRAM_OK);
	assert_int_equal(v, -23);
	assert_int_equal(ts_gram_long(S("99999999999999"), TS_GRAM_FILE, &v), TS_GRAM_OK);
	assert_true(v > 1000000000L);        /* saturated, still out of any range */
	assert_int_equal(ts_gram_long(S("+5"), TS_GRAM_FILE, &v), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_long(S("5%"), TS_GRAM_FILE, &v), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_long(S("-"), TS_GRAM_FILE, &v), TS_GRAM_SYNTAX);
	/* The prompt reads as strtol does. */
	assert_int_equal(ts_gram_long(S("+5"), TS_GRAM_PROMPT, &v), TS_GRAM_OK);
	assert_int_equal(v, 5);
	assert_int_equal(ts_gram_long(S("50%"), TS_GRAM_PROMPT, &v), TS_GRAM_OK);
	assert_int_equal(v, 50);
	assert_int_equal(ts_gram_long(S("%"), TS_GRAM_PROMPT, &v), TS_GRAM_OK);
	assert_int_equal(v, 0);
	assert_int_equal(ts_gram_long(S(" 7"), TS_GRAM_PROMPT, &v), TS_GRAM_OK);
	assert_int_equal(ts_gram_long(S("-9223372036854775808"), TS_GRAM_PROMPT, &v), TS_GRAM_OK);
	assert_true(v < 0);
	assert_int_equal(ts_gram_long(S("9223372036854775808"), TS_GRAM_PROMPT, &v),
			 TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_long(S("5 "), TS_GRAM_PROMPT, &v), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_long(S(""), TS_GRAM_PROMPT, &v), TS_GRAM_SYNTAX);
	uint64_t u;
	assert_int_equal(ts_gram_u64(S("18446744073709551615"), 0, UINT64_MAX, &u), TS_GRAM_OK);
	assert_true(u == UINT64_MAX);
	assert_int_equal(ts_gram_u64(S("18446744073709551616"), 0, UINT64_MAX, &u),
			 TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_u64(S("17"), 1, 16, &u), TS_GRAM_RANGE);
	assert_int_equal(ts_gram_u64(S("+1"), 1, 16, &u), TS_GRAM_SYNTAX);
	double s;
	assert_int_equal(ts_gram_seconds("1.5", 0.1, 10, &s), TS_GRAM_OK);
	assert_true(s == 1.5);
	assert_int_equal(ts_gram_seconds("10.", 0.1, 10, &s), TS_GRAM_OK);
	assert_int_equal(ts_gram_seconds("0.01", 0.1, 10, &s), TS_GRAM_RANGE);
	assert_int_equal(ts_gram_seconds("1e1", 0.1, 10, &s), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_seconds(".5", 0.1, 10, &s), TS_GRAM_SYNTAX);
}

static void rates_notes_words(void **state)
{
	(void)state;
	int i, n;
	assert_int_equal(ts_gram_rate(S("1/16"), TS_GRAM_FILE, &i), TS_GRAM_OK);
	assert_int_equal(i, TS_RATE_1_16);
	assert_int_equal(ts_gram_rate(S("1/80"), TS_GRAM_FILE, &i), TS_GRAM_OK);
	assert_int_equal(ts_gram_rate(S("1/7"), TS_GRAM_FILE, &i), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_rate(S("1/"), TS_GRAM_PROMPT, &i), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_rate(S("2/16"), TS_GRAM_PROMPT, &i), TS_GRAM_SYNTAX);
	/* The prompt's integer: "1/ 16" and "1/16%" are rates there, not in files. */
	assert_int_equal(ts_gram_rate(S("1/ 16"), TS_GRAM_FILE, &i), TS_GRAM_SYNTAX);
	assert_int_equal(ts_gram_rate(S("1/ 16"), TS_GRAM_PROMPT, &i), TS_GRAM_OK);
	assert_int_equal(ts_gram_rate(S("1/16%"), TS_GRAM_PROMPT, &i), TS_GRAM_OK);

	uint8_t notes[TS_MAX_NOTES];
	size_t at, at_len;
	assert_int_equal(ts_gram_notes(S("C4+E4+60"), notes, &n, &at, &at_len), TS_GRAM_OK);
	assert_int_equal(n, 3);
	assert_int_equal(notes[0], 60);
	assert_int_equal(notes[1], 64);
	assert_int_equal(ts_gram_notes(S("Db-1"), notes, &n, &at, &at_len), TS_GRAM_OK);
	assert_int_equal(notes[0], 1);
	assert_int_equal(ts_gram_notes(S("C4+H4"), notes, &n, &at, &at_len), TS_GRAM_SYNTAX);
	assert_int_equal(at, 3);        /* the column of the problem */
	assert_int_equal(at_len, 2);
	assert_int_equal(ts_gram_notes(S("C4+"), notes, &n, &at, &at_len), TS_GRAM_SYNTAX);
	assert_int_equal(at, 3);
	assert_int_equal(at_len, 0);
	assert_int_equal(ts_gram_notes(S("1+2+3+4+5"), notes, &n, &at, &at_len), TS_GRAM_TOO_MANY);
	assert_int_equal(ts_gram_notes(S("128"), notes, &n, &at, &at_len), TS_GRAM_SYNTAX);

	assert_int_equal(ts_gram_word(S("int+ext"), ts_gram_dests, 3), TS_DEST_INT_EXT);
	assert_int_equal(ts_gram_word(S("on"), ts_gram_onoff, 2), 1);
	assert_int_equal(ts_gram_word(S("advanced"), ts_gram_modes, 2), TS_MODE_ADVANCED);
	assert_int_equal(ts_gram_word(S("of"), ts_gram_onoff, 2), -1);
	assert_true(ts_gram_port(S("a_23456789012345")));
	assert_false(ts_gram_port(S("a_234567890123456")));
	assert_false(ts_gram_port(S("1abc")));
	assert_false(ts_gram_port(S("")));

	ts_lock l[TS_MAX_LOCKS];
	assert_int_equal(ts_gram_cc_list("74=100, 71=20", l, TS_MAX_LOCKS), 2);
	assert_int_equal(l[1].cc, 71);
	assert_int_equal(l[1].value, 20);
	assert_int_equal(ts_gram_cc_list("none", l, TS_MAX_LOCKS), 0);
	assert_int_equal(ts_gram_cc_list("74=1 74=2", l, TS_MAX_LOCKS), -1);
	assert_int_equal(ts_gram_cc_list("128=1", l, TS_MAX_LOCKS), -1);
	assert_int_equal(ts_gram_cc_list("1=1 2=2", l, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tempos),
		cmocka_unit_test(lengths),
		cmocka_unit_test(integers),
		cmocka_unit_test(rates_notes_words),
	};
	return cmocka_run_group_tests_name("grammar", tests, NULL, NULL);
}
