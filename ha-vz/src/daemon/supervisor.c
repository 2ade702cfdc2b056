// SPDX-License-Identifier: GPL-2.0-only
/*
 * The supervisor thread: every monitor_interval, ask the peer for its
 * STATUS, then for each container this node holds (its mount point is
 * mounted) run the agent's monitor and act on the verdict of
 * havz_supervise_step (under Pacemaker only the peer poll: its monitors own the
 * containers). The lock is never held while a program runs.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/peer.h"
#include "common/preflight.h"
#include "common/run.h"
#include "common/swstate.h"
#include "daemon/daemon.h"
#include "havz/switchover.h"

#define MONITOR_TIMEOUT_MS 30000
#define START_TIMEOUT_MS 120000
#define STOP_TIMEOUT_MS 120000
#define STANDBY_TIMEOUT_MS 60000
#define PEER_CONNECT_MS 1000
#define PEER_REPLY_MS 3000
#define MOUNTINFO_MAX (1 << 20)

/* What one round needs, copied under the lock. */
struct round {
	struct havz_policy policy;
	/*
	 * Under Pacemaker its monitors restart and move the containers: no double supervision,
	 * only the state for status.
	 */
	bool containers_by_pacemaker;
	unsigned interval_ms;
	char config[HAVZ_PATH_MAX];
	struct {
		char name[HAVZ_NAME_MAX + 1];
		char mount[HAVZ_PATH_MAX];
	} * cts;
	size_t n_cts;
	char peer_name[HAVZ_NAME_MAX + 1], peer_addr[HAVZ_ADDR_MAX];
	unsigned port;
};

int supervisor_adopt(struct havzd *d, const struct havz_config *cfg)
{
	struct havzd_ct *cts = calloc(cfg->n_containers ? cfg->n_containers : 1, sizeof(*cts));

	if (!cts)
		return -ENOMEM;
	for (size_t i = 0; i < cfg->n_containers; i++) {
		snprintf(cts[i].name, sizeof(cts[i].name), "%s", cfg->containers[i].name);
		cts[i].sup.state = HAVZ_SUP_ABSENT;
		for (size_t j = 0; j < d->n_cts; j++)
			if (!strcmp(d->cts[j].name, cts[i].name)) {
				cts[i].sup = d->cts[j].sup;
				cts[i].restarts_total = d->cts[j].restarts_total;
			}
	}
	free(d->cts);
	d->cts = cts;
	d->n_cts = cfg->n_containers;
	return 0;
}

static int round_take(struct havzd *d, struct round *r)
{
	const struct havz_node *self, *peer;

	memset(r, 0, sizeof(*r));
	pthread_mutex_lock(&d->lock);
	r->policy.max_restarts = d->cfg->max_restarts;
	r->policy.window_ms = d->cfg->restart_window_ms;
	r->interval_ms = d->cfg->monitor_interval_ms;
	r->containers_by_pacemaker = d->cfg->stack == HAVZ_STACK_PACEMAKER;
	snprintf(r->config, sizeof(r->config), "%s", d->config_path);
	r->cts = calloc(d->cfg->n_containers ? d->cfg->n_containers : 1, sizeof(*r->cts));
	if (r->cts) {
		r->n_cts = d->cfg->n_containers;
		for (size_t i = 0; i < r->n_cts; i++) {
			snprintf(r->cts[i].name, sizeof(r->cts[i].name), "%s",
				 d->cfg->containers[i].name);
			snprintf(r->cts[i].mount, sizeof(r->cts[i].mount), "%s",
				 d->cfg->containers[i].mount);
		}
	}
	self = havz_config_node(d->cfg, d->node);
	peer = havz_config_peer(d->cfg, self);
	snprintf(r->peer_name, sizeof(r->peer_name), "%s", peer->name);
	snprintf(r->peer_addr, sizeof(r->peer_addr), "%s", peer->management);
	r->port = d->cfg->control_port;
	pthread_mutex_unlock(&d->lock);
	return r->cts ? 0 : -ENOMEM;
}

static struct havzd_ct *ct_find(struct havzd *d, const char *name)
{
	for (size_t i = 0; i < d->n_cts; i++)
		if (!strcmp(d->cts[i].name, name))
			return &d->cts[i];
	return NULL;
}

