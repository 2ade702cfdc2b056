// SPDX-License-Identifier: GPL-2.0-only
/* Pure parts of ha-vz switchover: preflight, selection, report, clocks. */
#include "helpers.h"

#include <errno.h>

#include "havz/buf.h"
#include "havz/switchover.h"

static const char MODULES[] = "unix_diag 16384 0 - Live 0x0\n"
			      "inet_diag 28672 2 tcp_diag,udp_diag, Live 0x0\n"
			      "tcp_diag 16384 0 - Live 0x0\nudp_diag 16384 0 - Live 0x0\n"
			      "raw_diag 16384 0 - Live 0x0\nnetlink_diag 16384 0 - Live 0x0\n"
			      "af_packet_diag 16384 0 - Live 0x0\ntun 61440 0 - Live 0x0\n"
			      "nf_tables 294912 1 nft_compat, Live 0x0\n"
			      "nft_compat 20480 0 - Live 0x0\nxt_mark 16384 0 - Live 0x0\n"
			      "veth 36864 0 - Live 0x0\nbridge 311296 0 - Live 0x0\n"
			      "nf_conntrack_netlink 57344 0 - Live 0x0\n";

static const char GOOD_LXC[] = "lxc.uts.name = ct1\n"
			       "lxc.tty.max = 0\n"
			       "lxc.console.path = none\n"
			       "lxc.mount.entry = /usr/lib usr/lib none ro,bind 0 0\n";

static bool symlink_lib(const char *path, void *ctx)
{
	(void)ctx;
	return !strcmp(path, "/lib") || !strcmp(path, "/lib64");
}

static bool builtin_bridge(const char *m, void *ctx)
{
	(void)ctx;
	return !strcmp(m, "bridge");
}

static struct havz_preflight_in good_in(void)
{
	struct havz_preflight_in in = {
		.criu_found = true,
		.criu_check = 0,
		.mem_dirty_track = true,
		.uffd = true,
		.uffd_noncoop = true,
		.iptables = true,
		.proc_modules = MODULES,
		.lxc_config = GOOD_LXC,
		.is_symlink = symlink_lib,
		.precopy_rounds = 4,
	};
	return in;
}

static void test_preflight_good(void **state)
{
	struct havz_preflight_in in = good_in();
	struct havz_preflight p;

	(void)state;
	assert_int_equal(havz_preflight_eval(&in, &p), 0);
	assert_true(p.live);
	assert_true(p.predump);
	assert_true(p.lazy);
	assert_string_equal(p.notes, "");
}

static void test_preflight_degraded(void **state)
{
	struct havz_preflight_in in = good_in();
	struct havz_preflight p;

	(void)state;
	in.uffd_noncoop = false;
	havz_preflight_eval(&in, &p);
	assert_true(p.live && p.predump && !p.lazy);
	assert_non_null(strstr(p.notes, "full restore"));
	in.mem_dirty_track = false;
	havz_preflight_eval(&in, &p);
	assert_true(p.live && !p.predump && !p.lazy);
	assert_non_null(strstr(p.notes, "mem_dirty_track"));
	assert_non_null(strstr(p.notes, "; full restore"));
	in = good_in();
	in.precopy_rounds = 0;
	havz_preflight_eval(&in, &p);
	assert_true(p.live && !p.predump && p.lazy);
	assert_string_equal(p.notes, "no pre-dump (precopy_rounds = 0)");
}

