// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz checkpoint | restore | hooks-run: the checkpoint engine by hand.
 * hooks-run runs one phase of the checkpoint hooks for a container, as the
 * engine would, so that an operator (and the test suite) can try them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "cli/commands.h"
#include "common/checkpoint.h"
#include "common/container.h"
#include "common/hooks.h"
#include "common/log.h"
#include "havz/config.h"
#include "havz/files.h"
#include "havz/parse.h"

#define MARKER_REL "/.ha-vz/checkpoint-on-stop"

void usage_checkpoint(void)
{
	printf("Usage: ha-vz checkpoint NAME [--on-stop] [--precopy N] [-c FILE] [--timeout "
	       "SECS]\n\n"
	       "Without --on-stop: dumps running container NAME now with CRIU (pre-dump\n"
	       "rounds, then a final dump that leaves it stopped) into\n"
	       "MOUNT/.ha-vz/checkpoint, sealed by a MANIFEST. `ha-vz restore NAME`, or the\n"
	       "agent's next start on either node, resumes it. A failed dump leaves the\n"
	       "container running (or stopped when it was killed), never frozen.\n"
	       "With --on-stop: only writes MOUNT" MARKER_REL ", so that the\n"
	       "agent's next stop checkpoints instead of shutting down (a switchover).\n"
	       "Refused for a container with checkpoint = off (the agent never restores it).\n\n"
	       "  --on-stop          request a checkpoint at the next stop instead\n"
	       "  --precopy N        pre-dump rounds at most (default: precopy_rounds)\n"
	       "  -c, --config FILE  configuration file (default %s)\n"
	       "  -t, --timeout SECS the whole dump (default 120)\n"
	       "  -h, --help         this text\n\n"
	       "Exit status: 0 done, 1 failed, 2 usage error, 3 the configuration has errors.\n"
	       "See ha-vz-hooks(7) for the hooks it runs.\n",
	       HAVZ_DEFAULT_CONFIG);
}

