/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The editor's document: every field's scale and its ends, toggles that leave no trace, the
 * clipboard, undo/redo with the cursor and the saved point, saving and the recovery file. Every
 * edit is followed by a check that the pattern is still one the file format and the engine
 * accept. */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trigseq/core/edit.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/patfile.h"

/* Patterns are ~47 KB: keep them off the stack. */
static ts_pattern pat, ref;
static ts_diags diags;
static char dir[256];     /* the test folder (short: names are appended) */

/* ---- helpers ---- */

static char *path_in(const char *name)
{
	static char buf[4][PATH_MAX];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* malloc'd contents of a file, or NULL when it does not exist. */
static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *s = calloc(1, TS_FILE_MAX + 1);
	assert_non_null(s);
	size_t n = fread(s, 1, TS_FILE_MAX, f);
	s[n] = '\0';
	fclose(f);
	return s;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Names in the test folder, sorted and joined by spaces (hidden files too). */
static const char *listing(void)
{
	static char out[4096];
	char names[64][256];
	int n = 0;
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)) && n < 64)
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof(names[0]), name_cmp);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, names[i]);
	}
	return out;
}

static void empty_dir(void)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(path_in(e->d_name));
	closedir(d);
}

static char *format(const ts_pattern *p)
{
	char *s = ts_patfile_format(p, NULL, NULL);
	assert_non_null(s);
	return s;
}

/* The document's pattern is one the file format and the engine accept: it formats, parses back
 * to the same text, steps beyond a track's length are empty steps, and the engine loads it. */
static void assert_valid(const ts_edit *ed)
{
	const ts_pattern *p = ts_edit_pattern(ed);
	char *text = format(p);
	if (ts_patfile_parse(text, strlen(text), &ref, NULL, &diags) != TS_OK) {
		ts_diags_print(stderr, "edited", &diags);
		fail_msg("the edited pattern does not parse back:\n%s", text);
	}
	char *again = format(&ref);
	assert_string_equal(text, again);
	free(text);
	free(again);
	ts_trig empty;
	ts_trig_init(&empty);
	for (int t = 0; t < TS_TRACKS; t++) {
		const ts_track *trk = &p->tracks[t];
		if (p->mode == TS_MODE_NORMAL) {
			assert_int_equal(trk->length, p->length);
			assert_int_equal(trk->speed, p->speed);
		}
		for (int k = trk->length; k < TS_MAX_STEPS; k++)
			assert_memory_equal(&trk->steps[k], &empty, sizeof(empty));
	}
	ts_engine_config cfg = {.rate = 48000};
	ts_engine *eng = ts_engine_new(&cfg);
	assert_non_null(eng);
	assert_int_equal(ts_engine_load(eng, p), TS_OK);
	ts_engine_free(eng);
}

/* A document holding `text` (saved as NAME in the test folder and opened). */
static ts_edit *doc(const char *name, const char *text)
{
	const char *path = path_in(name);
	write_file(path, text);
	ts_edit *ed = ts_edit_new(NULL);
	assert_non_null(ed);
	if (ts_edit_open(ed, path, &diags) != TS_OK) {
		ts_diags_print(stderr, path, &diags);
		fail_msg("cannot open %s", path);
	}
	assert_false(ts_edit_dirty(ed));
	return ed;
}

static const ts_trig *trig_at(const ts_edit *ed, int track, int step)
{
	return &ts_edit_pattern(ed)->tracks[track].steps[step];
}

static const ts_track *track_at(const ts_edit *ed, int track)
{
	return &ts_edit_pattern(ed)->tracks[track];
}

static const char *text_of(const ts_edit *ed, int field)
{
	static char buf[128];
	return ts_edit_field_text(ed, field, buf, sizeof(buf));
}

static void select_field(ts_edit *ed, int field)
{
	ts_edit_select_field(ed, field - ts_edit_get_cursor(ed).field);
	assert_int_equal(ts_edit_get_cursor(ed).field, field);
}

/* An edit refused with `why`: false, and the pattern, version and dirtiness unchanged. */
static void expect_refused(ts_edit *ed, bool result, const char *why, uint64_t version,
			   const ts_pattern *before)
{
	assert_false(result);
	assert_string_equal(ts_edit_message(ed), why);
	assert_int_equal(ts_edit_version(ed), version);
	assert_memory_equal(ts_edit_pattern(ed), before, sizeof(*before));
}

/* Adjust the selected field at the cursor until it refuses; returns the number of steps taken
 * and checks the pattern after each one. */
static int adjust_to_end(ts_edit *ed, int delta)
{
	int n = 0;
	while (ts_edit_adjust(ed, delta)) {
		assert_valid(ed);
		n++;
		assert_true(n < 5000);
	}
	assert_string_equal(ts_edit_message(ed), "at the limit");
	return n;
}

static const char *const one_trig =
	"trigseq 1\n"
	"\n"
	"track 1\n"
	"  channel 1\n"
	"  note C4\n"
	"  steps x... .... .... ....\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_edit.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	empty_dir();
	return rmdir(dir);
}

/* ---- the document ---- */

static void test_new(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	assert_non_null(ed);
	ts_pattern_init(&ref);
	assert_memory_equal(ts_edit_pattern(ed), &ref, sizeof(ref));
	assert_null(ts_edit_path(ed));
	assert_false(ts_edit_dirty(ed));
	assert_string_equal(ts_edit_message(ed), "");
	ts_edit_cursor c = ts_edit_get_cursor(ed);
	assert_int_equal(c.track, 0);
	assert_int_equal(c.step, 0);
	assert_int_equal(c.field, TS_F_NOTE);
	ts_edit_free(ed);
	ts_edit_free(NULL);

	ed = ts_edit_new("some/where.tsq");
	assert_string_equal(ts_edit_path(ed), "some/where.tsq");
	ts_edit_free(ed);

	assert_string_equal(ts_edit_field_name(TS_F_NOTE), "note");
	assert_string_equal(ts_edit_field_name(TS_F_RETRIG_LEN), "rtrg len");
	assert_string_equal(ts_edit_field_name(TS_F_ACCENT), "accent");
	assert_int_equal(ts_edit_field_scope(TS_F_RETRIG_VEL), TS_SCOPE_TRIG);
	assert_int_equal(ts_edit_field_scope(TS_F_T_CHANNEL), TS_SCOPE_TRACK);
	assert_int_equal(ts_edit_field_scope(TS_F_T_PROGRAM), TS_SCOPE_TRACK);
	assert_int_equal(ts_edit_field_scope(TS_F_TEMPO), TS_SCOPE_PATTERN);
}

static void test_open_errors(void **state)
{
	(void)state;
	ts_edit *ed = doc("a.tsq", one_trig);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	uint64_t v = ts_edit_version(ed);

	errno = 0;
	assert_int_equal(ts_edit_open(ed, path_in("missing.tsq"), &diags), TS_ERR_IO);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(ts_edit_path(ed), path_in("a.tsq"));
	assert_int_equal(ts_edit_version(ed), v);
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));

	write_file(path_in("bad.tsq"), "trigseq 1\ntempo 500\n");
	assert_int_equal(ts_edit_open(ed, path_in("bad.tsq"), &diags), TS_ERR_PARSE);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].line, 2);
	assert_string_equal(ts_edit_path(ed), path_in("a.tsq"));
	assert_int_equal(ts_edit_version(ed), v);
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	assert_false(ts_edit_dirty(ed));

	/* A successful open replaces everything: history, cursor, dirtiness. */
	ts_edit_move_to(ed, 3, 5);
	assert_true(ts_edit_toggle(ed));
	write_file(path_in("b.tsq"), "trigseq 1\ntempo 99.5\n");
	assert_int_equal(ts_edit_open(ed, path_in("b.tsq"), &diags), TS_OK);
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 995);
	assert_false(ts_edit_dirty(ed));
	assert_true(ts_edit_version(ed) > v + 1);
	assert_int_equal(ts_edit_get_cursor(ed).track, 0);
	assert_int_equal(ts_edit_get_cursor(ed).step, 0);
	assert_false(ts_edit_undo(ed));
	assert_string_equal(ts_edit_message(ed), "nothing to undo");
	ts_edit_free(ed);
	empty_dir();
}

/* ---- cursor ---- */

static void test_cursor(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	uint64_t v = ts_edit_version(ed);
	ts_edit_move(ed, -1, -1);
	assert_int_equal(ts_edit_get_cursor(ed).track, 0);
	assert_int_equal(ts_edit_get_cursor(ed).step, 0);
	/* relative moves stop at the longest track's last step: 16 steps here, one page */
	ts_edit_move(ed, 5, 16);
	assert_int_equal(ts_edit_get_cursor(ed).track, 5);
	assert_int_equal(ts_edit_get_cursor(ed).step, 15);
	assert_int_equal(ts_edit_page(ed), 0);
	ts_edit_move(ed, 100, 100);
	assert_int_equal(ts_edit_get_cursor(ed).track, 11);
	assert_int_equal(ts_edit_get_cursor(ed).step, 15);
	ts_edit_move(ed, INT_MIN, INT_MAX);
	assert_int_equal(ts_edit_get_cursor(ed).track, 0);
	assert_int_equal(ts_edit_get_cursor(ed).step, 15);
	ts_edit_move_to(ed, -4, 99);
	assert_int_equal(ts_edit_get_cursor(ed).track, 0);
	assert_int_equal(ts_edit_get_cursor(ed).step, 63);
	assert_int_equal(ts_edit_page(ed), 3);
	ts_edit_move(ed, 0, 1); /* beyond the pattern (move_to put it there): stays */
	assert_int_equal(ts_edit_get_cursor(ed).step, 63);
	ts_edit_move(ed, 0, -1);
	assert_int_equal(ts_edit_get_cursor(ed).step, 62);
	ts_edit_move_to(ed, 7, 31);
	assert_int_equal(ts_edit_get_cursor(ed).track, 7);
	assert_int_equal(ts_edit_get_cursor(ed).step, 31);
	assert_int_equal(ts_edit_page(ed), 1);

	ts_edit_select_field(ed, -1);
	assert_int_equal(ts_edit_get_cursor(ed).field, TS_F_COUNT - 1);
	ts_edit_select_field(ed, 1);
	assert_int_equal(ts_edit_get_cursor(ed).field, 0);
	ts_edit_select_field(ed, TS_F_COUNT * 3 + 2);
	assert_int_equal(ts_edit_get_cursor(ed).field, 2);
	ts_edit_select_field(ed, -(TS_F_COUNT * 2 + 3));
	assert_int_equal(ts_edit_get_cursor(ed).field, TS_F_COUNT - 1);

	assert_int_equal(ts_edit_version(ed), v);
	assert_false(ts_edit_dirty(ed));
	assert_false(ts_edit_undo(ed));
	ts_edit_free(ed);
}

