# shellcheck shell=bash
# shellcheck disable=SC2154 # status and output are set by bats' run
# Shared by cluster.bats and faults.bats: one two-VM cluster (tests/lab/lab) for the whole
# file. Each file's setup_file exports its own HAVZ_LAB_RUN and HAVZ_LAB_PORT, then calls
# lab_setup_file; its teardown_file calls lab_down.

# LAB, and LAB_SKIP (why the lab cannot run here, else empty); takes down what an earlier
# run of the same cluster left.
lab_setup_file() {
	export LAB="$BATS_TEST_DIRNAME/lab"
	export LAB_SKIP=""
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		LAB_SKIP="qemu-system-x86_64 is not installed (tests/install-deps)"
	elif [ "$(id -u)" -ne 0 ]; then
		LAB_SKIP="the lab needs root (debootstrap, image build)"
	fi
	lab_down
}

lab_down() {
	[ -n "$LAB_SKIP" ] || "$LAB" down >/dev/null 2>&1 || true
}

# Prints lines as TAP comments (to the TAP stream, fd 3).
note() { printf '# %s\n' "$@" >&3; }
log_to_tap() { sed 's/^/# /' >&3; }

need_lab() {
	[ -z "$LAB_SKIP" ] || skip "$LAB_SKIP"
}

# Runs a shell command line in a node; fails the test with its output if it fails.
on() {
	local node=$1
	shift
	run "$LAB" exec "$node" "$*"
	if [ "$status" -ne 0 ]; then
		echo "on $node: '$*' exited $status: $output" >&2
		return 1
	fi
}
