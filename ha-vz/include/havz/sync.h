/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ha-vz sync's decision: whether a file (ha-vz.conf, the cluster key) may replace the peer's
 * copy. Each node keeps a record, the SHA-256 of the file as last synced; a peer whose copy no
 * longer matches its record was edited there since, and is not overwritten unless forced.
 */
#ifndef HAVZ_SYNC_H
#define HAVZ_SYNC_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/digest.h"

/* Ordered by weight: the verdict of several files is the heaviest of theirs. */
enum havz_sync_verdict {
	HAVZ_SYNC_SAME,		   /* equal on both nodes and recorded on both: nothing to do */
	HAVZ_SYNC_RECORD,	   /* equal on both nodes, a record missing or stale: record it */
	HAVZ_SYNC_SEND,		   /* the peer's copy is the one last synced: replace it */
	HAVZ_SYNC_SEND_FIRST,	   /* the peer has no record: a first sync, replace its copy */
	HAVZ_SYNC_OVERWRITE,	   /* diverged or records disagreeing, but --force */
	HAVZ_SYNC_REFUSE_RECORDS,  /* the two nodes' records name different syncs */
	HAVZ_SYNC_REFUSE_DIVERGED, /* the peer's copy changed since its record: edited there */
};

/* One file's hashes (lowercase hex); NULL where absent. local is always present. */
struct havz_sync_state {
	const char *local;	  /* this node's file */
	const char *peer;	  /* the peer's copy; NULL: it has none */
	const char *peer_record;  /* the peer's record of the last sync; NULL: none */
	const char *local_record; /* this node's record; NULL: none */
	bool force;
};

enum havz_sync_verdict havz_sync_decide(const struct havz_sync_state *s);

/* The heavier of two verdicts. */
enum havz_sync_verdict havz_sync_combine(enum havz_sync_verdict a, enum havz_sync_verdict b);

/* Whether the verdict sends the files (and writes the records); false for SAME and refusals. */
bool havz_sync_sends(enum havz_sync_verdict v);
bool havz_sync_refused(enum havz_sync_verdict v);

/*
 * One line for the operator: what the verdict means for file (a label such as
 * "ha-vz.conf") on node peer, naming the hashes involved. No newline.
 */
void havz_sync_explain(enum havz_sync_verdict v, const struct havz_sync_state *s, const char *file,
		       const char *peer, char *out, size_t size);

/*
 * A record file's contents: exactly HAVZ_SHA256_HEX lowercase hex digits and one newline,
 * nothing else. Copies the digits into hex (HAVZ_SHA256_HEX + 1 bytes). 0 or -EINVAL.
 */
int havz_sync_record_parse(const char *text, size_t len, char *hex);

/* A record's contents for hex: the digits and a newline, into out (HAVZ_SHA256_HEX + 2). */
int havz_sync_record_format(const char *hex, char *out, size_t size);

#endif
