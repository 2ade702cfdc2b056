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
#include "cli/peer_ssh.h"
#include "cli/sync_files.h"
#include "common/log.h"
#include "common/run.h"
#include "havz/config.h"
#include "havz/diff.h"
#include "havz/files.h"
#include "havz/parse.h"
#include "havz/sync.h"

struct sync_opts {
	const char *config;
	const char *node;
	struct peer_ssh_opts peer;
	bool key, dry_run, force;
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
	       "sync\n" PEER_SSH_USAGE "  -h, --help               this text\n\n"
	       "The peer runs 'ha-vz sync --receive SHA256 [--key-sha256 SHA256]' (sync does\n"
	       "this over ssh; see ha-vz(8)).\n\n"
	       "Exit status: 0 synced, nothing to send, or --dry-run done, 1 ssh, rsync or a\n"
	       "step on the peer failed, 2 usage error, 3 the configuration has errors (here\n"
	       "or on the peer), 5 refused: the peer's copy changed since the last sync, or\n"
	       "the records disagree (--force overwrites), or another sync runs on this node\n"
	       "or on the peer (%s).\n",
	       SYNC_STATE_DIR, HAVZ_DEFAULT_CONFIG, SYNC_LOCK);
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
	return peer_rsync(l, args, res);
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
	return peer_rsync(l, args, res);
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
	if (peer_ssh(l, words, res))
		return HAVZ_EXIT_FAIL;
	peer_relay(l->name, res);
	if (res->status == 255) {
		peer_explain_ssh_failure(l, res);
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
	peer_link_init(l, "sync", &o->peer, peer);
	if (peer_check_login(l, res) || fetch(l, files, n_files, tmp, res))
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
		case 'p':
		case 'o':
			if (peer_ssh_option(&o.peer, "sync", opt, optarg))
				return HAVZ_EXIT_USAGE;
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
