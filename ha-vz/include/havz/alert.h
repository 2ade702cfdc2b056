/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The alert hook contract, the parts that need no process: the kinds of
 * event and the fixed environment an alert hook gets (like Pacemaker's
 * alert agents). Alert hooks are HAVZ_ALERTS_DIR/NAME, chosen and checked
 * like the checkpoint hooks (havz/hookpolicy.h). See ha-vz-alerts(7).
 */
#ifndef HAVZ_ALERT_H
#define HAVZ_ALERT_H

#include <stdint.h>

#define HAVZ_ALERTS_DIR HAVZ_SYSCONFDIR "/ha-vz/alerts.d"
#define HAVZ_ALERT_TIMEOUT_MS 10000

enum havz_alert_kind {
	HAVZ_ALERT_FAILOVER,		/* ha-vzd handed this node's resources to the peer */
	HAVZ_ALERT_RESTART,		/* ha-vzd restarted a failed container here */
	HAVZ_ALERT_FENCE,		/* a DRBD fence request (OUTDATE) was answered here */
	HAVZ_ALERT_SPLIT_BRAIN,		/* DRBD detected a split brain */
	HAVZ_ALERT_SWITCHOVER_FALLBACK, /* a switchover moved a container cold, not live */
	HAVZ_ALERT_DRILL_FAILED,	/* a failover drill failed */
	HAVZ_ALERT_RESYNC_DONE,		/* a DRBD resync finished on this node */
	HAVZ_ALERT_BALANCE_MOVE,	/* a container was moved to balance the nodes */
	HAVZ_ALERT_KINDS
};

/* "failover", "restart", "fence", "split-brain", "switchover-fallback", ... */
const char *havz_alert_kind_name(enum havz_alert_kind k);
int havz_alert_kind_parse(const char *s, enum havz_alert_kind *out);

struct havz_alert {
	enum havz_alert_kind kind;
	const char *cluster;   /* HAVZ_ALERT_CLUSTER */
	const char *node;      /* HAVZ_ALERT_NODE: the node that saw it (this one) */
	const char *container; /* HAVZ_ALERT_CONTAINER, empty when none */
	int64_t time_ms;       /* HAVZ_ALERT_TIME (UTC, ISO 8601), HAVZ_ALERT_TIMESTAMP (s.ms) */
	const char *detail;    /* HAVZ_ALERT_DETAIL: one line, what happened */
};

#define HAVZ_ALERT_ENV_VARS 9
#define HAVZ_ALERT_ENV_LEN 512

/*
 * Fills envp (HAVZ_ALERT_ENV_VARS + 1 slots, NULL-terminated) from store;
 * a newline in detail becomes a space. -ENAMETOOLONG if a value does not fit.
 */
int havz_alert_envp(const struct havz_alert *a, char store[HAVZ_ALERT_ENV_VARS][HAVZ_ALERT_ENV_LEN],
		    const char *envp[HAVZ_ALERT_ENV_VARS + 1]);

#endif
