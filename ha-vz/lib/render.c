// SPDX-License-Identifier: GPL-2.0-only
#include "havz/render.h"
#include "havz/files.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void header(const struct havz_config *cfg, struct havz_buf *out, const char *comment)
{
	const char *base = strrchr(cfg->file, '/');

	/* The base name only: the same configuration renders the same bytes from any path. */
	havz_buf_printf(out, "%s %s from %s: do not edit.\n", comment, HAVZ_RENDER_MARK,
			base ? base + 1 : cfg->file);
}

static void format_rate(uint64_t bytes, char *out, size_t size)
{
	if (bytes % (1ULL << 30) == 0)
		snprintf(out, size, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes % (1ULL << 20) == 0)
		snprintf(out, size, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(out, size, "%lluK", (unsigned long long)(bytes >> 10));
}

void havz_format_ha_time(unsigned ms, char *out, size_t size)
{
	if (ms % 1000 == 0)
		snprintf(out, size, "%u", ms / 1000);
	else
		snprintf(out, size, "%ums", ms);
}

int havz_render_drbd_global(const struct havz_config *cfg, struct havz_buf *out)
{
	const struct havz_drbd *d = &cfg->drbd;
	bool fencing = strcmp(d->fencing, "dont-care") != 0;
	char rate[32];

	format_rate(d->resync_rate, rate, sizeof(rate));
	header(cfg, out, "#");
	havz_buf_printf(out, "# DRBD 8.4 syntax (the module in Debian 12's kernel).\n\n");
	havz_buf_printf(out, "global {\n\tusage-count no;\n}\n\n");
	havz_buf_printf(out, "common {\n");
	havz_buf_printf(out, "\tnet {\n\t\tprotocol %c;\n", d->protocol);
	havz_buf_printf(out,
			"\t\tafter-sb-0pri %s;\n\t\tafter-sb-1pri %s;\n\t\tafter-sb-2pri %s;\n",
			d->after_sb_0pri, d->after_sb_1pri, d->after_sb_2pri);
	havz_buf_printf(out, "\t}\n");
	/* c-plan-ahead 0 turns off the resync controller so that resync-rate is the rate. */
	havz_buf_printf(out, "\tdisk {\n\t\tresync-rate %s;\n\t\tc-plan-ahead 0;\n", rate);
	havz_buf_printf(out, "\t\tfencing %s;\n\t}\n", d->fencing);
	/*
	 * These only bound how long DRBD's boot script waits for the peer. What keeps a node
	 * that boots alone from promoting possibly stale data is ha-vz fence-peer: its disk is
	 * Consistent, not UpToDate, until it has seen the peer, and then it fences no one.
	 */
	if (havz_config_stonith(cfg))
		havz_buf_printf(out, "\tstartup {\n\t\twfc-timeout 60;\n\t\tdegr-wfc-timeout "
				     "30;\n\t\toutdated-wfc-timeout 30;\n\t}\n");
	havz_buf_printf(out, "\thandlers {\n");
	if (fencing)
		havz_buf_printf(out, "\t\tfence-peer \"%s\";\n\t\tafter-resync-target \"%s\";\n",
				HAVZ_FENCE_PEER, HAVZ_UNFENCE_PEER);
	/* The alert hooks hear of it (their stock mail hook replaces DRBD's notify script). */
	havz_buf_printf(out, "\t\tsplit-brain \"%s\";\n", HAVZ_SPLIT_BRAIN);
	havz_buf_printf(out, "\t}\n}\n");
	return out->err;
}

static void drbd_address(struct havz_buf *out, const char *addr, unsigned port)
{
	if (strchr(addr, ':'))
		havz_buf_printf(out, "ipv6 [%s]:%u", addr, port);
	else
		havz_buf_printf(out, "%s:%u", addr, port);
}

int havz_render_drbd_resource(const struct havz_config *cfg, const struct havz_container *ct,
			      struct havz_buf *out)
{
	header(cfg, out, "#");
	havz_buf_printf(out, "resource ct-%s {\n", ct->name);
	havz_buf_printf(out, "\tdevice /dev/drbd%u minor %u;\n", ct->minor, ct->minor);
	havz_buf_printf(out, "\tdisk %s;\n\tmeta-disk internal;\n", ct->disk);
	for (size_t i = 0; i < cfg->n_nodes; i++) {
		havz_buf_printf(out, "\ton %s {\n\t\taddress ", cfg->nodes[i].name);
		drbd_address(out, cfg->nodes[i].replication, ct->port);
		havz_buf_printf(out, ";\n\t}\n");
	}
	havz_buf_printf(out, "}\n");
	return out->err;
}

int havz_render_ha_cf(const struct havz_config *cfg, struct havz_buf *out)
{
	char t[32];

	header(cfg, out, "#");
	havz_buf_printf(out, "# heartbeat 3 in haresources mode; cluster %s.\n", cfg->cluster_name);
	havz_buf_printf(out, "logfacility daemon\n");
	havz_format_ha_time(cfg->keepalive_ms, t, sizeof(t));
	havz_buf_printf(out, "keepalive %s\n", t);
	havz_format_ha_time(cfg->warntime_ms, t, sizeof(t));
	havz_buf_printf(out, "warntime %s\n", t);
	havz_format_ha_time(cfg->deadtime_ms, t, sizeof(t));
	havz_buf_printf(out, "deadtime %s\n", t);
	havz_format_ha_time(cfg->initdead_ms, t, sizeof(t));
	havz_buf_printf(out, "initdead %s\n", t);
	/* heartbeat warns about udpport after media lines even when it comes first: omit the
	 * default. */
	if (cfg->udpport != 694)
		havz_buf_printf(out, "udpport %u\n", cfg->udpport);
	for (size_t i = 0; i < cfg->n_links; i++) {
		const struct havz_link *l = &cfg->links[i];

		havz_buf_printf(out, "# link %s\n", l->name);
		if (l->mode == HAVZ_LINK_BCAST) {
			havz_buf_printf(out, "bcast %s\n", l->interface);
			continue;
		}
		/* One ha.cf serves both nodes: heartbeat skips ucast to its own address. */
		for (size_t k = 0; k < cfg->n_nodes; k++)
			havz_buf_printf(out, "ucast %s %s\n", l->interface,
					l->network == HAVZ_NET_MANAGEMENT
						? cfg->nodes[k].management
						: cfg->nodes[k].replication);
	}
	havz_buf_printf(out, "auto_failback %s\n", cfg->auto_failback ? "on" : "off");
	for (size_t i = 0; i < cfg->n_ping; i++)
		havz_buf_printf(out, "ping %s\n", cfg->ping[i]);
	/* heartbeat feeds it: a node whose heartbeat dies or hangs is reset. */
	if (cfg->watchdog[0])
		havz_buf_printf(out, "watchdog %s\n", cfg->watchdog);
	/*
	 * No stonith_host: heartbeat would fence on "peer dead" without the survivor rules
	 * (ping, fence_delay), and both nodes of a full partition would shoot. DRBD calls
	 * ha-vz fence-peer before every promotion of a disconnected resource and when a
	 * Primary loses its peer, so that handler is the one path that fences.
	 */
	for (size_t k = 0; k < cfg->n_nodes; k++)
		havz_buf_printf(out, "node %s\n", cfg->nodes[k].name);
	havz_buf_printf(out, "crm off\n");
	/* ha-vzd supervises the containers (heartbeat does not) and answers fencing requests. */
	havz_buf_printf(out, "respawn root %s/ha-vzd\n", HAVZ_SBINDIR);
	return out->err;
}

int havz_render_haresources(const struct havz_config *cfg, struct havz_buf *out)
{
	header(cfg, out, "#");
	havz_buf_printf(out, "# One resource group per container: DRBD, then its filesystem, then "
			     "the container.\n");
	for (size_t i = 0; i < cfg->n_containers; i++) {
		const struct havz_container *ct = &cfg->containers[i];

		havz_buf_printf(out,
				"%s ha-vz-drbd::ct-%s ha-vz-mount::/dev/drbd%u::%s::%s "
				"ha-vz-container::%s\n",
				ct->preferred_node, ct->name, ct->minor, ct->mount, ct->filesystem,
				ct->name);
	}
	return out->err;
}

int havz_auth_key_check(const char *key)
{
	size_t n = strlen(key);

	if (n < 16 || n > 256)
		return -EINVAL;
	for (const char *p = key; *p; p++)
		if (!isgraph((unsigned char)*p))
			return -EINVAL;
	return 0;
}

int havz_render_authkeys(const struct havz_config *cfg, const char *key, struct havz_buf *out)
{
	if (havz_auth_key_check(key))
		return -EINVAL;
	header(cfg, out, "#");
	havz_buf_printf(out, "auth 1\n1 sha1 %s\n", key);
	return out->err;
}

int havz_auth_key_read(const char *path, struct havz_buf *key)
{
	int rc = havz_file_read(path, 4096, key);

	if (rc)
		return rc;
	/* One line; a trailing newline is not part of the key. */
	while (key->len && (key->data[key->len - 1] == '\n' || key->data[key->len - 1] == '\r'))
		key->data[--key->len] = '\0';
	return havz_auth_key_check(key->data);
}
