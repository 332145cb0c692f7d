#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks on captures of trigseq's JACK output made by jack_midi_dump -a and jack_mclk_dump.

jack_midi_dump -a prints `<frames since it started>: <hex bytes> <description>`; our engine's
frame 0 is the frame of MIDI Start (FA), which the captures receive from clock_out.
Each subcommand prints one line of figures and exits 1 when the check fails.
"""
import re
import subprocess
import sys
from fractions import Fraction
from math import floor, gcd

REALTIME = {0xF8, 0xFA, 0xFB, 0xFC}


def size_of(status):
    if status in (0xF2, 0xF3):
        return 3 if status == 0xF2 else 2
    if status >= 0xF0:
        return 1
    return 2 if (status & 0xF0) in (0xC0, 0xD0) else 3


def read_capture(path):
    """[(frame, (bytes...))] in capture order."""
    events = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*(\d+):\s+((?:[0-9a-f]{2}\s*)+)", line)
        if not m:
            continue
        data = [int(t, 16) for t in m.group(2).split()]
        data = data[: size_of(data[0])]
        events.append((int(m.group(1)), tuple(data)))
    return events


def start_stop(events):
    fa = [f for f, b in events if b == (0xFA,)]
    fc = [f for f, b in events if b == (0xFC,)]
    if len(fa) != 1:
        sys.exit(f"expected one MIDI Start (FA) in the capture, found {len(fa)}")
    return fa[0], (fc[-1] if fc else None)


def pos_to_frame(pos, rate, tempo10):
    k = tempo10 * 192
    return (2 * pos * rate + k) // (2 * k)


def fmt(ev):
    return f"{ev[0]} " + " ".join(f"{b:02X}" for b in ev[1])


def cmd_compare(capture, trigseq, pattern, port, rate, tempo10, *dump_opts):
    """Notes of one port, frame for frame, against `trigseq dump` over the bars that fit."""
    rate, tempo10 = int(rate), int(tempo10)
    events = read_capture(capture)
    fa, fc = start_stop(events)
    if fc is None:
        sys.exit("no MIDI Stop (FC) in the capture")
    bar = pos_to_frame(16 * 28800, rate, tempo10)
    bars = (fc - fa) // bar
    if bars < 1:
        sys.exit(f"capture too short: {fc - fa} frames, a bar is {bar}")
    end = pos_to_frame(bars * 16 * 28800, rate, tempo10)
    got = [(f - fa, b) for f, b in events if b[0] not in REALTIME and f - fa < end]
    out = subprocess.run([trigseq, "dump", pattern, "--bars", str(bars), *dump_opts],
                         check=True, capture_output=True, text=True).stdout
    want = []
    for line in out.splitlines():
        fields = line.split()
        if fields[1] == port and int(fields[0]) < end:
            want.append((int(fields[0]), tuple(int(x, 16) for x in fields[2:])))
    if got != want:
        for i, (g, w) in enumerate(zip(got + [None] * len(want), want + [None] * len(got))):
            if g != w:
                print(f"first difference at event {i}: captured {g and fmt(g)}, dump {w and fmt(w)}")
                break
        print(f"{port}: captured {len(got)} events, dump has {len(want)}")
        sys.exit(1)
    if not got:
        sys.exit(f"{port}: no events at all")
    print(f"{port}: {len(got)} events in {bars} bars equal to the dump, frame for frame")


def cmd_song(capture, trigseq, song, port, *dump_opts):
    """A whole song played to its end: the port's events, the clock ticks and the Stop, frame
    for frame against `trigseq dump SONG --clock` (the capture has midi_out and clock_out)."""
    events = read_capture(capture)
    fa, fc = start_stop(events)
    if fc is None:
        sys.exit("no MIDI Stop (FC) in the capture: the song did not end")
    out = subprocess.run([trigseq, "dump", song, "--clock", *dump_opts], check=True,
                         capture_output=True, text=True).stdout
    want, want_ticks, want_fc = [], [], None
    for line in out.splitlines():
        fields = line.split()
        ev = (int(fields[0]), tuple(int(x, 16) for x in fields[2:]))
        if fields[1] == port:
            want.append(ev)
        elif fields[1] == "clock_out" and ev[1] == (0xF8,):
            want_ticks.append(ev[0])
        elif fields[1] == "clock_out" and ev[1] == (0xFC,):
            want_fc = ev[0]
    got = [(f - fa, b) for f, b in events if b[0] not in REALTIME]
    ticks = [f - fa for f, b in events if b == (0xF8,)]
    if got != want:
        for i, (g, w) in enumerate(zip(got + [None] * len(want), want + [None] * len(got))):
            if g != w:
                print(f"first difference at event {i}: captured {g and fmt(g)}, dump {w and fmt(w)}")
                break
        sys.exit(f"{port}: captured {len(got)} events, dump has {len(want)}")
    if ticks != want_ticks:
        sys.exit(f"clock: {len(ticks)} ticks captured, the dump has {len(want_ticks)}; first "
                 f"captured {ticks[:3]}, dump {want_ticks[:3]}")
    if fc - fa != want_fc:
        sys.exit(f"Stop at frame {fc - fa}, the dump's at {want_fc}")
    if len([1 for _, b in events if b == (0xFC,)]) != 1:
        sys.exit("more than one Stop")
    print(f"{port}: {len(got)} events, {len(ticks)} ticks and the Stop at frame {want_fc} equal to "
          f"the dump, frame for frame")


def cmd_clock(capture, rate, tempo10, expect_ticks="yes", expect_transport="yes"):
    """Tick k at floor(k*R*60/(T*24) + 1/2) after Start; Start first, Stop last."""
    rate, T = int(rate), Fraction(int(tempo10), 10)
    events = read_capture(capture)
    kinds = {b[0] for f, b in events}
    if kinds - REALTIME:
        sys.exit(f"non-clock bytes on clock_out: {sorted(kinds - REALTIME)}")
    ticks = [f for f, b in events if b == (0xF8,)]
    if expect_transport == "no":
        if 0xFA in kinds or 0xFC in kinds:
            sys.exit("Start or Stop sent with --no-send-transport")
        if len(ticks) < 48:
            sys.exit(f"only {len(ticks)} ticks")
        fa = ticks[0]
    else:
        fa, fc = start_stop(events)
        if events[0][1] != (0xFA,):
            sys.exit(f"the first clock byte is {events[0][1]}, not Start (FA)")
        if fc is None or events[-1][1] != (0xFC,):
            sys.exit("the last clock byte is not Stop (FC)")
    if expect_ticks == "no":
        if ticks:
            sys.exit(f"{len(ticks)} ticks sent with --no-send-clock")
        print("no ticks, Start first and Stop last, as asked")
        return
    worst = 0
    for k, f in enumerate(ticks):
        ideal = floor(k * rate * 60 / (T * 24) + Fraction(1, 2))
        worst = max(worst, abs((f - fa) - ideal))
    intervals = sorted({b - a for a, b in zip(ticks, ticks[1:])})
    print(f"{len(ticks)} ticks at {T} BPM: max error {worst} frames against "
          f"floor(k*R*60/(T*24)+0.5); intervals {intervals}")
    if worst != 0:
        sys.exit(1)


def cmd_stopped(capture):
    """After the stop every note is off; the last frame holds the note-offs (and FC)."""
    events = read_capture(capture)
    sounding = set()
    for f, b in events:
        kind, chan = b[0] & 0xF0, b[0] & 0x0F
        if kind == 0x90 and b[2] > 0:
            sounding.add((chan, b[1]))
        elif kind == 0x80 or (kind == 0x90 and b[2] == 0):
            sounding.discard((chan, b[1]))
    if sounding:
        sys.exit(f"notes left sounding after stop: {sorted(sounding)}")
    last = events[-1][0]
    at_end = [b for f, b in events if f == last]
    offs = [b for b in at_end if b[0] & 0xF0 == 0x80]
    if not offs or (0xFC,) not in at_end:
        sys.exit(f"the last frame has {len(offs)} note-offs and {'a' if (0xFC,) in at_end else 'no'} Stop")
    print(f"stop: {len(offs)} note-offs and Stop in the last frame, nothing left sounding")


def cmd_mclk(path, tempo, tolerance="0.05"):
    """jack_mclk_dump's filtered tempo (its DLL) at the end of the run, within tolerance BPM."""
    text = open(path, encoding="utf-8", errors="replace").read().replace("\r", "\n")
    flt = [float(m) for m in re.findall(r"flt:\s*([0-9.]+)\[BPM\]", text)]
    if len(flt) < 10:
        sys.exit(f"jack_mclk_dump read {len(flt)} ticks")
    err = abs(flt[-1] - float(tempo))
    print(f"jack_mclk_dump reads {flt[-1]:.2f} BPM after {len(flt)} ticks "
          f"(pattern {tempo}, error {err:.3f})")
    if err > float(tolerance):
        sys.exit(1)


