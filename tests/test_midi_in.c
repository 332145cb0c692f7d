/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MIDI input parser: messages byte by byte, running status, real-time anywhere, SysEx, garbage. */
#include "testutil.h"

#include <string.h>

#include "trigseq/core/midi_in.h"

#define MAXMSG 32

typedef struct {
	ts_midi_in p;
	ts_midi_msg msg[MAXMSG];
	size_t n;
} rig;

/* Feeds bytes one at a time (frame = index), collecting messages. */
static void feed_bytes(rig *r, const uint8_t *b, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		ts_midi_msg m;
		if (ts_midi_in_byte(&r->p, 100 + i, b[i], &m)) {
			assert_true(r->n < MAXMSG);
			r->msg[r->n++] = m;
		}
	}
}

static void setup_rig(rig *r)
{
	memset(r, 0, sizeof *r);
	ts_midi_in_init(&r->p);
}

static void assert_msg(const ts_midi_msg *m, uint8_t s, uint8_t d1, uint8_t d2, uint8_t size)
{
	assert_int_equal(m->size, size);
	assert_int_equal(m->bytes[0], s);
	if (size > 1)
		assert_int_equal(m->bytes[1], d1);
	if (size > 2)
		assert_int_equal(m->bytes[2], d2);
}

static void channel_messages_and_sizes(void **state)
{
	(void)state;
	rig r;
	setup_rig(&r);
	const uint8_t b[] = {0x90, 60, 100, 0x80, 60, 0, 0xA1, 61, 5, 0xB2, 74, 64, 0xC3, 7,
			     0xD4, 90, 0xE5, 0x00, 0x40, 0x95, 62, 0};
	feed_bytes(&r, b, sizeof b);
	assert_int_equal(r.n, 8);
	assert_msg(&r.msg[0], 0x90, 60, 100, 3);
	assert_msg(&r.msg[1], 0x80, 60, 0, 3);
	assert_msg(&r.msg[2], 0xA1, 61, 5, 3);
	assert_msg(&r.msg[3], 0xB2, 74, 64, 3);
	assert_msg(&r.msg[4], 0xC3, 7, 0, 2);
	assert_msg(&r.msg[5], 0xD4, 90, 0, 2);
	assert_msg(&r.msg[6], 0xE5, 0x00, 0x40, 3);
	assert_int_equal(r.msg[6].value, 8192); /* pitch bend centre */
	/* Velocity 0 stays a note-on: the caller decides. */
	assert_msg(&r.msg[7], 0x95, 62, 0, 3);
	assert_int_equal(ts_midi_msg_kind(&r.msg[7]), 0x90);
	/* The frame is that of the completing byte. */
	assert_int_equal(r.msg[0].frame, 102);
	assert_int_equal(r.msg[4].frame, 100 + 13);
	ts_midi_in_counters c;
	ts_midi_in_get_counters(&r.p, &c);
	assert_int_equal(c.dropped_bytes, 0);
	assert_int_equal(c.discarded_msgs, 0);
	assert_int_equal(c.messages, 8);
}

static void running_status(void **state)
{
	(void)state;
	rig r;
	setup_rig(&r);
	const uint8_t b[] = {0x91, 60, 100, 62, 90, 64, 0, 0xC0, 1, 2, 3};
	feed_bytes(&r, b, sizeof b);
	assert_int_equal(r.n, 6);
	assert_msg(&r.msg[0], 0x91, 60, 100, 3);
	assert_msg(&r.msg[1], 0x91, 62, 90, 3);
	assert_msg(&r.msg[2], 0x91, 64, 0, 3);
	assert_msg(&r.msg[3], 0xC0, 1, 0, 2);
	assert_msg(&r.msg[4], 0xC0, 2, 0, 2);
	assert_msg(&r.msg[5], 0xC0, 3, 0, 2);
	/* Real-time bytes do not cancel running status; system common does. */
	setup_rig(&r);
	const uint8_t c[] = {0xB0, 7, 100, 0xF8, 7, 0xFE, 90, 0xF6, 7, 80};
	feed_bytes(&r, c, sizeof c);
	assert_int_equal(r.n, 5);
	assert_msg(&r.msg[0], 0xB0, 7, 100, 3);
	assert_msg(&r.msg[1], 0xF8, 0, 0, 1);
	assert_msg(&r.msg[2], 0xFE, 0, 0, 1);
	assert_msg(&r.msg[3], 0xB0, 7, 90, 3);
	assert_msg(&r.msg[4], 0xF6, 0, 0, 1);
	ts_midi_in_counters k;
	ts_midi_in_get_counters(&r.p, &k);
	assert_int_equal(k.dropped_bytes, 2); /* 7, 80 after the tune request have no status */
}

