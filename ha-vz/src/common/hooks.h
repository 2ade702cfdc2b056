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

#endif
