/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `trigseq import-rytm` and `trigseq export-rytm` (rytm_cli.h); the codec is rytm.c. */
#include "trigseq/app/rytm_cli.h"

#include <errno.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/options.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/rytm.h"
#include "trigseq/core/songfile.h"

#define EXIT_INVALID 1

static const char *const usage_import =
	"usage: trigseq import-rytm DUMP.syx -o OUT.tsq [--pattern A01|0...127] [--force]\n"
	"       trigseq import-rytm SONG.syx -o OUT.tss [--force]\n"
	"\n"
	"Convert an Analog Rytm pattern dump (SysEx, FW 1.70 or FW 1.50-1.61 layout) into a\n"
	"pattern file. What trigseq cannot hold (sound locks, parameter locks, the FX track, kit\n"
	"link ...) is listed on stderr, one warning line each, naming the track and steps.\n"
	"A file holding a song dump (OS 1.72) and the pattern dumps of its patterns becomes a\n"
	"song OUT.tss and its patterns A01.tsq ... beside it.\n"
	"  -o, --output OUT.tsq  the pattern file to write (atomically); OUT.tss for a song\n"
	"  -p, --pattern P       the pattern to take from a file of several dumps: A01 ... H16,\n"
	"                        or 0 ... 127 (needed when it holds more than one pattern)\n"
	"  -f, --force           replace OUT.tsq if it exists (the old one is kept as OUT.tsq~)\n"
	"Exit status: 0 written (perhaps with warnings), 1 a bad dump or the file not written,\n"
	"2 bad usage.\n";

static const char *const usage_export =
	"usage: trigseq export-rytm FILE.tsq -o DUMP.syx [--pattern A01|0...127] [--force]\n"
	"\n"
	"Write a pattern as an Analog Rytm pattern dump (FW 1.70 layout) to send to the Rytm.\n"
	"What the Rytm cannot hold (chords, cc locks, channels, ports, names ...) is listed on\n"
	"stderr, one warning line each.\n"
	"  -o, --output DUMP.syx  the file to write (atomically)\n"
	"  -p, --pattern P        the pattern slot: A01 ... H16, or 0 ... 127 (default A01)\n"
	"  -f, --force            replace DUMP.syx if it exists (the old one is kept as DUMP.syx~)\n"
	"Exit status: 0 written (perhaps with warnings), 1 an invalid pattern or the file not\n"
	"written, 2 bad usage.\n";

typedef struct {
	const char *in, *out, *pattern;
	bool force;
} rytm_opts;

enum { OPT_OUTPUT, OPT_PATTERN, OPT_FORCE, NOPT };

static const ts_option options[NOPT] = {
	[OPT_OUTPUT] = {"output", 'o', true, 0},
	[OPT_PATTERN] = {"pattern", 'p', true, 0},
	[OPT_FORCE] = {"force", 'f', false, 0},
};

/* The options of both commands. 0 or the usage exit status. Their messages name the argument
 * unquoted, and a flag given a value (--force=1) is an unknown option. */
static int parse(const char *cmd, int argc, char **argv, rytm_opts *o)
{
	*o = (rytm_opts){0};
	ts_opts p;
	ts_opts_begin(&p, options, NOPT, 0, argc, argv);
	for (int opt; (opt = ts_opts_next(&p)) != TS_OPTS_END;) {
		switch (opt) {
		case TS_OPTS_ARG:
			if (o->in)
				return ts_cli_usage(cmd, "one input file only; also given: %s", p.value);
			o->in = p.value;
			break;
		case TS_OPTS_NEEDS_VALUE:
			return ts_cli_usage(cmd, "this option needs a value: %s", p.arg);
		case OPT_OUTPUT:
			o->out = p.value;
			break;
		case OPT_PATTERN:
			o->pattern = p.value;
			break;
		case OPT_FORCE:
			o->force = true;
			break;
		default:
			return ts_cli_usage(cmd, "unknown option %s", p.arg);
		}
	}
	if (!o->in)
		return ts_cli_usage(cmd, "%s", "no input file given");
	if (!o->out)
		return ts_cli_usage(cmd, "no output file: -o %s",
				    strcmp(cmd, "export-rytm") == 0 ? "DUMP.syx" : "OUT.tsq");
	if (o->pattern && ts_rytm_pattern_parse(o->pattern) < 0)
		return ts_cli_usage(cmd, "--pattern: expected A01 ... H16 or 0 ... 127, not %s",
				    o->pattern);
	return 0;
}

