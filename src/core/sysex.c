/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SysEx librarian, the pure part (sysex.h): .syx files checked and split, the pacing schedule,
 * the receive-side assembler, and the byte ring between the JACK thread and the main thread.
 */
#include "trigseq/core/sysex.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "trigseq/core/ring.h"

/* ---- a .syx file ---- */

static ts_status fail(ts_sysex_error *err, size_t offset, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static ts_status fail(ts_sysex_error *err, size_t offset, const char *fmt, ...)
{
	err->offset = offset;
	int n = snprintf(err->text, sizeof(err->text), "offset 0x%zX: ", offset);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->text + n, sizeof(err->text) - (size_t)n, fmt, ap);
	va_end(ap);
	return TS_ERR_SYSEX;
}

/* The message starting at data[at] (an F0): its length, or 0 with *err set. */
static size_t one_message(const uint8_t *data, size_t len, size_t at, ts_sysex_error *err)
{
	for (size_t i = at + 1; i < len; i++) {
		uint8_t b = data[i];
		if (b < 0x80)
			continue;
		if (b == 0xF7) {
			if (i == at + 1) {
				fail(err, at, "empty SysEx message F0 F7 (a message holds at least "
					      "a manufacturer ID)");
				return 0;
			}
			return i - at + 1;
		}
		if (b == 0xF0)
			fail(err, i, "F0 inside the SysEx message at offset 0x%zX (its F7 is missing)",
			     at);
		else
			fail(err, i, "byte 0x%02X above 0x7F inside the SysEx message at offset 0x%zX",
			     b, at);
		return 0;
	}
	fail(err, len, "no F7 before the end of the file (the message at offset 0x%zX, %zu bytes, "
		       "is truncated)", at, len - at);
	return 0;
}

ts_status ts_sysex_split(const uint8_t *data, size_t len, ts_sysex_span **spans, size_t *count,
			 ts_sysex_error *err)
{
	*spans = NULL;
	*count = 0;
	memset(err, 0, sizeof(*err));
	if (len == 0) {
		fail(err, 0, "%s", "the file is empty (a .syx file holds F0 ... F7 messages)");
		return TS_ERR_SYSEX;
	}
	if (len > TS_SYSEX_MAX_FILE)
		return fail(err, TS_SYSEX_MAX_FILE, "more than %zu MiB of SysEx",
			    TS_SYSEX_MAX_FILE >> 20);
	/* Checked completely first, so that the array is allocated once and at its size. */
	size_t n = 0;
	for (size_t at = 0; at < len; n++) {
		if (data[at] != 0xF0)
			return fail(err, at, "byte 0x%02X outside F0 ... F7 (%s)", data[at],
				    at == 0 ? "a .syx file starts with F0"
					    : "after an F7 the next message must start with F0");
		size_t l = one_message(data, len, at, err);
		if (l == 0)
			return TS_ERR_SYSEX;
		at += l;
	}
	ts_sysex_span *s = malloc(n * sizeof(*s));
	if (!s)
		return TS_ERR_NOMEM;
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		s[i].offset = at;
		s[i].len = one_message(data, len, at, err);
		at += s[i].len;
	}
	*spans = s;
	*count = n;
	return TS_OK;
}

ts_status ts_sysex_read_file(const char *path, uint8_t **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return TS_ERR_IO;
	struct stat st;
	int e = fstat(fd, &st) != 0 ? errno : S_ISDIR(st.st_mode) ? EISDIR : 0;
	if (e) {
		close(fd);
		errno = e;
		return TS_ERR_IO;
	}
	/* A pipe or a growing file has no useful size: read up to the limit and one byte more. */
	size_t cap = S_ISREG(st.st_mode) && (uint64_t)st.st_size <= TS_SYSEX_MAX_FILE
			     ? (size_t)st.st_size + 1
			     : 65536;
	uint8_t *buf = NULL;
	size_t n = 0;
	ts_status rc = TS_OK;
	for (;;) {
		if (n == cap || !buf) {
			if (buf)
				cap = cap * 2 > TS_SYSEX_MAX_FILE + 1 ? TS_SYSEX_MAX_FILE + 1 : cap * 2;
			uint8_t *b = realloc(buf, cap);
			if (!b) {
				rc = TS_ERR_NOMEM;
				break;
			}
			buf = b;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = TS_ERR_IO;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > TS_SYSEX_MAX_FILE) {
			rc = TS_ERR_RANGE;
			break;
		}
	}
	e = errno;
	close(fd);
	if (rc != TS_OK) {
		free(buf);
		errno = e;
		return rc;
	}
	*data = buf;
	*len = n;
	return TS_OK;
}

/* ---- pacing ---- */

uint64_t ts_sysex_due(const ts_sysex_pace *p, uint64_t k, uint64_t m)
{
	/* t * R = k * R / B + m * G * R / 1000. Each term is split into a whole part and a
	 * remainder, and the remainders are added over the common denominator B * 1000, so that
	 * nothing is rounded before the end and nothing overflows 64 bits (k, m < 2^24, R and
	 * B <= 10^6, G <= 60000: m G R < 2^60). */
	uint64_t r = p->sample_rate, b = p->bytes_per_sec;
	uint64_t kr = k * r, mg = m * p->gap_ms * r;
	uint64_t whole = kr / b + mg / 1000;
	uint64_t frac = (kr % b) * 1000 + (mg % 1000) * b; /* over b * 1000, < 2 b * 1000 */
	return whole + (2 * frac + b * 1000) / (2 * b * 1000);
}

