#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The terminal editor driven through a real terminal: tmux (send-keys, capture-pane) runs
# `trigseq FILE` against a private JACK dummy server, jack_midi_dump captures what it sends.
# usage: tests/ui/run-all.sh BUILD_DIR     (BUILD_DIR holds trigseq and rtcheck.so)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MIDI="python3 $root/tests/jack/midi.py"
sock=trigseq-ui-$$
T() { tmux -L "$sock" "$@"; }
on_exit() { T kill-server 2>/dev/null; }
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" ui
cd "$root" || exit

start_jackd

# editor, screen, keys, wait_screen, expect_screen, wait_exit
# shellcheck source=SCRIPTDIR/tmux.sh
. "$here/tmux.sh"

# cell TRACK STEP (1-based, page 1): the two characters of a grid cell of window NAME
cell() {
	local name=$1 t=$2 s=$3
	# (capture-pane drops trailing spaces: pad the cut back to two characters)
	printf '%-2s' "$(screen "$name" | sed -n "$((t + 2))p" |
		cut -c$((38 + 2 * (s - 1) + (s - 1) / 4))-$((39 + 2 * (s - 1) + (s - 1) / 4)))"
}

cp patterns/virus-acid.tsq "$tmp/acid.tsq"
orig=$(cat "$tmp/acid.tsq")

# ---- 1: open, edit a trig, play: the edit is heard; save: the file has it ----
monitor mon_ui || bad "monitor did not come up"
mon=$mon_pid
editor main LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" acid.tsq \
	--connect midi_out=mon_ui:input --connect clock_out=mon_ui:input
expect_screen main "the editor shows the file, the status and track 1" \
	'acid.tsq +STOP +126.0 BPM int +clock out +thru 1 +(trigseq )?48k xr'
expect_screen main "track rows: number, name, channel, port, note, length, speed" \
	'^ 1 VIRUS +1 midi_out C2 +16 1x'
[ "$(cell main 1 3)" = "x/" ] && ok "step 3 shows a slid note trig: 'x/'" ||
	bad "step 3 cell is '$(cell main 1 3)', expected 'x/'"
keys main l l Space
[ "$(cell main 1 3)" = ". " ] && ok "space on step 3 removes the trig" ||
	bad "after space, step 3 is '$(cell main 1 3)'"
keys main n
expect_screen main "n asks for a note" 'note \(C4 = 60, or 0 ... 127\):'
keys main E 3 Enter
expect_screen main "the inspector shows the note as name and number" 'note E3 \(52\)'
expect_screen main "an unsaved edit is marked" 'acid.tsq \*'
keys main p
expect_screen main "p plays" 'PLAY +126.0 BPM'
sleep 2.2
keys main p
expect_screen main "p again stops" 'STOP +126.0 BPM'
keys main w
expect_screen main "w saves" 'saved .*acid.tsq'
if grep -qx '  step 3 note E3' "$tmp/acid.tsq" && "$TRIGSEQ" check "$tmp/acid.tsq" &&
	[ "$(cat "$tmp/acid.tsq~")" = "$orig" ]; then
	ok "the saved file has 'step 3 note E3', passes trigseq check, the old one is acid.tsq~"
else
	bad "saved file: $(grep -n 'step 3' "$tmp/acid.tsq"); backup same as the original: $([ "$(cat "$tmp/acid.tsq~" 2>/dev/null)" = "$orig" ] && echo yes || echo no)"
fi
sleep 0.3
# what was played equals the dump of the saved file, frame for frame from the Start
check "the played notes equal trigseq dump of the saved file" $MIDI compare "$tmp/mon_ui.txt" \
	"$TRIGSEQ" "$tmp/acid.tsq" midi_out 48000 1260
grep -q ': 90 34 64' "$tmp/mon_ui.txt" && ok "E3 (52) was heard" || bad "no note-on 52 in the capture"

# ---- 2: live edit while playing, undo and redo ----
stop_pid "$mon"
monitor mon_live || bad "monitor did not come up"
mon=$mon_pid
T send-keys -t ui:main q 2>/dev/null # not dirty: quits at once
wait_exit main && [ "$(cat "$tmp/main.exit")" = 0 ] && ok "q on a saved document quits, exit 0" ||
	bad "q did not quit: $(cat "$tmp/main.exit" 2>/dev/null)"
grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$tmp/main.err" &&
	ok "editor's process callback through edits, play, stop: $(grep '^rtcheck' "$tmp/main.err")" ||
	bad "rtcheck in the editor: $(cat "$tmp/main.err" | head -c 400)"
editor live "$TRIGSEQ" acid.tsq --connect midi_out=mon_live:input --connect clock_out=mon_live:input
wait_screen live 'acid.tsq +STOP' || bad "the editor did not start"
keys live p
sleep 1
# track 2 (channel 2, empty) gets a trig on every step of the page while playing
keys live j
for _ in $(seq 16); do keys live x l; done
sleep 2.5
keys live i
expect_screen live "i shows the MIDI monitor, decoded, notes as name and number" \
	'out midi_out +ch 2 note-on +C4 \(60\) vel 100'
expect_screen live "the monitor gives the time from play start and the track" \
	'^ +[0-9]+\.[0-9]{3} s out midi_out +ch [12] note-o.*track [12]$'
keys live i
keys live p
sleep 0.3
n2=$(grep -c ': 91 3c 64' "$tmp/mon_live.txt")
[ "$n2" -ge 8 ] && ok "trigs added while playing are heard: $n2 note-ons on channel 2" ||
	bad "trigs added while playing: $n2 note-ons on channel 2"
[ "$(cell live 2 16)" = "x " ] && ok "the grid shows the new trigs" || bad "cell 2/16: '$(cell live 2 16)'"
keys live u
[ "$(cell live 2 16)" = ". " ] && ok "u undoes the last one" || bad "after undo: '$(cell live 2 16)'"
keys live C-r
[ "$(cell live 2 16)" = "x " ] && ok "Ctrl-R redoes it" || bad "after redo: '$(cell live 2 16)'"

# ---- 3: quitting with unsaved changes asks; Esc stays; d discards ----
keys live q
expect_screen live "q with unsaved changes asks" 'Unsaved changes. s: save and quit, d: discard'
keys live Escape
expect_screen live "any other key stays" 'not quitting'
[ -s "$tmp/live.exit" ] && bad "the editor quit on Esc" || ok "still running after Esc"
before=$(cat "$tmp/acid.tsq")
keys live q d
wait_exit live && [ "$(cat "$tmp/live.exit")" = 0 ] && ok "q d discards and quits, exit 0" ||
	bad "q d: $(cat "$tmp/live.exit" 2>/dev/null)"
[ "$(cat "$tmp/acid.tsq")" = "$before" ] && ok "discarding left the file as it was" ||
	bad "the file changed after discarding"
[ ! -e "$tmp/.acid.tsq.recover" ] && ok "no recovery file after a deliberate quit" ||
	bad "a recovery file is left after quitting"
stop_pid "$mon"

# ---- 4: help, resize, no colour ----
editor help env NO_COLOR=1 "$TRIGSEQ" acid.tsq --no-jack
wait_screen help 'no JACK \(--no-jack\)' && ok "--no-jack edits without JACK, and says so" ||
	bad "--no-jack: $(screen help | head -2)"
keys help '?'
expect_screen help "? shows the keys, from the key table" 'Ctrl-R +redo'
expect_screen help "the help lists play" 'p +play from step 1 / stop'
keys help Space
expect_screen help "Space shows its second page at 80x24, with the keys added last" \
	'trigseq keys 2/2.*|L +page follows play / locked'
keys help Escape
T resize-window -t ui:help -x 60 -y 20
expect_screen help "a too small terminal is said, not drawn into" 'needs 80x24; this terminal is 60x20'
T resize-window -t ui:help -x 120 -y 40
expect_screen help "back to a large terminal: the grid again" '^ 1 VIRUS'
keys help C-c
wait_exit help && [ "$(cat "$tmp/help.exit")" = 0 ] && ok "Ctrl-C on a clean document quits" ||
	bad "Ctrl-C: $(cat "$tmp/help.exit" 2>/dev/null)"