static void print_warnings(const char *file, const ts_rytm_warnings *w)
{
	for (size_t i = 0; i < ts_rytm_warnings_count(w); i++)
		fprintf(stderr, "trigseq: warning: %s: %s\n", file, ts_rytm_warnings_get(w, i));
}

/* The whole file, at most TS_RYTM_FILE_MAX bytes; NULL after printing why. */
static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "trigseq: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	uint8_t *buf = malloc(TS_RYTM_FILE_MAX + 1);
	size_t n = buf ? fread(buf, 1, TS_RYTM_FILE_MAX + 1, f) : 0;
	int e = errno;
	bool bad = !buf || ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "trigseq: %s: %s\n", path, buf ? strerror(e) : ts_strerror(TS_ERR_NOMEM));
		free(buf);
		return NULL;
	}
	if (n > TS_RYTM_FILE_MAX) {
		fprintf(stderr, "trigseq: %s: over %u bytes: not a pattern dump (one is %u bytes)\n",
			path, TS_RYTM_FILE_MAX, TS_RYTM_V5_SYSEX_SIZE);
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

static unsigned write_flags(bool force)
{
	return force ? TS_FILE_BACKUP : TS_FILE_NO_CLOBBER;
}

static void write_failed(const char *path, ts_status st)
{
	if (st == TS_ERR_IO && errno == EEXIST)
		fprintf(stderr, "trigseq: %s exists: not replaced (use --force)\n", path);
	else
		fprintf(stderr, "trigseq: %s not written: %s\n", path,
			st == TS_ERR_IO ? strerror(errno) : ts_strerror(st));
}

/* TRK SEND MIDI is off on the Rytm by default, and the import keeps it: say so when no track
 * with trigs will send MIDI, or the pattern looks broken when it plays nothing. */
static void note_silent(const char *file, const ts_pattern *pat)
{
	int with_trigs = 0, sending = 0;
	for (int i = 0; i < TS_TRACKS; i++) {
		const ts_track *t = &pat->tracks[i];
		bool any = false;
		uint8_t hit[TS_MAX_STEPS];
		for (int k = 0; k < t->length && !any; k++)
			any = t->steps[k].kind != TS_TRIG_NONE;
		if (t->euclid.on)   /* hits play '.' too */
			any = ts_euclid_hits(t, hit) > 0;
		with_trigs += any;
		sending += any && t->send_midi;
	}
	if (with_trigs && !sending)
		fprintf(stderr, "trigseq: note: %s: no track with trigs has TRK SEND MIDI on, so the "
				"pattern sends no MIDI as it is (set send-midi on where wanted)\n", file);
}

/* A string of the song file: quoted, with \" and \\. */
static size_t put_quoted(char *buf, size_t at, size_t size, const char *s)
{
	at += (size_t)snprintf(buf + at, at < size ? size - at : 0, "\"");
	for (; *s; s++)
		at += (size_t)snprintf(buf + at, at < size ? size - at : 0, "%s%c",
				       *s == '"' || *s == '\\' ? "\\" : "", *s);
	return at + (size_t)snprintf(buf + at, at < size ? size - at : 0, "\"");
}

/* The song as .tss text (song-format §7): a Rytm row [P1 ... Pm] x r is rows P1 ... Pm with
 * their positions' mutes, then `loop FIRST r-1` when r > 1 (`row P1 repeat r` when m = 1). */
static char *song_text(const ts_rytm_song *song, size_t *len)
{
	size_t size = 256 + (size_t)song->npos * 64 + (size_t)song->nrows * 24;
	char *buf = malloc(size);
	if (!buf)
		return NULL;
	size_t at = (size_t)snprintf(buf, size, "trigseq-song 1\n# Analog Rytm song %d, imported: "
				     "a Rytm row of m patterns repeated r times is m rows and a "
				     "loop\n", song->number + 1);
	if (song->name[0]) {
		at += (size_t)snprintf(buf + at, size - at, "name ");
		at = put_quoted(buf, at, size, song->name);
		at += (size_t)snprintf(buf + at, size - at, "\n");
	}
	at += (size_t)snprintf(buf + at, size - at, "\n");
	int row = 0;
	for (int r = 0; r < song->nrows; r++) {
		int first = row + 1, m = song->rows[r].npos, rep = song->rows[r].repeats;
		for (int j = 0; j < m; j++) {
			int p = song->pos[song->rows[r].first + j].pattern;
			unsigned mutes = song->pos[song->rows[r].first + j].mutes;
			at += (size_t)snprintf(buf + at, size - at, "row \"%c%02d.tsq\"", 'A' + p / 16,
					       p % 16 + 1);
			if (m == 1 && rep > 1)
				at += (size_t)snprintf(buf + at, size - at, " repeat %d", rep);
			for (int t = 0, n = 0; t < TS_TRACKS; t++)
				if (mutes >> t & 1)
					at += (size_t)snprintf(buf + at, size - at, "%s%d",
							       n++ ? "," : " mute ", t + 1);
			at += (size_t)snprintf(buf + at, size - at, "\n");
			row++;
		}
		if (m > 1 && rep > 1)
			at += (size_t)snprintf(buf + at, size - at, "loop %d %d\n", first, rep - 1);
	}
	if (at >= size) {
		free(buf);
		return NULL;
	}
	*len = at;
	return buf;
}

/* OUT's folder joined to NAME. */
static void beside(const char *out, const char *name, char *path, size_t size)
{
	const char *slash = strrchr(out, '/');
	int dir = slash ? (int)(slash - out + 1) : 0;
	snprintf(path, size, "%.*s%s", dir, out, name);
}

/* import-rytm of a file holding a song dump: every pattern of the song must be in the file; the
 * song and its patterns are all converted before any file is written, and no file is replaced
 * without --force. */
static int import_song(const rytm_opts *o, const uint8_t *data, size_t len, const ts_rytm_song *song,
		       ts_rytm_warnings *w)
{
	if (!ts_songfile_is_song(o->out))
		return ts_cli_usage("import-rytm", "%s holds a song dump: the output is a song, "
				    "-o NAME.tss (its patterns go beside it)", o->in);
	if (o->pattern)
		return ts_cli_usage("import-rytm", "%s holds a song dump: --pattern chooses a "
				    "pattern dump, a song imports all of its patterns", o->in);
	bool used[128] = {false};
	int order[128], n = 0;
	for (int i = 0; i < song->npos; i++)
		if (!used[song->pos[i].pattern]) {
			used[song->pos[i].pattern] = true;
			order[n++] = song->pos[i].pattern;
		}
	char **texts = calloc((size_t)n + 1, sizeof(*texts));
	size_t *lens = calloc((size_t)n + 1, sizeof(*lens));
	ts_pattern *pat = malloc(sizeof(*pat));
	int rc = 0;
	if (!texts || !lens || !pat) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		rc = EXIT_INVALID;
	}
	for (int i = 0; i < n && !rc; i++) {
		char err[TS_RYTM_ERR_MAX] = "";
		ts_rytm_warnings *pw = ts_rytm_warnings_new();
		ts_rytm_info info;
		ts_status st = pw ? ts_rytm_import_pattern(data, len, order[i], pat, &info, pw, err)
				  : TS_ERR_NOMEM;
		if (st == TS_OK && !(texts[i] = ts_patfile_format(pat, NULL, &lens[i])))
			st = TS_ERR_NOMEM;
		char name[16];
		snprintf(name, sizeof(name), "%c%02d", 'A' + order[i] / 16, order[i] % 16 + 1);
		if (st != TS_OK) {
			fprintf(stderr, "trigseq: %s: the song plays pattern %s: %s; nothing written\n",
				o->in, name, st == TS_ERR_PARSE ? err : ts_strerror(st));
			rc = EXIT_INVALID;
		}
		for (size_t k = 0; pw && k < ts_rytm_warnings_count(pw); k++)
			fprintf(stderr, "trigseq: warning: %s: pattern %s: %s\n", o->in, name,
				ts_rytm_warnings_get(pw, k));
		ts_rytm_warnings_free(pw);
	}
	if (!rc && !(texts[n] = song_text(song, &lens[n]))) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		rc = EXIT_INVALID;
	}
	char path[4096];
	for (int i = 0; i < n && !rc && !o->force; i++) {
		char name[16];
		snprintf(name, sizeof(name), "%c%02d.tsq", 'A' + order[i] / 16, order[i] % 16 + 1);
		beside(o->out, name, path, sizeof(path));
		if (access(path, F_OK) == 0) {
			fprintf(stderr, "trigseq: %s exists: not replaced (use --force); nothing "
					"written\n", path);
			rc = EXIT_INVALID;
		}
	}
	if (!rc && !o->force && access(o->out, F_OK) == 0) {
		fprintf(stderr, "trigseq: %s exists: not replaced (use --force); nothing written\n",
			o->out);
		rc = EXIT_INVALID;
	}
	if (!rc)
		print_warnings(o->in, w);
	for (int i = 0; i <= n && !rc; i++) {
		char name[16];
		snprintf(name, sizeof(name), "%c%02d.tsq", i < n ? 'A' + order[i] / 16 : 'A',
			 i < n ? order[i] % 16 + 1 : 1);
		if (i < n)
			beside(o->out, name, path, sizeof(path));
		else
			snprintf(path, sizeof(path), "%s", o->out);
		ts_status st = ts_file_replace(path, texts[i], lens[i], write_flags(o->force));
		if (st != TS_OK) {
			write_failed(path, st);
			rc = EXIT_INVALID;
		}
	}
	if (!rc) {
		size_t nw = ts_rytm_warnings_count(w);
		printf("%s: song %d%s%s%s (OS 1.72 layout, device %d): %d Rytm row%s, %d pattern%s "
		       "beside it, %zu song warning%s\n", o->out, song->number + 1,
		       song->name[0] ? " \"" : "", song->name, song->name[0] ? "\"" : "",
		       song->device, song->nrows, song->nrows == 1 ? "" : "s", n, n == 1 ? "" : "s", nw,
		       nw == 1 ? "" : "s");
	}
	for (int i = 0; texts && i <= n; i++)
		free(texts[i]);
	free(texts);
	free(lens);
	free(pat);
	return rc;
}

