/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Euclidean mode (spec/euclid.md): the expected-grid table of §3.3.1 line by line, the reader's
 * messages of §3.3, the canonical writer, what each hit plays (§3.3.2) and freezing. 48000 Hz,
 * 120.0 BPM: a 1x step is 6000 frames.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/core/edit.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"

static ts_pattern pat;
static ts_diags diags;

static void load(int length, const char *track_text)
{
	char text[1024];
	snprintf(text, sizeof(text), "trigseq 1\nlength %d\ntrack 1\n%s\n", length, track_text);
	ts_status st = ts_patfile_parse(text, strlen(text), &pat, NULL, &diags);
	if (st != TS_OK)
		ts_diags_print(stderr, "test", &diags);
	assert_int_equal(st, TS_OK);
}

/* The grid as the table writes it: x = hit, groups of four separated by a space. */
static const char *grid_of(const ts_track *trk, char *buf)
{
	uint8_t hit[TS_MAX_STEPS];
	ts_euclid_hits(trk, hit);
	size_t o = 0;
	for (int s = 0; s < trk->length; s++) {
		if (s && s % 4 == 0 && trk->length % 4 == 0)
			buf[o++] = ' ';
		buf[o++] = hit[s] ? 'x' : '.';
	}
	buf[o] = '\0';
	return buf;
}

static void row(int length, const char *euclid, const char *grid)
{
	char line[128], buf[100];
	snprintf(line, sizeof(line), "  euclid %s", euclid);
	load(length, line);
	const char *got = grid_of(&pat.tracks[0], buf);
	if (strcmp(got, grid) != 0)
		fail_msg("L %d, euclid %s: grid %s, expected %s", length, euclid, got, grid);
}

/* Every row of the table of euclid.md §3.3.1. */
static void test_table(void **state)
{
	(void)state;
	row(8, "pl1 3", "x..x ..x.");
	row(8, "pl1 5", "x.xx .xx.");
	row(8, "pl1 3 ro1 1", ".x.. x..x");
	row(8, "pl1 3 ro1 9", ".x.. x..x");
	row(8, "pl1 3 ro1 -1", "..x. .x.x");
	row(8, "pl1 3 tro 2", "x.x. .x..");
	row(12, "pl1 5", "x..x .x.. x.x.");
	row(16, "pl1 4", "x... x... x... x...");
	row(16, "pl1 5", "x..x ..x. .x.. x...");
	row(16, "pl1 7", "x..x .x.x ..x. x.x.");
	row(16, "pl1 9", "x.xx .x.x .xx. x.x.");
	row(16, "pl1 5 ro1 2", "..x. .x.. x..x ..x.");
	row(16, "pl1 7 tro -1", "..x. x.x. .x.x .x.x");
	row(16, "pl1 0", ".... .... .... ....");
	row(16, "pl1 20", "xxxx xxxx xxxx xxxx");
	row(16, "pl1 4 pl2 3 ro2 2", "x.x. x..x x... x...");
	row(16, "pl1 4 pl2 3 ro2 2 op xor", "x.x. x..x x... ....");
	row(16, "pl1 4 pl2 3 ro2 2 op and", ".... .... .... x...");
	row(16, "pl1 4 pl2 3 ro2 2 op sub", "x... x... x... ....");
	row(16, "pl1 4 pl2 3 ro2 2 tro 1", ".x.x .x.. xx.. .x..");
	row(16, "pl1 5 pl2 3 ro1 1 ro2 -2 tro 3 op xor", "xx.. x.xx ..xx .x..");
	row(5, "pl1 2 ro1 -63", "..x.x");
}

