#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The terminal editor following a master (`trigseq FILE --sync midi|jack`), and with
# --clock-while-stopped, driven through tmux against a private JACK dummy server: jack_midi_clock
# (driven by jack_transport) as MIDI clock master, jack_transport as transport and timebase
# master, jack_midi_dump capturing what the editor sends together with the master's clock.
# usage: tests/ui/sync.sh BUILD_DIR     (BUILD_DIR holds trigseq and rtcheck.so)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MIDI="python3 $root/tests/jack/midi.py"
R=48000
sock=trigseq-uisync-$$
T() { tmux -L "$sock" "$@"; }
on_exit() {
	T kill-server 2>/dev/null
	exec 7>&-
}
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" ui-sync
trap '' PIPE # a dead jack_transport fails the checks that need it, not the whole script
cd "$root" || exit

start_jackd

# editor, screen, keys, wait_screen, expect_screen, wait_exit
# shellcheck source=SCRIPTDIR/tmux.sh
. "$here/tmux.sh"
# note_ons FILE PREFIX: how many note-ons of status PREFIX (90 = channel 1) FILE has
note_ons() { grep -cE ": $2 [0-9a-f]{2} [1-7][0-9a-f]" "$1"; }
# quit NAME: q, d (discard the edits), exit 0, and the RT interposer's report
quit() {
	keys "$1" q d
	if wait_exit "$1" && [ "$(cat "$tmp/$1.exit")" = 0 ]; then
		ok "$1: q d quits, exit 0"
	else
		bad "$1: exit $(cat "$tmp/$1.exit" 2>/dev/null): $(head -c 300 "$tmp/$1.err")"
	fi
	rtok "$1: the editor's process callback under rtcheck" "$tmp/$1.err"
}

# One jack_transport for the whole script, reading commands from a FIFO held open.
mkfifo "$tmp/tp.fifo"
JACK_NO_START_SERVER=1 jack_transport <"$tmp/tp.fifo" >"$tmp/tp.log" 2>&1 &
pids+=("$!")
exec 7>"$tmp/tp.fifo"
tp() { echo "$*" >&7 || bad "jack_transport is gone: $(tail -c 300 "$tmp/tp.log")"; }
tp stop
tp locate 0

cp tests/slave/every-step.tsq "$tmp/steps.tsq"

# ---- 1: refused combinations: a usage error, exit 2, before the terminal is needed ----
refused() {
	local what=$1 want=$2
	shift 2
	"$TRIGSEQ" "$tmp/steps.tsq" "$@" >/dev/null 2>"$tmp/refused.err" </dev/null
	local rc=$?
	if [ "$rc" -eq 2 ] && grep -q -- "$want" "$tmp/refused.err"; then
		ok "editor $what: exit 2, '$(head -1 "$tmp/refused.err")'"
	else
		bad "editor $what: exit $rc, $(head -c 300 "$tmp/refused.err")"
	fi
}
refused "--sync midi --clock-while-stopped" 'cannot go with --sync midi' --sync midi \
	--clock-while-stopped
refused "--clock-while-stopped --no-send-clock" 'cannot go with --no-send-clock' \
	--clock-while-stopped --no-send-clock
refused "--sync tape" "--sync 'tape': expected int, midi, jack or link" --sync tape
refused "--duration 3" "'--duration' is for 'trigseq play' only" --duration 3
refused "--no-start" "'--no-start' is for 'trigseq play' only" --sync midi --no-start
refused "--verbose" "'--verbose' is for 'trigseq play' only" --verbose

# ---- 2: --sync midi under jack_midi_clock at 123.7 BPM ----
# every-step.tsq plays note 60 + k on step k + 1 of track 1: a capture tells which step played.
jack_midi_clock -b 123.7 >"$tmp/jmc.log" 2>&1 &
jmc=$!
pids+=("$jmc")
wait_port jack_midi_clock:mclk_out || bad "jack_midi_clock did not come up: $(head -c 300 "$tmp/jmc.log")"
monitor mon_midi || bad "monitor did not come up"
mon=$mon_pid
jack_connect jack_midi_clock:mclk_out mon_midi:input
editor midi LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" steps.tsq --sync midi \
	--connect clock_in=jack_midi_clock:mclk_out --connect midi_out=mon_midi:input
# the whole status line fits 80 columns: it ends with the DSP load, not cut
expect_screen midi "sync midi, no clock yet: the status says midi wait, stopped" \
	'^ steps.tsq +STOP +midi wait +clock out +thru 1 +(trigseq )?(48k )?xr [0-9]+ dsp [0-9.]+%$'
