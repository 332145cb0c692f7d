/* SPDX-License-Identifier: GPL-2.0-or-later */
/* MIDI thru: the destination's channel and port, note-offs where their notes went (no stuck
 * notes), thru off, channel filter, release, and garbage through the parser. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "trigseq/core/thru.h"

static ts_midi_msg msg3(uint8_t s, uint8_t a, uint8_t b)
{
	return (ts_midi_msg){.size = 3, .bytes = {s, a, b}};
}

static const ts_thru_dest T3 = {.track = 3, .on = true, .port = 1, .channel = 10};
static const ts_thru_dest T5 = {.track = 5, .on = true, .port = 2, .channel = 2};

static int route(ts_thru *t, ts_midi_msg m, const ts_thru_dest *d, ts_event *out, int *track)
{
	assert_true(ts_thru_accepts(t, &m));
	return ts_thru_route(t, &m, d, out, track);
}

static void assert_ev(const ts_event *e, int port, int track, uint8_t b0, uint8_t b1, uint8_t b2)
{
	assert_int_equal(e->port, port);
	assert_int_equal(e->track, track);
	assert_int_equal(e->size, 3);
	assert_int_equal(e->bytes[0], b0);
	assert_int_equal(e->bytes[1], b1);
	assert_int_equal(e->bytes[2], b2);
}

/* Note, CC, bend and pressure go to the track's port with its channel, bytes kept. */
static void goes_to_the_track(void **state)
{
	(void)state;
	ts_thru t;
	ts_thru_init(&t, 0);
	ts_event out[TS_THRU_OUT_MAX];
	int track;
	assert_int_equal(route(&t, msg3(0x90, 60, 100), &T3, out, &track), 1);
	assert_int_equal(track, 3);
	assert_ev(&out[0], 1, 3, 0x99, 60, 100);
	assert_int_equal(route(&t, msg3(0xB4, 74, 33), &T3, out, &track), 1);
	assert_ev(&out[0], 1, 3, 0xB9, 74, 33);
	assert_int_equal(route(&t, msg3(0xE0, 0x00, 0x50), &T3, out, &track), 1);
	assert_ev(&out[0], 1, 3, 0xE9, 0x00, 0x50);
	ts_midi_msg cp = {.size = 2, .bytes = {0xD0, 90}};
	assert_true(ts_thru_accepts(&t, &cp));
	assert_int_equal(ts_thru_route(&t, &cp, &T3, out, &track), 1);
	assert_int_equal(out[0].size, 2);
	assert_int_equal(out[0].bytes[0], 0xD9);
	assert_int_equal(ts_thru_held(&t), 1);
	assert_int_equal(route(&t, msg3(0x80, 60, 10), &T3, out, &track), 1);
	assert_ev(&out[0], 1, 3, 0x89, 60, 10);
	assert_int_equal(ts_thru_held(&t), 0);
	assert_int_equal(t.count.sent, 5);
}

/* The note-off goes where the note-on went, even after the cursor moved or thru went off. */
static void note_off_follows_its_note(void **state)
{
	(void)state;
	ts_thru t;
	ts_thru_init(&t, 0);
	ts_event out[TS_THRU_OUT_MAX];
	int track;
	route(&t, msg3(0x90, 60, 100), &T3, out, &track);
	route(&t, msg3(0x90, 64, 90), &T5, out, &track);
	assert_ev(&out[0], 2, 5, 0x91, 64, 90);
	/* velocity 0 note-on is a note-off, to track 3 though the destination is track 5 now */
	assert_int_equal(route(&t, msg3(0x90, 60, 0), &T5, out, &track), 1);
	assert_int_equal(track, 3);
	assert_ev(&out[0], 1, 3, 0x99, 60, 0);
	ts_thru_dest off = T3;
	off.on = false;
	assert_int_equal(route(&t, msg3(0x80, 64, 0), &off, out, &track), 1);
	assert_int_equal(track, 5);
	assert_ev(&out[0], 2, 5, 0x81, 64, 0);
	/* a note-off of a note not held: nothing, counted, not recorded */
	assert_int_equal(route(&t, msg3(0x80, 64, 0), &T3, out, &track), 0);
	assert_int_equal(track, 0);
	assert_int_equal(t.count.unmatched_offs, 1);
	assert_int_equal(ts_thru_held(&t), 0);
}

/* A note-on for a held note ends it where it went first. */
static void retriggered_note(void **state)
{
	(void)state;
	ts_thru t;
	ts_thru_init(&t, 0);
	ts_event out[TS_THRU_OUT_MAX];
	int track;
	route(&t, msg3(0x92, 40, 100), &T3, out, &track);
	assert_int_equal(route(&t, msg3(0x92, 40, 80), &T5, out, &track), 2);
	assert_ev(&out[0], 1, 3, 0x89, 40, 0x40);
	assert_ev(&out[1], 2, 5, 0x91, 40, 80);
	assert_int_equal(ts_thru_held(&t), 1);
	/* poly pressure follows the held note */
	assert_int_equal(route(&t, msg3(0xA2, 40, 7), &T3, out, &track), 1);
	assert_ev(&out[0], 2, 5, 0xA1, 40, 7);
	assert_int_equal(track, 5);
}

