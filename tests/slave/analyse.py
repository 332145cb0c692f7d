#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks of trigseq as a MIDI clock slave, on captures made by jack_midi_dump -a.

Every capture here has the master's output and trigseq's midi_out connected to the same
jack_midi_dump input, so the master's ticks and our notes are timed by the same monitor in the
same cycles (its timestamps count frames since its own start); jitter_clock's junk-free copy
of its output is what the monitor gets. The pattern is
tests/slave/every-step.tsq: a note-on on every step, pitch 59 + step (60 ... 75), channel 1.

For jitter_clock (a master written for these tests) the clock file it prints gives each tick's
true frame on the master's grid, the frame it was sent at, and its song tick, in absolute JACK
frames. The capture is aligned to it tick by tick: the k-th tick seen by the monitor is the k-th
tick sent, which gives the monitor's offset at every tick (it stays constant unless the monitor
skipped a cycle; either way each note is aligned with the tick before it).

Each subcommand prints one line of figures and exits 1 when the check fails.
"""
import re
import sys
from math import sqrt

TRANSPORT = {0xFA, 0xFB, 0xFC}


def read_capture(path):
    """[(frame, [bytes])] in capture order, every byte of each event."""
    events = []
    for line in open(path, encoding="utf-8", errors="replace"):
        m = re.match(r"\s*(\d+):\s+((?:[0-9a-f]{2}(?:\s|$))+)", line)
        if m:
            events.append((int(m.group(1)), [int(t, 16) for t in m.group(2).split()]))
    return events


def our_notes(events):
    """Our note-ons (frame, step 0-15) and note-offs (frame, pitch): channel 1, pitches 60-75,
    velocity 100 / 64, exactly three bytes (the masters' junk is told apart by that)."""
    ons, offs = [], []
    for f, b in events:
        if len(b) == 3 and b[0] == 0x90 and 60 <= b[1] <= 75 and b[2] == 100:
            ons.append((f, b[1] - 60))
        elif len(b) == 3 and b[0] == 0x80 and 60 <= b[1] <= 75 and b[2] == 64:
            offs.append((f, b[1]))
    return ons, offs


def master_ticks(events):
    """Frames of the master's ticks (our midi_out sends none)."""
    return [f for f, b in events if b == [0xF8]]


def read_clock(path):
    """jitter_clock's output: ([(true, sent, song)], {kind: [sent frames]})."""
    ticks, marks = [], {}
    for line in open(path, encoding="utf-8"):
        p = line.split()
        if not p:
            continue
        if p[0] == "#":
            marks.setdefault(p[1], []).append(int(p[2]))
        else:
            ticks.append((int(p[0]), int(p[1]), int(p[2])))
    return ticks, marks


def align(events, ticks):
    """Monitor frame -> absolute frame, from the k-th captured tick = the k-th sent tick."""
    cap = master_ticks(events)
    if len(cap) != len(ticks):
        sys.exit(f"the capture has {len(cap)} ticks of the master, it sent {len(ticks)}")
    offs = [c - t[1] for c, t in zip(cap, ticks)]
    distinct = sorted(set(offs))

    def to_abs(frame):
        i = 0
        lo, hi = 0, len(cap) - 1
        while lo <= hi:  # the last captured tick at or before frame
            mid = (lo + hi) // 2
            if cap[mid] <= frame:
                i, lo = mid, mid + 1
            else:
                hi = mid - 1
        return frame - offs[i]

    return to_abs, distinct, cap


def rms(xs):
    m = sum(xs) / len(xs)
    return sqrt(sum((x - m) ** 2 for x in xs) / len(xs)), m


def match_steps(ons, want, rate, tol_ms, what):
    """ons: [(abs frame, step%16)], want: [(step, frame of its tick)], same order; exactly one
    note-on per step, the right step, within tol_ms of the tick."""
    if len(ons) != len(want):
        sys.exit(f"{what}: {len(ons)} note-ons for {len(want)} steps (a step lost or doubled)")
    worst = 0.0
    for (f, pitch), (step, tick) in zip(ons, want):
        if pitch != step % 16:
            sys.exit(f"{what}: step {step + 1} played pitch {60 + pitch}, not {60 + step % 16}")
        err = (f - tick) * 1000.0 / rate
        worst = max(worst, abs(err))
        if abs(err) > tol_ms:
            sys.exit(f"{what}: step {step + 1} at {err:+.3f} ms from its tick (limit {tol_ms})")
    return worst


def cmd_steady(capture, clock, rate, max_ratio, skip_s="10"):
    """Our steps' jitter around the true grid against a naive follower's (the sent ticks)."""
    rate, max_ratio, skip = int(rate), float(max_ratio), float(skip_s) * int(rate)
    events = read_capture(capture)
    ticks, _ = read_clock(clock)
    to_abs, distinct, _ = align(events, ticks)
    ons, _ = our_notes(events)
    ons = [(to_abs(f), p) for f, p in ons]
    steps = [(song // 6, true, sent) for true, sent, song in ticks if song % 6 == 0]
    match_steps(ons, [(s, t) for s, t, _ in steps], rate, 3.0, "steady master")
    t0 = ticks[0][0]
    ours = [(f - t) * 1000.0 / rate for (f, _), (s, t, _) in zip(ons, steps) if t - t0 >= skip]
    naive = [(n - t) * 1000.0 / rate for s, t, n in steps if t - t0 >= skip]
    if len(ours) < 20:
        sys.exit(f"only {len(ours)} steps after the first {skip_s} s")
    r_ours, m_ours = rms(ours)
    r_naive, m_naive = rms(naive)
    worst = max(abs(x - m_ours) for x in ours)
    ratio = r_ours / r_naive
    print(f"RMS {r_ours:.3f} ms vs naive {r_naive:.3f} ms (ratio {ratio:.3f}, limit {max_ratio}) "
          f"over {len(ours)} steps after {skip_s} s of {len(steps)}; mean offset {m_ours:.3f} ms "
          f"(naive {m_naive:.3f}), max |error - offset| {worst:.3f} ms; monitor offsets {distinct}")
    if ratio > max_ratio:
        sys.exit(1)


def cmd_click(capture_path, clock, rate, tol_ms):
    """The metronome following the master (audio_capture of audio_out_1): a click within tol_ms
    of the true frame of every beat (song tick a multiple of 24) from the first click on, none
    elsewhere, accented (1.5 kHz, not 1 kHz) on every fourth beat from song tick 0."""
    sys.path.insert(0, f"{sys.path[0]}/../jack")
    from audio import capture  # pylint: disable=import-outside-toplevel
    rate, tol = int(rate), float(tol_ms)
    frame0, _, cap = capture(capture_path)
    left = cap[0::2]
    clicks, silent = [], 100
    for i, v in enumerate(left):
        if abs(v) > 0.05:
            if silent >= 100:
                # the click's sine starts at 0: its first frame above 0.05 is its second
                crossings = sum((left[j] > 0) != (left[j + 1] > 0) for j in range(i, i + 480))
                clicks.append((frame0 + i - 1, crossings > 25))
            silent = 0
        else:
            silent += 1
    ticks, _ = read_clock(clock)
    beats = [(true, song) for true, _, song in ticks if song % 24 == 0]
    if not clicks:
        sys.exit("no click in the capture")
    beats = [b for b in beats if b[0] >= clicks[0][0] - tol * rate / 1000]
    beats = [b for b in beats if b[0] <= clicks[-1][0] + tol * rate / 1000]
    if len(clicks) != len(beats) or len(clicks) < 8:
        sys.exit(f"{len(clicks)} clicks for {len(beats)} beats of the master")
    worst = 0.0
    for (f, accent), (true, song) in zip(clicks, beats):
        err = (f - true) * 1000.0 / rate
        worst = max(worst, abs(err))
        if abs(err) > tol or accent != (song % 96 == 0):
            sys.exit(f"the click of song tick {song}: {err:+.3f} ms from the beat, "
                     f"{'accented' if accent else 'plain'}")
    print(f"{len(clicks)} clicks on {len(beats)} beats of the master, {sum(a for _, a in clicks)} "
          f"accented on the bars; max |error| {worst:.3f} ms (limit {tol})")


def cmd_wander(capture, rate, tol_ms, min_runs="2"):
    """jack_midi_clock: each run from Start to Stop plays step k on the master's tick 6k, from
    step 1, none lost or doubled; after each Stop nothing sounds."""
    rate, tol = int(rate), float(tol_ms)
    events = read_capture(capture)
    ons, offs = our_notes(events)
    starts = [f for f, b in events if b == [0xFA]]
    stops = [f for f, b in events if b == [0xFC]]
    cap = master_ticks(events)
    if len(starts) < int(min_runs) or len(stops) != len(starts):
        sys.exit(f"{len(starts)} Starts and {len(stops)} Stops in the capture")
    worst, nsteps, intervals = 0.0, 0, []
    for run, (a, z) in enumerate(zip(starts, stops)):
        tk = [f for f in cap if a <= f < z]
        intervals += [y - x for x, y in zip(tk, tk[1:])]
        want = [(k // 6, f) for k, f in enumerate(tk) if k % 6 == 0]
        got = [(f, p) for f, p in ons if a <= f <= z]
        # a step due on the tick Stop replaced may have been played on the predicted grid
        if len(got) == len(want) + 1 and got[-1][0] - tk[-1] <= (tk[-1] - tk[-7]) / 6 * 1.1:
            got = got[:-1]
        worst = max(worst, match_steps(got, want, rate, tol, f"run {run + 1}"))
        nsteps += len(want)
        sounding = set()
        for f, b in events:
            if f > z:
                break
            if len(b) == 3 and b[0] == 0x90 and b[2] > 0:
                sounding.add(b[1])
            elif len(b) == 3 and b[0] == 0x80:
                sounding.discard(b[1])
        if sounding:
            sys.exit(f"run {run + 1}: notes {sorted(sounding)} still sound after Stop")
    if any(a < z and any(z < f < a2 for f, _ in ons) for a, z, a2 in
           zip(starts, stops, starts[1:] + [10**18])):
        sys.exit("a note-on between a Stop and the next Start")
    spread = 100.0 * (max(intervals) - min(intervals)) / (sum(intervals) / len(intervals))
    print(f"max |step - master tick| {worst:.3f} ms (limit {tol}) over {nsteps} steps in "
          f"{len(starts)} runs from Start, none lost or doubled, note-offs at each Stop; master "
          f"intervals {min(intervals)} ... {max(intervals)} frames ({spread:.1f}% spread)")


def cmd_transport(capture, clock, rate):
    """Stop after N ticks, SPP S, Continue: steps to the Stop, silence, then from step S+1."""
    rate = int(rate)
    events = read_capture(capture)
    ticks, marks = read_clock(clock)
    to_abs, _, _ = align(events, ticks)
    ons, offs = our_notes(events)
    ons = [(to_abs(f), p) for f, p in ons]
    stop, cont = marks["stop"][0], marks["continue"][0]
    before = [(song // 6, true) for true, sent, song in ticks if song % 6 == 0 and sent < stop]
    after = [(song // 6, true) for true, sent, song in ticks if song % 6 == 0 and sent >= cont]
    w1 = match_steps([o for o in ons if o[0] < stop], before, rate, 3.0, "before Stop")
    if any(stop <= f < cont for f, _ in ons):
        sys.exit("a note-on between Stop and Continue")
    cap_stop = [f for f, b in events if b == [0xFC]][0]
    sounding = set()
    for f, b in events:
        if f > cap_stop:
            break
        if len(b) == 3 and b[0] == 0x90:
            sounding.add(b[1])
        elif len(b) == 3 and b[0] == 0x80:
            sounding.discard(b[1])
    if sounding:
        sys.exit(f"notes {sorted(sounding)} still sound after Stop")
    w2 = match_steps([o for o in ons if o[0] >= cont], after, rate, 3.0, "after Continue")
    print(f"{len(before)} steps to the Stop, note-offs at it, none in the pause, then steps "
          f"{after[0][0] + 1} ... {after[-1][0] + 1} from the SPP; max |step - true tick| "
          f"{max(w1, w2):.3f} ms")


def cmd_loss(capture, clock, rate, stderr_path):
    """The master goes silent without Stop: no note after one step past the last tick, and
    --verbose says unlocked."""
    rate = int(rate)
    events = read_capture(capture)
    ticks, _ = read_clock(clock)
    to_abs, _, cap = align(events, ticks)
    ons, _ = our_notes(events)
    last = cap[-1]
    step = 6 * (cap[-1] - cap[0]) / (len(cap) - 1)
    late = [f for f, _ in ons if f > last + step]
    want = [(song // 6, true) for true, sent, song in ticks if song % 6 == 0]
    got = [(to_abs(f), p) for f, p in ons]
    if len(got) == len(want) + 1:
        got = got[:-1]  # the step on the tick that never came, played on the predicted grid
    match_steps(got, want, rate, 3.0, "until the loss")
    if late:
        sys.exit(f"{len(late)} note-ons more than a step after the last tick: it ran away")
    err = open(stderr_path, encoding="utf-8").read()
    lost = [l for l in err.splitlines() if "unlocked" in l and "master running" in l]
    if not lost:
        sys.exit("--verbose never said unlocked while the master was still running")
    print(f"{len(want)} steps, none after the last tick + one step; status: "
          f"{lost[0].split(', ')[1]} ({lost[0].split(', ')[2]})")


def cmd_garbage(capture, clock, rate):
    """Junk and ticks inside other messages on clock_in: every step still on the grid."""
    rate = int(rate)
    events = read_capture(capture)
    ticks, _ = read_clock(clock)
    to_abs, _, _ = align(events, ticks)
    ons, _ = our_notes(events)
    ons = [(to_abs(f), p) for f, p in ons]
    want = [(song // 6, true) for true, sent, song in ticks if song % 6 == 0]
    worst = match_steps(ons, want, rate, 3.0, "with garbage")
    print(f"{len(want)} steps, max |step - true tick| {worst:.3f} ms")


def note_pairs(events, what):
    """Every note-off of ours ends a note that sounds; returns {note-on frame: note-off frame}."""
    sounding, pairs = {}, {}
    for f, b in events:
        if len(b) == 3 and b[0] == 0x90 and 60 <= b[1] <= 75 and b[2] == 100:
            if b[1] in sounding:
                sys.exit(f"{what}: pitch {b[1]} on again at {f} while it sounds")
            sounding[b[1]] = f
        elif len(b) == 3 and b[0] == 0x80 and 60 <= b[1] <= 75 and b[2] == 64:
            if b[1] not in sounding:
                sys.exit(f"{what}: a note-off for pitch {b[1]} at {f}, which does not sound (doubled)")
            pairs[sounding.pop(b[1])] = f
    if sounding:
        sys.exit(f"{what}: pitches {sorted(sounding)} never switched off")
    return pairs


def cmd_spp(capture, clock, rate):
    """Song Position Pointers while running (jitter_clock --spp-at): step k on the master's tick
    6k of the song as each SPP sets it, none lost or doubled around a jump; what sounds at an SPP
    is switched off at its frame, and no note-off comes twice."""
    rate = int(rate)
    events = read_capture(capture)
    ticks, marks = read_clock(clock)
    to_abs, _, _ = align(events, ticks)
    ons, _ = our_notes(events)
    ons = [(to_abs(f), p) for f, p in ons]
    want = [(song // 6, true) for true, sent, song in ticks if song % 6 == 0]
    worst = match_steps(ons, want, rate, 3.0, "around the SPPs")
    pairs = note_pairs(events, "around the SPPs")
    spps = [f for f, b in events if b[0] == 0xF2]
    if len(spps) != len(marks.get("spp", [])) or not spps:
        sys.exit(f"the capture has {len(spps)} SPPs, the master sent {len(marks.get('spp', []))}")
    report = []
    for s in spps:
        across = [(on, off) for on, off in pairs.items() if on < s < off]
        if across:
            sys.exit(f"the note from {across[0][0]} sounds across the SPP at {s} until {across[0][1]}")
        cut = sum(1 for on, off in pairs.items() if on < s == off)
        step = next(st for (f, _), (st, _) in zip(ons, want) if f > to_abs(s))
        report.append(f"SPP at {s}: {cut} note-off there, then step {step + 1}")
    print(f"{len(want)} steps on the song the SPPs set, none lost or doubled, max |step - true "
          f"tick| {worst:.3f} ms; " + "; ".join(report))


def cmd_resume(capture, clock, rate, first_ms, other_ms):
    """The clock is lost without Stop, then resumes (jitter_clock --lose-after --resume-after):
    every step on the tick 6k of the ticks received, none lost or doubled; the first step after
    the resumed tick within first_ms of its true tick, every other one within other_ms. The
    resumed tick must not carry a step itself (that one is played where the grid predicted it,
    before the loss)."""
    rate, first_tol, other_tol = int(rate), float(first_ms), float(other_ms)
    events = read_capture(capture)
    ticks, _ = read_clock(clock)
    to_abs, _, _ = align(events, ticks)
    ons, _ = our_notes(events)
    ons = [(to_abs(f), p) for f, p in ons]
    # the resumed tick: the one after the longest silence
    r = max(range(1, len(ticks)), key=lambda i: ticks[i][1] - ticks[i - 1][1])
    pause, resumed = ticks[r][1] - ticks[r - 1][1], ticks[r]
    if resumed[2] % 6 == 0:
        sys.exit(f"the resumed tick is song tick {resumed[2]}, a step: choose another loss")
    want = [(song // 6, true) for true, sent, song in ticks if song % 6 == 0]
    match_steps(ons, want, rate, max(first_tol, other_tol), "across the clock loss")
    k = next(i for i, (step, true) in enumerate(want) if true > resumed[0])
    errs = [(f - true) * 1000.0 / rate for (f, _), (_, true) in zip(ons, want)]
    first = ons[k][0] - want[k][1]
    others = [abs(e) for i, e in enumerate(errs) if i != k]
    print(f"{len(want)} steps, none lost or doubled; {pause} frames without a tick after song "
          f"tick {ticks[r - 1][2]}; the first step after the resumed tick (step {want[k][0] + 1}, "
          f"{want[k][1] - resumed[0]} frames after it) {first:+d} frames ({first * 1000.0 / rate:+.3f} "
          f"ms) from its true tick (limit {first_tol} ms); the others within {max(others):.3f} ms "
          f"(limit {other_tol} ms)")
    if abs(first) * 1000.0 / rate > first_tol or max(others) > other_tol:
        sys.exit(1)


if __name__ == "__main__":
    cmds = {"steady": cmd_steady, "wander": cmd_wander, "transport": cmd_transport,
            "loss": cmd_loss, "garbage": cmd_garbage, "spp": cmd_spp,
            "resume": cmd_resume, "click": cmd_click}
    cmds[sys.argv[1]](*sys.argv[2:])
