// SPDX-License-Identifier: GPL-2.0-only
/* Drill records, the invariant checker, the statistics and the report page. */
#include "helpers.h"

#include <errno.h>

#include "havz/drill.h"
#include "havz/drill_report.h"

#define P HAVZ_DRILL_ROLE_PRIMARY
#define S HAVZ_DRILL_ROLE_SECONDARY
#define D HAVZ_DRILL_ROLE_DOWN
#define U HAVZ_DRILL_ROLE_UNKNOWN
#define RUN HAVZ_DRILL_CT_RUNNING
#define STOP HAVZ_DRILL_CT_STOPPED
#define UNK HAVZ_DRILL_CT_UNKNOWN

/* A node-loss of alpha as the lab records it: alpha dies, beta takes over. */
static void good_record(struct havz_drill_record *r)
{
	static const struct havz_drill_sample samples[] = {
		{ 0, { P, S }, { RUN, STOP } },	   { 1000, { D, S }, { UNK, STOP } },
		{ 2000, { D, P }, { UNK, STOP } }, { 3000, { D, P }, { UNK, RUN } },
		{ 4000, { S, P }, { STOP, RUN } },
	};

	havz_drill_record_init(r);
	strcpy(r->id, "20261201T200000Z-node-loss-alpha");
	r->kind = HAVZ_DRILL_NODE_LOSS;
	strcpy(r->stack, "heartbeat");
	strcpy(r->target, "alpha");
	strcpy(r->container, "ct1");
	strcpy(r->nodes[0], "alpha");
	strcpy(r->nodes[1], "beta");
	r->started = 1796155200;
	r->recovered = true;
	r->rto_ms = 3400;
	r->acked = 120;
	r->phase_ms[HAVZ_PHASE_DETECT] = 1200;
	r->phase_ms[HAVZ_PHASE_FENCE] = 700;
	r->phase_ms[HAVZ_PHASE_PROMOTE] = 300;
	r->phase_ms[HAVZ_PHASE_START] = 1100;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++)
		assert_int_equal(havz_drill_add_sample(r, &samples[i]), 0);
}

static void test_kinds(void **state)
{
	(void)state;
	assert_int_equal(havz_drill_kind_parse("node-loss"), HAVZ_DRILL_NODE_LOSS);
	assert_int_equal(havz_drill_kind_parse("double-fault"), HAVZ_DRILL_DOUBLE_FAULT);
	assert_int_equal(havz_drill_kind_parse("node_loss"), -EINVAL);
	assert_int_equal(havz_drill_kind_parse(""), -EINVAL);
	for (int k = 0; k < HAVZ_DRILL_KINDS; k++)
		assert_int_equal(havz_drill_kind_parse(havz_drill_kind_name(k)), k);
	assert_null(havz_drill_kind_name(HAVZ_DRILL_KINDS));
	assert_true(havz_drill_kind_on_cluster(HAVZ_DRILL_DAEMON_KILL));
	assert_false(havz_drill_kind_on_cluster(HAVZ_DRILL_PARTITION));
}

static void test_good_holds(void **state)
{
	struct havz_drill_record r;
	struct havz_drill_check c;

	(void)state;
	good_record(&r);
	assert_int_equal(havz_drill_check(&r, &c, NULL, 0), 0);
	assert_int_equal(c.max_primaries, 1);
	assert_int_equal(c.max_running, 1);
	assert_int_equal(havz_drill_verdict(&r), HAVZ_VERDICT_PASS);
	havz_drill_record_free(&r);
}

static void test_two_primaries(void **state)
{
	const struct havz_drill_sample split = { 4500, { P, P }, { STOP, RUN } };
	struct havz_drill_violation v[4];
	struct havz_drill_record r;
	struct havz_drill_check c;

	(void)state;
	good_record(&r);
	assert_int_equal(havz_drill_add_sample(&r, &split), 0);
	assert_int_equal(havz_drill_check(&r, &c, v, 4), 1);
	assert_int_equal(c.max_primaries, 2);
	assert_int_equal(v[0].t_ms, 4500);
	assert_string_equal(v[0].what, "two Primaries (alpha and beta)");
	assert_int_equal(havz_drill_verdict(&r), HAVZ_VERDICT_FAIL);
	havz_drill_record_free(&r);
}

