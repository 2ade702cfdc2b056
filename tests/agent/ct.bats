#!/usr/bin/env bats
# ha-vz ct create|list|destroy with real LXC busybox containers.

load helpers

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/ct"
	export CT="hvtc$$"
	export CONF="$TESTDIR/ha-vz.conf"
	export LXCPATH="$TESTDIR/mnt"
	make_config "$TESTDIR" "$CT"
}

teardown_file() {
	ct_cleanup "$LXCPATH" "$CT"
}

@test "ct --help and each subcommand's --help exit 0" {
	run "$HAVZ" ct --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"ha-vz ct create NAME"* ]]
	for sub in create list destroy; do
		run "$HAVZ" ct "$sub" --help
		[ "$status" -eq 0 ]
		[[ "$output" == *"Usage: ha-vz ct $sub"* ]]
	done
	run "$HAVZ" help ct
	[ "$status" -eq 0 ]
}

@test "ct without a subcommand or with an unknown one: exit 2" {
	run "$HAVZ" ct
	[ "$status" -eq 2 ]
	run "$HAVZ" ct frobnicate
	[ "$status" -eq 2 ]
	[[ "$output" == *"unknown subcommand 'frobnicate'"* ]]
}

@test "ct create without NAME, with an extra argument or a bad option: exit 2" {
	run "$HAVZ" ct create -c "$CONF"
	[ "$status" -eq 2 ]
	[[ "$output" == *"which container?"* ]]
	run "$HAVZ" ct create "$CT" extra -c "$CONF"
	[ "$status" -eq 2 ]
	run "$HAVZ" ct list --force -c "$CONF"
	[ "$status" -eq 2 ]
}

@test "ct create with an unknown template: exit 2 naming it" {
	run "$HAVZ" ct create "$CT" -c "$CONF" -t gentoo --no-mount-check
	[ "$status" -eq 2 ]
	[[ "$output" == *"container $CT: unknown template 'gentoo'"* ]]
}

@test "ct create of a container not in the config: exit 1 naming it" {
	run "$HAVZ" ct create nosuch -c "$CONF" --no-mount-check
	[ "$status" -eq 1 ]
	[[ "$output" == *"container nosuch: not in $CONF"* ]]
}

@test "ct create with a missing config file: exit 3" {
	run "$HAVZ" ct create "$CT" -c "$TESTDIR/absent.conf"
	[ "$status" -eq 3 ]
}

@test "ct create refuses a mount point that is not mounted" {
	run "$HAVZ" ct create "$CT" -c "$CONF"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container $CT: $LXCPATH is not mounted on this node"* ]]
	[ ! -e "$LXCPATH/$CT" ]
}

@test "ct create --no-mount-check makes the container on the volume" {
	run "$HAVZ" ct create "$CT" -c "$CONF" --no-mount-check
	[ "$status" -eq 0 ]
	[ -f "$LXCPATH/$CT/config" ]
	[ -x "$LXCPATH/$CT/rootfs/bin/busybox" ]
	grep -qx "lxc.rootfs.path = dir:$LXCPATH/$CT/rootfs" "$LXCPATH/$CT/config"
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
}

@test "ct create of an existing container: exit 1, already exists" {
	run "$HAVZ" ct create "$CT" -c "$CONF" --no-mount-check
	[ "$status" -eq 1 ]
	[[ "$output" == *"container $CT: already exists in $LXCPATH"* ]]
}

@test "ct list shows state, mount and limits" {
	run "$HAVZ" ct list -c "$CONF"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "NAME "*STATE*MOUNT*MEMORY*CPUS* ]]
	[[ "$output" =~ $CT\ +stopped\ +not-mounted\ +64M\ +0\.50 ]]
	[[ "$output" =~ ghost\ +absent\ +not-mounted\ +32M\ +1\.00 ]]
	lxc-start -P "$LXCPATH" -n "$CT"
	run "$HAVZ" ct list -c "$CONF"
	[[ "$output" =~ $CT\ +running ]]
}

@test "ct destroy of a running container without --force: exit 1, nothing removed" {
	[ "$(lxc_state "$LXCPATH" "$CT")" = RUNNING ] || lxc-start -P "$LXCPATH" -n "$CT"
	run "$HAVZ" ct destroy "$CT" -c "$CONF" --no-mount-check
	[ "$status" -eq 1 ]
	[[ "$output" == *"container $CT is running; stop it first or use --force"* ]]
	[ -f "$LXCPATH/$CT/config" ]
}

@test "ct destroy refuses a mount point that is not mounted" {
	run "$HAVZ" ct destroy "$CT" -c "$CONF" --force
	[ "$status" -eq 1 ]
	[[ "$output" == *"is not mounted on this node"* ]]
	[ -f "$LXCPATH/$CT/config" ]
}

@test "ct destroy --force kills and removes it" {
	run "$HAVZ" ct destroy "$CT" -c "$CONF" --force --no-mount-check
	[ "$status" -eq 0 ]
	[ ! -e "$LXCPATH/$CT" ]
}

@test "ct destroy of a container that does not exist: exit 1" {
	run "$HAVZ" ct destroy "$CT" -c "$CONF" --no-mount-check
	[ "$status" -eq 1 ]
	[[ "$output" == *"container $CT does not exist in $LXCPATH"* ]]
}
