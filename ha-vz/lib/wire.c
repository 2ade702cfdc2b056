// SPDX-License-Identifier: GPL-2.0-only
/* The ha-vzd control protocol: encoding, MAC, freshness and replay checks. */
#include "havz/wire.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

static const uint8_t magic[4] = { 'H', 'V', 'Z', 'P' };

enum {
	OFF_MAGIC = 0,
	OFF_VERSION = 4,
	OFF_OP = 5,
	OFF_RESULT = 6,
	OFF_RSVD1 = 7,
	OFF_TIME = 8,
	OFF_NONCE = 16,
	OFF_REPLY_TO = 32,
	OFF_SENDER = 48,
	OFF_RESOURCE = OFF_SENDER + HAVZ_WIRE_SENDER,
	OFF_PAYLOAD_LEN = OFF_RESOURCE + HAVZ_WIRE_RESOURCE,
	OFF_RSVD2 = OFF_PAYLOAD_LEN + 2,
	OFF_END = OFF_RSVD2 + 2,
};

_Static_assert(OFF_END == HAVZ_WIRE_HEADER, "wire header layout");

static bool name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '_' || c == '.';
}

/* A name that fits a field of size bytes with its NUL; empty only when allowed. */
static bool name_ok(const char *s, size_t size, bool may_be_empty)
{
	size_t n = strnlen(s, size);

	if (n == size || (n == 0 && !may_be_empty))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(s[i]))
			return false;
	return true;
}

static bool op_known(uint8_t op)
{
	uint8_t base = op & (uint8_t)~HAVZ_OP_REPLY;

	return base == HAVZ_OP_OUTDATE || base == HAVZ_OP_STATUS || base == HAVZ_OP_SWITCHOVER ||
	       base == HAVZ_OP_PREFLIGHT;
}

int havz_wire_request(struct havz_wire_msg *m, enum havz_wire_op op, const char *sender,
		      const char *resource, int64_t now)
{
	memset(m, 0, sizeof(*m));
	if (!op_known((uint8_t)op) || (op & HAVZ_OP_REPLY) ||
	    !name_ok(sender, sizeof(m->sender), false) ||
	    !name_ok(resource, sizeof(m->resource), op != HAVZ_OP_OUTDATE))
		return -EINVAL;
	m->op = (uint8_t)op;
	m->timestamp = now;
	if (RAND_bytes(m->nonce, sizeof(m->nonce)) != 1)
		return -EIO;
	strcpy(m->sender, sender);
	strcpy(m->resource, resource);
	return 0;
}

int havz_wire_reply(struct havz_wire_msg *reply, const struct havz_wire_msg *req,
		    const char *sender, enum havz_wire_result result, int64_t now)
{
	uint8_t op = req->op;

	memset(reply, 0, sizeof(*reply));
	if (!op_known(op) || (op & HAVZ_OP_REPLY) ||
	    !name_ok(sender, sizeof(reply->sender), false) || (unsigned)result > HAVZ_RES_MAX)
		return -EINVAL;
	reply->op = op | HAVZ_OP_REPLY;
	reply->result = (uint8_t)result;
	reply->timestamp = now;
	if (RAND_bytes(reply->nonce, sizeof(reply->nonce)) != 1)
		return -EIO;
	memcpy(reply->reply_to, req->nonce, sizeof(reply->reply_to));
	strcpy(reply->sender, sender);
	memcpy(reply->resource, req->resource, sizeof(reply->resource));
	return 0;
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--) {
		p[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

static uint64_t get_be(const uint8_t *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = (v << 8) | p[i];
	return v;
}

static int mac(const void *key, size_t keylen, const uint8_t *data, size_t len,
	       uint8_t out[HAVZ_WIRE_MAC])
{
	unsigned outlen = 0;

	if (!key || keylen == 0 || keylen > 1024)
		return -EINVAL;
	if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen) ||
	    outlen != HAVZ_WIRE_MAC)
		return -EIO;
	return 0;
}

