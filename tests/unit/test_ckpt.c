// SPDX-License-Identifier: GPL-2.0-only
/* Pure decisions of the checkpoint engine: CRIU stats, pre-copy, fallback, cleanup, argv. */
#include "helpers.h"

#include <errno.h>

#include "havz/buf.h"
#include "havz/ckpt.h"

/* A stats-dump written by CRIU's own image tools (pycriu images.dump). */
static const unsigned char STATS_DUMP[] = {
	0x40, 0x59, 0x10, 0x55, 0x06, 0x33, 0x09, 0x57, 0x24, 0x00, 0x00, 0x00,
	0x0a, 0x22, 0x08, 0xd2, 0x09, 0x10, 0xd8, 0x9b, 0x09, 0x18, 0xb0, 0xea,
	0x01, 0x20, 0xa0, 0x9c, 0x01, 0x28, 0xe8, 0x81, 0x02, 0x30, 0x94, 0xeb,
	0x01, 0x38, 0xd4, 0x16, 0x40, 0x07, 0x48, 0x00, 0x50, 0x03, 0x58, 0x04,
};

static void test_stats_parse(void **state)
{
	struct havz_criu_stats st;

	(void)state;
	assert_int_equal(havz_criu_stats_parse(STATS_DUMP, sizeof(STATS_DUMP), &st), 0);
	assert_true(st.have_dump);
	assert_int_equal(st.freezing_time, 1234);
	assert_int_equal(st.frozen_time, 151000);
	assert_int_equal(st.memdump_time, 30000);
	assert_int_equal(st.memwrite_time, 20000);
	assert_int_equal(st.pages_scanned, 33000);
	assert_int_equal(st.pages_skipped_parent, 30100);
	assert_int_equal(st.pages_written, 2900);
	assert_int_equal(st.pages_lazy, 0);
}

static void test_stats_rejects(void **state)
{
	unsigned char b[sizeof(STATS_DUMP)];
	struct havz_criu_stats st;

	(void)state;
	memcpy(b, STATS_DUMP, sizeof(b));
	assert_int_equal(havz_criu_stats_parse(b, 8, &st), -EINVAL);
	b[4] ^= 1; /* another image's magic */
	assert_int_equal(havz_criu_stats_parse(b, sizeof(b), &st), -EINVAL);
	memcpy(b, STATS_DUMP, sizeof(b));
	b[8] = 0x40; /* size beyond the file */
	assert_int_equal(havz_criu_stats_parse(b, sizeof(b), &st), -EINVAL);
	memcpy(b, STATS_DUMP, sizeof(b));
	assert_int_equal(havz_criu_stats_parse(b, sizeof(b) - 1, &st), -EINVAL); /* truncated */
	memcpy(b, STATS_DUMP, sizeof(b));
	b[13] = 0x7f; /* the embedded message longer than the entry */
	assert_int_equal(havz_criu_stats_parse(b, sizeof(b), &st), -EINVAL);
}

static void test_stats_restore_only(void **state)
{
	/* stats-restore: field 2, which this parser skips. */
	static const unsigned char b[] = { 0x40, 0x59, 0x10, 0x55, 0x06, 0x33, 0x09, 0x57,
					   0x04, 0x00, 0x00, 0x00, 0x12, 0x02, 0x08, 0x05 };
	struct havz_criu_stats st;

	(void)state;
	assert_int_equal(havz_criu_stats_parse(b, sizeof(b), &st), 0);
	assert_false(st.have_dump);
}

static void test_precopy_rounds(void **state)
{
	uint64_t shrinking[] = { 32900, 3000, 1200, 600 };
	uint64_t growing[] = { 32900, 30000, 31000 };
	uint64_t small[] = { 32900, 200 };
	uint64_t flat[] = { 32900, 8000, 7500 };

	(void)state;
	assert_false(havz_precopy_continue(shrinking, 0, 0)); /* pre-copy off */
	assert_true(havz_precopy_continue(shrinking, 0, 4));
	assert_true(havz_precopy_continue(shrinking, 1, 4));
	assert_true(havz_precopy_continue(shrinking, 2, 4));
	assert_true(havz_precopy_continue(shrinking, 3, 4));
	assert_false(havz_precopy_continue(shrinking, 4, 4)); /* max reached */
	assert_false(havz_precopy_continue(shrinking, 2, 2));
	/* A high dirty rate: the second round is almost as big, stop. */
	assert_false(havz_precopy_continue(growing, 2, 8));
	assert_false(havz_precopy_continue(growing, 3, 8));
	/* Little left to copy: another round only adds a freeze. */
	assert_false(havz_precopy_continue(small, 2, 8));
	/* Shrank by less than an eighth: stop. */
	assert_false(havz_precopy_continue(flat, 3, 8));
}

