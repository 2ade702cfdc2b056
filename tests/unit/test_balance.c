// SPDX-License-Identifier: GPL-2.0-only
/* The balancer's decision, rule by rule, and a recorded load trace that must not ping-pong. */
#include "helpers.h"

#include <errno.h>
#include <math.h>

#include "havz/balance.h"

#define MiB (1024ULL * 1024ULL)
#define GiB (1024ULL * MiB)
#define NOON 1796212800 /* 2026-12-02 12:00 UTC */

static struct havz_balance_policy policy(void)
{
	struct havz_balance_policy p;

	havz_balance_policy_default(&p);
	p.enabled = true;
	p.hold_rounds = 1;
	return p;
}

/* alpha busy (cpu 90 %, load 3.6 on 4 cpus), beta idle; ct "hog" and ct "web" on alpha. */
static struct havz_balance_ct cts[3];

static struct havz_balance_view busy_alpha(void)
{
	struct havz_balance_view v = {
		.nodes = {
			{ "alpha", 4, 0.90, 8 * GiB, 4 * GiB, 3.6 },
			{ "beta", 4, 0.05, 8 * GiB, 7 * GiB, 0.2 },
		},
		.cts = cts,
		.n_cts = 2,
	};

	memset(cts, 0, sizeof(cts));
	cts[0] = (struct havz_balance_ct){ "hog", 0, 3.0, 1 * GiB, 2 * GiB, false, true, 9000, 0 };
	cts[1] =
		(struct havz_balance_ct){ "web", 0, 0.4, 512 * MiB, 1 * GiB, false, true, 3000, 0 };
	return v;
}

static struct havz_balance_state fresh(void)
{
	struct havz_balance_state st;

	memset(&st, 0, sizeof(st));
	st.last_busier = -1;
	return st;
}

static void test_scores(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();

	(void)state;
	/* alpha: (5*0.9 + 3*0.5 + 2*0.9) / 10 = 0.78; beta: (5*0.05 + 3*0.125 + 2*0.05) / 10 */
	assert_true(fabs(havz_balance_score(&p, &v.nodes[0]) - 0.78) < 1e-9);
	assert_true(fabs(havz_balance_score(&p, &v.nodes[1]) - 0.0725) < 1e-9);
	/* A load above the cpu count counts as full, not more: (4.5 + 1.5 + 2 * 1.0) / 10. */
	v.nodes[0].load1 = 40;
	assert_true(fabs(havz_balance_score(&p, &v.nodes[0]) - 0.80) < 1e-9);
}

static void test_disabled(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	p.enabled = false;
	assert_int_equal(havz_balance_decide(&p, &v, &st, NOON, &plan), 0);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_DISABLED);
}

static void test_threshold(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	p.threshold_milli = 800; /* above the 0.71 imbalance */
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_BALANCED);
	assert_non_null(strstr(plan.why, "imbalance 0.71 is within the threshold 0.80"));
	assert_int_equal(st.rounds_over, 0);
}

static void test_hold(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	p.hold_rounds = 3;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_HOLDING);
	assert_non_null(strstr(plan.why, "for 1 of 3 rounds (alpha busier)"));
	havz_balance_decide(&p, &v, &st, NOON + 60, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_HOLDING);
	havz_balance_decide(&p, &v, &st, NOON + 120, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
	/* One balanced round in between starts the count again. */
	st = fresh();
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	havz_balance_decide(&p, &v, &st, NOON + 60, &plan);
	v.nodes[0].cpu_busy = 0.05;
	v.nodes[0].load1 = 0.2;
	v.nodes[0].mem_available = 7 * GiB;
	havz_balance_decide(&p, &v, &st, NOON + 120, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_BALANCED);
	v = busy_alpha();
	havz_balance_decide(&p, &v, &st, NOON + 180, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_HOLDING);
	assert_int_equal(st.rounds_over, 1);
}

