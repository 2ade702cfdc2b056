// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz status: asks the local ha-vzd over libqb IPC and prints the
 * cluster as this node sees it, as text or as one JSON object:
 *
 * {"version":1,"cluster":"demo","node":"alpha","daemon":"running",
 *  "config":"/etc/ha-vz/ha-vz.conf",
 *  "config_sync":{"sha256":"9f86d0…","peer_sha256":"9f86d0…","same":true},
 *  "peer":{"name":"beta","reachable":true,"checked_ms_ago":420},
 *  "containers":[{"name":"web","where":"here","node":"alpha","state":"running",
 *                 "restarts":0}],
 *  "drbd_standalone":[]}
 *
 * config_sync compares the SHA-256 of this node's ha-vz.conf on disk with
 * the peer's in its last STATUS answer: peer_sha256 and same are null while
 * the peer's is not known (unreachable, or an older ha-vzd), sha256 when this
 * node's file cannot be read. ("config" was already the path: keys are only
 * added.)
 * drbd_standalone names the containers whose DRBD resource is StandAlone here
 * (/proc/drbd, read by this command): not replicating, as after a split brain.
 * peer.reachable is null before ha-vzd first asked; where is "here",
 * "peer", "nowhere" or "unknown"; node and state are null unless the
 * container runs on a node. Keys are only ever added (version counts
 * incompatible changes).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qb/qbipcc.h>

#include "cli/commands.h"
#include "common/fencestate.h"
#include "common/container.h"
#include "common/log.h"
#include "common/swstate.h"
#include "havz/cfgmatch.h"
#include "havz/config.h"
#include "havz/digest.h"
#include "havz/files.h"
#include "havz/metrics.h"
#include "havz/switchover.h"

#define IPC_NAME "ha-vz"
#define IPC_STATUS 1
#define IPC_MAX (64 * 1024)
#define IPC_TIMEOUT_MS 5000

void usage_status(void)
{
	printf("Usage: ha-vz status [--json] [-c FILE]\n\n"
	       "Shows the cluster as the local ha-vzd sees it: this node, whether the peer\n"
	       "answers, whether its ha-vz.conf is the same as this node's (a WARNING when\n"
	       "not: run ha-vz sync on the node whose copy is right), and for every\n"
	       "container where it runs, its state and its restarts within the restart\n"
	       "window. Root or members of group haclient only.\n\n"
	       "  -j, --json          one JSON object (see ha-vz(8))\n"
	       "  -c, --config FILE   warn when ha-vzd runs another configuration file\n"
	       "  -h, --help          this text\n\n"
	       "Exit status: 0 shown, 1 failure (e.g. permission denied), 2 usage,\n"
	       "4 ha-vzd is not running.\n");
}

