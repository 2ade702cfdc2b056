#!/usr/bin/env bats
# ha-vzd on two "nodes": two network namespaces joined by a veth pair
# (10.250.0.1 alpha, 10.250.0.2 beta; traffic only between them), each
# daemon entered into its namespace with nsenter --net only, so that it keeps
# the host's mounts and cgroups (ip netns exec would remount /sys and lose
# /sys/fs/cgroup, which LXC needs). Nothing is stubbed: the daemons run the
# real OCF agent (resource-agents/container, installed the way `make install`
# does, with build/ha-vz-ocf-container) on real LXC busybox containers, and
# the real /usr/sbin/drbdadm. A node "holds" a container when a tmpfs is
# mounted on its mount point; the nodes share one filesystem here, so each
# has its own configuration with its own mount points (the same cluster,
# names and key). Handover through heartbeat's hb_standby and the DRBD
# outdate outcomes need real heartbeat and real DRBD: they are lab tests
# (tests/lab); their decisions are unit-tested (tests/unit/test_fence.c,
# test_supervise.c).
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

write_conf() { # FILE KEY ALPHA_ADDR BETA_ADDR MOUNT_DIR [MAX_RESTARTS]
	cat >"$1" <<-CONF
		[cluster]
		name = lab
		auth_key_file = $2
		control_port = 7799
		monitor_interval = 1s
		max_restarts = ${6:-2}
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

		[container $WEB]
		minor = 0
		port = 7789
		disk = /dev/havz/web
		size = 1G
		memory = 64M
		mount = $5/$WEB
		preferred_node = alpha

		[container $DB]
		minor = 1
		port = 7790
		disk = /dev/havz/db
		size = 1G
		memory = 64M
		mount = $5/$DB
		preferred_node = beta
	CONF
}

setup() {
	if [ ! -x "$HAVZ" ] || [ ! -x "$HAVZD" ] || [ ! -x "$OCF_BIN" ]; then
		skip "build ha-vz, ha-vzd and the agent first (make)"
	fi
	[ "$(id -u)" -eq 0 ] || skip "needs root for network namespaces, mounts and LXC"
	T=$BATS_TEST_TMPDIR
	id=$$-$BATS_TEST_NUMBER
	NS_A=havz-a-$id NS_B=havz-b-$id
	VA=hva$$$BATS_TEST_NUMBER VB=hvb$$$BATS_TEST_NUMBER
	VA=${VA:0:15} VB=${VB:0:15}
	# Container names unique on this host (LXC cgroups and logs are per name).
	WEB=hvdw$$$BATS_TEST_NUMBER DB=hvdd$$$BATS_TEST_NUMBER
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
	mkdir -p "$T/alpha/$WEB" "$T/alpha/$DB" "$T/beta/$WEB" "$T/beta/$DB" "$T/ocf"
	"$HAVZ" keygen -o "$T/key" >/dev/null
	"$HAVZ" keygen -o "$T/otherkey" >/dev/null
	write_conf "$T/alpha.conf" "$T/key" 10.250.0.1 10.250.0.2 "$T/alpha"
	write_conf "$T/beta.conf" "$T/key" 10.250.0.1 10.250.0.2 "$T/beta"
	# The agent's entry point as `make install-agent` installs it, pointing at this build.
	sed "s|^HAVZ_OCF_BIN_DEFAULT=.*|HAVZ_OCF_BIN_DEFAULT=$OCF_BIN|" \
		"$HAVZ_TOP/resource-agents/container" >"$T/ocf/container"
	chmod 755 "$T/ocf/container"
	AGENT=$T/ocf/container
}

