// SPDX-License-Identifier: GPL-2.0-only
/* Cross-checks after parsing, the auth key file's secrecy, and havz_config_load. */
#include "helpers.h"

#include <errno.h>

#include "havz/config.h"

#define GOOD_KEY "0123456789abcdef0123456789abcdef"

static char *dir;      /* a mkdtemp directory for the whole group */
static char *key_path; /* a good key file in it, mode 0600 */

static int group_setup(void **state)
{
	(void)state;
	dir = tmpdir_make();
	key_path = file_make(dir, "authkey", GOOD_KEY "\n", 0600);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(key_path);
	tmpdir_remove(dir);
	return 0;
}

/* BASE_CONF pointing at the good key file, with from replaced by to (when from is set). */
static char *conf_with(const char *from, const char *to)
{
	char line[512], *text;

	snprintf(line, sizeof(line), "auth_key_file = %s", key_path);
	text = subst(BASE_CONF, "auth_key_file = /etc/ha-vz/authkey", line);
	if (from)
		text = subst_free(text, from, to);
	return text;
}

/* Parses text (which must parse) and validates it; frees text. */
static int validate(char *text, struct diags *d)
{
	struct havz_config cfg;
	struct diags pd = { 0 };
	int rc;

	rc = havz_config_parse("t.conf", text, &cfg, diag_collect, &pd);
	if (rc || pd.n)
		diags_dump(&pd);
	assert_int_equal(rc, 0);
	assert_diag_count(&pd, 0);
	rc = havz_config_validate(&cfg, diag_collect, d);
	havz_config_free(&cfg);
	free(text);
	return rc;
}

static void expect_one_error(char *text, const char *want)
{
	struct diags d = { 0 };

	assert_int_equal(validate(text, &d), -EINVAL);
	assert_one_diag(&d, want);
	diags_free(&d);
}

static void test_base_is_valid(void **state)
{
	struct diags d = { 0 };
	int rc;

	(void)state;
	rc = validate(conf_with(NULL, NULL), &d);
	assert_diag_count(&d, 0);
	assert_int_equal(rc, 0);
}

static void test_node_count(void **state)
{
	struct diags d = { 0 };
	int rc;
	static const char beta[] =
		"[node beta]\nmanagement = 192.0.2.12\nreplication = 198.51.100.12\n";
	char *text;

	(void)state;
	expect_one_error(conf_with(beta, "\n\n\n"),
			 "t.conf:5: a cluster has exactly two [node] sections; found 1");

	/* No node at all: reported at [cluster]; the preferred node is unknown too. */
	text = conf_with(beta, "\n\n\n");
	text = subst_free(text,
			  "[node alpha]\nmanagement = 192.0.2.11\nreplication = 198.51.100.11\n",
			  "\n\n\n");
	rc = validate(text, &d);
	assert_diag_count(&d, 2);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(d.msg[0],
			    "t.conf:1: a cluster has exactly two [node] sections; found 0");
	assert_string_equal(d.msg[1],
			    "t.conf:26: preferred_node: 'alpha' is not a [node] of this cluster");
	diags_free(&d);
}

static void test_same_addresses(void **state)
{
	struct diags d = { 0 };
	int rc;
	char *text;

	(void)state;
	expect_one_error(conf_with("management = 192.0.2.12", "management = 192.0.2.11"),
			 "t.conf:10: management: 192.0.2.11 is also node alpha's address");
	expect_one_error(conf_with("replication = 198.51.100.12", "replication = 198.51.100.11"),
			 "t.conf:11: replication: 198.51.100.11 is also node alpha's address");
	expect_one_error(
		conf_with("management = 192.0.2.12", "management = 198.51.100.11"),
		"t.conf:10: management: 198.51.100.11 is node alpha's replication address");
	expect_one_error(conf_with("management = 192.0.2.11", "management = 198.51.100.12"),
			 "t.conf:6: management: 198.51.100.12 is node beta's replication address");

	/* One address for everything: every clash is named. */
	text = conf_with("management = 192.0.2.12", "management = 192.0.2.11");
	text = subst_free(text, "replication = 198.51.100.11", "replication = 192.0.2.11");
	text = subst_free(text, "replication = 198.51.100.12", "replication = 192.0.2.11");
	rc = validate(text, &d);
	assert_diag_count(&d, 4);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(d.msg[0],
			    "t.conf:10: management: 192.0.2.11 is also node alpha's address");
	assert_string_equal(d.msg[1],
			    "t.conf:11: replication: 192.0.2.11 is also node alpha's address");
	assert_string_equal(d.msg[2],
			    "t.conf:6: management: 192.0.2.11 is node beta's replication address");
	assert_string_equal(
		d.msg[3], "t.conf:10: management: 192.0.2.11 is node alpha's replication address");
	diags_free(&d);
}

