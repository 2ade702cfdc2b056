// SPDX-License-Identifier: GPL-2.0-only
/*
 * The checkpoint engine (see checkpoint.h): lxc-checkpoint and criu through
 * common/run (own session, timeout, output to a file on the volume), the
 * manifest and freshness rules of havz/manifest.h, the hooks of common/hooks.
 *
 * Image directory MOUNT/.ha-vz/checkpoint:
 *   pre/1 .. pre/N      pre-dump rounds (memory tracking), each against the last
 *   pre/N/SUMS          sha256 of the round's files, taken while the container ran
 *   *.img, stats-dump   the final leave-stopped dump, parent -> pre/N
 *   criu-dump.conf      CRIU_CONFIG_FILE of the dump (network-lock iptables)
 *   MANIFEST            written last: sha256 of every file + filesystem identity
 *                       (round files' sums from their SUMS: only the final dump is
 *                       hashed in the freeze)
 *   MANIFEST.used       after a restore claimed it (never restored again)
 *   *.log               lxc-checkpoint/criu output (not part of the image)
 */
#include "common/checkpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#include "common/container.h"
#include "common/hooks.h"
#include "common/log.h"
#include "common/run.h"
#include "common/swstate.h"
#include "havz/ckpt.h"
#include "havz/files.h"
#include "havz/manifest.h"

#define DEFAULT_TIMEOUT_MS 120000
#define CLEANUP_RESERVE_MS 5000 /* kept back from the timeout for thaw/kill/cleanup */
#define PREDUMP_SHARE 2		/* pre-dumps may use at most 1/2 of the time left */
#define PROBE_TIMEOUT_MS 10000
#define CRIU_ENV_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define LOG_TAIL 65536
#define STATE_WAIT_MS 10000

struct paths {
	char dir[PATH_MAX];	  /* MOUNT/.ha-vz/checkpoint */
	char conf[PATH_MAX + 32]; /* criu config of this operation */
	char out[PATH_MAX + 32];  /* lxc-checkpoint output */
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static unsigned left_ms(long long deadline, long long reserve)
{
	long long left = deadline - now_ms() - reserve;

	return left > 1000 ? (unsigned)left : 1000;
}

static void reason(struct havz_ckpt_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void reason(struct havz_ckpt_report *rep, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep->reason, sizeof(rep->reason), fmt, ap);
	va_end(ap);
}

static void image_dir(const struct havz_container *ct, char *out, size_t size)
{
	snprintf(out, size, "%s/.ha-vz/checkpoint", ct->mount);
}

/* ---- the filesystem identity of the container's volume, now ---- */

static int read_identity(const struct havz_container *ct, struct havz_fs_identity *id, char *why,
			 size_t why_size)
{
	struct havz_buf mi = { 0 };
	unsigned char sb[HAVZ_EXT4_SB_SIZE];
	char dev[PATH_MAX];
	ssize_t got;
	int fd, rc;

	rc = havz_file_read("/proc/self/mountinfo", HAVZ_BUF_LIMIT - 1, &mi);
	if (!rc)
		rc = havz_mountinfo_source(mi.data, ct->mount, dev, sizeof(dev));
	havz_buf_free(&mi);
	if (rc) {
		havz_why_set(why, why_size, "%s is not a mount point here", ct->mount);
		return rc;
	}
	fd = open(dev, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		havz_why_set(why, why_size, "cannot read the superblock of %s: %s", dev,
			     strerror(errno));
		return rc;
	}
	/* Through the block device's page cache: what ext4 last wrote, even while mounted. */
	got = pread(fd, sb, sizeof(sb), HAVZ_EXT4_SB_OFFSET);
	close(fd);
	if (got != (ssize_t)sizeof(sb) || havz_fs_identity_from_sb(sb, sizeof(sb), id)) {
		havz_why_set(why, why_size,
			     "%s on %s is not ext4: cannot tie an image to its state", ct->mount,
			     dev);
		return -ENOTSUP;
	}
	if (!strncmp(dev, "/dev/drbd", 9)) {
		struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
		struct havz_run_result *res = malloc(sizeof(*res));
		char resname[HAVZ_NAME_MAX + 8];
		const char *argv[] = { "drbdadm", "get-gi", resname, NULL };

		if (!res)
			return -ENOMEM;
		snprintf(resname, sizeof(resname), "ct-%s", ct->name);
		ro.capture = true;
		ro.timeout_ms = PROBE_TIMEOUT_MS;
		rc = havz_run(argv, &ro, res);
		if (!rc && (res->status || havz_drbd_parse_gi(res->output, id->drbd)))
			rc = -EIO;
		free(res);
		if (rc) {
			havz_why_set(why, why_size, "cannot read the DRBD data generation of %s",
				     resname);
			return rc;
		}
	}
	return 0;
}

/* ---- small file helpers ---- */

static int remove_tree_at(int dfd, const char *name)
{
	struct stat st;
	int rc = 0;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return errno == ENOENT ? 0 : -errno;
	if (S_ISDIR(st.st_mode)) {
		int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		DIR *d = sub >= 0 ? fdopendir(sub) : NULL;
		struct dirent *de;

		if (!d) {
			if (sub >= 0)
				close(sub);
			return -errno;
		}
		while ((de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && !rc)
				rc = remove_tree_at(dirfd(d), de->d_name);
		closedir(d);
		if (!rc && unlinkat(dfd, name, AT_REMOVEDIR))
			rc = -errno;
		return rc;
	}
	return unlinkat(dfd, name, 0) ? -errno : 0;
}

/* Empties the image directory; the manifests go first, so a crash leaves no valid image. */
static int clear_image_dir(const char *dir)
{
	char parent[PATH_MAX], *slash;
	int dfd, rc;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	rc = havz_mkdir_parents(parent, 0700);
	if (rc)
		return rc;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		unlinkat(dfd, HAVZ_MANIFEST_NAME, 0);
		unlinkat(dfd, HAVZ_MANIFEST_USED, 0);
		fsync(dfd);
		close(dfd);
	}
	dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = remove_tree_at(dfd, slash + 1);
	if (!rc && mkdirat(dfd, slash + 1, 0700))
		rc = -errno;
	close(dfd);
	return rc;
}

static void log_tail_reason(const char *path, char *out, size_t size)
{
	struct havz_buf b = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t end;

	out[0] = '\0';
	if (fd < 0)
		return;
	end = lseek(fd, 0, SEEK_END);
	if (end > LOG_TAIL)
		lseek(fd, end - LOG_TAIL, SEEK_SET);
	else
		lseek(fd, 0, SEEK_SET);
	for (;;) {
		char chunk[4096];
		ssize_t got = read(fd, chunk, sizeof(chunk));

		if (got <= 0 || havz_buf_append(&b, chunk, (size_t)got))
			break;
	}
	close(fd);
	if (b.data)
		havz_log_reason(b.data, out, size);
	havz_buf_free(&b);
}

/* The best one-line reason: CRIU's own log first, then what lxc-checkpoint printed. */
static void failure_reason(const struct paths *p, const char *criu_log, char *out, size_t size)
{
	char log[PATH_MAX + 32];

	snprintf(log, sizeof(log), "%s/%s", p->dir, criu_log);
	log_tail_reason(log, out, size);
	if (!out[0])
		log_tail_reason(p->out, out, size);
}

static int read_stats(const char *dir, struct havz_criu_stats *st)
{
	unsigned char buf[4096];
	char path[PATH_MAX + 16];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "%s/stats-dump", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	got = read(fd, buf, sizeof(buf));
	close(fd);
	if (got < 0)
		return -EIO;
	return havz_criu_stats_parse(buf, (size_t)got, st);
}

static int write_criu_config(const char *path, bool restore, bool lazy)
{
	struct havz_buf b = { 0 };
	int rc = havz_criu_config(restore, lazy, &b);

	if (!rc)
		rc = havz_file_write_atomic(path, b.data, b.len, 0600);
	havz_buf_free(&b);
	return rc;
}

/* Runs lxc-checkpoint/criu the way LAB-NOTES says works: own session, fixed env, output to a file.
 */
static int run_criu(const char *const argv[], const struct paths *p, const char *conf,
		    unsigned timeout_ms, int *status)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res = malloc(sizeof(*res));
	char conf_env[PATH_MAX + 32];
	const char *envp[] = { CRIU_ENV_PATH, conf_env, "LC_ALL=C", NULL };
	char line[1024];
	int rc;

