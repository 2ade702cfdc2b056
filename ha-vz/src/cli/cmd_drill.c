// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz drill report|list|check: the drill records in /var/lib/ha-vz/drills
 * (one JSON file a drill, written by the drills), read strictly, checked
 * against the invariants, listed, and turned into one HTML page.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "common/log.h"
#include "havz/drill.h"
#include "havz/drill_report.h"
#include "havz/files.h"

#define DRILL_DIR_DEFAULT "/var/lib/ha-vz/drills"
#define DRILL_FILES_MAX 10000

void usage_drill(void)
{
	printf("Usage: ha-vz drill report [-d DIR] [-o FILE]\n"
	       "       ha-vz drill list [-d DIR] [--json]\n"
	       "       ha-vz drill check FILE...\n\n"
	       "The failover drills' records: one JSON file a drill in DIR (default %s).\n\n"
	       "  report   write one self-contained HTML page (tables and SVG plots: RTO per\n"
	       "           kind over time, recovery phases, RPO and verdicts) to FILE\n"
	       "           (default DIR/report.html) and print its path\n"
	       "  list     one line a drill, oldest first: start, kind, stack, target,\n"
	       "           verdict, RTO, writes lost of acknowledged, most Primaries and\n"
	       "           running copies seen in any sample\n"
	       "  check    read each record and check its invariants: never two Primaries,\n"
	       "           never two running copies, no acknowledged write lost, recovered\n"
	       "           or the reason reported\n\n"
	       "  -d, --dir DIR       the records' directory\n"
	       "  -o, --output FILE   the page (report)\n"
	       "  -j, --json          the list as one JSON array of the records' summaries\n"
	       "  -h, --help          this text\n\n"
	       "Exit status: 0 every record read and every invariant held; 1 a record\n"
	       "broke an invariant, or could not be read (named as FILE: line N: ...);\n"
	       "2 usage. See ha-vz(8), DRILLS.\n",
	       DRILL_DIR_DEFAULT);
}

/* Reads one record; a bad one is named with its file and line. */
static int read_record(const char *path, struct havz_drill_record *r)
{
	struct havz_buf text = { 0 };
	char why[256];
	int rc = havz_file_read(path, HAVZ_BUF_LIMIT, &text);

	if (rc) {
		fprintf(stderr, "ha-vz: %s: %s\n", path, strerror(-rc));
		havz_buf_free(&text);
		return rc;
	}
	rc = havz_drill_record_parse(text.data ? text.data : "", text.len, r, why, sizeof(why));
	if (rc)
		fprintf(stderr, "ha-vz: %s: %s\n", path, why);
	havz_buf_free(&text);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct records {
	struct havz_drill_record *r;
	size_t n;
	unsigned unreadable;
};

static void records_free(struct records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		havz_drill_record_free(&rs->r[i]);
	free(rs->r);
}

/* Every record (NAME.json) in dir, oldest first. A missing directory is no records, not an error.
 */
static int load_dir(const char *dir, struct records *rs)
{
	char **names = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	memset(rs, 0, sizeof(*rs));
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") || de->d_name[0] == '.')
			continue;
		if (n >= DRILL_FILES_MAX) {
			fprintf(stderr, "ha-vz: %s: more than %d records; reading the first\n", dir,
				DRILL_FILES_MAX);
			break;
		}
		char **grown = realloc(names, (n + 1) * sizeof(*names));

		if (!grown || asprintf(&grown[n], "%s/%s", dir, de->d_name) < 0) {
			names = grown ? grown : names;
			rc = -ENOMEM;
			break;
		}
		names = grown;
		n++;
	}
	closedir(d);
	if (!rc && n) {
		qsort(names, n, sizeof(*names), by_name);
		rs->r = calloc(n, sizeof(*rs->r));
		if (!rs->r)
			rc = -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (!rc && read_record(names[i], &rs->r[rs->n]) == 0)
			rs->n++;
		else if (!rc)
			rs->unreadable++;
		free(names[i]);
	}
	free(names);
	havz_drill_sort(rs->r, rs->n);
	return rc;
}

static int cmd_drill_check(int argc, char **argv)
{
	unsigned bad = 0;

	if (argc < 2) {
		fprintf(stderr, "ha-vz: drill check: name at least one record file\n");
		return HAVZ_EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		struct havz_drill_violation v[16];
		struct havz_drill_record r;
		struct havz_drill_check c;
		size_t nv;

		if (read_record(argv[i], &r)) {
			bad++;
			continue;
		}
		nv = havz_drill_check(&r, &c, v, 16);
		printf("%s: %s %s on %s: %s (most Primaries %u, most running %u, %llu of %llu "
		       "lost)\n",
		       argv[i], havz_drill_kind_name(r.kind), r.stack, r.target,
		       havz_drill_verdict_name(havz_drill_verdict(&r)), c.max_primaries,
		       c.max_running, (unsigned long long)r.lost, (unsigned long long)r.acked);
		for (size_t k = 0; k < nv && k < 16; k++) {
			if (v[k].t_ms >= 0)
				printf("  t=%.1f s: %s\n", (double)v[k].t_ms / 1000.0, v[k].what);
			else
				printf("  %s\n", v[k].what);
		}
		if (nv > 16)
			printf("  and %zu more\n", nv - 16);
		bad += nv > 0;
		havz_drill_record_free(&r);
	}
	return bad ? HAVZ_EXIT_FAIL : HAVZ_EXIT_OK;
}

