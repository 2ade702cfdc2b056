// SPDX-License-Identifier: GPL-2.0-only
/* ha-vz check-config and ha-vz render. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/log.h"
#include "havz/config.h"
#include "havz/diff.h"
#include "havz/files.h"
#include "havz/render.h"
#include "havz/render_pacemaker.h"

#define RENDERED_MAX (HAVZ_CONTAINERS_MAX + 8)

static void log_diag(void *ctx, const char *message)
{
	(void)ctx;
	qb_log(LOG_ERR, "%s", message);
}

int cli_load_config(const char *path, struct havz_config *cfg)
{
	return havz_config_load(path, cfg, log_diag, NULL);
}

void usage_check_config(void)
{
	printf("Usage: ha-vz check-config [-c FILE]\n\n"
	       "Parses and validates the configuration. Every error is printed as\n"
	       "FILE:LINE: KEY: MESSAGE; on success prints \"configuration OK\".\n\n"
	       "  -c, --config FILE   configuration file (default %s)\n"
	       "  -h, --help          this text\n\n"
	       "Exit status: 0 valid, 2 usage error, 3 the configuration has errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

static const struct option config_only_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int cmd_check_config(int argc, char **argv)
{
	const char *path = HAVZ_DEFAULT_CONFIG;
	struct havz_config cfg;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", config_only_opts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'h': usage_check_config(); return HAVZ_EXIT_OK;
		default: usage_check_config(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		qb_log(LOG_ERR, "check-config: unexpected argument '%s'", argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(path, &cfg))
		return HAVZ_EXIT_CONFIG;
	havz_config_free(&cfg);
	printf("configuration OK\n");
	return HAVZ_EXIT_OK;
}

struct rendered {
	char rel[HAVZ_PATH_MAX + 32]; /* path below the root, without leading '/' */
	struct havz_buf text;
	mode_t mode;
	bool secret;
};

struct render_set {
	struct rendered files[RENDERED_MAX];
	size_t n;
};

static struct rendered *add_file(struct render_set *set, const char *rel, mode_t mode, bool secret)
{
	struct rendered *r = &set->files[set->n++];

	memset(r, 0, sizeof(*r));
	snprintf(r->rel, sizeof(r->rel), "%s", rel);
	r->mode = mode;
	r->secret = secret;
	return r;
}

static void free_set(struct render_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		havz_buf_wipe_free(&set->files[i].text);
}

static int render_heartbeat(const struct havz_config *cfg, const char *key, struct render_set *set)
{
	int rc = havz_render_ha_cf(cfg, &add_file(set, "etc/ha.d/ha.cf", 0644, false)->text);

	if (!rc)
		rc = havz_render_haresources(
			cfg, &add_file(set, "etc/ha.d/haresources", 0644, false)->text);
	if (!rc)
		rc = havz_render_authkeys(cfg, key,
					  &add_file(set, "etc/ha.d/authkeys", 0600, true)->text);
	return rc;
}

/* corosync.conf, its key (derived from the cluster key) and the CIB to load. */
static int render_pacemaker(const struct havz_config *cfg, const char *key, struct render_set *set)
{
	int rc = havz_render_corosync_conf(
		cfg, &add_file(set, "etc/corosync/corosync.conf", 0644, false)->text);

	if (!rc)
		rc = havz_render_corosync_authkey(
			key, &add_file(set, "etc/corosync/authkey", 0400, true)->text);
	if (!rc)
		rc = havz_render_cib(cfg, &add_file(set, "etc/ha-vz/cib.xml", 0640, false)->text);
	return rc;
}

