/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pattern files: every key into its field, every error at its line:col, round trips, comments,
 * loading limits and atomic saving. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trigseq/core/patfile.h"

/* Patterns are ~50 KB: keep them off the stack. */
static ts_pattern pat, ref;
static ts_diags diags;

static ts_status parse(const char *text)
{
	return ts_patfile_parse(text, strlen(text), &pat, NULL, &diags);
}

static void parse_ok(const char *text)
{
	ts_status st = parse(text);
	if (st != TS_OK) {
		ts_diags_print(stderr, "input", &diags);
		fail_msg("parse failed for:\n%s", text);
	}
}

/* The parse fails and one diag is at line:col and contains `what`. */
static void expect_error(const char *text, int line, int col, const char *what)
{
	ts_status st = ts_patfile_parse(text, strlen(text), &pat, NULL, &diags);
	if (st != TS_ERR_PARSE)
		fail_msg("expected a parse error '%s' for:\n%s", what, text);
	int n = diags.count < TS_DIAG_MAX ? diags.count : TS_DIAG_MAX;
	for (int i = 0; i < n; i++)
		if (diags.items[i].line == line && diags.items[i].col == col &&
		    strstr(diags.items[i].msg, what))
			return;
	ts_diags_print(stderr, "input", &diags);
	fail_msg("no error %d:%d '%s' for:\n%s", line, col, what, text);
}

static const ts_track *trk(int n)
{
	return &pat.tracks[n - 1];
}

static const ts_trig *trig(int n, int k)
{
	return &pat.tracks[n - 1].steps[k - 1];
}

/* ---- accepted input ---- */

static void test_header_only(void **state)
{
	(void)state;
	parse_ok("trigseq 1\n");
	ts_pattern_init(&ref);
	assert_memory_equal(&pat, &ref, sizeof(pat));
	parse_ok("trigseq 1");      /* no final newline */
	assert_memory_equal(&pat, &ref, sizeof(pat));
	parse_ok("\n# hello\n\n   trigseq   1   # x\n\n");
	assert_memory_equal(&pat, &ref, sizeof(pat));
}

static void test_pattern_keys(void **state)
{
	(void)state;
	parse_ok("trigseq 1\nname \"Intro \\\"A\\\" \\\\ B\"\ntempo 121.5\nswing 67\nmode advanced\n"
		 "length 1024\nspeed 3/4x\nchange 48\naccent 7\n");
	assert_string_equal(pat.name, "Intro \"A\" \\ B");
	assert_int_equal(pat.tempo10, 1215);
	assert_int_equal(pat.swing, 67);
	assert_int_equal(pat.mode, TS_MODE_ADVANCED);
	assert_int_equal(pat.length, 1024);
	assert_int_equal(pat.speed, TS_SPEED_3_4X);
	assert_int_equal(pat.change, 48);
	assert_int_equal(pat.accent, 7);
	/* Advanced defaults: tracks 16 steps at the pattern speed. */
	assert_int_equal(trk(5)->length, 16);
	assert_int_equal(trk(5)->speed, TS_SPEED_3_4X);
	assert_false(trk(5)->declared);

	parse_ok("trigseq 1\ntempo 120\nlength 64\nspeed 1/8x\nchange off\nmode normal\n");
	assert_int_equal(pat.tempo10, 1200);
	assert_int_equal(pat.length, 64);
	assert_int_equal(pat.change, 0);
	assert_int_equal(trk(12)->length, 64);
	assert_int_equal(trk(12)->speed, TS_SPEED_1_8X);

	parse_ok("trigseq 1\nmode advanced\nlength inf\ntempo 30\n");
	assert_int_equal(pat.length, 0);
	assert_int_equal(pat.tempo10, 300);
	parse_ok("trigseq 1\ntempo 300.0\nname \"\"\n");
	assert_int_equal(pat.tempo10, 3000);
	assert_string_equal(pat.name, "");
	parse_ok("trigseq 1\nname \"12345678901234567890123456789012\"\n");
	assert_int_equal(strlen(pat.name), 32);
}

static void test_track_keys(void **state)
{
	(void)state;
	parse_ok("trigseq 1\nmode advanced\n"
		 "track 3 \"Bass\"\n"
		 "  channel 16\n  port virus_2\n  note D#2+A2\n  velocity 1\n  gate 1.5\n"
		 "  length 12\n  speed 2x\n  send-midi off\n  mute on\n  prob 0\n  program 127\n"
		 "  cc 74=64 71=20\n  cc 0=0\n  retrig-rate 1/80\n  retrig-len inf\n"
		 "  retrig-vel -128\n  sample \"kits/bass 1.wav\"\n  dest int+ext\n"
		 "  steps x.X. o.-. xxxx\n"
		 "track 1\n  channel off\n  dest int\n  retrig-vel 127\n");
	const ts_track *t = trk(3);
	assert_true(t->declared);
	assert_string_equal(t->name, "Bass");
	assert_int_equal(t->channel, 16);
	assert_string_equal(t->port, "virus_2");
	assert_int_equal(t->nnotes, 2);
	assert_int_equal(t->notes[0], 39);
	assert_int_equal(t->notes[1], 45);
	assert_int_equal(t->velocity, 1);
	assert_int_equal(ts_len16(t->gate), 24);
	assert_int_equal(t->length, 12);
	assert_true(t->length_set);
	assert_int_equal(t->speed, TS_SPEED_2X);
	assert_true(t->speed_set);
	assert_false(t->send_midi);
	assert_true(t->mute);
	assert_int_equal(t->prob, 0);
	assert_int_equal(t->program, 127);
	assert_int_equal(t->base_cc[74], 64);
	assert_int_equal(t->base_cc[71], 20);
	assert_int_equal(t->base_cc[0], 0);
	assert_int_equal(t->base_cc[1], TS_CC_NONE);
	assert_int_equal(ts_rate_div(t->retrig_rate), 80);
	assert_int_equal(t->retrig_len, TS_LEN_INF);
	assert_int_equal(t->retrig_vel, -128);
	assert_string_equal(t->sample, "kits/bass 1.wav");
	assert_int_equal(t->dest, TS_DEST_INT_EXT);
	static const uint8_t kinds[12] = {1, 0, 2, 0, 3, 0, 4, 0, 1, 1, 1, 1};
	for (int k = 0; k < 12; k++)
		assert_int_equal(t->steps[k].kind, kinds[k]);
	assert_int_equal(t->steps[12].kind, TS_TRIG_NONE);

	assert_true(trk(1)->declared);
	assert_int_equal(trk(1)->channel, TS_CHANNEL_OFF);
	assert_int_equal(trk(1)->dest, TS_DEST_INT);
	assert_int_equal(trk(1)->retrig_vel, 127);
	assert_int_equal(trk(1)->length, 16);
	assert_false(trk(1)->length_set);
	assert_false(trk(2)->declared);
	assert_int_equal(trk(2)->channel, 2);

	/* Defaults of a declared track. */
	parse_ok("trigseq 1\ntrack 2\n  send-midi on\n  mute off\n");
	ts_track def;
	ts_track_init(&def, 2);
	def.declared = true;
	assert_memory_equal(trk(2), &def, sizeof(def));
}

