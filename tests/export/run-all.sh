#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `trigseq export`: Standard MIDI Files read back by two independent readers (mido from
# python3-mido, midicsv) and compared with `trigseq dump`; bad usage and unwritable outputs.
# usage: tests/export/run-all.sh BUILD_DIR
set -uo pipefail
build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" export
cd "$root" || exit
# mido is Debian's python3-mido, for the system's Python
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# export_ok NAME BARS [OPTIONS] -- FILE...: export, then check the file against the dump
export_ok() {
	local name=$1 bars=$2
	shift 2
	local opts=() files=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	files=("$@")
	if ! "$TRIGSEQ" export "${files[@]}" -o "$tmp/$name.mid" --bars "$bars" "${opts[@]}" \
		>"$tmp/$name.out" 2>&1; then
		bad "$name: export failed: $(cat "$tmp/$name.out")"
		return
	fi
	check "$name" "$PY" "$here/check_smf.py" "$TRIGSEQ" "$tmp/$name.mid" "$bars" "${opts[@]}" \
		-- "${files[@]}"
}

for f in patterns/*.tsq; do
	export_ok "$(basename "$f" .tsq)" 4 -- "$f"
done
export_ok "acid-bpm-seed-fill" 8 --bpm 97.5 --seed 7 --fill -- patterns/virus-acid.tsq
export_ok "chain" 6 -- patterns/virus-acid.tsq patterns/rd8-map.tsq
export_ok "retrigs-and-conditions" 16 --seed 3 -- tests/jack/ports.tsq
# voice events (on channel 0 in the dump's bytes, as track 1's MIDI) must not be in the file
export_ok "voices" 4 --seed 5 -- tests/cli/voices.tsq

# a second reader: midicsv parses the whole file and finds every note of the dump
"$TRIGSEQ" export patterns/rytm-drums.tsq -o "$tmp/csv.mid" --bars 4 >/dev/null
if midicsv "$tmp/csv.mid" >"$tmp/csv.txt" 2>"$tmp/csv.err"; then
	n_csv=$(grep -c ', Note_on_c, ' "$tmp/csv.txt")
	n_dump=$("$TRIGSEQ" dump patterns/rytm-drums.tsq --bars 4 | awk '$3 ~ /^9/' | wc -l)
	[ "$n_csv" -eq "$n_dump" ] && [ "$n_csv" -gt 0 ] &&
		ok "midicsv reads it: $n_csv note-ons, as in the dump; header $(grep -m1 Header "$tmp/csv.txt")" ||
		bad "midicsv: $n_csv note-ons, the dump has $n_dump"
else
	bad "midicsv could not read the file: $(cat "$tmp/csv.err")"
fi

# bad usage and failures: a clear message, the right status, nothing half written
"$TRIGSEQ" export patterns/virus-acid.tsq >"$tmp/u.out" 2>&1
[ $? -eq 2 ] && grep -q 'no output file: -o OUT.mid' "$tmp/u.out" &&
	ok "no -o: exit 2, said" || bad "no -o: $(cat "$tmp/u.out")"
"$TRIGSEQ" export -o "$tmp/x.mid" >"$tmp/u.out" 2>&1
[ $? -eq 2 ] && grep -q 'no pattern file given' "$tmp/u.out" && ok "no file: exit 2" ||
	bad "no file: $(cat "$tmp/u.out")"
"$TRIGSEQ" export patterns/virus-acid.tsq -o "$tmp/x.mid" --bars 0 >"$tmp/u.out" 2>&1
[ $? -eq 2 ] && grep -q "\-\-bars '0'" "$tmp/u.out" && ok "--bars 0: exit 2" ||
	bad "--bars 0: $(cat "$tmp/u.out")"
"$TRIGSEQ" export tests/cli/bad/cond-9-8.tsq -o "$tmp/bad.mid" >"$tmp/u.out" 2>&1
[ $? -eq 1 ] && grep -q 'cond-9-8.tsq:4:' "$tmp/u.out" && [ ! -e "$tmp/bad.mid" ] &&
	ok "an invalid pattern: exit 1, file:line:col, no file written" || bad "invalid: $(cat "$tmp/u.out")"
"$TRIGSEQ" export patterns/virus-acid.tsq -o "$tmp/none/x.mid" >"$tmp/u.out" 2>&1
[ $? -eq 1 ] && grep -q 'none/x.mid not written: No such file or directory' "$tmp/u.out" &&
	ok "an output in a folder that does not exist: exit 1, said" || bad "no folder: $(cat "$tmp/u.out")"
mkdir "$tmp/adir"
"$TRIGSEQ" export patterns/virus-acid.tsq -o "$tmp/adir" >"$tmp/u.out" 2>&1
[ $? -eq 1 ] && grep -q 'adir not written: Is a directory' "$tmp/u.out" && [ -d "$tmp/adir" ] &&
	ok "an output that is a folder: exit 1, said, the folder left alone" ||
	bad "a folder: $(cat "$tmp/u.out")"
if [ "$(id -u)" -ne 0 ]; then
	# (root writes into a read-only folder anyway)
	mkdir "$tmp/ro"
	printf 'keep me\n' >"$tmp/ro/kept.mid"
	chmod 0555 "$tmp/ro"
	"$TRIGSEQ" export patterns/virus-acid.tsq -o "$tmp/ro/kept.mid" >"$tmp/u.out" 2>&1
	rc=$?
	chmod 0755 "$tmp/ro"
	[ $rc -eq 1 ] && [ "$(cat "$tmp/ro/kept.mid")" = "keep me" ] &&
		ok "an output that cannot be replaced: exit 1, the old file untouched" ||
		bad "read-only folder: rc $rc, $(cat "$tmp/u.out")"
fi

summary
