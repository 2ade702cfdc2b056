#!/usr/bin/env bats
# ha-vzd on two "nodes": two network namespaces joined by a veth pair
# (10.250.0.1 alpha, 10.250.0.2 beta; traffic only between them). The
# agent, drbdadm and hb_standby are stubs (HAVZD_* test hooks, ha-vzd(8));
# the real DRBD outdate runs in the lab (tests/lab).
# shellcheck disable=SC2154 # status and output are set by bats' run

HAVZ_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HAVZ=${HAVZ:-$HAVZ_TOP/build/ha-vz}
HAVZD=${HAVZD:-$HAVZ_TOP/build/ha-vzd}

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# Waits up to $1 tenths of a second for the command after it to succeed.
wait_for() {
	local n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}

in_a() { ip netns exec "$NS_A" "$@"; }
in_b() { ip netns exec "$NS_B" "$@"; }

write_conf() { # FILE KEY ALPHA_ADDR BETA_ADDR MAX_RESTARTS
	cat >"$1" <<-CONF
		[cluster]
		name = lab
		auth_key_file = $2
		control_port = 7799
		monitor_interval = 1s
		max_restarts = ${5:-2}
		restart_window = 5m

		[node alpha]
		management = $3
		replication = 10.251.0.1

		[node beta]
		management = $4
		replication = 10.251.0.2

		[link lan]
		interface = eth0

		[link repl]
		interface = eth1
		network = replication

		[container web]
		minor = 0
		port = 7789
		disk = /dev/havz/web
		size = 1G
		memory = 64M
		mount = $T/mnt-web
		preferred_node = alpha

		[container db]
		minor = 1
		port = 7790
		disk = /dev/havz/db
		size = 1G
		memory = 64M
		mount = $T/mnt-db
		preferred_node = beta
	CONF
}

setup() {
	if [ ! -x "$HAVZ" ] || [ ! -x "$HAVZD" ]; then
		skip "build ha-vz and ha-vzd first (make)"
	fi
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces"
	T=$BATS_TEST_TMPDIR
	id=$$-$BATS_TEST_NUMBER
	NS_A=havz-a-$id NS_B=havz-b-$id
	VA=hva$$$BATS_TEST_NUMBER VB=hvb$$$BATS_TEST_NUMBER
	VA=${VA:0:15} VB=${VB:0:15}
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$VA" netns "$NS_A" type veth peer name "$VB" netns "$NS_B"
	in_a ip addr add 10.250.0.1/24 dev "$VA"
	in_b ip addr add 10.250.0.2/24 dev "$VB"
	in_a ip link set lo up
	in_b ip link set lo up
	in_a ip link set "$VA" up
	in_b ip link set "$VB" up
	mkdir -p "$T/mnt-web" "$T/mnt-db" "$T/stub"
	"$HAVZ" keygen -o "$T/key" >/dev/null
	"$HAVZ" keygen -o "$T/otherkey" >/dev/null
	write_conf "$T/ha-vz.conf" "$T/key" 10.250.0.1 10.250.0.2
	# Stubs: an agent driven by files, drbdadm answering from files, hb_standby logging.
	cat >"$T/stub/agent" <<-'STUB'
		#!/bin/sh
		echo "$1 $OCF_RESKEY_name $OCF_RESKEY_config" >>"$STUB_DIR/agent.log"
		case "$1" in
		monitor) [ -e "$STUB_DIR/running-$OCF_RESKEY_name" ] && exit 0; exit 7 ;;
		stop) rm -f "$STUB_DIR/running-$OCF_RESKEY_name"; exit 0 ;;
		start) [ -e "$STUB_DIR/broken" ] && exit 1
		       touch "$STUB_DIR/running-$OCF_RESKEY_name"; exit 0 ;;
		esac
		exit 3
	STUB
	cat >"$T/stub/drbdadm" <<-'STUB'
		#!/bin/sh
		echo "$*" >>"$STUB_DIR/drbdadm.log"
		case "$1" in
		role) cat "$STUB_DIR/role" ;;
		dstate) cat "$STUB_DIR/dstate" ;;
		outdate) [ -e "$STUB_DIR/outdate-fails" ] && exit 17
		         echo "Outdated/DUnknown" >"$STUB_DIR/dstate" ;;
		esac
	STUB
	cat >"$T/stub/hb_standby" <<-'STUB'
		#!/bin/sh
		echo "hb_standby $*" >>"$STUB_DIR/standby.log"
	STUB
	# ha-vzd runs programs with a fixed environment: the stubs carry their directory.
	sed -i "1a STUB_DIR='$T/stub'" "$T/stub/agent" "$T/stub/drbdadm" "$T/stub/hb_standby"
	chmod 755 "$T/stub/agent" "$T/stub/drbdadm" "$T/stub/hb_standby"
	echo "Secondary/Unknown" >"$T/stub/role"
	echo "UpToDate/DUnknown" >"$T/stub/dstate"
	export STUB_DIR=$T/stub HAVZD_AGENT=$T/stub/agent HAVZD_DRBDADM=$T/stub/drbdadm \
		HAVZD_HB_STANDBY=$T/stub/hb_standby
	PIDS=()
}

