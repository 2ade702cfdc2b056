/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the last power fence from this node did, for ha-vz status and the
 * admin: HAVZ_RUN_DIR/fence-state, one line
 *   STATE EPOCH_SECONDS PEER RESOURCE<TAB>why
 * STATE: waiting (fence_delay), fencing, fenced (device confirmed off),
 * failed (the device did not confirm), refused (the survivor rules: no
 * fence, no promotion). Also HAVZ_RUN_DIR/fence.lock, held by the one
 * fence-peer that fences (DRBD runs one handler per resource).
 */
#ifndef HAVZ_COMMON_FENCESTATE_H
#define HAVZ_COMMON_FENCESTATE_H

#include <stddef.h>

#define HAVZ_FENCE_STATE_MAX 512

/* Records the state (atomically, mode 644) and logs it. */
void havz_fencestate_write(const char *state, const char *peer, const char *res, const char *why);

/* The line, without its newline, or "" when there is none. 0 or -errno. */
int havz_fencestate_read(char *out, size_t size);

/* Takes the fence lock (waits for it): the fd to close, or -errno. */
int havz_fence_lock(void);

#endif
