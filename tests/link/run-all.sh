#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Ableton Link, only ever inside a private network namespace with nothing but loopback
# (../shared/tools/netns-run): Link announces itself by multicast on every interface, and must
# never reach the host network. Where the namespace cannot be made, the suite is skipped with a
# message (exit 0, no check run), never run outside it.
# The suite runs whole inside one namespace (it starts itself again in there), with its own
# private JACK server: LinkHut (ableton-link-utils, the reference peer) and trigseq in one session.
# usage: tests/link/run-all.sh BUILD_DIR  (BUILD_DIR holds link_peers, trigseq, audio_capture)
set -uo pipefail

build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" link
netns=$root/../shared/tools/netns-run

if [ -z "${TS_IN_NETNS:-}" ]; then
	if [ ! -x "$netns" ] || ! "$netns" --check 2>"$tmp/netns.err"; then
		echo "link: SKIPPED: no private network namespace here ($(cat "$tmp/netns.err" 2>/dev/null));" \
			"Link is never enabled on the host network"
		exit 0
	fi
	TS_IN_NETNS=1 exec "$netns" "$0" "$@"
fi
# (from here on inside the namespace: nothing but loopback)
cd "$root" || exit

# ---- 1: the shim: two peers in one process ----
"$build/link_peers" >"$tmp/peers.txt" 2>&1
rc=$?
while read -r line; do
	case $line in
	ok:*) ok "${line#ok: }" ;;
	FAIL:*) bad "${line#FAIL: }" ;;
	esac
done <"$tmp/peers.txt"
[ "$rc" -eq 0 ] || bad "link_peers: exit $rc: $(tail -3 "$tmp/peers.txt")"

# ---- 2: trigseq and LinkHut in one session, on one JACK server ----
# 1024-frame periods; LinkHut's clicks disconnected from system:playback, so neither side adds
# an output latency; trigseq starts the session (start/stop sync), LinkHut follows and plays.
start_jackd 1024
hut() { printf '%s' "$1" >&7; }
# hut_start N: a new LinkHut (its commands on fd 7), Link and start/stop sync on, its clicks
# disconnected from system:playback (it renders them early by its ports' playback latency: 2
# periods into the dummy); hutpid is its pid
hut_start() {
	mkfifo "$tmp/hut-$1.fifo"
	LinkHut <"$tmp/hut-$1.fifo" >"$tmp/hut-$1.out" 2>&1 &
	hutpid=$!
	pids+=("$hutpid")
	exec 7>"$tmp/hut-$1.fifo"
	wait_port LinkHut:out_1 || bad "LinkHut did not come up: $(tail -c 300 "$tmp/hut-$1.out")"
	hut a
	sleep 0.2
	hut s
	sleep 0.2
	jack_disconnect LinkHut:out_1 system:playback_1
	jack_disconnect LinkHut:out_2 system:playback_2
}
hut_start 1
# hut_run TAG: trigseq plays with LinkHut for 7 s while LinkHut goes up 5 BPM; its clicks and
# LinkHut's in $tmp/clicks-TAG.cap, its note-ons in $tmp/kicks-TAG.out, stderr in play-TAG.err
hut_run() {
	local tag=$1 cap kicks ts
	run_bg "cap-$tag" "$build/audio_capture" "ts_cap_$tag" "$tmp/clicks-$tag.cap" 9
	cap=$bg_pid
	wait_port "ts_cap_$tag:in_2" || bad "audio_capture did not come up"
	jack_connect LinkHut:out_1 "ts_cap_$tag:in_1"
	run_bg "kicks-$tag" "$build/midi_sink" "kicks_$tag" 0
	kicks=$bg_pid
	wait_port "kicks_$tag:in" || bad "midi_sink did not come up"
	LD_PRELOAD=$build/rtcheck.so run_bg "play-$tag" "$build/trigseq" play tests/jack/thru.tsq \
		--sync link --click --name "ts_link_$tag" --verbose --duration 7 \
		--connect "audio_out_1=ts_cap_$tag:in_2" --connect "midi_out=kicks_$tag:in"
	ts=$bg_pid
	sleep 3.5
	for _ in 1 2 3 4 5; do hut e; sleep 0.05; done # LinkHut +5 BPM: trigseq follows
	wait_pid "$ts" 20
	hut_rc=$?
	wait_pid "$cap" 20 >/dev/null 2>&1
	stop_pid "$kicks" INT
}
# onsets_ok TAG: both onset checks pass (quietly)
onsets_ok() {
	python3 "$here/clicks.py" "$tmp/clicks-$1.cap" 8 >/dev/null 2>&1 &&
		python3 "$here/clicks.py" "$tmp/clicks-$1.cap" 3 "$tmp/kicks-$1.out" >/dev/null 2>&1
}
# xruns TAG: the xruns trigseq's last status line counts
xruns() { grep -oE 'xruns [0-9]+' "$tmp/play-$1.err" | tail -1 | cut -d' ' -f2; }

