#!/usr/bin/env bats
# ha-vz fence-test and ha-vz fence against a real BMC: OpenIPMI's ipmi_sim,
# in a network namespace of this test's own (its 127.0.0.1 only), owning the
# "power" of a harmless process (its startcmd, a sleep): power off kills that
# process, power on starts a new one. ha-vz runs the real ipmitool.
# shellcheck disable=SC2154 # status and output are set by bats' run

HAVZ_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HAVZ=${HAVZ:-$HAVZ_TOP/build/ha-vz}
PORT=9623      # the BMC, inside the namespace
SILENT=9624    # nothing listens here

fail() {
	printf '%s\n' "$*" >&2
	return 1
}

# Runs a command in the test's network namespace.
in_ns() {
	nsenter --net="/run/netns/$NS" "$@"
}

# The PID of the BMC's powered process (the startcmd), or nothing.
powered_pid() {
	pgrep -P "$(cat "$D/sim.pid")" -x sleep || true
}

powered() {
	[ -n "$(powered_pid)" ]
}

# Waits up to $1 tenths of a second for the command after it to succeed.
wait_for() {
	local n=$1
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespace)"
	command -v ipmi_sim >/dev/null || fail "ipmi_sim is missing (package openipmi)"
	command -v ipmitool >/dev/null || fail "ipmitool is missing"
	D=$(mktemp -d /tmp/havz-fencedev.XXXXXX)
	NS=havz-fencedev-$$
	export D NS
	ip netns add "$NS"
	ip -n "$NS" link set lo up
	mkdir -p "$D/state"
	cat >"$D/lan.conf" <<CONF
name "alpha"
set_working_mc 0x20
  startlan 1
    addr 127.0.0.1 $PORT
    priv_limit admin
    allowed_auths_callback none md2 md5 straight
    allowed_auths_user none md2 md5 straight
    allowed_auths_operator none md2 md5 straight
    allowed_auths_admin none md2 md5 straight
    guid a123456789abcdefa123456789abcdef
  endlan
  serial kcs 127.0.0.1 9002 codec VM
  startcmd "sleep 3600"
  startnow true
  poweroff_wait 1
  kill_wait 1
  user 1 true  ""     ""     user     10       none md2 md5 straight
  user 2 true  "admin" "s3cret" admin  10       none md2 md5 straight
CONF
	cat >"$D/cmds.emu" <<'EMU'
mc_setbmc 0x20
mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr
sel_enable 0x20 1000 0x0a
mc_enable 0x20
EMU
	# nsenter execs ipmi_sim: $! is the simulator. fd 3 closed, or bats waits for it.
	nsenter --net="/run/netns/$NS" ipmi_sim -c "$D/lan.conf" -f "$D/cmds.emu" -s "$D/state" -n \
		>"$D/sim.log" 2>&1 3>&- &
	echo $! >"$D/sim.pid"
	"$HAVZ" keygen -o "$D/authkey" >/dev/null 2>&1
	printf 's3cret\n' >"$D/good.pw"
	printf 'wrong\n' >"$D/bad.pw"
	chmod 600 "$D/good.pw" "$D/bad.pw"
	wait_for 50 in_ns ipmitool -I lanplus -C 3 -H 127.0.0.1 -p "$PORT" -U admin -f "$D/good.pw" \
		chassis power status >/dev/null 2>&1 || fail "ipmi_sim did not come up:" "$(cat "$D/sim.log")"
}

teardown_file() {
	[ -n "${D:-}" ] || return 0
	# The powered process first, while it is still the simulator's child: once the
	# simulator is gone it is init's, and it holds bats' pipes open, so bats never ends.
	local p
	p=$(powered_pid)
	[ -n "$p" ] && kill "$p"
	[ -f "$D/sim.pid" ] && kill "$(cat "$D/sim.pid")" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$D"
}

# make_conf FILE USER PWFILE PORT: alpha fenced through the BMC, beta fence = none.
make_conf() {
	cat >"$1" <<CONF
[cluster]
name = fencetest
auth_key_file = $D/authkey
[node alpha]
management = 192.0.2.11
replication = 198.51.100.11
fence = ipmi
fence_address = 127.0.0.1
fence_port = $4
fence_user = $2
fence_password_file = $3
[node beta]
management = 192.0.2.12
replication = 198.51.100.12
fence = none
[link lan]
interface = eth0
[link repl]
interface = eth1
network = replication
CONF
}

