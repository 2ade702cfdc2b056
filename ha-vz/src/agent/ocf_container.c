// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz container: the OCF 1.1 resource agent for one LXC container of
 * ha-vz.conf. Installed as LIBEXECDIR/ocf-container and called through the
 * thin entry point OCFDIR/container. See ocf_ha-vz_container(7).
 *
 * One function per action and a dispatcher; the parameters are validated
 * before every action except meta-data and usage. Probes (monitor with
 * interval 0) never log errors for a stopped container.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/checkpoint.h"
#include "common/container.h"
#include "common/log.h"
#include "common/swstate.h"
#include "havz/config.h"
#include "havz/parse.h"
#include "havz/switchover.h"

enum {
	OCF_SUCCESS = 0,
	OCF_ERR_GENERIC = 1,
	OCF_ERR_ARGS = 2,
	OCF_ERR_UNIMPLEMENTED = 3,
	OCF_ERR_PERM = 4,
	OCF_ERR_INSTALLED = 5,
	OCF_ERR_CONFIGURED = 6,
	OCF_NOT_RUNNING = 7,
};

#define DEFAULT_SHUTDOWN_S 30
#define DEFAULT_ATTACH_S 10
#define DEFAULT_OP_MS 60000u
#define MARGIN_MS 2000u
#define MARKER_REL "/.ha-vz/checkpoint-on-stop"

struct agent {
	const char *action;
	const char *name;
	const char *config;
	const char *health_cmd;
	unsigned shutdown_ms, attach_ms, op_timeout_ms;
	bool mount_check;
	bool probe;
	unsigned check_level;
	struct havz_config cfg;
	bool cfg_loaded;
	const struct havz_container *ct;
};

/* ---- messages ---- */

/* The one-line reason Pacemaker shows for a failed action; also logged. */
static void exit_reason(const struct agent *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void exit_reason(const struct agent *a, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "ocf-exit-reason:%s\n", msg);
	fflush(stderr);
	if (!a->probe)
		qb_log(LOG_ERR, "%s", msg);
}

static const char *env(const char *key)
{
	const char *v = getenv(key);

	return v && *v ? v : NULL;
}

/* ---- meta-data ---- */

