// SPDX-License-Identifier: GPL-2.0-only
/* A container's backing device: check an existing one's size, plan lvcreate for an absent LV. */
#include "helpers.h"

#include <errno.h>

#include "havz/disk.h"

static const struct havz_disk_where WHERE = { "ha-vz.conf:44", "ha-vz.conf:45" };
#define MIB (1ULL << 20)

static void test_existing_device(void **state)
{
	struct havz_disk_seen seen = { .exists = true, .block = true, .bytes = 128 * MIB };
	struct havz_disk_plan plan;
	char why[300] = "";

	(void)state;
	/* Exactly the size (the lab's /dev/vdb), or larger: nothing to do. */
	assert_int_equal(
		havz_disk_plan("/dev/vdb", 128 * MIB, &WHERE, &seen, &plan, why, sizeof(why)), 0);
	assert_false(plan.create);
	assert_int_equal(
		havz_disk_plan("/dev/havz/ct1", 64 * MIB, &WHERE, &seen, &plan, why, sizeof(why)),
		0);
	assert_false(plan.create);
	/* Smaller, an LV or not: an error naming size, where it was set, both sizes. */
	assert_int_equal(
		havz_disk_plan("/dev/vdb", 128 * MIB + 512, &WHERE, &seen, &plan, why, sizeof(why)),
		-ENOSPC);
	assert_string_equal(why, "ha-vz.conf:45: size = 134218240 bytes: disk /dev/vdb holds "
				 "only 128 MiB (134217728 bytes, 134218240 needed)");
	assert_int_equal(
		havz_disk_plan("/dev/havz/ct1", 1ULL << 30, &WHERE, &seen, &plan, why, sizeof(why)),
		-ENOSPC);
	assert_string_equal(why, "ha-vz.conf:45: size = 1 GiB: disk /dev/havz/ct1 holds only 128 "
				 "MiB (134217728 bytes, 1073741824 needed)");
	assert_false(plan.create);
}

static void test_not_block(void **state)
{
	struct havz_disk_seen seen = { .exists = true, .block = false };
	struct havz_disk_plan plan;
	char why[300] = "";

	(void)state;
	assert_int_equal(
		havz_disk_plan("/srv/disk.img", MIB, &WHERE, &seen, &plan, why, sizeof(why)),
		-ENOTBLK);
	assert_string_equal(why, "ha-vz.conf:44: disk = /srv/disk.img: not a block device");
}

static void test_create_lv(void **state)
{
	struct havz_disk_seen seen = { .exists = false };
	struct havz_disk_plan plan;
	char why[300] = "";
	const char *want[] = { "lvcreate", "--yes", "-L", "134217728b", "-n", "ct1", "havz" };

	(void)state;
	assert_int_equal(
		havz_disk_plan("/dev/havz/ct1", 128 * MIB, &WHERE, &seen, &plan, why, sizeof(why)),
		0);
	assert_true(plan.create);
	assert_string_equal(plan.vg, "havz");
	assert_string_equal(plan.lv, "ct1");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(plan.argv[i], want[i]);
	assert_null(plan.argv[sizeof(want) / sizeof(want[0])]);
	/* A size that is no whole MiB goes as bytes too (LVM rounds up to its extents). */
	assert_int_equal(havz_disk_plan("/dev/vg0+x/web.data_1", 64 * MIB + 1, &WHERE, &seen, &plan,
					why, sizeof(why)),
			 0);
	assert_string_equal(plan.argv[3], "67108865b");
	assert_string_equal(plan.argv[5], "web.data_1");
	assert_string_equal(plan.argv[6], "vg0+x");
}

static void test_absent_not_lv(void **state)
{
	static const char *const bad[] = {
		"/dev/vdb",	   "/dev/mapper/havz-ct1", "/dev/disk/by-id/x", "/dev/md/r0",
		"/dev/havz/ct1/x", "/dev/-vg/lv",	   "/dev/vg/-lv",	"/dev/vg/l v",
		"/dev/./lv",	   "/dev/vg/..",	   "/dev//lv",		"/dev/vg/",
		"/srv/havz/ct1",   "dev/havz/ct1",
	};
	struct havz_disk_seen seen = { .exists = false };
	struct havz_disk_plan plan;
	char why[300], expect[300];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (havz_disk_plan(bad[i], MIB, &WHERE, &seen, &plan, why, sizeof(why)) != -ENOENT)
			fail_msg("%s: planned an lvcreate", bad[i]);
		snprintf(expect, sizeof(expect),
			 "ha-vz.conf:44: disk = %s: does not exist, and it is not /dev/VG/LV (a "
			 "logical volume ha-vz could create)",
			 bad[i]);
		assert_string_equal(why, expect);
		assert_false(plan.create);
	}
}

static void test_lv_split(void **state)
{
	char vg[HAVZ_LVM_NAME_MAX + 1], lv[HAVZ_LVM_NAME_MAX + 1], path[400];

	(void)state;
	assert_int_equal(havz_disk_lv_split("/dev/havz/ct1", vg, sizeof(vg), lv, sizeof(lv)), 0);
	assert_string_equal(vg, "havz");
	assert_string_equal(lv, "ct1");
	/* 127 characters is LVM's limit. */
	snprintf(path, sizeof(path), "/dev/vg/%0127d", 0);
	assert_int_equal(havz_disk_lv_split(path, vg, sizeof(vg), lv, sizeof(lv)), 0);
	snprintf(path, sizeof(path), "/dev/vg/%0128d", 0);
	assert_int_equal(havz_disk_lv_split(path, vg, sizeof(vg), lv, sizeof(lv)), -EINVAL);
	/* Buffers too small for the names. */
	assert_int_equal(havz_disk_lv_split("/dev/havz/ct1", vg, 4, lv, sizeof(lv)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_existing_device), cmocka_unit_test(test_not_block),
		cmocka_unit_test(test_create_lv),	cmocka_unit_test(test_absent_not_lv),
		cmocka_unit_test(test_lv_split),
	};

	return cmocka_run_group_tests_name("disk", tests, NULL, NULL);
}
