// SPDX-License-Identifier: GPL-2.0-only
/* Pure parts of `ha-vz switchover` (see havz/switchover.h). */
#include "havz/switchover.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const havz_criu_modules[] = {
	"unix_diag",
	"inet_diag",
	"tcp_diag",
	"udp_diag",
	"raw_diag",
	"netlink_diag",
	"af_packet_diag",
	"tun",
	"nf_tables",
	"nft_compat",
	"xt_mark",
	"veth",
	"bridge",
	"nf_conntrack_netlink",
	NULL,
};

/* Is word the first field of some line of text? */
static bool first_field_is(const char *text, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, word, len) && (p[len] == ' ' || p[len] == '\t'))
			return true;
	return false;
}

unsigned havz_modules_missing(const char *proc_modules, bool (*builtin)(const char *, void *),
			      void *ctx, char *out, size_t size)
{
	unsigned n = 0;
	size_t used = 0;

	if (out && size)
		out[0] = '\0';
	for (size_t i = 0; havz_criu_modules[i]; i++) {
		const char *m = havz_criu_modules[i];

		if (proc_modules && first_field_is(proc_modules, m))
			continue;
		if (builtin && builtin(m, ctx))
			continue;
		n++;
		if (out && used < size) {
			int w = snprintf(out + used, size - used, "%s%s", used ? " " : "", m);

			used += w > 0 ? (size_t)w : 0;
		}
	}
	return n;
}

/* The first non-blank line of text, for a reason. */
static void first_line(const char *text, char *out, size_t size)
{
	const char *p = text ? text : "";

	while (*p == '\n' || *p == ' ')
		p++;
	havz_why_set(out, size, "%.*s", (int)strcspn(p, "\n"), p);
}

int havz_preflight_eval(const struct havz_preflight_in *in, struct havz_preflight *out)
{
	char missing[200], why[200], line[120];

	memset(out, 0, sizeof(*out));
	if (!in->criu_found) {
		havz_why_set(out->reason, sizeof(out->reason), "criu is not installed");
		return 0;
	}
	if (in->criu_check) {
		first_line(in->criu_output, line, sizeof(line));
		havz_why_set(out->reason, sizeof(out->reason),
			     "'criu check' failed (status %d)%s%s", in->criu_check,
			     line[0] ? ": " : "", line);
		return 0;
	}
	if (!in->iptables) {
		havz_why_set(out->reason, sizeof(out->reason),
			     "iptables is not installed (CRIU locks the network with it)");
		return 0;
	}
	if (havz_modules_missing(in->proc_modules, in->builtin, in->ctx, missing,
				 sizeof(missing))) {
		havz_why_set(out->reason, sizeof(out->reason),
			     "kernel modules CRIU needs are not loaded: %s", missing);
		return 0;
	}
	if (!in->node_only && !in->lxc_config) {
		havz_why_set(out->reason, sizeof(out->reason),
			     "the container's LXC config cannot be read");
		return 0;
	}
	if (!in->node_only && havz_lxc_config_check(in->lxc_config, in->apparmor, in->is_symlink,
						    in->ctx, why, sizeof(why))) {
		havz_why_set(out->reason, sizeof(out->reason), "container settings: %s", why);
		return 0;
	}
	out->live = true;
	out->predump = in->mem_dirty_track && in->precopy_rounds > 0;
	out->lazy = in->uffd && in->uffd_noncoop;
	havz_why_set(out->notes, sizeof(out->notes), "%s%s%s",
		     out->predump	  ? ""
		     : in->precopy_rounds ? "no pre-dump (no soft-dirty tracking: mem_dirty_track)"
					  : "no pre-dump (precopy_rounds = 0)",
		     !out->predump && !out->lazy ? "; " : "",
		     out->lazy ? "" : "full restore (no userfaultfd: uffd, uffd-noncoop)");
	return 0;
}

/* Trims spaces and tabs at both ends, in place. */
static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

/* lxc.mount.entry = SRC DST TYPE OPTIONS ...: a bind mount whose source is a symlink? */
static bool entry_symlinked(char *value, bool (*is_symlink)(const char *, void *), void *ctx,
			    char *src_out, size_t size)
{
	char *save = NULL, *src, *fields[4] = { NULL };
	int n = 0;

	for (char *tok = strtok_r(value, " \t", &save); tok && n < 4;
	     tok = strtok_r(NULL, " \t", &save))
		fields[n++] = tok;
	if (n < 4 || !is_symlink)
		return false;
	src = fields[0];
	if (!strstr(fields[3], "bind"))
		return false;
	if (!is_symlink(src, ctx))
		return false;
	havz_why_set(src_out, size, "%s", src);
	return true;
}