	if (!res)
		return -ENOMEM;
	snprintf(conf_env, sizeof(conf_env), "CRIU_CONFIG_FILE=%s", conf);
	ro.envp = envp;
	ro.cwd = "/";
	ro.new_session = true;
	ro.output_file = p->out;
	ro.timeout_ms = timeout_ms;
	havz_run_format_argv(argv, line, sizeof(line));
	qb_log(LOG_INFO, "run: %s (timeout %u ms)", line, timeout_ms);
	rc = havz_run(argv, &ro, res);
	*status = res->status;
	free(res);
	return rc;
}

static struct lxc_container *lxc_open(const struct havz_container *ct)
{
	struct lxc_container *c = lxc_container_new(ct->name, ct->mount);

	if (c && !c->is_defined(c)) {
		lxc_container_put(c);
		return NULL;
	}
	return c;
}

static void hook_env(struct havz_hook_env *e, enum havz_hook_phase phase,
		     const struct havz_container *ct, const char *dir, const char *node,
		     const char *result)
{
	memset(e, 0, sizeof(*e));
	e->phase = phase;
	e->ct = ct->name;
	e->image_dir = dir;
	e->mount = ct->mount;
	e->service_ip = ct->service_ip;
	e->bridge = ct->bridge;
	e->node = node;
	e->ct_pid = (int)havz_ct_init_pid(ct);
	e->result = result;
}

static int run_hooks(enum havz_hook_phase phase, const struct havz_container *ct, const char *dir,
		     const struct havz_ckpt_opts *opts, const char *result, char *why,
		     size_t why_size)
{
	struct havz_hooks_opts ho = { .dir = opts->hooks_dir, .timeout_ms = opts->hook_timeout_ms };
	struct havz_hook_env e;
	struct utsname u;

	if (uname(&u))
		snprintf(u.nodename, sizeof(u.nodename), "?");
	hook_env(&e, phase, ct, dir, u.nodename, result);
	return havz_hooks_run(&e, &ho, why, why_size);
}

/*
 * The monitor notices that CRIU killed (or restored) the tasks a moment
 * later: waits up to STATE_WAIT_MS, within the deadline, for state want.
 */
