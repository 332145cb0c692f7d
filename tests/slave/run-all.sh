#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# trigseq as a MIDI clock slave (`play --sync midi`) on a private JACK dummy server, against two
# masters: jitter_clock (tests/slave/jitter_clock.c: a steady grid, each tick late by 0-2 ms, plus
# Stop/SPP/Continue, SPP while running, clock loss and resumption, and garbage modes) and
# jack_midi_clock -J 5 driven by jack_transport (a tempo that wanders from tick to tick). Each test
# has its own trigseq and its own jack_midi_dump, which also records the master
# (tests/slave/analyse.py says why); they all run at once on one server (one last test has a
# server of its own). Every server and client started here is stopped on exit.
# usage: tests/slave/run-all.sh BUILD_DIR [bench]
#   (BUILD_DIR holds trigseq and jitter_clock; with `bench`, only the figures for `make bench`)
set -uo pipefail

build=$(realpath "$1")
bench=${2:-}
TRIGSEQ=$build/trigseq
JCLOCK=$build/jitter_clock
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
AN="python3 $here/analyse.py"
PAT=tests/slave/every-step.tsq
R=48000
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" slave
cd "$root" || exit

# Synchronous servers, as in tests/jack: jack_midi_dump counts its own cycles for its timestamps.
start_jackd 256

# slave NAME: a monitor mon_NAME and `trigseq play --sync midi` as ts_NAME into it, waiting for
# Start; sets ts_pid and mon_pid.
slave() {
	local name=$1
	monitor "mon_$name" || bad "monitor mon_$name did not come up"
	"$TRIGSEQ" play "$PAT" --sync midi --verbose --name "ts_$name" \
		--connect "midi_out=mon_$name:input" >"$tmp/ts_$name.out" 2>"$tmp/ts_$name.err" &
	ts_pid=$!
	pids+=("$ts_pid")
	wait_grep 'waiting for MIDI Start on clock_in' "$tmp/ts_$name.err" 5 ||
		bad "ts_$name did not say it waits for MIDI Start: $(head -c 300 "$tmp/ts_$name.err")"
}

# master NAME ARGS...: jitter_clock into ts_NAME:clock_in, its junk-free copy (port `clean`) into
# mon_NAME:input (jack_midi_dump aborts on some junk); sets jc_pid.
master() {
	local name=$1
	shift
	"$JCLOCK" --name "jc_$name" --connect "ts_$name:clock_in" --monitor "mon_$name:input" "$@" \
		>"$tmp/jc_$name.txt" 2>"$tmp/jc_$name.err" &
	jc_pid=$!
	pids+=("$jc_pid")
}

# finish NAME TS_PID MON_PID JC_PID: wait for the master, stop trigseq (exit 0), the monitor.
finish() {
	local name=$1 tp=$2 mp=$3 jp=$4 rc
	if [ -n "$jp" ]; then
		wait_pid "$jp" 180
		rc=$?
		[ "$rc" -eq 0 ] || bad "$name: jitter_clock exit $rc: $(head -c 300 "$tmp/jc_$name.err")"
	fi
	sleep 0.3
	kill -INT "$tp"
	wait_pid "$tp" 60
	rc=$?
	[ "$rc" -eq 0 ] && ok "$name: trigseq exit 0" ||
		bad "$name: trigseq exit $rc: $(tail -c 600 "$tmp/ts_$name.err")"
	sleep 0.2
	stop_pid "$mp"
}

# 1. steady master, 0-2 ms late per tick, 60 s of ticks at 120 BPM
slave steady; s_ts=$ts_pid; s_mon=$mon_pid
master steady --bpm 120 --jitter-ms 2 --seed 11 --ticks 2880
s_jc=$jc_pid

