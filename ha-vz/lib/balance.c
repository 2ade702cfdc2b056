// SPDX-License-Identifier: GPL-2.0-only
/* The load balancer's decision (see havz/balance.h). */
#include "havz/balance.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "havz/buf.h"

void havz_balance_policy_default(struct havz_balance_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->enabled = false;
	p->interval_ms = 60000;
	p->weight_cpu = 5;
	p->weight_memory = 3;
	p->weight_load = 2;
	p->threshold_milli = 300;
	p->hold_rounds = 3;
	p->margin_milli = 100;
	p->max_moves_per_hour = 2;
	p->memory_headroom = 256ULL << 20;
	p->quiet_start_min = p->quiet_end_min = -1;
	p->cooldown_s = 3600;
}

static double clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* The score of a node from its three measures, already as fractions. */
static double weigh(const struct havz_balance_policy *p, double busy, double used, double load)
{
	double w = (double)p->weight_cpu + (double)p->weight_memory + (double)p->weight_load;

	if (w <= 0)
		return 0;
	return ((double)p->weight_cpu * clamp01(busy) + (double)p->weight_memory * clamp01(used) +
		(double)p->weight_load * clamp01(load)) /
	       w;
}

static double used_fraction(const struct havz_balance_node *n, int64_t delta)
{
	double used;

	if (!n->mem_total)
		return 0;
	used = (double)(n->mem_total -
			(n->mem_available < n->mem_total ? n->mem_available : n->mem_total)) +
	       (double)delta;
	return used / (double)n->mem_total;
}

static double per_cpu(const struct havz_balance_node *n, double v)
{
	return n->cpus ? v / (double)n->cpus : 0;
}

double havz_balance_score(const struct havz_balance_policy *p, const struct havz_balance_node *n)
{
	return weigh(p, n->cpu_busy, used_fraction(n, 0), per_cpu(n, n->load1));
}

/* A node's score with a container's use taken away (sign -1) or added (+1). */
static double score_with(const struct havz_balance_policy *p, const struct havz_balance_node *n,
			 const struct havz_balance_ct *ct, int sign)
{
	double busy = n->cpu_busy + sign * per_cpu(n, ct->cpu_cores);
	double load = n->load1 + sign * ct->cpu_cores;
	int64_t mem = (int64_t)ct->mem_current;

	return weigh(p, busy, used_fraction(n, sign < 0 ? -mem : mem),
		     per_cpu(n, load < 0 ? 0 : load));
}

double havz_balance_expected_freeze_s(const struct havz_balance_ct *ct)
{
	double mib = (double)ct->mem_current / (1024.0 * 1024.0);

	if (!ct->movable)
		return 10.0 + mib / 100.0; /* a cold move: stop, hand over, boot */
	if (ct->last_freeze_ms >= 0)
		return (double)ct->last_freeze_ms / 1000.0;
	/* No switchover yet: the lab's pre-copy freeze, ~2 s plus what is dirtied in it. */
	return 2.0 + mib / 1024.0 + ct->dirty_mib_s / 50.0;
}

static bool in_quiet_hours(const struct havz_balance_policy *p, int64_t now_s)
{
	int m = (int)((now_s % 86400 + 86400) % 86400 / 60);

	if (p->quiet_start_min < 0)
		return false;
	if (p->quiet_start_min <= p->quiet_end_min)
		return m >= p->quiet_start_min && m < p->quiet_end_min;
	return m >= p->quiet_start_min || m < p->quiet_end_min; /* wraps midnight */
}

static unsigned moves_since(const struct havz_balance_state *st, int64_t since_s)
{
	unsigned n = 0;

	for (size_t i = 0; i < st->n_moves; i++)
		n += st->moves[i].at_s > since_s;
	return n;
}

static bool moved_recently(const struct havz_balance_state *st, const char *ct, int64_t since_s)
{
	for (size_t i = 0; i < st->n_moves; i++)
		if (st->moves[i].at_s > since_s && !strcmp(st->moves[i].ct, ct))
			return true;
	return false;
}

