// SPDX-License-Identifier: GPL-2.0-only
/* ipmitool's command line for a fence device, and what its output means. */
#include "helpers.h"

#include <errno.h>

#include "havz/bmc.h"

static void ipmi_node(struct havz_node *n)
{
	memset(n, 0, sizeof(*n));
	strcpy(n->name, "alpha");
	n->fence = HAVZ_FENCE_IPMI;
	strcpy(n->fence_address, "10.99.3.11");
	n->fence_port = 623;
	strcpy(n->fence_user, "admin");
	strcpy(n->fence_password_file, "/etc/ha-vz/fence/alpha.pw");
	n->fence_cipher = 3;
}

static void test_command(void **state)
{
	static const char *const want[] = {
		"ipmitool", "-v",    "-I",  "lanplus", "-H", "10.99.3.11",
		"-p",	    "9623",  "-U",  "admin",   "-f", "/etc/ha-vz/fence/alpha.pw",
		"-C",	    "17",    "-N",  "1",       "-R", "2",
		"chassis",  "power", "off", NULL
	};
	struct havz_node n;
	struct havz_bmc_cmd cmd;
	size_t i;

	(void)state;
	ipmi_node(&n);
	n.fence_port = 9623;
	n.fence_cipher = 17;
	assert_int_equal(havz_bmc_command(&n, HAVZ_BMC_POWER_OFF, &cmd), 0);
	for (i = 0; want[i]; i++)
		assert_string_equal(cmd.argv[i], want[i]);
	assert_null(cmd.argv[i]);
	/* The password file is passed by name; -P (a password on the command line) never. */
	for (i = 0; cmd.argv[i]; i++)
		assert_string_not_equal(cmd.argv[i], "-P");
	assert_int_equal(havz_bmc_command(&n, HAVZ_BMC_STATUS, &cmd), 0);
	assert_string_equal(cmd.argv[20], "status");
	assert_int_equal(havz_bmc_command(&n, HAVZ_BMC_POWER_ON, &cmd), 0);
	assert_string_equal(cmd.argv[20], "on");
}

static void test_command_needs_ipmi(void **state)
{
	struct havz_node n;
	struct havz_bmc_cmd cmd;

	(void)state;
	ipmi_node(&n);
	n.fence = HAVZ_FENCE_NONE;
	assert_int_equal(havz_bmc_command(&n, HAVZ_BMC_STATUS, &cmd), -EINVAL);
	ipmi_node(&n);
	n.fence_password_file[0] = '\0';
	assert_int_equal(havz_bmc_command(&n, HAVZ_BMC_STATUS, &cmd), -EINVAL);
	ipmi_node(&n);
	assert_int_equal(havz_bmc_command(&n, (enum havz_bmc_action)7, &cmd), -EINVAL);
}

/* ipmitool -v output as seen from ipmi_sim (OpenIPMI 2.0.33) and ipmitool 1.8.19. */
#define PREAMBLE                                                                                   \
	"Loading IANA PEN Registry...\n"                                                           \
	"Running Get VSO Capabilities my_addr 0x20, transit 0, target 0x20\n"                      \
	"Invalid completion code received: Invalid command\n"                                      \
	"Discovered IPMB address 0x0\n"

static void test_classify(void **state)
{
	static const struct {
		enum havz_bmc_action action;
		int status;
		bool timed_out;
		const char *output;
		enum havz_bmc_answer want;
		const char *detail;
	} cases[] = {
		{ HAVZ_BMC_STATUS, 0, false, PREAMBLE "Chassis Power is on\n", HAVZ_BMC_ON, "" },
		{ HAVZ_BMC_STATUS, 0, false, PREAMBLE "Chassis Power is off\n", HAVZ_BMC_OFF, "" },
		{ HAVZ_BMC_POWER_OFF, 0, false, PREAMBLE "Chassis Power Control: Down/Off\n",
		  HAVZ_BMC_DONE, "Chassis Power Control: Down/Off" },
		{ HAVZ_BMC_POWER_ON, 0, false, "Chassis Power Control: Up/On\n", HAVZ_BMC_DONE,
		  "Chassis Power Control: Up/On" },
		{ HAVZ_BMC_STATUS, 1, false,
		  "Loading IANA PEN Registry...\n> RAKP 2 HMAC is invalid\n"
		  "Error: Unable to establish IPMI v2 / RMCP+ session\n",
		  HAVZ_BMC_AUTH, "> RAKP 2 HMAC is invalid" },
		{ HAVZ_BMC_POWER_OFF, 1, false,
		  "RAKP 2 message indicates an error : unauthorized name\n"
		  "Error: Unable to establish IPMI v2 / RMCP+ session\n",
		  HAVZ_BMC_AUTH, "RAKP 2 message indicates an error : unauthorized name" },
		{ HAVZ_BMC_STATUS, 1, false,
		  "Loading IANA PEN Registry...\nGet Auth Capabilities error\n"
		  "Error issuing Get Channel Authentication Capabilities request\n"
		  "Error: Unable to establish IPMI v2 / RMCP+ session\n",
		  HAVZ_BMC_NO_ANSWER, "Get Auth Capabilities error" },
		{ HAVZ_BMC_STATUS, 137, true, "", HAVZ_BMC_NO_ANSWER, "" },
		/* A failed action is not "done", even though the session worked. */
		{ HAVZ_BMC_POWER_OFF, 1, false,
		  PREAMBLE "Set Chassis Power Control to Down/Off failed: Invalid data field in "
			   "request\n",
		  HAVZ_BMC_ERROR,
		  "Set Chassis Power Control to Down/Off failed: Invalid data field in request" },
		/* "on" in a status that exited non-zero is not trusted. */
		{ HAVZ_BMC_STATUS, 1, false, "Chassis Power is on\n\n", HAVZ_BMC_ERROR,
		  "Chassis Power is on" },
		/* A power-off's output does not answer a status query. */
		{ HAVZ_BMC_STATUS, 0, false, "Chassis Power Control: Down/Off\n", HAVZ_BMC_ERROR,
		  "Chassis Power Control: Down/Off" },
		{ HAVZ_BMC_STATUS, 127, false, "", HAVZ_BMC_ERROR, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char detail[128];
		enum havz_bmc_answer a =
			havz_bmc_classify(cases[i].action, cases[i].status, cases[i].timed_out,
					  cases[i].output, detail, sizeof(detail));

		if (a != cases[i].want || strcmp(detail, cases[i].detail))
			print_message("# case %zu: %s '%s'\n", i, havz_bmc_answer_name(a), detail);
		assert_int_equal(a, cases[i].want);
		assert_string_equal(detail, cases[i].detail);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(havz_bmc_answer_name(HAVZ_BMC_ON), "on");
	assert_string_equal(havz_bmc_answer_name(HAVZ_BMC_OFF), "off");
	assert_string_equal(havz_bmc_answer_name(HAVZ_BMC_AUTH), "wrong password/user");
	assert_string_equal(havz_bmc_answer_name(HAVZ_BMC_NO_ANSWER), "no answer");
	assert_string_equal(havz_bmc_answer_name(HAVZ_BMC_ERROR), "error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_command),
		cmocka_unit_test(test_command_needs_ipmi),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
