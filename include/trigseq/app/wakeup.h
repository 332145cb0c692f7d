/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The main thread's wake-up, one per process: a self-pipe that the signal handlers (SIGINT,
 * SIGTERM, and SIGHUP when asked) and JACK's shutdown notice (ts_jack_config.wake_fd) write a
 * byte to, so that a main loop sleeping in poll() wakes at once; the handlers only store the
 * signal in an atomic and write that byte.
 *
 * Threads: ts_wakeup_open, _close, _wait, _drain, _signal and _block on the main thread;
 * ts_wakeup_poke from any thread and from signal handlers (async-signal-safe).
 */
#ifndef TRIGSEQ_WAKEUP_H
#define TRIGSEQ_WAKEUP_H

#include <stdbool.h>

/* Make the pipe (both ends non-blocking, close-on-exec) and install the handlers. False, with
 * errno set, when either fails; ts_wakeup_close is still due. */
bool ts_wakeup_open(bool hangup);
/* Close the pipe (the handlers stay, writing nowhere). */
void ts_wakeup_close(void);

/* The ends: poll the first; hand the second to whatever must wake the main thread. -1 before
 * ts_wakeup_open. */
int ts_wakeup_read_fd(void);
int ts_wakeup_write_fd(void);

/* Wake the main thread. */
void ts_wakeup_poke(void);
/* Read every byte waiting. */
void ts_wakeup_drain(void);
/* Sleep until woken or `ms` milliseconds pass (ms < 0: no limit), then drain. */
void ts_wakeup_wait(int ms);

/* The last signal caught (0: none); with `take` it is forgotten. */
int ts_wakeup_signal(bool take);

/* Block (or unblock) the handled signals in the calling thread: threads started while they are
 * blocked (JACK's) inherit the mask, so the signals reach the main thread only. */
void ts_wakeup_block(bool block);

#endif
