/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ha-vzd control protocol between the two nodes (TCP, management
 * network): one request, one reply, then the connection closes. Every
 * message is authenticated with HMAC-SHA256 under the cluster key, carries
 * its sender, a timestamp and a random nonce; replies name the nonce of the
 * request they answer. Pure encoding and checks here; sockets elsewhere.
 *
 * Layout (integers big-endian), HAVZ_WIRE_HEADER bytes, then payload_len
 * bytes of payload, then HAVZ_WIRE_MAC bytes of HMAC over all before it:
 *
 *   0  4  magic "HVZP"         48 36 sender node, NUL-padded
 *   4  1  version (1)          84 40 resource, NUL-padded ("" for STATUS)
 *   5  1  op                  124  2 payload_len (<= HAVZ_WIRE_PAYLOAD_MAX)
 *   6  1  result (replies)    126  2 reserved, zero
 *   7  1  reserved, zero
 *   8  8  timestamp (Unix seconds, signed)
 *  16 16  nonce
 *  32 16  reply_to: the request's nonce in a reply, zero in a request
 */
#ifndef HAVZ_WIRE_H
#define HAVZ_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "havz/digest.h"

#define HAVZ_WIRE_VERSION 1
#define HAVZ_WIRE_HEADER 128
#define HAVZ_WIRE_MAC 32
#define HAVZ_WIRE_NONCE 16
#define HAVZ_WIRE_SENDER 36   /* field size: names up to 35 characters */
#define HAVZ_WIRE_RESOURCE 40 /* field size: names up to 39 characters */
#define HAVZ_WIRE_PAYLOAD_MAX 4096
#define HAVZ_WIRE_MSG_MAX (HAVZ_WIRE_HEADER + HAVZ_WIRE_PAYLOAD_MAX + HAVZ_WIRE_MAC)
#define HAVZ_WIRE_SKEW_S 30 /* accepted clock difference, either way */
#define HAVZ_WIRE_REPLAY_SLOTS 512

enum havz_wire_op {
	HAVZ_OP_OUTDATE = 1, /* resource: the DRBD resource to outdate on the receiver */
	/* resource: "" or HAVZ_WIRE_STATUS_CONFIG. Reply payload: with
	 * HAVZ_WIRE_STATUS_CONFIG, first a line "config HEX" (the SHA-256 of the
	 * receiver's ha-vz.conf on disk, 64 lowercase hex digits; left out when it
	 * cannot read the file), then the containers the receiver holds, a line
	 * "NAME STATE RESTARTS" each. Only a requester that asks gets the config
	 * line: a peer still running the version before it parses no such line, and
	 * sends no such request; a newer requester reads an answer without one as
	 * "not known". */
	HAVZ_OP_STATUS = 2,
	/* resource: a container or "". Reply payload: key=value lines, now_ms (the
	 * receiver's CLOCK_REALTIME in ms), busy (1: a switchover runs there), and
	 * the container's switchover report when its volume is mounted there. */
	HAVZ_OP_SWITCHOVER = 3,
	/* resource: "". The receiver's own switchover preflight (can it restore,
	 * lazily?), run by its ha-vzd in the background and kept for a minute.
	 * Reply payload: state=pending, or state=done with live, predump, lazy
	 * (0|1), age_ms, reason and notes lines. */
	HAVZ_OP_PREFLIGHT = 4,
	HAVZ_OP_REPLY = 0x80 /* or'ed into the op of the request answered */
};

enum havz_wire_result {
	HAVZ_RES_OK = 0,	   /* STATUS answered */
	HAVZ_RES_OUTDATED = 1,	   /* the disk is Outdated now (or was already) */
	HAVZ_RES_INCONSISTENT = 2, /* the disk is Inconsistent or worse: nothing to do */
	HAVZ_RES_PRIMARY = 3,	   /* refused: the resource is Primary there */
	HAVZ_RES_FAILED = 4,	   /* outdating failed */
	HAVZ_RES_UNKNOWN = 5,	   /* no such resource in the receiver's configuration */
	HAVZ_RES_REFUSED = 6,	   /* the request was rejected (sender, time, replay) */
	HAVZ_RES_MAX = HAVZ_RES_REFUSED
};

