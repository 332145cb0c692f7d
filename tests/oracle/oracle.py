#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An independent second implementation of spec/pattern-format.md section 5 and 6.

Written from the spec (and the decisions in the README), not from src/engine.c, with exact
rational arithmetic (fractions.Fraction) and a plain event simulation instead of the engine's
integer units and look-ahead queue. tests/cli/oracle.sh compares its output with `trigseq dump`
for every example pattern; a difference means one of the two misreads the spec.

usage: oracle.py FILE... [--bars N] [--rate HZ] [--bpm T] [--seed S] [--fill] [--clock]
Several files play as a chain (README "Using it" and "Engine semantics where the spec is silent",
"Chains"); a `.tss` file plays as a song (spec/song-format.md §5: row instances, repeats, the
tempo map, mutes, loops, the end), and a chain is the song `row A`, `row B` ... `loop 1 inf`
(§5.6). Only canonical files are read (run `trigseq fmt` first); the parser here is
deliberately small. Times are positions in 1x steps (exact fractions) from the start, turned
into frames only by the tempo map.
"""
import argparse
import bisect
import heapq
import math
import os
import shlex
import sys
from fractions import Fraction as F

SPEEDS = {'2x': F(2), '3/2x': F(3, 2), '1x': F(1), '3/4x': F(3, 4), '1/2x': F(1, 2),
          '1/4x': F(1, 4), '1/8x': F(1, 8)}
PERCENTS = [1, 3, 4, 6, 9, 13, 19, 25, 33, 41, 50, 59, 67, 75, 81, 87, 91, 94, 96, 98, 99, 100]
PC = {'C': 0, 'D': 2, 'E': 4, 'F': 5, 'G': 7, 'A': 9, 'B': 11}
MASK64 = (1 << 64) - 1


def note_value(text):
    if text[0].isdigit():
        return int(text)
    pc = PC[text[0]]
    rest = text[1:]
    if rest[:1] == '#':
        pc, rest = pc + 1, rest[1:]
    elif rest[:1] == 'b':
        pc, rest = pc - 1, rest[1:]
    return (int(rest) + 1) * 12 + pc


def length_value(text):
    """A gate or retrig length in steps, or None for inf."""
    return None if text == 'inf' else F(text)


class Track:
    def __init__(self, n):
        self.n = n
        self.channel = n
        self.port = 'midi_out'
        self.notes = [60]
        self.velocity = 100
        self.gate = F(1)
        self.length = None
        self.speed = None
        self.send_midi = True
        self.mute = False
        self.prob = 100
        self.program = None
        self.base_cc = {}
        self.retrig_rate = 16
        self.retrig_len = F(1)
        self.retrig_vel = 0
        self.sample = ''
        self.dest = 'ext'
        self.grid = ''
        self.trigs = {}       # step number -> attribute dict
        self.euclid = None    # euclid.md §3.3: {'pl1': …, 'pl2', 'ro1', 'ro2', 'tro', 'op'}

    def hits(self):
        """Step number -> the grid step it plays (euclid.md §3.3.1); every step itself without
        euclid."""
        n = self.length
        if self.euclid is None:
            return {s: s for s in range(1, n + 1)}
        e = self.euclid
        a = rot(bjorklund(e['pl1'], n), e['ro1'])
        b = rot(bjorklund(e['pl2'], n), e['ro2'])
        op = {'or': lambda x, y: x | y, 'xor': lambda x, y: x ^ y, 'and': lambda x, y: x & y,
              'sub': lambda x, y: x & (1 - y)}[e['op']]
        h = rot([op(x, y) for x, y in zip(a, b)], e['tro'])
        steps = [i + 1 for i in range(n) if h[i]]
        return {s: k for k, s in enumerate(steps, 1)}


def bjorklund(k, n):
    """E(k, n), word for word the algorithm of euclid.md §3.3.1."""
    k = max(0, min(k, n))
    if k == 0:
        return [0] * n
    if k == n:
        return [1] * n
    a, b = [[1] for _ in range(k)], [[0] for _ in range(n - k)]
    while len(b) > 1:
        m = min(len(a), len(b))
        a, b = [a[i] + b[i] for i in range(m)], a[m:] + b[m:]
    return [x for group in a + b for x in group]


def rot(x, r):
    n = len(x)
    return [x[(i - r) % n] for i in range(n)]


def strip_comment(line):
    """Cut a comment: a '#' that begins a token, outside quotes (spec section 1)."""
    quoted = False
    for i, c in enumerate(line):
        if c == '"' and (i == 0 or line[i - 1] != '\\'):
            quoted = not quoted
        elif c == '#' and not quoted and (i == 0 or line[i - 1] in ' \t'):
            return line[:i]
    return line


def parse(path):
    pat = {'tempo': F(120), 'swing': 50, 'mode': 'normal', 'length': 16, 'speed': '1x',
           'accent': 32}
    tracks = [Track(n) for n in range(1, 13)]
    cur = None
    with open(path, encoding='utf-8') as f:
        for raw in f:
            toks = shlex.split(strip_comment(raw))
            if not toks or toks[0] == 'trigseq':
                continue
            key, args = toks[0], toks[1:]
            if key == 'track':
                cur = tracks[int(args[0]) - 1]
            elif cur is None:
                if key == 'tempo':
                    pat['tempo'] = F(args[0])
                elif key in ('swing', 'accent', 'change'):
                    pat[key] = args[0] if args[0] == 'off' else int(args[0])
                elif key == 'length':
                    pat['length'] = None if args[0] == 'inf' else int(args[0])
                elif key in ('mode', 'speed', 'name'):
                    pat[key] = args[0]
            elif key == 'steps':
                cur.grid = ''.join(args)
            elif key == 'euclid':
                e = {'pl1': 0, 'pl2': 0, 'ro1': 0, 'ro2': 0, 'tro': 0, 'op': 'or'}
                for name, v in zip(args[::2], args[1::2]):
                    e[name] = v if name == 'op' else int(v)
                cur.euclid = e
            elif key == 'step':
                cur.trigs[int(args[0])] = parse_trig(args[1:])
            elif key == 'channel':
                cur.channel = None if args[0] == 'off' else int(args[0])
            elif key == 'note':
                cur.notes = [note_value(x) for x in args[0].split('+')]
            elif key == 'gate':
                cur.gate = length_value(args[0])
            elif key == 'retrig-len':
                cur.retrig_len = length_value(args[0])
            elif key == 'retrig-rate':
                cur.retrig_rate = int(args[0].split('/')[1])
            elif key == 'cc':
                for pair in args:
                    c, v = pair.split('=')
                    cur.base_cc[int(c)] = int(v)
            elif key in ('send-midi', 'mute'):
                setattr(cur, key.replace('-', '_'), args[0] == 'on')
            elif key == 'speed':
                cur.speed = args[0]
            elif key in ('port', 'sample', 'dest'):
                setattr(cur, key, args[0])
            elif key in ('velocity', 'length', 'prob', 'program', 'retrig-vel'):
                setattr(cur, key.replace('-', '_'), int(args[0]))
    for t in tracks:
        if pat['mode'] == 'normal' or t.length is None:
            t.length = pat['length'] if pat['mode'] == 'normal' else 16
        if pat['mode'] == 'normal' or t.speed is None:
            t.speed = pat['speed']
        if not t.grid:
            t.grid = '.' * t.length
    return pat, tracks


def parse_trig(toks):
    a = {'locks': []}
    i = 0
    while i < len(toks):
        k = toks[i]
        if k in ('slide', 'swing', 'noswing', 'retrig'):
            a[k] = True
        elif k.startswith('retrig='):
            a['retrig'] = True
            a['retrig_rate'] = int(k.split('/')[1])
        elif k == 'cc':
            i += 1
            while i < len(toks) and '=' in toks[i] and toks[i][0].isdigit():
                c, v = toks[i].split('=')
                a['locks'].append((int(c), int(v)))
                i += 1
            continue
        else:
            v = toks[i + 1]
            i += 1
            if k == 'note':
                a['notes'] = [note_value(x) for x in v.split('+')]
            elif k in ('gate', 'retrig-len'):
                a[k] = length_value(v)
            elif k == 'cond':
                a['cond'] = v
            else:
                a[k] = int(v)
        i += 1
    return a


def mix64(z):
    """The splitmix64 finaliser."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def draw100(seed, track, start_pos):
    """The documented draw (README, "Probability"): a function of seed, track and the step's start
    position in units of S1/28800; unbiased 0 ... 99 by rejecting the top partial block."""
    g, h = 0x9E3779B97F4A7C15, 0xD1B54A32D192ED03
    key = (seed ^ ((track * g) & MASK64) ^ ((start_pos * h) & MASK64)) & MASK64
    limit = (1 << 64) - ((1 << 64) % 100)
    k = 0
    while True:
        x = mix64((key + k * g) & MASK64)
        if x < limit:
            return x % 100
        k += 1


