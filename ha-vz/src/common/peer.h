/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The client side of ha-vzd's control protocol (havz/wire.h): one request
 * to the peer's ha-vzd over TCP, one authenticated reply. Used by
 * `ha-vz fence-peer` and by ha-vzd itself to ask the peer for its STATUS.
 */
#ifndef HAVZ_PEER_H
#define HAVZ_PEER_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/wire.h"

struct havz_peer_target {
	const char *addr; /* numeric IPv4 or IPv6 address */
	unsigned port;
	const char *name; /* the peer's node name: replies must come from it */
	const void *key;
	size_t keylen;
	unsigned connect_ms, reply_ms;
};

/*
 * Sends req and waits for the reply, checked with havz_wire_check_reply.
 * Returns 0, or -errno; *reached tells whether the TCP connection was
 * established (false: the peer is unreachable: refused, no route, timeout).
 */
int havz_peer_call(const struct havz_peer_target *t, const struct havz_wire_msg *req,
		   struct havz_wire_msg *reply, bool *reached);

/* Connects a TCP socket to addr:port within timeout_ms. Returns the fd or -errno. */
int havz_tcp_connect(const char *addr, unsigned port, unsigned timeout_ms);

#endif
