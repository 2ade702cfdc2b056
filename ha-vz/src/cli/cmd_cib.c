// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz cib diff|apply: the configuration rendered from ha-vz.conf (the CIB
 * of `ha-vz render`) against the live cluster's, through Pacemaker's own
 * tools: cibadmin reads and replaces it, crm_diff compares (semantically:
 * whitespace and attribute order do not count). What ha-vz applied last is
 * kept, so that a change made by hand since (pcs, crm, crm_resource --ban)
 * is named and never replaced without --force.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/log.h"
#include "common/run.h"
#include "common/swstate.h"
#include "havz/cib.h"
#include "havz/config.h"
#include "havz/files.h"
#include "havz/render_pacemaker.h"

#define CIB_APPLIED HAVZ_STATE_DIR "/cib-applied.xml"
#define CIB_LIMIT (4u << 20)
#define TOOL_TIMEOUT_MS 60000

void usage_cib(void)
{
	printf("Usage: ha-vz cib diff|apply [--force] [-c FILE]\n\n"
	       "Compares the cluster configuration rendered from ha-vz.conf (stack =\n"
	       "pacemaker) with the live CIB of the running cluster (cibadmin --query),\n"
	       "with Pacemaker's crm_diff.\n\n"
	       "  diff    show what apply would change, and what was changed by hand since\n"
	       "          ha-vz last applied it; change nothing\n"
	       "  apply   replace the live configuration with the rendered one (cibadmin\n"
	       "          --replace --scope configuration), keeping the cluster's own\n"
	       "          cib-bootstrap-options; nothing when it is up to date. Refused when\n"
	       "          the live configuration was changed since ha-vz last applied it, or\n"
	       "          holds resources ha-vz never applied: the changes are shown\n\n"
	       "  -f, --force         apply over those changes\n"
	       "  -c, --config FILE   configuration file (default %s)\n"
	       "  -h, --help          this text\n\n"
	       "What ha-vz applied last is kept in %s.\n"
	       "Exit status: 0 done (up to date, applied, or diff shown), 1 a tool failed,\n"
	       "2 usage error, 3 configuration errors, 5 refused (nothing applied).\n",
	       HAVZ_DEFAULT_CONFIG, CIB_APPLIED);
}

struct cib_work {
	char dir[64];			 /* private temporary directory */
	struct havz_buf rendered;	 /* our configuration element */
	struct havz_buf live, bootstrap; /* the live one without, and its bootstrap set */
};

static const char *applied_path(void)
{
	const char *p = getenv("HAVZ_CIB_APPLIED"); /* the cli tests' own state */

	return p && p[0] ? p : CIB_APPLIED;
}

static void tmp_path(const struct cib_work *w, const char *name, char *out, size_t size)
{
	snprintf(out, size, "%s/%s", w->dir, name);
}

/* Runs argv with its output into the file `name` of the work dir; its exit status, or -errno. */
static int run_to(const struct cib_work *w, const char *const argv[], const char *name)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res = malloc(sizeof(*res));
	char path[128], line[512];
	int rc;

	if (!res)
		return -ENOMEM;
	tmp_path(w, name, path, sizeof(path));
	unlink(path);
	ro.timeout_ms = TOOL_TIMEOUT_MS;
	ro.output_file = path;
	havz_run_format_argv(argv, line, sizeof(line));
	qb_log(LOG_DEBUG, "cib: running %s", line);
	rc = havz_run(argv, &ro, res);
	if (rc)
		qb_log(LOG_ERR, "cib: %s: %s", line,
		       rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
	else
		rc = res->status;
	free(res);
	return rc;
}

static int write_tmp(const struct cib_work *w, const char *name, const struct havz_buf *b)
{
	char path[128];

	tmp_path(w, name, path, sizeof(path));
	return havz_file_write_atomic(path, b->data ? b->data : "", b->len, 0600);
}

/* The first lines of the tool's output file `name`, as an error's detail. */
static void show_output(const struct cib_work *w, const char *name, const char *who)
{
	struct havz_buf b = { 0 };
	char path[128];

	tmp_path(w, name, path, sizeof(path));
	if (havz_file_read(path, 65536, &b) == 0 && b.data)
		qb_log(LOG_ERR, "cib: %s: %.400s", who, b.data);
	havz_buf_free(&b);
}

