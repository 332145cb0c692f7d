/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: `trigseq check | fmt | dump | export | render | play`. Only argument handling and printing live here. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sndfile.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/engine.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/pattern.h"
#include "trigseq/app/play.h"
#include "trigseq/app/rytm_cli.h"
#include "trigseq/core/smf.h"
#include "trigseq/app/sysex_io.h"
#include "trigseq/ui/ui.h"
#include "trigseq/rt/voice.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char *const usage_main =
	"usage: trigseq [FILE.tsq] [OPTIONS]     the terminal editor\n"
	"       trigseq COMMAND [OPTIONS] FILE...\n"
	"\n"
	"A step sequencer with Elektron Analog Rytm semantics for JACK MIDI.\n"
	"\n"
	"commands:\n"
	"  check FILE...          validate pattern files; silent and exit 0 when all are valid\n"
	"  fmt FILE... [--write]  print the canonical form (or rewrite the files atomically)\n"
	"  dump FILE... [OPTIONS] print every MIDI event the engine sends, frame by frame\n"
	"  play FILE... [OPTIONS] play a pattern (several: a chain) on JACK until a signal or\n"
	"                         --duration\n"
	"  export FILE... -o OUT.mid [OPTIONS]\n"
	"                         write what the engine sends as a Standard MIDI File\n"
	"  render FILE... -o OUT.wav [OPTIONS]\n"
	"                         play the sample voices offline into an audio file\n"
	"  sysex send FILE.syx --to PORT | sysex recv -o FILE.syx\n"
	"                         send a SysEx file paced, or record one (a librarian)\n"
	"  import-rytm DUMP.syx -o OUT.tsq\n"
	"                         convert an Analog Rytm pattern dump into a pattern file\n"
	"  export-rytm FILE.tsq -o DUMP.syx [--pattern A01]\n"
	"                         write a pattern as an Analog Rytm pattern dump\n"
	"\n"
	"options:\n"
	"  -h, --help             this help; 'trigseq COMMAND --help' for a command\n"
	"  -V, --version          print the version\n"
	"\n"
	"Exit status: 0 success, 1 invalid pattern or file error, 2 bad usage.\n"
	"See trigseq(1).\n";

static const char *const usage_check =
	"usage: trigseq check FILE...\n"
	"\n"
	"Validate pattern files. Valid files print nothing; every problem is printed as\n"
	"FILE:LINE:COL: what is wrong, what was expected.\n"
	"Exit status: 0 all valid, 1 a file is invalid or unreadable, 2 bad usage.\n";

static const char *const usage_fmt =
	"usage: trigseq fmt FILE... [--write | --check]\n"
	"\n"
	"Print the canonical form of pattern files (comments are kept).\n"
	"  -w, --write   rewrite each file in place, atomically, keeping FILE~ as the old version\n"
	"                (files already canonical are left untouched)\n"
	"  -c, --check   print nothing; exit 1 and name each file that is not canonical\n"
	"Exit status: 0 success, 1 an invalid or non-canonical file, 2 bad usage.\n";

static const char *const usage_export =
	"usage: trigseq export FILE... -o OUT.mid [--bars N] [--bpm T] [--seed S] [--fill]\n"
	"\n"
	"Write what the engine sends in the first N bars as a Standard MIDI File: format 1,\n"
	"960 ticks per quarter note, a conductor track (pattern name, tempo, 4/4) and one track\n"
	"per sequencer track that sends MIDI (channel on, send-midi on), named with its number,\n"
	"name and port. Every event is at the tick nearest its exact time; what 'trigseq dump'\n"
	"prints, event for event. The file is replaced atomically.\n"
	"  -o, --output OUT.mid  the file to write\n"
	"  -b, --bars N          bars of 16 steps at 1x (default 4, at most 100000)\n"
	"  -t, --bpm T           tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S          seed of the probability draws (default 0)\n"
	"  -f, --fill            fill mode on\n"
	"Several files play as a chain, as with 'trigseq dump'.\n"
	"Exit status: 0 success, 1 invalid pattern or the file not written, 2 bad usage.\n";

