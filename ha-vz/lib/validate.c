// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks that need the whole file: node count, uniqueness across
 * containers, references between sections, heartbeat timing, and the auth
 * key file's secrecy. Parsing already checked every single value.
 */
#include "havz/config.h"
#include "havz/render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_SIZE_MAX (1 << 20)

struct checker {
	const struct havz_config *cfg;
	havz_diag_fn diag;
	void *ctx;
	int errors;
};

static void __attribute__((format(printf, 3, 4)))
verr(struct checker *c, int line, const char *fmt, ...)
{
	char msg[512], out[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "%s:%d: %s", c->cfg->file, line, msg);
	c->errors++;
	if (c->diag)
		c->diag(c->ctx, out);
}

static int line_or(int line, int fallback)
{
	return line ? line : fallback;
}

static void check_nodes(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;

	if (cfg->n_nodes != HAVZ_NODES) {
		verr(c, cfg->n_nodes ? cfg->nodes[0].line : cfg->cluster_line,
		     "a cluster has exactly two [node] sections; found %zu", cfg->n_nodes);
		return;
	}
	const struct havz_node *a = &cfg->nodes[0], *b = &cfg->nodes[1];
	if (!strcmp(a->management, b->management))
		verr(c, b->management_at.line, "management: %s is also node %s's address",
		     b->management, a->name);
	if (!strcmp(a->replication, b->replication))
		verr(c, b->replication_at.line, "replication: %s is also node %s's address",
		     b->replication, a->name);
	for (int i = 0; i < 2; i++) {
		const struct havz_node *n = &cfg->nodes[i], *peer = &cfg->nodes[1 - i];

		if (!strcmp(n->management, peer->replication))
			verr(c, n->management_at.line,
			     "management: %s is node %s's replication address", n->management,
			     peer->name);
	}
}

static void check_links(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;

	if (cfg->n_links < 2)
		verr(c, cfg->n_links ? cfg->links[0].line : cfg->cluster_line,
		     "heartbeat needs at least two [link] sections for redundancy; found %zu",
		     cfg->n_links);
	for (size_t i = 0; i < cfg->n_links; i++) {
		const struct havz_link *l = &cfg->links[i];

		if (l->mode != HAVZ_LINK_UCAST || cfg->n_nodes != HAVZ_NODES)
			continue;
		for (size_t k = 0; k < HAVZ_NODES; k++) {
			const struct havz_node *n = &cfg->nodes[k];
			const char *a =
				l->network == HAVZ_NET_MANAGEMENT ? n->management : n->replication;

			/* heartbeat's ucast plugin speaks IPv4 only. */
			if (a[0] && strchr(a, ':'))
				verr(c, line_or(l->network_at.line, l->line),
				     "network: link %s would send heartbeat ucast to %s, an IPv6 "
				     "address; ha-vz renders ucast links for IPv4 only",
				     l->name, a);
		}
	}
	for (size_t i = 0; i < cfg->n_links; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(cfg->links[i].interface, cfg->links[j].interface))
				verr(c,
				     line_or(cfg->links[i].interface_at.line, cfg->links[i].line),
				     "interface: link %s uses %s like link %s: not redundant",
				     cfg->links[i].name, cfg->links[i].interface,
				     cfg->links[j].name);
}

static void check_timing(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;

	if (cfg->stack == HAVZ_STACK_PACEMAKER)
		verr(c, cfg->stack_at.line,
		     "stack: 'pacemaker' is reserved for a later release; use 'heartbeat'");
	if (cfg->warntime_ms <= cfg->keepalive_ms)
		verr(c, line_or(cfg->warntime_at.line, cfg->cluster_line),
		     "warntime: %ums must be longer than keepalive (%ums)", cfg->warntime_ms,
		     cfg->keepalive_ms);
	if (cfg->deadtime_ms <= cfg->warntime_ms)
		verr(c, line_or(cfg->deadtime_at.line, cfg->cluster_line),
		     "deadtime: %ums must be longer than warntime (%ums)", cfg->deadtime_ms,
		     cfg->warntime_ms);
	if (cfg->initdead_ms < 2 * cfg->deadtime_ms)
		verr(c, line_or(cfg->initdead_at.line, cfg->cluster_line),
		     "initdead: %ums must be at least twice deadtime (%ums)", cfg->initdead_ms,
		     cfg->deadtime_ms);
}

static void check_auth_key_text(struct checker *c, int line)
{
	struct havz_buf key = { 0 };
	int rc = havz_auth_key_read(c->cfg->auth_key_file, &key);

	if (rc == -EINVAL)
		verr(c, line,
		     "auth_key_file: %s does not hold a key (16 to 256 printable characters on one "
		     "line)",
		     c->cfg->auth_key_file);
	else if (rc)
		verr(c, line, "auth_key_file: %s: %s", c->cfg->auth_key_file, strerror(-rc));
	havz_buf_wipe_free(&key);
}

