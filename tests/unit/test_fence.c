// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vzd's answer to the peer's OUTDATE (havz/fence.h) from drbdadm's
 * output, as the daemon runs it: role and dstate, the answer or drbdadm
 * outdate, and after a failed outdate a second look. The outputs are what
 * DRBD 8.4 and 9 print (stdout and stderr together); the end-to-end
 * outcomes with a real DRBD are lab tests (tests/lab).
 */
#include "helpers.h"

#include "havz/fence.h"
#include "havz/wire.h"

static void test_role_parse(void **state)
{
	(void)state;
	assert_int_equal(havz_drbd_role_parse("Primary/Unknown\n"), HAVZ_ROLE_PRIMARY);
	assert_int_equal(havz_drbd_role_parse("Primary\n"), HAVZ_ROLE_PRIMARY); /* DRBD 9 */
	assert_int_equal(havz_drbd_role_parse("Secondary/Primary\n"), HAVZ_ROLE_SECONDARY);
	assert_int_equal(havz_drbd_role_parse("Secondary"), HAVZ_ROLE_SECONDARY);
	assert_int_equal(havz_drbd_role_parse("  Primary/Secondary\r\n"), HAVZ_ROLE_PRIMARY);
	/* Warnings that drbdadm's helpers print first (seen on a host without modinfo). */
	assert_int_equal(havz_drbd_role_parse("sh: 1: modinfo: not found\nsh: 1: modinfo: not "
					      "found\nPrimary/Secondary\n"),
			 HAVZ_ROLE_PRIMARY);
	assert_int_equal(havz_drbd_role_parse("Unknown/Primary\n"), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse("Unconfigured\n"), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse("no resources defined!\n"), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse("Primaryx/Unknown\n"), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse("primary\n"), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse(""), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse("\n\n"), HAVZ_ROLE_UNKNOWN);
	assert_int_equal(havz_drbd_role_parse(NULL), HAVZ_ROLE_UNKNOWN);
}

static void test_disk_parse(void **state)
{
	static const char *const bad[] = { "Inconsistent", "Diskless",	  "Failed",  "Attaching",
					   "Detaching",	   "Negotiating", "DUnknown" };
	char line[64];

	(void)state;
	assert_int_equal(havz_drbd_disk_parse("UpToDate/DUnknown\n"), HAVZ_DISK_GOOD);
	assert_int_equal(havz_drbd_disk_parse("Consistent/DUnknown\n"), HAVZ_DISK_GOOD);
	assert_int_equal(havz_drbd_disk_parse("UpToDate\n"), HAVZ_DISK_GOOD);
	assert_int_equal(havz_drbd_disk_parse("Outdated/DUnknown\n"), HAVZ_DISK_OUTDATED);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(line, sizeof(line), "%s/UpToDate\n", bad[i]);
		assert_int_equal(havz_drbd_disk_parse(line), HAVZ_DISK_BAD);
	}
	/* Only the local (first) state counts: the peer's DUnknown is normal when fencing. */
	assert_int_equal(havz_drbd_disk_parse("UpToDate/Inconsistent\n"), HAVZ_DISK_GOOD);
	/* Several volumes: one bad makes it bad; outdated only when all are. */
	assert_int_equal(havz_drbd_disk_parse("UpToDate/DUnknown\nInconsistent/DUnknown\n"),
			 HAVZ_DISK_BAD);
	assert_int_equal(havz_drbd_disk_parse("Outdated/DUnknown\nOutdated/DUnknown\n"),
			 HAVZ_DISK_OUTDATED);
	assert_int_equal(havz_drbd_disk_parse("Outdated/DUnknown\nUpToDate/DUnknown\n"),
			 HAVZ_DISK_GOOD);
	assert_int_equal(havz_drbd_disk_parse("sh: 1: modinfo: not found\nOutdated/DUnknown\n"),
			 HAVZ_DISK_OUTDATED);
	assert_int_equal(havz_drbd_disk_parse("no resources defined!\n"), HAVZ_DISK_UNKNOWN);
	assert_int_equal(havz_drbd_disk_parse("Unconfigured\n"), HAVZ_DISK_UNKNOWN);
	assert_int_equal(havz_drbd_disk_parse("uptodate\n"), HAVZ_DISK_UNKNOWN);
	assert_int_equal(havz_drbd_disk_parse(""), HAVZ_DISK_UNKNOWN);
	assert_int_equal(havz_drbd_disk_parse(NULL), HAVZ_DISK_UNKNOWN);
}

