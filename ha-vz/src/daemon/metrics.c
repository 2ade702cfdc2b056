// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Prometheus endpoint: HTTP/1.0 on this node's management address (the
 * control port's address), port metrics_port, in the main loop. One GET
 * /metrics per connection, a request of at most HAVZ_HTTP_REQUEST_MAX bytes,
 * CONN_MAX connections at once, each closed after CONN_TIMEOUT_NS whatever
 * it did. The answer is rendered from a snapshot taken under d->lock
 * (havz/metrics.h); nothing here runs a program or blocks.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/log.h"
#include "common/swstate.h"
#include "daemon/daemon.h"
#include "havz/files.h"
#include "havz/http.h"
#include "havz/wire.h"

#define CONN_MAX 8
#define CONN_TIMEOUT_NS (5ULL * 1000000000ULL)
#define PROC_DRBD "/proc/drbd"
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct mconn {
	struct havzd *d;
	int fd;
	char req[HAVZ_HTTP_REQUEST_MAX];
	size_t have;
	struct havz_buf out;
	size_t sent;
	qb_loop_timer_handle timer;
	bool timer_set;
};

static struct mconn *mconns[CONN_MAX];

static void mconn_close(struct mconn *c)
{
	for (size_t i = 0; i < CONN_MAX; i++)
		if (mconns[i] == c)
			mconns[i] = NULL;
	if (c->timer_set)
		qb_loop_timer_del(c->d->loop, c->timer);
	qb_loop_poll_del(c->d->loop, c->fd);
	close(c->fd);
	havz_buf_free(&c->out);
	free(c);
}

static void mconn_timeout(void *data)
{
	struct mconn *c = data;

	c->timer_set = false;
	qb_log(LOG_DEBUG, "metrics: a connection timed out; closed");
	mconn_close(c);
}

/* The metrics text of this moment into body. */
static int render(struct havzd *d, struct havz_buf *body)
{
	struct havz_metrics_count fences[HAVZ_RES_MAX];
	struct havz_metrics_ct *cts;
	struct havz_drbd_dev *drbd = NULL;
	struct havz_histogram freeze;
	struct havz_buf text = { 0 };
	char(*names)[HAVZ_NAME_MAX + 1];
	struct havz_metrics m = { 0 };
	char local[HAVZ_SHA256_HEX + 1];
	size_t n_drbd = 0, n;
	int rc;

	/* /proc/drbd first, outside the lock: absent without the DRBD module. */
	rc = havz_file_read(PROC_DRBD, 1 << 20, &text);
	if (rc == 0 && text.data) {
		drbd = calloc(HAVZ_DRBD_DEVS_MAX, sizeof(*drbd));
		if (drbd && havz_proc_drbd_parse(text.data, drbd, HAVZ_DRBD_DEVS_MAX, &n_drbd)) {
			qb_log(LOG_WARNING, "metrics: cannot parse %s; no DRBD metrics", PROC_DRBD);
			n_drbd = 0;
		}
		m.drbd_loaded = true;
	}
	havz_buf_free(&text);
	havzd_config_digest(d, local);

	pthread_mutex_lock(&d->lock);
	n = d->n_cts;
	cts = calloc(n ? n : 1, sizeof(*cts));
	names = calloc(n ? n : 1, sizeof(*names));
	for (size_t i = 0; cts && names && i < n; i++) {
		const struct havz_container *ct = havz_config_container(d->cfg, d->cts[i].name);

		snprintf(names[i], sizeof(names[i]), "%s", d->cts[i].name);
		cts[i].name = names[i];
		cts[i].state = havz_sup_state_name(d->cts[i].sup.state);
		cts[i].up = d->cts[i].sup.state == HAVZ_SUP_RUNNING;
		cts[i].minor = ct ? ct->minor : ~0u;
		cts[i].restarts = d->cts[i].restarts_total;
	}
	/* Every fence answer from OUTDATED on, so that a rate() has its series from the start. */
	for (unsigned r = HAVZ_RES_OUTDATED; r <= HAVZ_RES_MAX; r++) {
		fences[r - 1].label = havz_wire_result_name(r);
		fences[r - 1].n = d->fences[r];
	}
	freeze = d->freeze;
	m.failovers = d->failovers;
	m.alerts_failed = d->alerts_failed;
	m.peer_up = d->peer_known && d->peer_reachable;
	m.config = havz_cfg_match(local, d->peer_config_sha256);
	pthread_mutex_unlock(&d->lock);

	if (!cts || !names || (m.drbd_loaded && !drbd)) {
		rc = -ENOMEM;
		goto out;
	}
	m.node = d->node;
	m.version = HAVZ_VERSION;
	m.cts = cts;
	m.n_cts = n;
	m.drbd = drbd;
	m.n_drbd = n_drbd;
	m.fences = fences;
	m.n_fences = HAVZ_RES_MAX;
	m.freeze = &freeze;
	rc = havz_metrics_render(&m, body);
out:
	free(cts);
	free(names);
	free(drbd);
	return rc;
}

