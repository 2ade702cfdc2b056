#!/usr/bin/env bats
# The checkpoint engine on this host, with a real ext4 volume (loop device) and
# a real LXC busybox container: the CLI, the fallback of a failed dump, a dump that
# succeeds and restores, and the restore's single use and freshness checks. Where
# `criu check` fails (this host's 6.18 kernel breaks Debian's CRIU 3.17), the
# successful dump is skipped with criu's own error; the lab proves it then.

load helpers

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/ckpt"
	export CT="hvck$$"
	export CONF="$TESTDIR/ha-vz.conf"
	export MNT="$TESTDIR/mnt"
	export IMG="$MNT/.ha-vz/checkpoint"
	make_config "$TESTDIR" "$CT"
	truncate -s 96M "$TESTDIR/fs.img"
	mkfs.ext4 -q -F "$TESTDIR/fs.img"
	mount -o loop "$TESTDIR/fs.img" "$MNT" || skip "cannot loop-mount here"
	# The loop device is the container's disk: ct create checks it holds size.
	sed -i "/^\[container $CT\]/,/^\[/ { s|^disk = .*|disk = $(dev)|; s|^size = .*|size = 96M| }" "$CONF"
	grep -qx "disk = $(dev)" "$CONF"
	"$HAVZ" ct create "$CT" -c "$CONF" >"$TESTDIR/create.log" 2>&1 || {
		cat "$TESTDIR/create.log" >&2
		false
	}
	CRIU_UNUSABLE=$(criu_unusable)
	export CRIU_UNUSABLE
}

# Why CRIU cannot dump on this host (its first error), or nothing when `criu check` passes.
criu_unusable() {
	local out
	if ! command -v criu >/dev/null; then
		echo "criu is not installed"
	elif ! out=$(criu check 2>&1); then
		echo "'criu check' fails on kernel $(uname -r): $(grep -m1 . <<<"$out")"
	fi
}

# Starts $CT and waits until it runs.
ct_start() {
	lxc-start -P "$MNT" -n "$CT" -d
	lxc-wait -P "$MNT" -n "$CT" -s RUNNING -t 10
}

# Runs a shell command line inside $CT.
in_ct() {
	lxc-attach -P "$MNT" -n "$CT" -- /bin/sh -c "$1"
}

teardown_file() {
	ct_cleanup "$MNT" "$CT"
	umount "$MNT" 2>/dev/null || true
}

dev() {
	findmnt -n -o SOURCE --target "$MNT"
}

# make_image CT [MOUNTS_DELTA]: a fake image dir with a MANIFEST as the engine
# writes it, for container CT, with the mount count shifted by MOUNTS_DELTA.
make_image() {
	local name=$1 delta=${2:-0} d uuid mounts mtime
	rm -rf "$IMG"
	mkdir -p "$IMG/pre/1"
	echo core >"$IMG/core-1.img"
	echo pages >"$IMG/pre/1/pages-1.img"
	ln -s pre/1 "$IMG/parent"
	echo "not an image" >"$IMG/dump.log"
	d=$(dumpe2fs -h "$(dev)" 2>/dev/null)
	uuid=$(sed -n 's/^Filesystem UUID: *//p' <<<"$d")
	mounts=$(sed -n 's/^Mount count: *//p' <<<"$d")
	mtime=$(date -d "$(sed -n 's/^Last mount time: *//p' <<<"$d")" +%s)
	{
		echo "ha-vz-checkpoint 1"
		echo "container $name"
		echo "created $(date +%s)"
		echo "identity uuid=$uuid mounts=$((mounts + delta)) mounted=$mtime drbd=-"
		(cd "$IMG" && find . -type f ! -name '*.log' -printf '%P\n' | LC_ALL=C sort |
			while read -r f; do
				printf '%s %s %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" \
					"$(stat -c %s "$f")" "$f"
			done)
	} >"$TESTDIR/MANIFEST.tmp"
	# symlinks go in path order with the files: rebuild sorted
	{
		head -4 "$TESTDIR/MANIFEST.tmp"
		{
			tail -n +5 "$TESTDIR/MANIFEST.tmp" | awk '{ print $3 "\t" $0 }'
			printf 'parent\tsymlink pre/1 parent\n'
		} | LC_ALL=C sort | cut -f2-
		echo end
	} >"$IMG/MANIFEST"
	rm "$TESTDIR/MANIFEST.tmp"
}

restore() {
	run "$HAVZ" restore "$CT" -c "$CONF" --timeout 60
}

@test "checkpoint and restore --help" {
	run "$HAVZ" checkpoint --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: ha-vz checkpoint NAME"* ]]
	run "$HAVZ" restore --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"Usage: ha-vz restore NAME"* ]]
	run "$HAVZ" checkpoint
	[ "$status" -eq 2 ]
	run "$HAVZ" checkpoint "$CT" -c "$CONF" --precopy 99
	[ "$status" -eq 2 ]
}

@test "checkpoint refuses a container whose checkpoint policy is off" {
	run "$HAVZ" checkpoint ghost -c "$CONF"
	[ "$status" -eq 1 ]
	[[ "$output" == *"checkpoint = off"* ]]
}

@test "checkpoint --on-stop only writes the marker" {
	run "$HAVZ" checkpoint "$CT" -c "$CONF" --on-stop
	[ "$status" -eq 0 ]
	[ -f "$MNT/.ha-vz/checkpoint-on-stop" ]
	[ "$(stat -c %a "$MNT/.ha-vz/checkpoint-on-stop")" = 600 ]
	rm -f "$MNT/.ha-vz/checkpoint-on-stop"
}

@test "checkpoint of a stopped container fails and says so" {
	run "$HAVZ" checkpoint "$CT" -c "$CONF"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not running"* ]]
}