static void test_step_attributes(void **state)
{
	(void)state;
	parse_ok("trigseq 1\ntrack 2\n  steps x.x. x.x. x.x. x.x.\n"
		 "  step 1 note C4+E4+G4+B4 vel 127 gate 0.125 micro -23 cond 1:2 retrig=1/32 "
		 "retrig-len 2.5 retrig-vel -5 cc 74=1 cc 71=3 slide swing\n"
		 "  step 3 micro 23 cond 100% retrig cc 1=2 3=4 noswing\n"
		 "  step 5 cond !1st\n"
		 "  step 7\n");
	const ts_trig *t = trig(2, 1);
	assert_int_equal(t->kind, TS_TRIG_NOTE);
	assert_int_equal(t->nnotes, 4);
	assert_int_equal(t->notes[3], 71);
	assert_int_equal(t->vel, 127);
	assert_int_equal(t->gate, 0);
	assert_int_equal(t->micro, -23);
	int a, b;
	assert_true(ts_cond_ab(t->cond, &a, &b));
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_true(t->retrig);
	assert_int_equal(ts_rate_div(t->retrig_rate), 32);
	assert_int_equal(ts_len16(t->retrig_len), 40);
	assert_int_equal(t->retrig_vel, -5);
	assert_int_equal(t->nlocks, 2);
	assert_int_equal(t->locks[0].cc, 74);
	assert_int_equal(t->locks[0].value, 1);
	assert_int_equal(t->locks[1].cc, 71);
	assert_int_equal(t->locks[1].value, 3);
	assert_true(t->slide);
	assert_int_equal(t->swing, TS_SWING_ON);

	t = trig(2, 3);
	assert_int_equal(t->nnotes, 0);
	assert_int_equal(t->vel, TS_UNSET);
	assert_int_equal(t->gate, TS_UNSET);
	assert_int_equal(t->micro, 23);
	assert_int_equal(ts_cond_percent(t->cond), 100);
	assert_true(t->retrig);
	assert_int_equal(t->retrig_rate, TS_UNSET);
	assert_int_equal(t->retrig_len, TS_UNSET);
	assert_int_equal(t->retrig_vel, TS_UNSET_I16);
	assert_int_equal(t->nlocks, 2);
	assert_int_equal(t->locks[1].cc, 3);
	assert_false(t->slide);
	assert_int_equal(t->swing, TS_SWING_OFF);
	assert_int_equal(trig(2, 5)->cond, TS_COND_NOT_1ST);
	assert_int_equal(trig(2, 7)->cond, TS_COND_NONE);
	assert_int_equal(trig(2, 9)->cond, TS_COND_NONE);

	/* 16 locks is the most a trig holds. */
	parse_ok("trigseq 1\nlength 1\ntrack 1\n  steps o\n  step 1 cc 0=0 1=1 2=2 3=3 4=4 5=5 6=6 "
		 "7=7 8=8 9=9 10=10 11=11 12=12 13=13 14=14 15=15\n");
	assert_int_equal(trig(1, 1)->nlocks, 16);
	const char *many = "trigseq 1\nlength 1\ntrack 1\n  steps o\n  step 1 cc 0=0 1=1 2=2 3=3 4=4 "
			   "5=5 6=6 7=7 8=8 9=9 10=10 11=11 12=12 13=13 14=14 15=15 16=16\n";
	int col = (int)(strstr(many, "16=16") - strstr(many, "  step 1")) + 1;
	expect_error(many, 5, col, "more than 16 cc locks on step 1");
}

static void test_conditions(void **state)
{
	(void)state;
	char text[256], buf[16];
	static const char *const words[] = {"fill", "!fill", "pre", "!pre", "nei", "!nei", "1st",
					    "!1st"};
	for (int c = 0; c < TS_COND_NONE; c++) {
		const char *name = ts_cond_format(c, buf, sizeof(buf));
		if (strcmp(name, "none") == 0)
			continue;
		snprintf(text, sizeof(text), "trigseq 1\nlength 1\ntrack 1\n  steps x\n  step 1 cond %s\n",
			 name);
		parse_ok(text);
		assert_int_equal(trig(1, 1)->cond, c);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		snprintf(text, sizeof(text), "trigseq 1\nlength 1\ntrack 1\n  steps x\n  step 1 cond %s\n",
			 words[i]);
		parse_ok(text);
		assert_int_equal(trig(1, 1)->cond, TS_COND_FILL + (int)i);
	}
	static const char *const bad[] = {"9:8", "1:1", "0:2", "2%", "0%", "101%", "fil", "1:9", "%"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "trigseq 1\nlength 1\ntrack 1\n  steps x\n  step 1 cond %s\n",
			 bad[i]);
		snprintf(buf, sizeof(buf), "cond '%s'", bad[i]);
		expect_error(text, 5, 15, buf);
	}
	expect_error("trigseq 1\nlength 1\ntrack 1\n  steps x\n  step 1 cond 9:8\n", 5, 15,
		     "cond '9:8' is not a condition (expected P% with P in 1 3 4 ... 100, A:B with");
	expect_error("trigseq 1\nlength 1\ntrack 1\n  steps x\n  step 1 cond 5%\n", 5, 15,
		     "P in 1 3 4 6 9 13 19 25 33 41 50 59 67 75 81 87 91 94 96 98 99 100");
}

static void test_notes(void **state)
{
	(void)state;
	parse_ok("trigseq 1\ntrack 1\n  note C-1+G9+Cb4+B#3\n");
	assert_int_equal(trk(1)->nnotes, 4);
	assert_int_equal(trk(1)->notes[0], 0);
	assert_int_equal(trk(1)->notes[1], 127);
	assert_int_equal(trk(1)->notes[2], 59);
	assert_int_equal(trk(1)->notes[3], 60);
	parse_ok("trigseq 1\ntrack 1\n  note D#2\n");
	assert_int_equal(trk(1)->nnotes, 1);
	assert_int_equal(trk(1)->notes[0], 39);
	parse_ok("trigseq 1\ntrack 1\n  note 0+127+Eb3\n");
	assert_int_equal(trk(1)->notes[1], 127);
	assert_int_equal(trk(1)->notes[2], 51);
	/* The whole table: every name the writer produces reads back. */
	char text[128], buf[8];
	for (int n = 0; n < 128; n++) {
		snprintf(text, sizeof(text), "trigseq 1\ntrack 1\n  note %s\n",
			 ts_note_name(n, buf, sizeof(buf)));
		parse_ok(text);
		assert_int_equal(trk(1)->notes[0], n);
	}
	expect_error("trigseq 1\ntrack 1\n  note C4+E4+G4+B4+D5\n", 3, 8, "more than 4 notes");
	expect_error("trigseq 1\ntrack 1\n  note C4+H4\n", 3, 11, "note 'H4' is not a note");
	expect_error("trigseq 1\ntrack 1\n  note G#9\n", 3, 8, "note 'G#9' is not a note");
	expect_error("trigseq 1\ntrack 1\n  note Cb-1\n", 3, 8, "is not a note");
	expect_error("trigseq 1\ntrack 1\n  note 128\n", 3, 8, "note '128' is not a note");
	expect_error("trigseq 1\ntrack 1\n  note C4+\n", 3, 11, "note '' is not a note");
	expect_error("trigseq 1\ntrack 1\n  note c4\n", 3, 8, "note 'c4' is not a note");
}

static void test_lengths(void **state)
{
	(void)state;
	char text[160];
	static const char *const ok[] = {"0.125", "0.1875", "0.5", "1", "1.5", "4", "128", "1.0",
					 "0.50000", "124", "96", "inf"};
	static const int ok16[] = {2, 3, 8, 16, 24, 64, 2048, 16, 8, 1984, 1536, 0};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		snprintf(text, sizeof(text), "trigseq 1\ntrack 1\n  gate %s\n", ok[i]);
		parse_ok(text);
		assert_int_equal(ts_len16(trk(1)->gate), ok16[i]);
	}
	/* Every index of the table, written as the writer writes it, reads back. */
	for (int idx = 0; idx < TS_LEN_COUNT; idx++) {
		ts_pattern_init(&ref);
		ref.tracks[0].declared = true;
		ref.tracks[0].gate = (uint8_t)idx;
		ref.tracks[0].retrig_len = (uint8_t)idx;
		char *s = ts_patfile_format(&ref, NULL, NULL);
		assert_non_null(s);
		parse_ok(s);
		free(s);
		assert_int_equal(trk(1)->gate, idx);
		assert_int_equal(trk(1)->retrig_len, idx);
	}
	expect_error("trigseq 1\ntrack 1\n  gate 0.3\n", 3, 8,
		     "gate 0.3 is not a note length (nearest valid: 0.25 or 0.3125)");
	expect_error("trigseq 1\ntrack 1\n  gate 0.0625\n", 3, 8,
		     "gate 0.0625 is not a note length (nearest valid: 0.125)");
	expect_error("trigseq 1\ntrack 1\n  gate 200\n", 3, 8, "(nearest valid: 128)");
	expect_error("trigseq 1\ntrack 1\n  gate 127\n", 3, 8, "(nearest valid: 124 or 128)");
	expect_error("trigseq 1\ntrack 1\n  gate 16.25\n", 3, 8, "(nearest valid: 16 or 17)");
	expect_error("trigseq 1\ntrack 1\n  gate 0\n", 3, 8, "(nearest valid: 0.125)");
	expect_error("trigseq 1\ntrack 1\n  retrig-len 1.01\n", 3, 14,
		     "retrig-len 1.01 is not a note length (nearest valid: 1 or 1.0625)");
	expect_error("trigseq 1\ntrack 1\n  gate 1.\n", 3, 8, "gate '1.' is not a note length");
	expect_error("trigseq 1\ntrack 1\n  gate .5\n", 3, 8, "is not a note length");
	expect_error("trigseq 1\ntrack 1\n  gate -1\n", 3, 8, "is not a note length");
	expect_error("trigseq 1\ntrack 1\n  gate infinite\n", 3, 8, "is not a note length");
}

