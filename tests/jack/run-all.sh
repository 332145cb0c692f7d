#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration tests of `trigseq play` on private JACK dummy servers, with peers nobody here wrote
# (jack_midi_dump, jack_mclk_dump). Every server and client started here is stopped on exit.
# usage: tests/jack/run-all.sh BUILD_DIR     (BUILD_DIR holds trigseq, rtcheck.so, rt_bad_client,
#        send_midi, monitor_dump)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MIDI="python3 $here/midi.py"
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" jack
cd "$root" || exit

# fresh_server [async]: stop the current test server, start a new one, `period` frames a cycle
# (256 unless set): each group of tests gets its own, so a server upset by one group cannot slow
# down the next.
fresh_server() {
	stop_jackd
	start_jackd "${period:-256}" "$@"
}

R=48000
# Synchronous mode (as every server here but one): the server waits for every client each cycle,
# so jack_midi_dump, which counts its own cycles for its timestamps, never misses one under load
# (in the default asynchronous mode a late cycle shifts its timestamps by a period).
fresh_server

# ---- 1 and 2: notes equal the dump on three patterns at once; the clock master ----
mons=()
for m in mon_acid mon_rytm mon_virus mon_rev2 mon_clk mon_nots; do
	monitor "$m" || bad "monitor $m did not come up"
	mons+=("$mon_pid")
done
jack_mclk_dump -n >"$tmp/mclk.txt" 2>&1 &
mclk_pid=$!
pids+=("$mclk_pid")
wait_port jack_mclk_dump:mclk_in || bad "jack_mclk_dump did not come up"

run_bg acid "$TRIGSEQ" play patterns/virus-acid.tsq --name ts_acid --duration 5 --verbose \
	--no-send-clock --connect midi_out=mon_acid:input --connect clock_out=mon_acid:input
acid=$bg_pid
run_bg rytm "$TRIGSEQ" play patterns/rytm-drums.tsq --name ts_rytm --duration 5 --seed 7 --fill \
	--no-send-clock --connect midi_out=mon_rytm:input --connect clock_out=mon_rytm:input
rytm=$bg_pid
run_bg ports "$TRIGSEQ" play tests/jack/ports.tsq --name ts_ports --duration 5 --verbose \
	--connect virus=mon_virus:input --connect rev2=mon_rev2:input \
	--connect 'clock_out=mon_(virus|rev2|clk):input' --connect clock_out=jack_mclk_dump:mclk_in
ports=$bg_pid
run_bg nots "$TRIGSEQ" play patterns/virus-acid.tsq --name ts_nots --duration 3 \
	--no-send-transport --bpm 97.3 --connect clock_out=mon_nots:input
nots=$bg_pid
for p in $acid $rytm $ports $nots; do
	wait_pid "$p" 60
	rc=$?
	[ "$rc" -eq 0 ] && ok "play exit 0 (pid $p)" || bad "play exit $rc: $(cat "$tmp"/*.err | head -c 600)"
done
sleep 0.3
for p in "${mons[@]}" "$mclk_pid"; do stop_pid "$p"; done
grep -q 'started at frame [0-9]' "$tmp/acid.err" && ok "--verbose prints the start frame" ||
	bad "no 'started at frame' in: $(head -c 300 "$tmp/acid.err")"
# ports.tsq's samples are not there: each named with its track and file, and the rest plays
grep -q '^trigseq: tests/jack/kick.wav: No such file or directory (track 4 of tests/jack/ports.tsq plays nothing)$' "$tmp/ports.err" &&
	grep -q 'hat.wav: No such file or directory (track 5 of' "$tmp/ports.err" &&
	ok "missing samples named: $(grep -m1 'plays nothing' "$tmp/ports.err")" ||
	bad "missing samples not named: $(head -c 400 "$tmp/ports.err")"

check "virus-acid notes" $MIDI compare "$tmp/mon_acid.txt" "$TRIGSEQ" patterns/virus-acid.tsq midi_out $R 1260
check "rytm-drums notes (12 channels, seed 7, fill)" $MIDI compare "$tmp/mon_rytm.txt" "$TRIGSEQ" \
	patterns/rytm-drums.tsq midi_out $R 1180 --seed 7 --fill
