#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Songs on a private JACK dummy server: `trigseq play SONG.tss` sends what `trigseq dump SONG.tss
# --clock` prints, frame for frame, across its tempo changes, and stops at the song's end by
# itself (exit 0); a clock slave places the song by Song Position Pointer, at the master's tempo.
# usage: tests/jack/song.sh BUILD_DIR     (BUILD_DIR holds trigseq, rtcheck.so, send_midi)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MIDI="python3 $here/midi.py"
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" song
cd "$root" || exit

start_jackd
SONG=tests/jack/song.tss

# ---- 1: the song as master, to its end: the dump frame for frame, tempo changes included ----
monitor mon_song || bad "monitor did not come up"
mon=$mon_pid
LD_PRELOAD=$build/rtcheck.so \
	"$TRIGSEQ" play "$SONG" --name ts_song --duration 30 --verbose \
	--connect midi_out=mon_song:input --connect clock_out=mon_song:input \
	>"$tmp/song.out" 2>"$tmp/song.err"
rc=$?
sleep 0.3
stop_pid "$mon"
[ "$rc" -eq 0 ] && ok "play SONG: exit 0 at the song's end" ||
	bad "play SONG: exit $rc: $(head -c 600 "$tmp/song.err")"
secs=$(grep -c 'BPM' "$tmp/song.err")
[ "$secs" -lt 12 ] && ok "it ended by itself ($secs status lines, the song lasts about 4 s)" ||
	bad "it did not end at the song's end: $secs status lines"
check "song: midi_out, clock ticks and Stop equal the dump" $MIDI song "$tmp/mon_song.txt" \
	"$TRIGSEQ" "$SONG" midi_out
grep -qE 'row [1-3]/3 repeat [12]/[12] .*(virus-acid|rd8-map)\.tsq' "$tmp/song.err" &&
	ok "--verbose shows the row, its repeat and the pattern" ||
	bad "no row in the status: $(grep -m2 BPM "$tmp/song.err")"
rtok "RT safety over rows and tempo changes" "$tmp/song.err"

# ---- 2: a clock slave places the song by Song Position Pointer ----
# The master plays 24 ticks (steps 1-4 of row 1: virus-acid, channel 1), stops, then sends SPP
# 16 and continues: position 16 steps is row 2's start (rd8-map, channel 10), played at the
# master's 120 BPM, not the row's 150, and row 3 (virus-acid again) after it.
monitor mon_sl || bad "monitor did not come up"
mon=$mon_pid
"$TRIGSEQ" play "$SONG" --sync midi --name ts_ssl --duration 7 --verbose \
	--connect midi_out=mon_sl:input >"$tmp/sl.out" 2>"$tmp/sl.err" &
ts=$!
pids+=("$ts")
if wait_port ts_ssl:clock_in && wait_grep 'waiting for MIDI Start' "$tmp/sl.err"; then
	"$build/jitter_clock" --name jc_song --connect ts_ssl:clock_in --delay-ms 200 --bpm 120 \
		--ticks 140 --stop-after 24 --pause-ticks 12 --spp 16 --jitter-ms 0 \
		>"$tmp/jc.out" 2>"$tmp/jc.err" || bad "jitter_clock failed: $(cat "$tmp/jc.err")"
else
	bad "the slave did not come up: $(head -c 400 "$tmp/sl.err")"
fi
wait_pid "$ts" 60
rc=$?
sleep 0.3
stop_pid "$mon"
[ "$rc" -eq 0 ] && ok "slave song: exit 0" || bad "slave song: exit $rc: $(head -c 400 "$tmp/sl.err")"
cont=$(sed -n 's/^# continue \([0-9]*\).*/\1/p' "$tmp/jc.out")
if python3 - "$tmp/mon_sl.txt" "${cont:-0}" <<'PY'
import re, sys
ons = []
for line in open(sys.argv[1]):
    m = re.match(r"\s*(\d+):\s+(9[0-9a-f]) ([0-9a-f]{2}) ([0-9a-f]{2})", line)
    if m and int(m.group(4), 16) > 0:
        ons.append((int(m.group(1)), int(m.group(2), 16) & 15))
chans = [c for _, c in ons]
if not ons or chans[0] != 0:
    sys.exit(f"expected row 1's notes (channel 1) first: channels {chans[:20]}")
# row 1's first steps (channel 1), then row 2 (channel 10), then row 3 (channel 1 again)
runs = [c for i, c in enumerate(chans) if i == 0 or chans[i - 1] != c]
if runs not in ([0, 9], [0, 9, 0]) or chans.count(9) < 8:
    sys.exit(f"expected row 1, then row 2 (channel 10), then row 3: channels {chans[:60]}")
print(f"{chans.index(9)} note-ons of row 1, then {chans.count(9)} of row 2")
PY
then
	ok "SPP 16 continues at row 2"
else
	bad "SPP 16 did not place the song at row 2"
fi
grep -qE 'row 2/3' "$tmp/sl.err" && ok "the slave's status says row 2/3" ||
	bad "no row 2/3 in the slave's status: $(grep -m2 -E 'row|BPM' "$tmp/sl.err")"

# ---- 3: bad songs on the command line ----
"$TRIGSEQ" play "$SONG" patterns/rd8-map.tsq --duration 1 >/dev/null 2>"$tmp/alone.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q 'a song plays alone' "$tmp/alone.err" && ok "a song plays alone: exit 2" ||
	bad "song and pattern: exit $rc: $(cat "$tmp/alone.err")"
"$TRIGSEQ" play "$SONG" --program-receive 3 --duration 1 >/dev/null 2>"$tmp/pr.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q 'program-receive' "$tmp/pr.err" && ok "--program-receive with a song: exit 2" ||
	bad "--program-receive with a song: exit $rc: $(cat "$tmp/pr.err")"

summary
