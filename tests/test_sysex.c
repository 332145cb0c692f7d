/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SysEx librarian, pure part: .syx checking and splitting, pacing, the assembler, the ring. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, for failalloc.h */
#include "testutil.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failalloc.h"
#include "trigseq/core/midi_in.h"
#include "trigseq/core/sysex.h"

/* ---- split ---- */

static void splits_messages(void **state)
{
	(void)state;
	const uint8_t b[] = {0xF0, 0x41, 0x10, 0xF7, 0xF0, 0x7F, 0xF7, 0xF0, 0x00, 0x20, 0x3C, 0x07,
			     0x7F, 0xF7};
	ts_sysex_span *s;
	size_t n;
	ts_sysex_error err;
	assert_int_equal(ts_sysex_split(b, sizeof(b), &s, &n, &err), TS_OK);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].offset, 0);
	assert_int_equal(s[0].len, 4);
	assert_int_equal(s[1].offset, 4);
	assert_int_equal(s[1].len, 3);
	assert_int_equal(s[2].offset, 7);
	assert_int_equal(s[2].len, 7);
	free(s);
}

/* The buffer is refused at `offset` with a text containing `words`. */
static void refused(const uint8_t *b, size_t len, size_t offset, const char *words)
{
	ts_sysex_span *s = (ts_sysex_span *)1;
	size_t n = 99;
	ts_sysex_error err;
	assert_int_equal(ts_sysex_split(b, len, &s, &n, &err), TS_ERR_SYSEX);
	assert_null(s);
	assert_int_equal(n, 0);
	assert_int_equal(err.offset, offset);
	char head[32];
	snprintf(head, sizeof(head), "offset 0x%zX: ", offset);
	assert_int_equal(strncmp(err.text, head, strlen(head)), 0);
	if (!strstr(err.text, words))
		fail_msg("'%s' does not say '%s'", err.text, words);
}

static void refuses_every_kind(void **state)
{
	(void)state;
	refused(NULL, 0, 0, "empty");
	const uint8_t no_f0[] = {0x41, 0x10, 0xF7};
	refused(no_f0, sizeof(no_f0), 0, "byte 0x41 outside F0");
	const uint8_t between[] = {0xF0, 0x41, 0xF7, 0x0A, 0xF0, 0x41, 0xF7};
	refused(between, sizeof(between), 3, "byte 0x0A outside F0");
	const uint8_t trailing_newline[] = {0xF0, 0x41, 0xF7, 0x0A};
	refused(trailing_newline, sizeof(trailing_newline), 3, "outside");
	const uint8_t high[] = {0xF0, 0x41, 0x10, 0x9C, 0xF7};
	refused(high, sizeof(high), 3, "byte 0x9C above 0x7F inside the SysEx message at offset 0x0");
	const uint8_t clock_inside[] = {0xF0, 0x41, 0xF7, 0xF0, 0x41, 0xF8, 0x10, 0xF7};
	refused(clock_inside, sizeof(clock_inside), 5, "byte 0xF8 above 0x7F inside the SysEx message "
						       "at offset 0x3");
	const uint8_t no_f7[] = {0xF0, 0x41, 0x10, 0xF0, 0x42, 0xF7};
	refused(no_f7, sizeof(no_f7), 3, "F0 inside the SysEx message at offset 0x0");
	const uint8_t truncated[] = {0xF0, 0x41, 0xF7, 0xF0, 0x41, 0x10, 0x42};
	refused(truncated, sizeof(truncated), 7, "no F7 before the end of the file (the message at "
						 "offset 0x3, 4 bytes");
	const uint8_t empty_msg[] = {0xF0, 0x41, 0xF7, 0xF0, 0xF7};
	refused(empty_msg, sizeof(empty_msg), 3, "empty SysEx message");
	const uint8_t lone_f7[] = {0xF7};
	refused(lone_f7, sizeof(lone_f7), 0, "byte 0xF7 outside");
}

static void refuses_too_large(void **state)
{
	(void)state;
	size_t len = TS_SYSEX_MAX_FILE + 1;
	uint8_t *b = malloc(len);
	assert_non_null(b);
	memset(b, 0x01, len);
	b[0] = 0xF0;
	b[len - 1] = 0xF7;
	refused(b, len, TS_SYSEX_MAX_FILE, "more than 16 MiB");
	/* at the limit it is one message */
	b[len - 2] = 0xF7;
	ts_sysex_span *s;
	size_t n;
	ts_sysex_error err;
	assert_int_equal(ts_sysex_split(b, len - 1, &s, &n, &err), TS_OK);
	assert_int_equal(n, 1);
	assert_int_equal(s[0].len, TS_SYSEX_MAX_FILE);
	free(s);
	free(b);
}

