// SPDX-License-Identifier: GPL-2.0-only
/* ha-vzd's metrics: /proc/drbd, the switchover summaries, the histogram, the exposition text. */
#include "helpers.h"

#include <errno.h>
#include <string.h>

#include "havz/metrics.h"

static const char proc_drbd[] =
	"version: 8.4.11 (api:1/proto:86-101)\n"
	"srcversion: 2A1E9E7E3D5E2E0E0C8B9E1\n"
	" 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
	"    ns:1048 nr:0 dw:1048 dr:2201 al:3 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
	" 1: cs:StandAlone ro:Secondary/Unknown ds:UpToDate/DUnknown   r-----\n"
	"    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:2048\n"
	" 2: cs:Unconfigured\n"
	" 3: cs:SyncSource ro:Primary/Secondary ds:UpToDate/Inconsistent C r-----\n"
	"    ns:64 nr:0 dw:0 dr:64 al:0 bm:0 lo:0 pe:1 ua:0 ap:0 ep:1 wo:f oos:1000\n"
	"\t[=>..................] sync'ed: 10.0% (1000/1064)K\n"
	"\tfinish: 0:00:01 speed: 64 (64) K/sec\n";

static void test_proc_drbd(void **state)
{
	struct havz_drbd_dev d[8];
	size_t n;

	(void)state;
	assert_int_equal(havz_proc_drbd_parse(proc_drbd, d, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(d[0].minor, 0);
	assert_string_equal(d[0].cstate, "connected");
	assert_string_equal(d[0].role, "primary");
	assert_string_equal(d[0].peer_role, "secondary");
	assert_string_equal(d[0].disk, "uptodate");
	assert_string_equal(d[0].peer_disk, "uptodate");
	assert_int_equal(d[0].oos_kib, 0);
	assert_string_equal(d[1].cstate, "standalone");
	assert_string_equal(d[1].peer_role, "unknown");
	assert_string_equal(d[1].peer_disk, "dunknown");
	assert_int_equal(d[1].oos_kib, 2048);
	assert_int_equal(d[2].minor, 2);
	assert_string_equal(d[2].cstate, "unconfigured");
	assert_string_equal(d[2].role, "");
	assert_int_equal(d[3].minor, 3);
	assert_string_equal(d[3].peer_disk, "inconsistent");
	assert_int_equal(d[3].oos_kib, 1000);
	/* No DRBD devices: nothing. */
	assert_int_equal(havz_proc_drbd_parse("version: 8.4.11 (api:1/proto:86-101)\n", d, 8, &n),
			 0);
	assert_int_equal(n, 0);
}

static void test_proc_drbd_strict(void **state)
{
	struct havz_drbd_dev d[2];
	size_t n;

	(void)state;
	assert_int_equal(
		havz_proc_drbd_parse(" 0: ro:Primary/Secondary ds:UpToDate/UpToDate\n", d, 2, &n),
		-EINVAL);
	assert_int_equal(havz_proc_drbd_parse(" 0: cs:Connected ds:UpToDate/UpToDate\n", d, 2, &n),
			 -EINVAL);
	assert_int_equal(
		havz_proc_drbd_parse(" 0: cs:Connected ro:Primary ds:UpToDate/x\n", d, 2, &n),
		-EINVAL);
	assert_int_equal(havz_proc_drbd_parse(" 0 cs:Connected\n", d, 2, &n), -EINVAL);
	assert_int_equal(havz_proc_drbd_parse(" 0: cs:Unconfigured\n    oos:12x\n", d, 2, &n),
			 -EINVAL);
	assert_int_equal(havz_proc_drbd_parse(" 0: cs:Unconfigured\n 1: cs:Unconfigured\n"
					      " 2: cs:Unconfigured\n",
					      d, 2, &n),
			 -E2BIG);
}

static void test_histogram(void **state)
{
	struct havz_histogram h = { 0 };

	(void)state;
	havz_histogram_observe(&h, 0.05); /* on a bound: that bucket (le is inclusive) */
	havz_histogram_observe(&h, 0.3);
	havz_histogram_observe(&h, 61); /* past the last bound: +Inf only */
	havz_histogram_observe(&h, -1); /* not an observation */
	assert_int_equal(h.count, 3);
	assert_int_equal(h.in_bucket[0], 1);
	assert_int_equal(h.in_bucket[3], 1);
	for (size_t i = 0; i < HAVZ_FREEZE_BUCKETS; i++)
		if (i != 0 && i != 3)
			assert_int_equal(h.in_bucket[i], 0);
	assert_true(h.sum > 61.349 && h.sum < 61.351);
	for (size_t i = 1; i < HAVZ_FREEZE_BUCKETS; i++)
		assert_true(havz_freeze_le[i - 1] < havz_freeze_le[i]);
}

static void test_sw_summary(void **state)
{
	struct havz_sw_summary s;

	(void)state;
	assert_int_equal(havz_sw_summary_parse("web 2026-12-01T19:00:00 alpha->beta freeze_ms=1234 "
					       "bytes=99 live",
					       &s),
			 0);
	assert_string_equal(s.name, "web");
	assert_string_equal(s.stamp, "2026-12-01T19:00:00");
	assert_int_equal(s.freeze_ms, 1234);
	assert_true(s.live);
	assert_int_equal(havz_sw_summary_parse("web 2026-12-01T19:00:00 alpha->beta freeze_ms=80 "
					       "bytes=99 live-lazy",
					       &s),
			 0);
	assert_true(s.live);
	assert_int_equal(havz_sw_summary_parse("db 2026-12-01T19:00:00 a->b freeze_ms=-1 bytes=0 "
					       "cold",
					       &s),
			 0);
	assert_int_equal(s.freeze_ms, -1);
	assert_false(s.live); /* a cold move's freeze_ms is its outage: not a freeze */
	assert_int_equal(havz_sw_summary_parse("web 2026 a->b freeze_ms=1 bytes=1", &s), -EINVAL);
	assert_int_equal(havz_sw_summary_parse("web 2026 alpha-beta freeze_ms=1 bytes=1 live", &s),
			 -EINVAL);
	assert_int_equal(havz_sw_summary_parse("web 2026 a->b frozen=1 bytes=1 live", &s), -EINVAL);
	assert_int_equal(havz_sw_summary_parse("web 2026 a->b freeze_ms=1x bytes=1 live", &s),
			 -EINVAL);
	assert_int_equal(havz_sw_summary_parse("web 2026 a->b freeze_ms=-2 bytes=1 live", &s),
			 -EINVAL);
	assert_int_equal(havz_sw_summary_parse("web 2026 a->b freeze_ms=2 size=1 live", &s),
			 -EINVAL);
	assert_int_equal(havz_sw_summary_parse("web", &s), -EINVAL);
}

static void test_render(void **state)
{
	struct havz_drbd_dev d[8];
	struct havz_metrics_ct cts[] = {
		{ .name = "web", .state = "running", .up = true, .minor = 0, .restarts = 2 },
		{ .name = "db", .state = "absent", .up = false, .minor = 1 },
	};
	struct havz_metrics_count fences[] = { { "outdated", 3 }, { "primary", 1 } };
	struct havz_histogram h = { 0 };
	struct havz_metrics m = { .node = "alpha",
				  .version = "0.1.0",
				  .peer_up = true,
				  .config = HAVZ_CFG_SAME,
				  .cts = cts,
				  .n_cts = 2,
				  .drbd_loaded = true,
				  .drbd = d,
				  .failovers = 1,
				  .fences = fences,
				  .n_fences = 2,
				  .freeze = &h,
				  .alerts_failed = 4 };
	struct havz_buf b = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(havz_proc_drbd_parse(proc_drbd, d, 8, &n), 0);
	m.n_drbd = n;
	havz_histogram_observe(&h, 0.3);
	havz_histogram_observe(&h, 1.5);
	assert_int_equal(havz_metrics_render(&m, &b), 0);
#define HAS(s) assert_non_null(strstr(b.data, s))
	HAS("# HELP havz_node_info ");
	HAS("\nhavz_node_info{node=\"alpha\",version=\"0.1.0\"} 1\n");
	HAS("\nhavz_peer_up 1\n");
	HAS("\n# TYPE havz_config_in_sync gauge\n");
	HAS("\nhavz_config_in_sync 1\n");
	HAS("\nhavz_drbd_loaded 1\n");
	HAS("\n# TYPE havz_drbd_resources gauge\n");
	HAS("\nhavz_drbd_resources{resource=\"ct-web\",volume=\"0\",role=\"primary\","
	    "disk_state=\"uptodate\"} 1\n");
	HAS("\nhavz_drbd_resources{resource=\"ct-db\",volume=\"0\",role=\"secondary\","
	    "disk_state=\"uptodate\"} 1\n");
	HAS("\nhavz_drbd_connections{resource=\"ct-db\",volume=\"0\",connection_state="
	    "\"standalone\",peer_role=\"unknown\",peer_disk_state=\"dunknown\"} 1\n");
	HAS("\nhavz_drbd_out_of_sync_bytes{resource=\"ct-db\",volume=\"0\"} 2097152\n");
	/* Minors of no configured container (3) and unconfigured ones (2) are not shown. */
	assert_null(strstr(b.data, "inconsistent"));
	assert_null(strstr(b.data, "unconfigured"));
	HAS("\nhavz_container_up{container=\"web\"} 1\n");
	HAS("\nhavz_container_up{container=\"db\"} 0\n");
	HAS("\nhavz_container_state{container=\"db\",state=\"absent\"} 1\n");
	HAS("\n# TYPE havz_container_restarts_total counter\n");
	HAS("\nhavz_container_restarts_total{container=\"web\"} 2\n");
	HAS("\nhavz_failovers_total 1\n");
	HAS("\nhavz_fences_total{answer=\"outdated\"} 3\n");
	HAS("\nhavz_fences_total{answer=\"primary\"} 1\n");
	HAS("\n# TYPE havz_switchover_freeze_seconds histogram\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"0.25\"} 0\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"0.5\"} 1\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"1\"} 1\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"2\"} 2\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"60\"} 2\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"+Inf\"} 2\n");
	HAS("\nhavz_switchover_freeze_seconds_sum 1.800\n");
	HAS("\nhavz_switchover_freeze_seconds_count 2\n");
	HAS("\nhavz_drill_rto_seconds 0\n");
	HAS("\nhavz_balance_moves_total 0\n");
	HAS("\nhavz_alerts_failed_total 4\n");
	assert_int_equal(b.data[b.len - 1], '\n');
	havz_buf_free(&b);
	/* Differing: 0. */
	m.config = HAVZ_CFG_DIFFERS;
	assert_int_equal(havz_metrics_render(&m, &b), 0);
	HAS("\nhavz_config_in_sync 0\n");
	havz_buf_free(&b);
}

static void test_render_escapes_and_empty(void **state)
{
	struct havz_metrics_ct ct = { .name = "a\"b\\c\nd", .state = "running" };
	struct havz_metrics m = { .node = "n", .version = "v", .cts = &ct, .n_cts = 1 };
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_metrics_render(&m, &b), 0);
	HAS("havz_container_up{container=\"a\\\"b\\\\c\\nd\"} 0\n");
	/* No DRBD, no histogram yet: the families are there, at zero. */
	HAS("\nhavz_drbd_loaded 0\n");
	HAS("\n# TYPE havz_drbd_resources gauge\n");
	HAS("\nhavz_switchover_freeze_seconds_count 0\n");
	HAS("\nhavz_switchover_freeze_seconds_bucket{le=\"+Inf\"} 0\n");
	/* The peer's configuration not known: the family, no sample. */
	HAS("\n# TYPE havz_config_in_sync gauge\n");
	assert_null(strstr(b.data, "\nhavz_config_in_sync "));
	havz_buf_free(&b);
#undef HAS
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_drbd), cmocka_unit_test(test_proc_drbd_strict),
		cmocka_unit_test(test_histogram), cmocka_unit_test(test_sw_summary),
		cmocka_unit_test(test_render),	  cmocka_unit_test(test_render_escapes_and_empty),
	};

	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
