// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz fence-peer: DRBD's fence-peer handler without dopd. Asks the
 * peer's ha-vzd, over the authenticated control protocol, to outdate its
 * disk of the resource, and exits with DRBD 8.4's fence-peer codes.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli/commands.h"
#include "cli/fence_stonith.h"
#include "common/alerts.h"
#include "common/log.h"
#include "common/peer.h"
#include "common/run.h"
#include "havz/config.h"
#include "havz/render.h"
#include "havz/wire.h"

/* drbd.conf(5), 8.4, handler fence-peer. */
enum {
	FENCE_OTHER = 1,
	FENCE_INCONSISTENT = 3,
	FENCE_OUTDATED = 4,
	FENCE_UNREACHABLE = 5,
	FENCE_PRIMARY = 6
};

/* The first line a cluster tool prints (within 3 s), in line; false when it could not run. */
static bool first_line_of(const char *const argv[], char *line, size_t size)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res = malloc(sizeof(*res));
	bool ran;

	if (!res)
		return false;
	ro.capture = true;
	ro.timeout_ms = 3000;
	ran = havz_run(argv, &ro, res) == 0;
	if (ran)
		snprintf(line, size, "%.*s", (int)strcspn(res->output, "\n"), res->output);
	free(res);
	return ran;
}

/*
 * Has heartbeat declared the peer dead (no heartbeat on any link for
 * deadtime)? Then its ha-vzd, reached over one of those links, cannot answer
 * either: waiting for the connection to time out would only delay the
 * survivor's promotion by seconds, for the same answer (unreachable).
 */
static bool heartbeat_says_dead(const char *peer)
{
	const char *argv[] = { "cl_status", "nodestatus", peer, NULL };
	char line[64];

	/* It prints the status; its exit status is 1 for any node not active. */
	return first_line_of(argv, line, sizeof(line)) && !strcmp(line, "dead");
}

/*
 * Has corosync's membership lost the peer (runtime.members.ID.status "left",
 * ID as ha-vz render numbers the nodes)? Its knet links are the same
 * networks ha-vzd is reached over: as with heartbeat, asking would only wait
 * for the connection to time out.
 */
static bool corosync_says_left(const struct havz_config *cfg, const struct havz_node *peer)
{
	char key[64], line[128];
	const char *argv[] = { "corosync-cmapctl", "-g", key, NULL };
	size_t len;

	snprintf(key, sizeof(key), "runtime.members.%zu.status", (size_t)(peer - cfg->nodes) + 1);
	/* It prints "KEY (str) = left". */
	if (!first_line_of(argv, line, sizeof(line)))
		return false;
	len = strlen(line);
	return len >= 7 && !strcmp(line + len - 7, " = left");
}

struct fence_ask {
	const struct havz_config *cfg;
	const struct havz_node *self, *peer;
	const char *res;
	const struct havz_buf *key;
	unsigned timeout_s;
	bool left; /* set: corosync's membership lost the peer */
};

/*
 * Asks the peer's ha-vzd to outdate its disk of res: DRBD's exit status for
 * its answer, FENCE_UNREACHABLE when it cannot be asked.
 */
