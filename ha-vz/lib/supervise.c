// SPDX-License-Identifier: GPL-2.0-only
/* Restart counting and the decision after each monitor of a local container. */
#include "havz/supervise.h"

#include <stdio.h>
#include <string.h>

enum havz_monitor havz_monitor_classify(int rc, bool timed_out)
{
	if (timed_out)
		return HAVZ_MON_TIMEOUT;
	switch (rc) {
	case 0: /* OCF_SUCCESS */
	case 8: /* OCF_RUNNING_MASTER */ return HAVZ_MON_RUNNING;
	case 7: /* OCF_NOT_RUNNING */ return HAVZ_MON_NOT_RUNNING;
	case 5: /* OCF_ERR_INSTALLED */ return HAVZ_MON_NOT_INSTALLED;
	case 6: /* OCF_ERR_CONFIGURED */ return HAVZ_MON_NOT_CONFIGURED;
	default: /* 1 generic, 2 args, 3 unimplemented, 4 perm, 9 failed master, signals */
		return HAVZ_MON_FAILED;
	}
}

unsigned havz_supervise_restarts(struct havz_supervise *s, const struct havz_policy *p,
				 uint64_t now)
{
	size_t drop = 0;

	while (drop < s->n_restarts &&
	       (s->restarts[drop] > now || now - s->restarts[drop] >= p->window_ms))
		drop++;
	if (drop) {
		memmove(s->restarts, s->restarts + drop,
			(s->n_restarts - drop) * sizeof(s->restarts[0]));
		s->n_restarts -= drop;
	}
	return (unsigned)s->n_restarts;
}

static void record_restart(struct havz_supervise *s, uint64_t now)
{
	if (s->n_restarts == HAVZ_RESTARTS_MAX) {
		memmove(s->restarts, s->restarts + 1,
			(HAVZ_RESTARTS_MAX - 1) * sizeof(s->restarts[0]));
		s->n_restarts--;
	}
	s->restarts[s->n_restarts++] = now;
}

static enum havz_action handover(struct havz_supervise *s)
{
	s->state = HAVZ_SUP_HANDOVER;
	if (s->handed_over)
		return HAVZ_ACT_NONE;
	s->handed_over = true;
	return HAVZ_ACT_HANDOVER;
}

enum havz_action havz_supervise_step(struct havz_supervise *s, const struct havz_policy *p,
				     enum havz_monitor m, uint64_t now)
{
	unsigned recent = havz_supervise_restarts(s, p, now);

	switch (m) {
	case HAVZ_MON_RUNNING: s->state = HAVZ_SUP_RUNNING; return HAVZ_ACT_NONE;
	case HAVZ_MON_NOT_CONFIGURED: s->state = HAVZ_SUP_BROKEN; return HAVZ_ACT_NONE;
	case HAVZ_MON_NOT_INSTALLED: return handover(s);
	case HAVZ_MON_NOT_RUNNING:
	case HAVZ_MON_FAILED:
	case HAVZ_MON_TIMEOUT: break;
	}
	if (s->handed_over) {
		s->state = HAVZ_SUP_HANDOVER;
		return HAVZ_ACT_NONE;
	}
	if (recent >= p->max_restarts)
		return handover(s);
	record_restart(s, now);
	s->state = HAVZ_SUP_RESTARTING;
	return HAVZ_ACT_RESTART;
}

void havz_supervise_restarted(struct havz_supervise *s, bool ok)
{
	s->state = ok ? HAVZ_SUP_RUNNING : HAVZ_SUP_FAILED;
}

void havz_supervise_absent(struct havz_supervise *s)
{
	s->state = HAVZ_SUP_ABSENT;
	s->handed_over = false;
}

void havz_supervise_unmanaged(struct havz_supervise *s)
{
	s->state = HAVZ_SUP_UNMANAGED;
}

void havz_supervise_observe(struct havz_supervise *s, enum havz_monitor verdict)
{
	s->state = verdict == HAVZ_MON_RUNNING		? HAVZ_SUP_RUNNING
		   : verdict == HAVZ_MON_NOT_CONFIGURED ? HAVZ_SUP_BROKEN
							: HAVZ_SUP_FAILED;
}

const char *havz_sup_state_name(enum havz_sup_state st)
{
	static const char *const names[HAVZ_SUP_STATES] = {
		[HAVZ_SUP_ABSENT] = "absent",	[HAVZ_SUP_UNKNOWN] = "unknown",
		[HAVZ_SUP_RUNNING] = "running", [HAVZ_SUP_RESTARTING] = "restarting",
		[HAVZ_SUP_FAILED] = "failed",	[HAVZ_SUP_HANDOVER] = "handover",
		[HAVZ_SUP_BROKEN] = "broken",	[HAVZ_SUP_UNMANAGED] = "unmanaged",
	};

	return (unsigned)st < HAVZ_SUP_STATES ? names[st] : "invalid";
}

void havz_supervise_handover_why(enum havz_monitor last, const struct havz_policy *p, char *out,
				 size_t size)
{
	if (!size)
		return;
	if (last == HAVZ_MON_NOT_INSTALLED)
		snprintf(out, size, "cannot run on this node (agent: not installed)");
	else
		snprintf(out, size, "still failing after %u restarts within %llu s",
			 p->max_restarts, (unsigned long long)(p->window_ms / 1000));
}

/* Undoes mountinfo's \ooo escapes of one field into out; false when it does not fit. */
static bool unescape_field(const char *p, size_t n, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\\' && i + 3 < n && p[i + 1] >= '0' && p[i + 1] <= '3' &&
		    p[i + 2] >= '0' && p[i + 2] <= '7' && p[i + 3] >= '0' && p[i + 3] <= '7') {
			c = (char)((p[i + 1] - '0') * 64 + (p[i + 2] - '0') * 8 + (p[i + 3] - '0'));
			i += 3;
		}
		if (o + 1 >= size)
			return false;
		out[o++] = c;
	}
	out[o] = '\0';
	return true;
}

bool havz_mountinfo_has(const char *mountinfo, const char *path)
{
	const char *line = mountinfo;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		const char *f = line;
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char mnt[4096];

		/* Skip four fields: mount ID, parent ID, major:minor, root. */
		for (int i = 0; i < 4 && f; i++) {
			f = memchr(f, ' ', len - (size_t)(f - line));
			if (f)
				f++;
		}
		if (f && f < line + len) {
			const char *e = memchr(f, ' ', len - (size_t)(f - line));
			size_t n = e ? (size_t)(e - f) : len - (size_t)(f - line);

			if (unescape_field(f, n, mnt, sizeof(mnt)) && !strcmp(mnt, path))
				return true;
		}
		line = end ? end + 1 : NULL;
	}
	return false;
}
