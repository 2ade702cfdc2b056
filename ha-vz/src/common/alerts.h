/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs the alert hooks for one event: DIR/NAME in lexical order, with the
 * fixed environment of havz/alert.h and a timeout each, checked and run like
 * the checkpoint hooks (common/hooks.c). A failing hook is logged and the
 * others still run; an alert never changes what the cluster does. See
 * ha-vz-alerts(7).
 */
#ifndef HAVZ_ALERTS_H
#define HAVZ_ALERTS_H

#include "havz/alert.h"

struct havz_alerts_opts {
	const char *dir;     /* NULL: HAVZ_ALERTS_DIR */
	unsigned timeout_ms; /* per hook; 0: HAVZ_ALERT_TIMEOUT_MS */
	unsigned total_ms;   /* all hooks together; 0: no bound (hooks.h) */
};

/* The number of hooks that failed, timed out or were refused (0: all ran, or none). */
unsigned havz_alerts_run(const struct havz_alert *a, const struct havz_alerts_opts *opts);

/* Fills a with the kind, this moment and the rest, and runs the alert hooks (CLI events). */
unsigned havz_alert_now(enum havz_alert_kind kind, const char *cluster, const char *node,
			const char *container, const char *detail,
			const struct havz_alerts_opts *opts);

#endif