/* Toussaint's necklaces straight from E(k, n), and hit numbering after tro. */
static void test_bjorklund_and_numbers(void **state)
{
	(void)state;
	uint8_t g[TS_MAX_STEPS];
	ts_euclid_bjorklund(5, 8, g);
	assert_memory_equal(g, ((uint8_t[]){1, 0, 1, 1, 0, 1, 1, 0}), 8);
	ts_euclid_bjorklund(99, 3, g); /* clamped to n */
	assert_memory_equal(g, ((uint8_t[]){1, 1, 1}), 3);
	ts_euclid_bjorklund(13, 64, g);
	int n = 0;
	for (int i = 0; i < 64; i++)
		n += g[i];
	assert_int_equal(n, 13);

	load(8, "  euclid pl1 3 tro 2");
	uint8_t hit[TS_MAX_STEPS];
	assert_int_equal(ts_euclid_hits(&pat.tracks[0], hit), 3);
	assert_memory_equal(hit, ((uint8_t[]){1, 0, 2, 0, 0, 3, 0, 0}), 8);
	assert_int_equal(ts_track_trig_of(&pat.tracks[0], 5), 2);
	assert_int_equal(ts_track_trig_of(&pat.tracks[0], 1), -1);
	/* without euclid every step plays its own trig */
	load(8, "  steps x... ....");
	assert_int_equal(ts_track_trig_of(&pat.tracks[0], 5), 5);
}

/* The parse fails with exactly `msg` at line:col. */
static void bad(const char *track_text, int line, int col, const char *msg)
{
	char text[512];
	snprintf(text, sizeof(text), "trigseq 1\ntrack 1\n%s\n", track_text);
	ts_status st = ts_patfile_parse(text, strlen(text), &pat, NULL, &diags);
	assert_int_not_equal(st, TS_OK);
	assert_true(diags.count >= 1);
	if (diags.items[0].line != line || diags.items[0].col != col ||
	    strcmp(diags.items[0].msg, msg) != 0)
		fail_msg("for '%s': %d:%d %s; expected %d:%d %s", track_text, diags.items[0].line,
			 diags.items[0].col, diags.items[0].msg, line, col, msg);
}

static void test_messages(void **state)
{
	(void)state;
	bad("  euclid pl1 3\n  euclid pl1 4", 4, 3, "'euclid' given twice, first at line 3");
	bad("  euclid pl2 3", 3, 3, "'euclid' needs pl1 (expected euclid pl1 N ...)");
	bad("  euclid", 3, 3, "'euclid' needs pl1 (expected euclid pl1 N ...)");
	bad("  euclid pl1 3 x 1", 3, 16,
	    "unknown euclid attribute 'x' (expected pl1, pl2, ro1, ro2, tro, op)");
	bad("  euclid pl1 3 pl2 1 pl2 2", 3, 22, "'pl2' given twice on euclid, first at col 16");
	bad("  euclid pl1 3 ro1", 3, 16, "'ro1' needs a value (expected -63 ... 63)");
	bad("  euclid pl1 65", 3, 14, "pl1 65 out of range (expected 0 ... 64)");
	bad("  euclid pl1 3 ro2 64", 3, 20, "ro2 64 out of range (expected -63 ... 63)");
	bad("  euclid pl1 3 tro -64", 3, 20, "tro -64 out of range (expected -63 ... 63)");
	bad("  euclid pl1 3 op nor", 3, 19, "op 'nor' is not an operator (expected or, xor, and, sub)");
	bad("  euclid pl1 three", 3, 14, "pl1 'three' is not a number (expected 0 ... 64)");
	bad("  euclid pl1 \"3\"", 3, 14, "'pl1' needs a value (expected 0 ... 64)");
	/* step K on a '.' stays an error under euclid (pattern-format §3.2) */
	char text[] = "trigseq 1\nlength 8\ntrack 1\n  euclid pl1 3\n  steps x...\n  step 2 vel 3\n";
	assert_int_not_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_OK);
}

