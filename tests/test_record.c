/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Recording into the editor's document: step entry (chords, the cursor's advance and wrap), live
 * passes (replacement and overdub, chords across loops, gates from the held time, locks from
 * controllers, notes held over the end), a pass as one undo step, and refusals that change
 * nothing. Every pattern recorded is checked to be one the file format reads back, and some cases
 * check the text a user gets in the saved file. */
#include "testutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/core/edit.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/record.h"

#define STEP TS_PHASE_STEP

/* Patterns are ~47 KB and a recorder ~13 KB: keep them off the stack. */
static ts_pattern pat, ref;
static ts_recorder rec;
static ts_diags diags;
static char dir[256];

/* ---- helpers ---- */

/* A document holding `text` (saved in the test folder and opened), clean, no history. */
static ts_edit *doc(const char *text)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/p.tsq", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	ts_edit *ed = ts_edit_new(NULL);
	assert_non_null(ed);
	if (ts_edit_open(ed, path, &diags) != TS_OK) {
		ts_diags_print(stderr, path, &diags);
		fail_msg("cannot open %s", path);
	}
	assert_int_equal(unlink(path), 0);
	ts_rec_init(&rec);
	return ed;
}

/* The file text of the document's pattern (malloc'd), checked to parse back to itself. */
static char *text_of(const ts_edit *ed)
{
	char *text = ts_patfile_format(ts_edit_pattern(ed), NULL, NULL);
	assert_non_null(text);
	if (ts_patfile_parse(text, strlen(text), &ref, NULL, &diags) != TS_OK) {
		ts_diags_print(stderr, "recorded", &diags);
		fail_msg("the recorded pattern does not parse back:\n%s", text);
	}
	char *again = ts_patfile_format(&ref, NULL, NULL);
	assert_non_null(again);
	assert_string_equal(text, again);
	free(again);
	return text;
}

/* The saved file has this line (a whole line, "  steps x..." or "  step 1 note C4"). */
static void assert_line(const ts_edit *ed, const char *line)
{
	char *text = text_of(ed);
	char want[256];
	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
	free(text);
}

static const ts_trig *trig_at(const ts_edit *ed, int track, int step)
{
	return &ts_edit_pattern(ed)->tracks[track].steps[step];
}

