#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `trigseq import-rytm` and `export-rytm` against dumps built by an independent generator from the
# layout facts of spec/rytm-semantics.md §7 (rytm_gen.py):
#  - a dump with every field and what trigseq cannot hold, in both layouts: the .tsq against the
#    description, and one warning per loss naming track and steps;
#  - COUNT random dumps trigseq can hold entirely, in both layouts: the .tsq against the
#    description; exporting it gives the generator's v5 bytes exactly; importing that export
#    gives the same .tsq;
#  - .tsq files: export, import, identical text (tests/rytm/*.tsq); the examples export, import,
#    export to the same bytes;
#  - damaged dumps (checksum, product ID, version, truncated, length field, dump type, stray
#    bytes): a message naming what was expected, exit 1, nothing written; realtime bytes skipped;
#  - a song dump with its patterns: the .tss (rows, chains as loops, repeats, mutes, name) and
#    A01.tsq ... beside it; a missing pattern, damaged songs: a message, nothing written;
#  - no overwrite without --force, --pattern, usage errors.
# usage: tests/rytm/run-all.sh path/to/trigseq [COUNT]
set -uo pipefail

TRIGSEQ=$(realpath "$1")
COUNT=${2:-40}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" rytm
cd "$root" || exit 1
gen() { python3 "$here/rytm_gen.py" "$@"; }

# import NAME DUMP OUT: import, stderr in $tmp/err; passes on exit 0.
import() { rm -f "$3"; "$TRIGSEQ" import-rytm "$2" -o "$3" >"$tmp/out" 2>"$tmp/err"; }
expect_err() {
	if grep -qF -- "$2" "$tmp/err"; then ok "$1"; else bad "$1: no '$2' in: $(head -c 400 "$tmp/err")"; fi
}

# ---- every field, and what trigseq cannot hold ----
gen rich >"$tmp/rich.json"
for layout in 5 4; do
	gen build "$tmp/rich.json" --layout $layout --number 37 -o "$tmp/rich$layout.syx"
	if import "rich v$layout" "$tmp/rich$layout.syx" "$tmp/rich$layout.tsq"; then
		check "rich v$layout: the .tsq matches the description" \
			gen check "$tmp/rich.json" "$tmp/rich$layout.tsq" --layout $layout
		expect_err "rich v$layout: kit" "the pattern's kit link (kit 6) is not kept"
		expect_err "rich v$layout: sound lock" "track 1 step 9: sound locks not kept"
		expect_err "rich v$layout: switch lock" "track 1 step 10: SYN/SMP/ENV/LFO trig switch locks not kept"
		expect_err "rich v$layout: velocity 0" "track 1 step 15: velocity 0 imported as 1"
		expect_err "rich v$layout: micro" "track 1 step 15: micro timing beyond -23 ... 23 clamped"
		expect_err "rich v$layout: condition" "track 1 step 15: condition code 65 ... 126"
		expect_err "rich v$layout: beyond length" "track 3: 1 trig beyond the track length 7 not kept"
		expect_err "rich v$layout: FX trigs" "FX track: 1 trig not kept"
		expect_err "rich v$layout: p-lock" "track 1 steps 1, 9: p-lock of filter freq (high resolution) not kept"
		expect_err "rich v$layout: p-lock 2" "track 3 step 3: p-lock of machine param 4 not kept"
		expect_err "rich v$layout: FX p-lock" "FX track step 1: p-lock of FX parameter 3 not kept"
		expect_err "rich v$layout: global quantize" "global quantize amount 9 not kept"
		expect_err "rich v$layout: track quantize" "track 2: track quantize amount 5 not kept"
		expect_err "rich v$layout: switches" "track 2: default TRIG page switches 0x1234 not kept"
		if [ $layout = 5 ]; then
			expect_err "rich v5: euclid mode bits" "track 4: euclid mode bits 6-2 (0x04) not kept"
			expect_err "rich v5: euclid pulses" "track 4: euclid PL1 70 out of 0 ... 64: 64"
			expect_err "rich v5: euclid rotation" "track 4: euclid RO1 130 out of 0 ... 126: 126 (+63)"
			expect_err "rich v5: euclid forced hit" "track 4 steps 1, 4, 5, 7, 10, 12: euclid hit trigs stored without ENABLE imported as x (export adds ENABLE)"
			expect_err "rich v5: pad scale" "track 2: pad scale 3 not kept"
			expect_err "rich v5: root" "track 2: pad root note 5 and row offset 2 not kept"
		fi
		if grep -q "^rich$layout.tsq\|pattern C06" "$tmp/out"; then ok "rich v$layout: pattern C06 named"; else bad "rich v$layout: $(cat "$tmp/out")"; fi
	else
		bad "rich v$layout: import failed: $(cat "$tmp/err")"
	fi
