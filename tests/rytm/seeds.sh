#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Seeds for the fuzz_rytm target (tests/fuzz/fuzz_rytm.c) in folder $1: dumps from the test
# generator, as whole files (first byte 0x00, or 0x02: framing fields fixed by the target) and as
# raw pattern data (first byte 0x01, then 0x00 for v5 or 0x01 for v4).
set -euo pipefail
out=$1
here=$(cd "$(dirname "$0")" && pwd)
gen=$here/rytm_gen.py
# (no checks here: only the scratch folder and the cleanup)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" seeds
python3 - "$gen" "$out" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location('rytm_gen', sys.argv[1])
g = importlib.util.module_from_spec(spec)
spec.loader.exec_module(g)
out = sys.argv[2]
descs = [g.rich_desc()] + [g.random_desc(s, 4 if s % 2 else 5) for s in range(1, 5)]
for i, d in enumerate(descs):
    for layout in (5, 4):
        open('%s/file-%d-v%d' % (out, i, layout), 'wb').write(b'\x00' + g.build(d, layout))
        open('%s/fixed-%d-v%d' % (out, i, layout), 'wb').write(b'\x02' + g.build(d, layout))
        raw = g.build_raw(d, g.V5 if layout == 5 else g.V4)
        open('%s/raw-%d-v%d' % (out, i, layout), 'wb').write(
            bytes([1, 0 if layout == 5 else 1]) + raw)
# a bank: two pattern dumps in one file
open('%s/bank' % out, 'wb').write(b'\x00' + g.build(descs[1], 5, 3) + g.build(descs[2], 4, 9))
PY
