/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the SysEx parser (ts_sysex_split) and the receive assembler
 * (ts_sysex_rx). Any input must be split or refused without a crash. Refused: the offset is
 * inside the buffer (or at its end, for a truncated message) and the text starts with it.
 * Split: the messages cover the buffer exactly, each F0, data bytes, F7. And the assembler,
 * fed the same bytes in chunks the input's first byte chooses, keeps exactly the file when it
 * is valid; whatever the input, what it keeps is itself a valid file with as many messages as
 * it counts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/sysex.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed the bytes in chunks of 1 … 16 bytes, the lengths drawn from `seed`. */
static ts_sysex_rx *assemble(const uint8_t *data, size_t size, uint32_t seed)
{
	ts_sysex_rx *rx = ts_sysex_rx_new(TS_SYSEX_MAX_FILE);
	if (!rx)
		abort();
	for (size_t at = 0; at < size;) {
		seed = seed * 1103515245u + 12345u;
		size_t n = 1 + (seed >> 16) % 16;
		if (n > size - at)
			n = size - at;
		ts_status st = ts_sysex_rx_feed(rx, data + at, n);
		if (st != TS_OK)
			abort();
		at += n;
	}
	ts_sysex_rx_end(rx);
	return rx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ts_sysex_span *spans;
	size_t count;
	ts_sysex_error err;
	ts_status st = ts_sysex_split(data, size, &spans, &count, &err);
	ts_sysex_rx *rx = assemble(data, size, size ? data[0] : 0);
	size_t len;
	const uint8_t *kept = ts_sysex_rx_data(rx, &len);
	ts_sysex_rx_stats rs;
	ts_sysex_rx_get_stats(rx, &rs);
	if (rs.bytes != len || rs.open != 0)
		abort();
	if (st == TS_OK) {
		size_t at = 0;
		for (size_t i = 0; i < count; i++) {
			const ts_sysex_span *s = &spans[i];
			if (s->offset != at || s->len < 3 || data[at] != 0xF0 ||
			    data[at + s->len - 1] != 0xF7)
				abort();
			for (size_t k = at + 1; k < at + s->len - 1; k++)
				if (data[k] > 0x7F)
					abort();
			at += s->len;
		}
		if (at != size || count == 0)
			abort();
		/* a valid file passes through the assembler unchanged */
		if (len != size || memcmp(kept, data, size) != 0 || rs.messages != count ||
		    rs.broken != 0 || rs.realtime_dropped != 0 || rs.ignored != 0)
			abort();
		free(spans);
	} else {
		char head[40];
		snprintf(head, sizeof(head), "offset 0x%zX: ", err.offset);
		if (st != TS_ERR_SYSEX || spans || count || err.offset > size ||
		    strncmp(err.text, head, strlen(head)) != 0)
			abort();
	}
	/* what the assembler keeps is always a valid file */
	if (len) {
		ts_sysex_span *s2;
		size_t c2;
		if (ts_sysex_split(kept, len, &s2, &c2, &err) != TS_OK || c2 != rs.messages) {
			fprintf(stderr, "the assembler kept an invalid file: %s\n", err.text);
			abort();
		}
		free(s2);
	} else if (rs.messages) {
		abort();
	}
	ts_sysex_rx_free(rx);
	return 0;
}