@test "fence-test: a BMC that answers says power on, exit 0" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/good.pw" "$PORT"
	wait_for 50 powered || fail "the powered process is not running"
	run in_ns "$HAVZ" fence-test -c "$BATS_TEST_TMPDIR/c" alpha
	[ "$status" -eq 0 ] || fail "exit $status: $output"
	[ "$output" = "alpha: power is on (BMC 127.0.0.1:$PORT answered)" ]
}

@test "fence-test: a wrong password is named as such, exit 11" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/bad.pw" "$PORT"
	run in_ns "$HAVZ" fence-test -c "$BATS_TEST_TMPDIR/c" alpha
	[ "$status" -eq 11 ] || fail "exit $status: $output"
	[[ "$output" == "alpha: wrong password/user (BMC answered: "*"RAKP 2 HMAC is invalid)" ]] || fail "$output"
}

@test "fence-test: an unknown user is named as such, exit 11" {
	make_conf "$BATS_TEST_TMPDIR/c" nobody "$D/good.pw" "$PORT"
	run in_ns "$HAVZ" fence-test -c "$BATS_TEST_TMPDIR/c" alpha
	[ "$status" -eq 11 ] || fail "exit $status: $output"
	[[ "$output" == "alpha: wrong password/user (BMC answered: "*"unauthorized name)" ]] || fail "$output"
}

@test "fence-test: no BMC at the address and port, exit 12" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/good.pw" "$SILENT"
	run in_ns "$HAVZ" fence-test -c "$BATS_TEST_TMPDIR/c" alpha
	[ "$status" -eq 12 ] || fail "exit $status: $output"
	[ "$output" = "alpha: BMC does not answer at 127.0.0.1:$SILENT" ]
}

@test "fence-test: a node with fence = none has no device, exit 13" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/good.pw" "$PORT"
	run in_ns "$HAVZ" fence-test -c "$BATS_TEST_TMPDIR/c" beta
	[ "$status" -eq 13 ] || fail "exit $status: $output"
	[[ "$output" == *"fence-test: beta has fence = none: no device to ask"* ]] || fail "$output"
}

@test "fence --off powers the node off (its process is killed) and the device confirms it" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/good.pw" "$PORT"
	local before
	before=$(powered_pid)
	[ -n "$before" ] || fail "the powered process is not running"
	run in_ns "$HAVZ" fence -c "$BATS_TEST_TMPDIR/c" alpha --off
	[ "$status" -eq 0 ] || fail "exit $status: $output"
	[[ "$output" == *"alpha: power off confirmed by the device"* ]] || fail "$output"
	# The process the BMC powered is gone: the power-off was real.
	! kill -0 "$before" 2>/dev/null || fail "process $before still runs after power off"
	run in_ns "$HAVZ" fence-test -c "$BATS_TEST_TMPDIR/c" alpha
	[ "$status" -eq 10 ] || fail "exit $status: $output"
	[ "$output" = "alpha: power is off (BMC 127.0.0.1:$PORT answered)" ]
}

@test "fence --reboot from off: confirmed off, then on, with a new powered process" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/good.pw" "$PORT"
	run in_ns "$HAVZ" fence -c "$BATS_TEST_TMPDIR/c" alpha --reboot
	[ "$status" -eq 0 ] || fail "exit $status: $output"
	[[ "$output" == *"alpha: power off confirmed by the device"* ]] || fail "$output"
	[[ "$output" == *"alpha: power on confirmed by the device"* ]] || fail "$output"
	wait_for 50 powered || fail "no powered process after power on"
}

@test "fence with a wrong password fails with 11 and powers nothing off" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/bad.pw" "$PORT"
	wait_for 50 powered || fail "the powered process is not running"
	local before
	before=$(powered_pid)
	run in_ns "$HAVZ" fence -c "$BATS_TEST_TMPDIR/c" alpha --off
	[ "$status" -eq 11 ] || fail "exit $status: $output"
	[[ "$output" == *"alpha: NOT confirmed off"* ]] || fail "$output"
	kill -0 "$before" || fail "the powered process died"
}