static void test_rates_and_speeds(void **state)
{
	(void)state;
	char text[128];
	for (int i = 0; i < TS_RATE_COUNT; i++) {
		snprintf(text, sizeof(text), "trigseq 1\ntrack 1\n  retrig-rate 1/%d\n",
			 ts_rate_div(i));
		parse_ok(text);
		assert_int_equal(trk(1)->retrig_rate, i);
	}
	for (int s = 0; s < TS_SPEED_COUNT; s++) {
		snprintf(text, sizeof(text), "trigseq 1\nspeed %s\n", ts_speed_name(s));
		parse_ok(text);
		assert_int_equal(pat.speed, s);
		assert_int_equal(trk(4)->speed, s);
	}
	expect_error("trigseq 1\ntrack 1\n  retrig-rate 1/7\n", 3, 15,
		     "retrig-rate '1/7' is not a rate (expected 1/1 1/2");
	expect_error("trigseq 1\ntrack 1\n  retrig-rate 2/16\n", 3, 15, "is not a rate");
	expect_error("trigseq 1\nlength 1\ntrack 1\n  steps x\n  step 1 retrig=1/7\n", 5, 17,
		     "retrig '1/7' is not a rate");
	expect_error("trigseq 1\nspeed 4x\n", 2, 7, "speed '4x' is not a speed (expected 2x 3/2x");
}

/* ---- errors ---- */

struct bad {
	const char *text;
	int line, col;
	const char *msg;
};

