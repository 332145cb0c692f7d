/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .tss reader and writer (spec/song-format.md): the play order of §3.1's examples through a
 * loaded song, messages of §4 with their positions, the canonical form of §6 with comments, the
 * song's tempo, and the program the engine gets (rows, repeats, lengths, tempos, mutes).
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/core/patfile.h"
#include "trigseq/core/song.h"
#include "trigseq/core/songfile.h"

static char dir[64];

static void put(const char *name, const char *text)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/trigseq-test-songfile-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	/* three patterns told apart by their tempo */
	put("a.tsq", "trigseq 1\ntempo 100.0\n");
	put("b.tsq", "trigseq 1\ntempo 110.0\n");
	put("c.tsq", "trigseq 1\ntempo 120.0\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static ts_song_loaded loaded;

static void open_song(const char *text)
{
	put("s.tss", text);
	char path[128];
	snprintf(path, sizeof(path), "%s/s.tss", dir);
	ts_diags d;
	ts_status st = ts_songfile_open(path, 0, &loaded, &d, NULL, NULL);
	if (st != TS_OK)
		ts_diags_print(stderr, "s.tss", &d);
	assert_int_equal(st, TS_OK);
}

/* The first `max` row instances as letters: a row's pattern is the file a, b or c (by tempo). */
static const char *order(int max)
{
	static char out[64];
	ts_song_cursor c;
	ts_song_cursor_init(&c);
	int n = 0, row;
	while (n < max && (row = ts_song_next(&loaded.song, &c)) >= 0) {
		int tempo = loaded.pats[loaded.song.rows[row].pattern].tempo10;
		out[n++] = (char)('A' + (tempo - 1000) / 100);
	}
	out[n] = '\0';
	return out;
}

/* song-format §3.1's examples */
static void test_play_order(void **state)
{
	(void)state;
	open_song("trigseq-song 1\nrow \"a.tsq\"\nrow \"b.tsq\"\nloop 1 2\nrow \"c.tsq\"\n");
	assert_string_equal(order(60), "ABABABC");
	ts_song_loaded_free(&loaded);
	open_song("trigseq-song 1\nrow \"a.tsq\"\nrow \"b.tsq\"\nloop 2 1\nloop 1 1\n");
	assert_string_equal(order(60), "ABBABB");
	ts_song_loaded_free(&loaded);
	open_song("trigseq-song 1\nrow \"a.tsq\"\nloop 1 inf\n");
	assert_string_equal(order(9), "AAAAAAAAA");
	assert_true(ts_song_endless(&loaded.song));
	ts_song_loaded_free(&loaded);
	/* `end` stops before what follows the loop's last pass; a song ends after its last row */
	open_song("trigseq-song 1\nrow \"c.tsq\"\nrow \"a.tsq\"\nloop 1 1\nend\n");
	assert_string_equal(order(60), "CACA");
	assert_false(ts_song_endless(&loaded.song));
	ts_song_loaded_free(&loaded);
}

/* The program the engine gets: distinct files in order of first use, the row attributes, the
 * song tempo (given, or row 1's pattern's). */
static void test_program(void **state)
{
	(void)state;
	open_song("trigseq-song 1\nrow \"b.tsq\" mute 12,1,3 repeat 3\nrow \"./a.tsq\" length 6 "
		  "tempo 87.5\nrow \"b.tsq\"\n");
	assert_int_equal(loaded.npats, 2);  /* b.tsq and ./b.tsq are one file */
	assert_int_equal(loaded.song.nrows, 3);
	assert_int_equal(loaded.song.tempo10, 1100);
	const ts_song_row *r = loaded.song.rows;
	assert_int_equal(r[0].pattern, 0);
	assert_int_equal(r[0].repeat, 3);
	assert_int_equal(r[0].mute, 1u << 0 | 1u << 2 | 1u << 11);
	assert_int_equal(r[1].pattern, 1);
	assert_int_equal(r[1].length, 6);
	assert_int_equal(r[1].tempo10, 875);
	assert_int_equal(r[2].pattern, 0);
	ts_song_loaded_free(&loaded);
	open_song("trigseq-song 1\ntempo 140.0\nrow \"a.tsq\"\n");
	assert_int_equal(loaded.song.tempo10, 1400);
	ts_song_loaded_free(&loaded);
}

/* Parse fails; the first problem is exactly line:col message. */
static void bad(const char *text, int line, int col, const char *msg)
{
	ts_songfile *sf = NULL;
	ts_diags d;
	ts_status st = ts_songfile_parse(text, strlen(text), &sf, &d);
	assert_int_equal(st, TS_ERR_PARSE);
	assert_true(d.count >= 1);
	if (d.items[0].line != line || d.items[0].col != col || strcmp(d.items[0].msg, msg) != 0)
		fail_msg("%d:%d %s; expected %d:%d %s", d.items[0].line, d.items[0].col,
			 d.items[0].msg, line, col, msg);
}

static void test_messages(void **state)
{
	(void)state;
	bad("row \"a.tsq\"\n", 1, 1, "missing header: the first statement must be 'trigseq-song 1'");
	bad("trigseq-song 2\n", 1, 14, "format version 2 is newer than this trigseq reads (1)");
	bad("trigseq-song 1\nrepeat 2\nrow \"a.tsq\"\n", 2, 1,
	    "unknown key 'repeat' (expected one of: name, tempo, row, loop, end)");
	bad("trigseq-song 1\nrow \"a.tsq\"\ntempo 99.0\n", 3, 1,
	    "'tempo' must come before the first row");
	bad("trigseq-song 1\nrow \"a.tsq\" repeat 2 repeat 3\n", 2, 22,
	    "'repeat' given twice on the row, first at col 13");
	bad("trigseq-song 1\nrow \"a.tsq\" length 1025\n", 2, 20,
	    "length 1025 out of range (expected 1 ... 1024)");
	bad("trigseq-song 1\nrow \"a.tsq\" mute 0\n", 2, 18,
	    "mute '0' is not a track list (expected track numbers 1 ... 12 joined by ',')");
	bad("trigseq-song 1\nrow \"a.tsq\"\nloop 2 1\n", 3, 6,
	    "loop row 2 does not come before this loop (expected 1 ... 1)");
	bad("trigseq-song 1\nrow \"a.tsq\"\nloop 1 257\n", 3, 8,
	    "loop count 257 out of range (expected 1 ... 256 or inf)");
	bad("trigseq-song 1\nrow \"a.tsq\"\nloop 1 inf\nend\n", 4, 1,
	    "'end' after 'loop 1 inf' (line 3) is never reached");
	bad("trigseq-song 1\nrow \"a.tsq\"\nend\nloop 1 1\n", 3, 1,
	    "'end' must be the last statement (line 4 follows it)");
	/* a song without a row is a problem of the whole file: line 0 */
	bad("trigseq-song 1\nname \"x\"\n", 0, 0, "no row (a song plays at least one row)");
}

/* §6: the canonical form, comments kept with their statements; canonical text is a fixed point */
static void test_format(void **state)
{
	(void)state;
	const char *messy = "  # the set\n trigseq-song   1\ntempo 120\nname \"Set \\\"1\\\"\"\n"
			    "row  \"a.tsq\"  mute 3,1  tempo 99.5 repeat 1 length 8 # first\n"
			    "row \"b.tsq\" repeat 2\n# back\nloop 1 inf\n# after\n";
	ts_songfile *sf = NULL;
	ts_diags d;
	ts_status st = ts_songfile_parse(messy, strlen(messy), &sf, &d);
	assert_int_equal(st, TS_OK);
	size_t len;
	char *out = ts_songfile_format(sf, &len);
	assert_non_null(out);
	assert_string_equal(out, "# the set\ntrigseq-song 1\nname \"Set \\\"1\\\"\"\ntempo 120.0\n\n"
				 "row \"a.tsq\" length 8 tempo 99.5 mute 1,3 # first\n"
				 "row \"b.tsq\" repeat 2\n# back\nloop 1 inf\n\n# after\n");
	ts_songfile *again = NULL;
	assert_int_equal(ts_songfile_parse(out, len, &again, &d), TS_OK);
	size_t len2;
	char *out2 = ts_songfile_format(again, &len2);
	assert_string_equal(out2, out);
	free(out);
	free(out2);
	ts_songfile_free(sf);
	ts_songfile_free(again);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_play_order),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
