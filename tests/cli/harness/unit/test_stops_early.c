// SPDX-License-Identifier: GPL-2.0-only
/*
 * A fixture for tests/cli/harness.bats, never built by make: a cmocka program whose second
 * test exits the process with status 0, so its TAP plan (1..3) promises more than it reports.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

static void test_reported(void **state)
{
	(void)state;
	assert_true(1);
}

static void test_exits(void **state)
{
	(void)state;
	exit(0);
}

static void test_never_run(void **state)
{
	(void)state;
	assert_true(1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reported),
		cmocka_unit_test(test_exits),
		cmocka_unit_test(test_never_run),
	};

	return cmocka_run_group_tests_name("stops_early", tests, NULL, NULL);
}
