/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pacemaker's fence history (`stonith_admin --history NODE`, text output of
 * Pacemaker 2.1): when the cluster's fencer last powered NODE off. fence-peer
 * under Pacemaker trusts it instead of asking the device again: the
 * scheduler promotes DRBD only after that fence, so the handler finds it.
 */
#ifndef HAVZ_FENCE_HISTORY_H
#define HAVZ_FENCE_HISTORY_H

#include <stdint.h>

/*
 * The time (seconds since the epoch, UTC) of the latest successful power-off
 * of node in text, from lines such as
 *   turning off of alpha successful: delegate=beta, ..., last-successful='2026-12-02 15:40:45Z'
 * (older Pacemaker: "off of alpha successful: ... completed='...'"). Reboots,
 * failed and pending fences do not count. 0, or -ENOENT when there is none.
 */
int havz_fence_history_last_off(const char *text, const char *node, int64_t *when_s);

#endif