static void print_meta_data(void)
{
	printf("<?xml version=\"1.0\"?>\n"
	       "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
	       "<resource-agent name=\"container\" version=\"%s\">\n"
	       "<version>1.1</version>\n"
	       "<longdesc lang=\"en\">\n"
	       "Runs one LXC container of ha-vz.conf whose rootfs and LXC config live on its\n"
	       "own DRBD-backed file system (lxcpath = the container's mount point). Memory and\n"
	       "CPU limits, network (veth on the bridge with the service IP) and the settings\n"
	       "CRIU needs come from ha-vz.conf. When a switchover was requested\n"
	       "(MOUNT/.ha-vz/checkpoint-on-stop, written by ha-vz) and the container's\n"
	       "checkpoint policy is switchover, stop checkpoints the container and start\n"
	       "restores it; otherwise, or when that fails, it stops cleanly and starts cold.\n"
	       "</longdesc>\n"
	       "<shortdesc lang=\"en\">ha-vz LXC container on DRBD</shortdesc>\n"
	       "<parameters>\n",
	       HAVZ_VERSION);
	printf("<parameter name=\"name\" unique=\"1\" required=\"1\">\n"
	       "<longdesc lang=\"en\">Name of the container: a [container NAME] section of the "
	       "configuration.</longdesc>\n"
	       "<shortdesc lang=\"en\">container name</shortdesc>\n"
	       "<content type=\"string\"/>\n"
	       "</parameter>\n"
	       "<parameter name=\"config\">\n"
	       "<longdesc lang=\"en\">Path of ha-vz.conf.</longdesc>\n"
	       "<shortdesc lang=\"en\">configuration file</shortdesc>\n"
	       "<content type=\"string\" default=\"%s\"/>\n"
	       "</parameter>\n",
	       HAVZ_DEFAULT_CONFIG);
	printf("<parameter name=\"health_cmd\">\n"
	       "<longdesc lang=\"en\">A shell command run inside the container (/bin/sh -c) by "
	       "monitor at depth 20; exit status 0 means healthy. Empty: depth 20 checks what "
	       "depth 10 checks.</longdesc>\n"
	       "<shortdesc lang=\"en\">health check inside the container</shortdesc>\n"
	       "<content type=\"string\" default=\"\"/>\n"
	       "</parameter>\n"
	       "<parameter name=\"shutdown_timeout\">\n"
	       "<longdesc lang=\"en\">Seconds stop waits for a clean shutdown before it kills "
	       "the container (never longer than the stop operation's timeout allows).</longdesc>\n"
	       "<shortdesc lang=\"en\">clean shutdown timeout (s)</shortdesc>\n"
	       "<content type=\"integer\" default=\"%d\"/>\n"
	       "</parameter>\n"
	       "<parameter name=\"attach_timeout\">\n"
	       "<longdesc lang=\"en\">Seconds monitor at depth 10 and 20 waits for a command "
	       "inside the container.</longdesc>\n"
	       "<shortdesc lang=\"en\">in-container check timeout (s)</shortdesc>\n"
	       "<content type=\"integer\" default=\"%d\"/>\n"
	       "</parameter>\n"
	       "<parameter name=\"mount_check\">\n"
	       "<longdesc lang=\"en\">Refuse to start unless the container's mount point is a "
	       "mounted file system on this node (so a container never starts from the directory "
	       "under an unmounted DRBD volume). Turn off only for tests.</longdesc>\n"
	       "<shortdesc lang=\"en\">require the mount point to be mounted</shortdesc>\n"
	       "<content type=\"boolean\" default=\"true\"/>\n"
	       "</parameter>\n"
	       "</parameters>\n",
	       DEFAULT_SHUTDOWN_S, DEFAULT_ATTACH_S);
	printf("<actions>\n"
	       "<action name=\"start\" timeout=\"120s\"/>\n"
	       "<action name=\"stop\" timeout=\"120s\"/>\n"
	       "<action name=\"monitor\" depth=\"0\" timeout=\"20s\" interval=\"10s\"/>\n"
	       "<action name=\"monitor\" depth=\"10\" timeout=\"30s\" interval=\"30s\"/>\n"
	       "<action name=\"monitor\" depth=\"20\" timeout=\"60s\" interval=\"60s\"/>\n"
	       "<action name=\"migrate_to\" timeout=\"120s\"/>\n"
	       "<action name=\"migrate_from\" timeout=\"120s\"/>\n"
	       "<action name=\"reload\" timeout=\"20s\"/>\n"
	       "<action name=\"validate-all\" timeout=\"20s\"/>\n"
	       "<action name=\"meta-data\" timeout=\"5s\"/>\n"
	       "</actions>\n"
	       "</resource-agent>\n");
}

static void usage(FILE *out)
{
	fprintf(out, "Usage: container {start|stop|monitor|validate-all|meta-data|migrate_to|"
		     "migrate_from|reload|usage}\n"
		     "OCF resource agent for an ha-vz container; parameters in OCF_RESKEY_*.\n"
		     "See ocf_ha-vz_container(7).\n");
}

/* ---- parameters ---- */

static int param_seconds(struct agent *a, const char *key, unsigned def, unsigned *out_ms)
{
	const char *v = env(key);
	unsigned long long n;

	if (!v) {
		*out_ms = def * 1000;
		return 0;
	}
	if (havz_parse_uint(v, 0, 3600, &n)) {
		exit_reason(a, "parameter %s: '%s' is not a number of seconds (0-3600)", key + 11,
			    v);
		return OCF_ERR_ARGS;
	}
	*out_ms = (unsigned)n * 1000;
	return 0;
}

