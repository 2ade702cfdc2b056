// SPDX-License-Identifier: GPL-2.0-only
/* The hook contract: phases, names, ownership rule, order, the fixed environment. */
#include "helpers.h"

#include <errno.h>

#include "havz/hookpolicy.h"

static void test_phases(void **state)
{
	enum havz_hook_phase p;

	(void)state;
	for (unsigned i = 0; i < HAVZ_HOOK_PHASES; i++) {
		assert_int_equal(havz_hook_phase_parse(havz_hook_phase_name(i), &p), 0);
		assert_int_equal(p, i);
	}
	assert_string_equal(havz_hook_phase_name(HAVZ_HOOK_POST_RESTORE), "post-restore");
	assert_int_equal(havz_hook_phase_parse("pre-dump.d", &p), -EINVAL);
	assert_int_equal(havz_hook_phase_parse("", &p), -EINVAL);
	assert_true(havz_hook_phase_aborts(HAVZ_HOOK_PRE_DUMP));
	assert_true(havz_hook_phase_aborts(HAVZ_HOOK_PRE_RESTORE));
	assert_false(havz_hook_phase_aborts(HAVZ_HOOK_POST_DUMP));
	assert_false(havz_hook_phase_aborts(HAVZ_HOOK_POST_RESTORE));
}

static void test_names(void **state)
{
	(void)state;
	assert_true(havz_hook_name_ok("50-gratuitous-arp"));
	assert_true(havz_hook_name_ok("A_b-9"));
	assert_false(havz_hook_name_ok(""));
	assert_false(havz_hook_name_ok(".hidden"));
	assert_false(havz_hook_name_ok("50-arp.dpkg-old"));
	assert_false(havz_hook_name_ok("50-arp~"));
	assert_false(havz_hook_name_ok("50 arp"));
}

static void test_list_sorted(void **state)
{
	char *dir = tmpdir_make(), **names;
	size_t n;

	(void)state;
	free(file_make(dir, "20-b", "", 0755));
	free(file_make(dir, "10-a", "", 0755));
	free(file_make(dir, "B", "", 0755));
	free(file_make(dir, "a", "", 0755));
	free(file_make(dir, "10-a.bak", "", 0755));
	free(file_make(dir, ".x", "", 0755));
	assert_int_equal(havz_hook_list(dir, &names, &n), 0);
	assert_int_equal(n, 4);
	/* Bytewise: digits, then upper case, then lower case. */
	assert_string_equal(names[0], "10-a");
	assert_string_equal(names[1], "20-b");
	assert_string_equal(names[2], "B");
	assert_string_equal(names[3], "a");
	havz_hook_names_free(names, n);
	tmpdir_remove(dir);
	assert_int_equal(havz_hook_list("/nonexistent/hooks", &names, &n), -ENOENT);
}

static void expect_secure(const char *path, bool is_file, int rc, const char *want_sub)
{
	char why[512] = "";

	assert_int_equal(havz_path_secure(path, is_file, why, sizeof(why)), rc);
	if (want_sub && !strstr(why, want_sub))
		fail_msg("'%s' does not contain '%s'", why, want_sub);
}

