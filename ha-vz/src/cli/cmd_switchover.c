// SPDX-License-Identifier: GPL-2.0-only
/*
 * ha-vz switchover: a planned move of containers to the peer through the
 * cluster stack (heartbeat: hb_standby all; Pacemaker: each container's DRBD
 * Promoted role moved), each suspended here and resumed there when the
 * preflight allows it, else stopped and started cold.
 *
 * Here: lock, select, ask the peer (reachable, not switching, its clock),
 * preflight, pre-dumps while the containers run, the report and the
 * checkpoint marker on each volume, the stack's move. The stack then runs the
 * agent's stop here (final dump) and its start on the peer (restore); both
 * note their phases in the report on the volume, read here while it is
 * mounted here and through the peer's ha-vzd (SWITCHOVER) afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "common/alerts.h"
#include "common/checkpoint.h"
#include "common/container.h"
#include "common/log.h"
#include "common/peer.h"
#include "common/preflight.h"
#include "common/run.h"
#include "common/stack.h"
#include "common/swstate.h"
#include "havz/config.h"
#include "havz/files.h"
#include "havz/parse.h"
#include "havz/render.h"
#include "havz/switchover.h"

#define MARKER_REL "/.ha-vz/checkpoint-on-stop"
#define DEFAULT_TIMEOUT_S 300
#define CLOCK_SAMPLES 5
#define POLL_MS 250
#define STANDBY_ACT_S 20 /* the stack starts the stop within this, or ignored the move */
#define STANDBY_TRIES 3

struct move {
	const struct havz_container *ct;
	bool live;
	bool wanted_live; /* it could have moved live: a cold move is a fallback (alert) */
	struct havz_preflight pf;
	char cold_why[256];
	/* what was shown already */
	struct havz_report seen;
	bool unmounted, done;
	struct havz_report last;
	char report_why[HAVZ_REPORT_LINE_MAX + 128]; /* the last bad report, logged once */
};

struct sw {
	struct havz_config cfg;
	const struct havz_stack_ops *stack;
	const struct havz_node *self, *peer;
	struct havz_buf key;
	int64_t t0; /* realtime ms at the start */
	int64_t offset, offset_err;
	bool have_offset;
	int precopy;  /* --precopy N; -1: each container's precopy_rounds */
	bool no_lazy; /* --no-lazy */
	struct havz_preflight peer_pf;
};

void usage_switchover(void)
{
	printf("Usage: ha-vz switchover [NAME|--all] [--cold] [--precopy N] [--no-lazy]\n"
	       "                        [-c FILE] [--timeout SECS]\n\n"
	       "Moves containers this node holds to the peer through the cluster stack:\n"
	       "heartbeat's hb_standby all, or under Pacemaker a move of each container's\n"
	       "DRBD Promoted role (crm_resource --move --promoted, cleared once it runs\n"
	       "there). A container with checkpoint = switchover is suspended\n"
	       "here and resumed on the peer with its memory, open files and TCP\n"
	       "connections: pre-dumps while it runs, the final dump in the agent's stop,\n"
	       "the restore (lazy where userfaultfd works) in its start on the peer. A\n"
	       "preflight here and one on the peer (through its ha-vzd) say first what\n"
	       "would prevent that; such a container, and any with checkpoint = off or\n"
	       "--cold, is stopped and started cold instead.\n"
	       "Heartbeat moves all of this node's resource groups together: there NAME\n"
	       "is accepted only when it is the one container held here; Pacemaker moves\n"
	       "NAME alone.\n\n"
	       "  -a, --all           every container held here (the default)\n"
	       "      --cold          stop and start cold, no checkpoint\n"
	       "      --precopy N     at most N pre-dump rounds (0: a plain dump; default:\n"
	       "                      each container's precopy_rounds)\n"
	       "      --no-lazy       restore fully on the peer, no post-copy (lazy-pages)\n"
	       "  -c, --config FILE   configuration file (default %s)\n"
	       "  -t, --timeout SECS  until the containers run on the peer (default %d)\n"
	       "  -h, --help          this text\n\n"
	       "Exit status: 0 every container runs on the peer (live or cold as shown),\n"
	       "1 failed (the outcome per container is shown), 2 usage error,\n"
	       "3 configuration errors, 5 refused (nothing was stopped).\n",
	       HAVZ_DEFAULT_CONFIG, DEFAULT_TIMEOUT_S);
}

