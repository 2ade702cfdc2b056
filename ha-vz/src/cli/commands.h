/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HAVZ_CLI_COMMANDS_H
#define HAVZ_CLI_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

/* Every exit code of the ha-vz command (but fence-peer's, DRBD's own), the one place they are
 * defined: ha-vz(8) lists each (tests/cli/exit-codes.bats checks that the two agree). */
enum {
	HAVZ_EXIT_OK = 0,
	HAVZ_EXIT_FAIL = 1,	/* the operation failed */
	HAVZ_EXIT_USAGE = 2,	/* bad command line */
	HAVZ_EXIT_CONFIG = 3,	/* the configuration has errors */
	HAVZ_EXIT_NODAEMON = 4, /* status: ha-vzd is not running */
	HAVZ_EXIT_REFUSED = 5,	/* switchover, sync: refused, nothing was stopped or sent */
	/* fence-test and fence: what the fence device answered. */
	HAVZ_EXIT_FENCE_OFF = 10,    /* fence-test: the node's power is off */
	HAVZ_EXIT_FENCE_AUTH = 11,   /* the BMC refused the user or password */
	HAVZ_EXIT_FENCE_SILENT = 12, /* nothing answers at the BMC's address and port */
	HAVZ_EXIT_FENCE_NODEV = 13,  /* the node has no fence device */
};

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
	void (*usage)(void);
};

int cmd_check_config(int argc, char **argv);
void usage_check_config(void);
int cmd_render(int argc, char **argv);
int cmd_cib(int argc, char **argv);
void usage_cib(void);
void usage_render(void);
int cmd_keygen(int argc, char **argv);
void usage_keygen(void);
int cmd_status(int argc, char **argv);
void usage_status(void);
/* Exits with DRBD's fence-peer codes (drbd.conf(5)), not the HAVZ_EXIT_* ones. */
int cmd_fence_peer(int argc, char **argv);
void usage_fence_peer(void);
int cmd_fence_test(int argc, char **argv);
void usage_fence_test(void);
int cmd_fence(int argc, char **argv);
void usage_fence(void);
int cmd_ct(int argc, char **argv);
void usage_ct(void);
int cmd_checkpoint(int argc, char **argv);
void usage_checkpoint(void);
int cmd_restore(int argc, char **argv);
void usage_restore(void);
int cmd_hooks_run(int argc, char **argv);
void usage_hooks_run(void);
int cmd_drill(int argc, char **argv);
void usage_drill(void);
int cmd_alert(int argc, char **argv);
void usage_alert(void);
int cmd_switchover(int argc, char **argv);
void usage_switchover(void);
int cmd_sync(int argc, char **argv);
void usage_sync(void);
int cmd_split_brain(int argc, char **argv);
void usage_split_brain(void);

/* fence-test's exit status for a device's answer, and its one-line description. */
enum havz_bmc_answer;
struct havz_node;
int cli_fence_exit(enum havz_bmc_answer a);
void cli_fence_describe(const struct havz_node *n, enum havz_bmc_answer a, const char *detail,
			char *out, size_t size);

/* Loads and validates the configuration, logging every error. Returns 0 or -errno. */
struct havz_config;
int cli_load_config(const char *path, struct havz_config *cfg);

/* ha-vz render's work: the configuration at path rendered below root. Returns an exit code. */
int cli_render(const char *path, const char *root, bool dry_run);

#endif
