// SPDX-License-Identifier: GPL-2.0-only
/* The unified diff of `render --dry-run`: exact hunks. */
#include "helpers.h"

#include <errno.h>

#include "havz/diff.h"

/* "1\n2\n...\nn\n" with line k (1-based) replaced by repl when k is one of the changes. */
static char *lines(int n, int k1, const char *r1, int k2, const char *r2)
{
	struct havz_buf b = { 0 };

	for (int i = 1; i <= n; i++) {
		if (i == k1)
			havz_buf_printf(&b, "%s\n", r1);
		else if (i == k2)
			havz_buf_printf(&b, "%s\n", r2);
		else
			havz_buf_printf(&b, "%d\n", i);
	}
	assert_int_equal(b.err, 0);
	return b.data;
}

/* Diffs old into new and compares the whole output with want. */
static void expect_diff(const char *old_text, const char *new_text, const char *want)
{
	struct havz_buf out = { 0 };

	assert_int_equal(havz_diff("a/f", old_text, "b/f", new_text, &out), 1);
	assert_non_null(out.data);
	assert_string_equal(out.data, want);
	havz_buf_free(&out);
}

static void test_equal(void **state)
{
	struct havz_buf out = { 0 };
	char *t = lines(10, 0, NULL, 0, NULL);

	(void)state;
	assert_int_equal(havz_diff("a", t, "b", t, &out), 0);
	assert_null(out.data);
	assert_int_equal(out.len, 0);
	assert_int_equal(havz_diff("a", "", "b", "", &out), 0);
	assert_int_equal(havz_diff("a", "x", "b", "x", &out), 0);
	assert_null(out.data);
	free(t);
}

static void test_one_line_changed(void **state)
{
	char *a = lines(10, 0, NULL, 0, NULL), *b = lines(10, 5, "five", 0, NULL);

	(void)state;
	expect_diff(a, b,
		    "--- a/f\n"
		    "+++ b/f\n"
		    "@@ -2,7 +2,7 @@\n"
		    " 2\n"
		    " 3\n"
		    " 4\n"
		    "-5\n"
		    "+five\n"
		    " 6\n"
		    " 7\n"
		    " 8\n");
	free(a);
	free(b);
}

static void test_first_and_last_line_changed(void **state)
{
	char *a = lines(10, 0, NULL, 0, NULL), *b = lines(10, 1, "one", 0, NULL);

	(void)state;
	expect_diff(a, b,
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,4 +1,4 @@\n"
		    "-1\n+one\n 2\n 3\n 4\n");
	free(b);
	b = lines(10, 10, "ten", 0, NULL);
	expect_diff(a, b,
		    "--- a/f\n+++ b/f\n"
		    "@@ -7,4 +7,4 @@\n"
		    " 7\n 8\n 9\n-10\n+ten\n");
	free(a);
	free(b);
}

static void test_add_at_end(void **state)
{
	char *a = lines(5, 0, NULL, 0, NULL), *b = lines(6, 0, NULL, 0, NULL);

	(void)state;
	expect_diff(a, b,
		    "--- a/f\n+++ b/f\n"
		    "@@ -3,3 +3,4 @@\n"
		    " 3\n 4\n 5\n+6\n");
	free(a);
	free(b);
}

static void test_delete_at_start(void **state)
{
	(void)state;
	expect_diff("1\n2\n3\n4\n5\n", "2\n3\n4\n5\n",
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,4 +1,3 @@\n"
		    "-1\n 2\n 3\n 4\n");
}

static void test_insert_in_middle(void **state)
{
	(void)state;
	expect_diff("1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nnew\n5\n6\n7\n8\n",
		    "--- a/f\n+++ b/f\n"
		    "@@ -2,6 +2,7 @@\n"
		    " 2\n 3\n 4\n+new\n 5\n 6\n 7\n");
}

static void test_from_and_to_empty(void **state)
{
	(void)state;
	expect_diff("", "a\nb\n",
		    "--- a/f\n+++ b/f\n"
		    "@@ -0,0 +1,2 @@\n"
		    "+a\n+b\n");
	expect_diff("a\nb\n", "",
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,2 +0,0 @@\n"
		    "-a\n-b\n");
}

