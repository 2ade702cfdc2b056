/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A node's fence device, IPMI over LAN: the ipmitool command line for a
 * power action and what its output says. ipmitool is the tool under both of
 * the admins' agents (cluster-glue's external/ipmi, fence-agents'
 * fence_ipmilan); it takes the password from a file (-f), so that no
 * command line visible in ps holds it. Pure: src/common/fencedev.c runs it.
 */
#ifndef HAVZ_BMC_H
#define HAVZ_BMC_H

#include <stdbool.h>
#include <stddef.h>

#include "havz/config.h"

enum havz_bmc_action { HAVZ_BMC_STATUS, HAVZ_BMC_POWER_OFF, HAVZ_BMC_POWER_ON };

enum havz_bmc_answer {
	HAVZ_BMC_ON,	    /* status: the node's power is on */
	HAVZ_BMC_OFF,	    /* status: the node's power is off */
	HAVZ_BMC_DONE,	    /* a power action was accepted by the BMC */
	HAVZ_BMC_AUTH,	    /* the BMC answered, and refused the user or password */
	HAVZ_BMC_NO_ANSWER, /* nothing answered at the address and port */
	HAVZ_BMC_ERROR,	    /* anything else: the detail says what */
};

#define HAVZ_BMC_ARGV_MAX 24

struct havz_bmc_cmd {
	const char *argv[HAVZ_BMC_ARGV_MAX];
	char port[8], cipher[8];
};

/* The ipmitool argv for action on node n's device (fence = ipmi). 0 or -EINVAL. */
int havz_bmc_command(const struct havz_node *n, enum havz_bmc_action action,
		     struct havz_bmc_cmd *cmd);

/*
 * What ipmitool's exit status and output (stdout and stderr, with -v) say.
 * detail receives the line that decided it (the BMC's own words for AUTH,
 * the last line for ERROR), or "".
 */
enum havz_bmc_answer havz_bmc_classify(enum havz_bmc_action action, int status, bool timed_out,
				       const char *output, char *detail, size_t size);

/* "on", "off", "done", "wrong password/user", "no answer", "error". */
const char *havz_bmc_answer_name(enum havz_bmc_answer a);

#endif
