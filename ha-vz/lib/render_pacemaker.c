// SPDX-License-Identifier: GPL-2.0-only
/* corosync.conf, its authkey and the CIB for `stack = pacemaker` (see havz/render_pacemaker.h). */
#include "havz/render_pacemaker.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "havz/render.h"

/* The schema of Pacemaker 2.1 (Debian 12) that has the Promoted/Unpromoted role names. */
#define CIB_SCHEMA "pacemaker-3.7"
#define HAVZ_OCF_PROVIDER "ha-vz"

static void header(const struct havz_config *cfg, struct havz_buf *out, const char *open,
		   const char *close)
{
	const char *base = strrchr(cfg->file, '/');

	havz_buf_printf(out, "%s %s from %s: do not edit.%s\n", open, HAVZ_RENDER_MARK,
			base ? base + 1 : cfg->file, close);
}

unsigned havz_consensus_ms(const struct havz_config *cfg)
{
	return cfg->consensus_ms ? cfg->consensus_ms : cfg->token_ms + cfg->token_ms / 5;
}

/* A node's address on a network. */
static const char *address_on(const struct havz_node *n, enum havz_network net)
{
	return net == HAVZ_NET_MANAGEMENT ? n->management : n->replication;
}

/*
 * The knet links: one per network that a [link] uses, in the order of the
 * links (two heartbeat links on one network are one knet link: the same
 * pair of addresses).
 */
static size_t knet_links(const struct havz_config *cfg, enum havz_network *nets, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < cfg->n_links; i++) {
		bool seen = false;

		for (size_t k = 0; k < n; k++)
			seen |= nets[k] == cfg->links[i].network;
		if (!seen && n < max)
			nets[n++] = cfg->links[i].network;
	}
	return n;
}

int havz_render_corosync_conf(const struct havz_config *cfg, struct havz_buf *out)
{
	enum havz_network nets[HAVZ_LINKS_MAX];
	size_t n_nets = knet_links(cfg, nets, HAVZ_LINKS_MAX);

	header(cfg, out, "#", "");
	havz_buf_printf(out, "# Corosync 3 with knet; cluster %s, two nodes.\n", cfg->cluster_name);
	havz_buf_printf(out,
			"totem {\n\tversion: 2\n\tcluster_name: %s\n\ttransport: knet\n"
			"\tcrypto_cipher: aes256\n\tcrypto_hash: sha256\n\ttoken: %u\n"
			"\tconsensus: %u\n",
			cfg->cluster_name, cfg->token_ms, havz_consensus_ms(cfg));
	for (size_t l = 0; l < n_nets; l++)
		havz_buf_printf(out, "\tinterface {\n\t\tlinknumber: %zu\n\t}\n", l);
	havz_buf_printf(out, "}\n\nnodelist {\n");
	for (size_t k = 0; k < cfg->n_nodes; k++) {
		havz_buf_printf(out, "\tnode {\n\t\tname: %s\n\t\tnodeid: %zu\n",
				cfg->nodes[k].name, k + 1);
		for (size_t l = 0; l < n_nets; l++)
			havz_buf_printf(out, "\t\tring%zu_addr: %s\n", l,
					address_on(&cfg->nodes[k], nets[l]));
		havz_buf_printf(out, "\t}\n");
	}
	/* two_node: the survivor of a two-node cluster keeps quorum; wait_for_all: but a node
	 * that starts alone waits for its peer once, so that it never runs on stale data. */
	havz_buf_printf(out, "}\n\nquorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n"
			     "\twait_for_all: 1\n}\n\nlogging {\n\tto_logfile: no\n"
			     "\tto_syslog: yes\n\ttimestamp: on\n}\n");
	return out->err;
}

int havz_render_corosync_authkey(const char *key, struct havz_buf *out)
{
	unsigned char block[EVP_MAX_MD_SIZE], material[HAVZ_COROSYNC_KEY_BYTES];
	unsigned int len = 0;
	size_t have = 0;
	int rc = 0;

	if (havz_auth_key_check(key))
		return -EINVAL;
	/* Counter-mode expansion: block i = HMAC-SHA-512(cluster key, label || i). */
	for (unsigned char i = 1; have < sizeof(material); i++) {
		char label[48];
		int n = snprintf(label, sizeof(label), "ha-vz corosync authkey v1 %u", i);

		if (!HMAC(EVP_sha512(), key, (int)strlen(key), (const unsigned char *)label,
			  (size_t)n, block, &len) ||
		    !len) {
			rc = -EIO;
			break;
		}
		memcpy(material + have, block,
		       len < sizeof(material) - have ? len : sizeof(material) - have);
		have += len < sizeof(material) - have ? len : sizeof(material) - have;
	}
	for (size_t i = 0; !rc && i < sizeof(material); i++)
		havz_buf_printf(out, "%02x", material[i]);
	OPENSSL_cleanse(block, sizeof(block));
	OPENSSL_cleanse(material, sizeof(material));
	return rc ? rc : out->err;
}

