/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Out of memory in the sample voices (src/rt/voice.c), as tests/test_alloc.c does for src/core:
 * a mixer made and a sample loaded (read by libsndfile, resampled by libsamplerate, whose own
 * allocations fail too) with its first allocation failing, then its second, ... Apart from
 * test_alloc because it links libsndfile and libsamplerate.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, for failalloc.h */
#include "testutil.h"

#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failalloc.h"

#include "trigseq/rt/voice.h"

static char dir[] = "/tmp/trigseq-test-alloc-voice-XXXXXX";
static char wav[96];

/* a stereo 44.1 kHz WAV of 2000 frames: loaded into a 48 kHz mixer, it is resampled */
static void write_wav(void)
{
	snprintf(wav, sizeof(wav), "%s/hit.wav", dir);
	SF_INFO info = {.samplerate = 44100, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
	SNDFILE *sf = sf_open(wav, SFM_WRITE, &info);
	assert_non_null(sf);
	static float buf[2000 * 2];
	for (int i = 0; i < 2000 * 2; i++)
		buf[i] = (float)(i % 100) / 100.0f;
	assert_int_equal(sf_writef_float(sf, buf, 2000), 2000);
	sf_close(sf);
}

static bool voices_load(void *ctx)
{
	(void)ctx;
	char err[256];
	ts_voices *v = ts_voices_new(48000, 2);
	if (!v)
		return false;
	ts_status st = ts_voices_load(v, 1, 3, wav, err, sizeof(err));
	bool ok = st == TS_OK && ts_voices_frames(v, 1, 3) > 2000;
	ts_voices_collect(v);
	ts_voices_free(v);
	return ok;
}

static bool voices_new(void *ctx)
{
	(void)ctx;
	ts_voices *v = ts_voices_new(48000, 2);
	ts_voices_free(v);
	return v != NULL;
}

static void voices_new_and_load(void **state)
{
	(void)state;
	long n = fa_sweep(voices_new, NULL);
	print_message("voices new: %ld failure points\n", n);
	assert_true(n > 0);
	write_wav();
	/* voice.c's own allocations: libsndfile crashes on some of its own failing (1.2.0) */
	fa_ours_only = true;
	long points = fa_sweep(voices_load, NULL);
	fa_ours_only = false;
	print_message("voices load (resampled): %ld failure points\n", points);
	assert_true(points > 0);
	unlink(wav);
}

int main(void)
{
	assert_non_null(mkdtemp(dir));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(voices_new_and_load),
	};
	int r = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return r;
}
