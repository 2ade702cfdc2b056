// SPDX-License-Identifier: GPL-2.0-only
/* The survivor rules and /proc/drbd: see havz/survivor.h. */
#include "havz/survivor.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum havz_survivor_verdict havz_survivor_decide(const struct havz_survivor_facts *f)
{
	if (!f->peer_has_device)
		return HAVZ_SURVIVOR_NO_DEVICE;
	if (!f->local_uptodate)
		return HAVZ_SURVIVOR_STALE;
	if (f->n_ping && !f->ping_reached)
		return HAVZ_SURVIVOR_CUT_OFF;
	if (f->mine > f->theirs || (f->mine == f->theirs && f->first_node))
		return HAVZ_SURVIVOR_FENCE_NOW;
	return HAVZ_SURVIVOR_FENCE_AFTER_DELAY;
}

const char *havz_survivor_reason(enum havz_survivor_verdict v)
{
	switch (v) {
	case HAVZ_SURVIVOR_FENCE_NOW: return "this node runs more containers: fencing the peer now";
	case HAVZ_SURVIVOR_FENCE_AFTER_DELAY:
		return "this node runs fewer containers (or ties as the second node): waiting "
		       "fence_delay before fencing";
	case HAVZ_SURVIVOR_NO_DEVICE:
		return "the peer has no fence device (fence = none): not fencing, not promoting; "
		       "the admin decides";
	case HAVZ_SURVIVOR_STALE:
		return "the local disk is not UpToDate (this node has not seen its peer since it "
		       "started): its data may be stale; not fencing, not promoting";
	case HAVZ_SURVIVOR_CUT_OFF:
		return "no ping target answers from this node: it is the one cut off from the "
		       "clients; not fencing, not promoting";
	default: return "?";
	}
}

/* The value of "key:" in one line, up to the next '/' or blank, as [*v, *v + *n). */
static bool field(const char *line, size_t len, const char *key, const char **v, size_t *n)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i + klen <= len; i++) {
		if ((i == 0 || line[i - 1] == ' ') && !strncmp(line + i, key, klen)) {
			*v = line + i + klen;
			*n = strcspn(*v, "/ \t\n");
			if (*v + *n > line + len)
				*n = (size_t)(line + len - *v);
			return true;
		}
	}
	return false;
}

static bool is(const char *v, size_t n, const char *s)
{
	return n == strlen(s) && !strncmp(v, s, n);
}

int havz_drbd_proc_minor(const char *text, unsigned minor, struct havz_drbd_minor *out)
{
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");
		const char *s = p + strspn(p, " ");
		char *end;
		unsigned long m = strtoul(s, &end, 10);

		/* " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----" */
		if (end != s && *end == ':' && m == minor && (size_t)(end - p) < len) {
			const char *v;
			size_t n;

			memset(out, 0, sizeof(*out));
			out->role = HAVZ_ROLE_UNKNOWN;
			if (field(p, len, "ro:", &v, &n))
				out->role = is(v, n, "Primary")	    ? HAVZ_ROLE_PRIMARY
					    : is(v, n, "Secondary") ? HAVZ_ROLE_SECONDARY
								    : HAVZ_ROLE_UNKNOWN;
			out->uptodate = field(p, len, "ds:", &v, &n) && is(v, n, "UpToDate");
			out->connected = field(p, len, "cs:", &v, &n) && is(v, n, "Connected");
			return 0;
		}
		p += len + (p[len] == '\n');
	}
	return -ENOENT;
}

unsigned havz_drbd_proc_primaries(const char *text, const struct havz_config *cfg)
{
	unsigned n = 0;

	for (size_t i = 0; i < cfg->n_containers; i++) {
		struct havz_drbd_minor m;

		if (!havz_drbd_proc_minor(text, cfg->containers[i].minor, &m) &&
		    m.role == HAVZ_ROLE_PRIMARY)
			n++;
	}
	return n;
}