static void test_two_running(void **state)
{
	const struct havz_drill_sample both = { 5000, { S, P }, { RUN, RUN } };
	struct havz_drill_violation v[4];
	struct havz_drill_record r;
	struct havz_drill_check c;

	(void)state;
	good_record(&r);
	assert_int_equal(havz_drill_add_sample(&r, &both), 0);
	assert_int_equal(havz_drill_check(&r, &c, v, 4), 1);
	assert_int_equal(c.max_running, 2);
	assert_string_equal(v[0].what, "ct1 running on both alpha and beta");
	havz_drill_record_free(&r);
}

static void test_lost_writes_and_reasons(void **state)
{
	struct havz_drill_violation v[4];
	struct havz_drill_record r;
	struct havz_drill_check c;

	(void)state;
	good_record(&r);
	r.lost = 3;
	assert_int_equal(havz_drill_check(&r, &c, v, 4), 1);
	assert_int_equal(v[0].t_ms, -1);
	assert_string_equal(v[0].what, "RPO: 3 acknowledged writes lost");
	r.lost = 0;
	r.recovered = false;
	assert_int_equal(havz_drill_check(&r, &c, v, 4), 1);
	assert_string_equal(v[0].what, "not recovered, and no reason reported");
	strcpy(r.reason, "fence device of alpha did not answer: nothing promoted");
	assert_int_equal(havz_drill_check(&r, &c, v, 4), 0);
	assert_int_equal(havz_drill_verdict(&r), HAVZ_VERDICT_REPORTED);
	havz_drill_record_free(&r);
}

static void test_no_samples_and_many_violations(void **state)
{
	const struct havz_drill_sample bad = { 0, { P, P }, { RUN, RUN } };
	struct havz_drill_violation v[2];
	struct havz_drill_record r;
	struct havz_drill_check c;

	(void)state;
	havz_drill_record_init(&r);
	r.recovered = true;
	assert_int_equal(havz_drill_check(&r, &c, v, 2), 1);
	assert_string_equal(v[0].what, "no samples: the invariants were never observed");
	for (int i = 0; i < 3; i++) {
		struct havz_drill_sample s = bad;

		s.t_ms = i * 1000;
		assert_int_equal(havz_drill_add_sample(&r, &s), 0);
	}
	/* Six violations, two kept: the count is still all of them. */
	assert_int_equal(havz_drill_check(&r, &c, v, 2), 6);
	assert_int_equal(c.n_violations, 6);
	havz_drill_record_free(&r);
}

static void test_samples_in_order(void **state)
{
	const struct havz_drill_sample s = { 4000, { S, P }, { STOP, RUN } };
	struct havz_drill_record r;

	(void)state;
	good_record(&r);
	assert_int_equal(havz_drill_add_sample(&r, &s), -EINVAL); /* same time as the last */
	havz_drill_record_free(&r);
}

static void test_percentile(void **state)
{
	int64_t v[] = { 50, 10, 40, 20, 30 };
	int64_t one[] = { 7 };

	(void)state;
	assert_int_equal(havz_percentile(v, 5, 50), 30);
	assert_int_equal(havz_percentile(v, 5, 100), 50);
	assert_int_equal(havz_percentile(v, 5, 1), 10);
	assert_int_equal(havz_percentile(v, 4, 50), 20); /* nearest rank of 4: the 2nd */
	assert_int_equal(havz_percentile(one, 1, 50), 7);
	assert_int_equal(havz_percentile(v, 0, 50), -1);
	assert_int_equal(havz_percentile(v, 5, 0), -1);
}

