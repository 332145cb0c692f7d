#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test of songs: random songs (random_song.py: repeats, row lengths, tempo changes,
# mutes, nested and endless loops, `end`) over random patterns, played by `trigseq dump SONG.tss`
# and by the independent oracle, which must agree byte for byte.
# usage: tests/oracle/differential_song.sh path/to/trigseq FIRST_SEED COUNT
# (prints one line per difference; VERBOSE=1 shows the first lines of each diff)
set -uo pipefail
TRIGSEQ=$1
first=$2
count=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" "differential song"
for s in $(seq "$first" $((first + count - 1))); do
	d="$tmp/s$s"
	mkdir -p "$d"
	python3 "$here/random_song.py" "$s" "$d"
	if ! "$TRIGSEQ" fmt --write "$d"/*.tsq >/dev/null 2>"$tmp/err" ||
		! "$TRIGSEQ" check "$d/song.tss" 2>>"$tmp/err"; then
		bad "seed $s: the generator wrote an invalid song or pattern: $(head -3 "$tmp/err")"
		continue
	fi
	opts=(--seed "$s")
	[ $((s % 3)) = 0 ] && opts+=(--fill --clock --rate 44100)
	[ $((s % 5)) = 1 ] && opts+=(--bpm 97.3)
	[ $((s % 4)) = 2 ] && opts+=(--bars $((1 + s % 7)))
	"$TRIGSEQ" dump "$d/song.tss" "${opts[@]}" >"$tmp/e" 2>"$tmp/eerr"
	python3 "$here/oracle.py" "$d/song.tss" "${opts[@]}" >"$tmp/o" 2>"$tmp/oerr"
	if [ -s "$tmp/eerr" ]; then
		bad "seed $s: dump printed on stderr: $(head -2 "$tmp/eerr")"
	elif cmp -s "$tmp/e" "$tmp/o"; then
		ok
	else
		bad "seed $s: engine and oracle differ (random_song.py $s; ${opts[*]})"
		[ -n "${VERBOSE:-}" ] && diff "$tmp/e" "$tmp/o" | head -20
	fi
	rm -rf "$d"
done
summary
