// SPDX-License-Identifier: GPL-2.0-only
/* Pacemaker's fence history, read (see havz/fence_history.h). */
#include "havz/fence_history.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 'YYYY-MM-DD HH:MM:SSZ' (or without the Z, or with a +00:00 offset) as UTC seconds. */
static int parse_stamp(const char *p, int64_t *out)
{
	struct tm tm = { 0 };
	char tail[8] = "";
	int n = 0;

	if (sscanf(p, "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -EINVAL;
	/* Only UTC: a zone we would have to convert is not trusted. */
	sscanf(p + n, "%7[^']", tail);
	if (strcmp(tail, "Z") && strcmp(tail, "") && strcmp(tail, " +00:00") &&
	    strcmp(tail, "+00:00"))
		return -EINVAL;
	if (tm.tm_year < 1970 || tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* Does the line begin (after blanks) with "[turning ]off of NODE successful"? */
static bool is_off_of(const char *line, size_t len, const char *node)
{
	char want[160];
	size_t skip = strspn(line, " \t");

	line += skip;
	len -= skip < len ? skip : len;
	if (len > 8 && !strncmp(line, "turning ", 8)) {
		line += 8;
		len -= 8;
	}
	snprintf(want, sizeof(want), "off of %s successful", node);
	return len >= strlen(want) && !strncmp(line, want, strlen(want));
}

int havz_fence_history_last_off(const char *text, const char *node, int64_t *when_s)
{
	static const char *const keys[] = { "last-successful='", "completed='", NULL };
	bool found = false;

	if (!node[0] || strlen(node) > 100)
		return -ENOENT;
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");
		int64_t t;

		if (is_off_of(p, len, node)) {
			for (size_t k = 0; keys[k]; k++) {
				const char *at = strstr(p, keys[k]);

				if (at && at < p + len && !parse_stamp(at + strlen(keys[k]), &t) &&
				    (!found || t > *when_s)) {
					*when_s = t;
					found = true;
					break;
				}
			}
		}
		p += len + (p[len] == '\n');
	}
	return found ? 0 : -ENOENT;
}
