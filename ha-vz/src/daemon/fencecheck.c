// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vzd's periodic check of the fence device this node would use: the
 * peer's, asked for its power status at start and every FENCECHECK_MS, so
 * that a wrong password or a dead BMC shows in ha-vz status before the day
 * it is needed. Result in HAVZ_RUN_DIR/fence-device:
 *   ANSWER EPOCH_SECONDS NODE<TAB>what answered
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/fencedev.h"
#include "common/log.h"
#include "common/swstate.h"
#include "daemon/daemon.h"
#include "havz/files.h"

#define FENCECHECK_MS (5 * 60 * 1000)
#define FENCECHECK_PATH HAVZ_RUN_DIR "/fence-device"

void fencecheck_if_due(struct havzd *d)
{
	static int64_t last_ms;
	static enum havz_bmc_answer last_answer = HAVZ_BMC_ON;
	char detail[HAVZ_FENCEDEV_DETAIL_MAX], line[512];
	const struct havz_node *self;
	struct havz_node peer;
	enum havz_bmc_answer a;
	int64_t now = havzd_now_ms();
	int n;

	if (last_ms && now - last_ms < FENCECHECK_MS)
		return;
	last_ms = now;
	pthread_mutex_lock(&d->lock);
	self = havz_config_node(d->cfg, d->node);
	peer = *havz_config_peer(d->cfg, self);
	pthread_mutex_unlock(&d->lock);
	if (peer.fence != HAVZ_FENCE_IPMI)
		return;
	a = havz_fencedev_run(&peer, HAVZ_BMC_STATUS, detail, sizeof(detail));
	n = snprintf(line, sizeof(line), "%s %lld %s\t%s%s%s\n",
		     a == HAVZ_BMC_ON || a == HAVZ_BMC_OFF ? "ok" : "failing",
		     (long long)time(NULL), peer.name, havz_bmc_answer_name(a),
		     detail[0] ? ": " : "", detail);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = snprintf(line, sizeof(line), "failing %lld %s\t%s\n", (long long)time(NULL),
			     peer.name, havz_bmc_answer_name(a));
	if (a != HAVZ_BMC_ON && a != HAVZ_BMC_OFF)
		qb_log(LOG_WARNING, "fence device of %s (%s:%u) fails its check: %s%s%s", peer.name,
		       peer.fence_address, peer.fence_port, havz_bmc_answer_name(a),
		       detail[0] ? ": " : "", detail);
	else if (last_answer != a)
		qb_log(LOG_NOTICE, "fence device of %s answers: power %s", peer.name,
		       havz_bmc_answer_name(a));
	last_answer = a;
	if (havz_mkdir_parents(HAVZ_RUN_DIR, 0755) ||
	    havz_file_write_atomic(FENCECHECK_PATH, line, (size_t)n, 0644))
		qb_log(LOG_ERR, "cannot write %s", FENCECHECK_PATH);
}
