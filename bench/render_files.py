#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The files of the render benchmark (bench/render.sh), all from the one table TRACKS below, so
that trigseq and Hydrogen are given the same hits of the same samples.

usage: render_files.py write DIR BARS   DIR/samples/*.wav (12 samples, 48 kHz mono 16-bit),
                                        DIR/bench.tsq (the pattern, one bar, dest int) and
                                        DIR/bench.h2song (a 12-instrument kit whose layers are
                                        those files, the same bar BARS times)
       render_files.py info WAV...      per file: its name, seconds, rate and channels
       render_files.py diff A B SECONDS over the first SECONDS: the RMS of A in dBFS, and the RMS
                                        of A - B in dB relative to it

Every sample is at most as long as the shortest gap between two hits of its track: trigseq
cuts a track's sounding hit at its next one, Hydrogen lets hits of an instrument overlap, so
with overlaps the two would not mix the same voices. Velocities are the hits' own (retrig hits
computed as the pattern format says, §5.5); Hydrogen's velocity is vel/127, as trigseq's gain.
"""
import math
import os
import random
import struct
import sys
import wave
from xml.sax.saxutils import escape

RATE = 48000
TEMPO = 120
STEPS = 16
TICKS_PER_STEP = 12  # Hydrogen: 48 ticks a quarter note


# ---- the samples: deterministic, decaying, each a different sound ----

def sweep(f0, f1, decay):
    def f(t, _rng):
        # the phase of an exponential sweep from f0 to f1 over the decay time
        k = math.log(f1 / f0) / decay
        phase = 2 * math.pi * f0 * (math.exp(k * t) - 1) / k
        return math.sin(phase) * math.exp(-t / (decay / 3))
    return f


def noise(decay, tone=0.0, hz=0.0):
    def f(t, rng):
        n = rng.uniform(-1, 1) * (1 - tone) + tone * math.sin(2 * math.pi * hz * t)
        return n * math.exp(-t / decay)
    return f


def metal(partials, decay):
    def f(t, rng):
        s = sum(math.sin(2 * math.pi * p * t) for p in partials) / len(partials)
        return (0.8 * s + 0.2 * rng.uniform(-1, 1)) * math.exp(-t / decay)
    return f


def write_sample(path, seconds, shape, seed, gain=0.25):
    rng = random.Random(seed)
    n = int(seconds * RATE)
    frames = []
    for i in range(n):
        v = gain * shape(i / RATE, rng)
        # the last 2 ms fade out, so that the end is no click in either renderer
        v *= min(1.0, (n - i) / (0.002 * RATE))
        frames.append(struct.pack("<h", max(-32767, min(32767, round(v * 32767)))))
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(frames))


# ---- the pattern ----
# name, sample seconds, sound, {step: (vel, retrig rate denominator or 0, retrig-len, retrig-vel)}

def hits(steps, vel=100, **special):
    d = {s: (vel, 0, 0, 0) for s in steps}
    for k, v in special.items():
        d[int(k[1:])] = v
    return d


TRACKS = [
    ("kick", 0.24, sweep(160, 45, 0.24), hits([1, 4, 7, 9, 11, 13, 15], 120, s4=(90, 0, 0, 0),
                                               s15=(80, 0, 0, 0))),
    ("snare", 0.24, noise(0.06, 0.4, 190), hits([5, 8, 13, 15], 110, s8=(40, 0, 0, 0),
                                                 s15=(50, 0, 0, 0))),
    ("closed hat", 0.1, noise(0.02), {s: (100 if s % 2 else 60, 0, 0, 0) for s in range(1, 17)}),
    ("open hat", 0.22, noise(0.08), hits([3, 7, 11, 15], 80)),
    ("clap", 0.06, noise(0.015), hits([5, 13], 110, s13=(110, 32, 1, -40))),
    ("rim", 0.04, noise(0.005, 0.7, 1700), hits([2, 7, 10, 16], 90, s16=(100, 48, 1, -60))),
    ("low tom", 0.3, sweep(120, 75, 0.3), hits([11, 14], 100)),
    ("high tom", 0.2, sweep(220, 150, 0.2), hits([10, 12, 16], 95)),
    ("cowbell", 0.12, metal([540, 800], 0.05), hits([2, 6, 8], 85)),
    ("shaker", 0.06, noise(0.02), hits([2, 4, 6, 8, 10, 12, 14, 16], 70, s8=(70, 32, 1, 40))),
    ("ride", 0.45, metal([330, 457, 613, 890, 1190], 0.2), hits([1, 5, 9, 13], 90)),
    ("bass", 0.5, sweep(70, 50, 0.5), hits([1, 7, 11], 110, s7=(90, 0, 0, 0))),
]


def expand(steps):
    """Every hit of one bar: (tick, velocity), as the pattern format plays them."""
    out = []
    for step, (vel, rate, length, rvel) in sorted(steps.items()):
        t = (step - 1) * TICKS_PER_STEP
        if not rate:
            out.append((t, vel))
            continue
        n = 0
        while n == 0 or n * 16 / rate < length:
            n += 1
        for i in range(n):
            out.append((t + i * TICKS_PER_STEP * 16 // rate,
                        max(1, min(127, math.floor(vel + rvel * i / n + 0.5)))))
    return out


def sample_name(i, name):
    return "%02d-%s.wav" % (i + 1, name.replace(" ", "-"))


def write_tsq(path):
    lines = ["trigseq 1", "# The render benchmark (bench/render.sh): 12 sample tracks, written by",
             "# bench/render_files.py", 'name "render bench"', "tempo %d.0" % TEMPO,
             "length %d" % STEPS, ""]
    for i, (name, _sec, _shape, steps) in enumerate(TRACKS):
        grid = "".join("x" if s in steps else "." for s in range(1, STEPS + 1))
        lines += ['track %d "%s"' % (i + 1, name), '  sample "samples/%s"' % sample_name(i, name),
                  "  dest int", "  steps " + " ".join(grid[k:k + 4] for k in range(0, STEPS, 4))]
        for step, (vel, rate, length, rvel) in sorted(steps.items()):
            line = "  step %d vel %d" % (step, vel)
            if rate:
                line += " retrig=1/%d retrig-len %g retrig-vel %d" % (rate, length, rvel)
            lines.append(line)
        lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def write_h2song(path, sample_dir, bars):
    x = ['<?xml version="1.0" encoding="UTF-8"?>', "<song>", " <version>1.2.0</version>",
         " <bpm>%d</bpm>" % TEMPO, " <volume>1</volume>", " <metronomeVolume>0</metronomeVolume>",
         " <name>render bench</name>", " <author>trigseq bench/render_files.py</author>",
         " <notes></notes>", " <license>GPL-2.0-or-later</license>",
         " <loopEnabled>false</loopEnabled>", " <patternModeMode>true</patternModeMode>",
         " <playbackTrackFilename></playbackTrackFilename>",
         " <playbackTrackEnabled>false</playbackTrackEnabled>",
         " <playbackTrackVolume>0</playbackTrackVolume>", " <action_mode>0</action_mode>",
         " <mode>song</mode>", " <pan_law_type>RATIO_STRAIGHT_POLYGONAL</pan_law_type>",
         " <pan_law_k_norm>1.33333</pan_law_k_norm>", " <humanize_time>0</humanize_time>",
         " <humanize_velocity>0</humanize_velocity>", " <swing_factor>0</swing_factor>",
         " <componentList>", "  <drumkitComponent>", "   <id>0</id>", "   <name>Main</name>",
         "   <volume>1</volume>", "  </drumkitComponent>", " </componentList>",
         " <instrumentList>"]
    for i, (name, _sec, _shape, _steps) in enumerate(TRACKS):
        fields = [("id", i), ("name", escape(name)), ("drumkit", ""), ("volume", 1),
                  ("isMuted", "false"), ("isSoloed", "false"), ("pan", 0), ("gain", 1),
                  ("applyVelocity", "true"), ("filterActive", "false"), ("filterCutoff", 1),
                  ("filterResonance", 0), ("FX1Level", 0), ("FX2Level", 0), ("FX3Level", 0),
                  ("FX4Level", 0), ("Attack", 0), ("Decay", 0), ("Sustain", 1),
                  ("Release", 1000), ("pitchOffset", 0), ("randomPitchFactor", 0),
                  ("muteGroup", -1), ("isStopNote", "false"),
                  ("sampleSelectionAlgo", "VELOCITY"), ("midiOutChannel", -1),
                  ("midiOutNote", 36 + i), ("isHihat", -1), ("lower_cc", 0),
                  ("higher_cc", 127)]
        x.append("  <instrument>")
        x += ["   <%s>%s</%s>" % (k, v, k) for k, v in fields]
        layer = [("filename", escape(os.path.join(sample_dir, sample_name(i, name)))),
                 ("ismodified", "false"), ("smode", "forward"), ("startframe", 0),
                 ("loopframe", 0), ("loops", 0), ("endframe", 0), ("userubber", 0),
                 ("rubberdivider", 1), ("rubberCsettings", 4), ("rubberPitch", 1), ("min", 0),
                 ("max", 1), ("gain", 1), ("pitch", 0)]
        x += ["   <instrumentComponent>", "    <component_id>0</component_id>",
              "    <gain>1</gain>", "    <layer>"]
        x += ["     <%s>%s</%s>" % (k, v, k) for k, v in layer]
        x += ["    </layer>", "   </instrumentComponent>", "  </instrument>"]
    x += [" </instrumentList>", " <patternList>", "  <pattern>", "   <name>bench</name>",
          "   <category>bench</category>", "   <size>%d</size>" % (STEPS * TICKS_PER_STEP),
          "   <denominator>4</denominator>", "   <info></info>", "   <noteList>"]
    for i, (_name, _sec, _shape, steps) in enumerate(TRACKS):
        for tick, vel in expand(steps):
            x += ["    <note>", "     <position>%d</position>" % tick, "     <leadlag>0</leadlag>",
                  "     <velocity>%.6f</velocity>" % (vel / 127), "     <pan>0</pan>",
                  "     <pitch>0</pitch>", "     <probability>1</probability>",
                  "     <key>C0</key>", "     <length>-1</length>",
                  "     <instrument>%d</instrument>" % i, "     <note_off>false</note_off>",
                  "    </note>"]
    x += ["   </noteList>", "  </pattern>", " </patternList>", " <virtualPatternList/>",
          " <patternSequence>"]
    x += ["  <group>", "   <patternID>bench</patternID>", "  </group>"] * bars
    x += [" </patternSequence>", " <ladspa/>", " <BPMTimeLine/>", " <timeLineTag/>",
          " <automationPaths/>", "</song>", ""]
    with open(path, "w") as f:
        f.write("\n".join(x))


def write(out, bars):
    sample_dir = os.path.join(os.path.abspath(out), "samples")
    os.makedirs(sample_dir, exist_ok=True)
    bar_ticks = STEPS * TICKS_PER_STEP
    frames_per_tick = RATE * 60 / (TEMPO * 48)
    total = 0
    for i, (name, sec, shape, steps) in enumerate(TRACKS):
        ticks = [t for t, _v in expand(steps)]
        gaps = [b - a for a, b in zip(ticks, ticks[1:] + [ticks[0] + bar_ticks])]
        if sec * RATE > min(gaps) * frames_per_tick:
            sys.exit("render_files.py: %s lasts longer than its shortest gap" % name)
        write_sample(os.path.join(sample_dir, sample_name(i, name)), sec, shape, seed=i + 1)
        total += len(ticks)
    write_tsq(os.path.join(out, "bench.tsq"))
    write_h2song(os.path.join(out, "bench.h2song"), sample_dir, bars)
    print("%d tracks, %d hits a bar, %d bars at %d BPM" % (len(TRACKS), total, bars, TEMPO))


# ---- reading the results back ----

def read(path, seconds=None):
    with wave.open(path, "rb") as w:
        ch, width, rate, n = w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()
        if seconds is not None:
            n = min(n, int(seconds * rate))
        raw = w.readframes(n)
    full = float(1 << (8 * width - 1))
    if width == 2:
        vals = [v / full for v in struct.unpack("<%dh" % (len(raw) // 2), raw)]
    elif width == 3:
        vals = [int.from_bytes(raw[k:k + 3], "little", signed=True) / full
                for k in range(0, len(raw), 3)]
    else:
        vals = [v / full for v in struct.unpack("<%di" % (len(raw) // 4), raw)]
    return rate, ch, vals


def db(v):
    return 20 * math.log10(v) if v > 0 else -math.inf


def info(paths):
    for p in paths:
        with wave.open(p, "rb") as w:
            print("%s %.3f %d %d" % (p, w.getnframes() / w.getframerate(), w.getframerate(),
                                     w.getnchannels()))


def diff(a, b, seconds):
    _ra, cha, va = read(a, seconds)
    _rb, chb, vb = read(b, seconds)
    if cha != chb:
        sys.exit("render_files.py: %d against %d channels" % (cha, chb))
    n = min(len(va), len(vb))
    sa = sum(v * v for v in va[:n])
    sd = sum((x - y) ** 2 for x, y in zip(va[:n], vb[:n]))
    print("%.1f %.1f" % (db(math.sqrt(sa / n)), db(math.sqrt(sd / sa)) if sa else 0.0))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "write" and len(sys.argv) == 4:
        write(sys.argv[2], int(sys.argv[3]))
    elif cmd == "info" and len(sys.argv) > 2:
        info(sys.argv[2:])
    elif cmd == "diff" and len(sys.argv) == 5:
        diff(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    else:
        sys.exit(__doc__)


main()
