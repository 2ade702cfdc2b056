/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The load balancer's decision, as pure logic: from both nodes' load and
 * their containers' use, the policy of [balance] in ha-vz.conf and what
 * earlier rounds saw and did, the one move worth making now (or why none).
 *
 * A node's score is the weighted mean of its cpu busy fraction, its memory
 * used fraction and its load average per cpu (capped at 1); the imbalance
 * is the difference of the two scores. A move is considered only when the
 * imbalance has stayed above the threshold for the hold rounds, outside
 * quiet hours and under the hourly limit; of the containers on the busier
 * node that are not pinned, fit in the other node's memory with the
 * headroom left, and were not moved within the cooldown, the one that
 * lowers the imbalance most per second of its expected freeze is chosen,
 * if it lowers it by at least the margin and does not merely turn it
 * around.
 */
#ifndef HAVZ_BALANCE_H
#define HAVZ_BALANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/balance_policy.h"
#include "havz/config.h"

#define HAVZ_BALANCE_HISTORY 64 /* moves remembered (for the hourly limit and cooldown) */

/* A node as sampled. */
struct havz_balance_node {
	char name[HAVZ_NAME_MAX + 1];
	unsigned cpus;		/* online cpus */
	double cpu_busy;	/* 0..1 over the last interval */
	uint64_t mem_total;	/* bytes */
	uint64_t mem_available; /* bytes (MemAvailable) */
	double load1;		/* load average over a minute */
};

/* A container as sampled on the node that runs it. */
struct havz_balance_ct {
	char name[HAVZ_NAME_MAX + 1];
	int node;		/* index into the view's nodes: where it runs */
	double cpu_cores;	/* cpu use over the last interval, in cores */
	uint64_t mem_current;	/* memory.current */
	uint64_t mem_limit;	/* its configured memory (the target must hold it) */
	bool pinned;		/* balance = no */
	bool movable;		/* the preflight allows a live move (else: cold, costlier) */
	int64_t last_freeze_ms; /* its last switchover's freeze; -1 none yet */
	double dirty_mib_s;	/* pages dirtied per second, MiB; 0 unknown */
};

struct havz_balance_view {
	struct havz_balance_node nodes[HAVZ_NODES];
	struct havz_balance_ct *cts;
	size_t n_cts;
};

struct havz_balance_move_record {
	int64_t at_s; /* Unix time */
	char ct[HAVZ_NAME_MAX + 1];
};

/* What the balancer remembers between rounds. */
struct havz_balance_state {
	unsigned rounds_over; /* consecutive rounds with the imbalance above the threshold */
	int last_busier;      /* the busier node in those rounds; -1 none */
	struct havz_balance_move_record moves[HAVZ_BALANCE_HISTORY];
	size_t n_moves; /* the newest last; the oldest drop out */
};

enum havz_balance_verdict {
	HAVZ_BALANCE_DISABLED,
	HAVZ_BALANCE_BALANCED, /* imbalance under the threshold */
	HAVZ_BALANCE_HOLDING,  /* over, but not for the hold rounds yet */
	HAVZ_BALANCE_QUIET,    /* quiet hours */
	HAVZ_BALANCE_RATE,     /* the hourly limit is reached */
	HAVZ_BALANCE_NO_CANDIDATE,
	HAVZ_BALANCE_MOVE,
};

struct havz_balance_plan {
	enum havz_balance_verdict verdict;
	double score[HAVZ_NODES]; /* before */
	double imbalance;	  /* before: |score0 - score1| */
	double imbalance_after;	  /* with the move (MOVE only) */
	int from, to;		  /* node indices (MOVE only) */
	size_t ct;		  /* index into the view's containers (MOVE only) */
	double expected_freeze_s; /* MOVE only */
	char why[256];		  /* one line: what was decided and why */
};

/* A node's score in [0, 1] under the policy's weights. */
double havz_balance_score(const struct havz_balance_policy *p, const struct havz_balance_node *n);

/* What a move of ct is expected to freeze it for, in seconds. */
double havz_balance_expected_freeze_s(const struct havz_balance_ct *ct);

/*
 * One round: decides and updates st (rounds held). Does not record a move:
 * call havz_balance_record_move when the move was made.
 */
int havz_balance_decide(const struct havz_balance_policy *p, const struct havz_balance_view *v,
			struct havz_balance_state *st, int64_t now_s,
			struct havz_balance_plan *plan);

void havz_balance_record_move(struct havz_balance_state *st, int64_t at_s, const char *ct);

/* "08:00-18:00" into minutes of the day. 0 or -EINVAL. */
int havz_parse_quiet_hours(const char *s, int *start_min, int *end_min);

#endif