static const struct bad bad_files[] = {
	/* header */
	{"tempo 120\n", 1, 1, "missing header: the first statement must be 'trigseq 1'"},
	{"trigseq 2\n", 1, 9, "format version 2 is newer than this trigseq reads (1)"},
	{"trigseq 12345678901\n", 1, 9, "format version 12345678901 is newer"},
	{"trigseq 0\n", 1, 1, "missing header"},
	{"trigseq\n", 1, 1, "missing header"},
	{"trigseq one\n", 1, 1, "missing header"},
	{"trigseq \"1\"\n", 1, 1, "missing header"},
	{"Trigseq 1\n", 1, 1, "missing header"},
	{"trigseq 1 2\n", 1, 11, "unexpected '2' after 'trigseq 1'"},
	{"trigseq 1\ntrigseq 1\n", 2, 1, "'trigseq' given twice, first at line 1"},
	/* keys */
	{"trigseq 1\ntempp 120\n", 2, 1,
	 "unknown key 'tempp' (expected one of: name, tempo, swing, mode, length, speed, change, "
	 "accent, track)"},
	{"trigseq 1\nTempo 120\n", 2, 1, "unknown key 'Tempo'"},
	{"trigseq 1\ntrack 1\n  velocty 3\n", 3, 3, "unknown key 'velocty' (did you mean 'velocity'?)"},
	{"trigseq 1\ntrack 1\n  zzzzzzzz 3\n", 3, 3, "unknown key 'zzzzzzzz' (expected a track key"},
	{"trigseq 1\ntempo 120\ntempo 130\n", 3, 1, "'tempo' given twice, first at line 2"},
	{"trigseq 1\ntrack 1\n  tempo 120\n", 3, 3,
	 "'tempo' is a pattern key; it must come before the first track"},
	{"trigseq 1\nchannel 3\n", 2, 1, "'channel' is a track key; it must come after a 'track N' line"},
	{"trigseq 1\nstep 1 vel 3\n", 2, 1, "'step' is a track key"},
	{"trigseq 1\ntrack 2\n  length 16\n  length 16\n", 4, 3, "'length' given twice, first at line 3"},
	{"trigseq 1\n\"name\" 3\n", 2, 1, "unexpected string 'name' (expected a key)"},
	/* values */
	{"trigseq 1\ntempo 120.55\n", 2, 7, "tempo 120.55 has more than one decimal"},
	{"trigseq 1\ntempo 29.9\n", 2, 7, "tempo 29.9 out of range (expected 30.0 ... 300.0)"},
	{"trigseq 1\ntempo 300.1\n", 2, 7, "out of range"},
	{"trigseq 1\ntempo fast\n", 2, 7, "tempo 'fast' is not a number"},
	{"trigseq 1\ntempo \"120\"\n", 2, 7, "'tempo' takes a plain value, not a quoted string"},
	{"trigseq 1\ntempo\n", 2, 1, "'tempo' needs a value (expected 30.0 ... 300.0)"},
	{"trigseq 1\ntempo 120 130\n", 2, 11, "unexpected '130' after the value of 'tempo'"},
	{"trigseq 1\nswing 49\n", 2, 7, "swing 49 out of range (expected 50 ... 80)"},
	{"trigseq 1\nswing 81\n", 2, 7, "swing 81 out of range"},
	{"trigseq 1\nmode weird\n", 2, 6, "mode 'weird' is not a mode (expected normal or advanced)"},
	{"trigseq 1\nlength 65\n", 2, 1, "length 65 out of range (expected 1 ... 64 in mode normal)"},
	{"trigseq 1\nlength 0\n", 2, 1, "length 0 out of range"},
	{"trigseq 1\nlength inf\n", 2, 1, "length inf needs mode advanced"},
	{"trigseq 1\nlength 1025\nmode advanced\n", 2, 1,
	 "length 1025 out of range (expected 2 ... 1024 or inf in mode advanced)"},
	{"trigseq 1\nmode advanced\nlength 1\n", 3, 1, "length 1 out of range"},
	{"trigseq 1\nlength x\n", 2, 8, "length 'x' is not a number"},
	{"trigseq 1\nchange 1\n", 2, 8, "change 1 out of range (expected off or 2 ... 1024)"},
	{"trigseq 1\nchange 1025\n", 2, 8, "change 1025 out of range"},
	{"trigseq 1\nchange on\n", 2, 8, "change 'on' is not a number"},
	{"trigseq 1\naccent 128\n", 2, 8, "accent 128 out of range (expected 0 ... 127)"},
	{"trigseq 1\naccent -1\n", 2, 8, "accent -1 out of range"},
	{"trigseq 1\nname Intro\n", 2, 6, "'name' needs a quoted string"},
	{"trigseq 1\nname \"123456789012345678901234567890123\"\n", 2, 6,
	 "name is 33 bytes (expected at most 32)"},
	{"trigseq 1\nname \"a\\tb\"\n", 2, 8, "unknown escape in string"},
	{"trigseq 1\nname \"open\n", 2, 6, "unterminated string"},
	{"trigseq 1\nname \"a\"b\n", 2, 9, "unexpected text after the closing quote"},
	/* tracks */
	{"trigseq 1\ntrack 13\n", 2, 7, "track 13 out of range (expected 1 ... 12)"},
	{"trigseq 1\ntrack 0\n", 2, 7, "track 0 out of range"},
	{"trigseq 1\ntrack\n", 2, 1, "'track' needs a number"},
	{"trigseq 1\ntrack x\n", 2, 7, "track 'x' is not a number"},
	{"trigseq 1\ntrack 2\ntrack 2\n", 3, 1, "track 2 given twice, first at line 2"},
	{"trigseq 1\ntrack 2 Bass\n", 2, 9, "track name 'Bass' is not a quoted string"},
	{"trigseq 1\ntrack 2 \"a\" b\n", 2, 13, "unexpected 'b' after the track name"},
	{"trigseq 1\ntrack 2 \"123456789012345678901234567890123\"\n", 2, 9, "track name is 33 bytes"},
	{"trigseq 1\ntrack 1\n  channel 17\n", 3, 11, "channel 17 out of range (expected 1 ... 16 or off)"},
	{"trigseq 1\ntrack 1\n  channel 0\n", 3, 11, "channel 0 out of range"},
	{"trigseq 1\ntrack 1\n  port Main\n", 3, 8, "port 'Main' is not a port name"},
	{"trigseq 1\ntrack 1\n  port a2345678901234567\n", 3, 8, "is not a port name"},
	{"trigseq 1\ntrack 1\n  port 2a\n", 3, 8, "is not a port name"},
	{"trigseq 1\ntrack 1\n  velocity 0\n", 3, 12, "velocity 0 out of range (expected 1 ... 127)"},
	{"trigseq 1\ntrack 1\n  send-midi yes\n", 3, 13, "send-midi 'yes' is not on or off"},
	{"trigseq 1\ntrack 1\n  mute 1\n", 3, 8, "mute '1' is not on or off"},
	{"trigseq 1\ntrack 1\n  prob 101\n", 3, 8, "prob 101 out of range (expected 0 ... 100)"},
	{"trigseq 1\ntrack 1\n  program 128\n", 3, 11, "program 128 out of range"},
	{"trigseq 1\ntrack 1\n  cc 74\n", 3, 6, "cc '74' is not C=V"},
	{"trigseq 1\ntrack 1\n  cc 128=1\n", 3, 6, "cc controller 128 out of range (expected 0 ... 127)"},
	{"trigseq 1\ntrack 1\n  cc 74=128\n", 3, 9, "cc value 128 out of range"},
	{"trigseq 1\ntrack 1\n  cc 74=1\n  cc 74=2\n", 4, 6, "cc 74 given twice, first at line 3"},
	{"trigseq 1\ntrack 1\n  cc 74=1 74=2\n", 3, 11, "cc 74 given twice, first at line 3"},
	{"trigseq 1\ntrack 1\n  cc\n", 3, 3, "'cc' needs a value"},
	{"trigseq 1\ntrack 1\n  retrig-vel 128\n", 3, 14, "retrig-vel 128 out of range (expected -128 ... 127)"},
	{"trigseq 1\ntrack 1\n  sample kick.wav\n", 3, 10, "'sample' needs a quoted string"},
	{"trigseq 1\ntrack 1\n  dest both\n", 3, 8, "dest 'both' is not a destination"},
	{"trigseq 1\ntrack 1\n  length 12\n", 3, 3, "track length needs mode advanced"},
	{"trigseq 1\ntrack 1\n  speed 2x\n", 3, 3, "track speed needs mode advanced"},
	{"trigseq 1\nmode advanced\ntrack 1\n  length 65\n", 4, 10, "length 65 out of range (expected 1 ... 64)"},
	{"trigseq 1\nmode advanced\ntrack 1\n  length 0\n", 4, 10, "length 0 out of range"},
	/* the grid */
	{"trigseq 1\ntrack 2\n  steps x... x... x... x... x\n", 3, 3, "grid has 17 steps, track 2 has length 16"},
	{"trigseq 1\nlength 4\ntrack 2\n  steps x..\n", 4, 3, "grid has 3 steps, track 2 has length 4"},
	{"trigseq 1\nmode advanced\nlength 64\ntrack 2\n  steps x...\n", 5, 3,
	 "grid has 4 steps, track 2 has length 16"},
	{"trigseq 1\nmode advanced\ntrack 2\n  length 2\n  steps x...\n", 5, 3,
	 "grid has 4 steps, track 2 has length 2"},
	{"trigseq 1\ntrack 2\n  steps x..y\n", 3, 12, "grid character 'y' at step 4 is not a trig"},
	{"trigseq 1\ntrack 2\n  steps x.. \xc3\xa9\n", 3, 13, "grid character '\xc3\xa9'"},
	{"trigseq 1\ntrack 2\n  steps\n", 3, 3, "'steps' needs a grid"},
	{"trigseq 1\ntrack 2\n  steps \"x\"\n", 3, 9, "grid is a quoted string"},
	/* steps */
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 2 vel 3\n", 4, 3,
	 "step 2 has no trig (grid character '.')"},
	{"trigseq 1\ntrack 2\n  step 5 vel 3\n", 3, 3, "step 5 has no trig (grid character '.')"},
	{"trigseq 1\nlength 8\ntrack 2\n  steps x... x...\n  step 12 vel 3\n", 5, 3,
	 "step 12 is beyond the track length (expected 1 ... 8)"},
	{"trigseq 1\ntrack 2\n  step 65 vel 3\n", 3, 8, "step 65 out of range (expected 1 ... 64)"},
	{"trigseq 1\ntrack 2\n  step 0 vel 3\n", 3, 8, "step 0 out of range"},
	{"trigseq 1\ntrack 2\n  step\n", 3, 3, "'step' needs a step number"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 vel 3\n  step 5 vel 4\n", 5, 3,
	 "step 5 given twice, first at line 4"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 vel 3 vel 4\n", 4, 16,
	 "'vel' given twice on step 5, first at col 10"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 swing noswing\n", 4, 16,
	 "'noswing' given twice on step 5"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 retrig retrig=1/8\n", 4, 17,
	 "'retrig' given twice on step 5"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 micro 30\n", 4, 16,
	 "micro 30 out of range (expected -23 ... 23)"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 micro -24\n", 4, 16, "micro -24 out of range"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 vel 0\n", 4, 14, "vel 0 out of range"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 vel\n", 4, 10, "'vel' needs a value"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 gate 0.3\n", 4, 15,
	 "gate 0.3 is not a note length (nearest valid: 0.25 or 0.3125)"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 retrig-vel -129\n", 4, 21,
	 "retrig-vel -129 out of range"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 velocity 3\n", 4, 10,
	 "unknown trig attribute 'velocity'"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 vel=3\n", 4, 10,
	 "unknown trig attribute 'vel=3'"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 \"slide\"\n", 4, 10,
	 "unexpected string 'slide'"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 cc 74=1 cc 74=2\n", 4, 21,
	 "cc 74 locked twice on step 5"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 cc 74=1 74=2\n", 4, 18,
	 "cc 74 locked twice on step 5"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 cc 74=200\n", 4, 16,
	 "cc value 200 out of range"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 cc slide\n", 4, 13,
	 "cc 'slide' is not C=V"},
	{"trigseq 1\ntrack 2\n  steps x... x... x... x...\n  step 5 note 200\n", 4, 15,
	 "note '200' is not a note"},
	/* text */
	{"trigseq 1\nname \"a\x01\"\n", 2, 8, "control character 0x01"},
	{"trigseq 1\ntempo 120\r\r\n", 2, 10, "control character 0x0D"},
	{"trigseq 1\nname \"\xff\"\n", 2, 7, "invalid UTF-8 byte 0xFF"},
	{"trigseq 1\nname \"\xc0\xaf\"\n", 2, 7, "invalid UTF-8 byte 0xC0"},
	{"trigseq 1\nname \"\xed\xa0\x80\"\n", 2, 7, "invalid UTF-8 byte 0xED"},
	{"trigseq 1\nname \"\xe2\x82\"\n", 2, 7, "invalid UTF-8 byte 0xE2"},
	{"trigseq 1\nname \"\xf4\x90\x80\x80\"\n", 2, 7, "invalid UTF-8 byte 0xF4"},
	{"trigseq 1\n# caf\xc3\n", 2, 6, "invalid UTF-8 byte 0xC3"},
};

