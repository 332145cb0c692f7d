#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test: random valid patterns through `trigseq dump` and the independent oracle.
# usage: tests/oracle/differential.sh path/to/trigseq FIRST_SEED COUNT [--euclid]
# (prints one line per difference; --euclid: most tracks euclidean, random_pattern.py --euclid)
set -uo pipefail
TRIGSEQ=$1
first=$2
count=$3
gen=("${@:4}")
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" "differential${gen[*]:+ ${gen[*]}}"
for s in $(seq "$first" $((first + count - 1))); do
	python3 "$here/random_pattern.py" "${gen[@]}" "$s" >"$tmp/r.tsq"
	if ! "$TRIGSEQ" fmt "$tmp/r.tsq" >"$tmp/c.tsq" 2>"$tmp/err"; then
		bad "seed $s: the generator wrote an invalid pattern: $(head -1 "$tmp/err")"
		continue
	fi
	opts=(--bars 4 --seed "$s")
	[ $((s % 3)) = 0 ] && opts+=(--fill --clock --rate 44100)
	"$TRIGSEQ" dump "$tmp/c.tsq" "${opts[@]}" >"$tmp/e"
	python3 "$here/oracle.py" "$tmp/c.tsq" "${opts[@]}" >"$tmp/o" 2>"$tmp/oerr"
	if cmp -s "$tmp/e" "$tmp/o"; then
		ok
	else
		bad "seed $s: engine and oracle differ (python3 $here/random_pattern.py ${gen[*]} $s; ${opts[*]})"
		[ -n "${VERBOSE:-}" ] && diff "$tmp/e" "$tmp/o" | head -20
	fi
done
summary