static void test_links(void **state)
{
	static const char repl[] = "[link repl]\ninterface = eth1\nnetwork = replication\n";
	static const char lan[] = "[link lan]\ninterface = eth0\n";
	char *text;

	(void)state;
	expect_one_error(
		conf_with(repl, "\n\n\n"),
		"t.conf:13: heartbeat needs at least two [link] sections for redundancy; found 1");
	text = conf_with(repl, "\n\n\n");
	text = subst_free(text, lan, "\n\n");
	expect_one_error(
		text,
		"t.conf:1: heartbeat needs at least two [link] sections for redundancy; found 0");
	expect_one_error(conf_with("interface = eth1", "interface = eth0"),
			 "t.conf:17: interface: link repl uses eth0 like link lan: not redundant");
	/* Two bcast links are fine; the interface must still differ. */
	text = conf_with("interface = eth0\n", "interface = eth0\nmode = bcast\n");
	text = subst_free(text, "network = replication", "mode = bcast");
	{
		struct diags d = { 0 };
		int rc;

		rc = validate(text, &d);
		assert_diag_count(&d, 0);
		assert_int_equal(rc, 0);
	}
}

static void test_ipv6_ucast(void **state)
{
	struct diags d = { 0 };
	int rc;
	char *text;

	(void)state;
	/* IPv6 replication addresses: the ucast link on that network is refused, once per node. */
	text = conf_with("replication = 198.51.100.11", "replication = fd00::11");
	text = subst_free(text, "replication = 198.51.100.12", "replication = fd00::12");
	rc = validate(text, &d);
	assert_diag_count(&d, 2);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(d.msg[0],
			    "t.conf:18: network: link repl would send heartbeat ucast to fd00::11, "
			    "an IPv6 address; ha-vz renders ucast links for IPv4 only");
	assert_string_equal(d.msg[1],
			    "t.conf:18: network: link repl would send heartbeat ucast to fd00::12, "
			    "an IPv6 address; ha-vz renders ucast links for IPv4 only");
	diags_free(&d);

	/* The same link in bcast mode is fine. */
	text = conf_with("replication = 198.51.100.11", "replication = fd00::11");
	text = subst_free(text, "replication = 198.51.100.12", "replication = fd00::12");
	text = subst_free(text, "network = replication", "network = replication\nmode = bcast");
	rc = validate(text, &d);
	assert_diag_count(&d, 0);
	assert_int_equal(rc, 0);

	/* A link on the default network (management) is reported at its header. */
	text = conf_with("management = 192.0.2.11", "management = 2001:db8::11");
	expect_one_error(text,
			 "t.conf:13: network: link lan would send heartbeat ucast to 2001:db8::11, "
			 "an IPv6 address; ha-vz renders ucast links for IPv4 only");
}

