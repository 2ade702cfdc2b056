// SPDX-License-Identifier: GPL-2.0-only
/*
 * The control port: the peer's requests over TCP (havz/wire.h). One
 * request per connection, read without blocking under a deadline, at most
 * CONN_MAX connections at once; anything malformed or unauthenticated is
 * logged and the connection closed without an answer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/container.h"
#include "common/log.h"
#include "common/run.h"
#include "common/swstate.h"
#include "daemon/daemon.h"
#include "havz/fence.h"

#define CONN_MAX 16
#define CONN_TIMEOUT_NS (5ULL * 1000000000ULL)
#define DRBDADM_TIMEOUT_MS 10000

struct conn {
	struct havzd *d;
	int fd;
	char from[INET6_ADDRSTRLEN + 8];
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	size_t have, need;
	qb_loop_timer_handle timer;
	bool timer_set;
};

static struct conn *conns[CONN_MAX];

static void conn_close(struct conn *c)
{
	for (size_t i = 0; i < CONN_MAX; i++)
		if (conns[i] == c)
			conns[i] = NULL;
	if (c->timer_set)
		qb_loop_timer_del(c->d->loop, c->timer);
	qb_loop_poll_del(c->d->loop, c->fd);
	close(c->fd);
	OPENSSL_cleanse(c->buf, sizeof(c->buf));
	free(c);
}

static void conn_timeout(void *data)
{
	struct conn *c = data;

	c->timer_set = false;
	qb_log(LOG_WARNING, "control: %s sent no complete request in time; closed", c->from);
	conn_close(c);
}

/*
 * Runs drbdadm CMD RES. Returns the result, its output (stdout and stderr)
 * to parse, when drbdadm exited 0; NULL when it did not (logged). Free it.
 */
static struct havz_run_result *drbdadm_argv(const char *const argv[], const char *cmd,
					    const char *res)
{
	struct havz_run_opts o = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *r = malloc(sizeof(*r));
	int rc;

	if (!r)
		return NULL;
	o.timeout_ms = DRBDADM_TIMEOUT_MS;
	o.capture = true;
	rc = havz_run(argv, &o, r);
	if (rc == -ETIMEDOUT)
		qb_log(LOG_WARNING, "control: drbdadm %s %s timed out after %d ms", cmd, res,
		       DRBDADM_TIMEOUT_MS);
	else if (rc)
		qb_log(LOG_WARNING, "control: cannot run %s: %s", HAVZD_DRBDADM, strerror(-rc));
	else if (r->status != 0)
		qb_log(LOG_WARNING, "control: drbdadm %s %s exited with %d: %.200s", cmd, res,
		       r->status, r->output);
	if (rc || r->status != 0) {
		free(r);
		return NULL;
	}
	return r;
}

static struct havz_run_result *drbdadm(const char *cmd, const char *res)
{
	const char *argv[] = { HAVZD_DRBDADM, cmd, res, NULL };

	return drbdadm_argv(argv, cmd, res);
}

static void drbd_read(const char *res, enum havz_drbd_role *role, enum havz_drbd_disk *disk)
{
	struct havz_run_result *r = drbdadm("role", res);

	*role = havz_drbd_role_parse(r ? r->output : NULL);
	free(r);
	r = drbdadm("dstate", res);
	*disk = havz_drbd_disk_parse(r ? r->output : NULL);
	free(r);
}

/* OUTDATE: the sequence of havz/fence.h, with the real drbdadm. */
static enum havz_wire_result do_outdate(struct havzd *d, const char *res)
{
	enum havz_drbd_role role;
	enum havz_drbd_disk disk;
	enum havz_wire_result answer;
	struct havz_run_result *r;
	bool known, ok;

