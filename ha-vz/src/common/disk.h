/* SPDX-License-Identifier: GPL-2.0-only */
/* A container's backing device on this node: made (lvcreate) or checked (havz/disk.h). */
#ifndef HAVZ_COMMON_DISK_H
#define HAVZ_COMMON_DISK_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/config.h"

/*
 * Looks at ct->disk: an existing block device must hold ct->size bytes; an absent
 * /dev/VG/LV is created (lvcreate through run.c, then looked at again) unless check_only.
 * With dry_run, prints the lvcreate it would run and runs nothing. 0, or -errno with why
 * naming the parameter ("FILE:LINE: size = ...: ...").
 */
int havz_ct_disk_ensure(const struct havz_config *cfg, const struct havz_container *ct,
			bool check_only, bool dry_run, char *why, size_t why_size);

#endif
