#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Differential test: random valid patterns through `trigseq dump` and the independent oracle.
# usage: tests/oracle/differential.sh path/to/trigseq FIRST_SEED COUNT   (prints one line per difference)
set -uo pipefail
TRIGSEQ=$1
first=$2
count=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for s in $(seq "$first" $((first + count - 1))); do
	python3 "$here/random_pattern.py" "$s" >"$tmp/r.tsq"
	if ! "$TRIGSEQ" fmt "$tmp/r.tsq" >"$tmp/c.tsq" 2>"$tmp/err"; then
		echo "FAIL: seed $s: the generator wrote an invalid pattern: $(head -1 "$tmp/err")"
		fail=$((fail + 1))
		continue
	fi
	opts=(--bars 4 --seed "$s")
	[ $((s % 3)) = 0 ] && opts+=(--fill --clock --rate 44100)
	"$TRIGSEQ" dump "$tmp/c.tsq" "${opts[@]}" >"$tmp/e"
	python3 "$here/oracle.py" "$tmp/c.tsq" "${opts[@]}" >"$tmp/o" 2>"$tmp/oerr"
	if cmp -s "$tmp/e" "$tmp/o"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: seed $s: engine and oracle differ (python3 $here/random_pattern.py $s; ${opts[*]})"
		[ -n "${VERBOSE:-}" ] && diff "$tmp/e" "$tmp/o" | head -20
	fi
done
echo "differential: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