static void test_error_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++)
		expect_error(bad_files[i].text, bad_files[i].line, bad_files[i].col, bad_files[i].msg);
}

static void test_multiple_errors(void **state)
{
	(void)state;
	const char *text = "trigseq 1\n"
			   "tempp 120\n"
			   "swing 90\n"
			   "tempo 120\n"
			   "tempo 121\n"
			   "track 1\n"
			   "  velocity 200\n"
			   "  steps x... x... x...\n"
			   "  step 2 vel 3\n"
			   "  mute maybe\n";
	assert_int_equal(parse(text), TS_ERR_PARSE);
	assert_int_equal(diags.count, 7);
	static const int lines[] = {2, 3, 5, 7, 8, 9, 10};
	for (int i = 0; i < 7; i++)
		assert_int_equal(diags.items[i].line, lines[i]);
	assert_non_null(strstr(diags.items[4].msg, "grid has 12 steps, track 1 has length 16"));
}

static void test_untouched_on_error(void **state)
{
	(void)state;
	memset(&pat, 0xA5, sizeof(pat));
	memcpy(&ref, &pat, sizeof(pat));
	ts_comments *com = (ts_comments *)&ref; /* any non-NULL value: must come back NULL */
	assert_int_equal(ts_patfile_parse("trigseq 1\ntempo 1\n# c\n", 22, &pat, &com, &diags),
			 TS_ERR_PARSE);
	assert_null(com);
	assert_memory_equal(&pat, &ref, sizeof(pat));
	/* A NULL pattern only checks; NULL diags are allowed. */
	assert_int_equal(ts_patfile_parse("trigseq 1\n", 10, NULL, NULL, NULL), TS_OK);
	assert_int_equal(ts_patfile_parse("tempo 1\n", 8, NULL, NULL, NULL), TS_ERR_PARSE);
}

static void test_text_rules(void **state)
{
	(void)state;
	/* NUL bytes, with the text going on after them. */
	static const char nul[] = "trigseq 1\nname \"a\0b\"\ntempo 5\n";
	assert_int_equal(ts_patfile_parse(nul, sizeof(nul) - 1, &pat, NULL, &diags), TS_ERR_PARSE);
	assert_int_equal(diags.count, 2);
	assert_int_equal(diags.items[0].line, 2);
	assert_int_equal(diags.items[0].col, 8);
	assert_non_null(strstr(diags.items[0].msg, "NUL byte"));
	assert_int_equal(diags.items[1].line, 3);

	/* Not NUL-terminated: the parser must stop at len. */
	char raw[12];
	memcpy(raw, "trigseq 1\nxx", 12);
	assert_int_equal(ts_patfile_parse(raw, 10, &pat, NULL, &diags), TS_OK);

	/* CRLF line ends, also without a final newline and inside a comment. */
	parse_ok("trigseq 1\r\ntempo 99.5\r\ntrack 2 \"A\" # c\r\n  steps x.x. x.x. x.x. x.x.\r\n"
		 "  step 3 vel 7");
	assert_int_equal(pat.tempo10, 995);
	assert_string_equal(trk(2)->name, "A");
	assert_int_equal(trig(2, 3)->vel, 7);

	/* A byte order mark, tabs between tokens, UTF-8 in strings and comments. */
	parse_ok("\xef\xbb\xbftrigseq\t1\n\tname\t\"caf\xc3\xa9 \xf0\x9f\x8e\xb9\" # \xe2\x99\xaf\n");
	assert_string_equal(pat.name, "caf\xc3\xa9 \xf0\x9f\x8e\xb9");

	/* '#' inside a token is a sharp; starting a token it starts a comment. */
	parse_ok("trigseq 1\ntrack 1 \"#1\" #x\n  note D#2 #c\n  steps x... .... .... .... #.... x\n");
	assert_string_equal(trk(1)->name, "#1");
	assert_int_equal(trk(1)->notes[0], 39);
	expect_error("trigseq 1\ntrack 1 \"#1\"#x\n", 2, 13, "after the closing quote");
	expect_error("trigseq 1\ntrack 1\n  steps x#.. .... .... ....\n", 3, 10,
		     "grid character '#' at step 2");
}

static void test_long_lines(void **state)
{
	(void)state;
	size_t n = TS_LINE_MAX + 100;
	char *text = malloc(n + 64);
	assert_non_null(text);
	strcpy(text, "trigseq 1\n# ");
	size_t at = strlen(text);
	memset(text + at, 'a', n);
	at += n;
	strcpy(text + at, "\ntempo 5\n");
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_ERR_PARSE);
	assert_int_equal(diags.count, 2);
	assert_int_equal(diags.items[0].line, 2);
	assert_int_equal(diags.items[0].col, 1);
	assert_non_null(strstr(diags.items[0].msg, "line too long"));
	assert_int_equal(diags.items[1].line, 3);

	/* Exactly TS_LINE_MAX bytes is fine, and so is its CR. */
	strcpy(text, "trigseq 1\n#");
	at = strlen(text);
	memset(text + at, 'b', TS_LINE_MAX - 1);
	strcpy(text + at + TS_LINE_MAX - 1, "\r\n");
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_OK);
	free(text);
}

static void test_empty_and_comment_only(void **state)
{
	(void)state;
	expect_error("", 0, 0, "missing header: the first statement must be 'trigseq 1'");
	assert_int_equal(diags.count, 1);
	expect_error("\n\n  \n# only a comment\n", 0, 0, "missing header");
	assert_int_equal(ts_patfile_parse(NULL, 0, &pat, NULL, &diags), TS_ERR_PARSE);
}

static void test_diag_limit(void **state)
{
	(void)state;
	char *text = malloc(64 * 20 + 16);
	assert_non_null(text);
	strcpy(text, "trigseq 1\n");
	for (int i = 0; i < 60; i++)
		strcat(text, "bogus 1\n");
	assert_int_equal(parse(text), TS_ERR_PARSE);
	assert_int_equal(diags.count, 60);
	assert_int_equal(diags.items[TS_DIAG_MAX - 1].line, TS_DIAG_MAX + 1);
	free(text);

	char *buf = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&buf, &size);
	assert_non_null(out);
	ts_diags_print(out, "p.tsq", &diags);
	fclose(out);
	assert_non_null(strstr(buf, "p.tsq:2:1: unknown key 'bogus'"));
	assert_non_null(strstr(buf, "p.tsq:51:1: unknown key"));
	assert_null(strstr(buf, "p.tsq:52:1"));
	assert_non_null(strstr(buf, "\np.tsq: 10 more problems not shown\n"));
	free(buf);

	expect_error("", 0, 0, "missing header");
	out = open_memstream(&buf, &size);
	assert_non_null(out);
	ts_diags_print(out, "e.tsq", &diags);
	fclose(out);
	assert_string_equal(buf, "e.tsq: missing header: the first statement must be 'trigseq 1' "
				 "(the file has no statements)\n");
	free(buf);
}

/* ---- writing ---- */

/* format(p) parses back to p, and formats to the same bytes again. */
static void round_trip(const ts_pattern *p, const ts_comments *com)
{
	size_t len1, len2;
	char *s1 = ts_patfile_format(p, com, &len1);
	assert_non_null(s1);
	assert_int_equal(strlen(s1), len1);
	assert_true(len1 >= 2 && s1[len1 - 1] == '\n' && s1[len1 - 2] != '\n');
	ts_comments *com2 = NULL;
	static ts_pattern back;
	memset(&back, 0, sizeof(back));
	if (ts_patfile_parse(s1, len1, &back, &com2, &diags) != TS_OK) {
		ts_diags_print(stderr, "formatted", &diags);
		fail_msg("formatted text does not parse:\n%s", s1);
	}
	if (memcmp(p, &back, sizeof(back)) != 0) {
		const unsigned char *a = (const void *)p, *b = (const void *)&back;
		size_t at = 0;
		while (a[at] == b[at])
			at++;
		fprintf(stderr, "%s\n", s1);
		fail_msg("pattern changed through its text at byte %zu (track %zu)", at,
			 (at - offsetof(ts_pattern, tracks)) / sizeof(ts_track) + 1);
	}
	char *s2 = ts_patfile_format(&back, com2, &len2);
	assert_non_null(s2);
	assert_string_equal(s1, s2);
	free(s1);
	free(s2);
	ts_comments_free(com2);
}

