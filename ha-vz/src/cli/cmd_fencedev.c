// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz fence-test NODE: asks NODE's fence device for its power status and
 * says what answered. ha-vz fence NODE --off|--reboot: the admin's power
 * fence, confirmed by the device's own status.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/commands.h"
#include "common/fencedev.h"
#include "common/log.h"
#include "havz/config.h"

/* How long the device has to report the new power state after accepting the action. */
#define FENCE_CONFIRM_MS 20000

int cli_fence_exit(enum havz_bmc_answer a)
{
	switch (a) {
	case HAVZ_BMC_ON: return HAVZ_EXIT_OK;
	case HAVZ_BMC_OFF: return HAVZ_EXIT_FENCE_OFF;
	case HAVZ_BMC_AUTH: return HAVZ_EXIT_FENCE_AUTH;
	case HAVZ_BMC_NO_ANSWER: return HAVZ_EXIT_FENCE_SILENT;
	default: return HAVZ_EXIT_FAIL;
	}
}

void cli_fence_describe(const struct havz_node *n, enum havz_bmc_answer a, const char *detail,
			char *out, size_t size)
{
	switch (a) {
	case HAVZ_BMC_ON:
	case HAVZ_BMC_OFF:
		snprintf(out, size, "%s: power is %s (BMC %s:%u answered)", n->name,
			 havz_bmc_answer_name(a), n->fence_address, n->fence_port);
		break;
	case HAVZ_BMC_AUTH:
		snprintf(out, size, "%s: wrong password/user (BMC answered: %s)", n->name, detail);
		break;
	case HAVZ_BMC_NO_ANSWER:
		snprintf(out, size, "%s: BMC does not answer at %s:%u", n->name, n->fence_address,
			 n->fence_port);
		break;
	default:
		snprintf(out, size, "%s: fence device error: %s", n->name,
			 detail[0] ? detail : "no output");
		break;
	}
}

/* The node named on the command line, with an ipmi device; NULL after an error message. */
static const struct havz_node *fence_node(const struct havz_config *cfg, const char *name,
					  const char *cmd, int *status)
{
	const struct havz_node *n = havz_config_node(cfg, name);

	if (!n) {
		qb_log(LOG_ERR, "%s: '%s' is not a [node] of %s", cmd, name, cfg->file);
		*status = HAVZ_EXIT_USAGE;
		return NULL;
	}
	if (n->fence != HAVZ_FENCE_IPMI) {
		qb_log(LOG_ERR, "%s: %s has %s: no device to ask", cmd, name,
		       n->fence == HAVZ_FENCE_NONE ? "fence = none" : "no fence key");
		*status = HAVZ_EXIT_FENCE_NODEV;
		return NULL;
	}
	return n;
}

