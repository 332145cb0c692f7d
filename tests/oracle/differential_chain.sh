#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test of chains: 2 or 3 random patterns (random_pattern.py --chain, with `change`
# values that put change points mid-pattern) played as a chain by `trigseq dump A B [C]` and by
# the independent oracle.
# usage: tests/oracle/differential_chain.sh path/to/trigseq FIRST_SEED COUNT
# (prints one line per difference; VERBOSE=1 shows the first lines of each diff)
set -uo pipefail
TRIGSEQ=$1
first=$2
count=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" "differential chain"
for s in $(seq "$first" $((first + count - 1))); do
	n=$((2 + s % 2))
	files=()
	gens=()
	invalid=
	for i in $(seq 1 "$n"); do
		ps=$((s * 3 + i - 1))
		python3 "$here/random_pattern.py" --chain "$ps" >"$tmp/r$i.tsq"
		if ! "$TRIGSEQ" fmt "$tmp/r$i.tsq" >"$tmp/c$i.tsq" 2>"$tmp/err"; then
			printf 'FAIL: seed %s: the generator wrote an invalid pattern (%s): %s\n' "$s" "$ps" "$(head -1 "$tmp/err")"
			invalid=1
		fi
		files+=("$tmp/c$i.tsq")
		gens+=("random_pattern.py --chain $ps")
	done
	if [ -n "$invalid" ]; then
		fail=$((fail + 1))
		continue
	fi
	opts=(--bars 8 --seed "$s")
	[ $((s % 3)) = 0 ] && opts+=(--fill --clock --rate 44100)
	[ $((s % 5)) = 1 ] && opts+=(--bpm 97.3)
	"$TRIGSEQ" dump "${files[@]}" "${opts[@]}" >"$tmp/e" 2>/dev/null
	python3 "$here/oracle.py" "${files[@]}" "${opts[@]}" >"$tmp/o" 2>"$tmp/oerr"
	if cmp -s "$tmp/e" "$tmp/o"; then
		ok
	else
		bad "seed $s: engine and oracle differ (${gens[*]}; ${opts[*]})"
		[ -n "${VERBOSE:-}" ] && diff "$tmp/e" "$tmp/o" | head -20
	fi
done
summary
