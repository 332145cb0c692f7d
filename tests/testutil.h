/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every cmocka test file includes first (cmocka needs these before its header). */
#ifndef TRIGSEQ_TESTUTIL_H
#define TRIGSEQ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#endif
