// SPDX-License-Identifier: GPL-2.0-only
/* The fence state file and lock: see fencestate.h. */
#include "common/fencestate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"
#include "common/swstate.h"
#include "havz/files.h"

#define STATE_PATH HAVZ_RUN_DIR "/fence-state"
#define LOCK_PATH HAVZ_RUN_DIR "/fence.lock"

void havz_fencestate_write(const char *state, const char *peer, const char *res, const char *why)
{
	char line[HAVZ_FENCE_STATE_MAX];
	int n = snprintf(line, sizeof(line), "%s %lld %s %s\t%s\n", state, (long long)time(NULL),
			 peer, res, why);

	if (n < 0 || (size_t)n >= sizeof(line)) {
		n = (int)sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	qb_log(strcmp(state, "fenced") ? LOG_WARNING : LOG_NOTICE, "fence-peer: %s: %s %s: %s", res,
	       state, peer, why);
	if (havz_mkdir_parents(HAVZ_RUN_DIR, 0755) ||
	    havz_file_write_atomic(STATE_PATH, line, (size_t)n, 0644))
		qb_log(LOG_ERR, "fence-peer: cannot write %s: %s", STATE_PATH, strerror(errno));
}

int havz_fencestate_read(char *out, size_t size)
{
	struct havz_buf b = { 0 };
	int rc = havz_file_read(STATE_PATH, HAVZ_FENCE_STATE_MAX, &b);

	out[0] = '\0';
	if (rc == -ENOENT)
		return 0;
	if (rc)
		return rc;
	snprintf(out, size, "%.*s", (int)strcspn(b.data, "\n"), b.data);
	havz_buf_free(&b);
	return 0;
}

int havz_fence_lock(void)
{
	int fd;

	if (havz_mkdir_parents(HAVZ_RUN_DIR, 0755))
		return -errno;
	fd = open(LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			int err = errno;

			close(fd);
			return -err;
		}
	}
	return fd;
}