static const char *const usage_render =
	"usage: trigseq render FILE... -o OUT.wav [--bars N] [--rate HZ] [--bpm T] [--seed S] [--fill]\n"
	"                      [--click]\n"
	"\n"
	"Play the sample voices (tracks with a sample and dest int or int+ext) of the first N bars\n"
	"offline, with the engine and mixer that play them live, into a stereo audio file: each\n"
	"hit at the frame 'trigseq dump' gives it, followed by the ring-out of the hits still\n"
	"sounding at the end. The extension chooses the format: .wav, .aiff (24-bit), .flac\n"
	"(24-bit), .ogg (Vorbis). The file is replaced atomically.\n"
	"  -o, --output OUT.wav  the file to write\n"
	"  -b, --bars N          bars of 16 steps at 1x (default 4, at most 100000)\n"
	"  -r, --rate HZ         sample rate (default 48000; 8000 ... 384000)\n"
	"  -t, --bpm T           tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S          seed of the probability draws (default 0)\n"
	"  -f, --fill            fill mode on\n"
	"  -k, --click           the metronome too, as 'trigseq play --click' plays it\n"
	"Several files play as a chain, as with 'trigseq dump', each pattern's hits with its own\n"
	"samples. A sample that cannot be read is named on stderr with the reason; the other\n"
	"tracks still render, and the exit status is 1.\n"
	"Exit status: 0 success, 1 invalid pattern, unreadable sample or the file not written,\n"
	"2 bad usage.\n";

static const char *const usage_dump =
	"usage: trigseq dump FILE... [--bars N] [--rate HZ] [--bpm T] [--seed S] [--fill] [--clock]\n"
	"                    [--click]\n"
	"\n"
	"Print every event the engine sends for the first N bars, one line each:\n"
	"  <frame> <port> <byte> <byte> ...\n"
	"  -b, --bars N    bars of 16 steps at 1x to play (default 4, at most 100000)\n"
	"  -r, --rate HZ   sample rate (default 48000; 1000 ... 384000)\n"
	"  -t, --bpm T     tempo 30.0 ... 300.0 instead of the pattern's\n"
	"  -s, --seed S    seed of the probability draws (default 0)\n"
	"  -f, --fill      fill mode on (fill / !fill conditions)\n"
	"  -c, --clock     add MIDI clock on port clock_out (FA, F8 every tick, FC)\n"
	"  -k, --click     add the metronome's clicks on the pseudo port click: 90 01 7F on a\n"
	"                  bar's first beat, 90 00 7F on the other quarter notes\n"
	"Several files play as a chain, as with 'trigseq play': each pattern until its change\n"
	"point, then the next, looping, at the first one's tempo (or --bpm).\n"
	"Exit status: 0 success, 1 invalid pattern, 2 bad usage.\n";


/* An option of a command: long and short names, and whether it takes a value. */
typedef struct {
	const char *name;
	char short_name;
	bool has_value;
} option_def;

typedef struct {
	int opt;           /* index into the option table, or -1 for a positional argument */
	const char *value; /* the option's value, or the positional argument */
} parsed_arg;

/* Split argv into options and positionals; "--" ends options. Returns the count, or -1 after
 * printing a usage error. */
static int parse_args(const char *cmd, int argc, char **argv, const option_def *defs, int ndefs,
		      parsed_arg *out)
{
	int n = 0;
	bool only_pos = false;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (only_pos || a[0] != '-' || a[1] == '\0') {
			out[n++] = (parsed_arg){-1, a};
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = true;
			continue;
		}
		const char *eq = NULL;
		int found = -1;
		for (int d = 0; d < ndefs; d++) {
			if (a[1] == '-') {
				size_t len = strcspn(a + 2, "=");
				if (strlen(defs[d].name) == len && strncmp(a + 2, defs[d].name, len) == 0) {
					found = d;
					eq = a[2 + len] == '=' ? a + 3 + len : NULL;
				}
			} else if (a[1] == defs[d].short_name && a[2] == '\0') {
				found = d;
			}
		}
		if (found < 0) {
			ts_cli_usage(cmd, "unknown option '%s'", a);
			return -1;
		}
		const char *value = NULL;
		if (defs[found].has_value) {
			if (eq) {
				value = eq;
			} else if (i + 1 < argc) {
				value = argv[++i];
			} else {
				ts_cli_usage(cmd, "option '%s' needs a value", a);
				return -1;
			}
		} else if (eq) {
			ts_cli_usage(cmd, "option '%s' takes no value", a);
			return -1;
		}
		out[n++] = (parsed_arg){found, value};
	}
	return n;
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

