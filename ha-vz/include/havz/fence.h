/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ha-vzd's side of DRBD fencing: the answer to the peer's OUTDATE of a
 * resource, decided from what drbdadm says about the local disk. Pure
 * decisions on drbdadm's output (stdout and stderr together, as ha-vzd
 * captures them: DRBD's tools may print warnings before the answer); the
 * daemon runs /usr/sbin/drbdadm. The sequence:
 *
 *   1. drbdadm role RES, drbdadm dstate RES  -> havz_fence_answer()
 *   2. if it says HAVZ_FENCE_RUN_OUTDATE: drbdadm outdate RES
 *   3. drbdadm dstate, role once more        -> havz_fence_after_outdate()
 *
 * A Primary is never outdated, and "outdated" is answered only when DRBD
 * says the disk is Outdated or drbdadm outdate succeeded.
 */
#ifndef HAVZ_FENCE_H
#define HAVZ_FENCE_H

#include <stdbool.h>

#include "havz/config.h"
#include "havz/wire.h"

/* The local role: 8.4 prints "Secondary/Primary", 9 "Secondary". */
enum havz_drbd_role {
	HAVZ_ROLE_UNKNOWN, /* the command failed, or no line names a role */
	HAVZ_ROLE_PRIMARY,
	HAVZ_ROLE_SECONDARY,
};

/* The local disk: "UpToDate/DUnknown"; one line per volume. */
enum havz_drbd_disk {
	HAVZ_DISK_UNKNOWN,  /* the command failed, or no line names a disk state */
	HAVZ_DISK_GOOD,	    /* UpToDate or Consistent: outdating it is the job */
	HAVZ_DISK_OUTDATED, /* every volume Outdated */
	HAVZ_DISK_BAD,	    /* some volume Inconsistent, Diskless, Failed, ... DUnknown */
};

/* What havz_fence_answer returns when drbdadm outdate must run. */
#define HAVZ_FENCE_RUN_OUTDATE HAVZ_RES_OK

/* The output of `drbdadm role`/`drbdadm dstate`, or NULL when it exited non-zero. */
enum havz_drbd_role havz_drbd_role_parse(const char *out);
enum havz_drbd_disk havz_drbd_disk_parse(const char *out);

/* Step 1: the answer to give at once, or HAVZ_FENCE_RUN_OUTDATE. */
enum havz_wire_result havz_fence_answer(enum havz_drbd_role role, enum havz_drbd_disk disk);

/*
 * Step 3: outdated when drbdadm outdate succeeded; otherwise what the disk
 * and role read afterwards say (a resync or a promotion may have raced
 * it), and failed when they do not explain it.
 */
enum havz_wire_result havz_fence_after_outdate(bool outdate_ok, enum havz_drbd_role role,
					       enum havz_drbd_disk disk);

/* The container whose DRBD resource is res ("ct-NAME"), or NULL: answer unknown resource. */
const struct havz_container *havz_fence_container(const struct havz_config *cfg, const char *res);

#endif