teardown() {
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

start_daemon() { # NODE [CONF]: nsenter execs ha-vzd, so $! is the daemon
	nsenter --net="/run/netns/$(ns_of "$1")" "$HAVZD" -c "${2:-$T/$1.conf}" -n "$1" --agent "$AGENT" --stderr \
		>"$T/$1.log" 2>&1 &
	PIDS+=("$!")
	eval "PID_$1=\$!"
	wait_for 50 grep -q "control on" "$T/$1.log" || fail "ha-vzd $1 did not start:" "$(cat "$T/$1.log")"
}

# The agent as ha-vzd runs it (a fixed environment), in NODE's namespace.
agent() { # NODE CT ACTION
	in_ns "$(ns_of "$1")" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin OCF_ROOT=/usr/lib/ocf \
		OCF_RESKEY_name="$2" OCF_RESKEY_config="$T/$1.conf" "$AGENT" "$3"
}

# NODE holds CT: a tmpfs on its mount point, the container created there and started by the agent.
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

lxc_state() { # NODE CT
	in_ns "$(ns_of "$1")" lxc-info -P "$T/$1/$2" -n "$2" -s -H
}

is_stopped() { [ "$(lxc_state "$1" "$2")" = STOPPED ]; }

status_json() { # NS
	in_ns "$1" "$HAVZ" status --json
}

peer_reachable() { # NS
	status_json "$1" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["peer"]["reachable"] is True else 1)'
}

# One container as a node's ha-vzd reports it: "WHERE NODE STATE RESTARTS" (None for null).
ct_view() { # NS CT
	status_json "$1" | python3 -c 'import json,sys
d = json.load(sys.stdin)
assert d["version"] == 1 and d["daemon"] == "running", d
c = [c for c in d["containers"] if c["name"] == sys.argv[1]][0]
print(c["where"], c["node"], c["state"], c["restarts"])' "$2"
}

view_is() { [ "$(ct_view "$1" "$2")" = "$3" ]; }

@test "two daemons see each other; status --json is valid JSON" {
	start_daemon alpha
	start_daemon beta
	wait_for 80 peer_reachable "$NS_A" || fail "alpha never saw beta:" "$(cat "$T/alpha.log")"
	wait_for 80 peer_reachable "$NS_B"
	run status_json "$NS_A"
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys
d = json.loads(sys.argv[1])
assert d["version"] == 1 and d["daemon"] == "running", d
assert d["cluster"] == "lab" and d["node"] == "alpha", d
assert d["peer"] == {"name": "beta", "reachable": True, "checked_ms_ago": d["peer"]["checked_ms_ago"]}, d
assert [c["name"] for c in d["containers"]] == sys.argv[2:], d
assert all(c["where"] == "nowhere" and c["node"] is None for c in d["containers"]), d
' "$output" "$WEB" "$DB"
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"peer:     beta reachable"* ]]
	[[ "$output" == *"$WEB"*"nowhere"* ]]
}

@test "a real container held by beta shows as running on beta, on both nodes" {
	hold beta "$WEB"
	start_daemon beta
	start_daemon alpha
	wait_for 80 view_is "$NS_B" "$WEB" "here beta running 0" ||
		fail "beta: $(ct_view "$NS_B" "$WEB")" "$(cat "$T/beta.log")"
	wait_for 80 view_is "$NS_A" "$WEB" "peer beta running 0" ||
		fail "alpha: $(ct_view "$NS_A" "$WEB")" "$(cat "$T/alpha.log")"
	# "nowhere" needs a poll of the peer: beta started first, so give it a poll interval.
	wait_for 80 view_is "$NS_A" "$DB" "nowhere None None 0" || fail "alpha db: $(ct_view "$NS_A" "$DB")"
	wait_for 80 view_is "$NS_B" "$DB" "nowhere None None 0" || fail "beta db: $(ct_view "$NS_B" "$DB")"
	grep -q "container $WEB: unknown -> running" "$T/beta.log"
	# alpha does not hold it: never monitored there.
	if grep -q "container $WEB:" "$T/alpha.log"; then fail "alpha supervised $WEB"; fi
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"$WEB"*"beta"*"running"* ]]
}

# The config comparison as NS's ha-vzd reports it: "SAME SHA256 PEER_SHA256" (None for null).
config_view() { # NS
	status_json "$1" | python3 -c 'import json,sys
c = json.load(sys.stdin)["config_sync"]
print(c["same"], c["sha256"], c["peer_sha256"])'
}

config_same_is() { # NS True|False|None
	[ "$(config_view "$1" | cut -d' ' -f1)" = "$2" ]
}

