// SPDX-License-Identifier: GPL-2.0-only
/* The drill report page (see havz/drill_report.h). */
#include "havz/drill_report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One colour per kind and per phase, readable on white and told apart in grey. */
static const char *const kind_colours[] = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd",
					    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
					    "#17becf", "#ff7f0e", "#393b79", "#637939" };
static const char *const phase_colours[HAVZ_DRILL_PHASES] = { "#4e79a7", "#e15759", "#f28e2b",
							      "#76b7b2", "#59a14f" };

_Static_assert(sizeof(kind_colours) / sizeof(kind_colours[0]) == HAVZ_DRILL_KINDS,
	       "a colour for every drill kind");

static void utc(long long t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || !strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm))
		snprintf(out, size, "%lld", t);
}

static void seconds(char *out, size_t size, int64_t ms)
{
	if (ms < 0)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%.1f s", (double)ms / 1000.0);
}

static const char CSS[] =
	"body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}"
	"h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em}"
	"table{border-collapse:collapse;margin:1em 0}"
	"td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}"
	"th{background:#eee}td.l,th.l{text-align:left}"
	".pass{color:#1a7f37}.reported{color:#9a6700}.FAIL{color:#cf222e;font-weight:bold}"
	"svg{border:1px solid #ddd;background:#fff}svg text{font-size:11px}";

/* The per-(kind, stack) table. */
static void summary_table(struct havz_buf *out, const struct havz_drill_record *recs, size_t n)
{
	struct havz_drill_stats rows[HAVZ_DRILL_KINDS * 2];
	size_t k = havz_drill_stats(recs, n, rows, sizeof(rows) / sizeof(rows[0]));
	char p50[32], max[32];

	if (k > sizeof(rows) / sizeof(rows[0]))
		k = sizeof(rows) / sizeof(rows[0]);
	havz_buf_printf(out, "<h2>By kind and stack</h2>\n<table id=\"summary\"><tr><th "
			     "class=l>kind</th><th class=l>stack</th><th>runs</th><th>pass</th>"
			     "<th>reported</th><th>FAIL</th><th>RTO p50</th><th>RTO max</th>"
			     "<th>writes lost</th><th>most Primaries</th><th>most running "
			     "copies</th></tr>\n");
	for (size_t i = 0; i < k; i++) {
		seconds(p50, sizeof(p50), rows[i].rto_p50_ms);
		seconds(max, sizeof(max), rows[i].rto_max_ms);
		havz_buf_printf(out, "<tr><td class=l>%s</td><td class=l>",
				havz_drill_kind_name(rows[i].kind));
		havz_buf_put_markup(out, rows[i].stack);
		havz_buf_printf(out,
				"</td><td>%u</td><td>%u</td><td>%u</td><td%s>%u</td><td>%s</td>"
				"<td>%s</td><td>%llu</td><td>%u</td><td>%u</td></tr>\n",
				rows[i].runs, rows[i].pass, rows[i].reported,
				rows[i].fail ? " class=FAIL" : "", rows[i].fail, p50, max,
				(unsigned long long)rows[i].lost, rows[i].max_primaries,
				rows[i].max_running);
	}
	havz_buf_printf(out, "</table>\n");
}

/* A plot's frame: the area inside the axes is [X0, X0+W] x [Y0, Y0+H]. */
enum { SVG_W = 900, X0 = 60, W = 700, Y0 = 20 };

static int64_t nice_ceiling(int64_t v)
{
	int64_t step = 1000;

	while (step * 10 < v)
		step *= 10;
	return ((v + step - 1) / step) * step;
}

static void y_axis_seconds(struct havz_buf *out, int h, int64_t top_ms)
{
	for (int i = 0; i <= 4; i++) {
		double y = Y0 + h - (double)h * i / 4;

		havz_buf_printf(
			out,
			"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
			"<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.1f s</text>\n",
			X0, y, X0 + W, y, X0 - 4, y + 4, (double)top_ms * i / 4 / 1000.0);
	}
	havz_buf_printf(out,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>\n",
			X0, Y0, X0, Y0 + h, X0, Y0 + h, X0 + W, Y0 + h);
}

