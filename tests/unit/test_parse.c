// SPDX-License-Identifier: GPL-2.0-only
/* Value parsers of ha-vz.conf: accepted forms, rejected forms, range edges. */
#include "helpers.h"

#include <errno.h>

#include "havz/parse.h"

static void test_uint_accepts(void **state)
{
	unsigned long long v = 7;

	(void)state;
	assert_int_equal(havz_parse_uint("0", 0, 10, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(havz_parse_uint("10", 0, 10, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(havz_parse_uint("007", 0, 10, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(havz_parse_uint("18446744073709551615", 0, ~0ULL, &v), 0);
	assert_true(v == ~0ULL);
}

static void test_uint_rejects(void **state)
{
	unsigned long long v = 42;

	(void)state;
	assert_int_equal(havz_parse_uint("", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("+1", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("-1", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint(" 1", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("1 ", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("1x", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("0x1", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("1.0", 0, 10, &v), -EINVAL);
	assert_int_equal(havz_parse_uint("11", 0, 10, &v), -ERANGE);
	assert_int_equal(havz_parse_uint("4", 5, 10, &v), -ERANGE);
	assert_int_equal(havz_parse_uint("18446744073709551616", 0, ~0ULL, &v), -ERANGE);
	assert_int_equal(havz_parse_uint("99999999999999999999999", 0, ~0ULL, &v), -ERANGE);
	assert_int_equal(v, 42); /* untouched on failure */
}

static void test_duration_accepts(void **state)
{
	unsigned ms = 1;

	(void)state;
	assert_int_equal(havz_parse_duration_ms("500ms", &ms), 0);
	assert_int_equal(ms, 500);
	assert_int_equal(havz_parse_duration_ms("3s", &ms), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(havz_parse_duration_ms("3", &ms), 0);
	assert_int_equal(ms, 3000);
	assert_int_equal(havz_parse_duration_ms("2m", &ms), 0);
	assert_int_equal(ms, 120000);
	assert_int_equal(havz_parse_duration_ms("0", &ms), 0);
	assert_int_equal(ms, 0);
	assert_int_equal(havz_parse_duration_ms("4294967295ms", &ms), 0);
	assert_int_equal(ms, 4294967295u);
	assert_int_equal(havz_parse_duration_ms("4294967s", &ms), 0);
	assert_int_equal(ms, 4294967000u);
	assert_int_equal(havz_parse_duration_ms("71582m", &ms), 0);
	assert_int_equal(ms, 71582u * 60000u);
}

static void test_duration_rejects(void **state)
{
	unsigned ms = 99;

	(void)state;
	assert_int_equal(havz_parse_duration_ms("", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("ms", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("1.5s", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("3 s", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("3S", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("3h", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("3sec", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("3mss", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("-1s", &ms), -EINVAL);
	assert_int_equal(havz_parse_duration_ms("4294967296ms", &ms), -ERANGE);
	assert_int_equal(havz_parse_duration_ms("4294968s", &ms), -ERANGE);
	assert_int_equal(havz_parse_duration_ms("4294968", &ms), -ERANGE);
	assert_int_equal(havz_parse_duration_ms("71583m", &ms), -ERANGE);
	assert_int_equal(havz_parse_duration_ms("99999999999999999999s", &ms), -ERANGE);
	assert_int_equal(ms, 99);
}

static void test_size_accepts(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(havz_parse_size("512", &v), 0);
	assert_true(v == 512);
	assert_int_equal(havz_parse_size("64K", &v), 0);
	assert_true(v == 64ULL << 10);
	assert_int_equal(havz_parse_size("64k", &v), 0);
	assert_true(v == 64ULL << 10);
	assert_int_equal(havz_parse_size("256M", &v), 0);
	assert_true(v == 256ULL << 20);
	assert_int_equal(havz_parse_size("2G", &v), 0);
	assert_true(v == 2ULL << 30);
	assert_int_equal(havz_parse_size("1T", &v), 0);
	assert_true(v == 1ULL << 40);
	assert_int_equal(havz_parse_size("2GiB", &v), 0);
	assert_true(v == 2ULL << 30);
	assert_int_equal(havz_parse_size("2GB", &v), 0);
	assert_true(v == 2ULL << 30);
	assert_int_equal(havz_parse_size("0", &v), 0);
	assert_true(v == 0);
	/* The largest multiple of 1T that fits in 64 bits. */
	assert_int_equal(havz_parse_size("16777215T", &v), 0);
	assert_true(v == 16777215ULL << 40);
	assert_int_equal(havz_parse_size("18446744073709551615", &v), 0);
	assert_true(v == UINT64_MAX);
}

static void test_size_rejects(void **state)
{
	uint64_t v = 5;

	(void)state;
	assert_int_equal(havz_parse_size("", &v), -EINVAL);
	assert_int_equal(havz_parse_size("M", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1P", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1B", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1.5G", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1 G", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1GX", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1Gi", &v), -EINVAL);
	assert_int_equal(havz_parse_size("1GiBs", &v), -EINVAL);
	assert_int_equal(havz_parse_size("-1G", &v), -EINVAL);
	assert_int_equal(havz_parse_size("16777216T", &v), -ERANGE);
	assert_int_equal(havz_parse_size("17179869184G", &v), -ERANGE);
	assert_int_equal(havz_parse_size("18446744073709551616", &v), -ERANGE);
	assert_true(v == 5);
}

static void test_cpus_accepts(void **state)
{
	unsigned m = 0;

	(void)state;
	assert_int_equal(havz_parse_cpus("1", &m), 0);
	assert_int_equal(m, 1000);
	assert_int_equal(havz_parse_cpus("0.5", &m), 0);
	assert_int_equal(m, 500);
	assert_int_equal(havz_parse_cpus("1.25", &m), 0);
	assert_int_equal(m, 1250);
	assert_int_equal(havz_parse_cpus("0.001", &m), 0);
	assert_int_equal(m, 1);
	assert_int_equal(havz_parse_cpus("2.050", &m), 0);
	assert_int_equal(m, 2050);
	assert_int_equal(havz_parse_cpus("0", &m), 0);
	assert_int_equal(m, 0);
	assert_int_equal(havz_parse_cpus("4096", &m), 0);
	assert_int_equal(m, 4096000);
}

static void test_cpus_rejects(void **state)
{
	unsigned m = 3;

	(void)state;
	assert_int_equal(havz_parse_cpus("", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus(".5", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("1.", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("1.2345", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("1,5", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("1.5x", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("-1", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("1e3", &m), -EINVAL);
	assert_int_equal(havz_parse_cpus("4097", &m), -ERANGE);
	assert_int_equal(havz_parse_cpus("4096.001", &m), -ERANGE);
	assert_int_equal(havz_parse_cpus("99999999999999999999", &m), -ERANGE);
	assert_int_equal(m, 3);
}

static void test_bool(void **state)
{
	static const char *const yes[] = { "on", "yes", "true" };
	static const char *const no[] = { "off", "no", "false" };
	static const char *const bad[] = { "", "On", "YES", "1", "0", "y", "n", "enabled", " on" };
	int b;

	(void)state;
	for (size_t i = 0; i < 3; i++) {
		b = -1;
		assert_int_equal(havz_parse_bool(yes[i], &b), 0);
		assert_int_equal(b, 1);
		b = -1;
		assert_int_equal(havz_parse_bool(no[i], &b), 0);
		assert_int_equal(b, 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		b = -1;
		assert_int_equal(havz_parse_bool(bad[i], &b), -EINVAL);
		assert_int_equal(b, -1);
	}
}

static void test_name(void **state)
{
	(void)state;
	assert_int_equal(havz_check_name("a", 32), 0);
	assert_int_equal(havz_check_name("web-1_x", 32), 0);
	assert_int_equal(havz_check_name("Z9", 32), 0);
	assert_int_equal(havz_check_name("abcdefghijabcdefghijabcdefghijab", 32), 0);
	assert_int_equal(havz_check_name("abcdefghijabcdefghijabcdefghijabc", 32), -ERANGE);
	assert_int_equal(havz_check_name("abcd", 3), -ERANGE);
	assert_int_equal(havz_check_name("", 32), -ERANGE);
	assert_int_equal(havz_check_name("1web", 32), -EINVAL);
	assert_int_equal(havz_check_name("-web", 32), -EINVAL);
	assert_int_equal(havz_check_name("_web", 32), -EINVAL);
	assert_int_equal(havz_check_name("web.1", 32), -EINVAL);
	assert_int_equal(havz_check_name("web 1", 32), -EINVAL);
	assert_int_equal(havz_check_name("web/1", 32), -EINVAL);
	assert_int_equal(havz_check_name("w\xc3\xa9", 32), -EINVAL);
}

static void test_address(void **state)
{
	(void)state;
	assert_int_equal(havz_check_address("192.0.2.1"), 0);
	assert_int_equal(havz_check_address("0.0.0.0"), 0);
	assert_int_equal(havz_check_address("255.255.255.255"), 0);
	assert_int_equal(havz_check_address("2001:db8::1"), 0);
	assert_int_equal(havz_check_address("::1"), 0);
	assert_int_equal(havz_check_address("::"), 0);
	assert_int_equal(havz_check_address("::ffff:192.0.2.1"), 0);
	assert_int_equal(havz_check_address("fe80:0:0:0:0:0:0:1"), 0);
	assert_int_equal(havz_check_address(""), -EINVAL);
	assert_int_equal(havz_check_address("256.0.0.1"), -EINVAL);
	assert_int_equal(havz_check_address("192.0.2"), -EINVAL);
	assert_int_equal(havz_check_address("192.0.2.1.5"), -EINVAL);
	assert_int_equal(havz_check_address("192.0.2.1/24"), -EINVAL);
	assert_int_equal(havz_check_address(" 192.0.2.1"), -EINVAL);
	assert_int_equal(havz_check_address("2001:db8::1::2"), -EINVAL);
	assert_int_equal(havz_check_address("2001:db8::g"), -EINVAL);
	assert_int_equal(havz_check_address("fe80::1%eth0"), -EINVAL);
	assert_int_equal(havz_check_address("[::1]"), -EINVAL);
	assert_int_equal(havz_check_address("localhost"), -EINVAL);
}

static void test_cidr(void **state)
{
	(void)state;
	assert_int_equal(havz_check_cidr("192.0.2.50/24"), 0);
	assert_int_equal(havz_check_cidr("192.0.2.50/1"), 0);
	assert_int_equal(havz_check_cidr("192.0.2.50/32"), 0);
	assert_int_equal(havz_check_cidr("2001:db8::50/64"), 0);
	assert_int_equal(havz_check_cidr("2001:db8::50/128"), 0);
	assert_int_equal(havz_check_cidr("2001:db8::50/1"), 0);
	assert_int_equal(havz_check_cidr("192.0.2.50/0"), -ERANGE);
	assert_int_equal(havz_check_cidr("192.0.2.50/33"), -ERANGE);
	assert_int_equal(havz_check_cidr("2001:db8::50/0"), -ERANGE);
	assert_int_equal(havz_check_cidr("2001:db8::50/129"), -ERANGE);
	assert_int_equal(havz_check_cidr("192.0.2.50"), -EINVAL);
	assert_int_equal(havz_check_cidr("192.0.2.50/"), -EINVAL);
	assert_int_equal(havz_check_cidr("192.0.2.50/24/8"), -EINVAL);
	assert_int_equal(havz_check_cidr("192.0.2.50/+24"), -EINVAL);
	assert_int_equal(havz_check_cidr("192.0.2.50/2a"), -EINVAL);
	assert_int_equal(havz_check_cidr("/24"), -EINVAL);
	assert_int_equal(havz_check_cidr("192.0.2/24"), -EINVAL);
	assert_int_equal(havz_check_cidr("host/24"), -EINVAL);
	/* An address part longer than any address is refused before parsing. */
	assert_int_equal(
		havz_check_cidr(
			"1111111111111111111111111111111111111111111111111111111111111111/8"),
		-EINVAL);
}

static void test_ifname(void **state)
{
	(void)state;
	assert_int_equal(havz_check_ifname("eth0"), 0);
	assert_int_equal(havz_check_ifname("a"), 0);
	assert_int_equal(havz_check_ifname("enp0s31f6.100"), 0);
	assert_int_equal(havz_check_ifname("br-lan_1"), 0);
	assert_int_equal(havz_check_ifname("abcdefghijklmno"), 0);	  /* 15 */
	assert_int_equal(havz_check_ifname("abcdefghijklmnop"), -EINVAL); /* 16 */
	assert_int_equal(havz_check_ifname(""), -EINVAL);
	assert_int_equal(havz_check_ifname("."), -EINVAL);
	assert_int_equal(havz_check_ifname(".."), -EINVAL);
	assert_int_equal(havz_check_ifname("eth 0"), -EINVAL);
	assert_int_equal(havz_check_ifname("eth/0"), -EINVAL);
	assert_int_equal(havz_check_ifname("eth0:1"), -EINVAL);
	assert_int_equal(havz_check_ifname("eth\t0"), -EINVAL);
	assert_int_equal(havz_check_ifname("eth\x7f"), -EINVAL);
}

static void test_abs_path(void **state)
{
	(void)state;
	assert_int_equal(havz_check_abs_path("/"), 0);
	assert_int_equal(havz_check_abs_path("/etc/ha-vz/authkey"), 0);
	assert_int_equal(havz_check_abs_path("/dev/havz/web"), 0);
	assert_int_equal(havz_check_abs_path("/srv/.hidden/x..y"), 0);
	assert_int_equal(havz_check_abs_path("/srv/..."), 0);
	assert_int_equal(havz_check_abs_path(""), -EINVAL);
	assert_int_equal(havz_check_abs_path("etc/ha-vz"), -EINVAL);
	assert_int_equal(havz_check_abs_path("./etc"), -EINVAL);
	assert_int_equal(havz_check_abs_path("//etc"), -EINVAL);
	assert_int_equal(havz_check_abs_path("/etc//ha-vz"), -EINVAL);
	assert_int_equal(havz_check_abs_path("/etc/../root"), -EINVAL);
	assert_int_equal(havz_check_abs_path("/etc/./ha-vz"), -EINVAL);
	assert_int_equal(havz_check_abs_path("/etc/.."), -EINVAL);
	assert_int_equal(havz_check_abs_path("/etc/."), -EINVAL);
	assert_int_equal(havz_check_abs_path("/.."), -EINVAL);
	assert_int_equal(havz_check_abs_path("/."), -EINVAL);
	assert_int_equal(havz_check_abs_path("/srv/my dir"), -EINVAL);
	assert_int_equal(havz_check_abs_path("/srv/a\nb"), -EINVAL);
	assert_int_equal(havz_check_abs_path("/srv/a\tb"), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uint_accepts),
		cmocka_unit_test(test_uint_rejects),
		cmocka_unit_test(test_duration_accepts),
		cmocka_unit_test(test_duration_rejects),
		cmocka_unit_test(test_size_accepts),
		cmocka_unit_test(test_size_rejects),
		cmocka_unit_test(test_cpus_accepts),
		cmocka_unit_test(test_cpus_rejects),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_address),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_ifname),
		cmocka_unit_test(test_abs_path),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
