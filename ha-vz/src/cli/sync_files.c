// SPDX-License-Identifier: GPL-2.0-only
/* ha-vz sync: records of the last sync, staging names and the checks both sides share. */
#include "cli/sync_files.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/pidlock.h"
#include "havz/files.h"
#include "havz/sync.h"

int sync_record_read(const char *path, char *hex, bool *present)
{
	struct havz_buf b = { 0 };
	int rc = havz_file_read(path, 128, &b);

	*present = false;
	if (rc == -ENOENT)
		return 0;
	if (rc == -EFBIG || (!rc && havz_sync_record_parse(b.data, b.len, hex))) {
		qb_log(LOG_ERR,
		       "sync: %s: not a sync record (one line of %d lowercase hex digits "
		       "expected); "
		       "remove it to sync as for the first time",
		       path, HAVZ_SHA256_HEX);
		rc = -EINVAL;
	} else if (rc) {
		qb_log(LOG_ERR, "sync: %s: %s", path, strerror(-rc));
	} else {
		*present = true;
	}
	havz_buf_free(&b);
	return rc;
}

int sync_record_write(const char *path, const char *hex)
{
	char line[HAVZ_SHA256_HEX + 2];
	int rc = havz_sync_record_format(hex, line, sizeof(line));

	if (!rc)
		rc = havz_file_write_atomic(path, line, strlen(line), 0600);
	if (rc)
		qb_log(LOG_ERR, "sync: cannot write the record %s: %s", path, strerror(-rc));
	return rc;
}

int sync_staged_path(const char *target, char *out, size_t size)
{
	const char *slash = strrchr(target, '/');
	int n;

	if (!slash || !slash[1])
		return -EINVAL;
	n = snprintf(out, size, "%.*s/.%s.sync", (int)(slash - target), target, slash + 1);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool sync_path_plain(const char *path)
{
	if (path[0] != '/')
		return false;
	for (const char *p = path; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("/._-", *p)))
			return false;
	return true;
}

int sync_check_secret(const char *who, const char *path)
{
	struct stat st;
	int rc;

	if (lstat(path, &st)) {
		rc = -errno;
		qb_log(LOG_ERR, "%s: %s: %s", who, path, strerror(-rc));
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		qb_log(LOG_ERR, "%s: %s is not a regular file", who, path);
		return -EINVAL;
	}
	if (st.st_uid != 0) {
		qb_log(LOG_ERR, "%s: %s is owned by uid %u, not root", who, path,
		       (unsigned)st.st_uid);
		return -EPERM;
	}
	if ((st.st_mode & 07777) != 0600) {
		qb_log(LOG_ERR,
		       "%s: %s has mode %04o; the cluster key must be mode 600 (chmod 600)", who,
		       path, (unsigned)(st.st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

int sync_lock_take(void)
{
	pid_t holder;
	int fd = havz_pidlock_take(SYNC_LOCK, &holder);

	if (fd == -EBUSY)
		qb_log(LOG_ERR,
		       "sync: refused: another ha-vz sync runs on this node (pid %d, lock %s); "
		       "run it again when that one has ended",
		       (int)holder, SYNC_LOCK);
	else if (fd < 0)
		qb_log(LOG_ERR, "sync: cannot take the lock %s: %s", SYNC_LOCK, strerror(-fd));
	return fd;
}
