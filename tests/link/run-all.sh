#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Ableton Link, only ever inside a private network namespace with nothing but loopback
# (../shared/tools/netns-run): Link announces itself by multicast on every interface, and must
# never reach the host network. Where the namespace cannot be made, the suite is skipped with a
# message (exit 0, no check run), never run outside it.
# usage: tests/link/run-all.sh BUILD_DIR     (BUILD_DIR holds link_peers)
set -uo pipefail

build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh" link
netns=$root/../shared/tools/netns-run

if [ ! -x "$netns" ] || ! "$netns" --check 2>"$tmp/netns.err"; then
	echo "link: SKIPPED: no private network namespace here ($(cat "$tmp/netns.err" 2>/dev/null));" \
		"Link is never enabled on the host network"
	exit 0
fi

# ---- 1: the shim: two peers in one process ----
"$netns" "$build/link_peers" >"$tmp/peers.txt" 2>&1
rc=$?
while read -r line; do
	case $line in
	ok:*) ok "${line#ok: }" ;;
	FAIL:*) bad "${line#FAIL: }" ;;
	esac
done <"$tmp/peers.txt"
[ "$rc" -eq 0 ] || bad "link_peers: exit $rc: $(tail -3 "$tmp/peers.txt")"

summary
