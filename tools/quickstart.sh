#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Set up a Debian 12 machine for trigseq, build it, and either demo it, run every test or print
# every benchmark figure.
#   tools/quickstart.sh demo   install what is missing, build, play an example pattern on JACK
#                              (a private dummy server if none runs), showing every MIDI event
#   tools/quickstart.sh test   install what is missing, build, run `make test`
#   tools/quickstart.sh bench  install what is missing (and Hydrogen, whose h2cli the render
#                              speed is compared with), build, run `make bench` (over 15 minutes)
# Run as root or with sudo (apt-get needs it); nothing is installed when everything is there.
set -euo pipefail

cd "$(dirname "$0")/.."

# Debian packages the build, the tests and the runtime need.
PACKAGES=(
	build-essential pkg-config clang
	libjack-jackd2-dev libncurses-dev libsndfile1-dev libsamplerate0-dev libcmocka-dev
	jackd2 jack-midi-clock tmux mandoc python3 procps python3-mido midicsv
	ableton-link-dev libasio-dev ableton-link-utils iproute2 util-linux g++
)
# What `make bench` needs beyond them: Hydrogen's h2cli renders the same pattern as
# bench/render.sh. CI runs no benchmark, so the test packages stay without it.
BENCH_PACKAGES=(hydrogen)

# install_missing [MORE...]: PACKAGES and MORE
install_missing() {
	local missing=()
	for p in "${PACKAGES[@]}" "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "quickstart: installing ${missing[*]}"
	local sudo=()
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || {
			echo "quickstart: need root to install: ${missing[*]} (run as root or install sudo)" >&2
			exit 1
		}
		sudo=(sudo)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

jobs=$(nproc 2>/dev/null || echo 2)

case "${1:-}" in
demo)
	install_missing
	make -j"$jobs"
	example=patterns/virus-acid.tsq
	./build/trigseq check "$example"
	# Use the running JACK server if there is one; otherwise start a private dummy one (no sound
	# card needed) and stop it again on exit.
	started=
	if ! jack_lsp >/dev/null 2>&1; then
		tools/jack-shm-heal.sh
		export JACK_DEFAULT_SERVER="trigseq-demo-$$"
		jackd --no-realtime -d dummy -r 48000 -p 256 >/dev/null 2>&1 &
		started=$!
		trap 'kill "$started" 2>/dev/null; wait "$started" 2>/dev/null' EXIT
		for _ in $(seq 50); do jack_lsp >/dev/null 2>&1 && break; sleep 0.1; done
		echo "quickstart: started a private JACK dummy server \"$JACK_DEFAULT_SERVER\""
	fi
	# A MIDI monitor shows every event trigseq sends (frame: bytes); Ctrl-C stops both.
	jack_midi_dump trigseq-monitor &
	monitor=$!
	trap 'kill "$monitor" 2>/dev/null; [ -n "$started" ] && kill "$started" 2>/dev/null; wait 2>/dev/null' EXIT
	sleep 0.5
	echo "quickstart: playing $example (trigseq play); Ctrl-C stops"
	./build/trigseq play "$example" --verbose --connect midi_out=trigseq-monitor:input ${DEMO_ARGS:-}
	;;
test)
	install_missing
	make -j"$jobs" all
	tools/jack-shm-heal.sh
	make test
	;;
bench)
	install_missing "${BENCH_PACKAGES[@]}"
	make -j"$jobs" all
	tools/jack-shm-heal.sh
	make bench
	;;
*)
	echo "usage: tools/quickstart.sh demo|test|bench" >&2
	exit 2
	;;
esac
