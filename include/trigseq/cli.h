/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Values on the command line, parsed the same way by every command. Any thread but RT. */
#ifndef TRIGSEQ_CLI_H
#define TRIGSEQ_CLI_H

#include <stdbool.h>
#include <stdint.h>

/* A whole decimal number in [lo, hi] (no sign, no spaces); false if it is not one. */
bool ts_cli_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/* A tempo "120" or "120.5": at most one decimal, 30.0 … 300.0, as tenths of a BPM. */
bool ts_cli_tempo(const char *s, uint16_t *tempo10);

#endif