/* Reads OCF_RESKEY_* and the operation's meta attributes. */
static int read_params(struct agent *a)
{
	const char *v;
	unsigned long long n;
	int b, rc;

	a->name = env("OCF_RESKEY_name");
	a->config = env("OCF_RESKEY_config");
	if (!a->config)
		a->config = HAVZ_DEFAULT_CONFIG;
	a->health_cmd = env("OCF_RESKEY_health_cmd");
	v = env("OCF_RESKEY_CRM_meta_interval");
	a->probe = !strcmp(a->action, "monitor") && v && !strcmp(v, "0");

	v = env("OCF_RESKEY_CRM_meta_timeout");
	a->op_timeout_ms = DEFAULT_OP_MS;
	if (v && !havz_parse_uint(v, 1000, 86400000ULL, &n))
		a->op_timeout_ms = (unsigned)n;

	v = env("OCF_CHECK_LEVEL");
	a->check_level = 0;
	if (v) {
		if (havz_parse_uint(v, 0, 1000, &n)) {
			exit_reason(a, "OCF_CHECK_LEVEL '%s' is not a number", v);
			return OCF_ERR_ARGS;
		}
		a->check_level = (unsigned)n;
	}
	rc = param_seconds(a, "OCF_RESKEY_shutdown_timeout", DEFAULT_SHUTDOWN_S, &a->shutdown_ms);
	if (!rc)
		rc = param_seconds(a, "OCF_RESKEY_attach_timeout", DEFAULT_ATTACH_S, &a->attach_ms);
	if (rc)
		return rc;
	a->mount_check = true;
	v = env("OCF_RESKEY_mount_check");
	if (v) {
		if (havz_parse_bool(v, &b)) {
			exit_reason(a, "parameter mount_check: '%s' is not a boolean", v);
			return OCF_ERR_ARGS;
		}
		a->mount_check = b;
	}
	if (!a->name) {
		exit_reason(a, "required parameter 'name' is not set");
		return OCF_ERR_CONFIGURED;
	}
	if (havz_check_name(a->name, HAVZ_NAME_MAX)) {
		exit_reason(a, "parameter name: '%s' is not a container name", a->name);
		return OCF_ERR_ARGS;
	}
	return OCF_SUCCESS;
}

static void config_diag(void *ctx, const char *message)
{
	struct agent *a = ctx;

	if (!a->probe)
		qb_log(LOG_ERR, "%s", message);
}

/*
 * Parameters, then the configuration, then the container's section in it.
 * A missing configuration file means nothing of ours can run here: a probe
 * says not running and stop succeeds; other actions fail with "not installed".
 */
static int validate(struct agent *a)
{
	struct stat st;
	int rc = read_params(a);

	if (rc)
		return rc;
	if (stat(a->config, &st)) {
		if (a->probe)
			return OCF_NOT_RUNNING;
		if (!strcmp(a->action, "stop")) {
			qb_log(LOG_WARNING, "container %s: %s is missing; nothing to stop", a->name,
			       a->config);
			return -1; /* the caller returns OCF_SUCCESS */
		}
		exit_reason(a, "configuration file %s: %s", a->config, strerror(errno));
		return OCF_ERR_INSTALLED;
	}
	rc = havz_config_load(a->config, &a->cfg, config_diag, a);
	if (rc) {
		exit_reason(a, "configuration file %s: %s", a->config,
			    rc == -EINVAL ? "invalid (see the log)" : strerror(-rc));
		return rc == -EINVAL ? OCF_ERR_CONFIGURED : OCF_ERR_INSTALLED;
	}
	a->cfg_loaded = true;
	a->ct = havz_config_container(&a->cfg, a->name);
	if (!a->ct) {
		exit_reason(a, "container %s is not in %s", a->name, a->config);
		return OCF_ERR_CONFIGURED;
	}
	return OCF_SUCCESS;
}

/* ---- helpers ---- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The time an operation may use: its meta timeout less a margin. */
static unsigned op_budget_ms(const struct agent *a)
{
	return a->op_timeout_ms > 2 * MARGIN_MS ? a->op_timeout_ms - MARGIN_MS
						: a->op_timeout_ms / 2;
}

static void marker_path(const struct agent *a, char *out, size_t size)
{
	snprintf(out, size, "%s" MARKER_REL, a->ct->mount);
}

static bool marker_take(const struct agent *a)
{
	char path[HAVZ_PATH_MAX + 32];

	marker_path(a, path, sizeof(path));
	if (access(path, F_OK))
		return false;
	if (unlink(path) && errno != ENOENT)
		qb_log(LOG_WARNING, "container %s: cannot remove %s: %s", a->name, path,
		       strerror(errno));
	return true;
}