static void reads_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_sysex.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof(path), "%s/a.syx", dir);
	const uint8_t b[] = {0xF0, 0x41, 0xF7};
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, sizeof(b), f), sizeof(b));
	assert_int_equal(fclose(f), 0);
	uint8_t *data;
	size_t len;
	assert_int_equal(ts_sysex_read_file(path, &data, &len), TS_OK);
	assert_int_equal(len, sizeof(b));
	assert_memory_equal(data, b, sizeof(b));
	free(data);
	/* one byte over the limit (a sparse file), a folder, nothing there */
	assert_int_equal(truncate(path, (off_t)TS_SYSEX_MAX_FILE + 1), 0);
	assert_int_equal(ts_sysex_read_file(path, &data, &len), TS_ERR_RANGE);
	assert_null(data);
	assert_int_equal(truncate(path, (off_t)TS_SYSEX_MAX_FILE), 0);
	assert_int_equal(ts_sysex_read_file(path, &data, &len), TS_OK);
	assert_int_equal(len, TS_SYSEX_MAX_FILE);
	free(data);
	assert_int_equal(ts_sysex_read_file(dir, &data, &len), TS_ERR_IO);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ts_sysex_read_file(path, &data, &len), TS_ERR_IO);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(rmdir(dir), 0);
}

/* ---- pacing ---- */

/* The reference only: the code under test must do without it. */
__extension__ typedef unsigned __int128 u128;

static void due_is_exact(void **state)
{
	(void)state;
	ts_sysex_pace p = {.sample_rate = 48000, .bytes_per_sec = 3125, .gap_ms = 100};
	assert_int_equal(ts_sysex_due(&p, 0, 0), 0);
	assert_int_equal(ts_sysex_due(&p, 1, 0), 15);  /* 15.36 */
	assert_int_equal(ts_sysex_due(&p, 2, 0), 31);  /* 30.72 */
	assert_int_equal(ts_sysex_due(&p, 3125, 0), 48000);
	assert_int_equal(ts_sysex_due(&p, 3125, 1), 52800);
	assert_int_equal(ts_sysex_due(&p, 3125 * 1000, 7), 48000000 + 7 * 4800);
	/* a gap that is not a whole number of frames: 1 ms at 44.1 kHz */
	ts_sysex_pace q = {.sample_rate = 44100, .bytes_per_sec = 3125, .gap_ms = 1};
	assert_int_equal(ts_sysex_due(&q, 0, 1), 44);   /* 44.1 */
	assert_int_equal(ts_sysex_due(&q, 0, 5), 221);  /* 220.5 rounds up */
	assert_int_equal(ts_sysex_due(&q, 0, 10), 441);
	/* against an exact rational reference, at the extremes of every input */
	const uint32_t rates[] = {1, 44100, 48000, 96000, 192000, 1000000};
	const uint32_t bps[] = {1, 7, 3125, 31250, 999999, 1000000};
	const uint32_t gaps[] = {0, 1, 13, 100, 60000};
	const uint64_t ks[] = {0, 1, 2, 999, 3124, 3125, 1000003, TS_SYSEX_MAX_FILE - 1};
	for (size_t a = 0; a < 6; a++)
		for (size_t b = 0; b < 6; b++)
			for (size_t g = 0; g < 5; g++)
				for (size_t i = 0; i < 8; i++) {
					ts_sysex_pace x = {rates[a], bps[b], gaps[g]};
					uint64_t k = ks[i], m = k / 3;
					/* floor(t R + 1/2) as one fraction, in 128 bits */
					u128 num = 2 * ((u128)k * rates[a] * 1000 +
							(u128)m * gaps[g] * rates[a] * bps[b]) +
						   (u128)bps[b] * 1000;
					uint64_t want = (uint64_t)(num / ((u128)bps[b] * 2000));
					assert_int_equal(ts_sysex_due(&x, k, m), want);
				}
	/* monotonic, never two bytes more than a frame off the ideal spacing */
	uint64_t prev = 0;
	for (uint64_t k = 1; k < 100000; k++) {
		uint64_t d = ts_sysex_due(&p, k, 0);
		assert_true(d - prev == 15 || d - prev == 16);
		prev = d;
	}
}

/* ---- receiving ---- */