/* fmt: after dest, before steps; pl1 always, the rest where not default, in table order. */
static void test_writer(void **state)
{
	(void)state;
	load(16, "  steps x... .... .... ....\n  euclid op sub tro -2 pl2 0 ro1 5 pl1 4 # kept\n  dest int");
	size_t len;
	char *s = ts_patfile_format(&pat, NULL, &len);
	assert_non_null(s);
	assert_non_null(strstr(s, "  dest int\n  euclid pl1 4 ro1 5 tro -2 op sub\n  steps x..."));
	free(s);
	ts_comments *com = NULL;
	const char *text = "trigseq 1\ntrack 1\n  euclid pl1 0 # kept\n";
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, &com, &diags), TS_OK);
	s = ts_patfile_format(&pat, com, &len);
	assert_non_null(strstr(s, "  euclid pl1 0 # kept\n"));
	/* the formatted text reads back to the same pattern */
	ts_pattern again;
	assert_int_equal(ts_patfile_parse(s, len, &again, NULL, &diags), TS_OK);
	assert_memory_equal(&again.tracks[0].euclid, &pat.tracks[0].euclid, sizeof(ts_euclid));
	free(s);
	ts_comments_free(com);
}

/* ---- the engine ---- */

static char out[1 << 15];
static size_t at;

static void collect(void *ctx, const ts_event *ev)
{
	(void)ctx;
	if (ev->port == TS_PORT_VOICE || at > sizeof(out) - 64)
		return;
	at += (size_t)snprintf(out + at, sizeof(out) - at, "%llu", (unsigned long long)ev->frame);
	for (int k = 0; k < ev->size; k++)
		at += (size_t)snprintf(out + at, sizeof(out) - at, " %02X", ev->bytes[k]);
	out[at++] = '\n';
	out[at] = '\0';
}

static const char *play(const ts_pattern *p, uint32_t frames)
{
	ts_engine_config cfg = {.rate = 48000, .seed = 1};
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, p), TS_OK);
	ts_engine_start(eng);
	at = 0;
	out[0] = '\0';
	ts_engine_run(eng, frames, collect, NULL);
	ts_engine_free(eng);
	return out;
}

/* euclid.md §3.3.2's example, with swing 60: step 1 plays x, step 4 the X with E4 (swung: 6000 ·
 * 2 · 0.1 = 1200 frames late, accent 100 + 32 → 127), step 7 the '-': nothing; no hit 4. */
static void test_what_plays(void **state)
{
	(void)state;
	const char *text = "trigseq 1\nswing 60\nlength 8\ntrack 1\n  euclid pl1 3\n"
			   "  steps xX-o ....\n  step 2 note E4\n";
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_OK);
	assert_string_equal(play(&pat, 48000), "0 90 3C 64\n"
					       "6000 80 3C 40\n"
					       "19200 90 40 7F\n"
					       "25200 80 40 40\n");
	/* a '.' at grid step k plays as x; grid steps past the last hit play nothing */
	text = "trigseq 1\nlength 8\ntrack 1\n  euclid pl1 2 ro1 1\n  steps ...x x...\n";
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_OK);
	assert_string_equal(play(&pat, 48000), "6000 90 3C 64\n"
					       "12000 80 3C 40\n"
					       "30000 90 3C 64\n"
					       "36000 80 3C 40\n");
}

/* Freezing keeps what plays: the same events before and after, the grid of §3.3.2. */
static void test_freeze(void **state)
{
	(void)state;
	const char *text = "trigseq 1\nswing 58\nlength 16\ntrack 1\n"
			   "  euclid pl1 5 pl2 3 ro1 1 ro2 -2 tro 3 op xor\n"
			   "  steps xX-o x.x. .... ....\n  step 2 note E4 cond 1:2\n"
			   "  step 5 vel 20 micro -7 retrig\n  step 7 noswing\n";
	assert_int_equal(ts_patfile_parse(text, strlen(text), &pat, NULL, &diags), TS_OK);
	char before[sizeof(out)];
	strcpy(before, play(&pat, 48000 * 6));
	assert_true(strlen(before) > 100);
	ts_euclid_freeze(&pat.tracks[0]);
	assert_false(pat.tracks[0].euclid.on);
	/* hits at 1,2,5,7,8,11,12,14 play grid steps 1 … 8: x X - o x . x . ('.' → x) */
	size_t len;
	char *s = ts_patfile_format(&pat, NULL, &len);
	assert_non_null(strstr(s, "  steps xX.. -.ox ..xx .x..\n"));
	assert_non_null(strstr(s, "  step 2 note E4 cond 1:2\n"));
	assert_non_null(strstr(s, "  step 8 vel 20 micro -7 retrig\n"));
	assert_non_null(strstr(s, "  step 12 noswing\n"));
	free(s);
	assert_string_equal(play(&pat, 48000 * 6), before);
}

