#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A MIDI keyboard on the editor's midi_in, through a real terminal (tmux) and a private JACK
# dummy server: send_midi plays (at exact frames from the note track 1 plays on step 1, --ref),
# jack_midi_dump captures what it played and what the editor sent in one file, the saved pattern
# file is read back. Thru to the cursor's track at the frame played, a note-off after the cursor
# moved, thru off (I), step entry while stopped (r), live recording (notes early and late, a
# chord, lengths of 1 and 2 steps, micro timing with Q, CC locks on a step with and without a
# trig, replacement and overdub), the pass as one undo step, garbage recording nothing,
# --midi-in-channel, and the process callback real-time safe through it all.
# usage: tests/ui/record.sh BUILD_DIR     (BUILD_DIR holds trigseq, rtcheck.so, send_midi)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
REC="python3 $here/record.py"
sock=trigseq-uirec-$$
T() { tmux -L "$sock" "$@"; }
on_exit() { T kill-server 2>/dev/null; }
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" ui-record
cd "$root" || exit

start_jackd

# editor, screen, keys, wait_screen, expect_screen, wait_exit
# shellcheck source=SCRIPTDIR/tmux.sh
. "$here/tmux.sh"

# play NAME CLIENT [send_midi options...] MESSAGES...: send_midi as NAME into CLIENT:midi_in and
# the capture cap_CLIENT, its report in $tmp/NAME.sent
play() {
	local name=$1 client=$2
	shift 2
	"$build/send_midi" --name "$name" --connect "$client:midi_in" --connect "cap_$client:input" \
		"$@" >"$tmp/$name.sent" 2>&1 || bad "$name: send_midi failed: $(head -c 300 "$tmp/$name.sent")"
}
# row NAME TRACK: the trig kinds of a track's 16 cells on page 1, as "x...x.x........."
row() {
	screen "$1" | sed -n "$(($2 + 2))p" |
		awk '{ for (s = 0; s < 16; s++) printf "%s", substr($0, 38 + 2 * s + int(s / 4), 1) }'
}
# quit NAME [KEYS...]: q (and KEYS: the answer to "unsaved?"), exit 0, the interposer's report
quit() {
	local name=$1
	shift
	keys "$name" q "$@"
	if wait_exit "$name" && [ "$(cat "$tmp/$name.exit")" = 0 ]; then
		ok "$name: quits, exit 0"
	else
		bad "$name: exit $(cat "$tmp/$name.exit" 2>/dev/null): $(head -c 300 "$tmp/$name.err")"
	fi
	rtok "$name: the editor's process callback under rtcheck" "$tmp/$name.err"
}

# ---- 1: thru follows the cursor's track; a note-off goes where its note went; I switches ----
mkdir -p "$tmp/a"
cp tests/jack/thru.tsq "$tmp/a/t.tsq"
monitor cap_ts_a || bad "capture did not come up"
cap=$mon_pid
editor a LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" a/t.tsq --name ts_a \
	--connect synth=cap_ts_a:input --connect midi_out=cap_ts_a:input
wait_screen a 't.tsq +STOP' || bad "the editor did not start: $(cat "$tmp/a.err")"
expect_screen a "the header shows thru to the cursor's track" 'thru 1  '
keys a j j
expect_screen a "the cursor on track 3: thru 3" 'thru 3  '
play sm_a1 ts_a "0.10 90 3C 64" "0.15 B0 4A 21" "0.20 E0 00 50"
keys a k k # the cursor to track 1 while C4 is held
play sm_a2 ts_a "0.05 80 3C 00" "0.10 90 3E 64" "0.15 80 3E 00"
keys a j j I
expect_screen a "I switches thru off, and the header says so" 'thru off'
play sm_a3 ts_a "0.05 90 40 64" "0.10 80 40 00"
keys a I
expect_screen a "I switches it on again" 'thru 3  '
keys a j j # track 5 sends no MIDI (channel off)
expect_screen a "a track without MIDI: thru 5 -" 'thru 5 -  '
keys a k k
# held notes are released when play stops and when the editor quits
play sm_a4 ts_a "0.05 90 47 64"
keys a p
sleep 0.5
keys a p
sleep 0.3
play sm_a5 ts_a "0.05 90 48 64"
quit a
sleep 0.3
stop_pid "$cap"
check "thru: at the frames played, to track 3 then track 1, the note-off of C4 to track 3, nothing while off, held notes released at stop and quit" \
	$REC thru "$tmp/cap_ts_a.txt" "$tmp/sm_a1.sent" "$tmp/sm_a2.sent" "$tmp/sm_a3.sent" \
	"$tmp/sm_a4.sent" "$tmp/sm_a5.sent"

# ---- 2: step entry: stopped, record armed, a chord then a note; garbage records nothing ----
mkdir -p "$tmp/b"
cp tests/jack/thru.tsq "$tmp/b/t.tsq"
monitor cap_ts_b || bad "capture did not come up"
cap=$mon_pid
editor b LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" b/t.tsq --name ts_b
wait_screen b 't.tsq +STOP' || bad "the editor did not start: $(cat "$tmp/b.err")"
keys b j j r
expect_screen b "r arms recording: REC in the header" 'STOP +REC 120.0 BPM'
play sm_b ts_b "0.10 90 3C 50" "0.12 90 40 6E" "0.14 90 43 40" "0.30 80 40 00" "0.32 80 3C 00" \
	"0.34 80 43 00" "0.50 F4 12 34" "0.52 80 30 00" "0.54 F0 01 02" "0.60 90 45 64" "0.70 80 45 00"