keys midi p
expect_screen midi "p with the master stopped says that play follows it" \
	'play follows the master: it starts with MIDI Start or Continue on clock_in'
tp play
expect_screen midi "the master's Start plays, and the clock locks" \
	'PLAY +midi LOCK +12[34]\.[0-9] +clock out +thru 1 +(trigseq )?(48k )?xr [0-9]+ dsp [0-9.]+%$'
sleep 1
bpm=$(screen midi | grep -oE 'midi LOCK +[0-9.]+' | grep -oE '[0-9.]+$')
if [ -n "$bpm" ] && awk -v b="$bpm" 'BEGIN { exit !(b - 123.7 < 0.2 && 123.7 - b < 0.2) }'; then
	ok "the status line shows the measured tempo: $bpm BPM (master 123.7)"
else
	bad "measured BPM on the status line: '$bpm' (master 123.7)"
fi
# while slaved: a note trig on track 2 step 1 (channel 2, C4), and the file's tempo typed as 90
keys midi j x
keys midi t
keys midi 9 0 Enter
expect_screen midi "a tempo edit changes the file's tempo (the inspector)..." 'tempo 90\.0'
expect_screen midi "...not the tempo followed" 'PLAY +midi LOCK +12[34]\.[0-9]'
sleep 4
# p while the master runs: stopped here, the master goes on
keys midi p
expect_screen midi "p while playing stops here, the master running" 'STOP +midi LOCK'
expect_screen midi "and says what plays again" 'stopped here; the master.s next Start or Continue'
sleep 0.3
n1=$(note_ons "$tmp/mon_midi.txt" 90)
sleep 1.5
n2=$(note_ons "$tmp/mon_midi.txt" 90)
[ $((n2 - n1)) -eq 0 ] && ok "stopped here: no note for 1.5 s while the master runs" ||
	bad "stopped here: $((n2 - n1)) note-ons in 1.5 s"
keys midi p
expect_screen midi "p again joins the running master" 'PLAY +midi LOCK'
sleep 2
n3=$(note_ons "$tmp/mon_midi.txt" 90)
[ $((n3 - n2)) -ge 10 ] && ok "joined: $((n3 - n2)) note-ons in 2 s" ||
	bad "joined: $((n3 - n2)) note-ons in 2 s"
tp stop
expect_screen midi "the master's Stop stops" 'STOP +midi (wait|LOCK)'
expect_screen midi "and without ticks the status says midi wait" 'STOP +midi wait'
n4=$(note_ons "$tmp/mon_midi.txt" 9[01])
sleep 1
n5=$(note_ons "$tmp/mon_midi.txt" 9[01])
[ "$n5" -eq "$n4" ] && ok "nothing plays after the master's Stop" ||
	bad "$((n5 - n4)) note-ons after the master's Stop"
# a second run from the top: Start again after the local stop (a play in the same cycle as the
# locate would make jack_midi_clock send Continue)
tp locate 0
sleep 0.5
tp play
expect_screen midi "the master's next Start plays again" 'PLAY +midi LOCK'
sleep 2.5
tp stop
expect_screen midi "and its Stop stops" 'STOP +midi'
sleep 0.3
quit midi
stop_pid "$mon"
stop_pid "$jmc"
# The capture has the master's ticks, Start and Stop and our notes, timed by the same monitor.
if python3 - "$tmp/mon_midi.txt" $R <<'PY'; then
import re, sys
rate = int(sys.argv[2])
ev = []
for line in open(sys.argv[1], errors="replace"):
    m = re.match(r"\s*(\d+):\s+((?:[0-9a-f]{2}\s*)+)", line)
    if m:
        ev.append((int(m.group(1)), [int(t, 16) for t in m.group(2).split()]))
starts = [f for f, b in ev if b[0] == 0xFA]
stops = [f for f, b in ev if b[0] == 0xFC]
ticks = [f for f, b in ev if b == [0xF8]]
if len(starts) != 2 or len(stops) != 2:
    sys.exit(f"{len(starts)} Starts and {len(stops)} Stops from the master, expected 2 and 2")