static void check_auth_key_file(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;
	int line = cfg->auth_key_file_at.line;
	struct stat st;

	if (!cfg->auth_key_file[0])
		return; /* reported as a missing key already */
	if (stat(cfg->auth_key_file, &st)) {
		verr(c, line, "auth_key_file: %s: %s (create it with 'ha-vz keygen')",
		     cfg->auth_key_file, strerror(errno));
		return;
	}
	if (!S_ISREG(st.st_mode))
		verr(c, line, "auth_key_file: %s is not a regular file", cfg->auth_key_file);
	else if (st.st_mode & 077)
		verr(c, line,
		     "auth_key_file: %s is accessible by group or others (mode %04o); run chmod "
		     "600",
		     cfg->auth_key_file, (unsigned)(st.st_mode & 07777));
	else if (st.st_uid != geteuid() && st.st_uid != 0)
		verr(c, line, "auth_key_file: %s is owned by uid %u, not root", cfg->auth_key_file,
		     (unsigned)st.st_uid);
	else
		check_auth_key_text(c, line);
}

static void check_containers(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;

	for (size_t i = 0; i < cfg->n_containers; i++) {
		const struct havz_container *ct = &cfg->containers[i];

		if (ct->preferred_node[0] && !havz_config_node(cfg, ct->preferred_node))
			verr(c, ct->preferred_node_at.line,
			     "preferred_node: '%s' is not a [node] of this cluster",
			     ct->preferred_node);
		for (size_t j = 0; j < i; j++) {
			const struct havz_container *o = &cfg->containers[j];

			if (ct->minor_at.line && o->minor_at.line && ct->minor == o->minor)
				verr(c, ct->minor_at.line,
				     "minor: %u is also container %s's (line %d)", ct->minor,
				     o->name, o->minor_at.line);
			if (ct->port_at.line && o->port_at.line && ct->port == o->port)
				verr(c, ct->port_at.line,
				     "port: %u is also container %s's (line %d)", ct->port, o->name,
				     o->port_at.line);
			if (ct->disk[0] && !strcmp(ct->disk, o->disk))
				verr(c, ct->disk_at.line,
				     "disk: %s is also container %s's (line %d)", ct->disk, o->name,
				     o->disk_at.line);
			if (!strcmp(ct->mount, o->mount))
				verr(c, line_or(ct->mount_at.line, ct->line),
				     "mount: %s is also container %s's", ct->mount, o->name);
			if (ct->service_ip[0] && !strcmp(ct->service_ip, o->service_ip))
				verr(c, ct->service_ip_at.line,
				     "service_ip: %s is also container %s's (line %d)",
				     ct->service_ip, o->name, o->service_ip_at.line);
		}
		if (ct->port_at.line && ct->port == cfg->control_port)
			verr(c, ct->port_at.line, "port: %u is the cluster's control_port",
			     ct->port);
		if (ct->service_ip[0]) {
			size_t n = strcspn(ct->service_ip, "/");

			for (size_t k = 0; k < cfg->n_nodes; k++) {
				const struct havz_node *node = &cfg->nodes[k];

				if ((strlen(node->management) == n &&
				     !strncmp(node->management, ct->service_ip, n)) ||
				    (strlen(node->replication) == n &&
				     !strncmp(node->replication, ct->service_ip, n)))
					verr(c, ct->service_ip_at.line,
					     "service_ip: %.*s is an address of node %s", (int)n,
					     ct->service_ip, node->name);
			}
		}
	}
}

static void check_balance(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;
	const struct havz_balance_policy *b = &cfg->balance;
	int line = line_or(cfg->balance_enabled_at.line, cfg->balance_line);

	if (!b->enabled)
		return;
	if (!b->weight_cpu && !b->weight_memory && !b->weight_load)
		verr(c, cfg->balance_line,
		     "[balance]: weight_cpu, weight_memory and weight_load are all 0: nothing to "
		     "weigh");
	/* haresources moves every container of a node at once: there is no single move. */
	if (cfg->stack == HAVZ_STACK_HEARTBEAT)
		verr(c, line,
		     "enabled: balancing moves one container at a time, which heartbeat cannot "
		     "do (it moves all of a node's containers): use stack = pacemaker");
}

int havz_config_validate(const struct havz_config *cfg, havz_diag_fn diag, void *ctx)
{
	struct checker c = { .cfg = cfg, .diag = diag, .ctx = ctx };

	check_nodes(&c);
	check_links(&c);
	check_timing(&c);
	check_balance(&c);
	check_auth_key_file(&c);
	check_containers(&c);
	return c.errors ? -EINVAL : 0;
}

static void load_error(const char *path, const char *why, havz_diag_fn diag, void *ctx)
{
	char out[HAVZ_PATH_MAX + 128];

	snprintf(out, sizeof(out), "%s: %s", path, why);
	if (diag)
		diag(ctx, out);
}

int havz_config_load(const char *path, struct havz_config *cfg, havz_diag_fn diag, void *ctx)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text;
	ssize_t got;
	size_t len = 0;
	int rc;

	if (fd < 0) {
		rc = -errno;
		load_error(path, strerror(-rc), diag, ctx);
		return rc;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > CONFIG_SIZE_MAX) {
		load_error(path, "not a regular file of at most 1 MiB", diag, ctx);
		close(fd);
		return -EINVAL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return -ENOMEM;
	}
	while (len < (size_t)st.st_size &&
	       (got = read(fd, text + len, (size_t)st.st_size - len)) > 0)
		len += (size_t)got;
	close(fd);
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		load_error(path, "contains NUL bytes: not a text file", diag, ctx);
		free(text);
		return -EINVAL;
	}
	rc = havz_config_parse(path, text, cfg, diag, ctx);
	free(text);
	if (rc)
		return rc;
	rc = havz_config_validate(cfg, diag, ctx);
	if (rc)
		havz_config_free(cfg);
	return rc;
}