/* ---- trig edits ---- */

static const char *const rich =
	"# a comment\n"
	"trigseq 1\n"
	"tempo 98.5\n"
	"\n"
	"track 1 \"kick\"\n"
	"  channel 10\n"
	"  note C1+E1\n"
	"  velocity 90\n"
	"  steps x.X. o.-. x... ....\n"
	"  step 1 vel 127 gate 0.5 cond 1:2 retrig=1/32 cc 7=64 slide\n"
	"  step 3 note D#2 micro -3 noswing\n"
	"\n"
	"track 4\n"
	"  channel 4\n"
	"  note 60\n"
	"  steps .... x... .... ....\n";

static void test_toggle_round_trip(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	char *orig = format(&pat);
	ts_trig empty, plain;
	ts_trig_init(&empty);
	ts_trig_init(&plain);
	plain.kind = TS_TRIG_NOTE;

	/* On and off on empty steps of a declared and of an undeclared track. */
	int cells[][2] = {{0, 1}, {0, 15}, {3, 0}, {6, 9}};
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		ts_edit_move_to(ed, cells[i][0], cells[i][1]);
		assert_true(ts_edit_toggle(ed));
		assert_memory_equal(trig_at(ed, cells[i][0], cells[i][1]), &plain, sizeof(plain));
		assert_true(ts_edit_dirty(ed));
		assert_valid(ed);
		assert_true(ts_edit_toggle(ed));
		assert_memory_equal(trig_at(ed, cells[i][0], cells[i][1]), &empty, sizeof(empty));
		char *now = format(ts_edit_pattern(ed));
		assert_string_equal(now, orig);
		free(now);
		assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	}

	/* Off on a trig with attributes: nothing of it is left; undo brings it all back. */
	ts_edit_move_to(ed, 0, 0);
	assert_true(ts_edit_toggle(ed));
	assert_memory_equal(trig_at(ed, 0, 0), &empty, sizeof(empty));
	assert_valid(ed);
	char *now = format(ts_edit_pattern(ed));
	assert_null(strstr(now, "step 1 "));
	assert_non_null(strstr(now, "steps ..X. o.-. x... ....\n"));
	free(now);
	assert_true(ts_edit_toggle(ed));    /* on again: a plain trig, not the old one */
	assert_memory_equal(trig_at(ed, 0, 0), &plain, sizeof(plain));
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(trig_at(ed, 0, 0), &pat.tracks[0].steps[0], sizeof(ts_trig));

	/* Beyond the track's length (16). */
	ts_edit_move_to(ed, 0, 16);
	memcpy(&ref, ts_edit_pattern(ed), sizeof(ref));
	uint64_t v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_toggle(ed), "step beyond the track's length", v, &ref);
	expect_refused(ed, ts_edit_set_note(ed, 60), "step beyond the track's length", v, &ref);
	expect_refused(ed, ts_edit_set_kind(ed, TS_TRIG_LOCK), "step beyond the track's length",
		       v, &ref);
	free(orig);
	ts_edit_free(ed);
	empty_dir();
}

static void test_set_note_and_kind(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	ts_pattern *before = &pat;
	uint64_t v;

	/* An empty step gets a note trig with that one note. */
	ts_edit_move_to(ed, 0, 1);
	assert_true(ts_edit_set_note(ed, 62));
	assert_int_equal(trig_at(ed, 0, 1)->kind, TS_TRIG_NOTE);
	assert_int_equal(trig_at(ed, 0, 1)->nnotes, 1);
	assert_int_equal(trig_at(ed, 0, 1)->notes[0], 62);
	assert_int_equal(trig_at(ed, 0, 1)->vel, TS_UNSET);
	assert_valid(ed);
	select_field(ed, TS_F_NOTE);
	assert_string_equal(text_of(ed, TS_F_NOTE), "D4 (62)");

	/* A chord trig keeps its kind and other attributes and becomes one note. */
	ts_edit_move_to(ed, 0, 2);
	assert_true(ts_edit_set_note(ed, 0));
	assert_int_equal(trig_at(ed, 0, 2)->kind, TS_TRIG_ACCENT);
	assert_int_equal(trig_at(ed, 0, 2)->nnotes, 1);
	assert_int_equal(trig_at(ed, 0, 2)->notes[0], 0);
	assert_int_equal(trig_at(ed, 0, 2)->micro, -3);
	assert_valid(ed);

	/* Out of range and the same note again are refused. */
	memcpy(before, ts_edit_pattern(ed), sizeof(*before));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_set_note(ed, 128), "note out of range (0 ... 127)", v, before);
	expect_refused(ed, ts_edit_set_note(ed, -1), "note out of range (0 ... 127)", v, before);
	expect_refused(ed, ts_edit_set_note(ed, 0), "no change", v, before);

	/* A recorded note sets the note and the micro timing in one undoable edit. */
	ts_edit_move_to(ed, 0, 5);
	v = ts_edit_version(ed);
	assert_true(ts_edit_record_note(ed, 64, -7));
	assert_int_equal(trig_at(ed, 0, 5)->kind, TS_TRIG_NOTE);
	assert_int_equal(trig_at(ed, 0, 5)->notes[0], 64);
	assert_int_equal(trig_at(ed, 0, 5)->micro, -7);
	assert_valid(ed);
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), before, sizeof(*before));
	assert_int_not_equal(ts_edit_version(ed), v); /* undo is a change of version too */
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_record_note(ed, 64, 24),
		       "micro timing is -23 ... 23 (24ths of a step)", v, before);
	expect_refused(ed, ts_edit_record_note(ed, 128, 0), "note out of range (0 ... 127)", v,
		       before);

	/* Kinds: an empty step gets a plain trig of the kind; a trig keeps its attributes. */
	ts_edit_move_to(ed, 0, 3);
	assert_true(ts_edit_set_kind(ed, TS_TRIG_LOCK));
	ts_trig t;
	ts_trig_init(&t);
	t.kind = TS_TRIG_LOCK;
	assert_memory_equal(trig_at(ed, 0, 3), &t, sizeof(t));
	ts_edit_move_to(ed, 0, 0);
	assert_true(ts_edit_set_kind(ed, TS_TRIG_MUTED));
	assert_int_equal(trig_at(ed, 0, 0)->kind, TS_TRIG_MUTED);
	assert_int_equal(trig_at(ed, 0, 0)->vel, 127);
	assert_int_equal(trig_at(ed, 0, 0)->nlocks, 1);
	assert_true(ts_edit_set_kind(ed, TS_TRIG_ACCENT));
	assert_valid(ed);
	memcpy(before, ts_edit_pattern(ed), sizeof(*before));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_set_kind(ed, TS_TRIG_ACCENT), "no change", v, before);
	expect_refused(ed, ts_edit_set_kind(ed, 5), "no such trig kind", v, before);
	expect_refused(ed, ts_edit_set_kind(ed, -1), "no such trig kind", v, before);
	assert_true(ts_edit_set_kind(ed, TS_TRIG_NONE));
	ts_trig_init(&t);
	assert_memory_equal(trig_at(ed, 0, 0), &t, sizeof(t));
	memcpy(before, ts_edit_pattern(ed), sizeof(*before));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_set_kind(ed, TS_TRIG_NONE), "no change", v, before);

	/* Slide needs a trig; mute and send-midi take a track 0 … 11. */
	expect_refused(ed, ts_edit_toggle_slide(ed), "no trig at this step", v, before);
	ts_edit_move_to(ed, 0, 2);
	assert_true(ts_edit_toggle_slide(ed));
	assert_true(trig_at(ed, 0, 2)->slide);
	assert_true(ts_edit_toggle_slide(ed));
	assert_false(trig_at(ed, 0, 2)->slide);
	assert_true(ts_edit_toggle_mute(ed, 11));
	assert_true(track_at(ed, 11)->mute);
	assert_true(ts_edit_toggle_send(ed, 0));
	assert_false(track_at(ed, 0)->send_midi);
	assert_valid(ed);
	char *text = format(ts_edit_pattern(ed));
	assert_non_null(strstr(text, "track 12\n  channel 12\n  note C4\n  mute on\n"));
	assert_non_null(strstr(text, "  send-midi off\n"));
	free(text);
	memcpy(before, ts_edit_pattern(ed), sizeof(*before));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_toggle_mute(ed, 12), "no such track", v, before);
	expect_refused(ed, ts_edit_toggle_send(ed, -1), "no such track", v, before);
	ts_edit_free(ed);
	empty_dir();
}

/* ---- fields ---- */

/* Typed values (e): every kind of field, as the file writes it; bad text refused with the reason
 * and nothing changed; a save writes what was typed. */
