/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The switchover preflight as run on a node: gathers what CRIU needs here
 * (criu check and its features, kernel modules, iptables) and, for the node
 * that holds the container, the container's LXC settings, then judges it
 * with havz_preflight_eval (havz/switchover.h). Used by `ha-vz switchover`
 * on the old node and by ha-vzd for the peer's side (the restore).
 */
#ifndef HAVZ_PREFLIGHT_H
#define HAVZ_PREFLIGHT_H

#include "havz/config.h"
#include "havz/switchover.h"

/*
 * ct: the container whose config (on its mounted volume) is checked too; NULL
 * for this node alone (the peer's side, before its volume is mounted there).
 * precopy_rounds: the rounds asked for (0: no pre-dump). Always fills pf.
 */
void havz_preflight_run(const struct havz_container *ct, unsigned precopy_rounds,
			struct havz_preflight *pf);

#endif
