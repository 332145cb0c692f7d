#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An independent builder of Analog Rytm pattern dumps, from the layout facts of
spec/rytm-semantics.md section 7 (not from trigseq's code), and a checker of what trigseq imports.

  rytm_gen.py random SEED [--layout 4|5] > DESC.json   a description trigseq can hold entirely
  rytm_gen.py rich > DESC.json                         every field, plus what trigseq cannot hold
  rytm_gen.py build DESC.json --layout 4|5 [--number N] -o OUT.syx
  rytm_gen.py check DESC.json OUT.tsq [--layout 4|5]   the .tsq against the description
  rytm_gen.py song SONG.json [--number N] -o OUT.syx  a song dump (song-format.md §7):
                                                       {"name", "rows": [{"repeats", "positions":
                                                       [[pattern, [muted tracks]]]}], "high"}
  rytm_gen.py message DUMP_ID N -o OUT.syx            another dump type around N raw bytes
  rytm_gen.py corrupt IN.syx KIND -o OUT.syx           checksum|product|version|truncate|length|
                                                       cutpayload|dumpid|trailing|highbit, or
                                                       realtime|workbuffer (still valid)

A description is JSON: pattern fields (tempo_raw = BPM x 120, swing_raw, mode, master_len,
master_chg, master_speed, kit) and "tracks": 13 objects (12 drum tracks, then FX) with length,
speed, send_midi, prob, def_note/def_vel/def_len and "trigs": {step (0-based): trig}. A trig has
flags (a list of mute accent swing slide retrig trigless switch noenable), note/vel/len (null =
default),
micro, cond (127 = none), rate/rlen/rvel, sound (null = none). "plocks": [[track, type, {step:
value}]]. Fields trigseq does not hold that export writes with fixed values (see the README) take
those values unless the description says otherwise (quant, def_sw, euclid, pad_scale, root).
A track's euclidean fields (FW 1.70, euclid.md §3.3.3) are raw bytes: euclid (0x279: on << 7 |
op), pl1, pl2, ro1, ro2, tro (63 = no rotation). The hit grid is the oracle's (tests/oracle).
"""
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'oracle'))
from oracle import bjorklund, rot  # noqa: E402  (euclid.md §3.3.1, written from the spec)

# ---- layouts (section 7.3, 7.4) ----

V5 = dict(version=5, raw=13101, track=0x281, flags16=False, notes=0x70, vels=0xB0, lens=0xF0,
          micro=0x130, rlen=0x170, rrate=0x1B0, rvel=0x1F0, def_note=0x230, def_vel=0x231,
          def_len=0x232, def_sw=0x233, trk_len=0x235, quant=0x236, sound=0x237, speed=0x277,
          prob=0x278, euclid=0x279, pad_scale=0x27F, root=0x280, lanes=0x2091, mlen=0x3321,
          mchg=0x3323, kit=0x3325, swing=0x3326, mode=0x3327, mspeed=0x3328, gquant=0x3329,
          bpm=0x332A)
V4 = dict(version=3, raw=13205, track=0x289, flags16=True, notes=0x80, vels=0xC0, lens=0x100,
          micro=0x140, rlen=0x180, rrate=0x1C0, rvel=0x200, def_note=0x240, def_vel=0x241,
          def_len=0x242, def_sw=0x243, trk_len=0x246, quant=0x247, sound=0x248, speed=0x288,
          prob=None, euclid=None, pad_scale=None, root=None, lanes=0x20F9, mlen=0x3389,
          mchg=0x338B, kit=0x338D, swing=0x338E, mode=0x338F, mspeed=0x3390, gquant=0x3391,
          bpm=0x3392)

# section 7.5: bit numbers per layout
BITS5 = dict(enable=0, retrig=1, mute=2, accent=3, swing=4, slide=5, en_lfo=6, sw_syn=7,
             sw_smp=8, sw_env=9, sw_lfo=10, en_syn=11, en_smp=12, en_env=13)
BITS4 = dict(enable=0, mute=2, accent=3, swing=4, slide=5, sw_syn=7, sw_smp=8, sw_env=9,
             sw_lfo=10, en_syn=11, en_smp=12, en_env=13, en_lfo=14, retrig=15)


def flag_word(flags, bits):
    names = [] if 'noenable' in flags else ['enable']
    for f in flags:
        if f == 'trigless':
            names += ['en_syn', 'en_smp', 'en_env', 'en_lfo']
        elif f == 'switch':      # SYN locked off: a partial switch lock
            names += ['en_syn']
        elif f == 'noenable':
            pass
        else:
            names.append(f)
    w = 0
    for n in names:
        w |= 1 << bits[n]
    return w


def track_defaults(i, desc):
    normal = desc['mode'] == 'normal'
    t = dict(length=desc['length'] if normal else 16, speed=desc['master_speed'], send_midi=False,
             prob=100, def_note=60, def_vel=100, def_len=14, trigs={}, quant=0, def_sw=0x0780,
             euclid=0, pl1=0, pl2=0, ro1=63, ro2=63, tro=63, pad_scale=255, root=0x60)
    return t


# ---- euclidean tracks (euclid.md §3.3) ----

OPS = ['or', 'xor', 'and', 'sub']


def euclid_of(t):
    """What trigseq imports from a track's raw euclid bytes, or None (bit 7 clear)."""
    if not t.get('euclid', 0) & 0x80:
        return None
    return dict(op=OPS[t['euclid'] & 3], pl1=min(64, t['pl1']), pl2=min(64, t['pl2']),
                ro1=min(126, t['ro1']) - 63, ro2=min(126, t['ro2']) - 63,
                tro=min(126, t['tro']) - 63)