static void test_dump_fallback(void **state)
{
	(void)state;
	assert_int_equal(havz_dump_fallback(0, false, false, false), HAVZ_DUMP_DONE);
	assert_int_equal(havz_dump_fallback(-EIO, false, false, false), HAVZ_DUMP_STOPPED);
	assert_int_equal(havz_dump_fallback(-EIO, true, false, false), HAVZ_DUMP_LEAVE_RUNNING);
	assert_int_equal(havz_dump_fallback(-ETIMEDOUT, true, true, false), HAVZ_DUMP_THAW);
	assert_int_equal(havz_dump_fallback(-ETIMEDOUT, true, true, true), HAVZ_DUMP_KILL);
	/* "Success" that left it running: the images are not used, it is stopped cleanly. */
	assert_int_equal(havz_dump_fallback(0, true, false, false), HAVZ_DUMP_LEAVE_RUNNING);
	assert_int_equal(havz_dump_fallback(0, true, true, false), HAVZ_DUMP_THAW);
}

#define CMD(s) s, sizeof(s)

static void test_restore_leftovers(void **state)
{
	const char *dir = "/srv/ha-vz/web/.ha-vz/checkpoint";

	(void)state;
	assert_true(havz_proc_is_restore_leftover(CMD("/usr/sbin/criu\0restore\0-D\0/srv/ha-vz/web/"
						      ".ha-vz/checkpoint\0-o\0restore.log"),
						  "web", "/srv/ha-vz/web", dir));
	assert_true(havz_proc_is_restore_leftover(
		CMD("criu\0lazy-pages\0-D\0/srv/ha-vz/web/.ha-vz/checkpoint"), "web",
		"/srv/ha-vz/web", dir));
	assert_true(havz_proc_is_restore_leftover(CMD("lxc-checkpoint\0-r\0-n\0web\0-P\0/srv/ha-vz/"
						      "web\0-D\0/srv/ha-vz/web/.ha-vz/checkpoint"),
						  "web", "/srv/ha-vz/web", dir));
	assert_true(havz_proc_is_restore_leftover(CMD("[lxc monitor] /srv/ha-vz/web web"), "web",
						  "/srv/ha-vz/web", dir));
	/* Not ours: another container, another directory, another program. */
	assert_false(havz_proc_is_restore_leftover(CMD("[lxc monitor] /srv/ha-vz/db db"), "web",
						   "/srv/ha-vz/web", dir));
	assert_false(havz_proc_is_restore_leftover(
		CMD("criu\0restore\0-D\0/srv/ha-vz/web/.ha-vz/checkpoint2"), "web",
		"/srv/ha-vz/web", dir));
	assert_false(
		havz_proc_is_restore_leftover(CMD("vim\0/srv/ha-vz/web/.ha-vz/checkpoint/MANIFEST"),
					      "web", "/srv/ha-vz/web", dir));
	assert_false(havz_proc_is_restore_leftover("", 0, "web", "/srv/ha-vz/web", dir));
	assert_false(havz_proc_is_restore_leftover("criu", 4, "web", "/srv/ha-vz/web", dir));
}

static void test_cgroup_names(void **state)
{
	(void)state;
	assert_true(havz_cgroup_is_containers("lxc.payload.web", "web"));
	assert_true(havz_cgroup_is_containers("lxc.payload.web-1", "web"));
	assert_true(havz_cgroup_is_containers("lxc.payload.web-12", "web"));
	assert_true(havz_cgroup_is_containers("lxc.monitor.web", "web"));
	assert_true(havz_cgroup_is_containers("lxc.monitor.web-3", "web"));
	assert_false(havz_cgroup_is_containers("lxc.payload.webx", "web"));
	assert_false(havz_cgroup_is_containers("lxc.payload.web-", "web"));
	assert_false(havz_cgroup_is_containers("lxc.payload.web-1a", "web"));
	assert_false(havz_cgroup_is_containers("lxc.payload.we", "web"));
	assert_false(havz_cgroup_is_containers("lxc.pivot", "web"));
	assert_false(havz_cgroup_is_containers("system.slice", "web"));
}

static void test_criu_config(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_criu_config(false, true, &b), 0);
	assert_string_equal(b.data,
			    "network-lock iptables\n"); /* never mntns-compat-mode on dump */
	havz_buf_free(&b);
	assert_int_equal(havz_criu_config(true, false, &b), 0);
	assert_string_equal(b.data, "mntns-compat-mode\n");
	havz_buf_free(&b);
	assert_int_equal(havz_criu_config(true, true, &b), 0);
	assert_string_equal(b.data, "mntns-compat-mode\nlazy-pages\n");
	havz_buf_free(&b);
}

static void assert_argv(const struct havz_argv *a, const char *want)
{
	char line[1024] = "";

	for (size_t i = 0; i < a->n; i++) {
		strcat(line, i ? " " : "");
		strcat(line, a->v[i]);
	}
	assert_null(a->v[a->n]);
	assert_string_equal(line, want);
}

