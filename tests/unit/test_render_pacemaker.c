// SPDX-License-Identifier: GPL-2.0-only
/* The pacemaker stack's renderers: corosync.conf, the derived authkey, the CIB. */
#include "helpers.h"

#include <errno.h>

#include "havz/config.h"
#include "havz/render_pacemaker.h"

static void load(const char *text, struct havz_config *cfg)
{
	struct diags d = { 0 };

	assert_int_equal(havz_config_parse("/etc/ha-vz/ha-vz.conf", text, cfg, diag_collect, &d),
			 0);
	assert_diag_count(&d, 0);
}

static char *render_corosync(const char *conf)
{
	struct havz_config cfg;
	struct havz_buf out = { 0 };

	load(conf, &cfg);
	assert_int_equal(havz_render_corosync_conf(&cfg, &out), 0);
	havz_config_free(&cfg);
	return out.data;
}

static void test_corosync_links_and_timing(void **state)
{
	char *text = render_corosync(BASE_CONF);

	(void)state;
	assert_non_null(strstr(text, "\ttransport: knet\n"));
	assert_non_null(strstr(text, "\ttoken: 1000\n\tconsensus: 1200\n"));
	assert_non_null(strstr(text, "\t\tname: alpha\n\t\tnodeid: 1\n\t\tring0_addr: 192.0.2.11\n"
				     "\t\tring1_addr: 198.51.100.11\n"));
	assert_non_null(strstr(text, "\t\tname: beta\n\t\tnodeid: 2\n"));
	assert_non_null(strstr(text, "\ttwo_node: 1\n\twait_for_all: 1\n"));
	assert_non_null(strstr(text, "\t\tlinknumber: 1\n"));
	free(text);
}

static void test_corosync_one_link_per_network(void **state)
{
	/* A third heartbeat link on the management network adds no knet link. */
	char *conf = subst(BASE_CONF, "[link repl]",
			   "[link lan2]\ninterface = eth2\nnetwork = management\n\n[link repl]");
	char *text = render_corosync(conf);

	(void)state;
	assert_null(strstr(text, "ring2_addr"));
	assert_null(strstr(text, "linknumber: 2"));
	assert_non_null(strstr(text, "ring1_addr: 198.51.100.11"));
	free(text);
	free(conf);
}

static void test_corosync_token(void **state)
{
	char *conf = subst(BASE_CONF, "name = demo\n", "name = demo\ntoken = 1500ms\n");
	char *text = render_corosync(conf);
	struct havz_config cfg;

	(void)state;
	assert_non_null(strstr(text, "\ttoken: 1500\n\tconsensus: 1800\n"));
	free(text);
	free(conf);
	conf = subst(BASE_CONF, "name = demo\n", "name = demo\ntoken = 1s\nconsensus = 5s\n");
	load(conf, &cfg);
	assert_int_equal(havz_consensus_ms(&cfg), 5000);
	havz_config_free(&cfg);
	free(conf);
}

static void test_authkey(void **state)
{
	struct havz_buf a = { 0 }, b = { 0 }, c = { 0 }, bad = { 0 };

	(void)state;
	assert_int_equal(havz_render_corosync_authkey("0123456789abcdef0123", &a), 0);
	assert_int_equal(havz_render_corosync_authkey("0123456789abcdef0123", &b), 0);
	assert_int_equal(havz_render_corosync_authkey("0123456789abcdef0124", &c), 0);
	assert_int_equal(a.len, 2 * HAVZ_COROSYNC_KEY_BYTES);
	assert_string_equal(a.data, b.data); /* both nodes derive the same key */
	assert_string_not_equal(a.data, c.data);
	for (size_t i = 0; i < a.len; i++)
		assert_non_null(strchr("0123456789abcdef", a.data[i]));
	/* The two HMAC blocks differ: the counter is in the label. */
	assert_memory_not_equal(a.data, a.data + 128, 128);
	assert_int_equal(havz_render_corosync_authkey("short", &bad), -EINVAL);
	assert_int_equal(bad.len, 0);
	havz_buf_free(&a);
	havz_buf_free(&b);
	havz_buf_free(&c);
}

static void test_cib_without_fencing(void **state)
{
	struct havz_config cfg;
	struct havz_buf out = { 0 };

	(void)state;
	load(BASE_CONF, &cfg);
	assert_int_equal(havz_render_cib(&cfg, &out), 0);
	assert_non_null(strstr(out.data, "validate-with=\"pacemaker-3.7\""));
	assert_non_null(strstr(out.data, "name=\"stonith-enabled\" value=\"false\""));
	assert_null(strstr(out.data, "fence_ipmilan"));
	assert_non_null(strstr(out.data, "<clone id=\"drbd-web-clone\">"));
	assert_non_null(strstr(out.data, "name=\"drbd_resource\" value=\"ct-web\""));
	assert_non_null(strstr(out.data, "name=\"device\" value=\"/dev/drbd0\""));
	assert_non_null(strstr(out.data, "provider=\"ha-vz\" type=\"container\""));
	/* checkpoint is off by default: no live migration. */
	assert_non_null(strstr(out.data, "name=\"allow-migrate\" value=\"false\""));
	/* auto_failback off (the default): stickiness above the preference's 50. */
	assert_non_null(strstr(out.data, "name=\"resource-stickiness\" value=\"100\""));
	assert_non_null(strstr(out.data, "name=\"migration-threshold\" value=\"3\""));
	assert_non_null(strstr(out.data, "name=\"failure-timeout\" value=\"300s\""));
	assert_non_null(strstr(out.data, "operation=\"eq\" value=\"alpha\""));
	/* Monitor interval from monitor_interval (5s by default). */
	assert_non_null(strstr(out.data, "<op id=\"ct-web-monitor-5s\" name=\"monitor\" "
					 "interval=\"5s\" timeout=\"30s\"/>"));
	havz_buf_free(&out);
	havz_config_free(&cfg);
}

static void test_cib_auto_failback(void **state)
{
	char *conf = subst(BASE_CONF, "name = demo\n", "name = demo\nauto_failback = on\n");
	struct havz_config cfg;
	struct havz_buf out = { 0 };

	(void)state;
	load(conf, &cfg);
	assert_int_equal(havz_render_cib(&cfg, &out), 0);
	assert_non_null(strstr(out.data, "name=\"resource-stickiness\" value=\"0\""));
	havz_buf_free(&out);
	havz_config_free(&cfg);
	free(conf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_corosync_links_and_timing),
		cmocka_unit_test(test_corosync_one_link_per_network),
		cmocka_unit_test(test_corosync_token),
		cmocka_unit_test(test_authkey),
		cmocka_unit_test(test_cib_without_fencing),
		cmocka_unit_test(test_cib_auto_failback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