/* Load a pattern, printing its problems. */
static bool load_or_report(const char *path, ts_pattern *pat, ts_comments **comments)
{
	static ts_diags diags;
	ts_status st = ts_patfile_load(path, pat, comments, &diags);
	if (st == TS_OK)
		return true;
	if (st == TS_ERR_NOMEM)
		fprintf(stderr, "%s: %s\n", path, ts_strerror(st));
	else
		ts_diags_print(stderr, path, &diags);
	return false;
}

static int cmd_check(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_check, stdout);
		return 0;
	}
	parsed_arg *args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args)
		return EXIT_INVALID;
	int n = parse_args("check", argc, argv, NULL, 0, args);
	int rc = 0;
	if (n < 0) {
		rc = EXIT_USAGE;
	} else if (n == 0) {
		rc = ts_cli_usage("check", "%s", "no pattern file given");
	} else {
		ts_pattern *pat = malloc(sizeof(*pat));
		if (!pat) {
			free(args);
			fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
			return EXIT_INVALID;
		}
		for (int i = 0; i < n; i++)
			if (!load_or_report(args[i].value, pat, NULL))
				rc = EXIT_INVALID;
		free(pat);
	}
	free(args);
	return rc;
}

/* Whether the file at path holds exactly these bytes. */
static bool file_equals(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool same = true;
	char buf[4096];
	size_t off = 0, got;
	while (same && (got = fread(buf, 1, sizeof(buf), f)) > 0) {
		same = off + got <= len && memcmp(buf, text + off, got) == 0;
		off += got;
	}
	same = same && !ferror(f) && off == len;
	fclose(f);
	return same;
}

static int cmd_fmt(int argc, char **argv)
{
	enum { OPT_WRITE, OPT_CHECK };
	static const option_def defs[] = {{"write", 'w', false}, {"check", 'c', false}};
	if (wants_help(argc, argv)) {
		fputs(usage_fmt, stdout);
		return 0;
	}
	parsed_arg *args = calloc((size_t)argc + 1, sizeof(*args));
	ts_pattern *pat = malloc(sizeof(*pat));
	int rc = 0;
	if (!args || !pat) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		rc = EXIT_INVALID;
		goto out;
	}
	int n = parse_args("fmt", argc, argv, defs, 2, args);
	if (n < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	bool write = false, check = false;
	int files = 0;
	for (int i = 0; i < n; i++) {
		write |= args[i].opt == OPT_WRITE;
		check |= args[i].opt == OPT_CHECK;
		files += args[i].opt < 0;
	}
	if (write && check) {
		rc = ts_cli_usage("fmt", "%s", "--write and --check exclude each other");
		goto out;
	}
	if (files == 0) {
		rc = ts_cli_usage("fmt", "%s", "no pattern file given");
		goto out;
	}
	for (int i = 0; i < n; i++) {
		if (args[i].opt >= 0)
			continue;
		const char *path = args[i].value;
		ts_comments *comments = NULL;
		if (!load_or_report(path, pat, &comments)) {
			rc = EXIT_INVALID;
			continue;
		}
		size_t len;
		char *text = ts_patfile_format(pat, comments, &len);
		if (!text) {
			fprintf(stderr, "%s: %s\n", path, ts_strerror(TS_ERR_NOMEM));
			rc = EXIT_INVALID;
		} else if (check) {
			if (!file_equals(path, text, len)) {
				printf("%s: not in canonical form\n", path);
				rc = EXIT_INVALID;
			}
		} else if (write) {
			if (!file_equals(path, text, len) &&
			    ts_patfile_save(path, pat, comments) != TS_OK) {
				fprintf(stderr, "%s: cannot write: %s (the file is unchanged)\n", path,
					strerror(errno));
				rc = EXIT_INVALID;
			}
		} else {
			fwrite(text, 1, len, stdout);
		}
		free(text);
		ts_comments_free(comments);
	}
out:
	free(pat);
	free(args);
	return rc;
}