/*
 * The report of a switchover in flight (written by ha-vz switchover before
 * the standby): stop notes its phases while stop_end is unset, start while
 * start_end is unset. false when there is none (an ordinary stop or start).
 */
static bool report_active(const struct agent *a, bool for_start, struct havz_report *r)
{
	char why[HAVZ_REPORT_LINE_MAX + 128];
	int rc = havz_report_load(a->ct, r, why, sizeof(why));

	if (rc == -EINVAL)
		qb_log(LOG_WARNING, "container %s: switchover report ignored: %s", a->name, why);
	if (rc || r->cli_result[0])
		return false;
	return for_start ? r->stop_end && !r->start_end : !r->stop_end;
}

/* ---- monitor ---- */

static int first_line_len(const char *s)
{
	return (int)strcspn(s, "\n");
}

static int check_inside(struct agent *a, const char *const argv[], const char *what)
{
	struct havz_run_result *res = calloc(1, sizeof(*res));
	int rc;

	if (!res)
		return OCF_ERR_GENERIC;
	rc = havz_ct_exec(a->ct, argv, a->attach_ms, res);
	if (rc == -ETIMEDOUT || res->timed_out) {
		exit_reason(a, "container %s: %s did not finish within %u s", a->name, what,
			    a->attach_ms / 1000);
		rc = OCF_ERR_GENERIC;
	} else if (rc) {
		exit_reason(a, "container %s: cannot run lxc-attach: %s", a->name, strerror(-rc));
		rc = -rc == ENOENT ? OCF_ERR_INSTALLED : OCF_ERR_GENERIC;
	} else if (res->status != 0) {
		exit_reason(a, "container %s: %s exited with status %d%s%.*s", a->name, what,
			    res->status, res->output_len ? ": " : "", first_line_len(res->output),
			    res->output);
		rc = OCF_ERR_GENERIC;
	}
	free(res);
	return rc;
}

static int do_monitor(struct agent *a)
{
	enum havz_ct_state s = havz_ct_state(a->ct);
	pid_t pid;
	int rc;

	switch (s) {
	case HAVZ_CT_RUNNING: break;
	case HAVZ_CT_ABSENT:
	case HAVZ_CT_STOPPED: return OCF_NOT_RUNNING;
	default:
		exit_reason(a, "container %s is %s", a->name, havz_ct_state_name(s));
		return OCF_ERR_GENERIC;
	}
	if (a->check_level < 10)
		return OCF_SUCCESS;

	pid = havz_ct_init_pid(a->ct);
	if (pid <= 0 || kill(pid, 0)) {
		exit_reason(a, "container %s: its init process is gone", a->name);
		return OCF_ERR_GENERIC;
	}
	const char *true_argv[] = { "true", NULL };
	rc = check_inside(a, true_argv, "'true' inside");
	if (rc || a->check_level < 20)
		return rc;
	if (!a->health_cmd) {
		qb_log(LOG_DEBUG, "container %s: depth 20 without health_cmd: checked as depth 10",
		       a->name);
		return OCF_SUCCESS;
	}
	const char *health_argv[] = { "/bin/sh", "-c", a->health_cmd, NULL };
	return check_inside(a, health_argv, "health_cmd");
}

/* ---- start ---- */

static int wait_running(struct agent *a, long long deadline)
{
	unsigned level = a->check_level;
	int rc;

	a->check_level = 0;
	while ((rc = do_monitor(a)) != OCF_SUCCESS && now_ms() < deadline)
		usleep(200 * 1000);
	a->check_level = level;
	return rc;
}