/* <nvpair id="SET-NAME" name="NAME" value="VALUE"/> */
static void nvpair(struct havz_buf *out, const char *indent, const char *set, const char *name,
		   const char *value)
{
	havz_buf_printf(out, "%s<nvpair id=\"%s-%s\" name=\"%s\" value=\"", indent, set, name,
			name);
	/* The values are checked names, paths and addresses, but escape anyway. */
	havz_buf_put_markup(out, value);
	havz_buf_printf(out, "\"/>\n");
}

static void op(struct havz_buf *out, const char *rsc, const char *name, const char *interval,
	       const char *timeout, const char *role)
{
	havz_buf_printf(out,
			"          <op id=\"%s-%s-%s%s%s\" name=\"%s\" interval=\"%s\" "
			"timeout=\"%s\"%s%s%s/>\n",
			rsc, name, interval, role ? "-" : "", role ? role : "", name, interval,
			timeout, role ? " role=\"" : "", role ? role : "", role ? "\"" : "");
}

static void ms_text(char *out, size_t size, unsigned ms)
{
	if (ms % 1000 == 0)
		snprintf(out, size, "%us", ms / 1000);
	else
		snprintf(out, size, "%ums", ms);
}

void havz_pcmk_drbd_clone_id(const char *ct_name, char *out, size_t size)
{
	snprintf(out, size, "drbd-%s-clone", ct_name);
}

static void drbd_clone(struct havz_buf *out, const struct havz_container *ct)
{
	char id[64], clone[72], set[80], res[48], minor[16];

	snprintf(id, sizeof(id), "drbd-%s", ct->name);
	snprintf(minor, sizeof(minor), "%u", ct->minor);
	snprintf(res, sizeof(res), "ct-%s", ct->name);
	havz_pcmk_drbd_clone_id(ct->name, clone, sizeof(clone));
	havz_buf_printf(out, "      <clone id=\"%s\">\n", clone);
	snprintf(set, sizeof(set), "%s-meta", clone);
	havz_buf_printf(out, "        <meta_attributes id=\"%s\">\n", set);
	nvpair(out, "          ", set, "promotable", "true");
	nvpair(out, "          ", set, "promoted-max", "1");
	nvpair(out, "          ", set, "promoted-node-max", "1");
	nvpair(out, "          ", set, "clone-max", "2");
	nvpair(out, "          ", set, "clone-node-max", "1");
	/* ocf:ha-vz:drbd reads DRBD's own state and needs no notifications (each one is an
	 * agent call on the failover's path). */
	nvpair(out, "          ", set, "notify", "false");
	havz_buf_printf(out, "        </meta_attributes>\n");
	havz_buf_printf(out,
			"        <primitive id=\"%s\" class=\"ocf\" provider=\"ha-vz\" "
			"type=\"drbd\">\n",
			id);
	snprintf(set, sizeof(set), "%s-params", id);
	havz_buf_printf(out, "          <instance_attributes id=\"%s\">\n", set);
	nvpair(out, "            ", set, "drbd_resource", res);
	nvpair(out, "            ", set, "minor", minor);
	havz_buf_printf(out, "          </instance_attributes>\n          <operations>\n");
	/* Two monitors need two intervals: one per role. */
	op(out, id, "monitor", "29s", "20s", "Promoted");
	op(out, id, "monitor", "31s", "20s", "Unpromoted");
	op(out, id, "start", "0s", "240s", NULL);
	op(out, id, "stop", "0s", "100s", NULL);
	op(out, id, "promote", "0s", "90s", NULL);
	op(out, id, "demote", "0s", "90s", NULL);
	havz_buf_printf(out, "          </operations>\n        </primitive>\n      </clone>\n");
}

static void filesystem(struct havz_buf *out, const struct havz_container *ct)
{
	char id[64], set[80], dev[32];

	snprintf(id, sizeof(id), "fs-%s", ct->name);
	snprintf(dev, sizeof(dev), "/dev/drbd%u", ct->minor);
	havz_buf_printf(out,
			"      <primitive id=\"%s\" class=\"ocf\" provider=\"ha-vz\" "
			"type=\"mount\">\n",
			id);
	snprintf(set, sizeof(set), "%s-params", id);
	havz_buf_printf(out, "        <instance_attributes id=\"%s\">\n", set);
	nvpair(out, "          ", set, "device", dev);
	nvpair(out, "          ", set, "directory", ct->mount);
	nvpair(out, "          ", set, "fstype", ct->filesystem);
	havz_buf_printf(out, "        </instance_attributes>\n        <operations>\n");
	op(out, id, "monitor", "20s", "40s", NULL);
	op(out, id, "start", "0s", "60s", NULL);
	op(out, id, "stop", "0s", "60s", NULL);
	havz_buf_printf(out, "        </operations>\n      </primitive>\n");
}

