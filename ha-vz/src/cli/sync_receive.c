// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz sync --receive: the peer's half of ha-vz sync. The sender has copied ha-vz.conf (and
 * the cluster key) to staging names beside the real files; this checks that they are what was
 * sent and that the configuration is valid here, and only then renames them over the real
 * files, records their hashes and renders. On any failure the staged copies are removed and
 * the real files stay as they were.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/commands.h"
#include "cli/sync_files.h"
#include "common/log.h"
#include "havz/config.h"
#include "havz/files.h"

struct staged {
	const char *what;
	char target[HAVZ_PATH_MAX];
	char path[HAVZ_PATH_MAX]; /* target staged: at most HAVZ_PATH_MAX */
	const char *hex;	  /* what the sender sent */
};

static void log_diag(void *ctx, const char *message)
{
	(void)ctx;
	qb_log(LOG_ERR, "%s", message);
}

static void discard(const struct staged *s)
{
	if (unlink(s->path) && errno != ENOENT)
		qb_log(LOG_WARNING, "sync: cannot remove %s: %s", s->path, strerror(errno));
}

/* The staged copy is a root-owned regular file with the content the sender hashed. */
static int check_staged(const struct staged *s)
{
	char hex[HAVZ_SHA256_HEX + 1];
	struct stat st;
	int rc;

	if (lstat(s->path, &st)) {
		rc = -errno;
		qb_log(LOG_ERR, "sync: %s: %s (the sender copies it there first)", s->path,
		       strerror(-rc));
		return rc;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0) {
		qb_log(LOG_ERR, "sync: %s is not a regular file owned by root", s->path);
		return -EINVAL;
	}
	rc = havz_file_sha256_hex(s->path, SYNC_FILE_MAX, hex);
	if (rc) {
		qb_log(LOG_ERR, "sync: %s: %s", s->path, strerror(-rc));
		return rc;
	}
	if (strcmp(hex, s->hex)) {
		qb_log(LOG_ERR,
		       "sync: %s has SHA-256 %s, but the sender sent %s %s: not installing a copy "
		       "that is not what was sent",
		       s->path, hex, s->what, s->hex);
		return -EBADMSG;
	}
	return 0;
}

/*
 * check-config's validation of the staged configuration, in-process. With a staged key, the
 * configuration is checked against that key (the one it will be installed with).
 */
static int validate_staged(const struct staged *conf, const struct staged *key, bool with_key)
{
	struct havz_config cfg;
	struct havz_buf text = { 0 };
	int rc = havz_file_read(conf->path, SYNC_FILE_MAX - 1, &text);

	if (rc) {
		qb_log(LOG_ERR, "sync: %s: %s", conf->path, strerror(-rc));
		return rc;
	}
	if (memchr(text.data, '\0', text.len)) {
		qb_log(LOG_ERR, "%s: contains NUL bytes: not a text file", conf->path);
		havz_buf_free(&text);
		return -EINVAL;
	}
	rc = havz_config_parse(conf->path, text.data, &cfg, log_diag, NULL);
	havz_buf_free(&text);
	if (rc)
		return rc;
	if (with_key) {
		if (strcmp(cfg.auth_key_file, key->target)) {
			qb_log(LOG_ERR,
			       "sync: %s names auth_key_file %s, but the key was staged for %s",
			       conf->path, cfg.auth_key_file, key->target);
			havz_config_free(&cfg);
			return -EINVAL;
		}
		snprintf(cfg.auth_key_file, sizeof(cfg.auth_key_file), "%s", key->path);
	}
	rc = havz_config_validate(&cfg, log_diag, NULL);
	havz_config_free(&cfg);
	return rc;
}

static int install(const struct staged *s)
{
	char dir[HAVZ_PATH_MAX];
	const char *slash = strrchr(s->target, '/');
	int fd, rc = 0;

	if (rename(s->path, s->target)) {
		rc = -errno;
		qb_log(LOG_ERR, "sync: cannot rename %s to %s: %s", s->path, s->target,
		       strerror(-rc));
		return rc;
	}
	/* The rename itself must survive a crash, as the records written next do. */
	snprintf(dir, sizeof(dir), "%.*s", slash == s->target ? 1 : (int)(slash - s->target),
		 s->target);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	qb_log(LOG_NOTICE, "sync: installed %s (SHA-256 %s)", s->target, s->hex);
	return 0;
}