hut_run 1
tag=1
# LinkHut places its clicks through a regression filter of its own frames against the clock,
# which an xrun throws off for many beats (the issue saw two LinkHuts drift 4.7 ms apart);
# trigseq maps frames by JACK's cycle times. So a run with an xrun is run once more, with a new
# LinkHut (the old one's filter still remembers the xrun: 13 ms off, settling over 10 beats).
if ! onsets_ok 1 && [ "${xruns1:=$(xruns 1)}" -gt 0 ] 2>/dev/null; then
	echo "link: $xruns1 xrun(s) while measuring against LinkHut: measuring once more"
	hut q
	exec 7>&-
	stop_pid "$hutpid"
	hut_start 2
	sleep 1
	hut_run 2
	tag=2
fi
[ "$hut_rc" -eq 0 ] && ok "play --sync link with LinkHut: exit 0" ||
	bad "play --sync link: exit $hut_rc: $(head -c 600 "$tmp/play-$tag.err")"
grep -q 'Link: 1 peer' "$tmp/play-1.err" && ok "trigseq sees LinkHut: 'Link: 1 peer'" ||
	bad "no peer seen: $(grep -m3 Link "$tmp/play-1.err")"
grep -qE 'session playing, 125\.00 BPM' "$tmp/play-1.err" && ok "LinkHut's tempo change followed (125 BPM)" ||
	bad "tempo not followed: $(grep 'sync link' "$tmp/play-1.err" | tail -2)"
check "trigseq's clicks on LinkHut's, within 1 ms, bars on its downbeats" \
	python3 "$here/clicks.py" "$tmp/clicks-$tag.cap" 8
check "trigseq's note-ons (step 1 of each bar) on LinkHut's downbeats, within 1 ms" \
	python3 "$here/clicks.py" "$tmp/clicks-$tag.cap" 3 "$tmp/kicks-$tag.out"
rtok "the process callback following Link" "$tmp/play-$tag.err"
if [ "$tag" = 2 ]; then
	grep -qE 'session playing, 125\.00 BPM' "$tmp/play-2.err" &&
		ok "the second run followed LinkHut to 125 BPM too" || bad "second run's tempo"
fi
tempo_now=125

# ---- 2b: each port written earlier by its own playback latency: midi_out into a sink that
# declares none, synth into one that declares 300 frames (a MIDI interface's): the same steps
# come out 300 frames apart, so both are heard on the beat ----
run_bg sink0 "$build/midi_sink" sink0 0
s0=$bg_pid
run_bg sink300 "$build/midi_sink" sink300 300
s300=$bg_pid
wait_port sink300:in || bad "midi_sink did not come up"
run_bg lat "$build/trigseq" play tests/link/latency.tsq --sync link --name ts_lat --duration 4 \
	--connect midi_out=sink0:in --connect synth=sink300:in