done

# A Rytm pattern whose tracks do not send MIDI (the Rytm's default) plays nothing: a note says so.
python3 - "$tmp/rich.json" "$tmp/silent.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d['tracks'][:12]:
    t['send_midi'] = False
json.dump(d, open(sys.argv[2], 'w'))
PY
gen build "$tmp/silent.json" --layout 5 -o "$tmp/silent.syx"
import silent "$tmp/silent.syx" "$tmp/silent.tsq"
expect_err "no track sends MIDI: a note" "no track with trigs has TRK SEND MIDI on"

# The note mapping end to end: a Rytm note byte is the MIDI note trigseq sends (48 -> 0x30; the
# track's default 62 -> 0x3E), on the track's channel.
python3 - "$tmp/notes.json" <<'PY'
import json, sys
tracks = [{} for _ in range(13)]
tracks[0] = dict(send_midi=True, def_note=62, trigs={'0': dict(note=48, vel=90), '4': dict()})
json.dump(dict(mode='normal', tempo_raw=1200 * 12, swing_raw=0, master_speed=2, master_len=16,
               master_chg=1, length=16, tracks=tracks), open(sys.argv[1], 'w'))
PY
gen build "$tmp/notes.json" --layout 5 -o "$tmp/notes.syx"
if import notes "$tmp/notes.syx" "$tmp/notes.tsq" &&
	"$TRIGSEQ" dump "$tmp/notes.tsq" --bars 1 | grep ' 9' >"$tmp/notes.dump" &&
	printf '0 midi_out 90 30 5A\n24000 midi_out 90 3E 64\n' | cmp -s - "$tmp/notes.dump"; then
	ok "note bytes 48 and 62 play as MIDI notes 48 (C3) and 62 (D4)"
else
	bad "note mapping: $(cat "$tmp/err" "$tmp/notes.dump" 2>/dev/null)"
fi

# ---- random dumps trigseq holds entirely ----
rt_ok=0
rt_bad=0
for seed in $(seq 1 "$COUNT"); do
	for layout in 5 4; do
		n=$(((seed * 13 + layout) % 128))
		gen random "$seed" --layout $layout >"$tmp/d.json"
		gen build "$tmp/d.json" --layout $layout --number $n -o "$tmp/d.syx"
		gen build "$tmp/d.json" --layout 5 --number $n -o "$tmp/d5.syx"
		why=""
		if ! import r "$tmp/d.syx" "$tmp/d.tsq"; then
			why="import: $(cat "$tmp/err")"
		elif [ -s "$tmp/err" ]; then
			why="warnings for a dump trigseq holds: $(head -3 "$tmp/err")"
		elif ! gen check "$tmp/d.json" "$tmp/d.tsq" --layout $layout >"$tmp/check"; then
			why="content: $(head -5 "$tmp/check")"
		elif ! { rm -f "$tmp/e.syx"; "$TRIGSEQ" export-rytm "$tmp/d.tsq" -o "$tmp/e.syx" \
			--pattern $n >/dev/null 2>"$tmp/err"; } || [ -s "$tmp/err" ]; then
			why="export: $(cat "$tmp/err")"
		elif ! cmp -s "$tmp/e.syx" "$tmp/d5.syx"; then
			why="export differs from the generator's v5 bytes: $(cmp "$tmp/e.syx" "$tmp/d5.syx")"
		elif ! import r2 "$tmp/e.syx" "$tmp/e.tsq" || ! cmp -s "$tmp/e.tsq" "$tmp/d.tsq"; then
			why="import of the export differs: $(diff "$tmp/d.tsq" "$tmp/e.tsq" | head -5)"
		fi
		if [ -z "$why" ]; then
			rt_ok=$((rt_ok + 1))
		else
			rt_bad=$((rt_bad + 1))
			bad "random seed $seed v$layout: $why"
		fi
	done
