/* SPDX-License-Identifier: GPL-2.0-only */
/* A bounded, growable text buffer: appends past the limit fail with -E2BIG and stick. */
#ifndef HAVZ_BUF_H
#define HAVZ_BUF_H

#include <stddef.h>

#define HAVZ_BUF_LIMIT (1u << 20)

struct havz_buf {
	char *data;
	size_t len, cap;
	int err; /* first error; once set, appends do nothing */
};

int havz_buf_printf(struct havz_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int havz_buf_append(struct havz_buf *b, const char *s, size_t n);
/* Appends s escaped for HTML or XML text and attribute values (& < > " '). */
int havz_buf_put_markup(struct havz_buf *b, const char *s);
/* Formats a one-line reason into why[size]; does nothing when why is NULL or size is 0. */
void havz_why_set(char *why, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Frees the buffer; wipe first when it held a secret. */
void havz_buf_free(struct havz_buf *b);
void havz_buf_wipe_free(struct havz_buf *b);

#endif
