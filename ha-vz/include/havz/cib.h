/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live CIB's configuration next to the one ha-vz renders: the text
 * surgery that lets Pacemaker's own crm_diff compare them (cli/cmd_cib.c
 * runs the tools). Pacemaker adds its cib-bootstrap-options set (dc-version,
 * cluster-infrastructure, have-watchdog) to every live configuration: that
 * set is the cluster's, never ours, and is kept across a replace.
 */
#ifndef HAVZ_CIB_H
#define HAVZ_CIB_H

#include <stddef.h>

#include "havz/buf.h"

/*
 * The <configuration>...</configuration> element of a CIB document (or of
 * `cibadmin --query --scope configuration`) into out. 0, -EINVAL when there
 * is not exactly one.
 */
int havz_cib_configuration(const char *cib, struct havz_buf *out);

/*
 * Cuts the cluster_property_set with id="cib-bootstrap-options" out of
 * conf (a configuration element): the set into bootstrap (empty when there
 * is none), conf without it into rest. 0, -EINVAL when the set is not
 * closed.
 */
int havz_cib_split_bootstrap(const char *conf, struct havz_buf *rest, struct havz_buf *bootstrap);

/*
 * conf (ours, without a bootstrap set) with bootstrap put back as the first
 * child of its crm_config, into out: what replaces the live configuration.
 * 0, -EINVAL when conf has no <crm_config>.
 */
int havz_cib_with_bootstrap(const char *conf, const char *bootstrap, struct havz_buf *out);

/* Does conf (a configuration element) hold any resource or constraint? */
int havz_cib_has_resources(const char *conf);

#endif