static int fence_ask_peer(void *ctx)
{
	struct fence_ask *a = ctx;
	struct havz_wire_msg *req = malloc(sizeof(*req)), *reply = malloc(sizeof(*reply));
	bool reached = false;
	int rc, status = FENCE_OTHER;

	if (a->cfg->stack == HAVZ_STACK_HEARTBEAT && heartbeat_says_dead(a->peer->name)) {
		qb_log(LOG_WARNING,
		       "fence-peer: %s: heartbeat declared %s dead on every link: not asking its "
		       "ha-vzd (unreachable there too)",
		       a->res, a->peer->name);
		status = FENCE_UNREACHABLE;
		goto out;
	}
	if (a->cfg->stack == HAVZ_STACK_PACEMAKER && corosync_says_left(a->cfg, a->peer)) {
		a->left = true;
		qb_log(LOG_WARNING,
		       "fence-peer: %s: corosync's membership lost %s on every link: not asking "
		       "its ha-vzd (unreachable there too)",
		       a->res, a->peer->name);
		status = FENCE_UNREACHABLE;
		goto out;
	}
	if (!req || !reply ||
	    havz_wire_request(req, HAVZ_OP_OUTDATE, a->self->name, a->res, (int64_t)time(NULL)))
		goto out;
	struct havz_peer_target t = {
		.addr = a->peer->management,
		.port = a->cfg->control_port,
		.name = a->peer->name,
		.key = a->key->data,
		.keylen = a->key->len,
		.connect_ms = 3000,
		.reply_ms = a->timeout_s * 1000,
	};
	rc = havz_peer_call(&t, req, reply, &reached);
	if (rc) {
		if (!reached) {
			qb_log(LOG_WARNING, "fence-peer: %s: peer %s (%s port %u) unreachable: %s",
			       a->res, a->peer->name, a->peer->management, a->cfg->control_port,
			       strerror(-rc));
			status = FENCE_UNREACHABLE;
		} else {
			qb_log(LOG_ERR, "fence-peer: %s: no valid answer from %s: %s%s", a->res,
			       a->peer->name, strerror(-rc),
			       rc == -ECONNRESET ? " (does the peer have the same cluster key?)"
						 : "");
		}
		goto out;
	}
	status = havz_wire_fence_exit(reply->result);
	qb_log(status == FENCE_OUTDATED || status == FENCE_INCONSISTENT ? LOG_NOTICE : LOG_WARNING,
	       "fence-peer: %s on %s: %s (exit %d)", a->res, a->peer->name,
	       havz_wire_result_name(reply->result), status);
out:
	free(req);
	free(reply);
	return status;
}

void usage_fence_peer(void)
{
	printf("Usage: ha-vz fence-peer [--resource RES] [-c FILE] [-n NODE] [--timeout "
	       "SECONDS]\n"
	       "                      [--alerts-dir DIR]\n\n"
	       "DRBD's fence-peer handler: asks the peer node's ha-vzd to outdate its disk\n"
	       "of RES (default: $DRBD_RESOURCE, as DRBD sets it), over the control port\n"
	       "on the management network, authenticated with the cluster key. Under\n"
	       "heartbeat, a peer that heartbeat has declared dead is not asked, nor under\n"
	       "Pacemaker one that corosync's membership lost: exit 5.\n"
	       "With fencing = resource-and-stonith, a peer that cannot be asked is powered\n"
	       "off through its fence device after the survivor rules (ha-vz.conf(5)):\n"
	       "exit 7 only when the device confirmed it off, else 1 (nothing promoted).\n"
	       "Then the alert hooks run (kind fence: powered off, failed, found off or\n"
	       "refused), for at most %u s in all; they never change the exit status.\n\n"
	       "  -r, --resource RES  DRBD resource, ct-NAME\n"
	       "  -c, --config FILE   configuration file (default %s)\n"
	       "  -n, --node NAME     this node (default: uname -n)\n"
	       "  -t, --timeout S     seconds to wait for the answer (default 10; connecting: 3)\n"
	       "      --alerts-dir DIR  the alert hooks (default " HAVZ_ALERTS_DIR ")\n"
	       "  -h, --help          this text\n\n"
	       "Exit status (drbd.conf(5)): 3 the peer's disk is Inconsistent or worse,\n"
	       "4 the peer's disk is Outdated now, 5 the peer is unreachable, 6 the peer\n"
	       "is Primary and refused, 7 the peer was powered off (resource-and-stonith),\n"
	       "1 any other error or no fence, 2 usage.\n",
	       HAVZ_ALERT_TIMEOUT_MS / 1000, HAVZ_DEFAULT_CONFIG);
}

