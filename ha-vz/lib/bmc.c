// SPDX-License-Identifier: GPL-2.0-only
/* ipmitool's command line and the meaning of its output: see havz/bmc.h. */
#include "havz/bmc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int havz_bmc_command(const struct havz_node *n, enum havz_bmc_action action,
		     struct havz_bmc_cmd *cmd)
{
	static const char *const verbs[] = { "status", "off", "on" };
	size_t i = 0;

	if (n->fence != HAVZ_FENCE_IPMI || !n->fence_address[0] || !n->fence_user[0] ||
	    !n->fence_password_file[0] || (unsigned)action > HAVZ_BMC_POWER_ON)
		return -EINVAL;
	snprintf(cmd->port, sizeof(cmd->port), "%u", n->fence_port);
	snprintf(cmd->cipher, sizeof(cmd->cipher), "%u", n->fence_cipher);
	cmd->argv[i++] = "ipmitool";
	/* -v: the reason of a failed session (RAKP errors) is printed only then. */
	cmd->argv[i++] = "-v";
	cmd->argv[i++] = "-I";
	cmd->argv[i++] = "lanplus";
	cmd->argv[i++] = "-H";
	cmd->argv[i++] = n->fence_address;
	cmd->argv[i++] = "-p";
	cmd->argv[i++] = cmd->port;
	cmd->argv[i++] = "-U";
	cmd->argv[i++] = n->fence_user;
	cmd->argv[i++] = "-f";
	cmd->argv[i++] = n->fence_password_file;
	/* Without -C ipmitool first asks for the cipher suites, ~10 s on some BMCs. */
	cmd->argv[i++] = "-C";
	cmd->argv[i++] = cmd->cipher;
	/* A BMC that does not answer: 1 s per try, 2 tries, instead of the default minute. */
	cmd->argv[i++] = "-N";
	cmd->argv[i++] = "1";
	cmd->argv[i++] = "-R";
	cmd->argv[i++] = "2";
	cmd->argv[i++] = "chassis";
	cmd->argv[i++] = "power";
	cmd->argv[i++] = verbs[action];
	cmd->argv[i] = NULL;
	return 0;
}

/* Copies the line of output holding needle (or the last non-empty line when needle is NULL). */
static void line_with(const char *output, const char *needle, char *detail, size_t size)
{
	const char *start = NULL, *end;

	if (needle) {
		const char *at = strstr(output, needle);

		if (at) {
			start = at;
			while (start > output && start[-1] != '\n')
				start--;
		}
	} else {
		for (const char *p = output; *p;) {
			size_t len = strcspn(p, "\n");

			if (strspn(p, " \t\r") < len)
				start = p;
			p += len + (p[len] == '\n');
		}
	}
	if (!start) {
		snprintf(detail, size, "%s", "");
		return;
	}
	end = start + strcspn(start, "\r\n");
	snprintf(detail, size, "%.*s", (int)(end - start), start);
}

enum havz_bmc_answer havz_bmc_classify(enum havz_bmc_action action, int status, bool timed_out,
				       const char *output, char *detail, size_t size)
{
	/* The RAKP exchange failed at the BMC: it is there, and refused these credentials. */
	static const char *const refused[] = { "RAKP 2 HMAC is invalid", "unauthorized name",
					       "RAKP 4 message has invalid integrity check",
					       "insufficient resources for session", NULL };
	/* ipmitool's words when no RMCP+ answer came back. */
	static const char *const silent[] = { "Get Auth Capabilities error",
					      "No response from remote controller",
					      "Unable to Get Channel Cipher Suites", NULL };

	snprintf(detail, size, "%s", "");
	if (timed_out)
		return HAVZ_BMC_NO_ANSWER;
	for (size_t i = 0; refused[i]; i++)
		if (strstr(output, refused[i])) {
			line_with(output, refused[i], detail, size);
			return HAVZ_BMC_AUTH;
		}
	if (status == 0 && action == HAVZ_BMC_STATUS) {
		if (strstr(output, "Chassis Power is on"))
			return HAVZ_BMC_ON;
		if (strstr(output, "Chassis Power is off"))
			return HAVZ_BMC_OFF;
	}
	if (status == 0 && action != HAVZ_BMC_STATUS && strstr(output, "Chassis Power Control:")) {
		line_with(output, "Chassis Power Control:", detail, size);
		return HAVZ_BMC_DONE;
	}
	for (size_t i = 0; silent[i]; i++)
		if (strstr(output, silent[i])) {
			line_with(output, silent[i], detail, size);
			return HAVZ_BMC_NO_ANSWER;
		}
	line_with(output, NULL, detail, size);
	return HAVZ_BMC_ERROR;
}

const char *havz_bmc_answer_name(enum havz_bmc_answer a)
{
	switch (a) {
	case HAVZ_BMC_ON: return "on";
	case HAVZ_BMC_OFF: return "off";
	case HAVZ_BMC_DONE: return "done";
	case HAVZ_BMC_AUTH: return "wrong password/user";
	case HAVZ_BMC_NO_ANSWER: return "no answer";
	default: return "error";
	}
}
