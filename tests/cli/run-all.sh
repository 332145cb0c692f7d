#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# End-to-end tests of the `trigseq` command line: usage, check, fmt, dump.
# usage: tests/cli/run-all.sh path/to/trigseq        (REGEN=1 rewrites the golden files)
set -uo pipefail

TRIGSEQ=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# (its checks pass silently: a bare `ok`)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" cli
cd "$root" || exit

# run NAME EXPECTED_RC CMD...: run, keep stdout/stderr in $tmp/out, $tmp/err, check the exit code.
run() {
	local name=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "$name: exit $rc, expected $want (stderr: $(head -c 300 "$tmp/err"))"
		return 1
	fi
	return 0
}

# expect_file NAME ACTUAL GOLDEN: ACTUAL must equal GOLDEN (REGEN=1 writes it instead).
expect_file() {
	local name=$1 actual=$2 golden=$3
	if [ "${REGEN:-0}" = 1 ]; then
		cp "$actual" "$golden"
		ok
	elif diff -u "$golden" "$actual" >"$tmp/diff"; then
		ok
	else
		bad "$name: differs from $golden"
		head -20 "$tmp/diff"
	fi
}

expect_grep() {
	local name=$1 pattern=$2 file=$3
	if grep -qE -- "$pattern" "$file"; then ok; else bad "$name: no /$pattern/ in $(head -c 300 "$file")"; fi
}

expect_empty() {
	local name=$1 file=$2
	if [ ! -s "$file" ]; then ok; else bad "$name: expected no output, got $(head -c 300 "$file")"; fi
}

# ---- usage ----
run "no arguments" 2 "$TRIGSEQ" && expect_grep "no arguments" '^usage: trigseq' "$tmp/err"
run "--help" 0 "$TRIGSEQ" --help && expect_grep "--help" 'dump FILE' "$tmp/out"
run "--version" 0 "$TRIGSEQ" --version && expect_grep "--version" '^trigseq [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out"
run "unknown command" 2 "$TRIGSEQ" play-it && expect_grep "unknown command" "unknown command 'play-it'" "$tmp/err"
run "unknown global option" 2 "$TRIGSEQ" --frobnicate && expect_grep "unknown option" "unknown option '--frobnicate'" "$tmp/err"
# Ableton Link's options, refused while the options are read: no Link instance is ever made
# here (everything that enables Link runs inside ../shared/tools/netns-run: tests/link/)
run "--quantum without link" 2 "$TRIGSEQ" play patterns/rd8-map.tsq --quantum 3 &&
	expect_grep "--quantum without link" "go with --sync link" "$tmp/err"
run "--quantum 0" 2 "$TRIGSEQ" play patterns/rd8-map.tsq --sync link --quantum 0 &&
	expect_grep "--quantum 0" "--quantum '0': expected beats 1 ... 64" "$tmp/err"
run "--no-start without start/stop sync" 2 "$TRIGSEQ" play patterns/rd8-map.tsq --sync link \
	--no-start --no-link-start-stop && expect_grep "--no-start link" "needs start/stop sync" "$tmp/err"
run "--sync bogus" 2 "$TRIGSEQ" play patterns/rd8-map.tsq --sync bogus &&
	expect_grep "--sync bogus" "expected int, midi, jack or link" "$tmp/err"
for c in check fmt dump; do
	run "$c --help" 0 "$TRIGSEQ" "$c" --help && expect_grep "$c --help" "^usage: trigseq $c" "$tmp/out"
	run "$c without file" 2 "$TRIGSEQ" "$c" && expect_grep "$c without file" "Try 'trigseq $c --help'" "$tmp/err"
