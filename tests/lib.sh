# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# Shell helpers for the test scripts, sourced by them (bash): counters of passed and failed checks
# and the one line each check prints. The script prints the totals and sets its exit status.

pass=0
fail=0
ok() { pass=$((pass + 1)); printf 'ok: %s\n' "$*"; }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
# check NAME CMD...: passes when CMD exits 0; its output is shown either way.
check() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then ok "$name: $out"; else bad "$name: $out"; fi
}
