// SPDX-License-Identifier: GPL-2.0-only
#include "havz/fence_alert.h"

#include <stdio.h>
#include <string.h>

bool havz_fence_alert_detail(const struct havz_fence_event *e, char *out, size_t size)
{
	const char *why = e->why && e->why[0] ? e->why : "no reason given";

	if (!size)
		return false;
	out[0] = '\0';
	switch (e->outcome) {
	case HAVZ_FENCE_POWERED_OFF:
		snprintf(out, size,
			 "powered %s off through its fence device %s:%u for %s: the device "
			 "confirmed power off",
			 e->peer, e->address, e->port, e->resource);
		break;
	case HAVZ_FENCE_FOUND_OFF:
		snprintf(out, size,
			 "found %s off for %s: its fence device %s:%u reports power off (not "
			 "powered off from here)",
			 e->peer, e->resource, e->address, e->port);
		break;
	case HAVZ_FENCE_BY_CLUSTER:
		snprintf(out, size,
			 "found %s off for %s: Pacemaker's fencer powered it off (%s); its device "
			 "not asked again",
			 e->peer, e->resource, why);
		break;
	case HAVZ_FENCE_POWER_FAILED:
		snprintf(out, size, "powering %s off for %s failed: %s", e->peer, e->resource, why);
		break;
	case HAVZ_FENCE_REFUSED:
		snprintf(out, size,
			 "not powering %s off for %s: %s; nothing is promoted, I/O stays frozen "
			 "on a Primary",
			 e->peer, e->resource, why);
		break;
	default: return false;
	}
	/* One line: an answer relayed from the device may carry a newline. */
	for (char *p = out; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return true;
}

enum havz_fence_outcome havz_fence_found_off(const char *state, const char *peer, int64_t now)
{
	char st[16], who[64];
	long long when;
	int used = 0;

	/* Only the fields before the tab; a line that does not parse was not ours. */
	if (sscanf(state, "%15s %lld %63s %*s%n", st, &when, who, &used) != 3 || !used ||
	    state[used] != '\t')
		return HAVZ_FENCE_FOUND_OFF;
	if (strcmp(st, "fenced") || strcmp(who, peer) || when > now ||
	    now - when > HAVZ_FENCE_ALERT_QUIET_S)
		return HAVZ_FENCE_FOUND_OFF;
	return HAVZ_FENCE_ALREADY_OFF;
}