teardown() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	for m in "$T/mnt-web" "$T/mnt-db"; do
		mountpoint -q "$m" && umount "$m"
	done
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
}

start_daemon() { # NODE NS [CONF]
	ip netns exec "$2" "$HAVZD" -c "${3:-$T/ha-vz.conf}" -n "$1" --stderr \
		>"$T/$1.log" 2>&1 &
	PIDS+=("$!")
	eval "PID_$1=\$!"
	wait_for 50 grep -q "control on" "$T/$1.log" || fail "ha-vzd $1 did not start:" "$(cat "$T/$1.log")"
}

status_json() { # NS
	ip netns exec "$1" "$HAVZ" status --json
}

peer_reachable() { # NS
	status_json "$1" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["peer"]["reachable"] is True else 1)'
}

@test "two daemons see each other; status --json is valid JSON" {
	start_daemon alpha "$NS_A"
	start_daemon beta "$NS_B"
	wait_for 80 peer_reachable "$NS_A" || fail "alpha never saw beta:" "$(cat "$T/alpha.log")"
	wait_for 80 peer_reachable "$NS_B"
	run status_json "$NS_A"
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d["version"] == 1 and d["daemon"] == "running", d
assert d["cluster"] == "lab" and d["node"] == "alpha", d
assert d["peer"] == {"name": "beta", "reachable": True, "checked_ms_ago": d["peer"]["checked_ms_ago"]}, d
assert [c["name"] for c in d["containers"]] == ["web", "db"], d
assert all(c["where"] == "nowhere" and c["node"] is None for c in d["containers"]), d
' "$output"
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"peer:     beta reachable"* ]]
	[[ "$output" == *"web"*"nowhere"* ]]
}

@test "a container held by the peer shows as running there" {
	mount -t tmpfs none "$T/mnt-web"
	touch "$STUB_DIR/running-web"
	start_daemon beta "$NS_B"
	start_daemon alpha "$NS_A"
	check() {
		status_json "$NS_A" | python3 -c 'import json,sys
d = json.load(sys.stdin)
web = [c for c in d["containers"] if c["name"] == "web"][0]
sys.exit(0 if web["where"] in ("here", "peer") and web["state"] == "running" else 1)'
	}
	wait_for 80 check || fail "$(status_json "$NS_A")"
}

@test "status without a running ha-vzd says so and exits 4" {
	run in_a "$HAVZ" status
	[ "$status" -eq 4 ]
	[[ "$output" == *"ha-vzd is not running"* ]]
	run in_a "$HAVZ" status --json
	[ "$status" -eq 4 ]
	python3 -c 'import json,sys; assert json.loads([l for l in sys.argv[1].splitlines() if l.startswith("{")][0])["daemon"] == "stopped"' "$output"
}