static void test_stats(void **state)
{
	struct havz_drill_record r[4];
	struct havz_drill_stats rows[8];
	const struct havz_drill_sample split = { 9000, { P, P }, { RUN, STOP } };

	(void)state;
	for (int i = 0; i < 4; i++)
		good_record(&r[i]);
	r[1].rto_ms = 5000;
	r[2].rto_ms = 4000;
	assert_int_equal(havz_drill_add_sample(&r[2], &split), 0);
	r[3].kind = HAVZ_DRILL_SWITCHOVER;
	strcpy(r[3].stack, "pacemaker");
	r[3].rto_ms = -1;
	r[3].lost = 2;
	assert_int_equal(havz_drill_stats(r, 4, rows, 8), 2);
	/* Kind order: switchover before node-loss. */
	assert_int_equal(rows[0].kind, HAVZ_DRILL_SWITCHOVER);
	assert_int_equal(rows[0].runs, 1);
	assert_int_equal(rows[0].fail, 1);
	assert_int_equal(rows[0].rto_p50_ms, -1);
	assert_int_equal(rows[0].lost, 2);
	assert_int_equal(rows[1].kind, HAVZ_DRILL_NODE_LOSS);
	assert_string_equal(rows[1].stack, "heartbeat");
	assert_int_equal(rows[1].runs, 3);
	assert_int_equal(rows[1].pass, 2);
	assert_int_equal(rows[1].fail, 1);
	assert_int_equal(rows[1].with_rto, 3);
	assert_int_equal(rows[1].rto_p50_ms, 4000);
	assert_int_equal(rows[1].rto_max_ms, 5000);
	assert_int_equal(rows[1].max_primaries, 2);
	/* Fewer rows than groups: the total is still told. */
	assert_int_equal(havz_drill_stats(r, 4, rows, 1), 2);
	for (int i = 0; i < 4; i++)
		havz_drill_record_free(&r[i]);
}

