// SPDX-License-Identifier: GPL-2.0-only
/* The container engine on liblxc: see container.h for what it owns. */
#include "common/container.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <net/if.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

#include "common/log.h"
#include "havz/buf.h"
#include "havz/files.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CPU_PERIOD_US 100000u
#define LXC_LOG_DIR "/var/log/ha-vz"

static void why_set(char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why_set(char *why, const char *fmt, ...)
{
	va_list ap;

	if (!why)
		return;
	va_start(ap, fmt);
	vsnprintf(why, HAVZ_CT_WHY_MAX, fmt, ap);
	va_end(ap);
}

/* ---- the node: cgroup layout and AppArmor ---- */

enum cg_version { CG_NONE, CG_V1, CG_V2 };

struct host {
	enum cg_version memory, cpu;
	bool apparmor;
};

static bool word_in_list(const char *list, const char *word, const char *seps)
{
	size_t n = strlen(word);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, seps);

		if (len == n && !strncmp(p, word, n))
			return true;
		p += len;
		p += strspn(p, seps);
	}
	return false;
}

/* Whether controller is mounted as a cgroup v1 hierarchy (per /proc/self/cgroup). */
static bool cg_v1_has(const char *text, const char *controller)
{
	char line[512];

	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		char *c1, *c2;

		snprintf(line, sizeof(line), "%.*s",
			 (int)(len < sizeof(line) ? len : sizeof(line) - 1), p);
		p += len + (p[len] == '\n');
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c1 || !c2 || !strncmp(line, "0:", 2))
			continue;
		*c2 = '\0';
		if (word_in_list(c1 + 1, controller, ","))
			return true;
	}
	return false;
}

static void host_detect(struct host *h)
{
	struct havz_buf b = { 0 }, v2 = { 0 };
	const char *v2_controllers = "";
	struct statfs sfs;

	memset(h, 0, sizeof(*h));
	if (havz_file_read("/proc/self/cgroup", 16384, &b) == 0) {
		if (cg_v1_has(b.data, "memory"))
			h->memory = CG_V1;
		if (cg_v1_has(b.data, "cpu"))
			h->cpu = CG_V1;
	}
	if (statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC) {
		if (havz_file_read("/sys/fs/cgroup/cgroup.controllers", 4096, &v2) == 0)
			v2_controllers = v2.data;
	} else if (havz_file_read("/sys/fs/cgroup/unified/cgroup.controllers", 4096, &v2) == 0) {
		v2_controllers = v2.data;
	}
	if (h->memory == CG_NONE && word_in_list(v2_controllers, "memory", " \n"))
		h->memory = CG_V2;
	if (h->cpu == CG_NONE && word_in_list(v2_controllers, "cpu", " \n"))
		h->cpu = CG_V2;
	havz_buf_free(&b);
	havz_buf_free(&v2);

	h->apparmor = access("/sys/kernel/security/apparmor", F_OK) == 0;
}

/* ---- mount point ---- */