	pthread_mutex_lock(&d->lock);
	known = havz_fence_container(d->cfg, res) != NULL;
	pthread_mutex_unlock(&d->lock);
	if (!known)
		return HAVZ_RES_UNKNOWN;
	drbd_read(res, &role, &disk);
	answer = havz_fence_answer(role, disk);
	if (answer != HAVZ_FENCE_RUN_OUTDATE)
		return answer;
	r = drbdadm("outdate", res);
	ok = r != NULL;
	free(r);
	/*
	 * Look again in any case: the disk may have changed under us (a resync, a
	 * promotion), and DRBD 8.4 accepts an outdate while it is still Connected
	 * and drops it (a Connected disk is never Outdated): exit 0, disk UpToDate.
	 * That is the usual case here: the Primary lost the link first (it writes;
	 * this Secondary notices only at its next ping). The Primary asks because
	 * it has lost us: drop our side of the dead connection, outdate, and listen
	 * again so that the link's return resyncs this node.
	 */
	drbd_read(res, &role, &disk);
	if (ok && role != HAVZ_ROLE_PRIMARY && disk == HAVZ_DISK_GOOD) {
		const char *argv[] = { HAVZD_DRBDADM, "--", "--force", "disconnect", res, NULL };

		qb_log(LOG_NOTICE, "control: %s still connected here: disconnect, outdate", res);
		free(drbdadm_argv(argv, "--force disconnect", res));
		r = drbdadm("outdate", res);
		free(r);
		r = drbdadm("connect", res);
		free(r);
		drbd_read(res, &role, &disk);
	}
	/* Outdated only when DRBD says so now. */
	return havz_fence_after_outdate(disk == HAVZ_DISK_OUTDATED, role, disk);
}

/* STATUS: the containers held here, after this ha-vz.conf's digest when the peer asks for it. */
static int do_status(struct havzd *d, const char *what, struct havz_wire_msg *reply)
{
	char hex[HAVZ_SHA256_HEX + 1];
	bool digest = false;
	struct havz_wire_ct *v;
	size_t n = 0;
	int rc;

	if (!strcmp(what, HAVZ_WIRE_STATUS_CONFIG))
		digest = havzd_config_digest(d, hex);

	pthread_mutex_lock(&d->lock);
	v = calloc(d->n_cts ? d->n_cts : 1, sizeof(*v));
	for (size_t i = 0; v && i < d->n_cts; i++) {
		if (d->cts[i].sup.state == HAVZ_SUP_ABSENT)
			continue;
		snprintf(v[n].name, sizeof(v[n].name), "%s", d->cts[i].name);
		snprintf(v[n].state, sizeof(v[n].state), "%s",
			 havz_sup_state_name(d->cts[i].sup.state));
		v[n].restarts = (unsigned)d->cts[i].sup.n_restarts;
		n++;
	}
	pthread_mutex_unlock(&d->lock);
	if (!v)
		return -ENOMEM;
	rc = havz_wire_status_set(reply, digest ? hex : NULL, v, n);
	free(v);
	return rc;
}

/*
 * SWITCHOVER: this node's clock, whether a switchover runs here, and the
 * report of the named container when its volume is mounted here.
 */
static int do_switchover(struct havzd *d, const char *name, struct havz_wire_msg *reply)
{
	const struct havz_container *ct;
	struct havz_container copy;
	struct havz_buf b = { 0 };
	bool have = false;
	int n;

	n = snprintf(reply->payload, sizeof(reply->payload), "now_ms=%lld\nbusy=%d\n",
		     (long long)havz_realtime_ms(), havz_swlock_busy() ? 1 : 0);
	if (n < 0 || (size_t)n >= sizeof(reply->payload))
		return -E2BIG;
	pthread_mutex_lock(&d->lock);
	ct = name[0] ? havz_config_container(d->cfg, name) : NULL;
	if (ct) {
		memset(&copy, 0, sizeof(copy));
		snprintf(copy.name, sizeof(copy.name), "%s", ct->name);
		snprintf(copy.mount, sizeof(copy.mount), "%s", ct->mount);
		have = true;
	}
	pthread_mutex_unlock(&d->lock);
	if (have && havz_ct_mount_check(&copy) == 0 &&
	    havz_report_read(&copy, HAVZ_WIRE_PAYLOAD_MAX - (size_t)n - 1, &b) == 0 && b.data)
		n += snprintf(reply->payload + n, sizeof(reply->payload) - (size_t)n, "%s", b.data);
	havz_buf_free(&b);
	reply->payload_len = (uint16_t)(n < HAVZ_WIRE_PAYLOAD_MAX ? n : HAVZ_WIRE_PAYLOAD_MAX);
	return 0;
}

#define PREFLIGHT_FRESH_MS 60000

/*
 * PREFLIGHT: this node's last preflight when it is under a minute old, else
 * state=pending and the supervisor runs one (criu probes take seconds).
 */
