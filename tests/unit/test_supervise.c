// SPDX-License-Identifier: GPL-2.0-only
/* ha-vzd's decisions after each monitor: restarts, the window, handover; mountinfo. */
#include "helpers.h"

#include "havz/supervise.h"

static const struct havz_policy policy = { .max_restarts = 3, .window_ms = 60000 };

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(havz_monitor_classify(0, false), HAVZ_MON_RUNNING);
	assert_int_equal(havz_monitor_classify(8, false), HAVZ_MON_RUNNING);
	assert_int_equal(havz_monitor_classify(7, false), HAVZ_MON_NOT_RUNNING);
	assert_int_equal(havz_monitor_classify(1, false), HAVZ_MON_FAILED);
	assert_int_equal(havz_monitor_classify(2, false), HAVZ_MON_FAILED);
	assert_int_equal(havz_monitor_classify(137, false), HAVZ_MON_FAILED);
	assert_int_equal(havz_monitor_classify(-1, false), HAVZ_MON_FAILED);
	assert_int_equal(havz_monitor_classify(5, false), HAVZ_MON_NOT_INSTALLED);
	assert_int_equal(havz_monitor_classify(6, false), HAVZ_MON_NOT_CONFIGURED);
	assert_int_equal(havz_monitor_classify(0, true), HAVZ_MON_TIMEOUT);
}

static void test_running_does_nothing(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_UNKNOWN };

	(void)state;
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_RUNNING, 1000), HAVZ_ACT_NONE);
	assert_int_equal(s.state, HAVZ_SUP_RUNNING);
	assert_int_equal(havz_supervise_restarts(&s, &policy, 1000), 0);
}

static void test_restarts_then_handover(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };
	const enum havz_monitor fails[] = { HAVZ_MON_NOT_RUNNING, HAVZ_MON_FAILED,
					    HAVZ_MON_TIMEOUT };

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(havz_supervise_step(&s, &policy, fails[i], 1000 + i),
				 HAVZ_ACT_RESTART);
		assert_int_equal(s.state, HAVZ_SUP_RESTARTING);
		havz_supervise_restarted(&s, true);
		assert_int_equal(s.state, HAVZ_SUP_RUNNING);
		assert_int_equal(havz_supervise_restarts(&s, &policy, 1000 + i), i + 1);
	}
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_NOT_RUNNING, 2000),
			 HAVZ_ACT_HANDOVER);
	assert_int_equal(s.state, HAVZ_SUP_HANDOVER);
	/* Only once: later failures wait for heartbeat to move the container. */
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_NOT_RUNNING, 3000),
			 HAVZ_ACT_NONE);
	assert_int_equal(s.state, HAVZ_SUP_HANDOVER);
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_NOT_INSTALLED, 3000),
			 HAVZ_ACT_NONE);
	/* Gone from this node, then back: supervised again; the window still counts. */
	havz_supervise_absent(&s);
	assert_int_equal(s.state, HAVZ_SUP_ABSENT);
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_NOT_RUNNING, 4000),
			 HAVZ_ACT_HANDOVER);
}

static void test_window_slides(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };

	(void)state;
	for (uint64_t t = 0; t < 3; t++)
		assert_int_equal(
			havz_supervise_step(&s, &policy, HAVZ_MON_FAILED, 10000 + t * 20000),
			HAVZ_ACT_RESTART);
	/* Restarts at 10 s, 30 s, 50 s; at 70 s the first has left the 60 s window. */
	assert_int_equal(havz_supervise_restarts(&s, &policy, 69999), 3);
	assert_int_equal(havz_supervise_restarts(&s, &policy, 70000), 2);
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_FAILED, 70000),
			 HAVZ_ACT_RESTART);
	assert_int_equal(havz_supervise_restarts(&s, &policy, 70000), 3);
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_FAILED, 70001),
			 HAVZ_ACT_HANDOVER);
}

static void test_clock_going_back_forgets(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };

	(void)state;
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_FAILED, 50000),
			 HAVZ_ACT_RESTART);
	assert_int_equal(havz_supervise_restarts(&s, &policy, 40000), 0);
}

static void test_zero_max_restarts_hands_over_at_once(void **state)
{
	const struct havz_policy none = { .max_restarts = 0, .window_ms = 1000 };
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };

	(void)state;
	assert_int_equal(havz_supervise_step(&s, &none, HAVZ_MON_NOT_RUNNING, 1),
			 HAVZ_ACT_HANDOVER);
}