static void test_set_text(void **state)
{
	(void)state;
	ts_edit *ed = doc("typed.tsq", one_trig);
	ts_edit_move_to(ed, 0, 0);
	static const struct {
		int field;
		const char *text, *shown;
	} ok[] = {
		{TS_F_NOTE, "C4+E4+G4", "C4 (60)+E4 (64)+G4 (67)"},
		{TS_F_VEL, "90", "90"},
		{TS_F_GATE, "0.125", "0.125"},
		{TS_F_MICRO, "-7", "-7"},
		{TS_F_COND, "3:4", "3:4"},
		{TS_F_COND, "fill", "fill"},
		{TS_F_RETRIG, "1/32", "1/32"},
		{TS_F_RETRIG_LEN, "inf", "inf"},
		{TS_F_RETRIG_VEL, "-20", "-20"},
		{TS_F_SLIDE, "on", "on"},
		{TS_F_TRIG_SWING, "off", "off"},
		{TS_F_LOCKS, "74=100, 71=20", "74=100 71=20"},
		{TS_F_T_CHANNEL, "off", "off"},
		{TS_F_T_CHANNEL, "10", "10"},
		{TS_F_T_PORT, "virus", "virus"},
		{TS_F_T_NOTE, "D#2", "D#2 (39)"},
		{TS_F_T_PROB, "50%", "50%"},
		{TS_F_T_PROGRAM, "12", "12"},
		{TS_F_T_PROGRAM, "none", "none"},
		{TS_F_T_SEND, "off", "off"},
		{TS_F_T_MUTE, "on", "on"},
		{TS_F_T_RRATE, "1/12", "1/12"},
		{TS_F_T_RLEN, "2", "2"},
		{TS_F_T_RVEL, "5", "5"},
		{TS_F_T_DEST, "int+ext", "int+ext"},
		{TS_F_T_CC, "40=64 7=100", "7=100 40=64"},
		{TS_F_T_SAMPLE, "kick.wav", "kick.wav"},
		{TS_F_TEMPO, "123.7", "123.7"},
		{TS_F_SWING, "60", "60%"},
		{TS_F_LENGTH, "32", "32"},
		{TS_F_SPEED, "3/4x", "3/4x"},
		{TS_F_ACCENT, "30", "30"},
		{TS_F_CHANGE, "8", "8"},
		{TS_F_CHANGE, "off", "off"},
		{TS_F_MODE, "advanced", "advanced"},
		{TS_F_T_LENGTH, "12", "12"},
		{TS_F_T_SPEED, "2x", "2x"},
		{TS_F_LENGTH, "inf", "inf"},
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		select_field(ed, ok[i].field);
		if (!ts_edit_set_text(ed, ok[i].text))
			fail_msg("'%s' refused: %s", ok[i].text, ts_edit_message(ed));
		assert_string_equal(text_of(ed, ok[i].field), ok[i].shown);
		assert_valid(ed);
	}
	/* refused, with the reason, nothing changed */
	static const struct {
		int field;
		const char *text, *why;
	} bad[] = {
		{TS_F_NOTE, "H2", "note: 'H2' is not notes: C4 = 60, D#2, Eb3, 0 ... 127, up to 4 "
				  "joined by +"},
		{TS_F_GATE, "0.3", "gate: '0.3' is not a value of this field (now 0.125)"},
		{TS_F_MICRO, "24", "micro: '24' is out of range"},
		{TS_F_COND, "9:8", "cond: '9:8' is not a value of this field (now fill)"},
		{TS_F_LOCKS, "74=100 74=1", "locks: '74=100 74=1' is not a list like 74=100 71=20 "
					   "(controller and value 0 ... 127, each controller once, 16 "
					   "at most)"},
		{TS_F_T_PORT, "Virus", "port: 'Virus' is not a port name: a lower-case letter, then "
				       "up to 15 of a-z 0-9 _"},
		{TS_F_TEMPO, "12.34", "tempo: '12.34' is not a value of this field (now 123.7)"},
		{TS_F_TEMPO, "400", "tempo: '400' is out of range"},
		{TS_F_CHANGE, "1", "change: '1' is not a value of this field (now off)"},
		{TS_F_VEL, "90", "no change"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		select_field(ed, bad[i].field);
		memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
		expect_refused(ed, ts_edit_set_text(ed, bad[i].text), bad[i].why,
			       ts_edit_version(ed), &pat);
	}
	/* an empty step has no trig fields; typed-only fields have no +/- */
	ts_edit_move_to(ed, 0, 5);
	select_field(ed, TS_F_LOCKS);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	expect_refused(ed, ts_edit_set_text(ed, "1=1"), "no trig at this step", ts_edit_version(ed),
		       &pat);
	select_field(ed, TS_F_T_CC);
	expect_refused(ed, ts_edit_adjust(ed, 1), "this field is typed: e", ts_edit_version(ed),
		       &pat);
	/* the file says what was typed */
	assert_int_equal(ts_edit_save(ed, NULL), TS_OK);
	ts_pattern back;
	assert_int_equal(ts_patfile_load(path_in("typed.tsq"), &back, NULL, &diags), TS_OK);
	assert_memory_equal(&back.tracks[0], &ts_edit_pattern(ed)->tracks[0], sizeof(back.tracks[0]));
	assert_int_equal(back.tempo10, 1237);
	ts_edit_free(ed);
}

static void test_trig_fields(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	ts_edit_move_to(ed, 0, 4);    /* an 'o' trig with no attributes; track notes C1+E1, vel 90 */
	uint64_t v;

	/* Every trig field refuses an empty step, and a step beyond the length. */
	for (int f = 0; f < TS_F_COUNT; f++) {
		if (ts_edit_field_scope(f) != TS_SCOPE_TRIG)
			continue;
		select_field(ed, f);
		ts_edit_move_to(ed, 0, 5);
		assert_string_equal(text_of(ed, f), "-");
		memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
		v = ts_edit_version(ed);
		expect_refused(ed, ts_edit_adjust(ed, 1), "no trig at this step", v, &pat);
		ts_edit_move_to(ed, 0, 20);
		expect_refused(ed, ts_edit_adjust(ed, -1), "step beyond the track's length", v, &pat);
	}
	ts_edit_move_to(ed, 0, 4);

	/* note: from the track's first note, sets one note, clamps at 0 and 127. */
	select_field(ed, TS_F_NOTE);
	assert_string_equal(text_of(ed, TS_F_NOTE), "C1 (24)+E1 (28) (trk)");
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(trig_at(ed, 0, 4)->nnotes, 1);
	assert_int_equal(trig_at(ed, 0, 4)->notes[0], 25);
	assert_string_equal(text_of(ed, TS_F_NOTE), "C#1 (25)");
	assert_true(ts_edit_adjust(ed, -12));
	assert_int_equal(trig_at(ed, 0, 4)->notes[0], 13);
	assert_true(ts_edit_adjust(ed, -12));
	assert_int_equal(trig_at(ed, 0, 4)->notes[0], 1);
	assert_true(ts_edit_adjust(ed, -12));      /* clamps at the end, still a change */
	assert_int_equal(trig_at(ed, 0, 4)->notes[0], 0);
	assert_string_equal(text_of(ed, TS_F_NOTE), "C-1 (0)");
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_adjust(ed, -1), "at the limit", v, &pat);
	expect_refused(ed, ts_edit_adjust(ed, -12), "at the limit", v, &pat);
	assert_int_equal(adjust_to_end(ed, 12), 11);
	assert_int_equal(trig_at(ed, 0, 4)->notes[0], 127);
	assert_string_equal(text_of(ed, TS_F_NOTE), "G9 (127)");

	/* vel: from the track's 90, 1 … 127. */
	select_field(ed, TS_F_VEL);
	assert_string_equal(text_of(ed, TS_F_VEL), "90 (trk)");
	assert_true(ts_edit_adjust(ed, 10));
	assert_int_equal(trig_at(ed, 0, 4)->vel, 100);
	assert_string_equal(text_of(ed, TS_F_VEL), "100");
	assert_true(ts_edit_adjust(ed, 1000));
	assert_int_equal(trig_at(ed, 0, 4)->vel, 127);
	assert_false(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_adjust(ed, INT_MIN));
	assert_int_equal(trig_at(ed, 0, 4)->vel, 1);
	assert_false(ts_edit_adjust(ed, -1));
	assert_string_equal(ts_edit_message(ed), "at the limit");
	assert_valid(ed);

	/* gate: the length table, inf at the top. */
	select_field(ed, TS_F_GATE);
	assert_string_equal(text_of(ed, TS_F_GATE), "1 (trk)");
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(trig_at(ed, 0, 4)->gate, TS_LEN_ONE + 1);
	assert_string_equal(text_of(ed, TS_F_GATE), "1.0625");
	assert_int_equal(adjust_to_end(ed, 1), TS_LEN_INF - TS_LEN_ONE - 1);
	assert_int_equal(trig_at(ed, 0, 4)->gate, TS_LEN_INF);
	assert_string_equal(text_of(ed, TS_F_GATE), "inf");
	assert_true(ts_edit_adjust(ed, -1));
	assert_string_equal(text_of(ed, TS_F_GATE), "128");
	assert_int_equal(adjust_to_end(ed, -10), 13);
	assert_int_equal(trig_at(ed, 0, 4)->gate, 0);
	assert_string_equal(text_of(ed, TS_F_GATE), "0.125");

	/* micro: -23 … 23. */
	select_field(ed, TS_F_MICRO);
	assert_string_equal(text_of(ed, TS_F_MICRO), "0");
	assert_int_equal(adjust_to_end(ed, 1), 23);
	assert_int_equal(trig_at(ed, 0, 4)->micro, 23);
	assert_int_equal(adjust_to_end(ed, -10), 5);
	assert_int_equal(trig_at(ed, 0, 4)->micro, -23);
	assert_string_equal(text_of(ed, TS_F_MICRO), "-23");

	/* cond: none, P% rising, A:B by B then A, then the words. */
	select_field(ed, TS_F_COND);
	assert_string_equal(text_of(ed, TS_F_COND), "none");
	char seen[2048] = "none";
	while (ts_edit_adjust(ed, 1)) {
		assert_valid(ed);
		strcat(seen, " ");
		strcat(seen, text_of(ed, TS_F_COND));
	}
	assert_string_equal(ts_edit_message(ed), "at the limit");
	assert_string_equal(seen,
			    "none 1% 3% 4% 6% 9% 13% 19% 25% 33% 41% 50% 59% 67% 75% 81% 87% 91% 94% "
			    "96% 98% 99% 100% 1:2 2:2 1:3 2:3 3:3 1:4 2:4 3:4 4:4 1:5 2:5 3:5 4:5 "
			    "5:5 1:6 2:6 3:6 4:6 5:6 6:6 1:7 2:7 3:7 4:7 5:7 6:7 7:7 1:8 2:8 3:8 4:8 "
			    "5:8 6:8 7:8 8:8 fill !fill pre !pre nei !nei 1st !1st");
	assert_int_equal(trig_at(ed, 0, 4)->cond, TS_COND_NOT_1ST);
	assert_true(ts_edit_adjust(ed, -10));
	assert_string_equal(text_of(ed, TS_F_COND), "6:8");
	assert_int_equal(adjust_to_end(ed, -10), 6);
	assert_int_equal(trig_at(ed, 0, 4)->cond, TS_COND_NONE);

	/* retrig: off, then 1/1 … 1/80 with the trig's own rate; off again unsets the rate. */
	select_field(ed, TS_F_RETRIG);
	assert_string_equal(text_of(ed, TS_F_RETRIG), "off");
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_adjust(ed, -1), "at the limit", v, &pat);
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(trig_at(ed, 0, 4)->retrig);
	assert_int_equal(trig_at(ed, 0, 4)->retrig_rate, 0);
	assert_string_equal(text_of(ed, TS_F_RETRIG), "1/1");
	assert_int_equal(adjust_to_end(ed, 1), TS_RATE_COUNT - 1);
	assert_string_equal(text_of(ed, TS_F_RETRIG), "1/80");
	assert_true(ts_edit_adjust(ed, -100));
	assert_false(trig_at(ed, 0, 4)->retrig);
	assert_int_equal(trig_at(ed, 0, 4)->retrig_rate, TS_UNSET);
	assert_string_equal(text_of(ed, TS_F_RETRIG), "off");
	assert_valid(ed);
	ts_edit_move_to(ed, 0, 0);            /* retrig=1/32 in the file */
	assert_string_equal(text_of(ed, TS_F_RETRIG), "1/32");
	assert_true(ts_edit_adjust(ed, -1));
	assert_string_equal(text_of(ed, TS_F_RETRIG), "1/24");
	ts_edit_move_to(ed, 0, 4);

	/* retrig len: like gate; retrig vel: -128 … 127 from the track's 0. */
	select_field(ed, TS_F_RETRIG_LEN);
	assert_string_equal(text_of(ed, TS_F_RETRIG_LEN), "1 (trk)");
	assert_true(ts_edit_adjust(ed, -2));
	assert_string_equal(text_of(ed, TS_F_RETRIG_LEN), "0.875");
	assert_int_equal(adjust_to_end(ed, 10), 12);
	assert_string_equal(text_of(ed, TS_F_RETRIG_LEN), "inf");
	select_field(ed, TS_F_RETRIG_VEL);
	assert_string_equal(text_of(ed, TS_F_RETRIG_VEL), "0 (trk)");
	assert_int_equal(adjust_to_end(ed, 10), 13);
	assert_int_equal(trig_at(ed, 0, 4)->retrig_vel, 127);
	assert_int_equal(adjust_to_end(ed, -1), 255);
	assert_int_equal(trig_at(ed, 0, 4)->retrig_vel, -128);
	assert_string_equal(text_of(ed, TS_F_RETRIG_VEL), "-128");
	assert_valid(ed);

	char *text = format(ts_edit_pattern(ed));
	assert_non_null(strstr(text, "  step 5 note G9 vel 1 gate 0.125 micro -23 retrig-len inf "
				     "retrig-vel -128\n"));
	assert_non_null(strstr(text, "  step 1 vel 127 gate 0.5 cond 1:2 retrig=1/24 cc 7=64 "
				     "slide\n"));
	free(text);
	ts_edit_free(ed);
	empty_dir();
}