static void test_answer(void **state)
{
	(void)state;
	/* A Primary is never outdated, whatever its disk says. */
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_PRIMARY, HAVZ_DISK_GOOD), HAVZ_RES_PRIMARY);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_PRIMARY, HAVZ_DISK_OUTDATED),
			 HAVZ_RES_PRIMARY);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_PRIMARY, HAVZ_DISK_BAD), HAVZ_RES_PRIMARY);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_PRIMARY, HAVZ_DISK_UNKNOWN), HAVZ_RES_PRIMARY);
	/* Nothing to do: already Outdated, or Inconsistent or worse. */
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_SECONDARY, HAVZ_DISK_OUTDATED),
			 HAVZ_RES_OUTDATED);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_SECONDARY, HAVZ_DISK_BAD),
			 HAVZ_RES_INCONSISTENT);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_UNKNOWN, HAVZ_DISK_BAD),
			 HAVZ_RES_INCONSISTENT);
	/* A good disk, or one drbdadm could not describe: drbdadm outdate decides. */
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_SECONDARY, HAVZ_DISK_GOOD),
			 HAVZ_FENCE_RUN_OUTDATE);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_UNKNOWN, HAVZ_DISK_GOOD),
			 HAVZ_FENCE_RUN_OUTDATE);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_UNKNOWN, HAVZ_DISK_UNKNOWN),
			 HAVZ_FENCE_RUN_OUTDATE);
	assert_int_equal(havz_fence_answer(HAVZ_ROLE_SECONDARY, HAVZ_DISK_UNKNOWN),
			 HAVZ_FENCE_RUN_OUTDATE);
}

static void test_after_outdate(void **state)
{
	(void)state;
	assert_int_equal(havz_fence_after_outdate(true, HAVZ_ROLE_UNKNOWN, HAVZ_DISK_UNKNOWN),
			 HAVZ_RES_OUTDATED);
	/* Failed, but a second look explains it. */
	assert_int_equal(havz_fence_after_outdate(false, HAVZ_ROLE_SECONDARY, HAVZ_DISK_OUTDATED),
			 HAVZ_RES_OUTDATED);
	assert_int_equal(havz_fence_after_outdate(false, HAVZ_ROLE_SECONDARY, HAVZ_DISK_BAD),
			 HAVZ_RES_INCONSISTENT);
	assert_int_equal(havz_fence_after_outdate(false, HAVZ_ROLE_PRIMARY, HAVZ_DISK_GOOD),
			 HAVZ_RES_PRIMARY);
	/* Failed and unexplained: never claim outdated. */
	assert_int_equal(havz_fence_after_outdate(false, HAVZ_ROLE_SECONDARY, HAVZ_DISK_GOOD),
			 HAVZ_RES_FAILED);
	assert_int_equal(havz_fence_after_outdate(false, HAVZ_ROLE_UNKNOWN, HAVZ_DISK_UNKNOWN),
			 HAVZ_RES_FAILED);
}

/*
 * The whole sequence of ha-vzd's do_outdate on recorded drbdadm outputs
 * (NULL: drbdadm exited non-zero), down to fence-peer's exit code on the
 * other node: the cases the daemon's integration tests used to fake.
 */
struct fence_case {
	const char *role, *dstate;   /* first look */
	bool outdate_ok;	     /* when outdate runs */
	const char *role2, *dstate2; /* second look, after a failed outdate */
	bool runs_outdate;
	enum havz_wire_result answer;
	int exit_code; /* ha-vz fence-peer, drbd.conf(5) */
};

static enum havz_wire_result sequence(const struct fence_case *c, bool *ran_outdate)
{
	enum havz_wire_result a =
		havz_fence_answer(havz_drbd_role_parse(c->role), havz_drbd_disk_parse(c->dstate));

	*ran_outdate = a == HAVZ_FENCE_RUN_OUTDATE;
	if (!*ran_outdate)
		return a;
	if (c->outdate_ok)
		return havz_fence_after_outdate(true, HAVZ_ROLE_UNKNOWN, HAVZ_DISK_UNKNOWN);
	return havz_fence_after_outdate(false, havz_drbd_role_parse(c->role2),
					havz_drbd_disk_parse(c->dstate2));
}