def hit_steps(eu, n):
    """0-based steps that are hits, in order: hit k + 1 plays stored step k."""
    a = rot(bjorklund(eu['pl1'], n), eu['ro1'])
    b = rot(bjorklund(eu['pl2'], n), eu['ro2'])
    f = {'or': lambda x, y: x | y, 'xor': lambda x, y: x ^ y, 'and': lambda x, y: x & y,
         'sub': lambda x, y: x & (1 - y)}[eu['op']]
    h = rot([f(x, y) for x, y in zip(a, b)], eu['tro'])
    return [i for i in range(n) if h[i]]


def holds_value(g):
    """A stored step with something of a trig besides ENABLE and SWING."""
    fl = [f for f in g.get('flags', []) if f not in ('noenable', 'swing')]
    return bool(fl) or any(g.get(k) is not None for k in ('note', 'vel', 'len', 'sound')) or \
        g.get('micro', 0) != 0 or g.get('cond', 127) != 127 or g.get('rlen', 14) != 14 or \
        g.get('rate', 9) != 9 or g.get('rvel', 0) != 0


def euclid_swing_bits(t, length):
    """Rewrite the SWING flags of a euclid track as export writes them: the bit of a hit step is
    the swing of the trig playing there; each trig keeps whether it is swung where it plays."""
    hits = hit_steps(euclid_of(t), length)
    trigs = t['trigs']
    play = {i: (hits[i] if i < len(hits) else i) for i in range(length)}
    swung = {i: 'swing' in trigs[str(i)]['flags'] for i in range(length) if str(i) in trigs}
    even = lambda s: (s + 1) % 2 == 0

    def bit_of(i, s):   # trig i (swung or not where it plays) written at step s
        attr = None if swung[i] == even(play[i]) else swung[i]
        return even(s) if attr is None else attr
    k_of = {s: k for k, s in enumerate(hits)}
    for s in range(length):
        if s in k_of:
            b = bit_of(k_of[s], s) if k_of[s] in swung else even(s)
        else:
            b = bit_of(s, s) if s in swung else False
        g = trigs.get(str(s))
        if g is not None:
            g['flags'] = [f for f in g['flags'] if f != 'swing'] + (['swing'] if b else [])
        elif b:
            trigs[str(s)] = dict(flags=['noenable', 'swing'])


def pack7(raw):
    out = bytearray()
    for i in range(0, len(raw), 7):
        group = raw[i:i + 7]
        top = 0
        for j, b in enumerate(group):
            top |= (b >> 7) << (6 - j)
        out.append(top)
        out += bytes(b & 0x7F for b in group)
    return bytes(out)


