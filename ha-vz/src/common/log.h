/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef HAVZ_LOG_H
#define HAVZ_LOG_H

#include <qb/qblog.h>

enum havz_log_target { HAVZ_LOG_STDERR, HAVZ_LOG_SYSLOG, HAVZ_LOG_STDERR_AND_SYSLOG };

/*
 * Sets up qb_log for a program: the CLI logs to stderr, daemons to syslog,
 * and the CLI run as a DRBD handler (whose stderr DRBD discards) to both.
 */
void havz_log_init(const char *name, enum havz_log_target target, int verbose);
void havz_log_fini(void);

#endif
