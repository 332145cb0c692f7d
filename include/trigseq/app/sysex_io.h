/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `trigseq sysex send | recv`: the SysEx librarian on JACK (the pure part is sysex.h).
 *
 * Its own JACK client (trigseq-sysex unless --name) with one MIDI port: sysex_out to send,
 * sysex_in to receive. Its process callback only copies bytes: sending, the bytes that are due
 * in the cycle at their frames; receiving, every byte that arrives into a lock-free ring the main
 * thread reads. The main thread does the rest: files, the assembler, progress, signals.
 *
 * Threads: the program's main thread.
 */
#ifndef TRIGSEQ_SYSEX_IO_H
#define TRIGSEQ_SYSEX_IO_H

/* The command: argv holds what follows `trigseq sysex`. Returns the exit status: 0 success, 1
 * a file, SysEx or JACK problem, 2 bad usage. */
int ts_sysex_main(int argc, char **argv);

#endif
