/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Do the two nodes run the same ha-vz.conf? Both hold the whole cluster's
 * configuration in one file, so their copies must be byte for byte the same;
 * ha-vzd compares the SHA-256 of its own file with the one the peer sent in
 * its last STATUS answer (havz/wire.h). Pure.
 */
#ifndef HAVZ_CFGMATCH_H
#define HAVZ_CFGMATCH_H

enum havz_cfg_match {
	HAVZ_CFG_UNKNOWN, /* a digest is missing: unreadable here, peer unreachable or older */
	HAVZ_CFG_SAME,
	HAVZ_CFG_DIFFERS,
};

/*
 * local, peer: a digest as havz_sha256_hex writes it, or NULL or "" when not
 * known. Unknown unless both are valid digests (a malformed one is not known).
 */
enum havz_cfg_match havz_cfg_match(const char *local, const char *peer);

/* "unknown", "same", "differs". */
const char *havz_cfg_match_name(enum havz_cfg_match m);

#endif