static int render_all(const struct havz_config *cfg, struct render_set *set)
{
	struct havz_buf key = { 0 };
	char rel[HAVZ_PATH_MAX + 32];
	int rc;

	rc = havz_render_drbd_global(
		cfg, &add_file(set, "etc/drbd.d/global_common.conf", 0644, false)->text);
	for (size_t i = 0; !rc && i < cfg->n_containers; i++) {
		snprintf(rel, sizeof(rel), "etc/drbd.d/ct-%s.res", cfg->containers[i].name);
		rc = havz_render_drbd_resource(cfg, &cfg->containers[i],
					       &add_file(set, rel, 0644, false)->text);
	}
	if (!rc) {
		rc = havz_auth_key_read(cfg->auth_key_file, &key);
		if (rc)
			qb_log(LOG_ERR, "render: %s: cannot use the auth key: %s",
			       cfg->auth_key_file, strerror(-rc));
	}
	if (!rc)
		rc = cfg->stack == HAVZ_STACK_PACEMAKER ? render_pacemaker(cfg, key.data, set)
							: render_heartbeat(cfg, key.data, set);
	havz_buf_wipe_free(&key);
	return rc;
}

static void join(char *out, size_t size, const char *root, const char *rel)
{
	size_t n = strlen(root);

	while (n > 1 && root[n - 1] == '/')
		n--;
	if (n == 1 && root[0] == '/')
		n = 0;
	snprintf(out, size, "%.*s/%s", (int)n, root, rel);
}

struct render_counts {
	unsigned written, unchanged, removed;
};

/* Compares one rendered file with what is on disk, then shows or writes the change. */
static int apply_one(const struct rendered *r, const char *root, bool dry_run,
		     struct render_counts *counts)
{
	char path[PATH_MAX], label[PATH_MAX + 16];
	struct havz_buf old = { 0 }, diff = { 0 };
	struct stat st;
	bool mode_differs = false;
	int rc;

	join(path, sizeof(path), root, r->rel);
	rc = havz_file_read(path, HAVZ_BUF_LIMIT - 1, &old);
	if (rc && rc != -ENOENT) {
		qb_log(LOG_ERR, "render: %s: %s", path, strerror(-rc));
		return rc;
	}
	if (!rc && !stat(path, &st))
		mode_differs = (st.st_mode & 07777) != r->mode;
	if (!rc && !mode_differs && !strcmp(old.data, r->text.data)) {
		counts->unchanged++;
		havz_buf_wipe_free(&old);
		return 0;
	}
	if (dry_run) {
		if (r->secret) {
			printf("%s: would be %s (contents not shown: secret)\n", path,
			       rc == -ENOENT ? "created" : "changed");
		} else {
			snprintf(label, sizeof(label), "%s (rendered)", path);
			havz_diff(rc == -ENOENT ? "/dev/null" : path, rc == -ENOENT ? "" : old.data,
				  label, r->text.data, &diff);
			if (diff.len)
				fputs(diff.data, stdout);
		}
		if (mode_differs)
			printf("%s: mode would change from %04o to %04o\n", path,
			       (unsigned)(st.st_mode & 07777), (unsigned)r->mode);
		counts->written++;
		havz_buf_free(&diff);
		havz_buf_wipe_free(&old);
		return 0;
	}
	havz_buf_wipe_free(&old);
	rc = havz_file_write_atomic(path, r->text.data, r->text.len, r->mode);
	if (rc) {
		qb_log(LOG_ERR, "render: cannot write %s: %s", path, strerror(-rc));
		return rc;
	}
	qb_log(LOG_NOTICE, "render: wrote %s", path);
	counts->written++;
	return 0;
}

/* ct-*.res files that an earlier render wrote for containers no longer configured. */
static int remove_stale(const struct render_set *set, const char *root, bool dry_run,
			struct render_counts *counts)
{
	char dir[PATH_MAX], path[PATH_MAX], rel[HAVZ_PATH_MAX + 32];
	struct dirent *de;
	DIR *d;
	int rc = 0;

	join(dir, sizeof(dir), root, "etc/drbd.d");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		struct havz_buf text = { 0 };
		bool known = false;

