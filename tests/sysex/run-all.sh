#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Integration tests of `trigseq sysex send | recv` on a private JACK dummy server: files sent
# through JACK to our recorder and to jack_midi_dump at once, byte for byte and paced to the
# frame; other traffic and real-time bytes mixed in (tests/jack/send_midi); malformed files
# refused before anything is sent; no overwriting without --force; the timeout; no server; the
# server going away. Every server and client started here is stopped on exit.
# usage: tests/sysex/run-all.sh BUILD_DIR     (BUILD_DIR holds trigseq, send_midi, rtcheck.so)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
SEND_MIDI=$build/send_midi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" sysex
cd "$root" || exit 1

R=48000

# expect_rc NAME WANT PID: the background process PID exits with WANT.
expect_rc() {
	local rc
	wait_pid "$3" 60
	rc=$?
	if [ "$rc" -eq "$2" ]; then ok "$1: exit $rc"; else bad "$1: exit $rc, expected $2 ($(head -c 400 "$tmp/$1.err"))"; fi
}

# stop_mon PID: jack_midi_dump leaves on SIGINT; killed by SIGTERM it would stall the synchronous
# server for its client timeout (5 s), and the timings measured after it.
stop_mon() { stop_pid "$1" INT; }

# has NAME FILE TEXT: FILE contains the fixed string TEXT.
has() {
	if grep -qF -- "$3" "$2"; then ok "$1: $(grep -F -m1 -- "$3" "$2")"; else bad "$1: no '$3' in: $(head -c 400 "$2")"; fi
}

# The files: a short message, one of 5000 bytes, one of 300, the shortest there is.
python3 - "$tmp" <<'EOF'
import random, sys
random.seed(6)
def msg(n, head):
    body = head + [random.randrange(128) for _ in range(n - 2 - len(head))]
    return bytes([0xF0] + body + [0xF7])
d = sys.argv[1]
open(f"{d}/multi.syx", "wb").write(msg(6, [0x41, 0x10]) + msg(5000, [0x00, 0x20, 0x3C]) + msg(300, [0x43]) + bytes([0xF0, 0x7D, 0xF7]))
open(f"{d}/small.syx", "wb").write(msg(40, [0x41]) + msg(1200, [0x42]))
open(f"{d}/burst.syx", "wb").write(msg(400, [0x41]) + msg(100, [0x42]))
bad = {
    "empty": b"",
    "no-f0": bytes([0x41, 0x10, 0x42, 0xF7]),
    "high": bytes([0xF0, 0x41, 0x10]) + bytes(range(0x20, 0x40)) + bytes([0x9C, 0x01, 0xF7]),
    "truncated": bytes([0xF0, 0x41, 0x01, 0xF7, 0xF0, 0x42, 0x01, 0x02]),
    "f0-inside": bytes([0xF0, 0x41, 0x01, 0xF0, 0x42, 0xF7]),
    "between": bytes([0xF0, 0x41, 0x01, 0xF7, 0x0A, 0xF0, 0x42, 0xF7]),
    "clock-inside": bytes([0xF0, 0x41, 0x01, 0xF7, 0xF0, 0x42, 0xF8, 0x01, 0xF7]),
    "empty-message": bytes([0xF0, 0x41, 0xF7, 0xF0, 0xF7]),
}
for name, b in bad.items():
    open(f"{d}/bad-{name}.syx", "wb").write(b)
EOF

tools/jack-shm-heal.sh
start_jackd

# ---- 1: a file through JACK at the DIN rate, to our recorder and jack_midi_dump at once, with
# MIDI clock into the recorder all the while ----
monitor mon1 || bad "jack_midi_dump mon1 did not come up"
mon1=$mon_pid
LD_PRELOAD=$build/rtcheck.so run_bg recv1 "$TRIGSEQ" sysex recv --name rx1 -o "$tmp/got1.syx" --timeout 1.5
recv1=$bg_pid
wait_port rx1:sysex_in || bad "recv's port did not come up"
# MIDI clock at 300 BPM (120 ticks a second) into the recorder all along, from a peer nobody here
# wrote: JACK merges its F8s between the events of the dump, so they land inside messages
jack_midi_clock -b 300 -P rx1:sysex_in >"$tmp/clock.log" 2>&1 &
clock_pid=$!
pids+=("$clock_pid")
wait_port jack_midi_clock:mclk_out || bad "jack_midi_clock did not come up"
echo play | timeout 5 jack_transport >/dev/null 2>&1 || bad "jack_transport play failed"
sleep 0.2
LD_PRELOAD=$build/rtcheck.so run_bg send1 "$TRIGSEQ" sysex send "$tmp/multi.syx" --name tx1 \
	--to '^(rx1:sysex_in|mon1:input)$'