def cmd_transport(capture, trigseq, pattern, port, rate, tempo10, *spps):
    """--sync jack: play segments, each from MIDI Start (position 0) or Song Position Pointer +
    Continue (at the SPPs given, in 16ths, in order) to a Stop. Each segment's notes equal
    `trigseq dump` from its position, frame for frame (offset by its first frame); nothing comes
    before the first Start, at a Stop only note-offs, then nothing until the next segment."""
    rate, tempo10 = int(rate), int(tempo10)
    events = read_capture(capture)
    fa = [f for f, b in events if b == (0xFA,)]
    if not fa or events[0][0] < fa[0]:
        sys.exit("events before the first Start (FA), while the transport was stopped")
    bar = pos_to_frame(16 * 28800, rate, tempo10)
    spps = [int(x) for x in spps]
    # segments: (origin frame, position U, stop frame)
    segs = []
    starts = [k for k, (f, b) in enumerate(events) if b == (0xFA,) or b[0] == 0xF2]
    if len(starts) != 1 + len(spps):
        sys.exit(f"{len(starts)} Start/SPP messages, expected {1 + len(spps)}")
    for s_i, k in enumerate(starts):
        f, b = events[k]
        if s_i == 0:
            if b != (0xFA,):
                sys.exit("the first segment does not begin with Start (FA)")
            pos = 0
        else:
            if b[0] != 0xF2:
                sys.exit("a later segment begins with Start, not Song Position Pointer")
            got = b[1] | (b[2] << 7)
            if got != spps[s_i - 1]:
                sys.exit(f"segment {s_i + 1}: SPP {got}, expected {spps[s_i - 1]}")
            if (f, (0xFB,)) not in events[k:k + 4]:
                sys.exit(f"segment {s_i + 1}: no Continue (FB) with the SPP at frame {f}")
            pos = got * 28800
        fcs = [g for g, c in events[k:] if c == (0xFC,)]
        if not fcs:
            sys.exit(f"segment {s_i + 1}: no Stop (FC)")
        segs.append((f, pos, fcs[0]))
    report = []
    for s_i, (origin, pos, fc) in enumerate(segs):
        pf = pos_to_frame(pos, rate, tempo10)
        span = fc - origin
        if s_i == 0 and span < bar:
            sys.exit(f"the first segment is {span} frames, less than a bar ({bar})")
        got = [(f - origin + pf, b) for f, b in events
               if origin <= f < fc and b[0] not in REALTIME and b[0] != 0xF2]
        bars = (pf + span) // bar + 2
        out = subprocess.run([trigseq, "dump", pattern, "--bars", str(bars)],
                             check=True, capture_output=True, text=True).stdout
        want = []
        for line in out.splitlines():
            fields = line.split()
            fr = int(fields[0])
            if fields[1] == port and pf <= fr < pf + span:
                want.append((fr, tuple(int(x, 16) for x in fields[2:])))
        if got != want:
            for k, (g, w) in enumerate(zip(got + [None] * len(want), want + [None] * len(got))):
                if g != w:
                    print(f"segment {s_i + 1} (from position {pos}): first difference at event {k}: "
                          f"captured {g and fmt(g)}, dump {w and fmt(w)}")
                    break
            sys.exit(f"segment {s_i + 1}: captured {len(got)} events, dump has {len(want)}")
        if len(got) < 8:
            sys.exit(f"segment {s_i + 1}: only {len(got)} events")
        # the stop: note-offs (and FC) at its frame, nothing sounding, nothing until the next one
        nxt = segs[s_i + 1][0] if s_i + 1 < len(segs) else None
        at_stop = [b for f, b in events if f == fc and f != nxt]
        sounding = set()
        for f, b in events:
            if f > fc:
                break
            kind = b[0] & 0xF0
            if kind == 0x90 and b[2] > 0:
                sounding.add((b[0] & 15, b[1]))
            elif kind == 0x80 or kind == 0x90:
                sounding.discard((b[0] & 15, b[1]))
        late = [fmt((f, b)) for f, b in events if f > fc and (nxt is None or f < nxt)]
        if sounding or late or any(b != (0xFC,) and b[0] & 0xF0 != 0x80 for b in at_stop):
            sys.exit(f"segment {s_i + 1}: after the Stop at {fc}: sounding {sorted(sounding)}, "
                     f"later events {late[:4]}")
        report.append(f"{len(got)} events from 16th {pos // 28800}")
    print("segments equal to the dump, frame for frame: " + "; ".join(report)
          + "; nothing sounding or sent after each Stop")