check "port virus notes" $MIDI compare "$tmp/mon_virus.txt" "$TRIGSEQ" tests/jack/ports.tsq virus $R 1237
check "port rev2 notes" $MIDI compare "$tmp/mon_rev2.txt" "$TRIGSEQ" tests/jack/ports.tsq rev2 $R 1237
check "clock at 123.7 BPM" $MIDI clock "$tmp/mon_clk.txt" $R 1237
check "jack_mclk_dump reads the tempo" $MIDI mclk "$tmp/mclk.txt" 123.7
check "--no-send-transport: ticks, no Start/Stop" $MIDI clock "$tmp/mon_nots.txt" $R 973 yes no
if grep -q ': f8' "$tmp/mon_acid.txt"; then bad "--no-send-clock sent ticks"; else ok "--no-send-clock: no ticks"; fi
grep -q 'lost events 0' "$tmp/ports.err" && ok "no lost events" || bad "lost events: $(tail -3 "$tmp/ports.err")"

# ---- 3: no server; the server going away ----
JACK_DEFAULT_SERVER=trigseq-none-$$-$RANDOM "$TRIGSEQ" play patterns/virus-acid.tsq \
	>"$tmp/none.out" 2>"$tmp/none.err"
rc=$?
if [ "$rc" -eq 1 ] && [ "$(wc -l <"$tmp/none.err")" -eq 1 ] &&
	grep -q '^trigseq: no JACK server is running (server "trigseq-none-.*"); start one' "$tmp/none.err"; then
	ok "no server: exit 1 and one line: $(cat "$tmp/none.err")"
else
	bad "no server: exit $rc, stderr: $(head -c 600 "$tmp/none.err")"
fi

# Only SIGTERM: a server killed with SIGKILL keeps its slot in JACK's shared server registry
# (/dev/shm/jack-shm-registry) for good, and after eight of those no server starts anywhere.
# shellcheck disable=SC2043 # SIGTERM only, as said above
for sig in TERM; do
	srv=trigseq-gone-$$-$RANDOM
	if ! jackd_bg "$srv" 256 async; then bad "second server did not start"; continue; fi
	JACK_DEFAULT_SERVER=$srv run_bg "gone$sig" "$TRIGSEQ" play patterns/rytm-drums.tsq
	tp=$bg_pid
	sleep 1.5
	kill -"$sig" "$server_pid"
	t0=$(date +%s%N)
	wait_pid "$tp" 10
	rc=$?
	if [ "$rc" -eq 124 ]; then
		bad "server killed with SIG$sig: trigseq still running after 10 s"
		stop_pid "$tp" KILL
	fi
	stop_pid "$server_pid"
	dt=$((($(date +%s%N) - t0) / 1000000))
	if [ "$rc" -eq 1 ] && grep -qx 'trigseq: the JACK server went away; stopped' "$tmp/gone$sig.err"; then
		ok "server killed with SIG$sig: exit 1 after $dt ms with the message"
	else
		bad "server killed with SIG$sig: exit $rc, stderr: $(head -c 600 "$tmp/gone$sig.err")"
	fi
done

# ---- 4: usage, --connect, --duration, signals ----
fresh_server
usage() { # NAME WANT_RC PATTERN ARGS...
	local name=$1 want=$2 pattern=$3
	shift 3
	"$TRIGSEQ" play "$@" >"$tmp/u.out" 2>"$tmp/u.err"
	local rc=$?
	if [ "$rc" -eq "$want" ] && grep -qE -- "$pattern" "$tmp/u.err" "$tmp/u.out"; then
		ok "$name: exit $rc"
	else
		bad "$name: exit $rc (want $want), output: $(head -c 400 "$tmp/u.err" "$tmp/u.out")"
	fi
}
usage "--help" 0 '^usage: trigseq play FILE' --help
usage "unknown option" 2 "unknown option '--bogus'" patterns/virus-acid.tsq --bogus
usage "no file" 2 'no pattern file given'
usage "--no-start as master" 2 '--no-start needs --sync midi' patterns/virus-acid.tsq --no-start
usage "--sync bad" 2 "expected int, midi, jack or link" patterns/virus-acid.tsq --sync ext
usage "--bpm range" 2 "--bpm '301'" patterns/virus-acid.tsq --bpm 301
usage "--duration 0" 2 "--duration '0'" patterns/virus-acid.tsq --duration 0
usage "--duration value" 2 "needs a value" patterns/virus-acid.tsq --duration
usage "--connect syntax" 2 'expected PORT=DEST' patterns/virus-acid.tsq --connect midi_out
usage "--connect our port" 2 "'virus' is not a port of trigseq" patterns/virus-acid.tsq --connect virus=x:y
usage "invalid pattern" 1 'tests/cli/bad/cond-9-8.tsq:4:[0-9]+: cond' tests/cli/bad/cond-9-8.tsq
usage "--connect nothing matches" 1 "no JACK MIDI input port matches 'nosuch:port'" \
	patterns/virus-acid.tsq --connect midi_out=nosuch:port