done
if [ "$rt_bad" = 0 ]; then
	ok "$rt_ok random dumps (v5 and v4): import matches, export is byte-identical, re-import identical"
fi

# ---- .tsq round trips ----
for f in tests/rytm/*.tsq; do
	rm -f "$tmp/t.syx"
	if "$TRIGSEQ" export-rytm "$f" -o "$tmp/t.syx" >/dev/null 2>"$tmp/err" && [ ! -s "$tmp/err" ] &&
		import t "$tmp/t.syx" "$tmp/t.tsq" && cmp -s "$f" "$tmp/t.tsq"; then
		ok "$f: export, import: identical text, no warnings"
	else
		bad "$f: $(cat "$tmp/err") $(diff "$f" "$tmp/t.tsq" | head -10)"
	fi
done
for f in patterns/*.tsq; do
	rm -f "$tmp/p1.syx" "$tmp/p2.syx"
	if "$TRIGSEQ" export-rytm "$f" -o "$tmp/p1.syx" >/dev/null 2>&1 &&
		import p "$tmp/p1.syx" "$tmp/p.tsq" &&
		"$TRIGSEQ" export-rytm "$tmp/p.tsq" -o "$tmp/p2.syx" >/dev/null 2>"$tmp/err" &&
		[ ! -s "$tmp/err" ] && cmp -s "$tmp/p1.syx" "$tmp/p2.syx"; then
		ok "$f: export, import, export: the same bytes, and nothing more lost"
	else
		bad "$f: $(cat "$tmp/err")"
	fi
done
"$TRIGSEQ" export-rytm patterns/rytm-drums.tsq -o "$tmp/drums.syx" >/dev/null 2>"$tmp/err"
expect_err "export warns: pattern name" 'pattern name "Rytm beat" not kept'
expect_err "export warns: cc lock" "track 11 step 9: cc locks not kept"
expect_err "export warns: base cc" "track 11: 1 base cc value not kept"
expect_err "export warns: mute" "track 12: mute not kept"
"$TRIGSEQ" export-rytm patterns/rev2-chords.tsq -o "$tmp/chords.syx" >/dev/null 2>"$tmp/err"
expect_err "export warns: chords" "chord reduced to its first note"

# ---- a song dump with its patterns (song-format.md §7) ----
cat >"$tmp/song.json" <<'JSON'
{"name": "Live set", "high": 0, "rows": [
 {"repeats": 2, "positions": [[0, [1, 3]]]},
 {"repeats": 3, "positions": [[1, []], [0, [12]]]},
 {"repeats": 1, "positions": [[18, []]]}]}
JSON
gen song "$tmp/song.json" --number 2 -o "$tmp/song.syx"
for k in 1 2 3; do gen random $((k + 200)) --layout 5 >"$tmp/sp$k.json"; done
gen build "$tmp/sp1.json" --layout 5 --number 0 -o "$tmp/sA01.syx"
gen build "$tmp/sp2.json" --layout 5 --number 1 -o "$tmp/sA02.syx"
gen build "$tmp/sp3.json" --layout 4 --number 18 -o "$tmp/sB03.syx"
cat "$tmp/song.syx" "$tmp/sA01.syx" "$tmp/sA02.syx" "$tmp/sB03.syx" >"$tmp/set.syx"
mkdir -p "$tmp/set"
if "$TRIGSEQ" import-rytm "$tmp/set.syx" -o "$tmp/set/live.tss" >"$tmp/out" 2>"$tmp/err"; then
	cat >"$tmp/want.tss" <<'TSS'
trigseq-song 1
# Analog Rytm song 3, imported: a Rytm row of m patterns repeated r times is m rows and a loop
name "Live set"

row "A01.tsq" repeat 2 mute 1,3
row "A02.tsq"
row "A01.tsq" mute 12
loop 2 2
row "B03.tsq"
TSS
	if cmp -s "$tmp/want.tss" "$tmp/set/live.tss"; then
		ok "song: rows, repeats, chains as loops, mutes, name"
	else
		bad "song .tss: $(diff "$tmp/want.tss" "$tmp/set/live.tss")"
	fi
	for k in 1 2 3; do
		f=$(echo "A01 A02 B03" | cut -d' ' -f$k)
		check "song: pattern $f matches its dump" gen check "$tmp/sp$k.json" "$tmp/set/$f.tsq" \
			--layout $([ $k = 3 ] && echo 4 || echo 5)
	done
	check "song: trigseq check accepts the song and its patterns" "$TRIGSEQ" check "$tmp/set/live.tss"
	grep -qF "3 Rytm rows, 3 patterns beside it" "$tmp/out" && ok "song: the summary line" ||
		bad "song summary: $(cat "$tmp/out")"
else
	bad "song import failed: $(cat "$tmp/err")"
fi
# again: every file exists, nothing replaced without --force
cp "$tmp/set/A01.tsq" "$tmp/a01.before"
echo "# edited" >>"$tmp/set/A01.tsq"
cp "$tmp/set/A01.tsq" "$tmp/a01.edited"
rm "$tmp/set/live.tss"
"$TRIGSEQ" import-rytm "$tmp/set.syx" -o "$tmp/set/live.tss" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && grep -qF "A01.tsq exists: not replaced (use --force); nothing written" "$tmp/err" &&
	[ ! -e "$tmp/set/live.tss" ] && cmp -s "$tmp/set/A01.tsq" "$tmp/a01.edited"; then
	ok "song: an existing pattern file is not replaced, nothing written"
else
	bad "song no-clobber: exit $rc $(cat "$tmp/err")"
fi
if "$TRIGSEQ" import-rytm "$tmp/set.syx" -o "$tmp/set/live.tss" --force >/dev/null 2>&1 &&
	cmp -s "$tmp/set/A01.tsq" "$tmp/a01.before" && [ -e "$tmp/set/A01.tsq~" ]; then
	ok "song: --force replaces, the old file kept as A01.tsq~"
else
	bad "song --force"
fi
# a pattern of the song missing from the file
cat "$tmp/song.syx" "$tmp/sA01.syx" "$tmp/sB03.syx" >"$tmp/missing.syx"
mkdir -p "$tmp/miss"
"$TRIGSEQ" import-rytm "$tmp/missing.syx" -o "$tmp/miss/s.tss" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc = 1 ] && grep -qF "the song plays pattern A02: no dump of pattern A02 in the file (it holds A01, B03); nothing written" "$tmp/err" &&
	[ -z "$(ls "$tmp/miss")" ]; then
	ok "song: a pattern missing from the file: exit 1, nothing written"
else
	bad "song missing pattern: exit $rc, $(cat "$tmp/err") $(ls "$tmp/miss")"
fi
usage "song: -o must be a .tss" "holds a song dump: the output is a song, -o NAME.tss" import-rytm "$tmp/set.syx" -o "$tmp/x.tsq"
usage "song: --pattern refused" "--pattern chooses a pattern dump" import-rytm "$tmp/set.syx" -o "$tmp/x.tss" --pattern A01
# damaged songs
song_bad() {
	local name=$1 msg=$2 json=$3
	echo "$json" >"$tmp/sb.json"
	gen song "$tmp/sb.json" -o "$tmp/sb.syx"
	cat "$tmp/sb.syx" "$tmp/sA01.syx" >"$tmp/sb-all.syx"
	rm -f "$tmp/sb.tss"
	"$TRIGSEQ" import-rytm "$tmp/sb-all.syx" -o "$tmp/sb.tss" >/dev/null 2>"$tmp/err"
	local rc=$?
	if [ $rc = 1 ] && grep -qF -- "$msg" "$tmp/err" && [ ! -e "$tmp/sb.tss" ]; then
		ok "song: $name: $(cat "$tmp/err")"
	else
		bad "song: $name: exit $rc, $(cat "$tmp/err")"
	fi
}
song_bad "no rows" "the song has no rows (row 1 holds no pattern); nothing written" '{"rows": []}'
song_bad "pattern byte" "song row 1 position 1: pattern byte 200 (expected 0 ... 127, A01 ... H16)" \
	'{"rows": [{"positions": [[200, []]]}]}'
song_bad "positions beyond 256" "song row 2: 255 pattern positions from position 201, beyond the song's 256" \
	"{\"rows\": [{\"positions\": $(python3 -c 'print([[0, []]] * 200)')}, {\"positions\": $(python3 -c 'print([[0, []]] * 255)')}]}"
echo '{"high": 5, "rows": [{"positions": [[0, [2]]]}]}' >"$tmp/hi.json"
gen song "$tmp/hi.json" -o "$tmp/hi.syx"
cat "$tmp/hi.syx" "$tmp/sA01.syx" >"$tmp/hi-all.syx"
mkdir -p "$tmp/hi"
"$TRIGSEQ" import-rytm "$tmp/hi-all.syx" -o "$tmp/hi/s.tss" >/dev/null 2>"$tmp/err"
[ $? = 0 ] && grep -qF "song: mute word bits 15-12 (0x5) not kept (their meaning is unknown)" "$tmp/err" &&
	grep -qx 'row "A01.tsq" mute 2' "$tmp/hi/s.tss" && ok "song: unknown mute bits warned, the mutes kept" ||
	bad "song high bits: $(cat "$tmp/err" "$tmp/hi/s.tss")"
cat "$tmp/song.syx" "$tmp/song.syx" "$tmp/sA01.syx" >"$tmp/two.syx"
"$TRIGSEQ" import-rytm "$tmp/two.syx" -o "$tmp/two.tss" >/dev/null 2>"$tmp/err"
[ $? = 1 ] && grep -qF "the file holds 2 song dumps: expected one (with its patterns)" "$tmp/err" &&
	ok "song: two song dumps refused" || bad "two songs: $(cat "$tmp/err")"

# ---- damaged dumps ----
gen random 99 >"$tmp/good.json"
gen build "$tmp/good.json" --layout 5 -o "$tmp/good.syx"
damaged() {
	local kind=$1 msg=$2
	gen corrupt "$tmp/good.syx" "$kind" -o "$tmp/bad-$kind.syx"
	rm -f "$tmp/bad.tsq"
	"$TRIGSEQ" import-rytm "$tmp/bad-$kind.syx" -o "$tmp/bad.tsq" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" = 1 ] && [ ! -e "$tmp/bad.tsq" ] && grep -qF -- "$msg" "$tmp/err" &&
		grep -qF "nothing written" "$tmp/err"; then
		ok "$kind: exit 1, nothing written: $(cat "$tmp/err")"
	else
		bad "$kind: exit $rc, $(ls "$tmp/bad.tsq" 2>/dev/null) stderr: $(cat "$tmp/err")"
	fi
}
damaged checksum "bad checksum: found 0x"
damaged product "product ID 0x06: expected 0x07 (Analog Rytm)"
damaged version "unknown pattern version 00 00 00 01: expected 00 00 00 05 (FW 1.70) or 00 00 00 03"
damaged truncate "truncated message"
damaged length "length field 14979: expected 14978"
damaged cutpayload "length field 14978: expected 14970"
damaged dumpid "dump ID 0x52 (kit): expected 0x54 or 0x5A (pattern)"
damaged trailing "byte 0x00 at offset 14988 after a message: expected another message (F0)"
damaged highbit "expected 7-bit data"
gen corrupt "$tmp/good.syx" realtime -o "$tmp/rt.syx"
import clean "$tmp/good.syx" "$tmp/clean.tsq"
if import rt "$tmp/rt.syx" "$tmp/rt.tsq" && cmp -s "$tmp/clean.tsq" "$tmp/rt.tsq"; then
	ok "realtime bytes F8 FA FE inside the dump are skipped"
else
	bad "realtime bytes: $(cat "$tmp/err")"
fi
gen corrupt "$tmp/good.syx" workbuffer -o "$tmp/wb.syx"
if import wb "$tmp/wb.syx" "$tmp/wb.tsq" && cmp -s "$tmp/clean.tsq" "$tmp/wb.tsq" &&
	grep -qF "device 9" "$tmp/out"; then
	ok "a work-buffer dump (0x5A) of device 9 imports the same"
else
	bad "work buffer: $(cat "$tmp/out" "$tmp/err")"
fi
printf 'not sysex' >"$tmp/text.syx"
import text "$tmp/text.syx" "$tmp/x.tsq"
expect_err "a text file" "not a SysEx message: first byte 0x6E, expected 0xF0"
import missing "$tmp/none.syx" "$tmp/x.tsq"
expect_err "a missing file" "No such file"

# ---- files of several dumps (a librarian's bank) ----
gen random 98 >"$tmp/other.json"
gen build "$tmp/good.json" --layout 5 --number 5 -o "$tmp/a06.syx"
gen build "$tmp/other.json" --layout 4 --number 17 -o "$tmp/b02.syx"
gen message 0x52 2998 -o "$tmp/kit.syx"
cat "$tmp/a06.syx" "$tmp/kit.syx" "$tmp/b02.syx" >"$tmp/bank.syx"
import bank "$tmp/bank.syx" "$tmp/bank.tsq"
expect_err "a bank without --pattern" "the file holds 2 pattern dumps (A06, B02): choose one with --pattern"
import single "$tmp/b02.syx" "$tmp/b02.tsq"
rm -f "$tmp/bank.tsq"
if "$TRIGSEQ" import-rytm "$tmp/bank.syx" -o "$tmp/bank.tsq" --pattern B02 >"$tmp/out" 2>"$tmp/err" &&
	cmp -s "$tmp/bank.tsq" "$tmp/b02.tsq"; then
	ok "a bank with --pattern B02: that pattern"
else
	bad "bank --pattern B02: $(cat "$tmp/err")"
fi
expect_err "bank: the kit is skipped" "1 kit dump in the file skipped (only patterns are imported)"
expect_err "bank: the other pattern" "1 other pattern dump in the file skipped (it holds A06, B02)"
rm -f "$tmp/bank.tsq"
"$TRIGSEQ" import-rytm "$tmp/bank.syx" -o "$tmp/bank.tsq" --pattern C01 >/dev/null 2>"$tmp/err"
expect_err "bank: a pattern it lacks" "no dump of pattern C01 in the file (it holds A06, B02)"
gen corrupt "$tmp/b02.syx" checksum -o "$tmp/b02bad.syx"
cat "$tmp/a06.syx" "$tmp/b02bad.syx" >"$tmp/bank2.syx"
"$TRIGSEQ" import-rytm "$tmp/bank2.syx" -o "$tmp/bank.tsq" --pattern A06 >/dev/null 2>"$tmp/err"
expect_err "bank: a damaged message refuses the file" "message 2 of 2: bad checksum"
cat "$tmp/kit.syx" "$tmp/kit.syx" >"$tmp/kits.syx"
import kits "$tmp/kits.syx" "$tmp/bank.tsq"
expect_err "bank: no pattern" "no pattern dump among the file's 2 messages"
if [ ! -e "$tmp/bank.tsq" ]; then ok "bank errors wrote nothing"; else bad "bank errors wrote a file"; fi

# ---- output files, options ----
echo "keep" >"$tmp/exists.tsq"
if ! "$TRIGSEQ" import-rytm "$tmp/good.syx" -o "$tmp/exists.tsq" >/dev/null 2>"$tmp/err" &&
	[ "$(cat "$tmp/exists.tsq")" = keep ] && grep -qF "exists: not replaced (use --force)" "$tmp/err"; then
	ok "import does not replace an existing file"
else
	bad "import replaced or said: $(cat "$tmp/err")"
fi
if "$TRIGSEQ" import-rytm "$tmp/good.syx" -o "$tmp/exists.tsq" --force >/dev/null 2>&1 &&
	cmp -s "$tmp/exists.tsq" "$tmp/clean.tsq" && [ "$(cat "$tmp/exists.tsq~")" = keep ]; then
	ok "import --force replaces it, keeping FILE~"
else
	bad "import --force"
fi
cp "$tmp/good.syx" "$tmp/exists.syx"
if ! "$TRIGSEQ" export-rytm tests/rytm/normal.tsq -o "$tmp/exists.syx" >/dev/null 2>&1 &&
	cmp -s "$tmp/good.syx" "$tmp/exists.syx" &&
	"$TRIGSEQ" export-rytm tests/rytm/normal.tsq -o "$tmp/exists.syx" -f >/dev/null 2>&1 &&
	! cmp -s "$tmp/good.syx" "$tmp/exists.syx"; then
	ok "export does not replace an existing file without --force"
else
	bad "export overwrite rules"
fi
for p in "A01 0" "B03 18" "H16 127" "100 100"; do
	read -r name want <<<"$p"
	set -- "$name" "$want"
	rm -f "$tmp/n.syx"
	"$TRIGSEQ" export-rytm tests/rytm/normal.tsq -o "$tmp/n.syx" --pattern "$1" >/dev/null 2>&1
	got=$(od -An -tu1 -j9 -N1 "$tmp/n.syx" 2>/dev/null | tr -d ' ')
	if [ "$got" = "$2" ]; then ok "--pattern $1 is object $2"; else bad "--pattern $1: object '$got'"; fi
done
usage() {
	local name=$1 msg=$2
	shift 2
	"$TRIGSEQ" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" = 2 ] && grep -qF -- "$msg" "$tmp/err"; then ok "$name"; else bad "$name: exit $rc, $(cat "$tmp/err")"; fi
}
usage "export --pattern I01" "expected A01 ... H16 or 0 ... 127, not I01" export-rytm tests/rytm/normal.tsq -o "$tmp/y.syx" --pattern I01
usage "export --pattern 128" "not 128" export-rytm tests/rytm/normal.tsq -o "$tmp/y.syx" --pattern 128
usage "import without -o" "no output file: -o OUT.tsq" import-rytm "$tmp/good.syx"
usage "export without -o" "no output file: -o DUMP.syx" export-rytm tests/rytm/normal.tsq
usage "import without input" "no input file given" import-rytm -o "$tmp/y.tsq"
usage "import unknown option" "unknown option --frob" import-rytm "$tmp/good.syx" -o "$tmp/y.tsq" --frob
usage "import two inputs" "one input file only" import-rytm a.syx b.syx -o "$tmp/y.tsq"
usage "import -o without value" "needs a value" import-rytm a.syx -o
for c in import-rytm export-rytm; do
	if "$TRIGSEQ" $c --help | grep -q "^usage: trigseq $c"; then ok "$c --help"; else bad "$c --help"; fi
done
bad_tsq=$(find tests/cli/bad -name '*.tsq' | sort | head -1)
"$TRIGSEQ" export-rytm "$bad_tsq" -o "$tmp/z.syx" >/dev/null 2>&1
if [ $? = 1 ] && [ ! -e "$tmp/z.syx" ]; then ok "export of an invalid pattern: exit 1, nothing written"; else bad "export of an invalid pattern"; fi

summary "($rt_ok random dumps round-tripped)"
