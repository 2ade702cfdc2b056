# Shared by the agent tests: a temporary ha-vz.conf whose containers live
# under a temporary directory (a plain directory: the tests pass
# mount_check=false / --no-mount-check), and real LXC busybox containers.
# HAVZ_BUILD selects the build directory (default: build/ of this tree).

ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${HAVZ_BUILD:-$ROOT/build}
HAVZ=$BUILD/ha-vz
AGENT=$ROOT/resource-agents/container
HBWRAP=$ROOT/resource-agents/ha-vz-container
export HAVZ_OCF_BIN=$BUILD/ha-vz-ocf-container
export OCF_ROOT=/usr/lib/ocf

# make_config DIR CT [EXTRA_LINES]: writes DIR/ha-vz.conf with container CT
# (mount DIR/mnt) and container ghost (mount DIR/ghost, never created).
make_config() {
	local dir=$1 ct=$2 extra=${3:-}
	mkdir -p "$dir/mnt" "$dir/ghost"
	[ -e "$dir/authkey" ] || "$HAVZ" keygen -o "$dir/authkey" >/dev/null 2>&1
	cat >"$dir/ha-vz.conf" <<CONF
[cluster]
name = agenttest
auth_key_file = $dir/authkey
[node alpha]
management = 192.0.2.11
replication = 198.51.100.11
[node beta]
management = 192.0.2.12
replication = 198.51.100.12
[link lan]
interface = eth0
network = management
[link repl]
interface = eth1
network = replication
[container $ct]
minor = 0
port = 7789
disk = /dev/havz/$ct
size = 1G
mount = $dir/mnt
memory = 64M
cpus = 0.5
preferred_node = alpha
checkpoint = switchover
$extra
[container ghost]
minor = 1
port = 7790
disk = /dev/havz/ghost
size = 1G
mount = $dir/ghost
memory = 32M
preferred_node = beta
CONF
}

# The agent's parameters for container $CT of $CONF.
agent_env() {
	export OCF_RESKEY_name=$CT OCF_RESKEY_config=$CONF OCF_RESKEY_mount_check=false
	export OCF_RESKEY_CRM_meta_timeout=30000 OCF_RESKEY_CRM_meta_interval=10000
	unset OCF_CHECK_LEVEL OCF_RESKEY_health_cmd
}

# Kills and removes a container whatever its state.
ct_cleanup() {
	local lxcpath=$1 name=$2
	[ -d "$lxcpath/$name" ] || return 0
	lxc-stop -P "$lxcpath" -n "$name" -k >/dev/null 2>&1 || true
	lxc-destroy -P "$lxcpath" -n "$name" -f >/dev/null 2>&1 || true
	rm -rf "${lxcpath:?}/$name"
}

# State as LXC itself reports it.
lxc_state() {
	lxc-info -P "$1" -n "$2" -s -H 2>/dev/null
}
