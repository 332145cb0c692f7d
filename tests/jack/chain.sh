#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Chains and --program-receive on a private JACK dummy server: what `trigseq play A B ...` sends,
# captured by jack_midi_dump, equals `trigseq dump` of the same chain frame for frame; program
# changes sent by a peer (send_midi) reorder the chain as they should.
# usage: tests/jack/chain.sh BUILD_DIR     (BUILD_DIR holds trigseq, rtcheck.so, send_midi)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
MIDI="python3 $here/midi.py"
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" chain
cd "$root" || exit

start_jackd
R=48000
A=patterns/virus-acid.tsq # 16 steps at 126 BPM: 91428.57 frames; channel 1
B=patterns/rd8-map.tsq    # 16 steps; channel 10
C=patterns/rev2-chords.tsq # 32 steps; channel 1, program 0

# ---- 1: a chain as master equals the dump of the chain, frame for frame ----
monitor mon_chain || bad "monitor did not come up"
mon=$mon_pid
monitor mon_chain_clk || bad "clock monitor did not come up"
mon_clk=$mon_pid
LD_PRELOAD=$build/rtcheck.so \
	"$TRIGSEQ" play "$A" "$B" --name ts_chain --duration 6.5 --verbose \
	--connect midi_out=mon_chain:input --connect 'clock_out=mon_chain(_clk)?:input' \
	>"$tmp/chain.out" 2>"$tmp/chain.err"
rc=$?
sleep 0.3
stop_pid "$mon"
stop_pid "$mon_clk"
[ "$rc" -eq 0 ] && ok "play A B: exit 0" || bad "play A B: exit $rc: $(head -c 600 "$tmp/chain.err")"
check "chain A B notes" $MIDI compare "$tmp/mon_chain.txt" "$TRIGSEQ" "$A" midi_out $R 1260 "$B"
check "chain A B clock at A's tempo" $MIDI clock "$tmp/mon_chain_clk.txt" $R 1260
grep -q "rd8-map.tsq's tempo 112.0 is not used" "$tmp/chain.err" && ok "tempo note on stderr" ||
	bad "no tempo note: $(head -c 300 "$tmp/chain.err")"
grep -qE 'pattern 2/2 patterns/rd8-map.tsq, next 1 patterns/virus-acid.tsq, changes [1-9]' \
	"$tmp/chain.err" && ok "--verbose shows the chain's position" ||
	bad "no chain position in the status: $(grep -m3 BPM "$tmp/chain.err")"
rtok "RT safety over chain changes" "$tmp/chain.err"

# ---- 2: --program-receive: a program change queues a pattern for the next change point ----
# The chain A B C, and on channel 16: PC 2 while A plays (C comes next instead of B), PC 9 (beyond
# the chain: ignored, counted) and PC 1 on channel 15 (not ours). The chain then runs A C A B:
# the same as the dump of the chain A C A B for those four patterns.
monitor mon_pc || bad "monitor did not come up"
mon=$mon_pid
LD_PRELOAD=$build/rtcheck.so \
	"$TRIGSEQ" play "$A" "$B" "$C" --name ts_pc --duration 10.2 --verbose --program-receive 16 \
	--connect midi_out=mon_pc:input --connect clock_out=mon_pc:input \
	>"$tmp/pc.out" 2>"$tmp/pc.err" &
ts=$!
pids+=("$ts")
if wait_port ts_pc:midi_in && wait_grep 'started at frame' "$tmp/pc.err"; then
	"$build/send_midi" --connect ts_pc:midi_in --connect ts_pc:clock_in \
		"0.2 CF 02" "0.3 CF 09" "0.4 CE 01" >"$tmp/send.txt" 2>&1 ||
		bad "send_midi failed: $(cat "$tmp/send.txt")"
else
	bad "trigseq did not start: $(head -c 400 "$tmp/pc.err")"
fi
wait_pid "$ts" 60
rc=$?
sleep 0.3
stop_pid "$mon"
[ "$rc" -eq 0 ] && ok "play A B C --program-receive 16: exit 0" ||
	bad "play --program-receive: exit $rc: $(head -c 600 "$tmp/pc.err")"
