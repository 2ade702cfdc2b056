// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz sync: sends ha-vz.conf (and with --key the cluster key) to the peer with rsync over
 * ssh. The peer's copy and its record of the last sync are fetched first; lib/sync.c decides
 * whether it may be replaced; the peer checks what it got (sync --receive) before installing
 * it, and renders; then this node records the sync and renders too.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/sync_files.h"
#include "common/log.h"
#include "common/run.h"
#include "havz/config.h"
#include "havz/diff.h"
#include "havz/files.h"
#include "havz/parse.h"
#include "havz/sync.h"

#define SSH_OPTIONS_MAX 8
#define SSH_OPTION_LEN 256
#define SSH_TIMEOUT_MS 120000
#define ARGV_MAX (16 + 2 * SSH_OPTIONS_MAX)

struct sync_opts {
	const char *config;
	const char *node;
	const char *peer_address;
	const char *ssh_options[SSH_OPTIONS_MAX];
	size_t n_ssh_options;
	char ssh_port[8]; /* empty: ssh's default */
	bool key, dry_run, force;
};

/* How the peer is reached: ssh's argv prefix and rsync's -e command and host part. */
struct peer_link {
	const char *name;
	char address[HAVZ_ADDR_MAX];
	char login[HAVZ_ADDR_MAX + 8];	/* root@ADDR, for ssh */
	char remote[HAVZ_ADDR_MAX + 8]; /* root@ADDR or root@[ADDR], for rsync */
	char rsh[SSH_OPTIONS_MAX * (SSH_OPTION_LEN + 4) + 128];
	const char *ssh[ARGV_MAX];
	size_t n_ssh;
};

/* One file that sync sends, with what is known about it on both nodes. */
struct sync_file {
	const char *label; /* "ha-vz.conf", "cluster key" */
	const char *local_path;
	char remote_path[HAVZ_PATH_MAX];
	char staged_path[HAVZ_PATH_MAX];
	const char *record_path;
	char fetched[PATH_MAX], fetched_record[PATH_MAX]; /* below the temporary directory */
	bool secret;
	char local[HAVZ_SHA256_HEX + 1], peer[HAVZ_SHA256_HEX + 1];
	char peer_record[HAVZ_SHA256_HEX + 1], local_record[HAVZ_SHA256_HEX + 1];
	bool has_peer, has_peer_record, has_local_record;
	struct havz_sync_state state;
	enum havz_sync_verdict verdict;
};

void usage_sync(void)
{
	printf("Usage: ha-vz sync [-c FILE] [-n NODE] [--key] [--dry-run] [--force]\n"
	       "                  [--peer-address ADDR] [--ssh-port N] [--ssh-option OPT]...\n\n"
	       "Sends the configuration to the other node of the cluster with rsync over ssh\n"
	       "(as root@ its management address, with root's own ssh keys): fetches the\n"
	       "peer's copy and its record of the last sync, shows the difference, and\n"
	       "refuses when the peer's copy changed since the last sync (edited there). The\n"
	       "peer checks the copy as check-config does before it replaces its own, and\n"
	       "renders; then this node renders. Records: %s/.\n\n"
	       "  -c, --config FILE        configuration file (default %s)\n"
	       "  -n, --node NAME          this node (default: uname -n)\n"
	       "  -k, --key                send the cluster key (auth_key_file) too, mode 600\n"
	       "  -d, --dry-run            show the difference and the verdict; change nothing\n"
	       "  -f, --force              overwrite a peer's copy that changed since the last "
	       "sync\n"
	       "  -a, --peer-address ADDR  reach the peer there, not at its management address\n"
	       "  -p, --ssh-port N         ssh port on the peer\n"
	       "  -o, --ssh-option OPT     passed to ssh as -o OPT (repeatable, no spaces)\n"
	       "  -h, --help               this text\n\n"
	       "The peer runs 'ha-vz sync --receive SHA256 [--key-sha256 SHA256]' (sync does\n"
	       "this over ssh; see ha-vz(8)).\n\n"
	       "Exit status: 0 synced, nothing to send, or --dry-run done, 1 ssh, rsync or a\n"
	       "step on the peer failed, 2 usage error, 3 the configuration has errors (here\n"
	       "or on the peer), 5 refused: the peer's copy changed since the last sync, or\n"
	       "the records disagree (--force overwrites), or another sync runs on this node\n"
	       "or on the peer (%s).\n",
	       SYNC_STATE_DIR, HAVZ_DEFAULT_CONFIG, SYNC_LOCK);
}

