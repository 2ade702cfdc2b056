/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The little HTTP/1.0 ha-vzd speaks for its metrics endpoint: one GET
 * /metrics per connection, a bounded request, one response, then close.
 * Pure parsing and formatting; the socket is the daemon's.
 */
#ifndef HAVZ_HTTP_H
#define HAVZ_HTTP_H

#include <stddef.h>

#include "havz/buf.h"

#define HAVZ_HTTP_REQUEST_MAX 4096 /* request line and headers, bytes */

enum havz_http_verdict {
	HAVZ_HTTP_INCOMPLETE = 0,  /* no blank line yet: read more */
	HAVZ_HTTP_OK = 200,	   /* GET /metrics (or HEAD) */
	HAVZ_HTTP_BAD = 400,	   /* not an HTTP request line */
	HAVZ_HTTP_NOT_FOUND = 404, /* another path */
	HAVZ_HTTP_METHOD = 405,	   /* another method */
	HAVZ_HTTP_TOO_LARGE = 431, /* no end of headers within HAVZ_HTTP_REQUEST_MAX */
};

/*
 * What to answer to the n bytes received so far. *head is set for HEAD
 * (the response carries no body). A query string (/metrics?...) is allowed.
 */
enum havz_http_verdict havz_http_request(const char *req, size_t n, int *head);

/* The reason phrase of a status code ("OK", "Not Found", ...). */
const char *havz_http_reason(int status);

/*
 * A whole HTTP/1.0 response: status line, Content-Type, Content-Length,
 * Connection: close, then body (omitted when head). 0 or out's error.
 */
int havz_http_response(struct havz_buf *out, int status, const char *content_type, const char *body,
		       size_t len, int head);

#endif