def parse_song(path):
    """A canonical `.tss` (song-format §3): (song tempo or None, rows, statements); rows are dicts
    with the pattern file resolved against the song's folder."""
    folder = os.path.dirname(os.path.abspath(path))
    tempo, rows, stmts = None, [], []
    with open(path, encoding='utf-8') as f:
        for raw in f:
            toks = shlex.split(strip_comment(raw))
            if not toks or toks[0] == 'trigseq-song':
                continue
            key, args = toks[0], toks[1:]
            if key == 'tempo':
                tempo = F(args[0])
            elif key == 'row':
                r = {'file': os.path.realpath(os.path.join(folder, args[0])), 'repeat': 1,
                     'length': None, 'tempo': None, 'mute': set()}
                for i in range(1, len(args), 2):
                    k, v = args[i], args[i + 1]
                    if k == 'mute':
                        r['mute'] = {int(x) for x in v.split(',')}
                    elif k == 'tempo':
                        r['tempo'] = F(v)
                    else:
                        r[k] = int(v)
                stmts.append(('row', len(rows)))
                rows.append(r)
            elif key == 'loop':
                stmts.append(('loop', int(args[0]) - 1, None if args[1] == 'inf' else int(args[1])))
    return tempo, rows, stmts


def song_walk(rows, stmts):
    """The rows played, in order (song-format §3.1); a generator (it may never end)."""
    count = {}
    pc = 0
    start_of = {st[1]: i for i, st in enumerate(stmts) if st[0] == 'row'}
    while pc < len(stmts):
        st = stmts[pc]
        if st[0] == 'row':
            yield st[1]
            pc += 1
        elif st[2] is None or count.get(pc, 0) < st[2]:
            count[pc] = count.get(pc, 0) + 1
            pc = start_of[st[1]]
        else:
            count[pc] = 0
            pc += 1


