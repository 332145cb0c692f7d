/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pattern files: the list the editor starts with, opening each, saving, quitting with
 * unsaved changes, and the recovery files written after edits and offered after a crash.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "trigseq/app/cli.h"
#include "trigseq/core/patfile.h"
#include "trigseq/ui/ui_internal.h"

#define RECOVERY_AFTER_S 2.0

/* Open the document of `path` (NULL: untitled) into d; a file that does not exist is a new
 * pattern unless must_exist. False with d->why set when it did not open. */
static ts_diags diags; /* of the last open_doc */

bool ts_ui_open_doc(ts_ui_doc *d, const char *path, bool must_exist)
{
	d->path = path ? strdup(path) : NULL;
	d->ed = ts_edit_new(path);
	if (!d->ed || (path && !d->path)) {
		snprintf(d->why, sizeof(d->why), "%s", ts_strerror(TS_ERR_NOMEM));
		ts_edit_free(d->ed);
		d->ed = NULL;
		return false;
	}
	if (!path)
		return true;
	memset(&diags, 0, sizeof(diags));
	errno = 0;
	ts_status st = ts_edit_open(d->ed, path, &diags);
	if (st == TS_OK || (st == TS_ERR_IO && errno == ENOENT && !must_exist))
		return true;
	if (st == TS_ERR_IO || st == TS_ERR_NOMEM || diags.count == 0)
		snprintf(d->why, sizeof(d->why), "%s", errno ? strerror(errno) : ts_strerror(st));
	else
		snprintf(d->why, sizeof(d->why), "line %d col %d: %.60s (%d problem%s)",
			 diags.items[0].line, diags.items[0].col, diags.items[0].msg, diags.count,
			 diags.count > 1 ? "s" : "");
	ts_edit_free(d->ed);
	d->ed = NULL;
	return false;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The pattern list: the files given, in their order; with one FILE, every *.tsq file of its
 * folder, sorted by name, FILE among them even while it does not exist; else one untitled
 * pattern. At most TS_CHAIN_MAX: then FILE and the first others. *first: FILE's place. */
static char **list_files(const ts_play_options *op, int *n, int *first)
{
	*first = 0;
	*n = 0;
	char **v = calloc(TS_CHAIN_MAX, sizeof(*v));
	if (!v)
		return NULL;
	if (op->nfiles != 1) {
		for (int k = 0; k < op->nfiles; k++)
			v[(*n)++] = strdup(op->files[k]);
		return v;
	}
	const char *file = op->files[0], *slash = strrchr(file, '/');
	char dir[4096];
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - file) + (slash == file) : 1,
		 slash ? file : ".");
	v[(*n)++] = strdup(file);
	DIR *dh = opendir(dir);
	struct dirent *e;
	while (dh && (e = readdir(dh)) != NULL) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".tsq") != 0 ||
		    strcmp(e->d_name, ts_ui_base_name(file)) == 0)
			continue;
		char path[8192];
		snprintf(path, sizeof(path), "%s%s%s", slash ? dir : "",
			 slash && strcmp(dir, "/") != 0 ? "/" : "", e->d_name);
		struct stat sb;
		if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
			continue;
		if (*n == TS_CHAIN_MAX)
			break;
		v[(*n)++] = strdup(path);
	}
	if (dh)
		closedir(dh);
	qsort(v + 1, (size_t)*n - 1, sizeof(*v), cmp_names);
	/* FILE in its place by name */
	int k = 1;
	while (k < *n && strcmp(ts_ui_base_name(v[k]), ts_ui_base_name(file)) < 0) {
		char *t = v[k - 1];
		v[k - 1] = v[k];
		v[k] = t;
		k++;
	}
	*first = k - 1;
	return v;
}

/* Open the list; the file asked for must open (it is reported and nothing starts otherwise),
 * the others may fail: they are listed with why. */
bool ts_ui_open_documents(ts_ui *u, int *rc)
{
	if (u->op.nfiles == 1 && ts_cli_is_song(u->op.files[0]))
		return ts_ui_song_open(u, rc); /* ts_ui_main refused a song among other files */
	int n, first;
	char **files = list_files(&u->op, &n, &first);
	u->docs = files ? calloc((size_t)(n > 0 ? n : 1), sizeof(*u->docs)) : NULL;
	bool ok = u->docs != NULL;
	for (int k = 0; ok && k < n; k++)
		ok = files[k] != NULL;
	if (!ok) {
		fprintf(stderr, "trigseq: %s\n", ts_strerror(TS_ERR_NOMEM));
		*rc = EXIT_FAIL;
	}
	if (ok && n == 0) {
		ok = ts_ui_open_doc(&u->docs[0], NULL, false);
		u->ndocs = 1;
	}
	for (int k = 0; ok && k < n; k++) {
		ts_ui_doc *d = &u->docs[k];
		u->ndocs++;
		bool asked = k == first || u->op.nfiles > 1;
		if (ts_ui_open_doc(d, files[k], u->op.nfiles > 1 && k != first) || !asked)
			continue;
		if (diags.count > 0)
			ts_diags_print(stderr, files[k], &diags);
		else
			fprintf(stderr, "%s: %s\n", files[k], d->why);
		fprintf(stderr, "trigseq: %s was not opened; fix it (trigseq check %s) and try "
			"again\n", files[k], files[k]);
		*rc = EXIT_FAIL;
		ok = false;
	}
	if (files)
		for (int k = 0; k < n; k++)
			free(files[k]);
	free(files);
	u->cur = first;
	u->ed = ok ? u->docs[first].ed : NULL;
	return ok;
}