if [ "$bench" != bench ]; then
	# 3. Stop after 20 s, 2 s of silent grid with an SPP to 16th 40, Continue
	slave trans; t_ts=$ts_pid; t_mon=$mon_pid
	master trans --bpm 120 --jitter-ms 2 --seed 12 --ticks 1400 --stop-after 480 \
		--pause-ticks 96 --spp 40
	t_jc=$jc_pid
	# 4. the clock stops without Stop after 200 ticks, 3 s of nothing
	slave loss; l_ts=$ts_pid; l_mon=$mon_pid
	master loss --bpm 120 --jitter-ms 2 --seed 13 --ticks 400 --lose-after 200 --tail-ms 3000
	l_jc=$jc_pid
	# 5. junk between ticks, ticks inside note-ons and SysEx
	slave garb; g_ts=$ts_pid; g_mon=$mon_pid
	master garb --bpm 120 --jitter-ms 2 --seed 14 --ticks 1200 --garbage
	g_jc=$jc_pid
	# 6. Song Position Pointers while running: half-way to tick 200 (a note sounds) to 16th 5,
	# half-way to tick 302 (just before a step) to 16th 40
	slave spp; p_ts=$ts_pid; p_mon=$mon_pid
	master spp --bpm 120 --jitter-ms 2 --seed 15 --ticks 500 --spp-at 200:5 --spp-at 302:40
	p_jc=$jc_pid
	# 7. the clock stops without Stop after song tick 202 for 9 ticks (more than 3: lost), then
	# goes on; the first step after it is one tick after the resumed tick
	slave resume; r_ts=$ts_pid; r_mon=$mon_pid
	master resume --bpm 120 --jitter-ms 2 --seed 16 --ticks 330 --lose-after 203 --resume-after 9
	r_jc=$jc_pid
	# 10. --click while following: audio_out_1 recorded (tests/jack/audio_capture.c), the clicks
	# on the master's beats, accented on its bars
	"$build/audio_capture" ts_ccap "$tmp/click.cap" 60 >/dev/null 2>"$tmp/ccap.err" &
	c_cap=$!
	pids+=("$c_cap")
	wait_port ts_ccap:in_2 || bad "audio_capture did not come up"
	"$TRIGSEQ" play "$PAT" --sync midi --click --verbose --name ts_click \
		--connect audio_out_1=ts_ccap:in_1 --connect audio_out_2=ts_ccap:in_2 \
		>"$tmp/ts_click.out" 2>"$tmp/ts_click.err" &
	c_ts=$!
	pids+=("$c_ts")
	wait_grep 'waiting for MIDI Start on clock_in' "$tmp/ts_click.err" 5
	"$JCLOCK" --name jc_click --connect ts_click:clock_in --bpm 120 --jitter-ms 2 --seed 17 \
		--ticks 600 >"$tmp/jc_click.txt" 2>"$tmp/jc_click.err" &
	c_jc=$!
	pids+=("$c_jc")
fi

# 2. jack_midi_clock -J 5 (each tick interval +-5%), started and stopped with jack_transport;
# the second run starts again from the top (locate 0: Start, not Continue).
slave wander; w_ts=$ts_pid; w_mon=$mon_pid
jack_midi_clock -b 120 -J 5 >"$tmp/jmc.log" 2>&1 &
jmc=$!
pids+=("$jmc")
if wait_port jack_midi_clock:mclk_out; then
	jack_connect jack_midi_clock:mclk_out ts_wander:clock_in
	jack_connect jack_midi_clock:mclk_out mon_wander:input
	sleep 0.3
	transport() { echo "$1" | jack_transport >/dev/null 2>&1; }
	transport play; sleep 14; transport stop; sleep 1.5
	transport "locate 0"; transport play; sleep 10; transport stop; sleep 0.5
else
	bad "jack_midi_clock did not come up: $(head -c 300 "$tmp/jmc.log")"
fi
finish wander "$w_ts" "$w_mon" ""
stop_pid "$jmc"
# The 3 ms target is a benchmark figure (make bench reports it against the target); jack_midi_clock's
# -J jitter is not seeded, so the test bounds the error at 5 ms, which a follower that lags or
# drifts still fails, and requires every step exactly once.
check "jack_midi_clock -J 5 master: steps on its ticks, Start/Stop" \
	$AN wander "$tmp/mon_wander.txt" $R "${WANDER_LIMIT_MS:-5.0}"