static void test_track_fields(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	ts_edit_move_to(ed, 0, 9);    /* track 1, an empty step: track fields do not need a trig */
	uint64_t v;

	select_field(ed, TS_F_T_CHANNEL);
	assert_string_equal(text_of(ed, TS_F_T_CHANNEL), "10");
	assert_int_equal(adjust_to_end(ed, 10), 1);
	assert_int_equal(track_at(ed, 0)->channel, 16);
	assert_int_equal(adjust_to_end(ed, -1), 16);
	assert_int_equal(track_at(ed, 0)->channel, TS_CHANNEL_OFF);
	assert_string_equal(text_of(ed, TS_F_T_CHANNEL), "off");

	select_field(ed, TS_F_T_NOTE);
	assert_string_equal(text_of(ed, TS_F_T_NOTE), "C1 (24)+E1 (28)");
	assert_true(ts_edit_adjust(ed, 12));
	assert_int_equal(track_at(ed, 0)->nnotes, 1);
	assert_int_equal(track_at(ed, 0)->notes[0], 36);
	assert_int_equal(track_at(ed, 0)->notes[1], 0);
	assert_int_equal(adjust_to_end(ed, -12), 3);
	assert_int_equal(track_at(ed, 0)->notes[0], 0);

	select_field(ed, TS_F_T_VEL);
	assert_int_equal(adjust_to_end(ed, 10), 4);
	assert_int_equal(track_at(ed, 0)->velocity, 127);
	assert_int_equal(adjust_to_end(ed, -100), 2);
	assert_int_equal(track_at(ed, 0)->velocity, 1);

	select_field(ed, TS_F_T_GATE);
	assert_int_equal(adjust_to_end(ed, -1), TS_LEN_ONE);
	assert_string_equal(text_of(ed, TS_F_T_GATE), "0.125");
	assert_int_equal(adjust_to_end(ed, 100), 2);
	assert_string_equal(text_of(ed, TS_F_T_GATE), "inf");

	select_field(ed, TS_F_T_PROB);
	assert_string_equal(text_of(ed, TS_F_T_PROB), "100%");
	assert_false(ts_edit_adjust(ed, 1));
	assert_int_equal(adjust_to_end(ed, -10), 10);
	assert_int_equal(track_at(ed, 0)->prob, 0);

	select_field(ed, TS_F_T_PROGRAM);
	assert_string_equal(text_of(ed, TS_F_T_PROGRAM), "none");
	assert_false(ts_edit_adjust(ed, -1));
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(track_at(ed, 0)->program, 0);
	assert_string_equal(text_of(ed, TS_F_T_PROGRAM), "0");
	assert_int_equal(adjust_to_end(ed, 1), 127);
	assert_int_equal(track_at(ed, 0)->program, 127);
	assert_valid(ed);

	/* Length and speed per track: refused in normal mode, whatever the delta. */
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	select_field(ed, TS_F_T_LENGTH);
	expect_refused(ed, ts_edit_adjust(ed, 1), "length and speed per track need mode advanced",
		       v, &pat);
	assert_string_equal(text_of(ed, TS_F_T_LENGTH), "16");
	select_field(ed, TS_F_T_SPEED);
	expect_refused(ed, ts_edit_adjust(ed, -1), "length and speed per track need mode advanced",
		       v, &pat);
	assert_string_equal(text_of(ed, TS_F_T_SPEED), "1x");
	ts_edit_free(ed);

	/* In advanced mode: shortening empties the steps beyond; undo brings them back. */
	ed = doc("adv.tsq", "trigseq 1\nmode advanced\nlength 32\n\ntrack 2\n  channel 2\n"
			    "  note C4\n  length 20\n  steps x... x... x... x... x..x\n"
			    "  step 20 vel 50\n");
	ts_edit_move_to(ed, 1, 0);
	select_field(ed, TS_F_T_LENGTH);
	assert_string_equal(text_of(ed, TS_F_T_LENGTH), "20");
	assert_true(ts_edit_adjust(ed, -10));
	assert_int_equal(track_at(ed, 1)->length, 10);
	assert_int_equal(trig_at(ed, 1, 8)->kind, TS_TRIG_NOTE);
	for (int k = 10; k < TS_MAX_STEPS; k++)
		assert_int_equal(trig_at(ed, 1, k)->kind, TS_TRIG_NONE);
	assert_valid(ed);
	assert_true(ts_edit_adjust(ed, 10));     /* longer again: the steps stay empty */
	assert_int_equal(trig_at(ed, 1, 12)->kind, TS_TRIG_NONE);
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_undo(ed));
	assert_int_equal(track_at(ed, 1)->length, 20);
	assert_int_equal(trig_at(ed, 1, 19)->kind, TS_TRIG_NOTE);
	assert_int_equal(trig_at(ed, 1, 19)->vel, 50);
	assert_false(ts_edit_dirty(ed));
	assert_int_equal(adjust_to_end(ed, 10), 5);
	assert_int_equal(track_at(ed, 1)->length, 64);
	assert_int_equal(adjust_to_end(ed, -10), 7);
	assert_int_equal(track_at(ed, 1)->length, 1);
	/* A track without its own length (16) gets one when edited. */
	ts_edit_move_to(ed, 5, 0);
	assert_false(track_at(ed, 5)->length_set);
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(track_at(ed, 5)->length_set);
	assert_int_equal(track_at(ed, 5)->length, 17);

	/* Speed: up is faster, 1/8x … 2x. */
	select_field(ed, TS_F_T_SPEED);
	assert_true(ts_edit_adjust(ed, 1));
	assert_string_equal(text_of(ed, TS_F_T_SPEED), "3/2x");
	assert_true(track_at(ed, 5)->speed_set);
	assert_int_equal(adjust_to_end(ed, 1), 1);
	assert_string_equal(text_of(ed, TS_F_T_SPEED), "2x");
	assert_int_equal(adjust_to_end(ed, -1), 6);
	assert_string_equal(text_of(ed, TS_F_T_SPEED), "1/8x");
	char *text = format(ts_edit_pattern(ed));
	assert_non_null(strstr(text, "track 6\n  channel 6\n  note C4\n  length 17\n  speed 1/8x\n"));
	free(text);
	ts_edit_free(ed);
	empty_dir();
}