# the terminal is back: the shell's screen, no editor drawing left in the alternate screen
screen help | grep -q 'VIRUS' && bad "the editor's screen is still shown after exit" ||
	ok "the terminal is restored after exit"

# ---- 5: kill -9 loses at most the last seconds: the recovery file ----
editor crash "$TRIGSEQ" acid.tsq --no-jack
wait_screen crash 'acid.tsq +STOP' || bad "the editor did not start"
keys crash j j x
sleep 3 # the recovery file follows edits within 2 s
pid=$(pgrep -f "^$TRIGSEQ acid.tsq --no-jack" | head -1)
if [ -n "$pid" ] && [ -s "$tmp/.acid.tsq.recover" ]; then
	ok "a recovery file was written after the edit"
	kill -KILL "$pid"
else
	bad "no recovery file or no process (pid '$pid')"
fi
wait_exit crash
editor again "$TRIGSEQ" acid.tsq --no-jack
expect_screen again "the next start offers the recovery" 'from a crash or kill were kept. Recover'
keys again y
expect_screen again "y recovers the edit, unsaved" 'acid.tsq \*'
[ "$(cell again 3 1)" = "x " ] && ok "the recovered trig is there (track 3 step 1)" ||
	bad "recovered cell: '$(cell again 3 1)'"
keys again w
expect_screen again "saving the recovered edits" 'saved .*acid.tsq'
[ ! -e "$tmp/.acid.tsq.recover" ] && ok "saving removes the recovery file" ||
	bad "recovery file still there after saving"
keys again q
wait_exit again || bad "did not quit"

# ---- 6: fill mode: f makes fill conditions true, heard from the next steps ----
printf 'trigseq 1\ntempo 240.0\nlength 4\n\ntrack 1\n  channel 1\n  note D3\n  steps x...\n  step 1 cond fill\n' \
	>"$tmp/fill.tsq"
monitor mon_fill || bad "monitor did not come up"
mon=$mon_pid
editor fill "$TRIGSEQ" fill.tsq --connect midi_out=mon_fill:input
wait_screen fill 'fill.tsq +STOP' || bad "the editor did not start"
keys fill p
sleep 1.2
before=$(grep -c ': 90 32 ' "$tmp/mon_fill.txt")
keys fill f
expect_screen fill "f shows FILL in the status line" 'FILL PLAY'
sleep 1.2
after=$(grep -c ': 90 32 ' "$tmp/mon_fill.txt")
keys fill f
sleep 0.8
off=$(grep -c ': 90 32 ' "$tmp/mon_fill.txt")
# momentary: F held (the terminal repeats it) fills, and it ends 0.7 s after the last repeat
for _ in $(seq 12); do T send-keys -t ui:fill F; sleep 0.1; done
held=$(grep -c ': 90 32 ' "$tmp/mon_fill.txt")
expect_screen fill "F held shows FILL" 'FILL PLAY'
sleep 1.2
gone=$(grep -c ': 90 32 ' "$tmp/mon_fill.txt")
if screen fill | grep -q 'FILL PLAY' || [ $((held - off)) -lt 3 ] || [ $((gone - held)) -gt 4 ]; then
	bad "momentary fill: $((held - off)) fill notes while held, $((gone - held)) in the 1.2 s after"
else
	ok "momentary fill: $((held - off)) fill notes while F was held, $((gone - held)) after, then FILL gone"
fi
keys fill p q
stop_pid "$mon"
[ "$before" -eq 0 ] && [ "$after" -ge 3 ] && ok "a fill trig is silent, then heard with f: $after note-ons" ||
	bad "fill: $before note-ons before f, $after after"

# ---- 7: solo: the other tracks fall silent, the file does not change ----
printf 'trigseq 1\ntempo 240.0\nlength 4\n\ntrack 1\n  channel 1\n  note D3\n  steps xxxx\n\ntrack 2\n  channel 2\n  note E3\n  steps xxxx\n' \
	>"$tmp/solo.tsq"
