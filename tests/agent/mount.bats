#!/usr/bin/env bats
# drbd/ha-vz-mount, the heartbeat resource script for a container's file system (and
# resource-agents/mount, the OCF agent around it under Pacemaker), against
# real mounts: an ext4 image on a loop device, mounted only inside a private mount
# namespace (held by a sleeping process; every command enters it with nsenter), so that
# nothing leaks to the host's mounts.
# shellcheck disable=SC2016 # awk programs and sh -c bodies expand there, not here

load helpers

MOUNTSCRIPT=$ROOT/drbd/ha-vz-mount

setup_file() {
	[ "$(id -u)" -eq 0 ] || skip "needs root for loop devices and mounts"
	local c
	for c in losetup unshare nsenter mkfs.ext4 dumpe2fs; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
	export TESTDIR="$BATS_FILE_TMPDIR/mount"
	mkdir -p "$TESTDIR"
	truncate -s 64M "$TESTDIR/fs.img"
	mkfs.ext4 -q -F "$TESTDIR/fs.img"
	# No file system at all: fsck.ext4 -p cannot check it.
	truncate -s 8M "$TESTDIR/blank.img"
	LOOP=$(losetup -f --show "$TESTDIR/fs.img") ||
		skip "no loop device to be had here (losetup -f --show failed)"
	export LOOP
	LOOP2=$(losetup -f --show "$TESTDIR/blank.img") || {
		losetup -d "$LOOP"
		skip "no second loop device to be had here (losetup -f --show failed)"
	}
	export LOOP2
	unshare -m --propagation private sleep 100000 </dev/null >/dev/null 2>&1 3>&- &
	export NSPID=$!
	# Mounted nothing until unshare has exec'd sleep in its own namespace.
	for _ in $(seq 50); do
		[ "$(cat "/proc/$NSPID/comm" 2>/dev/null)" != sleep ] || break
		sleep 0.1
	done
	[ "$(readlink "/proc/$NSPID/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
}

teardown_file() {
	local ns p l
	# Every process left in the test namespace (only this file's), the holder last: the
	# namespace goes with its last process and its mounts with it; a loop device still in
	# use detaches once released.
	if [ -n "${NSPID:-}" ] && ns=$(readlink "/proc/$NSPID/ns/mnt"); then
		for p in /proc/[0-9]*; do
			p=${p#/proc/}
			[ "$p" != "$NSPID" ] && [ "$(readlink "/proc/$p/ns/mnt" 2>/dev/null)" = "$ns" ] &&
				kill -9 "$p" 2>/dev/null
		done
		kill "$NSPID" 2>/dev/null || true
	fi
	for l in "${LOOP:-}" "${LOOP2:-}"; do
		[ -z "$l" ] || losetup -d "$l" 2>/dev/null || true
	done
}

setup() {
	MNT="$TESTDIR/m$BATS_TEST_NUMBER/ct"
	unset HAVZ_MOUNT_TRIES
}

# Whatever a test left running or mounted under $TESTDIR in the namespace, innermost first.
teardown() {
	local m
	[ -z "${BUSY_PID:-}" ] || kill -9 "$BUSY_PID" 2>/dev/null || true
	inns awk '{ print $2 }' /proc/mounts | grep "^$TESTDIR/" | sort -r |
		while read -r m; do inns umount -l "$m"; done
}

# inns CMD...: CMD in the test namespace.
inns() {
	nsenter -t "$NSPID" -m -- "$@"
}

# hvm ARGS...: runs ha-vz-mount in the test namespace (bats' run).
hvm() {
	run nsenter -t "$NSPID" -m -- "$MOUNTSCRIPT" "$@"
}

# The mount lines of DEVICE in the namespace's /proc/mounts.
ns_mounts_of() {
	inns awk -v d="$1" '$1 == d { print $1, $2, $3 }' /proc/mounts
}

mount_count() {
	dumpe2fs -h "$LOOP" 2>/dev/null | sed -n 's/^Mount count: *//p'
}

@test "wrong argument count or action: usage, exit 2" {
	local want="usage: ha-vz-mount DEVICE MOUNTPOINT FSTYPE {start|stop|status}"
	run "$MOUNTSCRIPT" "$LOOP" "$MNT" status
	[ "$status" -eq 2 ]
	[ "$output" = "$want" ]
	run "$MOUNTSCRIPT" "$LOOP" "$MNT" ext4 rw status
	[ "$status" -eq 2 ]
	[ "$output" = "$want" ]
	run "$MOUNTSCRIPT" "$LOOP" "$MNT" ext4 restart
	[ "$status" -eq 2 ]
	[ "$output" = "$want" ]
	run "$MOUNTSCRIPT"
	[ "$status" -eq 2 ]
	[ "$output" = "$want" ]
}

@test "an unsupported FSTYPE is refused for every action, naming the parameter" {
	local a
	for a in start stop status; do
		hvm "$LOOP" "$MNT" btrfs "$a"
		[ "$status" -eq 2 ]
		[ "$output" = "ha-vz-mount: FSTYPE 'btrfs' is not supported (the third argument: ext4 or xfs)" ]
	done
	[ -z "$(ns_mounts_of "$LOOP")" ]
	[ ! -e "$MNT" ]
}

@test "a relative, root or blank-containing path is refused, naming the parameter" {
	hvm "$LOOP" srv/ct ext4 start
	[ "$status" -eq 2 ]
	[ "$output" = "ha-vz-mount: MOUNTPOINT 'srv/ct' is not an absolute path" ]
	hvm "$LOOP" / ext4 start
	[ "$status" -eq 2 ]
	[ "$output" = "ha-vz-mount: MOUNTPOINT '/' is the root directory" ]
	hvm loop0 "$MNT" ext4 status
	[ "$status" -eq 2 ]
	[ "$output" = "ha-vz-mount: DEVICE 'loop0' is not an absolute path" ]
	hvm "$LOOP" "$MNT/a b" ext4 start
	[ "$status" -eq 2 ]
	[[ "$output" == *"MOUNTPOINT '$MNT/a b': whitespace or a backslash"* ]]
	[ -z "$(ns_mounts_of "$LOOP")" ]
}

@test "status, start, status, start again, stop, status: the whole cycle" {
	hvm "$LOOP" "$MNT" ext4 status
	[ "$status" -eq 3 ]
	[ "$output" = stopped ]
	hvm "$LOOP" "$MNT" ext4 start
	[ "$status" -eq 0 ]
	[[ "$output" == *"ha-vz-mount: $LOOP on $MNT: mounted (ext4)"* ]]
	[ "$(ns_mounts_of "$LOOP")" = "$LOOP $MNT ext4" ]
	# mkdir -p made the mount point; the host never sees the mount.
	run grep -c "^$LOOP " /proc/mounts
	[ "$output" = 0 ]
	hvm "$LOOP" "$MNT" ext4 status
	[ "$status" -eq 0 ]
	[ "$output" = running ]
	local before
	before=$(mount_count)
	hvm "$LOOP" "$MNT" ext4 start
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(ns_mounts_of "$LOOP")" = "$LOOP $MNT ext4" ]
	[ "$(mount_count)" -eq "$before" ]
	hvm "$LOOP" "$MNT" ext4 stop
	[ "$status" -eq 0 ]
	[ "$output" = "ha-vz-mount: $LOOP on $MNT: unmounted" ]
	[ -z "$(ns_mounts_of "$LOOP")" ]
	hvm "$LOOP" "$MNT" ext4 status
	[ "$status" -eq 3 ]
	[ "$output" = stopped ]
	# Stopping what is stopped is done.
	hvm "$LOOP" "$MNT" ext4 stop
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the mount point may be named with a trailing slash or through a symlink" {
	hvm "$LOOP" "$MNT/" ext4 start
	[ "$status" -eq 0 ]
	[ "$(ns_mounts_of "$LOOP")" = "$LOOP $MNT ext4" ]
	ln -s "$MNT" "$TESTDIR/link$BATS_TEST_NUMBER"
	hvm "$LOOP" "$TESTDIR/link$BATS_TEST_NUMBER" ext4 status
	[ "$status" -eq 0 ]
	[ "$output" = running ]
	hvm "$LOOP" "$TESTDIR/link$BATS_TEST_NUMBER" ext4 stop
	[ "$status" -eq 0 ]
	[ -z "$(ns_mounts_of "$LOOP")" ]
}

@test "the ext4 mount count goes up by exactly one per mount (fsck.ext4 -p keeps it)" {
	local c0 k
	c0=$(mount_count)
	[ -n "$c0" ]
	for k in 1 2 3; do
		hvm "$LOOP" "$MNT" ext4 start
		[ "$status" -eq 0 ]
		# start ran the preen check (it prints the file system's summary) ...
		[[ "$output" == *"$LOOP: clean,"* ]]
		# ... and the count is the mount's alone.
		[ "$(mount_count)" -eq $((c0 + k)) ]
		hvm "$LOOP" "$MNT" ext4 stop
		[ "$status" -eq 0 ]
		[ "$(mount_count)" -eq $((c0 + k)) ]
	done
}

@test "stop kills the users of a busy mount and unmounts it" {
	hvm "$LOOP" "$MNT" ext4 start
	[ "$status" -eq 0 ]
	nsenter -t "$NSPID" -m -- sh -c 'cd "$1" && exec sleep 300' sh "$MNT" \
		</dev/null >/dev/null 2>&1 3>&- &
	local pid=$! rc=0
	BUSY_PID=$pid
	for _ in $(seq 50); do
		[ "$(readlink "/proc/$pid/cwd")" != "$MNT" ] || break
		sleep 0.1
	done
	[ "$(readlink "/proc/$pid/cwd")" = "$MNT" ]
	# Busy indeed:
	run inns umount "$MNT"
	[ "$status" -ne 0 ]
	[[ "$output" == *"target is busy"* ]]
	hvm "$LOOP" "$MNT" ext4 stop
	[ "$status" -eq 0 ]
	[[ "$output" =~ busy:\ killed\ its\ users\ \(fuser\ -k\ -m\):\ ([0-9]+\ )*$pid($|[^0-9]) ]]
	[[ "$output" == *"ha-vz-mount: $LOOP on $MNT: unmounted"* ]]
	[ -z "$(ns_mounts_of "$LOOP")" ]
	# Gone (a zombie until reaped here), killed by SIGKILL.
	[ ! -e "/proc/$pid" ] || [ "$(awk '{ print $3 }' "/proc/$pid/stat")" = Z ]
	wait "$pid" || rc=$?
	[ "$rc" -eq $((128 + 9)) ]
}

@test "stop gives up after HAVZ_MOUNT_TRIES when the mount stays busy" {
	hvm "$LOOP" "$MNT" ext4 start
	[ "$status" -eq 0 ]
	# A mount below keeps it busy, and there is no process to kill.
	inns mkdir -p "$MNT/sub"
	inns mount -t tmpfs tmpfs "$MNT/sub"
	export HAVZ_MOUNT_TRIES=2
	local t0=$SECONDS
	hvm "$LOOP" "$MNT" ext4 stop
	[ "$status" -eq 1 ]
	[[ "$output" == *"busy: killed its users (fuser -k -m): none found"* ]]
	[[ "$output" == *"ha-vz-mount: $LOOP on $MNT: umount failed 2 times: giving up"* ]]
	# Two attempts, one sleep between them.
	[ $((SECONDS - t0)) -le 3 ]
	hvm "$LOOP" "$MNT" ext4 status
	[ "$status" -eq 0 ]
	[ "$output" = running ]
	inns umount "$MNT/sub"
	hvm "$LOOP" "$MNT" ext4 stop
	[ "$status" -eq 0 ]
	[ -z "$(ns_mounts_of "$LOOP")" ]
}

@test "start refuses a mount point something else is mounted on" {
	local c0
	c0=$(mount_count)
	inns mkdir -p "$MNT"
	inns mount -t tmpfs tmpfs "$MNT"
	hvm "$LOOP" "$MNT" ext4 start
	[ "$status" -eq 1 ]
	[ "$output" = "ha-vz-mount: $LOOP on $MNT: refusing to mount: tmpfs is already mounted on $MNT" ]
	[ -z "$(ns_mounts_of "$LOOP")" ]
	[ "$(mount_count)" -eq "$c0" ]
	hvm "$LOOP" "$MNT" ext4 status
	[ "$status" -eq 3 ]
	[ "$output" = stopped ]
	# Not ours to unmount either.
	hvm "$LOOP" "$MNT" ext4 stop
	[ "$status" -eq 0 ]
	[ "$(inns awk -v m="$MNT" '$2 == m { print $1 }' /proc/mounts)" = tmpfs ]
}

@test "start refuses a device mounted elsewhere" {
	inns mkdir -p "$TESTDIR/elsewhere"
	inns mount -t ext4 "$LOOP" "$TESTDIR/elsewhere"
	hvm "$LOOP" "$MNT" ext4 start
	[ "$status" -eq 1 ]
	[ "$output" = "ha-vz-mount: $LOOP on $MNT: refusing to mount: $LOOP is already mounted on $TESTDIR/elsewhere" ]
	[ "$(ns_mounts_of "$LOOP")" = "$LOOP $TESTDIR/elsewhere ext4" ]
	hvm "$LOOP" "$MNT" ext4 status
	[ "$status" -eq 3 ]
	[ "$output" = stopped ]
}

@test "start fails when fsck.ext4 -p fails, naming the device and its exit code" {
	hvm "$LOOP2" "$MNT" ext4 start
	[ "$status" -eq 1 ]
	[[ "$output" == *"ha-vz-mount: $LOOP2 on $MNT: fsck.ext4 -p $LOOP2 failed (exit 8): not mounting"* ]]
	[ -z "$(ns_mounts_of "$LOOP2")" ]
}

@test "xfs: no fsck before the mount" {
	# No xfs here: the mount of the ext4 volume as xfs fails, after no check at all.
	hvm "$LOOP" "$MNT" xfs start
	[ "$status" -eq 1 ]
	[[ "$output" == *"ha-vz-mount: $LOOP on $MNT: mount -t xfs failed"* ]]
	[[ "$output" != *"clean,"* ]]
	[ -z "$(ns_mounts_of "$LOOP")" ]
}

@test "start of something that is not a block device fails" {
	hvm /dev/null "$MNT" ext4 start
	[ "$status" -eq 1 ]
	[ "$output" = "ha-vz-mount: /dev/null on $MNT: /dev/null is not a block device" ]
}

# The OCF agent (resource-agents/mount, ocf:ha-vz:mount under Pacemaker) around ha-vz-mount.
ocfm() {
	local action=$1
	shift
	run nsenter -t "$NSPID" -m -- env HAVZ_MOUNT_SCRIPT="$MOUNTSCRIPT" "$@" \
		"$ROOT/resource-agents/mount" "$action"
}

@test "ocf:ha-vz:mount: meta-data is well-formed and names Filesystem's parameters" {
	run "$ROOT/resource-agents/mount" meta-data
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | xmllint --noout -
	for p in device directory fstype; do
		[[ "$output" == *"<parameter name=\"$p\" required=\"1\""* ]]
	done
	run "$ROOT/resource-agents/mount" reload
	[ "$status" -eq 3 ]
	[[ "$output" == *"ocf-exit-reason:action 'reload' is not implemented"* ]]
}

@test "ocf:ha-vz:mount: monitor 7, start, monitor 0, stop, monitor 7 (OCF exit codes)" {
	local p=(OCF_RESKEY_device="$LOOP" OCF_RESKEY_directory="$MNT" OCF_RESKEY_fstype=ext4)
	ocfm monitor "${p[@]}"
	[ "$status" -eq 7 ]
	ocfm validate-all "${p[@]}"
	[ "$status" -eq 0 ]
	ocfm start "${p[@]}"
	[ "$status" -eq 0 ]
	[ "$(ns_mounts_of "$LOOP")" = "$LOOP $MNT ext4" ]
	ocfm monitor "${p[@]}"
	[ "$status" -eq 0 ]
	ocfm stop "${p[@]}"
	[ "$status" -eq 0 ]
	[ -z "$(ns_mounts_of "$LOOP")" ]
	ocfm monitor "${p[@]}"
	[ "$status" -eq 7 ]
}

@test "ocf:ha-vz:mount: a missing or bad parameter is OCF_ERR_CONFIGURED, naming it; nothing mounted" {
	ocfm start OCF_RESKEY_device="$LOOP" OCF_RESKEY_fstype=ext4
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:parameter directory is not set"* ]]
	ocfm start OCF_RESKEY_device="$LOOP" OCF_RESKEY_directory="$MNT" OCF_RESKEY_fstype=btrfs
	[ "$status" -eq 6 ]
	[[ "$output" == *"ocf-exit-reason:ha-vz-mount: fstype 'btrfs' is not supported"* ]]
	[ -z "$(ns_mounts_of "$LOOP")" ]
	# A device that is no block device: start fails (generic error), with ha-vz-mount's reason.
	ocfm start OCF_RESKEY_device="$TESTDIR/fs.img" OCF_RESKEY_directory="$MNT" OCF_RESKEY_fstype=ext4
	[ "$status" -eq 1 ]
	[[ "$output" == *"ocf-exit-reason:"* ]]
	[ -z "$(ns_mounts_of "$LOOP")" ]
}
