#!/usr/bin/env bats
# A fixture for tests/cli/harness.bats, never run by a tier: a complete run, one test skipped.

@test "fixture: passes" {
	true
}

@test "fixture: skips" {
	skip "a fixture's skip"
}