/* Undoes the octal escapes (\040 and friends) of /proc/self/mountinfo in place. */
static void unescape_mountinfo(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

int havz_ct_mount_check(const struct havz_container *ct)
{
	struct havz_buf b = { 0 };
	char real[PATH_MAX], field[PATH_MAX];
	int rc = -ENOTCONN;

	if (!realpath(ct->mount, real))
		return -errno;
	if (havz_file_read("/proc/self/mountinfo", 1 << 20, &b))
		return -EIO;
	/* Field 5 is the mount point: "id parent major:minor root mountpoint ..." */
	for (const char *p = b.data; *p && rc;) {
		size_t len = strcspn(p, "\n");
		const char *f = p;

		for (int i = 0; i < 4 && f < p + len; i++) {
			f += strcspn(f, " ");
			f += *f == ' ';
		}
		size_t flen = strcspn(f, " \n");
		if (f < p + len && flen < sizeof(field)) {
			memcpy(field, f, flen);
			field[flen] = '\0';
			unescape_mountinfo(field);
			if (!strcmp(field, real))
				rc = 0;
		}
		p += len + (p[len] == '\n');
	}
	havz_buf_free(&b);
	return rc;
}

/* ---- liblxc ---- */

static struct lxc_container *ct_open(const struct havz_container *ct, char *why)
{
	struct lxc_container *c = lxc_container_new(ct->name, ct->mount);

	if (!c)
		why_set(why, "container %s: liblxc cannot open it in %s", ct->name, ct->mount);
	return c;
}

static enum havz_ct_state parse_state(const char *s)
{
	if (!s)
		return HAVZ_CT_UNKNOWN;
	if (!strcmp(s, "STOPPED"))
		return HAVZ_CT_STOPPED;
	if (!strcmp(s, "STARTING"))
		return HAVZ_CT_STARTING;
	if (!strcmp(s, "RUNNING"))
		return HAVZ_CT_RUNNING;
	if (!strcmp(s, "STOPPING"))
		return HAVZ_CT_STOPPING;
	if (!strcmp(s, "FROZEN") || !strcmp(s, "FREEZING") || !strcmp(s, "THAWED"))
		return !strcmp(s, "THAWED") ? HAVZ_CT_RUNNING : HAVZ_CT_FROZEN;
	if (!strcmp(s, "ABORTING"))
		return HAVZ_CT_ABORTING;
	return HAVZ_CT_UNKNOWN;
}

static enum havz_ct_state c_state(struct lxc_container *c)
{
	if (!c->is_defined(c))
		return HAVZ_CT_ABSENT;
	return parse_state(c->state(c));
}

enum havz_ct_state havz_ct_state(const struct havz_container *ct)
{
	struct lxc_container *c = ct_open(ct, NULL);
	enum havz_ct_state s;

	if (!c)
		return HAVZ_CT_UNKNOWN;
	s = c_state(c);
	lxc_container_put(c);
	return s;
}

pid_t havz_ct_init_pid(const struct havz_container *ct)
{
	struct lxc_container *c = ct_open(ct, NULL);
	pid_t pid = -1;

	if (!c)
		return -1;
	if (c->is_defined(c) && c->is_running(c))
		pid = c->init_pid(c);
	lxc_container_put(c);
	return pid;
}

static int set_item(struct lxc_container *c, const char *key, const char *value, char *why)
{
	if (c->set_config_item(c, key, value))
		return 0;
	why_set(why, "container %s: liblxc refused %s = %s", c->name, key, value);
	return -EINVAL;
}

/* Clears one key; a key that is not set is not an error. */
static void clear_item(struct lxc_container *c, const char *key)
{
	c->clear_config_item(c, key);
}

static int apply_limits_config(struct lxc_container *c, const struct havz_container *ct,
			       const struct host *h, char *why)
{
	char mem[32], quota[32], period[32], cpumax[64];
	int rc = 0;

	snprintf(mem, sizeof(mem), "%" PRIu64, ct->memory);
	snprintf(quota, sizeof(quota), "%u", ct->cpu_millis * (CPU_PERIOD_US / 1000));
	snprintf(period, sizeof(period), "%u", CPU_PERIOD_US);
	snprintf(cpumax, sizeof(cpumax), "%s %s", quota, period);

	clear_item(c, "lxc.cgroup.memory.limit_in_bytes");
	clear_item(c, "lxc.cgroup2.memory.max");
	clear_item(c, "lxc.cgroup.cpu.cfs_period_us");
	clear_item(c, "lxc.cgroup.cpu.cfs_quota_us");
	clear_item(c, "lxc.cgroup2.cpu.max");

	if (h->memory == CG_V1)
		rc = set_item(c, "lxc.cgroup.memory.limit_in_bytes", mem, why);
	else if (h->memory == CG_V2)
		rc = set_item(c, "lxc.cgroup2.memory.max", mem, why);
	else
		qb_log(LOG_WARNING,
		       "container %s: no memory cgroup controller on this node; "
		       "memory is not limited",
		       ct->name);
	if (rc)
		return rc;
	if (h->cpu == CG_V1) {
		rc = set_item(c, "lxc.cgroup.cpu.cfs_period_us", period, why);
		if (!rc)
			rc = set_item(c, "lxc.cgroup.cpu.cfs_quota_us", quota, why);
	} else if (h->cpu == CG_V2) {
		rc = set_item(c, "lxc.cgroup2.cpu.max", cpumax, why);
	} else {
		qb_log(LOG_WARNING,
		       "container %s: no cpu cgroup controller on this node; "
		       "CPU is not limited",
		       ct->name);
	}
	return rc;
}

/* A stable locally administered MAC in LXC's 00:16:3e range, from the name (FNV-1a). */
static void name_hwaddr(const char *name, char *out, size_t size)
{
	uint32_t hsh = 2166136261u;

	for (const char *p = name; *p; p++)
		hsh = (hsh ^ (unsigned char)*p) * 16777619u;
	snprintf(out, size, "00:16:3e:%02x:%02x:%02x", (hsh >> 16) & 0xff, (hsh >> 8) & 0xff,
		 hsh & 0xff);
}

static int apply_net_config(struct lxc_container *c, const struct havz_container *ct, char *why)
{
	char hw[32];
	int rc;

	clear_item(c, "lxc.net");
	if (!ct->service_ip[0])
		return set_item(c, "lxc.net.0.type", "empty", why);
	name_hwaddr(ct->name, hw, sizeof(hw));
	rc = set_item(c, "lxc.net.0.type", "veth", why);
	if (!rc)
		rc = set_item(c, "lxc.net.0.link", ct->bridge, why);
	if (!rc)
		rc = set_item(c, "lxc.net.0.flags", "up", why);
	if (!rc)
		rc = set_item(c, "lxc.net.0.name", "eth0", why);
	if (!rc)
		rc = set_item(c, "lxc.net.0.hwaddr", hw, why);
	if (!rc)
		rc = set_item(c,
			      strchr(ct->service_ip, ':') ? "lxc.net.0.ipv6.address"
							  : "lxc.net.0.ipv4.address",
			      ct->service_ip, why);
	return rc;
}

/* Rewrites every lxc.mount.entry whose source is a symlink to the real path (CRIU). */
static int fix_mount_entries(struct lxc_container *c, char *why)
{
	char *all, *save = NULL;
	int len = c->get_config_item(c, "lxc.mount.entry", NULL, 0);
	int rc = 0;

	if (len <= 0)
		return 0;
	all = calloc(1, (size_t)len + 1);
	if (!all)
		return -ENOMEM;
	c->get_config_item(c, "lxc.mount.entry", all, len + 1);
	clear_item(c, "lxc.mount.entry");
	for (char *e = strtok_r(all, "\n", &save); e && !rc; e = strtok_r(NULL, "\n", &save)) {
		size_t slen = strcspn(e, " \t");
		char src[PATH_MAX], real[PATH_MAX], entry[PATH_MAX * 2];
		struct stat st;

		snprintf(entry, sizeof(entry), "%s", e);
		if (e[0] == '/' && slen < sizeof(src)) {
			memcpy(src, e, slen);
			src[slen] = '\0';
			if (lstat(src, &st) == 0 && S_ISLNK(st.st_mode) && realpath(src, real))
				snprintf(entry, sizeof(entry), "%s%s", real, e + slen);
		}
		rc = set_item(c, "lxc.mount.entry", entry, why);
	}
	free(all);
	return rc;
}

#define LXC_PROFILE "lxc-container-default-cgns"

/* Whether the kernel holds an AppArmor profile of that name (a line "NAME (MODE)"). */
static bool apparmor_profile_loaded(const char *name)
{
	struct havz_buf b = { 0 };
	size_t n = strlen(name);
	bool found = false;

	if (havz_file_read("/sys/kernel/security/apparmor/profiles", 1 << 20, &b) == 0) {
		for (const char *p = b.data; *p && !found;) {
			const char *eol = strchr(p, '\n');

			found = !strncmp(p, name, n) && p[n] == ' ';
			p = eol ? eol + 1 : p + strlen(p);
		}
	}
	havz_buf_free(&b);
	return found;
}

/* Everything ha-vz owns in the LXC config, set in memory. */
static int apply_settings(struct lxc_container *c, const struct havz_container *ct, char *why)
{
	struct host h;
	int rc;

	host_detect(&h);
	rc = apply_limits_config(c, ct, &h, why);
	if (!rc)
		rc = apply_net_config(c, ct, why);
	clear_item(c, "lxc.tty.max");
	clear_item(c, "lxc.console.path");
	if (!rc)
		rc = set_item(c, "lxc.tty.max", "0", why);
	if (!rc)
		rc = set_item(c, "lxc.console.path", "none", why);
	if (rc)
		return rc;
	clear_item(c, "lxc.apparmor.profile");
	clear_item(c, "lxc.apparmor.allow_nesting");
	if (h.apparmor && !apparmor_profile_loaded(LXC_PROFILE)) {
		/* liblxc would only log "Failed to change AppArmor profile" and abort the start. */
		why_set(why,
			"container %s: AppArmor is enabled in this kernel but LXC's profile %s "
			"is not loaded (install the apparmor package, whose service loads "
			"/etc/apparmor.d/lxc-containers at boot)",
			ct->name, LXC_PROFILE);
		return -ENOENT;
	}
	if (h.apparmor) {
		rc = set_item(c, "lxc.apparmor.profile", LXC_PROFILE, why);
		if (rc)
			return rc;
	}
	return fix_mount_entries(c, why);
}

static int run_quiet(const char *const argv[], char *why)
{
	struct havz_run_opts o = HAVZ_RUN_OPTS_DEFAULT;
	struct havz_run_result *res = calloc(1, sizeof(*res));
	char cmd[256];
	int rc;

	if (!res)
		return -ENOMEM;
	o.timeout_ms = 10000;
	o.capture = true;
	rc = havz_run(argv, &o, res);
	if (!rc && res->status != 0)
		rc = -EIO;
	if (rc) {
		havz_run_format_argv(argv, cmd, sizeof(cmd));
		why_set(why, "'%s' failed: %.*s", cmd, (int)strcspn(res->output, "\n"),
			res->status == -1 ? strerror(-rc) : res->output);
	}
	free(res);
	return rc;
}

/* The bridge for the veth: created and brought up when missing. */
static int ensure_bridge(const struct havz_container *ct, char *why)
{
	char path[64];
	int rc;

	if (!ct->service_ip[0])
		return 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s", ct->bridge);
	if (access(path, F_OK) == 0) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", ct->bridge);
		if (access(path, F_OK) != 0) {
			why_set(why, "container %s: %s exists but is not a bridge", ct->name,
				ct->bridge);
			return -EINVAL;
		}
	} else {
		const char *add[] = { "ip",	  "link", "add",    "name",
				      ct->bridge, "type", "bridge", NULL };

		rc = run_quiet(add, why);
		if (rc)
			return rc;
		qb_log(LOG_NOTICE, "container %s: created bridge %s", ct->name, ct->bridge);
	}
	const char *up[] = { "ip", "link", "set", "dev", ct->bridge, "up", NULL };
	return run_quiet(up, why);
}