@test "fence-peer: outdated, primary, inconsistent, unknown resource" {
	start_daemon beta "$NS_B"
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-web
	[ "$status" -eq 4 ] || fail "exit $status: $output" "$(cat "$T/beta.log")"
	grep -qx "outdate ct-web" "$STUB_DIR/drbdadm.log"
	grep -q "outdate ct-web for alpha: outdated" "$T/beta.log"
	# Already outdated: no second outdate needed.
	DRBD_RESOURCE=ct-web run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha
	[ "$status" -eq 4 ]
	echo "Primary/Unknown" >"$STUB_DIR/role"
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-web
	[ "$status" -eq 6 ]
	echo "Secondary/Unknown" >"$STUB_DIR/role"
	echo "Inconsistent/DUnknown" >"$STUB_DIR/dstate"
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-db
	[ "$status" -eq 3 ]
	echo "UpToDate/DUnknown" >"$STUB_DIR/dstate"
	touch "$STUB_DIR/outdate-fails"
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-db
	[ "$status" -eq 1 ]
	# Not a container of this cluster: refused before asking.
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-nope
	[ "$status" -eq 1 ]
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha
	[ "$status" -eq 2 ]
}

@test "a client with the wrong key is rejected and the server logs it" {
	start_daemon beta "$NS_B"
	write_conf "$T/wrong.conf" "$T/otherkey" 10.250.0.1 10.250.0.2
	run in_a "$HAVZ" fence-peer -c "$T/wrong.conf" -n alpha --resource ct-web
	[ "$status" -eq 1 ]
	[[ "$output" == *"same cluster key"* ]]
	wait_for 20 grep -q "rejected a request from 10.250.0.1: bad MAC" "$T/beta.log"
	[ ! -e "$STUB_DIR/drbdadm.log" ]
}

@test "fence-peer against an unreachable peer exits 5 quickly" {
	# Nothing listens on beta: connection refused.
	SECONDS=0
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-web
	[ "$status" -eq 5 ]
	# A peer address nobody answers on: the connect times out.
	write_conf "$T/dead.conf" "$T/key" 10.250.0.1 10.250.0.99
	run in_a "$HAVZ" fence-peer -c "$T/dead.conf" -n alpha --resource ct-web
	[ "$status" -eq 5 ]
	[[ "$output" == *"unreachable"* ]]
	[ "$SECONDS" -lt 10 ] || fail "took $SECONDS s"
}

@test "garbage on the control port does not crash ha-vzd" {
	start_daemon beta "$NS_B"
	in_a python3 - <<-'PY'
		import os, socket
		for payload in [b"", b"GET / HTTP/1.0\r\n\r\n", os.urandom(5000),
		                b"HVZP\x01\x01\x00\x00" + b"\x00" * 116 + b"\xff\xff\x00\x00",
		                b"HVZP\x01\x01\x00\x00" + b"\x00" * 120 + os.urandom(32)]:
		    s = socket.create_connection(("10.250.0.2", 7799), timeout=3)
		    s.sendall(payload)
		    s.settimeout(3)
		    try:
		        assert s.recv(100) == b""  # closed without an answer
		    except (ConnectionResetError, socket.timeout):
		        pass
		    s.close()
		# A connection that sends half a header and stalls is closed by the server.
		s = socket.create_connection(("10.250.0.2", 7799), timeout=10)
		s.sendall(b"HVZP")
		assert s.recv(1) == b""
	PY
	kill -0 "$PID_beta"
	grep -q "malformed" "$T/beta.log"
	run in_a "$HAVZ" fence-peer -c "$T/ha-vz.conf" -n alpha --resource ct-web
	[ "$status" -eq 4 ]
}

