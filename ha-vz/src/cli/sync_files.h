/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The files of ha-vz sync on a node: the records of the last sync, and the staging names the
 * sender copies to before the receiving node checks and installs them.
 */
#ifndef HAVZ_CLI_SYNC_FILES_H
#define HAVZ_CLI_SYNC_FILES_H

#include <stdbool.h>
#include <stddef.h>

#include "common/swstate.h"
#include "havz/digest.h"

#define SYNC_STATE_DIR "/var/lib/ha-vz/sync"
#define SYNC_CONF_RECORD SYNC_STATE_DIR "/ha-vz.conf.sha256"
#define SYNC_KEY_RECORD SYNC_STATE_DIR "/authkey.sha256"
/* Held by the sync running on this node, sending or receiving (common/pidlock.h). */
#define SYNC_LOCK HAVZ_RUN_DIR "/sync.lock"
/* Larger than any ha-vz.conf the parser accepts (1 MiB). */
#define SYNC_FILE_MAX (1024 * 1024 + 1)

/*
 * Reads a record strictly (havz_sync_record_parse). 0 with *present false when there is
 * none; -EINVAL (logged, naming the file) when it is not a record.
 */
int sync_record_read(const char *path, char *hex, bool *present);

/* Writes hex as the record at path, mode 600, atomically. 0 or -errno (logged). */
int sync_record_write(const char *path, const char *hex);

/* The staging name of target: DIR/.NAME.sync beside it (so that rename(2) replaces it). */
int sync_staged_path(const char *target, char *out, size_t size);

/*
 * Whether path is usable over rsync and ssh as it is: absolute, only letters, digits and
 * "/._-" (the remote shell sees it).
 */
bool sync_path_plain(const char *path);

/*
 * Takes SYNC_LOCK: one sync at a time on a node, as sender or receiver, so that two syncs
 * (the same node twice, or both nodes toward each other) cannot interleave their checks,
 * files and records. The fd to keep open; -EBUSY (logged, naming the holder's pid) or
 * another -errno (logged).
 */
int sync_lock_take(void);

/* A regular file (not a symlink), owned by root, mode 600. 0 or -errno, logged by who. */
int sync_check_secret(const char *who, const char *path);

/* ha-vz sync --receive on the peer. Returns an exit code. */
int sync_receive(const char *conf_hex, const char *key_hex);

#endif