def cmd_freeclock(capture, rate, tempo10):
    """--clock-while-stopped with --sync jack, transport stopped, played from 0, stopped: F8 alone
    before Start (on the grid floor(k*R*60/(T*24)+1/2) of some origin), Start and the engine's
    ticks from it, Stop, then F8 alone again on the grid of the last tick before the Stop; no two
    ticks closer than a tick interval - 1 frame anywhere."""
    rate, T = int(rate), Fraction(int(tempo10), 10)
    interval = Fraction(rate * 60) / (T * 24)

    def f(k):
        return floor(k * interval + Fraction(1, 2))

    events = read_capture(capture)
    kinds = [b[0] for _, b in events]
    if set(kinds) - {0xF8, 0xFA, 0xFC}:
        sys.exit(f"unexpected bytes on clock_out: {sorted(set(kinds) - {0xF8, 0xFA, 0xFC})}")
    if kinds.count(0xFA) != 1 or kinds.count(0xFC) != 1 or kinds.index(0xFA) > kinds.index(0xFC):
        sys.exit(f"expected one Start then one Stop: {kinds.count(0xFA)} FA, {kinds.count(0xFC)} FC")
    fa = next(fr for fr, b in events if b == (0xFA,))
    fc = next(fr for fr, b in events if b == (0xFC,))
    ia, ic = kinds.index(0xFA), kinds.index(0xFC)
    pre = [fr for fr, b in events[:ia]]
    run = [fr for fr, b in events[ia + 1:ic]]
    post = [fr for fr, b in events[ic + 1:]]
    ticks = pre + run + post
    short = [(a, b) for a, b in zip(ticks, ticks[1:]) if b - a < interval - 1]
    if short:
        sys.exit(f"ticks closer than a tick interval - 1 ({float(interval - 1):.3f}): {short[:4]}")
    if len(pre) < 48 or len(post) < 24 or len(run) < 48:
        sys.exit(f"too few ticks: {len(pre)} before Start, {len(run)} playing, {len(post)} after Stop")
    period = int(T * 1000)
    k0 = next((k for k in range(period + 1)
               if all(t - pre[0] == f(k + i) - f(k) for i, t in enumerate(pre))), None)
    if k0 is None:
        sys.exit("the ticks before Start are not on a floor(k*R*60/(T*24)+1/2) grid: intervals "
                 f"{sorted({b - a for a, b in zip(pre, pre[1:])})}")
    if run[0] != fa or any(t - fa != f(i) for i, t in enumerate(run)):
        sys.exit("the ticks after Start are not on the engine's grid from Start")
    last = run[-1]
    k1 = next((k for k in range(1, 4) if post[0] - last == f(k)), None)
    if k1 is None or any(t - last != f(k1 + i) for i, t in enumerate(post)):
        sys.exit(f"the ticks after Stop are not on the grid of the last tick: first {post[0] - last} "
                 "frames after it")
    print(f"{len(pre)} free ticks before Start on the grid, {len(run)} from Start, Stop, "
          f"{len(post)} free ticks after on the grid of the last tick (first {post[0] - last} "
          f"frames after it); intervals {sorted({b - a for a, b in zip(ticks, ticks[1:])})[:3]}, "
          f"gap at Start {pre[-1] and fa - pre[-1]}")