done
ex=patterns/virus-acid.tsq
run "dump --bars 0" 2 "$TRIGSEQ" dump $ex --bars 0 && expect_grep "bars 0" "--bars '0'" "$tmp/err"
run "dump --bars x" 2 "$TRIGSEQ" dump $ex --bars x
run "dump --bpm 301" 2 "$TRIGSEQ" dump $ex --bpm 301 && expect_grep "bpm 301" "30.0 ... 300.0" "$tmp/err"
run "dump --bpm 120.55" 2 "$TRIGSEQ" dump $ex --bpm 120.55
run "dump --rate 10" 2 "$TRIGSEQ" dump $ex --rate 10
run "dump --seed -1" 2 "$TRIGSEQ" dump $ex --seed -1
run "dump --bars missing value" 2 "$TRIGSEQ" dump $ex --bars
run "dump --fill=1" 2 "$TRIGSEQ" dump $ex --fill=1 && expect_grep "fill=1" "takes no value" "$tmp/err"
# Two files are a chain: virus-acid (16 steps at 126 BPM: 91429 frames), then rd8-map, looping.
if run "dump chain" 0 "$TRIGSEQ" dump patterns/virus-acid.tsq patterns/rd8-map.tsq --bars 6; then
	expect_grep "dump chain: tempo note" "rd8-map.tsq's tempo 112.0 is not used" "$tmp/err"
	# channel 1 (the Virus) only in even 16-step segments (91428.57 frames each), channel 10
	# (the RD-8) only in odd ones
	if awk '$3 ~ /^9/ && $5 != "00" {
		seg = int(($1 + 0.5) / (16 * 48000 * 60 / (126 * 4))) % 2
		if ($3 == "90" && seg == 1) bad++
		if ($3 == "99" && seg == 0) bad++
		if ($3 == "90") v++; if ($3 == "99") d++
	} END { exit !(bad == 0 && v > 10 && d > 10) }' "$tmp/out"; then ok; else bad "dump chain: notes outside their pattern's span"; fi
	expect_file "dump chain golden" "$tmp/out" tests/golden/chain-acid-rd8.dump
fi
printf 'trigseq 1\ntrack 1\n  chanel 3\n' >"$tmp/typo.tsq"
run "dump chain, bad second file" 1 "$TRIGSEQ" dump $ex "$tmp/typo.tsq" &&
	expect_grep "dump chain bad file" "typo.tsq:3:3: unknown key 'chanel'" "$tmp/err"
run "dump unknown option" 2 "$TRIGSEQ" dump $ex --loud && expect_grep "unknown option" "unknown option '--loud'" "$tmp/err"
run "fmt --write --check" 2 "$TRIGSEQ" fmt --write --check $ex

