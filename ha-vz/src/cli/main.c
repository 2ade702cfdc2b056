// SPDX-License-Identifier: GPL-2.0-only
/* ha-vz: the operator's command. One table of subcommands; each parses its own options. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "common/log.h"

static const struct cli_command commands[] = {
	{ "check-config", "parse and validate ha-vz.conf", cmd_check_config, usage_check_config },
	{ "render", "write DRBD and heartbeat files from ha-vz.conf", cmd_render, usage_render },
	{ "cib", "compare (diff) or load (apply) the rendered CIB and the live cluster's", cmd_cib,
	  usage_cib },
	{ "keygen", "create a random cluster auth key", cmd_keygen, usage_keygen },
	{ "status", "show where each container runs (asks ha-vzd)", cmd_status, usage_status },
	{ "fence-peer", "DRBD fence-peer handler: outdate the peer's disk", cmd_fence_peer,
	  usage_fence_peer },
	{ "fence-test", "ask a node's fence device for its power status", cmd_fence_test,
	  usage_fence_test },
	{ "fence", "power a node off (--off) or cycle it (--reboot) through its device", cmd_fence,
	  usage_fence },
	{ "ct", "create, list or destroy the containers on this node", cmd_ct, usage_ct },
	{ "checkpoint", "dump a container now, or at its next stop (--on-stop)", cmd_checkpoint,
	  usage_checkpoint },
	{ "restore", "resume a container from its checkpoint, once", cmd_restore, usage_restore },
	{ "switchover", "move this node's containers to the peer, live where possible",
	  cmd_switchover, usage_switchover },
	{ "sync", "send ha-vz.conf (and --key the cluster key) to the peer, checked there",
	  cmd_sync, usage_sync },
	{ "split-brain", "after a DRBD split brain: save this side, then resync it from --keep",
	  cmd_split_brain, usage_split_brain },
	{ "drill", "check, list and report the failover drills' records", cmd_drill, usage_drill },
	{ "hooks-run", "run one phase of the checkpoint hooks (to try them)", cmd_hooks_run,
	  usage_hooks_run },
	{ "alert", "run the alert hooks for one event (to try them; DRBD handlers)", cmd_alert,
	  usage_alert },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	fprintf(out, "Usage: ha-vz [-v] COMMAND [OPTIONS]\n"
		     "       ha-vz help COMMAND | --help | --version\n\n"
		     "Two-node high availability for LXC containers on DRBD.\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\nRun 'ha-vz COMMAND --help' for a command's options. See ha-vz(8).\n");
}

static const struct cli_command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct cli_command *cmd;
	int verbose = 0, i = 1, rc;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return HAVZ_EXIT_OK;
		}
		if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			printf("ha-vz %s\n", HAVZ_VERSION);
			return HAVZ_EXIT_OK;
		}
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = 1;
			i++;
			continue;
		}
		fprintf(stderr, "ha-vz: unknown option '%s'\n", argv[i]);
		usage(stderr);
		return HAVZ_EXIT_USAGE;
	}
	if (i == argc) {
		usage(stderr);
		return HAVZ_EXIT_USAGE;
	}
	if (!strcmp(argv[i], "help")) {
		if (i + 1 == argc) {
			usage(stdout);
			return HAVZ_EXIT_OK;
		}
		cmd = find(argv[i + 1]);
		if (!cmd) {
			fprintf(stderr, "ha-vz: unknown command '%s'\n", argv[i + 1]);
			return HAVZ_EXIT_USAGE;
		}
		cmd->usage();
		return HAVZ_EXIT_OK;
	}
	cmd = find(argv[i]);
	if (!cmd) {
		fprintf(stderr, "ha-vz: unknown command '%s'; see 'ha-vz --help'\n", argv[i]);
		return HAVZ_EXIT_USAGE;
	}
	/* DRBD sets DRBD_RESOURCE for its handlers (fence-peer, unfence-peer, split-brain). */
	havz_log_init("ha-vz",
		      getenv("DRBD_RESOURCE") ? HAVZ_LOG_STDERR_AND_SYSLOG : HAVZ_LOG_STDERR,
		      verbose);
	rc = cmd->run(argc - i, argv + i);
	havz_log_fini();
	return rc;
}
