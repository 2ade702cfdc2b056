// SPDX-License-Identifier: GPL-2.0-only
/* The ha-vzd control protocol: round trips, MAC, freshness, replay, malformed input. */
#include "helpers.h"

#include <errno.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "havz/wire.h"

#define KEY "0123456789abcdef0123456789abcdef"
#define NOW 1700000000

static int encode(const struct havz_wire_msg *m, uint8_t *buf)
{
	int n = havz_wire_encode(m, KEY, strlen(KEY), buf, HAVZ_WIRE_MSG_MAX);

	assert_true(n > 0);
	return n;
}

static void test_request_roundtrip(void **state)
{
	struct havz_wire_msg req, got;
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	int n;

	(void)state;
	assert_int_equal(havz_wire_request(&req, HAVZ_OP_OUTDATE, "alpha", "ct-web", NOW), 0);
	n = encode(&req, buf);
	assert_int_equal(n, HAVZ_WIRE_HEADER + HAVZ_WIRE_MAC);
	assert_int_equal(havz_wire_frame_len(buf, HAVZ_WIRE_HEADER), n);
	assert_memory_equal(buf, "HVZP\x01\x01\x00\x00", 8);
	assert_int_equal(havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got), 0);
	assert_int_equal(got.op, HAVZ_OP_OUTDATE);
	assert_int_equal(got.timestamp, NOW);
	assert_string_equal(got.sender, "alpha");
	assert_string_equal(got.resource, "ct-web");
	assert_memory_equal(got.nonce, req.nonce, HAVZ_WIRE_NONCE);
}

static void test_nonces_differ(void **state)
{
	struct havz_wire_msg a, b;

	(void)state;
	assert_int_equal(havz_wire_request(&a, HAVZ_OP_STATUS, "alpha", "", NOW), 0);
	assert_int_equal(havz_wire_request(&b, HAVZ_OP_STATUS, "alpha", "", NOW), 0);
	assert_memory_not_equal(a.nonce, b.nonce, HAVZ_WIRE_NONCE);
}

static void test_request_rejects_bad_names(void **state)
{
	struct havz_wire_msg m;

	(void)state;
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_OUTDATE, "alpha", "", NOW), -EINVAL);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_OUTDATE, "", "ct-web", NOW), -EINVAL);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_OUTDATE, "al pha", "ct-web", NOW), -EINVAL);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_OUTDATE, "alpha", "ct/web", NOW), -EINVAL);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_OUTDATE, "alpha",
					   "ct-0123456789012345678901234567890123456", NOW),
			 -EINVAL);
	assert_int_equal(havz_wire_request(&m, (enum havz_wire_op)5, "alpha", "x", NOW), -EINVAL);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_SWITCHOVER, "alpha", "", NOW), 0);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_PREFLIGHT, "alpha", "", NOW), 0);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_STATUS | HAVZ_OP_REPLY, "alpha", "", NOW),
			 -EINVAL);
}

static void test_wrong_key_and_tampering(void **state)
{
	struct havz_wire_msg req, got;
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	int n;

	(void)state;
	assert_int_equal(havz_wire_request(&req, HAVZ_OP_OUTDATE, "alpha", "ct-web", NOW), 0);
	n = encode(&req, buf);
	assert_int_equal(havz_wire_decode(buf, (size_t)n, "another-key-of-16+", 18, &got), -EPERM);
	for (int i = 0; i < n; i++) {
		buf[i] ^= 0x01;
		int rc = havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got);
		/* Header bytes the framing checks (magic, version, length) fail as malformed. */
		assert_true(rc == -EPERM || rc == -EBADMSG);
		buf[i] ^= 0x01;
	}
	assert_int_equal(havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got), 0);
	assert_int_equal(havz_wire_encode(&req, KEY, 0, buf, sizeof(buf)), -EINVAL);
}

