#!/usr/bin/env bats
# tests/lab/drill-record: the lab's measurements of a fault (sampler lines, the fault's host
# time, lab failover's phases, the probe's counts) become a drill record that `ha-vz drill
# check` reads, with what the samples showed: a breach in them must fail the check.

load helpers

RECORD=$BATS_TEST_DIRNAME/../lab/drill-record
FAILOVER="fault=812.40 detect=1.5 drbd=1.0 primary=2.7 mounted=3.1 container=3.5"
PROBE="acked=50 present=50 lost=0 corrupt=0 last_before=0.4 first_after=4.2 rto=4.2"

setup() {
	D=$(mktemp -d)
	# alpha Primary with ct1 until its power goes at 1001.1; beta promotes and starts ct1.
	cat >"$D/samples" <<-'EOF'
		1000.2 power alpha on
		1000.2 power beta on
		1000.5 sample alpha ro=Primary/Secondary,cs=Connected,ds=UpToDate/UpToDate,ct=RUNNING
		1000.6 sample beta ro=Secondary/Primary,cs=Connected,ds=UpToDate/UpToDate,ct=STOPPED
		1001.1 power alpha off
		1001.6 sample beta ro=Secondary/Primary,cs=Connected,ds=UpToDate/UpToDate,ct=STOPPED
		1002.6 sample beta ro=Secondary/Unknown,cs=WFConnection,ds=UpToDate/DUnknown,ct=STOPPED
		1003.6 sample beta ro=Primary/Unknown,cs=WFConnection,ds=UpToDate/Outdated,ct=STOPPED
		1004.6 sample beta ro=Primary/Unknown,cs=WFConnection,ds=UpToDate/Outdated,ct=RUNNING
	EOF
}

teardown() { rm -rf "$D"; }

@test "drill-record: a node loss becomes a record that drill check passes, one sample a second" {
	run "$RECORD" node-loss alpha ct1 "$D/samples" 1001.0 "$FAILOVER" "$PROBE"
	assert_status 0
	printf '%s\n' "$output" >"$D/rec.json"
	jq -e '.kind == "node-loss" and .target == "alpha" and .recovered == true and .rto_ms == 4200
		and .acked == 50 and .lost == 0 and .started == 1001
		and .phases_ms == {"detect": 1500, "promote": 1200, "mount": 400, "start": 400}
		and (.samples | length) == 5 and (.samples | map(.t_ms)) == [0, 1000, 2000, 3000, 4000]' \
		"$D/rec.json" >/dev/null || fail "record: $output"
	# Before the power went: alpha Primary and running; after: down; beta Primary, then running.
	jq -e '.samples[0] == {"t_ms": 0, "roles": ["Primary", "Secondary"], "running": [true, false]}
		and .samples[1].roles == ["down", "Secondary"] and .samples[1].running == [null, false]
		and .samples[4] == {"t_ms": 4000, "roles": ["down", "Primary"], "running": [null, true]}' \
		"$D/rec.json" >/dev/null || fail "samples: $output"
	run "$HAVZ" drill check "$D/rec.json"
	assert_status 0
	assert_output_has "node-loss heartbeat on alpha: pass (most Primaries 1, most running 1, 0 of 50 lost)"
}

@test "drill-record: two Primaries or two running copies in the samples fail drill check" {
	# alpha never lost its power here and stayed Primary with ct1 running while beta took over.
	grep -v 'power alpha off' "$D/samples" >"$D/split"
	cat >>"$D/split" <<-'EOF'
		1003.5 sample alpha ro=Primary/Unknown,cs=StandAlone,ds=UpToDate/DUnknown,ct=RUNNING
		1004.5 sample alpha ro=Primary/Unknown,cs=StandAlone,ds=UpToDate/DUnknown,ct=RUNNING
	EOF
	run "$RECORD" partition alpha ct1 "$D/split" 1001.0 "$FAILOVER" "$PROBE"
	assert_status 0
	printf '%s\n' "$output" >"$D/rec.json"
	run "$HAVZ" drill check "$D/rec.json"
	assert_status 1
	assert_output_has "two Primaries (alpha and beta)"
	assert_output_has "ct1 running on both alpha and beta"
}

@test "drill-record: a node whose lines stop is Unknown, not counted as either role" {
	# alpha's power stays on, but its sampler falls silent after 1000.5.
	grep -v 'power alpha off' "$D/samples" >"$D/silent"
	run "$RECORD" node-loss alpha ct1 "$D/silent" 1001.0 "$FAILOVER" "$PROBE"
	assert_status 0
	printf '%s\n' "$output" >"$D/rec.json"
	jq -e '.samples[1].roles[0] == "Primary" and .samples[3].roles[0] == "Unknown"
		and .samples[3].running[0] == null' "$D/rec.json" >/dev/null || fail "record: $output"
}

@test "drill-record: no container started is a fault reported with its reason, not a pass" {
	run "$RECORD" node-loss alpha ct1 "$D/samples" 1001.0 \
		"fault=812.40 detect=1.5 drbd=1.0 primary=2.7 mounted=none container=none" "acked=50 lost=0"
	assert_status 0
	printf '%s\n' "$output" >"$D/rec.json"
	jq -e '.recovered == false and .rto_ms == null and
		.reason == "ct1 was not running on beta when the lab stopped waiting" and
		.phases_ms == {"detect": 1500, "promote": 1200}' "$D/rec.json" >/dev/null ||
		fail "record: $output"
	run "$HAVZ" drill check "$D/rec.json"
	assert_status 0
	assert_output_has "reported"
}

@test "drill-record: bad arguments are usage errors naming the argument" {
	run "$RECORD" node-loss gamma ct1 "$D/samples" 1001.0 "$FAILOVER" "$PROBE"
	assert_status 2
	assert_output_has "Usage: tests/lab/drill-record KIND TARGET"
	run "$RECORD" node-loss alpha ct1 "$D/samples" yesterday "$FAILOVER" "$PROBE"
	assert_status 2
	assert_output_has "drill-record: FAULT 'yesterday' is not a time in seconds"
	run "$RECORD" node-loss alpha ct1 "$D/absent" 1001.0 "$FAILOVER" "$PROBE"
	assert_status 1
	assert_output_has "drill-record: cannot read the samples file $D/absent"
}