/* The trig's notes are exactly these. */
static void assert_notes(const ts_trig *tr, int n, const int *notes)
{
	assert_int_equal(tr->nnotes, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(tr->notes[i], notes[i]);
}

/* Where an event at step `step` of loop `loop` of a track of `length` steps falls, `micro` 24ths
 * of a step off it. */
static ts_rec_pos at(int track, int length, int loop, int step, int micro)
{
	return (ts_rec_pos){.track = track, .step = step, .micro = micro,
			    .time = ((int64_t)loop * length + step) * STEP + micro * (STEP / 24)};
}

static ts_rec_pos at_time(int track, int step, int64_t time)
{
	return (ts_rec_pos){.track = track, .step = step, .micro = 0, .time = time};
}

static bool note_on(ts_edit *ed, ts_rec_pos p, int note, int vel)
{
	return ts_rec_note_on(&rec, ed, &p, note, vel, false);
}

static bool note_off(ts_edit *ed, ts_rec_pos p, int note)
{
	return ts_rec_note_off(&rec, ed, &p, note);
}

static bool cc(ts_edit *ed, ts_rec_pos p, int c, int value)
{
	return ts_rec_cc(&rec, ed, &p, c, value);
}

static int undo_all(ts_edit *ed)
{
	int n = 0;
	while (ts_edit_undo(ed))
		n++;
	return n;
}

/* Refused with `why`: false, and the pattern and version unchanged. */
static void expect_refused(ts_edit *ed, bool result, const char *why, uint64_t version)
{
	assert_false(result);
	assert_string_equal(ts_edit_message(ed), why);
	assert_int_equal(ts_edit_version(ed), version);
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
}

static const char *const empty16 = "trigseq 1\n";

/* Track 1: a rich trig on step 1 (accent, chord, cond, micro, locks), a plain one on step 5. */
static const char *const rich =
	"trigseq 1\n"
	"\n"
	"track 1\n"
	"  channel 1\n"
	"  note C4\n"
	"  steps X... x... .... ....\n"
	"  step 1 note D#2+G2 vel 30 gate 4 micro 5 cond 1:2 cc 7=64 cc 10=5 slide\n"
	"  step 5 note A3\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_record.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

/* ---- the gate of a held time ---- */

static void test_gate(void **state)
{
	(void)state;
	/* Every value of the table is its own index. */
	for (int i = 0; i < TS_LEN_COUNT; i++)
		assert_int_equal(ts_rec_gate((int64_t)ts_len16(i) * STEP / 16), i);
	assert_int_equal(ts_rec_gate(STEP), TS_LEN_ONE);
	assert_int_equal(ts_rec_gate(2 * STEP), ts_len_index(32));
	/* 1.4 steps = 22.4 sixteenths: 22 (1.375); 1.45 = 23.2: 23 (1.4375). */
	assert_int_equal(ts_rec_gate(STEP * 14 / 10), ts_len_index(22));
	assert_int_equal(ts_rec_gate(STEP * 145 / 100), ts_len_index(23));
	/* Halfway between two values: the shorter. Just past it: the longer. */
	assert_int_equal(ts_rec_gate(STEP * 33 / 32), TS_LEN_ONE);          /* 16.5 */
	assert_int_equal(ts_rec_gate(STEP * 33 / 32 + 1), TS_LEN_ONE + 1);
	assert_int_equal(ts_rec_gate(33 * STEP / 16), ts_len_index(32));     /* between 32 and 34 */
	assert_int_equal(ts_rec_gate(33 * STEP / 16 + 1), ts_len_index(34));
	/* Below the table: its shortest; above: its longest finite length, never inf. */
	assert_int_equal(ts_rec_gate(0), 0);
	assert_int_equal(ts_rec_gate(-5 * STEP), 0);
	assert_int_equal(ts_rec_gate(STEP / 16), 0);
	assert_int_equal(ts_rec_gate(128 * STEP), TS_LEN_COUNT - 1);
	assert_int_equal(ts_rec_gate(1000 * STEP), TS_LEN_COUNT - 1);
	assert_int_equal(ts_rec_gate(INT64_MAX), TS_LEN_COUNT - 1);
	assert_int_equal(ts_rec_gate(INT64_MIN), 0);
	assert_int_equal(ts_len16(TS_LEN_COUNT - 1), 2048);
}

/* ---- step entry ---- */

static void test_step_single(void **state)
{
	(void)state;
	ts_edit *ed = doc(empty16);
	uint64_t v = ts_edit_version(ed);
	ts_rec_step_on(&rec, 60, 93);
	assert_int_equal(ts_edit_version(ed), v);   /* written on release only */
	assert_true(ts_rec_step_off(&rec, ed, 60));
	assert_int_equal(ts_edit_version(ed), v + 1);
	assert_true(ts_edit_dirty(ed));
	const ts_trig *tr = trig_at(ed, 0, 0);
	assert_int_equal(tr->kind, TS_TRIG_NOTE);
	assert_notes(tr, 1, (int[]){60});
	assert_int_equal(tr->vel, 93);
	assert_int_equal(tr->gate, TS_UNSET);
	assert_int_equal(ts_edit_get_cursor(ed).step, 1);
	assert_int_equal(ts_edit_get_cursor(ed).track, 0);
	assert_line(ed, "  steps x... .... .... ....");
	assert_line(ed, "  step 1 note C4 vel 93");

	/* Released again: not down, nothing. */
	assert_false(ts_rec_step_off(&rec, ed, 60));
	assert_int_equal(ts_edit_version(ed), v + 1);
	/* A key never pressed (or ignored as out of range): nothing. */
	ts_rec_step_on(&rec, 128, 100);
	ts_rec_step_on(&rec, 61, 0);
	ts_rec_step_on(&rec, 62, 128);
	assert_false(ts_rec_step_off(&rec, ed, 128));
	assert_false(ts_rec_step_off(&rec, ed, 61));
	assert_false(ts_rec_step_off(&rec, ed, 62));
	assert_false(ts_rec_step_off(&rec, ed, -1));
	assert_int_equal(ts_edit_version(ed), v + 1);
	assert_int_equal(ts_edit_get_cursor(ed).step, 1);

	/* Undo takes the note back and the cursor to it. */
	assert_true(ts_edit_undo(ed));
	assert_int_equal(trig_at(ed, 0, 0)->kind, TS_TRIG_NONE);
	assert_int_equal(ts_edit_get_cursor(ed).step, 0);
	assert_false(ts_edit_dirty(ed));
	ts_edit_free(ed);
}

/* Three keys pressed, released in an order: one trig at the cursor, one undo step. */
static void chord_released(const int release[3])
{
	ts_edit *ed = doc(empty16);
	ts_edit_move_to(ed, 2, 6);
	ts_rec_step_on(&rec, 60, 80);
	ts_rec_step_on(&rec, 64, 110);
	ts_rec_step_on(&rec, 67, 90);
	uint64_t v = ts_edit_version(ed);
	assert_false(ts_rec_step_off(&rec, ed, release[0]));
	assert_false(ts_rec_step_off(&rec, ed, release[1]));
	assert_int_equal(ts_edit_version(ed), v);
	assert_int_equal(ts_edit_get_cursor(ed).step, 6);
	assert_true(ts_rec_step_off(&rec, ed, release[2]));
	const ts_trig *tr = trig_at(ed, 2, 6);
	assert_notes(tr, 3, (int[]){60, 64, 67});   /* as pressed, whatever the release */
	assert_int_equal(tr->vel, 110);
	assert_int_equal(ts_edit_get_cursor(ed).track, 2);
	assert_int_equal(ts_edit_get_cursor(ed).step, 7);
	assert_line(ed, "  step 7 note C4+E4+G4 vel 110");
	assert_int_equal(undo_all(ed), 1);
	ts_edit_free(ed);
}

static void test_step_chord(void **state)
{
	(void)state;
	chord_released((int[]){60, 64, 67});
	chord_released((int[]){67, 64, 60});
	chord_released((int[]){64, 67, 60});

	/* Five keys: four notes written, one counted; a key pressed again after its release while
	 * others are down is in the chord once, and its louder velocity counts. */
	ts_edit *ed = doc(empty16);
	ts_rec_step_on(&rec, 50, 40);
	ts_rec_step_on(&rec, 52, 40);
	assert_false(ts_rec_step_off(&rec, ed, 50));
	ts_rec_step_on(&rec, 50, 70);
	ts_rec_step_on(&rec, 53, 40);
	ts_rec_step_on(&rec, 55, 40);
	ts_rec_step_on(&rec, 57, 120);              /* the fifth: ignored, its velocity too */
	assert_int_equal(rec.notes_ignored, 1);
	ts_rec_step_on(&rec, 53, 127);              /* down already: ignored */
	for (int n = 50; n <= 57; n++)
		if (n != 57)
			assert_false(ts_rec_step_off(&rec, ed, n));
	assert_true(ts_rec_step_off(&rec, ed, 57));
	assert_notes(trig_at(ed, 0, 0), 4, (int[]){50, 52, 53, 55});
	assert_int_equal(trig_at(ed, 0, 0)->vel, 70);
	/* The next chord starts afresh. */
	ts_rec_step_on(&rec, 40, 20);
	assert_true(ts_rec_step_off(&rec, ed, 40));
	assert_notes(trig_at(ed, 0, 1), 1, (int[]){40});
	assert_int_equal(trig_at(ed, 0, 1)->vel, 20);
	assert_int_equal(undo_all(ed), 2);
	ts_edit_free(ed);
}

static void test_step_existing_and_wrap(void **state)
{
	(void)state;
	/* Advanced mode: track 1 of 16 steps, track 2 of 3. */
	ts_edit *ed = doc("trigseq 1\n"
			  "mode advanced\n"
			  "\n"
			  "track 1\n"
			  "  channel 1\n"
			  "  note C4\n"
			  "  steps X... x... .... ....\n"
			  "  step 1 note D#2+G2 vel 30 gate 4 micro 5 cond 1:2 cc 7=64 slide\n"
			  "\n"
			  "track 2\n"
			  "  channel 2\n"
			  "  note C4\n"
			  "  length 3\n"
			  "  steps ...\n");

	/* An existing trig keeps its kind and everything but its notes and vel. */
	ts_rec_step_on(&rec, 62, 99);
	assert_true(ts_rec_step_off(&rec, ed, 62));
	assert_line(ed, "  steps X... x... .... ....");
	assert_line(ed, "  step 1 note D4 vel 99 gate 4 micro 5 cond 1:2 cc 7=64 slide");

	/* Wrapping at the track's own length. */
	ts_edit_move_to(ed, 1, 1);
	for (int i = 0; i < 3; i++) {
		ts_rec_step_on(&rec, 70 + i, 100);
		assert_true(ts_rec_step_off(&rec, ed, 70 + i));
	}
	assert_int_equal(ts_edit_get_cursor(ed).step, 1);
	assert_line(ed, "  steps xxx");
	assert_notes(trig_at(ed, 1, 0), 1, (int[]){72});
	/* The same chord over itself changes nothing, and moves on. */
	uint64_t v = ts_edit_version(ed);
	ts_rec_step_on(&rec, 70, 100);
	assert_false(ts_rec_step_off(&rec, ed, 70));
	assert_string_equal(ts_edit_message(ed), "no change");
	assert_int_equal(ts_edit_version(ed), v);
	assert_int_equal(ts_edit_get_cursor(ed).step, 2);

	/* Beyond the track's length: refused, the cursor stays, the chord is dropped. */
	ts_edit_move_to(ed, 1, 5);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	ts_rec_step_on(&rec, 60, 100);
	expect_refused(ed, ts_rec_step_off(&rec, ed, 60), "step beyond the track's length", v);
	assert_int_equal(ts_edit_get_cursor(ed).step, 5);
	ts_edit_move_to(ed, 1, 2);
	ts_rec_step_on(&rec, 65, 100);
	assert_true(ts_rec_step_off(&rec, ed, 65));
	assert_notes(trig_at(ed, 1, 2), 1, (int[]){65});
	ts_edit_free(ed);
}

/* ---- live passes ---- */

static void test_pass_replace_and_chord(void **state)
{
	(void)state;
	ts_edit *ed = doc(rich);
	ts_rec_pass_begin(&rec, ed);
	assert_true(ts_rec_in_pass(&rec));

	/* The first note on step 1 replaces the trig there, whatever it had. */
	assert_true(note_on(ed, at(0, 16, 0, 0, 5), 60, 70));
	const ts_trig *tr = trig_at(ed, 0, 0);
	ts_trig fresh;
	ts_trig_init(&fresh);
	fresh.kind = TS_TRIG_NOTE;
	fresh.nnotes = 1;
	fresh.notes[0] = 60;
	fresh.vel = 70;
	assert_memory_equal(tr, &fresh, sizeof(fresh));   /* micro 0: not kept */
	assert_line(ed, "  steps x... x... .... ....");
	assert_line(ed, "  step 1 note C4 vel 70");

	/* More notes on that step: a chord, the loudest velocity, each note once. */
	assert_true(note_on(ed, at(0, 16, 0, 0, 7), 64, 110));
	assert_true(note_on(ed, at(0, 16, 0, 0, 10), 67, 50));
	assert_notes(tr, 3, (int[]){60, 64, 67});
	assert_int_equal(tr->vel, 110);
	/* 64 again, softer, after its release: in the chord once, the velocity kept. */
	assert_true(note_off(ed, at(0, 16, 0, 0, 8), 64));
	uint64_t v = ts_edit_version(ed);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	expect_refused(ed, note_on(ed, at(0, 16, 0, 0, 9), 64, 90), "no change", v);
	assert_true(note_on(ed, at(0, 16, 0, 0, 9), 72, 40));
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, note_on(ed, at(0, 16, 0, 0, 9), 74, 127),
		       "the chord has 4 notes already", v);
	assert_int_equal(rec.notes_ignored, 1);
	assert_notes(tr, 4, (int[]){60, 64, 67, 72});
	assert_int_equal(tr->vel, 110);
	/* The ignored note was not held: its note-off does nothing. */
	assert_false(note_off(ed, at(0, 16, 0, 1, 0), 74));

	/* Overdub: the trig on step 5 is kept. */
	assert_line(ed, "  step 5 note A3");

	/* With the micro timing kept: the first note's, whatever the chord's later notes say. */
	assert_true(ts_rec_note_on(&rec, ed, &(ts_rec_pos){.track = 0, .step = 8, .micro = -7,
							   .time = 8 * STEP - 7 * 16},
				   48, 100, true));
	assert_true(ts_rec_note_on(&rec, ed, &(ts_rec_pos){.track = 0, .step = 8, .micro = 3,
							   .time = 8 * STEP + 3 * 16},
				   55, 101, true));
	assert_int_equal(trig_at(ed, 0, 8)->micro, -7);
	assert_line(ed, "  steps x... x... x... ....");
	assert_line(ed, "  step 9 note C3+G3 vel 101 micro -7");
	int64_t now[TS_TRACKS] = {0};
	ts_rec_pass_end(&rec, ed, now);
	assert_false(ts_rec_in_pass(&rec));
	ts_edit_free(ed);
}