/* Why the best rejected candidate was rejected: told when no move is left. */
struct rejection {
	char why[160];
	int rank; /* the more telling reason wins: margin > turns around > memory > cooldown >
		     pinned */
};

static void __attribute__((format(printf, 3, 4)))
reject(struct rejection *r, int rank, const char *fmt, ...)
{
	va_list ap;

	if (rank < r->rank)
		return;
	r->rank = rank;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
}

int havz_balance_decide(const struct havz_balance_policy *p, const struct havz_balance_view *v,
			struct havz_balance_state *st, int64_t now_s,
			struct havz_balance_plan *plan)
{
	const double threshold = p->threshold_milli / 1000.0, margin = p->margin_milli / 1000.0;
	struct rejection rej = { "", -1 };
	double best_value = 0;
	int busier, idle;
	bool found = false;

	memset(plan, 0, sizeof(*plan));
	plan->from = plan->to = -1;
	for (int n = 0; n < HAVZ_NODES; n++)
		plan->score[n] = havz_balance_score(p, &v->nodes[n]);
	plan->imbalance = plan->score[0] > plan->score[1] ? plan->score[0] - plan->score[1]
							  : plan->score[1] - plan->score[0];
	busier = plan->score[0] >= plan->score[1] ? 0 : 1;
	idle = 1 - busier;
	if (!p->enabled) {
		plan->verdict = HAVZ_BALANCE_DISABLED;
		havz_why_set(plan->why, sizeof(plan->why), "balancing is off ([balance] enabled)");
		return 0;
	}
	if (plan->imbalance <= threshold) {
		st->rounds_over = 0;
		st->last_busier = -1;
		plan->verdict = HAVZ_BALANCE_BALANCED;
		havz_why_set(plan->why, sizeof(plan->why),
			     "imbalance %.2f is within the threshold %.2f (%s %.2f, %s %.2f)",
			     plan->imbalance, threshold, v->nodes[0].name, plan->score[0],
			     v->nodes[1].name, plan->score[1]);
		return 0;
	}
	/* The imbalance must hold, on the same side, for the hold rounds. */
	if (st->last_busier == busier)
		st->rounds_over++;
	else
		st->rounds_over = 1;
	st->last_busier = busier;
	if (st->rounds_over < p->hold_rounds) {
		plan->verdict = HAVZ_BALANCE_HOLDING;
		havz_why_set(
			plan->why, sizeof(plan->why),
			"imbalance %.2f over the threshold %.2f for %u of %u rounds (%s busier)",
			plan->imbalance, threshold, st->rounds_over, p->hold_rounds,
			v->nodes[busier].name);
		return 0;
	}
	if (in_quiet_hours(p, now_s)) {
		plan->verdict = HAVZ_BALANCE_QUIET;
		havz_why_set(plan->why, sizeof(plan->why),
			     "imbalance %.2f, but these are quiet hours: no moves",
			     plan->imbalance);
		return 0;
	}
	if (moves_since(st, now_s - 3600) >= p->max_moves_per_hour) {
		plan->verdict = HAVZ_BALANCE_RATE;
		havz_why_set(plan->why, sizeof(plan->why),
			     "imbalance %.2f, but %u moves in the last hour already (max %u)",
			     plan->imbalance, moves_since(st, now_s - 3600), p->max_moves_per_hour);
		return 0;
	}
	for (size_t i = 0; i < v->n_cts; i++) {
		const struct havz_balance_ct *ct = &v->cts[i];
		const struct havz_balance_node *to = &v->nodes[idle];
		double from_after, to_after, after, gain, freeze, value;

		if (ct->node != busier)
			continue;
		if (ct->pinned) {
			reject(&rej, 0, "%s is pinned (balance = no)", ct->name);
			continue;
		}
		if (moved_recently(st, ct->name, now_s - (int64_t)p->cooldown_s)) {
			reject(&rej, 1, "%s moved less than the cooldown (%us) ago", ct->name,
			       p->cooldown_s);
			continue;
		}
		if (to->mem_available < ct->mem_limit + p->memory_headroom) {
			reject(&rej, 2,
			       "%s needs %.0f MiB with the headroom; the other node has %.0f "
			       "MiB available",
			       ct->name, (double)(ct->mem_limit + p->memory_headroom) / 1048576.0,
			       (double)to->mem_available / 1048576.0);
			continue;
		}
		from_after = score_with(p, &v->nodes[busier], ct, -1);
		to_after = score_with(p, to, ct, +1);
		after = from_after > to_after ? from_after - to_after : to_after - from_after;
		gain = plan->imbalance - after;
		/* Turned around past the threshold, the next rounds would move it back. */
		if (to_after - from_after > threshold) {
			reject(&rej, 3,
			       "moving %s turns the imbalance around (%.2f the other way, "
			       "threshold %.2f)",
			       ct->name, to_after - from_after, threshold);
			continue;
		}
		if (gain < margin) {
			reject(&rej, 4, "moving %s gains %.2f, under the margin %.2f", ct->name,
			       gain, margin);
			continue;
		}
		freeze = havz_balance_expected_freeze_s(ct);
		value = gain / (freeze > 0.1 ? freeze : 0.1);
		if (!found || value > best_value) {
			found = true;
			best_value = value;
			plan->ct = i;
			plan->imbalance_after = after;
			plan->expected_freeze_s = freeze;
		}
	}
	if (!found) {
		plan->verdict = HAVZ_BALANCE_NO_CANDIDATE;
		havz_why_set(plan->why, sizeof(plan->why), "imbalance %.2f, but no move helps: %s",
			     plan->imbalance,
			     rej.rank >= 0 ? rej.why : "no container runs on the busier node");
		return 0;
	}
	plan->verdict = HAVZ_BALANCE_MOVE;
	plan->from = busier;
	plan->to = idle;
	havz_why_set(plan->why, sizeof(plan->why),
		     "move %s from %s to %s: imbalance %.2f -> %.2f, expected freeze %.1f s%s",
		     v->cts[plan->ct].name, v->nodes[busier].name, v->nodes[idle].name,
		     plan->imbalance, plan->imbalance_after, plan->expected_freeze_s,
		     v->cts[plan->ct].movable ? "" : " (cold: the preflight refuses a live move)");
	return 0;
}