/* ---- the commands that run the engine offline: dump, export, render ---- */

/* Their options; which of them a command takes is a mask of OFF_ bits. */
enum { OFF_OUT = 1, OFF_RATE = 2, OFF_CLOCK = 4, OFF_CLICK = 8 };

typedef struct {
	const char **files;                 /* malloc'd array of argv's strings */
	int nfiles;
	const char *out;                    /* -o */
	uint64_t bars, rate, seed;
	uint16_t tempo10;                   /* 0: the pattern's */
	bool fill, clock, click;
} offline_opts;

/*
 * Parse the options of `cmd` (those of the mask, plus --bars, --bpm, --seed, --fill): 0, or the
 * exit status with the message printed. --rate takes min_rate ... 384000; -o is required with
 * OFF_OUT (out_hint names it in the message). The caller frees o->files either way.
 */
static int parse_offline(const char *cmd, int argc, char **argv, unsigned mask, uint64_t min_rate,
			 const char *out_hint, offline_opts *o)
{
	enum { OPT_OUT, OPT_BARS, OPT_RATE, OPT_BPM, OPT_SEED, OPT_FILL, OPT_CLOCK, OPT_CLICK, NOPT };
	static const option_def all[] = {
		[OPT_OUT] = {"output", 'o', true}, [OPT_BARS] = {"bars", 'b', true},
		[OPT_RATE] = {"rate", 'r', true},  [OPT_BPM] = {"bpm", 't', true},
		[OPT_SEED] = {"seed", 's', true},  [OPT_FILL] = {"fill", 'f', false},
		[OPT_CLOCK] = {"clock", 'c', false}, [OPT_CLICK] = {"click", 'k', false},
	};
	option_def defs[NOPT];
	int id[NOPT], ndefs = 0;
	for (int k = 0; k < NOPT; k++) {
		if ((k == OPT_OUT && !(mask & OFF_OUT)) || (k == OPT_RATE && !(mask & OFF_RATE)) ||
		    (k == OPT_CLOCK && !(mask & OFF_CLOCK)) || (k == OPT_CLICK && !(mask & OFF_CLICK)))
			continue;
		id[ndefs] = k;
		defs[ndefs++] = all[k];
	}
	*o = (offline_opts){.bars = 4, .rate = 48000};
	parsed_arg *args = calloc((size_t)argc + 1, sizeof(*args));
	o->files = calloc((size_t)argc + 1, sizeof(*o->files));
	if (!args || !o->files) {
		free(args);
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		return EXIT_INVALID;
	}
	int n = parse_args(cmd, argc, argv, defs, ndefs, args);
	int rc = n < 0 ? EXIT_USAGE : 0;
	for (int i = 0; i < n && rc == 0; i++) {
		const char *v = args[i].value;
		switch (args[i].opt < 0 ? -1 : id[args[i].opt]) {
		case -1:
			o->files[o->nfiles++] = v;
			break;
		case OPT_OUT:
			o->out = v;
			break;
		case OPT_BARS:
			if (!ts_cli_u64(v, 1, 100000, &o->bars))
				rc = ts_cli_usage(cmd, "--bars '%s': expected a whole number 1 ... 100000", v);
			break;
		case OPT_RATE:
			if (!ts_cli_u64(v, min_rate, 384000, &o->rate))
				rc = ts_cli_usage(cmd, "--rate '%s': expected a rate in Hz, %" PRIu64
						      " ... 384000", v, min_rate);
			break;
		case OPT_BPM:
			if (!ts_cli_tempo(v, &o->tempo10))
				rc = ts_cli_usage(cmd, "--bpm '%s': expected a tempo 30.0 ... 300.0 with at most one decimal", v);
			break;
		case OPT_SEED:
			if (!ts_cli_u64(v, 0, UINT64_MAX, &o->seed))
				rc = ts_cli_usage(cmd, "--seed '%s': expected a whole number 0 ... 18446744073709551615", v);
			break;
		case OPT_FILL:
			o->fill = true;
			break;
		case OPT_CLOCK:
			o->clock = true;
			break;
		case OPT_CLICK:
			o->click = true;
			break;
		}
	}
	free(args);
	if (!rc && o->nfiles == 0)
		rc = ts_cli_usage(cmd, "%s", "no pattern file given");
	if (!rc && o->nfiles > TS_CHAIN_MAX)
		rc = ts_cli_usage(cmd, "at most %d pattern files in a chain", TS_CHAIN_MAX);
	if (!rc && (mask & OFF_OUT) && !o->out)
		rc = ts_cli_usage(cmd, "no output file: -o %s", out_hint);
	return rc;
}