static void test_move_weighs_cost(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	/* Two like containers: the one whose last switchover froze less goes. */
	cts[0] = (struct havz_balance_ct){ "a", 0, 1.0, 512 * MiB, 1 * GiB, false, true, 20000, 0 };
	cts[1] = (struct havz_balance_ct){ "b", 0, 1.0, 512 * MiB, 1 * GiB, false, true, 2000, 0 };
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
	assert_string_equal(v.cts[plan.ct].name, "b");
	assert_true(fabs(plan.expected_freeze_s - 2.0) < 1e-9);
	assert_int_equal(plan.from, 0);
	assert_int_equal(plan.to, 1);
	assert_true(fabs(plan.imbalance - 0.7075) < 1e-9);
	assert_true(fabs(plan.imbalance_after - 0.32) < 1e-9);
	assert_non_null(strstr(plan.why, "move b from alpha to beta: imbalance 0.71 -> 0.32, "
					 "expected freeze 2.0 s"));
	cts[0].last_freeze_ms = 1000;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_string_equal(v.cts[plan.ct].name, "a");
	/* At the same freeze, the larger gain wins. */
	cts[0].cpu_cores = 1.5;
	cts[0].last_freeze_ms = cts[1].last_freeze_ms = 2000;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_string_equal(v.cts[plan.ct].name, "a");
	/* A container the preflight keeps from moving live is costed as a cold move. */
	cts[0].movable = false;
	assert_true(havz_balance_expected_freeze_s(&cts[0]) > 10.0);
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_string_equal(v.cts[plan.ct].name, "b");
}

static void test_margin(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	/* Only a tiny container on the busy node: moving it gains almost nothing. */
	cts[0] = (struct havz_balance_ct){
		"tiny", 0, 0.01, 16 * MiB, 64 * MiB, false, true, 1000, 0
	};
	v.n_cts = 1;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_NO_CANDIDATE);
	assert_non_null(strstr(plan.why, "moving tiny gains 0.00, under the margin 0.10"));
}

static void test_headroom(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	/* beta has 2 GiB free; hog's 2 GiB limit plus 256 MiB headroom does not fit, web does. */
	v.nodes[1].mem_available = 2 * GiB;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
	assert_string_equal(v.cts[plan.ct].name, "web");
	v.n_cts = 1; /* hog alone */
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_NO_CANDIDATE);
	assert_non_null(strstr(plan.why, "hog needs 2304 MiB with the headroom; the other node has "
					 "2048 MiB available"));
}

static void test_pinned(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	cts[0].pinned = cts[1].pinned = true;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_NO_CANDIDATE);
	assert_non_null(strstr(plan.why, "is pinned (balance = no)"));
	cts[1].pinned = false;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
	assert_string_equal(v.cts[plan.ct].name, "web");
}

static void test_moves_per_hour_and_cooldown(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	p.max_moves_per_hour = 1;
	havz_balance_record_move(&st, NOON - 1800, "other");
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_RATE);
	assert_non_null(strstr(plan.why, "1 moves in the last hour already (max 1)"));
	/* An hour later the old move no longer counts. */
	havz_balance_decide(&p, &v, &st, NOON + 1801, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
	/* A container moved within the cooldown is not chosen again. */
	p.max_moves_per_hour = 10;
	st = fresh();
	havz_balance_record_move(&st, NOON - 600, "web");
	havz_balance_record_move(&st, NOON - 300, "hog");
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_NO_CANDIDATE);
	assert_non_null(strstr(plan.why, "moved less than the cooldown (3600s) ago"));
}

static void test_quiet_hours(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;
	int a, b;

	(void)state;
	assert_int_equal(havz_parse_quiet_hours("08:00-18:00", &a, &b), 0);
	assert_int_equal(a, 480);
	assert_int_equal(b, 1080);
	assert_int_equal(havz_parse_quiet_hours("22:30-06:15", &a, &b), 0);
	assert_int_equal(havz_parse_quiet_hours("8:00-18:00", &a, &b), -EINVAL);
	assert_int_equal(havz_parse_quiet_hours("08:00-24:00", &a, &b), -EINVAL);
	assert_int_equal(havz_parse_quiet_hours("08:00-08:00", &a, &b), -EINVAL);
	assert_int_equal(havz_parse_quiet_hours("08:00", &a, &b), -EINVAL);
	assert_int_equal(havz_parse_quiet_hours("08:60-09:00", &a, &b), -EINVAL);
	p.quiet_start_min = 480;
	p.quiet_end_min = 1080;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_QUIET);
	havz_balance_decide(&p, &v, &st, NOON + 7 * 3600, &plan); /* 19:00 */
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
	/* A window across midnight. */
	p.quiet_start_min = 22 * 60;
	p.quiet_end_min = 6 * 60;
	havz_balance_decide(&p, &v, &st, NOON + 13 * 3600, &plan); /* 01:00 */
	assert_int_equal(plan.verdict, HAVZ_BALANCE_QUIET);
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_MOVE);
}

