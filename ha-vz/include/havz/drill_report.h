/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ha-vz drill report`: one self-contained HTML page (inline CSS and SVG,
 * nothing fetched) from the drill records: the table by kind and stack,
 * RTO per kind over time, the recovery phases as stacked bars, RPO and
 * verdicts, and every drill with its violations.
 */
#ifndef HAVZ_DRILL_REPORT_H
#define HAVZ_DRILL_REPORT_H

#include <stddef.h>

#include "havz/buf.h"
#include "havz/drill.h"

/* The most drills the per-drill plots show (the newest); the table counts them all. */
#define HAVZ_REPORT_PLOT_MAX 60

/*
 * Renders the page for recs[0..n) (any order; sorted by start time here).
 * generated: the Unix time printed as the report's date.
 */
int havz_drill_report_html(struct havz_drill_record *recs, size_t n, long long generated,
			   struct havz_buf *out);

#endif
