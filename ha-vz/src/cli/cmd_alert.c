// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz alert KIND: runs the alert hooks once for an event, to try them, and
 * for the events that happen outside ha-vzd (DRBD's after-resync-target
 * handler: resync-done). See ha-vz-alerts(7).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/commands.h"
#include "common/alerts.h"
#include "common/log.h"
#include "havz/config.h"
#include "havz/parse.h"

void usage_alert(void)
{
	printf("Usage: ha-vz alert KIND [--container NAME] [--detail TEXT] [--alerts-dir DIR]\n"
	       "                  [--alert-timeout SECS] [-c FILE]\n\n"
	       "Runs the alert hooks for one event, as ha-vzd does. KIND is one of failover,\n"
	       "restart, fence, split-brain, switchover-fallback, drill-failed, resync-done,\n"
	       "balance-move.\n\n"
	       "  --container NAME      the container it concerns (one of the configuration's)\n"
	       "  --detail TEXT         what happened, one line\n"
	       "  --alerts-dir DIR      the hooks (default " HAVZ_ALERTS_DIR ")\n"
	       "  --alert-timeout SECS  per hook (default %u)\n"
	       "  -c, --config FILE     configuration (default %s)\n\n"
	       "Exit status: 0 every hook ran and succeeded (or there are none), 1 a hook\n"
	       "failed, timed out or was refused, 2 usage, 3 configuration error.\n"
	       "See ha-vz-alerts(7).\n",
	       HAVZ_ALERT_TIMEOUT_MS / 1000, HAVZ_DEFAULT_CONFIG);
}

int cmd_alert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "container", required_argument, NULL, 'n' },
		{ "detail", required_argument, NULL, 'D' },
		{ "alerts-dir", required_argument, NULL, 'd' },
		{ "alert-timeout", required_argument, NULL, 'T' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = HAVZ_DEFAULT_CONFIG, *container = NULL, *detail = "";
	struct havz_alerts_opts ao = { 0 };
	enum havz_alert_kind kind;
	struct havz_config cfg;
	struct utsname u;
	unsigned long long secs;
	unsigned failed;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'n': container = optarg; break;
		case 'D': detail = optarg; break;
		case 'd': ao.dir = optarg; break;
		case 'T':
			if (havz_parse_uint(optarg, 1, 3600, &secs)) {
				qb_log(LOG_ERR,
				       "alert: --alert-timeout '%s' is not 1..3600 seconds",
				       optarg);
				return HAVZ_EXIT_USAGE;
			}
			ao.timeout_ms = (unsigned)secs * 1000;
			break;
		case 'c': config = optarg; break;
		case 'h': usage_alert(); return HAVZ_EXIT_OK;
		default: usage_alert(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		usage_alert();
		return HAVZ_EXIT_USAGE;
	}
	if (havz_alert_kind_parse(argv[optind], &kind)) {
		qb_log(LOG_ERR, "alert: unknown kind '%s' (see ha-vz alert --help)", argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(config, &cfg))
		return HAVZ_EXIT_CONFIG;
	if (container && !havz_config_container(&cfg, container)) {
		qb_log(LOG_ERR, "alert: %s: no container '%s'", config, container);
		havz_config_free(&cfg);
		return HAVZ_EXIT_USAGE;
	}
	if (uname(&u))
		snprintf(u.nodename, sizeof(u.nodename), "?");
	u.nodename[strcspn(u.nodename, ".")] = '\0';
	failed = havz_alert_now(kind, cfg.cluster_name, u.nodename, container, detail, &ao);
	havz_config_free(&cfg);
	if (failed)
		printf("alert %s: %u hooks failed (see above)\n", argv[optind], failed);
	return failed ? HAVZ_EXIT_FAIL : HAVZ_EXIT_OK;
}