static void test_no_turn_around(void **state)
{
	struct havz_balance_policy p = policy();
	struct havz_balance_view v = busy_alpha();
	struct havz_balance_state st = fresh();
	struct havz_balance_plan plan;

	(void)state;
	/* alpha is busy because of hog alone: moving it makes beta nearly as busy (0.42). */
	v.n_cts = 1;
	havz_balance_decide(&p, &v, &st, NOON, &plan);
	assert_int_equal(plan.verdict, HAVZ_BALANCE_NO_CANDIDATE);
	assert_non_null(strstr(plan.why, "moving hog turns the imbalance around"));
}

/*
 * A load trace (one sample a minute, made here): a job on alpha's container "batch" burns cpu in
 * 5-minute bursts every 10 minutes, for two hours, while "web" idles there too. The balancer
 * runs every round with the default hold (3) and cooldown; a container must never go back
 * to the node it came from, and the moves stay within the hourly limit.
 */
static void test_trace_no_ping_pong(void **state)
{
	struct havz_balance_policy p;
	struct havz_balance_state st = fresh();
	struct havz_balance_ct trace_cts[2];
	struct havz_balance_plan plan;
	int moves = 0, back = 0;
	int moved_from[2] = { -1, -1 };

	(void)state;
	havz_balance_policy_default(&p);
	p.enabled = true;
	trace_cts[0] =
		(struct havz_balance_ct){ "batch", 0, 0, 1 * GiB, 2 * GiB, false, true, 4000, 0 };
	trace_cts[1] =
		(struct havz_balance_ct){ "web", 0, 0.2, 512 * MiB, 1 * GiB, false, true, 3000, 0 };
	for (int minute = 0; minute < 120; minute++) {
		bool burst = minute % 10 < 5;
		struct havz_balance_view v = {
			.nodes = { { "alpha", 4, 0.05, 8 * GiB, 7 * GiB, 0.2 },
				   { "beta", 4, 0.05, 8 * GiB, 7 * GiB, 0.2 } },
			.cts = trace_cts,
			.n_cts = 2,
		};

		trace_cts[0].cpu_cores = burst ? 3.6 : 0.1;
		/* The nodes' load is what their containers burn, plus a little of their own. */
		for (int c = 0; c < 2; c++) {
			struct havz_balance_node *n = &v.nodes[trace_cts[c].node];

			n->cpu_busy += trace_cts[c].cpu_cores / 4.0;
			n->load1 += trace_cts[c].cpu_cores;
			n->mem_available -= trace_cts[c].mem_current;
		}
		havz_balance_decide(&p, &v, &st, NOON + minute * 60, &plan);
		if (plan.verdict != HAVZ_BALANCE_MOVE)
			continue;
		struct havz_balance_ct *ct = &trace_cts[plan.ct];

		back += moved_from[plan.ct] == plan.to;
		moved_from[plan.ct] = plan.from;
		ct->node = plan.to;
		havz_balance_record_move(&st, NOON + minute * 60, ct->name);
		moves++;
	}
	assert_int_equal(back, 0);
	assert_true(moves >= 1);     /* the first bursts do move something */
	assert_true(moves <= 2 * 2); /* at most max_moves_per_hour an hour */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_disabled),
		cmocka_unit_test(test_threshold),
		cmocka_unit_test(test_hold),
		cmocka_unit_test(test_move_weighs_cost),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_headroom),
		cmocka_unit_test(test_pinned),
		cmocka_unit_test(test_moves_per_hour_and_cooldown),
		cmocka_unit_test(test_quiet_hours),
		cmocka_unit_test(test_no_turn_around),
		cmocka_unit_test(test_trace_no_ping_pong),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
