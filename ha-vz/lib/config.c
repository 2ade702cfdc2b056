// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz.conf parser: INI sections ([cluster], [node NAME], [link NAME],
 * [drbd], [container NAME]) of "key = value" lines. A keyword table drives
 * it; each setter checks its own value and reports file:line: key: why.
 */
#include "havz/config.h"
#include "havz/parse.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

enum section_kind { SEC_NONE, SEC_CLUSTER, SEC_NODE, SEC_LINK, SEC_DRBD, SEC_CONTAINER };

struct parser {
	const char *file;
	int line;
	struct havz_config *cfg;
	enum section_kind sec;
	int sec_line;
	char sec_label[HAVZ_NAME_MAX + 16];
	uint64_t seen; /* keys of the current section, by keyword index */
	havz_diag_fn diag;
	void *ctx;
	int errors;
	bool have_drbd;
};

struct keyword {
	const char *name;
	enum section_kind sec;
	bool required;
	int (*set)(struct parser *p, const char *key, const char *value);
};

static void __attribute__((format(printf, 3, 4)))
perr_at(struct parser *p, int line, const char *fmt, ...)
{
	char msg[512], out[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(out, sizeof(out), "%s:%d: %s", p->file, line, msg);
	p->errors++;
	if (p->diag)
		p->diag(p->ctx, out);
}

#define perr(p, ...) perr_at((p), (p)->line, __VA_ARGS__)

static struct havz_node *cur_node(struct parser *p)
{
	return &p->cfg->nodes[p->cfg->n_nodes - 1];
}

static struct havz_link *cur_link(struct parser *p)
{
	return &p->cfg->links[p->cfg->n_links - 1];
}

static struct havz_container *cur_ct(struct parser *p)
{
	return &p->cfg->containers[p->cfg->n_containers - 1];
}

static int copy_checked(struct parser *p, const char *key, const char *value, char *dst,
			size_t size)
{
	if (strlen(value) >= size) {
		perr(p, "%s: value is longer than %zu characters", key, size - 1);
		return -ERANGE;
	}
	strcpy(dst, value);
	return 0;
}

static int set_uint(struct parser *p, const char *key, const char *value, unsigned long long min,
		    unsigned long long max, unsigned *out)
{
	unsigned long long v;
	int rc = havz_parse_uint(value, min, max, &v);

	if (rc == -ERANGE)
		perr(p, "%s: %s is out of range (%llu..%llu)", key, value, min, max);
	else if (rc)
		perr(p, "%s: '%s' is not a whole number", key, value);
	else
		*out = (unsigned)v;
	return rc;
}

static int set_duration(struct parser *p, const char *key, const char *value, unsigned min_ms,
			unsigned max_ms, unsigned *out)
{
	unsigned ms;
	int rc = havz_parse_duration_ms(value, &ms);

	if (rc) {
		perr(p, "%s: '%s' is not a duration (e.g. 500ms, 3s, 1m)", key, value);
		return rc;
	}
	if (ms < min_ms || ms > max_ms) {
		perr(p, "%s: %s is out of range (%ums..%ums)", key, value, min_ms, max_ms);
		return -ERANGE;
	}
	*out = ms;
	return 0;
}

static int set_size(struct parser *p, const char *key, const char *value, uint64_t min,
		    uint64_t max, uint64_t *out)
{
	uint64_t v;
	int rc = havz_parse_size(value, &v);

	if (rc) {
		perr(p, "%s: '%s' is not a size (e.g. 512M, 2G)", key, value);
		return rc;
	}
	if (v < min || v > max) {
		perr(p, "%s: %s is out of range (%lluM..%lluM)", key, value,
		     (unsigned long long)(min >> 20), (unsigned long long)(max >> 20));
		return -ERANGE;
	}
	*out = v;
	return 0;
}

/* value must be one of the NULL-terminated choices; returns its index. */
static int set_choice(struct parser *p, const char *key, const char *value,
		      const char *const *choices)
{
	char list[256] = "";

	for (int i = 0; choices[i]; i++)
		if (!strcmp(value, choices[i]))
			return i;
	for (int i = 0; choices[i]; i++) {
		if (i)
			strncat(list, ", ", sizeof(list) - strlen(list) - 1);
		strncat(list, choices[i], sizeof(list) - strlen(list) - 1);
	}
	perr(p, "%s: '%s' is not one of: %s", key, value, list);
	return -EINVAL;
}

static int set_path(struct parser *p, const char *key, const char *value, char *dst, size_t size)
{
	if (havz_check_abs_path(value)) {
		perr(p, "%s: '%s' is not a clean absolute path", key, value);
		return -EINVAL;
	}
	return copy_checked(p, key, value, dst, size);
}

static int set_address(struct parser *p, const char *key, const char *value, char *dst,
		       struct havz_origin *at)
{
	if (havz_check_address(value)) {
		perr(p, "%s: '%s' is not an IPv4 or IPv6 address", key, value);
		return -EINVAL;
	}
	at->line = p->line;
	return copy_checked(p, key, value, dst, HAVZ_ADDR_MAX);
}

/* [cluster] */

static int cluster_name(struct parser *p, const char *key, const char *value)
{
	if (havz_check_name(value, HAVZ_NAME_MAX)) {
		perr(p,
		     "%s: '%s' is not a name (a letter, then letters, digits, '-', '_'; at most "
		     "%d)",
		     key, value, HAVZ_NAME_MAX);
		return -EINVAL;
	}
	strcpy(p->cfg->cluster_name, value);
	return 0;
}

static int cluster_stack(struct parser *p, const char *key, const char *value)
{
	static const char *const stacks[] = { "heartbeat", "pacemaker", NULL };
	int i = set_choice(p, key, value, stacks);

	if (i < 0)
		return i;
	p->cfg->stack = (enum havz_stack)i;
	p->cfg->stack_at.line = p->line;
	return 0;
}

static int cluster_keepalive(struct parser *p, const char *key, const char *value)
{
	return set_duration(p, key, value, 100, 60000, &p->cfg->keepalive_ms);
}

static int cluster_deadtime(struct parser *p, const char *key, const char *value)
{
	p->cfg->deadtime_at.line = p->line;
	return set_duration(p, key, value, 500, 600000, &p->cfg->deadtime_ms);
}

static int cluster_warntime(struct parser *p, const char *key, const char *value)
{
	p->cfg->warntime_at.line = p->line;
	return set_duration(p, key, value, 200, 600000, &p->cfg->warntime_ms);
}

static int cluster_initdead(struct parser *p, const char *key, const char *value)
{
	p->cfg->initdead_at.line = p->line;
	return set_duration(p, key, value, 1000, 3600000, &p->cfg->initdead_ms);
}

static int cluster_udpport(struct parser *p, const char *key, const char *value)
{
	return set_uint(p, key, value, 1, 65535, &p->cfg->udpport);
}

static int cluster_auth_key_file(struct parser *p, const char *key, const char *value)
{
	p->cfg->auth_key_file_at.line = p->line;
	return set_path(p, key, value, p->cfg->auth_key_file, sizeof(p->cfg->auth_key_file));
}

static int cluster_auto_failback(struct parser *p, const char *key, const char *value)
{
	int b;

	if (havz_parse_bool(value, &b)) {
		perr(p, "%s: '%s' is not on or off", key, value);
		return -EINVAL;
	}
	p->cfg->auto_failback = b;
	return 0;
}

static int cluster_control_port(struct parser *p, const char *key, const char *value)
{
	return set_uint(p, key, value, 1, 65535, &p->cfg->control_port);
}

static int cluster_monitor_interval(struct parser *p, const char *key, const char *value)
{
	return set_duration(p, key, value, 1000, 3600000, &p->cfg->monitor_interval_ms);
}

static int cluster_max_restarts(struct parser *p, const char *key, const char *value)
{
	return set_uint(p, key, value, 0, 100, &p->cfg->max_restarts);
}

static int cluster_restart_window(struct parser *p, const char *key, const char *value)
{
	return set_duration(p, key, value, 1000, 86400000, &p->cfg->restart_window_ms);
}

static int cluster_ping(struct parser *p, const char *key, const char *value)
{
	struct havz_config *cfg = p->cfg;
	char list[LINE_MAX_LEN + 1];

	cfg->ping_at.line = p->line;
	snprintf(list, sizeof(list), "%s", value);
	for (char *save = NULL, *a = strtok_r(list, " \t", &save); a;
	     a = strtok_r(NULL, " \t", &save)) {
		if (havz_check_address(a)) {
			perr(p, "%s: '%s' is not an IPv4 or IPv6 address", key, a);
			return -EINVAL;
		}
		for (size_t i = 0; i < cfg->n_ping; i++)
			if (!strcmp(cfg->ping[i], a)) {
				perr(p, "%s: %s is listed twice", key, a);
				return -EINVAL;
			}
		if (cfg->n_ping == HAVZ_PING_MAX) {
			perr(p, "%s: at most %d addresses", key, HAVZ_PING_MAX);
			return -EINVAL;
		}
		if (copy_checked(p, key, a, cfg->ping[cfg->n_ping], HAVZ_ADDR_MAX))
			return -EINVAL;
		cfg->n_ping++;
	}
	return 0;
}

static int cluster_fence_delay(struct parser *p, const char *key, const char *value)
{
	p->cfg->fence_delay_at.line = p->line;
	return set_duration(p, key, value, 0, 300000, &p->cfg->fence_delay_ms);
}

static int cluster_watchdog(struct parser *p, const char *key, const char *value)
{
	p->cfg->watchdog_at.line = p->line;
	return set_path(p, key, value, p->cfg->watchdog, sizeof(p->cfg->watchdog));
}

/* [node NAME] */

static int node_management(struct parser *p, const char *key, const char *value)
{
	struct havz_node *n = cur_node(p);

	return set_address(p, key, value, n->management, &n->management_at);
}

static int node_replication(struct parser *p, const char *key, const char *value)
{
	struct havz_node *n = cur_node(p);

	return set_address(p, key, value, n->replication, &n->replication_at);
}

static int node_fence(struct parser *p, const char *key, const char *value)
{
	static const char *const kinds[] = { "none", "ipmi", NULL };
	int i = set_choice(p, key, value, kinds);

	if (i < 0)
		return i;
	cur_node(p)->fence = i == 0 ? HAVZ_FENCE_NONE : HAVZ_FENCE_IPMI;
	cur_node(p)->fence_at.line = p->line;
	return 0;
}

static int node_fence_address(struct parser *p, const char *key, const char *value)
{
	struct havz_node *n = cur_node(p);

	return set_address(p, key, value, n->fence_address, &n->fence_address_at);
}

static int node_fence_port(struct parser *p, const char *key, const char *value)
{
	cur_node(p)->fence_port_at.line = p->line;
	return set_uint(p, key, value, 1, 65535, &cur_node(p)->fence_port);
}

static int node_fence_user(struct parser *p, const char *key, const char *value)
{
	struct havz_node *n = cur_node(p);

	n->fence_user_at.line = p->line;
	for (const char *c = value; *c; c++)
		if (!isgraph((unsigned char)*c)) {
			perr(p, "%s: '%s' has a character that is not printable or is a space", key,
			     value);
			return -EINVAL;
		}
	if (strlen(value) > HAVZ_FENCE_USER_MAX) {
		perr(p, "%s: '%s' is longer than %d characters (IPMI user names)", key, value,
		     HAVZ_FENCE_USER_MAX);
		return -EINVAL;
	}
	strcpy(n->fence_user, value);
	return 0;
}

static int node_fence_password_file(struct parser *p, const char *key, const char *value)
{
	struct havz_node *n = cur_node(p);

	n->fence_password_file_at.line = p->line;
	return set_path(p, key, value, n->fence_password_file, sizeof(n->fence_password_file));
}

static int node_fence_cipher(struct parser *p, const char *key, const char *value)
{
	cur_node(p)->fence_cipher_at.line = p->line;
	return set_uint(p, key, value, 0, 17, &cur_node(p)->fence_cipher);
}

/* [link NAME] */

static int link_interface(struct parser *p, const char *key, const char *value)
{
	struct havz_link *l = cur_link(p);

	if (havz_check_ifname(value)) {
		perr(p, "%s: '%s' is not a network interface name", key, value);
		return -EINVAL;
	}
	l->interface_at.line = p->line;
	strcpy(l->interface, value);
	return 0;
}

static int link_mode(struct parser *p, const char *key, const char *value)
{
	static const char *const modes[] = { "ucast", "bcast", NULL };
	int i = set_choice(p, key, value, modes);

	if (i < 0)
		return i;
	cur_link(p)->mode = (enum havz_link_mode)i;
	return 0;
}

static int link_network(struct parser *p, const char *key, const char *value)
{
	static const char *const nets[] = { "management", "replication", NULL };
	int i = set_choice(p, key, value, nets);

	if (i < 0)
		return i;
	cur_link(p)->network = (enum havz_network)i;
	cur_link(p)->network_at.line = p->line;
	return 0;
}

/* [drbd] */

static int drbd_protocol(struct parser *p, const char *key, const char *value)
{
	static const char *const protocols[] = { "A", "B", "C", NULL };
	int i = set_choice(p, key, value, protocols);

	if (i < 0)
		return i;
	p->cfg->drbd.protocol = value[0];
	return 0;
}

static int drbd_resync_rate(struct parser *p, const char *key, const char *value)
{
	return set_size(p, key, value, 1ULL << 20, 4ULL << 30, &p->cfg->drbd.resync_rate);
}

static int drbd_choice(struct parser *p, const char *key, const char *value,
		       const char *const *choices, char *dst)
{
	int i = set_choice(p, key, value, choices);

	if (i < 0)
		return i;
	strcpy(dst, value); /* every choice fits: they are short literals */
	return 0;
}

static int drbd_after_sb_0pri(struct parser *p, const char *key, const char *value)
{
	static const char *const c[] = { "disconnect",
					 "discard-younger-primary",
					 "discard-older-primary",
					 "discard-zero-changes",
					 "discard-least-changes",
					 "discard-local",
					 "discard-remote",
					 NULL };
	p->cfg->drbd.after_sb_0pri_at.line = p->line;
	return drbd_choice(p, key, value, c, p->cfg->drbd.after_sb_0pri);
}

static int drbd_after_sb_1pri(struct parser *p, const char *key, const char *value)
{
	static const char *const c[] = { "disconnect",
					 "consensus",
					 "violently-as0p",
					 "discard-secondary",
					 "call-pri-lost-after-sb",
					 NULL };
	p->cfg->drbd.after_sb_1pri_at.line = p->line;
	return drbd_choice(p, key, value, c, p->cfg->drbd.after_sb_1pri);
}

static int drbd_after_sb_2pri(struct parser *p, const char *key, const char *value)
{
	static const char *const c[] = { "disconnect", "violently-as0p", "call-pri-lost-after-sb",
					 NULL };
	p->cfg->drbd.after_sb_2pri_at.line = p->line;
	return drbd_choice(p, key, value, c, p->cfg->drbd.after_sb_2pri);
}

static int drbd_fencing(struct parser *p, const char *key, const char *value)
{
	static const char *const c[] = { "dont-care", "resource-only", "resource-and-stonith",
					 NULL };
	p->cfg->drbd.fencing_at.line = p->line;
	return drbd_choice(p, key, value, c, p->cfg->drbd.fencing);
}

/* [container NAME] */

static int ct_minor(struct parser *p, const char *key, const char *value)
{
	cur_ct(p)->minor_at.line = p->line;
	return set_uint(p, key, value, 0, 1048575, &cur_ct(p)->minor);
}

static int ct_port(struct parser *p, const char *key, const char *value)
{
	cur_ct(p)->port_at.line = p->line;
	return set_uint(p, key, value, 1, 65535, &cur_ct(p)->port);
}

static int ct_disk(struct parser *p, const char *key, const char *value)
{
	cur_ct(p)->disk_at.line = p->line;
	return set_path(p, key, value, cur_ct(p)->disk, sizeof(cur_ct(p)->disk));
}

static int ct_size(struct parser *p, const char *key, const char *value)
{
	cur_ct(p)->size_at.line = p->line;
	return set_size(p, key, value, 64ULL << 20, 16ULL << 40, &cur_ct(p)->size);
}

static int ct_filesystem(struct parser *p, const char *key, const char *value)
{
	static const char *const c[] = { "ext4", "xfs", NULL };

	if (set_choice(p, key, value, c) < 0)
		return -EINVAL;
	strcpy(cur_ct(p)->filesystem, value);
	return 0;
}

static int ct_mount(struct parser *p, const char *key, const char *value)
{
	if (!strcmp(value, "/")) {
		perr(p, "%s: a container cannot be mounted on /", key);
		return -EINVAL;
	}
	cur_ct(p)->mount_at.line = p->line;
	return set_path(p, key, value, cur_ct(p)->mount, sizeof(cur_ct(p)->mount));
}

static int ct_bridge(struct parser *p, const char *key, const char *value)
{
	if (havz_check_ifname(value)) {
		perr(p, "%s: '%s' is not a network interface name", key, value);
		return -EINVAL;
	}
	strcpy(cur_ct(p)->bridge, value);
	return 0;
}

static int ct_service_ip(struct parser *p, const char *key, const char *value)
{
	if (havz_check_cidr(value)) {
		perr(p, "%s: '%s' is not an address with a prefix length (e.g. 192.0.2.50/24)", key,
		     value);
		return -EINVAL;
	}
	cur_ct(p)->service_ip_at.line = p->line;
	return copy_checked(p, key, value, cur_ct(p)->service_ip, HAVZ_ADDR_MAX);
}

static int ct_memory(struct parser *p, const char *key, const char *value)
{
	cur_ct(p)->memory_at.line = p->line;
	return set_size(p, key, value, 16ULL << 20, 1ULL << 40, &cur_ct(p)->memory);
}

static int ct_cpus(struct parser *p, const char *key, const char *value)
{
	unsigned m;
	int rc = havz_parse_cpus(value, &m);

	if (rc || m < 10) {
		perr(p, "%s: '%s' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)", key, value);
		return -EINVAL;
	}
	cur_ct(p)->cpu_millis = m;
	return 0;
}

static int ct_preferred_node(struct parser *p, const char *key, const char *value)
{
	cur_ct(p)->preferred_node_at.line = p->line;
	if (havz_check_name(value, HAVZ_NAME_MAX)) {
		perr(p, "%s: '%s' is not a node name", key, value);
		return -EINVAL;
	}
	strcpy(cur_ct(p)->preferred_node, value);
	return 0;
}

static int ct_checkpoint(struct parser *p, const char *key, const char *value)
{
	static const char *const c[] = { "off", "switchover", NULL };
	int i = set_choice(p, key, value, c);

	if (i < 0)
		return i;
	cur_ct(p)->checkpoint = (enum havz_checkpoint)i;
	return 0;
}

static int ct_precopy_rounds(struct parser *p, const char *key, const char *value)
{
	return set_uint(p, key, value, 0, 16, &cur_ct(p)->precopy_rounds);
}

static const struct keyword keywords[] = {
	{ "name", SEC_CLUSTER, true, cluster_name },
	{ "stack", SEC_CLUSTER, false, cluster_stack },
	{ "keepalive", SEC_CLUSTER, false, cluster_keepalive },
	{ "deadtime", SEC_CLUSTER, false, cluster_deadtime },
	{ "warntime", SEC_CLUSTER, false, cluster_warntime },
	{ "initdead", SEC_CLUSTER, false, cluster_initdead },
	{ "udpport", SEC_CLUSTER, false, cluster_udpport },
	{ "auth_key_file", SEC_CLUSTER, true, cluster_auth_key_file },
	{ "auto_failback", SEC_CLUSTER, false, cluster_auto_failback },
	{ "control_port", SEC_CLUSTER, false, cluster_control_port },
	{ "monitor_interval", SEC_CLUSTER, false, cluster_monitor_interval },
	{ "max_restarts", SEC_CLUSTER, false, cluster_max_restarts },
	{ "restart_window", SEC_CLUSTER, false, cluster_restart_window },
	{ "ping", SEC_CLUSTER, false, cluster_ping },
	{ "fence_delay", SEC_CLUSTER, false, cluster_fence_delay },
	{ "watchdog", SEC_CLUSTER, false, cluster_watchdog },
	{ "management", SEC_NODE, true, node_management },
	{ "replication", SEC_NODE, true, node_replication },
	{ "fence", SEC_NODE, false, node_fence },
	{ "fence_address", SEC_NODE, false, node_fence_address },
	{ "fence_port", SEC_NODE, false, node_fence_port },
	{ "fence_user", SEC_NODE, false, node_fence_user },
	{ "fence_password_file", SEC_NODE, false, node_fence_password_file },
	{ "fence_cipher", SEC_NODE, false, node_fence_cipher },
	{ "interface", SEC_LINK, true, link_interface },
	{ "mode", SEC_LINK, false, link_mode },
	{ "network", SEC_LINK, false, link_network },
	{ "protocol", SEC_DRBD, false, drbd_protocol },
	{ "resync_rate", SEC_DRBD, false, drbd_resync_rate },
	{ "after_sb_0pri", SEC_DRBD, false, drbd_after_sb_0pri },
	{ "after_sb_1pri", SEC_DRBD, false, drbd_after_sb_1pri },
	{ "after_sb_2pri", SEC_DRBD, false, drbd_after_sb_2pri },
	{ "fencing", SEC_DRBD, false, drbd_fencing },
	{ "minor", SEC_CONTAINER, true, ct_minor },
	{ "port", SEC_CONTAINER, true, ct_port },
	{ "disk", SEC_CONTAINER, true, ct_disk },
	{ "size", SEC_CONTAINER, true, ct_size },
	{ "filesystem", SEC_CONTAINER, false, ct_filesystem },
	{ "mount", SEC_CONTAINER, false, ct_mount },
	{ "bridge", SEC_CONTAINER, false, ct_bridge },
	{ "service_ip", SEC_CONTAINER, false, ct_service_ip },
	{ "memory", SEC_CONTAINER, true, ct_memory },
	{ "cpus", SEC_CONTAINER, false, ct_cpus },
	{ "preferred_node", SEC_CONTAINER, true, ct_preferred_node },
	{ "checkpoint", SEC_CONTAINER, false, ct_checkpoint },
	{ "precopy_rounds", SEC_CONTAINER, false, ct_precopy_rounds },
};

#define N_KEYWORDS (sizeof(keywords) / sizeof(keywords[0]))
/* The parser's `seen` set holds one bit per keyword. */
_Static_assert(N_KEYWORDS <= 64, "more keywords than bits in struct parser's seen");

static void set_defaults(struct havz_config *cfg, const char *name)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->file, sizeof(cfg->file), "%s", name);
	cfg->stack = HAVZ_STACK_HEARTBEAT;
	cfg->keepalive_ms = 500;
	cfg->deadtime_ms = 3000;
	cfg->warntime_ms = 2000;
	cfg->initdead_ms = 20000;
	cfg->udpport = 694;
	cfg->control_port = 7799;
	cfg->monitor_interval_ms = 5000;
	cfg->max_restarts = 3;
	cfg->restart_window_ms = 300000;
	cfg->fence_delay_ms = 5000;
	cfg->drbd.protocol = 'C';
	cfg->drbd.resync_rate = 100ULL << 20;
	strcpy(cfg->drbd.after_sb_0pri, "discard-zero-changes");
	strcpy(cfg->drbd.after_sb_1pri, "consensus");
	strcpy(cfg->drbd.after_sb_2pri, "disconnect");
	strcpy(cfg->drbd.fencing, "resource-only");
}

