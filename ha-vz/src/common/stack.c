// SPDX-License-Identifier: GPL-2.0-only
/* The cluster stack's two sides (see stack.h). */
#include "common/stack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/run.h"
#include "havz/buf.h"
#include "havz/render_pacemaker.h"

/* Runs argv; 0 when it exited 0, else -EIO (or how it failed to run) with why set. */
static int run_ok(const char *const argv[], unsigned timeout_ms, char *why, size_t why_size)
{
	struct havz_run_result *res = malloc(sizeof(*res));
	int rc;

	if (!res)
		return -ENOMEM;
	rc = havz_run_logged("stack", argv, timeout_ms, res);
	if (rc)
		havz_why_set(why, why_size, "%s: %s", argv[0],
			     rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
	else if (res->status) {
		res->output[strcspn(res->output, "\n")] = '\0';
		havz_why_set(why, why_size, "%s exited with %d: %.200s", argv[0], res->status,
			     res->output);
		rc = -EIO;
	}
	free(res);
	return rc;
}

/* ---- heartbeat: haresources groups move all together ---- */

static int hb_place(const struct havz_config *cfg, const struct havz_container *const *cts,
		    size_t n, const struct havz_node *to, bool to_self, char *why, size_t why_size)
{
	const char *argv[] = { to_self ? HAVZ_HB_TAKEOVER : HAVZ_HB_STANDBY, "all", NULL };

	(void)cfg, (void)cts, (void)n, (void)to;
	return run_ok(argv, 60000, why, why_size);
}

static void hb_settle(const struct havz_config *cfg, const struct havz_container *const *cts,
		      size_t n, const struct havz_node *to)
{
	/* hb_standby leaves no constraint behind: auto_failback decides what comes back. */
	(void)cfg, (void)cts, (void)n, (void)to;
}

/* ---- pacemaker: each container's chain follows its DRBD clone's Promoted role ---- */

/*
 * The chain drbd (Promoted) <- fs <- ct is placed from its root: a preference on
 * ct-NAME alone moves nothing (the colocations do not pull the primary along),
 * one on the Promoted role of the DRBD clone moves all three.
 */

static int pcmk_place(const struct havz_config *cfg, const struct havz_container *const *cts,
		      size_t n, const struct havz_node *to, bool to_self, char *why,
		      size_t why_size)
{
	(void)cfg, (void)to_self;
	for (size_t i = 0; i < n; i++) {
		char id[HAVZ_NAME_MAX + 16];
		const char *argv[] = { HAVZ_CRM_RESOURCE, "--move", "--promoted", "--resource", id,
				       "--node",	  to->name, NULL };
		int rc;

		havz_pcmk_drbd_clone_id(cts[i]->name, id, sizeof(id));
		rc = run_ok(argv, 30000, why, why_size);
		if (rc)
			return rc;
	}
	return 0;
}

static void pcmk_settle(const struct havz_config *cfg, const struct havz_container *const *cts,
			size_t n, const struct havz_node *to)
{
	(void)cfg;
	for (size_t i = 0; i < n; i++) {
		char id[HAVZ_NAME_MAX + 16], why[300];
		/* Only our cli-prefer on `to`: an admin's own --ban elsewhere stays. */
		const char *argv[] = { HAVZ_CRM_RESOURCE, "--clear", "--promoted", "--resource", id,
				       "--node",	  to->name,  NULL };

		havz_pcmk_drbd_clone_id(cts[i]->name, id, sizeof(id));
		if (run_ok(argv, 30000, why, sizeof(why)))
			qb_log(LOG_WARNING,
			       "%s: the move constraint stays (%s): clear it with crm_resource "
			       "--clear --resource %s",
			       cts[i]->name, why, id);
	}
}

static const struct havz_stack_ops heartbeat = {
	.name = "heartbeat",
	.moves_one = false,
	.how = HAVZ_HB_STANDBY " all",
	.place = hb_place,
	.settle = hb_settle,
};

static const struct havz_stack_ops pacemaker = {
	.name = "pacemaker",
	.moves_one = true,
	.how = "crm_resource --move --promoted",
	.place = pcmk_place,
	.settle = pcmk_settle,
};

const struct havz_stack_ops *havz_stack_of(const struct havz_config *cfg)
{
	return cfg->stack == HAVZ_STACK_PACEMAKER ? &pacemaker : &heartbeat;
}