static int64_t since(const struct sw *s)
{
	return havz_realtime_ms() - s->t0;
}

static void phase(const struct sw *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void phase(const struct sw *s, const char *fmt, ...)
{
	va_list ap;
	int64_t t = since(s);

	printf("[%4" PRId64 ".%01" PRId64 "s] ", t / 1000, (t % 1000) / 100);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- the peer ---- */

/* One round trip of op (SWITCHOVER, PREFLIGHT): the reply's payload into text, the clock sample. */
static int peer_call_op(struct sw *s, enum havz_wire_op op, const char *name, char *text,
			size_t size, struct havz_clock_sample *cs)
{
	struct havz_wire_msg *req = malloc(sizeof(*req)), *reply = malloc(sizeof(*reply));
	struct havz_peer_target t = {
		.addr = s->peer->management,
		.port = s->cfg.control_port,
		.name = s->peer->name,
		.key = s->key.data,
		.keylen = s->key.len,
		.connect_ms = 2000,
		.reply_ms = 5000,
	};
	bool reached = false;
	int rc = -ENOMEM;

	if (req && reply) {
		rc = havz_wire_request(req, op, s->self->name, name, (int64_t)time(NULL));
		cs->local_send = havz_realtime_ms();
		if (!rc)
			rc = havz_peer_call(&t, req, reply, &reached);
		cs->local_recv = havz_realtime_ms();
		if (!rc && reply->result != HAVZ_RES_OK)
			rc = -EACCES;
		if (!rc) {
			const char *now = strstr(reply->payload, "now_ms=");

			snprintf(text, size, "%s", reply->payload);
			cs->peer = now ? strtoll(now + 7, NULL, 10) : 0;
		}
	}
	free(req);
	free(reply);
	return rc;
}

static int peer_ask(struct sw *s, const char *name, char *text, size_t size,
		    struct havz_clock_sample *cs)
{
	return peer_call_op(s, HAVZ_OP_SWITCHOVER, name, text, size, cs);
}

#define PEER_PREFLIGHT_MS 45000

/* The value of "key=" in key=value lines, into out ("" when absent). */
static void payload_value(const char *text, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	out[0] = '\0';
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == '=') {
			snprintf(out, size, "%.*s", (int)strcspn(p + klen + 1, "\n"), p + klen + 1);
			return;
		}
	}
}

/*
 * The peer's own preflight (its ha-vzd runs CRIU's probes there): can it
 * restore at all, and lazily? 0 with s->peer_pf filled, or -errno.
 */
static int peer_preflight(struct sw *s)
{
	char text[HAVZ_WIRE_PAYLOAD_MAX + 1], v[256];
	struct havz_clock_sample cs;
	int64_t until = havz_realtime_ms() + PEER_PREFLIGHT_MS;
	int rc;

	for (;;) {
		rc = peer_call_op(s, HAVZ_OP_PREFLIGHT, "", text, sizeof(text), &cs);
		if (rc)
			return rc;
		payload_value(text, "state", v, sizeof(v));
		if (!strcmp(v, "done"))
			break;
		if (havz_realtime_ms() > until)
			return -ETIMEDOUT;
		usleep(500 * 1000);
	}
	memset(&s->peer_pf, 0, sizeof(s->peer_pf));
	payload_value(text, "live", v, sizeof(v));
	s->peer_pf.live = !strcmp(v, "1");
	payload_value(text, "lazy", v, sizeof(v));
	s->peer_pf.lazy = !strcmp(v, "1");
	payload_value(text, "reason", s->peer_pf.reason, sizeof(s->peer_pf.reason));
	payload_value(text, "notes", s->peer_pf.notes, sizeof(s->peer_pf.notes));
	return 0;
}

