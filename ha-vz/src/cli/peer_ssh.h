/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Commands on the peer node over ssh, as root@ its management address with root's own keys
 * (BatchMode: never a password prompt), and rsync through the same ssh: what ha-vz sync and
 * ha-vz split-brain share. Children run from argv vectors; what reaches the peer's shell is
 * fixed words and names the caller checked (sync_path_plain, the configuration's names).
 */
#ifndef HAVZ_CLI_PEER_SSH_H
#define HAVZ_CLI_PEER_SSH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/run.h"
#include "havz/config.h"

#define PEER_SSH_OPTIONS_MAX 8
#define PEER_SSH_OPTION_LEN 256
#define PEER_ARGV_MAX (16 + 2 * PEER_SSH_OPTIONS_MAX)

/* What the admin said about reaching the peer (--peer-address, --ssh-port, --ssh-option). */
struct peer_ssh_opts {
	const char *peer_address;
	const char *ssh_options[PEER_SSH_OPTIONS_MAX];
	size_t n_ssh_options;
	char ssh_port[8]; /* empty: ssh's default */
};

/* How the peer is reached: ssh's argv prefix and rsync's -e command and host part. */
struct peer_link {
	const char *who; /* the command, prefixing its messages: "sync" */
	const char *name;
	char address[HAVZ_ADDR_MAX];
	char login[HAVZ_ADDR_MAX + 8];	/* root@ADDR, for ssh */
	char remote[HAVZ_ADDR_MAX + 8]; /* root@ADDR or root@[ADDR], for rsync */
	char rsh[PEER_SSH_OPTIONS_MAX * (PEER_SSH_OPTION_LEN + 4) + 128];
	const char *ssh[PEER_ARGV_MAX];
	size_t n_ssh;
};

/* The usage lines of the three options, for a command's --help. */
#define PEER_SSH_USAGE                                                                             \
	"  -a, --peer-address ADDR  reach the peer there, not at its management address\n"         \
	"  -p, --ssh-port N         ssh port on the peer\n"                                        \
	"  -o, --ssh-option OPT     passed to ssh as -o OPT (repeatable, no spaces)\n"

/*
 * Takes getopt's 'a', 'p' or 'o' with its argument into o. 0, or -EINVAL with the error
 * logged under who (the caller exits with a usage error).
 */
int peer_ssh_option(struct peer_ssh_opts *o, const char *who, int opt, const char *arg);

/* The link to peer: o's address when given, else its management address. */
void peer_link_init(struct peer_link *l, const char *who, const struct peer_ssh_opts *o,
		    const struct havz_node *peer);

/* Prints what a peer-side command said, each line under the peer's name. */
void peer_relay(const char *prefix, const struct havz_run_result *res);

/* Runs WORDS... on the peer through ssh; res holds its status and output. 0 or -errno. */
int peer_ssh(const struct peer_link *l, const char *const words[], struct havz_run_result *res);

/* Says how to set up the login that failed (ssh exited 255). */
void peer_explain_ssh_failure(const struct peer_link *l, const struct havz_run_result *res);

/* Logs in and runs `ha-vz --version` there: 0, or -EIO with the reason logged. */
int peer_check_login(const struct peer_link *l, struct havz_run_result *res);

/* rsync -e SSH ARGS... (its own options and paths); 0, or -EIO with the reason logged. */
int peer_rsync(const struct peer_link *l, const char *const args[], struct havz_run_result *res);

#endif