/* ssh options end up in rsync's -e, which rsync splits at spaces and unquotes. */
static bool ssh_option_ok(const char *opt)
{
	if (!opt[0] || strlen(opt) >= SSH_OPTION_LEN || opt[0] == '-')
		return false;
	for (const char *p = opt; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '\'' || *p == '"' || *p == '\\')
			return false;
	return true;
}

static void link_init(struct peer_link *l, const struct sync_opts *o, const char *name,
		      const char *address)
{
	size_t n = 0, len;

	l->name = name;
	snprintf(l->address, sizeof(l->address), "%s", address);
	snprintf(l->login, sizeof(l->login), "root@%s", address);
	snprintf(l->remote, sizeof(l->remote), strchr(address, ':') ? "root@[%s]" : "root@%s",
		 address);
	l->ssh[n++] = "ssh";
	l->ssh[n++] = "-o";
	l->ssh[n++] = "BatchMode=yes";
	l->ssh[n++] = "-o";
	l->ssh[n++] = "ConnectTimeout=10";
	if (o->ssh_port[0]) {
		l->ssh[n++] = "-p";
		l->ssh[n++] = o->ssh_port;
	}
	for (size_t i = 0; i < o->n_ssh_options; i++) {
		l->ssh[n++] = "-o";
		l->ssh[n++] = o->ssh_options[i];
	}
	l->n_ssh = n;
	l->rsh[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		len = strlen(l->rsh);
		snprintf(l->rsh + len, sizeof(l->rsh) - len, "%s%s", i ? " " : "", l->ssh[i]);
	}
}

