#!/usr/bin/env bats
# A fixture for tests/cli/harness.bats, never run by a tier: its second test kills its own
# bats-exec-test process, so bats reports no result for it (plan 1..3, two results).

@test "fixture: reported" {
	true
}

@test "fixture: dies without a result" {
	kill -9 $$
}

@test "fixture: reported after the lost one" {
	true
}
