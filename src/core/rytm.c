/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Analog Rytm pattern dumps <-> trigseq patterns (rytm.h). The byte layout is that of
 * spec/rytm-semantics.md §7; every choice the spec leaves open (its §8) is marked "Choice:" in
 * these files and listed in the README, and import and export make the same choice. This file
 * holds the warnings list, the 7-bit framing and the SysEx messages (import and export);
 * rytm_layout.c the two raw layouts, rytm_decode.c and rytm_encode.c the raw data's meaning.
 *
 * Per-step values map one to one: the Rytm's note byte is the MIDI note, its length and retrig
 * length indices are trigseq's length table, its micro timing unit is trigseq's 1/24 step, its
 * retrig rates and condition codes are trigseq's (pattern.h keeps the Rytm's raw codes). So a value
 * needs a warning only when one side's range is wider than the other's.
 */
#include "rytm_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- warnings ---- */

ts_rytm_warnings *ts_rytm_warnings_new(void)
{
	return calloc(1, sizeof(ts_rytm_warnings));
}

void ts_rytm_warnings_free(ts_rytm_warnings *w)
{
	if (!w)
		return;
	for (size_t i = 0; i < w->n; i++)
		free(w->lines[i]);
	free(w->lines);
	free(w);
}

size_t ts_rytm_warnings_count(const ts_rytm_warnings *w)
{
	return w ? w->n : 0;
}

const char *ts_rytm_warnings_get(const ts_rytm_warnings *w, size_t i)
{
	return w && i < w->n ? w->lines[i] : NULL;
}

void ts_rytm_vwarn(ts_rytm_warnings *w, const char *fmt, va_list ap)
{
	if (!w || w->nomem)
		return;
	char buf[512];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 16;
		char **lines = realloc(w->lines, cap * sizeof(*lines));
		if (!lines) {
			w->nomem = true;
			return;
		}
		w->lines = lines;
		w->cap = cap;
	}
	char *line = strdup(buf);
	if (!line) {
		w->nomem = true;
		return;
	}
	w->lines[w->n++] = line;
}

/* ---- framing: 7-bit packing, checksum (§7.1, §7.2) ---- */

size_t ts_rytm_packed_size(size_t n)
{
	return n / 7 * 8 + (n % 7 ? n % 7 + 1 : 0);
}

size_t ts_rytm_unpacked_size(size_t n)
{
	return n / 8 * 7 + (n % 8 > 1 ? n % 8 - 1 : 0);
}

size_t ts_rytm_pack7(const uint8_t *raw, size_t n, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 7) {
		size_t k = n - i < 7 ? n - i : 7;
		uint8_t top = 0;
		for (size_t j = 0; j < k; j++)
			top |= (uint8_t)((raw[i + j] >> 7) << (6 - j));
		out[o++] = top;
		for (size_t j = 0; j < k; j++)
			out[o++] = raw[i + j] & 0x7F;
	}
	return o;
}

size_t ts_rytm_unpack7(const uint8_t *packed, size_t n, uint8_t *out)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i += 8) {
		size_t k = n - i < 8 ? n - i : 8;
		uint8_t top = packed[i];
		for (size_t j = 1; j < k; j++)
			out[o++] = (uint8_t)((packed[i + j] & 0x7F) | (((top >> (7 - j)) & 1) << 7));
	}
	return o;
}

unsigned ts_rytm_checksum(const uint8_t *packed, size_t n)
{
	unsigned sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += packed[i];
	return sum & 0x3FFF;
}

/* ---- the SysEx message ---- */

static const char *dump_kind(int id)
{
	static const char *const kinds[] = {"kit", "sound", "pattern", "song", "settings", "global"};
	if (id >= 0x52 && id <= 0x57)
		return kinds[id - 0x52];
	if (id >= 0x58 && id <= 0x5D)
		return kinds[id - 0x58];
	return "unknown";
}

/* The framing of one message msg[0 ... n) (F0 ... F7, realtime bytes removed), whatever its dump
 * type: false with err set (after `where`, which names the message in a file of several). */
