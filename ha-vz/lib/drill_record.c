// SPDX-License-Identifier: GPL-2.0-only
/* The drill record as JSON, written and read back strictly (see havz/drill.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "havz/drill.h"
#include "havz/json.h"
#include "havz/parse.h"

static const char *const role_names[] = {
	[HAVZ_DRILL_ROLE_DOWN] = "down",
	[HAVZ_DRILL_ROLE_UNKNOWN] = "Unknown",
	[HAVZ_DRILL_ROLE_SECONDARY] = "Secondary",
	[HAVZ_DRILL_ROLE_PRIMARY] = "Primary",
};
#define N_ROLES (sizeof(role_names) / sizeof(role_names[0]))

static void put_i64_or_null(struct havz_buf *out, int64_t v)
{
	if (v < 0)
		havz_buf_printf(out, "null");
	else
		havz_buf_printf(out, "%lld", (long long)v);
}

static void put_running(struct havz_buf *out, enum havz_drill_running r)
{
	havz_buf_printf(out, "%s",
			r == HAVZ_DRILL_CT_RUNNING   ? "true"
			: r == HAVZ_DRILL_CT_STOPPED ? "false"
						     : "null");
}

int havz_drill_record_write(const struct havz_drill_record *r, struct havz_buf *out)
{
	havz_buf_printf(out, "{\n  \"format\": %d,\n  \"id\": ", HAVZ_DRILL_FORMAT);
	havz_json_put_string(out, r->id);
	havz_buf_printf(out,
			",\n  \"kind\": \"%s\",\n  \"stack\": ", havz_drill_kind_name(r->kind));
	havz_json_put_string(out, r->stack);
	havz_buf_printf(out, ",\n  \"target\": ");
	havz_json_put_string(out, r->target);
	havz_buf_printf(out, ",\n  \"container\": ");
	havz_json_put_string(out, r->container);
	havz_buf_printf(out, ",\n  \"nodes\": [");
	for (int n = 0; n < HAVZ_DRILL_NODES; n++) {
		havz_buf_printf(out, n ? ", " : "");
		havz_json_put_string(out, r->nodes[n]);
	}
	havz_buf_printf(out, "],\n  \"started\": %lld,\n  \"recovered\": %s,\n  \"reason\": ",
			(long long)r->started, r->recovered ? "true" : "false");
	havz_json_put_string(out, r->reason);
	havz_buf_printf(out, ",\n  \"rto_ms\": ");
	put_i64_or_null(out, r->rto_ms);
	havz_buf_printf(out, ",\n  \"acked\": %llu,\n  \"lost\": %llu,\n  \"phases_ms\": {",
			(unsigned long long)r->acked, (unsigned long long)r->lost);
	for (int p = 0; p < HAVZ_DRILL_PHASES; p++) {
		havz_buf_printf(out, "%s\"%s\": ", p ? ", " : "", havz_drill_phase_name(p));
		put_i64_or_null(out, r->phase_ms[p]);
	}
	havz_buf_printf(out, "},\n  \"samples\": [");
	for (size_t i = 0; i < r->n_samples; i++) {
		const struct havz_drill_sample *s = &r->samples[i];

		havz_buf_printf(out,
				"%s\n    {\"t_ms\": %lld, \"roles\": [\"%s\", \"%s\"], "
				"\"running\": [",
				i ? "," : "", (long long)s->t_ms, role_names[s->role[0]],
				role_names[s->role[1]]);
		put_running(out, s->running[0]);
		havz_buf_printf(out, ", ");
		put_running(out, s->running[1]);
		havz_buf_printf(out, "]}");
	}
	return havz_buf_printf(out, "%s]\n}\n", r->n_samples ? "\n  " : "");
}

/* Reading back. */

struct rd {
	char *why;
	size_t size;
};

static int bad(struct rd *d, const struct havz_json *v, const char *member, const char *msg)
{
	havz_why_set(d->why, d->size, "line %u: %s: %s", v ? v->line : 1, member, msg);
	return -EINVAL;
}

static int want_type(struct rd *d, const struct havz_json *v, const char *member,
		     enum havz_json_type t)
{
	char msg[64];

	if (v->type == t)
		return 0;
	snprintf(msg, sizeof(msg), "expected a %s, not a %s", havz_json_type_name(t),
		 havz_json_type_name(v->type));
	return bad(d, v, member, msg);
}

static int get_string(struct rd *d, const struct havz_json *v, const char *member, char *out,
		      size_t size)
{
	int rc = want_type(d, v, member, HAVZ_JSON_STRING);

	if (rc)
		return rc;
	if (strlen(v->string) >= size)
		return bad(d, v, member, "too long");
	if (strpbrk(v->string, "\n\r\t"))
		return bad(d, v, member, "a control character in the text");
	memcpy(out, v->string, strlen(v->string) + 1);
	return 0;
}

static int get_name(struct rd *d, const struct havz_json *v, const char *member, char *out,
		    size_t size, bool may_be_empty)
{
	int rc = get_string(d, v, member, out, size);

	if (rc || (may_be_empty && !out[0]))
		return rc;
	return havz_check_name(out, size - 1) ? bad(d, v, member, "not a valid name") : 0;
}