int havz_wire_encode(const struct havz_wire_msg *m, const void *key, size_t keylen, uint8_t *out,
		     size_t size)
{
	size_t body = HAVZ_WIRE_HEADER + m->payload_len;
	int rc;

	if (!op_known(m->op) || m->result > HAVZ_RES_MAX ||
	    m->payload_len > HAVZ_WIRE_PAYLOAD_MAX ||
	    !name_ok(m->sender, sizeof(m->sender), false) ||
	    !name_ok(m->resource, sizeof(m->resource), true))
		return -EINVAL;
	if (size < body + HAVZ_WIRE_MAC)
		return -ENOBUFS;
	memset(out, 0, HAVZ_WIRE_HEADER);
	memcpy(out + OFF_MAGIC, magic, sizeof(magic));
	out[OFF_VERSION] = HAVZ_WIRE_VERSION;
	out[OFF_OP] = m->op;
	out[OFF_RESULT] = m->result;
	put_be(out + OFF_TIME, (uint64_t)m->timestamp, 8);
	memcpy(out + OFF_NONCE, m->nonce, HAVZ_WIRE_NONCE);
	memcpy(out + OFF_REPLY_TO, m->reply_to, HAVZ_WIRE_NONCE);
	memcpy(out + OFF_SENDER, m->sender, strlen(m->sender));
	memcpy(out + OFF_RESOURCE, m->resource, strlen(m->resource));
	put_be(out + OFF_PAYLOAD_LEN, m->payload_len, 2);
	memcpy(out + HAVZ_WIRE_HEADER, m->payload, m->payload_len);
	rc = mac(key, keylen, out, body, out + body);
	if (rc)
		return rc;
	return (int)(body + HAVZ_WIRE_MAC);
}

int havz_wire_frame_len(const uint8_t *hdr, size_t n)
{
	uint64_t payload;

	if (n < HAVZ_WIRE_HEADER || memcmp(hdr + OFF_MAGIC, magic, sizeof(magic)) ||
	    hdr[OFF_VERSION] != HAVZ_WIRE_VERSION)
		return -EBADMSG;
	payload = get_be(hdr + OFF_PAYLOAD_LEN, 2);
	if (payload > HAVZ_WIRE_PAYLOAD_MAX)
		return -EBADMSG;
	return (int)(HAVZ_WIRE_HEADER + payload + HAVZ_WIRE_MAC);
}

/* A NUL-padded field: a valid name, then only NULs. */
static bool field_get(const uint8_t *p, size_t size, char *out, bool may_be_empty)
{
	size_t n = strnlen((const char *)p, size);

	if (n == size)
		return false;
	for (size_t i = n; i < size; i++)
		if (p[i])
			return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return name_ok(out, size, may_be_empty);
}

int havz_wire_decode(const uint8_t *buf, size_t len, const void *key, size_t keylen,
		     struct havz_wire_msg *m)
{
	uint8_t want[HAVZ_WIRE_MAC];
	int total = havz_wire_frame_len(buf, len);
	int rc;

	memset(m, 0, sizeof(*m));
	if (total < 0 || (size_t)total != len)
		return -EBADMSG;
	rc = mac(key, keylen, buf, len - HAVZ_WIRE_MAC, want);
	if (rc)
		return rc;
	rc = CRYPTO_memcmp(want, buf + len - HAVZ_WIRE_MAC, HAVZ_WIRE_MAC);
	OPENSSL_cleanse(want, sizeof(want));
	if (rc)
		return -EPERM;
	/* Authentic; still check that the peer's software sent something well-formed. */
	m->op = buf[OFF_OP];
	m->result = buf[OFF_RESULT];
	if (!op_known(m->op) || m->result > HAVZ_RES_MAX || buf[OFF_RSVD1] || buf[OFF_RSVD2] ||
	    buf[OFF_RSVD2 + 1])
		return -EBADMSG;
	m->timestamp = (int64_t)get_be(buf + OFF_TIME, 8);
	memcpy(m->nonce, buf + OFF_NONCE, HAVZ_WIRE_NONCE);
	memcpy(m->reply_to, buf + OFF_REPLY_TO, HAVZ_WIRE_NONCE);
	if (!field_get(buf + OFF_SENDER, HAVZ_WIRE_SENDER, m->sender, false) ||
	    !field_get(buf + OFF_RESOURCE, HAVZ_WIRE_RESOURCE, m->resource, true))
		return -EBADMSG;
	m->payload_len = (uint16_t)get_be(buf + OFF_PAYLOAD_LEN, 2);
	memcpy(m->payload, buf + HAVZ_WIRE_HEADER, m->payload_len);
	m->payload[m->payload_len] = '\0';
	if (strlen(m->payload) != m->payload_len)
		return -EBADMSG; /* no NUL inside */
	return 0;
}

