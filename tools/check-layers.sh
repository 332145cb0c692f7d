#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-layers.sh: the arrows between the layers (DESIGN.md) point down only. A source or header
# of a layer includes headers of its own layer or of the layers below it: core < rt < app < ui <
# cli. Prints every include that points up and exits 1 if there is one.
set -euo pipefail
cd "$(dirname "$0")/.."
rank() {
	case $1 in
	core) echo 0 ;; rt) echo 1 ;; app) echo 2 ;; ui) echo 3 ;; cli) echo 4 ;; *) echo 9 ;;
	esac
}
bad=0
n=0
for f in src/*/*.c src/*/*.h include/trigseq/*/*.h; do
	layer=${f#src/}
	layer=${layer#include/trigseq/}
	layer=${layer%%/*}
	r=$(rank "$layer")
	while IFS= read -r inc; do
		n=$((n + 1))
		to=${inc#trigseq/}
		to=${to%%/*}
		if [ "$(rank "$to")" -gt "$r" ]; then
			echo "check-layers: $f ($layer) includes $inc: an arrow pointing up" >&2
			bad=1
		fi
	done < <(sed -n 's/^#include "\(trigseq\/[^"]*\)".*/\1/p' "$f")
done
[ "$bad" -eq 0 ] || exit 1
echo "check-layers: $n includes between the layers, none pointing up"
