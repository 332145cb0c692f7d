/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * link_peers: the Link shim (rt/link.h) with two peers in one process, which must run inside
 * ../shared/tools/netns-run (tests/link/run-all.sh): they find each other, share one timeline
 * (the same phase of the quantum at the same host time), a tempo proposed by one reaches the
 * other, a start by one starts the other (start/stop sync), and one leaving is seen.
 * Prints one line per check, "ok: ..." or "FAIL: ...", and exits 1 when any failed.
 */
#define _DEFAULT_SOURCE /* usleep */
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "trigseq/rt/link.h"

static int failed;

static void check(int cond, const char *what, double figure)
{
	printf("%s: %s (%.6g)\n", cond ? "ok" : "FAIL", what, figure);
	failed += !cond;
}

/* Wait up to `ms` for cond(a, b); returns the milliseconds it took, or -1. */
static int wait_for(int (*cond)(ts_link *, ts_link *), ts_link *a, ts_link *b, int ms)
{
	for (int t = 0; t <= ms; t++) {
		if (cond(a, b))
			return t;
		usleep(1000);
	}
	return -1;
}

static int both_see_one(ts_link *a, ts_link *b)
{
	return ts_link_peers(a) == 1 && ts_link_peers(b) == 1;
}

static int one_timeline(ts_link *a, ts_link *b)
{
	int64_t now = ts_link_clock_us(a);
	ts_link_state sa, sb;
	ts_link_capture(a, now, 4, &sa);
	ts_link_capture(b, now, 4, &sb);
	double dphase = fabs(fmod(sa.beat, 4) - fmod(sb.beat, 4));
	/* Link sends tempos as microseconds a beat: 90 BPM comes back as 89.999955 */
	return fabs(sa.tempo - sb.tempo) < 1e-3 && (dphase < 1e-4 || fabs(dphase - 4) < 1e-4);
}

static int b_has_tempo(ts_link *a, ts_link *b)
{
	(void)a;
	ts_link_state s;
	ts_link_capture(b, ts_link_clock_us(b), 4, &s);
	return fabs(s.tempo - 133.3) < 1e-3; /* Link keeps microseconds a beat */
}

static int b_plays(ts_link *a, ts_link *b)
{
	(void)a;
	ts_link_news n;
	ts_link_get_news(b, &n);
	return n.playing;
}

static int b_alone(ts_link *a, ts_link *b)
{
	(void)a;
	return ts_link_peers(b) == 0;
}

int main(void)
{
	ts_link *a = ts_link_new(120.0), *b = ts_link_new(90.0);
	if (!a || !b) {
		puts("FAIL: Link did not start");
		return 1;
	}
	ts_link_start_stop_sync(a, true);
	ts_link_start_stop_sync(b, true);
	ts_link_enable(a, true);
	ts_link_enable(b, true);
	int t = wait_for(both_see_one, a, b, 3000);
	check(t >= 0, "the two peers find each other within 3 s (ms)", t);

	/* one timeline: one tempo, and the same phase in a 4-beat quantum at the same host time
	 * (a peer adopts the session's timeline a moment after it counts the other) */
	t = wait_for(one_timeline, a, b, 2000);
	check(t >= 0, "then one timeline: one tempo, the same phase within 50 us (ms)", t);
	ts_link_state sb;

	ts_link_request_tempo(a, 133.3, ts_link_clock_us(a));
	t = wait_for(b_has_tempo, a, b, 2000);
	check(t >= 0, "a tempo proposed by one is the other's within 2 s (ms)", t);
	ts_link_news n;
	ts_link_get_news(b, &n);
	check(n.tempo_changes > 0 && fabs(n.tempo - 133.3) < 1e-3, "and its tempo callback said so",
	      n.tempo);

	ts_link_request_playing(a, true, ts_link_clock_us(a), 0, 4);
	t = wait_for(b_plays, a, b, 2000);
	check(t >= 0, "a start by one starts the other (start/stop sync) within 2 s (ms)", t);
	ts_link_capture(b, ts_link_clock_us(b), 4, &sb);
	check(sb.playing, "the other's captured state plays", sb.playing);

	ts_link_enable(a, false);
	t = wait_for(b_alone, a, b, 5000);
	check(t >= 0, "one leaving is seen by the other within 5 s (ms)", t);
	ts_link_get_news(b, &n);
	check(n.playing, "leaving is not stopping: the session still plays", n.playing);
	ts_link_free(a);
	ts_link_free(b);
	return failed ? 1 : 0;
}