@test "SIGHUP with a broken config keeps the old one; a good one is taken" {
	start_daemon alpha "$NS_A"
	cp "$T/ha-vz.conf" "$T/good.conf"
	echo "bogus_key = 1" >>"$T/ha-vz.conf"
	kill -HUP "$PID_alpha"
	wait_for 30 grep -q "reload failed; keeping the running configuration" "$T/alpha.log"
	kill -0 "$PID_alpha"
	run in_a "$HAVZ" status --json
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys; assert len(json.loads(sys.argv[1])["containers"]) == 2' "$output"
	# A valid configuration without db replaces it.
	sed '/^\[container db\]/,$d' "$T/good.conf" >"$T/ha-vz.conf"
	kill -HUP "$PID_alpha"
	wait_for 30 grep -q "configuration reloaded (1 containers)" "$T/alpha.log"
	run in_a "$HAVZ" status --json
	python3 -c 'import json,sys; assert [c["name"] for c in json.loads(sys.argv[1])["containers"]] == ["web"]' "$output"
}

@test "supervision: a crashed container is restarted, then handed over" {
	mount -t tmpfs none "$T/mnt-web"
	touch "$STUB_DIR/running-web"
	start_daemon alpha "$NS_A"
	wait_for 50 grep -q "container web: unknown -> running" "$T/alpha.log" || fail "$(cat "$T/alpha.log")"
	# db is not mounted here: never monitored.
	if grep -q "monitor db" "$STUB_DIR/agent.log"; then fail "db monitored"; fi
	grep -q "^monitor web $T/ha-vz.conf$" "$STUB_DIR/agent.log"
	rm "$STUB_DIR/running-web" # the "crash"
	wait_for 50 grep -q "container web: restarting -> running: restarted" "$T/alpha.log" ||
		fail "$(cat "$T/alpha.log")"
	grep -q "^stop web" "$STUB_DIR/agent.log"
	grep -q "^start web" "$STUB_DIR/agent.log"
	[ -e "$STUB_DIR/running-web" ]
	# Now it fails to start: the second restart is the last (max_restarts = 2), then handover.
	touch "$STUB_DIR/broken"
	rm "$STUB_DIR/running-web"
	wait_for 80 grep -q "hb_standby all" "$STUB_DIR/standby.log" 2>/dev/null ||
		fail "no handover:" "$(cat "$T/alpha.log")"
	grep -q "container web: still failing after 2 restarts" "$T/alpha.log"
	sleep 2
	[ "$(wc -l <"$STUB_DIR/standby.log")" -eq 1 ] # once
	run in_a "$HAVZ" status --json
	python3 -c 'import json,sys
web = json.loads(sys.argv[1])["containers"][0]
assert web["where"] == "here" and web["state"] == "handover" and web["restarts"] == 2, web' "$output"
}

@test "supervision: the maintenance marker stops monitoring" {
	mount -t tmpfs none "$T/mnt-web"
	mkdir "$T/mnt-web/.ha-vz"
	touch "$T/mnt-web/.ha-vz/unmanaged"
	start_daemon alpha "$NS_A"
	wait_for 50 grep -q "container web: absent -> unmanaged" "$T/alpha.log" || fail "$(cat "$T/alpha.log")"
	sleep 1.5
	[ ! -e "$STUB_DIR/agent.log" ]
	rm "$T/mnt-web/.ha-vz/unmanaged"
	touch "$STUB_DIR/running-web"
	wait_for 50 grep -q "container web: unknown -> running" "$T/alpha.log"
}

@test "ha-vzd refuses a node that is not in the configuration" {
	run "$HAVZD" -c "$T/ha-vz.conf" -n gamma --check
	[ "$status" -eq 3 ]
	[[ "$output" == *"'gamma' is not one of the configured nodes"* ]]
	run "$HAVZD" -c "$T/ha-vz.conf" -n alpha --check
	[ "$status" -eq 0 ]
	run "$HAVZD" --bogus
	[ "$status" -eq 2 ]
}
