#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks a jack_midi_dump -a capture of `trigseq sysex send` against the .syx file it sent.

usage: check_pacing.py CAPTURE FILE.syx BYTES_PER_SEC GAP_MS SAMPLE_RATE

- the bytes captured, in order, are the file's, exactly;
- byte k of message m is at frame floor((k / B + m * G / 1000) * R + 1/2) after byte 0's (an
  independent computation with exact fractions), give or take TOLERANCE frames;
- each message's rate measured from its first and last byte's frames is B within 0.5 %
  (messages of 500 bytes and more; shorter ones are covered by the frame check);
- between messages the silence is at least G ms.
Prints one line of figures; exits 1 when a check fails.
"""
import re
import sys
from fractions import Fraction
from math import floor

TOLERANCE = 1  # frames


def main():
    capture, syx, rate, gap, sr = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    want = open(syx, "rb").read()
    frames, got = [], []
    for line in open(capture, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*(\d+):\s+((?:[0-9a-f]{2}(?:\s+|$))+)", line)
        if not m:
            continue
        for tok in m.group(2).split():
            frames.append(int(m.group(1)))
            got.append(int(tok, 16))
    if bytes(got) != want:
        first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), min(len(got), len(want)))
        sys.exit(f"captured {len(got)} bytes, the file has {len(want)}; first difference at byte {first}")
    msg, starts = -1, []
    worst = 0
    for k, b in enumerate(got):
        if b == 0xF0:
            msg += 1
            starts.append(k)
        t = Fraction(k, rate) + Fraction(msg * gap, 1000)
        due = floor(t * sr + Fraction(1, 2))
        err = (frames[k] - frames[0]) - due
        worst = max(worst, abs(err))
        if abs(err) > TOLERANCE:
            sys.exit(f"byte {k} (message {msg}) at frame +{frames[k] - frames[0]}, due at +{due}")
    ends = starts[1:] + [len(got)]
    rates = []
    for s, e in zip(starts, ends):
        if e - s >= 500:
            measured = (e - s - 1) * sr / (frames[e - 1] - frames[s])
            rates.append(measured)
            if abs(measured - rate) > rate * 0.005:
                sys.exit(f"message at byte {s}: {measured:.2f} bytes/s, expected {rate}")
    gaps = [(frames[s] - frames[s - 1]) * 1000 / sr for s in starts[1:]]
    if gaps and min(gaps) < gap:
        sys.exit(f"a gap of {min(gaps):.3f} ms between messages, expected at least {gap} ms")
    total = (frames[-1] - frames[0]) / sr
    print(f"{len(got)} bytes in {len(starts)} messages over {total:.4f} s; every byte within "
          f"{worst} frame of its due time; rate of the long messages "
          + (", ".join(f"{r:.2f}" for r in rates) or "(none of 500 bytes)") + f" bytes/s (asked {rate}); gaps "
          + (f"{min(gaps):.3f} ... {max(gaps):.3f} ms (asked {gap}, + one byte's time)" if gaps else "none"))


if __name__ == "__main__":
    main()