void usage_restore(void)
{
	printf("Usage: ha-vz restore NAME [--lazy] [-c FILE] [--timeout SECS]\n\n"
	       "Restores stopped container NAME from its checkpoint, once: the image is\n"
	       "marked used before CRIU runs, and refused when its MANIFEST does not\n"
	       "check out or the filesystem changed after the dump. On failure the\n"
	       "container is left stopped; start it cold with the cluster stack.\n\n"
	       "  --lazy             post-copy restore (criu lazy-pages) where userfaultfd works\n"
	       "  -c, --config FILE  configuration file (default %s)\n"
	       "  -t, --timeout SECS the whole restore (default 120)\n"
	       "  -h, --help         this text\n\n"
	       "Exit status: 0 running again, 1 not restored, 2 usage error, 3 configuration "
	       "errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

void usage_hooks_run(void)
{
	printf("Usage: ha-vz hooks-run PHASE NAME [--hooks-dir DIR] [--hook-timeout SECS]\n"
	       "                         [--image-dir DIR] [--result ok|failed] [-c FILE]\n\n"
	       "Runs the checkpoint hooks of PHASE (pre-dump, post-dump, pre-restore,\n"
	       "post-restore) for container NAME exactly as the engine does: DIR/PHASE.d/*\n"
	       "in lexical order, with the fixed environment and timeout of ha-vz-hooks(7).\n\n"
	       "  --hooks-dir DIR       hook directory (default " HAVZ_HOOKS_DIR ")\n"
	       "  --hook-timeout SECS   per hook (default 30)\n"
	       "  --image-dir DIR       HAVZ_IMAGE_DIR (default MOUNT/.ha-vz/checkpoint)\n"
	       "  --result ok|failed    HAVZ_RESULT for post-* phases (default ok)\n"
	       "  -c, --config FILE     configuration file (default %s)\n"
	       "  -h, --help            this text\n\n"
	       "Exit status: 0 the phase may go on, 1 a pre-* hook failed or was refused,\n"
	       "2 usage error, 3 configuration errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

static int parse_secs(const char *s, unsigned *ms)
{
	unsigned long long v;

	if (havz_parse_uint(s, 1, 86400, &v))
		return -EINVAL;
	*ms = (unsigned)v * 1000;
	return 0;
}

/*
 * The options checkpoint and restore share (-c, -t, -h) and the ones getopt
 * refused: false when parsing goes on, true when the command ends with *code.
 */
static bool common_opt(int opt, const char *cmd, void (*usage)(void), const char **config,
		       struct havz_ckpt_opts *co, int *code)
{
	switch (opt) {
	case 'c': *config = optarg; return false;
	case 't':
		if (!parse_secs(optarg, &co->timeout_ms))
			return false;
		qb_log(LOG_ERR, "%s: bad --timeout '%s'", cmd, optarg);
		*code = HAVZ_EXIT_USAGE;
		return true;
	default:
		usage();
		*code = opt == 'h' ? HAVZ_EXIT_OK : HAVZ_EXIT_USAGE;
		return true;
	}
}

static const struct havz_container *load(const char *path, const char *name,
					 struct havz_config *cfg, int *exit_code)
{
	const struct havz_container *ct;

	if (cli_load_config(path, cfg)) {
		*exit_code = HAVZ_EXIT_CONFIG;
		return NULL;
	}
	ct = havz_config_container(cfg, name);
	if (!ct) {
		qb_log(LOG_ERR, "container %s: not in %s", name, path);
		havz_config_free(cfg);
		*exit_code = HAVZ_EXIT_USAGE;
	}
	return ct;
}

static int request_on_stop(const struct havz_container *ct)
{
	char path[HAVZ_PATH_MAX + 32], text[64];
	int rc = havz_ct_mount_check(ct);

	if (rc) {
		qb_log(LOG_ERR, "container %s: %s is not mounted on this node", ct->name,
		       ct->mount);
		return HAVZ_EXIT_FAIL;
	}
	snprintf(path, sizeof(path), "%s" MARKER_REL, ct->mount);
	snprintf(text, sizeof(text), "requested %lld\n", (long long)time(NULL));
	rc = havz_file_write_atomic(path, text, strlen(text), 0600);
	if (rc) {
		qb_log(LOG_ERR, "container %s: cannot write %s: %s", ct->name, path, strerror(-rc));
		return HAVZ_EXIT_FAIL;
	}
	qb_log(LOG_NOTICE, "container %s: the next stop checkpoints it (%s)", ct->name, path);
	return HAVZ_EXIT_OK;
}

int cmd_checkpoint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "on-stop", no_argument, NULL, 's' },
		{ "precopy", required_argument, NULL, 'p' },
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = HAVZ_DEFAULT_CONFIG;
	struct havz_ckpt_opts co = { 0 };
	struct havz_ckpt_report rep;
	const struct havz_container *ct;
	struct havz_config cfg;
	bool on_stop = false, precopy_set = false;
	unsigned long long v;
	int opt, rc, code = HAVZ_EXIT_OK;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': on_stop = true; break;
		case 'p':
			if (havz_parse_uint(optarg, 0, 64, &v)) {
				qb_log(LOG_ERR, "checkpoint: --precopy wants 0..64, not '%s'",
				       optarg);
				return HAVZ_EXIT_USAGE;
			}
			co.max_precopy_rounds = (unsigned)v;
			precopy_set = true;
			break;
		default:
			if (common_opt(opt, "checkpoint", usage_checkpoint, &config, &co, &code))
				return code;
		}
	}
	if (optind + 1 != argc) {
		usage_checkpoint();
		return HAVZ_EXIT_USAGE;
	}
	ct = load(config, argv[optind], &cfg, &code);
	if (!ct)
		return code;
	if (ct->checkpoint == HAVZ_CKPT_OFF) {
		/* The agent never restores such a container: the image would only go stale. */
		qb_log(LOG_ERR, "container %s: checkpoint = off in %s; set it to switchover first",
		       ct->name, config);
		havz_config_free(&cfg);
		return HAVZ_EXIT_FAIL;
	}
	if (on_stop) {
		code = request_on_stop(ct);
		havz_config_free(&cfg);
		return code;
	}
	if (!precopy_set)
		co.max_precopy_rounds = ct->precopy_rounds;
	rc = havz_checkpoint_dump(&cfg, ct, &co, &rep);
	if (rc) {
		qb_log(LOG_ERR, "container %s: not checkpointed: %s", ct->name,
		       rep.reason[0] ? rep.reason : strerror(-rc));
		code = HAVZ_EXIT_FAIL;
	} else {
		printf("%s: checkpointed and stopped: %u pre-dumps, frozen %u ms, final dump "
		       "%" PRIu64 " bytes\n",
		       ct->name, rep.precopy_rounds, rep.freeze_ms, rep.final_dump_bytes);
	}
	havz_config_free(&cfg);
	return code;
}