def build_raw(desc, L):
    raw = bytearray(L['raw'])
    raw[0:4] = bytes([0, 0, 0, L['version']])
    for i in range(13):
        t = dict(track_defaults(i, desc))
        t.update(desc['tracks'][i])
        base = 4 + i * L['track']
        words = [0] * 64
        for s in range(64):
            raw[base + L['notes'] + s] = 0xFF
            raw[base + L['vels'] + s] = 0xFF
            raw[base + L['lens'] + s] = 0xFF
            raw[base + L['micro'] + s] = 0xC0
            raw[base + L['rlen'] + s] = 0x80 | 14
            raw[base + L['rrate'] + s] = 0xE0 | 9
            raw[base + L['rvel'] + s] = 0
            raw[base + L['sound'] + s] = 0xFF
        for key, g in t['trigs'].items():
            s = int(key)
            words[s] = flag_word(g.get('flags', []), BITS4 if L['flags16'] else BITS5)
            cond = g.get('cond', 127)
            note = g.get('note')
            raw[base + L['notes'] + s] = (0x7F if note is None else note) | ((cond >> 6) & 1) << 7
            raw[base + L['vels'] + s] = 0xFF if g.get('vel') is None else g['vel']
            raw[base + L['lens'] + s] = 0xFF if g.get('len') is None else g['len']
            raw[base + L['micro'] + s] = (g.get('micro', 0) & 0x3F) | ((cond >> 4) & 3) << 6
            raw[base + L['rlen'] + s] = g.get('rlen', 14) | ((cond >> 3) & 1) << 7
            raw[base + L['rrate'] + s] = g.get('rate', 9) | (cond & 7) << 5
            raw[base + L['rvel'] + s] = g.get('rvel', 0) & 0xFF
            if g.get('sound') is not None:
                raw[base + L['sound'] + s] = g['sound']
        if L['flags16']:
            for s, w in enumerate(words):
                raw[base + 2 * s] = w >> 8
                raw[base + 2 * s + 1] = w & 0xFF
        else:
            bitstr = ''.join(format(w, '014b') for w in words)
            for k in range(112):
                raw[base + k] = int(bitstr[8 * k:8 * k + 8], 2)
        raw[base + L['def_note']] = t['def_note']
        raw[base + L['def_vel']] = t['def_vel']
        raw[base + L['def_len']] = t['def_len']
        raw[base + L['def_sw']] = t['def_sw'] >> 8
        raw[base + L['def_sw'] + 1] = t['def_sw'] & 0xFF
        raw[base + L['trk_len']] = t['length']
        raw[base + L['quant']] = t['quant']
        raw[base + L['speed']] = t['speed'] | (0x80 if t['send_midi'] else 0)
        if L['prob'] is not None:
            raw[base + L['prob']] = t['prob']
            raw[base + L['euclid']:base + L['euclid'] + 6] = bytes(
                [t['euclid'], t['pl1'], t['pl2'], t['ro1'], t['ro2'], t['tro']])
            raw[base + L['pad_scale']] = t['pad_scale']
            raw[base + L['root']] = t['root']
    for k in range(72):
        lane = L['lanes'] + 66 * k
        raw[lane:lane + 66] = b'\xff' * 66
    for k, (trk, typ, steps) in enumerate(desc.get('plocks', [])):
        lane = L['lanes'] + 66 * k
        raw[lane] = typ
        raw[lane + 1] = trk
        for s, v in steps.items():
            raw[lane + 2 + int(s)] = v
    raw[L['mlen']:L['mlen'] + 2] = desc['master_len'].to_bytes(2, 'big')
    raw[L['mchg']:L['mchg'] + 2] = desc['master_chg'].to_bytes(2, 'big')
    raw[L['kit']] = desc.get('kit', 0xFF)
    raw[L['swing']] = desc['swing_raw']
    raw[L['mode']] = 1 if desc['mode'] == 'advanced' else 0
    raw[L['mspeed']] = desc['master_speed']
    raw[L['gquant']] = desc.get('gquant', 0)
    raw[L['bpm']:L['bpm'] + 2] = desc['tempo_raw'].to_bytes(2, 'big')
    return bytes(raw)