static void test_pass_loops(void **state)
{
	(void)state;
	ts_edit *ed = doc(rich);
	ts_rec_pass_begin(&rec, ed);
	/* Loop 1: a note on step 3 (empty before) and on step 1, released. */
	assert_true(note_on(ed, at(0, 16, 0, 2, 0), 60, 80));
	assert_true(note_off(ed, at(0, 16, 0, 3, 0), 60));
	assert_true(note_on(ed, at(0, 16, 0, 0, 0), 62, 80));
	assert_true(note_off(ed, at(0, 16, 0, 1, 0), 62));
	/* Loop 2, on the same steps: the notes join the chords of loop 1, nothing is replaced. */
	assert_true(note_on(ed, at(0, 16, 1, 2, 1), 64, 100));
	assert_true(note_off(ed, at(0, 16, 1, 4, 1), 64));
	assert_notes(trig_at(ed, 0, 2), 2, (int[]){60, 64});
	assert_int_equal(trig_at(ed, 0, 2)->vel, 100);
	assert_int_equal(trig_at(ed, 0, 2)->gate, ts_len_index(32));  /* the longer of the two */
	assert_true(note_on(ed, at(0, 16, 1, 0, 0), 62, 90));  /* in it already: the vel */
	assert_notes(trig_at(ed, 0, 0), 1, (int[]){62});
	assert_int_equal(trig_at(ed, 0, 0)->vel, 90);
	assert_false(note_off(ed, at(0, 16, 1, 0, 12), 62));   /* half a step: shorter, kept 1 */
	assert_int_equal(trig_at(ed, 0, 0)->gate, TS_LEN_ONE);
	/* Loop 3 on step 5, which the pass had not touched: replaced then. */
	assert_true(note_on(ed, at(0, 16, 2, 4, 0), 65, 100));
	assert_notes(trig_at(ed, 0, 4), 1, (int[]){65});
	int64_t now[TS_TRACKS] = {0};
	now[0] = 3 * 16 * STEP;
	assert_true(ts_rec_pass_end(&rec, ed, now));
	assert_line(ed, "  steps x.x. x... .... ....");
	assert_line(ed, "  step 1 note D4 vel 90 gate 1");
	assert_line(ed, "  step 3 note C4+E4 vel 100 gate 2");
	assert_line(ed, "  step 5 note F4 vel 100 gate 12");
	ts_edit_free(ed);
}