@test "fence: usage errors exit 2" {
	make_conf "$BATS_TEST_TMPDIR/c" admin "$D/good.pw" "$PORT"
	run "$HAVZ" fence -c "$BATS_TEST_TMPDIR/c" alpha
	[ "$status" -eq 2 ]
	run "$HAVZ" fence -c "$BATS_TEST_TMPDIR/c" alpha --off --reboot
	[ "$status" -eq 2 ]
	run "$HAVZ" fence -c "$BATS_TEST_TMPDIR/c" gamma --off
	[ "$status" -eq 2 ]
	[[ "$output" == *"'gamma' is not a [node]"* ]] || fail "$output"
}

# stonith_conf FILE: the two-node config under resource-and-stonith with container web; alpha
# is fenceable (this BMC), so beta is the node that would fence it. Waits for alpha's power.
stonith_conf() {
	make_conf "$1" admin "$D/good.pw" "$PORT"
	sed -i 's/^fence = none$/fence = none\n[drbd]\nfencing = resource-and-stonith/' "$1"
	cat >>"$1" <<CONF
[container web]
minor = 0
port = 7789
disk = /dev/havz/web
size = 1G
memory = 64M
preferred_node = alpha
CONF
	wait_for 50 powered || fail "the powered process is not running"
}

@test "fence-peer under resource-and-stonith: a disk not known UpToDate fences nothing, exit 1, state says why" {
	[ ! -e /proc/drbd ] || skip "this host has DRBD: the refusal below needs a node without it"
	stonith_conf "$BATS_TEST_TMPDIR/c"
	local before
	before=$(powered_pid)
	[ ! -e /run/ha-vz/fence-state ] || mv /run/ha-vz/fence-state "$D/fence-state.saved"
	# In the namespace alpha's ha-vzd (192.0.2.11) is unreachable: no route at all.
	run in_ns "$HAVZ" fence-peer -c "$BATS_TEST_TMPDIR/c" -n beta --resource ct-web --timeout 2
	[ "$status" -eq 1 ] || fail "exit $status: $output"
	[[ "$output" == *"unreachable"* ]] || fail "$output"
	run cat /run/ha-vz/fence-state
	[[ "$output" == "refused "*" alpha ct-web"$'\t'"the local disk is not UpToDate"* ]] || fail "$output"
	kill -0 "$before" || fail "the BMC powered alpha off"
	rm -f /run/ha-vz/fence-state
	[ ! -e "$D/fence-state.saved" ] || mv "$D/fence-state.saved" /run/ha-vz/fence-state
}

# alert_hook NAME BODY: a root-owned, mode-700 alert hook in $D/alerts.d that records each
# run and its environment, then runs BODY.
alert_hook() {
	mkdir -p "$D/alerts.d"
	chmod 700 "$D/alerts.d"
	printf '#!/bin/sh\necho "%s" >>"%s/alert-runs"\nenv | sort >"%s/alert-env.%s"\n%s\n' \
		"$1" "$D" "$D" "$1" "$2" >"$D/alerts.d/$1"
	chmod 700 "$D/alerts.d/$1"
}

