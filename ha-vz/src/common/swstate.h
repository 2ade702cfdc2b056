/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Local state around a switchover, shared by ha-vz, the agent and ha-vzd:
 *   HAVZ_RUN_DIR/switchover.lock   flock'ed by the running `ha-vz switchover`
 *   HAVZ_RUN_DIR/agent.NAME        the agent runs start/stop of NAME (its pid)
 *   MOUNT/.ha-vz/switchover.report the report of the last switchover (havz/switchover.h)
 *   HAVZ_STATE_DIR/last-switchover the CLI's summary of the last one run here
 */
#ifndef HAVZ_SWSTATE_H
#define HAVZ_SWSTATE_H

#include <stdbool.h>
#include <stdint.h>

#include "havz/buf.h"
#include "havz/config.h"

#ifndef HAVZ_RUN_DIR
#define HAVZ_RUN_DIR "/run/ha-vz"
#endif
#ifndef HAVZ_STATE_DIR
#define HAVZ_STATE_DIR "/var/lib/ha-vz"
#endif
#define HAVZ_LAST_SWITCHOVER HAVZ_STATE_DIR "/last-switchover"

/* CLOCK_REALTIME in milliseconds. */
int64_t havz_realtime_ms(void);

/* Takes the switchover lock: the fd to keep open, or -EBUSY with *holder set (its pid). */
int havz_swlock_take(int *holder);
/* Is a switchover running on this node? */
bool havz_swlock_busy(void);

/* The agent marks its start/stop of a container; ha-vzd leaves it alone meanwhile. */
void havz_agent_busy_set(const char *name, bool on);
bool havz_agent_busy(const char *name);

/* Appends key=value to the container's report (no-op when the volume is not mounted). */
void havz_report_note(const struct havz_container *ct, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Starts a new report with text (replaces the old one). */
int havz_report_begin(const struct havz_container *ct, const struct havz_buf *text);
/* Reads the report text (up to limit bytes). */
int havz_report_read(const struct havz_container *ct, size_t limit, struct havz_buf *out);
struct havz_report;
/*
 * Reads and parses the report on ct's volume. 0; -ENOENT when there is none (no switchover
 * yet, or the volume is not mounted here); -EINVAL for a report that does not parse, with
 * why = "PATH:LINE: KEY: message"; another -errno when it cannot be read.
 */
int havz_report_load(const struct havz_container *ct, struct havz_report *r, char *why,
		     size_t why_size);

#endif
