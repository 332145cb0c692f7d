#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Thru's added latency on a real JACK server: `trigseq play --thru 3` on tests/jack/thru.tsq, a
# peer (send_midi) plays 200 notes, CCs and bends on midi_in at known frames, and one
# jack_midi_dump capture of the peer's output and trigseq's thru port gives, for every message,
# the frame it came in and the frame it went out (tests/jack/thru.py compares them).
# usage: bench/thru.sh BUILD_DIR
set -euo pipefail
build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
"$root/tools/jack-shm-heal.sh" >/dev/null
export JACK_DEFAULT_SERVER="trigseq-bench-thru-$$"
jackd --no-realtime -d dummy -r 48000 -p 256 >/dev/null 2>&1 &
jack=$!
tmp=$(mktemp -d)
cleanup() {
	kill "$ts" "$cap" 2>/dev/null || true
	kill "$jack" 2>/dev/null || true
	wait "$jack" 2>/dev/null || true
	rm -f /dev/shm/jack_sem."$(id -u)"_"$JACK_DEFAULT_SERVER"_* 2>/dev/null || true
	rm -rf "$tmp"
}
ts= cap=
trap cleanup EXIT
for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
jack_midi_dump -a cap >"$tmp/cap.txt" 2>/dev/null &
cap=$!
"$build/trigseq" play "$root/tests/jack/thru.tsq" --thru 3 --name ts_thru --duration 4 \
	--connect synth=cap:input >/dev/null 2>&1 &
ts=$!
for _ in $(seq 100); do jack_lsp 2>/dev/null | grep -q '^ts_thru:midi_in$' && break; sleep 0.1; done
sleep 0.3
msgs=()
for i in $(seq 0 199); do
	t=$(printf '0.%03d' $((100 + i * 4)))
	case $((i % 4)) in
	0) msgs+=("$t 90 $(printf '%02X' $((36 + i % 48))) 64") ;;
	1) msgs+=("$t 80 $(printf '%02X' $((36 + (i - 1) % 48))) 00") ;;
	2) msgs+=("$t B0 4A $(printf '%02X' $((i % 128)))") ;;
	3) msgs+=("$t E0 00 $(printf '%02X' $((i % 128)))") ;;
	esac
done
"$build/send_midi" --name sm --connect ts_thru:midi_in --connect cap:input "${msgs[@]}" >"$tmp/sent"
wait "$ts" || true
sleep 0.3
kill "$cap" 2>/dev/null || true
wait "$cap" 2>/dev/null || true
printf 'thru latency (play --thru, dummy server, 256-frame periods): '
python3 "$root/tests/jack/thru.py" "$tmp/cap.txt" "$tmp/sent" 10 0