static void test_pass_gates(void **state)
{
	(void)state;
	ts_edit *ed = doc(empty16);
	ts_rec_pass_begin(&rec, ed);
	/* Held 1 step, 2 steps, 1.4 steps, from a little early. */
	assert_true(note_on(ed, at(0, 16, 0, 0, -2), 60, 100));
	assert_true(note_off(ed, at_time(0, 1, 1 * STEP - 2 * 16), 60));
	assert_true(note_on(ed, at(0, 16, 0, 4, 3), 62, 100));
	assert_true(note_off(ed, at_time(0, 6, 6 * STEP + 3 * 16), 62));
	assert_true(note_on(ed, at(0, 16, 0, 8, 0), 64, 100));
	assert_true(note_off(ed, at_time(0, 9, 8 * STEP + STEP * 14 / 10), 64));
	assert_int_equal(trig_at(ed, 0, 0)->gate, TS_LEN_ONE);
	assert_int_equal(trig_at(ed, 0, 4)->gate, ts_len_index(32));
	assert_int_equal(trig_at(ed, 0, 8)->gate, ts_len_index(22));
	/* A chord: the longest of its notes, whichever ends first. */
	assert_true(note_on(ed, at(0, 16, 0, 12, 0), 60, 100));
	assert_true(note_on(ed, at(0, 16, 0, 12, 1), 67, 100));
	assert_true(note_off(ed, at_time(0, 15, 15 * STEP), 67));
	assert_int_equal(trig_at(ed, 0, 12)->gate, ts_len_index(48));
	uint64_t v = ts_edit_version(ed);
	assert_false(note_off(ed, at_time(0, 13, 13 * STEP), 60));  /* shorter: no change */
	assert_int_equal(ts_edit_version(ed), v);
	assert_int_equal(trig_at(ed, 0, 12)->gate, ts_len_index(48));
	/* Note-offs of notes not held: another track, another note, one ended already. */
	assert_false(note_off(ed, at_time(1, 14, 14 * STEP), 67));
	assert_false(note_off(ed, at_time(0, 14, 14 * STEP), 61));
	assert_false(note_off(ed, at_time(0, 14, 14 * STEP), 67));
	assert_int_equal(ts_edit_version(ed), v);
	/* A note-on of a note held already ends it there (the length up to it) and starts again. */
	assert_true(note_on(ed, at(0, 16, 0, 2, 0), 50, 100));
	assert_true(note_on(ed, at(0, 16, 0, 6, 0), 50, 100));
	assert_true(note_off(ed, at_time(0, 7, 7 * STEP), 50));
	assert_int_equal(trig_at(ed, 0, 2)->gate, ts_len_index(64));
	assert_int_equal(trig_at(ed, 0, 6)->gate, TS_LEN_ONE);
	int64_t now[TS_TRACKS] = {0};
	assert_false(ts_rec_pass_end(&rec, ed, now));         /* nothing held: no change */
	assert_line(ed, "  steps x.x. x.x. x... x...");
	assert_line(ed, "  step 9 note E4 vel 100 gate 1.375");
	assert_line(ed, "  step 13 note C4+G4 vel 100 gate 3");
	assert_int_equal(undo_all(ed), 1);
	ts_edit_free(ed);
}

