/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The terminal editor: `trigseq [FILE] [OPTIONS]`. Threads: the program's main thread.
 */
#ifndef TRIGSEQ_UI_H
#define TRIGSEQ_UI_H

/* argv holds the arguments after the program name (FILE and options). Returns the exit status:
 * 0 after quitting, 1 a file or terminal problem, 2 bad usage (no terminal included). */
int ts_ui_main(int argc, char **argv);

#endif