static void set_lxc_log(struct lxc_container *c)
{
	char path[HAVZ_PATH_MAX + 32];

	if (havz_mkdir_parents(LXC_LOG_DIR "/x", 0750))
		return;
	snprintf(path, sizeof(path), LXC_LOG_DIR "/lxc-%s.log", c->name);
	c->set_config_item(c, "lxc.log.file", path);
	c->set_config_item(c, "lxc.log.level", "WARN");
}

/* Template fix-ups in the rootfs: no getty, nothing on the console (CRIU). */
static int fix_rootfs(const struct havz_container *ct, const char *tmpl, char *why)
{
	char path[PATH_MAX];
	int rc = 0;

	if (!strcmp(tmpl, "busybox")) {
		static const char inittab[] =
			"# ha-vz: no getty and no console shell (lxc.tty.max = 0, CRIU)\n"
			"::sysinit:/etc/init.d/rcS\n"
			"::shutdown:/bin/umount -a -r\n";
		static const char rcs[] = "#!/bin/sh\n"
					  "# ha-vz: the service IP is set by LXC; no DHCP client\n"
					  "/bin/syslogd\n"
					  "/bin/mount -a\n";

		snprintf(path, sizeof(path), "%s/%s/rootfs/etc/inittab", ct->mount, ct->name);
		rc = havz_file_write_atomic(path, inittab, sizeof(inittab) - 1, 0644);
		if (!rc) {
			snprintf(path, sizeof(path), "%s/%s/rootfs/etc/init.d/rcS", ct->mount,
				 ct->name);
			rc = havz_file_write_atomic(path, rcs, sizeof(rcs) - 1, 0755);
		}
	} else {
		static const char *const units[] = { "getty@.service", "console-getty.service",
						     "container-getty@.service",
						     "serial-getty@.service", NULL };

		for (int i = 0; units[i] && !rc; i++) {
			snprintf(path, sizeof(path), "%s/%s/rootfs/etc/systemd/system/%s",
				 ct->mount, ct->name, units[i]);
			havz_mkdir_parents(path, 0755);
			unlink(path);
			if (symlink("/dev/null", path))
				rc = -errno;
		}
	}
	if (rc)
		why_set(why, "container %s: cannot adjust %s: %s", ct->name, path, strerror(-rc));
	return rc;
}

