/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The checkpoint hook contract, the parts that need no process: phases,
 * which names count as hooks, the ownership rule, the fixed environment.
 * src/common/hooks.c runs them. See ha-vz-hooks(7).
 */
#ifndef HAVZ_HOOKPOLICY_H
#define HAVZ_HOOKPOLICY_H

#include <stdbool.h>
#include <stddef.h>

#define HAVZ_HOOKS_DIR HAVZ_SYSCONFDIR "/ha-vz/hooks"
#define HAVZ_HOOK_TIMEOUT_MS 30000
#define HAVZ_HOOKS_MAX 64
#define HAVZ_HOOK_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum havz_hook_phase {
	HAVZ_HOOK_PRE_DUMP,
	HAVZ_HOOK_POST_DUMP,
	HAVZ_HOOK_PRE_RESTORE,
	HAVZ_HOOK_POST_RESTORE,
	HAVZ_HOOK_PHASES,
};

/* "pre-dump", "post-dump", "pre-restore", "post-restore". */
const char *havz_hook_phase_name(enum havz_hook_phase p);
int havz_hook_phase_parse(const char *s, enum havz_hook_phase *out);
/* A failing pre-* hook aborts the operation; post-* failures are logged only. */
bool havz_hook_phase_aborts(enum havz_hook_phase p);

/* run-parts names: letters, digits, '_' and '-' only (so "x.dpkg-old", "x~", ".x" are skipped). */
bool havz_hook_name_ok(const char *name);

/*
 * keepalived's rule: path and every directory above it, after resolving
 * symlinks, owned by root and not writable by group or others. A directory
 * above the last one may be writable by others if it is root-owned and
 * sticky (like /tmp): nobody else can replace an entry in it. For a hook
 * (is_file) the target must also be a regular file. 0, or -EPERM with why.
 */
int havz_path_secure(const char *path, bool is_file, char *why, size_t why_size);

/*
 * The names in dir that are hooks by name (havz_hook_name_ok), sorted
 * bytewise (the C locale's lexical order). Free with havz_hook_names_free.
 * -ENOENT when dir does not exist.
 */
int havz_hook_list(const char *dir, char ***names, size_t *n);
void havz_hook_names_free(char **names, size_t n);

/* What a hook is told, all of it; NULL or "" values are passed as empty. */
struct havz_hook_env {
	enum havz_hook_phase phase;
	const char *ct;		/* HAVZ_CT */
	const char *image_dir;	/* HAVZ_IMAGE_DIR */
	const char *mount;	/* HAVZ_MOUNT: the container's mount point (its lxcpath) */
	const char *service_ip; /* HAVZ_SERVICE_IP: address/prefix, or empty */
	const char *bridge;	/* HAVZ_BRIDGE */
	const char *node;	/* HAVZ_NODE: this node's name */
	int ct_pid;		/* HAVZ_CT_PID: the container's init in the host, <= 0: empty */
	const char *result;	/* HAVZ_RESULT: post-* only, "ok" or "failed"; empty for pre-* */
};

#define HAVZ_HOOK_ENV_VARS 11
#define HAVZ_HOOK_ENV_LEN 512

/* Fills envp (HAVZ_HOOK_ENV_VARS + 1 slots, NULL-terminated) from store. -ENAMETOOLONG if a value
 * does not fit. */
int havz_hook_envp(const struct havz_hook_env *e, char store[HAVZ_HOOK_ENV_VARS][HAVZ_HOOK_ENV_LEN],
		   const char *envp[HAVZ_HOOK_ENV_VARS + 1]);

#endif
