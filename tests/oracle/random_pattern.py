#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a random but valid pattern file (for differential tests of the engine against oracle.py).

usage: random_pattern.py [--chain] [--euclid] SEED > FILE.tsq
Covers both modes, every speed, lengths, swing, micro, accents, lock/muted trigs, chords, gates
(inf included), every condition kind, track prob, retrigs, locks with base values, slides,
program changes, shared channels and extra ports, internal voices (`sample`, each `dest`).

--chain writes a pattern meant to be one of a chain (tests/oracle/differential_chain.sh): it
also has a `change` (often short, so change points fall mid-pattern and off the grid of slow
tracks), more ports, and more of what crosses a change point (slides, inf gates, endless
retrigs, late micro timing, programs, 1st and A:B). Without it the output for a seed is the
same as it always was.

--euclid gives most tracks an `euclid` line (euclid.md §3.3) from a stream of its own: pulses
0 … 64 (above the track length too), rotations -63 … 63, every operator; the rest of the pattern
is what the seed writes without it.

Voices come from a stream of their own too: every other line of a seed's pattern is as it was
before voices existed, and about a third of the tracks get a `sample` and a `dest` (a few a
`dest` without a sample, which sends nothing).
"""
import random
import sys

SPEEDS = ['2x', '3/2x', '1x', '3/4x', '1/2x', '1/4x', '1/8x']
GATES = ['0.125', '0.25', '0.5', '0.75', '1', '1.5', '2', '3', '4', '8', 'inf']
RLENS = ['0.125', '0.5', '1', '2', '4', '16', 'inf']
RATES = ['1/1', '1/3', '1/5', '1/8', '1/12', '1/16', '1/24', '1/32', '1/48', '1/80']
CONDS = ['50%', '1%', '99%', '100%', '1:2', '2:3', '4:8', 'fill', '!fill', 'pre', '!pre', 'nei',
         '!nei', '1st', '!1st']


def main():
    args = sys.argv[1:]
    chain = '--chain' in args
    euclid = '--euclid' in args
    args = [a for a in args if a not in ('--chain', '--euclid')]
    ernd = random.Random(int(args[0]) * 15485863 + 5)
    rnd = random.Random(int(args[0]) + (0x5EED0000 if chain else 0))
    # Chain mode: a second stream so that the plain stream (and every old seed) is unchanged.
    crnd = random.Random(int(args[0]) * 7919 + 1) if chain else None
    vrnd = random.Random(int(args[0]) * 104729 + (2 if chain else 3))
    advanced = rnd.random() < 0.5
    out = ['trigseq 1', 'tempo %d.%d' % (rnd.randint(30, 299), rnd.randint(0, 9)),
           'swing %d' % rnd.randint(50, 80)]
    if advanced:
        out.append('mode advanced')
        out.append('length %s' % rnd.choice(['inf', str(rnd.randint(2, 80))]))
        out.append('speed %s' % rnd.choice(SPEEDS))
        plen = None
    else:
        plen = rnd.randint(1, 32)
        out.append('length %d' % plen)
        out.append('speed %s' % rnd.choice(SPEEDS[:5]))
    if chain:
        # off (= length), short, or longer than the pattern; advanced inf + off stays forever.
        out.append('change %s' % crnd.choice(['off', 'off', str(crnd.randint(2, 8)),
                                              str(crnd.randint(2, 24)), str(crnd.randint(9, 64))]))
    out.append('accent %d' % rnd.randint(0, 127))
    for n in rnd.sample(range(1, 13), rnd.randint(1, 12)):
        out.append('track %d' % n)
        out.append('  channel %s' % rnd.choice([str(rnd.randint(1, 4)), str(n), 'off'] + [str(n)] * 6))
        base = rnd.randint(24, 96)
        out.append('  note %s' % '+'.join(str(base + d) for d in rnd.sample([0, 3, 4, 7, 10, 12], rnd.randint(1, 3))))
        out.append('  gate %s' % rnd.choice(GATES))
        if rnd.random() < 0.2:
            out.append('  port %s' % rnd.choice(['virus', 'rev2']))
        elif chain and crnd.random() < 0.3:
            out.append('  port %s' % crnd.choice(['virus', 'rev2', 'rd8', 'tr909', 'rytm']))
        r = vrnd.random()
        if r < 0.35:
            out.append('  sample "%s"' % vrnd.choice(['kick.wav', 'snare.wav', 'sub dir/hat \\"o\\".wav']))
            out.append('  dest %s' % vrnd.choice(['int', 'int+ext', 'int+ext', 'ext']))
        elif r < 0.4:
            out.append('  dest %s' % vrnd.choice(['int', 'int+ext']))
        if rnd.random() < 0.1:
            out.append('  send-midi off')
        if rnd.random() < 0.1:
            out.append('  mute on')
        if rnd.random() < 0.3:
            out.append('  prob %d' % rnd.randint(0, 100))
        if rnd.random() < 0.3:
            out.append('  program %d' % rnd.randint(0, 127))
        elif chain and crnd.random() < 0.4:
            out.append('  program %d' % crnd.randint(0, 127))
        # In a chain, few controllers, so that patterns share them (lock returns across a change).
        bases = rnd.sample(range(1, 6) if chain else range(1, 120), rnd.randint(0, 3))
        for c in bases:
            out.append('  cc %d=%d' % (c, rnd.randint(0, 127)))
        if rnd.random() < 0.3:
            out.append('  retrig-rate %s' % rnd.choice(RATES))
            out.append('  retrig-len %s' % rnd.choice(RLENS[:-1]))
            out.append('  retrig-vel %d' % rnd.randint(-128, 127))
        if advanced:
            length = rnd.randint(1, 24)
            out.append('  length %d' % length)
            out.append('  speed %s' % rnd.choice(SPEEDS))
        else:
            length = plen
        grid = ''.join(rnd.choice('....xxXo-') for _ in range(length))
        if euclid and ernd.random() < 0.8:
            line = ['pl1 %d' % ernd.choice([ernd.randint(0, length), ernd.randint(0, 64)])]
            for name, value in (('pl2', lambda: ernd.randint(0, min(64, length + 2))),
                                ('ro1', lambda: ernd.randint(-63, 63)),
                                ('ro2', lambda: ernd.randint(-63, 63)),
                                ('tro', lambda: ernd.randint(-63, 63)),
                                ('op', lambda: ernd.choice(['or', 'xor', 'and', 'sub']))):
                if ernd.random() < 0.6:
                    line.append('%s %s' % (name, value()))
            ernd.shuffle(line)
            out.append('  euclid %s' % ' '.join(line))
        out.append('  steps %s' % grid)
        for k, ch in enumerate(grid, 1):
            if ch == '.' or rnd.random() < 0.4:
                continue
            attrs = []
            if rnd.random() < 0.3:
                attrs.append('note %d' % rnd.randint(0, 127))
            if rnd.random() < 0.3:
                attrs.append('vel %d' % rnd.randint(1, 127))
            if rnd.random() < 0.3:
                attrs.append('gate %s' % rnd.choice(GATES))
            if rnd.random() < 0.5:
                attrs.append('micro %d' % rnd.randint(-23, 23))
            elif chain and crnd.random() < 0.4:
                attrs.append('micro %d' % crnd.choice([-23, -12, 12, 20, 23, 23]))
            if rnd.random() < 0.4:
                attrs.append('cond %s' % rnd.choice(CONDS))
            elif chain and crnd.random() < 0.2:
                attrs.append('cond %s' % crnd.choice(['1st', '!1st', '1:2', '2:2', '2:3', '3:4']))
            if rnd.random() < 0.2:
                attrs.append(rnd.choice(['retrig', 'retrig=%s' % rnd.choice(RATES)]))
                if rnd.random() < 0.5:
                    attrs.append('retrig-len %s' % rnd.choice(RLENS))
                if rnd.random() < 0.5:
                    attrs.append('retrig-vel %d' % rnd.randint(-128, 127))
            pool = sorted(set(bases + [rnd.randint(0, 127)]))
            for c in rnd.sample(pool, min(len(pool), rnd.randint(0, 2))):
                attrs.append('cc %d=%d' % (c, rnd.randint(0, 127)))
            if rnd.random() < 0.15:
                attrs.append('slide')
            elif chain and ch in 'xX' and crnd.random() < 0.15:
                extra = crnd.choice(['slide', 'gate inf', 'retrig retrig-len inf',
                                     'retrig=1/8 retrig-len inf'])
                have = {a.split()[0].split('=')[0] for a in attrs}
                if not have & {x.split('=')[0] for x in extra.split() if x != 'inf'}:
                    attrs.append(extra)
            if rnd.random() < 0.1:
                attrs.append(rnd.choice(['swing', 'noswing']))
            if attrs:
                out.append('  step %d %s' % (k, ' '.join(attrs)))
    print('\n'.join(out))


if __name__ == '__main__':
    main()
