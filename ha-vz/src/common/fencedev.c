// SPDX-License-Identifier: GPL-2.0-only
/* Runs ipmitool for a node's fence device: see fencedev.h. */
#include "common/fencedev.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/log.h"
#include "common/run.h"

enum havz_bmc_answer havz_fencedev_run(const struct havz_node *n, enum havz_bmc_action action,
				       char *detail, size_t size)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res;
	struct havz_bmc_cmd cmd;
	enum havz_bmc_answer a;
	int rc;

	if (havz_bmc_command(n, action, &cmd)) {
		snprintf(detail, size, "node %s has no ipmi fence device", n->name);
		return HAVZ_BMC_ERROR;
	}
	res = malloc(sizeof(*res));
	if (!res) {
		snprintf(detail, size, "out of memory");
		return HAVZ_BMC_ERROR;
	}
	ro.capture = true;
	/* -N 1 -R 2 bounds ipmitool itself to a few seconds; this is the backstop. */
	ro.timeout_ms = 15000;
	rc = havz_run(cmd.argv, &ro, res);
	if (rc && rc != -ETIMEDOUT) {
		snprintf(detail, size, "cannot run ipmitool: %s", strerror(-rc));
		free(res);
		return HAVZ_BMC_ERROR;
	}
	a = havz_bmc_classify(action, res->status, res->timed_out, res->output, detail, size);
	free(res);
	return a;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum havz_bmc_answer havz_fencedev_power(const struct havz_node *n, bool on, unsigned confirm_ms,
					 char *detail, size_t size)
{
	enum havz_bmc_answer want = on ? HAVZ_BMC_ON : HAVZ_BMC_OFF, a;
	long long deadline;

	a = havz_fencedev_run(n, on ? HAVZ_BMC_POWER_ON : HAVZ_BMC_POWER_OFF, detail, size);
	if (a != HAVZ_BMC_DONE) {
		/* Refused because it already is in that state? The status says. */
		char why[HAVZ_FENCEDEV_DETAIL_MAX];

		snprintf(why, sizeof(why), "%s", detail);
		if (havz_fencedev_run(n, HAVZ_BMC_STATUS, detail, size) == want)
			return want;
		snprintf(detail, size, "%s", why);
		return a;
	}
	deadline = now_ms() + confirm_ms;
	do {
		a = havz_fencedev_run(n, HAVZ_BMC_STATUS, detail, size);
		if (a == want)
			return a;
		if (a == HAVZ_BMC_AUTH)
			return a;
		sleep_ms(250);
	} while (now_ms() < deadline);
	if (a == HAVZ_BMC_ON || a == HAVZ_BMC_OFF)
		snprintf(detail, size, "the device still says power %s after %u ms",
			 havz_bmc_answer_name(a), confirm_ms);
	return a == HAVZ_BMC_ON || a == HAVZ_BMC_OFF ? HAVZ_BMC_ERROR : a;
}
