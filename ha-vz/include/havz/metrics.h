/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ha-vzd's Prometheus metrics: what it reads (/proc/drbd of DRBD 8.4, the
 * switchover summaries of HAVZ_LAST_SWITCHOVER), the freeze histogram, and
 * the text exposition format 0.0.4 of a snapshot. Names follow ClusterLabs'
 * ha_cluster_exporter: one line per entity with value 1 and its state in
 * labels (havz_drbd_resources, havz_drbd_connections, havz_container_state),
 * counters ending in _total, times in seconds. Pure: the daemon gathers.
 */
#ifndef HAVZ_METRICS_H
#define HAVZ_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/buf.h"
#include "havz/cfgmatch.h"

#define HAVZ_DRBD_DEVS_MAX 256

/* One minor of /proc/drbd; the states lower-cased ("connected", "primary", "uptodate"). */
struct havz_drbd_dev {
	unsigned minor;
	char cstate[24];	      /* cs: "unconfigured" when the minor is not set up */
	char role[16], peer_role[16]; /* ro: local/peer */
	char disk[24], peer_disk[24]; /* ds: local/peer */
	uint64_t oos_kib;	      /* oos: out of sync, KiB */
};

/*
 * Parses the text of /proc/drbd (DRBD 8.4): one entry per minor line
 * ("N: cs:.. ro:A/B ds:C/D ..."), oos: from the statistics line after it.
 * Header lines (version:, srcversion:, GIT-hash:) are skipped. -EINVAL for a
 * minor line without cs:, or without ro:/ds: while configured; -E2BIG past max.
 */
int havz_proc_drbd_parse(const char *text, struct havz_drbd_dev *out, size_t max, size_t *n);

/* The freeze histogram's upper bounds in seconds (le), ascending; +Inf is implicit. */
#define HAVZ_FREEZE_BUCKETS 10
extern const double havz_freeze_le[HAVZ_FREEZE_BUCKETS];

struct havz_histogram {
	uint64_t in_bucket[HAVZ_FREEZE_BUCKETS]; /* observations in (le[i-1], le[i]] */
	uint64_t count;				 /* all of them, +Inf included */
	double sum;
};

/* Adds one observation (seconds; negative ones are not observations: ignored). */
void havz_histogram_observe(struct havz_histogram *h, double seconds);

/* One line of HAVZ_LAST_SWITCHOVER: "NAME STAMP FROM->TO freeze_ms=N bytes=N OUTCOME". */
struct havz_sw_summary {
	char name[40];
	char stamp[32];
	int64_t freeze_ms; /* -1: the freeze was not measured */
	bool live;	   /* OUTCOME live or live-lazy; for a cold move freeze_ms is the outage */
};
/* -EINVAL when the line does not have that shape. */
int havz_sw_summary_parse(const char *line, struct havz_sw_summary *s);

struct havz_metrics_ct {
	const char *name;
	const char *state; /* havz_sup_state_name() */
	bool up;	   /* held here and running */
	unsigned minor;	   /* its DRBD minor: ct-NAME */
	uint64_t restarts; /* local restarts by ha-vzd since it started */
};

/* A counter per label value, e.g. the fence answers. */
struct havz_metrics_count {
	const char *label;
	uint64_t n;
};

struct havz_metrics {
	const char *node, *version;
	bool peer_up; /* the peer's ha-vzd answered its last STATUS */
	enum havz_cfg_match
		config; /* this node's ha-vz.conf against the peer's; unknown: no sample */
	const struct havz_metrics_ct *cts;
	size_t n_cts;
	bool drbd_loaded; /* /proc/drbd was read: the DRBD module is loaded */
	const struct havz_drbd_dev *drbd;
	size_t n_drbd;
	uint64_t failovers; /* handovers to the peer started by ha-vzd */
	const struct havz_metrics_count *fences;
	size_t n_fences;
	const struct havz_histogram *freeze;
	uint64_t alerts_failed; /* alert hooks that failed or timed out */
};

/* The exposition text of m into out. Returns 0 or out's error. */
int havz_metrics_render(const struct havz_metrics *m, struct havz_buf *out);

#endif