int cmd_fence_peer(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "resource", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "alerts-dir", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = HAVZ_DEFAULT_CONFIG, *res = getenv("DRBD_RESOURCE"), *node = NULL;
	const char *alerts_dir = NULL;
	struct havz_config cfg;
	struct havz_buf key = { 0 };
	const struct havz_node *self, *peer;
	struct utsname uts;
	unsigned timeout_s = 10;
	int opt, rc, status = FENCE_OTHER;
	char *end;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "r:c:n:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': res = optarg; break;
		case 'c': path = optarg; break;
		case 'n': node = optarg; break;
		case 't':
			errno = 0;
			timeout_s = (unsigned)strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || timeout_s < 1 || timeout_s > 600) {
				qb_log(LOG_ERR, "fence-peer: --timeout: 1 to 600 seconds");
				return HAVZ_EXIT_USAGE;
			}
			break;
		case 'D':
			if (optarg[0] != '/') {
				qb_log(LOG_ERR, "fence-peer: --alerts-dir %s: not an absolute path",
				       optarg);
				return HAVZ_EXIT_USAGE;
			}
			alerts_dir = optarg;
			break;
		case 'h': usage_fence_peer(); return HAVZ_EXIT_OK;
		default: usage_fence_peer(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc || !res || !*res) {
		qb_log(LOG_ERR, "fence-peer: no resource (--resource, or DRBD_RESOURCE from DRBD)");
		return HAVZ_EXIT_USAGE;
	}
	if (!node) {
		if (uname(&uts))
			return FENCE_OTHER;
		uts.nodename[strcspn(uts.nodename, ".")] = '\0';
		node = uts.nodename;
	}
	if (cli_load_config(path, &cfg))
		return FENCE_OTHER;
	self = havz_config_node(&cfg, node);
	if (!self) {
		qb_log(LOG_ERR, "fence-peer: this node '%s' is not in %s (use -n)", node, path);
		goto out;
	}
	peer = havz_config_peer(&cfg, self);
	if (strncmp(res, "ct-", 3) || !havz_config_container(&cfg, res + 3)) {
		qb_log(LOG_ERR, "fence-peer: %s is not a container's resource in %s", res, path);
		goto out;
	}
	rc = havz_auth_key_read(cfg.auth_key_file, &key);
	if (rc) {
		qb_log(LOG_ERR, "fence-peer: cluster key %s: %s", cfg.auth_key_file,
		       rc == -EINVAL ? "not a valid key" : strerror(-rc));
		goto out;
	}
	struct fence_ask ask = {
		.cfg = &cfg,
		.self = self,
		.peer = peer,
		.res = res,
		.key = &key,
		.timeout_s = timeout_s,
	};
	status = fence_ask_peer(&ask);
	if (status == FENCE_UNREACHABLE && havz_config_stonith(&cfg)) {
		/* Short enough for the alert environment (HAVZ_ALERT_ENV_LEN): cut, not lost. */
		char alert[400];

		if (ask.left && fence_peer_by_cluster(peer, res, alert, sizeof(alert)))
			status = FENCE_STONITHED;
		else
			status = fence_peer_stonith(&cfg, self, peer,
						    havz_config_container(&cfg, res + 3),
						    fence_ask_peer, &ask, alert, sizeof(alert));
		/* After the fence lock is released; DRBD waits at most the alert timeout more,
		 * and what the hooks do never changes the exit status DRBD reads. */
		if (alert[0]) {
			struct havz_alerts_opts ao = { .dir = alerts_dir,
						       .total_ms = HAVZ_ALERT_TIMEOUT_MS };

			havz_alert_now(HAVZ_ALERT_FENCE, cfg.cluster_name, self->name, res + 3,
				       alert, &ao);
		}
	}
out:
	havz_buf_wipe_free(&key);
	havz_config_free(&cfg);
	return status;
}
