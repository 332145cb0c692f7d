/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Standard MIDI File writer (smf.h): each track is a growing byte buffer of delta-timed events.
 */
#include "trigseq/core/smf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/fileio.h"

typedef struct {
	uint8_t *b;
	size_t n, cap;
	uint64_t last;           /* tick of the last event */
} track;

struct ts_smf {
	uint16_t ppqn;
	int ntracks;
	track *tracks;
};

ts_smf *ts_smf_new(uint16_t ppqn)
{
	if (ppqn == 0 || ppqn > 32767)
		return NULL;
	ts_smf *smf = calloc(1, sizeof(*smf));
	if (!smf)
		return NULL;
	smf->ppqn = ppqn;
	if (ts_smf_add_track(smf, NULL) != 0) {
		ts_smf_free(smf);
		return NULL;
	}
	return smf;
}

void ts_smf_free(ts_smf *smf)
{
	if (!smf)
		return;
	for (int t = 0; t < smf->ntracks; t++)
		free(smf->tracks[t].b);
	free(smf->tracks);
	free(smf);
}

static bool put(track *tr, const uint8_t *b, size_t n)
{
	if (tr->n + n > tr->cap) {
		size_t cap = tr->cap ? tr->cap * 2 : 256;
		while (cap < tr->n + n)
			cap *= 2;
		uint8_t *nb = realloc(tr->b, cap);
		if (!nb)
			return false;
		tr->b = nb;
		tr->cap = cap;
	}
	memcpy(tr->b + tr->n, b, n);
	tr->n += n;
	return true;
}

/* A variable-length quantity: 7 bits a byte, most significant first, bit 7 set but on the last. */
static size_t vlq(uint32_t v, uint8_t out[5])
{
	uint8_t tmp[5];
	size_t n = 0;
	do {
		tmp[n++] = v & 0x7F;
		v >>= 7;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = (uint8_t)(tmp[n - 1 - i] | (i + 1 < n ? 0x80 : 0));
	return n;
}

/* The delta time to `tick`; a delta is at most 0x0FFFFFFF (4 VLQ bytes). */
static bool put_delta(track *tr, uint64_t tick)
{
	if (tick < tr->last || tick - tr->last > 0x0FFFFFFF)
		return false;
	uint8_t d[5];
	size_t n = vlq((uint32_t)(tick - tr->last), d);
	tr->last = tick;
	return put(tr, d, n);
}

int ts_smf_add_track(ts_smf *smf, const char *name)
{
	if (!smf || smf->ntracks == 65535)
		return -1;
	track *nt = realloc(smf->tracks, (size_t)(smf->ntracks + 1) * sizeof(*nt));
	if (!nt)
		return -1;
	smf->tracks = nt;
	memset(&nt[smf->ntracks], 0, sizeof(*nt));
	int t = smf->ntracks++;
	if (name && ts_smf_meta(smf, t, 0, 0x03, name, strlen(name)) != TS_OK)
		return -1;
	return t;
}

ts_status ts_smf_event(ts_smf *smf, int t, uint64_t tick, const uint8_t *bytes, int size)
{
	if (!smf || t < 0 || t >= smf->ntracks || size < 1 || size > 3 || bytes[0] < 0x80 ||
	    bytes[0] >= 0xF0)
		return TS_ERR_RANGE;
	static const uint8_t need[8] = {3, 3, 3, 3, 2, 2, 3, 0}; /* 8n 9n An Bn Cn Dn En */
	if (size != need[(bytes[0] >> 4) & 7])
		return TS_ERR_RANGE;
	for (int i = 1; i < size; i++)
		if (bytes[i] & 0x80)
			return TS_ERR_RANGE;
	track *tr = &smf->tracks[t];
	if (tick < tr->last)
		return TS_ERR_RANGE;
	return put_delta(tr, tick) && put(tr, bytes, (size_t)size) ? TS_OK : TS_ERR_NOMEM;
}

ts_status ts_smf_meta(ts_smf *smf, int t, uint64_t tick, uint8_t type, const void *data,
		      size_t len)
{
	if (!smf || t < 0 || t >= smf->ntracks || type >= 0x80 || len > 0x0FFFFFFF)
		return TS_ERR_RANGE;
	track *tr = &smf->tracks[t];
	if (tick < tr->last)
		return TS_ERR_RANGE;
	uint8_t head[2] = {0xFF, type}, l[5];
	size_t nl = vlq((uint32_t)len, l);
	return put_delta(tr, tick) && put(tr, head, 2) && put(tr, l, nl) && put(tr, data, len)
		       ? TS_OK
		       : TS_ERR_NOMEM;
}

ts_status ts_smf_tempo(ts_smf *smf, uint64_t tick, uint16_t tempo10)
{
	if (tempo10 == 0)
		return TS_ERR_RANGE;
	/* microseconds per quarter note: 60e6 / (tempo10 / 10), rounded */
	uint32_t us = (uint32_t)((600000000ull + tempo10 / 2) / tempo10);
	uint8_t d[3] = {(uint8_t)(us >> 16), (uint8_t)(us >> 8), (uint8_t)us};
	return ts_smf_meta(smf, 0, tick, 0x51, d, 3);
}

ts_status ts_smf_time_signature(ts_smf *smf, uint64_t tick, uint8_t num, uint8_t denom_pow2)
{
	/* 24 MIDI clocks a metronome click, 8 32nds a quarter note */
	uint8_t d[4] = {num, denom_pow2, 24, 8};
	return ts_smf_meta(smf, 0, tick, 0x58, d, 4);
}

int ts_smf_tracks(const ts_smf *smf)
{
	return smf ? smf->ntracks : 0;
}

static void be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

uint8_t *ts_smf_bytes(const ts_smf *smf, uint64_t end_tick, size_t *len)
{
	size_t total = 14;
	for (int t = 0; t < smf->ntracks; t++)
		total += 8 + smf->tracks[t].n + 5 + 3; /* + End of Track, its delta */
	uint8_t *out = malloc(total);
	if (!out)
		return NULL;
	memcpy(out, "MThd", 4);
	be32(out + 4, 6);
	uint8_t hd[6] = {0, 1, (uint8_t)(smf->ntracks >> 8), (uint8_t)smf->ntracks,
			 (uint8_t)(smf->ppqn >> 8), (uint8_t)smf->ppqn};
	memcpy(out + 8, hd, 6);
	size_t at = 14;
	for (int t = 0; t < smf->ntracks; t++) {
		const track *tr = &smf->tracks[t];
		uint8_t d[5];
		uint64_t end = end_tick > tr->last ? end_tick - tr->last : 0;
		size_t nd = vlq(end > 0x0FFFFFFF ? 0x0FFFFFFF : (uint32_t)end, d);
		memcpy(out + at, "MTrk", 4);
		be32(out + at + 4, (uint32_t)(tr->n + nd + 3));
		at += 8;
		if (tr->n)
			memcpy(out + at, tr->b, tr->n);
		at += tr->n;
		memcpy(out + at, d, nd);
		at += nd;
		static const uint8_t eot[3] = {0xFF, 0x2F, 0x00};
		memcpy(out + at, eot, 3);
		at += 3;
	}
	*len = at;
	return out;
}

ts_status ts_smf_write(const ts_smf *smf, const char *path, uint64_t end_tick)
{
	size_t len;
	uint8_t *b = ts_smf_bytes(smf, end_tick, &len);
	if (!b) {
		errno = ENOMEM;
		return TS_ERR_NOMEM;
	}
	ts_status st = ts_file_replace(path, b, len, 0);
	int e = errno;
	free(b);
	errno = e;
	return st;
}
