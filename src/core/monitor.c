/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The MIDI monitor (monitor.h): a ring of records (ring.h), and their decoding to text.
 */
#include "trigseq/core/monitor.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "trigseq/core/pattern.h"
#include "trigseq/core/ring.h"

ts_monitor *ts_monitor_new(size_t capacity)
{
	if (capacity > TS_MONITOR_MAX_CAPACITY)
		return NULL;
	return ts_ring_new(capacity, sizeof(ts_monitor_rec));
}

void ts_monitor_free(ts_monitor *m)
{
	ts_ring_free(m);
}

size_t ts_monitor_capacity(const ts_monitor *m)
{
	return ts_ring_capacity(m);
}

bool ts_monitor_push(ts_monitor *m, const ts_monitor_rec *r)
{
	return ts_ring_write(m, r, 1);
}

size_t ts_monitor_pop(ts_monitor *m, ts_monitor_rec *out, size_t n)
{
	return ts_ring_read(m, out, n);
}

size_t ts_monitor_discard(ts_monitor *m)
{
	return ts_ring_discard(m);
}

uint64_t ts_monitor_dropped(const ts_monitor *m)
{
	return ts_ring_dropped(m);
}

/* ---- decoding ---- */

/* Appends to a fixed buffer, cutting what does not fit; always NUL-terminated when size > 0. */
typedef struct {
	char *buf;
	size_t size, len;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void add(text *t, const char *fmt, ...)
{
	if (t->len + 1 >= t->size)
		return;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len += (size_t)n < t->size - t->len ? (size_t)n : t->size - t->len - 1;
}

static void add_note(text *t, uint8_t note)
{
	char name[8];
	add(t, "%s (%u)", ts_note_name(note, name, sizeof(name)), (unsigned)note);
}

/* Names of the controllers people look for when a synth does not react. */
static const char *cc_name(uint8_t cc)
{
	switch (cc) {
	case 0: return "bank select";
	case 1: return "modulation";
	case 7: return "volume";
	case 10: return "pan";
	case 11: return "expression";
	case 32: return "bank select LSB";
	case 64: return "sustain";
	case 120: return "all sound off";
	case 121: return "reset all controllers";
	case 122: return "local control";
	case 123: return "all notes off";
	case 124: return "omni off";
	case 125: return "omni on";
	case 126: return "mono on";
	case 127: return "poly on";
	default: return NULL;
	}
}

/* Data bytes each status takes; -1 for the undefined ones. */
static int data_bytes(uint8_t status)
{
	if (status < 0xF0)
		return (status & 0xF0) == 0xC0 || (status & 0xF0) == 0xD0 ? 1 : 2;
	switch (status) {
	case 0xF1:
	case 0xF3: return 1;
	case 0xF2: return 2;
	case 0xF0: return 0; /* the length rides in the data bytes, see monitor.h */
	case 0xF6:
	case 0xF8:
	case 0xFA:
	case 0xFB:
	case 0xFC:
	case 0xFE:
	case 0xFF: return 0;
	default: return -1;
	}
}

static bool well_formed(const ts_monitor_rec *r)
{
	if (r->size < 1 || r->size > 3 || r->bytes[0] < 0x80)
		return false;
	int need = data_bytes(r->bytes[0]);
	if (need < 0 || r->size != 1 + need)
		return false;
	for (int i = 1; i <= need; i++)
		if (r->bytes[i] >= 0x80)
			return false;
	return true;
}

static void add_channel_msg(text *t, const uint8_t *b)
{
	uint8_t kind = b[0] & 0xF0;
	add(t, "ch %u ", (unsigned)(b[0] & 0x0F) + 1);
	switch (kind) {
	case 0x80:
		add(t, "note-off ");
		add_note(t, b[1]);
		add(t, " vel %u", (unsigned)b[2]);
		break;
	case 0x90:
		add(t, "note-on  ");
		add_note(t, b[1]);
		add(t, " vel %u%s", (unsigned)b[2], b[2] == 0 ? " (= off)" : "");
		break;
	case 0xA0:
		add(t, "poly-pressure ");
		add_note(t, b[1]);
		add(t, " = %u", (unsigned)b[2]);
		break;
	case 0xB0: {
		const char *name = cc_name(b[1]);
		add(t, "cc %u = %u", (unsigned)b[1], (unsigned)b[2]);
		if (name)
			add(t, " (%s)", name);
		break;
	}
	case 0xC0:
		add(t, "program %u", (unsigned)b[1]);
		break;
	case 0xD0:
		add(t, "pressure %u", (unsigned)b[1]);
		break;
	default: { /* 0xE0 */
		int v = b[1] | b[2] << 7;
		add(t, "pitch-bend %d (%+d)", v, v - 8192);
		break;
	}
	}
}

static void add_system_msg(text *t, const uint8_t *b)
{
	switch (b[0]) {
	case 0xF0:
		if ((b[1] | b[2] << 8) == 0xFFFF)
			add(t, "sysex 65535+ bytes");
		else
			add(t, "sysex %u bytes", (unsigned)(b[1] | b[2] << 8));
		break;
	case 0xF1:
		add(t, "mtc quarter-frame %u value %u", (unsigned)(b[1] >> 4), (unsigned)(b[1] & 0x0F));
		break;
	case 0xF2:
		add(t, "song position 16ths %u", (unsigned)(b[1] | b[2] << 7));
		break;
	case 0xF3: add(t, "song select %u", (unsigned)b[1]); break;
	case 0xF6: add(t, "tune request"); break;
	case 0xF8: add(t, "tick"); break;
	case 0xFA: add(t, "start"); break;
	case 0xFB: add(t, "continue"); break;
	case 0xFC: add(t, "stop"); break;
	case 0xFE: add(t, "active sensing"); break;
	default: add(t, "reset"); break; /* 0xFF */
	}
}

static void add_msg(text *t, const ts_monitor_rec *r)
{
	if (!well_formed(r)) {
		add(t, "bytes");
		for (int i = 0; i < r->size && i < 3; i++)
			add(t, " %02X", (unsigned)r->bytes[i]);
		if (r->size == 0 || r->size > 3)
			add(t, " (size %u)", (unsigned)r->size);
		return;
	}
	if (r->bytes[0] < 0xF0)
		add_channel_msg(t, r->bytes);
	else
		add_system_msg(t, r->bytes);
}

size_t ts_monitor_format_msg(const ts_monitor_rec *r, char *buf, size_t size)
{
	text t = {buf, size, 0};
	if (size)
		buf[0] = '\0';
	add_msg(&t, r);
	return t.len;
}

static const char *port_name(uint8_t port, const char *const *names, int nports, char *tmp,
			     size_t tmpsize)
{
	switch (port) {
	case TS_MON_PORT_MIDI_IN: return "midi_in";
	case TS_MON_PORT_CLOCK_IN: return "clock_in";
	case TS_MON_PORT_CLOCK_OUT: return "clock_out";
	default: break;
	}
	if (names && port < nports && names[port])
		return names[port];
	snprintf(tmp, tmpsize, "port %u", (unsigned)port);
	return tmp;
}

size_t ts_monitor_format(const ts_monitor_rec *r, const char *const *port_names, int nports,
			 uint32_t rate, uint64_t origin, char *buf, size_t size)
{
	text t = {buf, size, 0};
	if (size)
		buf[0] = '\0';
	/* Milliseconds, truncated, from integers: the column never runs backwards. */
	char when[32];
	if (rate == 0) {
		snprintf(when, sizeof(when), "?");
	} else {
		uint64_t d = r->frame >= origin ? r->frame - origin : origin - r->frame;
		snprintf(when, sizeof(when), "%s%llu.%03u", r->frame >= origin ? "" : "-",
			 (unsigned long long)(d / rate), (unsigned)(d % rate * 1000 / rate));
	}
	char tmp[16];
	add(&t, "%7s s %-3s %-9s ", when,
	    r->dir == TS_MON_OUT ? "out" : r->dir == TS_MON_IN ? "in" : "?",
	    port_name(r->port, port_names, nports, tmp, sizeof(tmp)));
	add_msg(&t, r);
	if (r->track)
		add(&t, "  track %u", (unsigned)r->track);
	return t.len;
}