static int try_restore(struct agent *a, long long deadline, bool report, bool lazy)
{
	struct havz_ckpt_opts opts = { 0 };
	struct havz_ckpt_report rep = { 0 };
	char why[HAVZ_CT_WHY_MAX];
	long long left = deadline - now_ms();
	int rc;

	opts.timeout_ms = left > 4000 ? (unsigned)(left / 2) : 2000;
	opts.lazy = lazy;
	/* A switchover asks for lazy only after this node's ha-vzd found uffd-noncoop. */
	opts.lazy_preflighted = report && lazy;
	if (report)
		havz_report_note(a->ct, "restore_begin", "%lld", (long long)havz_realtime_ms());
	rc = havz_checkpoint_restore(&a->cfg, a->ct, &opts, &rep);
	if (rc) {
		qb_log(rc == -ENOENT ? LOG_NOTICE : LOG_WARNING,
		       "container %s: not restored (%s); starting cold", a->name,
		       rep.reason[0] ? rep.reason : strerror(-rc));
		if (report)
			havz_report_note(a->ct, "start_result", "cold: not restored: %s",
					 rep.reason[0] ? rep.reason : strerror(-rc));
		return rc;
	}
	if (report) {
		havz_report_note(a->ct, "restore_end", "%lld", (long long)rep.restored_ms);
		havz_report_note(a->ct, "start_result", "restored%s in %u ms",
				 rep.lazy ? " lazily" : "", rep.restore_ms);
	}
	/* lxc 5.0.2 loses the cgroup limits on restore (LAB-NOTES). */
	if (havz_ct_apply_limits(a->ct, why))
		qb_log(LOG_WARNING, "%s (after restore)", why);
	qb_log(LOG_NOTICE, "container %s: restored from checkpoint in %u ms", a->name,
	       rep.restore_ms);
	return 0;
}

static int start_container(struct agent *a, bool report, bool lazy);

static int do_start(struct agent *a)
{
	struct havz_report r;
	bool report = report_active(a, true, &r);
	char node[64] = "?";
	int rc;

	gethostname(node, sizeof(node) - 1);
	havz_agent_busy_set(a->name, true);
	if (report) {
		havz_report_note(a->ct, "start_node", "%s", node);
		havz_report_note(a->ct, "start_begin", "%lld", (long long)havz_realtime_ms());
	}
	rc = start_container(a, report, r.lazy);
	if (report) {
		if (rc != OCF_SUCCESS)
			havz_report_note(a->ct, "start_result",
					 "failed: the container did not start");
		havz_report_note(a->ct, "start_end", "%lld", (long long)havz_realtime_ms());
	}
	havz_agent_busy_set(a->name, false);
	return rc;
}

static int start_container(struct agent *a, bool report, bool lazy)
{
	long long deadline = now_ms() + op_budget_ms(a);
	char why[HAVZ_CT_WHY_MAX];
	enum havz_ct_state s;
	int rc;

	s = havz_ct_state(a->ct);
	if (s == HAVZ_CT_RUNNING) {
		qb_log(LOG_INFO, "container %s: already running", a->name);
		return OCF_SUCCESS;
	}
	if (a->mount_check && (rc = havz_ct_mount_check(a->ct))) {
		exit_reason(a, "container %s: %s is not mounted on this node%s", a->name,
			    a->ct->mount, rc == -ENOENT ? " (it does not exist)" : "");
		return OCF_ERR_GENERIC;
	}
	if (s == HAVZ_CT_ABSENT) {
		exit_reason(a, "container %s is not defined in %s (no %s/%s/config)", a->name,
			    a->ct->mount, a->ct->mount, a->name);
		return OCF_ERR_INSTALLED;
	}
	if (a->ct->checkpoint == HAVZ_CKPT_SWITCHOVER &&
	    try_restore(a, deadline, report, lazy) == 0)
		return wait_running(a, deadline) == OCF_SUCCESS ? OCF_SUCCESS : OCF_ERR_GENERIC;
	if (report && a->ct->checkpoint != HAVZ_CKPT_SWITCHOVER)
		havz_report_note(a->ct, "start_result", "cold: checkpoint = off");

	rc = havz_ct_start(a->ct, (unsigned)(deadline - now_ms()), why);
	if (rc) {
		exit_reason(a, "%s", why);
		return rc == -ENOENT ? OCF_ERR_INSTALLED : OCF_ERR_GENERIC;
	}
	rc = wait_running(a, deadline);
	if (rc != OCF_SUCCESS) {
		exit_reason(a, "container %s did not come up within the start timeout", a->name);
		return OCF_ERR_GENERIC;
	}
	return OCF_SUCCESS;
}

/* ---- stop ---- */