int havz_ct_create(const struct havz_container *ct, const char *tmpl, char *why)
{
	struct lxc_container *c;
	char *targv[4] = { NULL };
	int rc;

	if (strcmp(tmpl, "busybox") && strcmp(tmpl, "debian")) {
		why_set(why, "container %s: unknown template '%s' (busybox or debian)", ct->name,
			tmpl);
		return -EINVAL;
	}
	if (!strcmp(tmpl, "debian")) {
		targv[0] = (char *)"--release";
		targv[1] = (char *)"bookworm";
	}
	c = ct_open(ct, why);
	if (!c)
		return -EIO;
	if (c->is_defined(c)) {
		why_set(why, "container %s: already exists in %s", ct->name, ct->mount);
		lxc_container_put(c);
		return -EEXIST;
	}
	/* Our network replaces /etc/lxc/default.conf's before the template writes the config. */
	rc = apply_net_config(c, ct, why);
	if (rc)
		goto out;
	if (!c->create(c, tmpl, NULL, NULL, LXC_CREATE_QUIET, targv)) {
		why_set(why, "container %s: the %s template failed (see %s/%s)", ct->name, tmpl,
			ct->mount, ct->name);
		rc = -EIO;
		goto out;
	}
	/* Reload what the template wrote, then put ha-vz's settings over it. */
	lxc_container_put(c);
	c = ct_open(ct, why);
	if (!c)
		return -EIO;
	rc = apply_settings(c, ct, why);
	if (!rc && !c->save_config(c, NULL)) {
		why_set(why, "container %s: cannot write %s", ct->name, c->config_file_name(c));
		rc = -EIO;
	}
	if (!rc)
		rc = fix_rootfs(ct, tmpl, why);
	if (!rc)
		rc = ensure_bridge(ct, why);
	if (rc)
		c->destroy(c);
	else
		qb_log(LOG_NOTICE, "container %s: created in %s from template %s", ct->name,
		       ct->mount, tmpl);
out:
	lxc_container_put(c);
	return rc;
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int havz_ct_start(const struct havz_container *ct, unsigned timeout_ms, char *why)
{
	struct lxc_container *c = ct_open(ct, why);
	long long deadline = now_ms() + timeout_ms;
	enum havz_ct_state s;
	int rc = 0;

	if (!c)
		return -EIO;
	s = c_state(c);
	if (s == HAVZ_CT_ABSENT) {
		why_set(why, "container %s is not defined in %s (no %s/%s/config)", ct->name,
			ct->mount, ct->mount, ct->name);
		rc = -ENOENT;
		goto out;
	}
	if (s == HAVZ_CT_RUNNING)
		goto out;
	if (s != HAVZ_CT_STOPPED) {
		why_set(why, "container %s is %s, not stopped", ct->name, havz_ct_state_name(s));
		rc = -EBUSY;
		goto out;
	}
	rc = ensure_bridge(ct, why);
	if (!rc)
		rc = apply_settings(c, ct, why);
	if (rc)
		goto out;
	set_lxc_log(c);
	c->want_daemonize(c, true);
	c->want_close_all_fds(c, true);
	if (!c->start(c, 0, NULL)) {
		why_set(why, "container %s: liblxc failed to start it (see %s/lxc-%s.log)",
			ct->name, LXC_LOG_DIR, ct->name);
		rc = -EIO;
		goto out;
	}
	while ((s = c_state(c)) != HAVZ_CT_RUNNING && now_ms() < deadline) {
		if (s == HAVZ_CT_STOPPED || s == HAVZ_CT_ABORTING)
			break;
		usleep(100 * 1000);
	}
	if (s != HAVZ_CT_RUNNING) {
		why_set(why, "container %s is %s after start, not running", ct->name,
			havz_ct_state_name(s));
		rc = -EIO;
		goto out;
	}
	qb_log(LOG_NOTICE, "container %s: started (init pid %d)", ct->name, (int)c->init_pid(c));
out:
	lxc_container_put(c);
	return rc;
}

int havz_ct_stop(const struct havz_container *ct, unsigned shutdown_ms, char *why)
{
	struct lxc_container *c = ct_open(ct, why);
	enum havz_ct_state s;
	int rc = 0;

	if (!c)
		return -EIO;
	s = c_state(c);
	if (s == HAVZ_CT_ABSENT || s == HAVZ_CT_STOPPED)
		goto out;
	if (s == HAVZ_CT_RUNNING && shutdown_ms) {
		int secs = (int)((shutdown_ms + 999) / 1000);

		if (c->shutdown(c, secs)) {
			qb_log(LOG_NOTICE, "container %s: stopped cleanly", ct->name);
			goto check;
		}
		qb_log(LOG_WARNING, "container %s: no clean shutdown within %d s; killing it",
		       ct->name, secs);
	}
	if (!c->stop(c))
		qb_log(LOG_WARNING, "container %s: liblxc stop failed", ct->name);
	c->wait(c, "STOPPED", 10);
	qb_log(LOG_NOTICE, "container %s: killed", ct->name);
check:
	s = c_state(c);
	if (s != HAVZ_CT_STOPPED) {
		why_set(why, "container %s is still %s after stop", ct->name,
			havz_ct_state_name(s));
		rc = -EIO;
	}
out:
	lxc_container_put(c);
	return rc;
}

int havz_ct_destroy(const struct havz_container *ct, bool force, char *why)
{
	struct lxc_container *c = ct_open(ct, why);
	enum havz_ct_state s;
	int rc = 0;

	if (!c)
		return -EIO;
	s = c_state(c);
	if (s == HAVZ_CT_ABSENT) {
		why_set(why, "container %s does not exist in %s", ct->name, ct->mount);
		rc = -ENOENT;
		goto out;
	}
	if (s != HAVZ_CT_STOPPED) {
		if (!force) {
			why_set(why, "container %s is %s; stop it first or use --force", ct->name,
				havz_ct_state_name(s));
			rc = -EBUSY;
			goto out;
		}
		c->stop(c);
		c->wait(c, "STOPPED", 10);
	}
	if (!c->destroy(c)) {
		why_set(why, "container %s: liblxc could not destroy it", ct->name);
		rc = -EIO;
		goto out;
	}
	qb_log(LOG_NOTICE, "container %s: destroyed", ct->name);
out:
	lxc_container_put(c);
	return rc;
}

int havz_ct_apply_limits(const struct havz_container *ct, char *why)
{
	struct lxc_container *c = ct_open(ct, why);
	char mem[32], quota[32], period[32], cpumax[64];
	struct host h;
	bool ok = true;

	if (!c)
		return -EIO;
	if (!c->is_defined(c) || !c->is_running(c)) {
		why_set(why, "container %s is not running", ct->name);
		lxc_container_put(c);
		return -ESRCH;
	}
	host_detect(&h);
	snprintf(mem, sizeof(mem), "%" PRIu64, ct->memory);
	snprintf(quota, sizeof(quota), "%u", ct->cpu_millis * (CPU_PERIOD_US / 1000));
	snprintf(period, sizeof(period), "%u", CPU_PERIOD_US);
	snprintf(cpumax, sizeof(cpumax), "%s %s", quota, period);
	if (h.memory == CG_V1)
		ok = c->set_cgroup_item(c, "memory.limit_in_bytes", mem);
	else if (h.memory == CG_V2)
		ok = c->set_cgroup_item(c, "memory.max", mem);
	if (ok && h.cpu == CG_V1)
		ok = c->set_cgroup_item(c, "cpu.cfs_period_us", period) &&
		     c->set_cgroup_item(c, "cpu.cfs_quota_us", quota);
	else if (ok && h.cpu == CG_V2)
		ok = c->set_cgroup_item(c, "cpu.max", cpumax);
	lxc_container_put(c);
	if (!ok) {
		why_set(why, "container %s: cannot write its cgroup limits", ct->name);
		return -EIO;
	}
	return 0;
}

#define EXEC_ARGS_MAX 32

int havz_ct_exec(const struct havz_container *ct, const char *const argv[], unsigned timeout_ms,
		 struct havz_run_result *res)
{
	const char *full[EXEC_ARGS_MAX + 8];
	struct havz_run_opts o = HAVZ_RUN_OPTS_DEFAULT;
	size_t n = 0;

	full[n++] = "lxc-attach";
	full[n++] = "-P";
	full[n++] = ct->mount;
	full[n++] = "-n";
	full[n++] = ct->name;
	full[n++] = "--clear-env";
	full[n++] = "--";
	for (size_t i = 0; argv[i]; i++) {
		if (i == EXEC_ARGS_MAX)
			return -E2BIG;
		full[n++] = argv[i];
	}
	full[n] = NULL;
	o.timeout_ms = timeout_ms;
	o.capture = true;
	return havz_run(full, &o, res);
}

void havz_ct_format_memory(uint64_t bytes, char *out, size_t size)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, size, "%" PRIu64, bytes);
	else
		snprintf(out, size, "%" PRIu64 "%c", bytes, units[u]);
}

void havz_ct_format_cpus(unsigned millis, char *out, size_t size)
{
	snprintf(out, size, "%u.%02u", millis / 1000, (millis % 1000) / 10);
}