/*
 * Where the staged copies are: conf beside ha-vz.conf; with a key, beside the key file the
 * staged configuration names. Reads only. 0, or an exit status (logged).
 */
static int staged_paths(struct staged *conf, struct staged *key, bool with_key)
{
	struct havz_config cfg;
	struct havz_buf text = { 0 };
	int rc;

	snprintf(conf->target, sizeof(conf->target), "%s", HAVZ_DEFAULT_CONFIG);
	if (sync_staged_path(conf->target, conf->path, sizeof(conf->path)))
		return HAVZ_EXIT_FAIL;
	if (!with_key)
		return HAVZ_EXIT_OK;
	rc = havz_file_read(conf->path, SYNC_FILE_MAX - 1, &text);
	if (!rc && !memchr(text.data, '\0', text.len))
		rc = havz_config_parse(conf->path, text.data, &cfg, log_diag, NULL);
	else if (!rc)
		rc = -EINVAL;
	havz_buf_free(&text);
	if (rc) {
		qb_log(LOG_ERR, "sync: %s: cannot find auth_key_file in it: %s", conf->path,
		       rc == -EINVAL ? "not a valid configuration" : strerror(-rc));
		discard(conf);
		return HAVZ_EXIT_CONFIG;
	}
	snprintf(key->target, sizeof(key->target), "%s", cfg.auth_key_file);
	havz_config_free(&cfg);
	if (!sync_path_plain(key->target) ||
	    sync_staged_path(key->target, key->path, sizeof(key->path))) {
		qb_log(LOG_ERR, "sync: auth_key_file %s: not a plain path", key->target);
		discard(conf);
		return HAVZ_EXIT_CONFIG;
	}
	return HAVZ_EXIT_OK;
}

/* Removes a staged copy only if it holds what this sender sent (another's stays). */
static void discard_if_sent(const struct staged *s)
{
	char hex[HAVZ_SHA256_HEX + 1];
	struct stat st;

	if (!lstat(s->path, &st) && S_ISREG(st.st_mode) &&
	    !havz_file_sha256_hex(s->path, SYNC_FILE_MAX, hex) && !strcmp(hex, s->hex))
		discard(s);
}

static int receive_locked(const struct staged *conf, const struct staged *key, bool with_key)
{
	int rc;

	rc = check_staged(conf);
	if (!rc && with_key) {
		rc = check_staged(key);
		if (!rc && sync_check_secret("sync", key->path))
			rc = -EPERM;
	}
	if (rc) {
		discard(conf);
		if (with_key)
			discard(key);
		return HAVZ_EXIT_FAIL;
	}
	if (validate_staged(conf, key, with_key)) {
		qb_log(LOG_ERR, "sync: the configuration sent has errors: %s left unchanged",
		       conf->target);
		discard(conf);
		if (with_key)
			discard(key);
		return HAVZ_EXIT_CONFIG;
	}
	/* The key first: the configuration installed next may need it to render. */
	if (with_key && install(key)) {
		discard(conf);
		discard(key);
		return HAVZ_EXIT_FAIL;
	}
	if (install(conf)) {
		discard(conf);
		return HAVZ_EXIT_FAIL;
	}
	if (sync_record_write(SYNC_CONF_RECORD, conf->hex) ||
	    (with_key && sync_record_write(SYNC_KEY_RECORD, key->hex)))
		return HAVZ_EXIT_FAIL;
	return cli_render(HAVZ_DEFAULT_CONFIG, "/", false);
}

int sync_receive(const char *conf_hex, const char *key_hex)
{
	struct staged conf = { .what = "ha-vz.conf", .hex = conf_hex };
	struct staged key = { .what = "the cluster key", .hex = key_hex };
	bool with_key = key_hex != NULL;
	int lock, rc;

	rc = staged_paths(&conf, &key, with_key);
	if (rc)
		return rc;
	lock = sync_lock_take();
	if (lock < 0) {
		/* Nothing of this node's changed; what this sender staged goes. */
		discard_if_sent(&conf);
		if (with_key)
			discard_if_sent(&key);
		return lock == -EBUSY ? HAVZ_EXIT_REFUSED : HAVZ_EXIT_FAIL;
	}
	rc = receive_locked(&conf, &key, with_key);
	close(lock);
	return rc;
}