static int peer_check(struct sw *s)
{
	struct havz_clock_sample cs[CLOCK_SAMPLES];
	char text[HAVZ_WIRE_PAYLOAD_MAX + 1];
	int rc = 0;
	size_t n = 0;

	for (size_t i = 0; i < CLOCK_SAMPLES; i++) {
		rc = peer_ask(s, "", text, sizeof(text), &cs[n]);
		if (rc)
			break;
		if (strstr(text, "busy=1")) {
			qb_log(LOG_ERR, "switchover: refused: a switchover runs on %s",
			       s->peer->name);
			return -EBUSY;
		}
		n++;
	}
	if (rc) {
		qb_log(LOG_ERR,
		       "switchover: refused: the peer %s (ha-vzd at %s port %u) does not answer: "
		       "%s",
		       s->peer->name, s->peer->management, s->cfg.control_port, strerror(-rc));
		return rc;
	}
	s->have_offset = havz_clock_offset(cs, n, &s->offset, &s->offset_err) == 0;
	return 0;
}

/* ---- preparing each container ---- */

static void prepare(struct sw *s, struct move *m, bool cold, const char *id)
{
	const struct havz_container *ct = m->ct;
	struct havz_ckpt_report rep = { 0 };
	struct havz_buf b = { 0 };
	char v[64], marker[HAVZ_PATH_MAX + 32];
	int64_t t = 0;
	enum havz_ct_state st = havz_ct_state(ct);
	unsigned rounds = s->precopy >= 0 ? (unsigned)s->precopy : ct->precopy_rounds;

	if (cold)
		snprintf(m->cold_why, sizeof(m->cold_why), "--cold");
	else if (ct->checkpoint != HAVZ_CKPT_SWITCHOVER)
		snprintf(m->cold_why, sizeof(m->cold_why), "checkpoint = off");
	else if (st != HAVZ_CT_RUNNING)
		snprintf(m->cold_why, sizeof(m->cold_why), "it is %s, not running",
			 havz_ct_state_name(st));
	if (!m->cold_why[0]) {
		int64_t p0 = since(s);

		m->wanted_live = true;
		havz_preflight_run(ct, rounds, &m->pf);
		if (m->pf.live && !s->peer_pf.live) {
			m->pf.live = false;
			havz_why_set(m->pf.reason, sizeof(m->pf.reason),
				     "the peer %s cannot restore: %s", s->peer->name,
				     s->peer_pf.reason);
		}
		if (m->pf.live && m->pf.lazy && !s->peer_pf.lazy) {
			m->pf.lazy = false;
			size_t used = strlen(m->pf.notes);

			havz_why_set(m->pf.notes + used, sizeof(m->pf.notes) - used,
				     "%sfull restore (%s)", used ? "; " : "",
				     s->no_lazy ? "--no-lazy" : "no userfaultfd on the peer");
		}
		if (m->pf.live) {
			m->live = true;
			phase(s, "%s: preflight: live switchover possible%s%s (%" PRId64 " ms)",
			      ct->name, m->pf.notes[0] ? "; " : "", m->pf.notes, since(s) - p0);
		} else {
			snprintf(m->cold_why, sizeof(m->cold_why), "%s", m->pf.reason);
		}
	}
	if (!m->live)
		phase(s, "%s: will move COLD (stop, start): %s", ct->name, m->cold_why);
	if (m->live && m->pf.predump) {
		struct havz_ckpt_opts opts = { .max_precopy_rounds = rounds, .timeout_ms = 120000 };
		int rc;

		t = since(s);
		phase(s, "%s: pre-dump rounds while it runs (at most %u)", ct->name, rounds);
		rc = havz_checkpoint_predump(&s->cfg, ct, &opts, &rep);
		t = since(s) - t;
		if (rc)
			phase(s, "%s: pre-dump failed (%s): the final dump does it all", ct->name,
			      rep.reason);
		else
			phase(s, "%s: %u pre-dump rounds in %" PRId64 " ms", ct->name,
			      rep.precopy_rounds, t);
	}
	havz_report_add(&b, "id", id);
	havz_report_add(&b, "from", s->self->name);
	havz_report_add(&b, "to", s->peer->name);
	havz_report_add(&b, "lazy", m->live && m->pf.lazy ? "1" : "0");
	snprintf(v, sizeof(v), "%u", rep.precopy_rounds);
	havz_report_add(&b, "predump_rounds", v);
	snprintf(v, sizeof(v), "%u", rounds);
	havz_report_add(&b, "predump_max", v);
	/* A realtime clock stepped back meanwhile would make it negative: the report has 0. */
	snprintf(v, sizeof(v), "%" PRId64, t > 0 ? t : 0);
	havz_report_add(&b, "predump_ms", v);
	if (havz_report_begin(ct, &b))
		qb_log(LOG_WARNING, "switchover: %s: cannot write its report", ct->name);
	havz_buf_free(&b);
	snprintf(marker, sizeof(marker), "%s" MARKER_REL, ct->mount);
	if (m->live) {
		if (havz_file_write_atomic(marker, id, strlen(id), 0600)) {
			snprintf(m->cold_why, sizeof(m->cold_why),
				 "cannot write the checkpoint marker");
			m->live = false;
			phase(s, "%s: will move COLD: %s", ct->name, m->cold_why);
		}
	} else {
		unlink(marker);
	}
}