@test "status compares the two nodes' ha-vz.conf: not known, the same, edited on beta, restored" {
	# One file for both nodes, as in a real cluster: nothing is held here, so they may
	# share the mount points. Each daemon still reads its own copy.
	write_conf "$T/alpha.conf" "$T/key" 10.250.0.1 10.250.0.2 "$T/shared"
	cp "$T/alpha.conf" "$T/beta.conf"
	cp "$T/beta.conf" "$T/beta.conf.orig"
	sum=$(sha256sum "$T/alpha.conf" | cut -d' ' -f1)
	# beta not running: its copy is not known, nothing compared, no warning.
	start_daemon alpha
	wait_for 80 grep -q "peer beta: unreachable" "$T/alpha.log" || fail "$(cat "$T/alpha.log")"
	[ "$(config_view "$NS_A")" = "None $sum None" ] || fail "$(config_view "$NS_A")"
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"config:   sha256 ${sum:0:12}; beta's not known, not compared"* ]] || fail "$output"
	[[ "$output" != *WARNING* ]] || fail "$output"
	# Both up with the same file: the same, on both nodes.
	start_daemon beta
	wait_for 80 config_same_is "$NS_A" True || fail "alpha: $(config_view "$NS_A")" "$(cat "$T/alpha.log")"
	wait_for 80 config_same_is "$NS_B" True || fail "beta: $(config_view "$NS_B")" "$(cat "$T/beta.log")"
	[ "$(config_view "$NS_A")" = "True $sum $sum" ]
	[ "$(config_view "$NS_B")" = "True $sum $sum" ]
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"config:   the same on both nodes (sha256 ${sum:0:12})"* ]] || fail "$output"
	[[ "$output" != *WARNING* ]] || fail "$output"
	grep -q "config: $T/alpha.conf is the same as beta's (sha256 ${sum:0:12})" "$T/alpha.log"
	# A harmless edit on beta, not reloaded (still a valid configuration): alpha sees it
	# at its next poll of beta, beta at once.
	echo "# edited on beta" >>"$T/beta.conf"
	"$HAVZ" check-config -c "$T/beta.conf" >/dev/null
	bsum=$(sha256sum "$T/beta.conf" | cut -d' ' -f1)
	[ "$bsum" != "$sum" ]
	wait_for 80 config_same_is "$NS_A" False || fail "alpha: $(config_view "$NS_A")" "$(cat "$T/alpha.log")"
	[ "$(config_view "$NS_A")" = "False $sum $bsum" ] || fail "alpha: $(config_view "$NS_A")"
	wait_for 80 config_same_is "$NS_B" False || fail "beta: $(config_view "$NS_B")"
	[ "$(config_view "$NS_B")" = "False $bsum $sum" ] || fail "beta: $(config_view "$NS_B")"
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"config:   differs from beta's"* ]] || fail "$output"
	[[ "$output" == *"WARNING: ha-vz.conf differs between alpha (sha256 ${sum:0:12}) and beta (sha256 ${bsum:0:12}): run ha-vz sync on the node whose copy is right"* ]] || fail "$output"
	[ "$(grep -c WARNING <<<"$output")" -eq 1 ] || fail "$output"
	run in_b "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"WARNING: ha-vz.conf differs between beta (sha256 ${bsum:0:12}) and alpha (sha256 ${sum:0:12})"* ]] || fail "$output"
	wait_for 30 grep -q "config: $T/alpha.conf differs from beta's (sha256 ${sum:0:12} here, ${bsum:0:12} there)" "$T/alpha.log" ||
		fail "$(cat "$T/alpha.log")"
	# Restored: the same again, the warning gone.
	cp "$T/beta.conf.orig" "$T/beta.conf"
	wait_for 80 config_same_is "$NS_A" True || fail "alpha: $(config_view "$NS_A")"
	wait_for 80 config_same_is "$NS_B" True || fail "beta: $(config_view "$NS_B")"
	run in_a "$HAVZ" status
	[ "$status" -eq 0 ]
	[[ "$output" == *"config:   the same on both nodes (sha256 ${sum:0:12})"* ]] || fail "$output"
	[[ "$output" != *WARNING* ]] || fail "$output"
}

