/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: the table of commands, its help, and the dispatch. The commands themselves
 * live in the app layer (commands.h, play.h, sysex_io.h, rytm_cli.h) and the editor in the ui
 * layer.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "trigseq/app/cli.h"
#include "trigseq/app/commands.h"
#include "trigseq/app/play.h"
#include "trigseq/app/rytm_cli.h"
#include "trigseq/app/sysex_io.h"
#include "trigseq/ui/ui.h"

#define EXIT_USAGE 2

/* The commands, in the order of the help: the name, what runs it, its synopsis and one line of
 * help (a '\n' in it continues under the help's column). */
static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
	const char *help;
} commands[] = {
	{"check", ts_check_main, "check FILE...",
	 "validate pattern files; silent and exit 0 when all are valid"},
	{"fmt", ts_check_fmt_main, "fmt FILE... [--write]",
	 "print the canonical form (or rewrite the files atomically)"},
	{"dump", ts_dump_main, "dump FILE... [OPTIONS]",
	 "print every MIDI event the engine sends, frame by frame"},
	{"play", ts_play_main, "play FILE... [OPTIONS]",
	 "play a pattern (several: a chain) on JACK until a signal or\n--duration"},
	{"export", ts_export_main, "export FILE... -o OUT.mid [OPTIONS]",
	 "write what the engine sends as a Standard MIDI File"},
	{"render", ts_render_main, "render FILE... -o OUT.wav [OPTIONS]",
	 "play the sample voices offline into an audio file"},
	{"sysex", ts_sysex_main, "sysex send FILE.syx --to PORT | sysex recv -o FILE.syx",
	 "send a SysEx file paced, or record one (a librarian)"},
	{"import-rytm", ts_rytm_import_main, "import-rytm DUMP.syx -o OUT.tsq",
	 "convert an Analog Rytm pattern dump into a pattern file"},
	{"export-rytm", ts_rytm_export_main, "export-rytm FILE.tsq -o DUMP.syx [--pattern A01]",
	 "write a pattern as an Analog Rytm pattern dump"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))
#define HELP_COLUMN 25 /* where a command's help starts */

static void print_usage(FILE *f)
{
	fputs("usage: trigseq [FILE.tsq] [OPTIONS]     the terminal editor\n"
	      "       trigseq COMMAND [OPTIONS] FILE...\n"
	      "\n"
	      "A step sequencer with Elektron Analog Rytm semantics for JACK MIDI.\n"
	      "\n"
	      "commands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		/* a synopsis too long for the column gets a line of its own */
		int width = fprintf(f, "  %s", commands[i].synopsis);
		if (width >= HELP_COLUMN) {
			fputc('\n', f);
			width = 0;
		}
		for (const char *h = commands[i].help; *h; width = 0) {
			size_t len = strcspn(h, "\n");
			fprintf(f, "%*s%.*s\n", HELP_COLUMN - width, "", (int)len, h);
			h += len + (h[len] == '\n');
		}
	}
	fputs("\n"
	      "options:\n"
	      "  -h, --help             this help; 'trigseq COMMAND --help' for a command\n"
	      "  -V, --version          print the version\n"
	      "\n"
	      "Exit status: 0 success, 1 invalid pattern or file error, 2 bad usage.\n"
	      "See trigseq(1).\n", f);
}

/* "unknown command" names every command: "check, fmt, ... or export-rytm". */
static int unknown_command(const char *cmd)
{
	char names[256] = "";
	for (size_t i = 0; i < NCOMMANDS; i++) {
		const char *sep = i == 0 ? "" : i + 1 < NCOMMANDS ? ", " : " or ";
		size_t used = strlen(names);
		snprintf(names + used, sizeof(names) - used, "%s%s", sep, commands[i].name);
	}
	return ts_cli_usage(NULL, "unknown command '%s' (expected %s, or a pattern file to edit)",
			    cmd, names);
}

int main(int argc, char **argv)
{
	/* No command: the editor, when there is a terminal to run it in. */
	if (argc < 2) {
		if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO))
			return ts_ui_main(0, argv + 1);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		print_usage(stdout);
		return 0;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
		printf("trigseq %s\n", TS_VERSION);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 2, argv + 2);
	/* A pattern file (existing, or new with the .tsq extension) or an option: the editor. A
	 * mistyped command stays an error rather than a new file of that name. */
	size_t len = strlen(cmd);
	if (cmd[0] == '-' || access(cmd, F_OK) == 0 || (len > 4 && strcmp(cmd + len - 4, ".tsq") == 0))
		return ts_ui_main(argc - 1, argv + 1);
	return unknown_command(cmd);
}
