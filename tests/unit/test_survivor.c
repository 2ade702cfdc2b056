// SPDX-License-Identifier: GPL-2.0-only
/* The survivor rules (every fact that decides) and /proc/drbd parsing. */
#include "helpers.h"

#include <errno.h>

#include "havz/survivor.h"

static struct havz_survivor_facts good(void)
{
	struct havz_survivor_facts f = {
		.peer_has_device = true,
		.local_uptodate = true,
		.n_ping = 1,
		.ping_reached = true,
		.mine = 1,
		.theirs = 0,
		.first_node = false,
	};
	return f;
}

static void test_refusals_come_first(void **state)
{
	struct havz_survivor_facts f = good();

	(void)state;
	f.peer_has_device = false;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_NO_DEVICE);
	f = good();
	f.local_uptodate = false;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_STALE);
	f = good();
	f.ping_reached = false;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_CUT_OFF);
	/* Cut off wins over running more containers: the clients cannot reach this node. */
	f.mine = 5;
	f.first_node = true;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_CUT_OFF);
	/* No ping configured: reachability does not count. */
	f.n_ping = 0;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_FENCE_NOW);
}

static void test_fewer_containers_wait(void **state)
{
	struct havz_survivor_facts f = good();

	(void)state;
	f.mine = 2;
	f.theirs = 1;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_FENCE_NOW);
	f.mine = 0;
	f.theirs = 1;
	f.first_node = true;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_FENCE_AFTER_DELAY);
	/* A tie: the first node fences at once, the second waits. */
	f.mine = f.theirs = 1;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_FENCE_NOW);
	f.first_node = false;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_FENCE_AFTER_DELAY);
	f.mine = f.theirs = 0;
	assert_int_equal(havz_survivor_decide(&f), HAVZ_SURVIVOR_FENCE_AFTER_DELAY);
}

/* Both nodes of a full partition, each with its own view: exactly one fences at once. */
static void test_exactly_one_fences_first(void **state)
{
	(void)state;
	for (unsigned total = 0; total <= 4; total++)
		for (unsigned a = 0; a <= total; a++)
			for (int reach = 0; reach < 4; reach++) {
				struct havz_survivor_facts fa = good(), fb = good();
				enum havz_survivor_verdict va, vb;

				fa.mine = a;
				fa.theirs = total - a;
				fa.first_node = true;
				fa.ping_reached = reach & 1;
				fb.mine = total - a;
				fb.theirs = a;
				fb.ping_reached = reach & 2;
				va = havz_survivor_decide(&fa);
				vb = havz_survivor_decide(&fb);
				/* Never both at once. */
				assert_false(va == HAVZ_SURVIVOR_FENCE_NOW &&
					     vb == HAVZ_SURVIVOR_FENCE_NOW);
				/* Never both waiting: one of them goes first (when either may). */
				assert_false(va == HAVZ_SURVIVOR_FENCE_AFTER_DELAY &&
					     vb == HAVZ_SURVIVOR_FENCE_AFTER_DELAY);
				/* Only one reaches the clients: it fences, the other does not. */
				if (reach == 1) {
					assert_true(va == HAVZ_SURVIVOR_FENCE_NOW ||
						    va == HAVZ_SURVIVOR_FENCE_AFTER_DELAY);
					assert_int_equal(vb, HAVZ_SURVIVOR_CUT_OFF);
				}
				if (reach == 0) {
					assert_int_equal(va, HAVZ_SURVIVOR_CUT_OFF);
					assert_int_equal(vb, HAVZ_SURVIVOR_CUT_OFF);
				}
			}
}

static void test_reasons(void **state)
{
	(void)state;
	assert_non_null(strstr(havz_survivor_reason(HAVZ_SURVIVOR_CUT_OFF), "cut off"));
	assert_non_null(strstr(havz_survivor_reason(HAVZ_SURVIVOR_STALE), "stale"));
	assert_non_null(strstr(havz_survivor_reason(HAVZ_SURVIVOR_NO_DEVICE), "fence = none"));
	assert_non_null(strstr(havz_survivor_reason(HAVZ_SURVIVOR_FENCE_AFTER_DELAY), "waiting"));
}

/* /proc/drbd of DRBD 8.4.11 with two minors. */
static const char proc_drbd[] =
	"version: 8.4.11 (api:1/proto:86-101)\n"
	"srcversion: 211FB288A383ED945B83420 \n"
	" 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
	"    ns:1024 nr:0 dw:1024 dr:2048 al:1 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
	" 1: cs:WFConnection ro:Secondary/Unknown ds:Consistent/DUnknown C r-----\n"
	"    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
	"12: cs:StandAlone ro:Primary/Unknown ds:UpToDate/DUnknown   r-----\n";

static void test_proc_drbd(void **state)
{
	struct havz_drbd_minor m;

	(void)state;
	assert_int_equal(havz_drbd_proc_minor(proc_drbd, 0, &m), 0);
	assert_int_equal(m.role, HAVZ_ROLE_PRIMARY);
	assert_true(m.uptodate);
	assert_true(m.connected);
	assert_int_equal(havz_drbd_proc_minor(proc_drbd, 1, &m), 0);
	assert_int_equal(m.role, HAVZ_ROLE_SECONDARY);
	assert_false(m.uptodate); /* Consistent: booted alone */
	assert_false(m.connected);
	assert_int_equal(havz_drbd_proc_minor(proc_drbd, 12, &m), 0);
	assert_int_equal(m.role, HAVZ_ROLE_PRIMARY);
	assert_true(m.uptodate);
	assert_int_equal(havz_drbd_proc_minor(proc_drbd, 2, &m), -ENOENT);
	/* "ns:1024" lines and the version line are not minors. */
	assert_int_equal(havz_drbd_proc_minor(proc_drbd, 8, &m), -ENOENT);
	assert_int_equal(havz_drbd_proc_minor("", 0, &m), -ENOENT);
	assert_int_equal(havz_drbd_proc_minor(" 0: cs:Unconfigured\n", 0, &m), 0);
	assert_int_equal(m.role, HAVZ_ROLE_UNKNOWN);
	assert_false(m.uptodate);
}

static void test_proc_primaries(void **state)
{
	struct havz_container cts[3];
	struct havz_config cfg;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	memset(cts, 0, sizeof(cts));
	cts[0].minor = 0;
	cts[1].minor = 1;
	cts[2].minor = 12;
	cfg.containers = cts;
	cfg.n_containers = 3;
	assert_int_equal(havz_drbd_proc_primaries(proc_drbd, &cfg), 2);
	cfg.n_containers = 2;
	assert_int_equal(havz_drbd_proc_primaries(proc_drbd, &cfg), 1);
	assert_int_equal(havz_drbd_proc_primaries("", &cfg), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals_come_first),
		cmocka_unit_test(test_fewer_containers_wait),
		cmocka_unit_test(test_exactly_one_fences_first),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_proc_drbd),
		cmocka_unit_test(test_proc_primaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