static bool check_framing(const uint8_t *msg, size_t n, const char *where, char *err)
{
	size_t plen = n >= 15 ? n - 15 : 0;
	size_t bad = 1;
	while (bad < n - 1 && !(msg[bad] & 0x80))
		bad++;
	if (n < 16)
		snprintf(err, TS_RYTM_ERR_MAX, "%smessage of %zu bytes is too short for a Rytm dump "
			 "(at least 16)", where, n);
	else if (msg[1] != 0x00 || msg[2] != 0x20 || msg[3] != 0x3C)
		snprintf(err, TS_RYTM_ERR_MAX, "%smanufacturer ID %02X %02X %02X: expected 00 20 3C "
			 "(Elektron)", where, msg[1], msg[2], msg[3]);
	else if (msg[4] != 0x07)
		snprintf(err, TS_RYTM_ERR_MAX, "%sproduct ID 0x%02X: expected 0x07 (Analog Rytm)",
			 where, msg[4]);
	else if (msg[7] != 0x01 || msg[8] != 0x01)
		snprintf(err, TS_RYTM_ERR_MAX, "%scontainer version %02X %02X: expected 01 01", where,
			 msg[7], msg[8]);
	else if (bad < n - 1)
		snprintf(err, TS_RYTM_ERR_MAX, "%sbyte 0x%02X at offset %zu inside the message: "
			 "expected 7-bit data", where, msg[bad], bad);
	else if (((unsigned)msg[n - 3] << 7 | msg[n - 2]) != ((plen + 5) & 0x3FFF))
		snprintf(err, TS_RYTM_ERR_MAX, "%slength field %u: expected %zu (%zu payload bytes + "
			 "5); the message is truncated or damaged", where,
			 (unsigned)msg[n - 3] << 7 | msg[n - 2], plen + 5, plen);
	else if (((unsigned)msg[n - 5] << 7 | msg[n - 4]) != ts_rytm_checksum(msg + 10, plen))
		snprintf(err, TS_RYTM_ERR_MAX, "%sbad checksum: found 0x%04X, expected 0x%04X (the "
			 "message is damaged)", where, (unsigned)msg[n - 5] << 7 | msg[n - 4],
			 ts_rytm_checksum(msg + 10, plen));
	else
		return true;
	return false;
}

static bool is_pattern(const uint8_t *msg)
{
	return msg[6] == 0x54 || msg[6] == 0x5A;
}

/* The messages of a file, split at F0 ... F7: *count of them in spans (start, length pairs,
 * malloc'd), or false with err set. */
static bool split_messages(const uint8_t *msg, size_t n, size_t **spans, int *count, char *err)
{
	*count = 0;
	/* A message is 2 bytes at least (F0 F7): n / 2 of them at most, two numbers each. */
	*spans = malloc((n / 2 + 1) * 2 * sizeof(**spans));
	if (!*spans) {
		snprintf(err, TS_RYTM_ERR_MAX, "out of memory");
		return false;
	}
	if (n == 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "empty file: expected a SysEx message (F0 ... F7)");
		return false;
	}
	for (size_t i = 0; i < n;) {
		if (msg[i] != 0xF0) {
			if (i == 0)
				snprintf(err, TS_RYTM_ERR_MAX, "not a SysEx message: first byte 0x%02X, "
					 "expected 0xF0", msg[0]);
			else
				snprintf(err, TS_RYTM_ERR_MAX, "byte 0x%02X at offset %zu after a message: "
					 "expected another message (F0) or the end of the file", msg[i], i);
			return false;
		}
		size_t end = i + 1;
		while (end < n && msg[end] != 0xF7 && msg[end] != 0xF0)
			end++;
		if (end == n || msg[end] == 0xF0) {
			snprintf(err, TS_RYTM_ERR_MAX, "truncated message: %zu bytes from offset %zu and "
				 "no end byte F7", end - i, i);
			return false;
		}
		(*spans)[2 * *count] = i;
		(*spans)[2 * *count + 1] = end + 1 - i;
		++*count;
		i = end + 1;
	}
	return true;
}

ts_status ts_rytm_import(const uint8_t *data, size_t len, ts_pattern *pat, ts_rytm_info *info,
			 ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX])
{
	return ts_rytm_import_select(data, len, -1, pat, info, w, err);
}