int cmd_restore(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lazy", no_argument, NULL, 'l' },
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = HAVZ_DEFAULT_CONFIG;
	struct havz_ckpt_opts co = { 0 };
	struct havz_ckpt_report rep;
	const struct havz_container *ct;
	struct havz_config cfg;
	char why[HAVZ_CT_WHY_MAX];
	int opt, rc, code = HAVZ_EXIT_OK;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l': co.lazy = true; break;
		default:
			if (common_opt(opt, "restore", usage_restore, &config, &co, &code))
				return code;
		}
	}
	if (optind + 1 != argc) {
		usage_restore();
		return HAVZ_EXIT_USAGE;
	}
	ct = load(config, argv[optind], &cfg, &code);
	if (!ct)
		return code;
	rc = havz_checkpoint_restore(&cfg, ct, &co, &rep);
	if (rc) {
		qb_log(LOG_ERR, "container %s: not restored: %s", ct->name,
		       rep.reason[0] ? rep.reason : strerror(-rc));
		code = HAVZ_EXIT_FAIL;
	} else {
		/* lxc 5.0.2 loses the cgroup limits on restore (LAB-NOTES). */
		if (havz_ct_apply_limits(ct, why))
			qb_log(LOG_WARNING, "%s (after restore)", why);
		printf("%s: restored in %u ms\n", ct->name, rep.restore_ms);
	}
	havz_config_free(&cfg);
	return code;
}

int cmd_hooks_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hooks-dir", required_argument, NULL, 'd' },
		{ "hook-timeout", required_argument, NULL, 'T' },
		{ "image-dir", required_argument, NULL, 'i' },
		{ "result", required_argument, NULL, 'r' },
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *config = HAVZ_DEFAULT_CONFIG, *image = NULL, *result = "ok";
	struct havz_hooks_opts ho = { 0 };
	const struct havz_container *ct;
	struct havz_hook_env e = { 0 };
	struct havz_config cfg;
	char dir[HAVZ_PATH_MAX + 32], why[512];
	struct utsname u;
	int opt, rc, code = HAVZ_EXIT_OK;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'd': ho.dir = optarg; break;
		case 'T':
			if (parse_secs(optarg, &ho.timeout_ms)) {
				qb_log(LOG_ERR, "hooks-run: bad --hook-timeout '%s'", optarg);
				return HAVZ_EXIT_USAGE;
			}
			break;
		case 'i': image = optarg; break;
		case 'r':
			if (strcmp(optarg, "ok") && strcmp(optarg, "failed")) {
				qb_log(LOG_ERR, "hooks-run: --result is ok or failed");
				return HAVZ_EXIT_USAGE;
			}
			result = optarg;
			break;
		case 'c': config = optarg; break;
		case 'h': usage_hooks_run(); return HAVZ_EXIT_OK;
		default: usage_hooks_run(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind + 2 != argc || havz_hook_phase_parse(argv[optind], &e.phase)) {
		usage_hooks_run();
		return HAVZ_EXIT_USAGE;
	}
	ct = load(config, argv[optind + 1], &cfg, &code);
	if (!ct)
		return code;
	if (uname(&u))
		snprintf(u.nodename, sizeof(u.nodename), "?");
	snprintf(dir, sizeof(dir), "%s/.ha-vz/checkpoint", ct->mount);
	e.ct = ct->name;
	e.image_dir = image ? image : dir;
	e.mount = ct->mount;
	e.service_ip = ct->service_ip;
	e.bridge = ct->bridge;
	e.node = u.nodename;
	e.ct_pid = (int)havz_ct_init_pid(ct);
	e.result = result;
	rc = havz_hooks_run(&e, &ho, why, sizeof(why));
	if (rc) {
		fprintf(stderr, "ha-vz: %s\n", why);
		code = HAVZ_EXIT_FAIL;
	}
	havz_config_free(&cfg);
	return code;
}