static void test_pass_end_held(void **state)
{
	(void)state;
	ts_edit *ed = doc(empty16);
	ts_rec_pass_begin(&rec, ed);
	/* Held over the end on two tracks, each to its own time; one from the loop before. */
	assert_true(note_on(ed, at(0, 16, 0, 15, 0), 60, 100));
	assert_true(note_on(ed, at(3, 16, 1, 2, 0), 61, 100));
	int64_t now[TS_TRACKS] = {0};
	now[0] = 16 * STEP + 2 * STEP;             /* 3 steps after its note-on */
	now[3] = 16 * STEP + 2 * STEP + STEP / 2;  /* half a step */
	uint64_t v = ts_edit_version(ed);
	assert_true(ts_rec_pass_end(&rec, ed, now));
	assert_int_equal(ts_edit_version(ed), v + 1);
	assert_false(ts_rec_in_pass(&rec));
	assert_int_equal(trig_at(ed, 0, 15)->gate, ts_len_index(48));
	assert_int_equal(trig_at(ed, 3, 2)->gate, ts_len_index(8));
	assert_line(ed, "  step 16 note C4 vel 100 gate 3");
	/* The held notes are forgotten; outside a pass nothing records. */
	assert_false(note_off(ed, at_time(0, 4, 20 * STEP), 60));
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, note_on(ed, at(0, 16, 2, 4, 0), 60, 100), "not recording", v);
	expect_refused(ed, cc(ed, at(0, 16, 2, 4, 0), 74, 1), "not recording", v);
	assert_false(ts_rec_pass_end(&rec, ed, now));
	/* The whole pass, the lengths at its end too, is one undo step. */
	assert_false(ts_edit_in_group(ed));
	assert_int_equal(undo_all(ed), 1);
	assert_int_equal(trig_at(ed, 0, 15)->kind, TS_TRIG_NONE);
	ts_edit_free(ed);
}