/* ---- watching the move ---- */

static void show_changes(struct sw *s, struct move *m, const struct havz_report *r)
{
	struct havz_report *o = &m->seen;
	const char *n = m->ct->name;

	if (r->stop_begin && !o->stop_begin)
		phase(s, "%s: %s: %s stops it (agent stop)", n, s->self->name, s->stack->name);
	if (r->dump_begin && !o->dump_begin)
		phase(s, "%s: %s: final dump: frozen", n, s->self->name);
	if (r->dump_end && !o->dump_end)
		phase(s,
		      "%s: %s: final dump done in %" PRId64 " ms (CRIU frozen %u ms), %" PRIu64
		      " bytes",
		      n, s->self->name, r->dump_end - r->dump_begin, r->freeze_ms, r->dump_bytes);
	if (r->stop_result[0] && !o->stop_result[0])
		phase(s, "%s: %s: %s", n, s->self->name, r->stop_result);
	if (r->stop_end && !o->stop_end)
		phase(s, "%s: %s: agent stop done (%" PRId64 " ms)", n, s->self->name,
		      r->stop_end - r->stop_begin);
	if (r->start_begin && !o->start_begin)
		phase(s, "%s: %s: %s starts it (agent start)", n,
		      r->start_node[0] ? r->start_node : s->peer->name, s->stack->name);
	if (r->restore_begin && !o->restore_begin)
		phase(s, "%s: %s: restore%s", n, s->peer->name, r->lazy ? " (lazy-pages)" : "");
	if (r->start_result[0] && !o->start_result[0])
		phase(s, "%s: %s: %s", n, s->peer->name, r->start_result);
	if (r->start_end && !o->start_end)
		phase(s, "%s: %s: agent start done (%" PRId64 " ms)", n, s->peer->name,
		      r->start_end - r->start_begin);
	*o = *r;
}

/* A report that does not parse, logged when it differs from the last one (each poll reads it). */
static void report_bad(struct move *m, const char *why)
{
	if (!strcmp(m->report_why, why))
		return;
	qb_log(LOG_WARNING, "switchover: %s: report ignored: %s", m->ct->name, why);
	havz_why_set(m->report_why, sizeof(m->report_why), "%s", why);
}

static bool read_local(struct move *m, struct havz_report *r)
{
	char why[sizeof(m->report_why)];
	int rc;

	if (havz_ct_mount_check(m->ct))
		return false;
	rc = havz_report_load(m->ct, r, why, sizeof(why));
	if (rc == -EINVAL)
		report_bad(m, why);
	return rc == 0;
}

/* The text after line "KEY...\n" at the start of p, or NULL when p does not start with KEY. */
static const char *after_line(const char *p, const char *key)
{
	const char *nl = strchr(p, '\n');

	return nl && !strncmp(p, key, strlen(key)) ? nl + 1 : NULL;
}

/* The report in the peer's SWITCHOVER answer: after its now_ms= and busy= lines. */
static bool read_peer(struct sw *s, struct move *m, const char *payload, struct havz_report *r)
{
	char why[sizeof(m->report_why)], origin[HAVZ_PATH_MAX + 80];
	const char *p = after_line(payload, "now_ms=");

	p = p ? after_line(p, "busy=") : NULL;
	if (!p)
		return false;
	if (!*p)
		return false; /* not mounted there (yet) */
	snprintf(origin, sizeof(origin), "%s:%s" HAVZ_REPORT_REL, s->peer->name, m->ct->mount);
	if (havz_report_parse(p, origin, r, why, sizeof(why))) {
		report_bad(m, why);
		return false;
	}
	return true;
}