static void test_round_trip(void **state)
{
	struct havz_drill_record a, b;
	struct havz_buf out = { 0 };
	char why[160] = "";

	(void)state;
	good_record(&a);
	strcpy(a.reason, "a \"quoted\" note");
	assert_int_equal(havz_drill_record_write(&a, &out), 0);
	assert_int_equal(havz_drill_record_parse(out.data, out.len, &b, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_string_equal(b.id, a.id);
	assert_int_equal(b.kind, a.kind);
	assert_string_equal(b.stack, "heartbeat");
	assert_string_equal(b.target, "alpha");
	assert_string_equal(b.container, "ct1");
	assert_string_equal(b.nodes[1], "beta");
	assert_int_equal(b.started, a.started);
	assert_true(b.recovered);
	assert_string_equal(b.reason, a.reason);
	assert_int_equal(b.rto_ms, 3400);
	assert_int_equal(b.acked, 120);
	assert_int_equal(b.lost, 0);
	for (int p = 0; p < HAVZ_DRILL_PHASES; p++)
		assert_int_equal(b.phase_ms[p], a.phase_ms[p]);
	assert_int_equal(b.n_samples, a.n_samples);
	assert_memory_equal(b.samples, a.samples, a.n_samples * sizeof(*a.samples));
	havz_buf_free(&out);
	havz_drill_record_free(&a);
	havz_drill_record_free(&b);
}

/* The good record's JSON with one substitution applied must fail with want. */
static void parse_broken(const char *from, const char *to, const char *want)
{
	struct havz_drill_record a, b;
	struct havz_buf out = { 0 };
	char why[200] = "";
	char *text;

	good_record(&a);
	assert_int_equal(havz_drill_record_write(&a, &out), 0);
	text = subst(out.data, from, to);
	assert_int_not_equal(havz_drill_record_parse(text, strlen(text), &b, why, sizeof(why)), 0);
	if (!strstr(why, want))
		fail_msg("%s -> %s: got '%s', want '%s'", from, to, why, want);
	assert_null(b.samples);
	free(text);
	havz_buf_free(&out);
	havz_drill_record_free(&a);
}

static void test_parse_errors(void **state)
{
	(void)state;
	parse_broken("\"format\": 1", "\"format\": 2", "line 2: format: not a format");
	parse_broken("\"kind\": \"node-loss\"", "\"kind\": \"node-losss\"",
		     "line 4: kind: unknown drill kind");
	parse_broken("\"stack\": \"heartbeat\"", "\"stack\": \"openais\"",
		     "stack: not heartbeat or pacemaker");
	parse_broken("\"rto_ms\": 3400", "\"rto_ms\": 3400.5", "rto_ms: expected a whole number");
	parse_broken("\"rto_ms\": 3400", "\"rto_ms\": -5", "rto_ms: out of range");
	parse_broken("\"rto_ms\": 3400", "\"rto_ms\": \"3400\"",
		     "rto_ms: expected a number or null");
	parse_broken("\"lost\": 0", "\"lost\": 121", "lost: more than were acknowledged");
	parse_broken("\"recovered\": true", "\"recovered\": 1", "recovered: expected a boolean");
	parse_broken("\"acked\": 120,", "", "acked: missing");
	parse_broken("\"acked\": 120,", "\"acked\": 120, \"extra\": 1,", "extra: unknown member");
	parse_broken("\"target\": \"alpha\"", "\"target\": \"al pha\"", "target: not a valid name");
	parse_broken("\"nodes\": [\"alpha\", \"beta\"]", "\"nodes\": [\"alpha\"]",
		     "nodes: expected 2 elements");
	parse_broken("\"nodes\": [\"alpha\", \"beta\"]", "\"nodes\": [\"alpha\", \"alpha\"]",
		     "nodes: the same node twice");
	parse_broken("\"detect\": 1200", "\"detekt\": 1200", "phases_ms: unknown phase");
	parse_broken("\"t_ms\": 1000", "\"t_ms\": 0", "samples: t_ms: not after the sample before");
	parse_broken("[\"down\", \"Secondary\"]", "[\"Down\", \"Secondary\"]",
		     "samples: roles: not one of");
	parse_broken("\"running\": [true, false]", "\"running\": [1, false]",
		     "samples: running: expected true, false or null");
	parse_broken("\"t_ms\": 0,", "\"t_ms\": 0, \"x\": 1,", "samples: unknown member");
	parse_broken("\"id\": \"20261201T200000Z-node-loss-alpha\"", "\"id\": \"../x\"",
		     "id: empty, or has '/'");
	parse_broken("{", "[", "line 2: expected ',' or ']'");
}

static void test_report(void **state)
{
	struct havz_drill_record r[3];
	const struct havz_drill_sample split = { 9000, { P, P }, { RUN, STOP } };
	struct havz_buf out = { 0 };
	size_t circles = 0, segs = 0;

	(void)state;
	for (int i = 0; i < 3; i++) {
		good_record(&r[i]);
		r[i].started += 3600 * (2 - i); /* newest first: the report sorts them */
	}
	r[1].kind = HAVZ_DRILL_SWITCHOVER;
	strcpy(r[1].target, "x<y>");
	assert_int_equal(havz_drill_add_sample(&r[2], &split), 0);
	assert_int_equal(havz_drill_report_html(r, 3, 1796160000, &out), 0);
	assert_non_null(strstr(out.data, "<!DOCTYPE html>"));
	assert_non_null(strstr(out.data, "3 drills, 1 with a broken invariant"));
	assert_non_null(strstr(out.data, "<svg id=\"plot-rto\""));
	assert_non_null(strstr(out.data, "<svg id=\"plot-phases\""));
	assert_non_null(strstr(out.data, "<svg id=\"plot-rpo\""));
	assert_non_null(strstr(out.data, "x&lt;y&gt;"));
	assert_null(strstr(out.data, "x<y>"));
	assert_non_null(strstr(out.data, "t=9.0 s: two Primaries (alpha and beta)"));
	/* Self-contained: nothing to fetch. */
	assert_null(strstr(out.data, "http"));
	assert_null(strstr(out.data, "<script"));
	for (const char *p = out.data; (p = strstr(p, "class=\"pt\"")); p++)
		circles++;
	for (const char *p = out.data; (p = strstr(p, "class=\"seg\"")); p++)
		segs++;
	assert_int_equal(circles, 3);  /* one point per RTO */
	assert_int_equal(segs, 3 * 4); /* four phases measured per drill */
	assert_true(r[0].started < r[1].started && r[1].started < r[2].started);
	havz_buf_free(&out);
	for (int i = 0; i < 3; i++)
		havz_drill_record_free(&r[i]);
}

static void test_report_empty(void **state)
{
	struct havz_buf out = { 0 };

	(void)state;
	assert_int_equal(havz_drill_report_html(NULL, 0, 0, &out), 0);
	assert_non_null(strstr(out.data, "No drills recorded yet"));
	assert_null(strstr(out.data, "<svg"));
	havz_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_good_holds),
		cmocka_unit_test(test_two_primaries),
		cmocka_unit_test(test_two_running),
		cmocka_unit_test(test_lost_writes_and_reasons),
		cmocka_unit_test(test_no_samples_and_many_violations),
		cmocka_unit_test(test_samples_in_order),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