/* RTO per kind over time: one series per kind, x the drill's start. */
static void plot_rto(struct havz_buf *out, const struct havz_drill_record *recs, size_t n)
{
	const int h = 260;
	int64_t top = 0, t0 = 0, t1 = 0;
	bool any = false, kind_seen[HAVZ_DRILL_KINDS] = { false };
	int legend = 0;

	for (size_t i = 0; i < n; i++) {
		if (recs[i].rto_ms < 0)
			continue;
		if (!any || recs[i].started < t0)
			t0 = recs[i].started;
		if (!any || recs[i].started > t1)
			t1 = recs[i].started;
		if (recs[i].rto_ms > top)
			top = recs[i].rto_ms;
		any = true;
	}
	top = nice_ceiling(top ? top : 1000);
	havz_buf_printf(out,
			"<h2>RTO per kind over time</h2>\n<svg id=\"plot-rto\" width=\"%d\" "
			"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>RTO per kind "
			"over time</title>\n",
			SVG_W, h + 60, SVG_W, h + 60);
	y_axis_seconds(out, h, top);
	for (int k = 0; k < HAVZ_DRILL_KINDS; k++) {
		bool first = true;

		for (size_t i = 0; i < n; i++) {
			double x, y;

			if (recs[i].kind != (enum havz_drill_kind)k || recs[i].rto_ms < 0)
				continue;
			x = X0 + (t1 > t0 ? (double)W * (double)(recs[i].started - t0) /
						    (double)(t1 - t0)
					  : W / 2.0);
			y = Y0 + h - (double)h * (double)recs[i].rto_ms / (double)top;
			if (first)
				havz_buf_printf(out,
						"<polyline class=\"series\" fill=\"none\" "
						"stroke=\"%s\" points=\"",
						kind_colours[k]);
			havz_buf_printf(out, "%.1f,%.1f ", x, y);
			first = false;
		}
		if (first)
			continue;
		havz_buf_printf(out, "\"/>\n");
		kind_seen[k] = true;
		for (size_t i = 0; i < n; i++) {
			double x, y;
			char when[40];

			if (recs[i].kind != (enum havz_drill_kind)k || recs[i].rto_ms < 0)
				continue;
			x = X0 + (t1 > t0 ? (double)W * (double)(recs[i].started - t0) /
						    (double)(t1 - t0)
					  : W / 2.0);
			y = Y0 + h - (double)h * (double)recs[i].rto_ms / (double)top;
			utc(recs[i].started, when, sizeof(when));
			havz_buf_printf(out,
					"<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
					"fill=\"%s\"><title>%s %s: %.1f s</title></circle>\n",
					x, y, kind_colours[k], havz_drill_kind_name(k), when,
					(double)recs[i].rto_ms / 1000.0);
		}
	}
	for (int k = 0; k < HAVZ_DRILL_KINDS; k++) {
		if (!kind_seen[k])
			continue;
		havz_buf_printf(out,
				"<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
				"<text x=\"%d\" y=\"%d\">%s</text>\n",
				X0 + W + 20, Y0 + 16 * legend, kind_colours[k], X0 + W + 34,
				Y0 + 9 + 16 * legend, havz_drill_kind_name(k));
		legend++;
	}
	if (!any)
		havz_buf_printf(out, "<text x=\"%d\" y=\"%d\">no drill measured an RTO</text>\n",
				X0 + 20, Y0 + h / 2);
	else {
		char a[40], b[40];

		utc(t0, a, sizeof(a));
		utc(t1, b, sizeof(b));
		havz_buf_printf(out,
				"<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" "
				"text-anchor=\"end\">%s</text>\n",
				X0, Y0 + h + 16, a, X0 + W, Y0 + h + 16, b);
	}
	havz_buf_printf(out, "</svg>\n");
}

/* The newest drills, at most HAVZ_REPORT_PLOT_MAX: the index of the first one shown. */
static size_t first_shown(size_t n)
{
	return n > HAVZ_REPORT_PLOT_MAX ? n - HAVZ_REPORT_PLOT_MAX : 0;
}