static void test_malformed(void **state)
{
	struct havz_wire_msg req, got;
	uint8_t buf[HAVZ_WIRE_MSG_MAX + 8];
	int n;

	(void)state;
	assert_int_equal(havz_wire_request(&req, HAVZ_OP_STATUS, "alpha", "", NOW), 0);
	n = encode(&req, buf);
	/* Truncated, too long, short header. */
	assert_int_equal(havz_wire_decode(buf, (size_t)n - 1, KEY, strlen(KEY), &got), -EBADMSG);
	assert_int_equal(havz_wire_decode(buf, (size_t)n + 1, KEY, strlen(KEY), &got), -EBADMSG);
	assert_int_equal(havz_wire_frame_len(buf, HAVZ_WIRE_HEADER - 1), -EBADMSG);
	assert_int_equal(havz_wire_decode(buf, 3, KEY, strlen(KEY), &got), -EBADMSG);
	/* Garbage. */
	memset(buf, 'A', sizeof(buf));
	assert_int_equal(havz_wire_frame_len(buf, HAVZ_WIRE_HEADER), -EBADMSG);
	/* Oversize payload length. */
	n = encode(&req, buf);
	buf[124] = 0x10;
	buf[125] = 0x01; /* 4097 */
	assert_int_equal(havz_wire_frame_len(buf, HAVZ_WIRE_HEADER), -EBADMSG);
	buf[124] = 0xff;
	buf[125] = 0xff;
	assert_int_equal(havz_wire_frame_len(buf, HAVZ_WIRE_HEADER), -EBADMSG);
	/* Wrong version. */
	n = encode(&req, buf);
	buf[4] = 2;
	assert_int_equal(havz_wire_frame_len(buf, HAVZ_WIRE_HEADER), -EBADMSG);
}

/* Signs buf[0..n-MAC) again after a test changed bytes by hand. */
static void resign(uint8_t *buf, size_t n)
{
	unsigned len = 0;

	assert_non_null(HMAC(EVP_sha256(), KEY, (int)strlen(KEY), buf, n - HAVZ_WIRE_MAC,
			     buf + n - HAVZ_WIRE_MAC, &len));
	assert_int_equal(len, HAVZ_WIRE_MAC);
}

static void test_signed_but_malformed(void **state)
{
	struct havz_wire_msg m, got;
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	int n;

	(void)state;
	/* A payload with a NUL inside: encode signs payload_len bytes as given. */
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_STATUS, "alpha", "", NOW), 0);
	m.op |= HAVZ_OP_REPLY;
	memcpy(m.payload, "web\0x", 5);
	m.payload_len = 5;
	n = encode(&m, buf);
	assert_int_equal(havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got), -EBADMSG);
	/* Unknown op and result are refused by the encoder itself. */
	m.payload_len = 0;
	m.op = 9;
	assert_int_equal(havz_wire_encode(&m, KEY, strlen(KEY), buf, sizeof(buf)), -EINVAL);
	m.op = HAVZ_OP_STATUS;
	m.result = HAVZ_RES_MAX + 1;
	assert_int_equal(havz_wire_encode(&m, KEY, strlen(KEY), buf, sizeof(buf)), -EINVAL);
	m.result = 0;
	assert_int_equal(havz_wire_encode(&m, KEY, strlen(KEY), buf, HAVZ_WIRE_HEADER), -ENOBUFS);
	/* Signed with the right key, but: bytes after the sender's NUL, a reserved byte, an op. */
	static const struct {
		size_t off;
		uint8_t v;
	} pokes[] = {
		{ 48 + 10, 'x' }, { 84 + 39, 'x' }, { 7, 1 },	 { 126, 1 },
		{ 5, 7 },	  { 6, 99 },	    { 48, '/' }, { 48, 0 },
	};
	for (size_t i = 0; i < sizeof(pokes) / sizeof(pokes[0]); i++) {
		n = encode(&m, buf);
		buf[pokes[i].off] = pokes[i].v;
		resign(buf, (size_t)n);
		assert_int_equal(havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got),
				 -EBADMSG);
	}
	n = encode(&m, buf);
	resign(buf, (size_t)n);
	assert_int_equal(havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got), 0);
}

