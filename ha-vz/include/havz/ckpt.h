/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure parts of the checkpoint engine: CRIU's stats file, the pre-copy
 * convergence rule, what to do after a failed dump, which processes and
 * cgroups a failed restore leaves behind, and the argv/config text for
 * lxc-checkpoint and criu. src/common/checkpoint.c does the I/O.
 */
#ifndef HAVZ_CKPT_H
#define HAVZ_CKPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/buf.h"

/* CRIU image magics (criu/include/magic.h). */
#define HAVZ_CRIU_IMG_SERVICE_MAGIC 0x55105940u
#define HAVZ_CRIU_STATS_MAGIC 0x57093306u

struct havz_criu_stats {
	bool have_dump;
	uint32_t freezing_time, frozen_time, memdump_time, memwrite_time; /* microseconds */
	uint64_t pages_scanned, pages_skipped_parent, pages_written, pages_lazy;
};

/* Parses the "stats-dump" file CRIU leaves in the image directory. -EINVAL when malformed. */
int havz_criu_stats_parse(const unsigned char *buf, size_t len, struct havz_criu_stats *st);

/* A pre-copy round that writes at most this many pages leaves nothing worth another round. */
#define HAVZ_PRECOPY_ENOUGH_PAGES 256

/*
 * After n pre-dump rounds that wrote pages[0..n-1] pages, is another round
 * worth it? No once max rounds are done, once a round wrote few pages, or
 * once the dirty set stops shrinking (a round wrote more than 7/8 of the
 * previous one): at a high dirty rate more rounds only add freezes.
 */
bool havz_precopy_continue(const uint64_t *pages, unsigned n, unsigned max);

enum havz_dump_next {
	HAVZ_DUMP_DONE,		 /* dumped and stopped: write the manifest */
	HAVZ_DUMP_STOPPED,	 /* failed, and the container is gone: nothing to undo */
	HAVZ_DUMP_LEAVE_RUNNING, /* failed, it still runs: the caller stops it cleanly */
	HAVZ_DUMP_THAW,		 /* failed with the container frozen: thaw it, then as above */
	HAVZ_DUMP_KILL,		 /* frozen and cannot be thawed: kill it rather than hang */
};

/* What to do after the final dump returned rc, given the container's state then. */
enum havz_dump_next havz_dump_fallback(int rc, bool running, bool frozen, bool thaw_failed);

/*
 * Does this process (its /proc/PID/cmdline, NUL-separated, len bytes) belong
 * to a restore of container ct from imgdir: criu or lxc-checkpoint naming the
 * image directory, or the container's "[lxc monitor] LXCPATH NAME"?
 */
bool havz_proc_is_restore_leftover(const char *cmdline, size_t len, const char *ct,
				   const char *lxcpath, const char *imgdir);

/* Is a cgroup directory name one of container ct's (lxc.payload.CT, lxc.payload.CT-N,
 * lxc.monitor.CT...)? */
bool havz_cgroup_is_containers(const char *name, const char *ct);

/* The CRIU_CONFIG_FILE text: dump: network-lock iptables; restore: mntns-compat-mode [,
 * lazy-pages]. */
int havz_criu_config(bool restore, bool lazy, struct havz_buf *out);

/*
 * The one line of a CRIU/LXC log that says why it failed: the last line
 * containing "Error" or "ERROR", else the last non-empty line; without the
 * "(00.123456) " timestamp. "" when there is none.
 */
void havz_log_reason(const char *text, char *out, size_t size);

/* A NULL-terminated argv whose strings the caller owns. */
#define HAVZ_ARGV_MAX 64
struct havz_argv {
	const char *v[HAVZ_ARGV_MAX];
	size_t n;
};

/*
 * lxc-checkpoint for a pre-dump (predump true) or the final leave-stopped
 * dump into dir; prev: the previous pre-dump directory relative to dir, or NULL.
 */
void havz_argv_lxc_dump(struct havz_argv *a, const char *ct, const char *lxcpath, const char *dir,
			bool predump, const char *prev);
/*
 * criu itself, with the arguments lxc 5.0.2's lxc-checkpoint gives it, for a
 * container that lxc restored: lxc cannot checkpoint it again ("Failed
 * getting freezer path", LAB-NOTES) but lxc-checkpoint -r restores the
 * images. Strings are the caller's.
 */
struct havz_criu_dump_args {
	bool predump;
	const char *dir, *log;	   /* image directory; log file name in it */
	const char *pid;	   /* the container's init, in the host's pid namespace */
	const char *cgroup_root;   /* "CONTROLLERS:PATH", PATH relative to the cgroup2 root */
	const char *freezer;	   /* /sys/fs/cgroup/PATH */
	const char *prev;	   /* --prev-images-dir, or NULL */
	const char *const *mounts; /* --ext-mount-map values, "/DST:DST" per bind mount */
	size_t n_mounts;
};
void havz_argv_criu_dump(struct havz_argv *a, const struct havz_criu_dump_args *d);

/* lxc-checkpoint -r, daemonised. */
void havz_argv_lxc_restore(struct havz_argv *a, const char *ct, const char *lxcpath,
			   const char *dir);
/* criu lazy-pages as a daemon serving dir's pages, its pid written to pidfile. */
void havz_argv_lazy_pages(struct havz_argv *a, const char *dir, const char *pidfile);

#endif
