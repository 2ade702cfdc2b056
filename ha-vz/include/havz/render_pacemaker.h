/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Renders the Corosync 3 + Pacemaker 2 side of `stack = pacemaker`:
 * corosync.conf (knet on the configured links, two_node), its authkey
 * (derived from the cluster key, so both nodes render the same one) and
 * the cluster configuration (CIB XML): per container a promotable
 * ocf:ha-vz:drbd, ocf:ha-vz:mount, ocf:ha-vz:container with allow-migrate,
 * colocation and order, and a fence_ipmilan device per node. Pure: text in
 * a buffer, nothing written.
 */
#ifndef HAVZ_RENDER_PACEMAKER_H
#define HAVZ_RENDER_PACEMAKER_H

#include "havz/buf.h"
#include "havz/config.h"

/* Bytes of key material in the rendered authkey (knet takes 128 to 512). */
#define HAVZ_COROSYNC_KEY_BYTES 128

int havz_render_corosync_conf(const struct havz_config *cfg, struct havz_buf *out);
/*
 * The authkey: HAVZ_COROSYNC_KEY_BYTES bytes derived from the cluster key
 * with HMAC-SHA-512, written as hex (corosync reads the file's bytes as the
 * key). key: the cluster key as read from auth_key_file.
 */
int havz_render_corosync_authkey(const char *key, struct havz_buf *out);
int havz_render_cib(const struct havz_config *cfg, struct havz_buf *out);

/*
 * The id of a container's promotable DRBD clone in the rendered CIB,
 * drbd-NAME-clone: its Promoted role is what places the whole chain (the
 * file system and the container follow it), so a move names it.
 */
void havz_pcmk_drbd_clone_id(const char *ct_name, char *out, size_t size);

/* The consensus timeout corosync will use: the configured one, else 1.2 x token. */
unsigned havz_consensus_ms(const struct havz_config *cfg);

#endif