def cmd_bbt(capture, rate, bpm, period):
    """--sync jack with jack_transport as timebase master at `bpm`, tests/slave/every-step.tsq
    from Start: the BBT position is what trigseq follows. jack_transport advances its integer tick
    by nframes*1920*bpm/(rate*60) truncated each cycle, so its BBT runs at
    bpm*floor(x)/x with x that per-cycle advance: the ticks' mean interval must be that tempo's
    (to half a frame), every interval within 1% of it, and step n (note 59+n) on tick 6(n-1)."""
    rate, bpm, period = int(rate), float(bpm), int(period)
    x = period * 1920 * bpm / (rate * 60)
    eff = bpm * floor(x) / x
    want = rate * 60 / (eff * 24)
    events = read_capture(capture)
    fa = [f for f, b in events if b == (0xFA,)]
    if len(fa) != 1:
        sys.exit(f"{len(fa)} Start messages, expected 1")
    ticks = [f for f, b in events if b == (0xF8,) and f >= fa[0]]
    if len(ticks) < 96:
        sys.exit(f"only {len(ticks)} ticks from Start")
    iv = [b - a for a, b in zip(ticks, ticks[1:])]
    mean = (ticks[-1] - ticks[0]) / (len(ticks) - 1)
    if abs(mean - want) > 0.5:
        sys.exit(f"mean tick interval {mean:.2f} frames, expected {want:.2f} "
                 f"(BBT tempo {eff:.3f} BPM)")
    worst = max(abs(i - want) for i in iv)
    if worst > want / 100:
        sys.exit(f"a tick interval {worst:.1f} frames off {want:.2f}")
    ons = [(f, b[1]) for f, b in events if (b[0] & 0xF0) == 0x90 and b[2] > 0]
    for n, (f, note) in enumerate(ons):
        if note != 60 + n % 16:
            sys.exit(f"note-on {n} is note {note}, expected {60 + n % 16} (a step lost or doubled)")
        if 6 * n >= len(ticks):
            break
        if f != ticks[6 * n]:
            sys.exit(f"step {n + 1} at frame {f}, its tick 6*{n} at {ticks[6 * n]}")
    print(f"{len(ticks)} ticks, mean interval {mean:.2f} frames = {rate * 60 / (24 * mean):.2f} "
          f"BPM (jack_transport's BBT at {bpm:g}: {eff:.3f}), intervals {min(iv)}..{max(iv)}; "
          f"{len(ons)} steps in order, each on its tick")


