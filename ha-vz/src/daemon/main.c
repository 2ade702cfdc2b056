// SPDX-License-Identifier: GPL-2.0-only
/* ha-vzd: options, configuration and key, the main loop, signals, reload. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "havz/digest.h"
#include "havz/render.h"

/* Exit codes, documented in ha-vzd(8). */
enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2, EXIT_CONFIG = 3 };

int64_t havzd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool havzd_config_digest(const struct havzd *d, char hex[HAVZ_SHA256_HEX + 1])
{
	/* config_path is set once at start: no lock needed. */
	if (havz_file_sha256_hex(d->config_path, HAVZD_CONFIG_FILE_MAX, hex) == 0)
		return true;
	hex[0] = '\0';
	return false;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ha-vzd [-c FILE] [-n NODE] [--listen ADDR] [--agent PATH]\n"
		"              [--alerts-dir DIR] [-v] [--stderr]\n\n"
		"The ha-vz node daemon: supervises the containers this node holds,\n"
		"answers the peer's DRBD fencing and status requests, and serves\n"
		"`ha-vz status`. Runs in the foreground (heartbeat respawns it).\n\n"
		"  -c, --config FILE   configuration (default %s)\n"
		"  -n, --node NAME     this node's name in the configuration (default: uname -n)\n"
		"      --listen ADDR   control address (default: this node's management address)\n"
		"      --agent PATH    the OCF container agent (default %s)\n"
		"      --alerts-dir DIR  the alert hooks (default %s)\n"
		"  -v, --verbose       debug logging, also to stderr\n"
		"      --stderr        log to stderr as well as syslog\n"
		"  -t, --check         check the configuration and key, then exit\n"
		"  -h, --help          this text\n\n"
		"Exit status: 0 stopped cleanly, 1 failure, 2 usage, 3 configuration error.\n"
		"See ha-vzd(8).\n",
		HAVZ_DEFAULT_CONFIG, HAVZD_AGENT, HAVZ_ALERTS_DIR);
}

static void log_diag(void *ctx, const char *message)
{
	(void)ctx;
	qb_log(LOG_ERR, "%s", message);
}

/* Loads and checks a configuration for this node. Returns it or NULL (all logged). */
static struct havz_config *config_for_node(const char *path, const char *node)
{
	struct havz_config *cfg = calloc(1, sizeof(*cfg));
	int rc;

	if (!cfg)
		return NULL;
	rc = havz_config_load(path, cfg, log_diag, NULL);
	if (rc) {
		if (rc != -EINVAL)
			qb_log(LOG_ERR, "cannot read %s: %s", path, strerror(-rc));
		free(cfg);
		return NULL;
	}
	if (!havz_config_node(cfg, node)) {
		qb_log(LOG_ERR, "%s: node '%s' is not one of the configured nodes (use -n NAME)",
		       path, node);
		havz_config_free(cfg);
		free(cfg);
		return NULL;
	}
	return cfg;
}

static void config_drop(struct havz_config *cfg)
{
	if (cfg) {
		havz_config_free(cfg);
		free(cfg);
	}
}

static int32_t on_quit(int32_t sig, void *data)
{
	struct havzd *d = data;

	qb_log(LOG_NOTICE, "ha-vzd: %s received, stopping", strsignal(sig));
	qb_loop_stop(d->loop);
	return 0;
}

