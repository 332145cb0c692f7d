# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The tmux helpers of the editor's tests (tests/ui/run-all.sh, sync.sh), sourced after
# tests/lib.sh. They use the sourcing script's T (tmux on its own socket) and $tmp.
: "${tmp:?source tests/lib.sh first}"

# editor NAME ARGS...: trigseq ARGS in a new 80x24 tmux window NAME; its stderr goes to
# $tmp/NAME.err, its exit status to $tmp/NAME.exit when it ends. The shell stays so the screen
# after exit can be read.
editor() {
	local name=$1
	shift
	local cmd="cd '$tmp' && $* 2>'$tmp/$name.err'; echo \$? >'$tmp/$name.exit'; sleep 600"
	if T has-session 2>/dev/null; then
		T new-window -d -n "$name" "$cmd"
	else
		T new-session -d -s ui -n "$name" -x 80 -y 24 "$cmd"
	fi
	T resize-window -t "ui:$name" -x 80 -y 24 2>/dev/null
}
screen() { T capture-pane -t "ui:$1" -p; }
keys() {
	local name=$1
	shift
	T send-keys -t "ui:$name" "$@"
	sleep 0.25
}
# wait_screen NAME PATTERN: until the window shows PATTERN (extended regex; 5 s at most).
wait_screen() {
	for _ in $(seq 50); do
		screen "$1" | grep -qE -- "$2" && return 0
		sleep 0.1
	done
	return 1
}
# expect_screen NAME TESTNAME PATTERN
expect_screen() {
	if wait_screen "$1" "$3"; then
		ok "$2"
	else
		bad "$2: no /$3/ on the screen:"
		screen "$1" | sed 's/^/    | /'
	fi
}
wait_exit() {
	for _ in $(seq 50); do
		[ -s "$tmp/$1.exit" ] && return 0
		sleep 0.1
	done
	return 1
}
