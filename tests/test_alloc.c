/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out of memory in every module of src/core that allocates: each operation runs with its first
 * allocation failing, then its second, ... (tests/failalloc.h), and must report the failure, free
 * what it took, and not crash, until it runs through. Each test prints how many failure points
 * its sweep went through.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, for failalloc.h */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failalloc.h"

#include "trigseq/core/edit.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/monitor.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/rytm.h"
#include "trigseq/core/smf.h"
#include "trigseq/core/sysex.h"

static char dir[] = "/tmp/trigseq-test-alloc-XXXXXX";

/* the whole of a file, read with no failure armed */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *b = malloc(TS_FILE_MAX);
	assert_non_null(b);
	*len = fread(b, 1, TS_FILE_MAX, f);
	fclose(f);
	return b;
}

static void put(const char *path, const void *b, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void swept(const char *what, long points)
{
	print_message("%s: %ld failure points\n", what, points);
	assert_true(points > 0);
}

/* ---- patfile: parse a file with comments, format it again ---- */

struct text {
	const char *b;
	size_t len;
};

static bool parse_format(void *ctx)
{
	const struct text *t = ctx;
	ts_pattern *pat = malloc(sizeof(*pat));
	ts_diags *diags = malloc(sizeof(*diags));
	ts_comments *com = NULL;
	bool ok = false;
	if (pat && diags && ts_patfile_parse(t->b, t->len, pat, &com, diags) == TS_OK) {
		size_t n;
		char *s = ts_patfile_format(pat, com, &n);
		ok = s != NULL;
		free(s);
	}
	ts_comments_free(com);
	free(diags);
	free(pat);
	return ok;
}

static void patfile_parse_and_format(void **state)
{
	(void)state;
	struct text t;
	char *b = slurp("tests/cli/messy.tsq", &t.len);
	t.b = b;
	swept("patfile parse and format", fa_sweep(parse_format, &t));
	free(b);
}

/* ---- patfile: load a file, save it (fileio's transaction, the backup) ---- */

static bool load_save(void *ctx)
{
	(void)ctx;
	char path[64];
	snprintf(path, sizeof(path), "%s/saved.tsq", dir);
	ts_pattern *pat = malloc(sizeof(*pat));
	ts_diags *diags = malloc(sizeof(*diags));
	ts_comments *com = NULL;
	bool ok = pat && diags && ts_patfile_load("patterns/rytm-drums.tsq", pat, &com, diags) == TS_OK &&
		  ts_patfile_save(path, pat, com) == TS_OK;
	ts_comments_free(com);
	free(diags);
	free(pat);
	return ok;
}

static void patfile_load_and_save(void **state)
{
	(void)state;
	/* twice: a first save makes the file, the others replace it and keep NAME~ */
	assert_true(load_save(NULL));
	swept("patfile load and save", fa_sweep(load_save, NULL));
}

/* ---- fileio: replace a file ---- */

static bool replace(void *ctx)
{
	(void)ctx;
	char path[64];
	snprintf(path, sizeof(path), "%s/replaced", dir);
	return ts_file_replace(path, "trigseq\n", 8, TS_FILE_PRIVATE) == TS_OK;
}

static void fileio_replace(void **state)
{
	(void)state;
	assert_true(replace(NULL));
	swept("fileio replace", fa_sweep(replace, NULL));
}

/* ---- engine: a chain of three patterns ---- */

static bool engine_chain(void *ctx)
{
	const ts_pattern *pats = ctx;
	ts_engine_config cfg = {.rate = 48000, .chain_max = 3, .send_clock = true};
	ts_engine *eng = ts_engine_new(&cfg);
	if (!eng)
		return false;
	bool ok = ts_engine_load_chain(eng, pats, 3) == TS_OK;
	ts_engine_free(eng);
	return ok;
}

static void engine_new_and_load(void **state)
{
	(void)state;
	ts_pattern *pats = malloc(3 * sizeof(*pats));
	ts_diags *diags = malloc(sizeof(*diags));
	const char *files[] = {"patterns/virus-acid.tsq", "patterns/rd8-map.tsq", "patterns/rev2-chords.tsq"};
	for (int i = 0; i < 3; i++)
		assert_int_equal(ts_patfile_load(files[i], &pats[i], NULL, diags), TS_OK);
	swept("engine new and chain load", fa_sweep(engine_chain, pats));
	free(diags);
	free(pats);
}

/* ---- edit: open, edit, undo, redo, save, write the recovery file ---- */

static bool edit_session(void *ctx)
{
	(void)ctx;
	char path[64];
	snprintf(path, sizeof(path), "%s/edit.tsq", dir);
	ts_diags *diags = malloc(sizeof(*diags));
	ts_edit *ed = ts_edit_new(path);
	if (!diags || !ed) {
		free(diags);
		ts_edit_free(ed);
		return false;
	}
	bool ok = ts_edit_open(ed, path, diags) == TS_OK && ts_edit_toggle(ed);
	ts_edit_move(ed, 1, 2);
	ok = ok && ts_edit_toggle(ed) && ts_edit_set_note(ed, 40);
	ok = ok && ts_edit_undo(ed) && ts_edit_redo(ed);
	ok = ok && ts_edit_write_recovery(ed) == TS_OK && ts_edit_recover(ed, diags) == TS_OK;
	ok = ok && ts_edit_save(ed, NULL) == TS_OK;
	/* save as: the document takes the new name */
	char other[64];
	snprintf(other, sizeof(other), "%s/other.tsq", dir);
	ok = ok && ts_edit_toggle(ed) && ts_edit_save(ed, other) == TS_OK;
	ts_edit_free(ed);
	free(diags);
	return ok;
}

static void edit_document(void **state)
{
	(void)state;
	char path[64];
	snprintf(path, sizeof(path), "%s/edit.tsq", dir);
	size_t len;
	char *b = slurp("patterns/virus-acid.tsq", &len);
	put(path, b, len);
	free(b);
	swept("edit open, edits, undo, redo, recovery, save, save as", fa_sweep(edit_session, NULL));
}

/* ---- smf: a file of two tracks ---- */

static bool smf_file(void *ctx)
{
	(void)ctx;
	ts_smf *smf = ts_smf_new(960);
	if (!smf)
		return false;
	bool ok = ts_smf_tempo(smf, 0, 1200) == TS_OK && ts_smf_time_signature(smf, 0, 4, 2) == TS_OK;
	int t = ok ? ts_smf_add_track(smf, "bass") : -1;
	ok = t >= 0;
	/* enough events to grow the track's buffer a few times */
	for (int i = 0; ok && i < 2000; i++) {
		const uint8_t ev[] = {(uint8_t)(i % 2 ? 0x80 : 0x90), (uint8_t)(36 + i % 24), 100};
		ok = ts_smf_event(smf, t, (uint64_t)i * 120, ev, 3) == TS_OK;
	}
	size_t len;
	uint8_t *b = ok ? ts_smf_bytes(smf, 240000, &len) : NULL;
	ok = b != NULL;
	free(b);
	ts_smf_free(smf);
	return ok;
}

static void smf_assembly(void **state)
{
	(void)state;
	swept("smf assembly", fa_sweep(smf_file, NULL));
}

/* ---- sysex: read a file, split it, assemble it as received ---- */

static bool sysex_read(void *ctx)
{
	const char *path = ctx;
	uint8_t *data;
	size_t len, n;
	ts_sysex_span *spans = NULL;
	ts_sysex_error err;
	bool ok = ts_sysex_read_file(path, &data, &len) == TS_OK;
	if (ok) {
		ok = ts_sysex_split(data, len, &spans, &n, &err) == TS_OK;
		free(spans);
		free(data);
	}
	return ok;
}

static bool sysex_receive(void *ctx)
{
	const struct text *t = ctx;
	ts_sysex_rx *rx = ts_sysex_rx_new(1 << 20);
	if (!rx)
		return false;
	bool ok = ts_sysex_rx_feed(rx, (const uint8_t *)t->b, t->len) == TS_OK;
	ts_sysex_rx_end(rx);
	ts_sysex_rx_free(rx);
	return ok;
}

static void sysex_file_and_receive(void **state)
{
	(void)state;
	/* three messages, the last long enough to grow the assembler's buffer */
	static uint8_t b[3 + 4 + 9000];
	memcpy(b, (const uint8_t[]){0xF0, 0x41, 0xF7, 0xF0, 0x42, 0x01, 0xF7}, 7);
	memset(b + 7, 0x11, sizeof(b) - 7);
	b[7] = 0xF0;
	b[sizeof(b) - 1] = 0xF7;
	char path[64];
	snprintf(path, sizeof(path), "%s/x.syx", dir);
	put(path, b, sizeof(b));
	swept("sysex read and split", fa_sweep(sysex_read, path));
	struct text t = {(const char *)b, sizeof(b)};
	swept("sysex receive", fa_sweep(sysex_receive, &t));
}

/* ---- rytm: export a pattern, import the dump ---- */

struct rytm_ctx {
	ts_pattern *pat;
	uint8_t *dump;
	size_t len;
};

static bool rytm_export(void *ctx)
{
	struct rytm_ctx *c = ctx;
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	uint8_t *out = NULL;
	size_t len;
	bool ok = w && ts_rytm_export(c->pat, 5, &out, &len, w) == TS_OK;
	free(out);
	ts_rytm_warnings_free(w);
	return ok;
}

static bool rytm_import(void *ctx)
{
	struct rytm_ctx *c = ctx;
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	ts_pattern *pat = malloc(sizeof(*pat));
	char err[TS_RYTM_ERR_MAX];
	bool ok = w && pat && ts_rytm_import(c->dump, c->len, pat, NULL, w, err) == TS_OK;
	free(pat);
	ts_rytm_warnings_free(w);
	return ok;
}

/* a bank of two dumps (patterns 5 and 9): pattern 9 chosen */
static bool rytm_import_bank(void *ctx)
{
	struct rytm_ctx *c = ctx;
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	ts_pattern *pat = malloc(sizeof(*pat));
	char err[TS_RYTM_ERR_MAX];
	ts_rytm_info info;
	bool ok = w && pat && ts_rytm_import_select(c->dump, c->len, 9, pat, &info, w, err) == TS_OK &&
		  info.number == 9;
	free(pat);
	ts_rytm_warnings_free(w);
	return ok;
}

static void rytm_export_and_import(void **state)
{
	(void)state;
	struct rytm_ctx c;
	c.pat = malloc(sizeof(*c.pat));
	ts_diags *diags = malloc(sizeof(*diags));
	/* virus-acid has what the Rytm cannot hold: the export warns, the warnings grow */
	assert_int_equal(ts_patfile_load("patterns/virus-acid.tsq", c.pat, NULL, diags), TS_OK);
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	assert_int_equal(ts_rytm_export(c.pat, 5, &c.dump, &c.len, w), TS_OK);
	assert_true(ts_rytm_warnings_count(w) > 1);
	ts_rytm_warnings_free(w);
	swept("rytm export", fa_sweep(rytm_export, &c));
	swept("rytm import", fa_sweep(rytm_import, &c));
	uint8_t *nine;
	size_t len;
	w = ts_rytm_warnings_new();
	assert_int_equal(ts_rytm_export(c.pat, 9, &nine, &len, w), TS_OK);
	ts_rytm_warnings_free(w);
	struct rytm_ctx bank = {c.pat, malloc(c.len + len), c.len + len};
	assert_non_null(bank.dump);
	memcpy(bank.dump, c.dump, c.len);
	memcpy(bank.dump + c.len, nine, len);
	swept("rytm import from a bank", fa_sweep(rytm_import_bank, &bank));
	free(bank.dump);
	free(nine);
	free(c.dump);
	free(diags);
	free(c.pat);
}

/* ---- monitor ring, SysEx ring (real-time memory) ---- */

static bool monitor_ring(void *ctx)
{
	(void)ctx;
	ts_monitor *m = ts_monitor_new(1024);
	ts_monitor_free(m);
	return m != NULL;
}

static bool sysex_ring(void *ctx)
{
	(void)ctx;
	ts_sysex_ring *r = ts_sysex_ring_new(4096);
	ts_sysex_ring_free(r);
	return r != NULL;
}

static void rt_rings(void **state)
{
	(void)state;
	swept("monitor ring", fa_sweep(monitor_ring, NULL));
	swept("sysex ring", fa_sweep(sysex_ring, NULL));
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	const char *names[] = {"saved.tsq", "saved.tsq~", "replaced", "replaced~", "edit.tsq", "edit.tsq~",
			       ".edit.tsq.recover", "other.tsq", "other.tsq~", ".other.tsq.recover", "x.syx"};
	char path[96];
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(patfile_parse_and_format),
		cmocka_unit_test(patfile_load_and_save),
		cmocka_unit_test(fileio_replace),
		cmocka_unit_test(engine_new_and_load),
		cmocka_unit_test(edit_document),
		cmocka_unit_test(smf_assembly),
		cmocka_unit_test(sysex_file_and_receive),
		cmocka_unit_test(rytm_export_and_import),
		cmocka_unit_test(rt_rings),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