/* The live configuration, its bootstrap set apart. 0, or -errno logged. */
static int query_live(struct cib_work *w)
{
	const char *argv[] = { "cibadmin", "--query", "--scope", "configuration", NULL };
	struct havz_buf out = { 0 }, conf = { 0 };
	char path[128];
	int rc = run_to(w, argv, "live-query.xml");

	if (rc > 0) {
		show_output(w, "live-query.xml", "cibadmin --query (is the cluster running here?)");
		return -EIO;
	}
	if (rc)
		return rc;
	tmp_path(w, "live-query.xml", path, sizeof(path));
	rc = havz_file_read(path, CIB_LIMIT, &out);
	if (!rc)
		rc = havz_cib_configuration(out.data ? out.data : "", &conf);
	if (!rc)
		rc = havz_cib_split_bootstrap(conf.data, &w->live, &w->bootstrap);
	if (rc)
		qb_log(LOG_ERR, "cib: cibadmin --query gave no configuration element (%s)",
		       strerror(-rc));
	havz_buf_free(&out);
	havz_buf_free(&conf);
	return rc;
}

/*
 * crm_diff of the work files a and b: 0 the same, 1 they differ (the diff
 * printed under title unless title is NULL), -errno when crm_diff failed.
 */
static int compare(const struct cib_work *w, const char *a, const char *b, const char *title)
{
	char pa[128], pb[128];
	const char *argv[] = { "crm_diff", "--original", pa, "--new", pb, "--no-version", NULL };
	struct havz_buf out = { 0 };
	char path[128];
	int rc;

	tmp_path(w, a, pa, sizeof(pa));
	tmp_path(w, b, pb, sizeof(pb));
	rc = run_to(w, argv, "diff.xml");
	if (rc < 0)
		return rc;
	if (rc > 1) {
		show_output(w, "diff.xml", "crm_diff");
		return -EIO;
	}
	if (rc == 1 && title) {
		tmp_path(w, "diff.xml", path, sizeof(path));
		if (havz_file_read(path, CIB_LIMIT, &out) == 0 && out.data)
			printf("%s\n%s%s", title, out.data,
			       out.data[out.len ? out.len - 1 : 0] == '\n' ? "" : "\n");
		havz_buf_free(&out);
	}
	return rc;
}

/* What ha-vz applied last into the work file applied.xml: 1 there was one, 0 none, -errno. */
static int load_applied(const struct cib_work *w)
{
	struct havz_buf b = { 0 };
	int rc = havz_file_read(applied_path(), CIB_LIMIT, &b);

	if (rc == -ENOENT)
		return 0;
	if (!rc)
		rc = write_tmp(w, "applied.xml", &b);
	havz_buf_free(&b);
	if (rc)
		qb_log(LOG_ERR, "cib: %s: %s", applied_path(), strerror(-rc));
	return rc ? rc : 1;
}

/* Keeps the live configuration (without the bootstrap set) as what ha-vz applied. */
static int save_applied(const struct cib_work *w)
{
	int rc = havz_file_write_atomic(applied_path(), w->live.data ? w->live.data : "",
					w->live.len, 0644);

	if (rc)
		qb_log(LOG_ERR, "cib: cannot keep %s: %s", applied_path(), strerror(-rc));
	return rc;
}

static int replace_live(struct cib_work *w)
{
	struct havz_buf next = { 0 };
	char path[128];
	const char *argv[] = { "cibadmin",   "--replace", "--scope", "configuration",
			       "--xml-file", path,	  NULL };
	int rc = havz_cib_with_bootstrap(w->rendered.data,
					 w->bootstrap.data ? w->bootstrap.data : "", &next);

	if (!rc)
		rc = write_tmp(w, "next.xml", &next);
	havz_buf_free(&next);
	if (rc)
		return rc;
	tmp_path(w, "next.xml", path, sizeof(path));
	rc = run_to(w, argv, "replace.out");
	if (rc > 0) {
		show_output(w, "replace.out", "cibadmin --replace");
		return -EIO;
	}
	return rc;
}