static int try_dump(struct agent *a, long long deadline, bool report, unsigned precopy_rounds)
{
	struct havz_ckpt_opts opts = { 0 };
	struct havz_ckpt_report rep = { 0 };
	long long left = deadline - now_ms();
	int rc;

	opts.max_precopy_rounds = precopy_rounds;
	opts.timeout_ms = left > 4000 ? (unsigned)(left / 2) : 2000;
	rc = havz_checkpoint_dump(&a->cfg, a->ct, &opts, &rep);
	if (report && rep.dump_begin_ms)
		havz_report_note(a->ct, "dump_begin", "%lld", (long long)rep.dump_begin_ms);
	if (rc) {
		qb_log(LOG_WARNING, "container %s: checkpoint failed (%s); stopping cleanly",
		       a->name, rep.reason[0] ? rep.reason : strerror(-rc));
		if (report)
			havz_report_note(a->ct, "stop_result", "cold: checkpoint failed: %s",
					 rep.reason[0] ? rep.reason : strerror(-rc));
		return rc;
	}
	if (report) {
		int64_t end = havz_realtime_ms();

		/* dump_end last: who sees it sees the other two. */
		havz_report_note(a->ct, "freeze_ms", "%u", rep.freeze_ms);
		havz_report_note(a->ct, "dump_bytes", "%llu",
				 (unsigned long long)rep.final_dump_bytes);
		havz_report_note(a->ct, "dump_end", "%lld", (long long)end);
		havz_report_note(a->ct, "stop_result", "dumped (%u pre-dumps)", rep.precopy_rounds);
	}
	qb_log(LOG_NOTICE,
	       "container %s: checkpointed and stopped (%u pre-dumps, frozen %u ms, %llu bytes)",
	       a->name, rep.precopy_rounds, rep.freeze_ms,
	       (unsigned long long)rep.final_dump_bytes);
	return 0;
}

/* Stops the container, with a checkpoint first when checkpoint is set. */
static int stop_container(struct agent *a, bool checkpoint, bool report, unsigned precopy_rounds)
{
	long long deadline = now_ms() + op_budget_ms(a);
	char why[HAVZ_CT_WHY_MAX];
	unsigned shutdown_ms;
	long long left;

	if (checkpoint && try_dump(a, deadline, report, precopy_rounds) == 0 &&
	    havz_ct_state(a->ct) == HAVZ_CT_STOPPED)
		return OCF_SUCCESS;
	left = deadline - now_ms();
	shutdown_ms = a->shutdown_ms;
	if (left < (long long)shutdown_ms + 5000)
		shutdown_ms = left > 6000 ? (unsigned)(left - 5000) : 1000;
	if (havz_ct_stop(a->ct, shutdown_ms, why)) {
		exit_reason(a, "%s", why);
		return OCF_ERR_GENERIC;
	}
	return OCF_SUCCESS;
}

static int stop_one(struct agent *a, bool report, unsigned precopy_rounds);

static int do_stop(struct agent *a)
{
	struct havz_report r;
	bool report = report_active(a, false, &r);
	int rc;

	havz_agent_busy_set(a->name, true);
	if (report)
		havz_report_note(a->ct, "stop_begin", "%lld", (long long)havz_realtime_ms());
	/* ha-vz switchover --precopy N bounds the rounds; its pre-dumps are used first. */
	rc = stop_one(a, report,
		      report && r.predump_max >= 0 ? (unsigned)r.predump_max
						   : a->ct->precopy_rounds);
	if (report)
		havz_report_note(a->ct, "stop_end", "%lld", (long long)havz_realtime_ms());
	havz_agent_busy_set(a->name, false);
	return rc;
}

static int stop_one(struct agent *a, bool report, unsigned precopy_rounds)
{
	enum havz_ct_state s = havz_ct_state(a->ct);
	bool requested = marker_take(a);
	bool checkpoint = false;

	if (s == HAVZ_CT_ABSENT || s == HAVZ_CT_STOPPED) {
		if (requested)
			qb_log(LOG_NOTICE,
			       "container %s: not running; dropped the checkpoint "
			       "request",
			       a->name);
		return OCF_SUCCESS;
	}
	if (requested && a->ct->checkpoint != HAVZ_CKPT_SWITCHOVER)
		qb_log(LOG_NOTICE,
		       "container %s: checkpoint requested but its policy is off; "
		       "stopping cleanly",
		       a->name);
	else if (requested)
		checkpoint = s == HAVZ_CT_RUNNING;
	if (report && !checkpoint)
		havz_report_note(a->ct, "stop_result", "cold: %s",
				 !requested ? "no checkpoint requested"
				 : a->ct->checkpoint != HAVZ_CKPT_SWITCHOVER ? "checkpoint = off"
									     : "not running");
	return stop_container(a, checkpoint, report, precopy_rounds);
}