/* The phases of each drill as one stacked horizontal bar. */
static void plot_phases(struct havz_buf *out, const struct havz_drill_record *recs, size_t n)
{
	const size_t from = first_shown(n);
	const int bar = 14, gap = 6;
	const int h = (int)(n - from) * (bar + gap) + gap;
	int64_t top = 0;

	for (size_t i = from; i < n; i++) {
		int64_t sum = 0;

		for (int p = 0; p < HAVZ_DRILL_PHASES; p++)
			sum += recs[i].phase_ms[p] > 0 ? recs[i].phase_ms[p] : 0;
		if (sum > top)
			top = sum;
	}
	top = nice_ceiling(top ? top : 1000);
	havz_buf_printf(out,
			"<h2>Recovery phases</h2>\n<svg id=\"plot-phases\" width=\"%d\" "
			"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>Recovery "
			"phases</title>\n",
			SVG_W + 100, h + 70, SVG_W + 100, h + 70);
	for (size_t i = from; i < n; i++) {
		double x = X0 + 100, y = Y0 + gap + (double)(i - from) * (bar + gap);

		havz_buf_printf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s %s</text>\n",
				X0 + 96, y + bar - 3, havz_drill_kind_name(recs[i].kind),
				recs[i].stack);
		for (int p = 0; p < HAVZ_DRILL_PHASES; p++) {
			double w;

			if (recs[i].phase_ms[p] <= 0)
				continue;
			w = (double)W * (double)recs[i].phase_ms[p] / (double)top;
			havz_buf_printf(
				out,
				"<rect class=\"seg\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%d\" fill=\"%s\"><title>%s: %.1f s</title></rect>\n",
				x, y, w, bar, phase_colours[p], havz_drill_phase_name(p),
				(double)recs[i].phase_ms[p] / 1000.0);
			x += w;
		}
	}
	for (int i = 0; i <= 4; i++)
		havz_buf_printf(
			out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f s</text>\n",
			X0 + 100 + (double)W * i / 4, Y0 + h + 16, (double)top * i / 4 / 1000.0);
	for (int p = 0; p < HAVZ_DRILL_PHASES; p++)
		havz_buf_printf(out,
				"<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
				"<text x=\"%d\" y=\"%d\">%s</text>\n",
				X0 + 100 + 110 * p, Y0 + h + 30, phase_colours[p],
				X0 + 114 + 110 * p, Y0 + h + 39, havz_drill_phase_name(p));
	havz_buf_printf(out, "</svg>\n");
}

/* Writes lost per drill, coloured by verdict; a zero is a small green mark. */
static void plot_rpo(struct havz_buf *out, const struct havz_drill_record *recs, size_t n)
{
	const size_t from = first_shown(n);
	const int h = 160;
	uint64_t top = 1;
	double step = n > from ? (double)W / (double)(n - from) : W;

	for (size_t i = from; i < n; i++)
		if (recs[i].lost > top)
			top = recs[i].lost;
	havz_buf_printf(out,
			"<h2>RPO and verdicts</h2>\n<svg id=\"plot-rpo\" width=\"%d\" "
			"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>Acknowledged "
			"writes lost, by verdict</title>\n",
			SVG_W, h + 60, SVG_W, h + 60);
	havz_buf_printf(out,
			"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%llu</text>"
			"<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>\n",
			X0, Y0 + h, X0 + W, Y0 + h, X0 - 4, Y0 + 4, (unsigned long long)top, X0 - 4,
			Y0 + h);
	for (size_t i = from; i < n; i++) {
		enum havz_drill_verdict v = havz_drill_verdict(&recs[i]);
		const char *fill = v == HAVZ_VERDICT_PASS	? "#2da44e"
				   : v == HAVZ_VERDICT_REPORTED ? "#d4a72c"
								: "#cf222e";
		double bh = recs[i].lost ? (double)h * (double)recs[i].lost / (double)top : 3;
		double x = X0 + step * (double)(i - from) + step * 0.15;

		havz_buf_printf(out,
				"<rect class=\"rpo %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"%s\"><title>%s %s: %llu of %llu lost, "
				"%s</title></rect>\n",
				havz_drill_verdict_name(v), x, Y0 + h - bh, step * 0.7, bh, fill,
				havz_drill_kind_name(recs[i].kind), recs[i].id,
				(unsigned long long)recs[i].lost, (unsigned long long)recs[i].acked,
				havz_drill_verdict_name(v));
	}
	havz_buf_printf(out,
			"<text x=\"%d\" y=\"%d\">green: pass, amber: not recovered but reported, "
			"red: an invariant broke</text>\n</svg>\n",
			X0, Y0 + h + 30);
}

