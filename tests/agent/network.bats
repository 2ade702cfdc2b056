#!/usr/bin/env bats
# A container with a service IP: a veth on the configured bridge (created
# when missing) and the address inside its own network namespace.

load helpers

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/ct"
	export CT="hvtn$$"
	export BR="hvtbr$$"
	export CONF="$TESTDIR/ha-vz.conf"
	export LXCPATH="$TESTDIR/mnt"
	make_config "$TESTDIR" "$CT" "bridge = $BR
service_ip = 203.0.113.77/24"
	ip link del "$BR" 2>/dev/null || true
	"$HAVZ" ct create "$CT" -c "$CONF" --no-mount-check
}

teardown_file() {
	ct_cleanup "$LXCPATH" "$CT"
	ip link del "$BR" 2>/dev/null || true
}

setup() {
	agent_env
}

@test "create: a veth on the bridge with the service IP and a stable MAC" {
	cfg="$LXCPATH/$CT/config"
	grep -qx 'lxc.net.0.type = veth' "$cfg"
	grep -qx "lxc.net.0.link = $BR" "$cfg"
	grep -qx 'lxc.net.0.ipv4.address = 203.0.113.77/24' "$cfg"
	grep -qE '^lxc.net.0.hwaddr = 00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$' "$cfg"
	[ -d "/sys/class/net/$BR/bridge" ]
}

@test "start recreates a missing bridge; the service IP is inside, not on the host" {
	ip link del "$BR"
	run "$AGENT" start
	[ "$status" -eq 0 ]
	[ -d "/sys/class/net/$BR/bridge" ]
	run lxc-attach -P "$LXCPATH" -n "$CT" -- ip -4 addr show dev eth0
	[ "$status" -eq 0 ]
	[[ "$output" == *"inet 203.0.113.77/24"* ]]
	run ip -4 addr show
	[[ "$output" != *"203.0.113.77"* ]]
	# The host end of the veth is enslaved to the bridge.
	[ -n "$(ls "/sys/class/net/$BR/brif/")" ]
}

@test "stop: 0, and the veth is gone from the bridge" {
	run "$AGENT" stop
	[ "$status" -eq 0 ]
	[ -z "$(ls "/sys/class/net/$BR/brif/")" ]
}

@test "a bridge name taken by a non-bridge interface: start fails with the reason" {
	ip link del "$BR"
	ip link add "$BR" type veth peer name "${BR}p"
	run "$AGENT" start
	ip link del "$BR"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:container $CT: $BR exists but is not a bridge"* ]]
}
