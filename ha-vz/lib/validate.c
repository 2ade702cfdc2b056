// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checks that need the whole file: node count, uniqueness across
 * containers, references between sections, heartbeat timing, and the auth
 * key file's secrecy. Parsing already checked every single value.
 */
#include "havz/config.h"
#include "havz/files.h"
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

/*
 * A secret file (the cluster key, a BMC password): a regular file, owned by
 * root, readable by nobody else. Returns 0 when it may be read.
 */
static int check_secret_file(struct checker *c, int line, const char *key, const char *path,
			     const char *hint)
{
	struct stat st;

	if (stat(path, &st)) {
		verr(c, line, "%s: %s: %s%s", key, path, strerror(errno), hint);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		verr(c, line, "%s: %s is not a regular file", key, path);
		return -1;
	}
	if (st.st_mode & 077) {
		verr(c, line, "%s: %s is accessible by group or others (mode %04o); run chmod 600",
		     key, path, (unsigned)(st.st_mode & 07777));
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		verr(c, line, "%s: %s is owned by uid %u, not root", key, path,
		     (unsigned)st.st_uid);
		return -1;
	}
	return 0;
}

/* The password itself: one line of 1 to 20 bytes (IPMI 2.0), as ipmitool -f reads it. */
static void check_fence_password(struct checker *c, const struct havz_node *n)
{
	struct havz_buf pw = { 0 };
	int line = n->fence_password_file_at.line;
	int rc = havz_file_read(n->fence_password_file, 4096, &pw);

	if (rc) {
		verr(c, line, "fence_password_file: %s: %s", n->fence_password_file, strerror(-rc));
		return;
	}
	while (pw.len && (pw.data[pw.len - 1] == '\n' || pw.data[pw.len - 1] == '\r'))
		pw.data[--pw.len] = '\0';
	if (pw.len == 0 || pw.len > 20 || memchr(pw.data, '\n', pw.len))
		verr(c, line,
		     "fence_password_file: %s does not hold a BMC password (1 to 20 characters on "
		     "one line)",
		     n->fence_password_file);
	havz_buf_wipe_free(&pw);
}

