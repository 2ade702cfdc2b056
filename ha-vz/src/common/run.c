// SPDX-License-Identifier: GPL-2.0-only
#include "common/run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/log.h"

extern char **environ;

void havz_run_format_argv(const char *const argv[], char *out, size_t size)
{
	size_t len = 0;

	if (!size)
		return;
	out[0] = '\0';
	for (size_t i = 0; argv[i] && len + 1 < size; i++) {
		const char *a = argv[i];
		bool plain = *a != '\0';

		for (const char *p = a; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				    "-_./=:,@%+",
				    *p))
				plain = false;
		len += (size_t)snprintf(out + len, size - len, "%s", i ? " " : "");
		if (len + 1 >= size)
			break;
		if (plain) {
			len += (size_t)snprintf(out + len, size - len, "%s", a);
		} else {
			len += (size_t)snprintf(out + len, size - len, "'");
			for (const char *p = a; *p && len + 5 < size; p++)
				len += (size_t)snprintf(out + len, size - len,
							*p == '\'' ? "'\\''" : "%c", *p);
			if (len + 1 < size)
				len += (size_t)snprintf(out + len, size - len, "'");
		}
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void child_exec(const char *const argv[], const struct havz_run_opts *opts, int out_fd)
{
	int in_fd = opts->stdin_fd;

	if (opts->new_session)
		setsid(); /* also a new process group, so that a timeout still kills it all */
	else
		setpgid(0, 0);
	if (out_fd < 0 && opts->output_file) {
		out_fd = open(opts->output_file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
		if (out_fd < 0)
			_exit(127);
	}
	if (in_fd < 0)
		in_fd = open("/dev/null", O_RDONLY);
	if (in_fd < 0 || dup2(in_fd, STDIN_FILENO) < 0)
		_exit(127);
	if (out_fd >= 0 && (dup2(out_fd, STDOUT_FILENO) < 0 || dup2(out_fd, STDERR_FILENO) < 0))
		_exit(127);
	if (opts->cwd && chdir(opts->cwd))
		_exit(127);
	/* Signals the parent ignores or blocks must not leak into the child. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	execvpe(argv[0], (char *const *)argv,
		(char *const *)(opts->envp ? opts->envp : (const char *const *)environ));
	_exit(127);
}

int havz_run(const char *const argv[], const struct havz_run_opts *opts,
	     struct havz_run_result *res)
{
	char line[1024];
	int pipefd[2] = { -1, -1 }, wstatus = 0, rc = 0;
	long long deadline;
	pid_t pid;
	bool exited = false;

	res->status = -1;
	res->timed_out = false;
	res->output_len = 0;
	res->output[0] = '\0';
	res->truncated = false;
	havz_run_format_argv(argv, line, sizeof(line));
	if (opts->dry_run) {
		printf("%s\n", line);
		res->status = 0;
		return 0;
	}
	qb_log(LOG_DEBUG, "run: %s", line);
	if (opts->capture && pipe2(pipefd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		rc = -errno;
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return rc;
	}
	if (pid == 0)
		child_exec(argv, opts, pipefd[1]);
	setpgid(pid, pid); /* also here, so that the group exists before we may kill it */
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	deadline = opts->timeout_ms ? now_ms() + opts->timeout_ms : 0;

	while (!exited) {
		int wait_ms = 100;

		if (deadline) {
			long long left = deadline - now_ms();

			if (left <= 0) {
				kill(-pid, SIGTERM);
				usleep(200 * 1000);
				kill(-pid, SIGKILL);
				waitpid(pid, &wstatus, 0);
				res->timed_out = true;
				rc = -ETIMEDOUT;
				break;
			}
			if (left < wait_ms)
				wait_ms = (int)left;
		}
		if (pipefd[0] >= 0) {
			struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };

			if (poll(&pfd, 1, wait_ms) > 0) {
				char buf[4096];
				ssize_t got = read(pipefd[0], buf, sizeof(buf));

				if (got > 0) {
					size_t room = sizeof(res->output) - 1 - res->output_len;
					size_t take = (size_t)got < room ? (size_t)got : room;

					memcpy(res->output + res->output_len, buf, take);
					res->output_len += take;
					res->output[res->output_len] = '\0';
					res->truncated |= take < (size_t)got;
				} else if (got == 0) {
					close(pipefd[0]);
					pipefd[0] = -1;
				}
			}
		} else {
			usleep((useconds_t)wait_ms * 1000);
		}
		/* Output still in the pipe after the exit is drained below. */
		if (waitpid(pid, &wstatus, WNOHANG) == pid)
			exited = true;
	}
	/* A daemonised grandchild may hold the pipe open for ever: drain without blocking. */
	if (pipefd[0] >= 0)
		fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	while (pipefd[0] >= 0) {
		char buf[4096];
		ssize_t got = read(pipefd[0], buf, sizeof(buf));
		size_t room = sizeof(res->output) - 1 - res->output_len;

		if (got <= 0 || res->timed_out) {
			close(pipefd[0]);
			pipefd[0] = -1;
			break;
		}
		size_t take = (size_t)got < room ? (size_t)got : room;
		memcpy(res->output + res->output_len, buf, take);
		res->output_len += take;
		res->output[res->output_len] = '\0';
		res->truncated |= take < (size_t)got;
	}
	if (WIFEXITED(wstatus))
		res->status = WEXITSTATUS(wstatus);
	else if (WIFSIGNALED(wstatus))
		res->status = 128 + WTERMSIG(wstatus);
	return rc;
}

int havz_run_logged(const char *who, const char *const argv[], unsigned timeout_ms,
		    struct havz_run_result *res)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	char line[1024];
	int rc;

	ro.timeout_ms = timeout_ms;
	ro.capture = true;
	havz_run_format_argv(argv, line, sizeof(line));
	qb_log(LOG_DEBUG, "%s: running %s", who, line);
	rc = havz_run(argv, &ro, res);
	if (rc)
		qb_log(LOG_ERR, "%s: %s: %s", who, line,
		       rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
	return rc;
}
