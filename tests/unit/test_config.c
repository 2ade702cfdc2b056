// SPDX-License-Identifier: GPL-2.0-only
/* The ha-vz.conf parser: sections, keys, defaults and every parse error. */
#include "helpers.h"

#include <errno.h>

#include "havz/config.h"

/* Parses text as "t.conf"; returns the result, diagnostics in d. */
static int parse(const char *text, struct havz_config *cfg, struct diags *d)
{
	return havz_config_parse("t.conf", text, cfg, diag_collect, d);
}

/* Parses text and expects exactly one error, want; frees text. */
static void expect_one_error(char *text, const char *want)
{
	struct havz_config cfg;
	struct diags d = { 0 };

	assert_int_equal(parse(text, &cfg, &d), -EINVAL);
	assert_one_diag(&d, want);
	/* A failed parse leaves nothing to free. */
	assert_null(cfg.containers);
	assert_int_equal(cfg.n_containers, 0);
	diags_free(&d);
	free(text);
}

static void test_base_parses_with_defaults(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	const struct havz_container *ct;

	(void)state;
	assert_int_equal(parse(BASE_CONF, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	assert_string_equal(cfg.file, "t.conf");
	assert_string_equal(cfg.cluster_name, "demo");
	assert_true(cfg.have_cluster);
	assert_int_equal(cfg.cluster_line, 1);
	assert_int_equal(cfg.stack, HAVZ_STACK_HEARTBEAT);
	assert_int_equal(cfg.keepalive_ms, 500);
	assert_int_equal(cfg.warntime_ms, 2000);
	assert_int_equal(cfg.deadtime_ms, 3000);
	assert_int_equal(cfg.initdead_ms, 20000);
	assert_int_equal(cfg.udpport, 694);
	assert_false(cfg.auto_failback);
	assert_string_equal(cfg.auth_key_file, "/etc/ha-vz/authkey");
	assert_int_equal(cfg.auth_key_file_at.line, 3);
	assert_int_equal(cfg.stack_at.line, 0);
	assert_int_equal(cfg.deadtime_at.line, 0);
	assert_int_equal(cfg.warntime_at.line, 0);
	assert_int_equal(cfg.initdead_at.line, 0);
	assert_int_equal(cfg.control_port, 7799);
	assert_int_equal(cfg.monitor_interval_ms, 5000);
	assert_int_equal(cfg.max_restarts, 3);
	assert_int_equal(cfg.restart_window_ms, 300000);

	assert_int_equal(cfg.n_nodes, 2);
	assert_string_equal(cfg.nodes[0].name, "alpha");
	assert_int_equal(cfg.nodes[0].line, 5);
	assert_string_equal(cfg.nodes[0].management, "192.0.2.11");
	assert_int_equal(cfg.nodes[0].management_at.line, 6);
	assert_string_equal(cfg.nodes[0].replication, "198.51.100.11");
	assert_int_equal(cfg.nodes[0].replication_at.line, 7);
	assert_string_equal(cfg.nodes[1].name, "beta");
	assert_int_equal(cfg.nodes[1].line, 9);
	assert_string_equal(cfg.nodes[1].management, "192.0.2.12");
	assert_string_equal(cfg.nodes[1].replication, "198.51.100.12");
	assert_int_equal(cfg.nodes[1].replication_at.line, 11);

	assert_int_equal(cfg.n_links, 2);
	assert_string_equal(cfg.links[0].name, "lan");
	assert_string_equal(cfg.links[0].interface, "eth0");
	assert_int_equal(cfg.links[0].mode, HAVZ_LINK_UCAST);
	assert_int_equal(cfg.links[0].network, HAVZ_NET_MANAGEMENT);
	assert_int_equal(cfg.links[0].line, 13);
	assert_int_equal(cfg.links[0].interface_at.line, 14);
	assert_int_equal(cfg.links[0].network_at.line, 0);
	assert_string_equal(cfg.links[1].name, "repl");
	assert_string_equal(cfg.links[1].interface, "eth1");
	assert_int_equal(cfg.links[1].network, HAVZ_NET_REPLICATION);
	assert_int_equal(cfg.links[1].network_at.line, 18);

	assert_int_equal(cfg.drbd.protocol, 'C');
	assert_true(cfg.drbd.resync_rate == 100ULL << 20);
	assert_string_equal(cfg.drbd.after_sb_0pri, "discard-zero-changes");
	assert_string_equal(cfg.drbd.after_sb_1pri, "consensus");
	assert_string_equal(cfg.drbd.after_sb_2pri, "disconnect");
	assert_string_equal(cfg.drbd.fencing, "resource-only");
	assert_int_equal(cfg.drbd.fencing_at.line, 0);
	assert_int_equal(cfg.n_ping, 0);
	assert_int_equal(cfg.fence_delay_ms, 5000);
	assert_string_equal(cfg.watchdog, "");
	for (size_t i = 0; i < cfg.n_nodes; i++) {
		assert_int_equal(cfg.nodes[i].fence, HAVZ_FENCE_UNSET);
		assert_int_equal(cfg.nodes[i].fence_port, 623);
		assert_int_equal(cfg.nodes[i].fence_cipher, 3);
		assert_string_equal(cfg.nodes[i].fence_address, "");
	}

	assert_int_equal(cfg.n_containers, 1);
	ct = &cfg.containers[0];
	assert_string_equal(ct->name, "web");
	assert_int_equal(ct->line, 20);
	assert_int_equal(ct->minor, 0);
	assert_int_equal(ct->minor_at.line, 21);
	assert_int_equal(ct->port, 7789);
	assert_int_equal(ct->port_at.line, 22);
	assert_string_equal(ct->disk, "/dev/havz/web");
	assert_int_equal(ct->disk_at.line, 23);
	assert_true(ct->size == 2ULL << 30);
	assert_int_equal(ct->size_at.line, 24);
	assert_true(ct->memory == 256ULL << 20);
	assert_int_equal(ct->memory_at.line, 25);
	assert_string_equal(ct->preferred_node, "alpha");
	assert_int_equal(ct->preferred_node_at.line, 26);
	/* Container defaults. */
	assert_string_equal(ct->filesystem, "ext4");
	assert_string_equal(ct->mount, "/srv/ha-vz/web");
	assert_int_equal(ct->mount_at.line, 0);
	assert_string_equal(ct->bridge, "havzbr0");
	assert_string_equal(ct->service_ip, "");
	assert_int_equal(ct->service_ip_at.line, 0);
	assert_int_equal(ct->cpu_millis, 1000);
	assert_int_equal(ct->checkpoint, HAVZ_CKPT_OFF);
	assert_int_equal(ct->precopy_rounds, 4);
	havz_config_free(&cfg);
	assert_null(cfg.containers);
}

static const char full_conf[] = "# every key, none at its default\n"
				"[cluster]\n"
				"name = Full_cluster-2\n"
				"stack = heartbeat\n"
				"keepalive = 1s\n"
				"deadtime = 1m\n"
				"warntime = 30s\n"
				"initdead = 300\n"
				"udpport = 695\n"
				"auth_key_file = /etc/ha-vz/key\n"
				"auto_failback = yes\n"
				"[node n1]\n"
				"management = 2001:db8::1\n"
				"replication = fd00::1\n"
				"[node n2]\n"
				"management = 2001:db8::2\n"
				"replication = fd00::2\n"
				"[link l1]\n"
				"interface = bond0\n"
				"mode = bcast\n"
				"network = management\n"
				"[link l2]\n"
				"interface = eth1.100\n"
				"mode = ucast\n"
				"network = replication\n"
				"[drbd]\n"
				"protocol = A\n"
				"resync_rate = 1G\n"
				"after_sb_0pri = discard-least-changes\n"
				"after_sb_1pri = consensus\n"
				"after_sb_2pri = violently-as0p\n"
				"fencing = resource-and-stonith\n"
				"[container db]\n"
				"minor = 1048575\n"
				"port = 65535\n"
				"disk = /dev/vg0/db\n"
				"size = 16T\n"
				"filesystem = xfs\n"
				"mount = /var/lib/db\n"
				"bridge = br1\n"
				"service_ip = 2001:db8::50/64\n"
				"memory = 1T\n"
				"cpus = 0.01\n"
				"preferred_node = n2\n"
				"checkpoint = switchover\n"
				"precopy_rounds = 16\n"
				"[container cache]\n"
				"minor = 2\n"
				"port = 1\n"
				"disk = /dev/vg0/cache\n"
				"size = 64M\n"
				"memory = 16M\n"
				"cpus = 4096\n"
				"preferred_node = n1\n"
				"precopy_rounds = 0\n";

static void test_every_key(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	const struct havz_container *db, *cache;

	(void)state;
	assert_int_equal(parse(full_conf, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	assert_string_equal(cfg.cluster_name, "Full_cluster-2");
	assert_int_equal(cfg.stack, HAVZ_STACK_HEARTBEAT);
	assert_int_equal(cfg.stack_at.line, 4);
	assert_int_equal(cfg.cluster_line, 2);
	assert_int_equal(cfg.keepalive_ms, 1000);
	assert_int_equal(cfg.deadtime_ms, 60000);
	assert_int_equal(cfg.deadtime_at.line, 6);
	assert_int_equal(cfg.warntime_ms, 30000);
	assert_int_equal(cfg.warntime_at.line, 7);
	assert_int_equal(cfg.initdead_ms, 300000);
	assert_int_equal(cfg.initdead_at.line, 8);
	assert_int_equal(cfg.udpport, 695);
	assert_string_equal(cfg.auth_key_file, "/etc/ha-vz/key");
	assert_true(cfg.auto_failback);
	assert_string_equal(cfg.nodes[0].management, "2001:db8::1");
	assert_string_equal(cfg.nodes[1].replication, "fd00::2");
	assert_string_equal(cfg.links[0].interface, "bond0");
	assert_int_equal(cfg.links[0].mode, HAVZ_LINK_BCAST);
	assert_int_equal(cfg.links[0].network, HAVZ_NET_MANAGEMENT);
	assert_int_equal(cfg.links[0].network_at.line, 21);
	assert_string_equal(cfg.links[1].interface, "eth1.100");
	assert_int_equal(cfg.links[1].mode, HAVZ_LINK_UCAST);
	assert_int_equal(cfg.links[1].network, HAVZ_NET_REPLICATION);
	assert_int_equal(cfg.drbd.protocol, 'A');
	assert_true(cfg.drbd.resync_rate == 1ULL << 30);
	assert_string_equal(cfg.drbd.after_sb_0pri, "discard-least-changes");
	assert_string_equal(cfg.drbd.after_sb_1pri, "consensus");
	assert_string_equal(cfg.drbd.after_sb_2pri, "violently-as0p");
	assert_string_equal(cfg.drbd.fencing, "resource-and-stonith");

	assert_int_equal(cfg.n_containers, 2);
	db = havz_config_container(&cfg, "db");
	cache = havz_config_container(&cfg, "cache");
	assert_ptr_equal(db, &cfg.containers[0]);
	assert_ptr_equal(cache, &cfg.containers[1]);
	assert_null(havz_config_container(&cfg, "nope"));
	assert_int_equal(db->minor, 1048575);
	assert_int_equal(db->port, 65535);
	assert_string_equal(db->disk, "/dev/vg0/db");
	assert_true(db->size == 16ULL << 40);
	assert_string_equal(db->filesystem, "xfs");
	assert_string_equal(db->mount, "/var/lib/db");
	assert_int_equal(db->mount_at.line, 39);
	assert_string_equal(db->bridge, "br1");
	assert_string_equal(db->service_ip, "2001:db8::50/64");
	assert_int_equal(db->service_ip_at.line, 41);
	assert_true(db->memory == 1ULL << 40);
	assert_int_equal(db->cpu_millis, 10);
	assert_string_equal(db->preferred_node, "n2");
	assert_int_equal(db->checkpoint, HAVZ_CKPT_SWITCHOVER);
	assert_int_equal(db->precopy_rounds, 16);
	assert_int_equal(cache->port, 1);
	assert_true(cache->size == 64ULL << 20);
	assert_true(cache->memory == 16ULL << 20);
	assert_int_equal(cache->cpu_millis, 4096000);
	assert_int_equal(cache->precopy_rounds, 0);
	assert_string_equal(cache->mount, "/srv/ha-vz/cache");

	assert_ptr_equal(havz_config_node(&cfg, "n1"), &cfg.nodes[0]);
	assert_ptr_equal(havz_config_node(&cfg, "n2"), &cfg.nodes[1]);
	assert_null(havz_config_node(&cfg, "n3"));
	assert_ptr_equal(havz_config_peer(&cfg, &cfg.nodes[0]), &cfg.nodes[1]);
	assert_ptr_equal(havz_config_peer(&cfg, &cfg.nodes[1]), &cfg.nodes[0]);
	havz_config_free(&cfg);
}

static void test_peer_needs_two_nodes(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = subst(BASE_CONF,
			   "[node beta]\nmanagement = 192.0.2.12\nreplication = 198.51.100.12\n",
			   "\n\n\n");

	(void)state;
	assert_int_equal(parse(text, &cfg, &d), 0); /* the count is the validator's business */
	assert_int_equal(cfg.n_nodes, 1);
	assert_null(havz_config_peer(&cfg, &cfg.nodes[0]));
	havz_config_free(&cfg);
	free(text);
}

static void test_comments_and_whitespace(void **state)
{
	static const char text[] = "# leading comment\n"
				   "; semicolon comment\n"
				   "\n"
				   "   [ cluster ]   # trailing comment\n"
				   "\tname\t=\tdemo\t\t# comment after a value\n"
				   "auth_key_file=/etc/ha-vz/authkey\r\n"
				   "  keepalive   =   750ms   \n"
				   "    ; indented comment\n"
				   "[node\talpha]\n"
				   "management = 192.0.2.11#no space before the comment\n"
				   "replication = 198.51.100.11\n"
				   "[  node   beta  ]\n"
				   "management = 192.0.2.12\n"
				   "replication = 198.51.100.12";
	struct havz_config cfg;
	struct diags d = { 0 };

	(void)state;
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	assert_string_equal(cfg.cluster_name, "demo");
	assert_int_equal(cfg.cluster_line, 4);
	assert_string_equal(cfg.auth_key_file, "/etc/ha-vz/authkey");
	assert_int_equal(cfg.keepalive_ms, 750);
	assert_string_equal(cfg.nodes[0].name, "alpha");
	assert_string_equal(cfg.nodes[0].management, "192.0.2.11");
	assert_string_equal(cfg.nodes[1].name, "beta");
	assert_int_equal(cfg.nodes[1].line, 12);
	/* The last line has no newline and still counts. */
	assert_string_equal(cfg.nodes[1].replication, "198.51.100.12");
	assert_int_equal(cfg.nodes[1].replication_at.line, 14);
	havz_config_free(&cfg);
}

static void test_line_length_limit(void **state)
{
	char *ok = malloc(1024 + 1), *text;
	struct havz_config cfg;
	struct diags d = { 0 };

	(void)state;
	/* A comment of exactly 1024 characters is fine... */
	memset(ok, 'x', 1024);
	ok[0] = '#';
	ok[1024] = '\0';
	text = subst(BASE_CONF, "authkey\n\n", "authkey\n@\n");
	text = subst_free(text, "@", ok);
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	havz_config_free(&cfg);
	free(text);

	/* ...one more is an error at its line, and parsing goes on. */
	text = subst(BASE_CONF, "authkey\n\n", "authkey\n@x\n");
	text = subst_free(text, "@", ok);
	free(ok);
	expect_one_error(text, "t.conf:4: line is longer than 1024 characters");
}

static void test_missing_cluster(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };

	(void)state;
	assert_int_equal(parse("", &cfg, &d), -EINVAL);
	assert_one_diag(&d, "t.conf:1: missing [cluster] section");
	diags_free(&d);

	assert_int_equal(parse("# only\n# comments\n\n", &cfg, &d), -EINVAL);
	assert_one_diag(&d, "t.conf:3: missing [cluster] section");
	diags_free(&d);

	expect_one_error(subst(BASE_CONF,
			       "[cluster]\nname = demo\nauth_key_file = /etc/ha-vz/authkey\n",
			       "\n\n\n"),
			 "t.conf:26: missing [cluster] section");
}

static void test_missing_required_keys(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text;

	(void)state;
	expect_one_error(subst(BASE_CONF, "name = demo", "# no name"),
			 "t.conf:1: [cluster]: missing key 'name'");
	expect_one_error(subst(BASE_CONF, "auth_key_file = /etc/ha-vz/authkey", ""),
			 "t.conf:1: [cluster]: missing key 'auth_key_file'");
	expect_one_error(subst(BASE_CONF, "management = 192.0.2.11", ""),
			 "t.conf:5: [node alpha]: missing key 'management'");
	expect_one_error(subst(BASE_CONF, "replication = 198.51.100.12", ""),
			 "t.conf:9: [node beta]: missing key 'replication'");
	expect_one_error(subst(BASE_CONF, "interface = eth1", ""),
			 "t.conf:16: [link repl]: missing key 'interface'");
	expect_one_error(subst(BASE_CONF, "preferred_node = alpha\n", ""),
			 "t.conf:20: [container web]: missing key 'preferred_node'");

	/* An empty container misses every required key, each reported at its header. */
	text = subst(BASE_CONF, "preferred_node = alpha\n",
		     "preferred_node = alpha\n[container db]\n");
	assert_int_equal(parse(text, &cfg, &d), -EINVAL);
	assert_diag_count(&d, 6);
	assert_string_equal(d.msg[0], "t.conf:27: [container db]: missing key 'minor'");
	assert_string_equal(d.msg[1], "t.conf:27: [container db]: missing key 'port'");
	assert_string_equal(d.msg[2], "t.conf:27: [container db]: missing key 'disk'");
	assert_string_equal(d.msg[3], "t.conf:27: [container db]: missing key 'size'");
	assert_string_equal(d.msg[4], "t.conf:27: [container db]: missing key 'memory'");
	assert_string_equal(d.msg[5], "t.conf:27: [container db]: missing key 'preferred_node'");
	diags_free(&d);
	free(text);

	/* [drbd] has no required key. */
	text = subst(BASE_CONF, "\n[container web]", "[drbd]\n[container web]");
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	havz_config_free(&cfg);
	free(text);
}

static void test_key_errors(void **state)
{
	(void)state;
	expect_one_error(subst(BASE_CONF, "authkey\n\n", "authkey\nbogus = 1\n"),
			 "t.conf:4: bogus: unknown key in [cluster]");
	/* A key of another section is unknown here. */
	expect_one_error(subst(BASE_CONF, "authkey\n\n", "authkey\nminor = 1\n"),
			 "t.conf:4: minor: unknown key in [cluster]");
	expect_one_error(subst(BASE_CONF, "interface = eth0\n\n",
			       "interface = eth0\nNetwork = management\n"),
			 "t.conf:15: Network: unknown key in [link lan]");
	expect_one_error(subst(BASE_CONF, "alpha\n", "alpha\nminor = 3\n"),
			 "t.conf:27: minor: set twice in [container web]");
	expect_one_error(subst(BASE_CONF, "authkey\n\n", "authkey\nname = other\n"),
			 "t.conf:4: name: set twice in [cluster]");
	expect_one_error(subst(BASE_CONF, "name = demo", "name ="), "t.conf:2: name: empty value");
	expect_one_error(subst(BASE_CONF, "name = demo", "name =    # only a comment"),
			 "t.conf:2: name: empty value");
	expect_one_error(subst(BASE_CONF, "authkey\n\n", "authkey\n= demo\n"),
			 "t.conf:4: missing key before '='");
	expect_one_error(subst(BASE_CONF, "authkey\n\n", "authkey\njust some words\n"),
			 "t.conf:4: 'just some words': expected 'key = value'");
	expect_one_error(subst(BASE_CONF, "[cluster]\n", "stray = 1\n[cluster]\n"),
			 "t.conf:1: stray: key outside any section");
}

static void test_section_errors(void **state)
{
	static const char beta[] =
		"[node beta]\nmanagement = 192.0.2.12\nreplication = 198.51.100.12\n";
	static const char more_links[] =
		"alpha\n[link l3]\ninterface = e3\n[link l4]\ninterface = e4\n"
		"[link l5]\ninterface = e5\n[link l6]\ninterface = e6\n"
		"[link l7]\ninterface = e7\n[link l8]\ninterface = e8\n"
		"[link l9]\ninterface = e9\n";

	(void)state;
	expect_one_error(subst(BASE_CONF, "alpha\n", "alpha\n[frobnicate]\nx = 1\n"),
			 "t.conf:27: [frobnicate]: unknown section (expected cluster, node, link, "
			 "drbd or container)");
	expect_one_error(
		subst(BASE_CONF, "alpha\n", "alpha\n[]\n"),
		"t.conf:27: []: unknown section (expected cluster, node, link, drbd or container)");
	expect_one_error(subst(BASE_CONF, "alpha\n", "alpha\n[cluster]\nname = again\n"),
			 "t.conf:27: [cluster]: duplicate section (first at line 1)");
	expect_one_error(subst(BASE_CONF, "alpha\n", "alpha\n[drbd]\n[drbd]\nprotocol = A\n"),
			 "t.conf:28: [drbd]: duplicate section");
	expect_one_error(
		subst(BASE_CONF, beta,
		      "[node alpha]\nmanagement = 192.0.2.12\nreplication = 198.51.100.12\n"),
		"t.conf:9: [node alpha]: duplicate node (first at line 5)");
	expect_one_error(
		subst(BASE_CONF, "alpha\n", "alpha\n[node gamma]\nmanagement = 192.0.2.13\n"),
		"t.conf:27: [node gamma]: a cluster has exactly two nodes; this is a third");
	expect_one_error(subst(BASE_CONF, "[link repl]", "[link lan]"),
			 "t.conf:16: [link lan]: duplicate link (first at line 13)");
	expect_one_error(subst(BASE_CONF, "alpha\n", more_links),
			 "t.conf:39: [link l9]: too many links (at most 8)");
	expect_one_error(subst(BASE_CONF, "alpha\n", "alpha\n[container web]\nminor = 1\n"),
			 "t.conf:27: [container web]: duplicate container (first at line 20)");
	expect_one_error(subst(BASE_CONF, "[node alpha]", "[node]"),
			 "t.conf:5: [node]: section needs a name, as in [node NAME]");
	expect_one_error(subst(BASE_CONF, "[container web]", "[container]"),
			 "t.conf:20: [container]: section needs a name, as in [container NAME]");
	expect_one_error(subst(BASE_CONF, "alpha\n", "alpha\n[drbd main]\nprotocol = A\n"),
			 "t.conf:27: [drbd]: unexpected words in section header");
	expect_one_error(subst(BASE_CONF, "[link lan]", "[link lan extra]"),
			 "t.conf:13: [link]: unexpected words in section header");
	expect_one_error(subst(BASE_CONF, "[node beta]", "[node 2beta]"),
			 "t.conf:9: [node 2beta]: '2beta' is not a name (a letter, then letters, "
			 "digits, '-', '_'; at most 32)");
	expect_one_error(subst(BASE_CONF, "[container web]",
			       "[container abcdefghijabcdefghijabcdefghijabc]"),
			 "t.conf:20: [container abcdefghijabcdefghijabcdefghijabc]: "
			 "'abcdefghijabcdefghijabcdefghijabc' is not a name (a letter, then "
			 "letters, digits, '-', '_'; at most 32)");
}

static void test_malformed_header(void **state)
{
	(void)state;
	expect_one_error(subst(BASE_CONF, "[node beta]", "[node beta"),
			 "t.conf:9: [node beta: malformed section header (expected [kind name])");
	expect_one_error(
		subst(BASE_CONF, "[node beta]", "[node beta] trailing"),
		"t.conf:9: [node beta] trailing: malformed section header (expected [kind name])");
	expect_one_error(
		subst(BASE_CONF, "[link repl]", "[link repl]]"),
		"t.conf:16: [link repl]]: malformed section header (expected [kind name])");
}

/* The section before a malformed header is still checked; the keys after it are skipped. */
static void test_malformed_header_ends_section(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = subst(BASE_CONF, "preferred_node = alpha\n", "[drbd\nprotocol = A\n");

	(void)state;
	assert_int_equal(parse(text, &cfg, &d), -EINVAL);
	assert_diag_count(&d, 2);
	assert_string_equal(d.msg[0], "t.conf:20: [container web]: missing key 'preferred_node'");
	assert_string_equal(d.msg[1],
			    "t.conf:26: [drbd: malformed section header (expected [kind name])");
	diags_free(&d);
	free(text);

	/* A malformed first header: its keys are not reported as outside any section. */
	text = subst(BASE_CONF, "[cluster]", "[cluster");
	assert_int_equal(parse(text, &cfg, &d), -EINVAL);
	assert_diag_count(&d, 2);
	assert_string_equal(d.msg[0],
			    "t.conf:1: [cluster: malformed section header (expected [kind name])");
	assert_string_equal(d.msg[1], "t.conf:26: missing [cluster] section");
	diags_free(&d);
	free(text);
}

/* One line replaced by another, and the single error it gives. */
struct bad_value {
	const char *from, *to, *want;
};

static const struct bad_value bad_values[] = {
	{ "name = demo", "name = 1demo",
	  "t.conf:2: name: '1demo' is not a name (a letter, then letters, digits, '-', '_'; at "
	  "most 32)" },
	{ "name = demo", "name = abcdefghijabcdefghijabcdefghijabc",
	  "t.conf:2: name: 'abcdefghijabcdefghijabcdefghijabc' is not a name (a letter, then "
	  "letters, digits, '-', '_'; at most 32)" },
	{ "authkey\n\n", "authkey\nstack = corosync\n",
	  "t.conf:4: stack: 'corosync' is not one of: heartbeat, pacemaker" },
	{ "authkey\n\n", "authkey\nkeepalive = fast\n",
	  "t.conf:4: keepalive: 'fast' is not a duration (e.g. 500ms, 3s, 1m)" },
	{ "authkey\n\n", "authkey\nkeepalive = 1.5s\n",
	  "t.conf:4: keepalive: '1.5s' is not a duration (e.g. 500ms, 3s, 1m)" },
	{ "authkey\n\n", "authkey\nkeepalive = 99ms\n",
	  "t.conf:4: keepalive: 99ms is out of range (100ms..60000ms)" },
	{ "authkey\n\n", "authkey\nkeepalive = 60001ms\n",
	  "t.conf:4: keepalive: 60001ms is out of range (100ms..60000ms)" },
	{ "authkey\n\n", "authkey\ndeadtime = 499ms\n",
	  "t.conf:4: deadtime: 499ms is out of range (500ms..600000ms)" },
	{ "authkey\n\n", "authkey\ndeadtime = 11m\n",
	  "t.conf:4: deadtime: 11m is out of range (500ms..600000ms)" },
	{ "authkey\n\n", "authkey\nwarntime = 199ms\n",
	  "t.conf:4: warntime: 199ms is out of range (200ms..600000ms)" },
	{ "authkey\n\n", "authkey\ninitdead = 999ms\n",
	  "t.conf:4: initdead: 999ms is out of range (1000ms..3600000ms)" },
	{ "authkey\n\n", "authkey\ninitdead = 61m\n",
	  "t.conf:4: initdead: 61m is out of range (1000ms..3600000ms)" },
	{ "authkey\n\n", "authkey\nudpport = 0\n",
	  "t.conf:4: udpport: 0 is out of range (1..65535)" },
	{ "authkey\n\n", "authkey\nudpport = 65536\n",
	  "t.conf:4: udpport: 65536 is out of range (1..65535)" },
	{ "authkey\n\n", "authkey\nudpport = 69x\n",
	  "t.conf:4: udpport: '69x' is not a whole number" },
	{ "authkey\n\n", "authkey\nudpport = -1\n",
	  "t.conf:4: udpport: '-1' is not a whole number" },
	{ "authkey\n\n", "authkey\nauto_failback = maybe\n",
	  "t.conf:4: auto_failback: 'maybe' is not on or off" },
	{ "authkey\n\n", "authkey\ncontrol_port = 0\n",
	  "t.conf:4: control_port: 0 is out of range (1..65535)" },
	{ "authkey\n\n", "authkey\ncontrol_port = 65536\n",
	  "t.conf:4: control_port: 65536 is out of range (1..65535)" },
	{ "authkey\n\n", "authkey\nmonitor_interval = 999ms\n",
	  "t.conf:4: monitor_interval: 999ms is out of range (1000ms..3600000ms)" },
	{ "authkey\n\n", "authkey\nmonitor_interval = 61m\n",
	  "t.conf:4: monitor_interval: 61m is out of range (1000ms..3600000ms)" },
	{ "authkey\n\n", "authkey\nmonitor_interval = often\n",
	  "t.conf:4: monitor_interval: 'often' is not a duration (e.g. 500ms, 3s, 1m)" },
	{ "authkey\n\n", "authkey\nmax_restarts = 101\n",
	  "t.conf:4: max_restarts: 101 is out of range (0..100)" },
	{ "authkey\n\n", "authkey\nmax_restarts = many\n",
	  "t.conf:4: max_restarts: 'many' is not a whole number" },
	{ "authkey\n\n", "authkey\nrestart_window = 999ms\n",
	  "t.conf:4: restart_window: 999ms is out of range (1000ms..86400000ms)" },
	{ "authkey\n\n", "authkey\nrestart_window = 1441m\n",
	  "t.conf:4: restart_window: 1441m is out of range (1000ms..86400000ms)" },
	{ "= /etc/ha-vz/authkey", "= etc/ha-vz/authkey",
	  "t.conf:3: auth_key_file: 'etc/ha-vz/authkey' is not a clean absolute path" },
	{ "= /etc/ha-vz/authkey", "= /etc/ha-vz/../authkey",
	  "t.conf:3: auth_key_file: '/etc/ha-vz/../authkey' is not a clean absolute path" },
	{ "management = 192.0.2.11", "management = 192.0.2.300",
	  "t.conf:6: management: '192.0.2.300' is not an IPv4 or IPv6 address" },
	{ "replication = 198.51.100.12", "replication = node-b",
	  "t.conf:11: replication: 'node-b' is not an IPv4 or IPv6 address" },
	{ "management = 192.0.2.12", "management = 192.0.2.12/24",
	  "t.conf:10: management: '192.0.2.12/24' is not an IPv4 or IPv6 address" },
	{ "interface = eth0", "interface = eth0:1",
	  "t.conf:14: interface: 'eth0:1' is not a network interface name" },
	{ "interface = eth0", "interface = abcdefghijklmnop",
	  "t.conf:14: interface: 'abcdefghijklmnop' is not a network interface name" },
	{ "interface = eth0\n\n", "interface = eth0\nmode = mcast\n",
	  "t.conf:15: mode: 'mcast' is not one of: ucast, bcast" },
	{ "network = replication", "network = storage",
	  "t.conf:18: network: 'storage' is not one of: management, replication" },
	{ "alpha\n", "alpha\n[drbd]\nprotocol = D\n",
	  "t.conf:28: protocol: 'D' is not one of: A, B, C" },
	{ "alpha\n", "alpha\n[drbd]\nprotocol = c\n",
	  "t.conf:28: protocol: 'c' is not one of: A, B, C" },
	{ "alpha\n", "alpha\n[drbd]\nresync_rate = fast\n",
	  "t.conf:28: resync_rate: 'fast' is not a size (e.g. 512M, 2G)" },
	{ "alpha\n", "alpha\n[drbd]\nresync_rate = 1023K\n",
	  "t.conf:28: resync_rate: 1023K is out of range (1M..4096M)" },
	{ "alpha\n", "alpha\n[drbd]\nresync_rate = 4097M\n",
	  "t.conf:28: resync_rate: 4097M is out of range (1M..4096M)" },
	{ "alpha\n", "alpha\n[drbd]\nafter_sb_0pri = panic\n",
	  "t.conf:28: after_sb_0pri: 'panic' is not one of: disconnect, discard-younger-primary, "
	  "discard-older-primary, discard-zero-changes, discard-least-changes, discard-local, "
	  "discard-remote" },
	{ "alpha\n", "alpha\n[drbd]\nafter_sb_1pri = discard-local\n",
	  "t.conf:28: after_sb_1pri: 'discard-local' is not one of: disconnect, consensus, "
	  "violently-as0p, discard-secondary, call-pri-lost-after-sb" },
	{ "alpha\n", "alpha\n[drbd]\nafter_sb_2pri = consensus\n",
	  "t.conf:28: after_sb_2pri: 'consensus' is not one of: disconnect, violently-as0p, "
	  "call-pri-lost-after-sb" },
	{ "alpha\n", "alpha\n[drbd]\nfencing = stonith\n",
	  "t.conf:28: fencing: 'stonith' is not one of: dont-care, resource-only, "
	  "resource-and-stonith" },
	{ "minor = 0", "minor = 1048576",
	  "t.conf:21: minor: 1048576 is out of range (0..1048575)" },
	{ "minor = 0", "minor = zero", "t.conf:21: minor: 'zero' is not a whole number" },
	{ "port = 7789", "port = 0", "t.conf:22: port: 0 is out of range (1..65535)" },
	{ "port = 7789", "port = 65536", "t.conf:22: port: 65536 is out of range (1..65535)" },
	{ "disk = /dev/havz/web", "disk = havz/web",
	  "t.conf:23: disk: 'havz/web' is not a clean absolute path" },
	{ "disk = /dev/havz/web", "disk = /dev//havz",
	  "t.conf:23: disk: '/dev//havz' is not a clean absolute path" },
	{ "size = 2G", "size = 63M", "t.conf:24: size: 63M is out of range (64M..16777216M)" },
	{ "size = 2G", "size = 17T", "t.conf:24: size: 17T is out of range (64M..16777216M)" },
	{ "size = 2G", "size = 2 G", "t.conf:24: size: '2 G' is not a size (e.g. 512M, 2G)" },
	{ "size = 2G", "size = 99999999T",
	  "t.conf:24: size: '99999999T' is not a size (e.g. 512M, 2G)" },
	{ "memory = 256M", "memory = 15M",
	  "t.conf:25: memory: 15M is out of range (16M..1048576M)" },
	{ "memory = 256M", "memory = 1025G",
	  "t.conf:25: memory: 1025G is out of range (16M..1048576M)" },
	{ "preferred_node = alpha", "preferred_node = 1alpha",
	  "t.conf:26: preferred_node: '1alpha' is not a node name" },
	{ "alpha\n", "alpha\nfilesystem = btrfs\n",
	  "t.conf:27: filesystem: 'btrfs' is not one of: ext4, xfs" },
	{ "alpha\n", "alpha\nmount = /\n", "t.conf:27: mount: a container cannot be mounted on /" },
	{ "alpha\n", "alpha\nmount = srv/web\n",
	  "t.conf:27: mount: 'srv/web' is not a clean absolute path" },
	{ "alpha\n", "alpha\nbridge = br 0\n",
	  "t.conf:27: bridge: 'br 0' is not a network interface name" },
	{ "alpha\n", "alpha\nservice_ip = 192.0.2.50\n",
	  "t.conf:27: service_ip: '192.0.2.50' is not an address with a prefix length (e.g. "
	  "192.0.2.50/24)" },
	{ "alpha\n", "alpha\nservice_ip = 192.0.2.50/33\n",
	  "t.conf:27: service_ip: '192.0.2.50/33' is not an address with a prefix length (e.g. "
	  "192.0.2.50/24)" },
	{ "alpha\n", "alpha\nservice_ip = 2001:db8::50/129\n",
	  "t.conf:27: service_ip: '2001:db8::50/129' is not an address with a prefix length (e.g. "
	  "192.0.2.50/24)" },
	{ "alpha\n", "alpha\ncpus = 0.009\n",
	  "t.conf:27: cpus: '0.009' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)" },
	{ "alpha\n", "alpha\ncpus = 0\n",
	  "t.conf:27: cpus: '0' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)" },
	{ "alpha\n", "alpha\ncpus = 4096.5\n",
	  "t.conf:27: cpus: '4096.5' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)" },
	{ "alpha\n", "alpha\ncpus = two\n",
	  "t.conf:27: cpus: 'two' is not a CPU count from 0.01 to 4096 (e.g. 1, 0.5)" },
	{ "alpha\n", "alpha\ncheckpoint = always\n",
	  "t.conf:27: checkpoint: 'always' is not one of: off, switchover" },
	{ "alpha\n", "alpha\nprecopy_rounds = 17\n",
	  "t.conf:27: precopy_rounds: 17 is out of range (0..16)" },
	{ "authkey\n\n", "authkey\nping = 10.99.1.1 gateway\n",
	  "t.conf:4: ping: 'gateway' is not an IPv4 or IPv6 address" },
	{ "authkey\n\n", "authkey\nping = 10.99.1.1 10.99.1.1\n",
	  "t.conf:4: ping: 10.99.1.1 is listed twice" },
	{ "authkey\n\n", "authkey\nping = 10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5\n",
	  "t.conf:4: ping: at most 4 addresses" },
	{ "authkey\n\n", "authkey\nfence_delay = 301s\n",
	  "t.conf:4: fence_delay: 301s is out of range (0ms..300000ms)" },
	{ "authkey\n\n", "authkey\nfence_delay = soon\n",
	  "t.conf:4: fence_delay: 'soon' is not a duration (e.g. 500ms, 3s, 1m)" },
	{ "authkey\n\n", "authkey\nwatchdog = dev/watchdog\n",
	  "t.conf:4: watchdog: 'dev/watchdog' is not a clean absolute path" },
	{ "198.51.100.11\n", "198.51.100.11\nfence = ilo\n",
	  "t.conf:8: fence: 'ilo' is not one of: none, ipmi" },
	{ "198.51.100.11\n", "198.51.100.11\nfence_address = bmc-alpha\n",
	  "t.conf:8: fence_address: 'bmc-alpha' is not an IPv4 or IPv6 address" },
	{ "198.51.100.11\n", "198.51.100.11\nfence_port = 65536\n",
	  "t.conf:8: fence_port: 65536 is out of range (1..65535)" },
	{ "198.51.100.11\n", "198.51.100.11\nfence_cipher = 18\n",
	  "t.conf:8: fence_cipher: 18 is out of range (0..17)" },
	{ "198.51.100.11\n", "198.51.100.11\nfence_user = abcdefghijklmnopq\n",
	  "t.conf:8: fence_user: 'abcdefghijklmnopq' is longer than 16 characters (IPMI user "
	  "names)" },
	{ "198.51.100.11\n", "198.51.100.11\nfence_user = ad min\n",
	  "t.conf:8: fence_user: 'ad min' has a character that is not printable or is a space" },
	{ "198.51.100.11\n", "198.51.100.11\nfence_password_file = alpha.pw\n",
	  "t.conf:8: fence_password_file: 'alpha.pw' is not a clean absolute path" },
	{ "198.51.100.11\n", "198.51.100.11\nfence = ipmi\nfence = none\n",
	  "t.conf:9: fence: set twice in [node alpha]" },
};

static void test_bad_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_values) / sizeof(bad_values[0]); i++) {
		if (getenv("HAVZ_TEST_VERBOSE"))
			print_message("# case %zu: %s\n", i, bad_values[i].want);
		expect_one_error(subst(BASE_CONF, bad_values[i].from, bad_values[i].to),
				 bad_values[i].want);
	}
}

