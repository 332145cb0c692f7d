#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Onsets of two metronomes in one tests/jack/audio_capture recording (tests/link/run-all.sh):
in_1 LinkHut's clicks (1568 Hz on the quantum's downbeat, 1109 Hz on the others), in_2 trigseq's
(`--click`: 1.5 kHz on a bar's first beat, 1 kHz on the others).

It only reads files: the recording is made by tests/link/run-all.sh inside
../shared/tools/netns-run, where LinkHut and trigseq enable Link.

usage: clicks.py CAPTURE MIN_CLICKS [NOTES]
Every trigseq click must have a LinkHut click within 1 ms, and trigseq's bar downbeats must be
LinkHut's quantum downbeats. With NOTES (tests/link/midi_sink's output: absolute JACK frames),
every note-on there is compared instead, with LinkHut's downbeats, on JACK's timeline (the
capture's first frame is absolute too). Prints the differences (median, worst) and exits 1
when it fails.
"""
import struct
import sys
from statistics import median


def read(path):
    with open(path, "rb") as f:
        head = f.readline().split()
        frame0, rate, n = int(head[0]), int(head[1]), int(head[2])
        data = struct.unpack(f"={2 * n}f", f.read(8 * n))
    return frame0, rate, data[0::2], data[1::2]


def notes(frame0, rate, hut, path, min_notes):
    """Note-ons of a midi_sink file against LinkHut's downbeats, on JACK's frames."""
    downs = [frame0 + f for f, hz in onsets(hut, rate) if hz > 1340]
    ons = [int(l.split()[0]) for l in open(path) if l.split()[1][0] == "9" and l.split()[3] != "00"]
    ons = [f for f in ons if downs and downs[0] - rate < f < downs[-1] + rate]
    if len(ons) < int(min_notes):
        sys.exit(f"{len(ons)} note-ons while LinkHut played, wanted {min_notes}")
    diffs = [(f - min(downs, key=lambda d: abs(d - f))) * 1000 / rate for f in ons]
    worst = max(abs(d) for d in diffs)
    if worst > 1.0:
        sys.exit(f"note-ons vs LinkHut's downbeats (ms): {[round(d, 3) for d in diffs]}")
    print(f"{len(ons)} note-ons on LinkHut's downbeats: median {median(diffs):+.3f} ms, worst "
          f"{worst:.3f} ms")


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


def main(path, min_clicks, note_file=None):
    frame0, rate, hut, ours = read(path)
    if note_file:
        notes(frame0, rate, hut, note_file, min_clicks)
        return
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
