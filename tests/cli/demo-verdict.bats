#!/usr/bin/env bats
# The exit status of `make demo` (tests/lab/demo-verdict): every loss or corruption the probe
# or the file check saw fails the demo, with its reason.

load helpers

VERDICT=$BATS_TEST_DIRNAME/../lab/demo-verdict
SUM=5d41402abc4b2a76b9719d911017c592aaaabbbbccccddddeeeeffff00001111
GOOD="acked=120 present=120 lost=0 corrupt=0 last_before=3.1 first_after=9.8 rto=6.7"

@test "demo-verdict: nothing lost, nothing corrupt, the file intact: exit 0, silent" {
	run "$VERDICT" "$GOOD" "$SUM" "$SUM"
	assert_status 0
	[ -z "$output" ] || fail "output: $output"
}

@test "demo-verdict: corrupt records fail the demo, even with none lost" {
	run "$VERDICT" "acked=120 present=120 lost=0 corrupt=2 rto=6.7" "$SUM" "$SUM"
	assert_status 1
	assert_output_has "demo: FAILED: corrupt records: '2'"
}

@test "demo-verdict: lost records, a changed file, no acknowledgement or no probe line fail" {
	run "$VERDICT" "acked=120 present=119 lost=1 corrupt=0" "$SUM" "$SUM"
	assert_status 1
	assert_output_has "demo: FAILED: acknowledged records lost: '1'"
	run "$VERDICT" "$GOOD" "$SUM" "${SUM%?}0"
	assert_status 1
	assert_output_has "demo: FAILED: the file written before the kill is lost or changed"
	run "$VERDICT" "acked=0 present=0 lost=0 corrupt=0" "$SUM" "$SUM"
	assert_status 1
	assert_output_has "demo: FAILED: the probe acknowledged no record"
	# probe-stop failed: no line at all; every count is missing.
	run "$VERDICT" "" "" ""
	assert_status 1
	assert_output_has "demo: FAILED: the file written before the kill"
	assert_output_has "demo: FAILED: acknowledged records lost: ''"
	assert_output_has "demo: FAILED: corrupt records: ''"
}

@test "demo-verdict: wrong usage exits 2 with the usage" {
	run "$VERDICT" "$GOOD"
	assert_status 2
	assert_output_has "Usage: tests/lab/demo-verdict PROBE SHA_BEFORE SHA_AFTER"
}

@test "demo: its exit status is demo-verdict's and its drill record's" {
	# The demo's last command decides its status: both verdicts must be in it.
	local demo=$BATS_TEST_DIRNAME/../lab/demo
	# shellcheck disable=SC2016 # the lines as written in the script
	[ "$(tail -1 "$demo")" = '[ "$rc" -eq 0 ] && [ "$drill_ok" -eq 0 ]' ] || fail "last line: $(tail -1 "$demo")"
	# shellcheck disable=SC2016
	grep -qxF '"$here/demo-verdict" "$probe" "$sum" "$after" || rc=$?' "$demo" || fail "no verdict's rc"
	# shellcheck disable=SC2016
	grep -qxF '"$havz" drill check "$record" || {' "$demo" || fail "no drill check"
}