send1=$bg_pid
t0=$(date +%s%N)
expect_rc send1 0 "$send1"
t1=$(date +%s%N)
# (the clock goes on: recv1 must stop 1.5 s after the last SysEx byte anyway)
expect_rc recv1 0 "$recv1"
echo stop | timeout 5 jack_transport >/dev/null 2>&1
stop_mon "$clock_pid"
sleep 0.3
stop_mon "$mon1"
if cmp -s "$tmp/multi.syx" "$tmp/got1.syx"; then ok "recv wrote the file sent, byte for byte ($(stat -c %s "$tmp/got1.syx") bytes)"; else bad "recv's file differs: $(cmp "$tmp/multi.syx" "$tmp/got1.syx" 2>&1)"; fi
check "jack_midi_dump sees 3125 bytes/s and 100 ms gaps" python3 "$here/check_pacing.py" "$tmp/mon1.txt" "$tmp/multi.syx" 3125 100 $R
has "send's summary" "$tmp/send1.out" "sent 4 messages, 5,309 bytes in 2."
has "recv's summary" "$tmp/recv1.out" "received 4 messages, 5,309 bytes into $tmp/got1.syx"
if grep -qE 'into .*got1.syx \(([2-9][0-9]|[1-9][0-9]{2,}) realtime bytes inside dropped\)$' "$tmp/recv1.out"; then
	ok "jack_midi_clock's ticks inside the dump were dropped and counted: $(cat "$tmp/recv1.out")"
else
	bad "no clock ticks inside the dump counted: $(cat "$tmp/recv1.out")"
fi
# 5309 bytes at 3125/s and 3 gaps of 100 ms: 2.0 s on the wall too (not only in frames)
ms=$(((t1 - t0) / 1000000))
if ((ms >= 1900 && ms < 3500)); then ok "send took $ms ms on the wall clock (2.0 s of bytes and gaps)"; else bad "send took $ms ms, expected about 2000"; fi
rtok "send's process callback is real-time safe" "$tmp/send1.err"
rtok "recv's process callback is real-time safe" "$tmp/recv1.err"

# ---- 2: --rate and --gap-ms; recv replaces a file with --force; a rate above the sample rate ----
printf 'old' >"$tmp/got2.syx"
monitor mon2 || bad "jack_midi_dump mon2 did not come up"
mon2=$mon_pid
run_bg recv2 "$TRIGSEQ" sysex recv --name rx2 --output "$tmp/got2.syx" --force --timeout 1
recv2=$bg_pid
wait_port rx2:sysex_in || bad "recv's port did not come up"
run_bg send2 "$TRIGSEQ" sysex send "$tmp/multi.syx" --name tx2 --to rx2:sysex_in --to mon2:input \
	--rate 10000 --gap-ms=250
expect_rc send2 0 "$bg_pid"
expect_rc recv2 0 "$recv2"
sleep 0.3
stop_mon "$mon2"
if cmp -s "$tmp/multi.syx" "$tmp/got2.syx"; then ok "--force replaced the file with the one sent"; else bad "--force: the file is not the one sent"; fi
check "--rate 10000 --gap-ms 250, to the frame" python3 "$here/check_pacing.py" "$tmp/mon2.txt" "$tmp/multi.syx" 10000 250 $R
has "send's summary says the rate and gap" "$tmp/send2.out" "(10000 bytes/s, gap 250 ms)"

monitor mon3 || bad "jack_midi_dump mon3 did not come up"
mon3=$mon_pid
run_bg recv3 "$TRIGSEQ" sysex recv --name rx3 -o "$tmp/got3.syx" --timeout 1
recv3=$bg_pid
wait_port rx3:sysex_in || bad "recv's port did not come up"
# (a short file: jack_midi_dump passes about 128 events a cycle to its printing thread, and here
# every frame has one)
run_bg send3 "$TRIGSEQ" sysex send "$tmp/burst.syx" --name tx3 --to '^(rx3:sysex_in|mon3:input)$' \
	--rate 200000 --gap-ms 0
