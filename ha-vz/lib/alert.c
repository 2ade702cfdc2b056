// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "havz/alert.h"
#include "havz/hookpolicy.h"

static const char *const kind_names[HAVZ_ALERT_KINDS] = {
	[HAVZ_ALERT_FAILOVER] = "failover",
	[HAVZ_ALERT_RESTART] = "restart",
	[HAVZ_ALERT_FENCE] = "fence",
	[HAVZ_ALERT_SPLIT_BRAIN] = "split-brain",
	[HAVZ_ALERT_SWITCHOVER_FALLBACK] = "switchover-fallback",
	[HAVZ_ALERT_DRILL_FAILED] = "drill-failed",
	[HAVZ_ALERT_RESYNC_DONE] = "resync-done",
	[HAVZ_ALERT_BALANCE_MOVE] = "balance-move",
};

const char *havz_alert_kind_name(enum havz_alert_kind k)
{
	return (unsigned)k < HAVZ_ALERT_KINDS ? kind_names[k] : "?";
}

int havz_alert_kind_parse(const char *s, enum havz_alert_kind *out)
{
	for (unsigned k = 0; k < HAVZ_ALERT_KINDS; k++)
		if (!strcmp(s, kind_names[k])) {
			*out = (enum havz_alert_kind)k;
			return 0;
		}
	return -EINVAL;
}

int havz_alert_envp(const struct havz_alert *a, char store[HAVZ_ALERT_ENV_VARS][HAVZ_ALERT_ENV_LEN],
		    const char *envp[HAVZ_ALERT_ENV_VARS + 1])
{
	char iso[32] = "", stamp[32] = "";
	time_t secs = (time_t)(a->time_ms / 1000);
	struct tm tm;
	const struct {
		const char *key, *value;
	} vars[HAVZ_ALERT_ENV_VARS] = {
		{ "PATH", HAVZ_HOOK_PATH },
		{ "LC_ALL", "C" },
		{ "HAVZ_ALERT_KIND", havz_alert_kind_name(a->kind) },
		{ "HAVZ_ALERT_CLUSTER", a->cluster },
		{ "HAVZ_ALERT_NODE", a->node },
		{ "HAVZ_ALERT_CONTAINER", a->container },
		{ "HAVZ_ALERT_TIME", iso },
		{ "HAVZ_ALERT_TIMESTAMP", stamp },
		{ "HAVZ_ALERT_DETAIL", a->detail },
	};

	if (gmtime_r(&secs, &tm))
		strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(stamp, sizeof(stamp), "%" PRId64 ".%03d", a->time_ms / 1000,
		 (int)(a->time_ms % 1000));
	for (size_t i = 0; i < HAVZ_ALERT_ENV_VARS; i++) {
		const char *v = vars[i].value ? vars[i].value : "";

		if (snprintf(store[i], HAVZ_ALERT_ENV_LEN, "%s=%s", vars[i].key, v) >=
		    HAVZ_ALERT_ENV_LEN)
			return -ENAMETOOLONG;
		for (char *p = store[i]; *p; p++)
			if (*p == '\n' || *p == '\r')
				*p = ' ';
		envp[i] = store[i];
	}
	envp[HAVZ_ALERT_ENV_VARS] = NULL;
	return 0;
}
