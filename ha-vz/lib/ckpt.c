// SPDX-License-Identifier: GPL-2.0-only
/* Pure decisions and argv building for the checkpoint engine. */
#include "havz/ckpt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int varint(const unsigned char **p, const unsigned char *end, uint64_t *out)
{
	uint64_t v = 0;

	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*p >= end)
			return -EINVAL;
		v |= (uint64_t)(**p & 0x7f) << shift;
		if (!(*(*p)++ & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -EINVAL;
}

/* Skips one field of wire type wt. */
static int skip_field(const unsigned char **p, const unsigned char *end, unsigned wt)
{
	uint64_t n;

	switch (wt) {
	case 0: return varint(p, end, &n);
	case 1: n = 8; break;
	case 2:
		if (varint(p, end, &n))
			return -EINVAL;
		break;
	case 5: n = 4; break;
	default: return -EINVAL;
	}
	if (n > (uint64_t)(end - *p))
		return -EINVAL;
	*p += n;
	return 0;
}

static int parse_dump_entry(const unsigned char *p, const unsigned char *end,
			    struct havz_criu_stats *st)
{
	while (p < end) {
		uint64_t key, v;

		if (varint(&p, end, &key))
			return -EINVAL;
		if ((key & 7) != 0) {
			if (skip_field(&p, end, (unsigned)(key & 7)))
				return -EINVAL;
			continue;
		}
		if (varint(&p, end, &v))
			return -EINVAL;
		switch (key >> 3) {
		case 1: st->freezing_time = (uint32_t)v; break;
		case 2: st->frozen_time = (uint32_t)v; break;
		case 3: st->memdump_time = (uint32_t)v; break;
		case 4: st->memwrite_time = (uint32_t)v; break;
		case 5: st->pages_scanned = v; break;
		case 6: st->pages_skipped_parent = v; break;
		case 7: st->pages_written = v; break;
		case 9: st->pages_lazy = v; break;
		default: break;
		}
	}
	return 0;
}

int havz_criu_stats_parse(const unsigned char *buf, size_t len, struct havz_criu_stats *st)
{
	const unsigned char *p, *end;
	uint32_t size;

	memset(st, 0, sizeof(*st));
	if (len < 12 || le32(buf) != HAVZ_CRIU_IMG_SERVICE_MAGIC ||
	    le32(buf + 4) != HAVZ_CRIU_STATS_MAGIC)
		return -EINVAL;
	size = le32(buf + 8);
	if (size > len - 12)
		return -EINVAL;
	p = buf + 12;
	end = p + size;
	while (p < end) {
		uint64_t key, n;

		if (varint(&p, end, &key))
			return -EINVAL;
		if (key == (1 << 3 | 2)) { /* dump_stats_entry dump = 1 */
			if (varint(&p, end, &n) || n > (uint64_t)(end - p))
				return -EINVAL;
			if (parse_dump_entry(p, p + n, st))
				return -EINVAL;
			st->have_dump = true;
			p += n;
		} else if (skip_field(&p, end, (unsigned)(key & 7))) {
			return -EINVAL;
		}
	}
	return 0;
}

bool havz_precopy_continue(const uint64_t *pages, unsigned n, unsigned max)
{
	if (n >= max)
		return false;
	if (n == 0)
		return true;
	if (pages[n - 1] <= HAVZ_PRECOPY_ENOUGH_PAGES)
		return false;
	/* Continue only while each round shrinks the dirty set by more than an eighth. */
	if (n >= 2 && pages[n - 1] * 8 >= pages[n - 2] * 7)
		return false;
	return true;
}

enum havz_dump_next havz_dump_fallback(int rc, bool running, bool frozen, bool thaw_failed)
{
	if (!running)
		return rc ? HAVZ_DUMP_STOPPED : HAVZ_DUMP_DONE;
	/* Still running after a "successful" leave-stopped dump: the images must not be used. */
	if (frozen)
		return thaw_failed ? HAVZ_DUMP_KILL : HAVZ_DUMP_THAW;
	return HAVZ_DUMP_LEAVE_RUNNING;
}

static const char *base(const char *s)
{
	const char *slash = strrchr(s, '/');

	return slash ? slash + 1 : s;
}

static bool under(const char *arg, const char *dir)
{
	size_t n = strlen(dir);

	return n && !strncmp(arg, dir, n) && (arg[n] == '\0' || arg[n] == '/');
}

bool havz_proc_is_restore_leftover(const char *cmdline, size_t len, const char *ct,
				   const char *lxcpath, const char *imgdir)
{
	const char *end = cmdline + len, *argv0 = cmdline, *p;
	char monitor[512];
	size_t n0;

	if (!len || !memchr(cmdline, '\0', len))
		return false;
	n0 = strlen(argv0);
	/* liblxc renames its monitor: "[lxc monitor] LXCPATH NAME" as one argument. */
	if (snprintf(monitor, sizeof(monitor), "[lxc monitor] %s %s", lxcpath, ct) <
		    (int)sizeof(monitor) &&
	    !strcmp(argv0, monitor))
		return true;
	if (strcmp(base(argv0), "criu") && strcmp(base(argv0), "lxc-checkpoint"))
		return false;
	for (p = argv0 + n0 + 1; p < end; p += strlen(p) + 1) {
		if (!memchr(p, '\0', (size_t)(end - p)))
			break;
		if (under(p, imgdir))
			return true;
	}
	return false;
}

bool havz_cgroup_is_containers(const char *name, const char *ct)
{
	static const char *const prefixes[] = { "lxc.payload.", "lxc.monitor." };
	size_t n = strlen(ct);

	for (size_t i = 0; i < 2; i++) {
		size_t pl = strlen(prefixes[i]);
		const char *rest;

		if (strncmp(name, prefixes[i], pl) || strncmp(name + pl, ct, n))
			continue;
		rest = name + pl + n;
		if (!*rest)
			return true;
		if (*rest++ != '-' || !*rest)
			continue;
		while (*rest >= '0' && *rest <= '9')
			rest++;
		if (!*rest)
			return true;
	}
	return false;
}

int havz_criu_config(bool restore, bool lazy, struct havz_buf *out)
{
	/*
	 * The nftables lock of criu 3.17 leaves a drop table behind on restore
	 * (LAB-NOTES). The dump records the method in its inventory and the
	 * restore follows it (criu ignores network-lock on restore).
	 */
	if (!restore)
		havz_buf_printf(out, "network-lock iptables\n");
	if (restore) {
		/* Rejected on dump, needed on restore for symlinked bind-mount sources. */
		havz_buf_printf(out, "mntns-compat-mode\n");
		if (lazy)
			havz_buf_printf(out, "lazy-pages\n");
	}
	return out->err;
}

static void add(struct havz_argv *a, const char *s)
{
	if (a->n + 1 < HAVZ_ARGV_MAX)
		a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

void havz_argv_lxc_dump(struct havz_argv *a, const char *ct, const char *lxcpath, const char *dir,
			bool predump, const char *prev)
{
	a->n = 0;
	add(a, "lxc-checkpoint");
	add(a, "-n");
	add(a, ct);
	add(a, "-P");
	add(a, lxcpath);
	add(a, "-D");
	add(a, dir);
	add(a, predump ? "-p" : "-s");
	if (prev) {
		add(a, "--predump-dir");
		add(a, prev);
	}
	add(a, "-v");
}

void havz_argv_criu_dump(struct havz_argv *a, const struct havz_criu_dump_args *d)
{
	static const char *const fixed[] = {
		"--tcp-established",
		"--file-locks",
		"--link-remap",
		"--manage-cgroups=full",
		"--ext-mount-map",
		"auto",
		"--enable-external-sharing",
		"--enable-external-masters",
		"--enable-fs",
		"hugetlbfs",
		"--enable-fs",
		"tracefs",
	};

	a->n = 0;
	add(a, "criu");
	add(a, d->predump ? "pre-dump" : "dump");
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		add(a, fixed[i]);
	add(a, "-D");
	add(a, d->dir);
	add(a, "-o");
	add(a, d->log);
	add(a, "--cgroup-root");
	add(a, d->cgroup_root);
	add(a, "-v4");
	for (size_t i = 0; i < d->n_mounts; i++) {
		add(a, "--ext-mount-map");
		add(a, d->mounts[i]);
	}
	add(a, "-t");
	add(a, d->pid);
	add(a, "--skip-in-flight");
	add(a, "--freeze-cgroup");
	add(a, d->freezer);
	if (d->prev) {
		/* As liblxc does: without --track-mem a dump on top of a pre-dump
		 * ignores the soft-dirty bits and writes every page again. */
		add(a, "--prev-images-dir");
		add(a, d->prev);
		add(a, "--track-mem");
	}
	add(a, "--force-irmap");
}

void havz_argv_lxc_restore(struct havz_argv *a, const char *ct, const char *lxcpath,
			   const char *dir)
{
	a->n = 0;
	add(a, "lxc-checkpoint");
	add(a, "-r");
	add(a, "-n");
	add(a, ct);
	add(a, "-P");
	add(a, lxcpath);
	add(a, "-D");
	add(a, dir);
	add(a, "-d");
	add(a, "-v");
}

void havz_argv_lazy_pages(struct havz_argv *a, const char *dir, const char *pidfile)
{
	a->n = 0;
	add(a, "criu");
	add(a, "lazy-pages");
	add(a, "-D");
	add(a, dir);
	add(a, "--daemon");
	add(a, "--pidfile");
	add(a, pidfile);
	add(a, "-o");
	add(a, "lazy-pages.log");
	add(a, "-v4");
}

void havz_log_reason(const char *text, char *out, size_t size)
{
	const char *best = NULL, *last = NULL, *p = text;
	size_t best_n = 0, last_n = 0;

	if (!size)
		return;
	out[0] = '\0';
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *s = p;

		/* Drop CRIU's "(00.123456) " and LXC's "lxc-checkpoint: ..." style prefixes only
		 * for the timestamp. */
		if (n > 2 && *s == '(') {
			const char *close = memchr(s, ')', n);

			if (close && close[1] == ' ') {
				n -= (size_t)(close + 2 - s);
				s = close + 2;
			}
		}
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
			n--;
		if (n) {
			last = s;
			last_n = n;
			for (size_t i = 0; i + 5 <= n; i++)
				if (!strncmp(s + i, "Error", 5) || !strncmp(s + i, "ERROR", 5)) {
					best = s;
					best_n = n;
					break;
				}
		}
		p += (nl ? (size_t)(nl - p) + 1 : strlen(p));
	}
	if (!best) {
		best = last;
		best_n = last_n;
	}
	if (best)
		snprintf(out, size, "%.*s", (int)(best_n < size ? best_n : size - 1), best);
}
