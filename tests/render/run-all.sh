#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# `trigseq render`: onsets in the rendered WAV against the frames of `trigseq dump`, at the
# samples' own rate and resampled; a cut without a click; a missing or unreadable sample named
# while the rest renders; bad usage.
# usage: tests/render/run-all.sh BUILD_DIR
set -uo pipefail
build=$(realpath "$1")
TRIGSEQ=$build/trigseq
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" render
cd "$root" || exit
PY=python3

# samples at 48000 Hz (played as they are) in $tmp/same, at 44100 (resampled) in $tmp/resampled
for d in same:48000 resampled:44100; do
	mkdir -p "$tmp/${d%:*}"
	cp tests/cli/voices.tsq "$here/cut.tsq" "$tmp/${d%:*}/"
	"$PY" "$here/samples.py" "$tmp/${d%:*}" "${d#*:}"
done

# onsets NAME DIR TOLERANCE [OPTIONS]: render voices.tsq, every onset where the dump says
onsets() {
	local name=$1 dir=$2 tol=$3
	shift 3
	if ! "$TRIGSEQ" render "$dir/voices.tsq" -o "$tmp/$name.wav" "$@" >"$tmp/$name.out" 2>&1; then
		bad "$name: render failed: $(cat "$tmp/$name.out")"
		return
	fi
	"$TRIGSEQ" dump "$dir/voices.tsq" "$@" >"$tmp/$name.dump"
	check "$name" "$PY" "$here/check_render.py" onsets "$tmp/$name.wav" "$tmp/$name.dump" "$tol"
}

# at the samples' rate nothing is resampled: every onset exactly on its frame
onsets "exact" "$tmp/same" 0
onsets "exact-8-bars-seed-fill" "$tmp/same" 0 --bars 8 --seed 9 --fill --bpm 97.3
# 44100 Hz samples at 48000 and 96000: the resampler keeps them in time (measured: exact too)
onsets "resampled-48000" "$tmp/resampled" 0
onsets "resampled-96000" "$tmp/resampled" 0 --rate 96000 --bpm 171.1

# the summary line
grep -qE '^.*exact\.wav: [0-9.]+ s of audio at 48000 Hz, 4 bars at 125\.0 BPM, 144 voice events, peak .* dBFS, rendered in [0-9.]+ s$' "$tmp/exact.out" &&
	ok "summary: $(cat "$tmp/exact.out")" || bad "summary: $(cat "$tmp/exact.out")"

# a long sine cut on every step, by retrigs and micro timing: no click at any cut (a 0.8 sine
# at 440 Hz moves 0.046 a frame; two hits in phase during the 2 ms fade, twice that)
for d in same resampled; do
	if "$TRIGSEQ" render "$tmp/$d/cut.tsq" -o "$tmp/cut-$d.wav" --bars 2 >"$tmp/cut-$d.out" 2>&1; then
		check "cut without a click ($d)" "$PY" "$here/check_render.py" smooth "$tmp/cut-$d.wav" 0.1
	else
		bad "cut ($d): $(cat "$tmp/cut-$d.out")"
	fi
done

# a missing and an unreadable sample: both named with the reason, the others still render, exit 1
rm "$tmp/same/samples/kick.wav"
echo "not audio" >"$tmp/same/samples/hat.wav"
"$TRIGSEQ" render "$tmp/same/voices.tsq" -o "$tmp/missing.wav" >"$tmp/missing.out" 2>"$tmp/missing.err"
st=$?
"$TRIGSEQ" dump "$tmp/same/voices.tsq" | awk '$2 == "voice"' >"$tmp/all.dump"
if [ $st -eq 1 ] && grep -q 'samples/kick.wav: No such file or directory (track 1 of .*voices.tsq plays nothing)' "$tmp/missing.err" &&
	grep -q 'samples/hat.wav: .*(track 6 of .*voices.tsq plays nothing)' "$tmp/missing.err" && [ -s "$tmp/missing.wav" ]; then
	ok "missing and unreadable samples: exit 1, $(tr '\n' '|' <"$tmp/missing.err")"
else
	bad "missing samples: exit $st, $(cat "$tmp/missing.err")"
fi
# the stab and rim hits still sound: onsets at the frames of tracks 2 and 7 (a dump of a copy
# of the pattern without tracks 1 and 6's voices)
sed -e 's|sample "samples/kick.wav"||' -e 's|sample "samples/hat.wav"||' "$tmp/same/voices.tsq" \
	>"$tmp/same/rest.tsq"
"$TRIGSEQ" dump "$tmp/same/rest.tsq" >"$tmp/rest.dump"
check "the rest still renders" "$PY" "$here/check_render.py" onsets "$tmp/missing.wav" "$tmp/rest.dump" 0

# bad usage: the right status, a clear message, no file
"$TRIGSEQ" render tests/cli/voices.tsq -o "$tmp/x.mp4" >"$tmp/u.out" 2>&1
[ $? -eq 2 ] && grep -q "expected an output ending in .wav, .aiff, .flac or .ogg" "$tmp/u.out" &&
	[ ! -e "$tmp/x.mp4" ] && ok "unknown extension: exit 2, said" || bad "unknown extension: $(cat "$tmp/u.out")"
"$TRIGSEQ" render tests/cli/voices.tsq >"$tmp/u.out" 2>&1
[ $? -eq 2 ] && grep -q "no output file: -o OUT.wav" "$tmp/u.out" && ok "no output: exit 2, said" ||
	bad "no output: $(cat "$tmp/u.out")"
"$TRIGSEQ" render "$tmp/resampled/voices.tsq" -o "$tmp/nodir/x.wav" >"$tmp/u.out" 2>&1
[ $? -eq 1 ] && grep -q "x.wav not written" "$tmp/u.out" && ok "output in a missing folder: exit 1, said" ||
	bad "missing folder: $(cat "$tmp/u.out")"
# the other formats: libsndfile reads them back as 2 channels at the rate
for ext in flac ogg aiff; do
	if "$TRIGSEQ" render "$tmp/resampled/voices.tsq" -o "$tmp/v.$ext" --bars 1 >/dev/null 2>&1 &&
		file "$tmp/v.$ext" | grep -qiE 'flac|ogg|aiff|iff'; then
		ok "$ext: $(file -b "$tmp/v.$ext" | cut -c1-60)"
	else
		bad "$ext not written"
	fi
done

summary
