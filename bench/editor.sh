#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The editor's figures, from one run in tmux against a private JACK dummy server (48 kHz, 256):
#   - CPU share of the editor process idle (stopped, 10 s) and playing (10 s), from its
#     utime + stime in /proc, and its resident memory;
#   - the keystrokes to enter a 16-step bassline with 4 accents and 2 slides into an empty
#     pattern with today's keys, typed for real and checked in the saved file.
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
keys=0
send() { T send-keys -t b -- "$@"; keys=$((keys + $#)); sleep 0.05; }
for i in $(seq 0 15); do
	send n
	for ((c = 0; c < ${#notes[i]}; c++)); do send "${notes[i]:c:1}"; done
	send Enter
	case $((i + 1)) in 1 | 5 | 9 | 13) send X ;; esac
	case $((i + 1)) in 4 | 12) send / ;; esac
	[ "$i" -lt 15 ] && send l
done
entered=$keys
send w
sleep 0.5
trigs=$(grep -oE '^ +steps [xX. -]+' "$tmp/bass.tsq" | tr -d ' ' | sed 's/^steps//')
accents=$(tr -cd 'X' <<<"$trigs" | wc -c)
notes_n=$(tr -cd 'xX' <<<"$trigs" | wc -c)
slides=$(grep -c ' slide' "$tmp/bass.tsq")
T send-keys -t b q
echo "editor (tmux, jackd dummy, 256-frame periods): CPU idle ${idle} of a core over 10 s," \
	"playing ${playing}; memory: $(awk -v k="$priv" 'BEGIN { printf "%.1f", k / 1024 }') MB" \
	"private ($((rss / 1024)) MB resident with JACK's shared segment)"
if [ "$notes_n" -eq 16 ] && [ "$accents" -eq 4 ] && [ "$slides" -eq 2 ]; then
	echo "editor: a 16-step bassline with 4 accents and 2 slides from an empty pattern:" \
		"$entered keystrokes (n NOTE Enter per step, X, /, l), checked in the saved file"
else
	echo "editor: the bassline did not come out right: $notes_n notes, $accents accents, $slides slides"
	exit 1
fi