def build_song(desc, number=0):
    """An OS 1.72 song object (song-format.md §7) in a 0x55 dump: 64 row records at 0x018 (byte 1
    positions, byte 3 repeats - 1), 256 position records at 0x118 (mute word, pattern), one pool
    taken in row order."""
    raw = bytearray(1304)
    name = desc.get('name', '').encode('ascii')[:15]
    raw[4:4 + len(name)] = name
    raw[0x15] = 1
    pos = 0
    for r, row in enumerate(desc['rows']):
        raw[0x18 + 4 * r + 1] = len(row['positions'])
        raw[0x18 + 4 * r + 3] = row.get('repeats', 1) - 1
        for pattern, muted in row['positions']:
            word = sum(1 << (t - 1) for t in muted) | desc.get('high', 0) << 12
            if pos < 256:       # a damaged song may count more: they are not stored
                raw[0x118 + 4 * pos:0x118 + 4 * pos + 4] = bytes([word >> 8, word & 0xFF, 0,
                                                                  pattern])
            pos += 1
    packed = pack7(bytes(raw))
    s = sum(packed) & 0x3FFF
    n = len(packed) + 5
    return (bytes([0xF0, 0x00, 0x20, 0x3C, 0x07, 0x00, 0x55, 0x01, 0x01, number]) + packed +
            bytes([s >> 7, s & 0x7F, (n >> 7) & 0x7F, n & 0x7F, 0xF7]))


def build(desc, layout, number=0):
    raw = build_raw(desc, V5 if layout == 5 else V4)
    packed = pack7(raw)
    s = sum(packed) & 0x3FFF
    n = len(packed) + 5
    return (bytes([0xF0, 0x00, 0x20, 0x3C, 0x07, 0x00, 0x54, 0x01, 0x01, number]) + packed +
            bytes([s >> 7, s & 0x7F, (n >> 7) & 0x7F, n & 0x7F, 0xF7]))


# ---- descriptions ----

def random_desc(seed, layout):
    r = random.Random(seed)
    er = random.Random(seed * 7907 + 11)   # euclid: a stream of its own
    mode = r.choice(['normal', 'advanced'])
    d = dict(mode=mode, tempo_raw=r.randint(300, 3000) * 12, swing_raw=r.randint(0, 30),
             master_speed=r.randint(0, 6), master_chg=r.choice([1, r.randint(2, 1024)]))
    d['length'] = r.randint(1, 64)
    d['master_len'] = d['length'] if mode == 'normal' else r.choice([1, r.randint(2, 1024)])
    tracks = []
    for i in range(13):
        t = {}
        if mode == 'advanced' and i < 12:
            t['length'] = r.randint(1, 64)
            t['speed'] = r.randint(0, 6)
        if i < 12:
            t['send_midi'] = r.random() < 0.5
            t['prob'] = 100 if layout == 4 else r.choice([100, r.randint(0, 100)])
            t['def_note'] = r.choice([60, r.randint(36, 84)])
            t['def_vel'] = r.choice([100, r.randint(1, 127)])
            t['def_len'] = r.choice([14, r.randint(0, 127)])
            length = t.get('length', d['length'])
            trigs = {}
            for s in range(length):
                if r.random() < 0.4:
                    trigs[str(s)] = random_trig(r)
            t['trigs'] = trigs
            if layout == 5 and er.random() < 0.35:
                t.update(euclid=0x80 | er.randint(0, 3), pl1=er.randint(0, 64),
                         pl2=er.choice([0, er.randint(0, 64)]), ro1=er.randint(0, 126),
                         ro2=er.randint(0, 126), tro=er.randint(0, 126))
                euclid_swing_bits(t, length)
        tracks.append(t)
    d['tracks'] = tracks
    return d


def random_trig(r):
    flags = []
    kind = r.choice(['x', 'x', 'x', 'accent', 'mute', 'trigless'])
    if kind != 'x':
        flags.append(kind)
    for f in ('swing', 'slide', 'retrig'):
        if r.random() < 0.3:
            flags.append(f)
    g = dict(flags=flags)
    if r.random() < 0.5:
        g['note'] = r.randint(36, 84)
    if r.random() < 0.5:
        g['vel'] = r.randint(1, 127)
    if r.random() < 0.5:
        g['len'] = r.randint(0, 127)
    if r.random() < 0.5:
        g['micro'] = r.randint(-23, 23)
    if r.random() < 0.5:
        g['cond'] = r.randint(0, 64)
    if 'retrig' in flags:
        g['rate'] = r.randint(0, 16)
    if r.random() < 0.5:
        g['rlen'] = r.randint(0, 127)
    if r.random() < 0.5:
        g['rvel'] = r.randint(-128, 127)
    return g