void havz_balance_record_move(struct havz_balance_state *st, int64_t at_s, const char *ct)
{
	if (st->n_moves == HAVZ_BALANCE_HISTORY) {
		memmove(&st->moves[0], &st->moves[1],
			(HAVZ_BALANCE_HISTORY - 1) * sizeof(st->moves[0]));
		st->n_moves--;
	}
	st->moves[st->n_moves].at_s = at_s;
	snprintf(st->moves[st->n_moves].ct, sizeof(st->moves[0].ct), "%s", ct);
	st->n_moves++;
	/* The next move needs an imbalance that holds again, measured after this one. */
	st->rounds_over = 0;
	st->last_busier = -1;
}

static int hhmm(const char *s, int *min)
{
	if (strlen(s) != 5 || s[2] != ':')
		return -EINVAL;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -EINVAL;
	int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');

	if (h > 23 || m > 59)
		return -EINVAL;
	*min = h * 60 + m;
	return 0;
}

int havz_parse_quiet_hours(const char *s, int *start_min, int *end_min)
{
	char a[6], b[6];
	const char *dash = strchr(s, '-');

	if (!dash || dash - s != 5 || strlen(dash + 1) != 5)
		return -EINVAL;
	memcpy(a, s, 5);
	a[5] = '\0';
	memcpy(b, dash + 1, 6);
	if (hhmm(a, start_min) || hhmm(b, end_min) || *start_min == *end_min)
		return -EINVAL;
	return 0;
}
