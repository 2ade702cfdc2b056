// SPDX-License-Identifier: GPL-2.0-only
/* ha-vz ct create|list|destroy: the containers of ha-vz.conf on this node. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli/commands.h"
#include "common/container.h"
#include "common/disk.h"
#include "common/log.h"
#include "havz/config.h"

static void usage_create(void)
{
	printf("Usage: ha-vz ct create NAME [-c FILE] [-t busybox|debian] [--no-mount-check]\n\n"
	       "Creates container NAME of the configuration on this node: LXC config and rootfs\n"
	       "under its mount point (MOUNT/NAME/config, MOUNT/NAME/rootfs), memory and CPU\n"
	       "limits, network and the settings CRIU needs. The mount point must be mounted\n"
	       "(the container's DRBD volume, primary on this node), and its disk must hold\n"
	       "size bytes (see ha-vz ct disk).\n\n"
	       "  -c, --config FILE       configuration file (default %s)\n"
	       "  -t, --template NAME     busybox (default; offline, needs busybox-static)\n"
	       "                          or debian (debootstrap; needs a mirror)\n"
	       "      --no-mount-check    allow a plain directory as mount point, with no disk\n"
	       "                          behind it to check (tests)\n"
	       "  -h, --help              this text\n",
	       HAVZ_DEFAULT_CONFIG);
}

static void usage_disk(void)
{
	printf("Usage: ha-vz ct disk NAME [-c FILE] [--dry-run]\n\n"
	       "Makes or checks container NAME's backing device on this node, before DRBD is\n"
	       "set up on it (drbdadm create-md): run it on both nodes. A disk of the form\n"
	       "/dev/VG/LV that does not exist is created, `lvcreate --yes -L SIZE -n LV VG`;\n"
	       "an existing block device (a logical volume or not) must hold size bytes.\n\n"
	       "  -c, --config FILE       configuration file (default %s)\n"
	       "  -n, --dry-run           print the lvcreate it would run; run nothing\n"
	       "  -h, --help              this text\n\n"
	       "Exit status: 0 the disk is there and big enough (or would be created),\n"
	       "1 it is smaller than size, not a block device, absent and no /dev/VG/LV,\n"
	       "or lvcreate failed; 2 usage error, 3 the configuration has errors.\n",
	       HAVZ_DEFAULT_CONFIG);
}

static void usage_list(void)
{
	printf("Usage: ha-vz ct list [-c FILE]\n\n"
	       "Lists the containers of the configuration as this node sees them: state\n"
	       "(absent when not defined on this node's view of the mount point), whether the\n"
	       "mount point is mounted here, and the memory/CPU limits.\n\n"
	       "  -c, --config FILE   configuration file (default %s)\n"
	       "  -h, --help          this text\n",
	       HAVZ_DEFAULT_CONFIG);
}

static void usage_destroy(void)
{
	printf("Usage: ha-vz ct destroy NAME [-c FILE] [--force] [--no-mount-check]\n\n"
	       "Removes container NAME's LXC config and rootfs from its mount point.\n"
	       "A running container is refused unless --force (it is killed first).\n\n"
	       "  -c, --config FILE       configuration file (default %s)\n"
	       "  -f, --force             kill a running container first\n"
	       "      --no-mount-check    allow a plain directory as mount point (tests)\n"
	       "  -h, --help              this text\n",
	       HAVZ_DEFAULT_CONFIG);
}

void usage_ct(void)
{
	printf("Usage: ha-vz ct create NAME [-c FILE] [-t busybox|debian] [--no-mount-check]\n"
	       "       ha-vz ct disk NAME [-c FILE] [--dry-run]\n"
	       "       ha-vz ct list [-c FILE]\n"
	       "       ha-vz ct destroy NAME [-c FILE] [--force] [--no-mount-check]\n\n"
	       "Manages the LXC containers of ha-vz.conf on this node. Under the cluster, the\n"
	       "agent starts and stops them. 'ha-vz ct SUBCOMMAND --help' for details.\n\n"
	       "Exit status: 0 done, 1 failed, 2 usage error, 3 the configuration has errors.\n");
}

enum { OPT_NO_MOUNT_CHECK = 256 };

struct ct_args {
	const char *config;
	const char *tmpl;
	const char *name;
	bool force;
	bool no_mount_check;
	bool dry_run;
};

/* Options shared by the subcommands; allowed says which short options apply. */
static int parse_args(int argc, char **argv, const char *allowed, bool want_name,
		      void (*help)(void), struct ct_args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "template", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "no-mount-check", no_argument, NULL, OPT_NO_MOUNT_CHECK },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	a->config = HAVZ_DEFAULT_CONFIG;
	a->tmpl = "busybox";
	optind = 1;
	while ((opt = getopt_long(argc, argv, "c:t:fnh", opts, NULL)) != -1) {
		if (opt == 'h') {
			help();
			return -1;
		}
		if (opt == '?' || (opt < 256 && !strchr(allowed, opt)) ||
		    (opt == OPT_NO_MOUNT_CHECK && !strchr(allowed, 'm'))) {
			if (opt != '?')
				qb_log(LOG_ERR, "ct %s: option not accepted here", argv[0]);
			help();
			return HAVZ_EXIT_USAGE;
		}
		switch (opt) {
		case 'c': a->config = optarg; break;
		case 't': a->tmpl = optarg; break;
		case 'f': a->force = true; break;
		case 'n': a->dry_run = true; break;
		case OPT_NO_MOUNT_CHECK: a->no_mount_check = true; break;
		}
	}
	if (want_name) {
		if (optind == argc) {
			qb_log(LOG_ERR, "ct %s: which container? (ha-vz ct %s NAME)", argv[0],
			       argv[0]);
			return HAVZ_EXIT_USAGE;
		}
		a->name = argv[optind++];
	}
	if (optind != argc) {
		qb_log(LOG_ERR, "ct %s: unexpected argument '%s'", argv[0], argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	return 0;
}

/* The container's section, and its mount point mounted here unless told otherwise. */
static int find_container(const struct havz_config *cfg, const struct ct_args *a,
			  const struct havz_container **out)
{
	const struct havz_container *ct = havz_config_container(cfg, a->name);
	int rc;

	if (!ct) {
		qb_log(LOG_ERR, "container %s: not in %s", a->name, a->config);
		return HAVZ_EXIT_FAIL;
	}
	rc = havz_ct_mount_check(ct);
	if (rc == -ENOENT || (rc && !a->no_mount_check)) {
		qb_log(LOG_ERR, "container %s: %s %s", a->name, ct->mount,
		       rc == -ENOENT	 ? "does not exist"
		       : rc == -ENOTCONN ? "is not mounted on this node (--no-mount-check for a "
					   "plain directory)"
					 : strerror(-rc));
		return HAVZ_EXIT_FAIL;
	}
	*out = ct;
	return 0;
}

static int ct_create(int argc, char **argv)
{
	const struct havz_container *ct;
	struct havz_config cfg;
	char why[HAVZ_CT_WHY_MAX] = "", disk_why[2 * HAVZ_PATH_MAX + 200] = "";
	struct ct_args a = { 0 };
	int rc = parse_args(argc, argv, "ctm", true, usage_create, &a);

	if (rc)
		return rc < 0 ? HAVZ_EXIT_OK : rc;
	if (strcmp(a.tmpl, "busybox") && strcmp(a.tmpl, "debian")) {
		qb_log(LOG_ERR, "container %s: unknown template '%s' (busybox or debian)", a.name,
		       a.tmpl);
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(a.config, &cfg))
		return HAVZ_EXIT_CONFIG;
	rc = find_container(&cfg, &a, &ct);
	/* The volume is mounted, so its disk exists: only its size is left to check. */
	if (!rc && !a.no_mount_check &&
	    havz_ct_disk_ensure(&cfg, ct, true, false, disk_why, sizeof(disk_why))) {
		qb_log(LOG_ERR, "container %s: %s", ct->name, disk_why);
		rc = HAVZ_EXIT_FAIL;
	}
	if (!rc && havz_ct_create(ct, a.tmpl, why)) {
		qb_log(LOG_ERR, "%s", why);
		rc = HAVZ_EXIT_FAIL;
	}
	havz_config_free(&cfg);
	return rc;
}

static int ct_disk(int argc, char **argv)
{
	const struct havz_container *ct;
	struct havz_config cfg;
	char why[2 * HAVZ_PATH_MAX + 200] = "";
	struct ct_args a = { 0 };
	int rc = parse_args(argc, argv, "cn", true, usage_disk, &a);

	if (rc)
		return rc < 0 ? HAVZ_EXIT_OK : rc;
	if (cli_load_config(a.config, &cfg))
		return HAVZ_EXIT_CONFIG;
	ct = havz_config_container(&cfg, a.name);
	if (!ct) {
		qb_log(LOG_ERR, "container %s: not in %s", a.name, a.config);
		rc = HAVZ_EXIT_FAIL;
	} else if (havz_ct_disk_ensure(&cfg, ct, false, a.dry_run, why, sizeof(why))) {
		qb_log(LOG_ERR, "container %s: %s", ct->name, why);
		rc = HAVZ_EXIT_FAIL;
	} else if (!a.dry_run) {
		qb_log(LOG_NOTICE, "container %s: disk %s holds its size", ct->name, ct->disk);
	}
	havz_config_free(&cfg);
	return rc;
}

static int ct_list(int argc, char **argv)
{
	struct havz_config cfg;
	struct ct_args a = { 0 };
	int rc = parse_args(argc, argv, "c", false, usage_list, &a);

	if (rc)
		return rc < 0 ? HAVZ_EXIT_OK : rc;
	if (cli_load_config(a.config, &cfg))
		return HAVZ_EXIT_CONFIG;
	printf("%-16s %-9s %-11s %-8s %-6s %s\n", "NAME", "STATE", "MOUNT", "MEMORY", "CPUS",
	       "PATH");
	for (size_t i = 0; i < cfg.n_containers; i++) {
		const struct havz_container *ct = &cfg.containers[i];
		int m = havz_ct_mount_check(ct);
		char mem[16], cpus[16];

		havz_ct_format_memory(ct->memory, mem, sizeof(mem));
		havz_ct_format_cpus(ct->cpu_millis, cpus, sizeof(cpus));
		printf("%-16s %-9s %-11s %-8s %-6s %s\n", ct->name,
		       m == -ENOENT ? "absent" : havz_ct_state_name(havz_ct_state(ct)),
		       m == 0	      ? "mounted"
		       : m == -ENOENT ? "missing"
				      : "not-mounted",
		       mem, cpus, ct->mount);
	}
	havz_config_free(&cfg);
	return HAVZ_EXIT_OK;
}

static int ct_destroy(int argc, char **argv)
{
	const struct havz_container *ct;
	struct havz_config cfg;
	char why[HAVZ_CT_WHY_MAX] = "";
	struct ct_args a = { 0 };
	int rc = parse_args(argc, argv, "cfm", true, usage_destroy, &a);

	if (rc)
		return rc < 0 ? HAVZ_EXIT_OK : rc;
	if (cli_load_config(a.config, &cfg))
		return HAVZ_EXIT_CONFIG;
	rc = find_container(&cfg, &a, &ct);
	if (!rc && havz_ct_destroy(ct, a.force, why)) {
		qb_log(LOG_ERR, "%s", why);
		rc = HAVZ_EXIT_FAIL;
	}
	havz_config_free(&cfg);
	return rc;
}

int cmd_ct(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} subs[] = {
		{ "create", ct_create },
		{ "disk", ct_disk },
		{ "list", ct_list },
		{ "destroy", ct_destroy },
	};

	if (argc < 2) {
		usage_ct();
		return HAVZ_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage_ct();
		return HAVZ_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++)
		if (!strcmp(argv[1], subs[i].name))
			return subs[i].run(argc - 1, argv + 1);
	qb_log(LOG_ERR, "ct: unknown subcommand '%s'; see 'ha-vz ct --help'", argv[1]);
	return HAVZ_EXIT_USAGE;
}