static void test_hard_errors(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };

	(void)state;
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_NOT_CONFIGURED, 1),
			 HAVZ_ACT_NONE);
	assert_int_equal(s.state, HAVZ_SUP_BROKEN);
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_NOT_INSTALLED, 2),
			 HAVZ_ACT_HANDOVER);
	assert_int_equal(s.state, HAVZ_SUP_HANDOVER);
}

static void test_failed_restart(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };

	(void)state;
	assert_int_equal(havz_supervise_step(&s, &policy, HAVZ_MON_FAILED, 1), HAVZ_ACT_RESTART);
	havz_supervise_restarted(&s, false);
	assert_int_equal(s.state, HAVZ_SUP_FAILED);
	havz_supervise_unmanaged(&s);
	assert_int_equal(s.state, HAVZ_SUP_UNMANAGED);
}

/* Under Pacemaker: the state follows the monitor, nothing is counted or decided. */
static void test_observe(void **state)
{
	struct havz_supervise s = { .state = HAVZ_SUP_UNKNOWN };

	(void)state;
	havz_supervise_observe(&s, HAVZ_MON_RUNNING);
	assert_int_equal(s.state, HAVZ_SUP_RUNNING);
	for (int i = 0; i < 10; i++)
		havz_supervise_observe(&s, HAVZ_MON_FAILED);
	assert_int_equal(s.state, HAVZ_SUP_FAILED);
	assert_int_equal(havz_supervise_restarts(&s, &policy, 1), 0);
	havz_supervise_observe(&s, HAVZ_MON_NOT_RUNNING);
	assert_int_equal(s.state, HAVZ_SUP_FAILED);
	havz_supervise_observe(&s, HAVZ_MON_NOT_CONFIGURED);
	assert_int_equal(s.state, HAVZ_SUP_BROKEN);
	havz_supervise_observe(&s, HAVZ_MON_RUNNING);
	assert_int_equal(s.state, HAVZ_SUP_RUNNING);
}

static void test_history_is_bounded(void **state)
{
	const struct havz_policy big = { .max_restarts = 100, .window_ms = 86400000 };
	struct havz_supervise s = { .state = HAVZ_SUP_RUNNING };

	(void)state;
	for (uint64_t t = 0; t < 100; t++)
		assert_int_equal(havz_supervise_step(&s, &big, HAVZ_MON_FAILED, t),
				 HAVZ_ACT_RESTART);
	assert_int_equal(havz_supervise_step(&s, &big, HAVZ_MON_FAILED, 100), HAVZ_ACT_HANDOVER);
	assert_true(s.n_restarts <= HAVZ_RESTARTS_MAX);
}

/*
 * The sequence ha-vzd runs (monitor, step, restart, restarted) for a
 * container that crashes, is restarted, then no longer starts, with the
 * policy of the daemon tests (max_restarts 2, restart_window 5m) and one
 * monitor a second: the handover that hb_standby carries out in the lab.
 */
static void test_crash_restart_then_handover(void **state)
{
	const struct havz_policy two = { .max_restarts = 2, .window_ms = 300000 };
	struct havz_supervise s = { .state = HAVZ_SUP_UNKNOWN };
	char why[128];
	uint64_t t = 0;

	(void)state;
	assert_int_equal(havz_supervise_step(&s, &two, havz_monitor_classify(0, false), t += 1000),
			 HAVZ_ACT_NONE);
	assert_int_equal(s.state, HAVZ_SUP_RUNNING);
	/* init killed: monitor 7, restarted and running again. */
	assert_int_equal(havz_supervise_step(&s, &two, havz_monitor_classify(7, false), t += 1000),
			 HAVZ_ACT_RESTART);
	havz_supervise_restarted(&s, true);
	assert_int_equal(s.state, HAVZ_SUP_RUNNING);
	assert_int_equal(havz_supervise_step(&s, &two, havz_monitor_classify(0, false), t += 1000),
			 HAVZ_ACT_NONE);
	/* Killed again and start now fails (agent start 1): the second restart fails. */
	assert_int_equal(havz_supervise_step(&s, &two, havz_monitor_classify(7, false), t += 1000),
			 HAVZ_ACT_RESTART);
	havz_supervise_restarted(&s, false);
	assert_int_equal(s.state, HAVZ_SUP_FAILED);
	assert_int_equal(havz_supervise_restarts(&s, &two, t), 2);
	/* The next failed monitor is one too many: hand over, once. */
	assert_int_equal(havz_supervise_step(&s, &two, havz_monitor_classify(7, false), t += 1000),
			 HAVZ_ACT_HANDOVER);
	assert_int_equal(s.state, HAVZ_SUP_HANDOVER);
	assert_int_equal(s.n_restarts, 2); /* what STATUS reports as restarts */
	havz_supervise_handover_why(HAVZ_MON_NOT_RUNNING, &two, why, sizeof(why));
	assert_string_equal(why, "still failing after 2 restarts within 300 s");
	for (int i = 0; i < 5; i++)
		assert_int_equal(
			havz_supervise_step(&s, &two, havz_monitor_classify(7, false), t += 1000),
			HAVZ_ACT_NONE);
	assert_int_equal(s.state, HAVZ_SUP_HANDOVER);
	/* heartbeat moved it away (unmounted here): the next time it is held, supervised again. */
	havz_supervise_absent(&s);
	assert_int_equal(havz_supervise_step(&s, &two, havz_monitor_classify(0, false), t += 1000),
			 HAVZ_ACT_NONE);
	assert_int_equal(s.state, HAVZ_SUP_RUNNING);
}

