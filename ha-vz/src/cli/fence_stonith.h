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

#endif
