#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The clock slave's figures on a real JACK server (a private dummy server, 48 kHz, 256-frame
# periods), from one run of the steady and the wandering master of tests/slave/run-all.sh:
# our steps' jitter around jitter_clock's true grid (0-2 ms late per tick, 120 BPM, 60 s) next to
# a naive follower's, and the largest distance of a step from jack_midi_clock -J 5's tick.
# usage: bench/slave.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/../tools/jack-shm-heal.sh"
out=$("$here/../tests/slave/run-all.sh" "$1" bench 2>&1)
rc=$?
sed -nE 's/^(ok|FAIL): steady master, 0-2 ms jitter: (RMS [0-9.]+ ms vs naive [0-9.]+ ms \(ratio [0-9.]+).*/slave (jackd dummy): steady master 120 BPM 0-2 ms jitter: \2; target <= 0.10)/p' <<<"$out"
sed -nE 's/^(ok|FAIL): jack_midi_clock -J 5 master: [^:]*: (max \|step - master tick\| [0-9.]+ ms) \(limit [0-9.]+\) (over [0-9]+ steps).*/slave (jackd dummy): jack_midi_clock -J 5 at 120 BPM: \2 \3 (target <= 3 ms), none lost or doubled/p' <<<"$out"
[ "$rc" -eq 0 ] || { printf '%s\n' "$out" | grep -E '^FAIL'; exit 1; }