def cmd_freestart(capture, rate, tempo10, period, min_free):
    """--clock-while-stopped with --sync int, JACK period P: F8 alone from the activation on the
    grid floor(k*R*60/(T*24)+1/2) of an origin that is a cycle's first frame, as is Start; Start at
    least a tick interval I - 1 frame after the last free tick and no later than the first frame
    of the cycle after the free tick it replaced (the start waits, by up to one tick); the engine's
    ticks from Start on its grid, up to Stop; nothing after Stop (free ticks are until the start).
    No two ticks closer than I - 1 frame anywhere."""
    rate, T, P = int(rate), Fraction(int(tempo10), 10), int(period)
    interval = Fraction(rate * 60) / (T * 24)

    def f(k):
        return floor(k * interval + Fraction(1, 2))

    events = read_capture(capture)
    kinds = [b[0] for _, b in events]
    if set(kinds) - {0xF8, 0xFA, 0xFC}:
        sys.exit(f"unexpected bytes on clock_out: {sorted(set(kinds) - {0xF8, 0xFA, 0xFC})}")
    if kinds.count(0xFA) != 1 or kinds.count(0xFC) != 1 or kinds.index(0xFA) > kinds.index(0xFC):
        sys.exit(f"expected one Start then one Stop: {kinds.count(0xFA)} FA, {kinds.count(0xFC)} FC")
    ia, ic = kinds.index(0xFA), kinds.index(0xFC)
    fa, fc = events[ia][0], events[ic][0]
    pre = [fr for fr, b in events[:ia]]
    run = [fr for fr, b in events[ia + 1:ic]]
    if ic != len(events) - 1:
        sys.exit(f"{len(events) - 1 - ic} events after Stop, e.g. {fmt(events[ic + 1])}: with --sync "
                 "int the free ticks are until the start only")
    ticks = pre + run
    short = [(a, b) for a, b in zip(ticks, ticks[1:]) if b - a < interval - 1]
    if short:
        sys.exit(f"ticks closer than a tick interval - 1 ({float(interval - 1):.3f}): {short[:4]}")
    if len(pre) < int(min_free) or len(run) < 48:
        sys.exit(f"too few ticks: {len(pre)} free before Start (want {min_free}), {len(run)} playing")
    # The free ticks are consecutive ticks of one grid whose origin (tick 0, the activation
    # cycle's first frame) is a whole number of periods before Start.
    mbpm = int(T * 1000)
    cycle = mbpm // gcd(rate * 2500, mbpm)  # the grid's intervals repeat after this many ticks
    k0 = next((k for k in range(cycle)
               if (fa - (pre[0] - f(k))) % P == 0 and all(t - pre[0] == f(k + i) - f(k) for i, t in enumerate(pre))), None)
    if k0 is None:
        sys.exit("the free ticks are not on a floor(k*R*60/(T*24)+1/2) grid from a cycle's first "
                 f"frame: intervals {sorted({b - a for a, b in zip(pre, pre[1:])})}")
    origin = pre[0] - f(k0)
    nxt = origin + f(k0 + len(pre))  # the free tick Start came instead of
    gap = fa - pre[-1]
    if gap < interval - 1 or fa - nxt > P:
        sys.exit(f"Start {gap} frames after the last free tick (interval {float(interval):.3f}); "
                 f"the next free tick was due {nxt - pre[-1]} frames after it, period {P}")
    if run[0] != fa or any(t - fa != f(i) for i, t in enumerate(run)):
        sys.exit("the ticks after Start are not on the engine's grid from Start")
    if fc - run[-1] > interval + 1:
        sys.exit(f"no tick in the {fc - run[-1]} frames before Stop")
    print(f"{len(pre)} free ticks on the grid of a cycle's first frame (the first captured is its "
          f"tick {k0}), Start {gap} frames after the last ({float(gap / interval):.2f} intervals; "
          f"the next was due at {nxt - pre[-1]}), {len(run)} engine ticks from Start, Stop, "
          "nothing after")