static const char *section_word(enum section_kind k)
{
	switch (k) {
	case SEC_CLUSTER: return "cluster";
	case SEC_NODE: return "node";
	case SEC_LINK: return "link";
	case SEC_DRBD: return "drbd";
	case SEC_CONTAINER: return "container";
	default: return "";
	}
}

/* Reports the required keys the section just ended did not set. */
static void close_section(struct parser *p)
{
	if (p->sec == SEC_NONE)
		return;
	for (size_t i = 0; i < N_KEYWORDS; i++)
		if (keywords[i].sec == p->sec && keywords[i].required && !(p->seen & (1ULL << i)))
			perr_at(p, p->sec_line, "[%s]: missing key '%s'", p->sec_label,
				keywords[i].name);
	p->sec = SEC_NONE;
}

/* Splits "[word name]" into its words; returns the section kind or SEC_NONE. */
static void open_section(struct parser *p, char *inner)
{
	char *word = inner, *name, *extra;
	enum section_kind k = SEC_NONE;
	struct havz_config *cfg = p->cfg;

	close_section(p);
	p->seen = 0;
	p->sec_line = p->line;
	while (isspace((unsigned char)*word))
		word++;
	name = word;
	while (*name && !isspace((unsigned char)*name))
		name++;
	if (*name)
		*name++ = '\0';
	while (isspace((unsigned char)*name))
		name++;
	extra = name;
	while (*extra && !isspace((unsigned char)*extra))
		extra++;
	if (*extra) {
		*extra++ = '\0';
		while (isspace((unsigned char)*extra))
			extra++;
	}

	for (int i = SEC_CLUSTER; i <= SEC_CONTAINER; i++)
		if (!strcmp(word, section_word((enum section_kind)i)))
			k = (enum section_kind)i;
	if (k == SEC_NONE) {
		perr(p, "[%s]: unknown section (expected cluster, node, link, drbd or container)",
		     word);
		p->sec = SEC_NONE;
		return;
	}
	bool named = k == SEC_NODE || k == SEC_LINK || k == SEC_CONTAINER;
	if (named && !*name) {
		perr(p, "[%s]: section needs a name, as in [%s NAME]", word, word);
		return;
	}
	if ((!named && *name) || *extra) {
		perr(p, "[%s]: unexpected words in section header", word);
		return;
	}
	if (named && havz_check_name(name, HAVZ_NAME_MAX)) {
		perr(p,
		     "[%s %s]: '%s' is not a name (a letter, then letters, digits, '-', '_'; at "
		     "most %d)",
		     word, name, name, HAVZ_NAME_MAX);
		return;
	}
	snprintf(p->sec_label, sizeof(p->sec_label), "%s%s%s", word, named ? " " : "", name);

	switch (k) {
	case SEC_CLUSTER:
		if (cfg->have_cluster) {
			perr(p, "[cluster]: duplicate section (first at line %d)",
			     cfg->cluster_line);
			return;
		}
		cfg->have_cluster = true;
		cfg->cluster_line = p->line;
		break;
	case SEC_DRBD:
		if (p->have_drbd) {
			perr(p, "[drbd]: duplicate section");
			return;
		}
		p->have_drbd = true;
		break;
	case SEC_NODE:
		for (size_t i = 0; i < cfg->n_nodes; i++)
			if (!strcmp(cfg->nodes[i].name, name)) {
				perr(p, "[node %s]: duplicate node (first at line %d)", name,
				     cfg->nodes[i].line);
				return;
			}
		if (cfg->n_nodes == HAVZ_NODES) {
			perr(p, "[node %s]: a cluster has exactly two nodes; this is a third",
			     name);
			return;
		}
		memset(&cfg->nodes[cfg->n_nodes], 0, sizeof(cfg->nodes[0]));
		strcpy(cfg->nodes[cfg->n_nodes].name, name);
		cfg->nodes[cfg->n_nodes].fence_port = 623;
		cfg->nodes[cfg->n_nodes].fence_cipher = 3;
		cfg->nodes[cfg->n_nodes++].line = p->line;
		break;
	case SEC_LINK:
		for (size_t i = 0; i < cfg->n_links; i++)
			if (!strcmp(cfg->links[i].name, name)) {
				perr(p, "[link %s]: duplicate link (first at line %d)", name,
				     cfg->links[i].line);
				return;
			}
		if (cfg->n_links == HAVZ_LINKS_MAX) {
			perr(p, "[link %s]: too many links (at most %d)", name, HAVZ_LINKS_MAX);
			return;
		}
		memset(&cfg->links[cfg->n_links], 0, sizeof(cfg->links[0]));
		strcpy(cfg->links[cfg->n_links].name, name);
		cfg->links[cfg->n_links++].line = p->line;
		break;
	case SEC_CONTAINER: {
		for (size_t i = 0; i < cfg->n_containers; i++)
			if (!strcmp(cfg->containers[i].name, name)) {
				perr(p, "[container %s]: duplicate container (first at line %d)",
				     name, cfg->containers[i].line);
				return;
			}
		if (cfg->n_containers == HAVZ_CONTAINERS_MAX) {
			perr(p, "[container %s]: too many containers (at most %d)", name,
			     HAVZ_CONTAINERS_MAX);
			return;
		}
		struct havz_container *grown =
			realloc(cfg->containers, (cfg->n_containers + 1) * sizeof(*grown));
		if (!grown) {
			perr(p, "[container %s]: out of memory", name);
			return;
		}
		cfg->containers = grown;
		struct havz_container *ct = &grown[cfg->n_containers++];
		memset(ct, 0, sizeof(*ct));
		strcpy(ct->name, name);
		ct->line = p->line;
		strcpy(ct->filesystem, "ext4");
		snprintf(ct->mount, sizeof(ct->mount), "/srv/ha-vz/%s", name);
		strcpy(ct->bridge, "havzbr0");
		ct->cpu_millis = 1000;
		ct->precopy_rounds = 4;
		break;
	}
	default: break;
	}
	p->sec = k;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static void parse_line(struct parser *p, char *raw)
{
	char *hash = strchr(raw, '#');
	char *s, *eq, *key, *value;

	if (hash)
		*hash = '\0';
	s = trim(raw);
	if (!*s || *s == ';')
		return;
	if (*s == '[') {
		char *close = strchr(s, ']');

		if (!close || trim(close + 1)[0]) {
			/* End the previous section (its missing keys) and skip this one's keys. */
			close_section(p);
			p->sec_line = p->line;
			perr(p, "%s: malformed section header (expected [kind name])", s);
			return;
		}
		*close = '\0';
		open_section(p, s + 1);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		perr(p, "'%s': expected 'key = value'", s);
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (!*key) {
		perr(p, "missing key before '='");
		return;
	}
	if (p->sec == SEC_NONE) {
		/* Either before the first section, or inside a section already reported bad. */
		if (!p->sec_line)
			perr(p, "%s: key outside any section", key);
		return;
	}
	for (size_t i = 0; i < N_KEYWORDS; i++) {
		if (keywords[i].sec != p->sec || strcmp(keywords[i].name, key))
			continue;
		if (p->seen & (1ULL << i)) {
			perr(p, "%s: set twice in [%s]", key, p->sec_label);
			return;
		}
		p->seen |= 1ULL << i;
		if (!*value) {
			perr(p, "%s: empty value", key);
			return;
		}
		keywords[i].set(p, key, value);
		return;
	}
	perr(p, "%s: unknown key in [%s]", key, p->sec_label);
}

int havz_config_parse(const char *name, const char *text, struct havz_config *cfg,
		      havz_diag_fn diag, void *ctx)
{
	struct parser p = { .file = name, .cfg = cfg, .diag = diag, .ctx = ctx };
	char buf[LINE_MAX_LEN + 2];

	set_defaults(cfg, name);
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);

		p.line++;
		if (n > LINE_MAX_LEN) {
			perr(&p, "line is longer than %d characters", LINE_MAX_LEN);
		} else if (memchr(s, '\0', n)) {
			perr(&p, "line contains a NUL byte");
		} else {
			memcpy(buf, s, n);
			buf[n] = '\0';
			parse_line(&p, buf);
		}
		s += n + (nl ? 1 : 0);
	}
	close_section(&p);
	if (!cfg->have_cluster)
		perr_at(&p, p.line ? p.line : 1, "missing [cluster] section");
	if (p.errors) {
		havz_config_free(cfg);
		return -EINVAL;
	}
	return 0;
}

void havz_config_free(struct havz_config *cfg)
{
	free(cfg->containers);
	cfg->containers = NULL;
	cfg->n_containers = 0;
}

const struct havz_container *havz_config_container(const struct havz_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_containers; i++)
		if (!strcmp(cfg->containers[i].name, name))
			return &cfg->containers[i];
	return NULL;
}

const struct havz_node *havz_config_node(const struct havz_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_nodes; i++)
		if (!strcmp(cfg->nodes[i].name, name))
			return &cfg->nodes[i];
	return NULL;
}

const struct havz_node *havz_config_peer(const struct havz_config *cfg, const struct havz_node *n)
{
	if (cfg->n_nodes != HAVZ_NODES)
		return NULL;
	return n == &cfg->nodes[0] ? &cfg->nodes[1] : &cfg->nodes[0];
}

bool havz_config_stonith(const struct havz_config *cfg)
{
	return !strcmp(cfg->drbd.fencing, "resource-and-stonith");
}
