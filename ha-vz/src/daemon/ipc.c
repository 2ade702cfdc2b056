// SPDX-License-Identifier: GPL-2.0-only
/*
 * Local IPC (libqb, service "ha-vz"): deny by default; root and members
 * of the group haclient may connect. One request, HAVZD_IPC_STATUS, whose
 * reply (after the qb response header) is text, one fact per line:
 *
 *   version 1
 *   cluster NAME
 *   node NAME
 *   config PATH
 *   config_sha256 HEX|- PEER_HEX|-
 *   peer NAME reachable|unreachable|unknown AGE_MS
 *   ct NAME WHERE NODE STATE RESTARTS
 *
 * config_sha256: the SHA-256 of PATH as it is on disk now, and of the peer's
 * ha-vz.conf in its last STATUS answer ("-": not known; havz/cfgmatch.h
 * compares them).
 * WHERE is here, peer, nowhere (neither node holds it) or unknown (not
 * here, and the peer cannot be asked); NODE is the holder or "-"; STATE is
 * a havz_sup_state name or "-".
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <qb/qbipcs.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "havz/buf.h"

#define GROUP "haclient"

static struct havzd *daemon_of_loop; /* the poll handlers have no context argument */

static bool in_group(uid_t uid, gid_t gid)
{
	struct group *gr = getgrnam(GROUP);
	struct passwd *pw;
	gid_t groups[256];
	int n = 256;

	if (!gr)
		return false;
	if (gid == gr->gr_gid)
		return true;
	pw = getpwuid(uid);
	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == gr->gr_gid)
			return true;
	return false;
}

static int32_t on_accept(qb_ipcs_connection_t *c, uid_t uid, gid_t gid)
{
	(void)c;
	if (uid == 0 || in_group(uid, gid))
		return 0;
	qb_log(LOG_WARNING, "ipc: refused a client with uid %u gid %u (root or group %s only)",
	       (unsigned)uid, (unsigned)gid, GROUP);
	return -EACCES;
}

static void status_text(struct havzd *d, struct havz_buf *b)
{
	const struct havz_node *self, *peer;
	char local[HAVZ_SHA256_HEX + 1];
	int64_t age;

	havzd_config_digest(d, local);
	pthread_mutex_lock(&d->lock);
	self = havz_config_node(d->cfg, d->node);
	peer = havz_config_peer(d->cfg, self);
	age = d->peer_known ? havzd_now_ms() - d->peer_checked_ms : 0;
	havz_buf_printf(b, "version 1\ncluster %s\nnode %s\nconfig %s\n", d->cfg->cluster_name,
			d->node, d->config_path);
	havz_buf_printf(b, "config_sha256 %s %s\n", local[0] ? local : "-",
			d->peer_config_sha256[0] ? d->peer_config_sha256 : "-");
	havz_buf_printf(b, "peer %s %s %lld\n", peer->name,
			!d->peer_known	    ? "unknown"
			: d->peer_reachable ? "reachable"
					    : "unreachable",
			(long long)age);
	for (size_t i = 0; i < d->n_cts; i++) {
		const struct havzd_ct *ct = &d->cts[i];
		const struct havz_wire_ct *remote = NULL;

		for (size_t j = 0; j < d->n_peer_cts; j++)
			if (!strcmp(d->peer_cts[j].name, ct->name))
				remote = &d->peer_cts[j];
		if (ct->sup.state != HAVZ_SUP_ABSENT)
			havz_buf_printf(b, "ct %s here %s %s %zu\n", ct->name, d->node,
					havz_sup_state_name(ct->sup.state), ct->sup.n_restarts);
		else if (remote)
			havz_buf_printf(b, "ct %s peer %s %s %u\n", ct->name, peer->name,
					remote->state, remote->restarts);
		else
			havz_buf_printf(b, "ct %s %s - - 0\n", ct->name,
					d->peer_known && d->peer_reachable ? "nowhere" : "unknown");
	}
	pthread_mutex_unlock(&d->lock);
}

static int32_t on_msg(qb_ipcs_connection_t *c, void *data, size_t size)
{
	struct qb_ipc_request_header *req = data;
	struct qb_ipc_response_header hdr = { .id = HAVZD_IPC_STATUS, .error = 0 };
	struct havz_buf text = { 0 };
	struct iovec iov[2];

	if (size < sizeof(*req) || req->id != HAVZD_IPC_STATUS) {
		hdr.size = sizeof(hdr);
		hdr.error = -EINVAL;
		qb_ipcs_response_send(c, &hdr, sizeof(hdr));
		return 0;
	}
	status_text(daemon_of_loop, &text);
	if (text.err || !text.data) {
		hdr.error = text.err ? text.err : -ENOMEM;
		text.len = 0;
	}
	hdr.size = (int32_t)(sizeof(hdr) + text.len);
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = text.data;
	iov[1].iov_len = text.len;
	qb_ipcs_response_sendv(c, iov, text.len ? 2 : 1);
	havz_buf_free(&text);
	return 0;
}

static int32_t job_add(enum qb_loop_priority p, void *data, qb_loop_job_dispatch_fn fn)
{
	return qb_loop_job_add(daemon_of_loop->loop, p, data, fn);
}

static int32_t dispatch_add(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_add(daemon_of_loop->loop, p, fd, events, data, fn);
}

static int32_t dispatch_mod(enum qb_loop_priority p, int32_t fd, int32_t events, void *data,
			    qb_ipcs_dispatch_fn_t fn)
{
	return qb_loop_poll_mod(daemon_of_loop->loop, p, fd, events, data, fn);
}

static int32_t dispatch_del(int32_t fd)
{
	return qb_loop_poll_del(daemon_of_loop->loop, fd);
}

int ipc_start(struct havzd *d)
{
	static struct qb_ipcs_service_handlers sh = {
		.connection_accept = on_accept,
		.msg_process = on_msg,
	};
	static struct qb_ipcs_poll_handlers ph = {
		.job_add = job_add,
		.dispatch_add = dispatch_add,
		.dispatch_mod = dispatch_mod,
		.dispatch_del = dispatch_del,
	};
	qb_ipcs_service_t *s;
	int rc;

	daemon_of_loop = d;
	s = qb_ipcs_create(HAVZD_IPC_NAME, 0, QB_IPC_SOCKET, &sh);
	if (!s) {
		qb_log(LOG_ERR, "ipc: cannot create the service: %s", strerror(errno));
		return -EIO;
	}
	qb_ipcs_poll_handlers_set(s, &ph);
	rc = qb_ipcs_run(s);
	if (rc) {
		qb_log(LOG_ERR, "ipc: cannot run the service '%s': %s (another ha-vzd running?)",
		       HAVZD_IPC_NAME, strerror(-rc));
		qb_ipcs_unref(s);
		return rc;
	}
	d->ipcs = s;
	return 0;
}

void ipc_stop(struct havzd *d)
{
	if (d->ipcs) {
		qb_ipcs_destroy(d->ipcs);
		d->ipcs = NULL;
	}
}