void ts_ui_free_documents(ts_ui *u)
{
	for (int k = 0; u->docs && k < u->ndocs; k++) {
		ts_edit_free(u->docs[k].ed);
		free(u->docs[k].path);
		for (int t = 0; t < TS_TRACKS; t++)
			free(u->docs[k].sample_asked[t]);
	}
	free(u->docs);
	u->docs = NULL;
	ts_ui_song_free(u);
}

static bool save_doc(ts_ui *u, ts_ui_doc *d, const char *path)
{
	ts_status st = ts_edit_save(d->ed, path);
	if (st != TS_OK) {
		ts_ui_say(u, "not saved: %s: %s (the file is unchanged)", path ? path : ts_edit_path(d->ed),
			  errno ? strerror(errno) : ts_strerror(st));
		return false;
	}
	ts_ui_say(u, "saved %s", ts_edit_path(d->ed));
	d->recovery_due = 0;
	return true;
}

static bool save_to(ts_ui *u, const char *path)
{
	return save_doc(u, &u->docs[u->cur], path);
}

static void got_save_as(ts_ui *u, const char *text)
{
	if (!*text) {
		ts_ui_say(u, "not saved: no file name");
		return;
	}
	save_to(u, text);
}

void ts_ui_act_save(ts_ui *u, int as)
{
	if (as || !ts_edit_path(u->ed))
		ts_ui_start_prompt(u, "save as", ts_edit_path(u->ed), got_save_as);
	else
		save_to(u, NULL);
}

static int dirty_docs(const ts_ui *u, char *names, size_t size)
{
	int n = 0;
	size_t at = 0;
	names[0] = '\0';
	for (int k = 0; k < u->ndocs; k++) {
		const ts_ui_doc *d = &u->docs[k];
		if (!d->ed || !ts_edit_dirty(d->ed))
			continue;
		if (at < size)
			at += (size_t)snprintf(names + at, size - at, "%s%s", n ? ", " : "",
					       ts_ui_base_name(ts_ui_doc_path(d)));
		n++;
	}
	return n;
}

static void quit_answer(ts_ui *u, int key)
{
	if (key == 's' || key == 'S') {
		if (!ts_edit_path(u->ed)) {
			ts_ui_start_prompt(u, "save as", NULL, got_save_as);
			return;
		}
		bool ok = true;
		for (int k = 0; k < u->ndocs; k++) {
			ts_ui_doc *d = &u->docs[k];
			if (d->ed && ts_edit_dirty(d->ed))
				ok = save_doc(u, d, NULL) && ok;
		}
		u->quit = ok;
	} else if (key == 'd' || key == 'D') {
		u->quit = true;
	} else {
		ts_ui_say(u, "not quitting");
	}
}

void ts_ui_act_quit(ts_ui *u, int arg)
{
	(void)arg;
	char names[64];
	int n = dirty_docs(u, names, sizeof(names));
	if (n == 0)
		u->quit = true;
	else if (u->ndocs == 1)
		ts_ui_ask(u, quit_answer, "Unsaved changes. s: save and quit, d: discard and quit, "
				    "any other key: stay");
	else
		ts_ui_ask(u, quit_answer, "Unsaved: %.40s. s: save %s and quit, d: discard, other: stay",
			  names, n > 1 ? "all" : "it");
}

static void recover_answer(ts_ui *u, int key)
{
	static ts_diags recovered; /* big: not on the stack */
	ts_edit *ed = u->docs[u->next_recovery].ed;
	const char *name = ts_ui_base_name(ts_ui_doc_path(&u->docs[u->next_recovery]));
	if (key == 'y' || key == 'Y') {
		if (ts_edit_recover(ed, &recovered) == TS_OK)
			ts_ui_say(u, "recovered the unsaved edits of %.40s; w saves them", name);
		else
			ts_ui_say(u, "the recovery file of %.40s cannot be read; it is kept", name);
	} else {
		ts_edit_remove_recovery(ed);
		ts_ui_say(u, "recovery file of %.40s removed", name);
	}
	u->next_recovery++;
	ts_ui_offer_recovery(u);
}

/* Recovery files newer than their pattern: one question each, in list order. */
void ts_ui_offer_recovery(ts_ui *u)
{
	for (; u->next_recovery < u->ndocs; u->next_recovery++) {
		ts_ui_doc *d = &u->docs[u->next_recovery];
		if (!d->ed || !ts_edit_recovery_newer(d->ed))
			continue;
		ts_ui_ask(u, recover_answer,
			  "Unsaved edits of %.40s from a crash or kill were kept. Recover them? y/n",
			  d->path ? ts_ui_base_name(d->path) : "untitled");
		return;
	}
}

/* A recovery file a couple of seconds after the last edits of each document; returns when the
 * next one is due (0: none). */
double ts_ui_recovery_tick(ts_ui *u, double now)
{
	double recovery_due = 0;
	for (int k = 0; k < u->ndocs; k++) {
		ts_ui_doc *d = &u->docs[k];
		if (!d->ed || ts_edit_version(d->ed) == d->recovery_version ||
		    !ts_edit_dirty(d->ed))
			continue;
		if (d->recovery_due == 0)
			d->recovery_due = now + RECOVERY_AFTER_S;
		if (now >= d->recovery_due) {
			if (ts_edit_write_recovery(d->ed) == TS_OK)
				d->recovery_version = ts_edit_version(d->ed);
			d->recovery_due = 0;
		}
		if (d->recovery_due > 0 && (recovery_due == 0 || d->recovery_due < recovery_due))
			recovery_due = d->recovery_due;
	}
	return recovery_due;
}

/* SIGTERM, SIGHUP: every unsaved document to its recovery file, now. */
void ts_ui_recovery_all(ts_ui *u)
{
	for (int k = 0; k < u->ndocs; k++)
		if (u->docs[k].ed && ts_edit_dirty(u->docs[k].ed))
			ts_edit_write_recovery(u->docs[k].ed);
}