static void test_no_trailing_newline(void **state)
{
	(void)state;
	expect_diff("a\nb", "a\nc",
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,2 +1,2 @@\n"
		    " a\n"
		    "-b\n\\ No newline at end of file\n"
		    "+c\n\\ No newline at end of file\n");
	/* Only the final newline differs. */
	expect_diff("a\nb", "a\nb\n",
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,2 +1,2 @@\n"
		    " a\n"
		    "-b\n\\ No newline at end of file\n"
		    "+b\n");
	expect_diff("a\nb\n", "a\nb",
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,2 +1,2 @@\n"
		    " a\n"
		    "-b\n"
		    "+b\n\\ No newline at end of file\n");
}

static void test_two_distant_changes(void **state)
{
	char *a = lines(20, 0, NULL, 0, NULL), *b = lines(20, 2, "two", 18, "eighteen");

	(void)state;
	expect_diff(a, b,
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,5 +1,5 @@\n"
		    " 1\n-2\n+two\n 3\n 4\n 5\n"
		    "@@ -15,6 +15,6 @@\n"
		    " 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n");
	free(b);
	/* Seven unchanged lines between two changes: still two hunks. */
	b = lines(20, 2, "two", 10, "ten");
	expect_diff(a, b,
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,5 +1,5 @@\n"
		    " 1\n-2\n+two\n 3\n 4\n 5\n"
		    "@@ -7,7 +7,7 @@\n"
		    " 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n");
	free(a);
	free(b);
}

static void test_close_changes_merge(void **state)
{
	/* Six unchanged lines between two changes: their contexts touch, one hunk. */
	char *a = lines(20, 0, NULL, 0, NULL), *b = lines(20, 2, "two", 9, "nine");

	(void)state;
	expect_diff(a, b,
		    "--- a/f\n+++ b/f\n"
		    "@@ -1,12 +1,12 @@\n"
		    " 1\n-2\n+two\n 3\n 4\n 5\n 6\n 7\n 8\n-9\n+nine\n 10\n 11\n 12\n");
	free(a);
	free(b);
}

static void test_appends_to_buffer(void **state)
{
	struct havz_buf out = { 0 };

	(void)state;
	assert_int_equal(havz_buf_printf(&out, "before\n"), 0);
	assert_int_equal(havz_diff("old", "x\n", "new", "y\n", &out), 1);
	assert_string_equal(out.data, "before\n--- old\n+++ new\n@@ -1,1 +1,1 @@\n-x\n+y\n");
	havz_buf_free(&out);
}

static void test_buffer_error(void **state)
{
	struct havz_buf out = { .err = -E2BIG };

	(void)state;
	assert_int_equal(havz_diff("old", "x\n", "new", "y\n", &out), -E2BIG);
	assert_null(out.data);
}

static void test_large_replacement(void **state)
{
	/* Both sides long and entirely different: the plain replace path, still a valid diff. */
	struct havz_buf a = { 0 }, b = { 0 }, out = { 0 };
	char head[64];

	(void)state;
	for (int i = 0; i < 3000; i++) {
		havz_buf_printf(&a, "old %d\n", i);
		havz_buf_printf(&b, "new %d\n", i);
	}
	assert_int_equal(havz_diff("a", a.data, "b", b.data, &out), 1);
	snprintf(head, sizeof(head), "--- a\n+++ b\n@@ -1,3000 +1,3000 @@\n-old 0\n");
	assert_true(!strncmp(out.data, head, strlen(head)));
	assert_non_null(strstr(out.data, "\n-old 2999\n+new 0\n"));
	assert_true(out.len > 6000 * 7);
	assert_string_equal(out.data + out.len - strlen("+new 2999\n"), "+new 2999\n");
	havz_buf_free(&a);
	havz_buf_free(&b);
	havz_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_one_line_changed),
		cmocka_unit_test(test_first_and_last_line_changed),
		cmocka_unit_test(test_add_at_end),
		cmocka_unit_test(test_delete_at_start),
		cmocka_unit_test(test_insert_in_middle),
		cmocka_unit_test(test_from_and_to_empty),
		cmocka_unit_test(test_no_trailing_newline),
		cmocka_unit_test(test_two_distant_changes),
		cmocka_unit_test(test_close_changes_merge),
		cmocka_unit_test(test_appends_to_buffer),
		cmocka_unit_test(test_buffer_error),
		cmocka_unit_test(test_large_replacement),
	};

	return cmocka_run_group_tests_name("diff", tests, NULL, NULL);
}
