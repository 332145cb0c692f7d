/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `trigseq import-rytm` and `trigseq export-rytm` (rytm_cli.h); the codec is rytm.c. */
#include "trigseq/app/rytm_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/options.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/rytm.h"

#define EXIT_INVALID 1

static const char *const usage_import =
	"usage: trigseq import-rytm DUMP.syx -o OUT.tsq [--pattern A01|0...127] [--force]\n"
	"\n"
	"Convert an Analog Rytm pattern dump (SysEx, FW 1.70 or FW 1.50-1.61 layout) into a\n"
	"pattern file. What trigseq cannot hold (sound locks, parameter locks, the FX track, kit\n"
	"link ...) is listed on stderr, one warning line each, naming the track and steps.\n"
	"  -o, --output OUT.tsq  the pattern file to write (atomically)\n"
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
