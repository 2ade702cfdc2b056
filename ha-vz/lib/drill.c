// SPDX-License-Identifier: GPL-2.0-only
/* Drill invariants and statistics (see havz/drill.h); the record's JSON is in drill_record.c. */
#include "havz/drill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[HAVZ_DRILL_KINDS] = {
	[HAVZ_DRILL_SWITCHOVER] = "switchover",
	[HAVZ_DRILL_NODE_LOSS] = "node-loss",
	[HAVZ_DRILL_CONTAINER_CRASH] = "container-crash",
	[HAVZ_DRILL_REPLICATION_CUT] = "replication-cut",
	[HAVZ_DRILL_LINK_CUT] = "link-cut",
	[HAVZ_DRILL_DAEMON_KILL] = "daemon-kill",
	[HAVZ_DRILL_POWER_CUT] = "power-cut",
	[HAVZ_DRILL_PARTITION] = "partition",
	[HAVZ_DRILL_KILL_DURING_DUMP] = "kill-during-dump",
	[HAVZ_DRILL_KILL_DURING_RESYNC] = "kill-during-resync",
	[HAVZ_DRILL_PARTITION_HEAL] = "partition-heal",
	[HAVZ_DRILL_DOUBLE_FAULT] = "double-fault",
};

const char *havz_drill_kind_name(enum havz_drill_kind k)
{
	return (unsigned)k < HAVZ_DRILL_KINDS ? kind_names[k] : NULL;
}

int havz_drill_kind_parse(const char *name)
{
	for (int k = 0; k < HAVZ_DRILL_KINDS; k++)
		if (!strcmp(name, kind_names[k]))
			return k;
	return -EINVAL;
}

bool havz_drill_kind_on_cluster(enum havz_drill_kind k)
{
	return k <= HAVZ_DRILL_DAEMON_KILL;
}

const char *havz_drill_phase_name(enum havz_drill_phase p)
{
	static const char *const names[HAVZ_DRILL_PHASES] = { "detect", "fence", "promote", "mount",
							      "start" };

	return (unsigned)p < HAVZ_DRILL_PHASES ? names[p] : NULL;
}

void havz_drill_record_init(struct havz_drill_record *r)
{
	memset(r, 0, sizeof(*r));
	r->rto_ms = -1;
	for (int p = 0; p < HAVZ_DRILL_PHASES; p++)
		r->phase_ms[p] = -1;
}

void havz_drill_record_free(struct havz_drill_record *r)
{
	free(r->samples);
	r->samples = NULL;
	r->n_samples = 0;
}