static bool wait_state(const struct havz_container *ct, enum havz_ct_state want, long long deadline)
{
	long long until = now_ms() + STATE_WAIT_MS;

	if (until > deadline)
		until = deadline;
	for (;;) {
		if (havz_ct_state(ct) == want)
			return true;
		if (now_ms() >= until)
			return false;
		usleep(50 * 1000);
	}
}

/* ---- a container lxc restored: criu directly (lxc 5.0.2 cannot dump it again) ---- */

static pid_t read_pidfile(const char *path);

#define RESTORED_REL "/.ha-vz/restored-pid"
#define RAW_MOUNTS_MAX 16

struct raw {
	bool on;
	char pid[16], cgroup_root[512], freezer[PATH_MAX], log[PATH_MAX + 32];
	char mounts[RAW_MOUNTS_MAX][2 * HAVZ_PATH_MAX + 4];
	const char *mount_v[RAW_MOUNTS_MAX];
	size_t n_mounts;
};

/* Is the running container the one our last restore brought back (same init)? */
static bool restored_instance(const struct havz_container *ct)
{
	char path[PATH_MAX];
	pid_t pid = havz_ct_init_pid(ct);

	snprintf(path, sizeof(path), "%s" RESTORED_REL, ct->mount);
	return pid > 0 && read_pidfile(path) == pid;
}

static void restored_mark(const struct havz_container *ct, bool on)
{
	char path[PATH_MAX], text[32];

	snprintf(path, sizeof(path), "%s" RESTORED_REL, ct->mount);
	if (!on) {
		unlink(path);
		return;
	}
	snprintf(text, sizeof(text), "%d\n", (int)havz_ct_init_pid(ct));
	if (havz_file_write_atomic(path, text, strlen(text), 0600))
		qb_log(LOG_WARNING, "container %s: cannot write %s", ct->name, path);
}

/* The cgroup2 path of pid, relative to the root ("lxc.payload.NAME"). */
static int pid_cgroup(pid_t pid, char *out, size_t size)
{
	struct havz_buf b = { 0 };
	char path[64];
	const char *line;
	int rc;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	rc = havz_file_read(path, 65536, &b);
	line = !rc && b.data ? strstr(b.data, "0::/") : NULL;
	if (line)
		snprintf(out, size, "%.*s", (int)strcspn(line + 4, "\n"), line + 4);
	havz_buf_free(&b);
	return line && out[0] ? 0 : -ENOENT;
}

/* criu's arguments as lxc-checkpoint would give them (see havz_argv_criu_dump). */
static int raw_prepare(const struct havz_container *ct, const char *dir, bool predump,
		       struct raw *r)
{
	struct havz_buf ctl = { 0 };
	struct lxc_container *c;
	char cg[256], *all = NULL, *save = NULL;
	pid_t pid = havz_ct_init_pid(ct);
	int len;

	memset(r, 0, sizeof(*r));
	if (pid <= 0 || pid_cgroup(pid, cg, sizeof(cg)))
		return -ESRCH;
	if (havz_file_read("/sys/fs/cgroup/cgroup.subtree_control", 4096, &ctl) || !ctl.data) {
		havz_buf_free(&ctl);
		return -ENOENT;
	}
	ctl.data[strcspn(ctl.data, "\n")] = '\0';
	for (char *q = ctl.data; *q; q++)
		if (*q == ' ')
			*q = ',';
	snprintf(r->cgroup_root, sizeof(r->cgroup_root), "%s:%s", ctl.data, cg);
	havz_buf_free(&ctl);
	snprintf(r->freezer, sizeof(r->freezer), "/sys/fs/cgroup/%s", cg);
	snprintf(r->pid, sizeof(r->pid), "%d", (int)pid);
	snprintf(r->log, sizeof(r->log), "%s/%s", dir, predump ? "pre-dump.log" : "dump.log");
	c = lxc_open(ct);
	len = c ? c->get_config_item(c, "lxc.mount.entry", NULL, 0) : -1;
	if (len > 0 && (all = calloc(1, (size_t)len + 1)))
		c->get_config_item(c, "lxc.mount.entry", all, len + 1);
	if (c)
		lxc_container_put(c);
	for (char *e = all ? strtok_r(all, "\n", &save) : NULL; e && r->n_mounts < RAW_MOUNTS_MAX;
	     e = strtok_r(NULL, "\n", &save)) {
		char src[HAVZ_PATH_MAX], dst[HAVZ_PATH_MAX], type[64], opts[256];

		if (sscanf(e, "%255s %255s %63s %255s", src, dst, type, opts) != 4 ||
		    !strstr(opts, "bind"))
			continue;
		snprintf(r->mounts[r->n_mounts], sizeof(r->mounts[0]), "/%s:%s", dst, dst);
		r->mount_v[r->n_mounts] = r->mounts[r->n_mounts];
		r->n_mounts++;
	}
	free(all);
	r->on = true;
	return 0;
}

/* The dump argv: lxc-checkpoint, or criu itself for a container lxc restored. */
static void dump_argv(struct havz_argv *a, const struct havz_container *ct, const char *dir,
		      bool predump, const char *prev, struct raw *r)
{
	if (restored_instance(ct) && raw_prepare(ct, dir, predump, r) == 0) {
		struct havz_criu_dump_args d = {
			.predump = predump,
			.dir = dir,
			.log = r->log,
			.pid = r->pid,
			.cgroup_root = r->cgroup_root,
			.freezer = r->freezer,
			.prev = prev,
			.mounts = r->mount_v,
			.n_mounts = r->n_mounts,
		};

		qb_log(LOG_INFO, "container %s: restored by lxc: %s with criu itself", ct->name,
		       predump ? "pre-dump" : "dump");
		havz_argv_criu_dump(a, &d);
		return;
	}
	havz_argv_lxc_dump(a, ct->name, ct->mount, dir, predump, prev);
}

