#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A Standard MIDI File from `trigseq export`, read back with an independent reader (mido, the
Debian package python3-mido), against `trigseq dump` of the same pattern(s).

usage: check_smf.py TRIGSEQ OUT.mid BARS [dump options] -- FILE...

The dump runs at tempo10 * 192 frames a second, where a frame is a unit of position (1/28800 of
a 16th), so each event's exact tick at 960 PPQN is its frame / 120, rounded half up. Checked:
format 1, 960 PPQN, a conductor track with the tempo (microseconds a quarter note, rounded) and
4/4, one track per sequencer track that sends something, in track order, each holding exactly
the dump's events of that track at their ticks, End of Track at BARS * 3840.
"""
import subprocess
import sys

import mido


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    trigseq, mid, bars = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sep = sys.argv.index("--")
    opts, files = sys.argv[4:sep], sys.argv[sep + 1:]
    tempo10 = None
    for i, o in enumerate(opts):
        if o in ("--bpm", "-t"):
            tempo10 = round(float(opts[i + 1]) * 10)
    if tempo10 is None:
        text = open(files[0], encoding="utf-8").read().split("\n")
        tempo10 = next((round(float(line.split()[1]) * 10) for line in text
                        if line.startswith("tempo ")), 1200)
    rate = tempo10 * 192
    out = subprocess.run([trigseq, "dump", *files, "--bars", str(bars), "--rate", str(rate),
                          *opts], check=True, capture_output=True, text=True).stdout
    # the dump names no track: events are compared by channel, with their port and tick
    want = {}
    for line in out.splitlines():
        f = line.split()
        frame, port, data = int(f[0]), f[1], [int(x, 16) for x in f[2:]]
        if port in ("clock_out", "voice"):  # voice events are not MIDI: not in the file
            continue
        want.setdefault(data[0] & 0x0F, []).append(((frame + 60) // 120, port, data))

    m = mido.MidiFile(mid)
    if m.type != 1 or m.ticks_per_beat != 960:
        fail(f"type {m.type}, {m.ticks_per_beat} PPQN: expected format 1, 960")
    conductor = m.tracks[0]
    tempos = [msg.tempo for msg in conductor if msg.type == "set_tempo"]
    sigs = [(msg.numerator, msg.denominator) for msg in conductor if msg.type == "time_signature"]
    if tempos != [round(600000000 / tempo10)] or sigs != [(4, 4)]:
        fail(f"conductor: tempo {tempos}, time signature {sigs}")
    got = {}
    names = []
    for tr in m.tracks[1:]:
        names.append(tr.name)
        tick = 0
        port = tr.name.split()[-1]
        for msg in tr:
            tick += msg.time
            if msg.is_meta:
                if msg.type == "end_of_track" and tick != bars * 3840:
                    fail(f"track {tr.name}: End of Track at {tick}, expected {bars * 3840}")
                continue
            data = msg.bytes()
            got.setdefault(data[0] & 0x0F, []).append((tick, port, data))
    for tr in m.tracks:
        end = sum(msg.time for msg in tr)
        if end != bars * 3840:
            fail(f"track '{tr.name}' ends at {end}, expected {bars * 3840}")
    numbers = [int(n.split()[0]) for n in names]
    if numbers != sorted(numbers):
        fail(f"tracks out of order: {names}")
    # per channel, in time order (within a tick the dump's order, which the export keeps per
    # track; tracks sharing a channel merge by a stable sort on the tick)
    for ch in set(want) | set(got):
        w = sorted(want.get(ch, []), key=lambda e: e[0])
        g = sorted(got.get(ch, []), key=lambda e: e[0])
        if sorted(map(repr, w)) != sorted(map(repr, g)) or [e[0] for e in w] != [e[0] for e in g]:
            for i, (a, b) in enumerate(zip(w + [None] * len(g), g + [None] * len(w))):
                if a != b:
                    fail(f"channel {ch + 1}: first difference at event {i}: dump {a}, file {b}")
            fail(f"channel {ch + 1}: {len(w)} events in the dump, {len(g)} in the file")
    total = sum(len(v) for v in got.values())
    if total == 0:
        fail("no events at all")
    print(f"{mid.split('/')[-1]}: {len(m.tracks) - 1} tracks ({', '.join(names)}), {total} "
          f"events equal to the dump at their ticks")


main()