/* ---- migration, reload, validate ---- */

static int do_migrate_to(struct agent *a)
{
	const char *target = env("OCF_RESKEY_CRM_meta_migrate_target");
	enum havz_ct_state s = havz_ct_state(a->ct);

	marker_take(a);
	if (s != HAVZ_CT_RUNNING) {
		exit_reason(a, "container %s is %s here; nothing to migrate", a->name,
			    havz_ct_state_name(s));
		return OCF_ERR_GENERIC;
	}
	qb_log(LOG_NOTICE, "container %s: migrating to %s", a->name, target ? target : "the peer");
	return stop_container(a, a->ct->checkpoint == HAVZ_CKPT_SWITCHOVER, false,
			      a->ct->precopy_rounds);
}

static int do_reload(struct agent *a)
{
	char why[HAVZ_CT_WHY_MAX];

	if (havz_ct_state(a->ct) != HAVZ_CT_RUNNING)
		return OCF_SUCCESS;
	if (havz_ct_apply_limits(a->ct, why)) {
		exit_reason(a, "%s", why);
		return OCF_ERR_GENERIC;
	}
	qb_log(LOG_NOTICE, "container %s: limits reloaded from %s", a->name, a->config);
	return OCF_SUCCESS;
}

static int do_validate(struct agent *a)
{
	int rc = havz_ct_mount_check(a->ct);

	if (rc && a->mount_check) {
		qb_log(LOG_INFO, "container %s: %s is not mounted here; not checking the container",
		       a->name, a->ct->mount);
		return OCF_SUCCESS;
	}
	if (havz_ct_state(a->ct) == HAVZ_CT_ABSENT) {
		exit_reason(a, "container %s is not defined in %s (no %s/%s/config)", a->name,
			    a->ct->mount, a->ct->mount, a->name);
		return OCF_ERR_INSTALLED;
	}
	return OCF_SUCCESS;
}

/* ---- dispatcher ---- */

static const struct {
	const char *name;
	int (*run)(struct agent *a);
} actions[] = {
	{ "start", do_start },		 { "stop", do_stop },
	{ "monitor", do_monitor },	 { "validate-all", do_validate },
	{ "migrate_to", do_migrate_to }, { "migrate_from", do_start },
	{ "reload", do_reload },
};

int main(int argc, char **argv)
{
	struct agent a = { 0 };
	int rc = OCF_ERR_UNIMPLEMENTED;
	const char *debug = env("HA_debug");

	if (argc != 2) {
		usage(stderr);
		return OCF_ERR_ARGS;
	}
	a.action = argv[1];
	if (!strcmp(a.action, "meta-data")) {
		print_meta_data();
		return OCF_SUCCESS;
	}
	if (!strcmp(a.action, "usage") || !strcmp(a.action, "help")) {
		usage(stdout);
		return OCF_SUCCESS;
	}
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(actions[i].name, a.action))
			continue;
		havz_log_init("ha-vz-container", HAVZ_LOG_STDERR, debug && !strcmp(debug, "1"));
		/* Also to syslog, where the cluster's logs are. */
		qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, QB_TRUE);
		qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  LOG_NOTICE);
		rc = validate(&a);
		if (rc == -1)
			rc = OCF_SUCCESS; /* stop without a configuration: nothing runs */
		else if (rc == OCF_SUCCESS)
			rc = actions[i].run(&a);
		if (a.cfg_loaded)
			havz_config_free(&a.cfg);
		havz_log_fini();
		return rc;
	}
	fprintf(stderr, "ocf-exit-reason:action '%s' is not implemented\n", a.action);
	return OCF_ERR_UNIMPLEMENTED;
}