static void test_overlong_path(void **state)
{
	char path[300], line[320];

	(void)state;
	/* 256 characters: a clean path, but one more than the field holds. */
	path[0] = '/';
	memset(path + 1, 'p', 255);
	path[256] = '\0';
	snprintf(line, sizeof(line), "= %s", path);
	expect_one_error(subst(BASE_CONF, "= /etc/ha-vz/authkey", line),
			 "t.conf:3: auth_key_file: value is longer than 255 characters");
	/* 255 fits. */
	path[255] = '\0';
	snprintf(line, sizeof(line), "= %s", path);
	{
		struct havz_config cfg;
		struct diags d = { 0 };
		char *text = subst(BASE_CONF, "= /etc/ha-vz/authkey", line);

		assert_int_equal(parse(text, &cfg, &d), 0);
		assert_string_equal(cfg.auth_key_file, path);
		havz_config_free(&cfg);
		free(text);
	}
}

static void test_all_errors_reported(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = subst(BASE_CONF, "name = demo", "name = 9");

	(void)state;
	text = subst_free(text, "management = 192.0.2.12", "management = x");
	text = subst_free(text, "port = 7789", "port = 0");
	text = subst_free(text, "alpha\n", "alpha\nwhat = ever\n");
	assert_int_equal(parse(text, &cfg, &d), -EINVAL);
	assert_diag_count(&d, 4);
	assert_string_equal(d.msg[0], "t.conf:2: name: '9' is not a name (a letter, then letters, "
				      "digits, '-', '_'; at most 32)");
	assert_string_equal(d.msg[1], "t.conf:10: management: 'x' is not an IPv4 or IPv6 address");
	assert_string_equal(d.msg[2], "t.conf:22: port: 0 is out of range (1..65535)");
	assert_string_equal(d.msg[3], "t.conf:27: what: unknown key in [container web]");
	assert_null(cfg.containers);
	diags_free(&d);
	free(text);
}