/* One look at every container; true when all are done. */
static bool watch_round(struct sw *s, struct move *mv, size_t n, const char *id)
{
	bool all = true;

	for (size_t i = 0; i < n; i++) {
		struct move *m = &mv[i];
		struct havz_report r;
		char text[HAVZ_WIRE_PAYLOAD_MAX + 1];
		struct havz_clock_sample cs;

		if (m->done)
			continue;
		if (!m->unmounted) {
			if (read_local(m, &r) && !strcmp(r.id, id))
				show_changes(s, m, &r);
			if (havz_ct_mount_check(m->ct)) {
				m->unmounted = true;
				phase(s, "%s: %s: unmounted, DRBD goes secondary here", m->ct->name,
				      s->self->name);
			}
		}
		if (m->unmounted && peer_ask(s, m->ct->name, text, sizeof(text), &cs) == 0 &&
		    read_peer(s, m, text, &r) && !strcmp(r.id, id)) {
			if (r.start_begin && !m->seen.start_begin)
				phase(s, "%s: %s: DRBD primary, mounted", m->ct->name,
				      s->peer->name);
			show_changes(s, m, &r);
			if (r.start_end) {
				m->done = true;
				m->last = r;
			}
		}
		all = all && m->done;
	}
	return all;
}

static void write_last(const struct sw *s, const struct move *m, const char *outcome,
		       int64_t freeze)
{
	char line[600], path[] = HAVZ_LAST_SWITCHOVER;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	struct havz_buf old = { 0 }, b = { 0 };

	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(line, sizeof(line), "%s %s %s->%s freeze_ms=%" PRId64 " bytes=%" PRIu64 " %s\n",
		 m->ct->name, stamp, s->self->name, s->peer->name, freeze, m->last.dump_bytes,
		 outcome);
	/* One line per container: keep the others' lines. */
	if (!havz_file_read(path, 65536, &old) && old.data) {
		for (char *l = strtok(old.data, "\n"); l; l = strtok(NULL, "\n")) {
			size_t len = strlen(m->ct->name);

			if (strncmp(l, m->ct->name, len) || l[len] != ' ') {
				havz_buf_append(&b, l, strlen(l));
				havz_buf_append(&b, "\n", 1);
			}
		}
	}
	havz_buf_append(&b, line, strlen(line));
	if (havz_file_write_atomic(path, b.data, b.len, 0644))
		qb_log(LOG_WARNING, "switchover: cannot write %s", path);
	havz_buf_free(&old);
	havz_buf_free(&b);
}

/* The containers of mv, as the stack interface takes them. */
static void containers_of(const struct move *mv, size_t n,
			  const struct havz_container *cts[HAVZ_CONTAINERS_MAX])
{
	for (size_t i = 0; i < n && i < HAVZ_CONTAINERS_MAX; i++)
		cts[i] = mv[i].ct;
}

/* Asks the stack to run the containers of mv on `to`; 0, or -errno logged. */
static int place(struct sw *s, struct move *mv, size_t n, const struct havz_node *to)
{
	const struct havz_container *cts[HAVZ_CONTAINERS_MAX] = { NULL };
	char why[400];
	int rc;

	containers_of(mv, n, cts);
	rc = s->stack->place(&s->cfg, cts, n, to, to == s->self, why, sizeof(why));
	if (rc)
		qb_log(LOG_ERR, "switchover: %s", why);
	return rc;
}

/* The move is over, one way or the other: nothing may pin the containers to `to`. */
static void settle(struct sw *s, struct move *mv, size_t n, const struct havz_node *to)
{
	const struct havz_container *cts[HAVZ_CONTAINERS_MAX] = { NULL };

	containers_of(mv, n, cts);
	s->stack->settle(&s->cfg, cts, n, to);
}