def cmd_monitor(capture, monitor, sent):
    """trigseq's MIDI monitor (tests/jack/monitor_dump.c output) against the peers: what it says
    was sent is what a capture of every output port got, frame for frame from Start; what it says
    was received is what send_midi sent (`sent`: "<frame> <hex>" lines), at the same frames."""
    events = read_capture(capture)
    fa, _ = start_stop(events)
    outs, ins, dropped = [], [], None
    for line in open(monitor, encoding="utf-8"):
        if line.startswith("dropped "):
            dropped = int(line.split()[1])
            continue
        head, _, text = line.partition(" | ")
        f = head.split()
        rec = (int(f[0]), tuple(int(b, 16) for b in f[3:]), text.strip())
        (outs if f[1] == "out" else ins).append(rec)
    if dropped != 0:
        sys.exit(f"the monitor dropped {dropped} records")
    mfa = [f for f, b, _ in outs if b == (0xFA,)]
    if len(mfa) != 1:
        sys.exit(f"expected one Start among the monitor's records, found {len(mfa)}")
    got = sorted((f - mfa[0], b) for f, b, _ in outs)
    want = sorted((f - fa, b) for f, b in events)
    if got != want:
        diff = sorted(set(got) ^ set(want))[:6]
        sys.exit(f"monitor: {len(got)} sent, capture: {len(want)}; first differences {diff}")
    expect = []
    for line in open(sent, encoding="utf-8"):
        f = line.split()
        data = tuple(int(b, 16) for b in f[1:])
        expect.append((int(f[0]), data))
    seen = sorted((f, b) for f, b, _ in ins)
    exp = sorted((f, (0xF0,) if b[0] == 0xF0 else b) for f, b in expect)
    if seen != exp:
        sys.exit(f"received per the monitor {seen}, sent {exp}")
    for (f, b), (_, _, text) in zip(sorted(expect), sorted(ins)):
        if b[0] == 0xF0 and f"sysex {len(b)} bytes" not in text:
            sys.exit(f"SysEx of {len(b)} bytes shown as '{text}'")
    notes = sum(1 for _, b, _ in outs if b[0] & 0xF0 == 0x90)
    print(f"{len(outs)} records sent ({notes} note-ons) equal the capture frame for frame; "
          f"{len(ins)} received at the frames sent; nothing dropped")