usage "--connect wrong type" 1 "is not a MIDI input port" \
	patterns/virus-acid.tsq --connect midi_out=system:playback_1
"$TRIGSEQ" --help | grep -q 'play FILE' && ok "trigseq --help lists play" || bad "trigseq --help lacks play"

t0=$(date +%s%N)
"$TRIGSEQ" play patterns/virus-acid.tsq --duration 1.5 >"$tmp/d.out" 2>"$tmp/d.err"
rc=$?
dt=$((($(date +%s%N) - t0) / 1000000))
if [ "$rc" -eq 0 ] && [ "$dt" -ge 1500 ] && [ "$dt" -lt 3500 ]; then
	ok "--duration 1.5: exit 0 after $dt ms"
else
	bad "--duration 1.5: exit $rc after $dt ms: $(head -c 300 "$tmp/d.err")"
fi

# Signals: rev2-chords has infinite gates, so notes always sound when the signal comes.
monitor mon_int; m_int=$mon_pid
monitor mon_term; m_term=$mon_pid
run_bg sigINT "$TRIGSEQ" play patterns/rev2-chords.tsq --name ts_int --no-send-clock \
	--connect midi_out=mon_int:input --connect clock_out=mon_int:input
p_int=$bg_pid
run_bg sigTERM "$TRIGSEQ" play patterns/rev2-chords.tsq --name ts_term --no-send-clock \
	--connect midi_out=mon_term:input --connect clock_out=mon_term:input
p_term=$bg_pid
sleep 2.5
kill -INT "$p_int"
kill -TERM "$p_term"
for sig in INT TERM; do
	[ "$sig" = INT ] && p=$p_int || p=$p_term
	wait_pid "$p" 60
	rc=$?
	[ "$rc" -eq 0 ] && ok "SIG$sig: exit 0" || bad "SIG$sig: exit $rc: $(head -c 300 "$tmp/sig$sig.err")"
done
sleep 0.3
stop_pid "$m_int"
stop_pid "$m_term"
check "SIGINT: note-offs delivered" $MIDI stopped "$tmp/mon_int.txt"
check "SIGTERM: note-offs delivered" $MIDI stopped "$tmp/mon_term.txt"

# ---- 5: real-time safety ----
fresh_server async
LD_PRELOAD=$build/rtcheck.so "$build/rt_bad_client" 1 >"$tmp/bad.out" 2>"$tmp/bad.err"
if grep -qE '^rtcheck: [1-9][0-9]* violations in [1-9][0-9]* callbacks \(first: malloc\)' "$tmp/bad.err"; then
	ok "the interposer catches a malloc in a process callback: $(grep rtcheck "$tmp/bad.err")"
else
	bad "the interposer missed rt_bad_client's malloc: $(head -c 300 "$tmp/bad.err")"
fi
LD_PRELOAD=$build/rtcheck.so "$TRIGSEQ" play tests/jack/ports.tsq --duration 3 --verbose \
	>"$tmp/rt.out" 2>"$tmp/rt.err"
rc=$?
if [ "$rc" -eq 0 ] && grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$tmp/rt.err"; then
	ok "trigseq's process callback: $(grep rtcheck "$tmp/rt.err")"
else
	bad "trigseq under rtcheck: exit $rc: $(head -c 600 "$tmp/rt.err")"
fi
# The same as a clock slave, through Start, Stop, SPP, Continue and junk on clock_in; then Start,
# an SPP while running, the clock lost and resumed.
LD_PRELOAD=$build/rtcheck.so "$TRIGSEQ" play tests/slave/every-step.tsq --sync midi --duration 11 \
	--verbose --name ts_rt >"$tmp/rts.out" 2>"$tmp/rts.err" &