/* fence_* keys set on a node whose fence is not ipmi. */
static void check_fence_keys_unused(struct checker *c, const struct havz_node *n)
{
	const struct {
		const char *key;
		int line;
	} keys[] = {
		{ "fence_address", n->fence_address_at.line },
		{ "fence_port", n->fence_port_at.line },
		{ "fence_user", n->fence_user_at.line },
		{ "fence_password_file", n->fence_password_file_at.line },
		{ "fence_cipher", n->fence_cipher_at.line },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (keys[i].line)
			verr(c, keys[i].line, "%s: only with fence = ipmi (node %s has %s)",
			     keys[i].key, n->name,
			     n->fence == HAVZ_FENCE_NONE ? "fence = none" : "no fence");
}

static void check_fence_device(struct checker *c, const struct havz_node *n)
{
	const struct havz_config *cfg = c->cfg;
	const char *missing[3];
	size_t n_missing = 0;

	if (n->fence != HAVZ_FENCE_IPMI) {
		check_fence_keys_unused(c, n);
		return;
	}
	if (!n->fence_address[0])
		missing[n_missing++] = "fence_address";
	if (!n->fence_user[0])
		missing[n_missing++] = "fence_user";
	if (!n->fence_password_file[0])
		missing[n_missing++] = "fence_password_file";
	for (size_t i = 0; i < n_missing; i++)
		verr(c, n->fence_at.line, "fence: ipmi needs %s in [node %s]", missing[i], n->name);
	for (size_t k = 0; n->fence_address[0] && k < cfg->n_nodes; k++)
		if (!strcmp(n->fence_address, cfg->nodes[k].management) ||
		    !strcmp(n->fence_address, cfg->nodes[k].replication))
			verr(c, n->fence_address_at.line,
			     "fence_address: %s is an address of node %s, not of its BMC",
			     n->fence_address, cfg->nodes[k].name);
	if (n->fence_password_file[0] &&
	    !check_secret_file(c, n->fence_password_file_at.line, "fence_password_file",
			       n->fence_password_file, ""))
		check_fence_password(c, n);
}

/*
 * resource-and-stonith: every node says how it is fenced (none spelled out),
 * and at least one of them can be; otherwise no promotion could ever follow a
 * partition and the setting only freezes I/O.
 */
static void check_fencing(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;
	size_t fenceable = 0;

	for (size_t i = 0; i < cfg->n_nodes; i++) {
		const struct havz_node *n = &cfg->nodes[i];

		check_fence_device(c, n);
		if (n->fence == HAVZ_FENCE_IPMI)
			fenceable++;
		if (havz_config_stonith(cfg) && n->fence == HAVZ_FENCE_UNSET)
			verr(c, n->line,
			     "[node %s]: missing key 'fence' (fencing = resource-and-stonith, "
			     "line %d: ipmi, or none spelled out)",
			     n->name, cfg->drbd.fencing_at.line);
	}
	if (havz_config_stonith(cfg) && cfg->n_nodes && !fenceable) {
		bool all_spelled = true;

		for (size_t i = 0; i < cfg->n_nodes; i++)
			all_spelled = all_spelled && cfg->nodes[i].fence != HAVZ_FENCE_UNSET;
		if (all_spelled)
			verr(c, cfg->drbd.fencing_at.line,
			     "fencing: resource-and-stonith, but every node has fence = none: "
			     "no node could ever be fenced");
	}
	for (size_t i = 0; i < cfg->n_ping; i++)
		for (size_t k = 0; k < cfg->n_nodes; k++)
			if (!strcmp(cfg->ping[i], cfg->nodes[k].management) ||
			    !strcmp(cfg->ping[i], cfg->nodes[k].replication))
				verr(c, cfg->ping_at.line,
				     "ping: %s is an address of node %s; ping the clients' "
				     "gateway instead",
				     cfg->ping[i], cfg->nodes[k].name);
}

/*
 * After a split brain, every side with changes was Primary during the split:
 * only a Primary writes. So every policy that discards a side with changes
 * discards writes that a Primary acknowledged: allowed are only those that
 * discard nothing (disconnect), or a side without changes
 * (discard-zero-changes; consensus in after-sb-1pri, which applies that).
 */
static void check_after_sb(struct checker *c)
{
	const struct havz_drbd *d = &c->cfg->drbd;
	const struct {
		const char *key, *value, *allowed;
		int line;
	} policies[] = {
		{ "after_sb_0pri", d->after_sb_0pri, "disconnect, discard-zero-changes",
		  d->after_sb_0pri_at.line },
		{ "after_sb_1pri", d->after_sb_1pri, "disconnect, consensus",
		  d->after_sb_1pri_at.line },
		{ "after_sb_2pri", d->after_sb_2pri, "disconnect", d->after_sb_2pri_at.line },
	};

	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		char allowed[64];
		bool ok = false;

		snprintf(allowed, sizeof(allowed), "%s", policies[i].allowed);
		for (char *save = NULL, *w = strtok_r(allowed, ", ", &save); w;
		     w = strtok_r(NULL, ", ", &save))
			ok = ok || !strcmp(w, policies[i].value);
		if (!ok)
			verr(c, line_or(policies[i].line, c->cfg->cluster_line),
			     "%s: %s can discard writes a Primary acknowledged; use %s",
			     policies[i].key, policies[i].value, policies[i].allowed);
	}
}

static void check_auth_key_file(struct checker *c)
{
	const struct havz_config *cfg = c->cfg;
	int line = cfg->auth_key_file_at.line;

	if (!cfg->auth_key_file[0])
		return; /* reported as a missing key already */
	if (!check_secret_file(c, line, "auth_key_file", cfg->auth_key_file,
			       " (create it with 'ha-vz keygen')"))
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

int havz_config_validate(const struct havz_config *cfg, havz_diag_fn diag, void *ctx)
{
	struct checker c = { .cfg = cfg, .diag = diag, .ctx = ctx };

	check_nodes(&c);
	check_links(&c);
	check_timing(&c);
	check_auth_key_file(&c);
	check_containers(&c);
	check_fencing(&c);
	check_after_sb(&c);
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
