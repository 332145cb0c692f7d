#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# JACK2 keeps a machine-wide registry of servers in /dev/shm (8 slots). A jackd that dies without
# cleaning up (SIGKILL, crash, a machine reused between runs) keeps its slot, and once all slots
# are stale no server can start: "Too many servers already active". When no JACK server process
# is alive at all, every JACK file in /dev/shm is stale, so this removes them; when one is alive it
# touches nothing. Safe to run any time; the tests and benchmarks run it before starting servers.
set -u
# (a zombie jackd, dead but not yet reaped by its parent, does not count)
alive=D,R,S,T,t
if pgrep -x -r "$alive" jackd >/dev/null 2>&1 || pgrep -x -r "$alive" jackdbus >/dev/null 2>&1; then
	exit 0
fi
shopt -s nullglob
stale=(/dev/shm/jack-shm-registry /dev/shm/jack-[0-9]*-[0-9]* /dev/shm/jack_db-* /dev/shm/jack_sem.*)
if [ ${#stale[@]} -gt 0 ]; then
	rm -rf -- "${stale[@]}" 2>/dev/null || true
	echo "jack-shm-heal: no JACK server running; removed ${#stale[@]} stale JACK shared-memory files"
fi
exit 0