static void test_preflight_refusals(void **state)
{
	struct havz_preflight_in in = good_in();
	struct havz_preflight p;

	(void)state;
	in.criu_found = false;
	havz_preflight_eval(&in, &p);
	assert_false(p.live);
	assert_string_equal(p.reason, "criu is not installed");

	in = good_in();
	in.criu_check = 1;
	in.criu_output = "\nError (criu/cr-check.c:1): Unexpected rt vDSO area bounds\nmore\n";
	havz_preflight_eval(&in, &p);
	assert_false(p.live);
	assert_string_equal(p.reason, "'criu check' failed (status 1): Error "
				      "(criu/cr-check.c:1): Unexpected rt vDSO area bounds");

	in = good_in();
	in.iptables = false;
	havz_preflight_eval(&in, &p);
	assert_false(p.live);
	assert_non_null(strstr(p.reason, "iptables"));

	in = good_in();
	in.proc_modules = "tun 1 0 - Live 0\nveth 1 0 - Live 0\n";
	havz_preflight_eval(&in, &p);
	assert_false(p.live);
	assert_non_null(strstr(p.reason, "unix_diag inet_diag"));
	assert_null(strstr(p.reason, " tun"));
	assert_null(strstr(p.reason, "veth"));

	in = good_in();
	in.lxc_config = NULL;
	havz_preflight_eval(&in, &p);
	assert_false(p.live);
	/* The peer's side judges the node alone: no container config there. */
	in.node_only = true;
	havz_preflight_eval(&in, &p);
	assert_true(p.live);
	in.lxc_config = "lxc.tty.max = 4\n";
	havz_preflight_eval(&in, &p);
	assert_true(p.live);
	in.iptables = false;
	havz_preflight_eval(&in, &p);
	assert_false(p.live);

	in = good_in();
	in.lxc_config = "lxc.tty.max = 4\nlxc.console.path = none\n";
	havz_preflight_eval(&in, &p);
	assert_false(p.live);
	assert_string_equal(p.reason,
			    "container settings: lxc.tty.max is 4, CRIU needs 0 (no getty)");
}

static void test_modules_missing(void **state)
{
	char out[200];

	(void)state;
	assert_int_equal(havz_modules_missing(MODULES, NULL, NULL, out, sizeof(out)), 0);
	assert_string_equal(out, "");
	/* A prefix of a loaded module's name is not that module. */
	assert_int_equal(havz_modules_missing("tunnel 1 0 - Live 0\n", builtin_bridge, NULL, out,
					      sizeof(out)),
			 13);
	assert_non_null(strstr(out, "tun "));
	assert_null(strstr(out, "bridge"));
	assert_int_equal(havz_modules_missing(NULL, NULL, NULL, out, 10), 14);
	assert_string_equal(out, "unix_diag");
}

