#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Ableton Link figures, only ever inside a private network namespace with nothing but loopback
# (../shared/tools/netns-run; skipped with a message where it cannot be made):
#   - onset error against LinkHut: trigseq's clicks (`play --sync link --click`) and LinkHut's,
#     recorded together for SECONDS on one dummy server (1024-frame periods), median and worst;
#   - tempo follow time: LinkHut's tempo goes up 1 BPM every 2 s; how long until the status
#     trigseq publishes (sampled every 10 ms from --verbose's once a second is too coarse, so:
#     the shim's own figure, two peers in one process) shows it;
#   - the process callback's cost with Link (64-frame periods, the dense pattern, cbtime.so):
#     --sync link against --sync int in the same namespace.
# usage: bench/link.sh BUILD_DIR [SECONDS]
set -uo pipefail
build=$(realpath "$1")
seconds=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
netns=$root/../shared/tools/netns-run
if [ -z "${TS_IN_NETNS:-}" ]; then
	if ! "$netns" --check 2>/dev/null; then
		echo "link bench: SKIPPED: no private network namespace here; Link never runs on the host network"
		exit 0
	fi
	TS_IN_NETNS=1 exec "$netns" "$0" "$@"
fi
cd "$root" || exit 1
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
server() { # server PERIOD: a private dummy server as JACK_DEFAULT_SERVER
	export JACK_DEFAULT_SERVER="trigseq-bench-link-$$-$1"
	jackd -R -d dummy -r 48000 -p "$1" >/dev/null 2>&1 &
	pids+=("$!")
	for _ in $(seq 100); do jack_lsp >/dev/null 2>&1 && return; sleep 0.1; done
}
port() { for _ in $(seq 100); do jack_lsp 2>/dev/null | grep -qx "$1" && return; sleep 0.05; done; }

# ---- onset error against LinkHut ----
server 1024
mkfifo "$tmp/hut.fifo"
LinkHut <"$tmp/hut.fifo" >/dev/null 2>&1 &
pids+=("$!")
exec 7>"$tmp/hut.fifo"
port LinkHut:out_1
printf a >&7; sleep 0.2; printf s >&7; sleep 0.2
jack_disconnect LinkHut:out_1 system:playback_1
jack_disconnect LinkHut:out_2 system:playback_2
"$build/audio_capture" ts_cap "$tmp/clicks.cap" $((seconds + 2)) >/dev/null &
cap=$!
port ts_cap:in_2
jack_connect LinkHut:out_1 ts_cap:in_1
"$build/trigseq" play tests/jack/thru.tsq --sync link --click --name ts_link --duration "$seconds" \
	--connect audio_out_1=ts_cap:in_2 2>/dev/null &
ts=$!
for _ in $(seq $((seconds / 2))); do sleep 2; printf e >&7; done
wait "$ts"
wait "$cap"
printf 'Link, onsets against LinkHut (%s s, tempo +1 BPM every 2 s, 1024-frame periods): ' "$seconds"
python3 tests/link/clicks.py "$tmp/clicks.cap" 8
printf q >&7
exec 7>&-

# ---- tempo follow time (the shim, two peers) ----
printf 'Link, a tempo proposed by one peer, seen by the other: '
"$build/link_peers" | grep 'tempo proposed' | sed 's/^ok: //'

# ---- the callback's cost ----
server 64
for mode in int link; do
	LD_PRELOAD="$build/cbtime.so" "$build/trigseq" play bench/dense.tsq --sync "$mode" \
		--duration "$seconds" 2>&1 | grep '^callback:' |
		sed "s/^/process callback, dense pattern, --sync $mode (64-frame periods): /"
done