def rich_desc():
    """Every field a drum track and pattern have, and what trigseq cannot hold."""
    d = dict(mode='advanced', tempo_raw=1234 * 12, swing_raw=12, master_speed=2, master_len=64,
             master_chg=32, kit=5, length=16, gquant=9)
    t1 = dict(length=16, speed=2, send_midi=True, prob=90, def_note=48, def_vel=90, def_len=30,
              trigs={
                  '0': dict(flags=['accent'], note=36, vel=127, len=46, micro=-23, cond=22),
                  '1': dict(flags=['swing', 'slide'], micro=23, cond=23),
                  '3': dict(flags=['retrig'], rate=12, rlen=127, rvel=-60, cond=64),
                  '4': dict(flags=['mute'], cond=10),
                  '6': dict(flags=['trigless'], cond=30),
                  '8': dict(flags=[], note=84, vel=1, len=127, cond=0, sound=7),
                  '9': dict(flags=['switch']),
                  '12': dict(flags=['retrig'], rate=0, rlen=0, rvel=127, cond=21),
                  '14': dict(flags=[], vel=0, micro=30, cond=100),
              })
    t2 = dict(length=64, speed=0, trigs={'63': dict(flags=[], cond=28)}, quant=5, def_sw=0x1234,
              euclid=128, pad_scale=3, root=0x25)
    t3 = dict(length=7, speed=6, trigs={'2': dict(flags=[], cond=29), '10': dict(flags=[])})
    # euclid with unknown mode bits, pulses and a rotation out of range, and a hit's stored step
    # without ENABLE that holds a note (imported as x)
    t4 = dict(euclid=0x80 | 0x04 | 1, pl1=70, pl2=3, ro1=130, ro2=65, tro=60,
              trigs={'0': dict(flags=['noenable'], note=50), '1': dict(flags=['mute'])})
    fx = dict(trigs={'0': dict(flags=[])})
    tracks = [t1, t2, t3, t4] + [{} for _ in range(8)] + [fx]
    d['tracks'] = tracks
    # filter freq of track 1 in high resolution: its LSB lane follows, marked 128/128 (7.7)
    d['plocks'] = [[0, 0x14, {'0': 40, '8': 99}], [128, 128, {'0': 3, '8': 4}], [2, 0x03, {'2': 1}],
                   [12, 3, {'0': 5}]]
    return d


# ---- what trigseq should import (spec + the README's choices) ----

RATES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64, 80]
PCT = [1, 3, 4, 6, 9, 13, 19, 25, 33, 41, 50, 59, 67, 75, 81, 87, 91, 94, 96, 98, 99, 100]
WORDS = {22: 'fill', 23: '!fill', 24: 'pre', 25: '!pre', 26: 'nei', 27: '!nei', 28: '1st',
         29: '!1st'}
SPEEDS = ['2x', '3/2x', '1x', '3/4x', '1/2x', '1/4x', '1/8x']


def cond_text(c):
    if c == 127 or 64 < c < 127:
        return None
    if c < 22:
        return '%d%%' % PCT[c]
    if c in WORDS:
        return WORDS[c]
    for b in range(2, 9):
        first = 30 + b * (b - 1) // 2 - 1
        if first <= c < first + b:
            return '%d:%d' % (c - first + 1, b)
    raise ValueError(c)


def len_steps(i):
    """Section 3.2 as a fraction of steps in sixteenths (an independent formula)."""
    if i == 127:
        return 'inf'
    if i <= 14:
        return 2 + i
    seg, off = divmod(i - 14, 16)
    return (16 << seg) + (1 << seg) * off