static bool fresh(int64_t ts, int64_t now)
{
	return ts >= now - HAVZ_WIRE_SKEW_S && ts <= now + HAVZ_WIRE_SKEW_S;
}

static bool is_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* Remembers a nonce; returns false when it was seen before (or may have been). */
static bool replay_remember(struct havz_wire_replay *c, const uint8_t *nonce, int64_t ts,
			    int64_t now)
{
	if (c->have_floor && ts <= c->floor)
		return false;
	for (size_t i = 0; i < c->used; i++)
		if (!memcmp(c->nonce[i], nonce, HAVZ_WIRE_NONCE))
			return false;
	if (c->used < HAVZ_WIRE_REPLAY_SLOTS) {
		c->next = c->used++;
	} else {
		/* Reuse the slot of the oldest timestamp. */
		size_t oldest = 0;

		for (size_t i = 1; i < c->used; i++)
			if (c->ts[i] < c->ts[oldest])
				oldest = i;
		c->next = oldest;
		/* Pushed out while still acceptable: refuse this timestamp and older from now on.
		 */
		if (fresh(c->ts[oldest], now) && (!c->have_floor || c->ts[oldest] > c->floor)) {
			c->floor = c->ts[oldest];
			c->have_floor = true;
		}
	}
	memcpy(c->nonce[c->next], nonce, HAVZ_WIRE_NONCE);
	c->ts[c->next] = ts;
	return true;
}

int havz_wire_check_request(const struct havz_wire_msg *m, const char *peer_name, int64_t now,
			    struct havz_wire_replay *cache)
{
	if (!op_known(m->op) || (m->op & HAVZ_OP_REPLY) || m->result ||
	    !is_zero(m->reply_to, sizeof(m->reply_to)) || m->payload_len)
		return -EBADMSG;
	if (strcmp(m->sender, peer_name))
		return -EACCES;
	if (!fresh(m->timestamp, now))
		return -ESTALE;
	if (!replay_remember(cache, m->nonce, m->timestamp, now))
		return -EALREADY;
	return 0;
}

int havz_wire_check_reply(const struct havz_wire_msg *reply, const struct havz_wire_msg *req,
			  const char *peer_name, int64_t now)
{
	if (reply->op != (req->op | HAVZ_OP_REPLY) || strcmp(reply->resource, req->resource))
		return -EBADMSG;
	if (strcmp(reply->sender, peer_name))
		return -EACCES;
	if (CRYPTO_memcmp(reply->reply_to, req->nonce, HAVZ_WIRE_NONCE))
		return -EALREADY;
	if (!fresh(reply->timestamp, now))
		return -ESTALE;
	return 0;
}

const char *havz_wire_result_name(unsigned result)
{
	static const char *const names[] = {
		[HAVZ_RES_OK] = "ok",
		[HAVZ_RES_OUTDATED] = "outdated",
		[HAVZ_RES_INCONSISTENT] = "inconsistent",
		[HAVZ_RES_PRIMARY] = "peer is primary",
		[HAVZ_RES_FAILED] = "failed",
		[HAVZ_RES_UNKNOWN] = "unknown resource",
		[HAVZ_RES_REFUSED] = "refused",
	};

	return result <= HAVZ_RES_MAX ? names[result] : "invalid";
}

int havz_wire_fence_exit(unsigned result)
{
	switch (result) {
	case HAVZ_RES_INCONSISTENT: return 3;
	case HAVZ_RES_OUTDATED: return 4;
	case HAVZ_RES_PRIMARY: return 6;
	default: return 1;
	}
}