/* The editor's model: a hit's cell edits the grid step it plays, a step that is not a hit holds
 * no trig, the euclid fields, freeze as one undo step. */
static void test_editor(void **state)
{
	(void)state;
	char path[] = "/tmp/trigseq-test-euclid-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "trigseq 1\nlength 8\ntrack 1\n  euclid pl1 3\n  steps xX-o ....\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ts_edit *ed = ts_edit_new(NULL);
	ts_diags d;
	assert_int_equal(ts_edit_open(ed, path, &d), TS_OK);
	unlink(path);
	const ts_track *tk = &ts_edit_pattern(ed)->tracks[0];
	ts_edit_move_to(ed, 0, 1);  /* step 2: not a hit */
	assert_false(ts_edit_toggle(ed));
	assert_non_null(strstr(ts_edit_message(ed), "not a hit"));
	ts_edit_move_to(ed, 0, 3);  /* step 4 is hit 2: grid step 2 */
	assert_true(ts_edit_set_note(ed, 64));
	assert_int_equal(tk->steps[1].nnotes, 1);
	assert_int_equal(tk->steps[1].notes[0], 64);
	assert_int_equal(tk->steps[3].nnotes, 0);
	assert_true(ts_edit_toggle(ed));    /* space mutes the hit, its note kept */
	assert_int_equal(tk->steps[1].kind, TS_TRIG_MUTED);
	assert_int_equal(tk->steps[1].notes[0], 64);
	assert_true(ts_edit_undo(ed));
	/* pl1: +1 gives 4 hits; typed "off" turns euclid off; the others refuse while off */
	ts_edit_cursor c = ts_edit_get_cursor(ed);
	ts_edit_select_field(ed, TS_F_T_PL1 - c.field);
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(tk->euclid.pl1, 4);
	assert_true(ts_edit_freeze(ed));
	assert_false(tk->euclid.on);
	/* E(4,8) hits 1 3 5 7 play x X - o */
	assert_int_equal(tk->steps[0].kind, TS_TRIG_NOTE);
	assert_int_equal(tk->steps[2].kind, TS_TRIG_ACCENT);
	assert_int_equal(tk->steps[2].notes[0], 64);
	assert_int_equal(tk->steps[4].kind, TS_TRIG_MUTED);
	assert_int_equal(tk->steps[6].kind, TS_TRIG_LOCK);
	assert_int_equal(tk->steps[1].kind, TS_TRIG_NONE);
	assert_true(ts_edit_undo(ed));
	assert_true(tk->euclid.on);
	assert_int_equal(tk->steps[1].kind, TS_TRIG_ACCENT);
	assert_true(ts_edit_set_text(ed, "off"));
	assert_false(tk->euclid.on);
	assert_false(ts_edit_freeze(ed));
	ts_edit_select_field(ed, 1); /* pl2 */
	assert_false(ts_edit_adjust(ed, 1));
	assert_non_null(strstr(ts_edit_message(ed), "euclid is off"));
	ts_edit_free(ed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),    cmocka_unit_test(test_bjorklund_and_numbers),
		cmocka_unit_test(test_messages), cmocka_unit_test(test_writer),
		cmocka_unit_test(test_what_plays), cmocka_unit_test(test_freeze),
		cmocka_unit_test(test_editor),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
