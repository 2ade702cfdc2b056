// SPDX-License-Identifier: GPL-2.0-only
/* The checkpoint hook contract without the running: names, ownership, environment. */
#include "havz/buf.h"
#include "havz/hookpolicy.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char *const phase_names[HAVZ_HOOK_PHASES] = {
	"pre-dump",
	"post-dump",
	"pre-restore",
	"post-restore",
};

const char *havz_hook_phase_name(enum havz_hook_phase p)
{
	return (unsigned)p < HAVZ_HOOK_PHASES ? phase_names[p] : "?";
}

int havz_hook_phase_parse(const char *s, enum havz_hook_phase *out)
{
	for (unsigned i = 0; i < HAVZ_HOOK_PHASES; i++)
		if (!strcmp(s, phase_names[i])) {
			*out = (enum havz_hook_phase)i;
			return 0;
		}
	return -EINVAL;
}

bool havz_hook_phase_aborts(enum havz_hook_phase p)
{
	return p == HAVZ_HOOK_PRE_DUMP || p == HAVZ_HOOK_PRE_RESTORE;
}

bool havz_hook_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
			return false;
	return true;
}

int havz_path_secure(const char *path, bool is_file, char *why, size_t why_size)
{
	char real[PATH_MAX], *slash;
	/* A hook and its directory, or a hook directory itself, get no sticky exception. */
	unsigned strict = is_file ? 2 : 1;
	struct stat st;

	if (!realpath(path, real)) {
		int rc = -errno;

		havz_why_set(why, why_size, "%s: %s", path, strerror(errno));
		return rc;
	}
	for (unsigned level = 0;; level++) {
		if (stat(real, &st)) {
			havz_why_set(why, why_size, "%s: %s", real, strerror(errno));
			return -EPERM;
		}
		if (level == 0 && is_file && !S_ISREG(st.st_mode)) {
			havz_why_set(why, why_size, "%s is not a regular file", real);
			return -EPERM;
		}
		if (st.st_uid != 0) {
			havz_why_set(why, why_size, "%s is owned by uid %u, not root", real,
				     (unsigned)st.st_uid);
			return -EPERM;
		}
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) &&
		    (level < strict || !S_ISDIR(st.st_mode) || !(st.st_mode & S_ISVTX))) {
			havz_why_set(why, why_size, "%s is writable by %s", real,
				     (st.st_mode & S_IWOTH) ? "others" : "its group");
			return -EPERM;
		}
		if (!strcmp(real, "/"))
			return 0;
		slash = strrchr(real, '/');
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void havz_hook_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int havz_hook_list(const char *dir, char ***names, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v;
	int rc = 0;

	*names = NULL;
	*n = 0;
	if (!d)
		return -errno;
	v = calloc(HAVZ_HOOKS_MAX, sizeof(*v));
	if (!v) {
		closedir(d);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		if (!havz_hook_name_ok(de->d_name))
			continue;
		if (*n == HAVZ_HOOKS_MAX) {
			rc = -E2BIG;
			break;
		}
		v[*n] = strdup(de->d_name);
		if (!v[*n]) {
			rc = -ENOMEM;
			break;
		}
		(*n)++;
	}
	closedir(d);
	if (rc) {
		havz_hook_names_free(v, *n);
		*n = 0;
		return rc;
	}
	qsort(v, *n, sizeof(*v), name_cmp);
	*names = v;
	return 0;
}

int havz_hook_envp(const struct havz_hook_env *e, char store[HAVZ_HOOK_ENV_VARS][HAVZ_HOOK_ENV_LEN],
		   const char *envp[HAVZ_HOOK_ENV_VARS + 1])
{
	char pid[16] = "";
	const struct {
		const char *key, *value;
	} vars[HAVZ_HOOK_ENV_VARS] = {
		{ "PATH", HAVZ_HOOK_PATH },
		{ "LC_ALL", "C" },
		{ "HAVZ_ACTION", havz_hook_phase_name(e->phase) },
		{ "HAVZ_CT", e->ct },
		{ "HAVZ_IMAGE_DIR", e->image_dir },
		{ "HAVZ_MOUNT", e->mount },
		{ "HAVZ_SERVICE_IP", e->service_ip },
		{ "HAVZ_BRIDGE", e->bridge },
		{ "HAVZ_NODE", e->node },
		{ "HAVZ_CT_PID", pid },
		{ "HAVZ_RESULT", havz_hook_phase_aborts(e->phase) ? "" : e->result },
	};

	if (e->ct_pid > 0)
		snprintf(pid, sizeof(pid), "%d", e->ct_pid);
	for (size_t i = 0; i < HAVZ_HOOK_ENV_VARS; i++) {
		const char *v = vars[i].value ? vars[i].value : "";

		if (snprintf(store[i], HAVZ_HOOK_ENV_LEN, "%s=%s", vars[i].key, v) >=
		    HAVZ_HOOK_ENV_LEN)
			return -ENAMETOOLONG;
		envp[i] = store[i];
	}
	envp[HAVZ_HOOK_ENV_VARS] = NULL;
	return 0;
}