/* Prints what a peer-side command said, each line under the peer's name. */
static void relay(const char *who, const struct havz_run_result *res)
{
	const char *p = res->output;

	while (*p) {
		size_t n = strcspn(p, "\n");

		qb_log(LOG_NOTICE, "%s: %.*s", who, (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (res->truncated)
		qb_log(LOG_NOTICE, "%s: (output cut)", who);
}

static int run_peer(const char *const argv[], struct havz_run_result *res)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	char line[1024];
	int rc;

	ro.timeout_ms = SSH_TIMEOUT_MS;
	ro.capture = true;
	havz_run_format_argv(argv, line, sizeof(line));
	qb_log(LOG_DEBUG, "sync: running %s", line);
	rc = havz_run(argv, &ro, res);
	if (rc)
		qb_log(LOG_ERR, "sync: %s: %s", argv[0],
		       rc == -ETIMEDOUT ? "timed out" : strerror(-rc));
	return rc;
}

static void explain_ssh_failure(const struct peer_link *l, const struct havz_run_result *res)
{
	relay("ssh", res);
	qb_log(LOG_ERR,
	       "sync: cannot log in to %s as %s with ssh (exit status %d). sync uses root's "
	       "own ssh keys without asking for a password: on this node, as root, run "
	       "'ssh-copy-id %s' and then 'ssh %s true' once to check the login and accept %s's "
	       "host key",
	       l->name, l->login, res->status, l->login, l->login, l->name);
}

/* Runs `ha-vz WORDS...` on the peer: only fixed words and checked hex reach its shell. */
static int ssh_peer(const struct peer_link *l, const char *const words[],
		    struct havz_run_result *res)
{
	const char *argv[ARGV_MAX + 8];
	size_t n = 0;

	for (size_t i = 0; i < l->n_ssh; i++)
		argv[n++] = l->ssh[i];
	argv[n++] = "--";
	argv[n++] = l->login;
	for (size_t i = 0; words[i] && n < ARGV_MAX + 7; i++)
		argv[n++] = words[i];
	argv[n] = NULL;
	return run_peer(argv, res);
}

static int check_login(const struct peer_link *l, struct havz_run_result *res)
{
	static const char *const words[] = { "ha-vz", "--version", NULL };

	qb_log(LOG_NOTICE, "sync: logging in to %s as %s", l->name, l->login);
	if (ssh_peer(l, words, res))
		return -EIO;
	if (res->status == 255) {
		explain_ssh_failure(l, res);
		return -EIO;
	}
	if (res->status) {
		relay(l->name, res);
		qb_log(LOG_ERR, "sync: %s: 'ha-vz --version' exited with status %d%s", l->name,
		       res->status, res->status == 127 ? ": is ha-vz installed there?" : "");
		return -EIO;
	}
	relay(l->name, res);
	return 0;
}

/* rsync with the peer; args are its own options and paths after "-e SSH". */
static int rsync_peer(const struct peer_link *l, const char *const args[],
		      struct havz_run_result *res)
{
	const char *argv[16];
	size_t n = 0;

	argv[n++] = "rsync";
	argv[n++] = "-e";
	argv[n++] = l->rsh;
	for (size_t i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (run_peer(argv, res))
		return -EIO;
	if (res->status) {
		relay("rsync", res);
		if (res->status == 255 || strstr(res->output, "ssh:"))
			explain_ssh_failure(l, res);
		else
			qb_log(LOG_ERR, "sync: rsync with %s exited with status %d", l->name,
			       res->status);
		return -EIO;
	}
	return 0;
}

/*
 * One rsync for every file and record, each kept at its path below tmp (--relative from "/."):
 * --ignore-missing-args skips an absent file, even in a directory that does not exist.
 */
static int fetch(const struct peer_link *l, struct sync_file *files, size_t n_files,
		 const char *tmp, struct havz_run_result *res)
{
	char src[4][HAVZ_PATH_MAX + HAVZ_ADDR_MAX + 16], dst[PATH_MAX];
	const char *args[12];
	size_t a = 0;

	args[a++] = "-q";
	args[a++] = "--relative";
	args[a++] = "--ignore-missing-args";
	args[a++] = "--";
	for (size_t i = 0; i < n_files; i++) {
		struct sync_file *f = &files[i];

		qb_log(LOG_NOTICE, "sync: fetching %s's %s (%s)", l->name, f->label, l->address);
		snprintf(src[2 * i], sizeof(src[0]), "%s:/.%s", l->remote, f->remote_path);
		snprintf(src[2 * i + 1], sizeof(src[0]), "%s:/.%s", l->remote, f->record_path);
		args[a++] = src[2 * i];
		args[a++] = src[2 * i + 1];
		snprintf(f->fetched, sizeof(f->fetched), "%s%s", tmp, f->remote_path);
		snprintf(f->fetched_record, sizeof(f->fetched_record), "%s%s", tmp, f->record_path);
	}
	snprintf(dst, sizeof(dst), "%s/", tmp);
	args[a++] = dst;
	args[a] = NULL;
	return rsync_peer(l, args, res);
}

/* The hashes of what was fetched, and the verdict on each file. */
static int judge(const struct peer_link *l, struct sync_file *f, bool force)
{
	int rc;

	rc = havz_file_sha256_hex(f->fetched, SYNC_FILE_MAX, f->peer);
	f->has_peer = !rc;
	if (rc && rc != -ENOENT) {
		qb_log(LOG_ERR, "sync: %s's %s (fetched as %s): %s", l->name, f->remote_path,
		       f->fetched, strerror(-rc));
		return rc;
	}
	if (sync_record_read(f->fetched_record, f->peer_record, &f->has_peer_record)) {
		qb_log(LOG_ERR, "sync: (that is %s's %s)", l->name, f->record_path);
		return -EINVAL;
	}
	f->state = (struct havz_sync_state){
		.local = f->local,
		.peer = f->has_peer ? f->peer : NULL,
		.peer_record = f->has_peer_record ? f->peer_record : NULL,
		.local_record = f->has_local_record ? f->local_record : NULL,
		.force = force,
	};
	f->verdict = havz_sync_decide(&f->state);
	return 0;
}

static void show_difference(const struct peer_link *l, const char *self, const struct sync_file *f)
{
	struct havz_buf old = { 0 }, new = { 0 }, diff = { 0 };
	char old_label[HAVZ_PATH_MAX + HAVZ_NAME_MAX + 8], new_label[PATH_MAX + HAVZ_NAME_MAX + 8];

	if (f->secret) {
		/* Never its contents, not even as a diff. */
		printf("%s (%s): %s\n", f->label, f->remote_path,
		       !f->has_peer		   ? "absent on the peer, would be sent"
		       : strcmp(f->peer, f->local) ? "differs between the nodes"
						   : "equal on both nodes");
		return;
	}
	if (f->has_peer && !strcmp(f->peer, f->local))
		return;
	if ((f->has_peer && havz_file_read(f->fetched, SYNC_FILE_MAX - 1, &old)) ||
	    havz_file_read(f->local_path, SYNC_FILE_MAX - 1, &new)) {
		qb_log(LOG_WARNING, "sync: cannot read the files to compare them");
	} else {
		snprintf(old_label, sizeof(old_label), "%s:%s", l->name, f->remote_path);
		snprintf(new_label, sizeof(new_label), "%s:%s", self, f->local_path);
		if (havz_diff(f->has_peer ? old_label : "/dev/null", f->has_peer ? old.data : "",
			      new_label, new.data, &diff) > 0)
			fputs(diff.data, stdout);
	}
	fflush(stdout);
	havz_buf_free(&old);
	havz_buf_free(&new);
	havz_buf_free(&diff);
}

static int send_file(const struct peer_link *l, const struct sync_file *f,
		     struct havz_run_result *res)
{
	char dst[HAVZ_PATH_MAX + HAVZ_ADDR_MAX + 32];
	const char *args[12];
	size_t a = 0;

	qb_log(LOG_NOTICE, "sync: sending %s to %s:%s", f->label, l->name, f->staged_path);
	snprintf(dst, sizeof(dst), "%s:%s", l->remote, f->staged_path);
	args[a++] = "-q";
	args[a++] = "--ignore-times"; /* a stale staged copy of the same size is no copy */
	args[a++] = "--mkpath";
	args[a++] = "--perms";
	if (f->secret)
		args[a++] = "--chmod=F600";
	args[a++] = "--";
	args[a++] = f->local_path;
	args[a++] = dst;
	args[a] = NULL;
	return rsync_peer(l, args, res);
}

static int install_on_peer(const struct peer_link *l, const struct sync_file *conf,
			   const struct sync_file *key, struct havz_run_result *res)
{
	const char *words[] = { "ha-vz",	"sync", "--receive", conf->local,
				"--key-sha256", NULL,	NULL };

	if (key)
		words[5] = key->local;
	else
		words[4] = NULL;
	qb_log(LOG_NOTICE, "sync: %s checks, installs and renders what it got", l->name);
	if (ssh_peer(l, words, res))
		return HAVZ_EXIT_FAIL;
	relay(l->name, res);
	if (res->status == 255) {
		explain_ssh_failure(l, res);
		return HAVZ_EXIT_FAIL;
	}
	if (res->status == HAVZ_EXIT_CONFIG) {
		qb_log(LOG_ERR, "sync: %s refused the configuration; its own is unchanged",
		       l->name);
		return HAVZ_EXIT_CONFIG;
	}
	if (res->status == HAVZ_EXIT_REFUSED) {
		qb_log(LOG_ERR, "sync: %s refused: its files are unchanged", l->name);
		return HAVZ_EXIT_REFUSED;
	}
	if (res->status) {
		qb_log(LOG_ERR, "sync: 'ha-vz sync --receive' on %s exited with status %d", l->name,
		       res->status);
		return HAVZ_EXIT_FAIL;
	}
	return HAVZ_EXIT_OK;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((type == FTW_DP ? rmdir(path) : unlink(path)) && errno != ENOENT)
		qb_log(LOG_WARNING, "sync: cannot remove %s: %s", path, strerror(errno));
	return 0;
}

/* The fetched copies (the peer's key among them) are removed however sync ends. */
static void remove_tmp(const char *tmp)
{
	nftw(tmp, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static int prepare_file(struct sync_file *f)
{
	int rc = havz_file_sha256_hex(f->local_path, SYNC_FILE_MAX, f->local);

	if (rc) {
		qb_log(LOG_ERR, "sync: %s: %s", f->local_path, strerror(-rc));
		return rc;
	}
	if (sync_staged_path(f->remote_path, f->staged_path, sizeof(f->staged_path)))
		return -EINVAL;
	return sync_record_read(f->record_path, f->local_record, &f->has_local_record);
}

static int sync_to_peer(const struct sync_opts *o, const struct havz_config *cfg,
			const struct havz_node *self, const struct havz_node *peer)
{
	struct sync_file files[2] = { 0 };
	struct havz_run_result *res;
	struct peer_link *l;
	enum havz_sync_verdict verdict = HAVZ_SYNC_SAME;
	char tmp[] = "/tmp/ha-vz-sync.XXXXXX", line[1024];
	size_t n_files = 1;
	int rc = HAVZ_EXIT_FAIL;

	files[0].label = "ha-vz.conf";
	files[0].local_path = o->config;
	snprintf(files[0].remote_path, sizeof(files[0].remote_path), "%s", HAVZ_DEFAULT_CONFIG);
	files[0].record_path = SYNC_CONF_RECORD;
	if (o->key) {
		files[1].label = "cluster key";
		files[1].local_path = cfg->auth_key_file;
		snprintf(files[1].remote_path, sizeof(files[1].remote_path), "%s",
			 cfg->auth_key_file);
		files[1].record_path = SYNC_KEY_RECORD;
		files[1].secret = true;
		n_files = 2;
		if (!sync_path_plain(cfg->auth_key_file)) {
			qb_log(LOG_ERR,
			       "sync: --key: auth_key_file %s: only letters, digits and '/._-' can "
			       "be sent to the peer",
			       cfg->auth_key_file);
			return HAVZ_EXIT_CONFIG;
		}
		if (sync_check_secret("sync: --key", cfg->auth_key_file))
			return HAVZ_EXIT_CONFIG;
	}
	for (size_t i = 0; i < n_files; i++)
		if (prepare_file(&files[i]))
			return HAVZ_EXIT_FAIL;

	res = calloc(1, sizeof(*res));
	l = calloc(1, sizeof(*l));
	if (!res || !l || !mkdtemp(tmp)) {
		qb_log(LOG_ERR, "sync: cannot make a private temporary directory: %s",
		       strerror(errno));
		free(res);
		free(l);
		return HAVZ_EXIT_FAIL;
	}
	link_init(l, o, peer->name, o->peer_address ? o->peer_address : peer->management);
	if (check_login(l, res) || fetch(l, files, n_files, tmp, res))
		goto out;
	for (size_t i = 0; i < n_files; i++) {
		if (judge(l, &files[i], o->force))
			goto out;
		havz_sync_explain(files[i].verdict, &files[i].state, files[i].label, l->name, line,
				  sizeof(line));
		qb_log(havz_sync_refused(files[i].verdict) ? LOG_ERR : LOG_NOTICE, "sync: %s",
		       line);
		verdict = havz_sync_combine(verdict, files[i].verdict);
	}
	for (size_t i = 0; i < n_files; i++)
		show_difference(l, self->name, &files[i]);
	if (havz_sync_refused(verdict)) {
		qb_log(LOG_ERR, "sync: refused: nothing was sent to %s", l->name);
		rc = HAVZ_EXIT_REFUSED;
		goto out;
	}
	if (!havz_sync_sends(verdict)) {
		qb_log(LOG_NOTICE, "sync: %s already has this configuration: nothing to send",
		       l->name);
		rc = HAVZ_EXIT_OK;
		goto out;
	}
	if (o->dry_run) {
		qb_log(LOG_NOTICE,
		       "sync --dry-run: would send %s to %s, have it checked and installed there, "
		       "record its hash on both nodes and render on both; nothing was changed",
		       n_files == 2 ? "ha-vz.conf and the cluster key" : "ha-vz.conf", l->name);
		rc = HAVZ_EXIT_OK;
		goto out;
	}
	for (size_t i = n_files; i-- > 0;)
		if (send_file(l, &files[i], res))
			goto out;
	rc = install_on_peer(l, &files[0], n_files == 2 ? &files[1] : NULL, res);
	if (rc)
		goto out;
	rc = HAVZ_EXIT_FAIL;
	/* Recorded before rendering here: the peer holds it now, whatever the render does. */
	for (size_t i = 0; i < n_files; i++)
		if (sync_record_write(files[i].record_path, files[i].local))
			goto out;
	qb_log(LOG_NOTICE, "sync: rendering on %s", self->name);
	rc = cli_render(o->config, "/", false);
	if (!rc)
		qb_log(LOG_NOTICE, "sync: %s and %s have ha-vz.conf %s", self->name, l->name,
		       files[0].local);
out:
	remove_tmp(tmp);
	free(res);
	free(l);
	return rc;
}

static int parse_hex_arg(const char *opt, const char *value)
{
	if (!havz_sha256_hex_valid(value)) {
		qb_log(LOG_ERR, "sync: %s '%s': not %d lowercase hex digits", opt, value,
		       HAVZ_SHA256_HEX);
		return -EINVAL;
	}
	return 0;
}

int cmd_sync(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "key", no_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "peer-address", required_argument, NULL, 'a' },
		{ "ssh-port", required_argument, NULL, 'p' },
		{ "ssh-option", required_argument, NULL, 'o' },
		{ "receive", required_argument, NULL, 'R' },
		{ "key-sha256", required_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sync_opts o = { .config = HAVZ_DEFAULT_CONFIG };
	const char *receive = NULL, *key_sha = NULL;
	const struct havz_node *self, *peer;
	unsigned long long port;
	struct havz_config cfg;
	struct utsname uts;
	bool other = false;
	int opt, rc, lock;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:n:kdfa:p:o:h", opts, NULL)) != -1) {
		other |= opt != 'R' && opt != 'K';
		switch (opt) {
		case 'c': o.config = optarg; break;
		case 'n': o.node = optarg; break;
		case 'k': o.key = true; break;
		case 'd': o.dry_run = true; break;
		case 'f': o.force = true; break;
		case 'a':
			if (havz_check_address(optarg)) {
				qb_log(LOG_ERR,
				       "sync: --peer-address '%s': not an IPv4 or IPv6 address",
				       optarg);
				return HAVZ_EXIT_USAGE;
			}
			o.peer_address = optarg;
			break;
		case 'p':
			if (havz_parse_uint(optarg, 1, 65535, &port)) {
				qb_log(LOG_ERR, "sync: --ssh-port '%s': not a port (1 to 65535)",
				       optarg);
				return HAVZ_EXIT_USAGE;
			}
			snprintf(o.ssh_port, sizeof(o.ssh_port), "%llu", port);
			break;
		case 'o':
			if (!ssh_option_ok(optarg) || o.n_ssh_options == SSH_OPTIONS_MAX) {
				qb_log(LOG_ERR,
				       "sync: --ssh-option '%s': one ssh option as KEY=VALUE, "
				       "without "
				       "spaces or quotes (at most %d of them)",
				       optarg, SSH_OPTIONS_MAX);
				return HAVZ_EXIT_USAGE;
			}
			o.ssh_options[o.n_ssh_options++] = optarg;
			break;
		case 'R': receive = optarg; break;
		case 'K': key_sha = optarg; break;
		case 'h': usage_sync(); return HAVZ_EXIT_OK;
		default: usage_sync(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		qb_log(LOG_ERR, "sync: unexpected argument '%s'", argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	if (receive || key_sha) {
		if (!receive || other) {
			qb_log(LOG_ERR,
			       "sync: --key-sha256 goes only with --receive, and --receive "
			       "with no other option");
			return HAVZ_EXIT_USAGE;
		}
		if (parse_hex_arg("--receive", receive) ||
		    (key_sha && parse_hex_arg("--key-sha256", key_sha)))
			return HAVZ_EXIT_USAGE;
		return sync_receive(receive, key_sha);
	}
	if (!o.node) {
		if (uname(&uts))
			return HAVZ_EXIT_FAIL;
		uts.nodename[strcspn(uts.nodename, ".")] = '\0';
		o.node = uts.nodename;
	}
	if (cli_load_config(o.config, &cfg))
		return HAVZ_EXIT_CONFIG;
	self = havz_config_node(&cfg, o.node);
	if (!self) {
		qb_log(LOG_ERR, "sync: this node '%s' is not in %s (use -n NAME)", o.node,
		       o.config);
		havz_config_free(&cfg);
		return HAVZ_EXIT_USAGE;
	}
	peer = havz_config_peer(&cfg, self);
	lock = sync_lock_take();
	if (lock < 0) {
		havz_config_free(&cfg);
		return lock == -EBUSY ? HAVZ_EXIT_REFUSED : HAVZ_EXIT_FAIL;
	}
	rc = sync_to_peer(&o, &cfg, self, peer);
	close(lock);
	havz_config_free(&cfg);
	return rc;
}