static void test_check_request(void **state)
{
	struct havz_wire_replay *cache = calloc(1, sizeof(*cache));
	struct havz_wire_msg m;

	(void)state;
	assert_non_null(cache);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_OUTDATE, "beta", "ct-web", NOW), 0);
	assert_int_equal(havz_wire_check_request(&m, "alpha", NOW, cache), -EACCES);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW + 31, cache), -ESTALE);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW - 31, cache), -ESTALE);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW + 30, cache), 0);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW, cache), -EALREADY);
	/* A reply is not a request. */
	m.op |= HAVZ_OP_REPLY;
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW, cache), -EBADMSG);
	free(cache);
}

static void test_replay_cache_overflow(void **state)
{
	struct havz_wire_replay *cache = calloc(1, sizeof(*cache));
	struct havz_wire_msg first, m;

	(void)state;
	assert_non_null(cache);
	assert_int_equal(havz_wire_request(&first, HAVZ_OP_STATUS, "beta", "", NOW - 5), 0);
	assert_int_equal(havz_wire_check_request(&first, "beta", NOW, cache), 0);
	/* Fill the cache; the last one pushes the first out while it is still fresh. */
	for (int i = 0; i < HAVZ_WIRE_REPLAY_SLOTS; i++) {
		assert_int_equal(havz_wire_request(&m, HAVZ_OP_STATUS, "beta", "", NOW), 0);
		assert_int_equal(havz_wire_check_request(&m, "beta", NOW, cache), 0);
	}
	assert_int_equal(havz_wire_check_request(&first, "beta", NOW, cache), -EALREADY);
	/* Pushing out a nonce of second NOW refuses the rest of that second (conservative)... */
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_STATUS, "beta", "", NOW), 0);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW, cache), 0);
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_STATUS, "beta", "", NOW), 0);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW, cache), -EALREADY);
	/* ...but not the next. */
	assert_int_equal(havz_wire_request(&m, HAVZ_OP_STATUS, "beta", "", NOW + 1), 0);
	assert_int_equal(havz_wire_check_request(&m, "beta", NOW + 1, cache), 0);
	free(cache);
}

static void test_reply(void **state)
{
	struct havz_wire_msg req, rep, got, other;
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	int n;

	(void)state;
	assert_int_equal(havz_wire_request(&req, HAVZ_OP_OUTDATE, "alpha", "ct-web", NOW), 0);
	assert_int_equal(havz_wire_reply(&rep, &req, "beta", HAVZ_RES_OUTDATED, NOW + 1), 0);
	n = encode(&rep, buf);
	assert_int_equal(havz_wire_decode(buf, (size_t)n, KEY, strlen(KEY), &got), 0);
	assert_int_equal(got.op, HAVZ_OP_OUTDATE | HAVZ_OP_REPLY);
	assert_int_equal(got.result, HAVZ_RES_OUTDATED);
	assert_int_equal(havz_wire_check_reply(&got, &req, "beta", NOW), 0);
	assert_int_equal(havz_wire_check_reply(&got, &req, "alpha", NOW), -EACCES);
	assert_int_equal(havz_wire_check_reply(&got, &req, "beta", NOW + 40), -ESTALE);
	assert_int_equal(havz_wire_request(&other, HAVZ_OP_OUTDATE, "alpha", "ct-web", NOW), 0);
	assert_int_equal(havz_wire_check_reply(&got, &other, "beta", NOW), -EALREADY);
	assert_int_equal(havz_wire_check_reply(&req, &req, "alpha", NOW), -EBADMSG);
	/* A reply cannot be answered, and results are bounded. */
	assert_int_equal(havz_wire_reply(&other, &rep, "beta", HAVZ_RES_OK, NOW), -EINVAL);
	assert_int_equal(havz_wire_reply(&other, &req, "beta", (enum havz_wire_result)99, NOW),
			 -EINVAL);
}

