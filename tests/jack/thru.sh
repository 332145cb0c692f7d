#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# MIDI thru on a private JACK dummy server: `trigseq play --thru TRACK` sends what a peer
# (send_midi) plays on midi_in to the track's port and channel at the very frame it came in,
# ends held notes where they went and releases the rest at the end, survives garbage, running
# status, SysEx fragments and a flood, listens to one channel with --midi-in-channel, and stays
# real-time safe (rtcheck.so). One jack_midi_dump capture holds what was sent and what came out.
# usage: tests/jack/thru.sh BUILD_DIR     (BUILD_DIR holds trigseq, rtcheck.so, send_midi)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" thru
cd "$root" || exit

start_jackd
PAT=tests/jack/thru.tsq # track 3: port synth, channel 10

# thru_run NAME SECONDS [TRIGSEQ OPTIONS...] -- MESSAGES...: play PAT with the options under the
# interposer, send the messages to midi_in, capture them and the synth port in $tmp/NAME.txt.
thru_run() {
	local name=$1 secs=$2 opts=() ts
	shift 2
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	monitor "cap_$name" || bad "$name: capture did not come up"
	local cap=$mon_pid
	LD_PRELOAD=$build/rtcheck.so "$TRIGSEQ" play "$PAT" --name "ts_$name" --verbose \
		--duration "$secs" "${opts[@]}" --connect "synth=cap_$name:input" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" &
	ts=$!
	pids+=("$ts")
	if wait_port "ts_$name:midi_in" && wait_grep 'started at frame' "$tmp/$name.err"; then
		"$build/send_midi" --name "sm_$name" --connect "ts_$name:midi_in" \
			--connect "cap_$name:input" "$@" >"$tmp/$name.sent" 2>&1 ||
			bad "$name: send_midi failed: $(head -c 300 "$tmp/$name.sent")"
	else
		bad "$name: trigseq did not start: $(head -c 600 "$tmp/$name.err")"
	fi
	wait_pid "$ts" 30
	local rc=$?
	sleep 0.3
	stop_pid "$cap"
	[ "$rc" -eq 0 ] && ok "$name: exit 0" || bad "$name: exit $rc: $(head -c 600 "$tmp/$name.err")"
	rtok "$name: thru in the process callback" "$tmp/$name.err"
}

# ---- 1: every kind, note-offs where their notes went, garbage, running status, the end ----
# Channel 1 and 2 in: everything thru goes out on channel 10 of the synth port. 90 3E 00 is a
# note-off; 80 3F is one of a note never played (dropped); "41 64" is a note-on by running
# status; F4 12 34 is an undefined status and its data (dropped); F0 01 02 a SysEx that never
# ends (the next status cuts it); C0 05 a program change (not thru's). E4, F4 (running status),
# G4 and A4 are held at the end: released.
thru_run kinds 2.5 --thru 3 -- \
	"0.10 90 3C 64" "0.12 B0 4A 10" "0.14 E0 00 50" "0.16 D0 40" "0.18 A0 3C 20" \
	"0.20 90 3C 00" "0.22 80 3F 40" "0.24 90 40 64" "0.26 41 64" "0.28 F4 12 34" \
	"0.30 F0 01 02" "0.32 90 43 64" "0.34 C0 05" "0.36 91 45 64" "0.38 90 3E 50" \
	"0.40 80 3E 00" "0.42 B1 07 64"
check "thru: every message at its frame, note-offs matched, held notes released" \
	python3 "$here/thru.py" "$tmp/cap_kinds.txt" "$tmp/kinds.sent" 10 0
grep -qE 'thru to track 3: 1[0-9] sent, 0 held, 1 note-offs without a note, 0 lost, midi_in bytes dropped [1-9]' \
	"$tmp/kinds.err" && ok "thru: the status line counts $(grep -oE 'thru to track.*' "$tmp/kinds.err" | tail -1)" ||
	bad "thru status line: $(grep -oE 'thru to track.*' "$tmp/kinds.err" | tail -2)"

# ---- 2: a flood: 1000 notes at one frame, then their note-offs, then 500 CC ----
# JACK takes them in one period; jack_midi_dump cannot keep up with such a burst, so trigseq's
# own counts say it: every one sent thru, none lost, none held at the end.
flood=()
for i in $(seq 0 999); do flood+=("0.10 $(printf '9%X %02X 64' $((i / 128)) $((i % 128)))"); done
for i in $(seq 0 999); do flood+=("0.30 $(printf '8%X %02X 00' $((i / 128)) $((i % 128)))"); done
flood+=("0.50*500 B0 01 7F")
thru_run flood 2.5 --thru 3 -- "${flood[@]}"
n=$(awk '$1 == f' f="$(head -1 "$tmp/flood.sent" | cut -d' ' -f1)" "$tmp/flood.sent" | wc -l)
[ "$n" -ge 1000 ] && ok "flood: send_midi put $n messages in one period" ||
	bad "flood: only $n messages in the first period"
grep -qE 'thru to track 3: 2500 sent, 0 held, 0 note-offs without a note, 0 lost' "$tmp/flood.err" &&
	ok "flood: 2500 sent thru, none lost, none held" ||
	bad "flood: $(grep -oE 'thru to track.*' "$tmp/flood.err" | tail -1)"

# ---- 3: --midi-in-channel 2: channel 1 is not heard, channel 2 is ----
thru_run chan 2 --thru 3 --midi-in-channel 2 -- \
	"0.10 90 3C 64" "0.12 91 3D 64" "0.14 B0 01 10" "0.16 B1 01 11" "0.18 80 3C 00" \
	"0.20 81 3D 00" "0.22 91 3E 64"
check "--midi-in-channel 2: only channel 2 thru" \
	python3 "$here/thru.py" "$tmp/cap_chan.txt" "$tmp/chan.sent" 10 2
grep -qE ', 3 on other channels' "$tmp/chan.err" && ok "--midi-in-channel: the 3 on channel 1 counted" ||
	bad "--midi-in-channel count: $(grep -oE 'thru to track.*' "$tmp/chan.err" | tail -1)"

# ---- 4: a track that sends nothing is refused with its reason ----
"$TRIGSEQ" play "$PAT" --thru 5 --name ts_silent --duration 1 >"$tmp/silent.out" 2>"$tmp/silent.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q -- '--thru 5: track 5 of tests/jack/thru.tsq sends no MIDI (channel off)' \
	"$tmp/silent.err" && ok "--thru to a track without MIDI: exit 1 with the reason" ||
	bad "--thru 5: exit $rc: $(cat "$tmp/silent.err")"
"$TRIGSEQ" play "$PAT" --thru 13 >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q -- "--thru '13': expected a track 1 ... 12" "$tmp/bad.err" &&
	ok "--thru 13: usage error" || bad "--thru 13: exit $rc: $(cat "$tmp/bad.err")"

summary
