#!/usr/bin/env bats
# tests/probe/havz-probe rto: the clients' outage after a fault, read from an ack log
# ("SEQ MONOTONIC_SECONDS" per acknowledged record).

load helpers

PROBE=$HAVZ_TOP/build/probe/havz-probe

setup() {
	[ -x "$PROBE" ] || {
		echo "$PROBE is missing: run make probe first" >&2
		return 1
	}
	ACK=$BATS_TEST_TMPDIR/probe.ack
}

@test "probe rto: a dead primary: the fault to the first ack after it" {
	printf '%s\n' "1 1.0" "2 2.0" "3 3.0" "4 9.0" "5 9.5" >"$ACK"
	run "$PROBE" rto -l "$ACK" -k 3.5
	[ "$status" -eq 0 ]
	[ "$output" = "last_before=3.000 first_after=9.000 outage_from=3.500 outage_to=9.000 rto=5.50" ]
}

@test "probe rto: writes go on after the fault, the outage comes later: the longest gap counts" {
	# Heartbeat killed, links up: the old primary still acknowledges until it is fenced.
	printf '%s\n' "1 1.0" "2 2.0" "3 3.0" "4 4.0" "5 12.0" "6 12.5" >"$ACK"
	run "$PROBE" rto -l "$ACK" -k 2.5
	[ "$status" -eq 0 ]
	[ "$output" = "last_before=2.000 first_after=3.000 outage_from=4.000 outage_to=12.000 rto=8.00" ]
}

@test "probe rto: no ack after the fault: no RTO, and a failure" {
	printf '%s\n' "1 1.0" "2 2.0" >"$ACK"
	run "$PROBE" rto -l "$ACK" -k 2.5
	[ "$status" -eq 1 ]
	[ "$output" = "last_before=2.000 first_after=none rto=none" ]
}
