// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz split-brain resolve CT --keep PEER, run on the node whose side is given up. After a
 * split brain DRBD keeps both sides (StandAlone); nothing is discarded until the admin says
 * which side to keep, and even then this node's side is first saved: the files that differ
 * from the kept side (rsync's dry run against the peer's mounted volume) go into a tarball
 * under SPLIT_BRAIN_DIR. Only then is this side demoted and reconnected with
 * --discard-my-data, and the peer reconnected; DRBD resyncs this node from the peer.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/peer_ssh.h"
#include "cli/sync_files.h"
#include "common/container.h"
#include "common/log.h"
#include "common/pidlock.h"
#include "common/run.h"
#include "common/swstate.h"
#include "havz/buf.h"
#include "havz/config.h"
#include "havz/files.h"

#define SPLIT_BRAIN_DIR HAVZ_STATE_DIR "/split-brain"
#define SPLIT_BRAIN_LOCK HAVZ_RUN_DIR "/split-brain.lock"
#define SPLIT_BRAIN_MNT HAVZ_RUN_DIR "/split-brain"
#define CONNECT_WAIT_S 60
#define TAR_TIMEOUT_MS (30 * 60 * 1000)

struct resolve {
	const struct havz_container *ct;
	const struct havz_node *self, *peer;
	char res[HAVZ_NAME_MAX + 8];	    /* ct-NAME */
	char dev[32];			    /* /dev/drbdMINOR */
	char mnt[HAVZ_PATH_MAX + 32];	    /* where this side is read from */
	char list[PATH_MAX], out[PATH_MAX]; /* the difference list; the tarball */
	bool mounted_here;		    /* mounted by this command */
	bool fencing_off;		    /* disk-options --fencing=dont-care given here */
	bool dry_run;
	struct peer_link link;
	struct havz_run_result run;
};

void usage_split_brain(void)
{
	printf("Usage: ha-vz split-brain resolve CONTAINER --keep NODE [--dry-run] [-c FILE]\n"
	       "                  [-n NODE] [--peer-address ADDR] [--ssh-port N]\n"
	       "                  [--ssh-option OPT]...\n\n"
	       "After a DRBD split brain (both nodes wrote while apart; DRBD disconnected and\n"
	       "kept both sides, StandAlone, and the split-brain alert fired), keeps NODE's\n"
	       "side of CONTAINER's volume and gives up this node's. Run it on the node whose\n"
	       "side goes; NODE, the peer, must hold the volume (Primary, mounted). First the\n"
	       "files of this side that differ from NODE's (rsync over ssh, dry run) are saved\n"
	       "in %s/CONTAINER-TIME-THISNODE.tar.gz (mode 600); then\n"
	       "this side is demoted and reconnected with 'drbdadm connect --discard-my-data',\n"
	       "the peer reconnected, and DRBD resyncs this node from NODE. The container must\n"
	       "not run on this node.\n\n"
	       "  --keep NODE              the node whose side is kept (the peer)\n"
	       "  -d, --dry-run            list what differs and what would be done; change\n"
	       "                           nothing\n"
	       "  -c, --config FILE        configuration file (default %s)\n"
	       "  -n, --node NAME          this node (default: uname -n)\n" PEER_SSH_USAGE
	       "  -h, --help               this text\n\n"
	       "Exit status: 0 saved and reconnected (or --dry-run done), 1 a step failed\n"
	       "(nothing is discarded before the save succeeded), 2 usage error, 3 the\n"
	       "configuration has errors, 5 refused: no split brain here, the container runs\n"
	       "here, NODE does not hold the volume, or another resolve runs (%s).\n",
	       SPLIT_BRAIN_DIR, HAVZ_DEFAULT_CONFIG, SPLIT_BRAIN_LOCK);
}

/* Runs a local command; its first output line into r->run.output. 0 when it exited 0, else
 * -errno with the failure logged. */
