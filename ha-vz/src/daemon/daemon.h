/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ha-vzd: one process, two threads. The main thread runs the libqb loop:
 * signals, the control port (DRBD fencing and STATUS for the peer) and the
 * local IPC server (ha-vz status). The supervisor thread monitors the
 * containers this node holds and restarts or hands them over; it is the
 * only one that runs the agent. Shared state is guarded by d->lock.
 */
#ifndef HAVZD_DAEMON_H
#define HAVZD_DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <qb/qbloop.h>

#include "havz/alert.h"
#include "havz/buf.h"
#include "havz/cfgmatch.h"
#include "havz/config.h"
#include "havz/metrics.h"
#include "havz/supervise.h"
#include "havz/switchover.h"
#include "havz/wire.h"

#define HAVZD_IPC_NAME "ha-vz"
#define HAVZD_IPC_STATUS 1 /* request id; the reply is the text described in ipc.c */
#define HAVZD_IPC_MAX (64 * 1024)

#ifndef HAVZ_OCF_DIR
#define HAVZ_OCF_DIR "/usr/lib/ocf/resource.d/ha-vz"
#endif
#define HAVZD_AGENT HAVZ_OCF_DIR "/container" /* the default of --agent */
/* Fixed paths of the cluster tools; a build for another layout overrides them (-D). */
#ifndef HAVZD_HB_STANDBY
#define HAVZD_HB_STANDBY "/usr/share/heartbeat/hb_standby"
#endif
#ifndef HAVZD_DRBDADM
#define HAVZD_DRBDADM "/usr/sbin/drbdadm"
#endif

struct havzd_ct {
	char name[HAVZ_NAME_MAX + 1];
	struct havz_supervise sup;
	uint64_t restarts_total; /* for the metrics: local restarts since ha-vzd started */
};

/* A switchover summary already counted in the freeze histogram (HAVZ_LAST_SWITCHOVER). */
struct havzd_sw_seen {
	char name[HAVZ_NAME_MAX + 1];
	char stamp[32];
};
#define HAVZD_SW_SEEN_MAX 64

struct havzd {
	qb_loop_t *loop;
	pthread_mutex_t lock; /* guards cfg, cts, peer_* and the supervisor's flags */
	pthread_cond_t wake;
	pthread_t supervisor;
	bool supervisor_started, quit;

	const char *config_path;
	struct havz_config *cfg;
	char node[HAVZ_NAME_MAX + 1];
	char listen_addr[HAVZ_ADDR_MAX];
	unsigned listen_port;
	struct havz_buf key; /* the cluster key; wiped on exit, never logged */

	struct havzd_ct *cts; /* one per configured container, in config order */
	size_t n_cts;

	/* The peer's last STATUS answer, refreshed by the supervisor. */
	bool peer_known, peer_reachable;
	int64_t peer_checked_ms; /* monotonic */
	char peer_error[64];
	struct havz_wire_ct *peer_cts;
	size_t n_peer_cts;
	/* The SHA-256 of the peer's ha-vz.conf in that answer; "": not known (unreachable,
	 * or a peer that does not send it). */
	char peer_config_sha256[HAVZ_SHA256_HEX + 1];
	enum havz_cfg_match config_match; /* the last comparison, logged when it changes */

	const char *agent; /* --agent: the OCF agent run for monitor, stop and start */

	/* This node's switchover preflight for the peer (PREFLIGHT), run by the supervisor. */
	bool preflight_wanted;
	int64_t preflight_at_ms; /* monotonic; 0: never run */
	struct havz_preflight preflight;

	int listen_fd;
	struct havz_wire_replay *replay;
	void *ipcs;

	/* What the metrics count since ha-vzd started (metrics.c). Guarded by lock. */
	uint64_t failovers;		   /* handovers started by the supervisor */
	uint64_t fences[HAVZ_RES_MAX + 1]; /* OUTDATE answers, by havz_wire_result */
	struct havz_histogram freeze;	   /* switchovers run from this node */
	struct havzd_sw_seen sw_seen[HAVZD_SW_SEEN_MAX];
	size_t n_sw_seen;
	bool sw_primed; /* the summaries found at start are not counted */
	uint64_t alerts_failed;
	int metrics_fd;

	/* The alert thread (alerts.c); its queue is guarded by lock too. */
	const char *alerts_dir; /* --alerts-dir; NULL: HAVZ_ALERTS_DIR */
	pthread_t alerter;
	pthread_cond_t alerts_wake;
	bool alerts_started, alerts_quit;
};

int64_t havzd_now_ms(void);

/* The size past which ha-vz.conf is not hashed (nor a sane configuration). */
#define HAVZD_CONFIG_FILE_MAX (1 << 20)
/*
 * The SHA-256 of the configuration file as it is on disk now (an edit not yet
 * reloaded counts: the copies on the two nodes are what an admin must keep the
 * same). false, and hex "", when it cannot be read.
 */
bool havzd_config_digest(const struct havzd *d, char hex[HAVZ_SHA256_HEX + 1]);

int control_start(struct havzd *d);
void control_stop(struct havzd *d);

int ipc_start(struct havzd *d);
void ipc_stop(struct havzd *d);

/* The Prometheus endpoint on the management address, port metrics_port (0: none). */
int metrics_start(struct havzd *d);
void metrics_stop(struct havzd *d);
/* Counts the switchovers summarised since the last call in the freeze histogram. */
void metrics_note_switchovers(struct havzd *d);

/* Alerts: queued here, run by their own thread. Call without d->lock held. */
int alerts_start(struct havzd *d);
void alerts_stop(struct havzd *d);
void alerts_post(struct havzd *d, enum havz_alert_kind kind, const char *container, const char *fmt,
		 ...) __attribute__((format(printf, 4, 5)));

int supervisor_start(struct havzd *d);
/* Asks the peer's fence device for its status at start and every few minutes (fencecheck.c). */
void fencecheck_if_due(struct havzd *d);
void supervisor_stop(struct havzd *d);
/* Rebuilds d->cts for a new configuration, keeping the state of containers that stay. Locked. */
int supervisor_adopt(struct havzd *d, const struct havz_config *cfg);

#endif
