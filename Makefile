# SPDX-License-Identifier: GPL-2.0-or-later
# trigseq — GNU make. `make` builds, `make test` runs every test, `make bench` prints figures,
# `make fuzz` runs every fuzz target for FUZZ_RUNS inputs (or FUZZ_SECONDS).

VERSION := 0.1.0
CC ?= cc
PKG_CONFIG ?= pkg-config
PREFIX ?= /usr/local

WARN := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wformat=2 -Wvla
CFLAGS ?= -O2 -g
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude -DTS_VERSION='"$(VERSION)"' $(CFLAGS)
LDLIBS := -lm
JACK_CFLAGS := $(shell $(PKG_CONFIG) --cflags jack)
JACK_LIBS := $(shell $(PKG_CONFIG) --libs jack)
# ncursesw's own flags define _XOPEN_SOURCE=600, which would undo our POSIX level: only its libs.
CURSES_LIBS := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null || echo -lncursesw)
SND_CFLAGS := $(shell $(PKG_CONFIG) --cflags sndfile samplerate)
SND_LIBS := $(shell $(PKG_CONFIG) --libs sndfile samplerate)

B := build
SAN := $(B)/san
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1 -g

# The layers (DESIGN.md): src/core is pure (no JACK, curses, libsndfile or libsamplerate) and is
# built as one archive, which the unit tests link; src/rt is the JACK adapter and the sample voices;
# src/app the commands' sessions; src/ui the editor; src/cli the command table.
CORE_SRC := $(sort $(wildcard src/core/*.c))
RT_SRC := $(sort $(wildcard src/rt/*.c))
APP_SRC := $(sort $(wildcard src/app/*.c))
UI_SRC := $(sort $(wildcard src/ui/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
CORE_OBJ := $(CORE_SRC:src/%.c=$(B)/%.o)
RT_OBJ := $(RT_SRC:src/%.c=$(B)/%.o) $(B)/rt/link.o
APP_OBJ := $(APP_SRC:src/%.c=$(B)/%.o)
UI_OBJ := $(UI_SRC:src/%.c=$(B)/%.o)
CLI_OBJ := $(CLI_SRC:src/%.c=$(B)/%.o)
CORE_LIB := $(B)/libtrigseq-core.a
SAN_CORE_LIB := $(SAN)/libtrigseq-core.a
HEADERS := $(sort $(wildcard include/trigseq/*/*.h))
# The private headers of a module split in several files (src/core/engine_internal.h, ...).
PRIVATE_HEADERS := $(sort $(wildcard src/*/*.h))

# The sample voices: only the trigseq binary and test_voice link libsndfile and libsamplerate.
VOICE_OBJ := $(B)/rt/voice.o

UNIT_TESTS := test_pattern test_grammar test_patfile test_rtmem test_engine test_midi_in test_clock test_edit test_smf \
	test_monitor test_voice test_sysex test_rytm test_snapshot test_timeline test_alloc test_alloc_voice \
	test_options test_ring test_thru test_position test_record test_timeline_link test_song test_euclid test_songfile
CMOCKA_LIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null || echo -lcmocka)

.PHONY: all test unit unit-san lib-test link-test cli-test rytm-test oracle-test export-test render-test jack-test slave-test ui-test sysex-test lint-man check-patterns bench fuzz clean \
	install

all: $(B)/trigseq $(CORE_LIB)

# The core is compiled without the flags of JACK, libsndfile and libsamplerate: it cannot use them.
$(B)/core/%.o: src/core/%.c $(HEADERS) $(PRIVATE_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -MMD -c -o $@ $<

$(B)/%.o: src/%.c $(HEADERS) $(PRIVATE_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(JACK_CFLAGS) $(SND_CFLAGS) -MMD -c -o $@ $<

$(SAN)/%.o: src/%.c $(HEADERS) $(PRIVATE_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(SND_CFLAGS) $(SAN_FLAGS) -c -o $@ $<

$(CORE_LIB): $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(SAN_CORE_LIB): $(CORE_OBJ:$(B)/%=$(SAN)/%)
	rm -f $@
	$(AR) rcs $@ $^

$(B) $(SAN):
	mkdir -p $@

$(B)/trigseq: $(CLI_OBJ) $(UI_OBJ) $(APP_OBJ) $(RT_OBJ) $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(JACK_LIBS) $(CURSES_LIBS) $(SND_LIBS) $(LINK_LIBS) $(LDLIBS)

$(B)/test_%: tests/test_%.c $(CORE_LIB) tests/testutil.h tests/alloccount.h tests/failalloc.h
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(CORE_LIB) $(CMOCKA_LIBS) $(LDLIBS)

$(SAN)/test_%: tests/test_%.c $(SAN_CORE_LIB) tests/testutil.h tests/alloccount.h tests/failalloc.h
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests -o $@ $< $(SAN_CORE_LIB) $(CMOCKA_LIBS) $(LDLIBS)

# The voices are tested on WAV files the test writes with libsndfile.
$(B)/test_voice: tests/test_voice.c $(VOICE_OBJ) $(CORE_LIB) tests/testutil.h tests/alloccount.h tests/failalloc.h
	$(CC) $(ALL_CFLAGS) $(SND_CFLAGS) -Itests -o $@ $< $(VOICE_OBJ) $(CORE_LIB) $(CMOCKA_LIBS) \
		$(SND_LIBS) $(LDLIBS)

$(SAN)/test_voice: tests/test_voice.c $(SAN)/rt/voice.o $(SAN_CORE_LIB) tests/testutil.h tests/alloccount.h tests/failalloc.h
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(SND_CFLAGS) -Itests -o $@ $< $(SAN)/rt/voice.o $(SAN_CORE_LIB) \
		$(CMOCKA_LIBS) $(SND_LIBS) $(LDLIBS)

# The voices out of memory (tests/failalloc.h), built as test_voice.
$(B)/test_alloc_voice: tests/test_alloc_voice.c $(VOICE_OBJ) $(CORE_LIB) tests/testutil.h tests/failalloc.h
	$(CC) $(ALL_CFLAGS) $(SND_CFLAGS) -Itests -o $@ $< $(VOICE_OBJ) $(CORE_LIB) $(CMOCKA_LIBS) \
		$(SND_LIBS) $(LDLIBS)

$(SAN)/test_alloc_voice: tests/test_alloc_voice.c $(SAN)/rt/voice.o $(SAN_CORE_LIB) tests/testutil.h tests/failalloc.h
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(SND_CFLAGS) -Itests -o $@ $< $(SAN)/rt/voice.o $(SAN_CORE_LIB) \
		$(CMOCKA_LIBS) $(SND_LIBS) $(LDLIBS)

# The option parser, and the offline commands' options on top of it: their app objects use
# nothing but the core.
OPTIONS_TEST_OBJ := app/offline.o app/cli.o
$(B)/test_options: tests/test_options.c $(OPTIONS_TEST_OBJ:%=$(B)/%) $(CORE_LIB) tests/testutil.h
	$(CC) $(ALL_CFLAGS) -Itests -o $@ $< $(OPTIONS_TEST_OBJ:%=$(B)/%) $(CORE_LIB) $(CMOCKA_LIBS) $(LDLIBS)

$(SAN)/test_options: tests/test_options.c $(OPTIONS_TEST_OBJ:%=$(SAN)/%) $(SAN_CORE_LIB) tests/testutil.h
	$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) -Itests -o $@ $< $(OPTIONS_TEST_OBJ:%=$(SAN)/%) $(SAN_CORE_LIB) \
		$(CMOCKA_LIBS) $(LDLIBS)

# The core archive calls nothing of JACK, curses, libsndfile or libsamplerate: its undefined
# symbols are libc's, libm's and its own.
$(B)/core-symbols.ok: $(CORE_LIB) tools/check-core-symbols.sh
	tools/check-core-symbols.sh $(CORE_LIB)
	touch $@

# No #include points up the layers (core < rt < app < ui < cli).
$(B)/layers.ok: $(HEADERS) $(PRIVATE_HEADERS) $(CORE_SRC) $(RT_SRC) $(APP_SRC) $(UI_SRC) $(CLI_SRC) tools/check-layers.sh
	tools/check-layers.sh
	touch $@

# The rings and the status snapshot are tested with a producer and a consumer thread.
$(B)/test_monitor $(SAN)/test_monitor $(B)/test_snapshot $(SAN)/test_snapshot $(B)/test_ring \
	$(SAN)/test_ring: LDLIBS += -pthread

# Every header compiles on its own.
$(B)/headers.ok: $(HEADERS) | $(B)
	for h in $^; do echo "#include \"$${h#include/}\"" | \
		$(CC) $(ALL_CFLAGS) -x c -fsyntax-only - || exit 1; done
	touch $@

unit: $(UNIT_TESTS:%=$(B)/%) $(B)/headers.ok $(B)/core-symbols.ok $(B)/layers.ok
	@for t in $(UNIT_TESTS); do $(B)/$$t || exit 1; done

unit-san: $(UNIT_TESTS:%=$(SAN)/%)
	@for t in $(UNIT_TESTS); do ASAN_OPTIONS=detect_leaks=1 $(SAN)/$$t || exit 1; done

# The shell tests' preamble (tests/lib.sh): the cleanup SIGKILLs a peer that ignores SIGTERM and
# stops the private server last; the wait helpers; the summary's exit status.
lib-test:
	tools/jack-shm-heal.sh
	tests/lib_test.sh

cli-test: $(B)/trigseq
	tests/cli/run-all.sh $(B)/trigseq

# Standard MIDI Files read back by mido and midicsv, against the dump (tests/export/).
export-test: $(B)/trigseq
	tests/export/run-all.sh $(B)

# Sample voices rendered offline, read back with python3's wave module: every onset at the frame
# of the dump, cuts without clicks, missing samples named (tests/render/).
render-test: $(B)/trigseq
	tests/render/run-all.sh $(B)

# The engine against an independent implementation of the spec (tests/oracle/oracle.py): the
# examples, then DIFF_COUNT random patterns starting at DIFF_SEED, then CHAIN_COUNT random chains
# of 2-3 patterns.
DIFF_SEED ?= 1
DIFF_COUNT ?= 120
CHAIN_COUNT ?= 60
SONG_COUNT ?= 60
EUCLID_COUNT ?= 60
oracle-test: $(B)/trigseq
	tests/oracle/examples.sh $(B)/trigseq
	tests/oracle/differential.sh $(B)/trigseq $(DIFF_SEED) $(DIFF_COUNT)
	tests/oracle/differential_chain.sh $(B)/trigseq $(DIFF_SEED) $(CHAIN_COUNT)
	tests/oracle/differential_song.sh $(B)/trigseq $(DIFF_SEED) $(SONG_COUNT)
	tests/oracle/differential.sh $(B)/trigseq $(DIFF_SEED) $(EUCLID_COUNT) --euclid

# Integration tests on a private JACK dummy server with real peers (tests/jack/): the RT-safety
# interposer and a client that breaks the rules on purpose, to prove the interposer sees it.
$(B)/rtcheck.so: tests/jack/rtcheck.c | $(B)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g -fPIC -shared $(JACK_CFLAGS) -o $@ $< -ldl

$(B)/rt_bad_client: tests/jack/rt_bad_client.c | $(B)
	$(CC) $(ALL_CFLAGS) $(JACK_CFLAGS) -fno-builtin -o $@ $< $(JACK_LIBS)

# Records two audio inputs with the frame time of the first frame (test code only).
$(B)/audio_capture: tests/jack/audio_capture.c | $(B)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -g $(JACK_CFLAGS) -o $@ $< $(JACK_LIBS)

$(B)/send_midi: tests/jack/send_midi.c | $(B)
	$(CC) $(ALL_CFLAGS) $(JACK_CFLAGS) -o $@ $< $(JACK_LIBS)

# The JACK adapter with the MIDI monitor on, printing what the ring gives (test code only); it
# loads its pattern as the commands do (src/app/cli.c).
$(B)/monitor_dump: tests/jack/monitor_dump.c $(RT_OBJ) $(B)/app/cli.o $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(JACK_CFLAGS) -o $@ $< $(RT_OBJ) $(B)/app/cli.o $(CORE_LIB) $(JACK_LIBS) \
		$(SND_LIBS) $(LINK_LIBS) $(LDLIBS)

# Stale JACK shared memory (servers that died without cleanup) blocks new servers: heal first.
jack-test: $(B)/trigseq $(B)/rtcheck.so $(B)/rt_bad_client $(B)/jitter_clock $(B)/send_midi \
		$(B)/monitor_dump $(B)/audio_capture
	tools/jack-shm-heal.sh
	tests/jack/run-all.sh $(B)
	tests/jack/chain.sh $(B)
	tests/jack/song.sh $(B)
	tests/jack/thru.sh $(B)

# The clock slave against real masters on a private JACK dummy server (tests/slave/).
$(B)/jitter_clock: tests/slave/jitter_clock.c | $(B)
	$(CC) $(ALL_CFLAGS) $(JACK_CFLAGS) -o $@ $< $(JACK_LIBS)

slave-test: $(B)/trigseq $(B)/jitter_clock $(B)/audio_capture
	tools/jack-shm-heal.sh
	tests/slave/run-all.sh $(B)

# The terminal editor in tmux against a private JACK dummy server (tests/ui/): as the master,
# then following MIDI clock and JACK transport (sync.sh).
ui-test: $(B)/trigseq $(B)/rtcheck.so $(B)/send_midi $(B)/audio_capture
	tools/jack-shm-heal.sh
	tests/ui/run-all.sh $(B)
	tests/ui/sync.sh $(B)
	tests/ui/record.sh $(B)
	tests/ui/song.sh $(B)
	tests/ui/euclid.sh $(B)

# The SysEx librarian through a private JACK dummy server, with jack_midi_dump (tests/sysex/).
sysex-test: $(B)/trigseq $(B)/send_midi $(B)/rtcheck.so
	tools/jack-shm-heal.sh
	tests/sysex/run-all.sh $(B)

# Rytm dumps from an independent generator (tests/rytm/rytm_gen.py): RYTM_COUNT random dumps per
# layout, the damaged ones, the .tsq round trips.
RYTM_COUNT ?= 40
rytm-test: $(B)/trigseq
	tests/rytm/run-all.sh $(B)/trigseq $(RYTM_COUNT)

check-patterns: $(B)/trigseq
	$(B)/trigseq check patterns/*.tsq patterns/*.tss
	$(B)/trigseq fmt --check patterns/*.tss

lint-man:
	mandoc -Tlint -W warning man/trigseq.1

test: unit unit-san check-patterns lint-man lib-test cli-test rytm-test oracle-test export-test render-test jack-test \
	slave-test ui-test sysex-test link-test

$(B)/bench_engine: bench/bench_engine.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(CORE_LIB) $(LDLIBS)

# The sample voices' mixing cost per period, without JACK.
$(B)/bench_voice: bench/bench_voice.c $(VOICE_OBJ) $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(SND_CFLAGS) -O2 -o $@ $< $(VOICE_OBJ) $(CORE_LIB) $(SND_LIBS) $(LDLIBS)

$(B)/bench_clock: bench/bench_clock.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) -O2 -o $@ $< $(CORE_LIB) $(LDLIBS)

# Ableton Link behind a C interface: the one C++ file (rt/link.h), on Debian's ableton-link-dev
# headers (and libasio-dev's). Its test runs only inside ../shared/tools/netns-run (tests/link/).
CXX ?= g++
LINK_CXXFLAGS := -std=c++14 -DLINK_PLATFORM_LINUX=1 -Wall -Wextra -Wpedantic -Werror -Wshadow \
	-Iinclude $(CFLAGS)
LINK_LIBS := -lstdc++ -lpthread

$(B)/rt/link.o: src/rt/link.cpp include/trigseq/rt/link.h
	@mkdir -p $(@D)
	$(CXX) $(LINK_CXXFLAGS) -c -o $@ $<

$(B)/link_peers: tests/link/link_peers.c $(B)/rt/link.o include/trigseq/rt/link.h
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/rt/link.o $(LINK_LIBS) $(LDLIBS)

$(B)/midi_sink: tests/link/midi_sink.c | $(B)
	$(CC) $(ALL_CFLAGS) $(JACK_CFLAGS) -o $@ $< $(JACK_LIBS)

link-test: $(B)/link_peers $(B)/trigseq $(B)/audio_capture $(B)/rtcheck.so $(B)/midi_sink
	tools/jack-shm-heal.sh
	tests/link/run-all.sh $(B)

# Times the process callback of a real client (bench/callback.sh); benchmark code only.
$(B)/cbtime.so: bench/cbtime.c | $(B)
	$(CC) -std=gnu11 -Wall -Wextra -Werror -O2 -fPIC -shared $(JACK_CFLAGS) -o $@ $< -ldl

# Fills every period of midi_in with MIDI events (bench/callback.sh: thru's cost).
$(B)/midi_flood: bench/midi_flood.c | $(B)
	$(CC) $(ALL_CFLAGS) -D_DEFAULT_SOURCE $(JACK_CFLAGS) -o $@ $< $(JACK_LIBS)

bench: $(B)/bench_engine $(B)/bench_voice $(B)/bench_clock $(B)/trigseq $(B)/jitter_clock $(B)/cbtime.so \
		$(B)/midi_flood $(B)/send_midi $(B)/audio_capture $(B)/link_peers
	$(B)/bench_engine
	$(B)/bench_voice
	python3 bench/master_clock.py $(B)/trigseq patterns/virus-acid.tsq --minutes 10 --bpm 123.7
	$(B)/bench_clock
	bench/slave.sh $(B)
	bench/callback.sh $(B) 20
	bench/thru.sh $(B)
	bench/link.sh $(B)
	bench/render.sh $(B)
	bench/editor.sh $(B)

# Fuzzing with clang's libFuzzer, ASan and UBSan (any undefined behaviour is a crash): the core
# is compiled again with the fuzzer's coverage flags into $(FZ)/libtrigseq-core.a, which every
# target links, so a new core file needs no line here. `make fuzz` runs each target for
# FUZZ_RUNS inputs, or FUZZ_SECONDS seconds if that comes first (0: no time cap). The corpora
# grow under build/; the seeds are tests/fuzz/corpus*, patterns/ and the Rytm test generator's.
FUZZ_RUNS ?= 1000000
FUZZ_SECONDS ?= 0
FZ := $(B)/fuzz
FUZZ_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Iinclude -g -O2 -fsanitize=address,undefined \
	-fno-sanitize-recover=all
# Edge coverage without tracing every comparison (-fsanitize=fuzzer-no-link would add trace-cmp):
# the comparisons over whole Rytm dumps and pattern texts halved the speed; libFuzzer still sees
# the memcmp and strcmp operands through ASan's interceptors.
FUZZ_COVERAGE := -fsanitize-coverage=inline-8bit-counters,pc-table
FUZZ_TARGETS := $(B)/fuzz_patfile $(B)/fuzz_sysex $(B)/fuzz_rytm $(B)/fuzz_midi_in
FUZZ_OPTS = -runs=$(FUZZ_RUNS) -max_total_time=$(FUZZ_SECONDS) -timeout=5 -print_final_stats=1

$(FZ)/core/%.o: src/core/%.c $(HEADERS) $(PRIVATE_HEADERS)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) $(FUZZ_COVERAGE) -c -o $@ $<

$(FZ)/libtrigseq-core.a: $(CORE_SRC:src/%.c=$(FZ)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

# fuzz_rytm runs without ASan's check of printf arguments (a third of its time went there, in
# the pattern text that its round trip formats): fuzz_patfile fuzzes that writer with the check.
# fuzz_patfile: the pattern file parser and writer; fuzz_sysex: the SysEx file parser and the
# receive assembler; fuzz_rytm: the Rytm dump importer and exporter; fuzz_midi_in: the MIDI byte
# parser and the clock follower behind it.
$(B)/fuzz_%: tests/fuzz/fuzz_%.c $(FZ)/libtrigseq-core.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FZ)/libtrigseq-core.a -lm

$(B)/fuzz-rytm-seeds/ok: tests/rytm/rytm_gen.py tests/rytm/seeds.sh
	mkdir -p $(B)/fuzz-rytm-seeds
	tests/rytm/seeds.sh $(B)/fuzz-rytm-seeds
	touch $@

fuzz: $(FUZZ_TARGETS) $(B)/fuzz-rytm-seeds/ok
	mkdir -p $(B)/fuzz-corpus $(B)/fuzz-corpus-sysex $(B)/fuzz-rytm-corpus $(B)/fuzz-corpus-midi-in
	$(B)/fuzz_patfile $(FUZZ_OPTS) -max_len=8192 $(B)/fuzz-corpus tests/fuzz/corpus patterns
	$(B)/fuzz_sysex $(FUZZ_OPTS) -max_len=8192 $(B)/fuzz-corpus-sysex tests/fuzz/corpus-sysex
	ASAN_OPTIONS=check_printf=0 $(B)/fuzz_rytm $(FUZZ_OPTS) -max_len=32768 $(B)/fuzz-rytm-corpus $(B)/fuzz-rytm-seeds \
		tests/fuzz/corpus-rytm
	$(B)/fuzz_midi_in $(FUZZ_OPTS) -max_len=4096 $(B)/fuzz-corpus-midi-in tests/fuzz/corpus-midi-in

install: $(B)/trigseq
	install -D -m 755 $(B)/trigseq $(DESTDIR)$(PREFIX)/bin/trigseq
	install -D -m 644 man/trigseq.1 $(DESTDIR)$(PREFIX)/share/man/man1/trigseq.1

clean:
	rm -rf $(B)

# Keep the sanitizer objects between runs.
.SECONDARY:

-include $(wildcard $(B)/*/*.d)