expect_rc send3 0 "$bg_pid"
expect_rc recv3 0 "$recv3"
sleep 0.3
stop_mon "$mon3"
if cmp -s "$tmp/burst.syx" "$tmp/got3.syx"; then ok "--rate 200000 (4-5 bytes a frame): the file arrives whole"; else bad "--rate 200000: the file differs"; fi
check "--rate 200000 --gap-ms 0, to the frame" python3 "$here/check_pacing.py" "$tmp/mon3.txt" "$tmp/burst.syx" 200000 0 $R
if grep -qE '^\s*[0-9]+: f0 [0-9a-f]{2} [0-9a-f]{2}' "$tmp/mon3.txt"; then ok "above the sample rate an event holds the bytes due at its frame: $(grep -m1 -E '^\s*[0-9]+: f0' "$tmp/mon3.txt")"; else bad "no event of several bytes at --rate 200000: $(head -2 "$tmp/mon3.txt")"; fi

# ---- 3: other traffic, real-time bytes inside messages, a broken message, --from ----
run_bg recv4 "$TRIGSEQ" sysex recv --name rx4 -o "$tmp/got4.syx" --timeout 1
recv4=$bg_pid
wait_port rx4:sysex_in || bad "recv's port did not come up"
run_bg mixed "$SEND_MIDI" --name mixed --connect rx4:sysex_in \
	"0.3 F8" "0.31 90 40 7F" "0.32 40 00" "0.33 F8" \
	"0.35 F0 41 10" "0.36 F8" "0.37 42 FE 12" "0.38 F7" "0.39 F8" \
	"0.42 F0 01 02 90 40 7F" "0.43 F8" "0.44 80 40 00" \
	"0.5 F0 7E F8 7F 06 01 F7" "0.52 FC" "0.53 03 04"
expect_rc mixed 0 "$bg_pid"
expect_rc recv4 1 "$recv4"
printf '\xF0\x41\x10\x42\x12\xF7\xF0\x7E\x7F\x06\x01\xF7' >"$tmp/want4.syx"
if cmp -s "$tmp/want4.syx" "$tmp/got4.syx"; then ok "clock, notes and running data ignored, real-time bytes inside left out, the broken message not written"; else bad "mixed traffic: got $(od -An -tx1 "$tmp/got4.syx" 2>&1)"; fi
has "recv counts the real-time bytes inside" "$tmp/recv4.out" "received 2 messages, 12 bytes into $tmp/got4.syx (3 realtime bytes inside dropped)"
has "recv names the broken message" "$tmp/recv4.err" "1 broken message not written (message 2 cut off after 3 bytes by status byte 0x90)"

# --from: we connect to the sender (a regex), which starts first
monitor mon5 || bad "jack_midi_dump mon5 did not come up"
run_bg from "$SEND_MIDI" --name from5 --connect mon5:input "1.5 F0 43 10 4C F7" "1.6 F8" "1.7 F0 43 11 F7"
from5=$bg_pid
wait_port from5:out || bad "send_midi's port did not come up"
run_bg recv5 "$TRIGSEQ" sysex recv --name rx5 --from '^from5:' -o "$tmp/got5.syx" --timeout 3
recv5=$bg_pid
expect_rc from 0 "$from5"
expect_rc recv5 0 "$recv5"
printf '\xF0\x43\x10\x4C\xF7\xF0\x43\x11\xF7' >"$tmp/want5.syx"
if cmp -s "$tmp/want5.syx" "$tmp/got5.syx"; then ok "--from '^from5:' records what that client sends"; else bad "--from: got $(od -An -tx1 "$tmp/got5.syx" 2>&1)"; fi
run_bg recv6 "$TRIGSEQ" sysex recv --name rx6 --from 'nobody-here:.*' -o "$tmp/got6.syx" --timeout 1
expect_rc recv6 1 "$bg_pid"
has "--from with no match says so" "$tmp/recv6.err" "no JACK MIDI output port matches 'nobody-here:.*'"
[ -e "$tmp/got6.syx" ] && bad "--from with no match wrote a file" || ok "--from with no match: no file"

