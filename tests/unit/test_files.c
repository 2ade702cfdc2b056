// SPDX-License-Identifier: GPL-2.0-only
/* Atomic writes with an exact mode, bounded reads, mkdir -p. */
#include "helpers.h"

#include <dirent.h>
#include <errno.h>

#include "havz/files.h"

static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tmpdir_remove(dir);
	return 0;
}

static char *path_in(const char *name)
{
	char *p;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	return p;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

static void assert_content(const char *path, const char *want)
{
	struct havz_buf b = { 0 };

	assert_int_equal(havz_file_read(path, 1 << 20, &b), 0);
	assert_string_equal(b.data, want);
	assert_int_equal(b.len, strlen(want));
	havz_buf_free(&b);
}

/* Entries in d other than "." and "..". */
static int count_entries(const char *d)
{
	DIR *dp = opendir(d);
	struct dirent *e;
	int n = 0;

	assert_non_null(dp);
	while ((e = readdir(dp)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(dp);
	return n;
}

static void test_write_creates_parents(void **state)
{
	char *p = path_in("etc/drbd.d/ct-web.res"), *d1 = path_in("etc"),
	     *d2 = path_in("etc/drbd.d");
	mode_t old = umask(022);

	(void)state;
	assert_int_equal(havz_file_write_atomic(p, "resource\n", 9, 0644), 0);
	umask(old);
	assert_content(p, "resource\n");
	assert_int_equal(mode_of(p), 0644);
	assert_int_equal(mode_of(d1), 0755);
	assert_int_equal(mode_of(d2), 0755);
	assert_int_equal(count_entries(d2), 1); /* no temporary file left */
	free(p);
	free(d1);
	free(d2);
}

static void test_write_exact_mode(void **state)
{
	static const struct {
		mode_t umask, mode;
	} cases[] = {
		{ 0, 0600 }, { 0, 0644 },   { 0, 0640 },   { 0, 0400 },
		{ 0, 0755 }, { 077, 0644 }, { 022, 0600 }, { 0777, 0640 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[32], *p;
		mode_t old;

		snprintf(name, sizeof(name), "mode-%zu", i);
		p = path_in(name);
		old = umask(cases[i].umask);
		assert_int_equal(havz_file_write_atomic(p, "x", 1, cases[i].mode), 0);
		umask(old);
		assert_int_equal(mode_of(p), cases[i].mode);
		free(p);
	}
}

static void test_overwrite(void **state)
{
	char *p = path_in("authkeys");
	mode_t old = umask(0);

	(void)state;
	assert_int_equal(havz_file_write_atomic(p, "first version\n", 14, 0644), 0);
	assert_int_equal(havz_file_write_atomic(p, "two\n", 4, 0600), 0);
	umask(old);
	assert_content(p, "two\n");
	assert_int_equal(mode_of(p), 0600);
	assert_int_equal(count_entries(dir), 1);
	/* Empty data gives an empty file. */
	assert_int_equal(havz_file_write_atomic(p, "", 0, 0600), 0);
	assert_content(p, "");
	free(p);
}

static void test_write_errors(void **state)
{
	char *file = path_in("plain"), *under, *p;

	(void)state;
	assert_int_equal(havz_file_write_atomic("no-slash", "x", 1, 0600), -EINVAL);
	assert_int_equal(havz_file_write_atomic(file, "x", 1, 0600), 0);
	/* A regular file where a parent directory should be. */
	assert_true(asprintf(&under, "%s/sub/f", file) > 0);
	assert_int_equal(havz_file_write_atomic(under, "x", 1, 0600), -ENOTDIR);
	/* A directory where the file should be: rename fails, nothing is left behind. */
	p = path_in("isdir");
	assert_int_equal(mkdir(p, 0755), 0);
	assert_int_equal(havz_file_write_atomic(p, "x", 1, 0600), -EISDIR);
	assert_int_equal(count_entries(dir), 2);
	free(p);
	free(under);
	free(file);
}

static void test_read(void **state)
{
	char *p = file_make(dir, "r", "0123456789", 0600);
	struct havz_buf b = { 0 };

	(void)state;
	/* Exactly at the limit. */
	assert_int_equal(havz_file_read(p, 10, &b), 0);
	assert_string_equal(b.data, "0123456789");
	assert_int_equal(b.len, 10);
	havz_buf_free(&b);
	/* One byte over. */
	assert_int_equal(havz_file_read(p, 9, &b), -EFBIG);
	havz_buf_free(&b);
	assert_int_equal(havz_file_read(p, 0, &b), -EFBIG);
	havz_buf_free(&b);
	free(p);
}

static void test_read_large(void **state)
{
	struct havz_buf big = { 0 }, b = { 0 };
	char *p = path_in("large");

	(void)state;
	for (int i = 0; i < 10000; i++)
		havz_buf_printf(&big, "line %05d\n", i); /* 110000 bytes: many read chunks */
	assert_int_equal(havz_file_write_atomic(p, big.data, big.len, 0600), 0);
	assert_int_equal(havz_file_read(p, big.len, &b), 0);
	assert_int_equal(b.len, big.len);
	assert_memory_equal(b.data, big.data, big.len);
	havz_buf_free(&b);
	assert_int_equal(havz_file_read(p, big.len - 1, &b), -EFBIG);
	havz_buf_free(&b);
	havz_buf_free(&big);
	free(p);
}

static void test_read_empty_missing_dir(void **state)
{
	char *p = file_make(dir, "empty", "", 0600), *missing = path_in("missing");
	struct havz_buf b = { 0 };

	(void)state;
	assert_int_equal(havz_file_read(p, 100, &b), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_int_equal(b.len, 0);
	havz_buf_free(&b);
	assert_int_equal(havz_file_read(missing, 100, &b), -ENOENT);
	assert_null(b.data);
	assert_int_equal(havz_file_read(dir, 100, &b), -EINVAL);
	assert_null(b.data);
	free(p);
	free(missing);
}

static void test_mkdir_parents(void **state)
{
	char *p = path_in("a/b/c"), *q = path_in("a/b/c/"), *f = file_make(dir, "f", "", 0600),
	     *under;
	char longpath[5000];
	mode_t old = umask(0);

	(void)state;
	assert_int_equal(havz_mkdir_parents(p, 0750), 0);
	umask(old);
	assert_int_equal(mode_of(p), 0750);
	/* Existing directories are fine, a trailing slash too. */
	assert_int_equal(havz_mkdir_parents(p, 0750), 0);
	assert_int_equal(havz_mkdir_parents(q, 0750), 0);
	assert_int_equal(havz_mkdir_parents(dir, 0750), 0);
	assert_true(asprintf(&under, "%s/x", f) > 0);
	assert_int_equal(havz_mkdir_parents(under, 0750), -ENOTDIR);
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(havz_mkdir_parents(longpath, 0750), -ENAMETOOLONG);
	free(under);
	free(f);
	free(q);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_creates_parents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_exact_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overwrite, setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_empty_missing_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mkdir_parents, setup, teardown),
	};

	return cmocka_run_group_tests_name("files", tests, NULL, NULL);
}