def expected(desc, layout):
    adv = desc['mode'] == 'advanced'
    p = dict(tempo10=round(desc['tempo_raw'] / 12), swing=50 + desc['swing_raw'],
             mode=desc['mode'], speed=SPEEDS[desc['master_speed']],
             change=None if desc['master_chg'] == 1 else desc['master_chg'])
    if adv:
        p['length'] = 'inf' if desc['master_len'] == 1 else desc['master_len']
    else:
        p['length'] = desc['tracks'][0].get('length', desc['length'])
    tracks = {}
    for i in range(12):
        t = dict(track_defaults(i, desc))
        t.update(desc['tracks'][i])
        length = t['length'] if adv else p['length']
        e = dict(note=t['def_note'], velocity=t['def_vel'], gate=len_steps(t['def_len']),
                 send_midi=t['send_midi'], prob=t['prob'] if layout == 5 else 100,
                 length=length, speed=SPEEDS[t['speed']] if adv else p['speed'], steps={})
        eu = euclid_of(t) if layout == 5 else None
        e['euclid'] = eu
        hits = hit_steps(eu, length) if eu else []
        swing_bit = lambda s: 'swing' in t['trigs'].get(str(s), {}).get('flags', [])
        for key, g in t['trigs'].items():
            s = int(key)
            if s >= length:
                continue
            fl = g.get('flags', [])
            if 'noenable' in fl and not (s < len(hits) and holds_value(g)):
                continue
            kind = '-' if 'mute' in fl else 'o' if 'trigless' in fl else 'X' if 'accent' in fl else 'x'
            retrig = 'retrig' in fl
            rate = g.get('rate', 9)
            rlen, rvel = g.get('rlen', 14), g.get('rvel', 0)
            even = (s + 1) % 2 == 0
            sw = 'swing' in fl
            if s < len(hits):       # SWING of the step where the trig plays
                even, sw = (hits[s] + 1) % 2 == 0, swing_bit(hits[s])
            e['steps'][s + 1] = dict(
                kind=kind, note=g.get('note'), vel=1 if g.get('vel') == 0 else g.get('vel'),
                gate=None if g.get('len') is None else len_steps(g['len']),
                micro=max(-23, min(23, g.get('micro', 0))),
                cond=cond_text(g.get('cond', 127)), retrig=retrig,
                rate=RATES[rate] if retrig and rate != 9 else None,
                rlen=None if rlen == 14 else len_steps(rlen), rvel=None if rvel == 0 else rvel,
                slide='slide' in fl, swing=None if sw == even else ('swing' if sw else 'noswing'))
        # a hit whose stored step is empty but swung otherwise than its step: an x with swing
        for k, hs in enumerate(hits):
            even = (hs + 1) % 2 == 0
            if k + 1 not in e['steps'] and swing_bit(hs) != even:
                st = empty_step()
                st.update(kind='x', swing='swing' if swing_bit(hs) else 'noswing')
                e['steps'][k + 1] = st
        tracks[i + 1] = e
    p['tracks'] = tracks
    return p


# ---- reading trigseq's canonical .tsq ----

NOTE_PC = {'C': 0, 'D': 2, 'E': 4, 'F': 5, 'G': 7, 'A': 9, 'B': 11}


def parse_note(s):
    if s[0].isdigit():
        return int(s)
    pc = NOTE_PC[s[0]]
    rest = s[1:]
    if rest and rest[0] in '#b':
        pc += 1 if rest[0] == '#' else -1
        rest = rest[1:]
    return (int(rest) + 1) * 12 + pc


def parse_len(s):
    if s == 'inf':
        return 'inf'
    from fractions import Fraction
    v = Fraction(s) * 16
    assert v.denominator == 1, s
    return int(v)