static int32_t on_reload(int32_t sig, void *data)
{
	struct havzd *d = data;
	struct havz_config *cfg, *old;
	const struct havz_node *self;

	(void)sig;
	qb_log(LOG_NOTICE, "ha-vzd: SIGHUP: reloading %s", d->config_path);
	cfg = config_for_node(d->config_path, d->node);
	if (!cfg) {
		qb_log(LOG_ERR, "ha-vzd: reload failed; keeping the running configuration");
		return 0;
	}
	self = havz_config_node(cfg, d->node);
	if (cfg->metrics_port != d->cfg->metrics_port)
		qb_log(LOG_WARNING, "ha-vzd: metrics_port changed; it takes effect at restart");
	if (cfg->control_port != d->listen_port || strcmp(self->management, d->listen_addr))
		qb_log(LOG_WARNING,
		       "ha-vzd: the control address changed; it takes effect at restart "
		       "(still listening on %s port %u)",
		       d->listen_addr, d->listen_port);
	if (strcmp(cfg->auth_key_file, d->cfg->auth_key_file))
		qb_log(LOG_WARNING, "ha-vzd: auth_key_file changed; the key is read at start only");
	pthread_mutex_lock(&d->lock);
	if (supervisor_adopt(d, cfg)) {
		pthread_mutex_unlock(&d->lock);
		qb_log(LOG_ERR,
		       "ha-vzd: reload failed (out of memory); keeping the running configuration");
		config_drop(cfg);
		return 0;
	}
	old = d->cfg;
	d->cfg = cfg;
	pthread_cond_signal(&d->wake);
	pthread_mutex_unlock(&d->lock);
	config_drop(old);
	qb_log(LOG_NOTICE, "ha-vzd: configuration reloaded (%zu containers)", cfg->n_containers);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "listen", required_argument, NULL, 'L' },
		{ "agent", required_argument, NULL, 'A' },
		{ "alerts-dir", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "stderr", no_argument, NULL, 'E' },
		{ "check", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static struct havzd d = { .listen_fd = -1, .metrics_fd = -1 };
	const char *listen = NULL;
	const struct havz_node *self;
	struct utsname uts;
	bool to_stderr = false, check = false;
	int verbose = 0, opt, rc, status = EXIT_FAIL;
	qb_loop_signal_handle sh;

	d.config_path = HAVZ_DEFAULT_CONFIG;
	d.agent = HAVZD_AGENT;
	while ((opt = getopt_long(argc, argv, "c:n:vthV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': d.config_path = optarg; break;
		case 'n':
			if (strlen(optarg) >= sizeof(d.node)) {
				fprintf(stderr, "ha-vzd: node name too long: %s\n", optarg);
				return EXIT_USAGE;
			}
			strcpy(d.node, optarg);
			break;
		case 'L': listen = optarg; break;
		case 'A':
			if (optarg[0] != '/' || access(optarg, X_OK)) {
				fprintf(stderr, "ha-vzd: --agent %s: %s\n", optarg,
					optarg[0] != '/' ? "not an absolute path"
							 : strerror(errno));
				return EXIT_USAGE;
			}
			d.agent = optarg;
			break;
		case 'D':
			if (optarg[0] != '/') {
				fprintf(stderr, "ha-vzd: --alerts-dir %s: not an absolute path\n",
					optarg);
				return EXIT_USAGE;
			}
			d.alerts_dir = optarg;
			break;
		case 'v':
			verbose = 1;
			to_stderr = true;
			break;
		case 'E': to_stderr = true; break;
		case 't':
			check = true;
			to_stderr = true;
			break;
		case 'h': usage(stdout); return EXIT_OK;
		case 'V': printf("ha-vzd %s\n", HAVZ_VERSION); return EXIT_OK;
		default: usage(stderr); return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ha-vzd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	havz_log_init("ha-vzd", HAVZ_LOG_SYSLOG, verbose);
	if (to_stderr) {
		qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  verbose ? LOG_DEBUG : LOG_INFO);
		qb_log_format_set(QB_LOG_STDERR, "%t %p: %b");
		qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
	}
	if (!d.node[0]) {
		if (uname(&uts)) {
			qb_log(LOG_ERR, "uname: %s", strerror(errno));
			goto out;
		}
		/* heartbeat and DRBD use the short name */
		uts.nodename[strcspn(uts.nodename, ".")] = '\0';
		if (strlen(uts.nodename) >= sizeof(d.node)) {
			qb_log(LOG_ERR, "host name %s is too long for a node name", uts.nodename);
			status = EXIT_CONFIG;
			goto out;
		}
		strcpy(d.node, uts.nodename);
	}
	/* Not fatal: the fencing service and status still matter without the agent. */
	if (access(d.agent, X_OK))
		qb_log(LOG_ERR, "agent %s: %s; containers held here cannot be supervised (--agent)",
		       d.agent, strerror(errno));

	d.cfg = config_for_node(d.config_path, d.node);
	if (!d.cfg) {
		status = EXIT_CONFIG;
		goto out;
	}
	rc = havz_auth_key_read(d.cfg->auth_key_file, &d.key);
	if (rc) {
		qb_log(LOG_ERR, "cluster key %s: %s", d.cfg->auth_key_file,
		       rc == -EINVAL ? "not a valid key" : strerror(-rc));
		status = EXIT_CONFIG;
		goto out;
	}
	self = havz_config_node(d.cfg, d.node);
	snprintf(d.listen_addr, sizeof(d.listen_addr), "%s", listen ? listen : self->management);
	d.listen_port = d.cfg->control_port;
	if (check) {
		printf("ha-vzd: configuration OK for node %s\n", d.node);
		status = EXIT_OK;
		goto out;
	}
	pthread_mutex_init(&d.lock, NULL);
	pthread_cond_init(&d.wake, NULL);
	d.replay = calloc(1, sizeof(*d.replay));
	d.loop = qb_loop_create();
	if (!d.replay || !d.loop || supervisor_adopt(&d, d.cfg)) {
		qb_log(LOG_ERR, "ha-vzd: out of memory");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGTERM, &d, on_quit, &sh);
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGINT, &d, on_quit, &sh);
	qb_loop_signal_add(d.loop, QB_LOOP_HIGH, SIGHUP, &d, on_reload, &sh);
	if (control_start(&d) || metrics_start(&d) || ipc_start(&d) || alerts_start(&d) ||
	    supervisor_start(&d))
		goto out;
	qb_log(LOG_NOTICE,
	       "ha-vzd %s: node %s of cluster %s, control on %s port %u, %zu containers",
	       HAVZ_VERSION, d.node, d.cfg->cluster_name, d.listen_addr, d.listen_port,
	       d.cfg->n_containers);
	qb_loop_run(d.loop);
	status = EXIT_OK;
out:
	supervisor_stop(&d);
	alerts_stop(&d);
	ipc_stop(&d);
	metrics_stop(&d);
	control_stop(&d);
	if (d.loop)
		qb_loop_destroy(d.loop);
	havz_buf_wipe_free(&d.key);
	free(d.replay);
	free(d.cts);
	free(d.peer_cts);
	config_drop(d.cfg);
	if (status == EXIT_OK && !check)
		qb_log(LOG_NOTICE, "ha-vzd: stopped");
	havz_log_fini();
	return status;
}
