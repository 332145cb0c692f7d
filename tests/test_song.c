/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The engine playing songs (spec/song-format.md §5). Expectations are computed by hand from the
 * spec; the arithmetic is in the comments. 48000 Hz; at 120.0 BPM a 1x step is 6000 frames.
 * Track N plays on channel N, note 60 (0x3C), velocity 100 (0x64) unless a test says otherwise.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/song.h"

#include "alloccount.h"

/* ---- events as dump lines ---- */

static char out[1 << 17];
static size_t at;
static uint64_t base;

static void collect(void *ctx, const ts_event *ev)
{
	(void)ctx;
	if (ev->port == TS_PORT_VOICE || at > sizeof(out) - 64)
		return;
	at += (size_t)snprintf(out + at, sizeof(out) - at, "%llu%s",
			       (unsigned long long)(base + ev->frame),
			       ev->port == TS_PORT_CLOCK ? " clock" : "");
	for (int k = 0; k < ev->size; k++)
		at += (size_t)snprintf(out + at, sizeof(out) - at, " %02X", ev->bytes[k]);
	out[at++] = '\n';
	out[at] = '\0';
}

static ts_pattern pats[4];

static void parse(int k, const char *text)
{
	ts_diags d;
	ts_status st = ts_patfile_parse(text, strlen(text), &pats[k], NULL, &d);
	if (st != TS_OK)
		ts_diags_print(stderr, "test", &d);
	assert_int_equal(st, TS_OK);
}

static ts_song song;

static void song_begin(uint16_t tempo10)
{
	memset(&song, 0, sizeof(song));
	song.tempo10 = tempo10;
}

static ts_song_row *row(int pattern, int repeat)
{
	ts_song_row *r = &song.rows[song.nrows];
	*r = (ts_song_row){.pattern = (uint8_t)pattern, .stmt = (uint16_t)song.nstmts,
			   .repeat = (uint16_t)repeat};
	song.stmts[song.nstmts++] = (ts_song_stmt){.kind = TS_SONG_STMT_ROW,
						   .row = (uint16_t)song.nrows};
	song.nrows++;
	return r;
}

static void loop(int row1, int count)
{
	song.stmts[song.nstmts++] = (ts_song_stmt){.kind = TS_SONG_STMT_LOOP,
						   .row = (uint16_t)(row1 - 1),
						   .count = (uint16_t)count};
}

static ts_engine *new_engine(int npat, bool clock, int program_send)
{
	ts_engine_config cfg = {.rate = 48000, .seed = 1, .send_clock = clock, .chain_max = npat,
				.program_send = (uint8_t)program_send};
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	return eng;
}

/* Run for at most `frames` frames in periods of `period` (0: pseudo-random 1 … 2000), then stop
 * if the song has not ended; the lines in out. */
static const char *run(ts_engine *eng, uint64_t frames, uint32_t period)
{
	at = 0;
	out[0] = '\0';
	uint64_t done = 0, lcg = 99;
	while (done < frames && (done == 0 || ts_engine_running(eng))) {
		uint64_t n = period;
		if (n == 0) {
			lcg = lcg * 6364136223846793005u + 1442695040888963407u;
			n = 1 + (lcg >> 33) % 2000;
		}
		if (n > frames - done)
			n = frames - done;
		base = done;
		ts_engine_run(eng, (uint32_t)n, collect, NULL);
		done += n;
	}
	base = done;
	ts_engine_stop(eng, 0, collect, NULL);
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.lost_events, 0);
	return out;
}

static const char *play_song(int npat, uint64_t frames, uint32_t period)
{
	ts_engine *eng = new_engine(npat, false, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, npat, &song), TS_OK);
	ts_engine_start(eng);
	run(eng, frames, period);
	ts_engine_free(eng);
	return out;
}

/* Only the note-ons. */
static const char *note_ons(const char *text)
{
	static char buf[1 << 16];
	size_t n = 0;
	buf[0] = '\0';
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t len = (size_t)(e - p) + 1;
		const char *sp = strchr(p, ' ');
		if (sp && sp[1] == '9' && n + len < sizeof(buf)) {
			memcpy(buf + n, p, len);
			n += len;
			buf[n] = '\0';
		}
		p = e + 1;
	}
	return buf;
}

static const char P_STEPS12[] = "trigseq 1\ntempo 120.0\nlength 16\n"
				"track 1\n  steps xx.. .... .... ....\n  gate 0.5\n";