static bool word_ok(const char *s, size_t size)
{
	return name_ok(s, size, false);
}

int havz_wire_status_set(struct havz_wire_msg *m, const char *config_sha256,
			 const struct havz_wire_ct *cts, size_t n)
{
	size_t len = 0;

	if (config_sha256) {
		if (!havz_sha256_hex_valid(config_sha256))
			return -EINVAL;
		len = (size_t)snprintf(m->payload, sizeof(m->payload), "config %s\n",
				       config_sha256);
	}
	for (size_t i = 0; i < n; i++) {
		int w;

		if (!word_ok(cts[i].name, sizeof(cts[i].name)) ||
		    !word_ok(cts[i].state, sizeof(cts[i].state)))
			return -EINVAL;
		w = snprintf(m->payload + len, sizeof(m->payload) - len, "%s %s %u\n", cts[i].name,
			     cts[i].state, cts[i].restarts);
		if (w < 0 || (size_t)w >= sizeof(m->payload) - len ||
		    len + (size_t)w > HAVZ_WIRE_PAYLOAD_MAX)
			return -E2BIG;
		len += (size_t)w;
	}
	m->payload[len] = '\0';
	m->payload_len = (uint16_t)len;
	return 0;
}

/* Copies the next space- or newline-ended word of at most size-1 characters. */
static const char *word_get(const char *p, char end, char *out, size_t size)
{
	size_t n = 0;

	while (p[n] && p[n] != end && p[n] != ' ' && p[n] != '\n')
		n++;
	if (p[n] != end || n == 0 || n >= size)
		return NULL;
	memcpy(out, p, n);
	out[n] = '\0';
	return word_ok(out, size) ? p + n + 1 : NULL;
}

/*
 * A config line: "config" and exactly one more word. Three words are a
 * container's line, even of a container named "config".
 */
static bool config_line(const char *p)
{
	if (strncmp(p, "config ", 7))
		return false;
	p += 7;
	while (*p && *p != '\n' && *p != ' ')
		p++;
	return *p != ' ';
}

/* The digest of the config line at p: the line after it, or NULL. */
static const char *config_get(const char *p, char hex[HAVZ_SHA256_HEX + 1])
{
	const char *end = strchr(p + 7, '\n');

	if (!end || (size_t)(end - (p + 7)) != HAVZ_SHA256_HEX)
		return NULL;
	memcpy(hex, p + 7, HAVZ_SHA256_HEX);
	hex[HAVZ_SHA256_HEX] = '\0';
	if (!havz_sha256_hex_valid(hex)) {
		hex[0] = '\0';
		return NULL;
	}
	return end + 1;
}

int havz_wire_status_get(const struct havz_wire_msg *m, char config_sha256[HAVZ_SHA256_HEX + 1],
			 struct havz_wire_ct *cts, size_t max, size_t *n)
{
	const char *p = m->payload;
	char num[12];

	*n = 0;
	config_sha256[0] = '\0';
	if (config_line(p)) {
		p = config_get(p, config_sha256);
		if (!p)
			return -EBADMSG;
	}
	while (*p) {
		struct havz_wire_ct ct;
		unsigned long v = 0;

		if (config_line(p))
			return -EBADMSG; /* only first, only once */
		memset(&ct, 0, sizeof(ct));
		p = word_get(p, ' ', ct.name, sizeof(ct.name));
		if (p)
			p = word_get(p, ' ', ct.state, sizeof(ct.state));
		if (p)
			p = word_get(p, '\n', num, 8);
		if (!p)
			return -EBADMSG;
		for (const char *d = num; *d; d++) {
			if (*d < '0' || *d > '9')
				return -EBADMSG;
			v = v * 10 + (unsigned long)(*d - '0');
		}
		if (num[0] == '0' && num[1])
			return -EBADMSG;
		ct.restarts = (unsigned)v;
		if (*n == max)
			return -E2BIG;
		cts[(*n)++] = ct;
	}
	return 0;
}
