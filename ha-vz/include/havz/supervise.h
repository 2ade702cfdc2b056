/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What ha-vzd does about one local container after each monitor: pure
 * decisions (the daemon runs the agent and heartbeat). A failed monitor
 * restarts the container until max_restarts restarts fall within
 * restart_window; one more failure hands the node's resources to the peer,
 * once, until the container has left this node.
 */
#ifndef HAVZ_SUPERVISE_H
#define HAVZ_SUPERVISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HAVZ_RESTARTS_MAX 101 /* config allows max_restarts up to 100 */

enum havz_sup_state {
	HAVZ_SUP_ABSENT,  /* not held by this node (its mount point is not mounted) */
	HAVZ_SUP_UNKNOWN, /* held, not monitored yet */
	HAVZ_SUP_RUNNING,
	HAVZ_SUP_RESTARTING, /* a restart was decided and runs */
	HAVZ_SUP_FAILED,     /* the last monitor or restart failed */
	HAVZ_SUP_HANDOVER,   /* resources handed to the peer; no more restarts here */
	HAVZ_SUP_BROKEN,     /* the agent says its configuration is invalid: left alone */
	HAVZ_SUP_UNMANAGED,  /* maintenance marker present: not monitored */
	HAVZ_SUP_STATES
};

/* What the monitor said, from the OCF exit code. */
enum havz_monitor {
	HAVZ_MON_RUNNING,
	HAVZ_MON_NOT_RUNNING,
	HAVZ_MON_FAILED,
	HAVZ_MON_TIMEOUT,
	HAVZ_MON_NOT_INSTALLED,	 /* OCF_ERR_INSTALLED: this node cannot run it */
	HAVZ_MON_NOT_CONFIGURED, /* OCF_ERR_CONFIGURED: no node can */
};

enum havz_action {
	HAVZ_ACT_NONE,
	HAVZ_ACT_RESTART,  /* agent stop, then start */
	HAVZ_ACT_HANDOVER, /* hb_standby all */
};

struct havz_policy {
	unsigned max_restarts;
	uint64_t window_ms;
};

struct havz_supervise {
	enum havz_sup_state state;
	uint64_t
		restarts[HAVZ_RESTARTS_MAX]; /* times of the restarts in the window, oldest first */
	size_t n_restarts;
	bool handed_over;
};

/* OCF rc (or the run's timeout) to a monitor verdict. */
enum havz_monitor havz_monitor_classify(int rc, bool timed_out);

/* Restarts within the window ending at now (older ones are forgotten). */
unsigned havz_supervise_restarts(struct havz_supervise *s, const struct havz_policy *p,
				 uint64_t now);

/* One monitor result for a held container: the new state and what to do. */
enum havz_action havz_supervise_step(struct havz_supervise *s, const struct havz_policy *p,
				     enum havz_monitor m, uint64_t now);

/* The outcome of a restart decided by havz_supervise_step. */
void havz_supervise_restarted(struct havz_supervise *s, bool ok);

/* The container is not held here, or is under maintenance. */
void havz_supervise_absent(struct havz_supervise *s);
void havz_supervise_unmanaged(struct havz_supervise *s);

/*
 * Under Pacemaker, which restarts and moves the containers itself: the state
 * a monitor's verdict shows (running, broken, else failed), with no action,
 * no restart counted and no handover state.
 */
void havz_supervise_observe(struct havz_supervise *s, enum havz_monitor verdict);

const char *havz_sup_state_name(enum havz_sup_state st);

/*
 * Why havz_supervise_step handed over, for the log (the ALERT line that
 * precedes hb_standby): last is the monitor verdict that decided it.
 */
void havz_supervise_handover_why(enum havz_monitor last, const struct havz_policy *p, char *out,
				 size_t size);

/*
 * Whether path is a mount point in the text of /proc/self/mountinfo (the
 * fifth field, with its octal escapes such as \040 undone). path must be
 * absolute and without a trailing slash (except "/").
 */
bool havz_mountinfo_has(const char *mountinfo, const char *path);

#endif