static void assert_data(ts_sysex_rx *rx, const uint8_t *want, size_t len)
{
	size_t n;
	const uint8_t *d = ts_sysex_rx_data(rx, &n);
	assert_int_equal(n, len);
	if (len)
		assert_memory_equal(d, want, len);
}

static void assembles_split_messages(void **state)
{
	(void)state;
	const uint8_t stream[] = {0xF8, 0x05, 0xF0, 0x41, 0x10, 0xF8, 0x42, 0xFE, 0x12, 0xF7, 0x90,
				  0x40, 0x7F, 0x40, 0x00, 0xF0, 0x7E, 0x7F, 0xF7, 0xF7};
	const uint8_t want[] = {0xF0, 0x41, 0x10, 0x42, 0x12, 0xF7, 0xF0, 0x7E, 0x7F, 0xF7};
	/* every way of cutting the stream in two, and byte by byte */
	for (size_t cut = 0; cut <= sizeof(stream); cut++) {
		ts_sysex_rx *rx = ts_sysex_rx_new(1024);
		assert_non_null(rx);
		assert_int_equal(ts_sysex_rx_feed(rx, stream, cut), TS_OK);
		assert_int_equal(ts_sysex_rx_feed(rx, stream + cut, sizeof(stream) - cut), TS_OK);
		ts_sysex_rx_end(rx);
		assert_data(rx, want, sizeof(want));
		ts_sysex_rx_stats st;
		ts_sysex_rx_get_stats(rx, &st);
		assert_int_equal(st.messages, 2);
		assert_int_equal(st.bytes, sizeof(want));
		assert_int_equal(st.realtime_dropped, 2);
		assert_int_equal(st.ignored, 8); /* F8 05, 90 40 7F 40 00, the last F7 */
		assert_int_equal(st.broken, 0);
		assert_int_equal(st.open, 0);
		assert_int_equal(st.seen, 12);
		assert_string_equal(ts_sysex_rx_last_broken(rx), "");
		ts_sysex_rx_free(rx);
	}
	ts_sysex_rx *rx = ts_sysex_rx_new(1024);
	for (size_t i = 0; i < sizeof(stream); i++)
		assert_int_equal(ts_sysex_rx_feed(rx, stream + i, 1), TS_OK);
	assert_data(rx, want, sizeof(want));
	ts_sysex_rx_free(rx);
}

static void broken_messages_are_not_kept(void **state)
{
	(void)state;
	ts_sysex_rx *rx = ts_sysex_rx_new(1024);
	const uint8_t a[] = {0xF0, 0x41, 0x01, 0x02, 0x90, 0x40, 0x7F, 0xF7};
	assert_int_equal(ts_sysex_rx_feed(rx, a, sizeof(a)), TS_OK);
	assert_string_equal(ts_sysex_rx_last_broken(rx),
			    "message 1 cut off after 4 bytes by status byte 0x90");
	const uint8_t b[] = {0xF0, 0x42, 0xF7, 0xF0, 0x43, 0xF0, 0x44, 0xF7, 0xF0, 0xF7, 0xF0, 0x45};
	assert_int_equal(ts_sysex_rx_feed(rx, b, sizeof(b)), TS_OK);
	ts_sysex_rx_stats st;
	ts_sysex_rx_get_stats(rx, &st);
	assert_int_equal(st.open, 2);
	ts_sysex_rx_end(rx);
	const uint8_t want[] = {0xF0, 0x42, 0xF7, 0xF0, 0x44, 0xF7};
	assert_data(rx, want, sizeof(want));
	ts_sysex_rx_get_stats(rx, &st);
	assert_int_equal(st.messages, 2);
	assert_int_equal(st.broken, 4); /* cut by 90, by F0, F0 F7, the end */
	assert_int_equal(st.open, 0);
	assert_string_equal(ts_sysex_rx_last_broken(rx),
			    "message 6 cut off after 2 bytes (no F7 before the end)");
	ts_sysex_rx_free(rx);
}

