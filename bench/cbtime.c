/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cbtime.so: an LD_PRELOAD shim for benchmarks that times every call of a JACK client's process
 * callback (CLOCK_MONOTONIC around it) into a fixed histogram, and at exit prints p50, p99 and max
 * as microseconds and as a share of the period. Test code only: trigseq knows nothing of it.
 * The period for the share is taken from the nframes of the calls.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jack/jack.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BINS 200000 /* 0.1 us bins up to 20 ms */

static JackProcessCallback real_cb;
static void *real_arg;
static uint32_t hist[BINS];
static uint64_t calls, skip_first = 200; /* leave start-up (first cycles, connections) out */
static double max_us;
static jack_nframes_t period;
static jack_nframes_t rate;

static int timed(jack_nframes_t nframes, void *arg)
{
	(void)arg;
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	int rc = real_cb(nframes, real_arg);
	clock_gettime(CLOCK_MONOTONIC, &b);
	double us = (double)(b.tv_sec - a.tv_sec) * 1e6 + (double)(b.tv_nsec - a.tv_nsec) / 1e3;
	period = nframes;
	if (++calls > skip_first) {
		long bin = (long)(us * 10);
		hist[bin < BINS ? bin : BINS - 1]++;
		if (us > max_us)
			max_us = us;
	}
	return rc;
}

int jack_set_process_callback(jack_client_t *client, JackProcessCallback cb, void *arg)
{
	int (*real)(jack_client_t *, JackProcessCallback, void *) =
		(int (*)(jack_client_t *, JackProcessCallback, void *))dlsym(RTLD_NEXT,
									     "jack_set_process_callback");
	real_cb = cb;
	real_arg = arg;
	rate = jack_get_sample_rate(client);
	return real(client, timed, NULL);
}

static double percentile(double p)
{
	uint64_t n = calls > skip_first ? calls - skip_first : 0, want = (uint64_t)(p * (double)n), seen = 0;
	for (long i = 0; i < BINS; i++) {
		seen += hist[i];
		if (seen > want)
			return i / 10.0;
	}
	return max_us;
}

__attribute__((destructor)) static void report(void)
{
	if (calls <= skip_first || !period || !rate)
		return;
	double per_us = period * 1e6 / rate;
	double p50 = percentile(0.50), p99 = percentile(0.99);
	fprintf(stderr,
		"callback: %llu calls of %u frames at %u Hz: p50 %.1f us (%.2f%%), p99 %.1f us "
		"(%.2f%%), max %.1f us (%.2f%%) of the %.0f us period\n",
		(unsigned long long)(calls - skip_first), period, rate, p50, 100 * p50 / per_us, p99,
		100 * p99 / per_us, max_us, 100 * max_us / per_us, per_us);
}
