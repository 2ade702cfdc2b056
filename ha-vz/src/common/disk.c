// SPDX-License-Identifier: GPL-2.0-only
/* A container's backing device on this node (see common/disk.h). */
#include "common/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/run.h"
#include "havz/buf.h"
#include "havz/disk.h"

#define LVCREATE_TIMEOUT_MS 120000

static int disk_look(const char *path, struct havz_disk_seen *seen)
{
	struct stat st;
	uint64_t bytes = 0;
	int fd, rc = 0;

	memset(seen, 0, sizeof(*seen));
	if (stat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	seen->exists = true;
	seen->block = S_ISBLK(st.st_mode);
	if (!seen->block)
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, BLKGETSIZE64, &bytes))
		rc = -errno;
	close(fd);
	seen->bytes = bytes;
	return rc;
}

/* The first line of a command's output, for a reason. */
static void first_line(const char *text, char *out, size_t size)
{
	havz_why_set(out, size, "%.*s", (int)strcspn(text, "\n"), text);
}

int havz_ct_disk_ensure(const struct havz_config *cfg, const struct havz_container *ct,
			bool check_only, bool dry_run, char *why, size_t why_size)
{
	char disk_at[HAVZ_PATH_MAX + 16], size_at[HAVZ_PATH_MAX + 16], line[200];
	struct havz_disk_where where = { disk_at, size_at };
	struct havz_run_opts opts = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_disk_seen seen;
	struct havz_disk_plan *plan;
	struct havz_run_result *res;
	int rc;

	snprintf(disk_at, sizeof(disk_at), "%s:%d", cfg->file, ct->disk_at.line);
	snprintf(size_at, sizeof(size_at), "%s:%d", cfg->file, ct->size_at.line);
	rc = disk_look(ct->disk, &seen);
	if (rc) {
		havz_why_set(why, why_size, "%s: disk = %s: %s", disk_at, ct->disk, strerror(-rc));
		return rc;
	}
	plan = calloc(1, sizeof(*plan));
	res = calloc(1, sizeof(*res));
	if (!plan || !res) {
		rc = -ENOMEM;
		goto out;
	}
	rc = havz_disk_plan(ct->disk, ct->size, &where, &seen, plan, why, why_size);
	if (rc || !plan->create)
		goto out;
	if (check_only) {
		havz_why_set(why, why_size,
			     "%s: disk = %s: does not exist (ha-vz ct disk %s creates it)", disk_at,
			     ct->disk, ct->name);
		rc = -ENOENT;
		goto out;
	}
	qb_log(LOG_NOTICE,
	       "container %s: %s logical volume %s in volume group %s (%" PRIu64 " bytes)",
	       ct->name, dry_run ? "would create" : "creating", plan->lv, plan->vg, ct->size);
	opts.capture = true;
	opts.dry_run = dry_run;
	opts.timeout_ms = LVCREATE_TIMEOUT_MS;
	rc = havz_run(plan->argv, &opts, res);
	if (rc || res->status) {
		/* run.c's child exits 127, silently, when the program cannot be executed. */
		bool missing = !rc && res->status == 127 && !res->output_len;

		first_line(res->output, line, sizeof(line));
		havz_why_set(why, why_size, "%s: disk = %s: lvcreate %s%s%s", disk_at, ct->disk,
			     missing		    ? "cannot run (is lvm2 installed?)"
			     : rc || res->timed_out ? "did not finish"
						    : "failed",
			     line[0] && !missing ? ": " : "", missing ? "" : line);
		rc = rc ? rc : missing ? -ENOENT : -EIO;
		goto out;
	}
	if (dry_run)
		goto out;
	/* What lvcreate made must now pass the same check. */
	rc = disk_look(ct->disk, &seen);
	if (!rc)
		rc = havz_disk_plan(ct->disk, ct->size, &where, &seen, plan, why, why_size);
	if (!rc && plan->create) {
		havz_why_set(why, why_size, "%s: disk = %s: still absent after lvcreate", disk_at,
			     ct->disk);
		rc = -ENOENT;
	}
out:
	free(plan);
	free(res);
	return rc;
}