monitor mon_solo || bad "monitor did not come up"
mon=$mon_pid
editor solo "$TRIGSEQ" solo.tsq --connect midi_out=mon_solo:input
wait_screen solo 'solo.tsq +STOP' || bad "the editor did not start"
keys solo p
sleep 1
keys solo j S
expect_screen solo "S marks the soloed track" '^ 2 .*1x +\*'
expect_screen solo "and the silenced one, with the reason" 'soloed: the others are silent'
ch1=$(grep -c ': 90 32 ' "$tmp/mon_solo.txt")
sleep 1.5
ch1b=$(grep -c ': 90 32 ' "$tmp/mon_solo.txt")
ch2=$(grep -c ': 91 34 ' "$tmp/mon_solo.txt")
keys solo S
sleep 1
ch1c=$(grep -c ': 90 32 ' "$tmp/mon_solo.txt")
keys solo p
screen solo | grep -q 'solo.tsq \*' && bad "solo marked the file changed" || ok "solo does not touch the file"
keys solo q
stop_pid "$mon"
if [ "$ch1" -ge 3 ] && [ $((ch1b - ch1)) -le 1 ] && [ "$ch2" -ge 8 ] && [ "$ch1c" -gt $((ch1b + 2)) ]; then
	ok "solo on track 2 silences track 1 ($ch1 -> $ch1b note-ons), unsolo brings it back ($ch1c)"
else
	bad "solo: track 1 note-ons $ch1 before, $ch1b during, $ch1c after; track 2 $ch2"
fi

# ---- 8: tempo while playing: typed, nudged; the clock follows at once ----
monitor mon_tempo || bad "monitor did not come up"
mon=$mon_pid
editor tempo "$TRIGSEQ" solo.tsq --connect clock_out=mon_tempo:input
wait_screen tempo 'solo.tsq +STOP +240.0 BPM' || bad "the editor did not start"
keys tempo p
sleep 0.8
keys tempo t
keys tempo 1 5 0 Enter
expect_screen tempo "t 150 Enter: the status shows the new tempo" 'PLAY +150.0 BPM'
sleep 0.8
keys tempo '>' '>'
expect_screen tempo "> nudges by 0.1" 'PLAY +150.2 BPM'
sleep 0.8
keys tempo p
sleep 0.3
keys tempo q d
stop_pid "$mon"
# ticks: 500 frames apart at 240 BPM, then 800 at 150, then 798.9 (798/799) at 150.2
if python3 - "$tmp/mon_tempo.txt" <<'PY'
import re, sys
t = [int(m.group(1)) for m in (re.match(r"\s*(\d+): f8", l) for l in open(sys.argv[1])) if m]
iv = [b - a for a, b in zip(t, t[1:])]
runs = []
for x in iv:
    if runs and abs(runs[-1][0] - x) <= 1:
        runs[-1][1] += 1
    else:
        runs.append([x, 1])
big = [r for r in runs if r[1] >= 20]
want = [500, 800, 799]
ok = len(big) == 3 and all(abs(r[0] - w) <= 1 for r, w in zip(big, want))
print("tick intervals (frames x count):", [(r[0], r[1]) for r in big])
sys.exit(0 if ok else 1)
PY
then ok "the clock follows the tempo edits at once: 500, then 800, then 799 frames a tick"
else bad "tempo: the clock's intervals are not 500 / 800 / 799"; fi

# ---- 9: keyboard mode: letters play the track's sound and write the notes ----
monitor mon_keys || bad "monitor did not come up"
mon=$mon_pid
editor keys "$TRIGSEQ" keys.tsq --connect midi_out=mon_keys:input
wait_screen keys 'keys.tsq +STOP' || bad "the editor did not start"
keys keys '`'
expect_screen keys "\` enters keyboard mode, and says the keys and the octave" 'KEYS a=C4 '
keys keys a s d
keys keys Escape
sleep 1.2 # the previews' note-offs (a step's gate at 120 BPM)
keys keys w
expect_screen keys "the notes typed are saved" 'saved .*keys.tsq'
keys keys q
stop_pid "$mon"
for n in 3c 3e 40; do
	grep -q ": 90 $n 64" "$tmp/mon_keys.txt" && grep -q ": 80 $n 40" "$tmp/mon_keys.txt" ||
		bad "keyboard preview: no note-on and note-off of $n on channel 1"
