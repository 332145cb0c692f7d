/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `trigseq check` and `trigseq fmt`: the commands that only read pattern files (commands.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/app/cli.h"
#include "trigseq/app/commands.h"
#include "trigseq/core/options.h"
#include "trigseq/core/patfile.h"
#include "trigseq/core/fileio.h"
#include "trigseq/core/pattern.h"
#include "trigseq/core/songfile.h"

#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char *const usage_check =
	"usage: trigseq check FILE...\n"
	"\n"
	"Validate pattern files and song files (.tss: the song and every pattern it uses).\n"
	"Valid files print nothing; every problem is printed as\n"
	"FILE:LINE:COL: what is wrong, what was expected.\n"
	"Exit status: 0 all valid, 1 a file is invalid or unreadable, 2 bad usage.\n";

static const char *const usage_fmt =
	"usage: trigseq fmt FILE... [--write | --check]\n"
	"\n"
	"Print the canonical form of pattern and song (.tss) files (comments are kept).\n"
	"  -w, --write   rewrite each file in place, atomically, keeping FILE~ as the old version\n"
	"                (files already canonical are left untouched)\n"
	"  -c, --check   print nothing; exit 1 and name each file that is not canonical\n"
	"Exit status: 0 success, 1 an invalid or non-canonical file, 2 bad usage.\n";

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

/* Check a song and every pattern it uses (song-format §4), printing their problems. */
static bool check_song(const char *path)
{
	ts_song *song = malloc(sizeof(*song));
	int n = 0;
	char **paths = NULL;
	ts_pattern *pats = song ? ts_cli_load_song(path, 0, song, &n, &paths) : NULL;
	if (!song)
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
	for (int k = 0; pats && k < n; k++)
		free(paths[k]);
	free(paths);
	free(song);
	free(pats);
	return pats != NULL;
}

/* The number of arguments that are not options, or -1 after a usage error. */
static int count_files(const ts_option *table, int count, int argc, char **argv, const char *cmd)
{
	if (ts_opts_check(table, count, 0, argc, argv, cmd, ts_cli_usage))
		return -1;
	ts_opts p;
	ts_opts_begin(&p, table, count, 0, argc, argv);
	int n = 0;
	for (int o; (o = ts_opts_next(&p)) != TS_OPTS_END;)
		n += o == TS_OPTS_ARG;
	return n;
}

int ts_check_main(int argc, char **argv)
{
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_check, stdout);
		return 0;
	}
	int n = count_files(NULL, 0, argc, argv, "check");
	if (n < 0)
		return EXIT_USAGE;
	if (n == 0)
		return ts_cli_usage("check", "%s", "no pattern file given");
	ts_pattern *pat = malloc(sizeof(*pat));
	if (!pat) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		return EXIT_INVALID;
	}
	int rc = 0;
	ts_opts p;
	ts_opts_begin(&p, NULL, 0, 0, argc, argv);
	while (ts_opts_next(&p) == TS_OPTS_ARG)
		if (!(ts_cli_is_song(p.value) ? check_song(p.value) : load_or_report(p.value, pat, NULL)))
			rc = EXIT_INVALID;
	free(pat);
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

/* What fmt does with each file. */
typedef enum { FMT_PRINT, FMT_WRITE, FMT_CHECK } fmt_mode;

/* The canonical text of a song file, its problems said (only its own text: fmt does not read
 * the patterns). */
static char *format_song(const char *path, size_t *len)
{
	static ts_diags diags;
	ts_songfile *sf;
	ts_status st = ts_songfile_load(path, &sf, &diags);
	if (st == TS_ERR_NOMEM)
		fprintf(stderr, "%s: %s\n", path, ts_strerror(st));
	else if (st != TS_OK)
		ts_diags_print(stderr, path, &diags);
	if (st != TS_OK)
		return NULL;
	char *text = ts_songfile_format(sf, len);
	ts_songfile_free(sf);
	if (!text)
		fprintf(stderr, "%s: %s\n", path, ts_strerror(TS_ERR_NOMEM));
	return text;
}

/* fmt on one file: 0 or EXIT_INVALID, the problem said. */
static int fmt_file(const char *path, ts_pattern *pat, fmt_mode mode)
{
	ts_comments *comments = NULL;
	bool song = ts_cli_is_song(path);
	size_t len;
	char *text = NULL;
	if (song) {
		if (!(text = format_song(path, &len)))
			return EXIT_INVALID;
	} else {
		if (!load_or_report(path, pat, &comments))
			return EXIT_INVALID;
		text = ts_patfile_format(pat, comments, &len);
	}
	int rc = 0;
	if (!text) {
		fprintf(stderr, "%s: %s\n", path, ts_strerror(TS_ERR_NOMEM));
		rc = EXIT_INVALID;
	} else if (mode == FMT_CHECK) {
		if (!file_equals(path, text, len)) {
			printf("%s: not in canonical form\n", path);
			rc = EXIT_INVALID;
		}
	} else if (mode == FMT_WRITE) {
		if (!file_equals(path, text, len) &&
		    (song ? ts_file_replace(path, text, len, TS_FILE_BACKUP)
			  : ts_patfile_save(path, pat, comments)) != TS_OK) {
			fprintf(stderr, "%s: cannot write: %s (the file is unchanged)\n", path,
				strerror(errno));
			rc = EXIT_INVALID;
		}
	} else {
		fwrite(text, 1, len, stdout);
	}
	free(text);
	ts_comments_free(comments);
	return rc;
}

int ts_check_fmt_main(int argc, char **argv)
{
	enum { OPT_WRITE, OPT_CHECK, NOPT };
	static const ts_option options[NOPT] = {
		[OPT_WRITE] = {"write", 'w', false, 0},
		[OPT_CHECK] = {"check", 'c', false, 0},
	};
	if (ts_opts_wants_help(argc, argv)) {
		fputs(usage_fmt, stdout);
		return 0;
	}
	ts_pattern *pat = malloc(sizeof(*pat));
	if (!pat) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		return EXIT_INVALID;
	}
	int files = count_files(options, NOPT, argc, argv, "fmt");
	bool write = false, check = false;
	ts_opts p;
	ts_opts_begin(&p, options, NOPT, 0, argc, argv);
	for (int o; files >= 0 && (o = ts_opts_next(&p)) != TS_OPTS_END;) {
		write |= o == OPT_WRITE;
		check |= o == OPT_CHECK;
	}
	int rc = 0;
	if (files < 0)
		rc = EXIT_USAGE;
	else if (write && check)
		rc = ts_cli_usage("fmt", "%s", "--write and --check exclude each other");
	else if (files == 0)
		rc = ts_cli_usage("fmt", "%s", "no pattern file given");
	if (!rc) {
		fmt_mode mode = write ? FMT_WRITE : check ? FMT_CHECK : FMT_PRINT;
		ts_opts_begin(&p, options, NOPT, 0, argc, argv);
		for (int o; (o = ts_opts_next(&p)) != TS_OPTS_END;)
			if (o == TS_OPTS_ARG && fmt_file(p.value, pat, mode))
				rc = EXIT_INVALID;
	}
	free(pat);
	return rc;
}