static void container(struct havz_buf *out, const struct havz_config *cfg,
		      const struct havz_container *ct)
{
	char id[64], set[80], interval[32];

	snprintf(id, sizeof(id), "ct-%s", ct->name);
	ms_text(interval, sizeof(interval), cfg->monitor_interval_ms);
	havz_buf_printf(out,
			"      <primitive id=\"%s\" class=\"ocf\" provider=\"%s\" "
			"type=\"container\">\n",
			id, HAVZ_OCF_PROVIDER);
	snprintf(set, sizeof(set), "%s-params", id);
	havz_buf_printf(out, "        <instance_attributes id=\"%s\">\n", set);
	/* No config: the agent reads the default path, as heartbeat's wrapper does. */
	nvpair(out, "          ", set, "name", ct->name);
	havz_buf_printf(out, "        </instance_attributes>\n");
	snprintf(set, sizeof(set), "%s-meta", id);
	havz_buf_printf(out, "        <meta_attributes id=\"%s\">\n", set);
	/* migrate_to/migrate_from are the checkpoint and the restore. */
	nvpair(out, "          ", set, "allow-migrate",
	       ct->checkpoint == HAVZ_CKPT_SWITCHOVER ? "true" : "false");
	/* priority-fencing-delay weighs the nodes by their resources' priority. */
	nvpair(out, "          ", set, "priority", "1");
	havz_buf_printf(out, "        </meta_attributes>\n        <operations>\n");
	op(out, id, "monitor", interval, "30s", NULL);
	op(out, id, "start", "0s", "180s", NULL);
	op(out, id, "stop", "0s", "180s", NULL);
	op(out, id, "migrate_to", "0s", "300s", NULL);
	op(out, id, "migrate_from", "0s", "300s", NULL);
	havz_buf_printf(out, "        </operations>\n      </primitive>\n");
}

static void fence_device(struct havz_buf *out, const struct havz_node *n)
{
	char id[64], set[80], port[16], cipher[16], script[HAVZ_PATH_MAX + 8];

	snprintf(id, sizeof(id), "fence-%s", n->name);
	snprintf(port, sizeof(port), "%u", n->fence_port);
	snprintf(cipher, sizeof(cipher), "%u", n->fence_cipher);
	/* fence_ipmilan runs password_script and reads the password from its output: the
	 * password stays in its mode-600 file, never in the CIB. */
	snprintf(script, sizeof(script), "cat %s", n->fence_password_file);
	havz_buf_printf(
		out, "      <primitive id=\"%s\" class=\"stonith\" type=\"fence_ipmilan\">\n", id);
	snprintf(set, sizeof(set), "%s-params", id);
	havz_buf_printf(out, "        <instance_attributes id=\"%s\">\n", set);
	nvpair(out, "          ", set, "ip", n->fence_address);
	nvpair(out, "          ", set, "ipport", port);
	nvpair(out, "          ", set, "username", n->fence_user);
	nvpair(out, "          ", set, "password_script", script);
	nvpair(out, "          ", set, "lanplus", "1");
	nvpair(out, "          ", set, "cipher", cipher);
	nvpair(out, "          ", set, "pcmk_host_list", n->name);
	havz_buf_printf(out, "        </instance_attributes>\n        <operations>\n");
	op(out, id, "monitor", "60s", "30s", NULL);
	havz_buf_printf(out, "        </operations>\n      </primitive>\n");
}

