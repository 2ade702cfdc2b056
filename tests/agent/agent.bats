#!/usr/bin/env bats
# The OCF agent resource-agents/container against a real LXC busybox container.
# shellcheck disable=SC2030,SC2031

load helpers

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/ct"
	export CT="hvta$$"
	export CONF="$TESTDIR/ha-vz.conf"
	export LXCPATH="$TESTDIR/mnt"
	make_config "$TESTDIR" "$CT"
	"$HAVZ" ct create "$CT" -c "$CONF" --no-mount-check
}

teardown_file() {
	ct_cleanup "$LXCPATH" "$CT"
}

setup() {
	agent_env
}

start_ct() {
	run "$AGENT" start
	[ "$status" -eq 0 ]
}

stop_ct() {
	run "$AGENT" stop
	[ "$status" -eq 0 ]
}

# ---- meta-data ----

@test "meta-data exits 0 without any parameters" {
	unset OCF_RESKEY_name OCF_RESKEY_config
	run "$AGENT" meta-data
	[ "$status" -eq 0 ]
	[[ "$output" == *'<resource-agent name="container"'* ]]
}

@test "meta-data is valid against resource-agents' metadata.rng (OCF 1.1)" {
	"$AGENT" meta-data >"$BATS_TEST_TMPDIR/md.xml"
	run xmllint --noout --relaxng /usr/share/resource-agents/metadata.rng "$BATS_TEST_TMPDIR/md.xml"
	[ "$status" -eq 0 ]
	[[ "$output" == *validates* ]]
}

