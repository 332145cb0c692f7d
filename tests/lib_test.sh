#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The preamble of the shell tests (tests/lib.sh) tested: a script sourcing it starts a peer that
# ignores SIGTERM, a well-behaved peer and a private server, then exits; afterwards the first peer
# was SIGKILLed after the grace period, the second got SIGTERM while the server still ran, the
# server is gone and the scratch folder too. Also the wait helpers and the summary's status.
# usage: tests/lib_test.sh
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=SCRIPTDIR/lib.sh
. "$here/lib.sh" lib

# A script of the suite's shape, run with a grace of 1 s: it writes what the parent checks into
# $tmp/child.vars, then exits through summary.
cat >"$tmp/child.sh" <<'EOF'
set -uo pipefail
out=$1
. "$LIB" child
start_jackd
# stubborn: ignores SIGTERM (notes that it got one); polite: on SIGTERM, asks whether the server
# still runs, and leaves
bash -c 'trap "echo term >>$0" TERM; while :; do sleep 0.1; done' "$out.stubborn" &
stubborn=$!
pids+=("$stubborn")
bash -c 'trap "JACK_NO_START_SERVER=1 jack_wait -c >$0 2>&1; exit 0" TERM; while :; do sleep 0.1; done' \
	"$out.polite" &
pids+=("$!")
sleep 0.5
printf 'stubborn=%s\npolite=%s\nserver=%s\nname=%s\nscratch=%s\n' "$stubborn" "$!" "$jackd_pid" \
	"$JACK_DEFAULT_SERVER" "$tmp" >"$out.vars"
ok "child"
[ -n "${FAIL_ONE:-}" ] && bad "one failure"
summary
EOF

t0=$(date +%s%N)
LIB=$here/lib.sh LIB_GRACE=1 bash "$tmp/child.sh" "$tmp/child" >"$tmp/child.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
# shellcheck source=/dev/null
. "$tmp/child.vars" || bad "the child wrote no pids: $(cat "$tmp/child.out")"
if [ "$rc" -eq 0 ] && grep -qx 'child: 1 passed, 0 failed' "$tmp/child.out"; then
	ok "summary: the totals, exit 0 with nothing failed"
else
	bad "summary: exit $rc, output: $(cat "$tmp/child.out")"
fi
if ! running "${stubborn:-0}" && [ "$(cat "$tmp/child.stubborn" 2>/dev/null)" = term ] && [ "$ms" -ge 1000 ]; then
	ok "a peer ignoring SIGTERM got it, and SIGKILL 1 s later (the script ended after $ms ms)"
else
	bad "the peer ignoring SIGTERM: running: $(running "${stubborn:-0}" && echo yes), got: $(cat "$tmp/child.stubborn" 2>/dev/null), $ms ms"
	kill -KILL "${stubborn:-0}" 2>/dev/null
fi
if ! running "${polite:-0}" && grep -qx 'running' "$tmp/child.polite" 2>/dev/null; then
	ok "a polite peer stopped on SIGTERM while the server still ran"
else
	bad "the polite peer: running: $(running "${polite:-0}" && echo yes), saw: $(cat "$tmp/child.polite" 2>/dev/null)"
fi
out=$(JACK_NO_START_SERVER=1 JACK_DEFAULT_SERVER=${name:-none} timeout 5 jack_wait -c 2>/dev/null)
if ! running "${server:-0}" && [ "$out" = 'not running' ]; then
	ok "the private server is gone after the cleanup: jack_wait -c says '$out'"
else
	bad "the private server ${server:-}: running: $(running "${server:-0}" && echo yes), jack_wait -c says: $out"
fi
if [ -n "${scratch:-}" ] && [ ! -e "$scratch" ]; then
	ok "the scratch folder is removed"
else
	bad "the scratch folder ${scratch:-} is still there"
fi