done
grep -c ': 90 ' "$tmp/mon_keys.txt" | grep -qx 3 && ok "a s d were heard at once: C4 D4 E4 on channel 1, each ended" ||
	bad "keyboard preview: $(grep -c ': 90 ' "$tmp/mon_keys.txt") note-ons"
got=$("$TRIGSEQ" dump "$tmp/keys.tsq" --bars 1 | grep ' 90 ' | cut -d' ' -f1,4 | tr '\n' ' ')
[ "$got" = "0 3C 6000 3E 12000 40 " ] && ok "and written on steps 1, 2, 3 (the dump of the saved file: $got)" ||
	bad "keyboard step entry: the dump has '$got'"

# record: while playing, a key goes to the step the track plays
editor rec "$TRIGSEQ" keys.tsq --no-jack
wait_screen rec 'keys.tsq +STOP' || bad "the editor did not start"
keys rec '`' r
expect_screen rec "r arms recording" 'r rec ON'
keys rec Escape q
editor rec2 "$TRIGSEQ" keys.tsq
wait_screen rec2 'keys.tsq +STOP' || { bad "the editor did not start:"; screen rec2 | sed 's/^/    | /'; }
keys rec2 p
sleep 1.1
keys rec2 '`' r k
sleep 0.3
keys rec2 Escape p w q
sleep 0.3
"$TRIGSEQ" dump "$tmp/keys.tsq" --bars 1 | grep -q ' 90 48 ' &&
	ok "a key pressed while playing with record on is written into the pattern (C5 in the dump)" ||
	bad "record: no C5 (48) in the dump of the saved file: $("$TRIGSEQ" dump "$tmp/keys.tsq" --bars 1 | grep ' 90 ' | tr '\n' ' ')"

# ---- 10: the mouse (xterm reports, as the terminal sends them), names ----
# ESC [ M, then 32 + button (0 press, 3 release, 64 wheel up), 33 + column, 33 + row
mouse() { T send-keys -t "ui:$1" -l "$(printf '\033[M%b%b%b' "\\$(printf '%03o' $((32 + $2)))" \
	"\\$(printf '%03o' $((33 + $3)))" "\\$(printf '%03o' $((33 + $4)))")"; sleep 0.2; }
cp patterns/virus-acid.tsq "$tmp/mouse.tsq"
editor mouse "$TRIGSEQ" mouse.tsq --no-jack
wait_screen mouse 'mouse.tsq +STOP' || bad "the editor did not start"
mouse mouse 0 41 2
mouse mouse 3 41 2
[ "$(cell mouse 1 3)" = ". " ] && ok "a click on a cell toggles its trig (track 1 step 3 off)" ||
	bad "click: cell 1/3 is '$(cell mouse 1 3)'"
mouse mouse 64 37 2
expect_screen mouse "the wheel over a cell changes its selected field (note C2 -> C#2)" 'note C#2 \(37\)'
keys mouse N
keys mouse C-u
T send-keys -t ui:mouse -l 'BASS'
keys mouse Enter
expect_screen mouse "N names the track" '^ 1 BASS '
keys mouse w q
grep -q '^track 1 "BASS"' "$tmp/mouse.tsq" && ok "the name is saved" || bad "name not saved: $(grep '^track 1' "$tmp/mouse.tsq")"

# ---- 11: bad input ----
printf 'trigseq 1\ntrack 1\n  chanel 3\n' >"$tmp/typo.tsq"
editor typo "$TRIGSEQ" typo.tsq --no-jack
wait_exit typo
if [ "$(cat "$tmp/typo.exit")" = 1 ] && grep -q "typo.tsq:3:3: unknown key 'chanel'" "$tmp/typo.err"; then
	ok "a bad file is refused with file:line:col, exit 1, before the terminal is taken"
else
	bad "bad file: exit $(cat "$tmp/typo.exit"), $(head -c 300 "$tmp/typo.err")"
