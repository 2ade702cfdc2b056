// SPDX-License-Identifier: GPL-2.0-only
/* A strict JSON reader and the string escaper: see havz/json.h. */
#include "havz/json.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct reader {
	const char *p, *end;
	unsigned line;
	size_t nodes;
	char *why;
	size_t size;
	int err;
};

static int fail(struct reader *r, int err, const char *msg)
{
	if (!r->err) {
		r->err = err;
		havz_why_set(r->why, r->size, "line %u: %s", r->line, msg);
	}
	return err;
}

static void skip_space(struct reader *r)
{
	while (r->p < r->end) {
		if (*r->p == '\n')
			r->line++;
		else if (*r->p != ' ' && *r->p != '\t' && *r->p != '\r')
			return;
		r->p++;
	}
}

static struct havz_json *new_node(struct reader *r, enum havz_json_type t)
{
	struct havz_json *v;

	if (++r->nodes > HAVZ_JSON_MAX_NODES) {
		fail(r, -E2BIG, "too many values");
		return NULL;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		fail(r, -ENOMEM, "out of memory");
		return NULL;
	}
	v->type = t;
	v->line = r->line;
	return v;
}

static bool literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n))
		return false;
	r->p += n;
	return true;
}

static int hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;

	if (r->end - r->p < 4)
		return fail(r, -EINVAL, "truncated \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return fail(r, -EINVAL, "bad hex digit in \\u escape");
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A \u escape (after the "\u"), a surrogate pair as one code point. */
static int unicode_escape(struct reader *r, unsigned *cp)
{
	unsigned lo;
	int rc = hex4(r, cp);

	if (rc)
		return rc;
	if (*cp >= 0xdc00 && *cp <= 0xdfff)
		return fail(r, -EINVAL, "lone low surrogate in \\u escape");
	if (*cp < 0xd800 || *cp > 0xdbff)
		return *cp ? 0 : fail(r, -EINVAL, "\\u0000 in a string");
	if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u')
		return fail(r, -EINVAL, "high surrogate without its low half");
	r->p += 2;
	rc = hex4(r, &lo);
	if (rc)
		return rc;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(r, -EINVAL, "high surrogate without its low half");
	*cp = 0x10000 + ((*cp - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* A string after its opening quote; the decoded text into *out (malloc'd). */
static int string_body(struct reader *r, char **out)
{
	char buf[HAVZ_JSON_MAX_STRING + 4];
	size_t n = 0;

	for (;;) {
		unsigned char c;
		unsigned cp;

		if (r->p >= r->end)
			return fail(r, -EINVAL, "unterminated string");
		c = (unsigned char)*r->p++;
		if (c == '"')
			break;
		if (c < 0x20)
			return fail(r, -EINVAL, "control character in a string");
		if (n >= HAVZ_JSON_MAX_STRING)
			return fail(r, -E2BIG, "string too long");
		if (c != '\\') {
			buf[n++] = (char)c;
			continue;
		}
		if (r->p >= r->end)
			return fail(r, -EINVAL, "unterminated string");
		c = (unsigned char)*r->p++;
		switch (c) {
		case '"':
		case '\\':
		case '/': buf[n++] = (char)c; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'n': buf[n++] = '\n'; break;
		case 'r': buf[n++] = '\r'; break;
		case 't': buf[n++] = '\t'; break;
		case 'u':
			if (unicode_escape(r, &cp))
				return r->err;
			n += put_utf8(buf + n, cp);
			break;
		default: return fail(r, -EINVAL, "unknown escape in a string");
		}
	}
	*out = malloc(n + 1);
	if (!*out)
		return fail(r, -ENOMEM, "out of memory");
	memcpy(*out, buf, n);
	(*out)[n] = '\0';
	return 0;
}

/* RFC 8259's number grammar, checked before strtod sees it. */
static int number(struct reader *r, double *out)
{
	const char *s = r->p;
	char tmp[64];
	char *e;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p < r->end && *r->p == '0')
		r->p++;
	else if (r->p < r->end && *r->p >= '1' && *r->p <= '9')
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	else
		return fail(r, -EINVAL, "bad number");
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, -EINVAL, "bad number: no digit after '.'");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (r->p >= r->end || *r->p < '0' || *r->p > '9')
			return fail(r, -EINVAL, "bad number: no digit in the exponent");
		while (r->p < r->end && *r->p >= '0' && *r->p <= '9')
			r->p++;
	}
	if ((size_t)(r->p - s) >= sizeof(tmp))
		return fail(r, -E2BIG, "number too long");
	memcpy(tmp, s, (size_t)(r->p - s));
	tmp[r->p - s] = '\0';
	errno = 0;
	*out = strtod(tmp, &e);
	if (errno == ERANGE || *e)
		return fail(r, -ERANGE, "number out of range");
	return 0;
}

static struct havz_json *value(struct reader *r, unsigned depth);

static int members(struct reader *r, struct havz_json *obj, unsigned depth)
{
	struct havz_json **tail = &obj->child;
	bool is_obj = obj->type == HAVZ_JSON_OBJECT;
	char close = is_obj ? '}' : ']';

	skip_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		struct havz_json *v;

		skip_space(r);
		if (is_obj) {
			if (r->p >= r->end || *r->p != '"')
				return fail(r, -EINVAL, "expected a member name in quotes");
			r->p++;
			if (string_body(r, &key))
				return r->err;
			if (havz_json_get(obj, key)) {
				free(key);
				return fail(r, -EINVAL, "duplicate member name");
			}
			skip_space(r);
			if (r->p >= r->end || *r->p != ':') {
				free(key);
				return fail(r, -EINVAL, "expected ':' after a member name");
			}
			r->p++;
		}
		v = value(r, depth + 1);
		if (!v) {
			free(key);
			return r->err;
		}
		v->key = key;
		*tail = v;
		tail = &v->next;
		skip_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		return fail(r, -EINVAL, is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static struct havz_json *value(struct reader *r, unsigned depth)
{
	struct havz_json *v = NULL;

	if (depth > HAVZ_JSON_MAX_DEPTH) {
		fail(r, -E2BIG, "nested too deep");
		return NULL;
	}
	skip_space(r);
	if (r->p >= r->end) {
		fail(r, -EINVAL, "expected a value");
		return NULL;
	}
	switch (*r->p) {
	case '{':
	case '[':
		v = new_node(r, *r->p == '{' ? HAVZ_JSON_OBJECT : HAVZ_JSON_ARRAY);
		if (!v)
			return NULL;
		r->p++;
		if (members(r, v, depth))
			goto bad;
		return v;
	case '"':
		v = new_node(r, HAVZ_JSON_STRING);
		if (!v)
			return NULL;
		r->p++;
		if (string_body(r, &v->string))
			goto bad;
		return v;
	default: break;
	}
	if (literal(r, "true") || literal(r, "false")) {
		bool is_true = r->p[-1] == 'e' && r->p[-2] == 'u'; /* "true", not "false" */

		v = new_node(r, HAVZ_JSON_BOOL);
		if (v)
			v->boolean = is_true;
		return v;
	}
	if (literal(r, "null"))
		return new_node(r, HAVZ_JSON_NULL);
	if (*r->p != '-' && (*r->p < '0' || *r->p > '9')) {
		fail(r, -EINVAL, "expected a value");
		return NULL;
	}
	v = new_node(r, HAVZ_JSON_NUMBER);
	if (!v)
		return NULL;
	if (number(r, &v->number))
		goto bad;
	return v;
bad:
	havz_json_free(v);
	return NULL;
}

int havz_json_parse(const char *text, size_t len, struct havz_json **out, char *why, size_t size)
{
	struct reader r = { .p = text, .end = text + len, .line = 1, .why = why, .size = size };
	struct havz_json *v;

	*out = NULL;
	if (memchr(text, '\0', len)) {
		havz_why_set(why, size, "a NUL byte in the text");
		return -EINVAL;
	}
	v = value(&r, 0);
	if (!v)
		return r.err ? r.err : -EINVAL;
	skip_space(&r);
	if (r.p != r.end) {
		fail(&r, -EINVAL, "text after the value");
		havz_json_free(v);
		return r.err;
	}
	*out = v;
	return 0;
}

void havz_json_free(struct havz_json *v)
{
	while (v) {
		struct havz_json *next = v->next;

		havz_json_free(v->child);
		free(v->string);
		free(v->key);
		free(v);
		v = next;
	}
}

const struct havz_json *havz_json_get(const struct havz_json *obj, const char *key)
{
	if (!obj || obj->type != HAVZ_JSON_OBJECT)
		return NULL;
	for (const struct havz_json *m = obj->child; m; m = m->next)
		if (m->key && !strcmp(m->key, key))
			return m;
	return NULL;
}

size_t havz_json_count(const struct havz_json *v)
{
	size_t n = 0;

	for (const struct havz_json *m = v ? v->child : NULL; m; m = m->next)
		n++;
	return n;
}

const char *havz_json_type_name(enum havz_json_type t)
{
	static const char *const names[] = { "null",   "boolean", "number",
					     "string", "array",	  "object" };

	return (unsigned)t < sizeof(names) / sizeof(names[0]) ? names[t] : "?";
}

int havz_json_put_string(struct havz_buf *out, const char *s)
{
	havz_buf_append(out, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			havz_buf_printf(out, "\\%c", *p);
		else if (*p == '\n')
			havz_buf_append(out, "\\n", 2);
		else if (*p == '\t')
			havz_buf_append(out, "\\t", 2);
		else if (*p < 0x20)
			havz_buf_printf(out, "\\u%04x", *p);
		else
			havz_buf_append(out, (const char *)p, 1);
	}
	return havz_buf_append(out, "\"", 1);
}