worst, n1, n2, lines = 0, 0, 0, []
for run, (a, z) in enumerate(zip(starts, stops)):
    tk = [f for f in ticks if a <= f < z]
    on1 = [(f, b[1]) for f, b in ev if a <= f <= z and len(b) == 3 and b[0] == 0x90 and b[2]]
    on2 = [f for f, b in ev if a <= f <= z and len(b) == 3 and b[0] == 0x91 and b[2]]
    def on_tick(f):
        k = min(range(len(tk)), key=lambda i: abs(tk[i] - f))
        return k, f - tk[k]
    last = -1
    for f, pitch in on1:
        k, err = on_tick(f)
        worst = max(worst, abs(err))
        if k % 6 or pitch - 60 != k // 6 % 16 or abs(err) > 48 or k <= last:
            sys.exit(f"run {run + 1}: note {pitch} at {err:+d} frames from master tick {k} "
                     f"(steps are on ticks 6k, note 60 + k % 16, at most 48 frames off, once)")
        last = k
    for f in on2:
        k, err = on_tick(f)
        worst = max(worst, abs(err))
        if k % 96 or abs(err) > 48:
            sys.exit(f"run {run + 1}: track 2's note at {err:+d} frames from master tick {k}, "
                     "not on step 1 (tick 96k)")
    steps = (len(tk) + 5) // 6
    missing = steps - len(on1)
    lines.append(f"run {run + 1}: {len(on1)} of {steps} steps, {len(on2)} track 2 notes")
    if run == 0 and (missing < 8 or not on2):
        sys.exit(f"run 1: {missing} steps missing (the stop here lasted 1.5 s: 8 or more), "
                 f"{len(on2)} notes of the trig added while slaved")
    if run == 1 and (missing > 1 or not on2):
        sys.exit(f"run 2: {missing} steps missing, {len(on2)} track 2 notes")
    sounding = set()
    for f, b in ev:
        if f > z:
            break
        if len(b) == 3 and b[0] & 0xF0 == 0x90 and b[2]:
            sounding.add((b[0] & 15, b[1]))
        elif len(b) == 3 and b[0] & 0xF0 == 0x80:
            sounding.discard((b[0] & 15, b[1]))
    if sounding:
        sys.exit(f"run {run + 1}: notes still sound after the master's Stop: {sorted(sounding)}")
after = [f for f, b in ev if len(b) == 3 and b[0] & 0xF0 == 0x90 and
         any(z < f < a for z, a in zip(stops, starts[1:] + [1 << 62]))]
if after:
    sys.exit(f"{len(after)} note-ons between a Stop and the next Start")
iv = [b - a for a, b in zip(ticks, ticks[1:]) if b - a < 2000]
print(f"every note on its master tick (6k, track 2 on 96k), max error {worst} frames "
      f"({worst * 1000 / rate:.3f} ms); {'; '.join(lines)}; note-offs by each Stop; master "
      f"ticks {min(iv)} ... {max(iv)} frames apart")
PY
	ok "sync midi capture: the steps on the master's ticks, the edit heard, silence after Stop"
else
	bad "sync midi capture (above)"
fi

# ---- 3: --sync jack with jack_transport: first alone, then as timebase master at 150 BPM ----
# (jack_transport as timebase master freezes the transport frame after a locate while rolling:
# the locate is done without it)
monitor mon_jack || bad "monitor did not come up"
mon=$mon_pid
editor jack LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" steps.tsq --sync jack \
	--connect midi_out=mon_jack:input
expect_screen jack "sync jack, transport stopped: the status says so, with the pattern's tempo" \
	'^ steps.tsq +STOP +jack stop 120\.0 +clock out +thru 1 +(trigseq )?(48k )?xr [0-9]+ dsp [0-9.]+%$'
keys jack P
expect_screen jack "P with the transport stopped says that play follows it" \
	'play follows the master: it starts when JACK transport rolls'
tp play
expect_screen jack "the transport rolling plays" 'PLAY +jack roll 120\.0'
sleep 1
keys jack t
keys jack 9 0 Enter
expect_screen jack "a tempo edit changes the file..." 'tempo 90\.0'
expect_screen jack "...not the tempo followed (without a timebase master: the one at start)" \
	'PLAY +jack roll 120\.0'
sleep 1.5
keys jack p
expect_screen jack "p while rolling stops here" 'STOP +jack roll 120\.0'
sleep 0.3
j1=$(note_ons "$tmp/mon_jack.txt" 90)
sleep 1.2
j2=$(note_ons "$tmp/mon_jack.txt" 90)
[ "$j2" -eq "$j1" ] && ok "stopped here: no note for 1.2 s while the transport rolls" ||
	bad "stopped here: $((j2 - j1)) note-ons in 1.2 s"