/* JSON string or null for "-". Names are restricted by the config; escape anyway. */
static void json_str(const char *s)
{
	if (!strcmp(s, "-")) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

struct status_line {
	char kind[16], a[HAVZ_PATH_MAX], b[HAVZ_PATH_MAX], c[64], d[64], e[32];
	int n;
};

static int split(const char *line, struct status_line *l)
{
	memset(l, 0, sizeof(*l));
	l->n = sscanf(line, "%15s %255s %255s %63s %63s %31s", l->kind, l->a, l->b, l->c, l->d,
		      l->e);
	return l->n;
}

/* The two digests of a config_sha256 line ("-": not known, as ""). */
struct config_digests {
	char local[HAVZ_SHA256_HEX + 1], peer[HAVZ_SHA256_HEX + 1];
	bool seen; /* an older ha-vzd sends no such line */
};

/* A digest of the line into out, "" for "-" or anything but a digest. */
static void digest_take(const char *word, char out[HAVZ_SHA256_HEX + 1])
{
	out[0] = '\0';
	if (havz_sha256_hex_valid(word))
		memcpy(out, word, HAVZ_SHA256_HEX + 1);
}

static void config_digests_take(const struct status_line *l, struct config_digests *c)
{
	if (l->n < 3)
		return;
	digest_take(l->a, c->local);
	digest_take(l->b, c->peer);
	c->seen = true;
}

/* The comparison of the two ha-vz.conf, after the peer line; a WARNING when they differ. */
static void print_config(const struct config_digests *c, const char *node, const char *peer)
{
	if (!c->seen)
		return;
	switch (havz_cfg_match(c->local, c->peer)) {
	case HAVZ_CFG_SAME:
		printf("config:   the same on both nodes (sha256 %.12s)\n", c->local);
		break;
	case HAVZ_CFG_DIFFERS:
		printf("config:   differs from %s's\n"
		       "  WARNING: ha-vz.conf differs between %s (sha256 %.12s) and %s (sha256 "
		       "%.12s): run ha-vz sync on the node whose copy is right\n",
		       peer, node, c->local, peer, c->peer);
		break;
	default:
		if (c->local[0])
			printf("config:   sha256 %.12s; %s's not known, not compared\n", c->local,
			       peer);
		else
			printf("config:   not compared: ha-vzd cannot read this node's file\n");
	}
}

static void print_text(char *text)
{
	struct config_digests digests = { 0 };
	char node[HAVZ_NAME_MAX + 1] = "this node";
	struct status_line l;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		split(line, &l);
		if (!strcmp(l.kind, "cluster") && l.n >= 2)
			printf("cluster:  %s\n", l.a);
		else if (!strcmp(l.kind, "node") && l.n >= 2) {
			printf("node:     %s (ha-vzd running)\n", l.a);
			snprintf(node, sizeof(node), "%.32s", l.a);
		} else if (!strcmp(l.kind, "config_sha256"))
			config_digests_take(&l, &digests);
		else if (!strcmp(l.kind, "peer") && l.n >= 4) {
			printf("peer:     %s %s%s%s%s\n", l.a, l.b,
			       strcmp(l.b, "unknown") ? " (checked " : "",
			       strcmp(l.b, "unknown") ? l.c : "",
			       strcmp(l.b, "unknown") ? " ms ago)" : "");
			print_config(&digests, node, l.a);
			printf("\n%-20s %-8s %-12s %-12s %s\n", "CONTAINER", "WHERE", "NODE",
			       "STATE", "RESTARTS");
		} else if (!strcmp(l.kind, "ct") && l.n >= 6)
			printf("%-20s %-8s %-12s %-12s %s\n", l.a, l.b, l.c, l.d, l.e);
	}
}

static void quiet(void *ctx, const char *message)
{
	(void)ctx;
	(void)message;
}

/* The report of ct's last switchover, from its volume when mounted here. */
static bool volume_report(const struct havz_container *ct, struct havz_report *r)
{
	char why[HAVZ_REPORT_LINE_MAX + 128];
	int rc;

	if (havz_ct_mount_check(ct))
		return false;
	rc = havz_report_load(ct, r, why, sizeof(why));
	if (rc == -EINVAL)
		qb_log(LOG_WARNING, "status: %s: switchover report not shown: %s", ct->name, why);
	return rc == 0;
}

/* The last switchover of each container held here, from the report on its volume. */
static void print_volume_reports(const char *path)
{
	struct havz_config cfg;
	bool first = true;

	if (havz_config_load(path, &cfg, quiet, NULL))
		return;
	for (size_t i = 0; i < cfg.n_containers; i++) {
		const struct havz_container *ct = &cfg.containers[i];
		struct havz_report r;

		if (volume_report(ct, &r)) {
			if (first)
				printf("\nlast switchover of the containers here:\n");
			first = false;
			printf("  %s %s %s->%s: %s; %s\n", ct->name, r.id, r.from, r.to,
			       r.stop_result[0] ? r.stop_result : "not stopped yet",
			       r.start_result[0] ? r.start_result : "not started yet");
		}
	}
	havz_config_free(&cfg);
}

/*
 * The containers whose DRBD resource is StandAlone on this node (/proc/drbd): not
 * replicating, as after a split brain (DRBD keeps both sides and disconnects) or a
 * disconnect by hand. Into names (n of them, at most max).
 */
static size_t standalone_containers(const struct havz_config *cfg, const char **names, size_t max)
{
	struct havz_drbd_dev *devs;
	struct havz_buf text = { 0 };
	size_t n_devs = 0, n = 0;

	devs = calloc(HAVZ_DRBD_DEVS_MAX, sizeof(*devs));
	if (!devs)
		return 0;
	if (havz_file_read("/proc/drbd", 1 << 20, &text) == 0 && text.data &&
	    havz_proc_drbd_parse(text.data, devs, HAVZ_DRBD_DEVS_MAX, &n_devs) == 0)
		for (size_t i = 0; i < cfg->n_containers && n < max; i++)
			for (size_t j = 0; j < n_devs; j++)
				if (devs[j].minor == cfg->containers[i].minor &&
				    !strcmp(devs[j].cstate, "standalone"))
					names[n++] = cfg->containers[i].name;
	havz_buf_free(&text);
	free(devs);
	return n;
}