def cmd_bank(capture, step):
    """The editor's pattern modes: A (notes 60 ... 63) and B (72 ... 75), 4 steps each, chosen
    sequential (B), direct start (A), direct jump (B) while playing with --program-send 10.
    Every step sounds once on the 16th grid; B first sounds at a change point, from its step 1;
    A again at a 16th from its step 1; B again at a 16th at the step counted from A's start.
    The program changes (C9) come in the order chosen, each before its pattern sounds."""
    step = int(step)
    events = read_capture(capture)
    fa, _ = start_stop(events)
    ons = [(f - fa, b[1]) for f, b in events if b[0] == 0x90]
    pcs = [(f - fa, b[1]) for f, b in events if b[0] == 0xC9]
    if not ons:
        sys.exit("no notes")
    segs = []
    for f, n in ons:
        kind = "A" if 60 <= n <= 63 else "B" if 72 <= n <= 75 else "?"
        if not segs or segs[-1][0] != kind:
            segs.append([kind, f, []])
        segs[-1][2].append((f, n))
    kinds = "".join(s[0] for s in segs)
    if kinds != "ABAB":
        sys.exit(f"segments {kinds}, expected ABAB: {[(s[0], s[1]) for s in segs]}")
    frames = [f for f, _ in ons]
    gaps = {b - a for a, b in zip(frames, frames[1:])}
    if gaps != {step} or frames[0] != 0:
        sys.exit(f"steps not every {step} frames from 0: gaps {sorted(gaps)}")
    s1, s2, s3, s4 = (s[1] for s in segs)
    if s2 % (4 * step):
        sys.exit(f"sequential: B starts at {s2}, not at a change point (every {4 * step})")
    want = {0: (60, 0), 1: (72, s2), 2: (60, s3), 3: (72, s3)}
    for i, seg in enumerate(segs):
        base, origin = want[i]
        for f, n in seg[2]:
            if n != base + (f - origin) // step % 4:
                sys.exit(f"segment {i + 1} ({seg[0]}): note {n} at {f}, expected "
                         f"{base + (f - origin) // step % 4}")
    if [n for _, n in pcs] != [0, 1, 0, 1]:
        sys.exit(f"program changes {pcs}, expected 0 1 0 1")
    late = [(p, s) for (p, _), s in zip(pcs, (s1, s2, s3, s4)) if p > s]
    if late or pcs[0][0] != 0:
        sys.exit(f"program changes after their pattern: {late}, first at {pcs[0][0]}")
    print(f"A from 0, B at {s2} (change point), A at {s3} (direct start), B at {s4} "
          f"(direct jump, step {(s4 - s3) // step % 4 + 1}); program changes at "
          f"{[p for p, _ in pcs]}")


def cmd_recorded(capture, trigseq, pattern, cycle, *notes):
    """Notes recorded with micro timing: each note's first note-on in the capture (the preview,
    sent when its key was struck) and where the saved pattern plays it (trigseq dump) are at the
    same place of the pattern's cycle, to a few periods; the file has micro timing on them."""
    cycle = int(cycle)
    events = read_capture(capture)
    fa, _ = start_stop(events)
    # the second pass: one note-on a note there, none clamped to the start (a note early on step 1
    # sounds at the end of the pass before)
    out = subprocess.run([trigseq, "dump", pattern, "--bars", "3"], check=True,
                         capture_output=True, text=True).stdout
    diffs = []
    for n in (int(x) for x in notes):
        heard = [f - fa for f, b in events if b[0] == 0x90 and b[1] == n]
        if not heard:
            sys.exit(f"note {n} was not heard")
        dumped = [int(line.split()[0]) for line in out.splitlines()
                  if line.split()[2:4] == ["90", f"{n:02X}"]
                  and cycle <= int(line.split()[0]) < 2 * cycle]
        if len(dumped) != 1:
            sys.exit(f"note {n}: {len(dumped)} note-ons in the dump of the saved file")
        d = (heard[0] - dumped[0]) % cycle
        diffs.append(d - cycle if d >= cycle // 2 else d)
    if max(abs(d) for d in diffs) > 768:
        sys.exit(f"struck vs recorded (frames): {diffs}")
    text = open(pattern, encoding="utf-8").read()
    if " micro " not in text:
        sys.exit("no micro timing in the saved file")
    print(f"struck vs recorded, frames: {diffs} (a micro unit is {cycle // 16 // 24})")


if __name__ == "__main__":
    cmds = {"compare": cmd_compare, "clock": cmd_clock, "stopped": cmd_stopped, "mclk": cmd_mclk,
            "transport": cmd_transport, "freeclock": cmd_freeclock, "bbt": cmd_bbt,
            "freestart": cmd_freestart, "monitor": cmd_monitor, "bank": cmd_bank,
            "recorded": cmd_recorded, "song": cmd_song}
    cmds[sys.argv[1]](*sys.argv[2:])