def parse_tsq(text):
    p = dict(tempo10=1200, swing=50, mode='normal', length=16, speed='1x', change=None, tracks={})
    cur = None
    for line in text.splitlines():
        toks = line.split()
        if not toks or toks[0].startswith('#'):
            continue
        k = toks[0]
        if k == 'trigseq':
            continue
        if k == 'track':
            n = int(toks[1])
            cur = dict(note=60, velocity=100, gate=16, send_midi=True, prob=100, length=None,
                       speed=None, steps={}, grid='')
            p['tracks'][n] = cur
        elif cur is None:
            v = toks[1]
            if k == 'tempo':
                p['tempo10'] = int(v.replace('.', ''))
            elif k in ('swing',):
                p[k] = int(v)
            elif k == 'length':
                p[k] = v if v == 'inf' else int(v)
            elif k == 'change':
                p[k] = None if v == 'off' else int(v)
            else:
                p[k] = v
        elif k == 'channel':
            cur['channel'] = toks[1]
        elif k == 'note':
            cur['note'] = parse_note(toks[1])
        elif k == 'velocity':
            cur['velocity'] = int(toks[1])
        elif k == 'gate':
            cur['gate'] = parse_len(toks[1])
        elif k == 'send-midi':
            cur['send_midi'] = toks[1] == 'on'
        elif k == 'prob':
            cur['prob'] = int(toks[1])
        elif k == 'length':
            cur['length'] = int(toks[1])
        elif k == 'speed':
            cur['speed'] = toks[1]
        elif k == 'steps':
            cur['grid'] = ''.join(toks[1:])
        elif k == 'euclid':
            eu = dict(op='or', pl1=0, pl2=0, ro1=0, ro2=0, tro=0)
            for a, v in zip(toks[1::2], toks[2::2]):
                eu[a] = v if a == 'op' else int(v)
            cur['euclid'] = eu
        elif k == 'step':
            s = int(toks[1])
            st = dict(note=None, vel=None, gate=None, micro=0, cond=None, retrig=False,
                      rate=None, rlen=None, rvel=None, slide=False, swing=None)
            i = 2
            while i < len(toks):
                a = toks[i]
                if a in ('note', 'vel', 'gate', 'micro', 'cond', 'retrig-len', 'retrig-vel'):
                    v = toks[i + 1]
                    i += 2
                    if a == 'note':
                        st['note'] = parse_note(v)
                    elif a == 'vel':
                        st['vel'] = int(v)
                    elif a == 'gate':
                        st['gate'] = parse_len(v)
                    elif a == 'micro':
                        st['micro'] = int(v)
                    elif a == 'cond':
                        st['cond'] = v
                    elif a == 'retrig-len':
                        st['rlen'] = parse_len(v)
                    else:
                        st['rvel'] = int(v)
                    continue
                if a == 'retrig':
                    st['retrig'] = True
                elif a.startswith('retrig=1/'):
                    st['retrig'] = True
                    st['rate'] = int(a[9:])
                elif a == 'slide':
                    st['slide'] = True
                elif a in ('swing', 'noswing'):
                    st['swing'] = a
                else:
                    raise ValueError('unexpected attribute %r' % a)
                i += 1
            cur['steps'][s] = st
        else:
            raise ValueError('unexpected key %r in %r' % (k, line))
    return p


def empty_step():
    return dict(note=None, vel=None, gate=None, micro=0, cond=None, retrig=False, rate=None,
                rlen=None, rvel=None, slide=False, swing=None)


def compare(exp, got):
    errs = []
    for k in ('tempo10', 'swing', 'mode', 'length', 'speed', 'change'):
        if exp[k] != got[k]:
            errs.append('pattern %s: expected %r, got %r' % (k, exp[k], got[k]))
    adv = exp['mode'] == 'advanced'
    for n in range(1, 13):
        e = exp['tracks'][n]
        g = got['tracks'].get(n)
        if g is None:
            g = dict(note=60, velocity=100, gate=16, send_midi=True, prob=100, length=None,
                     speed=None, steps={}, grid='')
        if g.get('channel', str(n)) != str(n):
            errs.append('track %d channel: expected %d, got %s' % (n, n, g['channel']))
        for k in ('note', 'velocity', 'gate', 'send_midi', 'prob'):
            if e[k] != g[k]:
                errs.append('track %d %s: expected %r, got %r' % (n, k, e[k], g[k]))
        glen = (g['length'] or 16) if adv else got['length']
        gspeed = (g['speed'] or got['speed']) if adv else got['speed']
        if e.get('euclid') != g.get('euclid'):
            errs.append('track %d euclid: expected %r, got %r' % (n, e.get('euclid'), g.get('euclid')))
        if e['length'] != glen or e['speed'] != gspeed:
            errs.append('track %d length/speed: expected %r %r, got %r %r' %
                        (n, e['length'], e['speed'], glen, gspeed))
        grid = g['grid'] or '.' * glen
        for s in range(1, e['length'] + 1):
            ch = grid[s - 1] if s - 1 < len(grid) else '?'
            es = e['steps'].get(s)
            if es is None:
                if ch != '.':
                    errs.append('track %d step %d: expected no trig, got %r' % (n, s, ch))
                continue
            if ch != es['kind']:
                errs.append('track %d step %d: expected kind %r, got %r' % (n, s, es['kind'], ch))
            gs = g['steps'].get(s, empty_step())
            for k in empty_step():
                if es[k] != gs[k]:
                    errs.append('track %d step %d %s: expected %r, got %r' % (n, s, k, es[k], gs[k]))
    return errs