static ts_status import_select(const uint8_t *data, size_t len, int number, ts_pattern *pat,
			       ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX],
			       bool quiet);

ts_status ts_rytm_import_select(const uint8_t *data, size_t len, int number, ts_pattern *pat,
				ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX])
{
	return import_select(data, len, number, pat, info, w, err, false);
}

ts_status ts_rytm_import_pattern(const uint8_t *data, size_t len, int number, ts_pattern *pat,
				 ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX])
{
	if (number < 0 || number > 127)
		return TS_ERR_RANGE;
	return import_select(data, len, number, pat, info, w, err, true);
}

/* The messages of a file without realtime bytes, which MIDI lets in anywhere, each checked:
 * msg (malloc'd) and spans, or TS_ERR_PARSE with err / TS_ERR_NOMEM. */
static ts_status sound_messages(const uint8_t *data, size_t len, uint8_t **msg, size_t **spans,
				int *count, char *err)
{
	*spans = NULL;
	*msg = malloc(len ? len : 1);
	if (!*msg)
		return TS_ERR_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (data[i] < 0xF8)
			(*msg)[n++] = data[i];
	if (!split_messages(*msg, n, spans, count, err))
		return *spans ? TS_ERR_PARSE : TS_ERR_NOMEM;
	for (int k = 0; k < *count; k++) {
		char where[48] = "";
		if (*count > 1)
			snprintf(where, sizeof(where), "message %d of %d: ", k + 1, *count);
		if (!check_framing(*msg + (*spans)[2 * k], (*spans)[2 * k + 1], where, err))
			return TS_ERR_PARSE;
	}
	return TS_OK;
}

/* The song object (song-format §7): 64 row records of 4 bytes at 0x018 (byte 1 positions, 0 =
 * no more rows; byte 3 repeats - 1), 256 position records at 0x118 (bytes 0-1 mute mask, byte 3
 * the pattern), positions taken in row order from one pool. */
static ts_status decode_song(const uint8_t *raw, size_t n, ts_rytm_song *song,
			     ts_rytm_warnings *w, char *err)
{
	if (n != TS_RYTM_SONG_RAW_SIZE) {
		snprintf(err, TS_RYTM_ERR_MAX, "song dump of %zu raw bytes: expected %u (OS 1.72 "
			 "layout)", n, TS_RYTM_SONG_RAW_SIZE);
		return TS_ERR_PARSE;
	}
	size_t k = 0;
	for (int i = 0; i < 15 && raw[4 + i]; i++)
		song->name[k++] = raw[4 + i] >= 0x20 && raw[4 + i] < 0x7F ? (char)raw[4 + i] : '?';
	while (k > 0 && song->name[k - 1] == ' ')
		k--;
	song->name[k] = '\0';
	song->nrows = 0;
	song->npos = 0;
	unsigned high = 0;
	for (int r = 0; r < TS_RYTM_SONG_ROWS; r++) {
		const uint8_t *rec = raw + 0x018 + 4 * r;
		if (rec[1] == 0)
			break;
		if (song->npos + rec[1] > TS_RYTM_SONG_POSITIONS) {
			snprintf(err, TS_RYTM_ERR_MAX, "song row %d: %d pattern positions from position "
				 "%d, beyond the song's 256", r + 1, rec[1], song->npos + 1);
			return TS_ERR_PARSE;
		}
		song->rows[r].first = (uint16_t)song->npos;
		song->rows[r].npos = rec[1];
		song->rows[r].repeats = (uint16_t)(rec[3] + 1);
		for (int j = 0; j < rec[1]; j++) {
			const uint8_t *pos = raw + 0x118 + 4 * song->npos;
			if (pos[3] > 127) {
				snprintf(err, TS_RYTM_ERR_MAX, "song row %d position %d: pattern byte %d "
					 "(expected 0 ... 127, A01 ... H16)", r + 1, j + 1, pos[3]);
				return TS_ERR_PARSE;
			}
			song->pos[song->npos].pattern = pos[3];
			song->pos[song->npos].mutes = (uint16_t)((pos[0] << 8 | pos[1]) & 0x0FFF);
			high |= pos[0] & 0xF0u;
			song->npos++;
		}
		song->nrows++;
	}
	if (song->nrows == 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "the song has no rows (row 1 holds no pattern)");
		return TS_ERR_PARSE;
	}
	if (high)
		warn(w, "song: mute word bits 15-12 (0x%X) not kept (their meaning is unknown)",
		     high >> 4);
	return TS_OK;
}

