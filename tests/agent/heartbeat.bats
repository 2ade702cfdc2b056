#!/usr/bin/env bats
# shellcheck disable=SC2154 # status, output and stderr are set by bats' run
# resource-agents/ha-vz-container: heartbeat's view (NAME start|stop|status).

load helpers
bats_require_minimum_version 1.5.0

setup_file() {
	export TESTDIR="$BATS_FILE_TMPDIR/ct"
	export CT="hvth$$"
	export CONF="$TESTDIR/ha-vz.conf"
	export LXCPATH="$TESTDIR/mnt"
	make_config "$TESTDIR" "$CT"
	"$HAVZ" ct create "$CT" -c "$CONF" --no-mount-check
}

teardown_file() {
	ct_cleanup "$LXCPATH" "$CT"
}

setup() {
	export HAVZ_CONFIG="$CONF" HAVZ_OCF_AGENT="$AGENT"
	# The wrapper passes no mount_check: the test runs on a plain directory.
	export OCF_RESKEY_mount_check=false
}

@test "wrapper is shellcheck-clean" {
	run shellcheck "$HBWRAP" "$AGENT"
	[ "$status" -eq 0 ]
}

@test "usage errors: exit 1" {
	run "$HBWRAP"
	[ "$status" -eq 1 ]
	run "$HBWRAP" "$CT"
	[ "$status" -eq 1 ]
	run "$HBWRAP" "$CT" frobnicate
	[ "$status" -eq 1 ]
	[[ "$output" == *usage* ]]
}

@test "status of a stopped container: prints stopped, exit 3" {
	run "$HBWRAP" "$CT" status
	[ "$status" -eq 3 ]
	[ "$output" = stopped ]
}

@test "status of a container not in the config: stopped on stdout, the reason on stderr" {
	run --separate-stderr "$HBWRAP" nosuch status
	[ "$status" -eq 3 ]
	[ "$output" = stopped ]
	[[ "$stderr" == *"container nosuch is not in $CONF"* ]]
}

@test "start, status running, start again" {
	run "$HBWRAP" "$CT" start
	[ "$status" -eq 0 ]
	[ "$(lxc_state "$LXCPATH" "$CT")" = RUNNING ]
	run "$HBWRAP" "$CT" status
	[ "$status" -eq 0 ]
	[ "$output" = running ]
	run "$HBWRAP" "$CT" start
	[ "$status" -eq 0 ]
}

@test "heartbeat's ResourceManager pattern reads the status words correctly" {
	# ResourceManager: *[Nn][Oo][Tt]\ *[Rr]unning* -> not, *[Rr]unning*|*OK* -> owned.
	owned() {
		case $("$HBWRAP" "$CT" status 2>/dev/null) in
		*[Nn][Oo][Tt]\ *[Rr]unning*) return 1 ;;
		*[Rr]unning* | *OK*) return 0 ;;
		*) return 1 ;;
		esac
	}
	owned
	"$HBWRAP" "$CT" stop
	run owned
	[ "$status" -eq 1 ]
}

@test "stop, status stopped, stop again" {
	"$HBWRAP" "$CT" start
	run "$HBWRAP" "$CT" stop
	[ "$status" -eq 0 ]
	[ "$(lxc_state "$LXCPATH" "$CT")" = STOPPED ]
	run "$HBWRAP" "$CT" status
	[ "$output" = stopped ]
	run "$HBWRAP" "$CT" stop
	[ "$status" -eq 0 ]
}