static void print_standalone(const char *path)
{
	const char *names[HAVZ_CONTAINERS_MAX];
	struct havz_config cfg;
	size_t n;

	if (havz_config_load(path, &cfg, quiet, NULL))
		return;
	n = standalone_containers(&cfg, names, HAVZ_CONTAINERS_MAX);
	for (size_t i = 0; i < n; i++)
		printf("\nWARNING: %s: its DRBD resource ct-%s is StandAlone on this node: not "
		       "replicating. After a split brain (the split-brain alert) DRBD keeps both "
		       "sides: on the node whose side is given up, run 'ha-vz split-brain resolve "
		       "%s --keep OTHER-NODE' (it saves that side first)\n",
		       names[i], names[i], names[i]);
	havz_config_free(&cfg);
}

static void json_standalone(const struct havz_config *cfg)
{
	const char *names[HAVZ_CONTAINERS_MAX];
	size_t n = cfg ? standalone_containers(cfg, names, HAVZ_CONTAINERS_MAX) : 0;

	printf(",\"drbd_standalone\":[");
	for (size_t i = 0; i < n; i++) {
		printf("%s", i ? "," : "");
		json_str(names[i]);
	}
	printf("]");
}

/* The switchovers run from this node: one line per container (ha-vz switchover). */
static void print_last_switchover(void)
{
	struct havz_buf b = { 0 };
	bool first = true;

	if (havz_file_read(HAVZ_LAST_SWITCHOVER, 65536, &b) || !b.data) {
		havz_buf_free(&b);
		return;
	}
	for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n")) {
		if (first)
			printf("\nlast switchover from this node:\n");
		first = false;
		printf("  %s\n", line);
	}
	havz_buf_free(&b);
}

/* The last power fence from this node (common/fencestate.h), split into its fields. */
struct fence_line {
	char state[16], peer[HAVZ_NAME_MAX + 1], res[HAVZ_NAME_MAX + 4];
	long long when;
	const char *why;
};

static bool fence_line_read(char *buf, size_t size, struct fence_line *f)
{
	char *tab;

	if (havz_fencestate_read(buf, size) || !buf[0])
		return false;
	tab = strchr(buf, '\t');
	if (!tab)
		return false;
	*tab = '\0';
	f->why = tab + 1;
	return sscanf(buf, "%15s %lld %32s %35s", f->state, &f->when, f->peer, f->res) == 4;
}

static void print_fence_state(void)
{
	char buf[HAVZ_FENCE_STATE_MAX];
	struct fence_line f;

	if (!fence_line_read(buf, sizeof(buf), &f))
		return;
	printf("\nlast fence from this node: %s %s (%s), %llds ago: %s\n", f.state, f.peer, f.res,
	       (long long)time(NULL) - f.when, f.why);
	if (!strcmp(f.state, "waiting") || !strcmp(f.state, "fencing"))
		printf("  WARNING: DRBD waits for this fence: nothing is promoted until it is "
		       "confirmed\n");
	else if (!strcmp(f.state, "failed") || !strcmp(f.state, "refused"))
		printf("  WARNING: the peer was not fenced: nothing was promoted, I/O of a "
		       "Primary stays frozen until the peer is back or the admin acts\n");
}

/* HAVZ_RUN_DIR/fence-device, written by ha-vzd's periodic check of the peer's device. */
static bool fence_device_read(char *buf, size_t size, char *verdict, long long *when, char *node,
			      const char **what)
{
	struct havz_buf b = { 0 };
	char *tab;
	bool ok = false;

	if (havz_file_read(HAVZ_RUN_DIR "/fence-device", 1024, &b) == 0 && b.data) {
		snprintf(buf, size, "%.*s", (int)strcspn(b.data, "\n"), b.data);
		tab = strchr(buf, '\t');
		if (tab) {
			*tab = '\0';
			*what = tab + 1;
			ok = sscanf(buf, "%15s %lld %32s", verdict, when, node) == 3;
		}
	}
	havz_buf_free(&b);
	return ok;
}

static void print_fence_device(void)
{
	char buf[1024], verdict[16], node[HAVZ_NAME_MAX + 1];
	const char *what;
	long long when;

	if (!fence_device_read(buf, sizeof(buf), verdict, &when, node, &what))
		return;
	printf("\nfence device of %s: %s (checked %llds ago)\n", node, what,
	       (long long)time(NULL) - when);
	if (strcmp(verdict, "ok"))
		printf("  WARNING: the fence device of %s fails: a partition cannot be resolved "
		       "until it works (ha-vz fence-test %s)\n",
		       node, node);
}