@test "meta-data is valid against ra-api-1.dtd (as ocf-tester checks it)" {
	"$AGENT" meta-data >"$BATS_TEST_TMPDIR/md.xml"
	cd /usr/share/resource-agents
	run xmllint --noout --valid - <"$BATS_TEST_TMPDIR/md.xml"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "meta-data lists every action and the monitor depths" {
	run "$AGENT" meta-data
	for a in start stop monitor validate-all meta-data migrate_to migrate_from reload; do
		[[ "$output" == *"<action name=\"$a\""* ]]
	done
	[[ "$output" == *'depth="10"'* ]]
	[[ "$output" == *'depth="20"'* ]]
	[[ "$output" == *'<parameter name="name" unique="1" required="1">'* ]]
}

# ---- arguments ----

@test "no action: exit 2 (OCF_ERR_ARGS)" {
	run "$AGENT"
	[ "$status" -eq 2 ]
	[[ "$output" == *Usage* ]]
}

@test "unknown action: exit 3 (OCF_ERR_UNIMPLEMENTED) with an exit reason" {
	run "$AGENT" promote
	[ "$status" -eq 3 ]
	[[ "$output" == *"ocf-exit-reason:action 'promote' is not implemented"* ]]
}

@test "usage: exit 0" {
	run "$AGENT" usage
	[ "$status" -eq 0 ]
}

@test "missing name: validate-all and start exit 6 (OCF_ERR_CONFIGURED)" {
	unset OCF_RESKEY_name
	run "$AGENT" validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:required parameter 'name' is not set"* ]]
	run "$AGENT" start
	[ "$status" -eq 6 ]
}

@test "malformed name: exit 2 (OCF_ERR_ARGS)" {
	OCF_RESKEY_name="1/bad" run "$AGENT" validate-all
	[ "$status" -eq 2 ]
	[[ "$output" == *"ocf-exit-reason:parameter name: '1/bad' is not a container name"* ]]
}

@test "malformed timeouts and booleans: exit 2" {
	OCF_RESKEY_shutdown_timeout=soon run "$AGENT" validate-all
	[ "$status" -eq 2 ]
	[[ "$output" == *"shutdown_timeout: 'soon'"* ]]
	OCF_RESKEY_attach_timeout=-1 run "$AGENT" validate-all
	[ "$status" -eq 2 ]
	OCF_RESKEY_mount_check=perhaps run "$AGENT" validate-all
	[ "$status" -eq 2 ]
	OCF_CHECK_LEVEL=deep run "$AGENT" monitor
	[ "$status" -eq 2 ]
}

@test "unknown container: exit 6 naming it and the file" {
	OCF_RESKEY_name=nosuch run "$AGENT" validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:container nosuch is not in $CONF"* ]]
	OCF_RESKEY_name=nosuch run "$AGENT" start
	[ "$status" -eq 6 ]
}

@test "missing config file: 5 for validate-all/start, 7 for a probe, 0 for stop" {
	export OCF_RESKEY_config="$TESTDIR/absent.conf"
	run "$AGENT" validate-all
	[ "$status" -eq 5 ]
	[[ "$output" == *"ocf-exit-reason:configuration file $TESTDIR/absent.conf: No such file"* ]]
	run "$AGENT" start
	[ "$status" -eq 5 ]
	OCF_RESKEY_CRM_meta_interval=0 run "$AGENT" monitor
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	run "$AGENT" stop
	[ "$status" -eq 0 ]
}

@test "invalid config file: exit 6 with the file:line error logged" {
	printf '[cluster]\nname = x\nbogus = 1\n' >"$TESTDIR/bad.conf"
	OCF_RESKEY_config="$TESTDIR/bad.conf" run "$AGENT" validate-all
	[ "$status" -eq 6 ]
	[[ "$output" == *"bad.conf:3"* ]]
	[[ "$output" == *"ocf-exit-reason:configuration file $TESTDIR/bad.conf: invalid"* ]]
}

@test "container in the config but not created: validate-all/start 5, monitor 7, stop 0" {
	export OCF_RESKEY_name=ghost
	run "$AGENT" validate-all
	[ "$status" -eq 5 ]
	[[ "$output" == *"ocf-exit-reason:container ghost is not defined in $TESTDIR/ghost"* ]]
	run "$AGENT" start
	[ "$status" -eq 5 ]
	run "$AGENT" monitor
	[ "$status" -eq 7 ]
	OCF_RESKEY_CRM_meta_interval=0 run "$AGENT" monitor
	[ "$status" -eq 7 ]
	[ -z "$output" ]
	run "$AGENT" stop
	[ "$status" -eq 0 ]
}

@test "mount_check (default on): start refuses a plain directory, validate-all passes" {
	unset OCF_RESKEY_mount_check
	run "$AGENT" validate-all
	[ "$status" -eq 0 ]
	run "$AGENT" start
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:container $CT: $LXCPATH is not mounted on this node"* ]]
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
}

# ---- lifecycle ----

@test "validate-all: 0" {
	run "$AGENT" validate-all
	[ "$status" -eq 0 ]
}

@test "stopped: monitor 7, probe 7 and silent" {
	run "$AGENT" monitor
	[ "$status" -eq 7 ]
	OCF_RESKEY_CRM_meta_interval=0 run "$AGENT" monitor
	[ "$status" -eq 7 ]
	[ -z "$output" ]
}

@test "start: 0 and the container runs; start again: 0" {
	start_ct
	[ "$(lxc_state "$LXCPATH" "$CT")" = RUNNING ]
	run "$AGENT" monitor
	[ "$status" -eq 0 ]
	run "$AGENT" start
	[ "$status" -eq 0 ]
	run "$AGENT" monitor
	[ "$status" -eq 0 ]
	OCF_RESKEY_CRM_meta_interval=0 run "$AGENT" monitor
	[ "$status" -eq 0 ]
}

@test "start applies the memory and CPU limits of ha-vz.conf" {
	start_ct
	run lxc-cgroup -P "$LXCPATH" -n "$CT" memory.limit_in_bytes
	if [ "$status" -ne 0 ]; then
		run lxc-cgroup -P "$LXCPATH" -n "$CT" memory.max
	fi
	[ "$output" = 67108864 ]
	run lxc-cgroup -P "$LXCPATH" -n "$CT" cpu.cfs_quota_us
	if [ "$status" -eq 0 ]; then
		[ "$output" = 50000 ]
	else
		run lxc-cgroup -P "$LXCPATH" -n "$CT" cpu.max
		[ "$output" = "50000 100000" ]
	fi
}

@test "the container has the settings CRIU needs" {
	cfg="$LXCPATH/$CT/config"
	[ "$(grep -E '^lxc.tty.max' "$cfg" | tail -n 1)" = "lxc.tty.max = 0" ]
	grep -qx 'lxc.console.path = none' "$cfg"
	grep -qx 'lxc.net.0.type = empty' "$cfg"
	run grep -E '^[^#]*(getty|askfirst)' "$LXCPATH/$CT/rootfs/etc/inittab"
	[ "$status" -eq 1 ]
	if [ ! -e /sys/kernel/security/apparmor ]; then
		run grep '^lxc.apparmor.profile' "$cfg"
		[ "$status" -eq 1 ]
	fi
	# No bind mount from a symlinked source (/lib, /lib64 on Debian 12).
	while read -r _ _ src _; do
		case $src in /*) [ ! -L "$src" ] ;; esac
	done < <(grep '^lxc.mount.entry' "$cfg")
}

@test "monitor depth 10: 0 when init answers" {
	start_ct
	OCF_CHECK_LEVEL=10 run "$AGENT" monitor
	[ "$status" -eq 0 ]
}

@test "monitor depth 20: health_cmd decides" {
	start_ct
	OCF_CHECK_LEVEL=20 OCF_RESKEY_health_cmd='test -d /proc/1 && grep -q sysinit /etc/inittab' \
		run "$AGENT" monitor
	[ "$status" -eq 0 ]
	OCF_CHECK_LEVEL=20 OCF_RESKEY_health_cmd='echo unhealthy; exit 3' run "$AGENT" monitor
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:container $CT: health_cmd exited with status 3: unhealthy"* ]]
	OCF_CHECK_LEVEL=20 run "$AGENT" monitor
	[ "$status" -eq 0 ]
}

@test "monitor depth 20: a hanging health_cmd is killed after attach_timeout" {
	start_ct
	OCF_CHECK_LEVEL=20 OCF_RESKEY_attach_timeout=1 OCF_RESKEY_health_cmd='sleep 30' \
		run timeout 20 "$AGENT" monitor
	[ "$status" -eq 1 ]
	[[ "$output" == *"did not finish within 1 s"* ]]
}

@test "a frozen container is failed (1), not stopped" {
	start_ct
	lxc-freeze -P "$LXCPATH" -n "$CT"
	run "$AGENT" monitor
	lxc-unfreeze -P "$LXCPATH" -n "$CT"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:container $CT is frozen"* ]]
}

@test "reload: 0 and re-applies the limits to a running container" {
	start_ct
	lxc-cgroup -P "$LXCPATH" -n "$CT" memory.limit_in_bytes 134217728 ||
		lxc-cgroup -P "$LXCPATH" -n "$CT" memory.max 134217728
	run "$AGENT" reload
	[ "$status" -eq 0 ]
	run lxc-cgroup -P "$LXCPATH" -n "$CT" memory.limit_in_bytes
	[ "$status" -eq 0 ] || run lxc-cgroup -P "$LXCPATH" -n "$CT" memory.max
	[ "$output" = 67108864 ]
}

@test "stop: 0 and stopped; stop again: 0; monitor 7" {
	start_ct
	run "$AGENT" stop
	[ "$status" -eq 0 ]
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
	run "$AGENT" stop
	[ "$status" -eq 0 ]
	run "$AGENT" monitor
	[ "$status" -eq 7 ]
}

@test "stop kills a container that ignores the clean shutdown" {
	start_ct
	# shutdown_timeout=0 skips the clean shutdown: the kill path alone.
	OCF_RESKEY_shutdown_timeout=0 run "$AGENT" stop
	[ "$status" -eq 0 ]
	[[ "$output" == *"container $CT: killed"* ]]
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
}

@test "checkpoint-on-stop: a failing dump falls back to a clean stop and the request is removed" {
	start_ct
	mkdir -p "$LXCPATH/.ha-vz"
	touch "$LXCPATH/.ha-vz/checkpoint-on-stop"
	run "$AGENT" stop
	[ "$status" -eq 0 ]
	[[ "$output" == *"container $CT: checkpoint failed ("*"); stopping cleanly"* ]]
	[ "$(echo "$output" | grep -c 'checkpoint failed')" -eq 1 ]
	[ ! -e "$LXCPATH/.ha-vz/checkpoint-on-stop" ]
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
}

@test "checkpoint-on-stop with the container stopped: request dropped, 0" {
	stop_ct
	mkdir -p "$LXCPATH/.ha-vz"
	touch "$LXCPATH/.ha-vz/checkpoint-on-stop"
	run "$AGENT" stop
	[ "$status" -eq 0 ]
	[ ! -e "$LXCPATH/.ha-vz/checkpoint-on-stop" ]
}

@test "start without a usable image starts cold and says why in one line" {
	stop_ct
	run "$AGENT" start
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c "container $CT: not restored (.*); starting cold")" -eq 1 ]
	[ "$(lxc_state "$LXCPATH" "$CT")" = RUNNING ]
}

@test "migrate_to on a stopped container: 1; on a running one: 0 and stopped" {
	stop_ct
	run "$AGENT" migrate_to
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:container $CT is stopped here"* ]]
	start_ct
	OCF_RESKEY_CRM_meta_migrate_target=beta run "$AGENT" migrate_to
	[ "$status" -eq 0 ]
	[[ "$output" == *"migrating to beta"* ]]
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
}

@test "migrate_from: 0 and running (restore or cold start)" {
	stop_ct
	run "$AGENT" migrate_from
	[ "$status" -eq 0 ]
	[ "$(lxc_state "$LXCPATH" "$CT")" = RUNNING ]
	stop_ct
}

@test "ocf-tester passes" {
	stop_ct
	unset OCF_RESKEY_name OCF_RESKEY_config OCF_RESKEY_mount_check OCF_RESKEY_CRM_meta_timeout \
		OCF_RESKEY_CRM_meta_interval
	run ocf-tester -n "$CT" -o name="$CT" -o config="$CONF" -o mount_check=false "$AGENT"
	echo "$output"
	# Its summary goes to the TAP stream as comments, for the record.
	printf '%s\n' "$output" | grep -E 'passed all tests|^\* ' | sed 's/^/# ocf-tester: /' >&3
	[ "$status" -eq 0 ]
	[[ "$output" == *"passed all tests"* ]]
	[[ "$output" != *"* rc="* ]]
	agent_env
	stop_ct
}
