#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every example pattern and song (and the voices test pattern) through `trigseq dump` and the independent
# oracle, with several options.
# usage: tests/oracle/examples.sh path/to/trigseq
set -uo pipefail
TRIGSEQ=$1
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" "oracle examples"
cd "$here/../.." || exit
for f in patterns/*.tsq patterns/*.tss tests/cli/voices.tsq; do
	for opts in "" "--bars 8 --seed 7 --fill --clock" "--rate 44100 --bpm 123.7 --bars 3 --seed 99"; do
		# shellcheck disable=SC2086
		"$TRIGSEQ" dump "$f" $opts >"$tmp/e"
		# shellcheck disable=SC2086
		python3 "$here/oracle.py" "$f" $opts >"$tmp/o"
		if cmp -s "$tmp/e" "$tmp/o"; then
			ok
		else
			bad "$f $opts: engine and oracle differ"
			diff "$tmp/e" "$tmp/o" | head -10
		fi
	done
done
summary
