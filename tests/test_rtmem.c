/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Real-time memory: zeroed, aligned, usable, released. */
#include "testutil.h"

#include <string.h>
#include <unistd.h>

#include "trigseq/core/rtmem.h"

static void zeroed_and_usable(void **state)
{
	(void)state;
	size_t size = 3 * 4096 + 17;
	unsigned char *m = ts_rtmem_alloc(size);
	assert_non_null(m);
	assert_int_equal((uintptr_t)m % (uintptr_t)sysconf(_SC_PAGESIZE), 0);
	for (size_t i = 0; i < size; i++)
		assert_int_equal(m[i], 0);
	memset(m, 0xAB, size);
	assert_int_equal(m[size - 1], 0xAB);
	/* Locking depends on RLIMIT_MEMLOCK; either answer is valid, but it must not crash. */
	(void)ts_rtmem_locked(m);
	ts_rtmem_free(m);
}

static void null_and_huge(void **state)
{
	(void)state;
	ts_rtmem_free(NULL);
	assert_false(ts_rtmem_locked(NULL));
	assert_null(ts_rtmem_alloc(SIZE_MAX - 10));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zeroed_and_usable),
		cmocka_unit_test(null_and_huge),
	};
	return cmocka_run_group_tests_name("rtmem", tests, NULL, NULL);
}
