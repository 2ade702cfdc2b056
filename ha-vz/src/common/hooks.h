/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs the checkpoint hooks of one phase: DIR/PHASE.d/NAME in lexical order,
 * executable regular files only, each with the fixed environment of
 * havz/hookpolicy.h and a timeout, through common/run. See ha-vz-hooks(7).
 */
#ifndef HAVZ_HOOKS_H
#define HAVZ_HOOKS_H

#include <stddef.h>

#include "havz/hookpolicy.h"

struct havz_hooks_opts {
	const char *dir;     /* NULL: HAVZ_HOOKS_DIR */
	unsigned timeout_ms; /* per hook; 0: HAVZ_HOOK_TIMEOUT_MS */
};

/*
 * 0 when every hook of a pre-* phase succeeded (or there are none), and
 * always for post-* phases (their failures are logged). For a pre-* phase,
 * -ECANCELED when a hook failed or timed out, -EPERM when a hook or its
 * directory is unsafe, other -errno when they cannot be listed; why names
 * the hook and the first line of what it printed.
 */
int havz_hooks_run(const struct havz_hook_env *env, const struct havz_hooks_opts *opts, char *why,
		   size_t why_size);

/*
 * The runner both kinds of hooks share (checkpoint hooks, alert hooks): the
 * hooks of dir by name (havz_hook_list), the directory and each hook
 * checked (havz_path_secure), each run with envp, cwd / and timeout_ms,
 * its output logged. Every refusal or failure goes to fail with a message
 * naming the hook ("WHAT.d/NAME"); a non-zero return stops there and is
 * returned. 0 when all ran (or there are none, or dir does not exist).
 */
struct havz_hookdir {
	const char *dir;
	const char *what;    /* "pre-dump", "alerts": in the messages */
	const char *subject; /* the log's "SUBJECT: running hook ..." */
	const char *const *envp;
	unsigned timeout_ms;
	/* All hooks together, 0: no bound. A hook gets at most what is left, and none
	 * starts once it is used up (its caller must not wait longer: DRBD's handler). */
	unsigned total_ms;
	int (*fail)(void *ctx, int rc, const char *msg);
	void *ctx;
};
int havz_hookdir_run(const struct havz_hookdir *h);

#endif
