// SPDX-License-Identifier: GPL-2.0-only
/* The alert hook runner: common/hooks.c's runner with the alert environment. */
#include "common/alerts.h"

#include <stdio.h>

#include "common/hooks.h"
#include "common/log.h"
#include "common/swstate.h"

struct alert_ctx {
	const struct havz_alert *a;
	unsigned failed;
};

/* Logged and counted; the next hook still runs. */
static int alert_fail(void *ctx, int rc, const char *msg)
{
	struct alert_ctx *c = ctx;

	(void)rc;
	c->failed++;
	qb_log(LOG_WARNING, "alert %s: %s", havz_alert_kind_name(c->a->kind), msg);
	return 0;
}

unsigned havz_alerts_run(const struct havz_alert *a, const struct havz_alerts_opts *opts)
{
	char store[HAVZ_ALERT_ENV_VARS][HAVZ_ALERT_ENV_LEN];
	const char *envp[HAVZ_ALERT_ENV_VARS + 1];
	char subject[64];
	struct alert_ctx ctx = { a, 0 };
	struct havz_hookdir h = {
		.dir = opts && opts->dir ? opts->dir : HAVZ_ALERTS_DIR,
		.what = "alerts",
		.subject = subject,
		.envp = envp,
		.timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : HAVZ_ALERT_TIMEOUT_MS,
		.total_ms = opts ? opts->total_ms : 0,
		.fail = alert_fail,
		.ctx = &ctx,
	};

	snprintf(subject, sizeof(subject), "alert %s", havz_alert_kind_name(a->kind));
	if (havz_alert_envp(a, store, envp)) {
		qb_log(LOG_WARNING, "alert %s: a value is too long for the environment; not run",
		       havz_alert_kind_name(a->kind));
		return 1;
	}
	/* alert_fail never stops the run: the result is always 0, the count is in ctx. */
	(void)havz_hookdir_run(&h);
	return ctx.failed;
}

unsigned havz_alert_now(enum havz_alert_kind kind, const char *cluster, const char *node,
			const char *container, const char *detail,
			const struct havz_alerts_opts *opts)
{
	struct havz_alert a = { .kind = kind,
				.cluster = cluster,
				.node = node,
				.container = container,
				.time_ms = havz_realtime_ms(),
				.detail = detail };

	return havz_alerts_run(&a, opts);
}