static void test_lxc_config(void **state)
{
	char why[200];

	(void)state;
	assert_int_equal(
		havz_lxc_config_check(GOOD_LXC, false, symlink_lib, NULL, why, sizeof(why)), 0);
	assert_int_equal(havz_lxc_config_check("lxc.tty.max=0\nlxc.console.path=none\n", false,
					       NULL, NULL, why, sizeof(why)),
			 0);
	assert_int_equal(havz_lxc_config_check("lxc.console.path = none\n", false, NULL, NULL, why,
					       sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "lxc.tty.max is unset, CRIU needs 0 (no getty)");
	assert_int_equal(havz_lxc_config_check("lxc.tty.max = 0\nlxc.console.path = /dev/console\n",
					       false, NULL, NULL, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "lxc.console.path is /dev/console, CRIU needs none");
	/* AppArmor: the default generated profile does not restore. */
	assert_int_equal(havz_lxc_config_check(GOOD_LXC, true, NULL, NULL, why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "generated"));
	assert_int_equal(
		havz_lxc_config_check("lxc.tty.max = 0\nlxc.console.path = none\n"
				      "lxc.apparmor.profile = lxc-container-default-cgns\n",
				      true, NULL, NULL, why, sizeof(why)),
		0);
	assert_int_equal(
		havz_lxc_config_check("lxc.tty.max = 0\nlxc.console.path = none\n"
				      "lxc.apparmor.profile = lxc-container-default-cgns\n",
				      false, NULL, NULL, why, sizeof(why)),
		-EINVAL);
	assert_non_null(strstr(why, "no AppArmor"));
	assert_int_equal(havz_lxc_config_check("lxc.tty.max = 0\nlxc.console.path = none\n"
					       "lxc.apparmor.profile = unconfined\n",
					       false, NULL, NULL, why, sizeof(why)),
			 0);
	/* A symlinked bind-mount source; a non-bind entry with the same source is fine. */
	assert_int_equal(havz_lxc_config_check("lxc.tty.max = 0\nlxc.console.path = none\n"
					       "lxc.mount.entry = /lib lib none ro,bind 0 0\n",
					       false, symlink_lib, NULL, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "bind-mount source /lib is a symlink (CRIU cannot restore it)");
	assert_int_equal(havz_lxc_config_check("lxc.tty.max = 0\nlxc.console.path = none\n"
					       "lxc.mount.entry = /lib lib tmpfs rw 0 0\n"
					       "# lxc.mount.entry = /lib64 lib64 none bind 0 0\n",
					       false, symlink_lib, NULL, why, sizeof(why)),
			 0);
}

static void test_select(void **state)
{
	const char *one[] = { "web" }, *two[] = { "web", "db" };
	char why[256];

	(void)state;
	assert_int_equal(havz_switchover_select(NULL, one, 0, false, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "holds no container"));
	assert_int_equal(havz_switchover_select(NULL, one, 1, false, why, sizeof(why)), 0);
	assert_int_equal(havz_switchover_select(NULL, two, 2, false, why, sizeof(why)), 0);
	assert_int_equal(havz_switchover_select("web", one, 1, false, why, sizeof(why)), 0);
	assert_int_equal(havz_switchover_select("db", one, 1, false, why, sizeof(why)), -ENOENT);
	assert_string_equal(why, "container db does not run on this node");
	assert_int_equal(havz_switchover_select("db", two, 2, false, why, sizeof(why)), -EPERM);
	assert_non_null(strstr(why, "per-resource placement"));
	assert_non_null(strstr(why, "--all"));
	/* Pacemaker places each container alone: one among several moves, the rest stay. */
	assert_int_equal(havz_switchover_select("db", two, 2, true, why, sizeof(why)), 0);
	assert_int_equal(havz_switchover_select("www", two, 2, true, why, sizeof(why)), -ENOENT);
}

/* The lines `ha-vz switchover` writes when a report begins (the required keys). */
#define REPORT_HEAD                                                                                \
	"id=alpha-1700000000\nfrom=alpha\nto=beta\nlazy=1\npredump_rounds=2\npredump_max=4\n"      \
	"predump_ms=350\n"

static void test_report(void **state)
{
	struct havz_buf b = { 0 };
	struct havz_report r;
	char why[600] = "";

	(void)state;
	assert_int_equal(havz_report_add(&b, "id", "alpha-1700000000"), 0);
	assert_int_equal(havz_report_add(&b, "from", "alpha"), 0);
	assert_int_equal(havz_report_add(&b, "to", "beta"), 0);
	assert_int_equal(havz_report_add(&b, "lazy", "1"), 0);
	assert_int_equal(havz_report_add(&b, "predump_rounds", "2"), 0);
	assert_int_equal(havz_report_add(&b, "predump_max", "0"), 0);
	assert_int_equal(havz_report_add(&b, "predump_ms", "0"), 0);
	assert_int_equal(havz_report_add(&b, "dump_begin", "1700000000123"), 0);
	assert_int_equal(havz_report_add(&b, "dump_bytes", "12345678901"), 0);
	assert_int_equal(havz_report_add(&b, "stop_result", "cold: final dump failed: x=y"), 0);
	assert_int_equal(havz_report_add(&b, "start_node", "beta.lab"), 0);
	assert_int_equal(havz_report_add(&b, "restore_end", "1700000002000"), 0);
	assert_int_equal(havz_report_add(&b, "start_result", "restored in 12 ms"), 0);
	assert_int_equal(havz_report_add(&b, "start_result", "failed: the container did not start"),
			 0);
	assert_int_equal(havz_report_add(&b, "bad key", "v"), -EINVAL);
	assert_int_equal(havz_report_add(&b, "k", "two\nlines"), -EINVAL);
	assert_int_equal(havz_report_add(&b, "", "v"), -EINVAL);
	assert_int_equal(havz_report_parse(b.data, "r", &r, why, sizeof(why)), 0);
	assert_string_equal(r.id, "alpha-1700000000");
	assert_string_equal(r.from, "alpha");
	assert_string_equal(r.to, "beta");
	assert_true(r.lazy);
	assert_int_equal(r.predump_rounds, 2);
	assert_int_equal(r.predump_max, 0);
	assert_int_equal(r.dump_begin, 1700000000123LL);
	assert_int_equal(r.dump_bytes, 12345678901ULL);
	assert_string_equal(r.stop_result, "cold: final dump failed: x=y");
	assert_string_equal(r.start_node, "beta.lab");
	assert_int_equal(r.restore_end, 1700000002000LL);
	assert_int_equal(r.stop_end, 0); /* not yet */
	/* A result is revised by a later line: the start restored, then did not run. */
	assert_string_equal(r.start_result, "failed: the container did not start");
	havz_buf_free(&b);
}

/* The largest values of each type parse; a result of HAVZ_REPORT_TEXT_MAX characters fits. */
static void test_report_limits(void **state)
{
	struct havz_report r;
	char text[1024], result[HAVZ_REPORT_TEXT_MAX + 1], why[600] = "";

	(void)state;
	memset(result, 'x', HAVZ_REPORT_TEXT_MAX);
	result[HAVZ_REPORT_TEXT_MAX] = '\0';
	snprintf(text, sizeof(text),
		 "id=a\nfrom=a\nto=b\nlazy=0\npredump_rounds=64\npredump_max=64\n"
		 "predump_ms=86400000\nfreeze_ms=86400000\ndump_bytes=18446744073709551615\n"
		 "stop_begin=1\nstart_end=253402300799999\ncli_result=%s\n",
		 result);
	assert_int_equal(havz_report_parse(text, "r", &r, why, sizeof(why)), 0);
	assert_int_equal(r.predump_rounds, 64);
	assert_int_equal(r.predump_ms, 86400000);
	assert_int_equal(r.freeze_ms, 86400000u);
	assert_true(r.dump_bytes == UINT64_MAX);
	assert_int_equal(r.stop_begin, 1);
	assert_int_equal(r.start_end, 253402300799999LL);
	assert_string_equal(r.cli_result, result);
	assert_false(r.lazy);
}

/* Each bad report: the text and the exact error, "ORIGIN:LINE: KEY: message". */
struct bad_report {
	const char *text, *why;
};

static void test_report_errors(void **state)
{
	static char long_line[1024], long_text[512];
	const struct bad_report bad[] = {
		{ REPORT_HEAD "future_key=x\n", "rep:8: future_key: unknown key" },
		{ REPORT_HEAD "restore_end=1700000002000\nrestore_end=1700000002500\n",
		  "rep:9: restore_end: given twice" },
		{ REPORT_HEAD "id=beta-1700000001\n", "rep:8: id: given twice" },
		{ REPORT_HEAD "dump_bytes=12abc\n",
		  "rep:8: dump_bytes: '12abc' is not a whole number" },
		{ REPORT_HEAD "freeze_ms=-5\n", "rep:8: freeze_ms: '-5' is not a whole number" },
		{ REPORT_HEAD "freeze_ms=+5\n", "rep:8: freeze_ms: '+5' is not a whole number" },
		{ REPORT_HEAD "freeze_ms= 5\n", "rep:8: freeze_ms: ' 5' is not a whole number" },
		{ REPORT_HEAD "freeze_ms=86400001\n",
		  "rep:8: freeze_ms: 86400001 is out of range (0 to 86400000)" },
		{ REPORT_HEAD "dump_bytes=18446744073709551616\n",
		  "rep:8: dump_bytes: 18446744073709551616 is out of range (0 to "
		  "18446744073709551615)" },
		{ REPORT_HEAD "stop_begin=0\n",
		  "rep:8: stop_begin: 0 is out of range (1 to 253402300799999)" },
		{ REPORT_HEAD "stop_end=253402300800000\n",
		  "rep:8: stop_end: 253402300800000 is out of range (1 to 253402300799999)" },
		{ REPORT_HEAD "start_begin=1.5\n",
		  "rep:8: start_begin: '1.5' is not a whole number" },
		{ "id=a\nfrom=a\nto=b\nlazy=2\n", "rep:4: lazy: 2 is out of range (0 to 1)" },
		{ "id=a\nfrom=a\nto=b\nlazy=1\npredump_rounds=65\n",
		  "rep:5: predump_rounds: 65 is out of range (0 to 64)" },
		{ "id=a\nfrom=a\nto=b\nlazy=1\npredump_rounds=1\npredump_max=1\n",
		  "rep: predump_ms: missing (the report has 6 lines)" },
		{ "stop_begin=1700000000000\n", "rep: id: missing (the report has 1 lines)" },
		{ "", "rep: id: missing (the report has 0 lines)" },
		{ REPORT_HEAD "garbage\n", "rep:8: not key=value: 'garbage'" },
		{ REPORT_HEAD "\n", "rep:8: not key=value: ''" },
		{ REPORT_HEAD "=x\n", "rep:8: not key=value: '=x'" },
		{ REPORT_HEAD "stop_begin=1700000000000",
		  "rep:8: incomplete line (no newline at its end)" },
		{ long_line, "rep:8: line longer than 511 characters" },
		{ long_text, "rep:8: stop_result: longer than 199 characters" },
		{ REPORT_HEAD "start_node=be ta\n",
		  "rep:8: start_node: 'be ta' is not a name (letters, digits, '-', '_', '.')" },
		{ "id=a\nfrom=a\nto=\n", "rep:3: to: empty value" },
		{ REPORT_HEAD "stop_result=\n", "rep:8: stop_result: empty value" },
	};
	struct havz_report r;
	char why[600];

	(void)state;
	snprintf(long_line, sizeof(long_line), REPORT_HEAD "stop_result=%0600d\n", 0);
	snprintf(long_text, sizeof(long_text), REPORT_HEAD "stop_result=%0200d\n", 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		if (havz_report_parse(bad[i].text, "rep", &r, why, sizeof(why)) != -EINVAL)
			fail_msg("accepted: %s", bad[i].text);
		if (strcmp(why, bad[i].why))
			fail_msg("report %zu: got '%s', expected '%s'", i, why, bad[i].why);
	}
	assert_int_equal(havz_report_parse(NULL, "rep", &r, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "rep: no report");
}

static void test_clock(void **state)
{
	struct havz_clock_sample s[] = {
		{ 1000, 6100, 1200 }, /* rtt 200 */
		{ 2000, 7010, 2020 }, /* rtt 20: best, offset 7010 - 2010 = 5000 */
		{ 3000, 8000, 2990 }, /* negative: ignored */
	};
	struct havz_report r = { 0 };
	int64_t off = 0, err = 0, f = 0;

	(void)state;
	assert_int_equal(havz_clock_offset(s, 3, &off, &err), 0);
	assert_int_equal(off, 5000);
	assert_int_equal(err, 10);
	assert_int_equal(havz_clock_offset(s + 2, 1, &off, &err), -EINVAL);
	assert_int_equal(havz_clock_offset(s, 0, &off, &err), -EINVAL);

	assert_int_equal(havz_freeze_ms(&r, 0, &f), -ENODATA);
	r.dump_begin = 1000000;
	r.restore_end = 1006500; /* peer clock, 5 s ahead */
	assert_int_equal(havz_freeze_ms(&r, 5000, &f), 0);
	assert_int_equal(f, 1500);

	assert_int_equal(havz_outage_ms(&r, 5000, &f), -ENODATA);
	r.stop_begin = 990000;
	assert_int_equal(havz_outage_ms(&r, 5000, &f), -ENODATA);
	r.start_end = 1009000; /* peer clock */
	assert_int_equal(havz_outage_ms(&r, 5000, &f), 0);
	assert_int_equal(f, 14000);
}

static void test_freeze_parts(void **state)
{
	struct havz_report r = { 0 };
	struct havz_freeze_parts fp;
	int64_t f = 0;

	(void)state;
	r.dump_begin = 1000000;
	assert_int_equal(havz_freeze_parts(&r, 5000, &fp), -ENODATA);
	r.dump_end = 1001000;	   /* old node: the dump took 1000 ms */
	r.stop_end = 1001200;	   /* 200 ms more in the stop */
	r.start_begin = 1008700;   /* peer clock, 5 s ahead: 2500 ms of handover */
	r.restore_begin = 1009000; /* 300 ms of start */
	assert_int_equal(havz_freeze_parts(&r, 5000, &fp), -ENODATA);
	r.restore_end = 1009500;
	assert_int_equal(havz_freeze_parts(&r, 5000, &fp), 0);
	assert_int_equal(fp.dump, 1000);
	assert_int_equal(fp.stop_rest, 200);
	assert_int_equal(fp.handover, 2500);
	assert_int_equal(fp.start, 300);
	assert_int_equal(fp.restore, 500);
	assert_int_equal(havz_freeze_ms(&r, 5000, &f), 0);
	assert_int_equal(fp.dump + fp.stop_rest + fp.handover + fp.start + fp.restore, f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preflight_good),
		cmocka_unit_test(test_preflight_degraded),
		cmocka_unit_test(test_preflight_refusals),
		cmocka_unit_test(test_modules_missing),
		cmocka_unit_test(test_lxc_config),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_limits),
		cmocka_unit_test(test_report_errors),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_freeze_parts),
	};

	return cmocka_run_group_tests_name("switchover", tests, NULL, NULL);
}