static void drill_table(struct havz_buf *out, const struct havz_drill_record *recs, size_t n)
{
	havz_buf_printf(out, "<h2>Every drill</h2>\n<table id=\"drills\"><tr><th class=l>started"
			     "</th><th class=l>kind</th><th class=l>stack</th><th class=l>target"
			     "</th><th class=l>verdict</th><th>RTO</th><th>lost / acked</th>"
			     "<th>most Primaries</th><th>most running</th><th class=l>notes</th>"
			     "</tr>\n");
	for (size_t i = n; i-- > 0;) {
		const struct havz_drill_record *r = &recs[i];
		struct havz_drill_violation v[4];
		struct havz_drill_check c;
		size_t nv = havz_drill_check(r, &c, v, 4);
		enum havz_drill_verdict verdict = havz_drill_verdict(r);
		char when[40], rto[32];

		utc(r->started, when, sizeof(when));
		seconds(rto, sizeof(rto), r->rto_ms);
		havz_buf_printf(out, "<tr><td class=l>%s</td><td class=l>%s</td><td class=l>", when,
				havz_drill_kind_name(r->kind));
		havz_buf_put_markup(out, r->stack);
		havz_buf_printf(out, "</td><td class=l>");
		havz_buf_put_markup(out, r->target);
		havz_buf_printf(out,
				"</td><td class=\"l %s\">%s</td><td>%s</td><td>%llu / %llu</td>"
				"<td>%u</td><td>%u</td><td class=l>",
				havz_drill_verdict_name(verdict), havz_drill_verdict_name(verdict),
				rto, (unsigned long long)r->lost, (unsigned long long)r->acked,
				c.max_primaries, c.max_running);
		for (size_t k = 0; k < nv && k < 4; k++) {
			if (v[k].t_ms >= 0)
				havz_buf_printf(out, "t=%.1f s: ", (double)v[k].t_ms / 1000.0);
			havz_buf_put_markup(out, v[k].what);
			havz_buf_printf(out, "; ");
		}
		if (nv > 4)
			havz_buf_printf(out, "and %zu more; ", nv - 4);
		havz_buf_put_markup(out, r->reason);
		havz_buf_printf(out, "</td></tr>\n");
	}
	havz_buf_printf(out, "</table>\n");
}

int havz_drill_report_html(struct havz_drill_record *recs, size_t n, long long generated,
			   struct havz_buf *out)
{
	char when[40];
	size_t fails = 0;

	havz_drill_sort(recs, n);
	for (size_t i = 0; i < n; i++)
		fails += havz_drill_verdict(&recs[i]) == HAVZ_VERDICT_FAIL;
	utc(generated, when, sizeof(when));
	havz_buf_printf(out,
			"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
			"<title>ha-vz drill report</title><style>%s</style></head><body>\n"
			"<h1>ha-vz drill report</h1>\n<p>%zu drills, %zu with a broken invariant. "
			"Generated %s. RTO: from the fault to the first acknowledged write on the "
			"survivor. RPO: acknowledged writes lost. Invariants, checked on every "
			"sample: never two Primaries, never two running copies, no acknowledged "
			"write lost, every fault recovered or reported with its reason.</p>\n",
			CSS, n, fails, when);
	if (!n) {
		havz_buf_printf(out, "<p>No drills recorded yet: run <code>ha-vz drill KIND "
				     "--yes</code>.</p>\n</body></html>\n");
		return out->err;
	}
	summary_table(out, recs, n);
	plot_rto(out, recs, n);
	plot_phases(out, recs, n);
	plot_rpo(out, recs, n);
	drill_table(out, recs, n);
	havz_buf_printf(out, "</body></html>\n");
	return out->err;
}