int ts_rytm_import_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_import, stdout);
		return 0;
	}
	rytm_opts o;
	int rc = parse("import-rytm", argc, argv, &o);
	if (rc)
		return rc;
	size_t len = 0;
	uint8_t *data = read_file(o.in, &len);
	if (!data)
		return EXIT_INVALID;
	/* a song dump (with the pattern dumps of its patterns) */
	ts_rytm_song *song = malloc(sizeof(*song));
	ts_rytm_warnings *sw = ts_rytm_warnings_new();
	bool found = false;
	char serr[TS_RYTM_ERR_MAX] = "";
	ts_status sst = song && sw ? ts_rytm_import_song(data, len, song, &found, sw, serr)
				   : TS_ERR_NOMEM;
	if (sst == TS_ERR_NOMEM || (sst == TS_ERR_PARSE && found)) {
		fprintf(stderr, "trigseq: %s: %s; nothing written\n", o.in,
			sst == TS_ERR_PARSE ? serr : ts_strerror(sst));
		rc = EXIT_INVALID;
	} else if (sst == TS_OK && found) {
		rc = import_song(&o, data, len, song, sw);
	}
	free(song);
	ts_rytm_warnings_free(sw);
	if (rc || found) {
		free(data);
		return rc;
	}
	ts_pattern *pat = malloc(sizeof(*pat));
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	char err[TS_RYTM_ERR_MAX] = "";
	ts_rytm_info info;
	int number = o.pattern ? ts_rytm_pattern_parse(o.pattern) : -1;
	ts_status st = pat && w ? ts_rytm_import_select(data, len, number, pat, &info, w, err)
				: TS_ERR_NOMEM;
	free(data);
	char *text = NULL;
	size_t tlen = 0;
	if (st == TS_OK && !(text = ts_patfile_format(pat, NULL, &tlen)))
		st = TS_ERR_NOMEM;
	if (st != TS_OK) {
		fprintf(stderr, "trigseq: %s: %s; nothing written\n", o.in,
			st == TS_ERR_PARSE ? err : ts_strerror(st));
		rc = EXIT_INVALID;
	} else {
		print_warnings(o.in, w);
		note_silent(o.in, pat);
		st = ts_file_replace(o.out, text, tlen, write_flags(o.force));
		if (st != TS_OK) {
			write_failed(o.out, st);
			rc = EXIT_INVALID;
		} else {
			size_t nw = ts_rytm_warnings_count(w);
			printf("%s: pattern %c%02d (FW %s layout, device %d), %zu warning%s\n", o.out,
			       'A' + info.number / 16, info.number % 16 + 1,
			       info.layout == 5 ? "1.70" : "1.50-1.61", info.device, nw,
			       nw == 1 ? "" : "s");
		}
	}
	free(text);
	free(pat);
	ts_rytm_warnings_free(w);
	return rc;
}