/* A whole number in [min, max]; null gives -1 when nullable. */
static int get_int(struct rd *d, const struct havz_json *v, const char *member, int64_t min,
		   int64_t max, bool nullable, int64_t *out)
{
	char msg[80];

	if (nullable && v->type == HAVZ_JSON_NULL) {
		*out = -1;
		return 0;
	}
	if (v->type != HAVZ_JSON_NUMBER)
		return bad(d, v, member,
			   nullable ? "expected a number or null" : "expected a number");
	if (v->number < (double)min || v->number > (double)max) {
		snprintf(msg, sizeof(msg), "out of range [%lld, %lld]", (long long)min,
			 (long long)max);
		return bad(d, v, member, msg);
	}
	/* In range, so the conversion is defined; a fraction does not survive it. */
	if ((double)(int64_t)v->number != v->number)
		return bad(d, v, member, "expected a whole number");
	*out = (int64_t)v->number;
	return 0;
}

static int get_role(struct rd *d, const struct havz_json *v, enum havz_drill_role *out)
{
	int rc = want_type(d, v, "samples: roles", HAVZ_JSON_STRING);

	if (rc)
		return rc;
	for (size_t i = 0; i < N_ROLES; i++)
		if (!strcmp(v->string, role_names[i])) {
			*out = (enum havz_drill_role)i;
			return 0;
		}
	return bad(d, v, "samples: roles", "not one of Primary, Secondary, Unknown, down");
}

static int get_running(struct rd *d, const struct havz_json *v, enum havz_drill_running *out)
{
	if (v->type == HAVZ_JSON_NULL)
		*out = HAVZ_DRILL_CT_UNKNOWN;
	else if (v->type == HAVZ_JSON_BOOL)
		*out = v->boolean ? HAVZ_DRILL_CT_RUNNING : HAVZ_DRILL_CT_STOPPED;
	else
		return bad(d, v, "samples: running", "expected true, false or null");
	return 0;
}

/* An array of exactly HAVZ_DRILL_NODES elements. */
static int pair(struct rd *d, const struct havz_json *v, const char *member)
{
	int rc = want_type(d, v, member, HAVZ_JSON_ARRAY);

	if (rc)
		return rc;
	return havz_json_count(v) == HAVZ_DRILL_NODES ? 0
						      : bad(d, v, member, "expected 2 elements");
}

static int sample(struct rd *d, const struct havz_json *v, struct havz_drill_record *r)
{
	static const char *const known[] = { "t_ms", "roles", "running", NULL };
	const struct havz_json *t, *roles, *running, *e;
	struct havz_drill_sample s;
	int64_t t_ms;
	int rc, n;

	if ((rc = want_type(d, v, "samples", HAVZ_JSON_OBJECT)))
		return rc;
	for (const struct havz_json *m = v->child; m; m = m->next) {
		int k = 0;

		while (known[k] && strcmp(known[k], m->key))
			k++;
		if (!known[k])
			return bad(d, m, "samples", "unknown member");
	}
	t = havz_json_get(v, "t_ms");
	roles = havz_json_get(v, "roles");
	running = havz_json_get(v, "running");
	if (!t || !roles || !running)
		return bad(d, v, "samples", "each needs t_ms, roles and running");
	if ((rc = get_int(d, t, "samples: t_ms", -3600000, 86400000, false, &t_ms)) ||
	    (rc = pair(d, roles, "samples: roles")) || (rc = pair(d, running, "samples: running")))
		return rc;
	s.t_ms = t_ms;
	for (e = roles->child, n = 0; e; e = e->next, n++)
		if ((rc = get_role(d, e, &s.role[n])))
			return rc;
	for (e = running->child, n = 0; e; e = e->next, n++)
		if ((rc = get_running(d, e, &s.running[n])))
			return rc;
	rc = havz_drill_add_sample(r, &s);
	if (rc == -EINVAL)
		return bad(d, t, "samples: t_ms", "not after the sample before it");
	if (rc)
		return bad(d, v, "samples", rc == -E2BIG ? "too many samples" : "out of memory");
	return 0;
}

static int phases(struct rd *d, const struct havz_json *v, struct havz_drill_record *r)
{
	int rc = want_type(d, v, "phases_ms", HAVZ_JSON_OBJECT);

	if (rc)
		return rc;
	for (const struct havz_json *m = v->child; m; m = m->next) {
		int p = 0;

		while (p < HAVZ_DRILL_PHASES && strcmp(havz_drill_phase_name(p), m->key))
			p++;
		if (p == HAVZ_DRILL_PHASES)
			return bad(d, m, "phases_ms",
				   "unknown phase (detect, fence, promote, mount, "
				   "start)");
		if ((rc = get_int(d, m, "phases_ms", 0, 86400000, true, &r->phase_ms[p])))
			return rc;
	}
	return 0;
}