struct havz_wire_msg {
	uint8_t op;
	uint8_t result;
	int64_t timestamp;
	uint8_t nonce[HAVZ_WIRE_NONCE];
	uint8_t reply_to[HAVZ_WIRE_NONCE];
	char sender[HAVZ_WIRE_SENDER];
	char resource[HAVZ_WIRE_RESOURCE];
	uint16_t payload_len;
	char payload[HAVZ_WIRE_PAYLOAD_MAX + 1]; /* NUL-terminated after decode */
};

/* A request with a fresh random nonce. -EINVAL for names that do not fit or bad characters. */
int havz_wire_request(struct havz_wire_msg *m, enum havz_wire_op op, const char *sender,
		      const char *resource, int64_t now);
/* The reply to req, with a fresh nonce. */
int havz_wire_reply(struct havz_wire_msg *reply, const struct havz_wire_msg *req,
		    const char *sender, enum havz_wire_result result, int64_t now);

/* Serialises and signs m into out (at least HAVZ_WIRE_MSG_MAX bytes). Returns the length or -errno.
 */
int havz_wire_encode(const struct havz_wire_msg *m, const void *key, size_t keylen, uint8_t *out,
		     size_t size);

/*
 * Given the first HAVZ_WIRE_HEADER bytes of a message, the whole message's
 * length (header, payload, MAC), or -EBADMSG when the header cannot start a
 * valid message (so that a reader never waits for, or buffers, more).
 */
int havz_wire_frame_len(const uint8_t *hdr, size_t n);

/*
 * Checks the MAC (in constant time) and the format of a whole message.
 * Returns 0, -EBADMSG for a malformed message, -EPERM for a bad MAC (wrong
 * key or altered). m is only meaningful on 0.
 */
int havz_wire_decode(const uint8_t *buf, size_t len, const void *key, size_t keylen,
		     struct havz_wire_msg *m);

/* Nonces seen recently, to refuse a replayed request. Zero-initialise. */
struct havz_wire_replay {
	uint8_t nonce[HAVZ_WIRE_REPLAY_SLOTS][HAVZ_WIRE_NONCE];
	int64_t ts[HAVZ_WIRE_REPLAY_SLOTS];
	size_t used, next;
	int64_t floor; /* newest timestamp pushed out while still fresh; older ones are refused */
	bool have_floor;
};

/*
 * The server's checks on a decoded request, after havz_wire_decode: an op
 * it knows, sent by the peer (peer_name), within HAVZ_WIRE_SKEW_S of now,
 * and a nonce not seen before (then remembered). Returns 0, -EBADMSG (not a
 * request), -EACCES (wrong sender), -ESTALE (time), -EALREADY (replay).
 */
int havz_wire_check_request(const struct havz_wire_msg *m, const char *peer_name, int64_t now,
			    struct havz_wire_replay *cache);

/* The client's checks on a decoded reply to req: op, reply_to, sender, time. Same errors. */
int havz_wire_check_reply(const struct havz_wire_msg *reply, const struct havz_wire_msg *req,
			  const char *peer_name, int64_t now);

const char *havz_wire_result_name(unsigned result);

/* The exit code of a DRBD 8.4 fence-peer handler for an OUTDATE result (see drbd.conf(5)). */
int havz_wire_fence_exit(unsigned result);

/* One container in a STATUS reply: a line "NAME STATE RESTARTS". */
struct havz_wire_ct {
	char name[HAVZ_WIRE_SENDER];
	char state[16];
	unsigned restarts;
};

/* The resource of a STATUS request whose requester reads the config line. */
#define HAVZ_WIRE_STATUS_CONFIG "config"

/*
 * Fills the payload of a STATUS reply: the config line when config_sha256 is
 * not NULL (then it must be HAVZ_SHA256_HEX lowercase hex digits), then
 * the containers. -E2BIG when it does not fit, -EINVAL for bad names or digest.
 */
int havz_wire_status_set(struct havz_wire_msg *m, const char *config_sha256,
			 const struct havz_wire_ct *cts, size_t n);
/*
 * Parses a STATUS payload into at most max entries, and the config line's
 * digest into config_sha256 ("" when there is none). -EBADMSG on any bad
 * line: a config line (two words, the first "config") that is not first,
 * a second one, or one whose digest is not HAVZ_SHA256_HEX lowercase hex
 * digits. -E2BIG past max.
 */
int havz_wire_status_get(const struct havz_wire_msg *m, char config_sha256[HAVZ_SHA256_HEX + 1],
			 struct havz_wire_ct *cts, size_t max, size_t *n);

#endif
