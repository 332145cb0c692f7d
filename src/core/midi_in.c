/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trigseq/core/midi_in.h"

#include <string.h>

static void count(uint32_t *c)
{
	if (*c != UINT32_MAX)
		(*c)++;
}

void ts_midi_in_init(ts_midi_in *p)
{
	memset(p, 0, sizeof *p);
}

void ts_midi_in_reset(ts_midi_in *p)
{
	ts_midi_in_counters keep = p->count;
	ts_midi_in_init(p);
	p->count = keep;
}

static bool delivered(ts_midi_in *p)
{
	count(&p->count.messages);
	return true;
}

static bool realtime(ts_midi_in *p, uint64_t frame, uint8_t byte, ts_midi_msg *out)
{
	if (byte == 0xF9 || byte == 0xFD) {
		count(&p->count.dropped_bytes);
		return false;
	}
	memset(out, 0, sizeof *out);
	out->frame = frame;
	out->size = 1;
	out->bytes[0] = byte;
	return delivered(p);
}

/* A status byte other than real-time. It ends whatever was in progress, and SysEx only ends well
 * with F7. Returns true when the byte itself completes a message (F7 of a SysEx, F6). */
static bool status_byte(ts_midi_in *p, uint64_t frame, uint8_t byte, ts_midi_msg *out)
{
	if (p->in_sysex) {
		p->in_sysex = false;
		if (byte == 0xF7) {
			memset(out, 0, sizeof *out);
			out->frame = frame;
			out->size = 1;
			out->bytes[0] = 0xF0;
			out->sysex_len = p->sysex_len == UINT32_MAX ? UINT32_MAX : p->sysex_len + 1;
			return delivered(p);
		}
		count(&p->count.discarded_msgs);
	} else if (p->status != 0 && (p->fresh || p->have > 0)) {
		count(&p->count.discarded_msgs);
	}
	/* Every status here cancels running status; a channel status sets it again below. */
	p->status = 0;
	p->need = 0;
	p->have = 0;
	p->fresh = false;
	p->skip_data = false;

	switch (byte) {
	case 0xF0:
		p->in_sysex = true;
		p->sysex_len = 1;
		return false;
	case 0xF1:
	case 0xF3:
		p->need = 1;
		break;
	case 0xF2:
		p->need = 2;
		break;
	case 0xF6:
		memset(out, 0, sizeof *out);
		out->frame = frame;
		out->size = 1;
		out->bytes[0] = byte;
		return delivered(p);
	case 0xF4:
	case 0xF5:
	case 0xF7:
		/* Undefined, or an end of SysEx that never began: its data bytes (if any) go too. */
		count(&p->count.dropped_bytes);
		p->skip_data = true;
		return false;
	default: /* 0x80 … 0xEF */
		p->need = (byte & 0xF0) == 0xC0 || (byte & 0xF0) == 0xD0 ? 1 : 2;
		break;
	}
	p->status = byte;
	p->fresh = true;
	return false;
}

static bool data_byte(ts_midi_in *p, uint64_t frame, uint8_t byte, ts_midi_msg *out)
{
	if (p->in_sysex) {
		count(&p->sysex_len);
		return false;
	}
	if (p->status == 0) {
		count(&p->count.dropped_bytes);
		return false;
	}
	p->data[p->have++] = byte;
	if (p->have < p->need)
		return false;

	memset(out, 0, sizeof *out);
	out->frame = frame;
	out->size = (uint8_t)(1 + p->need);
	out->bytes[0] = p->status;
	out->bytes[1] = p->data[0];
	if (p->need == 2) {
		out->bytes[2] = p->data[1];
		if (p->status == 0xF2 || (p->status & 0xF0) == 0xE0)
			out->value = (uint16_t)(p->data[0] | p->data[1] << 7);
	}
	p->have = 0;
	p->fresh = false;
	if (p->status >= 0xF0) /* system common does not run */
		p->status = 0;
	return delivered(p);
}

bool ts_midi_in_byte(ts_midi_in *p, uint64_t frame, uint8_t byte, ts_midi_msg *out)
{
	if (byte >= 0xF8)
		return realtime(p, frame, byte, out);
	if (byte >= 0x80)
		return status_byte(p, frame, byte, out);
	return data_byte(p, frame, byte, out);
}

void ts_midi_in_feed(ts_midi_in *p, uint64_t frame, const uint8_t *bytes, size_t n,
		     ts_midi_msg_fn fn, void *ctx)
{
	ts_midi_msg msg;
	for (size_t i = 0; i < n; i++)
		if (ts_midi_in_byte(p, frame, bytes[i], &msg))
			fn(ctx, &msg);
}

size_t ts_midi_in_feed_array(ts_midi_in *p, uint64_t frame, const uint8_t *bytes, size_t n,
			     ts_midi_msg *out, size_t max)
{
	size_t got = 0;
	ts_midi_msg msg;
	for (size_t i = 0; i < n; i++) {
		if (!ts_midi_in_byte(p, frame, bytes[i], &msg))
			continue;
		if (got < max)
			out[got++] = msg;
		else
			count(&p->count.overflows);
	}
	return got;
}

void ts_midi_in_get_counters(const ts_midi_in *p, ts_midi_in_counters *c)
{
	*c = p->count;
}