ts_status ts_rytm_import_song(const uint8_t *data, size_t len, ts_rytm_song *song, bool *found,
			      ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX])
{
	uint8_t *msg = NULL, *raw = NULL;
	size_t *spans = NULL;
	int count = 0, chosen = -1, songs = 0;
	*found = false;
	ts_status st = sound_messages(data, len, &msg, &spans, &count, err);
	for (int k = 0; k < count && st == TS_OK; k++) {
		const uint8_t *m = msg + spans[2 * k];
		if (m[6] == 0x55 || m[6] == 0x5B) {
			songs++;
			if (chosen < 0)
				chosen = k;
		}
	}
	if (st == TS_OK && songs > 1) {
		*found = true;
		snprintf(err, TS_RYTM_ERR_MAX, "the file holds %d song dumps: expected one (with "
			 "its patterns)", songs);
		st = TS_ERR_PARSE;
	}
	if (st == TS_OK && chosen >= 0) {
		const uint8_t *m = msg + spans[2 * chosen];
		size_t plen = spans[2 * chosen + 1] - 15;
		raw = malloc(ts_rytm_unpacked_size(plen) + 1);
		if (!raw) {
			st = TS_ERR_NOMEM;
		} else {
			memset(song, 0, sizeof(*song));
			song->number = m[9];
			song->device = m[5];
			st = decode_song(raw, ts_rytm_unpack7(m + 10, plen, raw), song, w, err);
			*found = true;
		}
	}
	if (st == TS_OK && w && w->nomem)
		st = TS_ERR_NOMEM;
	free(raw);
	free(spans);
	free(msg);
	return st;
}

static ts_status import_select(const uint8_t *data, size_t len, int number, ts_pattern *pat,
			       ts_rytm_info *info, ts_rytm_warnings *w, char err[TS_RYTM_ERR_MAX],
			       bool quiet)
{
	/* The messages without realtime bytes, which MIDI lets in anywhere. */
	uint8_t *msg = malloc(len ? len : 1);
	if (!msg)
		return TS_ERR_NOMEM;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (data[i] < 0xF8)
			msg[n++] = data[i];
	size_t *spans = NULL;
	int count = 0;
	ts_status st = TS_ERR_PARSE;
	uint8_t *raw = NULL;
	if (!split_messages(msg, n, &spans, &count, err)) {
		st = spans ? TS_ERR_PARSE : TS_ERR_NOMEM;
		goto out;
	}
	/* Every message must be a sound Rytm message: a damaged file is refused whole. */
	int patterns = 0, chosen = -1, others[7] = {0};    /* by dump_kind(), 6: unknown */
	char names[120] = "";
	size_t nl = 0;
	for (int k = 0; k < count; k++) {
		const uint8_t *m = msg + spans[2 * k];
		char where[48] = "";
		if (count > 1)
			snprintf(where, sizeof(where), "message %d of %d: ", k + 1, count);
		if (!check_framing(m, spans[2 * k + 1], where, err))
			goto out;
		if (!is_pattern(m)) {
			int id = m[6];
			others[id >= 0x52 && id <= 0x5D ? (id - 0x52) % 6 : 6]++;
			if (count == 1) {
				snprintf(err, TS_RYTM_ERR_MAX, "dump ID 0x%02X (%s): expected 0x54 or 0x5A "
					 "(pattern)", id, dump_kind(id));
				goto out;
			}
			continue;
		}
		patterns++;
		if (nl < sizeof(names) - 8)
			nl += (size_t)snprintf(names + nl, sizeof(names) - nl, "%s%c%02d",
					       nl ? ", " : "", 'A' + m[9] / 16, m[9] % 16 + 1);
		if ((number < 0 || m[9] == number) && chosen < 0)
			chosen = k;
	}
	if (patterns == 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "no pattern dump among the file's %d messages", count);
		goto out;
	}
	if (number < 0 && patterns > 1) {
		snprintf(err, TS_RYTM_ERR_MAX, "the file holds %d pattern dumps (%s%s): choose one "
			 "with --pattern", patterns, names, nl >= sizeof(names) - 8 ? ", ..." : "");
		goto out;
	}
	if (chosen < 0) {
		snprintf(err, TS_RYTM_ERR_MAX, "no dump of pattern %c%02d in the file (it holds %s%s)",
			 'A' + number / 16, number % 16 + 1, names,
			 nl >= sizeof(names) - 8 ? ", ..." : "");
		goto out;
	}
	const uint8_t *m = msg + spans[2 * chosen];
	size_t plen = spans[2 * chosen + 1] - 15;
	if (!(raw = malloc(ts_rytm_unpacked_size(plen) + 1))) {
		st = TS_ERR_NOMEM;
		goto out;
	}
	size_t rn = ts_rytm_unpack7(m + 10, plen, raw);
	st = ts_rytm_decode(raw, rn, pat, w, err);
	if (st == TS_OK && info) {
		info->layout = raw[3] == 5 ? 5 : 4;
		info->device = m[5];
		info->dump_id = m[6];
		info->number = m[9];
	}
	static const char *const kinds[7] = {"kit", "sound", "pattern", "song", "settings",
					     "global", "unknown"};
	for (int k = 0; k < 7 && st == TS_OK && !quiet; k++)
		if (others[k])
			warn(w, "%d %s dump%s in the file skipped (only patterns are imported)",
			     others[k], kinds[k], others[k] == 1 ? "" : "s");
	if (st == TS_OK && patterns > 1 && !quiet)
		warn(w, "%d other pattern dump%s in the file skipped (it holds %s)", patterns - 1,
		     patterns == 2 ? "" : "s", names);
	if (st == TS_OK && w && w->nomem)
		st = TS_ERR_NOMEM;