int ts_rytm_export_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_export, stdout);
		return 0;
	}
	rytm_opts o;
	int rc = parse("export-rytm", argc, argv, &o);
	if (rc)
		return rc;
	int number = o.pattern ? ts_rytm_pattern_parse(o.pattern) : 0;
	static ts_diags diags;
	ts_pattern *pat = malloc(sizeof(*pat));
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	if (!pat || !w) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		free(pat);
		ts_rytm_warnings_free(w);
		return EXIT_INVALID;
	}
	ts_status st = ts_patfile_load(o.in, pat, NULL, &diags);
	if (st != TS_OK) {
		if (st == TS_ERR_NOMEM)
			fprintf(stderr, "%s: %s\n", o.in, ts_strerror(st));
		else
			ts_diags_print(stderr, o.in, &diags);
		free(pat);
		ts_rytm_warnings_free(w);
		return EXIT_INVALID;
	}
	uint8_t *dump = NULL;
	size_t len = 0;
	st = ts_rytm_export(pat, number, &dump, &len, w);
	free(pat);
	if (st == TS_OK) {
		print_warnings(o.in, w);
		st = ts_file_replace(o.out, dump, len, write_flags(o.force));
		if (st != TS_OK)
			write_failed(o.out, st);
	} else {
		fprintf(stderr, "trigseq: %s: %s\n", o.in, ts_strerror(st));
	}
	if (st == TS_OK) {
		size_t nw = ts_rytm_warnings_count(w);
		printf("%s: pattern %c%02d, %zu bytes (FW 1.70 layout), %zu warning%s\n", o.out,
		       'A' + number / 16, number % 16 + 1, len, nw, nw == 1 ? "" : "s");
	}
	free(dump);
	ts_rytm_warnings_free(w);
	return st == TS_OK ? 0 : EXIT_INVALID;
}