/* ---- receiving ---- */

struct ts_sysex_rx {
	uint8_t *buf;        /* the complete messages, then the open one */
	size_t kept;         /* bytes of complete messages */
	size_t cap;
	size_t max;
	bool in_msg;         /* the open message is buf[kept … kept + stats.open) */
	bool over;           /* the open message went past the limit: its bytes are not stored */
	ts_sysex_rx_stats st;
	char last_broken[128];
};

ts_sysex_rx *ts_sysex_rx_new(size_t max_bytes)
{
	ts_sysex_rx *rx = calloc(1, sizeof(*rx));
	if (!rx)
		return NULL;
	rx->max = max_bytes;
	return rx;
}

void ts_sysex_rx_free(ts_sysex_rx *rx)
{
	if (!rx)
		return;
	free(rx->buf);
	free(rx);
}

static void broken(ts_sysex_rx *rx, const char *why)
{
	rx->st.broken++;
	snprintf(rx->last_broken, sizeof(rx->last_broken), "message %" PRIu64 " cut off after %zu "
		 "byte%s %s", rx->st.messages + rx->st.broken, rx->st.open,
		 rx->st.open == 1 ? "" : "s", why);
	rx->in_msg = false;
	rx->over = false;
	rx->st.open = 0;
}

/* Room for one more byte of the open message; false when the limit or the memory says no. */
static ts_status room(ts_sysex_rx *rx)
{
	size_t need = rx->kept + rx->st.open + 1;
	if (need > rx->max)
		return TS_ERR_FULL;
	if (need <= rx->cap)
		return TS_OK;
	size_t cap = rx->cap ? rx->cap * 2 : 4096;
	if (cap > rx->max)
		cap = rx->max;
	uint8_t *b = realloc(rx->buf, cap);
	if (!b)
		return TS_ERR_NOMEM;
	rx->buf = b;
	rx->cap = cap;
	return TS_OK;
}

/* One byte into the open message. */
static ts_status store(ts_sysex_rx *rx, uint8_t byte)
{
	if (rx->over) {
		rx->st.open++;
		return TS_OK;
	}
	ts_status st = room(rx);
	if (st == TS_ERR_FULL) {
		/* Keep counting, so that the message's end (or cut) is seen where it is. */
		rx->over = true;
		rx->st.full = true;
		rx->st.open++;
		return st;
	}
	if (st != TS_OK) {
		broken(rx, "(out of memory)");
		return st;
	}
	rx->buf[rx->kept + rx->st.open++] = byte;
	return TS_OK;
}

ts_status ts_sysex_rx_feed(ts_sysex_rx *rx, const uint8_t *bytes, size_t n)
{
	ts_status rc = TS_OK;
	for (size_t i = 0; i < n; i++) {
		uint8_t b = bytes[i];
		if (!rx->in_msg) {
			if (b != 0xF0) {
				rx->st.ignored++;
				continue;
			}
			rx->in_msg = true;
			rx->st.open = 0;
			rx->st.seen++;
			ts_status st = store(rx, b);
			if (st != TS_OK)
				rc = st;
			continue;
		}
		rx->st.seen++;
		if (b >= 0xF8) {
			rx->st.realtime_dropped++;
			continue;
		}
		if (b >= 0x80 && b != 0xF7) {
			char why[48];
			if (rx->over)
				snprintf(why, sizeof(why), "(over the %zu-byte limit)", rx->max);
			else
				snprintf(why, sizeof(why), "by status byte 0x%02X", b);
			broken(rx, why);
			if (b == 0xF0) {
				rx->in_msg = true;
				ts_status st = store(rx, b);
				if (st != TS_OK)
					rc = st;
			}
			continue;
		}
		ts_status st = store(rx, b);
		if (st != TS_OK)
			rc = st;
		if (st == TS_ERR_NOMEM || b != 0xF7)
			continue;
		if (rx->over) {
			char why[48];
			snprintf(why, sizeof(why), "(over the %zu-byte limit)", rx->max);
			broken(rx, why);
			continue;
		}
		if (rx->st.open == 2) {
			broken(rx, "(F0 F7: no data byte)");
			continue;
		}
		rx->kept += rx->st.open;
		rx->st.bytes += rx->st.open;
		rx->st.messages++;
		rx->st.open = 0;
		rx->in_msg = false;
	}
	return rc;
}

void ts_sysex_rx_end(ts_sysex_rx *rx)
{
	if (rx->in_msg)
		broken(rx, "(no F7 before the end)");
}

const uint8_t *ts_sysex_rx_data(const ts_sysex_rx *rx, size_t *len)
{
	*len = rx->kept;
	return rx->buf;
}

void ts_sysex_rx_get_stats(const ts_sysex_rx *rx, ts_sysex_rx_stats *st)
{
	*st = rx->st;
}

const char *ts_sysex_rx_last_broken(const ts_sysex_rx *rx)
{
	return rx->last_broken;
}

/* ---- the ring: a ts_ring of bytes (ring.h) ---- */

ts_sysex_ring *ts_sysex_ring_new(size_t capacity)
{
	return ts_ring_new(capacity, 1);
}

void ts_sysex_ring_free(ts_sysex_ring *r)
{
	ts_ring_free(r);
}

bool ts_sysex_ring_write(ts_sysex_ring *r, const uint8_t *bytes, size_t n)
{
	return ts_ring_write(r, bytes, n);
}

size_t ts_sysex_ring_read(ts_sysex_ring *r, uint8_t *out, size_t n)
{
	return ts_ring_read(r, out, n);
}
