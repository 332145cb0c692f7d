#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# check-core-symbols.sh ARCHIVE: the core archive (build/libtrigseq-core.a) needs nothing but
# itself, the C library and libm. Every symbol it leaves undefined (nm -u) must be defined in the
# archive or by libc/libm; one of JACK, curses, libsndfile or libsamplerate is named as such.
set -euo pipefail
lib=${1:?usage: check-core-symbols.sh ARCHIVE}

libdir() { gcc -print-file-name="$1"; }
system_syms() {
	local so
	for so in libc.so.6 libm.so.6; do
		nm -D --defined-only "$(readlink -f "$(libdir "$so")")" | awk '{print $NF}' | sed 's/@.*//'
	done
}

undef=$(nm -u "$lib" | awk 'NF && $1 == "U" {print $2}' | sed 's/@.*//' | sort -u)
own=$(nm --defined-only "$lib" | awk 'NF == 3 {print $3}' | sort -u)
sys=$(system_syms | sort -u)
foreign=$(comm -23 <(comm -23 <(printf '%s\n' "$undef") <(printf '%s\n' "$own")) \
	<(printf '%s\n' "$sys") | sed '/^$/d')
if [ -n "$foreign" ]; then
	echo "check-core-symbols: $lib needs symbols from outside libc and libm:" >&2
	while read -r s; do
		case $s in
		jack_*) what=JACK ;;
		sf_*) what=libsndfile ;;
		src_*) what=libsamplerate ;;
		initscr | endwin | *wprintw | w*move | *curs* | newwin | wgetch | getch | mvw* | waddn*str) what=curses ;;
		*) what="neither libc nor libm" ;;
		esac
		echo "  $s ($what)" >&2
	done <<<"$foreign"
	exit 1
fi
n=$(printf '%s\n' "$undef" | sed '/^$/d' | wc -l)
echo "check-core-symbols: $lib: $n undefined symbols, every one from the archive, libc or libm"