/* ---- dump ---- */

/*
 * Hashes a finished round now, while the container still runs, so that the
 * seal inside the freeze need not read it again. Without the sums the seal
 * hashes the round itself: slower, never wrong.
 */
static void round_sums(const struct havz_container *ct, const char *sub)
{
	struct havz_scan_stats st = { 0 };
	long long t0 = now_ms();
	char why[256];

	if (havz_round_sums_write(sub, &st, why, sizeof(why))) {
		qb_log(LOG_WARNING, "container %s: no sums of %s (%s): the seal hashes it",
		       ct->name, sub, why);
		return;
	}
	qb_log(LOG_INFO, "container %s: hashed %u files, %" PRIu64 " bytes of %s in %lld ms",
	       ct->name, st.hashed_files, st.hashed_bytes, sub, now_ms() - t0);
}

/* Pre-dump rounds while the container runs; returns how many succeeded. */
static unsigned precopy(const struct havz_container *ct, struct paths *p,
			const struct havz_ckpt_opts *opts, long long deadline)
{
	uint64_t pages[64] = { 0 };
	unsigned done = 0, max = opts->max_precopy_rounds;
	long long budget_end = now_ms() + (deadline - now_ms()) / PREDUMP_SHARE;

	if (max > 64)
		max = 64;
	while (havz_precopy_continue(pages, done, max) && now_ms() < budget_end) {
		char sub[PATH_MAX + 16], prev[32];
		struct havz_criu_stats st;
		struct havz_argv a;
		struct raw raw;
		long long t0 = now_ms();
		int rc, status = -1;

		snprintf(sub, sizeof(sub), "%s/pre/%u", p->dir, done + 1);
		snprintf(prev, sizeof(prev), "../%u", done);
		if (havz_mkdir_parents(sub, 0700))
			break;
		dump_argv(&a, ct, sub, true, done ? prev : NULL, &raw);
		rc = run_criu(a.v, p, p->conf, left_ms(budget_end, 0), &status);
		if (rc || status || read_stats(sub, &st) || !st.have_dump) {
			char why[256];

			snprintf(prev, sizeof(prev), "pre/%u/pre-dump.log", done + 1);
			failure_reason(p, prev, why, sizeof(why));
			qb_log(LOG_WARNING,
			       "container %s: pre-dump %u failed (%s); going on with %u", ct->name,
			       done + 1, rc == -ETIMEDOUT ? "timed out" : why, done);
			char pre[PATH_MAX + 8];
			int pfd;

			snprintf(sub, sizeof(sub), "%u", done + 1);
			havz_why_set(pre, sizeof(pre), "%s/pre", p->dir);
			pfd = open(pre, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (pfd >= 0) {
				remove_tree_at(pfd, sub);
				close(pfd);
			}
			break;
		}
		pages[done++] = st.pages_written;
		qb_log(LOG_INFO,
		       "container %s: pre-dump %u wrote %" PRIu64 " pages in %lld ms "
		       "(frozen %u ms)",
		       ct->name, done, st.pages_written, now_ms() - t0, st.frozen_time / 1000);
		round_sums(ct, sub);
	}
	return done;
}

/*
 * A CRIU killed at its timeout leaves its iptables network lock in the
 * container's netns (criu unlocks by itself on an ordinary failure): remove
 * the CRIU chain, so that a container left running can talk again.
 */
static void unlock_network(const struct havz_container *ct)
{
	static const char *const tools[] = { "iptables", "ip6tables" };
	static const char *const steps[][4] = {
		{ "-D", "INPUT", "-j", "CRIU" },
		{ "-D", "OUTPUT", "-j", "CRIU" },
		{ "-F", "CRIU", NULL, NULL },
		{ "-X", "CRIU", NULL, NULL },
	};
	struct havz_run_result *res = malloc(sizeof(*res));
	pid_t pid = havz_ct_init_pid(ct);
	char target[16];

	if (!res)
		return;
	if (pid > 0) {
		snprintf(target, sizeof(target), "%d", (int)pid);
		for (size_t t = 0; t < 2; t++)
			for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
				struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
				const char *argv[] = { "nsenter",   "-t",	 target,
						       "-n",	    tools[t],	 "-w",
						       steps[i][0], steps[i][1], steps[i][2],
						       steps[i][3], NULL };

				ro.capture = true;
				ro.timeout_ms = PROBE_TIMEOUT_MS;
				havz_run(argv, &ro, res);
			}
		qb_log(LOG_NOTICE, "container %s: removed CRIU's network lock, if any", ct->name);
	}
	free(res);
}