static void json_fence_device(void)
{
	char buf[1024], verdict[16], node[HAVZ_NAME_MAX + 1];
	const char *what;
	long long when;

	if (!fence_device_read(buf, sizeof(buf), verdict, &when, node, &what))
		return;
	printf(",\"fence_device\":{\"node\":");
	json_str(node);
	printf(",\"ok\":%s,\"checked\":%lld,\"answer\":", strcmp(verdict, "ok") ? "false" : "true",
	       when);
	json_str(what);
	printf("}");
}

static void json_fence_state(void)
{
	char buf[HAVZ_FENCE_STATE_MAX];
	struct fence_line f;

	if (!fence_line_read(buf, sizeof(buf), &f))
		return;
	printf(",\"fence\":{\"state\":");
	json_str(f.state);
	printf(",\"peer\":");
	json_str(f.peer);
	printf(",\"resource\":");
	json_str(f.res);
	printf(",\"time\":%lld,\"why\":", f.when);
	json_str(f.why);
	printf("}");
}

/* "last_switchover":{...} of the container named, when its volume is mounted here. */
static void json_volume_report(const struct havz_config *cfg, const char *name)
{
	const struct havz_container *ct = cfg ? havz_config_container(cfg, name) : NULL;
	struct havz_report r;

	if (!ct || !volume_report(ct, &r))
		return;
	printf(",\"last_switchover\":{\"id\":");
	json_str(r.id);
	printf(",\"from\":");
	json_str(r.from);
	printf(",\"to\":");
	json_str(r.to);
	printf(",\"stop\":");
	json_str(r.stop_result);
	printf(",\"start\":");
	json_str(r.start_result);
	printf("}");
}

_Static_assert(HAVZ_NAME_MAX == 32, "the sscanf widths in json_last_switchovers");

/* "switchovers_from_here":[...]: HAVZ_LAST_SWITCHOVER, one line per container. */
static void json_last_switchovers(void)
{
	struct havz_buf b = { 0 };
	bool first = true;

	printf(",\"switchovers_from_here\":[");
	if (!havz_file_read(HAVZ_LAST_SWITCHOVER, 65536, &b) && b.data) {
		for (char *line = strtok(b.data, "\n"); line; line = strtok(NULL, "\n")) {
			/* widths in the format below: HAVZ_NAME_MAX (32) and these sizes - 1 */
			char ct[33], when[32], move[68], outcome[32];
			long long freeze;
			unsigned long long bytes;
			char *arrow;

			if (sscanf(line, "%32s %31s %67s freeze_ms=%lld bytes=%llu %31s", ct, when,
				   move, &freeze, &bytes, outcome) != 6 ||
			    !(arrow = strstr(move, "->")))
				continue;
			*arrow = '\0';
			printf("%s{\"container\":", first ? "" : ",");
			json_str(ct);
			printf(",\"time\":");
			json_str(when);
			printf(",\"from\":");
			json_str(move);
			printf(",\"to\":");
			json_str(arrow + 2);
			printf(",\"freeze_ms\":%lld,\"final_dump_bytes\":%llu,\"outcome\":", freeze,
			       bytes);
			json_str(outcome);
			printf("}");
			first = false;
		}
	}
	printf("]");
	havz_buf_free(&b);
}

/* "config_sync":{"sha256":..,"peer_sha256":..,"same":..} of a config_sha256 line. */
static void json_config(const struct status_line *l)
{
	struct config_digests c = { 0 };
	enum havz_cfg_match m;

	config_digests_take(l, &c);
	if (!c.seen)
		return;
	m = havz_cfg_match(c.local, c.peer);
	printf(",\"config_sync\":{\"sha256\":");
	json_str(c.local[0] ? c.local : "-");
	printf(",\"peer_sha256\":");
	json_str(c.peer[0] ? c.peer : "-");
	printf(",\"same\":%s}", m == HAVZ_CFG_UNKNOWN ? "null"
				: m == HAVZ_CFG_SAME  ? "true"
						      : "false");
}