static void realtime_inside_note_on(void **state)
{
	(void)state;
	rig r;
	setup_rig(&r);
	const uint8_t b[] = {0x90, 0xF8, 60, 0xFA, 0xF8, 100, 0xFC};
	feed_bytes(&r, b, sizeof b);
	assert_int_equal(r.n, 5);
	assert_msg(&r.msg[0], 0xF8, 0, 0, 1);
	assert_int_equal(r.msg[0].frame, 101);
	assert_msg(&r.msg[1], 0xFA, 0, 0, 1);
	assert_msg(&r.msg[2], 0xF8, 0, 0, 1);
	assert_msg(&r.msg[3], 0x90, 60, 100, 3);
	assert_int_equal(r.msg[3].frame, 105);
	assert_msg(&r.msg[4], 0xFC, 0, 0, 1);
	ts_midi_in_counters c;
	ts_midi_in_get_counters(&r.p, &c);
	assert_int_equal(c.dropped_bytes + c.discarded_msgs, 0);
}

static void sysex_with_realtime_inside(void **state)
{
	(void)state;
	rig r;
	setup_rig(&r);
	const uint8_t b[] = {0xF0, 0x00, 0x20, 0xF8, 0x3C, 0xFE, 0x07, 0xF7, 0x90, 60, 1};
	feed_bytes(&r, b, sizeof b);
	assert_int_equal(r.n, 4);
	assert_msg(&r.msg[0], 0xF8, 0, 0, 1);
	assert_msg(&r.msg[1], 0xFE, 0, 0, 1);
	assert_msg(&r.msg[2], 0xF0, 0, 0, 1);
	assert_int_equal(r.msg[2].sysex_len, 6); /* F0 00 20 3C 07 F7 */
	assert_int_equal(r.msg[2].frame, 107);
	assert_msg(&r.msg[3], 0x90, 60, 1, 3);
	/* A long SysEx costs no memory: only its length is kept. */
	setup_rig(&r);
	ts_midi_msg m;
	assert_false(ts_midi_in_byte(&r.p, 0, 0xF0, &m));
	for (int i = 0; i < 100000; i++)
		assert_false(ts_midi_in_byte(&r.p, 0, 0x11, &m));
	assert_true(ts_midi_in_byte(&r.p, 0, 0xF7, &m));
	assert_int_equal(m.sysex_len, 100002);
}

static void system_common(void **state)
{
	(void)state;
	rig r;
	setup_rig(&r);
	/* SPP 0x2000 + 0x05 = 8197 16ths; song select 3; MTC quarter frame; tune request. */
	const uint8_t b[] = {0xF2, 0x05, 0x40, 0xF3, 3, 0xF1, 0x25, 0xF6, 0xF2, 0x7F, 0x7F};
	feed_bytes(&r, b, sizeof b);
	assert_int_equal(r.n, 5);
	assert_msg(&r.msg[0], 0xF2, 0x05, 0x40, 3);
	assert_int_equal(r.msg[0].value, 0x05 | 0x40 << 7);
	assert_msg(&r.msg[1], 0xF3, 3, 0, 2);
	assert_msg(&r.msg[2], 0xF1, 0x25, 0, 2);
	assert_msg(&r.msg[3], 0xF6, 0, 0, 1);
	assert_int_equal(r.msg[4].value, 16383);
	/* System common does not run: a following data byte is garbage. */
	ts_midi_msg m;
	assert_false(ts_midi_in_byte(&r.p, 0, 0x01, &m));
	ts_midi_in_counters c;
	ts_midi_in_get_counters(&r.p, &c);
	assert_int_equal(c.dropped_bytes, 1);
}

