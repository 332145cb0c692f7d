/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trigseq play FILE [options]`: play a pattern on JACK, headless, until SIGINT, SIGTERM or
 * --duration, then stop cleanly. Threads: the program's main thread.
 */
#ifndef TRIGSEQ_PLAY_H
#define TRIGSEQ_PLAY_H

/* argv holds the arguments after "play". Returns the exit status: 0, 1 (a file or JACK problem),
 * 2 (bad usage). */
int ts_play_main(int argc, char **argv);

#endif
