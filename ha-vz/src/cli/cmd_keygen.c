// SPDX-License-Identifier: GPL-2.0-only
/* ha-vz keygen: a random cluster key, never readable by anyone but root. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "cli/commands.h"
#include "common/log.h"
#include "havz/config.h"
#include "havz/files.h"

#define KEY_BYTES 32
#define DEFAULT_KEY_FILE HAVZ_SYSCONFDIR "/ha-vz/authkey"

void usage_keygen(void)
{
	printf("Usage: ha-vz keygen [-o FILE] [--force]\n\n"
	       "Writes a random 256-bit cluster key, hex-encoded, to FILE with mode 600.\n"
	       "Copy the same file to the peer node (it is the auth_key_file of\n"
	       "ha-vz.conf). An existing key is kept unless --force is given.\n\n"
	       "  -o, --output FILE   key file (default %s)\n"
	       "  -f, --force         replace an existing key file\n"
	       "  -h, --help          this text\n\n"
	       "Exit status: 0 written, 1 the key file exists or cannot be written,\n"
	       "2 usage error.\n",
	       DEFAULT_KEY_FILE);
}

int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = DEFAULT_KEY_FILE;
	unsigned char raw[KEY_BYTES];
	char hex[2 * KEY_BYTES + 2];
	bool force = false;
	struct stat st;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "o:fh", opts, NULL)) != -1) {
		switch (opt) {
		case 'o': path = optarg; break;
		case 'f': force = true; break;
		case 'h': usage_keygen(); return HAVZ_EXIT_OK;
		default: usage_keygen(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		qb_log(LOG_ERR, "keygen: unexpected argument '%s'", argv[optind]);
		return HAVZ_EXIT_USAGE;
	}
	if (!force && lstat(path, &st) == 0) {
		qb_log(LOG_ERR, "keygen: %s exists; keeping it (use --force to replace it)", path);
		return HAVZ_EXIT_FAIL;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		qb_log(LOG_ERR, "keygen: the random generator failed");
		return HAVZ_EXIT_FAIL;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[2 * KEY_BYTES] = '\n';
	hex[2 * KEY_BYTES + 1] = '\0';
	rc = havz_file_write_atomic(path, hex, 2 * KEY_BYTES + 1, 0600);
	OPENSSL_cleanse(raw, sizeof(raw));
	OPENSSL_cleanse(hex, sizeof(hex));
	if (rc) {
		qb_log(LOG_ERR, "keygen: cannot write %s: %s", path, strerror(-rc));
		return HAVZ_EXIT_FAIL;
	}
	qb_log(LOG_NOTICE, "keygen: wrote a new cluster key to %s (mode 600)", path);
	return HAVZ_EXIT_OK;
}
