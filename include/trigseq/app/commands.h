/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The commands that work on files without JACK: `trigseq check`, `fmt` (check.c), `dump`
 * (dump.c), `export` (export.c) and `render` (render.c). Each takes the arguments after its name
 * and returns the exit status: 0 success, 1 an invalid pattern or a file problem, 2 bad usage.
 * Threads: the program's main thread.
 */
#ifndef TRIGSEQ_COMMANDS_H
#define TRIGSEQ_COMMANDS_H

int ts_check_main(int argc, char **argv);
int ts_check_fmt_main(int argc, char **argv);
int ts_dump_main(int argc, char **argv);
int ts_export_main(int argc, char **argv);
int ts_render_main(int argc, char **argv);

#endif