start=$(sed -n 's/.*started at frame \([0-9]*\).*/\1/p' "$tmp/pc.err")
sent=$(head -1 "$tmp/send.txt" | cut -d' ' -f1)
echo "  (trigseq started at frame $start; first program change sent at frame $sent)"
# A + C + A + B = 16 + 32 + 16 + 16 steps = 80 steps = 5 bars at 126 BPM (9.05 s); the run is
# shorter than 6 bars (10.86 s), so the capture compared is those 5 bars.
check "program change: A C A B equals the dump of that chain" $MIDI compare "$tmp/mon_pc.txt" \
	"$TRIGSEQ" "$A" midi_out $R 1260 "$C" "$A" "$B"
# Each PC was sent to both inputs: two taken, two beyond the chain, channel 15 not counted.
grep -qE 'program changes on channel 16: 2 taken, 2 beyond the chain \(last 9\)' "$tmp/pc.err" &&
	ok "status counts program changes: $(grep -oE 'program changes on channel 16: [^)]*\)' "$tmp/pc.err" | tail -1)" ||
	bad "program change counts: $(grep -m2 -oE 'program changes.*' "$tmp/pc.err" | tail -1)"
rtok "RT safety with program changes" "$tmp/pc.err"

# ---- 3: a program change while stopped picks the pattern a clock slave starts with ----
# Chain A B as a slave; PC 1 on channel 16 before the master's Start: B (channel 10) plays first,
# for its 16 steps (96 ticks), then A (channel 1).
monitor mon_sl || bad "monitor did not come up"
mon=$mon_pid
"$TRIGSEQ" play "$A" "$B" --sync midi --program-receive 16 --name ts_sl --duration 8 --verbose \
	--connect midi_out=mon_sl:input >"$tmp/sl.out" 2>"$tmp/sl.err" &
ts=$!
pids+=("$ts")
if wait_port ts_sl:clock_in && wait_grep 'waiting for MIDI Start' "$tmp/sl.err"; then
	"$build/send_midi" --connect ts_sl:midi_in "0.05 CF 01" >"$tmp/send2.txt" 2>&1 ||
		bad "send_midi failed: $(cat "$tmp/send2.txt")"
	"$build/jitter_clock" --name jc_pc --connect ts_sl:clock_in --delay-ms 200 --ticks 160 \
		--jitter-ms 0 >/dev/null 2>"$tmp/jc.err" || bad "jitter_clock failed: $(cat "$tmp/jc.err")"
else
	bad "the slave did not come up: $(head -c 400 "$tmp/sl.err")"
fi
wait_pid "$ts" 60
rc=$?
sleep 0.3
stop_pid "$mon"
[ "$rc" -eq 0 ] && ok "slave chain: exit 0" || bad "slave chain: exit $rc: $(head -c 400 "$tmp/sl.err")"
# note-ons in order: channel 10 ones first, then channel 1 ones from step 17 (tick 96) on
if python3 - "$tmp/mon_sl.txt" <<'PY'
import re, sys
ons = []
for line in open(sys.argv[1]):
    m = re.match(r"\s*(\d+):\s+(9[0-9a-f]) ([0-9a-f]{2}) ([0-9a-f]{2})", line)
    if m and int(m.group(4), 16) > 0:
        ons.append((int(m.group(1)), int(m.group(2), 16) & 15))
chans = [c for _, c in ons]
if not ons or chans[0] != 9:
    sys.exit(f"first note-on on channel {chans[0] + 1 if ons else None}, expected 10 (B)")
first_a = chans.index(0) if 0 in chans else None
if first_a is None or 9 in chans[first_a:]:
    sys.exit(f"expected B's notes, then A's: channels {chans[:40]}")
print(f"B first ({first_a} note-ons on channel 10), then A ({len(chans) - first_a} on channel 1)")
PY
then ok "program change while stopped: the slave starts with pattern B"
else bad "program change while stopped"; fi
grep -qE 'pattern 1/2 patterns/virus-acid.tsq|pattern 2/2 patterns/rd8-map.tsq' "$tmp/sl.err" &&
	ok "slave status shows the chain" || bad "slave status: $(grep -m2 'sync midi' "$tmp/sl.err")"

# ---- 4: usage ----
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
usage "--program-receive 17" 2 "--program-receive '17': expected a MIDI channel 1 ... 16" "$A" --program-receive 17
usage "--program-receive missing value" 2 "needs a value" "$A" --program-receive
printf 'trigseq 1\ntrack 1\n  chanel 3\n' >"$tmp/typo.tsq"
usage "bad file in a chain" 1 "typo.tsq:3:3: unknown key 'chanel'" "$A" "$tmp/typo.tsq"

summary
