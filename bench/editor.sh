#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The editor's figures, from one run in tmux against a private JACK dummy server (48 kHz, 256):
#   - CPU share of the editor process idle (stopped, 10 s) and playing (10 s), from its
#     utime + stime in /proc, and its resident memory;
#   - the keystrokes to enter a 16-step bassline with 4 accents and 2 slides into an empty
#     pattern, in keyboard mode and with n NOTE Enter, typed for real and checked in the saved files;
#   - a folder of 64 patterns: the time until the editor shows it, and its private memory.
# usage: bench/editor.sh BUILD_DIR
set -uo pipefail
build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
"$here/../tools/jack-shm-heal.sh" >/dev/null
tmp=$(mktemp -d)
sock=trigseq-bench-$$
T() { tmux -L "$sock" "$@"; }
export JACK_DEFAULT_SERVER=trigseq-bench-ed-$$
jackd -S --no-realtime -d dummy -r 48000 -p 256 >"$tmp/jackd.log" 2>&1 &
jpid=$!
trap 'T kill-server 2>/dev/null; kill $jpid 2>/dev/null; wait $jpid 2>/dev/null; rm -rf "$tmp"' EXIT
timeout 15 jack_wait -w -t 10 >/dev/null 2>&1 || { echo "editor bench: jackd did not start"; exit 1; }

T new-session -d -s b -x 80 -y 24 "cd '$tmp' && '$build/trigseq' bass.tsq; sleep 60"
for _ in $(seq 50); do T capture-pane -t b -p | grep -q 'bass.tsq' && break; sleep 0.1; done
pid=$(pgrep -f "^$build/trigseq bass.tsq" | head -1)
# the whole process (the UI thread and JACK's process thread), and the UI thread alone
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
uiticks() { awk '{print $14 + $15}' "/proc/$pid/task/$pid/stat"; }
hz=$(getconf CLK_TCK)
measure() { # SECONDS -> CPU percent of one core: process, UI thread
	local a b c d
	a=$(ticks)
	c=$(uiticks)
	sleep "$1"
	b=$(ticks)
	d=$(uiticks)
	awk -v p=$((b - a)) -v u=$((d - c)) -v hz="$hz" -v s="$1" \
		'BEGIN { printf "%.2f%% (UI thread %.2f%%)", 100 * p / hz / s, 100 * u / hz / s }'
}
idle=$(measure 10)
T send-keys -t b p
sleep 0.5
playing=$(measure 10)
T send-keys -t b p
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
# most of the resident set is JACK's shared segment (/dev/shm/jack-*), the server's own memory
# mapped into every client; what the editor itself holds is its private memory
priv=$(awk '/^Private_(Clean|Dirty)/ {s += $2} END {print s}' "/proc/$pid/smaps_rollup")

# The bassline: C2 C2 D#2 C2 G1 C2 A#1 C2 ..., accents on steps 1 5 9 13, slides on 4 and 12.
notes=(C2 C2 D#2 C2 G1 C2 A#1 C2 C2 C2 D#2 F2 G1 C2 A#1 C3)
want="24 24 27 24 1F 24 22 24 24 24 27 29 1F 24 22 30"
keys=0
send() { T send-keys -t "$win" -- "$@"; keys=$((keys + $#)); sleep 0.05; }
# bass_ok FILE: 16 trigs with the notes above, 4 accents, 2 slides
bass_ok() {
	local trigs got
	trigs=$(grep -oE '^ +steps [xX. -]+' "$1" | tr -d ' ' | sed 's/^steps//')
	got=$("$build/trigseq" dump "$1" --bars 1 | awk '$3 == "90" {print $4}' | tr '\n' ' ')
	[ "$(tr -cd 'xX' <<<"$trigs" | wc -c)" -eq 16 ] && [ "$(tr -cd 'X' <<<"$trigs" | wc -c)" -eq 4 ] &&
		[ "$(grep -c ' slide' "$1")" -eq 2 ] && [ "$got" = "$want " ]
}
# the accents and slides, from step 1: X on 1 5 9 13, / on 4 12
marks() {
	send X l l l / l X l l l l X l l l / l X
}

# 1. n NOTE Enter per step
win=b
for i in $(seq 0 15); do
	send n
	for ((c = 0; c < ${#notes[i]}; c++)); do send "${notes[i]:c:1}"; done
	send Enter
	[ "$i" -lt 15 ] && send l
done
send '[' # back to step 1
marks
typed=$keys
send w
sleep 0.5
T send-keys -t b q

# 2. keyboard mode: one key a note (a = C2 after two octaves down from the track's C4)
T new-window -t b: -n k "cd '$tmp' && '$build/trigseq' bass2.tsq --no-jack; sleep 60"
win=b:k
for _ in $(seq 50); do T capture-pane -t "$win" -p | grep -q 'bass2.tsq' && break; sleep 0.1; done
keys=0
send '`' z z
for n in "${notes[@]}"; do
	case $n in
	C2) send a ;; D#2) send e ;; F2) send f ;; C3) send k ;;
	G1) send z g x ;; A#1) send z u x ;;
	esac
done
send Escape # the cursor wrapped back to step 1
marks
piano=$keys
send w
sleep 0.5
T send-keys -t "$win" q

# 3. a folder of 64 patterns: the time until the grid shows, and the memory
mkdir -p "$tmp/bank"
for k in $(seq -w 0 63); do cp "$here/../patterns/virus-acid.tsq" "$tmp/bank/p$k.tsq"; done
t0=$(date +%s%N)
T new-window -t b: -n f "cd '$tmp' && '$build/trigseq' bank/p00.tsq; sleep 60"
for _ in $(seq 100); do T capture-pane -t b:f -p | grep -q '^A01 1/64 p00.tsq' && break; sleep 0.02; done
t1=$(date +%s%N)
fpid=$(pgrep -f "^$build/trigseq bank/p00.tsq" | head -1)
sleep 1
fpriv=$(awk '/^Private_(Clean|Dirty)/ {s += $2} END {print s}' "/proc/$fpid/smaps_rollup")
T send-keys -t b:f q

echo "editor (tmux, jackd dummy, 256-frame periods): CPU idle ${idle} of a core over 10 s," \
	"playing ${playing}; memory: $(awk -v k="$priv" 'BEGIN { printf "%.1f", k / 1024 }') MB" \
	"private ($((rss / 1024)) MB resident with JACK's shared segment)"
echo "editor: a folder of 64 patterns open (and in the engine) in" \
	"$(( (t1 - t0) / 1000000 )) ms, $(awk -v k="$fpriv" 'BEGIN { printf "%.1f", k / 1024 }') MB private"
if bass_ok "$tmp/bass.tsq" && bass_ok "$tmp/bass2.tsq"; then
	echo "editor: a 16-step bassline with 4 accents and 2 slides from an empty pattern:" \
		"$piano keystrokes in keyboard mode (\` then a key a note), $typed with n NOTE Enter;" \
		"both checked in the saved files"
else
	echo "editor: a bassline did not come out right (bass.tsq, bass2.tsq):"
	"$build/trigseq" dump "$tmp/bass.tsq" --bars 1 | awk '$3 == "90" {print $4}' | tr '\n' ' '
	echo
	"$build/trigseq" dump "$tmp/bass2.tsq" --bars 1 | awk '$3 == "90" {print $4}' | tr '\n' ' '
	echo
	exit 1
fi
