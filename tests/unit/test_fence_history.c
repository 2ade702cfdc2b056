// SPDX-License-Identifier: GPL-2.0-only
/* Pacemaker's fence history as fence-peer reads it: the latest successful power-off only. */
#include "helpers.h"

#include <errno.h>

#include "havz/fence_history.h"

/* 2026-12-02 15:40:45 UTC */
#define T0 1796226045

static void test_pacemaker_2_1(void **state)
{
	int64_t t = 0;

	(void)state;
	/* As the lab's beta printed it (Pacemaker 2.1.5). */
	assert_int_equal(havz_fence_history_last_off(
				 "turning off of alpha successful: delegate=beta, "
				 "client=pacemaker-controld.459, origin=beta, "
				 "last-successful='2026-12-02 15:40:45Z'\n1 event found\n",
				 "alpha", &t),
			 0);
	assert_int_equal(t, T0);
	/* The latest of several, whatever their order. */
	assert_int_equal(havz_fence_history_last_off(
				 "turning off of alpha successful: delegate=beta, origin=beta, "
				 "last-successful='2026-12-02 15:40:45Z'\n"
				 "turning off of alpha successful: delegate=beta, origin=beta, "
				 "last-successful='2026-12-02 14:00:00Z'\n",
				 "alpha", &t),
			 0);
	assert_int_equal(t, T0);
	/* Older wording: "off of ... completed='...'". */
	assert_int_equal(havz_fence_history_last_off(
				 "  off of alpha successful: delegate=beta, completed='2026-12-02 "
				 "15:40:45 +00:00'\n",
				 "alpha", &t),
			 0);
	assert_int_equal(t, T0);
}

static void test_what_does_not_count(void **state)
{
	int64_t t = 0;

	(void)state;
	/* Failed, pending, a reboot, another node, a node whose name only begins the same. */
	assert_int_equal(havz_fence_history_last_off(
				 "turning off of alpha failed: delegate=beta, "
				 "last-failed='2026-12-02 15:40:45Z'\n"
				 "turning off of alpha pending: client=pacemaker-controld.459\n"
				 "reboot of alpha successful: delegate=beta, "
				 "last-successful='2026-12-02 15:40:45Z'\n"
				 "turning off of beta successful: delegate=alpha, "
				 "last-successful='2026-12-02 15:40:45Z'\n"
				 "turning off of alpha2 successful: delegate=beta, "
				 "last-successful='2026-12-02 15:40:45Z'\n"
				 "0 events found\n",
				 "alpha", &t),
			 -ENOENT);
	/* A time we cannot read, or in another zone: not trusted. */
	assert_int_equal(havz_fence_history_last_off(
				 "turning off of alpha successful: last-successful='yesterday'\n",
				 "alpha", &t),
			 -ENOENT);
	assert_int_equal(
		havz_fence_history_last_off("turning off of alpha successful: "
					    "last-successful='2026-12-02 15:40:45 +02:00'\n",
					    "alpha", &t),
		-ENOENT);
	/* The stamp must be on the line of that fence, not the next one. */
	assert_int_equal(
		havz_fence_history_last_off(
			"turning off of alpha successful: delegate=beta\n"
			"turning off of beta failed: last-successful='2026-12-02 15:40:45Z'\n",
			"alpha", &t),
		-ENOENT);
	assert_int_equal(havz_fence_history_last_off("", "alpha", &t), -ENOENT);
	assert_int_equal(havz_fence_history_last_off("off of  successful", "", &t), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pacemaker_2_1),
		cmocka_unit_test(test_what_does_not_count),
	};

	return cmocka_run_group_tests_name("fence_history", tests, NULL, NULL);
}
