// SPDX-License-Identifier: GPL-2.0-only
#include "havz/cfgmatch.h"
#include "havz/digest.h"

#include <string.h>

enum havz_cfg_match havz_cfg_match(const char *local, const char *peer)
{
	if (!local || !peer || !havz_sha256_hex_valid(local) || !havz_sha256_hex_valid(peer))
		return HAVZ_CFG_UNKNOWN;
	return strcmp(local, peer) ? HAVZ_CFG_DIFFERS : HAVZ_CFG_SAME;
}

const char *havz_cfg_match_name(enum havz_cfg_match m)
{
	switch (m) {
	case HAVZ_CFG_SAME: return "same";
	case HAVZ_CFG_DIFFERS: return "differs";
	default: return "unknown";
	}
}
