// SPDX-License-Identifier: GPL-2.0-only
/* The power fence of fence-peer: see fence_stonith.h. */
#include "cli/fence_stonith.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fencedev.h"
#include "common/fencestate.h"
#include "common/log.h"
#include "common/run.h"
#include "havz/fence_alert.h"
#include "havz/fence_history.h"
#include "havz/files.h"
#include "havz/survivor.h"

#define FENCE_OTHER 1
#define FENCE_UNREACHABLE 5
#define PROC_DRBD "/proc/drbd"
/* The device has this long to report the peer off after accepting the power-off. */
#define CONFIRM_MS 20000

/* Does any ping target answer an ICMP echo from here? */
static bool ping_reached(const struct havz_config *cfg)
{
	struct havz_run_result *res = malloc(sizeof(*res));
	bool reached = false;

	for (size_t i = 0; res && !reached && i < cfg->n_ping; i++) {
		const char *argv[] = { "ping", "-n", "-q", "-c",	 "2", "-i",
				       "0.2",  "-W", "1",  cfg->ping[i], NULL };
		struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;

		ro.timeout_ms = 5000;
		ro.capture = true;
		/* ping exits 0 when at least one echo came back. */
		reached = havz_run(argv, &ro, res) == 0 && res->status == 0;
		if (!reached)
			qb_log(LOG_WARNING, "fence-peer: ping target %s does not answer from here",
			       cfg->ping[i]);
	}
	free(res);
	return reached;
}

static void facts_gather(const struct havz_config *cfg, const struct havz_node *self,
			 const struct havz_node *peer, const struct havz_container *ct,
			 struct havz_survivor_facts *f)
{
	struct havz_buf proc = { 0 };
	struct havz_drbd_minor m;

