// SPDX-License-Identifier: GPL-2.0-only
#include "havz/sync.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool same(const char *a, const char *b)
{
	return a && b && !strcmp(a, b);
}

enum havz_sync_verdict havz_sync_decide(const struct havz_sync_state *s)
{
	/* Equal files lose nothing whatever the records say: only the records may need writing. */
	if (same(s->local, s->peer))
		return same(s->peer_record, s->local) && same(s->local_record, s->local)
			       ? HAVZ_SYNC_SAME
			       : HAVZ_SYNC_RECORD;
	/* Without a record nothing tells an edit there from an older sync: the first sync. */
	if (!s->peer_record)
		return HAVZ_SYNC_SEND_FIRST;
	/* A copy that is not the one recorded (or is gone) was changed on the peer since. */
	if (!same(s->peer, s->peer_record))
		return s->force ? HAVZ_SYNC_OVERWRITE : HAVZ_SYNC_REFUSE_DIVERGED;
	/* Both nodes write their records at the same sync; different ones mean one did not. */
	if (s->local_record && !same(s->local_record, s->peer_record))
		return s->force ? HAVZ_SYNC_OVERWRITE : HAVZ_SYNC_REFUSE_RECORDS;
	return HAVZ_SYNC_SEND;
}

enum havz_sync_verdict havz_sync_combine(enum havz_sync_verdict a, enum havz_sync_verdict b)
{
	return a > b ? a : b;
}

bool havz_sync_sends(enum havz_sync_verdict v)
{
	return v != HAVZ_SYNC_SAME && !havz_sync_refused(v);
}

bool havz_sync_refused(enum havz_sync_verdict v)
{
	return v == HAVZ_SYNC_REFUSE_RECORDS || v == HAVZ_SYNC_REFUSE_DIVERGED;
}

static const char *or_none(const char *hex)
{
	return hex ? hex : "none";
}

void havz_sync_explain(enum havz_sync_verdict v, const struct havz_sync_state *s, const char *file,
		       const char *peer, char *out, size_t size)
{
	switch (v) {
	case HAVZ_SYNC_SAME:
		snprintf(out, size, "%s: equal on both nodes (%s) and recorded: nothing to send",
			 file, s->local);
		break;
	case HAVZ_SYNC_RECORD:
		snprintf(out, size,
			 "%s: equal on both nodes (%s); recording that hash on both (%s recorded "
			 "%s, this node %s)",
			 file, s->local, peer, or_none(s->peer_record), or_none(s->local_record));
		break;
	case HAVZ_SYNC_SEND:
		snprintf(out, size, "%s: %s's copy is the one synced last (%s): replacing it", file,
			 peer, s->peer_record);
		break;
	case HAVZ_SYNC_SEND_FIRST:
		snprintf(out, size, "%s: no sync recorded on %s: first sync, %s", file, peer,
			 s->peer ? "replacing its copy" : "it has no copy yet");
		break;
	case HAVZ_SYNC_OVERWRITE:
		snprintf(out, size,
			 "%s: %s's copy (%s) is not the one synced last (%s recorded %s, this node "
			 "%s): overwriting it (--force)",
			 file, peer, or_none(s->peer), peer, or_none(s->peer_record),
			 or_none(s->local_record));
		break;
	case HAVZ_SYNC_REFUSE_RECORDS:
		snprintf(out, size,
			 "%s: the nodes' sync records disagree (%s recorded %s, this node %s): an "
			 "earlier sync did not finish on both; compare the files, then use --force "
			 "to overwrite %s's copy",
			 file, peer, s->peer_record, or_none(s->local_record), peer);
		break;
	case HAVZ_SYNC_REFUSE_DIVERGED:
		snprintf(
			out, size,
			"%s: %s's copy changed since the last sync (it has %s, the sync recorded "
			"%s): someone edited it there; merge that change into this node's file, or "
			"use --force to overwrite",
			file, peer, or_none(s->peer), s->peer_record);
		break;
	}
}

int havz_sync_record_parse(const char *text, size_t len, char *hex)
{
	if (len != HAVZ_SHA256_HEX + 1 || text[HAVZ_SHA256_HEX] != '\n')
		return -EINVAL;
	memcpy(hex, text, HAVZ_SHA256_HEX);
	hex[HAVZ_SHA256_HEX] = '\0';
	if (!havz_sha256_hex_valid(hex)) {
		hex[0] = '\0';
		return -EINVAL;
	}
	return 0;
}

int havz_sync_record_format(const char *hex, char *out, size_t size)
{
	if (!havz_sha256_hex_valid(hex) || size < HAVZ_SHA256_HEX + 2)
		return -EINVAL;
	snprintf(out, size, "%s\n", hex);
	return 0;
}
