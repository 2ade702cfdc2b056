/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A lock file under HAVZ_RUN_DIR held with flock(2) by one process at a time, which writes
 * its pid into it so that the one refused can name the holder. The kernel drops the lock
 * when the holder exits, however it exits: no stale lock after a crash.
 */
#ifndef HAVZ_PIDLOCK_H
#define HAVZ_PIDLOCK_H

#include <stdbool.h>
#include <sys/types.h>

/* Takes the lock at path without waiting: the fd to keep open while it is held, or
 * -EBUSY with *holder set to the holder's pid (0 when unknown), or another -errno. */
int havz_pidlock_take(const char *path, pid_t *holder);
/* Is the lock at path held now (by any process)? */
bool havz_pidlock_busy(const char *path);
/* The pid written in the file at path, 0 when none. */
pid_t havz_pidfile_read(const char *path);

#endif