static int run_local(struct resolve *r, const char *const argv[], unsigned timeout_ms)
{
	int rc = havz_run_logged("split-brain", argv, timeout_ms, &r->run);

	if (rc)
		return rc;
	if (r->run.status == 0) {
		r->run.output[strcspn(r->run.output, "\n")] = '\0';
		return 0;
	}
	char line[1024];

	havz_run_format_argv(argv, line, sizeof(line));
	peer_relay(argv[0], &r->run);
	qb_log(LOG_ERR, "split-brain: %s exited with status %d", line, r->run.status);
	return -EIO;
}

/* drbdadm WHAT RES here: its first line into r->run.output. */
static int drbd_query(struct resolve *r, const char *what)
{
	const char *argv[] = { "drbdadm", what, r->res, NULL };

	return run_local(r, argv, 30000);
}

/* Runs WORDS on the peer; 0 when it exited 0, its first line in r->run.output. */
static int on_peer(struct resolve *r, const char *const words[], bool quiet)
{
	if (peer_ssh(&r->link, words, &r->run))
		return -EIO;
	if (r->run.status == 255) {
		peer_explain_ssh_failure(&r->link, &r->run);
		return -EIO;
	}
	if (r->run.status) {
		if (!quiet)
			peer_relay(r->link.name, &r->run);
		return -EIO;
	}
	r->run.output[strcspn(r->run.output, "\n")] = '\0';
	return 0;
}

/* Refusals before anything is changed: exit 5 with the reason, or 0. */
static int preconditions(struct resolve *r)
{
	const char *role[] = { "drbdadm", "role", r->res, NULL };
	const char *mounted[] = { "mountpoint", "-q", r->ct->mount, NULL };
	enum havz_ct_state st;

	if (drbd_query(r, "cstate"))
		return HAVZ_EXIT_FAIL;
	if (strcmp(r->run.output, "StandAlone")) {
		qb_log(LOG_ERR,
		       "split-brain: refused: %s is %s on %s, not StandAlone: DRBD keeps both "
		       "sides of a split brain only while StandAlone; nothing to resolve here",
		       r->res, r->run.output, r->self->name);
		return HAVZ_EXIT_REFUSED;
	}
	st = havz_ct_state(r->ct);
	if (st != HAVZ_CT_ABSENT && st != HAVZ_CT_STOPPED) {
		qb_log(LOG_ERR,
		       "split-brain: refused: %s is %s on %s, the side to give up: stop it here "
		       "first (its writes since the split are saved by this command once it is "
		       "stopped)",
		       r->ct->name, havz_ct_state_name(st), r->self->name);
		return HAVZ_EXIT_REFUSED;
	}
	if (peer_check_login(&r->link, &r->run))
		return HAVZ_EXIT_FAIL;
	if (on_peer(r, role, false))
		return HAVZ_EXIT_FAIL;
	if (strncmp(r->run.output, "Primary/", 8)) {
		qb_log(LOG_ERR,
		       "split-brain: refused: %s is %s on %s: the side to keep must be Primary "
		       "there, with %s mounted (promote it and mount it first)",
		       r->res, r->run.output, r->peer->name, r->ct->mount);
		return HAVZ_EXIT_REFUSED;
	}
	if (on_peer(r, mounted, true)) {
		qb_log(LOG_ERR,
		       "split-brain: refused: %s is not mounted on %s: the side to keep must be "
		       "mounted there to compare this side with it",
		       r->ct->mount, r->peer->name);
		return HAVZ_EXIT_REFUSED;
	}
	return HAVZ_EXIT_OK;
}

/* Makes this side readable: Primary (fencing off for that, as DRBD would refuse while the
 * peer is Primary), and mounted read-only unless it is mounted already. */