static void test_timing(void **state)
{
	struct diags d = { 0 };
	int rc;

	(void)state;
	expect_one_error(conf_with("authkey\n\n", "authkey\nwarntime = 500ms\n"),
			 "t.conf:4: warntime: 500ms must be longer than keepalive (500ms)");
	/* warntime left at its default: reported at [cluster]. */
	expect_one_error(conf_with("authkey\n\n", "authkey\nkeepalive = 2s\n"),
			 "t.conf:1: warntime: 2000ms must be longer than keepalive (2000ms)");
	expect_one_error(conf_with("authkey\n\n", "authkey\ndeadtime = 2s\n"),
			 "t.conf:4: deadtime: 2000ms must be longer than warntime (2000ms)");
	expect_one_error(conf_with("authkey\n\n", "authkey\nwarntime = 3s\n"),
			 "t.conf:1: deadtime: 3000ms must be longer than warntime (3000ms)");
	expect_one_error(conf_with("authkey\n\n", "authkey\ninitdead = 5999ms\n"),
			 "t.conf:4: initdead: 5999ms must be at least twice deadtime (3000ms)");
	expect_one_error(conf_with("authkey\n\n", "authkey\ndeadtime = 11s\n"),
			 "t.conf:1: initdead: 20000ms must be at least twice deadtime (11000ms)");
	/* The edges that pass: warntime just over keepalive, initdead exactly twice deadtime. */
	assert_int_equal(validate(conf_with("authkey\n\n", "authkey\ninitdead = 6s\n"), &d), 0);
	assert_int_equal(validate(conf_with("authkey\n\n", "authkey\nwarntime = 501ms\n"), &d), 0);
	rc = validate(conf_with("authkey\n\n", "authkey\ndeadtime = 2001ms\n"), &d);
	assert_diag_count(&d, 0);
	assert_int_equal(rc, 0);
}

static void test_pacemaker_reserved(void **state)
{
	struct diags d = { 0 };
	int rc;

	(void)state;
	expect_one_error(
		conf_with("authkey\n\n", "authkey\nstack = pacemaker\n"),
		"t.conf:4: stack: 'pacemaker' is reserved for a later release; use 'heartbeat'");
	rc = validate(conf_with("authkey\n\n", "authkey\nstack = heartbeat\n"), &d);
	assert_diag_count(&d, 0);
	assert_int_equal(rc, 0);
}

static void test_preferred_node(void **state)
{
	(void)state;
	expect_one_error(conf_with("preferred_node = alpha", "preferred_node = gamma"),
			 "t.conf:26: preferred_node: 'gamma' is not a [node] of this cluster");
	expect_one_error(conf_with("preferred_node = alpha", "preferred_node = Alpha"),
			 "t.conf:26: preferred_node: 'Alpha' is not a [node] of this cluster");
}

/* A second container (lines 27-33) sharing nothing with web, plus extra lines. */
#define DB_CT                                                                                      \
	"preferred_node = alpha\n"                                                                 \
	"[container db]\n"                                                                         \
	"minor = 1\n"                                                                              \
	"port = 7790\n"                                                                            \
	"disk = /dev/havz/db\n"                                                                    \
	"size = 2G\n"                                                                              \
	"memory = 256M\n"                                                                          \
	"preferred_node = beta\n"

static void test_two_containers_valid(void **state)
{
	struct diags d = { 0 };
	int rc;

	(void)state;
	rc = validate(conf_with("preferred_node = alpha\n", DB_CT), &d);
	assert_diag_count(&d, 0);
	assert_int_equal(rc, 0);
}

static void test_duplicates(void **state)
{
	char *text;

	(void)state;
	expect_one_error(
		subst_free(conf_with("preferred_node = alpha\n", DB_CT), "minor = 1", "minor = 0"),
		"t.conf:28: minor: 0 is also container web's (line 21)");
	expect_one_error(subst_free(conf_with("preferred_node = alpha\n", DB_CT), "port = 7790",
				    "port = 7789"),
			 "t.conf:29: port: 7789 is also container web's (line 22)");
	expect_one_error(subst_free(conf_with("preferred_node = alpha\n", DB_CT),
				    "disk = /dev/havz/db", "disk = /dev/havz/web"),
			 "t.conf:30: disk: /dev/havz/web is also container web's (line 23)");
	/* An explicit mount equal to another container's default one. */
	expect_one_error(subst_free(conf_with("preferred_node = alpha\n", DB_CT),
				    "preferred_node = beta",
				    "preferred_node = beta\nmount = /srv/ha-vz/web"),
			 "t.conf:34: mount: /srv/ha-vz/web is also container web's");
	/* The later container's default mount equal to an explicit one: at its header. */
	expect_one_error(subst_free(conf_with("preferred_node = alpha\n", DB_CT),
				    "preferred_node = alpha\n[",
				    "preferred_node = alpha\nmount = /srv/ha-vz/db\n["),
			 "t.conf:28: mount: /srv/ha-vz/db is also container web's");
	text = conf_with("preferred_node = alpha\n", DB_CT);
	text = subst_free(text, "preferred_node = alpha\n[",
			  "preferred_node = alpha\nservice_ip = 192.0.2.50/24\n[");
	text = subst_free(text, "preferred_node = beta",
			  "preferred_node = beta\nservice_ip = 192.0.2.50/24");
	expect_one_error(text,
			 "t.conf:35: service_ip: 192.0.2.50/24 is also container web's (line 27)");
}