static void print_json(char *text, const char *path)
{
	struct status_line l;
	struct havz_config cfg;
	bool first_ct = true, opened = false, have_cfg;

	have_cfg = havz_config_load(path, &cfg, quiet, NULL) == 0;
	printf("{\"version\":1,\"daemon\":\"running\"");
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		split(line, &l);
		if ((!strcmp(l.kind, "cluster") || !strcmp(l.kind, "node") ||
		     !strcmp(l.kind, "config")) &&
		    l.n >= 2) {
			printf(",\"%s\":", l.kind);
			json_str(l.a);
		} else if (!strcmp(l.kind, "config_sha256")) {
			json_config(&l);
		} else if (!strcmp(l.kind, "peer") && l.n >= 4) {
			printf(",\"peer\":{\"name\":");
			json_str(l.a);
			printf(",\"reachable\":%s,\"checked_ms_ago\":%lld}",
			       !strcmp(l.b, "reachable")     ? "true"
			       : !strcmp(l.b, "unreachable") ? "false"
							     : "null",
			       strtoll(l.c, NULL, 10));
		} else if (!strcmp(l.kind, "ct") && l.n >= 6) {
			if (!opened)
				printf(",\"containers\":[");
			opened = true;
			printf("%s{\"name\":", first_ct ? "" : ",");
			json_str(l.a);
			printf(",\"where\":");
			json_str(l.b);
			printf(",\"node\":");
			json_str(l.c);
			printf(",\"state\":");
			json_str(l.d);
			printf(",\"restarts\":%lu", strtoul(l.e, NULL, 10));
			json_volume_report(have_cfg ? &cfg : NULL, l.a);
			printf("}");
			first_ct = false;
		}
	}
	printf("%s", opened ? "]" : ",\"containers\":[]");
	json_last_switchovers();
	json_fence_state();
	json_fence_device();
	json_standalone(have_cfg ? &cfg : NULL);
	printf("}\n");
	if (have_cfg)
		havz_config_free(&cfg);
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct qb_ipc_request_header req = { .id = IPC_STATUS, .size = sizeof(req) };
	const char *path = NULL;
	bool json = false;
	qb_ipcc_connection_t *c;
	char *buf, *text;
	ssize_t got;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "jc:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'j': json = true; break;
		case 'c': path = optarg; break;
		case 'h': usage_status(); return HAVZ_EXIT_OK;
		default: usage_status(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		qb_log(LOG_ERR, "status: unexpected argument '%s'", argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	c = qb_ipcc_connect(IPC_NAME, IPC_MAX);
	if (!c) {
		int err = errno;

		if (err == EACCES || err == EPERM) {
			qb_log(LOG_ERR, "status: ha-vzd refused the connection: root or group "
					"haclient only");
			return HAVZ_EXIT_FAIL;
		}
		if (json)
			printf("{\"version\":1,\"daemon\":\"stopped\"}\n");
		qb_log(LOG_ERR,
		       "status: ha-vzd is not running on this node (no IPC service '%s': %s)",
		       IPC_NAME, strerror(err));
		return HAVZ_EXIT_NODAEMON;
	}
	buf = calloc(1, IPC_MAX + 1);
	if (!buf) {
		qb_ipcc_disconnect(c);
		return HAVZ_EXIT_FAIL;
	}
	got = qb_ipcc_sendv_recv(c, &(struct iovec){ .iov_base = &req, .iov_len = sizeof(req) }, 1,
				 buf, IPC_MAX, IPC_TIMEOUT_MS);
	qb_ipcc_disconnect(c);
	if (got < (ssize_t)sizeof(struct qb_ipc_response_header) ||
	    ((struct qb_ipc_response_header *)buf)->error) {
		qb_log(LOG_ERR, "status: no valid answer from ha-vzd (%s)",
		       got < 0 ? strerror((int)-got) : "bad reply");
		free(buf);
		return HAVZ_EXIT_FAIL;
	}
	buf[got] = '\0';
	text = buf + sizeof(struct qb_ipc_response_header);
	if (path) {
		const char *cfg = strstr(text, "\nconfig ");

		if (cfg && strncmp(cfg + 8, path, strlen(path)))
			qb_log(LOG_WARNING,
			       "status: ha-vzd runs with another configuration file than %s", path);
	}
	if (json)
		print_json(text, path ? path : HAVZ_DEFAULT_CONFIG);
	else
		print_text(text);
	if (!json) {
		print_volume_reports(path ? path : HAVZ_DEFAULT_CONFIG);
		print_last_switchover();
		print_fence_state();
		print_fence_device();
		print_standalone(path ? path : HAVZ_DEFAULT_CONFIG);
	}
	free(buf);
	return HAVZ_EXIT_OK;
}