static void list_text(const struct records *rs)
{
	printf("%-20s %-18s %-9s %-8s %-8s %8s %11s %3s %3s\n", "STARTED (UTC)", "KIND", "STACK",
	       "TARGET", "VERDICT", "RTO", "LOST/ACKED", "P", "RUN");
	for (size_t i = 0; i < rs->n; i++) {
		const struct havz_drill_record *r = &rs->r[i];
		struct havz_drill_check c;
		char when[24] = "?", rto[16] = "-", lost[32];
		time_t t = (time_t)r->started;
		struct tm tm;

		havz_drill_check(r, &c, NULL, 0);
		if (gmtime_r(&t, &tm))
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
		if (r->rto_ms >= 0)
			snprintf(rto, sizeof(rto), "%.1fs", (double)r->rto_ms / 1000.0);
		snprintf(lost, sizeof(lost), "%llu/%llu", (unsigned long long)r->lost,
			 (unsigned long long)r->acked);
		printf("%-20s %-18s %-9s %-8s %-8s %8s %11s %3u %3u\n", when,
		       havz_drill_kind_name(r->kind), r->stack, r->target,
		       havz_drill_verdict_name(havz_drill_verdict(r)), rto, lost, c.max_primaries,
		       c.max_running);
	}
}

static void list_json(const struct records *rs)
{
	printf("[");
	for (size_t i = 0; i < rs->n; i++) {
		const struct havz_drill_record *r = &rs->r[i];
		struct havz_drill_check c;

		havz_drill_check(r, &c, NULL, 0);
		/* Names and kinds are checked words: no escaping needed. */
		printf("%s\n  {\"id\": \"%s\", \"kind\": \"%s\", \"stack\": \"%s\", \"target\": "
		       "\"%s\", \"started\": %lld, \"verdict\": \"%s\", \"rto_ms\": ",
		       i ? "," : "", r->id, havz_drill_kind_name(r->kind), r->stack, r->target,
		       (long long)r->started, havz_drill_verdict_name(havz_drill_verdict(r)));
		if (r->rto_ms >= 0)
			printf("%lld", (long long)r->rto_ms);
		else
			printf("null");
		printf(", \"lost\": %llu, \"acked\": %llu, \"max_primaries\": %u, "
		       "\"max_running\": %u, \"violations\": %zu}",
		       (unsigned long long)r->lost, (unsigned long long)r->acked, c.max_primaries,
		       c.max_running, c.n_violations);
	}
	printf("%s]\n", rs->n ? "\n" : "");
}

static bool any_failed(const struct records *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		if (havz_drill_verdict(&rs->r[i]) == HAVZ_VERDICT_FAIL)
			return true;
	return false;
}

static int cmd_drill_report_or_list(int argc, char **argv, bool report)
{
	static const struct option opts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *dir = DRILL_DIR_DEFAULT, *output = NULL;
	bool json = false;
	struct records rs;
	char *path = NULL;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:o:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'o': output = optarg; break;
		case 'j': json = true; break;
		case 'h': usage_drill(); return HAVZ_EXIT_OK;
		default: return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc || (report && json) || (!report && output)) {
		fprintf(stderr, "ha-vz: drill %s: unexpected argument; see 'ha-vz drill --help'\n",
			report ? "report" : "list");
		return HAVZ_EXIT_USAGE;
	}
	rc = load_dir(dir, &rs);
	if (rc) {
		fprintf(stderr, "ha-vz: %s: %s\n", dir, strerror(-rc));
		return HAVZ_EXIT_FAIL;
	}
	if (!report) {
		if (json)
			list_json(&rs);
		else
			list_text(&rs);
	} else {
		struct havz_buf page = { 0 };

		if (!output && asprintf(&path, "%s/report.html", dir) < 0)
			path = NULL;
		rc = havz_drill_report_html(rs.r, rs.n, (long long)time(NULL), &page);
		if (!rc && !output && !path)
			rc = -ENOMEM;
		if (!rc)
			rc = havz_file_write_atomic(output ? output : path, page.data, page.len,
						    0644);
		if (rc)
			fprintf(stderr, "ha-vz: drill report: %s: %s\n", output ? output : path,
				strerror(-rc));
		else
			printf("%s\n", output ? output : path);
		havz_buf_free(&page);
	}
	if (rs.unreadable)
		fprintf(stderr, "ha-vz: %u record(s) in %s could not be read (named above)\n",
			rs.unreadable, dir);
	c = rc || rs.unreadable || any_failed(&rs) ? HAVZ_EXIT_FAIL : HAVZ_EXIT_OK;
	free(path);
	records_free(&rs);
	return c;
}

int cmd_drill(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage_drill();
		return argc < 2 ? HAVZ_EXIT_USAGE : HAVZ_EXIT_OK;
	}
	if (!strcmp(argv[1], "report"))
		return cmd_drill_report_or_list(argc - 1, argv + 1, true);
	if (!strcmp(argv[1], "list"))
		return cmd_drill_report_or_list(argc - 1, argv + 1, false);
	if (!strcmp(argv[1], "check"))
		return cmd_drill_check(argc - 1, argv + 1);
	if (havz_drill_kind_parse(argv[1]) >= 0) {
		fprintf(stderr,
			"ha-vz: drill %s: injecting faults is not built yet; this "
			"release reads drill records (report, list, check)\n",
			argv[1]);
		return HAVZ_EXIT_FAIL;
	}
	fprintf(stderr,
		"ha-vz: drill: unknown subcommand or drill kind '%s'; see 'ha-vz drill "
		"--help'\n",
		argv[1]);
	return HAVZ_EXIT_USAGE;
}