@test "status without a running ha-vzd says so and exits 4" {
	run in_a "$HAVZ" status
	[ "$status" -eq 4 ]
	[[ "$output" == *"ha-vzd is not running"* ]]
	run in_a "$HAVZ" status --json
	[ "$status" -eq 4 ]
	python3 -c 'import json,sys; assert json.loads([l for l in sys.argv[1].splitlines() if l.startswith("{")][0])["daemon"] == "stopped"' "$output"
}

@test "supervision: a container whose init is killed is restarted by ha-vzd" {
	hold alpha "$WEB"
	start_daemon alpha
	start_daemon beta
	wait_for 50 grep -q "container $WEB: unknown -> running" "$T/alpha.log" || fail "$(cat "$T/alpha.log")"
	old=$(init_pid alpha "$WEB")
	[ -n "$old" ] && kill -0 "$old"
	kill -KILL "$old"
	wait_for 100 grep -q "container $WEB: restarting -> running: restarted" "$T/alpha.log" ||
		fail "no restart:" "$(cat "$T/alpha.log")"
	# rc 7 once LXC has cleaned up, 1 while it still says STOPPING or init is gone.
	grep -Eq "container $WEB: running -> restarting: monitor rc (7|1), 1 restarts in the window" "$T/alpha.log"
	grep -q "container $WEB: restarting (stop, then start)" "$T/alpha.log"
	[ "$(lxc_state alpha "$WEB")" = RUNNING ]
	new=$(init_pid alpha "$WEB")
	[ -n "$new" ] && [ "$new" != "$old" ] && kill -0 "$new"
	run agent alpha "$WEB" monitor
	[ "$status" -eq 0 ]
	# Both daemons report the restart.
	wait_for 50 view_is "$NS_A" "$WEB" "here alpha running 1" || fail "$(ct_view "$NS_A" "$WEB")"
	wait_for 50 view_is "$NS_B" "$WEB" "peer alpha running 1" || fail "$(ct_view "$NS_B" "$WEB")"
	# db is not mounted here: never supervised, never started.
	if grep -q "container $DB:" "$T/alpha.log"; then fail "$DB supervised"; fi
	[ ! -e "$T/alpha/$DB/$DB" ]
}

@test "supervision: the maintenance marker stops monitoring" {
	hold alpha "$WEB"
	start_daemon alpha
	wait_for 50 grep -q "container $WEB: unknown -> running" "$T/alpha.log" || fail "$(cat "$T/alpha.log")"
	mkdir -p "$T/alpha/$WEB/.ha-vz"
	touch "$T/alpha/$WEB/.ha-vz/unmanaged"
	wait_for 50 grep -q "container $WEB: running -> unmanaged: maintenance marker" "$T/alpha.log" ||
		fail "$(cat "$T/alpha.log")"
	old=$(init_pid alpha "$WEB")
	kill -KILL "$old"
	wait_for 50 is_stopped alpha "$WEB"
	sleep 3 # three monitor intervals
	is_stopped alpha "$WEB"
	if grep -q "container $WEB: .*restarting" "$T/alpha.log"; then fail "restarted under maintenance"; fi
	view_is "$NS_A" "$WEB" "here alpha unmanaged 0"
	# Maintenance over: supervised again, and the stopped container is restarted.
	rm "$T/alpha/$WEB/.ha-vz/unmanaged"
	wait_for 100 grep -q "container $WEB: restarting -> running: restarted" "$T/alpha.log" ||
		fail "$(cat "$T/alpha.log")"
	grep -q "container $WEB: unmanaged -> unknown: held by this node" "$T/alpha.log"
	[ "$(lxc_state alpha "$WEB")" = RUNNING ]
	[ "$(init_pid alpha "$WEB")" != "$old" ]
}