/* After a failed final dump: make sure the container is running or stopped, never frozen. */
static void dump_fallback(const struct havz_container *ct, int rc, struct havz_ckpt_report *rep)
{
	enum havz_ct_state s = havz_ct_state(ct);
	bool running = s == HAVZ_CT_RUNNING || s == HAVZ_CT_FROZEN || s == HAVZ_CT_STOPPING ||
		       s == HAVZ_CT_STARTING;
	enum havz_dump_next next = havz_dump_fallback(rc, running, s == HAVZ_CT_FROZEN, false);
	char why[HAVZ_CT_WHY_MAX];

	if (next == HAVZ_DUMP_THAW) {
		struct lxc_container *c = lxc_open(ct);
		bool ok = c && c->unfreeze(c);

		if (c)
			lxc_container_put(c);
		qb_log(ok ? LOG_NOTICE : LOG_ERR, "container %s: %s after the failed dump",
		       ct->name, ok ? "thawed" : "cannot be thawed");
		next = havz_dump_fallback(rc, running, true, !ok);
		if (ok)
			next = HAVZ_DUMP_LEAVE_RUNNING;
	}
	if (next == HAVZ_DUMP_LEAVE_RUNNING && rc == -ETIMEDOUT)
		unlock_network(ct);
	if (next == HAVZ_DUMP_KILL) {
		if (havz_ct_stop(ct, 0, why))
			qb_log(LOG_ERR, "%s", why);
		qb_log(LOG_ERR, "container %s: killed: it stayed frozen after the failed dump",
		       ct->name);
		strncat(rep->reason, "; killed (stayed frozen)",
			sizeof(rep->reason) - strlen(rep->reason) - 1);
	}
}

static int seal(const struct havz_container *ct, const struct paths *p,
		struct havz_ckpt_report *rep)
{
	struct havz_manifest m = { 0 };
	struct havz_scan_stats st = { 0 };
	struct havz_buf text = { 0 };
	char why[256], path[PATH_MAX + 16];
	long long t0 = now_ms();
	int rc, fd;

	/* Every image durable first; the manifest is the last write of the dump. */
	fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		syncfs(fd);
		close(fd);
	}
	rc = havz_manifest_scan_reuse(p->dir, &m, &st, why, sizeof(why));
	if (!rc) {
		qb_log(LOG_INFO,
		       "container %s: manifest: %u files, %" PRIu64 " bytes hashed in the freeze; "
		       "%u files, %" PRIu64 " bytes reused from the pre-dump sums (%lld ms)",
		       ct->name, st.hashed_files, st.hashed_bytes, st.reused_files, st.reused_bytes,
		       now_ms() - t0);
		rc = read_identity(ct, &m.id, why, sizeof(why));
	}
	if (!rc) {
		snprintf(m.container, sizeof(m.container), "%s", ct->name);
		m.created = (int64_t)time(NULL);
		rc = havz_manifest_format(&m, &text);
		havz_why_set(why, sizeof(why), "cannot format the manifest");
	}
	if (!rc) {
		snprintf(path, sizeof(path), "%s/%s", p->dir, HAVZ_MANIFEST_NAME);
		rc = havz_file_write_atomic(path, text.data, text.len, 0600);
		havz_why_set(why, sizeof(why), "cannot write %s: %s", path, strerror(-rc));
	}
	if (!rc) {
		fd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0 || fsync(fd))
			rc = -errno;
		if (fd >= 0)
			close(fd);
		havz_why_set(why, sizeof(why), "cannot sync %s", p->dir);
	}
	if (rc)
		reason(rep, "dumped, but no manifest: %s", why);
	havz_buf_free(&text);
	havz_manifest_free(&m);
	return rc;
}

#define PREDUMP_STATE "pre/STATE"
#define PREDUMP_MAX_AGE_S 600

/* Records the pre-dumps done for the running container (its init pid). */
static void predump_record(const struct havz_container *ct, const struct paths *p, unsigned n)
{
	char path[PATH_MAX + 16], text[96];

	snprintf(path, sizeof(path), "%s/" PREDUMP_STATE, p->dir);
	snprintf(text, sizeof(text), "%u %d %lld\n", n, (int)havz_ct_init_pid(ct),
		 (long long)time(NULL));
	if (n && havz_file_write_atomic(path, text, strlen(text), 0600))
		qb_log(LOG_WARNING, "container %s: cannot record the pre-dumps", ct->name);
}

/* Pre-dumps left by havz_checkpoint_predump for this very container instance: how many. */
static unsigned predump_reuse(const struct havz_container *ct, const struct paths *p)
{
	char path[PATH_MAX + 16], last[PATH_MAX + 32];
	struct havz_buf b = { 0 };
	unsigned n = 0;
	int pid = 0;
	long long when = 0;
	struct stat st;

	snprintf(path, sizeof(path), "%s/" PREDUMP_STATE, p->dir);
	if (havz_file_read(path, 256, &b) || !b.data ||
	    sscanf(b.data, "%u %d %lld", &n, &pid, &when) != 3)
		n = 0;
	havz_buf_free(&b);
	unlink(path);
	snprintf(last, sizeof(last), "%s/pre/%u/stats-dump", p->dir, n);
	if (!n || n > 64 || pid != (int)havz_ct_init_pid(ct) ||
	    (long long)time(NULL) - when > PREDUMP_MAX_AGE_S || stat(last, &st))
		return 0;
	return n;
}

static int dump_prepare(const struct havz_container *ct, struct paths *p,
			const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep)
{
	char why[256];
	int rc;

	rc = clear_image_dir(p->dir);
	if (!rc)
		rc = write_criu_config(p->conf, false, false);
	if (rc) {
		reason(rep, "cannot prepare %s: %s", p->dir, strerror(-rc));
		return rc;
	}
	rc = run_hooks(HAVZ_HOOK_PRE_DUMP, ct, p->dir, opts, NULL, why, sizeof(why));
	if (rc)
		reason(rep, "%s", why);
	return rc;
}