wait_pid "$bg_pid" 20 || bad "play with latencies: $(head -c 300 "$tmp/lat.err")"
stop_pid "$s0" INT
stop_pid "$s300" INT
if python3 - "$tmp/sink0.out" "$tmp/sink300.out" >"$tmp/lat.txt" 2>&1 <<'PY'
import sys
def ons(path):
    return [int(l.split()[0]) for l in open(path) if l.split()[1][0] == "9" and l.split()[3] != "00"]
a, b = ons(sys.argv[1]), ons(sys.argv[2])
d = [x - y for x, y in zip(a, b)]
print(f"{len(a)} and {len(b)} note-ons; midi_out minus synth (frames): {sorted(set(d))}")
sys.exit(0 if len(a) >= 5 and len(a) == len(b) and all(abs(x - 300) <= 1 for x in d) else 1)
PY
then ok "each port earlier by its own latency: $(cat "$tmp/lat.txt")"
else bad "port latencies: $(cat "$tmp/lat.txt")"; fi

# ---- 3: LinkHut starts and stops the session; trigseq (--no-start) follows, its MIDI clock on
# the session's tempo; a second trigseq in phase with the first; LinkHut killed, trigseq plays on
hut ' ' # LinkHut stops the session (it kept playing when trigseq left)
sleep 0.3
run_bg cap2 "$build/audio_capture" ts_cap2 "$tmp/pair.cap" 16
cap=$bg_pid
wait_port ts_cap2:in_2 || bad "audio_capture did not come up"
jack_mclk_dump -n >"$tmp/mclk.txt" 2>&1 &
pids+=("$!")
wait_port jack_mclk_dump:mclk_in || bad "jack_mclk_dump did not come up"
run_bg ta "$build/trigseq" play tests/jack/thru.tsq --sync link --no-start --click --name ts_a \
	--verbose --duration 15 --connect audio_out_1=ts_cap2:in_1 \
	--connect clock_out=jack_mclk_dump:mclk_in
ta=$bg_pid
run_bg tb "$build/trigseq" play tests/jack/thru.tsq --sync link --no-start --click --name ts_b \
	--duration 15 --connect audio_out_1=ts_cap2:in_2
tb=$bg_pid
sleep 1.5
quiet=$(grep -c 'sync link.*running' "$tmp/ta.err")
[ "$quiet" -eq 0 ] && ok "--no-start: nothing plays before a peer starts the session" ||
	bad "--no-start: $(grep 'sync link' "$tmp/ta.err" | head -2)"
hut ' ' # LinkHut starts the session: both trigseqs start on its next downbeat
sleep 2.2
hut ' ' # LinkHut stops it: both stop
sleep 1.2
grep 'sync link' "$tmp/ta.err" | tail -1 | grep -q "session stopped, $tempo_now.00 BPM, stopped" &&
	ok "LinkHut stopping the session stops trigseq" ||
	bad "after LinkHut's stop: $(grep 'sync link' "$tmp/ta.err" | tail -1)"
hut ' ' # and starts it again
sleep 1.5
kill -KILL "$hutpid" # LinkHut vanishes (no goodbye): the trigseqs play on, alone
wait_pid "$ta" 20
rc=$?
wait_pid "$tb" 20
wait_pid "$cap" 20 >/dev/null 2>&1
[ "$rc" -eq 0 ] && ok "--no-start follower: exit 0" || bad "--no-start: exit $rc: $(head -c 400 "$tmp/ta.err")"
grep -q 'Link: 2 peers' "$tmp/ta.err" && ok "three in the session: 'Link: 2 peers'" ||
	bad "peers: $(grep 'Link:' "$tmp/ta.err" | head -3)"
grep -q 'Link: 1 peer (one left)' "$tmp/ta.err" && ok "LinkHut vanishing is said: 'Link: 1 peer (one left)'" ||
	bad "a peer leaving not said: $(grep 'Link:' "$tmp/ta.err" | tail -3)"