static void test_pattern_fields(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	ts_edit_move_to(ed, 6, 40);   /* anywhere: pattern fields need nothing at the cursor */

	select_field(ed, TS_F_TEMPO);
	assert_string_equal(text_of(ed, TS_F_TEMPO), "98.5");
	assert_true(ts_edit_adjust(ed, 1));
	assert_string_equal(text_of(ed, TS_F_TEMPO), "98.6");
	assert_true(ts_edit_adjust(ed, 10));
	assert_string_equal(text_of(ed, TS_F_TEMPO), "99.6");
	assert_true(ts_edit_adjust(ed, 5000));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 3000);
	assert_false(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_adjust(ed, -5000));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 300);
	assert_string_equal(text_of(ed, TS_F_TEMPO), "30.0");
	assert_false(ts_edit_adjust(ed, -10));

	select_field(ed, TS_F_SWING);
	assert_string_equal(text_of(ed, TS_F_SWING), "50%");
	assert_false(ts_edit_adjust(ed, -1));
	assert_int_equal(adjust_to_end(ed, 1), 30);
	assert_int_equal(ts_edit_pattern(ed)->swing, 80);

	select_field(ed, TS_F_ACCENT);
	assert_string_equal(text_of(ed, TS_F_ACCENT), "32");
	assert_int_equal(adjust_to_end(ed, -10), 4);
	assert_int_equal(ts_edit_pattern(ed)->accent, 0);
	assert_int_equal(adjust_to_end(ed, 100), 2);
	assert_int_equal(ts_edit_pattern(ed)->accent, 127);

	/* Normal mode: the length is every track's; shortening empties steps beyond it. */
	select_field(ed, TS_F_LENGTH);
	assert_string_equal(text_of(ed, TS_F_LENGTH), "16");
	assert_true(ts_edit_adjust(ed, -10));
	assert_int_equal(ts_edit_pattern(ed)->length, 6);
	for (int t = 0; t < TS_TRACKS; t++)
		assert_int_equal(track_at(ed, t)->length, 6);
	assert_int_equal(trig_at(ed, 0, 4)->kind, TS_TRIG_LOCK);
	assert_int_equal(trig_at(ed, 0, 6)->kind, TS_TRIG_NONE);    /* was '-' */
	assert_int_equal(trig_at(ed, 0, 8)->kind, TS_TRIG_NONE);    /* was 'x' */
	assert_valid(ed);
	assert_int_equal(adjust_to_end(ed, -1), 5);
	assert_int_equal(ts_edit_pattern(ed)->length, 1);
	assert_int_equal(adjust_to_end(ed, 10), 7);
	assert_int_equal(ts_edit_pattern(ed)->length, 64);
	assert_int_equal(track_at(ed, 11)->length, 64);
	assert_int_equal(trig_at(ed, 0, 8)->kind, TS_TRIG_NONE);
	for (int i = 0; i < 7 + 5 + 1; i++)
		assert_true(ts_edit_undo(ed));
	assert_int_equal(ts_edit_pattern(ed)->length, 16);
	assert_int_equal(trig_at(ed, 0, 6)->kind, TS_TRIG_MUTED);
	assert_int_equal(trig_at(ed, 0, 8)->kind, TS_TRIG_NOTE);

	/* Speed: up is faster; in normal mode every track follows. */
	select_field(ed, TS_F_SPEED);
	assert_string_equal(text_of(ed, TS_F_SPEED), "1x");
	assert_true(ts_edit_adjust(ed, -1));
	assert_string_equal(text_of(ed, TS_F_SPEED), "3/4x");
	for (int t = 0; t < TS_TRACKS; t++)
		assert_int_equal(track_at(ed, t)->speed, TS_SPEED_3_4X);
	assert_int_equal(adjust_to_end(ed, 1), 3);
	assert_int_equal(ts_edit_pattern(ed)->speed, TS_SPEED_2X);
	assert_int_equal(track_at(ed, 4)->speed, TS_SPEED_2X);
	assert_valid(ed);
	ts_edit_free(ed);

	/* Advanced mode: 2 … 1024, then inf; track lengths stay. */
	ed = doc("adv.tsq", "trigseq 1\nmode advanced\nlength 1000\n\ntrack 2\n  channel 2\n"
			    "  note C4\n  length 20\n  speed 2x\n  steps x... x... x... x... x..x\n");
	select_field(ed, TS_F_LENGTH);
	assert_true(ts_edit_adjust(ed, 10));
	assert_int_equal(ts_edit_pattern(ed)->length, 1010);
	assert_int_equal(adjust_to_end(ed, 10), 2);
	assert_int_equal(ts_edit_pattern(ed)->length, 0);
	assert_string_equal(text_of(ed, TS_F_LENGTH), "inf");
	assert_true(ts_edit_adjust(ed, -1));
	assert_int_equal(ts_edit_pattern(ed)->length, 1024);
	assert_true(ts_edit_adjust(ed, -5000));
	assert_int_equal(ts_edit_pattern(ed)->length, 2);
	assert_false(ts_edit_adjust(ed, -1));
	assert_int_equal(track_at(ed, 1)->length, 20);
	assert_int_equal(track_at(ed, 0)->length, 16);
	assert_valid(ed);
	/* The pattern speed moves the tracks without a speed of their own only. */
	select_field(ed, TS_F_SPEED);
	assert_true(ts_edit_adjust(ed, -2));
	assert_int_equal(track_at(ed, 0)->speed, TS_SPEED_1_2X);
	assert_int_equal(track_at(ed, 1)->speed, TS_SPEED_2X);
	assert_valid(ed);
	ts_edit_free(ed);
	empty_dir();
}

/* ---- clipboard ---- */

/* change: off, then 2 … 1024. mode: normal -> advanced keeps every track's length and speed;
 * advanced -> normal takes the longest track's length. */
static void test_change_and_mode(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	select_field(ed, TS_F_CHANGE);
	assert_string_equal(text_of(ed, TS_F_CHANGE), "off");
	assert_false(ts_edit_adjust(ed, -1));
	assert_true(ts_edit_adjust(ed, 1));
	assert_string_equal(text_of(ed, TS_F_CHANGE), "2");
	assert_true(ts_edit_adjust(ed, 5000));
	assert_int_equal(ts_edit_pattern(ed)->change, 1024);
	assert_valid(ed);

	select_field(ed, TS_F_LENGTH);
	assert_true(ts_edit_adjust(ed, 16)); /* normal, 32 steps */
	select_field(ed, TS_F_MODE);
	assert_string_equal(text_of(ed, TS_F_MODE), "normal");
	assert_true(ts_edit_adjust(ed, 1));
	assert_string_equal(text_of(ed, TS_F_MODE), "advanced");
	assert_false(ts_edit_adjust(ed, 1));
	const ts_pattern *p = ts_edit_pattern(ed);
	assert_int_equal(p->length, 32);
	for (int t = 0; t < TS_TRACKS; t++)
		assert_int_equal(p->tracks[t].length, 32);
	assert_valid(ed);
	/* a track of its own length, then back to normal: the longest length for all */
	ts_edit_move_to(ed, 4, 0);
	select_field(ed, TS_F_T_LENGTH);
	assert_true(ts_edit_adjust(ed, 20));
	assert_int_equal(ts_edit_pattern(ed)->tracks[4].length, 52);
	select_field(ed, TS_F_MODE);
	assert_true(ts_edit_adjust(ed, -1));
	p = ts_edit_pattern(ed);
	assert_int_equal(p->mode, TS_MODE_NORMAL);
	assert_int_equal(p->length, 52);
	assert_int_equal(p->tracks[0].length, 52);
	assert_valid(ed);
	assert_true(ts_edit_undo(ed));
	assert_int_equal(ts_edit_pattern(ed)->mode, TS_MODE_ADVANCED);
	ts_edit_free(ed);
}

static void test_track_name(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	assert_true(ts_edit_set_track_name(ed, 2, "ACID \"303\""));
	assert_string_equal(ts_edit_pattern(ed)->tracks[2].name, "ACID \"303\"");
	assert_true(ts_edit_pattern(ed)->tracks[2].declared);
	assert_valid(ed);
	uint64_t v = ts_edit_version(ed);
	assert_false(ts_edit_set_track_name(ed, 2, "ACID \"303\""));
	assert_false(ts_edit_set_track_name(ed, 2, "123456789012345678901234567890123"));
	assert_false(ts_edit_set_track_name(ed, 2, "tab\there"));
	assert_false(ts_edit_set_track_name(ed, 12, "x"));
	assert_int_equal(ts_edit_version(ed), v);
	assert_true(ts_edit_undo(ed));
	assert_string_equal(ts_edit_pattern(ed)->tracks[2].name, "");
	ts_edit_free(ed);
}

