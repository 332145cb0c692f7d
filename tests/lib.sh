# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# The one preamble of the shell tests, sourced by each of them (bash) right after its `set` line:
#   . "$here/../lib.sh" SUITE
# It makes the scratch folder $tmp, keeps the counters of passed and failed checks, and on exit
# stops every background process the script registered (SIGTERM, SIGKILL after a few seconds),
# then the private JACK servers, and removes $tmp. The script keeps only its own checks and ends
# with `summary`.
#
# What a script may use:
#   tmp                 the scratch folder (KEEP_TMP=DIR in the environment copies it there)
#   pids+=("$!")        a background process to stop on exit (or run_bg, monitor, start_jackd)
#   on_exit()           if the script defines it, cleanup calls it first (tmux, open descriptors)
#   ok, bad, check      one check each; summary [NOTE] prints the totals and sets the status
#   stop_pid, running, wait_pid, wait_port, wait_grep, run_bg, monitor, rtok
#   start_jackd, jackd_bg, stop_jackd   private dummy servers (JACKD_RT=0: never realtime)

suite=${1:?usage: . lib.sh SUITE}
pass=0
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/trigseq-${suite// /-}.XXXXXX")
pids=()
servers=()
# seconds from SIGTERM to SIGKILL: a peer whose server is gone can hang in its SIGTERM handler
# (jack_transport closing its client), and the run must never wait forever
lib_grace=${LIB_GRACE:-3}
# a server gets longer: one killed with SIGKILL keeps its slot in JACK's machine-wide registry
# (/dev/shm/jack-shm-registry) for good, and after eight of those no server starts anywhere
lib_server_grace=${LIB_SERVER_GRACE:-10}

# ok [NAME]: a check passed (printed as `ok: NAME`; without NAME it is only counted).
ok() {
	pass=$((pass + 1))
	if [ $# -gt 0 ]; then printf 'ok: %s\n' "$*"; fi
}
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*"; }
# check NAME CMD...: passes when CMD exits 0; its output is shown either way.
check() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then ok "$name: $out"; else bad "$name: $out"; fi
}
# summary [NOTE]: `SUITE: P passed, F failed[ NOTE]`, and exit 0 when nothing failed, else 1.
summary() {
	printf '%s: %d passed, %d failed%s\n' "$suite" "$pass" "$fail" "${1:+ $1}"
	[ "$fail" -eq 0 ] && exit 0
	exit 1
}

# running PID: PID is alive (not gone, not a zombie waiting to be reaped).
# (no fork: it is polled every 20 ms)
running() {
	local st
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	st=${st##*) }
	[ -n "$st" ] && [ "${st:0:1}" != Z ]
}

# nap: 20 ms, without a fork (a read that times out on a FIFO nobody writes)
mkfifo "$tmp/.nap"
exec {lib_nap}<>"$tmp/.nap"
nap() { read -r -t 0.02 -u "$lib_nap" _; }

# wait_pid PID SECONDS: until PID ends (SECONDS at most, fractions allowed); then its exit status
# when it is a child of this shell, 0 otherwise. 124 when it is still running.
wait_pid() {
	local n
	n=$(awk -v s="$2" 'BEGIN { printf "%d", s * 50 }')
	while running "$1"; do
		[ "$n" -le 0 ] && return 124
		n=$((n - 1))
		nap
	done
	wait "$1" 2>/dev/null
}

# forget PID: no longer stopped on exit (it is gone and reaped: its number may be reused).
forget() {
	local p keep=()
	for p in "${pids[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	pids=("${keep[@]}")
	keep=()
	for p in "${servers[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	servers=("${keep[@]}")
}

# ours PID: PID runs and is a child of this shell (a number reaped long ago may be another's now).
ours() {
	local st state ppid
	read -r st 2>/dev/null <"/proc/$1/stat" || return 1
	read -r state ppid _ <<<"${st##*) }"
	[ "$state" != Z ] && [ "$ppid" = $$ ]
}

# lib_stop SIGNAL GRACE PID...: SIGNAL to each, SIGKILL to those still running GRACE seconds
# later, then each reaped and forgotten.
lib_stop() {
	local sig=$1 grace=$2 p q n
	shift 2
	for p in "$@"; do ours "$p" && kill -"$sig" "$p" 2>/dev/null; done
	n=$((grace * 50))
	for p in "$@"; do
		while ours "$p" && [ "$n" -gt 0 ]; do
			nap
			n=$((n - 1))
		done
		if ours "$p"; then
			kill -KILL "$p" 2>/dev/null
			for q in "${servers[@]}"; do
				[ "$q" = "$p" ] && echo "lib.sh: jackd $p ignored SIGTERM: killed, its slot in JACK's registry stays until tools/jack-shm-heal.sh" >&2
			done
		fi
	done
	for p in "$@"; do
		wait "$p" 2>/dev/null
		forget "$p"
	done
}

# stop_pid PID [SIGNAL]: SIGNAL (TERM by default), SIGKILL if it still runs after the grace
# period, reaped. A server gets its longer grace.
stop_pid() {
	local p g=$lib_grace
	for p in "${servers[@]}"; do [ "$p" = "$1" ] && g=$lib_server_grace; done
	lib_stop "${2:-TERM}" "$g" "$1"
}

lib_cleanup() {
	if declare -F on_exit >/dev/null; then on_exit; fi
	if [ ${#pids[@]} -gt 0 ]; then lib_stop TERM "$lib_grace" "${pids[@]}"; fi
	if [ ${#servers[@]} -gt 0 ]; then lib_stop TERM "$lib_server_grace" "${servers[@]}"; fi
	if [ -n "${KEEP_TMP:-}" ]; then cp -r "$tmp" "$KEEP_TMP"; fi
	rm -rf "$tmp"
	# what JACK leaves behind of our own servers' clients
	rm -f /dev/shm/jack_sem.*_trigseq-*-$$-*_* 2>/dev/null
	return 0
}
trap lib_cleanup EXIT
trap 'exit 130' INT TERM

# wait_port PORT: until PORT exists on the current server (5 s at most).
wait_port() {
	for _ in $(seq 50); do
		jack_lsp 2>/dev/null | grep -qxF "$1" && return 0
		sleep 0.1
	done
	return 1
}

# wait_grep PATTERN FILE [SECONDS]: until FILE has a line matching the extended regex (10 s at
# most unless SECONDS says).
wait_grep() {
	for _ in $(seq $((${3:-10} * 10))); do
		grep -qE -- "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# run_bg NAME CMD...: in the background, stdout/stderr to $tmp/NAME.{out,err}; sets bg_pid.
run_bg() {
	local name=$1
	shift
	"$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	bg_pid=$!
	pids+=("$bg_pid")
}

# monitor NAME: jack_midi_dump -a as client NAME into $tmp/NAME.txt; sets mon_pid.
monitor() {
	jack_midi_dump -a "$1" >"$tmp/$1.txt" 2>/dev/null &
	mon_pid=$!
	pids+=("$mon_pid")
	wait_port "$1:input"
}

# rtok NAME ERRFILE: the RT interposer (rtcheck.so, LD_PRELOAD) reported no allocation, lock or
# I/O in the process callback over at least 100 callbacks.
rtok() {
	if grep -qE '^rtcheck: 0 violations in [0-9]{3,} callbacks' "$2"; then
		ok "$1: $(grep '^rtcheck' "$2")"
	else
		bad "$1: $(grep '^rtcheck' "$2" || echo no rtcheck report)"
	fi
}

# The private servers run realtime (-R) where the system allows it: on a loaded machine a
# non-realtime dummy server misses its cycles. Where -R cannot start, --no-realtime, and every
# later server of the run the same. JACKD_RT=0 forces --no-realtime.
if [ "${JACKD_RT:-1}" = 0 ]; then lib_rt=--no-realtime; else lib_rt=-R; fi

# jackd_bg NAME [PERIOD [async]]: a private dummy server NAME (48 kHz, PERIOD frames, 256 by
# default; synchronous unless `async`: the server waits for every client each cycle, so
# jack_midi_dump, which counts its own cycles for its timestamps, never misses one under load).
# Sets server_pid; stopped last on exit. Fails when it does not come up within 10 s.
jackd_bg() {
	local name=$1 period=${2:-256} sync=-S
	[ "${3:-}" = async ] && sync=
	# shellcheck disable=SC2086 # $sync: none or one word
	JACK_DEFAULT_SERVER=$name jackd $sync "$lib_rt" -d dummy -r 48000 -p "$period" \
		>"$tmp/jackd-$name.log" 2>&1 &
	server_pid=$!
	servers+=("$server_pid")
	# (a server that gave up is not waited for)
	for _ in $(seq 5); do
		JACK_DEFAULT_SERVER=$name timeout 5 jack_wait -w -t 2 >/dev/null 2>&1 && return 0
		running "$server_pid" || break
	done
	if [ "$lib_rt" = -R ]; then
		stop_pid "$server_pid"
		lib_rt=--no-realtime
		jackd_bg "$@"
		return
	fi
	return 1
}

# start_jackd [PERIOD [async]]: a new private server (as jackd_bg) as JACK_DEFAULT_SERVER, unique
# to this run; sets jackd_pid. Prints the totals and exits 1 when it does not come up.
start_jackd() {
	export JACK_DEFAULT_SERVER=trigseq-${suite// /-}-$$-$RANDOM
	if ! jackd_bg "$JACK_DEFAULT_SERVER" "$@"; then
		bad "could not start jackd $*: $(head -c 400 "$tmp/jackd-$JACK_DEFAULT_SERVER.log")"
		summary ""
	fi
	jackd_pid=$server_pid
}

# stop_jackd: stop the current private server (the last start_jackd's), if any.
stop_jackd() {
	if [ -n "${jackd_pid:-}" ]; then stop_pid "$jackd_pid"; fi
	jackd_pid=
}
