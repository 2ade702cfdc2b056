// SPDX-License-Identifier: GPL-2.0-only
/* The checkpoint hook runner. */
#include "common/hooks.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "common/log.h"
#include "common/run.h"

#define OUTPUT_LINES_MAX 40

/* snprintf for messages, where cutting a long path short is fine. */
static void sfmt(char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void sfmt(char *out, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, size, fmt, ap);
	va_end(ap);
}

/* Logs what a hook printed, line by line, at priority. */
static void log_output(int priority, const char *hook, const struct havz_run_result *res)
{
	const char *p = res->output;
	int lines = 0;

	while (*p && lines < OUTPUT_LINES_MAX) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		qb_log(priority, "hook %s: %.*s", hook, n, p);
		lines++;
		p += n + (nl ? 1 : 0);
	}
	if (*p || res->truncated)
		qb_log(priority, "hook %s: (output cut)", hook);
}

/* The last non-empty line of the output, for the one-line reason. */
static void last_line(const struct havz_run_result *res, char *out, size_t size)
{
	size_t end = res->output_len, start;

	while (end && (res->output[end - 1] == '\n' || res->output[end - 1] == ' '))
		end--;
	start = end;
	while (start && res->output[start - 1] != '\n')
		start--;
	snprintf(out, size, "%.*s", (int)(end - start), res->output + start);
}

/* A refusal or failure: aborts a pre-* phase, is only logged for post-*. */
static int fail(const struct havz_hook_env *env, int rc, char *why, size_t why_size,
		const char *msg)
{
	if (havz_hook_phase_aborts(env->phase)) {
		qb_log(LOG_ERR, "container %s: %s; %s aborted", env->ct ? env->ct : "?", msg,
		       havz_hook_phase_name(env->phase) + 4);
		snprintf(why, why_size, "%s", msg);
		return rc;
	}
	qb_log(LOG_ERR, "container %s: %s (ignored after the fact)", env->ct ? env->ct : "?", msg);
	return 0;
}

static int64_t monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int havz_hookdir_run(const struct havz_hookdir *h)
{
	int64_t started_ms = monotonic_ms();
	char msg[512], reason[256];
	char **names = NULL;
	size_t n = 0;
	int rc;

	rc = havz_hook_list(h->dir, &names, &n);
	if (rc == -ENOENT)
		return 0;
	if (rc) {
		sfmt(msg, sizeof(msg), "cannot list %s hooks in %s: %s", h->what, h->dir,
		     strerror(-rc));
		return h->fail(h->ctx, rc, msg);
	}
	if (!n) {
		havz_hook_names_free(names, n);
		return 0;
	}
	if (havz_path_secure(h->dir, false, reason, sizeof(reason))) {
		sfmt(msg, sizeof(msg), "refusing the %s hooks: %s", h->what, reason);
		havz_hook_names_free(names, n);
		return h->fail(h->ctx, -EPERM, msg);
	}
	for (size_t i = 0; i < n && !rc; i++) {
		struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
		int64_t left_ms = (int64_t)h->total_ms - (monotonic_ms() - started_ms);
		struct havz_run_result *res;
		char path[PATH_MAX + 64], label[320];
		const char *argv[2];
		struct stat st;

		sfmt(path, sizeof(path), "%s/%s", h->dir, names[i]);
		sfmt(label, sizeof(label), "%s.d/%s", h->what, names[i]);
		/* Not a hook: subdirectories, sockets, and files without the execute bit. */
		if (stat(path, &st) || !S_ISREG(st.st_mode) || !(st.st_mode & S_IXUSR)) {
			qb_log(LOG_DEBUG, "hook %s: skipped (not an executable regular file)",
			       label);
			continue;
		}
		if (havz_path_secure(path, true, reason, sizeof(reason))) {
			sfmt(msg, sizeof(msg), "refusing hook %s: %s", label, reason);
			rc = h->fail(h->ctx, -EPERM, msg);
			continue;
		}
		if (h->total_ms && left_ms <= 0) {
			sfmt(msg, sizeof(msg), "hook %s not run: the %u ms for all %s hooks are up",
			     label, h->total_ms, h->what);
			rc = h->fail(h->ctx, -ETIMEDOUT, msg);
			continue;
		}
		res = malloc(sizeof(*res));
		if (!res) {
			rc = -ENOMEM;
			break;
		}
		argv[0] = path;
		argv[1] = NULL;
		ro.envp = h->envp;
		ro.cwd = "/";
		ro.capture = true;
		ro.timeout_ms = h->timeout_ms;
		if (h->total_ms && left_ms < (int64_t)ro.timeout_ms)
			ro.timeout_ms = (unsigned)left_ms;
		qb_log(LOG_INFO, "%s: running hook %s", h->subject, label);
		rc = havz_run(argv, &ro, res);
		if (rc == -ETIMEDOUT) {
			log_output(LOG_ERR, label, res);
			sfmt(msg, sizeof(msg), "hook %s timed out after %u ms", label,
			     ro.timeout_ms);
			rc = h->fail(h->ctx, -ECANCELED, msg);
		} else if (rc) {
			sfmt(msg, sizeof(msg), "hook %s could not run: %s", label, strerror(-rc));
			rc = h->fail(h->ctx, -ECANCELED, msg);
		} else if (res->status != 0) {
			log_output(LOG_ERR, label, res);
			last_line(res, reason, sizeof(reason));
			sfmt(msg, sizeof(msg), "hook %s failed with status %d%s%s", label,
			     res->status, reason[0] ? ": " : "", reason);
			rc = h->fail(h->ctx, -ECANCELED, msg);
		} else {
			log_output(LOG_INFO, label, res);
		}
		free(res);
	}
	havz_hook_names_free(names, n);
	return rc;
}

/* What a checkpoint hook's failure does to its phase. */
struct phase_ctx {
	const struct havz_hook_env *env;
	char *why;
	size_t why_size;
};

static int phase_fail(void *ctx, int rc, const char *msg)
{
	struct phase_ctx *c = ctx;

	return fail(c->env, rc, c->why, c->why_size, msg);
}

int havz_hooks_run(const struct havz_hook_env *env, const struct havz_hooks_opts *opts, char *why,
		   size_t why_size)
{
	const char *phase = havz_hook_phase_name(env->phase);
	char dir[PATH_MAX], subject[HAVZ_HOOK_ENV_LEN + 16];
	char store[HAVZ_HOOK_ENV_VARS][HAVZ_HOOK_ENV_LEN];
	const char *envp[HAVZ_HOOK_ENV_VARS + 1];
	struct phase_ctx ctx = { env, why, why_size };
	struct havz_hookdir h = { .dir = dir,
				  .what = phase,
				  .envp = envp,
				  .subject = subject,
				  .fail = phase_fail,
				  .ctx = &ctx };
	int rc;

	if (why_size)
		why[0] = '\0';
	sfmt(dir, sizeof(dir), "%s/%s.d", opts && opts->dir ? opts->dir : HAVZ_HOOKS_DIR, phase);
	sfmt(subject, sizeof(subject), "container %s", env->ct ? env->ct : "?");
	h.timeout_ms = opts && opts->timeout_ms ? opts->timeout_ms : HAVZ_HOOK_TIMEOUT_MS;
	rc = havz_hook_envp(env, store, envp);
	if (rc) {
		char msg[128];

		sfmt(msg, sizeof(msg), "%s hooks: environment value too long", phase);
		return fail(env, rc, why, why_size, msg);
	}
	return havz_hookdir_run(&h);
}
