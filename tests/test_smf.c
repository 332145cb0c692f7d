/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Standard MIDI File writer: header, chunks, variable-length delta times, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "trigseq/core/smf.h"

static void test_header_and_deltas(void **state)
{
	(void)state;
	ts_smf *smf = ts_smf_new(960);
	assert_non_null(smf);
	assert_int_equal(ts_smf_tempo(smf, 0, 1200), TS_OK); /* 500000 us = 07 A1 20 */
	int t = ts_smf_add_track(smf, "x");
	assert_int_equal(t, 1);
	assert_int_equal(ts_smf_tracks(smf), 2);
	static const uint8_t on[3] = {0x90, 60, 100}, off[3] = {0x80, 60, 64};
	/* deltas 0, 127, 128, 16383, 16384, 0x0FFFFFFF */
	uint64_t ticks[] = {0, 127, 255, 16638, 33022, 33022 + 0x0FFFFFFFull};
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(ts_smf_event(smf, t, ticks[i], i % 2 ? off : on, 3), TS_OK);
	size_t len;
	uint8_t *b = ts_smf_bytes(smf, 0, &len);
	assert_non_null(b);
	static const uint8_t head[] = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 1, 0, 2, 0x03, 0xC0};
	assert_memory_equal(b, head, sizeof(head));
	static const uint8_t conductor[] = {'M', 'T', 'r', 'k', 0, 0, 0, 11, 0, 0xFF, 0x51, 3,
					    0x07, 0xA1, 0x20, 0, 0xFF, 0x2F, 0};
	assert_memory_equal(b + 14, conductor, sizeof(conductor));
	static const uint8_t track[] = {
		'M', 'T', 'r', 'k', 0, 0, 0, 40,
		0, 0xFF, 0x03, 1, 'x',                   /* name */
		0x00, 0x90, 60, 100,                     /* delta 0 */
		0x7F, 0x80, 60, 64,                      /* 127 */
		0x81, 0x00, 0x90, 60, 100,               /* 128 */
		0xFF, 0x7F, 0x80, 60, 64,                /* 16383 */
		0x81, 0x80, 0x00, 0x90, 60, 100,         /* 16384 */
		0xFF, 0xFF, 0xFF, 0x7F, 0x80, 60, 64,    /* 0x0FFFFFFF */
		0x00, 0xFF, 0x2F, 0x00,                  /* End of Track, nothing after */
	};
	assert_int_equal(len, sizeof(head) + sizeof(conductor) + sizeof(track));
	assert_memory_equal(b + 14 + sizeof(conductor), track, sizeof(track));
	free(b);
	ts_smf_free(smf);
}

static void test_refusals(void **state)
{
	(void)state;
	assert_null(ts_smf_new(0));
	assert_null(ts_smf_new(32768));
	ts_smf *smf = ts_smf_new(96);
	int t = ts_smf_add_track(smf, NULL);
	static const uint8_t ok[3] = {0xB0, 7, 100}, prog[2] = {0xC0, 5};
	static const uint8_t sysrt[1] = {0xF8}, data[3] = {0x40, 1, 2}, bad7[3] = {0x90, 0x80, 1};
	assert_int_equal(ts_smf_event(smf, t, 10, ok, 3), TS_OK);
	assert_int_equal(ts_smf_event(smf, t, 9, ok, 3), TS_ERR_RANGE);    /* back in time */
	assert_int_equal(ts_smf_event(smf, t, 10, prog, 2), TS_OK);
	assert_int_equal(ts_smf_event(smf, t, 10, prog, 3), TS_ERR_RANGE); /* wrong size */
	assert_int_equal(ts_smf_event(smf, t, 10, ok, 2), TS_ERR_RANGE);
	assert_int_equal(ts_smf_event(smf, t, 10, sysrt, 1), TS_ERR_RANGE); /* not a channel msg */
	assert_int_equal(ts_smf_event(smf, t, 10, data, 3), TS_ERR_RANGE);
	assert_int_equal(ts_smf_event(smf, t, 10, bad7, 3), TS_ERR_RANGE);
	assert_int_equal(ts_smf_event(smf, 2, 10, ok, 3), TS_ERR_RANGE);   /* no such track */
	assert_int_equal(ts_smf_event(smf, t, 10 + 0x10000000ull, ok, 3), TS_ERR_NOMEM);
	assert_int_equal(ts_smf_meta(smf, t, 10, 0x80, "", 0), TS_ERR_RANGE);
	assert_int_equal(ts_smf_tempo(smf, 10, 0), TS_ERR_RANGE);
	/* End of Track at the end tick given */
	size_t len;
	uint8_t *b = ts_smf_bytes(smf, 96 * 4, &len);
	assert_non_null(b);
	static const uint8_t tail[] = {0x82, 0x76, 0xFF, 0x2F, 0x00}; /* 384 - 10 = 374 */
	assert_memory_equal(b + len - sizeof(tail), tail, sizeof(tail));
	free(b);
	ts_smf_free(smf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_and_deltas),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