/* Nothing was handed over: withdraw the move, the checkpoint requests and the pre-dumps' use. */
static void give_up(struct sw *s, struct move *mv, size_t n)
{
	settle(s, mv, n, s->peer);
	for (size_t i = 0; i < n; i++) {
		char path[HAVZ_PATH_MAX + 32];

		snprintf(path, sizeof(path), "%s" MARKER_REL, mv[i].ct->mount);
		unlink(path);
		snprintf(path, sizeof(path), "%s/.ha-vz/checkpoint/pre/STATE", mv[i].ct->mount);
		unlink(path);
		havz_report_note(mv[i].ct, "cli_result", "not handed over: %s did not act",
				 s->stack->name);
	}
}

/* The peer did not get the containers running in time: take them back here. */
static int recover(struct sw *s, struct move *mv, size_t n, long long deadline_s)
{
	phase(s, "taking the containers back to %s (%s)", s->self->name, s->stack->name);
	settle(s, mv, n, s->peer);
	if (place(s, mv, n, s->self)) {
		phase(s, "taking them back failed: see %s's log; the containers run nowhere",
		      s->stack->name);
		return -EIO;
	}
	for (size_t i = 0; i < n; i++) {
		struct move *m = &mv[i];

		if (m->done)
			continue;
		while (time(NULL) < deadline_s + 120 && havz_ct_state(m->ct) != HAVZ_CT_RUNNING)
			usleep(POLL_MS * 1000);
		struct havz_report r;
		bool running = havz_ct_state(m->ct) == HAVZ_CT_RUNNING;

		if (read_local(m, &r))
			m->last = r;
		phase(s, "%s: %s on %s%s%s", m->ct->name, running ? "RUNS AGAIN" : "DOES NOT RUN",
		      s->self->name, m->last.start_result[0] ? ": " : "", m->last.start_result);
		write_last(s, m, running ? "failed-back" : "failed", 0);
	}
	settle(s, mv, n, s->self);
	return -EIO;
}

