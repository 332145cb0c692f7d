#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write a random song and its patterns for the differential test (differential_song.sh).

usage: random_song.py SEED DIR
Writes DIR/p1.tsq ... (random_pattern.py --chain, so change points fall mid-pattern and slides,
inf gates, endless retrigs and late micro timing cross row boundaries) and DIR/song.tss in
canonical form: 2 ... 6 rows with repeats, row lengths (also shorter or longer than the
pattern), row tempos, mutes, loops (nested, counted, sometimes `inf` at the end) and `end`.
A pattern with `length inf` and `change off` only appears in rows with a `length`.
"""
import os
import random
import subprocess
import sys


def main():
    seed, folder = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(seed * 31337 + 5)
    here = os.path.dirname(os.path.abspath(__file__))
    npat = rnd.randint(1, 3)
    endless = []
    for i in range(npat):
        text = subprocess.run([sys.executable, os.path.join(here, 'random_pattern.py'), '--chain',
                               str(seed * 5 + i)], check=True, capture_output=True,
                              text=True).stdout
        lines = [ln.strip() for ln in text.splitlines()]
        endless.append('length inf' in lines and 'change off' in lines)
        with open(os.path.join(folder, 'p%d.tsq' % (i + 1)), 'w', encoding='utf-8') as f:
            f.write(text)
    out = ['trigseq-song 1']
    if rnd.random() < 0.5:
        out.append('name "random %d"' % seed)
    if rnd.random() < 0.5:
        out.append('tempo %.1f' % (rnd.randint(600, 2000) / 10))
    out.append('')
    nrows = 0
    for _ in range(rnd.randint(2, 6)):
        p = rnd.randrange(npat)
        row = 'row "p%d.tsq"' % (p + 1)
        if rnd.random() < 0.4:
            row += ' repeat %d' % rnd.randint(2, 4)
        if endless[p] or rnd.random() < 0.3:
            row += ' length %d' % rnd.choice([1, 2, 3, rnd.randint(4, 40)])
        if rnd.random() < 0.3:
            row += ' tempo %.1f' % (rnd.randint(300, 3000) / 10)
        if rnd.random() < 0.3:
            row += ' mute ' + ','.join(str(t) for t in sorted(rnd.sample(range(1, 13),
                                                                        rnd.randint(1, 4))))
        out.append(row)
        nrows += 1
        if rnd.random() < 0.3:
            out.append('loop %d %d' % (rnd.randint(1, nrows), rnd.randint(1, 3)))
    r = rnd.random()
    if r < 0.2:
        out.append('loop %d inf' % rnd.randint(1, nrows))
    elif r < 0.4:
        out.append('end')
    with open(os.path.join(folder, 'song.tss'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
