// SPDX-License-Identifier: GPL-2.0-only
/* The configuration comparison of ha-vz status: same, differs, and every way to be unknown. */
#include "helpers.h"

#include "havz/cfgmatch.h"

#define A "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define B "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void test_same_and_differs(void **state)
{
	(void)state;
	assert_int_equal(havz_cfg_match(A, A), HAVZ_CFG_SAME);
	assert_int_equal(havz_cfg_match(A, B), HAVZ_CFG_DIFFERS);
	assert_int_equal(havz_cfg_match(B, A), HAVZ_CFG_DIFFERS);
	/* One digit apart is different. */
	assert_int_equal(
		havz_cfg_match(A,
			       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856"),
		HAVZ_CFG_DIFFERS);
}

static void test_unknown(void **state)
{
	static const char *const not_digests[] = {
		"",
		"-",
		"E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", /* upper case */
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",  /* 63 */
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555", /* 65 */
		"g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	};

	(void)state;
	assert_int_equal(havz_cfg_match(NULL, A), HAVZ_CFG_UNKNOWN);
	assert_int_equal(havz_cfg_match(A, NULL), HAVZ_CFG_UNKNOWN);
	assert_int_equal(havz_cfg_match(NULL, NULL), HAVZ_CFG_UNKNOWN);
	for (size_t i = 0; i < sizeof(not_digests) / sizeof(not_digests[0]); i++) {
		assert_int_equal(havz_cfg_match(not_digests[i], A), HAVZ_CFG_UNKNOWN);
		assert_int_equal(havz_cfg_match(A, not_digests[i]), HAVZ_CFG_UNKNOWN);
		/* Two equal non-digests are not "the same configuration". */
		assert_int_equal(havz_cfg_match(not_digests[i], not_digests[i]), HAVZ_CFG_UNKNOWN);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(havz_cfg_match_name(HAVZ_CFG_SAME), "same");
	assert_string_equal(havz_cfg_match_name(HAVZ_CFG_DIFFERS), "differs");
	assert_string_equal(havz_cfg_match_name(HAVZ_CFG_UNKNOWN), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_and_differs),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