/* Spec §5.2's example: song tempo 123.7, row 1 a 16-step 1x pattern `repeat 2`, row 2
 * `tempo 150`. A 1x step at 123.7 is 2880000/1237 = 2328.21 U-frames per ... = 48000·60/(123.7·4)
 * = 5820.534 frames: step 1 of repeat 2 (q = 16) at 93128.55 -> 93129; row 2 at q = 32:
 * 186257.07 -> 186257; its step 2 one 150-BPM step (4800 frames) later: 191057. The song ends at
 * q = 48: 186257 + 16·4800 = 263057 (FC there, nothing after). */
static void test_tempo_map_example(void **state)
{
	(void)state;
	parse(0, P_STEPS12);
	song_begin(1237);
	row(0, 2);
	row(0, 1)->tempo10 = 1500;
	ts_engine *eng = new_engine(1, true, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, 1, &song), TS_OK);
	ts_engine_start(eng);
	const char *t = run(eng, 400000, 256);
	assert_true(ts_engine_ended(eng));
	ts_engine_free(eng);
	assert_string_equal(note_ons(t), "0 90 3C 64\n"
					 "5821 90 3C 64\n"      /* 5820.53 */
					 "93129 90 3C 64\n"
					 "98949 90 3C 64\n"     /* 93128.55 + 5820.53 = 98949.08 */
					 "186257 90 3C 64\n"
					 "191057 90 3C 64\n");
	/* the clock: tick 192 (q = 32) at the row boundary, ticks of 800 frames after it */
	assert_non_null(strstr(t, "186257 clock F8\n186257 90 3C 64\n187057 clock F8\n"));
	/* the end: the last tick before it, then Stop at F_end and nothing after */
	size_t len = strlen(t);
	const char *tail = "262257 clock F8\n263057 clock FC\n";
	assert_true(len >= strlen(tail));
	assert_string_equal(t + len - strlen(tail), tail);
}

/* Passes count across repeats: `1st` plays on the row's first pass only, 4:4 on its 4th repeat;
 * the next row instance starts at pass 1 again (§5.3, §5.4). Pattern length 4: 24000 frames. */
static void test_repeats_and_passes(void **state)
{
	(void)state;
	parse(0, "trigseq 1\ntempo 120.0\nlength 4\n"
		 "track 1\n  note 40\n  steps x...\n  step 1 cond 1st\n"
		 "track 2\n  note 41\n  steps x...\n  step 1 cond 4:4\n"
		 "track 3\n  note 42\n  steps x...\n");
	song_begin(1200);
	row(0, 4);
	row(0, 1);
	const char *t = note_ons(play_song(1, 1000000, 0));
	assert_string_equal(t, "0 90 28 64\n"
			       "0 92 2A 64\n"
			       "24000 92 2A 64\n"
			       "48000 92 2A 64\n"
			       "72000 91 29 64\n"
			       "72000 92 2A 64\n"
			       "96000 90 28 64\n"
			       "96000 92 2A 64\n");
}

/* A row's `length` changes the period, not the tracks: 16-step tracks with `length 24` play
 * steps 1–16, 1–8 each repeat (§5.3). Trigs on steps 1 and 13: q = 0, 12, 16 and again from 24:
 * 24, 36, 40 (frames ×6000). With `length 12` step 13 never plays. */
static void test_row_length(void **state)
{
	(void)state;
	parse(0, "trigseq 1\ntempo 120.0\nlength 16\n"
		 "track 1\n  steps x... .... .... x...\n");
	song_begin(1200);
	row(0, 2)->length = 24;
	assert_string_equal(note_ons(play_song(1, 1000000, 0)), "0 90 3C 64\n"
								 "72000 90 3C 64\n"
								 "96000 90 3C 64\n"
								 "144000 90 3C 64\n"
								 "216000 90 3C 64\n"
								 "240000 90 3C 64\n");
	song_begin(1200);
	row(0, 2)->length = 12;
	assert_string_equal(note_ons(play_song(1, 1000000, 0)), "0 90 3C 64\n"
								 "72000 90 3C 64\n");
}

/* Mutes per row; loops (§3.1: A B loop 1 2 C plays A B A B A B C). Patterns of 4 steps, notes
 * A 60, B 62, C 64 on track 1, track 2 always note 50; row B mutes track 2. */