fi
editor new "$TRIGSEQ" fresh.tsq --no-jack
expect_screen new "a new file name opens an empty pattern" 'fresh.tsq +STOP'
keys new x w
sleep 0.3
"$TRIGSEQ" check "$tmp/fresh.tsq" && ok "the new pattern saves as a valid file" ||
	bad "fresh.tsq: $(cat "$tmp/fresh.tsq" 2>/dev/null | head -5)"
keys new q

# ---- 12: the pattern list: a folder's files, the Rytm's pattern modes, program changes ----
mkdir -p "$tmp/bank" "$tmp/other"
mkpat() { # FILE NOTE1 NOTE2 NOTE3 NOTE4: 4 steps at 120 BPM, one note each on track 1
	printf 'trigseq 1\ntempo 120.0\nlength 4\ntrack 1\n  channel 1\n  steps xxxx\n  step 1 note %s\n  step 2 note %s\n  step 3 note %s\n  step 4 note %s\n' \
		"$2" "$3" "$4" "$5" >"$1"
}
mkpat "$tmp/bank/a.tsq" C4 C#4 D4 D#4
mkpat "$tmp/bank/b.tsq" C5 C#5 D5 D#5
mkpat "$tmp/other/c.tsq" E5 E5 E5 E5
printf 'trigseq 1\ntrack 1\n  chanel 3\n' >"$tmp/bank/bad.tsq"
monitor mon_bank || bad "monitor did not come up"
mon=$mon_pid
editor bank LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" bank/a.tsq --name ts_bank --program-send 10 \
	--program-receive 16 --connect midi_out=mon_bank:input --connect clock_out=mon_bank:input
expect_screen bank "the folder's files are the pattern list, program 0 = A01" '^A01 1/3 a.tsq'
keys bank b
expect_screen bank "b lists them, a file that does not open marked !" '^!  2 A03 bad'
keys bank g 2 Enter
expect_screen bank "choosing it says why it cannot be" 'bad.tsq did not open: line 3 col 3'
keys bank p
sleep 0.7
keys bank ')'
expect_screen bank ") queues the next pattern (sequential): edited at once, playing next" \
	'^A02 2/3 b.tsq +plays A01 next A02'
sleep 1.3
keys bank B
expect_screen bank "B cycles the pattern mode" 'pattern mode direct start'
keys bank '('
sleep 0.55 # about 6 steps: the jump then lands inside B, not on its step 1
keys bank B ')'
expect_screen bank "direct jump" 'A02 2/3 b.tsq +plays A02 +direct jump'
sleep 0.8
keys bank p
sleep 0.3
check "sequential, direct start, direct jump heard as the Rytm does them, program changes sent" \
	$MIDI bank "$tmp/mon_bank.txt" 6000
# a program change received on the channel of --program-receive: the pattern plays, the editor
# follows it
keys bank p
sleep 0.5
"$build/send_midi" --connect ts_bank:midi_in "0.05 CF 00" >"$tmp/send_bank.txt" 2>&1 ||
	bad "send_midi failed: $(cat "$tmp/send_bank.txt")"
expect_screen bank "a program change received queues that pattern; the editor follows it" \
	'^A01 1/3 a.tsq +plays A01'
# O: another file joins the list (and the engine), and plays
keys bank O other/c.tsq Enter
expect_screen bank "O opens a file from elsewhere: it joins the list" '^A04 4/4 c.tsq'
sleep 1.2
expect_screen bank "and plays at the change point" 'plays A04'
keys bank p
sleep 0.3
grep -q ': 90 4c 64' "$tmp/mon_bank.txt" && ok "the opened file is heard (E5 on channel 1)" ||
	bad "no E5 (76) from the opened file"
keys bank l Space q
expect_screen bank "quitting with one pattern unsaved names it" 'Unsaved: c.tsq. s: save it and quit'
keys bank s
wait_exit bank && [ "$(cat "$tmp/bank.exit")" = 0 ] && ok "s saves it and quits" ||
	bad "quit: $(cat "$tmp/bank.exit" 2>/dev/null)"
