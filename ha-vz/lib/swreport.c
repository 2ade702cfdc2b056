// SPDX-License-Identifier: GPL-2.0-only
/*
 * The switchover report (havz/switchover.h): key=value lines appended by the CLI and the
 * agent, parsed as strictly as ha-vz.conf. A keyword table gives each key its type and
 * range; a line that is not key=value, an unknown key, a value out of range and a key
 * given twice are errors naming the line (only the results may be revised: later lines
 * win), and so is a missing key of the ones the CLI writes first.
 */
#include "havz/switchover.h"
#include "havz/parse.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

int havz_report_add(struct havz_buf *out, const char *key, const char *value)
{
	char line[HAVZ_REPORT_LINE_MAX + 2];
	int n;

	if (!*key || strpbrk(key, "=\n \t") || strchr(value, '\n'))
		return -EINVAL;
	n = snprintf(line, sizeof(line), "%s=%s\n", key, value);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -E2BIG;
	return havz_buf_append(out, line, (size_t)n);
}

enum report_type {
	REPORT_NAME, /* a node name or the switchover's id: letters, digits, '-', '_', '.' */
	REPORT_TEXT, /* free text (a result with its reason) */
	REPORT_BOOL, /* 0 or 1 */
	REPORT_UINT, /* 0..max */
	REPORT_TIME, /* a CLOCK_REALTIME millisecond: 1..HAVZ_REPORT_TIME_MAX (0 means unset) */
};

struct report_key {
	const char *key;
	enum report_type type;
	size_t offset, size;	/* the field in struct havz_report */
	unsigned long long max; /* REPORT_UINT */
	bool required;		/* written by the CLI when the report begins */
	bool revisable;		/* a result: a later line revises it */
};

#define FIELD(f) offsetof(struct havz_report, f), sizeof(((struct havz_report *)0)->f)
static const struct report_key report_keys[] = {
	{ "id", REPORT_NAME, FIELD(id), 0, true, false },
	{ "from", REPORT_NAME, FIELD(from), 0, true, false },
	{ "to", REPORT_NAME, FIELD(to), 0, true, false },
	{ "lazy", REPORT_BOOL, FIELD(lazy), 1, true, false },
	{ "predump_rounds", REPORT_UINT, FIELD(predump_rounds), HAVZ_PRECOPY_MAX, true, false },
	{ "predump_max", REPORT_UINT, FIELD(predump_max), HAVZ_PRECOPY_MAX, true, false },
	{ "predump_ms", REPORT_UINT, FIELD(predump_ms), HAVZ_REPORT_MS_MAX, true, false },
	{ "stop_begin", REPORT_TIME, FIELD(stop_begin), 0, false, false },
	{ "dump_begin", REPORT_TIME, FIELD(dump_begin), 0, false, false },
	{ "dump_end", REPORT_TIME, FIELD(dump_end), 0, false, false },
	{ "stop_end", REPORT_TIME, FIELD(stop_end), 0, false, false },
	{ "freeze_ms", REPORT_UINT, FIELD(freeze_ms), HAVZ_REPORT_MS_MAX, false, false },
	{ "dump_bytes", REPORT_UINT, FIELD(dump_bytes), UINT64_MAX, false, false },
	{ "stop_result", REPORT_TEXT, FIELD(stop_result), 0, false, true },
	{ "start_node", REPORT_NAME, FIELD(start_node), 0, false, false },
	{ "start_begin", REPORT_TIME, FIELD(start_begin), 0, false, false },
	{ "restore_begin", REPORT_TIME, FIELD(restore_begin), 0, false, false },
	{ "restore_end", REPORT_TIME, FIELD(restore_end), 0, false, false },
	{ "start_end", REPORT_TIME, FIELD(start_end), 0, false, false },
	{ "start_result", REPORT_TEXT, FIELD(start_result), 0, false, true },
	{ "cli_result", REPORT_TEXT, FIELD(cli_result), 0, false, true },
};
#undef FIELD
#define N_REPORT_KEYS (sizeof(report_keys) / sizeof(report_keys[0]))

/* Stores v into an integer field of size bytes (its range already checked to fit). */
static int store_uint(void *field, size_t size, unsigned long long v)
{
	uint64_t x64 = v;
	uint32_t x32 = (uint32_t)v;
	bool b = v != 0;

	if (size == sizeof(x64))
		memcpy(field, &x64, size);
	else if (size == sizeof(x32))
		memcpy(field, &x32, size);
	else if (size == sizeof(b))
		memcpy(field, &b, size);
	else
		return -EINVAL;
	return 0;
}

