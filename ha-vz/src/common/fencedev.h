/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs a node's fence device (ipmitool, see havz/bmc.h) and waits for the
 * power state it must reach. Used by ha-vz fence-test, fence, fence-peer
 * and by ha-vzd's periodic device check.
 */
#ifndef HAVZ_COMMON_FENCEDEV_H
#define HAVZ_COMMON_FENCEDEV_H

#include "havz/bmc.h"
#include "havz/config.h"

#define HAVZ_FENCEDEV_DETAIL_MAX 256

/* One ipmitool run: the answer, and the BMC's words in detail. */
enum havz_bmc_answer havz_fencedev_run(const struct havz_node *n, enum havz_bmc_action action,
				       char *detail, size_t size);

/*
 * Powers n off (or on) and asks for the power status until it says so,
 * for at most confirm_ms. Returns HAVZ_BMC_OFF (or ON) only when the
 * device confirmed it; otherwise the answer that stopped it.
 */
enum havz_bmc_answer havz_fencedev_power(const struct havz_node *n, bool on, unsigned confirm_ms,
					 char *detail, size_t size);

#endif
