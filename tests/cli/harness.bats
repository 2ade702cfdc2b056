#!/usr/bin/env bats
# tests/run's accounting: a bats file or a unit binary that crashes or stops early fails its
# tier; its tests are never dropped silently. The fixtures in tests/cli/harness/ (and unit
# "binaries" written here) go through tests/run itself, with its logs in the test's tmpdir.

load helpers

setup() {
	T=$BATS_TEST_TMPDIR
	export HAVZ_TEST_LOGS=$T/logs
}

# tests/run on the given tiers or directories; the closing line is its last line.
tests_run() {
	run "$HAVZ_TOP/tests/run" "$@"
	summary=${output##*$'\n'}
}

# A unit test "binary" in $T/unit: prints its arguments as lines, exits with status $1.
unit_fixture() {
	local name=$1 rc=$2
	shift 2
	mkdir -p "$T/unit"
	{
		echo '#!/bin/sh'
		printf "printf '%%s\\\\n'"
		printf " '%s'" "$@"
		echo
		echo "exit $rc"
	} >"$T/unit/$name"
	chmod 755 "$T/unit/$name"
}

@test "tests/run: a complete bats run passes, with its skip counted" {
	tests_run tests/cli/harness/good
	assert_status 0
	[ "$summary" = "1 passed, 0 failed, 1 skipped" ] || fail "closing line: $summary" "$output"
}

@test "tests/run: a bats file that loses a test's result fails the tier" {
	tests_run tests/cli/harness/dropped
	assert_status 1
	assert_output_has "not ok - bats tests-cli-harness-dropped planned 3 tests but reported 2"
	[ "$summary" = "2 passed, 1 failed" ] || fail "closing line: $summary" "$output"
}

@test "tests/run: a unit binary that stops before its plan is done fails, even with status 0" {
	unit_fixture test_short 0 1..3 "ok 1 - test_first"
	HAVZ_UNIT_DIR=$T/unit tests_run unit
	assert_status 1
	assert_output_has "not ok - test_short planned 3 tests but reported 1 (exit status 0)"
	[ "$summary" = "1 passed, 1 failed" ] || fail "closing line: $summary" "$output"
}

@test "tests/run: a real cmocka binary that exits 0 in its second of three tests fails" {
	mkdir -p "$T/unit"
	cc -std=c11 -Wall -Wextra -Werror -o "$T/unit/test_stops_early" \
		"$BATS_TEST_DIRNAME/harness/unit/test_stops_early.c" -lcmocka
	HAVZ_UNIT_DIR=$T/unit tests_run unit
	assert_status 1
	assert_output_has "not ok - test_stops_early planned 3 tests but reported 1 (exit status 0)"
	[ "$summary" = "1 passed, 1 failed" ] || fail "closing line: $summary" "$output"
}

@test "tests/run: a unit binary that crashes after its last result, or prints no plan, fails" {
	unit_fixture test_abort 134 1..1 "ok 1 - test_only"
	unit_fixture test_noplan 0 "ok 1 - test_alone"
	unit_fixture test_whole 0 1..2 "ok 1 - test_a" "ok 2 - test_b"
	HAVZ_UNIT_DIR=$T/unit tests_run unit
	assert_status 1
	assert_output_has "not ok - test_abort exited with status 134"
	assert_output_has "not ok - test_noplan printed no TAP plan (exit status 0)"
	refute_output_has "not ok - test_whole"
	[ "$summary" = "4 passed, 2 failed" ] || fail "closing line: $summary" "$output"
}
