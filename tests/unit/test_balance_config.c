// SPDX-License-Identifier: GPL-2.0-only
/* [balance] and a container's balance key: parsing, every error with its line, validation. */
#include "helpers.h"

#include <errno.h>

#include "havz/config.h"

/* BASE_CONF with a [balance] section (and stack) of text appended. */
static char *with_balance(const char *stack, const char *section)
{
	char *a = subst(BASE_CONF, "name = demo\n", stack);
	size_t n = strlen(a) + strlen(section) + 2;
	char *out = malloc(n);

	assert_non_null(out);
	snprintf(out, n, "%s\n%s", a, section);
	free(a);
	return out;
}

static void parse_ok(const char *text, struct havz_config *cfg)
{
	struct diags d = { 0 };

	int rc = havz_config_parse("t.conf", text, cfg, diag_collect, &d);

	if (rc)
		diags_dump(&d);
	assert_int_equal(rc, 0);
	assert_diag_count(&d, 0);
}

static void parse_bad(char *text, const char *want)
{
	struct havz_config cfg;
	struct diags d = { 0 };

	assert_int_equal(havz_config_parse("t.conf", text, &cfg, diag_collect, &d), -EINVAL);
	assert_one_diag(&d, want);
	diags_free(&d);
	free(text);
}

static void test_defaults(void **state)
{
	struct havz_config cfg;

	(void)state;
	parse_ok(BASE_CONF, &cfg);
	assert_false(cfg.balance.enabled);
	assert_int_equal(cfg.balance.threshold_milli, 300);
	assert_int_equal(cfg.balance.hold_rounds, 3);
	assert_int_equal(cfg.balance.margin_milli, 100);
	assert_int_equal(cfg.balance.quiet_start_min, -1);
	assert_int_equal(cfg.balance_line, 0);
	assert_false(cfg.containers[0].pinned);
	havz_config_free(&cfg);
}

static void test_all_keys(void **state)
{
	char *text = with_balance("name = demo\nstack = pacemaker\n",
				  "[balance]\nenabled = on\ninterval = 30s\nweight_cpu = 6\n"
				  "weight_memory = 3\nweight_load = 1\nthreshold = 0.25\nhold = 4\n"
				  "margin = 0.05\nmax_moves_per_hour = 3\nmemory_headroom = 512M\n"
				  "cooldown = 120m\nquiet_hours = 22:00-06:00\n");
	struct havz_config cfg;

	(void)state;
	parse_ok(text, &cfg);
	assert_true(cfg.balance.enabled);
	assert_int_equal(cfg.balance.interval_ms, 30000);
	assert_int_equal(cfg.balance.weight_cpu, 6);
	assert_int_equal(cfg.balance.weight_memory, 3);
	assert_int_equal(cfg.balance.weight_load, 1);
	assert_int_equal(cfg.balance.threshold_milli, 250);
	assert_int_equal(cfg.balance.hold_rounds, 4);
	assert_int_equal(cfg.balance.margin_milli, 50);
	assert_int_equal(cfg.balance.max_moves_per_hour, 3);
	assert_int_equal(cfg.balance.memory_headroom, 512ULL << 20);
	assert_int_equal(cfg.balance.cooldown_s, 7200);
	assert_int_equal(cfg.balance.quiet_start_min, 22 * 60);
	assert_int_equal(cfg.balance.quiet_end_min, 6 * 60);
	/* Under pacemaker, with weights: no complaint about [balance] (the key file is absent). */
	struct diags d = { 0 };

	havz_config_validate(&cfg, diag_collect, &d);
	for (size_t i = 0; i < d.n; i++) {
		assert_null(strstr(d.msg[i], "balanc"));
		assert_null(strstr(d.msg[i], "weight"));
	}
	diags_free(&d);
	havz_config_free(&cfg);
	free(text);
}

