// SPDX-License-Identifier: GPL-2.0-only
#include "havz/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

static int reserve(struct havz_buf *b, size_t extra)
{
	size_t want = b->len + extra + 1, cap;
	char *grown;

	if (b->err)
		return b->err;
	if (want > HAVZ_BUF_LIMIT)
		return b->err = -E2BIG;
	if (want <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < want)
		cap *= 2;
	if (cap > HAVZ_BUF_LIMIT)
		cap = HAVZ_BUF_LIMIT;
	grown = malloc(cap);
	if (!grown)
		return b->err = -ENOMEM;
	/* Copy rather than realloc, so that an old copy of a secret can be wiped. */
	if (b->data) {
		memcpy(grown, b->data, b->len + 1);
		OPENSSL_cleanse(b->data, b->cap);
		free(b->data);
	}
	b->data = grown;
	b->cap = cap;
	return 0;
}

int havz_buf_append(struct havz_buf *b, const char *s, size_t n)
{
	int rc = reserve(b, n);

	if (rc)
		return rc;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int havz_buf_printf(struct havz_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n, rc;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err = -EINVAL;
	rc = reserve(b, (size_t)n);
	if (rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void havz_buf_free(struct havz_buf *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void havz_buf_wipe_free(struct havz_buf *b)
{
	if (b->data)
		OPENSSL_cleanse(b->data, b->cap);
	havz_buf_free(b);
}

void havz_why_set(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!why || !size)
		return;
	va_start(ap, fmt);
	vsnprintf(why, size, fmt, ap);
	va_end(ap);
}

int havz_buf_put_markup(struct havz_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': havz_buf_append(b, "&lt;", 4); break;
		case '>': havz_buf_append(b, "&gt;", 4); break;
		case '&': havz_buf_append(b, "&amp;", 5); break;
		case '"': havz_buf_append(b, "&quot;", 6); break;
		case '\'': havz_buf_append(b, "&#39;", 5); break;
		default: havz_buf_append(b, s, 1);
		}
	}
	return b->err;
}