out:
	free(raw);
	free(spans);
	free(msg);
	return st;
}

/* ---- export ---- */

ts_status ts_rytm_export(const ts_pattern *pat, int number, uint8_t **out, size_t *len,
			 ts_rytm_warnings *w)
{
	if (number < 0 || number > 127)
		return TS_ERR_RANGE;
	uint8_t *raw = malloc(TS_RYTM_V5_RAW_SIZE);
	size_t plen = ts_rytm_packed_size(TS_RYTM_V5_RAW_SIZE);
	uint8_t *msg = malloc(plen + 15);
	if (!raw || !msg) {
		free(raw);
		free(msg);
		return TS_ERR_NOMEM;
	}
	ts_rytm_encode(pat, raw, w);
	static const uint8_t head[10] = {0xF0, 0x00, 0x20, 0x3C, 0x07, 0x00, 0x54, 0x01, 0x01, 0};
	memcpy(msg, head, sizeof(head));
	msg[9] = (uint8_t)number;
	ts_rytm_pack7(raw, TS_RYTM_V5_RAW_SIZE, msg + 10);
	free(raw);
	unsigned sum = ts_rytm_checksum(msg + 10, plen);
	size_t k = 10 + plen;
	msg[k++] = (uint8_t)(sum >> 7);
	msg[k++] = sum & 0x7F;
	msg[k++] = (uint8_t)(((plen + 5) >> 7) & 0x7F);
	msg[k++] = (plen + 5) & 0x7F;
	msg[k++] = 0xF7;
	if (w && w->nomem) {
		free(msg);
		return TS_ERR_NOMEM;
	}
	*out = msg;
	*len = k;
	return TS_OK;
}

int ts_rytm_pattern_parse(const char *s)
{
	if (s[0] >= 'A' && s[0] <= 'H' && s[1] >= '0' && s[1] <= '9') {
		int slot = s[1] - '0';
		if (s[2] >= '0' && s[2] <= '9' && !s[3])
			slot = slot * 10 + s[2] - '0';
		else if (s[2])
			return -1;
		if (slot < 1 || slot > 16)
			return -1;
		return (s[0] - 'A') * 16 + slot - 1;
	}
	int v = 0, digits = 0;
	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		v = v * 10 + (*s - '0');
	return digits && !*s && v <= 127 ? v : -1;
}
