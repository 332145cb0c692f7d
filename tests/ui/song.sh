#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The editor with a song (`trigseq SONG.tss`) in a real terminal (tmux) on a private JACK dummy
# server: the list is the song's patterns, p plays the song (row and repeat shown), choosing a
# pattern edits it while the song plays on, G jumps to a row at the next row boundary, A edits
# the .tss in $EDITOR (a script here) and reloads it, a song with problems is shown and not
# taken, nothing is lost.
# usage: tests/ui/song.sh BUILD_DIR     (BUILD_DIR holds trigseq and rtcheck.so)
set -uo pipefail

build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sock=trigseq-song-$$
T() { tmux -L "$sock" "$@"; }
on_exit() { T kill-server 2>/dev/null; }
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" "ui song"
cd "$root" || exit

start_jackd
# shellcheck source=SCRIPTDIR/tmux.sh
. "$here/tmux.sh"

mkdir -p "$tmp/s"
cp patterns/virus-acid.tsq "$tmp/s/a.tsq"
cp patterns/rd8-map.tsq "$tmp/s/b.tsq"
cp patterns/rev2-chords.tsq "$tmp/s/c.tsq"
# row 1: 16 steps at 126 BPM (1.9 s); rows 2 and 3: 4 steps (0.48 s, 0.4 s)
cat >"$tmp/s/song.tss" <<'TSS'
trigseq-song 1
name "UI song"
tempo 126.0

row "a.tsq"
row "a.tsq" length 4 mute 1
row "b.tsq" length 4 tempo 150.0
loop 1 inf
TSS
# $EDITOR: appends a row (first call), then breaks the song (second), then mends it (third)
cat >"$tmp/ed.sh" <<'SH'
#!/bin/sh
n=$(cat "$0.count" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" >"$0.count"
case $n in
1) sed -i 's/^loop 1 inf$/row "c.tsq" length 4\nloop 1 inf/' "$1" ;;
2) sed -i 's/^row "c.tsq" length 4$/row "c.tsq" length 4 repeat 300/' "$1" ;;
3) sed -i 's/ repeat 300$//' "$1" ;;
esac
SH
chmod +x "$tmp/ed.sh"

# The row shown on row 14 over a second or so: the rows seen, in order, without repeats.
rows_seen() {
	local name=$1 last="" out=""
	for _ in $(seq "$2"); do
		r=$(screen "$name" | sed -n 's/.*song row \([0-9]*\)\/.*/\1/p' | head -1)
		if [ -n "$r" ] && [ "$r" != "$last" ]; then
			out="$out$r "
			last=$r
		fi
		sleep 0.05
	done
	echo "$out"
}

monitor mon_song || bad "monitor did not come up"
mon=$mon_pid
editor s EDITOR="$tmp/ed.sh" LD_PRELOAD="$build/rtcheck.so" "$TRIGSEQ" s/song.tss --name ts_uis \
	--connect midi_out=mon_song:input --connect clock_out=mon_song:input
expect_screen s "the editor opens the song's first pattern" 'a.tsq +STOP'
expect_screen s "row 14: the list is the song's 2 patterns, the song's 3 rows" '1/2 a.tsq +song 3 rows'
keys s p
expect_screen s "p plays the song: row, repeat and pattern on row 14" 'song row [1-3]/3 rep 1/1 [ab]\.tsq'
seen=$(rows_seen s 100)
echo "  (rows seen: $seen)"
case " $seen" in
*" 1 2 3 1 "* | *" 2 3 1 2 "* | *" 3 1 2 3 "*) ok "the rows play in order and loop: $seen" ;;
*) bad "rows seen: '$seen'" ;;
esac
keys s ')'
expect_screen s ") edits the next pattern while the song plays on" 'editing A02 b.tsq; the song plays on'
expect_screen s "the header shows the pattern edited" 'b.tsq +PLAY'
seen=$(rows_seen s 60)
[ "$(echo "$seen" | wc -w)" -ge 2 ] && ok "the song still moves from row to row: $seen" ||
	bad "the song stopped moving: '$seen'"

# G: a jump to row 3 from row 1 skips row 2
for _ in $(seq 150); do
	screen s | grep -q 'song row 1/3' && break
	sleep 0.02
done
T send-keys -t ui:s G
wait_screen s 'jump to song row' && ok "G asks for a row" || bad "G: no prompt"
T send-keys -t ui:s 3 Enter
seen=$(rows_seen s 50)
case "$seen" in
"1 3 "* | "3 "*) ok "after G 3 in row 1, row 3 comes next: $seen" ;;
*) bad "after G 3: rows seen '$seen'" ;;
esac

# A: $EDITOR adds a row; the song is reloaded, the new row plays from the next start
keys s A
expect_screen s "A reloads the song edited in \$EDITOR" 'song.tss reloaded: 4 rows \(from the next start: p\)'
grep -q '^row "c.tsq" length 4$' "$tmp/s/song.tss" && ok "the file has the new row" ||
	bad "the file: $(cat "$tmp/s/song.tss")"
expect_screen s "the list has the new pattern" '/3 [abc]\.tsq'
keys s p
keys s p
expect_screen s "played again: the song has 4 rows" 'song row [1-4]/4'

# A again: the script breaks the song; the problems are shown, Enter goes back, the song stays
keys s A
if wait_screen s 'repeat 300 out of range'; then
	ok "a song with problems: the problem is shown (file:line:col)"
else
	bad "no problem shown: $(screen s | tail -5)"
fi
expect_screen s "... and that the song playing stays" 'not reloaded'
keys s Enter
expect_screen s "Enter returns to the editor, which says so" 'has problems: not reloaded'
expect_screen s "the song loaded before still plays" 'song row [1-4]/4'
grep -q 'repeat 300' "$tmp/s/song.tss" && ok "nothing lost: the file keeps the text as edited" ||
	bad "the file lost the edit: $(cat "$tmp/s/song.tss")"
keys s A
expect_screen s "mended, it reloads" 'song.tss reloaded: 4 rows'

keys s p
keys s q
if wait_exit s && [ "$(cat "$tmp/s.exit")" = 0 ]; then
	ok "q quits, exit 0"
else
	bad "exit $(cat "$tmp/s.exit" 2>/dev/null): $(head -c 300 "$tmp/s.err")"
fi
rtok "the editor's process callback under rtcheck" "$tmp/s.err"
stop_pid "$mon"
grep -qE ': 9[0-9a-f] ' "$tmp/mon_song.txt" && ok "notes were sent" || bad "no notes in the capture"

# a song with a pattern file beside it: usage error
"$TRIGSEQ" "$tmp/s/song.tss" "$tmp/s/a.tsq" --no-jack </dev/null >/dev/null 2>"$tmp/alone.err"
rc=$?
[ "$rc" -eq 2 ] && grep -q 'a song plays alone' "$tmp/alone.err" && ok "a song plays alone: exit 2" ||
	bad "song and pattern: exit $rc: $(cat "$tmp/alone.err")"

summary
