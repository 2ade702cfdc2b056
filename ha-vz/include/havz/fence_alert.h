/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the survivor's fence-peer tells the admin through the fence alert
 * (ha-vz-alerts(7)) once it has decided under fencing =
 * resource-and-stonith: which outcomes alert, and the alert's detail. Pure;
 * cli/fence_stonith.c fences and cli/cmd_fence.c runs the hooks.
 */
#ifndef HAVZ_FENCE_ALERT_H
#define HAVZ_FENCE_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A peer found off this long after this node fenced it was fenced by that handler. */
#define HAVZ_FENCE_ALERT_QUIET_S 600

enum havz_fence_outcome {
	HAVZ_FENCE_POWERED_OFF,	  /* the device confirmed the peer off */
	HAVZ_FENCE_POWER_FAILED,  /* the device did not confirm it off */
	HAVZ_FENCE_REFUSED,	  /* the survivor rules: no fence, nothing promoted */
	HAVZ_FENCE_FOUND_OFF,	  /* the device reported it off already, not fenced from here */
	HAVZ_FENCE_ALREADY_OFF,	  /* the same, just fenced from here: another handler alerted */
	HAVZ_FENCE_PEER_ANSWERED, /* the peer answered after fence_delay: not fenced */
	HAVZ_FENCE_BY_CLUSTER,	  /* Pacemaker's fencer powered it off (its fence history) */
};

struct havz_fence_event {
	enum havz_fence_outcome outcome;
	const char *peer;     /* the node fenced, or that would have been */
	const char *resource; /* ct-NAME, the handler's DRBD resource */
	const char *address;  /* the peer's fence device */
	unsigned port;
	const char *why; /* POWER_FAILED: the device's answer; REFUSED: the rule; may be NULL */
};

/*
 * The detail of the fence alert into out (one line, cut to size), and true;
 * false (out "") for the outcomes that alert nobody: ALREADY_OFF (the handler
 * that fenced alerted) and PEER_ANSWERED (nothing happened to the peer).
 */
bool havz_fence_alert_detail(const struct havz_fence_event *e, char *out, size_t size);

/*
 * A peer the device reports off: FOUND_OFF, or ALREADY_OFF when state (the
 * last line of HAVZ_RUN_DIR/fence-state, common/fencestate.h: "STATE EPOCH
 * PEER RESOURCE<TAB>why", or "") says this node fenced peer (state fenced)
 * within HAVZ_FENCE_ALERT_QUIET_S before now. DRBD runs one handler per
 * resource: the first one fences or finds the peer off and alerts, the
 * others find it fenced.
 */
enum havz_fence_outcome havz_fence_found_off(const char *state, const char *peer, int64_t now);

#endif