# ---- check: the examples are valid, every bad file gives exactly its expected messages ----
run "check examples" 0 "$TRIGSEQ" check patterns/*.tsq && expect_empty "check examples stdout" "$tmp/out" &&
	expect_empty "check examples stderr" "$tmp/err"
for f in tests/cli/bad/*.tsq; do
	name=$(basename "$f" .tsq)
	run "check bad/$name" 1 "$TRIGSEQ" check "$f" && expect_file "check bad/$name" "$tmp/err" "${f%.tsq}.err"
done
run "check one bad among good" 1 "$TRIGSEQ" check patterns/rd8-map.tsq tests/cli/bad/micro-range.tsq patterns/virus-acid.tsq
expect_grep "only the bad file is named" '^tests/cli/bad/micro-range.tsq:' "$tmp/err"
run "check missing file" 1 "$TRIGSEQ" check "$tmp/nope.tsq" && expect_grep "missing file" "nope.tsq: .*No such file" "$tmp/err"
run "check a directory" 1 "$TRIGSEQ" check patterns && expect_grep "directory" "patterns: " "$tmp/err"

# ---- songs (.tss): every bad song gives exactly its expected messages, exit 1, and nothing is
# played or written by dump, render, export or fmt --write (song-format.md §4) ----
for f in tests/cli/bad-song/*.tss; do
	name=$(basename "$f" .tss)
	run "check bad song $name" 1 "$TRIGSEQ" check "$f" &&
		expect_file "check bad song $name" "$tmp/err" "${f%.tss}.err"
	run "dump bad song $name" 1 "$TRIGSEQ" dump "$f" && expect_empty "dump bad song $name: no events" "$tmp/out"
	rm -f "$tmp/bs.wav" "$tmp/bs.mid"
	"$TRIGSEQ" render "$f" -o "$tmp/bs.wav" >/dev/null 2>&1
	rc=$?
	"$TRIGSEQ" export "$f" -o "$tmp/bs.mid" >/dev/null 2>&1
	rc2=$?
	if [ $rc = 1 ] && [ $rc2 = 1 ] && [ ! -e "$tmp/bs.wav" ] && [ ! -e "$tmp/bs.mid" ]; then
		ok "render and export of bad song $name: exit 1, nothing written"
	else
		bad "render/export of bad song $name wrote something or did not fail"
	fi
done
# fmt --write of a song whose text is wrong leaves it as it is
cp tests/cli/bad-song/repeat-range.tss "$tmp/rr.tss"
run "fmt --write bad song" 1 "$TRIGSEQ" fmt --write "$tmp/rr.tss"
cmp -s "$tmp/rr.tss" tests/cli/bad-song/repeat-range.tss && [ ! -e "$tmp/rr.tss~" ] && ok ||
	bad "fmt --write changed an invalid song"
# limits, made here: 257 rows, 129 pattern files, 14 port names, a 10 MB song file
mkdir -p "$tmp/lim"
cp patterns/rd8-map.tsq "$tmp/lim/p.tsq"
{ echo 'trigseq-song 1'; for _ in $(seq 257); do echo 'row "p.tsq"'; done; } >"$tmp/lim/rows.tss"
run "song of 257 rows" 1 "$TRIGSEQ" check "$tmp/lim/rows.tss" &&
	expect_grep "257 rows" '^.*rows\.tss: more than 256 rows$' "$tmp/err"
{ echo 'trigseq-song 1'; for k in $(seq 129); do
	cp patterns/rd8-map.tsq "$tmp/lim/f$k.tsq"
	echo "row \"f$k.tsq\""
done; } >"$tmp/lim/files.tss"
run "song of 129 pattern files" 1 "$TRIGSEQ" check "$tmp/lim/files.tss" &&
	expect_grep "129 files" 'files\.tss: more than 128 pattern files$' "$tmp/err"
{ echo 'trigseq-song 1'; for k in $(seq 14); do
	printf 'trigseq 1\ntrack 1\n  channel 1\n  note C4\n  port p%d\n  steps x... .... .... ....\n' "$k" >"$tmp/lim/port$k.tsq"
	echo "row \"port$k.tsq\""
done; } >"$tmp/lim/ports.tss"
run "song of 14 port names" 1 "$TRIGSEQ" check "$tmp/lim/ports.tss" &&
	expect_grep "14 ports" "ports\.tss: the song's tracks use more than 13 output port names" "$tmp/err"
{ printf 'trigseq-song 1\nrow "p.tsq"\n'; head -c 10485760 /dev/zero | tr '\0' '#'; } >"$tmp/lim/big.tss"
run "a 10 MB song file" 1 "$TRIGSEQ" check "$tmp/lim/big.tss" &&
	expect_grep "10 MB" 'big\.tss: .*over the limit' "$tmp/err"
run "dump a 10 MB song file" 1 "$TRIGSEQ" dump "$tmp/lim/big.tss" && expect_empty "10 MB song: no events" "$tmp/out"
run "a song plays alone" 2 "$TRIGSEQ" dump tests/cli/bad-song/sub/ok-song.tss patterns/rd8-map.tsq &&
	expect_grep "alone" 'a song plays alone' "$tmp/err"
run "check a good song" 0 "$TRIGSEQ" check tests/cli/bad-song/sub/ok-song.tss && expect_empty "good song: silent" "$tmp/err"

# ---- check never crashes: garbage, NUL bytes, a huge file, an endless line ----
head -c 65536 /dev/urandom >"$tmp/garbage.tsq"
run "check binary garbage" 1 "$TRIGSEQ" check "$tmp/garbage.tsq"
printf 'trigseq 1\ntempo 12\0000.0\n' >"$tmp/nul.tsq"
run "check NUL byte" 1 "$TRIGSEQ" check "$tmp/nul.tsq" && expect_grep "NUL" 'nul.tsq:2:[0-9]+: .*NUL' "$tmp/err"
truncate -s 100M "$tmp/huge.tsq"
run "check 100 MB file" 1 "$TRIGSEQ" check "$tmp/huge.tsq" && expect_grep "huge" 'huge.tsq: .*over the limit' "$tmp/err"
{ printf 'trigseq 1\nname "'; head -c 20000 /dev/zero | tr '\0' a; } >"$tmp/endless.tsq"
run "check endless line" 1 "$TRIGSEQ" check "$tmp/endless.tsq" && expect_grep "endless" 'endless.tsq:2:[0-9]+: .*long' "$tmp/err"
printf 'trigseq 1\nname "\xff\xfe"\n' >"$tmp/utf8.tsq"
run "check invalid UTF-8" 1 "$TRIGSEQ" check "$tmp/utf8.tsq" && expect_grep "utf8" 'utf8.tsq:2:7: .*UTF-8' "$tmp/err"
printf 'trigseq 1\r\ntempo 99.5\r\n' >"$tmp/crlf.tsq"
run "check CRLF file" 0 "$TRIGSEQ" check "$tmp/crlf.tsq"

# ---- fmt: examples are canonical; a messy file becomes canonical, atomically, keeping FILE~ ----
run "fmt --check examples" 0 "$TRIGSEQ" fmt --check patterns/*.tsq && expect_empty "fmt --check examples" "$tmp/out"
for f in patterns/*.tsq; do
	run "fmt $f" 0 "$TRIGSEQ" fmt "$f" && expect_file "fmt $f is canonical" "$tmp/out" "$f"
done
cp tests/cli/messy.tsq "$tmp/messy.tsq"
chmod 640 "$tmp/messy.tsq"
run "fmt --check messy" 1 "$TRIGSEQ" fmt --check "$tmp/messy.tsq" &&
	expect_grep "fmt --check names it" 'messy.tsq: not in canonical form' "$tmp/out"
run "fmt messy" 0 "$TRIGSEQ" fmt "$tmp/messy.tsq" && expect_file "fmt messy" "$tmp/out" tests/cli/messy.canonical
run "fmt --write messy" 0 "$TRIGSEQ" fmt --write "$tmp/messy.tsq"
expect_file "fmt --write result" "$tmp/messy.tsq" tests/cli/messy.canonical
cmp -s "$tmp/messy.tsq~" tests/cli/messy.tsq && ok || bad "fmt --write keeps the old version as FILE~"
[ "$(stat -c %a "$tmp/messy.tsq")" = 640 ] && ok || bad "fmt --write keeps the file mode"
if (shopt -s dotglob nullglob && left=("$tmp"/*.tmp.*) && [ ${#left[@]} -gt 0 ]); then
	bad "fmt --write left a temporary file"
else
	ok
fi
cp "$tmp/messy.tsq~" "$tmp/keep"
run "fmt --write canonical again" 0 "$TRIGSEQ" fmt --write "$tmp/messy.tsq"
cmp -s "$tmp/messy.tsq~" "$tmp/keep" && ok || bad "fmt --write of a canonical file touched the backup"
cp tests/cli/bad/micro-range.tsq "$tmp/broken.tsq"
run "fmt --write invalid" 1 "$TRIGSEQ" fmt --write "$tmp/broken.tsq"
cmp -s "$tmp/broken.tsq" tests/cli/bad/micro-range.tsq && ok || bad "fmt --write changed an invalid file"
[ ! -e "$tmp/broken.tsq~" ] && ok || bad "fmt --write of an invalid file made a backup"
mkdir "$tmp/ro" && cp patterns/rd8-map.tsq "$tmp/ro/x.tsq" && sed -i 's/^tempo 112.0$/tempo 112/' "$tmp/ro/x.tsq"
if [ "$(id -u)" -ne 0 ]; then
	chmod 555 "$tmp/ro"
	run "fmt --write read-only folder" 1 "$TRIGSEQ" fmt --write "$tmp/ro/x.tsq" &&
		expect_grep "read-only" 'cannot write' "$tmp/err"
	chmod 755 "$tmp/ro"
fi

# ---- dump: golden outputs of every example, determinism, options ----
for f in patterns/*.tsq; do
	name=$(basename "$f" .tsq)
	run "dump $name" 0 "$TRIGSEQ" dump "$f" && expect_file "dump $name" "$tmp/out" "tests/golden/$name.dump"
done
run "dump acid 44.1k 123.7 clock" 0 "$TRIGSEQ" dump patterns/virus-acid.tsq --bars 2 --rate 44100 --bpm 123.7 --clock &&
	expect_file "dump acid 44.1k clock" "$tmp/out" tests/golden/virus-acid-44k-clock.dump
run "dump rytm seed fill" 0 "$TRIGSEQ" dump patterns/rytm-drums.tsq --bars 8 --seed 7 --fill &&
	expect_file "dump rytm seed 7 fill" "$tmp/out" tests/golden/rytm-drums-seed7-fill.dump
run "dump poly 8 bars" 0 "$TRIGSEQ" dump patterns/poly-advanced.tsq --bars 8 &&
	expect_file "dump poly 8 bars" "$tmp/out" tests/golden/poly-advanced-8bars.dump
# Internal voices: every dest, with and without a sample; voice events as `voice 90 NN VV`.
run "check voices" 0 "$TRIGSEQ" check tests/cli/voices.tsq && expect_empty "check voices" "$tmp/out"
run "fmt --check voices" 0 "$TRIGSEQ" fmt --check tests/cli/voices.tsq
if run "dump voices" 0 "$TRIGSEQ" dump tests/cli/voices.tsq --bars 4 --seed 5; then
	expect_file "dump voices" "$tmp/out" tests/golden/voices.dump
	# voice events are note-ons of the voice, with no note-offs; the dest int tracks send no
	# MIDI (track 1 on channel 1: its program, base cc and lock; track 5 on channel 5)
	[ "$(awk '$2 == "voice" && $3 != "90"' "$tmp/out" | wc -l)" = 0 ] && ok || bad "voice events are 90 NN VV"
	expect_grep "dump voices: voice events" '^0 voice 90 3C 7F$' "$tmp/out"
	awk '$2 != "voice" && ($3 ~ /^.0$/ || $3 ~ /^.4$/)' "$tmp/out" >"$tmp/int"
	expect_empty "dump voices: no MIDI from dest int tracks" "$tmp/int"
fi
# --click: a click on every quarter note (125 BPM: 23040 frames), accented every 16 steps; the
# rest of the dump unchanged
if run "dump --click" 0 "$TRIGSEQ" dump tests/cli/voices.tsq --bars 4 --seed 5 --click; then
	awk '$2 == "click" { printf "%s %s %s %s\n", $1 / 23040, $3, $4, $5 }' "$tmp/out" | tr '\n' ' ' >"$tmp/clicks"
	[ "$(cat "$tmp/clicks")" = "$(for k in $(seq 0 15); do printf '%d 90 %s 7F ' "$k" "$([ $((k % 4)) -eq 0 ] && echo 01 || echo 00)"; done)" ] &&
		ok || bad "dump --click: $(cat "$tmp/clicks")"
	grep -v ' click ' "$tmp/out" | cmp -s - tests/golden/voices.dump && ok ||
		bad "dump --click changed the other events"
fi
"$TRIGSEQ" dump patterns/rytm-drums.tsq --bars 16 --seed 3 >"$tmp/a" && "$TRIGSEQ" dump patterns/rytm-drums.tsq --bars 16 --seed 3 >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" && ok || bad "dump is deterministic for a seed"
"$TRIGSEQ" dump patterns/rytm-drums.tsq --bars 16 --seed 4 >"$tmp/c"
cmp -s "$tmp/a" "$tmp/c" && bad "different seeds give the same random choices" || ok
"$TRIGSEQ" dump patterns/rytm-drums.tsq --bars 16 --seed 3 --clock | grep -v clock_out >"$tmp/d"
cmp -s "$tmp/a" "$tmp/d" && ok || bad "--clock adds clock lines and changes nothing else"
sort -s -n -k1,1 "$tmp/a" | cmp -s - "$tmp/a" && ok || bad "dump lines are sorted by frame"
# Clock: FA at 0, then F8 every rate*60/(T*24) frames: at 120 BPM and 48 kHz, 1000 frames.
"$TRIGSEQ" dump patterns/virus-acid.tsq --bars 1 --bpm 120 --clock | grep clock_out >"$tmp/clk"
[ "$(head -2 "$tmp/clk" | tr '\n' ' ')" = "0 clock_out FA 0 clock_out F8 " ] && ok || bad "clock starts with FA then F8 at frame 0"
[ "$(grep -c ' F8$' "$tmp/clk")" = 96 ] && ok || bad "one bar has 96 clock ticks"
[ "$(sed -n 3p "$tmp/clk")" = "1000 clock_out F8" ] && ok || bad "second tick at frame 1000"
[ "$(tail -1 "$tmp/clk")" = "96000 clock_out FC" ] && ok || bad "FC at the end frame 96000"
run "dump invalid pattern" 1 "$TRIGSEQ" dump tests/cli/bad/micro-range.tsq && expect_empty "no events for an invalid pattern" "$tmp/out"

summary