void usage_fence_test(void)
{
	printf("Usage: ha-vz fence-test [-c FILE] NODE\n\n"
	       "Asks NODE's fence device (its BMC, IPMI over LAN with ipmitool) for the power\n"
	       "status, and says what answered. Changes nothing.\n\n"
	       "  -c, --config FILE  configuration file (default %s)\n"
	       "  -h, --help         this text\n\n"
	       "Exit status: 0 power on, 10 power off, 11 wrong password/user (the BMC\n"
	       "refused), 12 the BMC does not answer, 13 NODE has no fence device, 1 any\n"
	       "other error, 2 usage, 3 configuration errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

int cmd_fence_test(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = HAVZ_DEFAULT_CONFIG;
	char detail[HAVZ_FENCEDEV_DETAIL_MAX], line[512];
	const struct havz_node *n;
	struct havz_config cfg;
	enum havz_bmc_answer a;
	int opt, status = HAVZ_EXIT_FAIL;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'h': usage_fence_test(); return HAVZ_EXIT_OK;
		default: usage_fence_test(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage_fence_test();
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(path, &cfg))
		return HAVZ_EXIT_CONFIG;
	n = fence_node(&cfg, argv[optind], "fence-test", &status);
	if (n) {
		a = havz_fencedev_run(n, HAVZ_BMC_STATUS, detail, sizeof(detail));
		cli_fence_describe(n, a, detail, line, sizeof(line));
		printf("%s\n", line);
		status = cli_fence_exit(a);
	}
	havz_config_free(&cfg);
	return status;
}

void usage_fence(void)
{
	printf("Usage: ha-vz fence [-c FILE] NODE --off|--reboot\n\n"
	       "Powers NODE off through its fence device and waits until the device's own\n"
	       "status says off (--reboot: then powers it on again and waits for on). For the\n"
	       "admin; DRBD's fence-peer handler does the same on its own. NODE must be the\n"
	       "peer: a node does not fence itself.\n\n"
	       "  -c, --config FILE  configuration file (default %s)\n"
	       "      --off          power off, confirmed\n"
	       "      --reboot       power off, confirmed, then on, confirmed\n"
	       "  -h, --help         this text\n\n"
	       "Exit status: 0 done and confirmed, 11 wrong password/user, 12 the BMC does\n"
	       "not answer, 13 NODE has no fence device, 1 not confirmed or other error,\n"
	       "2 usage, 3 configuration errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

int cmd_fence(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "off", no_argument, NULL, 'o' },
		{ "reboot", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = HAVZ_DEFAULT_CONFIG;
	char detail[HAVZ_FENCEDEV_DETAIL_MAX], line[512];
	const struct havz_node *n;
	struct havz_config cfg;
	struct utsname uts;
	enum havz_bmc_answer a;
	int opt, status = HAVZ_EXIT_FAIL, off = 0, reboot = 0;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'o': off = 1; break;
		case 'r': reboot = 1; break;
		case 'h': usage_fence(); return HAVZ_EXIT_OK;
		default: usage_fence(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc - 1 || off + reboot != 1) {
		fprintf(stderr, "ha-vz fence: give NODE and one of --off, --reboot\n");
		usage_fence();
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(path, &cfg))
		return HAVZ_EXIT_CONFIG;
	if (uname(&uts) == 0) {
		uts.nodename[strcspn(uts.nodename, ".")] = '\0';
		if (!strcmp(uts.nodename, argv[optind])) {
			qb_log(LOG_ERR, "fence: %s is this node; fence it from its peer",
			       argv[optind]);
			havz_config_free(&cfg);
			return HAVZ_EXIT_FAIL;
		}
	}
	n = fence_node(&cfg, argv[optind], "fence", &status);
	if (!n)
		goto out;
	printf("%s: powering off through %s:%u ...\n", n->name, n->fence_address, n->fence_port);
	fflush(stdout);
	a = havz_fencedev_power(n, false, FENCE_CONFIRM_MS, detail, sizeof(detail));
	if (a != HAVZ_BMC_OFF) {
		cli_fence_describe(n, a, detail, line, sizeof(line));
		printf("%s\n%s: NOT confirmed off\n", line, n->name);
		status = a == HAVZ_BMC_ON ? HAVZ_EXIT_FAIL : cli_fence_exit(a);
		goto out;
	}
	qb_log(LOG_WARNING, "fence: %s powered off by the admin (device confirmed off)", n->name);
	printf("%s: power off confirmed by the device\n", n->name);
	status = HAVZ_EXIT_OK;
	if (!reboot)
		goto out;
	printf("%s: powering on ...\n", n->name);
	fflush(stdout);
	a = havz_fencedev_power(n, true, FENCE_CONFIRM_MS, detail, sizeof(detail));
	if (a != HAVZ_BMC_ON) {
		cli_fence_describe(n, a, detail, line, sizeof(line));
		printf("%s\n%s: off, but NOT confirmed on again\n", line, n->name);
		status = a == HAVZ_BMC_OFF ? HAVZ_EXIT_FAIL : cli_fence_exit(a);
		goto out;
	}
	printf("%s: power on confirmed by the device\n", n->name);
out:
	havz_config_free(&cfg);
	return status;
}
