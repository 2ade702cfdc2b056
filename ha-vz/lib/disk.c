// SPDX-License-Identifier: GPL-2.0-only
/* What to do about a container's backing device (see havz/disk.h). */
#include "havz/disk.h"
#include "havz/buf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* /dev directories that udev or the kernel fill: a path below them is no volume group. */
static const char *const not_vgs[] = { "mapper", "disk", "md",	"block", "char", "bus",
				       "input",	 "net",	 "pts", "shm",	 NULL };

static bool lvm_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > HAVZ_LVM_NAME_MAX || s[0] == '-')
		return false;
	if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '+' || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

int havz_disk_lv_split(const char *disk, char *vg, size_t vg_size, char *lv, size_t lv_size)
{
	const char *v, *slash, *l;
	size_t vn, ln;

	if (strncmp(disk, "/dev/", 5))
		return -EINVAL;
	v = disk + 5;
	slash = strchr(v, '/');
	if (!slash)
		return -EINVAL;
	vn = (size_t)(slash - v);
	l = slash + 1;
	ln = strlen(l);
	if (strchr(l, '/') || !lvm_name_ok(v, vn) || !lvm_name_ok(l, ln) || vn >= vg_size ||
	    ln >= lv_size)
		return -EINVAL;
	for (size_t i = 0; not_vgs[i]; i++)
		if (strlen(not_vgs[i]) == vn && !strncmp(v, not_vgs[i], vn))
			return -EINVAL;
	memcpy(vg, v, vn);
	vg[vn] = '\0';
	memcpy(lv, l, ln + 1);
	return 0;
}

/* "128 MiB" when size is a whole number of MiB, else "N bytes". */
static void human(uint64_t bytes, char *out, size_t size)
{
	if (bytes && bytes % (1ULL << 30) == 0)
		snprintf(out, size, "%" PRIu64 " GiB", bytes >> 30);
	else if (bytes && bytes % (1ULL << 20) == 0)
		snprintf(out, size, "%" PRIu64 " MiB", bytes >> 20);
	else
		snprintf(out, size, "%" PRIu64 " bytes", bytes);
}

int havz_disk_plan(const char *disk, uint64_t size, const struct havz_disk_where *where,
		   const struct havz_disk_seen *seen, struct havz_disk_plan *plan, char *why,
		   size_t why_size)
{
	char want[40], have[40];

	memset(plan, 0, sizeof(*plan));
	human(size, want, sizeof(want));
	if (seen->exists && !seen->block) {
		havz_why_set(why, why_size, "%s: disk = %s: not a block device", where->disk, disk);
		return -ENOTBLK;
	}
	if (seen->exists) {
		if (seen->bytes >= size)
			return 0;
		human(seen->bytes, have, sizeof(have));
		havz_why_set(why, why_size,
			     "%s: size = %s: disk %s holds only %s (%" PRIu64 " bytes, %" PRIu64
			     " needed)",
			     where->size, want, disk, have, seen->bytes, size);
		return -ENOSPC;
	}
	if (havz_disk_lv_split(disk, plan->vg, sizeof(plan->vg), plan->lv, sizeof(plan->lv))) {
		havz_why_set(why, why_size,
			     "%s: disk = %s: does not exist, and it is not /dev/VG/LV (a logical "
			     "volume ha-vz could create)",
			     where->disk, disk);
		return -ENOENT;
	}
	plan->create = true;
	snprintf(plan->size_arg, sizeof(plan->size_arg), "%" PRIu64 "b", size);
	plan->argv[0] = "lvcreate";
	plan->argv[1] = "--yes";
	plan->argv[2] = "-L";
	plan->argv[3] = plan->size_arg;
	plan->argv[4] = "-n";
	plan->argv[5] = plan->lv;
	plan->argv[6] = plan->vg;
	plan->argv[7] = NULL;
	return 0;
}
