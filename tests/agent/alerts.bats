#!/usr/bin/env bats
# The alert hooks (ha-vz-alerts(7)): the contract through `ha-vz alert` (order, the
# fixed environment, failures, timeout, refusal of unsafe hooks), the stock syslog and
# mail hooks, and real ha-vzd daemons (tests/agent/netns.bash) firing alerts for a
# container restart and a DRBD fence request, counted in havz_alerts_failed_total.
# shellcheck disable=SC2154 # status and output are set by bats' run

load netns

teardown() {
	[ -z "${NS_A:-}" ] || pair_teardown
}

# A configuration and an empty alerts directory, without namespaces.
plain_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (hooks must be root-owned)"
	T=$BATS_TEST_TMPDIR
	WEB=hvaw$$
	"$HAVZ" keygen -o "$T/key" >/dev/null
	write_conf "$T/ha-vz.conf" "$T/mnt"
	ALERTS=$T/alerts.d
	LOG=$T/log
	mkdir -p "$ALERTS"
	chmod 755 "$ALERTS"
	: >"$LOG"
}

# hook NAME [BODY]: an executable alert hook that logs its name, then runs BODY.
hook() {
	printf '#!/bin/sh\necho "%s" >>"%s"\n%s\n' "$1" "$LOG" "${2:-}" >"$ALERTS/$1"
	chmod 755 "$ALERTS/$1"
}

beta_alerts_failed() { # N: beta's metrics count N failed alert hooks
	in_b curl -s http://10.250.0.2:9664/metrics | grep -qx "havz_alerts_failed_total $1"
}

alert() { # KIND [ARGS...]
	run "$HAVZ" alert "$1" -c "$T/ha-vz.conf" --alerts-dir "$ALERTS" "${@:2}"
}

@test "alert: hooks run in lexical order with the fixed environment, nothing inherited" {
	plain_setup
	hook 20-second
	hook 10-first "env | sort >'$T/env'"
	hook 30-third.dpkg-old # not a hook by name
	printf 'not executable\n' >"$ALERTS/40-plain"
	SECRET=leak alert fence --container "$WEB" --detail "beta asked to outdate ct-$WEB"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(cat "$LOG")" = $'10-first\n20-second' ]
	node=$(uname -n)
	node=${node%%.*}
	grep -qx "HAVZ_ALERT_KIND=fence" "$T/env"
	grep -qx "HAVZ_ALERT_CLUSTER=lab" "$T/env"
	grep -qx "HAVZ_ALERT_NODE=$node" "$T/env"
	grep -qx "HAVZ_ALERT_CONTAINER=$WEB" "$T/env"
	grep -qx "HAVZ_ALERT_DETAIL=beta asked to outdate ct-$WEB" "$T/env"
	grep -Eqx 'HAVZ_ALERT_TIME=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z' "$T/env"
	grep -Eqx 'HAVZ_ALERT_TIMESTAMP=[0-9]+\.[0-9]{3}' "$T/env"
	grep -qx 'LC_ALL=C' "$T/env"
	if grep -q SECRET "$T/env"; then fail "the caller's environment leaked"; fi
	# Exactly the documented variables (sh adds PWD, SHLVL and _ itself).
	[ "$(grep -cvE '^(PWD|SHLVL|_)=' "$T/env")" -eq 9 ] || fail "$(cat "$T/env")"
}

@test "alert: a failing or slow hook is logged and counted, the others still run" {
	plain_setup
	hook 10-fails "echo 'mail relay down' >&2; exit 3"
	hook 20-slow "sleep 30"
	hook 30-last
	alert restart --container "$WEB" --alert-timeout 1
	[ "$status" -eq 1 ]
	[[ "$output" == *"alerts.d/10-fails failed with status 3: mail relay down"* ]] || fail "$output"
	[[ "$output" == *"alerts.d/20-slow timed out after 1000 ms"* ]] || fail "$output"
	[[ "$output" == *"alert restart: 2 hooks failed"* ]]
	[ "$(cat "$LOG")" = $'10-fails\n20-slow\n30-last' ]
}

@test "alert: unsafe hooks are refused like checkpoint hooks; no directory is fine" {
	plain_setup
	hook 10-group
	chmod 775 "$ALERTS/10-group"
	hook 20-ok
	alert failover
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing hook alerts.d/10-group"* ]] || fail "$output"
	[ "$(cat "$LOG")" = "20-ok" ]
	chmod 777 "$ALERTS"
	alert failover
	[ "$status" -eq 1 ]
	[[ "$output" == *"refusing the alerts hooks"* ]] || fail "$output"
	rm -rf "$ALERTS"
	alert failover
	[ "$status" -eq 0 ]
	alert no-such-kind
	[ "$status" -eq 2 ]
	alert fence --container nope
	[ "$status" -eq 2 ]
}