static void test_sequence(void **state)
{
	static const struct fence_case cases[] = {
		/* Secondary, UpToDate: outdated by drbdadm outdate. */
		{ "Secondary/Unknown\n", "UpToDate/DUnknown\n", true, NULL, NULL, true,
		  HAVZ_RES_OUTDATED, 4 },
		/* Already Outdated: no second outdate. */
		{ "Secondary/Unknown\n", "Outdated/DUnknown\n", false, NULL, NULL, false,
		  HAVZ_RES_OUTDATED, 4 },
		/* Primary here: refused, never outdated. */
		{ "Primary/Unknown\n", "UpToDate/DUnknown\n", false, NULL, NULL, false,
		  HAVZ_RES_PRIMARY, 6 },
		{ "Primary\n", "UpToDate/DUnknown\n", false, NULL, NULL, false, HAVZ_RES_PRIMARY,
		  6 },
		/* Inconsistent: nothing to outdate. */
		{ "Secondary/Unknown\n", "Inconsistent/DUnknown\n", false, NULL, NULL, false,
		  HAVZ_RES_INCONSISTENT, 3 },
		{ "Secondary/Unknown\n", "Diskless/DUnknown\n", false, NULL, NULL, false,
		  HAVZ_RES_INCONSISTENT, 3 },
		/* drbdadm outdate fails (exit 17, "refusing to outdate") and nothing changed. */
		{ "Secondary/Unknown\n", "UpToDate/DUnknown\n", false, "Secondary/Unknown\n",
		  "UpToDate/DUnknown\n", true, HAVZ_RES_FAILED, 1 },
		/* It failed because a promotion raced it. */
		{ "Secondary/Unknown\n", "UpToDate/DUnknown\n", false, "Primary/Unknown\n",
		  "UpToDate/DUnknown\n", true, HAVZ_RES_PRIMARY, 6 },
		/* It failed because the disk went Outdated (or Inconsistent, a resync) since. */
		{ "Secondary/Unknown\n", "UpToDate/DUnknown\n", false, "Secondary/Unknown\n",
		  "Outdated/DUnknown\n", true, HAVZ_RES_OUTDATED, 4 },
		{ "Secondary/Unknown\n", "UpToDate/DUnknown\n", false, "Secondary/Unknown\n",
		  "Inconsistent/DUnknown\n", true, HAVZ_RES_INCONSISTENT, 3 },
		/* No DRBD on this host at all: every drbdadm fails; the answer is failed. */
		{ NULL, NULL, false, NULL, NULL, true, HAVZ_RES_FAILED, 1 },
		/* The resource is down but its meta-data can be outdated (8.4 allows that). */
		{ NULL, NULL, true, NULL, NULL, true, HAVZ_RES_OUTDATED, 4 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool ran;
		enum havz_wire_result got = sequence(&cases[i], &ran);

		if (got != cases[i].answer || ran != cases[i].runs_outdate)
			fail_msg("case %zu: answer %s (want %s), outdate %s", i,
				 havz_wire_result_name(got), havz_wire_result_name(cases[i].answer),
				 ran ? "ran" : "not run");
		assert_int_equal(havz_wire_fence_exit(got), cases[i].exit_code);
	}
}

static void test_container(void **state)
{
	struct havz_config cfg;

	(void)state;
	assert_int_equal(havz_config_parse("t.conf", BASE_CONF, &cfg, NULL, NULL), 0);
	assert_non_null(havz_fence_container(&cfg, "ct-web"));
	assert_string_equal(havz_fence_container(&cfg, "ct-web")->name, "web");
	assert_null(havz_fence_container(&cfg, "ct-nope"));
	assert_null(havz_fence_container(&cfg, "web"));
	assert_null(havz_fence_container(&cfg, "ct-"));
	assert_null(havz_fence_container(&cfg, "r0"));
	assert_null(havz_fence_container(&cfg, ""));
	assert_null(havz_fence_container(&cfg, NULL));
	assert_null(havz_fence_container(NULL, "ct-web"));
	havz_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_parse), cmocka_unit_test(test_disk_parse),
		cmocka_unit_test(test_answer),	   cmocka_unit_test(test_after_outdate),
		cmocka_unit_test(test_sequence),   cmocka_unit_test(test_container),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
