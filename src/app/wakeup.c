/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The main thread's self-pipe wake-up and signal flag (wakeup.h). */
#include "trigseq/app/wakeup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

static int pipe_fd[2] = {-1, -1};
static atomic_int caught;
static bool with_hangup;

void ts_wakeup_poke(void)
{
	int saved = errno;
	ssize_t w = write(pipe_fd[1], "w", 1);
	(void)w; /* a full pipe is awake already */
	errno = saved;
}

static void on_signal(int sig)
{
	atomic_store(&caught, sig);
	ts_wakeup_poke();
}

bool ts_wakeup_open(bool hangup)
{
	with_hangup = hangup;
	if (pipe(pipe_fd) != 0)
		return false;
	for (int i = 0; i < 2; i++)
		if (fcntl(pipe_fd[i], F_SETFL, O_NONBLOCK) != 0 ||
		    fcntl(pipe_fd[i], F_SETFD, FD_CLOEXEC) != 0)
			return false;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	return sigaction(SIGINT, &sa, NULL) == 0 && sigaction(SIGTERM, &sa, NULL) == 0 &&
	       (!hangup || sigaction(SIGHUP, &sa, NULL) == 0);
}

void ts_wakeup_close(void)
{
	for (int i = 0; i < 2; i++) {
		if (pipe_fd[i] >= 0)
			close(pipe_fd[i]);
		pipe_fd[i] = -1;
	}
}

int ts_wakeup_read_fd(void)
{
	return pipe_fd[0];
}

int ts_wakeup_write_fd(void)
{
	return pipe_fd[1];
}

void ts_wakeup_drain(void)
{
	char drain[64];
	while (read(pipe_fd[0], drain, sizeof(drain)) > 0)
		;
}

void ts_wakeup_wait(int ms)
{
	struct pollfd pfd = {.fd = pipe_fd[0], .events = POLLIN};
	if (poll(&pfd, 1, ms) > 0)
		ts_wakeup_drain();
}

int ts_wakeup_signal(bool take)
{
	return take ? atomic_exchange(&caught, 0) : atomic_load(&caught);
}

void ts_wakeup_block(bool block)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (with_hangup)
		sigaddset(&set, SIGHUP);
	pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}