tp locate 0
expect_screen jack "a locate ends the stop here: play follows again" 'PLAY +jack roll'
sleep 1.5
j3=$(note_ons "$tmp/mon_jack.txt" 90)
[ $((j3 - j2)) -ge 8 ] && ok "after the locate: $((j3 - j2)) note-ons in 1.5 s" ||
	bad "after the locate: $((j3 - j2)) note-ons in 1.5 s"
tp stop
expect_screen jack "the transport stopping stops" 'STOP +jack stop'
sleep 0.3
j4=$(note_ons "$tmp/mon_jack.txt" 90)
sleep 1
j5=$(note_ons "$tmp/mon_jack.txt" 90)
[ "$j5" -eq "$j4" ] && ok "nothing plays after the transport stopped" ||
	bad "$((j5 - j4)) note-ons after the transport stopped"
# jack_transport becomes the timebase master at 150 BPM: its tempo is followed, shown with BBT
tp master
tp tempo 150
tp locate 0
sleep 0.3
tp play
expect_screen jack "a timebase master's tempo is followed and shown, BBT" \
	'PLAY +jack roll 150\.0 BBT +(clock out +)?thru 1 +(trigseq )?(48k )?xr [0-9]+ dsp [0-9.]+%$'
sleep 1.5
keys jack p
expect_screen jack "p stops here" 'STOP +jack roll 150\.0 BBT'
sleep 0.5
keys jack P
expect_screen jack "P while the transport rolls joins it again" 'joining the transport at its next step'
expect_screen jack "and plays" 'PLAY +jack roll 150\.0 BBT'
sleep 1.5
tp stop
expect_screen jack "the transport stopping stops" 'STOP +jack stop'
sleep 0.3
quit jack
stop_pid "$mon"
tp quit
# Consecutive steps: 6000 frames apart at the pattern's 120 BPM before the tempo edit and after
# it (the edit to 90 BPM, if it were played, would make them 8000); then ~4915 with the master at 150 BPM (its BBT advances by a whole number of ticks a cycle,
# 25 of 25.6 at 256 frames: tests/jack/midi.py bbt).
if python3 - "$tmp/mon_jack.txt" "$j5" <<'PY'; then
import re, sys
on = [int(m.group(1)) for m in (re.match(r"\s*(\d+): 90 [0-9a-f]{2} 64", l)
                                for l in open(sys.argv[1], errors="replace")) if m]
k = int(sys.argv[2])
a = [y - x for x, y in zip(on[:k], on[1:k]) if y - x < 9000]
b = [y - x for x, y in zip(on[k:], on[k + 1:]) if y - x < 9000]
if len(a) < 20 or set(a) != {6000}:
    sys.exit(f"without a timebase master: step intervals {sorted(set(a))} ({len(a)}), want 6000")
if len(b) < 10 or any(abs(x - 4915.2) > 8 for x in b) or abs(sum(b) / len(b) - 4915.2) > 2:
    sys.exit(f"with the master at 150 BPM: step intervals {sorted(set(b))} ({len(b)}), want 4915 "
             "on average")
print(f"{len(a)} consecutive steps 6000 frames apart (120 BPM, the tempo edit to 90 not heard), "
      f"then {len(b)} at {min(b)} ... {max(b)}, mean {sum(b) / len(b):.1f} (the master's 150 BPM)")
PY
	ok "sync jack: the steps at the transport's tempo, the file's tempo edit not heard"
else
	bad "sync jack: step intervals (above)"
fi

# ---- 4: --sync int --clock-while-stopped: free ticks while stopped, Start, Stop, free ticks ----
monitor mon_cws || bad "monitor did not come up"
mon=$mon_pid
editor cws LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" steps.tsq --clock-while-stopped \
	--bpm 123.7 --connect clock_out=mon_cws:input
expect_screen cws "--clock-while-stopped: the status says clock always" \
	'^ steps.tsq +STOP +123\.7 BPM int +clock always +thru 1 +(trigseq )?(48k )?xr [0-9]+ dsp [0-9.]+%$'
sleep 1.5
keys cws p
expect_screen cws "p plays" 'PLAY +123\.7 BPM int'
sleep 1.5
keys cws p
expect_screen cws "p stops" 'STOP +123\.7 BPM int'
sleep 1.2
quit cws
stop_pid "$mon"
check "--clock-while-stopped in the editor: free ticks, Start, engine ticks, Stop, free ticks" \
	$MIDI freeclock "$tmp/mon_cws.txt" $R 1237

summary