def corrupt(data, kind):
    d = bytearray(data)
    if kind == 'checksum':
        d[-5] ^= 0x01
    elif kind == 'product':
        d[4] = 0x06
    elif kind == 'version':
        # raw byte 3 is the 4th byte after the group's top-bit byte: payload offset 10 + 4
        d[14] = 0x01
        s = sum(d[10:-5]) & 0x3FFF
        d[-5], d[-4] = s >> 7, s & 0x7F
    elif kind == 'truncate':
        d = d[:len(d) // 2]
    elif kind == 'length':
        d[-2] ^= 0x01
    elif kind == 'dumpid':
        d[6] = 0x52
    elif kind == 'workbuffer':      # the pattern work buffer of device 9: still a pattern
        d[6] = 0x5A
        d[5] = 9
    elif kind == 'realtime':
        for pos in (len(d) - 3, 5000, 1):
            d[pos:pos] = b'\xf8'
        d[200:200] = b'\xfe\xfa'
    elif kind == 'trailing':
        d += b'\x00'
    elif kind == 'highbit':
        d[100] |= 0x80
    elif kind == 'cutpayload':
        del d[100:108]
    else:
        raise SystemExit('unknown corruption ' + kind)
    return bytes(d)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd = argv[1]
    if cmd == 'random':
        layout = int(argv[argv.index('--layout') + 1]) if '--layout' in argv else 5
        json.dump(random_desc(int(argv[2]), layout), sys.stdout)
    elif cmd == 'rich':
        json.dump(rich_desc(), sys.stdout)
    elif cmd == 'build':
        desc = json.load(open(argv[2]))
        layout = int(argv[argv.index('--layout') + 1])
        number = int(argv[argv.index('--number') + 1]) if '--number' in argv else 0
        open(argv[argv.index('-o') + 1], 'wb').write(build(desc, layout, number))
    elif cmd == 'check':
        desc = json.load(open(argv[2]))
        layout = int(argv[argv.index('--layout') + 1]) if '--layout' in argv else 5
        errs = compare(expected(desc, layout), parse_tsq(open(argv[3]).read()))
        for e in errs[:20]:
            print(e)
        return 1 if errs else 0
    elif cmd == 'song':
        desc = json.load(open(argv[2]))
        number = int(argv[argv.index('--number') + 1]) if '--number' in argv else 0
        open(argv[argv.index('-o') + 1], 'wb').write(build_song(desc, number))
    elif cmd == 'message':
        # another Rytm dump type (e.g. 0x52 kit) around N raw bytes, framed like a pattern dump
        dump_id, n = int(argv[2], 0), int(argv[3])
        packed = pack7(bytes(random.Random(n).randrange(256) for _ in range(n)))
        s, ln = sum(packed) & 0x3FFF, len(packed) + 5
        open(argv[argv.index('-o') + 1], 'wb').write(
            bytes([0xF0, 0x00, 0x20, 0x3C, 0x07, 0x00, dump_id, 0x01, 0x01, 0]) + packed +
            bytes([s >> 7, s & 0x7F, (ln >> 7) & 0x7F, ln & 0x7F, 0xF7]))
    elif cmd == 'corrupt':
        data = open(argv[2], 'rb').read()
        open(argv[argv.index('-o') + 1], 'wb').write(corrupt(data, argv[3]))
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