static void test_pass_cc(void **state)
{
	(void)state;
	ts_edit *ed = doc(rich);
	ts_rec_pass_begin(&rec, ed);
	/* On a trig the pass did not replace: added, its other locks and attributes kept. */
	assert_true(cc(ed, at(0, 16, 0, 0, 3), 74, 100));
	assert_line(ed, "  step 1 note D#2+G2 vel 30 gate 4 micro 5 cond 1:2 cc 7=64 cc 10=5 "
			"cc 74=100 slide");
	/* On an empty step: a lock trig with that lock alone. */
	assert_true(cc(ed, at(0, 16, 0, 2, -4), 71, 20));
	assert_int_equal(trig_at(ed, 0, 2)->kind, TS_TRIG_LOCK);
	assert_line(ed, "  steps X.o. x... .... ....");
	assert_line(ed, "  step 3 cc 71=20");
	/* Several values of one controller in a step: the last stays, once. */
	assert_true(cc(ed, at(0, 16, 0, 2, -1), 71, 21));
	assert_true(cc(ed, at(0, 16, 0, 2, 2), 71, 30));
	uint64_t v = ts_edit_version(ed);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	expect_refused(ed, cc(ed, at(0, 16, 0, 2, 4), 71, 30), "no change", v);
	assert_line(ed, "  step 3 cc 71=30");
	/* A controller the trig has a lock of already: its value replaced in place. */
	assert_true(cc(ed, at(0, 16, 0, 0, 0), 7, 1));
	assert_line(ed, "  step 1 note D#2+G2 vel 30 gate 4 micro 5 cond 1:2 cc 7=1 cc 10=5 "
			"cc 74=100 slide");
	/* 16 locks: another controller is refused and counted, one of the 16 still changes. */
	for (int c = 0; c < TS_MAX_LOCKS; c++)
		assert_true(cc(ed, at(2, 16, 0, 5, 0), 20 + c, c));
	assert_int_equal(trig_at(ed, 2, 5)->nlocks, TS_MAX_LOCKS);
	v = ts_edit_version(ed);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	expect_refused(ed, cc(ed, at(2, 16, 0, 5, 0), 99, 1), "the trig has 16 locks already", v);
	assert_int_equal(rec.locks_ignored, 1);
	assert_true(cc(ed, at(2, 16, 0, 5, 0), 35, 127));
	assert_int_equal(trig_at(ed, 2, 5)->locks[15].value, 127);
	int64_t now[TS_TRACKS] = {0};
	ts_rec_pass_end(&rec, ed, now);
	ts_edit_free(ed);
}

static void test_pass_locks_survive(void **state)
{
	(void)state;
	ts_edit *ed = doc(rich);
	ts_rec_pass_begin(&rec, ed);
	/* Locks recorded on step 1 before its first note: 74 new, 7 a new value of the trig's
	 * own. The note replaces the trig: those two stay (in the trig's order), 10 goes. */
	assert_true(cc(ed, at(0, 16, 0, 0, -3), 74, 100));
	assert_true(cc(ed, at(0, 16, 0, 0, -2), 7, 90));
	assert_true(note_on(ed, at(0, 16, 0, 0, 0), 60, 100));
	assert_line(ed, "  step 1 note C4 vel 100 cc 7=90 cc 74=100");
	/* After the note: added to the pass's trig, and the chord keeps them. */
	assert_true(cc(ed, at(0, 16, 0, 0, 4), 10, 6));
	assert_true(note_on(ed, at(0, 16, 1, 0, 0), 64, 100));
	assert_line(ed, "  step 1 note C4+E4 vel 100 cc 7=90 cc 74=100 cc 10=6");
	/* A lock trig the pass made on an empty step becomes a note trig with its lock. */
	assert_true(cc(ed, at(0, 16, 1, 10, 0), 71, 5));
	assert_true(note_on(ed, at(0, 16, 1, 10, 1), 48, 60));
	assert_line(ed, "  steps x... x... ..x. ....");
	assert_line(ed, "  step 11 note C3 vel 60 cc 71=5");
	int64_t now[TS_TRACKS] = {0};
	ts_rec_pass_end(&rec, ed, now);

	/* A new pass knows nothing of the last one's locks: step 1 is replaced, locks and all. */
	ts_rec_pass_begin(&rec, ed);
	assert_true(note_on(ed, at(0, 16, 0, 0, 0), 62, 100));
	assert_line(ed, "  step 1 note D4 vel 100");
	ts_rec_pass_end(&rec, ed, now);
	assert_int_equal(undo_all(ed), 2);
	ts_edit_free(ed);
}

static void test_pass_undo(void **state)
{
	(void)state;
	ts_edit *ed = doc(rich);
	ts_pattern *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	assert_non_null(before);
	assert_non_null(after);
	memcpy(before, ts_edit_pattern(ed), sizeof(*before));
	int64_t now[TS_TRACKS] = {0};

	/* An empty pass, and one of refused calls only: no undo step, no new version. */
	uint64_t v = ts_edit_version(ed);
	ts_rec_pass_begin(&rec, ed);
	assert_true(ts_edit_in_group(ed));
	assert_false(ts_rec_pass_end(&rec, ed, now));
	ts_rec_pass_begin(&rec, ed);
	assert_false(note_on(ed, at(12, 16, 0, 0, 0), 60, 100));
	assert_false(note_off(ed, at(0, 16, 0, 0, 0), 60));
	assert_false(ts_rec_pass_end(&rec, ed, now));
	assert_int_equal(ts_edit_version(ed), v);
	assert_false(ts_edit_undo(ed));
	assert_false(ts_edit_dirty(ed));

	/* A pass over three loops and two tracks: one undo step; redo gives it all back. */
	ts_rec_pass_begin(&rec, ed);
	ts_rec_pass_begin(&rec, ed);     /* begin again during the pass: nothing */
	for (int loop = 0; loop < 3; loop++) {
		assert_true(note_on(ed, at(0, 16, loop, 4 * loop, 0), 60 + loop, 100));
		assert_true(cc(ed, at(5, 16, loop, loop, 0), 74, loop));
		assert_true(note_off(ed, at(0, 16, loop, 4 * loop + 1, 0), 60 + loop));
	}
	assert_true(note_on(ed, at(0, 16, 3, 15, 0), 70, 100));
	now[0] = 4 * 16 * STEP + 5 * STEP;
	assert_true(ts_rec_pass_end(&rec, ed, now));
	memcpy(after, ts_edit_pattern(ed), sizeof(*after));
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), before, sizeof(*before));
	assert_false(ts_edit_dirty(ed));
	assert_false(ts_edit_undo(ed));
	assert_true(ts_edit_redo(ed));
	assert_memory_equal(ts_edit_pattern(ed), after, sizeof(*after));
	assert_int_equal(trig_at(ed, 0, 15)->gate, ts_len_index(6 * 16));
	assert_line(ed, "  steps x... x... x... ...x");
	assert_line(ed, "  steps ooo. .... .... ....");
	free(before);
	free(after);
	ts_edit_free(ed);
}

