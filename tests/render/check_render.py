#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check a rendered WAV (24-bit stereo, read with python3's wave module).

usage: check_render.py onsets WAV DUMP TOLERANCE
    every onset (the first frame above 0.05 after 8 frames of silence, left channel) is at a
    frame of a `voice` line of the dump (`trigseq dump ... --rate R`), within TOLERANCE frames,
    and every frame of the dump has its onset
usage: check_render.py smooth WAV MAXSTEP
    no two frames in a row differ by more than MAXSTEP (a cut without a fade clicks)
"""
import sys
import wave


def left_channel(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 3 and w.getnchannels() == 2, "expected 24-bit stereo"
        raw = w.readframes(w.getnframes())
    return [int.from_bytes(raw[i:i + 3], "little", signed=True) / 8388608.0
            for i in range(0, len(raw), 6)], w.getframerate()


def onsets(x, thr=0.05, quiet=8):
    found, silent = [], quiet
    for i, v in enumerate(x):
        if abs(v) > thr:
            if silent >= quiet:
                found.append(i)
            silent = 0
        else:
            silent += 1
    return found


def main():
    mode, path = sys.argv[1], sys.argv[2]
    x, rate = left_channel(path)
    if mode == "smooth":
        limit = float(sys.argv[3])
        worst = max(range(1, len(x)), key=lambda i: abs(x[i] - x[i - 1]))
        step = abs(x[worst] - x[worst - 1])
        print(f"largest step {step:.4f} at frame {worst} of {len(x)}")
        sys.exit(0 if step <= limit else 1)
    tol = int(sys.argv[4])
    with open(sys.argv[3]) as f:
        want = sorted({int(line.split()[0]) for line in f if line.split()[1:2] == ["voice"]})
    got = onsets(x)
    missing = [w for w in want if not any(abs(g - w) <= tol for g in got)]
    extra = [g for g in got if not any(abs(g - w) <= tol for w in want)]
    offs = sorted({g - w for g in got for w in want if abs(g - w) <= tol})
    print(f"{len(got)} onsets at {rate} Hz for {len(want)} dump frames; offsets {offs}")
    if missing or extra:
        print(f"missing {missing[:10]} extra {extra[:10]}")
        sys.exit(1)


main()