static int do_preflight(struct havzd *d, struct havz_wire_msg *reply)
{
	int64_t now = havzd_now_ms();
	int n;

	pthread_mutex_lock(&d->lock);
	if (d->preflight_at_ms && now - d->preflight_at_ms < PREFLIGHT_FRESH_MS) {
		const struct havz_preflight *pf = &d->preflight;

		n = snprintf(reply->payload, sizeof(reply->payload),
			     "state=done\nlive=%d\npredump=%d\nlazy=%d\nage_ms=%lld\nreason=%s\n"
			     "notes=%s\n",
			     pf->live, pf->predump, pf->lazy, (long long)(now - d->preflight_at_ms),
			     pf->reason, pf->notes);
	} else {
		d->preflight_wanted = true;
		pthread_cond_signal(&d->wake);
		n = snprintf(reply->payload, sizeof(reply->payload), "state=pending\n");
	}
	pthread_mutex_unlock(&d->lock);
	if (n < 0 || (size_t)n >= sizeof(reply->payload))
		return -E2BIG;
	reply->payload_len = (uint16_t)n;
	return 0;
}

static void conn_answer(struct conn *c, const struct havz_wire_msg *req, enum havz_wire_result res)
{
	struct havzd *d = c->d;
	struct havz_wire_msg *reply = malloc(sizeof(*reply));
	uint8_t out[HAVZ_WIRE_MSG_MAX];
	int n;

	if (!reply)
		return;
	if (havz_wire_reply(reply, req, d->node, res, (int64_t)time(NULL)) == 0 &&
	    (res != HAVZ_RES_OK || req->op == HAVZ_OP_OUTDATE ||
	     (req->op == HAVZ_OP_STATUS && do_status(d, req->resource, reply) == 0) ||
	     (req->op == HAVZ_OP_SWITCHOVER && do_switchover(d, req->resource, reply) == 0) ||
	     (req->op == HAVZ_OP_PREFLIGHT && do_preflight(d, reply) == 0))) {
		n = havz_wire_encode(reply, d->key.data, d->key.len, out, sizeof(out));
		/* Small and the socket is fresh: one send; a short write just loses the answer. */
		if (n > 0 && send(c->fd, out, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) != n)
			qb_log(LOG_WARNING, "control: could not send the answer to %s", c->from);
	}
	free(reply);
}

static void conn_request(struct conn *c)
{
	struct havzd *d = c->d;
	struct havz_wire_msg *req = malloc(sizeof(*req));
	const struct havz_node *self, *peer;
	char peer_name[HAVZ_NAME_MAX + 1];
	enum havz_wire_result res;
	int rc;

	if (!req)
		return;
	rc = havz_wire_decode(c->buf, c->have, d->key.data, d->key.len, req);
	if (rc) {
		qb_log(LOG_WARNING, "control: rejected a request from %s: %s", c->from,
		       rc == -EPERM ? "bad MAC (wrong cluster key?)" : "malformed message");
		goto out;
	}
	pthread_mutex_lock(&d->lock);
	self = havz_config_node(d->cfg, d->node);
	peer = self ? havz_config_peer(d->cfg, self) : NULL;
	snprintf(peer_name, sizeof(peer_name), "%s", peer ? peer->name : "");
	pthread_mutex_unlock(&d->lock);
	rc = havz_wire_check_request(req, peer_name, (int64_t)time(NULL), d->replay);
	if (rc) {
		qb_log(LOG_WARNING, "control: rejected a request from %s (sender %s): %s", c->from,
		       req->sender,
		       rc == -EACCES	 ? "not sent by the peer node"
		       : rc == -ESTALE	 ? "timestamp off by more than 30 s (clocks?)"
		       : rc == -EALREADY ? "replayed"
					 : "not a request");
		if (rc != -EBADMSG && rc != -EACCES)
			conn_answer(c, req, HAVZ_RES_REFUSED);
		goto out;
	}
	if (req->op == HAVZ_OP_OUTDATE) {
		qb_log(LOG_NOTICE, "control: %s asks to outdate %s", req->sender, req->resource);
		res = do_outdate(d, req->resource);
		pthread_mutex_lock(&d->lock);
		d->fences[res <= HAVZ_RES_MAX ? res : HAVZ_RES_FAILED]++;
		pthread_mutex_unlock(&d->lock);
		alerts_post(d, HAVZ_ALERT_FENCE,
			    strncmp(req->resource, "ct-", 3) ? "" : req->resource + 3,
			    "%s asked to outdate %s; answered: %s", req->sender, req->resource,
			    havz_wire_result_name(res));
		qb_log(LOG_NOTICE, "control: outdate %s for %s: %s", req->resource, req->sender,
		       havz_wire_result_name(res));
	} else {
		qb_log(LOG_DEBUG, "control: %s from %s",
		       req->op == HAVZ_OP_STATUS       ? "STATUS"
		       : req->op == HAVZ_OP_SWITCHOVER ? "SWITCHOVER"
						       : "PREFLIGHT",
		       req->sender);
		res = HAVZ_RES_OK;
	}
	conn_answer(c, req, res);
out:
	OPENSSL_cleanse(req, sizeof(*req));
	free(req);
}