def change_after(pat, s1):
    """Time from a pattern's start to its change point, or None (README, "Chains"): `change`
    master steps (`change off`: `length`), at the pattern speed in normal mode and the master
    speed in advanced mode (both are the pattern-level `speed`); advanced `length inf` with
    `change off` has none."""
    steps = pat.get('change', 'off')
    if steps == 'off':
        steps = pat['length']
    if steps is None:
        return None
    return steps * s1 / SPEEDS[pat['speed']]


def run(args):
    song_file = len(args.files) == 1 and args.files[0].endswith('.tss')
    if song_file:
        song_tempo, rows, stmts = parse_song(args.files[0])
        files = []
        for r in rows:
            if r['file'] not in files:
                files.append(r['file'])
        pats = [parse(f) for f in files]
        for r in rows:
            r['pi'] = files.index(r['file'])
        if song_tempo is None:
            song_tempo = pats[rows[0]['pi']][0]['tempo']
    else:
        pats = [parse(f) for f in args.files]
        rows = [{'pi': i, 'repeat': 1, 'length': None, 'tempo': None, 'mute': set()}
                for i in range(len(pats))]
        stmts = [('row', i) for i in range(len(pats))] + [('loop', 0, None)]
        song_tempo = pats[0][0]['tempo']          # the chain plays at one tempo
    if args.bpm:
        song_tempo = F(args.bpm)
    rate = args.rate
    s1 = F(1)                                     # times are positions, in 1x steps
    step_len = {(pi, t.n): s1 / SPEEDS[t.speed] for pi, (_, ts) in enumerate(pats) for t in ts}
    max_step = max(step_len.values())

    # 0. Row instances (song-format §5.1): (pattern index, start, end or None, period, repeat,
    # tempo, mutes). A single pattern file has no change points: one endless instance.
    bars = args.bars
    if bars is None:      # a song plays to its end, one that never ends 4 bars; a chain 4 bars
        endless = any(st[0] == 'loop' and st[2] is None for st in stmts)
        bars = 4 if endless or not song_file else None
    limit = None if bars is None else F(16 * bars)
    segs = []
    c = F(0)
    for ri in song_walk(rows, stmts) if (song_file or len(pats) > 1) else [0]:
        r = rows[ri]
        pat = pats[r['pi']][0]
        period = (r['length'] * s1 / SPEEDS[pat['speed']]) if r['length'] else \
            change_after(pat, s1)
        if period is None or not (song_file or len(pats) > 1):
            segs.append((r['pi'], c, None, None, 1, r['tempo'] or song_tempo, r['mute']))
            break
        d = period * r['repeat']
        segs.append((r['pi'], c, c + d, period, r['repeat'], r['tempo'] or song_tempo, r['mute']))
        c += d
        if limit is not None and c > limit + 2 * max_step:
            break
    song_end = None
    if song_file and segs[-1][2] is not None and (limit is None or segs[-1][2] <= limit):
        song_end = segs[-1][2]

    # The tempo map (song-format §5.2): segments (q_s, F_s, T_s); F_{s+1} is where the old tempo
    # puts the boundary.
    tmap = []
    for (_, q0, _, _, _, tempo, _) in segs:
        if not tmap:
            tmap.append((F(0), 0, tempo))
        elif tempo != tmap[-1][2]:
            qs, fs, ts = tmap[-1]
            tmap.append((q0, math.floor(fs + (q0 - qs) * F(rate * 60) / (ts * 4) + F(1, 2)), tempo))
    tmap_q = [m[0] for m in tmap]

    def frame(q):
        qs, fs, ts = tmap[bisect.bisect_right(tmap_q, q) - 1] if q >= 0 else tmap[0]
        return math.floor(fs + (q - qs) * F(rate * 60) / (ts * 4) + F(1, 2))

    end_q = limit if song_end is None else (song_end if limit is None else min(limit, song_end))
    end = frame(end_q)
    horizon = end_q + max_step * 2

    # 1. Every step instance up to the horizon, with its pass, in evaluation order. Each row
    # instance starts every track at step 1 of pass 1; each repeat restarts the tracks at step 1
    # with passes counting on (song-format §5.3); steps starting at or after the end of their
    # repeat are not played (a step straddling it is cut).
    inst = []
    for si, (pi, c0, c1, period, repeat, _, _) in enumerate(segs):
        if c0 >= horizon:
            break
        pat, tracks = pats[pi]
        master = None
        if pat['mode'] == 'advanced' and pat['length']:
            master = pat['length'] * s1 / SPEEDS[pat['speed']]
        for t in tracks:
            s = step_len[(pi, t.n)]
            passes = 0
            for rep in range(repeat):
                rs = c0 if period is None else c0 + rep * period
                stop = horizon if c1 is None else min(rs + period, horizon)
                reset = rs
                while reset < stop:
                    cycle_end = reset + master if master else stop
                    j = 0
                    while reset + j * s < min(cycle_end, stop):
                        k = j % t.length + 1
                        if k == 1:
                            passes += 1
                        inst.append((reset + j * s, t.n, k, passes, si))
                        j += 1
                    reset = cycle_end
    inst.sort(key=lambda x: (x[0], x[1]))

    # 2. Evaluate conditions in that order; collect fired trigs.
    hitmaps = {(pi, t.n): t.hits() for pi, (_, ts) in enumerate(pats) for t in ts}
    last = {}
    draw = lambda n, start: draw100(args.seed, n, int(start / s1 * 28800))
    fires = []
    cur_seg = 0
    for seq, (start, n, k, passno, si) in enumerate(inst):
        if si != cur_seg:       # a new pattern: stored pre/nei results start empty
            last = {}
            cur_seg = si
        pi, c0 = segs[si][0], segs[si][1]
        pat, tracks = pats[pi]
        t = tracks[n - 1]
        # Under euclid only hits play, hit k the trig of grid step k with '.' as 'x' (euclid.md
        # §3.3.2); its step start and swing stay those of step k here.
        g = hitmaps[(pi, n)].get(k)
        if g is None:
            continue
        ch = t.grid[g - 1]
        if t.euclid is not None and ch == '.':
            ch = 'x'
        if ch in '.-' or t.mute or n in segs[si][6]:
            continue
        a = t.trigs.get(g, {'locks': []})
        cond = a.get('cond')
        if cond is None:
            if t.prob < 100 and draw(n, start) >= t.prob:
                continue
        else:
            if cond in ('pre', '!pre', 'nei', '!nei'):
                src = n if cond.endswith('pre') else n - 1
                r = last.get(src)
                ok = bool(r) if not cond.startswith('!') else (r is None or not r)
            else:
                if cond in ('fill', '!fill'):
                    ok = args.fill == (cond == 'fill')
                elif cond in ('1st', '!1st'):
                    ok = (passno == 1) == (cond == '1st')
                elif cond.endswith('%'):
                    ok = draw(n, start) < int(cond[:-1])
                else:
                    ca, cb = map(int, cond.split(':'))
                    ok = (passno - 1) % cb + 1 == ca
                last[n] = ok
            if not ok:
                continue
        s = step_len[(pi, n)]
        swung = (k % 2 == 0) if not (a.get('swing') or a.get('noswing')) else bool(a.get('swing'))
        tt = start + (F(2 * pat['swing'], 100) - 1) * s * swung + F(a.get('micro', 0), 24) * s
        # Never before the pattern's start: pass 1, a master length shorter than a negative micro
        # offset, or the first steps after a change point.
        if tt < c0:
            tt = c0
        fires.append((tt, n, k, ch, a, seq, si))

    # 3. Simulate emission in (frame, track, class, seq) order.
    out = []
    queue = []
    counter = [0]

    def push(t_exact, n, cls, action, order=None):
        counter[0] += 1
        key = order if order is not None else (counter[0], 0, 0)
        heapq.heappush(queue, (frame(t_exact), n, cls, key, t_exact, action))

    for f in fires:
        push(f[0], f[1], 1, ('fire',) + f, order=(f[5], 0, 0))
    for si in range(1, len(segs)):
        # The change point: after the clock tick, before every track's events of its frame.
        push(segs[si][1], 0, 1, ('change', si))
    if args.clock:
        k = 0
        while frame(k * s1 / 6) < end:
            push(k * s1 / 6, 0, 0, ('tick',))
            k += 1

    sounding = {}           # (port, ch, note) -> dict(track, off_id, held)
    prev_locks = {n: set() for n in range(1, 13)}
    inf_retrig = {}         # (track, start, seq) of an endless retrig -> time it stops, or None
    stop_at_change = set()  # endless retrigs whose stop is still their pattern's change point
    off_ids = [0]

    def midi(t):
        return t.channel is not None and t.send_midi and t.dest != 'int'

    # Voices (README "Voices"): dest int or int+ext with a sample. Their events are the note-ons
    # MIDI would send, with holds, slides and ties of the track's own: vheld[track][note] is how
    # the voice holds the note ('slide', 'inf' or None), whatever the channels do.
    def voice(t):
        return t.dest != 'ext' and t.sample != ''

    vheld = {n: {} for n in range(1, 13)}

    def emit(fr, port, *b):
        out.append((fr, port, b))

    def note_off(fr, key):
        emit(fr, key[0], 0x80 + key[1] - 1, key[2], 0x40)
        del sounding[key]

    def note_on(fr, t, note, vel, off_time, held, order):
        key = (t.port, t.channel, note)
        if key in sounding:
            note_off(fr, key)
        emit(fr, t.port, 0x90 + t.channel - 1, note, vel)
        off_ids[0] += 1
        sounding[key] = {'track': t.n, 'off_id': off_ids[0], 'held': held}
        if off_time is not None:
            push(off_time, t.n, 0, ('off', key, off_ids[0]), order=order)

    def take_over(t, key, off_time, held, order):
        """A tied note: not re-sent; it now belongs to the new trig and its gate."""
        off_ids[0] += 1
        sounding[key] = {'track': t.n, 'off_id': off_ids[0], 'held': held}
        if off_time is not None:
            push(off_time, t.n, 0, ('off', key, off_ids[0]), order=order)

    other_note_trig = {(pi, t.n): sum(t.grid[g - 1] in ('xX.' if t.euclid else 'xX')
                                      for g in hitmaps[(pi, t.n)].values()) > 1
                       for pi, (_, ts) in enumerate(pats) for t in ts}

    def setup(tracks):
        """Program changes and base ccs of a pattern's tracks, as at frame 0."""
        pre = []
        for t in tracks:
            if not midi(t):
                continue
            if t.program is not None:
                pre.append((t.port, (0xC0 + t.channel - 1, t.program)))
            for c in sorted(t.base_cc):
                pre.append((t.port, (0xB0 + t.channel - 1, c, t.base_cc[c])))
        return pre

    if True:  # frame 0: programs and base ccs, after clock start
        if args.clock:
            emit(0, 'clock_out', 0xFA)
        pending_pre = [(0, port, b) for port, b in setup(pats[segs[0][0]][1])]

    while queue and queue[0][0] < end:
        fr, n, cls, order, t_exact, action = heapq.heappop(queue)
        if pending_pre is not None and not (action[0] == 'tick' and fr == 0):
            out.extend(pending_pre)
            pending_pre = None
        if action[0] == 'tick':
            emit(fr, 'clock_out', 0xF8)
            continue
        if action[0] == 'change':
            # The notes the old pattern holds end, lock returns start afresh, then the new
            # pattern's programs and base ccs.
            # By track, then in the order the notes started (a chord in its written order).
            held = [k2 for k2, v in sounding.items() if v['held']]
            for key in sorted(held, key=lambda k2: (sounding[k2]['track'], sounding[k2]['off_id'])):
                note_off(fr, key)
            for m in prev_locks:
                prev_locks[m] = set()
                vheld[m] = {}
            for port, b in setup(pats[segs[action[1]][0]][1]):
                emit(fr, port, *b)
            continue
        if action[0] == 'off':
            key, oid = action[1], action[2]
            if key in sounding and sounding[key]['off_id'] == oid:
                note_off(fr, key)
            continue
        si = action[-1]
        pi = segs[si][0]
        pat, tracks = pats[pi]
        t = tracks[n - 1]
        if action[0] == 'hit':
            _, i, nh, notes, vel, hit_len, rv, interval, start_t, slide, _ = action
            stop = inf_retrig.get((n, start_t, order[0]))
            if nh is None and stop is not None and t_exact >= stop:
                continue
            vo = play_hit(t, fr, t_exact, i, nh, notes, vel, hit_len, rv, interval, start_t, slide,
                          push, note_on, midi(t), frozenset(), order, si,
                          vheld[n] if voice(t) else None, frozenset())
            out.extend(vo)
            continue
        if action[0] == 'fire':
            _, tt, _, k, ch, a, seq, _ = action
            # A note trig ends an infinite retrig of its track at this time.
            if ch in 'xX':
                for gen, v in list(inf_retrig.items()):
                    if gen[0] == n and (v is None or (gen in stop_at_change and tt < v)):
                        inf_retrig[gen] = tt
                        stop_at_change.discard(gen)
            if ch in 'xX' and not midi(t) and voice(t):
                push(tt, n, 2, ('notes', tt, k, ch, a, si), order=(seq, 0, 0))
            if not midi(t):
                continue
            c0 = t.channel - 1
            locks = a['locks']
            for c, v in locks:
                emit(fr, t.port, 0xB0 + c0, c, v)
            now = {c for c, _ in locks}
            for c in sorted(prev_locks[n] - now):
                if c in t.base_cc:
                    emit(fr, t.port, 0xB0 + c0, c, t.base_cc[c])
            prev_locks[n] = now
            if ch in 'xX':
                # Its notes come after the locks of every trig of this frame and track, and in
                # trig order with the hits of earlier retrigs (the newest trig sounds last).
                push(tt, n, 2, ('notes', tt, k, ch, a, si), order=(seq, 0, 0))
            continue
        _, tt, k, ch, a, _ = action
        notes = a.get('notes', t.notes)
        vel = a.get('vel', t.velocity)
        if ch == 'X':
            vel = min(127, vel + pat['accent'])
        gate = a.get('gate', t.gate) if 'gate' in a else t.gate
        # Infinite gates of this track end at its next note-on, before it (in the order played).
        # Held notes end in the order they were held: by the trig that holds them, a chord in
        # its written order (a tied note is held again by the new trig). A trig that sends no
        # MIDI (a voice-only track of another pattern of the chain or song, sounding late)
        # ends none of the MIDI notes its track number holds.
        by_hold = lambda keys: sorted(keys, key=lambda k2: sounding[k2]['off_id'])
        mine = lambda how: by_hold([k2 for k2, v in sounding.items()
                                    if v['track'] == n and v['held'] == how]) if midi(t) else []
        for key in mine('inf'):
            note_off(fr, key)
        held = mine('slide')
        tied = {key for key in held if key[2] in notes}
        vh = vheld[n] if voice(t) else None
        vslid, vtied, vo = [], set(), []
        if vh is not None:
            for x in [x for x, m in vh.items() if m == 'inf']:
                vh[x] = None
            vslid = [x for x, m in vh.items() if m == 'slide']
            vtied = {x for x in vslid if x in notes}
        s = step_len[(pi, n)]
        slide = bool(a.get('slide')) and other_note_trig[(pi, n)]
        if a.get('retrig'):
            d = a.get('retrig_rate', t.retrig_rate)
            lr = a.get('retrig-len', t.retrig_len)
            interval = F(16, d)
            nh = None if lr is None else max(1, math.ceil(lr / interval))
            rv = a.get('retrig-vel', t.retrig_vel)
            hit_len = interval if gate is None else min(gate, interval)
            if nh is None:
                # It stops at the next note trig, and at the latest at its change point.
                inf_retrig[(n, tt, order[0])] = segs[si][2]
                if segs[si][2] is not None:
                    stop_at_change.add((n, tt, order[0]))
            vo = play_hit(t, fr, tt, 0, nh, notes, vel, hit_len * s, rv, interval * s, tt, slide,
                          push, note_on, midi(t), tied, order, si, vh, vtied, take_over)
        else:
            hold = 'slide' if slide else ('inf' if gate is None else None)
            for idx, note in enumerate(notes):
                if vh is not None:
                    if note not in vtied:
                        vo.append((fr, 'voice', (0x90, note, vel)))
                    vh[note] = hold
                if not midi(t):
                    continue
                key = (t.port, t.channel, note)
                if key in tied:
                    take_over(t, key, None if hold else tt + gate * s, hold, (order[0], 0, idx))
                    continue
                note_on(fr, t, note, vel, None if hold else tt + gate * s, hold, (order[0], 0, idx))
        for key in held:
            if key not in tied and key in sounding and sounding[key]['held'] == 'slide' \
                    and sounding[key]['track'] == n:
                note_off(fr, key)
        for x in vslid:
            if x not in vtied and vh[x] == 'slide':
                vh[x] = None
        # A hit's voice events come right after its MIDI.
        out.extend(vo)

    if pending_pre is not None:
        out.extend(pending_pre)
    # Stop: clock Stop, then every sounding note by track, then port (in the chain's port order:
    # midi_out, then the others by first use, pattern by pattern, track by track), channel and
    # ascending note. A track of a chain may hold notes on several ports and channels.
    ports = ['midi_out']
    for _, ts in pats:
        for t in ts:
            if t.port not in ports:
                ports.append(t.port)
    if args.clock:
        emit(end, 'clock_out', 0xFC)
    for key in sorted(sounding, key=lambda k2: (sounding[k2]['track'], ports.index(k2[0]),
                                                k2[1], k2[2])):
        emit(end, key[0], 0x80 + key[1] - 1, key[2], 0x40)
    for fr, port, b in out:
        print(fr, port, ' '.join('%02X' % x for x in b))


