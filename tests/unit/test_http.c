// SPDX-License-Identifier: GPL-2.0-only
/* The metrics endpoint's HTTP/1.0: which requests get which answer, and the response. */
#include "helpers.h"

#include <string.h>

#include "havz/http.h"

static enum havz_http_verdict verdict(const char *req, int *head)
{
	return havz_http_request(req, strlen(req), head);
}

static void test_get_metrics(void **state)
{
	int head = -1;

	(void)state;
	assert_int_equal(verdict("GET /metrics HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_OK);
	assert_int_equal(head, 0);
	assert_int_equal(verdict("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n", &head),
			 HAVZ_HTTP_OK);
	assert_int_equal(verdict("GET /metrics?name[]=up HTTP/1.1\n\n", &head), HAVZ_HTTP_OK);
	assert_int_equal(verdict("HEAD /metrics HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_OK);
	assert_int_equal(head, 1);
}

static void test_incomplete_until_blank_line(void **state)
{
	int head;

	(void)state;
	assert_int_equal(verdict("", &head), HAVZ_HTTP_INCOMPLETE);
	assert_int_equal(verdict("GET /metrics HTTP/1.0\r\n", &head), HAVZ_HTTP_INCOMPLETE);
	assert_int_equal(verdict("GET /metrics HTTP/1.0\r\nHost: a\r\n\r", &head),
			 HAVZ_HTTP_INCOMPLETE);
}

static void test_refusals(void **state)
{
	int head;

	(void)state;
	assert_int_equal(verdict("GET / HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_NOT_FOUND);
	assert_int_equal(verdict("GET /metricsx HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_NOT_FOUND);
	assert_int_equal(verdict("GET /metrics/ HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_NOT_FOUND);
	assert_int_equal(verdict("POST /metrics HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_METHOD);
	assert_int_equal(verdict("GETS /metrics HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_METHOD);
	assert_int_equal(verdict("GET /metrics\r\n\r\n", &head), HAVZ_HTTP_BAD);
	assert_int_equal(verdict("GET /metrics HTTP/2.0\r\n\r\n", &head), HAVZ_HTTP_BAD);
	assert_int_equal(verdict("GET metrics HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_BAD);
	assert_int_equal(verdict("GET  HTTP/1.0\r\n\r\n", &head), HAVZ_HTTP_BAD);
	assert_int_equal(verdict("\r\n\r\n", &head), HAVZ_HTTP_BAD);
	/* A NUL anywhere: not text. */
	assert_int_equal(havz_http_request("GET /metrics\0 HTTP/1.0\r\n\r\n", 26, &head),
			 HAVZ_HTTP_BAD);
}

static void test_bounded(void **state)
{
	static char big[HAVZ_HTTP_REQUEST_MAX + 1];
	int head;

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "GET /metrics HTTP/1.0\r\nX: ", 26);
	assert_int_equal(havz_http_request(big, HAVZ_HTTP_REQUEST_MAX - 1, &head),
			 HAVZ_HTTP_INCOMPLETE);
	assert_int_equal(havz_http_request(big, HAVZ_HTTP_REQUEST_MAX, &head), HAVZ_HTTP_TOO_LARGE);
}

static void test_response(void **state)
{
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_http_response(&b, 200, "text/plain; version=0.0.4", "a 1\n", 4, 0),
			 0);
	assert_string_equal(b.data, "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
				    "Content-Length: 4\r\nConnection: close\r\n\r\na 1\n");
	havz_buf_free(&b);
	/* HEAD: the length of the body that GET would get, and no body. */
	assert_int_equal(havz_http_response(&b, 200, "text/plain", "a 1\n", 4, 1), 0);
	assert_string_equal(b.data, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n"
				    "Content-Length: 4\r\nConnection: close\r\n\r\n");
	havz_buf_free(&b);
	assert_int_equal(havz_http_response(&b, 405, "text/plain", "x\n", 2, 0), 0);
	assert_non_null(strstr(b.data, "HTTP/1.0 405 Method Not Allowed\r\n"));
	assert_non_null(strstr(b.data, "\r\nAllow: GET, HEAD\r\n"));
	havz_buf_free(&b);
	assert_string_equal(havz_http_reason(431), "Request Header Fields Too Large");
	assert_string_equal(havz_http_reason(404), "Not Found");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_metrics),
		cmocka_unit_test(test_incomplete_until_blank_line),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_response),
	};

	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
