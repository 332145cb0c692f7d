/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "trigseq/core/status.h"

const char *ts_strerror(ts_status st)
{
	switch (st) {
	case TS_OK: return "success";
	case TS_ERR_NOMEM: return "out of memory";
	case TS_ERR_IO: return "input/output error";
	case TS_ERR_PARSE: return "invalid pattern file";
	case TS_ERR_RANGE: return "value out of range";
	case TS_ERR_FULL: return "a fixed-size table is full";
	case TS_ERR_USAGE: return "bad usage";
	case TS_ERR_BUSY: return "busy, try again later";
	case TS_ERR_SYSEX: return "malformed SysEx";
	}
	return "unknown error";
}
