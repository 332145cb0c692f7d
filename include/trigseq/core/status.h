/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One status enum for every module, and its message. Any thread. */
#ifndef TRIGSEQ_STATUS_H
#define TRIGSEQ_STATUS_H

typedef enum {
	TS_OK = 0,
	TS_ERR_NOMEM,   /* an allocation failed */
	TS_ERR_IO,      /* reading or writing a file failed (errno is kept) */
	TS_ERR_PARSE,   /* a pattern file is invalid: see the diagnostics */
	TS_ERR_RANGE,   /* an argument is out of its range */
	TS_ERR_FULL,    /* a fixed-size table or queue is full */
	TS_ERR_USAGE,   /* a bad command line */
	TS_ERR_BUSY,    /* a resource is in use for now: try again later */
	TS_ERR_SYSEX,   /* SysEx bytes are not well-formed: see the error's offset */
} ts_status;

const char *ts_strerror(ts_status st);

#endif
