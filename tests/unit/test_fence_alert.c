// SPDX-License-Identifier: GPL-2.0-only
/* The survivor's fence alert: which outcomes alert, and what the detail says. */
#include "helpers.h"

#include "havz/fence_alert.h"

static struct havz_fence_event event(enum havz_fence_outcome o, const char *why)
{
	struct havz_fence_event e = { .outcome = o,
				      .peer = "alpha",
				      .resource = "ct-web",
				      .address = "127.0.0.1",
				      .port = 9623,
				      .why = why };

	return e;
}

static void test_alerting_outcomes(void **state)
{
	struct havz_fence_event e;
	char out[400];

	(void)state;
	e = event(HAVZ_FENCE_POWERED_OFF, NULL);
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "powered alpha off through its fence device 127.0.0.1:9623 for "
				 "ct-web: the device confirmed power off");
	e = event(HAVZ_FENCE_POWER_FAILED, "no answer at 127.0.0.1:9623: timeout");
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out,
			    "powering alpha off for ct-web failed: no answer at 127.0.0.1:9623: "
			    "timeout");
	e = event(HAVZ_FENCE_REFUSED, "the local disk is not UpToDate");
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "not powering alpha off for ct-web: the local disk is not "
				 "UpToDate; nothing is promoted, I/O stays frozen on a Primary");
	e = event(HAVZ_FENCE_FOUND_OFF, NULL);
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "found alpha off for ct-web: its fence device 127.0.0.1:9623 "
				 "reports power off (not powered off from here)");
	e = event(HAVZ_FENCE_BY_CLUSTER, "at 2026-12-02 15:40:45Z, stonith_admin --history");
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "found alpha off for ct-web: Pacemaker's fencer powered it off "
				 "(at 2026-12-02 15:40:45Z, stonith_admin --history); its device "
				 "not asked again");
	/* No reason at hand still says that there is none. */
	e = event(HAVZ_FENCE_POWER_FAILED, "");
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "powering alpha off for ct-web failed: no reason given");
}

static void test_silent_outcomes(void **state)
{
	struct havz_fence_event e;
	char out[400] = "stale";

	(void)state;
	e = event(HAVZ_FENCE_ALREADY_OFF, NULL);
	assert_false(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "");
	strcpy(out, "stale");
	e = event(HAVZ_FENCE_PEER_ANSWERED, "the peer answered after fence_delay (exit 4)");
	assert_false(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_string_equal(out, "");
}

static void test_one_bounded_line(void **state)
{
	char why[1000], out[64];
	struct havz_fence_event e;

	(void)state;
	memset(why, 'x', sizeof(why) - 1);
	why[sizeof(why) - 1] = '\0';
	why[10] = '\n';
	why[20] = '\r';
	e = event(HAVZ_FENCE_POWER_FAILED, why);
	assert_true(havz_fence_alert_detail(&e, out, sizeof(out)));
	assert_int_equal(strlen(out), sizeof(out) - 1);
	assert_null(strchr(out, '\n'));
	assert_null(strchr(out, '\r'));
	assert_false(havz_fence_alert_detail(&e, out, 0));
}

#define NOW 1796156100

static void test_found_off(void **state)
{
	char line[200];

	(void)state;
	/* Fenced from here a minute ago: the handler that did it alerted. */
	snprintf(line, sizeof(line), "fenced %d alpha ct-db\tthe device confirmed power off",
		 NOW - 60);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_ALREADY_OFF);
	snprintf(line, sizeof(line), "fenced %d alpha ct-db\tthe device reports the peer off",
		 NOW - HAVZ_FENCE_ALERT_QUIET_S);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_ALREADY_OFF);
	/* Anything else: the peer went off by itself (a power cut) and nobody said so yet. */
	assert_int_equal(havz_fence_found_off("", "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "fenced %d alpha ct-db\tthe device confirmed power off",
		 NOW - HAVZ_FENCE_ALERT_QUIET_S - 1); /* an older incident */
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "fenced %d beta ct-db\tthe device confirmed power off",
		 NOW - 60); /* another node */
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "failed %d alpha ct-db\tno answer", NOW - 60);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "refused %d alpha ct-db\tthe local disk is not UpToDate",
		 NOW - 60);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "fenced %d alpha ct-db\tfrom the future", NOW + 5);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	/* Not the file's shape. */
	assert_int_equal(havz_fence_found_off("fenced soon alpha ct-db\tx", "alpha", NOW),
			 HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "fenced %d alpha ct-db no tab", NOW - 60);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
	snprintf(line, sizeof(line), "fenced %d alpha", NOW - 60);
	assert_int_equal(havz_fence_found_off(line, "alpha", NOW), HAVZ_FENCE_FOUND_OFF);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerting_outcomes),
		cmocka_unit_test(test_silent_outcomes),
		cmocka_unit_test(test_one_bounded_line),
		cmocka_unit_test(test_found_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