static const char full_canonical[] =
	"trigseq 1\n"
	"name \"All \\\"of\\\" it \\\\\"\n"
	"tempo 133.3\n"
	"swing 57\n"
	"mode advanced\n"
	"length inf\n"
	"speed 3/2x\n"
	"change 64\n"
	"accent 100\n"
	"\n"
	"track 1 \"Kick\"\n"
	"  channel 10\n"
	"  note C1\n"
	"  port rd8\n"
	"  velocity 90\n"
	"  gate 0.1875\n"
	"  length 12\n"
	"  speed 1/2x\n"
	"  send-midi off\n"
	"  mute on\n"
	"  prob 75\n"
	"  program 3\n"
	"  cc 7=100\n"
	"  cc 74=64\n"
	"  retrig-rate 1/32\n"
	"  retrig-len 2.5\n"
	"  retrig-vel -40\n"
	"  sample \"kick.wav\"\n"
	"  dest int+ext\n"
	"  steps x..o X..- x.xx\n"
	"  step 1 note C#4+E4+G#4+B4 vel 120 gate inf micro -12 cond 3:4 retrig=1/12 retrig-len "
	"0.125 retrig-vel 127 cc 74=0 cc 7=1 slide swing\n"
	"  step 4 cond !pre\n"
	"  step 12 micro 5 noswing\n"
	"\n"
	"track 2\n"
	"  channel off\n"
	"  note C-1\n"
	"  steps .... .... .... ....\n"
	"\n"
	"track 12\n"
	"  channel 12\n"
	"  note C4\n"
	"  length 2\n"
	"  speed 1x\n"
	"  dest int\n"
	"  steps X-\n";

static void test_canonical_is_stable(void **state)
{
	(void)state;
	const char *text = full_canonical;
	ts_comments *com = NULL;
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, &com, &diags), TS_OK);
	size_t len;
	char *out = ts_patfile_format(&pat, com, &len);
	assert_non_null(out);
	assert_string_equal(out, text);
	round_trip(&pat, com);
	free(out);
	ts_comments_free(com);
}

static void test_canonical_from_sloppy(void **state)
{
	(void)state;
	const char *sloppy = "trigseq 1\n"
			     "accent 32\n"
			     "tempo 98\n"
			     "track 3 \"\"\n"
			     "\t\tsteps xx\tx.  ..x. .... .... \n"
			     "\tvelocity 100\n"
			     "\tnote 61+B#3\n"
			     "\tstep 7 vel 100\n"
			     "\tstep 2 cc 1=1 2=2 retrig\n"
			     "\tcc 5=5\n"
			     "\tgate 1.0\n"
			     "\tretrig-rate 1/16\n"
			     "\tchannel 3\n";
	const char *expect = "trigseq 1\n"
			     "tempo 98.0\n"
			     "length 16\n"
			     "\n"
			     "track 3\n"
			     "  channel 3\n"
			     "  note C#4+C4\n"
			     "  cc 5=5\n"
			     "  steps xxx. ..x. .... ....\n"
			     "  step 2 retrig cc 1=1 cc 2=2\n"
			     "  step 7 vel 100\n";
	const char *text = sloppy;
	ts_comments *com = NULL;
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, &com, &diags), TS_OK);
	char *out = ts_patfile_format(&pat, com, NULL);
	assert_non_null(out);
	assert_string_equal(out, expect);
	free(out);
	ts_comments_free(com);
}

static void test_round_trip_edited(void **state)
{
	(void)state;
	/* A pattern built in memory, as the UI would, with every feature. */
	ts_pattern_init(&ref);
	strcpy(ref.name, "Edited \"q\" \\ \xc3\xa9");
	ref.tempo10 = 2999;
	ref.swing = 80;
	ref.mode = TS_MODE_ADVANCED;
	ref.length = 2;
	ref.speed = TS_SPEED_1_8X;
	ref.change = 1024;
	ref.accent = 0;
	ts_track *t = &ref.tracks[6];
	t->declared = true;
	strcpy(t->name, "12345678901234567890123456789012");
	t->channel = TS_CHANNEL_OFF;
	memset(t->port, 0, sizeof(t->port));
	strcpy(t->port, "a_1");
	t->nnotes = 4;
	memcpy(t->notes, (uint8_t[]){0, 127, 1, 126}, 4);
	t->velocity = 127;
	t->gate = TS_LEN_INF;
	t->length = 64;
	t->length_set = true;
	t->speed = TS_SPEED_2X;
	t->speed_set = true;
	t->send_midi = false;
	t->mute = true;
	t->prob = 1;
	t->program = 0;
	for (int c = 0; c < 128; c++)
		t->base_cc[c] = (int16_t)(127 - c);
	t->retrig_rate = 0;
	t->retrig_len = 126;
	t->retrig_vel = 127;
	memset(t->sample, 'p', 255);
	t->dest = TS_DEST_INT;
	for (int k = 0; k < 64; k++) {
		ts_trig *g = &t->steps[k];
		g->kind = (uint8_t)(1 + k % 4);
		if (k % 3 == 0) {
			g->nnotes = (uint8_t)(1 + k % 4);
			for (int i = 0; i < g->nnotes; i++)
				g->notes[i] = (uint8_t)(k + i * 13);
		}
		if (k % 5 == 0)
			g->vel = (uint8_t)(1 + k);
		if (k % 7 == 0)
			g->gate = (uint8_t)(k * 2);
		g->micro = (int8_t)(k % 47 - 23);
		g->cond = (uint8_t)(k % 66 < 65 ? k % 65 : TS_COND_NONE);
		g->retrig = k % 2;
		if (k % 4 == 1)
			g->retrig_rate = (uint8_t)(k % 17);
		if (k % 6 == 0)
			g->retrig_len = (uint8_t)(127 - k);
		if (k % 8 == 0)
			g->retrig_vel = (int16_t)(k * 4 - 128);
		g->nlocks = (uint8_t)(k % 17);
		for (int i = 0; i < g->nlocks; i++)
			g->locks[i] = (ts_lock){(uint8_t)(127 - i * 7), (uint8_t)(k + i)};
		g->slide = k % 9 == 0;
		g->swing = (uint8_t)(k % 3);
	}
	ts_pattern_settle(&ref);
	round_trip(&ref, NULL);

	/* Normal mode, every track declared with short grids. */
	ts_pattern_init(&ref);
	ref.length = 3;
	for (int n = 1; n <= TS_TRACKS; n++) {
		ref.tracks[n - 1].declared = true;
		ref.tracks[n - 1].steps[n % 3].kind = TS_TRIG_ACCENT;
	}
	ts_pattern_settle(&ref);
	round_trip(&ref, NULL);

	/* The default pattern, and one minimal change per kind of field. */
	ts_pattern_init(&ref);
	round_trip(&ref, NULL);
	ref.tracks[11].declared = true;
	ref.tracks[11].retrig_rate = TS_RATE_1_16 + 1;
	round_trip(&ref, NULL);
}

/* Random valid patterns: format, parse, compare. */
static uint32_t rng = 12345;
static int rnd(int n)
{
	rng = rng * 1103515245u + 12345u;
	return (int)((rng >> 8) % (uint32_t)n);
}

static void random_name(char *s, size_t max)
{
	static const char *const parts[] = {"a", "Z", " ", "\"", "\\", "#", "\xc3\xa9", "9", "x y"};
	size_t n = 0;
	memset(s, 0, max + 1);
	int count = rnd(8);
	for (int i = 0; i < count; i++) {
		const char *p = parts[rnd(9)];
		if (n + strlen(p) > max)
			break;
		memcpy(s + n, p, strlen(p));
		n += strlen(p);
	}
}