	memset(f, 0, sizeof(*f));
	f->peer_has_device = peer->fence == HAVZ_FENCE_IPMI;
	f->first_node = self == &cfg->nodes[0];
	f->n_ping = cfg->n_ping;
	if (havz_file_read(PROC_DRBD, 1 << 20, &proc) == 0 && proc.data) {
		f->local_uptodate =
			havz_drbd_proc_minor(proc.data, ct->minor, &m) == 0 && m.uptodate;
		f->mine = havz_drbd_proc_primaries(proc.data, cfg);
	}
	f->theirs = (unsigned)cfg->n_containers - f->mine;
	havz_buf_free(&proc);
	if (f->peer_has_device && f->local_uptodate && f->n_ping)
		f->ping_reached = ping_reached(cfg);
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

int fence_peer_stonith(const struct havz_config *cfg, const struct havz_node *self,
		       const struct havz_node *peer, const struct havz_container *ct,
		       fence_ask_fn ask_again, void *ctx, char *alert, size_t alert_size)
{
	char res[HAVZ_NAME_MAX + 4], detail[HAVZ_FENCEDEV_DETAIL_MAX], why[HAVZ_FENCE_STATE_MAX];
	struct havz_survivor_facts f;
	enum havz_survivor_verdict v;
	enum havz_bmc_answer a;
	int lock, status = FENCE_OTHER;
	/* Each way out sets its outcome. */
	struct havz_fence_event ev = { .outcome = HAVZ_FENCE_PEER_ANSWERED,
				       .peer = peer->name,
				       .address = peer->fence_address,
				       .port = peer->fence_port };

	snprintf(res, sizeof(res), "ct-%s", ct->name);
	ev.resource = res;
	/* One handler per resource may run at once: the first fences, the others see it. */
	lock = havz_fence_lock();
	if (lock < 0)
		qb_log(LOG_WARNING, "fence-peer: no fence lock (%s): going on without",
		       strerror(-lock));
	facts_gather(cfg, self, peer, ct, &f);
	v = havz_survivor_decide(&f);
	if (v != HAVZ_SURVIVOR_FENCE_NOW && v != HAVZ_SURVIVOR_FENCE_AFTER_DELAY) {
		havz_fencestate_write("refused", peer->name, res, havz_survivor_reason(v));
		ev.outcome = HAVZ_FENCE_REFUSED;
		ev.why = havz_survivor_reason(v);
		goto out;
	}
	/* A peer the device already reports off is fenced (by us for another resource). */
	a = havz_fencedev_run(peer, HAVZ_BMC_STATUS, detail, sizeof(detail));
	if (a == HAVZ_BMC_OFF) {
		char last[HAVZ_FENCE_STATE_MAX];

		if (havz_fencestate_read(last, sizeof(last)))
			last[0] = '\0';
		ev.outcome = havz_fence_found_off(last, peer->name, (int64_t)time(NULL));
		havz_fencestate_write("fenced", peer->name, res, "the device reports the peer off");
		status = FENCE_STONITHED;
		goto out;
	}
	if (v == HAVZ_SURVIVOR_FENCE_AFTER_DELAY && cfg->fence_delay_ms) {
		snprintf(why, sizeof(why), "%s (%u ms; %u containers here, %u there)",
			 havz_survivor_reason(v), cfg->fence_delay_ms, f.mine, f.theirs);
		havz_fencestate_write("waiting", peer->name, res, why);
		sleep_ms(cfg->fence_delay_ms);
		/* The peer may be back (a short cut), or have fenced us (then we are gone). */
		status = ask_again(ctx);
		if (status != FENCE_UNREACHABLE) {
			snprintf(why, sizeof(why), "the peer answered after fence_delay (exit %d)",
				 status);
			havz_fencestate_write("refused", peer->name, res, why);
			ev.outcome = HAVZ_FENCE_PEER_ANSWERED;
			goto out;
		}
		status = FENCE_OTHER;
	}
	snprintf(why, sizeof(why), "powering %s off through %s:%u (%u containers here, %u there)",
		 peer->name, peer->fence_address, peer->fence_port, f.mine, f.theirs);
	havz_fencestate_write("fencing", peer->name, res, why);
	a = havz_fencedev_power(peer, false, CONFIRM_MS, detail, sizeof(detail));
	if (a == HAVZ_BMC_OFF) {
		havz_fencestate_write("fenced", peer->name, res, "the device confirmed power off");
		ev.outcome = HAVZ_FENCE_POWERED_OFF;
		status = FENCE_STONITHED;
	} else {
		snprintf(why, sizeof(why),
			 "%s at %s:%u: %s; nothing is promoted, I/O stays frozen on a Primary",
			 havz_bmc_answer_name(a), peer->fence_address, peer->fence_port,
			 detail[0] ? detail : "no detail");
		havz_fencestate_write("failed", peer->name, res, why);
		ev.outcome = HAVZ_FENCE_POWER_FAILED;
		ev.why = why;
	}
out:
	if (lock >= 0)
		close(lock);
	havz_fence_alert_detail(&ev, alert, alert_size);
	return status;
}

bool fence_peer_by_cluster(const struct havz_node *peer, const char *res, char *alert,
			   size_t alert_size)
{
	const char *argv[] = { "stonith_admin", "--history", peer->name, NULL };
	struct havz_run_result *out = malloc(sizeof(*out));
	struct havz_fence_event ev = { .outcome = HAVZ_FENCE_BY_CLUSTER,
				       .peer = peer->name,
				       .resource = res,
				       .address = peer->fence_address,
				       .port = peer->fence_port };
	char why[128], stamp[32];
	int64_t when = 0, now = (int64_t)time(NULL);
	bool fenced;
	struct tm tm;

	alert[0] = '\0';
	if (!out)
		return false;
	fenced = havz_run_logged("fence-peer", argv, 10000, out) == 0 && out->status == 0 &&
		 havz_fence_history_last_off(out->output, peer->name, &when) == 0 &&
		 when <= now + 5 && now - when <= HAVZ_FENCE_HISTORY_TRUST_S;
	free(out);
	if (!fenced)
		return false;
	time_t w = (time_t)when;

	gmtime_r(&w, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%SZ", &tm);
	snprintf(why, sizeof(why), "Pacemaker's fencer powered %s off at %s", peer->name, stamp);
	havz_fencestate_write("fenced", peer->name, res, why);
	snprintf(why, sizeof(why), "at %s, stonith_admin --history", stamp);
	ev.why = why;
	havz_fence_alert_detail(&ev, alert, alert_size);
	return true;
}