static void test_clipboard(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	uint64_t v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_paste(ed), "nothing copied", v, &pat);

	/* Trig: the whole trig; an empty step copied empties the target; not beyond the length. */
	ts_edit_move_to(ed, 0, 0);
	ts_edit_copy(ed, TS_CLIP_TRIG);
	assert_int_equal(ts_edit_version(ed), v);
	ts_edit_move_to(ed, 5, 7);
	assert_true(ts_edit_paste(ed));
	assert_memory_equal(trig_at(ed, 5, 7), trig_at(ed, 0, 0), sizeof(ts_trig));
	assert_valid(ed);
	ts_edit_move_to(ed, 5, 16);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_paste(ed), "step beyond the track's length", v, &pat);
	ts_edit_move_to(ed, 5, 7);
	expect_refused(ed, ts_edit_paste(ed), "no change", v, &pat);
	ts_edit_move_to(ed, 5, 8);
	ts_edit_copy(ed, TS_CLIP_TRIG);
	ts_edit_move_to(ed, 5, 7);
	assert_true(ts_edit_paste(ed));
	ts_trig empty;
	ts_trig_init(&empty);
	assert_memory_equal(trig_at(ed, 5, 7), &empty, sizeof(empty));

	/* Track: settings and steps, the target's name kept, declared. */
	ts_edit_move_to(ed, 0, 3);
	ts_edit_copy(ed, TS_CLIP_TRACK);
	ts_edit_move_to(ed, 3, 9);
	assert_true(ts_edit_paste(ed));
	const ts_track *src = track_at(ed, 0), *dst = track_at(ed, 3);
	assert_string_equal(dst->name, "");
	assert_true(dst->declared);
	assert_int_equal(dst->channel, 10);
	assert_int_equal(dst->velocity, 90);
	assert_int_equal(dst->nnotes, 2);
	assert_memory_equal(dst->steps, src->steps, sizeof(src->steps));
	assert_valid(ed);
	ts_edit_move_to(ed, 7, 0);      /* an undeclared track */
	assert_true(ts_edit_paste(ed));
	assert_true(track_at(ed, 7)->declared);
	char *text = format(ts_edit_pattern(ed));
	assert_non_null(strstr(text, "track 8\n  channel 10\n  note C1+E1\n  velocity 90\n"));
	free(text);
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(track_at(ed, 3), &pat.tracks[3], sizeof(ts_track));
	assert_int_equal(ts_edit_get_cursor(ed).track, 3);
	assert_int_equal(ts_edit_get_cursor(ed).step, 9);

	/* Clear: the trig, the track (name kept), the page. */
	ts_edit_move_to(ed, 0, 0);
	assert_true(ts_edit_clear(ed, TS_CLIP_TRIG));
	assert_memory_equal(trig_at(ed, 0, 0), &empty, sizeof(empty));
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_clear(ed, TS_CLIP_TRIG), "no trig at this step", v, &pat);
	assert_true(ts_edit_clear(ed, TS_CLIP_TRACK));
	assert_string_equal(track_at(ed, 0)->name, "kick");
	assert_int_equal(track_at(ed, 0)->channel, 1);
	assert_int_equal(track_at(ed, 0)->velocity, 100);
	for (int k = 0; k < TS_MAX_STEPS; k++)
		assert_int_equal(trig_at(ed, 0, k)->kind, TS_TRIG_NONE);
	assert_valid(ed);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	v = ts_edit_version(ed);
	expect_refused(ed, ts_edit_clear(ed, TS_CLIP_TRACK), "no change", v, &pat);
	ts_edit_move_to(ed, 3, 2);
	assert_true(ts_edit_clear(ed, TS_CLIP_PAGE));
	for (int t = 0; t < TS_TRACKS; t++)
		for (int k = 0; k < TS_MAX_STEPS; k++)
			assert_int_equal(trig_at(ed, t, k)->kind, TS_TRIG_NONE);
	assert_valid(ed);
	ts_edit_free(ed);
	empty_dir();
}

static void test_paste_page(void **state)
{
	(void)state;
	/* Track 1 64 steps, track 2 20, track 3 16: page 2 reaches tracks 1 and 2 only. */
	ts_edit *ed = doc("adv.tsq",
			  "trigseq 1\nmode advanced\n\n"
			  "track 1\n  channel 1\n  note C4\n  length 64\n"
			  "  steps x.x. ..o. .... X..x .... .... .... .... .... .... .... .... "
			  ".... .... .... ....\n  step 3 vel 20\n"
			  "track 2\n  channel 2\n  note C4\n  length 20\n"
			  "  steps -x.. x... x... xxxx ....\n  step 16 cond fill\n"
			  "track 3\n  channel 3\n  note C4\n  steps xxxx xxxx xxxx xxxx\n");
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	ts_edit_move_to(ed, 8, 5);      /* page 1, from any track */
	ts_edit_copy(ed, TS_CLIP_PAGE);
	ts_edit_move_to(ed, 0, 17);     /* page 2 */
	assert_true(ts_edit_paste(ed));
	assert_valid(ed);
	for (int i = 0; i < 16; i++) {
		assert_memory_equal(trig_at(ed, 0, 16 + i), &pat.tracks[0].steps[i], sizeof(ts_trig));
		if (i < 4)
			assert_memory_equal(trig_at(ed, 1, 16 + i), &pat.tracks[1].steps[i],
					    sizeof(ts_trig));
	}
	assert_int_equal(trig_at(ed, 0, 18)->vel, 20);
	assert_int_equal(trig_at(ed, 1, 16)->kind, TS_TRIG_MUTED);
	assert_int_equal(trig_at(ed, 1, 20)->kind, TS_TRIG_NONE);   /* beyond track 2 */
	assert_memory_equal(track_at(ed, 2), &pat.tracks[2], sizeof(ts_track));
	assert_memory_equal(trig_at(ed, 0, 0), &pat.tracks[0].steps[0], 16 * sizeof(ts_trig));

	/* Page 4 (steps 49 … 64) reaches track 1 only; the copied page empties steps there. */
	ts_edit_move_to(ed, 0, 63);
	ts_edit_copy(ed, TS_CLIP_PAGE);    /* an empty page */
	ts_edit_move_to(ed, 11, 16);
	assert_true(ts_edit_paste(ed));
	for (int k = 16; k < 32; k++)
		assert_int_equal(trig_at(ed, 0, k)->kind, TS_TRIG_NONE);
	assert_int_equal(trig_at(ed, 1, 16)->kind, TS_TRIG_NONE);

	/* A page no track reaches is refused. */
	ts_edit *ed2 = doc("short.tsq", "trigseq 1\nlength 8\n");
	ts_edit_copy(ed2, TS_CLIP_PAGE);
	ts_edit_move_to(ed2, 0, 20);
	memcpy(&pat, ts_edit_pattern(ed2), sizeof(pat));
	expect_refused(ed2, ts_edit_paste(ed2), "page beyond every track's length",
		       ts_edit_version(ed2), &pat);
	ts_edit_free(ed2);

	/* A track copied from advanced mode into normal mode takes the pattern's length. */
	ts_edit_move_to(ed, 1, 0);
	ts_edit_copy(ed, TS_CLIP_TRACK);
	assert_int_equal(ts_edit_open(ed, path_in("rich.tsq"), &diags), TS_ERR_IO);
	write_file(path_in("rich.tsq"), rich);
	assert_int_equal(ts_edit_open(ed, path_in("rich.tsq"), &diags), TS_OK);
	ts_edit_move_to(ed, 2, 0);
	assert_true(ts_edit_paste(ed));
	assert_int_equal(track_at(ed, 2)->length, 16);
	assert_false(track_at(ed, 2)->length_set);
	assert_int_equal(trig_at(ed, 2, 15)->cond, TS_COND_FILL);
	assert_int_equal(trig_at(ed, 2, 16)->kind, TS_TRIG_NONE);
	assert_valid(ed);

	/* From normal mode (length 32, speed 3/4x) into advanced: it keeps length and speed. */
	write_file(path_in("n32.tsq"), "trigseq 1\nlength 32\nspeed 3/4x\n\ntrack 1\n  channel 1\n"
				       "  note C4\n  steps .... .... .... .... .... .... .... ...x\n");
	assert_int_equal(ts_edit_open(ed, path_in("n32.tsq"), &diags), TS_OK);
	ts_edit_copy(ed, TS_CLIP_TRACK);
	assert_int_equal(ts_edit_open(ed, path_in("adv.tsq"), &diags), TS_OK);
	ts_edit_move_to(ed, 2, 0);
	assert_true(ts_edit_paste(ed));
	assert_int_equal(track_at(ed, 2)->length, 32);
	assert_true(track_at(ed, 2)->length_set);
	assert_int_equal(track_at(ed, 2)->speed, TS_SPEED_3_4X);
	assert_true(track_at(ed, 2)->speed_set);
	assert_int_equal(trig_at(ed, 2, 31)->kind, TS_TRIG_NOTE);
	assert_valid(ed);
	ts_edit_free(ed);
	empty_dir();
}

/* ---- undo, redo, dirtiness ---- */

static void test_undo_redo(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	ts_pattern *p0 = malloc(sizeof(*p0)), *p1 = malloc(sizeof(*p1)), *p2 = malloc(sizeof(*p2));
	assert_non_null(p0);
	assert_non_null(p1);
	assert_non_null(p2);
	memcpy(p0, ts_edit_pattern(ed), sizeof(*p0));
	uint64_t v0 = ts_edit_version(ed);

	memcpy(&pat, p0, sizeof(pat));
	expect_refused(ed, ts_edit_undo(ed), "nothing to undo", v0, &pat);
	expect_refused(ed, ts_edit_redo(ed), "nothing to redo", v0, &pat);

	ts_edit_move_to(ed, 2, 5);
	select_field(ed, TS_F_T_VEL);
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(ts_edit_version(ed), v0 + 1);
	memcpy(p1, ts_edit_pattern(ed), sizeof(*p1));
	ts_edit_move_to(ed, 9, 12);
	assert_true(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_version(ed), v0 + 2);
	memcpy(p2, ts_edit_pattern(ed), sizeof(*p2));
	ts_edit_move_to(ed, 0, 0);
	select_field(ed, TS_F_TEMPO);

	/* Undo: the pattern before, the cursor where the edit was made. */
	assert_true(ts_edit_undo(ed));
	assert_string_equal(ts_edit_message(ed), "");
	assert_int_equal(ts_edit_version(ed), v0 + 3);
	assert_memory_equal(ts_edit_pattern(ed), p1, sizeof(*p1));
	assert_int_equal(ts_edit_get_cursor(ed).track, 9);
	assert_int_equal(ts_edit_get_cursor(ed).step, 12);
	assert_int_equal(ts_edit_get_cursor(ed).field, TS_F_T_VEL);
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p0, sizeof(*p0));
	assert_int_equal(ts_edit_get_cursor(ed).track, 2);
	assert_int_equal(ts_edit_get_cursor(ed).step, 5);
	assert_false(ts_edit_dirty(ed));
	assert_false(ts_edit_undo(ed));
	assert_string_equal(ts_edit_message(ed), "nothing to undo");

	/* Redo: the pattern after, the cursor of the edit. */
	ts_edit_move_to(ed, 11, 60);
	assert_true(ts_edit_redo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p1, sizeof(*p1));
	assert_int_equal(ts_edit_get_cursor(ed).track, 2);
	assert_int_equal(ts_edit_get_cursor(ed).step, 5);
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_redo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p2, sizeof(*p2));
	assert_int_equal(ts_edit_get_cursor(ed).track, 9);
	assert_int_equal(ts_edit_version(ed), v0 + 6);
	assert_false(ts_edit_redo(ed));
	assert_string_equal(ts_edit_message(ed), "nothing to redo");

	/* A new edit drops what could be redone. */
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_undo(ed));
	ts_edit_move_to(ed, 4, 4);
	assert_true(ts_edit_toggle_mute(ed, 4));
	assert_false(ts_edit_redo(ed));
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p0, sizeof(*p0));
	assert_false(ts_edit_undo(ed));

	/* A refused edit leaves the history alone. */
	assert_true(ts_edit_redo(ed));
	uint64_t v = ts_edit_version(ed);
	ts_edit_move_to(ed, 0, 30);
	assert_false(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_version(ed), v);
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p0, sizeof(*p0));
	free(p0);
	free(p1);
	free(p2);
	ts_edit_free(ed);
	empty_dir();
}

