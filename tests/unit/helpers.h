/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared helpers for the unit tests: a diagnostics collector for
 * havz_diag_fn, text substitution on a template configuration, and
 * temporary files under a mkdtemp directory.
 */
#ifndef HAVZ_TEST_HELPERS_H
#define HAVZ_TEST_HELPERS_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <fcntl.h>
#include <cmocka.h>

#define DIAGS_MAX 64

struct diags {
	char *msg[DIAGS_MAX];
	size_t n;
};

static inline void diag_collect(void *ctx, const char *message)
{
	struct diags *d = ctx;

	assert_true(d->n < DIAGS_MAX);
	if (getenv("HAVZ_TEST_VERBOSE"))
		print_message("# diag: %s\n", message);
	d->msg[d->n] = strdup(message);
	assert_non_null(d->msg[d->n]);
	d->n++;
}

static inline void diags_free(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->msg[i]);
	memset(d, 0, sizeof(*d));
}

/* Prints every collected message as TAP comments. */
static inline void diags_dump(const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++)
		print_message("# diag[%zu]: %s\n", i, d->msg[i]);
}

/* Prints them only with HAVZ_TEST_VERBOSE set, to keep passing runs quiet. */
static inline void diags_print(const struct diags *d)
{
	if (getenv("HAVZ_TEST_VERBOSE"))
		diags_dump(d);
}

static inline bool diags_has(const struct diags *d, const char *exact)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->msg[i], exact))
			return true;
	return false;
}

/* Asserts the number of collected messages; shows them when it is wrong. */
#define assert_diag_count(d, count)                                                                \
	do {                                                                                       \
		if ((d)->n != (size_t)(count))                                                     \
			diags_dump(d);                                                             \
		assert_int_equal((d)->n, (count));                                                 \
	} while (0)

/* Asserts that exactly one message was collected and that it is want. */
#define assert_one_diag(d, want)                                                                   \
	do {                                                                                       \
		assert_diag_count((d), 1);                                                         \
		assert_string_equal((d)->msg[0], (want));                                          \
	} while (0)

/* Asserts that want is among the collected messages. */
#define assert_diag(d, want)                                                                       \
	do {                                                                                       \
		if (!diags_has((d), (want))) {                                                     \
			diags_dump(d);                                                             \
			fail_msg("missing diagnostic: %s", (want));                                \
		}                                                                                  \
	} while (0)

/* A copy of text with the first occurrence of from replaced by to (which must exist). */
static inline char *subst(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	size_t head, n;
	char *out;

	if (!at)
		fail_msg("subst: '%s' not in the template", from);
	head = (size_t)(at - text);
	n = strlen(text) - strlen(from) + strlen(to);
	out = malloc(n + 1);
	assert_non_null(out);
	memcpy(out, text, head);
	strcpy(out + head, to);
	strcat(out + head, at + strlen(from));
	return out;
}

/* Like subst, but frees text. */
static inline char *subst_free(char *text, const char *from, const char *to)
{
	char *out = subst(text, from, to);

	free(text);
	return out;
}

/* A new temporary directory; free the result and remove the tree with tmpdir_remove. */
static inline char *tmpdir_make(void)
{
	char *dir = strdup("/tmp/havz-unit-XXXXXX");

	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static inline void tmpdir_remove(char *dir)
{
	char cmd[512];

	/* A test-only convenience; the directory name comes from mkdtemp. */
	snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(dir);
}

/* Writes text to dir/name with exactly mode; returns the path (free it). */
static inline char *file_make(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *path;
	int fd;
	size_t len = strlen(text);

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
	return path;
}

/*
 * A small valid configuration; tests change single lines with subst() so
 * that the line numbers below stay put:
 *  1 [cluster]          5 [node alpha]   9 [node beta]   13 [link lan]   16 [link repl]
 *  2 name               6 management    10 management    14 interface    17 interface
 *  3 auth_key_file      7 replication   11 replication                   18 network
 * 20 [container web]: 21 minor, 22 port, 23 disk, 24 size, 25 memory, 26 preferred_node
 */
#define BASE_CONF                                                                                  \
	"[cluster]\n"                                                                              \
	"name = demo\n"                                                                            \
	"auth_key_file = /etc/ha-vz/authkey\n"                                                     \
	"\n"                                                                                       \
	"[node alpha]\n"                                                                           \
	"management = 192.0.2.11\n"                                                                \
	"replication = 198.51.100.11\n"                                                            \
	"\n"                                                                                       \
	"[node beta]\n"                                                                            \
	"management = 192.0.2.12\n"                                                                \
	"replication = 198.51.100.12\n"                                                            \
	"\n"                                                                                       \
	"[link lan]\n"                                                                             \
	"interface = eth0\n"                                                                       \
	"\n"                                                                                       \
	"[link repl]\n"                                                                            \
	"interface = eth1\n"                                                                       \
	"network = replication\n"                                                                  \
	"\n"                                                                                       \
	"[container web]\n"                                                                        \
	"minor = 0\n"                                                                              \
	"port = 7789\n"                                                                            \
	"disk = /dev/havz/web\n"                                                                   \
	"size = 2G\n"                                                                              \
	"memory = 256M\n"                                                                          \
	"preferred_node = alpha\n"

#endif
