#!/usr/bin/env bats
# The lab runs the kernel the appliance ISO ships (issue 16): the failover tests of tests/lab
# must boot the kernel package users get, not another flavour. Compares the kernel meta package
# of tests/lab/build-image with iso/build-iso's, and what each resolves it to.

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# The value of the one `kernel_meta=` line of a build script (fails on none or several).
kernel_meta_of() {
	local lines
	lines=$(grep -E '^kernel_meta=' "$1")
	[ -n "$lines" ] || {
		echo "$1: no kernel_meta= line" >&2
		return 1
	}
	[ "$(printf '%s\n' "$lines" | wc -l)" -eq 1 ] || {
		echo "$1: more than one kernel_meta= line" >&2
		return 1
	}
	printf '%s\n' "${lines#kernel_meta=}"
}

@test "the lab boots the ISO's kernel package (tests/lab/build-image and iso/build-iso agree)" {
	local lab iso
	lab=$(kernel_meta_of "$TOP/tests/lab/build-image")
	iso=$(kernel_meta_of "$TOP/iso/build-iso")
	echo "lab: $lab, iso: $iso"
	[[ "$lab" =~ ^linux-image-[a-z0-9-]+$ ]]
	[ "$lab" = "$iso" ]
}

@test "both build scripts resolve the kernel meta package the same way" {
	# The same resolution (the first linux-image-N dependency of the meta package) gives the
	# same kernel version in both: the same awk program in each script.
	local lab iso
	# shellcheck disable=SC2016 # the pattern matches the scripts' literal text
	lab=$(grep -A1 -E '^kernel_pkg=\$\(apt-cache depends "\$kernel_meta"' "$TOP/tests/lab/build-image")
	# shellcheck disable=SC2016
	iso=$(grep -A1 -E '^kernel_pkg=\$\(apt-cache depends "\$kernel_meta"' "$TOP/iso/build-iso")
	echo "lab: $lab"
	echo "iso: $iso"
	[ -n "$lab" ]
	[ "$lab" = "$iso" ]
}
