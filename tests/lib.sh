# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shell helpers for the test scripts, sourced by them (bash): counters of passed and failed checks
# and the one line each check prints; the script prints the totals and sets its exit status.
# The JACK helpers below use the sourcing script's $tmp (a scratch folder) and pids (an array of
# background processes it stops on exit), and the server in JACK_DEFAULT_SERVER.

pass=0
fail=0
ok() { pass=$((pass + 1)); printf 'ok: %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
# check NAME CMD...: passes when CMD exits 0; its output is shown either way.
check() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then ok "$name: $out"; else bad "$name: $out"; fi
}

stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }

# wait_port PORT: until PORT exists on the current server (5 s at most).
wait_port() {
	for _ in $(seq 50); do
		jack_lsp 2>/dev/null | grep -qxF "$1" && return 0
		sleep 0.1
	done
	return 1
}

# monitor NAME: jack_midi_dump -a as client NAME into $tmp/NAME.txt; sets mon_pid.
monitor() {
	jack_midi_dump -a "$1" >"$tmp/$1.txt" 2>/dev/null &
	mon_pid=$!
	pids+=("$mon_pid")
	wait_port "$1:input"
}

# wait_grep PATTERN FILE: until FILE has a line matching the extended regex (10 s at most).
wait_grep() {
	for _ in $(seq 100); do
		grep -qE -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# rtok NAME ERRFILE: the RT interposer (rtcheck.so, LD_PRELOAD) reported no allocation, lock or
# I/O in the process callback over at least 100 callbacks.
rtok() {
	if grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$2"; then
		ok "$1: $(grep '^rtcheck' "$2")"
	else
		bad "$1: $(grep '^rtcheck' "$2" || echo no rtcheck report)"
	fi
}

# start_jackd GROUP [PERIOD]: a private dummy server (synchronous, 48 kHz, PERIOD frames, default
# 256) as JACK_DEFAULT_SERVER; its pid joins pids. Prints the totals and exits 1 when it does
# not come up.
start_jackd() {
	export JACK_DEFAULT_SERVER=trigseq-$1-$$-$RANDOM
	jackd -S --no-realtime -d dummy -r 48000 -p "${2:-256}" >"$tmp/jackd-$1.log" 2>&1 &
	pids+=("$!")
	if ! timeout 15 jack_wait -w -t 10 >/dev/null 2>&1; then
		bad "could not start jackd: $(head -c 400 "$tmp/jackd-$1.log")"
		printf '%s: %d passed, %d failed\n' "$1" "$pass" "$fail"
		exit 1
	fi
}