/* Logs a state change of a container, once. Called locked. */
static void ct_note(const char *name, enum havz_sup_state from, enum havz_sup_state to,
		    const char *why)
{
	if (from != to)
		qb_log(LOG_NOTICE, "container %s: %s -> %s%s%s", name, havz_sup_state_name(from),
		       havz_sup_state_name(to), why ? ": " : "", why ? why : "");
}

/* Logs a change of the comparison of the two nodes' ha-vz.conf, once. Called locked. */
static void config_note(struct havzd *d, const struct round *r, const char *local,
			const char *remote)
{
	enum havz_cfg_match m = havz_cfg_match(local, remote);

	if (m == d->config_match)
		return;
	if (m == HAVZ_CFG_DIFFERS)
		qb_log(LOG_WARNING,
		       "config: %s differs from %s's (sha256 %.12s here, %.12s there): run ha-vz "
		       "sync on the node whose copy is right",
		       r->config, r->peer_name, local, remote);
	else if (m == HAVZ_CFG_SAME)
		qb_log(LOG_NOTICE, "config: %s is the same as %s's (sha256 %.12s)", r->config,
		       r->peer_name, local);
	else if (!local[0])
		qb_log(LOG_WARNING, "config: cannot read %s: not compared with %s's", r->config,
		       r->peer_name);
	else
		qb_log(LOG_INFO, "config: %s's is not known: not compared", r->peer_name);
	d->config_match = m;
}

static void peer_poll(struct havzd *d, const struct round *r)
{
	struct havz_wire_msg *req = malloc(sizeof(*req)), *reply = malloc(sizeof(*reply));
	struct havz_wire_ct *cts = calloc(HAVZ_CONTAINERS_MAX, sizeof(*cts));
	struct havz_peer_target t = {
		.addr = r->peer_addr,
		.port = r->port,
		.name = r->peer_name,
		.key = d->key.data,
		.keylen = d->key.len,
		.connect_ms = PEER_CONNECT_MS,
		.reply_ms = PEER_REPLY_MS,
	};
	char local[HAVZ_SHA256_HEX + 1], remote[HAVZ_SHA256_HEX + 1] = "";
	size_t n = 0;
	bool reached = false, was;
	int rc = -ENOMEM;

	/* Both digests of this round: the file here now, the peer's in its answer. */
	havzd_config_digest(d, local);
	if (req && reply && cts) {
		rc = havz_wire_request(req, HAVZ_OP_STATUS, d->node, HAVZ_WIRE_STATUS_CONFIG,
				       (int64_t)time(NULL));
		if (!rc)
			rc = havz_peer_call(&t, req, reply, &reached);
		if (!rc && reply->result != HAVZ_RES_OK)
			rc = -EACCES;
		if (!rc)
			rc = havz_wire_status_get(reply, remote, cts, HAVZ_CONTAINERS_MAX, &n);
		if (rc)
			remote[0] = '\0';
	}
	pthread_mutex_lock(&d->lock);
	was = d->peer_known && d->peer_reachable;
	if (!d->peer_known || was != !rc)
		qb_log(rc ? LOG_WARNING : LOG_NOTICE, "peer %s: %s%s%s", r->peer_name,
		       rc ? "unreachable" : "reachable", rc ? ": " : "", rc ? strerror(-rc) : "");
	d->peer_known = true;
	d->peer_reachable = !rc;
	d->peer_checked_ms = havzd_now_ms();
	snprintf(d->peer_error, sizeof(d->peer_error), "%s", rc ? strerror(-rc) : "");
	free(d->peer_cts);
	d->peer_cts = rc ? NULL : cts;
	d->n_peer_cts = rc ? 0 : n;
	snprintf(d->peer_config_sha256, sizeof(d->peer_config_sha256), "%s", remote);
	config_note(d, r, local, remote);
	if (!rc)
		cts = NULL;
	pthread_mutex_unlock(&d->lock);
	free(cts);
	free(req);
	free(reply);
}