expect_screen b "step entry moved the cursor to step 3" 'track 3 step 3 '
keys b i
expect_screen b "the monitor pane counts what midi_in brought that went nowhere" \
	'midi_in: [1-9][0-9]* garbage bytes dropped, 1 note-offs without a note, 0 lost'
keys b i w
sleep 0.3
grep -qx '  step 1 note C4+E4+G4 vel 110' "$tmp/b/t.tsq" &&
	grep -qx '  step 2 note A4 vel 100' "$tmp/b/t.tsq" && grep -qx '  steps xx.. .... .... ....' "$tmp/b/t.tsq" &&
	ok "step entry: the chord on step 1 with its loudest velocity, A4 on step 2, nothing from garbage" ||
	bad "step entry: track 3 is $(sed -n '/SYNTH/,/^$/p' "$tmp/b/t.tsq" | tr '\n' '|')"
keys b u
[ "$(row b 3)" = "x..............." ] && ok "undo takes back the last step entered (A4)" ||
	bad "after undo, track 3 is '$(row b 3)'"
quit b d
stop_pid "$cap"

# ---- 3: live recording with micro timing (Q): where each note was played, its length, a chord,
# CC locks, replacement and overdub; the pass is one undo step ----
# Track 3 has trigs on steps 7 (replaced by the note recorded there) and 13 (kept). Times are in
# frames from the reference note (track 1, step 1); a step is 6000 frames.
mkdir -p "$tmp/c"
sed 's/^  steps \.\.\.\. \.\.\.\. \.\.\.\. \.\.\.\.$/&/' tests/jack/thru.tsq |
	awk '/SYNTH/ {t3 = 1} t3 && /^  steps/ {$0 = "  steps .... ..x. .... x..."; t3 = 0} {print}' \
	>"$tmp/c/t.tsq"
cp "$tmp/c/t.tsq" "$tmp/c/before.tsq"
monitor cap_ts_c || bad "capture did not come up"
cap=$mon_pid
editor c LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" c/t.tsq --name ts_c \
	--connect midi_out=cap_ts_c:input --connect synth=cap_ts_c:input
wait_screen c 't.tsq +STOP' || bad "the editor did not start: $(cat "$tmp/c.err")"
keys c j j Q r p
expect_screen c "playing with record armed" 'PLAY +REC 120.0 BPM'
play sm_c ts_c --ref ts_c:midi_out --frames \
	"23250 90 40 64" "24500 B0 47 14" "29250 80 40 00" "30000 E0 00 50" "37250 90 43 5A" \
	"40000 F4 12 34" "41000 80 30 00" "48100 90 48 50" "48300 90 4C 6E" "49250 80 43 00" \
	"51100 80 48 00" "51300 80 4C 00" "60100 B0 4A 21" "60900 B0 4A 2C" "95000 90 45 46" \
	"98000 80 45 00"
sleep 0.3
keys c r p w
sleep 0.3
check "live recording: steps, micro timing, lengths, chord, locks where they were played" \
	$REC live "$tmp/cap_ts_c.txt" "$tmp/sm_c.sent" "$tmp/c/t.tsq"
grep -qx '  steps x... x.x. x.o. x...' "$tmp/c/t.tsq" &&
	ok "replaced step 7, kept step 13, a lock trig on step 11" ||
	bad "track 3 steps: $(sed -n '/SYNTH/,/^$/p' "$tmp/c/t.tsq" | grep steps)"
keys c u
[ "$(row c 3)" = "......x.....x..." ] && ok "one undo takes back the whole pass" ||
	bad "after undo, track 3 is '$(row c 3)'"
keys c C-r
[ "$(row c 3)" = "x...x.x.x.o.x..." ] && ok "redo gives it back" ||
	bad "after redo, track 3 is '$(row c 3)'"
quit c
stop_pid "$cap"

# ---- 4: --midi-in-channel 2, quantized (no Q), the monitor pane shows what comes in ----
mkdir -p "$tmp/d"
cp tests/jack/thru.tsq "$tmp/d/t.tsq"
monitor cap_ts_d || bad "capture did not come up"
cap=$mon_pid
editor d LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" d/t.tsq --name ts_d --midi-in-channel 2 --connect midi_out=cap_ts_d:input \
	--connect synth=cap_ts_d:input
wait_screen d 't.tsq +STOP' || bad "the editor did not start: $(cat "$tmp/d.err")"
keys d j j r p i
play sm_d ts_d --ref ts_d:midi_out --frames "23250 90 40 64" "23250 91 41 64" "29250 80 40 00" \
	"29250 81 41 00"
expect_screen d "the monitor pane shows what comes in on midi_in" 'in +midi_in +ch 2 +note-on +F4'
expect_screen d "and what went thru, with its track" 'out synth +ch 10 note-on +F4 \(65\) vel 100 +track 3'
keys d r p w
sleep 0.3
grep -qx '  step 5 note F4 vel 100 gate 1' "$tmp/d/t.tsq" && ! grep -q 'E4' "$tmp/d/t.tsq" &&
	ok "--midi-in-channel 2: channel 2 recorded on the nearest step (quantized), channel 1 not" ||
	bad "channel 2 recording: $(sed -n '/SYNTH/,/^$/p' "$tmp/d/t.tsq" | tr '\n' '|')"
quit d
stop_pid "$cap"

summary