grep -q 'steps x.xx' "$tmp/other/c.tsq" && ok "the saved file has the edit" ||
	bad "c.tsq: $(grep steps "$tmp/other/c.tsq")"
rtok "editor's process callback through pattern changes" "$tmp/bank.err"
stop_pid "$mon"

# ---- 13: recording with micro timing: a note lands where its key was struck ----
mkdir -p "$tmp/micro"
printf 'trigseq 1\ntempo 120.0\nlength 16\ntrack 1\n  channel 1\n' >"$tmp/micro/m.tsq"
monitor mon_micro || bad "monitor did not come up"
mon=$mon_pid
editor micro "$TRIGSEQ" micro/m.tsq --name ts_micro --connect midi_out=mon_micro:input \
	--connect clock_out=mon_micro:input
wait_screen micro 'm.tsq +STOP' || bad "the editor did not start"
keys micro p # (p is a piano key in keyboard mode: play first)
keys micro '`' r Q
expect_screen micro "Q in keyboard mode records with micro timing" 'rec ON  Q MICRO'
sleep 0.3
keys micro a
sleep 0.37
keys micro s
sleep 0.29
keys micro d
sleep 0.3
keys micro Escape p w
sleep 0.3
check "notes recorded with micro timing sit where they were struck" \
	$MIDI recorded "$tmp/mon_micro.txt" "$TRIGSEQ" "$tmp/micro/m.tsq" 96000 60 62 64
keys micro q
stop_pid "$mon"

# ---- 14: typed values (e), the track settings view ----
mkdir -p "$tmp/typed"
printf 'trigseq 1\ntempo 120.0\nlength 16\ntrack 1\n  channel 1\n  steps x... .... .... ....\n' \
	>"$tmp/typed/t.tsq"
editor typed "$TRIGSEQ" typed/t.tsq --no-jack
wait_screen typed 't.tsq +STOP' || bad "the editor did not start"
keys typed Tab Tab Tab Tab e C-u 3:4 Enter
expect_screen typed "e types a condition" 'cond 3:4'
for _ in $(seq 6); do keys typed Tab; done
keys typed e C-u '74=100 71=20' Enter
expect_screen typed "e types the trig's locks" 'locks 74=100 71=20'
keys typed Tab
expect_screen typed "Tab on into the track's fields shows every setting of the track" \
	'^channel 1 +port midi_out +trk note C4 \(60\)'
expect_screen typed "... retrig defaults, dest, base cc values, sample" '^trk rlen 1 +trk rvel 0 +dest ext'
for _ in $(seq 15); do keys typed Tab; done
keys typed e C-u '7=90' Enter
expect_screen typed "e types the track's base cc values" '^cc 7=90'
keys typed e C-u '300=1' Enter
expect_screen typed "a bad value is refused with the reason" \
	"cc: '300=1' is not a list like 74=100 71=20 \\(controller and value 0 ... 127"
keys typed w q
sleep 0.3
if grep -q 'step 1 cond 3:4 cc 74=100 cc 71=20\|step 1 .*cond 3:4' "$tmp/typed/t.tsq" &&
	grep -q '  cc 7=90' "$tmp/typed/t.tsq" && "$TRIGSEQ" check "$tmp/typed/t.tsq" >/dev/null; then
	ok "the saved file has the typed condition, locks and base value, and passes check"
else
	bad "typed values: $(cat "$tmp/typed/t.tsq")"
fi

# ---- 15: the page follows the playhead (L), or stays ----
mkdir -p "$tmp/follow"
printf 'trigseq 1\ntempo 240.0\nlength 32\ntrack 1\n  channel 1\n' >"$tmp/follow/f.tsq"
editor follow "$TRIGSEQ" follow/f.tsq --name ts_follow
wait_screen follow 'f.tsq +STOP' || bad "the editor did not start"
keys follow p
sleep 1.2
screen follow | grep -q 'p1/2 *$' && ok "locked (the default), the page stays while play goes on" ||
	bad "locked page: $(screen follow | sed -n 2p)"
keys follow L
expect_screen follow "L: the page follows the playhead" 'p2/2f'
expect_screen follow "... back to page 1 when the track wraps" 'p1/2f'
keys follow p L q