@test "supervision under stack = pacemaker: the state is observed for status, a dead container is not restarted" {
	sed -i 's/^name = lab$/name = lab\nstack = pacemaker/' "$T/alpha.conf" "$T/beta.conf"
	"$HAVZ" check-config -c "$T/alpha.conf" >/dev/null
	hold alpha "$WEB"
	start_daemon alpha
	start_daemon beta
	wait_for 50 grep -q "container $WEB: unknown -> running: monitor (observed; Pacemaker acts)" "$T/alpha.log" ||
		fail "$(cat "$T/alpha.log")"
	# status shows it where it runs, on both nodes, as under heartbeat.
	wait_for 50 view_is "$NS_A" "$WEB" "here alpha running 0" || fail "$(ct_view "$NS_A" "$WEB")"
	wait_for 50 view_is "$NS_B" "$WEB" "peer alpha running 0" || fail "$(ct_view "$NS_B" "$WEB")"
	kill -KILL "$(init_pid alpha "$WEB")"
	wait_for 50 grep -q "container $WEB: running -> failed: monitor (observed; Pacemaker acts)" "$T/alpha.log" ||
		fail "$(cat "$T/alpha.log")"
	# Pacemaker's monitor restarts it, not ha-vzd: three monitor rounds, no restart.
	sleep 3
	is_stopped alpha "$WEB"
	if grep -q "container $WEB: .*restarting" "$T/alpha.log"; then fail "ha-vzd restarted it under Pacemaker"; fi
	view_is "$NS_A" "$WEB" "here alpha failed 0"
}

@test "fence-peer: a real OUTDATE where DRBD has no such resource answers failed" {
	# This host's drbdadm does not know the resource (unique name): nothing may claim "outdated".
	if /usr/sbin/drbdadm role "ct-$WEB" >/dev/null 2>&1; then skip "drbdadm knows ct-$WEB here"; fi
	start_daemon beta
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource "ct-$WEB"
	[ "$status" -eq 1 ] || fail "exit $status: $output" "$(cat "$T/beta.log")"
	[[ "$output" == *"ct-$WEB on beta: failed (exit 1)"* ]]
	grep -q "control: alpha asks to outdate ct-$WEB" "$T/beta.log"
	grep -Eq "control: (drbdadm outdate ct-$WEB exited with|cannot run /usr/sbin/drbdadm)" "$T/beta.log"
	grep -q "control: outdate ct-$WEB for alpha: failed" "$T/beta.log"
	# The same through DRBD's interface (DRBD_RESOURCE).
	DRBD_RESOURCE=ct-$WEB run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha
	[ "$status" -eq 1 ]
	# Not a container of this cluster: refused before asking; no resource at all: usage.
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource ct-nope
	[ "$status" -eq 1 ]
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha
	[ "$status" -eq 2 ]
	if grep -q "ct-nope" "$T/beta.log"; then fail "ct-nope reached beta"; fi
}

@test "fence-peer: a resource the peer's configuration lacks is answered unknown, drbdadm untouched" {
	sed "/^\[container $DB\]/,\$d" "$T/beta.conf" >"$T/beta-nodb.conf"
	start_daemon beta "$T/beta-nodb.conf"
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource "ct-$DB"
	[ "$status" -eq 1 ] || fail "exit $status: $output" "$(cat "$T/beta.log")"
	[[ "$output" == *"ct-$DB on beta: unknown resource (exit 1)"* ]]
	grep -q "control: outdate ct-$DB for alpha: unknown resource" "$T/beta.log"
	if grep -q "drbdadm" "$T/beta.log"; then fail "drbdadm ran for an unknown resource"; fi
}

@test "a client with the wrong key is rejected and the server logs it" {
	start_daemon beta
	write_conf "$T/wrong.conf" "$T/otherkey" 10.250.0.1 10.250.0.2 "$T/alpha"
	run in_a "$HAVZ" fence-peer -c "$T/wrong.conf" -n alpha --resource "ct-$WEB"
	[ "$status" -eq 1 ]
	[[ "$output" == *"same cluster key"* ]]
	wait_for 20 grep -q "rejected a request from 10.250.0.1: bad MAC" "$T/beta.log"
	# Rejected before anything ran.
	if grep -Eq "asks to outdate|drbdadm" "$T/beta.log"; then fail "acted on it:" "$(cat "$T/beta.log")"; fi
}