if [ "$bench" != bench ]; then
	finish trans "$t_ts" "$t_mon" "$t_jc"
	check "Stop, SPP, Continue" $AN transport "$tmp/mon_trans.txt" "$tmp/jc_trans.txt" $R
	finish loss "$l_ts" "$l_mon" "$l_jc"
	check "clock loss: unlocked, no runaway" $AN loss "$tmp/mon_loss.txt" "$tmp/jc_loss.txt" $R \
		"$tmp/ts_loss.err"
	finish garb "$g_ts" "$g_mon" "$g_jc"
	check "garbage on clock_in" $AN garbage "$tmp/mon_garb.txt" "$tmp/jc_garb.txt" $R
	grep -qE 'clock_in bytes dropped [1-9]' "$tmp/ts_garb.err" &&
		ok "garbage: the dropped bytes are counted: $(grep -oE 'clock_in bytes dropped [0-9]+' "$tmp/ts_garb.err" | tail -1)" ||
		bad "garbage: no dropped bytes counted: $(tail -2 "$tmp/ts_garb.err")"
	finish spp "$p_ts" "$p_mon" "$p_jc"
	check "SPP while running: relocates, note-offs at it" $AN spp "$tmp/mon_spp.txt" \
		"$tmp/jc_spp.txt" $R
	finish resume "$r_ts" "$r_mon" "$r_jc"
	check "clock lost and resumed: steps go on from the resumed tick" $AN resume \
		"$tmp/mon_resume.txt" "$tmp/jc_resume.txt" $R 3.0 3.0
	wait_pid "$c_jc" 180
	sleep 0.3
	kill -INT "$c_ts"
	wait_pid "$c_ts" 60 && ok "--click: trigseq exit 0" || bad "--click: $(tail -c 300 "$tmp/ts_click.err")"
	stop_pid "$c_cap"
	check "--click following MIDI clock: a click on every beat of the master, bars accented" \
		$AN click "$tmp/click.cap" "$tmp/jc_click.txt" $R 3.0
fi

finish steady "$s_ts" "$s_mon" "$s_jc"
# Target: a tenth of a naive follower's jitter (issue 3).
check "steady master, 0-2 ms jitter" $AN steady "$tmp/mon_steady.txt" "$tmp/jc_steady.txt" $R 0.1
for f in "$tmp"/ts_*.err; do
	grep -q 'lost events 0' "$f" || bad "$(basename "$f"): lost events: $(tail -2 "$f")"
done

stop_jackd

if [ "$bench" != bench ]; then
	# 8. The clock lost and resumed with 2048-frame periods, longer than a tick (1000 frames at
	# 120 BPM), no jitter: the resumed tick comes 480 frames into its cycle, the next step 1000
	# frames after it in the same cycle. That step goes where the tick's own grid puts it, as
	# after Start, and so do all the others (the grid runs on past the ticks held back while a
	# cycle is scheduled).
	start_jackd 2048
	slave resume2k; r_ts=$ts_pid; r_mon=$mon_pid
	master resume2k --bpm 120 --jitter-ms 0 --seed 16 --ticks 330 --lose-after 203 --resume-after 9
	finish resume2k "$r_ts" "$r_mon" "$jc_pid"
	check "clock lost and resumed, 2048-frame periods: the first step after it on its tick" \
		$AN resume "$tmp/mon_resume2k.txt" "$tmp/jc_resume2k.txt" $R 0.05 0.05
	grep -q 'lost events 0' "$tmp/ts_resume2k.err" || bad "ts_resume2k: lost events: $(tail -2 "$tmp/ts_resume2k.err")"

	# 9. The steady master of 1 (the same seed and ticks) with 2048-frame periods: two ticks a
	# cycle. The ticks held back while a cycle is scheduled let the grid run on past the last one
	# fed, so steps stay on the filtered grid, a tenth of the naive jitter as with 256 frames
	# (before, every other step was late by up to a period: 15 ms).
	slave steady2k; k_ts=$ts_pid; k_mon=$mon_pid
	master steady2k --bpm 120 --jitter-ms 2 --seed 11 --ticks 2880
	k_jc=$jc_pid
	finish steady2k "$k_ts" "$k_mon" "$k_jc"
	check "steady master, 0-2 ms jitter, 2048-frame periods" $AN steady "$tmp/mon_steady2k.txt" \
		"$tmp/jc_steady2k.txt" $R 0.1
	stop_jackd
fi
summary
