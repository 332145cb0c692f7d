/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What every cmocka test file includes first (cmocka needs these before its header). */
#ifndef TRIGSEQ_TESTUTIL_H
#define TRIGSEQ_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

/* TEST_ASAN: built with AddressSanitizer, whose allocator the tests cannot replace. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#endif

#endif