static void test_duplicates_all_reported(void **state)
{
	struct diags d = { 0 };
	int rc;
	static const char twin[] = "preferred_node = alpha\n"
				   "[container db]\n"
				   "minor = 0\n"
				   "port = 7789\n"
				   "disk = /dev/havz/web\n"
				   "size = 2G\n"
				   "memory = 256M\n"
				   "preferred_node = beta\n"
				   "mount = /srv/ha-vz/web\n";

	(void)state;
	rc = validate(conf_with("preferred_node = alpha\n", twin), &d);
	assert_diag_count(&d, 4);
	assert_int_equal(rc, -EINVAL);
	assert_string_equal(d.msg[0], "t.conf:28: minor: 0 is also container web's (line 21)");
	assert_string_equal(d.msg[1], "t.conf:29: port: 7789 is also container web's (line 22)");
	assert_string_equal(d.msg[2],
			    "t.conf:30: disk: /dev/havz/web is also container web's (line 23)");
	assert_string_equal(d.msg[3], "t.conf:34: mount: /srv/ha-vz/web is also container web's");
	diags_free(&d);
}

static void test_port_is_control_port(void **state)
{
	struct diags d = { 0 };
	int rc;

	(void)state;
	expect_one_error(conf_with("port = 7789", "port = 7799"),
			 "t.conf:22: port: 7799 is the cluster's control_port");
	expect_one_error(conf_with("authkey\n\n", "authkey\ncontrol_port = 7789\n"),
			 "t.conf:22: port: 7789 is the cluster's control_port");
	rc = validate(conf_with("authkey\n\n", "authkey\ncontrol_port = 7790\n"), &d);
	assert_diag_count(&d, 0);
	assert_int_equal(rc, 0);
}

static void test_service_ip_is_node_address(void **state)
{
	struct diags d = { 0 };

	(void)state;
	expect_one_error(conf_with("preferred_node = alpha\n",
				   "preferred_node = alpha\nservice_ip = 192.0.2.11/24\n"),
			 "t.conf:27: service_ip: 192.0.2.11 is an address of node alpha");
	expect_one_error(conf_with("preferred_node = alpha\n",
				   "preferred_node = alpha\nservice_ip = 198.51.100.12/24\n"),
			 "t.conf:27: service_ip: 198.51.100.12 is an address of node beta");
	/* A prefix of a node's address is another address. */
	assert_int_equal(validate(conf_with("preferred_node = alpha\n",
					    "preferred_node = alpha\nservice_ip = 192.0.2.1/24\n"),
				  &d),
			 0);
	assert_int_equal(
		validate(conf_with("preferred_node = alpha\n",
				   "preferred_node = alpha\nservice_ip = 192.0.2.111/24\n"),
			 &d),
		0);
	assert_diag_count(&d, 0);
}

/* BASE_CONF with auth_key_file = path. */
static char *conf_key(const char *path)
{
	char line[512];

	snprintf(line, sizeof(line), "auth_key_file = %s", path);
	return subst(BASE_CONF, "auth_key_file = /etc/ha-vz/authkey", line);
}

/*
 * A key file with text and mode; validation must give
 * "t.conf:3: auth_key_file: PATH" followed by want_tail (NULL: no error).
 */
static void check_key_file(const char *name, const char *text, mode_t mode, const char *want_tail)
{
	char *path = file_make(dir, name, text, mode), want[1024];
	struct diags d = { 0 };
	int rc = validate(conf_key(path), &d);

	if (!want_tail) {
		assert_diag_count(&d, 0);
		assert_int_equal(rc, 0);
	} else {
		assert_int_equal(rc, -EINVAL);
		snprintf(want, sizeof(want), "t.conf:3: auth_key_file: %s%s", path, want_tail);
		assert_one_diag(&d, want);
	}
	diags_free(&d);
	assert_int_equal(unlink(path), 0);
	free(path);
}

