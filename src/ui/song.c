/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The song (`trigseq SONG.tss`): the list starts with the song's patterns, play plays the song,
 * row 14 shows where it is, a key jumps to a row at the next row boundary, and another edits the
 * `.tss` in $EDITOR and reloads it (problems shown, the song playing kept, nothing lost).
 * Choosing a pattern chooses what is edited, never what plays.
 */
#define _DEFAULT_SOURCE /* realpath */
#include <curses.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/songfile.h"
#include "trigseq/ui/ui_internal.h"

static void free_paths(char **paths, int n)
{
	for (int p = 0; paths && p < n; p++)
		free(paths[p]);
	free(paths);
}

/* The document of `path` (the same file, after resolving links and dots), or -1. */
static int doc_of(const ts_ui *u, const char *path)
{
	char want[PATH_MAX], have[PATH_MAX];
	if (!realpath(path, want))
		return -1;
	for (int k = 0; k < u->ndocs; k++)
		if (u->docs[k].path && realpath(u->docs[k].path, have) && strcmp(want, have) == 0)
			return k;
	return -1;
}

/* Load the song of the one file given: the list is its patterns, in order of first use. Every
 * problem goes to stderr (the terminal is not the editor's yet) and nothing starts. */
bool ts_ui_song_open(ts_ui *u, int *rc)
{
	const char *path = u->op.files[0];
	u->song.song = malloc(sizeof(*u->song.song));
	u->song.path = strdup(path);
	int n = 0;
	char **paths = NULL;
	ts_pattern *pats = NULL;
	if (u->song.song && u->song.path)
		pats = ts_cli_load_song(path, u->op.tempo10, u->song.song, &n, &paths);
	else
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
	free(pats);
	if (!pats) {
		*rc = EXIT_FAIL;
		return false;
	}
	bool ok = true;
	for (int p = 0; p < n && ok; p++) {
		char why[160];
		int k = ts_ui_add_doc(u, paths[p], true, why, sizeof(why));
		if (k != p) {
			fprintf(stderr, "trigseq: %s\n", why);
			*rc = EXIT_FAIL;
			ok = false;
		}
	}
	free_paths(paths, n);
	u->cur = 0;
	u->ed = ok ? u->docs[0].ed : NULL;
	u->song.sent = true; /* the session loads it */
	return ok;
}

void ts_ui_song_free(ts_ui *u)
{
	free(u->song.path);
	free(u->song.song);
	u->song.path = NULL;
	u->song.song = NULL;
}

/* Row 14's part: where the song is. */
void ts_ui_song_line(const ts_ui *u, char *buf, size_t len)
{
	const ts_jack_status *st = &u->st;
	if (st->running && st->song_row >= 0 && st->pattern >= 0 && st->pattern < u->ndocs)
		snprintf(buf, len, "song row %d/%d rep %u/%u %.16s", st->song_row + 1, st->song_rows,
			 st->song_repeat, st->song_repeats,
			 ts_ui_base_name(ts_ui_doc_path(&u->docs[st->pattern])));
	else
		snprintf(buf, len, "song %d rows%s", u->song.song->nrows,
			 st->song_ended ? ", ended" : "");
}

/* The engine gets the song's program once every pattern it names is in the engine. */
void ts_ui_sync_song(ts_ui *u)
{
	if (!u->song.song || u->song.sent || !u->ses.jack || ts_jack_server_gone(u->ses.jack))
		return;
	for (int k = 0; k < u->ndocs; k++)
		if (!u->docs[k].in_engine)
			return;
	u->song.sent = ts_jack_send_song(u->ses.jack, u->song.song);
}

static void got_row(ts_ui *u, const char *text)
{
	char *end;
	long r = strtol(text, &end, 10);
	if (!*text || *end || r < 1 || r > u->song.song->nrows) {
		ts_ui_say(u, "'%.20s' is not a row of the song (1 ... %d)", text,
			  u->song.song->nrows);
		return;
	}
	if (!u->st.running) {
		ts_ui_say(u, "the song is stopped: p plays it from row 1");
		return;
	}
	ts_jack_song_jump(u->ses.jack, (int)r - 1);
	ts_ui_say(u, "row %ld plays at the next row boundary, the song goes on from there", r);
}