int cmd_switchover(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "cold", no_argument, NULL, 'C' },
		{ "precopy", required_argument, NULL, 'P' },
		{ "no-lazy", no_argument, NULL, 'L' },
		{ "config", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = HAVZ_DEFAULT_CONFIG, *name = NULL;
	const char *held[HAVZ_CONTAINERS_MAX];
	unsigned long long timeout_s = DEFAULT_TIMEOUT_S, rounds;
	struct move *mv = NULL;
	struct sw s = { 0 };
	struct utsname u;
	bool all = false, cold = false;
	char why[300], id[64];
	size_t n = 0;
	int opt, lock = -1, holder, rc = HAVZ_EXIT_FAIL;
	long long deadline;

	s.precopy = -1;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "ac:t:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'C': cold = true; break;
		case 'L': s.no_lazy = true; break;
		case 'P':
			if (havz_parse_uint(optarg, 0, HAVZ_PRECOPY_MAX, &rounds)) {
				qb_log(LOG_ERR, "switchover: --precopy: 0 to %d rounds",
				       HAVZ_PRECOPY_MAX);
				return HAVZ_EXIT_USAGE;
			}
			s.precopy = (int)rounds;
			break;
		case 'c': path = optarg; break;
		case 't':
			if (havz_parse_uint(optarg, 10, 3600, &timeout_s)) {
				qb_log(LOG_ERR, "switchover: --timeout: 10 to 3600 seconds");
				return HAVZ_EXIT_USAGE;
			}
			break;
		case 'h': usage_switchover(); return HAVZ_EXIT_OK;
		default: usage_switchover(); return HAVZ_EXIT_USAGE;
		}
	}
	if (optind < argc)
		name = argv[optind++];
	if (optind != argc || (name && all)) {
		qb_log(LOG_ERR, "switchover: give one container NAME or --all");
		return HAVZ_EXIT_USAGE;
	}
	if (cli_load_config(path, &s.cfg))
		return HAVZ_EXIT_CONFIG;
	s.t0 = havz_realtime_ms();
	if (uname(&u))
		goto out;
	u.nodename[strcspn(u.nodename, ".")] = '\0';
	s.self = havz_config_node(&s.cfg, u.nodename);
	if (!s.self) {
		qb_log(LOG_ERR, "switchover: this node '%s' is not in %s", u.nodename, path);
		goto out;
	}
	s.peer = havz_config_peer(&s.cfg, s.self);
	s.stack = havz_stack_of(&s.cfg);
	lock = havz_swlock_take(&holder);
	if (lock < 0) {
		qb_log(LOG_ERR, "switchover: refused: %s",
		       lock == -EBUSY ? "a switchover runs on this node already"
				      : "cannot take the switchover lock");
		if (holder)
			qb_log(LOG_ERR, "switchover: (pid %d)", holder);
		rc = HAVZ_EXIT_REFUSED;
		goto out;
	}
	for (size_t i = 0; i < s.cfg.n_containers; i++)
		if (havz_ct_mount_check(&s.cfg.containers[i]) == 0)
			held[n++] = s.cfg.containers[i].name;
	if (havz_switchover_select(name, held, n, s.stack->moves_one, why, sizeof(why))) {
		qb_log(LOG_ERR, "switchover: refused: %s", why);
		rc = HAVZ_EXIT_REFUSED;
		goto out;
	}
	if (name) { /* held alone here, or the stack moves it alone */
		held[0] = name;
		n = 1;
	}
	rc = havz_auth_key_read(s.cfg.auth_key_file, &s.key);
	if (rc) {
		qb_log(LOG_ERR, "switchover: cluster key %s: %s", s.cfg.auth_key_file,
		       strerror(-rc));
		rc = HAVZ_EXIT_FAIL;
		goto out;
	}
	if (peer_check(&s)) {
		rc = HAVZ_EXIT_REFUSED;
		goto out;
	}
	phase(&s,
	      "switchover %s -> %s: %zu container%s; peer answers (clock offset %+" PRId64
	      " ms +- %" PRId64 ")",
	      s.self->name, s.peer->name, n, n == 1 ? "" : "s", s.have_offset ? s.offset : 0,
	      s.have_offset ? s.offset_err : 0);
	bool may_go_live = false;

	for (size_t i = 0; !cold && i < n; i++) {
		const struct havz_container *ct = havz_config_container(&s.cfg, held[i]);

		may_go_live = may_go_live || (ct && ct->checkpoint == HAVZ_CKPT_SWITCHOVER);
	}
	/* Seconds of criu probes on the peer: only when a container may move live. */
	if (may_go_live) {
		int64_t p0 = since(&s);
		int prc = peer_preflight(&s);

		if (prc) {
			snprintf(s.peer_pf.reason, sizeof(s.peer_pf.reason),
				 "its ha-vzd gave no preflight (%s)", strerror(-prc));
			phase(&s, "%s: preflight: no answer (%s)", s.peer->name, strerror(-prc));
		} else {
			phase(&s, "%s: preflight: %s%s (%" PRId64 " ms)", s.peer->name,
			      !s.peer_pf.live  ? "cannot restore: "
			      : s.peer_pf.lazy ? "can restore lazily"
					       : "can restore fully (no userfaultfd)",
			      s.peer_pf.live ? "" : s.peer_pf.reason, since(&s) - p0);
		}
		if (s.no_lazy)
			s.peer_pf.lazy = false;
	}
	mv = calloc(n, sizeof(*mv));
	if (!mv)
		goto out;
	snprintf(id, sizeof(id), "%s-%lld", s.self->name, (long long)(s.t0 / 1000));
	for (size_t i = 0; i < n; i++) {
		mv[i].ct = havz_config_container(&s.cfg, held[i]);
		prepare(&s, &mv[i], cold, id);
	}
	deadline = (long long)time(NULL) + (long long)timeout_s;
	for (unsigned attempt = 1;; attempt++) {
		long long until = (long long)time(NULL) + STANDBY_ACT_S;
		bool acted = false;

		phase(&s, "handing over: %s%s", s.stack->how, attempt > 1 ? " (again)" : "");
		if (place(&s, mv, n, s.peer)) {
			phase(&s, "%s failed; nothing was handed over", s.stack->how);
			give_up(&s, mv, n);
			rc = HAVZ_EXIT_FAIL;
			goto out;
		}
		/* Heartbeat ignores a standby while it still negotiates resources: look. */
		while (!acted && (long long)time(NULL) < until) {
			watch_round(&s, mv, n, id);
			for (size_t i = 0; i < n; i++)
				acted = acted || mv[i].seen.stop_begin || mv[i].unmounted;
			if (!acted)
				usleep(POLL_MS * 1000);
		}
		if (acted)
			break;
		if (attempt == STANDBY_TRIES) {
			phase(&s,
			      "%s did not act on %s within %d s, %u times (see its log): "
			      "nothing was stopped, the containers run here as before",
			      s.stack->name, s.stack->how, STANDBY_ACT_S, attempt);
			give_up(&s, mv, n);
			rc = HAVZ_EXIT_FAIL;
			goto out;
		}
	}
	while (!watch_round(&s, mv, n, id) && time(NULL) < deadline)
		usleep(POLL_MS * 1000);

	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		struct move *m = &mv[i];
		const char *res = m->last.start_result;
		bool restored = !strncmp(res, "restored", 8), cold_ok = !strncmp(res, "cold", 4);
		int64_t freeze = 0;

		if (!m->done || !(restored || cold_ok || !res[0])) {
			phase(&s, "%s: NOT running on %s within %llu s%s%s", m->ct->name,
			      s.peer->name, timeout_s, res[0] ? ": " : "", res);
			ok = false;
			continue;
		}
		if (restored && s.have_offset && havz_freeze_ms(&m->last, s.offset, &freeze) == 0) {
			struct havz_freeze_parts fp;

			phase(&s,
			      "%s: LIVE on %s: freeze %" PRId64 " ms (+- %" PRId64
			      " ms clock offset), final dump %" PRIu64 " bytes, %u pre-dumps",
			      m->ct->name, s.peer->name, freeze, s.offset_err, m->last.dump_bytes,
			      m->last.predump_rounds);
			if (havz_freeze_parts(&m->last, s.offset, &fp) == 0)
				phase(&s,
				      "%s: the freeze: final dump %" PRId64 " ms, rest of the stop "
				      "%" PRId64 ", handover %" PRId64
				      " (unmount, DRBD, %s, mount), start %" PRId64
				      ", restore %" PRId64,
				      m->ct->name, fp.dump, fp.stop_rest, fp.handover,
				      s.stack->name, fp.start, fp.restore);
		} else if (restored)
			phase(&s,
			      "%s: LIVE on %s (freeze not measured), final dump %" PRIu64 " bytes",
			      m->ct->name, s.peer->name, m->last.dump_bytes);
		else {
			int64_t outage = 0;
			char down[64] = "";

			if (s.have_offset && havz_outage_ms(&m->last, s.offset, &outage) == 0)
				snprintf(down, sizeof(down), " (down %" PRId64 " ms)", outage);
			phase(&s, "%s: COLD on %s%s: %s%s%s", m->ct->name, s.peer->name, down,
			      m->cold_why[0] ? m->cold_why : m->last.stop_result,
			      res[0] && strcmp(res, "cold: checkpoint = off") ? "; " : "",
			      res[0] && strcmp(res, "cold: checkpoint = off") ? res : "");
			freeze = outage;
			if (m->wanted_live) {
				char detail[512];

				snprintf(detail, sizeof(detail), "moved cold to %s%s: %s",
					 s.peer->name, down,
					 m->cold_why[0] ? m->cold_why : m->last.stop_result);
				havz_alert_now(HAVZ_ALERT_SWITCHOVER_FALLBACK, s.cfg.cluster_name,
					       s.self->name, m->ct->name, detail, NULL);
			}
		}
		snprintf(why, sizeof(why), "%s",
			 restored ? (strstr(res, "lazily") ? "live-lazy" : "live") : "cold");
		write_last(&s, m, why, freeze);
	}
	if (ok) {
		settle(&s, mv, n, s.peer);
	} else {
		recover(&s, mv, n, deadline);
		rc = HAVZ_EXIT_FAIL;
		goto out;
	}
	phase(&s, "switchover done");
	rc = HAVZ_EXIT_OK;
out:
	if (lock >= 0)
		close(lock);
	free(mv);
	havz_buf_wipe_free(&s.key);
	havz_config_free(&s.cfg);
	return rc;
}
