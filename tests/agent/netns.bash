# shellcheck shell=bash
# Two ha-vzd "nodes" on this host for the agent tests (metrics.bats, alerts.bats): two
# network namespaces joined by a veth pair (10.250.0.1 alpha, 10.250.0.2 beta; traffic
# only between them), each daemon entered into its namespace with nsenter --net only so
# that it keeps the host's mounts and cgroups, as tests/agent/daemon.bats does. The
# daemons run the real OCF agent on real LXC busybox containers; a node "holds" a
# container when a tmpfs is mounted on its mount point.
# shellcheck disable=SC2154 # status and output are set by bats' run

HAVZ_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${HAVZ_BUILD:-$HAVZ_TOP/build}
HAVZ=${HAVZ:-$BUILD/ha-vz}
HAVZD=${HAVZD:-$BUILD/ha-vzd}
OCF_BIN=$BUILD/ha-vz-ocf-container

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

in_ns() { # NS COMMAND...: the command in that node's network namespace only
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}
in_a() { in_ns "$NS_A" "$@"; }
in_b() { in_ns "$NS_B" "$@"; }
ns_of() { if [ "$1" = alpha ]; then echo "$NS_A"; else echo "$NS_B"; fi; }

# write_conf FILE MOUNT_DIR [CLUSTER_LINES]: the two-node cluster, one container $WEB.
write_conf() {
	cat >"$1" <<-CONF
		[cluster]
		name = lab
		auth_key_file = $T/key
		control_port = 7799
		monitor_interval = 1s
		max_restarts = 2
		restart_window = 5m
		${3:-}

		[node alpha]
		management = 10.250.0.1
		replication = 10.251.0.1

		[node beta]
		management = 10.250.0.2
		replication = 10.251.0.2

		[link lan]
		interface = eth0

		[link repl]
		interface = eth1
		network = replication

		[container $WEB]
		minor = 0
		port = 7789
		disk = /dev/havz/web
		size = 1G
		memory = 64M
		mount = $2/$WEB
		preferred_node = alpha
	CONF
}

# Namespaces, keys and the configurations (CLUSTER_LINES added to [cluster] on both).
pair_setup() { # [CLUSTER_LINES]
	if [ ! -x "$HAVZ" ] || [ ! -x "$HAVZD" ] || [ ! -x "$OCF_BIN" ]; then
		skip "build ha-vz, ha-vzd and the agent first (make)"
	fi
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces, mounts and LXC"
	T=$BATS_TEST_TMPDIR
	local id=$$-$BATS_TEST_NUMBER
	NS_A=havz-a-$id NS_B=havz-b-$id
	VA=hva$$$BATS_TEST_NUMBER VB=hvb$$$BATS_TEST_NUMBER
	VA=${VA:0:15} VB=${VB:0:15}
	WEB=hvmw$$$BATS_TEST_NUMBER
	HELD=()
	PIDS=()
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add "$VA" netns "$NS_A" type veth peer name "$VB" netns "$NS_B"
	in_a ip addr add 10.250.0.1/24 dev "$VA"
	in_b ip addr add 10.250.0.2/24 dev "$VB"
	in_a ip link set lo up
	in_b ip link set lo up
	in_a ip link set "$VA" up
	in_b ip link set "$VB" up
	mkdir -p "$T/alpha/$WEB" "$T/beta/$WEB" "$T/ocf"
	"$HAVZ" keygen -o "$T/key" >/dev/null
	write_conf "$T/alpha.conf" "$T/alpha" "${1:-}"
	write_conf "$T/beta.conf" "$T/beta" "${1:-}"
	sed "s|^HAVZ_OCF_BIN_DEFAULT=.*|HAVZ_OCF_BIN_DEFAULT=$OCF_BIN|" \
		"$HAVZ_TOP/resource-agents/container" >"$T/ocf/container"
	chmod 755 "$T/ocf/container"
	AGENT=$T/ocf/container
}

pair_teardown() {
	local p h node ct
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
	for h in "${HELD[@]}"; do
		node=${h%%:*} ct=${h#*:}
		in_ns "$(ns_of "$node")" lxc-stop -P "$T/$node/$ct" -n "$ct" -k >/dev/null 2>&1 || true
		mountpoint -q "$T/$node/$ct" && umount "$T/$node/$ct"
		rm -f "/var/log/ha-vz/lxc-$ct.log"
	done
	ip netns del "$NS_A" 2>/dev/null || true
	ip netns del "$NS_B" 2>/dev/null || true
}

start_daemon() { # NODE [ARGS...]: nsenter execs ha-vzd, so $! is the daemon
	local node=$1
	shift
	nsenter --net="/run/netns/$(ns_of "$node")" "$HAVZD" -c "$T/$node.conf" -n "$node" \
		--agent "$AGENT" --stderr "$@" >"$T/$node.log" 2>&1 &
	PIDS+=("$!")
	wait_for 50 grep -q "control on" "$T/$node.log" ||
		fail "ha-vzd $node did not start:" "$(cat "$T/$node.log")"
}

# The agent as ha-vzd runs it (a fixed environment), in NODE's namespace.
agent() { # NODE CT ACTION
	in_ns "$(ns_of "$1")" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf \
		OCF_RESKEY_name="$2" OCF_RESKEY_config="$T/$1.conf" "$AGENT" "$3"
}

# NODE holds CT: a tmpfs on its mount point, the container created there and started.
hold() { # NODE CT
	mount -t tmpfs tmpfs "$T/$1/$2"
	HELD+=("$1:$2")
	"$HAVZ" ct create "$2" -c "$T/$1.conf" --no-mount-check >/dev/null # a tmpfs: no disk
	run agent "$1" "$2" start
	[ "$status" -eq 0 ] || fail "agent start $2 on $1: $status: $output"
}

init_pid() { # NODE CT: the container's init PID, as LXC reports it
	in_ns "$(ns_of "$1")" lxc-info -P "$T/$1/$2" -n "$2" -p -H
}