# ---- 16: a port typed into a track is registered while running, and played ----
mkdir -p "$tmp/ports"
printf 'trigseq 1\ntempo 240.0\nlength 4\ntrack 1\n  channel 3\n  steps xxxx\n' >"$tmp/ports/p.tsq"
editor ports LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" ports/p.tsq --name ts_ports
wait_screen ports 'p.tsq +STOP' || bad "the editor did not start"
keys ports p
sleep 0.5
for _ in $(seq 12); do keys ports Tab; done
keys ports e C-u virus Enter
expect_screen ports "a new port typed is registered at once, and said" \
	'new JACK port ts_ports:virus: connect it to the synth'
wait_port ts_ports:virus && ok "ts_ports:virus exists in JACK" || bad "no port ts_ports:virus"
monitor ts_vmon
vmon=$mon_pid
jack_connect ts_ports:virus ts_vmon:input
sleep 1
grep -q ': 92 3c 64' "$tmp/ts_vmon.txt" && ok "the track plays on the new port (channel 3 notes)" ||
	bad "nothing on the new port: $(head -c 200 "$tmp/ts_vmon.txt")"
keys ports p
sleep 0.3
keys ports q d
wait_exit ports
rtok "editor's process callback through a port registered while playing" "$tmp/ports.err"
stop_pid "$vmon"

# ---- 17: samples in the editor: heard on audio_out_1/2, changed while playing, the click ----
# One hit a beat, on its second 16th; a.wav is 0.5 on both sides, b.wav 0.25 / -0.25. The
# sample typed while playing is heard from the next hit on; y adds the click on the beats.
mkdir -p "$tmp/smp"
printf 'trigseq 1\ntempo 240.0\nlength 4\ntrack 1\n  sample "a.wav"\n  dest int\n  steps .x..\n' \
	>"$tmp/smp/p.tsq"
python3 - "$tmp/smp" <<'PY'
import struct, sys, wave
for name, ch, v in (("a", 1, (0.5,)), ("b", 2, (0.25, -0.25))):
    with wave.open(f"{sys.argv[1]}/{name}.wav", "wb") as w:
        w.setnchannels(ch); w.setsampwidth(2); w.setframerate(48000)
        w.writeframes(struct.pack("<" + "h" * ch, *[round(x * 32767) for x in v]) * 72)
PY
"$build/audio_capture" ts_scap "$tmp/smp.cap" 40 >/dev/null 2>"$tmp/scap.err" &
scap=$!
pids+=("$scap")
wait_port ts_scap:in_2 || bad "audio_capture did not come up"
editor smp LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" smp/p.tsq --name ts_smp \
	--connect audio_out_1=ts_scap:in_1 --connect audio_out_2=ts_scap:in_2
wait_screen smp 'p.tsq +STOP' || bad "the editor did not start"
expect_screen smp "a sample-only track shows 'smp' where the channel goes" '^ +1 +smp +midi_out '
keys smp p
sleep 1.5
for _ in $(seq 14); do keys smp BTab; done
keys smp e C-u b.wav Enter
expect_screen smp "the sample typed shows in the track settings" 'sample +b\.wav'
sleep 1.5
keys smp y
expect_screen smp "y: the click is on, and the status line says so" 'click on: audio_out_1/2.*'
screen smp | head -1 | grep -q ' click ' && ok "status line: click" ||
	bad "no click on the status line: $(screen smp | head -1)"
sleep 1.5
keys smp p
sleep 0.3
keys smp e C-u missing.wav Enter
expect_screen smp "a sample that cannot be read is said, naming the file" \
	'missing\.wav: No such file or directory \(track 1 plays nothing\)'
keys smp q d
wait_exit smp
stop_pid "$scap"
rtok "editor's process callback with samples and the click" "$tmp/smp.err"
check "hits of a.wav, then of b.wav after the edit, then with clicks on the beats" \
	python3 "$root/tests/jack/audio.py" sequence "$tmp/smp.cap" '^a{3,}b{3,}[bc]*c[bc]*$'

summary
