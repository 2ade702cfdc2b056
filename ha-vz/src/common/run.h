/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one place that forks and execs: argv vectors only (never a shell),
 * a timeout, the child in its own process group (so a timeout kills the
 * whole tree), and bounded capture of what it prints.
 */
#ifndef HAVZ_RUN_H
#define HAVZ_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define HAVZ_RUN_CAPTURE_MAX 65536

struct havz_run_opts {
	unsigned timeout_ms;	 /* 0: no timeout */
	const char *const *envp; /* NULL: inherit the environment */
	const char *cwd;	 /* NULL: unchanged */
	int stdin_fd;		 /* -1: /dev/null */
	bool capture;		 /* collect stdout+stderr into the result */
	bool dry_run;		 /* print the argv to stdout, run nothing, succeed */
	bool new_session;	 /* setsid() instead of a new process group (CRIU's autofs probe) */
	const char *output_file; /* no capture: stdout+stderr appended here, 0600 */
};

struct havz_run_result {
	int status;	/* exit status, 128+signal when killed by a signal, -1 not run */
	bool timed_out; /* killed after timeout_ms */
	char output[HAVZ_RUN_CAPTURE_MAX]; /* NUL-terminated, cut at the limit */
	size_t output_len;
	bool truncated;
};

#define HAVZ_RUN_OPTS_DEFAULT                                                                      \
	{                                                                                          \
		.timeout_ms = 0, .envp = NULL, .cwd = NULL, .stdin_fd = -1                         \
	}

/*
 * Runs argv[0] (looked up in PATH when it has no '/') and waits for it.
 * Returns 0 when it ran (see res->status), -errno when it could not be
 * started, -ETIMEDOUT after killing it for the timeout.
 */
int havz_run(const char *const argv[], const struct havz_run_opts *opts,
	     struct havz_run_result *res);

/*
 * havz_run with its output captured, the command line logged at debug under WHO and a
 * failure to run it (not its exit status: the caller judges that) logged as an error.
 * Returns what havz_run returns.
 */
int havz_run_logged(const char *who, const char *const argv[], unsigned timeout_ms,
		    struct havz_run_result *res);

/* Formats argv as one shell-quoted line, for logs and --dry-run. */
void havz_run_format_argv(const char *const argv[], char *out, size_t size);

#endif