@test "fence-peer under resource-and-stonith: the refusal fires the fence alert on this node; hooks never change the exit status" {
	[ ! -e /proc/drbd ] || skip "this host has DRBD: the refusal below needs a node without it"
	stonith_conf "$BATS_TEST_TMPDIR/c"
	local before
	before=$(powered_pid)
	[ ! -e /run/ha-vz/fence-state ] || mv /run/ha-vz/fence-state "$D/fence-state.saved"
	rm -rf "$D/alerts.d" "$D/alert-runs" "$D"/alert-env.*
	alert_hook 10-record ""
	fence_peer() {
		run in_ns "$HAVZ" fence-peer -c "$BATS_TEST_TMPDIR/c" -n beta --resource ct-web --timeout 2 \
			--alerts-dir "$D/alerts.d"
	}
	# A hook that succeeds: run once, on beta (the node that would fence), for web.
	fence_peer
	[ "$status" -eq 1 ] || fail "exit $status: $output"
	[ "$(cat "$D/alert-runs")" = 10-record ] || fail "runs: $(cat "$D/alert-runs" 2>&1)" "$output"
	grep -qx "HAVZ_ALERT_KIND=fence" "$D/alert-env.10-record"
	grep -qx "HAVZ_ALERT_CLUSTER=fencetest" "$D/alert-env.10-record"
	grep -qx "HAVZ_ALERT_NODE=beta" "$D/alert-env.10-record"
	grep -qx "HAVZ_ALERT_CONTAINER=web" "$D/alert-env.10-record"
	grep -qx "HAVZ_ALERT_DETAIL=not powering alpha off for ct-web: the local disk is not UpToDate.*; nothing is promoted, I/O stays frozen on a Primary" \
		"$D/alert-env.10-record" || fail "$(cat "$D/alert-env.10-record")"
	# A hook that fails, and one that hangs: still exit 1, each reported, and the hooks
	# together get the alert timeout (10 s), not one each: the one after is not started.
	rm -f "$D/alert-runs"
	alert_hook 20-fail "echo 'mail relay down'; exit 3"
	alert_hook 30-hang "echo \$\$ >'$D/hang.pid'; exec sleep 60"
	alert_hook 40-late ""
	fence_peer
	[ "$status" -eq 1 ] || fail "exit $status: $output"
	[ "$(cat "$D/alert-runs")" = $'10-record\n20-fail\n30-hang' ] || fail "runs: $(cat "$D/alert-runs")" "$output"
	[[ "$output" == *"alert fence: hook alerts.d/20-fail failed with status 3: mail relay down"* ]] || fail "$output"
	[[ "$output" == *"alert fence: hook alerts.d/30-hang timed out after "*" ms"* ]] || fail "$output"
	[[ "$output" == *"alert fence: hook alerts.d/40-late not run: the 10000 ms for all alerts hooks are up"* ]] || fail "$output"
	[ ! -e "$D/alert-env.40-late" ]
	! kill -0 "$(cat "$D/hang.pid")" 2>/dev/null || fail "the hung hook outlived fence-peer"
	kill -0 "$before" || fail "the BMC powered alpha off"
	rm -f /run/ha-vz/fence-state
	rm -rf "$D/alerts.d"
	[ ! -e "$D/fence-state.saved" ] || mv "$D/fence-state.saved" /run/ha-vz/fence-state
}

# ha-vzd runs as beta in the namespace and checks alpha's device (the one beta would use).
@test "ha-vzd checks the peer's fence device at start; ha-vz status shows it, and warns about a failing one" {
	local pw
	for pw in good bad; do
		make_conf "$BATS_TEST_TMPDIR/c" admin "$D/$pw.pw" "$PORT"
		[ ! -e /run/ha-vz/fence-device ] || mv /run/ha-vz/fence-device "$D/fence-device.saved"
		nsenter --net="/run/netns/$NS" "$HAVZ_TOP/build/ha-vzd" -c "$BATS_TEST_TMPDIR/c" -n beta \
			--listen 127.0.0.1 >"$D/havzd.log" 2>&1 3>&- &
		echo $! >"$D/havzd.pid"
		wait_for 100 test -s /run/ha-vz/fence-device || fail "no device check:" "$(cat "$D/havzd.log")"
		wait_for 50 in_ns "$HAVZ" status >/dev/null 2>&1 || true
		run in_ns "$HAVZ" status -c "$BATS_TEST_TMPDIR/c"
		local text=$output
		run in_ns "$HAVZ" status --json -c "$BATS_TEST_TMPDIR/c"
		local json=$output
		kill "$(cat "$D/havzd.pid")"
		wait "$(cat "$D/havzd.pid")" 2>/dev/null || true
		rm -f /run/ha-vz/fence-device
		[ ! -e "$D/fence-device.saved" ] || mv "$D/fence-device.saved" /run/ha-vz/fence-device
		if [ "$pw" = good ]; then
			[[ "$text" == *"fence device of alpha: on (checked "* ]] || fail "$text"
			[[ "$text" != *"WARNING: the fence device"* ]] || fail "$text"
			python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["fence_device"]["ok"] is True, d' "$json" || fail "$json"
		else
			[[ "$text" == *"fence device of alpha: wrong password/user: "*"RAKP 2 HMAC is invalid"* ]] || fail "$text"
			[[ "$text" == *"WARNING: the fence device of alpha fails"* ]] || fail "$text"
			python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["fence_device"]["ok"] is False, d' "$json" || fail "$json"
		fi
	done
}
