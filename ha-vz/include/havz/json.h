/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A strict JSON reader (RFC 8259) for the files ha-vz writes itself and
 * reads back (drill records): bounded depth, size and string length,
 * duplicate keys refused, every error with its line. And the one writer
 * helper that every JSON emitter needs: string escaping.
 */
#ifndef HAVZ_JSON_H
#define HAVZ_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/buf.h"

#define HAVZ_JSON_MAX_DEPTH 16
#define HAVZ_JSON_MAX_NODES 200000
#define HAVZ_JSON_MAX_STRING 4096

enum havz_json_type {
	HAVZ_JSON_NULL,
	HAVZ_JSON_BOOL,
	HAVZ_JSON_NUMBER,
	HAVZ_JSON_STRING,
	HAVZ_JSON_ARRAY,
	HAVZ_JSON_OBJECT,
};

struct havz_json {
	enum havz_json_type type;
	bool boolean;
	double number;
	char *string;		 /* HAVZ_JSON_STRING: the decoded text (no NUL inside) */
	char *key;		 /* a member of an object: its name */
	unsigned line;		 /* where the value starts, from 1 */
	struct havz_json *child; /* first element or member */
	struct havz_json *next;	 /* next sibling */
};

/*
 * Parses text[0..len) as one JSON value. Returns 0 with *out (free with
 * havz_json_free), or -EINVAL/-E2BIG/-ENOMEM with "line N: message" in why.
 */
int havz_json_parse(const char *text, size_t len, struct havz_json **out, char *why, size_t size);
void havz_json_free(struct havz_json *v);

/* The member of an object by name, or NULL. */
const struct havz_json *havz_json_get(const struct havz_json *obj, const char *key);
/* The number of elements or members. */
size_t havz_json_count(const struct havz_json *v);
/* "string", "number", ...: for messages. */
const char *havz_json_type_name(enum havz_json_type t);

/* Appends s as a quoted JSON string, escaping what RFC 8259 requires. */
int havz_json_put_string(struct havz_buf *out, const char *s);

#endif
