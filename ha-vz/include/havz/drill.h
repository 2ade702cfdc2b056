/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Pure parts of `ha-vz drill`: the drill record (one JSON file a drill in
 * /var/lib/ha-vz/drills/, read back strictly), the invariants every drill
 * must hold on every sample (never two Primaries, never two running copies,
 * no acknowledged write lost, every fault recovered or reported with its
 * reason), and the statistics of the report.
 */
#ifndef HAVZ_DRILL_H
#define HAVZ_DRILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/buf.h"
#include "havz/config.h"

#define HAVZ_DRILL_FORMAT 1
#define HAVZ_DRILL_NODES 2
#define HAVZ_DRILL_MAX_SAMPLES 7200 /* two hours at one a second */
#define HAVZ_DRILL_ID_MAX 64
#define HAVZ_DRILL_REASON_MAX 256

/* The drill kinds; the lab-only ones need a lab to inject (power cut, partition...). */
enum havz_drill_kind {
	HAVZ_DRILL_SWITCHOVER,
	HAVZ_DRILL_NODE_LOSS,
	HAVZ_DRILL_CONTAINER_CRASH,
	HAVZ_DRILL_REPLICATION_CUT,
	HAVZ_DRILL_LINK_CUT,
	HAVZ_DRILL_DAEMON_KILL,
	HAVZ_DRILL_POWER_CUT,
	HAVZ_DRILL_PARTITION,
	HAVZ_DRILL_KILL_DURING_DUMP,
	HAVZ_DRILL_KILL_DURING_RESYNC,
	HAVZ_DRILL_PARTITION_HEAL,
	HAVZ_DRILL_DOUBLE_FAULT,
	HAVZ_DRILL_KINDS
};

/* "node-loss" for HAVZ_DRILL_NODE_LOSS; NULL out of range. */
const char *havz_drill_kind_name(enum havz_drill_kind k);
/* The kind of a name, or -EINVAL. */
int havz_drill_kind_parse(const char *name);
/* Can `ha-vz drill` inject it on an installed cluster (not only in the lab)? */
bool havz_drill_kind_on_cluster(enum havz_drill_kind k);

/* The recovery phases, in the order they happen. */
enum havz_drill_phase {
	HAVZ_PHASE_DETECT,
	HAVZ_PHASE_FENCE,
	HAVZ_PHASE_PROMOTE,
	HAVZ_PHASE_MOUNT,
	HAVZ_PHASE_START,
	HAVZ_DRILL_PHASES
};
const char *havz_drill_phase_name(enum havz_drill_phase p);

enum havz_drill_role {
	HAVZ_DRILL_ROLE_DOWN, /* the node did not answer (powered off, cut off) */
	HAVZ_DRILL_ROLE_UNKNOWN,
	HAVZ_DRILL_ROLE_SECONDARY,
	HAVZ_DRILL_ROLE_PRIMARY,
};

enum havz_drill_running {
	HAVZ_DRILL_CT_UNKNOWN = -1,
	HAVZ_DRILL_CT_STOPPED = 0,
	HAVZ_DRILL_CT_RUNNING = 1,
};

/* Both nodes as seen at one instant (every second during a drill). */
struct havz_drill_sample {
	int64_t t_ms; /* since the fault */
	enum havz_drill_role role[HAVZ_DRILL_NODES];
	enum havz_drill_running running[HAVZ_DRILL_NODES];
};

struct havz_drill_record {
	char id[HAVZ_DRILL_ID_MAX];
	enum havz_drill_kind kind;
	char stack[16];
	char target[HAVZ_NAME_MAX + 1];	   /* the node the fault hit */
	char container[HAVZ_NAME_MAX + 1]; /* the container whose writes were counted */
	char nodes[HAVZ_DRILL_NODES][HAVZ_NAME_MAX + 1];
	int64_t started; /* Unix time of the fault, seconds */
	bool recovered;
	char reason[HAVZ_DRILL_REASON_MAX];  /* why not recovered; may note more */
	int64_t rto_ms;			     /* fault to the first acknowledged write; -1 none */
	uint64_t acked, lost;		     /* the probe's acknowledged and lost records */
	int64_t phase_ms[HAVZ_DRILL_PHASES]; /* each phase's length; -1 did not happen */
	struct havz_drill_sample *samples;
	size_t n_samples;
};

/* Sets every field to its "nothing measured" value (rto and phases -1). */
void havz_drill_record_init(struct havz_drill_record *r);
void havz_drill_record_free(struct havz_drill_record *r);
/* Adds a sample; samples must come in time order. 0, -EINVAL or -E2BIG. */
int havz_drill_add_sample(struct havz_drill_record *r, const struct havz_drill_sample *s);

/* Sorts records by the time of their fault, then by id. */
void havz_drill_sort(struct havz_drill_record *recs, size_t n);

/* Writes the record as one JSON object (format HAVZ_DRILL_FORMAT). */
int havz_drill_record_write(const struct havz_drill_record *r, struct havz_buf *out);
/*
 * Reads a record back: every member known, present where required, of its
 * type and in range. Returns 0, or -EINVAL/-E2BIG with "line N: member:
 * message" in why.
 */
int havz_drill_record_parse(const char *text, size_t len, struct havz_drill_record *r, char *why,
			    size_t size);

/* One broken invariant, at a sample (t_ms) or for the whole drill (t_ms -1). */
struct havz_drill_violation {
	int64_t t_ms;
	char what[160];
};

struct havz_drill_check {
	unsigned max_primaries, max_running; /* the most seen in any one sample */
	size_t n_violations;		     /* all of them; at most max kept in v */
};

/*
 * Checks every invariant on every sample. Keeps up to max violations in
 * v (v may be NULL with max 0). Returns the number of violations.
 */
size_t havz_drill_check(const struct havz_drill_record *r, struct havz_drill_check *c,
			struct havz_drill_violation *v, size_t max);

enum havz_drill_verdict {
	HAVZ_VERDICT_PASS,     /* recovered, every invariant held */
	HAVZ_VERDICT_REPORTED, /* not recovered, but said why, and every invariant held */
	HAVZ_VERDICT_FAIL,     /* an invariant broke */
};
enum havz_drill_verdict havz_drill_verdict(const struct havz_drill_record *r);
const char *havz_drill_verdict_name(enum havz_drill_verdict v);

/* The report's table: one row per kind and stack. */
struct havz_drill_stats {
	enum havz_drill_kind kind;
	char stack[16];
	unsigned runs, pass, reported, fail;
	unsigned with_rto;	/* runs that measured an RTO */
	int64_t rto_p50_ms;	/* nearest-rank median; -1 without any RTO */
	int64_t rto_max_ms;	/* -1 without any RTO */
	uint64_t lost;		/* acknowledged writes lost, summed */
	unsigned max_primaries; /* over all runs and samples */
	unsigned max_running;
};

/*
 * Groups records by kind, then stack, in kind order. Fills up to max rows
 * of out and returns how many groups there are.
 */
size_t havz_drill_stats(const struct havz_drill_record *recs, size_t n,
			struct havz_drill_stats *out, size_t max);
/* The nearest-rank percentile (0 < pct <= 100) of v[0..n); sorts v. -1 when n is 0. */
int64_t havz_percentile(int64_t *v, size_t n, unsigned pct);

#endif