FAIL_ONE=1 LIB=$here/lib.sh LIB_GRACE=1 bash "$tmp/child.sh" "$tmp/child2" >"$tmp/child2.out" 2>&1
rc=$?
if [ "$rc" -eq 1 ] && grep -qx 'child: 1 passed, 1 failed' "$tmp/child2.out" &&
	grep -qx 'FAIL: one failure' "$tmp/child2.out"; then
	ok "summary: exit 1 with a failure"
else
	bad "summary with a failure: exit $rc, output: $(cat "$tmp/child2.out")"
fi

# The wait helpers
sleep 5 &
pids+=("$!")
t0=$(date +%s%N)
wait_pid "$!" 0.5
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$rc" -eq 124 ] && [ "$ms" -ge 500 ] && [ "$ms" -lt 3000 ]; then
	ok "wait_pid: 124 for a process still running after the timeout ($ms ms)"
else
	bad "wait_pid on a running process: $rc after $ms ms"
fi
(sleep 0.3; exit 3) &
wait_pid "$!" 5
rc=$?
if [ "$rc" -eq 3 ]; then ok "wait_pid: the exit status of a process that ends in time"; else bad "wait_pid: $rc, not 3"; fi
(sleep 0.3; echo 'line two' >>"$tmp/w.txt") &
echo 'line one' >"$tmp/w.txt"
if wait_grep '^line two$' "$tmp/w.txt"; then ok "wait_grep: a line written later"; else bad "wait_grep missed the line"; fi
t0=$(date +%s%N)
if wait_grep '^line three$' "$tmp/w.txt" 1; then
	bad "wait_grep found a line never written"
else
	ms=$((($(date +%s%N) - t0) / 1000000))
	if [ "$ms" -ge 1000 ] && [ "$ms" -lt 4000 ]; then
		ok "wait_grep: false after its timeout ($ms ms)"
	else
		bad "wait_grep timed out after $ms ms, not 1 s"
	fi
fi
tools=$(cd "$here/../tools" && pwd)
"$tools/jack-shm-heal.sh"
start_jackd 256
if wait_port system:playback_1; then
	ok "wait_port: a port of the private server ($JACK_DEFAULT_SERVER)"
else
	bad "wait_port: no system:playback_1 on $JACK_DEFAULT_SERVER"
fi
case $(tr '\0' ' ' <"/proc/$jackd_pid/cmdline") in
*' -R '*) ok "the private server runs realtime (-R)" ;;
*' --no-realtime '*) ok "the private server runs without realtime (-R could not start)" ;;
*) bad "the private server's command line: $(tr '\0' ' ' <"/proc/$jackd_pid/cmdline")" ;;
esac

# Where -R cannot start (here a jackd that refuses it), the server runs --no-realtime, at once.
mkdir "$tmp/bin"
real_jackd=$(command -v jackd)
cat >"$tmp/bin/jackd" <<EOF
#!/bin/sh
case " \$* " in *" -R "*) echo "no realtime here" >&2; exit 1 ;; esac
exec $real_jackd "\$@"
EOF
chmod +x "$tmp/bin/jackd"
cat >"$tmp/fallback.sh" <<'EOF'
set -uo pipefail
. "$LIB" fallback
start_jackd
tr '\0' ' ' <"/proc/$jackd_pid/cmdline" >"$1"
ok "server up"
summary
EOF
t0=$(date +%s%N)
PATH=$tmp/bin:$PATH LIB=$here/lib.sh bash "$tmp/fallback.sh" "$tmp/fallback.cmd" >"$tmp/fallback.out" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
if [ "$rc" -eq 0 ] && grep -q -- ' --no-realtime ' "$tmp/fallback.cmd" && [ "$ms" -lt 8000 ]; then
	ok "-R refused: the server runs $(cat "$tmp/fallback.cmd")(up and gone in $ms ms)"
else
	bad "-R refused: exit $rc after $ms ms, server: $(cat "$tmp/fallback.cmd" 2>/dev/null), output: $(cat "$tmp/fallback.out")"
fi
summary