def play_hit(t, fr, t_exact, i, nh, notes, vel, hit_len, rv, interval, start_t, slide,
             push, note_on, midi, tied, order, si, vh, vtied, take_over=None):
    """One retrig hit: its MIDI (when midi), and its voice events (when vh, the voice's holds, is
    not None), returned for the caller to emit after the hit's MIDI."""
    vo = []
    if nh is None:
        v = vel
    else:
        x = F(vel) + F(rv * i, nh)
        v = max(1, min(127, math.floor(x + F(1, 2))))
    # The last hit slides; an endless retrig that slides holds every hit (the next re-strikes it).
    last = i == nh - 1 if nh is not None else True
    for idx, note in enumerate(notes):
        off = None if (slide and last) else t_exact + hit_len
        hold = 'slide' if (slide and last) else None
        if vh is not None:
            if note not in vtied:
                vo.append((fr, 'voice', (0x90, note, v)))
            vh[note] = hold
        if not midi:
            continue
        if (t.port, t.channel, note) in tied:
            take_over(t, (t.port, t.channel, note), off, hold, (order[0], i, idx))
            continue
        note_on(fr, t, note, v, off, hold, (order[0], i, idx))
    if nh is None or i + 1 < nh:
        push(start_t + (i + 1) * interval, t.n, 2,
             ('hit', i + 1, nh, notes, vel, hit_len, rv, interval, start_t, slide, si),
             order=(order[0], i + 1, 0))
    return vo


def main():
    p = argparse.ArgumentParser()
    p.add_argument('files', nargs='+', metavar='FILE')
    p.add_argument('--bars', type=int, default=None)
    p.add_argument('--rate', type=int, default=48000)
    p.add_argument('--bpm', type=str, default=None)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--fill', action='store_true')
    p.add_argument('--clock', action='store_true')
    run(p.parse_args())


if __name__ == '__main__':
    sys.exit(main())
