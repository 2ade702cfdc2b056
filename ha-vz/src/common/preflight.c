// SPDX-License-Identifier: GPL-2.0-only
/* The switchover preflight on this node: see preflight.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/preflight.h"
#include "common/run.h"
#include "havz/files.h"

#define PROBE_MS 15000

static int run_probe(const char *const argv[], struct havz_run_result *res)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	const char *envp[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			       "LC_ALL=C", NULL };

	ro.capture = true;
	ro.timeout_ms = PROBE_MS;
	ro.new_session = true; /* CRIU's autofs probe (LAB-NOTES) */
	ro.envp = envp;
	ro.cwd = "/";
	return havz_run(argv, &ro, res);
}

static bool feature(struct havz_run_result *res, const char *name)
{
	const char *argv[] = { "criu", "check", "--feature", name, NULL };

	return run_probe(argv, res) == 0 && res->status == 0;
}

static bool module_builtin(const char *m, void *ctx)
{
	char path[128];

	(void)ctx;
	snprintf(path, sizeof(path), "/sys/module/%s", m);
	return access(path, F_OK) == 0;
}

static bool path_is_symlink(const char *path, void *ctx)
{
	struct stat st;

	(void)ctx;
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

static bool executable(const char *name)
{
	static const char *const dirs[] = { "/usr/sbin", "/sbin", "/usr/bin", "/bin", NULL };
	char path[128];

	for (size_t i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

void havz_preflight_run(const struct havz_container *ct, unsigned precopy_rounds,
			struct havz_preflight *pf)
{
	struct havz_run_result *res = malloc(sizeof(*res));
	struct havz_buf mods = { 0 }, lxc = { 0 }, aa = { 0 };
	struct havz_preflight_in in = { 0 };
	const char *check[] = { "criu", "check", NULL };
	char path[HAVZ_PATH_MAX + HAVZ_NAME_MAX + 16];
	char *out;
	int rc;

	if (!res) {
		memset(pf, 0, sizeof(*pf));
		snprintf(pf->reason, sizeof(pf->reason), "out of memory");
		return;
	}
	rc = run_probe(check, res);
	in.criu_found = rc != -ENOENT;
	in.criu_check = rc ? 127 : res->status;
	out = strdup(rc ? strerror(-rc) : res->output);
	in.criu_output = out;
	in.mem_dirty_track = feature(res, "mem_dirty_track");
	in.uffd = feature(res, "uffd");
	in.uffd_noncoop = feature(res, "uffd-noncoop");
	in.iptables = executable("iptables");
	if (!havz_file_read("/proc/modules", HAVZ_BUF_LIMIT - 1, &mods))
		in.proc_modules = mods.data;
	in.builtin = module_builtin;
	in.node_only = !ct;
	if (ct) {
		snprintf(path, sizeof(path), "%s/%s/config", ct->mount, ct->name);
		if (!havz_file_read(path, HAVZ_BUF_LIMIT - 1, &lxc))
			in.lxc_config = lxc.data ? lxc.data : "";
	}
	in.apparmor = !havz_file_read("/sys/module/apparmor/parameters/enabled", 64, &aa) &&
		      aa.data && aa.data[0] == 'Y';
	in.is_symlink = path_is_symlink;
	in.precopy_rounds = precopy_rounds;
	havz_preflight_eval(&in, pf);
	free(out);
	havz_buf_free(&mods);
	havz_buf_free(&lxc);
	havz_buf_free(&aa);
	free(res);
}
