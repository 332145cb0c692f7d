/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trigseq/cli.h"

#include <errno.h>
#include <stdlib.h>

#include "trigseq/pattern.h"

bool ts_cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool ts_cli_tempo(const char *s, uint16_t *tempo10)
{
	unsigned v = 0;
	int digits = 0;
	for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
		v = v * 10 + (unsigned)(*s - '0');
	if (digits == 0)
		return false;
	v *= 10;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		v += (unsigned)(*s++ - '0');
	}
	if (*s || v < TS_TEMPO10_MIN || v > TS_TEMPO10_MAX)
		return false;
	*tempo10 = (uint16_t)v;
	return true;
}