void ts_ui_act_song_jump(ts_ui *u, int arg)
{
	(void)arg;
	if (!u->song.song) {
		ts_ui_say(u, "no song: start the editor with a .tss file");
		return;
	}
	if (!u->ses.jack || ts_jack_server_gone(u->ses.jack)) {
		ts_ui_say(u, "no play: %s", u->play.jack_state);
		return;
	}
	ts_ui_start_prompt(u, "jump to song row", NULL, got_row);
}

/* Run $EDITOR (else $VISUAL, else vi) on the song file, outside curses. */
static int run_editor(const char *path)
{
	const char *ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* through the shell, as git does: EDITOR may hold options */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path, (char *)NULL);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A pattern's own problems, before the song's, on the terminal (outside curses). */
static void print_problems(void *ctx, const char *path, const ts_diags *diags)
{
	(void)ctx;
	ts_diags_print(stdout, path, diags);
}

/* Wait for Enter, outside curses. */
static void wait_enter(void)
{
	fputs("Press Enter to go back to the editor.", stdout);
	fflush(stdout);
	int c;
	while ((c = getchar()) != EOF && c != '\n' && c != '\r')
		;
}

/* Reload the song after $EDITOR: its patterns join the list where they are new, and the engine
 * gets the new program (from the next start when playing). A song with problems is reported
 * and the one loaded stays: the file keeps the user's text. */
static void reload(ts_ui *u)
{
	static ts_song_loaded l;
	static ts_diags diags;
	ts_status st = ts_songfile_open(u->song.path, u->op.tempo10, &l, &diags, print_problems,
					NULL);
	ts_song *song = st == TS_OK ? malloc(sizeof(*song)) : NULL;
	if (!song) {
		if (st == TS_OK || st == TS_ERR_NOMEM)
			printf("%s: %s\n", u->song.path, ts_strerror(TS_ERR_NOMEM));
		else
			ts_diags_print(stdout, u->song.path, &diags);
		printf("\ntrigseq: %s was not reloaded: the song loaded before plays on; your text "
		       "is kept in the file.\n",
		       u->song.path);
		wait_enter();
		ts_song_loaded_free(&l);
		ts_ui_say(u, "%.60s has problems: not reloaded (A edits it again)",
			  ts_ui_base_name(u->song.path));
		return;
	}
	*song = l.song;
	int n = l.npats;
	char **paths = l.paths;
	l.paths = NULL;
	free(l.pats);
	l.pats = NULL;
	int map[TS_SONG_FILES_MAX];
	char why[160] = "";
	bool ok = true;
	for (int p = 0; p < n && ok; p++) {
		map[p] = doc_of(u, paths[p]);
		if (map[p] < 0)
			map[p] = ts_ui_add_doc(u, paths[p], true, why, sizeof(why));
		ok = map[p] >= 0 && u->docs[map[p]].ed;
	}
	free_paths(paths, n);
	if (!ok) {
		free(song);
		ts_ui_say(u, "song not reloaded: %.120s", why[0] ? why : "a pattern did not open");
		return;
	}
	for (int r = 0; r < song->nrows; r++)
		song->rows[r].pattern = (uint8_t)map[song->rows[r].pattern];
	free(u->song.song);
	u->song.song = song;
	u->song.sent = false;
	ts_ui_sync_engine(u);
	ts_ui_sync_song(u);
	ts_ui_say(u, "%.60s reloaded: %d rows%s", ts_ui_base_name(u->song.path), song->nrows,
		  u->st.running ? " (from the next start: p)" : "");
}

void ts_ui_act_song_edit(ts_ui *u, int arg)
{
	(void)arg;
	if (!u->song.song) {
		ts_ui_say(u, "no song: start the editor with a .tss file");
		return;
	}
	def_prog_mode();
	endwin();
	int rc = run_editor(u->song.path);
	if (rc != 0) {
		printf("trigseq: the editor exited with status %d; reloading the song anyway\n", rc);
		fflush(stdout);
	}
	reload(u);
	reset_prog_mode();
	clearok(stdscr, TRUE);
	refresh();
}