static void test_argv(void **state)
{
	struct havz_argv a;

	(void)state;
	havz_argv_lxc_dump(&a, "web", "/srv/ha-vz/web", "/srv/ha-vz/web/.ha-vz/checkpoint/pre/1",
			   true, NULL);
	assert_argv(&a, "lxc-checkpoint -n web -P /srv/ha-vz/web -D "
			"/srv/ha-vz/web/.ha-vz/checkpoint/pre/1 -p -v");
	havz_argv_lxc_dump(&a, "web", "/srv/ha-vz/web", "/c/pre/2", true, "../1");
	assert_argv(&a,
		    "lxc-checkpoint -n web -P /srv/ha-vz/web -D /c/pre/2 -p --predump-dir ../1 -v");
	havz_argv_lxc_dump(&a, "web", "/srv/ha-vz/web", "/c", false, "pre/2");
	assert_argv(&a, "lxc-checkpoint -n web -P /srv/ha-vz/web -D /c -s --predump-dir pre/2 -v");
	havz_argv_lxc_restore(&a, "web", "/srv/ha-vz/web", "/c");
	assert_argv(&a, "lxc-checkpoint -r -n web -P /srv/ha-vz/web -D /c -d -v");
	const char *maps[] = { "/lib:lib", "/usr/lib:usr/lib" };
	struct havz_criu_dump_args d = {
		.dir = "/c",
		.log = "dump.log",
		.pid = "1064",
		.cgroup_root = "cpu,memory:lxc.payload.web",
		.freezer = "/sys/fs/cgroup/lxc.payload.web",
		.mounts = maps,
		.n_mounts = 2,
	};
	havz_argv_criu_dump(&a, &d);
	assert_argv(&a, "criu dump --tcp-established --file-locks --link-remap "
			"--manage-cgroups=full --ext-mount-map auto --enable-external-sharing "
			"--enable-external-masters --enable-fs hugetlbfs --enable-fs tracefs -D /c "
			"-o dump.log --cgroup-root cpu,memory:lxc.payload.web -v4 --ext-mount-map "
			"/lib:lib --ext-mount-map /usr/lib:usr/lib -t 1064 --skip-in-flight "
			"--freeze-cgroup /sys/fs/cgroup/lxc.payload.web --force-irmap");
	d.predump = true;
	d.prev = "../1";
	d.n_mounts = 0;
	havz_argv_criu_dump(&a, &d);
	assert_argv(&a, "criu pre-dump --tcp-established --file-locks --link-remap "
			"--manage-cgroups=full --ext-mount-map auto --enable-external-sharing "
			"--enable-external-masters --enable-fs hugetlbfs --enable-fs tracefs -D /c "
			"-o dump.log --cgroup-root cpu,memory:lxc.payload.web -v4 -t 1064 "
			"--skip-in-flight --freeze-cgroup /sys/fs/cgroup/lxc.payload.web "
			"--prev-images-dir ../1 --track-mem --force-irmap");
	d.predump = false; /* the final dump on top of the last pre-dump */
	d.prev = "pre/2";
	havz_argv_criu_dump(&a, &d);
	assert_argv(&a, "criu dump --tcp-established --file-locks --link-remap "
			"--manage-cgroups=full --ext-mount-map auto --enable-external-sharing "
			"--enable-external-masters --enable-fs hugetlbfs --enable-fs tracefs -D /c "
			"-o dump.log --cgroup-root cpu,memory:lxc.payload.web -v4 -t 1064 "
			"--skip-in-flight --freeze-cgroup /sys/fs/cgroup/lxc.payload.web "
			"--prev-images-dir pre/2 --track-mem --force-irmap");
	havz_argv_lazy_pages(&a, "/c", "/c/lazy-pages.pid");
	assert_argv(&a, "criu lazy-pages -D /c --daemon --pidfile /c/lazy-pages.pid -o "
			"lazy-pages.log -v4");
}

static void test_log_reason(void **state)
{
	char out[128];

	(void)state;
	havz_log_reason("(00.001) Dumping\n(00.200) Error (criu/cr-dump.c:2093): Dumping FAILED.\n"
			"(00.201) Unlock network\n",
			out, sizeof(out));
	assert_string_equal(out, "Error (criu/cr-dump.c:2093): Dumping FAILED.");
	havz_log_reason("lxc-checkpoint: Failed getting freezer path\n\n", out, sizeof(out));
	assert_string_equal(out, "lxc-checkpoint: Failed getting freezer path");
	havz_log_reason("", out, sizeof(out));
	assert_string_equal(out, "");
	havz_log_reason("(0.1) Error: a very long line indeed", out, 12);
	assert_string_equal(out, "Error: a ve");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_parse),
		cmocka_unit_test(test_stats_rejects),
		cmocka_unit_test(test_stats_restore_only),
		cmocka_unit_test(test_precopy_rounds),
		cmocka_unit_test(test_dump_fallback),
		cmocka_unit_test(test_restore_leftovers),
		cmocka_unit_test(test_cgroup_names),
		cmocka_unit_test(test_criu_config),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_log_reason),
	};

	return cmocka_run_group_tests_name("ckpt", tests, NULL, NULL);
}