static void test_dirty_and_saved_point(void **state)
{
	(void)state;
	ts_edit *ed = doc("a.tsq", one_trig);
	const char *path = path_in("a.tsq");
	select_field(ed, TS_F_TEMPO);
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_undo(ed));
	assert_false(ts_edit_dirty(ed));
	assert_true(ts_edit_redo(ed));
	assert_true(ts_edit_dirty(ed));
	assert_int_equal(ts_edit_save(ed, NULL), TS_OK);
	assert_false(ts_edit_dirty(ed));
	assert_true(ts_edit_undo(ed));        /* 120.0: no longer what the file holds */
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_redo(ed));        /* 120.1: the saved pattern again */
	assert_false(ts_edit_dirty(ed));
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_adjust(ed, -1));  /* the same pattern by another way: still dirty */
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_undo(ed));
	assert_false(ts_edit_dirty(ed));
	/* The saved point dropped from the redo list by a new edit cannot come back. */
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_adjust(ed, 5));
	assert_true(ts_edit_undo(ed));
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_redo(ed));
	assert_true(ts_edit_dirty(ed));
	assert_false(ts_edit_redo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1205);
	char *text = read_file(path);
	assert_non_null(strstr(text, "tempo 120.1\n"));
	free(text);
	ts_edit_free(ed);
	empty_dir();
}

static void test_undo_limit(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	select_field(ed, TS_F_TEMPO);
	for (int i = 0; i < TS_EDIT_UNDO + 25; i++)
		assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1200 + TS_EDIT_UNDO + 25);
	for (int i = 0; i < TS_EDIT_UNDO; i++)
		assert_true(ts_edit_undo(ed));
	assert_false(ts_edit_undo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1225);
	assert_true(ts_edit_dirty(ed));       /* the clean pattern went off the end */
	for (int i = 0; i < 100; i++)
		assert_true(ts_edit_redo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1325);
	/* New edits reuse the redo steps; the ring goes round several times. */
	for (int i = 0; i < 3 * TS_EDIT_UNDO; i++)
		assert_true(ts_edit_adjust(ed, i % 2 ? -1 : 1));
	assert_false(ts_edit_redo(ed));
	int undone = 0;
	while (ts_edit_undo(ed))
		undone++;
	assert_int_equal(undone, TS_EDIT_UNDO);
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1325);
	ts_edit_free(ed);
}

/* Undo steps back to nothing: how many there were. */
static int undo_all(ts_edit *ed)
{
	int n = 0;
	while (ts_edit_undo(ed))
		n++;
	return n;
}

static void test_undo_group(void **state)
{
	(void)state;
	ts_edit *ed = doc("rich.tsq", rich);
	ts_pattern *p0 = malloc(sizeof(*p0)), *p3 = malloc(sizeof(*p3));
	assert_non_null(p0);
	assert_non_null(p3);
	/* One edit before the group: its step must stay a step of its own. */
	ts_edit_move_to(ed, 5, 5);
	assert_true(ts_edit_toggle(ed));
	memcpy(p0, ts_edit_pattern(ed), sizeof(*p0));
	uint64_t v = ts_edit_version(ed);

	/* Three edits in a group: each a new version, one undo step. */
	assert_false(ts_edit_in_group(ed));
	ts_edit_group_begin(ed);
	assert_true(ts_edit_in_group(ed));
	ts_edit_move_to(ed, 0, 1);
	assert_true(ts_edit_set_note(ed, 62));
	assert_int_equal(ts_edit_version(ed), v + 1);
	ts_edit_group_begin(ed);              /* open already: nothing, the step is kept */
	ts_edit_move_to(ed, 3, 8);
	assert_true(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_version(ed), v + 2);
	assert_true(ts_edit_toggle_mute(ed, 7));
	assert_int_equal(ts_edit_version(ed), v + 3);
	assert_valid(ed);
	ts_edit_group_end(ed);
	assert_false(ts_edit_in_group(ed));
	ts_edit_group_end(ed);                /* closed already: nothing */
	memcpy(p3, ts_edit_pattern(ed), sizeof(*p3));
	assert_true(ts_edit_dirty(ed));

	/* Undo: the pattern before the group, the cursor of its first edit; redo: all three. */
	ts_edit_move_to(ed, 11, 0);
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p0, sizeof(*p0));
	assert_int_equal(ts_edit_get_cursor(ed).track, 0);
	assert_int_equal(ts_edit_get_cursor(ed).step, 1);
	assert_true(ts_edit_redo(ed));
	assert_memory_equal(ts_edit_pattern(ed), p3, sizeof(*p3));
	assert_int_equal(trig_at(ed, 0, 1)->notes[0], 62);
	assert_int_equal(trig_at(ed, 3, 8)->kind, TS_TRIG_NOTE);
	assert_true(track_at(ed, 7)->mute);
	assert_false(ts_edit_redo(ed));
	assert_int_equal(undo_all(ed), 2);    /* the group and the toggle before it */
	assert_false(ts_edit_dirty(ed));

	/* A group that stays open across a refused edit: the refusal records nothing. */
	ts_edit_group_begin(ed);
	ts_edit_move_to(ed, 0, 40);
	assert_false(ts_edit_toggle(ed));     /* beyond the track's length */
	ts_edit_move_to(ed, 0, 2);
	assert_true(ts_edit_toggle(ed));
	ts_edit_group_end(ed);
	assert_int_equal(undo_all(ed), 1);
	free(p0);
	free(p3);
	ts_edit_free(ed);
	empty_dir();
}

static void test_undo_group_empty(void **state)
{
	(void)state;
	ts_edit *ed = doc("a.tsq", one_trig);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	uint64_t v = ts_edit_version(ed);

	/* Nothing in it, or only refused edits: no undo step, no new version. */
	ts_edit_group_begin(ed);
	ts_edit_group_end(ed);
	ts_edit_group_begin(ed);
	ts_edit_move_to(ed, 0, 30);
	assert_false(ts_edit_toggle(ed));
	ts_edit_group_end(ed);
	expect_refused(ed, ts_edit_undo(ed), "nothing to undo", v, &pat);

	/* Edits that undo each other: no step either, and clean again. */
	ts_edit_group_begin(ed);
	ts_edit_move_to(ed, 0, 3);
	assert_true(ts_edit_toggle(ed));
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_toggle(ed));
	ts_edit_group_end(ed);
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	assert_false(ts_edit_dirty(ed));
	assert_false(ts_edit_undo(ed));
	assert_string_equal(ts_edit_message(ed), "nothing to undo");

	/* ... and a step before such a group is still the one undone. */
	select_field(ed, TS_F_TEMPO);
	assert_true(ts_edit_adjust(ed, 1));
	ts_edit_group_begin(ed);
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_adjust(ed, -1));
	ts_edit_group_end(ed);
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1201);
	assert_true(ts_edit_undo(ed));
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	assert_false(ts_edit_undo(ed));
	ts_edit_free(ed);
	empty_dir();
}

static void test_undo_group_ended(void **state)
{
	(void)state;
	ts_edit *ed = doc("a.tsq", one_trig);
	memcpy(&pat, ts_edit_pattern(ed), sizeof(pat));
	select_field(ed, TS_F_TEMPO);

	/* An undo during the group undoes it so far and ends it: later edits are steps of their
	 * own. */
	ts_edit_group_begin(ed);
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_undo(ed));
	assert_false(ts_edit_in_group(ed));
	assert_memory_equal(ts_edit_pattern(ed), &pat, sizeof(pat));
	assert_true(ts_edit_adjust(ed, 5));
	assert_true(ts_edit_adjust(ed, 5));
	assert_true(ts_edit_undo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1205);

	/* Redo ends it too. */
	ts_edit_group_begin(ed);
	assert_true(ts_edit_redo(ed));
	assert_false(ts_edit_in_group(ed));
	assert_false(ts_edit_redo(ed));
	assert_false(ts_edit_in_group(ed));

	/* Saving inside a group: the saved point is the pattern then; the group's later edits make
	 * the document dirty and its undo goes back to before the group. */
	ts_edit_group_begin(ed);
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(ts_edit_save(ed, NULL), TS_OK);
	assert_false(ts_edit_dirty(ed));
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_dirty(ed));
	ts_edit_group_end(ed);
	assert_true(ts_edit_undo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1210);
	assert_true(ts_edit_dirty(ed));
	assert_true(ts_edit_redo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1212);

	/* Opening a file ends the group (its step went with the history). */
	ts_edit_group_begin(ed);
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(ts_edit_open(ed, path_in("a.tsq"), &diags), TS_OK);
	assert_false(ts_edit_in_group(ed));
	assert_true(ts_edit_adjust(ed, 1));
	assert_true(ts_edit_undo(ed));
	assert_false(ts_edit_dirty(ed));
	ts_edit_free(ed);
	empty_dir();
}