rts=$!
pids+=("$rts")
wait_port ts_rt:clock_in && sleep 0.3
"$build/jitter_clock" --name jc_rt --connect ts_rt:clock_in --delay-ms 200 --ticks 200 \
	--stop-after 80 --pause-ticks 24 --spp 4 --garbage >/dev/null 2>"$tmp/jc_rt.err"
"$build/jitter_clock" --name jc_rt2 --connect ts_rt:clock_in --delay-ms 200 --ticks 150 \
	--spp-at 40:9 --lose-after 90 --resume-after 8 >/dev/null 2>>"$tmp/jc_rt.err"
wait_pid "$rts" 60
rc=$?
if [ "$rc" -eq 0 ] && grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$tmp/rts.err" &&
	grep -q 'master running, running' "$tmp/rts.err"; then
	ok "trigseq's process callback as a clock slave: $(grep rtcheck "$tmp/rts.err")"
else
	bad "trigseq --sync midi under rtcheck: exit $rc: $(head -c 600 "$tmp/rts.err")"
fi

# The MIDI monitor on (tests/jack/monitor_dump.c, the adapter with a monitor ring), under the
# interposer: its records of what was sent equal a capture of every output port, and those of
# what was received are what send_midi sent on midi_in and clock_in, at the same frames.
fresh_server
monitor mon_ring || bad "monitor mon_ring did not come up"
ring_cap=$mon_pid
LD_PRELOAD=$build/rtcheck.so "$build/monitor_dump" ts_mon tests/jack/ports.tsq 2 \
	midi_out=mon_ring:input clock_out=mon_ring:input virus=mon_ring:input rev2=mon_ring:input \
	>"$tmp/ring.out" 2>"$tmp/ring.err" &
ring=$!
pids+=("$ring")
wait_port ts_mon:clock_in && sleep 0.3
"$build/send_midi" --name sm_mon --connect ts_mon:midi_in "0.1 92 27 64" "0.15 B0 4A 40" \
	"0.2 F0 7E 7F 06 01 F7" "0.25 E0 00 40" "0.3 C9 05" >"$tmp/ring.sent" 2>&1
"$build/send_midi" --name sm_mon2 --connect ts_mon:clock_in "0.1 FA" "0.12 F8" "0.14 FC" \
	>>"$tmp/ring.sent" 2>&1
wait_pid "$ring" 60
rc=$?
stop_pid "$ring_cap"
if [ "$rc" -eq 0 ]; then
	check "MIDI monitor: sent and received" $MIDI monitor "$tmp/mon_ring.txt" "$tmp/ring.out" \
		"$tmp/ring.sent"
else
	bad "monitor_dump: exit $rc: $(head -c 600 "$tmp/ring.err")"
fi
rtok "trigseq's process callback with the MIDI monitor on" "$tmp/ring.err"

# ---- 6: JACK transport (--sync jack), driven by jack_transport ----
# every-step.tsq at 120 BPM, no timebase master: transport frame = the engine's frame. Bar 2 is
# at frame 96000; frame 24100 is position 115680 U, rounded up to 16th 5 (frame 30000).
fresh_server
tp() { echo "$*" | JACK_NO_START_SERVER=1 timeout 10 jack_transport >/dev/null 2>&1; }
tp stop
tp locate 0
monitor mon_tp
run_bg tpj "$TRIGSEQ" play tests/slave/every-step.tsq --sync jack --no-start --name ts_tp \
	--verbose --connect midi_out=mon_tp:input --connect clock_out=mon_tp:input
tpj=$bg_pid
LD_PRELOAD=$build/rtcheck.so run_bg tprt "$TRIGSEQ" play tests/slave/every-step.tsq --sync jack \
	--name ts_tprt --verbose
tprt=$bg_pid
wait_port ts_tp:midi_out && wait_port ts_tprt:midi_out || bad "--sync jack clients did not come up"
sleep 1.2
if [ -s "$tmp/mon_tp.txt" ]; then bad "--sync jack: events while the transport is stopped: $(head -3 "$tmp/mon_tp.txt")"
else ok "--sync jack: nothing while the transport is stopped"; fi
tp play
sleep 2.5
grep -q 'sync jack, transport rolling, frame [0-9]*, no BBT, 120.00 BPM, running' "$tmp/tpj.err" &&
	ok "--sync jack status: $(grep -m1 'transport rolling' "$tmp/tpj.err" | cut -c1-80)" ||
	bad "--sync jack status line: $(tail -2 "$tmp/tpj.err")"