@test "stock hook 50-mail: one mail through sendmail; nothing without one" {
	plain_setup
	# The stock hook with its sendmail path pointed at a recorder (the rest unchanged).
	printf '#!/bin/sh\necho "$*" >"%s/argv"\ncat >"%s/mail"\n' "$T" "$T" >"$T/sendmail"
	chmod 755 "$T/sendmail"
	sed "s|^sendmail=.*|sendmail=$T/sendmail|" "$HAVZ_TOP/conf/alerts.d/50-mail" >"$ALERTS/50-mail"
	chmod 755 "$ALERTS/50-mail"
	alert switchover-fallback --container "$WEB" --detail "moved cold to beta: no criu"
	[ "$status" -eq 0 ] || fail "$output"
	[ "$(cat "$T/argv")" = "-t -oi" ]
	grep -qx 'To: root' "$T/mail"
	grep -qx "Subject: \[ha-vz lab\] switchover-fallback $WEB on $(uname -n | cut -d. -f1)" "$T/mail"
	grep -qx 'moved cold to beta: no criu' "$T/mail"
	# Without an MTA: silent success.
	rm "$T/sendmail" "$T/mail"
	alert failover
	[ "$status" -eq 0 ]
	[ ! -e "$T/mail" ]
}

@test "stock hook 10-syslog: one line to /dev/log, tag ha-vz-alert, daemon.warning" {
	plain_setup
	cp "$HAVZ_TOP/conf/alerts.d/10-syslog" "$ALERTS/"
	# A private /dev (an overlay on the host's) with a syslog socket of our own.
	mkdir -p "$T/up" "$T/work"
	cat >"$T/run" <<-EOF
		set -e
		mount -t overlay overlay -o lowerdir=/dev,upperdir=$T/up,workdir=$T/work /dev
		rm -f /dev/log
		python3 -c '
		import socket, sys
		s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
		s.bind("/dev/log")
		open("$T/ready", "w").close()
		s.settimeout(20)
		open("$T/syslog", "wb").write(s.recv(4096))
		' &
		while [ ! -e $T/ready ]; do sleep 0.1; done
		"$HAVZ" alert fence --container "$WEB" --detail "answered: outdated" \
			-c "$T/ha-vz.conf" --alerts-dir "$ALERTS"
		wait
	EOF
	run unshare -m --propagation private bash "$T/run"
	[ "$status" -eq 0 ] || fail "$output"
	# <28>: facility daemon (3) * 8 + warning (4).
	grep -q "^<28>.*ha-vz-alert: fence container $WEB on .* (cluster lab) at .*: answered: outdated" "$T/syslog" ||
		fail "$(cat "$T/syslog")"
}

@test "ha-vzd: a restart and a fence request fire alerts on the node that saw them" {
	pair_setup "metrics_port = 9664"
	ALERTS=$T/alerts.d
	mkdir -p "$ALERTS"
	chmod 755 "$ALERTS"
	# shellcheck disable=SC2016 # the hook expands them
	printf '#!/bin/sh\necho "$HAVZ_ALERT_NODE $HAVZ_ALERT_KIND $HAVZ_ALERT_CONTAINER: $HAVZ_ALERT_DETAIL" >>"%s/alerts.log"\n' "$T" >"$ALERTS/10-record"
	printf '#!/bin/sh\nexit 1\n' >"$ALERTS/20-fails"
	chmod 755 "$ALERTS/10-record" "$ALERTS/20-fails"
	hold alpha "$WEB"
	start_daemon alpha --alerts-dir "$ALERTS"
	start_daemon beta --alerts-dir "$ALERTS"
	wait_for 100 grep -q "container $WEB: unknown -> running" "$T/alpha.log" || fail "$(cat "$T/alpha.log")"
	kill -KILL "$(init_pid alpha "$WEB")"
	wait_for 150 grep -q "^alpha restart $WEB: restarted after: monitor" "$T/alerts.log" ||
		fail "no restart alert:" "$(cat "$T/alerts.log" 2>&1)" "$(cat "$T/alpha.log")"
	grep -q "alert restart $WEB: restarted after" "$T/alpha.log"
	if /usr/sbin/drbdadm role "ct-$WEB" >/dev/null 2>&1; then skip "drbdadm knows ct-$WEB here"; fi
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource "ct-$WEB"
	[ "$status" -eq 1 ]
	wait_for 100 grep -qx "beta fence $WEB: alpha asked to outdate ct-$WEB; answered: failed" "$T/alerts.log" ||
		fail "no fence alert:" "$(cat "$T/alerts.log")" "$(cat "$T/beta.log")"
	# The failing hook is counted on each node.
	wait_for 50 beta_alerts_failed 1 ||
		fail "$(in_b curl -s http://10.250.0.2:9664/metrics | grep alerts)"
	grep -q "alert fence: hook alerts.d/20-fails failed with status 1" "$T/beta.log"
}
