#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks of tests/ui/record.sh: what the editor sent thru and what it recorded, against one
jack_midi_dump -a capture of both what send_midi played and what the editor sent.

Each subcommand prints one line of figures and exits 1 when the check fails.
"""
import re
import sys

FRAMES_PER_STEP = 6000  # 120 BPM at 48 kHz, 1x
LENGTHS16 = None


def read_capture(path):
    events = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*(\d+):\s+((?:[0-9a-f]{2}\s*)+)", line)
        if m:
            events.append((int(m.group(1)), tuple(int(t, 16) for t in m.group(2).split())))
    return events


def read_sent(path):
    out = []
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if f and f[0] != "ref":
            out.append((int(f[0]), tuple(int(b, 16) for b in f[1:])))
    return out


def align(events, sent, ch):
    """Capture frames -> JACK frames: the first event on channel ch is the first one sent."""
    first = next(f for f, b in events if b[0] < 0xF0 and b[0] & 0x0F == ch)
    return sent[0][0] - first


def cmd_thru(capture, sent1, sent2, sent3, sent4, sent5):
    """Scenario 1: C4, a CC and a bend to track 3 (channel 10); with the cursor on track 1 the
    note-off of C4 still to track 3, D4 to track 1 (channel 16); nothing while thru is off; B4
    held through a play and stop, C5 held at quit: each released (a note-off on track 3)."""
    events = read_capture(capture)
    s1, s2, s3 = read_sent(sent1), read_sent(sent2), read_sent(sent3)
    s4, s5 = read_sent(sent4), read_sent(sent5)
    shift = align(events, s1, 0)
    # what went thru: channel 10, and channel 16 but for the notes track 1 plays itself (C4)
    out = [(f + shift, b) for f, b in events if b[0] < 0xF0 and
           (b[0] & 0x0F == 9 or (b[0] & 0x0F == 15 and b[1] != 0x3C))]
    want = [(f, (b[0] & 0xF0 | 9, *b[1:])) for f, b in s1]
    want.append((s2[0][0], (0x89, 0x3C, 0x00)))
    want += [(f, (b[0] & 0xF0 | 15, *b[1:])) for f, b in s2[1:]]
    want.append((s4[0][0], (0x99, 0x47, 0x64)))
    if out[: len(want)] != want:
        sys.exit(f"thru sent {out[:len(want)]}, wanted {want}")
    rest = out[len(want):]
    b4_off = [f for f, b in rest if b == (0x89, 0x47, 0x40)]
    c5_on = [f for f, b in rest if b == (0x99, 0x48, 0x64)]
    c5_off = [f for f, b in rest if b == (0x89, 0x48, 0x40)]
    if len(b4_off) != 1 or not c5_on or c5_on[0] != s5[0][0] or len(c5_off) != 1 or \
            not b4_off[0] < c5_on[0] < c5_off[0] or len(rest) != 3:
        sys.exit(f"release at stop and quit: after the thru messages {rest}")
    print(f"{len(want) + 1} messages thru at the frames played (0 frames added), the note-off "
          f"to the note's track; {len(s3)} played with thru off sent nothing; a note held was "
          f"released {(b4_off[0] - s4[0][0]) / 48000:.2f} s later at the stop, another at quit")


NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"]


def note_name(n):
    return f"{NOTE_NAMES[n % 12]}{n // 12 - 1}"


def read_track(path, name):
    """The step lines of the track named `name`: {step: {key: value}}; cc as {cc: value}."""
    steps, inside = {}, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("track "):
            inside = f'"{name}"' in line
            continue
        f = line.split()
        if not inside or len(f) < 2 or f[0] != "step":
            continue
        d, cc, i = {}, {}, 2
        while i + 1 < len(f):
            if f[i] == "cc":
                c, v = f[i + 1].split("=")
                cc[int(c)] = int(v)
            else:
                d[f[i]] = f[i + 1]
            i += 2
        d["cc"] = cc
        steps[int(f[1])] = d
    return steps


def cmd_live(capture, sent, saved):
    """Scenario 3: every note played, measured from the reference note in the capture, is on the
    nearest step with its micro timing in 24ths, its velocity (a chord: the loudest) and its
    length; CC 71 locks step 5, CC 74 (two values in one step: the last) makes step 11 a lock."""
    events = read_capture(capture)
    s = read_sent(sent)
    shift = align(events, s, 0)
    played = [(f + shift, b) for f, b in events if b[0] < 0xF0 and b[0] & 0x0F == 0]
    refs = [f + shift for f, b in events if b[0] == 0x9F and b[2] > 0]
    ref = max(f for f in refs if f <= played[0][0])
    per24 = FRAMES_PER_STEP // 24
    want = {}
    ons = {}
    for f, b in played:
        kind = b[0] & 0xF0
        q = round((f - ref) / per24)
        j = (q + 11) // 24
        step, micro = j % 16 + 1, q - 24 * j
        if kind == 0x90 and b[2] > 0:
            t = want.setdefault(step, {"notes": [], "vel": 0, "micro": micro, "len": 0, "cc": {}})
            t["notes"].append(b[1])
            t["vel"] = max(t["vel"], b[2])
            ons[b[1]] = (f, step)
        elif kind == 0x80 and b[1] in ons:
            f0, st = ons.pop(b[1])
            want[st]["len"] = max(want[st]["len"], (f - f0) / FRAMES_PER_STEP)
        elif kind == 0xB0:
            want.setdefault(step, {"notes": [], "cc": {}})["cc"][b[1]] = b[2]
    got = read_track(saved, "SYNTH")
    problems = []
    for step, t in sorted(want.items()):
        g = got.get(step)
        if g is None:
            problems.append(f"step {step}: nothing recorded")
            continue
        if t["notes"]:
            exp = {"note": "+".join(note_name(n) for n in t["notes"]), "vel": str(t["vel"]),
                   "micro": str(t["micro"]), "gate": f"{t['len']:g}"}
            have = {k: g.get(k, "0" if k == "micro" else "-") for k in exp}
            if have != exp:
                problems.append(f"step {step}: {have}, wanted {exp}")
        if g["cc"] != t["cc"]:
            problems.append(f"step {step}: locks {g['cc']}, wanted {t['cc']}")
    if problems:
        sys.exit("; ".join(problems))
    desc = ", ".join(f"{k}: {'+'.join(note_name(n) for n in v['notes']) or 'lock'}"
                     f"{' micro ' + str(v['micro']) if v['notes'] else ''}"
                     for k, v in sorted(want.items()))
    print(f"recorded where played (from the reference note): {desc}")


if __name__ == "__main__":
    {"thru": cmd_thru, "live": cmd_live}[sys.argv[1]](*sys.argv[2:])