static int32_t mconn_writable(int32_t fd, int32_t revents, void *data)
{
	struct mconn *c = data;
	ssize_t n;

	(void)fd;
	if (revents & (POLLERR | POLLNVAL | POLLHUP)) {
		mconn_close(c);
		return 0;
	}
	n = send(c->fd, c->out.data + c->sent, c->out.len - c->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		mconn_close(c);
		return 0;
	}
	c->sent += (size_t)n;
	if (c->sent == c->out.len)
		mconn_close(c);
	return 0;
}

static void mconn_answer(struct mconn *c, enum havz_http_verdict v, int head)
{
	struct havz_buf body = { 0 };
	int status = (int)v;

	if (v == HAVZ_HTTP_OK && render(c->d, &body)) {
		qb_log(LOG_ERR, "metrics: cannot render the metrics (out of memory)");
		havz_buf_free(&body);
		status = 503;
	}
	if (status != HAVZ_HTTP_OK)
		havz_buf_printf(&body, "%s\n", havz_http_reason(status));
	if (havz_http_response(&c->out, status,
			       status == HAVZ_HTTP_OK ? CONTENT_TYPE : "text/plain", body.data,
			       body.len, head) ||
	    qb_loop_poll_mod(c->d->loop, QB_LOOP_MED, c->fd, POLLOUT, c, mconn_writable)) {
		havz_buf_free(&body);
		mconn_close(c);
		return;
	}
	havz_buf_free(&body);
}

static int32_t mconn_readable(int32_t fd, int32_t revents, void *data)
{
	struct mconn *c = data;
	enum havz_http_verdict v;
	ssize_t got;
	int head;

	(void)fd;
	if (revents & (POLLERR | POLLNVAL)) {
		mconn_close(c);
		return 0;
	}
	got = recv(c->fd, c->req + c->have, sizeof(c->req) - c->have, MSG_DONTWAIT);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (got <= 0) {
		mconn_close(c);
		return 0;
	}
	c->have += (size_t)got;
	v = havz_http_request(c->req, c->have, &head);
	if (v == HAVZ_HTTP_INCOMPLETE)
		return 0;
	if (v != HAVZ_HTTP_OK)
		qb_log(LOG_INFO, "metrics: answered a request with %d %s", (int)v,
		       havz_http_reason((int)v));
	mconn_answer(c, v, head);
	return 0;
}

static int32_t on_accept(int32_t fd, int32_t revents, void *data)
{
	struct havzd *d = data;
	struct mconn *c;
	size_t slot = CONN_MAX;
	int cfd;

	(void)revents;
	cfd = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return 0;
	for (size_t i = 0; i < CONN_MAX; i++)
		if (!mconns[i]) {
			slot = i;
			break;
		}
	c = slot < CONN_MAX ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		qb_log(LOG_WARNING, "metrics: too many connections; refusing one");
		close(cfd);
		return 0;
	}
	c->d = d;
	c->fd = cfd;
	if (qb_loop_poll_add(d->loop, QB_LOOP_MED, cfd, POLLIN, c, mconn_readable)) {
		close(cfd);
		free(c);
		return 0;
	}
	mconns[slot] = c;
	c->timer_set = qb_loop_timer_add(d->loop, QB_LOOP_MED, CONN_TIMEOUT_NS, c, mconn_timeout,
					 &c->timer) == 0;
	return 0;
}

