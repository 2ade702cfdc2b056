/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Who fences whom when the peer cannot be asked (fencing =
 * resource-and-stonith): the survivor rules, as pure decisions, and the
 * facts they rest on read from /proc/drbd. ha-vz fence-peer gathers the
 * facts and carries the verdict out.
 *
 *  - no fence device for the peer: never fence, never promote (the admin);
 *  - the local disk is not UpToDate (a node that booted alone attaches as
 *    Consistent until it sees its peer): its data may be stale, no fence;
 *  - ping targets configured and none answers here: this node is the one
 *    cut off from the clients; it does not fence (the peer will);
 *  - otherwise the node running fewer containers (ties: the second [node]
 *    of the file) waits fence_delay, then looks again; the other fences
 *    at once. So in a full partition the services' node fences first.
 */
#ifndef HAVZ_SURVIVOR_H
#define HAVZ_SURVIVOR_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/config.h"
#include "havz/fence.h"

struct havz_survivor_facts {
	bool peer_has_device;
	bool local_uptodate;
	size_t n_ping;	   /* ping targets configured */
	bool ping_reached; /* at least one answered from here */
	unsigned mine;	   /* containers whose resource is Primary here */
	unsigned theirs;   /* the others: presumed to run on the peer */
	bool first_node;   /* this node is the first [node] of the file */
};

enum havz_survivor_verdict {
	HAVZ_SURVIVOR_FENCE_NOW,
	HAVZ_SURVIVOR_FENCE_AFTER_DELAY,
	HAVZ_SURVIVOR_NO_DEVICE,
	HAVZ_SURVIVOR_STALE,
	HAVZ_SURVIVOR_CUT_OFF,
};

enum havz_survivor_verdict havz_survivor_decide(const struct havz_survivor_facts *f);

/* Why, in words for the log and ha-vz status. */
const char *havz_survivor_reason(enum havz_survivor_verdict v);

/* One minor's line of /proc/drbd (DRBD 8.4): its role and whether every disk here is UpToDate. */
struct havz_drbd_minor {
	enum havz_drbd_role role;
	bool uptodate;
	bool connected;
};

/* Finds minor in /proc/drbd's text. 0, or -ENOENT when it is not there. */
int havz_drbd_proc_minor(const char *text, unsigned minor, struct havz_drbd_minor *out);

/* How many of cfg's containers are Primary here according to /proc/drbd's text. */
unsigned havz_drbd_proc_primaries(const char *text, const struct havz_config *cfg);

#endif