# (the status line before the last, which is the one after trigseq's own end: it runs, and the
# session it leaves plays on; Link may take 5 s to count a peer that vanished)
grep 'sync link' "$tmp/ta.err" | tail -2 | head -1 | grep -q "session playing, $tempo_now.00 BPM, running" &&
	grep 'sync link' "$tmp/ta.err" | tail -1 | grep -q "session playing" &&
	ok "LinkHut gone, the session plays on at $tempo_now BPM" ||
	bad "after LinkHut vanished: $(grep 'sync link' "$tmp/ta.err" | tail -2)"
check "two trigseqs in one session click together, bars together" \
	python3 "$here/clicks.py" "$tmp/pair.cap" 8
# (the median of jack_mclk_dump's filtered readings, within 0.4 BPM: the ticks are on Link's
# clock, which the dummy server's frames follow only to a few tenths of a percent on a loaded
# machine, and one xrun throws its filter off for a while)
mclk_median() {
	python3 - "$1" "$2" <<'PY'
import re, statistics, sys
text = open(sys.argv[1], errors="replace").read().replace("\r", "\n")
flt = [float(m) for m in re.findall(r"flt:\s*([0-9.]+)\[BPM\]", text)][24:]
med = statistics.median(flt) if flt else 0.0
print(f"jack_mclk_dump's median reading {med:.2f} BPM over {len(flt)} ticks")
sys.exit(0 if flt and abs(med - float(sys.argv[2])) <= 0.4 else 1)
PY
}
check "jack_mclk_dump reads the session's tempo on clock_out" mclk_median "$tmp/mclk.txt" "$tempo_now"
exec 7>&-

# ---- 4: the editor in a Link session (tmux), with a new LinkHut: LINK, the peers and the
# session's tempo in the header; p starts the session (LinkHut plays), a tempo typed in the
# editor is LinkHut's, LinkHut's tempo change is the editor's, p stops the session ----
sock=trigseq-link-$$
T() { tmux -L "$sock" "$@"; }
on_exit() { T kill-server 2>/dev/null; }
# editor, screen, keys, wait_screen, expect_screen, wait_exit
# shellcheck source=SCRIPTDIR/../ui/tmux.sh
. "$root/tests/ui/tmux.sh"
hut_start 3
# hut_state: LinkHut's last status line (it prints one every 10 ms)
hut_state() { tr '\r' '\n' <"$tmp/hut-3.out" | grep '|' | tail -1; }
cp tests/jack/thru.tsq "$tmp/e.tsq"
editor ed LD_PRELOAD="$build/rtcheck.so" "$build/trigseq" e.tsq --sync link --name ts_ed
expect_screen ed "the header: LINK, 1 peer, the session's tempo" 'STOP +LINK 1 +120\.0'
keys ed p
sleep 1
hut_state | grep -q 'playing' && ok "p starts the session: LinkHut plays" ||
	bad "LinkHut after p: $(hut_state)"
expect_screen ed "and the editor plays" 'PLAY +LINK 1'
keys ed t
keys ed C-u 1 3 3 Enter
sleep 0.5
hut_state | grep -q '133.00' && ok "a tempo typed in the editor is the session's: LinkHut at 133" ||
	bad "LinkHut after the tempo typed: $(hut_state)"
hut w # LinkHut -1 BPM
expect_screen ed "LinkHut's tempo change shows in the header" 'LINK 1 +132\.0'
keys ed p
sleep 1
hut_state | grep -q 'stopped' && ok "p stops the session: LinkHut stops" ||
	bad "LinkHut after the second p: $(hut_state)"
keys ed p # play again, then quit while playing: leaving is not stopping
sleep 1
keys ed q d
wait_exit ed && [ "$(cat "$tmp/ed.exit")" = 0 ] && ok "the editor quits, exit 0" ||
	bad "editor exit: $(cat "$tmp/ed.exit" 2>/dev/null): $(head -c 300 "$tmp/ed.err")"
sleep 0.5
hut_state | grep -q 'playing' && ok "quitting the editor while playing leaves the session playing" ||
	bad "LinkHut after the editor quit: $(hut_state)"
rtok "the editor's process callback following Link" "$tmp/ed.err"
hut q
exec 7>&-

summary