static int open_this_side(struct resolve *r)
{
	const char *fencing_off[] = { "drbdsetup", "disk-options", r->dev, "--fencing=dont-care",
				      NULL };
	const char *primary[] = { "drbdadm", "primary", r->res, NULL };
	const char *mount_ro[] = { "mount", "-o", "ro", r->dev, r->mnt, NULL };

	if (drbd_query(r, "role"))
		return -EIO;
	if (strncmp(r->run.output, "Primary/", 8)) {
		qb_log(LOG_NOTICE, "split-brain: promoting %s here to read this side (read-only)",
		       r->res);
		if (run_local(r, fencing_off, 30000))
			return -EIO;
		r->fencing_off = true;
		if (run_local(r, primary, 30000))
			return -EIO;
	}
	if (havz_ct_mount_check(r->ct) == 0) {
		snprintf(r->mnt, sizeof(r->mnt), "%s", r->ct->mount);
		return 0;
	}
	snprintf(r->mnt, sizeof(r->mnt), "%s/%s", SPLIT_BRAIN_MNT, r->ct->name);
	if (havz_mkdir_parents(r->mnt, 0700)) {
		qb_log(LOG_ERR, "split-brain: cannot make %s: %s", r->mnt, strerror(errno));
		return -errno;
	}
	if (run_local(r, mount_ro, 120000))
		return -EIO;
	r->mounted_here = true;
	return 0;
}

static void close_this_side(struct resolve *r)
{
	const char *umount[] = { "umount", r->mnt, NULL };

	if (r->mounted_here && !run_local(r, umount, 120000)) {
		r->mounted_here = false;
		rmdir(r->mnt);
	}
}

/* The entries of this side that rsync would send to the peer's volume: new or changed
 * here. A list file of one path per line, under SPLIT_BRAIN_DIR; the number of entries. */
static int list_difference(struct resolve *r, size_t *n)
{
	struct havz_run_opts ro = HAVZ_RUN_OPTS_DEFAULT;
	char src[HAVZ_PATH_MAX + 40], dst[HAVZ_ADDR_MAX + HAVZ_PATH_MAX + 16];
	const char *argv[] = { "rsync",		  "-e", r->link.rsh, "-a", "--dry-run",
			       "--out-format=%n", src,	dst,	     NULL };
	struct havz_buf text = { 0 };
	int fd, rc;

	if (!sync_path_plain(r->ct->mount)) {
		qb_log(LOG_ERR,
		       "split-brain: mount %s: only letters, digits and '/._-' can be "
		       "named to the peer",
		       r->ct->mount);
		return -EINVAL;
	}
	snprintf(src, sizeof(src), "%s/", r->mnt);
	snprintf(dst, sizeof(dst), "%s:%s/", r->link.remote, r->ct->mount);
	fd = open(r->list, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		qb_log(LOG_ERR, "split-brain: %s: %s", r->list, strerror(errno));
		return -errno;
	}
	close(fd);
	qb_log(LOG_NOTICE, "split-brain: comparing this side of %s with %s's (rsync --dry-run)",
	       r->ct->name, r->peer->name);
	ro.timeout_ms = TAR_TIMEOUT_MS;
	ro.output_file = r->list;
	rc = havz_run(argv, &ro, &r->run);
	if (rc || r->run.status) {
		qb_log(LOG_ERR, "split-brain: rsync --dry-run against %s:%s %s (its output: %s)",
		       r->peer->name, r->ct->mount, rc ? strerror(-rc) : "failed", r->list);
		return -EIO;
	}
	rc = havz_file_read(r->list, 64 << 20, &text);
	if (rc) {
		qb_log(LOG_ERR, "split-brain: %s: %s", r->list, strerror(-rc));
		return rc;
	}
	*n = 0;
	for (size_t i = 0; i < text.len; i++)
		*n += text.data[i] == '\n';
	havz_buf_free(&text);
	return 0;
}

/* tar of the listed entries of this side (no recursion: the list names each one). */
static int save_difference(struct resolve *r)
{
	const char *tar[] = { "tar",  "-C",   r->mnt, "--no-recursion", "--verbatim-files-from",
			      "-czf", r->out, "-T",   r->list,		NULL };
	struct stat st;

	if (run_local(r, tar, TAR_TIMEOUT_MS)) {
		unlink(r->out);
		qb_log(LOG_ERR, "split-brain: could not save this side: nothing was discarded");
		return -EIO;
	}
	if (chmod(r->out, 0600) || stat(r->out, &st)) {
		qb_log(LOG_ERR, "split-brain: %s: %s", r->out, strerror(errno));
		return -errno;
	}
	qb_log(LOG_NOTICE, "split-brain: saved this side's differing files in %s (%lld bytes)",
	       r->out, (long long)st.st_size);
	return 0;
}

