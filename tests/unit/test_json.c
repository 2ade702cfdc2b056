// SPDX-License-Identifier: GPL-2.0-only
/* The strict JSON reader and the string escaper. */
#include "helpers.h"

#include <errno.h>

#include "havz/json.h"

static struct havz_json *parse_ok(const char *text)
{
	struct havz_json *v = NULL;
	char why[128] = "";

	assert_int_equal(havz_json_parse(text, strlen(text), &v, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	return v;
}

/* Parses text, which must fail with err and a message starting with want. */
static void parse_bad(const char *text, int err, const char *want)
{
	struct havz_json *v = (struct havz_json *)1;
	char why[128] = "";

	assert_int_equal(havz_json_parse(text, strlen(text), &v, why, sizeof(why)), err);
	assert_null(v);
	if (strncmp(why, want, strlen(want)))
		fail_msg("for %s: got '%s', want '%s'", text, why, want);
}

static void test_values(void **state)
{
	struct havz_json *v = parse_ok(" {\"a\": [1, -2.5e3, true, false, null], \"b\": \"x\"}\n");
	const struct havz_json *a = havz_json_get(v, "a"), *e;

	(void)state;
	assert_int_equal(v->type, HAVZ_JSON_OBJECT);
	assert_int_equal(havz_json_count(v), 2);
	assert_non_null(a);
	assert_int_equal(a->type, HAVZ_JSON_ARRAY);
	assert_int_equal(havz_json_count(a), 5);
	e = a->child;
	assert_true(e->type == HAVZ_JSON_NUMBER && e->number == 1.0);
	e = e->next;
	assert_true(e->type == HAVZ_JSON_NUMBER && e->number == -2500.0);
	e = e->next;
	assert_true(e->type == HAVZ_JSON_BOOL && e->boolean);
	e = e->next;
	assert_true(e->type == HAVZ_JSON_BOOL && !e->boolean);
	assert_int_equal(e->next->type, HAVZ_JSON_NULL);
	assert_string_equal(havz_json_get(v, "b")->string, "x");
	assert_null(havz_json_get(v, "c"));
	assert_null(havz_json_get(a, "a")); /* not an object */
	havz_json_free(v);
}

static void test_escapes(void **state)
{
	struct havz_json *v = parse_ok("\"q\\\" b\\\\ s\\/ \\n\\t \\u00e9 \\ud83d\\ude00\"");

	(void)state;
	assert_string_equal(v->string, "q\" b\\ s/ \n\t \xc3\xa9 \xf0\x9f\x98\x80");
	havz_json_free(v);
}

static void test_lines(void **state)
{
	struct havz_json *v = parse_ok("{\n\"a\": 1,\n\n\"b\": 2}");

	(void)state;
	assert_int_equal(havz_json_get(v, "a")->line, 2);
	assert_int_equal(havz_json_get(v, "b")->line, 4);
	havz_json_free(v);
	parse_bad("{\n\"a\": 1,\n\"a\": 2}", -EINVAL, "line 3: duplicate member name");
}

static void test_errors(void **state)
{
	(void)state;
	parse_bad("", -EINVAL, "line 1: expected a value");
	parse_bad("{\"a\": 1,}", -EINVAL, "line 1: expected a member name");
	parse_bad("[1, 2,]", -EINVAL, "line 1: expected a value");
	parse_bad("[1 2]", -EINVAL, "line 1: expected ',' or ']'");
	parse_bad("{\"a\" 1}", -EINVAL, "line 1: expected ':'");
	parse_bad("{a: 1}", -EINVAL, "line 1: expected a member name in quotes");
	parse_bad("01", -EINVAL, "line 1: text after the value");
	parse_bad("1.", -EINVAL, "line 1: bad number: no digit after '.'");
	parse_bad("1e", -EINVAL, "line 1: bad number: no digit in the exponent");
	parse_bad("+1", -EINVAL, "line 1: expected a value");
	parse_bad("1e999", -ERANGE, "line 1: number out of range");
	parse_bad("\"abc", -EINVAL, "line 1: unterminated string");
	parse_bad("\"a\nb\"", -EINVAL, "line 1: control character");
	parse_bad("\"\\x\"", -EINVAL, "line 1: unknown escape");
	parse_bad("\"\\u12g4\"", -EINVAL, "line 1: bad hex digit");
	parse_bad("\"\\u0000\"", -EINVAL, "line 1: \\u0000 in a string");
	parse_bad("\"\\ud83d\"", -EINVAL, "line 1: high surrogate without its low half");
	parse_bad("\"\\ude00\"", -EINVAL, "line 1: lone low surrogate");
	parse_bad("tru", -EINVAL, "line 1: expected a value");
	parse_bad("-", -EINVAL, "line 1: bad number");
	parse_bad("{} {}", -EINVAL, "line 1: text after the value");
	parse_bad("[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]", -E2BIG, "line 1: nested too deep");
}

static void test_nul_and_long(void **state)
{
	char big[HAVZ_JSON_MAX_STRING + 8];
	struct havz_json *v;
	char why[64];

	(void)state;
	assert_int_equal(havz_json_parse("\"a\0b\"", 5, &v, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "a NUL byte in the text");
	big[0] = '"';
	memset(big + 1, 'x', HAVZ_JSON_MAX_STRING + 1);
	big[HAVZ_JSON_MAX_STRING + 2] = '"';
	big[HAVZ_JSON_MAX_STRING + 3] = '\0';
	parse_bad(big, -E2BIG, "line 1: string too long");
}

static void test_put_string(void **state)
{
	struct havz_buf b = { 0 };
	struct havz_json *v;

	(void)state;
	havz_json_put_string(&b, "a\"b\\c\nd\te\x01");
	assert_string_equal(b.data, "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
	v = parse_ok(b.data); /* and it reads back as it was */
	assert_string_equal(v->string, "a\"b\\c\nd\te\x01");
	havz_json_free(v);
	havz_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),	     cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_lines),	     cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_long), cmocka_unit_test(test_put_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