static void test_loop_and_mutes(void **state)
{
	(void)state;
	parse(0, "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  note 60\n  steps x...\n"
		 "track 2\n  note 50\n  steps x...\n");
	parse(1, "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  note 62\n  steps x...\n"
		 "track 2\n  note 50\n  steps x...\n");
	parse(2, "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  note 64\n  steps x...\n"
		 "track 2\n  note 50\n  steps x...\n");
	song_begin(1200);
	row(0, 1);
	row(1, 1)->mute = 1 << 1;
	loop(1, 2);
	row(2, 1);
	assert_string_equal(note_ons(play_song(3, 1000000, 0)), "0 90 3C 64\n"
								 "0 91 32 64\n"
								 "24000 90 3E 64\n"
								 "48000 90 3C 64\n"
								 "48000 91 32 64\n"
								 "72000 90 3E 64\n"
								 "96000 90 3C 64\n"
								 "96000 91 32 64\n"
								 "120000 90 3E 64\n"
								 "144000 90 40 64\n"
								 "144000 91 32 64\n");
}

/* Program send (§6 play): at frame 0 the first instance's number, then the second's; at each
 * row boundary the one after it; none at the last. Rows A B A (patterns 0 1 0), 4 steps each. */
static void test_program_send(void **state)
{
	(void)state;
	parse(0, "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  steps ....\n");
	parse(1, "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  steps ....\n");
	song_begin(1200);
	row(0, 1);
	row(1, 1);
	row(0, 1);
	ts_engine *eng = new_engine(2, false, 16);
	assert_int_equal(ts_engine_load_song(eng, pats, 2, &song), TS_OK);
	ts_engine_start(eng);
	assert_string_equal(run(eng, 1000000, 1000), "0 clock CF 00\n"
						     "0 clock CF 01\n"
						     "24000 clock CF 00\n");
	assert_true(ts_engine_ended(eng));
	ts_engine_free(eng);
}

/* Held notes end at a row boundary, not at a repeat boundary; notes sounding at the end end
 * there, after the Stop (§5.4, §5.5). An `inf` gate on step 1 of a 4-step pattern: held through
 * the repeat at 24000, released at the next row (48000) before the new note, and at the end. */
static void test_held_notes(void **state)
{
	(void)state;
	parse(0, "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  gate inf\n  steps x...\n");
	song_begin(1200);
	row(0, 2);
	row(0, 1);
	ts_engine *eng = new_engine(1, true, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, 1, &song), TS_OK);
	ts_engine_start(eng);
	const char *t = run(eng, 1000000, 0);
	ts_engine_free(eng);
	assert_string_equal(note_ons(t), "0 90 3C 64\n24000 90 3C 64\n48000 90 3C 64\n");
	/* the repeat's note-on cuts the held note (same note, same channel) */
	assert_non_null(strstr(t, "24000 80 3C 40\n24000 90 3C 64\n"));
	assert_non_null(strstr(t, "48000 80 3C 40\n48000 90 3C 64\n"));
	assert_non_null(strstr(t, "72000 clock FC\n72000 80 3C 40\n"));
}

/* The chain A B is the song `row A`, `row B`, `loop 1 inf` (§5.6), and a song's output does not
 * depend on the period sizes. */
static void test_chain_is_song(void **state)
{
	(void)state;
	ts_diags d;
	assert_int_equal(ts_patfile_load("patterns/rytm-drums.tsq", &pats[0], NULL, &d), TS_OK);
	assert_int_equal(ts_patfile_load("patterns/virus-acid.tsq", &pats[1], NULL, &d), TS_OK);
	ts_engine *eng = new_engine(2, true, 0);
	assert_int_equal(ts_engine_load_chain(eng, pats, 2), TS_OK);
	ts_engine_start(eng);
	static char chain_out[sizeof(out)];
	strcpy(chain_out, run(eng, 48000 * 20, 1024));
	ts_engine_free(eng);
	ts_song_of_chain(&song, 2, pats[0].tempo10);
	eng = new_engine(2, true, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, 2, &song), TS_OK);
	ts_engine_start(eng);
	assert_string_equal(run(eng, 48000 * 20, 1024), chain_out);
	ts_engine_start(eng);
	assert_string_equal(run(eng, 48000 * 20, 0), chain_out);
	ts_engine_free(eng);
}

/* Tempo changes, repeats, lengths and loops; random period sizes give the same events; Continue
 * at a position plays the notes playing from the start plays after it. */
