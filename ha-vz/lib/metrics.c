// SPDX-License-Identifier: GPL-2.0-only
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "havz/metrics.h"

const double havz_freeze_le[HAVZ_FREEZE_BUCKETS] = { 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60 };

/* Copies the token [s, s+n) lower-cased into out; -EINVAL when it does not fit or is empty. */
static int lower_copy(const char *s, size_t n, char *out, size_t size)
{
	if (!n || n >= size)
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return 0;
}

/* "A/B" into a and b. */
static int pair_copy(const char *s, size_t n, char *a, size_t asize, char *b, size_t bsize)
{
	const char *slash = memchr(s, '/', n);

	if (!slash)
		return -EINVAL;
	if (lower_copy(s, (size_t)(slash - s), a, asize))
		return -EINVAL;
	return lower_copy(slash + 1, n - (size_t)(slash - s) - 1, b, bsize);
}

/* One minor line after "N:": its cs:, ro:, ds: fields. */
static int parse_minor_fields(const char *p, const char *end, struct havz_drbd_dev *d)
{
	bool cs = false, ro = false, ds = false;

	while (p < end) {
		const char *tok;
		size_t n;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		tok = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		n = (size_t)(p - tok);
		if (n > 3 && !strncmp(tok, "cs:", 3)) {
			if (lower_copy(tok + 3, n - 3, d->cstate, sizeof(d->cstate)))
				return -EINVAL;
			cs = true;
		} else if (n > 3 && !strncmp(tok, "ro:", 3)) {
			if (pair_copy(tok + 3, n - 3, d->role, sizeof(d->role), d->peer_role,
				      sizeof(d->peer_role)))
				return -EINVAL;
			ro = true;
		} else if (n > 3 && !strncmp(tok, "ds:", 3)) {
			if (pair_copy(tok + 3, n - 3, d->disk, sizeof(d->disk), d->peer_disk,
				      sizeof(d->peer_disk)))
				return -EINVAL;
			ds = true;
		}
	}
	if (!cs)
		return -EINVAL;
	if (!strcmp(d->cstate, "unconfigured"))
		return 0;
	return ro && ds ? 0 : -EINVAL;
}

/* oos:N in a statistics line, into the last minor. */
static int parse_stats(const char *p, const char *end, struct havz_drbd_dev *d)
{
	const char *o;

	for (o = p; o + 4 <= end; o++) {
		if (strncmp(o, "oos:", 4) || (o > p && o[-1] != ' ' && o[-1] != '\t'))
			continue;
		char num[24];
		size_t n = 0;

		o += 4;
		while (o < end && isdigit((unsigned char)*o) && n + 1 < sizeof(num))
			num[n++] = *o++;
		num[n] = '\0';
		if (!n || (o < end && *o != ' ' && *o != '\t'))
			return -EINVAL;
		d->oos_kib = strtoull(num, NULL, 10);
		return 0;
	}
	return 0;
}

int havz_proc_drbd_parse(const char *text, struct havz_drbd_dev *out, size_t max, size_t *n)
{
	const char *line = text;
	bool have_last = false;

	*n = 0;
	while (line && *line) {
		const char *end = strchr(line, '\n'), *p = line;

		if (!end)
			end = line + strlen(line);
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p < end && isdigit((unsigned char)*p)) {
			struct havz_drbd_dev d = { 0 };
			unsigned long v = 0;
			const char *q = p;

			while (q < end && isdigit((unsigned char)*q) && v <= 1048575)
				v = v * 10 + (unsigned long)(*q++ - '0');
			if (q >= end || *q != ':' || v > 1048575)
				return -EINVAL;
			d.minor = (unsigned)v;
			if (parse_minor_fields(q + 1, end, &d))
				return -EINVAL;
			if (*n >= max)
				return -E2BIG;
			out[(*n)++] = d;
			have_last = true;
		} else if (have_last && p < end) {
			if (parse_stats(p, end, &out[*n - 1]))
				return -EINVAL;
			/* Later lines (resync progress, act_log) carry no oos:. */
		}
		line = *end ? end + 1 : NULL;
	}
	return 0;
}

void havz_histogram_observe(struct havz_histogram *h, double seconds)
{
	if (!(seconds >= 0))
		return;
	h->count++;
	h->sum += seconds;
	for (size_t i = 0; i < HAVZ_FREEZE_BUCKETS; i++)
		if (seconds <= havz_freeze_le[i]) {
			h->in_bucket[i]++;
			return;
		}
}

