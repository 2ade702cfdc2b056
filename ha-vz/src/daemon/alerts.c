// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vzd's alerts: events are queued (at most QUEUE_MAX waiting; more are
 * dropped and logged) and one thread of their own runs the alert hooks, so
 * that a slow hook never holds up supervision, fencing answers or status.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/alerts.h"
#include "common/log.h"
#include "common/swstate.h"
#include "daemon/daemon.h"

#define QUEUE_MAX 32

struct queued {
	enum havz_alert_kind kind;
	char container[HAVZ_NAME_MAX + 1];
	char detail[256];
	int64_t time_ms;
};

static struct queued queue[QUEUE_MAX];
static size_t q_head, q_len;

void alerts_post(struct havzd *d, enum havz_alert_kind kind, const char *container, const char *fmt,
		 ...)
{
	struct queued *q;
	va_list ap;

	pthread_mutex_lock(&d->lock);
	if (!d->alerts_started || q_len == QUEUE_MAX) {
		if (d->alerts_started)
			qb_log(LOG_WARNING, "alert %s: %d alerts wait already; dropped",
			       havz_alert_kind_name(kind), QUEUE_MAX);
		pthread_mutex_unlock(&d->lock);
		return;
	}
	q = &queue[(q_head + q_len) % QUEUE_MAX];
	q->kind = kind;
	q->time_ms = havz_realtime_ms();
	snprintf(q->container, sizeof(q->container), "%s", container ? container : "");
	va_start(ap, fmt);
	vsnprintf(q->detail, sizeof(q->detail), fmt, ap);
	va_end(ap);
	q_len++;
	pthread_cond_signal(&d->alerts_wake);
	pthread_mutex_unlock(&d->lock);
}

static void *alerts_main(void *arg)
{
	struct havzd *d = arg;

	pthread_mutex_lock(&d->lock);
	for (;;) {
		while (!q_len && !d->alerts_quit)
			pthread_cond_wait(&d->alerts_wake, &d->lock);
		if (d->alerts_quit)
			break;
		struct queued q = queue[q_head];
		char cluster[HAVZ_NAME_MAX + 1];
		struct havz_alerts_opts o = { .dir = d->alerts_dir };
		struct havz_alert a = { .kind = q.kind,
					.cluster = cluster,
					.node = d->node,
					.container = q.container,
					.time_ms = q.time_ms,
					.detail = q.detail };
		unsigned failed;

		q_head = (q_head + 1) % QUEUE_MAX;
		q_len--;
		snprintf(cluster, sizeof(cluster), "%s", d->cfg->cluster_name);
		pthread_mutex_unlock(&d->lock);
		qb_log(LOG_NOTICE, "alert %s%s%s: %s", havz_alert_kind_name(q.kind),
		       q.container[0] ? " " : "", q.container, q.detail);
		failed = havz_alerts_run(&a, &o);
		pthread_mutex_lock(&d->lock);
		d->alerts_failed += failed;
	}
	if (q_len)
		qb_log(LOG_WARNING, "alerts: stopping with %zu alerts not run", q_len);
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

int alerts_start(struct havzd *d)
{
	int rc;

	pthread_cond_init(&d->alerts_wake, NULL);
	rc = pthread_create(&d->alerter, NULL, alerts_main, d);
	if (rc) {
		qb_log(LOG_ERR, "alerts: cannot start the thread: %s", strerror(rc));
		return -rc;
	}
	pthread_mutex_lock(&d->lock);
	d->alerts_started = true;
	pthread_mutex_unlock(&d->lock);
	return 0;
}

void alerts_stop(struct havzd *d)
{
	pthread_mutex_lock(&d->lock);
	if (!d->alerts_started) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	d->alerts_quit = true;
	pthread_cond_signal(&d->alerts_wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->alerter, NULL);
	pthread_mutex_lock(&d->lock);
	d->alerts_started = false;
	pthread_mutex_unlock(&d->lock);
}