static void test_handover_why(void **state)
{
	const struct havz_policy p = { .max_restarts = 3, .window_ms = 600000 };
	char why[128], tiny[8];

	(void)state;
	havz_supervise_handover_why(HAVZ_MON_FAILED, &p, why, sizeof(why));
	assert_string_equal(why, "still failing after 3 restarts within 600 s");
	havz_supervise_handover_why(HAVZ_MON_TIMEOUT, &p, why, sizeof(why));
	assert_string_equal(why, "still failing after 3 restarts within 600 s");
	havz_supervise_handover_why(HAVZ_MON_NOT_INSTALLED, &p, why, sizeof(why));
	assert_string_equal(why, "cannot run on this node (agent: not installed)");
	havz_supervise_handover_why(HAVZ_MON_FAILED, &p, tiny, sizeof(tiny));
	assert_string_equal(tiny, "still f");
	havz_supervise_handover_why(HAVZ_MON_FAILED, &p, tiny, 0); /* no write */
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(havz_sup_state_name(HAVZ_SUP_RUNNING), "running");
	assert_string_equal(havz_sup_state_name(HAVZ_SUP_HANDOVER), "handover");
	assert_string_equal(havz_sup_state_name(HAVZ_SUP_STATES), "invalid");
	for (int i = 0; i < HAVZ_SUP_STATES; i++)
		assert_non_null(havz_sup_state_name((enum havz_sup_state)i));
}

#define MOUNTINFO                                                                                  \
	"22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"                                  \
	"40 22 0:35 / /srv/ha-vz/web rw - ext4 /dev/drbd0 rw\n"                                    \
	"41 22 0:36 / /srv/with\\040space rw - tmpfs tmpfs rw\n"                                   \
	"42 22 0:37 /sub /mnt/bind\\134x rw - ext4 /dev/sda1 rw"

static void test_mountinfo(void **state)
{
	(void)state;
	assert_true(havz_mountinfo_has(MOUNTINFO, "/"));
	assert_true(havz_mountinfo_has(MOUNTINFO, "/srv/ha-vz/web"));
	assert_true(havz_mountinfo_has(MOUNTINFO, "/srv/with space"));
	assert_true(havz_mountinfo_has(MOUNTINFO, "/mnt/bind\\x"));
	assert_false(havz_mountinfo_has(MOUNTINFO, "/srv/ha-vz"));
	assert_false(havz_mountinfo_has(MOUNTINFO, "/srv/ha-vz/web/"));
	assert_false(havz_mountinfo_has(MOUNTINFO, "/srv/with\\040space"));
	assert_false(havz_mountinfo_has(MOUNTINFO, "/sub"));
	assert_false(havz_mountinfo_has("", "/"));
	assert_false(havz_mountinfo_has("garbage\n\n1 2\n", "/"));
	assert_false(havz_mountinfo_has("1 2 3 4\n", "/"));
	assert_true(havz_mountinfo_has("1 2 3 4 /x", "/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_running_does_nothing),
		cmocka_unit_test(test_restarts_then_handover),
		cmocka_unit_test(test_window_slides),
		cmocka_unit_test(test_clock_going_back_forgets),
		cmocka_unit_test(test_zero_max_restarts_hands_over_at_once),
		cmocka_unit_test(test_hard_errors),
		cmocka_unit_test(test_failed_restart),
		cmocka_unit_test(test_history_is_bounded),
		cmocka_unit_test(test_crash_restart_then_handover),
		cmocka_unit_test(test_handover_why),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_observe),
		cmocka_unit_test(test_mountinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