@test "fence-peer against an unreachable peer exits 5 quickly" {
	# Nothing listens on beta: connection refused.
	SECONDS=0
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource "ct-$WEB"
	[ "$status" -eq 5 ]
	# A peer address nobody answers on: the connect times out.
	write_conf "$T/dead.conf" "$T/key" 10.250.0.1 10.250.0.99 "$T/alpha"
	run in_a "$HAVZ" fence-peer -c "$T/dead.conf" -n alpha --resource "ct-$WEB"
	[ "$status" -eq 5 ]
	[[ "$output" == *"unreachable"* ]]
	[ "$SECONDS" -lt 10 ] || fail "took $SECONDS s"
}

@test "garbage on the control port does not crash ha-vzd" {
	start_daemon beta
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
	# Still answering real requests: a STATUS from a real alpha, and an OUTDATE.
	start_daemon alpha
	wait_for 80 peer_reachable "$NS_A" || fail "$(cat "$T/alpha.log")"
	run in_a "$HAVZ" fence-peer -c "$T/alpha.conf" -n alpha --resource "ct-$WEB"
	[[ "$output" == *"ct-$WEB on beta: "* ]] || fail "exit $status: $output"
}

@test "SIGHUP with a broken config keeps the old one; a good one is taken" {
	start_daemon alpha
	cp "$T/alpha.conf" "$T/good.conf"
	echo "bogus_key = 1" >>"$T/alpha.conf"
	kill -HUP "$PID_alpha"
	wait_for 30 grep -q "reload failed; keeping the running configuration" "$T/alpha.log"
	kill -0 "$PID_alpha"
	run in_a "$HAVZ" status --json
	[ "$status" -eq 0 ]
	python3 -c 'import json,sys; assert len(json.loads(sys.argv[1])["containers"]) == 2' "$output"
	# A valid configuration without db replaces it.
	sed "/^\[container $DB\]/,\$d" "$T/good.conf" >"$T/alpha.conf"
	kill -HUP "$PID_alpha"
	wait_for 30 grep -q "configuration reloaded (1 containers)" "$T/alpha.log"
	run in_a "$HAVZ" status --json
	python3 -c 'import json,sys; assert [c["name"] for c in json.loads(sys.argv[1])["containers"]] == [sys.argv[2]]' "$output" "$WEB"
}

@test "ha-vzd refuses a node that is not in the configuration, and a bad --agent" {
	run "$HAVZD" -c "$T/alpha.conf" -n gamma --check --agent "$AGENT"
	[ "$status" -eq 3 ]
	[[ "$output" == *"'gamma' is not one of the configured nodes"* ]]
	run "$HAVZD" -c "$T/alpha.conf" -n alpha --check --agent "$AGENT"
	[ "$status" -eq 0 ]
	[[ "$output" != *"cannot be supervised"* ]]
	run "$HAVZD" --bogus
	[ "$status" -eq 2 ]
	run "$HAVZD" -c "$T/alpha.conf" -n alpha --check --agent "$T/ocf/nosuch"
	[ "$status" -eq 2 ]
	[[ "$output" == *"--agent $T/ocf/nosuch: No such file or directory"* ]]
	run "$HAVZD" -c "$T/alpha.conf" -n alpha --check --agent ocf/container
	[ "$status" -eq 2 ]
	[[ "$output" == *"not an absolute path"* ]]
	run "$HAVZD" --help
	[[ "$output" == *"--agent PATH"*"/usr/lib/ocf/resource.d/ha-vz/container"* ]]
	# The installed default is not here: said, but the fencing service still starts.
	if [ ! -x /usr/lib/ocf/resource.d/ha-vz/container ]; then
		run "$HAVZD" -c "$T/alpha.conf" -n alpha --check
		[ "$status" -eq 0 ]
		[[ "$output" == *"agent /usr/lib/ocf/resource.d/ha-vz/container: No such file or directory; containers held here cannot be supervised"* ]]
	fi
}
