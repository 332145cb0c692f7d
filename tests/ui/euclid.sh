#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The editor with a euclidean track (euclid.md §3.3) in a real terminal (tmux) on a private JACK
# dummy server: the grid shows the hits where they play with the kind of the trig each plays,
# the track settings have pl1 pl2 ro1 ro2 tro op (+/- and typed), a hit's cell edits the grid
# step it plays, a step that is not a hit says so, Z freezes (the file then plays the same
# events, `dump` compared), u undoes the freeze; notes sound on JACK.
# usage: tests/ui/euclid.sh BUILD_DIR     (BUILD_DIR holds trigseq and rtcheck.so)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sock=trigseq-euclid-$$
T() { tmux -L "$sock" "$@"; }
on_exit() { T kill-server 2>/dev/null; }
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" "ui euclid"
cd "$root" || exit

start_jackd
# shellcheck source=SCRIPTDIR/tmux.sh
. "$here/tmux.sh"

cat >"$tmp/e.tsq" <<'TSQ'
trigseq 1
tempo 120.0
swing 60
length 16

track 1
  channel 1
  note C4
  euclid pl1 5
  steps xX-o x... .... ....
track 2
  channel 2
  note D4
  steps x... x... x... x...
TSQ
row1() { screen e | sed -n 3p | cut -c38-; }
# the inspector's field to the track settings' pl1: 28 Tabs from note
to_pl1() { for _ in $(seq 28); do T send-keys -t ui:e Tab; done; sleep 0.3; }

monitor mon_eu || bad "monitor did not come up"
mon=$mon_pid
editor e LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" e.tsq --name ts_uieu \
	--connect midi_out=mon_eu:input
expect_screen e "the editor opens the pattern" 'e\.tsq +STOP'
# E(5,16) hits 1 4 7 10 13 play grid steps 1-5: x X - o x
expect_screen e "the grid shows the hits where they play, with their trigs' kinds" \
	' 1 +1 midi_out C4 +16 1x +x \. \. X  \. \. - \.  \. o \. \.  x \. \. \.'
to_pl1
expect_screen e "the track settings show the euclid fields" '^pl1 5 +pl2 0 +ro1 0 +ro2 0$'
expect_screen e "tro op" '^tro 0 +op or$'
keys e +
# E(6,16) = x..x .x.. x..x .x..: hits 1 4 6 9 12 14 play x X - o x and the '.' of step 6 as x
expect_screen e "+ on pl1: six hits, the sixth plays a '.' as x" \
	' 1 +1 midi_out C4 +16 1x +x \. \. X  \. - \. \.  o \. \. x  \. x \. \.'
keys e Tab Tab e
expect_screen e "e on ro1 prompts for it" 'ro1: '
keys e C-u 2 Enter
expect_screen e "ro1 2: the hits move two steps later" \
	' 1 +1 midi_out C4 +16 1x +\. \. x \.  \. X \. -  \. \. o \.  \. x \. x'
keys e Tab Tab Tab e C-u xor Enter
expect_screen e "op typed: xor" 'op xor'
keys e Escape l Space
expect_screen e "space on a step that is not a hit says so" 'not a hit: euclid pl1 pl2 ro1 ro2 tro op place'
# step 3 is hit 1: a note typed there goes to grid step 1
keys e l n
keys e C-u E4 Enter
keys e w
wait_screen e 'saved|wrote' >/dev/null
sleep 0.3
if grep -q '^  euclid pl1 6 ro1 2 op xor$' "$tmp/e.tsq" && grep -q '^  step 1 note E4$' "$tmp/e.tsq"; then
	ok "saved: euclid pl1 6 ro1 2 op xor, and the hit at step 3 edited grid step 1"
else
	bad "the saved file: $(cat "$tmp/e.tsq")"
fi
cp "$tmp/e.tsq" "$tmp/before.tsq"
keys e p
sleep 1.2
keys e p
keys e Z
expect_screen e "Z freezes the track" 'track 1 frozen'
expect_screen e "the frozen grid looks the same" \
	' 1 +1 midi_out C4 +16 1x +\. \. x \.  \. X \. -  \. \. o \.  \. x \. x'
keys e w
sleep 0.5
if ! grep -q euclid "$tmp/e.tsq" && grep -q '^  steps \.\.x\. \.X\.- \.\.o\. \.x\.x$' "$tmp/e.tsq" &&
	grep -q '^  step 3 note E4$' "$tmp/e.tsq"; then
	ok "the frozen file: the trigs at the hits, no euclid"
else
	bad "the frozen file: $(cat "$tmp/e.tsq")"
fi
"$TRIGSEQ" dump "$tmp/before.tsq" --bars 2 --clock >"$tmp/d1"
"$TRIGSEQ" dump "$tmp/e.tsq" --bars 2 --clock >"$tmp/d2"
if [ -s "$tmp/d1" ] && cmp -s "$tmp/d1" "$tmp/d2"; then
	ok "frozen and euclid play the same events ($(wc -l <"$tmp/d1") dump lines)"
else
	bad "freeze changed what plays: $(diff "$tmp/d1" "$tmp/d2" | head -5)"
fi
keys e u
keys e w
sleep 0.5
grep -q '^  euclid pl1 6 ro1 2 op xor$' "$tmp/e.tsq" && ok "u undoes the freeze" ||
	bad "after undo: $(cat "$tmp/e.tsq")"
keys e Z u
# from op back to pl1
keys e BTab BTab BTab BTab BTab
keys e e C-u off Enter
expect_screen e "pl1 off turns euclid off: the grid plays where it says" \
	' 1 +1 midi_out C4 +16 1x +x X - o  x \. \. \.  \. \. \. \.  \. \. \. \.'
keys e Tab
keys e +
expect_screen e "the other euclid fields wait for pl1" 'euclid is off on this track: pl1 turns it on'
keys e q
keys e d
if wait_exit e && [ "$(cat "$tmp/e.exit")" = 0 ]; then
	ok "q quits, exit 0"
else
	bad "exit $(cat "$tmp/e.exit" 2>/dev/null): $(head -c 300 "$tmp/e.err")"
fi
rtok "the editor's process callback under rtcheck" "$tmp/e.err"
stop_pid "$mon"
# hit 1 (E4, grid step 1) sounds on channel 1
grep -qE ': 90 40 ' "$tmp/mon_eu.txt" && ok "the euclid track's hits sound on JACK (E4 on channel 1)" ||
	bad "no E4 on channel 1 in the capture: $(head -5 "$tmp/mon_eu.txt")"
summary