static void test_round_trip_random(void **state)
{
	(void)state;
	for (int iter = 0; iter < 300; iter++) {
		ts_pattern_init(&ref);
		random_name(ref.name, TS_NAME_MAX);
		ref.tempo10 = (uint16_t)(300 + rnd(2701));
		ref.swing = (uint8_t)(50 + rnd(31));
		ref.mode = (uint8_t)rnd(2);
		ref.length = (uint16_t)(ref.mode ? (rnd(4) ? 2 + rnd(1023) : 0) : 1 + rnd(64));
		ref.speed = (uint8_t)rnd(TS_SPEED_COUNT);
		ref.change = (uint16_t)(rnd(2) ? 0 : 2 + rnd(1023));
		ref.accent = (uint8_t)rnd(128);
		for (int n = 1; n <= TS_TRACKS; n++) {
			ts_track *t = &ref.tracks[n - 1];
			if (rnd(3) == 0)
				continue;
			t->declared = true;
			random_name(t->name, TS_NAME_MAX);
			t->channel = (uint8_t)rnd(17);
			if (rnd(4) == 0) {
				memset(t->port, 0, sizeof(t->port));
				strcpy(t->port, rnd(2) ? "b" : "port_9");
			}
			t->nnotes = (uint8_t)(1 + rnd(4));
			for (int i = 0; i < t->nnotes; i++)
				t->notes[i] = (uint8_t)rnd(128);
			t->velocity = (uint8_t)(1 + rnd(127));
			t->gate = (uint8_t)rnd(128);
			if (ref.mode && rnd(2)) {
				t->length = (uint8_t)(1 + rnd(64));
				t->length_set = true;
			}
			if (ref.mode && rnd(2)) {
				t->speed = (uint8_t)rnd(TS_SPEED_COUNT);
				t->speed_set = true;
			}
			t->send_midi = rnd(2);
			t->mute = rnd(2);
			t->prob = (uint8_t)rnd(101);
			t->program = (int16_t)(rnd(2) ? TS_PROGRAM_NONE : rnd(128));
			for (int i = rnd(4); i > 0; i--)
				t->base_cc[rnd(128)] = (int16_t)rnd(128);
			t->retrig_rate = (uint8_t)rnd(TS_RATE_COUNT);
			t->retrig_len = (uint8_t)rnd(128);
			t->retrig_vel = (int16_t)(rnd(256) - 128);
			if (rnd(3) == 0)
				random_name(t->sample, 255);
			t->dest = (uint8_t)rnd(3);
		}
		ts_pattern_settle(&ref);
		for (int n = 1; n <= TS_TRACKS; n++) {
			ts_track *t = &ref.tracks[n - 1];
			if (!t->declared)
				continue;
			for (int k = 0; k < t->length; k++) {
				ts_trig *g = &t->steps[k];
				g->kind = (uint8_t)rnd(5);
				if (g->kind == TS_TRIG_NONE || rnd(2))
					continue;
				if (rnd(3) == 0) {
					g->nnotes = (uint8_t)(1 + rnd(4));
					for (int i = 0; i < g->nnotes; i++)
						g->notes[i] = (uint8_t)rnd(128);
				}
				if (rnd(3) == 0)
					g->vel = (uint8_t)(1 + rnd(127));
				if (rnd(3) == 0)
					g->gate = (uint8_t)rnd(128);
				g->micro = (int8_t)(rnd(3) ? 0 : rnd(47) - 23);
				if (rnd(3) == 0)
					g->cond = (uint8_t)rnd(65);
				g->retrig = rnd(3) == 0;
				if (g->retrig && rnd(2))
					g->retrig_rate = (uint8_t)rnd(TS_RATE_COUNT);
				if (rnd(4) == 0)
					g->retrig_len = (uint8_t)rnd(128);
				if (rnd(4) == 0)
					g->retrig_vel = (int16_t)(rnd(256) - 128);
				for (int i = rnd(4) == 0 ? rnd(17) : 0; i > 0; i--) {
					int c = rnd(128), j;
					for (j = 0; j < g->nlocks && g->locks[j].cc != c; j++)
						;
					if (j == g->nlocks)
						g->locks[g->nlocks++] = (ts_lock){(uint8_t)c, (uint8_t)rnd(128)};
				}
				g->slide = rnd(4) == 0;
				g->swing = (uint8_t)rnd(3);
			}
		}
		round_trip(&ref, NULL);
	}
}

/* ---- comments ---- */

static const char commented[] =
	"# Pattern: demo\n"
	"# second line\n"
	"trigseq 1 # format\n"
	"# the name\n"
	"name \"Demo\"\n"
	"tempo 120.0\n"
	"swing 50 # straight, written although default\n"
	"length 16\n"
	"\n"
	"# drums\n"
	"track 1 \"Kick\" # four on the floor\n"
	"  channel 1\n"
	"  # C1 on the RD-8\n"
	"  note C1\n"
	"  velocity 100 # default, kept\n"
	"  # filter\n"
	"  cc 74=64 # cutoff\n"
	"  steps x... x... x... x...\n"
	"  # accent the last\n"
	"  step 13 vel 127 #loud\n"
	"  step 9 # nothing here but a comment\n"
	"\n"
	"# end 1\n"
	"#\n";

static void test_comments(void **state)
{
	(void)state;
	ts_comments *com = NULL;
	assert_int_equal(ts_patfile_parse(commented, strlen(commented), &pat, &com, &diags), TS_OK);
	assert_non_null(com);
	char *out = ts_patfile_format(&pat, com, NULL);
	assert_non_null(out);
	const char *expect =
		"# Pattern: demo\n"
		"# second line\n"
		"trigseq 1 # format\n"
		"# the name\n"
		"name \"Demo\"\n"
		"tempo 120.0\n"
		"swing 50 # straight, written although default\n"
		"length 16\n"
		"\n"
		"# drums\n"
		"track 1 \"Kick\" # four on the floor\n"
		"  channel 1\n"
		"  # C1 on the RD-8\n"
		"  note C1\n"
		"  velocity 100 # default, kept\n"
		"  # filter\n"
		"  cc 74=64 # cutoff\n"
		"  steps x... x... x... x...\n"
		"  step 9 # nothing here but a comment\n"
		"  # accent the last\n"
		"  step 13 vel 127 #loud\n"
		"\n"
		"# end 1\n"
		"#\n";
	assert_string_equal(out, expect);
	free(out);
	round_trip(&pat, com);
	ts_comments_free(com);

	/* Comments follow the statement, not the line: cc pairs split, sloppy indentation. */
	const char *text = "trigseq 1\n"
			   "track 2\n"
			   "# about cc\n"
			   "cc 71=1 10=2 # pair\n"
			   "  # comment with trailing spaces   \t\n"
			   "mute off\n";
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, &com, &diags), TS_OK);
	out = ts_patfile_format(&pat, com, NULL);
	assert_non_null(out);
	assert_string_equal(out, "trigseq 1\n"
				 "tempo 120.0\n"
				 "length 16\n"
				 "\n"
				 "track 2\n"
				 "  channel 2\n"
				 "  note C4\n"
				 "  # comment with trailing spaces\n"
				 "  mute off\n"
				 "  cc 10=2\n"
				 "  # about cc\n"
				 "  cc 71=1 # pair\n"
				 "  steps .... .... .... ....\n");
	free(out);
	round_trip(&pat, com);

	/* Edited away: a comment whose statement is gone is kept at the end. */
	pat.tracks[1].base_cc[71] = TS_CC_NONE;
	out = ts_patfile_format(&pat, com, NULL);
	assert_non_null(out);
	assert_non_null(strstr(out, "  cc 10=2\n  steps .... .... .... ....\n\n# about cc\n# pair\n"));
	free(out);
	ts_comments_free(com);

	/* Without a comments handle they are simply dropped; NULL frees fine. */
	parse_ok(commented);
	ts_comments_free(NULL);
	/* An empty comments object behaves like none. */
	assert_int_equal(ts_patfile_parse("trigseq 1\n", 10, &pat, &com, &diags), TS_OK);
	out = ts_patfile_format(&pat, com, NULL);
	assert_string_equal(out, "trigseq 1\ntempo 120.0\nlength 16\n");
	free(out);
	ts_comments_free(com);
}

