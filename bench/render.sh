#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Render speed: seconds of audio per second of CPU (user + sys of the whole process, start-up
# included) of `trigseq render`, next to Hydrogen's h2cli rendering the same 12-track pattern
# with the same 12 samples (both written by bench/render_files.py): BARS bars at 120 BPM,
# 48 kHz, 24-bit stereo WAV. Each renderer runs RUNS times, one after the other; the run with the
# median CPU time counts. Both files are checked for their length and against each other.
# usage: bench/render.sh BUILD_DIR [BARS] [RUNS]
set -euo pipefail
build=$(realpath "$1")
bars=${2:-256}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
files="$here/render_files.py"
python3 "$files" write "$tmp" "$bars" >/dev/null
bar_seconds=$((bars * 2)) # 16 steps at 120 BPM: 2 s a bar
# the longest sample (0.5 s) rings out after the last bar, and trigseq writes whole periods
max_seconds=$(awk -v s="$bar_seconds" 'BEGIN { print s + 0.55 }')

# timed NAME CMD...: run CMD RUNS times, its output in $tmp/NAME.log; sets `cpu` and `wall` to
# the run with the median CPU time. False when a run fails.
timed() {
	local name=$1 i TIMEFORMAT='%R %U %S'
	shift
	: >"$tmp/$name.times"
	for ((i = 0; i < runs; i++)); do
		{ time "$@" >"$tmp/$name.log" 2>&1; } 2>"$tmp/$name.t" || return 1
		awk '{ printf "%.3f %.3f\n", $2 + $3, $1 }' "$tmp/$name.t" >>"$tmp/$name.times"
	done
	read -r cpu wall < <(sort -n "$tmp/$name.times" | sed -n "$(((runs + 1) / 2))p")
}

# seconds WAV: its length, after checking it is the bars plus a ring-out (else why, and false)
seconds() {
	local s
	s=$(python3 "$files" info "$1" | awk '{ print $2 }')
	awk -v s="$s" -v lo="$bar_seconds" -v hi="$max_seconds" 'BEGIN { exit !(s >= lo && s <= hi) }' || {
		echo "${1##*/} lasts $s s, expected $bar_seconds to $max_seconds"
		return 1
	}
	echo "$s"
}

each() { awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' "$tmp/$1.times"; }
speed() { awk -v a="$1" -v c="$2" 'BEGIN { printf "%.0f", a / c }'; }

if ! timed trigseq "$build/trigseq" render "$tmp/bench.tsq" -o "$tmp/trigseq.wav" --bars "$bars"; then
	echo "render bench: trigseq render failed: $(cat "$tmp/trigseq.log")"
	exit 1
fi
ts_seconds=$(seconds "$tmp/trigseq.wav") || { echo "render bench: trigseq render: $ts_seconds"; exit 1; }
ts_cpu=$cpu ts_wall=$wall
ts_speed=$(speed "$ts_seconds" "$ts_cpu")
echo "trigseq render: $ts_seconds s of audio ($bars bar$([ "$bars" -eq 1 ] || echo s)), CPU $ts_cpu s, wall $ts_wall s" \
	"(median of $runs; CPU of each run: $(each trigseq) s)"

if ! command -v h2cli >/dev/null; then
	echo "render bench: h2cli not found (Debian package hydrogen; tools/quickstart.sh bench installs it): no comparison"
	echo "render speed (12 tracks, samples, 48 kHz): trigseq ${ts_speed}x real time (CPU)"
	exit 0
fi
# h2cli opens an audio driver before it switches to its disk writer: `auto` and `jack` would
# start a JACK server (24 s of waiting on a machine without one), OSS is absent on current
# Linux and falls back at once to Hydrogen's null driver. Its preferences and log go to
# ~/.hydrogen and its scratch files to $TMPDIR/hydrogen: private ones keep them out of the
# user's.
mkdir "$tmp/home"
h2() {
	local st=0
	rm -f "$tmp/h2cli.wav"
	HOME="$tmp/home" TMPDIR="$tmp" JACK_NO_START_SERVER=1 h2cli -d oss -s "$tmp/bench.h2song" \
		-o "$tmp/h2cli.wav" -r 48000 -b 24 || st=$?
	[ "$st" -eq 0 ] || { echo "exit status $st" >"$tmp/h2cli.err"; return 1; }
	[ -s "$tmp/h2cli.wav" ] || { echo "no output file" >"$tmp/h2cli.err"; return 1; }
}
if ! timed h2cli h2 || ! h2_seconds=$(seconds "$tmp/h2cli.wav"); then
	[ -n "${h2_seconds:-}" ] || h2_seconds=$(cat "$tmp/h2cli.err")
	echo "render bench: h2cli failed ($h2_seconds); the end of its output:"
	sed 's/\x1b\[[0-9;]*m//g' "$tmp/h2cli.log" | grep -v '^ALSA lib' | tail -n 5
	echo "render speed (12 tracks, samples, 48 kHz): trigseq ${ts_speed}x real time (CPU)"
	exit 1
fi
h2_cpu=$cpu h2_wall=$wall
h2_speed=$(speed "$h2_seconds" "$h2_cpu")
echo "h2cli $(h2cli --version 2>/dev/null | grep -o '[0-9][0-9.]*[-a-z0-9]*' | head -1):" \
	"$h2_seconds s of audio, CPU $h2_cpu s, wall $h2_wall s (median of $runs; CPU of each run:" \
	"$(each h2cli) s)"
# The same mix? Over the first 8 bars: pure Python would take minutes for the whole file, and
# h2cli leaves out the hits in the last few ticks of a song (here the last two rim retrigs).
if [ "$bars" -gt 8 ]; then
	read -r rms rel < <(python3 "$files" diff "$tmp/trigseq.wav" "$tmp/h2cli.wav" 16)
	echo "outputs: first 16 s at $rms dBFS RMS; trigseq minus h2cli $rel dB below that"
	awk -v r="$rel" 'BEGIN { exit !(r > -60) }' &&
		echo "render bench: the two renders differ: not the same pattern and samples?"
fi
echo "render speed (12 tracks, samples, 48 kHz): trigseq ${ts_speed}x real time (CPU)," \
	"h2cli ${h2_speed}x real time (CPU), same pattern and samples"