/* The engine of an offline command at `rate`, the chain loaded, fill and click as asked; NULL
 * (said on stderr) when out of memory. */
static ts_engine *offline_engine(const offline_opts *o, const ts_pattern *pat, uint32_t rate)
{
	ts_engine_config cfg = {
		.rate = rate, .tempo10 = o->tempo10, .seed = o->seed, .send_clock = o->clock,
		.chain_max = o->nfiles,
	};
	ts_engine *eng = ts_engine_new(&cfg);
	if (!eng || ts_engine_load_chain(eng, pat, o->nfiles) != TS_OK) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		ts_engine_free(eng);
		return NULL;
	}
	ts_engine_set_fill(eng, o->fill);
	ts_engine_set_click(eng, o->click);
	return eng;
}

/* Play from the start to frame `end`, then stop there; *base is the frame each period starts at,
 * for the sink. Periods of a typical JACK size: the engine's output does not depend on them. */
static void run_offline(ts_engine *eng, uint64_t end, uint64_t *base, ts_event_fn fn, void *ctx)
{
	ts_engine_start(eng);
	*base = 0;
	while (*base < end) {
		uint32_t period = end - *base < 1024 ? (uint32_t)(end - *base) : 1024;
		ts_engine_run(eng, period, fn, ctx);
		*base += period;
	}
	ts_engine_stop(eng, 0, fn, ctx);
}

typedef struct {
	FILE *out;
	uint64_t base;                      /* absolute frame of the current period's start */
	const char *ports[TS_MAX_PORTS];
	int nports;
} dump_ctx;

static void dump_event(void *ctx, const ts_event *ev)
{
	dump_ctx *d = ctx;
	const char *port = ev->port == TS_PORT_CLOCK ? "clock_out"
			   : ev->port == TS_PORT_VOICE ? (ev->track ? "voice" : "click")
			   : ev->port < d->nports   ? d->ports[ev->port]
						    : "?";
	fprintf(d->out, "%" PRIu64 " %s", d->base + ev->frame, port);
	for (int i = 0; i < ev->size; i++)
		fprintf(d->out, " %02X", ev->bytes[i]);
	fputc('\n', d->out);
}

static int cmd_dump(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_dump, stdout);
		return 0;
	}
	offline_opts o;
	int rc = parse_offline("dump", argc, argv, OFF_RATE | OFF_CLOCK | OFF_CLICK, 1000, NULL, &o);
	if (rc) {
		free(o.files);
		return rc;
	}
	ts_pattern *pat = ts_cli_load_chain(o.files, o.nfiles, o.tempo10 != 0);
	free(o.files);
	ts_engine *eng = pat ? offline_engine(&o, pat, (uint32_t)o.rate) : NULL;
	if (!eng) {
		free(pat);
		return EXIT_INVALID;
	}
	dump_ctx d = {.out = stdout};
	d.nports = ts_patterns_ports(pat, o.nfiles, d.ports);
	uint64_t end = ts_pos_to_frame((int64_t)o.bars * 16 * TS_UNITS_PER_STEP, (uint32_t)o.rate,
				       o.tempo10 ? o.tempo10 : pat->tempo10);
	run_offline(eng, end, &d.base, dump_event, &d);
	ts_engine_free(eng);
	free(pat);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "trigseq: writing the dump failed: %s\n", strerror(errno));
		return EXIT_INVALID;
	}
	return 0;
}

/* ---- export ---- */

