// SPDX-License-Identifier: GPL-2.0-only
/* ha-vz sync's decision: every verdict, how verdicts combine, their messages, strict records. */
#include "helpers.h"

#include <errno.h>

#include "havz/sync.h"

#define HA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HC "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

static enum havz_sync_verdict decide(const char *local, const char *peer, const char *peer_record,
				     const char *local_record, bool force)
{
	const struct havz_sync_state s = { local, peer, peer_record, local_record, force };

	return havz_sync_decide(&s);
}

static void test_equal_files(void **state)
{
	(void)state;
	assert_int_equal(decide(HA, HA, HA, HA, false), HAVZ_SYNC_SAME);
	/* equal files, but a record missing or stale on either side */
	assert_int_equal(decide(HA, HA, NULL, NULL, false), HAVZ_SYNC_RECORD);
	assert_int_equal(decide(HA, HA, HA, NULL, false), HAVZ_SYNC_RECORD);
	assert_int_equal(decide(HA, HA, NULL, HA, false), HAVZ_SYNC_RECORD);
	assert_int_equal(decide(HA, HA, HB, HA, false), HAVZ_SYNC_RECORD);
	assert_int_equal(decide(HA, HA, HA, HB, false), HAVZ_SYNC_RECORD);
	/* the peer was edited since its record, but into what we send: nothing is lost */
	assert_int_equal(decide(HA, HA, HB, HB, false), HAVZ_SYNC_RECORD);
}

static void test_send(void **state)
{
	(void)state;
	/* the peer holds what the last sync recorded on both nodes */
	assert_int_equal(decide(HA, HB, HB, HB, false), HAVZ_SYNC_SEND);
	/* this node lost its record: the peer's own record still shows it untouched */
	assert_int_equal(decide(HA, HB, HB, NULL, false), HAVZ_SYNC_SEND);
	assert_int_equal(decide(HA, HB, HB, HB, true), HAVZ_SYNC_SEND);
}

static void test_first(void **state)
{
	(void)state;
	assert_int_equal(decide(HA, HB, NULL, NULL, false), HAVZ_SYNC_SEND_FIRST);
	assert_int_equal(decide(HA, NULL, NULL, NULL, false), HAVZ_SYNC_SEND_FIRST);
	/* the peer lost its record (reinstalled): nothing can tell, a first sync again */
	assert_int_equal(decide(HA, HB, NULL, HC, false), HAVZ_SYNC_SEND_FIRST);
}

static void test_diverged(void **state)
{
	(void)state;
	assert_int_equal(decide(HA, HC, HB, HB, false), HAVZ_SYNC_REFUSE_DIVERGED);
	assert_int_equal(decide(HA, HC, HB, NULL, false), HAVZ_SYNC_REFUSE_DIVERGED);
	/* the peer's copy is gone although a sync was recorded there */
	assert_int_equal(decide(HA, NULL, HB, HB, false), HAVZ_SYNC_REFUSE_DIVERGED);
	/* changed there, and the records disagree as well: the edit is what matters */
	assert_int_equal(decide(HA, HC, HB, HA, false), HAVZ_SYNC_REFUSE_DIVERGED);
	assert_int_equal(decide(HA, HC, HB, HB, true), HAVZ_SYNC_OVERWRITE);
	assert_int_equal(decide(HA, NULL, HB, HB, true), HAVZ_SYNC_OVERWRITE);
}

static void test_records_disagree(void **state)
{
	(void)state;
	assert_int_equal(decide(HA, HB, HB, HC, false), HAVZ_SYNC_REFUSE_RECORDS);
	assert_int_equal(decide(HA, HB, HB, HA, false), HAVZ_SYNC_REFUSE_RECORDS);
	assert_int_equal(decide(HA, HB, HB, HC, true), HAVZ_SYNC_OVERWRITE);
}

static void test_combine(void **state)
{
	(void)state;
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_SAME, HAVZ_SYNC_SAME), HAVZ_SYNC_SAME);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_SAME, HAVZ_SYNC_RECORD), HAVZ_SYNC_RECORD);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_SEND, HAVZ_SYNC_RECORD), HAVZ_SYNC_SEND);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_SEND_FIRST, HAVZ_SYNC_SEND),
			 HAVZ_SYNC_SEND_FIRST);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_SEND, HAVZ_SYNC_OVERWRITE),
			 HAVZ_SYNC_OVERWRITE);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_REFUSE_DIVERGED, HAVZ_SYNC_SAME),
			 HAVZ_SYNC_REFUSE_DIVERGED);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_REFUSE_RECORDS, HAVZ_SYNC_REFUSE_DIVERGED),
			 HAVZ_SYNC_REFUSE_DIVERGED);
	assert_int_equal(havz_sync_combine(HAVZ_SYNC_OVERWRITE, HAVZ_SYNC_REFUSE_RECORDS),
			 HAVZ_SYNC_REFUSE_RECORDS);

	assert_false(havz_sync_sends(HAVZ_SYNC_SAME));
	assert_true(havz_sync_sends(HAVZ_SYNC_RECORD));
	assert_true(havz_sync_sends(HAVZ_SYNC_SEND));
	assert_true(havz_sync_sends(HAVZ_SYNC_SEND_FIRST));
	assert_true(havz_sync_sends(HAVZ_SYNC_OVERWRITE));
	assert_false(havz_sync_sends(HAVZ_SYNC_REFUSE_RECORDS));
	assert_false(havz_sync_sends(HAVZ_SYNC_REFUSE_DIVERGED));
	assert_true(havz_sync_refused(HAVZ_SYNC_REFUSE_RECORDS));
	assert_true(havz_sync_refused(HAVZ_SYNC_REFUSE_DIVERGED));
	assert_false(havz_sync_refused(HAVZ_SYNC_OVERWRITE));
	assert_false(havz_sync_refused(HAVZ_SYNC_SAME));
}

