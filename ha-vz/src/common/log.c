// SPDX-License-Identifier: GPL-2.0-only
#include "common/log.h"

#include <syslog.h>

void havz_log_init(const char *name, enum havz_log_target target, int verbose)
{
	int priority = verbose ? LOG_DEBUG : LOG_NOTICE;

	qb_log_init(name, LOG_DAEMON, LOG_INFO);
	qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED,
		   target != HAVZ_LOG_STDERR ? QB_TRUE : QB_FALSE);
	if (target != HAVZ_LOG_STDERR)
		qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*",
				  priority);
	if (target == HAVZ_LOG_SYSLOG)
		return;
	qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", priority);
	qb_log_format_set(QB_LOG_STDERR, "%b");
	qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
}

void havz_log_fini(void)
{
	qb_log_fini();
}
