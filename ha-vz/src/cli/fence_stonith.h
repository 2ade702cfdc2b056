/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fence-peer under fencing = resource-and-stonith, once the peer could not
 * be asked: the survivor rules (havz/survivor.h), then the power fence
 * through the peer's device. Answers DRBD 8.4's 7 ("peer was stonithed")
 * only when the device confirmed the peer off; 1 otherwise, so that DRBD
 * promotes nothing and keeps I/O frozen on a Primary.
 */
#ifndef HAVZ_CLI_FENCE_STONITH_H
#define HAVZ_CLI_FENCE_STONITH_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/config.h"

#define FENCE_STONITHED 7

/* Asks the peer's ha-vzd once more: its fence-peer exit status, or 5 when unreachable. */
typedef int (*fence_ask_fn)(void *ctx);

/*
 * alert (alert_size bytes): the fence alert's detail when the admin must hear
 * of it, "" otherwise (havz/fence_alert.h decides).
 */
int fence_peer_stonith(const struct havz_config *cfg, const struct havz_node *self,
		       const struct havz_node *peer, const struct havz_container *ct,
		       fence_ask_fn ask_again, void *ctx, char *alert, size_t alert_size);

/*
 * Under Pacemaker, for a peer that corosync's membership lost: did the
 * cluster's fencer power it off in the last HAVZ_FENCE_HISTORY_TRUST_S
 * seconds (stonith_admin --history)? Then it is fenced: true, with the fence
 * state written and alert set as fence_peer_stonith would, and its device is
 * not asked again (the scheduler promotes only after that fence, so the
 * handler of a promotion finds it). false: nothing found, nothing written.
 */
#define HAVZ_FENCE_HISTORY_TRUST_S 60
bool fence_peer_by_cluster(const struct havz_node *peer, const char *res, char *alert,
			   size_t alert_size);

#endif
