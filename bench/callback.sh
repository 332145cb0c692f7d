#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The process callback's cost on a real JACK server: trigseq play on the dense 12-track pattern
# (bench/dense.tsq) for SECONDS on a private dummy server with 64-frame periods at 48 kHz, every
# call timed by bench/cbtime.c (LD_PRELOAD); then the same with 12 sample voices playing (the
# render benchmark's pattern and samples, bench/render_files.py, with the click on). Prints
# p50/p99/max as a share of the period.
# usage: bench/callback.sh BUILD_DIR [SECONDS]
set -euo pipefail
build=$1
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
"$here/../tools/jack-shm-heal.sh"
export JACK_DEFAULT_SERVER="trigseq-bench-$$"
jackd --no-realtime -d dummy -r 48000 -p 64 >/dev/null 2>&1 &
jack=$!
cleanup() {
	kill "$jack" 2>/dev/null || true
	wait "$jack" 2>/dev/null || true
	rm -f /dev/shm/jack_sem."$(id -u)"_"$JACK_DEFAULT_SERVER"_* 2>/dev/null || true
	rm -rf "$voices"
}
voices=$(mktemp -d)
trap cleanup EXIT
for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
LD_PRELOAD="$build/cbtime.so" "$build/trigseq" play "$here/dense.tsq" --duration "$seconds" 2>&1 |
	grep '^callback:' | sed 's/^/engine in JACK (dense 12 tracks, dummy server): /'
python3 "$here/render_files.py" write "$voices" 1 >/dev/null
LD_PRELOAD="$build/cbtime.so" "$build/trigseq" play "$voices/bench.tsq" --click --duration "$seconds" \
	2>&1 | grep '^callback:' |
	sed 's/^/engine and 12 sample voices with the click in JACK (dummy server): /'