tp stop
sleep 0.8
tp locate 96000
tp play
sleep 1.3
tp locate 24100
sleep 1.2
tp stop
sleep 0.5
kill -INT "$tpj" "$tprt"
for p in $tpj $tprt; do
	wait_pid "$p" 60
	rc=$?
	[ "$rc" -eq 0 ] && ok "--sync jack: exit 0 (pid $p)" || bad "--sync jack: exit $rc: $(head -c 600 "$tmp/tpj.err" "$tmp/tprt.err")"
done
stop_pid "$mon_pid"
check "--sync jack: start from 0, stop, locate to bar 2 and play, locate while rolling" \
	$MIDI transport "$tmp/mon_tp.txt" "$TRIGSEQ" tests/slave/every-step.tsq midi_out $R 1200 16 5
if grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$tmp/tprt.err"; then
	ok "trigseq's process callback following JACK transport: $(grep rtcheck "$tmp/tprt.err")"
else
	bad "trigseq --sync jack under rtcheck: $(grep rtcheck "$tmp/tprt.err" || head -c 600 "$tmp/tprt.err")"
fi

# ---- 7: --clock-while-stopped with JACK transport: free-running ticks while it is stopped ----
fresh_server
tp stop
tp locate 0
usage "--clock-while-stopped with --sync midi" 2 'cannot go with --sync midi' \
	patterns/virus-acid.tsq --sync midi --clock-while-stopped
usage "--clock-while-stopped with --no-send-clock" 2 'cannot go with --no-send-clock' \
	patterns/virus-acid.tsq --clock-while-stopped --no-send-clock
monitor mon_cws
LD_PRELOAD=$build/rtcheck.so run_bg cws "$TRIGSEQ" play tests/slave/every-step.tsq --sync jack \
	--clock-while-stopped --bpm 123.7 --name ts_cws --verbose --connect clock_out=mon_cws:input
cws=$bg_pid
wait_port ts_cws:clock_out || bad "--clock-while-stopped client did not come up"
sleep 2
tp play
sleep 2
tp stop
sleep 1.5
kill -INT "$cws"
wait_pid "$cws" 60
rc=$?
[ "$rc" -eq 0 ] && ok "--clock-while-stopped: exit 0" || bad "--clock-while-stopped: exit $rc: $(head -c 600 "$tmp/cws.err")"
stop_pid "$mon_pid"
check "--clock-while-stopped: free ticks, Start, engine ticks, Stop, free ticks" \
	$MIDI freeclock "$tmp/mon_cws.txt" $R 1237
if grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$tmp/cws.err"; then
	ok "trigseq's process callback with --clock-while-stopped: $(grep rtcheck "$tmp/cws.err")"
else
	bad "--clock-while-stopped under rtcheck: $(grep rtcheck "$tmp/cws.err" || head -c 600 "$tmp/cws.err")"
fi

# ---- 8: --clock-while-stopped with --sync int: free ticks from the activation until the start ----
# The monitor is there before trigseq activates, so it gets the free ticks from the first. With
# 4096-frame periods (more than a tick at 287.3 BPM) the start holds back the ticks of its cycle
# that it would follow too closely; with 512 (less than a tick at 123.7 BPM) it waits whole cycles.
for cfg in "4096 287.3 10" "512 123.7 1"; do
	read -r per bpm min_free <<<"$cfg"
	period=$per fresh_server
	monitor mon_fs
	LD_PRELOAD=$build/rtcheck.so "$TRIGSEQ" play tests/slave/every-step.tsq --clock-while-stopped \
		--bpm "$bpm" --duration 1 --verbose --name ts_fs --connect clock_out=mon_fs:input \
		>"$tmp/fs.out" 2>"$tmp/fs.err"
	rc=$?
	[ "$rc" -eq 0 ] && ok "--sync int --clock-while-stopped, period $per: exit 0" ||
		bad "--sync int --clock-while-stopped, period $per: exit $rc: $(head -c 600 "$tmp/fs.err")"
	sleep 0.3
	stop_pid "$mon_pid"
	check "--sync int --clock-while-stopped at $bpm BPM, period $per: free ticks, Start, engine ticks" \
		$MIDI freestart "$tmp/mon_fs.txt" $R "${bpm/./}" "$per" "$min_free"
	if grep -qE '^rtcheck: 0 violations in [0-9]{2,} callbacks' "$tmp/fs.err"; then
		ok "trigseq's process callback with --sync int --clock-while-stopped: $(grep rtcheck "$tmp/fs.err")"
	else
		bad "--sync int --clock-while-stopped under rtcheck: $(grep rtcheck "$tmp/fs.err" || head -c 600 "$tmp/fs.err")"
	fi