static void test_pass_undo_during(void **state)
{
	(void)state;
	ts_edit *ed = doc(rich);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	int64_t now[TS_TRACKS] = {0};
	ts_rec_pass_begin(&rec, ed);
	assert_true(note_on(ed, at(0, 16, 0, 0, 0), 60, 100));
	assert_true(note_on(ed, at(0, 16, 0, 2, 0), 62, 100));  /* held across the undo */
	assert_true(note_off(ed, at(0, 16, 0, 1, 0), 60));
	/* Undo during the pass: the pass so far goes. */
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	assert_true(ts_rec_in_pass(&rec));
	/* The pass goes on as a new one: the note held before is forgotten, step 1 is the file's
	 * trig again and is replaced anew. */
	assert_false(note_off(ed, at(0, 16, 0, 4, 0), 62));
	assert_true(note_on(ed, at(1, 16, 1, 0, 0), 64, 90));
	assert_true(note_on(ed, at(0, 16, 1, 0, 0), 65, 90));
	assert_notes(trig_at(ed, 0, 0), 1, (int[]){65});
	assert_int_equal(trig_at(ed, 0, 0)->cond, TS_COND_NONE);
	now[0] = 17 * STEP;
	assert_true(ts_rec_pass_end(&rec, ed, now));
	assert_int_equal(trig_at(ed, 0, 0)->gate, TS_LEN_ONE);
	assert_int_equal(trig_at(ed, 0, 2)->kind, TS_TRIG_NONE);
	/* One step: the part of the pass after the undo. */
	assert_int_equal(undo_all(ed), 1);
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));

	/* Undo, then the end at once: the note held does not give its length to the file's trig
	 * back on its step, and there is nothing to undo. */
	ts_rec_pass_begin(&rec, ed);
	assert_true(note_on(ed, at(0, 16, 0, 0, 0), 60, 100));
	assert_true(ts_edit_undo(ed));
	now[0] = 10 * STEP;                       /* longer than the trig's own gate 4 */
	assert_false(ts_rec_pass_end(&rec, ed, now));
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	assert_false(ts_edit_undo(ed));
	ts_edit_free(ed);
}

static void test_held_full(void **state)
{
	(void)state;
	ts_edit *ed = doc(empty16);
	ts_rec_pass_begin(&rec, ed);
	/* TS_REC_HELD notes held, on tracks and steps of their own. */
	for (int i = 0; i < TS_REC_HELD; i++)
		assert_true(note_on(ed, at(i % TS_TRACKS, 16, 0, i / TS_TRACKS, 0), 40 + i, 100));
	assert_int_equal(rec.lengths_ignored, 0);
	/* One more: written, without a length, counted; its note-off does nothing. */
	assert_true(note_on(ed, at(11, 16, 0, 9, 0), 100, 100));
	assert_int_equal(rec.lengths_ignored, 1);
	assert_int_equal(rec.notes_ignored, 0);
	assert_false(note_off(ed, at(11, 16, 0, 10, 0), 100));
	assert_int_equal(trig_at(ed, 11, 9)->gate, TS_UNSET);
	assert_line(ed, "  step 10 note E7 vel 100");
	/* One released: a place for the next. */
	assert_true(note_off(ed, at(0, 16, 0, 1, 0), 40));
	assert_true(note_on(ed, at(11, 16, 0, 12, 0), 101, 100));
	assert_true(note_off(ed, at(11, 16, 0, 14, 0), 101));
	assert_int_equal(trig_at(ed, 11, 12)->gate, ts_len_index(32));
	int64_t now[TS_TRACKS];
	for (int t = 0; t < TS_TRACKS; t++)
		now[t] = 4 * STEP;
	assert_true(ts_rec_pass_end(&rec, ed, now));
	assert_int_equal(trig_at(ed, 1, 0)->gate, ts_len_index(64));
	assert_int_equal(trig_at(ed, 7, 2)->gate, ts_len_index(32));
	assert_int_equal(undo_all(ed), 1);
	ts_edit_free(ed);
}