int havz_drill_add_sample(struct havz_drill_record *r, const struct havz_drill_sample *s)
{
	struct havz_drill_sample *grown;

	if (r->n_samples >= HAVZ_DRILL_MAX_SAMPLES)
		return -E2BIG;
	if (r->n_samples && s->t_ms <= r->samples[r->n_samples - 1].t_ms)
		return -EINVAL;
	/* Grow by doubling: a drill adds one a second, a report reads thousands. */
	if ((r->n_samples & (r->n_samples - 1)) == 0) {
		size_t cap = r->n_samples ? 2 * r->n_samples : 1;

		grown = realloc(r->samples, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->samples = grown;
	}
	r->samples[r->n_samples++] = *s;
	return 0;
}

static void add_violation(struct havz_drill_check *c, struct havz_drill_violation *v, size_t max,
			  int64_t t_ms, const char *what)
{
	if (c->n_violations < max) {
		v[c->n_violations].t_ms = t_ms;
		snprintf(v[c->n_violations].what, sizeof(v[c->n_violations].what), "%s", what);
	}
	c->n_violations++;
}

size_t havz_drill_check(const struct havz_drill_record *r, struct havz_drill_check *c,
			struct havz_drill_violation *v, size_t max)
{
	char what[160];

	memset(c, 0, sizeof(*c));
	if (!r->n_samples)
		add_violation(c, v, max, -1, "no samples: the invariants were never observed");
	for (size_t i = 0; i < r->n_samples; i++) {
		const struct havz_drill_sample *s = &r->samples[i];
		unsigned primaries = 0, running = 0;

		for (int n = 0; n < HAVZ_DRILL_NODES; n++) {
			primaries += s->role[n] == HAVZ_DRILL_ROLE_PRIMARY;
			running += s->running[n] == HAVZ_DRILL_CT_RUNNING;
		}
		if (primaries > c->max_primaries)
			c->max_primaries = primaries;
		if (running > c->max_running)
			c->max_running = running;
		if (primaries > 1) {
			snprintf(what, sizeof(what), "two Primaries (%s and %s)", r->nodes[0],
				 r->nodes[1]);
			add_violation(c, v, max, s->t_ms, what);
		}
		if (running > 1) {
			snprintf(what, sizeof(what), "%s running on both %s and %s",
				 r->container[0] ? r->container : "the container", r->nodes[0],
				 r->nodes[1]);
			add_violation(c, v, max, s->t_ms, what);
		}
	}
	if (r->lost) {
		snprintf(what, sizeof(what), "RPO: %llu acknowledged writes lost",
			 (unsigned long long)r->lost);
		add_violation(c, v, max, -1, what);
	}
	if (!r->recovered && !r->reason[0])
		add_violation(c, v, max, -1, "not recovered, and no reason reported");
	return c->n_violations;
}

enum havz_drill_verdict havz_drill_verdict(const struct havz_drill_record *r)
{
	struct havz_drill_check c;

	if (havz_drill_check(r, &c, NULL, 0))
		return HAVZ_VERDICT_FAIL;
	return r->recovered ? HAVZ_VERDICT_PASS : HAVZ_VERDICT_REPORTED;
}

const char *havz_drill_verdict_name(enum havz_drill_verdict v)
{
	switch (v) {
	case HAVZ_VERDICT_PASS: return "pass";
	case HAVZ_VERDICT_REPORTED: return "reported";
	case HAVZ_VERDICT_FAIL: return "FAIL";
	}
	return "?";
}

static int by_start(const void *a, const void *b)
{
	const struct havz_drill_record *x = a, *y = b;

	if (x->started != y->started)
		return (x->started > y->started) - (x->started < y->started);
	return strcmp(x->id, y->id);
}

void havz_drill_sort(struct havz_drill_record *recs, size_t n)
{
	if (n)
		qsort(recs, n, sizeof(*recs), by_start);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

int64_t havz_percentile(int64_t *v, size_t n, unsigned pct)
{
	size_t rank;

	if (!n || !pct || pct > 100)
		return -1;
	qsort(v, n, sizeof(*v), cmp_i64);
	rank = (pct * n + 99) / 100; /* ceil(pct/100 * n), from 1 */
	return v[rank - 1];
}

static struct havz_drill_stats *group_of(struct havz_drill_stats *rows, size_t *n, size_t max,
					 const struct havz_drill_record *r, size_t *total)
{
	for (size_t i = 0; i < *n; i++)
		if (rows[i].kind == r->kind && !strcmp(rows[i].stack, r->stack))
			return &rows[i];
	(*total)++;
	if (*n >= max)
		return NULL;
	memset(&rows[*n], 0, sizeof(rows[*n]));
	rows[*n].kind = r->kind;
	snprintf(rows[*n].stack, sizeof(rows[*n].stack), "%s", r->stack);
	rows[*n].rto_p50_ms = rows[*n].rto_max_ms = -1;
	return &rows[(*n)++];
}

static int cmp_rows(const void *a, const void *b)
{
	const struct havz_drill_stats *x = a, *y = b;

	if (x->kind != y->kind)
		return (x->kind > y->kind) - (x->kind < y->kind);
	return strcmp(x->stack, y->stack);
}

size_t havz_drill_stats(const struct havz_drill_record *recs, size_t n,
			struct havz_drill_stats *out, size_t max)
{
	size_t rows = 0, total = 0;
	int64_t *rtos = n ? malloc(n * sizeof(*rtos)) : NULL;

	for (size_t i = 0; i < n; i++) {
		const struct havz_drill_record *r = &recs[i];
		struct havz_drill_stats *g = group_of(out, &rows, max, r, &total);
		struct havz_drill_check c;

		if (!g)
			continue;
		havz_drill_check(r, &c, NULL, 0);
		g->runs++;
		switch (havz_drill_verdict(r)) {
		case HAVZ_VERDICT_PASS: g->pass++; break;
		case HAVZ_VERDICT_REPORTED: g->reported++; break;
		case HAVZ_VERDICT_FAIL: g->fail++; break;
		}
		g->lost += r->lost;
		if (c.max_primaries > g->max_primaries)
			g->max_primaries = c.max_primaries;
		if (c.max_running > g->max_running)
			g->max_running = c.max_running;
	}
	/* The percentiles, a group at a time over that group's RTOs. */
	for (size_t gi = 0; gi < rows && rtos; gi++) {
		size_t k = 0;

		for (size_t i = 0; i < n; i++)
			if (recs[i].kind == out[gi].kind && !strcmp(recs[i].stack, out[gi].stack) &&
			    recs[i].rto_ms >= 0)
				rtos[k++] = recs[i].rto_ms;
		out[gi].with_rto = (unsigned)k;
		out[gi].rto_p50_ms = havz_percentile(rtos, k, 50);
		out[gi].rto_max_ms = k ? rtos[k - 1] : -1; /* sorted by the percentile */
	}
	free(rtos);
	qsort(out, rows, sizeof(*out), cmp_rows);
	return total;
}