static void test_periods_and_continue(void **state)
{
	(void)state;
	ts_diags d;
	assert_int_equal(ts_patfile_load("patterns/rytm-drums.tsq", &pats[0], NULL, &d), TS_OK);
	assert_int_equal(ts_patfile_load("patterns/rev2-chords.tsq", &pats[1], NULL, &d), TS_OK);
	song_begin(1100);
	row(0, 2)->tempo10 = 1337;
	row(1, 1)->length = 7;
	row(0, 3)->mute = 0x0F0;
	loop(2, 2);
	row(1, 2)->tempo10 = 900;
	static char ref[sizeof(out)];
	strcpy(ref, play_song(2, 48000 * 200, 512));
	assert_string_equal(play_song(2, 48000 * 200, 0), ref);
	assert_string_equal(play_song(2, 48000 * 200, 1), ref);
	/* Continue at q = 40 steps (inside row 3's first instance: rows 1 (32 steps), 2 (7)) */
	ts_engine *eng = new_engine(2, false, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, 2, &song), TS_OK);
	ts_engine_continue(eng, 40 * TS_UNITS_PER_STEP);
	uint64_t f0 = ts_engine_frames(eng);
	static char cont[sizeof(out)];
	at = 0;
	out[0] = '\0';
	uint64_t done = 0;
	while (ts_engine_running(eng) && done < 48000 * 200) {
		base = f0 + done;
		ts_engine_run(eng, 700, collect, NULL);
		done += 700;
	}
	strcpy(cont, note_ons(out));
	ts_engine_free(eng);
	/* the reference's note-ons at or after f0 */
	const char *r = note_ons(ref);
	const char *p = r;
	while (*p && strtoull(p, NULL, 10) < f0)
		p = strchr(p, '\n') + 1;
	assert_string_equal(cont, p);
}

/* A live tempo change replaces the song's map from then on; nothing allocates while playing. */
static void test_live_tempo_no_alloc(void **state)
{
	(void)state;
	parse(0, P_STEPS12);
	song_begin(1200);
	row(0, 1);
	row(0, 1)->tempo10 = 600;
	ts_engine *eng = new_engine(1, false, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, 1, &song), TS_OK);
	ts_engine_start(eng);
	at = 0;
	out[0] = '\0';
	alloc_count_init();
	unsigned long a0 = n_allocs;
	base = 0;
	ts_engine_run(eng, 48000, collect, NULL); /* 8 steps at 120 */
	assert_int_equal(ts_engine_set_tempo(eng, 2400), TS_OK);
	for (base = 48000; ts_engine_running(eng) && base < 480000; base += 1000)
		ts_engine_run(eng, 1000, collect, NULL);
	assert_int_equal(n_allocs, a0);
	ts_engine_free(eng);
	/* from q = 8 (frame 48000) at 240 BPM (3000 frames a step), row 2's own 60 BPM unused: row 2
	 * at q = 16 -> 72000, its step 2 at 75000; the end at q = 32 -> 120000 */
	assert_string_equal(note_ons(out), "0 90 3C 64\n6000 90 3C 64\n72000 90 3C 64\n"
					   "75000 90 3C 64\n");
	assert_true(base <= 121000);
}

/* A jump to a row takes effect at the next row boundary: rows A B C (4 steps each, notes 60 62
 * 64), `loop 1 inf`; during row B (frame 30000, q = 5) a jump to row 1: B plays to q = 8, then
 * A, B, C again. */
static void test_jump(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++) {
		char text[200];
		snprintf(text, sizeof(text), "trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  note %d\n"
			 "  steps x...\n", 60 + 2 * k);
		parse(k, text);
	}
	song_begin(1200);
	row(0, 1);
	row(1, 1);
	row(2, 1);
	loop(1, TS_SONG_INF);
	ts_engine *eng = new_engine(3, false, 0);
	assert_int_equal(ts_engine_load_song(eng, pats, 3, &song), TS_OK);
	assert_false(ts_engine_song_jump(eng, 0)); /* stopped */
	ts_engine_start(eng);
	at = 0;
	out[0] = '\0';
	base = 0;
	ts_engine_run(eng, 30000, collect, NULL);
	assert_false(ts_engine_song_jump(eng, 3));
	assert_true(ts_engine_song_jump(eng, 0));
	ts_engine_status st;
	ts_engine_get_status(eng, &st);
	assert_int_equal(st.row, 1);
	assert_int_equal(st.queued, 0);
	for (base = 30000; base < 120000; base += 500)
		ts_engine_run(eng, 500, collect, NULL);
	ts_engine_free(eng);
	assert_string_equal(note_ons(out), "0 90 3C 64\n24000 90 3E 64\n48000 90 3C 64\n"
					   "72000 90 3E 64\n96000 90 40 64\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tempo_map_example),
		cmocka_unit_test(test_repeats_and_passes),
		cmocka_unit_test(test_row_length),
		cmocka_unit_test(test_loop_and_mutes),
		cmocka_unit_test(test_program_send),
		cmocka_unit_test(test_held_notes),
		cmocka_unit_test(test_chain_is_song),
		cmocka_unit_test(test_periods_and_continue),
		cmocka_unit_test(test_live_tempo_no_alloc),
		cmocka_unit_test(test_jump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
