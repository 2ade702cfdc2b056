#!/usr/bin/env bats
# A container's backing device (disk, size): `ha-vz ct disk` and `ha-vz ct create` check a
# real block device (a loop device) against size, and plan lvcreate for an absent
# /dev/VG/LV. This host has no device-mapper, so the logical volume itself is made in the
# lab or on the appliance, not here.

load helpers

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/disk"
	export CT="hvdk$$"
	export CONF="$TESTDIR/ha-vz.conf"
	export MNT="$TESTDIR/mnt"
	make_config "$TESTDIR" "$CT"
	truncate -s 96M "$TESTDIR/disk.img"
	LOOPDEV=$(losetup -f --show "$TESTDIR/disk.img") || skip "no loop device here"
	export LOOPDEV
	mkfs.ext4 -q -F "$LOOPDEV"
}

teardown_file() {
	ct_cleanup "$MNT" "$CT"
	umount "$MNT" 2>/dev/null || true
	[ -z "${LOOPDEV:-}" ] || losetup -d "$LOOPDEV"
}

# Sets the container's disk and size in $CONF; prints the line numbers they are on.
set_disk() {
	sed -i "/^\[container $CT\]/,/^\[/ { s|^disk = .*|disk = $1|; s|^size = .*|size = $2| }" "$CONF"
	grep -qx "disk = $1" "$CONF"
	grep -qx "size = $2" "$CONF"
}

line_of() {
	grep -nx "$1" "$CONF" | cut -d: -f1
}

@test "ct disk: a block device of exactly size, or larger, passes" {
	set_disk "$LOOPDEV" 96M
	run "$HAVZ" ct disk "$CT" -c "$CONF"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"container $CT: disk $LOOPDEV holds its size"* ]]
	set_disk "$LOOPDEV" 64M
	run "$HAVZ" ct disk "$CT" -c "$CONF"
	[ "$status" -eq 0 ]
}

@test "ct disk: a block device smaller than size is an error naming size and its line" {
	set_disk "$LOOPDEV" 97M
	run "$HAVZ" ct disk "$CT" -c "$CONF"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container $CT: $CONF:$(line_of 'size = 97M'): size = 97 MiB: disk $LOOPDEV holds only 96 MiB (100663296 bytes, 101711872 needed)"* ]]
}

@test "ct create: refused on a mounted volume whose disk is smaller than size; nothing created" {
	set_disk "$LOOPDEV" 3G
	mount "$LOOPDEV" "$MNT"
	run "$HAVZ" ct create "$CT" -c "$CONF"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$CONF:$(line_of 'size = 3G'): size = 3 GiB: disk $LOOPDEV holds only 96 MiB"* ]]
	[ ! -e "$MNT/$CT" ]
	set_disk "$LOOPDEV" 96M
	run "$HAVZ" ct create "$CT" -c "$CONF"
	echo "$output"
	[ "$status" -eq 0 ]
	[ -f "$MNT/$CT/config" ]
	ct_cleanup "$MNT" "$CT"
	umount "$MNT"
}

@test "ct disk: a disk that is not a block device, or absent and no /dev/VG/LV, is an error" {
	set_disk "$TESTDIR/disk.img" 96M
	run "$HAVZ" ct disk "$CT" -c "$CONF"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$CONF:$(line_of "disk = $TESTDIR/disk.img"): disk = $TESTDIR/disk.img: not a block device"* ]]
	set_disk /dev/mapper/hvnone$$ 64M
	run "$HAVZ" ct disk "$CT" -c "$CONF"
	[ "$status" -eq 1 ]
	[[ "$output" == *"disk = /dev/mapper/hvnone$$: does not exist, and it is not /dev/VG/LV"* ]]
}

@test "ct disk: an absent /dev/VG/LV is created with lvcreate (--dry-run shows the argv)" {
	local vg=hvnovg$$
	set_disk "/dev/$vg/$CT" 128M
	run "$HAVZ" ct disk "$CT" -c "$CONF" --dry-run
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"would create logical volume $CT in volume group $vg (134217728 bytes)"* ]]
	grep -qx "lvcreate --yes -L 134217728b -n $CT $vg" <<<"$output"
	# For real: no such volume group here (and no lvm2 or device-mapper on this host).
	run "$HAVZ" ct disk "$CT" -c "$CONF"
	echo "$output"
	[ "$status" -eq 1 ]
	if command -v lvcreate >/dev/null; then
		[[ "$output" == *"disk = /dev/$vg/$CT: lvcreate failed: "* ]]
	else
		[[ "$output" == *"disk = /dev/$vg/$CT: lvcreate cannot run (is lvm2 installed?)"* ]]
	fi
	[ ! -e "/dev/$vg/$CT" ]
	# ct create only checks: it never creates the disk below a mounted volume.
	run "$HAVZ" ct create "$CT" -c "$CONF"
	[ "$status" -eq 1 ]
}
