#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Onsets of two metronomes in one tests/jack/audio_capture recording (tests/link/run-all.sh):
in_1 LinkHut's clicks (1568 Hz on the quantum's downbeat, 1109 Hz on the others), in_2 trigseq's
(`--click`: 1.5 kHz on a bar's first beat, 1 kHz on the others).

usage: clicks.py CAPTURE MIN_CLICKS
Every trigseq click must have a LinkHut click within 1 ms, and trigseq's bar downbeats must be
LinkHut's quantum downbeats. Prints the differences (median, worst) and exits 1 when it fails.
"""
import struct
import sys
from statistics import median


def read(path):
    with open(path, "rb") as f:
        head = f.readline().split()
        rate, n = int(head[1]), int(head[2])
        data = struct.unpack(f"={2 * n}f", f.read(8 * n))
    return rate, data[0::2], data[1::2]


def onsets(x, rate):
    """[(frame, Hz)]: the first frame above 0.05 after 50 ms of silence, and the tone's
    frequency from its zero crossings over the next 10 ms."""
    out, quiet, need = [], 0, rate // 20
    for i, v in enumerate(x):
        if abs(v) > 0.05 and quiet >= need:
            w = x[i:i + rate // 100]
            crossings = sum(1 for a, b in zip(w, w[1:]) if (a < 0) != (b < 0))
            out.append((i, crossings / 2 / 0.01))
        quiet = quiet + 1 if abs(v) < 0.001 else 0
    return out


def main(path, min_clicks):
    rate, hut, ours = read(path)
    h, o = onsets(hut, rate), onsets(ours, rate)
    if len(o) < int(min_clicks):
        sys.exit(f"trigseq clicked {len(o)} times, wanted {min_clicks} or more")
    diffs, bad_bar = [], []
    for f, hz in o:
        g, ghz = min(h, key=lambda e: abs(e[0] - f))
        diffs.append((f - g) * 1000 / rate)
        if (hz > 1250) != (ghz > 1340):
            bad_bar.append((f, hz, ghz))
    worst = max(abs(d) for d in diffs)
    if worst > 1.0:
        sys.exit(f"{len(o)} clicks: trigseq vs LinkHut (ms) median {median(diffs):.3f}, worst "
                 f"{worst:.3f}: {[round(d, 3) for d in diffs[:12]]}")
    if bad_bar:
        sys.exit(f"downbeats differ at {bad_bar[:4]}")
    print(f"{len(o)} clicks of trigseq on LinkHut's ({len(h)} recorded): median "
          f"{median(diffs):+.3f} ms, worst {worst:.3f} ms; every bar's first beat on "
          f"LinkHut's quantum downbeat")


if __name__ == "__main__":
    main(*sys.argv[1:])