static void test_undo_group_limit(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	select_field(ed, TS_F_TEMPO);
	for (int i = 0; i < TS_EDIT_UNDO + 25; i++)
		assert_true(ts_edit_adjust(ed, 1));
	/* A group on a full history takes one step, as one edit would. */
	ts_edit_group_begin(ed);
	for (int i = 0; i < 3; i++)
		assert_true(ts_edit_adjust(ed, 10));
	ts_edit_group_end(ed);
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1200 + TS_EDIT_UNDO + 25 + 30);
	assert_true(ts_edit_undo(ed));
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1200 + TS_EDIT_UNDO + 25);
	assert_int_equal(1 + undo_all(ed), TS_EDIT_UNDO);
	assert_int_equal(ts_edit_pattern(ed)->tempo10, 1200 + 26);
	/* Groups of several edits round the ring: still TS_EDIT_UNDO steps, each a group. */
	for (int g = 0; g < TS_EDIT_UNDO + 10; g++) {
		ts_edit_group_begin(ed);
		assert_true(ts_edit_adjust(ed, 1));
		assert_true(ts_edit_adjust(ed, 1));
		ts_edit_group_end(ed);
	}
	int top = ts_edit_pattern(ed)->tempo10;
	assert_int_equal(undo_all(ed), TS_EDIT_UNDO);
	assert_int_equal(ts_edit_pattern(ed)->tempo10, top - 2 * TS_EDIT_UNDO);
	ts_edit_free(ed);
}

/* ---- saving and recovery ---- */

static void test_save(void **state)
{
	(void)state;
	ts_edit *ed = ts_edit_new(NULL);
	errno = 0;
	assert_int_equal(ts_edit_save(ed, NULL), TS_ERR_USAGE);
	select_field(ed, TS_F_ACCENT);
	assert_true(ts_edit_adjust(ed, 1));
	const char *path = path_in("new.tsq");
	assert_int_equal(ts_edit_save(ed, path), TS_OK);
	assert_string_equal(ts_edit_path(ed), path);
	assert_false(ts_edit_dirty(ed));
	char *first = read_file(path);
	char *want = format(ts_edit_pattern(ed));
	assert_string_equal(first, want);
	free(want);
	assert_string_equal(listing(), "new.tsq");

	/* Saving again keeps the previous file as NAME~ and leaves no temporary file. */
	assert_true(ts_edit_adjust(ed, 1));
	assert_int_equal(ts_edit_save(ed, NULL), TS_OK);
	assert_string_equal(listing(), "new.tsq new.tsq~");
	char *backup = read_file(path_in("new.tsq~"));
	assert_string_equal(backup, first);
	char *second = read_file(path);
	assert_non_null(strstr(second, "accent 34\n"));
	free(first);
	free(backup);
	free(second);

	/* A failed save changes nothing: path, dirtiness, files. */
	assert_true(ts_edit_adjust(ed, 1));
	errno = 0;
	assert_int_equal(ts_edit_save(ed, path_in("no/such/dir.tsq")), TS_ERR_IO);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(ts_edit_path(ed), path);
	assert_true(ts_edit_dirty(ed));
	assert_string_equal(listing(), "new.tsq new.tsq~");

	/* Save as: the document takes the new path. */
	assert_int_equal(ts_edit_save(ed, path_in("other.tsq")), TS_OK);
	assert_string_equal(ts_edit_path(ed), path_in("other.tsq"));
	assert_false(ts_edit_dirty(ed));
	assert_string_equal(listing(), "new.tsq new.tsq~ other.tsq");
	ts_edit_free(ed);
	empty_dir();
}

static void set_mtime(const char *path, time_t sec)
{
	struct timespec ts[2] = {{sec, 0}, {sec, 0}};
	assert_int_equal(utimensat(AT_FDCWD, path, ts, 0), 0);
}

static void test_recovery(void **state)
{
	(void)state;
	ts_edit *ed = doc("a.tsq", rich);
	const char *file = path_in("a.tsq"), *rec = path_in(".a.tsq.recover");
	assert_false(ts_edit_recovery_newer(ed));

	/* Nothing changed since the open: nothing written. */
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);
	assert_false(exists(rec));

	ts_edit_move_to(ed, 0, 1);
	assert_true(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);
	assert_string_equal(listing(), ".a.tsq.recover a.tsq");    /* no ~, no temporary file */
	char *saved = read_file(rec);
	assert_non_null(strstr(saved, "# a comment\ntrigseq 1\n"));  /* comments kept */
	assert_non_null(strstr(saved, "steps xxX. o.-. x... ....\n"));
	free(saved);
	struct stat st;
	assert_int_equal(stat(rec, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	/* Cheap when nothing changed: not written again. */
	unlink(rec);
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);
	assert_false(exists(rec));
	assert_true(ts_edit_toggle(ed));
	assert_true(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);
	assert_true(exists(rec));
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);   /* over an existing one */
	assert_string_equal(listing(), ".a.tsq.recover a.tsq");

	/* Newer than the file by mtime. */
	set_mtime(file, 1000000000);
	set_mtime(rec, 1000000100);
	assert_true(ts_edit_recovery_newer(ed));
	set_mtime(rec, 999999900);
	assert_false(ts_edit_recovery_newer(ed));
	set_mtime(rec, 1000000100);

	/* Another session finds it and recovers: dirty, same path, one undo step. */
	ts_edit *ed2 = ts_edit_new(NULL);
	assert_int_equal(ts_edit_open(ed2, file, &diags), TS_OK);
	assert_true(ts_edit_recovery_newer(ed2));
	memcpy(&pat, ts_edit_pattern(ed2), sizeof(pat));
	uint64_t v = ts_edit_version(ed2);
	assert_int_equal(ts_edit_recover(ed2, &diags), TS_OK);
	assert_true(ts_edit_version(ed2) > v);
	assert_true(ts_edit_dirty(ed2));
	assert_string_equal(ts_edit_path(ed2), file);
	assert_memory_equal(&ts_edit_pattern(ed2)->tracks[0].steps, &ts_edit_pattern(ed)->tracks[0].steps,
			    sizeof(pat.tracks[0].steps));
	assert_int_equal(trig_at(ed2, 0, 1)->kind, TS_TRIG_NOTE);
	assert_true(ts_edit_undo(ed2));
	assert_memory_equal(ts_edit_pattern(ed2), &pat, sizeof(pat));
	assert_false(ts_edit_dirty(ed2));
	assert_true(ts_edit_redo(ed2));

	/* Saving removes it; the file's previous version is the only backup. */
	assert_int_equal(ts_edit_save(ed2, NULL), TS_OK);
	assert_string_equal(listing(), "a.tsq a.tsq~");
	assert_false(ts_edit_recovery_newer(ed2));
	char *back = read_file(path_in("a.tsq~"));
	assert_string_equal(back, rich);
	free(back);
	char *now = read_file(file);
	assert_non_null(strstr(now, "# a comment\ntrigseq 1\n"));
	assert_non_null(strstr(now, "steps xxX. o.-. x... ....\n"));
	free(now);

	/* Back at the saved pattern: the recovery file goes instead of being written. */
	assert_true(ts_edit_toggle_mute(ed2, 0));
	assert_int_equal(ts_edit_write_recovery(ed2), TS_OK);
	assert_true(exists(rec));
	assert_true(ts_edit_undo(ed2));
	assert_int_equal(ts_edit_write_recovery(ed2), TS_OK);
	assert_false(exists(rec));

	/* A broken recovery file: an error, the document unchanged. */
	write_file(rec, "trigseq 1\nbogus 1\n");
	memcpy(&pat, ts_edit_pattern(ed2), sizeof(pat));
	v = ts_edit_version(ed2);
	assert_int_equal(ts_edit_recover(ed2, &diags), TS_ERR_PARSE);
	assert_int_equal(diags.items[0].line, 2);
	assert_int_equal(ts_edit_version(ed2), v);
	assert_memory_equal(ts_edit_pattern(ed2), &pat, sizeof(pat));
	ts_edit_remove_recovery(ed2);
	assert_false(exists(rec));
	assert_int_equal(ts_edit_recover(ed2, &diags), TS_ERR_IO);
	ts_edit_free(ed2);
	ts_edit_free(ed);

	/* The file missing: any recovery file is newer. */
	ed = ts_edit_new(path_in("b.tsq"));
	assert_false(ts_edit_recovery_newer(ed));
	assert_true(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);
	assert_true(exists(path_in(".b.tsq.recover")));
	assert_true(ts_edit_recovery_newer(ed));
	ts_edit_free(ed);
	empty_dir();

	/* Untitled: ".untitled.tsq.recover" in the current folder; save-as removes it. */
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	ed = ts_edit_new(NULL);
	assert_true(ts_edit_toggle(ed));
	assert_int_equal(ts_edit_write_recovery(ed), TS_OK);
	assert_string_equal(listing(), ".untitled.tsq.recover");
	assert_true(ts_edit_recovery_newer(ed));
	assert_int_equal(ts_edit_save(ed, "c.tsq"), TS_OK);
	assert_string_equal(listing(), "c.tsq");
	ts_edit_free(ed);
	assert_int_equal(chdir(cwd), 0);
	empty_dir();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_toggle_round_trip),
		cmocka_unit_test(test_set_note_and_kind),
		cmocka_unit_test(test_set_text),
		cmocka_unit_test(test_trig_fields),
		cmocka_unit_test(test_track_fields),
		cmocka_unit_test(test_pattern_fields),
		cmocka_unit_test(test_change_and_mode),
		cmocka_unit_test(test_track_name),
		cmocka_unit_test(test_clipboard),
		cmocka_unit_test(test_paste_page),
		cmocka_unit_test(test_undo_redo),
		cmocka_unit_test(test_dirty_and_saved_point),
		cmocka_unit_test(test_undo_limit),
		cmocka_unit_test(test_undo_group),
		cmocka_unit_test(test_undo_group_empty),
		cmocka_unit_test(test_undo_group_ended),
		cmocka_unit_test(test_undo_group_limit),
		cmocka_unit_test(test_save),
		cmocka_unit_test(test_recovery),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