int metrics_start(struct havzd *d)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	char host[HAVZ_ADDR_MAX], service[16];
	unsigned port;
	int one = 1, fd;

	pthread_mutex_lock(&d->lock);
	port = d->cfg->metrics_port;
	pthread_mutex_unlock(&d->lock);
	if (!port)
		return 0;
	snprintf(host, sizeof(host), "%s", d->listen_addr);
	host[strcspn(host, "/")] = '\0';
	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &ai) || !ai) {
		qb_log(LOG_ERR, "metrics: '%s' is not a numeric address", host);
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 8)) {
		int err = errno;

		qb_log(LOG_ERR, "metrics: cannot listen on %s port %u: %s", host, port,
		       strerror(err));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -err;
	}
	freeaddrinfo(ai);
	d->metrics_fd = fd;
	if (qb_loop_poll_add(d->loop, QB_LOOP_MED, fd, POLLIN, d, on_accept)) {
		qb_log(LOG_ERR, "metrics: cannot watch the listening socket");
		return -EIO;
	}
	qb_log(LOG_NOTICE, "metrics: serving http://%s:%u/metrics", host, port);
	return 0;
}

void metrics_stop(struct havzd *d)
{
	for (size_t i = 0; i < CONN_MAX; i++)
		if (mconns[i])
			mconn_close(mconns[i]);
	if (d->metrics_fd >= 0) {
		if (d->loop)
			qb_loop_poll_del(d->loop, d->metrics_fd);
		close(d->metrics_fd);
		d->metrics_fd = -1;
	}
}

static bool sw_seen(struct havzd *d, const struct havz_sw_summary *s)
{
	for (size_t i = 0; i < d->n_sw_seen; i++)
		if (!strcmp(d->sw_seen[i].name, s->name))
			return !strcmp(d->sw_seen[i].stamp, s->stamp);
	return false;
}

/* Remembers s as the last summary of its container. */
static void sw_remember(struct havzd *d, const struct havz_sw_summary *s)
{
	size_t i;

	for (i = 0; i < d->n_sw_seen; i++)
		if (!strcmp(d->sw_seen[i].name, s->name))
			break;
	if (i == d->n_sw_seen) {
		if (d->n_sw_seen == HAVZD_SW_SEEN_MAX)
			return;
		d->n_sw_seen++;
	}
	snprintf(d->sw_seen[i].name, sizeof(d->sw_seen[i].name), "%.*s", HAVZ_NAME_MAX, s->name);
	snprintf(d->sw_seen[i].stamp, sizeof(d->sw_seen[i].stamp), "%s", s->stamp);
}

void metrics_note_switchovers(struct havzd *d)
{
	struct havz_buf b = { 0 };
	char *save = NULL;

	if (havz_file_read(HAVZ_LAST_SWITCHOVER, 65536, &b) || !b.data) {
		havz_buf_free(&b);
		pthread_mutex_lock(&d->lock);
		d->sw_primed = true;
		pthread_mutex_unlock(&d->lock);
		return;
	}
	pthread_mutex_lock(&d->lock);
	for (char *l = strtok_r(b.data, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		struct havz_sw_summary s;

		if (havz_sw_summary_parse(l, &s) || sw_seen(d, &s))
			continue;
		if (d->sw_primed && s.live && s.freeze_ms >= 0)
			havz_histogram_observe(&d->freeze, (double)s.freeze_ms / 1000.0);
		sw_remember(d, &s);
	}
	d->sw_primed = true;
	pthread_mutex_unlock(&d->lock);
	havz_buf_free(&b);
}
