/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checkpoint engine: dumps a running container with CRIU into images on
 * its own DRBD volume, and restores it from them on either node. The agent's
 * stop/start and `ha-vz checkpoint|restore` call these.
 *
 * Layout on the volume (lxcpath = the container's mount point):
 *   MOUNT/NAME/config, MOUNT/NAME/rootfs      the LXC container
 *   MOUNT/.ha-vz/checkpoint/                   images + MANIFEST of the last dump
 */
#ifndef HAVZ_CHECKPOINT_H
#define HAVZ_CHECKPOINT_H

#include <stdbool.h>
#include <stdint.h>

#include "havz/config.h"

struct havz_ckpt_opts {
	unsigned max_precopy_rounds; /* 0: no pre-dump */
	unsigned timeout_ms;	     /* whole operation; 0: a default */
	bool lazy;		     /* restore with post-copy (lazy-pages) where supported */
	bool lazy_preflighted;	     /* a preflight here found uffd-noncoop: skip that probe */
	const char *hooks_dir;	     /* NULL: HAVZ_HOOKS_DIR (/etc/ha-vz/hooks) */
	unsigned hook_timeout_ms;    /* per hook; 0: 30 s */
};

struct havz_ckpt_report {
	unsigned precopy_rounds;   /* pre-dumps done */
	uint64_t final_dump_bytes; /* bytes written by the final dump */
	unsigned freeze_ms;	   /* final dump: container frozen until dumped */
	unsigned restore_ms;
	int64_t dump_begin_ms; /* CLOCK_REALTIME when the final dump started (froze) */
	int64_t restored_ms;   /* CLOCK_REALTIME when the restored container ran */
	bool lazy;	       /* restored with lazy-pages */
	char reason[256];      /* why it fell back / failed, one line */
};

/*
 * Dumps the running container and leaves it stopped. 0 on success; on any
 * failure returns -errno with rep->reason set, and the container is either
 * still running or cleanly stopped (never half-dumped and hung).
 */
int havz_checkpoint_dump(const struct havz_config *cfg, const struct havz_container *ct,
			 const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep);

/*
 * Pre-dump rounds only, while the container keeps running (the first part
 * of a switchover): clears the image directory, runs the pre-dump hooks and
 * up to opts->max_precopy_rounds rounds, and records them with the
 * container's init pid. The next havz_checkpoint_dump of the same running
 * container (the agent's stop) builds on them instead of starting over.
 * 0 with rep->precopy_rounds set (may be 0), or -errno with rep->reason.
 */
int havz_checkpoint_predump(const struct havz_config *cfg, const struct havz_container *ct,
			    const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep);

/*
 * Restores the container from its last dump. 0 when it is running again.
 * -ENOENT: no image; -ESTALE: the image is used already, or the filesystem
 * changed after the dump, or the manifest does not check out; other -errno:
 * the restore failed and was cleaned up. In every non-zero case the
 * container is not running and rep->reason says why: the caller starts it cold.
 */
int havz_checkpoint_restore(const struct havz_config *cfg, const struct havz_container *ct,
			    const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep);

#endif