static bool name_ok(const char *v)
{
	if (!*v)
		return false;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return false;
	return true;
}

/* One value into r; 0 or -EINVAL with msg set. */
static int report_set(const struct report_key *k, const char *v, struct havz_report *r, char *msg,
		      size_t size)
{
	char *field = (char *)r + k->offset;
	unsigned long long n;
	int rc;

	if (!*v) {
		havz_why_set(msg, size, "empty value");
		return -EINVAL;
	}
	switch (k->type) {
	case REPORT_NAME:
	case REPORT_TEXT:
		if (k->type == REPORT_NAME && !name_ok(v)) {
			havz_why_set(msg, size,
				     "'%s' is not a name (letters, digits, '-', '_', '.')", v);
			return -EINVAL;
		}
		if (strlen(v) >= k->size) {
			havz_why_set(msg, size, "longer than %zu characters", k->size - 1);
			return -EINVAL;
		}
		memcpy(field, v, strlen(v) + 1);
		return 0;
	case REPORT_BOOL:
	case REPORT_UINT: rc = havz_parse_uint(v, 0, k->max, &n); break;
	case REPORT_TIME: rc = havz_parse_uint(v, 1, HAVZ_REPORT_TIME_MAX, &n); break;
	default: return -EINVAL;
	}
	if (rc == -ERANGE) {
		havz_why_set(msg, size, "%s is out of range (%llu to %llu)", v,
			     k->type == REPORT_TIME ? 1ULL : 0ULL,
			     k->type == REPORT_TIME ? HAVZ_REPORT_TIME_MAX : k->max);
		return -EINVAL;
	}
	if (rc) {
		havz_why_set(msg, size, "'%s' is not a whole number", v);
		return -EINVAL;
	}
	return store_uint(field, k->size, n);
}

static const struct report_key *report_key_find(const char *key)
{
	for (size_t i = 0; i < N_REPORT_KEYS; i++)
		if (!strcmp(report_keys[i].key, key))
			return &report_keys[i];
	return NULL;
}

int havz_report_parse(const char *text, const char *origin, struct havz_report *r, char *why,
		      size_t why_size)
{
	bool seen[N_REPORT_KEYS] = { false };
	unsigned lineno = 0;
	char msg[200];

	memset(r, 0, sizeof(*r));
	if (!origin)
		origin = "switchover report";
	if (!text) {
		havz_why_set(why, why_size, "%s: no report", origin);
		return -EINVAL;
	}
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		char line[HAVZ_REPORT_LINE_MAX + 1], *eq;
		const struct report_key *k;

		lineno++;
		if (!p[len]) {
			havz_why_set(why, why_size,
				     "%s:%u: incomplete line (no newline at its end)", origin,
				     lineno);
			return -EINVAL;
		}
		if (len > HAVZ_REPORT_LINE_MAX) {
			havz_why_set(why, why_size, "%s:%u: line longer than %d characters", origin,
				     lineno, HAVZ_REPORT_LINE_MAX);
			return -EINVAL;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + 1;
		eq = strchr(line, '=');
		if (!eq || eq == line) {
			havz_why_set(why, why_size, "%s:%u: not key=value: '%s'", origin, lineno,
				     line);
			return -EINVAL;
		}
		*eq = '\0';
		k = report_key_find(line);
		if (!k) {
			havz_why_set(why, why_size, "%s:%u: %s: unknown key", origin, lineno, line);
			return -EINVAL;
		}
		if (seen[k - report_keys] && !k->revisable) {
			havz_why_set(why, why_size, "%s:%u: %s: given twice", origin, lineno, line);
			return -EINVAL;
		}
		seen[k - report_keys] = true;
		if (report_set(k, eq + 1, r, msg, sizeof(msg))) {
			havz_why_set(why, why_size, "%s:%u: %s: %s", origin, lineno, line, msg);
			return -EINVAL;
		}
	}
	for (size_t i = 0; i < N_REPORT_KEYS; i++)
		if (report_keys[i].required && !seen[i]) {
			havz_why_set(why, why_size, "%s: %s: missing (the report has %u lines)",
				     origin, report_keys[i].key, lineno);
			return -EINVAL;
		}
	return 0;
}