static void the_limit_is_kept(void **state)
{
	(void)state;
	ts_sysex_rx *rx = ts_sysex_rx_new(8);
	const uint8_t a[] = {0xF0, 0x01, 0x02, 0xF7, 0xF0, 0x01, 0x02, 0x03, 0x04, 0x05, 0xF7,
			     0xF0, 0x09, 0x0A, 0xF7};
	assert_int_equal(ts_sysex_rx_feed(rx, a, sizeof(a)), TS_ERR_FULL);
	const uint8_t want[] = {0xF0, 0x01, 0x02, 0xF7, 0xF0, 0x09, 0x0A, 0xF7};
	assert_data(rx, want, sizeof(want));
	ts_sysex_rx_stats st;
	ts_sysex_rx_get_stats(rx, &st);
	assert_true(st.full);
	assert_int_equal(st.messages, 2);
	assert_int_equal(st.broken, 1);
	assert_string_equal(ts_sysex_rx_last_broken(rx),
			    "message 2 cut off after 7 bytes (over the 8-byte limit)");
	/* nothing more fits: even F0 alone is refused, and the F7 closes it as broken */
	const uint8_t b[] = {0xF0, 0x01, 0xF7};
	assert_int_equal(ts_sysex_rx_feed(rx, b, sizeof(b)), TS_ERR_FULL);
	ts_sysex_rx_get_stats(rx, &st);
	assert_int_equal(st.broken, 2);
	assert_int_equal(st.open, 0);
	ts_sysex_rx_free(rx);
	ts_sysex_rx_free(NULL);
}

/* Whatever comes in, what is kept is a valid .syx file. */
static void random_streams_give_valid_files(void **state)
{
	(void)state;
	srand(7);
	for (int round = 0; round < 300; round++) {
		ts_sysex_rx *rx = ts_sysex_rx_new(4096);
		uint8_t buf[512];
		for (int chunk = 0; chunk < 8; chunk++) {
			size_t n = (size_t)(rand() % (int)sizeof(buf));
			for (size_t i = 0; i < n; i++) {
				int r = rand() % 100;
				buf[i] = r < 5 ? 0xF0 : r < 10 ? 0xF7 : r < 12 ? 0xF8 : r < 13 ? 0x90
					 : (uint8_t)(rand() & 0x7F);
			}
			ts_status st = ts_sysex_rx_feed(rx, buf, n);
			assert_true(st == TS_OK || st == TS_ERR_FULL);
		}
		ts_sysex_rx_end(rx);
		size_t len;
		const uint8_t *d = ts_sysex_rx_data(rx, &len);
		ts_sysex_rx_stats st;
		ts_sysex_rx_get_stats(rx, &st);
		assert_int_equal(st.bytes, len);
		if (len) {
			ts_sysex_span *s;
			size_t n;
			ts_sysex_error err;
			assert_int_equal(ts_sysex_split(d, len, &s, &n, &err), TS_OK);
			assert_int_equal(n, st.messages);
			free(s);
		}
		ts_sysex_rx_free(rx);
	}
}

/* The MIDI input parser (midi_in.h) counts SysEx without keeping it; on any stream the two agree
 * on which messages complete and how long they are (but for F0 F7, which the assembler does not
 * keep). */
typedef struct {
	uint32_t len[4096];
	size_t n;
} sysex_lens;

static void collect_len(void *ctx, const ts_midi_msg *m)
{
	sysex_lens *l = ctx;
	if (m->bytes[0] == 0xF0 && m->sysex_len > 2 && l->n < 4096)
		l->len[l->n++] = m->sysex_len;
}

static void agrees_with_midi_in(void **state)
{
	(void)state;
	srand(11);
	static sysex_lens lens;
	for (int round = 0; round < 200; round++) {
		ts_sysex_rx *rx = ts_sysex_rx_new(1 << 20);
		ts_midi_in p;
		ts_midi_in_init(&p);
		lens.n = 0;
		uint8_t buf[300];
		for (int chunk = 0; chunk < 10; chunk++) {
			size_t n = (size_t)(rand() % (int)sizeof(buf));
			for (size_t i = 0; i < n; i++) {
				int r = rand() % 100;
				buf[i] = r < 4 ? 0xF0 : r < 8 ? 0xF7 : r < 10 ? (uint8_t)(0xF8 + rand() % 8)
					 : r < 11 ? (uint8_t)(0x80 + rand() % 0x77) : (uint8_t)(rand() & 0x7F);
			}
			assert_int_equal(ts_sysex_rx_feed(rx, buf, n), TS_OK);
			ts_midi_in_feed(&p, 0, buf, n, collect_len, &lens);
		}
		ts_sysex_rx_end(rx);
		size_t len;
		const uint8_t *d = ts_sysex_rx_data(rx, &len);
		ts_sysex_span *s = NULL;
		size_t n = 0;
		ts_sysex_error err;
		if (len)
			assert_int_equal(ts_sysex_split(d, len, &s, &n, &err), TS_OK);
		assert_int_equal(n, lens.n);
		for (size_t i = 0; i < n; i++)
			assert_int_equal(s[i].len, lens.len[i]);
		free(s);
		ts_sysex_rx_free(rx);
	}
}

