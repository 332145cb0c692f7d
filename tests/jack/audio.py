#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare what trigseq played on JACK (recorded by audio_capture) with `trigseq render`.

usage: audio.py same CAPTURE RENDER.wav START_FRAME TOLERANCE MIN_SECONDS
    The capture's frame START_FRAME (JACK frame time of the engine's frame 0, from `trigseq
    play --verbose`) on is the render's frame 0 on: every frame of both channels within
    TOLERANCE, over at least MIN_SECONDS with sound in them; and silence before START_FRAME.
    The render is 24-bit and clips at full scale: the capture (float) is clipped the same way.
usage: audio.py sequence CAPTURE REGEX
    Each onset of the capture (above 0.05 after 100 frames below it) as a letter: a for the
    same level on both sides, 3 frames in and 6 (a DC sample in the middle), b for opposite
    levels (0.25 / -0.25 in the file), c for anything else (the click, a decaying sine); the
    string of them matches REGEX.
"""
import array
import re
import sys
import wave


def capture(path):
    with open(path, "rb") as f:
        frame0, rate, n = (int(v) for v in f.readline().split())
        data = array.array("f")
        data.frombytes(f.read())
    assert len(data) == 2 * n, "short capture file"
    return frame0, rate, data


def render(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 3 and w.getnchannels() == 2, "expected 24-bit stereo"
        raw, rate = w.readframes(w.getnframes()), w.getframerate()
    return rate, [int.from_bytes(raw[i:i + 3], "little", signed=True) / 8388608.0
                  for i in range(0, len(raw), 3)]


def sequence(cap_path, regex):
    _, rate, cap = capture(cap_path)
    letters, silent = [], 100
    for i in range(len(cap) // 2 - 6):
        if abs(cap[2 * i]) > 0.05 or abs(cap[2 * i + 1]) > 0.05:
            if silent >= 100:
                left, right, later = cap[2 * i + 6], cap[2 * i + 7], cap[2 * i + 12]
                steady = abs(left - later) < 1e-3
                if steady and abs(left - right) < 1e-3:
                    letters.append("a")
                elif steady and abs(left + right) < 1e-3:
                    letters.append("b")
                else:
                    letters.append("c")
            silent = 0
        else:
            silent += 1
    text = "".join(letters)
    print(f"{len(text)} onsets in {len(cap) / 2 / rate:.1f} s: {text}")
    sys.exit(0 if re.search(regex, text) else 1)


def main():
    if sys.argv[1] == "sequence":
        sequence(sys.argv[2], sys.argv[3])
    _, cap_path, wav_path, start, tol, min_s = sys.argv[1:7]
    frame0, rate, cap = capture(cap_path)
    wrate, ren = render(wav_path)
    assert rate == wrate, f"rates differ: {rate} {wrate}"
    off = (int(start) - frame0) % (1 << 32)
    if off * 2 > len(cap):
        print(f"the start frame {start} is not in the capture (first frame {frame0})")
        sys.exit(1)
    before = max((abs(v) for v in cap[:2 * off]), default=0.0)
    n = min(len(ren), len(cap) - 2 * off)
    worst, at, loud = 0.0, -1, 0
    for i in range(n):
        d = abs(min(max(cap[2 * off + i], -1.0), 8388607 / 8388608) - ren[i])
        if d > worst:
            worst, at = d, i // 2
        loud += abs(ren[i]) > 1e-4
    print(f"{n // 2} frames ({n / 2 / rate:.2f} s) compared from capture frame {off}, "
          f"{loud // 2} with sound; largest difference {worst:.2e} at frame {at}; "
          f"loudest before the start {before:.2e}")
    if worst > float(tol) or before > float(tol) or n / 2 / rate < float(min_s) or loud == 0:
        sys.exit(1)


if __name__ == "__main__":
    main()
