#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the samples the render tests play (16-bit WAV, python3's wave module).

usage: samples.py DIR RATE
  DIR/samples/{kick,stab,hat,rim}.wav  1.5 ms of DC at 0.5, mono (stab: stereo), so that every
                                       hit is an onset after silence
  DIR/samples/sine.wav                 1 s of 440 Hz at 0.8, mono: every hit cuts the one before
"""
import math
import os
import struct
import sys
import wave


def write(path, rate, channels, frames):
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<" + "h" * channels,
                                           *[round(v * 32767) for v in f]) for f in frames))


def main():
    out, rate = os.path.join(sys.argv[1], "samples"), int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    burst = max(1, round(rate * 0.0015))
    for name in ("kick", "hat", "rim"):
        write(os.path.join(out, name + ".wav"), rate, 1, [(0.5,)] * burst)
    write(os.path.join(out, "stab.wav"), rate, 2, [(0.5, 0.5)] * burst)
    write(os.path.join(out, "sine.wav"), rate, 1,
          [(0.8 * math.sin(2 * math.pi * 440 * i / rate),) for i in range(rate)])


main()