static void test_refusals(void **state)
{
	(void)state;
	/* Track 2 of 3 steps (advanced mode), the others of 16. */
	ts_edit *ed = doc("trigseq 1\n"
			  "mode advanced\n"
			  "\n"
			  "track 2\n"
			  "  channel 2\n"
			  "  note C4\n"
			  "  length 3\n"
			  "  steps x..\n");
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	uint64_t v = ts_edit_version(ed);
	ts_rec_pass_begin(&rec, ed);
	ts_rec_pos ok = at(0, 16, 0, 0, 12);
	const char *track = "no such track", *beyond = "step beyond the track's length";
	expect_refused(ed, note_on(ed, at(-1, 16, 0, 0, 0), 60, 100), track, v);
	expect_refused(ed, note_on(ed, at(TS_TRACKS, 16, 0, 0, 0), 60, 100), track, v);
	expect_refused(ed, note_on(ed, at(0, 16, 0, -1, 0), 60, 100), beyond, v);
	expect_refused(ed, note_on(ed, at(0, 16, 0, 16, 0), 60, 100), beyond, v);
	expect_refused(ed, note_on(ed, at(1, 3, 0, 3, 0), 60, 100), beyond, v);
	expect_refused(ed, note_on(ed, ok, -1, 100), "note out of range (0 ... 127)", v);
	expect_refused(ed, note_on(ed, ok, 128, 100), "note out of range (0 ... 127)", v);
	expect_refused(ed, note_on(ed, ok, 60, 0), "velocity out of range (1 ... 127)", v);
	expect_refused(ed, note_on(ed, ok, 60, 128), "velocity out of range (1 ... 127)", v);
	ok.micro = 24;
	expect_refused(ed, ts_rec_note_on(&rec, ed, &ok, 60, 100, true),
		       "micro timing out of range (-23 ... 23)", v);
	ok.micro = 12;
	expect_refused(ed, cc(ed, at(TS_TRACKS, 16, 0, 0, 0), 1, 1), track, v);
	expect_refused(ed, cc(ed, at(1, 3, 0, 3, 0), 1, 1), beyond, v);
	expect_refused(ed, cc(ed, ok, -1, 1), "controller out of range (0 ... 127)", v);
	expect_refused(ed, cc(ed, ok, 128, 1), "controller out of range (0 ... 127)", v);
	expect_refused(ed, cc(ed, ok, 1, -1), "value out of range (0 ... 127)", v);
	expect_refused(ed, cc(ed, ok, 1, 128), "value out of range (0 ... 127)", v);
	assert_false(note_off(ed, at(-1, 16, 0, 0, 0), 60));
	assert_false(note_off(ed, at(TS_TRACKS, 16, 0, 0, 0), 60));
	assert_false(note_off(ed, ok, 128));
	int64_t now[TS_TRACKS] = {0};
	assert_false(ts_rec_pass_end(&rec, ed, now));
	assert_int_equal(ts_edit_version(ed), v);
	assert_false(ts_edit_undo(ed));
	/* Nothing refused was counted as ignored. */
	assert_int_equal(rec.notes_ignored + rec.lengths_ignored + rec.locks_ignored, 0);

	/* The last step of the short track, and micro at its ends, are fine; micro is not looked at
	 * when it is not kept. */
	ts_rec_pass_begin(&rec, ed);
	assert_true(note_on(ed, at(1, 3, 0, 2, 0), 60, 127));
	ok.micro = 23;
	assert_true(ts_rec_note_on(&rec, ed, &ok, 0, 1, true));
	ok.step = 1;
	ok.micro = 99;
	assert_true(ts_rec_note_on(&rec, ed, &ok, 127, 1, false));
	assert_true(cc(ed, at(1, 3, 0, 1, 0), 0, 0));
	assert_true(cc(ed, at(1, 3, 0, 1, 0), 127, 127));
	assert_true(ts_rec_pass_end(&rec, ed, now));
	assert_line(ed, "  steps xox");
	assert_line(ed, "  step 2 cc 0=0 cc 127=127");
	assert_line(ed, "  step 3 note C4 vel 127 gate 0.125");
	assert_line(ed, "  steps xx.. .... .... ....");
	assert_line(ed, "  step 1 note C-1 vel 1 gate 0.125 micro 23");
	ts_edit_free(ed);
}

/* Step entry and passes share the recorder: a pass forgets the keys down for step entry. */
static void test_pass_forgets_step_keys(void **state)
{
	(void)state;
	ts_edit *ed = doc(empty16);
	ts_rec_step_on(&rec, 60, 100);
	ts_rec_step_on(&rec, 62, 100);
	ts_rec_pass_begin(&rec, ed);
	assert_false(ts_rec_step_off(&rec, ed, 62));
	int64_t now[TS_TRACKS] = {0};
	assert_false(ts_rec_pass_end(&rec, ed, now));
	assert_int_equal(trig_at(ed, 0, 0)->kind, TS_TRIG_NONE);
	/* And step entry works again after it, with the key held before the pass too. */
	ts_rec_step_on(&rec, 60, 50);
	assert_true(ts_rec_step_off(&rec, ed, 60));
	assert_notes(trig_at(ed, 0, 0), 1, (int[]){60});
	assert_int_equal(trig_at(ed, 0, 0)->vel, 50);
	ts_edit_free(ed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_step_single),
		cmocka_unit_test(test_step_chord),
		cmocka_unit_test(test_step_existing_and_wrap),
		cmocka_unit_test(test_pass_replace_and_chord),
		cmocka_unit_test(test_pass_loops),
		cmocka_unit_test(test_pass_gates),
		cmocka_unit_test(test_pass_end_held),
		cmocka_unit_test(test_pass_cc),
		cmocka_unit_test(test_pass_locks_survive),
		cmocka_unit_test(test_pass_undo),
		cmocka_unit_test(test_pass_undo_during),
		cmocka_unit_test(test_held_full),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_pass_forgets_step_keys),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
