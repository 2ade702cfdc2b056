// SPDX-License-Identifier: GPL-2.0-only
/* SHA-256 as sha256sum prints it: FIPS 180-2 vectors, files, and the strict hex check. */
#include "helpers.h"

#include <errno.h>

#include "havz/digest.h"
#include "havz/files.h"

static void test_vectors(void **state)
{
	char hex[HAVZ_SHA256_HEX + 1];

	(void)state;
	assert_int_equal(havz_sha256_hex("", 0, hex), 0);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(havz_sha256_hex("abc", 3, hex), 0);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_true(havz_sha256_hex_valid(hex));
}

static void test_file(void **state)
{
	char *dir = tmpdir_make(), *p, *missing;
	char hex[HAVZ_SHA256_HEX + 1];

	(void)state;
	assert_true(asprintf(&p, "%s/f", dir) > 0);
	assert_true(asprintf(&missing, "%s/none", dir) > 0);
	assert_int_equal(havz_file_write_atomic(p, "abc", 3, 0600), 0);
	assert_int_equal(havz_file_sha256_hex(p, 1024, hex), 0);
	assert_string_equal(hex,
			    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(havz_file_sha256_hex(p, 2, hex), -EFBIG);
	assert_int_equal(havz_file_sha256_hex(missing, 1024, hex), -ENOENT);
	assert_int_equal(havz_file_sha256_hex(dir, 1024, hex), -EINVAL);
	assert_int_equal(havz_file_write_atomic(p, "", 0, 0600), 0);
	assert_int_equal(havz_file_sha256_hex(p, 1024, hex), 0);
	assert_string_equal(hex,
			    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	free(missing);
	free(p);
	tmpdir_remove(dir);
}

static void test_valid(void **state)
{
	(void)state;
	assert_true(havz_sha256_hex_valid(
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(havz_sha256_hex_valid(""));
	assert_false(havz_sha256_hex_valid("-"));
	/* one short, one long, upper case, a space */
	assert_false(havz_sha256_hex_valid(
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
	assert_false(havz_sha256_hex_valid(
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8550"));
	assert_false(havz_sha256_hex_valid(
		"E3B0C44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(havz_sha256_hex_valid(
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85 "));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_valid),
	};

	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
