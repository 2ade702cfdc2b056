#!/usr/bin/env bats
# Lab tier: two qemu VMs (tests/lab/lab) with Debian 12's kernel, real DRBD 8.4 and heartbeat,
# configured only from `ha-vz render` of tests/lab/lab.conf. One cluster for the whole file,
# the tests run in order: cold start, node-loss failover, rejoin and resync.
# Timings are printed as TAP comments, never asserted.

load helpers

setup_file() {
	export HAVZ_LAB_RUN=${HAVZ_LAB_TEST_RUN:-/run/ha-vz-lab-test}
	export HAVZ_LAB_PORT=${HAVZ_LAB_TEST_PORT:-47200}
	lab_setup_file
}

teardown_file() {
	lab_down
}

@test "lab: cluster cold start (both VMs, DRBD UpToDate/UpToDate, heartbeat, ct1 on alpha)" {
	need_lab
	local t0=$SECONDS rc=0
	"$LAB" up >"$BATS_FILE_TMPDIR/up.log" 2>&1 || rc=$?
	log_to_tap <"$BATS_FILE_TMPDIR/up.log"
	[ "$rc" -eq 0 ]
	note "boot of both VMs (with image check): $((SECONDS - t0)) s"
	t0=$SECONDS
	"$LAB" cluster-init >"$BATS_FILE_TMPDIR/init.log" 2>&1 || rc=$?
	grep -v '^render: wrote' "$BATS_FILE_TMPDIR/init.log" | log_to_tap
	[ "$rc" -eq 0 ]
	note "cluster init (render, DRBD sync, mkfs, container, heartbeat): $((SECONDS - t0)) s"
	for n in alpha beta; do
		on "$n" "drbdadm cstate ct-ct1"
		[ "$output" = Connected ]
		on "$n" "drbdadm dstate ct-ct1"
		[ "$output" = UpToDate/UpToDate ]
		on "$n" "cl_status hbstatus"
		[[ "$output" == *"is running"* ]]
		on "$n" "test -f /etc/drbd.d/ct-ct1.res && test -f /etc/ha.d/ha.cf && head -1 /etc/ha.d/ha.cf"
		[[ "$output" == *"ha-vz render"* ]]
	done
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on alpha "mountpoint -q /srv/ha-vz/ct1"
	on alpha "/etc/ha.d/resource.d/ha-vz-container ct1 status"
	[ "$output" = running ]
	on beta "cl_status nodestatus alpha"
	[ "$output" = active ]
	touch "$BATS_FILE_TMPDIR/cluster-up"
}

@test "lab: node-loss failover with RPO 0 (kill -9 alpha: beta runs ct1, no acknowledged write lost)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/cluster-up" ] || skip "the cold start test did not pass"
	# The probe client on beta writes to the probe service in ct1 on alpha, fsync'd per record.
	run "$LAB" probe-start beta lab1
	echo "$output"
	[ "$status" -eq 0 ]
	on alpha "dd if=/dev/urandom of=/srv/ha-vz/ct1/before-kill bs=1M count=8 conv=fsync 2>/dev/null &&
		sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1"
	local sum=$output
	[ "${#sum}" -eq 64 ]
	run "$LAB" failover alpha
	echo "$output"
	[ "$status" -eq 0 ]
	local timings=${output##*$'\n'} fault
	note "failover after kill -9 of alpha (s after the kill): $timings"
	fault=$(printf '%s\n' "$timings" | tr ' ' '\n' | sed -n 's/^fault=//p')
	run "$LAB" probe-wait beta "$fault"
	echo "$output"
	[ "$status" -eq 0 ]
	run "$LAB" probe-stop beta lab1 "$fault"
	echo "$output"
	note "probe: $output"
	[ "$status" -eq 0 ]
	[[ "$output" == *" lost=0 "* ]]
	on beta "drbdadm role ct-ct1"
	[[ "$output" == Primary/* ]]
	on beta "mountpoint -q /srv/ha-vz/ct1 && sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1"
	[ "$output" = "$sum" ]
	on beta "/etc/ha.d/resource.d/ha-vz-container ct1 status"
	[ "$output" = running ]
	echo "$sum" >"$BATS_FILE_TMPDIR/sum"
}

@test "lab: old primary rejoins as Secondary and resyncs (no failback)" {
	need_lab
	[ -f "$BATS_FILE_TMPDIR/sum" ] || skip "the failover test did not pass"
	on beta "dd if=/dev/urandom of=/srv/ha-vz/ct1/after-kill bs=1M count=4 conv=fsync 2>/dev/null"
	run "$LAB" rejoin alpha
	echo "$output"
	[ "$status" -eq 0 ]
	note "rejoin of alpha (s): ${output##*$'\n'}"
	on alpha "drbdadm role ct-ct1"
	[ "$output" = Secondary/Primary ]
	on alpha "drbdadm dstate ct-ct1"
	[ "$output" = UpToDate/UpToDate ]
	run "$LAB" exec alpha "mountpoint -q /srv/ha-vz/ct1"
	[ "$status" -ne 0 ]
	on beta "drbdadm role ct-ct1"
	[ "$output" = Primary/Secondary ]
	on beta "sha256sum /srv/ha-vz/ct1/before-kill | cut -d' ' -f1"
	[ "$output" = "$(cat "$BATS_FILE_TMPDIR/sum")" ]
	on beta "cl_status nodestatus alpha"
	[ "$output" = active ]
}