static void dump_paths(const struct havz_container *ct, struct paths *p)
{
	image_dir(ct, p->dir, sizeof(p->dir));
	snprintf(p->conf, sizeof(p->conf), "%s/criu-dump.conf", p->dir);
	snprintf(p->out, sizeof(p->out), "%s/lxc-checkpoint-dump.log", p->dir);
}

int havz_checkpoint_predump(const struct havz_config *cfg, const struct havz_container *ct,
			    const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep)
{
	long long deadline;
	struct havz_fs_identity id;
	struct paths p;
	char why[256];
	int rc;

	(void)cfg;
	memset(rep, 0, sizeof(*rep));
	deadline = now_ms() + (opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS);
	if (havz_ct_state(ct) != HAVZ_CT_RUNNING) {
		reason(rep, "container %s is %s, not running", ct->name,
		       havz_ct_state_name(havz_ct_state(ct)));
		return -ESRCH;
	}
	rc = read_identity(ct, &id, why, sizeof(why));
	if (rc) {
		reason(rep, "%s", why);
		return rc;
	}
	dump_paths(ct, &p);
	rc = dump_prepare(ct, &p, opts, rep);
	if (rc)
		return rc;
	/* precopy() may use half the time left: give it all of this operation's. */
	rep->precopy_rounds = precopy(ct, &p, opts, deadline + (deadline - now_ms()));
	predump_record(ct, &p, rep->precopy_rounds);
	return 0;
}

int havz_checkpoint_dump(const struct havz_config *cfg, const struct havz_container *ct,
			 const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep)
{
	long long start = now_ms(), deadline, t0;
	struct havz_fs_identity id;
	struct paths p;
	struct havz_argv a;
	struct havz_criu_stats st;
	struct raw raw;
	enum havz_ct_state s;
	char why[256], prev[32];
	int rc, status = -1;

	(void)cfg;
	memset(rep, 0, sizeof(*rep));
	deadline = start + (opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS);
	s = havz_ct_state(ct);
	if (s != HAVZ_CT_RUNNING) {
		reason(rep, "container %s is %s, not running", ct->name, havz_ct_state_name(s));
		return -ESRCH;
	}
	/* Refuse before freezing anything when the image could not be tied to the volume. */
	rc = read_identity(ct, &id, why, sizeof(why));
	if (rc) {
		reason(rep, "%s", why);
		return rc;
	}
	dump_paths(ct, &p);
	rep->precopy_rounds = predump_reuse(ct, &p);
	if (rep->precopy_rounds) {
		qb_log(LOG_INFO, "container %s: final dump on top of %u pre-dumps", ct->name,
		       rep->precopy_rounds);
	} else {
		rc = dump_prepare(ct, &p, opts, rep);
		if (rc)
			return rc;
		rep->precopy_rounds = precopy(ct, &p, opts, deadline);
	}

	snprintf(prev, sizeof(prev), "pre/%u", rep->precopy_rounds);
	dump_argv(&a, ct, p.dir, false, rep->precopy_rounds ? prev : NULL, &raw);
	t0 = now_ms();
	rep->dump_begin_ms = havz_realtime_ms();
	rc = run_criu(a.v, &p, p.conf, left_ms(deadline, CLEANUP_RESERVE_MS), &status);
	rep->freeze_ms = (unsigned)(now_ms() - t0);
	if (!rc && status)
		rc = -EIO;
	if (rc) {
		failure_reason(&p, "dump.log", why, sizeof(why));
		reason(rep, "final dump %s%s%s", rc == -ETIMEDOUT ? "timed out" : "failed",
		       why[0] ? ": " : "", why);
	} else if (!wait_state(ct, HAVZ_CT_STOPPED, deadline)) {
		rc = -EIO;
		reason(rep, "final dump returned, but the container is still %s",
		       havz_ct_state_name(havz_ct_state(ct)));
	}
	if (rc) {
		dump_fallback(ct, rc, rep);
		run_hooks(HAVZ_HOOK_POST_DUMP, ct, p.dir, opts, "failed", why, sizeof(why));
		qb_log(LOG_WARNING, "container %s: checkpoint failed: %s", ct->name, rep->reason);
		return rc;
	}
	if (!read_stats(p.dir, &st) && st.have_dump && st.frozen_time)
		rep->freeze_ms = st.frozen_time / 1000;
	havz_dir_bytes(p.dir, &rep->final_dump_bytes);
	/* post-dump hooks may still write to the volume: before the seal. */
	run_hooks(HAVZ_HOOK_POST_DUMP, ct, p.dir, opts, "ok", why, sizeof(why));
	rc = seal(ct, &p, rep);
	if (rc) {
		qb_log(LOG_ERR, "container %s: %s", ct->name, rep->reason);
		return rc;
	}
	qb_log(LOG_NOTICE,
	       "container %s: checkpointed to %s (%u pre-dumps, frozen %u ms, %" PRIu64
	       " bytes in the final dump, %lld ms in all)",
	       ct->name, p.dir, rep->precopy_rounds, rep->freeze_ms, rep->final_dump_bytes,
	       now_ms() - start);
	return 0;
}

/* ---- restore ---- */