/* /proc/self/mountinfo, whose size stat does not tell. */
static char *mountinfo_read(void)
{
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	int fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);

	if (!buf || fd < 0)
		goto fail;
	for (;;) {
		ssize_t got;

		if (len + 1 >= cap) {
			char *grown;

			if (cap >= MOUNTINFO_MAX)
				goto fail;
			grown = realloc(buf, cap * 2);
			if (!grown)
				goto fail;
			buf = grown;
			cap *= 2;
		}
		got = read(fd, buf + len, cap - len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			goto fail;
		if (got == 0)
			break;
		len += (size_t)got;
	}
	close(fd);
	buf[len] = '\0';
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* Runs one agent action with the OCF environment. Returns the OCF rc, or -1 on timeout/failure to
 * run. */
static int agent_run(struct havzd *d, const struct round *r, const char *name, const char *action,
		     unsigned timeout_ms, bool *timed_out)
{
	char e_name[HAVZ_NAME_MAX + 32], e_inst[HAVZ_NAME_MAX + 32], e_conf[HAVZ_PATH_MAX + 32],
		e_interval[64], e_timeout[64];
	const char *envp[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
		"OCF_ROOT=/usr/lib/ocf",
		"OCF_RA_VERSION_MAJOR=1",
		"OCF_RA_VERSION_MINOR=1",
		"OCF_RESOURCE_TYPE=container",
		"OCF_RESOURCE_PROVIDER=ha-vz",
		e_name,
		e_inst,
		e_conf,
		e_interval,
		e_timeout,
		"HA_LOGTAG=ha-vzd",
		NULL,
	};
	const char *argv[] = { d->agent, action, NULL };
	struct havz_run_opts o = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res = malloc(sizeof(*res));
	int rc;

	*timed_out = false;
	if (!res)
		return -1;
	snprintf(e_name, sizeof(e_name), "OCF_RESKEY_name=%s", name);
	snprintf(e_inst, sizeof(e_inst), "OCF_RESOURCE_INSTANCE=%s", name);
	snprintf(e_conf, sizeof(e_conf), "OCF_RESKEY_config=%s", r->config);
	snprintf(e_interval, sizeof(e_interval), "OCF_RESKEY_CRM_meta_interval=%u",
		 strcmp(action, "monitor") ? 0 : r->interval_ms);
	snprintf(e_timeout, sizeof(e_timeout), "OCF_RESKEY_CRM_meta_timeout=%u", timeout_ms);
	o.envp = envp;
	o.timeout_ms = timeout_ms;
	o.capture = true;
	rc = havz_run(argv, &o, res);
	*timed_out = res->timed_out;
	if (rc && !res->timed_out) {
		qb_log(LOG_ERR, "container %s: cannot run %s %s: %s", name, d->agent, action,
		       strerror(-rc));
		free(res);
		return -1;
	}
	if (res->timed_out)
		qb_log(LOG_WARNING, "container %s: agent %s timed out after %u ms", name, action,
		       timeout_ms);
	else if (res->status != 0 && !(res->status == 7 && !strcmp(action, "monitor")))
		qb_log(LOG_WARNING, "container %s: agent %s exited with %d: %.300s", name, action,
		       res->status, res->output);
	rc = res->timed_out ? -1 : res->status;
	free(res);
	return rc;
}

static void handover(const char *name, const char *why)
{
	const char *argv[] = { HAVZD_HB_STANDBY, "all", NULL };
	struct havz_run_opts o = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res = malloc(sizeof(*res));
	int rc;

	qb_log(LOG_ALERT, "container %s: %s; handing this node's resources to the peer (%s all)",
	       name, why, HAVZD_HB_STANDBY);
	if (!res)
		return;
	o.timeout_ms = STANDBY_TIMEOUT_MS;
	o.capture = true;
	rc = havz_run(argv, &o, res);
	if (rc || res->status)
		qb_log(LOG_ERR, "container %s: %s all failed (%s, status %d): %.300s", name,
		       HAVZD_HB_STANDBY, rc ? strerror(-rc) : "ran", res->status, res->output);
	free(res);
}

/*
 * Heartbeat's ResourceManager takes or gives up resource groups on this
 * node right now: between its steps (mount, then the agent's start; the
 * agent's stop, then unmount) a container is legitimately not running.
 */
static bool resource_manager_busy(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	bool busy = false;

	while (d && !busy && (de = readdir(d))) {
		char path[64], cmd[512];
		ssize_t n;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		cmd[n] = '\0';
		for (ssize_t i = 0; i < n; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		busy = strstr(cmd, "heartbeat/ResourceManager") != NULL;
	}
	if (d)
		closedir(d);
	return busy;
}

/* The volume carries a switchover whose start has not run yet (within 5 minutes of its stop). */
static bool switchover_arriving(const char *name, const char *mount)
{
	/* Each round looks again: a bad report is logged when it is new, not every round. */
	static char last_why[HAVZ_REPORT_LINE_MAX + 128];
	char why[sizeof(last_why)] = "";
	struct havz_container ct;
	struct havz_report rep;
	int rc;

	memset(&ct, 0, sizeof(ct));
	snprintf(ct.name, sizeof(ct.name), "%s", name);
	snprintf(ct.mount, sizeof(ct.mount), "%s", mount);
	rc = havz_report_load(&ct, &rep, why, sizeof(why));
	if (rc == -EINVAL && strcmp(why, last_why))
		qb_log(LOG_WARNING, "container %s: switchover report ignored: %s", name, why);
	memcpy(last_why, why, sizeof(last_why));
	return rc == 0 && rep.stop_end && !rep.start_end &&
	       havz_realtime_ms() - rep.stop_end < 300000;
}

static void supervise_one(struct havzd *d, const struct round *r, size_t i, const char *mountinfo,
			  uint64_t now)
{
	const char *name = r->cts[i].name;
	char marker[HAVZ_PATH_MAX + 32], why[128];
	bool held = havz_mountinfo_has(mountinfo, r->cts[i].mount);
	bool unmanaged, timed_out, ok;
	enum havz_sup_state before;
	enum havz_monitor verdict;
	enum havz_action act;
	struct havzd_ct *ct;
	int rc;

	snprintf(marker, sizeof(marker), "%s/.ha-vz/unmanaged", r->cts[i].mount);
	unmanaged = held && access(marker, F_OK) == 0;
	pthread_mutex_lock(&d->lock);
	ct = ct_find(d, name);
	if (!ct) { /* gone in a reload meanwhile */
		pthread_mutex_unlock(&d->lock);
		return;
	}
	before = ct->sup.state;
	if (!held) {
		havz_supervise_absent(&ct->sup);
		ct_note(name, before, ct->sup.state, "not mounted here");
	} else if (unmanaged) {
		havz_supervise_unmanaged(&ct->sup);
		ct_note(name, before, ct->sup.state, "maintenance marker .ha-vz/unmanaged");
	} else if (before == HAVZ_SUP_ABSENT || before == HAVZ_SUP_UNMANAGED) {
		ct->sup.state = HAVZ_SUP_UNKNOWN;
		ct_note(name, before, ct->sup.state, "held by this node");
	}
	pthread_mutex_unlock(&d->lock);
	if (!held || unmanaged)
		return;
	/* A switchover runs here or arrives, or the agent starts or stops it: not ours to judge. */
	if (havz_swlock_busy() || havz_agent_busy(name) || resource_manager_busy() ||
	    switchover_arriving(name, r->cts[i].mount)) {
		qb_log(LOG_DEBUG, "container %s: switchover or agent action in progress", name);
		return;
	}

	rc = agent_run(d, r, name, "monitor", MONITOR_TIMEOUT_MS, &timed_out);
	pthread_mutex_lock(&d->lock);
	ct = ct_find(d, name);
	if (!ct) {
		pthread_mutex_unlock(&d->lock);
		return;
	}
	before = ct->sup.state;
	verdict = havz_monitor_classify(rc, timed_out);
	if (r->containers_by_pacemaker) { /* for status only: Pacemaker acts */
		havz_supervise_observe(&ct->sup, verdict);
		ct_note(name, before, ct->sup.state, "monitor (observed; Pacemaker acts)");
		pthread_mutex_unlock(&d->lock);
		return;
	}
	act = havz_supervise_step(&ct->sup, &r->policy, verdict, now);
	if (timed_out)
		snprintf(why, sizeof(why), "monitor timed out");
	else
		snprintf(why, sizeof(why), "monitor rc %d, %u restarts in the window", rc,
			 havz_supervise_restarts(&ct->sup, &r->policy, now));
	ct_note(name, before, ct->sup.state, why);
	pthread_mutex_unlock(&d->lock);

	if (act == HAVZ_ACT_HANDOVER) {
		havz_supervise_handover_why(verdict, &r->policy, why, sizeof(why));
		pthread_mutex_lock(&d->lock);
		d->failovers++;
		pthread_mutex_unlock(&d->lock);
		alerts_post(d, HAVZ_ALERT_FAILOVER, name,
			    "%s; handing this node's resources to the peer", why);
		handover(name, why);
		return;
	}
	if (act != HAVZ_ACT_RESTART)
		return;
	qb_log(LOG_NOTICE, "container %s: restarting (stop, then start)", name);
	agent_run(d, r, name, "stop", STOP_TIMEOUT_MS, &timed_out);
	ok = agent_run(d, r, name, "start", START_TIMEOUT_MS, &timed_out) == 0;
	pthread_mutex_lock(&d->lock);
	ct = ct_find(d, name);
	if (ct) {
		before = ct->sup.state;
		ct->restarts_total++;
		havz_supervise_restarted(&ct->sup, ok);
		ct_note(name, before, ct->sup.state, ok ? "restarted" : "restart failed");
	}
	pthread_mutex_unlock(&d->lock);
	alerts_post(d, HAVZ_ALERT_RESTART, name, "%s after: %s",
		    ok ? "restarted" : "restart failed", why);
}

/* The preflight the peer asked for (PREFLIGHT): seconds of criu probes, so not in the main loop. */
static void preflight_if_wanted(struct havzd *d)
{
	struct havz_preflight pf;
	bool wanted;

	pthread_mutex_lock(&d->lock);
	wanted = d->preflight_wanted;
	pthread_mutex_unlock(&d->lock);
	if (!wanted)
		return;
	havz_preflight_run(NULL, 1, &pf);
	qb_log(LOG_INFO, "preflight for the peer: %s%s%s",
	       pf.live ? "can restore" : "cannot restore",
	       pf.live ? (pf.lazy ? " lazily" : " fully") : ": ", pf.live ? "" : pf.reason);
	pthread_mutex_lock(&d->lock);
	d->preflight = pf;
	d->preflight_at_ms = havzd_now_ms();
	d->preflight_wanted = false;
	pthread_mutex_unlock(&d->lock);
}

static void *supervisor_main(void *arg)
{
	struct havzd *d = arg;

	for (;;) {
		struct round r;
		struct timespec until;
		char *mountinfo;
		unsigned interval = 1000;

		preflight_if_wanted(d);
		fencecheck_if_due(d);
		if (round_take(d, &r) == 0) {
			interval = r.interval_ms;
			peer_poll(d, &r);
			metrics_note_switchovers(d);
			mountinfo = mountinfo_read();
			if (!mountinfo)
				qb_log(LOG_ERR, "supervisor: cannot read /proc/self/mountinfo");
			for (size_t i = 0; mountinfo && i < r.n_cts; i++) {
				pthread_mutex_lock(&d->lock);
				bool quit = d->quit;
				pthread_mutex_unlock(&d->lock);
				if (quit)
					break;
				supervise_one(d, &r, i, mountinfo, (uint64_t)havzd_now_ms());
			}
			free(mountinfo);
			free(r.cts);
		}
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += interval / 1000;
		until.tv_nsec += (long)(interval % 1000) * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&d->lock);
		if (!d->quit)
			pthread_cond_timedwait(&d->wake, &d->lock, &until);
		if (d->quit) {
			pthread_mutex_unlock(&d->lock);
			return NULL;
		}
		pthread_mutex_unlock(&d->lock);
	}
}

int supervisor_start(struct havzd *d)
{
	int rc = pthread_create(&d->supervisor, NULL, supervisor_main, d);

	if (rc) {
		qb_log(LOG_ERR, "supervisor: cannot start the thread: %s", strerror(rc));
		return -rc;
	}
	d->supervisor_started = true;
	return 0;
}

void supervisor_stop(struct havzd *d)
{
	if (!d->supervisor_started)
		return;
	pthread_mutex_lock(&d->lock);
	d->quit = true;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	pthread_join(d->supervisor, NULL);
	d->supervisor_started = false;
}