/* diff (apply false) or apply; an exit code. */
static int cib_run(struct cib_work *w, bool apply, bool force)
{
	int same, had, hand = 0;

	if (query_live(w))
		return HAVZ_EXIT_FAIL;
	if (write_tmp(w, "live.xml", &w->live) || write_tmp(w, "rendered.xml", &w->rendered))
		return HAVZ_EXIT_FAIL;
	had = load_applied(w);
	if (had < 0)
		return HAVZ_EXIT_FAIL;
	same = compare(w, "live.xml", "rendered.xml", NULL);
	if (same < 0)
		return HAVZ_EXIT_FAIL;
	if (same == 0) {
		printf("cib: the live configuration is up to date with ha-vz.conf\n");
		return apply && save_applied(w) ? HAVZ_EXIT_FAIL : HAVZ_EXIT_OK;
	}
	if (had) {
		hand = compare(w, "applied.xml", "live.xml",
			       "cib: changed in the live configuration since ha-vz last applied it "
			       "(by hand?):");
		if (hand < 0)
			return HAVZ_EXIT_FAIL;
	} else if (havz_cib_has_resources(w->live.data ? w->live.data : "")) {
		printf("cib: the live configuration holds resources or constraints that ha-vz "
		       "never applied (no %s)\n",
		       applied_path());
		hand = 1;
	}
	if (compare(w, "live.xml", "rendered.xml",
		    apply ? "cib: applying:" : "cib: ha-vz cib apply would change:") < 0)
		return HAVZ_EXIT_FAIL;
	if (!apply)
		return HAVZ_EXIT_OK;
	if (hand && !force) {
		qb_log(LOG_ERR, "cib: refused: applying would replace the changes shown above; "
				"nothing applied (--force replaces them)");
		return HAVZ_EXIT_REFUSED;
	}
	if (replace_live(w) || query_live(w) || save_applied(w))
		return HAVZ_EXIT_FAIL;
	printf("cib: applied to the live configuration\n");
	return HAVZ_EXIT_OK;
}

int cmd_cib(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "force", no_argument, NULL, 'f' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = HAVZ_DEFAULT_CONFIG, *tmp = getenv("TMPDIR");
	struct cib_work w = { 0 };
	struct havz_config cfg;
	struct havz_buf cib = { 0 };
	bool force = false, apply;
	int opt, rc = HAVZ_EXIT_FAIL;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "fc:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': force = true; break;
		case 'c': path = optarg; break;
		case 'h': usage_cib(); return HAVZ_EXIT_OK;
		default: usage_cib(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "diff") && strcmp(argv[optind], "apply"))) {
		qb_log(LOG_ERR, "cib: give diff or apply");
		return HAVZ_EXIT_USAGE;
	}
	apply = !strcmp(argv[optind], "apply");
	if (force && !apply) {
		qb_log(LOG_ERR, "cib: --force goes with apply");
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(path, &cfg))
		return HAVZ_EXIT_CONFIG;
	if (cfg.stack != HAVZ_STACK_PACEMAKER) {
		qb_log(LOG_ERR, "cib: %s: stack is not pacemaker: there is no CIB to render", path);
		havz_config_free(&cfg);
		return HAVZ_EXIT_CONFIG;
	}
	if (havz_render_cib(&cfg, &cib) || havz_cib_configuration(cib.data, &w.rendered)) {
		qb_log(LOG_ERR, "cib: cannot render the CIB from %s", path);
		goto out;
	}
	snprintf(w.dir, sizeof(w.dir), "%.40s/ha-vz-cib.XXXXXX",
		 tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(w.dir)) {
		qb_log(LOG_ERR, "cib: cannot make a directory %s: %s", w.dir, strerror(errno));
		w.dir[0] = '\0';
		goto out;
	}
	rc = cib_run(&w, apply, force);
out:
	if (w.dir[0]) {
		static const char *const names[] = { "live-query.xml", "live.xml", "rendered.xml",
						     "applied.xml",    "next.xml", "diff.xml",
						     "replace.out",    NULL };
		char p[128];

		for (size_t i = 0; names[i]; i++) {
			tmp_path(&w, names[i], p, sizeof(p));
			unlink(p);
		}
		rmdir(w.dir);
	}
	havz_buf_free(&w.rendered);
	havz_buf_free(&w.live);
	havz_buf_free(&w.bootstrap);
	havz_buf_free(&cib);
	havz_config_free(&cfg);
	return rc;
}
