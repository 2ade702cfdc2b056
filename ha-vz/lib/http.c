// SPDX-License-Identifier: GPL-2.0-only
#include <string.h>

#include "havz/http.h"

/* The end of the request head ("\r\n\r\n" or a bare "\n\n"), or NULL. */
static const char *head_end(const char *req, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (req[i] != '\n')
			continue;
		if (req[i + 1] == '\n')
			return req + i + 2;
		if (i + 2 < n && req[i + 1] == '\r' && req[i + 2] == '\n')
			return req + i + 3;
	}
	return NULL;
}

enum havz_http_verdict havz_http_request(const char *req, size_t n, int *head)
{
	const char *eol, *sp1, *sp2, *path;
	size_t line, plen;

	*head = 0;
	if (memchr(req, '\0', n))
		return HAVZ_HTTP_BAD;
	if (!head_end(req, n))
		return n >= HAVZ_HTTP_REQUEST_MAX ? HAVZ_HTTP_TOO_LARGE : HAVZ_HTTP_INCOMPLETE;
	eol = memchr(req, '\n', n);
	line = (size_t)(eol - req);
	if (line && req[line - 1] == '\r')
		line--;
	sp1 = memchr(req, ' ', line);
	if (!sp1)
		return HAVZ_HTTP_BAD;
	path = sp1 + 1;
	sp2 = memchr(path, ' ', line - (size_t)(path - req));
	if (!sp2 || sp2 == path)
		return HAVZ_HTTP_BAD;
	/* HTTP/1.0 or 1.1 (answered as 1.0); anything else is not ours. */
	if ((size_t)(req + line - (sp2 + 1)) != 8 ||
	    (strncmp(sp2 + 1, "HTTP/1.0", 8) && strncmp(sp2 + 1, "HTTP/1.1", 8)))
		return HAVZ_HTTP_BAD;
	plen = (size_t)(sp2 - path);
	if (*path != '/')
		return HAVZ_HTTP_BAD;
	if ((size_t)(sp1 - req) == 4 && !strncmp(req, "HEAD", 4))
		*head = 1;
	else if ((size_t)(sp1 - req) != 3 || strncmp(req, "GET", 3))
		return HAVZ_HTTP_METHOD;
	if (plen >= 8 && !strncmp(path, "/metrics", 8) && (plen == 8 || path[8] == '?'))
		return HAVZ_HTTP_OK;
	return HAVZ_HTTP_NOT_FOUND;
}

const char *havz_http_reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 431: return "Request Header Fields Too Large";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

int havz_http_response(struct havz_buf *out, int status, const char *content_type, const char *body,
		       size_t len, int head)
{
	havz_buf_printf(out,
			"HTTP/1.0 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			"Connection: close\r\n%s\r\n",
			status, havz_http_reason(status), content_type, len,
			status == 405 ? "Allow: GET, HEAD\r\n" : "");
	if (!head && len)
		havz_buf_append(out, body, len);
	return out->err;
}