@test "a failed dump leaves the container running, not frozen, and writes no image" {
	ct_start
	# A process of the container whose stdout is a pipe to a process outside it: CRIU cannot
	# dump that, so the dump fails where CRIU works too.
	setsid /bin/sh -c "lxc-attach -P '$MNT' -n '$CT' -- /bin/sh -c 'setsid sleep 100000 &' |
		cat >/dev/null" </dev/null >/dev/null 2>&1 &
	local _
	for _ in $(seq 50); do
		in_ct "pidof sleep" >/dev/null && break
		sleep 0.2
	done
	in_ct "pidof sleep"
	run "$HAVZ" checkpoint "$CT" -c "$CONF" --precopy 1 --timeout 60
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"not checkpointed:"* ]]
	[ "$(lxc_state "$MNT" "$CT")" = RUNNING ]
	in_ct "pidof sleep"
	[ ! -e "$IMG/MANIFEST" ]
	lxc-stop -P "$MNT" -n "$CT" -k
}

@test "a dump succeeds where CRIU works: stopped, sealed, and the restore resumes its processes" {
	[ -z "$CRIU_UNUSABLE" ] || skip "$CRIU_UNUSABLE"
	ct_start
	in_ct "setsid sleep 4242 </dev/null >/dev/null 2>&1 &"
	local _ pid
	for _ in $(seq 50); do
		pid=$(in_ct "pidof sleep") && break
		sleep 0.2
	done
	[ -n "$pid" ]
	run "$HAVZ" checkpoint "$CT" -c "$CONF" --precopy 1 --timeout 60
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(lxc_state "$MNT" "$CT")" = STOPPED ]
	grep -q "^container $CT\$" "$IMG/MANIFEST"
	tail -1 "$IMG/MANIFEST" | grep -qx end
	restore
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(lxc_state "$MNT" "$CT")" = RUNNING ]
	# The same process, with its PID in the container's namespace: resumed, not restarted.
	[ "$(in_ct "pidof sleep")" = "$pid" ]
	[ -f "$IMG/MANIFEST.used" ]
	lxc-stop -P "$MNT" -n "$CT" -k
}

@test "restore without an image: no checkpoint image" {
	rm -rf "$IMG"
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"no checkpoint image"* ]]
}

@test "a fresh image passes every check, is spent, and a failed CRIU restore is cleaned up" {
	make_image "$CT"
	restore
	echo "$output"
	[ "$status" -eq 1 ]
	# It got past the manifest and freshness checks to CRIU (which cannot restore fake images).
	[[ "$output" == *"restore failed"* ]]
	[ ! -e "$IMG/MANIFEST" ]
	[ -f "$IMG/MANIFEST.used" ]
	[ "$(lxc_state "$MNT" "$CT")" = STOPPED ]
	[ -s "$IMG/lxc-checkpoint-restore.log" ]
	grep -qx "mntns-compat-mode" "$IMG/criu-restore.conf"
	grep -qx "network-lock iptables" "$IMG/criu-dump.conf" || [ ! -e "$IMG/criu-dump.conf" ]
	run grep -q "network-lock" "$IMG/criu-restore.conf"
	[ "$status" -ne 0 ]
	run compgen -G "/sys/fs/cgroup/lxc.payload.$CT*"
	[ "$status" -ne 0 ]
}

@test "an image is used at most once" {
	make_image "$CT"
	restore
	[ "$status" -eq 1 ]
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"the image was used already"* ]]
}

@test "one unmount and mount since the dump (a switchover) is fresh" {
	make_image "$CT"
	umount "$MNT"
	mount -o loop "$TESTDIR/fs.img" "$MNT"
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"restore failed"* ]]
}

@test "a filesystem mounted again in between is stale" {
	make_image "$CT"
	for _ in 1 2; do
		umount "$MNT"
		mount -o loop "$TESTDIR/fs.img" "$MNT"
	done
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"stale image: the filesystem was mounted 2 times since the dump"* ]]
	# and spent: the next start does not look at it again
	restore
	[[ "$output" == *"used already"* ]]
}

@test "an image from a later mount count (an older copy now) is stale" {
	make_image "$CT" 3
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"mount count went back"* ]]
}

@test "a changed image file is refused by its sha256" {
	make_image "$CT"
	echo "corE" >"$IMG/core-1.img"
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"image does not match its manifest: core-1.img: sha256 mismatch"* ]]
}

@test "a pre-dump round's page image is checked by size, not read again" {
	make_image "$CT"
	echo PAGES >"$IMG/pre/1/pages-1.img"
	restore
	[ "$status" -eq 1 ]
	# Past the manifest and freshness checks, to CRIU.
	[[ "$output" == *"restore failed"* ]]
	make_image "$CT"
	echo pages! >"$IMG/pre/1/pages-1.img"
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"image does not match its manifest: pre/1/pages-1.img: size 7, manifest says 6"* ]]
}

@test "a missing or an extra image file is refused" {
	make_image "$CT"
	rm "$IMG/pre/1/pages-1.img"
	restore
	[[ "$output" == *"missing file pre/1/pages-1.img"* ]]
	make_image "$CT"
	echo x >"$IMG/zz.img"
	restore
	[[ "$output" == *"extra file zz.img"* ]]
}

@test "another container's image is refused" {
	make_image other
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"the image belongs to container 'other', not '$CT'"* ]]
}

@test "a truncated manifest is refused" {
	make_image "$CT"
	sed -i '$d' "$IMG/MANIFEST"
	restore
	[ "$status" -eq 1 ]
	[[ "$output" == *"no 'end' line: the manifest is truncated"* ]]
}
