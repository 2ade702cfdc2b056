// SPDX-License-Identifier: GPL-2.0-only
/* The answer to the peer's OUTDATE from drbdadm's output: see havz/fence.h. */
#include "havz/fence.h"

#include <string.h>

/*
 * Calls fn for the first word of each line of out ("Secondary" of
 * "Secondary/Primary"), skipping leading blanks. Stops when fn returns true.
 */
static void each_word(const char *out, bool (*fn)(const char *w, size_t n, void *ctx), void *ctx)
{
	for (const char *p = out; p && *p;) {
		size_t len = strcspn(p, "\n");
		size_t skip = strspn(p, " \t");
		size_t n = skip < len ? strcspn(p + skip, "/ \t\r\n") : 0;

		if (n && fn(p + skip, n, ctx))
			return;
		p += len + (p[len] == '\n');
	}
}

static bool word_is(const char *w, size_t n, const char *s)
{
	return n == strlen(s) && !strncmp(w, s, n);
}

static bool on_role(const char *w, size_t n, void *ctx)
{
	enum havz_drbd_role *role = ctx;

	if (word_is(w, n, "Primary"))
		*role = HAVZ_ROLE_PRIMARY;
	else if (word_is(w, n, "Secondary"))
		*role = HAVZ_ROLE_SECONDARY;
	else
		return false; /* a warning line, or "Unknown"/"Unconfigured": look further */
	return true;
}

enum havz_drbd_role havz_drbd_role_parse(const char *out)
{
	enum havz_drbd_role role = HAVZ_ROLE_UNKNOWN;

	each_word(out, on_role, &role);
	return role;
}

struct disks {
	unsigned good, outdated, bad;
};

static bool on_disk(const char *w, size_t n, void *ctx)
{
	static const char *const bad[] = { "Inconsistent", "Diskless",	  "Failed",   "Attaching",
					   "Detaching",	   "Negotiating", "DUnknown", NULL };
	struct disks *d = ctx;

	if (word_is(w, n, "UpToDate") || word_is(w, n, "Consistent"))
		d->good++;
	else if (word_is(w, n, "Outdated"))
		d->outdated++;
	for (size_t i = 0; bad[i]; i++)
		if (word_is(w, n, bad[i]))
			d->bad++;
	return false; /* every volume counts */
}

enum havz_drbd_disk havz_drbd_disk_parse(const char *out)
{
	struct disks d = { 0 };

	each_word(out, on_disk, &d);
	if (d.bad)
		return HAVZ_DISK_BAD;
	if (d.good)
		return HAVZ_DISK_GOOD;
	return d.outdated ? HAVZ_DISK_OUTDATED : HAVZ_DISK_UNKNOWN;
}

enum havz_wire_result havz_fence_answer(enum havz_drbd_role role, enum havz_drbd_disk disk)
{
	if (role == HAVZ_ROLE_PRIMARY)
		return HAVZ_RES_PRIMARY;
	if (disk == HAVZ_DISK_BAD)
		return HAVZ_RES_INCONSISTENT;
	if (disk == HAVZ_DISK_OUTDATED)
		return HAVZ_RES_OUTDATED;
	/* Good, or unreadable: drbdadm outdate decides (it refuses a Primary itself). */
	return HAVZ_FENCE_RUN_OUTDATE;
}

enum havz_wire_result havz_fence_after_outdate(bool outdate_ok, enum havz_drbd_role role,
					       enum havz_drbd_disk disk)
{
	if (outdate_ok || disk == HAVZ_DISK_OUTDATED)
		return HAVZ_RES_OUTDATED;
	if (disk == HAVZ_DISK_BAD)
		return HAVZ_RES_INCONSISTENT;
	if (role == HAVZ_ROLE_PRIMARY)
		return HAVZ_RES_PRIMARY;
	return HAVZ_RES_FAILED;
}

const struct havz_container *havz_fence_container(const struct havz_config *cfg, const char *res)
{
	if (!cfg || !res || strncmp(res, "ct-", 3))
		return NULL;
	return havz_config_container(cfg, res + 3);
}