static void test_accepted_edges(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = subst(BASE_CONF, "authkey\n\n", "authkey\nkeepalive = 100ms\n");

	(void)state;
	text = subst_free(
		text, "alpha\n",
		"alpha\n[drbd]\nresync_rate = 4G\n[container db]\nminor = 1\nport = 7790\n"
		"disk = /dev/havz/db\nsize = 16T\nmemory = 1T\npreferred_node = beta\n"
		"cpus = 0.01\nmount = /srv/db\n");
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	assert_int_equal(cfg.keepalive_ms, 100);
	assert_true(cfg.drbd.resync_rate == 4ULL << 30);
	assert_true(cfg.containers[1].size == 16ULL << 40);
	assert_true(cfg.containers[1].memory == 1ULL << 40);
	assert_int_equal(cfg.containers[1].cpu_millis, 10);
	assert_int_equal(cfg.containers[1].mount_at.line, 37);
	havz_config_free(&cfg);
	free(text);
}

static void test_daemon_keys(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text =
		subst(BASE_CONF, "authkey\n\n",
		      "authkey\ncontrol_port = 65535\nmonitor_interval = 1s\nmax_restarts = 0\n"
		      "restart_window = 1440m\n");

	(void)state;
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	assert_int_equal(cfg.control_port, 65535);
	assert_int_equal(cfg.monitor_interval_ms, 1000);
	assert_int_equal(cfg.max_restarts, 0);
	assert_int_equal(cfg.restart_window_ms, 86400000);
	havz_config_free(&cfg);
	free(text);

	text = subst(BASE_CONF, "authkey\n\n",
		     "authkey\ncontrol_port = 1\nmonitor_interval = 60m\nmax_restarts = 100\n"
		     "restart_window = 1000ms\n");
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_int_equal(cfg.control_port, 1);
	assert_int_equal(cfg.monitor_interval_ms, 3600000);
	assert_int_equal(cfg.max_restarts, 100);
	assert_int_equal(cfg.restart_window_ms, 1000);
	havz_config_free(&cfg);
	free(text);
}

