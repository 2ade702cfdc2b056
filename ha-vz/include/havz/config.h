/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The cluster configuration: one ha-vz.conf describes both nodes, the
 * heartbeat links, DRBD defaults and every container. Parsing fills a
 * struct havz_config and records where each value came from, so that the
 * validator can name file:line for cross-reference errors too.
 */
#ifndef HAVZ_CONFIG_H
#define HAVZ_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HAVZ_NAME_MAX 32
#define HAVZ_PATH_MAX 256
#define HAVZ_ADDR_MAX 64 /* fits an IPv6 address with /prefix */
#define HAVZ_IFNAME_MAX 16
#define HAVZ_NODES 2
#define HAVZ_LINKS_MAX 8
#define HAVZ_CONTAINERS_MAX 256
#define HAVZ_PING_MAX 4
#define HAVZ_FENCE_USER_MAX 16 /* IPMI 2.0 user names */
#define HAVZ_DEFAULT_CONFIG HAVZ_SYSCONFDIR "/ha-vz/ha-vz.conf"

enum havz_stack { HAVZ_STACK_HEARTBEAT, HAVZ_STACK_PACEMAKER };
enum havz_link_mode { HAVZ_LINK_UCAST, HAVZ_LINK_BCAST };
enum havz_network { HAVZ_NET_MANAGEMENT, HAVZ_NET_REPLICATION };
enum havz_checkpoint { HAVZ_CKPT_OFF, HAVZ_CKPT_SWITCHOVER };
/* A node's fence device; UNSET (no `fence` key) differs from an explicit `none`. */
enum havz_fence_kind { HAVZ_FENCE_UNSET, HAVZ_FENCE_NONE, HAVZ_FENCE_IPMI };

/* Where a value was set: 0 when it was left at its default. */
struct havz_origin {
	int line;
};

struct havz_node {
	char name[HAVZ_NAME_MAX + 1];
	char management[HAVZ_ADDR_MAX];
	char replication[HAVZ_ADDR_MAX];
	int line;
	struct havz_origin management_at, replication_at;
	/* How the peer powers this node off (IPMI over LAN, lanplus). */
	enum havz_fence_kind fence;
	char fence_address[HAVZ_ADDR_MAX];
	unsigned fence_port;
	char fence_user[HAVZ_FENCE_USER_MAX + 1];
	char fence_password_file[HAVZ_PATH_MAX];
	unsigned fence_cipher; /* lanplus cipher suite (ipmitool -C) */
	struct havz_origin fence_at, fence_address_at, fence_port_at, fence_user_at,
		fence_password_file_at, fence_cipher_at;
};

struct havz_link {
	char name[HAVZ_NAME_MAX + 1];
	char interface[HAVZ_IFNAME_MAX];
	enum havz_link_mode mode;
	enum havz_network network;
	int line;
	struct havz_origin interface_at, network_at;
};

struct havz_drbd {
	char protocol;	      /* 'A', 'B' or 'C' */
	uint64_t resync_rate; /* bytes per second */
	char after_sb_0pri[32];
	char after_sb_1pri[32];
	char after_sb_2pri[32];
	char fencing[32];
	struct havz_origin after_sb_0pri_at, after_sb_1pri_at, after_sb_2pri_at, fencing_at;
};

struct havz_container {
	char name[HAVZ_NAME_MAX + 1];
	int line;
	unsigned minor;
	unsigned port;
	char disk[HAVZ_PATH_MAX];
	uint64_t size; /* bytes */
	char filesystem[8];
	char mount[HAVZ_PATH_MAX];
	char bridge[HAVZ_IFNAME_MAX];
	char service_ip[HAVZ_ADDR_MAX]; /* address/prefix, may be empty */
	uint64_t memory;		/* bytes */
	unsigned cpu_millis;		/* 1000 = one CPU */
	char preferred_node[HAVZ_NAME_MAX + 1];
	enum havz_checkpoint checkpoint;
	unsigned precopy_rounds; /* pre-dump iterations at most */
	struct havz_origin minor_at, port_at, disk_at, size_at, mount_at, service_ip_at, memory_at,
		preferred_node_at;
};

struct havz_config {
	char file[HAVZ_PATH_MAX];
	char cluster_name[HAVZ_NAME_MAX + 1];
	enum havz_stack stack;
	unsigned keepalive_ms, deadtime_ms, warntime_ms, initdead_ms;
	unsigned udpport;
	char auth_key_file[HAVZ_PATH_MAX];
	bool auto_failback;
	unsigned control_port;	      /* ha-vzd's TCP port on the management network */
	unsigned monitor_interval_ms; /* ha-vzd runs each local container's monitor this often */
	unsigned max_restarts;	      /* local restarts within restart_window before handover */
	unsigned restart_window_ms;
	bool have_cluster;
	char ping[HAVZ_PING_MAX][HAVZ_ADDR_MAX]; /* the clients' gateway(s): survivor rule */
	size_t n_ping;
	unsigned fence_delay_ms; /* the node with fewer containers waits this long to fence */
	char watchdog[HAVZ_PATH_MAX];
	struct havz_origin ping_at, fence_delay_at, watchdog_at;
	struct havz_origin stack_at, deadtime_at, warntime_at, initdead_at, auth_key_file_at;

	struct havz_node nodes[HAVZ_NODES];
	size_t n_nodes;
	struct havz_link links[HAVZ_LINKS_MAX];
	size_t n_links;
	struct havz_drbd drbd;
	struct havz_container *containers;
	size_t n_containers;
	int cluster_line; /* line of [cluster], for errors about the file as a whole */
};

/* Receives one diagnostic: "file:line: key: message" already formatted. */
typedef void (*havz_diag_fn)(void *ctx, const char *message);

/*
 * Parses and validates a configuration. Every problem is reported through
 * diag (all of them, not only the first). Returns 0, -EINVAL when the file
 * has errors, or another -errno when it cannot be read. On failure *cfg is
 * released again; on success free it with havz_config_free().
 */
int havz_config_load(const char *path, struct havz_config *cfg, havz_diag_fn diag, void *ctx);

/* Parses text as if read from file name; no validation. */
int havz_config_parse(const char *name, const char *text, struct havz_config *cfg,
		      havz_diag_fn diag, void *ctx);

/* The cross-checks run after a successful parse. Returns 0 or -EINVAL. */
int havz_config_validate(const struct havz_config *cfg, havz_diag_fn diag, void *ctx);

void havz_config_free(struct havz_config *cfg);

const struct havz_container *havz_config_container(const struct havz_config *cfg, const char *name);
const struct havz_node *havz_config_node(const struct havz_config *cfg, const char *name);
/* The other node of the two. */
const struct havz_node *havz_config_peer(const struct havz_config *cfg, const struct havz_node *n);

/* Whether DRBD's fencing is resource-and-stonith: the peer is powered off when it cannot be asked.
 */
bool havz_config_stonith(const struct havz_config *cfg);

#endif