/* Thru off, or a track without MIDI: nothing new is sent, the track is still given (recording),
 * and the note-off of a note played then is not sent either. */
static void thru_off(void **state)
{
	(void)state;
	ts_thru t;
	ts_thru_init(&t, 0);
	ts_event out[TS_THRU_OUT_MAX];
	int track;
	ts_thru_dest off = T3, nomidi = T5;
	off.on = false;
	nomidi.channel = 0;
	assert_int_equal(route(&t, msg3(0x90, 60, 100), &off, out, &track), 0);
	assert_int_equal(track, 3);
	assert_int_equal(route(&t, msg3(0xB0, 1, 2), &nomidi, out, &track), 0);
	assert_int_equal(track, 5);
	assert_int_equal(route(&t, msg3(0x80, 60, 0), &T5, out, &track), 0);
	assert_int_equal(track, 3); /* its note-on's track */
	assert_int_equal(t.count.unmatched_offs, 0);
	assert_int_equal(t.count.not_sent, 2);
	assert_int_equal(ts_thru_held(&t), 0);
}

/* One channel listened to: the others are counted, not routed; program changes and system
 * messages are never thru's. */
static void channel_filter(void **state)
{
	(void)state;
	ts_thru t;
	ts_thru_init(&t, 3);
	ts_midi_msg on2 = msg3(0x92, 60, 1), on1 = msg3(0x91, 60, 1);
	ts_midi_msg pc = {.size = 2, .bytes = {0xC2, 5}}, clk = {.size = 1, .bytes = {0xF8}};
	assert_true(ts_thru_accepts(&t, &on2));
	assert_false(ts_thru_accepts(&t, &on1));
	assert_false(ts_thru_accepts(&t, &pc));
	assert_false(ts_thru_accepts(&t, &clk));
	assert_int_equal(t.count.other_channel, 1);
	ts_thru_init(&t, 0);
	assert_true(ts_thru_accepts(&t, &on1));
	assert_false(ts_thru_accepts(&t, &pc));
}

typedef struct {
	ts_event ev[4096];
	int n;
} sink;

static void collect(void *ctx, const ts_event *ev)
{
	sink *s = ctx;
	s->ev[s->n++] = *ev;
}

/* Release: a note-off for every note sent and held, each where it went; then none is held. */
static void release_all(void **state)
{
	(void)state;
	ts_thru t;
	ts_thru_init(&t, 0);
	ts_event out[TS_THRU_OUT_MAX];
	int track;
	for (int ch = 0; ch < 16; ch++)
		for (int n = 0; n < 128; n++)
			route(&t, msg3((uint8_t)(0x90 | ch), (uint8_t)n, 1), ch & 1 ? &T5 : &T3, out,
			      &track);
	assert_int_equal(ts_thru_held(&t), 2048);
	sink *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	ts_thru_release(&t, collect, s);
	assert_int_equal(s->n, 2048);
	assert_ev(&s->ev[0], 1, 3, 0x89, 0, 0x40);
	assert_ev(&s->ev[128], 2, 5, 0x81, 0, 0x40);
	assert_int_equal(ts_thru_held(&t), 0);
	s->n = 0;
	ts_thru_release(&t, collect, s);
	assert_int_equal(s->n, 0);
	free(s);
}

/* Random bytes through the parser and thru: whatever comes out is a valid channel message to a
 * destination's port, and when every note is released nothing stays held. */
static void garbage_leaves_nothing_stuck(void **state)
{
	(void)state;
	ts_midi_in p;
	ts_midi_in_init(&p);
	ts_thru t;
	ts_thru_init(&t, 0);
	srand(7);
	int ons = 0, offs = 0;
	for (int i = 0; i < 200000; i++) {
		uint8_t b = (uint8_t)rand();
		ts_midi_msg m;
		if (!ts_midi_in_byte(&p, (uint64_t)i, b, &m) || !ts_thru_accepts(&t, &m))
			continue;
		ts_event out[TS_THRU_OUT_MAX];
		int track;
		int n = ts_thru_route(&t, &m, i & 1024 ? &T3 : &T5, out, &track);
		for (int k = 0; k < n; k++) {
			assert_true(out[k].port == 1 || out[k].port == 2);
			assert_true(out[k].bytes[0] >= 0x80 && out[k].bytes[0] < 0xF0);
			assert_true(out[k].size >= 2 && out[k].size <= 3);
			uint8_t kind = out[k].bytes[0] & 0xF0;
			if (kind == 0x90 && out[k].bytes[2])
				ons++;
			else if (kind == 0x80 || kind == 0x90)
				offs++;
		}
	}
	sink *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	ts_thru_release(&t, collect, s);
	assert_true(ons > 1000);
	assert_int_equal(ons, offs + s->n);
	assert_int_equal(ts_thru_held(&t), 0);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(goes_to_the_track),
		cmocka_unit_test(note_off_follows_its_note),
		cmocka_unit_test(retriggered_note),
		cmocka_unit_test(thru_off),
		cmocka_unit_test(channel_filter),
		cmocka_unit_test(release_all),
		cmocka_unit_test(garbage_leaves_nothing_stuck),
	};
	return cmocka_run_group_tests_name("thru", tests, NULL, NULL);
}
