// SPDX-License-Identifier: GPL-2.0-only
/* The alert contract: kind names both ways, the fixed environment. */
#include "helpers.h"

#include <errno.h>
#include <string.h>

#include "havz/alert.h"

static void test_kinds(void **state)
{
	enum havz_alert_kind k;

	(void)state;
	for (unsigned i = 0; i < HAVZ_ALERT_KINDS; i++) {
		assert_int_equal(havz_alert_kind_parse(havz_alert_kind_name(i), &k), 0);
		assert_int_equal(k, i);
	}
	assert_string_equal(havz_alert_kind_name(HAVZ_ALERT_SWITCHOVER_FALLBACK),
			    "switchover-fallback");
	assert_string_equal(havz_alert_kind_name(HAVZ_ALERT_RESYNC_DONE), "resync-done");
	assert_string_equal(havz_alert_kind_name(HAVZ_ALERT_KINDS), "?");
	assert_int_equal(havz_alert_kind_parse("Failover", &k), -EINVAL);
	assert_int_equal(havz_alert_kind_parse("", &k), -EINVAL);
}

static void test_envp(void **state)
{
	char store[HAVZ_ALERT_ENV_VARS][HAVZ_ALERT_ENV_LEN];
	const char *envp[HAVZ_ALERT_ENV_VARS + 1];
	struct havz_alert a = { .kind = HAVZ_ALERT_FENCE,
				.cluster = "lab",
				.node = "beta",
				.container = "web",
				.time_ms = 1764615600123LL, /* 2025-12-01T19:00:00.123Z */
				.detail = "alpha asked\nto outdate ct-web" };

	(void)state;
	assert_int_equal(havz_alert_envp(&a, store, envp), 0);
	assert_string_equal(envp[0],
			    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
	assert_string_equal(envp[1], "LC_ALL=C");
	assert_string_equal(envp[2], "HAVZ_ALERT_KIND=fence");
	assert_string_equal(envp[3], "HAVZ_ALERT_CLUSTER=lab");
	assert_string_equal(envp[4], "HAVZ_ALERT_NODE=beta");
	assert_string_equal(envp[5], "HAVZ_ALERT_CONTAINER=web");
	assert_string_equal(envp[6], "HAVZ_ALERT_TIME=2025-12-01T19:00:00Z");
	assert_string_equal(envp[7], "HAVZ_ALERT_TIMESTAMP=1764615600.123");
	/* One line: a newline in the detail becomes a space. */
	assert_string_equal(envp[8], "HAVZ_ALERT_DETAIL=alpha asked to outdate ct-web");
	assert_null(envp[9]);

	/* Missing values are empty, never absent. */
	a.container = NULL;
	a.detail = NULL;
	assert_int_equal(havz_alert_envp(&a, store, envp), 0);
	assert_string_equal(envp[5], "HAVZ_ALERT_CONTAINER=");
	assert_string_equal(envp[8], "HAVZ_ALERT_DETAIL=");
}

static void test_envp_too_long(void **state)
{
	char store[HAVZ_ALERT_ENV_VARS][HAVZ_ALERT_ENV_LEN];
	const char *envp[HAVZ_ALERT_ENV_VARS + 1];
	char detail[HAVZ_ALERT_ENV_LEN];
	struct havz_alert a = { .kind = HAVZ_ALERT_RESTART, .detail = detail };

	(void)state;
	memset(detail, 'x', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	assert_int_equal(havz_alert_envp(&a, store, envp), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_envp),
		cmocka_unit_test(test_envp_too_long),
	};

	return cmocka_run_group_tests_name("alert", tests, NULL, NULL);
}
