#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Master clock placement: every F8 of `trigseq dump --clock` over MINUTES of play against its
ideal frame k*R*60/(T*24), computed with exact fractions. Prints the max placement error (frames,
before rounding to whole frames) and the drift (where the last tick is against where it belongs).

usage: master_clock.py TRIGSEQ PATTERN [--minutes M] [--bpm T] [--rate R]
"""
import argparse
import subprocess
from fractions import Fraction as F


def main():
    p = argparse.ArgumentParser()
    p.add_argument('trigseq')
    p.add_argument('pattern')
    p.add_argument('--minutes', type=float, default=10)
    p.add_argument('--bpm', default='123.7')
    p.add_argument('--rate', type=int, default=48000)
    a = p.parse_args()
    bpm = F(a.bpm)
    bars = int(a.minutes * bpm / 4) + 1            # 4 quarter notes a bar
    out = subprocess.run([a.trigseq, 'dump', a.pattern, '--clock', '--bars', str(bars),
                          '--bpm', a.bpm, '--rate', str(a.rate)],
                         check=True, capture_output=True, text=True).stdout
    ticks = [int(line.split()[0]) for line in out.splitlines() if line.endswith('clock_out F8')]
    per = F(a.rate * 60) / (bpm * 24)
    worst_exact = max(abs(f - k * per) for k, f in enumerate(ticks))
    wrong = sum(1 for k, f in enumerate(ticks) if f != int(k * per + F(1, 2)))
    last = len(ticks) - 1
    drift = ticks[last] - last * per
    print('master clock: %d ticks over %.1f min at %s BPM, %d Hz: max placement error %.3f frames '
          '(target <= 0.5), ticks off their rounded ideal frame %d, drift at the end %.3f frames '
          '(target 0 drift)' % (len(ticks), len(ticks) * per / a.rate / 60, a.bpm, a.rate,
                                float(worst_exact), wrong, float(drift)))
    return 0 if worst_exact <= F(1, 2) and wrong == 0 else 1


if __name__ == '__main__':
    raise SystemExit(main())