static void test_explain(void **state)
{
	const struct havz_sync_state diverged = { HA, HC, HB, HB, false };
	const struct havz_sync_state gone = { HA, NULL, HB, HB, false };
	const struct havz_sync_state records = { HA, HB, HB, HC, false };
	const struct havz_sync_state first = { HA, NULL, NULL, NULL, false };
	char line[512];

	(void)state;
	havz_sync_explain(HAVZ_SYNC_REFUSE_DIVERGED, &diverged, "ha-vz.conf", "beta", line,
			  sizeof(line));
	assert_string_equal(line, "ha-vz.conf: beta's copy changed since the last sync (it has " HC
				  ", the sync recorded " HB "): someone edited it there; merge "
				  "that change into this node's file, or use --force to overwrite");
	havz_sync_explain(HAVZ_SYNC_REFUSE_DIVERGED, &gone, "ha-vz.conf", "beta", line,
			  sizeof(line));
	assert_non_null(strstr(line, "(it has none, the sync recorded " HB ")"));
	havz_sync_explain(HAVZ_SYNC_REFUSE_RECORDS, &records, "authkey", "beta", line,
			  sizeof(line));
	assert_non_null(strstr(line, "authkey: the nodes' sync records disagree (beta recorded " HB
				     ", this node " HC ")"));
	assert_non_null(strstr(line, "--force"));
	havz_sync_explain(HAVZ_SYNC_SEND_FIRST, &first, "ha-vz.conf", "beta", line, sizeof(line));
	assert_string_equal(line,
			    "ha-vz.conf: no sync recorded on beta: first sync, it has no copy yet");
	havz_sync_explain(HAVZ_SYNC_OVERWRITE, &diverged, "ha-vz.conf", "beta", line, sizeof(line));
	assert_non_null(strstr(line, "overwriting it (--force)"));
	assert_non_null(strstr(line, HC));
}

static void test_record_parse(void **state)
{
	char hex[HAVZ_SHA256_HEX + 1], text[HAVZ_SHA256_HEX + 2];

	(void)state;
	assert_int_equal(havz_sync_record_parse(HA "\n", HAVZ_SHA256_HEX + 1, hex), 0);
	assert_string_equal(hex, HA);
	/* no newline, two newlines, CRLF, a trailing space, upper case, short, empty */
	assert_int_equal(havz_sync_record_parse(HA, HAVZ_SHA256_HEX, hex), -EINVAL);
	assert_int_equal(havz_sync_record_parse(HA "\n\n", HAVZ_SHA256_HEX + 2, hex), -EINVAL);
	assert_int_equal(havz_sync_record_parse(HA "\r\n", HAVZ_SHA256_HEX + 2, hex), -EINVAL);
	assert_int_equal(havz_sync_record_parse(HA " \n", HAVZ_SHA256_HEX + 2, hex), -EINVAL);
	memcpy(text, HA "\n", sizeof(text));
	text[10] = 'A';
	assert_int_equal(havz_sync_record_parse(text, HAVZ_SHA256_HEX + 1, hex), -EINVAL);
	text[10] = 'g';
	assert_int_equal(havz_sync_record_parse(text, HAVZ_SHA256_HEX + 1, hex), -EINVAL);
	text[10] = '\0';
	assert_int_equal(havz_sync_record_parse(text, HAVZ_SHA256_HEX + 1, hex), -EINVAL);
	assert_int_equal(havz_sync_record_parse(HA "\n" + 1, HAVZ_SHA256_HEX, hex), -EINVAL);
	assert_int_equal(havz_sync_record_parse("", 0, hex), -EINVAL);
	assert_int_equal(havz_sync_record_parse("\n", 1, hex), -EINVAL);
}

static void test_record_format(void **state)
{
	char out[HAVZ_SHA256_HEX + 2], hex[HAVZ_SHA256_HEX + 1];

	(void)state;
	assert_int_equal(havz_sync_record_format(HB, out, sizeof(out)), 0);
	assert_string_equal(out, HB "\n");
	assert_int_equal(havz_sync_record_parse(out, strlen(out), hex), 0);
	assert_string_equal(hex, HB);
	assert_int_equal(havz_sync_record_format("abc", out, sizeof(out)), -EINVAL);
	assert_int_equal(havz_sync_record_format(HB, out, sizeof(out) - 1), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_files),
		cmocka_unit_test(test_send),
		cmocka_unit_test(test_first),
		cmocka_unit_test(test_diverged),
		cmocka_unit_test(test_records_disagree),
		cmocka_unit_test(test_combine),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test(test_record_format),
	};

	return cmocka_run_group_tests_name("sync", tests, NULL, NULL);
}