/* ---- files ---- */

static char dir[256];

static int files_setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/test_patfile.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int files_teardown(void **state)
{
	(void)state;
	char cmd[300];
	chmod(dir, 0700);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Entries of a folder, so that a temporary left behind shows. */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void test_save_and_load(void **state)
{
	(void)state;
	char path[300], backup[310];
	snprintf(path, sizeof(path), "%s/song.tsq", dir);
	snprintf(backup, sizeof(backup), "%s~", path);

	/* A new file: created with the umask's permissions, no backup. */
	ts_pattern_init(&ref);
	ref.tempo10 = 1000;
	mode_t mask = umask(022);
	assert_int_equal(ts_patfile_save(path, &ref, NULL), TS_OK);
	umask(mask);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(access(backup, F_OK), -1);
	assert_int_equal(count_entries(dir), 1);
	assert_string_equal(slurp(path), "trigseq 1\ntempo 100.0\nlength 16\n");

	/* Saving again keeps the old version as PATH~ and the old permissions. */
	assert_int_equal(chmod(path, 0640), 0);
	ref.tempo10 = 1100;
	assert_int_equal(ts_patfile_save(path, &ref, NULL), TS_OK);
	assert_string_equal(slurp(path), "trigseq 1\ntempo 110.0\nlength 16\n");
	assert_string_equal(slurp(backup), "trigseq 1\ntempo 100.0\nlength 16\n");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640);
	assert_int_equal(count_entries(dir), 2);
	ref.tempo10 = 1200;
	assert_int_equal(ts_patfile_save(path, &ref, NULL), TS_OK);
	assert_string_equal(slurp(backup), "trigseq 1\ntempo 110.0\nlength 16\n");
	assert_int_equal(count_entries(dir), 2);

	/* Load it back, with comments. */
	ts_comments *com = NULL;
	assert_int_equal(ts_patfile_load(path, &pat, &com, &diags), TS_OK);
	assert_memory_equal(&pat, &ref, sizeof(pat));
	ts_comments_free(com);

	/* A folder that does not exist: an I/O error with errno, nothing created. */
	char nowhere[320];
	snprintf(nowhere, sizeof(nowhere), "%s/missing/x.tsq", dir);
	errno = 0;
	assert_int_equal(ts_patfile_save(nowhere, &ref, NULL), TS_ERR_IO);
	assert_int_equal(errno, ENOENT);
	/* Saving over a directory is refused. */
	errno = 0;
	assert_int_equal(ts_patfile_save(dir, &ref, NULL), TS_ERR_IO);
	assert_int_equal(errno, EISDIR);
	assert_int_equal(count_entries(dir), 2);

	/* Making PATH~ fails (it is a folder with a file in it): the old file stays, no temporary. */
	char inside[330];
	snprintf(inside, sizeof(inside), "%s/keep", backup);
	assert_int_equal(rename(backup, "/tmp/test_patfile.old~") == 0 || errno == ENOENT, 1);
	assert_int_equal(mkdir(backup, 0700), 0);
	FILE *f = fopen(inside, "w");
	assert_non_null(f);
	fclose(f);
	ref.tempo10 = 1250;
	errno = 0;
	assert_int_equal(ts_patfile_save(path, &ref, NULL), TS_ERR_IO);
	assert_int_not_equal(errno, 0);
	assert_string_equal(slurp(path), "trigseq 1\ntempo 120.0\nlength 16\n");
	assert_int_equal(count_entries(dir), 2);
	assert_int_equal(unlink(inside), 0);
	assert_int_equal(rmdir(backup), 0);
	unlink("/tmp/test_patfile.old~");

	/* A read-only folder: the old file stays, no temporary is left. Root ignores modes. */
	if (geteuid() != 0) {
		assert_int_equal(chmod(dir, 0500), 0);
		ref.tempo10 = 1300;
		errno = 0;
		assert_int_equal(ts_patfile_save(path, &ref, NULL), TS_ERR_IO);
		assert_int_equal(errno, EACCES);
		assert_int_equal(chmod(dir, 0700), 0);
		assert_string_equal(slurp(path), "trigseq 1\ntempo 120.0\nlength 16\n");
		assert_int_equal(count_entries(dir), 1);
	}

	/* Through a symbolic link: the target is updated, the link stays a link. */
	char link_path[320];
	snprintf(link_path, sizeof(link_path), "%s/link.tsq", dir);
	assert_int_equal(symlink("song.tsq", link_path), 0);
	ref.tempo10 = 1210;
	assert_int_equal(ts_patfile_save(link_path, &ref, NULL), TS_OK);
	assert_int_equal(lstat(link_path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(slurp(path), "trigseq 1\ntempo 121.0\nlength 16\n");
	assert_string_equal(slurp(backup), "trigseq 1\ntempo 120.0\nlength 16\n");
	assert_int_equal(unlink(link_path), 0);
	assert_int_equal(count_entries(dir), 2);

	/* A relative path in the current folder. */
	char cwd[512];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(ts_patfile_save("rel.tsq", &ref, NULL), TS_OK);
	assert_int_equal(chdir(cwd), 0);
	snprintf(path, sizeof(path), "%s/rel.tsq", dir);
	assert_int_equal(ts_patfile_load(path, &pat, NULL, NULL), TS_OK);
	assert_memory_equal(&pat, &ref, sizeof(pat));
}

static void test_load_errors(void **state)
{
	(void)state;
	char path[300];
	snprintf(path, sizeof(path), "%s/nope.tsq", dir);
	memset(&pat, 0x5A, sizeof(pat));
	memcpy(&ref, &pat, sizeof(pat));
	assert_int_equal(ts_patfile_load(path, &pat, NULL, &diags), TS_ERR_IO);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 0);
	assert_non_null(strstr(diags.items[0].msg, "cannot open"));
	assert_int_equal(ts_patfile_load(dir, &pat, NULL, &diags), TS_ERR_IO);
	assert_non_null(strstr(diags.items[0].msg, "is a directory"));

	/* Too big: refused from its size, without reading it. */
	snprintf(path, sizeof(path), "%s/big.tsq", dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)TS_FILE_MAX + 1), 0);
	close(fd);
	assert_int_equal(ts_patfile_load(path, &pat, NULL, &diags), TS_ERR_PARSE);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 0);
	assert_non_null(strstr(diags.items[0].msg, "1048577 bytes"));
	assert_non_null(strstr(diags.items[0].msg, "1048576"));
	/* Exactly the limit is read (and found to be invalid). */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "trigseq 1\n", 10), 10);
	assert_int_equal(ftruncate(fd, (off_t)TS_FILE_MAX), 0);
	close(fd);
	assert_int_equal(ts_patfile_load(path, &pat, NULL, &diags), TS_ERR_PARSE);
	assert_int_equal(diags.items[0].line, 2);
	assert_non_null(strstr(diags.items[0].msg, "line too long"));
	assert_memory_equal(&pat, &ref, sizeof(pat));
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_only),
		cmocka_unit_test(test_pattern_keys),
		cmocka_unit_test(test_track_keys),
		cmocka_unit_test(test_step_attributes),
		cmocka_unit_test(test_conditions),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_rates_and_speeds),
		cmocka_unit_test(test_error_table),
		cmocka_unit_test(test_multiple_errors),
		cmocka_unit_test(test_untouched_on_error),
		cmocka_unit_test(test_text_rules),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_diag_limit),
		cmocka_unit_test(test_canonical_is_stable),
		cmocka_unit_test(test_canonical_from_sloppy),
		cmocka_unit_test(test_round_trip_edited),
		cmocka_unit_test(test_round_trip_random),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_save_and_load),
		cmocka_unit_test(test_load_errors),
	};
	return cmocka_run_group_tests(tests, files_setup, files_teardown);
}