static void garbage_is_counted(void **state)
{
	(void)state;
	rig r;
	setup_rig(&r);
	const uint8_t b[] = {
		0x40, 0x41,             /* data with no status: 2 dropped */
		0xF4, 0x10,             /* undefined + its data: 2 dropped */
		0xF5,                   /* undefined: 1 dropped */
		0xF9, 0xFD,             /* undefined real-time: 2 dropped */
		0xF7,                   /* EOX without SysEx: 1 dropped */
		0x90, 60,               /* cut off by ... */
		0xB0, 7, 100,           /* ... this CC: 1 discarded */
		0xF2, 0x01,             /* SPP cut off by ... */
		0xF0, 1, 2,             /* ... a SysEx, itself cut off by ... */
		0xC0,                   /* ... a program change, cut off by ... */
		0x80, 1, 2,             /* ... a note off */
	};
	feed_bytes(&r, b, sizeof b);
	assert_int_equal(r.n, 2);
	assert_msg(&r.msg[0], 0xB0, 7, 100, 3);
	assert_msg(&r.msg[1], 0x80, 1, 2, 3);
	ts_midi_in_counters c;
	ts_midi_in_get_counters(&r.p, &c);
	assert_int_equal(c.dropped_bytes, 8);
	assert_int_equal(c.discarded_msgs, 4);
	/* Reset forgets the state, not the counters. */
	ts_midi_msg m;
	assert_false(ts_midi_in_byte(&r.p, 0, 0x90, &m));
	assert_false(ts_midi_in_byte(&r.p, 0, 60, &m));
	ts_midi_in_reset(&r.p);
	assert_false(ts_midi_in_byte(&r.p, 0, 100, &m));
	ts_midi_in_get_counters(&r.p, &c);
	assert_int_equal(c.dropped_bytes, 9);
	assert_int_equal(c.discarded_msgs, 4);
}

static void collect(void *ctx, const ts_midi_msg *m)
{
	rig *r = ctx;
	assert_true(r->n < MAXMSG);
	r->msg[r->n++] = *m;
}

static void split_and_merged_events(void **state)
{
	(void)state;
	/* A note-on split over two JACK events, then three messages merged into one. */
	rig r;
	setup_rig(&r);
	const uint8_t e1[] = {0x92, 48};
	const uint8_t e2[] = {127, 0xF8, 0x82, 48, 0, 0xF8};
	ts_midi_in_feed(&r.p, 10, e1, sizeof e1, collect, &r);
	assert_int_equal(r.n, 0);
	ts_midi_in_feed(&r.p, 20, e2, sizeof e2, collect, &r);
	assert_int_equal(r.n, 4);
	assert_msg(&r.msg[0], 0x92, 48, 127, 3);
	assert_int_equal(r.msg[0].frame, 20);
	assert_msg(&r.msg[1], 0xF8, 0, 0, 1);
	assert_msg(&r.msg[2], 0x82, 48, 0, 3);
	assert_msg(&r.msg[3], 0xF8, 0, 0, 1);

	/* The array form stops at its size and counts what it could not hold. */
	ts_midi_in p;
	ts_midi_in_init(&p);
	ts_midi_msg out[2];
	const uint8_t many[] = {0xF8, 0xF8, 0xF8, 0xFA};
	assert_int_equal(ts_midi_in_feed_array(&p, 5, many, sizeof many, out, 2), 2);
	ts_midi_in_counters c;
	ts_midi_in_get_counters(&p, &c);
	assert_int_equal(c.overflows, 2);
	assert_int_equal(out[1].frame, 5);
}

/* Random bytes never crash it and every message it gives has the right shape. */
static void random_bytes_are_safe(void **state)
{
	(void)state;
	uint64_t s = 12345;
	ts_midi_in p;
	ts_midi_in_init(&p);
	for (int i = 0; i < 200000; i++) {
		s = s * 6364136223846793005u + 1442695040888963407u;
		uint8_t b = (uint8_t)(s >> 56);
		ts_midi_msg m;
		if (!ts_midi_in_byte(&p, (uint64_t)i, b, &m))
			continue;
		assert_true(m.bytes[0] >= 0x80);
		assert_true(m.size >= 1 && m.size <= 3);
		for (int k = 1; k < m.size; k++)
			assert_true(m.bytes[k] < 0x80);
		uint8_t kind = ts_midi_msg_kind(&m);
		if (kind == 0xC0 || kind == 0xD0 || kind == 0xF1 || kind == 0xF3)
			assert_int_equal(m.size, 2);
		else if (kind < 0xF0 || kind == 0xF2)
			assert_int_equal(m.size, 3);
		else
			assert_int_equal(m.size, 1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(channel_messages_and_sizes),
		cmocka_unit_test(running_status),
		cmocka_unit_test(realtime_inside_note_on),
		cmocka_unit_test(sysex_with_realtime_inside),
		cmocka_unit_test(system_common),
		cmocka_unit_test(garbage_is_counted),
		cmocka_unit_test(split_and_merged_events),
		cmocka_unit_test(random_bytes_are_safe),
	};
	return cmocka_run_group_tests_name("midi_in", tests, NULL, NULL);
}
