// SPDX-License-Identifier: GPL-2.0-only
/* The bounded buffer: growth, the limit, sticky errors. */
#include "helpers.h"

#include <errno.h>

#include "havz/buf.h"

static void test_printf_and_append(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_buf_printf(&b, "%s=%d", "n", 42), 0);
	assert_string_equal(b.data, "n=42");
	assert_int_equal(b.len, 4);
	assert_int_equal(havz_buf_append(&b, "xyz", 2), 0);
	assert_string_equal(b.data, "n=42xy");
	assert_int_equal(b.len, 6);
	assert_int_equal(havz_buf_printf(&b, "%s", ""), 0);
	assert_int_equal(b.len, 6);
	assert_int_equal(b.err, 0);
	havz_buf_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
}

static void test_empty_append(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_buf_append(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	havz_buf_free(&b);
}

static void test_growth_keeps_content(void **state)
{
	struct havz_buf b = { 0 };
	char want[16];

	(void)state;
	for (int i = 0; i < 5000; i++)
		assert_int_equal(havz_buf_printf(&b, "%04d,", i), 0);
	assert_int_equal(b.len, 5000 * 5);
	assert_true(b.cap > b.len);
	assert_int_equal(b.data[b.len], '\0');
	for (int i = 0; i < 5000; i += 499) {
		snprintf(want, sizeof(want), "%04d,", i);
		assert_memory_equal(b.data + i * 5, want, 5);
	}
	havz_buf_wipe_free(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_limit_sticks(void **state)
{
	struct havz_buf b = { 0 };
	char *big = malloc(HAVZ_BUF_LIMIT);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', HAVZ_BUF_LIMIT);
	/* The limit counts the terminator: LIMIT - 1 bytes fit. */
	assert_int_equal(havz_buf_append(&b, big, HAVZ_BUF_LIMIT - 1), 0);
	assert_int_equal(b.len, HAVZ_BUF_LIMIT - 1);
	assert_int_equal(b.cap, HAVZ_BUF_LIMIT);
	assert_int_equal(havz_buf_append(&b, "y", 1), -E2BIG);
	assert_int_equal(b.err, -E2BIG);
	assert_int_equal(b.len, HAVZ_BUF_LIMIT - 1);
	assert_int_equal(b.data[b.len], '\0');
	/* Sticky: even appends that would fit fail now. */
	assert_int_equal(havz_buf_append(&b, "", 0), -E2BIG);
	assert_int_equal(havz_buf_printf(&b, "%s", ""), -E2BIG);
	assert_int_equal(b.len, HAVZ_BUF_LIMIT - 1);
	havz_buf_free(&b);
	assert_int_equal(b.err, 0); /* free resets the buffer for reuse */

	/* One append of LIMIT bytes fails at once and leaves nothing. */
	assert_int_equal(havz_buf_append(&b, big, HAVZ_BUF_LIMIT), -E2BIG);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(havz_buf_append(&b, "a", 1), -E2BIG);
	assert_null(b.data);
	havz_buf_free(&b);

	/* printf past the limit too. */
	assert_int_equal(havz_buf_printf(&b, "%s", "start"), 0);
	assert_int_equal(havz_buf_printf(&b, "%*s", (int)HAVZ_BUF_LIMIT, "x"), -E2BIG);
	assert_string_equal(b.data, "start");
	assert_int_equal(havz_buf_printf(&b, "more"), -E2BIG);
	assert_string_equal(b.data, "start");
	havz_buf_free(&b);
	free(big);
}

static void test_preset_error(void **state)
{
	struct havz_buf b = { .err = -ENOMEM };

	(void)state;
	assert_int_equal(havz_buf_append(&b, "a", 1), -ENOMEM);
	assert_int_equal(havz_buf_printf(&b, "a"), -ENOMEM);
	assert_null(b.data);
	havz_buf_wipe_free(&b);
}

static void test_put_markup(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_buf_put_markup(&b, "a<b>&\"c\"'d'"), 0);
	assert_string_equal(b.data, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
	havz_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printf_and_append),    cmocka_unit_test(test_empty_append),
		cmocka_unit_test(test_growth_keeps_content), cmocka_unit_test(test_limit_sticks),
		cmocka_unit_test(test_preset_error),	     cmocka_unit_test(test_put_markup),
	};

	return cmocka_run_group_tests_name("buf", tests, NULL, NULL);
}
