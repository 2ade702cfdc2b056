/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure parts of `ha-vz switchover`: the preflight verdict (can a container
 * move live, and if not, why), which containers a command line selects,
 * the switchover report the agent keeps on the container's volume (phases
 * on both nodes, read back by the CLI through ha-vzd), the clock offset
 * between the nodes and the freeze time measured across them.
 */
#ifndef HAVZ_SWITCHOVER_H
#define HAVZ_SWITCHOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/buf.h"

/* Kernel modules CRIU needs for an LXC container with its own netns (LAB-NOTES). */
extern const char *const havz_criu_modules[];

/* What the preflight found on this node for one container (gathered by the caller). */
struct havz_preflight_in {
	bool criu_found;	  /* criu is in PATH */
	int criu_check;		  /* exit status of `criu check` (0: "Looks good") */
	const char *criu_output;  /* its output, for the reason; may be NULL */
	bool mem_dirty_track;	  /* `criu check --feature mem_dirty_track` */
	bool uffd, uffd_noncoop;  /* `criu check --feature uffd|uffd-noncoop` */
	bool iptables;		  /* iptables is installed (CRIU's network lock) */
	const char *proc_modules; /* text of /proc/modules */
	/* A module not in /proc/modules may be built in: the caller's test, or NULL. */
	bool (*builtin)(const char *module, void *ctx);
	bool node_only;		/* judge this node alone: no container config to check */
	const char *lxc_config; /* text of the container's LXC config */
	bool apparmor;		/* the kernel has AppArmor enabled */
	/* Is this path (a bind-mount source) a symlink on this node? NULL: never. */
	bool (*is_symlink)(const char *path, void *ctx);
	void *ctx;
	unsigned precopy_rounds; /* from the configuration */
};

struct havz_preflight {
	bool live;	  /* a live switchover can work */
	bool predump;	  /* pre-dump rounds can run (soft-dirty tracking) */
	bool lazy;	  /* lazy restore (userfaultfd, non-cooperative) */
	char reason[256]; /* !live: the first thing that prevents it */
	char notes[256];  /* live: what is degraded (no pre-dump, no lazy restore) */
};

/* Decides from what was found. Always fills out; returns 0. */
int havz_preflight_eval(const struct havz_preflight_in *in, struct havz_preflight *out);

/*
 * The modules of havz_criu_modules missing from proc_modules (and not built
 * in): their names, space-separated, into out. Returns how many are missing.
 */
unsigned havz_modules_missing(const char *proc_modules, bool (*builtin)(const char *, void *),
			      void *ctx, char *out, size_t size);

/*
 * Checks an LXC config for what CRIU needs: lxc.tty.max = 0,
 * lxc.console.path = none, an AppArmor profile that restores (none without
 * AppArmor; lxc-container-default-cgns or unconfined with it), and no
 * bind-mount source that is a symlink. 0, or -EINVAL with why set.
 */
int havz_lxc_config_check(const char *config, bool apparmor,
			  bool (*is_symlink)(const char *path, void *ctx), void *ctx, char *why,
			  size_t why_size);

/*
 * Which containers `ha-vz switchover [NAME|--all]` moves, given the ones
 * this node holds (held[0..n_held-1]). Unless the stack moves one
 * container alone (moves_one: Pacemaker), a move is a standby of all of this
 * node's resource groups (heartbeat): NAME is accepted only when it is the
 * one container held here. 0, or -ENOENT (NAME not held here, or nothing
 * held), -EPERM (NAME among several: needs per-resource placement), with
 * why set.
 */
int havz_switchover_select(const char *name, const char *const *held, size_t n_held, bool moves_one,
			   char *why, size_t why_size);

/* ---- the switchover report: MOUNT/.ha-vz/switchover.report ---- */

#define HAVZ_REPORT_REL "/.ha-vz/switchover.report"
/* The longest line (without its newline), result text and duration the report holds. */
#define HAVZ_REPORT_MAX 8192 /* bytes of a whole report */
#define HAVZ_REPORT_LINE_MAX 511
#define HAVZ_REPORT_TEXT_MAX 199
#define HAVZ_REPORT_MS_MAX 86400000ULL /* a day */
/* The last millisecond of 9999-12-31 UTC: the largest time the report accepts. */
#define HAVZ_REPORT_TIME_MAX 253402300799999ULL
/* Pre-dump rounds of one switchover (ha-vz switchover --precopy N). */
#define HAVZ_PRECOPY_MAX 64