int havz_sw_summary_parse(const char *line, struct havz_sw_summary *s)
{
	char route[96], freeze[40], bytes[40], outcome[16];
	const char *eq;
	char *endp;
	long long v;

	memset(s, 0, sizeof(*s));
	/* Fields are space-free; the widths match the sizes of s (HAVZ_NAME_MAX is 32). */
	if (sscanf(line, "%39s %31s %95s %39s %39s %15s", s->name, s->stamp, route, freeze, bytes,
		   outcome) != 6)
		return -EINVAL;
	if (!strstr(route, "->") || strncmp(freeze, "freeze_ms=", 10) ||
	    strncmp(bytes, "bytes=", 6))
		return -EINVAL;
	s->live = !strcmp(outcome, "live") || !strcmp(outcome, "live-lazy");
	eq = freeze + 10;
	errno = 0;
	v = strtoll(eq, &endp, 10);
	if (errno || endp == eq || *endp || v < -1)
		return -EINVAL;
	s->freeze_ms = v;
	return 0;
}

/* A label value in the exposition format: backslash, quote and newline escaped. */
static void label_value(struct havz_buf *out, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			havz_buf_printf(out, "\\%c", *v);
		else if (*v == '\n')
			havz_buf_printf(out, "\\n");
		else
			havz_buf_append(out, v, 1);
	}
}