static void test_pinned(void **state)
{
	char *text = subst(BASE_CONF, "preferred_node = alpha\n",
			   "preferred_node = alpha\nbalance = no\n");
	struct havz_config cfg;

	(void)state;
	parse_ok(text, &cfg);
	assert_true(cfg.containers[0].pinned);
	havz_config_free(&cfg);
	free(text);
	parse_bad(subst(BASE_CONF, "preferred_node = alpha\n",
			"preferred_node = alpha\nbalance = maybe\n"),
		  "t.conf:27: balance: 'maybe' is not yes/no (no pins the container to its node)");
}

static void test_errors(void **state)
{
	(void)state;
	/* BASE_CONF has 26 lines; with_balance adds a blank line: [balance] is line 28. */
	parse_bad(with_balance("name = demo\n", "[balance]\nthreshold = 1.5\n"),
		  "t.conf:29: threshold: 1.5 is out of range (0.010..1.000)");
	parse_bad(with_balance("name = demo\n", "[balance]\nthreshold = 0.0001\n"),
		  "t.conf:29: threshold: '0.0001' is not a decimal number (e.g. 0.3)");
	parse_bad(with_balance("name = demo\n", "[balance]\nthreshold = 0.005\n"),
		  "t.conf:29: threshold: 0.005 is out of range (0.010..1.000)");
	parse_bad(with_balance("name = demo\n", "[balance]\nhold = 0\n"),
		  "t.conf:29: hold: 0 is out of range (1..100)");
	parse_bad(with_balance("name = demo\n", "[balance]\nweight_cpu = 101\n"),
		  "t.conf:29: weight_cpu: 101 is out of range (0..100)");
	parse_bad(with_balance("name = demo\n", "[balance]\nquiet_hours = 8-18\n"),
		  "t.conf:29: quiet_hours: '8-18' is not HH:MM-HH:MM (UTC, e.g. 08:00-18:00) or "
		  "none");
	parse_bad(with_balance("name = demo\n", "[balance]\ninterval = 1s\n"),
		  "t.conf:29: interval: 1s is out of range (10000ms..3600000ms)");
	parse_bad(with_balance("name = demo\n", "[balance]\nenabled = sometimes\n"),
		  "t.conf:29: enabled: 'sometimes' is not on/off, yes/no or true/false");
	parse_bad(with_balance("name = demo\n", "[balance]\nspeed = fast\n"),
		  "t.conf:29: speed: unknown key in [balance]");
	parse_bad(with_balance("name = demo\n", "[balance]\nhold = 2\nhold = 3\n"),
		  "t.conf:30: hold: set twice in [balance]");
	parse_bad(with_balance("name = demo\n", "[balance]\n[balance]\n"),
		  "t.conf:29: [balance]: duplicate section");
	parse_bad(with_balance("name = demo\n", "[balance x]\n"),
		  "t.conf:28: [balance]: unexpected words in section header");
}

static void test_validate(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = with_balance("name = demo\n", "[balance]\nenabled = yes\n");

	(void)state;
	/* stack = heartbeat (the default): no single-container moves. */
	parse_ok(text, &cfg);
	assert_int_equal(havz_config_validate(&cfg, diag_collect, &d), -EINVAL);
	assert_true(diags_has(&d,
			      "t.conf:29: enabled: balancing moves one container at a time, "
			      "which heartbeat cannot do (it moves all of a node's containers): "
			      "use stack = pacemaker"));
	diags_free(&d);
	havz_config_free(&cfg);
	free(text);
	text = with_balance("name = demo\nstack = pacemaker\n",
			    "[balance]\nenabled = yes\nweight_cpu = 0\nweight_memory = 0\n"
			    "weight_load = 0\n");
	parse_ok(text, &cfg);
	memset(&d, 0, sizeof(d));
	assert_int_equal(havz_config_validate(&cfg, diag_collect, &d), -EINVAL);
	assert_true(diags_has(&d, "t.conf:29: [balance]: weight_cpu, weight_memory and weight_load "
				  "are all 0: nothing to weigh"));
	diags_free(&d);
	havz_config_free(&cfg);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults), cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_pinned),	 cmocka_unit_test(test_errors),
		cmocka_unit_test(test_validate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