/* probe_criu: also ask criu (hundreds of ms under TCG, inside the freeze). */
static bool uffd_available(bool probe_criu)
{
#ifdef SYS_userfaultfd
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res;
	const char *argv[] = { "criu", "check", "--feature", "uffd-noncoop", NULL };
	long fd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	bool ok;

	if (fd < 0)
		return false;
	close((int)fd);
	if (!probe_criu)
		return true;
	res = malloc(sizeof(*res));
	if (!res)
		return false;
	ro.capture = true;
	ro.timeout_ms = PROBE_TIMEOUT_MS;
	ro.new_session = true;
	ok = havz_run(argv, &ro, res) == 0 && res->status == 0;
	free(res);
	return ok;
#else
	(void)probe_criu;
	return false;
#endif
}

static pid_t read_pidfile(const char *path)
{
	struct havz_buf b = { 0 };
	long v = 0;

	if (!havz_file_read(path, 64, &b) && b.data)
		v = strtol(b.data, NULL, 10);
	havz_buf_free(&b);
	return v > 1 ? (pid_t)v : 0;
}

/* Starts `criu lazy-pages --daemon`; 0 with *pid set, or -errno (restore fully then). */
static int start_lazy_pages(const struct paths *p, long long deadline, pid_t *pid)
{
	char pidfile[PATH_MAX + 32];
	struct havz_argv a;
	int rc, status = -1;

	snprintf(pidfile, sizeof(pidfile), "%s/lazy-pages.pid", p->dir);
	unlink(pidfile);
	havz_argv_lazy_pages(&a, p->dir, pidfile);
	unsigned timeout = left_ms(deadline, CLEANUP_RESERVE_MS);
	char conf[PATH_MAX + 32];

	/* The dump's config: mntns-compat-mode is for the restore command only. */
	snprintf(conf, sizeof(conf), "%s/criu-dump.conf", p->dir);
	rc = run_criu(a.v, p, conf, timeout < PROBE_TIMEOUT_MS ? timeout : PROBE_TIMEOUT_MS,
		      &status);
	if (!rc && status)
		rc = -EIO;
	*pid = rc ? 0 : read_pidfile(pidfile);
	if (!rc && !*pid)
		rc = -ESRCH;
	return rc;
}

/* Kills what a failed restore left: criu, lxc-checkpoint, the container's monitor. */
static void kill_leftovers(const struct havz_container *ct, const char *dir)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t self = getpid();

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[64], cmd[4096];
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		ssize_t n;
		int fd;

		if (*end || pid <= 1 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/cmdline", pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		if (n <= 0)
			continue;
		cmd[n] = '\0';
		if (havz_proc_is_restore_leftover(cmd, (size_t)n + 1, ct->name, ct->mount, dir)) {
			qb_log(LOG_WARNING, "container %s: killing leftover process %ld (%s)",
			       ct->name, pid, cmd);
			kill((pid_t)pid, SIGKILL);
		}
	}
	closedir(d);
}

static void rmdir_cgroup(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char kill_file[PATH_MAX + 16];
	int fd;

	if (!d)
		return;
	snprintf(kill_file, sizeof(kill_file), "%s/cgroup.kill", path);
	fd = open(kill_file, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "1", 1) < 0)
			qb_log(LOG_DEBUG, "%s: %s", kill_file, strerror(errno));
		close(fd);
	}
	while ((de = readdir(d))) {
		char sub[PATH_MAX];

		if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) < (int)sizeof(sub))
			rmdir_cgroup(sub);
	}
	closedir(d);
	for (int i = 0; i < 10 && rmdir(path) && errno == EBUSY; i++)
		usleep(50 * 1000); /* killed tasks take a moment to leave */
}

/* Removes the stale lxc.payload.CT[-N] / lxc.monitor.CT[-N] cgroups (cgroup v2). */
static void clean_cgroups(const struct havz_container *ct)
{
	const char *root = "/sys/fs/cgroup";
	DIR *d = opendir(root);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX];

		if (de->d_type != DT_DIR || !havz_cgroup_is_containers(de->d_name, ct->name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		qb_log(LOG_NOTICE, "container %s: removing stale cgroup %s", ct->name, path);
		rmdir_cgroup(path);
	}
	closedir(d);
}

static void restore_cleanup(const struct havz_container *ct, const char *dir, pid_t lazy_pid)
{
	char why[HAVZ_CT_WHY_MAX];

	kill_leftovers(ct, dir);
	if (lazy_pid > 0)
		kill(lazy_pid, SIGKILL);
	if (havz_ct_state(ct) != HAVZ_CT_STOPPED && havz_ct_stop(ct, 0, why))
		qb_log(LOG_ERR, "%s", why);
	clean_cgroups(ct);
}

/* Claim, then check: the image is spent whatever the checks say. */
static int check_image(const struct havz_container *ct, const char *dir,
		       const struct havz_fs_identity *now, struct havz_ckpt_report *rep)
{
	struct havz_manifest m = { 0 };
	struct havz_buf text = { 0 };
	char path[PATH_MAX + 16], why[256];
	int rc;

	rc = havz_manifest_claim(dir, why, sizeof(why));
	if (rc) {
		reason(rep, "%s", why);
		return rc;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, HAVZ_MANIFEST_USED);
	rc = havz_file_read(path, HAVZ_BUF_LIMIT - 1, &text);
	if (rc) {
		reason(rep, "cannot read %s: %s", path, strerror(-rc));
		havz_buf_free(&text);
		return -ESTALE;
	}
	rc = havz_manifest_parse(text.data, &m, why, sizeof(why));
	havz_buf_free(&text);
	if (rc) {
		reason(rep, "%s", why);
		return -ESTALE;
	}
	rc = havz_fs_identity_check(&m.id, now, why, sizeof(why));
	if (rc)
		reason(rep, "stale image: %s", why);
	if (!rc) {
		rc = havz_manifest_verify(&m, ct->name, dir, why, sizeof(why));
		if (rc)
			reason(rep, "image does not match its manifest: %s", why);
	}
	havz_manifest_free(&m);
	return rc;
}

