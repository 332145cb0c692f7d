#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Set up a Debian 12 machine for trigseq, build it, and either demo it or run every test.
#   tools/quickstart.sh demo   install what is missing, build, show an example pattern's output
#   tools/quickstart.sh test   install what is missing, build, run `make test`
# Run as root or with sudo (apt-get needs it); nothing is installed when everything is there.
set -euo pipefail

cd "$(dirname "$0")/.."

# Debian packages the build, the tests and the runtime need.
PACKAGES=(
	build-essential pkg-config clang
	libjack-jackd2-dev libncurses-dev libsndfile1-dev libcmocka-dev
	jackd2 jack-midi-clock tmux mandoc python3
)

install_missing() {
	local missing=()
	for p in "${PACKAGES[@]}"; do
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
	echo "== trigseq check $example"
	./build/trigseq check "$example" && echo "valid"
	echo "== trigseq dump $example --bars 1 (frame, port, MIDI bytes)"
	./build/trigseq dump "$example" --bars 1
	;;
test)
	install_missing
	make -j"$jobs" all
	make test
	;;
*)
	echo "usage: tools/quickstart.sh demo|test" >&2
	exit 2
	;;
esac
