// SPDX-License-Identifier: GPL-2.0-only
/* Local switchover state: see swstate.h. */
#include "common/swstate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/pidlock.h"
#include "havz/files.h"
#include "havz/switchover.h"

#define LOCK_PATH HAVZ_RUN_DIR "/switchover.lock"

int64_t havz_realtime_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int havz_swlock_take(int *holder)
{
	pid_t pid;
	int rc = havz_pidlock_take(LOCK_PATH, &pid);

	*holder = (int)pid;
	return rc;
}

bool havz_swlock_busy(void)
{
	return havz_pidlock_busy(LOCK_PATH);
}

static void agent_path(const char *name, char *out, size_t size)
{
	snprintf(out, size, HAVZ_RUN_DIR "/agent.%s", name);
}

void havz_agent_busy_set(const char *name, bool on)
{
	char path[PATH_MAX], pid[32];

	agent_path(name, path, sizeof(path));
	if (!on) {
		unlink(path);
		return;
	}
	if (havz_mkdir_parents(HAVZ_RUN_DIR, 0755))
		return;
	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	havz_file_write_atomic(path, pid, strlen(pid), 0644);
}

bool havz_agent_busy(const char *name)
{
	char path[PATH_MAX];
	pid_t pid;

	agent_path(name, path, sizeof(path));
	pid = havz_pidfile_read(path);
	return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

static void report_path(const struct havz_container *ct, char *out, size_t size)
{
	snprintf(out, size, "%s" HAVZ_REPORT_REL, ct->mount);
}

void havz_report_note(const struct havz_container *ct, const char *key, const char *fmt, ...)
{
	struct havz_buf b = { 0 };
	char path[PATH_MAX], value[400], dir[PATH_MAX];
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	/* A result longer than the report holds is cut here, where it is written: the parser
	 * refuses what does not fit. */
	value[HAVZ_REPORT_TEXT_MAX] = '\0';
	for (char *p = value; *p; p++)
		if (*p == '\n')
			*p = ' ';
	snprintf(dir, sizeof(dir), "%s/.ha-vz", ct->mount);
	if (access(dir, F_OK))
		return;
	report_path(ct, path, sizeof(path));
	if (havz_report_add(&b, key, value) == 0) {
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0) {
			if (write(fd, b.data, b.len) != (ssize_t)b.len)
				unlink(path); /* a torn report is worse than none */
			fsync(fd);
			close(fd);
		}
	}
	havz_buf_free(&b);
}

int havz_report_begin(const struct havz_container *ct, const struct havz_buf *text)
{
	char path[PATH_MAX];

	report_path(ct, path, sizeof(path));
	return havz_file_write_atomic(path, text->data ? text->data : "", text->len, 0644);
}

int havz_report_read(const struct havz_container *ct, size_t limit, struct havz_buf *out)
{
	char path[PATH_MAX];

	report_path(ct, path, sizeof(path));
	return havz_file_read(path, limit, out);
}

int havz_report_load(const struct havz_container *ct, struct havz_report *r, char *why,
		     size_t why_size)
{
	struct havz_buf b = { 0 };
	char path[PATH_MAX];
	int rc;

	memset(r, 0, sizeof(*r));
	report_path(ct, path, sizeof(path));
	rc = havz_file_read(path, HAVZ_REPORT_MAX, &b);
	if (rc == 0)
		rc = havz_report_parse(b.data ? b.data : "", path, r, why, why_size);
	havz_buf_free(&b);
	return rc;
}
