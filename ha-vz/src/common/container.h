/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container engine: one LXC container per [container] of ha-vz.conf,
 * driven through liblxc. lxcpath is the container's mount point, so the
 * LXC config and the rootfs live on its DRBD volume:
 *   MOUNT/NAME/config, MOUNT/NAME/rootfs
 *
 * Settings owned by ha-vz (written at create, set again in memory before
 * every start so that ha-vz.conf and the node decide, without writing to
 * the volume):
 *   - cgroup limits: memory and CPU quota, v1 or v2 keys by the controller's
 *     hierarchy on this node (lxc.cgroup.* or lxc.cgroup2.*);
 *   - network: with a service_ip, one veth on `bridge` (created when missing)
 *     named eth0 inside, holding the service IP, with a MAC derived from the
 *     container name; without a service_ip, lxc.net.0.type = empty (an own
 *     network namespace with loopback only);
 *   - what CRIU needs (LAB-NOTES): lxc.tty.max = 0, lxc.console.path = none,
 *     no getty in the rootfs, AppArmor profile lxc-container-default-cgns
 *     only where AppArmor is loaded (none otherwise), bind-mount sources
 *     resolved to real paths.
 */
#ifndef HAVZ_CONTAINER_H
#define HAVZ_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/run.h"
#include "havz/config.h"

#define HAVZ_CT_WHY_MAX 256 /* size of every `why` buffer below */

enum havz_ct_state {
	HAVZ_CT_ABSENT, /* no MOUNT/NAME/config */
	HAVZ_CT_STOPPED,
	HAVZ_CT_STARTING,
	HAVZ_CT_RUNNING,
	HAVZ_CT_STOPPING,
	HAVZ_CT_FROZEN, /* FREEZING or FROZEN */
	HAVZ_CT_ABORTING,
	HAVZ_CT_UNKNOWN,
};

/* The state's name, for logs and `ha-vz ct list`. */
static inline const char *havz_ct_state_name(enum havz_ct_state s)
{
	static const char *const names[] = {
		[HAVZ_CT_ABSENT] = "absent",	 [HAVZ_CT_STOPPED] = "stopped",
		[HAVZ_CT_STARTING] = "starting", [HAVZ_CT_RUNNING] = "running",
		[HAVZ_CT_STOPPING] = "stopping", [HAVZ_CT_FROZEN] = "frozen",
		[HAVZ_CT_ABORTING] = "aborting", [HAVZ_CT_UNKNOWN] = "unknown",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "unknown";
}

/* 0 when ct->mount is a mount point on this node, -ENOTCONN when it is a
 * plain directory, -ENOENT when it does not exist. */
int havz_ct_mount_check(const struct havz_container *ct);

/* The state as liblxc sees it; HAVZ_CT_ABSENT when not defined. */
enum havz_ct_state havz_ct_state(const struct havz_container *ct);

/* PID of the container's init in the host's PID namespace, or -1. */
pid_t havz_ct_init_pid(const struct havz_container *ct);

/*
 * Creates the container from a template ("busybox" or "debian") and writes
 * the ha-vz settings into its config. -EEXIST when it is defined already.
 * On failure what was created is destroyed again.
 */
int havz_ct_create(const struct havz_container *ct, const char *tmpl, char *why);

/*
 * Starts the container cold (daemonized, no host fds inherited) and waits up
 * to timeout_ms until it is RUNNING. 0 also when it was running already.
 */
int havz_ct_start(const struct havz_container *ct, unsigned timeout_ms, char *why);

/*
 * Clean shutdown (lxc.signal.halt) for up to shutdown_ms, then SIGKILL.
 * 0 when stopped (also when it was stopped or absent already).
 */
int havz_ct_stop(const struct havz_container *ct, unsigned shutdown_ms, char *why);

/* Removes config and rootfs. -EBUSY when running unless force (then killed first). */
int havz_ct_destroy(const struct havz_container *ct, bool force, char *why);

/* Writes the memory/CPU limits of ha-vz.conf to the running container's cgroups. */
int havz_ct_apply_limits(const struct havz_container *ct, char *why);

/*
 * Runs argv inside the running container (lxc-attach --clear-env, through
 * havz_run, killed after timeout_ms). Returns havz_run's result; the exit
 * status is in res->status.
 */
int havz_ct_exec(const struct havz_container *ct, const char *const argv[], unsigned timeout_ms,
		 struct havz_run_result *res);

/* Human-readable limits for listings: "256M", "1.50". */
void havz_ct_format_memory(uint64_t bytes, char *out, size_t size);
void havz_ct_format_cpus(unsigned millis, char *out, size_t size);

#endif