static void test_fence_exit_codes(void **state)
{
	(void)state;
	assert_int_equal(havz_wire_fence_exit(HAVZ_RES_INCONSISTENT), 3);
	assert_int_equal(havz_wire_fence_exit(HAVZ_RES_OUTDATED), 4);
	assert_int_equal(havz_wire_fence_exit(HAVZ_RES_PRIMARY), 6);
	assert_int_equal(havz_wire_fence_exit(HAVZ_RES_FAILED), 1);
	assert_int_equal(havz_wire_fence_exit(HAVZ_RES_UNKNOWN), 1);
	assert_int_equal(havz_wire_fence_exit(HAVZ_RES_REFUSED), 1);
	assert_int_equal(havz_wire_fence_exit(200), 1);
	assert_string_equal(havz_wire_result_name(HAVZ_RES_PRIMARY), "peer is primary");
	assert_string_equal(havz_wire_result_name(77), "invalid");
}

static void test_status_payload(void **state)
{
	struct havz_wire_ct cts[2] = { { "web", "running", 0 }, { "db", "failed", 12 } }, got[4];
	struct havz_wire_msg req, rep, dec;
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	char hex[HAVZ_SHA256_HEX + 1] = "stale";
	size_t n;
	int len;

	(void)state;
	assert_int_equal(havz_wire_request(&req, HAVZ_OP_STATUS, "alpha", "", NOW), 0);
	assert_int_equal(havz_wire_reply(&rep, &req, "beta", HAVZ_RES_OK, NOW), 0);
	assert_int_equal(havz_wire_status_set(&rep, NULL, cts, 2), 0);
	assert_string_equal(rep.payload, "web running 0\ndb failed 12\n");
	len = encode(&rep, buf);
	assert_int_equal(havz_wire_decode(buf, (size_t)len, KEY, strlen(KEY), &dec), 0);
	assert_int_equal(havz_wire_status_get(&dec, hex, got, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(hex, ""); /* no config line: not known */
	assert_string_equal(got[1].name, "db");
	assert_string_equal(got[1].state, "failed");
	assert_int_equal(got[1].restarts, 12);
	assert_int_equal(havz_wire_status_get(&dec, hex, got, 1, &n), -E2BIG);
	/* Empty: a node holding nothing. */
	assert_int_equal(havz_wire_status_set(&rep, NULL, cts, 0), 0);
	assert_int_equal(havz_wire_status_get(&rep, hex, got, 4, &n), 0);
	assert_int_equal(n, 0);
	/* Bad lines. */
	static const char *const bad[] = { "web running\n",	     "web running 1",
					   "web  running 1\n",	     "web running x\n",
					   "web running 01\n",	     "w/b running 1\n",
					   "web running 1 2\n",	     "\n",
					   "web running 123456789\n" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		strcpy(rep.payload, bad[i]);
		rep.payload_len = (uint16_t)strlen(bad[i]);
		assert_int_equal(havz_wire_status_get(&rep, hex, got, 4, &n), -EBADMSG);
	}
	struct havz_wire_ct evil = { "web\nx", "running", 0 };
	assert_int_equal(havz_wire_status_set(&rep, NULL, &evil, 1), -EINVAL);
}

#define CFG_A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define CFG_LINE "config " CFG_A "\n"

static void test_status_config_line(void **state)
{
	struct havz_wire_ct cts[2] = { { "web", "running", 0 }, { "config", "failed", 3 } }, got[4];
	struct havz_wire_msg req, rep, dec;
	uint8_t buf[HAVZ_WIRE_MSG_MAX];
	char hex[HAVZ_SHA256_HEX + 1];
	size_t n;
	int len;

	(void)state;
	/* The request that asks for it: STATUS with resource "config". */
	assert_int_equal(
		havz_wire_request(&req, HAVZ_OP_STATUS, "alpha", HAVZ_WIRE_STATUS_CONFIG, NOW), 0);
	assert_int_equal(havz_wire_reply(&rep, &req, "beta", HAVZ_RES_OK, NOW), 0);
	assert_string_equal(rep.resource, "config");
	assert_int_equal(havz_wire_status_set(&rep, CFG_A, cts, 2), 0);
	/* A container named "config" is a three-word line, not a config line. */
	assert_string_equal(rep.payload, CFG_LINE "web running 0\nconfig failed 3\n");
	len = encode(&rep, buf);
	assert_int_equal(havz_wire_decode(buf, (size_t)len, KEY, strlen(KEY), &dec), 0);
	assert_int_equal(havz_wire_check_reply(&dec, &req, "beta", NOW), 0);
	assert_int_equal(havz_wire_status_get(&dec, hex, got, 4, &n), 0);
	assert_string_equal(hex, CFG_A);
	assert_int_equal(n, 2);
	assert_string_equal(got[0].name, "web");
	assert_string_equal(got[1].name, "config");
	assert_int_equal(got[1].restarts, 3);
	/* The line alone: a node holding nothing. */
	assert_int_equal(havz_wire_status_set(&rep, CFG_A, cts, 0), 0);
	assert_string_equal(rep.payload, CFG_LINE);
	assert_int_equal(havz_wire_status_get(&rep, hex, got, 4, &n), 0);
	assert_string_equal(hex, CFG_A);
	assert_int_equal(n, 0);
	/* Only a digest as havz_sha256_hex writes it is sent. */
	assert_int_equal(havz_wire_status_set(&rep, "", cts, 1), -EINVAL);
	assert_int_equal(havz_wire_status_set(
				 &rep,
				 "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
				 cts, 1),
			 -EINVAL);
	assert_int_equal(havz_wire_status_set(&rep, CFG_A "\nweb running 9", cts, 1), -EINVAL);
}

static void test_status_config_line_malformed(void **state)
{
	static const char *const bad[] = {
		"web running 0\n" CFG_LINE,	     /* not first */
		CFG_LINE CFG_LINE,		     /* twice */
		CFG_LINE "web running 0\n" CFG_LINE, /* twice, the second later */
		"config " CFG_A,		     /* no newline */
		"config \n",			     /* no digest */
		"config e3b0c442\n",		     /* short */
		"config " CFG_A "5\n",		     /* 65 digits */
		"config E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855\n",
		"config g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n",
		"config  " CFG_A "\n",	/* two spaces */
		"config " CFG_A " \n",	/* trailing space: three words */
		"config " CFG_A " 1\n", /* a container line it is not */
		"config\n",		/* one word */
	};
	struct havz_wire_ct got[4];
	struct havz_wire_msg rep;
	char hex[HAVZ_SHA256_HEX + 1];
	size_t n;

	(void)state;
	memset(&rep, 0, sizeof(rep));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(rep.payload, sizeof(rep.payload), "%s", bad[i]);
		rep.payload_len = (uint16_t)strlen(bad[i]);
		assert_int_equal(havz_wire_status_get(&rep, hex, got, 4, &n), -EBADMSG);
	}
}

static void test_status_payload_too_big(void **state)
{
	struct havz_wire_ct *cts = calloc(300, sizeof(*cts));
	struct havz_wire_msg rep;

	(void)state;
	assert_non_null(cts);
	for (int i = 0; i < 300; i++) {
		snprintf(cts[i].name, sizeof(cts[i].name), "container-number-%d", i);
		strcpy(cts[i].state, "restarting");
	}
	assert_int_equal(havz_wire_status_set(&rep, NULL, cts, 300), -E2BIG);
	free(cts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_roundtrip),
		cmocka_unit_test(test_nonces_differ),
		cmocka_unit_test(test_request_rejects_bad_names),
		cmocka_unit_test(test_wrong_key_and_tampering),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_signed_but_malformed),
		cmocka_unit_test(test_check_request),
		cmocka_unit_test(test_replay_cache_overflow),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_fence_exit_codes),
		cmocka_unit_test(test_status_payload),
		cmocka_unit_test(test_status_config_line),
		cmocka_unit_test(test_status_config_line_malformed),
		cmocka_unit_test(test_status_payload_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