static void constraints(struct havz_buf *out, const struct havz_config *cfg)
{
	for (size_t i = 0; i < cfg->n_containers; i++) {
		const char *c = cfg->containers[i].name;

		havz_buf_printf(out,
				"      <rsc_colocation id=\"fs-%s-on-drbd\" rsc=\"fs-%s\" "
				"with-rsc=\"drbd-%s-clone\" with-rsc-role=\"Promoted\" "
				"score=\"INFINITY\"/>\n"
				"      <rsc_order id=\"drbd-%s-before-fs\" first=\"drbd-%s-clone\" "
				"first-action=\"promote\" then=\"fs-%s\" then-action=\"start\" "
				"kind=\"Mandatory\"/>\n"
				"      <rsc_colocation id=\"ct-%s-on-fs\" rsc=\"ct-%s\" "
				"with-rsc=\"fs-%s\" score=\"INFINITY\"/>\n"
				"      <rsc_order id=\"fs-%s-before-ct\" first=\"fs-%s\" "
				"then=\"ct-%s\" kind=\"Mandatory\"/>\n",
				c, c, c, c, c, c, c, c, c, c, c, c);
		/* The preferred node, weaker than stickiness: a container stays where it runs. */
		havz_buf_printf(
			out,
			"      <rsc_location id=\"drbd-%s-prefers\" rsc=\"drbd-%s-clone\">\n"
			"        <rule id=\"drbd-%s-prefers-rule\" role=\"Promoted\" "
			"score=\"50\">\n"
			"          <expression id=\"drbd-%s-prefers-expr\" attribute=\"#uname\" "
			"operation=\"eq\" value=\"%s\"/>\n        </rule>\n"
			"      </rsc_location>\n",
			c, c, c, c, cfg->containers[i].preferred_node);
	}
	/* A node never fences itself. */
	for (size_t k = 0; k < cfg->n_nodes; k++)
		if (cfg->nodes[k].fence == HAVZ_FENCE_IPMI)
			havz_buf_printf(out,
					"      <rsc_location id=\"fence-%s-not-on-%s\" "
					"rsc=\"fence-%s\" node=\"%s\" score=\"-INFINITY\"/>\n",
					cfg->nodes[k].name, cfg->nodes[k].name, cfg->nodes[k].name,
					cfg->nodes[k].name);
}

int havz_render_cib(const struct havz_config *cfg, struct havz_buf *out)
{
	bool stonith = false;
	char v[32];

	for (size_t k = 0; k < cfg->n_nodes; k++)
		stonith |= cfg->nodes[k].fence == HAVZ_FENCE_IPMI;
	havz_buf_printf(out, "<?xml version=\"1.0\"?>\n");
	header(cfg, out, "<!--", " -->");
	havz_buf_printf(out,
			"<cib validate-with=\"%s\" admin_epoch=\"0\" epoch=\"1\" "
			"num_updates=\"0\">\n  <configuration>\n    <crm_config>\n"
			"      <cluster_property_set id=\"havz-options\">\n",
			CIB_SCHEMA);
	nvpair(out, "        ", "havz-options", "cluster-name", cfg->cluster_name);
	nvpair(out, "        ", "havz-options", "stonith-enabled", stonith ? "true" : "false");
	if (stonith) {
		ms_text(v, sizeof(v), cfg->fence_delay_ms);
		nvpair(out, "        ", "havz-options", "priority-fencing-delay", v);
		/* A fence powers the node off, as the heartbeat side and DRBD's fence-peer do: a
		 * reboot would bring it back on its own, and the fence-peer handler, which finds it
		 * on again, would power it off a second time. */
		nvpair(out, "        ", "havz-options", "stonith-action", "off");
	}
	havz_buf_printf(out, "      </cluster_property_set>\n    </crm_config>\n    <nodes>\n");
	for (size_t k = 0; k < cfg->n_nodes; k++)
		havz_buf_printf(out, "      <node id=\"%zu\" uname=\"%s\"/>\n", k + 1,
				cfg->nodes[k].name);
	havz_buf_printf(out, "    </nodes>\n    <resources>\n");
	for (size_t i = 0; i < cfg->n_containers; i++) {
		drbd_clone(out, &cfg->containers[i]);
		filesystem(out, &cfg->containers[i]);
		container(out, cfg, &cfg->containers[i]);
	}
	for (size_t k = 0; k < cfg->n_nodes; k++)
		if (cfg->nodes[k].fence == HAVZ_FENCE_IPMI)
			fence_device(out, &cfg->nodes[k]);
	havz_buf_printf(out, "    </resources>\n    <constraints>\n");
	constraints(out, cfg);
	havz_buf_printf(out, "    </constraints>\n    <rsc_defaults>\n"
			     "      <meta_attributes id=\"havz-rsc-defaults\">\n");
	/* auto_failback off: a container stays where it runs (stickiness beats the preference). */
	nvpair(out, "        ", "havz-rsc-defaults", "resource-stickiness",
	       cfg->auto_failback ? "0" : "100");
	snprintf(v, sizeof(v), "%u", cfg->max_restarts);
	nvpair(out, "        ", "havz-rsc-defaults", "migration-threshold", v);
	ms_text(v, sizeof(v), cfg->restart_window_ms);
	nvpair(out, "        ", "havz-rsc-defaults", "failure-timeout", v);
	havz_buf_printf(out, "      </meta_attributes>\n    </rsc_defaults>\n  </configuration>\n"
			     "  <status/>\n</cib>\n");
	return out->err;
}