/* Waits until DRBD here is connected again (resyncing or done). */
static int wait_connected(struct resolve *r)
{
	for (int i = 0; i < CONNECT_WAIT_S * 2; i++) {
		if (drbd_query(r, "cstate"))
			return -EIO;
		if (!strcmp(r->run.output, "Connected") || !strncmp(r->run.output, "Sync", 4) ||
		    !strncmp(r->run.output, "PausedSync", 10))
			return 0;
		usleep(500000);
	}
	qb_log(LOG_ERR, "split-brain: %s still %s after %d s: see 'drbdadm cstate %s' on both",
	       r->res, r->run.output, CONNECT_WAIT_S, r->res);
	return -ETIMEDOUT;
}

/* This side goes: Secondary, reconnected discarding its data; the peer reconnected. */
static int reconnect(struct resolve *r)
{
	const char *secondary[] = { "drbdadm", "secondary", r->res, NULL };
	const char *discard[] = { "drbdadm", "connect", "--discard-my-data", r->res, NULL };
	const char *adjust[] = { "drbdadm", "adjust", r->res, NULL };
	const char *peer_cstate[] = { "drbdadm", "cstate", r->res, NULL };
	const char *peer_connect[] = { "drbdadm", "connect", r->res, NULL };

	if (run_local(r, secondary, 60000) || run_local(r, discard, 60000))
		return -EIO;
	qb_log(LOG_NOTICE, "split-brain: %s here reconnects with --discard-my-data", r->res);
	if (on_peer(r, peer_cstate, false))
		return -EIO;
	if (!strcmp(r->run.output, "StandAlone")) {
		qb_log(LOG_NOTICE, "split-brain: reconnecting %s on %s", r->res, r->peer->name);
		if (on_peer(r, peer_connect, false))
			return -EIO;
	}
	if (wait_connected(r))
		return -EIO;
	/* The configured fencing back (drbdadm adjust applies the rendered disk options). */
	if (r->fencing_off && run_local(r, adjust, 60000))
		qb_log(LOG_WARNING, "split-brain: run 'drbdadm adjust %s' to restore its fencing",
		       r->res);
	return 0;
}

static int resolve(struct resolve *r)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t n = 0;
	int rc, lock;
	pid_t holder;

	lock = havz_pidlock_take(SPLIT_BRAIN_LOCK, &holder);
	if (lock < 0) {
		qb_log(LOG_ERR, "split-brain: refused: %s (pid %d, lock %s)",
		       lock == -EBUSY ? "another resolve runs on this node"
				      : "cannot take the lock",
		       (int)holder, SPLIT_BRAIN_LOCK);
		return lock == -EBUSY ? HAVZ_EXIT_REFUSED : HAVZ_EXIT_FAIL;
	}
	rc = preconditions(r);
	if (rc)
		goto out;
	rc = HAVZ_EXIT_FAIL;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	if (havz_mkdir_parents(SPLIT_BRAIN_DIR, 0700)) {
		qb_log(LOG_ERR, "split-brain: cannot make %s: %s", SPLIT_BRAIN_DIR,
		       strerror(errno));
		goto out;
	}
	snprintf(r->list, sizeof(r->list), "%s/%s-%s-%s.list", SPLIT_BRAIN_DIR, r->ct->name, stamp,
		 r->self->name);
	snprintf(r->out, sizeof(r->out), "%s/%s-%s-%s.tar.gz", SPLIT_BRAIN_DIR, r->ct->name, stamp,
		 r->self->name);
	if (open_this_side(r) || list_difference(r, &n))
		goto out;
	qb_log(LOG_NOTICE, "split-brain: %zu entr%s of %s's side differ from %s's (list: %s)", n,
	       n == 1 ? "y" : "ies", r->self->name, r->peer->name, r->list);
	if (r->dry_run) {
		qb_log(LOG_NOTICE,
		       "split-brain --dry-run: would save them in %s, then reconnect %s here "
		       "with --discard-my-data and resync it from %s; nothing was changed",
		       r->out, r->res, r->peer->name);
		rc = HAVZ_EXIT_OK;
		goto out;
	}
	if (save_difference(r))
		goto out;
	close_this_side(r);
	if (r->mounted_here) {
		qb_log(LOG_ERR, "split-brain: %s is still mounted: nothing was discarded", r->mnt);
		goto out;
	}
	if (reconnect(r))
		goto out;
	qb_log(LOG_NOTICE,
	       "split-brain: %s: %s's side kept; %s's given up and saved in %s; %s resyncs "
	       "from %s",
	       r->ct->name, r->peer->name, r->self->name, r->out, r->self->name, r->peer->name);
	rc = HAVZ_EXIT_OK;
