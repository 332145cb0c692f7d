#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks thru on one jack_midi_dump -a capture of both what send_midi sent to trigseq's midi_in
and what trigseq sent on the thru track's port (tests/jack/thru.sh).

usage: thru.py CAPTURE SENT OUT_CH IN_CH
  CAPTURE  jack_midi_dump -a of send_midi's output and trigseq's thru port together
  SENT     send_midi's output: "<frame> <hex bytes>" per event sent (raw bytes, garbage too)
  OUT_CH   the thru track's channel (1-16): only trigseq sends on it
  IN_CH    the channel listened to (1-16), or 0 for every channel

A model of thru (a byte parser with running status, then the routing of thru.h) says what must
come out for the events sent, frame for frame; the capture must hold exactly that on OUT_CH,
then one note-off for each note still held (the release at the end), after the last event sent.
"""
import re
import sys


def parse_events(sent):
    """The channel messages a MIDI byte parser makes of send_midi's events: [(frame, bytes)]."""
    out, status, data, in_sysex = [], 0, [], False
    for line in open(sent, encoding="utf-8"):
        f = line.split()
        if not f or f[0] == "ref":
            continue
        frame = int(f[0])
        for b in (int(x, 16) for x in f[1:]):
            if b >= 0xF8:
                continue  # real-time: not thru's
            if b >= 0x80:
                in_sysex = b == 0xF0
                status, data = (b if b < 0xF0 else 0), []
                continue
            if in_sysex or not status:
                continue
            data.append(b)
            need = 1 if status & 0xF0 in (0xC0, 0xD0) else 2
            if len(data) == need:
                out.append((frame, (status, *data)))
                data = []
    return out


def model(msgs, out_ch, in_ch):
    """What thru sends for msgs: [(frame, bytes)], and the notes held at the end."""
    held, sent = set(), []
    oc = out_ch - 1
    for frame, m in msgs:
        kind, ch = m[0] & 0xF0, m[0] & 0x0F
        if kind == 0xC0 or (in_ch and ch != in_ch - 1):
            continue
        if kind == 0x90 and m[2] == 0:
            kind = 0x80
        key = (ch, m[1])
        if kind == 0x80:
            if key in held:
                held.discard(key)
                sent.append((frame, (m[0] & 0xF0 | oc, *m[1:])))
            continue
        if kind == 0x90 and key in held:
            sent.append((frame, (0x80 | oc, m[1], 0x40)))
        if kind == 0x90:
            held.add(key)
        sent.append((frame, (kind | oc, *m[1:])))
    return sent, held


def read_capture(path, oc):
    events = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*(\d+):\s+((?:[0-9a-f]{2}\s*)+)", line)
        if not m:
            continue
        data = tuple(int(t, 16) for t in m.group(2).split())
        events.append((int(m.group(1)), data))
    return events


def main(capture, sent, out_ch, in_ch):
    out_ch, in_ch = int(out_ch), int(in_ch)
    oc = out_ch - 1
    events = read_capture(capture, oc)
    msgs = parse_events(sent)
    # the capture's frames count from its own start: align on the first event sent
    sent_frames = [int(l.split()[0]) for l in open(sent, encoding="utf-8") if l[0].isdigit()]
    first_cap = next(f for f, b in events if b[0] < 0xF0 and b[0] & 0x0F != oc)
    shift = sent_frames[0] - first_cap
    thru = [(f + shift, b) for f, b in events if b[0] < 0xF0 and b[0] & 0x0F == oc]
    want, held = model(msgs, out_ch, in_ch)
    got, release = thru[: len(want)], thru[len(want):]
    if got != want:
        bad = [(w, g) for w, g in zip(want, got) if w != g][:4]
        sys.exit(f"thru: {len(thru)} events on channel {out_ch}, the model wants {len(want)} "
                 f"(+{len(held)} released); first differences (want, got): {bad}")
    offs = sorted(b[1] for f, b in release if b[0] == 0x80 | oc)
    if offs != sorted(n for _, n in held) or len(release) != len(held):
        sys.exit(f"release: {len(held)} notes held at the end, got {release[:6]}")
    last = msgs[-1][0] if msgs else 0
    if any(f < last for f, _ in release):
        sys.exit(f"a release before the last message sent: {release[:4]}")
    print(f"{len(msgs)} messages parsed from what was sent; {len(want)} sent thru at the very "
          f"frames they came in (0 frames added); {len(held)} held notes released at the end")


if __name__ == "__main__":
    main(*sys.argv[1:])