/* The engine runs at tempo10 * 192 frames a second, so that a frame is a unit of position
 * (engine.h): 960 PPQN is 240 ticks a 16th, 120 units a tick, and each event goes to the tick
 * nearest its exact position. */
#define SMF_PPQN 960
#define UNITS_PER_TICK (TS_UNITS_PER_STEP / (SMF_PPQN / 4))

typedef struct {
	uint64_t tick;
	ts_event ev;
} export_rec;

typedef struct {
	uint64_t base;
	export_rec *v;                      /* every event of the tracks, in time order */
	size_t n, cap;
	bool nomem;
	uint64_t per_track[TS_TRACKS + 1];
} export_ctx;

static void export_event(void *ctx, const ts_event *ev)
{
	export_ctx *x = ctx;
	/* clock and transport are not in the file, nor voice events (they are not MIDI) */
	if (ev->track < 1 || ev->track > TS_TRACKS || ev->port == TS_PORT_VOICE || x->nomem)
		return;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 4096;
		export_rec *v = realloc(x->v, cap * sizeof(*v));
		if (!v) {
			x->nomem = true;
			return;
		}
		x->v = v;
		x->cap = cap;
	}
	export_rec *r = &x->v[x->n++];
	r->tick = (x->base + ev->frame + UNITS_PER_TICK / 2) / UNITS_PER_TICK;
	r->ev = *ev;
	x->per_track[ev->track]++;
}

static int cmd_export(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_export, stdout);
		return 0;
	}
	offline_opts o;
	int rc = parse_offline("export", argc, argv, OFF_OUT, 0, "OUT.mid", &o);
	const char **files = o.files;
	int nfiles = o.nfiles;
	uint64_t bars = o.bars;
	uint16_t tempo10 = o.tempo10;
	const char *out = o.out;
	ts_pattern *pat = rc ? NULL : ts_cli_load_chain(files, nfiles, tempo10 != 0);
	const char *first = nfiles ? files[0] : ""; /* in argv */
	free(files);
	if (rc || !pat)
		return rc ? rc : EXIT_INVALID;

	uint16_t t10 = tempo10 ? tempo10 : pat->tempo10;
	ts_engine *eng = offline_engine(&o, pat, (uint32_t)t10 * 192);
	ts_smf *smf = eng ? ts_smf_new(SMF_PPQN) : NULL;
	export_ctx x = {0};
	if (!smf) {
		if (eng)
			fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		ts_engine_free(eng);
		free(pat);
		return EXIT_INVALID;
	}
	uint64_t end = (uint64_t)bars * 16 * TS_UNITS_PER_STEP;
	run_offline(eng, end, &x.base, export_event, &x);
	ts_engine_free(eng);

	const char *slash = strrchr(first, '/');
	const char *title = pat->name[0] ? pat->name : slash ? slash + 1 : first;
	ts_status st = x.nomem ? TS_ERR_NOMEM : ts_smf_meta(smf, 0, 0, 0x03, title, strlen(title));
	if (st == TS_OK)
		st = ts_smf_time_signature(smf, 0, 4, 2);
	if (st == TS_OK)
		st = ts_smf_tempo(smf, 0, t10);
	/* a track of the file for each sequencer track that sent something, in track order, named
	 * by the first pattern of the chain that declares it */
	int ntracks = 0;
	for (int t = 1; t <= TS_TRACKS && st == TS_OK; t++) {
		if (!x.per_track[t])
			continue;
		const ts_track *named = NULL;
		for (int p = 0; p < nfiles && !named; p++)
			if (pat[p].tracks[t - 1].declared)
				named = &pat[p].tracks[t - 1];
		if (!named)
			named = &pat[0].tracks[t - 1];
		char name[80];
		snprintf(name, sizeof(name), "%d%s%s %s", t, named->name[0] ? " " : "", named->name,
			 named->port);
		int k = ts_smf_add_track(smf, name);
		st = k < 0 ? TS_ERR_NOMEM : TS_OK;
		for (size_t i = 0; i < x.n && st == TS_OK; i++)
			if (x.v[i].ev.track == t)
				st = ts_smf_event(smf, k, x.v[i].tick, x.v[i].ev.bytes, x.v[i].ev.size);
		ntracks++;
	}
	free(pat);
	free(x.v);
	if (st == TS_OK)
		st = ts_smf_write(smf, out, end / UNITS_PER_TICK);
	ts_smf_free(smf);
	if (st != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out,
			st == TS_ERR_IO ? strerror(errno) : ts_strerror(st));
		return EXIT_INVALID;
	}
	printf("%s: %d track%s and a conductor track, %zu events, %" PRIu64 " bar%s at %u.%u BPM, "
	       "%d PPQN\n", out, ntracks, ntracks == 1 ? "" : "s", x.n, bars,
	       bars == 1 ? "" : "s", t10 / 10, t10 % 10, SMF_PPQN);
	return 0;
}

