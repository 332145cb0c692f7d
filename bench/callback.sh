#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The process callback's cost on a real JACK server: trigseq play on the dense 12-track pattern
# (bench/dense.tsq) for SECONDS on a private dummy server with 64-frame periods at 48 kHz, every
# call timed by bench/cbtime.c (LD_PRELOAD); then the same with 12 sample voices playing (the
# render benchmark's pattern and samples, bench/render_files.py, with the click on); then the
# dense pattern again with MIDI thru to track 1 while bench/midi_flood fills every period of
# midi_in with 256 events (each parsed, routed and written thru, and handed to the editor's
# ring in the editor; here, play --thru). Prints p50/p99/max as a share of the period.
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
LD_PRELOAD="$build/cbtime.so" "$build/trigseq" play "$here/dense.tsq" --thru 1 --name ts_flood \
	--duration "$seconds" 2>"$voices/flood.err" &
ts=$!
for _ in $(seq 100); do jack_lsp 2>/dev/null | grep -q '^ts_flood:midi_in$' && break; sleep 0.1; done
"$build/midi_flood" 256 ts_flood:midi_in 2>"$voices/flood.log" &
flood=$!
wait "$ts" || true
kill "$flood" 2>/dev/null || true
wait "$flood" 2>/dev/null || true
grep '^callback:' "$voices/flood.err" |
	sed 's/^/engine and thru of 256 MIDI events every period (dense 12 tracks, dummy server): /'
sed 's/^/  /' "$voices/flood.log"