static int32_t conn_readable(int32_t fd, int32_t revents, void *data)
{
	struct conn *c = data;
	ssize_t got;

	(void)fd;
	if (revents & (POLLERR | POLLNVAL)) {
		conn_close(c);
		return 0;
	}
	got = recv(c->fd, c->buf + c->have, c->need - c->have, MSG_DONTWAIT);
	if (got < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (got <= 0) {
		if (c->have)
			qb_log(LOG_WARNING, "control: %s closed after %zu bytes of a request",
			       c->from, c->have);
		conn_close(c);
		return 0;
	}
	c->have += (size_t)got;
	if (c->have < c->need)
		return 0;
	if (c->need == HAVZ_WIRE_HEADER) {
		int total = havz_wire_frame_len(c->buf, c->have);

		if (total < 0) {
			qb_log(LOG_WARNING, "control: rejected a request from %s: malformed header",
			       c->from);
			conn_close(c);
			return 0;
		}
		c->need = (size_t)total;
		return 0;
	}
	conn_request(c);
	conn_close(c);
	return 0;
}

static void addr_name(const struct sockaddr_storage *ss, char *out, size_t size)
{
	char host[INET6_ADDRSTRLEN] = "?";

	if (getnameinfo((const struct sockaddr *)ss, sizeof(*ss), host, sizeof(host), NULL, 0,
			NI_NUMERICHOST))
		snprintf(host, sizeof(host), "?");
	snprintf(out, size, "%s", host);
}

static int32_t on_accept(int32_t fd, int32_t revents, void *data)
{
	struct havzd *d = data;
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct conn *c;
	size_t slot = CONN_MAX;
	int cfd;

	(void)revents;
	cfd = accept4(fd, (struct sockaddr *)&ss, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return 0;
	for (size_t i = 0; i < CONN_MAX; i++)
		if (!conns[i]) {
			slot = i;
			break;
		}
	c = slot < CONN_MAX ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		qb_log(LOG_WARNING, "control: too many connections; refusing one");
		close(cfd);
		return 0;
	}
	c->d = d;
	c->fd = cfd;
	c->need = HAVZ_WIRE_HEADER;
	addr_name(&ss, c->from, sizeof(c->from));
	if (qb_loop_poll_add(d->loop, QB_LOOP_MED, cfd, POLLIN, c, conn_readable)) {
		close(cfd);
		free(c);
		return 0;
	}
	conns[slot] = c;
	c->timer_set = qb_loop_timer_add(d->loop, QB_LOOP_MED, CONN_TIMEOUT_NS, c, conn_timeout,
					 &c->timer) == 0;
	return 0;
}

int control_start(struct havzd *d)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE };
	struct addrinfo *ai = NULL;
	char host[HAVZ_ADDR_MAX], service[8];
	int one = 1, fd;

	snprintf(host, sizeof(host), "%s", d->listen_addr);
	host[strcspn(host, "/")] = '\0';
	snprintf(service, sizeof(service), "%u", d->listen_port);
	if (getaddrinfo(host, service, &hints, &ai) || !ai) {
		qb_log(LOG_ERR, "control: '%s' is not a numeric address", host);
		return -EINVAL;
	}
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 16)) {
		int err = errno;

		qb_log(LOG_ERR, "control: cannot listen on %s port %u: %s", host, d->listen_port,
		       strerror(err));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		return -err;
	}
	freeaddrinfo(ai);
	d->listen_fd = fd;
	if (qb_loop_poll_add(d->loop, QB_LOOP_MED, fd, POLLIN, d, on_accept)) {
		qb_log(LOG_ERR, "control: cannot watch the listening socket");
		return -EIO;
	}
	return 0;
}

void control_stop(struct havzd *d)
{
	for (size_t i = 0; i < CONN_MAX; i++)
		if (conns[i])
			conn_close(conns[i]);
	if (d->listen_fd >= 0) {
		if (d->loop)
			qb_loop_poll_del(d->loop, d->listen_fd);
		close(d->listen_fd);
		d->listen_fd = -1;
	}
}