static void test_fence_keys(void **state)
{
	struct havz_config cfg;
	struct diags d = { 0 };
	char *text = subst(BASE_CONF, "authkey\n\n",
			   "authkey\nping = 10.99.1.1 2001:db8::1\nfence_delay = 0\n"
			   "watchdog = /dev/watchdog\n\n");

	(void)state;
	text = subst_free(text, "198.51.100.11\n",
			  "198.51.100.11\nfence = ipmi\nfence_address = 10.99.3.11\n"
			  "fence_port = 9623\nfence_user = admin\n"
			  "fence_password_file = /etc/ha-vz/fence/alpha.pw\nfence_cipher = 17\n");
	text = subst_free(text, "198.51.100.12\n", "198.51.100.12\nfence = none\n");
	text = subst_free(text, "preferred_node = alpha\n",
			  "preferred_node = alpha\n[drbd]\nfencing = resource-and-stonith\n");
	assert_int_equal(parse(text, &cfg, &d), 0);
	assert_diag_count(&d, 0);
	assert_int_equal(cfg.n_ping, 2);
	assert_string_equal(cfg.ping[0], "10.99.1.1");
	assert_string_equal(cfg.ping[1], "2001:db8::1");
	assert_int_equal(cfg.ping_at.line, 4);
	assert_int_equal(cfg.fence_delay_ms, 0);
	assert_string_equal(cfg.watchdog, "/dev/watchdog");
	assert_int_equal(cfg.nodes[0].fence, HAVZ_FENCE_IPMI);
	assert_int_equal(cfg.nodes[0].fence_at.line, 11);
	assert_string_equal(cfg.nodes[0].fence_address, "10.99.3.11");
	assert_int_equal(cfg.nodes[0].fence_port, 9623);
	assert_string_equal(cfg.nodes[0].fence_user, "admin");
	assert_string_equal(cfg.nodes[0].fence_password_file, "/etc/ha-vz/fence/alpha.pw");
	assert_int_equal(cfg.nodes[0].fence_password_file_at.line, 15);
	assert_int_equal(cfg.nodes[0].fence_cipher, 17);
	assert_int_equal(cfg.nodes[1].fence, HAVZ_FENCE_NONE);
	assert_true(havz_config_stonith(&cfg));
	havz_config_free(&cfg);
	free(text);

	assert_int_equal(parse(BASE_CONF, &cfg, &d), 0);
	assert_false(havz_config_stonith(&cfg));
	havz_config_free(&cfg);
}

static void test_no_diag_callback(void **state)
{
	struct havz_config cfg;

	(void)state;
	assert_int_equal(havz_config_parse("t.conf", "[bogus]\n", &cfg, NULL, NULL), -EINVAL);
	assert_int_equal(havz_config_parse("t.conf", BASE_CONF, &cfg, NULL, NULL), 0);
	havz_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_parses_with_defaults),
		cmocka_unit_test(test_fence_keys),
		cmocka_unit_test(test_every_key),
		cmocka_unit_test(test_peer_needs_two_nodes),
		cmocka_unit_test(test_comments_and_whitespace),
		cmocka_unit_test(test_line_length_limit),
		cmocka_unit_test(test_missing_cluster),
		cmocka_unit_test(test_missing_required_keys),
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_section_errors),
		cmocka_unit_test(test_malformed_header),
		cmocka_unit_test(test_malformed_header_ends_section),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_overlong_path),
		cmocka_unit_test(test_all_errors_reported),
		cmocka_unit_test(test_accepted_edges),
		cmocka_unit_test(test_daemon_keys),
		cmocka_unit_test(test_no_diag_callback),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