int havz_checkpoint_restore(const struct havz_config *cfg, const struct havz_container *ct,
			    const struct havz_ckpt_opts *opts, struct havz_ckpt_report *rep)
{
	long long start = now_ms(), deadline, t0;
	struct havz_fs_identity now;
	struct havz_argv a;
	struct paths p;
	enum havz_ct_state s;
	char why[256];
	pid_t lazy_pid = 0;
	bool lazy = false;
	int rc, status = -1;

	(void)cfg;
	memset(rep, 0, sizeof(*rep));
	deadline = start + (opts->timeout_ms ? opts->timeout_ms : DEFAULT_TIMEOUT_MS);
	image_dir(ct, p.dir, sizeof(p.dir));
	snprintf(p.conf, sizeof(p.conf), "%s/criu-restore.conf", p.dir);
	snprintf(p.out, sizeof(p.out), "%s/lxc-checkpoint-restore.log", p.dir);
	s = havz_ct_state(ct);
	if (s == HAVZ_CT_ABSENT) {
		reason(rep, "container %s is not defined under %s", ct->name, ct->mount);
		return -ENOENT;
	}
	if (s != HAVZ_CT_STOPPED) {
		reason(rep, "container %s is %s; a restore needs it stopped", ct->name,
		       havz_ct_state_name(s));
		return -EBUSY;
	}
	/* The state of the volume before anything here touches it. */
	rc = read_identity(ct, &now, why, sizeof(why));
	if (rc) {
		struct stat st;
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/%s", p.dir, HAVZ_MANIFEST_NAME);
		if (stat(path, &st)) {
			reason(rep, "no checkpoint image");
			return -ENOENT;
		}
		/* Spend it anyway: an image that cannot be checked now never can. */
		havz_manifest_claim(p.dir, NULL, 0);
		reason(rep, "%s", why);
		return -ESTALE;
	}
	rc = check_image(ct, p.dir, &now, rep);
	if (rc)
		return rc;
	rc = run_hooks(HAVZ_HOOK_PRE_RESTORE, ct, p.dir, opts, NULL, why, sizeof(why));
	if (rc) {
		reason(rep, "%s", why);
		return rc;
	}
	if (opts->lazy) {
		lazy = uffd_available(!opts->lazy_preflighted);
		if (!lazy)
			qb_log(LOG_NOTICE, "container %s: no userfaultfd here; full restore",
			       ct->name);
	}
	if (lazy) {
		rc = write_criu_config(p.conf, true, true);
		if (!rc)
			rc = start_lazy_pages(&p, deadline, &lazy_pid);
		if (rc) {
			qb_log(LOG_WARNING,
			       "container %s: lazy-pages did not start (%s); full restore",
			       ct->name, strerror(-rc));
			if (lazy_pid > 0)
				kill(lazy_pid, SIGKILL);
			lazy_pid = 0;
			lazy = false;
		}
	}
	if (!lazy && (rc = write_criu_config(p.conf, true, false))) {
		reason(rep, "cannot write %s: %s", p.conf, strerror(-rc));
		return rc;
	}
	havz_argv_lxc_restore(&a, ct->name, ct->mount, p.dir);
	t0 = now_ms();
	rc = run_criu(a.v, &p, p.conf, left_ms(deadline, CLEANUP_RESERVE_MS), &status);
	if (!rc && status)
		rc = -EIO;
	/* lxc-checkpoint -r -d returns once the monitor runs: wait for RUNNING briefly. */
	if (!rc && !wait_state(ct, HAVZ_CT_RUNNING, deadline))
		rc = -EIO;
	rep->restore_ms = (unsigned)(now_ms() - t0);
	rep->restored_ms = havz_realtime_ms();
	rep->lazy = lazy;
	if (rc && status == 0 && rc != -ETIMEDOUT) {
		reason(rep, "restore returned, but the container is %s, not running",
		       havz_ct_state_name(havz_ct_state(ct)));
	} else if (rc) {
		failure_reason(&p, "restore.log", why, sizeof(why));
		reason(rep, "restore %s%s%s", rc == -ETIMEDOUT ? "timed out" : "failed",
		       why[0] ? ": " : "", why);
	}
	if (rc) {
		qb_log(LOG_WARNING, "container %s: %s; cleaning up", ct->name, rep->reason);
		restore_cleanup(ct, p.dir, lazy_pid);
		run_hooks(HAVZ_HOOK_POST_RESTORE, ct, p.dir, opts, "failed", why, sizeof(why));
		return rc;
	}
	run_hooks(HAVZ_HOOK_POST_RESTORE, ct, p.dir, opts, "ok", why, sizeof(why));
	restored_mark(ct, true);
	qb_log(LOG_NOTICE, "container %s: restored%s from %s in %u ms", ct->name,
	       lazy ? " lazily" : "", p.dir, rep->restore_ms);
	return 0;
}
