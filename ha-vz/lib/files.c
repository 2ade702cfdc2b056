// SPDX-License-Identifier: GPL-2.0-only
#include "havz/files.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int havz_file_read(const char *path, size_t limit, struct havz_buf *out)
{
	char chunk[4096];
	struct stat st;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	int rc = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		rc = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		rc = -EINVAL;
	} else if ((size_t)st.st_size > limit) {
		rc = -EFBIG;
	}
	while (!rc && (got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
		} else if (out->len + (size_t)got > limit) {
			rc = -EFBIG;
		} else {
			rc = havz_buf_append(out, chunk, (size_t)got);
		}
	}
	memset(chunk, 0, sizeof(chunk));
	close(fd);
	if (!rc && !out->data)
		rc = havz_buf_append(out, "", 0); /* an empty file is "" rather than NULL */
	return rc;
}

int havz_mkdir_parents(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

int havz_file_write_atomic(const char *path, const char *data, size_t len, mode_t mode)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc = 0;
	size_t done = 0;

	if (!slash || (size_t)(slash - path) >= sizeof(dir))
		return -EINVAL;
	memcpy(dir, path, (size_t)(slash - path));
	dir[slash - path] = '\0';
	if (dir[0] && (rc = havz_mkdir_parents(dir, 0755)))
		return rc;
	if (snprintf(tmp, sizeof(tmp), "%s.havz-tmp.%ld", path, (long)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	unlink(tmp);
	/* O_EXCL + explicit fchmod: the file is never, even briefly, wider than mode. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode & 0600);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode))
		rc = -errno;
	while (!rc && done < len) {
		ssize_t put = write(fd, data + done, len - done);

		if (put < 0 && errno == EINTR)
			continue;
		if (put < 0)
			rc = -errno;
		else
			done += (size_t)put;
	}
	if (!rc && fsync(fd))
		rc = -errno;
	if (close(fd) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}
