// SPDX-License-Identifier: GPL-2.0-only
/* Commands on the peer over ssh, and rsync through it: see peer_ssh.h. */
#include "cli/peer_ssh.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "havz/parse.h"

#define SSH_TIMEOUT_MS 120000

/* ssh options end up in rsync's -e, which rsync splits at spaces and unquotes. */
static bool ssh_option_ok(const char *opt)
{
	if (!opt[0] || strlen(opt) >= PEER_SSH_OPTION_LEN || opt[0] == '-')
		return false;
	for (const char *p = opt; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\'' || *p == '"' || *p == '\\')
			return false;
	return true;
}

int peer_ssh_option(struct peer_ssh_opts *o, const char *who, int opt, const char *arg)
{
	unsigned long long port;

	switch (opt) {
	case 'a':
		if (havz_check_address(arg)) {
			qb_log(LOG_ERR, "%s: --peer-address '%s': not an IPv4 or IPv6 address", who,
			       arg);
			return -EINVAL;
		}
		o->peer_address = arg;
		return 0;
	case 'p':
		if (havz_parse_uint(arg, 1, 65535, &port)) {
			qb_log(LOG_ERR, "%s: --ssh-port '%s': not a port (1 to 65535)", who, arg);
			return -EINVAL;
		}
		snprintf(o->ssh_port, sizeof(o->ssh_port), "%llu", port);
		return 0;
	case 'o':
		if (!ssh_option_ok(arg) || o->n_ssh_options == PEER_SSH_OPTIONS_MAX) {
			qb_log(LOG_ERR,
			       "%s: --ssh-option '%s': one ssh option as KEY=VALUE, without spaces "
			       "or quotes (at most %d of them)",
			       who, arg, PEER_SSH_OPTIONS_MAX);
			return -EINVAL;
		}
		o->ssh_options[o->n_ssh_options++] = arg;
		return 0;
	default: return -EINVAL;
	}
}

void peer_link_init(struct peer_link *l, const char *who, const struct peer_ssh_opts *o,
		    const struct havz_node *peer)
{
	const char *address = o->peer_address ? o->peer_address : peer->management;
	size_t n = 0, len;

	l->who = who;
	l->name = peer->name;
	snprintf(l->address, sizeof(l->address), "%s", address);
	snprintf(l->login, sizeof(l->login), "root@%s", address);
	snprintf(l->remote, sizeof(l->remote), strchr(address, ':') ? "root@[%s]" : "root@%s",
		 address);
	l->ssh[n++] = "ssh";
	l->ssh[n++] = "-o";
	l->ssh[n++] = "BatchMode=yes";
	l->ssh[n++] = "-o";
	l->ssh[n++] = "ConnectTimeout=10";
	if (o->ssh_port[0]) {
		l->ssh[n++] = "-p";
		l->ssh[n++] = o->ssh_port;
	}
	for (size_t i = 0; i < o->n_ssh_options; i++) {
		l->ssh[n++] = "-o";
		l->ssh[n++] = o->ssh_options[i];
	}
	l->n_ssh = n;
	l->rsh[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		len = strlen(l->rsh);
		snprintf(l->rsh + len, sizeof(l->rsh) - len, "%s%s", i ? " " : "", l->ssh[i]);
	}
}

void peer_relay(const char *prefix, const struct havz_run_result *res)
{
	const char *p = res->output;

	while (*p) {
		size_t n = strcspn(p, "\n");

		qb_log(LOG_NOTICE, "%s: %.*s", prefix, (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (res->truncated)
		qb_log(LOG_NOTICE, "%s: (output cut)", prefix);
}

void peer_explain_ssh_failure(const struct peer_link *l, const struct havz_run_result *res)
{
	peer_relay("ssh", res);
	qb_log(LOG_ERR,
	       "%s: cannot log in to %s as %s with ssh (exit status %d). %s uses root's "
	       "own ssh keys without asking for a password: on this node, as root, run "
	       "'ssh-copy-id %s' and then 'ssh %s true' once to check the login and accept %s's "
	       "host key",
	       l->who, l->name, l->login, res->status, l->who, l->login, l->login, l->name);
}

int peer_ssh(const struct peer_link *l, const char *const words[], struct havz_run_result *res)
{
	const char *argv[PEER_ARGV_MAX + 8];
	size_t n = 0;

	for (size_t i = 0; i < l->n_ssh; i++)
		argv[n++] = l->ssh[i];
	argv[n++] = "--";
	argv[n++] = l->login;
	for (size_t i = 0; words[i] && n < PEER_ARGV_MAX + 7; i++)
		argv[n++] = words[i];
	argv[n] = NULL;
	return havz_run_logged(l->who, argv, SSH_TIMEOUT_MS, res);
}

int peer_check_login(const struct peer_link *l, struct havz_run_result *res)
{
	static const char *const words[] = { "ha-vz", "--version", NULL };

	qb_log(LOG_NOTICE, "%s: logging in to %s as %s", l->who, l->name, l->login);
	if (peer_ssh(l, words, res))
		return -EIO;
	if (res->status == 255) {
		peer_explain_ssh_failure(l, res);
		return -EIO;
	}
	if (res->status) {
		peer_relay(l->name, res);
		qb_log(LOG_ERR, "%s: %s: 'ha-vz --version' exited with status %d%s", l->who,
		       l->name, res->status,
		       res->status == 127 ? ": is ha-vz installed there?" : "");
		return -EIO;
	}
	peer_relay(l->name, res);
	return 0;
}

int peer_rsync(const struct peer_link *l, const char *const args[], struct havz_run_result *res)
{
	const char *argv[16];
	size_t n = 0;

	argv[n++] = "rsync";
	argv[n++] = "-e";
	argv[n++] = l->rsh;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (havz_run_logged(l->who, argv, SSH_TIMEOUT_MS, res))
		return -EIO;
	if (res->status) {
		peer_relay("rsync", res);
		if (res->status == 255 || strstr(res->output, "ssh:"))
			peer_explain_ssh_failure(l, res);
		else
			qb_log(LOG_ERR, "%s: rsync with %s exited with status %d", l->who, l->name,
			       res->status);
		return -EIO;
	}
	return 0;
}