static void test_path_secure(void **state)
{
	char *dir, *hook, sub[512], link[512];

	(void)state;
	if (geteuid() != 0)
		skip();	     /* ownership by root is the rule under test */
	dir = tmpdir_make(); /* 0700 root, under sticky /tmp */
	hook = file_make(dir, "10-ok", "#!/bin/sh\n", 0755);
	expect_secure(dir, false, 0, NULL);
	expect_secure(hook, true, 0, NULL);

	assert_int_equal(chmod(hook, 0775), 0);
	expect_secure(hook, true, -EPERM, "is writable by its group");
	assert_int_equal(chmod(hook, 0757), 0);
	expect_secure(hook, true, -EPERM, "is writable by others");
	assert_int_equal(chmod(hook, 0755), 0);
	assert_int_equal(chown(hook, 65534, 0), 0);
	expect_secure(hook, true, -EPERM, "is owned by uid 65534, not root");
	assert_int_equal(chown(hook, 0, 0), 0);

	/* The hook's directory: strict too, even when sticky. */
	assert_int_equal(chmod(dir, 01777), 0);
	expect_secure(hook, true, -EPERM, "is writable by others");
	expect_secure(dir, false, -EPERM, "is writable by others");
	assert_int_equal(chmod(dir, 0755), 0);

	/* A directory further up may be sticky and world-writable (like /tmp)... */
	snprintf(sub, sizeof(sub), "%s/hooks", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(chmod(dir, 01777), 0);
	expect_secure(sub, false, 0, NULL);
	/* ...but not without the sticky bit, */
	assert_int_equal(chmod(dir, 0777), 0);
	expect_secure(sub, false, -EPERM, "is writable by others");
	/* and never owned by someone else. */
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(chown(dir, 65534, 0), 0);
	expect_secure(sub, false, -EPERM, "is owned by uid 65534");
	assert_int_equal(chown(dir, 0, 0), 0);

	/* Symlinks are judged by what they point to. */
	snprintf(link, sizeof(link), "%s/hooks/20-link", dir);
	assert_int_equal(symlink(hook, link), 0);
	expect_secure(link, true, 0, NULL);
	assert_int_equal(chmod(hook, 0777), 0);
	expect_secure(link, true, -EPERM, "is writable by");
	expect_secure(sub, true, -EPERM, "is not a regular file");
	expect_secure("/nonexistent/hook", true, -ENOENT, "No such file");
	free(hook);
	tmpdir_remove(dir);
}

static void test_envp(void **state)
{
	char store[HAVZ_HOOK_ENV_VARS][HAVZ_HOOK_ENV_LEN];
	const char *envp[HAVZ_HOOK_ENV_VARS + 1];
	struct havz_hook_env e = {
		.phase = HAVZ_HOOK_POST_RESTORE,
		.ct = "web",
		.image_dir = "/srv/ha-vz/web/.ha-vz/checkpoint",
		.mount = "/srv/ha-vz/web",
		.service_ip = "192.0.2.50/24",
		.bridge = "havzbr0",
		.node = "alpha",
		.ct_pid = 4242,
		.result = "ok",
	};
	char big[HAVZ_HOOK_ENV_LEN + 1];

	(void)state;
	assert_int_equal(havz_hook_envp(&e, store, envp), 0);
	assert_string_equal(envp[0], "PATH=" HAVZ_HOOK_PATH);
	assert_string_equal(envp[1], "LC_ALL=C");
	assert_string_equal(envp[2], "HAVZ_ACTION=post-restore");
	assert_string_equal(envp[3], "HAVZ_CT=web");
	assert_string_equal(envp[4], "HAVZ_IMAGE_DIR=/srv/ha-vz/web/.ha-vz/checkpoint");
	assert_string_equal(envp[5], "HAVZ_MOUNT=/srv/ha-vz/web");
	assert_string_equal(envp[6], "HAVZ_SERVICE_IP=192.0.2.50/24");
	assert_string_equal(envp[7], "HAVZ_BRIDGE=havzbr0");
	assert_string_equal(envp[8], "HAVZ_NODE=alpha");
	assert_string_equal(envp[9], "HAVZ_CT_PID=4242");
	assert_string_equal(envp[10], "HAVZ_RESULT=ok");
	assert_null(envp[11]);

	/* Unknown values are present and empty; pre-* phases have no result. */
	e.phase = HAVZ_HOOK_PRE_DUMP;
	e.ct_pid = -1;
	e.service_ip = NULL;
	assert_int_equal(havz_hook_envp(&e, store, envp), 0);
	assert_string_equal(envp[2], "HAVZ_ACTION=pre-dump");
	assert_string_equal(envp[6], "HAVZ_SERVICE_IP=");
	assert_string_equal(envp[9], "HAVZ_CT_PID=");
	assert_string_equal(envp[10], "HAVZ_RESULT=");

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	e.image_dir = big;
	assert_int_equal(havz_hook_envp(&e, store, envp), -ENAMETOOLONG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_phases),	    cmocka_unit_test(test_names),
		cmocka_unit_test(test_list_sorted), cmocka_unit_test(test_path_secure),
		cmocka_unit_test(test_envp),
	};

	return cmocka_run_group_tests_name("hookpolicy", tests, NULL, NULL);
}