/* ---- render ---- */

#define RENDER_PERIOD 1024

/* libsndfile's format for the output's extension; 0 for an unknown one. */
static int render_format(const char *path)
{
	static const struct {
		const char *ext;
		int format;
	} formats[] = {
		{".wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24},
		{".aiff", SF_FORMAT_AIFF | SF_FORMAT_PCM_24},
		{".aif", SF_FORMAT_AIFF | SF_FORMAT_PCM_24},
		{".flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_24},
		{".ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS},
	};
	const char *dot = strrchr(path, '.');
	for (size_t i = 0; dot && i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcasecmp(dot, formats[i].ext) == 0)
			return formats[i].format;
	return 0;
}

typedef struct {
	ts_voices *voices;
	uint64_t hits;
} render_ctx;

static void render_event(void *ctx, const ts_event *ev)
{
	render_ctx *r = ctx;
	if (ev->port != TS_PORT_VOICE || ev->size != 3)
		return;
	if (ev->track == 0) {
		ts_voices_click(r->voices, ev->bytes[1], ev->frame);
		return;
	}
	ts_voices_trigger(r->voices, ev->pattern, ev->track, ev->bytes[2], ev->frame);
	r->hits++;
}

/* Mix a period of the voices and write it; tracks the peak. */
static bool render_period(SNDFILE *sf, ts_voices *v, uint32_t n, float *peak)
{
	static float left[RENDER_PERIOD], right[RENDER_PERIOD], both[2 * RENDER_PERIOD];
	memset(left, 0, n * sizeof(*left));
	memset(right, 0, n * sizeof(*right));
	ts_voices_render(v, left, right, n);
	for (uint32_t i = 0; i < n; i++) {
		both[2 * i] = left[i];
		both[2 * i + 1] = right[i];
		if (fabsf(left[i]) > *peak)
			*peak = fabsf(left[i]);
		if (fabsf(right[i]) > *peak)
			*peak = fabsf(right[i]);
	}
	return sf_writef_float(sf, both, n) == n;
}

static double seconds_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmd_render(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		fputs(usage_render, stdout);
		return 0;
	}
	double t0 = seconds_now();
	offline_opts o;
	int rc = parse_offline("render", argc, argv, OFF_OUT | OFF_RATE | OFF_CLICK, 8000, "OUT.wav",
			       &o);
	const char **files = o.files;
	int nfiles = o.nfiles;
	uint64_t bars = o.bars, rate = o.rate;
	uint16_t tempo10 = o.tempo10;
	const char *out = o.out;
	int format = out ? render_format(out) : 0;
	if (!rc && !format)
		rc = ts_cli_usage("render", "'%s': expected an output ending in .wav, .aiff, .flac or .ogg",
				 out);
	ts_pattern *pat = rc ? NULL : ts_cli_load_chain(files, nfiles, tempo10 != 0);
	if (rc || !pat) {
		free(files);
		return rc ? rc : EXIT_INVALID;
	}

	ts_engine *eng = offline_engine(&o, pat, (uint32_t)rate);
	render_ctx r = {.voices = eng ? ts_voices_new((uint32_t)rate, nfiles) : NULL};
	if (!r.voices) {
		if (eng)
			fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		ts_engine_free(eng);
		free(files);
		free(pat);
		return EXIT_INVALID;
	}
	/* a missing sample spoils the render, not the rest of it: the others still play, and the
	 * status says it at the end */
	for (int p = 0; p < nfiles; p++)
		if (ts_voices_load_pattern(r.voices, p, &pat[p], files[p], ts_cli_sample_report,
					   (void *)files[p]))
			rc = EXIT_INVALID;
	free(files);
	uint16_t t10 = tempo10 ? tempo10 : pat->tempo10;
	uint64_t end = ts_pos_to_frame((int64_t)bars * 16 * TS_UNITS_PER_STEP, (uint32_t)rate, t10);
	free(pat);

	ts_file_tx tx;
	SF_INFO info = {.samplerate = (int)rate, .channels = 2, .format = format};
	SNDFILE *sf = NULL;
	if (ts_file_begin(&tx, out, 0) != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, strerror(errno));
		ts_engine_free(eng);
		ts_voices_free(r.voices);
		return EXIT_INVALID;
	}
	sf = sf_open_fd(tx.fd, SFM_WRITE, &info, SF_FALSE);
	if (!sf) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, sf_strerror(NULL));
		ts_file_abort(&tx);
		ts_engine_free(eng);
		ts_voices_free(r.voices);
		return EXIT_INVALID;
	}
	/* overs clip rather than wrap around in the integer formats */
	sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);
	sf_set_string(sf, SF_STR_SOFTWARE, "trigseq " TS_VERSION);

	float peak = 0;
	bool written = true;
	uint64_t frames = 0;
	ts_engine_start(eng);
	while (frames < end && written) {
		uint32_t period = end - frames < RENDER_PERIOD ? (uint32_t)(end - frames) : RENDER_PERIOD;
		ts_engine_run(eng, period, render_event, &r);
		written = render_period(sf, r.voices, period, &peak);
		frames += period;
	}
	ts_engine_stop(eng, 0, render_event, &r);
	/* the ring-out: the hits still sounding play to their end */
	while (written && ts_voices_sounding(r.voices)) {
		written = render_period(sf, r.voices, RENDER_PERIOD, &peak);
		frames += RENDER_PERIOD;
	}
	ts_engine_free(eng);
	ts_voices_free(r.voices);
	if (!written)
		fprintf(stderr, "trigseq: %s not written: %s\n", out, sf_strerror(sf));
	if (sf_close(sf) != 0 && written) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, sf_strerror(NULL));
		written = false;
	}
	if (!written) {
		ts_file_abort(&tx);
		return EXIT_INVALID;
	}
	if (ts_file_commit(&tx) != TS_OK) {
		fprintf(stderr, "trigseq: %s not written: %s\n", out, strerror(errno));
		return EXIT_INVALID;
	}
	printf("%s: %.3f s of audio at %" PRIu64 " Hz, %" PRIu64 " bar%s at %u.%u BPM, %" PRIu64
	       " voice events, peak %.1f dBFS, rendered in %.3f s\n", out, (double)frames / (double)rate,
	       rate, bars, bars == 1 ? "" : "s", t10 / 10, t10 % 10, r.hits,
	       peak > 0 ? 20 * log10(peak) : -INFINITY, seconds_now() - t0);
	return rc;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{"check", cmd_check},
		{"fmt", cmd_fmt},
		{"dump", cmd_dump},
		{"export", cmd_export},
		{"render", cmd_render},
		{"play", ts_play_main},
		{"sysex", ts_sysex_main},
		{"import-rytm", ts_rytm_import_main},
		{"export-rytm", ts_rytm_export_main},
	};
	/* No command: the editor, when there is a terminal to run it in. */
	if (argc < 2) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return ts_ui_main(0, argv + 1);
		fputs(usage_main, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_main, stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("trigseq %s\n", TS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	/* A pattern file (existing, or new with the .tsq extension) or an option: the editor. A
	 * mistyped command stays an error rather than a new file of that name. */
	size_t len = strlen(cmd);
	if (cmd[0] == '-' || access(cmd, F_OK) == 0 || (len > 4 && strcmp(cmd + len - 4, ".tsq") == 0))
		return ts_ui_main(argc - 1, argv + 1);
	return ts_cli_usage(NULL, "unknown command '%s' (expected check, fmt, dump, play, export, "
				 "render, sysex, import-rytm or export-rytm, or a pattern file to edit)", cmd);
}
