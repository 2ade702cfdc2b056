/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cluster stack under ha-vz, one interface with a side per stack
 * (heartbeat, pacemaker): where the stack is asked to run containers, and
 * the asking forgotten once they run there. Live or cold is not the stack's
 * business: the container agent's stop and start decide that from the
 * checkpoint marker on the volume, the same under both stacks.
 */
#ifndef HAVZ_STACK_H
#define HAVZ_STACK_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/config.h"

#ifndef HAVZ_HB_STANDBY
#define HAVZ_HB_STANDBY "/usr/share/heartbeat/hb_standby"
#endif
#ifndef HAVZ_HB_TAKEOVER
#define HAVZ_HB_TAKEOVER "/usr/share/heartbeat/hb_takeover"
#endif
#ifndef HAVZ_CRM_RESOURCE
#define HAVZ_CRM_RESOURCE "crm_resource"
#endif

struct havz_stack_ops {
	const char *name;
	/* Can it move one container while others stay here (per-resource placement)? */
	bool moves_one;
	/* What place() runs, for progress lines: "hb_standby all", "crm_resource --move". */
	const char *how;
	/*
	 * Asks the stack to run cts[0..n-1] on node `to` (self: take them back).
	 * 0 once asked (not once done: the caller watches), -errno with why set.
	 */
	int (*place)(const struct havz_config *cfg, const struct havz_container *const *cts,
		     size_t n, const struct havz_node *to, bool to_self, char *why,
		     size_t why_size);
	/* Forgets what place() asked for cts on `to`, so that nothing pins them there. */
	void (*settle)(const struct havz_config *cfg, const struct havz_container *const *cts,
		       size_t n, const struct havz_node *to);
};

const struct havz_stack_ops *havz_stack_of(const struct havz_config *cfg);

#endif