/* ---- out of memory ---- */

static void allocation_failures(void **state)
{
	(void)state;
	const uint8_t file[] = {0xF0, 0x41, 0xF7, 0xF0, 0x42, 0x01, 0xF7};
	ts_sysex_span *s;
	size_t n;
	ts_sysex_error err;
	long before = fa_live;
	fa_arm(1);
	assert_int_equal(ts_sysex_split(file, sizeof(file), &s, &n, &err), TS_ERR_NOMEM);
	assert_null(s);
	assert_int_equal(fa_live, before);

	/* the assembler's object, then its buffer, each failing once */
	fa_arm(1);
	assert_null(ts_sysex_rx_new(1024));
	assert_int_equal(fa_live, before);
	ts_sysex_rx *rx = ts_sysex_rx_new(1 << 20);
	assert_non_null(rx);
	fa_arm(1);
	assert_int_equal(ts_sysex_rx_feed(rx, file, sizeof(file)), TS_ERR_NOMEM);
	ts_sysex_rx_stats st;
	ts_sysex_rx_get_stats(rx, &st);
	/* the first message broke, the second found memory again */
	assert_int_equal(st.broken, 1);
	assert_int_equal(st.messages, 1);
	assert_string_equal(ts_sysex_rx_last_broken(rx), "message 1 cut off after 0 bytes (out of memory)");
	assert_data(rx, file + 3, 4);
	/* growing past the first 4 KiB fails: that message breaks, what was kept stays */
	uint8_t big[5000];
	memset(big, 0x11, sizeof(big));
	big[0] = 0xF0;
	big[sizeof(big) - 1] = 0xF7;
	fa_arm(1);
	assert_int_equal(ts_sysex_rx_feed(rx, big, sizeof(big)), TS_ERR_NOMEM);
	assert_data(rx, file + 3, 4);
	fa_disarm();
	assert_int_equal(ts_sysex_rx_feed(rx, big, sizeof(big)), TS_OK);
	ts_sysex_rx_get_stats(rx, &st);
	assert_int_equal(st.messages, 2);
	assert_int_equal(st.bytes, 4 + sizeof(big));
	ts_sysex_rx_free(rx);
	assert_int_equal(fa_live, before);
}

/* ---- the ring ---- */

static void ring_wraps_and_refuses(void **state)
{
	(void)state;
	ts_sysex_ring *r = ts_sysex_ring_new(10); /* 16 */
	assert_non_null(r);
	uint8_t in[16], out[16];
	for (int i = 0; i < 16; i++)
		in[i] = (uint8_t)(i + 1);
	for (int round = 0; round < 50; round++) {
		size_t n = (size_t)(round % 7) + 5;
		assert_true(ts_sysex_ring_write(r, in, n));
		assert_false(ts_sysex_ring_write(r, in, 17 - n)); /* all or nothing */
		size_t got = ts_sysex_ring_read(r, out, sizeof(out));
		assert_int_equal(got, n);
		for (size_t i = 0; i < got; i++)
			assert_int_equal(out[i], in[i]);
	}
	assert_true(ts_sysex_ring_write(r, in, 16));
	assert_false(ts_sysex_ring_write(r, in, 1));
	assert_int_equal(ts_sysex_ring_read(r, out, 3), 3);
	assert_true(ts_sysex_ring_write(r, in, 3));
	assert_int_equal(ts_sysex_ring_read(r, out, 16), 16);
	assert_int_equal(out[12], 16);
	assert_int_equal(out[13], 1);
	assert_int_equal(ts_sysex_ring_read(r, out, 16), 0);
	ts_sysex_ring_free(r);
	ts_sysex_ring_free(NULL);
	assert_null(ts_sysex_ring_new(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(splits_messages),
		cmocka_unit_test(refuses_every_kind),
		cmocka_unit_test(refuses_too_large),
		cmocka_unit_test(reads_files),
		cmocka_unit_test(due_is_exact),
		cmocka_unit_test(assembles_split_messages),
		cmocka_unit_test(broken_messages_are_not_kept),
		cmocka_unit_test(the_limit_is_kept),
		cmocka_unit_test(random_streams_give_valid_files),
		cmocka_unit_test(agrees_with_midi_in),
		cmocka_unit_test(allocation_failures),
		cmocka_unit_test(ring_wraps_and_refuses),
	};
	return cmocka_run_group_tests_name("sysex", tests, NULL, NULL);
}