enum member_id {
	M_FORMAT,
	M_ID,
	M_KIND,
	M_STACK,
	M_TARGET,
	M_CONTAINER,
	M_NODES,
	M_STARTED,
	M_RECOVERED,
	M_REASON,
	M_RTO,
	M_ACKED,
	M_LOST,
	M_PHASES,
	M_SAMPLES,
	M_COUNT
};

static const char *const member_names[M_COUNT] = {
	"format",    "id",     "kind",	 "stack", "target", "container", "nodes",   "started",
	"recovered", "reason", "rto_ms", "acked", "lost",   "phases_ms", "samples",
};

static int member(struct rd *d, enum member_id id, const struct havz_json *v,
		  struct havz_drill_record *r)
{
	const char *name = member_names[id];
	int64_t n;
	int rc, k;

	switch (id) {
	case M_FORMAT:
		if ((rc = get_int(d, v, name, 0, 1000, false, &n)))
			return rc;
		return n == HAVZ_DRILL_FORMAT ? 0
					      : bad(d, v, name, "not a format this ha-vz reads");
	case M_ID:
		if ((rc = get_string(d, v, name, r->id, sizeof(r->id))))
			return rc;
		return r->id[0] && !strpbrk(r->id, "/ ")
			       ? 0
			       : bad(d, v, name, "empty, or has '/' or ' '");
	case M_KIND:
		if ((rc = want_type(d, v, name, HAVZ_JSON_STRING)))
			return rc;
		k = havz_drill_kind_parse(v->string);
		if (k < 0)
			return bad(d, v, name, "unknown drill kind");
		r->kind = (enum havz_drill_kind)k;
		return 0;
	case M_STACK:
		if ((rc = get_string(d, v, name, r->stack, sizeof(r->stack))))
			return rc;
		return !strcmp(r->stack, "heartbeat") || !strcmp(r->stack, "pacemaker")
			       ? 0
			       : bad(d, v, name, "not heartbeat or pacemaker");
	case M_TARGET: return get_name(d, v, name, r->target, sizeof(r->target), false);
	case M_CONTAINER: return get_name(d, v, name, r->container, sizeof(r->container), true);
	case M_NODES:
		if ((rc = pair(d, v, name)))
			return rc;
		k = 0;
		for (const struct havz_json *e = v->child; e; e = e->next, k++)
			if ((rc = get_name(d, e, name, r->nodes[k], sizeof(r->nodes[k]), false)))
				return rc;
		return strcmp(r->nodes[0], r->nodes[1]) ? 0
							: bad(d, v, name, "the same node twice");
	case M_STARTED: return get_int(d, v, name, 0, 32503680000LL, false, &r->started);
	case M_RECOVERED:
		if ((rc = want_type(d, v, name, HAVZ_JSON_BOOL)))
			return rc;
		r->recovered = v->boolean;
		return 0;
	case M_REASON: return get_string(d, v, name, r->reason, sizeof(r->reason));
	case M_RTO: return get_int(d, v, name, 0, 86400000, true, &r->rto_ms);
	case M_ACKED:
		if ((rc = get_int(d, v, name, 0, 1LL << 50, false, &n)))
			return rc;
		r->acked = (uint64_t)n;
		return 0;
	case M_LOST:
		if ((rc = get_int(d, v, name, 0, 1LL << 50, false, &n)))
			return rc;
		r->lost = (uint64_t)n;
		return 0;
	case M_PHASES: return phases(d, v, r);
	case M_SAMPLES:
		if ((rc = want_type(d, v, name, HAVZ_JSON_ARRAY)))
			return rc;
		for (const struct havz_json *e = v->child; e; e = e->next)
			if ((rc = sample(d, e, r)))
				return rc;
		return 0;
	case M_COUNT: break;
	}
	return -EINVAL;
}

int havz_drill_record_parse(const char *text, size_t len, struct havz_drill_record *r, char *why,
			    size_t size)
{
	struct rd d = { why, size };
	const struct havz_json *seen[M_COUNT] = { 0 };
	struct havz_json *root;
	int rc;

	havz_drill_record_init(r);
	rc = havz_json_parse(text, len, &root, why, size);
	if (rc)
		return rc;
	if (root->type != HAVZ_JSON_OBJECT) {
		rc = bad(&d, root, "record", "expected an object");
		goto out;
	}
	for (const struct havz_json *m = root->child; m; m = m->next) {
		int id = 0;

		while (id < M_COUNT && strcmp(member_names[id], m->key))
			id++;
		if (id == M_COUNT) {
			rc = bad(&d, m, m->key, "unknown member");
			goto out;
		}
		seen[id] = m;
	}
	for (int id = 0; id < M_COUNT; id++) {
		if (!seen[id]) {
			rc = bad(&d, root, member_names[id], "missing");
			goto out;
		}
		rc = member(&d, (enum member_id)id, seen[id], r);
		if (rc)
			goto out;
	}
	if (r->lost > r->acked)
		rc = bad(&d, seen[M_LOST], "lost", "more than were acknowledged");
out:
	havz_json_free(root);
	if (rc)
		havz_drill_record_free(r);
	return rc;
}