out:
	close_this_side(r);
	close(lock);
	return rc;
}

int cmd_split_brain(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "keep", required_argument, NULL, 'k' },
		{ "dry-run", no_argument, NULL, 'd' },
		{ "config", required_argument, NULL, 'c' },
		{ "node", required_argument, NULL, 'n' },
		{ "peer-address", required_argument, NULL, 'a' },
		{ "ssh-port", required_argument, NULL, 'p' },
		{ "ssh-option", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = HAVZ_DEFAULT_CONFIG, *node = NULL, *keep = NULL;
	struct peer_ssh_opts po = { 0 };
	struct havz_config cfg;
	struct resolve *r;
	struct utsname uts;
	bool dry_run = false;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "dc:n:a:p:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'k': keep = optarg; break;
		case 'd': dry_run = true; break;
		case 'c': config = optarg; break;
		case 'n': node = optarg; break;
		case 'a':
		case 'p':
		case 'o':
			if (peer_ssh_option(&po, "split-brain", opt, optarg))
				return HAVZ_EXIT_USAGE;
			break;
		case 'h': usage_split_brain(); return HAVZ_EXIT_OK;
		default: usage_split_brain(); return HAVZ_EXIT_USAGE;
		}
	}
	if (argc - optind != 2 || strcmp(argv[optind], "resolve")) {
		qb_log(LOG_ERR, "split-brain: expected 'resolve CONTAINER --keep NODE'");
		return HAVZ_EXIT_USAGE;
	}
	if (!keep) {
		qb_log(LOG_ERR, "split-brain resolve: --keep NODE is required: the node whose side "
				"is kept (this node's is given up)");
		return HAVZ_EXIT_USAGE;
	}
	if (!node) {
		if (uname(&uts))
			return HAVZ_EXIT_FAIL;
		uts.nodename[strcspn(uts.nodename, ".")] = '\0';
		node = uts.nodename;
	}
	if (cli_load_config(config, &cfg))
		return HAVZ_EXIT_CONFIG;
	rc = HAVZ_EXIT_USAGE;
	r = calloc(1, sizeof(*r));
	if (!r) {
		rc = HAVZ_EXIT_FAIL;
		goto out;
	}
	r->dry_run = dry_run;
	r->self = havz_config_node(&cfg, node);
	r->ct = havz_config_container(&cfg, argv[optind + 1]);
	if (!r->self) {
		qb_log(LOG_ERR, "split-brain: this node '%s' is not in %s (use -n NAME)", node,
		       config);
		goto out;
	}
	if (!r->ct) {
		qb_log(LOG_ERR, "split-brain: no container '%s' in %s", argv[optind + 1], config);
		goto out;
	}
	r->peer = havz_config_peer(&cfg, r->self);
	if (!strcmp(keep, r->self->name)) {
		qb_log(LOG_ERR,
		       "split-brain resolve: --keep %s names this node: run it on %s, the node "
		       "whose side is given up (it saves that side before DRBD discards it)",
		       keep, r->peer->name);
		goto out;
	}
	if (strcmp(keep, r->peer->name)) {
		qb_log(LOG_ERR, "split-brain resolve: --keep '%s': not a node of %s (%s, %s)", keep,
		       config, r->self->name, r->peer->name);
		goto out;
	}
	snprintf(r->res, sizeof(r->res), "ct-%s", r->ct->name);
	snprintf(r->dev, sizeof(r->dev), "/dev/drbd%u", r->ct->minor);
	peer_link_init(&r->link, "split-brain", &po, r->peer);
	rc = resolve(r);
out:
	free(r);
	havz_config_free(&cfg);
	return rc;
}