		if (strncmp(de->d_name, "ct-", 3) || n < 8 || strcmp(de->d_name + n - 4, ".res"))
			continue;
		snprintf(rel, sizeof(rel), "etc/drbd.d/%s", de->d_name);
		for (size_t i = 0; i < set->n; i++)
			known |= !strcmp(set->files[i].rel, rel);
		if (known)
			continue;
		join(path, sizeof(path), root, rel);
		if (havz_file_read(path, HAVZ_BUF_LIMIT - 1, &text) ||
		    !strstr(text.data, HAVZ_RENDER_MARK)) {
			havz_buf_free(&text);
			continue; /* not ours: an admin's own resource file stays */
		}
		havz_buf_free(&text);
		if (dry_run) {
			printf("%s: would be removed (its container is no longer configured)\n",
			       path);
		} else if (unlink(path)) {
			rc = -errno;
			qb_log(LOG_ERR, "render: cannot remove %s: %s", path, strerror(errno));
			continue;
		} else {
			qb_log(LOG_NOTICE, "render: removed %s (container no longer configured)",
			       path);
		}
		counts->removed++;
	}
	closedir(d);
	return rc;
}

void usage_render(void)
{
	printf("Usage: ha-vz render [-c FILE] [--root DIR] [--dry-run]\n\n"
	       "Writes DRBD's global_common.conf and one ct-NAME.res per container to\n"
	       "ROOT/etc/drbd.d/, and heartbeat's ha.cf, haresources and authkeys (mode\n"
	       "600) to ROOT/etc/ha.d/; with stack = pacemaker corosync.conf and its\n"
	       "authkey to ROOT/etc/corosync/ and the CIB to ROOT/etc/ha-vz/cib.xml (ha-vz\n"
	       "cib diff|apply compares it with the running cluster's and loads it).\n"
	       "Files already up to date are left alone; a\n"
	       "ct-NAME.res written by an earlier render for a container that is gone is\n"
	       "removed.\n\n"
	       "  -c, --config FILE   configuration file (default %s)\n"
	       "  -r, --root DIR      write below DIR instead of / \n"
	       "  -n, --dry-run       show what would change as a unified diff; write nothing\n"
	       "  -h, --help          this text\n\n"
	       "Exit status: 0 done, 1 a file could not be written, 2 usage error,\n"
	       "3 the configuration has errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

int cmd_render(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = HAVZ_DEFAULT_CONFIG, *root = "/";
	bool dry_run = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:r:nh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'r': root = optarg; break;
		case 'n': dry_run = true; break;
		case 'h': usage_render(); return HAVZ_EXIT_OK;
		default: usage_render(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		qb_log(LOG_ERR, "render: unexpected argument '%s'", argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	if (root[0] != '/') {
		qb_log(LOG_ERR, "render: --root %s: must be an absolute path", root);
		return HAVZ_EXIT_USAGE;
	}
	return cli_render(path, root, dry_run);
}

int cli_render(const char *path, const char *root, bool dry_run)
{
	struct render_counts counts = { 0 };
	struct render_set *set;
	struct havz_config cfg;
	int rc;

	if (cli_load_config(path, &cfg))
		return HAVZ_EXIT_CONFIG;
	set = calloc(1, sizeof(*set));
	if (!set) {
		havz_config_free(&cfg);
		return HAVZ_EXIT_FAIL;
	}
	/* Everything is rendered in memory first: a render error writes nothing at all. */
	rc = render_all(&cfg, set);
	for (size_t i = 0; !rc && i < set->n; i++)
		rc = apply_one(&set->files[i], root, dry_run, &counts);
	if (!rc)
		rc = remove_stale(set, root, dry_run, &counts);
	if (!rc)
		printf("%s: %u %s, %u unchanged, %u %s\n", dry_run ? "render --dry-run" : "render",
		       counts.written, dry_run ? "would change" : "written", counts.unchanged,
		       counts.removed, dry_run ? "would be removed" : "removed");
	free_set(set);
	free(set);
	havz_config_free(&cfg);
	return rc ? HAVZ_EXIT_FAIL : HAVZ_EXIT_OK;
}
