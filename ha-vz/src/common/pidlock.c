// SPDX-License-Identifier: GPL-2.0-only
/* Lock files that name their holder: see pidlock.h. */
#include "common/pidlock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "havz/buf.h"
#include "havz/files.h"

pid_t havz_pidfile_read(const char *path)
{
	struct havz_buf b = { 0 };
	long v = 0;

	if (!havz_file_read(path, 64, &b) && b.data)
		v = strtol(b.data, NULL, 10);
	havz_buf_free(&b);
	return v > 0 && v <= INT_MAX ? (pid_t)v : 0;
}

int havz_pidlock_take(const char *path, pid_t *holder)
{
	char pid[32], dir[PATH_MAX];
	int fd, n;

	*holder = 0;
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	if (havz_mkdir_parents(dirname(dir), 0755))
		return -errno;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int err = errno;

		close(fd);
		*holder = havz_pidfile_read(path);
		return err == EWOULDBLOCK ? -EBUSY : -err;
	}
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n) {
		close(fd);
		return -EIO;
	}
	return fd;
}

bool havz_pidlock_busy(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool busy = false;

	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB))
		busy = errno == EWOULDBLOCK;
	else
		flock(fd, LOCK_UN);
	close(fd);
	return busy;
}
