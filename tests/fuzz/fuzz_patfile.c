/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for the pattern file parser and writer. Any input must parse or be refused
 * without a crash; whatever parses must format to canonical text that parses back to the same
 * pattern (byte for byte, padding included: the parser starts from a zeroed pattern) and formats
 * to the same bytes again, comments included.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trigseq/core/patfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ts_pattern pat1, pat2;
static ts_diags diags;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ts_comments *com1 = NULL, *com2 = NULL;
	memset(&pat1, 0, sizeof(pat1));
	memset(&pat2, 0, sizeof(pat2));
	ts_status st = ts_patfile_parse((const char *)data, size, &pat1, &com1, &diags);
	if (st != TS_OK) {
		if (st != TS_ERR_PARSE || diags.count < 1 || com1)
			abort();
		return 0;
	}
	size_t len1 = 0, len2 = 0;
	char *text1 = ts_patfile_format(&pat1, com1, &len1);
	if (!text1 || strlen(text1) != len1)
		abort();
	st = ts_patfile_parse(text1, len1, &pat2, &com2, &diags);
	if (st != TS_OK) {
		fprintf(stderr, "canonical text does not parse:\n%s\n", text1);
		ts_diags_print(stderr, "canonical", &diags);
		abort();
	}
	char *text2 = ts_patfile_format(&pat2, com2, &len2);
	if (!text2 || len1 != len2 || memcmp(text1, text2, len1) != 0) {
		fprintf(stderr, "not idempotent:\n%s\n----\n%s\n", text1, text2 ? text2 : "(null)");
		abort();
	}
	if (memcmp(&pat1, &pat2, sizeof(pat1)) != 0) {
		fprintf(stderr, "pattern changed through its canonical text:\n%s\n", text1);
		abort();
	}
	free(text1);
	free(text2);
	ts_comments_free(com1);
	ts_comments_free(com2);
	return 0;
}
