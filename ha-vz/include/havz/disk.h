/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A container's backing device (disk and size of its ha-vz.conf section): what to do
 * about it on this node. An existing block device must hold size bytes; an absent
 * /dev/VG/LV is created with lvcreate; anything else is an error naming the parameter.
 */
#ifndef HAVZ_DISK_H
#define HAVZ_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the caller found at the disk's path. */
struct havz_disk_seen {
	bool exists;	/* the path exists (stat) */
	bool block;	/* it is a block device */
	uint64_t bytes; /* its size (BLKGETSIZE64) when a block device */
};

/* Where the two parameters were set, for the errors: "FILE:LINE" each. */
struct havz_disk_where {
	const char *disk, *size;
};

#define HAVZ_LVM_NAME_MAX 127

struct havz_disk_plan {
	bool create; /* false: the device is there and big enough */
	char vg[HAVZ_LVM_NAME_MAX + 1], lv[HAVZ_LVM_NAME_MAX + 1];
	char size_arg[32]; /* lvcreate's -L: bytes with LVM's unit b */
	const char
		*argv[9]; /* lvcreate --yes -L SIZE -n LV VG, NULL-terminated; points into plan */
};

/*
 * Splits /dev/VG/LV into its volume group and logical volume (LVM's name rules:
 * letters, digits, '+', '_', '.', '-', not starting with '-', not "." or ".."; not one of
 * udev's /dev directories such as /dev/mapper or /dev/disk). 0 or -EINVAL.
 */
int havz_disk_lv_split(const char *disk, char *vg, size_t vg_size, char *lv, size_t lv_size);

/*
 * Decides for disk (the path) and size (bytes) from what was seen: 0 with plan filled
 * (plan->create: run plan->argv, then look again); -ENOSPC when the device is smaller than
 * size, -ENOTBLK when the path is not a block device, -ENOENT when it is absent and not
 * /dev/VG/LV; each with why = "WHERE: key = value: message".
 */
int havz_disk_plan(const char *disk, uint64_t size, const struct havz_disk_where *where,
		   const struct havz_disk_seen *seen, struct havz_disk_plan *plan, char *why,
		   size_t why_size);

#endif