static void test_auth_key_missing(void **state)
{
	char *path, want[1024];

	(void)state;
	assert_true(asprintf(&path, "%s/no-such-key", dir) > 0);
	snprintf(want, sizeof(want),
		 "t.conf:3: auth_key_file: %s: No such file or directory (create it with 'ha-vz "
		 "keygen')",
		 path);
	expect_one_error(conf_key(path), want);
	free(path);
}

static void test_auth_key_mode(void **state)
{
	(void)state;
	check_key_file("k0640", GOOD_KEY, 0640,
		       " is accessible by group or others (mode 0640); run chmod 600");
	check_key_file("k0604", GOOD_KEY, 0604,
		       " is accessible by group or others (mode 0604); run chmod 600");
	check_key_file("k0610", GOOD_KEY, 0610,
		       " is accessible by group or others (mode 0610); run chmod 600");
	check_key_file("k0601", GOOD_KEY, 0601,
		       " is accessible by group or others (mode 0601); run chmod 600");
	check_key_file("k0600", GOOD_KEY "\n", 0600, NULL);
	check_key_file("k0400", GOOD_KEY, 0400, NULL);
}

static void test_auth_key_not_a_key(void **state)
{
	static const char *const fmt = /* the tail of the message */
		" does not hold a key (16 to 256 printable characters on one line)";
	char big[5000];

	(void)state;
	check_key_file("short", "0123456789abcde\n", 0600, fmt);
	check_key_file("empty", "", 0600, fmt);
	check_key_file("spaces", "0123456789 abcdef\n", 0600, fmt);
	check_key_file("twolines", "0123456789abcdef\n0123456789abcdef\n", 0600, fmt);
	/* Exactly 16 characters, then CRLF: a key. */
	check_key_file("crlf", "0123456789abcdef\r\n", 0600, NULL);
	memset(big, 'k', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	check_key_file("big", big, 0600, ": File too large");
}

static void test_auth_key_not_regular(void **state)
{
	char *path, want[1024];

	(void)state;
	assert_true(asprintf(&path, "%s/keydir", dir) > 0);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(want, sizeof(want), "t.conf:3: auth_key_file: %s is not a regular file", path);
	expect_one_error(conf_key(path), want);
	assert_int_equal(rmdir(path), 0);
	free(path);
}

/*
 * BASE_CONF with fencing = resource-and-stonith and alpha's and beta's [node]
 * sections ending with alpha_extra and beta_extra. Lines: [node alpha] 5,
 * alpha's extra from 8; [node beta] then follows.
 */
static char *conf_stonith(const char *alpha_extra, const char *beta_extra)
{
	char a[1024], b[1024];
	char *text = conf_with("preferred_node = alpha\n",
			       "preferred_node = alpha\n[drbd]\nfencing = resource-and-stonith\n");

	snprintf(a, sizeof(a), "198.51.100.11\n%s", alpha_extra);
	snprintf(b, sizeof(b), "198.51.100.12\n%s", beta_extra);
	text = subst_free(text, "198.51.100.11\n", a);
	return subst_free(text, "198.51.100.12\n", b);
}

/* An ipmi fence for a node, its password file pw (a path). */
static char *ipmi_fence(const char *pw)
{
	char *out;

	assert_true(asprintf(&out,
			     "fence = ipmi\nfence_address = 10.99.3.11\nfence_user = admin\n"
			     "fence_password_file = %s\n",
			     pw) > 0);
	return out;
}

static void test_stonith_valid(void **state)
{
	char *pw = file_make(dir, "alpha.pw", "s3cret\n", 0600);
	char *fa = ipmi_fence(pw);
	struct diags d = { 0 };

	(void)state;
	/* One fenceable node, the other spelled out as none: valid. */
	assert_int_equal(validate(conf_stonith(fa, "fence = none\n"), &d), 0);
	assert_diag_count(&d, 0);
	/* fence keys without resource-and-stonith (fence-test and fence still use them). */
	assert_int_equal(
		validate(subst_free(conf_stonith(fa, ""), "resource-and-stonith", "resource-only"),
			 &d),
		0);
	assert_diag_count(&d, 0);
	free(fa);
	assert_int_equal(unlink(pw), 0);
	free(pw);
}

static void test_stonith_needs_fence_everywhere(void **state)
{
	char *pw = file_make(dir, "alpha.pw", "s3cret\n", 0600);
	char *fa = ipmi_fence(pw);
	struct diags d = { 0 };

	(void)state;
	/* beta says nothing: an error at its section, naming the fencing line (29). */
	expect_one_error(conf_stonith(fa, ""),
			 "t.conf:13: [node beta]: missing key 'fence' (fencing = "
			 "resource-and-stonith, line 32: ipmi, or none spelled out)");
	/* Both none: nobody could be fenced. */
	expect_one_error(conf_stonith("fence = none\n", "fence = none\n"),
			 "t.conf:30: fencing: resource-and-stonith, but every node has fence = "
			 "none: no node could ever be fenced");
	/* Neither says anything: two errors, one per node; not the "every none" one. */
	assert_int_equal(validate(conf_stonith("", ""), &d), -EINVAL);
	assert_diag_count(&d, 2);
	assert_diag(&d, "t.conf:5: [node alpha]: missing key 'fence' (fencing = "
			"resource-and-stonith, line 28: ipmi, or none spelled out)");
	diags_free(&d);
	free(fa);
	assert_int_equal(unlink(pw), 0);
	free(pw);
}

static void test_fence_ipmi_needs_keys(void **state)
{
	struct diags d = { 0 };

	(void)state;
	assert_int_equal(validate(conf_stonith("fence = ipmi\n", "fence = none\n"), &d), -EINVAL);
	assert_diag_count(&d, 3);
	assert_diag(&d, "t.conf:8: fence: ipmi needs fence_address in [node alpha]");
	assert_diag(&d, "t.conf:8: fence: ipmi needs fence_user in [node alpha]");
	assert_diag(&d, "t.conf:8: fence: ipmi needs fence_password_file in [node alpha]");
	diags_free(&d);
	/* fence_* on a node without ipmi; beta's missing password file also reported. */
	assert_int_equal(validate(conf_stonith("fence = none\nfence_user = admin\n",
					       "fence = ipmi\nfence_address = 10.99.3.12\n"
					       "fence_user = admin\n"
					       "fence_password_file = /nonexistent/pw\n"),
				  &d),
			 -EINVAL);
	assert_diag_count(&d, 2);
	assert_diag(&d, "t.conf:9: fence_user: only with fence = ipmi (node alpha has fence = "
			"none)");
	assert_diag(&d, "t.conf:17: fence_password_file: /nonexistent/pw: No such file or "
			"directory");
	diags_free(&d);
	expect_one_error(
		subst_free(conf_stonith("fence = none\n", "fence_cipher = 1\n"),
			   "resource-and-stonith", "resource-only"),
		"t.conf:13: fence_cipher: only with fence = ipmi (node beta has no fence)");
}

static void test_fence_password_file(void **state)
{
	static const struct {
		const char *name, *text;
		mode_t mode;
		const char *tail; /* NULL: valid */
	} cases[] = {
		{ "p0600", "s3cret\n", 0600, NULL },
		{ "p0400", "s3cret", 0400, NULL },
		{ "p0640", "s3cret\n", 0640,
		  " is accessible by group or others (mode 0640); run chmod 600" },
		{ "p0604", "s3cret\n", 0604,
		  " is accessible by group or others (mode 0604); run chmod 600" },
		{ "pempty", "", 0600,
		  " does not hold a BMC password (1 to 20 characters on one line)" },
		{ "plong", "123456789012345678901\n", 0600,
		  " does not hold a BMC password (1 to 20 characters on one line)" },
		{ "ptwo", "s3cret\nmore\n", 0600,
		  " does not hold a BMC password (1 to 20 characters on one line)" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *pw = file_make(dir, cases[i].name, cases[i].text, cases[i].mode);
		char *fa = ipmi_fence(pw), want[1024];
		struct diags d = { 0 };
		int rc = validate(conf_stonith(fa, "fence = none\n"), &d);

		if (!cases[i].tail) {
			assert_diag_count(&d, 0);
			assert_int_equal(rc, 0);
		} else {
			assert_int_equal(rc, -EINVAL);
			snprintf(want, sizeof(want), "t.conf:11: fence_password_file: %s%s", pw,
				 cases[i].tail);
			assert_one_diag(&d, want);
		}
		diags_free(&d);
		free(fa);
		assert_int_equal(unlink(pw), 0);
		free(pw);
	}
	{
		char *fa = ipmi_fence("/nonexistent/alpha.pw");

		expect_one_error(conf_stonith(fa, "fence = none\n"),
				 "t.conf:11: fence_password_file: /nonexistent/alpha.pw: No such "
				 "file or directory");
		free(fa);
	}
}

static void test_fence_and_ping_addresses(void **state)
{
	char *pw = file_make(dir, "alpha.pw", "s3cret\n", 0600);
	char *fa = ipmi_fence(pw);
	char *text;

	(void)state;
	text = subst(fa, "10.99.3.11", "192.0.2.12");
	expect_one_error(conf_stonith(text, "fence = none\n"),
			 "t.conf:9: fence_address: 192.0.2.12 is an address of node beta, not of "
			 "its BMC");
	free(text);
	expect_one_error(conf_with("authkey\n", "authkey\nping = 10.99.1.1 198.51.100.11\n"),
			 "t.conf:4: ping: 198.51.100.11 is an address of node alpha; ping the "
			 "clients' gateway instead");
	free(fa);
	assert_int_equal(unlink(pw), 0);
	free(pw);
}

static void test_after_sb_refused(void **state)
{
	static const struct {
		const char *line, *want; /* want NULL: accepted */
	} cases[] = {
		{ "after_sb_0pri = disconnect\n", NULL },
		{ "after_sb_0pri = discard-zero-changes\n", NULL },
		{ "after_sb_0pri = discard-least-changes\n",
		  "t.conf:28: after_sb_0pri: discard-least-changes can discard writes a Primary "
		  "acknowledged; use disconnect, discard-zero-changes" },
		{ "after_sb_0pri = discard-younger-primary\n",
		  "t.conf:28: after_sb_0pri: discard-younger-primary can discard writes a Primary "
		  "acknowledged; use disconnect, discard-zero-changes" },
		{ "after_sb_0pri = discard-remote\n",
		  "t.conf:28: after_sb_0pri: discard-remote can discard writes a Primary "
		  "acknowledged; use disconnect, discard-zero-changes" },
		{ "after_sb_1pri = consensus\n", NULL },
		{ "after_sb_1pri = disconnect\n", NULL },
		{ "after_sb_1pri = discard-secondary\n",
		  "t.conf:28: after_sb_1pri: discard-secondary can discard writes a Primary "
		  "acknowledged; use disconnect, consensus" },
		{ "after_sb_1pri = violently-as0p\n",
		  "t.conf:28: after_sb_1pri: violently-as0p can discard writes a Primary "
		  "acknowledged; use disconnect, consensus" },
		{ "after_sb_1pri = call-pri-lost-after-sb\n",
		  "t.conf:28: after_sb_1pri: call-pri-lost-after-sb can discard writes a Primary "
		  "acknowledged; use disconnect, consensus" },
		{ "after_sb_2pri = disconnect\n", NULL },
		{ "after_sb_2pri = violently-as0p\n",
		  "t.conf:28: after_sb_2pri: violently-as0p can discard writes a Primary "
		  "acknowledged; use disconnect" },
		{ "after_sb_2pri = call-pri-lost-after-sb\n",
		  "t.conf:28: after_sb_2pri: call-pri-lost-after-sb can discard writes a Primary "
		  "acknowledged; use disconnect" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char to[256];
		char *text;

		snprintf(to, sizeof(to), "preferred_node = alpha\n[drbd]\n%s", cases[i].line);
		text = conf_with("preferred_node = alpha\n", to);
		if (cases[i].want) {
			expect_one_error(text, cases[i].want);
		} else {
			struct diags d = { 0 };

			assert_int_equal(validate(text, &d), 0);
			assert_diag_count(&d, 0);
		}
	}
}

static void test_load(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = conf_with(NULL, NULL), *path;

	(void)state;
	path = file_make(dir, "good.conf", text, 0644);
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), 0);
	assert_diag_count(&d, 0);
	assert_string_equal(cfg.file, path);
	assert_string_equal(cfg.cluster_name, "demo");
	assert_int_equal(cfg.n_containers, 1);
	havz_config_free(&cfg);
	free(path);
	free(text);
}

static void test_load_errors(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *path, *text, want[1024];
	FILE *f;

	(void)state;
	/* Missing. */
	assert_true(asprintf(&path, "%s/missing.conf", dir) > 0);
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), -ENOENT);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_one_diag(&d, want);
	diags_free(&d);
	free(path);

	/* A directory. */
	assert_int_equal(havz_config_load(dir, &cfg, diag_collect, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file of at most 1 MiB", dir);
	assert_one_diag(&d, want);
	diags_free(&d);

	/* NUL bytes. */
	assert_true(asprintf(&path, "%s/nul.conf", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite("[cluster]\n\0x\n", 1, 13, f), 13);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s: contains NUL bytes: not a text file", path);
	assert_one_diag(&d, want);
	diags_free(&d);
	free(path);

	/* Over 1 MiB. */
	assert_true(asprintf(&path, "%s/huge.conf", dir) > 0);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 1024; i++) {
		char line[1024];

		memset(line, 'x', sizeof(line) - 1);
		line[0] = '#';
		line[sizeof(line) - 1] = '\n';
		assert_int_equal(fwrite(line, 1, sizeof(line), f), sizeof(line));
	}
	assert_int_equal(fclose(f), 0);
	/* Exactly 1 MiB is read (and parsed: comments only)... */
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s:1024: missing [cluster] section", path);
	assert_one_diag(&d, want);
	diags_free(&d);
	/* ...one byte more is refused unread. */
	f = fopen(path, "a");
	assert_non_null(f);
	assert_int_equal(fputc('\n', f), '\n');
	assert_int_equal(fclose(f), 0);
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), -EINVAL);
	snprintf(want, sizeof(want), "%s: not a regular file of at most 1 MiB", path);
	assert_one_diag(&d, want);
	diags_free(&d);
	free(path);

	/* A parse error names the file it was loaded from. */
	text = conf_with("name = demo", "name = 9demo");
	path = file_make(dir, "bad.conf", text, 0644);
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:2: name: '9demo' is not a name (a letter, then letters, digits, '-', '_'; at "
		 "most 32)",
		 path);
	assert_one_diag(&d, want);
	assert_null(cfg.containers);
	diags_free(&d);
	free(path);
	free(text);

	/* A validation error too, and the configuration is released. */
	text = conf_with("preferred_node = alpha", "preferred_node = gamma");
	path = file_make(dir, "invalid.conf", text, 0644);
	assert_int_equal(havz_config_load(path, &cfg, diag_collect, &d), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:26: preferred_node: 'gamma' is not a [node] of this cluster", path);
	assert_one_diag(&d, want);
	assert_null(cfg.containers);
	assert_int_equal(cfg.n_containers, 0);
	diags_free(&d);
	free(path);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_is_valid),
		cmocka_unit_test(test_node_count),
		cmocka_unit_test(test_same_addresses),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_ipv6_ucast),
		cmocka_unit_test(test_timing),
		cmocka_unit_test(test_pacemaker_reserved),
		cmocka_unit_test(test_preferred_node),
		cmocka_unit_test(test_two_containers_valid),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_duplicates_all_reported),
		cmocka_unit_test(test_port_is_control_port),
		cmocka_unit_test(test_service_ip_is_node_address),
		cmocka_unit_test(test_auth_key_missing),
		cmocka_unit_test(test_auth_key_mode),
		cmocka_unit_test(test_auth_key_not_a_key),
		cmocka_unit_test(test_auth_key_not_regular),
		cmocka_unit_test(test_stonith_valid),
		cmocka_unit_test(test_stonith_needs_fence_everywhere),
		cmocka_unit_test(test_fence_ipmi_needs_keys),
		cmocka_unit_test(test_fence_password_file),
		cmocka_unit_test(test_fence_and_ping_addresses),
		cmocka_unit_test(test_after_sb_refused),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_errors),
	};

	return cmocka_run_group_tests_name("validate", tests, group_setup, group_teardown);
}