# ---- 4: malformed files are refused with the offset, before anything is sent ----
monitor mon7 || bad "jack_midi_dump mon7 did not come up"
mon7=$mon_pid
for spec in "empty|offset 0x0: the file is empty" \
	"no-f0|offset 0x0: byte 0x41 outside F0 ... F7 (a .syx file starts with F0)" \
	"high|offset 0x23: byte 0x9C above 0x7F inside the SysEx message at offset 0x0" \
	"truncated|offset 0x8: no F7 before the end of the file (the message at offset 0x4, 4 bytes, is truncated)" \
	"f0-inside|offset 0x3: F0 inside the SysEx message at offset 0x0 (its F7 is missing)" \
	"between|offset 0x4: byte 0x0A outside F0 ... F7 (after an F7 the next message must start with F0)" \
	"clock-inside|offset 0x6: byte 0xF8 above 0x7F inside the SysEx message at offset 0x4" \
	"empty-message|offset 0x3: empty SysEx message F0 F7"; do
	name=${spec%%|*}
	want=${spec#*|}
	"$TRIGSEQ" sysex send "$tmp/bad-$name.syx" --to mon7:input >"$tmp/bad.out" 2>"$tmp/bad.err"
	rc=$?
	if [ "$rc" -eq 1 ] && grep -qF -- "bad-$name.syx: $want" "$tmp/bad.err" && grep -qF "nothing sent" "$tmp/bad.err" &&
		! [ -s "$tmp/bad.out" ]; then
		ok "malformed ($name) refused: $(cat "$tmp/bad.err")"
	else
		bad "malformed ($name): exit $rc: $(cat "$tmp/bad.err" "$tmp/bad.out")"
	fi
done
"$TRIGSEQ" sysex send "$tmp/missing.syx" --to mon7:input >/dev/null 2>"$tmp/bad.err"
[ $? -eq 1 ] && grep -qF "missing.syx: No such file or directory; nothing sent" "$tmp/bad.err" &&
	ok "a missing file: $(cat "$tmp/bad.err")" || bad "a missing file: $(cat "$tmp/bad.err")"
sleep 0.3
stop_mon "$mon7"
if grep -qE '^\s*[0-9]+:' "$tmp/mon7.txt"; then bad "a refused file sent something: $(head -3 "$tmp/mon7.txt")"; else ok "nothing reached the port from the refused files"; fi

# ---- 5: no overwriting without --force; the timeout; nothing received ----
printf 'keep' >"$tmp/keep.syx"
"$TRIGSEQ" sysex recv -o "$tmp/keep.syx" --timeout 1 >/dev/null 2>"$tmp/keep.err"
[ $? -eq 1 ] && [ "$(cat "$tmp/keep.syx")" = keep ] && ok "recv refuses an existing file: $(cat "$tmp/keep.err")" ||
	bad "recv and an existing file: $(cat "$tmp/keep.err")"
# a file that appears while recording is not overwritten either
run_bg recv14 "$TRIGSEQ" sysex recv --name rx14 -o "$tmp/late.syx" --timeout 0.5
recv14=$bg_pid
wait_port rx14:sysex_in || bad "recv's port did not come up"
printf 'mine' >"$tmp/late.syx"
"$SEND_MIDI" --name late14 --connect rx14:sysex_in "0.1 F0 05 06 F7" >/dev/null 2>&1
expect_rc recv14 1 "$recv14"
[ "$(cat "$tmp/late.syx")" = mine ] && grep -qF "late.syx not written: it exists now (--force replaces it)" "$tmp/recv14.err" &&
	ok "a file created while recording is kept: $(cat "$tmp/recv14.err" | tail -1)" ||
	bad "a file created while recording: $(cat "$tmp/late.syx") / $(cat "$tmp/recv14.err")"
t0=$(date +%s%N)
"$TRIGSEQ" sysex recv --name rx8 -o "$tmp/none.syx" --timeout 0.6 >/dev/null 2>"$tmp/none.err"
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
if [ "$rc" -eq 1 ] && ((ms >= 600 && ms < 2000)) && ! [ -e "$tmp/none.syx" ] &&
	grep -qF "no complete SysEx message received; $tmp/none.syx not written" "$tmp/none.err"; then
	ok "--timeout 0.6 with nothing sent: stops after $ms ms, says so, writes nothing"
else
	bad "--timeout with nothing: exit $rc after $ms ms: $(cat "$tmp/none.err")"
fi
# the timeout counts from the last SysEx byte: a message every 0.5 s keeps a 0.7 s recorder on
run_bg recv9 "$TRIGSEQ" sysex recv --name rx9 -o "$tmp/got9.syx" --timeout 0.7
recv9=$bg_pid
wait_port rx9:sysex_in || bad "recv's port did not come up"
run_bg slow "$SEND_MIDI" --name slow --connect rx9:sysex_in "0.1 F0 01 F7" "0.6 F8" "0.65 F0 02 F7" \
	"1.2 F0 03 F7" "1.75 F0 04 F7"
expect_rc slow 0 "$bg_pid"
expect_rc recv9 0 "$recv9"
has "the timeout counts from the last SysEx byte, not clock" "$tmp/recv9.out" "received 4 messages, 12 bytes"
# SIGINT ends a recording like the timeout: what is complete is written
run_bg recv10 "$TRIGSEQ" sysex recv --name rx10 -o "$tmp/got10.syx" --timeout 60
recv10=$bg_pid
wait_port rx10:sysex_in || bad "recv's port did not come up"
"$SEND_MIDI" --name int10 --connect rx10:sysex_in "0.1 F0 05 06 F7" "0.2 F0 07" >/dev/null 2>&1
kill -INT "$recv10"
expect_rc recv10 1 "$recv10"
printf '\xF0\x05\x06\xF7' >"$tmp/want10.syx"
cmp -s "$tmp/want10.syx" "$tmp/got10.syx" && ok "SIGINT: the complete message written, the open one reported" ||
	bad "SIGINT: got $(od -An -tx1 "$tmp/got10.syx" 2>&1) ($(cat "$tmp/recv10.err"))"

# the progress bar: on a terminal (script(1) gives one), not in a file
if grep -qF 'bytes  message' "$tmp/send1.err"; then bad "a progress bar without a terminal: $(head -c 200 "$tmp/send1.err")"; else ok "no progress bar when stderr is not a terminal"; fi
if command -v script >/dev/null; then
	monitor mon12 || bad "jack_midi_dump mon12 did not come up"
	mon12=$mon_pid
	script -qfec "$TRIGSEQ sysex send $tmp/small.syx --to mon12:input" "$tmp/tty.txt" >/dev/null 2>&1
	stop_mon "$mon12"
	if grep -qE '\[#+-+\] +[0-9]+%  [0-9,]+/1,240 bytes  message [12]/2' "$tmp/tty.txt" &&
		grep -qF 'sent 2 messages, 1,240 bytes' "$tmp/tty.txt"; then
		ok "a progress bar on a terminal: $(tr '\r' '\n' <"$tmp/tty.txt" | grep -m1 -E '%  [0-9,]+/1,240' | tr -d '\033')"
	else
		bad "no progress bar on a terminal: $(head -c 400 "$tmp/tty.txt")"
	fi
fi

# SIGINT ends a send: it says how far it got, exit 1
monitor mon13 || bad "jack_midi_dump mon13 did not come up"
mon13=$mon_pid
run_bg send13 "$TRIGSEQ" sysex send "$tmp/small.syx" --name tx13 --to mon13:input --rate 500
send13=$bg_pid
sleep 0.8 # the 40-byte message took 0.08 s, the 1200-byte one has begun
kill -INT "$send13"
expect_rc send13 1 "$send13"
has "SIGINT during send says how far it got" "$tmp/send13.err" "interrupted after 1 of 2 messages ("
has "SIGINT during send names the message cut off" "$tmp/send13.err" "; the last one was cut off"
stop_mon "$mon13"

# ---- 6: usage ----
for args in "send" "send $tmp/multi.syx" "recv" "send $tmp/multi.syx --to x --rate 0" \
	"send $tmp/multi.syx --to x --gap-ms 60001" "recv -o x --timeout 0" "recv -o x --to y" \
	"send $tmp/multi.syx --to x --force" "frob" "recv -o x extra"; do
	# shellcheck disable=SC2086
	"$TRIGSEQ" sysex $args >/dev/null 2>"$tmp/usage.err"
	rc=$?
	[ "$rc" -eq 2 ] && grep -qF "Try 'trigseq sysex --help'" "$tmp/usage.err" && ok "usage error: sysex $args: $(head -1 "$tmp/usage.err")" ||
		bad "sysex $args: exit $rc: $(cat "$tmp/usage.err")"
done
"$TRIGSEQ" sysex --help | grep -qF "usage: trigseq sysex send FILE.syx --to PORT" && ok "sysex --help" || bad "sysex --help"

# ---- 6b: a pattern to the Rytm and back: export-rytm, sent through JACK, recorded, imported ----
# What a user does to move a pattern: the dump export-rytm writes goes through sysex send and
# recv byte for byte, and import-rytm of what arrived gives the pattern import-rytm gives of the
# file itself.
"$TRIGSEQ" export-rytm patterns/rytm-drums.tsq -o "$tmp/drums.syx" --pattern B03 >/dev/null 2>"$tmp/exp.err" ||
	bad "export-rytm failed: $(head -c 300 "$tmp/exp.err")"
run_bg recv6b "$TRIGSEQ" sysex recv --name rx6b -o "$tmp/drums-got.syx" --timeout 1
recv6b=$bg_pid
wait_port rx6b:sysex_in || bad "recv's port did not come up"
run_bg send6b "$TRIGSEQ" sysex send "$tmp/drums.syx" --name tx6b --to rx6b:sysex_in --rate 31250
expect_rc send6b 0 "$bg_pid"
expect_rc recv6b 0 "$recv6b"
"$TRIGSEQ" import-rytm "$tmp/drums.syx" -o "$tmp/drums-file.tsq" >/dev/null 2>&1
"$TRIGSEQ" import-rytm "$tmp/drums-got.syx" -o "$tmp/drums-got.tsq" >/dev/null 2>"$tmp/imp.err"
if cmp -s "$tmp/drums.syx" "$tmp/drums-got.syx" && [ -s "$tmp/drums-got.tsq" ] &&
	cmp -s "$tmp/drums-file.tsq" "$tmp/drums-got.tsq"; then
	ok "a Rytm pattern dump through JACK ($(stat -c %s "$tmp/drums.syx") bytes) imports as the file does"
else
	bad "the Rytm dump through JACK: $(cmp "$tmp/drums.syx" "$tmp/drums-got.syx" 2>&1) $(head -c 300 "$tmp/imp.err")"
fi

# ---- 7: no server; the server going away ----
JACK_DEFAULT_SERVER=trigseq-none-$$-$RANDOM "$TRIGSEQ" sysex send "$tmp/multi.syx" --to x >/dev/null 2>"$tmp/ns.err"
[ $? -eq 1 ] && grep -qF "no JACK server is running" "$tmp/ns.err" && ok "send, no server: $(cat "$tmp/ns.err")" ||
	bad "send, no server: $(cat "$tmp/ns.err")"
JACK_DEFAULT_SERVER=trigseq-none-$$-$RANDOM "$TRIGSEQ" sysex recv -o "$tmp/ns.syx" >/dev/null 2>"$tmp/ns.err"
[ $? -eq 1 ] && grep -qF "no JACK server is running" "$tmp/ns.err" && ! [ -e "$tmp/ns.syx" ] &&
	ok "recv, no server: $(cat "$tmp/ns.err")" || bad "recv, no server: $(cat "$tmp/ns.err")"

run_bg recv11 "$TRIGSEQ" sysex recv --name rx11 -o "$tmp/got11.syx" --timeout 30
recv11=$bg_pid
wait_port rx11:sysex_in || bad "recv's port did not come up"
run_bg send11 "$TRIGSEQ" sysex send "$tmp/small.syx" --name tx11 --to rx11:sysex_in --rate 500
send11=$bg_pid
sleep 1.5 # the first message is in, the second is on its way
stop_jackd
expect_rc send11 1 "$send11"
expect_rc recv11 1 "$recv11"
has "send: the server went away" "$tmp/send11.err" "the JACK server went away after"
has "recv: the server went away" "$tmp/recv11.err" "the JACK server went away; $tmp/got11.syx not written"
[ -e "$tmp/got11.syx" ] && bad "recv wrote a file after the server went away" || ok "recv wrote no file after the server went away"
if compgen -G "$tmp/.*.tmp.*" >/dev/null; then bad "a temporary file was left behind: $(compgen -G "$tmp/.*.tmp.*")"; else ok "no temporary file left behind"; fi

summary
