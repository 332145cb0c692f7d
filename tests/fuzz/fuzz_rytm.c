/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the Rytm dump importer (rytm.h). Any input is imported or refused with a
 * message, never a crash. Whatever imports must be a valid pattern (its canonical text parses),
 * and when exporting it warns of nothing, importing the export gives the same pattern.
 *
 * Input byte 0 chooses the layer: odd, the rest is raw pattern data (its version word and size
 * forced to v5 or v4 by byte 1), so that the decoder is reached without a valid checksum; even,
 * the rest is a whole dump file, whose checksum and length fields are first made right when
 * byte 0 is 2 (so that mutations reach the unpacking and decoding behind the framing).
 *
 * Everything stays in memory; the round trip runs once per distinct imported pattern: a set of
 * 64-bit hashes of the patterns checked already (half the imports of a run give a pattern seen
 * before, and the round trip is most of the time of an input).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/patfile.h"
#include "trigseq/core/rytm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ts_pattern pat1, pat2;
static ts_diags diags;
static uint8_t raw[TS_RYTM_V4_RAW_SIZE];
static uint8_t file[TS_RYTM_V4_RAW_SIZE * 2];

/* Open addressing; emptied when a quarter full, so a probe stays short. 0 marks a free slot. */
#define SEEN_SLOTS (1u << 20)
static uint64_t seen[SEEN_SLOTS];
static size_t seen_count;

static uint64_t pattern_hash(const ts_pattern *p)
{
	const unsigned char *b = (const unsigned char *)p;
	uint64_t h = 0x9E3779B97F4A7C15u;
	size_t i = 0;
	for (; i + 8 <= sizeof(*p); i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		h = (h ^ w) * 0xFF51AFD7ED558CCDu;
		h ^= h >> 32;
	}
	for (; i < sizeof(*p); i++)
		h = (h ^ b[i]) * 0x100000001B3u;
	return h ? h : 1;
}

/* Whether the hash was in the set; adds it if not. */
static bool seen_before(uint64_t h)
{
	if (seen_count >= SEEN_SLOTS / 4) {
		memset(seen, 0, sizeof(seen));
		seen_count = 0;
	}
	size_t i = (size_t)(h & (SEEN_SLOTS - 1));
	while (seen[i] != 0) {
		if (seen[i] == h)
			return true;
		i = (i + 1) & (SEEN_SLOTS - 1);
	}
	seen[i] = h;
	seen_count++;
	return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	char err[TS_RYTM_ERR_MAX] = "";
	ts_rytm_warnings *w = ts_rytm_warnings_new();
	if (!w)
		return 0;
	ts_status st;
	if (data[0] & 1) {
		size_t n = data[1] & 1 ? TS_RYTM_V4_RAW_SIZE : TS_RYTM_V5_RAW_SIZE;
		memset(raw, 0, sizeof(raw));
		memcpy(raw, data + 2, size - 2 < n ? size - 2 : n);
		raw[0] = raw[1] = raw[2] = 0;
		raw[3] = data[1] & 1 ? 3 : 5;
		st = ts_rytm_decode(raw, n, &pat1, w, err);
	} else if (data[0] == 2 && size - 1 >= 16 && size - 1 <= sizeof(file)) {
		size_t n = size - 1;
		memcpy(file, data + 1, n);
		unsigned sum = ts_rytm_checksum(file + 10, n - 15);
		file[n - 5] = (uint8_t)(sum >> 7);
		file[n - 4] = sum & 0x7F;
		file[n - 3] = (uint8_t)(((n - 10) >> 7) & 0x7F);
		file[n - 2] = (n - 10) & 0x7F;
		st = ts_rytm_import(file, n, &pat1, NULL, w, err);
	} else {
		st = ts_rytm_import(data + 1, size - 1, &pat1, NULL, w, err);
	}
	if (st != TS_OK) {
		if (st != TS_ERR_PARSE || !err[0])
			abort();
		ts_rytm_warnings_free(w);
		return 0;
	}
	/* The checks below are a function of the pattern alone: one checked already passes again.
	 * Many mutations of a dump decode to the pattern of the input they came from. */
	if (seen_before(pattern_hash(&pat1))) {
		ts_rytm_warnings_free(w);
		return 0;
	}
	size_t len = 0;
	char *text = ts_patfile_format(&pat1, NULL, &len);
	if (!text)
		abort();
	memset(&pat2, 0, sizeof(pat2));
	if (ts_patfile_parse(text, len, &pat2, NULL, &diags) != TS_OK) {
		fprintf(stderr, "imported pattern is not valid:\n%s\n", text);
		ts_diags_print(stderr, "imported", &diags);
		abort();
	}
	ts_rytm_warnings *w2 = ts_rytm_warnings_new();
	uint8_t *dump = NULL;
	size_t dlen = 0;
	if (!w2 || ts_rytm_export(&pat1, 0, &dump, &dlen, w2) != TS_OK)
		abort();
	if (ts_rytm_warnings_count(w2) == 0) {
		if (ts_rytm_import(dump, dlen, &pat2, NULL, NULL, err) != TS_OK) {
			fprintf(stderr, "export does not import: %s\n", err);
			abort();
		}
		if (memcmp(&pat1, &pat2, sizeof(pat1)) != 0) {
			fprintf(stderr, "pattern changed through export and import:\n%s\n", text);
			abort();
		}
	}
	free(dump);
	free(text);
	ts_rytm_warnings_free(w);
	ts_rytm_warnings_free(w2);
	return 0;
}