done

# ---- 9: --sync jack with a timebase master: jack_transport at 150 BPM gives BBT ----
# jack_transport reads its commands from a FIFO held open, so it stays the timebase master. The
# pattern's own tempo is 120: following the master's BBT is what makes the ticks ~819 frames.
fresh_server
mkfifo "$tmp/tb.fifo"
JACK_NO_START_SERVER=1 jack_transport <"$tmp/tb.fifo" >"$tmp/tb.log" 2>&1 &
pids+=("$!")
exec 7>"$tmp/tb.fifo"
printf 'master\ntempo 150\nstop\nlocate 0\n' >&7
monitor mon_tb
run_bg tb "$TRIGSEQ" play tests/slave/every-step.tsq --sync jack --name ts_tb --verbose \
	--duration 5 --connect midi_out=mon_tb:input --connect clock_out=mon_tb:input
tb=$bg_pid
wait_port ts_tb:midi_out || bad "--sync jack client did not come up"
sleep 0.5
echo play >&7
sleep 3
echo stop >&7
wait_pid "$tb" 60
rc=$?
sleep 0.3
stop_pid "$mon_pid"
echo quit >&7
exec 7>&-
[ "$rc" -eq 0 ] && ok "--sync jack with a timebase master: exit 0" ||
	bad "--sync jack with a timebase master: exit $rc: $(head -c 600 "$tmp/tb.err")"
grep -q 'sync jack, transport rolling, frame [0-9]*, BBT valid, 150.00 BPM, running' "$tmp/tb.err" &&
	ok "--sync jack status with BBT: $(grep -m1 'BBT valid' "$tmp/tb.err" | cut -c1-90)" ||
	bad "--sync jack status with BBT: $(grep -m2 'sync jack' "$tmp/tb.err")"
check "--sync jack follows the timebase master's BBT" $MIDI bbt "$tmp/mon_tb.txt" $R 150 256

# ---- 10: sample voices and the click on audio_out_1/2 ----
# What trigseq plays on JACK, recorded by a peer that keeps the frame time of its first frame,
# is `trigseq render` of the same pattern, frame for frame from the start frame on (the mixer
# and the engine are the same; the render is 24-bit, hence the tolerance). Under the RT
# interposer, with the click on.
fresh_server
mkdir -p "$tmp/audio"
cp tests/cli/voices.tsq "$tmp/audio/"
python3 tests/render/samples.py "$tmp/audio" 48000
run_bg cap "$build/audio_capture" ts_cap "$tmp/audio.cap" 6
cap=$bg_pid
wait_port ts_cap:in_2 || bad "audio_capture did not come up"
LD_PRELOAD=$build/rtcheck.so "$TRIGSEQ" play "$tmp/audio/voices.tsq" --click --name ts_audio \
	--duration 4 --verbose --connect audio_out_1=ts_cap:in_1 --connect audio_out_2=ts_cap:in_2 \
	>"$tmp/audio.out" 2>"$tmp/audio.err"
rc=$?
wait_pid "$cap" 60
"$TRIGSEQ" render "$tmp/audio/voices.tsq" --click --bars 2 -o "$tmp/audio.wav" >/dev/null
start=$(sed -n 's/.*started at frame \([0-9]*\).*/\1/p' "$tmp/audio.err")
[ "$rc" -eq 0 ] && grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$tmp/audio.err" &&
	grep -qE 'sample hits [1-9]' "$tmp/audio.err" &&
	ok "samples and click under rtcheck: $(grep rtcheck "$tmp/audio.err"), $(grep -o 'sample hits [0-9]*' "$tmp/audio.err" | tail -1)" ||
	bad "samples and click: exit $rc: $(head -c 600 "$tmp/audio.err")"
check "audio_out_1/2 equal the render frame for frame" python3 "$here/audio.py" same \
	"$tmp/audio.cap" "$tmp/audio.wav" "${start:-0}" 1e-6 3

stop_jackd
summary
