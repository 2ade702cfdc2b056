/* SPDX-License-Identifier: GPL-2.0-only */
/* The policy of [balance] in ha-vz.conf (the decision itself: havz/balance.h). */
#ifndef HAVZ_BALANCE_POLICY_H
#define HAVZ_BALANCE_POLICY_H

#include <stdbool.h>
#include <stdint.h>

struct havz_balance_policy {
	bool enabled;
	unsigned interval_ms;
	unsigned weight_cpu, weight_memory, weight_load; /* relative; their sum is > 0 */
	unsigned threshold_milli;			 /* imbalance to act on, 0.001 units */
	unsigned hold_rounds;				 /* rounds the imbalance must hold first */
	unsigned margin_milli;				 /* the least gain worth a move */
	unsigned max_moves_per_hour;
	uint64_t memory_headroom; /* bytes left free on the target after the container's limit */
	int quiet_start_min;	  /* minutes of the day (UTC); -1: no quiet hours */
	int quiet_end_min;	  /* the window may wrap midnight */
	unsigned cooldown_s;	  /* a container moved is not moved again within it */
};

/* The defaults of [balance] (off; Proxmox CRS's threshold 0.3, hold 3, margin 0.1). */
void havz_balance_policy_default(struct havz_balance_policy *p);

#endif