/*
 * key=value lines, one event each, written by whoever did it: the CLI
 * (id, from, to, predump), the agent's stop on the old node and its start
 * on the new one. Times are CLOCK_REALTIME milliseconds of the node that
 * wrote them.
 */
struct havz_report {
	char id[40];	       /* the switchover's id: NODE-UNIXSECONDS */
	char from[40], to[40]; /* node names */
	bool lazy;	       /* the preflight allows a lazy restore */
	unsigned predump_rounds;
	int predump_max;    /* pre-dump rounds the agent's stop may run itself */
	int64_t predump_ms; /* time spent in pre-dumps (CLI) */
	int64_t stop_begin, dump_begin, dump_end, stop_end; /* old node; 0: not yet */
	unsigned freeze_ms;			    /* CRIU's frozen time of the final dump */
	uint64_t dump_bytes;			    /* bytes written by the final dump */
	char stop_result[HAVZ_REPORT_TEXT_MAX + 1]; /* "dumped", "cold: REASON" */
	int64_t start_begin, restore_begin, restore_end, start_end; /* new node; 0: not yet */
	/* "restored", "restored lazily", "cold: REASON", "failed: REASON" */
	char start_result[HAVZ_REPORT_TEXT_MAX + 1];
	char start_node[40];
	char cli_result[HAVZ_REPORT_TEXT_MAX + 1]; /* the CLI's verdict at the end */
};

/* Appends one key=value line to out. -EINVAL for a key or value with a newline or '='. */
int havz_report_add(struct havz_buf *out, const char *key, const char *value);
/*
 * Parses report text (every line ends with a newline) into r, strictly: each line
 * key=value with a known key and a value of its type in its range (names, 0/1, numbers,
 * times in 1..HAVZ_REPORT_TIME_MAX); a key given twice is an error except the results
 * (stop_result, start_result, cli_result: the later line revises the outcome); id, from,
 * to, lazy, predump_rounds, predump_max and predump_ms are required. 0, or -EINVAL with
 * why = "ORIGIN:LINE: KEY: message" (ORIGIN names the file or the peer it came from).
 */
int havz_report_parse(const char *text, const char *origin, struct havz_report *r, char *why,
		      size_t why_size);

/* ---- time across the two nodes ---- */

/* One STATUS-like round trip: local send and receive times, the peer's clock in between. */
struct havz_clock_sample {
	int64_t local_send, peer, local_recv;
};

/*
 * The peer's clock minus ours, from the sample with the shortest round
 * trip (its midpoint); *error_ms: half that round trip. -EINVAL without a
 * sane sample.
 */
int havz_clock_offset(const struct havz_clock_sample *s, size_t n, int64_t *offset_ms,
		      int64_t *error_ms);

/*
 * The freeze: from the final dump's start on the old node (its clock) to
 * the end of the restore on the new one (the peer's clock, corrected by
 * offset = peer - old). -ENODATA when the report lacks either end.
 */
int havz_freeze_ms(const struct havz_report *r, int64_t offset_ms, int64_t *freeze_ms);

/*
 * Where a live move's freeze went, in ms (offset as above): the final dump
 * (and its seal), the rest of the agent's stop, the handover (from the
 * stop's end here to the start's beginning there: unmount, DRBD roles,
 * heartbeat, mount), the start until its restore began, the restore.
 * The parts add up to havz_freeze_ms. -ENODATA when a time is missing.
 */
struct havz_freeze_parts {
	int64_t dump, stop_rest, handover, start, restore;
};
int havz_freeze_parts(const struct havz_report *r, int64_t offset_ms, struct havz_freeze_parts *p);

/*
 * A cold move's outage: from the agent's stop on the old node to the end of
 * its start on the new one (offset as above). -ENODATA when either is missing.
 */
int havz_outage_ms(const struct havz_report *r, int64_t offset_ms, int64_t *outage_ms);

#endif