static void family(struct havz_buf *out, const char *name, const char *type, const char *help)
{
	havz_buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static const struct havz_metrics_ct *ct_of_minor(const struct havz_metrics *m, unsigned minor)
{
	for (size_t i = 0; i < m->n_cts; i++)
		if (m->cts[i].minor == minor)
			return &m->cts[i];
	return NULL;
}

static void drbd_resource(struct havz_buf *out, const char *metric, const char *ct)
{
	havz_buf_printf(out, "%s{resource=\"ct-", metric);
	label_value(out, ct);
	havz_buf_printf(out, "\",volume=\"0\"");
}

static void render_drbd(const struct havz_metrics *m, struct havz_buf *out)
{
	family(out, "havz_drbd_resources", "gauge",
	       "The DRBD resource of each configured container set up on this node: 1, its local "
	       "role and disk state in the labels (from /proc/drbd).");
	for (size_t i = 0; i < m->n_drbd; i++) {
		const struct havz_drbd_dev *d = &m->drbd[i];
		const struct havz_metrics_ct *ct = ct_of_minor(m, d->minor);

		if (!ct || !strcmp(d->cstate, "unconfigured"))
			continue;
		drbd_resource(out, "havz_drbd_resources", ct->name);
		havz_buf_printf(out, ",role=\"%s\",disk_state=\"%s\"} 1\n", d->role, d->disk);
	}
	family(out, "havz_drbd_connections", "gauge",
	       "The replication link of each DRBD resource: 1, its connection state and the "
	       "peer's role and disk state in the labels.");
	for (size_t i = 0; i < m->n_drbd; i++) {
		const struct havz_drbd_dev *d = &m->drbd[i];
		const struct havz_metrics_ct *ct = ct_of_minor(m, d->minor);

		if (!ct || !strcmp(d->cstate, "unconfigured"))
			continue;
		drbd_resource(out, "havz_drbd_connections", ct->name);
		havz_buf_printf(out,
				",connection_state=\"%s\",peer_role=\"%s\",peer_disk_state=\"%s\"} "
				"1\n",
				d->cstate, d->peer_role, d->peer_disk);
	}
	family(out, "havz_drbd_out_of_sync_bytes", "gauge",
	       "Data of each DRBD resource that the peer does not have yet, in bytes.");
	for (size_t i = 0; i < m->n_drbd; i++) {
		const struct havz_drbd_dev *d = &m->drbd[i];
		const struct havz_metrics_ct *ct = ct_of_minor(m, d->minor);

		if (!ct || !strcmp(d->cstate, "unconfigured"))
			continue;
		drbd_resource(out, "havz_drbd_out_of_sync_bytes", ct->name);
		havz_buf_printf(out, "} %" PRIu64 "\n", d->oos_kib * 1024);
	}
}

static void render_containers(const struct havz_metrics *m, struct havz_buf *out)
{
	family(out, "havz_container_up", "gauge",
	       "1 when the container is held by this node and its monitor says running, else 0.");
	for (size_t i = 0; i < m->n_cts; i++) {
		havz_buf_printf(out, "havz_container_up{container=\"");
		label_value(out, m->cts[i].name);
		havz_buf_printf(out, "\"} %d\n", m->cts[i].up ? 1 : 0);
	}
	family(out, "havz_container_state", "gauge",
	       "The supervisor's state of each configured container on this node: 1, the state in "
	       "the label (absent: not held here).");
	for (size_t i = 0; i < m->n_cts; i++) {
		havz_buf_printf(out, "havz_container_state{container=\"");
		label_value(out, m->cts[i].name);
		havz_buf_printf(out, "\",state=\"");
		label_value(out, m->cts[i].state);
		havz_buf_printf(out, "\"} 1\n");
	}
	family(out, "havz_container_restarts_total", "counter",
	       "Local restarts (agent stop, then start) of each container by ha-vzd since it "
	       "started.");
	for (size_t i = 0; i < m->n_cts; i++) {
		havz_buf_printf(out, "havz_container_restarts_total{container=\"");
		label_value(out, m->cts[i].name);
		havz_buf_printf(out, "\"} %" PRIu64 "\n", m->cts[i].restarts);
	}
}

static void render_freeze(const struct havz_histogram *h, struct havz_buf *out)
{
	uint64_t cum = 0;

	family(out, "havz_switchover_freeze_seconds", "histogram",
	       "How long containers were frozen by the live switchovers run from this node (ha-vz "
	       "switchover: final dump to restored on the peer), since ha-vzd started.");
	for (size_t i = 0; i < HAVZ_FREEZE_BUCKETS; i++) {
		cum += h ? h->in_bucket[i] : 0;
		havz_buf_printf(out,
				"havz_switchover_freeze_seconds_bucket{le=\"%g\"} %" PRIu64 "\n",
				havz_freeze_le[i], cum);
	}
	havz_buf_printf(out, "havz_switchover_freeze_seconds_bucket{le=\"+Inf\"} %" PRIu64 "\n",
			h ? h->count : 0);
	havz_buf_printf(out, "havz_switchover_freeze_seconds_sum %.3f\n", h ? h->sum : 0.0);
	havz_buf_printf(out, "havz_switchover_freeze_seconds_count %" PRIu64 "\n",
			h ? h->count : 0);
}

int havz_metrics_render(const struct havz_metrics *m, struct havz_buf *out)
{
	family(out, "havz_node_info", "gauge", "This node's name and the ha-vz version: 1.");
	havz_buf_printf(out, "havz_node_info{node=\"");
	label_value(out, m->node);
	havz_buf_printf(out, "\",version=\"");
	label_value(out, m->version);
	havz_buf_printf(out, "\"} 1\n");
	family(out, "havz_peer_up", "gauge",
	       "1 when the peer's ha-vzd answered its last STATUS request, else 0.");
	havz_buf_printf(out, "havz_peer_up %d\n", m->peer_up ? 1 : 0);
	family(out, "havz_config_in_sync", "gauge",
	       "1 when this node's ha-vz.conf is the same as the peer's (SHA-256 of the files), 0 "
	       "when they differ; no sample while the peer's is not known.");
	if (m->config != HAVZ_CFG_UNKNOWN)
		havz_buf_printf(out, "havz_config_in_sync %d\n",
				m->config == HAVZ_CFG_SAME ? 1 : 0);
	family(out, "havz_drbd_loaded", "gauge",
	       "1 when the DRBD kernel module is loaded (/proc/drbd exists), else 0.");
	havz_buf_printf(out, "havz_drbd_loaded %d\n", m->drbd_loaded ? 1 : 0);
	render_drbd(m, out);
	render_containers(m, out);
	family(out, "havz_failovers_total", "counter",
	       "Handovers of this node's resources to the peer started by ha-vzd (a container "
	       "still failing after max_restarts, or its agent not installed) since it started.");
	havz_buf_printf(out, "havz_failovers_total %" PRIu64 "\n", m->failovers);
	family(out, "havz_fences_total", "counter",
	       "DRBD fence requests (OUTDATE) from the peer answered by this node since ha-vzd "
	       "started, by answer.");
	for (size_t i = 0; i < m->n_fences; i++) {
		havz_buf_printf(out, "havz_fences_total{answer=\"");
		label_value(out, m->fences[i].label);
		havz_buf_printf(out, "\"} %" PRIu64 "\n", m->fences[i].n);
	}
	render_freeze(m->freeze, out);
	family(out, "havz_drill_rto_seconds", "gauge",
	       "Recovery time of the last failover drill; always 0: ha-vz has no drills yet.");
	havz_buf_printf(out, "havz_drill_rto_seconds 0\n");
	family(out, "havz_balance_moves_total", "counter",
	       "Containers moved to balance the nodes; always 0: ha-vz does not balance yet.");
	havz_buf_printf(out, "havz_balance_moves_total 0\n");
	family(out, "havz_alerts_failed_total", "counter",
	       "Alert hooks (/etc/ha-vz/alerts.d) that failed, timed out or were refused, since "
	       "ha-vzd started.");
	havz_buf_printf(out, "havz_alerts_failed_total %" PRIu64 "\n", m->alerts_failed);
	return out->err;
}