int havz_lxc_config_check(const char *config, bool apparmor,
			  bool (*is_symlink)(const char *path, void *ctx), void *ctx, char *why,
			  size_t why_size)
{
	char *copy = strdup(config ? config : ""), *save = NULL;
	char tty[32] = "", console[128] = "", profile[128] = "", src[200];
	int rc = 0;

	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line && !rc;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, *value;

		line = trim(line);
		if (!*line || *line == '#' || !(eq = strchr(line, '=')))
			continue;
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		if (!strcmp(key, "lxc.tty.max"))
			havz_why_set(tty, sizeof(tty), "%s", value);
		else if (!strcmp(key, "lxc.console.path"))
			havz_why_set(console, sizeof(console), "%s", value);
		else if (!strcmp(key, "lxc.apparmor.profile"))
			havz_why_set(profile, sizeof(profile), "%s", value);
		else if (!strcmp(key, "lxc.mount.entry") &&
			 entry_symlinked(value, is_symlink, ctx, src, sizeof(src))) {
			havz_why_set(why, why_size,
				     "bind-mount source %s is a symlink (CRIU cannot restore it)",
				     src);
			rc = -EINVAL;
		}
	}
	free(copy);
	if (rc)
		return rc;
	if (strcmp(tty, "0")) {
		havz_why_set(why, why_size, "lxc.tty.max is %s, CRIU needs 0 (no getty)",
			     tty[0] ? tty : "unset");
		return -EINVAL;
	}
	if (strcmp(console, "none")) {
		havz_why_set(why, why_size, "lxc.console.path is %s, CRIU needs none",
			     console[0] ? console : "unset");
		return -EINVAL;
	}
	if (apparmor && strcmp(profile, "unconfined") &&
	    strcmp(profile, "lxc-container-default-cgns")) {
		havz_why_set(
			why, why_size,
			"AppArmor profile %s cannot be restored (use lxc-container-default-cgns)",
			profile[0] ? profile : "'generated' (the default)");
		return -EINVAL;
	}
	if (!apparmor && profile[0] && strcmp(profile, "unconfined")) {
		havz_why_set(why, why_size,
			     "lxc.apparmor.profile %s is set but the kernel has no AppArmor",
			     profile);
		return -EINVAL;
	}
	return 0;
}

int havz_switchover_select(const char *name, const char *const *held, size_t n_held, bool moves_one,
			   char *why, size_t why_size)
{
	bool found = false;

	if (!n_held) {
		havz_why_set(why, why_size, "this node holds no container: nothing to switch over");
		return -ENOENT;
	}
	if (!name)
		return 0;
	for (size_t i = 0; i < n_held; i++)
		found = found || !strcmp(held[i], name);
	if (!found) {
		havz_why_set(why, why_size, "container %s does not run on this node", name);
		return -ENOENT;
	}
	if (n_held > 1 && !moves_one) {
		havz_why_set(why, why_size,
			     "this node holds %zu containers and heartbeat moves them together; "
			     "moving %s "
			     "alone needs per-resource placement (the Pacemaker stack): use --all",
			     n_held, name);
		return -EPERM;
	}
	return 0;
}

/* ---- time ---- */

int havz_clock_offset(const struct havz_clock_sample *s, size_t n, int64_t *offset_ms,
		      int64_t *error_ms)
{
	int64_t best = -1;

	for (size_t i = 0; i < n; i++) {
		int64_t rtt = s[i].local_recv - s[i].local_send;

		if (rtt < 0 || s[i].local_send <= 0 || s[i].peer <= 0)
			continue;
		if (best < 0 || rtt < best) {
			best = rtt;
			*offset_ms = s[i].peer - (s[i].local_send + rtt / 2);
			*error_ms = (rtt + 1) / 2;
		}
	}
	return best < 0 ? -EINVAL : 0;
}

int havz_freeze_ms(const struct havz_report *r, int64_t offset_ms, int64_t *freeze_ms)
{
	if (!r->dump_begin || !r->restore_end)
		return -ENODATA;
	*freeze_ms = r->restore_end - offset_ms - r->dump_begin;
	return 0;
}

int havz_freeze_parts(const struct havz_report *r, int64_t offset_ms, struct havz_freeze_parts *p)
{
	if (!r->dump_begin || !r->dump_end || !r->stop_end || !r->start_begin ||
	    !r->restore_begin || !r->restore_end)
		return -ENODATA;
	p->dump = r->dump_end - r->dump_begin;
	p->stop_rest = r->stop_end - r->dump_end;
	p->handover = r->start_begin - offset_ms - r->stop_end;
	p->start = r->restore_begin - r->start_begin;
	p->restore = r->restore_end - r->restore_begin;
	return 0;
}

int havz_outage_ms(const struct havz_report *r, int64_t offset_ms, int64_t *outage_ms)
{
	if (!r->stop_begin || !r->start_end)
		return -ENODATA;
	*outage_ms = r->start_end - offset_ms - r->stop_begin;
	return 0;
}
